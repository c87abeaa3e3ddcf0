/*
 * llm4rec_data.h — the one public header of libllm4rec_data.
 *
 * The library fetches the public datasets of LLM-for-recommendation research (described by
 * recipes/NAME.json), verifies and unpacks them, and converts them into one common
 * user-item-interaction format (docs/FORMAT.md).  The command-line tool `llm4rec-data` is a thin
 * layer over this header; the test suite links the same static library.
 *
 * Conventions (see docs/DESIGN.md):
 *  - every fallible function returns an l4r_status (0 = L4R_OK) and, on failure, fills the
 *    caller-owned l4r_error with a message naming the file, line and field;
 *  - library code never prints; only the command layer talks to the user;
 *  - out-of-memory aborts the process with a message; sizes that come from input are capped.
 */
#ifndef LLM4REC_DATA_H
#define LLM4REC_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  The command line maps each to a documented exit code (l4r_exit_code()). */
typedef enum l4r_status {
    L4R_OK = 0,
    L4R_EUSAGE,    /* bad command line or option value */
    L4R_ENETWORK,  /* download failed (DNS, connect, HTTP error, timeout, retries exhausted) */
    L4R_ECHECKSUM, /* size or digest of a file differs from the recipe */
    L4R_EARCHIVE,  /* archive or compressed stream is corrupt, truncated or unsafe */
    L4R_ERECIPE,   /* recipe missing, invalid, or no such dataset/variant */
    L4R_EPARSE,    /* malformed input record */
    L4R_EIO,       /* local file system error */
    L4R_EMANUAL,   /* gated dataset: the user must download it by hand (--from) */
    L4R_ELOCKED,   /* another process holds the dataset lock */
    L4R_EFINDING,  /* audit: a finding at or above --fail-on */
    L4R_EINTR,     /* interrupted by a signal */
    L4R_EINTERNAL, /* a bug */
    L4R_STATUS_MAX
} l4r_status;

/* A caller-owned error.  `status` repeats the returned code; `msg` is one line, lower case, with
 * no trailing full stop and no "llm4rec-data: " prefix. */
typedef struct l4r_error {
    l4r_status status;
    char msg[1024];
} l4r_error;

/* Static description of a status ("network error", ...).  Never NULL. */
const char *l4r_strerror(l4r_status st);

/* The process exit code for a status (the table in README.md and docs/MANUAL.md). */
int l4r_exit_code(l4r_status st);

/* Library version, "MAJOR.MINOR.PATCH". */
const char *l4r_version(void);

/* "Did you mean": the candidate closest to a mistyped `typed` (a command, option, dataset or
 * variant name), or NULL when none is close.  A candidate equal but for ASCII case wins; else the
 * one at the smallest optimal-string-alignment distance (case-folded), when that is at most a
 * third of typed's length (so nothing is suggested for fewer than 3 characters); ties go to the
 * earlier candidate.  NULL entries are skipped.  The result is borrowed from cands.  Thread: any. */
const char *l4r_suggest(const char *typed, const char *const *cands, size_t n);

/* Set by a signal handler to ask long-running loops to stop; they return L4R_EINTR. */
extern volatile int l4r_interrupted;

/* ==== The library's contract ====
 *
 * Everything below is reached through opaque handles and functions; apart from l4r_error no
 * structure of the library is visible, so the library can grow a field without breaking a
 * caller.  src/api.c implements it over the internal modules.  The command-line tool
 * (src/main.c, src/cmd_*.c) and docs/examples/convert_one.c include this header only.
 * docs/LIBRARY.md is the overview.
 *
 * Threads: the library's only global state is l4r_interrupted and libcurl, loaded once when the
 * first download starts (pthread_once), so different handles may be used from different threads
 * at once; one handle is used by one thread at a time.  A registry, which none of these
 * functions modify once it is loaded, may be read from several threads at once.
 *
 * Ownership: `_new`/`_load` create, `_free` destroys and accepts NULL.  A `const char *` or
 * handle returned by an accessor is borrowed from the handle it was read from and lives as long
 * as that handle (for recipes, variants, tables and files: as long as the registry).  A `char *`
 * result is malloc'd and the caller frees it. */

/* ---- the registry: recipes, variants, tables, upstream files ---- */

typedef struct l4r_registry l4r_registry; /* every recipe loaded (owns everything below) */
typedef struct l4r_recipe l4r_recipe;     /* one dataset family, recipes/NAME.json */
typedef struct l4r_variant l4r_variant;   /* one variant of a dataset ("ml-1m") */
typedef struct l4r_table l4r_table;       /* how the converter reads one input table */
typedef struct l4r_rfile l4r_rfile;       /* one upstream file of a variant */

/* Load every recipe: from `dir` if non-NULL, else $LLM4REC_RECIPES if set, else the copies built
 * into the library.  Validation is strict: an unknown key, a wrong type or a bad checksum is
 * L4R_ERECIPE naming the file and the JSON path.  On success *out is a new registry (free it with
 * l4r_registry_free); on failure *out is untouched.  Thread: any. */
l4r_status l4r_registry_load(l4r_registry **out, const char *dir, l4r_error *e);
/* The same, for a caller about one dataset: with the built-in recipes only DATASET.json is parsed
 * (faster start-up); otherwise, and for an unknown DATASET, everything is loaded.  The registry
 * then serves that dataset only. */
l4r_status l4r_registry_load_for(l4r_registry **out, const char *dir, const char *dataset, l4r_error *e);
/* Destroys the registry and everything borrowed from it.  NULL is fine. */
void l4r_registry_free(l4r_registry *reg);

/* Look a dataset up; `variant` NULL means its default variant.  L4R_ERECIPE with a message that
 * names the alternatives when there is no such dataset or variant.  *r and *v are borrowed. */
l4r_status l4r_registry_find(const l4r_registry *reg, const char *dataset, const char *variant,
                             const l4r_recipe **r, const l4r_variant **v, l4r_error *e);

/* Iteration: recipes in file-name order, variants in recipe order.  i < count, else NULL. */
size_t l4r_registry_count(const l4r_registry *reg);
const l4r_recipe *l4r_registry_recipe(const l4r_registry *reg, size_t i);

/* A recipe's fields.  Never NULL unless said so. */
const char *l4r_recipe_dataset(const l4r_recipe *r); /* "movielens", also the file stem */
const char *l4r_recipe_title(const l4r_recipe *r);
const char *l4r_recipe_homepage(const l4r_recipe *r); /* may be NULL */
const char *l4r_recipe_license(const l4r_recipe *r);
const char *l4r_recipe_citation(const l4r_recipe *r); /* BibTeX; may be NULL */
const char *l4r_recipe_source(const l4r_recipe *r);   /* where it was loaded from ("<builtin>/x.json") */
size_t l4r_recipe_n_variants(const l4r_recipe *r);
const l4r_variant *l4r_recipe_variant(const l4r_recipe *r, size_t i); /* NULL when i is out of range */
const l4r_variant *l4r_recipe_default_variant(const l4r_recipe *r);

const char *l4r_variant_name(const l4r_variant *v); /* "ml-1m", "2014/reviews_Beauty_5" */
const char *l4r_variant_description(const l4r_variant *v);
const char *l4r_variant_manual(const l4r_variant *v); /* gated: the manual download steps; else NULL */
const char *l4r_variant_notes(const l4r_variant *v);  /* may be NULL */
/* The URL of the terms a download of v needs accepted (fetch --accept-license), or NULL. */
const char *l4r_variant_terms(const l4r_variant *v);
size_t l4r_variant_n_files(const l4r_variant *v);
const l4r_rfile *l4r_variant_file(const l4r_variant *v, size_t i); /* NULL when out of range */
const l4r_table *l4r_variant_interactions(const l4r_variant *v);   /* NULL: not convertible */
const l4r_table *l4r_variant_items(const l4r_variant *v);          /* NULL: no item table */
const l4r_table *l4r_variant_users(const l4r_variant *v);          /* NULL: no user table */
/* The side tables ("tables"), NAME.tsv each: name, table, and whether only convert --with NAME
 * (or, for train/valid/test, --split published) writes it. */
size_t l4r_variant_n_tables(const l4r_variant *v);
const char *l4r_variant_table_name(const l4r_variant *v, size_t i); /* NULL when out of range */
const l4r_table *l4r_variant_table(const l4r_variant *v, size_t i); /* NULL when out of range */
bool l4r_variant_table_optional(const l4r_variant *v, size_t i);

const char *l4r_rfile_name(const l4r_rfile *f); /* local name in the variant directory */
const char *l4r_rfile_url(const l4r_rfile *f);
size_t l4r_rfile_n_mirrors(const l4r_rfile *f);
const char *l4r_rfile_mirror(const l4r_rfile *f, size_t i); /* NULL when out of range */
int64_t l4r_rfile_size(const l4r_rfile *f);                 /* bytes; -1 when unknown */
const char *l4r_rfile_md5(const l4r_rfile *f);              /* lower-case hex; NULL when unknown */
const char *l4r_rfile_sha256(const l4r_rfile *f);           /* lower-case hex; NULL when unknown */
bool l4r_rfile_unpack(const l4r_rfile *f);                  /* an archive unpacked on fetch */
/* unpack: the recipe's "unpacked_size", the bytes of the archive's files once unpacked (the inner
 * archives' included); 0 when the recipe does not say. */
uint64_t l4r_rfile_unpacked_size(const l4r_rfile *f);
/* unpack: the recipe's "unpack_nested", members that are archives themselves, each unpacked into a
 * directory of its own name (paths in the variant directory, in recipe order). */
size_t l4r_rfile_n_unpack_nested(const l4r_rfile *f);
const char *l4r_rfile_unpack_nested(const l4r_rfile *f, size_t i); /* NULL when out of range */

const char *l4r_table_path(const l4r_table *t);   /* relative to the variant directory */
const char *l4r_table_member(const l4r_table *t); /* the member inside the archive for a raw
                                                   * convert; may be NULL */
/* "paths": the table's files in reading order (an entry may be a glob over file names); 0 for a
 * table of one "path". */
size_t l4r_table_n_paths(const l4r_table *t);
const char *l4r_table_path_at(const l4r_table *t, size_t i);
/* "block_header": true with its suffix and the column name its text becomes. */
bool l4r_table_block_header(const l4r_table *t, const char **suffix, const char **as);
/* "columns_by_prefix": entry i (from 0) as its column and prefix; false past the last. */
bool l4r_table_column_prefix(const l4r_table *t, size_t i, const char **column, const char **prefix);
/* The names recipes use: format "delimited", "csv", "jsonl", "python-literal" (the format table's
 * one name; recipes may also say "delim" and "pylit"); encoding "utf-8",
 * "iso-8859-1", "cp1252"; time "none", "unix_s", "unix_ms", "date", "datetime", "iso8601",
 * "mdy_ampm".  Static strings. */
const char *l4r_table_format(const l4r_table *t);
const char *l4r_table_encoding(const l4r_table *t);
const char *l4r_table_time(const l4r_table *t);
/* The field delimiter (1 or 2 bytes) of a delimited format (delim, csv); NULL for the others. */
const char *l4r_table_delimiter(const l4r_table *t);
bool l4r_table_header(const l4r_table *t);      /* the first line is a header row */
bool l4r_table_copy(const l4r_table *t);        /* a "copy" table: each record whole, as NAME.jsonl */
size_t l4r_table_n_columns(const l4r_table *t); /* the source columns the recipe names, in order */
const char *l4r_table_column_name(const l4r_table *t, size_t i);
/* Output field i (i < l4r_table_n_fields): its name, and either the source column it comes from
 * (*src, *value NULL) or the constant it takes (*src NULL, *value set).  False when out of range. */
size_t l4r_table_n_fields(const l4r_table *t);
bool l4r_table_field(const l4r_table *t, size_t i, const char **out, const char **src, const char **value);
/* Field i a {"concat": [...], "separator": ...}: its n source names and the separator. */
bool l4r_table_field_concat(const l4r_table *t, size_t i, size_t *n, const char *const **parts,
                            const char **sep);
/* Whether field i joins a list ({"join": src}): *sep the separator, *key an object element's key
 * (NULL: the elements), *list how a text value writes the list (NULL: not parsed). */
bool l4r_table_field_join(const l4r_table *t, size_t i, const char **sep, const char **key,
                          const char **list);
/* Genre-style flag columns: returns the number of flag names (0: none); *from is the first flag
 * column, *out the output field the set names are joined into with '|'. */
size_t l4r_table_flags(const l4r_table *t, int *from, const char **out);
const char *l4r_table_flag_name(const l4r_table *t, size_t i);
/* The recipe's "extra_fields" ("error", the default, "ignore" or "last") and "time_fraction" ("error",
 * the default, or "floor").  Static strings. */
const char *l4r_table_extra_fields(const l4r_table *t);
/* The recipe's "time_year" (the year of a "posted" date written without one), 0 when not given. */
int l4r_table_time_year(const l4r_table *t);
const char *l4r_table_time_fraction(const l4r_table *t);
/* Value filter i (i < l4r_table_n_filters), as the recipe's "filter" spells it: the source
 * *column, the *op ("==", "!=", "in", "<", "<=", ">", ">=") and either *n_values strings to
 * compare with (==, != and in; read them with l4r_table_filter_value) or, for the numeric
 * comparisons, *n_values 0 and the bound in *number.  False when out of range. */
size_t l4r_table_n_filters(const l4r_table *t);
bool l4r_table_filter(const l4r_table *t, size_t i, const char **column, const char **op, size_t *n_values,
                      double *number);
const char *l4r_table_filter_value(const l4r_table *t, size_t i, size_t k); /* NULL when out of range */
/* Whether filter i drops the negatives ("negatives": true: convert --keep-negatives skips it). */
bool l4r_table_filter_negatives(const l4r_table *t, size_t i);
/* The table's "explode" (one record holding a list of interactions), false when it has none: the
 * list's *column, how it is written (*list: "separated", "json", "python" or "numpy"), the
 * *separator between elements (separated only, else NULL), the element's name *as, the column
 * *append holding one more element (NULL: none), and *n_parts names the element is split into at
 * *part_separator (0 and NULL: not split; read them with l4r_table_explode_part). */
bool l4r_table_explode(const l4r_table *t, const char **column, const char **list, const char **separator,
                       const char **as, const char **append, size_t *n_parts, const char **part_separator);
const char *l4r_table_explode_part(const l4r_table *t, size_t i); /* NULL when out of range */
/* explode "then": the key of each element that holds the second list (NULL: none), *as its
 * elements' name. */
const char *l4r_table_explode_then(const l4r_table *t, const char **as);

/* ---- options of fetch and convert ----
 *
 * One opaque options object serves both entry points, since a convert that finds its dataset
 * not yet fetched fetches it first with the same settings.  Options are set by name, the
 * command line's long option names, with the value as the command line would give it; the
 * library parses and validates it, so every caller gets the same vocabulary (also the one of
 * manifest.json and the docs) and an option can be added without changing this header.
 *
 *   key             read by        value
 *   data-dir        fetch, convert the data directory (default $LLM4REC_DATA_HOME, else
 *                                  ${XDG_CACHE_HOME:-$HOME/.cache}/llm4rec-data)
 *   mirror          fetch, convert URL prefix for https://HOST/PATH -> URL/HOST/PATH
 *   lock            fetch, convert the lock file (default DATA/llm4rec-data.lock)
 *   max-unpacked    fetch, convert a size ("200G"): ceiling on what one archive unpacks to
 *   progress        fetch, convert flag: draw a progress bar on stderr
 *   from            fetch          a hand-downloaded FILE; each call adds one
 *   update-lock     fetch          flag: fetch again and re-pin the lock file
 *   accept-license  fetch, convert flag: accept a variant's terms (else its download is L4R_EMANUAL)
 *   connect-timeout, low-speed-time, max-backoff   fetch   seconds (> 0)
 *   max-retries     fetch          retries of transient failures; 0 = never retry
 *   force           fetch: flag, fetch and verify again; convert: flag, replace an output
 *                   directory that is not an earlier output (the fetch convert does first
 *                   never re-fetches)
 *   raw             convert        convert PATH (archive, directory or file) without fetching
 *   output          convert        the output directory (required by convert)
 *   jobs            convert        CPUs, 1..1024 (default: the CPUs this process may use)
 *   split, dedup, min-rating, implicit, require-title, kcore, user-core, item-core, kcore-mode,
 *   ties, max-history, remap, remap-order, seed, format, candidates, history, memory, block-size,
 *   max-errors, keep-negatives    convert   as the options of `llm4rec-data convert` (docs/MANUAL.md)
 *   with            convert        optional side tables to write too ("tags,reviews"); each call adds
 *                                  (split "published": the variant's published train/valid/test)
 *   preset          convert        a preset's name (l4r_preset_find): sets its options; set it first,
 *                                  since what is set after it overrides it (and is recorded)
 *   allow-deviation convert        flag: a preset's statistics that differ from its paper's on the
 *                                  published source are recorded, not an error (L4R_EFINDING)
 *
 * A flag takes NULL or "1" to set it and "0" to clear it. */
typedef struct l4r_options l4r_options;

/* A new options object holding the defaults.  Never NULL (out-of-memory aborts). */
l4r_options *l4r_options_new(void);
void l4r_options_free(l4r_options *o); /* NULL is fine */
/* Set option `key` to `value` (copied).  L4R_EUSAGE for an unknown key or a bad value, with a
 * message that starts with the key ("dedup takes first, last or none, not 'x'"); the option is
 * then unchanged. */
l4r_status l4r_options_set(l4r_options *o, const char *key, const char *value, l4r_error *e);
/* Where the library's notes (level 0) and warnings (level 1) go: "already fetched", retries,
 * skipped records.  Called on the thread that called l4r_fetch or l4r_convert_dataset.  Without
 * one they are dropped. */
typedef void (*l4r_log_fn)(void *ud, int level, const char *msg);
void l4r_options_set_log(l4r_options *o, l4r_log_fn fn, void *ud);
/* The command line recorded in manifest.json ("command"); the strings are copied. */
void l4r_options_set_argv(l4r_options *o, int argc, char *const *argv);

/* ---- fetch and convert ---- */

/* Download, verify and unpack variant v of recipe r into DATA/DATASET/VARIANT, write its stamp.
 * A variant fetched and verified before is not fetched again (*already true).  A gated variant
 * without "from" is L4R_EMANUAL with the manual steps in the message.  Takes the lock of the
 * variant (waits for another fetch of it).  On success *dir (may be NULL) is the variant
 * directory, malloc'd: the caller frees it.  Thread: the caller's; blocks until done. */
l4r_status l4r_fetch(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o, char **dir,
                     bool *already, l4r_error *e);

/* Convert variant v of recipe r into the directory "output" (docs/FORMAT.md).  With "raw" the
 * given path is read; otherwise the variant is fetched first when the data directory does not
 * hold it (a note says so), and files changed on disk since the fetch are converted as they are
 * and checked against the fetch stamp (a warning says so; L4R_ECHECKSUM when they differ).
 * Writes into a temporary directory renamed onto "output" at the end: on error nothing is left
 * under that name.  On success *interactions and *items (either may be NULL) are the rows of
 * the interactions (after the stages) and of items.tsv.  Thread: the caller's; starts "jobs"
 * threads internally and returns when they have ended. */
l4r_status l4r_convert_dataset(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o,
                               uint64_t *interactions, uint64_t *items, l4r_error *e);

/* The data directory these options use (malloc'd: the caller frees it): "data-dir", else
 * $LLM4REC_DATA_HOME, else ${XDG_CACHE_HOME:-$HOME/.cache}/llm4rec-data. */
char *l4r_data_dir(const l4r_options *o);
/* Where l4r_fetch puts variant v (DATA/DATASET/VARIANT, malloc'd: the caller frees it); *fetched
 * (may be NULL) is true when it is fetched and every file is as its stamp records.  Reads only. */
char *l4r_variant_path(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o, bool *fetched);

/* Is "output" already what l4r_convert_dataset with these options would write?  *current is true
 * when its manifest.json is ours, of this version and variant, records the same options (those that
 * shape the outputs: not jobs, memory, mirror, output, ...; manifest.json's "convert_options") and
 * recipe, every input it lists still has the recorded SHA-256 (a fetched one: the fetch stamp's,
 * when size and mtime agree with it; the variant must be fetched and unchanged) and every output is
 * there with its recorded size.  Otherwise false, with the first reason in why (why_size bytes).
 * Reads; never writes, fetches or locks.  An error only for options without "output". */
l4r_status l4r_convert_current(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o, bool *current,
                               char *why, size_t why_size, l4r_error *e);

/* ---- presets: a codebase's published preprocessing, by name (src/presets.c, docs/PRESETS.md) ----
 *
 * A preset is a named list of convert options (the stages, split and exports that reproduce one
 * codebase's preprocessing), the datasets and variants it covers ("DATASET/VARIANT" patterns with
 * fnmatch(3) wildcards) and the statistics the codebase's paper published for some of them.  The
 * convert option "preset" applies one (l4r_options_set(o, "preset", NAME) before the other
 * options: what is set after it overrides the preset and is recorded in manifest.json
 * "preset.overrides").  Presets are static data: every pointer below lives as long as the
 * program.  Thread: any. */
typedef struct l4r_preset l4r_preset;
/* One published statistic: "users", "items", "interactions", "actions_per_user" or
 * "actions_per_item"; tolerance is half the unit the paper rounded to (0: given exactly). */
typedef struct l4r_preset_stat {
    const char *name;
    double value;
    double tolerance;
} l4r_preset_stat;
/* The paper's numbers for the variants matching `covers`, with the table cited and, when the
 * numbers are known not to be reproducible from the published files, why (else NULL). */
typedef struct l4r_preset_paper {
    const char *covers;
    const char *citation;
    const char *known_cause;
    size_t n_stats;
    const l4r_preset_stat *stats;
} l4r_preset_paper;

size_t l4r_preset_count(void);
const l4r_preset *l4r_preset_at(size_t i);           /* NULL when out of range */
const l4r_preset *l4r_preset_find(const char *name); /* NULL when there is none of that name */
/* The names, for a did-you-mean (l4r_suggest): an array of l4r_preset_count() strings. */
const char *const *l4r_preset_names(void);
const char *l4r_preset_name(const l4r_preset *p);     /* "sasrec" */
const char *l4r_preset_codebase(const l4r_preset *p); /* "SASRec (Kang & McAuley, ICDM 2018), ..." */
const char *l4r_preset_summary(const l4r_preset *p);  /* one line: what it reproduces */
const char *l4r_preset_writes(const l4r_preset *p);   /* one line: the files it writes */
size_t l4r_preset_n_covers(const l4r_preset *p);
const char *l4r_preset_cover(const l4r_preset *p, size_t i); /* "amazon/2014/reviews_*"; NULL past the end */
/* Whether the preset applies to DATASET/VARIANT. */
bool l4r_preset_covers(const l4r_preset *p, const char *dataset, const char *variant);
/* The convert options it implies, argv-like ("--kcore", "5", "--remap", ...). */
size_t l4r_preset_n_options(const l4r_preset *p);
const char *l4r_preset_option(const l4r_preset *p, size_t i); /* NULL past the end */
size_t l4r_preset_n_papers(const l4r_preset *p);
const l4r_preset_paper *l4r_preset_paper_at(const l4r_preset *p, size_t i); /* NULL past the end */
/* The paper entry for DATASET/VARIANT, or NULL when the paper gives none for it. */
const l4r_preset_paper *l4r_preset_paper_for(const l4r_preset *p, const char *dataset, const char *variant);

/* ---- stats of a converted output ---- */

typedef struct l4r_stats l4r_stats;

/* Read an interactions TSV in the common format, or a converted directory (its
 * interactions.tsv, else train.tsv + valid.tsv + test.tsv), and compute its statistics.  On
 * success *out is new (l4r_stats_free); L4R_EPARSE names the file and line of a malformed row,
 * L4R_EIO a file that cannot be read.  Thread: any; memory is about 16 bytes per row. */
l4r_status l4r_stats_load(const char *path, l4r_stats **out, l4r_error *e);
void l4r_stats_free(l4r_stats *s); /* NULL is fine */
size_t l4r_stats_users(const l4r_stats *s);
size_t l4r_stats_items(const l4r_stats *s);
size_t l4r_stats_interactions(const l4r_stats *s);
/* distinct (user, item) pairs / (users x items): a pair repeated is one cell; 0 when empty */
double l4r_stats_density(const l4r_stats *s);
size_t l4r_stats_distinct_pairs(const l4r_stats *s);
/* Every user's number of rows, ascending (*n of them; NULL when empty); owned by s. */
const uint32_t *l4r_stats_history_lengths(const l4r_stats *s, size_t *n);
/* Rows per calendar month (UTC), *n months from *first (year * 12 + month - 1); NULL when there
 * is no row or no time.  Owned by s. */
const int64_t *l4r_stats_months(const l4r_stats *s, size_t *n, int *first);
/* Write the SVG of `stats --plot` to path: the history-length distribution (users per
 * power-of-two bin of rows) and, with time, the rows over time (per month, or per quarter or year
 * when there are many months); self-contained (no script, no external font or image). */
l4r_status l4r_stats_plot(const l4r_stats *s, const char *path, l4r_error *e);
/* Interactions per user: minimum, median, mean, maximum (0 when empty). */
void l4r_stats_history(const l4r_stats *s, uint64_t *min, double *median, double *mean, uint64_t *max);
/* Smallest and largest timestamp (Unix seconds); false when there is no row, or when the timestamps
 * are empty (a source without time, docs/FORMAT.md). */
bool l4r_stats_time(const l4r_stats *s, int64_t *first, int64_t *last);
/* Rows whose user has another at that time (0 without time). */
double l4r_stats_tied_share(const l4r_stats *s);
double l4r_stats_duplicate_share(const l4r_stats *s); /* rows repeating a (user, item) pair */
/* For a split directory: true, with the rows of train, valid and test (rows may be NULL). */
bool l4r_stats_split(const l4r_stats *s, size_t rows[3]);
/* Split only: test items never seen in train, their share of the test items and of the test
 * interactions. */
size_t l4r_stats_cold_items(const l4r_stats *s);
double l4r_stats_cold_item_share(const l4r_stats *s);
double l4r_stats_cold_interaction_share(const l4r_stats *s);

/* ---- verify a converted output against its manifest ---- */

typedef struct l4r_verify_report l4r_verify_report;
typedef enum l4r_verify_state {
    L4R_VERIFY_OK,      /* sha256, bytes and rows match */
    L4R_VERIFY_CHANGED, /* the file differs: l4r_verify_detail says how */
    L4R_VERIFY_MISSING, /* the file cannot be read: l4r_verify_detail says why */
    L4R_VERIFY_INVALID  /* the manifest's entry is not {file, rows, bytes, sha256} */
} l4r_verify_state;

/* Recompute the SHA-256, size and line count of every output DIR/manifest.json lists.  Returns
 * L4R_OK with a report (l4r_verify_report_free) when the manifest could be read, whatever the
 * outputs hold; L4R_EIO/L4R_EPARSE when it cannot be read or has no "outputs" array.  Thread:
 * any. */
l4r_status l4r_verify_dir(const char *dir, l4r_verify_report **out, l4r_error *e);
void l4r_verify_report_free(l4r_verify_report *r);   /* NULL is fine */
size_t l4r_verify_count(const l4r_verify_report *r); /* entries of "outputs", in manifest order */
size_t l4r_verify_bad(const l4r_verify_report *r);   /* entries that are not L4R_VERIFY_OK */
l4r_verify_state l4r_verify_state_of(const l4r_verify_report *r, size_t i);
/* The file name ("interactions.tsv"); "outputs[I]" for an invalid entry. */
const char *l4r_verify_file_of(const l4r_verify_report *r, size_t i);
/* What differs ("bytes 10, manifest 12; sha256 ..., manifest ...") or why the file is missing
 * (strerror); NULL for the other states. */
const char *l4r_verify_detail(const l4r_verify_report *r, size_t i);

/* ---- audit a split on disk ---- */

typedef struct l4r_audit l4r_audit;
/* A check's verdict, in increasing order of gravity (SKIPPED: the layout lacks what it needs). */
typedef enum l4r_audit_severity {
    L4R_AUDIT_SKIPPED,
    L4R_AUDIT_OK,
    L4R_AUDIT_INFO,
    L4R_AUDIT_WARN,
    L4R_AUDIT_ERROR
} l4r_audit_severity;
typedef struct l4r_audit_value {
    const char *key; /* "rows", "share", ... (docs/AUDIT.md lists them per check) */
    double value;
    bool integer; /* a count */
} l4r_audit_value;
typedef struct l4r_audit_finding {
    const char *check; /* "temporal_leakage_user", "cold_items", ... */
    l4r_audit_severity severity;
    const char *numbers;     /* one line: the counts and shares behind the verdict */
    const char *explanation; /* one line: what it means */
    size_t n_values;
    const l4r_audit_value *values;
} l4r_audit_finding;

/* Read the split in DIR and run every check (docs/AUDIT.md).  format is "tsv", "recbole",
 * "sasrec", "p5", or NULL / "auto" to detect it from the file names (in that order of
 * preference).  On success *out is new (l4r_audit_free); L4R_EUSAGE for an unknown format,
 * L4R_EIO when DIR holds no such split, L4R_EPARSE naming the file and line of a malformed row.
 * Thread: any; memory is about 20 bytes per row. */
l4r_status l4r_audit_dir(const char *dir, const char *format, l4r_audit **out, l4r_error *e);
void l4r_audit_free(l4r_audit *a);                /* NULL is fine */
const char *l4r_audit_format(const l4r_audit *a); /* the layout read: "tsv", "recbole", ... */
const char *l4r_audit_also(const l4r_audit *a);   /* other layouts present, comma-separated, or "" */
const char *l4r_audit_files(const l4r_audit *a);  /* the split files read, space-separated */
/* Rows of train, valid, test; distinct users and items; whether every row has a time. */
void l4r_audit_counts(const l4r_audit *a, size_t rows[3], size_t *users, size_t *items, bool *timed);
size_t l4r_audit_count(const l4r_audit *a);                           /* findings, in a fixed order */
const l4r_audit_finding *l4r_audit_get(const l4r_audit *a, size_t i); /* borrowed; NULL past the end */
const char *l4r_audit_severity_name(l4r_audit_severity s);            /* "ok", "warn", ... */

/* ---- small helpers ---- */

/* The data directory: `opt` if non-NULL, else $LLM4REC_DATA_HOME, else
 * ${XDG_CACHE_HOME:-$HOME/.cache}/llm4rec-data.  malloc'd; the caller frees it. */
char *l4r_data_home(const char *opt);

#ifdef __cplusplus
}
#endif
#endif
