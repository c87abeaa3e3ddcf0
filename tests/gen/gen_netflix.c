/*
 * gen_netflix.c — the Netflix Prize family of l4r-gen, in its two layouts.  `netflix kaggle OUTDIR`
 * writes OUTDIR/archive.zip as Kaggle's repack (at the root: combined_data_1.txt ...
 * combined_data_4.txt, movie_titles.csv, probe.txt, qualifying.txt, README); `netflix original
 * OUTDIR` writes OUTDIR/nf_prize_dataset.tar.gz as the 2006 release (download/ with training_set.tar,
 * a plain tar of training_set/mv_0000001.txt ..., one file per movie, plus movie_titles.txt,
 * probe.txt, qualifying.txt, README and rmse.pl).  Both hold the same ratings for the same seed.
 *
 * How: the block format: a line "MovieID:" opens a movie's block and "CustomerID,Rating,YYYY-MM-DD"
 * lines follow (in no date order).  combined_data_N.txt holds the blocks of the Nth quarter of the
 * movies, in id order; each mv_NNNNNNN.txt holds one block.  A customer rates a movie at most once;
 * customer ids are sparse (up to 2,649,429 upstream).  probe.txt lists, per movie, customers whose
 * rating of it is in the training data ("MovieID:" then "CustomerID" lines); qualifying.txt lists
 * customers who did NOT rate the movie in the training data, with a date ("CustomerID,YYYY-MM-DD"),
 * so the two are kept apart from the ratings and from each other.  movie_titles: "MovieID,Year,Title"
 * without a header, ISO-8859-1, titles with unquoted commas, the year NULL for some.  Movie 1's first
 * rating is datasets.md's example line "1488844,3,2005-09-06".  --lines sets the training ratings,
 * --users the customers, --items the movies; everything is built in memory.
 */
#include "gen.h"

#include <archive.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NF_MTIME 1159747200 /* 2006-10-02, the Prize's start */
#define NF_DAY0 10906       /* 1999-11-11 in days since 1970 */
#define NF_DAYS 2242        /* to 2005-12-31 */

typedef struct {
    uint64_t seed;
    uint64_t lines;
    uint32_t nusers, nitems;
    uint32_t *counts;  /* ratings per movie */
    sampler customers; /* popularity of customers */
} nf_opts;

static uint64_t nf_customer(uint32_t c)
{
    return c == 0 ? 1488844 : 6 + (uint64_t)c * 2651 % 2649420 + c % 7;
}

static void put_date(sink *o, int64_t day)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    put_fmt(o, "%04d-%02u-%02u", y, m, d);
}

/* Movie m (0-based) draws its distinct customers into seen (nusers bytes, cleared here). */
static void nf_draw(const nf_opts *op, uint32_t m, unsigned char *seen, uint32_t *who)
{
    memset(seen, 0, op->nusers);
    rng_t r = rng_for(op->seed, "nf-who", m);
    for (uint32_t i = 0; i < op->counts[m]; i++) {
        uint32_t c = sampler_draw(&op->customers, &r);
        while (seen[c])
            c = (c + 1) % op->nusers;
        seen[c] = 1;
        who[i] = c;
    }
    if (m == 0 && op->counts[0] > 0 && who[0] != 0) { /* the real example line comes first */
        for (uint32_t i = 1; i < op->counts[0]; i++)
            if (who[i] == 0) {
                who[i] = who[0];
                who[0] = 0;
                return;
            }
        seen[who[0]] = 0;
        seen[0] = 1;
        who[0] = 0;
    }
}

/* The training block of movie m. */
static void nf_block(sink *o, const nf_opts *op, uint32_t m, unsigned char *seen, uint32_t *who)
{
    nf_draw(op, m, seen, who);
    put_fmt(o, "%u:\n", m + 1);
    for (uint32_t i = 0; i < op->counts[m]; i++) {
        if (m == 0 && i == 0) {
            puts_(o, "1488844,3,2005-09-06\n");
            continue;
        }
        rng_t r = rng_for(op->seed, "nf-rate", ((uint64_t)m << 32) | who[i]);
        put_fmt(o, "%" PRIu64 ",%u,", nf_customer(who[i]), 1 + (unsigned)rng_below(&r, 5));
        put_date(o, NF_DAY0 + (int64_t)rng_below(&r, NF_DAYS));
        putc_(o, '\n');
    }
}

static void nf_probe(sink *o, const nf_opts *op, unsigned char *seen, uint32_t *who)
{
    for (uint32_t m = 0; m < op->nitems; m++) {
        nf_draw(op, m, seen, who);
        rng_t r = rng_for(op->seed, "nf-probe", m);
        int opened = 0;
        for (uint32_t i = 1; i < op->counts[m]; i++) {
            if (!rng_chance(&r, 0.1))
                continue;
            if (!opened)
                put_fmt(o, "%u:\n", m + 1);
            opened = 1;
            put_fmt(o, "%" PRIu64 "\n", nf_customer(who[i]));
        }
    }
}

static void nf_qualifying(sink *o, const nf_opts *op, unsigned char *seen, uint32_t *who)
{
    for (uint32_t m = 0; m < op->nitems; m++) {
        nf_draw(op, m, seen, who);
        rng_t r = rng_for(op->seed, "nf-qual", m);
        unsigned n = (unsigned)rng_below(&r, 4);
        if (n == 0 || op->counts[m] >= op->nusers)
            continue;
        put_fmt(o, "%u:\n", m + 1);
        for (unsigned k = 0; k < n; k++) {
            uint32_t c = (uint32_t)rng_below(&r, op->nusers);
            while (seen[c])
                c = (c + 1) % op->nusers;
            seen[c] = 1; /* not twice, and never one who rated it */
            put_fmt(o, "%" PRIu64 ",", nf_customer(c));
            put_date(o, days_from_civil(2005, 12, 1) + (int64_t)rng_below(&r, 31));
            putc_(o, '\n');
        }
    }
}

static void nf_titles(sink *o, const nf_opts *op)
{
    static const char *const extra[] = {", The", ": Season 1", ", Part 2", " (Director's Cut)", ""};
    for (uint32_t m = 0; m < op->nitems; m++) {
        rng_t r = rng_for(op->seed, "nf-title", m);
        put_fmt(o, "%u,", m + 1);
        if (rng_chance(&r, 0.02))
            puts_(o, "NULL");
        else
            put_fmt(o, "%u", 1915 + (unsigned)rng_below(&r, 91));
        putc_(o, ',');
        sink t;
        sink_mem(&t);
        put_fmt(&t, "%s %s%s", rng_pick(&r, T_ADJ, T_ADJ_LEN), rng_pick(&r, T_NOUN, T_NOUN_LEN),
                PICK(&r, extra));
        if (m % 9 == 4)
            puts_(&t, ", Caf\xc3\xa9 Ol\xc3\xa9, and Cr\xc3\xa8me"); /* commas and Latin-1 letters */
        putc_(&t, 0);
        put_text(o, t.p, ENC_LATIN1);
        sink_free(&t);
        putc_(o, '\n');
    }
}

static la_ssize_t nf_write_cb(struct archive *a, void *ud, const void *buf, size_t n)
{
    (void)a;
    put((sink *)ud, buf, n);
    return (la_ssize_t)n;
}

static void nf_small(struct archive *a, const char *kind, const char *name, const char *text)
{
    sink o;
    sink_mem(&o);
    puts_(&o, text);
    archive_put(a, kind, name, NF_MTIME, &o);
    sink_free(&o);
}

static const char NF_README[] = "l4r-gen: stands for the Netflix Prize README (not the real text)\n";
static const char NF_RMSE[] = "#!/usr/bin/perl\n# l4r-gen: stands for rmse.pl\n";

static void gen_kaggle(const nf_opts *op, const char *dir, unsigned char *seen, uint32_t *who)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/archive.zip", dir);
    zipw z;
    zip_open(&z, path, NULL, NF_MTIME);
    sink o;
    sink_mem(&o);
    nf_small(z.a, "zip", "README", NF_README);
    for (unsigned q = 0; q < 4; q++) {
        uint32_t lo = (uint32_t)((uint64_t)op->nitems * q / 4),
                 hi = (uint32_t)((uint64_t)op->nitems * (q + 1) / 4);
        for (uint32_t m = lo; m < hi; m++)
            nf_block(&o, op, m, seen, who);
        char name[64];
        snprintf(name, sizeof(name), "combined_data_%u.txt", q + 1);
        zip_add(&z, name, &o);
    }
    nf_titles(&o, op);
    zip_add(&z, "movie_titles.csv", &o);
    nf_probe(&o, op, seen, who);
    zip_add(&z, "probe.txt", &o);
    nf_qualifying(&o, op, seen, who);
    zip_add(&z, "qualifying.txt", &o);
    zip_close(&z);
    sink_free(&o);
}

static void gen_original(const nf_opts *op, const char *dir, unsigned char *seen, uint32_t *who)
{
    /* the inner training_set.tar, in memory */
    sink tarbuf, o;
    sink_mem(&tarbuf);
    sink_mem(&o);
    struct archive *in = archive_write_new();
    if (archive_write_set_format_ustar(in) != ARCHIVE_OK ||
        archive_write_open(in, &tarbuf, NULL, nf_write_cb, NULL) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(in));
    archive_put(in, "tar", "training_set/", NF_MTIME, NULL);
    for (uint32_t m = 0; m < op->nitems; m++) {
        o.len = 0;
        nf_block(&o, op, m, seen, who);
        char name[64];
        snprintf(name, sizeof(name), "training_set/mv_%07u.txt", m + 1);
        archive_put(in, "tar", name, NF_MTIME, &o);
    }
    if (archive_write_close(in) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(in));
    archive_write_free(in);

    char path[4096];
    snprintf(path, sizeof(path), "%s/nf_prize_dataset.tar.gz", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    sink gz;
    sink_file(&gz, f, 1);
    struct archive *out = archive_write_new();
    if (archive_write_set_format_ustar(out) != ARCHIVE_OK ||
        archive_write_open(out, &gz, NULL, nf_write_cb, NULL) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(out));
    archive_put(out, "tar", "download/", NF_MTIME, NULL);
    nf_small(out, "tar", "download/README", NF_README);
    o.len = 0;
    nf_titles(&o, op);
    archive_put(out, "tar", "download/movie_titles.txt", NF_MTIME, &o);
    o.len = 0;
    nf_probe(&o, op, seen, who);
    archive_put(out, "tar", "download/probe.txt", NF_MTIME, &o);
    o.len = 0;
    nf_qualifying(&o, op, seen, who);
    archive_put(out, "tar", "download/qualifying.txt", NF_MTIME, &o);
    nf_small(out, "tar", "download/rmse.pl", NF_RMSE);
    archive_put(out, "tar", "download/training_set.tar", NF_MTIME, &tarbuf);
    if (archive_write_close(out) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(out));
    archive_write_free(out);
    sink_close(&gz);
    if (fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
    sink_free(&o);
    sink_free(&tarbuf);
}

int gen_netflix_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen netflix kaggle|original OUTDIR [--lines N] [--users N] [--items N] [--seed S]");
    int kaggle = !strcmp(a->pos[1], "kaggle");
    if (!kaggle && strcmp(a->pos[1], "original"))
        die("unknown Netflix layout '%s' (kaggle, original)", a->pos[1]);
    nf_opts op;
    op.seed = a->seed;
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    op.nitems = u32_arg(a->items, op.lines / 20 > 8 ? (uint32_t)(op.lines / 20) : 8, "--items");
    op.nusers = u32_arg(a->users, op.lines / 10 > 20 ? (uint32_t)(op.lines / 10) : 20, "--users");
    if (op.lines < op.nitems || op.nitems < 4)
        die("--lines must be at least --items, --items at least 4 (one combined_data file each)");
    op.counts = xmalloc(sizeof(uint32_t) * op.nitems);
    rng_t cr = rng_for(op.seed, "nf-counts", 0);
    apportion(&cr, op.nitems, op.lines, 1, op.nusers, 1.2, op.counts);
    rng_t pr = rng_for(op.seed, "nf-cpop", 0);
    sampler_zipf(&op.customers, op.nusers, 0.6, 3.0, &pr);
    const char *dir = a->pos[2];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    unsigned char *seen = xmalloc(op.nusers);
    uint32_t *who = xmalloc(sizeof(uint32_t) * op.nusers);
    if (kaggle)
        gen_kaggle(&op, dir, seen, who);
    else
        gen_original(&op, dir, seen, who);
    free(seen);
    free(who);
    free(op.customers.cdf);
    free(op.counts);
    return 0;
}
