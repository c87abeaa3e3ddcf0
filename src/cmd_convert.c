/*
 * cmd_convert.c — `llm4rec-data convert`: options -> l4r_options, l4r_convert_dataset() (which
 * fetches first when needed), the output directory on stdout.
 *
 * Almost every option is the library's option of the same name (include/llm4rec_data.h), handed
 * over as typed: the library validates the value, so this file only knows which options exist
 * (for getopt and --help) and the defaults that are the command line's own (the output
 * directory, $LLM4REC_DATA_MIRROR, $LLM4REC_DATA_LOCK).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_common.h"

static void usage(FILE *f)
{
    fprintf(
        f, "usage: llm4rec-data convert DATASET[/VARIANT] [--variant V] [--raw PATH] [-o DIR] [options]\n"
           "\n"
           "Convert a dataset to the common format (docs/FORMAT.md): interactions.tsv (or\n"
           "train/valid/test.tsv), items.tsv, users.tsv (when the recipe has those tables)\n"
           "and manifest.json in DIR.  Without --raw the dataset is fetched first if needed\n"
           "(see 'llm4rec-data fetch --help').\n"
           "\n"
           "input and output:\n"
           "  --variant V        variant (default: the recipe's default; 'llm4rec-data list');\n"
           "                     DATASET/VARIANT says the same\n"
           "  --raw PATH         convert PATH without fetching: the upstream archive, a directory\n"
           "                     holding its unpacked contents, or the interaction file itself\n"
           "                     (a file: not a pipe).  Without --variant, a file that is not the\n"
           "                     default variant's (by name and first line) picks the variant it\n"
           "                     fits, or, when several fit, lists them (exit 2).  A file of the\n"
           "                     recipe's whose SHA-256 is not the recipe's is a warning, and\n"
           "                     manifest.json records both digests\n"
           "  -o, --output DIR   output directory (default ./DATASET-VARIANT, '/' -> '-')\n"
           "  --dry-run          print what would run (fetch, convert, or nothing when DIR is up\n"
           "                     to date) on stdout and do nothing\n"
           "  --force            convert even when DIR is up to date, and replace DIR even if it is not an "
           "earlier output of llm4rec-data\n"
           "  -o -               write interactions.tsv to stdout instead, and nothing else (no\n"
           "                     items.tsv, no manifest.json); only with --split none, no stage\n"
           "                     and --format tsv (anything writing more files is a usage error)\n"
           "                     (without it, a non-empty DIR is replaced only when its\n"
           "                     manifest.json is ours and it holds nothing else but the files\n"
           "                     that manifest lists); --force DELETES everything in DIR.\n"
           "                     Without --force, a DIR whose manifest.json records the same\n"
           "                     inputs (by SHA-256) and options is left as it is, and says so\n"
           "  -j, --jobs N       CPUs to use; output is identical for any N (default: the CPUs\n"
           "                     this process may use).  -j 1 runs in one thread; -j 2 on a\n"
           "                     plain file (not compressed, not in an archive) runs two: a\n"
           "                     reader that also parses when the writer is behind, and a\n"
           "                     parser-writer.  Otherwise N > 1 runs a reader, N-1 parsers\n"
           "                     (which also write when N = 2), hashing threads, and N\n"
           "                     threads for the stages and sinks\n"
           "  --mirror URL       fetch through a mirror (as in 'fetch')\n"
           "  --lock FILE        the lock file the fetch checks and pins to (as in 'fetch')\n"
           "  --accept-license   when fetching: accept the dataset's terms (as in 'fetch')\n"
           "  --max-unpacked SIZE  when fetching: the ceiling on what one archive may unpack to\n"
           "                     (as in 'fetch')\n"
           "  --max-errors N     skip up to N bad records (each named on stderr with its file,\n"
           "                     line and reason, counted in manifest.json); one more fails the\n"
           "                     run and writes nothing (default 0: the first one fails it)\n"
           "  --keep-negatives   keep the records the recipe marks as negatives (MIND's shown but\n"
           "                     not clicked news, KuaiSAR's click == 0) instead of dropping them;\n"
           "                     their rating is the label (0)\n"
           "  --with NAME[,NAME]  also write the variant's optional tables (NAME.tsv; 'info'\n"
           "                     lists them: Amazon's review texts 'reviews', ...)\n"
           "\n"
           "stages (in this order; each optional and counted in manifest.json):\n"
           "  --dedup first|last|none    repeated (user, item) pairs (default none)\n"
           "  --min-rating R             keep ratings >= R\n"
           "  --time-from T, --time-until T  keep interactions from T to T (both kept): Unix\n"
           "                             seconds, 2019-01-01 or '2019-12-31 00:00:00' (UTC)\n"
           "  --implicit                 write rating 1\n"
           "  --require-title            drop interactions whose item has no title in items.tsv\n"
           "                             (empty or missing), before the k-core (LlamaRec's filter)\n"
           "  --kcore K                  iterative K-core on users and items\n"
           "  --user-core U, --item-core I   separate thresholds\n"
           "  --kcore-mode iterative|one-pass  one-pass reproduces SASRec's single filter\n"
           "  --kcore-mode one-pass-users      one-pass, then users below U once more (HLLM's)\n"
           "  --ties source|hash|item    order of equal timestamps within a user (default source);\n"
           "                             item sorts them by item id as LlamaRec does, which leaks\n"
           "                             the id order into the sequence (LRURec#1; a warning)\n"
           "  --max-history N            keep each user's last N interactions\n"
           "  --remap                    dense integer ids from 1; writes user_map.tsv, item_map.tsv\n"
           "  --remap-order first|sorted|shuffle|source   numbering order (default first: first\n"
           "                             appearance in time order; source: in the input file)\n"
           "  --seed S                   seed for hash ties, shuffle, random split, candidates (default 42)\n"
           "\n"
           "split and exports:\n"
           "  --split none|seq|ratio:8,1,1|time:T1,T2|time-quantile:0.8,0.9|random:8,1,1\n"
           "                     none (default) streams in source order; seq (or loo) is leave-one-out:\n"
           "                     each user's last interaction -> test.tsv, second last -> valid.tsv,\n"
           "                     the rest -> train.tsv; users with < 3 interactions -> train only\n"
           "                     a source without time orders by source position and writes\n"
           "                     empty timestamps; time and time-quantile need a time\n"
           "  --split published  the split the dataset publishes (Amazon 2023's benchmark\n"
           "                     files), written as train/valid/test.tsv as they are\n"
           "  --format LIST      comma-separated: tsv (default), recbole, sasrec, sequences, jsonl,\n"
           "                     parquet, tallrec, bigrec, p5, llara, hllm, llamarec, openp5\n"
           "                     (codebases' files: docs/PRESETS.md).  RecBole and SASRec files\n"
           "                     are named after the output directory (DIR/DIR.inter); sasrec\n"
           "                     renumbers its own file only\n"
           "                     (with sasrec_user_map.tsv, sasrec_item_map.tsv) unless --remap;\n"
           "                     parquet writes NAME.parquet of every table (typed columns, zstd,\n"
           "                     statistics; docs/FORMAT.md \"Parquet\"); parquet without tsv\n"
           "                     leaves out interactions.tsv / train, valid, test.tsv\n"
           "  --partitions N     parquet: tables with a user_id in N files NAME/part-00000.parquet\n"
           "                     ... by FNV-1a 64 of the user id modulo N (one dataset to DuckDB,\n"
           "                     Polars, Spark: read_parquet('NAME/*.parquet'))\n"
           "  --candidates K     jsonl: K seeded negative candidates per example\n"
           "  --history N        jsonl, llara, openp5: history length in items (default 10)\n"
           "                     tallrec, bigrec: TALLRec's / BIGRec's Alpaca JSON from sliding\n"
           "                     windows (train.json, valid.json, test.json; bigrec also\n"
           "                     valid_N.json, test_N.json); they need item titles\n"
           "                     (docs/PRESETS.md)\n"
           "  --window N         tallrec, bigrec: history items per window (default 10)\n"
           "  --max-windows N    tallrec: keep the last N windows (default 10000; 0 = all)\n"
           "  --tallrec-style auto|movie|book  tallrec: movie is preprocess_movie.py's windows;\n"
           "                     book is preprocess_book.py's one record per user (users shuffled\n"
           "                     by --seed, rating > 5 = like, authors); auto (default): book on\n"
           "                     book-crossing\n"
           "  --eval-sample N    bigrec: valid_N.json, test_N.json hold N rows drawn with --seed\n"
           "                     as pandas' sample(n=N, random_state=seed) (default 5000; 0 = none)\n"
           "  --bigrec-style auto|movie|game  bigrec: movie is data/movie/process.ipynb (liked\n"
           "                     targets); game is data/game's (every target, titles > 1 character,\n"
           "                     the video-game prompt); auto (default): game on amazon\n"
           "  --p5-indexing random|sequential  p5: item ids (default random: seeded, no order;\n"
           "                     sequential is P5's numbering along the user sequences, whose\n"
           "                     consecutive ids leak the next item, jeykigung/P5 PR#3)\n"
           "  --p5-negatives N   p5: negatives per user in negative_samples.txt (default 99)\n"
           "  --p5-user-order shuffle|source  p5: user ids by P5's seeded shuffle (default,\n"
           "                     its Amazon notebook) or in order of first appearance (its Yelp one)\n"
           "  --llara-candidates K  llara: K candidates per example, the target among them,\n"
           "                     fixed in the file (default 20)\n"
           "  --llara-style auto|pairs|ids  llara: pairs is data/movielens_data.py's\n"
           "                     (id, rating) pairs, ids = ML id - 1; ids is steam_data.py's and\n"
           "                     lastfm_data.py's plain ids 0..N-1 and id2name.txt; auto\n"
           "                     (default): ids on steam and lastfm\n"
           "  --openp5-indexing random|sequential|collaborative  openp5: item ids (default\n"
           "                     random: 1001... by a seeded shuffle; sequential: OpenP5's numbering\n"
           "                     along the sequences, whose consecutive ids leak the next item;\n"
           "                     collaborative: <CI..> tokens from spectral clustering of\n"
           "                     co-occurrence, our solver: docs/PRESETS.md)\n"
           "  --openp5-tokens T  openp5 collaborative: tokens per level (default 100)\n"
           "  --openp5-clusters K  openp5 collaborative: clusters per level (default 10)\n"
           "  --memory SIZE      memory budget for stages (default: a quarter of the memory\n"
           "                     this process may use: physical, or its cgroup's limit)\n"
           "\n"
           "presets ('llm4rec-data presets' lists them; docs/PRESETS.md):\n"
           "  --preset NAME      a codebase's published preprocessing: the preset's options, then\n"
           "                     those given beside it, which override it (manifest.json\n"
           "                     preset.overrides); at the end ours beside the paper's numbers.\n"
           "                     On the published source (the input's SHA-256 is the recipe's) a\n"
           "                     number that differs is exit 11 and nothing is written; on other\n"
           "                     input the comparison is for information only\n"
           "  --allow-deviation  with --preset: write it anyway when the published source gives\n"
           "                     other numbers (a warning; recorded in manifest.json)\n"
           "\n"
           "common options: --data-dir DIR, --recipes DIR, -q, -h\n"
           "On a terminal a progress line (file, share, rows, rate, time left) is drawn on stderr;\n"
           "none with -q or when stderr is not a terminal.\n"
           "\n"
           "examples:\n"
           "  llm4rec-data convert movielens --split seq\n"
           "  llm4rec-data convert movielens --variant ml-25m --raw ml-25m.zip -o ml25m\n"
           "  llm4rec-data convert movielens/ml-1m -o - | head\n"
           "  llm4rec-data convert amazon --variant 2014/reviews_Beauty_5 --kcore 5 --split seq\n"
           "  llm4rec-data convert amazon/2014/reviews_Beauty --preset sasrec -o Beauty\n");
}

/* OPT_SET: the library option named like the long option (l4r_options_set). */
enum { OPT_VARIANT = L4R_OPT_FIRST_CMD, OPT_MIRROR, OPT_LOCK, OPT_SET, OPT_DRY_RUN };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_convert(l4r_cli *cli, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"variant", required_argument, NULL, OPT_VARIANT},
        {"raw", required_argument, NULL, OPT_SET},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"force", no_argument, NULL, OPT_SET},
        {"mirror", required_argument, NULL, OPT_MIRROR},
        {"split", required_argument, NULL, OPT_SET},
        {"with", required_argument, NULL, OPT_SET},
        {"dedup", required_argument, NULL, OPT_SET},
        {"min-rating", required_argument, NULL, OPT_SET},
        {"time-from", required_argument, NULL, OPT_SET},
        {"time-until", required_argument, NULL, OPT_SET},
        {"implicit", no_argument, NULL, OPT_SET},
        {"require-title", no_argument, NULL, OPT_SET},
        {"kcore", required_argument, NULL, OPT_SET},
        {"user-core", required_argument, NULL, OPT_SET},
        {"item-core", required_argument, NULL, OPT_SET},
        {"kcore-mode", required_argument, NULL, OPT_SET},
        {"ties", required_argument, NULL, OPT_SET},
        {"max-history", required_argument, NULL, OPT_SET},
        {"remap", no_argument, NULL, OPT_SET},
        {"remap-order", required_argument, NULL, OPT_SET},
        {"seed", required_argument, NULL, OPT_SET},
        {"format", required_argument, NULL, OPT_SET},
        {"partitions", required_argument, NULL, OPT_SET},
        {"candidates", required_argument, NULL, OPT_SET},
        {"p5-indexing", required_argument, NULL, OPT_SET},
        {"p5-negatives", required_argument, NULL, OPT_SET},
        {"p5-user-order", required_argument, NULL, OPT_SET},
        {"llara-candidates", required_argument, NULL, OPT_SET},
        {"openp5-indexing", required_argument, NULL, OPT_SET},
        {"openp5-tokens", required_argument, NULL, OPT_SET},
        {"openp5-clusters", required_argument, NULL, OPT_SET},
        {"history", required_argument, NULL, OPT_SET},
        {"window", required_argument, NULL, OPT_SET},
        {"max-windows", required_argument, NULL, OPT_SET},
        {"tallrec-style", required_argument, NULL, OPT_SET},
        {"bigrec-style", required_argument, NULL, OPT_SET},
        {"llara-style", required_argument, NULL, OPT_SET},
        {"eval-sample", required_argument, NULL, OPT_SET},
        {"memory", required_argument, NULL, OPT_SET},
        {"block-size", required_argument, NULL, OPT_SET}, /* for tests */
        {"lock", required_argument, NULL, OPT_LOCK},
        {"max-unpacked", required_argument, NULL, OPT_SET},
        {"max-errors", required_argument, NULL, OPT_SET},
        {"keep-negatives", no_argument, NULL, OPT_SET},
        {"accept-license", no_argument, NULL, OPT_SET},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"preset", required_argument, NULL, OPT_SET},
        {"allow-deviation", no_argument, NULL, OPT_SET},
        L4R_COMMON_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    const char *variant = NULL, *mirror = NULL, *lock = NULL, *out_dir = NULL, *raw = NULL;
    char *out_default = NULL;
    l4r_options *o = l4r_options_new();
    l4r_error e = {0};
    int rc = -1; /* l4r_cli_set: -1 while every value is taken */
    bool force = false, dry_run = false;
    int c, li = 0;
    char *dataset = NULL;
    /* the library options, set after the loop: --preset first, wherever it stands, so that what is
     * given beside it overrides it (and is recorded as an override) */
    const char **sets = l4r_cli_alloc(((size_t)argc + 1) * 2 * sizeof *sets);
    size_t n_sets = 0;
    opterr = 0;
    while (rc < 0 && (c = getopt_long(argc, argv, ":o:j:hq", longopts, &li)) != -1) {
        if (l4r_cli_common_opt(cli, c, optarg))
            continue;
        switch (c) {
        case 'h':
            usage(stdout);
            rc = 0;
            break;
        case OPT_VARIANT: variant = optarg; break;
        case OPT_MIRROR: mirror = optarg; break;
        case OPT_LOCK: lock = optarg; break;
        case 'o': out_dir = optarg; break;
        case 'j': rc = l4r_cli_set(o, "convert", "jobs", "-j", optarg); break;
        case OPT_DRY_RUN: dry_run = true; break;
        case OPT_SET:
            force = force || !strcmp(longopts[li].name, "force");
            if (!strcmp(longopts[li].name, "raw"))
                raw = optarg;
            sets[2 * n_sets] = longopts[li].name;
            sets[2 * n_sets++ + 1] = optarg;
            break;
        default: rc = l4r_cli_option_error("convert", c, argv, longopts); break;
        }
    }
    for (int pass = 0; pass < 2 && rc < 0; pass++)
        for (size_t i = 0; i < n_sets && rc < 0; i++)
            if ((pass == 0) == !strcmp(sets[2 * i], "preset"))
                rc = l4r_cli_set(o, "convert", sets[2 * i], NULL, sets[2 * i + 1]);
    if (rc >= 0)
        goto out;
    if (optind >= argc) {
        rc = l4r_cli_usage_error("convert", "which dataset? ('llm4rec-data list' shows them)");
        goto out;
    }
    if (optind + 1 < argc) {
        rc = l4r_cli_usage_error("convert", "unexpected argument '%s'", argv[optind + 1]);
        goto out;
    }
    rc = l4r_cli_dataset_arg("convert", argv[optind], &dataset, &variant);
    if (rc >= 0)
        goto out;

    l4r_status st;
    const l4r_registry *reg = l4r_cli_registry_for(cli, dataset, &st);
    if (!reg) {
        rc = l4r_exit_code(st);
        goto out;
    }
    const l4r_recipe *r;
    const l4r_variant *var;
    st = l4r_registry_find(reg, dataset, variant, &r, &var, &e);
    if (st) {
        rc = l4r_cli_fail(st, &e);
        goto out;
    }
    if (raw && !variant) {
        rc = l4r_cli_raw_variant("convert", r, raw, &var); /* which variant the file is */
        if (rc >= 0)
            goto out;
    }
    if (!out_dir) {
        out_default = l4r_cli_alloc(strlen(l4r_recipe_dataset(r)) + strlen(l4r_variant_name(var)) + 2);
        sprintf(out_default, "%s-%s", l4r_recipe_dataset(r), l4r_variant_name(var));
        for (char *p = out_default; *p; p++)
            if (*p == '/')
                *p = '-';
        out_dir = out_default;
    }

    /* What the command line adds to the options: -q, --data-dir and the log (they may follow the
     * command), the output directory, and the environment's mirror and lock file. */
    l4r_cli_common_options(cli, o);
    {
        l4r_error ie = {0}; /* strings: these cannot fail */
        l4r_options_set(o, "output", out_dir, &ie);
        if (!mirror)
            mirror = getenv("LLM4REC_DATA_MIRROR");
        if (mirror)
            l4r_options_set(o, "mirror", mirror, &ie);
        if (l4r_cli_lock_path(lock))
            l4r_options_set(o, "lock", l4r_cli_lock_path(lock), &ie);
    }
    bool to_stdout = !strcmp(out_dir, "-");
    if (to_stdout)
        signal(SIGPIPE, SIG_DFL); /* `-o - | head` ends the run as it ends cat */
    /* an output that already holds what this convert would write is left alone (--force: not);
     * a stream (-o -) is never up to date */
    if (!to_stdout) {
        bool current = false;
        char why[512] = "";
        if (!force && l4r_convert_current(r, var, o, &current, why, sizeof why, &e) != L4R_OK) {
            rc = l4r_cli_fail(e.status, &e);
            goto out;
        }
        const char *what_in = l4r_variant_name(var);
        if (current) {
            if (dry_run)
                printf("nothing to do: '%s' is up to date\n", out_dir);
            else
                l4r_msg_info(cli,
                             "'%s' is up to date (its manifest.json records the same inputs and options); "
                             "nothing to do (--force converts again)",
                             out_dir);
            if (!dry_run)
                printf("%s\n", out_dir);
            rc = 0;
            goto out;
        }
        if (dry_run) {
            bool fetched = false;
            char *vdir = l4r_variant_path(r, var, o, &fetched);
            if (!raw && !fetched)
                printf("would fetch %s/%s into '%s'\n", l4r_recipe_dataset(r), what_in, vdir);
            printf("would convert %s/%s from '%s' into '%s'%s%s\n", l4r_recipe_dataset(r), what_in,
                   raw ? raw : vdir, out_dir, why[0] && !force ? ": " : "", force ? "" : why);
            free(vdir);
            rc = 0;
            goto out;
        }
    }
    uint64_t interactions = 0, items = 0;
    double t0 = now();
    st = l4r_convert_dataset(r, var, o, &interactions, &items, &e);
    if (st) {
        rc = l4r_cli_fail(st, &e);
    } else {
        l4r_msg_info(cli, "converted %s/%s: %llu interactions%s in %.1f s %s%s%s", l4r_recipe_dataset(r),
                     l4r_variant_name(var), (unsigned long long)interactions, items ? " and items" : "",
                     now() - t0, to_stdout ? "to standard output" : "into '", to_stdout ? "" : out_dir,
                     to_stdout ? "" : "'");
        if (!to_stdout)
            printf("%s\n", out_dir);
        rc = 0;
    }
out:
    free(sets);
    free(dataset);
    free(out_default);
    l4r_options_free(o);
    return rc;
}
