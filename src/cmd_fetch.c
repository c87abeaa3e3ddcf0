/*
 * cmd_fetch.c — `llm4rec-data fetch DATASET [--variant V] [--force] [--mirror URL] [--from FILE]...`
 *
 * A thin layer over l4r_fetch() (include/llm4rec_data.h): parse the options, find the recipe
 * variant, set them on an l4r_options, print the variant directory on stdout (so that
 * `dir=$(llm4rec-data fetch movielens)` works) and the messages on stderr.
 *
 * Knobs for tests and unusual networks (documented in docs/fetch.md; only the stall window is in
 * --help):
 * L4R_LOW_SPEED_TIME, L4R_CONNECT_TIMEOUT (seconds), L4R_MAX_RETRIES, L4R_MAX_BACKOFF (seconds,
 * decimals allowed), L4R_MAX_UNPACKED (a size such as 64G; --max-unpacked wins).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"

enum {
    OPT_VARIANT = L4R_OPT_FIRST_CMD,
    OPT_FORCE,
    OPT_MIRROR,
    OPT_FROM,
    OPT_LOCK,
    OPT_UPDATE_LOCK,
    OPT_MAX_UNPACKED,
    OPT_ACCEPT_LICENSE,
    OPT_DRY_RUN
};

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data fetch DATASET[/VARIANT] [--variant V] [--force] [--mirror URL]\n"
               "                          [--from FILE]... [--lock FILE] [--update-lock] [--accept-license]\n"
               "                          [--max-unpacked SIZE] [-q] [--data-dir DIR] [--recipes DIR]\n"
               "\n"
               "Download the files of a dataset variant, verify their size and checksums, unpack the\n"
               "archives, and print the variant directory (DATA/DATASET/VARIANT) on stdout.  A variant\n"
               "fetched and verified before is not fetched again.\n"
               "\n"
               "options:\n"
               "  --variant V      the variant (default: the recipe's default variant); DATASET/VARIANT\n"
               "                   says the same (both: they must agree)\n"
               "  --force          fetch and verify again even when already done\n"
               "  --dry-run        print what would be downloaded (URL, size, where to) on stdout, or\n"
               "                   that the variant is fetched, and do nothing\n"
               "  --mirror URL     fetch https://HOST/PATH from URL/HOST/PATH instead (a `wget -x` copy;\n"
               "                   file:///dir or http://host:port); default $LLM4REC_DATA_MIRROR\n"
               "  --from FILE      use FILE, downloaded by hand, instead of downloading it (verified\n"
               "                   like a download; repeat for several files; matched by file name)\n"
               "  --lock FILE      the lock file: every file's size and sha256, pinned the first time\n"
               "                   it is fetched; later fetches must match (default\n"
               "                   $LLM4REC_DATA_LOCK, else DATA/llm4rec-data.lock)\n"
               "  --update-lock    fetch again (implies --force) and re-pin what arrives, after an\n"
               "                   upstream file changed on purpose\n"
               "  --accept-license accept the terms of a dataset that requires it (MIND, Yelp, ...: `info`\n"
               "                   names them); without it such a download stops with exit code 9 and\n"
               "                   the terms' URL.  The stamp records the acceptance\n"
               "  --max-unpacked SIZE  let one archive unpack to at most SIZE (e.g. 200G) instead of the\n"
               "                   automatic ceiling: the recipe's unpacked_size + 1%%, else 100 times\n"
               "                   the archive's size (at least 1M); a damaged archive or a\n"
               "                   decompression bomb stops at the ceiling with exit code 5\n"
               "  -q, --quiet      no progress bar and no informational messages\n"
               "  --data-dir DIR   the data directory (default $LLM4REC_DATA_HOME, else\n"
               "                   ${XDG_CACHE_HOME:-$HOME/.cache}/llm4rec-data)\n"
               "  --recipes DIR    load recipes from DIR instead of the built-in ones\n"
               "  -h, --help       this help\n"
               "\n"
               "examples:\n"
               "  llm4rec-data fetch movielens --variant ml-1m\n"
               "  dir=$(llm4rec-data fetch movielens/ml-100k -q)\n"
               "  llm4rec-data fetch movielens --mirror file:///srv/datasets\n"
               "  llm4rec-data fetch amazon --lock experiment/llm4rec-data.lock\n"
               "\n"
               "A file the recipe gives no checksum for is trusted the first time: its size and sha256\n"
               "go into the lock file, and a later fetch with that lock file (another machine, a rerun)\n"
               "that gets other bytes fails with exit 4.  A transfer that receives no byte for 20 s\n"
               "(L4R_LOW_SPEED_TIME=SECONDS changes it) is stalled: it is retried, and after 3 stalls\n"
               "in a row that got no further the download fails with exit 3.\n"
               "\n"
               "Downloads load libcurl (libcurl.so.4, or the file $LLM4REC_LIBCURL names) when the\n"
               "first one starts; when it cannot be loaded, fetch exits 8 and says how to install it.\n"
               "\n"
               "exit codes: 0 ok, 2 usage, 3 network, 4 checksum (also against the lock file),\n"
               "5 archive, 6 recipe, 7 a lock file that is not one, 8 i/o, 9 manual download\n"
               "required (use --from), 130 interrupted.  See docs/fetch.md.\n");
}

/* A knob from the environment: a positive number (for L4R_MAX_RETRIES also 0, "never retry")
 * is set as option `key`; anything else is ignored, as it always was. */
static void env_knob(l4r_options *o, const char *name, const char *key)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return;
    char *end;
    double v = strtod(s, &end);
    bool zero = !strcmp(name, "L4R_MAX_RETRIES") && !strcmp(s, "0");
    if ((*end == 0 && v > 0) || zero) {
        l4r_error e = {0};
        l4r_options_set(o, key, s, &e); /* the library takes what this test lets through */
    }
}

int cmd_fetch(l4r_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"variant", required_argument, NULL, OPT_VARIANT},
        {"force", no_argument, NULL, OPT_FORCE},
        {"mirror", required_argument, NULL, OPT_MIRROR},
        {"from", required_argument, NULL, OPT_FROM},
        {"lock", required_argument, NULL, OPT_LOCK},
        {"update-lock", no_argument, NULL, OPT_UPDATE_LOCK},
        {"max-unpacked", required_argument, NULL, OPT_MAX_UNPACKED},
        {"accept-license", no_argument, NULL, OPT_ACCEPT_LICENSE},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        L4R_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *variant = NULL;
    const char *mirror = NULL;
    const char *lock = NULL;
    bool force = false, update_lock = false, accept = false, dry_run = false;
    const char **from = l4r_cli_alloc(((size_t)argc + 1) * sizeof *from);
    size_t n_from = 0;
    char *dataset = NULL;
    l4r_options *o = NULL;
    const char *max_unpacked = NULL;
    int rc = 0;

    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":hq", longopts, NULL);
        if (c == -1)
            break;
        if (c == 'h') {
            usage(stdout);
            goto out;
        }
        if (l4r_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case OPT_VARIANT: variant = optarg; break;
        case OPT_FORCE: force = true; break;
        case OPT_MIRROR: mirror = optarg; break;
        case OPT_FROM: from[n_from++] = optarg; break;
        case OPT_LOCK: lock = optarg; break;
        case OPT_UPDATE_LOCK: update_lock = true; break;
        case OPT_MAX_UNPACKED: max_unpacked = optarg; break;
        case OPT_ACCEPT_LICENSE: accept = true; break;
        case OPT_DRY_RUN: dry_run = true; break;
        default: rc = l4r_cli_option_error("fetch", c, argv, longopts); goto out;
        }
    }
    if (optind + 1 != argc) {
        rc = l4r_cli_usage_error("fetch", optind >= argc ? "'fetch' needs a DATASET"
                                                         : "'fetch' takes one DATASET, not several");
        goto out;
    }
    rc = l4r_cli_dataset_arg("fetch", argv[optind], &dataset, &variant);
    if (rc >= 0)
        goto out;
    rc = 0;
    if (!mirror) {
        const char *m = getenv("LLM4REC_DATA_MIRROR");
        if (m && *m)
            mirror = m;
    }

    l4r_status st;
    const l4r_registry *reg = l4r_cli_registry_for(cli, dataset, &st);
    if (!reg) {
        rc = l4r_exit_code(st);
        goto out;
    }
    const l4r_recipe *r;
    const l4r_variant *v;
    l4r_error e = {0};
    st = l4r_registry_find(reg, dataset, variant, &r, &v, &e);
    if (st != L4R_OK) {
        rc = l4r_cli_fail(st, &e);
        goto out;
    }

    o = l4r_options_new();
    l4r_cli_common_options(cli, o);
    rc = -1; /* l4r_cli_set: -1 while every value is taken */
    if (mirror)
        rc = l4r_cli_set(o, "fetch", "mirror", NULL, mirror);
    for (size_t i = 0; rc < 0 && i < n_from; i++)
        rc = l4r_cli_set(o, "fetch", "from", NULL, from[i]);
    if (rc < 0 && force)
        rc = l4r_cli_set(o, "fetch", "force", NULL, NULL);
    if (rc < 0 && l4r_cli_lock_path(lock))
        rc = l4r_cli_set(o, "fetch", "lock", NULL, l4r_cli_lock_path(lock));
    if (rc < 0 && update_lock)
        rc = l4r_cli_set(o, "fetch", "update-lock", NULL, NULL);
    if (rc < 0 && accept)
        rc = l4r_cli_set(o, "fetch", "accept-license", NULL, NULL);
    env_knob(o, "L4R_LOW_SPEED_TIME", "low-speed-time");
    env_knob(o, "L4R_CONNECT_TIMEOUT", "connect-timeout");
    env_knob(o, "L4R_MAX_RETRIES", "max-retries");
    env_knob(o, "L4R_MAX_BACKOFF", "max-backoff");
    const char *mu = max_unpacked ? max_unpacked : getenv("L4R_MAX_UNPACKED");
    if (rc < 0 && mu && *mu)
        rc =
            l4r_cli_set(o, "fetch", "max-unpacked", max_unpacked ? "--max-unpacked" : "L4R_MAX_UNPACKED", mu);
    if (rc >= 0)
        goto out;
    rc = 0;

    if (dry_run) {
        bool fetched = false;
        char *vdir = l4r_variant_path(r, v, o, &fetched);
        if (fetched && !force && !update_lock) {
            printf("nothing to do: %s/%s is fetched in '%s'\n", l4r_recipe_dataset(r), l4r_variant_name(v),
                   vdir);
        } else {
            for (size_t i = 0; i < l4r_variant_n_files(v); i++) {
                const l4r_rfile *f = l4r_variant_file(v, i);
                printf("would fetch %s%s%s into '%s/%s'", l4r_rfile_url(f), mirror ? " through " : "",
                       mirror ? mirror : "", vdir, l4r_rfile_name(f));
                if (l4r_rfile_size(f) >= 0)
                    printf(" (%lld bytes)", (long long)l4r_rfile_size(f));
                printf("%s\n", l4r_rfile_unpack(f) ? " and unpack it" : "");
            }
        }
        free(vdir);
        goto out;
    }

    char *dir = NULL;
    bool already = false;
    st = l4r_fetch(r, v, o, &dir, &already, &e);
    if (st != L4R_OK) {
        rc = l4r_cli_fail(st, &e);
        goto out;
    }
    if (!already)
        l4r_msg_info(cli, "fetched %s/%s into %s", l4r_recipe_dataset(r), l4r_variant_name(v), dir);
    printf("%s\n", dir);
    free(dir);
out:
    l4r_options_free(o);
    free(dataset);
    free(from);
    return rc;
}
