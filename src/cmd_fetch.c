/*
 * cmd_fetch.c — `llm4rec-data fetch DATASET [--variant V] [--force] [--mirror URL] [--from FILE]...`
 *
 * A thin layer over l4r_fetch_variant() (src/fetch/fetch.h): parse the options, find the recipe
 * variant, fill l4r_fetch_opts, print the variant directory on stdout (so that
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
#include "fetch/fetch.h"

enum {
    OPT_VARIANT = L4R_OPT_FIRST_CMD,
    OPT_FORCE,
    OPT_MIRROR,
    OPT_FROM,
    OPT_LOCK,
    OPT_UPDATE_LOCK,
    OPT_MAX_UNPACKED
};

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data fetch DATASET[/VARIANT] [--variant V] [--force] [--mirror URL]\n"
               "                          [--from FILE]... [--lock FILE] [--update-lock]\n"
               "                          [--max-unpacked SIZE] [-q] [--data-dir DIR] [--recipes DIR]\n"
               "\n"
               "Download the files of a dataset variant, verify their size and checksums, unpack the\n"
               "archives, and print the variant directory (DATA/DATASET/VARIANT) on stdout.  A variant\n"
               "fetched and verified before is not fetched again.\n"
               "\n"
               "options:\n"
               "  --variant V      the variant (default: the recipe's default variant)\n"
               "  --force          fetch and verify again even when already done\n"
               "  --mirror URL     fetch https://HOST/PATH from URL/HOST/PATH instead (a `wget -x` copy;\n"
               "                   file:///dir or http://host:port); default $LLM4REC_DATA_MIRROR\n"
               "  --from FILE      use FILE, downloaded by hand, instead of downloading it (verified\n"
               "                   like a download; repeat for several files; matched by file name)\n"
               "  --lock FILE      the lock file: every file's size and sha256, pinned the first time\n"
               "                   it is fetched; later fetches must match (default\n"
               "                   $LLM4REC_DATA_LOCK, else DATA/llm4rec-data.lock)\n"
               "  --update-lock    fetch again (implies --force) and re-pin what arrives, after an\n"
               "                   upstream file changed on purpose\n"
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

/* Positive number from the environment, or 0 when unset or not a number. */
static double env_num(const char *name)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return 0;
    char *end;
    double v = strtod(s, &end);
    return (*end == 0 && v > 0) ? v : 0;
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
        L4R_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *variant = NULL;
    const char *mirror = NULL;
    const char *lock = NULL;
    bool force = false, update_lock = false;
    const char **from = l4r_xcalloc((size_t)argc + 1, sizeof *from);
    size_t n_from = 0;
    char *dataset = NULL;
    const char *max_unpacked = NULL;
    int rc = 0;

    for (;;) {
        int c = getopt_long(argc, argv, "hq", longopts, NULL);
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
        default: rc = l4r_cli_usage_error("fetch", "bad option for 'fetch'"); goto out;
        }
    }
    if (optind + 1 != argc) {
        rc = l4r_cli_usage_error("fetch", optind >= argc ? "'fetch' needs a DATASET"
                                                         : "'fetch' takes one DATASET, not several");
        goto out;
    }
    dataset = l4r_xstrdup(argv[optind]);
    {
        /* DATASET/VARIANT is a short form of --variant (variant names may contain '/') */
        char *slash = strchr(dataset, '/');
        if (slash) {
            if (variant) {
                rc = l4r_cli_usage_error("fetch", "give the variant either as DATASET/VARIANT or with "
                                                  "--variant, not both");
                goto out;
            }
            *slash = 0;
            variant = slash + 1;
        }
    }
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

    l4r_fetch_opts o = {0};
    o.data_dir = l4r_cli_data_dir(cli);
    o.mirror = mirror;
    o.from_files = from;
    o.n_from_files = n_from;
    o.force = force;
    o.lock_path = l4r_cli_lock_path(lock);
    o.update_lock = update_lock;
    o.progress = cli->progress && !cli->quiet;
    o.low_speed_time_s = (long)env_num("L4R_LOW_SPEED_TIME");
    o.connect_timeout_s = (long)env_num("L4R_CONNECT_TIMEOUT");
    o.max_retries = (int)env_num("L4R_MAX_RETRIES");
    if (getenv("L4R_MAX_RETRIES") && !strcmp(getenv("L4R_MAX_RETRIES"), "0"))
        o.max_retries = -1; /* "never retry": the library default applies only to 0 */
    o.max_backoff_s = env_num("L4R_MAX_BACKOFF");
    const char *mu = max_unpacked ? max_unpacked : getenv("L4R_MAX_UNPACKED");
    if (mu && *mu && (!l4r_parse_size(mu, &o.max_unpacked) || o.max_unpacked == 0)) {
        rc = l4r_cli_usage_error("fetch", "%s: '%s' is not a size of at least one byte (such as 200G)",
                                 max_unpacked ? "--max-unpacked" : "L4R_MAX_UNPACKED", mu);
        goto out;
    }
    o.log = l4r_cli_log;
    o.log_ud = cli;
    l4r_fetch_opts_defaults(&o);

    l4r_fetch_result res = {0};
    st = l4r_fetch_variant(r, v, &o, &res, &e);
    if (st != L4R_OK) {
        rc = l4r_cli_fail(st, &e);
        goto out;
    }
    if (!res.already)
        l4r_msg_info(cli, "fetched %s/%s into %s", r->dataset, v->name, res.dir);
    printf("%s\n", res.dir);
    free(res.dir);
out:
    free(dataset);
    free(from);
    return rc;
}
