/*
 * stages.c — the in-memory stages on the user groups of group.c: dedup, rating filter, k-core,
 * ties and max-history.
 *
 * A user's live rows are the prefix idx[ubeg[u] .. ubeg[u] + ulen[u]); a stage that drops rows
 * marks them DEAD and compacts the prefix, keeping the order.  So each stage is a linear pass over
 * ~4 bytes per row, with no per-row heap objects and no global comparison sort.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

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
void l4r_proc_survivors(proc *p, int64_t out[3])
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

void l4r_report_kcore_begin(proc *p, uint32_t U, uint32_t I)
{
    bool one = p->o->kcore_mode == L4R_KCORE_ONE_PASS;
    l4r_manifest_set_str(p->m, "stages.kcore.mode", one ? "one-pass" : "iterative");
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
    l4r_manifest_set_str(p->m, "stages.ties.mode", p->o->ties == L4R_TIES_HASH ? "hash" : "source");
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

/* ---- stages ---- */

void l4r_stage_dedup(proc *p)
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
    l4r_report_dedup(p, removed);
}

void l4r_stage_rating(proc *p)
{
    const l4r_process_opts *o = p->o;
    if (!o->has_min_rating) {
        l4r_report_rating(p, 0);
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
    l4r_report_rating(p, removed);
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
void l4r_kcore_push_round(proc *p, int64_t round, const int64_t c[3])
{
    static const char *const keys[4] = {"round", "users", "items", "interactions"};
    int64_t v[4] = {round, c[0], c[1], c[2]};
    l4r_manifest_push_counts(p->m, "stages.kcore.survivors", keys, v, 4);
}

void l4r_stage_kcore(proc *p)
{
    const l4r_process_opts *o = p->o;
    if (o->user_core <= 0 && o->item_core <= 0)
        return;
    uint32_t U = o->user_core > 0 ? (uint32_t)o->user_core : 0;
    uint32_t I = o->item_core > 0 ? (uint32_t)o->item_core : 0;
    bool one = o->kcore_mode == L4R_KCORE_ONE_PASS;
    l4r_report_kcore_begin(p, U, I);
    int64_t rounds = 0;
    size_t removed_total = 0;
    for (;;) {
        size_t removed = kcore_round(p, U, I);
        if (!removed && rounds > 0)
            break;
        rounds++;
        removed_total += removed;
        int64_t c[3];
        l4r_proc_survivors(p, c);
        l4r_kcore_push_round(p, rounds, c);
        if (one || !removed)
            break;
    }
    l4r_report_kcore_end(p, rounds, removed_total);
}

/* Ties: count rows whose (user, ts) equals a neighbour's, and under --ties hash reorder each run
 * of equal timestamps by a seeded hash of (user, item, ts), the source row breaking hash ties. */
typedef struct tie_ctx {
    uint64_t seed;
    bool reorder;
    size_t *tied_per_user; /* tied rows of each user (summed afterwards) */
} tie_ctx;

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

void l4r_stage_ties(proc *p)
{
    tie_ctx c = {.seed = p->o->seed, .reorder = p->o->ties == L4R_TIES_HASH && p->t->has_time};
    c.tied_per_user = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *c.tied_per_user);
    if (p->t->has_time)
        l4r_par_users(p, ties_fn, &c);
    size_t tied = 0, n = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        tied += c.tied_per_user[u];
        n += p->ulen[u];
    }
    free(c.tied_per_user);
    l4r_report_ties(p, tied, n);
}

void l4r_stage_max_history(proc *p)
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
    l4r_report_max_history(p, removed);
}
