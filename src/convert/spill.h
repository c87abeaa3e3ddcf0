/*
 * spill.h — sorted runs of interaction rows on disk, and their k-way merge.
 *
 * When the columns of an l4r_itab would outgrow its memory budget, the table hands a full chunk
 * of rows to l4r_spill_write(), which sorts it by (user, timestamp, source row) and writes it as
 * one run file.  A chunk is always a contiguous range of source rows [base, base + rows), so a
 * run stores 32-bit offsets from its base while the merged stream reports 64-bit source rows.
 * l4r_merge yields the rows of all runs in (user, timestamp, source row) order: users in id order
 * (= first appearance), each user's rows chronological, ties in source order — the order the
 * in-memory stages build with their counting sort.
 *
 * Record on disk (24 bytes, host byte order: run files never leave the machine or outlive the
 * process): user u32, item u32, rating u32, offset u32, ts i64.
 *
 * Ownership: l4r_spill_new/l4r_spill_free (free removes the run files and the directory, if this
 * object created it).  Not thread-safe.
 */
#ifndef L4R_SPILL_H
#define L4R_SPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm4rec_data.h"

typedef struct l4r_srec {
    uint32_t user, item, rating;
    int64_t ts;
    uint64_t row; /* source row number */
} l4r_srec;

typedef struct l4r_spill_run {
    char *path;
    uint64_t base; /* source row of the run's first row (in source order) */
    size_t rows;
} l4r_spill_run;

typedef struct l4r_spill {
    char *dir;
    bool made_dir;
    l4r_spill_run *run;
    size_t n, cap;
    uint64_t bytes; /* written to run files so far */
    uint64_t rows;  /* rows in all runs */
} l4r_spill;

/* A spill area in dir (created on the first write, with its parents). */
l4r_spill *l4r_spill_new(const char *dir);
/* Remove the run files (and dir, if created here) and free.  Accepts NULL. */
void l4r_spill_free(l4r_spill *s);

/* Sort rows [0, n) of the columns by (user, ts, position) and write them as a new run whose first
 * row is source row `base`.  n_users bounds the user ids.  Uses about 4 bytes per row plus
 * 4 bytes per user of scratch memory and a 1 MiB write buffer. */
l4r_status l4r_spill_write(l4r_spill *s, const uint32_t *user, const uint32_t *item, const uint32_t *rating,
                           const int64_t *ts, size_t n, uint64_t base, size_t n_users, l4r_error *e);
/* The same for a table's columns at their widths (table.h): exactly one of rating8 / rating32 and
 * one of ts32 / ts64 is set.  The run on disk is the same whatever the widths. */
typedef struct l4r_spill_cols {
    const uint32_t *user, *item;
    const uint8_t *rating8;
    const uint32_t *rating32;
    const uint32_t *ts32;
    const int64_t *ts64;
} l4r_spill_cols;
l4r_status l4r_spill_write_cols(l4r_spill *s, const l4r_spill_cols *c, size_t n, uint64_t base,
                                size_t n_users, l4r_error *e);

/* Read run k back into source order: the row at source row base + j goes to user[j], item[j],
 * rating[j], ts[j] (arrays of s->run[k].rows). */
l4r_status l4r_spill_read_run(const l4r_spill *s, size_t k, uint32_t *user, uint32_t *item, uint32_t *rating,
                              int64_t *ts, l4r_error *e);

/* k-way merge of all runs, each read through a buffer of about buf_bytes. */
typedef struct l4r_merge l4r_merge;
l4r_status l4r_merge_open(l4r_merge **mg, const l4r_spill *s, size_t buf_bytes, l4r_error *e);
/* The next row in merged order: L4R_OK with *done false and *r filled, or with *done true at the
 * end; an I/O error otherwise. */
l4r_status l4r_merge_next(l4r_merge *mg, l4r_srec *r, bool *done, l4r_error *e);
void l4r_merge_free(l4r_merge *mg);

#endif
