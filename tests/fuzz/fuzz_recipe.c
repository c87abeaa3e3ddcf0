/*
 * fuzz_recipe.c — libFuzzer harness for the recipe loader: the input is one recipe document
 * (l4r_recipe_parse, what the registry runs on every recipes/NAME.json and --recipes file).  Beyond
 * no crash and no leak (the recipe is cleared after every input, accepted or not), an accepted
 * recipe must hold what validation promises: a default variant that exists, variant names made
 * of safe segments, delimiters of 1-2 bytes, tables that map user_id/item_id (or item_id), and
 * field indices inside `columns`; a refused one must say where (a "$" JSON path).
 */
#include <stdlib.h>
#include <string.h>

#include "recipe.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static bool maps(const l4r_table *t, const char *out)
{
    for (size_t k = 0; k < t->n_map; k++)
        if (!strcmp(t->map[k].out, out))
            return true;
    return false;
}

/* A relative path with no ".." component. */
static bool relative(const char *p)
{
    if (!p || !p[0] || p[0] == '/')
        return false;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n + (p[n] == '/');
    }
    return true;
}

static void check_table(const l4r_table *t, bool interactions)
{
    if (!relative(t->path) || (t->member && !relative(t->member)))
        abort();
    if (t->format == L4R_FMT_DELIM || t->format == L4R_FMT_CSV) {
        size_t dl = strlen(t->delim);
        if (dl < 1 || dl > 2 || strpbrk(t->delim, "\r\n"))
            abort();
        /* a source column of a headerless table is resolved (an element or derived name is not a
         * column: it has none) */
        for (size_t k = 0; k < t->n_map; k++) {
            int arg;
            if (!t->header && t->map[k].src && l4r_source_classify(t, t->map[k].src, &arg) == L4R_SRC_COLUMN &&
                (t->map[k].index < 0 || (size_t)t->map[k].index >= t->n_columns))
                abort();
        }
    }
    if (!maps(t, "item_id") || (interactions && !maps(t, "user_id")))
        abort();
    if (maps(t, "timestamp") != (t->time != L4R_TIME_NONE))
        abort();
    if ((t->extra_fields_ignore && t->format != L4R_FMT_DELIM && t->format != L4R_FMT_CSV) ||
        (t->time_fraction_floor && t->time != L4R_TIME_UNIX_S && t->time != L4R_TIME_UNIX_MS))
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    l4r_recipe r;
    memset(&r, 0, sizeof r);
    l4r_error e;
    e.msg[0] = 0;
    l4r_status st = l4r_recipe_parse(&r, (const char *)data, size, "fuzz.json", &e);
    if (st == L4R_OK) {
        bool found = false;
        for (size_t i = 0; i < r.n_variants; i++) {
            const l4r_variant *v = &r.variants[i];
            found = found || !strcmp(v->name, r.default_variant);
            if (!v->name[0] || v->name[0] == '/' || strstr(v->name, "//") || v->n_files == 0)
                abort();
            for (const char *c = v->name; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr("._-/", *c)))
                    abort();
            if (v->interactions)
                check_table(v->interactions, true);
            if (v->items)
                check_table(v->items, false);
        }
        if (!found)
            abort();
    } else if (st != L4R_ERECIPE || !strstr(e.msg, "fuzz.json")) {
        abort();
    }
    l4r_recipe_clear(&r);
    return 0;
}
