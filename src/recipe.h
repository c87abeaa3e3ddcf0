/*
 * recipe.h — the dataset recipes (recipes/NAME.json), loaded and validated strictly.
 *
 * A recipe describes one dataset family: its variants, the upstream files of each variant (URL,
 * size, checksums, whether to unpack), and the tables to convert (path, format, delimiter, header,
 * encoding, column mapping, time format).  The JSON schema is documented in docs/recipes.md.
 *
 * The recipes are compiled into the binary (build/recipes_embedded.c, generated from recipes/ by
 * the Makefile), so an installed binary needs no data files; --recipes DIR or $LLM4REC_RECIPES
 * loads a directory instead (for development and for users' own recipes).
 *
 * Ownership: l4r_registry_* create and free everything below; all other pointers are borrowed
 * from the registry and live as long as it.  jansson objects never leave recipe.c.
 */
#ifndef L4R_RECIPE_H
#define L4R_RECIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "convert/format.h" /* l4r_format: the table of input formats */
#include "llm4rec_data.h"

typedef enum l4r_encoding { L4R_ENC_UTF8, L4R_ENC_LATIN1, L4R_ENC_CP1252 } l4r_encoding;

typedef enum l4r_timefmt {
    L4R_TIME_NONE,         /* the source has no time: timestamps are empty, the order is the source order */
    L4R_TIME_UNIX_S,       /* integer Unix seconds (a zero fraction "964982703.0" is whole; "1.6e9" too) */
    L4R_TIME_UNIX_MS,      /* integer Unix milliseconds, divided by 1000 (floor); "1.684742e+12" too */
    L4R_TIME_DATE,         /* YYYY-MM-DD, UTC midnight */
    L4R_TIME_DATETIME,     /* YYYY-MM-DD HH:MM:SS (or with T), taken as UTC */
    L4R_TIME_ISO8601,      /* 2010-10-19T23:55:27Z */
    L4R_TIME_MDY_AMPM,     /* 11/15/2019 10:22:32 AM (MIND) */
    L4R_TIME_POSTED,       /* Posted November 5, 2011. (Steam v1), UTC midnight; no year: "time_year" */
    L4R_TIME_CTIME_OFFSET, /* Sun Jul 30 07:44:10 -0700 2017 (Goodreads), to UTC by the offset */
    L4R_TIME_YYYYMMDD,     /* 20151111 (Tmall IJCAI-16, U-NEED's ds), UTC midnight */
    L4R_TIME_MMDD          /* 1111 or 829: month and day without a year (Tmall IJCAI-15): "time_year" */
} l4r_timefmt;

/* How a list is written in one field ("explode" and {"join": ...}). */
typedef enum l4r_list_form {
    L4R_XLIST_SEPARATED, /* text split on `separator` (empty elements skipped) */
    L4R_XLIST_JSON,      /* a JSON array */
    L4R_XLIST_PYTHON,    /* a Python list or tuple */
    L4R_XLIST_NUMPY      /* a numpy array repr: ['a' 'b'] */
} l4r_list_form;

/* One output column and where it comes from. */
typedef struct l4r_colmap {
    char *out;   /* output column name: user_id, item_id, rating, timestamp, title, genres, ... */
    char *src;   /* source column name (header name, `columns` entry, or JSON key); NULL if `value` */
    char *value; /* constant value when the source has no such column (e.g. rating "1") */
    int index;   /* resolved column index for delimited/CSV tables (-1 until resolved) */
    /* {"join": SRC, ...} (items and users tables): src holds a list whose elements (an object
     * element's join_key; nested lists flattened one level) are joined with join_sep. */
    bool join;
    char *join_sep;          /* default "|" */
    char *join_key;          /* NULL: the elements themselves */
    l4r_list_form join_list; /* how a text value writes the list (join_list_given) */
    bool join_list_given;    /* else: an object format's array value by its own syntax, text as it is */
    bool clean_html;         /* "clean": "html": markup stripped, references decoded (html.h) */
    /* {"concat": [SRC, ...], "separator": "|"}: the values of several sources (columns, an exploded
     * element) joined into one, a composite key (Amazon-M2's product id and locale: "B09W9FND7K|DE").
     * src and value are NULL; each part is read through a hidden filter slot that keeps every
     * record (L4R_FOP_ANY, filters[concat_filter + i]), so it is resolved like any filter column. */
    char **concat;
    size_t n_concat;
    char *concat_sep;
    int concat_filter;
} l4r_colmap;

/* A value filter (recipe key "filter"): a record is kept only when every filter of its table holds.
 * ==, != and in compare the field's text with the recipe's strings byte for byte; <, <=, >, >=
 * compare its value as a decimal number with `number` (a field that is not one is a parse error). */
typedef enum l4r_filter_op {
    L4R_FOP_EQ,
    L4R_FOP_NE,
    L4R_FOP_IN,
    L4R_FOP_LT,
    L4R_FOP_LE,
    L4R_FOP_GT,
    L4R_FOP_GE,
    L4R_FOP_PRESENT, /* the field is there, not null and not empty (no value) */
    L4R_FOP_ANY      /* no test: the hidden filter through which a "concat" part is read */
} l4r_filter_op;

#define L4R_MAX_FILTERS 16 /* filters one table may have */

typedef struct l4r_filter {
    char *column; /* source column name (header name, `columns` entry, or JSON key) */
    l4r_filter_op op;
    char **values; /* ==, != : one string; in: one or more */
    size_t n_values;
    double number;  /* <, <=, >, >= */
    int index;      /* resolved column index for headerless delimited/CSV tables (-1 until resolved) */
    bool negatives; /* "negatives": true — the filter drops the negatives (non-clicks), and convert
                     * --keep-negatives skips it so that they stay, with their label */
} l4r_filter;

/* "explode": one source column holds a list; each element becomes one logical record, the
 * record's other fields repeated (MIND impressions, Steam v1 per-user lists, Amazon-M2 sessions,
 * NineRec/MicroLens sequences).  Fields and filters name the element as `as`, its parts by their
 * names, an object element's keys as "AS.KEY" (l4r_source_classify). */

typedef struct l4r_explode {
    char *column; /* the source column (or key) holding the list */
    l4r_list_form list;
    bool list_given;      /* "list" was written (else: separated; an object format's arrays by its syntax) */
    char *separator;      /* separated: between elements (default " ") */
    char *as;             /* the element's name in fields and filters (default: column) */
    char **parts;         /* per-element split: names of the parts, left to right */
    size_t n_parts;       /* 0: no split */
    char *part_separator; /* with parts: split at the last n_parts - 1 of these */
    char *append;         /* a column whose value is one more element, after the list; NULL: none */
    /* "then": {"column": "AS.KEY", "as": NAME}: a key of each (object) element holding a list, one
     * record per element of that list, named NAME (U-NEED's messages and their rec_item_id) */
    char *then_key;   /* KEY; NULL: no second level */
    char *then_as;    /* NAME (default: KEY) */
    int index;        /* column of `column` in a headerless columns table (-1 otherwise) */
    int append_index; /* the same for `append` */
} l4r_explode;

/* Where a name in "fields" or "filter" takes its value from. */
typedef enum l4r_source_kind {
    L4R_SRC_COLUMN,   /* a source column or key of the record */
    L4R_SRC_ELEMENT,  /* explode: the element itself */
    L4R_SRC_PART,     /* explode: part *arg of the element */
    L4R_SRC_KEY,      /* explode: key (name + *arg) of an object element ("AS.KEY": *arg = strlen(AS) + 1) */
    L4R_SRC_POSITION, /* "$position": the element's 0-based position in the list (0 without explode) */
    L4R_SRC_LINE,     /* "$line": the physical line the record starts on (a record id, e.g. a session) */
    L4R_SRC_JOIN,     /* a column (or key) holding a list, joined ({"join": ...}); resolved like a column */
    L4R_SRC_BLOCK,    /* "block_header": the text of the last header line before the record ('1:' -> 1) */
    L4R_SRC_INNER     /* explode "then": an element of the list under a key of the element */
} l4r_source_kind;

/* Whether a slot of kind k reads a source column or key (a plain column, or a list to join). */
static inline bool l4r_src_reads_column(unsigned k)
{
    return k == L4R_SRC_COLUMN || k == L4R_SRC_JOIN;
}

/* "block_header" (delimited tables): a line that ends with `suffix` and holds no delimiter is no
 * record; its text before the suffix is the column `as` of every record after it, up to the next
 * such line (the Netflix Prize's 'MovieID:' blocks).  Each file starts with no header. */
typedef struct l4r_block_header {
    char *suffix; /* ":" */
    char *as;     /* the column's name in fields and filters ("movie") */
} l4r_block_header;

typedef struct l4r_table {
    char *path; /* file path relative to the variant directory (after unpacking); paths[0] with "paths" */
    /* "paths": several files read in order as one table, each relative to the variant directory; an
     * entry whose last segment holds '*' or '?' is a glob over that directory's files, in byte order
     * of their names.  NULL (n_paths 0) for a table of one "path". */
    char **paths;
    size_t n_paths;
    l4r_block_header *block_header; /* or NULL */
    char *member;                   /* for --raw ARCHIVE: the member path inside the upstream archive */
    l4r_format format;
    char delim[3]; /* 1 or 2 bytes, NUL-terminated; "\t" for TSV, "::" for ml-1m */
    bool header;   /* the first line is a header row */
    char escape;   /* csv "escape": the byte that escapes the next one inside quotes (Book-Crossing's
                    * backslash); 0: RFC 4180 only.  Such a table has one record per line. */
    l4r_encoding encoding;
    char **columns; /* source column names in file order (required when header is false) */
    size_t n_columns;
    l4r_colmap *map; /* output columns, in output order */
    size_t n_map;
    l4r_timefmt time; /* format of the column mapped to "timestamp" */
    /* "extra_fields": "ignore" — a delimited/CSV record with more fields than the columns (or the
     * header) is taken, the extra fields dropped and counted; "error" (the default) refuses it. */
    bool extra_fields_ignore;
    /* "extra_fields": "last" (delimited only) — the last column runs to the end of the line,
     * separators included: a free-text last column that may hold the delimiter (MicroLens-1M's
     * titles, which also have unbalanced quotes, "split at the first comma"). */
    bool extra_fields_last;
    /* "time_fraction": "floor" — Unix seconds (or milliseconds) with a non-zero fraction are
     * floored and counted; "error" (the default) refuses them. */
    bool time_fraction_floor;
    /* "time_year": the year of a "posted" date that leaves it out (Steam omits the crawl year),
     * 1900..9999; 0 when not given (such a date is then an error). */
    int time_year;
    /* Genre-style flag columns (ml-100k u.item): columns flags_from.. hold 0/1 for flag_names[i];
     * the set ones are joined with '|' into the output column named flags_out. */
    int flags_from; /* -1 when unused */
    char **flag_names;
    size_t n_flag_names;
    char *flags_out;
    l4r_filter *filters;   /* "filter": records failing one are dropped and counted */
    size_t n_filters;      /* with the hidden filters of "concat" fields, which come last */
    size_t n_user_filters; /* the recipe's own filters: filters[0 .. n_user_filters) */
    l4r_explode *explode;  /* "explode" (interactions tables only), or NULL */
    /* "columns_by_prefix": {"user": "u", "item": "v"} (headerless delimited/CSV tables): these
     * columns trade places within the positions `columns` gives them, per file, so that each one's
     * value in the file's first record starts with its prefix (NineRec's pair files are item,user in
     * some releases and user,item in others).  No order or several orders fitting is an error. */
    char **prefix_cols; /* the columns, in the recipe's order */
    char **prefixes;    /* prefixes[i]: what prefix_cols[i]'s values start with */
    int *prefix_index;  /* the column's index in `columns` */
    size_t n_prefix;    /* 0: none (2 to 4 otherwise) */
    /* A side table with "copy": true (jsonl only, no fields): each record is written whole, without
     * the whitespace outside its strings, one per line, as NAME.jsonl. */
    bool copy;
} l4r_table;

typedef struct l4r_rfile {
    char *name;     /* local file name inside the variant directory, e.g. "ml-1m.zip" */
    char *url;      /* upstream URL (https://, http:// or file://) */
    char **mirrors; /* further URLs, tried in order after url */
    size_t n_mirrors;
    int64_t size;           /* expected bytes, -1 when unknown */
    char *md5;              /* lower-case hex or NULL */
    char *sha256;           /* lower-case hex or NULL */
    bool unpack;            /* an archive to unpack into the variant directory */
    uint64_t unpacked_size; /* unpack: total bytes of its files once unpacked (with unpack_nested: of
                             * every archive's files, the inner archives included); 0 when unknown */
    char **unpack_nested;   /* unpack: members (paths in the variant directory) that are archives
                             * themselves, unpacked in turn into a directory of their own name */
    size_t n_unpack_nested;
} l4r_rfile;

/* A further table of a variant ("tables"): written as NAME.tsv, each record as it is (its fields in
 * the canonical order, the timestamp as Unix seconds), or with t->copy as NAME.jsonl, each record
 * whole; no ids interned, nothing deduplicated.
 * MovieLens tags, Amazon review texts, a published split (train, valid, test). */
typedef struct l4r_side {
    char *name;    /* the output file's stem: lower-case letters, digits and '_' */
    bool optional; /* written only when asked (convert --with NAME); train/valid/test: --split published */
    l4r_table *t;
} l4r_side;

/* train, valid and test: the tables of a published split (convert --split published). */
bool l4r_side_is_split(const char *name);

typedef struct l4r_variant {
    char *name; /* "ml-1m", "2014/reviews_Beauty_5" */
    char *description;
    l4r_rfile *files;
    size_t n_files;
    char *manual;            /* gated datasets: the manual download steps (fetch says them), else NULL */
    char *terms;             /* terms the user must accept before a download (fetch --accept-license): their
                              * URL, from the variant or else the recipe; NULL: none */
    l4r_table *interactions; /* NULL when the variant cannot be converted yet */
    l4r_table *items;        /* optional */
    l4r_table *users;        /* optional: user_id and its columns, written as users.tsv */
    l4r_side *tables;        /* "tables": further tables, NAME.tsv each, in the recipe's order */
    size_t n_tables;
    char *notes; /* free text shown by `info` */
} l4r_variant;

typedef struct l4r_recipe {
    char *dataset; /* "movielens" (also the file stem) */
    char *title;
    char *homepage;
    char *license;
    char *terms;    /* "terms": the URL of terms every variant's download needs accepted (NULL: none) */
    char *citation; /* BibTeX */
    char *default_variant;
    l4r_variant *variants;
    size_t n_variants;
    char *source_path; /* file the recipe was loaded from ("<builtin>/movielens.json") */
} l4r_recipe;

typedef struct l4r_registry {
    l4r_recipe *recipes;
    size_t n_recipes;
} l4r_registry;

/* Load every recipe: from `dir` if non-NULL, else $LLM4REC_RECIPES if set, else the built-in
 * copies.  Validation is strict: unknown key, wrong type, missing required key, duplicate variant,
 * bad delimiter or checksum syntax -> L4R_ERECIPE naming file and JSON path
 * ("recipes/movielens.json: $.variants.ml-1m.files[0].md5: expected 32 hex digits"). */
l4r_status l4r_registry_load(l4r_registry **out, const char *dir, l4r_error *e);
/* The same, for a command about one dataset: when the recipes are the built-in ones and one of
 * them is the file DATASET.json, only that one is parsed (about 6 ms less start-up than all of
 * them; the test suite checks that every built-in recipe loads and is named after its dataset).
 * Otherwise, an unknown DATASET included, everything is loaded, so that errors list the rest. */
l4r_status l4r_registry_load_for(l4r_registry **out, const char *dir, const char *dataset, l4r_error *e);
/* Parse one recipe from memory (tests, fuzzing).  `name` is used in messages. */
l4r_status l4r_recipe_parse(l4r_recipe *out, const char *json, size_t len, const char *name, l4r_error *e);
void l4r_recipe_clear(l4r_recipe *r);
void l4r_registry_free(l4r_registry *reg);

/* Look-ups.  `variant` NULL means the default variant.  Errors name the alternatives. */
l4r_status l4r_registry_find(const l4r_registry *reg, const char *dataset, const char *variant,
                             const l4r_recipe **r, const l4r_variant **v, l4r_error *e);

/* The file of v whose unpack_nested lists the longest archive that `path` (a path in the variant
 * directory) lies inside; *inner gets that unpack_nested entry.  NULL (and *inner NULL) when none. */
const l4r_rfile *l4r_variant_nested(const l4r_variant *v, const char *path, const char **inner);

/* convert --raw given an inner archive itself: when `base` (the name of the file given) is the
 * last segment of an unpack_nested entry N of v and `member` lies inside N, the rest of member
 * after "N/" (the longest such N); else NULL.  ("yelp_dataset.tar", "Yelp JSON/yelp_dataset.tar/
 * review.json" -> "review.json".)  The name only chooses the path to look up: the reader still
 * tells by content what the file holds. */
const char *l4r_variant_member_after(const l4r_variant *v, const char *member, const char *base);

/* What a source name of t's fields or filters refers to (l4r_source_kind), *arg as documented
 * there.  Names starting with '$' that are not derived, and element names of a table without
 * "explode", are L4R_SRC_COLUMN (the recipe loader has refused them already). */
l4r_source_kind l4r_source_classify(const l4r_table *t, const char *name, int *arg);

/* Index of a column name in t->columns, or -1. */
int l4r_table_column(const l4r_table *t, const char *name);

/* The embedded recipes (generated): name/text pairs, terminated by a NULL name. */
typedef struct l4r_embedded_file {
    const char *name;
    const char *data;
    size_t len;
} l4r_embedded_file;
extern const l4r_embedded_file l4r_embedded_recipes[];

#endif
