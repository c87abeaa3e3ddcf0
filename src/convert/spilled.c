/*
 * spilled.c — the out-of-core engine: l4r_process() on a table that spilled sorted runs
 * (spill.h).
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
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "process_internal.h"
#include "spill.h"
#include "stage.h"

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
    uint8_t *titled; /* require-title */
    uint32_t *irank; /* ties item */
    uint32_t *icnt_new;
    uint32_t *icnt_in;  /* input counts (pass 1) */
    remap_key *uk, *ik; /* first appearances (remap) */
    int ts_fd;          /* time-quantile: live timestamps */
    char *ts_path;
    l4r_buf tsb;
    /* pass results */
    size_t in_users, in_rows, rm_dedup, rm_rating, rm_time, rm_title, rm_kcore, tied, ties_rows, rm_hist;
    l4r_srec held; /* the group row l4r_rule_ties holds aside */
    /* final pass */
    l4r_split_plan plan;
    l4r_split_tally tally;
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

/* ---- the out-of-core group: the current user's records x->g[0 .. gn) ---- */

static uint32_t x_item(const void *grp, size_t j)
{
    return ((const ext *)grp)->g[j].item;
}

static uint32_t x_rating(const void *grp, size_t j)
{
    return ((const ext *)grp)->g[j].rating;
}

static int64_t x_ts(const void *grp, size_t j)
{
    return ((const ext *)grp)->g[j].ts;
}

static uint64_t x_row(const void *grp, size_t j)
{
    return ((const ext *)grp)->g[j].row;
}

static uint64_t x_tie_key(const void *grp, size_t j, uint64_t seed)
{
    const ext *x = grp;
    const l4r_srec *r = &x->g[j];
    return tie_hash(x->p->t, seed, r->user, r->item, r->ts);
}

static void x_drop_op(void *grp, size_t j)
{
    x_drop(grp, j);
}

static size_t x_compact_op(void *grp)
{
    return x_compact(grp);
}

static void x_hold(void *grp, size_t j)
{
    ext *x = grp;
    x->held = x->g[j];
}

static void x_move(void *grp, size_t dst, size_t src)
{
    ext *x = grp;
    x->g[dst] = x->g[src];
}

static void x_put(void *grp, size_t dst)
{
    ext *x = grp;
    x->g[dst] = x->held;
}

static const l4r_group_ops x_ops = {
    .item = x_item,
    .rating = x_rating,
    .ts = x_ts,
    .row = x_row,
    .tie_key = x_tie_key,
    .drop = x_drop_op,
    .compact = x_compact_op,
    .hold = x_hold,
    .move = x_move,
    .put = x_put,
};

/* Under --ties hash or item the group order is not the merge order: apply it again in the final
 * pass (--ties item by the new item numbers once --remap has them, as the in-memory engine). */
static void x_reorder(ext *x)
{
    const uint32_t *rank = x->irank && x->p->imap ? x->p->imap : x->irank;
    if ((x->p->o->ties == L4R_TIES_HASH || x->irank) && x->p->t->has_time)
        l4r_rule_ties(x, x->gn, &x_ops, true, x->p->o->seed, rank);
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
            if (o->dedup != L4R_DEDUP_NONE)
                x->rm_dedup += l4r_rule_dedup(x, x->gn, &x_ops, o->dedup, x->stamp, u + 1);
            if (x->keep)
                x->rm_rating += l4r_rule_rating(x, x->gn, &x_ops, x->keep);
            if (o->has_time_from || o->has_time_until)
                x->rm_time += l4r_rule_time(x, x->gn, &x_ops, o->has_time_from, o->time_from,
                                            o->has_time_until, o->time_until);
            if (x->titled)
                x->rm_title += l4r_rule_title(x, x->gn, &x_ops, x->titled);
        }
        if (flags & XP_KCORE)
            x->rm_kcore += l4r_rule_kcore(x, x->gn, &x_ops, U, I, p->icnt);
        if (flags & XP_POST) {
            x->ties_rows += x->gn;
            if (p->t->has_time)
                x->tied +=
                    l4r_rule_ties(x, x->gn, &x_ops, o->ties == L4R_TIES_HASH || x->irank, o->seed, x->irank);
            if (N)
                x->rm_hist += l4r_rule_max_history(x, x->gn, &x_ops, N);
            if (x->uk) {
                for (size_t j = 0; j < x->gn; j++) {
                    const l4r_srec *r = &x->g[j];
                    int64_t ts = o->remap_order == L4R_REMAP_SOURCE ? 0 : r->ts; /* source: the row */
                    l4r_remap_see(&x->uk[u], ts, r->row);
                    l4r_remap_see(&x->ik[r->item], ts, r->row);
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

static l4r_status x_kcore_round(void *ctx, uint32_t U, uint32_t I, size_t *removed, l4r_error *e)
{
    ext *x = ctx;
    x->rm_kcore = 0;
    l4r_status st = x_stage_pass(x, XP_KCORE, U, I, e);
    *removed = x->rm_kcore;
    return st;
}

static void x_kcore_survivors(void *ctx, int64_t c[3])
{
    l4r_proc_count_alive(((ext *)ctx)->p, c);
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

static l4r_status x_kth_fn(void *ctx, uint64_t k, int64_t *out, l4r_error *e)
{
    return x_ts_select(ctx, k, out, e);
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
    tv->rating8 = NULL; /* a batch's columns are always wide */
    tv->rating32 = x->b.rating;
    tv->ts32 = NULL;
    tv->ts64 = x->b.ts;
    tv->rating_wide = tv->ts_wide = true;
    tv->rating_max = UINT32_MAX;
    tv->ts_max = UINT64_MAX;
    tv->fast_cap = 0;
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
        st = l4r_run_pass(ps[k], e);
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
        d = put_u64(d, p->sas_umap[u]);
        *d++ = ' ';
        d = put_u64(d, p->sas_imap[x->g[j].item]);
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
    size_t nu;
    uint32_t *uorder = l4r_sasrec_users(p, &nu);
    char *name = l4r_sasrec_name(p);
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
        for (size_t j = 0; j < x->gn; j++) {
            const l4r_srec *r = &x->g[j];
            b->user[at + j] = r->user;
            b->item[at + j] = r->item;
            b->rating[at + j] = r->rating;
            b->ts[at + j] = r->ts;
            b->src[at + j] = r->row;
            b->idx[at + j] = (uint32_t)(at + j);
        }
        l4r_split_rows(&x->plan, NULL, x->gn, NULL, b->ts + at, b->part + at);
        l4r_split_tally_group(&x->tally, NULL, x->gn, b->item + at, b->part + at);
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
    pass ps;
    char *rbn[3] = {NULL};
    l4r_status st = l4r_sink_open_inter(p, formats, &ps, rbn, e);
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
        st = l4r_run_pass(&ps, e);
        ps.p = p;
        b->n = 0;
    }
    st = l4r_close_outs(p, &ps, st, e);
    for (int k = 0; k < 3; k++)
        free(rbn[k]);
    return st;
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

/* Read the spill back: buffers sized from the budget, the per-user / per-item arrays, the
 * dedup and rating tables, the remap keys, the time-quantile file. */
static l4r_status x_setup(ext *x, uint64_t fixed, l4r_error *e)
{
    proc *p = x->p;
    const l4r_process_opts *o = p->o;
    l4r_itab *t = p->t;
    l4r_status st = l4r_itab_spill_flush(t, e);
    if (st)
        return st;
    x->sp = t->spill;
    /* what is left of the budget after the fixed arrays: a quarter to the run buffers, a quarter
     * to the output batch (about 40 bytes a row) */
    uint64_t budget = t->memory_limit;
    uint64_t left = fixed < budget ? budget - fixed : 0;
    uint64_t per = left / 4 / (x->sp->n ? x->sp->n : 1);
    x->bufsz = per < (64u << 10) ? (64u << 10) : per > (8u << 20) ? (8u << 20) : (size_t)per;
    uint64_t br = left / 4 / 40;
    x->batch_rows = br < 4096 ? 4096 : br > (4u << 20) ? (4u << 20) : (size_t)br;
    x->dead = l4r_xcalloc(t->n / 8 + 1, 1);
    p->ulen = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *p->ulen);
    x->ubeg = l4r_xcalloc(p->n_users + 1, sizeof *x->ubeg);
    x->icnt_new = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *x->icnt_new);
    x->icnt_in = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *x->icnt_in);
    if (o->dedup != L4R_DEDUP_NONE)
        x->stamp = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *x->stamp);
    if (o->has_min_rating)
        x->keep = l4r_rating_keep(p);
    if (o->require_title)
        x->titled = l4r_title_keep(p);
    if (o->ties == L4R_TIES_ITEM && t->has_time)
        x->irank = l4r_item_rank(p);
    if (o->remap || (o->formats & L4R_SINK_SASREC)) {
        x->uk = l4r_remap_keys(p->n_users);
        x->ik = l4r_remap_keys(p->n_items);
    }
    if (o->split == L4R_SPLIT_TIME_QUANTILE && t->has_time) {
        x->ts_path = l4r_xasprintf("%s/timestamps.bin", x->sp->dir);
        x->ts_fd = open(x->ts_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (x->ts_fd < 0)
            return l4r_err(e, L4R_EIO, "cannot create '%s': %s", x->ts_path, strerror(errno));
    }
    return L4R_OK;
}

/* The stages as passes over the merged runs, each reported as the in-memory engine reports it,
 * then remap. */
static l4r_status x_stages(ext *x, l4r_error *e)
{
    proc *p = x->p;
    const l4r_process_opts *o = p->o;
    bool kcore = o->user_core > 0 || o->item_core > 0;
    l4r_status st = x_stage_pass(x, XP_PRE | (kcore ? 0 : XP_POST), 0, 0, e);
    if (st)
        return st;
    int64_t items = 0;
    for (size_t i = 0; i < p->n_items; i++)
        items += x->icnt_in[i] > 0;
    int64_t c[3] = {(int64_t)x->in_users, items, (int64_t)x->in_rows};
    l4r_proc_set_counts(p, "stages.input", c);
    l4r_report_dedup(p, x->rm_dedup);
    l4r_report_rating(p, x->rm_rating);
    l4r_report_time(p, x->rm_time);
    int64_t untitled = 0;
    for (size_t i = 0; x->titled && i < p->n_items; i++)
        untitled += x->icnt_in[i] > 0 && !x->titled[i];
    l4r_report_title(p, (size_t)untitled, x->rm_title);
    if (kcore) {
        st = l4r_kcore_run(p, x_kcore_round, x_kcore_survivors, x, e);
        if (!st)
            st = x_stage_pass(x, XP_POST, 0, 0, e);
        if (st)
            return st;
    }
    l4r_report_ties(p, x->tied, x->ties_rows);
    l4r_report_max_history(p, x->rm_hist);
    if (l4r_interrupted)
        return l4r_err(e, L4R_EINTR, "interrupted");
    l4r_proc_count_alive(p, c);
    l4r_stages_done(p, c);
    if (x->uk) {
        st = l4r_remap_finish(p, x->uk, x->ik, e);
        x->uk = x->ik = NULL;
    }
    return st;
}

/* The split and the sinks: interactions in source order first under split none, then every
 * per-user sink at once in the final pass, closed in the order the in-memory engine writes
 * them. */
static l4r_status x_sinks(ext *x, xsinks *S, unsigned formats, l4r_error *e)
{
    proc *p = x->p;
    const l4r_process_opts *o = p->o;
    l4r_sinks_ready(p);
    l4r_status st = l4r_split_plan_make(p, &x->plan, x_kth_fn, x, e);
    if (st)
        return st;
    bool inter = formats & (L4R_SINK_TSV | L4R_SINK_RECBOLE);
    if (o->split == L4R_SPLIT_NONE && inter) {
        st = x_source_pass(x, formats, e);
        if (st)
            return st;
    }
    if (o->split != L4R_SPLIT_NONE && inter) {
        S->has_inter = true;
        st = l4r_sink_open_inter(p, formats, &S->inter, S->rbn, e);
        if (st)
            return st;
    }
    if (formats & L4R_SINK_SEQUENCES) {
        S->has_seq = true;
        st = l4r_sink_open_sequences(p, &S->seq, e);
        if (st)
            return st;
    }
    if (formats & L4R_SINK_JSONL) {
        S->has_jsonl = true;
        st = l4r_sink_open_jsonl(p, &S->jsonl, e);
        if (st)
            return st;
    }
    if (formats & L4R_SINK_SASREC) {
        x->sas_path = l4r_xasprintf("%s/sasrec.bin", x->sp->dir);
        x->sas_fd = open(x->sas_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (x->sas_fd < 0)
            return l4r_err(e, L4R_EIO, "cannot create '%s': %s", x->sas_path, strerror(errno));
        x->sas_off = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *x->sas_off);
        x->sas_len = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *x->sas_len);
    }
    if (S->has_inter || S->has_seq || S->has_jsonl || x->sas_fd >= 0 || o->split != L4R_SPLIT_NONE) {
        l4r_split_tally_init(&x->tally, p);
        st = x_final_pass(x, S, e);
        if (st)
            return st;
    }
    if (S->has_inter) {
        S->has_inter = false;
        st = l4r_close_outs(p, &S->inter, st, e);
    }
    if (!st && (formats & L4R_SINK_RECBOLE))
        st = l4r_sink_recbole_items(p, e);
    if (!st && (formats & L4R_SINK_RECBOLE))
        st = l4r_sink_recbole_users(p, e);
    if (!st && x->sas_fd >= 0)
        st = x_sas_write(x, e);
    if (!st && S->has_seq) {
        S->has_seq = false;
        st = l4r_close_outs(p, &S->seq, st, e);
    }
    if (!st && S->has_jsonl) {
        l4r_report_jsonl(p);
        S->has_jsonl = false;
        st = l4r_close_outs(p, &S->jsonl, st, e);
    }
    if (!st)
        l4r_report_split_counts(p, &x->tally);
    return st;
}

static void x_report_spill(const ext *x, uint64_t fixed)
{
    const proc *p = x->p;
    uint64_t budget = p->t->memory_limit;
    l4r_manifest_set_int(p->m, "spill.memory_budget", (int64_t)budget);
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
}

static void x_free(ext *x, xsinks *S)
{
    if (S->has_inter)
        l4r_close_outs(x->p, &S->inter, L4R_EIO, NULL);
    if (S->has_seq)
        l4r_close_outs(x->p, &S->seq, L4R_EIO, NULL);
    if (S->has_jsonl)
        l4r_close_outs(x->p, &S->jsonl, L4R_EIO, NULL);
    for (int k = 0; k < 3; k++)
        free(S->rbn[k]);
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
    free(x->titled);
    free(x->irank);
    free(x->icnt_new);
    free(x->icnt_in);
    free(x->uk);
    free(x->ik);
    free(x->tally.iseen);
    free(x->ubeg);
    xb_free(&x->b);
}

l4r_status l4r_process_spilled(proc *p, unsigned formats, l4r_error *e)
{
    ext X;
    memset(&X, 0, sizeof X);
    ext *x = &X;
    x->p = p;
    x->ts_fd = -1;
    x->sas_fd = -1;
    xsinks S;
    memset(&S, 0, sizeof S);
    uint64_t fixed = x_fixed_bytes(p->t);
    l4r_status st = x_setup(x, fixed, e);
    if (!st)
        st = x_stages(x, e);
    if (!st)
        st = x_sinks(x, &S, formats, e);
    if (!st)
        x_report_spill(x, fixed);
    x_free(x, &S);
    /* the runs are not needed any more, and must not end up in the output directory */
    l4r_spill_free(p->t->spill);
    p->t->spill = NULL;
    return st;
}
