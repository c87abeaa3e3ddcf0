/*
 * cmd_list.c — `llm4rec-data list [--json] [DATASET]`: every dataset and variant.
 *
 * Text output is one variant per line, tab-separated: dataset, variant, "*" for the default
 * variant (else empty), description — easy to grep, cut and sort.  --json prints one array of
 * objects with the upstream files, for scripts.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data list [--json] [DATASET]\n"
               "\n"
               "List every dataset and variant the recipes describe, one per line:\n"
               "dataset, variant, '*' for the default variant, description (tab-separated).\n"
               "\n"
               "options:\n"
               "  --json          a JSON array of {dataset, variant, default, description, files, gated}\n"
               "  --recipes DIR   read recipes from DIR instead of the built-in ones\n"
               "  -h, --help      this help\n");
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *l4r_cli_variant_json(const l4r_recipe *r, const l4r_variant *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "dataset", json_string(r->dataset));
    json_object_set_new(o, "variant", json_string(v->name));
    json_object_set_new(o, "default", json_boolean(!strcmp(v->name, r->default_variant)));
    json_object_set_new(o, "description", json_string(v->description));
    json_t *files = json_array();
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *f = &v->files[i];
        json_t *fo = json_object();
        json_object_set_new(fo, "name", json_string(f->name));
        json_object_set_new(fo, "url", json_string(f->url));
        json_t *mirrors = json_array();
        for (size_t k = 0; k < f->n_mirrors; k++)
            json_array_append_new(mirrors, json_string(f->mirrors[k]));
        json_object_set_new(fo, "mirrors", mirrors);
        json_object_set_new(fo, "size", f->size >= 0 ? json_integer(f->size) : json_null());
        json_object_set_new(fo, "md5", str_or_null(f->md5));
        json_object_set_new(fo, "sha256", str_or_null(f->sha256));
        json_object_set_new(fo, "unpack", json_boolean(f->unpack));
        json_array_append_new(files, fo);
    }
    json_object_set_new(o, "files", files);
    json_object_set_new(o, "gated", json_boolean(v->manual != NULL));
    return o;
}

int cmd_list(l4r_cli *cli, int argc, char **argv)
{
    bool json = false;
    int rc = l4r_cli_simple_opts(cli, argc, argv, "list", usage, &json);
    if (rc >= 0)
        return rc;
    if (argc - optind > 1)
        return l4r_cli_usage_error("list", "expected at most one DATASET, got %d arguments", argc - optind);
    const char *only = optind < argc ? argv[optind] : NULL;

    l4r_status st;
    const l4r_registry *reg = l4r_cli_registry(cli, &st);
    if (!reg)
        return l4r_exit_code(st);
    if (only) {
        const l4r_recipe *r;
        const l4r_variant *v;
        l4r_error e = {0};
        /* only the dataset matters here; its default variant always exists */
        st = l4r_registry_find(reg, only, NULL, &r, &v, &e);
        if (st != L4R_OK)
            return l4r_cli_fail(st, &e);
    }

    json_t *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < reg->n_recipes; i++) {
        const l4r_recipe *r = &reg->recipes[i];
        if (only && strcmp(only, r->dataset))
            continue;
        for (size_t k = 0; k < r->n_variants; k++) {
            const l4r_variant *v = &r->variants[k];
            if (arr)
                json_array_append_new(arr, l4r_cli_variant_json(r, v));
            else
                printf("%s\t%s\t%s\t%s\n", r->dataset, v->name,
                       strcmp(v->name, r->default_variant) ? "" : "*", v->description);
        }
    }
    if (arr) {
        char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(arr);
        if (!s)
            l4r_oom();
        printf("%s\n", s);
        free(s);
    }
    return 0;
}
