/*
 * stats.c — the statistics of a converted output (l4r_stats_load in llm4rec_data.h): the numbers
 * a paper's dataset table needs.
 *
 * PATH is an interactions TSV in the common format (header user_id, item_id, rating, timestamp)
 * or a converted directory: its interactions.tsv, else train.tsv + valid.tsv + test.tsv (then the
 * cold-start share of the test items is computed too).  Rows are loaded into the columnar table
 * (src/convert/table.h); per-user questions are answered after a counting sort by user, so it
 * stays linear apart from the small per-user sorts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/table.h"
#include "util.h"

/* Load one TSV into t; part[] (may be NULL) gets `tag` for each row.  *timed is -1 until the first
 * row, then 1 when rows carry a timestamp and 0 when the field is empty (a source without time,
 * docs/FORMAT.md); a row that disagrees with the first is an error. */
static l4r_status load_tsv(const char *path, l4r_itab *t, uint8_t **part, size_t *pcap, uint8_t tag,
                           int *timed, l4r_error *e)
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
        char *end = NULL;
        errno = 0;
        long long ts = 0;
        int row_timed = f3[1] != '\0';
        if (*timed < 0)
            *timed = row_timed;
        if (row_timed != *timed) {
            st = l4r_err(e, L4R_EPARSE,
                         "'%s' line %" PRIu64 ", field timestamp: %s, but the rows before have %s: a "
                         "source has a time on every row or on none",
                         path, lineno, row_timed ? "a time" : "empty", row_timed ? "none" : "one");
            goto out;
        }
        if (row_timed)
            ts = strtoll(f3 + 1, &end, 10);
        if (row_timed && (errno || end == f3 + 1 || (*end && *end != '.'))) {
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

struct l4r_stats {
    size_t users, items, n;
    double density;
    uint64_t hmin, hmax;
    double hmedian, hmean;
    int64_t tmin, tmax;
    size_t tied, dup;
    uint32_t *hist; /* history length of every user, ascending (the --plot histogram) */
    int64_t *month; /* rows per calendar month from the first row's month (n_month of them) */
    size_t n_month;
    int month0; /* the first month as year * 12 + month - 1 */
    bool split;
    bool timeless; /* the timestamp field is empty on every row */
    size_t part_rows[3];
    size_t cold_items, cold_rows, test_items;
};

/* The calendar month (UTC) of Unix time ts, as year * 12 + month - 1. */
static int month_of(int64_t ts)
{
    int64_t days = ts >= 0 ? ts / 86400 : -((-ts + 86399) / 86400);
    /* civil_from_days (Howard Hinnant's algorithm) */
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    return (int)(y * 12 + m - 1);
}

static void compute(const l4r_itab *t, const uint8_t *part, bool timeless, l4r_stats *s)
{
    memset(s, 0, sizeof *s);
    s->timeless = timeless;
    s->n = t->n;
    s->users = l4r_dict_size(t->users);
    s->items = l4r_dict_size(t->items);
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
        s->hist = sl;
    }
    /* rows grouped by user: timestamps and items */
    int64_t *ts = l4r_xmalloc((t->n ? t->n : 1) * sizeof *ts);
    uint32_t *it = l4r_xmalloc((t->n ? t->n : 1) * sizeof *it);
    uint32_t *fill = l4r_xcalloc(nu ? nu : 1, sizeof *fill);
    s->tmin = INT64_MAX;
    s->tmax = INT64_MIN;
    for (size_t r = 0; r < t->n; r++) {
        uint32_t u = t->user[r];
        int64_t v = l4r_itab_ts(t, r);
        ts[beg[u] + fill[u]] = v;
        it[beg[u] + fill[u]] = t->item[r];
        fill[u]++;
        s->tmin = v < s->tmin ? v : s->tmin;
        s->tmax = v > s->tmax ? v : s->tmax;
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
            if (k - j > 1 && !timeless)
                s->tied += k - j;
            j = k;
        }
        for (size_t j = 1; j < n; j++)
            s->dup += b[j] == b[j - 1];
    }
    /* density from distinct (user, item) pairs: a repeated pair is one cell of the matrix */
    s->density = s->users && s->items ? (double)(s->n - s->dup) / ((double)s->users * (double)s->items) : 0;
    if (t->n && !timeless) {
        s->month0 = month_of(s->tmin);
        s->n_month = (size_t)(month_of(s->tmax) - s->month0 + 1);
        s->month = l4r_xcalloc(s->n_month, sizeof *s->month);
        for (size_t r = 0; r < t->n; r++)
            s->month[month_of(l4r_itab_ts(t, r)) - s->month0]++;
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

l4r_status l4r_stats_load(const char *path, l4r_stats **out, l4r_error *e)
{
    l4r_status st = L4R_OK;
    l4r_itab *t = l4r_itab_new();
    uint8_t *part = NULL;
    size_t pcap = 0;
    int timed = -1; /* one answer for the three files of a split */
    if (l4r_is_dir(path)) {
        char *p = l4r_path_join(path, "interactions.tsv");
        if (l4r_is_file(p)) {
            st = load_tsv(p, t, NULL, NULL, 0, &timed, e);
        } else {
            static const char *const names[3] = {"train.tsv", "valid.tsv", "test.tsv"};
            for (int k = 0; k < 3 && !st; k++) {
                char *q = l4r_path_join(path, names[k]);
                if (!l4r_is_file(q))
                    st = l4r_err(e, L4R_EIO, "'%s' has neither interactions.tsv nor %s", path, names[k]);
                else
                    st = load_tsv(q, t, &part, &pcap, (uint8_t)k, &timed, e);
                free(q);
            }
        }
        free(p);
    } else {
        st = load_tsv(path, t, NULL, NULL, 0, &timed, e);
    }
    if (st == L4R_OK) {
        l4r_stats *s = l4r_xmalloc(sizeof *s);
        compute(t, part, timed == 0, s);
        *out = s;
    }
    free(part);
    l4r_itab_free(t);
    return st;
}

void l4r_stats_free(l4r_stats *s)
{
    if (s) {
        free(s->hist);
        free(s->month);
    }
    free(s);
}

size_t l4r_stats_users(const l4r_stats *s)
{
    return s->users;
}

size_t l4r_stats_items(const l4r_stats *s)
{
    return s->items;
}

size_t l4r_stats_interactions(const l4r_stats *s)
{
    return s->n;
}

double l4r_stats_density(const l4r_stats *s)
{
    return s->density;
}

void l4r_stats_history(const l4r_stats *s, uint64_t *min, double *median, double *mean, uint64_t *max)
{
    *min = s->hmin;
    *median = s->hmedian;
    *mean = s->hmean;
    *max = s->hmax;
}

bool l4r_stats_time(const l4r_stats *s, int64_t *first, int64_t *last)
{
    if (!s->n || s->timeless)
        return false;
    *first = s->tmin;
    *last = s->tmax;
    return true;
}

double l4r_stats_tied_share(const l4r_stats *s)
{
    return share(s->tied, s->n);
}

double l4r_stats_duplicate_share(const l4r_stats *s)
{
    return share(s->dup, s->n);
}

bool l4r_stats_split(const l4r_stats *s, size_t rows[3])
{
    if (s->split && rows)
        memcpy(rows, s->part_rows, sizeof s->part_rows);
    return s->split;
}

size_t l4r_stats_cold_items(const l4r_stats *s)
{
    return s->cold_items;
}

double l4r_stats_cold_item_share(const l4r_stats *s)
{
    return share(s->cold_items, s->test_items);
}

double l4r_stats_cold_interaction_share(const l4r_stats *s)
{
    return share(s->cold_rows, s->part_rows[2]);
}

size_t l4r_stats_distinct_pairs(const l4r_stats *s)
{
    return s->n - s->dup;
}

const uint32_t *l4r_stats_history_lengths(const l4r_stats *s, size_t *n)
{
    *n = s->hist ? s->users : 0;
    return s->hist;
}

const int64_t *l4r_stats_months(const l4r_stats *s, size_t *n, int *first)
{
    *n = s->n_month;
    *first = s->month0;
    return s->month;
}
