/*
 * recipe_sets.c — the recipe keys that stand for many values: "known_files" and "variant_sets".
 *
 * How it works: a "known_files" table (at the top of a recipe or inside one set) is read into a
 * list of name -> size and checksums; after each variant is parsed, every file of it whose name is
 * in a list gets what it leaves out, and a value given in both places must agree.  An entry that
 * no file uses is an error: it is almost always a misspelt file name.
 *
 * A "variant_sets" entry is a template plus placeholder values.  An odometer walks every
 * combination of the values, "{name}" is substituted in the variant name and in every string of
 * the template (subtrees with nothing to substitute are shared, not copied), and the copy is
 * handed to l4r_recipe_parse_variant (recipe.c) exactly as a hand-written variant would be, so
 * a set's variants are validated, and fail, the same way.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_internal.h"
#include "util.h"

/* Cap on the variants one set may expand to, so a typo cannot ask for millions. */
#define SET_MAX_VARIANTS 10000

/* ---------------------------------------------------------------------------------------------
 * known_files: size and checksums by file name
 * ------------------------------------------------------------------------------------------- */

void l4r_recipe_known_free(known_tab *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->v[i].name);
        free(k->v[i].md5);
        free(k->v[i].sha256);
    }
    free(k->v);
    k->v = NULL;
    k->n = 0;
}

l4r_status l4r_recipe_parse_known(pctx *c, json_t *j, known_tab *k)
{
    if (!json_is_object(j))
        return l4r_rj_fail(c, "expected an object mapping file names to {size, md5, sha256}, got %s",
                           l4r_rj_type_name(j));
    static const char *const keys[] = {"size", "md5", "sha256", NULL};
    k->v = l4r_xcalloc(json_object_size(j) + 1, sizeof *k->v);
    const char *name;
    json_t *val;
    json_object_foreach(j, name, val)
    {
        size_t old = l4r_rj_path_key(c, name);
        known_file *e = &k->v[k->n++];
        e->name = l4r_xstrdup(name);
        e->size = -1;
        l4r_status st = json_is_object(val)
                            ? l4r_rj_check_keys(c, val, keys)
                            : l4r_rj_fail(c, "expected an object, got %s", l4r_rj_type_name(val));
        if (st == L4R_OK)
            st = l4r_rj_get_size(c, val, "size", &e->size);
        if (st == L4R_OK)
            st = l4r_rj_get_hex(c, val, "md5", 32, &e->md5);
        if (st == L4R_OK)
            st = l4r_rj_get_hex(c, val, "sha256", 64, &e->sha256);
        if (st == L4R_OK && e->size < 0 && !e->md5 && !e->sha256)
            st = l4r_rj_fail(c, "gives neither size, md5 nor sha256");
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            return st;
    }
    return L4R_OK;
}

/* Fill what the file leaves out; a value given in both places must agree. */
l4r_status l4r_recipe_apply_known(pctx *c, l4r_rfile *f, known_tab *k)
{
    for (size_t i = 0; i < k->n; i++) {
        known_file *e = &k->v[i];
        if (strcmp(e->name, f->name))
            continue;
        e->used = true;
        if (e->size >= 0) {
            if (f->size >= 0 && f->size != e->size)
                return l4r_rj_fail(c, "size of '%s' conflicts with known_files", f->name);
            f->size = e->size;
        }
        if (e->md5) {
            if (f->md5 && strcmp(f->md5, e->md5))
                return l4r_rj_fail(c, "md5 of '%s' conflicts with known_files", f->name);
            if (!f->md5)
                f->md5 = l4r_xstrdup(e->md5);
        }
        if (e->sha256) {
            if (f->sha256 && strcmp(f->sha256, e->sha256))
                return l4r_rj_fail(c, "sha256 of '%s' conflicts with known_files", f->name);
            if (!f->sha256)
                f->sha256 = l4r_xstrdup(e->sha256);
        }
        return L4R_OK;
    }
    return L4R_OK;
}

l4r_status l4r_recipe_check_known_used(pctx *c, const known_tab *k)
{
    for (size_t i = 0; i < k->n; i++) {
        if (!k->v[i].used) {
            size_t old = l4r_rj_path_key(c, k->v[i].name);
            l4r_status st = l4r_rj_fail(c, "no file of the recipe is named '%s'", k->v[i].name);
            l4r_rj_path_pop(c, old);
            return st;
        }
    }
    return L4R_OK;
}

/* ---------------------------------------------------------------------------------------------
 * variant sets: template expansion
 * ------------------------------------------------------------------------------------------- */

typedef struct subst {
    const char **keys;
    const char **vals;
    size_t n;
} subst;

/* Replace every "{key}" in s.  "{word}" with an unknown word is an error (a misspelt
 * placeholder would otherwise produce a URL with braces in it); other braces are left alone. */
static l4r_status subst_string(pctx *c, const subst *s, const char *in, char **out)
{
    l4r_buf b = {0};
    const char *p = in;
    while (*p) {
        if (*p == '{') {
            size_t n = 1;
            while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
                   (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
                n++;
            if (n > 1 && p[n] == '}') {
                size_t k = 0;
                while (k < s->n && !(strlen(s->keys[k]) == n - 1 && !strncmp(s->keys[k], p + 1, n - 1)))
                    k++;
                if (k == s->n) {
                    l4r_buf_free(&b);
                    return l4r_rj_fail(c, "unknown placeholder '%.*s' (declared in 'names': %s%s)",
                                       (int)(n + 1), p, s->n ? s->keys[0] : "none", s->n > 1 ? ", ..." : "");
                }
                l4r_buf_adds(&b, s->vals[k]);
                p += n + 1;
                continue;
            }
        }
        l4r_buf_addc(&b, *p++);
    }
    *out = l4r_xstrdup(l4r_buf_cstr(&b));
    l4r_buf_free(&b);
    return L4R_OK;
}

/* j with placeholders substituted in every string value (keys stay as they are).  Subtrees with
 * nothing to substitute are shared with j, not copied: the parse only reads the tree, and a
 * set's tables and columns, the bulk of it, have no placeholders (docs/recipes.md, `variant_sets`). */
static l4r_status subst_json(pctx *c, const subst *s, json_t *j, json_t **out)
{
    if (json_is_string(j)) {
        if (!memchr(json_string_value(j), '{', json_string_length(j))) {
            *out = json_incref(j);
            return L4R_OK;
        }
        char *r = NULL;
        l4r_status st = subst_string(c, s, json_string_value(j), &r);
        if (st != L4R_OK)
            return st;
        *out = json_string(r);
        free(r);
        if (!*out)
            return l4r_rj_fail(c, "substituted text is not valid UTF-8");
        return L4R_OK;
    }
    bool arr = json_is_array(j);
    if (!arr && !json_is_object(j)) {
        *out = json_incref(j);
        return L4R_OK;
    }
    /* The children first; a new container only when one of them changed. */
    size_t n = arr ? json_array_size(j) : json_object_size(j);
    json_t **ys = l4r_xcalloc(n ? n : 1, sizeof *ys);
    const char **ks = arr ? NULL : l4r_xcalloc(n ? n : 1, sizeof *ks); /* the objects' keys */
    l4r_status st = L4R_OK;
    bool changed = false;
    size_t m = 0;
    if (arr) {
        json_t *x;
        json_array_foreach(j, m, x)
        {
            size_t old = l4r_rj_path_index(c, m);
            st = subst_json(c, s, x, &ys[m]);
            l4r_rj_path_pop(c, old);
            if (st != L4R_OK)
                break;
            changed = changed || ys[m] != x;
        }
    } else {
        const char *k;
        json_t *x;
        json_object_foreach(j, k, x)
        {
            size_t old = l4r_rj_path_key(c, k);
            st = subst_json(c, s, x, &ys[m]);
            l4r_rj_path_pop(c, old);
            if (st != L4R_OK)
                break;
            changed = changed || ys[m] != x;
            ks[m++] = k;
        }
    }
    if (st != L4R_OK || !changed) {
        for (size_t i = 0; i < n; i++)
            json_decref(ys[i]);
        if (st == L4R_OK)
            *out = json_incref(j);
    } else {
        *out = arr ? json_array() : json_object();
        for (size_t i = 0; i < n; i++) {
            if (arr)
                json_array_append_new(*out, ys[i]);
            else
                json_object_set_new(*out, ks[i], ys[i]);
        }
    }
    free(ys);
    free(ks);
    return st;
}

l4r_variant *l4r_recipe_vlist_push(vlist *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = l4r_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l4r_variant *v = &l->v[l->n++];
    memset(v, 0, sizeof *v);
    return v;
}

static l4r_status check_dup_variant(pctx *c, const vlist *l)
{
    const char *name = l->v[l->n - 1].name;
    for (size_t i = 0; i + 1 < l->n; i++)
        if (!strcmp(l->v[i].name, name))
            return l4r_rj_fail(c, "duplicate variant '%s'", name);
    return L4R_OK;
}

l4r_status l4r_recipe_parse_set(pctx *c, json_t *set, vlist *l, known_tab *global)
{
    static const char *const keys[] = {
        "names",        "variant", "known_files", "description", "files",  "manual", "notes",
        "interactions", "terms",   "items",       "users",       "tables", NULL};
    if (!json_is_object(set))
        return l4r_rj_fail(c, "expected an object, got %s", l4r_rj_type_name(set));
    l4r_status st = l4r_rj_check_keys(c, set, keys);
    if (st != L4R_OK)
        return st;
    json_t *names = json_object_get(set, "names");
    if (!names)
        return l4r_rj_fail(c, "missing required key 'names'");
    if (!json_is_object(names) || json_object_size(names) == 0)
        return l4r_rj_fail_at(c, "names", "expected an object mapping placeholder names to arrays of values");
    json_t *vt = json_object_get(set, "variant");
    if (!vt)
        return l4r_rj_fail(c, "missing required key 'variant'");
    if (!json_is_string(vt))
        return l4r_rj_fail_at(c, "variant", "expected a string, got %s", l4r_rj_type_name(vt));

    size_t nk = json_object_size(names);
    subst s = {l4r_xcalloc(nk, sizeof(char *)), l4r_xcalloc(nk, sizeof(char *)), nk};
    json_t **arrs = l4r_xcalloc(nk, sizeof *arrs);
    size_t *idx = l4r_xcalloc(nk, sizeof *idx);
    known_tab local = {0};
    json_t *tmpl = json_object();
    size_t total = 1;
    {
        size_t i = 0;
        const char *k;
        json_t *a;
        json_object_foreach(names, k, a)
        {
            size_t old = l4r_rj_path_key(c, "names");
            l4r_rj_path_key(c, k);
            bool ident = *k != '\0';
            for (const char *p = k; *p; p++)
                ident = ident && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                  (*p >= '0' && *p <= '9') || *p == '_');
            if (!ident)
                st = l4r_rj_fail(c, "placeholder names are letters, digits and '_'");
            else if (!json_is_array(a) || json_array_size(a) == 0)
                st = l4r_rj_fail(c, "expected a non-empty array of strings");
            for (size_t m = 0; st == L4R_OK && m < json_array_size(a); m++) {
                json_t *x = json_array_get(a, m);
                if (!json_is_string(x) || json_string_length(x) == 0) {
                    l4r_rj_path_index(c, m);
                    st = l4r_rj_fail(c, "expected a non-empty string");
                }
            }
            l4r_rj_path_pop(c, old);
            if (st != L4R_OK)
                goto out;
            s.keys[i] = k;
            arrs[i] = a;
            total *= json_array_size(a);
            if (total > SET_MAX_VARIANTS) {
                st = l4r_rj_fail_at(c, "names", "expands to more than %d variants", SET_MAX_VARIANTS);
                goto out;
            }
            i++;
        }
    }
    json_t *kf = json_object_get(set, "known_files");
    if (kf) {
        size_t old = l4r_rj_path_key(c, "known_files");
        st = l4r_recipe_parse_known(c, kf, &local);
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            goto out;
    }
    {
        const char *k;
        json_t *x;
        json_object_foreach(set, k, x)
        {
            if (strcmp(k, "names") && strcmp(k, "variant") && strcmp(k, "known_files") &&
                strcmp(k, "comment"))
                json_object_set(tmpl, k, x);
        }
    }

    /* Odometer over the placeholder values: the first placeholder varies slowest, so variants
     * come out in the order the author listed them. */
    for (size_t done = 0; done < total; done++) {
        for (size_t i = 0; i < nk; i++)
            s.vals[i] = json_string_value(json_array_get(arrs[i], idx[i]));
        size_t old = c->len;
        l4r_rj_path_addf(c, "(");
        for (size_t i = 0; i < nk; i++)
            l4r_rj_path_addf(c, "%s%s=%s", i ? "," : "", s.keys[i], s.vals[i]);
        l4r_rj_path_addf(c, ")");
        char *vname = NULL;
        json_t *vj = NULL;
        size_t o2 = l4r_rj_path_key(c, "variant");
        st = subst_string(c, &s, json_string_value(vt), &vname);
        l4r_rj_path_pop(c, o2);
        if (st == L4R_OK)
            st = subst_json(c, &s, tmpl, &vj);
        if (st == L4R_OK) {
            l4r_variant *v = l4r_recipe_vlist_push(l);
            st = l4r_recipe_parse_variant(c, vname, vj, v);
            if (st == L4R_OK)
                st = check_dup_variant(c, l);
            for (size_t f = 0; st == L4R_OK && f < v->n_files; f++) {
                size_t o3 = l4r_rj_path_key(c, "files");
                l4r_rj_path_index(c, f);
                st = l4r_recipe_apply_known(c, &v->files[f], &local);
                if (st == L4R_OK)
                    st = l4r_recipe_apply_known(c, &v->files[f], global);
                l4r_rj_path_pop(c, o3);
            }
        }
        free(vname);
        json_decref(vj);
        l4r_rj_path_pop(c, old);
        if (st != L4R_OK)
            goto out;
        for (size_t i = nk; i-- > 0;) {
            if (++idx[i] < json_array_size(arrs[i]))
                break;
            idx[i] = 0;
        }
    }
    if (kf) {
        size_t old = l4r_rj_path_key(c, "known_files");
        st = l4r_recipe_check_known_used(c, &local);
        l4r_rj_path_pop(c, old);
    }
out:
    json_decref(tmpl);
    l4r_recipe_known_free(&local);
    free(s.keys);
    free(s.vals);
    free(arrs);
    free(idx);
    return st;
}
