/*
 * cmd_convert.c — `llm4rec-data convert`: options -> l4r_convert_opts, fetch when needed, run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_common.h"
#include "convert/convert.h"
#include "fetch/fetch.h"

static void usage(FILE *f)
{
    fprintf(
        f, "usage: llm4rec-data convert DATASET [--variant V] [--raw PATH] [-o DIR] [options]\n"
           "\n"
           "Convert a dataset to the common format (docs/FORMAT.md): interactions.tsv (or\n"
           "train/valid/test.tsv), items.tsv and manifest.json in DIR.  Without --raw the\n"
           "dataset is fetched first if needed (see 'llm4rec-data fetch --help').\n"
           "\n"
           "input and output:\n"
           "  --variant V        variant (default: the recipe's default; 'llm4rec-data list')\n"
           "  --raw PATH         convert PATH without fetching: the upstream archive, a directory\n"
           "                     holding its unpacked contents, or the interaction file itself\n"
           "                     (a file: not a pipe)\n"
           "  -o, --output DIR   output directory (default ./DATASET-VARIANT, '/' -> '-')\n"
           "  --force            replace DIR even if it is not an earlier output of llm4rec-data\n"
           "                     (without it, a non-empty DIR is replaced only when its\n"
           "                     manifest.json is ours and it holds nothing else but the files\n"
           "                     that manifest lists); --force DELETES everything in DIR\n"
           "  -j, --jobs N       CPUs to use; output is identical for any N (default: the CPUs\n"
           "                     this process may use).  -j 1 runs in one thread; -j 2 on a\n"
           "                     plain file (not compressed, not in an archive) runs two: a\n"
           "                     reader that also parses when the writer is behind, and a\n"
           "                     parser-writer.  Otherwise N > 1 runs a reader, N-1 parsers\n"
           "                     (which also write when N = 2), hashing threads, and N\n"
           "                     threads for the stages and sinks\n"
           "  --mirror URL       fetch through a mirror (as in 'fetch')\n"
           "  --lock FILE        the lock file the fetch checks and pins to (as in 'fetch')\n"
           "  --max-unpacked SIZE  when fetching: the ceiling on what one archive may unpack to\n"
           "                     (as in 'fetch')\n"
           "  --max-errors N     skip up to N bad records (each named on stderr with its file,\n"
           "                     line and reason, counted in manifest.json); one more fails the\n"
           "                     run and writes nothing (default 0: the first one fails it)\n"
           "\n"
           "stages (in this order; each optional and counted in manifest.json):\n"
           "  --dedup first|last|none    repeated (user, item) pairs (default none)\n"
           "  --min-rating R             keep ratings >= R\n"
           "  --implicit                 write rating 1\n"
           "  --kcore K                  iterative K-core on users and items\n"
           "  --user-core U, --item-core I   separate thresholds\n"
           "  --kcore-mode iterative|one-pass  one-pass reproduces SASRec's single filter\n"
           "  --ties source|hash         order of equal timestamps within a user (default source)\n"
           "  --max-history N            keep each user's last N interactions\n"
           "  --remap                    dense integer ids from 1; writes user_map.tsv, item_map.tsv\n"
           "  --remap-order first|sorted|shuffle   numbering order (default first appearance)\n"
           "  --seed S                   seed for hash ties, shuffle, random split, candidates (default 42)\n"
           "\n"
           "split and exports:\n"
           "  --split none|seq|ratio:8,1,1|time:T1,T2|time-quantile:0.8,0.9|random:8,1,1\n"
           "                     none (default) streams in source order; seq is leave-one-out:\n"
           "                     each user's last interaction -> test.tsv, second last -> valid.tsv,\n"
           "                     the rest -> train.tsv; users with < 3 interactions -> train only\n"
           "  --format LIST      comma-separated: tsv (default), recbole, sasrec, sequences, jsonl\n"
           "  --candidates K     jsonl: K seeded negative candidates per example\n"
           "  --history N        jsonl: history length in items (default 10)\n"
           "  --memory SIZE      memory budget for stages (default: half of physical memory)\n"
           "\n"
           "common options: --data-dir DIR, --recipes DIR, -q, -h\n"
           "\n"
           "examples:\n"
           "  llm4rec-data convert movielens --split seq\n"
           "  llm4rec-data convert movielens --variant ml-25m --raw ml-25m.zip -o ml25m\n"
           "  llm4rec-data convert amazon --variant 2014/reviews_Beauty_5 --kcore 5 --split seq\n");
}

enum {
    OPT_VARIANT = L4R_OPT_FIRST_CMD,
    OPT_RAW,
    OPT_FORCE,
    OPT_MIRROR,
    OPT_SPLIT,
    OPT_DEDUP,
    OPT_MIN_RATING,
    OPT_IMPLICIT,
    OPT_KCORE,
    OPT_USER_CORE,
    OPT_ITEM_CORE,
    OPT_KCORE_MODE,
    OPT_TIES,
    OPT_MAX_HISTORY,
    OPT_REMAP,
    OPT_REMAP_ORDER,
    OPT_SEED,
    OPT_FORMAT,
    OPT_CANDIDATES,
    OPT_HISTORY,
    OPT_MEMORY,
    OPT_BLOCK_SIZE,
    OPT_LOCK,
    OPT_MAX_UNPACKED,
    OPT_MAX_ERRORS
};

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_formats(const char *s, unsigned *out)
{
    unsigned f = 0;
    char *copy = l4r_xstrdup(s);
    bool ok = true;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "tsv"))
            f |= L4R_SINK_TSV;
        else if (!strcmp(tok, "recbole"))
            f |= L4R_SINK_RECBOLE;
        else if (!strcmp(tok, "sasrec"))
            f |= L4R_SINK_SASREC;
        else if (!strcmp(tok, "sequences"))
            f |= L4R_SINK_SEQUENCES;
        else if (!strcmp(tok, "jsonl"))
            f |= L4R_SINK_JSONL;
        else
            ok = false;
    }
    free(copy);
    *out = f;
    return ok && f;
}

int cmd_convert(l4r_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"variant", required_argument, NULL, OPT_VARIANT},
        {"raw", required_argument, NULL, OPT_RAW},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"mirror", required_argument, NULL, OPT_MIRROR},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"dedup", required_argument, NULL, OPT_DEDUP},
        {"min-rating", required_argument, NULL, OPT_MIN_RATING},
        {"implicit", no_argument, NULL, OPT_IMPLICIT},
        {"kcore", required_argument, NULL, OPT_KCORE},
        {"user-core", required_argument, NULL, OPT_USER_CORE},
        {"item-core", required_argument, NULL, OPT_ITEM_CORE},
        {"kcore-mode", required_argument, NULL, OPT_KCORE_MODE},
        {"ties", required_argument, NULL, OPT_TIES},
        {"max-history", required_argument, NULL, OPT_MAX_HISTORY},
        {"remap", no_argument, NULL, OPT_REMAP},
        {"remap-order", required_argument, NULL, OPT_REMAP_ORDER},
        {"seed", required_argument, NULL, OPT_SEED},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"candidates", required_argument, NULL, OPT_CANDIDATES},
        {"history", required_argument, NULL, OPT_HISTORY},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"block-size", required_argument, NULL, OPT_BLOCK_SIZE}, /* for tests */
        {"lock", required_argument, NULL, OPT_LOCK},
        {"max-unpacked", required_argument, NULL, OPT_MAX_UNPACKED},
        {"max-errors", required_argument, NULL, OPT_MAX_ERRORS},
        L4R_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *variant = NULL, *mirror = NULL, *lock = NULL;
    uint64_t max_unpacked = 0;
    l4r_convert_opts o;
    memset(&o, 0, sizeof o);
    l4r_process_opts_defaults(&o.proc);
    /* -j N: N CPUs.  The pipeline runs a reader and a writer thread beside N-1 parsers (with
     * -j 2 on a plain file, just the two, sharing the parsing); with -j 1 one thread does it all
     * (docs/DESIGN.md).  The stages use N threads. */
    o.process_threads = l4r_online_cpus();
    o.threads = o.process_threads - 1;
    o.argc = cli->cmd_argc; /* as typed: getopt_long permutes argv */
    o.argv = cli->cmd_argv;
    o.proc.memory_limit = l4r_physical_memory() / 2;
    char *out_default = NULL;
    l4r_error e = {0};
    long v;
    int c;
    while ((c = getopt_long(argc, argv, "o:j:hq", longopts, NULL)) != -1) {
        if (l4r_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'h': usage(stdout); return 0;
        case OPT_VARIANT: variant = optarg; break;
        case OPT_RAW: o.raw = optarg; break;
        case 'o': o.out_dir = optarg; break;
        case 'j':
            if (!parse_int(optarg, 1, 1024, &v))
                return l4r_cli_usage_error("convert", "-j takes a number from 1 to 1024, not '%s'", optarg);
            o.threads = (int)v - 1;
            o.process_threads = (int)v;
            break;
        case OPT_FORCE: o.force = true; break;
        case OPT_MIRROR: mirror = optarg; break;
        case OPT_LOCK: lock = optarg; break;
        case OPT_SPLIT:
            if (!l4r_parse_split(optarg, &o.proc, &e))
                return l4r_cli_usage_error("convert", "--split: %s", e.msg);
            break;
        case OPT_DEDUP:
            if (!strcmp(optarg, "first"))
                o.proc.dedup = L4R_DEDUP_FIRST;
            else if (!strcmp(optarg, "last"))
                o.proc.dedup = L4R_DEDUP_LAST;
            else if (!strcmp(optarg, "none"))
                o.proc.dedup = L4R_DEDUP_NONE;
            else
                return l4r_cli_usage_error("convert", "--dedup takes first, last or none, not '%s'", optarg);
            break;
        case OPT_MIN_RATING: {
            char *end;
            o.proc.min_rating = strtod(optarg, &end);
            if (end == optarg || *end)
                return l4r_cli_usage_error("convert", "--min-rating takes a number, not '%s'", optarg);
            o.proc.has_min_rating = true;
            break;
        }
        case OPT_IMPLICIT: o.proc.implicit = true; break;
        case OPT_KCORE:
        case OPT_USER_CORE:
        case OPT_ITEM_CORE:
            if (!parse_int(optarg, 0, 1000000, &v))
                return l4r_cli_usage_error("convert", "core thresholds take a number >= 0, not '%s'", optarg);
            if (c != OPT_ITEM_CORE)
                o.proc.user_core = (int)v;
            if (c != OPT_USER_CORE)
                o.proc.item_core = (int)v;
            break;
        case OPT_KCORE_MODE:
            if (!strcmp(optarg, "iterative"))
                o.proc.kcore_mode = L4R_KCORE_ITERATIVE;
            else if (!strcmp(optarg, "one-pass"))
                o.proc.kcore_mode = L4R_KCORE_ONE_PASS;
            else
                return l4r_cli_usage_error("convert", "--kcore-mode takes iterative or one-pass, not '%s'",
                                           optarg);
            break;
        case OPT_TIES:
            if (!strcmp(optarg, "source"))
                o.proc.ties = L4R_TIES_SOURCE;
            else if (!strcmp(optarg, "hash"))
                o.proc.ties = L4R_TIES_HASH;
            else
                return l4r_cli_usage_error("convert", "--ties takes source or hash, not '%s'", optarg);
            break;
        case OPT_MAX_HISTORY:
            if (!parse_int(optarg, 1, 100000000, &v))
                return l4r_cli_usage_error("convert", "--max-history takes a number >= 1, not '%s'", optarg);
            o.proc.max_history = (int)v;
            break;
        case OPT_REMAP: o.proc.remap = true; break;
        case OPT_REMAP_ORDER:
            if (!strcmp(optarg, "first"))
                o.proc.remap_order = L4R_REMAP_FIRST;
            else if (!strcmp(optarg, "sorted"))
                o.proc.remap_order = L4R_REMAP_SORTED;
            else if (!strcmp(optarg, "shuffle"))
                o.proc.remap_order = L4R_REMAP_SHUFFLE;
            else
                return l4r_cli_usage_error("convert",
                                           "--remap-order takes first, sorted or shuffle, not '%s'", optarg);
            o.proc.remap = true;
            break;
        case OPT_SEED: {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end)
                return l4r_cli_usage_error("convert", "--seed takes a non-negative integer, not '%s'",
                                           optarg);
            o.proc.seed = s;
            break;
        }
        case OPT_FORMAT:
            if (!parse_formats(optarg, &o.proc.formats))
                return l4r_cli_usage_error("convert",
                                           "--format takes a comma-separated list of tsv, "
                                           "recbole, sasrec, sequences, jsonl, not '%s'",
                                           optarg);
            break;
        case OPT_CANDIDATES:
            if (!parse_int(optarg, 0, 100000, &v))
                return l4r_cli_usage_error("convert", "--candidates takes a number >= 0, not '%s'", optarg);
            o.proc.candidates = (int)v;
            break;
        case OPT_HISTORY:
            if (!parse_int(optarg, 1, 100000, &v))
                return l4r_cli_usage_error("convert", "--history takes a number >= 1, not '%s'", optarg);
            o.proc.history_len = (int)v;
            break;
        case OPT_MEMORY: {
            uint64_t b;
            if (!l4r_parse_size(optarg, &b) || b < (1u << 20))
                return l4r_cli_usage_error("convert", "--memory takes a size such as 2G or 512M, not '%s'",
                                           optarg);
            o.proc.memory_limit = b;
            break;
        }
        case OPT_BLOCK_SIZE: {
            uint64_t b;
            if (!l4r_parse_size(optarg, &b) || b < 1)
                return l4r_cli_usage_error("convert", "--block-size takes a size, not '%s'", optarg);
            o.block_size = (size_t)b;
            break;
        }
        case OPT_MAX_UNPACKED:
            if (!l4r_parse_size(optarg, &max_unpacked) || max_unpacked == 0)
                return l4r_cli_usage_error("convert", "--max-unpacked takes a size such as 200G, not '%s'",
                                           optarg);
            break;
        case OPT_MAX_ERRORS: {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-')
                return l4r_cli_usage_error("convert", "--max-errors takes a number >= 0, not '%s'", optarg);
            o.max_errors = n;
            break;
        }
        default: return l4r_cli_usage_error("convert", "invalid option");
        }
    }
    if (optind >= argc)
        return l4r_cli_usage_error("convert", "which dataset? ('llm4rec-data list' shows them)");
    if (optind + 1 < argc)
        return l4r_cli_usage_error("convert", "unexpected argument '%s'", argv[optind + 1]);
    const char *dataset = argv[optind];

    l4r_status st;
    const l4r_registry *reg = l4r_cli_registry_for(cli, dataset, &st);
    if (!reg)
        return l4r_exit_code(st);
    const l4r_recipe *r;
    const l4r_variant *var;
    st = l4r_registry_find(reg, dataset, variant, &r, &var, &e);
    if (st)
        return l4r_cli_fail(st, &e);

    if (!o.out_dir) {
        out_default = l4r_xasprintf("%s-%s", r->dataset, var->name);
        for (char *p = out_default; *p; p++)
            if (*p == '/')
                *p = '-';
        o.out_dir = out_default;
    }
    l4r_fetch_result fr = {0};
    int hold_fd = -1;
    if (!o.raw) {
        l4r_fetch_opts fo;
        memset(&fo, 0, sizeof fo);
        fo.data_dir = l4r_cli_data_dir(cli);
        fo.mirror = mirror ? mirror : getenv("LLM4REC_DATA_MIRROR");
        if (fo.mirror && !*fo.mirror)
            fo.mirror = NULL;
        fo.progress = cli->progress;
        fo.lock_path = l4r_cli_lock_path(lock);
        fo.max_unpacked = max_unpacked;
        fo.log = l4r_cli_log;
        fo.log_ud = cli;
        l4r_fetch_opts_defaults(&fo);
        l4r_fetch_state fs = l4r_variant_state(fo.data_dir, r, var);
        if (fs == L4R_NOT_FETCHED)
            l4r_msg_info(cli, "%s/%s is not fetched yet; fetching it first", r->dataset, var->name);
        if (fs == L4R_FETCHED_CHANGED) {
            /* Files changed on disk since the fetch: convert them as they are, and let the digest
             * check against the stamp decide (exit 4 when the bytes differ).  Fetching here would
             * quietly undo a user's edit, or re-download over it. */
            l4r_msg_warn("files of %s/%s changed on disk since they were fetched; checking them against the "
                         "fetch stamp as they are converted",
                         r->dataset, var->name);
            /* the lock file is checked as a fetch that finds the variant complete checks it */
            st = l4r_variant_check_pins(r, var, &fo, &e);
            fr.dir = l4r_variant_dir(fo.data_dir, r, var);
        } else {
            st = l4r_fetch_variant(r, var, &fo, &fr, &e);
        }
        if (st == L4R_OK) {
            /* held until the inputs are read and checked against the stamp: a fetch that would
             * unpack or download into the directory meanwhile (removing the stamp first) waits */
            char *what = l4r_xasprintf("%s/%s", r->dataset, var->name);
            st = l4r_variant_hold(fr.dir, what, &fo, &hold_fd, &e);
            free(what);
        }
        if (st) {
            free(fr.dir);
            free(out_default);
            return l4r_cli_fail(st, &e);
        }
        o.fetched_dir = fr.dir;
    }
    o.log = l4r_cli_log;
    o.log_ud = cli;
    l4r_convert_result res;
    double t0 = l4r_now();
    st = l4r_convert(r, var, &o, &res, &e);
    if (hold_fd >= 0)
        close(hold_fd);
    int rc = 0;
    if (st) {
        rc = l4r_cli_fail(st, &e);
    } else {
        l4r_msg_info(cli, "converted %s/%s: %llu interactions%s in %.1f s into '%s'", r->dataset, var->name,
                     (unsigned long long)res.interactions, res.items ? " and items" : "", l4r_now() - t0,
                     o.out_dir);
        printf("%s\n", o.out_dir);
    }
    free(fr.dir);
    free(out_default);
    return rc;
}
