/*
 * process_internal.h — what the files of the processing step share (not part of process.h).
 *
 * l4r_process() (process.c) runs one of two engines over the same stages, split and sinks:
 *
 *   in memory     group.c     rows grouped by user (counting sort), chronological per user
 *                 stages.c    dedup, rating filter, require-title, k-core, ties, max-history
 *                 remap.c     first-appearance numbering and the id maps
 *                 split.c     the part of every row (train / valid / test / dropped)
 *                 sinks.c     chunked parallel formatting, ordered writing
 *   out of core   spilled.c   the same steps as passes over the merged sorted runs (spill.h),
 *                             feeding batches of user groups to the sinks of sinks.c
 *
 * What both engines call, so that it exists once: the stage rules on one user group (stage.h),
 * the split's plan and per-user rule (l4r_split_plan_make, l4r_split_rows), the manifest keys of
 * every stage and split (l4r_report_*), the sinks' files (l4r_sink_open_*) and formatting.
 *
 * Everything here works on one `proc`, the state of a run; not thread-safe except where a
 * function says so (the formatting functions run on worker threads, reading proc only).
 */
#ifndef L4R_PROCESS_INTERNAL_H
#define L4R_PROCESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "process.h"
#include "util.h"

#define DEAD UINT32_MAX
#define PART_DROP 255
#define CHUNK_ROWS 65536
#define CHUNK_EXAMPLES 4096
#define ROW_NONE UINT64_MAX

/* "train", "valid", "test" */
extern const char *const l4r_part_name[3];

typedef struct proc {
    l4r_itab *t;
    const l4r_items *items;
    const l4r_process_opts *o;
    const char *dir;
    char *stem; /* file stem of the RecBole and SASRec files: the output directory's base name */
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
    uint32_t *sas_umap;    /* SASRec's dense ids: umap / imap under --remap, else its own numbering */
    uint32_t *sas_imap;    /* (written as sasrec_user_map.tsv / sasrec_item_map.tsv), NULL without sasrec */
    const char **ititle;   /* title per item id (or NULL) */
    uint32_t *alive_items; /* item ids alive after the stages (jsonl candidates) */
    size_t n_alive_items;
    size_t maxrow; /* longest possible interaction line */
    /* dictionary views for the TSV formatting loops (see put_row): the strings as the TSV
     * contract writes them (RFC 4180-quoted when they hold a '"'), and as they are (JSONL) */
    const char *const *us_str, *const *it_str, *const *ra_str;
    const uint32_t *us_len, *it_len, *ra_len;
    const char *const *us_raw, *const *it_raw;
    const uint32_t *us_rlen, *it_rlen;
    struct qview *qv[3];    /* quoted copies of users, items, ratings (NULL: none needed one) */
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

static inline uint64_t tie_hash(const l4r_itab *t, uint64_t seed, uint32_t user, uint32_t item, int64_t ts)
{
    size_t un, in;
    const char *us = l4r_dict_str(t->users, user, &un);
    const char *is = l4r_dict_str(t->items, item, &in);
    uint64_t h = mix64(seed ^ l4r_hash_bytes(us, un));
    h = mix64(h ^ l4r_hash_bytes(is, in));
    return mix64(h ^ (uint64_t)ts);
}

/* A user or item key for remap: its first appearance (earliest timestamp, then source row). */
typedef struct remap_key {
    int64_t ts;
    uint64_t row; /* source row of the first appearance (tie-breaker); ROW_NONE = gone */
    uint32_t id;
} remap_key;

/* First appearance for remap: the earliest (timestamp, source row) seen so far. */
static inline void l4r_remap_see(remap_key *k, int64_t ts, uint64_t row)
{
    if (ts < k->ts || (ts == k->ts && row < k->row)) {
        k->ts = ts;
        k->row = row;
    }
}

/* A split's global parameters (split.c computes them once, both engines apply them per user). */
typedef struct l4r_split_plan {
    l4r_split_kind kind;
    double ratio[3]; /* ratio: shares */
    int64_t t1, t2;  /* time, time-quantile: cut points */
    uint64_t rem[3]; /* random: rows still to draw for each part */
    rng rr;          /* random: the stream, drawn in output order */
} l4r_split_plan;

void l4r_ratio_counts(uint32_t n, const double r[3], uint32_t cnt[3]);

/* The parts of one user's n live rows, chronological: row j is at index g[j] (g NULL: at j) of
 * the timestamps (ts32[] or, when ts32 is NULL, ts64[]: table.h's column widths) and of part[].
 * Users must come in id order (the random split draws from one stream). */
static inline void l4r_split_rows(l4r_split_plan *sp, const uint32_t *g, size_t n, const uint32_t *ts32,
                                  const int64_t *ts64, uint8_t *part)
{
    switch (sp->kind) {
    case L4R_SPLIT_NONE:
    case L4R_SPLIT_SEQ:
        for (size_t j = 0; j < n; j++)
            part[g ? g[j] : j] = 0;
        if (sp->kind == L4R_SPLIT_SEQ && n >= 3) {
            part[g ? g[n - 1] : n - 1] = 2;
            part[g ? g[n - 2] : n - 2] = 1;
        }
        break;
    case L4R_SPLIT_RATIO: {
        uint32_t cnt[3];
        l4r_ratio_counts((uint32_t)n, sp->ratio, cnt);
        for (size_t j = 0; j < n; j++)
            part[g ? g[j] : j] = j < cnt[0] ? 0 : j < (size_t)cnt[0] + cnt[1] ? 1 : 2;
        break;
    }
    case L4R_SPLIT_TIME:
    case L4R_SPLIT_TIME_QUANTILE:
        for (size_t j = 0; j < n; j++) {
            size_t r = g ? g[j] : j;
            int64_t ts = ts32 ? (int64_t)ts32[r] : ts64[r];
            part[r] = ts < sp->t1 ? 0 : ts < sp->t2 ? 1 : 2;
        }
        break;
    case L4R_SPLIT_RANDOM:
        for (size_t j = 0; j < n; j++) {
            uint64_t left = sp->rem[0] + sp->rem[1] + sp->rem[2];
            uint64_t v = rng_below(&sp->rr, left);
            int k = v < sp->rem[0] ? 0 : v < sp->rem[0] + sp->rem[1] ? 1 : 2;
            sp->rem[k]--;
            part[g ? g[j] : j] = (uint8_t)k;
        }
        break;
    }
}

/* Per-part counts of a split (users, items, interactions of train / valid / test), tallied one
 * user group at a time by either engine, reported by l4r_report_split_counts. */
typedef struct l4r_split_tally {
    int64_t c[3][3];
    uint8_t *iseen; /* per item: bit k = seen in part k */
} l4r_split_tally;

/* Tally one user's n live rows: row j is at index g[j] (g NULL: at j) of item[] and part[]. */
static inline void l4r_split_tally_group(l4r_split_tally *t, const uint32_t *g, size_t n,
                                         const uint32_t *item, const uint8_t *part)
{
    unsigned useen = 0;
    for (size_t j = 0; j < n; j++) {
        size_t r = g ? g[j] : j;
        int k = part[r];
        useen |= 1u << k;
        t->iseen[item[r]] |= (uint8_t)(1u << k);
        t->c[k][2]++;
    }
    for (int k = 0; k < 3; k++)
        t->c[k][0] += (useen >> k) & 1;
}

/* ---- sinks (sinks.c) ---- */

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

/* Decimal digits, two at a time from the right (Unix times have ten). */
static inline char *put_u64(char *d, uint64_t v)
{
    static const char digit_pairs[201] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    static const uint64_t pow10[20] = {1ULL,
                                       10ULL,
                                       100ULL,
                                       1000ULL,
                                       10000ULL,
                                       100000ULL,
                                       1000000ULL,
                                       10000000ULL,
                                       100000000ULL,
                                       1000000000ULL,
                                       10000000000ULL,
                                       100000000000ULL,
                                       1000000000000ULL,
                                       10000000000000ULL,
                                       100000000000000ULL,
                                       1000000000000000ULL,
                                       10000000000000000ULL,
                                       100000000000000000ULL,
                                       1000000000000000000ULL,
                                       10000000000000000000ULL};
    /* the digit count from the bit length (log10(2) ~ 1233 / 4096), one compare to correct it;
     * v | 1 keeps 0 at one digit and moves no other v across a power of ten (they are even) */
    uint64_t v1 = v | 1;
    unsigned t = (unsigned)((64 - __builtin_clzll(v1)) * 1233) >> 12;
    int n = (int)t - (v1 < pow10[t]) + 1;
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

/* ---- process.c: the steps both engines share between stages and sinks ---- */

/* After the row-dropping stages: "counts" (c = users, items, interactions alive, p->icnt
 * current) and the alive items (JSONL candidates). */
void l4r_stages_done(proc *p, const int64_t c[3]);
/* Before the first sink: the longest line and the dictionary views the formatting reads. */
void l4r_sinks_ready(proc *p);

/* ---- group.c ---- */

/* Run fn over user ranges [ubeg, uend) on up to p->threads threads, balanced by row count (on the
 * calling thread alone for small tables).  fn must touch only its users' data. */
void l4r_par_users(proc *p, void (*fn)(proc *, size_t, size_t, void *), void *arg);
/* Fill p->idx, p->ubeg and p->ulen from the table: users in id order, each chronological. */
void l4r_group_by_user(proc *p);

/* ---- stages.c ---- */

/* The manifest keys of each stage (stages.<name>.*), from the counts either engine measured;
 * a stage that is off writes nothing (rating: "implicit" alone under --implicit). */
void l4r_report_dedup(proc *p, size_t removed);
void l4r_report_rating(proc *p, size_t removed);
void l4r_report_time(proc *p, size_t removed);
void l4r_report_title(proc *p, size_t untitled, size_t removed);
void l4r_report_kcore_begin(proc *p, uint32_t U, uint32_t I);
void l4r_report_kcore_end(proc *p, int64_t rounds, size_t removed);
void l4r_report_ties(proc *p, size_t tied, size_t rows);
void l4r_report_max_history(proc *p, size_t removed);

/* Users, items, interactions alive in the groups (recomputes p->icnt). */
void l4r_proc_survivors(proc *p, int64_t out[3]);
/* The same from p->ulen and p->icnt as they are. */
void l4r_proc_count_alive(const proc *p, int64_t out[3]);
/* PREFIX.users, PREFIX.items, PREFIX.interactions = c[0], c[1], c[2] in the manifest. */
void l4r_proc_set_counts(proc *p, const char *prefix, const int64_t c[3]);
void l4r_stage_dedup(proc *p);
void l4r_stage_rating(proc *p);
void l4r_stage_time(proc *p);
void l4r_stage_title(proc *p);
void l4r_stage_kcore(proc *p);
void l4r_stage_ties(proc *p);
/* --ties item under --remap: the ties sorted again by the new item numbers (after remap). */
void l4r_stage_ties_renumbered(proc *p);
void l4r_stage_max_history(proc *p);

/* ---- remap.c ---- */

/* n keys, none seen yet (id i for key i). */
remap_key *l4r_remap_keys(size_t n);
/* Remap keys from the groups, then l4r_remap_finish (when --remap or a SASRec sink asks). */
l4r_status l4r_stage_remap(proc *p, l4r_error *e);
/* Number users and items from their first-appearance keys (uk, ik: consumed and freed), set
 * p->umap / p->imap, record the stage and write user_map.tsv and item_map.tsv. */
l4r_status l4r_remap_finish(proc *p, remap_key *uk, remap_key *ik, l4r_error *e);

/* ---- split.c ---- */

/* Per-user ratio counts of n rows for shares r (train gets the rest). */
void l4r_ratio_counts(uint32_t n, const double r[3], uint32_t cnt[3]);
/* The k-th smallest (0-based) live timestamp, however the engine finds it. */
typedef l4r_status (*l4r_kth_ts_fn)(void *ctx, uint64_t k, int64_t *out, l4r_error *e);
/* The split's parameters from the live rows (p->ulen, and kth for time-quantile: called for the
 * lower cut, then the upper), with every split.* key but the counts, in one order. */
l4r_status l4r_split_plan_make(proc *p, l4r_split_plan *sp, l4r_kth_ts_fn kth, void *ctx, l4r_error *e);
/* p->part of every row and the split's parameters in the manifest. */
l4r_status l4r_split_assign(proc *p, l4r_error *e);
/* split.train/valid/test counts in the manifest (for a split other than none). */
void l4r_split_record_counts(proc *p);
/* A tally with room for the items of p. */
void l4r_split_tally_init(l4r_split_tally *t, const proc *p);
/* split.<part>.{users,items,interactions} from the tally (nothing for split none); frees it. */
void l4r_report_split_counts(proc *p, l4r_split_tally *t);

/* ---- sinks.c ---- */

extern const char l4r_tsv_header[];
extern const char l4r_recbole_header[];
/* The dictionary views the formatting loops read (call after the last intern). */
void l4r_proc_views(proc *p);
void l4r_proc_views_free(proc *p);
/* Longest string of d. */
size_t l4r_dict_maxlen(const l4r_dict *d);
/* The RecBole/SASRec file stem of output directory dir: its base name without trailing slashes
 * ("dataset" when dir is NULL or has none).  Caller frees. */
char *l4r_sink_stem(const char *dir);
/* p->ititle from the item side information (once; a no-op without items). */
void l4r_sink_titles(proc *p);
/* The formatting functions of the passes (worker threads; they read proc only). */
void l4r_fmt_rows_source(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc);
void l4r_fmt_rows_users(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc);
void l4r_fmt_sasrec(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc);
void l4r_fmt_sequences(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc);
void l4r_fmt_jsonl(const pass *ps, size_t beg, size_t end, l4r_buf *bufs, uint64_t *rows, scratch *sc);
/* jsonl.history_len, jsonl.candidates, jsonl.seed */
void l4r_report_jsonl(proc *p);
/* Open the files of a pass (names[f][w], NULL = none) and write their headers. */
l4r_status l4r_open_outs(proc *p, pass *ps, const char *names[3][2], const char *headers[3][2], l4r_error *e);
/* Format the pass's units in chunks and write them in order. */
l4r_status l4r_run_pass(const pass *ps, l4r_error *e);
/* Close (st == OK) or abort (otherwise) the files of a pass; returns the first error. */
l4r_status l4r_close_outs(proc *p, pass *ps, l4r_status st, l4r_error *e);
/* Open the files of a sink and set up its pass (for all users, or all rows in source order);
 * both engines open the sinks here, so the names and headers exist once.  Interactions:
 * interactions.tsv / DATASET.inter in source order under split none, else
 * {train,valid,test}.tsv / DATASET.<part>.inter over user groups (rbn gets the RecBole names,
 * the caller frees them).  Sequences: sequences.tsv.  JSONL: examples.jsonl or
 * {train,valid,test}.jsonl (sets up the titles). */
l4r_status l4r_sink_open_inter(proc *p, unsigned formats, pass *ps, char *rbn[3], l4r_error *e);
l4r_status l4r_sink_open_sequences(proc *p, pass *ps, l4r_error *e);
l4r_status l4r_sink_open_jsonl(proc *p, pass *ps, l4r_error *e);
/* SASRec: the users with a new id, in new-id order (*nu of them; caller frees), and the file
 * name DATASET.txt (caller frees). */
uint32_t *l4r_sasrec_users(const proc *p, size_t *nu);
char *l4r_sasrec_name(const proc *p);
/* The in-memory sinks: open, run over the whole table, close. */
l4r_status l4r_sink_interactions(proc *p, unsigned formats, l4r_error *e);
l4r_status l4r_sink_recbole_items(proc *p, l4r_error *e);
/* RecBole NAME.user from the users table (o->users) for the surviving users; a no-op without. */
l4r_status l4r_sink_recbole_users(proc *p, l4r_error *e);
l4r_status l4r_sink_sasrec(proc *p, l4r_error *e);
l4r_status l4r_sink_sequences(proc *p, l4r_error *e);
l4r_status l4r_sink_jsonl(proc *p, l4r_error *e);

/* ---- export_alpaca.c ---- */

/* TALLRec's train/valid/test.json and BIGRec's (+ valid_N, test_N.json) from the live groups. */
l4r_status l4r_sink_tallrec(proc *p, l4r_error *e);
l4r_status l4r_sink_bigrec(proc *p, l4r_error *e);

/* ---- spilled.c ---- */

/* The out-of-core engine: the table has spilled sorted runs (t->spill). */
l4r_status l4r_process_spilled(proc *p, unsigned formats, l4r_error *e);

/* ---- codebase exports (export_NAME.c; in memory only, after the split) ---- */
/* A JSON string as Python's json.dumps writes it (ensure_ascii: \uXXXX beyond ASCII). */
void l4r_json_py_str(l4r_buf *b, const char *s, size_t n);
l4r_status l4r_sink_p5(proc *p, l4r_error *e);
l4r_status l4r_sink_llara(proc *p, l4r_error *e);
l4r_status l4r_sink_hllm(proc *p, l4r_error *e);
l4r_status l4r_sink_llamarec(proc *p, l4r_error *e);
l4r_status l4r_sink_openp5(proc *p, l4r_error *e);

#endif
