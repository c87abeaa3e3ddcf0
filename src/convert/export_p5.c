/*
 * export_p5.c — `--format p5`: the three files P5 (jeykigung/P5) trains on.
 *
 *   sequential_data.txt   "USER ITEM ITEM ...\n" per user, user ids 1..U in order, each user's
 *                         items in time order (the whole sequence: P5's loader does its own
 *                         leave-one-out)
 *   datamaps.json         {"user2id": {raw: "id"}, "item2id": {raw: "id"}, "id2user": {"id": raw},
 *                          "id2item": {"id": raw}}, ids as strings, as json.dumps writes it
 *   negative_samples.txt  "USER NEG ... NEG\n": --p5-negatives (99) items the user never had
 *
 * How the ids are made (P5's preprocessing notebook): the users, in order of first appearance in
 * the source, are shuffled with Python's random.seed(seed) + random.shuffle and numbered 1..U in
 * that order.  Items:
 *   sequential  numbered 1, 2, ... in order of first appearance along the shuffled users'
 *               sequences, as P5 does: a user's items get near-consecutive ids, and the id of the
 *               next item is often the last one + 1, which a model reading ids as text learns
 *               (jeykigung/P5 PR#3; `llm4rec-data audit` reports it as id_order)
 *   random      (default) that same list of items shuffled by the same generator (the next draws
 *               after the users'), the k-th of the shuffled list getting id k: no order left
 * The negatives are NumPy's legacy draws, as P5's sample_test_data makes them after
 * np.random.seed(seed): per user (in id order) take permutation(n_items)[:N] over the items in
 * order of first appearance in sequential_data.txt, keep those the user never had and not yet
 * drawn, repeat until there are N, keep the first N.  So with --seed 2022 (P5's) and the same
 * input the ids and sequences are P5's own.  One difference: P5's "not yet drawn" test compares
 * a NumPy integer with the strings drawn so far, which never matches, so a user who needed a
 * second draw can get an item twice; here the N are distinct (the same draws otherwise, so the
 * files differ only on such users).
 *
 * --p5-user-order source: the users are not shuffled but numbered in order of their first row
 * the rating and time filters keep (P5's Yelp notebook); the items and negatives as above.
 *
 * In memory only (the user groups of group.c, after the stages); one thread: the draws are one
 * stream, so any -j writes the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "mt19937.h"
#include "process_internal.h"
#include "stage.h"

/* Flush b into o when it is large. */
static l4r_status spill_buf(l4r_out *o, l4r_buf *b, bool force, l4r_error *e)
{
    if (!force && b->len < (1u << 20))
        return L4R_OK;
    l4r_status st = l4r_out_write(o, b->data, b->len, e);
    b->len = 0;
    return st;
}

static int cmp_first(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y;
    return *a < *b ? -1 : *a > *b;
}

/* --p5-user-order source (P5's Yelp notebook: its id_map numbers the users in dict order): the
 * users in order of their first row that the rating and time filters keep, as P5's dict fills
 * from the filtered rows before its k-core. */
static void source_order(const proc *p, uint32_t *users, size_t nu)
{
    const l4r_itab *t = p->t;
    const l4r_process_opts *o = p->o;
    uint64_t *first = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *first);
    for (size_t u = 0; u < p->n_users; u++)
        first[u] = UINT64_MAX;
    uint8_t *keep = o->has_min_rating ? l4r_rating_keep(p) : NULL;
    for (size_t r = 0; r < t->n; r++) {
        if ((o->has_time_from && l4r_itab_ts(t, r) < o->time_from) ||
            (o->has_time_until && l4r_itab_ts(t, r) > o->time_until) ||
            (keep && !keep[l4r_itab_rating(t, r)]))
            continue;
        if (first[t->user[r]] == UINT64_MAX)
            first[t->user[r]] = r;
    }
    free(keep);
    uint64_t *key = l4r_xmalloc((nu ? nu : 1) * sizeof *key); /* first row << 32 | user */
    for (size_t k = 0; k < nu; k++)
        key[k] = first[users[k]] << 32 | users[k];
    qsort(key, nu, sizeof *key, cmp_first);
    for (size_t k = 0; k < nu; k++)
        users[k] = (uint32_t)key[k];
    free(key);
    free(first);
}

void l4r_json_py_str(l4r_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    l4r_buf_addc(b, '"');
    for (size_t k = 0; k < n;) {
        unsigned char c = (unsigned char)s[k];
        uint32_t cp = c;
        size_t len = 1;
        if (c >= 0x80) {
            /* decode one UTF-8 sequence (an invalid byte stands for itself, as U+00XX) */
            size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
            if (need > 1 && k + need <= n) {
                cp = c & (0x3f >> (need - 1));
                size_t j = 1;
                for (; j < need && ((unsigned char)s[k + j] & 0xc0) == 0x80; j++)
                    cp = cp << 6 | ((unsigned char)s[k + j] & 0x3f);
                if (j == need)
                    len = need;
                else
                    cp = c;
            }
        }
        k += len;
        if (cp == '"' || cp == '\\') {
            l4r_buf_addc(b, '\\');
            l4r_buf_addc(b, (char)cp);
        } else if (cp == '\n') {
            l4r_buf_adds(b, "\\n");
        } else if (cp == '\r') {
            l4r_buf_adds(b, "\\r");
        } else if (cp == '\t') {
            l4r_buf_adds(b, "\\t");
        } else if (cp == '\b') {
            l4r_buf_adds(b, "\\b");
        } else if (cp == '\f') {
            l4r_buf_adds(b, "\\f");
        } else if (cp >= 0x20 && cp < 0x7f) {
            l4r_buf_addc(b, (char)cp);
        } else if (cp == 0x7f) {
            l4r_buf_addc(b, 0x7f);
        } else {
            /* json.dumps(ensure_ascii=True): \uXXXX, a surrogate pair above the BMP */
            uint32_t u[2] = {cp, 0};
            int nu = 1;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                u[0] = 0xd800 + (cp >> 10);
                u[1] = 0xdc00 + (cp & 0x3ff);
                nu = 2;
            }
            for (int q = 0; q < nu; q++) {
                char x[6] = {
                    '\\',          'u', hex[u[q] >> 12 & 15], hex[u[q] >> 8 & 15], hex[u[q] >> 4 & 15],
                    hex[u[q] & 15]};
                l4r_buf_add(b, x, 6);
            }
        }
    }
    l4r_buf_addc(b, '"');
}

/* One map of datamaps.json: "name": {key: value, ...} over ids 1..n, ord[k] the dict id of id
 * k + 1; raw_first: the raw string is the key (user2id) or the value (id2user). */
static l4r_status put_map(l4r_out *o, l4r_buf *b, const char *name, const l4r_dict *d, const uint32_t *ord,
                          size_t n, bool raw_first, bool first, l4r_error *e)
{
    l4r_buf_addf(b, "%s\"%s\": {", first ? "" : ", ", name);
    for (size_t k = 0; k < n; k++) {
        size_t len;
        const char *s = l4r_dict_str(d, ord[k], &len);
        if (k)
            l4r_buf_adds(b, ", ");
        if (raw_first) {
            l4r_json_py_str(b, s, len);
            l4r_buf_addf(b, ": \"%zu\"", k + 1);
        } else {
            l4r_buf_addf(b, "\"%zu\": ", k + 1);
            l4r_json_py_str(b, s, len);
        }
        l4r_status st = spill_buf(o, b, false, e);
        if (st)
            return st;
    }
    l4r_buf_addc(b, '}');
    return L4R_OK;
}

static l4r_status write_file(proc *p, const char *name, l4r_buf *b, l4r_out **po, uint64_t rows, l4r_error *e)
{
    l4r_status st = spill_buf(*po, b, true, e);
    l4r_out_add_rows(*po, rows);
    if (!st) {
        st = l4r_out_close(*po, p->m, e);
        *po = NULL;
    }
    (void)name;
    return st;
}

l4r_status l4r_sink_p5(proc *p, l4r_error *e)
{
    const l4r_itab *t = p->t;
    const l4r_process_opts *o = p->o;
    int N = o->p5_negatives;
    if (o->seed > UINT32_MAX)
        return l4r_err(e, L4R_EUSAGE,
                       "--format p5 draws its negatives as NumPy's np.random.seed does: --seed "
                       "must be below 2^32");
    /* users alive, in first-appearance order (dictionary order), then P5's shuffle */
    uint32_t *users = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *users);
    size_t nu = 0;
    for (size_t u = 0; u < p->n_users; u++)
        if (p->ulen[u])
            users[nu++] = (uint32_t)u;
    l4r_mt py;
    l4r_mt_py_seed(&py, o->seed);
    if (o->p5_users_source)
        source_order(p, users, nu);
    else
        l4r_mt_py_shuffle(&py, users, nu);

    /* items in order of first appearance along the shuffled sequences */
    uint32_t *iid = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *iid); /* dict id -> P5 id (0 none) */
    uint32_t *first = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *first);
    size_t ni = 0;
    for (size_t k = 0; k < nu; k++) {
        uint32_t u = users[k];
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t it = t->item[p->idx[p->ubeg[u] + j]];
            if (!iid[it]) {
                first[ni] = it;
                iid[it] = (uint32_t)++ni;
            }
        }
    }
    /* ord[k]: the dict id of P5 item id k + 1 */
    uint32_t *ord = l4r_xmalloc((ni ? ni : 1) * sizeof *ord);
    memcpy(ord, first, ni * sizeof *ord);
    if (!o->p5_sequential) {
        l4r_mt_py_shuffle(&py, ord, ni);
        for (size_t k = 0; k < ni; k++)
            iid[ord[k]] = (uint32_t)(k + 1);
    }

    l4r_buf b = {0};
    l4r_out *out = NULL;
    l4r_status st = l4r_out_open(&out, p->dir, "sequential_data.txt", e);
    for (size_t k = 0; !st && k < nu; k++) {
        uint32_t u = users[k];
        l4r_buf_add_u64(&b, k + 1);
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            l4r_buf_addc(&b, ' ');
            l4r_buf_add_u64(&b, iid[t->item[p->idx[p->ubeg[u] + j]]]);
        }
        l4r_buf_addc(&b, '\n');
        st = spill_buf(out, &b, false, e);
    }
    if (!st)
        st = write_file(p, "sequential_data.txt", &b, &out, nu, e);

    if (!st)
        st = l4r_out_open(&out, p->dir, "datamaps.json", e);
    if (!st) {
        l4r_buf_addc(&b, '{');
        st = put_map(out, &b, "user2id", t->users, users, nu, true, true, e);
        if (!st)
            st = put_map(out, &b, "item2id", t->items, ord, ni, true, false, e);
        if (!st)
            st = put_map(out, &b, "id2user", t->users, users, nu, false, false, e);
        if (!st)
            st = put_map(out, &b, "id2item", t->items, ord, ni, false, false, e);
        l4r_buf_addc(&b, '}');
        if (!st)
            st = write_file(p, "datamaps.json", &b, &out, 1, e);
    }

    /* negatives: all_item[k] = the P5 id of the k-th item in first-appearance order */
    uint32_t *perm = NULL, *mine = NULL, *drawn = NULL;
    if (!st && N > 0) {
        if ((size_t)N > ni)
            st = l4r_err(e, L4R_EUSAGE,
                         "--p5-negatives %d: more than the %zu items (P5's np.random.choice without "
                         "replacement cannot draw them)",
                         N, ni);
        else
            st = l4r_out_open(&out, p->dir, "negative_samples.txt", e);
    }
    if (!st && N > 0) {
        l4r_mt np;
        l4r_mt_init(&np, (uint32_t)o->seed);
        perm = l4r_xmalloc(ni * sizeof *perm);
        mine = l4r_xcalloc(ni + 1, sizeof *mine);   /* by P5 id: the user (k + 1) who had it */
        drawn = l4r_xcalloc(ni + 1, sizeof *drawn); /* by P5 id: the user it was drawn for */
        for (size_t k = 0; !st && k < nu; k++) {
            uint32_t u = users[k], mark = (uint32_t)(k + 1);
            size_t had = 0;
            for (uint32_t j = 0; j < p->ulen[u]; j++) {
                uint32_t x = iid[t->item[p->idx[p->ubeg[u] + j]]];
                had += mine[x] != mark;
                mine[x] = mark;
            }
            if (ni - had < (size_t)N) {
                st = l4r_err(e, L4R_EUSAGE,
                             "--format p5: user %zu had %zu of the %zu items, fewer than %d are left to draw "
                             "as negatives (lower --p5-negatives)",
                             k + 1, had, ni, N);
                break;
            }
            l4r_buf_add_u64(&b, k + 1);
            int got = 0;
            while (got < N) {
                l4r_mt_np_permutation(&np, perm, ni);
                for (int q = 0; q < N; q++) {
                    uint32_t x = iid[first[perm[q]]];
                    if (mine[x] == mark || drawn[x] == mark)
                        continue;
                    drawn[x] = mark;
                    if (got < N) {
                        l4r_buf_addc(&b, ' ');
                        l4r_buf_add_u64(&b, x);
                    }
                    got++;
                }
            }
            l4r_buf_addc(&b, '\n');
            st = spill_buf(out, &b, false, e);
        }
        if (!st)
            st = write_file(p, "negative_samples.txt", &b, &out, nu, e);
    }
    if (st)
        l4r_out_abort(out);
    l4r_manifest_set_str(p->m, "p5.indexing", o->p5_sequential ? "sequential" : "random");
    l4r_manifest_set_int(p->m, "p5.negatives", N);
    l4r_manifest_set_int(p->m, "p5.seed", (int64_t)o->seed);
    l4r_manifest_set_int(p->m, "p5.users", (int64_t)nu);
    l4r_manifest_set_int(p->m, "p5.items", (int64_t)ni);
    l4r_buf_free(&b);
    free(perm);
    free(mine);
    free(drawn);
    free(ord);
    free(first);
    free(iid);
    free(users);
    return st;
}
