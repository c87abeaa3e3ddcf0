/*
 * recipe_json.c — the typed JSON readers the recipe loader validates with (recipe_internal.h).
 *
 * How it works: every reader takes the parse context (the recipe's file name, the error sink and
 * the JSON path of the node being looked at), reads one key of an object and checks its type and
 * shape before copying it out as a plain malloc'd C value.  A reader that finds something wrong
 * fails with an L4R_ERECIPE error naming the file and the path down to the offending key, so
 * recipe.c and recipe_sets.c never format a location themselves: they push a key or an index on
 * the path while they descend, pop it on the way back, and call l4r_rj_fail when a rule of their
 * own is broken.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_internal.h"
#include "util.h"

/* ---------------------------------------------------------------------------------------------
 * the JSON path of the node being validated, and errors that name it
 * ------------------------------------------------------------------------------------------- */

/* Keys that are plain identifiers print as ".key"; anything with dots, spaces or quotes as
 * ["key"], so "$.known_files["ratings_Beauty.csv"]" stays unambiguous. */
static bool key_is_plain(const char *k)
{
    if (!*k)
        return false;
    for (const char *p = k; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || c == '/';
        if (!ok)
            return false;
    }
    return true;
}

void l4r_rj_path_addf(pctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->len < sizeof c->path) {
        int n = vsnprintf(c->path + c->len, sizeof c->path - c->len, fmt, ap);
        if (n > 0)
            c->len += (size_t)n;
        if (c->len >= sizeof c->path)
            c->len = sizeof c->path - 1;
    }
    va_end(ap);
}

size_t l4r_rj_path_key(pctx *c, const char *key)
{
    size_t old = c->len;
    if (key_is_plain(key))
        l4r_rj_path_addf(c, ".%s", key);
    else
        l4r_rj_path_addf(c, "[\"%s\"]", key);
    return old;
}

size_t l4r_rj_path_index(pctx *c, size_t i)
{
    size_t old = c->len;
    l4r_rj_path_addf(c, "[%zu]", i);
    return old;
}

void l4r_rj_path_pop(pctx *c, size_t old)
{
    c->len = old;
    c->path[old] = '\0';
}

l4r_status l4r_rj_fail(pctx *c, const char *fmt, ...)
{
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return l4r_err(c->e, L4R_ERECIPE, "%s: %s: %s", c->file, c->path, what);
}

/* Error about key `key` of the current object (path extended for the message only). */
l4r_status l4r_rj_fail_at(pctx *c, const char *key, const char *fmt, ...)
{
    char what[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    size_t old = l4r_rj_path_key(c, key);
    l4r_status st = l4r_err(c->e, L4R_ERECIPE, "%s: %s: %s", c->file, c->path, what);
    l4r_rj_path_pop(c, old);
    return st;
}

/* ---------------------------------------------------------------------------------------------
 * small typed getters
 * ------------------------------------------------------------------------------------------- */

const char *l4r_rj_type_name(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "a value";
}

/* Reject keys not in `allowed` (NULL-terminated).  "comment" is accepted everywhere: JSON has no
 * comments and recipes deserve explanations. */
l4r_status l4r_rj_check_keys(pctx *c, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val)
    {
        bool ok = !strcmp(key, "comment");
        for (size_t i = 0; !ok && allowed[i]; i++)
            ok = !strcmp(key, allowed[i]);
        if (ok) {
            if (!strcmp(key, "comment") && !json_is_string(val))
                return l4r_rj_fail_at(c, key, "expected a string, got %s", l4r_rj_type_name(val));
            continue;
        }
        char list[400] = "";
        size_t n = 0;
        for (size_t i = 0; allowed[i] && n < sizeof list; i++) {
            int w = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", allowed[i]);
            if (w > 0)
                n += (size_t)w;
        }
        return l4r_rj_fail(c, "unknown key '%s' (expected one of: %s)", key, list);
    }
    return L4R_OK;
}

/* Optional string (absent or null -> *out stays NULL).  `required` makes absence an error. */
l4r_status l4r_rj_get_str(pctx *c, json_t *obj, const char *key, bool required, char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return l4r_rj_fail(c, "missing required key '%s'", key);
        return L4R_OK;
    }
    if (!json_is_string(v))
        return l4r_rj_fail_at(c, key, "expected a string, got %s", l4r_rj_type_name(v));
    if (required && json_string_length(v) == 0)
        return l4r_rj_fail_at(c, key, "must not be empty");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return l4r_rj_fail_at(c, key, "must not contain NUL characters");
    *out = l4r_xstrdup(json_string_value(v));
    return L4R_OK;
}

/* A string, or an array of strings joined with '\n' (long texts such as licenses and manual
 * steps read better as one array element per line). */
l4r_status l4r_rj_get_text(pctx *c, json_t *obj, const char *key, bool required, char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || !json_is_array(v))
        return l4r_rj_get_str(c, obj, key, required, out);
    size_t old = l4r_rj_path_key(c, key);
    l4r_status st = L4R_OK;
    l4r_buf b = {0};
    size_t i;
    json_t *s;
    json_array_foreach(v, i, s)
    {
        if (!json_is_string(s)) {
            l4r_rj_path_index(c, i);
            st = l4r_rj_fail(c, "expected a string, got %s", l4r_rj_type_name(s));
            goto out;
        }
        if (i)
            l4r_buf_addc(&b, '\n');
        l4r_buf_adds(&b, json_string_value(s));
    }
    if (required && b.len == 0) {
        st = l4r_rj_fail(c, "must not be empty");
        goto out;
    }
    *out = l4r_xstrdup(l4r_buf_cstr(&b));
out:
    l4r_buf_free(&b);
    l4r_rj_path_pop(c, old);
    return st;
}

l4r_status l4r_rj_get_bool(pctx *c, json_t *obj, const char *key, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return L4R_OK;
    if (!json_is_boolean(v))
        return l4r_rj_fail_at(c, key, "expected true or false, got %s", l4r_rj_type_name(v));
    *out = json_is_true(v);
    return L4R_OK;
}

/* Array of non-empty strings. */
l4r_status l4r_rj_get_str_array(pctx *c, json_t *obj, const char *key, char ***out, size_t *n)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return L4R_OK;
    if (!json_is_array(v))
        return l4r_rj_fail_at(c, key, "expected an array of strings, got %s", l4r_rj_type_name(v));
    size_t old = l4r_rj_path_key(c, key);
    size_t cnt = json_array_size(v);
    char **arr = l4r_xcalloc(cnt + 1, sizeof *arr);
    l4r_status st = L4R_OK;
    for (size_t i = 0; i < cnt; i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s) || json_string_length(s) == 0) {
            l4r_rj_path_index(c, i);
            st = json_is_string(s) ? l4r_rj_fail(c, "must not be empty")
                                   : l4r_rj_fail(c, "expected a string, got %s", l4r_rj_type_name(s));
            goto out;
        }
        arr[i] = l4r_xstrdup(json_string_value(s));
    }
out:
    l4r_rj_path_pop(c, old);
    if (st != L4R_OK) {
        for (size_t i = 0; i < cnt; i++)
            free(arr[i]);
        free(arr);
        return st;
    }
    *out = arr;
    *n = cnt;
    return L4R_OK;
}

static bool is_hex(const char *s, size_t want)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F')))
            return false;
    }
    return n == want;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'F')
            *s = (char)(*s - 'A' + 'a');
}

/* A digest: `digits` hex digits, stored lower-case. */
l4r_status l4r_rj_get_hex(pctx *c, json_t *obj, const char *key, size_t digits, char **out)
{
    char *s = NULL;
    l4r_status st = l4r_rj_get_str(c, obj, key, false, &s);
    if (st != L4R_OK || !s)
        return st;
    if (!is_hex(s, digits)) {
        free(s);
        return l4r_rj_fail_at(c, key, "expected %zu hexadecimal digits", digits);
    }
    lower(s);
    *out = s;
    return L4R_OK;
}

l4r_status l4r_rj_get_size(pctx *c, json_t *obj, const char *key, int64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return L4R_OK;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return l4r_rj_fail_at(c, key, "expected a non-negative integer (bytes)");
    *out = (int64_t)json_integer_value(v);
    return L4R_OK;
}

/* Safe relative path: no leading '/', no empty, "." or ".." segment, no backslash. */
bool l4r_rj_safe_relpath(const char *p)
{
    if (!*p || *p == '/' || strchr(p, '\\'))
        return false;
    const char *seg = p;
    for (;;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (!end)
            return true;
        seg = end + 1;
    }
}

/* Variant names become directories: segments of [A-Za-z0-9._-] joined by '/'. */
bool l4r_rj_valid_variant_name(const char *s)
{
    if (!l4r_rj_safe_relpath(s))
        return false;
    for (const char *p = s; *p; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '.' || ch == '_' || ch == '-' || ch == '/';
        if (!ok)
            return false;
    }
    return true;
}

bool l4r_rj_valid_url(const char *u)
{
    return !strncmp(u, "https://", 8) || !strncmp(u, "http://", 7) || !strncmp(u, "file://", 7);
}

/* ---------------------------------------------------------------------------------------------
 * enums and the format name
 * ------------------------------------------------------------------------------------------- */

l4r_status l4r_rj_get_enum(pctx *c, json_t *obj, const char *key, const name_val *tab, bool required,
                           int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            return l4r_rj_fail(c, "missing required key '%s'", key);
        return L4R_OK;
    }
    if (!json_is_string(v))
        return l4r_rj_fail_at(c, key, "expected a string, got %s", l4r_rj_type_name(v));
    const char *s = json_string_value(v);
    for (size_t i = 0; tab[i].name; i++) {
        if (!strcmp(tab[i].name, s)) {
            *out = tab[i].val;
            return L4R_OK;
        }
    }
    char list[200] = "";
    size_t n = 0;
    for (size_t i = 0; tab[i].name && n < sizeof list; i++) {
        int w = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", tab[i].name);
        if (w > 0)
            n += (size_t)w;
    }
    return l4r_rj_fail_at(c, key, "unknown value '%s' (expected one of: %s)", s, list);
}

const char *l4r_rj_enum_name(const name_val *tab, int v)
{
    for (size_t i = 0; tab[i].name; i++)
        if (tab[i].val == v)
            return tab[i].name;
    return "?";
}

/* "format": a name or an alias of a row of the format table (convert/format.h); the error lists
 * the names only. */
l4r_status l4r_rj_get_format(pctx *c, json_t *obj, const l4r_format_def **out)
{
    json_t *v = json_object_get(obj, "format");
    if (!v)
        return l4r_rj_fail(c, "missing required key 'format'");
    if (!json_is_string(v))
        return l4r_rj_fail_at(c, "format", "expected a string, got %s", l4r_rj_type_name(v));
    const char *s = json_string_value(v);
    *out = l4r_format_find(s);
    if (*out)
        return L4R_OK;
    char list[200] = "";
    size_t n = 0;
    for (size_t i = 0; i < l4r_n_formats && n < sizeof list; i++) {
        int w = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", l4r_formats[i].name);
        if (w > 0)
            n += (size_t)w;
    }
    return l4r_rj_fail_at(c, "format", "unknown value '%s' (expected one of: %s)", s, list);
}

/* ---------------------------------------------------------------------------------------------
 * freeing
 * ------------------------------------------------------------------------------------------- */

void l4r_rj_free_strv(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
