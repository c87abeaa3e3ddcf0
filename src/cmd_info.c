/*
 * cmd_info.c — `llm4rec-data info DATASET [--variant V] [--json]`: everything the recipe knows
 * about one variant: upstream URLs, sizes, checksums, whether the file is an archive (and the
 * archives inside it that fetch unpacks too), the table layout the converter will read with what
 * changes the data on the way (a list exploded into interactions, value filters, extra_fields,
 * time_fraction), license, citation (BibTeX verbatim) and, for gated variants, the manual download steps.
 * Without --variant the default variant is shown, followed by the names of the others.
 *
 * Filters print as the recipe writes them (`click == "1"`, `label in ["1", "2"]`, `stars >= 4`),
 * strings JSON-quoted, so what `info` shows can be pasted back into a recipe; --json gives the
 * recipe's own {"column", "op", "value"} objects.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"

enum { OPT_JSON = L4R_OPT_FIRST_CMD, OPT_VARIANT };

/* With more variants than this, the text output names only the count and points at `list`. */
#define OTHER_VARIANTS_MAX 24

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data info DATASET[/VARIANT] [--variant V] [--json]\n"
               "\n"
               "Show the upstream files (URLs, sizes, checksums, the archives inside archives), the\n"
               "table layout with what changes the data (a list exploded into interactions, value\n"
               "filters, extra_fields, time_fraction), the license and the citation of a dataset\n"
               "variant, and the manual steps for gated downloads.\n"
               "\n"
               "options:\n"
               "  --variant V     the variant to show (default: the dataset's default variant);\n"
               "                  DATASET/VARIANT says the same\n"
               "  --json          print one JSON object instead of text\n"
               "  --recipes DIR   read recipes from DIR instead of the built-in ones\n"
               "  -h, --help      this help\n");
}

/* The delimiter as a reader would type it: "\t" rather than an invisible tab. */
static const char *delim_text(const char *d, char *buf, size_t n)
{
    if (!strcmp(d, "\t"))
        return "\\t";
    snprintf(buf, n, "%s", d);
    return buf;
}

/* What kind of file this is, from the recipe's point of view. */
static const char *file_kind(const l4r_rfile *f)
{
    const char *name = l4r_rfile_name(f);
    size_t n = strlen(name);
    bool gz = n > 3 && !strcmp(name + n - 3, ".gz");
    if (l4r_rfile_unpack(f))
        return "archive, unpacked into the variant directory";
    return gz ? "single gzip-compressed file, read in place" : "single file, read in place";
}

static void human_size(int64_t b, char *buf, size_t n)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    size_t u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%lld bytes", (long long)b);
    else
        snprintf(buf, n, "%lld bytes (%.1f %s)", (long long)b, v, unit[u]);
}

/* Print s as a JSON string literal, the way a recipe writes it: "1", "a \"b\"". */
static void print_quoted(const char *s)
{
    json_t *j = json_string(s);
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (!q)
        l4r_cli_oom();
    fputs(q, stdout);
    free(q);
}

/* A filter's numeric bound as short as it reads back exactly: 4, 0.5, 1e+20. */
static void number_text(double x, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* One value filter as the recipe spells it: `click == "1"`, `label in ["1", "2"]`, `stars >= 4`. */
static void print_filter(const l4r_table *t, size_t i)
{
    const char *column, *op;
    size_t n_values;
    double number;
    l4r_table_filter(t, i, &column, &op, &n_values, &number);
    printf("%s %s", column, op);
    if (!strcmp(op, "present"))
        return;
    printf(" ");
    if (!strcmp(op, "in")) {
        printf("[");
        for (size_t k = 0; k < n_values; k++) {
            if (k)
                printf(", ");
            print_quoted(l4r_table_filter_value(t, i, k));
        }
        printf("]");
    } else if (n_values) {
        print_quoted(l4r_table_filter_value(t, i, 0));
    } else {
        char nb[32];
        number_text(number, nb, sizeof nb);
        printf("%s", nb);
    }
}

/* Print a multi-line text with every line indented. */
static void print_block(const char *text, const char *indent)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        printf("%s%.*s\n", n ? indent : "", (int)n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void print_table(const char *what, const l4r_table *t)
{
    char db[8];
    printf("%s:\n", what);
    if (l4r_table_n_paths(t)) {
        printf("  paths:     ");
        for (size_t i = 0; i < l4r_table_n_paths(t); i++)
            printf("%s%s", i ? ", " : "", l4r_table_path_at(t, i));
        printf(" (read in order as one table)\n");
    } else {
        printf("  path:      %s\n", l4r_table_path(t));
    }
    const char *bsuf, *bas;
    if (l4r_table_block_header(t, &bsuf, &bas))
        printf("  blocks:    a line 'N%s' (no delimiter) opens a block; N is column '%s' of the records "
               "after it\n",
               bsuf, bas);
    if (l4r_table_member(t))
        printf("  member:    %s (inside the archive, for --raw)\n", l4r_table_member(t));
    printf("  format:    %s", l4r_table_format(t));
    const char *delim = l4r_table_delimiter(t);
    if (delim)
        printf(", delimiter '%s', %s", delim_text(delim, db, sizeof db),
               l4r_table_header(t) ? "header row" : "no header");
    printf(", encoding %s\n", l4r_table_encoding(t));
    if (l4r_table_n_columns(t)) {
        printf("  columns:   ");
        for (size_t i = 0; i < l4r_table_n_columns(t); i++)
            printf("%s%s", i ? ", " : "", l4r_table_column_name(t, i));
        printf("\n");
    }
    const char *pcol, *pfx;
    size_t np = 0;
    for (; l4r_table_column_prefix(t, np, &pcol, &pfx); np++)
        printf("%s%s '%s...'", np ? ", " : "  by prefix: ", pcol, pfx);
    if (np)
        printf(" (these columns' order in each file, told by its first record)\n");
    if (l4r_table_copy(t)) {
        printf("  records:   each one whole, one per line, without the whitespace outside its strings "
               "(\"copy\")\n");
        return;
    }
    printf("  fields:    ");
    const char *out, *src, *value;
    for (size_t i = 0; l4r_table_field(t, i, &out, &src, &value); i++) {
        const char *jsep, *jkey, *jlist;
        size_t ncat;
        const char *const *cparts;
        if (l4r_table_field_concat(t, i, &ncat, &cparts, &jsep)) {
            printf("%s%s <- ", i ? ", " : "", out);
            for (size_t q = 0; q < ncat; q++)
                printf("%s%s", q ? " + " : "", cparts[q]);
            printf(" joined by ");
            print_quoted(jsep);
        } else if (l4r_table_field_join(t, i, &jsep, &jkey, &jlist)) {
            printf("%s%s <- %s%s%s joined by ", i ? ", " : "", out, src, jkey ? "[]." : "[]",
                   jkey ? jkey : "");
            print_quoted(jsep);
        } else if (src)
            printf("%s%s <- %s", i ? ", " : "", out, src);
        else
            printf("%s%s = \"%s\"", i ? ", " : "", out, value);
    }
    printf("\n");
    int from;
    const char *flags_out;
    size_t n_flags = l4r_table_flags(t, &from, &flags_out);
    if (n_flags) {
        printf("  flags:     columns %d..%zu set flags, joined with '|' into %s: ", from,
               (size_t)from + n_flags - 1, flags_out);
        for (size_t i = 0; i < n_flags; i++)
            printf("%s%s", i ? ", " : "", l4r_table_flag_name(t, i));
        printf("\n");
    }
    const char *xcol, *xlist, *xsep, *xas, *xapp, *xpsep;
    size_t xparts;
    if (l4r_table_explode(t, &xcol, &xlist, &xsep, &xas, &xapp, &xparts, &xpsep)) {
        printf("  explode:   %s, a list (%s", xcol, xlist);
        if (xsep) {
            printf(" by ");
            print_quoted(xsep);
        }
        printf("): one interaction per element, named %s", xas);
        if (xparts) {
            printf("; split at the last ");
            print_quoted(xpsep);
            printf(" into ");
            for (size_t i = 0; i < xparts; i++)
                printf("%s%s", i ? ", " : "", l4r_table_explode_part(t, i));
        }
        if (xapp)
            printf("; then %s", xapp);
        const char *tas, *tkey = l4r_table_explode_then(t, &tas);
        if (tkey)
            printf("; then one per element of its key %s, named %s", tkey, tas);
        printf("\n");
    }
    printf("  time:      %s", l4r_table_time(t));
    if (l4r_table_time_year(t))
        printf(" (a date without a year is in %d: \"time_year\")", l4r_table_time_year(t));
    printf("\n");
    for (size_t i = 0; i < l4r_table_n_filters(t); i++) {
        printf("%s", i ? "             " : "  filter:    ");
        print_filter(t, i);
        if (l4r_table_filter_negatives(t, i))
            printf("  (drops the negatives; convert --keep-negatives keeps them)");
        printf("\n");
    }
    if (!strcmp(l4r_table_extra_fields(t), "ignore"))
        printf(
            "  extra:     \"extra_fields\": \"ignore\" (fields past the columns are dropped, and counted)\n");
    else if (!strcmp(l4r_table_extra_fields(t), "last"))
        printf("  extra:     \"extra_fields\": \"last\" (the last column runs to the end of the line, "
               "delimiters included; counted)\n");
    if (strcmp(l4r_table_time_fraction(t), "error"))
        printf("  fraction:  \"time_fraction\": \"%s\" (Unix times with a fraction are floored, and "
               "counted)\n",
               l4r_table_time_fraction(t));
}

static void print_text(const l4r_recipe *r, const l4r_variant *v, bool others)
{
    char sz[64];
    printf("dataset:     %s\n", l4r_recipe_dataset(r));
    printf("title:       %s\n", l4r_recipe_title(r));
    if (l4r_recipe_homepage(r))
        printf("homepage:    %s\n", l4r_recipe_homepage(r));
    printf("variant:     %s%s\n", l4r_variant_name(v),
           v == l4r_recipe_default_variant(r) ? " (default)" : "");
    printf("description: %s\n", l4r_variant_description(v));
    printf("recipe:      %s\n", l4r_recipe_source(r));
    printf("\nfiles:\n");
    for (size_t i = 0; i < l4r_variant_n_files(v); i++) {
        const l4r_rfile *f = l4r_variant_file(v, i);
        int64_t size = l4r_rfile_size(f);
        printf("  %s\n", l4r_rfile_name(f));
        printf("    url:     %s\n", l4r_rfile_url(f));
        for (size_t k = 0; k < l4r_rfile_n_mirrors(f); k++)
            printf("    mirror:  %s\n", l4r_rfile_mirror(f, k));
        if (size >= 0)
            human_size(size, sz, sizeof sz);
        printf("    size:    %s\n", size >= 0 ? sz : "unknown");
        printf("    md5:     %s\n", l4r_rfile_md5(f) ? l4r_rfile_md5(f) : "unknown");
        printf("    sha256:  %s\n",
               l4r_rfile_sha256(f) ? l4r_rfile_sha256(f) : "unknown (recorded at the first fetch)");
        printf("    kind:    %s\n", file_kind(f));
        if (l4r_rfile_unpacked_size(f)) {
            human_size((int64_t)l4r_rfile_unpacked_size(f), sz, sizeof sz);
            printf("    unpacks: %s\n", sz);
        }
        for (size_t k = 0; k < l4r_rfile_n_unpack_nested(f); k++)
            printf("%s%s (an archive, unpacked into a directory of that name)\n",
                   k ? "             " : "    nested:  ", l4r_rfile_unpack_nested(f, k));
    }
    if (l4r_variant_terms(v))
        printf("\nterms:       %s\n             (a download needs them accepted: fetch --accept-license)\n",
               l4r_variant_terms(v));
    if (l4r_variant_manual(v)) {
        printf("\nmanual download (gated):\n");
        print_block(l4r_variant_manual(v), "  ");
    }
    printf("\n");
    if (l4r_variant_interactions(v))
        print_table("interactions", l4r_variant_interactions(v));
    else
        printf("interactions: not convertible yet (no table layout in the recipe)\n");
    if (l4r_variant_items(v))
        print_table("items", l4r_variant_items(v));
    if (l4r_variant_users(v))
        print_table("users", l4r_variant_users(v));
    for (size_t k = 0; k < l4r_variant_n_tables(v); k++) {
        const char *name = l4r_variant_table_name(v, k);
        bool split = !strcmp(name, "train") || !strcmp(name, "valid") || !strcmp(name, "test");
        char what[160];
        if (split)
            snprintf(what, sizeof what, "%s.tsv (the published split: convert --split published)", name);
        else if (l4r_variant_table_optional(v, k))
            snprintf(what, sizeof what, "%s.tsv (optional: convert --with %s)", name, name);
        else
            snprintf(what, sizeof what, "%s.tsv", name);
        if (l4r_table_copy(l4r_variant_table(v, k)))
            snprintf(what, sizeof what, "%s.jsonl%s%s%s", name,
                     l4r_variant_table_optional(v, k) ? " (optional: convert --with " : "",
                     l4r_variant_table_optional(v, k) ? name : "",
                     l4r_variant_table_optional(v, k) ? ")" : "");
        print_table(what, l4r_variant_table(v, k));
    }
    if (l4r_variant_notes(v)) {
        printf("\nnotes:\n");
        print_block(l4r_variant_notes(v), "  ");
    }
    printf("\nlicense:\n");
    print_block(l4r_recipe_license(r), "  ");
    if (l4r_recipe_citation(r)) {
        printf("\ncitation:\n");
        print_block(l4r_recipe_citation(r), "");
    }
    size_t nv = l4r_recipe_n_variants(r);
    if (others && nv > 1) {
        printf("\nother variants (%zu):", nv - 1);
        if (nv - 1 > OTHER_VARIANTS_MAX) {
            printf(" see 'llm4rec-data list %s'\n", l4r_recipe_dataset(r));
        } else {
            printf("\n");
            for (size_t i = 0; i < nv; i++) {
                const l4r_variant *w = l4r_recipe_variant(r, i);
                if (w != v)
                    printf("  %s\t%s\n", l4r_variant_name(w), l4r_variant_description(w));
            }
        }
    }
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *table_json(const l4r_table *t)
{
    if (!t)
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(l4r_table_path(t)));
    json_object_set_new(o, "member", str_or_null(l4r_table_member(t)));
    json_object_set_new(o, "format", json_string(l4r_table_format(t)));
    json_object_set_new(o, "delimiter", str_or_null(l4r_table_delimiter(t)));
    json_object_set_new(o, "header", json_boolean(l4r_table_header(t)));
    json_object_set_new(o, "encoding", json_string(l4r_table_encoding(t)));
    json_t *cols = json_array();
    for (size_t i = 0; i < l4r_table_n_columns(t); i++)
        json_array_append_new(cols, json_string(l4r_table_column_name(t, i)));
    json_object_set_new(o, "columns", cols);
    const char *pcol, *pfx;
    if (l4r_table_column_prefix(t, 0, &pcol, &pfx)) {
        json_t *po = json_object();
        for (size_t i = 0; l4r_table_column_prefix(t, i, &pcol, &pfx); i++)
            json_object_set_new(po, pcol, json_string(pfx));
        json_object_set_new(o, "columns_by_prefix", po);
    }
    json_t *fields = json_object();
    const char *out, *src, *value;
    for (size_t i = 0; l4r_table_field(t, i, &out, &src, &value); i++) {
        const char *jsep, *jkey, *jlist;
        size_t ncat;
        const char *const *cparts;
        if (l4r_table_field_concat(t, i, &ncat, &cparts, &jsep)) {
            json_t *ca = json_array();
            for (size_t q = 0; q < ncat; q++)
                json_array_append_new(ca, json_string(cparts[q]));
            json_object_set_new(fields, out, json_pack("{s:o, s:s}", "concat", ca, "separator", jsep));
        } else if (l4r_table_field_join(t, i, &jsep, &jkey, &jlist)) {
            json_object_set_new(fields, out,
                                json_pack("{s:s, s:s, s:s?, s:s?}", "join", src, "separator", jsep, "key",
                                          jkey, "list", jlist));
        } else if (src) {
            json_object_set_new(fields, out, json_string(src));
        } else {
            json_t *c = json_object();
            json_object_set_new(c, "value", json_string(value));
            json_object_set_new(fields, out, c);
        }
    }
    json_object_set_new(o, "fields", fields);
    json_object_set_new(o, "time", json_string(l4r_table_time(t)));
    if (l4r_table_time_year(t))
        json_object_set_new(o, "time_year", json_integer(l4r_table_time_year(t)));
    int from;
    const char *flags_out;
    size_t n_flags = l4r_table_flags(t, &from, &flags_out);
    if (n_flags) {
        json_t *fl = json_object();
        json_object_set_new(fl, "from", json_integer(from));
        json_t *names = json_array();
        for (size_t i = 0; i < n_flags; i++)
            json_array_append_new(names, json_string(l4r_table_flag_name(t, i)));
        json_object_set_new(fl, "names", names);
        json_object_set_new(fl, "out", json_string(flags_out));
        json_object_set_new(o, "flags", fl);
    }
    json_object_set_new(o, "extra_fields", json_string(l4r_table_extra_fields(t)));
    json_object_set_new(o, "time_fraction", json_string(l4r_table_time_fraction(t)));
    /* the recipe's own shape: "value" a string (==, !=), a list of strings (in) or a number */
    json_t *filters = json_array();
    const char *column, *op;
    size_t n_values;
    double number;
    for (size_t i = 0; l4r_table_filter(t, i, &column, &op, &n_values, &number); i++) {
        json_t *fo = json_object();
        json_object_set_new(fo, "column", json_string(column));
        json_object_set_new(fo, "op", json_string(op));
        json_t *val;
        if (!strcmp(op, "present")) {
            val = json_null();
        } else if (!strcmp(op, "in")) {
            val = json_array();
            for (size_t k = 0; k < n_values; k++)
                json_array_append_new(val, json_string(l4r_table_filter_value(t, i, k)));
        } else {
            val = n_values ? json_string(l4r_table_filter_value(t, i, 0)) : json_real(number);
        }
        json_object_set_new(fo, "value", val);
        if (l4r_table_filter_negatives(t, i))
            json_object_set_new(fo, "negatives", json_true());
        json_array_append_new(filters, fo);
    }
    json_object_set_new(o, "filter", filters);
    const char *xcol, *xlist, *xsep, *xas, *xapp, *xpsep;
    size_t xparts;
    json_t *xo = json_null();
    if (l4r_table_explode(t, &xcol, &xlist, &xsep, &xas, &xapp, &xparts, &xpsep)) {
        xo = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:s?}", "column", xcol, "list", xlist, "separator", xsep,
                       "as", xas, "append", xapp, "part_separator", xpsep);
        json_t *parts = json_array();
        for (size_t i = 0; i < xparts; i++)
            json_array_append_new(parts, json_string(l4r_table_explode_part(t, i)));
        json_object_set_new(xo, "parts", parts);
    }
    json_object_set_new(o, "explode", xo);
    return o;
}

/* What list --json's file objects leave out: the unpacked size (null when unknown) and the
 * archives inside, added to info_json's copy. */
static void add_unpack_json(json_t *files, const l4r_variant *v)
{
    for (size_t i = 0; i < l4r_variant_n_files(v); i++) {
        const l4r_rfile *f = l4r_variant_file(v, i);
        json_t *fo = json_array_get(files, i);
        uint64_t us = l4r_rfile_unpacked_size(f);
        json_object_set_new(fo, "unpacked_size", us ? json_integer((json_int_t)us) : json_null());
        json_t *nested = json_array();
        for (size_t k = 0; k < l4r_rfile_n_unpack_nested(f); k++)
            json_array_append_new(nested, json_string(l4r_rfile_unpack_nested(f, k)));
        json_object_set_new(fo, "unpack_nested", nested);
    }
}

static json_t *info_json(const l4r_recipe *r, const l4r_variant *v)
{
    json_t *o = l4r_cli_variant_json(r, v); /* dataset, variant, default, description, files, gated */
    add_unpack_json(json_object_get(o, "files"), v);
    json_object_set_new(o, "title", json_string(l4r_recipe_title(r)));
    json_object_set_new(o, "homepage", str_or_null(l4r_recipe_homepage(r)));
    json_object_set_new(o, "manual", str_or_null(l4r_variant_manual(v)));
    json_object_set_new(o, "terms", str_or_null(l4r_variant_terms(v)));
    json_object_set_new(o, "interactions", table_json(l4r_variant_interactions(v)));
    json_object_set_new(o, "items", table_json(l4r_variant_items(v)));
    json_object_set_new(o, "users", table_json(l4r_variant_users(v)));
    json_t *tabs = json_object();
    for (size_t k = 0; k < l4r_variant_n_tables(v); k++) {
        json_t *tj = table_json(l4r_variant_table(v, k));
        json_object_set_new(tj, "optional", json_boolean(l4r_variant_table_optional(v, k)));
        json_object_set_new(tabs, l4r_variant_table_name(v, k), tj);
    }
    json_object_set_new(o, "tables", tabs);
    json_object_set_new(o, "notes", str_or_null(l4r_variant_notes(v)));
    json_object_set_new(o, "license", json_string(l4r_recipe_license(r)));
    json_object_set_new(o, "citation", str_or_null(l4r_recipe_citation(r)));
    json_t *vars = json_array();
    for (size_t i = 0; i < l4r_recipe_n_variants(r); i++)
        json_array_append_new(vars, json_string(l4r_variant_name(l4r_recipe_variant(r, i))));
    json_object_set_new(o, "variants", vars);
    return o;
}

int cmd_info(l4r_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, OPT_JSON},
                                         {"variant", required_argument, NULL, OPT_VARIANT},
                                         L4R_COMMON_LONGOPTS,
                                         {0, 0, 0, 0}};
    bool json = false;
    const char *variant = NULL;
    int c;
    opterr = 0;
    for (;;) {
        c = getopt_long(argc, argv, ":hq", opts, NULL);
        if (c == -1)
            break;
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == OPT_JSON) {
            json = true;
            continue;
        }
        if (c == OPT_VARIANT) {
            variant = optarg;
            continue;
        }
        if (l4r_cli_common_opt(cli, c, optarg))
            continue;
        return l4r_cli_option_error("info", c, argv, opts);
    }
    if (argc == optind)
        return l4r_cli_usage_error("info", "missing DATASET");
    if (argc - optind > 1)
        return l4r_cli_usage_error("info", "expected one DATASET, got %d arguments", argc - optind);

    char *dataset = NULL;
    int rc = l4r_cli_dataset_arg("info", argv[optind], &dataset, &variant);
    if (rc >= 0)
        return rc;
    l4r_status st;
    const l4r_registry *reg = l4r_cli_registry_for(cli, dataset, &st);
    const l4r_recipe *r;
    const l4r_variant *v;
    l4r_error e = {0};
    if (reg)
        st = l4r_registry_find(reg, dataset, variant, &r, &v, &e);
    free(dataset);
    if (!reg)
        return l4r_exit_code(st);
    if (st != L4R_OK)
        return l4r_cli_fail(st, &e);
    if (json) {
        json_t *o = info_json(r, v);
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (!s)
            l4r_cli_oom();
        printf("%s\n", s);
        free(s);
    } else {
        print_text(r, v, variant == NULL);
    }
    return 0;
}
