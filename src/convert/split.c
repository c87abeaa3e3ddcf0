/*
 * split.c — the splits (none, seq, ratio, time, time-quantile, random): one byte per row
 * (train / valid / test / dropped), their manifest keys and counts, and --split parsing.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

const char *const l4r_part_name[3] = {"train", "valid", "test"};

/* ---- splits ---- */

/* Per-user chronological ratio counts, RecBole's rounding: valid/test get floor(r * n), bumped to
 * 1 when r * n is in (0, 1) while train keeps more than one; train gets the rest. */
void l4r_ratio_counts(uint32_t n, const double r[3], uint32_t cnt[3])
{
    cnt[1] = (uint32_t)(r[1] * n);
    cnt[2] = (uint32_t)(r[2] * n);
    if (cnt[1] + cnt[2] > n) {
        cnt[1] = 0;
        cnt[2] = 0;
    }
    cnt[0] = n - cnt[1] - cnt[2];
    for (int i = 2; i >= 1; i--) {
        if (cnt[0] <= 1)
            break;
        double x = r[i] * n;
        if (x > 0 && x < 1) {
            cnt[i]++;
            cnt[0]--;
        }
    }
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The k-th smallest (0-based) of a[0..n) (quickselect; a is reordered). */
static int64_t select_kth(int64_t *a, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    uint64_t s = 0x243f6a8885a308d3ull;
    while (hi > lo + 16) {
        s = mix64(s);
        int64_t piv = a[lo + s % (hi - lo + 1)];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < piv)
                i++;
            while (a[j] > piv)
                j--;
            if (i <= j) {
                int64_t x = a[i];
                a[i] = a[j];
                a[j] = x;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return a[k];
    }
    qsort(a + lo, hi - lo + 1, sizeof *a, cmp_i64);
    return a[k];
}

l4r_status l4r_split_plan_make(proc *p, l4r_split_plan *sp, l4r_kth_ts_fn kth, void *ctx, l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    memset(sp, 0, sizeof *sp);
    sp->kind = o->split;
    static const char *const kind[6] = {"none", "seq", "ratio", "time", "time-quantile", "random"};
    l4r_manifest_set_str(p->m, "split.kind", kind[o->split]);
    switch (o->split) {
    case L4R_SPLIT_NONE: break;
    case L4R_SPLIT_SEQ: {
        int64_t shorts = 0;
        for (size_t u = 0; u < p->n_users; u++)
            shorts += p->ulen[u] > 0 && p->ulen[u] < 3;
        l4r_manifest_set_int(p->m, "split.users_short_to_train", shorts);
        break;
    }
    case L4R_SPLIT_RATIO: {
        double s = o->split_a + o->split_b + o->split_c;
        sp->ratio[0] = o->split_a / s;
        sp->ratio[1] = o->split_b / s;
        sp->ratio[2] = o->split_c / s;
        l4r_manifest_set_real(p->m, "split.ratio.train", sp->ratio[0]);
        l4r_manifest_set_real(p->m, "split.ratio.valid", sp->ratio[1]);
        l4r_manifest_set_real(p->m, "split.ratio.test", sp->ratio[2]);
        break;
    }
    case L4R_SPLIT_TIME:
    case L4R_SPLIT_TIME_QUANTILE: {
        if (!p->t->has_time)
            return l4r_err(e, L4R_EUSAGE,
                           "--split %s needs timestamps, but the source has no time: use --split "
                           "seq, ratio or random, which order each user's rows by their source position",
                           kind[o->split]);
        if (o->split == L4R_SPLIT_TIME) {
            sp->t1 = (int64_t)o->split_a;
            sp->t2 = (int64_t)o->split_b;
        } else {
            size_t n = live_rows(p);
            if (n == 0) {
                sp->t1 = sp->t2 = 0;
            } else {
                /* The cut is the timestamp at rank floor(q * n): every row before it in time goes
                 * to the earlier part; rows sharing the cut timestamp go to the later part. */
                size_t k1 = (size_t)(o->split_a * (double)n);
                size_t k2 = (size_t)(o->split_b * (double)n);
                l4r_status st = L4R_OK;
                sp->t1 = sp->t2 = INT64_MAX;
                if (k1 < n)
                    st = kth(ctx, k1, &sp->t1, e);
                if (!st && k2 < n)
                    st = kth(ctx, k2, &sp->t2, e);
                if (st)
                    return st;
            }
            l4r_manifest_set_real(p->m, "split.q1", o->split_a);
            l4r_manifest_set_real(p->m, "split.q2", o->split_b);
        }
        l4r_manifest_set_int(p->m, "split.t1", sp->t1);
        l4r_manifest_set_int(p->m, "split.t2", sp->t2);
        break;
    }
    case L4R_SPLIT_RANDOM: {
        /* Exact counts (floor of the shares for train and valid, the rest to test), chosen by
         * sequential sampling in output order: uniform, and no permutation array needed. */
        size_t n = live_rows(p);
        double s = o->split_a + o->split_b + o->split_c;
        sp->rem[0] = (uint64_t)floor((double)n * o->split_a / s);
        sp->rem[1] = (uint64_t)floor((double)n * o->split_b / s);
        if (sp->rem[0] + sp->rem[1] > n)
            sp->rem[1] = n - sp->rem[0];
        sp->rem[2] = n - sp->rem[0] - sp->rem[1];
        sp->rr.s = mix64(o->seed ^ 0x73706c6974ull);
        l4r_manifest_set_int(p->m, "split.seed", (int64_t)o->seed);
        break;
    }
    }
    return L4R_OK;
}

/* The in-memory k-th smallest live timestamp: all of them gathered once, then quickselect. */
typedef struct kth_mem {
    proc *p;
    int64_t *a;
    size_t n;
} kth_mem;

static l4r_status kth_mem_fn(void *ctx, uint64_t k, int64_t *out, l4r_error *e)
{
    (void)e;
    kth_mem *c = ctx;
    proc *p = c->p;
    if (!c->a) {
        c->n = live_rows(p);
        c->a = l4r_xmalloc((c->n ? c->n : 1) * sizeof *c->a);
        size_t m = 0;
        for (size_t u = 0; u < p->n_users; u++) {
            const uint32_t *g = p->idx + p->ubeg[u];
            for (uint32_t j = 0; j < p->ulen[u]; j++)
                c->a[m++] = l4r_itab_ts(p->t, g[j]);
        }
    }
    *out = select_kth(c->a, c->n, (size_t)k);
    return L4R_OK;
}

l4r_status l4r_split_assign(proc *p, l4r_error *e)
{
    const l4r_itab *t = p->t;
    p->part = l4r_xmalloc(t->n ? t->n : 1);
    memset(p->part, PART_DROP, t->n ? t->n : 1);
    l4r_split_plan sp;
    kth_mem km = {.p = p};
    l4r_status st = l4r_split_plan_make(p, &sp, kth_mem_fn, &km, e);
    free(km.a);
    if (st)
        return st;
    for (size_t u = 0; u < p->n_users; u++)
        l4r_split_rows(&sp, p->idx + p->ubeg[u], p->ulen[u], t->ts32, t->ts64, p->part);
    return L4R_OK;
}

void l4r_split_tally_init(l4r_split_tally *t, const proc *p)
{
    memset(t, 0, sizeof *t);
    t->iseen = l4r_xcalloc(p->n_items ? p->n_items : 1, 1);
}

void l4r_report_split_counts(proc *p, l4r_split_tally *t)
{
    if (p->o->split != L4R_SPLIT_NONE && t->iseen) {
        for (size_t i = 0; i < p->n_items; i++) {
            for (int k = 0; k < 3; k++)
                t->c[k][1] += (t->iseen[i] >> k) & 1;
        }
        char path[64];
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof path, "split.%s", l4r_part_name[k]);
            l4r_proc_set_counts(p, path, t->c[k]);
        }
    }
    free(t->iseen);
    t->iseen = NULL;
}

void l4r_split_record_counts(proc *p)
{
    if (p->o->split == L4R_SPLIT_NONE)
        return; /* one part: the counts are the "counts" key */
    l4r_split_tally t;
    l4r_split_tally_init(&t, p);
    for (size_t u = 0; u < p->n_users; u++)
        l4r_split_tally_group(&t, p->idx + p->ubeg[u], p->ulen[u], p->t->item, p->part);
    l4r_report_split_counts(p, &t);
}

/* ---- --split parsing ---- */

static bool parse_nums(const char *full, const char *s, double *v, int want, l4r_error *e, const char *what)
{
    const char *p = s;
    for (int i = 0; i < want; i++) {
        char *end;
        errno = 0;
        v[i] = strtod(p, &end);
        if (end == p || errno || !isfinite(v[i]) || v[i] < 0) {
            l4r_err(e, L4R_EUSAGE, "invalid --split '%s': expected %s", full, what);
            return false;
        }
        p = end;
        if (i + 1 < want) {
            if (*p != ',') {
                l4r_err(e, L4R_EUSAGE, "invalid --split '%s': expected %s", full, what);
                return false;
            }
            p++;
        }
    }
    if (*p) {
        l4r_err(e, L4R_EUSAGE, "invalid --split '%s': expected %s", full, what);
        return false;
    }
    return true;
}

bool l4r_parse_split(const char *s, l4r_process_opts *o, l4r_error *e)
{
    double v[3] = {0, 0, 0};
    const char *full = s;
    if (strcmp(s, "none") == 0) {
        o->split = L4R_SPLIT_NONE;
        return true;
    }
    if (strcmp(s, "seq") == 0 || strcmp(s, "loo") == 0) {
        o->split = L4R_SPLIT_SEQ;
        return true;
    }
    if (strncmp(s, "ratio:", 6) == 0 || strncmp(s, "random:", 7) == 0) {
        bool ratio = s[1] == 'a' && s[2] == 't';
        if (!parse_nums(full, strchr(s, ':') + 1, v, 3, e, "three weights like 8,1,1"))
            return false;
        if (v[0] + v[1] + v[2] <= 0) {
            l4r_err(e, L4R_EUSAGE, "invalid --split '%s': the weights sum to zero", full);
            return false;
        }
        o->split = ratio ? L4R_SPLIT_RATIO : L4R_SPLIT_RANDOM;
        o->split_a = v[0];
        o->split_b = v[1];
        o->split_c = v[2];
        return true;
    }
    if (strncmp(s, "time-quantile:", 14) == 0) {
        if (!parse_nums(full, s + 14, v, 2, e, "two quantiles like 0.8,0.9"))
            return false;
        if (v[0] > v[1] || v[1] > 1) {
            l4r_err(e, L4R_EUSAGE, "invalid --split '%s': need 0 <= q1 <= q2 <= 1", full);
            return false;
        }
        o->split = L4R_SPLIT_TIME_QUANTILE;
        o->split_a = v[0];
        o->split_b = v[1];
        o->split_c = 0;
        return true;
    }
    if (strncmp(s, "time:", 5) == 0) {
        if (!parse_nums(full, s + 5, v, 2, e, "two Unix times like 1500000000,1600000000"))
            return false;
        if (v[0] > v[1]) {
            l4r_err(e, L4R_EUSAGE, "invalid --split '%s': need T1 <= T2", full);
            return false;
        }
        o->split = L4R_SPLIT_TIME;
        o->split_a = v[0];
        o->split_b = v[1];
        o->split_c = 0;
        return true;
    }
    l4r_err(e, L4R_EUSAGE,
            "invalid --split '%s': expected none, seq, ratio:A,B,C, time:T1,T2, "
            "time-quantile:Q1,Q2 or random:A,B,C",
            full);
    return false;
}
