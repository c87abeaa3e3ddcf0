/*
 * output.h — output files and manifest.json.
 *
 * A convert run writes everything into a fresh temporary directory next to the requested output
 * directory (".NAME.l4r-tmp.PID"), then renames the directory into place at the very end, so an
 * interrupted or failed run never leaves a half-written file under a final name and never mixes
 * files of two runs.  Runs into one output directory take turns on a lock, and an existing
 * directory is replaced only when it is provably an earlier output (see l4r_outdir_begin).  An
 * output file is hashed (SHA-256) and its rows counted while it is written.
 *
 * The manifest is a small JSON document built with dotted paths ("counts.interactions",
 * "stages.kcore.rounds"); jansson stays inside output.c.
 */
#ifndef L4R_OUTPUT_H
#define L4R_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm4rec_data.h"
#include "util.h"

typedef struct l4r_manifest l4r_manifest;
l4r_manifest *l4r_manifest_new(void);
void l4r_manifest_free(l4r_manifest *m);
/* Set a value at a dotted path, creating objects on the way ("a.b.c"). */
void l4r_manifest_set_str(l4r_manifest *m, const char *path, const char *v);
void l4r_manifest_set_int(l4r_manifest *m, const char *path, int64_t v);
void l4r_manifest_set_real(l4r_manifest *m, const char *path, double v);
void l4r_manifest_set_bool(l4r_manifest *m, const char *path, int v);
/* Append to an array at path (created if absent). */
void l4r_manifest_push_int(l4r_manifest *m, const char *path, int64_t v);
void l4r_manifest_push_str(l4r_manifest *m, const char *path, const char *v);
/* Append an object {k0: v0, ...} of integer values to the array at path. */
void l4r_manifest_push_counts(l4r_manifest *m, const char *path, const char *const *keys, const int64_t *vals,
                              size_t n);
/* Record an output file: outputs[] gets {file, rows, bytes, sha256}. */
void l4r_manifest_add_output(l4r_manifest *m, const char *file, uint64_t rows, uint64_t bytes,
                             const char *sha256);
/* The outputs[] entries recorded so far: their number, the file of entry i (NULL past the end),
 * a string key of entry i (NULL when not set) and one set on it, and a column {name, type[,
 * nullable: true]} appended to its "columns" array. */
size_t l4r_manifest_n_outputs(const l4r_manifest *m);
const char *l4r_manifest_output_file(const l4r_manifest *m, size_t i);
const char *l4r_manifest_output_get_str(const l4r_manifest *m, size_t i, const char *key);
void l4r_manifest_output_set_str(l4r_manifest *m, size_t i, const char *key, const char *v);
void l4r_manifest_output_add_column(l4r_manifest *m, size_t i, const char *name, const char *type,
                                    bool nullable);
/* Remove the outputs[] entry of file (when a run drops a file it wrote, e.g. a TSV that
 * --format parquet alone only read). */
void l4r_manifest_drop_output(l4r_manifest *m, const char *file);
/* Copy the verified upstream files (name, size, sha256, md5) of a fetched variant from its stamp
 * DIR/.l4r-fetched.json into "source.files"; URLs and times are left out so the manifest stays the
 * same whichever mirror served the file.  A missing or unreadable stamp is not an error (false). */
int l4r_manifest_add_fetch_stamp(l4r_manifest *m, const char *variant_dir);
/* Read back a value set earlier: NULL / false when absent or of another type. */
const char *l4r_manifest_get_str(const l4r_manifest *m, const char *path);
bool l4r_manifest_get_int(const l4r_manifest *m, const char *path, int64_t *v);
/* The SHA-256 (lower-case hex into sha256) and size (-1 when not recorded) that the fetch stamp
 * VARIANT_DIR/.l4r-fetched.json records for the file `name` (a path relative to the variant
 * directory, compared clean): a download in "files", or a file unpacked from an archive in
 * "unpacked" (both by "name").  1 found; 0 when the stamp lists no such file with a digest (it is
 * not a regular file fetch wrote: an archive's symlink, a file put there by hand); -1 when there is
 * no stamp or it is not a JSON object. */
int l4r_fetch_stamp_lookup(const char *variant_dir, const char *name, char sha256[65], int64_t *size);
/* Serialise (keys in insertion order, 2-space indent, trailing newline). */
char *l4r_manifest_dump(const l4r_manifest *m);
/* Write DIR/manifest.json. */
l4r_status l4r_manifest_write(const l4r_manifest *m, const char *dir, l4r_error *e);

/* A buffered output file in the temporary directory. */
typedef struct l4r_out l4r_out;
/* Create DIR/NAME for writing. */
l4r_status l4r_out_open(l4r_out **out, const char *dir, const char *name, l4r_error *e);
/* Write to (a duplicate of) descriptor fd instead, named `what` in messages ("standard output")
 * and `name` in the manifest; close and abort never unlink anything. */
l4r_status l4r_out_open_fd(l4r_out **out, int fd, const char *what, const char *name, l4r_error *e);
/* From now on hash what is written on a thread of its own, so the writing thread only writes.
 * Keeps hashing inline when no thread can be had. */
void l4r_out_hash_aside(l4r_out *o);
l4r_status l4r_out_write(l4r_out *o, const void *p, size_t n, l4r_error *e);
/* Write b->data[off, len).  With hashing aside and a large buffer, b's memory goes to the hashing
 * thread and b gets a spare buffer in exchange (empty, with whatever capacity it has): no copy. */
l4r_status l4r_out_write_buf(l4r_out *o, l4r_buf *b, size_t off, l4r_error *e);
l4r_status l4r_out_puts(l4r_out *o, const char *s, l4r_error *e);
/* Count data rows (the header line is not a row). */
void l4r_out_add_rows(l4r_out *o, uint64_t n);
/* Flush, close, and record {file, rows, bytes, sha256} in m (if non-NULL).  Frees o. */
l4r_status l4r_out_close(l4r_out *o, l4r_manifest *m, l4r_error *e);
/* Close without recording, remove the file.  Accepts NULL. */
void l4r_out_abort(l4r_out *o);

/* The manifest format this binary writes ("format_version") and the newest it can read back. */
#define L4R_MANIFEST_FORMAT_VERSION 1

/* Read back a manifest.json from its bytes (json, n; need not be NUL-terminated): is it one that
 * llm4rec-data wrote, in a format version this binary knows?  Then L4R_OK, and *files holds the
 * file names its "outputs" list gives (sorted; free with l4r_manifest_outputs_free), *n_files their
 * count.  Otherwise L4R_EIO, and the message completes "output directory 'DIR' holds ..." (e.g.
 * "a manifest.json of another tool (...)").  Any bytes are safe (tests/fuzz/fuzz_manifest.c). */
l4r_status l4r_manifest_read_outputs(const char *json, size_t n, char ***files, size_t *n_files,
                                     l4r_error *e);
void l4r_manifest_outputs_free(char **files, size_t n);

/* Output directory transaction.
 *
 * begin: takes an exclusive flock on PARENT/.NAME.l4r-lock (created if absent, never removed),
 * waiting for another convert into the same directory (said once through log), and holds it
 * until abort.  Under the lock it removes the temporary siblings a killed run left behind
 * (.NAME.l4r-tmp.PID and .NAME.l4r-tmp.PID.l4r-old.PID: no live run can own them), checks that
 * the output may be replaced, and creates the temporary directory.
 *
 * An existing output directory may be replaced only when it is empty or provably an earlier
 * output of llm4rec-data: DIR/manifest.json is ours (l4r_manifest_read_outputs) and DIR holds
 * nothing but that manifest and files its outputs list (any other file, directory, symlink or
 * special file, at any depth, makes it not ours).  A listed file that is missing does not: removing
 * the rest loses nothing of the user's.  force skips the check (and the directory is deleted). */
typedef void (*l4r_outdir_log)(void *ud, int level, const char *msg);
typedef struct l4r_outdir {
    char *final; /* requested output directory */
    char *tmp;   /* temporary directory being filled */
    int lock_fd; /* the held lock, -1 if none */
    bool force;  /* replace final without the ownership check */
} l4r_outdir;
/* Lock, clean up, check and create the temporary directory.  Refuses (L4R_EIO) when final is not
 * a directory or not replaceable (see above), unless force.  Call l4r_outdir_abort afterwards in
 * every case (it also releases the lock). */
/* The check l4r_outdir_begin makes without force: L4R_OK when final is absent, empty, or an earlier
 * output of llm4rec-data; else L4R_EIO saying what was found.  Takes no lock. */
l4r_status l4r_outdir_replaceable(const char *final, l4r_error *e);
l4r_status l4r_outdir_begin(l4r_outdir *d, const char *final, int force, l4r_outdir_log log, void *log_ud,
                            l4r_error *e);
/* Rename tmp onto final, replacing a previous output directory (checked again first, unless
 * force: the deletion happens here). */
l4r_status l4r_outdir_commit(l4r_outdir *d, l4r_error *e);
/* Remove tmp (after failure), release the lock, free.  Safe after commit, and on a zeroed struct
 * that was never begun. */
void l4r_outdir_abort(l4r_outdir *d);

#endif
