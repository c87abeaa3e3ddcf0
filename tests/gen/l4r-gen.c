/*
 * l4r-gen.c — deterministic generator of files shaped exactly like the upstream dataset files
 * (see /work/shared/datasets.md), for the test fixtures and the benchmark.
 *
 *   l4r-gen movielens VARIANT OUTDIR [--users N] [--items N] [--ratings N] [--tags N]
 *                     [--seed S] [--encoding latin1|utf8] [--crlf|--lf]
 *       writes OUTDIR/VARIANT.zip laid out like the GroupLens archive and OUTDIR/VARIANT.zip.md5
 *   l4r-gen ml25m-ratings [--rows N] [--seed S] [-o FILE]
 *       an ML-25M-shaped ratings.csv (header + exactly N rows) on stdout or FILE
 *   l4r-gen amazon 2014|2018|2023 reviews|meta|ratings [--lines N] [--users N] [--items N]
 *                  [--gzip] [--seed S] [-o FILE]
 *   l4r-gen gowalla checkins|edges [--lines N] [--users N] [--items N] [--gzip] [--seed S] [-o FILE]
 *   l4r-gen lastfm hetrec-2k|1k OUTDIR [--users N] [--items N] [--tags N] [--ratings N] [--lines N]
 *   l4r-gen microlens 50k|100k|1m OUTDIR [--users N] [--items N] [--lines N] [--seed S]
 *   l4r-gen yelp json|kaggle|kaggle-2018 OUTDIR [--lines N] [--users N] [--items N] [--seed S]
 *   l4r-gen kuaisar v2|small OUTDIR [--lines N] [--ratings N] [--users N] [--items N] [--seed S]
 *
 * How: every random choice comes from splitmix64 streams keyed by (seed, label, index), never from
 * time, addresses or iteration order of hash tables, so the same arguments give the same bytes.
 * (Floating point goes through libm's pow/log; the same binary on the same libm is byte-stable.)
 * Zip entries get fixed mtimes and owners, and TZ is forced to UTC because the zip writer stores
 * DOS times in local time.  Output goes through one large buffer (1 MiB, flushed with fwrite or
 * gzwrite) with hand-written integer formatting, which keeps the 25M-row benchmark file to a few
 * seconds.  Where datasets.md quotes real upstream lines, those lines are written first, verbatim.
 *
 * Layout: this file holds main, the option parser and the table of families (command word, usage
 * text, entry point).  gen.h declares, one line each, what every family shares (die, x*alloc, the
 * rng, the sink and put_* writers, calendar, samplers, word pools, prose, zip and md5, the parsed
 * `args`), and gen_common.c defines it.  Each family is one file, tests/gen/gen_<family>.c, that
 * holds everything only it uses and exports `int gen_<family>_main(const args *a)`, called with the
 * parsed command line (a->pos[0] is the command word).  Adding a family:
 *   1. write tests/gen/gen_<family>.c: its file-top comment, #include "gen.h", static helpers, the
 *      entry point (check a->npos, apply defaults, die() on bad input, return 0), rng_for labels
 *      of its own so no other family's numbers move;
 *   2. declare the entry point in gen.h;
 *   3. add its row to FAMILIES below; usage() prints the rows' usage texts in table order.
 * The Makefile builds every .c file in tests/gen, so nothing else changes.  A new option needs a
 * field in `args` (gen.h) and a branch in parse_args.
 *
 * This program is a test tool: it prints its own errors and exits 1 on the first one.  It does not
 * link the project library on purpose, so it can never share a bug with the code it feeds.
 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One row per command word.  usage: its lines in usage(), after the 7-column "usage: " margin
 * (continuation lines carry their own indentation); run: gets the parsed command line, returns the
 * exit code. */
typedef struct {
    const char *name;
    const char *usage;
    int (*run)(const args *a);
} family;

static const family FAMILIES[] = {
    {"movielens",
     "l4r-gen movielens VARIANT OUTDIR [--users N] [--items N] [--ratings N] [--tags N]\n"
     "                         [--seed S] [--encoding latin1|utf8] [--crlf|--lf]\n"
     "         VARIANT: ml-100k ml-1m ml-10m ml-20m ml-25m ml-32m ml-latest ml-latest-small",
     gen_movielens_main},
    {"ml25m-ratings", "l4r-gen ml25m-ratings [--rows N] [--seed S] [-o FILE]", gen_ml25m_ratings_main},
    {"amazon",
     "l4r-gen amazon 2014|2018|2023 reviews|meta|ratings [--lines N] [--users N]\n"
     "                      [--items N] [--gzip] [--seed S] [-o FILE]",
     gen_amazon_main},
    {"gowalla",
     "l4r-gen gowalla checkins|edges [--lines N] [--users N] [--items N] [--gzip] [--seed S] [-o FILE]",
     gen_gowalla_main},
    {"lastfm",
     "l4r-gen lastfm hetrec-2k|1k OUTDIR [--users N] [--items N] [--tags N] [--ratings N] [--lines N]\n"
     "                      [--seed S]   (hetrec-2k: --ratings plays, --lines tag assignments)",
     gen_lastfm_main},
    {"microlens", "l4r-gen microlens 50k|100k|1m OUTDIR [--users N] [--items N] [--lines N] [--seed S]",
     gen_microlens_main},
    {"goodreads",
     "l4r-gen goodreads csv|dedup|GENRE OUTDIR [--lines N] [--users N] [--items N] [--seed S]\n"
     "         GENRE: children comics_graphic fantasy_paranormal history_biography mystery_thriller_crime\n"
     "                poetry romance young_adult",
     gen_goodreads_main},
    {"steam",
     "l4r-gen steam reviews|games|user-reviews|users-items|bundles [--lines N] [--users N]\n"
     "                      [--items N] [--gzip] [--seed S] [-o FILE]",
     gen_steam_main},
    {"mind", "l4r-gen mind small|large train|dev|test OUTDIR [--lines N] [--users N] [--items N] [--seed S]",
     gen_mind_main},
    {"yelp", "l4r-gen yelp json|kaggle|kaggle-2018 OUTDIR [--lines N] [--users N] [--items N] [--seed S]",
     gen_yelp_main},
    {"kuaisar",
     "l4r-gen kuaisar v2|small OUTDIR [--lines N] [--ratings N] [--users N] [--items N] [--seed S]\n"
     "                      (--lines rec_inter.csv rows, --ratings src_inter.csv rows)",
     gen_kuaisar_main},
    {"pixelrec", "l4r-gen pixelrec 200k|1m|8m|full|50k OUTDIR [--lines N] [--users N] [--items N] [--seed S]",
     gen_pixelrec_main},
    {"ninerec",
     "l4r-gen ninerec DS OUTDIR [item-first|user-first] [--lines N] [--users N] [--items N] [--seed S]\n"
     "         DS: Bili_2M Bili_500K QB TN Bili_Food Bili_Dance Bili_Movie Bili_Cartoon Bili_Music DY KU",
     gen_ninerec_main},
    {"tenrec",
     "l4r-gen tenrec QK-video|QB-video|QK-article|QB-article|all OUTDIR [--lines N] [--users N] [--items N]\n"
     "                      [--seed S]",
     gen_tenrec_main},
    {"taobao", "l4r-gen taobao OUTDIR [--lines N] [--users N] [--items N] [--seed S]", gen_taobao_main},
    {"tmall", "l4r-gen tmall ijcai15|ijcai16 OUTDIR [--lines N] [--users N] [--items N] [--seed S]",
     gen_tmall_main},
    {"douban", "l4r-gen douban dmsc|dtcdr OUTDIR [--lines N] [--users N] [--items N] [--seed S]",
     gen_douban_main},
    {"book-crossing", "l4r-gen book-crossing dump OUTDIR [--lines N] [--users N] [--items N] [--seed S]",
     gen_book_crossing_main},
    {"netflix", "l4r-gen netflix kaggle|original OUTDIR [--lines N] [--users N] [--items N] [--seed S]",
     gen_netflix_main},
    {"amazon-m2", "l4r-gen amazon-m2 OUTDIR [--lines N] [--items N] [--seed S]   (--lines training sessions)",
     gen_amazon_m2_main},
    {"u-need", "l4r-gen u-need OUTDIR [--lines N] [--users N] [--items N] [--seed S]   (--lines dialogues)",
     gen_u_need_main},
};

static void usage(FILE *f)
{
    for (size_t i = 0; i < ARRAY_LEN(FAMILIES); i++) {
        fputs(i == 0 ? "usage: " : "       ", f);
        fputs(FAMILIES[i].usage, f);
        fputc('\n', f);
    }
    fputs("Same arguments, same bytes.\n", f);
}

static void parse_args(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof(*a));
    a->users = a->items = a->ratings = a->tags = a->rows = a->lines = -1;
    a->seed = 42;
    a->crlf = -1;
    a->enc = -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        int64_t *num = NULL;
        if (!strcmp(s, "--users"))
            num = &a->users;
        else if (!strcmp(s, "--items"))
            num = &a->items;
        else if (!strcmp(s, "--ratings"))
            num = &a->ratings;
        else if (!strcmp(s, "--tags"))
            num = &a->tags;
        else if (!strcmp(s, "--rows"))
            num = &a->rows;
        else if (!strcmp(s, "--lines"))
            num = &a->lines;
        if (num) {
            if (!val)
                die("%s needs a value", s);
            uint64_t v = parse_u64(s, val);
            if (v > (uint64_t)INT64_MAX)
                die("%s: value too large", s);
            *num = (int64_t)v;
            i++;
        } else if (!strcmp(s, "--seed")) {
            if (!val)
                die("--seed needs a value");
            a->seed = parse_u64(s, val);
            i++;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            if (!val)
                die("%s needs a value", s);
            a->out = val;
            i++;
        } else if (!strcmp(s, "--encoding")) {
            if (!val)
                die("--encoding needs a value");
            if (!strcmp(val, "latin1") || !strcmp(val, "iso-8859-1"))
                a->enc = ENC_LATIN1;
            else if (!strcmp(val, "utf8") || !strcmp(val, "utf-8"))
                a->enc = ENC_UTF8;
            else
                die("unknown encoding '%s' (latin1, utf8)", val);
            i++;
        } else if (!strcmp(s, "--gzip")) {
            a->gzip = 1;
        } else if (!strcmp(s, "--crlf")) {
            a->crlf = 1;
        } else if (!strcmp(s, "--lf")) {
            a->crlf = 0;
        } else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            usage(stdout);
            exit(0);
        } else if (s[0] == '-' && s[1]) {
            die("unknown option '%s'", s);
        } else {
            if (a->npos == 4)
                die("too many arguments");
            a->pos[a->npos++] = s;
        }
    }
}

int main(int argc, char **argv)
{
    args a;
    /* libarchive stores DOS times in local time: pin the zone so the zip bytes never vary. */
    setenv("TZ", "UTC", 1);
    tzset();
    parse_args(argc, argv, &a);
    if (a.npos == 0) {
        usage(stderr);
        return 2;
    }
    const char *cmd = a.pos[0];
    /* The error lists the command words from the table, so it cannot go stale. */
    char names[1024];
    size_t len = 0;
    names[0] = 0;
    for (size_t i = 0; i < ARRAY_LEN(FAMILIES); i++) {
        if (!strcmp(cmd, FAMILIES[i].name))
            return FAMILIES[i].run(&a);
        if (len < sizeof(names))
            len +=
                (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "", FAMILIES[i].name);
    }
    die("unknown command '%s' (%s)", cmd, names);
}
