/*
 * table.h — the compact in-memory form of an interaction table, for stages and splits.
 *
 * One array per column, ids dictionary-encoded (no per-row heap objects).  Row order is source
 * order (the index is the tie-breaker of last resort).
 *
 * Column widths (issue 19): user and item are u32 ids.  The rating id is one byte (rating8) while
 * the ratings dict has at most 256 entries; the push of rating id 256 widens it to u32 (rating32,
 * one pass copying the rows held so far).  The timestamp is u32 (ts32) while every timestamp seen
 * is in [0, 2^32); the first that is not (negative, or milliseconds) widens it to int64 (ts64).
 * A column never narrows again.  Typical sources (a handful of ratings, Unix seconds) so take 13
 * bytes a row instead of 20.  Read rows through l4r_itab_rating() / l4r_itab_ts(); a hot loop may
 * test rating_wide / ts_wide once outside the loop and index the one array that is set.  Setting
 * L4R_ITAB_WIDE=1 in the environment makes new tables start wide (a test hook: the output must be
 * the same bytes either way).
 * Dictionaries keep each distinct string once, numbered from 0 in order of first appearance.
 *
 * Ownership: l4r_itab_new/l4r_itab_free; the dicts belong to the table.  Not thread-safe: built by
 * the pipeline's writer thread, then used by one thread (stages may use their own workers).
 */
#ifndef L4R_TABLE_H
#define L4R_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm4rec_data.h"

#if defined(__GNUC__)
#define L4R_ITAB_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define L4R_ITAB_LIKELY(x) (x)
#endif

/* The 64-bit hash the dictionary uses (fast, not cryptographic; stable across runs and builds). */
uint64_t l4r_hash_bytes(const void *p, size_t n);

/* String dictionary: interns byte strings, returns dense ids 0, 1, 2, ... */
typedef struct l4r_dict l4r_dict;
l4r_dict *l4r_dict_new(void);
void l4r_dict_free(l4r_dict *d);
uint32_t l4r_dict_intern(l4r_dict *d, const char *p, size_t n); /* existing or new id */
/* Look up without inserting; returns UINT32_MAX when absent. */
uint32_t l4r_dict_find(const l4r_dict *d, const char *p, size_t n);
size_t l4r_dict_size(const l4r_dict *d);
/* Every string is followed by at least this many readable bytes (so hot loops may copy a fixed
 * width and advance by the real length). */
#define L4R_DICT_PAD 16
/* Direct access for hot loops: str[id] (not NUL-terminated) and len[id] for id < size.  Valid until
 * the next l4r_dict_intern() of a new string. */
void l4r_dict_view(const l4r_dict *d, const char *const **str, const uint32_t **len);
/* The string of id (not NUL-terminated; *n gets its length).  Valid while the dict lives. */
const char *l4r_dict_str(const l4r_dict *d, uint32_t id, size_t *n);

typedef struct l4r_itab {
    size_t n; /* rows */
    size_t cap;
    uint32_t *user; /* id in users */
    uint32_t *item; /* id in items */
    /* id in ratings (the rating text as in the source): rating8 while !rating_wide, else
     * rating32; the other is NULL */
    uint8_t *rating8;
    uint32_t *rating32;
    uint32_t *ts32; /* Unix seconds: ts32 while !ts_wide, else ts64; the other is NULL */
    int64_t *ts64;
    bool rating_wide;
    bool ts_wide;
    uint32_t rating_max; /* largest rating id the rating column holds: 255, or UINT32_MAX once wide */
    uint64_t ts_max;     /* largest (uint64_t)ts the ts column holds: UINT32_MAX, or UINT64_MAX */
    size_t fast_cap;     /* cap while both columns are narrow, else 0 (l4r_itab_push's fast path) */
    l4r_dict *users;
    l4r_dict *items;
    l4r_dict *ratings;
    bool has_time; /* false when the source has no timestamp (ts all 0; order = source order) */
    /* Spilling (out-of-core).  Set by the caller before the first push; 0 / NULL = never spill.
     * When the row columns would outgrow memory_limit / L4R_ITAB_SPILL_ROW_BYTES rows, push()
     * sorts the rows held in memory by (user, ts, source row) into a run file under spill_dir
     * and starts over (spill.h); l4r_process() then takes its out-of-core path.  The dicts always
     * stay in memory.  spill_dir is owned by the table (give it an l4r_xstrdup'd / asprintf'd
     * string; freed, with the run files and the directory if it made it, by l4r_itab_free). */
    uint64_t memory_limit;
    char *spill_dir;
    /* Maintained by the table.  n counts every row pushed; the columns hold rows
     * [spill_base, n) (spill_base = 0 unless spilled), column index = source row - spill_base. */
    struct l4r_spill *spill; /* NULL until the first run is written */
    size_t spill_base;
    l4r_status spill_status; /* first spill failure (then push() stops spilling) */
    l4r_error spill_err;
} l4r_itab;

/* Bytes of budget counted per in-memory row with wide columns: 20 of columns plus what sorting a
 * run and the in-memory stages (index, split byte, ...) need on top.  A narrow rating column counts
 * 3 bytes less and a narrow ts column 4 less (l4r_itab_row_bytes). */
#define L4R_ITAB_SPILL_ROW_BYTES 32
/* The same with both columns narrow (the usual case): 25. */
#define L4R_ITAB_NARROW_ROW_BYTES (L4R_ITAB_SPILL_ROW_BYTES - 3 - 4)
/* The budget per in-memory row at the table's current column widths (25 to 32). */
size_t l4r_itab_row_bytes(const l4r_itab *t);

l4r_itab *l4r_itab_new(void);
void l4r_itab_free(l4r_itab *t);
/* The out-of-line half of l4r_itab_push: the columns are full (double them or spill a run), or
 * the row's rating id or timestamp does not fit the narrow column (widen it). */
void l4r_itab_full(l4r_itab *t, uint32_t rating, int64_t ts);
/* Inline: the table writer calls it once a row (issue 19: the call was ~8 of its ~23 instructions
 * a row on the one writer thread). */
static inline void l4r_itab_push(l4r_itab *t, uint32_t user, uint32_t item, uint32_t rating, int64_t ts)
{
    size_t k = t->n - t->spill_base;
    /* the usual row: room in narrow columns (fast_cap is 0 once a column is wide) and a value that
     * fits them; one comparison more than before the narrow columns for each of rating and ts */
    if (L4R_ITAB_LIKELY(k < t->fast_cap && rating <= UINT8_MAX && (uint64_t)ts <= UINT32_MAX)) {
        t->user[k] = user;
        t->item[k] = item;
        t->rating8[k] = (uint8_t)rating;
        t->ts32[k] = (uint32_t)ts;
        t->n++;
        return;
    }
    if (k == t->cap || rating > t->rating_max || (uint64_t)ts > t->ts_max) {
        l4r_itab_full(t, rating, ts);
        k = t->n - t->spill_base;
    }
    t->user[k] = user;
    t->item[k] = item;
    if (t->rating_wide)
        t->rating32[k] = rating;
    else
        t->rating8[k] = (uint8_t)rating;
    if (t->ts_wide)
        t->ts64[k] = ts;
    else
        t->ts32[k] = (uint32_t)ts;
    t->n++;
}
/* Row k's rating id and timestamp (k: column index, as for user[k]). */
static inline uint32_t l4r_itab_rating(const l4r_itab *t, size_t k)
{
    return t->rating_wide ? t->rating32[k] : t->rating8[k];
}
static inline int64_t l4r_itab_ts(const l4r_itab *t, size_t k)
{
    return t->ts_wide ? t->ts64[k] : (int64_t)t->ts32[k];
}
/* Make room for at least `rows` rows in total (e.g. from an estimate of the input size). */
void l4r_itab_reserve(l4r_itab *t, size_t rows);
/* Write the rows still held in memory as a last run and release the columns (only when the
 * table has spilled before; a no-op otherwise).  Returns spill_status if an earlier push failed. */
l4r_status l4r_itab_spill_flush(l4r_itab *t, l4r_error *e);
/* Numeric value of a rating id (strtod of its text; NaN if not a number). */
double l4r_itab_rating_value(const l4r_itab *t, uint32_t rating);

/* Item side information (items.tsv): item id string -> title and extra columns. */
typedef struct l4r_items {
    l4r_dict *ids;      /* item id strings, same spelling as in interactions */
    char **title;       /* title[i] for ids id i (UTF-8, tabs/newlines already replaced), NULL if none */
    char ***extra;      /* extra[i][k], k < n_extra */
    char **extra_names; /* output column names after "title" (e.g. "genres") */
    char **extra_sep;   /* per extra column: the separator of a list (a recipe "join" or "flags"
                           column, RecBole's token_seq), NULL for a single value */
    size_t n_extra;
    size_t n;
    size_t cap;
} l4r_items;

l4r_items *l4r_items_new(char **extra_names, size_t n_extra); /* takes copies of the names */
void l4r_items_free(l4r_items *it);
/* Mark extra column k as a list whose elements are separated by sep (copied). */
void l4r_items_set_list(l4r_items *it, size_t k, const char *sep);
/* Add or replace the entry of an item id (the first occurrence wins; returns false if dup). */
bool l4r_items_add(l4r_items *it, const char *id, size_t idn, const char *title, char **extra);
/* Title of an item id string or NULL. */
const char *l4r_items_title(const l4r_items *it, const char *id, size_t idn);

#endif
