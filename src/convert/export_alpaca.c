/*
 * export_alpaca.c — the Alpaca JSON exports of TALLRec (--format tallrec) and BIGRec
 * (--format bigrec): sliding windows of each user's history, split and written as the JSON
 * arrays those codebases' training scripts load (docs/PRESETS.md "tallrec", "bigrec").
 *
 * How it works.  After the stages, every user's live rows are chronological (ties in source
 * order) and users come in id order, which is their order of first appearance in the source, as
 * a Python dict fills.  A window is W consecutive rows of one user (the history) and the row
 * after them (the target); windows are listed user by user, each user's in time order.
 *
 *   tallrec  every window; the last --max-windows of that list (user-grouped order, not time);
 *            8:1:1 by position (Python's int(n * 0.8), int(n * 0.9)); a history item is liked
 *            when its rating is > 3, the output "Yes." or "No." for the target's.
 *   tallrec on books (--tallrec-style book, the default on book-crossing): TALLRec's
 *            preprocess_book.py instead, one record per user (tallrec_book below).
 *   bigrec   only windows whose target is liked (rating > 3); sorted by target timestamp (stable:
 *            ties keep the user-grouped order); 8:1:1 by position; valid and test also as
 *            valid_N.json / test_N.json, N rows drawn as pandas' DataFrame.sample(n=N,
 *            random_state=seed) draws them (numpy's legacy MT19937 permutation, its first N).
 *
 * The JSON bytes are Python's json.dump(list, f, indent=4) with its defaults: keys in the order
 * instruction, input, output; ",\n" between items, ": " after keys; ensure_ascii (every
 * non-ASCII character as \uXXXX, lowercase hex, surrogate pairs above U+FFFF); no final newline.
 * Inside the prompts each title is a JSON string literal of its own ("..." with \" and \\
 * escaped), where the codebases paste the raw title between quotes.
 *
 * Runs on the calling thread only, so any -j writes the same bytes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mt19937.h"
#include "process_internal.h"

typedef struct window {
    uint32_t u;   /* user */
    uint32_t end; /* position of the target in the user's group */
} window;

/* RandomState(seed).permutation(n) into perm (n < 2^32): mt19937.h, as P5's and LLaRA's draws. */
static void np_permutation(uint64_t seed, uint32_t *perm, size_t n)
{
    l4r_mt m;
    l4r_mt_init(&m, (uint32_t)seed);
    l4r_mt_np_permutation(&m, perm, n);
}

/* ---- JSON as Python's json.dumps writes it ---- */

/* The next code point of UTF-8 s[*i..n) (U+FFFD for a bad sequence, one byte consumed). */
static uint32_t utf8_next(const unsigned char *s, size_t n, size_t *i)
{
    unsigned c = s[*i];
    int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
    if (!len || *i + (size_t)len > n) {
        ++*i;
        return 0xfffd;
    }
    for (int k = 1; k < len; k++) {
        unsigned d = s[*i + (size_t)k];
        if ((d & 0xc0) != 0x80) {
            ++*i;
            return 0xfffd;
        }
        cp = (cp << 6) | (d & 0x3f);
    }
    static const uint32_t minimum[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        ++*i;
        return 0xfffd;
    }
    *i += (size_t)len;
    return cp;
}

/* The body of a JSON string for s (no surrounding quotes): '"', '\\' and control characters
 * escaped as Python does; ascii: every character above U+007F as \uXXXX too (ensure_ascii). */
static void json_body(l4r_buf *b, const char *s, size_t n, bool ascii)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c >= 0x80) {
            size_t at = i;
            uint32_t cp = utf8_next(u, n, &i);
            if (!ascii && cp != 0xfffd) {
                l4r_buf_add(b, s + at, i - at);
            } else if (cp >= 0x10000) {
                cp -= 0x10000;
                l4r_buf_addf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
            } else if (ascii) {
                l4r_buf_addf(b, "\\u%04x", (unsigned)cp);
            } else {
                l4r_buf_adds(b, "\xef\xbf\xbd");
            }
            continue;
        }
        i++;
        switch (c) {
        case '"': l4r_buf_adds(b, "\\\""); break;
        case '\\': l4r_buf_adds(b, "\\\\"); break;
        case '\n': l4r_buf_adds(b, "\\n"); break;
        case '\r': l4r_buf_adds(b, "\\r"); break;
        case '\t': l4r_buf_adds(b, "\\t"); break;
        case '\b': l4r_buf_adds(b, "\\b"); break;
        case '\f': l4r_buf_adds(b, "\\f"); break;
        default:
            if (c < 0x20)
                l4r_buf_addf(b, "\\u%04x", c);
            else
                l4r_buf_addc(b, (char)c);
        }
    }
}

/* A title inside a prompt: a JSON string literal of its own, non-ASCII kept. */
static void add_title(l4r_buf *b, const char *title)
{
    l4r_buf_addc(b, '"');
    json_body(b, title, strlen(title), false);
    l4r_buf_addc(b, '"');
}

/* One element of the array at indent 4, keys at indent 8 (json.dump(..., indent=4)). */
static void add_record(l4r_buf *b, bool first, const char *instruction, const l4r_buf *input,
                       const l4r_buf *output)
{
    l4r_buf_adds(b, first ? "\n    {\n        \"instruction\": \"" : ",\n    {\n        \"instruction\": \"");
    json_body(b, instruction, strlen(instruction), true);
    l4r_buf_adds(b, "\",\n        \"input\": \"");
    json_body(b, input->data, input->len, true);
    l4r_buf_adds(b, "\",\n        \"output\": \"");
    json_body(b, output->data, output->len, true);
    l4r_buf_adds(b, "\"\n    }");
}

/* ---- windows ---- */

typedef struct alpaca {
    proc *p;
    int w;        /* history length */
    double *like; /* per rating id: 1 when > 3 */
    /* bigrec on games: the users' titled rows, users in order of their first one (grows[gbeg[k]
     * .. gbeg[k + 1]) is the k-th); NULL: p->idx by user id */
    uint32_t *grows, *gbeg;
    size_t ng;
    bool game;
} alpaca;

static inline uint32_t row_at(const alpaca *a, uint32_t u, uint32_t pos)
{
    return a->grows ? a->grows[a->gbeg[u] + pos] : a->p->idx[a->p->ubeg[u] + pos];
}

static inline uint32_t ulen_of(const alpaca *a, size_t u)
{
    return a->grows ? a->gbeg[u + 1] - a->gbeg[u] : a->p->ulen[u];
}

/* The first history position of a window (BIGRec's games: max(i - 10, 0)). */
static inline uint32_t hist_beg(const alpaca *a, const window *wd)
{
    return wd->end > (uint32_t)a->w ? wd->end - (uint32_t)a->w : 0;
}

static inline bool liked(const alpaca *a, uint32_t row)
{
    return a->like[l4r_itab_rating(a->p->t, row)] > 0;
}

/* Every window (target at position >= w of its user), user by user; liked_only: those whose
 * target is liked.  *n gets the count; caller frees. */
static window *make_windows(const alpaca *a, bool liked_only, size_t *n)
{
    size_t cap = 0, k = 0, nu = a->grows ? a->ng : a->p->n_users;
    for (size_t u = 0; u < nu; u++)
        cap += ulen_of(a, u) > (uint32_t)a->w ? ulen_of(a, u) - (uint32_t)a->w : 1;
    window *ws = l4r_xmalloc((cap ? cap : 1) * sizeof *ws);
    for (size_t u = 0; u < nu; u++) {
        uint32_t len = ulen_of(a, u);
        /* games: range(min(10, len - 1), len), a shorter history for a user with <= 10 */
        uint32_t j0 = a->game && len && len - 1 < (uint32_t)a->w ? len - 1 : (uint32_t)a->w;
        for (uint32_t j = j0; j < len; j++) {
            if (liked_only && !liked(a, row_at(a, (uint32_t)u, j)))
                continue;
            ws[k++] = (window){(uint32_t)u, j};
        }
    }
    *n = k;
    return ws;
}

static const char *title_of(const alpaca *a, uint32_t row)
{
    return a->p->ititle[a->p->t->item[row]];
}

/* The item id of a row without a title, for the error; NULL when every row has one. */
static l4r_status check_titles(const alpaca *a, const char *fmt, l4r_error *e)
{
    const proc *p = a->p;
    if (!p->items)
        return l4r_err(e, L4R_EUSAGE,
                       "--format %s needs item titles (items.tsv), and this dataset variant has none", fmt);
    for (size_t u = 0; u < p->n_users; u++) {
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = row_at(a, (uint32_t)u, j);
            if (!title_of(a, r)) {
                size_t n;
                const char *s = l4r_dict_str(p->t->items, p->t->item[r], &n);
                return l4r_err(e, L4R_EUSAGE,
                               "--format %s needs a title for every item: item %.*s has none in items.tsv",
                               fmt, (int)n, s);
            }
        }
    }
    return L4R_OK;
}

static const char TALLREC_INSTRUCTION[] =
    "Given the user's preference and unpreference, identify whether the user will like the target movie by "
    "answering \"Yes.\" or \"No.\".";
static const char BIGREC_INSTRUCTION[] =
    "Given a list of movies the user has watched before, please recommend a new movie that the user likes to "
    "the user.";

static const char BIGREC_GAME_INSTRUCTION[] =
    "Given a list of video games the user has played before, please recommend a new video game that the user "
    "likes to the user.";

static void tallrec_record(const alpaca *a, const window *wd, bool first, l4r_buf *b, l4r_buf *in,
                           l4r_buf *out)
{
    l4r_buf_reset(in);
    l4r_buf_reset(out);
    l4r_buf_adds(in, "User Preference: ");
    for (int half = 0; half < 2; half++) {
        bool any = false;
        if (half)
            l4r_buf_adds(in, "\nUser Unpreference: ");
        for (uint32_t j = wd->end - (uint32_t)a->w; j < wd->end; j++) {
            uint32_t r = row_at(a, wd->u, j);
            if (liked(a, r) != !half)
                continue;
            if (any)
                l4r_buf_adds(in, ", ");
            add_title(in, title_of(a, r));
            any = true;
        }
    }
    uint32_t tr = row_at(a, wd->u, wd->end);
    l4r_buf_adds(in, "\nWhether the user will like the target movie ");
    add_title(in, title_of(a, tr));
    l4r_buf_addc(in, '?');
    l4r_buf_adds(out, liked(a, tr) ? "Yes." : "No.");
    add_record(b, first, TALLREC_INSTRUCTION, in, out);
}

static void bigrec_record(const alpaca *a, const window *wd, bool first, l4r_buf *b, l4r_buf *in,
                          l4r_buf *out)
{
    l4r_buf_reset(in);
    l4r_buf_reset(out);
    l4r_buf_adds(in, a->game ? "The user has played the following video games before:"
                             : "The user has watched the following movies before:");
    for (uint32_t j = hist_beg(a, wd); j < wd->end; j++) {
        if (j > hist_beg(a, wd))
            l4r_buf_adds(in, ", ");
        add_title(in, title_of(a, row_at(a, wd->u, j)));
    }
    l4r_buf_adds(in, "\n ");
    add_title(out, title_of(a, row_at(a, wd->u, wd->end)));
    add_record(b, first, a->game ? BIGREC_GAME_INSTRUCTION : BIGREC_INSTRUCTION, in, out);
}

typedef void (*record_fn)(const alpaca *a, const window *wd, bool first, l4r_buf *b, l4r_buf *in,
                          l4r_buf *out);

/* n records as one JSON array in dir/name: one(ctx, k, k == 0, ...) appends the k-th to b (in and
 * out are its scratch), written out a MiB at a time. */
typedef void (*array_item_fn)(const void *ctx, size_t k, bool first, l4r_buf *b, l4r_buf *in, l4r_buf *out);
static l4r_status json_array_file(const proc *p, const char *name, size_t n, array_item_fn one,
                                  const void *ctx, l4r_error *e)
{
    l4r_out *o;
    l4r_status st = l4r_out_open(&o, p->dir, name, e);
    if (st)
        return st;
    l4r_buf b = {0}, in = {0}, out = {0};
    l4r_buf_addc(&b, '[');
    for (size_t k = 0; k < n && !st; k++) {
        one(ctx, k, k == 0, &b, &in, &out);
        if (b.len >= (1u << 20)) {
            st = l4r_out_write(o, b.data, b.len, e);
            l4r_buf_reset(&b);
        }
    }
    l4r_buf_adds(&b, n ? "\n]" : "]");
    if (!st)
        st = l4r_out_write(o, b.data, b.len, e);
    l4r_out_add_rows(o, n);
    l4r_buf_free(&b);
    l4r_buf_free(&in);
    l4r_buf_free(&out);
    if (st) {
        l4r_out_abort(o);
        return st;
    }
    return l4r_out_close(o, p->m, e);
}

typedef struct windows_ctx {
    const alpaca *a;
    const window *ws;
    const uint32_t *order;
    record_fn rec;
} windows_ctx;

static void window_item(const void *ctx, size_t k, bool first, l4r_buf *b, l4r_buf *in, l4r_buf *out)
{
    const windows_ctx *c = ctx;
    c->rec(c->a, &c->ws[c->order ? c->order[k] : k], first, b, in, out);
}

/* Write ws[order[k]] (order NULL: ws[k]) for k < n as one JSON array into dir/name. */
static l4r_status write_array(const alpaca *a, const char *name, const window *ws, const uint32_t *order,
                              size_t n, record_fn rec, l4r_error *e)
{
    windows_ctx c = {a, ws, order, rec};
    return json_array_file(a->p, name, n, window_item, &c, e);
}

static l4r_status alpaca_begin(alpaca *a, proc *p, const char *fmt, l4r_error *e)
/* (a->game: rows without a title are left out, not refused: game_rows) */
{
    a->p = p;
    a->w = p->o->window > 0 ? p->o->window : 10;
    if (p->t->spill || p->t->spill_status)
        return l4r_err(e, L4R_EUSAGE, "--format %s works in memory: raise --memory for this dataset", fmt);
    l4r_sink_titles(p);
    size_t nr = l4r_dict_size(p->t->ratings);
    a->like = l4r_xcalloc(nr ? nr : 1, sizeof *a->like);
    for (size_t r = 0; r < nr; r++) {
        double v = l4r_itab_rating_value(p->t, (uint32_t)r);
        a->like[r] = !isnan(v) && v > 3.0 ? 1 : 0;
    }
    if (a->game && !p->items)
        return l4r_err(e, L4R_EUSAGE,
                       "--format %s needs item titles (items.tsv), and this dataset variant has none", fmt);
    return a->game ? L4R_OK : check_titles(a, fmt, e);
}

/* Positions of the 8:1:1 cut points of n windows, as int(n * 0.8) and int(n * 0.9). */
static void cuts(size_t n, size_t c[2])
{
    c[0] = (size_t)((double)n * 0.8);
    c[1] = (size_t)((double)n * 0.9);
}

static void report_parts(proc *p, const char *fmt, size_t n, const size_t c[2])
{
    char key[64];
    const size_t rows[3] = {c[0], c[1] - c[0], n - c[1]};
    for (int k = 0; k < 3; k++) {
        snprintf(key, sizeof key, "%s.%s", fmt, l4r_part_name[k]);
        l4r_manifest_set_int(p->m, key, (int64_t)rows[k]);
    }
}

static l4r_status tallrec_book(alpaca *a, l4r_error *e);

l4r_status l4r_sink_tallrec(proc *p, l4r_error *e)
{
    alpaca a = {0};
    bool books = p->o->tallrec_style == 2 ||
                 (p->o->tallrec_style == 0 && p->o->family && !strcmp(p->o->family, "book-crossing"));
    if (books) {
        a.p = p;
        a.w = p->o->window > 0 ? p->o->window : 10;
        if (p->t->spill || p->t->spill_status)
            return l4r_err(e, L4R_EUSAGE,
                           "--format tallrec works in memory: raise --memory for this dataset");
        l4r_sink_titles(p);
        return tallrec_book(&a, e);
    }
    l4r_status st = alpaca_begin(&a, p, "tallrec", e);
    size_t n = 0;
    window *ws = NULL;
    if (!st) {
        ws = make_windows(&a, false, &n);
        size_t keep = p->o->max_windows > 0 && (size_t)p->o->max_windows < n ? (size_t)p->o->max_windows : n;
        const window *w0 = ws + (n - keep);
        size_t c[2];
        cuts(keep, c);
        l4r_manifest_set_str(p->m, "tallrec.style", "movie");
        l4r_manifest_set_int(p->m, "tallrec.window", a.w);
        l4r_manifest_set_int(p->m, "tallrec.max_windows", p->o->max_windows);
        l4r_manifest_set_int(p->m, "tallrec.windows", (int64_t)n);
        l4r_manifest_set_int(p->m, "tallrec.kept", (int64_t)keep);
        report_parts(p, "tallrec", keep, c);
        const size_t beg[3] = {0, c[0], c[1]}, end[3] = {c[0], c[1], keep};
        for (int k = 0; k < 3 && !st; k++) {
            char name[32];
            snprintf(name, sizeof name, "%s.json", l4r_part_name[k]);
            st = write_array(&a, name, w0 + beg[k], NULL, end[k] - beg[k], tallrec_record, e);
        }
    }
    free(ws);
    free(a.like);
    return st;
}

/* ---- tallrec on Book-Crossing (TALLRec's preprocess_book.py) ---- */

static const char TALLREC_BOOK_INSTRUCTION[] =
    "Given the user's preference and unpreference, identify whether the user will like the target book by "
    "answering \"Yes.\" or \"No.\".";

typedef struct book {
    const alpaca *a;
    const char **author; /* per item id: items.tsv "author" (or NULL) */
    uint32_t *rows;      /* every kept user's titled rows, shuffled, user after user */
    size_t *beg;         /* kept user k's rows: rows[beg[k] .. beg[k + 1]) */
} book;

/* A book in a prompt: the title as its own JSON literal, then " written by AUTHOR" (raw). */
static void add_book(l4r_buf *b, const book *bk, uint32_t row)
{
    const char *au = bk->author[bk->a->p->t->item[row]];
    add_title(b, title_of(bk->a, row));
    l4r_buf_adds(b, " written by ");
    l4r_buf_adds(b, au ? au : "");
}

static bool book_liked(const alpaca *a, uint32_t row)
{
    double v = l4r_itab_rating_value(a->p->t, l4r_itab_rating(a->p->t, row));
    return !isnan(v) && v > 5.0;
}

/* One user's record: the first min(n - 1, W) shuffled rows are the history, the last the target.
 * The target as TALLRec's released data/book files write it: the book string in quotes. */
static void book_record(const book *bk, size_t k, bool first, l4r_buf *b, l4r_buf *in, l4r_buf *out)
{
    const alpaca *a = bk->a;
    const uint32_t *r = bk->rows + bk->beg[k];
    size_t n = bk->beg[k + 1] - bk->beg[k], h = n - 1 < (size_t)a->w ? n - 1 : (size_t)a->w;
    l4r_buf_reset(in);
    l4r_buf_reset(out);
    l4r_buf_adds(in, "User Preference: ");
    for (int half = 0; half < 2; half++) {
        bool any = false;
        if (half)
            l4r_buf_adds(in, "\nUser Unpreference: ");
        for (size_t j = 0; j < h; j++) {
            if (book_liked(a, r[j]) != !half)
                continue;
            if (any)
                l4r_buf_adds(in, ", ");
            add_book(in, bk, r[j]);
            any = true;
        }
    }
    l4r_buf_adds(in, "\nWhether the user will like the target book \"");
    add_book(in, bk, r[n - 1]);
    l4r_buf_adds(in, "\"?");
    l4r_buf_adds(out, book_liked(a, r[n - 1]) ? "Yes." : "No.");
    add_record(b, first, TALLREC_BOOK_INSTRUCTION, in, out);
}

typedef struct books_ctx {
    const book *bk;
    const uint32_t *users;
} books_ctx;

static void book_item(const void *ctx, size_t k, bool first, l4r_buf *b, l4r_buf *in, l4r_buf *out)
{
    const books_ctx *c = ctx;
    book_record(c->bk, c->users[k], first, b, in, out);
}

static l4r_status book_write(const book *bk, const char *name, const uint32_t *users, size_t n, l4r_error *e)
{
    books_ctx c = {bk, users};
    return json_array_file(bk->a->p, name, n, book_item, &c, e);
}

typedef struct merged_key {
    uint32_t first, row, u; /* first row of the row's item, the row, its user */
} merged_key;

static int cmp_merged(const void *x, const void *y)
{
    const merged_key *a = x, *b = y;
    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* TALLRec's book procedure: ratings of books without a title dropped (its inner merge with
 * BX-Books), users with > 3 left; the users (in order of first appearance in the merged frame)
 * shuffled by random.seed(--seed) and cut 8:1:1; each user's rows (in the merged frame's order)
 * shuffled by random.seed(42), as TALLRec reseeds per user; one record per user.  A rating > 5 is a like, so
 * the implicit 0s are dislikes. */
static l4r_status tallrec_book(alpaca *a, l4r_error *e)
{
    proc *p = a->p;
    if (!p->items)
        return l4r_err(e, L4R_EUSAGE,
                       "--format tallrec needs item titles (items.tsv), and this dataset "
                       "variant has none");
    if (p->o->seed > UINT32_MAX)
        return l4r_err(e, L4R_EUSAGE,
                       "--format tallrec on books shuffles the users as Python's "
                       "random.seed(S) does here: --seed must be below 2^32");
    book bk = {.a = a};
    size_t ai = p->items->n_extra;
    for (size_t k = 0; k < p->items->n_extra; k++)
        if (!strcmp(p->items->extra_names[k], "author"))
            ai = k;
    bk.author = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *bk.author);
    for (size_t i = 0; ai < p->items->n_extra && i < p->n_items; i++) {
        size_t sn;
        const char *s = l4r_dict_str(p->t->items, (uint32_t)i, &sn);
        uint32_t k = l4r_dict_find(p->items->ids, s, sn);
        bk.author[i] = k == UINT32_MAX ? NULL : p->items->extra[k][ai];
    }
    /* The merged frame's order: pandas < 2.0 (TALLRec's: error_bad_lines) lists an inner merge's
     * rows grouped by key, the keys in order of first appearance in the ratings, each group in
     * file order.  A row's place there is (first row of its item, its row). */
    uint32_t *irank = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *irank);
    for (size_t i = 0; i < p->n_items; i++)
        irank[i] = UINT32_MAX;
    size_t cap = 0, untitled = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = row_at(a, (uint32_t)u, j), it = p->t->item[r];
            if (!title_of(a, r)) {
                untitled++;
                continue;
            }
            irank[it] = r < irank[it] ? r : irank[it];
            cap++;
        }
    }
    merged_key *keys = l4r_xmalloc((cap ? cap : 1) * sizeof *keys);
    size_t nkeys = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = row_at(a, (uint32_t)u, j);
            if (title_of(a, r))
                keys[nkeys++] = (merged_key){irank[p->t->item[r]], r, (uint32_t)u};
        }
    }
    qsort(keys, nkeys, sizeof *keys, cmp_merged);
    /* users in order of first appearance in the merged frame, each user's rows in its order */
    uint32_t *ufirst = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *ufirst);
    uint32_t *ucount = l4r_xcalloc(p->n_users ? p->n_users : 1, sizeof *ucount);
    uint32_t *uorder = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *uorder);
    size_t nu = 0;
    for (size_t k = 0; k < nkeys; k++)
        if (!ucount[keys[k].u]++)
            uorder[nu++] = keys[k].u;
    size_t *ubeg = l4r_xmalloc((p->n_users + 1) * sizeof *ubeg);
    for (size_t k = 0, at = 0; k < nu; k++) {
        ufirst[uorder[k]] = (uint32_t)k;
        ubeg[k] = at;
        at += ucount[uorder[k]];
    }
    bk.rows = l4r_xmalloc((cap ? cap : 1) * sizeof *bk.rows);
    {
        size_t *fill = l4r_xmalloc((nu ? nu : 1) * sizeof *fill);
        memcpy(fill, ubeg, (nu ? nu : 1) * sizeof *fill);
        for (size_t k = 0; k < nkeys; k++)
            bk.rows[fill[ufirst[keys[k].u]]++] = keys[k].row;
        free(fill);
    }
    bk.beg = l4r_xmalloc((nu + 1) * sizeof *bk.beg);
    uint32_t *users = l4r_xmalloc((nu ? nu : 1) * sizeof *users);
    size_t nk = 0, at = 0;
    bk.beg[0] = 0;
    l4r_mt m;
    for (size_t k = 0; k < nu; k++) {
        size_t n = ucount[uorder[k]];
        if (n <= 3)
            continue;
        memmove(bk.rows + at, bk.rows + ubeg[k], n * sizeof *bk.rows);
        l4r_mt_py_seed(&m, 42);
        l4r_mt_py_shuffle(&m, bk.rows + at, n);
        at += n;
        users[nk] = (uint32_t)nk;
        bk.beg[++nk] = at;
    }
    free(irank);
    free(keys);
    free(ufirst);
    free(ucount);
    free(uorder);
    free(ubeg);
    l4r_mt_py_seed(&m, p->o->seed);
    l4r_mt_py_shuffle(&m, users, nk);
    size_t c[2];
    cuts(nk, c);
    l4r_manifest_set_str(p->m, "tallrec.style", "book");
    l4r_manifest_set_int(p->m, "tallrec.window", a->w);
    l4r_manifest_set_int(p->m, "tallrec.seed", (int64_t)p->o->seed);
    l4r_manifest_set_int(p->m, "tallrec.untitled_dropped", (int64_t)untitled);
    l4r_manifest_set_int(p->m, "tallrec.users", (int64_t)nk);
    report_parts(p, "tallrec", nk, c);
    const size_t beg[3] = {0, c[0], c[1]}, end[3] = {c[0], c[1], nk};
    l4r_status st = L4R_OK;
    for (int k = 0; k < 3 && !st; k++) {
        char name[32];
        snprintf(name, sizeof name, "%s.json", l4r_part_name[k]);
        st = book_write(&bk, name, users + beg[k], end[k] - beg[k], e);
    }
    free(users);
    free(bk.rows);
    free(bk.beg);
    free(bk.author);
    return st;
}

/* Sort windows by target timestamp, stably (merge sort on a copy). */
static void sort_by_target(const alpaca *a, window *ws, size_t n)
{
    if (n < 2)
        return;
    window *tmp = l4r_xmalloc(n * sizeof *tmp);
    int64_t *key = l4r_xmalloc(n * sizeof *key), *ktmp = l4r_xmalloc(n * sizeof *ktmp);
    for (size_t i = 0; i < n; i++)
        key[i] = l4r_itab_ts(a->p->t, row_at(a, ws[i].u, ws[i].end));
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                bool right = key[j] < key[i];
                tmp[k] = right ? ws[j] : ws[i];
                ktmp[k++] = right ? key[j++] : key[i++];
            }
            while (i < mid) {
                tmp[k] = ws[i];
                ktmp[k++] = key[i++];
            }
            while (j < hi) {
                tmp[k] = ws[j];
                ktmp[k++] = key[j++];
            }
        }
        memcpy(ws, tmp, n * sizeof *ws);
        memcpy(key, ktmp, n * sizeof *key);
    }
    free(tmp);
    free(key);
    free(ktmp);
}

/* BIGRec's data/game/process.ipynb keeps the reviews of items whose title has more than one
 * character (len(meta['title']) > 1), users in order of their first such review. */
static bool long_title(const char *t)
{
    size_t cps = 0; /* code points, as Python's len */
    for (const unsigned char *c = (const unsigned char *)(t ? t : ""); *c && cps < 2; c++)
        cps += (*c & 0xc0) != 0x80;
    return cps >= 2;
}

static void game_rows(alpaca *a)
{
    proc *p = a->p;
    uint32_t *first = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *first);
    uint32_t *order = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *order);
    size_t cap = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        first[u] = UINT32_MAX;
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = p->idx[p->ubeg[u] + j];
            if (!long_title(title_of(a, r)))
                continue;
            cap++;
            first[u] = r < first[u] ? r : first[u];
        }
    }
    size_t ng = 0;
    for (size_t u = 0; u < p->n_users; u++)
        if (first[u] != UINT32_MAX)
            order[ng++] = (uint32_t)u;
    /* by first titled row (a bottom-up merge sort) */
    for (size_t width = 1; width < ng; width *= 2) {
        uint32_t *tmp = l4r_xmalloc(ng * sizeof *tmp);
        for (size_t lo = 0; lo < ng; lo += 2 * width) {
            size_t mid = lo + width < ng ? lo + width : ng, hi = lo + 2 * width < ng ? lo + 2 * width : ng;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = first[order[j]] < first[order[i]] ? order[j++] : order[i++];
            while (i < mid)
                tmp[k++] = order[i++];
            while (j < hi)
                tmp[k++] = order[j++];
        }
        memcpy(order, tmp, ng * sizeof *order);
        free(tmp);
    }
    a->grows = l4r_xmalloc((cap ? cap : 1) * sizeof *a->grows);
    a->gbeg = l4r_xmalloc((ng + 1) * sizeof *a->gbeg);
    size_t at = 0;
    for (size_t k = 0; k < ng; k++) {
        size_t u = order[k];
        a->gbeg[k] = (uint32_t)at;
        for (uint32_t j = 0; j < p->ulen[u]; j++) {
            uint32_t r = p->idx[p->ubeg[u] + j];
            if (long_title(title_of(a, r)))
                a->grows[at++] = r;
        }
    }
    a->gbeg[ng] = (uint32_t)at;
    a->ng = ng;
    free(first);
    free(order);
}

l4r_status l4r_sink_bigrec(proc *p, l4r_error *e)
{
    alpaca a = {0};
    a.game = p->o->bigrec_style == 2 ||
             (p->o->bigrec_style == 0 && p->o->family && !strcmp(p->o->family, "amazon"));
    l4r_status st = alpaca_begin(&a, p, "bigrec", e);
    size_t n = 0;
    window *ws = NULL;
    uint32_t *perm = NULL;
    if (!st) {
        if (a.game)
            game_rows(&a);
        ws = make_windows(&a, !a.game, &n);
        sort_by_target(&a, ws, n);
        size_t c[2];
        cuts(n, c);
        size_t sample = p->o->eval_sample >= 0 ? (size_t)p->o->eval_sample : 5000;
        l4r_manifest_set_str(p->m, "bigrec.style", a.game ? "game" : "movie");
        l4r_manifest_set_int(p->m, "bigrec.window", a.w);
        l4r_manifest_set_int(p->m, "bigrec.windows", (int64_t)n);
        l4r_manifest_set_int(p->m, "bigrec.eval_sample", (int64_t)sample);
        l4r_manifest_set_int(p->m, "bigrec.seed", (int64_t)(uint32_t)p->o->seed);
        report_parts(p, "bigrec", n, c);
        const size_t beg[3] = {0, c[0], c[1]}, end[3] = {c[0], c[1], n};
        for (int k = 0; k < 3 && !st; k++) {
            char name[48];
            snprintf(name, sizeof name, "%s.json", l4r_part_name[k]);
            st = write_array(&a, name, ws + beg[k], NULL, end[k] - beg[k], bigrec_record, e);
            if (k == 0 || st || !sample)
                continue;
            /* valid_N.json, test_N.json: DataFrame.sample(n=N, random_state=seed) of the part (all
             * of it, permuted, when it has fewer than N rows, where pandas raises) */
            size_t m = end[k] - beg[k];
            perm = l4r_xrealloc(perm, (m ? m : 1) * sizeof *perm);
            np_permutation(p->o->seed, perm, m);
            snprintf(name, sizeof name, "%s_%zu.json", l4r_part_name[k], sample);
            st = write_array(&a, name, ws + beg[k], perm, m < sample ? m : sample, bigrec_record, e);
        }
    }
    free(perm);
    free(ws);
    free(a.like);
    free(a.grows);
    free(a.gbeg);
    return st;
}
