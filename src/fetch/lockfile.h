/*
 * lockfile.h — the lock file `llm4rec-data.lock`: trust on first use, pinned afterwards.
 *
 * A recipe file without a digest is trusted the first time it is fetched; its size and SHA-256
 * then go into the lock file, and every later fetch given the same lock file (another cluster
 * node, next month's rerun) must get the same bytes or fail with L4R_ECHECKSUM.  Files that do
 * have a recipe digest are listed too, for provenance; the recipe's digest stays the authority
 * for them, and a lock entry that disagrees with it is an error.
 *
 * The file is JSON, one entry per line, keys sorted, so that it diffs well under git:
 *
 *   {
 *     "lock_version": 1,
 *     "files": {
 *       "DATASET/VARIANT/FILE": {"url": "https://...", "size": 123, "sha256": "..."},
 *       ...
 *     }
 *   }
 *
 * Writers merge: l4r_lockfile_pin() takes an flock() on a hidden sibling (.NAME.flock), re-reads
 * the file, merges its entries, writes a temporary file and renames it over the lock file, so
 * concurrent fetches of different variants (make -j) never lose each other's entries, and a
 * reader never sees a half-written file.  docs/fetch.md, "The lock file", is the user's view.
 */
#ifndef L4R_LOCKFILE_H
#define L4R_LOCKFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "llm4rec_data.h"
#include "recipe.h"

#define L4R_LOCKFILE_NAME "llm4rec-data.lock"

typedef struct l4r_lockfile l4r_lockfile;

/* One file's pin. */
typedef struct l4r_lock_entry {
    char *key; /* DATASET/VARIANT/FILE */
    char *url; /* where it came from when it was pinned */
    uint64_t size;
    char sha256[65];
} l4r_lock_entry;

/* DATA/llm4rec-data.lock when path is NULL or empty, else path; malloc'd. */
char *l4r_lockfile_path(const char *data_dir, const char *path);

/* DATASET/VARIANT/FILE, malloc'd. */
char *l4r_lockfile_key(const l4r_recipe *r, const l4r_variant *v, const l4r_rfile *rf);

/* Read the lock file at path; a missing file is an empty lock.  A file that is not a lock file
 * (bad JSON, unknown key, wrong type, a malformed digest) is L4R_EPARSE naming the file and the
 * entry.  The caller frees *out with l4r_lockfile_free(). */
l4r_status l4r_lockfile_load(const char *path, l4r_lockfile **out, l4r_error *e);
void l4r_lockfile_free(l4r_lockfile *lk);

/* The entry for key, or NULL. */
const l4r_lock_entry *l4r_lockfile_find(const l4r_lockfile *lk, const char *key);

/* What a download of rf must match: *out is rf with the lock's size filled in where the recipe
 * gives none, and the lock's sha256 (copied into pin, 65 bytes) where the recipe has no sha256;
 * out borrows rf's strings and pin.  pin is "" when the lock supplied no sha256.  lk may be NULL
 * (nothing pinned).  An entry that disagrees with the recipe's own size or sha256 is L4R_ECHECKSUM
 * naming the lock file, the entry and both values. */
l4r_status l4r_lockfile_expect(const l4r_lockfile *lk, const char *path, const char *key, const l4r_rfile *rf,
                               l4r_rfile *out, char *pin, l4r_error *e);

/* Rewrite e, the error of a download checked against the lock's pin for key, so that it names the
 * lock file and says how to go on (re-pin with --update-lock, or remove the entry). */
void l4r_lockfile_explain(l4r_error *e, const char *path, const char *key, const char *what);

/* Add (or, with replace, overwrite) entries in the lock file at path, under its flock: the file
 * is re-read, merged and replaced atomically.  Without replace, an entry another process pinned
 * meanwhile to a different sha256 is L4R_ECHECKSUM.  `*added` (may be NULL) counts the entries
 * that were new or changed. */
l4r_status l4r_lockfile_pin(const char *path, const l4r_lock_entry *ents, size_t n, bool replace,
                            size_t *added, l4r_error *e);

/* A variant found already fetched in dir: the sizes and sha256s its stamp (dir/.l4r-fetched.json,
 * fetch.c) records must agree with the lock's pins (else L4R_ECHECKSUM naming both and how to go
 * on), and the files the lock does not list yet are pinned from the stamp.  `what` is
 * DATASET/VARIANT for messages. */
l4r_status l4r_lockfile_check_fetched(const l4r_lockfile *lk, const char *path, const l4r_recipe *r,
                                      const l4r_variant *v, const char *dir, const char *what, l4r_error *e);

#endif
