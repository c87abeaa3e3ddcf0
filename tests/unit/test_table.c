/* test_table.c — string dictionary, interaction table, items. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convert/spill.h"
#include "convert/table.h"
#include "tap.h"
#include "util.h"

static void test_dict_basic(void)
{
    l4r_dict *d = l4r_dict_new();
    T_EQ_INT(l4r_dict_intern(d, "alpha", 5), 0);
    T_EQ_INT(l4r_dict_intern(d, "beta", 4), 1);
    T_EQ_INT(l4r_dict_intern(d, "alpha", 5), 0);
    T_EQ_INT(l4r_dict_intern(d, "alph", 4), 2); /* prefix is a different key */
    T_EQ_INT(l4r_dict_intern(d, "", 0), 3);     /* the empty string is a key too */
    T_EQ_INT(l4r_dict_intern(d, "", 0), 3);
    T_EQ_INT(l4r_dict_size(d), 4);
    T_EQ_INT(l4r_dict_find(d, "beta", 4), 1);
    T_EQ_INT(l4r_dict_find(d, "gamma", 5), UINT32_MAX);
    size_t n;
    const char *s = l4r_dict_str(d, 1, &n);
    T_EQ_MEM(s, n, "beta", 4);
    /* embedded NUL bytes are part of the key */
    T_EQ_INT(l4r_dict_intern(d, "a\0b", 3), 4);
    T_EQ_INT(l4r_dict_find(d, "a\0c", 3), UINT32_MAX);
    l4r_dict_free(d);
    l4r_dict_free(NULL);
}

/* Many keys: ids in first-appearance order survive table growth; early pointers stay valid. */
static void test_dict_many(void)
{
    l4r_dict *d = l4r_dict_new();
    const size_t N = 300000;
    char buf[64];
    const char *first = l4r_dict_str(d, l4r_dict_intern(d, "key-0", 5), NULL);
    int bad = 0;
    for (size_t i = 1; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "key-%zu", i);
        if (l4r_dict_intern(d, buf, (size_t)n) != i)
            bad++;
    }
    T_EQ_INT(bad, 0);
    T_EQ_INT(l4r_dict_size(d), N);
    for (size_t i = 0; i < N; i += 7) {
        int n = snprintf(buf, sizeof buf, "key-%zu", i);
        if (l4r_dict_find(d, buf, (size_t)n) != i)
            bad++;
        size_t sn;
        const char *s = l4r_dict_str(d, (uint32_t)i, &sn);
        if (sn != (size_t)n || memcmp(s, buf, sn) != 0)
            bad++;
    }
    T_EQ_INT(bad, 0);
    T_EQ_MEM(first, 5, "key-0", 5);
    /* a key longer than an arena chunk */
    size_t big = (1u << 20) + 100;
    char *long_key = malloc(big);
    memset(long_key, 'x', big);
    uint32_t id = l4r_dict_intern(d, long_key, big);
    T_EQ_INT(id, N);
    T_EQ_INT(l4r_dict_find(d, long_key, big), N);
    T_EQ_INT(l4r_dict_intern(d, "after", 5), N + 1);
    free(long_key);
    l4r_dict_free(d);
}

static void test_itab(void)
{
    l4r_itab *t = l4r_itab_new();
    T_CHECK(t->has_time);
    uint32_t r5 = l4r_dict_intern(t->ratings, "5", 1);
    uint32_t r45 = l4r_dict_intern(t->ratings, "4.5", 3);
    uint32_t rx = l4r_dict_intern(t->ratings, "like", 4);
    for (int i = 0; i < 10000; i++)
        l4r_itab_push(t, (uint32_t)(i % 7), (uint32_t)(i % 13), i % 2 ? r5 : r45, 1000 + i);
    T_EQ_INT(t->n, 10000);
    T_EQ_INT(t->user[9999], 9999 % 7);
    T_EQ_INT(t->item[9999], 9999 % 13);
    T_EQ_INT(l4r_itab_ts(t, 9999), 10999);
    T_CHECK(l4r_itab_rating_value(t, r5) == 5.0);
    T_CHECK(l4r_itab_rating_value(t, r45) == 4.5);
    T_CHECK(isnan(l4r_itab_rating_value(t, rx)));
    l4r_itab_reserve(t, 50000);
    T_CHECK(t->cap >= 50000);
    T_EQ_INT(l4r_itab_ts(t, 0), 1000);
    l4r_itab_free(t);
    l4r_itab_free(NULL);
}

/* The value rows of the widening tests get: row r's rating id and timestamp. */
typedef uint32_t (*rating_fn)(size_t r);
typedef int64_t (*ts_fn)(size_t r);

static uint32_t rat_small(size_t r)
{
    return (uint32_t)(r % 10);
}

static uint32_t rat_past_255(size_t r)
{
    return r < 20000 ? (uint32_t)(r % 10) : (uint32_t)(r % 300); /* ids 256..299 from row 20256 */
}

static int64_t ts_secs(size_t r)
{
    return 789652009 + (int64_t)r * 7;
}

static int64_t ts_negative(size_t r)
{
    return r == 15000 ? -86400 : ts_secs(r); /* 1969-12-31 after 15,000 narrow rows */
}

static int64_t ts_millis(size_t r)
{
    return r < 30000 ? ts_secs(r) : (int64_t)4294967296 + (int64_t)r * 1000; /* >= 2^32 */
}

static int64_t ts_max32(size_t r)
{
    return r % 2 ? (int64_t)UINT32_MAX : 0; /* the edges of the narrow range stay narrow */
}

/* Push `rows` rows; every value must read back exactly, with the widths expected at the end. */
static void check_widening(const char *what, size_t rows, rating_fn rf, ts_fn tf, bool rating_wide,
                           bool ts_wide)
{
    l4r_itab *t = l4r_itab_new();
    T_CHECK(!t->rating_wide && !t->ts_wide);
    for (size_t r = 0; r < rows; r++)
        l4r_itab_push(t, (uint32_t)(r % 97), (uint32_t)(r % 1001), rf(r), tf(r));
    printf("# %s\n", what);
    T_EQ_INT(t->n, rows);
    T_EQ_INT(t->rating_wide, rating_wide);
    T_EQ_INT(t->ts_wide, ts_wide);
    T_CHECK(rating_wide ? t->rating32 && !t->rating8 : t->rating8 && !t->rating32);
    T_CHECK(ts_wide ? t->ts64 && !t->ts32 : t->ts32 && !t->ts64);
    size_t bad = 0;
    for (size_t r = 0; r < rows; r++) {
        if (t->user[r] != r % 97 || t->item[r] != r % 1001 || l4r_itab_rating(t, r) != rf(r) ||
            l4r_itab_ts(t, r) != tf(r))
            bad++;
    }
    T_EQ_INT(bad, 0);
    T_EQ_INT(l4r_itab_row_bytes(t), 32 - (rating_wide ? 0 : 3) - (ts_wide ? 0 : 4));
    l4r_itab_free(t);
}

static void test_itab_widen(void)
{
    check_widening("narrow", 50000, rat_small, ts_secs, false, false);
    check_widening("0 and 2^32 - 1 stay narrow", 50000, rat_small, ts_max32, false, false);
    check_widening("rating id 256 after 20,256 narrow rows", 50000, rat_past_255, ts_secs, true, false);
    check_widening("negative ts after 15,000 narrow rows", 50000, rat_small, ts_negative, false, true);
    check_widening("milliseconds after 30,000 narrow rows", 50000, rat_small, ts_millis, false, true);
    check_widening("both", 50000, rat_past_255, ts_millis, true, true);
    check_widening("widened on the last row", 20257, rat_past_255, ts_secs, true, false);

    /* the test hook: L4R_ITAB_WIDE=1 starts wide */
    setenv("L4R_ITAB_WIDE", "1", 1);
    l4r_itab *t = l4r_itab_new();
    unsetenv("L4R_ITAB_WIDE");
    T_CHECK(t->rating_wide && t->ts_wide);
    l4r_itab_push(t, 0, 0, 3, 5);
    T_CHECK(t->rating32 && t->ts64 && !t->rating8 && !t->ts32);
    T_EQ_INT(l4r_itab_ts(t, 0), 5);
    T_EQ_INT(l4r_itab_row_bytes(t), L4R_ITAB_SPILL_ROW_BYTES);
    l4r_itab_free(t);
}

/* Widening in the middle of a spilled table: the runs written before and after hold every value
 * exactly, and the columns stay within the budget at the wider rows. */
static void test_itab_widen_spilled(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/l4r-twiden.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    char *sub = l4r_path_join(dir, ".spill");
    const size_t rows = 40000;
    l4r_itab *t = l4r_itab_new();
    t->memory_limit = 4000 * L4R_ITAB_NARROW_ROW_BYTES; /* 4,000 narrow rows, 3,125 wide ones */
    t->spill_dir = l4r_xstrdup(sub);
    char name[16];
    for (int u = 0; u < 50; u++) /* a run's sort buckets the rows by user id < users in the dict */
        l4r_dict_intern(t->users, name, (size_t)snprintf(name, sizeof name, "u%d", u));
    bool capped = true;
    size_t widened_at_run = 0;
    for (size_t r = 0; r < rows; r++) {
        l4r_itab_push(t, (uint32_t)(r % 50), (uint32_t)(r % 777), rat_past_255(r), ts_millis(r));
        if (r == 20256)
            widened_at_run = t->spill ? t->spill->n : 0;
        capped &= t->cap <= t->memory_limit / l4r_itab_row_bytes(t);
    }
    T_CHECK(capped);
    T_CHECK(widened_at_run >= 4); /* runs of narrow rows were written before the widening */
    T_CHECK(t->rating_wide && t->ts_wide);
    l4r_error e = {0};
    T_EQ_INT(l4r_itab_spill_flush(t, &e), L4R_OK);
    T_EQ_INT(t->spill->rows, rows);
    size_t bad = 0, seen = 0;
    for (size_t k = 0; k < t->spill->n; k++) {
        size_t n = t->spill->run[k].rows, b = (size_t)t->spill->run[k].base;
        uint32_t *u = malloc(n * sizeof *u), *i = malloc(n * sizeof *i), *ra = malloc(n * sizeof *ra);
        int64_t *ts = malloc(n * sizeof *ts);
        T_EQ_INT(l4r_spill_read_run(t->spill, k, u, i, ra, ts, &e), L4R_OK);
        for (size_t j = 0; j < n; j++) {
            size_t r = b + j;
            if (u[j] != r % 50 || i[j] != r % 777 || ra[j] != rat_past_255(r) || ts[j] != ts_millis(r))
                bad++;
        }
        seen += n;
        free(u);
        free(i);
        free(ra);
        free(ts);
    }
    T_EQ_INT(seen, rows);
    T_EQ_INT(bad, 0);
    l4r_itab_free(t);
    l4r_rmtree(dir, &e);
    free(sub);
}

static void test_items(void)
{
    char g[] = "genres", ac[] = "Animation|Comedy";
    char *names[] = {g};
    l4r_items *it = l4r_items_new(names, 1);
    char *ex1[] = {ac};
    T_CHECK(l4r_items_add(it, "1", 1, "Toy Story (1995)", ex1));
    T_CHECK(l4r_items_add(it, "2", 1, NULL, NULL));
    T_CHECK(!l4r_items_add(it, "1", 1, "Other", ex1)); /* first occurrence wins */
    T_EQ_STR(l4r_items_title(it, "1", 1), "Toy Story (1995)");
    T_EQ_STR(l4r_items_title(it, "2", 1), NULL);
    T_EQ_STR(l4r_items_title(it, "3", 1), NULL);
    T_EQ_INT(it->n, 2);
    T_EQ_STR(it->extra[0][0], "Animation|Comedy");
    T_EQ_STR(it->extra[1][0], NULL);
    T_EQ_STR(it->extra_names[0], "genres");
    l4r_items_free(it);
    l4r_items_free(NULL);
}

int main(void)
{
    test_dict_basic();
    test_dict_many();
    test_itab();
    test_itab_widen();
    test_itab_widen_spilled();
    test_items();
    return l4r_t_exit();
}
