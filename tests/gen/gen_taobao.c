/*
 * gen_taobao.c — the Taobao family of l4r-gen: `taobao OUTDIR` writes OUTDIR/UserBehavior.csv.zip
 * shaped like Tianchi's download (dataset 649): one member, UserBehavior.csv, at the zip's root; no
 * header; user_id,item_id,category_id,behavior_type,timestamp with behaviour pv, buy, cart or fav
 * and Unix seconds.
 *
 * Shape: users ascend and each user's rows are one block, mostly in time order within the crawl
 * window (2017-11-25 to 2017-12-03, Beijing), with the oddities of the real file: now and then a
 * row a little out of order, two behaviours on one item in the same second (a view, then a cart),
 * and a few timestamps far outside the window (days before it, years after it, before 1970).  The
 * behaviour mix follows the real one (pv about 89%, cart 5.5%, fav 3%, buy 2%); an item keeps its
 * category.  The three lines the Tianchi page shows come first, verbatim.
 *
 * How: per-user counts are Pareto-apportioned so --lines is exact; items come from a Zipf sampler;
 * streams are labelled "tb-*".
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The first lines of UserBehavior.csv (user 1), as the dataset page shows them. */
static const char *const TB_FIRST[] = {
    "1,2268318,2520377,pv,1511544070",
    "1,2333346,2520771,pv,1511561733",
    "1,2576651,149192,pv,1511572885",
};
#define TB_FIRST_LAST 1511572885
#define TB_T0 1511539200 /* 2017-11-24 16:00 UTC = 2017-11-25 00:00 Beijing */
#define TB_T1 1512316800 /* 2017-12-03 16:00 UTC = 2017-12-04 00:00 Beijing */
#define TB_MTIME 1512403200

/* Timestamps of the kinds that fall outside the window upstream. */
static int64_t tb_odd_time(rng_t *r)
{
    switch (rng_below(r, 4)) {
    case 0: return TB_T0 - 1 - (int64_t)rng_below(r, 20 * 86400); /* days before */
    case 1: return TB_T1 + (int64_t)rng_below(r, 40 * 86400);     /* after */
    case 2: return 2122000000 + (int64_t)rng_below(r, 1000000);   /* 2037 */
    default: return -2134949234 + (int64_t)rng_below(r, 1000);    /* before 1970 */
    }
}

int gen_taobao_main(const args *a)
{
    if (a->npos != 2)
        die("usage: l4r-gen taobao OUTDIR [--lines N] [--users N] [--items N] [--seed S]");
    const char *dir = a->pos[1];
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    uint32_t nusers = u32_arg(a->users, lines / 40 > 3 ? (uint32_t)(lines / 40) : 3, "--users");
    uint32_t nitems = u32_arg(a->items, lines / 5 > 10 ? (uint32_t)(lines / 5) : 10, "--items");
    if (lines < (uint64_t)nusers + ARRAY_LEN(TB_FIRST))
        die("--lines %" PRIu64 " is too few for %u users (each needs a row, user 1 three more)", lines,
            nusers);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    uint64_t seed = a->seed;
    uint32_t *counts = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "tb-counts", 0);
    apportion(&cr, nusers, lines - ARRAY_LEN(TB_FIRST), 1, 100000, 1.3, counts);
    sampler items;
    rng_t pr = rng_for(seed, "tb-perm", 0);
    sampler_zipf(&items, nitems, 0.85, 3.0, &pr);
    sink o;
    sink_mem(&o);
    uint64_t uid = 0;
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(seed, "tb-user", u);
        uid += u ? 1 + rng_below(&r, 4) : 1;
        int64_t t = TB_T0 + (int64_t)rng_below(&r, 86400);
        if (u == 0) {
            for (size_t i = 0; i < ARRAY_LEN(TB_FIRST); i++) {
                puts_(&o, TB_FIRST[i]);
                putc_(&o, '\n');
            }
            t = TB_FIRST_LAST;
        }
        int64_t gap = (TB_T1 - t) / (counts[u] + 1) + 1;
        uint32_t prev = 0;
        for (uint32_t c = 0; c < counts[u]; c++) {
            rng_t lr = rng_for(seed, "tb-line", ((uint64_t)u << 24) ^ c);
            int same =
                c > 0 && rng_chance(&lr, 0.03); /* the same item again, same second: a cart after a view */
            uint32_t k = same ? prev : sampler_draw(&items, &lr);
            prev = k;
            if (!same)
                t += 1 + (int64_t)(rng_u01(&lr) * 2.0 * (double)gap);
            int64_t ts = t;
            if (rng_chance(&lr, 0.004))
                ts = tb_odd_time(&lr);
            else if (rng_chance(&lr, 0.02))
                ts = t - 1 - (int64_t)rng_below(&lr, 3600); /* a little out of order */
            const char *beh = "pv";
            if (same) {
                beh = "cart";
            } else {
                double b = rng_u01(&lr);
                beh = b < 0.896 ? "pv" : b < 0.951 ? "cart" : b < 0.980 ? "fav" : "buy";
            }
            uint64_t iid = 5000 + (uint64_t)k * 997 + mix64(seed ^ k) % 997;
            uint64_t cat = 1000 + mix64(seed ^ (0xc47ULL + k)) % 5000 * 1031;
            put_fmt(&o, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s,%" PRId64 "\n", uid, iid, cat, beh, ts);
        }
    }
    free(items.cdf);
    free(counts);
    char path[4096];
    snprintf(path, sizeof(path), "%s/UserBehavior.csv.zip", dir);
    zipw z;
    zip_open(&z, path, NULL, TB_MTIME);
    zip_add(&z, "UserBehavior.csv", &o);
    zip_close(&z);
    sink_free(&o);
    return 0;
}
