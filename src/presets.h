/*
 * presets.h — the library side of convert --preset: what a run with a preset adds to
 * manifest.json and says at the end (src/presets.c; the table and its accessors are public, in
 * include/llm4rec_data.h).
 */
#ifndef L4R_PRESETS_H
#define L4R_PRESETS_H

#include <stdbool.h>
#include <stddef.h>

#include "convert/output.h"
#include "llm4rec_data.h"

/* What a preset run knows at its end, besides the manifest (which holds the counts). */
typedef struct l4r_preset_run {
    const l4r_preset *preset;
    const char *dataset, *variant;
    bool published;        /* the input is the published source (its SHA-256 is the recipe's) */
    const char *input_why; /* when not published: why not, one phrase */
    bool allow_deviation;  /* --allow-deviation */
    /* the options set beside the preset: key, the preset's value (NULL: the preset does not set
     * it; "" for a flag it sets), the value given (NULL: a flag) */
    const char *const *overrides;
    size_t n_overrides;
    void (*log)(void *ud, int level, const char *msg);
    void *log_ud;
} l4r_preset_run;

/* Write "preset.*" into m (name, options, overrides, paper, ours, deviation, known_cause, ...),
 * log ours beside the paper's, and return L4R_EFINDING (with the differences in e) when the
 * input is the published source, a statistic differs and deviations are not allowed; else
 * L4R_OK.  Reads the counts l4r_process wrote ("counts.users", ...). */
l4r_status l4r_preset_report(const l4r_preset_run *run, l4r_manifest *m, l4r_error *e);

/* The value a preset gives option `key` (without its dashes): NULL when it does not set it, ""
 * for a flag; *found says whether it sets it at all. */
const char *l4r_preset_value_of(const l4r_preset *p, const char *key, bool *found);

#endif
