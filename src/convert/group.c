/*
 * group.c — the in-memory engine's grouping: row numbers grouped by user (a counting sort, users
 * in id order = order of first appearance) and stably sorted by timestamp inside each group, and
 * the small parallel-for over user ranges the stages use.
 *
 * Most sources are already chronological per user: that is detected per user and the sort
 * skipped.  Otherwise (timestamp - min, position) packs into one distinct 64-bit key when it
 * fits, and a plain sort of the keys is the stable sort (it moves 8 bytes instead of 16); a
 * stable merge sort of (ts, row) pairs covers the rest.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

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

void l4r_par_users(proc *p, void (*fn)(proc *, size_t, size_t, void *), void *arg)
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

/* Sort distinct 64-bit keys: quicksort (median of three, branch-free partition), insertion sort
 * below 24 elements, heapsort when the recursion gets too deep (so no input is quadratic). */
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
        /* Median of three to the end, then a partition without a data-dependent branch (Lomuto,
         * each element swapped and the boundary advanced by the comparison): on timestamps in
         * random order the classic Hoare loop mispredicted about every other step (issue 19:
         * 25M rows in 162k users, 0.53 s -> 0.29 s on one thread). */
        size_t m = n / 2;
        uint64_t x = a[0], y = a[m], z = a[n - 1];
        size_t pi = x < y ? (y < z ? m : (x < z ? n - 1 : 0)) : (x < z ? 0 : (y < z ? n - 1 : m));
        uint64_t piv = a[pi];
        a[pi] = a[n - 1];
        a[n - 1] = piv;
        size_t i = 0;
        for (size_t j = 0; j < n - 1; j++) {
            uint64_t v = a[j];
            size_t lt = v < piv;
            a[j] = a[i];
            a[i] = v;
            i += lt;
        }
        a[n - 1] = a[i];
        a[i] = piv;
        /* a[0..i) < piv = a[i] < a(i..n): recurse on the smaller side */
        size_t right = n - i - 1;
        if (i < right) {
            sort_u64(a, i, depth);
            a += i + 1;
            n = right;
        } else {
            sort_u64(a + i + 1, right, depth);
            n = i;
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

/* Row r's timestamp from the ts column of the table's width: sort_users_w is instantiated once
 * per width (wide a constant), so the hot loops do not test the width a row. */
#define TS_AT(r) (wide ? ts64[r] : (int64_t)ts32[r])

static inline __attribute__((always_inline)) void sort_users_w(proc *p, size_t ub, size_t ue, bool wide)
{
    const uint32_t *ts32 = p->t->ts32;
    const int64_t *ts64 = p->t->ts64;
    tsrow *buf = NULL, *tmp = NULL;
    uint64_t *keys = NULL;
    uint32_t *old = NULL;
    size_t cap = 0;
    for (size_t u = ub; u < ue; u++) {
        uint32_t *g = p->idx + p->ubeg[u];
        size_t n = p->ulen[u];
        size_t j = 1;
        while (j < n && TS_AT(g[j - 1]) <= TS_AT(g[j]))
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
        int64_t lo = TS_AT(g[0]), hi = lo;
        for (size_t k = 1; k < n; k++) {
            int64_t v = TS_AT(g[k]);
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
                keys[k] = ((uint64_t)(TS_AT(g[k]) - lo) << ib) | k;
                old[k] = g[k];
            }
            sort_u64(keys, n, 2 * ib + 8);
            uint64_t mask = ((uint64_t)1 << ib) - 1;
            for (size_t k = 0; k < n; k++)
                g[k] = old[keys[k] & mask];
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            buf[k].ts = TS_AT(g[k]);
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

#undef TS_AT

static void sort_users_fn(proc *p, size_t ub, size_t ue, void *arg)
{
    (void)arg;
    if (p->t->ts_wide)
        sort_users_w(p, ub, ue, true);
    else
        sort_users_w(p, ub, ue, false);
}

void l4r_group_by_user(proc *p)
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
        l4r_par_users(p, sort_users_fn, NULL);
}
