/*
 * remap.c — --remap and the SASRec sink's numbering: users and items numbered from 1 in order of
 * first appearance in the time-ordered data (or sorted by id string, or shuffled with the seed,
 * or, --remap-order source, in order of first appearance in the input file),
 * written as user_map.tsv and item_map.tsv (or, for SASRec alone, sasrec_user_map.tsv and
 * sasrec_item_map.tsv: without --remap no other output changes its ids).
 */
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"
#include "stage.h"

static int cmp_remap_key(const void *a, const void *b)
{
    const remap_key *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

typedef struct sort_ctx {
    const l4r_dict *d;
    bool numeric;
} sort_ctx;

static bool all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 18)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static int cmp_by_string(const void *a, const void *b, void *arg)
{
    const remap_key *x = a, *y = b;
    const sort_ctx *c = arg;
    size_t xn, yn;
    const char *xs = l4r_dict_str(c->d, x->id, &xn);
    const char *ys = l4r_dict_str(c->d, y->id, &yn);
    if (c->numeric) {
        /* all ids are short digit strings: compare as numbers (strip leading zeros) */
        while (xn > 1 && *xs == '0') {
            xs++;
            xn--;
        }
        while (yn > 1 && *ys == '0') {
            ys++;
            yn--;
        }
        if (xn != yn)
            return xn < yn ? -1 : 1;
    }
    size_t mn = xn < yn ? xn : yn;
    int r = memcmp(xs, ys, mn);
    if (r)
        return r;
    if (xn != yn)
        return xn < yn ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

uint32_t *l4r_item_rank(const proc *p)
{
    const l4r_dict *d = p->t->items;
    size_t n = p->n_items;
    remap_key *k = l4r_remap_keys(n);
    sort_ctx c = {d, true};
    for (size_t i = 0; i < n && c.numeric; i++) {
        size_t sn;
        const char *s = l4r_dict_str(d, (uint32_t)i, &sn);
        c.numeric = all_digits(s, sn);
    }
    qsort_r(k, n, sizeof *k, cmp_by_string, &c);
    uint32_t *rank = l4r_xmalloc((n ? n : 1) * sizeof *rank);
    for (size_t i = 0; i < n; i++)
        rank[k[i].id] = (uint32_t)i;
    free(k);
    return rank;
}

/* Number the ids whose key has ts != INT64_MAX (alive) from 1 and fill map; returns count. */
static uint32_t number_ids(proc *p, remap_key *k, size_t n, const l4r_dict *d, uint32_t *map, uint64_t salt)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (k[i].row != ROW_NONE)
            k[m++] = k[i];
    }
    qsort(k, m, sizeof *k, cmp_remap_key);
    if (p->o->remap_order == L4R_REMAP_SORTED) {
        sort_ctx c = {d, true};
        for (size_t i = 0; i < m && c.numeric; i++) {
            size_t sn;
            const char *s = l4r_dict_str(d, k[i].id, &sn);
            c.numeric = all_digits(s, sn);
        }
        qsort_r(k, m, sizeof *k, cmp_by_string, &c);
    } else if (p->o->remap_order == L4R_REMAP_SHUFFLE) {
        rng r = {mix64(p->o->seed ^ salt)};
        for (size_t i = m; i > 1; i--) {
            size_t j = (size_t)rng_below(&r, i);
            remap_key x = k[i - 1];
            k[i - 1] = k[j];
            k[j] = x;
        }
    }
    memset(map, 0, n * sizeof *map);
    for (size_t i = 0; i < m; i++)
        map[k[i].id] = (uint32_t)(i + 1);
    return (uint32_t)m;
}

static l4r_status write_map(proc *p, const char *name, const l4r_dict *d, const uint32_t *map, size_t n,
                            uint32_t count, l4r_error *e)
{
    l4r_out *out = NULL;
    l4r_status st = l4r_out_open(&out, p->dir, name, e);
    if (st)
        return st;
    uint32_t *inv = l4r_xcalloc((size_t)count + 1, sizeof *inv);
    for (size_t i = 0; i < n; i++) {
        if (map[i])
            inv[map[i]] = (uint32_t)i;
    }
    l4r_buf b = {0};
    l4r_buf_adds(&b, "original_id\tnew_id\n");
    for (uint32_t k = 1; k <= count; k++) {
        size_t sn;
        const char *s = l4r_dict_str(d, inv[k], &sn);
        l4r_buf_add_field(&b, s, sn);
        l4r_buf_addc(&b, '\t');
        l4r_buf_add_u64(&b, k);
        l4r_buf_addc(&b, '\n');
        if (b.len > (1u << 20) || k == count) {
            st = l4r_out_write(out, b.data, b.len, e);
            if (st)
                goto out;
            b.len = 0;
        }
    }
    if (b.len) {
        st = l4r_out_write(out, b.data, b.len, e);
        if (st)
            goto out;
    }
    l4r_out_add_rows(out, count);
    st = l4r_out_close(out, p->m, e);
    out = NULL;
out:
    l4r_out_abort(out);
    l4r_buf_free(&b);
    free(inv);
    return st;
}

remap_key *l4r_remap_keys(size_t n)
{
    remap_key *k = l4r_xmalloc((n ? n : 1) * sizeof *k);
    for (size_t i = 0; i < n; i++)
        k[i] = (remap_key){INT64_MAX, ROW_NONE, (uint32_t)i};
    return k;
}

/* First appearance in the time-ordered data: the earliest (timestamp, source row). */
l4r_status l4r_stage_remap(proc *p, l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    bool need = o->remap || (o->formats & L4R_SINK_SASREC);
    if (!need)
        return L4R_OK;
    const l4r_itab *t = p->t;
    remap_key *uk = l4r_remap_keys(p->n_users);
    remap_key *ik = l4r_remap_keys(p->n_items);
    for (size_t u = 0; u < p->n_users; u++) {
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = g[j];
            int64_t ts =
                o->remap_order == L4R_REMAP_SOURCE ? 0 : l4r_itab_ts(t, r); /* source: the row alone */
            l4r_remap_see(&uk[u], ts, r);
            l4r_remap_see(&ik[t->item[r]], ts, r);
        }
    }
    return l4r_remap_finish(p, uk, ik, e);
}

/* Number users and items from their first-appearance keys (consumed), record and write maps.
 * Under --remap the numbering is every output's (user_map.tsv, item_map.tsv) and SASRec's too;
 * without it only the SASRec file is renumbered (an export never changes another output's ids),
 * and its maps are sasrec_user_map.tsv and sasrec_item_map.tsv. */
l4r_status l4r_remap_finish(proc *p, remap_key *uk, remap_key *ik, l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    const l4r_itab *t = p->t;
    uint32_t *um = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *um);
    uint32_t *im = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *im);
    uint32_t nu = number_ids(p, uk, p->n_users, t->users, um, 0x75736572ull);
    uint32_t ni = number_ids(p, ik, p->n_items, t->items, im, 0x6974656dull);
    free(uk);
    free(ik);
    static const char *const order[4] = {"first", "sorted", "shuffle", "source"};
    const char *un = "user_map.tsv", *in = "item_map.tsv";
    if (o->remap) {
        p->umap = um;
        p->imap = im;
        l4r_manifest_set_str(p->m, "stages.remap.order", order[o->remap_order]);
        l4r_manifest_set_int(p->m, "stages.remap.users", nu);
        l4r_manifest_set_int(p->m, "stages.remap.items", ni);
    } else {
        un = "sasrec_user_map.tsv";
        in = "sasrec_item_map.tsv";
        l4r_manifest_set_str(p->m, "sasrec.order", order[o->remap_order]);
        l4r_manifest_set_int(p->m, "sasrec.users", nu);
        l4r_manifest_set_int(p->m, "sasrec.items", ni);
    }
    if (o->formats & L4R_SINK_SASREC) {
        p->sas_umap = um;
        p->sas_imap = im;
        l4r_manifest_set_str(p->m, "sasrec.user_map", un);
        l4r_manifest_set_str(p->m, "sasrec.item_map", in);
    }
    l4r_status st = write_map(p, un, t->users, um, p->n_users, nu, e);
    if (!st)
        st = write_map(p, in, t->items, im, p->n_items, ni, e);
    return st;
}
