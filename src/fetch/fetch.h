/*
 * fetch.h — download, verify, store and unpack the files of a recipe variant.
 *
 * Layout of the data directory (l4r_data_home()):
 *
 *   DATA/DATASET/VARIANT/FILE            verified download (e.g. movielens/ml-1m/ml-1m.zip)
 *   DATA/DATASET/VARIANT/FILE.part       download in progress (resumed with a Range request)
 *   DATA/DATASET/VARIANT/<unpacked tree> the archive's own entries (e.g. ml-1m/ratings.dat); an
 *                                        archive of unpack_nested becomes a directory of its name
 *                                        holding its entries (Yelp JSON/yelp_dataset.tar/x.json)
 *   DATA/DATASET/VARIANT/.l4r-fetched.json  stamp written last: every download and every unpacked
 *                                        file with size, sha256 and mtime_ns (docs/fetch.md)
 *   DATA/DATASET/VARIANT/.lock           flock()ed while a fetch runs
 *
 * Nothing half-written ever sits under a final name: downloads go to FILE.part and are renamed
 * only after size and checksum are verified; archives unpack into a temporary directory whose
 * entries are moved into place only when the whole archive unpacked cleanly; the stamp is written
 * atomically after everything else.
 */
#ifndef L4R_FETCH_H
#define L4R_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "llm4rec_data.h"
#include "recipe.h"

/* Messages for the user (warnings, "already fetched", retry notices).  Called from the calling
 * thread only.  level: 0 info, 1 warning. */
typedef void (*l4r_log_fn)(void *ud, int level, const char *msg);

typedef struct l4r_fetch_opts {
    const char *data_dir;          /* resolved data home (required) */
    const char *mirror;            /* --mirror URL or $LLM4REC_DATA_MIRROR, NULL for none */
    const char *from;              /* --from FILE: register a hand-downloaded file instead of downloading */
    const char *const *from_files; /* further --from FILEs (--from may be given several times); each
                                    * is matched to a recipe file by base name, or to the only file */
    size_t n_from_files;
    bool force;             /* re-download and re-verify even when the stamp says done */
    bool quiet_if_done;     /* say nothing when the stamp says done (convert's fetch first) */
    bool progress;          /* draw a progress bar on stderr (the caller checks isatty) */
    long connect_timeout_s; /* default 30 */
    long low_speed_time_s;  /* abort a transfer slower than 1 byte/s for this long; default 20 */
    int max_retries;        /* transient failures; default 5 (0 = default, negative = none) */
    double max_backoff_s;   /* cap on one wait, including Retry-After; default 60 */
    uint64_t max_unpacked;  /* --max-unpacked: ceiling on the bytes one archive may unpack to, replacing
                             * the automatic one; 0 = automatic: the recipe's unpacked_size + 1%
                             * (at least + 64 KiB), else L4R_UNPACK_RATIO x the archive's size (at
                             * least L4R_UNPACK_FLOOR) */
    const char *lock_path;  /* the lock file (lockfile.h); NULL: DATA/llm4rec-data.lock */
    bool update_lock;       /* re-pin: fetch again (implies force), ignore the lock's pins, replace them */
    bool accept_license;    /* --accept-license: the user accepts the variant's "terms" (a download of
                             * a variant with terms is L4R_EMANUAL without it; the stamp records it) */
    l4r_log_fn log;
    void *log_ud;
} l4r_fetch_opts;

/* The automatic ceiling without a recipe unpacked_size: RATIO x the archive's size, at least FLOOR
 * bytes (text compresses 4-10:1; a bomb of zeros 1000:1). */
#define L4R_UNPACK_RATIO 100
#define L4R_UNPACK_FLOOR ((uint64_t)1 << 20)

/* Fill defaults into everything left zero. */
void l4r_fetch_opts_defaults(l4r_fetch_opts *o);

typedef struct l4r_fetch_result {
    bool already; /* verified earlier; nothing was done */
    char *dir;    /* DATA/DATASET/VARIANT (malloc'd; caller frees) */
} l4r_fetch_result;

/* Fetch every file of `v`, verify, unpack, write the stamp.  Takes the variant lock (waits for
 * another fetch of the same variant to finish).  A gated variant (v->manual) without --from
 * returns L4R_EMANUAL with the manual steps in the message. */
l4r_status l4r_fetch_variant(const l4r_recipe *r, const l4r_variant *v, const l4r_fetch_opts *o,
                             l4r_fetch_result *res, l4r_error *e);

/* DATA/DATASET/VARIANT, malloc'd. */
char *l4r_variant_dir(const char *data_dir, const l4r_recipe *r, const l4r_variant *v);

/* What the data directory holds of a variant, without hashing anything:
 *   L4R_FETCHED          the stamp lists every file of the variant (with the recipe's size and
 *                        digests) and every file it lists (downloads and unpacked files) has the
 *                        recorded size and mtime on disk;
 *   L4R_FETCHED_CHANGED  the same, except that some files' size or mtime differ (edited or touched
 *                        since the fetch): convert checks their SHA-256 against the stamp (exit 4
 *                        on a difference) and fetch re-verifies them;
 *   L4R_NOT_FETCHED      no usable stamp, or a file it lists is missing. */
typedef enum l4r_fetch_state { L4R_NOT_FETCHED, L4R_FETCHED, L4R_FETCHED_CHANGED } l4r_fetch_state;
l4r_fetch_state l4r_variant_state(const char *data_dir, const l4r_recipe *r, const l4r_variant *v);
/* l4r_variant_state() == L4R_FETCHED. */
bool l4r_variant_fetched(const char *data_dir, const l4r_recipe *r, const l4r_variant *v);

/* Hold the variant directory DIR (what: "DATASET/VARIANT", for the message) while its files are
 * read, as convert does: the lock DIR/.lock is taken shared, so a fetch that would download or
 * unpack into DIR (it takes the lock exclusively) waits until the hold ends, and the hold waits
 * (saying so through o->log) for a fetch in progress.  *fd_out is the lock's descriptor (close it to
 * release), or -1 when there is no lock file and none can be made (a read-only data directory, which
 * nobody fetches into). */
l4r_status l4r_variant_hold(const char *dir, const char *what, const l4r_fetch_opts *o, int *fd_out,
                            l4r_error *e);

/* The checks fetch makes of a variant it finds already fetched, without fetching: the sizes and
 * sha256s its stamp records must agree with the lock file's pins (o->lock_path, else the data
 * directory's; L4R_ECHECKSUM when not), and files the lock does not list yet are pinned (a lock
 * file that cannot be written is a warning through o->log).  For convert, which reads a variant
 * whose files changed on disk as they are instead of fetching it. */
l4r_status l4r_variant_check_pins(const l4r_recipe *r, const l4r_variant *v, const l4r_fetch_opts *o,
                                  l4r_error *e);

/* ---- pieces, exposed for the tests ---- */

/* Apply a mirror: https://HOST/PATH -> MIRROR/HOST/PATH (also http://); other URLs unchanged.
 * malloc'd. */
char *l4r_mirror_url(const char *mirror, const char *url);

/* Google Drive serves a large file only after a confirmation page ("can't scan this file for
 * viruses"): when `orig` (the recipe's URL) is on a Drive host, GET `url` (orig, mirrored) and, if
 * it answers with that page, *out gets the URL its form (or older confirm= link) leads to, through
 * the mirror; *out NULL: download url itself.  A Drive page without a way on (a login, a quota) is
 * L4R_ENETWORK saying to download it by hand. */
l4r_status l4r_drive_resolve(const char *orig, const char *url, const l4r_fetch_opts *o, char **out,
                             l4r_error *e);

/* Download url to dest (via dest.part, resuming).  Verifies expected size (-1 = unknown) and the
 * given digests (NULL = unknown) before renaming onto dest.  On success fills sha256_out (65
 * bytes) with the digest of the file. */
l4r_status l4r_download(const char *url, const char *dest, int64_t size, const char *md5, const char *sha256,
                        const l4r_fetch_opts *o, char *sha256_out, l4r_error *e);

/* What l4r_unpack may do. */
typedef struct l4r_unpack_opts {
    uint64_t max_bytes;          /* ceiling on the bytes the archive's files hold (holes counted) */
    const char *limit_why;       /* where the ceiling comes from, for the message ("100 times the
                                  * archive's size"); NULL for none */
    const char *const *siblings; /* names no top-level entry may take: the variant's other files */
    size_t n_siblings;
} l4r_unpack_opts;

/* One regular file an archive unpacked (hard links are listed too, with their target's digest). */
typedef struct l4r_unpacked_file {
    char *name; /* clean path relative to the directory unpacked into ("ml-1m/ratings.dat") */
    uint64_t size;
    char sha256[65];  /* of the bytes written, hashed while writing them */
    int64_t mtime_ns; /* st_mtim once in its final place */
} l4r_unpacked_file;

typedef struct l4r_unpacked {
    l4r_unpacked_file *v;
    size_t n, cap;
    uint64_t bytes; /* what the l4r_unpack calls into this list wrote (regular files, holes counted) */
} l4r_unpacked;

void l4r_unpacked_add(l4r_unpacked *u, const char *name, uint64_t size, const char *sha256, int64_t mtime_ns);
void l4r_unpacked_free(l4r_unpacked *u); /* frees the names and the array; u is left empty */

/* Unpack archive (any format/filter libarchive reads) into dir safely: no absolute paths, no
 * "..", no links leaving dir, no devices/fifos, no entry twice, no top-level name of a sibling or
 * of a file llm4rec-data manages, at most uo->max_bytes in total, every libarchive warning and every
 * size or CRC mismatch an error (L4R_EARCHIVE; local write failures L4R_EIO).  Entries are moved
 * from a temporary directory into dir only when the whole archive unpacked.  On success the
 * archive's regular files are appended to *out (may be NULL); on error *out is unchanged. */
l4r_status l4r_unpack(const char *archive, const char *dir, const l4r_unpack_opts *uo, l4r_unpacked *out,
                      l4r_error *e);

/* Check a file against the expected size (-1 = unknown) and digests (NULL = unknown).  `label`
 * names the file in messages.  Fills sha256_out (65 bytes, may be NULL) with the file's SHA-256.
 * A difference is L4R_ECHECKSUM naming the file, the expected and the actual value. */
l4r_status l4r_verify_file(const char *path, const char *label, int64_t size, const char *md5,
                           const char *sha256, char *sha256_out, l4r_error *e);

/* Register a hand-downloaded file (--from): copy src to dest.part, verify as l4r_download does,
 * rename onto dest.  On a mismatch nothing is left under dest or dest.part. */
l4r_status l4r_register_file(const char *src, const char *dest, int64_t size, const char *md5,
                             const char *sha256, char *sha256_out, l4r_error *e);

/* Parse an MD5 sidecar in BSD ("MD5 (f) = hex") or GNU ("hex  f") form; hex32 gets 33 bytes. */
bool l4r_parse_md5_sidecar(const char *text, char *hex32);

#endif
