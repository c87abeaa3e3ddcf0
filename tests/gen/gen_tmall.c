/*
 * gen_tmall.c — the Tmall family of l4r-gen: `tmall ijcai15 OUTDIR` writes OUTDIR/data_format1.zip
 * shaped like Tianchi's IJCAI-15 download (dataset 42: the folder data_format1/ with
 * user_log_format1.csv, user_info_format1.csv, train_format1.csv, test_format1.csv), `tmall ijcai16
 * OUTDIR` writes OUTDIR/IJCAI16_data.zip shaped like dataset 53's (ijcai2016_taobao.csv and the
 * three Koubei files at the root).
 *
 * IJCAI-15: user_log_format1.csv has the header user_id,item_id,cat_id,seller_id,brand_id,
 * time_stamp,action_type; time_stamp is a month and day without a year and without padding (829,
 * 1111: three digits before October), from 11 May to 11 November, with the Double 11 peak (about a
 * fifth of the rows on 1111); action 0 click, 1 cart, 2 purchase, 3 favourite in the real mix; an
 * item keeps its category, seller and brand, but now and then a row has no brand (empty).  Users
 * come in blocks, not in id order, each block in no strict date order.  user_info_format1.csv:
 * user_id,age_range,gender with empty values now and then.  The row datasets.md's sources show as
 * the example (user 328862) comes first.
 *
 * IJCAI-16: ijcai2016_taobao.csv has the header use_ID,sel_ID,ite_ID,cat_ID,act_ID,time; time is
 * yyyymmdd from 20150701 to 20151130 without 1-20 November (removed upstream); act 0 click, 1 buy
 * (about a fifth).  The Koubei files are small stand-ins (their content is not read).
 *
 * How: per-user counts are Pareto-apportioned so --lines is exact; streams are labelled "tm-*".
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TM_MTIME 1451606400
/* The example row of the IJCAI-15 user log (the contest's data description). */
static const char TM15_FIRST[] = "328862,323294,833,2882,2661,829,0";

/* Day d (0-based) of the window starting at y-m0-d0, as a civil date. */
static void tm_day(int64_t start, int64_t d, unsigned *mm, unsigned *dd)
{
    int y;
    civil_from_days(start + d, &y, mm, dd);
}

static void gen15(const char *path, uint64_t seed, uint64_t lines, uint32_t nusers, uint32_t nitems)
{
    sink lg, ui;
    sink_mem(&lg);
    sink_mem(&ui);
    puts_(&lg, "user_id,item_id,cat_id,seller_id,brand_id,time_stamp,action_type\n");
    puts_(&lg, TM15_FIRST);
    putc_(&lg, '\n');
    puts_(&ui, "user_id,age_range,gender\n");
    uint32_t *counts = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "tm15-counts", 0);
    apportion(&cr, nusers, lines - 1, 1, 100000, 1.3, counts);
    sampler items;
    rng_t pr = rng_for(seed, "tm15-perm", 0);
    sampler_zipf(&items, nitems, 0.9, 3.0, &pr);
    int64_t start = days_from_civil(2014, 5, 11), ndays = days_from_civil(2014, 11, 11) - start + 1;
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(seed, "tm15-user", u);
        /* ids are a permutation-like spread, so blocks are not in id order */
        uint64_t uid = u == 0 ? 328862 : 1 + (mix64(seed ^ (0x15ULL + u)) % 400000) * 1000 + u % 1000;
        int64_t day = (int64_t)rng_below(&r, (uint64_t)ndays);
        for (uint32_t c = 0; c < counts[u]; c++) {
            rng_t lr = rng_for(seed, "tm15-line", ((uint64_t)u << 24) ^ c);
            uint32_t k = sampler_draw(&items, &lr);
            rng_t kr = rng_for(seed, "tm15-item", k);
            uint64_t iid = 1 + (uint64_t)k * 7 + mix64(seed ^ k) % 7;
            unsigned cat = 1 + (unsigned)rng_below(&kr, 1600), seller = 1 + (unsigned)rng_below(&kr, 4990);
            unsigned brand = 1 + (unsigned)rng_below(&kr, 8440);
            if (rng_chance(&lr, 0.2))
                day = ndays - 1; /* Double 11 */
            else if (rng_chance(&lr, 0.5))
                day = (int64_t)rng_below(&lr, (uint64_t)ndays);
            unsigned mm, dd;
            tm_day(start, day, &mm, &dd);
            double a = rng_u01(&lr);
            int act = a < 0.884 ? 0 : a < 0.8854 ? 1 : a < 0.945 ? 2 : 3;
            put_fmt(&lg, "%" PRIu64 ",%" PRIu64 ",%u,%u,", uid, iid, cat, seller);
            if (!rng_chance(&lr, 0.01))
                put_fmt(&lg, "%u", brand);
            put_fmt(&lg, ",%u%02u,%d\n", mm, dd, act);
        }
        unsigned age = (unsigned)rng_below(&r, 9), gender = (unsigned)rng_below(&r, 3);
        put_u64(&ui, uid);
        putc_(&ui, ',');
        if (!rng_chance(&r, 0.03))
            put_u64(&ui, age);
        putc_(&ui, ',');
        if (!rng_chance(&r, 0.03))
            put_u64(&ui, gender);
        putc_(&ui, '\n');
    }
    free(items.cdf);
    free(counts);
    zipw z;
    zip_open(&z, path, "data_format1", TM_MTIME);
    zip_add(&z, "user_log_format1.csv", &lg);
    zip_add(&z, "user_info_format1.csv", &ui);
    puts_(&ui, "user_id,merchant_id,label\n34176,3906,0\n");
    zip_add(&z, "train_format1.csv", &ui);
    puts_(&ui, "user_id,merchant_id,prob\n163968,4605,\n");
    zip_add(&z, "test_format1.csv", &ui);
    zip_close(&z);
    sink_free(&lg);
    sink_free(&ui);
}

static void gen16(const char *path, uint64_t seed, uint64_t lines, uint32_t nusers, uint32_t nitems)
{
    sink o;
    sink_mem(&o);
    puts_(&o, "use_ID,sel_ID,ite_ID,cat_ID,act_ID,time\n");
    uint32_t *counts = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "tm16-counts", 0);
    apportion(&cr, nusers, lines, 1, 100000, 1.3, counts);
    sampler items;
    rng_t pr = rng_for(seed, "tm16-perm", 0);
    sampler_zipf(&items, nitems, 0.9, 3.0, &pr);
    int64_t start = days_from_civil(2015, 7, 1), ndays = days_from_civil(2015, 11, 30) - start + 1;
    int64_t gap0 = days_from_civil(2015, 11, 1) - start, gap1 = days_from_civil(2015, 11, 20) - start;
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(seed, "tm16-user", u);
        uint64_t uid = 1 + (mix64(seed ^ (0x16ULL + u)) % 90000) * 11 + u % 11;
        int64_t day = (int64_t)rng_below(&r, (uint64_t)ndays);
        for (uint32_t c = 0; c < counts[u]; c++) {
            rng_t lr = rng_for(seed, "tm16-line", ((uint64_t)u << 24) ^ c);
            uint32_t k = sampler_draw(&items, &lr);
            rng_t kr = rng_for(seed, "tm16-item", k);
            uint64_t iid = 10 + (uint64_t)k * 13 + mix64(seed ^ k) % 13;
            unsigned cat = 1 + (unsigned)rng_below(&kr, 72), seller = 1 + (unsigned)rng_below(&kr, 9999);
            if (rng_chance(&lr, 0.4))
                day = (int64_t)rng_below(&lr, (uint64_t)ndays);
            if (day >= gap0 && day <= gap1)
                day = gap1 + 1; /* 1-20 November are not in the data */
            int y;
            unsigned mm, dd;
            civil_from_days(start + day, &y, &mm, &dd);
            put_fmt(&o, "%" PRIu64 ",%u,%" PRIu64 ",%u,%d,%04d%02u%02u\n", uid, seller, iid, cat,
                    rng_chance(&lr, 0.21), y, mm, dd);
        }
    }
    free(items.cdf);
    free(counts);
    zipw z;
    zip_open(&z, path, NULL, TM_MTIME);
    zip_add(&z, "ijcai2016_taobao.csv", &o);
    puts_(&o, "user_id,merchant_id,location_id,time_stamp\n1,2,3,20150701\n");
    zip_add(&z, "ijcai2016_koubei_train", &o);
    puts_(&o, "user_id,location_id\n1,3\n");
    zip_add(&z, "ijcai2016_koubei_test", &o);
    puts_(&o, "merchant_id,budget,location_id_list\n2,500,3:4\n");
    zip_add(&z, "ijcai2016_merchant_info", &o);
    zip_close(&z);
    sink_free(&o);
}

int gen_tmall_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen tmall ijcai15|ijcai16 OUTDIR [--lines N] [--users N] [--items N] [--seed S]");
    const char *which = a->pos[1], *dir = a->pos[2];
    int is15 = !strcmp(which, "ijcai15");
    if (!is15 && strcmp(which, "ijcai16"))
        die("unknown Tmall release '%s' (ijcai15, ijcai16)", which);
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    uint32_t nusers = u32_arg(a->users, lines / 30 > 3 ? (uint32_t)(lines / 30) : 3, "--users");
    uint32_t nitems = u32_arg(a->items, lines / 5 > 10 ? (uint32_t)(lines / 5) : 10, "--items");
    if (lines < (uint64_t)nusers + 1)
        die("--lines %" PRIu64 " is too few for %u users (each needs a row, one more for the example)", lines,
            nusers);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, is15 ? "data_format1.zip" : "IJCAI16_data.zip");
    if (is15)
        gen15(path, a->seed ^ 0x15, lines, nusers, nitems);
    else
        gen16(path, a->seed ^ 0x16, lines, nusers, nitems);
    return 0;
}
