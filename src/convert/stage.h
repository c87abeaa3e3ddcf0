/*
 * stage.h — the stages on one user group: the one definition of each row-dropping rule (dedup,
 * rating filter, require-title, k-core, max-history) and of the tie order, which both engines call.
 *
 * Every stage is a rule over one user's live rows in chronological order, so it does not care
 * where those rows are.  The in-memory engine (stages.c) holds a group as row numbers into the
 * table's columns; the out-of-core engine (spilled.c) as the records its merge of the sorted runs
 * yielded.  Each engine describes its group with an l4r_group_ops (read row j's item, rating,
 * timestamp, source row; drop row j; remove the dropped rows; move a row inside the group), and
 * the rules below read and drop through it.  The engines keep what really differs: how they
 * visit the users (a loop over the index, or passes over the merged runs), where a dropped row
 * is remembered (the index, or one bit per source row for the next pass), and the counting.
 *
 * The ops are `static const` tables of `static` functions, and the rules are `static inline`:
 * the compiler sees through the table and the rule compiles to the engine's own loop (callgrind
 * shows no change, docs/PERFORMANCE.md "Issue 14 refactor: stages").
 */
#ifndef L4R_STAGE_H
#define L4R_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "process_internal.h"

/* One user's group as the rules see it.  j is a position in the group (0 = oldest). */
typedef struct l4r_group_ops {
    uint32_t (*item)(const void *grp, size_t j);
    uint32_t (*rating)(const void *grp, size_t j);
    int64_t (*ts)(const void *grp, size_t j);
    uint64_t (*row)(const void *grp, size_t j); /* source row (the tie-breaker of last resort) */
    uint64_t (*tie_key)(const void *grp, size_t j, uint64_t seed); /* tie_hash of row j */
    void (*drop)(void *grp, size_t j); /* mark row j dropped (positions stay valid) */
    size_t (*compact)(void *grp);      /* remove the marked rows, keep the order; returns how many */
    void (*hold)(void *grp, size_t j); /* copy row j aside (one slot) */
    void (*move)(void *grp, size_t dst, size_t src);
    void (*put)(void *grp, size_t dst); /* the row held aside to position dst */
} l4r_group_ops;

/* dedup: of the rows sharing an item, keep the first (earliest) or the last.  stamp: per item, the
 * mark of the last group that saw it; mark: non-zero and distinct per group (user id + 1).
 * Returns the rows removed. */
static inline size_t l4r_rule_dedup(void *grp, size_t n, const l4r_group_ops *ops, l4r_dedup mode,
                                    uint32_t *stamp, uint32_t mark)
{
    bool any = false;
    for (size_t k = 0; k < n; k++) {
        /* first: walk forward; last: walk backward; the earlier-walked copy survives */
        size_t j = mode == L4R_DEDUP_FIRST ? k : n - 1 - k;
        uint32_t it = ops->item(grp, j);
        if (stamp[it] == mark) {
            ops->drop(grp, j);
            any = true;
        } else {
            stamp[it] = mark;
        }
    }
    return any ? ops->compact(grp) : 0;
}

/* rating filter: drop the rows whose rating id is not kept (l4r_rating_keep). */
static inline size_t l4r_rule_rating(void *grp, size_t n, const l4r_group_ops *ops, const uint8_t *keep)
{
    bool any = false;
    for (size_t j = 0; j < n; j++) {
        if (!keep[ops->rating(grp, j)]) {
            ops->drop(grp, j);
            any = true;
        }
    }
    return any ? ops->compact(grp) : 0;
}

/* time window: drop the rows whose timestamp is before from or after until (both kept). */
static inline size_t l4r_rule_time(void *grp, size_t n, const l4r_group_ops *ops, bool has_from, int64_t from,
                                   bool has_until, int64_t until)
{
    bool any = false;
    for (size_t j = 0; j < n; j++) {
        int64_t ts = ops->ts(grp, j);
        if ((has_from && ts < from) || (has_until && ts > until)) {
            ops->drop(grp, j);
            any = true;
        }
    }
    return any ? ops->compact(grp) : 0;
}

/* require-title: drop the rows whose item has no title (titled[item] == 0, l4r_title_keep). */
static inline size_t l4r_rule_title(void *grp, size_t n, const l4r_group_ops *ops, const uint8_t *titled)
{
    bool any = false;
    for (size_t j = 0; j < n; j++) {
        if (!titled[ops->item(grp, j)]) {
            ops->drop(grp, j);
            any = true;
        }
    }
    return any ? ops->compact(grp) : 0;
}

/* One k-core round on one group: the whole group goes when the user has fewer than U rows, else
 * the rows whose item had fewer than I (icnt: live rows per item when the round started). */
static inline size_t l4r_rule_kcore(void *grp, size_t n, const l4r_group_ops *ops, uint32_t U, uint32_t I,
                                    const uint32_t *icnt)
{
    bool any = false;
    if (n < U) {
        for (size_t j = 0; j < n; j++)
            ops->drop(grp, j);
        any = n > 0;
    } else if (I) {
        for (size_t j = 0; j < n; j++) {
            if (icnt[ops->item(grp, j)] < I) {
                ops->drop(grp, j);
                any = true;
            }
        }
    }
    return any ? ops->compact(grp) : 0;
}

/* max-history: keep the last N rows (N > 0). */
static inline size_t l4r_rule_max_history(void *grp, size_t n, const l4r_group_ops *ops, uint32_t N)
{
    if (n <= N)
        return 0;
    for (size_t j = 0; j < n - N; j++)
        ops->drop(grp, j);
    return ops->compact(grp);
}

/* ties: the rows whose timestamp equals a neighbour's (returned), and with reorder each run of
 * equal timestamps sorted by (key, source row), the key being tie_hash (--ties hash) or, when
 * irank is given (--ties item), the item's rank in item id order (l4r_item_rank); runs are short,
 * so an insertion sort. */
static inline uint64_t l4r_tie_key_of(void *grp, const l4r_group_ops *ops, size_t j, uint64_t seed,
                                      const uint32_t *irank)
{
    return irank ? irank[ops->item(grp, j)] : ops->tie_key(grp, j, seed);
}

static inline size_t l4r_rule_ties(void *grp, size_t n, const l4r_group_ops *ops, bool reorder, uint64_t seed,
                                   const uint32_t *irank)
{
    size_t tied = 0;
    size_t j = 0;
    while (j < n) {
        int64_t t = ops->ts(grp, j);
        size_t k = j + 1;
        while (k < n && ops->ts(grp, k) == t)
            k++;
        if (k - j > 1) {
            tied += k - j;
            for (size_t a = j + 1; reorder && a < k; a++) {
                uint64_t hx = l4r_tie_key_of(grp, ops, a, seed, irank), rx = ops->row(grp, a);
                ops->hold(grp, a);
                size_t b = a;
                while (b > j) {
                    uint64_t hb = l4r_tie_key_of(grp, ops, b - 1, seed, irank);
                    if (hb < hx || (hb == hx && ops->row(grp, b - 1) < rx))
                        break;
                    ops->move(grp, b, b - 1);
                    b--;
                }
                ops->put(grp, b);
            }
        }
        j = k;
    }
    return tied;
}

/* Per rating id: kept by --min-rating (numeric and >= the minimum).  Caller frees. */
uint8_t *l4r_rating_keep(const proc *p);
/* Per item id: 1 when items.tsv gives it a non-empty title (--require-title).  Caller frees. */
uint8_t *l4r_title_keep(proc *p);
/* Per item id: its rank when the item ids are sorted as --remap-order sorted sorts them (as
 * numbers when every id of the input is a short digit string, else byte-wise), for --ties item.
 * (--remap-order sorted looks at the surviving ids only: the two differ only when those are all
 * digit strings and the input's are not.)  Caller frees. */
uint32_t *l4r_item_rank(const proc *p);

/* One k-core round of an engine over all groups: *removed gets the rows it dropped. */
typedef l4r_status (*l4r_kcore_round_fn)(void *ctx, uint32_t U, uint32_t I, size_t *removed, l4r_error *e);
/* Users, items, interactions alive after a round. */
typedef void (*l4r_kcore_survivors_fn)(void *ctx, int64_t c[3]);
/* The k-core stage: rounds until nothing is removed (one round under --kcore-mode one-pass; under
 * one-pass-users that round, then one with the user threshold alone, counted when it drops), each
 * surviving round in stages.kcore.survivors, and every stages.kcore key.  A no-op without
 * --user-core / --item-core. */
l4r_status l4r_kcore_run(proc *p, l4r_kcore_round_fn round, l4r_kcore_survivors_fn survivors, void *ctx,
                         l4r_error *e);

#endif
