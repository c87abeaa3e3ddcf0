/*
 * cmd_info.c — `llm4rec-data info DATASET [--variant V] [--json]`: everything the recipe knows
 * about one variant: upstream URLs, sizes, checksums, whether the file is an archive, the table
 * layout the converter will read, license, citation (BibTeX verbatim) and, for gated variants,
 * the manual download steps.  Without --variant the default variant is shown, followed by the
 * names of the others.
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
    fprintf(f, "usage: llm4rec-data info DATASET [--variant V] [--json]\n"
               "\n"
               "Show the upstream files (URLs, sizes, checksums), the table layout, the license and\n"
               "the citation of a dataset variant, and the manual steps for gated downloads.\n"
               "\n"
               "options:\n"
               "  --variant V     the variant to show (default: the dataset's default variant)\n"
               "  --json          print one JSON object instead of text\n"
               "  --recipes DIR   read recipes from DIR instead of the built-in ones\n"
               "  -h, --help      this help\n");
}

static const char *enc_name(l4r_encoding e)
{
    switch (e) {
    case L4R_ENC_UTF8: return "utf-8";
    case L4R_ENC_LATIN1: return "iso-8859-1";
    case L4R_ENC_CP1252: return "cp1252";
    }
    return "?";
}

static const char *time_name(l4r_timefmt t)
{
    switch (t) {
    case L4R_TIME_NONE: return "none";
    case L4R_TIME_UNIX_S: return "unix_s";
    case L4R_TIME_UNIX_MS: return "unix_ms";
    case L4R_TIME_DATE: return "date";
    case L4R_TIME_DATETIME: return "datetime";
    case L4R_TIME_ISO8601: return "iso8601";
    case L4R_TIME_MDY_AMPM: return "mdy_ampm";
    }
    return "?";
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
    size_t n = strlen(f->name);
    bool gz = n > 3 && !strcmp(f->name + n - 3, ".gz");
    if (f->unpack)
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
    printf("  path:      %s\n", t->path);
    if (t->member)
        printf("  member:    %s (inside the archive, for --raw)\n", t->member);
    printf("  format:    %s", l4r_format_get(t->format)->name);
    if (l4r_format_get(t->format)->delimiter_max)
        printf(", delimiter '%s', %s", delim_text(t->delim, db, sizeof db),
               t->header ? "header row" : "no header");
    printf(", encoding %s\n", enc_name(t->encoding));
    if (t->n_columns) {
        printf("  columns:   ");
        for (size_t i = 0; i < t->n_columns; i++)
            printf("%s%s", i ? ", " : "", t->columns[i]);
        printf("\n");
    }
    printf("  fields:    ");
    for (size_t i = 0; i < t->n_map; i++) {
        const l4r_colmap *m = &t->map[i];
        if (m->src)
            printf("%s%s <- %s", i ? ", " : "", m->out, m->src);
        else
            printf("%s%s = \"%s\"", i ? ", " : "", m->out, m->value);
    }
    printf("\n");
    if (t->flags_from >= 0) {
        printf("  flags:     columns %d..%zu set flags, joined with '|' into %s: ", t->flags_from,
               (size_t)t->flags_from + t->n_flag_names - 1, t->flags_out);
        for (size_t i = 0; i < t->n_flag_names; i++)
            printf("%s%s", i ? ", " : "", t->flag_names[i]);
        printf("\n");
    }
    printf("  time:      %s\n", time_name(t->time));
}

static void print_text(const l4r_recipe *r, const l4r_variant *v, bool others)
{
    char sz[64];
    printf("dataset:     %s\n", r->dataset);
    printf("title:       %s\n", r->title);
    if (r->homepage)
        printf("homepage:    %s\n", r->homepage);
    printf("variant:     %s%s\n", v->name, strcmp(v->name, r->default_variant) ? "" : " (default)");
    printf("description: %s\n", v->description);
    printf("recipe:      %s\n", r->source_path);
    printf("\nfiles:\n");
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *f = &v->files[i];
        printf("  %s\n", f->name);
        printf("    url:     %s\n", f->url);
        for (size_t k = 0; k < f->n_mirrors; k++)
            printf("    mirror:  %s\n", f->mirrors[k]);
        if (f->size >= 0)
            human_size(f->size, sz, sizeof sz);
        printf("    size:    %s\n", f->size >= 0 ? sz : "unknown");
        printf("    md5:     %s\n", f->md5 ? f->md5 : "unknown");
        printf("    sha256:  %s\n", f->sha256 ? f->sha256 : "unknown (recorded at the first fetch)");
        printf("    kind:    %s\n", file_kind(f));
    }
    if (v->manual) {
        printf("\nmanual download (gated):\n");
        print_block(v->manual, "  ");
    }
    printf("\n");
    if (v->interactions)
        print_table("interactions", v->interactions);
    else
        printf("interactions: not convertible yet (no table layout in the recipe)\n");
    if (v->items)
        print_table("items", v->items);
    if (v->notes) {
        printf("\nnotes:\n");
        print_block(v->notes, "  ");
    }
    printf("\nlicense:\n");
    print_block(r->license, "  ");
    if (r->citation) {
        printf("\ncitation:\n");
        print_block(r->citation, "");
    }
    if (others && r->n_variants > 1) {
        printf("\nother variants (%zu):", r->n_variants - 1);
        if (r->n_variants - 1 > OTHER_VARIANTS_MAX) {
            printf(" see 'llm4rec-data list %s'\n", r->dataset);
        } else {
            printf("\n");
            for (size_t i = 0; i < r->n_variants; i++)
                if (&r->variants[i] != v)
                    printf("  %s\t%s\n", r->variants[i].name, r->variants[i].description);
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
    json_object_set_new(o, "path", json_string(t->path));
    json_object_set_new(o, "member", str_or_null(t->member));
    json_object_set_new(o, "format", json_string(l4r_format_get(t->format)->name));
    bool delimited = l4r_format_get(t->format)->delimiter_max > 0;
    json_object_set_new(o, "delimiter", delimited ? json_string(t->delim) : json_null());
    json_object_set_new(o, "header", json_boolean(t->header));
    json_object_set_new(o, "encoding", json_string(enc_name(t->encoding)));
    json_t *cols = json_array();
    for (size_t i = 0; i < t->n_columns; i++)
        json_array_append_new(cols, json_string(t->columns[i]));
    json_object_set_new(o, "columns", cols);
    json_t *fields = json_object();
    for (size_t i = 0; i < t->n_map; i++) {
        const l4r_colmap *m = &t->map[i];
        if (m->src) {
            json_object_set_new(fields, m->out, json_string(m->src));
        } else {
            json_t *c = json_object();
            json_object_set_new(c, "value", json_string(m->value));
            json_object_set_new(fields, m->out, c);
        }
    }
    json_object_set_new(o, "fields", fields);
    json_object_set_new(o, "time", json_string(time_name(t->time)));
    if (t->flags_from >= 0) {
        json_t *fl = json_object();
        json_object_set_new(fl, "from", json_integer(t->flags_from));
        json_t *names = json_array();
        for (size_t i = 0; i < t->n_flag_names; i++)
            json_array_append_new(names, json_string(t->flag_names[i]));
        json_object_set_new(fl, "names", names);
        json_object_set_new(fl, "out", json_string(t->flags_out));
        json_object_set_new(o, "flags", fl);
    }
    return o;
}

static json_t *info_json(const l4r_recipe *r, const l4r_variant *v)
{
    json_t *o = l4r_cli_variant_json(r, v); /* dataset, variant, default, description, files, gated */
    json_object_set_new(o, "title", json_string(r->title));
    json_object_set_new(o, "homepage", str_or_null(r->homepage));
    json_object_set_new(o, "manual", str_or_null(v->manual));
    json_object_set_new(o, "interactions", table_json(v->interactions));
    json_object_set_new(o, "items", table_json(v->items));
    json_object_set_new(o, "notes", str_or_null(v->notes));
    json_object_set_new(o, "license", json_string(r->license));
    json_object_set_new(o, "citation", str_or_null(r->citation));
    json_t *vars = json_array();
    for (size_t i = 0; i < r->n_variants; i++)
        json_array_append_new(vars, json_string(r->variants[i].name));
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
        c = getopt_long(argc, argv, "hq", opts, NULL);
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
        return l4r_cli_usage_error("info", "unknown option or missing value: '%s'", argv[optind - 1]);
    }
    if (argc == optind)
        return l4r_cli_usage_error("info", "missing DATASET");
    if (argc - optind > 1)
        return l4r_cli_usage_error("info", "expected one DATASET, got %d arguments", argc - optind);

    l4r_status st;
    const l4r_registry *reg = l4r_cli_registry_for(cli, argv[optind], &st);
    if (!reg)
        return l4r_exit_code(st);
    const l4r_recipe *r;
    const l4r_variant *v;
    l4r_error e = {0};
    st = l4r_registry_find(reg, argv[optind], variant, &r, &v, &e);
    if (st != L4R_OK)
        return l4r_cli_fail(st, &e);
    if (json) {
        json_t *o = info_json(r, v);
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (!s)
            l4r_oom();
        printf("%s\n", s);
        free(s);
    } else {
        print_text(r, v, variant == NULL);
    }
    return 0;
}
