/*
 * export_llara.c — `--format llara`: LLaRA's (ljy0ustc/LLaRA) sequence tables as JSON lines.
 *
 * LLaRA reads pickled pandas DataFrames train_data.df, Val_data.df, Test_data.df with, per
 * example, `seq` (10 (item, rating) pairs, padded with (PAD, 0)), `len_seq` (the unpadded length)
 * and `next` (the target (item, rating)); item ids are MovieLens ids - 1 and PAD is the number of
 * items (1682 for ML-100K).  Its loader keeps len_seq >= 3, maps titles from u.item moving a
 * trailing article ("Matrix, The" -> "The Matrix") and draws cans_num - 1 random candidates per
 * __getitem__.  This export writes one JSON object per example, keys in this order:
 *
 *   seq             [[id, rating] x 10]: the previous (up to) --history items of the user, oldest
 *                   first, padded at the end with [PAD, 0]
 *   len_seq         the number of real entries
 *   next            [id, rating] of the target
 *   seq_title       the history's titles, article moved as LLaRA's get_mv_title does
 *   next_item_name  the target's title
 *   cans            --llara-candidates K ids: K - 1 distinct items neither in the history nor
 *                   the target, and the target at a seeded position (fixed in the file instead of
 *                   drawn per load)
 *   cans_name       their titles
 *
 * into train_data.jsonl / Val_data.jsonl / Test_data.jsonl by the split part of the target (all
 * in train_data.jsonl under --split none).  Every interaction with at least one earlier one is a
 * target.  Item ids: integer item ids minus 1 (LLaRA's ML-100K numbering); PAD = the largest + 1.
 * Candidates come from a splitmix64 stream seeded from --seed and the target's source row, so any
 * -j gives the same file.  In memory only.
 *
 * --llara-style ids (the default on steam and lastfm): what LLaRA's data/steam_data.py and
 * data/lastfm_data.py read instead: `seq` plain ids padded with PAD, `next` a plain id, titles
 * from id2name.txt ("ID::TITLE" lines, also written), ids 0..N-1 in order of first appearance in
 * the input and PAD = N (LLaRA publishes no preprocessing, LLaRA#18: docs/PRESETS.md).
 */
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

/* LLaRA's title: ML's trailing " (YYYY)" cut (u.item's title[:-7]), then the first of ", The",
 * ", A", ", An" found anywhere moved to the front (s.replace removes every occurrence). */
static void llara_title(l4r_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= 7 && s[n - 7] == ' ' && s[n - 6] == '(' && s[n - 1] == ')')
        n -= 7;
    static const char *const subs[] = {", The", ", A", ", An"};
    for (int k = 0; k < 3; k++) {
        size_t sl = strlen(subs[k]);
        const char *hit = NULL;
        for (size_t i = 0; i + sl <= n && !hit; i++)
            if (!memcmp(s + i, subs[k], sl))
                hit = s + i;
        if (!hit)
            continue;
        l4r_buf t = {0};
        l4r_buf_add(&t, subs[k] + 2, sl - 2);
        l4r_buf_addc(&t, ' ');
        for (size_t i = 0; i < n;) {
            if (i + sl <= n && !memcmp(s + i, subs[k], sl)) {
                i += sl;
                continue;
            }
            l4r_buf_addc(&t, s[i++]);
        }
        l4r_json_py_str(b, t.data, t.len);
        l4r_buf_free(&t);
        return;
    }
    l4r_json_py_str(b, s ? s : "", n);
}

/* The ids style's title: what LLaRA's steam / lastfm loaders read back from an id2name.txt line
 * "ID::TITLE" (l.strip('\n').split('::')[1].strip()): up to the first "::", blanks trimmed. */
static void plain_title(const char *s, const char **out, size_t *n)
{
    s = s ? s : "";
    const char *cut = strstr(s, "::");
    size_t len = cut ? (size_t)(cut - s) : strlen(s);
    while (len && strchr(" \t\r\n\v\f", s[0]) && s[0]) {
        s++;
        len--;
    }
    while (len && strchr(" \t\r\n\v\f", s[len - 1]))
        len--;
    *out = s;
    *n = len;
}

static void any_title(l4r_buf *b, bool ids, const char *s)
{
    if (!ids) {
        llara_title(b, s);
        return;
    }
    const char *t;
    size_t n;
    plain_title(s, &t, &n);
    l4r_json_py_str(b, t, n);
}

/* id2name.txt of the ids style: "ID::TITLE" per item, ids 0..N-1 (LLaRA's get_game_id2name). */
static l4r_status write_id2name(proc *p, l4r_error *e)
{
    l4r_out *o;
    l4r_status st = l4r_out_open(&o, p->dir, "id2name.txt", e);
    if (st)
        return st;
    l4r_buf b = {0};
    for (size_t i = 0; i < p->n_alive_items; i++) {
        const char *t;
        size_t n;
        plain_title(p->ititle[p->alive_items[i]], &t, &n);
        l4r_buf_addf(&b, "%zu::", i);
        l4r_buf_add(&b, t, n);
        l4r_buf_addc(&b, '\n');
    }
    st = l4r_out_write(o, b.data, b.len, e);
    l4r_out_add_rows(o, p->n_alive_items);
    l4r_buf_free(&b);
    if (st) {
        l4r_out_abort(o);
        return st;
    }
    return l4r_out_close(o, p->m, e);
}

static bool item_num(const l4r_itab *t, uint32_t item, long long *v)
{
    size_t n;
    const char *s = l4r_dict_str(t->items, item, &n);
    long long x = 0;
    if (!n || n > 18)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return x >= 1;
}

l4r_status l4r_sink_llara(proc *p, l4r_error *e)
{
    const l4r_itab *t = p->t;
    const l4r_process_opts *o = p->o;
    int K = o->llara_candidates, H = o->history_len > 0 ? o->history_len : 10;
    l4r_sink_titles(p);
    long long *id = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *id);
    long long pad = 0;
    /* ids: LLaRA's steam / lastfm loaders (plain ids, id2name.txt); pairs: its movielens one */
    bool ids = o->llara_style == 2 || (o->llara_style == 0 && o->family &&
                                       (!strcmp(o->family, "steam") || !strcmp(o->family, "lastfm")));
    for (size_t i = 0; ids && i < p->n_alive_items; i++) {
        uint32_t it = p->alive_items[i];
        const char *tt = p->ititle ? p->ititle[it] : NULL, *pt;
        size_t pn;
        plain_title(tt, &pt, &pn);
        if (!pn)
            return free(id), l4r_err(e, L4R_EUSAGE,
                                     "--format llara (--llara-style ids) writes every item's title to "
                                     "id2name.txt, and item '%s' has none (add --require-title)",
                                     l4r_dict_str(t->items, it, &(size_t){0}));
        id[it] = (long long)i; /* 0..N-1 in order of first appearance in the input */
        pad = (long long)i + 1;
    }
    for (size_t i = 0; !ids && i < p->n_alive_items; i++) {
        uint32_t it = p->alive_items[i];
        if (!item_num(t, it, &id[it]))
            return free(id), l4r_err(e, L4R_EUSAGE,
                                     "--format llara numbers items as LLaRA does (the integer id - 1): "
                                     "item '%s' is not a positive integer (add --remap)",
                                     l4r_dict_str(t->items, it, &(size_t){0}));
        id[it]--;
        if (id[it] + 1 > pad)
            pad = id[it] + 1;
    }
    if (K > 0 && (size_t)K > p->n_alive_items)
        return free(id),
               l4r_err(e, L4R_EUSAGE, "--llara-candidates %d: more than the %zu items", K, p->n_alive_items);
    static const char *const names[3] = {"train_data.jsonl", "Val_data.jsonl", "Test_data.jsonl"};
    l4r_out *out[3] = {NULL};
    l4r_buf b[3] = {{0}};
    uint64_t rows[3] = {0};
    l4r_status st = L4R_OK;
    int nf = o->split == L4R_SPLIT_NONE ? 1 : 3;
    for (int f = 0; !st && f < nf; f++)
        st = l4r_out_open(&out[f], p->dir, names[f], e);
    uint32_t *mark = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *mark);
    uint32_t *cans = l4r_xmalloc(((size_t)K + 1) * sizeof *cans);
    uint32_t stamp = 0;
    for (size_t u = 0; !st && u < p->n_users; u++) {
        const uint32_t *g = p->idx + p->ubeg[u];
        for (uint32_t j = 1; !st && j < p->ulen[u]; j++) {
            uint32_t r = g[j];
            int part = p->part ? p->part[r] : 0;
            if (part == PART_DROP)
                continue;
            if (nf == 1)
                part = 0;
            l4r_buf *w = &b[part];
            uint32_t h0 = j > (uint32_t)H ? j - (uint32_t)H : 0, nh = j - h0;
            if (++stamp == 0) {
                memset(mark, 0, p->n_items * sizeof *mark);
                stamp = 1;
            }
            l4r_buf_adds(w, "{\"seq\": [");
            for (uint32_t k = 0; k < (uint32_t)H; k++) {
                if (k)
                    l4r_buf_adds(w, ", ");
                if (k < nh) {
                    uint32_t hr = g[h0 + k];
                    mark[t->item[hr]] = stamp;
                    if (ids)
                        l4r_buf_addf(w, "%lld", id[t->item[hr]]);
                    else
                        l4r_buf_addf(w, "[%lld, %d]", id[t->item[hr]],
                                     (int)l4r_itab_rating_value(t, l4r_itab_rating(t, hr)));
                } else {
                    l4r_buf_addf(w, ids ? "%lld" : "[%lld, 0]", pad);
                }
            }
            if (ids)
                l4r_buf_addf(w, "], \"len_seq\": %u, \"next\": %lld, \"seq_title\": [", nh, id[t->item[r]]);
            else
                l4r_buf_addf(w, "], \"len_seq\": %u, \"next\": [%lld, %d], \"seq_title\": [", nh,
                             id[t->item[r]], (int)l4r_itab_rating_value(t, l4r_itab_rating(t, r)));
            for (uint32_t k = 0; k < nh; k++) {
                if (k)
                    l4r_buf_adds(w, ", ");
                any_title(w, ids, p->ititle ? p->ititle[t->item[g[h0 + k]]] : NULL);
            }
            l4r_buf_adds(w, "], \"next_item_name\": ");
            any_title(w, ids, p->ititle ? p->ititle[t->item[r]] : NULL);
            /* candidates: K - 1 by rejection from the alive items, the target at a drawn place */
            int nc = 0;
            if (K > 0) {
                mark[t->item[r]] = stamp;
                size_t avail = 0;
                for (size_t i = 0; i < p->n_alive_items; i++)
                    avail += mark[p->alive_items[i]] != stamp;
                rng rr = {mix64(o->seed ^ mix64((uint64_t)r + 1))};
                while (nc < K - 1 && (size_t)nc < avail) {
                    uint32_t c = p->alive_items[rng_below(&rr, p->n_alive_items)];
                    if (mark[c] == stamp)
                        continue;
                    mark[c] = stamp;
                    cans[nc++] = c;
                }
                uint64_t at = rng_below(&rr, (uint64_t)nc + 1);
                memmove(cans + at + 1, cans + at, (nc - at) * sizeof *cans);
                cans[at] = t->item[r];
                nc++;
            }
            l4r_buf_adds(w, ", \"cans\": [");
            for (int k = 0; k < nc; k++)
                l4r_buf_addf(w, "%s%lld", k ? ", " : "", id[cans[k]]);
            l4r_buf_adds(w, "], \"cans_name\": [");
            for (int k = 0; k < nc; k++) {
                if (k)
                    l4r_buf_adds(w, ", ");
                any_title(w, ids, p->ititle ? p->ititle[cans[k]] : NULL);
            }
            l4r_buf_adds(w, "]}\n");
            rows[part]++;
            if (w->len >= (1u << 20)) {
                st = l4r_out_write(out[part], w->data, w->len, e);
                w->len = 0;
            }
        }
    }
    for (int f = 0; f < nf; f++) {
        if (!st && b[f].len)
            st = l4r_out_write(out[f], b[f].data, b[f].len, e);
        if (!st) {
            l4r_out_add_rows(out[f], rows[f]);
            st = l4r_out_close(out[f], p->m, e);
        } else {
            l4r_out_abort(out[f]);
        }
        out[f] = NULL;
        l4r_buf_free(&b[f]);
    }
    if (!st && ids)
        st = write_id2name(p, e);
    l4r_manifest_set_str(p->m, "llara.style", ids ? "ids" : "pairs");
    l4r_manifest_set_int(p->m, "llara.history", H);
    l4r_manifest_set_int(p->m, "llara.candidates", K);
    l4r_manifest_set_int(p->m, "llara.padding_item_id", pad);
    l4r_manifest_set_int(p->m, "llara.seed", (int64_t)o->seed);
    free(mark);
    free(cans);
    free(id);
    return st;
}
