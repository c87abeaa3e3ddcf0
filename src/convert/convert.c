/*
 * convert.c — the converter: finds a variant's raw tables, parses them on the parallel pipeline
 * and writes the common format (docs/FORMAT.md).
 *
 * How a table is read.  A recipe table (recipe.h) names a file, its format (delimited, CSV, JSON
 * lines, Python literals), encoding, header and the source column of every output column.  A
 * `tabctx` resolves that once (column indices, JSON key set, output slots); then every worker
 * runs the same loop over the records of its block: split the record with the scanner of the
 * format, pick the wanted fields, and hand them to the mode's `put` function, which either
 * formats a TSV line (streaming), packs the fields for the table builder, or packs an item row.
 * The writer thread (pipeline emit) appends TSV blocks to interactions.tsv, interns packed rows
 * into the l4r_itab, or adds items — always in input order, so every -j gives the same bytes.
 *
 * Errors name the file, the physical line and what was expected, e.g.
 *   'ml-1m.zip:ml-1m/ratings.dat' line 7: expected 4 fields separated by '::', found 3
 */
#include "convert.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "output.h"
#include "pipeline.h"
#include "reader.h"
#include "scan.h"
#include "table.h"
#include "util.h"

#define MAX_FIELDS 256     /* source columns a delimited table may have */
#define MAX_MAP 64         /* output columns of one table */
#define L4R_SKIP_REASONS 5 /* skipped records whose reason the manifest lists */

/* ------------------------------------------------------------------------------------------ */
/* time                                                                                        */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly `w` digits at *p (advancing); false if not digits. */
static bool digits(const char **p, const char *end, int w, int *out)
{
    int v = 0;
    for (int i = 0; i < w; i++) {
        if (*p >= end || (unsigned)(**p - '0') > 9)
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

/* 1 or 2 digits (MIND's month/day/hour are not zero-padded). */
static bool digits12(const char **p, const char *end, int *out)
{
    if (!digits(p, end, 1, out))
        return false;
    if (*p < end && (unsigned)(**p - '0') <= 9) {
        *out = *out * 10 + (**p - '0');
        (*p)++;
    }
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return false;
    (*p)++;
    return true;
}

/* A real date (no 31 November, 29 February only in a leap year) and time (60: a leap second). */
static bool valid_ymdhms(int y, int mo, int d, int h, int mi, int s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

/* Integer with an optional fraction ("964982703", "1.5e9" is not accepted); floor division by
 * `div` for milliseconds.  *frac tells whether the fraction had a non-zero digit (the value is
 * floored then). */
static bool parse_unix(const char *p, size_t n, int64_t div, int64_t *out, bool *fraction)
{
    const char *e = p + n;
    bool neg = false;
    if (p < e && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    if (p == e || (unsigned)(*p - '0') > 9)
        return false;
    int64_t v = 0;
    while (p < e && (unsigned)(*p - '0') <= 9) {
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p++ - '0');
    }
    bool frac = false;
    if (p < e && *p == '.') {
        p++;
        while (p < e && (unsigned)(*p - '0') <= 9) {
            frac = frac || *p != '0';
            p++;
        }
    }
    if (p != e)
        return false;
    *fraction = frac;
    if (neg) {
        v = -v;
        if (frac)
            v -= 1; /* floor of a negative value with a fraction */
    }
    int64_t q = v / div;
    if (v % div < 0)
        q -= 1;
    *out = q;
    return true;
}

bool l4r_parse_time(const char *p, size_t n, l4r_timefmt fmt, int64_t *out)
{
    bool fraction;
    return l4r_parse_time_frac(p, n, fmt, out, &fraction);
}

bool l4r_parse_time_frac(const char *p, size_t n, l4r_timefmt fmt, int64_t *out, bool *fraction)
{
    const char *e = p + n;
    int y, mo, d, h = 0, mi = 0, s = 0;
    *fraction = false;
    switch (fmt) {
    case L4R_TIME_NONE: *out = 0; return true;
    case L4R_TIME_UNIX_S: return parse_unix(p, n, 1, out, fraction);
    case L4R_TIME_UNIX_MS: return parse_unix(p, n, 1000, out, fraction);
    case L4R_TIME_DATE:
    case L4R_TIME_DATETIME:
    case L4R_TIME_ISO8601: {
        if (!digits(&p, e, 4, &y) || !expect(&p, e, '-') || !digits(&p, e, 2, &mo) || !expect(&p, e, '-') ||
            !digits(&p, e, 2, &d))
            return false;
        int64_t off = 0;
        if (p < e && (*p == ' ' || *p == 'T')) {
            p++;
            if (!digits(&p, e, 2, &h) || !expect(&p, e, ':') || !digits(&p, e, 2, &mi) ||
                !expect(&p, e, ':') || !digits(&p, e, 2, &s))
                return false;
            if (p < e && *p == '.') { /* fractional seconds are dropped */
                p++;
                while (p < e && (unsigned)(*p - '0') <= 9)
                    p++;
            }
            if (p < e && *p == 'Z') {
                p++;
            } else if (p < e && (*p == '+' || *p == '-')) {
                int sign = *p == '-' ? -1 : 1, oh, om;
                p++;
                if (!digits(&p, e, 2, &oh))
                    return false;
                if (p < e && *p == ':')
                    p++;
                if (!digits(&p, e, 2, &om))
                    return false;
                off = sign * (oh * 3600 + om * 60);
            }
        } else if (fmt != L4R_TIME_DATE) {
            return false;
        }
        if (p != e || !valid_ymdhms(y, mo, d, h, mi, s))
            return false;
        *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s - off;
        return true;
    }
    case L4R_TIME_MDY_AMPM: {
        /* 11/15/2019 10:22:32 AM */
        if (!digits12(&p, e, &mo) || !expect(&p, e, '/') || !digits12(&p, e, &d) || !expect(&p, e, '/') ||
            !digits(&p, e, 4, &y) || !expect(&p, e, ' ') || !digits12(&p, e, &h) || !expect(&p, e, ':') ||
            !digits(&p, e, 2, &mi) || !expect(&p, e, ':') || !digits(&p, e, 2, &s) || !expect(&p, e, ' '))
            return false;
        if (e - p != 2 || (p[1] != 'M' && p[1] != 'm'))
            return false;
        bool pm = p[0] == 'P' || p[0] == 'p';
        if (!pm && p[0] != 'A' && p[0] != 'a')
            return false;
        if (h < 1 || h > 12)
            return false;
        h = h % 12 + (pm ? 12 : 0);
        if (!valid_ymdhms(y, mo, d, h, mi, s))
            return false;
        *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
        return true;
    }
    }
    return false;
}

/* ------------------------------------------------------------------------------------------ */
/* text                                                                                        */

/* Windows-1252 0x80..0x9F as Unicode code points (0 = undefined, kept as U+FFFD). */
static const uint16_t cp1252_hi[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                       0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

static void put_cp(l4r_buf *b, unsigned cp)
{
    char u[3];
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        l4r_buf_add(b, u, 2);
    } else {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        l4r_buf_add(b, u, 3);
    }
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (e - p >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

bool l4r_append_text(l4r_buf *b, const char *src, size_t n, l4r_encoding enc)
{
    const unsigned char *p = (const unsigned char *)src, *e = p + n;
    l4r_buf_reserve(b, n * (enc == L4R_ENC_UTF8 ? 1 : 3));
    char *o = b->data + b->len;
    if (enc == L4R_ENC_UTF8) {
        while (p < e) {
            unsigned c = *p;
            if (L4R_LIKELY(c >= 0x20 && c < 0x80)) {
                *o++ = (char)c;
                p++;
            } else if (c < 0x80) {
                if (L4R_UNLIKELY(c == 0)) {
                    b->len = (size_t)(o - b->data);
                    return false;
                }
                *o++ = (c == '\t' || c == '\n' || c == '\r') ? ' ' : (char)c;
                p++;
            } else {
                size_t k = utf8_len(p, e);
                if (!k) {
                    b->len = (size_t)(o - b->data);
                    return false;
                }
                memcpy(o, p, k);
                o += k;
                p += k;
            }
        }
        b->len = (size_t)(o - b->data);
        return true;
    }
    b->len = (size_t)(o - b->data);
    for (; p < e; p++) {
        unsigned c = *p;
        if (c == 0)
            return false;
        if (c < 0x80) {
            l4r_buf_addc(b, (c == '\t' || c == '\n' || c == '\r') ? ' ' : (char)c);
        } else if (enc == L4R_ENC_CP1252 && c < 0xA0) {
            unsigned cp = cp1252_hi[c - 0x80];
            put_cp(b, cp ? cp : 0xFFFD);
        } else {
            put_cp(b, c);
        }
    }
    return true;
}

/* ------------------------------------------------------------------------------------------ */
/* table context                                                                               */

enum { SLOT_USER, SLOT_ITEM, SLOT_RATING, SLOT_TIME, N_ISLOTS };

typedef enum { MODE_STREAM, MODE_TABLE, MODE_ITEMS } mode_t_;

typedef struct tabctx {
    const l4r_table *t;
    const char *name; /* source name for messages */
    mode_t_ mode;
    size_t nmap;
    int col[MAX_MAP];    /* delimited/CSV: source column of map entry k (-1: constant) */
    int ncols_needed;    /* fields a record must have */
    int header_ncols;    /* columns found in the header (0 when no header) */
    int ncols;           /* fields a record has: the header's, or max(columns, needed) */
    l4r_keyset *ks;      /* JSON / Python literal: keys of the map entries with a source */
    int key_of[MAX_MAP]; /* index into ks of map entry k, -1 for constants */
    /* interactions: map entry of each slot (-1 absent) */
    int slot[N_ISLOTS];
    /* items: map entry of item_id and title, then extras in output order */
    int item_slot, title_slot;
    int extra[MAX_MAP];
    size_t n_extra; /* including the flags column when present */
    bool has_flags;
    size_t seplen;
    bool sep_printable; /* delimited/CSV with a printable separator (not TAB) */
    bool quad;          /* the four-column fast path applies (see quad_line) */
    /* --max-errors: a worker skips at most this many bad records of a block, plus one to fail on;
     * 0: the first bad record fails the block */
    uint64_t max_errors;
    /* writer-side state */
    uint64_t skipped;                /* bad records skipped in this table */
    uint64_t *skipped_run;           /* ... in the whole run (both tables), against max_errors */
    uint64_t extra_ignored;          /* records whose extra fields were dropped ("extra_fields") */
    uint64_t fractions;              /* times whose fraction was floored ("time_fraction") */
    char *reasons[L4R_SKIP_REASONS]; /* the first skipped records' messages, for the manifest */
    void (*log)(void *ud, int level, const char *msg);
    void *log_ud;
    l4r_out *out;
    l4r_itab *itab;
    struct idcache *cache; /* [3]: users, items, ratings (table path) */
    l4r_items *items;
    uint64_t rows;
    uint64_t dup_items;
    l4r_error *err;
} tabctx;

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
    if ((c->mode != MODE_STREAM && c->mode != MODE_TABLE) || c->nmap != 4 || c->seplen != 1 ||
        (t->format != L4R_FMT_CSV && t->format != L4R_FMT_DELIM) || t->time != L4R_TIME_UNIX_S)
        return;
    char s = t->delim[0];
    if (s == '\n' || s == '\r' || s == '"' || (s >= '0' && s <= '9'))
        return;
    for (int k = 0; k < N_ISLOTS; k++)
        if (c->slot[k] < 0 || c->col[c->slot[k]] != k)
            return;
    const char *off = getenv("L4R_NO_FASTPATH"); /* tests compare both paths */
    c->quad = !(off && *off && strcmp(off, "0"));
#endif
}

/* The fields a record must have, once the columns are known (at init, or after the header). */
static void set_ncols(tabctx *c)
{
    int n = c->t->header ? c->header_ncols : (int)c->t->n_columns;
    c->ncols = n > c->ncols_needed ? n : c->ncols_needed;
}

static l4r_status tabctx_init(tabctx *c, const l4r_table *t, mode_t_ mode, const char *name, l4r_error *e)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->mode = mode;
    c->name = name;
    c->nmap = t->n_map;
    if (c->nmap > MAX_MAP)
        return l4r_err(e, L4R_ERECIPE, "table '%s' maps more than %d columns", t->path, MAX_MAP);
    c->seplen = strlen(t->delim);
    c->sep_printable = (t->format == L4R_FMT_CSV || t->format == L4R_FMT_DELIM) && c->seplen > 0;
    for (size_t k = 0; k < c->seplen; k++)
        if ((unsigned char)t->delim[k] < 0x20 || (unsigned char)t->delim[k] >= 0x7F)
            c->sep_printable = false;
    for (int s = 0; s < N_ISLOTS; s++)
        c->slot[s] = -1;
    if (mode == MODE_ITEMS) {
        c->item_slot = find_map(t, "item_id");
        c->title_slot = find_map(t, "title");
        if (c->item_slot < 0)
            return l4r_err(e, L4R_ERECIPE, "items table '%s' has no item_id field", t->path);
        for (size_t k = 0; k < t->n_map; k++)
            if ((int)k != c->item_slot && (int)k != c->title_slot)
                c->extra[c->n_extra++] = (int)k;
        if (t->flags_from >= 0 && t->n_flag_names) {
            c->has_flags = true;
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
    if (t->format == L4R_FMT_JSONL || t->format == L4R_FMT_PYLIT) {
        const char *keys[MAX_MAP];
        size_t nk = 0;
        for (size_t k = 0; k < t->n_map; k++) {
            c->key_of[k] = -1;
            if (t->map[k].src) {
                c->key_of[k] = (int)nk;
                keys[nk++] = t->map[k].src;
            }
        }
        c->ks = l4r_keyset_new(keys, nk);
        return L4R_OK;
    }
    /* delimited / CSV: indices known now unless the header names them */
    for (size_t k = 0; k < t->n_map; k++) {
        c->col[k] = -1;
        if (t->map[k].src && !t->header) {
            int i = t->map[k].index >= 0 ? t->map[k].index : l4r_table_column(t, t->map[k].src);
            if (i < 0)
                return l4r_err(e, L4R_ERECIPE, "table '%s': field '%s' names unknown column '%s'", t->path,
                               t->map[k].out, t->map[k].src);
            c->col[k] = i;
        }
    }
    int need = 0;
    for (size_t k = 0; k < t->n_map; k++)
        if (c->col[k] + 1 > need)
            need = c->col[k] + 1;
    if (c->has_flags && t->flags_from + (int)t->n_flag_names > need)
        need = t->flags_from + (int)t->n_flag_names;
    c->ncols_needed = need;
    set_ncols(c);
    quad_setup(c);
    return L4R_OK;
}

static void tabctx_free(tabctx *c)
{
    l4r_keyset_free(c->ks);
    c->ks = NULL;
    for (size_t k = 0; k < L4R_SKIP_REASONS; k++) {
        free(c->reasons[k]);
        c->reasons[k] = NULL;
    }
}

static void sep_name(const l4r_table *t, char *buf, size_t cap)
{
    if (!strcmp(t->delim, "\t"))
        snprintf(buf, cap, "tabs");
    else
        snprintf(buf, cap, "'%s'", t->delim);
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
    l4r_span f[MAX_FIELDS];
    size_t nf;
    l4r_buf scratch = {0};
    l4r_status st = L4R_OK;
    if (t->format == L4R_FMT_CSV) {
        const char *p = line;
        st = l4r_csv_record(&p, line + len, t->delim[0], f, MAX_FIELDS, &nf, &scratch, e);
        if (st)
            goto out;
    } else {
        nf = l4r_split_delim(line, line + len, t->delim, c->seplen, f, MAX_FIELDS);
    }
    c->header_ncols = (int)nf; /* all of them: a record must have as many */
    if (nf > MAX_FIELDS)
        nf = MAX_FIELDS;
    for (size_t k = 0; k < t->n_map; k++) {
        if (!t->map[k].src)
            continue;
        c->col[k] = -1;
        for (size_t i = 0; i < nf; i++) {
            if (f[i].n == strlen(t->map[k].src) && !memcmp(f[i].p, t->map[k].src, f[i].n)) {
                c->col[k] = (int)i;
                break;
            }
        }
        if (c->col[k] < 0) {
            st = l4r_err(e, L4R_EPARSE, "'%s' line 1: header has no column '%s' (for %s); header is '%.*s'",
                         c->name, t->map[k].src, t->map[k].out, (int)(len > 200 ? 200 : len), line);
            goto out;
        }
        if (c->col[k] + 1 > c->ncols_needed)
            c->ncols_needed = c->col[k] + 1;
    }
    set_ncols(c);
    quad_setup(c);
out:
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
    else if (t->format == L4R_FMT_JSONL || t->format == L4R_FMT_PYLIT)
        snprintf(buf, cap, "key '%s'", t->map[k].src ? t->map[k].src : t->map[k].out);
    else if (c->col[k] >= 0)
        snprintf(buf, cap, "field %d (%s)", c->col[k] + 1, t->map[k].src ? t->map[k].src : t->map[k].out);
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
        return l4r_err(e, L4R_EPARSE, "'%s' line %llu: %s, %s, holds a NUL byte (a damaged or binary file?)",
                       c->name, (unsigned long long)line, what, where);
    return l4r_err(e, L4R_EPARSE,
                   "'%s' line %llu: invalid UTF-8 in %s, %s (if the file is Latin-1 or cp1252, the "
                   "recipe's table needs \"encoding\")",
                   c->name, (unsigned long long)line, what, where);
}

#define ONES8 0x0101010101010101ULL
#define HIGH8 0x8080808080808080ULL

/* A field that is printable ASCII: no TAB/CR/LF, nothing to transcode or validate.  Eight bytes
 * at a time: a byte >= 0x80 sets its high bit; a byte < 0x20 borrows in v - 0x20. */
static inline bool is_plain(l4r_span f)
{
    const char *p = f.p;
    size_t i = 0;
    for (; i + 8 <= f.n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        if ((v | ((v - ONES8 * 0x20) & ~v)) & HIGH8)
            return false;
    }
    for (; i < f.n; i++)
        if (L4R_UNLIKELY((unsigned char)(p[i] - 0x20) >= 0x5F))
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

/* Packed form of a field for the table builder: 32-bit length, then the bytes. */
static inline char *pack_plain(char *o, l4r_span f)
{
    uint32_t n = (uint32_t)f.n;
    memcpy(o, &n, sizeof n);
    memcpy(o + sizeof n, f.p, f.n);
    return o + sizeof n + f.n;
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
                   "'%s' line %llu: %s '%.*s' has a fraction; Unix %s must be whole (recipe key "
                   "\"time_fraction\": \"floor\" floors them)",
                   c->name, (unsigned long long)line, where, (int)(ts.n > 40 ? 40 : ts.n), ts.p,
                   c->t->time == L4R_TIME_UNIX_MS ? "milliseconds" : "seconds");
}

/* vals[k]: span of map entry k (p NULL = absent).  *fractions counts the times floored. */
static l4r_status put_record(tabctx *c, l4r_span *vals, bool rec_plain, uint64_t line, l4r_buf *out,
                             l4r_buf *tmp, uint64_t *fractions, l4r_error *e)
{
    const l4r_table *t = c->t;
    if (c->mode == MODE_ITEMS) {
        l4r_span id = vals[c->item_slot];
        if (!id.p || !id.n)
            return l4r_err(e, L4R_EPARSE, "'%s' line %llu: empty item id", c->name, (unsigned long long)line);
        uint32_t nfields = (uint32_t)(2 + c->n_extra);
        l4r_buf_add(out, &nfields, sizeof nfields);
        l4r_buf_reset(tmp);
        if (!l4r_append_text(tmp, id.p, id.n, t->encoding))
            return bad_text(c, line, "the item id", c->item_slot, id, e);
        pack_span(out, tmp->data, tmp->len);
        l4r_buf_reset(tmp);
        if (c->title_slot >= 0 && vals[c->title_slot].p &&
            !l4r_append_text(tmp, vals[c->title_slot].p, vals[c->title_slot].n, t->encoding))
            return bad_text(c, line, "the title", c->title_slot, vals[c->title_slot], e);
        pack_span(out, tmp->data ? tmp->data : "", tmp->len);
        size_t nx = c->n_extra - (c->has_flags ? 1 : 0);
        for (size_t x = 0; x < nx; x++) {
            l4r_span v = vals[c->extra[x]];
            l4r_buf_reset(tmp);
            if (v.p && !l4r_append_text(tmp, v.p, v.n, t->encoding))
                return bad_text(c, line, t->map[c->extra[x]].out, c->extra[x], v, e);
            pack_span(out, tmp->data ? tmp->data : "", tmp->len);
        }
        if (c->has_flags) {
            /* the flag columns were stored after the map entries by the caller */
            l4r_span *flags = vals + c->nmap;
            l4r_buf_reset(tmp);
            for (size_t g = 0; g < t->n_flag_names; g++) {
                if (flags[g].n == 1 && flags[g].p[0] == '1') {
                    if (tmp->len)
                        l4r_buf_addc(tmp, '|');
                    l4r_buf_adds(tmp, t->flag_names[g]);
                } else if (!(flags[g].n == 1 && flags[g].p[0] == '0')) {
                    return l4r_err(e, L4R_EPARSE, "'%s' line %llu: flag column %d is '%.*s', expected 0 or 1",
                                   c->name, (unsigned long long)line, t->flags_from + (int)g + 1,
                                   (int)(flags[g].n > 40 ? 40 : flags[g].n), flags[g].p ? flags[g].p : "");
                }
            }
            pack_span(out, tmp->data ? tmp->data : "", tmp->len);
        }
        return L4R_OK;
    }

    l4r_span u = vals[c->slot[SLOT_USER]], it = vals[c->slot[SLOT_ITEM]];
    l4r_span r = c->slot[SLOT_RATING] >= 0 ? vals[c->slot[SLOT_RATING]] : (l4r_span){"1", 1};
    l4r_span ts = c->slot[SLOT_TIME] >= 0 ? vals[c->slot[SLOT_TIME]] : (l4r_span){NULL, 0};
    if (!u.p || !u.n)
        return l4r_err(e, L4R_EPARSE, "'%s' line %llu: empty or missing user id (%s)", c->name,
                       (unsigned long long)line,
                       t->map[c->slot[SLOT_USER]].src ? t->map[c->slot[SLOT_USER]].src : "");
    if (!it.p || !it.n)
        return l4r_err(e, L4R_EPARSE, "'%s' line %llu: empty or missing item id (%s)", c->name,
                       (unsigned long long)line,
                       t->map[c->slot[SLOT_ITEM]].src ? t->map[c->slot[SLOT_ITEM]].src : "");
    if (!r.p)
        return l4r_err(e, L4R_EPARSE, "'%s' line %llu: missing rating", c->name, (unsigned long long)line);
    int64_t tv = 0;
    /* streaming a canonical integer of seconds: it is copied as it is, no need for its value */
    bool ts_plain = t->time == L4R_TIME_UNIX_S && canonical_int(ts);
    if (ts_plain && c->mode != MODE_STREAM) {
        for (size_t k = 0; k < ts.n; k++) /* at most 18 digits: no overflow */
            tv = tv * 10 + (ts.p[k] - '0');
    } else if (t->time != L4R_TIME_NONE && !ts_plain) {
        bool frac = false;
        if (!ts.p || !l4r_parse_time_frac(ts.p, ts.n, t->time, &tv, &frac))
            return l4r_err(e, L4R_EPARSE, "'%s' line %llu: timestamp '%.*s' is not %s", c->name,
                           (unsigned long long)line, (int)(ts.p ? (ts.n > 40 ? 40 : ts.n) : 0),
                           ts.p ? ts.p : "",
                           t->time == L4R_TIME_UNIX_S     ? "Unix seconds"
                           : t->time == L4R_TIME_UNIX_MS  ? "Unix milliseconds"
                           : t->time == L4R_TIME_DATE     ? "a YYYY-MM-DD date"
                           : t->time == L4R_TIME_MDY_AMPM ? "a MM/DD/YYYY hh:mm:ss AM/PM time"
                                                          : "a YYYY-MM-DD HH:MM:SS time");
        if (L4R_UNLIKELY(frac)) {
            if (!t->time_fraction_floor)
                return fraction(c, line, ts, e);
            ++*fractions;
        }
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
        l4r_buf_addc(out, '\t');
        if (!l4r_append_text(out, it.p, it.n, t->encoding))
            return bad_text(c, line, "the item id", c->slot[SLOT_ITEM], it, e);
        l4r_buf_addc(out, '\t');
        if (!l4r_append_text(out, r.p, r.n, t->encoding))
            return bad_text(c, line, "the rating", c->slot[SLOT_RATING], r, e);
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
        l4r_buf_reserve(out, 3 * sizeof(uint32_t) + u.n + it.n + r.n + sizeof tv);
        char *o = out->data + out->len;
        o = pack_plain(o, u);
        o = pack_plain(o, it);
        o = pack_plain(o, r);
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

static const char *value_kind_name(l4r_vkind k)
{
    switch (k) {
    case L4R_V_ARRAY: return "an array";
    case L4R_V_OBJECT: return "an object";
    case L4R_V_BOOL: return "a boolean";
    default: return "a value";
    }
}

#if defined(__SSE2__)
/* Bit masks of 16 bytes: the newline, the separator, the bytes that rule the fast path out
 * (anything but printable ASCII, separator and newline; a quote in CSV), and the digits. */
typedef struct qmask {
    uint64_t nl, sep, bad, dig;
} qmask;

static inline void quad_masks(const char *p, __m128i vsep, bool csv, int at, qmask *m)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i nl = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
    __m128i sp = _mm_cmpeq_epi8(v, vsep);
    /* signed: bytes >= 0x80 are negative, so one compare catches them and the controls */
    __m128i bad =
        _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)));
    if (csv)
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    bad = _mm_andnot_si128(_mm_or_si128(nl, sp), bad);
    __m128i dig =
        _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    m->nl |= (uint64_t)(unsigned)_mm_movemask_epi8(nl) << at;
    m->sep |= (uint64_t)(unsigned)_mm_movemask_epi8(sp) << at;
    m->bad |= (uint64_t)(unsigned)_mm_movemask_epi8(bad) << at;
    m->dig |= (uint64_t)(unsigned)_mm_movemask_epi8(dig) << at;
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
    bool csv = c->t->format == L4R_FMT_CSV;
    qmask m = {0, 0, 0, 0};
    quad_masks(p, vsep, csv, 0, &m);
    quad_masks(p + 16, vsep, csv, 16, &m);
    if (!m.nl) {
        quad_masks(p + 32, vsep, csv, 32, &m);
        quad_masks(p + 48, vsep, csv, 48, &m);
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
    int64_t tv = 0;
    for (unsigned k = d + 1; k < len; k++)
        tv = tv * 10 + (p[k] - '0');
    l4r_buf_reserve(out, 3 * sizeof(uint32_t) + d + sizeof tv);
    char *o = out->data + out->len;
    o = pack_plain(o, (l4r_span){p, a});
    o = pack_plain(o, (l4r_span){p + a + 1, b - a - 1});
    o = pack_plain(o, (l4r_span){p + b + 1, d - b - 1});
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

static l4r_status work(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    tabctx *c = ctx;
    const l4r_table *t = c->t;
    blkhead h = {0, 0, 0, 0, 0};
    /* A fast-path line comes out exactly as long as it went in, so a block's output is about its
     * input's length: one reservation instead of growing from 256 bytes (through 4 KiB faults and
     * copies) in every buffer the first time it is used, 9 of them at -j 2 (docs/DESIGN.md). */
    if (c->quad && c->mode == MODE_STREAM)
        l4r_buf_reserve(out, sizeof h + in->len);
    l4r_buf_add(out, &h, sizeof h); /* patched at the end */
    l4r_span f[MAX_FIELDS];
    l4r_span vals[MAX_MAP + MAX_FIELDS];
    l4r_vkind kinds[MAX_MAP];
    l4r_buf scratch = {0}, tmp = {0}, notes = {0};
    l4r_status st = L4R_OK;
    const char *p = in->data, *end = in->data + in->len;
    uint64_t line = in->line0;
    char sepn[16];

    while (p < end) {
#if defined(__SSE2__)
        if (c->quad && end - p >= 64) {
            size_t n = quad_line(c, p, out);
            if (n) {
                p += n;
                line++;
                h.rows++;
                if (L4R_UNLIKELY(l4r_interrupted)) {
                    st = l4r_err(e, L4R_EINTR, "interrupted");
                    goto out;
                }
                continue;
            }
        }
#endif
        const char *rec = p, *rend;
        uint64_t recline = line;
        size_t nf = 0, out_len = out->len;
        l4r_buf_reset(&scratch);
        if (t->format == L4R_FMT_CSV) {
            st = l4r_csv_record(&p, end, t->delim[0], f, MAX_FIELDS, &nf, &scratch, e);
            if (st) {
                l4r_err_prefix(e, "'%s' line %llu", c->name, (unsigned long long)recline);
                /* skipped: the record is taken to end with its first line */
                const char *nl = memchr(rec, '\n', (size_t)(end - rec));
                p = nl ? nl + 1 : end;
                line = recline + 1;
                goto bad;
            }
            /* physical lines: usually just the terminator; quoted fields may hold more */
            const char *nl = memchr(rec, '\n', (size_t)(p - rec));
            if (nl && nl == p - 1)
                line++;
            else
                for (const char *q = nl; q && q < p; q++)
                    line += *q == '\n';
            rend = p;
            /* a blank line is one empty field */
            if (nf == 1 && f[0].n == 0)
                continue;
        } else {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            rend = nl ? nl : end;
            p = nl ? nl + 1 : end;
            line++;
            if (rend > rec && rend[-1] == '\r')
                rend--;
            if (rend == rec)
                continue; /* blank line */
            if (t->format == L4R_FMT_DELIM)
                nf = l4r_split_delim(rec, rend, t->delim, c->seplen, f, MAX_FIELDS);
        }
        if (t->format == L4R_FMT_JSONL || t->format == L4R_FMT_PYLIT) {
            l4r_span jv[MAX_MAP];
            const char *q = rec;
            while (q < rend && (*q == ' ' || *q == '\t'))
                q++;
            if (q == rend)
                continue;
            st = t->format == L4R_FMT_JSONL ? l4r_json_fields(rec, rend, c->ks, jv, kinds, &scratch, e)
                                            : l4r_pylit_fields(rec, rend, c->ks, jv, kinds, &scratch, e);
            if (st) {
                l4r_err_prefix(e, "'%s' line %llu", c->name, (unsigned long long)recline);
                goto bad;
            }
            for (size_t k = 0; k < c->nmap; k++) {
                int ki = c->key_of[k];
                if (ki < 0) {
                    vals[k].p = t->map[k].value;
                    vals[k].n = strlen(t->map[k].value);
                    continue;
                }
                vals[k] = jv[ki];
                if (kinds[ki] == L4R_V_NULL || kinds[ki] == L4R_V_ABSENT) {
                    vals[k].p = NULL;
                    vals[k].n = 0;
                } else if (kinds[ki] != L4R_V_STRING && kinds[ki] != L4R_V_NUMBER) {
                    st = l4r_err(e, L4R_EPARSE,
                                 "'%s' line %llu: key '%s' holds %s, expected a string or number", c->name,
                                 (unsigned long long)recline, t->map[k].src, value_kind_name(kinds[ki]));
                    goto bad;
                }
            }
        } else {
            if (L4R_UNLIKELY((int)nf != c->ncols)) {
                sep_name(t, sepn, sizeof sepn);
                if ((int)nf < c->ncols) {
                    st = l4r_err(e, L4R_EPARSE,
                                 "'%s' line %llu: expected %d fields separated by %s, found %zu", c->name,
                                 (unsigned long long)recline, c->ncols, sepn, nf);
                    goto bad;
                }
                if (!t->extra_fields_ignore) {
                    l4r_span x = c->ncols < MAX_FIELDS ? f[c->ncols] : (l4r_span){"", 0};
                    st = l4r_err(
                        e, L4R_EPARSE,
                        "'%s' line %llu: expected %d fields separated by %s, found %zu; field %d '%.*s' "
                        "is one too many (recipe key \"extra_fields\": \"ignore\" drops extra fields)",
                        c->name, (unsigned long long)recline, c->ncols, sepn, nf, c->ncols + 1,
                        (int)(x.n > 40 ? 40 : x.n), x.p);
                    goto bad;
                }
                h.extra_ignored++;
            }
            for (size_t k = 0; k < c->nmap; k++) {
                if (c->col[k] < 0) {
                    vals[k].p = t->map[k].value;
                    vals[k].n = t->map[k].value ? strlen(t->map[k].value) : 0;
                } else {
                    vals[k] = f[c->col[k]];
                }
            }
            if (c->has_flags)
                for (size_t g = 0; g < t->n_flag_names; g++)
                    vals[c->nmap + g] = f[t->flags_from + (int)g];
        }
        /* A record of printable ASCII only (the separator included) has only plain fields: one
         * check for the whole record instead of one per field. */
        bool rec_plain = false;
        if (c->sep_printable) {
            const char *re = rend;
            while (re > rec && (re[-1] == '\n' || re[-1] == '\r'))
                re--;
            rec_plain = is_plain((l4r_span){rec, (size_t)(re - rec)});
        }
        st = put_record(c, vals, rec_plain, recline, out, &tmp, &h.fractions, e);
        if (st)
            goto bad;
        h.rows++;
        if (L4R_UNLIKELY(l4r_interrupted)) {
            st = l4r_err(e, L4R_EINTR, "interrupted");
            goto out;
        }
        continue;
    bad:
        if (!skip_record(c, recline, st, &notes, e))
            goto out;
        st = L4R_OK;
        out->len = out_len; /* what put_record wrote of it */
        if (++h.skipped > c->max_errors)
            break; /* one more than may be skipped: the writer fails at this note or before */
    }
    h.rows_end = out->len;
    memcpy(out->data, &h, sizeof h);
    if (notes.len)
        l4r_buf_add(out, notes.data, notes.len);
out:
    l4r_buf_free(&scratch);
    l4r_buf_free(&tmp);
    l4r_buf_free(&notes);
    return st;
}

/* ---- id interning for the table path ----
 *
 * The writer thread interns every user, item and rating string, which makes it the serial part of
 * the table path.  Two caches in front of the dictionary take most look-ups off it: the previous
 * row's string (sources are usually grouped by user), and for strings of at most 7 bytes (MovieLens
 * ids, ratings) an open-addressing map keyed by the bytes themselves packed into a 64-bit word, so a
 * hit costs one probe and no string compare.  A short string that is a canonical decimal integer
 * below 2^24 (MovieLens, Tenrec, MicroLens ids) skips hashing altogether: its value indexes a
 * plain array of ids, which for a few hundred thousand ids stays in the L2 cache.  Ids come from
 * the dictionary either way, so the numbering is exactly the dictionary's first-appearance order. */
typedef struct idcache {
    l4r_dict *dict;
    uint64_t *key; /* 0 = empty; else packed bytes | length << 56 */
    uint32_t *val;
    size_t mask;
    size_t used;
    uint64_t last_key; /* packed previous string (short strings), 0 = none */
    char last[64];     /* previous string (long strings) */
    size_t last_n;
    uint32_t last_id;
    uint32_t *dense; /* dense[v]: id + 1 of the integer string v; 0 = not seen */
    size_t dense_cap;
} idcache;

#define DENSE_MAX ((size_t)1 << 24)

static void idcache_init(idcache *c, l4r_dict *d)
{
    memset(c, 0, sizeof *c);
    c->dict = d;
    c->mask = 1023;
    c->key = l4r_xcalloc(c->mask + 1, sizeof *c->key);
    c->val = l4r_xcalloc(c->mask + 1, sizeof *c->val);
    c->last_id = UINT32_MAX;
}

static void idcache_free(idcache *c)
{
    free(c->key);
    free(c->val);
    free(c->dense);
    c->dense = NULL;
    c->key = NULL;
    c->val = NULL;
}

static inline size_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k;
}

static void idcache_grow(idcache *c)
{
    size_t nm = c->mask * 2 + 1;
    uint64_t *nk = l4r_xcalloc(nm + 1, sizeof *nk);
    uint32_t *nv = l4r_xcalloc(nm + 1, sizeof *nv);
    for (size_t i = 0; i <= c->mask; i++) {
        if (!c->key[i])
            continue;
        size_t j = mix64(c->key[i]) & nm;
        while (nk[j])
            j = (j + 1) & nm;
        nk[j] = c->key[i];
        nv[j] = c->val[i];
    }
    free(c->key);
    free(c->val);
    c->key = nk;
    c->val = nv;
    c->mask = nm;
}

/* Id of the string p[0..n).  Callers guarantee 8 readable bytes at p (packed rows always have
 * the 8-byte timestamp after their last field), so a short string is read as one word. */
static uint32_t idcache_dense_miss(idcache *c, const char *p, size_t n, size_t v)
{
    if (v >= c->dense_cap) {
        size_t cap = c->dense_cap ? c->dense_cap : 4096;
        while (cap <= v)
            cap *= 2;
        c->dense = l4r_xrealloc(c->dense, cap * sizeof *c->dense);
        memset(c->dense + c->dense_cap, 0, (cap - c->dense_cap) * sizeof *c->dense);
        c->dense_cap = cap;
    }
    uint32_t id = l4r_dict_intern(c->dict, p, n);
    c->dense[v] = id + 1;
    return id;
}

static inline uint32_t idcache_get(idcache *c, const char *p, size_t n)
{
    if (n >= 1 && n <= 7 && (p[0] != '0' || n == 1)) {
        size_t v = 0, k = 0;
        for (; k < n && (unsigned)(p[k] - '0') <= 9; k++)
            v = v * 10 + (size_t)(p[k] - '0');
        if (k == n && v < DENSE_MAX) {
            if (v < c->dense_cap && c->dense[v])
                return c->dense[v] - 1;
            return idcache_dense_miss(c, p, n, v);
        }
    }
    if (n >= 1 && n <= 7) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t k = (v & ((UINT64_C(1) << (8 * n)) - 1)) | (uint64_t)n << 56; /* little-endian */
        if (k == c->last_key)
            return c->last_id;
        size_t j = mix64(k) & c->mask;
        while (c->key[j] && c->key[j] != k)
            j = (j + 1) & c->mask;
        uint32_t id;
        if (c->key[j]) {
            id = c->val[j];
        } else {
            id = l4r_dict_intern(c->dict, p, n);
            c->key[j] = k;
            c->val[j] = id;
            if (++c->used * 2 > c->mask)
                idcache_grow(c);
        }
        c->last_key = k;
        c->last_id = id;
        return id;
    }
    if (n == c->last_n && c->last_id != UINT32_MAX && !c->last_key && !memcmp(p, c->last, n))
        return c->last_id;
    uint32_t id = l4r_dict_intern(c->dict, p, n);
    c->last_key = 0;
    c->last_id = UINT32_MAX;
    if (n <= sizeof c->last) {
        memcpy(c->last, p, n);
        c->last_n = n;
        c->last_id = id;
    }
    return id;
}

/* ---- writers (pipeline emit, input order) ---- */

static uint32_t get_u32(const char **p)
{
    uint32_t v;
    memcpy(&v, *p, sizeof v);
    *p += sizeof v;
    return v;
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

static l4r_status emit(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    (void)in;
    tabctx *c = ctx;
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
    c->rows += h.rows;
    if (c->mode == MODE_STREAM) {
        l4r_out_add_rows(c->out, h.rows);
        out->len = h.rows_end;
        return l4r_out_write_buf(c->out, out, sizeof h, e);
    }
    if (c->mode == MODE_TABLE) {
        l4r_itab *t = c->itab;
        while (p < end) {
            uint32_t n = get_u32(&p);
            uint32_t u = idcache_get(&c->cache[0], p, n);
            p += n;
            n = get_u32(&p);
            uint32_t i = idcache_get(&c->cache[1], p, n);
            p += n;
            n = get_u32(&p);
            uint32_t r = idcache_get(&c->cache[2], p, n);
            p += n;
            int64_t ts;
            memcpy(&ts, p, sizeof ts);
            p += sizeof ts;
            l4r_itab_push(t, u, i, r, ts);
        }
        return L4R_OK;
    }
    /* MODE_ITEMS */
    char *fields[MAX_MAP + 2];
    while (p < end) {
        uint32_t nf = get_u32(&p);
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
/* locating inputs                                                                             */

typedef struct input {
    char *path;   /* file to open */
    char *member; /* archive member or NULL */
    char *label;  /* for the manifest: "PATH" or "PATH:MEMBER" */
} input;

static void input_free(input *in)
{
    free(in->path);
    free(in->member);
    free(in->label);
    memset(in, 0, sizeof *in);
}

/* A container of members (zip, tar, a compressed tar, ...), judged by content after
 * decompression, never by name: a .tar.gz is an archive, a .gz of one file is not.  An unreadable
 * file is "not an archive" here; opening it reports the error. */
static bool is_archive(const char *path)
{
    l4r_archive_kind k;
    return l4r_archive_sniff(path, &k, NULL) == L4R_OK && k.is_archive;
}

/* Find the file of table t.  `required` false: a missing items table is not an error. */
static l4r_status locate(const l4r_convert_opts *o, const l4r_variant *v, const l4r_table *t, bool is_items,
                         input *in, l4r_error *e)
{
    memset(in, 0, sizeof *in);
    const char *base = l4r_path_base(t->path);
    const char *member = t->member ? t->member : t->path;
    if (!o->raw) {
        in->path = l4r_path_join(o->fetched_dir, t->path);
        const char *nest;
        const l4r_rfile *nf = l4r_variant_nested(v, t->path, &nest);
        if (!l4r_is_file(in->path) && nf && !is_items) {
            l4r_status st =
                l4r_err(e, L4R_EARCHIVE, "no member '%s' in archive '%s:%s' (fetch unpacked it into '%s/%s')",
                        t->path + strlen(nest) + 1, nf->name, nest, o->fetched_dir, nest);
            input_free(in);
            return st;
        }
        if (!l4r_is_file(in->path)) {
            l4r_status st = l4r_err(e, is_items ? L4R_OK : L4R_EIO,
                                    "'%s' is missing from the fetched data (run 'llm4rec-data fetch "
                                    "--force' to fetch again)",
                                    in->path);
            input_free(in);
            return is_items ? L4R_OK : st;
        }
        in->label = l4r_xstrdup(t->path);
        return L4R_OK;
    }
    const char *raw = o->raw;
    if (l4r_is_dir(raw)) {
        char *cands[3] = {l4r_path_join(raw, t->path), l4r_path_join(raw, base), NULL};
        /* a directory that is the archive's own top folder (e.g. --raw ~/dl/ml-1m) */
        for (int k = 0; k < 2; k++) {
            if (!in->path && l4r_is_file(cands[k])) {
                in->path = cands[k];
                cands[k] = NULL;
            }
        }
        free(cands[0]);
        free(cands[1]);
        size_t pre = in->path ? 0 : l4r_member_file_prefix(raw, member);
        if (pre) { /* the outer archive unpacked by hand, an inner one not: read through it */
            char *outer = l4r_xstrndup(member, pre);
            in->path = l4r_path_join(raw, outer);
            free(outer);
            in->member = l4r_xstrdup(member + pre + 1);
            in->label = l4r_xasprintf("%s:%s", in->path, in->member);
            return L4R_OK;
        }
        if (!in->path) {
            if (is_items)
                return L4R_OK;
            return l4r_err(e, L4R_EIO, "'%s' holds neither '%s' nor '%s'", raw, t->path, base);
        }
        in->label = l4r_xstrdup(in->path);
        return L4R_OK;
    }
    if (!l4r_is_file(raw)) {
        struct stat st;
        if (stat(raw, &st) != 0)
            return l4r_err(e, L4R_EIO, "cannot open '%s': %s", raw, strerror(errno));
        /* a pipe (<(zcat ...)) or a device: the kind is sniffed before reading, which a stream
         * cannot give back */
        return l4r_err(e, L4R_EIO,
                       "'%s' is not a regular file or a directory; --raw needs a file (write the stream "
                       "to one first)",
                       raw);
    }
    const char *rawbase = l4r_path_base(raw);
    /* the table itself (ratings.csv, u.data, reviews_X.json.gz), unless its content is an archive
     * (the name proves nothing) */
    bool archive = is_archive(raw);
    bool same_name = !archive && !strcmp(rawbase, base);
    if (same_name || (!is_items && !archive)) {
        if (is_items && !same_name)
            return L4R_OK;
        in->path = l4r_xstrdup(raw);
        in->label = l4r_xstrdup(raw);
        return L4R_OK;
    }
    if (!archive) {
        /* items next to a single interaction file */
        char *dir = l4r_xstrndup(raw, (size_t)(rawbase - raw));
        char *p = l4r_path_join(*dir ? dir : ".", base);
        free(dir);
        if (l4r_is_file(p)) {
            in->path = p;
            in->label = l4r_xstrdup(p);
        } else {
            free(p);
        }
        return L4R_OK;
    }
    in->path = l4r_xstrdup(raw);
    const char *after = l4r_variant_member_after(v, member, rawbase); /* an inner archive given itself */
    in->member = l4r_xstrdup(after ? after : member);
    in->label = l4r_xasprintf("%s:%s", raw, in->member);
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
        snprintf(key, sizeof key, "inputs.%s.extra_fields_ignored", role);
        l4r_manifest_set_int(m, key, (int64_t)c->extra_ignored);
    }
    if (c->fractions) {
        snprintf(key, sizeof key, "inputs.%s.time_fractions_floored", role);
        l4r_manifest_set_int(m, key, (int64_t)c->fractions);
    }
    if (c->log && (c->extra_ignored || c->fractions)) {
        char *msg =
            l4r_xasprintf("'%s': %llu records with extra fields (dropped), %llu fractional times "
                          "(floored), as the recipe allows",
                          c->name, (unsigned long long)c->extra_ignored, (unsigned long long)c->fractions);
        c->log(c->log_ud, 0, msg);
        free(msg);
    }
}

static l4r_status run_table(const l4r_convert_opts *o, tabctx *c, input *in, const char *role,
                            l4r_manifest *m, l4r_error *e)
{
    l4r_source *src = NULL;
    l4r_status st = l4r_source_open(&src, in->path, in->member, e);
    if (st)
        return st;
    if (in->member) {
        /* the chain of archives, known once opened: "A.zip:INNER.tar:MEMBER" (reader.h) */
        free(in->label);
        in->label = l4r_xstrdup(l4r_source_name(src));
        c->name = in->label;
    }
    if (o->threads > 0 && !l4r_pipeline_duo(src, o->threads)) {
        /* The reader thread is the busiest: take the input's digest off it, and the output's off
         * the writer.  Two threads on a plain file (-j 2) keep both where the bytes are. */
        l4r_source_hash_aside(src);
        if (c->out)
            l4r_out_hash_aside(c->out);
    }
    const l4r_table *t = c->t;
    c->max_errors = o->max_errors;
    c->log = o->log;
    c->log_ud = o->log_ud;
    l4r_pipe_cfg cfg = {
        .threads = o->threads,
        .block_size = o->block_size,
        .cut = t->format == L4R_FMT_CSV ? L4R_CUT_CSV : L4R_CUT_LINES,
        .header_lines = t->header ? 1 : 0,
        .on_header = t->header ? on_header : NULL,
        .work = work,
        .emit = emit,
        .ctx = c,
    };
    st = l4r_pipeline_run(src, &cfg, e);
    if (st == L4R_OK && t->header && c->header_ncols == 0)
        st = l4r_err(e, L4R_EPARSE, "'%s' is empty: expected a header line", c->name);
    if (st == L4R_OK) {
        char hex[65];
        uint64_t size = 0;
        st = l4r_source_file_digest(src, hex, &size, e);
        if (st == L4R_OK) {
            char key[64];
            snprintf(key, sizeof key, "inputs.%s.file", role);
            l4r_manifest_set_str(m, key, in->label);
            snprintf(key, sizeof key, "inputs.%s.bytes", role);
            l4r_manifest_set_int(m, key, (int64_t)size);
            snprintf(key, sizeof key, "inputs.%s.sha256", role);
            l4r_manifest_set_str(m, key, hex);
            snprintf(key, sizeof key, "inputs.%s.records", role);
            l4r_manifest_set_int(m, key, (int64_t)c->rows);
            record_counts(c, role, m);
        }
    }
    l4r_source_close(src);
    return st;
}

/* Item 4 of issue 13: a fetched file edited in place (same size, so fetch's own size check passes)
 * must not be converted as if it were the verified download.  The digest run_table computed of the
 * input (it is in the manifest already) is compared with the one the fetch stamp records for it.
 * A stamp without an entry for the file (an older version wrote it) is a warning: it cannot be
 * checked. */
static l4r_status check_stamp(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                              const l4r_table *t, const input *in, const char *role, const l4r_manifest *m,
                              l4r_error *e)
{
    if (o->raw || !o->fetched_dir)
        return L4R_OK;
    char key[64];
    snprintf(key, sizeof key, "inputs.%s.sha256", role);
    const char *got = l4r_manifest_get_str(m, key);
    int64_t got_size = -1;
    snprintf(key, sizeof key, "inputs.%s.bytes", role);
    l4r_manifest_get_int(m, key, &got_size);
    char want[65];
    int64_t want_size;
    if (!got)
        return l4r_err(e, L4R_EINTERNAL, "no digest of '%s' to check against the fetch stamp", in->path);
    if (!l4r_fetch_stamp_lookup(o->fetched_dir, t->path, want, &want_size)) {
        if (o->log) {
            char *msg =
                l4r_xasprintf("'%s' could not be checked against the fetch stamp, which has no digest "
                              "for it (written by an older llm4rec-data); 'llm4rec-data fetch %s "
                              "--variant %s --force' records one",
                              in->path, r->dataset, v->name);
            o->log(o->log_ud, 1, msg);
            free(msg);
        }
        return L4R_OK;
    }
    if (strcmp(got, want) != 0 || (want_size >= 0 && want_size != got_size))
        return l4r_err(e, L4R_ECHECKSUM,
                       "'%s' changed after it was fetched and verified: its SHA-256 is %s (%lld bytes), the "
                       "fetch stamp records %s (%lld bytes); fetch it again with 'llm4rec-data fetch %s "
                       "--variant %s --force'",
                       in->path, got, (long long)got_size, want, (long long)want_size, r->dataset, v->name);
    return L4R_OK;
}

static bool needs_table(const l4r_process_opts *p)
{
    return p->split != L4R_SPLIT_NONE || p->dedup != L4R_DEDUP_NONE || p->has_min_rating || p->implicit ||
           p->user_core > 0 || p->item_core > 0 || p->remap || p->max_history > 0 ||
           (p->formats & ~(unsigned)L4R_SINK_TSV) != 0 || p->ties != L4R_TIES_SOURCE;
}

static l4r_status write_items(const l4r_items *it, const char *dir, l4r_manifest *m, l4r_error *e)
{
    l4r_out *o = NULL;
    l4r_status st = l4r_out_open(&o, dir, "items.tsv", e);
    if (st)
        return st;
    l4r_buf line = {0};
    l4r_buf_adds(&line, "item_id\ttitle");
    for (size_t x = 0; x < it->n_extra; x++) {
        l4r_buf_addc(&line, '\t');
        l4r_buf_adds(&line, it->extra_names[x]);
    }
    l4r_buf_addc(&line, '\n');
    for (size_t i = 0; i < it->n && st == L4R_OK; i++) {
        size_t n;
        const char *id = l4r_dict_str(it->ids, (uint32_t)i, &n);
        l4r_buf_add(&line, id, n);
        l4r_buf_addc(&line, '\t');
        if (it->title[i])
            l4r_buf_adds(&line, it->title[i]);
        for (size_t x = 0; x < it->n_extra; x++) {
            l4r_buf_addc(&line, '\t');
            if (it->extra && it->extra[i] && it->extra[i][x])
                l4r_buf_adds(&line, it->extra[i][x]);
        }
        l4r_buf_addc(&line, '\n');
        if (line.len > (1u << 20)) {
            st = l4r_out_write(o, line.data, line.len, e);
            l4r_buf_reset(&line);
        }
    }
    if (st == L4R_OK)
        st = l4r_out_write(o, line.data, line.len, e);
    l4r_buf_free(&line);
    if (st) {
        l4r_out_abort(o);
        return st;
    }
    l4r_out_add_rows(o, it->n);
    return l4r_out_close(o, m, e);
}

static const char *format_name(l4r_format f)
{
    switch (f) {
    case L4R_FMT_DELIM: return "delimited";
    case L4R_FMT_CSV: return "csv";
    case L4R_FMT_JSONL: return "jsonl";
    case L4R_FMT_PYLIT: return "python-literal";
    }
    return "?";
}

l4r_status l4r_convert(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                       l4r_convert_result *res, l4r_error *e)
{
    memset(res, 0, sizeof *res);
    if (!v->interactions)
        return l4r_err(e, L4R_ERECIPE,
                       "%s/%s has no interaction table in its recipe; it cannot be converted yet", r->dataset,
                       v->name);
    l4r_outdir od = {0};
    l4r_manifest *m = l4r_manifest_new();
    l4r_items *items = NULL;
    l4r_itab *itab = NULL;
    input in_i = {0}, in_it = {0};
    tabctx ci, cit;
    memset(&ci, 0, sizeof ci);
    memset(&cit, 0, sizeof cit);
    l4r_out *out = NULL;
    idcache caches[3];
    memset(caches, 0, sizeof caches);
    uint64_t skipped = 0; /* bad records skipped in both tables, against --max-errors */
    l4r_status st;

    st = locate(o, v, v->interactions, false, &in_i, e);
    if (st)
        goto out;
    if (v->items) {
        st = locate(o, v, v->items, true, &in_it, e);
        if (st)
            goto out;
    }
    st = l4r_outdir_begin(&od, o->out_dir, o->force, o->log, o->log_ud, e);
    if (st)
        goto out;

    l4r_manifest_set_str(m, "tool", "llm4rec-data");
    l4r_manifest_set_str(m, "version", l4r_version());
    l4r_manifest_set_int(m, "format_version", L4R_MANIFEST_FORMAT_VERSION);
    l4r_manifest_set_str(m, "dataset", r->dataset);
    l4r_manifest_set_str(m, "variant", v->name);
    for (int i = 0; i < o->argc; i++)
        l4r_manifest_push_str(m, "command", o->argv[i]);
    l4r_manifest_set_str(m, "table.format", format_name(v->interactions->format));
    if (!o->raw)
        l4r_manifest_add_fetch_stamp(m, o->fetched_dir);

    bool table = needs_table(&o->proc);
    st = tabctx_init(&ci, v->interactions, table ? MODE_TABLE : MODE_STREAM, in_i.label, e);
    if (st)
        goto out;
    ci.skipped_run = &skipped;

    /* items first: sinks (jsonl) need the titles */
    if (in_it.path) {
        char genres[] = "genres";
        char **names = l4r_xcalloc(MAX_MAP + 1, sizeof *names);
        size_t nn = 0;
        st = tabctx_init(&cit, v->items, MODE_ITEMS, in_it.label, e);
        if (st) {
            free(names);
            goto out;
        }
        cit.skipped_run = &skipped;
        for (size_t x = 0; x < cit.n_extra - (cit.has_flags ? 1 : 0); x++)
            names[nn++] = v->items->map[cit.extra[x]].out;
        if (cit.has_flags)
            names[nn++] = v->items->flags_out ? v->items->flags_out : genres;
        items = l4r_items_new(names, nn);
        free(names);
        cit.items = items;
        st = run_table(o, &cit, &in_it, "items", m, e);
        if (st == L4R_OK)
            st = check_stamp(r, v, o, v->items, &in_it, "items", m, e);
        if (st)
            goto out;
        if (cit.dup_items) {
            l4r_manifest_set_int(m, "items.duplicate_ids_skipped", (int64_t)cit.dup_items);
            if (o->log) {
                char msg[256];
                snprintf(msg, sizeof msg,
                         "%llu duplicate item ids in '%s'; the first record of each was kept",
                         (unsigned long long)cit.dup_items, in_it.label);
                o->log(o->log_ud, 1, msg);
            }
        }
    } else if (v->items && o->log) {
        char msg[512];
        snprintf(msg, sizeof msg, "no '%s' next to the input; items.tsv is not written",
                 l4r_path_base(v->items->path));
        o->log(o->log_ud, 1, msg);
    }

    if (table) {
        itab = l4r_itab_new();
        itab->has_time = v->interactions->time != L4R_TIME_NONE;
        itab->memory_limit = o->proc.memory_limit; /* beyond it, sorted runs spill to disk */
        itab->spill_dir = l4r_path_join(od.tmp, ".spill");
        ci.itab = itab;
        idcache_init(&caches[0], itab->users);
        idcache_init(&caches[1], itab->items);
        idcache_init(&caches[2], itab->ratings);
        ci.cache = caches;
        double t0 = l4r_now();
        st = run_table(o, &ci, &in_i, "interactions", m, e);
        if (st == L4R_OK)
            st = check_stamp(r, v, o, v->interactions, &in_i, "interactions", m, e);
        if (st)
            goto out;
        double t1 = l4r_now();
        l4r_process_opts po = o->proc;
        po.threads = o->process_threads ? o->process_threads : 1;
        po.dataset = r->dataset;
        st = l4r_process(itab, items, &po, od.tmp, m, e);
        if (st)
            goto out;
        if (o->log && getenv("L4R_TIMING")) {
            /* a diagnostic for profiling (docs/PERFORMANCE.md); never in the manifest */
            char msg[160];
            snprintf(msg, sizeof msg, "timing: parse and intern %.2f s, stages/split/sinks %.2f s", t1 - t0,
                     l4r_now() - t1);
            o->log(o->log_ud, 0, msg);
        }
        res->interactions = itab->n;
    } else {
        st = l4r_out_open(&out, od.tmp, "interactions.tsv", e);
        if (st)
            goto out;
        st = l4r_out_puts(out, "user_id\titem_id\trating\ttimestamp\n", e);
        if (st)
            goto out;
        ci.out = out;
        st = run_table(o, &ci, &in_i, "interactions", m, e);
        if (st == L4R_OK)
            st = check_stamp(r, v, o, v->interactions, &in_i, "interactions", m, e);
        if (st)
            goto out;
        st = l4r_out_close(out, m, e);
        out = NULL;
        if (st)
            goto out;
        res->interactions = ci.rows;
        l4r_manifest_set_int(m, "counts.interactions", (int64_t)ci.rows);
    }
    if (items) {
        st = write_items(items, od.tmp, m, e);
        if (st)
            goto out;
        res->items = items->n;
        l4r_manifest_set_int(m, "counts.items_with_metadata", (int64_t)items->n);
    }
    st = l4r_manifest_write(m, od.tmp, e);
    if (st)
        goto out;
    st = l4r_outdir_commit(&od, e);
out:
    l4r_out_abort(out);
    l4r_outdir_abort(&od);
    tabctx_free(&ci);
    tabctx_free(&cit);
    for (int k = 0; k < 3; k++)
        idcache_free(&caches[k]);
    l4r_itab_free(itab);
    l4r_items_free(items);
    input_free(&in_i);
    input_free(&in_it);
    l4r_manifest_free(m);
    return st;
}
