/*
 * cmd_stats.c — `llm4rec-data stats PATH [--json]`: the numbers a paper's dataset table needs.
 *
 * PATH is an interactions TSV in the common format (header user_id, item_id, rating, timestamp)
 * or a converted directory: its interactions.tsv, else train.tsv + valid.tsv + test.tsv (then the
 * cold-start share of the test items is reported too).  Rows are loaded into the columnar table
 * (src/convert/table.h); per-user questions are answered after a counting sort by user, so the
 * command stays linear apart from the small per-user sorts.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_common.h"
#include "convert/table.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data stats PATH [--json]\n"
               "\n"
               "Statistics of an interactions TSV (common format) or of a converted directory\n"
               "(interactions.tsv, or train.tsv + valid.tsv + test.tsv): users, items,\n"
               "interactions, density, history length, time span, tied-timestamp share,\n"
               "duplicate (user, item) share, and cold items in test.\n"
               "\n"
               "options:\n"
               "  --json          one JSON object instead of text\n"
               "  -h, --help      this help\n");
}

/* Load one TSV into t; part[] (may be NULL) gets `tag` for each row. */
static l4r_status load_tsv(const char *path, l4r_itab *t, uint8_t **part, size_t *pcap, uint8_t tag,
                           l4r_error *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0;
    l4r_status st = L4R_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (lineno == 1) {
            if (strncmp(line, "user_id\titem_id", 15) != 0 &&
                strncmp(line, "user_id:token\titem_id:token", 27) != 0) {
                st = l4r_err(e, L4R_EPARSE, "'%s' line 1: expected the header 'user_id<TAB>item_id<TAB>...'",
                             path);
                goto out;
            }
            continue;
        }
        if (n == 0)
            continue;
        char *f1 = memchr(line, '\t', (size_t)n);
        char *f2 = f1 ? memchr(f1 + 1, '\t', (size_t)(line + n - f1 - 1)) : NULL;
        char *f3 = f2 ? memchr(f2 + 1, '\t', (size_t)(line + n - f2 - 1)) : NULL;
        if (!f3) {
            st = l4r_err(e, L4R_EPARSE, "'%s' line %" PRIu64 ": expected 4 tab-separated fields", path,
                         lineno);
            goto out;
        }
        char *end;
        errno = 0;
        long long ts = strtoll(f3 + 1, &end, 10);
        if (errno || end == f3 + 1 || (*end && *end != '.')) {
            st = l4r_err(e, L4R_EPARSE, "'%s' line %" PRIu64 ", field timestamp: not an integer: '%s'", path,
                         lineno, f3 + 1);
            goto out;
        }
        uint32_t u = l4r_dict_intern(t->users, line, (size_t)(f1 - line));
        uint32_t i = l4r_dict_intern(t->items, f1 + 1, (size_t)(f2 - f1 - 1));
        uint32_t r = l4r_dict_intern(t->ratings, f2 + 1, (size_t)(f3 - f2 - 1));
        l4r_itab_push(t, u, i, r, (int64_t)ts);
        if (part) {
            if (t->n > *pcap) {
                *pcap = *pcap ? *pcap * 2 : 4096;
                *part = l4r_xrealloc(*part, *pcap);
            }
            (*part)[t->n - 1] = tag;
        }
    }
    if (ferror(f))
        st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", path, strerror(errno));
out:
    free(line);
    fclose(f);
    return st;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
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

typedef struct stats {
    size_t users, items, n;
    double density;
    uint64_t hmin, hmax;
    double hmedian, hmean;
    int64_t tmin, tmax;
    size_t tied, dup;
    bool split;
    size_t part_rows[3];
    size_t cold_items, cold_rows, test_items;
} stats;

static void compute(const l4r_itab *t, const uint8_t *part, stats *s)
{
    memset(s, 0, sizeof *s);
    s->n = t->n;
    s->users = l4r_dict_size(t->users);
    s->items = l4r_dict_size(t->items);
    s->density = s->users && s->items ? (double)s->n / ((double)s->users * (double)s->items) : 0;
    size_t nu = s->users;
    uint32_t *beg = l4r_xcalloc(nu + 1, sizeof *beg);
    for (size_t r = 0; r < t->n; r++)
        beg[t->user[r] + 1]++;
    uint32_t *len = l4r_xcalloc(nu ? nu : 1, sizeof *len);
    for (size_t u = 0; u < nu; u++) {
        len[u] = beg[u + 1];
        beg[u + 1] += beg[u];
    }
    /* history lengths */
    if (nu) {
        uint32_t *sl = l4r_xmalloc(nu * sizeof *sl);
        memcpy(sl, len, nu * sizeof *sl);
        qsort(sl, nu, sizeof *sl, cmp_u32);
        s->hmin = sl[0];
        s->hmax = sl[nu - 1];
        s->hmedian = nu % 2 ? sl[nu / 2] : ((double)sl[nu / 2 - 1] + sl[nu / 2]) / 2.0;
        s->hmean = (double)t->n / (double)nu;
        free(sl);
    }
    /* rows grouped by user: timestamps and items */
    int64_t *ts = l4r_xmalloc((t->n ? t->n : 1) * sizeof *ts);
    uint32_t *it = l4r_xmalloc((t->n ? t->n : 1) * sizeof *it);
    uint32_t *fill = l4r_xcalloc(nu ? nu : 1, sizeof *fill);
    s->tmin = INT64_MAX;
    s->tmax = INT64_MIN;
    for (size_t r = 0; r < t->n; r++) {
        uint32_t u = t->user[r];
        ts[beg[u] + fill[u]] = t->ts[r];
        it[beg[u] + fill[u]] = t->item[r];
        fill[u]++;
        s->tmin = t->ts[r] < s->tmin ? t->ts[r] : s->tmin;
        s->tmax = t->ts[r] > s->tmax ? t->ts[r] : s->tmax;
    }
    for (size_t u = 0; u < nu; u++) {
        int64_t *a = ts + beg[u];
        uint32_t *b = it + beg[u];
        size_t n = len[u];
        qsort(a, n, sizeof *a, cmp_i64);
        qsort(b, n, sizeof *b, cmp_u32);
        for (size_t j = 0; j < n;) {
            size_t k = j + 1;
            while (k < n && a[k] == a[j])
                k++;
            if (k - j > 1)
                s->tied += k - j;
            j = k;
        }
        for (size_t j = 1; j < n; j++)
            s->dup += b[j] == b[j - 1];
    }
    free(ts);
    free(it);
    free(fill);
    free(beg);
    free(len);
    if (part) {
        s->split = true;
        uint8_t *seen = l4r_xcalloc(s->items ? s->items : 1, 1);
        for (size_t r = 0; r < t->n; r++) {
            s->part_rows[part[r]]++;
            if (part[r] == 0)
                seen[t->item[r]] |= 1;
        }
        for (size_t r = 0; r < t->n; r++) {
            if (part[r] != 2)
                continue;
            uint32_t i = t->item[r];
            if (!(seen[i] & 2)) {
                seen[i] |= 2;
                s->test_items++;
                s->cold_items += !(seen[i] & 1);
            }
            s->cold_rows += !(seen[i] & 1);
        }
        free(seen);
    }
}

static double share(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static void print_stats(const stats *s, bool json, const char *path)
{
    char first[32] = "", last[32] = "";
    if (s->n) {
        iso_date(s->tmin, first, sizeof first);
        iso_date(s->tmax, last, sizeof last);
    }
    if (json) {
        printf("{\"path\":\"");
        for (const char *p = path; *p; p++) {
            if (*p == '"' || *p == '\\')
                putchar('\\');
            if ((unsigned char)*p >= 0x20)
                putchar(*p);
        }
        printf("\",\"users\":%zu,\"items\":%zu,\"interactions\":%zu,\"density\":%.9g,", s->users, s->items,
               s->n, s->density);
        printf("\"history\":{\"min\":%" PRIu64 ",\"median\":%.9g,\"mean\":%.9g,\"max\":%" PRIu64 "},",
               s->hmin, s->hmedian, s->hmean, s->hmax);
        if (s->n)
            printf("\"time\":{\"first\":\"%s\",\"last\":\"%s\",\"first_ts\":%" PRId64 ",\"last_ts\":%" PRId64
                   "},",
                   first, last, s->tmin, s->tmax);
        else
            printf("\"time\":null,");
        printf("\"tied_timestamp_share\":%.9g,\"duplicate_pair_share\":%.9g", share(s->tied, s->n),
               share(s->dup, s->n));
        if (s->split)
            printf(",\"split\":{\"train\":%zu,\"valid\":%zu,\"test\":%zu},\"cold_test_items\":%zu,"
                   "\"cold_test_item_share\":%.9g,\"cold_test_interaction_share\":%.9g",
                   s->part_rows[0], s->part_rows[1], s->part_rows[2], s->cold_items,
                   share(s->cold_items, s->test_items), share(s->cold_rows, s->part_rows[2]));
        printf("}\n");
        return;
    }
    printf("path\t%s\n", path);
    printf("users\t%zu\nitems\t%zu\ninteractions\t%zu\ndensity\t%.6g\n", s->users, s->items, s->n,
           s->density);
    printf("history_min\t%" PRIu64 "\nhistory_median\t%.6g\nhistory_mean\t%.6g\nhistory_max\t%" PRIu64 "\n",
           s->hmin, s->hmedian, s->hmean, s->hmax);
    if (s->n)
        printf("first\t%s\nlast\t%s\n", first, last);
    printf("tied_timestamp_share\t%.6g\nduplicate_pair_share\t%.6g\n", share(s->tied, s->n),
           share(s->dup, s->n));
    if (s->split) {
        printf("train\t%zu\nvalid\t%zu\ntest\t%zu\n", s->part_rows[0], s->part_rows[1], s->part_rows[2]);
        printf("cold_test_items\t%zu\ncold_test_item_share\t%.6g\ncold_test_interaction_share\t%.6g\n",
               s->cold_items, share(s->cold_items, s->test_items), share(s->cold_rows, s->part_rows[2]));
    }
}

int cmd_stats(l4r_cli *cli, int argc, char **argv)
{
    bool json = false;
    int rc = l4r_cli_simple_opts(cli, argc, argv, "stats", usage, &json);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return l4r_cli_usage_error("stats", "expected one PATH (a TSV file or a converted directory)");
    const char *path = argv[optind];
    l4r_error e = {0};
    l4r_status st = L4R_OK;
    l4r_itab *t = l4r_itab_new();
    uint8_t *part = NULL;
    size_t pcap = 0;
    if (l4r_is_dir(path)) {
        char *p = l4r_path_join(path, "interactions.tsv");
        if (l4r_is_file(p)) {
            st = load_tsv(p, t, NULL, NULL, 0, &e);
        } else {
            static const char *const names[3] = {"train.tsv", "valid.tsv", "test.tsv"};
            for (int k = 0; k < 3 && !st; k++) {
                char *q = l4r_path_join(path, names[k]);
                if (!l4r_is_file(q))
                    st = l4r_err(&e, L4R_EIO, "'%s' has neither interactions.tsv nor %s", path, names[k]);
                else
                    st = load_tsv(q, t, &part, &pcap, (uint8_t)k, &e);
                free(q);
            }
        }
        free(p);
    } else {
        st = load_tsv(path, t, NULL, NULL, 0, &e);
    }
    rc = 0;
    if (st) {
        rc = l4r_cli_fail(st, &e);
    } else {
        stats s;
        compute(t, part, &s);
        print_stats(&s, json, path);
        fflush(stdout);
    }
    free(part);
    l4r_itab_free(t);
    return rc;
}
