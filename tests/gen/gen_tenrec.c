/*
 * gen_tenrec.c — the Tenrec family of l4r-gen: `tenrec FILE OUTDIR` writes OUTDIR/FILE.csv shaped
 * like one of the four scenario files of the Tenrec package (QK-video, QB-video, QK-article,
 * QB-article; `all` writes the four and the package's Readme.txt, as the unpacked 'Tenrec/' folder).
 *
 * Shape: CSV with a header, written the way pandas writes integer frames (no quoting).  There is
 * no time column: each user's rows are one contiguous block, users ascend, and the block's order
 * is the user's order.  Video files log exposures (click 0 or 1: QK about 30% clicked, QB about
 * 70%), with follow/like/share only on clicks, watching_times 0 on a non-click, video_category 0,
 * 1 or \N (a few rows of a categorised video say \N, so "the item's first row" matters), and now
 * and then the same video shown twice to a user (once skipped, once clicked).  gender and age are
 * fixed per user.  Article files hold clicks only, the click written as a float ("1.0") as the
 * real files have it, with float read_percentage, read_time and item scores.  The QB-article header
 * is not published: it is written like QK-article's.  The real line datasets.md quotes (the
 * QK-video part of a ctr_data_1M.csv row, user 1) comes first in QK-video.
 *
 * How: per-user row counts are Pareto-apportioned so --lines is exact; items come from a Zipf
 * sampler; every choice comes from rng_for streams labelled "tr-*", per file kind.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* datasets.md §14: the first ten fields of the sample ctr_data_1M.csv line, a QK-video row. */
static const char TR_FIRST[] = "1,4,0,0,0,0,1,0,1,4";

typedef struct {
    const char *name;   /* file stem */
    int article;        /* 0 video, 1 article */
    double click_share; /* video: clicked share of exposures */
} tr_kind;

static const tr_kind TR_KINDS[] = {
    {"QK-video", 0, 0.30},
    {"QB-video", 0, 0.70},
    {"QK-article", 1, 1.0},
    {"QB-article", 1, 1.0},
};

static FILE *tr_create(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    return f;
}

static void tr_close(FILE *f, const char *name)
{
    if (fclose(f) != 0)
        die("cannot write '%s': %s", name, strerror(errno));
}

/* A float as pandas prints it: at most 6 decimals, trailing zeros dropped, at least one. */
static void put_pyfloat(sink *o, double v)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.6f", v);
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0' && buf[n - 2] != '.')
        n--;
    put(o, buf, n);
}

/* The video category of item k: 0 or 1, \N for about 1 in 60 items. */
static const char *tr_category(uint64_t seed, uint32_t k)
{
    uint64_t h = mix64(seed ^ (0xa5a5ULL + k));
    if (h % 60 == 0)
        return "\\N";
    return (h >> 8) & 1 ? "1" : "0";
}

static void gen_file(const char *dir, const tr_kind *kd, uint64_t seed, uint64_t lines, uint32_t nusers,
                     uint32_t nitems)
{
    char fname[64];
    snprintf(fname, sizeof(fname), "%s.csv", kd->name);
    FILE *f = tr_create(dir, fname);
    sink o;
    sink_file(&o, f, 0);
    if (kd->article)
        puts_(&o, "user_id,item_id,click,gender,age,exposure_count,click_count,like_count,comment_count,"
                  "read_percentage,item_score1,item_score2,category_second,category_first,item_score3,read,"
                  "read_time,share,like,follow,favorite\n");
    else
        puts_(&o, "user_id,item_id,click,follow,like,share,video_category,watching_times,gender,age\n");
    int first = !strcmp(kd->name, "QK-video");
    uint64_t body = lines - (first ? 1 : 0);
    uint32_t *counts = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "tr-counts", 0);
    apportion(&cr, nusers, body, 1, 100000, 1.3, counts);
    sampler items;
    rng_t pr = rng_for(seed, "tr-perm", 0);
    sampler_zipf(&items, nitems, 0.9, 3.0, &pr);
    uint64_t uid = 0;
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(seed, "tr-user", u);
        uid += 1 + (u ? rng_below(&r, 3) : 0); /* ids ascend from 1, with gaps */
        unsigned gender = (unsigned)rng_below(&r, 3), age = (unsigned)rng_below(&r, 8);
        if (first && u == 0) {
            puts_(&o, TR_FIRST);
            putc_(&o, '\n');
            gender = 1, age = 4;
        }
        uint32_t prev = UINT32_MAX;
        for (uint32_t c = 0; c < counts[u]; c++) {
            rng_t lr = rng_for(seed, "tr-line", ((uint64_t)u << 24) ^ c);
            /* now and then the previous item again (shown twice, clicked on the second showing) */
            int again = prev != UINT32_MAX && rng_chance(&lr, 0.04);
            uint32_t k = again ? prev : sampler_draw(&items, &lr);
            prev = k;
            uint64_t iid = 1 + (uint64_t)k * 3 + mix64(seed ^ k) % 3;
            put_u64(&o, uid);
            putc_(&o, ',');
            put_u64(&o, iid);
            if (!kd->article) {
                int click = again || rng_chance(&lr, kd->click_share);
                int follow = click && rng_chance(&lr, 0.01), like = click && rng_chance(&lr, 0.07);
                int share = click && rng_chance(&lr, 0.01);
                const char *cat = rng_chance(&lr, 0.02) ? "\\N" : tr_category(seed, k);
                unsigned watch = click ? 1 + (unsigned)(rng_chance(&lr, 0.15) ? rng_below(&lr, 5) : 0) : 0;
                put_fmt(&o, ",%d,%d,%d,%d,%s,%u,%u,%u\n", click, follow, like, share, cat, watch, gender,
                        age);
            } else {
                rng_t kr = rng_for(seed, "tr-article", k);
                unsigned cat1 = 100 + (unsigned)rng_below(&kr, 30),
                         cat2 = cat1 * 100 + (unsigned)rng_below(&kr, 40);
                double s1 = rng_u01(&kr), s2 = rng_u01(&kr) * 10.0, s3 = (double)rng_below(&kr, 2000) / 8.0;
                unsigned expo = 1 + (unsigned)rng_below(&kr, 50000);
                int read = rng_chance(&lr, 0.95);
                put_fmt(&o, ",1.0,%u,%u,%u,%u,%u,%u,", gender, age, expo, expo / 7, expo / 90, expo / 400);
                put_pyfloat(&o, read ? rng_u01(&lr) : 0.0);
                putc_(&o, ',');
                put_pyfloat(&o, s1);
                putc_(&o, ',');
                put_pyfloat(&o, s2);
                put_fmt(&o, ",%u,%u,", cat2, cat1);
                put_pyfloat(&o, s3);
                put_fmt(&o, ",%d,", read);
                put_pyfloat(&o, read ? 5.0 + 300.0 * rng_u01(&lr) : 0.0);
                put_fmt(&o, ",%d,%d,%d,%d\n", rng_chance(&lr, 0.01), rng_chance(&lr, 0.02),
                        rng_chance(&lr, 0.002), rng_chance(&lr, 0.007));
            }
        }
    }
    free(items.cdf);
    free(counts);
    sink_close(&o);
    tr_close(f, fname);
}

/* The package's Readme.txt: what the folder holds (made-up wording, the real file names). */
static void gen_readme(const char *dir)
{
    FILE *f = tr_create(dir, "Readme.txt");
    fputs("Tenrec raw datasets: QK-video.csv, QB-video.csv, QK-article.csv, QB-article.csv.\n"
          "Items are sorted by click time within each user.\n",
          f);
    tr_close(f, "Readme.txt");
}

int gen_tenrec_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen tenrec QK-video|QB-video|QK-article|QB-article|all OUTDIR [--lines N] [--users "
            "N] "
            "[--items N] [--seed S]");
    const char *which = a->pos[1], *dir = a->pos[2];
    int all = !strcmp(which, "all");
    const tr_kind *one = NULL;
    for (size_t i = 0; i < ARRAY_LEN(TR_KINDS); i++)
        if (!strcmp(which, TR_KINDS[i].name))
            one = &TR_KINDS[i];
    if (!all && !one)
        die("unknown Tenrec file '%s' (QK-video, QB-video, QK-article, QB-article, all)", which);
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    uint32_t nusers = u32_arg(a->users, lines / 30 > 3 ? (uint32_t)(lines / 30) : 3, "--users");
    uint32_t nitems = u32_arg(a->items, lines / 6 > 10 ? (uint32_t)(lines / 6) : 10, "--items");
    if (lines < (uint64_t)nusers + 1)
        die("--lines %" PRIu64 " is too few for %u users (each needs a row, user 1 of QK-video one more)",
            lines, nusers);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    for (size_t i = 0; i < ARRAY_LEN(TR_KINDS); i++)
        if (all || one == &TR_KINDS[i])
            gen_file(dir, &TR_KINDS[i], a->seed ^ (0x7e11ULL * (i + 1)), lines, nusers, nitems);
    if (all)
        gen_readme(dir);
    return 0;
}
