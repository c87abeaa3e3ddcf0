/*
 * cmd_stats.c — `llm4rec-data stats PATH [--json]`: the numbers a paper's dataset table needs,
 * computed by l4r_stats_load() (src/stats.c) and printed as tab-separated lines or one JSON
 * object.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data stats PATH [--json] [--plot FILE.svg]\n"
               "\n"
               "Statistics of an interactions TSV (common format) or of a converted directory\n"
               "(interactions.tsv, or train.tsv + valid.tsv + test.tsv): users, items,\n"
               "interactions, distinct (user, item) pairs, density (distinct pairs / users x\n"
               "items), history length, time span, tied-timestamp share, duplicate share\n"
               "(rows repeating a pair / rows), and cold items in test.  The time span and the\n"
               "tied share are 'none' (JSON null) when the timestamps are empty: the source\n"
               "has no time.\n"
               "\n"
               "options:\n"
               "  --json          one JSON object instead of text\n"
               "  --plot FILE.svg also draw the history-length distribution and the\n"
               "                  interactions per month as one self-contained SVG\n"
               "  -h, --help      this help\n");
}

static void iso_date(int64_t ts, char *out, size_t n)
{
    time_t tt = (time_t)ts;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(out, n, "?");
        return;
    }
    strftime(out, n, "%Y-%m-%d", &tm);
}

static void print_stats(const l4r_stats *s, bool json, const char *path)
{
    char first[32] = "", last[32] = "";
    int64_t tmin = 0, tmax = 0;
    if (l4r_stats_time(s, &tmin, &tmax)) {
        iso_date(tmin, first, sizeof first);
        iso_date(tmax, last, sizeof last);
    }
    size_t users = l4r_stats_users(s), items = l4r_stats_items(s), n = l4r_stats_interactions(s);
    uint64_t hmin, hmax;
    double hmedian, hmean;
    l4r_stats_history(s, &hmin, &hmedian, &hmean, &hmax);
    size_t part[3];
    bool split = l4r_stats_split(s, part);
    /* rows without a timestamp (a source without time): no span, and no ties to count */
    bool timeless = n && !l4r_stats_time(s, &tmin, &tmax);
    if (json) {
        printf("{\"path\":\"");
        for (const char *p = path; *p; p++) {
            if (*p == '"' || *p == '\\')
                putchar('\\');
            if ((unsigned char)*p >= 0x20)
                putchar(*p);
        }
        printf("\",\"users\":%zu,\"items\":%zu,\"interactions\":%zu,\"distinct_pairs\":%zu,\"density\":%.9g,",
               users, items, n, l4r_stats_distinct_pairs(s), l4r_stats_density(s));
        printf("\"history\":{\"min\":%" PRIu64 ",\"median\":%.9g,\"mean\":%.9g,\"max\":%" PRIu64 "},", hmin,
               hmedian, hmean, hmax);
        if (n && !timeless)
            printf("\"time\":{\"first\":\"%s\",\"last\":\"%s\",\"first_ts\":%" PRId64 ",\"last_ts\":%" PRId64
                   "},",
                   first, last, tmin, tmax);
        else
            printf("\"time\":null,");
        if (timeless)
            printf("\"tied_timestamp_share\":null,");
        else
            printf("\"tied_timestamp_share\":%.9g,", l4r_stats_tied_share(s));
        printf("\"duplicate_pair_share\":%.9g", l4r_stats_duplicate_share(s));
        if (split)
            printf(",\"split\":{\"train\":%zu,\"valid\":%zu,\"test\":%zu},\"cold_test_items\":%zu,"
                   "\"cold_test_item_share\":%.9g,\"cold_test_interaction_share\":%.9g",
                   part[0], part[1], part[2], l4r_stats_cold_items(s), l4r_stats_cold_item_share(s),
                   l4r_stats_cold_interaction_share(s));
        printf("}\n");
        return;
    }
    printf("path\t%s\n", path);
    printf("users\t%zu\nitems\t%zu\ninteractions\t%zu\ndistinct_pairs\t%zu\ndensity\t%.6g\n", users, items, n,
           l4r_stats_distinct_pairs(s), l4r_stats_density(s));
    printf("history_min\t%" PRIu64 "\nhistory_median\t%.6g\nhistory_mean\t%.6g\nhistory_max\t%" PRIu64 "\n",
           hmin, hmedian, hmean, hmax);
    if (timeless)
        printf("first\tnone\nlast\tnone\ntied_timestamp_share\tnone\n");
    else if (n)
        printf("first\t%s\nlast\t%s\n", first, last);
    if (!timeless)
        printf("tied_timestamp_share\t%.6g\n", l4r_stats_tied_share(s));
    printf("duplicate_pair_share\t%.6g\n", l4r_stats_duplicate_share(s));
    if (split) {
        printf("train\t%zu\nvalid\t%zu\ntest\t%zu\n", part[0], part[1], part[2]);
        printf("cold_test_items\t%zu\ncold_test_item_share\t%.6g\ncold_test_interaction_share\t%.6g\n",
               l4r_stats_cold_items(s), l4r_stats_cold_item_share(s), l4r_stats_cold_interaction_share(s));
    }
}

int cmd_stats(l4r_cli *cli, int argc, char **argv)
{
    bool json = false;
    const char *plot = NULL;
    enum { OPT_JSON = L4R_OPT_FIRST_CMD, OPT_PLOT };
    static const struct option opts[] = {{"json", no_argument, NULL, OPT_JSON},
                                         {"plot", required_argument, NULL, OPT_PLOT},
                                         L4R_COMMON_LONGOPTS,
                                         {0, 0, 0, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":hq", opts, NULL)) != -1;) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == OPT_JSON)
            json = true;
        else if (c == OPT_PLOT)
            plot = optarg;
        else if (!l4r_cli_common_opt(cli, c, optarg))
            return l4r_cli_option_error("stats", c, argv, opts);
    }
    if (argc - optind != 1)
        return l4r_cli_usage_error("stats", "expected one PATH (a TSV file or a converted directory)");
    const char *path = argv[optind];
    l4r_error e = {0};
    l4r_stats *s = NULL;
    l4r_status st = l4r_stats_load(path, &s, &e);
    if (st)
        return l4r_cli_fail(st, &e);
    if (plot) {
        st = l4r_stats_plot(s, plot, &e);
        if (st) {
            l4r_stats_free(s);
            return l4r_cli_fail(st, &e);
        }
    }
    print_stats(s, json, path);
    fflush(stdout);
    l4r_stats_free(s);
    return 0;
}
