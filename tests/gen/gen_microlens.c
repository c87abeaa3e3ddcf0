/*
 * gen_microlens.c — the MicroLens family of l4r-gen: `microlens 50k|100k|1m OUTDIR` writes the
 * plain files of that release into OUTDIR as the Westlake server lists them:
 * MicroLens-<V>_pairs.csv (header "user,item,timestamp", milliseconds), MicroLens-<V>_pairs.tsv
 * ("user<TAB>item item ...", each user's items in time order, no time) and the titles
 * (50k: MicroLens-50k_titles.csv, a real CSV with the header "item,title"; 100k:
 * MicroLens-100k_title_en.csv and 1M: MicroLens-1M_title.csv, no header, "item,title" written raw,
 * so titles hold commas and unbalanced '"' and only "split at the first comma" reads them).
 *
 * How: per-user counts are Pareto-apportioned so --lines is exact; items come from a Zipf sampler
 * and every user's times strictly increase in milliseconds.  The pairs CSV lists a user's rows in
 * a shuffled order (upstream's row order is not documented, so nothing may rely on it), the TSV in
 * time order; both hold the same interactions, so the CSV sorted by time must give the TSV.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2021-06-01 .. 2022-06-01 */
#define ML_T0 1622505600000LL
#define ML_SPAN (365LL * 86400 * 1000)

static const char *const ML_TOPICS[] = {"cooking", "cat",   "travel vlog", "makeup", "football",
                                        "guitar",  "puppy", "street food", "anime",  "fitness"};
static const char *const ML_WIDE[] = {"美食", "旅行", "猫咪", "日常", "搞笑"};

/* One title in UTF-8: words, often a comma, sometimes a '"' with no partner or a pair of them. */
static void put_title(sink *o, rng_t *r, int wide)
{
    double u = rng_u01(r);
    const char *adj = rng_pick(r, T_ADJ, T_ADJ_LEN), *noun = rng_pick(r, T_NOUN, T_NOUN_LEN);
    const char *topic = PICK(r, ML_TOPICS);
    if (u < 0.25)
        put_fmt(o, "%s %s, %s", adj, topic, noun);
    else if (u < 0.35)
        put_fmt(o, "\"%s %s", adj, topic); /* unbalanced */
    else if (u < 0.45)
        put_fmt(o, "%s \"%s\", part %u", topic, noun, 1 + (unsigned)rng_below(r, 9));
    else if (u < 0.55 && wide)
        put_fmt(o, "%s %s #%s", PICK(r, ML_WIDE), topic, PICK(r, ML_WIDE));
    else
        put_fmt(o, "The %s %s of %s", adj, topic, noun);
}

static FILE *ml_create(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    return f;
}

static void ml_close(FILE *f, const char *name)
{
    if (fclose(f) != 0)
        die("cannot write '%s': %s", name, strerror(errno));
}

int gen_microlens_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen microlens 50k|100k|1m OUTDIR [--users N] [--items N] [--lines N] [--seed S]");
    const char *v = a->pos[1], *dir = a->pos[2];
    const char *up;
    int kind; /* 0: 50k (CSV titles), 1: 100k, 2: 1M (raw "item,title" lines) */
    if (!strcmp(v, "50k"))
        up = "50k", kind = 0;
    else if (!strcmp(v, "100k"))
        up = "100k", kind = 1;
    else if (!strcmp(v, "1m"))
        up = "1M", kind = 2;
    else
        die("unknown MicroLens release '%s' (50k, 100k, 1m)", v);
    uint64_t seed = a->seed ^ (uint64_t)kind;
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    uint32_t nusers = u32_arg(a->users, lines / 8 > 3 ? (uint32_t)(lines / 8) : 3, "--users");
    uint32_t nitems = u32_arg(a->items, lines / 6 > 10 ? (uint32_t)(lines / 6) : 10, "--items");
    if (lines < 3ULL * nusers)
        die("--lines %" PRIu64 " is too few for %u users (each gets at least 3)", lines, nusers);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));

    char name[256];
    snprintf(name, sizeof(name), "MicroLens-%s_pairs.csv", up);
    FILE *fc = ml_create(dir, name);
    snprintf(name, sizeof(name), "MicroLens-%s_pairs.tsv", up);
    FILE *ft = ml_create(dir, name);
    sink oc, ot;
    sink_file(&oc, fc, 0);
    sink_file(&ot, ft, 0);
    puts_(&oc, "user,item,timestamp\n");

    uint32_t *cnt = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "ml-counts", 0);
    apportion(&cr, nusers, lines, 3, 100000, 1.3, cnt);
    sampler pop;
    rng_t pr = rng_for(seed, "ml-pop", 0);
    sampler_zipf(&pop, nitems, 0.9, 5.0, &pr);
    uint32_t cap = 0;
    uint32_t *items = NULL, *order = NULL;
    int64_t *ts = NULL;
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(seed, "ml-user", u);
        uint32_t n = cnt[u];
        if (n > cap) {
            cap = n;
            items = xrealloc(items, sizeof(uint32_t) * cap);
            order = xrealloc(order, sizeof(uint32_t) * cap);
            ts = xrealloc(ts, sizeof(int64_t) * cap);
        }
        int64_t t = ML_T0 + (int64_t)(rng_u01(&r) * (double)ML_SPAN);
        for (uint32_t i = 0; i < n; i++) {
            t += 1 + (int64_t)rng_below(&r, 3 * 86400 * 1000LL); /* strictly increasing */
            ts[i] = t;
            items[i] = 1 + sampler_draw(&pop, &r);
            order[i] = i;
        }
        /* The sequence file: the items in time order. */
        put_u64(&ot, u + 1);
        putc_(&ot, '\t');
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                putc_(&ot, ' ');
            put_u64(&ot, items[i]);
        }
        putc_(&ot, '\n');
        /* The pairs CSV: the same rows, shuffled (Fisher-Yates). */
        for (uint32_t i = n; i > 1; i--) {
            uint32_t j = (uint32_t)rng_below(&r, i), x = order[i - 1];
            order[i - 1] = order[j];
            order[j] = x;
        }
        for (uint32_t i = 0; i < n; i++)
            put_fmt(&oc, "%u,%u,%" PRId64 "\n", u + 1, items[order[i]], ts[order[i]]);
    }
    sink_close(&oc);
    sink_close(&ot);
    ml_close(fc, "pairs.csv");
    ml_close(ft, "pairs.tsv");

    snprintf(name, sizeof(name),
             kind == 0   ? "MicroLens-%s_titles.csv"
             : kind == 1 ? "MicroLens-%s_title_en.csv"
                         : "MicroLens-%s_title.csv",
             up);
    FILE *fi = ml_create(dir, name);
    sink oi, tmp;
    sink_file(&oi, fi, 0);
    sink_mem(&tmp);
    if (kind == 0)
        puts_(&oi, "item,title\n");
    for (uint32_t k = 1; k <= nitems; k++) {
        rng_t r = rng_for(seed, "ml-title", k);
        tmp.len = 0;
        put_title(&tmp, &r, kind == 2);
        putc_(&tmp, 0);
        put_u64(&oi, k);
        putc_(&oi, ',');
        if (kind == 0)
            put_csv(&oi, tmp.p);
        else
            puts_(&oi, tmp.p);
        putc_(&oi, '\n');
    }
    sink_close(&oi);
    ml_close(fi, name);
    sink_free(&tmp);
    free(pop.cdf);
    free(cnt);
    free(items);
    free(order);
    free(ts);
    return 0;
}
