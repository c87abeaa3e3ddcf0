/*
 * convert_one.c — the smallest program on libllm4rec_data: load the recipes, convert one local
 * file (what `llm4rec-data convert --raw` does) and print the counts.
 *
 *   usage: convert_one [--recipes DIR] DATASET[/VARIANT] RAW OUTDIR [KEY=VALUE]...
 *
 * RAW is the upstream archive, a directory holding its unpacked contents, or the interaction
 * file itself; KEY=VALUE are options of include/llm4rec_data.h by name, the long options of
 * `llm4rec-data convert` ("jobs=4", "split=seq", "kcore=5").  Prints two lines on stdout,
 * "interactions\tN" and "items\tN"; an error goes to stderr with the exit code the command line
 * would use.
 *
 * Built by `make example` from this file, include/llm4rec_data.h and build/libllm4rec_data.a
 * only:
 *   cc -std=c11 -Iinclude docs/examples/convert_one.c build/libllm4rec_data.a \
 *      $(pkg-config --libs libarchive jansson zlib libcrypto) -ldl -pthread -lm
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm4rec_data.h"

/* Notes and warnings of the library (skipped records, ...) go to stderr. */
static void on_log(void *ud, int level, const char *msg)
{
    (void)ud;
    fprintf(stderr, "convert_one: %s%s\n", level ? "warning: " : "", msg);
}

static int fail(l4r_status st, const l4r_error *e)
{
    fprintf(stderr, "convert_one: %s\n", e->msg[0] ? e->msg : l4r_strerror(st));
    return l4r_exit_code(st);
}

int main(int argc, char **argv)
{
    const char *recipes = NULL;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "--recipes")) {
        recipes = argv[i + 1];
        i += 2;
    }
    if (argc - i < 3) {
        fprintf(stderr, "usage: convert_one [--recipes DIR] DATASET[/VARIANT] RAW OUTDIR [KEY=VALUE]...\n");
        return l4r_exit_code(L4R_EUSAGE);
    }
    char dataset[256];
    snprintf(dataset, sizeof dataset, "%s", argv[i]);
    char *slash = strchr(dataset, '/');
    const char *variant = NULL;
    if (slash) {
        *slash = '\0';
        variant = slash + 1;
    }

    l4r_error e = {0};
    l4r_registry *reg = NULL;
    l4r_options *o = NULL;
    int rc = 0;
    l4r_status st = l4r_registry_load_for(&reg, recipes, dataset, &e);
    if (st) {
        rc = fail(st, &e);
        goto out;
    }
    const l4r_recipe *r;
    const l4r_variant *v;
    st = l4r_registry_find(reg, dataset, variant, &r, &v, &e);
    if (st) {
        rc = fail(st, &e);
        goto out;
    }

    o = l4r_options_new();
    l4r_options_set_log(o, on_log, NULL);
    st = l4r_options_set(o, "raw", argv[i + 1], &e);
    if (!st)
        st = l4r_options_set(o, "output", argv[i + 2], &e);
    for (int k = i + 3; k < argc && !st; k++) {
        char key[64];
        const char *eq = strchr(argv[k], '=');
        size_t n = eq ? (size_t)(eq - argv[k]) : strlen(argv[k]);
        snprintf(key, sizeof key, "%.*s", (int)n, argv[k]);
        st = l4r_options_set(o, key, eq ? eq + 1 : NULL, &e); /* no '=': a flag */
    }
    if (st) {
        rc = fail(st, &e);
        goto out;
    }

    uint64_t interactions = 0, items = 0;
    st = l4r_convert_dataset(r, v, o, &interactions, &items, &e);
    if (st) {
        rc = fail(st, &e);
        goto out;
    }
    printf("interactions\t%" PRIu64 "\nitems\t%" PRIu64 "\n", interactions, items);
out:
    l4r_options_free(o);
    l4r_registry_free(reg);
    return rc;
}
