/*
 * process.c — l4r_process(): the stages, the split and the sinks, in memory or out of core.
 *
 * How it works.  The table's rows stay where the parser put them (source order).  The in-memory
 * engine works on one index array `idx` of row numbers, grouped by user (group.c) and
 * chronological inside each user's group; the stages (stages.c) drop rows from those groups,
 * remap (remap.c) numbers what is left, the split (split.c) writes one byte per row (train /
 * valid / test / dropped) and the sinks (sinks.c) walk either the rows in source order (split
 * none) or the user groups, formatting chunks of rows in parallel (opts->threads) and writing
 * them in order, so -j1 and -jN produce the same bytes.  A table that spilled sorted runs to disk
 * goes to the out-of-core engine instead (spilled.c), which makes the same steps passes over the
 * merged runs and writes the same bytes and manifest keys.
 *
 * Randomness (ties hash, shuffle remap, random split, candidates) comes from splitmix64 streams
 * derived from the seed and from stable keys (strings, row numbers), never from thread timing.
 */
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

void l4r_process_opts_defaults(l4r_process_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dedup = L4R_DEDUP_NONE;
    o->kcore_mode = L4R_KCORE_ITERATIVE;
    o->ties = L4R_TIES_SOURCE;
    o->remap_order = L4R_REMAP_FIRST;
    o->split = L4R_SPLIT_NONE;
    o->formats = L4R_SINK_TSV;
    o->seed = 42; /* as --help and the man page say */
    o->history_len = 10;
    o->window = 10;
    o->max_windows = 10000;
    o->eval_sample = 5000;
    o->threads = 1;
    o->p5_negatives = 99;
    o->llara_candidates = 20;
    o->openp5_tokens = 100;
    o->openp5_clusters = 10;
}

void l4r_stages_done(proc *p, const int64_t c[3])
{
    l4r_proc_set_counts(p, "counts", c);
    p->alive_items = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *p->alive_items);
    for (size_t i = 0; i < p->n_items; i++) {
        if (p->icnt[i])
            p->alive_items[p->n_alive_items++] = (uint32_t)i;
    }
}

void l4r_sinks_ready(proc *p)
{
    const l4r_itab *t = p->t;
    p->maxrow = l4r_dict_maxlen(t->users) + l4r_dict_maxlen(t->items) + l4r_dict_maxlen(t->ratings) + 48;
    l4r_proc_views(p);
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
    p->stem = l4r_sink_stem(o->dataset);
    p->m = m;
    p->threads = o->threads > 0 ? o->threads : 1;
    p->n_users = l4r_dict_size(t->users);
    p->n_items = l4r_dict_size(t->items);
    p->icnt = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *p->icnt);
    unsigned formats = o->formats ? o->formats : L4R_SINK_TSV;
    if (spilled && (formats & (L4R_SINK_P5 | L4R_SINK_LLARA | L4R_SINK_HLLM | L4R_SINK_OPENP5))) {
        st =
            l4r_err(e, L4R_EUSAGE, "--format p5, llara, hllm and openp5 work in memory only: raise --memory");
        goto out;
    }
    if (spilled && (formats & L4R_SINK_LLAMAREC)) {
        st = l4r_err(e, L4R_EUSAGE, "--format llamarec works in memory only: raise --memory");
        goto out;
    }
    if (o->require_title && !items) {
        st = l4r_err(e, L4R_EUSAGE,
                     "--require-title keeps the interactions whose item has a title in items.tsv, and there "
                     "are no item titles (the variant has none, or its item file was not next to the "
                     "input): give --raw the directory that holds it, or leave --require-title out");
        goto out;
    }
    if ((o->has_time_from || o->has_time_until) && !t->has_time) {
        st = l4r_err(e, L4R_EUSAGE,
                     "--time-from and --time-until keep the interactions in a time window, and this source "
                     "has no time: leave them out");
        goto out;
    }
    if (spilled) {
        st = l4r_process_spilled(p, formats, e);
        goto out;
    }

    int64_t c[3];
    l4r_group_by_user(p);
    l4r_proc_survivors(p, c);
    l4r_proc_set_counts(p, "stages.input", c);
    l4r_stage_dedup(p);
    l4r_stage_rating(p);
    l4r_stage_time(p);
    l4r_stage_title(p);
    l4r_stage_kcore(p);
    l4r_stage_ties(p);
    l4r_stage_max_history(p);
    if (l4r_interrupted) {
        st = l4r_err(e, L4R_EINTR, "interrupted");
        goto out;
    }
    l4r_proc_survivors(p, c);
    l4r_stages_done(p, c);
    st = l4r_stage_remap(p, e);
    if (st)
        goto out;
    l4r_stage_ties_renumbered(p);
    l4r_sinks_ready(p);
    st = l4r_split_assign(p, e);
    if (st)
        goto out;
    l4r_split_record_counts(p);

    st = l4r_sink_interactions(p, formats, e);
    if (!st && (formats & L4R_SINK_RECBOLE))
        st = l4r_sink_recbole_items(p, e);
    if (!st && (formats & L4R_SINK_RECBOLE))
        st = l4r_sink_recbole_users(p, e);
    if (!st && (formats & L4R_SINK_SASREC))
        st = l4r_sink_sasrec(p, e);
    if (!st && (formats & L4R_SINK_SEQUENCES))
        st = l4r_sink_sequences(p, e);
    if (!st && (formats & L4R_SINK_JSONL))
        st = l4r_sink_jsonl(p, e);
    if (!st && (formats & L4R_SINK_TALLREC))
        st = l4r_sink_tallrec(p, e);
    if (!st && (formats & L4R_SINK_BIGREC))
        st = l4r_sink_bigrec(p, e);
    if (!st && (formats & L4R_SINK_P5))
        st = l4r_sink_p5(p, e);
    if (!st && (formats & L4R_SINK_LLARA))
        st = l4r_sink_llara(p, e);
    if (!st && (formats & L4R_SINK_HLLM))
        st = l4r_sink_hllm(p, e);
    if (!st && (formats & L4R_SINK_LLAMAREC))
        st = l4r_sink_llamarec(p, e);
    if (!st && (formats & L4R_SINK_OPENP5))
        st = l4r_sink_openp5(p, e);
out:
    free(p->idx);
    free(p->ubeg);
    free(p->ulen);
    free(p->icnt);
    free(p->part);
    if (p->sas_umap != p->umap)
        free(p->sas_umap);
    if (p->sas_imap != p->imap)
        free(p->sas_imap);
    free(p->umap);
    free(p->imap);
    free(p->ititle);
    free(p->stem);
    free(p->alive_items);
    l4r_proc_views_free(p);
    return st;
}
