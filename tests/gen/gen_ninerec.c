/*
 * gen_ninerec.c — the NineRec family of l4r-gen: `ninerec DS OUTDIR [item-first|user-first]` writes
 * one NineRec dataset's plain files, as they come out of the authors' Drive archives, into OUTDIR:
 * <DS>_behaviour.tsv ("user<TAB>item item ...", each user's items in time order, no time),
 * <DS>_pair.csv (no header; "item,user,timestamp" as the authors' get_behaviour.py reads it, or
 * "user,item,timestamp" as the README's table says, chosen by the third argument: the two readings
 * the recipe offers) and <DS>_item.csv (no header: item id, Chinese text, English text, quoted
 * where a field holds a comma or a quote, as pandas writes CSV).
 *
 * DS is one of Bili_2M Bili_500K (source) QB TN Bili_Food Bili_Dance Bili_Movie Bili_Cartoon
 * Bili_Music DY KU (downstream).  QB and TN have no timestamps in their pairs ("only not provided
 * in QB and TN"): QB's rows have two fields, TN's an empty third one, so both shapes are covered;
 * their pairs list each user's items in sequence order, the order being all they have.  The other
 * datasets' pairs carry Unix seconds, strictly increasing per user, with the rows shuffled.  QB's
 * first user and item are the README's lines, verbatim: "u14500\tv17551 v165612 v288299 v14633
 * v350433" and "v17551,韩国电影，《女教师》,\"Korean Movie, The Governess\"".  KU's item file has a
 * few rows with a fourth, empty field (synthetic: the authors' reader keeps the first three fields,
 * usecols=[0, 1, 2], and so does the recipe).
 *
 * How: Pareto-apportioned sequence lengths (--lines exact), Zipf item draws without repeats inside
 * one sequence, every choice from rng_for(seed, label, index).
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2019-01-01 .. 2021-06-01 */
#define NR_T0 1546300800LL
#define NR_SPAN (1622505600LL - 1546300800LL)

static const char *const NR_DATASETS[] = {"Bili_2M",    "Bili_500K",  "QB",         "TN",
                                          "Bili_Food",  "Bili_Dance", "Bili_Movie", "Bili_Cartoon",
                                          "Bili_Music", "DY",         "KU"};
static const char *const NR_README_ITEMS[] = {"v17551", "v165612", "v288299", "v14633", "v350433"};
static const char *const NR_ZH[] = {"韩国电影", "美食", "教程", "舞蹈", "翻跳", "动画", "名场面",
                                    "合集",     "日常", "搞笑", "音乐", "现场", "猫咪", "第一集"};
static const char *const NR_EN[] = {"Korean Movie", "Food",          "Tutorial",   "Dance",    "Cover Dance",
                                    "Anime",        "Classic Scene", "Collection", "Daily",    "Funny",
                                    "Music",        "Live",          "Cat",        "Episode 1"};

static void nr_item_name(sink *o, int readme, uint32_t j)
{
    if (readme && j < ARRAY_LEN(NR_README_ITEMS))
        puts_(o, NR_README_ITEMS[j]);
    else
        put_fmt(o, "v%u", 20000 + 13 * j);
}

static void nr_user_name(sink *o, int readme, uint32_t u)
{
    if (readme && u == 0)
        puts_(o, "u14500");
    else
        put_fmt(o, "u%u", 100000 + 7 * u);
}

/* Both texts of one item: Chinese words with full-width punctuation (sometimes an ASCII comma or a
 * quoted word), and the English words of the same picks. */
static void nr_texts(rng_t *r, sink *zh, sink *en)
{
    int words = 1 + (int)rng_below(r, 4);
    for (int w = 0; w < words; w++) {
        size_t k = (size_t)rng_below(r, ARRAY_LEN(NR_ZH));
        double u = rng_u01(r);
        if (w) {
            puts_(zh, u < 0.5 ? "，" : u < 0.6 ? "," : "");
            puts_(en, u < 0.6 ? ", " : " ");
        }
        if (rng_chance(r, 0.1)) {
            put_fmt(zh, "《%s》", NR_ZH[k]);
            put_fmt(en, "\"%s\"", NR_EN[k]);
        } else {
            puts_(zh, NR_ZH[k]);
            puts_(en, NR_EN[k]);
        }
    }
    putc_(zh, 0);
    putc_(en, 0);
}

static FILE *nr_create(const char *dir, const char *ds, const char *suffix)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s%s", dir, ds, suffix);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    return f;
}

static void nr_close(FILE *f, const char *what)
{
    if (fclose(f) != 0)
        die("cannot write %s: %s", what, strerror(errno));
}

typedef struct {
    uint32_t user, item;
    int64_t t;
} nr_row;

int gen_ninerec_main(const args *a)
{
    if (a->npos != 3 && a->npos != 4)
        die("usage: l4r-gen ninerec DS OUTDIR [item-first|user-first] [--lines N] [--users N] [--items N] "
            "[--seed S]");
    const char *ds = a->pos[1], *dir = a->pos[2];
    int kind = -1;
    for (int k = 0; k < (int)ARRAY_LEN(NR_DATASETS); k++)
        if (!strcmp(ds, NR_DATASETS[k]))
            kind = k;
    if (kind < 0)
        die("unknown NineRec dataset '%s' (Bili_2M, Bili_500K, QB, TN, Bili_Food, Bili_Dance, Bili_Movie, "
            "Bili_Cartoon, Bili_Music, DY, KU)",
            ds);
    int user_first = 0;
    if (a->npos == 4) {
        if (!strcmp(a->pos[3], "user-first"))
            user_first = 1;
        else if (strcmp(a->pos[3], "item-first"))
            die("unknown pair order '%s' (item-first, user-first)", a->pos[3]);
    }
    int readme = !strcmp(ds, "QB");
    int timed = strcmp(ds, "QB") && strcmp(ds, "TN");
    int empty_third = !strcmp(ds, "TN");
    int extra_field = !strcmp(ds, "KU");
    uint64_t seed = a->seed ^ (uint64_t)(kind + 1) * 0xbf58476d1ce4e5b9ULL;
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    uint32_t nusers = u32_arg(a->users, lines / 8 > 3 ? (uint32_t)(lines / 8) : 3, "--users");
    uint32_t nitems = u32_arg(a->items, lines / 4 > 40 ? (uint32_t)(lines / 4) : 40, "--items");
    if (lines < 5ULL * nusers)
        die("--lines %" PRIu64 " is too few for %u users (each gets at least 5)", lines, nusers);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));

    uint32_t *cnt = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "nr-counts", 0);
    uint32_t maxlen = nitems / 2 < 200 ? nitems / 2 : 200;
    if ((uint64_t)maxlen * nusers < lines)
        die("--items %u is too few for --lines %" PRIu64 " (a sequence holds an item once)", nitems, lines);
    apportion(&cr, nusers, lines, 5, maxlen, 1.3, cnt);
    if (readme && cnt[0] > 5) {
        /* the README's line has 5 items: the rest goes to the next users with room, so --lines holds */
        uint32_t left = cnt[0] - 5;
        cnt[0] = 5;
        for (uint32_t u = 1; u < nusers && left; u++) {
            uint32_t take = maxlen - cnt[u] < left ? maxlen - cnt[u] : left;
            cnt[u] += take;
            left -= take;
        }
        if (left)
            die("--lines %" PRIu64 " does not fit %u users of at most %u items", lines, nusers, maxlen);
    }
    uint64_t total = 0;
    for (uint32_t u = 0; u < nusers; u++)
        total += cnt[u];
    sampler pop;
    rng_t pr = rng_for(seed, "nr-pop", 0);
    sampler_zipf(&pop, nitems, 0.9, 5.0, &pr);
    nr_row *rows = xmalloc(sizeof(nr_row) * (size_t)total);
    unsigned char *seen = xcalloc(nitems, 1);
    size_t n = 0;
    FILE *fb = nr_create(dir, ds, "_behaviour.tsv");
    sink ob;
    sink_file(&ob, fb, 0);
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(seed, "nr-user", u);
        int64_t t = NR_T0 + (int64_t)(rng_u01(&r) * (double)NR_SPAN * 0.7);
        size_t first = n;
        for (uint32_t i = 0; i < cnt[u]; i++) {
            uint32_t j;
            if (readme && u == 0) {
                j = i;
            } else {
                do
                    j = sampler_draw(&pop, &r);
                while (seen[j]);
            }
            seen[j] = 1;
            t += 1 + (int64_t)rng_below(&r, 5 * 86400);
            rows[n].user = u;
            rows[n].item = j;
            rows[n].t = t;
            n++;
        }
        nr_user_name(&ob, readme, u);
        putc_(&ob, '\t');
        for (size_t i = first; i < n; i++) {
            seen[rows[i].item] = 0;
            if (i > first)
                putc_(&ob, ' ');
            nr_item_name(&ob, readme, rows[i].item);
        }
        putc_(&ob, '\n');
    }
    sink_close(&ob);
    nr_close(fb, "the behaviour file");

    /* The pairs: shuffled when they carry a time; in sequence order when they do not. */
    if (timed) {
        rng_t sr = rng_for(seed, "nr-shuffle", 0);
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)rng_below(&sr, i);
            nr_row x = rows[i - 1];
            rows[i - 1] = rows[j];
            rows[j] = x;
        }
    }
    FILE *fp = nr_create(dir, ds, "_pair.csv");
    sink op;
    sink_file(&op, fp, 0);
    for (size_t i = 0; i < n; i++) {
        if (user_first) {
            nr_user_name(&op, readme, rows[i].user);
            putc_(&op, ',');
            nr_item_name(&op, readme, rows[i].item);
        } else {
            nr_item_name(&op, readme, rows[i].item);
            putc_(&op, ',');
            nr_user_name(&op, readme, rows[i].user);
        }
        if (timed)
            put_fmt(&op, ",%" PRId64, rows[i].t);
        else if (empty_third)
            putc_(&op, ',');
        putc_(&op, '\n');
    }
    sink_close(&op);
    nr_close(fp, "the pairs");

    FILE *fi = nr_create(dir, ds, "_item.csv");
    sink oi, zh, en;
    sink_file(&oi, fi, 0);
    sink_mem(&zh);
    sink_mem(&en);
    for (uint32_t j = 0; j < nitems; j++) {
        rng_t r = rng_for(seed, "nr-item", j);
        nr_item_name(&oi, readme, j);
        putc_(&oi, ',');
        if (readme && j == 0) {
            puts_(&oi, "韩国电影，《女教师》,\"Korean Movie, The Governess\"");
        } else {
            zh.len = en.len = 0;
            nr_texts(&r, &zh, &en);
            put_csv(&oi, zh.p);
            putc_(&oi, ',');
            put_csv(&oi, en.p);
        }
        if (extra_field && rng_chance(&r, 0.03))
            putc_(&oi, ',');
        putc_(&oi, '\n');
    }
    sink_close(&oi);
    nr_close(fi, "the item file");
    sink_free(&zh);
    sink_free(&en);
    free(pop.cdf);
    free(seen);
    free(rows);
    free(cnt);
    return 0;
}
