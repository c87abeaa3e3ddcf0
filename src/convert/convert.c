/*
 * convert.c — the converter's core: reads one recipe table on the parallel pipeline into the
 * common format (docs/FORMAT.md).  dataset.c (l4r_convert) finds a variant's tables and runs each
 * through l4r_run_table here.
 *
 * How a table is read.  A recipe table (recipe.h) names a file, its format (a row of the format
 * table, format.h), encoding, header and the source column of every output column.  A `tabctx`
 * resolves that once (column indices or JSON key set: the format's l4r_recspec; output slots);
 * then every worker runs the same loop over the records of its block: the four-column fast path
 * when it applies, else the format's record function, which splits the record with its scanner,
 * picks the wanted fields and yields each logical record to `put_record`, which either formats a
 * TSV line (streaming), packs the fields for the table builder, or packs an item row.
 * The writer thread (pipeline emit) appends TSV blocks to interactions.tsv, interns packed rows
 * into the l4r_itab, or adds items — always in input order, so every -j gives the same bytes.
 *
 * Errors name the file, the physical line and what was expected, e.g.
 *   'ml-1m.zip:ml-1m/ratings.dat' line 7: expected 4 fields separated by '::', found 3
 */
#include "convert.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "convert_internal.h"
#include "format.h"
#include "html.h"
#include "idcache.h"
#include "jarray.h"
#include "locate.h"
#include "output.h"
#include "pipeline.h"
#include "reader.h"
#include "scan/scan.h"
#include "table.h"
#include "text.h"
#include "timefmt.h"
#include "util.h"

/* ------------------------------------------------------------------------------------------ */
/* table context (the struct: convert_internal.h)                                              */

static int find_map(const l4r_table *t, const char *out)
{
    for (size_t k = 0; k < t->n_map; k++)
        if (!strcmp(t->map[k].out, out))
            return (int)k;
    return -1;
}

/* The four-column fast path: a one-byte separator and exactly user, item, rating, Unix-seconds
 * timestamp as the source's columns 0..3, in that order (MovieLens ratings.csv, u.data).  Decided
 * once the columns are known: at init, or after the header.  L4R_NO_FASTPATH=1 turns it off so the
 * tests can compare it with the general path. */
static void quad_setup(tabctx *c)
{
    const l4r_table *t = c->t;
    c->quad = false;
#if defined(__SSE2__)
    if ((c->mode != MODE_STREAM && c->mode != MODE_TABLE) || c->rs.nmap != 4 || c->rs.n_filt ||
        c->rs.seplen != 1 || !c->fmt->columns || t->time != L4R_TIME_UNIX_S || t->escape)
        return;
    char s = t->delim[0];
    if (s == '\n' || s == '\r' || s == '"' || (s >= '0' && s <= '9'))
        return;
    for (int k = 0; k < N_ISLOTS; k++)
        if (c->slot[k] < 0 || c->rs.col[c->slot[k]] != k)
            return;
    const char *off = getenv("L4R_NO_FASTPATH"); /* tests compare both paths */
    c->quad = !(off && *off && strcmp(off, "0"));
#endif
}

/* The fields a record must have, once the columns are known (at init, or after the header). */
static void set_ncols(tabctx *c)
{
    int n = c->t->header ? c->header_ncols : (int)c->t->n_columns;
    c->rs.ncols = n > c->ncols_needed ? n : c->ncols_needed;
}

/* Index of `name` in keys[0..*nk), appended when new. */
static int key_index(const char **keys, size_t *nk, const char *name)
{
    for (size_t i = 0; i < *nk; i++)
        if (!strcmp(keys[i], name))
            return (int)i;
    keys[*nk] = name;
    return (int)(*nk)++;
}

l4r_status l4r_tabctx_init(tabctx *c, const l4r_table *t, mode_t_ mode, const char *name, l4r_error *e)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->fmt = l4r_format_get(t->format);
    c->mode = mode;
    c->name = name;
    c->rs.t = t;
    c->rs.name = name;
    c->rs.nmap = t->n_map;
    if (c->rs.nmap > L4R_MAX_MAP)
        return l4r_err(e, L4R_ERECIPE, "table '%s' maps more than %d columns", t->path, L4R_MAX_MAP);
    c->rs.seplen = strlen(t->delim);
    c->rs.n_filt = t->n_filters;
    for (size_t k = 0; k < t->n_map; k++)
        c->has_concat = c->has_concat || t->map[k].n_concat;
    if (c->rs.n_filt > L4R_MAX_FILT)
        return l4r_err(e, L4R_ERECIPE, "table '%s' has more than %d filters", t->path, L4R_MAX_FILT);
    l4r_recspec_sources(&c->rs); /* element and derived sources: not columns or keys */
    c->sep_printable = c->fmt->columns && c->rs.seplen > 0;
    for (size_t k = 0; k < c->rs.seplen; k++)
        if ((unsigned char)t->delim[k] < 0x20 || (unsigned char)t->delim[k] >= 0x7F)
            c->sep_printable = false;
    for (int s = 0; s < N_ISLOTS; s++)
        c->slot[s] = -1;
    if (mode == MODE_SIDE) {
        for (size_t k = 0; k < t->n_map; k++) {
            if (t->map[k].clean_html)
                return l4r_err(e, L4R_ERECIPE, "table '%s': \"clean\" is for items and users tables",
                               t->path);
            c->extra[c->n_extra++] = (int)k;
        }
        c->slot[SLOT_TIME] = find_map(t, "timestamp");
    } else if (mode == MODE_ITEMS || mode == MODE_USERS) {
        bool users = mode == MODE_USERS;
        c->item_slot = find_map(t, users ? "user_id" : "item_id");
        c->title_slot = users ? -1 : find_map(t, "title");
        if (c->item_slot < 0)
            return l4r_err(e, L4R_ERECIPE, "%s table '%s' has no %s field", users ? "users" : "items",
                           t->path, users ? "user_id" : "item_id");
        for (size_t k = 0; k < t->n_map; k++)
            if ((int)k != c->item_slot && (int)k != c->title_slot)
                c->extra[c->n_extra++] = (int)k;
        if (t->flags_from >= 0 && t->n_flag_names) {
            c->has_flags = true;
            c->rs.n_flags = t->n_flag_names;
            c->n_extra++;
        }
    } else {
        c->slot[SLOT_USER] = find_map(t, "user_id");
        c->slot[SLOT_ITEM] = find_map(t, "item_id");
        c->slot[SLOT_RATING] = find_map(t, "rating");
        c->slot[SLOT_TIME] = find_map(t, "timestamp");
        if (c->slot[SLOT_USER] < 0 || c->slot[SLOT_ITEM] < 0)
            return l4r_err(e, L4R_ERECIPE, "interactions table '%s' needs user_id and item_id fields",
                           t->path);
        if (c->slot[SLOT_TIME] < 0 && t->time != L4R_TIME_NONE)
            return l4r_err(e, L4R_ERECIPE, "interactions table '%s' has no timestamp field", t->path);
    }
    if (!c->fmt->columns) {
        /* one key per source name: a key may feed several fields and filters */
        const char *keys[L4R_MAX_MAP + L4R_MAX_FILT];
        size_t nk = 0;
        for (size_t k = 0; k < t->n_map; k++) {
            c->rs.key_of[k] = -1;
            if (t->map[k].src && l4r_src_reads_column(c->rs.skind[k]))
                c->rs.key_of[k] = key_index(keys, &nk, t->map[k].src);
        }
        for (size_t g = 0; g < t->n_filters; g++)
            c->rs.fkey[g] =
                c->rs.skind[t->n_map + g] == L4R_SRC_COLUMN ? key_index(keys, &nk, t->filters[g].column) : -1;
        if (t->explode) {
            c->rs.xkey = key_index(keys, &nk, t->explode->column);
            if (t->explode->append)
                c->rs.akey = key_index(keys, &nk, t->explode->append);
        }
        c->rs.ks = l4r_keyset_new(keys, nk);
        return L4R_OK;
    }
    /* delimited / CSV: indices known now unless the header names them */
    for (size_t k = 0; k < t->n_map; k++) {
        c->rs.col[k] = -1;
        if (t->map[k].src && !t->header && l4r_src_reads_column(c->rs.skind[k])) {
            int i = t->map[k].index >= 0 ? t->map[k].index : l4r_table_column(t, t->map[k].src);
            if (i < 0)
                return l4r_err(e, L4R_ERECIPE, "table '%s': field '%s' names unknown column '%s'", t->path,
                               t->map[k].out, t->map[k].src);
            c->rs.col[k] = i;
        }
    }
    for (size_t g = 0; g < t->n_filters; g++) {
        c->rs.fcol[g] = -1;
        if (!t->header && c->rs.skind[t->n_map + g] == L4R_SRC_COLUMN) {
            int i =
                t->filters[g].index >= 0 ? t->filters[g].index : l4r_table_column(t, t->filters[g].column);
            if (i < 0)
                return l4r_err(e, L4R_ERECIPE, "table '%s': filter names unknown column '%s'", t->path,
                               t->filters[g].column);
            c->rs.fcol[g] = i;
        }
    }
    int need = 0;
    for (size_t k = 0; k < t->n_map; k++)
        if (c->rs.col[k] + 1 > need)
            need = c->rs.col[k] + 1;
    for (size_t g = 0; g < t->n_filters; g++)
        if (c->rs.fcol[g] + 1 > need)
            need = c->rs.fcol[g] + 1;
    if (c->has_flags && t->flags_from + (int)t->n_flag_names > need)
        need = t->flags_from + (int)t->n_flag_names;
    if (t->explode && !t->header) {
        c->rs.xcol = t->explode->index;
        c->rs.acol = t->explode->append_index;
        if (c->rs.xcol + 1 > need)
            need = c->rs.xcol + 1;
        if (c->rs.acol + 1 > need)
            need = c->rs.acol + 1;
    }
    c->ncols_needed = need;
    set_ncols(c);
    quad_setup(c);
    return L4R_OK;
}

void l4r_tabctx_free(tabctx *c)
{
    l4r_recspec_free(&c->rs);
    for (size_t k = 0; k < L4R_SKIP_REASONS; k++) {
        free(c->reasons[k]);
        c->reasons[k] = NULL;
    }
}

/* Header line: resolve source column names (CSV/delimited with header). */
static l4r_status on_header(void *ctx, const char *line, size_t len, l4r_error *e)
{
    tabctx *c = ctx;
    const l4r_table *t = c->t;
    if (len && line[len - 1] == '\n')
        len--;
    if (len && line[len - 1] == '\r')
        len--;
    l4r_span f[L4R_MAX_FIELDS];
    size_t nf;
    l4r_buf scratch = {0};
    l4r_status st = L4R_OK;
    const char *p = line;
    st = c->fmt->fields(t, &p, line + len, f, L4R_MAX_FIELDS, &nf, &scratch, e);
    if (st)
        goto out;
    c->header_ncols = (int)nf; /* all of them: a record must have as many */
    if (nf > L4R_MAX_FIELDS)
        nf = L4R_MAX_FIELDS;
    for (size_t k = 0; k < t->n_map; k++) {
        if (!t->map[k].src || !l4r_src_reads_column(c->rs.skind[k]))
            continue;
        c->rs.col[k] = -1;
        for (size_t i = 0; i < nf; i++) {
            if (f[i].n == strlen(t->map[k].src) && !memcmp(f[i].p, t->map[k].src, f[i].n)) {
                c->rs.col[k] = (int)i;
                break;
            }
        }
        if (c->rs.col[k] < 0) {
            st = l4r_err(e, L4R_EPARSE, "'%s' line 1: header has no column '%s' (for %s); header is '%.*s'",
                         c->name, t->map[k].src, t->map[k].out, (int)(len > 200 ? 200 : len), line);
            goto out;
        }
        if (c->rs.col[k] + 1 > c->ncols_needed)
            c->ncols_needed = c->rs.col[k] + 1;
    }
    for (size_t g = 0; g < t->n_filters; g++) {
        const char *name = t->filters[g].column;
        c->rs.fcol[g] = -1;
        if (c->rs.skind[t->n_map + g] != L4R_SRC_COLUMN)
            continue;
        for (size_t i = 0; i < nf; i++) {
            if (f[i].n == strlen(name) && !memcmp(f[i].p, name, f[i].n)) {
                c->rs.fcol[g] = (int)i;
                break;
            }
        }
        if (c->rs.fcol[g] < 0) {
            st = l4r_err(e, L4R_EPARSE,
                         "'%s' line 1: header has no column '%s' (for filter %zu); header is '%.*s'", c->name,
                         name, g + 1, (int)(len > 200 ? 200 : len), line);
            goto out;
        }
        if (c->rs.fcol[g] + 1 > c->ncols_needed)
            c->ncols_needed = c->rs.fcol[g] + 1;
    }
    if (t->explode) {
        const char *xname[2] = {t->explode->column, t->explode->append};
        int *xcol[2] = {&c->rs.xcol, &c->rs.acol};
        for (int w = 0; w < 2; w++) {
            if (!xname[w])
                continue;
            *xcol[w] = -1;
            for (size_t i = 0; i < nf && *xcol[w] < 0; i++)
                if (f[i].n == strlen(xname[w]) && !memcmp(f[i].p, xname[w], f[i].n))
                    *xcol[w] = (int)i;
            if (*xcol[w] < 0) {
                st = l4r_err(e, L4R_EPARSE,
                             "'%s' line 1: header has no column '%s' (for explode%s); header is '%.*s'",
                             c->name, xname[w], w ? " append" : "", (int)(len > 200 ? 200 : len), line);
                goto out;
            }
            if (*xcol[w] + 1 > c->ncols_needed)
                c->ncols_needed = *xcol[w] + 1;
        }
    }
    set_ncols(c);
    quad_setup(c);
out:
    l4r_buf_free(&scratch);
    return st;
}

/* The column of source index i once the columns of "columns_by_prefix" have taken places perm. */
static int prefix_place(const l4r_table *t, const int *perm, int i)
{
    for (size_t j = 0; j < t->n_prefix; j++)
        if (t->prefix_index[j] == i)
            return t->prefix_index[perm[j]];
    return i;
}

/* "columns_by_prefix": the first record of the file decides where its listed columns are.  Every
 * order of them (within their places in `columns`) is tried; exactly one must give each column a
 * value starting with its prefix. */
static l4r_status on_first(void *ctx, const char *line, size_t len, l4r_error *e)
{
    tabctx *c = ctx;
    const l4r_table *t = c->t;
    size_t n = t->n_prefix;
    if (len && line[len - 1] == '\r')
        len--;
    l4r_span f[L4R_MAX_FIELDS];
    size_t nf;
    l4r_buf scratch = {0};
    const char *p = line;
    l4r_status st = c->fmt->fields(t, &p, line + len, f, L4R_MAX_FIELDS, &nf, &scratch, e);
    if (nf > L4R_MAX_FIELDS)
        nf = L4R_MAX_FIELDS;
    /* the permutations of 0..n-1 (n <= 4) in lexicographic order; perm[j]: where column j reads */
    int perm[4], found[4] = {0}, nfound = 0;
    for (size_t j = 0; j < n; j++)
        perm[j] = (int)j;
    while (st == L4R_OK) {
        bool fits = true;
        for (size_t j = 0; j < n && fits; j++) {
            size_t at = (size_t)t->prefix_index[perm[j]], pl = strlen(t->prefixes[j]);
            fits = at < nf && f[at].n >= pl && !memcmp(f[at].p, t->prefixes[j], pl);
        }
        if (fits && nfound++ == 0)
            memcpy(found, perm, sizeof perm);
        /* next permutation */
        int i = (int)n - 2;
        while (i >= 0 && perm[i] > perm[i + 1])
            i--;
        if (i < 0)
            break;
        int k = (int)n - 1;
        while (perm[k] < perm[i])
            k--;
        int tmp = perm[i];
        perm[i] = perm[k];
        perm[k] = tmp;
        for (int a = i + 1, b = (int)n - 1; a < b; a++, b--) {
            tmp = perm[a];
            perm[a] = perm[b];
            perm[b] = tmp;
        }
    }
    if (st == L4R_OK && nfound != 1) {
        l4r_buf want = {0};
        for (size_t j = 0; j < n; j++)
            l4r_buf_addf(&want, "%s\"%s\": \"%s\"", j ? ", " : "", t->prefix_cols[j], t->prefixes[j]);
        l4r_buf_add(&want, "", 1);
        st = l4r_err(e, L4R_EPARSE,
                     "'%s' line 1: cannot tell the column order from the first record '%.*s': %s order of "
                     "the columns fits (recipe key \"columns_by_prefix\": {%s}); check that this is the "
                     "table's file and that its first line is a record, or name the order in a recipe of "
                     "your own (--recipes DIR) if its ids have other prefixes",
                     c->name, (int)(len > 200 ? 200 : len), line, nfound ? "more than one" : "no", want.data);
        l4r_buf_free(&want);
    }
    if (st == L4R_OK) {
        int need = c->ncols_needed;
        for (size_t k = 0; k < t->n_map; k++) {
            if (!t->map[k].src || !l4r_src_reads_column(c->rs.skind[k]))
                continue;
            int i = t->map[k].index >= 0 ? t->map[k].index : l4r_table_column(t, t->map[k].src);
            c->rs.col[k] = prefix_place(t, found, i);
        }
        for (size_t g = 0; g < t->n_filters; g++) {
            if (c->rs.skind[t->n_map + g] != L4R_SRC_COLUMN)
                continue;
            int i =
                t->filters[g].index >= 0 ? t->filters[g].index : l4r_table_column(t, t->filters[g].column);
            c->rs.fcol[g] = prefix_place(t, found, i);
        }
        c->ncols_needed = need; /* the places are the recipe's columns: the count does not change */
        quad_setup(c);
        if (c->log) {
            l4r_buf msg = {0};
            l4r_buf_addf(&msg, "'%s': column order by prefix:", c->name);
            for (size_t j = 0; j < n; j++)
                l4r_buf_addf(&msg, "%s %s = field %d", j ? "," : "", t->prefix_cols[j],
                             t->prefix_index[found[j]] + 1);
            l4r_buf_add(&msg, "", 1);
            c->log(c->log_ud, 0, msg.data);
            l4r_buf_free(&msg);
        }
    }
    l4r_buf_free(&scratch);
    return st;
}

/* ---- per-record output ---- */

static void pack_span(l4r_buf *b, const char *p, size_t n)
{
    uint32_t len = (uint32_t)n;
    l4r_buf_add(b, &len, sizeof len);
    l4r_buf_add(b, p, n);
}

/* Where map entry k comes from, for messages: "field 4 (timestamp)" or "key 'unixReviewTime'". */
static void field_desc(const tabctx *c, int k, char *buf, size_t cap)
{
    const l4r_table *t = c->t;
    if (k < 0)
        snprintf(buf, cap, "a constant");
    else if (!c->fmt->columns)
        snprintf(buf, cap, "key '%s'", t->map[k].src ? t->map[k].src : t->map[k].out);
    else if (c->rs.col[k] >= 0)
        snprintf(buf, cap, "field %d (%s)", c->rs.col[k] + 1, t->map[k].src ? t->map[k].src : t->map[k].out);
    else
        snprintf(buf, cap, "%s", t->map[k].out);
}

/* l4r_append_text refused field v of map entry k (what: "the user id"): a NUL byte, or invalid
 * UTF-8. */
static l4r_status bad_text(const tabctx *c, uint64_t line, const char *what, int k, l4r_span v, l4r_error *e)
{
    char where[160];
    field_desc(c, k, where, sizeof where);
    if (memchr(v.p, 0, v.n))
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: %s, %s, holds a NUL byte (a damaged or binary file?)",
                       c->name, l4r_rec_unit(&c->rs), (unsigned long long)line, what, where);
    return l4r_err(e, L4R_EPARSE,
                   "'%s' %s %llu: invalid UTF-8 in %s, %s (if the file is Latin-1 or cp1252, the "
                   "recipe's table needs \"encoding\")",
                   c->name, l4r_rec_unit(&c->rs), (unsigned long long)line, what, where);
}

#define ONES8 0x0101010101010101ULL
#define HIGH8 0x8080808080808080ULL

/* A field that is printable ASCII without a double quote: no TAB/CR/LF, nothing to transcode or
 * validate, nothing to quote (docs/FORMAT.md).  Eight bytes at a time: a byte >= 0x80 sets its
 * high bit; a byte < 0x20 borrows in v - 0x20; a '"' is a zero byte of v ^ 0x22.. */
static inline bool plain8(uint64_t v)
{
    uint64_t q = v ^ (ONES8 * '"');
    return !((v | ((v - ONES8 * 0x20) & ~v) | ((q - ONES8) & ~q)) & HIGH8);
}

static inline bool is_plain(l4r_span f)
{
    const char *p = f.p;
    size_t i = 0;
    for (; i + 8 <= f.n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if (!plain8(v))
            return false;
    }
    /* the last 1 to 7 bytes: one word ending at the field's end when the field has 8 bytes (it
     * reads some again), else two overlapping 4-byte words (the ids and ratings of JSON lines) */
    if (i == f.n)
        return true;
    if (f.n >= 8) {
        uint64_t v;
        memcpy(&v, p + f.n - 8, 8);
        return plain8(v);
    }
    if (f.n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + f.n - 4, 4);
        return plain8((uint64_t)a | (uint64_t)b << 32);
    }
    for (; i < f.n; i++)
        if (L4R_UNLIKELY((unsigned char)(p[i] - 0x20) >= 0x5F || p[i] == '"'))
            return false;
    return true;
}

static inline bool copy_plain(char **o, l4r_span f)
{
    if (!is_plain(f))
        return false;
    memcpy(*o, f.p, f.n);
    *o += f.n;
    return true;
}

/* Digits only, no sign, no leading zero: the output form of the same integer.  Eight bytes at a
 * time: every high nibble is 3 and adding 6 to a low nibble <= 9 does not carry into it. */
static inline bool canonical_int(l4r_span f)
{
    if (!f.p || !f.n || f.n > 18 || (f.p[0] == '0' && f.n > 1))
        return false;
    size_t i = 0;
    for (; i + 8 <= f.n; i += 8) {
        uint64_t v;
        memcpy(&v, f.p + i, 8);
        if ((v & (ONES8 * 0xF0)) != ONES8 * 0x30 || ((v + ONES8 * 0x06) & (ONES8 * 0xF0)) != ONES8 * 0x30)
            return false;
    }
    for (; i < f.n; i++)
        if ((unsigned)(f.p[i] - '0') > 9)
            return false;
    return true;
}

/* A Unix time with a fraction, refused unless the recipe says "time_fraction": "floor". */
static l4r_status fraction(const tabctx *c, uint64_t line, l4r_span ts, l4r_error *e)
{
    char where[160];
    field_desc(c, c->slot[SLOT_TIME], where, sizeof where);
    return l4r_err(e, L4R_EPARSE,
                   "'%s' %s %llu: %s '%.*s' has a fraction; Unix %s must be whole (recipe key "
                   "\"time_fraction\": \"floor\" floors them)",
                   c->name, l4r_rec_unit(&c->rs), (unsigned long long)line, where,
                   (int)(ts.n > 40 ? 40 : ts.n), ts.p,
                   c->t->time == L4R_TIME_UNIX_MS ? "milliseconds" : "seconds");
}

/* A timestamp that is not in the table's "time" format: what the format looks like; for a
 * "posted" date that would parse with a year, that its year is missing and which key gives it. */
static l4r_status bad_time(const tabctx *c, uint64_t line, l4r_span ts, l4r_error *e)
{
    const l4r_table *t = c->t;
    int len = (int)(ts.p ? (ts.n > 40 ? 40 : ts.n) : 0);
    const char *txt = ts.p ? ts.p : "";
    int64_t v;
    bool frac;
    /* 2000 is a leap year: "Posted February 29." is also only missing its year */
    if (t->time == L4R_TIME_POSTED && !t->time_year && ts.p &&
        l4r_parse_time_y(ts.p, ts.n, t->time, 2000, &v, &frac))
        return l4r_err(e, L4R_EPARSE,
                       "'%s' %s %llu: timestamp '%.*s' has no year (Steam leaves it out in the year of "
                       "the crawl); set the table's \"time_year\" to that year",
                       c->name, l4r_rec_unit(&c->rs), (unsigned long long)line, len, txt);
    const char *what = "a YYYY-MM-DD HH:MM:SS time"; /* datetime, iso8601 */
    switch (t->time) {
    case L4R_TIME_UNIX_S: what = "Unix seconds"; break;
    case L4R_TIME_UNIX_MS: what = "Unix milliseconds"; break;
    case L4R_TIME_DATE: what = "a YYYY-MM-DD date"; break;
    case L4R_TIME_MDY_AMPM: what = "a MM/DD/YYYY hh:mm:ss AM/PM time"; break;
    case L4R_TIME_POSTED: what = "a date like 'Posted November 5, 2011.'"; break;
    case L4R_TIME_CTIME_OFFSET:
        what = "a time like 'Sun Jul 30 07:44:10 -0700 2017' (with the weekday of its date)";
        break;
    case L4R_TIME_YYYYMMDD: what = "a YYYYMMDD date"; break;
    case L4R_TIME_MMDD: what = "a month and day like 1111 or 829 (MMDD)"; break;
    default: break;
    }
    return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: timestamp '%.*s' is not %s", c->name, l4r_rec_unit(&c->rs),
                   (unsigned long long)line, len, txt, what);
}

/* "clean": "html" (html.h): tmp's text made plain in place; whether it changed. */
static bool clean_html(l4r_buf *tmp)
{
    l4r_buf c = {0};
    bool changed = l4r_html_clean(&c, tmp->data ? tmp->data : "", tmp->len);
    if (changed) {
        l4r_buf_reset(tmp);
        l4r_buf_add(tmp, c.data ? c.data : "", c.len);
    }
    l4r_buf_free(&c);
    return changed;
}

/* An items row: item id, title, then the extras in output order (and the joined flags).  A users
 * row is the same with the user id and an empty title.  The field count's top bit says that a
 * "clean": "html" field changed (counted by the writer). */
static l4r_status put_item(tabctx *c, l4r_span *vals, uint64_t line, l4r_buf *out, l4r_buf *tmp, l4r_error *e)
{
    const l4r_table *t = c->t;
    const char *what = c->mode == MODE_USERS ? "user" : "item";
    l4r_span id = vals[c->item_slot];
    if (!id.p || !id.n)
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: empty %s id", c->name, l4r_rec_unit(&c->rs),
                       (unsigned long long)line, what);
    uint32_t nfields = (uint32_t)(2 + c->n_extra);
    size_t nf_at = out->len;
    bool cleaned = false;
    l4r_buf_add(out, &nfields, sizeof nfields);
    l4r_buf_reset(tmp);
    if (!l4r_append_text(tmp, id.p, id.n, t->encoding))
        return bad_text(c, line, c->mode == MODE_USERS ? "the user id" : "the item id", c->item_slot, id, e);
    pack_span(out, tmp->data, tmp->len);
    l4r_buf_reset(tmp);
    if (c->title_slot >= 0 && vals[c->title_slot].p &&
        !l4r_append_text(tmp, vals[c->title_slot].p, vals[c->title_slot].n, t->encoding))
        return bad_text(c, line, "the title", c->title_slot, vals[c->title_slot], e);
    if (c->title_slot >= 0 && t->map[c->title_slot].clean_html)
        cleaned |= clean_html(tmp);
    pack_span(out, tmp->data ? tmp->data : "", tmp->len);
    size_t nx = c->n_extra - (c->has_flags ? 1 : 0);
    for (size_t x = 0; x < nx; x++) {
        l4r_span v = vals[c->extra[x]];
        l4r_buf_reset(tmp);
        if (v.p && !l4r_append_text(tmp, v.p, v.n, t->encoding))
            return bad_text(c, line, t->map[c->extra[x]].out, c->extra[x], v, e);
        if (t->map[c->extra[x]].clean_html)
            cleaned |= clean_html(tmp);
        pack_span(out, tmp->data ? tmp->data : "", tmp->len);
    }
    if (cleaned) {
        nfields |= UINT32_C(1) << 31;
        memcpy(out->data + nf_at, &nfields, sizeof nfields);
    }
    if (c->has_flags) {
        /* the flag columns were stored after the map entries by the caller */
        l4r_span *flags = vals + c->rs.nmap;
        l4r_buf_reset(tmp);
        for (size_t g = 0; g < t->n_flag_names; g++) {
            if (flags[g].n == 1 && flags[g].p[0] == '1') {
                if (tmp->len)
                    l4r_buf_addc(tmp, '|');
                l4r_buf_adds(tmp, t->flag_names[g]);
            } else if (!(flags[g].n == 1 && flags[g].p[0] == '0')) {
                return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: flag column %d is '%.*s', expected 0 or 1",
                               c->name, l4r_rec_unit(&c->rs), (unsigned long long)line,
                               t->flags_from + (int)g + 1, (int)(flags[g].n > 40 ? 40 : flags[g].n),
                               flags[g].p ? flags[g].p : "");
            }
        }
        pack_span(out, tmp->data ? tmp->data : "", tmp->len);
    }
    return L4R_OK;
}

/* The timestamp text ts in the table's format as Unix seconds (*tv); a fraction is floored and
 * counted when the recipe allows it, else an error. */
static inline l4r_status read_time(const tabctx *c, uint64_t line, l4r_span ts, int64_t *tv,
                                   uint64_t *fractions, l4r_error *e)
{
    const l4r_table *t = c->t;
    bool frac = false;
    if (!ts.p || !l4r_parse_time_y(ts.p, ts.n, t->time, t->time_year, tv, &frac))
        return bad_time(c, line, ts, e);
    if (L4R_UNLIKELY(frac)) {
        if (!t->time_fraction_floor)
            return fraction(c, line, ts, e);
        ++*fractions;
    }
    return L4R_OK;
}

/* A side-table row: every mapped column in order, TAB-separated; the timestamp (empty when the
 * record has none) as Unix seconds, the rest as UTF-8 text. */
static l4r_status put_side(tabctx *c, l4r_span *vals, uint64_t line, l4r_buf *out, uint64_t *fractions,
                           l4r_error *e)
{
    const l4r_table *t = c->t;
    for (size_t x = 0; x < c->n_extra; x++) {
        int k = c->extra[x];
        l4r_span v = vals[k];
        if (x)
            l4r_buf_addc(out, '\t');
        if (k == c->slot[SLOT_TIME]) {
            if (!v.p || !v.n)
                continue;
            int64_t tv = 0;
            l4r_status st = read_time(c, line, v, &tv, fractions, e);
            if (st)
                return st;
            l4r_buf_add_i64(out, tv);
        } else if (v.p) {
            size_t at = out->len;
            if (!l4r_append_text(out, v.p, v.n, t->encoding))
                return bad_text(c, line, t->map[k].out, k, v, e);
            l4r_buf_quote_tail(out, at);
        }
    }
    l4r_buf_addc(out, '\n');
    return L4R_OK;
}

/* vals[k]: span of map entry k (p NULL = absent).  *fractions counts the times floored. */
static l4r_status put_record(tabctx *c, l4r_span *vals, bool rec_plain, uint64_t line, l4r_buf *out,
                             l4r_buf *tmp, uint64_t *fractions, l4r_error *e)
{
    const l4r_table *t = c->t;
    if (c->mode == MODE_SIDE)
        return put_side(c, vals, line, out, fractions, e);
    if (c->mode >= MODE_ITEMS) /* items or users */
        return put_item(c, vals, line, out, tmp, e);

    l4r_span u = vals[c->slot[SLOT_USER]], it = vals[c->slot[SLOT_ITEM]];
    l4r_span r = c->slot[SLOT_RATING] >= 0 ? vals[c->slot[SLOT_RATING]] : (l4r_span){"1", 1};
    l4r_span ts = c->slot[SLOT_TIME] >= 0 ? vals[c->slot[SLOT_TIME]] : (l4r_span){NULL, 0};
    if (!u.p || !u.n)
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: empty or missing user id (%s)", c->name,
                       l4r_rec_unit(&c->rs), (unsigned long long)line,
                       t->map[c->slot[SLOT_USER]].src ? t->map[c->slot[SLOT_USER]].src : "");
    if (!it.p || !it.n)
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: empty or missing item id (%s)", c->name,
                       l4r_rec_unit(&c->rs), (unsigned long long)line,
                       t->map[c->slot[SLOT_ITEM]].src ? t->map[c->slot[SLOT_ITEM]].src : "");
    if (!r.p)
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: missing rating", c->name, l4r_rec_unit(&c->rs),
                       (unsigned long long)line);
    int64_t tv = 0;
    /* streaming a canonical integer of seconds: it is copied as it is, no need for its value */
    bool ts_plain = t->time == L4R_TIME_UNIX_S && canonical_int(ts);
    if (ts_plain && c->mode != MODE_STREAM) {
        for (size_t k = 0; k < ts.n; k++) /* at most 18 digits: no overflow */
            tv = tv * 10 + (ts.p[k] - '0');
    } else if (t->time != L4R_TIME_NONE && !ts_plain) {
        l4r_status st = read_time(c, line, ts, &tv, fractions, e);
        if (st)
            return st;
    }
    if (c->mode == MODE_STREAM) {
        /* Fast path: plain ASCII fields and a canonical integer time are copied as they are. */
        size_t start = out->len;
        l4r_buf_reserve(out, u.n + it.n + r.n + (ts.p ? ts.n : 0) + 32);
        char *o = out->data + out->len;
        if (rec_plain) {
            memcpy(o, u.p, u.n);
            o += u.n;
            *o++ = '\t';
            memcpy(o, it.p, it.n);
            o += it.n;
            *o++ = '\t';
            memcpy(o, r.p, r.n);
            o += r.n;
        }
        if (rec_plain ||
            (copy_plain(&o, u) && (*o++ = '\t', copy_plain(&o, it)) && (*o++ = '\t', copy_plain(&o, r)))) {
            *o++ = '\t';
            if (ts_plain) {
                memcpy(o, ts.p, ts.n);
                o += ts.n;
                *o++ = '\n';
                out->len = (size_t)(o - out->data);
                return L4R_OK;
            }
            out->len = (size_t)(o - out->data);
            if (t->time != L4R_TIME_NONE)
                l4r_buf_add_i64(out, tv);
            l4r_buf_addc(out, '\n');
            return L4R_OK;
        }
        out->len = start;
        if (!l4r_append_text(out, u.p, u.n, t->encoding))
            return bad_text(c, line, "the user id", c->slot[SLOT_USER], u, e);
        l4r_buf_quote_tail(out, start);
        l4r_buf_addc(out, '\t');
        size_t at = out->len;
        if (!l4r_append_text(out, it.p, it.n, t->encoding))
            return bad_text(c, line, "the item id", c->slot[SLOT_ITEM], it, e);
        l4r_buf_quote_tail(out, at);
        l4r_buf_addc(out, '\t');
        at = out->len;
        if (!l4r_append_text(out, r.p, r.n, t->encoding))
            return bad_text(c, line, "the rating", c->slot[SLOT_RATING], r, e);
        l4r_buf_quote_tail(out, at);
        l4r_buf_addc(out, '\t');
        if (ts_plain) /* tv was not computed: copied as it is */
            l4r_buf_add(out, ts.p, ts.n);
        else if (t->time != L4R_TIME_NONE)
            l4r_buf_add_i64(out, tv);
        l4r_buf_addc(out, '\n');
        return L4R_OK;
    }
    /* MODE_TABLE: u, i, r as UTF-8, then ts; plain ASCII fields are packed as they are */
    if (L4R_LIKELY(rec_plain || (is_plain(u) && is_plain(it) && is_plain(r)))) {
        l4r_buf_reserve(out, 3 * (sizeof(uint32_t) + sizeof(uint64_t)) + u.n + it.n + r.n + sizeof tv);
        char *o = out->data + out->len;
        o = l4r_idkey_pack(o, u.p, u.n);
        o = l4r_idkey_pack(o, it.p, it.n);
        o = l4r_idkey_pack(o, r.p, r.n);
        memcpy(o, &tv, sizeof tv);
        out->len = (size_t)(o + sizeof tv - out->data);
        return L4R_OK;
    }
    l4r_buf_reset(tmp);
    if (!l4r_append_text(tmp, u.p, u.n, t->encoding))
        return bad_text(c, line, "the user id", c->slot[SLOT_USER], u, e);
    pack_span(out, tmp->data, tmp->len);
    l4r_buf_reset(tmp);
    if (!l4r_append_text(tmp, it.p, it.n, t->encoding))
        return bad_text(c, line, "the item id", c->slot[SLOT_ITEM], it, e);
    pack_span(out, tmp->data, tmp->len);
    l4r_buf_reset(tmp);
    if (!l4r_append_text(tmp, r.p, r.n, t->encoding))
        return bad_text(c, line, "the rating", c->slot[SLOT_RATING], r, e);
    pack_span(out, tmp->data ? tmp->data : "", tmp->len);
    l4r_buf_add(out, &tv, sizeof tv);
    return L4R_OK;
}

/* ---- the worker: every record of a block ---- */

#if defined(__SSE2__)
/* Bit masks of 16 bytes: the newline, the separator, the bytes that rule the fast path out
 * (anything but printable ASCII, separator and newline; a double quote: CSV quoting, or a
 * character the output quotes), and the digits. */
typedef struct qmask {
    uint64_t nl, sep, bad, dig;
} qmask;

static inline void quad_masks(const char *p, __m128i vsep, int at, qmask *m)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i nl = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
    __m128i sp = _mm_cmpeq_epi8(v, vsep);
    /* signed: bytes >= 0x80 are negative, so one compare catches them and the controls */
    __m128i bad =
        _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    bad = _mm_andnot_si128(_mm_or_si128(nl, sp), bad);
    __m128i dig =
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    m->nl |= (uint64_t)(unsigned)_mm_movemask_epi8(nl) << at;
    m->sep |= (uint64_t)(unsigned)_mm_movemask_epi8(sp) << at;
    m->bad |= (uint64_t)(unsigned)_mm_movemask_epi8(bad) << at;
    m->dig |= (uint64_t)(unsigned)_mm_movemask_epi8(dig) << at;
}

/* The value of the n digits at p, 1 <= n <= 8, with 8 readable bytes at p: eight at once
 * (Lemire's SWAR), the n digits right-aligned behind zeros. */
static inline uint32_t swar_digits(const char *p, unsigned n)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    x = (x - UINT64_C(0x3030303030303030)) << (8 * (8 - n));
    x = x * 10 + (x >> 8);
    x = ((x & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x000F424000000064) +
         ((x >> 16) & UINT64_C(0x000000FF000000FF)) * UINT64_C(0x0000271000000001)) >>
        32;
    return (uint32_t)x;
}

/* The id key (idcache.h, l4r_idkey_pack) of the field p[s..s+n) of a fast-path line, from the
 * line's digit mask; the line has 64 readable bytes, so a short field is read as one word. */
static inline char *quad_key(char *o, const char *p, unsigned s, unsigned n, uint64_t dig)
{
    uint32_t h;
    if (n <= 7) {
        uint64_t bits = ((UINT64_C(1) << n) - 1) << s;
        if ((dig & bits) == bits && (p[s] != '0' || n == 1)) {
            h = L4R_IDKEY_DENSE | swar_digits(p + s, n);
            memcpy(o, &h, sizeof h);
            return o + sizeof h;
        }
        uint64_t w;
        memcpy(&w, p + s, sizeof w);
        w = l4r_idkey_word(w, n);
        h = L4R_IDKEY_SHORT | n;
        memcpy(o, &h, sizeof h);
        memcpy(o + sizeof h, &w, sizeof w);
        return o + sizeof h + sizeof w;
    }
    h = n;
    memcpy(o, &h, sizeof h);
    memcpy(o + sizeof h, p + s, n);
    return o + sizeof h + n;
}

/* One record of a four-column table (quad_setup), when it is the common case: at most 63 bytes
 * before its '\n', printable ASCII, exactly three separators, non-empty user, item and rating,
 * and a canonical integer timestamp (digits, no leading zero, at most 18).  The general path
 * would produce the same bytes from such a record: in MODE_STREAM the record with separators
 * turned into TABs, in MODE_TABLE the packed fields.  Needs 64 readable bytes at p.  Returns the
 * bytes consumed, or 0 when the record is not such a record (the general path takes it). */
static inline size_t quad_line(const tabctx *c, const char *p, l4r_buf *out)
{
    char s = c->t->delim[0];
    __m128i vsep = _mm_set1_epi8(s);
    qmask m = {0, 0, 0, 0};
    quad_masks(p, vsep, 0, &m);
    quad_masks(p + 16, vsep, 16, &m);
    if (!m.nl) {
        quad_masks(p + 32, vsep, 32, &m);
        quad_masks(p + 48, vsep, 48, &m);
        if (!m.nl)
            return 0;
    }
    unsigned len = (unsigned)__builtin_ctzll(m.nl); /* <= 63 */
    uint64_t in_line = (1ULL << len) - 1;
    uint64_t sp = m.sep & in_line;
    if (m.bad & in_line)
        return 0;
    /* exactly three separators, no field empty */
    if (!sp)
        return 0;
    unsigned a = (unsigned)__builtin_ctzll(sp);
    sp &= sp - 1;
    if (!sp)
        return 0;
    unsigned b = (unsigned)__builtin_ctzll(sp);
    sp &= sp - 1;
    if (!sp)
        return 0;
    unsigned d = (unsigned)__builtin_ctzll(sp);
    sp &= sp - 1;
    if (sp || a == 0 || b == a + 1 || d == b + 1 || len == d + 1 || len - d - 1 > 18)
        return 0;
    uint64_t ts_bits = in_line & ~((2ULL << d) - 1);
    if ((m.dig & ts_bits) != ts_bits || (p[d + 1] == '0' && len > d + 2))
        return 0;
    if (c->mode == MODE_STREAM) {
        if (L4R_UNLIKELY(out->cap - out->len < 65))
            l4r_buf_reserve(out, 64);
        char *o = out->data + out->len;
        __m128i tab = _mm_set1_epi8('\t');
        for (unsigned i = 0; i <= len; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i sm = _mm_cmpeq_epi8(v, vsep);
            v = _mm_or_si128(_mm_andnot_si128(sm, v), _mm_and_si128(sm, tab));
            _mm_storeu_si128((__m128i *)(void *)(o + i), v);
        }
        out->len += len + 1;
        return len + 1;
    }
    /* the timestamp's digits (at most 18; the line's 64 bytes are readable) eight at a time */
    unsigned tn = len - d - 1;
    int64_t tv;
    if (tn <= 8) {
        tv = swar_digits(p + d + 1, tn);
    } else if (tn <= 16) {
        tv = (int64_t)swar_digits(p + d + 1, tn - 8) * 100000000 + swar_digits(p + len - 8, 8);
    } else {
        tv = 0;
        for (unsigned k = d + 1; k < len; k++)
            tv = tv * 10 + (p[k] - '0');
    }
    l4r_buf_reserve(out, 3 * (sizeof(uint32_t) + sizeof(uint64_t)) + d + sizeof tv);
    char *o = out->data + out->len;
    o = quad_key(o, p, 0, a, m.dig);
    o = quad_key(o, p, a + 1, b - a - 1, m.dig);
    o = quad_key(o, p, b + 1, d - b - 1, m.dig);
    memcpy(o, &tv, sizeof tv);
    out->len = (size_t)(o + sizeof tv - out->data);
    return len + 1;
}
#endif

/* What a worker tells the writer about its block, at the start of its output: the rows, where the
 * rows end, and the records it skipped (--max-errors) or took leniently (recipe keys).  The notes
 * of the skipped records follow the rows: per record, its line (uint64_t), the message's length
 * (uint32_t) and the message.  The writer meets the blocks in input order, so every -j skips the
 * same records and reports them in the same order. */
typedef struct blkhead {
    uint64_t rows;
    uint64_t rows_end; /* offset in the output just past the rows: the notes start here */
    uint64_t skipped;  /* notes */
    uint64_t extra_ignored;
    uint64_t fractions;
    uint64_t filtered; /* records a filter dropped */
} blkhead;

/* A bad record (its error in e) is skipped under --max-errors: its note goes to `notes`.  Returns
 * false when it is not to be skipped (no --max-errors, or not a record's parse error). */
static bool skip_record(const tabctx *c, uint64_t line, l4r_status st, l4r_buf *notes, l4r_error *e)
{
    if (c->max_errors == 0 || st != L4R_EPARSE)
        return false;
    uint32_t n = (uint32_t)strlen(e->msg);
    l4r_buf_add(notes, &line, sizeof line);
    l4r_buf_add(notes, &n, sizeof n);
    l4r_buf_add(notes, e->msg, n);
    e->status = L4R_OK;
    e->msg[0] = 0;
    return true;
}

/* What the yield callback of the record functions works on: one worker's block. */
typedef struct wstate {
    tabctx *c;
    l4r_buf *out;
    l4r_buf tmp;
    blkhead *h;
    uint64_t filtered; /* records a filter dropped */
    l4r_buf cat;       /* the values of "concat" fields of the current record */
} wstate;

/* A decimal number, the whole span: digits with an optional sign, point and exponent (no
 * "inf", "nan", hex or spaces, which strtod would take). */
static bool parse_number(l4r_span v, double *out)
{
    char buf[64];
    if (!v.p || !v.n || v.n >= sizeof buf)
        return false;
    bool digit = false;
    for (size_t i = 0; i < v.n; i++) {
        char ch = v.p[i];
        digit = digit || (ch >= '0' && ch <= '9');
        if (!((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.' || ch == 'e' || ch == 'E'))
            return false;
    }
    if (!digit)
        return false;
    memcpy(buf, v.p, v.n);
    buf[v.n] = 0;
    char *endp;
    *out = strtod(buf, &endp);
    return *endp == 0;
}

/* Whether the record passes every filter of the table (the filters' columns follow the map
 * entries and the flags in vals).  A numeric comparison on a field that is not a number is a
 * parse error naming it. */
static l4r_status filter_pass(const tabctx *c, const l4r_record *r, bool *pass, l4r_error *e)
#if defined(__GNUC__)
    __attribute__((noinline)) /* kept out of put_yield, which tables without filters run */
#endif
    ;
static l4r_status filter_pass(const tabctx *c, const l4r_record *r, bool *pass, l4r_error *e)
{
    const l4r_table *t = c->t;
    const l4r_span *fv = r->vals + c->rs.nmap + c->rs.n_flags;
    for (size_t g = 0; g < c->rs.n_filt; g++) {
        const l4r_filter *f = &t->filters[g];
        if (f->negatives && c->keep_negatives)
            continue;
        l4r_span v = fv[g];
        bool ok = false;
        if (f->op == L4R_FOP_ANY) {
            continue; /* a "concat" part, read and kept */
        } else if (f->op == L4R_FOP_PRESENT) {
            ok = v.p && v.n;
        } else if (f->op == L4R_FOP_EQ || f->op == L4R_FOP_NE || f->op == L4R_FOP_IN) {
            for (size_t i = 0; i < f->n_values && !ok; i++)
                ok = v.p && strlen(f->values[i]) == v.n && !memcmp(f->values[i], v.p, v.n);
            if (f->op == L4R_FOP_NE)
                ok = !ok;
        } else {
            double x;
            if (!parse_number(v, &x)) {
                char where[160];
                if (c->fmt->columns)
                    snprintf(where, sizeof where, "field %d (%s)", c->rs.fcol[g] + 1, f->column);
                else
                    snprintf(where, sizeof where, "key '%s'", f->column);
                return l4r_err(e, L4R_EPARSE,
                               "'%s' %s %llu: %s is '%.*s', not a number (recipe filter %zu compares it)",
                               c->name, l4r_rec_unit(&c->rs), (unsigned long long)r->line, where,
                               (int)(v.n > 40 ? 40 : v.n), v.p ? v.p : "", g + 1);
            }
            ok = f->op == L4R_FOP_LT   ? x < f->number
                 : f->op == L4R_FOP_LE ? x <= f->number
                 : f->op == L4R_FOP_GT ? x > f->number
                                       : x >= f->number;
        }
        if (!ok) {
            *pass = false;
            return L4R_OK;
        }
    }
    *pass = true;
    return L4R_OK;
}

/* The "concat" fields of record r: each one's parts (its hidden filters' values) joined by its
 * separator into w->cat, and the field's value pointed there. */
static void put_concat(wstate *w, const l4r_record *r)
{
    const l4r_table *t = w->c->t;
    const l4r_span *fv = r->vals + w->c->rs.nmap + w->c->rs.n_flags;
    size_t at[L4R_MAX_MAP];
    l4r_buf_reset(&w->cat);
    for (size_t k = 0; k < t->n_map; k++) {
        const l4r_colmap *m = &t->map[k];
        at[k] = w->cat.len;
        for (size_t i = 0; i < m->n_concat; i++) {
            if (i)
                l4r_buf_add(&w->cat, m->concat_sep, strlen(m->concat_sep));
            l4r_span v = fv[m->concat_filter + (int)i];
            if (v.p)
                l4r_buf_add(&w->cat, v.p, v.n);
        }
    }
    for (size_t k = 0; k < t->n_map; k++)
        if (t->map[k].n_concat)
            r->vals[k] = (l4r_span){w->cat.data ? w->cat.data + at[k] : "",
                                    (k + 1 < t->n_map ? at[k + 1] : w->cat.len) - at[k]};
}

/* A "copy" table's row: the record whole, without the whitespace outside its strings, which the
 * scanner has validated (so nothing but insignificant whitespace goes), and a line break. */
static void put_copy(wstate *w, const l4r_record *r)
{
    size_t n = (size_t)(r->end - r->p);
    l4r_buf_reserve(w->out, n + 1);
    w->out->len += l4r_json_compact(w->out->data + w->out->len, r->p, n);
    l4r_buf_addc(w->out, '\n');
    w->h->rows++;
}

/* A logical record from the format's record function: one output row, unless a filter drops it. */
static l4r_status put_yield(void *ud, const l4r_record *r, l4r_error *e)
{
    wstate *w = ud;
    tabctx *c = w->c;
    if (L4R_UNLIKELY(c->t->copy)) {
        put_copy(w, r);
        return L4R_OK;
    }
    if (L4R_UNLIKELY(c->rs.n_filt)) {
        bool pass;
        l4r_status fs = filter_pass(c, r, &pass, e);
        if (fs)
            return fs;
        if (!pass) {
            w->filtered++;
            return L4R_OK;
        }
        if (c->has_concat)
            put_concat(w, r);
    }
    /* A record of printable ASCII only (the separator included) has only plain fields: one check
     * for the whole record instead of one per field. */
    bool rec_plain = false;
    if (c->sep_printable) {
        const char *re = r->end;
        while (re > r->p && (re[-1] == '\n' || re[-1] == '\r'))
            re--;
        rec_plain = is_plain((l4r_span){r->p, (size_t)(re - r->p)});
    }
    l4r_status st = put_record(c, r->vals, rec_plain, r->line, w->out, &w->tmp, &w->h->fractions, e);
    if (st == L4R_OK)
        w->h->rows++;
    return st;
}

/* The worker: every record of a block, through the fast path when it applies, else through the
 * format's record function (format.c), which yields the logical records to put_yield. */
static l4r_status work(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    tabctx *c = ctx;
    const l4r_record_fn record = c->rs.general ? c->fmt->record_general : c->fmt->record;
    blkhead h = {0, 0, 0, 0, 0, 0};
    /* A fast-path line comes out exactly as long as it went in, so a block's output is about its
     * input's length: one reservation instead of growing from 256 bytes (through 4 KiB faults and
     * copies) in every buffer the first time it is used, 9 of them at -j 2 (docs/DESIGN.md). */
    if (c->quad && c->mode == MODE_STREAM)
        l4r_buf_reserve(out, sizeof h + in->len);
    l4r_buf_add(out, &h, sizeof h); /* patched at the end */
    l4r_recbuf rb;
    l4r_recbuf_init(&rb);
    if (in->state)
        rb.block = (l4r_span){in->state, in->state_len}; /* the last block header before the block */
    wstate w = {c, out, {0}, &h, 0, {0}};
    l4r_buf notes = {0};
    l4r_status st = L4R_OK;
    const char *p = in->data, *end = in->data + in->len;
    uint64_t line = in->line0;

    while (p < end) {
#if defined(__SSE2__)
        /* the fast path's own loop, until a record it does not take (or the block's last 63 bytes) */
        if (c->quad) {
            while (end - p >= 64) {
                size_t n = quad_line(c, p, out);
                if (!n)
                    break;
                p += n;
                line++;
                h.rows++;
                if (L4R_UNLIKELY(l4r_interrupted)) {
                    st = l4r_err(e, L4R_EINTR, "interrupted");
                    goto out;
                }
            }
            if (p == end)
                break;
        }
#endif
        uint64_t recline = line, rows = h.rows, filtered = w.filtered;
        size_t out_len = out->len;
        st = record(&c->rs, &rb, &p, end, &line, put_yield, &w, e);
        if (L4R_UNLIKELY(st)) {
            if (!skip_record(c, recline, st, &notes, e))
                goto out;
            st = L4R_OK;
            out->len = out_len; /* what put_record wrote of the physical record */
            h.rows = rows;
            w.filtered = filtered;
            if (++h.skipped > c->max_errors)
                break; /* one more than may be skipped: the writer fails at this note or before */
            continue;
        }
        if (L4R_UNLIKELY(l4r_interrupted)) {
            st = l4r_err(e, L4R_EINTR, "interrupted");
            goto out;
        }
    }
    h.extra_ignored = rb.extra_ignored;
    h.filtered = w.filtered;
    h.rows_end = out->len;
    memcpy(out->data, &h, sizeof h);
    if (notes.len)
        l4r_buf_add(out, notes.data, notes.len);
out:
    l4r_recbuf_free(&rb);
    l4r_buf_free(&w.tmp);
    l4r_buf_free(&w.cat);
    l4r_buf_free(&notes);
    return st;
}

/* The reader's hook for a table with a "block_header": the last header line of each block, handed
 * to the next block's worker (pipeline.h, carry). */
static bool carry_block_header(void *ctx, const char *data, size_t len, l4r_buf *state)
{
    const tabctx *c = ctx;
    l4r_span h;
    if (!l4r_block_header_last(c->t, data, len, &h))
        return false;
    l4r_buf_add(state, h.p, h.n);
    return true;
}

/* ---- writers (pipeline emit, input order) ---- */

static uint32_t get_u32(const char **p)
{
    uint32_t v;
    memcpy(&v, *p, sizeof v);
    *p += sizeof v;
    return v;
}

/* The id of the next packed field at *p (l4r_idkey_pack: a value, a packed word or the bytes). */
static inline uint32_t take_id(l4r_idcache *c, const char **p)
{
    uint32_t h = get_u32(p);
    if (h & L4R_IDKEY_DENSE)
        return l4r_idcache_dense(c, h & L4R_IDKEY_VALUE);
    if (h & L4R_IDKEY_SHORT) {
        uint64_t k;
        memcpy(&k, *p, sizeof k);
        *p += sizeof k;
        return l4r_idcache_short(c, k);
    }
    uint32_t id = l4r_idcache_get(c, *p, h);
    *p += h;
    return id;
}

/* The skipped records' notes of a block (blkhead), in input order: each is a warning, until one
 * more than --max-errors allows, which fails the run with its message. */
static l4r_status take_notes(tabctx *c, const char *p, uint64_t n, l4r_error *e)
{
    for (uint64_t k = 0; k < n; k++) {
        uint32_t len;
        p += sizeof(uint64_t); /* the line: in the message already */
        memcpy(&len, p, sizeof len);
        p += sizeof len;
        if (++*c->skipped_run > c->max_errors)
            return l4r_err(e, L4R_EPARSE, "%.*s (bad record %llu; --max-errors is %llu)", (int)len, p,
                           (unsigned long long)*c->skipped_run, (unsigned long long)c->max_errors);
        if (c->skipped < L4R_SKIP_REASONS)
            c->reasons[c->skipped] = l4r_xstrndup(p, len);
        c->skipped++;
        if (c->log) {
            char *msg = l4r_xasprintf("skipped a bad record: %.*s", (int)len, p);
            c->log(c->log_ud, 1, msg);
            free(msg);
        }
        p += len;
    }
    return L4R_OK;
}

/* Bytes as "12.3 MiB". */
static void human_bytes(char *out, size_t n, double v)
{
    static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (v >= 1024 && i < 4) {
        v /= 1024;
        i++;
    }
    snprintf(out, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

/* The progress line: the table, how far into its file (bytes on disk, share of its size), the
 * rows so far, the rate and, from the size, the time left.  At most five times a second. */
static void draw_progress(tabctx *c, uint64_t pos, bool final)
{
    double now = l4r_now();
    if (!final && now - c->prog.last < 0.2)
        return;
    c->prog.last = now;
    double dt = now - c->prog.t0;
    char have[32], all[32], rate[32], eta[32] = "";
    human_bytes(have, sizeof have, (double)pos);
    human_bytes(rate, sizeof rate, dt > 0 ? (double)pos / dt : 0);
    const char *base = strrchr(c->name, '/');
    base = base ? base + 1 : c->name;
    if (c->prog.total) {
        human_bytes(all, sizeof all, (double)c->prog.total);
        double left = pos && dt > 0 ? (double)(c->prog.total - (pos < c->prog.total ? pos : c->prog.total)) *
                                          dt / (double)pos
                                    : 0;
        if (!final && pos)
            snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)(left / 60), (int)left % 60);
        int pct = (int)(100.0 * (double)pos / (double)c->prog.total);
        fprintf(stderr, "\r%-24.24s %3d%% %s / %s  %llu rows  %s/s%s   ", base, pct > 100 ? 100 : pct, have,
                all, (unsigned long long)c->rows, rate, eta);
    } else {
        fprintf(stderr, "\r%-24.24s %s  %llu rows  %s/s   ", base, have, (unsigned long long)c->rows, rate);
    }
    c->prog.drew = true;
}

static l4r_status emit(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    tabctx *c = ctx;
    if (L4R_UNLIKELY(c->prog.on))
        draw_progress(c, in->src_pos, false);
    blkhead h;
    memcpy(&h, out->data, sizeof h);
    const char *p = out->data + sizeof h, *end = out->data + h.rows_end;
    if (L4R_UNLIKELY(h.skipped)) {
        l4r_status st = take_notes(c, end, h.skipped, e);
        if (st)
            return st;
    }
    c->extra_ignored += h.extra_ignored;
    c->fractions += h.fractions;
    c->filtered += h.filtered;
    c->rows += h.rows;
    if (c->mode == MODE_STREAM || c->mode == MODE_SIDE) {
        l4r_out_add_rows(c->out, h.rows);
        out->len = h.rows_end;
        return l4r_out_write_buf(c->out, out, sizeof h, e);
    }
    if (c->mode == MODE_TABLE) {
        l4r_itab *t = c->itab;
        while (p < end) {
            uint32_t u = take_id(&c->cache[0], &p);
            uint32_t i = take_id(&c->cache[1], &p);
            uint32_t r = take_id(&c->cache[2], &p);
            int64_t ts;
            memcpy(&ts, p, sizeof ts);
            p += sizeof ts;
            l4r_itab_push(t, u, i, r, ts);
        }
        return L4R_OK;
    }
    /* MODE_ITEMS, MODE_USERS */
    char *fields[L4R_MAX_MAP + 2];
    while (p < end) {
        uint32_t nf = get_u32(&p);
        if (nf >> 31) { /* a "clean": "html" field changed */
            c->html_cleaned++;
            nf &= ~(UINT32_C(1) << 31);
        }
        for (uint32_t k = 0; k < nf; k++) {
            uint32_t n = get_u32(&p);
            fields[k] = l4r_xstrndup(p, n);
            p += n;
        }
        if (!l4r_items_add(c->items, fields[0], strlen(fields[0]), fields[1], nf > 2 ? fields + 2 : NULL))
            c->dup_items++;
        for (uint32_t k = 0; k < nf; k++)
            free(fields[k]);
    }
    return L4R_OK;
}

/* ------------------------------------------------------------------------------------------ */
/* running one table                                                                           */

/* The records that were not taken as they are: skipped (--max-errors, with the first reasons) or
 * taken leniently as the recipe allows.  Only what happened is written. */
static void record_counts(const tabctx *c, const char *role, l4r_manifest *m)
{
    char key[96];
    if (c->skipped) {
        snprintf(key, sizeof key, "inputs.%s.records_skipped", role);
        l4r_manifest_set_int(m, key, (int64_t)c->skipped);
        snprintf(key, sizeof key, "inputs.%s.skipped_first", role);
        for (size_t k = 0; k < L4R_SKIP_REASONS && c->reasons[k]; k++)
            l4r_manifest_push_str(m, key, c->reasons[k]);
    }
    if (c->extra_ignored) {
        snprintf(key, sizeof key,
                 c->t->extra_fields_last ? "inputs.%s.extra_fields_in_last"
                                         : "inputs.%s.extra_fields_ignored",
                 role);
        l4r_manifest_set_int(m, key, (int64_t)c->extra_ignored);
    }
    if (c->fractions) {
        snprintf(key, sizeof key, "inputs.%s.time_fractions_floored", role);
        l4r_manifest_set_int(m, key, (int64_t)c->fractions);
    }
    bool clean = false;
    for (size_t k = 0; k < c->t->n_map; k++)
        clean = clean || c->t->map[k].clean_html;
    if (clean) { /* written whenever the recipe cleans a field, even when it is 0 */
        snprintf(key, sizeof key, "inputs.%s.html_cleaned", role);
        l4r_manifest_set_int(m, key, (int64_t)c->html_cleaned);
    }
    if (c->t->n_user_filters) {
        snprintf(key, sizeof key, "inputs.%s.filtered_out", role);
        l4r_manifest_set_int(m, key, (int64_t)c->filtered);
    }
    if (c->log && c->t->n_user_filters) {
        char *msg = l4r_xasprintf("'%s': %llu records dropped by the recipe's filter", c->name,
                                  (unsigned long long)c->filtered);
        c->log(c->log_ud, 0, msg);
        free(msg);
    }
    if (c->log && (c->extra_ignored || c->fractions)) {
        char *msg = l4r_xasprintf("'%s': %llu records with extra fields (%s), %llu fractional times "
                                  "(floored), as the recipe allows",
                                  c->name, (unsigned long long)c->extra_ignored,
                                  c->t->extra_fields_last ? "kept in the last column" : "dropped",
                                  (unsigned long long)c->fractions);
        c->log(c->log_ud, 0, msg);
        free(msg);
    }
}

/* The digest of k's source (its file's, as every input waiting for it was read from that file) into
 * the inputs waiting, and their manifest keys. */
static void passkeep_fill(l4r_passkeep *k, const char *sha256, uint64_t bytes)
{
    for (size_t i = 0; i < k->n_wait; i++) {
        if (k->wait[i].filled)
            continue;
        l4r_input *in = k->wait[i].in;
        memcpy(in->sha256, sha256, sizeof in->sha256);
        in->bytes = bytes;
        in->deferred = false;
        char key[64];
        snprintf(key, sizeof key, "inputs.%s.bytes", k->wait[i].role);
        l4r_manifest_set_int(k->m, key, (int64_t)bytes);
        snprintf(key, sizeof key, "inputs.%s.sha256", k->wait[i].role);
        l4r_manifest_set_str(k->m, key, sha256);
        k->wait[i].filled = true;
    }
}

l4r_status l4r_passkeep_end(l4r_passkeep *k, l4r_error *e)
{
    if (!k || !k->src)
        return L4R_OK;
    char hex[65];
    uint64_t bytes = 0;
    l4r_status st = e ? l4r_source_file_digest(k->src, hex, &bytes, e) : L4R_EINTERNAL;
    if (st == L4R_OK)
        passkeep_fill(k, hex, bytes);
    l4r_source_close(k->src);
    k->src = NULL;
    free(k->path);
    k->path = NULL;
    return st;
}

/* The source of in: the one the table before left open, moved on to in's member when that lies
 * further on in the same archive (one pass over it), else a new one. */
static l4r_status source_for(const l4r_convert_opts *o, tabctx *c, const l4r_input *in, l4r_source **src,
                             l4r_error *e)
{
    *src = NULL;
    l4r_passkeep *k = c->keep;
    if (k && k->src) {
        bool moved = false;
        l4r_status st = L4R_OK;
        char *before = l4r_xstrdup(l4r_source_name(k->src));
        if (!in->glob && in->member && !strcmp(in->path, k->path) && !getenv("L4R_NO_SHARED_PASS"))
            st = l4r_source_move_to(k->src, in->member, &moved, e);
        if (st == L4R_OK && moved) {
            *src = k->src;
            k->src = NULL;
            free(k->path);
            k->path = NULL;
            if (o->log) {
                char *msg = l4r_xasprintf("'%s': read on from '%s', in the same pass over the archive",
                                          l4r_source_name(*src), before);
                o->log(o->log_ud, 0, msg);
                free(msg);
            }
        } else if (st == L4R_OK) {
            st = l4r_passkeep_end(k, e);
        }
        free(before);
        if (st)
            return st;
        if (*src)
            return L4R_OK;
    }
    l4r_status st = in->glob ? l4r_source_open_glob(src, in->path, in->member, e)
                             : l4r_source_open(src, in->path, in->member, e);
    if (st == L4R_EARCHIVE && c->missing_ok && in->member) {
        /* a repackaged archive without this side table still converts */
        if (o->log) {
            char *msg =
                l4r_xasprintf("%s; %s.tsv is not written", e->msg, c->mode == MODE_USERS ? "users" : "items");
            o->log(o->log_ud, 1, msg);
            free(msg);
        }
        c->missing = true;
        return L4R_OK;
    }
    return st;
}

/* One file of the table through the pipeline into c's sink; its digest and size into *in (or,
 * in->share_next, later: the source stays open in c->keep for the next table). */
static l4r_status run_file(const l4r_convert_opts *o, tabctx *c, l4r_input *in, const char *role,
                           l4r_error *e)
{
    l4r_source *src = NULL;
    l4r_status st = source_for(o, c, in, &src, e);
    if (st || !src)
        return st;
    /* JSON lines, or one JSON array of the records (told before the pipeline picks its threads) */
    c->elements = false;
    if (c->fmt->id == L4R_FMT_JSONL)
        st = l4r_source_json_array(src, &c->elements, e);
    if (st) {
        l4r_source_close(src);
        return st;
    }
    if (in->member && !in->glob) {
        /* the chain of archives, known once opened: "A.zip:INNER.tar:MEMBER" (reader.h) */
        free(in->label);
        in->label = l4r_xstrdup(l4r_source_name(src));
    }
    c->name = in->label;
    c->rs.name = in->label; /* the record functions name it in their messages */
    c->rs.unit = c->elements ? "element" : NULL;
    if (o->threads > 0 && !l4r_pipeline_duo(src, o->threads)) {
        /* The reader thread is the busiest: take the input's digest off it, and the output's off
         * the writer.  Two threads on a plain file (-j 2) keep both where the bytes are. */
        l4r_source_hash_aside(src);
        if (c->out)
            l4r_out_hash_aside(c->out);
    }
    const l4r_table *t = c->t;
    l4r_pipe_cfg cfg = {
        .threads = o->threads,
        .block_size = o->block_size,
        .cut = t->escape ? L4R_CUT_LINES : c->fmt->cut, /* escaped quotes: one record per line */
        .header_lines = t->header || t->n_prefix ? 1 : 0,
        .header_keep = !t->header && t->n_prefix,
        .on_header = t->header     ? on_header
                     : t->n_prefix ? on_first
                                   : NULL,
        .work = work,
        .emit = emit,
        .carry = t->block_header ? carry_block_header : NULL,
        .ctx = c,
        .unit = c->rs.unit,
    };
    c->prog.on = o->progress;
    c->prog.drew = false;
    c->prog.t0 = l4r_now();
    c->prog.last = c->prog.t0 - 1; /* the first block draws at once */
    c->prog.total = o->progress ? l4r_source_disk_size(src) : 0;
    /* a glob in an archive: each matching entry in turn, each a file of its own (its line 1, no
     * block header, its own header line) */
    for (bool more = true; more && st == L4R_OK;) {
        more = false;
        if (in->glob) {
            c->name = l4r_source_name(src);
            c->rs.name = c->name;
        }
        c->header_ncols = 0;
        st = l4r_pipeline_run(src, &cfg, e);
        if (st == L4R_OK && t->header && c->header_ncols == 0)
            st = l4r_err(e, L4R_EPARSE, "'%s' is empty: expected a header line", c->name);
        in->members++;
        if (st == L4R_OK && in->glob)
            st = l4r_source_next_member(src, &more, e);
        if (st == L4R_OK && more && c->fmt->id == L4R_FMT_JSONL)
            st = l4r_source_json_array(src, &c->elements, e);
        c->rs.unit = c->elements ? "element" : NULL;
        cfg.unit = c->rs.unit;
    }
    c->name = in->label;
    c->rs.name = in->label;
    if (c->prog.drew) /* the line goes: what follows is the run's own summary */
        fprintf(stderr, "\r%-78s\r", "");
    l4r_passkeep *k = c->keep;
    if (st == L4R_OK && k && in->share_next && !in->n_parts &&
        k->n_wait < sizeof k->wait / sizeof k->wait[0]) {
        k->src = src;
        free(k->path);
        k->path = l4r_xstrdup(in->path);
        k->wait[k->n_wait].in = in;
        k->wait[k->n_wait].role = role;
        k->wait[k->n_wait].t = c->t;
        k->wait[k->n_wait].filled = k->wait[k->n_wait].checked = false;
        k->n_wait++;
        in->deferred = true;
        return L4R_OK;
    }
    if (st == L4R_OK)
        st = l4r_source_file_digest(src, in->sha256, &in->bytes, e);
    if (st == L4R_OK && k)
        passkeep_fill(k, in->sha256, in->bytes); /* the tables read before from this source */
    l4r_source_close(src);
    return st;
}

/* A table of several files: the SHA-256 of their listing, one line "SHA256  LABEL\n" per file in
 * reading order (what `sha256sum FILE...` prints), and their total size; when every file is a
 * member of one archive, that archive's digest and size instead. */
static void parts_digest(const l4r_input *in, char hex[65], uint64_t *bytes)
{
    bool one = true;
    for (size_t i = 1; i < in->n_parts && one; i++)
        one = !strcmp(in->parts[i].path, in->parts[0].path);
    if (one) {
        memcpy(hex, in->parts[0].sha256, 65);
        *bytes = in->parts[0].bytes;
        return;
    }
    l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
    *bytes = 0;
    for (size_t i = 0; i < in->n_parts; i++) {
        l4r_hasher_update(h, in->parts[i].sha256, 64);
        l4r_hasher_update(h, "  ", 2);
        l4r_hasher_update(h, in->parts[i].label, strlen(in->parts[i].label));
        l4r_hasher_update(h, "\n", 1);
        *bytes += in->parts[i].bytes;
    }
    l4r_hasher_final(h, hex);
}

l4r_status l4r_run_table(const l4r_convert_opts *o, tabctx *c, l4r_input *in, const char *role,
                         l4r_manifest *m, l4r_error *e)
{
    c->max_errors = o->max_errors;
    c->keep_negatives = o->keep_negatives;
    c->log = o->log;
    c->log_ud = o->log_ud;
    char hex[65];
    uint64_t size = 0;
    l4r_status st = L4R_OK;
    if (!in->n_parts) {
        st = run_file(o, c, in, role, e);
        if (c->missing)
            return st;
        memcpy(hex, in->sha256, sizeof hex);
        size = in->bytes;
    } else {
        /* one file after the other, in order, into the same sink; each starts at its line 1 and
         * with no block header */
        bool members = false;
        for (size_t i = 0; i < in->n_parts && st == L4R_OK; i++) {
            st = run_file(o, c, &in->parts[i], role, e);
            members |= in->parts[i].member != NULL;
        }
        if (st == L4R_OK) {
            parts_digest(in, hex, &size);
            if (members) { /* the archive chains, known now */
                l4r_buf lb = {0};
                for (size_t i = 0; i < in->n_parts; i++)
                    l4r_buf_addf(&lb, "%s%s", i ? ", " : "", in->parts[i].label);
                free(in->label);
                in->label = l4r_buf_take(&lb);
            }
        }
        c->name = in->label;
        c->rs.name = in->label;
    }
    if (st == L4R_OK) {
        char key[64];
        snprintf(key, sizeof key, "inputs.%s.file", role);
        l4r_manifest_set_str(m, key, in->label);
        if (!in->deferred) { /* else when the pass over the archive ends (l4r_passkeep) */
            snprintf(key, sizeof key, "inputs.%s.bytes", role);
            l4r_manifest_set_int(m, key, (int64_t)size);
            snprintf(key, sizeof key, "inputs.%s.sha256", role);
            l4r_manifest_set_str(m, key, hex);
        }
        if (in->n_parts) {
            snprintf(key, sizeof key, "inputs.%s.files", role);
            uint64_t files = 0; /* a glob in an archive counts the entries it read */
            for (size_t i = 0; i < in->n_parts; i++)
                files += in->parts[i].glob ? in->parts[i].members : 1;
            l4r_manifest_set_int(m, key, (int64_t)files);
        }
        snprintf(key, sizeof key, "inputs.%s.records", role);
        l4r_manifest_set_int(m, key, (int64_t)c->rows);
        record_counts(c, role, m);
    }
    return st;
}
