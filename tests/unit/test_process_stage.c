/* test_process_stage.c — the stage rules of stage.h and the split rule, through a third kind of
 * group (a plain array of rows), so the rules are checked apart from either engine. */
#include <stdlib.h>
#include <string.h>

#include "convert/stage.h"
#include "tap.h"
#include "util.h"

typedef struct arow {
    uint32_t item, rating;
    int64_t ts;
    uint64_t row, key;
    bool dead;
} arow;

typedef struct agroup {
    arow r[32];
    size_t n;
    arow held;
} agroup;

static uint32_t a_item(const void *g, size_t j)
{
    return ((const agroup *)g)->r[j].item;
}

static uint32_t a_rating(const void *g, size_t j)
{
    return ((const agroup *)g)->r[j].rating;
}

static int64_t a_ts(const void *g, size_t j)
{
    return ((const agroup *)g)->r[j].ts;
}

static uint64_t a_row(const void *g, size_t j)
{
    return ((const agroup *)g)->r[j].row;
}

static uint64_t a_key(const void *g, size_t j, uint64_t seed)
{
    return ((const agroup *)g)->r[j].key ^ seed;
}

static void a_drop(void *g, size_t j)
{
    ((agroup *)g)->r[j].dead = true;
}

static size_t a_compact(void *g)
{
    agroup *a = g;
    size_t k = 0;
    for (size_t j = 0; j < a->n; j++) {
        if (!a->r[j].dead)
            a->r[k++] = a->r[j];
    }
    size_t removed = a->n - k;
    a->n = k;
    return removed;
}

static void a_hold(void *g, size_t j)
{
    agroup *a = g;
    a->held = a->r[j];
}

static void a_move(void *g, size_t dst, size_t src)
{
    agroup *a = g;
    a->r[dst] = a->r[src];
}

static void a_put(void *g, size_t dst)
{
    agroup *a = g;
    a->r[dst] = a->held;
}

static const l4r_group_ops a_ops = {a_item, a_rating,  a_ts,   a_row,  a_key,
                                    a_drop, a_compact, a_hold, a_move, a_put};

/* A group of items (rows numbered 0, 1, ...; ts = row unless given). */
static agroup mk(const uint32_t *items, size_t n)
{
    agroup g;
    memset(&g, 0, sizeof g);
    g.n = n;
    for (size_t j = 0; j < n; j++) {
        g.r[j].item = items[j];
        g.r[j].rating = items[j] % 3;
        g.r[j].ts = (int64_t)j;
        g.r[j].row = j;
    }
    return g;
}

/* The source rows left, as "0 1 3". */
static const char *rows_of(const agroup *g)
{
    static char s[256];
    size_t k = 0;
    s[0] = 0;
    for (size_t j = 0; j < g->n && k + 24 < sizeof s; j++)
        k += (size_t)snprintf(s + k, sizeof s - k, j ? " %llu" : "%llu", (unsigned long long)g->r[j].row);
    return s;
}

static void test_dedup(void)
{
    static const uint32_t it[5] = {1, 2, 1, 3, 2};
    uint32_t stamp[4] = {0};
    agroup g = mk(it, 5);
    T_CHECK(l4r_rule_dedup(&g, g.n, &a_ops, L4R_DEDUP_FIRST, stamp, 1) == 2);
    T_EQ_STR(rows_of(&g), "0 1 3");
    g = mk(it, 5);
    T_CHECK(l4r_rule_dedup(&g, g.n, &a_ops, L4R_DEDUP_LAST, stamp, 2) == 2);
    T_EQ_STR(rows_of(&g), "2 3 4");
    /* the stamp of an earlier group does not drop this one's rows */
    g = mk(it, 2);
    T_CHECK(l4r_rule_dedup(&g, g.n, &a_ops, L4R_DEDUP_FIRST, stamp, 3) == 0);
    T_EQ_STR(rows_of(&g), "0 1");
}

static void test_rating_kcore_history(void)
{
    static const uint32_t it[6] = {0, 1, 2, 3, 4, 5}; /* ratings 0 1 2 0 1 2 */
    static const uint8_t keep[3] = {0, 1, 1};
    agroup g = mk(it, 6);
    T_CHECK(l4r_rule_rating(&g, g.n, &a_ops, keep) == 2);
    T_EQ_STR(rows_of(&g), "1 2 4 5");

    static const uint32_t icnt[6] = {5, 1, 5, 2, 5, 9};
    g = mk(it, 6);
    T_CHECK(l4r_rule_kcore(&g, g.n, &a_ops, 3, 5, icnt) == 2); /* items 1 and 3 are rare */
    T_EQ_STR(rows_of(&g), "0 2 4 5");
    g = mk(it, 6);
    T_CHECK(l4r_rule_kcore(&g, g.n, &a_ops, 7, 0, icnt) == 6); /* the user is rare */
    T_CHECK(g.n == 0);
    g = mk(it, 6);
    T_CHECK(l4r_rule_kcore(&g, g.n, &a_ops, 6, 0, icnt) == 0);
    T_CHECK(g.n == 6);

    g = mk(it, 6);
    T_CHECK(l4r_rule_max_history(&g, g.n, &a_ops, 4) == 2);
    T_EQ_STR(rows_of(&g), "2 3 4 5");
    T_CHECK(l4r_rule_max_history(&g, g.n, &a_ops, 4) == 0);
}

static void test_ties(void)
{
    /* timestamps 1 2 2 2 3 3; keys chosen so that the runs sort to rows 3 1 2, then 5 4 */
    static const uint32_t it[6] = {0, 1, 2, 3, 4, 5};
    static const int64_t ts[6] = {1, 2, 2, 2, 3, 3};
    static const uint64_t key[6] = {0, 7, 7, 1, 9, 4};
    agroup g = mk(it, 6);
    for (size_t j = 0; j < 6; j++) {
        g.r[j].ts = ts[j];
        g.r[j].key = key[j];
    }
    agroup h = g;
    T_CHECK(l4r_rule_ties(&h, h.n, &a_ops, false, 0, NULL) == 5);
    T_EQ_STR(rows_of(&h), "0 1 2 3 4 5"); /* counted, not moved */
    T_CHECK(l4r_rule_ties(&g, g.n, &a_ops, true, 0, NULL) == 5);
    T_EQ_STR(rows_of(&g), "0 3 1 2 5 4"); /* equal keys: the source row decides */
    /* the order does not depend on the order the rows came in */
    agroup r = g;
    arow x = r.r[1];
    r.r[1] = r.r[3];
    r.r[3] = x;
    l4r_rule_ties(&r, r.n, &a_ops, true, 0, NULL);
    T_EQ_STR(rows_of(&r), "0 3 1 2 5 4");
    /* --ties item: the rank of the item decides (here item 3 < 1 < 2 and 5 < 4), not the key */
    static const uint32_t rank[6] = {0, 2, 3, 1, 9, 8};
    agroup q = mk(it, 6);
    for (size_t j = 0; j < 6; j++) {
        q.r[j].ts = ts[j];
        q.r[j].key = 0;
    }
    T_CHECK(l4r_rule_ties(&q, q.n, &a_ops, true, 0, rank) == 5);
    T_EQ_STR(rows_of(&q), "0 3 1 2 5 4");
}

static void test_title(void)
{
    static const uint32_t it[6] = {0, 1, 2, 3, 4, 5};
    static const uint8_t titled[6] = {1, 0, 1, 1, 0, 1};
    agroup g = mk(it, 6);
    T_CHECK(l4r_rule_title(&g, g.n, &a_ops, titled) == 2);
    T_EQ_STR(rows_of(&g), "0 2 3 5");
    T_CHECK(l4r_rule_title(&g, g.n, &a_ops, titled) == 0);
}

static void test_split_rows(void)
{
    uint8_t part[8];
    int64_t ts[8] = {10, 20, 30, 40, 50, 60, 70, 80};
    l4r_split_plan sp;
    memset(&sp, 0, sizeof sp);
    sp.kind = L4R_SPLIT_SEQ;
    memset(part, 9, sizeof part);
    l4r_split_rows(&sp, NULL, 2, NULL, ts, part);
    T_CHECK(part[0] == 0 && part[1] == 0 && part[2] == 9);
    l4r_split_rows(&sp, NULL, 5, NULL, ts, part);
    T_CHECK(part[0] == 0 && part[2] == 0 && part[3] == 1 && part[4] == 2 && part[5] == 9);
    /* through an index, as the in-memory engine calls it */
    uint32_t g[3] = {6, 2, 4};
    memset(part, 9, sizeof part);
    l4r_split_rows(&sp, g, 3, NULL, ts, part);
    T_CHECK(part[6] == 0 && part[2] == 1 && part[4] == 2 && part[0] == 9);

    sp.kind = L4R_SPLIT_TIME;
    sp.t1 = 30;
    sp.t2 = 60;
    l4r_split_rows(&sp, NULL, 8, NULL, ts, part);
    T_CHECK(part[1] == 0 && part[2] == 1 && part[4] == 1 && part[5] == 2 && part[7] == 2);

    sp.kind = L4R_SPLIT_RANDOM;
    sp.rem[0] = 5;
    sp.rem[1] = 2;
    sp.rem[2] = 1;
    sp.rr.s = 42;
    l4r_split_rows(&sp, NULL, 8, NULL, ts, part);
    int c[3] = {0, 0, 0};
    for (int j = 0; j < 8; j++)
        c[part[j]]++;
    T_CHECK(c[0] == 5 && c[1] == 2 && c[2] == 1); /* exact counts */
    T_CHECK(sp.rem[0] + sp.rem[1] + sp.rem[2] == 0);
}

int main(void)
{
    test_dedup();
    test_rating_kcore_history();
    test_ties();
    test_title();
    test_split_rows();
    return l4r_t_exit();
}
