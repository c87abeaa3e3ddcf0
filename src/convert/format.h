/*
 * format.h — the table of input formats: one row per syntax a recipe table may be written in.
 *
 * A row says everything the rest of the program needs to know about a format: the one name that
 * recipes, `info` and manifest.json use (older spellings are accepted as aliases and never
 * printed), how the pipeline cuts a source into blocks, which recipe table keys the format
 * accepts, and its record function, which turns one physical record into logical records (the
 * spans of the table's fields).  recipe.c validates against the table, cmd_info.c prints its
 * names, convert.c dispatches through it.  Adding a syntax is one scanner and one row here.
 *
 * The rows and everything they point to are constant: safe on any thread.
 */
#ifndef L4R_FORMAT_H
#define L4R_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"
#include "llm4rec_data.h"
#include "pipeline.h"
#include "util.h"

struct l4r_table;

typedef enum l4r_format {
    L4R_FMT_DELIM, /* one record per line, split on a 1- or 2-byte delimiter, no quoting */
    L4R_FMT_CSV,   /* RFC 4180: "-quoting, "" escape, quoted fields may hold newlines */
    L4R_FMT_JSONL, /* one JSON object per line */
    L4R_FMT_PYLIT  /* one Python dict literal per line ({u'k': u'v', True, None}) */
} l4r_format;

#define L4R_MAX_FIELDS 256 /* source columns a delimited or CSV table may have */
#define L4R_MAX_MAP 64     /* output columns of one table */
#define L4R_MAX_FILT 16    /* filters of one table (recipe.h L4R_MAX_FILTERS) */

/* Recipe table keys that only some formats accept (the others — path, member, format, encoding,
 * fields, time, time_fraction — every format does). */
enum {
    L4R_FKEY_DELIMITER = 1u << 0,
    L4R_FKEY_HEADER = 1u << 1,
    L4R_FKEY_COLUMNS = 1u << 2,
    L4R_FKEY_FLAGS = 1u << 3,
    L4R_FKEY_EXTRA_FIELDS = 1u << 4,
};

/* The word that numbers records in messages: "'NAME' line N" or, in a JSON array file (read one
 * element per line), "'NAME' element N". */
#define l4r_rec_unit(rs) ((rs)->unit ? (rs)->unit : "line")

/* How the records of one table are laid out, resolved by the converter once the columns are known
 * (at set-up, or after the header line); the record function only reads it. */
typedef struct l4r_recspec {
    const struct l4r_table *t;
    const char *name;        /* the source, for messages: 'ml-1m.zip:ml-1m/ratings.dat' */
    const char *unit;        /* what numbers a record in messages: "element" in a JSON array file,
                                NULL "line" (l4r_rec_unit) */
    size_t nmap;             /* t->n_map */
    size_t seplen;           /* strlen(t->delim) */
    int col[L4R_MAX_MAP];    /* columns formats: source column of map entry k (-1: a constant) */
    int ncols;               /* columns formats: the fields a record has */
    l4r_keyset *ks;          /* object formats: the keys of the map entries with a source */
    int key_of[L4R_MAX_MAP]; /* object formats: index into ks of map entry k, -1 for constants */
    size_t n_flags;          /* flag columns (t->n_flag_names when the table has flags, else 0) */
    size_t n_filt;           /* t->n_filters */
    int fcol[L4R_MAX_FILT];  /* columns formats: source column of filter f */
    int fkey[L4R_MAX_FILT];  /* object formats: index into ks of filter f */
    /* Element and derived sources (recipe "explode", "$line", "$position"; l4r_recspec_sources).
     * A slot s is map entry s (s < nmap) or filter s - nmap.  Slots whose kind is not
     * L4R_SRC_COLUMN have col/key_of/fcol/fkey -1 and are filled per element by the general path,
     * which `general` turns on; a table without such sources never takes it. */
    bool general;
    const struct l4r_explode *x;                     /* t->explode */
    unsigned char skind[L4R_MAX_MAP + L4R_MAX_FILT]; /* l4r_source_kind of slot s */
    int sarg[L4R_MAX_MAP + L4R_MAX_FILT];            /* PART: the part; KEY: index into eks */
    int xcol, acol;                                  /* columns formats: the list's column, append's (-1) */
    int xkey, akey;                                  /* object formats: their index into ks (-1) */
    int tkey;                                        /* explode "then": its key's index into eks (-1) */
    l4r_keyset *eks;                                 /* the keys of object elements the slots name */
    l4r_keyset *jks[L4R_MAX_MAP];                    /* JOIN slots with a "key": that one key */
    bool objects;                                    /* an object format (JSON lines, Python literals) */
} l4r_recspec;

/* Fill rs->general, x, skind, sarg and eks from rs->t (xcol/acol/xkey/akey are set to -1: the
 * converter resolves them with the other columns or keys).  Free with l4r_recspec_free. */
void l4r_recspec_sources(l4r_recspec *rs);

void l4r_recspec_free(l4r_recspec *rs);

/* One logical record, handed to the yield callback.  vals[k] is the span of map entry k (p NULL:
 * absent), followed by the n_flags flag columns, then the n_filt filters' columns (which the
 * callback tests: the record function does not filter).  [p, end) is the physical record it came from
 * (a CSV record's may end with its line terminator), line its first physical line. */
typedef struct l4r_record {
    l4r_span *vals;
    const char *p, *end;
    uint64_t line;
} l4r_record;

/* Called once per logical record, in order.  A non-zero status stops the physical record and is
 * returned by the record function as it is. */
typedef l4r_status (*l4r_yield_fn)(void *ud, const l4r_record *r, l4r_error *e);

/* A worker's scratch for the record function: reused from record to record, one per worker. */
typedef struct l4r_recbuf {
    l4r_buf scratch;              /* unescaped values of the current record */
    l4r_buf lscratch;             /* the general path: unescaped strings of the exploded list's elements */
    l4r_buf oscratch;             /* ... and of the current object element's keys */
    l4r_buf iscratch;             /* ... and of the elements of its "then" list */
    char num[2][24];              /* ... and the text of "$line" and "$position" */
    l4r_buf jscratch;             /* ... and the joined text of the JOIN slots */
    l4r_vkind jkind[L4R_MAX_MAP]; /* ... and the kind of each JOIN slot's value (object formats) */
    l4r_span f[L4R_MAX_FIELDS];
    l4r_span vals[L4R_MAX_MAP + L4R_MAX_FIELDS + L4R_MAX_FILT];
    uint64_t extra_ignored; /* records whose extra fields were dropped ("extra_fields": "ignore") */
    l4r_span block;         /* "block_header": the last header's text (p NULL: none yet); the worker
                             * sets it from its chunk before the first record of a block */
} l4r_recbuf;

/* A worker's scratch: l4r_recbuf_init zeroes it, l4r_recbuf_free releases its buffers. */
void l4r_recbuf_init(l4r_recbuf *b);
void l4r_recbuf_free(l4r_recbuf *b);

/* "block_header" (t->block_header set): whether the line [rec, rend) (without its line break) is a
 * header line, ending with the suffix and holding no delimiter; *name gets its text before the
 * suffix.  l4r_block_header_last finds the last header line of [data, data + len), whole lines
 * (the pipeline's reader hands each block the last one of the blocks before it). */
bool l4r_block_header_line(const struct l4r_table *t, const char *rec, const char *rend, l4r_span *name);
bool l4r_block_header_last(const struct l4r_table *t, const char *data, size_t len, l4r_span *name);

/* The record function of a format.  Reads the physical record at *pp (*pp < end), moves *pp past
 * it and *line past its physical lines, and calls yield once per logical record it holds: none for
 * a blank line, one for any other record today.  The signature leaves room for a record that holds
 * several (an impressions list, a user's nested reviews): yield is called once per element, and
 * an error from one of them stops the record.  A record that does not parse is L4R_EPARSE with a
 * message that starts "'NAME' line N"; *pp and *line are past it then too (a CSV record that does
 * not parse is taken to end with its first line), so the caller may skip it and go on. */
typedef l4r_status (*l4r_record_fn)(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                                    uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e);

/* Columns formats only: the fields of one record starting at *pp (the header line), as the
 * record function sees them; *nf may exceed max (the rest are counted, not stored). */
typedef l4r_status (*l4r_fields_fn)(const struct l4r_table *t, const char **pp, const char *end, l4r_span *f,
                                    size_t max, size_t *nf, l4r_buf *scratch, l4r_error *e);

typedef struct l4r_format_def {
    l4r_format id;
    const char *name;           /* the one name: recipes, `info`, manifest.json "table.format" */
    const char *aliases[2];     /* other spellings a recipe may use (NULL-terminated); never printed */
    l4r_cut_mode cut;           /* how the pipeline cuts blocks */
    unsigned keys;              /* L4R_FKEY_* this format accepts */
    bool columns;               /* fields are columns (by index or header name), not object keys */
    bool quoting;               /* '"' quotes fields (it cannot be the delimiter) */
    size_t delimiter_max;       /* bytes a delimiter may have; 0: no delimiter */
    const char *delimiter_none; /* the delimiter when the recipe gives none; NULL: it is required */
    l4r_record_fn record;
    l4r_record_fn record_general; /* the same for a table whose recspec is general */
    l4r_fields_fn fields;         /* columns formats: split one record into its fields (the header) */
} l4r_format_def;

/* The rows, in l4r_format order; l4r_format_get(f) is &l4r_formats[f]. */
extern const l4r_format_def l4r_formats[];
extern const size_t l4r_n_formats;

static inline const l4r_format_def *l4r_format_get(l4r_format f)
{
    return &l4r_formats[f];
}

/* The row whose name or alias is `name`, or NULL. */
const l4r_format_def *l4r_format_find(const char *name);

#endif
