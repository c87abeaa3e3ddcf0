/*
 * process.c — stages, splits and sinks on the columnar table.
 *
 * How it works.  The table's rows stay where the parser put them (source order).  Everything
 * after parsing works on one index array `idx` of row numbers, grouped by user with a counting
 * sort (users in id order = order of first appearance in the source) and stably sorted by
 * timestamp inside each user's group (most sources are already sorted per user: that is detected
 * and the sort skipped).  A user's live rows are the prefix idx[ubeg[u] .. ubeg[u] + ulen[u]);
 * a stage that drops rows marks them DEAD and compacts the prefix, keeping the order.  So each
 * stage is a linear pass over ~4 bytes per row, with no per-row heap objects and no global
 * comparison sort.
 *
 * The split writes one byte per row (train / valid / test / dropped) and the sinks walk either
 * the rows in source order (split none) or the user groups, formatting chunks of rows in
 * parallel (opts->threads) and writing them in order, so -j1 and -jN produce the same bytes.
 *
 * Randomness (ties hash, shuffle remap, random split, candidates) comes from splitmix64 streams
 * derived from the seed and from stable keys (strings, row numbers), never from thread timing.
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spill.h"
#include "util.h"

#define DEAD UINT32_MAX
#define PART_DROP 255
#define CHUNK_ROWS 65536
#define CHUNK_EXAMPLES 4096

static const char *const part_name[3] = {"train", "valid", "test"};

typedef struct proc {
    l4r_itab *t;
    const l4r_items *items;
    const l4r_process_opts *o;
    const char *dir;
    l4r_manifest *m;
    int threads;
    size_t n_users, n_items;
    uint32_t *idx;  /* row numbers grouped by user, chronological within a user */
    uint32_t *ubeg; /* n_users + 1: start of each user's group in idx */
    uint32_t *ulen; /* live rows of each user (prefix of its group) */
    uint32_t *icnt; /* live rows of each item (valid after count_items()) */
    uint8_t *part;  /* per row: 0 train, 1 valid, 2 test, PART_DROP */
    uint32_t *umap; /* remap: new id (from 1) per user id, 0 = gone; NULL without --remap */
    uint32_t *imap;
    const char **ititle;   /* title per item id (or NULL) */
    uint32_t *alive_items; /* item ids alive after the stages (jsonl candidates) */
    size_t n_alive_items;
    size_t maxrow; /* longest possible interaction line */
    /* dictionary views for the formatting loops (see put_row) */
    const char *const *us_str, *const *it_str, *const *ra_str;
    const uint32_t *us_len, *it_len, *ra_len;
    const uint64_t *srcrow; /* out-of-core batches: source row of each local row (else NULL) */
} proc;

/* ---- small helpers ---- */

static inline uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

typedef struct rng {
    uint64_t s;
} rng;

static inline uint64_t rng_next(rng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    uint64_t z = r->s;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) without modulo bias (n > 0). */
static inline uint64_t rng_below(rng *r, uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    for (;;) {
        uint64_t v = rng_next(r);
        if (v < lim)
            return v % n;
    }
}

static inline size_t live_rows(const proc *p)
{
    size_t s = 0;
    for (size_t u = 0; u < p->n_users; u++)
        s += p->ulen[u];
    return s;
}

/* Remove the DEAD entries of user u's live prefix, keeping the order; returns how many. */
static size_t compact_user(proc *p, size_t u)
{
    uint32_t *g = p->idx + p->ubeg[u];
    uint32_t k = 0;
    for (uint32_t j = 0; j < p->ulen[u]; j++) {
        if (g[j] != DEAD)
            g[k++] = g[j];
    }
    size_t removed = p->ulen[u] - k;
    p->ulen[u] = k;
    return removed;
}

static void count_items(proc *p)
{
    memset(p->icnt, 0, p->n_items * sizeof *p->icnt);
    for (size_t u = 0; u < p->n_users; u++) {
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 0; j < p->ulen[u]; j++)
            p->icnt[p->t->item[g[j]]]++;
    }
}

/* users, items, interactions currently alive (recomputes icnt). */
static void survivors(proc *p, int64_t out[3])
{
    count_items(p);
    int64_t users = 0, items = 0, rows = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        users += p->ulen[u] > 0;
        rows += p->ulen[u];
    }
    for (size_t i = 0; i < p->n_items; i++)
        items += p->icnt[i] > 0;
    out[0] = users;
    out[1] = items;
    out[2] = rows;
}

static void set_counts(proc *p, const char *prefix, const int64_t c[3])
{
    char path[128];
    static const char *const k[3] = {"users", "items", "interactions"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s.%s", prefix, k[i]);
        l4r_manifest_set_int(p->m, path, c[i]);
    }
}

/* ---- a tiny parallel-for over user ranges balanced by row count ---- */

typedef struct par_job {
    proc *p;
    size_t ubeg, uend;
    void (*fn)(proc *p, size_t ubeg, size_t uend, void *arg);
    void *arg;
} par_job;

static void *par_main(void *a)
{
    par_job *j = a;
    j->fn(j->p, j->ubeg, j->uend, j->arg);
    return NULL;
}

static void par_users(proc *p, void (*fn)(proc *, size_t, size_t, void *), void *arg)
{
    int nt = p->threads;
    size_t total = p->ubeg[p->n_users];
    if (nt <= 1 || total < 100000 || p->n_users < (size_t)nt) {
        fn(p, 0, p->n_users, arg);
        return;
    }
    par_job *jobs = l4r_xcalloc((size_t)nt, sizeof *jobs);
    pthread_t *tid = l4r_xcalloc((size_t)nt, sizeof *tid);
    size_t u = 0;
    for (int k = 0; k < nt; k++) {
        size_t want = total / (size_t)nt * (size_t)(k + 1);
        jobs[k].p = p;
        jobs[k].fn = fn;
        jobs[k].arg = arg;
        jobs[k].ubeg = u;
        while (u < p->n_users && (k == nt - 1 || p->ubeg[u] < want))
            u++;
        jobs[k].uend = u;
    }
    int started = 0;
    for (int k = 1; k < nt; k++) {
        if (pthread_create(&tid[k], NULL, par_main, &jobs[k]) != 0)
            break; /* run the rest on this thread */
        started = k;
    }
    par_main(&jobs[0]);
    for (int k = started + 1; k < nt; k++)
        par_main(&jobs[k]);
    for (int k = 1; k <= started; k++)
        pthread_join(tid[k], NULL);
    free(jobs);
    free(tid);
}

/* ---- grouping and the per-user chronological order ---- */

typedef struct tsrow {
    int64_t ts;
    uint32_t row;
} tsrow;

/* Stable merge sort by ts of a (rows in source order => ties stay in source order). */
static void merge_sort_ts(tsrow *a, tsrow *tmp, size_t n)
{
    if (n <= 24) {
        for (size_t i = 1; i < n; i++) {
            tsrow x = a[i];
            size_t j = i;
            while (j > 0 && a[j - 1].ts > x.ts) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort_ts(a, tmp, h);
    merge_sort_ts(a + h, tmp, n - h);
    if (a[h - 1].ts <= a[h].ts)
        return;
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (a[j].ts < tmp[i].ts)
            a[k++] = a[j++];
        else
            a[k++] = tmp[i++];
    }
    while (i < h)
        a[k++] = tmp[i++];
}

static void heap_sift(uint64_t *a, size_t n, size_t i)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && a[c + 1] > a[c])
            c++;
        if (a[i] >= a[c])
            return;
        uint64_t x = a[i];
        a[i] = a[c];
        a[c] = x;
        i = c;
    }
}

/* Sort distinct 64-bit keys: quicksort (median of three), insertion sort below 24 elements,
 * heapsort when the recursion gets too deep (so no input is quadratic). */
static void sort_u64(uint64_t *a, size_t n, int depth)
{
    while (n > 24) {
        if (depth-- <= 0) {
            for (size_t i = n / 2; i-- > 0;)
                heap_sift(a, n, i);
            for (size_t i = n - 1; i > 0; i--) {
                uint64_t x = a[0];
                a[0] = a[i];
                a[i] = x;
                heap_sift(a, i, 0);
            }
            return;
        }
        uint64_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint64_t piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < piv)
                i++;
            while (a[j] > piv)
                j--;
            if (i >= j)
                break;
            uint64_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* a[0..j] <= piv <= a[j+1..n); recurse on the smaller side */
        size_t left = j + 1;
        if (left < n - left) {
            sort_u64(a, left, depth);
            a += left;
            n -= left;
        } else {
            sort_u64(a + left, n - left, depth);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void sort_users_fn(proc *p, size_t ub, size_t ue, void *arg)
{
    (void)arg;
    const int64_t *ts = p->t->ts;
    tsrow *buf = NULL, *tmp = NULL;
    uint64_t *keys = NULL;
    uint32_t *old = NULL;
    size_t cap = 0;
    for (size_t u = ub; u < ue; u++) {
        uint32_t *g = p->idx + p->ubeg[u];
        size_t n = p->ulen[u];
        size_t j = 1;
        while (j < n && ts[g[j - 1]] <= ts[g[j]])
            j++;
        if (j >= n)
            continue; /* already chronological */
        if (n > cap) {
            cap = n;
            buf = l4r_xrealloc(buf, cap * sizeof *buf);
            tmp = l4r_xrealloc(tmp, cap * sizeof *tmp);
            keys = l4r_xrealloc(keys, cap * sizeof *keys);
            old = l4r_xrealloc(old, cap * sizeof *old);
        }
        int64_t lo = ts[g[0]], hi = lo;
        for (size_t k = 1; k < n; k++) {
            int64_t v = ts[g[k]];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        int ib = 1;
        while (ib < 32 && ((size_t)1 << ib) < n)
            ib++;
        uint64_t range = (uint64_t)hi - (uint64_t)lo;
        if (ib < 32 && range < ((uint64_t)1 << (63 - ib))) {
            /* Pack (ts - min, position) into one distinct key: a plain sort of the keys is the
             * stable sort by timestamp, and it moves 8 bytes instead of 16. */
            for (size_t k = 0; k < n; k++) {
                keys[k] = ((uint64_t)(ts[g[k]] - lo) << ib) | k;
                old[k] = g[k];
            }
            sort_u64(keys, n, 2 * ib + 8);
            uint64_t mask = ((uint64_t)1 << ib) - 1;
            for (size_t k = 0; k < n; k++)
                g[k] = old[keys[k] & mask];
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            buf[k].ts = ts[g[k]];
            buf[k].row = g[k];
        }
        merge_sort_ts(buf, tmp, n);
        for (size_t k = 0; k < n; k++)
            g[k] = buf[k].row;
    }
    free(buf);
    free(tmp);
    free(keys);
    free(old);
}

static void group_by_user(proc *p)
{
    const l4r_itab *t = p->t;
    size_t nu = p->n_users;
    p->ubeg = l4r_xcalloc(nu + 1, sizeof *p->ubeg);
    p->ulen = l4r_xcalloc(nu ? nu : 1, sizeof *p->ulen);
    p->idx = l4r_xmalloc((t->n ? t->n : 1) * sizeof *p->idx);
    for (size_t r = 0; r < t->n; r++)
        p->ubeg[t->user[r] + 1]++;
    for (size_t u = 0; u < nu; u++)
        p->ubeg[u + 1] += p->ubeg[u];
    for (size_t r = 0; r < t->n; r++) {
        uint32_t u = t->user[r];
        p->idx[p->ubeg[u] + p->ulen[u]++] = (uint32_t)r;
    }
    if (t->has_time)
        par_users(p, sort_users_fn, NULL);
}

/* ---- stages ---- */

static void stage_dedup(proc *p)
{
    const l4r_process_opts *o = p->o;
    if (o->dedup == L4R_DEDUP_NONE)
        return;
    const uint32_t *item = p->t->item;
    uint32_t *stamp = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *stamp);
    size_t removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        uint32_t *g = p->idx + p->ubeg[u];
        uint32_t n = p->ulen[u], mark = (uint32_t)u + 1;
        bool any = false;
        for (uint32_t k = 0; k < n; k++) {
            /* first: walk forward; last: walk backward; the earlier-walked copy survives */
            uint32_t j = o->dedup == L4R_DEDUP_FIRST ? k : n - 1 - k;
            uint32_t it = item[g[j]];
            if (stamp[it] == mark) {
                g[j] = DEAD;
                any = true;
            } else {
                stamp[it] = mark;
            }
        }
        if (any)
            removed += compact_user(p, u);
    }
    free(stamp);
    l4r_manifest_set_str(p->m, "stages.dedup.mode", o->dedup == L4R_DEDUP_FIRST ? "first" : "last");
    l4r_manifest_set_int(p->m, "stages.dedup.removed", (int64_t)removed);
}

static void stage_rating(proc *p)
{
    const l4r_process_opts *o = p->o;
    if (!o->has_min_rating) {
        if (o->implicit)
            l4r_manifest_set_bool(p->m, "stages.rating.implicit", 1);
        return;
    }
    size_t nr = l4r_dict_size(p->t->ratings);
    uint8_t *keep = l4r_xcalloc(nr ? nr : 1, 1);
    for (size_t r = 0; r < nr; r++) {
        double v = l4r_itab_rating_value(p->t, (uint32_t)r);
        keep[r] = !isnan(v) && v >= o->min_rating;
    }
    size_t removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        uint32_t *g = p->idx + p->ubeg[u];
        bool any = false;
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            if (!keep[p->t->rating[g[j]]]) {
                g[j] = DEAD;
                any = true;
            }
        }
        if (any)
            removed += compact_user(p, u);
    }
    free(keep);
    l4r_manifest_set_real(p->m, "stages.rating.min_rating", o->min_rating);
    l4r_manifest_set_bool(p->m, "stages.rating.implicit", o->implicit);
    l4r_manifest_set_int(p->m, "stages.rating.removed", (int64_t)removed);
}

/* One round: drop every row whose user has fewer than U live rows or whose item has fewer than I
 * (counts taken at the start of the round).  Returns rows removed. */
static size_t kcore_round(proc *p, uint32_t U, uint32_t I)
{
    count_items(p);
    size_t removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        uint32_t n = p->ulen[u];
        if (!n)
            continue;
        if (n < U) {
            p->ulen[u] = 0;
            removed += n;
            continue;
        }
        if (!I)
            continue;
        uint32_t *g = p->idx + p->ubeg[u];
        bool any = false;
        for (uint32_t j = 0; j < n; j++) {
            if (p->icnt[p->t->item[g[j]]] < I) {
                g[j] = DEAD;
                any = true;
            }
        }
        if (any)
            removed += compact_user(p, u);
    }
    return removed;
}

/* One k-core round in the manifest: its number and the users, items and interactions left. */
static void kcore_push_round(proc *p, int64_t round, const int64_t c[3])
{
    static const char *const keys[4] = {"round", "users", "items", "interactions"};
    int64_t v[4] = {round, c[0], c[1], c[2]};
    l4r_manifest_push_counts(p->m, "stages.kcore.survivors", keys, v, 4);
}

static void stage_kcore(proc *p)
{
    const l4r_process_opts *o = p->o;
    if (o->user_core <= 0 && o->item_core <= 0)
        return;
    uint32_t U = o->user_core > 0 ? (uint32_t)o->user_core : 0;
    uint32_t I = o->item_core > 0 ? (uint32_t)o->item_core : 0;
    bool one = o->kcore_mode == L4R_KCORE_ONE_PASS;
    l4r_manifest_set_str(p->m, "stages.kcore.mode", one ? "one-pass" : "iterative");
    l4r_manifest_set_int(p->m, "stages.kcore.user_core", U);
    l4r_manifest_set_int(p->m, "stages.kcore.item_core", I);
    int64_t rounds = 0;
    size_t removed_total = 0;
    for (;;) {
        size_t removed = kcore_round(p, U, I);
        if (!removed && rounds > 0)
            break;
        rounds++;
        removed_total += removed;
        int64_t c[3];
        survivors(p, c);
        kcore_push_round(p, rounds, c);
        if (one || !removed)
            break;
    }
    l4r_manifest_set_int(p->m, "stages.kcore.rounds", rounds);
    l4r_manifest_set_int(p->m, "stages.kcore.removed", (int64_t)removed_total);
}

/* Ties: count rows whose (user, ts) equals a neighbour's, and under --ties hash reorder each run
 * of equal timestamps by a seeded hash of (user, item, ts), the source row breaking hash ties. */
typedef struct tie_ctx {
    uint64_t seed;
    bool reorder;
    size_t *tied_per_user; /* tied rows of each user (summed afterwards) */
} tie_ctx;

static inline uint64_t tie_hash(const l4r_itab *t, uint64_t seed, uint32_t user, uint32_t item, int64_t ts)
{
    size_t un, in;
    const char *us = l4r_dict_str(t->users, user, &un);
    const char *is = l4r_dict_str(t->items, item, &in);
    uint64_t h = mix64(seed ^ l4r_hash_bytes(us, un));
    h = mix64(h ^ l4r_hash_bytes(is, in));
    return mix64(h ^ (uint64_t)ts);
}

static uint64_t tie_key(const proc *p, uint64_t seed, uint32_t row)
{
    return tie_hash(p->t, seed, p->t->user[row], p->t->item[row], p->t->ts[row]);
}

static void ties_fn(proc *p, size_t ub, size_t ue, void *arg)
{
    tie_ctx *c = arg;
    const int64_t *ts = p->t->ts;
    for (size_t u = ub; u < ue; u++) {
        uint32_t *g = p->idx + p->ubeg[u];
        uint32_t n = p->ulen[u];
        size_t tied = 0;
        uint32_t j = 0;
        while (j < n) {
            uint32_t k = j + 1;
            while (k < n && ts[g[k]] == ts[g[j]])
                k++;
            if (k - j > 1) {
                tied += k - j;
                if (c->reorder) {
                    /* insertion sort of the run by (hash, row); runs are short */
                    for (uint32_t a = j + 1; a < k; a++) {
                        uint32_t x = g[a];
                        uint64_t hx = tie_key(p, c->seed, x);
                        uint32_t b = a;
                        while (b > j) {
                            uint64_t hb = tie_key(p, c->seed, g[b - 1]);
                            if (hb < hx || (hb == hx && g[b - 1] < x))
                                break;
                            g[b] = g[b - 1];
                            b--;
                        }
                        g[b] = x;
                    }
                }
            }
            j = k;
        }
        c->tied_per_user[u] = tied;
    }
}

static void stage_ties(proc *p)
{
    tie_ctx c = {.seed = p->o->seed, .reorder = p->o->ties == L4R_TIES_HASH && p->t->has_time};
    c.tied_per_user = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *c.tied_per_user);
    if (p->t->has_time)
        par_users(p, ties_fn, &c);
    size_t tied = 0, n = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        tied += c.tied_per_user[u];
        n += p->ulen[u];
    }
    free(c.tied_per_user);
    l4r_manifest_set_str(p->m, "stages.ties.mode", p->o->ties == L4R_TIES_HASH ? "hash" : "source");
    l4r_manifest_set_int(p->m, "stages.ties.tied_interactions", (int64_t)tied);
    l4r_manifest_set_real(p->m, "stages.ties.tied_share", n ? (double)tied / (double)n : 0.0);
}

static void stage_max_history(proc *p)
{
    if (p->o->max_history <= 0)
        return;
    uint32_t N = (uint32_t)p->o->max_history;
    size_t removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        uint32_t n = p->ulen[u];
        if (n <= N)
            continue;
        uint32_t *g = p->idx + p->ubeg[u];
        memmove(g, g + (n - N), N * sizeof *g);
        p->ulen[u] = N;
        removed += n - N;
    }
    l4r_manifest_set_int(p->m, "stages.max_history.n", N);
    l4r_manifest_set_int(p->m, "stages.max_history.removed", (int64_t)removed);
}

/* ---- remap ---- */

#define ROW_NONE UINT64_MAX

typedef struct remap_key {
    int64_t ts;
    uint64_t row; /* source row of the first appearance (tie-breaker); ROW_NONE = gone */
    uint32_t id;
} remap_key;

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
        l4r_buf_add(&b, s, sn);
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

static l4r_status remap_finish(proc *p, remap_key *uk, remap_key *ik, l4r_error *e);

static l4r_status stage_remap(proc *p, l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    bool need = o->remap || (o->formats & L4R_SINK_SASREC);
    if (!need)
        return L4R_OK;
    const l4r_itab *t = p->t;
    remap_key *uk = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *uk);
    remap_key *ik = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *ik);
    for (size_t i = 0; i < p->n_items; i++) {
        ik[i].ts = INT64_MAX;
        ik[i].row = ROW_NONE;
        ik[i].id = (uint32_t)i;
    }
    /* First appearance in the time-ordered data: the earliest (timestamp, source row). */
    for (size_t u = 0; u < p->n_users; u++) {
        const uint32_t *g = p->idx + p->ubeg[u];
        uk[u].id = (uint32_t)u;
        uk[u].row = ROW_NONE;
        uk[u].ts = INT64_MAX;
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = g[j];
            int64_t ts = t->ts[r];
            if (ts < uk[u].ts || (ts == uk[u].ts && r < uk[u].row)) {
                uk[u].ts = ts;
                uk[u].row = r;
            }
            remap_key *k = &ik[t->item[r]];
            if (ts < k->ts || (ts == k->ts && r < k->row)) {
                k->ts = ts;
                k->row = r;
            }
        }
    }
    return remap_finish(p, uk, ik, e);
}

/* Number users and items from their first-appearance keys (consumed), record and write maps. */
static l4r_status remap_finish(proc *p, remap_key *uk, remap_key *ik, l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    const l4r_itab *t = p->t;
    p->umap = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *p->umap);
    p->imap = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *p->imap);
    uint32_t nu = number_ids(p, uk, p->n_users, t->users, p->umap, 0x75736572ull);
    uint32_t ni = number_ids(p, ik, p->n_items, t->items, p->imap, 0x6974656dull);
    free(uk);
    free(ik);
    static const char *const order[3] = {"first", "sorted", "shuffle"};
    l4r_manifest_set_str(p->m, "stages.remap.order", order[o->remap_order]);
    l4r_manifest_set_int(p->m, "stages.remap.users", nu);
    l4r_manifest_set_int(p->m, "stages.remap.items", ni);
    l4r_status st = write_map(p, "user_map.tsv", t->users, p->umap, p->n_users, nu, e);
    if (!st)
        st = write_map(p, "item_map.tsv", t->items, p->imap, p->n_items, ni, e);
    return st;
}

/* ---- splits ---- */

/* Per-user chronological ratio counts, RecBole's rounding: valid/test get floor(r * n), bumped to
 * 1 when r * n is in (0, 1) while train keeps more than one; train gets the rest. */
static void ratio_counts(uint32_t n, const double r[3], uint32_t cnt[3])
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

static l4r_status assign_split(proc *p, l4r_error *e)
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
            ratio_counts(p->ulen[u], r, cnt);
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

static void record_split_counts(proc *p)
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
            snprintf(path, sizeof path, "split.%s", part_name[k]);
            set_counts(p, path, c[k]);
        }
    }
}

/* ---- sinks: chunked, parallel formatting, ordered writing ---- */

enum { ORD_SOURCE, ORD_USERS };

typedef struct scratch {
    uint32_t *uitems; /* jsonl: the current user's items, sorted */
    size_t uitems_cap;
    uint32_t *hist; /* jsonl: history rows */
    size_t hist_cap;
} scratch;

typedef struct pass pass;
typedef void (*fmt_fn)(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc);

struct pass {
    proc *p;
    int order;              /* ORD_SOURCE: units are rows; ORD_USERS: positions in uorder */
    const uint32_t *uorder; /* users in output order (NULL = id order) */
    size_t n_units;
    size_t chunk; /* rows per chunk (approximate for ORD_USERS) */
    fmt_fn fmt;
    int nbuf;
    l4r_out *out[3][2]; /* each buffer is written to up to two files */
};

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Decimal digits, two at a time from the right (Unix times have ten). */
static inline char *put_u64(char *d, uint64_t v)
{
    int n = 1;
    for (uint64_t x = v; x >= 10; x /= 10)
        n++;
    char *e = d + n;
    char *w = e;
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        w -= 2;
        w[0] = digit_pairs[k];
        w[1] = digit_pairs[k + 1];
    }
    if (v >= 10) {
        w -= 2;
        w[0] = digit_pairs[v * 2];
        w[1] = digit_pairs[v * 2 + 1];
    } else {
        *--w = (char)('0' + v);
    }
    return e;
}

/* Copy a dictionary string: 16 bytes at once when it is that short (the arena pads, and put_row
 * reserves 64 bytes of slack per row). */
static inline char *put_str(char *d, const char *s, size_t n)
{
    if (L4R_LIKELY(n <= 16))
        memcpy(d, s, 16);
    else
        memcpy(d, s, n);
    return d + n;
}

static void proc_views(proc *p)
{
    l4r_dict_view(p->t->users, &p->us_str, &p->us_len);
    l4r_dict_view(p->t->items, &p->it_str, &p->it_len);
    l4r_dict_view(p->t->ratings, &p->ra_str, &p->ra_len);
}

static inline char *put_i64(char *d, int64_t v)
{
    if (v < 0) {
        *d++ = '-';
        return put_u64(d, (uint64_t)0 - (uint64_t)v);
    }
    return put_u64(d, (uint64_t)v);
}

/* A user or item id: the remapped number, or the dictionary string. */
static inline char *put_id(char *d, const uint32_t *map, const char *const *str, const uint32_t *len,
                           uint32_t id)
{
    if (map)
        return put_u64(d, map[id]);
    return put_str(d, str[id], len[id]);
}

static inline char *put_user(const proc *p, char *d, uint32_t u)
{
    return put_id(d, p->umap, p->us_str, p->us_len, u);
}

static inline char *put_item(const proc *p, char *d, uint32_t i)
{
    return put_id(d, p->imap, p->it_str, p->it_len, i);
}

/* Room to reserve before put_user/put_item: the text plus put_str's fixed-width slack. */
static inline size_t user_len(const proc *p, uint32_t u)
{
    return (p->umap ? 20 : p->us_len[u]) + 16;
}

static inline size_t item_len(const proc *p, uint32_t i)
{
    return (p->imap ? 20 : p->it_len[i]) + 16;
}

/* One interaction line: user \t item \t rating \t timestamp \n */
static inline void put_row(const proc *p, l4r_buf *b, uint32_t r)
{
    const l4r_itab *t = p->t;
    if (L4R_UNLIKELY(b->cap - b->len <= p->maxrow + 64))
        l4r_buf_reserve(b, p->maxrow + 65536);
    char *d = b->data + b->len;
    d = put_user(p, d, t->user[r]);
    *d++ = '\t';
    d = put_item(p, d, t->item[r]);
    *d++ = '\t';
    if (p->o->implicit)
        *d++ = '1';
    else
        d = put_str(d, p->ra_str[t->rating[r]], p->ra_len[t->rating[r]]);
    *d++ = '\t';
    d = put_i64(d, t->ts[r]);
    *d++ = '\n';
    b->len = (size_t)(d - b->data);
}

static inline uint32_t unit_user(const pass *ps, size_t k)
{
    return ps->uorder ? ps->uorder[k] : (uint32_t)k;
}

static void fmt_rows_source(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows,
                            scratch *sc)
{
    (void)sc;
    const proc *p = ps->p;
    for (size_t r = beg; r < end; r++) {
        if (p->part[r] == PART_DROP)
            continue;
        put_row(p, &bufs[0], (uint32_t)r);
        rows[0]++;
    }
}

static void fmt_rows_users(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    (void)sc;
    const proc *p = ps->p;
    for (size_t k = beg; k < end; k++) {
        uint32_t u = unit_user(ps, k);
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            int part = p->part[g[j]];
            put_row(p, &bufs[part], g[j]);
            rows[part]++;
        }
    }
}

static void fmt_sasrec(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    (void)sc;
    const proc *p = ps->p;
    for (size_t k = beg; k < end; k++) {
        uint32_t u = unit_user(ps, k);
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            l4r_buf_reserve(&bufs[0], 24);
            char *d = bufs[0].data + bufs[0].len;
            d = put_u64(d, p->umap[u]);
            *d++ = ' ';
            d = put_u64(d, p->imap[p->t->item[g[j]]]);
            *d++ = '\n';
            bufs[0].len = (size_t)(d - bufs[0].data);
        }
        rows[0] += p->ulen[u];
    }
}

static void fmt_sequences(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    (void)sc;
    const proc *p = ps->p;
    for (size_t k = beg; k < end; k++) {
        uint32_t u = unit_user(ps, k);
        const uint32_t *g = p->idx + p->ubeg[u];
        if (!p->ulen[u])
            continue;
        l4r_buf_reserve(&bufs[0], user_len(p, u) + 2);
        bufs[0].len = (size_t)(put_user(p, bufs[0].data + bufs[0].len, u) - bufs[0].data);
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t it = p->t->item[g[j]];
            l4r_buf_reserve(&bufs[0], item_len(p, it) + 2);
            char *d = bufs[0].data + bufs[0].len;
            *d++ = j ? ' ' : '\t';
            d = put_item(p, d, it);
            bufs[0].len = (size_t)(d - bufs[0].data);
        }
        l4r_buf_addc(&bufs[0], '\n');
        rows[0]++;
    }
}

/* JSON string: quotes, backslashes and control characters escaped; other bytes (UTF-8) as is. */
static void json_str(l4r_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    l4r_buf_reserve(b, n + 2);
    b->data[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            l4r_buf_reserve(b, 2);
            b->data[b->len++] = (char)c;
            continue;
        }
        char esc[7];
        size_t en = 2;
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\t': esc[1] = 't'; break;
        case '\r': esc[1] = 'r'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            en = 6;
        }
        l4r_buf_add(b, esc, en);
    }
    l4r_buf_addc(b, '"');
}

/* A user or item id as a JSON string: the remapped number, or the dictionary string. */
static void json_id(l4r_buf *b, const uint32_t *map, const char *const *str, const uint32_t *len, uint32_t id)
{
    char tmp[24];
    if (map) {
        char *d = put_u64(tmp, map[id]);
        json_str(b, tmp, (size_t)(d - tmp));
        return;
    }
    json_str(b, str[id], len[id]);
}

static void json_user(const proc *p, l4r_buf *b, uint32_t u)
{
    json_id(b, p->umap, p->us_str, p->us_len, u);
}

static void json_item(const proc *p, l4r_buf *b, uint32_t i)
{
    json_id(b, p->imap, p->it_str, p->it_len, i);
}

static void json_title(const proc *p, l4r_buf *b, uint32_t i)
{
    const char *s = p->ititle ? p->ititle[i] : NULL;
    if (!s)
        l4r_buf_adds(b, "null");
    else
        json_str(b, s, strlen(s));
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static bool in_sorted(const uint32_t *a, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && a[lo] == x;
}

/* Negatives for one example: K items the user never interacted with, distinct, from a stream
 * keyed by (seed, source row of the target) so the result does not depend on threads. */
static size_t sample_negatives(const proc *p, uint64_t target_row, const uint32_t *uitems, size_t nui,
                               uint32_t *out, size_t K)
{
    rng r = {mix64(p->o->seed ^ mix64(target_row + 0x63616e64ull))};
    size_t eligible = p->n_alive_items > nui ? p->n_alive_items - nui : 0;
    size_t got = 0;
    if (eligible <= K) {
        for (size_t i = 0; i < p->n_alive_items && got < K; i++) {
            uint32_t it = p->alive_items[i];
            if (!in_sorted(uitems, nui, it))
                out[got++] = it;
        }
        for (size_t i = got; i > 1; i--) {
            size_t j = (size_t)rng_below(&r, i);
            uint32_t x = out[i - 1];
            out[i - 1] = out[j];
            out[j] = x;
        }
        return got;
    }
    while (got < K) {
        uint32_t it = p->alive_items[rng_below(&r, p->n_alive_items)];
        if (in_sorted(uitems, nui, it))
            continue;
        bool dup = false;
        for (size_t k = 0; k < got && !dup; k++)
            dup = out[k] == it;
        if (!dup)
            out[got++] = it;
    }
    return got;
}

static void fmt_jsonl(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    const proc *p = ps->p;
    const l4r_itab *t = p->t;
    size_t H = p->o->history_len > 0 ? (size_t)p->o->history_len : 10;
    size_t K = p->o->candidates > 0 ? (size_t)p->o->candidates : 0;
    uint32_t *cand = K ? l4r_xmalloc((K + 1) * sizeof *cand) : NULL;
    for (size_t k = beg; k < end; k++) {
        uint32_t u = unit_user(ps, k);
        const uint32_t *g = p->idx + p->ubeg[u];
        uint32_t n = p->ulen[u];
        if (n < 2)
            continue;
        size_t nui = 0;
        if (K) {
            if (n > sc->uitems_cap) {
                sc->uitems_cap = n;
                sc->uitems = l4r_xrealloc(sc->uitems, n * sizeof *sc->uitems);
            }
            for (uint32_t j = 0; j < n; j++)
                sc->uitems[j] = t->item[g[j]];
            qsort(sc->uitems, n, sizeof *sc->uitems, cmp_u32);
            for (uint32_t j = 0; j < n; j++) {
                if (!nui || sc->uitems[nui - 1] != sc->uitems[j])
                    sc->uitems[nui++] = sc->uitems[j];
            }
        }
        if (n > sc->hist_cap) {
            sc->hist_cap = n;
            sc->hist = l4r_xrealloc(sc->hist, n * sizeof *sc->hist);
        }
        for (uint32_t j = 1; j < n; j++) {
            uint32_t r = g[j];
            int part = p->part[r];
            /* history: earlier rows of parts <= this one (no test item leaks into a train
             * example under a random split), the last H of them */
            size_t nh = 0;
            for (uint32_t q = j; q-- > 0 && nh < H;) {
                if (p->part[g[q]] <= part)
                    sc->hist[nh++] = g[q];
            }
            if (!nh)
                continue;
            l4r_buf *b = &bufs[part];
            l4r_buf_adds(b, "{\"user_id\":");
            json_user(p, b, u);
            l4r_buf_adds(b, ",\"history_item_ids\":[");
            for (size_t h = nh; h-- > 0;) {
                json_item(p, b, t->item[sc->hist[h]]);
                if (h)
                    l4r_buf_addc(b, ',');
            }
            l4r_buf_adds(b, "],\"history_titles\":[");
            for (size_t h = nh; h-- > 0;) {
                json_title(p, b, t->item[sc->hist[h]]);
                if (h)
                    l4r_buf_addc(b, ',');
            }
            l4r_buf_adds(b, "],\"target_item_id\":");
            json_item(p, b, t->item[r]);
            l4r_buf_adds(b, ",\"target_title\":");
            json_title(p, b, t->item[r]);
            l4r_buf_adds(b, ",\"timestamp\":");
            l4r_buf_add_i64(b, t->ts[r]);
            if (K) {
                /* seeds come from the source row, so out-of-core batches draw the same */
                uint64_t src = p->srcrow ? p->srcrow[r] : r;
                size_t nc = sample_negatives(p, src, sc->uitems, nui, cand, K);
                /* the target goes to a seeded position among the negatives */
                rng pr = {mix64(p->o->seed ^ mix64(src + 0x706f73ull))};
                size_t pos = (size_t)rng_below(&pr, nc + 1);
                memmove(cand + pos + 1, cand + pos, (nc - pos) * sizeof *cand);
                cand[pos] = t->item[r];
                l4r_buf_adds(b, ",\"candidate_item_ids\":[");
                for (size_t c = 0; c <= nc; c++) {
                    if (c)
                        l4r_buf_addc(b, ',');
                    json_item(p, b, cand[c]);
                }
                l4r_buf_adds(b, "],\"candidate_titles\":[");
                for (size_t c = 0; c <= nc; c++) {
                    if (c)
                        l4r_buf_addc(b, ',');
                    json_title(p, b, cand[c]);
                }
                l4r_buf_addc(b, ']');
            }
            l4r_buf_adds(b, "}\n");
            rows[part]++;
        }
    }
    free(cand);
}

typedef struct chunk_job {
    const pass *ps;
    size_t beg, end;
    l4r_buf bufs[3];
    uint64_t rows[3];
    scratch sc;
} chunk_job;

static void *chunk_main(void *a)
{
    chunk_job *j = a;
    for (int k = 0; k < 3; k++) {
        j->bufs[k].len = 0;
        j->rows[k] = 0;
    }
    j->ps->fmt(j->ps, j->beg, j->end, j->bufs, j->rows, &j->sc);
    return NULL;
}

/* Cut the units into chunks of about ps->chunk rows; returns the boundaries (n_chunks + 1). */
static size_t *make_chunks(const pass *ps, size_t *n_chunks)
{
    const proc *p = ps->p;
    size_t cap = 16, n = 0;
    size_t *b = l4r_xmalloc(cap * sizeof *b);
    b[n++] = 0;
    size_t acc = 0;
    for (size_t k = 0; k < ps->n_units; k++) {
        acc += ps->order == ORD_SOURCE ? 1 : p->ulen[unit_user(ps, k)];
        if (acc >= ps->chunk || k + 1 == ps->n_units) {
            if (n == cap) {
                cap *= 2;
                b = l4r_xrealloc(b, cap * sizeof *b);
            }
            b[n++] = k + 1;
            acc = 0;
        }
    }
    *n_chunks = n - 1;
    return b;
}

/* One round: up to `threads` consecutive chunks formatted at once. */
typedef struct fmt_round {
    chunk_job *jobs;
    pthread_t *tid;
    bool *started;
    size_t m;
} fmt_round;

static void round_start(const pass *ps, fmt_round *r, const size_t *bound, size_t c, size_t nch, size_t nt,
                        bool async)
{
    r->m = nch - c < nt ? nch - c : nt;
    for (size_t k = 0; k < r->m; k++) {
        r->jobs[k].ps = ps;
        r->jobs[k].beg = bound[c + k];
        r->jobs[k].end = bound[c + k + 1];
        r->started[k] = async && pthread_create(&r->tid[k], NULL, chunk_main, &r->jobs[k]) == 0;
        if (!r->started[k])
            chunk_main(&r->jobs[k]);
    }
}

static void round_join(fmt_round *r)
{
    for (size_t k = 0; k < r->m; k++) {
        if (r->started[k])
            pthread_join(r->tid[k], NULL);
        r->started[k] = false;
    }
}

/* Format all chunks and write them in order.  With more than one thread, the workers format round
 * k + 1 while this thread writes (and hashes) round k, so the single-threaded SHA-256 of an output
 * file overlaps with the formatting. */
static l4r_status run_pass(const pass *ps, l4r_error *e)
{
    size_t nt = ps->p->threads > 1 ? (size_t)ps->p->threads : 1;
    bool async = nt > 1;
    size_t nch;
    size_t *bound = make_chunks(ps, &nch);
    fmt_round R[2];
    for (int i = 0; i < 2; i++) {
        R[i].jobs = l4r_xcalloc(nt, sizeof *R[i].jobs);
        R[i].tid = l4r_xcalloc(nt, sizeof *R[i].tid);
        R[i].started = l4r_xcalloc(nt, sizeof *R[i].started);
        R[i].m = 0;
    }
    l4r_status st = L4R_OK;
    int cur = 0;
    if (nch)
        round_start(ps, &R[0], bound, 0, nch, nt, async);
    for (size_t c = 0; c < nch; c += nt) {
        fmt_round *r = &R[cur];
        round_join(r);
        if (!st && c + nt < nch && !l4r_interrupted)
            round_start(ps, &R[cur ^ 1], bound, c + nt, nch, nt, async);
        if (!st && l4r_interrupted)
            st = l4r_err(e, L4R_EINTR, "interrupted");
        for (size_t k = 0; k < r->m && !st; k++) {
            for (int f = 0; f < ps->nbuf && !st; f++) {
                for (int w = 0; w < 2 && !st; w++) {
                    l4r_out *out = ps->out[f][w];
                    if (!out)
                        continue;
                    if (r->jobs[k].bufs[f].len)
                        st = l4r_out_write(out, r->jobs[k].bufs[f].data, r->jobs[k].bufs[f].len, e);
                    l4r_out_add_rows(out, r->jobs[k].rows[f]);
                }
            }
        }
        r->m = 0;
        cur ^= 1;
        if (st)
            break;
    }
    for (int i = 0; i < 2; i++) {
        round_join(&R[i]);
        for (size_t k = 0; k < nt; k++) {
            for (int f = 0; f < 3; f++)
                l4r_buf_free(&R[i].jobs[k].bufs[f]);
            free(R[i].jobs[k].sc.uitems);
            free(R[i].jobs[k].sc.hist);
        }
        free(R[i].jobs);
        free(R[i].tid);
        free(R[i].started);
    }
    free(bound);
    return st;
}

/* Open the files of a pass (names[f][w], NULL = none) and write their headers. */
static l4r_status open_outs(proc *p, pass *ps, const char *names[3][2], const char *headers[3][2],
                            l4r_error *e)
{
    for (int f = 0; f < ps->nbuf; f++) {
        for (int w = 0; w < 2; w++) {
            if (!names[f][w])
                continue;
            l4r_status st = l4r_out_open(&ps->out[f][w], p->dir, names[f][w], e);
            if (st)
                return st;
            if (headers[f][w]) {
                st = l4r_out_puts(ps->out[f][w], headers[f][w], e);
                if (st)
                    return st;
            }
        }
    }
    return L4R_OK;
}

static l4r_status close_outs(proc *p, pass *ps, l4r_status st, l4r_error *e)
{
    for (int f = 0; f < 3; f++) {
        for (int w = 0; w < 2; w++) {
            if (!ps->out[f][w])
                continue;
            if (st)
                l4r_out_abort(ps->out[f][w]);
            else
                st = l4r_out_close(ps->out[f][w], p->m, e);
            ps->out[f][w] = NULL;
        }
    }
    return st;
}

static const char tsv_header[] = "user_id\titem_id\trating\ttimestamp\n";
static const char recbole_header[] = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n";

static l4r_status sink_interactions(proc *p, unsigned formats, l4r_error *e)
{
    bool tsv = formats & L4R_SINK_TSV, rb = formats & L4R_SINK_RECBOLE;
    if (!tsv && !rb)
        return L4R_OK;
    const char *ds = p->o->dataset ? p->o->dataset : "dataset";
    pass ps = {.p = p, .fmt = NULL, .chunk = CHUNK_ROWS};
    const char *names[3][2] = {{NULL}}, *headers[3][2] = {{NULL}};
    char *rbn[3] = {NULL};
    if (p->o->split == L4R_SPLIT_NONE) {
        ps.order = ORD_SOURCE;
        ps.n_units = p->t->n;
        ps.fmt = fmt_rows_source;
        ps.nbuf = 1;
        if (tsv) {
            names[0][0] = "interactions.tsv";
            headers[0][0] = tsv_header;
        }
        if (rb) {
            rbn[0] = l4r_xasprintf("%s.inter", ds);
            names[0][1] = rbn[0];
            headers[0][1] = recbole_header;
        }
    } else {
        ps.order = ORD_USERS;
        ps.n_units = p->n_users;
        ps.fmt = fmt_rows_users;
        ps.nbuf = 3;
        static const char *const tn[3] = {"train.tsv", "valid.tsv", "test.tsv"};
        for (int k = 0; k < 3; k++) {
            if (tsv) {
                names[k][0] = tn[k];
                headers[k][0] = tsv_header;
            }
            if (rb) {
                rbn[k] = l4r_xasprintf("%s.%s.inter", ds, part_name[k]);
                names[k][1] = rbn[k];
                headers[k][1] = recbole_header;
            }
        }
    }
    l4r_status st = open_outs(p, &ps, names, headers, e);
    if (!st)
        st = run_pass(&ps, e);
    st = close_outs(p, &ps, st, e);
    for (int k = 0; k < 3; k++)
        free(rbn[k]);
    return st;
}

static l4r_status sink_recbole_items(proc *p, l4r_error *e)
{
    if (!p->items)
        return L4R_OK;
    const l4r_items *it = p->items;
    const char *ds = p->o->dataset ? p->o->dataset : "dataset";
    char *name = l4r_xasprintf("%s.item", ds);
    l4r_out *out = NULL;
    l4r_buf b = {0};
    l4r_status st = l4r_out_open(&out, p->dir, name, e);
    if (st)
        goto out;
    l4r_buf_adds(&b, "item_id:token\ttitle:token_seq");
    for (size_t k = 0; k < it->n_extra; k++) {
        l4r_buf_addf(&b, "\t%s:token_seq", it->extra_names[k]);
    }
    l4r_buf_addc(&b, '\n');
    uint64_t rows = 0;
    /* alive items, in remapped order when remapped, else in id (first appearance) order */
    uint32_t *order = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *order);
    size_t no = 0;
    if (p->imap) {
        for (size_t i = 0; i < p->n_items; i++) {
            if (p->imap[i])
                order[p->imap[i] - 1] = (uint32_t)i;
        }
        no = p->n_alive_items;
    } else {
        for (size_t i = 0; i < p->n_items; i++) {
            if (p->icnt[i])
                order[no++] = (uint32_t)i;
        }
    }
    for (size_t k = 0; k < no && !st; k++) {
        uint32_t i = order[k];
        size_t sn;
        const char *s = l4r_dict_str(p->t->items, i, &sn);
        uint32_t j = l4r_dict_find(it->ids, s, sn);
        l4r_buf_reserve(&b, item_len(p, i) + 2);
        b.len = (size_t)(put_item(p, b.data + b.len, i) - b.data);
        l4r_buf_addc(&b, '\t');
        if (j != UINT32_MAX && it->title[j])
            l4r_buf_adds(&b, it->title[j]);
        for (size_t x = 0; x < it->n_extra; x++) {
            l4r_buf_addc(&b, '\t');
            if (j != UINT32_MAX && it->extra && it->extra[j] && it->extra[j][x])
                l4r_buf_adds(&b, it->extra[j][x]);
        }
        l4r_buf_addc(&b, '\n');
        rows++;
        if (b.len > (1u << 20)) {
            st = l4r_out_write(out, b.data, b.len, e);
            b.len = 0;
        }
    }
    free(order);
    if (!st && b.len)
        st = l4r_out_write(out, b.data, b.len, e);
    if (st)
        goto out;
    l4r_out_add_rows(out, rows);
    st = l4r_out_close(out, p->m, e);
    out = NULL;
out:
    l4r_out_abort(out);
    l4r_buf_free(&b);
    free(name);
    return st;
}

static l4r_status sink_one(proc *p, const char *name, const char *header, fmt_fn fn, const uint32_t *uorder,
                           size_t n_units, l4r_error *e)
{
    pass ps = {.p = p,
               .order = ORD_USERS,
               .uorder = uorder,
               .n_units = n_units,
               .chunk = CHUNK_ROWS,
               .fmt = fn,
               .nbuf = 1};
    const char *names[3][2] = {{name, NULL}}, *headers[3][2] = {{header, NULL}};
    l4r_status st = open_outs(p, &ps, names, headers, e);
    if (!st)
        st = run_pass(&ps, e);
    return close_outs(p, &ps, st, e);
}

static l4r_status sink_jsonl(proc *p, l4r_error *e)
{
    if (p->items) {
        p->ititle = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *p->ititle);
        for (size_t i = 0; i < p->n_items; i++) {
            size_t sn;
            const char *s = l4r_dict_str(p->t->items, (uint32_t)i, &sn);
            p->ititle[i] = l4r_items_title(p->items, s, sn);
        }
    }
    pass ps = {.p = p, .order = ORD_USERS, .n_units = p->n_users, .chunk = CHUNK_EXAMPLES, .fmt = fmt_jsonl};
    const char *names[3][2] = {{NULL}}, *headers[3][2] = {{NULL}};
    if (p->o->split == L4R_SPLIT_NONE) {
        ps.nbuf = 1;
        names[0][0] = "examples.jsonl";
    } else {
        ps.nbuf = 3;
        names[0][0] = "train.jsonl";
        names[1][0] = "valid.jsonl";
        names[2][0] = "test.jsonl";
    }
    l4r_manifest_set_int(p->m, "jsonl.history_len", p->o->history_len > 0 ? p->o->history_len : 10);
    l4r_manifest_set_int(p->m, "jsonl.candidates", p->o->candidates);
    l4r_manifest_set_int(p->m, "jsonl.seed", (int64_t)p->o->seed);
    l4r_status st = open_outs(p, &ps, names, headers, e);
    if (!st)
        st = run_pass(&ps, e);
    return close_outs(p, &ps, st, e);
}

/* ---- driver ---- */

static size_t dict_maxlen(const l4r_dict *d)
{
    size_t mx = 0, n = l4r_dict_size(d);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        l4r_dict_str(d, (uint32_t)i, &len);
        mx = len > mx ? len : mx;
    }
    return mx;
}

void l4r_process_opts_defaults(l4r_process_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dedup = L4R_DEDUP_NONE;
    o->kcore_mode = L4R_KCORE_ITERATIVE;
    o->ties = L4R_TIES_SOURCE;
    o->remap_order = L4R_REMAP_FIRST;
    o->split = L4R_SPLIT_NONE;
    o->formats = L4R_SINK_TSV;
    o->history_len = 10;
    o->threads = 1;
}

/* ---- out-of-core path (the table spilled sorted runs; see spill.h) ----
 *
 * The runs merge into the order the in-memory path builds with idx: users in id order, rows of a
 * user by (timestamp, source row).  Every step is then a pass over that stream, one user group at
 * a time, with the per-user and per-item counters in memory (as the dictionaries are) and one bit
 * per source row for "dropped" so that later passes skip what earlier ones removed:
 *
 *   pass 1   input counts, dedup, rating filter  (+ ties, max-history, remap keys without k-core)
 *   k-core   one pass per round, with the item counts of the previous pass
 *   pass 2   (with k-core) ties, max-history, first appearances for remap, timestamps for a
 *            time-quantile split (exact k-th value by radix selection over a temporary file)
 *   final    split per user, and the sinks: user groups are gathered into batches that look like
 *            a small in-memory table (local row numbers, srcrow for the seeds) so the very same
 *            formatting functions write the very same bytes; split none writes interactions in
 *            source order by reading each run back into its source range.
 *
 * Manifest keys are set in the same order as the in-memory path sets them, so the two manifests
 * differ only by "spill" (and whatever the caller adds). */

enum { XP_PRE = 1, XP_KCORE = 2, XP_POST = 4 };

typedef struct xbatch {
    uint32_t *user, *item, *rating;
    int64_t *ts;
    uint64_t *src;
    uint32_t *idx;
    uint8_t *part;
    size_t n, cap;
    uint32_t *users; /* user ids of the batch, in order */
    size_t nu, ucap;
} xbatch;

typedef struct ext {
    proc *p;
    l4r_spill *sp;
    uint8_t *dead; /* bit per source row */
    size_t bufsz;  /* read buffer per run */
    size_t batch_rows;
    l4r_merge *mg;
    l4r_srec pend;
    bool has_pend;
    l4r_srec *g; /* the current user's live rows */
    size_t gn, gcap;
    uint32_t *stamp; /* dedup */
    uint8_t *keep;   /* rating filter */
    uint32_t *icnt_new;
    uint32_t *icnt_in;  /* input counts (pass 1) */
    remap_key *uk, *ik; /* first appearances (remap) */
    int ts_fd;          /* time-quantile: live timestamps */
    char *ts_path;
    l4r_buf tsb;
    /* pass results */
    size_t in_users, in_rows, rm_dedup, rm_rating, rm_kcore, tied, ties_rows, rm_hist;
    /* final pass */
    uint64_t rem[3];
    rng rr;
    int64_t t1, t2;
    double ratio[3];
    uint8_t *iseen;
    int64_t cnt[3][3];
    uint32_t *ubeg; /* batch offsets per user id (n_users + 1) */
    xbatch b;
    /* sasrec: users come out in new-id order, so each user's lines go to a temporary file in
     * id order first and are copied in new-id order at the end */
    int sas_fd;
    char *sas_path;
    uint64_t *sas_off;
    uint32_t *sas_len;
    uint64_t sas_pos;
    l4r_buf sasb;
} ext;

static inline bool x_dead(const ext *x, uint64_t row)
{
    return (x->dead[row >> 3] >> (row & 7)) & 1;
}

static inline void x_kill(ext *x, uint64_t row)
{
    x->dead[row >> 3] |= (uint8_t)(1u << (row & 7));
}

/* Drop the marked (row = ROW_NONE) entries of the group, keeping the order; returns how many. */
static size_t x_compact(ext *x)
{
    size_t k = 0;
    for (size_t j = 0; j < x->gn; j++) {
        if (x->g[j].row != ROW_NONE)
            x->g[k++] = x->g[j];
    }
    size_t removed = x->gn - k;
    x->gn = k;
    return removed;
}

/* Mark group entry j dropped: in the bitmap for later passes, in the group for this one. */
static inline void x_drop(ext *x, size_t j)
{
    x_kill(x, x->g[j].row);
    x->g[j].row = ROW_NONE;
}

static l4r_status x_begin(ext *x, l4r_error *e)
{
    l4r_merge_free(x->mg);
    x->mg = NULL;
    x->has_pend = false;
    return l4r_merge_open(&x->mg, x->sp, x->bufsz, e);
}

/* The next user with live rows: its rows (in merged order) in x->g, its id in *u. */
static l4r_status x_next(ext *x, uint32_t *u, bool *done, l4r_error *e)
{
    l4r_status st;
    bool end;
    for (;;) {
        x->gn = 0;
        if (!x->has_pend) {
            st = l4r_merge_next(x->mg, &x->pend, &end, e);
            if (st)
                return st;
            if (end) {
                *done = true;
                return L4R_OK;
            }
            x->has_pend = true;
        }
        uint32_t cu = x->pend.user;
        while (x->has_pend && x->pend.user == cu) {
            if (!x_dead(x, x->pend.row)) {
                if (x->gn == x->gcap) {
                    x->gcap = x->gcap ? x->gcap * 2 : 1024;
                    x->g = l4r_xrealloc(x->g, x->gcap * sizeof *x->g);
                }
                x->g[x->gn++] = x->pend;
            }
            st = l4r_merge_next(x->mg, &x->pend, &end, e);
            if (st)
                return st;
            x->has_pend = !end;
        }
        if (x->gn) {
            *u = cu;
            *done = false;
            return L4R_OK;
        }
    }
}

/* --ties: count tied rows of the group; under hash, reorder runs of equal timestamps by (hash,
 * source row) as ties_fn does. */
static void x_ties(ext *x)
{
    const proc *p = x->p;
    bool reorder = p->o->ties == L4R_TIES_HASH;
    size_t j = 0;
    while (j < x->gn) {
        size_t k = j + 1;
        while (k < x->gn && x->g[k].ts == x->g[j].ts)
            k++;
        if (k - j > 1) {
            x->tied += k - j;
            if (reorder) {
                for (size_t a = j + 1; a < k; a++) {
                    l4r_srec v = x->g[a];
                    uint64_t hv = tie_hash(p->t, p->o->seed, v.user, v.item, v.ts);
                    size_t b = a;
                    while (b > j) {
                        const l4r_srec *w = &x->g[b - 1];
                        uint64_t hw = tie_hash(p->t, p->o->seed, w->user, w->item, w->ts);
                        if (hw < hv || (hw == hv && w->row < v.row))
                            break;
                        x->g[b] = x->g[b - 1];
                        b--;
                    }
                    x->g[b] = v;
                }
            }
        }
        j = k;
    }
}

/* Under --ties hash the group order is not the merge order: apply it again in later passes. */
static void x_reorder(ext *x)
{
    if (x->p->o->ties == L4R_TIES_HASH && x->p->t->has_time) {
        size_t keep = x->tied;
        x_ties(x);
        x->tied = keep;
    }
}

static l4r_status x_ts_flush(ext *x, l4r_error *e)
{
    l4r_status st = l4r_write_all(x->ts_fd, x->tsb.data, x->tsb.len, x->ts_path, e);
    x->tsb.len = 0;
    return st;
}

/* One pass of the stages named by flags (XP_*); U, I: the k-core thresholds of this round. */
static l4r_status x_stage_pass(ext *x, int flags, uint32_t U, uint32_t I, l4r_error *e)
{
    proc *p = x->p;
    const l4r_process_opts *o = p->o;
    l4r_status st = x_begin(x, e);
    if (st)
        return st;
    memset(p->ulen, 0, (p->n_users ? p->n_users : 1) * sizeof *p->ulen);
    memset(x->icnt_new, 0, (p->n_items ? p->n_items : 1) * sizeof *x->icnt_new);
    bool quantile = (flags & XP_POST) && o->split == L4R_SPLIT_TIME_QUANTILE && p->t->has_time;
    uint32_t N = o->max_history > 0 ? (uint32_t)o->max_history : 0;
    size_t groups = 0;
    for (;;) {
        uint32_t u;
        bool done;
        st = x_next(x, &u, &done, e);
        if (st || done)
            break;
        if ((++groups & 4095) == 0 && l4r_interrupted)
            return l4r_err(e, L4R_EINTR, "interrupted");
        if (flags & XP_PRE) {
            x->in_users++;
            x->in_rows += x->gn;
            for (size_t j = 0; j < x->gn; j++)
                x->icnt_in[x->g[j].item]++;
            if (o->dedup != L4R_DEDUP_NONE) {
                uint32_t mark = u + 1;
                bool any = false;
                for (size_t k = 0; k < x->gn; k++) {
                    size_t j = o->dedup == L4R_DEDUP_FIRST ? k : x->gn - 1 - k;
                    uint32_t it = x->g[j].item;
                    if (x->stamp[it] == mark) {
                        x_drop(x, j);
                        any = true;
                    } else {
                        x->stamp[it] = mark;
                    }
                }
                if (any)
                    x->rm_dedup += x_compact(x);
            }
            if (o->has_min_rating) {
                bool any = false;
                for (size_t j = 0; j < x->gn; j++) {
                    if (!x->keep[x->g[j].rating]) {
                        x_drop(x, j);
                        any = true;
                    }
                }
                if (any)
                    x->rm_rating += x_compact(x);
            }
        }
        if (flags & XP_KCORE) {
            if (x->gn < U) {
                for (size_t j = 0; j < x->gn; j++)
                    x_drop(x, j);
                x->rm_kcore += x_compact(x);
            } else if (I) {
                bool any = false;
                for (size_t j = 0; j < x->gn; j++) {
                    if (p->icnt[x->g[j].item] < I) {
                        x_drop(x, j);
                        any = true;
                    }
                }
                if (any)
                    x->rm_kcore += x_compact(x);
            }
        }
        if (flags & XP_POST) {
            x->ties_rows += x->gn;
            if (p->t->has_time)
                x_ties(x);
            if (N && x->gn > N) {
                size_t cut = x->gn - N;
                for (size_t j = 0; j < cut; j++)
                    x_drop(x, j);
                x->rm_hist += x_compact(x);
            }
            if (x->uk) {
                for (size_t j = 0; j < x->gn; j++) {
                    const l4r_srec *r = &x->g[j];
                    remap_key *k = &x->uk[u];
                    if (r->ts < k->ts || (r->ts == k->ts && r->row < k->row)) {
                        k->ts = r->ts;
                        k->row = r->row;
                    }
                    k = &x->ik[r->item];
                    if (r->ts < k->ts || (r->ts == k->ts && r->row < k->row)) {
                        k->ts = r->ts;
                        k->row = r->row;
                    }
                }
            }
            if (quantile) {
                for (size_t j = 0; j < x->gn; j++)
                    l4r_buf_add(&x->tsb, &x->g[j].ts, sizeof x->g[j].ts);
                if (x->tsb.len >= (1u << 20)) {
                    st = x_ts_flush(x, e);
                    if (st)
                        return st;
                }
            }
        }
        p->ulen[u] = (uint32_t)x->gn;
        for (size_t j = 0; j < x->gn; j++)
            x->icnt_new[x->g[j].item]++;
    }
    if (!st && quantile && x->tsb.len)
        st = x_ts_flush(x, e);
    uint32_t *tmp = p->icnt;
    p->icnt = x->icnt_new;
    x->icnt_new = tmp;
    return st;
}

static void x_survivors(const proc *p, int64_t c[3])
{
    int64_t users = 0, items = 0, rows = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        users += p->ulen[u] > 0;
        rows += p->ulen[u];
    }
    for (size_t i = 0; i < p->n_items; i++)
        items += p->icnt[i] > 0;
    c[0] = users;
    c[1] = items;
    c[2] = rows;
}

/* The k-th smallest (0-based) of the n timestamps in the temporary file: four passes, each
 * fixing 16 more bits of the (sign-flipped) value with a histogram. */
static l4r_status x_ts_select(ext *x, uint64_t k, int64_t *out, l4r_error *e)
{
    l4r_status st = L4R_OK;
    uint64_t *hist = l4r_xmalloc(65536 * sizeof *hist);
    unsigned char *buf = l4r_xmalloc(1u << 20);
    uint64_t prefix = 0;
    for (int level = 0; level < 4 && !st; level++) {
        int shift = 48 - 16 * level;
        memset(hist, 0, 65536 * sizeof *hist);
        if (lseek(x->ts_fd, 0, SEEK_SET) < 0) {
            st = l4r_err(e, L4R_EIO, "cannot rewind '%s': %s", x->ts_path, strerror(errno));
            break;
        }
        size_t have = 0;
        for (;;) {
            ssize_t got = read(x->ts_fd, buf + have, (1u << 20) - have);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0) {
                st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", x->ts_path, strerror(errno));
                break;
            }
            have += (size_t)got;
            size_t whole = have / 8 * 8;
            for (size_t i = 0; i < whole; i += 8) {
                int64_t v;
                memcpy(&v, buf + i, 8);
                uint64_t key = (uint64_t)v ^ (1ull << 63);
                if (level == 0 || (key >> (shift + 16)) == prefix)
                    hist[(key >> shift) & 0xffff]++;
            }
            memmove(buf, buf + whole, have - whole);
            have -= whole;
            if (got == 0)
                break;
        }
        size_t b = 0;
        uint64_t acc = 0;
        while (b < 65535 && k >= acc + hist[b]) {
            acc += hist[b];
            b++;
        }
        k -= acc;
        prefix = prefix << 16 | b;
    }
    free(hist);
    free(buf);
    *out = (int64_t)(prefix ^ (1ull << 63));
    return st;
}

/* The split's global parameters, with the manifest keys assign_split sets, in its order. */
static l4r_status x_split_begin(ext *x, l4r_error *e)
{
    proc *p = x->p;
    const l4r_process_opts *o = p->o;
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
        x->ratio[0] = o->split_a / s;
        x->ratio[1] = o->split_b / s;
        x->ratio[2] = o->split_c / s;
        l4r_manifest_set_real(p->m, "split.ratio.train", x->ratio[0]);
        l4r_manifest_set_real(p->m, "split.ratio.valid", x->ratio[1]);
        l4r_manifest_set_real(p->m, "split.ratio.test", x->ratio[2]);
        break;
    }
    case L4R_SPLIT_TIME:
    case L4R_SPLIT_TIME_QUANTILE: {
        if (!p->t->has_time)
            return l4r_err(e, L4R_EUSAGE, "a temporal split needs timestamps, and the source has none");
        if (o->split == L4R_SPLIT_TIME) {
            x->t1 = (int64_t)o->split_a;
            x->t2 = (int64_t)o->split_b;
        } else {
            size_t n = live_rows(p);
            if (n == 0) {
                x->t1 = x->t2 = 0;
            } else {
                size_t k1 = (size_t)(o->split_a * (double)n);
                size_t k2 = (size_t)(o->split_b * (double)n);
                l4r_status st = L4R_OK;
                x->t1 = x->t2 = INT64_MAX;
                if (k1 < n)
                    st = x_ts_select(x, k1, &x->t1, e);
                if (!st && k2 < n)
                    st = x_ts_select(x, k2, &x->t2, e);
                if (st)
                    return st;
            }
            l4r_manifest_set_real(p->m, "split.q1", o->split_a);
            l4r_manifest_set_real(p->m, "split.q2", o->split_b);
        }
        l4r_manifest_set_int(p->m, "split.t1", x->t1);
        l4r_manifest_set_int(p->m, "split.t2", x->t2);
        break;
    }
    case L4R_SPLIT_RANDOM: {
        size_t n = live_rows(p);
        double s = o->split_a + o->split_b + o->split_c;
        x->rem[0] = (uint64_t)floor((double)n * o->split_a / s);
        x->rem[1] = (uint64_t)floor((double)n * o->split_b / s);
        if (x->rem[0] + x->rem[1] > n)
            x->rem[1] = n - x->rem[0];
        x->rem[2] = n - x->rem[0] - x->rem[1];
        x->rr.s = mix64(o->seed ^ 0x73706c6974ull);
        l4r_manifest_set_int(p->m, "split.seed", (int64_t)o->seed);
        break;
    }
    }
    return L4R_OK;
}

/* Parts of the group's rows (in batch b from position at), as assign_split gives them. */
static void x_split_group(ext *x, uint8_t *part, size_t n)
{
    const l4r_process_opts *o = x->p->o;
    memset(part, 0, n);
    switch (o->split) {
    case L4R_SPLIT_NONE: break;
    case L4R_SPLIT_SEQ:
        if (n >= 3) {
            part[n - 1] = 2;
            part[n - 2] = 1;
        }
        break;
    case L4R_SPLIT_RATIO: {
        uint32_t cnt[3];
        ratio_counts((uint32_t)n, x->ratio, cnt);
        for (uint32_t j = cnt[0]; j < cnt[0] + cnt[1]; j++)
            part[j] = 1;
        for (size_t j = cnt[0] + cnt[1]; j < n; j++)
            part[j] = 2;
        break;
    }
    case L4R_SPLIT_TIME:
    case L4R_SPLIT_TIME_QUANTILE:
        for (size_t j = 0; j < n; j++) {
            int64_t ts = x->g[j].ts;
            part[j] = ts < x->t1 ? 0 : ts < x->t2 ? 1 : 2;
        }
        break;
    case L4R_SPLIT_RANDOM:
        for (size_t j = 0; j < n; j++) {
            uint64_t left = x->rem[0] + x->rem[1] + x->rem[2];
            uint64_t v = rng_below(&x->rr, left);
            int k = v < x->rem[0] ? 0 : v < x->rem[0] + x->rem[1] ? 1 : 2;
            x->rem[k]--;
            part[j] = (uint8_t)k;
        }
        break;
    }
}

static void xb_reserve(xbatch *b, size_t rows)
{
    if (b->n + rows <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + rows)
        cap *= 2;
    b->cap = cap;
    b->user = l4r_xrealloc(b->user, cap * sizeof *b->user);
    b->item = l4r_xrealloc(b->item, cap * sizeof *b->item);
    b->rating = l4r_xrealloc(b->rating, cap * sizeof *b->rating);
    b->ts = l4r_xrealloc(b->ts, cap * sizeof *b->ts);
    b->src = l4r_xrealloc(b->src, cap * sizeof *b->src);
    b->idx = l4r_xrealloc(b->idx, cap * sizeof *b->idx);
    b->part = l4r_xrealloc(b->part, cap);
}

static void xb_free(xbatch *b)
{
    free(b->user);
    free(b->item);
    free(b->rating);
    free(b->ts);
    free(b->src);
    free(b->idx);
    free(b->part);
    free(b->users);
    memset(b, 0, sizeof *b);
}

/* A proc that sees the batch as its table (same dicts, maps and options). */
static void x_view(ext *x, proc *q, l4r_itab *tv)
{
    *q = *x->p;
    *tv = *x->p->t;
    tv->n = x->b.n;
    tv->cap = x->b.n;
    tv->user = x->b.user;
    tv->item = x->b.item;
    tv->rating = x->b.rating;
    tv->ts = x->b.ts;
    tv->spill = NULL;
    q->t = tv;
    q->idx = x->b.idx;
    q->ubeg = x->ubeg;
    q->part = x->b.part;
    q->srcrow = x->b.src;
}

typedef struct xsinks {
    pass inter, seq, jsonl;
    bool has_inter, has_seq, has_jsonl;
    char *rbn[3];
} xsinks;

static l4r_status x_flush_batch(ext *x, xsinks *s, l4r_error *e)
{
    if (!x->b.nu)
        return L4R_OK;
    proc q;
    l4r_itab tv;
    x_view(x, &q, &tv);
    pass *ps[3] = {s->has_inter ? &s->inter : NULL, s->has_seq ? &s->seq : NULL,
                   s->has_jsonl ? &s->jsonl : NULL};
    l4r_status st = L4R_OK;
    for (int k = 0; k < 3 && !st; k++) {
        if (!ps[k])
            continue;
        ps[k]->p = &q;
        ps[k]->uorder = x->b.users;
        ps[k]->n_units = x->b.nu;
        st = run_pass(ps[k], e);
        ps[k]->p = x->p;
    }
    x->b.n = 0;
    x->b.nu = 0;
    return st;
}

static l4r_status x_sas_flush(ext *x, l4r_error *e)
{
    l4r_status st = l4r_write_all(x->sas_fd, x->sasb.data, x->sasb.len, x->sas_path, e);
    x->sasb.len = 0;
    return st;
}

/* The group's SASRec lines ("user item", new ids) into the temporary file; where they are. */
static l4r_status x_sas_group(ext *x, uint32_t u, l4r_error *e)
{
    const proc *p = x->p;
    size_t before = x->sasb.len;
    l4r_buf_reserve(&x->sasb, x->gn * 24);
    char *d = x->sasb.data + x->sasb.len;
    for (size_t j = 0; j < x->gn; j++) {
        d = put_u64(d, p->umap[u]);
        *d++ = ' ';
        d = put_u64(d, p->imap[x->g[j].item]);
        *d++ = '\n';
    }
    x->sasb.len = (size_t)(d - x->sasb.data);
    x->sas_off[u] = x->sas_pos;
    x->sas_len[u] = (uint32_t)(x->sasb.len - before);
    x->sas_pos += x->sasb.len - before;
    if (x->sasb.len >= (4u << 20))
        return x_sas_flush(x, e);
    return L4R_OK;
}

/* DATASET.txt: the users' blocks in new-id order. */
static l4r_status x_sas_write(ext *x, l4r_error *e)
{
    proc *p = x->p;
    l4r_status st = x->sasb.len ? x_sas_flush(x, e) : L4R_OK;
    if (st)
        return st;
    uint32_t *uorder = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *uorder);
    size_t nu = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        if (p->umap[u]) {
            uorder[p->umap[u] - 1] = (uint32_t)u;
            nu++;
        }
    }
    const char *ds = p->o->dataset ? p->o->dataset : "dataset";
    char *name = l4r_xasprintf("%s.txt", ds);
    l4r_out *out = NULL;
    l4r_buf b = {0};
    uint64_t rows = 0;
    st = l4r_out_open(&out, p->dir, name, e);
    for (size_t k = 0; k < nu && !st; k++) {
        uint32_t u = uorder[k];
        size_t len = x->sas_len[u];
        l4r_buf_reserve(&b, len);
        size_t got = 0;
        while (got < len) {
            ssize_t r = pread(x->sas_fd, b.data + b.len + got, len - got, (off_t)(x->sas_off[u] + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", x->sas_path,
                             r < 0 ? strerror(errno) : "unexpected end of file");
                break;
            }
            got += (size_t)r;
        }
        b.len += got;
        rows += p->ulen[u];
        if (!st && b.len >= (1u << 20)) {
            st = l4r_out_write(out, b.data, b.len, e);
            b.len = 0;
        }
    }
    if (!st && b.len)
        st = l4r_out_write(out, b.data, b.len, e);
    if (!st) {
        l4r_out_add_rows(out, rows);
        st = l4r_out_close(out, p->m, e);
        out = NULL;
    }
    l4r_out_abort(out);
    l4r_buf_free(&b);
    free(name);
    free(uorder);
    return st;
}

/* The final pass over user groups: split, split counts, and the per-user sinks. */
static l4r_status x_final_pass(ext *x, xsinks *s, l4r_error *e)
{
    l4r_status st = x_begin(x, e);
    if (st)
        return st;
    size_t groups = 0;
    for (;;) {
        uint32_t u;
        bool done;
        st = x_next(x, &u, &done, e);
        if (st || done)
            break;
        if ((++groups & 4095) == 0 && l4r_interrupted)
            return l4r_err(e, L4R_EINTR, "interrupted");
        x_reorder(x);
        xbatch *b = &x->b;
        xb_reserve(b, x->gn);
        size_t at = b->n;
        x_split_group(x, b->part + at, x->gn);
        unsigned useen = 0;
        for (size_t j = 0; j < x->gn; j++) {
            const l4r_srec *r = &x->g[j];
            b->user[at + j] = r->user;
            b->item[at + j] = r->item;
            b->rating[at + j] = r->rating;
            b->ts[at + j] = r->ts;
            b->src[at + j] = r->row;
            b->idx[at + j] = (uint32_t)(at + j);
            int k = b->part[at + j];
            useen |= 1u << k;
            x->iseen[r->item] |= (uint8_t)(1u << k);
            x->cnt[k][2]++;
        }
        for (int k = 0; k < 3; k++)
            x->cnt[k][0] += (useen >> k) & 1;
        if (b->nu == b->ucap) {
            b->ucap = b->ucap ? b->ucap * 2 : 1024;
            b->users = l4r_xrealloc(b->users, b->ucap * sizeof *b->users);
        }
        b->users[b->nu++] = u;
        x->ubeg[u] = (uint32_t)at;
        b->n += x->gn;
        if (x->sas_fd >= 0) {
            st = x_sas_group(x, u, e);
            if (st)
                return st;
        }
        if (b->n >= x->batch_rows) {
            st = x_flush_batch(x, s, e);
            if (st)
                return st;
        }
    }
    if (!st)
        st = x_flush_batch(x, s, e);
    return st;
}

/* split none: interactions in source order, one run at a time read back into its row range. */
static l4r_status x_source_pass(ext *x, unsigned formats, l4r_error *e)
{
    proc *p = x->p;
    bool tsv = formats & L4R_SINK_TSV, rb = formats & L4R_SINK_RECBOLE;
    const char *ds = p->o->dataset ? p->o->dataset : "dataset";
    pass ps = {.p = p, .order = ORD_SOURCE, .fmt = fmt_rows_source, .nbuf = 1, .chunk = CHUNK_ROWS};
    const char *names[3][2] = {{NULL}}, *headers[3][2] = {{NULL}};
    char *rbn = NULL;
    if (tsv) {
        names[0][0] = "interactions.tsv";
        headers[0][0] = tsv_header;
    }
    if (rb) {
        rbn = l4r_xasprintf("%s.inter", ds);
        names[0][1] = rbn;
        headers[0][1] = recbole_header;
    }
    l4r_status st = open_outs(p, &ps, names, headers, e);
    xbatch *b = &x->b;
    for (size_t k = 0; k < x->sp->n && !st; k++) {
        size_t rows = x->sp->run[k].rows;
        uint64_t base = x->sp->run[k].base;
        b->n = 0;
        xb_reserve(b, rows);
        st = l4r_spill_read_run(x->sp, k, b->user, b->item, b->rating, b->ts, e);
        if (st)
            break;
        for (size_t j = 0; j < rows; j++)
            b->part[j] = x_dead(x, base + j) ? PART_DROP : 0;
        b->n = rows;
        proc q;
        l4r_itab tv;
        x_view(x, &q, &tv);
        ps.p = &q;
        ps.n_units = rows;
        st = run_pass(&ps, e);
        ps.p = p;
        b->n = 0;
    }
    st = close_outs(p, &ps, st, e);
    free(rbn);
    return st;
}

static void setup_titles(proc *p)
{
    if (!p->items || p->ititle)
        return;
    p->ititle = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *p->ititle);
    for (size_t i = 0; i < p->n_items; i++) {
        size_t sn;
        const char *s = l4r_dict_str(p->t->items, (uint32_t)i, &sn);
        p->ititle[i] = l4r_items_title(p->items, s, sn);
    }
}

/* Bytes of the dictionaries and of the per-user / per-item arrays the out-of-core path keeps
 * (an estimate; these stay in memory whatever the budget). */
static uint64_t x_fixed_bytes(const l4r_itab *t)
{
    const l4r_dict *d[3] = {t->users, t->items, t->ratings};
    uint64_t b = 0;
    for (int k = 0; k < 3; k++) {
        size_t n = l4r_dict_size(d[k]);
        for (size_t i = 0; i < n; i++) {
            size_t len;
            l4r_dict_str(d[k], (uint32_t)i, &len);
            b += len;
        }
        b += (uint64_t)n * (16 + 16); /* pointer, length, two hash slots */
    }
    b += (uint64_t)l4r_dict_size(t->users) * 40 + (uint64_t)l4r_dict_size(t->items) * 60;
    return b;
}

static l4r_status process_ext(proc *p, unsigned formats, l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    l4r_itab *t = p->t;
    ext X;
    memset(&X, 0, sizeof X);
    ext *x = &X;
    x->p = p;
    x->ts_fd = -1;
    x->sas_fd = -1;
    xsinks S;
    memset(&S, 0, sizeof S);
    l4r_status st = L4R_OK;
    uint64_t budget = t->memory_limit;
    uint64_t fixed = x_fixed_bytes(t);
    int64_t c[3];

    st = l4r_itab_spill_flush(t, e);
    if (st)
        goto out;
    x->sp = t->spill;
    {
        /* what is left of the budget after the fixed arrays: a quarter to the run buffers, a
         * quarter to the output batch (about 40 bytes a row) */
        uint64_t left = fixed < budget ? budget - fixed : 0;
        uint64_t per = left / 4 / (x->sp->n ? x->sp->n : 1);
        x->bufsz = per < (64u << 10) ? (64u << 10) : per > (8u << 20) ? (8u << 20) : (size_t)per;
        uint64_t br = left / 4 / 40;
        x->batch_rows = br < 4096 ? 4096 : br > (4u << 20) ? (4u << 20) : (size_t)br;
    }
    x->dead = l4r_xcalloc(t->n / 8 + 1, 1);
    p->ulen = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *p->ulen);
    x->ubeg = l4r_xcalloc(p->n_users + 1, sizeof *x->ubeg);
    x->icnt_new = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *x->icnt_new);
    x->icnt_in = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *x->icnt_in);
    if (o->dedup != L4R_DEDUP_NONE)
        x->stamp = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *x->stamp);
    if (o->has_min_rating) {
        size_t nr = l4r_dict_size(t->ratings);
        x->keep = l4r_xcalloc(nr ? nr : 1, 1);
        for (size_t r = 0; r < nr; r++) {
            double v = l4r_itab_rating_value(t, (uint32_t)r);
            x->keep[r] = !isnan(v) && v >= o->min_rating;
        }
    }
    bool need_remap = o->remap || (o->formats & L4R_SINK_SASREC);
    if (need_remap) {
        x->uk = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *x->uk);
        x->ik = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *x->ik);
        for (size_t u = 0; u < p->n_users; u++)
            x->uk[u] = (remap_key){INT64_MAX, ROW_NONE, (uint32_t)u};
        for (size_t i = 0; i < p->n_items; i++)
            x->ik[i] = (remap_key){INT64_MAX, ROW_NONE, (uint32_t)i};
    }
    if (o->split == L4R_SPLIT_TIME_QUANTILE && t->has_time) {
        x->ts_path = l4r_xasprintf("%s/timestamps.bin", x->sp->dir);
        x->ts_fd = open(x->ts_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (x->ts_fd < 0) {
            st = l4r_err(e, L4R_EIO, "cannot create '%s': %s", x->ts_path, strerror(errno));
            goto out;
        }
    }

    bool kcore = o->user_core > 0 || o->item_core > 0;
    st = x_stage_pass(x, XP_PRE | (kcore ? 0 : XP_POST), 0, 0, e);
    if (st)
        goto out;
    {
        int64_t items = 0;
        for (size_t i = 0; i < p->n_items; i++)
            items += x->icnt_in[i] > 0;
        c[0] = (int64_t)x->in_users;
        c[1] = items;
        c[2] = (int64_t)x->in_rows;
        set_counts(p, "stages.input", c);
    }
    if (o->dedup != L4R_DEDUP_NONE) {
        l4r_manifest_set_str(p->m, "stages.dedup.mode", o->dedup == L4R_DEDUP_FIRST ? "first" : "last");
        l4r_manifest_set_int(p->m, "stages.dedup.removed", (int64_t)x->rm_dedup);
    }
    if (!o->has_min_rating) {
        if (o->implicit)
            l4r_manifest_set_bool(p->m, "stages.rating.implicit", 1);
    } else {
        l4r_manifest_set_real(p->m, "stages.rating.min_rating", o->min_rating);
        l4r_manifest_set_bool(p->m, "stages.rating.implicit", o->implicit);
        l4r_manifest_set_int(p->m, "stages.rating.removed", (int64_t)x->rm_rating);
    }
    if (kcore) {
        uint32_t U = o->user_core > 0 ? (uint32_t)o->user_core : 0;
        uint32_t I = o->item_core > 0 ? (uint32_t)o->item_core : 0;
        bool one = o->kcore_mode == L4R_KCORE_ONE_PASS;
        l4r_manifest_set_str(p->m, "stages.kcore.mode", one ? "one-pass" : "iterative");
        l4r_manifest_set_int(p->m, "stages.kcore.user_core", U);
        l4r_manifest_set_int(p->m, "stages.kcore.item_core", I);
        int64_t rounds = 0;
        size_t removed_total = 0;
        for (;;) {
            x->rm_kcore = 0;
            st = x_stage_pass(x, XP_KCORE, U, I, e);
            if (st)
                goto out;
            size_t removed = x->rm_kcore;
            if (!removed && rounds > 0)
                break;
            rounds++;
            removed_total += removed;
            x_survivors(p, c);
            kcore_push_round(p, rounds, c);
            if (one || !removed)
                break;
        }
        l4r_manifest_set_int(p->m, "stages.kcore.rounds", rounds);
        l4r_manifest_set_int(p->m, "stages.kcore.removed", (int64_t)removed_total);
        st = x_stage_pass(x, XP_POST, 0, 0, e);
        if (st)
            goto out;
    }
    l4r_manifest_set_str(p->m, "stages.ties.mode", o->ties == L4R_TIES_HASH ? "hash" : "source");
    l4r_manifest_set_int(p->m, "stages.ties.tied_interactions", (int64_t)x->tied);
    l4r_manifest_set_real(p->m, "stages.ties.tied_share",
                          x->ties_rows ? (double)x->tied / (double)x->ties_rows : 0.0);
    if (o->max_history > 0) {
        l4r_manifest_set_int(p->m, "stages.max_history.n", o->max_history);
        l4r_manifest_set_int(p->m, "stages.max_history.removed", (int64_t)x->rm_hist);
    }
    if (l4r_interrupted) {
        st = l4r_err(e, L4R_EINTR, "interrupted");
        goto out;
    }
    x_survivors(p, c);
    set_counts(p, "counts", c);
    p->alive_items = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *p->alive_items);
    for (size_t i = 0; i < p->n_items; i++) {
        if (p->icnt[i])
            p->alive_items[p->n_alive_items++] = (uint32_t)i;
    }
    if (need_remap) {
        st = remap_finish(p, x->uk, x->ik, e);
        x->uk = x->ik = NULL;
        if (st)
            goto out;
    }
    p->maxrow = dict_maxlen(t->users) + dict_maxlen(t->items) + dict_maxlen(t->ratings) + 48;
    proc_views(p);
    st = x_split_begin(x, e);
    if (st)
        goto out;

    bool tsv = formats & L4R_SINK_TSV, rb = formats & L4R_SINK_RECBOLE;
    if (o->split == L4R_SPLIT_NONE && (tsv || rb)) {
        st = x_source_pass(x, formats, e);
        if (st)
            goto out;
    }
    /* per-user sinks: all open at once, closed in the order the in-memory path writes them */
    const char *ds = o->dataset ? o->dataset : "dataset";
    if (o->split != L4R_SPLIT_NONE && (tsv || rb)) {
        S.has_inter = true;
        S.inter = (pass){.p = p, .order = ORD_USERS, .chunk = CHUNK_ROWS, .fmt = fmt_rows_users, .nbuf = 3};
        const char *names[3][2] = {{NULL}}, *headers[3][2] = {{NULL}};
        static const char *const tn[3] = {"train.tsv", "valid.tsv", "test.tsv"};
        for (int k = 0; k < 3; k++) {
            if (tsv) {
                names[k][0] = tn[k];
                headers[k][0] = tsv_header;
            }
            if (rb) {
                S.rbn[k] = l4r_xasprintf("%s.%s.inter", ds, part_name[k]);
                names[k][1] = S.rbn[k];
                headers[k][1] = recbole_header;
            }
        }
        st = open_outs(p, &S.inter, names, headers, e);
        if (st)
            goto out;
    }
    if (formats & L4R_SINK_SEQUENCES) {
        S.has_seq = true;
        S.seq = (pass){.p = p, .order = ORD_USERS, .chunk = CHUNK_ROWS, .fmt = fmt_sequences, .nbuf = 1};
        const char *names[3][2] = {{"sequences.tsv", NULL}};
        const char *headers[3][2] = {{"user_id\titem_ids\n", NULL}};
        st = open_outs(p, &S.seq, names, headers, e);
        if (st)
            goto out;
    }
    if (formats & L4R_SINK_JSONL) {
        setup_titles(p);
        S.has_jsonl = true;
        S.jsonl = (pass){.p = p, .order = ORD_USERS, .chunk = CHUNK_EXAMPLES, .fmt = fmt_jsonl};
        const char *names[3][2] = {{NULL}}, *headers[3][2] = {{NULL}};
        if (o->split == L4R_SPLIT_NONE) {
            S.jsonl.nbuf = 1;
            names[0][0] = "examples.jsonl";
        } else {
            S.jsonl.nbuf = 3;
            names[0][0] = "train.jsonl";
            names[1][0] = "valid.jsonl";
            names[2][0] = "test.jsonl";
        }
        st = open_outs(p, &S.jsonl, names, headers, e);
        if (st)
            goto out;
    }
    if (formats & L4R_SINK_SASREC) {
        x->sas_path = l4r_xasprintf("%s/sasrec.bin", x->sp->dir);
        x->sas_fd = open(x->sas_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (x->sas_fd < 0) {
            st = l4r_err(e, L4R_EIO, "cannot create '%s': %s", x->sas_path, strerror(errno));
            goto out;
        }
        x->sas_off = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *x->sas_off);
        x->sas_len = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *x->sas_len);
    }
    if (S.has_inter || S.has_seq || S.has_jsonl || x->sas_fd >= 0 || o->split != L4R_SPLIT_NONE) {
        x->iseen = l4r_xcalloc(p->n_items ? p->n_items : 1, 1);
        st = x_final_pass(x, &S, e);
        if (st)
            goto out;
    }
    if (o->split != L4R_SPLIT_NONE) {
        for (size_t i = 0; i < p->n_items; i++) {
            for (int k = 0; k < 3; k++)
                x->cnt[k][1] += (x->iseen[i] >> k) & 1;
        }
    }
    if (S.has_inter) {
        st = close_outs(p, &S.inter, st, e);
        S.has_inter = false;
        if (st)
            goto out;
    }
    if (rb) {
        st = sink_recbole_items(p, e);
        if (st)
            goto out;
    }
    if (x->sas_fd >= 0) {
        st = x_sas_write(x, e);
        if (st)
            goto out;
    }
    if (S.has_seq) {
        st = close_outs(p, &S.seq, st, e);
        S.has_seq = false;
        if (st)
            goto out;
    }
    if (S.has_jsonl) {
        l4r_manifest_set_int(p->m, "jsonl.history_len", o->history_len > 0 ? o->history_len : 10);
        l4r_manifest_set_int(p->m, "jsonl.candidates", o->candidates);
        l4r_manifest_set_int(p->m, "jsonl.seed", (int64_t)o->seed);
        st = close_outs(p, &S.jsonl, st, e);
        S.has_jsonl = false;
        if (st)
            goto out;
    }
    if (o->split != L4R_SPLIT_NONE) {
        char path[64];
        for (int k = 0; k < 3; k++) {
            snprintf(path, sizeof path, "split.%s", part_name[k]);
            set_counts(p, path, x->cnt[k]);
        }
    }
    l4r_manifest_set_int(p->m, "spill.runs", (int64_t)x->sp->n);
    l4r_manifest_set_int(p->m, "spill.bytes", (int64_t)x->sp->bytes);
    l4r_manifest_set_int(p->m, "spill.dictionary_bytes", (int64_t)fixed);
    if (fixed > budget) {
        /* not an error: the dictionaries are outside the row budget, but say why RSS is higher */
        char note[256];
        snprintf(note, sizeof note,
                 "the dictionaries alone (%zu users, %zu items) need about %llu MiB, more than "
                 "--memory %llu MiB",
                 p->n_users, p->n_items, (unsigned long long)(fixed >> 20),
                 (unsigned long long)(budget >> 20));
        l4r_manifest_set_str(p->m, "spill.note", note);
    }
out:
    if (S.has_inter)
        close_outs(p, &S.inter, L4R_EIO, e);
    if (S.has_seq)
        close_outs(p, &S.seq, L4R_EIO, e);
    if (S.has_jsonl)
        close_outs(p, &S.jsonl, L4R_EIO, e);
    for (int k = 0; k < 3; k++)
        free(S.rbn[k]);
    l4r_merge_free(x->mg);
    if (x->ts_fd >= 0) {
        close(x->ts_fd);
        unlink(x->ts_path);
    }
    if (x->sas_fd >= 0) {
        close(x->sas_fd);
        unlink(x->sas_path);
    }
    free(x->sas_path);
    free(x->sas_off);
    free(x->sas_len);
    l4r_buf_free(&x->sasb);
    free(x->ts_path);
    l4r_buf_free(&x->tsb);
    free(x->dead);
    free(x->g);
    free(x->stamp);
    free(x->keep);
    free(x->icnt_new);
    free(x->icnt_in);
    free(x->uk);
    free(x->ik);
    free(x->iseen);
    free(x->ubeg);
    xb_free(&x->b);
    /* the runs are not needed any more, and must not end up in the output directory */
    l4r_spill_free(t->spill);
    t->spill = NULL;
    return st;
}

l4r_status l4r_process(l4r_itab *t, const l4r_items *items, const l4r_process_opts *o, const char *dir,
                       l4r_manifest *m, l4r_error *e)
{
    l4r_status st = L4R_OK;
    proc P = {0};
    proc *p = &P;
    bool spilled = t->spill || t->spill_status;
    if (!spilled && t->n >= UINT32_MAX)
        return l4r_err(e, L4R_EUSAGE, "%zu interactions: more than this build supports (2^32 - 1)", t->n);
    p->t = t;
    p->items = items;
    p->o = o;
    p->dir = dir;
    p->m = m;
    p->threads = o->threads > 0 ? o->threads : 1;
    p->n_users = l4r_dict_size(t->users);
    p->n_items = l4r_dict_size(t->items);
    p->icnt = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *p->icnt);
    unsigned formats = o->formats ? o->formats : L4R_SINK_TSV;
    if (spilled) {
        st = process_ext(p, formats, e);
        goto out;
    }

    int64_t c[3];
    group_by_user(p);
    survivors(p, c);
    set_counts(p, "stages.input", c);
    stage_dedup(p);
    stage_rating(p);
    stage_kcore(p);
    stage_ties(p);
    stage_max_history(p);
    if (l4r_interrupted) {
        st = l4r_err(e, L4R_EINTR, "interrupted");
        goto out;
    }
    survivors(p, c);
    set_counts(p, "counts", c);
    p->alive_items = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *p->alive_items);
    for (size_t i = 0; i < p->n_items; i++) {
        if (p->icnt[i])
            p->alive_items[p->n_alive_items++] = (uint32_t)i;
    }
    st = stage_remap(p, e);
    if (st)
        goto out;
    p->maxrow = dict_maxlen(t->users) + dict_maxlen(t->items) + dict_maxlen(t->ratings) + 48;
    proc_views(p);
    st = assign_split(p, e);
    if (st)
        goto out;
    record_split_counts(p);

    st = sink_interactions(p, formats, e);
    if (!st && (formats & L4R_SINK_RECBOLE))
        st = sink_recbole_items(p, e);
    if (!st && (formats & L4R_SINK_SASREC)) {
        /* users in new-id order */
        uint32_t *uorder = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *uorder);
        size_t nu = 0;
        for (size_t u = 0; u < p->n_users; u++) {
            if (p->umap[u]) {
                uorder[p->umap[u] - 1] = (uint32_t)u;
                nu++;
            }
        }
        const char *ds = o->dataset ? o->dataset : "dataset";
        char *name = l4r_xasprintf("%s.txt", ds);
        st = sink_one(p, name, NULL, fmt_sasrec, uorder, nu, e);
        free(name);
        free(uorder);
    }
    if (!st && (formats & L4R_SINK_SEQUENCES))
        st = sink_one(p, "sequences.tsv", "user_id\titem_ids\n", fmt_sequences, NULL, p->n_users, e);
    if (!st && (formats & L4R_SINK_JSONL))
        st = sink_jsonl(p, e);
out:
    free(p->idx);
    free(p->ubeg);
    free(p->ulen);
    free(p->icnt);
    free(p->part);
    free(p->umap);
    free(p->imap);
    free(p->ititle);
    free(p->alive_items);
    return st;
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
