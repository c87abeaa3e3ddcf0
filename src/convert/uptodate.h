/*
 * uptodate.h — does an output directory already hold what a convert would write (uptodate.c)?
 */
#ifndef L4R_UPTODATE_H
#define L4R_UPTODATE_H

#include <stdbool.h>
#include <stddef.h>

/* True when OUT_DIR/manifest.json is ours, of this version, for DATASET/VARIANT, records as
 * "convert_options" exactly the n_settings (key, value) pairs of settings (key0, value0, key1, ...),
 * every input it lists still has the recorded SHA-256 (an input under fetched_dir, which may be
 * NULL, takes the fetch stamp's digest when its size and mtime agree with the stamp), and every
 * output is there with its recorded size.  Otherwise false, with why in reason (may be NULL). */
bool l4r_output_current(const char *out_dir, const char *dataset, const char *variant,
                        const char *const *settings, size_t n_settings, const char *fetched_dir, char *reason,
                        size_t reason_size);

#endif
