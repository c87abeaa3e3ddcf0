/*
 * recipe_internal.h — what the recipe loader's three files share, not part of recipe.h.
 *
 * recipe.c walks a recipe's tables, files and variants, recipe_json.c has the typed readers they
 * are built from, recipe_sets.c expands "variant_sets" and applies "known_files".  All of them
 * pass the parse context below down the walk; nothing here is meant for code outside the loader,
 * and no jansson type leaves these three files.
 */
#ifndef L4R_RECIPE_INTERNAL_H
#define L4R_RECIPE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recipe.h"
#include "util.h"

/* The parse context: the recipe's file name, the error sink and the JSON path ("$.variants.x")
 * of the node being validated, which every error message names. */
typedef struct pctx {
    const char *file;
    l4r_error *e;
    char path[512];
    size_t len;
} pctx;

/* --- the path (recipe_json.c) --------------------------------------------------------------- */

/* Append to the path (truncated, never overflowing, when it gets too long). */
void l4r_rj_path_addf(pctx *c, const char *fmt, ...) L4R_PRINTF(2, 3);
/* Append ".key" (or ["key"]) / "[i]"; both return the old length for l4r_rj_path_pop. */
size_t l4r_rj_path_key(pctx *c, const char *key);
size_t l4r_rj_path_index(pctx *c, size_t i);
void l4r_rj_path_pop(pctx *c, size_t old);

/* Fill c->e with "FILE: PATH: message" and return L4R_ERECIPE; _at names key `key` of the
 * current object without changing the path. */
l4r_status l4r_rj_fail(pctx *c, const char *fmt, ...) L4R_PRINTF(2, 3);
l4r_status l4r_rj_fail_at(pctx *c, const char *key, const char *fmt, ...) L4R_PRINTF(3, 4);

/* "an object", "a string", ... for messages. */
const char *l4r_rj_type_name(const json_t *j);

/* --- typed readers (recipe_json.c) ---------------------------------------------------------- */

/* Each reads key `key` of object `obj`; an absent key leaves *out untouched unless said
 * otherwise.  Strings come back malloc'd (the caller frees them, also after a later error). */
l4r_status l4r_rj_check_keys(pctx *c, json_t *obj, const char *const *allowed);
l4r_status l4r_rj_get_str(pctx *c, json_t *obj, const char *key, bool required, char **out);
l4r_status l4r_rj_get_text(pctx *c, json_t *obj, const char *key, bool required, char **out);
l4r_status l4r_rj_get_bool(pctx *c, json_t *obj, const char *key, bool *out);
/* *out is a NULL-terminated array of *n strings (free with l4r_rj_free_strv); nothing on error. */
l4r_status l4r_rj_get_str_array(pctx *c, json_t *obj, const char *key, char ***out, size_t *n);
l4r_status l4r_rj_get_hex(pctx *c, json_t *obj, const char *key, size_t digits, char **out);
l4r_status l4r_rj_get_size(pctx *c, json_t *obj, const char *key, int64_t *out);

/* Checks of strings already read. */
bool l4r_rj_safe_relpath(const char *p);
bool l4r_rj_valid_variant_name(const char *s);
bool l4r_rj_valid_url(const char *u);

/* A recipe enum: its spellings and values, ended by {NULL, 0}. */
typedef struct name_val {
    const char *name;
    int val;
} name_val;

/* The value of the name `key` holds; an unknown name is an error listing the names of tab. */
l4r_status l4r_rj_get_enum(pctx *c, json_t *obj, const char *key, const name_val *tab, bool required,
                           int *out);
/* The name of value v in tab, "?" if it has none. */
const char *l4r_rj_enum_name(const name_val *tab, int v);
l4r_status l4r_rj_get_format(pctx *c, json_t *obj, const l4r_format_def **out);

/* Free n strings and the array; v may be NULL. */
void l4r_rj_free_strv(char **v, size_t n);

/* --- known_files and variant_sets (recipe_sets.c) ------------------------------------------- */

/* One "known_files" entry (size -1 and NULL digests when not given); `used` is set when a file
 * of the recipe takes values from it. */
typedef struct known_file {
    char *name;
    int64_t size;
    char *md5;
    char *sha256;
    bool used;
} known_file;

typedef struct known_tab {
    known_file *v;
    size_t n;
} known_tab;

/* The variants parsed so far, in recipe order; parse_root (recipe.c) owns and frees them. */
typedef struct vlist {
    l4r_variant *v;
    size_t n;
    size_t cap;
} vlist;

/* Read a "known_files" object (c's path at it) into k; free k with l4r_recipe_known_free, also
 * after an error. */
l4r_status l4r_recipe_parse_known(pctx *c, json_t *j, known_tab *k);
void l4r_recipe_known_free(known_tab *k);
l4r_status l4r_recipe_apply_known(pctx *c, l4r_rfile *f, known_tab *k);
/* An error naming the first entry of k that no file used. */
l4r_status l4r_recipe_check_known_used(pctx *c, const known_tab *k);

/* A zeroed new variant at the end of l. */
l4r_variant *l4r_recipe_vlist_push(vlist *l);
/* Expand one "variant_sets" entry (c's path at it) onto l; `global` is the recipe's top-level
 * known_files.  Variants pushed before an error stay on l for the caller to free. */
l4r_status l4r_recipe_parse_set(pctx *c, json_t *set, vlist *l, known_tab *global);

/* --- variants (recipe.c) -------------------------------------------------------------------- */

/* Validate variant `name` (object j) into v, which the caller clears, also after an error. */
l4r_status l4r_recipe_parse_variant(pctx *c, const char *name, json_t *j, l4r_variant *v);

/* recipe_explode.c: a table's "explode" (x zeroed by the caller), its headerless columns once the
 * table's columns are known, and a source name of a field (out: its output column) or filter. */
l4r_status l4r_recipe_parse_explode(pctx *c, json_t *j, l4r_explode *x);
l4r_status l4r_recipe_resolve_explode(pctx *c, l4r_table *t, const l4r_format_def *fd, bool interactions);
l4r_status l4r_recipe_check_source(pctx *c, const l4r_table *t, const char *name, const char *out);
/* A field {"join": SRC, "separator": "|", "key": K, "list": L} into m (its src and join_*). */
l4r_status l4r_recipe_parse_join(pctx *c, json_t *v, l4r_colmap *m);
/* The optional "clean" key of a field object ("html") into m->clean_html. */
l4r_status l4r_recipe_parse_clean(pctx *c, json_t *v, l4r_colmap *m);

#endif
