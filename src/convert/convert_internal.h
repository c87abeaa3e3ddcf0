/*
 * convert_internal.h — the table context convert.c and dataset.c share, not part of convert.h.
 *
 * convert.c runs one recipe table through the pipeline (the table context, the worker, the
 * writer, l4r_run_table); dataset.c runs a variant's tables one after the other and writes the
 * output directory around them.  The context is theirs alone: nothing outside src/convert/
 * includes this header.
 */
#ifndef L4R_CONVERT_INTERNAL_H
#define L4R_CONVERT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "convert.h"
#include "format.h"
#include "idcache.h"
#include "locate.h"
#include "output.h"
#include "reader.h"
#include "recipe.h"
#include "table.h"
#include "util.h"

#define L4R_SKIP_REASONS 5 /* skipped records whose reason the manifest lists */

enum { SLOT_USER, SLOT_ITEM, SLOT_RATING, SLOT_TIME, N_ISLOTS };

/* The tables of one archive read in one pass (l4r_source_move_to): the source a table left open
 * for the next one (in->share_next), and the inputs read from it whose digest is known only when
 * the pass ends.  Zeroed by the caller; l4r_passkeep_end closes what is left. */
typedef struct l4r_passkeep {
    l4r_source *src; /* left open; NULL when none */
    char *path;      /* its file */
    struct {
        l4r_input *in;
        const char *role;
        const l4r_table *t;
        bool filled;  /* its digest is in */
        bool checked; /* and the caller has checked it (check_stamp) */
    } wait[4];
    size_t n_wait;
    l4r_manifest *m;
} l4r_passkeep;

/* Close the source left open: its digest into every input waiting for it (error: none). */
l4r_status l4r_passkeep_end(l4r_passkeep *k, l4r_error *e);

/* MODE_USERS is MODE_ITEMS keyed by user_id and without a title (users.tsv); MODE_SIDE streams a
 * side table ("tables") to NAME.tsv, every mapped column as it is, the timestamp as seconds */
typedef enum { MODE_STREAM, MODE_TABLE, MODE_ITEMS, MODE_USERS, MODE_SIDE } mode_t_;

typedef struct tabctx {
    const l4r_table *t;
    const l4r_format_def *fmt; /* the row of t->format */
    const char *name;          /* source name for messages */
    mode_t_ mode;
    /* what the record function reads: columns (rs.ncols: the header's, or max(columns, needed)) or
     * keys, the flag columns */
    l4r_recspec rs;
    int ncols_needed; /* fields a record must have */
    int header_ncols; /* columns found in the header (0 when no header) */
    bool has_concat;  /* a field is a "concat" (put_concat) */
    /* interactions: map entry of each slot (-1 absent) */
    int slot[N_ISLOTS];
    /* items: map entry of item_id and title, then extras in output order */
    int item_slot, title_slot;
    int extra[L4R_MAX_MAP];
    size_t n_extra; /* including the flags column when present */
    bool has_flags;
    bool sep_printable; /* delimited/CSV with a printable separator (not TAB) */
    bool quad;          /* the four-column fast path applies (see quad_line) */
    bool elements;      /* the file being read is one JSON array, read one element per line */
    /* --max-errors: a worker skips at most this many bad records of a block, plus one to fail on;
     * 0: the first bad record fails the block */
    uint64_t max_errors;
    bool keep_negatives; /* --keep-negatives: the filters marked "negatives" are not applied */
    /* writer-side state */
    uint64_t skipped;                /* bad records skipped in this table */
    uint64_t *skipped_run;           /* ... in the whole run (both tables), against max_errors */
    uint64_t extra_ignored;          /* records whose extra fields were dropped ("extra_fields") */
    uint64_t fractions;              /* times whose fraction was floored ("time_fraction") */
    uint64_t filtered;               /* records a filter dropped ("filter") */
    char *reasons[L4R_SKIP_REASONS]; /* the first skipped records' messages, for the manifest */
    void (*log)(void *ud, int level, const char *msg);
    void *log_ud;
    l4r_out *out;
    l4r_itab *itab;
    l4r_idcache *cache; /* [3]: users, items, ratings (table path) */
    l4r_items *items;
    uint64_t rows;
    uint64_t dup_items;
    uint64_t html_cleaned; /* records whose "clean": "html" fields changed */
    l4r_error *err;
    l4r_passkeep *keep; /* NULL: every table opens its own source */
    /* a member missing from the --raw archive is no error (users.tsv): a warning, and *missing */
    bool missing_ok;
    bool missing;
    /* the progress line on stderr (convert on a terminal): drawn by emit, in block order */
    struct {
        bool on, drew;
        double t0, last;
        uint64_t total; /* the file's size on disk (0: unknown) */
    } prog;
} tabctx;

/* Resolve table t for `mode` (name: the source's name in messages) into c, which the caller
 * zeroed; free with l4r_tabctx_free, also after an error. */
l4r_status l4r_tabctx_init(tabctx *c, const l4r_table *t, mode_t_ mode, const char *name, l4r_error *e);
void l4r_tabctx_free(tabctx *c);

/* Read input `in` of c's table through the pipeline (o: threads, block size, --max-errors, log)
 * into c's sink (c->out, c->itab or c->items, set by the caller), and record the input under
 * "inputs.ROLE" of m.  in->label becomes the full archive chain once the source is open. */
l4r_status l4r_run_table(const l4r_convert_opts *o, tabctx *c, l4r_input *in, const char *role,
                         l4r_manifest *m, l4r_error *e);

#endif
