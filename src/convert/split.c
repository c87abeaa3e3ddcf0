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

l4r_status l4r_split_assign(proc *p, l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    const l4r_itab *t = p->t;
    p->part = l4r_xmalloc(t->n ? t->n : 1);
    memset(p->part, PART_DROP, t->n ? t->n : 1);
    for (size_t u = 0; u < p->n_users; u++) {
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 0; j < p->ulen[u]; j++)
            p->part[g[j]] = 0;
    }
    static const char *const kind[6] = {"none", "seq", "ratio", "time", "time-quantile", "random"};
    l4r_manifest_set_str(p->m, "split.kind", kind[o->split]);
    switch (o->split) {
    case L4R_SPLIT_NONE: return L4R_OK;
    case L4R_SPLIT_SEQ: {
        int64_t shorts = 0;
        for (size_t u = 0; u < p->n_users; u++) {
            const uint32_t *g = p->idx + p->ubeg[u];
            uint32_t n = p->ulen[u];
            if (n == 0)
                continue;
            if (n < 3) {
                shorts++;
                continue;
            }
            p->part[g[n - 1]] = 2;
            p->part[g[n - 2]] = 1;
        }
        l4r_manifest_set_int(p->m, "split.users_short_to_train", shorts);
        return L4R_OK;
    }
    case L4R_SPLIT_RATIO: {
        double s = o->split_a + o->split_b + o->split_c;
        double r[3] = {o->split_a / s, o->split_b / s, o->split_c / s};
        for (size_t u = 0; u < p->n_users; u++) {
            const uint32_t *g = p->idx + p->ubeg[u];
            uint32_t cnt[3];
            l4r_ratio_counts(p->ulen[u], r, cnt);
            for (uint32_t j = cnt[0]; j < cnt[0] + cnt[1]; j++)
                p->part[g[j]] = 1;
            for (uint32_t j = cnt[0] + cnt[1]; j < p->ulen[u]; j++)
                p->part[g[j]] = 2;
        }
        l4r_manifest_set_real(p->m, "split.ratio.train", r[0]);
        l4r_manifest_set_real(p->m, "split.ratio.valid", r[1]);
        l4r_manifest_set_real(p->m, "split.ratio.test", r[2]);
        return L4R_OK;
    }
    case L4R_SPLIT_TIME:
    case L4R_SPLIT_TIME_QUANTILE: {
        if (!t->has_time)
            return l4r_err(e, L4R_EUSAGE, "a temporal split needs timestamps, and the source has none");
        int64_t t1, t2;
        if (o->split == L4R_SPLIT_TIME) {
            t1 = (int64_t)o->split_a;
            t2 = (int64_t)o->split_b;
        } else {
            size_t n = live_rows(p);
            if (n == 0) {
                t1 = t2 = 0;
            } else {
                int64_t *a = l4r_xmalloc(n * sizeof *a);
                size_t k = 0;
                for (size_t u = 0; u < p->n_users; u++) {
                    const uint32_t *g = p->idx + p->ubeg[u];
                    for (uint32_t j = 0; j < p->ulen[u]; j++)
                        a[k++] = t->ts[g[j]];
                }
                /* The cut is the timestamp at rank floor(q * n): every row before it in time goes
                 * to the earlier part; rows sharing the cut timestamp go to the later part. */
                size_t k1 = (size_t)(o->split_a * (double)n);
                size_t k2 = (size_t)(o->split_b * (double)n);
                t1 = k1 >= n ? INT64_MAX : select_kth(a, n, k1);
                t2 = k2 >= n ? INT64_MAX : select_kth(a, n, k2);
                free(a);
            }
            l4r_manifest_set_real(p->m, "split.q1", o->split_a);
            l4r_manifest_set_real(p->m, "split.q2", o->split_b);
        }
        l4r_manifest_set_int(p->m, "split.t1", t1);
        l4r_manifest_set_int(p->m, "split.t2", t2);
        for (size_t u = 0; u < p->n_users; u++) {
            const uint32_t *g = p->idx + p->ubeg[u];
            for (uint32_t j = 0; j < p->ulen[u]; j++) {
                int64_t ts = t->ts[g[j]];
                p->part[g[j]] = ts < t1 ? 0 : ts < t2 ? 1 : 2;
            }
        }
        return L4R_OK;
    }
    case L4R_SPLIT_RANDOM: {
        /* Exact counts (floor of the shares for train and valid, the rest to test), chosen by
         * sequential sampling in output order: uniform, and no permutation array needed. */
        size_t n = live_rows(p);
        double s = o->split_a + o->split_b + o->split_c;
        uint64_t rem[3];
        rem[0] = (uint64_t)floor((double)n * o->split_a / s);
        rem[1] = (uint64_t)floor((double)n * o->split_b / s);
        if (rem[0] + rem[1] > n)
            rem[1] = n - rem[0];
        rem[2] = n - rem[0] - rem[1];
        rng r = {mix64(o->seed ^ 0x73706c6974ull)};
        for (size_t u = 0; u < p->n_users; u++) {
            const uint32_t *g = p->idx + p->ubeg[u];
            for (uint32_t j = 0; j < p->ulen[u]; j++) {
                uint64_t left = rem[0] + rem[1] + rem[2];
                uint64_t x = rng_below(&r, left);
                int k = x < rem[0] ? 0 : x < rem[0] + rem[1] ? 1 : 2;
                rem[k]--;
                p->part[g[j]] = (uint8_t)k;
            }
        }
        l4r_manifest_set_int(p->m, "split.seed", (int64_t)o->seed);
        return L4R_OK;
    }
    }
    return L4R_OK;
}

void l4r_split_record_counts(proc *p)
{
    int nparts = p->o->split == L4R_SPLIT_NONE ? 1 : 3;
    uint8_t *iseen = l4r_xcalloc(p->n_items ? p->n_items : 1, 1);
    int64_t c[3][3] = {{0}};
    for (size_t u = 0; u < p->n_users; u++) {
        const uint32_t *g = p->idx + p->ubeg[u];
        unsigned useen = 0;
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = g[j];
            int k = p->part[r];
            useen |= 1u << k;
            iseen[p->t->item[r]] |= (uint8_t)(1u << k);
            c[k][2]++;
        }
        for (int k = 0; k < 3; k++)
            c[k][0] += (useen >> k) & 1;
    }
    for (size_t i = 0; i < p->n_items; i++) {
        for (int k = 0; k < 3; k++)
            c[k][1] += (iseen[i] >> k) & 1;
    }
    free(iseen);
    if (nparts == 3) {
        char path[64];
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof path, "split.%s", l4r_part_name[k]);
            l4r_proc_set_counts(p, path, c[k]);
        }
    }
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
