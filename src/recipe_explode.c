/*
 * recipe_explode.c — the recipe vocabulary for records that hold many interactions: a table's
 * "explode" object (docs/recipes.md, "explode"), and what a source name in "fields" or "filter"
 * refers to once it is known (a column, the element, a part of it, a key of an object element, or
 * a derived "$line" / "$position").
 *
 * How: parse_explode reads and checks the object with the typed readers of recipe_json.c;
 * l4r_source_classify is the one place that decides what a name means, used by the loader here
 * (check_source, and to skip element names when it matches headerless columns) and by the
 * converter (format.c's l4r_recspec_sources).
 */
#include <string.h>

#include "recipe_internal.h"

static const name_val list_forms[] = {{"separated", L4R_XLIST_SEPARATED},
                                      {"json", L4R_XLIST_JSON},
                                      {"python", L4R_XLIST_PYTHON},
                                      {"numpy", L4R_XLIST_NUMPY},
                                      {NULL, 0}};

l4r_source_kind l4r_source_classify(const l4r_table *t, const char *name, int *arg)
{
    *arg = 0;
    if (!strcmp(name, "$line"))
        return L4R_SRC_LINE;
    if (!strcmp(name, "$position"))
        return L4R_SRC_POSITION;
    if (t->block_header && !strcmp(name, t->block_header->as))
        return L4R_SRC_BLOCK;
    const l4r_explode *x = t->explode;
    if (!x)
        return L4R_SRC_COLUMN;
    if (!strcmp(name, x->as))
        return L4R_SRC_ELEMENT;
    if (x->then_as && !strcmp(name, x->then_as))
        return L4R_SRC_INNER;
    for (size_t i = 0; i < x->n_parts; i++) {
        if (!strcmp(name, x->parts[i])) {
            *arg = (int)i;
            return L4R_SRC_PART;
        }
    }
    size_t n = strlen(x->as);
    if (!strncmp(name, x->as, n) && name[n] == '.' && name[n + 1]) {
        *arg = (int)n + 1;
        return L4R_SRC_KEY;
    }
    return L4R_SRC_COLUMN;
}

/* A name the element (or a part) is known by: not empty, not derived ('$'), no '.'. */
static l4r_status check_elem_name(pctx *c, const char *key, const char *name)
{
    if (!*name || name[0] == '$' || strchr(name, '.'))
        return l4r_rj_fail_at(
            c, key, "'%s': an element name must be non-empty, not start with '$' and hold no '.'", name);
    return L4R_OK;
}

/* "then": {"column": "AS.KEY", "as": NAME}: the list under a key of each object element. */
static l4r_status parse_then(pctx *c, json_t *j, l4r_explode *x)
{
    static const char *const keys[] = {"column", "as", NULL};
    if (!json_is_object(j))
        return l4r_rj_fail(c, "expected an object {\"column\": \"%s.KEY\", \"as\": ...}, got %s", x->as,
                           l4r_rj_type_name(j));
    char *col = NULL, *as = NULL;
    l4r_status st = l4r_rj_check_keys(c, j, keys);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "column", true, &col);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "as", false, &as);
    size_t n = strlen(x->as);
    if (st == L4R_OK && (strncmp(col, x->as, n) || col[n] != '.' || !col[n + 1]))
        st = l4r_rj_fail_at(c, "column", "'%s' must name a key of the element, '%s.KEY'", col, x->as);
    if (st == L4R_OK && (x->n_parts || x->append))
        st = l4r_rj_fail(c, "a second level needs object elements: no 'parts' or 'append' with it");
    if (st == L4R_OK) {
        x->then_key = l4r_xstrdup(col + n + 1);
        x->then_as = as ? as : l4r_xstrdup(x->then_key);
        as = NULL;
        st = check_elem_name(c, json_object_get(j, "as") ? "as" : "column", x->then_as);
    }
    if (st == L4R_OK && !strcmp(x->then_as, x->as))
        st = l4r_rj_fail_at(c, "as", "'%s' is the element's name already", x->then_as);
    free(col);
    free(as);
    return st;
}

l4r_status l4r_recipe_parse_explode(pctx *c, json_t *j, l4r_explode *x)
{
    static const char *const keys[] = {"column",         "list",   "separator", "as", "parts",
                                       "part_separator", "append", "then",      NULL};
    if (!json_is_object(j))
        return l4r_rj_fail(c, "expected an object {\"column\": ..., ...}, got %s", l4r_rj_type_name(j));
    int form = L4R_XLIST_SEPARATED;
    l4r_status st = l4r_rj_check_keys(c, j, keys);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "column", true, &x->column);
    if (st == L4R_OK)
        st = l4r_rj_get_enum(c, j, "list", list_forms, false, &form);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "separator", false, &x->separator);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "as", false, &x->as);
    if (st == L4R_OK)
        st = l4r_rj_get_str_array(c, j, "parts", &x->parts, &x->n_parts);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "part_separator", false, &x->part_separator);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, j, "append", false, &x->append);
    if (st != L4R_OK)
        return st;
    x->list = (l4r_list_form)form;
    x->list_given = json_object_get(j, "list") != NULL;
    if (!*x->column)
        return l4r_rj_fail_at(c, "column", "must not be empty");
    if (x->separator && x->list != L4R_XLIST_SEPARATED)
        return l4r_rj_fail_at(c, "separator", "applies to list 'separated' only, not '%s'",
                              l4r_rj_enum_name(list_forms, form));
    if (x->separator && (!*x->separator || strpbrk(x->separator, "\r\n")))
        return l4r_rj_fail_at(c, "separator", "must be non-empty and hold no line break");
    if (!x->separator && x->list == L4R_XLIST_SEPARATED)
        x->separator = l4r_xstrdup(" ");
    if (!x->as)
        x->as = l4r_xstrdup(x->column);
    st = check_elem_name(c, json_object_get(j, "as") ? "as" : "column", x->as);
    if (st != L4R_OK)
        return st;
    if ((x->n_parts > 0) != (x->part_separator != NULL))
        return l4r_rj_fail(c, x->part_separator ? "'part_separator' needs 'parts'"
                                                : "'parts' needs 'part_separator'");
    if (x->n_parts == 1)
        return l4r_rj_fail_at(c, "parts", "expected two or more names (one part is the element itself, '%s')",
                              x->as);
    if (x->part_separator && !*x->part_separator)
        return l4r_rj_fail_at(c, "part_separator", "must not be empty");
    json_t *tj = json_object_get(j, "then");
    if (tj && !json_is_null(tj)) {
        size_t old = l4r_rj_path_key(c, "then");
        st = parse_then(c, tj, x);
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            return st;
    }
    for (size_t i = 0; i < x->n_parts; i++) {
        size_t old = l4r_rj_path_key(c, "parts");
        l4r_rj_path_index(c, i);
        st = check_elem_name(c, "parts", x->parts[i]);
        for (size_t k = 0; k < i && st == L4R_OK; k++)
            if (!strcmp(x->parts[k], x->parts[i]))
                st = l4r_rj_fail(c, "duplicate part name '%s'", x->parts[i]);
        if (st == L4R_OK && !strcmp(x->parts[i], x->as))
            st = l4r_rj_fail(c, "'%s' is the element's name ('as') already", x->parts[i]);
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            return st;
    }
    return L4R_OK;
}

/* Every source name of t's fields and filters once "explode" is known: derived names exist, and an
 * object element's keys ("AS.KEY") are only for lists that can hold objects. */
l4r_status l4r_recipe_check_source(pctx *c, const l4r_table *t, const char *name, const char *out)
{
    int arg;
    l4r_source_kind k = l4r_source_classify(t, name, &arg);
    const l4r_explode *x = t->explode;
    if (k == L4R_SRC_COLUMN && name[0] == '$')
        return l4r_rj_fail(c, "unknown derived field '%s' (expected $line or $position)", name);
    if (k == L4R_SRC_POSITION && !x)
        return l4r_rj_fail(c,
                           "'$position' is the position in an exploded list, and the table has no 'explode'");
    if ((k == L4R_SRC_LINE || k == L4R_SRC_POSITION) && out && !strcmp(out, "timestamp"))
        return l4r_rj_fail(
            c,
            "'timestamp' cannot be %s: a source without time leaves 'time' out (or \"none\") and keeps "
            "the source order, in which the list's order is kept",
            name);
    if (k == L4R_SRC_KEY) {
        if (x->n_parts || x->append)
            return l4r_rj_fail(
                c,
                "'%s' names a key of an object element, but the list is split into parts or has "
                "'append' (elements are text then)",
                name);
        if (x->list == L4R_XLIST_SEPARATED && x->list_given)
            return l4r_rj_fail(c, "'%s' names a key of an object element, but list 'separated' holds text",
                               name);
    }
    return L4R_OK;
}

/* The element of a headerless columns table is resolved here (the header names it otherwise). */
l4r_status l4r_recipe_resolve_explode(pctx *c, l4r_table *t, const l4r_format_def *fd, bool interactions)
{
    l4r_explode *x = t->explode;
    x->index = x->append_index = -1;
    if (!interactions)
        return l4r_rj_fail(c, "only an interactions table may explode a list");
    if (!fd->columns && x->list == L4R_XLIST_SEPARATED && x->list_given && !x->separator)
        return l4r_rj_fail_at(c, "list", "'separated' needs a 'separator'");
    if (fd->columns && !t->header) {
        x->index = l4r_table_column(t, x->column);
        if (x->index < 0)
            return l4r_rj_fail_at(c, "column", "column '%s' is not in 'columns'", x->column);
        if (x->append) {
            x->append_index = l4r_table_column(t, x->append);
            if (x->append_index < 0)
                return l4r_rj_fail_at(c, "append", "column '%s' is not in 'columns'", x->append);
        }
    }
    return L4R_OK;
}

l4r_status l4r_recipe_parse_clean(pctx *c, json_t *v, l4r_colmap *m)
{
    static const name_val cleans[] = {{"html", 1}, {NULL, 0}};
    int k = 0;
    l4r_status st = l4r_rj_get_enum(c, v, "clean", cleans, false, &k);
    m->clean_html = st == L4R_OK && k == 1;
    return st;
}

l4r_status l4r_recipe_parse_join(pctx *c, json_t *v, l4r_colmap *m)
{
    static const char *const keys[] = {"join", "separator", "key", "list", "clean", NULL};
    int form = L4R_XLIST_JSON;
    l4r_status st = l4r_rj_check_keys(c, v, keys);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, v, "join", true, &m->src);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, v, "separator", false, &m->join_sep);
    if (st == L4R_OK)
        st = l4r_rj_get_str(c, v, "key", false, &m->join_key);
    if (st == L4R_OK)
        st = l4r_rj_get_enum(c, v, "list", list_forms, false, &form);
    if (st == L4R_OK)
        st = l4r_recipe_parse_clean(c, v, m);
    if (st != L4R_OK)
        return st;
    m->join = true;
    m->join_list = (l4r_list_form)form;
    m->join_list_given = json_object_get(v, "list") != NULL;
    if (!*m->src)
        return l4r_rj_fail_at(c, "join", "must not be empty");
    if (m->join_list == L4R_XLIST_SEPARATED)
        return l4r_rj_fail_at(c, "list",
                              "a text list that is already separated is taken as it is: map the "
                              "column itself instead of joining it");
    if (m->join_key && !*m->join_key)
        return l4r_rj_fail_at(c, "key", "must not be empty");
    if (!m->join_sep)
        m->join_sep = l4r_xstrdup("|");
    if (strpbrk(m->join_sep, "\t\r\n"))
        return l4r_rj_fail_at(c, "separator", "cannot hold a tab or a line break (the output is TSV)");
    return L4R_OK;
}
