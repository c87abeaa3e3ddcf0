/*
 * convert.h — turn one recipe variant's raw files into the common format (docs/FORMAT.md).
 *
 * Two paths share the same parsers and the same parallel pipeline:
 *  - streaming (--split none and no stage): workers format output lines, the writer appends them
 *    to interactions.tsv in source order; memory stays bounded whatever the input size;
 *  - table (a split or any stage): workers parse, the writer interns ids into the compact
 *    l4r_itab, then l4r_process() runs stages, splits and sinks.
 * Items (titles) are parsed the same way into l4r_items and written to items.tsv.
 */
#ifndef L4R_CONVERT_H
#define L4R_CONVERT_H

#include <stdbool.h>

#include "llm4rec_data.h"
#include "process.h"
#include "recipe.h"
#include "text.h"    /* l4r_append_text, for the tests that include convert.h */
#include "timefmt.h" /* l4r_parse_time */
#include "util.h"

typedef struct l4r_convert_opts {
    const char *raw;         /* --raw PATH: archive, directory or the interaction file itself */
    const char *fetched_dir; /* the variant directory after fetch (used when raw is NULL) */
    const char *out_dir;     /* final output directory */
    int threads;             /* parser threads of the pipeline; 0 = one thread does everything */
    int process_threads;     /* threads of the stages and sinks; 0 = 1 */
    bool force;              /* overwrite an output directory that is not ours */
    bool progress;           /* a progress line on stderr (a terminal, not -q: the CLI decides) */
    size_t block_size;       /* 0 = default */
    uint64_t max_errors;     /* --max-errors: bad records skipped (reported, counted) before failing */
    bool keep_negatives;     /* --keep-negatives: skip the filters marked "negatives" */
    const char *const *with; /* --with NAME: the optional side tables ("tables") to write too */
    size_t n_with;
    bool split_published; /* --split published: write the variant's train/valid/test tables */
    const char *data_dir; /* for manifest.json "options": the data directory, */
    const char *mirror;   /* the mirror and the lock file in use (NULL: none) */
    const char *lock;
    char **argv; /* the command line, recorded in manifest.json */
    int argc;
    const char *const *settings; /* key, value, ...: manifest.json's "convert_options" (uptodate.c) */
    size_t n_settings;
    l4r_process_opts proc;
    const l4r_preset *preset;            /* --preset: reported on at the end (presets.c), or NULL */
    bool allow_deviation;                /* --allow-deviation */
    const char *const *preset_overrides; /* key, preset value, given value, ... (presets.h) */
    size_t n_preset_overrides;
    void (*log)(void *ud, int level, const char *msg); /* warnings (level 1) and notes (0) */
    void *log_ud;
} l4r_convert_opts;

typedef struct l4r_convert_result {
    uint64_t interactions; /* rows written (after stages) */
    uint64_t items;        /* rows of items.tsv, 0 when the variant has no item table */
} l4r_convert_result;

/* Convert variant v of recipe r as described by o.  Writes into a temporary directory and renames
 * it onto o->out_dir at the end; on error nothing is left under the final name.  Thread: the
 * caller's; starts o->threads workers internally. */
l4r_status l4r_convert(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                       l4r_convert_result *res, l4r_error *e);

#endif
