/*
 * sinks.c — the sinks (interactions TSV, RecBole, SASRec, sequences, JSONL): units (rows in source
 * order, or user groups) are cut into chunks, formatted in parallel (opts->threads) and written
 * in order, so -j1 and -jN produce the same bytes.  Both engines drive these passes: the
 * in-memory one over the whole table, the out-of-core one over batches of user groups that look
 * like a small table (spilled.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

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

/* The quoted copy of a dictionary whose strings need it: every string, the quoted ones in their own
 * arena (padded, so put_str may copy 16 bytes from any of them). */
typedef struct qview {
    const char **str;
    uint32_t *len;
    char *arena;
    size_t grow; /* the most a string grew by */
} qview;

static qview *quote_view(const l4r_dict *dict, const char *const **str, const uint32_t **len)
{
    size_t n = l4r_dict_size(dict), need = 0;
    const char *const *s;
    const uint32_t *l;
    l4r_dict_view(dict, &s, &l);
    for (size_t i = 0; i < n; i++) {
        size_t q = l4r_field_len(s[i], l[i]);
        need += q != l[i] ? q : 0;
    }
    if (L4R_LIKELY(!need))
        return NULL;
    qview *v = l4r_xcalloc(1, sizeof *v);
    v->str = l4r_xmalloc(n * sizeof *v->str);
    v->len = l4r_xmalloc(n * sizeof *v->len);
    v->arena = l4r_xcalloc(need + 16, 1);
    char *d = v->arena;
    for (size_t i = 0; i < n; i++) {
        size_t q = l4r_field_len(s[i], l[i]);
        v->str[i] = s[i];
        v->len[i] = l[i];
        if (q == l[i])
            continue;
        v->str[i] = d;
        v->len[i] = (uint32_t)q;
        d = l4r_field_put(d, s[i], l[i]);
        v->grow = q - l[i] > v->grow ? q - l[i] : v->grow;
    }
    *str = v->str;
    *len = v->len;
    return v;
}

void l4r_proc_views(proc *p)
{
    l4r_proc_views_free(p);
    l4r_dict_view(p->t->users, &p->us_raw, &p->us_rlen);
    l4r_dict_view(p->t->items, &p->it_raw, &p->it_rlen);
    p->us_str = p->us_raw;
    p->us_len = p->us_rlen;
    p->it_str = p->it_raw;
    p->it_len = p->it_rlen;
    l4r_dict_view(p->t->ratings, &p->ra_str, &p->ra_len);
    p->qv[0] = quote_view(p->t->users, &p->us_str, &p->us_len);
    p->qv[1] = quote_view(p->t->items, &p->it_str, &p->it_len);
    p->qv[2] = quote_view(p->t->ratings, &p->ra_str, &p->ra_len);
    for (int k = 0; k < 3; k++)
        p->maxrow += p->qv[k] ? p->qv[k]->grow : 0;
}

void l4r_proc_views_free(proc *p)
{
    for (int k = 0; k < 3; k++) {
        if (!p->qv[k])
            continue;
        free(p->qv[k]->str);
        free(p->qv[k]->len);
        free(p->qv[k]->arena);
        free(p->qv[k]);
        p->qv[k] = NULL;
    }
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

/* What put_row is instantiated for: ROW_PLAIN is the usual table (explicit ratings, timestamps,
 * both columns narrow, table.h), whose flags are then constants; ROW_ANY reads them every row. */
enum { ROW_ANY, ROW_PLAIN };
#define ROW_INLINE static inline __attribute__((always_inline))

static inline int row_kind(const proc *p)
{
    const l4r_itab *t = p->t;
    return !p->o->implicit && t->has_time && !t->rating_wide && !t->ts_wide ? ROW_PLAIN : ROW_ANY;
}

/* One interaction line: user \t item \t rating \t timestamp \n */
ROW_INLINE void put_row(const proc *p, l4r_buf *b, uint32_t r, int kind)
{
    const l4r_itab *t = p->t;
    bool plain = kind == ROW_PLAIN;
    if (L4R_UNLIKELY(b->cap - b->len <= p->maxrow + 64))
        l4r_buf_reserve(b, p->maxrow + 65536);
    char *d = b->data + b->len;
    d = put_user(p, d, t->user[r]);
    *d++ = '\t';
    d = put_item(p, d, t->item[r]);
    *d++ = '\t';
    if (!plain && p->o->implicit) {
        *d++ = '1';
    } else {
        uint32_t ra = plain ? t->rating8[r] : l4r_itab_rating(t, r);
        d = put_str(d, p->ra_str[ra], p->ra_len[ra]);
    }
    *d++ = '\t';
    /* a source without time leaves the field empty (docs/FORMAT.md), never 0 */
    if (plain || t->has_time)
        d = !plain && t->ts_wide ? put_i64(d, t->ts64[r]) : put_u64(d, t->ts32[r]); /* narrow: never < 0 */
    *d++ = '\n';
    b->len = (size_t)(d - b->data);
}

static inline uint32_t unit_user(const pass *ps, size_t k)
{
    return ps->uorder ? ps->uorder[k] : (uint32_t)k;
}

ROW_INLINE void rows_source(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, int kind)
{
    const proc *p = ps->p;
    for (size_t r = beg; r < end; r++) {
        if (p->part[r] == PART_DROP)
            continue;
        put_row(p, &bufs[0], (uint32_t)r, kind);
        rows[0]++;
    }
}

void l4r_fmt_rows_source(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    (void)sc;
    if (row_kind(ps->p) == ROW_PLAIN)
        rows_source(ps, beg, end, bufs, rows, ROW_PLAIN);
    else
        rows_source(ps, beg, end, bufs, rows, ROW_ANY);
}

ROW_INLINE void rows_users(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, int kind)
{
    const proc *p = ps->p;
    for (size_t k = beg; k < end; k++) {
        uint32_t u = unit_user(ps, k);
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            int part = p->part[g[j]];
            put_row(p, &bufs[part], g[j], kind);
            rows[part]++;
        }
    }
}

void l4r_fmt_rows_users(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    (void)sc;
    if (row_kind(ps->p) == ROW_PLAIN)
        rows_users(ps, beg, end, bufs, rows, ROW_PLAIN);
    else
        rows_users(ps, beg, end, bufs, rows, ROW_ANY);
}

void l4r_fmt_sasrec(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    (void)sc;
    const proc *p = ps->p;
    for (size_t k = beg; k < end; k++) {
        uint32_t u = unit_user(ps, k);
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            l4r_buf_reserve(&bufs[0], 24);
            char *d = bufs[0].data + bufs[0].len;
            d = put_u64(d, p->sas_umap[u]);
            *d++ = ' ';
            d = put_u64(d, p->sas_imap[p->t->item[g[j]]]);
            *d++ = '\n';
            bufs[0].len = (size_t)(d - bufs[0].data);
        }
        rows[0] += p->ulen[u];
    }
}

void l4r_fmt_sequences(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
{
    (void)sc;
    const proc *p = ps->p;
    for (size_t k = beg; k < end; k++) {
        uint32_t u = unit_user(ps, k);
        const uint32_t *g = p->idx + p->ubeg[u];
        if (!p->ulen[u])
            continue;
        /* ids as they are: a line is a user and a space-separated list, not a CSV record */
        l4r_buf_reserve(&bufs[0], user_len(p, u) + 2);
        bufs[0].len =
            (size_t)(put_id(bufs[0].data + bufs[0].len, p->umap, p->us_raw, p->us_rlen, u) - bufs[0].data);
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t it = p->t->item[g[j]];
            l4r_buf_reserve(&bufs[0], item_len(p, it) + 2);
            char *d = bufs[0].data + bufs[0].len;
            *d++ = j ? ' ' : '\t';
            d = put_id(d, p->imap, p->it_raw, p->it_rlen, it);
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
    json_id(b, p->umap, p->us_raw, p->us_rlen, u);
}

static void json_item(const proc *p, l4r_buf *b, uint32_t i)
{
    json_id(b, p->imap, p->it_raw, p->it_rlen, i);
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

void l4r_fmt_jsonl(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc)
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
            if (t->has_time)
                l4r_buf_add_i64(b, l4r_itab_ts(t, r));
            else
                l4r_buf_adds(b, "null");
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
l4r_status l4r_run_pass(const pass *ps, l4r_error *e)
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
l4r_status l4r_open_outs(proc *p, pass *ps, const char *names[3][2], const char *headers[3][2], l4r_error *e)
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

l4r_status l4r_close_outs(proc *p, pass *ps, l4r_status st, l4r_error *e)
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

const char l4r_tsv_header[] = "user_id\titem_id\trating\ttimestamp\n";
const char l4r_recbole_header[] = "user_id:token\titem_id:token\trating:float\ttimestamp:float\n";

char *l4r_sink_stem(const char *dir)
{
    size_t n = dir ? strlen(dir) : 0;
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && dir[b - 1] != '/')
        b--;
    if (b == n)
        return l4r_xstrdup("dataset");
    return l4r_xasprintf("%.*s", (int)(n - b), dir + b);
}

static const char *dataset_name(const proc *p)
{
    return p->stem;
}

l4r_status l4r_sink_open_inter(proc *p, unsigned formats, pass *ps, char *rbn[3], l4r_error *e)
{
    bool tsv = formats & L4R_SINK_TSV, rb = formats & L4R_SINK_RECBOLE;
    *ps = (pass){.p = p, .chunk = CHUNK_ROWS};
    const char *names[3][2] = {{NULL}}, *headers[3][2] = {{NULL}};
    if (p->o->split == L4R_SPLIT_NONE) {
        ps->order = ORD_SOURCE;
        ps->n_units = p->t->n;
        ps->fmt = l4r_fmt_rows_source;
        ps->nbuf = 1;
        if (tsv) {
            names[0][0] = "interactions.tsv";
            headers[0][0] = l4r_tsv_header;
        }
        if (rb) {
            rbn[0] = l4r_xasprintf("%s.inter", dataset_name(p));
            names[0][1] = rbn[0];
            headers[0][1] = l4r_recbole_header;
        }
    } else {
        ps->order = ORD_USERS;
        ps->n_units = p->n_users;
        ps->fmt = l4r_fmt_rows_users;
        ps->nbuf = 3;
        static const char *const tn[3] = {"train.tsv", "valid.tsv", "test.tsv"};
        for (int k = 0; k < 3; k++) {
            if (tsv) {
                names[k][0] = tn[k];
                headers[k][0] = l4r_tsv_header;
            }
            if (rb) {
                rbn[k] = l4r_xasprintf("%s.%s.inter", dataset_name(p), l4r_part_name[k]);
                names[k][1] = rbn[k];
                headers[k][1] = l4r_recbole_header;
            }
        }
    }
    return l4r_open_outs(p, ps, names, headers, e);
}

l4r_status l4r_sink_open_sequences(proc *p, pass *ps, l4r_error *e)
{
    *ps = (pass){.p = p,
                 .order = ORD_USERS,
                 .n_units = p->n_users,
                 .chunk = CHUNK_ROWS,
                 .fmt = l4r_fmt_sequences,
                 .nbuf = 1};
    const char *names[3][2] = {{"sequences.tsv", NULL}};
    const char *headers[3][2] = {{"user_id\titem_ids\n", NULL}};
    return l4r_open_outs(p, ps, names, headers, e);
}

l4r_status l4r_sink_open_jsonl(proc *p, pass *ps, l4r_error *e)
{
    l4r_sink_titles(p);
    *ps = (pass){
        .p = p, .order = ORD_USERS, .n_units = p->n_users, .chunk = CHUNK_EXAMPLES, .fmt = l4r_fmt_jsonl};
    const char *names[3][2] = {{NULL}}, *headers[3][2] = {{NULL}};
    if (p->o->split == L4R_SPLIT_NONE) {
        ps->nbuf = 1;
        names[0][0] = "examples.jsonl";
    } else {
        ps->nbuf = 3;
        names[0][0] = "train.jsonl";
        names[1][0] = "valid.jsonl";
        names[2][0] = "test.jsonl";
    }
    return l4r_open_outs(p, ps, names, headers, e);
}

uint32_t *l4r_sasrec_users(const proc *p, size_t *nu)
{
    uint32_t *uorder = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *uorder);
    *nu = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        if (p->sas_umap[u]) {
            uorder[p->sas_umap[u] - 1] = (uint32_t)u;
            ++*nu;
        }
    }
    return uorder;
}

char *l4r_sasrec_name(const proc *p)
{
    return l4r_xasprintf("%s.txt", dataset_name(p));
}

/* A pass opened by an l4r_sink_open_* function, run over all its units and closed. */
static l4r_status run_and_close(proc *p, pass *ps, l4r_status st, l4r_error *e)
{
    if (!st)
        st = l4r_run_pass(ps, e);
    return l4r_close_outs(p, ps, st, e);
}

l4r_status l4r_sink_interactions(proc *p, unsigned formats, l4r_error *e)
{
    if (!(formats & (L4R_SINK_TSV | L4R_SINK_RECBOLE)))
        return L4R_OK;
    pass ps;
    char *rbn[3] = {NULL};
    l4r_status st = l4r_sink_open_inter(p, formats, &ps, rbn, e);
    st = run_and_close(p, &ps, st, e);
    for (int k = 0; k < 3; k++)
        free(rbn[k]);
    return st;
}

l4r_status l4r_sink_sasrec(proc *p, l4r_error *e)
{
    size_t nu;
    uint32_t *uorder = l4r_sasrec_users(p, &nu);
    char *name = l4r_sasrec_name(p);
    pass ps = {.p = p,
               .order = ORD_USERS,
               .uorder = uorder,
               .n_units = nu,
               .chunk = CHUNK_ROWS,
               .fmt = l4r_fmt_sasrec,
               .nbuf = 1};
    const char *names[3][2] = {{name, NULL}}, *headers[3][2] = {{NULL}};
    l4r_status st = l4r_open_outs(p, &ps, names, headers, e);
    st = run_and_close(p, &ps, st, e);
    free(name);
    free(uorder);
    return st;
}

l4r_status l4r_sink_sequences(proc *p, l4r_error *e)
{
    pass ps;
    l4r_status st = l4r_sink_open_sequences(p, &ps, e);
    return run_and_close(p, &ps, st, e);
}

l4r_status l4r_sink_jsonl(proc *p, l4r_error *e)
{
    pass ps;
    l4r_report_jsonl(p);
    l4r_status st = l4r_sink_open_jsonl(p, &ps, e);
    return run_and_close(p, &ps, st, e);
}

/* A RecBole token_seq value: tokens separated by one space (RecBole's default seq_separator).
 * A list (sep non-NULL) gives one token per element, an element's own blanks becoming '_' so it
 * stays one token ("Film Noir" -> Film_Noir); a text (sep NULL, a title) gives its words.  Runs of
 * blanks collapse and none leads or trails, so no token is empty. */
static void recbole_seq(l4r_buf *b, const char *s, const char *sep)
{
    size_t sl = sep ? strlen(sep) : 0;
    bool pending = false, any = false;
    while (*s) {
        if (sl && !strncmp(s, sep, sl)) {
            pending = any;
            s += sl;
            continue;
        }
        if (*s == ' ') {
            if (!sl)
                pending = any;
            else if (any && !pending && s[1] && strncmp(s + 1, sep, sl) && s[1] != ' ')
                l4r_buf_addc(b, '_');
            s++;
            continue;
        }
        if (pending)
            l4r_buf_addc(b, ' ');
        pending = false;
        any = true;
        l4r_buf_addc(b, *s++);
    }
}

/* NAME.item (items) or NAME.user (users): the surviving ids, in remapped order when remapped,
 * else in id (first appearance) order, with the title (items) and every extra column: a list as
 * token_seq, a single value as token. */
static l4r_status recbole_side(proc *p, const l4r_items *it, bool users, l4r_error *e)
{
    size_t n = users ? p->n_users : p->n_items;
    const uint32_t *map = users ? p->umap : p->imap;
    const l4r_dict *d = users ? p->t->users : p->t->items;
    char *name = l4r_xasprintf("%s.%s", dataset_name(p), users ? "user" : "item");
    l4r_out *out = NULL;
    l4r_buf b = {0};
    l4r_status st = l4r_out_open(&out, p->dir, name, e);
    if (st)
        goto out;
    l4r_buf_adds(&b, users ? "user_id:token" : "item_id:token\ttitle:token_seq");
    for (size_t k = 0; k < it->n_extra; k++)
        l4r_buf_addf(&b, "\t%s:%s", it->extra_names[k], it->extra_sep[k] ? "token_seq" : "token");
    l4r_buf_addc(&b, '\n');
    uint64_t rows = 0;
    uint32_t *order = l4r_xmalloc((n ? n : 1) * sizeof *order);
    size_t no = 0;
    for (size_t i = 0; i < n; i++) {
        if (map && map[i])
            order[map[i] - 1] = (uint32_t)i;
        else if (!map && (users ? p->ulen[i] : p->icnt[i]))
            order[no++] = (uint32_t)i;
    }
    if (map) {
        for (size_t i = 0; i < n; i++)
            no += map[i] != 0;
    }
    for (size_t k = 0; k < no && !st; k++) {
        uint32_t i = order[k];
        size_t sn;
        const char *s = l4r_dict_str(d, i, &sn);
        uint32_t j = l4r_dict_find(it->ids, s, sn);
        l4r_buf_reserve(&b, (users ? user_len(p, i) : item_len(p, i)) + 2);
        b.len = (size_t)((users ? put_user(p, b.data + b.len, i) : put_item(p, b.data + b.len, i)) - b.data);
        if (!users) {
            l4r_buf_addc(&b, '\t');
            size_t at = b.len;
            if (j != UINT32_MAX && it->title[j])
                recbole_seq(&b, it->title[j], NULL);
            l4r_buf_quote_tail(&b, at); /* RecBole reads with pandas: the TSV rule */
        }
        for (size_t x = 0; x < it->n_extra; x++) {
            l4r_buf_addc(&b, '\t');
            const char *v = j != UINT32_MAX && it->extra && it->extra[j] ? it->extra[j][x] : NULL;
            size_t at = b.len;
            if (v && it->extra_sep[x])
                recbole_seq(&b, v, it->extra_sep[x]);
            else if (v)
                l4r_buf_adds(&b, v);
            l4r_buf_quote_tail(&b, at);
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

l4r_status l4r_sink_recbole_items(proc *p, l4r_error *e)
{
    return p->items ? recbole_side(p, p->items, false, e) : L4R_OK;
}

l4r_status l4r_sink_recbole_users(proc *p, l4r_error *e)
{
    return p->o->users ? recbole_side(p, p->o->users, true, e) : L4R_OK;
}

void l4r_report_jsonl(proc *p)
{
    l4r_manifest_set_int(p->m, "jsonl.history_len", p->o->history_len > 0 ? p->o->history_len : 10);
    l4r_manifest_set_int(p->m, "jsonl.candidates", p->o->candidates);
    l4r_manifest_set_int(p->m, "jsonl.seed", (int64_t)p->o->seed);
}

void l4r_sink_titles(proc *p)
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

size_t l4r_dict_maxlen(const l4r_dict *d)
{
    size_t mx = 0, n = l4r_dict_size(d);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        l4r_dict_str(d, (uint32_t)i, &len);
        mx = len > mx ? len : mx;
    }
    return mx;
}
