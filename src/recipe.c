/*
 * recipe.c — load and validate the dataset recipes (recipes/NAME.json, docs/recipes.md).
 *
 * How it works: the whole file is parsed with jansson (duplicate keys rejected), then walked once
 * by hand-written validators that copy every value into the plain C structs of recipe.h.  Each
 * validator knows the JSON path of the node it looks at (kept in a small path buffer in the
 * parse context), so every error names the file and the exact place: unknown keys, wrong types,
 * missing required keys, bad delimiters, checksums that are not hex of the right length, fields
 * naming columns that do not exist.  This file has the walk over the recipe, its variants, files
 * and tables, and the registry of loaded recipes; the typed readers it is built from (and the
 * path and error helpers) are in recipe_json.c.
 *
 * "variant_sets" declare many similar variants at once (Amazon has more than a hundred) and
 * "known_files" tables fill size and checksums into files by name; recipe_sets.c expands the one
 * and applies the other, handing each expanded variant back to l4r_recipe_parse_variant here.
 *
 * Nothing from jansson leaves the loader's files; the structs own plain malloc'd strings.
 */
#include "recipe.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "recipe_internal.h"
#include "suggest.h"
#include "util.h"

/* A recipe is a small hand-written file; anything bigger is a mistake, not a recipe. */
#define RECIPE_MAX_BYTES (16u << 20)
/* Cap on a flag column start index (ml-100k uses 5). */
#define FLAGS_MAX_FROM 1000

/* ---------------------------------------------------------------------------------------------
 * enums
 * ------------------------------------------------------------------------------------------- */

static const name_val encodings[] = {
    {"utf-8", L4R_ENC_UTF8}, {"iso-8859-1", L4R_ENC_LATIN1}, {"cp1252", L4R_ENC_CP1252}, {NULL, 0}};
static const name_val timefmts[] = {
    {"none", L4R_TIME_NONE},         {"unix_s", L4R_TIME_UNIX_S},     {"unix_ms", L4R_TIME_UNIX_MS},
    {"date", L4R_TIME_DATE},         {"datetime", L4R_TIME_DATETIME}, {"iso8601", L4R_TIME_ISO8601},
    {"mdy_ampm", L4R_TIME_MDY_AMPM}, {"posted", L4R_TIME_POSTED},     {"ctime_offset", L4R_TIME_CTIME_OFFSET},
    {"yyyymmdd", L4R_TIME_YYYYMMDD}, {"mmdd", L4R_TIME_MMDD},         {NULL, 0}};
static const name_val extra_modes[] = {{"error", 0}, {"ignore", 1}, {"last", 2}, {NULL, 0}};
static const name_val fraction_modes[] = {{"error", 0}, {"floor", 1}, {NULL, 0}};

/* ---------------------------------------------------------------------------------------------
 * freeing
 * ------------------------------------------------------------------------------------------- */

static void table_free(l4r_table *t)
{
    if (!t)
        return;
    free(t->path);
    free(t->member);
    l4r_rj_free_strv(t->paths, t->n_paths);
    if (t->block_header) {
        free(t->block_header->suffix);
        free(t->block_header->as);
        free(t->block_header);
    }
    l4r_rj_free_strv(t->columns, t->n_columns);
    l4r_rj_free_strv(t->prefix_cols, t->n_prefix);
    l4r_rj_free_strv(t->prefixes, t->n_prefix);
    free(t->prefix_index);
    for (size_t i = 0; i < t->n_map; i++) {
        free(t->map[i].out);
        free(t->map[i].src);
        free(t->map[i].value);
        free(t->map[i].join_sep);
        free(t->map[i].join_key);
        l4r_rj_free_strv(t->map[i].concat, t->map[i].n_concat);
        free(t->map[i].concat_sep);
    }
    free(t->map);
    l4r_rj_free_strv(t->flag_names, t->n_flag_names);
    free(t->flags_out);
    for (size_t i = 0; i < t->n_filters; i++) {
        free(t->filters[i].column);
        l4r_rj_free_strv(t->filters[i].values, t->filters[i].n_values);
    }
    free(t->filters);
    if (t->explode) {
        free(t->explode->column);
        free(t->explode->separator);
        free(t->explode->as);
        l4r_rj_free_strv(t->explode->parts, t->explode->n_parts);
        free(t->explode->part_separator);
        free(t->explode->append);
        free(t->explode->then_key);
        free(t->explode->then_as);
        free(t->explode);
    }
    free(t);
}

static void rfile_clear(l4r_rfile *f)
{
    free(f->name);
    free(f->url);
    l4r_rj_free_strv(f->mirrors, f->n_mirrors);
    l4r_rj_free_strv(f->unpack_nested, f->n_unpack_nested);
    free(f->md5);
    free(f->sha256);
}

static void variant_clear(l4r_variant *v)
{
    free(v->name);
    free(v->description);
    for (size_t i = 0; i < v->n_files; i++)
        rfile_clear(&v->files[i]);
    free(v->files);
    free(v->manual);
    free(v->terms);
    table_free(v->interactions);
    table_free(v->items);
    table_free(v->users);
    for (size_t i = 0; i < v->n_tables; i++) {
        free(v->tables[i].name);
        table_free(v->tables[i].t);
    }
    free(v->tables);
    free(v->notes);
    memset(v, 0, sizeof *v);
}

void l4r_recipe_clear(l4r_recipe *r)
{
    if (!r)
        return;
    free(r->dataset);
    free(r->title);
    free(r->homepage);
    free(r->license);
    free(r->terms);
    free(r->citation);
    free(r->default_variant);
    for (size_t i = 0; i < r->n_variants; i++)
        variant_clear(&r->variants[i]);
    free(r->variants);
    free(r->source_path);
    memset(r, 0, sizeof *r);
}

void l4r_registry_free(l4r_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n_recipes; i++)
        l4r_recipe_clear(&reg->recipes[i]);
    free(reg->recipes);
    free(reg);
}

/* ---------------------------------------------------------------------------------------------
 * tables
 * ------------------------------------------------------------------------------------------- */

int l4r_table_column(const l4r_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_columns; i++)
        if (!strcmp(t->columns[i], name))
            return (int)i;
    return -1;
}

/* What a table of a variant is: "interactions", "items", "users" or one of "tables" (a side table:
 * any lower-case columns, the interaction columns first when present). */
typedef enum { TK_INTERACTIONS, TK_ITEMS, TK_USERS, TK_SIDE, TK_COPY } tkind;

/* Output columns an interactions table may have; anything else is a typo. */
static const char *const inter_fields[] = {"user_id", "item_id", "rating", "timestamp", NULL};

static bool valid_out_name(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    return true;
}

/* Append one colmap entry parsed from `"out": "src"` or `"out": {"value": "1"}`. */
static l4r_status parse_field(pctx *c, l4r_table *t, const char *out, json_t *v, bool interactions)
{
    size_t old = l4r_rj_path_key(c, out);
    l4r_status st = L4R_OK;
    if (interactions) {
        bool known = false;
        for (size_t i = 0; inter_fields[i]; i++)
            known = known || !strcmp(inter_fields[i], out);
        if (!known) {
            st = l4r_rj_fail(
                c, "unknown interaction field '%s' (expected one of: user_id, item_id, rating, timestamp)",
                out);
            goto out;
        }
    } else if (!valid_out_name(out)) {
        st = l4r_rj_fail(c, "output column names are lower-case letters, digits and '_'");
        goto out;
    }
    l4r_colmap m = {.index = -1};
    if (json_is_string(v)) {
        if (json_string_length(v) == 0) {
            st = l4r_rj_fail(c, "must not be empty");
            goto out;
        }
        m.src = l4r_xstrdup(json_string_value(v));
    } else if (json_is_object(v) && json_object_get(v, "join")) {
        if (interactions) {
            st = l4r_rj_fail(c, "\"join\" is for items and users tables (text columns)");
            goto out;
        }
        st = l4r_recipe_parse_join(c, v, &m);
        if (st != L4R_OK) {
            free(m.src);
            free(m.join_sep);
            free(m.join_key);
            goto out;
        }
    } else if (json_is_object(v) && json_object_get(v, "concat")) {
        /* {"concat": [SRC, ...], "separator": "|"}: a composite value (the parts' filters are made
         * with the table's filters, table_concat_filters) */
        static const char *const keys[] = {"concat", "separator", NULL};
        st = l4r_rj_check_keys(c, v, keys);
        if (st == L4R_OK)
            st = l4r_rj_get_str_array(c, v, "concat", &m.concat, &m.n_concat);
        if (st == L4R_OK && (m.n_concat < 2 || m.n_concat > 4))
            st = l4r_rj_fail_at(c, "concat", "expected 2 to 4 source names, got %zu", m.n_concat);
        for (size_t i = 0; st == L4R_OK && i < m.n_concat; i++)
            if (!*m.concat[i])
                st = l4r_rj_fail_at(c, "concat", "a source name must not be empty");
        if (st == L4R_OK)
            st = l4r_rj_get_str(c, v, "separator", true, &m.concat_sep);
        if (st == L4R_OK && (!*m.concat_sep || strpbrk(m.concat_sep, "\t\r\n")))
            st = l4r_rj_fail_at(c, "separator", "must be non-empty and hold no TAB or line break");
        if (st != L4R_OK) {
            l4r_rj_free_strv(m.concat, m.n_concat);
            free(m.concat_sep);
            goto out;
        }
    } else if (json_is_object(v) && json_object_get(v, "column")) {
        /* {"column": SRC, "clean": "html"}: a column with an option */
        static const char *const keys[] = {"column", "clean", NULL};
        if (interactions) {
            st = l4r_rj_fail(c, "\"clean\" is for items and users tables (text columns)");
            goto out;
        }
        st = l4r_rj_check_keys(c, v, keys);
        if (st == L4R_OK)
            st = l4r_rj_get_str(c, v, "column", true, &m.src);
        if (st == L4R_OK && !*m.src)
            st = l4r_rj_fail_at(c, "column", "must not be empty");
        if (st == L4R_OK)
            st = l4r_recipe_parse_clean(c, v, &m);
        if (st != L4R_OK) {
            free(m.src);
            goto out;
        }
    } else if (json_is_object(v)) {
        static const char *const keys[] = {"value", NULL};
        st = l4r_rj_check_keys(c, v, keys);
        if (st != L4R_OK)
            goto out;
        json_t *cv = json_object_get(v, "value");
        if (!cv || !json_is_string(cv)) {
            st = l4r_rj_fail(c, "expected {\"value\": \"<constant text>\"}");
            goto out;
        }
        if (!strcmp(out, "user_id") || !strcmp(out, "item_id") || !strcmp(out, "timestamp")) {
            st = l4r_rj_fail(c, "'%s' cannot be a constant", out);
            goto out;
        }
        m.value = l4r_xstrdup(json_string_value(cv));
    } else {
        st = l4r_rj_fail(
            c,
            "expected a source column name, {\"value\": ...}, {\"column\": ...}, {\"join\": ...} or "
            "{\"concat\": ...}, got %s",
            l4r_rj_type_name(v));
        goto out;
    }
    m.out = l4r_xstrdup(out);
    t->map = l4r_xrealloc(t->map, (t->n_map + 1) * sizeof *t->map);
    t->map[t->n_map++] = m;
out:
    l4r_rj_path_pop(c, old);
    return st;
}

static const l4r_colmap *find_map(const l4r_table *t, const char *out)
{
    for (size_t i = 0; i < t->n_map; i++)
        if (!strcmp(t->map[i].out, out))
            return &t->map[i];
    return NULL;
}

/* Canonical output order: the well-known columns first, then the rest in document order, so the
 * converter and `info` never depend on how a recipe author ordered the keys. */
static void order_map(l4r_table *t, tkind kind)
{
    bool interactions = kind == TK_INTERACTIONS || kind == TK_SIDE, users = kind == TK_USERS;
    static const char *const item_order[] = {"item_id", "title", NULL};
    static const char *const user_order[] = {"user_id", NULL};
    const char *const *order = interactions ? inter_fields : users ? user_order : item_order;
    l4r_colmap *sorted = l4r_xcalloc(t->n_map ? t->n_map : 1, sizeof *sorted);
    bool *taken = l4r_xcalloc(t->n_map ? t->n_map : 1, sizeof *taken);
    size_t n = 0;
    for (size_t k = 0; order[k]; k++) {
        for (size_t i = 0; i < t->n_map; i++) {
            if (!taken[i] && !strcmp(t->map[i].out, order[k])) {
                sorted[n++] = t->map[i];
                taken[i] = true;
            }
        }
    }
    for (size_t i = 0; i < t->n_map; i++)
        if (!taken[i])
            sorted[n++] = t->map[i];
    free(t->map);
    free(taken);
    t->map = sorted;
}

static l4r_status parse_flags(pctx *c, l4r_table *t, json_t *fl)
{
    static const char *const keys[] = {"from", "names", "out", NULL};
    l4r_status st = l4r_rj_check_keys(c, fl, keys);
    if (st != L4R_OK)
        return st;
    json_t *from = json_object_get(fl, "from");
    if (!from)
        return l4r_rj_fail(c, "missing required key 'from'");
    if (!json_is_integer(from) || json_integer_value(from) < 0 || json_integer_value(from) > FLAGS_MAX_FROM)
        return l4r_rj_fail_at(c, "from", "expected a column index between 0 and %d", FLAGS_MAX_FROM);
    t->flags_from = (int)json_integer_value(from);
    if (!json_object_get(fl, "names"))
        return l4r_rj_fail(c, "missing required key 'names'");
    st = l4r_rj_get_str_array(c, fl, "names", &t->flag_names, &t->n_flag_names);
    if (st != L4R_OK)
        return st;
    if (t->n_flag_names == 0)
        return l4r_rj_fail_at(c, "names", "must list at least one name");
    for (size_t i = 0; i < t->n_flag_names; i++) {
        if (strchr(t->flag_names[i], '|')) {
            size_t old = l4r_rj_path_key(c, "names");
            l4r_rj_path_index(c, i);
            st = l4r_rj_fail(c, "flag names are joined with '|' and must not contain it");
            l4r_rj_path_pop(c, old);
            return st;
        }
    }
    st = l4r_rj_get_str(c, fl, "out", true, &t->flags_out);
    if (st != L4R_OK)
        return st;
    if (!valid_out_name(t->flags_out))
        return l4r_rj_fail_at(c, "out", "output column names are lower-case letters, digits and '_'");
    if (find_map(t, t->flags_out))
        return l4r_rj_fail_at(c, "out", "'%s' is already a field of this table", t->flags_out);
    return L4R_OK;
}

static const name_val filter_ops[] = {{"==", L4R_FOP_EQ}, {"!=", L4R_FOP_NE},           {"in", L4R_FOP_IN},
                                      {"<", L4R_FOP_LT},  {"<=", L4R_FOP_LE},           {">", L4R_FOP_GT},
                                      {">=", L4R_FOP_GE}, {"present", L4R_FOP_PRESENT}, {NULL, 0}};

/* One entry of "filter": {"column": "click", "op": "==", "value": "1"}. */
static l4r_status parse_filter(pctx *c, json_t *j, l4r_filter *f)
{
    static const char *const keys[] = {"column", "op", "value", "negatives", NULL};
    if (!json_is_object(j))
        return l4r_rj_fail(c, "expected an object {\"column\": ..., \"op\": ..., \"value\": ...}, got %s",
                           l4r_rj_type_name(j));
    l4r_status st = l4r_rj_check_keys(c, j, keys);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "column", true, &f->column);
    if (st == L4R_OK)
        st = l4r_rj_get_bool(c, j, "negatives", &f->negatives);
    int op = 0;
    if (st == L4R_OK)
        st = l4r_rj_get_enum(c, j, "op", filter_ops, true, &op);
    if (st != L4R_OK)
        return st;
    f->op = (l4r_filter_op)op;
    json_t *v = json_object_get(j, "value");
    if (f->op == L4R_FOP_PRESENT) {
        if (v)
            return l4r_rj_fail_at(c, "value",
                                  "'present' takes no value (it keeps the records that have the field)");
        return L4R_OK;
    }
    if (!v)
        return l4r_rj_fail(c, "missing required key 'value'");
    if (f->op == L4R_FOP_EQ || f->op == L4R_FOP_NE) {
        if (!json_is_string(v))
            return l4r_rj_fail_at(c, "value",
                                  "expected a string for '%s' (the field's text is compared), got %s",
                                  l4r_rj_enum_name(filter_ops, op), l4r_rj_type_name(v));
        f->values = l4r_xcalloc(1, sizeof *f->values);
        f->values[0] = l4r_xstrdup(json_string_value(v));
        f->n_values = 1;
    } else if (f->op == L4R_FOP_IN) {
        if (!json_is_array(v) || json_array_size(v) == 0)
            return l4r_rj_fail_at(c, "value", "expected a non-empty list of strings for 'in', got %s",
                                  json_is_array(v) ? "an empty list" : l4r_rj_type_name(v));
        size_t n = json_array_size(v);
        f->values = l4r_xcalloc(n, sizeof *f->values);
        for (size_t i = 0; i < n; i++) {
            json_t *s = json_array_get(v, i);
            if (!json_is_string(s)) {
                size_t old = l4r_rj_path_key(c, "value");
                l4r_rj_path_index(c, i);
                st = l4r_rj_fail(c, "expected a string, got %s", l4r_rj_type_name(s));
                l4r_rj_path_pop(c, old);
                return st;
            }
            f->values[f->n_values++] = l4r_xstrdup(json_string_value(s));
        }
    } else {
        if (!json_is_number(v))
            return l4r_rj_fail_at(c, "value", "expected a number for '%s', got %s",
                                  l4r_rj_enum_name(filter_ops, op), l4r_rj_type_name(v));
        f->number = json_number_value(v);
    }
    return L4R_OK;
}

static l4r_status parse_filters(pctx *c, l4r_table *t, json_t *fl)
{
    if (!json_is_array(fl))
        return l4r_rj_fail(c, "expected a list of filters, got %s", l4r_rj_type_name(fl));
    size_t n = json_array_size(fl);
    if (n > L4R_MAX_FILTERS)
        return l4r_rj_fail(c, "at most %d filters", L4R_MAX_FILTERS);
    t->filters = l4r_xcalloc(n ? n : 1, sizeof *t->filters);
    for (size_t i = 0; i < n; i++) {
        size_t old = l4r_rj_path_index(c, i);
        l4r_filter *f = &t->filters[t->n_filters++];
        f->index = -1;
        l4r_status st = parse_filter(c, json_array_get(fl, i), f);
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            return st;
    }
    return L4R_OK;
}

/* "path", or "paths" (several files read in order as one table; the last segment of an entry may
 * be a glob: '*' and '?', no '[').  Exactly one of the two. */
static l4r_status table_paths(pctx *c, json_t *j, l4r_table *t)
{
    json_t *pj = json_object_get(j, "paths");
    if (!pj || json_is_null(pj)) {
        l4r_status st = l4r_rj_get_str(c, j, "path", true, &t->path);
        if (st == L4R_OK && !l4r_rj_safe_relpath(t->path))
            st = l4r_rj_fail_at(c, "path", "must be a relative path without '..' segments");
        return st;
    }
    if (json_object_get(j, "path"))
        return l4r_rj_fail_at(c, "paths", "give 'path' (one file) or 'paths' (several), not both");
    l4r_status st = l4r_rj_get_str_array(c, j, "paths", &t->paths, &t->n_paths);
    if (st != L4R_OK)
        return st;
    if (t->n_paths == 0)
        return l4r_rj_fail_at(c, "paths", "expected at least one path");
    for (size_t i = 0; i < t->n_paths; i++) {
        const char *p = t->paths[i];
        const char *last = strrchr(p, '/');
        size_t dirlen = last ? (size_t)(last - p) : 0;
        const char *msg = NULL;
        if (!l4r_rj_safe_relpath(p))
            msg = "must be a relative path without '..' segments";
        else if (strcspn(p, "*?") < dirlen)
            msg = "a glob ('*', '?') may only be in the last segment (the file name)";
        else if (strchr(p, '['))
            msg = "'[' is not allowed (a glob has '*' and '?' only)";
        for (size_t k = 0; !msg && k < i; k++)
            if (!strcmp(t->paths[k], p))
                msg = "listed twice";
        if (msg) {
            size_t old = l4r_rj_path_key(c, "paths");
            l4r_rj_path_index(c, i);
            st = l4r_rj_fail(c, "'%s': %s", p, msg);
            l4r_rj_path_pop(c, old);
            return st;
        }
    }
    t->path = l4r_xstrdup(t->paths[0]);
    return L4R_OK;
}

/* "block_header": {"suffix": ":", "as": "movie"}, delimited tables only; `as` is a name of its own
 * (not a column, not derived), the suffix holds neither the delimiter nor a line break. */
static l4r_status table_block_header(pctx *c, json_t *j, l4r_table *t, const l4r_format_def *fd)
{
    json_t *bj = json_object_get(j, "block_header");
    if (!bj || json_is_null(bj))
        return L4R_OK;
    if (fd->id != L4R_FMT_DELIM)
        return l4r_rj_fail_at(c, "block_header", "not allowed for format %s (delimited only)", fd->name);
    size_t old = l4r_rj_path_key(c, "block_header");
    static const char *const keys[] = {"suffix", "as", NULL};
    l4r_block_header *h = l4r_xcalloc(1, sizeof *h);
    t->block_header = h;
    l4r_status st = json_is_object(bj)
                        ? L4R_OK
                        : l4r_rj_fail(c, "expected an object {\"suffix\": \":\", \"as\": NAME}, got %s",
                                      l4r_rj_type_name(bj));
    if (st == L4R_OK)
        st = l4r_rj_check_keys(c, bj, keys);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, bj, "suffix", true, &h->suffix);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, bj, "as", true, &h->as);
    if (st == L4R_OK && (!*h->suffix || strpbrk(h->suffix, "\r\n") || strstr(h->suffix, t->delim)))
        st = l4r_rj_fail_at(c, "suffix", "must be non-empty and hold neither a line break nor the delimiter");
    if (st == L4R_OK && (!*h->as || h->as[0] == '$' || strchr(h->as, '.')))
        st = l4r_rj_fail_at(c, "as", "'%s': a name must be non-empty, not start with '$' and hold no '.'",
                            h->as);
    if (st == L4R_OK && l4r_table_column(t, h->as) >= 0)
        st = l4r_rj_fail_at(c, "as", "'%s' is a column already ('columns')", h->as);
    if (st == L4R_OK && t->explode)
        st = l4r_rj_fail(c, "not allowed with 'explode'");
    l4r_rj_path_pop(c, old);
    return st;
}

/* "columns_by_prefix": {"user": "u", "item": "v"}, headerless delimited/CSV tables without explode:
 * 2 to 4 of the `columns`, each with a non-empty prefix, whose places are chosen per file from its
 * first record (l4r_table.prefix_cols; convert.c, on_first). */
static l4r_status table_columns_by_prefix(pctx *c, json_t *j, l4r_table *t, const l4r_format_def *fd)
{
    json_t *pj = json_object_get(j, "columns_by_prefix");
    if (!pj || json_is_null(pj))
        return L4R_OK;
    if (!(fd->keys & L4R_FKEY_COLUMNS))
        return l4r_rj_fail_at(c, "columns_by_prefix", "not allowed for format %s (delimited and csv only)",
                              fd->name);
    if (t->header)
        return l4r_rj_fail_at(c, "columns_by_prefix",
                              "not allowed with \"header\": true (a header names the columns itself)");
    if (t->explode)
        return l4r_rj_fail_at(c, "columns_by_prefix", "not allowed with 'explode'");
    if (!json_is_object(pj) || json_object_size(pj) < 2 || json_object_size(pj) > 4)
        return l4r_rj_fail_at(c, "columns_by_prefix",
                              "expected an object of 2 to 4 columns and their prefixes, {\"user\": \"u\", "
                              "\"item\": \"v\"}");
    size_t old = l4r_rj_path_key(c, "columns_by_prefix");
    size_t n = json_object_size(pj);
    t->prefix_cols = l4r_xcalloc(n, sizeof *t->prefix_cols);
    t->prefixes = l4r_xcalloc(n, sizeof *t->prefixes);
    t->prefix_index = l4r_xcalloc(n, sizeof *t->prefix_index);
    l4r_status st = L4R_OK;
    const char *k;
    json_t *v;
    json_object_foreach(pj, k, v)
    {
        size_t i = t->n_prefix;
        t->prefix_cols[i] = l4r_xstrdup(k);
        t->n_prefix++;
        t->prefix_index[i] = l4r_table_column(t, k);
        if (t->prefix_index[i] < 0) {
            st = l4r_rj_fail_at(c, k, "'%s' is not one of the table's columns", k);
            break;
        }
        if (!json_is_string(v) || !*json_string_value(v)) {
            st = l4r_rj_fail_at(c, k, "expected a non-empty string (the prefix of the column's values)");
            break;
        }
        t->prefixes[i] = l4r_xstrdup(json_string_value(v));
    }
    l4r_rj_path_pop(c, old);
    return st;
}

/* The layout of a table: path, member, format and the keys it allows, encoding, time (and its
 * time_fraction and time_year), delimiter, header, columns.  *fdp gets the format's row. */
static l4r_status table_layout(pctx *c, json_t *j, l4r_table *t, const l4r_format_def **fdp)
{
    static const char *const keys[] = {"path",
                                       "member",
                                       "format",
                                       "delimiter",
                                       "header",
                                       "encoding",
                                       "columns",
                                       "fields",
                                       "time",
                                       "flags",
                                       "extra_fields",
                                       "time_fraction",
                                       "time_year",
                                       "filter",
                                       "explode",
                                       "escape",
                                       "paths",
                                       "block_header",
                                       "columns_by_prefix",
                                       NULL};
    const l4r_format_def *fd = NULL;
    int enc = L4R_ENC_UTF8, tf = L4R_TIME_NONE, xf = 0, fr = 0;
    char *delim = NULL;
    l4r_status st = l4r_rj_check_keys(c, j, keys);
    if (st == L4R_OK)
        st = table_paths(c, j, t);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "member", false, &t->member);
    if (st == L4R_OK && t->member && t->paths)
        st = l4r_rj_fail_at(c, "member", "not allowed with 'paths' (each entry is also its member path)");
    if (st == L4R_OK && t->member && !l4r_rj_safe_relpath(t->member))
        st = l4r_rj_fail_at(c, "member", "must be a relative path without '..' segments");
    if (st == L4R_OK)
        st = l4r_rj_get_format(c, j, &fd);
    if (st == L4R_OK)
        st = l4r_rj_get_enum(c, j, "encoding", encodings, false, &enc);
    if (st == L4R_OK)
        st = l4r_rj_get_enum(c, j, "time", timefmts, false, &tf);
    if (st == L4R_OK)
        st = l4r_rj_get_enum(c, j, "extra_fields", extra_modes, false, &xf);
    if (st == L4R_OK)
        st = l4r_rj_get_enum(c, j, "time_fraction", fraction_modes, false, &fr);
    json_t *ty = json_object_get(j, "time_year");
    if (st == L4R_OK && ty && !json_is_null(ty)) {
        long long yv = json_is_integer(ty) ? (long long)json_integer_value(ty) : 0;
        if (!json_is_integer(ty))
            st = l4r_rj_fail_at(c, "time_year", "expected an integer (a year), got %s", l4r_rj_type_name(ty));
        else if (yv < 1900 || yv > 9999)
            st = l4r_rj_fail_at(c, "time_year", "%lld is not a year from 1900 to 9999", yv);
        else
            t->time_year = (int)yv;
    }
    if (st == L4R_OK)
        st = l4r_rj_get_bool(c, j, "header", &t->header);
    if (st == L4R_OK)
        st = l4r_rj_get_str_array(c, j, "columns", &t->columns, &t->n_columns);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "delimiter", false, &delim);
    if (st != L4R_OK)
        goto out;
    t->format = fd->id;
    t->encoding = (l4r_encoding)enc;
    t->time = (l4r_timefmt)tf;
    t->extra_fields_ignore = xf == 1;
    t->extra_fields_last = xf == 2;
    t->time_fraction_floor = fr != 0;

    /* the keys only some formats accept, in this order */
    static const struct {
        const char *key;
        unsigned bit;
    } fkeys[] = {{"delimiter", L4R_FKEY_DELIMITER},
                 {"header", L4R_FKEY_HEADER},
                 {"columns", L4R_FKEY_COLUMNS},
                 {"flags", L4R_FKEY_FLAGS},
                 {"extra_fields", L4R_FKEY_EXTRA_FIELDS}};
    for (size_t k = 0; k < sizeof fkeys / sizeof fkeys[0]; k++) {
        if (!(fd->keys & fkeys[k].bit) && json_object_get(j, fkeys[k].key)) {
            st = l4r_rj_fail_at(c, fkeys[k].key, "not allowed for format %s", fd->name);
            goto out;
        }
    }
    json_t *esc = json_object_get(j, "escape");
    if (esc) {
        const char *ev = json_is_string(esc) ? json_string_value(esc) : NULL;
        if (!fd->quoting) {
            st = l4r_rj_fail_at(c, "escape", "not allowed for format %s (only csv has quoted fields)",
                                fd->name);
            goto out;
        }
        if (!ev || strlen(ev) != 1 || ev[0] == '"' || ev[0] == '\r' || ev[0] == '\n' ||
            (delim && ev[0] == delim[0]) || (!delim && ev[0] == ',')) {
            st = l4r_rj_fail_at(c, "escape",
                                "expected one byte that is not a quote, a line break or the delimiter "
                                "(Book-Crossing's \"\\\\\")");
            goto out;
        }
        t->escape = ev[0];
    }
    /* a quoted field is unquoted into a copy, so "the rest of the line" exists only unquoted */
    if (t->extra_fields_last && fd->quoting) {
        st = l4r_rj_fail_at(c, "extra_fields", "'last' is for format delimited (no quoting), not %s",
                            fd->name);
        goto out;
    }
    if (fd->delimiter_max) {
        if (!delim && !fd->delimiter_none) {
            st = l4r_rj_fail(c, "missing required key 'delimiter' (format %s)", fd->name);
            goto out;
        }
        const char *d = delim ? delim : fd->delimiter_none;
        size_t dl = strlen(d);
        size_t maxl = fd->delimiter_max;
        if (dl < 1 || dl > maxl) {
            if (maxl == 1)
                st = l4r_rj_fail_at(c, "delimiter", "expected 1 byte for %s", fd->name);
            else
                st = l4r_rj_fail_at(c, "delimiter", "expected 1 or %zu bytes", maxl);
            goto out;
        }
        if (strpbrk(d, "\r\n") || (fd->quoting && d[0] == '"')) {
            st = l4r_rj_fail_at(c, "delimiter", "cannot be a line break%s", fd->quoting ? " or '\"'" : "");
            goto out;
        }
        memcpy(t->delim, d, dl + 1);
    }
    if (fd->columns) {
        if (!t->header && t->n_columns == 0) {
            st = l4r_rj_fail(c, "missing required key 'columns' (the table has no header row)");
            goto out;
        }
        for (size_t i = 0; i < t->n_columns; i++) {
            for (size_t k = 0; k < i; k++) {
                if (!strcmp(t->columns[i], t->columns[k])) {
                    size_t old = l4r_rj_path_key(c, "columns");
                    l4r_rj_path_index(c, i);
                    st = l4r_rj_fail(c, "duplicate column name '%s'", t->columns[i]);
                    l4r_rj_path_pop(c, old);
                    goto out;
                }
            }
        }
    }

    *fdp = fd;
out:
    free(delim);
    return st;
}

/* "explode", before the fields that name its element. */
static l4r_status table_explode(pctx *c, json_t *j, l4r_table *t, const l4r_format_def *fd, tkind kind)
{
    l4r_status st = L4R_OK;
    json_t *xj = json_object_get(j, "explode");
    if (xj && !json_is_null(xj)) {
        size_t o2 = l4r_rj_path_key(c, "explode");
        t->explode = l4r_xcalloc(1, sizeof *t->explode);
        st = l4r_recipe_parse_explode(c, xj, t->explode);
        if (st == L4R_OK)
            st = l4r_recipe_resolve_explode(c, t, fd, kind == TK_INTERACTIONS || kind == TK_SIDE);
        l4r_rj_path_pop(c, o2);
        if (st != L4R_OK)
            return st;
    }

    return st;
}

/* "fields", the required ones, in the canonical output order. */
static l4r_status table_fields(pctx *c, json_t *j, l4r_table *t, tkind kind)
{
    bool interactions = kind == TK_INTERACTIONS, users = kind == TK_USERS;
    l4r_status st = L4R_OK;
    json_t *fields = json_object_get(j, "fields");
    if (t->copy)
        return L4R_OK; /* parse_side_tables refused any "fields" */
    if (!fields) {
        st = l4r_rj_fail(c, "missing required key 'fields'");
        return st;
    }
    if (!json_is_object(fields)) {
        st = l4r_rj_fail_at(c, "fields", "expected an object, got %s", l4r_rj_type_name(fields));
        return st;
    }
    size_t old = l4r_rj_path_key(c, "fields");
    const char *key;
    json_t *val;
    json_object_foreach(fields, key, val)
    {
        st = parse_field(c, t, key, val, interactions);
        if (st != L4R_OK)
            break;
    }
    if (st == L4R_OK && kind == TK_SIDE && t->n_map == 0)
        st = l4r_rj_fail(c, "'fields' maps no column");
    if (st == L4R_OK && kind != TK_SIDE) {
        const char *need[] = {interactions || users ? "user_id" : "item_id", interactions ? "item_id" : NULL};
        for (size_t i = 0; i < 2 && st == L4R_OK; i++)
            if (need[i] && !find_map(t, need[i]))
                st = l4r_rj_fail(c, "missing required field '%s'", need[i]);
    }
    l4r_rj_path_pop(c, old);
    if (st != L4R_OK)
        return st;
    order_map(t, kind);

    return st;
}

/* "time" against the fields: a time format without a timestamp column (or the reverse) is a recipe
 * mistake that would otherwise surface only as silently empty timestamps. */
static l4r_status table_time(pctx *c, json_t *j, const l4r_table *t)
{
    l4r_status st;
    bool has_ts = find_map(t, "timestamp") != NULL;
    if (has_ts && t->time == L4R_TIME_NONE) {
        st = l4r_rj_fail(c, "field 'timestamp' is mapped, so 'time' must name its format");
        return st;
    }
    if (!has_ts && t->time != L4R_TIME_NONE) {
        st = l4r_rj_fail_at(c, "time", "is '%s' but no field 'timestamp' is mapped",
                            l4r_rj_enum_name(timefmts, (int)t->time));
        return st;
    }
    /* Only Unix times have a fraction to floor (a datetime's fractional seconds are dropped). */
    if (json_object_get(j, "time_fraction") && t->time != L4R_TIME_UNIX_S && t->time != L4R_TIME_UNIX_MS) {
        st = l4r_rj_fail_at(c, "time_fraction", "applies to time 'unix_s' or 'unix_ms' only, not '%s'",
                            l4r_rj_enum_name(timefmts, (int)t->time));
        return st;
    }
    /* Only a "posted" or "mmdd" date leaves its year out for "time_year" to fill in. */
    if (t->time_year && t->time != L4R_TIME_POSTED && t->time != L4R_TIME_MMDD) {
        st = l4r_rj_fail_at(c, "time_year", "applies to time 'posted' or 'mmdd' only, not '%s'",
                            l4r_rj_enum_name(timefmts, (int)t->time));
        return st;
    }
    /* "mmdd" never has a year: without "time_year" no date could be read */
    if (t->time == L4R_TIME_MMDD && !t->time_year) {
        st = l4r_rj_fail_at(c, "time",
                            "'mmdd' has no year: the table needs \"time_year\" (the year of the log)");
        return st;
    }

    return L4R_OK;
}

/* "flags" and "filter". */
static l4r_status table_flags_filters(pctx *c, json_t *j, l4r_table *t, const l4r_format_def *fd)
{
    l4r_status st = L4R_OK;
    json_t *fl = json_object_get(j, "flags");
    if (fl && !json_is_null(fl)) {
        if (!json_is_object(fl)) {
            st = l4r_rj_fail_at(c, "flags", "expected an object, got %s", l4r_rj_type_name(fl));
            return st;
        }
        size_t o2 = l4r_rj_path_key(c, "flags");
        st = parse_flags(c, t, fl);
        l4r_rj_path_pop(c, o2);
        if (st != L4R_OK)
            return st;
    }

    json_t *filt = json_object_get(j, "filter");
    size_t n_concat = 0;
    for (size_t k = 0; k < t->n_map; k++)
        n_concat += t->map[k].n_concat;
    if (filt || n_concat) {
        size_t o2 = l4r_rj_path_key(c, filt ? "filter" : "fields");
        st = filt ? parse_filters(c, t, filt) : L4R_OK;
        t->n_user_filters = t->n_filters;
        if (st == L4R_OK && n_concat) {
            /* the hidden filters through which the parts of "concat" fields are read */
            if (t->n_filters + n_concat > L4R_MAX_FILTERS)
                st = l4r_rj_fail(c, "at most %d filters and \"concat\" parts together", L4R_MAX_FILTERS);
            else
                t->filters = l4r_xrealloc(t->filters, (t->n_filters + n_concat) * sizeof *t->filters);
            for (size_t k = 0; k < t->n_map && st == L4R_OK; k++) {
                t->map[k].concat_filter = (int)t->n_filters;
                for (size_t i = 0; i < t->map[k].n_concat; i++) {
                    l4r_filter *f = &t->filters[t->n_filters++];
                    memset(f, 0, sizeof *f);
                    f->column = l4r_xstrdup(t->map[k].concat[i]);
                    f->op = L4R_FOP_ANY;
                    f->index = -1;
                }
            }
        }
        for (size_t i = 0; i < t->n_filters && st == L4R_OK; i++) {
            size_t o3 = l4r_rj_path_index(c, i);
            st = l4r_recipe_check_source(c, t, t->filters[i].column, NULL);
            l4r_rj_path_pop(c, o3);
        }
        if (st == L4R_OK && fd->columns && !t->header) {
            for (size_t i = 0; i < t->n_filters && st == L4R_OK; i++) {
                int arg;
                if (l4r_source_classify(t, t->filters[i].column, &arg) != L4R_SRC_COLUMN)
                    continue;
                t->filters[i].index = l4r_table_column(t, t->filters[i].column);
                if (t->filters[i].index < 0) {
                    size_t o3 = l4r_rj_path_index(c, i);
                    st = l4r_rj_fail_at(c, "column", "column '%s' is not in 'columns'", t->filters[i].column);
                    l4r_rj_path_pop(c, o3);
                }
            }
        }
        l4r_rj_path_pop(c, o2);
        if (st != L4R_OK)
            return st;
    }

    return st;
}

/* Every source name, and the columns of a headerless table. */
static l4r_status table_resolve(pctx *c, l4r_table *t, const l4r_format_def *fd)
{
    l4r_status st = L4R_OK;
    for (size_t i = 0; i < t->n_map; i++) {
        if (!t->map[i].src)
            continue;
        size_t o2 = l4r_rj_path_key(c, "fields");
        l4r_rj_path_key(c, t->map[i].out);
        st = l4r_recipe_check_source(c, t, t->map[i].src, t->map[i].out);
        l4r_rj_path_pop(c, o2);
        if (st != L4R_OK)
            return st;
    }

    /* Headerless delimited tables are resolved here; header tables are resolved by the converter
     * from the header line, so an unknown name there is only found at conversion time. */
    if (fd->columns && !t->header) {
        for (size_t i = 0; i < t->n_map; i++) {
            int arg;
            if (!t->map[i].src || l4r_source_classify(t, t->map[i].src, &arg) != L4R_SRC_COLUMN)
                continue;
            t->map[i].index = l4r_table_column(t, t->map[i].src);
            if (t->map[i].index < 0) {
                size_t o2 = l4r_rj_path_key(c, "fields");
                l4r_rj_path_key(c, t->map[i].out);
                st = l4r_rj_fail(c, "column '%s' is not in 'columns'", t->map[i].src);
                l4r_rj_path_pop(c, o2);
                return st;
            }
            if (t->flags_from >= 0 && t->map[i].index >= t->flags_from) {
                size_t o2 = l4r_rj_path_key(c, "fields");
                l4r_rj_path_key(c, t->map[i].out);
                st = l4r_rj_fail(c, "column '%s' overlaps the flag columns starting at %d", t->map[i].src,
                                 t->flags_from);
                l4r_rj_path_pop(c, o2);
                return st;
            }
        }
    }
    return st;
}

/* One table of a variant: `users` a user table (user_id and its columns), else an items table
 * when not `interactions`. */
static l4r_status parse_table(pctx *c, json_t *j, tkind kind, l4r_table **out)
{
    if (!json_is_object(j))
        return l4r_rj_fail(c, "expected an object, got %s", l4r_rj_type_name(j));
    l4r_table *t = l4r_xcalloc(1, sizeof *t);
    t->flags_from = -1;
    t->copy = kind == TK_COPY;
    const l4r_format_def *fd = NULL;
    l4r_status st = table_layout(c, j, t, &fd);
    if (st == L4R_OK)
        st = table_explode(c, j, t, fd, kind);
    if (st == L4R_OK)
        st = table_block_header(c, j, t, fd);
    if (st == L4R_OK)
        st = table_columns_by_prefix(c, j, t, fd);
    if (st == L4R_OK)
        st = table_fields(c, j, t, kind);
    if (st == L4R_OK)
        st = table_time(c, j, t);
    if (st == L4R_OK)
        st = table_flags_filters(c, j, t, fd);
    if (st == L4R_OK)
        st = table_resolve(c, t, fd);
    if (st != L4R_OK) {
        table_free(t);
        return st;
    }
    *out = t;
    return L4R_OK;
}

/* ---------------------------------------------------------------------------------------------
 * files and variants
 * ------------------------------------------------------------------------------------------- */

static l4r_status parse_file(pctx *c, json_t *j, l4r_rfile *f)
{
    static const char *const keys[] = {"name",   "url",    "mirrors",       "size",          "md5",
                                       "sha256", "unpack", "unpacked_size", "unpack_nested", NULL};
    f->size = -1;
    if (!json_is_object(j))
        return l4r_rj_fail(c, "expected an object, got %s", l4r_rj_type_name(j));
    l4r_status st = l4r_rj_check_keys(c, j, keys);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "url", true, &f->url);
    if (st == L4R_OK && !l4r_rj_valid_url(f->url))
        st = l4r_rj_fail_at(c, "url", "expected an https://, http:// or file:// URL");
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "name", false, &f->name);
    if (st != L4R_OK)
        return st;
    if (!f->name) {
        /* default: the last segment of the URL, without a query string */
        const char *b = l4r_path_base(f->url);
        size_t n = strcspn(b, "?#");
        f->name = l4r_xstrndup(b, n);
    }
    if (!*f->name || strchr(f->name, '/') || !strcmp(f->name, ".") || !strcmp(f->name, "..") ||
        f->name[0] == '.')
        return l4r_rj_fail_at(c, "name", "'%s' is not a plain file name", f->name);
    st = l4r_rj_get_str_array(c, j, "mirrors", &f->mirrors, &f->n_mirrors);
    for (size_t i = 0; st == L4R_OK && i < f->n_mirrors; i++) {
        if (!l4r_rj_valid_url(f->mirrors[i])) {
            size_t old = l4r_rj_path_key(c, "mirrors");
            l4r_rj_path_index(c, i);
            st = l4r_rj_fail(c, "expected an https://, http:// or file:// URL");
            l4r_rj_path_pop(c, old);
        }
    }
    if (st == L4R_OK)
        st = l4r_rj_get_size(c, j, "size", &f->size);
    if (st == L4R_OK)
        st = l4r_rj_get_hex(c, j, "md5", 32, &f->md5);
    if (st == L4R_OK)
        st = l4r_rj_get_hex(c, j, "sha256", 64, &f->sha256);
    if (st == L4R_OK)
        st = l4r_rj_get_bool(c, j, "unpack", &f->unpack);
    if (st == L4R_OK) {
        int64_t us = -1;
        st = l4r_rj_get_size(c, j, "unpacked_size", &us);
        if (st == L4R_OK && us == 0)
            st = l4r_rj_fail_at(c, "unpacked_size", "expected a positive integer (bytes)");
        if (st == L4R_OK && us > 0 && !f->unpack)
            st =
                l4r_rj_fail_at(c, "unpacked_size", "only an archive (\"unpack\": true) has an unpacked size");
        if (us > 0)
            f->unpacked_size = (uint64_t)us;
    }
    if (st == L4R_OK)
        st = l4r_rj_get_str_array(c, j, "unpack_nested", &f->unpack_nested, &f->n_unpack_nested);
    if (st == L4R_OK && f->n_unpack_nested && !f->unpack)
        st = l4r_rj_fail_at(c, "unpack_nested",
                            "only an archive (\"unpack\": true) has archives inside it to unpack");
    for (size_t i = 0; st == L4R_OK && i < f->n_unpack_nested; i++) {
        const char *why = !l4r_rj_safe_relpath(f->unpack_nested[i])
                              ? "must be a relative path without '.' or '..' segments"
                              : NULL;
        for (size_t k = 0; !why && k < i; k++)
            if (!strcmp(f->unpack_nested[k], f->unpack_nested[i]))
                why = "is listed twice";
        if (why) {
            size_t old = l4r_rj_path_key(c, "unpack_nested");
            l4r_rj_path_index(c, i);
            st = l4r_rj_fail(c, "'%s' %s", f->unpack_nested[i], why);
            l4r_rj_path_pop(c, old);
        }
    }
    return st;
}

const l4r_rfile *l4r_variant_nested(const l4r_variant *v, const char *path, const char **inner)
{
    const l4r_rfile *best = NULL;
    *inner = NULL;
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *f = &v->files[i];
        for (size_t k = 0; k < f->n_unpack_nested; k++) {
            const char *n = f->unpack_nested[k];
            size_t len = strlen(n);
            if (!strncmp(path, n, len) && path[len] == '/' && (!*inner || len > strlen(*inner))) {
                best = f;
                *inner = n;
            }
        }
    }
    return best;
}

const char *l4r_variant_member_after(const l4r_variant *v, const char *member, const char *base)
{
    const char *best = NULL;
    for (size_t i = 0; i < v->n_files; i++) {
        for (size_t k = 0; k < v->files[i].n_unpack_nested; k++) {
            const char *n = v->files[i].unpack_nested[k];
            size_t len = strlen(n);
            if (strncmp(member, n, len) || member[len] != '/' || strcmp(l4r_path_base(n), base))
                continue;
            if (!best || member + len + 1 > best)
                best = member + len + 1;
        }
    }
    return best;
}

/* The names a side table may not take: the other outputs of a conversion. */
static const char *const reserved_tables[] = {"interactions", "items", "users", "manifest", NULL};

/* The names of the published split: written only by convert --split published. */
bool l4r_side_is_split(const char *name)
{
    return !strcmp(name, "train") || !strcmp(name, "valid") || !strcmp(name, "test");
}

/* A "copy" table's keys: which file it reads, no fields (each record is written whole). */
static l4r_status copy_table_check(pctx *c, const char *name, json_t *tj)
{
    static const char *const keys[] = {"path", "paths", "member", "format", NULL};
    static const char *const taken[] = {"train", "valid", "test", "examples", NULL};
    for (size_t k = 0; taken[k]; k++)
        if (!strcmp(name, taken[k]))
            return l4r_rj_fail(c,
                               "a \"copy\" table is written as NAME.jsonl, and %s.jsonl is a sink's output "
                               "(--format jsonl); name the table otherwise",
                               name);
    const char *k;
    json_t *v;
    json_object_foreach(tj, k, v)
    {
        bool ok = false;
        for (size_t i = 0; keys[i]; i++)
            ok = ok || !strcmp(k, keys[i]);
        if (!ok)
            return l4r_rj_fail_at(c, k,
                                  "a \"copy\" table writes each record whole, so it takes only path, paths, "
                                  "member and format");
    }
    json_t *fj = json_object_get(tj, "format");
    if (fj && json_is_string(fj) && strcmp(json_string_value(fj), "jsonl"))
        return l4r_rj_fail_at(c, "format", "a \"copy\" table reads JSON lines (\"jsonl\"), not '%s'",
                              json_string_value(fj));
    return L4R_OK;
}

/* "tables": {"NAME": TABLE, ...}; a table may say "optional": true (then only convert --with NAME
 * writes it), and "copy": true (written as NAME.jsonl, each record whole). */
static l4r_status parse_side_tables(pctx *c, json_t *tabs, l4r_variant *v)
{
    if (!json_is_object(tabs) || json_object_size(tabs) == 0)
        return l4r_rj_fail(c, "expected an object of tables by name, got %s", l4r_rj_type_name(tabs));
    v->tables = l4r_xcalloc(json_object_size(tabs), sizeof *v->tables);
    const char *name;
    json_t *tj;
    l4r_status st = L4R_OK;
    json_object_foreach(tabs, name, tj)
    {
        size_t old = l4r_rj_path_key(c, name);
        bool reserved = false;
        for (size_t k = 0; reserved_tables[k]; k++)
            reserved = reserved || !strcmp(name, reserved_tables[k]);
        if (!valid_out_name(name) || strlen(name) > 40)
            st = l4r_rj_fail(c, "table names are 1 to 40 lower-case letters, digits and '_' (the file is "
                                "NAME.tsv)");
        else if (reserved)
            st = l4r_rj_fail(c, "'%s' is an output of every conversion; name the table otherwise", name);
        else if (!json_is_object(tj))
            st = l4r_rj_fail(c, "expected an object, got %s", l4r_rj_type_name(tj));
        bool optional = false, whole = false;
        json_t *copy = NULL;
        if (st == L4R_OK) {
            json_t *oj = json_object_get(tj, "optional");
            if (oj && !json_is_boolean(oj))
                st = l4r_rj_fail_at(c, "optional", "expected true or false, got %s", l4r_rj_type_name(oj));
            optional = oj && json_is_true(oj);
            json_t *cj = json_object_get(tj, "copy");
            if (st == L4R_OK && cj && !json_is_boolean(cj))
                st = l4r_rj_fail_at(c, "copy", "expected true or false, got %s", l4r_rj_type_name(cj));
            whole = cj && json_is_true(cj);
            copy = json_copy(tj);
            json_object_del(copy, "optional");
            json_object_del(copy, "copy");
            if (st == L4R_OK && whole)
                st = copy_table_check(c, name, copy);
        }
        l4r_side *s = &v->tables[v->n_tables];
        if (st == L4R_OK)
            st = parse_table(c, copy, whole ? TK_COPY : TK_SIDE, &s->t);
        json_decref(copy);
        if (st == L4R_OK) {
            s->name = l4r_xstrdup(name);
            s->optional = optional || l4r_side_is_split(name);
            v->n_tables++;
        }
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            return st;
    }
    /* a published split is all three files or none */
    int split = 0;
    for (size_t i = 0; i < v->n_tables; i++)
        split += l4r_side_is_split(v->tables[i].name);
    if (split && split != 3)
        return l4r_rj_fail(c, "a published split needs the three tables 'train', 'valid' and 'test'");
    return L4R_OK;
}

l4r_status l4r_recipe_parse_variant(pctx *c, const char *name, json_t *j, l4r_variant *v)
{
    static const char *const keys[] = {"description",  "files", "manual", "notes",  "terms",
                                       "interactions", "items", "users",  "tables", NULL};
    if (!json_is_object(j))
        return l4r_rj_fail(c, "expected an object, got %s", l4r_rj_type_name(j));
    if (!l4r_rj_valid_variant_name(name))
        return l4r_rj_fail(
            c, "variant name '%s' must be segments of letters, digits, '.', '_' and '-' joined by '/'", name);
    v->name = l4r_xstrdup(name);
    l4r_status st = l4r_rj_check_keys(c, j, keys);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "description", true, &v->description);
    if (st == L4R_OK)
        st = l4r_rj_get_text(c, j, "manual", false, &v->manual);
    if (st == L4R_OK)
        st = l4r_rj_get_text(c, j, "notes", false, &v->notes);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "terms", false, &v->terms);
    if (st == L4R_OK && v->terms && !l4r_rj_valid_url(v->terms))
        st = l4r_rj_fail_at(c, "terms", "expected the URL of the terms (https://, http:// or file://)");
    if (st != L4R_OK)
        return st;

    json_t *files = json_object_get(j, "files");
    if (!files)
        return l4r_rj_fail(c, "missing required key 'files'");
    if (!json_is_array(files) || json_array_size(files) == 0)
        return l4r_rj_fail_at(c, "files", "expected a non-empty array of files");
    size_t old = l4r_rj_path_key(c, "files");
    v->files = l4r_xcalloc(json_array_size(files), sizeof *v->files);
    for (size_t i = 0; i < json_array_size(files); i++) {
        size_t o2 = l4r_rj_path_index(c, i);
        st = parse_file(c, json_array_get(files, i), &v->files[i]);
        v->n_files = i + 1;
        for (size_t k = 0; st == L4R_OK && k < i; k++)
            if (!strcmp(v->files[k].name, v->files[i].name))
                st = l4r_rj_fail(c, "duplicate file name '%s'", v->files[i].name);
        l4r_rj_path_pop(c, o2);
        if (st != L4R_OK)
            break;
    }
    l4r_rj_path_pop(c, old);
    if (st != L4R_OK)
        return st;

    static const char *const tkeys[] = {"interactions", "items", "users"};
    l4r_table **dst[] = {&v->interactions, &v->items, &v->users};
    for (size_t k = 0; k < 3; k++) {
        json_t *t = json_object_get(j, tkeys[k]);
        if (!t || json_is_null(t))
            continue;
        size_t o2 = l4r_rj_path_key(c, tkeys[k]);
        st = parse_table(c, t, k == 0 ? TK_INTERACTIONS : k == 1 ? TK_ITEMS : TK_USERS, dst[k]);
        l4r_rj_path_pop(c, o2);
        if (st != L4R_OK)
            return st;
    }
    if (v->items && !v->interactions)
        return l4r_rj_fail(c, "'items' without 'interactions'");
    if (v->users && !v->interactions)
        return l4r_rj_fail(c, "'users' without 'interactions'");
    json_t *tabs = json_object_get(j, "tables");
    if (tabs && !json_is_null(tabs)) {
        if (!v->interactions)
            return l4r_rj_fail(c, "'tables' without 'interactions'");
        size_t o2 = l4r_rj_path_key(c, "tables");
        st = parse_side_tables(c, tabs, v);
        l4r_rj_path_pop(c, o2);
    }
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * the recipe
 * ------------------------------------------------------------------------------------------- */

static bool valid_dataset_name(const char *s)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    return true;
}

static l4r_status parse_root(pctx *c, json_t *root, l4r_recipe *r)
{
    static const char *const keys[] = {"schema",       "dataset",     "title",           "homepage",
                                       "license",      "citation",    "default_variant", "variants",
                                       "variant_sets", "known_files", "terms",           NULL};
    vlist l = {0};
    known_tab global = {0};
    l4r_status st;
    if (!json_is_object(root)) {
        st = l4r_rj_fail(c, "expected an object, got %s", l4r_rj_type_name(root));
        goto out;
    }
    st = l4r_rj_check_keys(c, root, keys);
    if (st != L4R_OK)
        goto out;
    json_t *schema = json_object_get(root, "schema");
    if (!schema) {
        st = l4r_rj_fail(c, "missing required key 'schema'");
        goto out;
    }
    if (!json_is_integer(schema) || json_integer_value(schema) != 1) {
        st = l4r_rj_fail_at(c, "schema", "unsupported schema version (this llm4rec-data reads schema 1)");
        goto out;
    }
    st = l4r_rj_get_str(c, root, "dataset", true, &r->dataset);
    if (st == L4R_OK && !valid_dataset_name(r->dataset))
        st = l4r_rj_fail_at(c, "dataset", "dataset names are lower-case letters, digits, '_' and '-'");
    if (st == L4R_OK) {
        /* the file stem is the dataset name, so `--recipes DIR` lookups stay predictable */
        const char *base = l4r_path_base(c->file);
        size_t bl = strlen(base);
        if (bl > 5 && !strcmp(base + bl - 5, ".json") &&
            (strlen(r->dataset) != bl - 5 || strncmp(base, r->dataset, bl - 5)))
            st = l4r_rj_fail_at(c, "dataset", "'%s' does not match the file name '%s'", r->dataset, base);
    }
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, root, "title", true, &r->title);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, root, "homepage", false, &r->homepage);
    if (st == L4R_OK)
        st = l4r_rj_get_text(c, root, "license", true, &r->license);
    if (st == L4R_OK)
        st = l4r_rj_get_text(c, root, "citation", false, &r->citation);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, root, "terms", false, &r->terms);
    if (st == L4R_OK && r->terms && !l4r_rj_valid_url(r->terms))
        st = l4r_rj_fail_at(c, "terms", "expected the URL of the terms (https://, http:// or file://)");
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, root, "default_variant", true, &r->default_variant);
    if (st != L4R_OK)
        goto out;

    json_t *kf = json_object_get(root, "known_files");
    if (kf) {
        size_t old = l4r_rj_path_key(c, "known_files");
        st = l4r_recipe_parse_known(c, kf, &global);
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            goto out;
    }

    json_t *vars = json_object_get(root, "variants");
    json_t *sets = json_object_get(root, "variant_sets");
    if (!vars && !sets) {
        st = l4r_rj_fail(c, "missing required key 'variants' (or 'variant_sets')");
        goto out;
    }
    if (vars && !json_is_object(vars)) {
        st = l4r_rj_fail_at(c, "variants", "expected an object mapping variant names to variants, got %s",
                            l4r_rj_type_name(vars));
        goto out;
    }
    if (sets && !json_is_array(sets)) {
        st = l4r_rj_fail_at(c, "variant_sets", "expected an array, got %s", l4r_rj_type_name(sets));
        goto out;
    }
    if (vars) {
        const char *name;
        json_t *vj;
        size_t old = l4r_rj_path_key(c, "variants");
        json_object_foreach(vars, name, vj)
        {
            size_t o2 = l4r_rj_path_key(c, name);
            l4r_variant *v = l4r_recipe_vlist_push(&l);
            st = l4r_recipe_parse_variant(c, name, vj, v);
            for (size_t f = 0; st == L4R_OK && f < v->n_files; f++) {
                size_t o3 = l4r_rj_path_key(c, "files");
                l4r_rj_path_index(c, f);
                st = l4r_recipe_apply_known(c, &v->files[f], &global);
                l4r_rj_path_pop(c, o3);
            }
            l4r_rj_path_pop(c, o2);
            if (st != L4R_OK)
                break;
        }
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            goto out;
    }
    if (sets) {
        for (size_t i = 0; i < json_array_size(sets); i++) {
            size_t old = l4r_rj_path_key(c, "variant_sets");
            l4r_rj_path_index(c, i);
            st = l4r_recipe_parse_set(c, json_array_get(sets, i), &l, &global);
            l4r_rj_path_pop(c, old);
            if (st != L4R_OK)
                goto out;
        }
    }
    if (l.n == 0) {
        st = l4r_rj_fail(c, "the recipe declares no variant");
        goto out;
    }
    for (size_t i = 0; i < l.n; i++) /* the recipe's terms cover the variants that name none */
        if (!l.v[i].terms && r->terms)
            l.v[i].terms = l4r_xstrdup(r->terms);
    if (kf) {
        size_t old = l4r_rj_path_key(c, "known_files");
        st = l4r_recipe_check_known_used(c, &global);
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            goto out;
    }
    bool found = false;
    for (size_t i = 0; i < l.n && !found; i++)
        found = !strcmp(l.v[i].name, r->default_variant);
    if (!found) {
        st = l4r_rj_fail_at(c, "default_variant", "'%s' is not a variant of this recipe", r->default_variant);
        goto out;
    }
out:
    l4r_recipe_known_free(&global);
    if (st != L4R_OK) {
        for (size_t i = 0; i < l.n; i++)
            variant_clear(&l.v[i]);
        free(l.v);
        return st;
    }
    r->variants = l.v;
    r->n_variants = l.n;
    return L4R_OK;
}

l4r_status l4r_recipe_parse(l4r_recipe *out, const char *json, size_t len, const char *name, l4r_error *e)
{
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return l4r_err(e, L4R_ERECIPE, "%s:%d:%d: invalid JSON: %s", name, je.line, je.column, je.text);
    pctx c = {.file = name, .e = e, .path = "$", .len = 1};
    l4r_status st = parse_root(&c, root, out);
    json_decref(root);
    if (st != L4R_OK) {
        l4r_recipe_clear(out);
        return st;
    }
    out->source_path = l4r_xstrdup(name);
    return L4R_OK;
}

/* ---------------------------------------------------------------------------------------------
 * the registry
 * ------------------------------------------------------------------------------------------- */

static l4r_status registry_add(l4r_registry *reg, const char *data, size_t len, const char *name,
                               l4r_error *e)
{
    l4r_recipe r;
    l4r_status st = l4r_recipe_parse(&r, data, len, name, e);
    if (st != L4R_OK)
        return st;
    for (size_t i = 0; i < reg->n_recipes; i++) {
        if (!strcmp(reg->recipes[i].dataset, r.dataset)) {
            st = l4r_err(e, L4R_ERECIPE, "%s: dataset '%s' is also defined in %s", name, r.dataset,
                         reg->recipes[i].source_path);
            l4r_recipe_clear(&r);
            return st;
        }
    }
    reg->recipes = l4r_xrealloc(reg->recipes, (reg->n_recipes + 1) * sizeof *reg->recipes);
    reg->recipes[reg->n_recipes++] = r;
    return L4R_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static l4r_status load_dir(l4r_registry *reg, const char *dir, l4r_error *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return l4r_err(e, L4R_ERECIPE, "cannot open recipe directory '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    l4r_status st = L4R_OK;
    l4r_buf b = {0};
    struct dirent *de;
    for (;;) {
        de = readdir(d);
        if (!de)
            break;
        size_t nl = strlen(de->d_name);
        if (de->d_name[0] == '.' || nl <= 5 || strcmp(de->d_name + nl - 5, ".json"))
            continue;
        names = l4r_xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = l4r_xstrdup(de->d_name);
    }
    closedir(d);
    if (n == 0) {
        st = l4r_err(e, L4R_ERECIPE, "no recipes (*.json) in '%s'", dir);
        goto out;
    }
    /* sorted, so the registry (and `list`) does not depend on readdir order */
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && st == L4R_OK; i++) {
        char *p = l4r_path_join(dir, names[i]);
        l4r_buf_reset(&b);
        st = l4r_read_file(p, RECIPE_MAX_BYTES, &b, e);
        if (st != L4R_OK) {
            /* keep the message, report it as a recipe problem (exit code of the recipe class) */
            st = L4R_ERECIPE;
            if (e)
                e->status = st;
        } else {
            st = registry_add(reg, b.data ? b.data : "", b.len, p, e);
        }
        free(p);
    }
out:
    l4r_rj_free_strv(names, n);
    l4r_buf_free(&b);
    return st;
}

/* The built-in recipe file DATASET.json, or NULL. */
static const l4r_embedded_file *embedded_for(const char *dataset)
{
    size_t n = strlen(dataset);
    for (const l4r_embedded_file *f = l4r_embedded_recipes; f->name; f++)
        if (!strncmp(f->name, dataset, n) && !strcmp(f->name + n, ".json"))
            return f;
    return NULL;
}

l4r_status l4r_registry_load_for(l4r_registry **out, const char *dir, const char *dataset, l4r_error *e)
{
    *out = NULL;
    l4r_registry *reg = l4r_xcalloc(1, sizeof *reg);
    l4r_status st = L4R_OK;
    if (!dir) {
        const char *env = getenv("LLM4REC_RECIPES");
        if (env && *env)
            dir = env;
    }
    if (dir) {
        st = load_dir(reg, dir, e);
    } else {
        const l4r_embedded_file *only = dataset ? embedded_for(dataset) : NULL;
        for (const l4r_embedded_file *f = l4r_embedded_recipes; f->name && st == L4R_OK; f++) {
            if (only && f != only)
                continue;
            char *name = l4r_xasprintf("<builtin>/%s", f->name);
            st = registry_add(reg, f->data, f->len, name, e);
            free(name);
        }
        if (st == L4R_OK && reg->n_recipes == 0)
            st = l4r_err(e, L4R_ERECIPE, "this build has no built-in recipes; use --recipes DIR");
    }
    if (st != L4R_OK) {
        l4r_registry_free(reg);
        return st;
    }
    *out = reg;
    return L4R_OK;
}

l4r_status l4r_registry_load(l4r_registry **out, const char *dir, l4r_error *e)
{
    return l4r_registry_load_for(out, dir, NULL, e);
}

/* ---------------------------------------------------------------------------------------------
 * look-ups
 * ------------------------------------------------------------------------------------------- */

/* Lists of alternatives longer than this are summarised (Amazon has well over a hundred). */
#define FIND_LIST_MAX 12
#define FIND_SUGGEST_MAX 5

/* The dataset or variant name closest to a mistyped one (l4r_suggest), or NULL. */
static const char *suggest_dataset(const l4r_registry *reg, const char *typed)
{
    size_t n = reg ? reg->n_recipes : 0;
    const char **names = l4r_xmalloc((n + 1) * sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = reg->recipes[i].dataset;
    const char *near = l4r_suggest(typed, names, n);
    free(names);
    return near;
}

static const char *suggest_variant(const l4r_recipe *rec, const char *typed)
{
    const char **names = l4r_xmalloc((rec->n_variants + 1) * sizeof *names);
    for (size_t i = 0; i < rec->n_variants; i++)
        names[i] = rec->variants[i].name;
    const char *near = l4r_suggest(typed, names, rec->n_variants);
    free(names);
    return near;
}

l4r_status l4r_registry_find(const l4r_registry *reg, const char *dataset, const char *variant,
                             const l4r_recipe **r, const l4r_variant **v, l4r_error *e)
{
    *r = NULL;
    *v = NULL;
    const l4r_recipe *rec = NULL;
    for (size_t i = 0; reg && i < reg->n_recipes && !rec; i++)
        if (!strcmp(reg->recipes[i].dataset, dataset))
            rec = &reg->recipes[i];
    l4r_buf b = {0};
    l4r_status st = L4R_OK;
    if (!rec) {
        const char *near = suggest_dataset(reg, dataset);
        if (near) {
            st = l4r_err(e, L4R_ERECIPE, "unknown dataset '%s'; did you mean '%s'?", dataset, near);
            goto out;
        }
        for (size_t i = 0; reg && i < reg->n_recipes; i++)
            l4r_buf_addf(&b, "%s%s", i ? ", " : "", reg->recipes[i].dataset);
        st = l4r_err(e, L4R_ERECIPE, "unknown dataset '%s'; available: %s", dataset,
                     b.len ? l4r_buf_cstr(&b) : "none");
        goto out;
    }
    const char *want = variant ? variant : rec->default_variant;
    for (size_t i = 0; i < rec->n_variants; i++) {
        if (!strcmp(rec->variants[i].name, want)) {
            *r = rec;
            *v = &rec->variants[i];
            goto out;
        }
    }
    const char *near = suggest_variant(rec, want);
    if (near) {
        st = l4r_err(e, L4R_ERECIPE, "dataset '%s' has no variant '%s'; did you mean '%s'?", dataset, want,
                     near);
        goto out;
    }
    if (rec->n_variants <= FIND_LIST_MAX) {
        for (size_t i = 0; i < rec->n_variants; i++)
            l4r_buf_addf(&b, "%s%s", i ? ", " : "", rec->variants[i].name);
        st = l4r_err(e, L4R_ERECIPE, "dataset '%s' has no variant '%s'; available: %s", dataset, want,
                     l4r_buf_cstr(&b));
        goto out;
    }
    /* Many variants: suggest the ones whose name contains what was typed (case-insensitive), which
     * catches "Beauty" for "2014/reviews_Beauty_5" and friends. */
    size_t ns = 0;
    for (size_t i = 0; i < rec->n_variants && ns < FIND_SUGGEST_MAX; i++) {
        if (strcasestr(rec->variants[i].name, want)) {
            l4r_buf_addf(&b, "%s%s", ns ? ", " : "", rec->variants[i].name);
            ns++;
        }
    }
    st = l4r_err(e, L4R_ERECIPE,
                 "dataset '%s' has no variant '%s'%s%s%s; it has %zu variants, see 'llm4rec-data list %s'",
                 dataset, want, ns ? " (did you mean " : "", ns ? l4r_buf_cstr(&b) : "", ns ? "?)" : "",
                 rec->n_variants, dataset);
out:
    l4r_buf_free(&b);
    return st;
}
