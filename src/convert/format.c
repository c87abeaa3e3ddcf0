/*
 * format.c — the table of input formats (format.h) and their record functions.
 *
 * How: a row per syntax.  The record functions are the converter's per-format half of a
 * worker's loop: cut one physical record (a line; for CSV an RFC 4180 record, whose quoted fields
 * may span lines), split it with the format's scanner (scan_*.c), pick the table's fields into
 * vals[] in map order (constants for the fields a recipe gives a "value"), and hand that logical
 * record to the caller's yield callback.  A columns format checks the field count first (the
 * header's, or the recipe's columns): too few is an error, too many is an error unless the recipe
 * says "extra_fields": "ignore".  An object format refuses a wanted key that holds an array, an
 * object or a boolean.  Blank lines yield nothing.
 */
#include "format.h"

#include <string.h>

#include "recipe.h"

static const char *value_kind_name(l4r_vkind k)
{
    switch (k) {
    case L4R_V_ARRAY: return "an array";
    case L4R_V_OBJECT: return "an object";
    case L4R_V_BOOL: return "a boolean";
    default: return "a value";
    }
}

static void sep_name(const l4r_table *t, char *buf, size_t cap)
{
    if (!strcmp(t->delim, "\t"))
        snprintf(buf, cap, "tabs");
    else
        snprintf(buf, cap, "'%s'", t->delim);
}

/* The next line at *pp: [rec, *rend) without its "\n" or "\r\n". */
static inline const char *cut_line(const char **pp, const char *end, uint64_t *line, const char **rend)
{
    const char *rec = *pp;
    const char *nl = memchr(rec, '\n', (size_t)(end - rec));
    const char *re = nl ? nl : end;
    *pp = nl ? nl + 1 : end;
    ++*line;
    if (re > rec && re[-1] == '\r')
        re--;
    *rend = re;
    return rec;
}

/* nf fields in b->f: check their number, pick the table's, yield the record. */
static inline l4r_status take_columns(const l4r_recspec *rs, l4r_recbuf *b, size_t nf, const char *rec,
                                      const char *rend, uint64_t recline, l4r_yield_fn yield, void *ud,
                                      l4r_error *e)
{
    const l4r_table *t = rs->t;
    const l4r_span *f = b->f;
    if (L4R_UNLIKELY((int)nf != rs->ncols)) {
        char sepn[16];
        sep_name(t, sepn, sizeof sepn);
        if ((int)nf < rs->ncols)
            return l4r_err(e, L4R_EPARSE, "'%s' line %llu: expected %d fields separated by %s, found %zu",
                           rs->name, (unsigned long long)recline, rs->ncols, sepn, nf);
        if (!t->extra_fields_ignore) {
            l4r_span x = rs->ncols < L4R_MAX_FIELDS ? f[rs->ncols] : (l4r_span){"", 0};
            return l4r_err(e, L4R_EPARSE,
                           "'%s' line %llu: expected %d fields separated by %s, found %zu; field %d '%.*s' "
                           "is one too many (recipe key \"extra_fields\": \"ignore\" drops extra fields)",
                           rs->name, (unsigned long long)recline, rs->ncols, sepn, nf, rs->ncols + 1,
                           (int)(x.n > 40 ? 40 : x.n), x.p);
        }
        b->extra_ignored++;
    }
    l4r_span *vals = b->vals;
    for (size_t k = 0; k < rs->nmap; k++) {
        if (rs->col[k] < 0) {
            vals[k].p = t->map[k].value;
            vals[k].n = t->map[k].value ? strlen(t->map[k].value) : 0;
        } else {
            vals[k] = f[rs->col[k]];
        }
    }
    for (size_t g = 0; g < rs->n_flags; g++)
        vals[rs->nmap + g] = f[t->flags_from + (int)g];
    for (size_t g = 0; g < rs->n_filt; g++)
        vals[rs->nmap + rs->n_flags + g] = f[rs->fcol[g]];
    l4r_record r = {vals, rec, rend, recline};
    return yield(ud, &r, e);
}

static l4r_status record_delim(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                               uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e)
{
    uint64_t recline = *line;
    const char *rend;
    const char *rec = cut_line(pp, end, line, &rend);
    if (rend == rec)
        return L4R_OK; /* blank line */
    size_t nf = l4r_split_delim(rec, rend, rs->t->delim, rs->seplen, b->f, L4R_MAX_FIELDS);
    return take_columns(rs, b, nf, rec, rend, recline, yield, ud, e);
}

static l4r_status record_csv(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                             uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e)
{
    const char *rec = *pp;
    uint64_t recline = *line;
    size_t nf = 0;
    l4r_buf_reset(&b->scratch);
    l4r_status st = l4r_csv_record(pp, end, rs->t->delim[0], b->f, L4R_MAX_FIELDS, &nf, &b->scratch, e);
    if (st) {
        l4r_err_prefix(e, "'%s' line %llu", rs->name, (unsigned long long)recline);
        /* skipped: the record is taken to end with its first line */
        const char *nl = memchr(rec, '\n', (size_t)(end - rec));
        *pp = nl ? nl + 1 : end;
        *line = recline + 1;
        return st;
    }
    const char *p = *pp;
    /* physical lines: usually just the terminator; quoted fields may hold more */
    const char *nl = memchr(rec, '\n', (size_t)(p - rec));
    if (nl && nl == p - 1)
        ++*line;
    else
        for (const char *q = nl; q && q < p; q++)
            *line += *q == '\n';
    /* a blank line is one empty field */
    if (nf == 1 && b->f[0].n == 0)
        return L4R_OK;
    return take_columns(rs, b, nf, rec, p, recline, yield, ud, e);
}

/* JSON lines and Python literals: the same but for the scanner. */
static inline l4r_status record_object(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                                       uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e, bool json)
{
    const l4r_table *t = rs->t;
    uint64_t recline = *line;
    const char *rend;
    const char *rec = cut_line(pp, end, line, &rend);
    const char *q = rec;
    while (q < rend && (*q == ' ' || *q == '\t'))
        q++;
    if (q == rend)
        return L4R_OK; /* blank line */
    l4r_span jv[L4R_MAX_MAP + L4R_MAX_FILT];
    l4r_vkind kinds[L4R_MAX_MAP + L4R_MAX_FILT];
    l4r_buf_reset(&b->scratch);
    l4r_status st = json ? l4r_json_fields(rec, rend, rs->ks, jv, kinds, &b->scratch, e)
                         : l4r_pylit_fields(rec, rend, rs->ks, jv, kinds, &b->scratch, e);
    if (st) {
        l4r_err_prefix(e, "'%s' line %llu", rs->name, (unsigned long long)recline);
        return st;
    }
    l4r_span *vals = b->vals;
    for (size_t k = 0; k < rs->nmap; k++) {
        int ki = rs->key_of[k];
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
            return l4r_err(e, L4R_EPARSE, "'%s' line %llu: key '%s' holds %s, expected a string or number",
                           rs->name, (unsigned long long)recline, t->map[k].src, value_kind_name(kinds[ki]));
        }
    }
    /* a filter's key may hold a boolean too ("true"/"false"); null or absent is absent */
    for (size_t g = 0; g < rs->n_filt; g++) {
        int ki = rs->fkey[g];
        l4r_span *v = &vals[rs->nmap + rs->n_flags + g];
        *v = jv[ki];
        if (kinds[ki] == L4R_V_NULL || kinds[ki] == L4R_V_ABSENT) {
            v->p = NULL;
            v->n = 0;
        } else if (kinds[ki] == L4R_V_ARRAY || kinds[ki] == L4R_V_OBJECT) {
            return l4r_err(
                e, L4R_EPARSE, "'%s' line %llu: key '%s' holds %s, expected a string, number or boolean",
                rs->name, (unsigned long long)recline, t->filters[g].column, value_kind_name(kinds[ki]));
        }
    }
    l4r_record r = {vals, rec, rend, recline};
    return yield(ud, &r, e);
}

static l4r_status record_jsonl(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                               uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e)
{
    return record_object(rs, b, pp, end, line, yield, ud, e, true);
}

static l4r_status record_pylit(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                               uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e)
{
    return record_object(rs, b, pp, end, line, yield, ud, e, false);
}

static l4r_status fields_delim(const l4r_table *t, const char **pp, const char *end, l4r_span *f, size_t max,
                               size_t *nf, l4r_buf *scratch, l4r_error *e)
{
    *nf = l4r_split_delim(*pp, end, t->delim, strlen(t->delim), f, max);
    *pp = end;
    return L4R_OK;
}

static l4r_status fields_csv(const l4r_table *t, const char **pp, const char *end, l4r_span *f, size_t max,
                             size_t *nf, l4r_buf *scratch, l4r_error *e)
{
    return l4r_csv_record(pp, end, t->delim[0], f, max, nf, scratch, e);
}

#define COLUMN_KEYS                                                                                          \
    (L4R_FKEY_DELIMITER | L4R_FKEY_HEADER | L4R_FKEY_COLUMNS | L4R_FKEY_FLAGS | L4R_FKEY_EXTRA_FIELDS)

/* The rows, in l4r_format order (test_recipe checks it). */
const l4r_format_def l4r_formats[] = {
    {
        .id = L4R_FMT_DELIM,
        .name = "delimited",
        .aliases = {"delim", NULL},
        .cut = L4R_CUT_LINES,
        .keys = COLUMN_KEYS,
        .columns = true,
        .delimiter_max = 2,
        .record = record_delim,
        .fields = fields_delim,
    },
    {
        .id = L4R_FMT_CSV,
        .name = "csv",
        .cut = L4R_CUT_CSV,
        .keys = COLUMN_KEYS,
        .columns = true,
        .quoting = true,
        .delimiter_max = 1,
        .delimiter_none = ",",
        .record = record_csv,
        .fields = fields_csv,
    },
    {
        .id = L4R_FMT_JSONL,
        .name = "jsonl",
        .cut = L4R_CUT_LINES,
        .record = record_jsonl,
    },
    {
        .id = L4R_FMT_PYLIT,
        .name = "python-literal",
        .aliases = {"pylit", NULL},
        .cut = L4R_CUT_LINES,
        .record = record_pylit,
    },
};
const size_t l4r_n_formats = sizeof l4r_formats / sizeof l4r_formats[0];

const l4r_format_def *l4r_format_find(const char *name)
{
    for (size_t i = 0; i < l4r_n_formats; i++) {
        const l4r_format_def *d = &l4r_formats[i];
        if (!strcmp(d->name, name))
            return d;
        for (size_t a = 0; a < sizeof d->aliases / sizeof d->aliases[0] && d->aliases[a]; a++)
            if (!strcmp(d->aliases[a], name))
                return d;
    }
    return NULL;
}
