/*
 * cmd_list.c — `llm4rec-data list [--json] [DATASET[/VARIANT]]`: every dataset and variant.
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
    fprintf(f, "usage: llm4rec-data list [--json] [DATASET[/VARIANT]]\n"
               "\n"
               "List every dataset and variant the recipes describe, one per line:\n"
               "dataset, variant, '*' for the default variant, description (tab-separated).\n"
               "With DATASET, only its variants; with DATASET/VARIANT, only that one.\n"
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
    json_object_set_new(o, "dataset", json_string(l4r_recipe_dataset(r)));
    json_object_set_new(o, "variant", json_string(l4r_variant_name(v)));
    json_object_set_new(o, "default", json_boolean(v == l4r_recipe_default_variant(r)));
    json_object_set_new(o, "description", json_string(l4r_variant_description(v)));
    json_t *files = json_array();
    for (size_t i = 0; i < l4r_variant_n_files(v); i++) {
        const l4r_rfile *f = l4r_variant_file(v, i);
        json_t *fo = json_object();
        json_object_set_new(fo, "name", json_string(l4r_rfile_name(f)));
        json_object_set_new(fo, "url", json_string(l4r_rfile_url(f)));
        json_t *mirrors = json_array();
        for (size_t k = 0; k < l4r_rfile_n_mirrors(f); k++)
            json_array_append_new(mirrors, json_string(l4r_rfile_mirror(f, k)));
        json_object_set_new(fo, "mirrors", mirrors);
        int64_t size = l4r_rfile_size(f);
        json_object_set_new(fo, "size", size >= 0 ? json_integer(size) : json_null());
        json_object_set_new(fo, "md5", str_or_null(l4r_rfile_md5(f)));
        json_object_set_new(fo, "sha256", str_or_null(l4r_rfile_sha256(f)));
        json_object_set_new(fo, "unpack", json_boolean(l4r_rfile_unpack(f)));
        json_array_append_new(files, fo);
    }
    json_object_set_new(o, "files", files);
    json_object_set_new(o, "gated", json_boolean(l4r_variant_manual(v) != NULL));
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
    char *only = NULL;
    const char *only_variant = NULL;
    const l4r_variant *only_v = NULL;
    if (optind < argc) {
        rc = l4r_cli_dataset_arg("list", argv[optind], &only, &only_variant);
        if (rc >= 0)
            return rc;
    }

    l4r_status st;
    const l4r_registry *reg = l4r_cli_registry(cli, &st);
    if (!reg) {
        free(only);
        return l4r_exit_code(st);
    }
    if (only) {
        const l4r_recipe *r;
        l4r_error e = {0};
        /* without a variant only the dataset matters; its default variant always exists */
        st = l4r_registry_find(reg, only, only_variant, &r, &only_v, &e);
        if (st != L4R_OK) {
            free(only);
            return l4r_cli_fail(st, &e);
        }
        if (!only_variant)
            only_v = NULL;
    }

    json_t *arr = json ? json_array() : NULL;
    for (size_t i = 0; i < l4r_registry_count(reg); i++) {
        const l4r_recipe *r = l4r_registry_recipe(reg, i);
        if (only && strcmp(only, l4r_recipe_dataset(r)))
            continue;
        const l4r_variant *def = l4r_recipe_default_variant(r);
        for (size_t k = 0; k < l4r_recipe_n_variants(r); k++) {
            const l4r_variant *v = l4r_recipe_variant(r, k);
            if (only_v && v != only_v)
                continue;
            if (arr)
                json_array_append_new(arr, l4r_cli_variant_json(r, v));
            else
                printf("%s\t%s\t%s\t%s\n", l4r_recipe_dataset(r), l4r_variant_name(v), v == def ? "*" : "",
                       l4r_variant_description(v));
        }
    }
    free(only);
    if (arr) {
        char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(arr);
        if (!s)
            l4r_cli_oom();
        printf("%s\n", s);
        free(s);
    }
    return 0;
}
