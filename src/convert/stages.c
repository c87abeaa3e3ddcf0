/*
 * stages.c — the in-memory stages on the user groups of group.c: dedup, rating filter,
 * require-title, k-core, ties and max-history.
 *
 * A user's live rows are the prefix idx[ubeg[u] .. ubeg[u] + ulen[u]); a stage that drops rows
 * marks them DEAD and compacts the prefix, keeping the order.  So each stage is a linear pass over
 * ~4 bytes per row, with no per-row heap objects and no global comparison sort.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"
#include "stage.h"

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

void l4r_proc_survivors(proc *p, int64_t out[3])
{
    count_items(p);
    l4r_proc_count_alive(p, out);
}

void l4r_proc_count_alive(const proc *p, int64_t out[3])
{
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

void l4r_proc_set_counts(proc *p, const char *prefix, const int64_t c[3])
{
    char path[128];
    static const char *const k[3] = {"users", "items", "interactions"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s.%s", prefix, k[i]);
        l4r_manifest_set_int(p->m, path, c[i]);
    }
}

/* ---- manifest keys of the stages: written here only, both engines report their counts ---- */

void l4r_report_dedup(proc *p, size_t removed)
{
    if (p->o->dedup == L4R_DEDUP_NONE)
        return;
    l4r_manifest_set_str(p->m, "stages.dedup.mode", p->o->dedup == L4R_DEDUP_FIRST ? "first" : "last");
    l4r_manifest_set_int(p->m, "stages.dedup.removed", (int64_t)removed);
}

void l4r_report_rating(proc *p, size_t removed)
{
    const l4r_process_opts *o = p->o;
    if (!o->has_min_rating) {
        if (o->implicit)
            l4r_manifest_set_bool(p->m, "stages.rating.implicit", 1);
        return;
    }
    l4r_manifest_set_real(p->m, "stages.rating.min_rating", o->min_rating);
    l4r_manifest_set_bool(p->m, "stages.rating.implicit", o->implicit);
    l4r_manifest_set_int(p->m, "stages.rating.removed", (int64_t)removed);
}

void l4r_report_time(proc *p, size_t removed)
{
    const l4r_process_opts *o = p->o;
    if (!o->has_time_from && !o->has_time_until)
        return;
    if (o->has_time_from)
        l4r_manifest_set_int(p->m, "stages.time.from", o->time_from);
    if (o->has_time_until)
        l4r_manifest_set_int(p->m, "stages.time.until", o->time_until);
    l4r_manifest_set_int(p->m, "stages.time.removed", (int64_t)removed);
}

/* untitled: the input's items without a title; removed: the interactions dropped with them. */
void l4r_report_title(proc *p, size_t untitled, size_t removed)
{
    if (!p->o->require_title)
        return;
    l4r_manifest_set_int(p->m, "stages.require_title.untitled_items", (int64_t)untitled);
    l4r_manifest_set_int(p->m, "stages.require_title.removed", (int64_t)removed);
}

void l4r_report_kcore_begin(proc *p, uint32_t U, uint32_t I)
{
    static const char *const modes[] = {"iterative", "one-pass", "one-pass-users"};
    l4r_manifest_set_str(p->m, "stages.kcore.mode", modes[p->o->kcore_mode]);
    l4r_manifest_set_int(p->m, "stages.kcore.user_core", U);
    l4r_manifest_set_int(p->m, "stages.kcore.item_core", I);
}

void l4r_report_kcore_end(proc *p, int64_t rounds, size_t removed)
{
    l4r_manifest_set_int(p->m, "stages.kcore.rounds", rounds);
    l4r_manifest_set_int(p->m, "stages.kcore.removed", (int64_t)removed);
}

void l4r_report_ties(proc *p, size_t tied, size_t rows)
{
    static const char *const modes[] = {"source", "hash", "item"};
    l4r_manifest_set_str(p->m, "stages.ties.mode", modes[p->o->ties]);
    if (p->o->ties == L4R_TIES_ITEM)
        l4r_manifest_set_str(p->m, "stages.ties.warning",
                             "ties broken by item id: the order leaks the id into the sequence and "
                             "inflates leave-one-out metrics (yueqirex/LRURec#1)");
    l4r_manifest_set_int(p->m, "stages.ties.tied_interactions", (int64_t)tied);
    l4r_manifest_set_real(p->m, "stages.ties.tied_share", rows ? (double)tied / (double)rows : 0.0);
}

void l4r_report_max_history(proc *p, size_t removed)
{
    if (p->o->max_history <= 0)
        return;
    l4r_manifest_set_int(p->m, "stages.max_history.n", p->o->max_history);
    l4r_manifest_set_int(p->m, "stages.max_history.removed", (int64_t)removed);
}

/* ---- the in-memory group: row numbers idx[ubeg[u] ..] into the table's columns ---- */

typedef struct mem_group {
    proc *p;
    const l4r_itab *t;
    size_t u;
    uint32_t *g;
    uint32_t held;
} mem_group;

static inline mem_group mem_group_of(proc *p, size_t u)
{
    return (mem_group){.p = p, .t = p->t, .u = u, .g = p->idx + p->ubeg[u]};
}

static uint32_t mem_item(const void *grp, size_t j)
{
    const mem_group *m = grp;
    return m->t->item[m->g[j]];
}

static uint32_t mem_rating(const void *grp, size_t j)
{
    const mem_group *m = grp;
    return l4r_itab_rating(m->t, m->g[j]);
}

static int64_t mem_ts(const void *grp, size_t j)
{
    const mem_group *m = grp;
    return l4r_itab_ts(m->t, m->g[j]);
}

/* The same for a table whose ts column is known narrow / wide (mem_ops_ts32 / mem_ops_ts64: the
 * rules that read every row's timestamp are called with the table of the width, so their loops do
 * not test it a row). */
static int64_t mem_ts32(const void *grp, size_t j)
{
    const mem_group *m = grp;
    return m->t->ts32[m->g[j]];
}

static int64_t mem_ts64(const void *grp, size_t j)
{
    const mem_group *m = grp;
    return m->t->ts64[m->g[j]];
}

static uint64_t mem_row(const void *grp, size_t j)
{
    const mem_group *m = grp;
    return m->g[j];
}

static uint64_t mem_tie_key(const void *grp, size_t j, uint64_t seed)
{
    const mem_group *m = grp;
    uint32_t r = m->g[j];
    return tie_hash(m->t, seed, m->t->user[r], m->t->item[r], l4r_itab_ts(m->t, r));
}

static void mem_drop(void *grp, size_t j)
{
    mem_group *m = grp;
    m->g[j] = DEAD;
}

static size_t mem_compact(void *grp)
{
    mem_group *m = grp;
    return compact_user(m->p, m->u);
}

static void mem_hold(void *grp, size_t j)
{
    mem_group *m = grp;
    m->held = m->g[j];
}

static void mem_move(void *grp, size_t dst, size_t src)
{
    mem_group *m = grp;
    m->g[dst] = m->g[src];
}

static void mem_put(void *grp, size_t dst)
{
    mem_group *m = grp;
    m->g[dst] = m->held;
}

#define MEM_OPS(name, ts_fn)                                                                                 \
    static const l4r_group_ops name = {                                                                      \
        .item = mem_item,                                                                                    \
        .rating = mem_rating,                                                                                \
        .ts = ts_fn,                                                                                         \
        .row = mem_row,                                                                                      \
        .tie_key = mem_tie_key,                                                                              \
        .drop = mem_drop,                                                                                    \
        .compact = mem_compact,                                                                              \
        .hold = mem_hold,                                                                                    \
        .move = mem_move,                                                                                    \
        .put = mem_put,                                                                                      \
    }
MEM_OPS(mem_ops, mem_ts);
MEM_OPS(mem_ops_ts32, mem_ts32);
MEM_OPS(mem_ops_ts64, mem_ts64);
#undef MEM_OPS

/* ---- stages ---- */

uint8_t *l4r_rating_keep(const proc *p)
{
    size_t nr = l4r_dict_size(p->t->ratings);
    uint8_t *keep = l4r_xcalloc(nr ? nr : 1, 1);
    for (size_t r = 0; r < nr; r++) {
        double v = l4r_itab_rating_value(p->t, (uint32_t)r);
        keep[r] = !isnan(v) && v >= p->o->min_rating;
    }
    return keep;
}

uint8_t *l4r_title_keep(proc *p)
{
    l4r_sink_titles(p);
    uint8_t *keep = l4r_xcalloc(p->n_items ? p->n_items : 1, 1);
    for (size_t i = 0; p->ititle && i < p->n_items; i++)
        keep[i] = p->ititle[i] && p->ititle[i][0];
    return keep;
}

void l4r_stage_dedup(proc *p)
{
    const l4r_process_opts *o = p->o;
    if (o->dedup == L4R_DEDUP_NONE)
        return;
    uint32_t *stamp = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *stamp);
    size_t removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        mem_group m = mem_group_of(p, u);
        removed += l4r_rule_dedup(&m, p->ulen[u], &mem_ops, o->dedup, stamp, (uint32_t)u + 1);
    }
    free(stamp);
    l4r_report_dedup(p, removed);
}

void l4r_stage_rating(proc *p)
{
    size_t removed = 0;
    if (p->o->has_min_rating) {
        uint8_t *keep = l4r_rating_keep(p);
        for (size_t u = 0; u < p->n_users; u++) {
            mem_group m = mem_group_of(p, u);
            removed += l4r_rule_rating(&m, p->ulen[u], &mem_ops, keep);
        }
        free(keep);
    }
    l4r_report_rating(p, removed);
}

void l4r_stage_time(proc *p)
{
    const l4r_process_opts *o = p->o;
    if (!o->has_time_from && !o->has_time_until)
        return;
    size_t removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        mem_group m = mem_group_of(p, u);
        removed += p->t->ts_wide ? l4r_rule_time(&m, p->ulen[u], &mem_ops_ts64, o->has_time_from,
                                                 o->time_from, o->has_time_until, o->time_until)
                                 : l4r_rule_time(&m, p->ulen[u], &mem_ops_ts32, o->has_time_from,
                                                 o->time_from, o->has_time_until, o->time_until);
    }
    l4r_report_time(p, removed);
}

void l4r_stage_title(proc *p)
{
    if (!p->o->require_title)
        return;
    uint8_t *keep = l4r_title_keep(p);
    size_t removed = 0, untitled = 0;
    for (size_t i = 0; i < p->n_items; i++)
        untitled += p->icnt[i] > 0 && !keep[i]; /* p->icnt: the input's counts still */
    for (size_t u = 0; u < p->n_users; u++) {
        mem_group m = mem_group_of(p, u);
        removed += l4r_rule_title(&m, p->ulen[u], &mem_ops, keep);
    }
    free(keep);
    l4r_report_title(p, untitled, removed);
}

static l4r_status kcore_round(void *ctx, uint32_t U, uint32_t I, size_t *removed, l4r_error *e)
{
    (void)e;
    proc *p = ctx;
    count_items(p);
    *removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        mem_group m = mem_group_of(p, u);
        *removed += l4r_rule_kcore(&m, p->ulen[u], &mem_ops, U, I, p->icnt);
    }
    return L4R_OK;
}

static void kcore_survivors(void *ctx, int64_t c[3])
{
    l4r_proc_survivors(ctx, c);
}

/* One k-core round in the manifest: its number and the users, items and interactions left. */
static void kcore_push_round(proc *p, int64_t round, const int64_t c[3])
{
    static const char *const keys[4] = {"round", "users", "items", "interactions"};
    int64_t v[4] = {round, c[0], c[1], c[2]};
    l4r_manifest_push_counts(p->m, "stages.kcore.survivors", keys, v, 4);
}

l4r_status l4r_kcore_run(proc *p, l4r_kcore_round_fn round, l4r_kcore_survivors_fn survivors, void *ctx,
                         l4r_error *e)
{
    const l4r_process_opts *o = p->o;
    if (o->user_core <= 0 && o->item_core <= 0)
        return L4R_OK;
    uint32_t U = o->user_core > 0 ? (uint32_t)o->user_core : 0;
    uint32_t I = o->item_core > 0 ? (uint32_t)o->item_core : 0;
    bool one = o->kcore_mode != L4R_KCORE_ITERATIVE;
    l4r_report_kcore_begin(p, U, I);
    int64_t rounds = 0;
    size_t removed_total = 0;
    for (;;) {
        size_t removed;
        l4r_status st = round(ctx, U, I, &removed, e);
        if (st)
            return st;
        /* a round that removes nothing ends the stage; it counts only when it is the first */
        if (!removed && rounds > 0)
            break;
        rounds++;
        removed_total += removed;
        int64_t c[3];
        survivors(ctx, c);
        kcore_push_round(p, rounds, c);
        if (one || !removed)
            break;
    }
    if (o->kcore_mode == L4R_KCORE_ONE_PASS_USERS && U) {
        /* HLLM: the users below U once more, on what the first round left; items stay */
        size_t removed;
        l4r_status st = round(ctx, U, 0, &removed, e);
        if (st)
            return st;
        if (removed) {
            rounds++;
            removed_total += removed;
            int64_t c[3];
            survivors(ctx, c);
            kcore_push_round(p, rounds, c);
        }
    }
    l4r_report_kcore_end(p, rounds, removed_total);
    return L4R_OK;
}

void l4r_stage_kcore(proc *p)
{
    /* the in-memory round cannot fail */
    l4r_error e;
    l4r_kcore_run(p, kcore_round, kcore_survivors, p, &e);
}

/* Ties: count rows whose (user, ts) equals a neighbour's, and under --ties hash reorder each run
 * of equal timestamps (l4r_rule_ties), users in parallel. */
typedef struct tie_ctx {
    uint64_t seed;
    bool reorder;
    const uint32_t *irank; /* --ties item: rank of each item id */
    size_t *tied_per_user; /* tied rows of each user (summed afterwards) */
} tie_ctx;

static void ties_fn(proc *p, size_t ub, size_t ue, void *arg)
{
    tie_ctx *c = arg;
    for (size_t u = ub; u < ue; u++) {
        mem_group m = mem_group_of(p, u);
        c->tied_per_user[u] =
            p->t->ts_wide ? l4r_rule_ties(&m, p->ulen[u], &mem_ops_ts64, c->reorder, c->seed, c->irank)
                          : l4r_rule_ties(&m, p->ulen[u], &mem_ops_ts32, c->reorder, c->seed, c->irank);
    }
}

void l4r_stage_ties(proc *p)
{
    uint32_t *irank = p->o->ties == L4R_TIES_ITEM && p->t->has_time ? l4r_item_rank(p) : NULL;
    tie_ctx c = {.seed = p->o->seed,
                 .reorder = (p->o->ties == L4R_TIES_HASH || irank) && p->t->has_time,
                 .irank = irank};
    c.tied_per_user = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *c.tied_per_user);
    if (p->t->has_time)
        l4r_par_users(p, ties_fn, &c);
    size_t tied = 0, n = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        tied += c.tied_per_user[u];
        n += p->ulen[u];
    }
    free(c.tied_per_user);
    free(irank);
    l4r_report_ties(p, tied, n);
}

/* --ties item under --remap: each tie sorted again by the items' new numbers, so that the order is
 * by the ids the outputs hold (LlamaRec sorts by its dense 'sid'); before, the ties stage sorted by
 * the source ids, which max-history saw. */
static void ties_renumbered_fn(proc *p, size_t ub, size_t ue, void *arg)
{
    (void)arg;
    for (size_t u = ub; u < ue; u++) {
        mem_group m = mem_group_of(p, u);
        if (p->t->ts_wide)
            l4r_rule_ties(&m, p->ulen[u], &mem_ops_ts64, true, 0, p->imap);
        else
            l4r_rule_ties(&m, p->ulen[u], &mem_ops_ts32, true, 0, p->imap);
    }
}

void l4r_stage_ties_renumbered(proc *p)
{
    if (p->o->ties == L4R_TIES_ITEM && p->t->has_time && p->imap)
        l4r_par_users(p, ties_renumbered_fn, NULL);
}

void l4r_stage_max_history(proc *p)
{
    if (p->o->max_history <= 0)
        return;
    uint32_t N = (uint32_t)p->o->max_history;
    size_t removed = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        mem_group m = mem_group_of(p, u);
        removed += l4r_rule_max_history(&m, p->ulen[u], &mem_ops, N);
    }
    l4r_report_max_history(p, removed);
}
