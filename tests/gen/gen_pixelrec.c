/*
 * gen_pixelrec.c — the PixelRec family of l4r-gen: `pixelrec 200k|1m|8m|full|50k OUTDIR` writes
 * one release's files as they come out of the authors' Google Drive folders.  200k, 1m, 8m and
 * full: OUTDIR/pixelrec_interaction/<NAME>.csv and OUTDIR/pixelrec_iteminfo/<NAME>.csv (NAME
 * Pixel200K, Pixel1M, Pixel8M, PixelRec: the two files share a name, which is the trap); 50k:
 * OUTDIR/interaction.csv and OUTDIR/item_info.csv (the PixelRec50K sample folder).
 *
 * Shapes (datasets.md §12, and one third-party inspection of PixelRec50K): the interaction CSV has
 * the header "item_id,user_id,timestamp" (item first), ids "i<n>" and "u<n>", Unix seconds, rows
 * not in time order (written shuffled here).  The item CSV has the header "item_id" + seven counters
 * + "title,tag,description", written the way pandas writes them: counters as floats ("799668.0"),
 * empty where missing (a few rows miss every counter, the tag and the description), RFC 4180
 * quoting only where a field holds a comma, a quote or a line break.  Text is Chinese in the four
 * big releases (ASCII and full-width commas, "quotes", the odd line break inside a description) and
 * English in the 50K sample; some titles are empty, a quarter of the descriptions are.
 *
 * How: per-user counts are Pareto-apportioned so --lines is exact; items come from a Zipf sampler;
 * each user's times strictly increase.  Every choice comes from rng_for(seed, label, index).
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2012-02-03 .. 2022-06-24, the span PixelRec50K's times cover */
#define PR_T0 1328292931LL
#define PR_SPAN (1656087360LL - 1328292931LL)

static const char *const PR_TAGS_ZH[] = {"影视剪辑", "单机游戏", "明星综合", "日常",
                                         "搞笑",     "美食制作", "萌宠",     "音乐现场"};
static const char *const PR_TAGS_EN[] = {"Film and Television Editing",
                                         "Single-player Games",
                                         "Celebrities Mix",
                                         "Miscellaneous",
                                         "Daily Life",
                                         "Comedy",
                                         "Pet Reptiles"};
static const char *const PR_WORDS_ZH[] = {"我的", "男朋友", "送了我", "一只乌龟", "第一次", "做饭", "挑战",
                                          "猫咪", "旅行",   "日记",   "名场面",   "合集",   "教程", "翻唱"};

/* A field's ids: sparse but distinct (4j + j%3 never repeats), as in the universal id space. */
static uint32_t pr_item_id(uint32_t j)
{
    return 4 * j + j % 3;
}

static uint32_t pr_user_id(uint32_t u)
{
    return 7 * u + u % 5;
}

/* One title or description: words, sometimes an ASCII comma, a '"' pair or a line break. */
static void pr_text(sink *o, rng_t *r, int zh, int words, int allow_nl)
{
    for (int w = 0; w < words; w++) {
        if (w) {
            double u = rng_u01(r);
            if (u < 0.10)
                puts_(o, zh ? "，" : ", ");
            else if (u < 0.16)
                puts_(o, ", ");
            else if (u < 0.18 && allow_nl)
                puts_(o, "\n");
            else if (!zh)
                putc_(o, ' ');
        }
        if (rng_chance(r, 0.08)) {
            putc_(o, '"');
            puts_(o, zh ? PICK(r, PR_WORDS_ZH) : rng_pick(r, T_NOUN, T_NOUN_LEN));
            putc_(o, '"');
        } else if (zh) {
            puts_(o, PICK(r, PR_WORDS_ZH));
        } else {
            puts_(o, rng_pick(r, w ? T_NOUN : T_ADJ, w ? T_NOUN_LEN : T_ADJ_LEN));
        }
    }
    if (rng_chance(r, 0.15))
        puts_(o, zh ? "？" : "?");
}

static FILE *pr_create(const char *dir, const char *sub, const char *name)
{
    char path[4096];
    if (sub) {
        snprintf(path, sizeof(path), "%s/%s", dir, sub);
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            die("cannot create '%s': %s", path, strerror(errno));
        snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
    } else {
        snprintf(path, sizeof(path), "%s/%s", dir, name);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    return f;
}

static void pr_close(FILE *f, const char *name)
{
    if (fclose(f) != 0)
        die("cannot write '%s': %s", name, strerror(errno));
}

typedef struct {
    uint32_t user, item;
    int64_t t;
} pr_row;

int gen_pixelrec_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen pixelrec 200k|1m|8m|full|50k OUTDIR [--lines N] [--users N] [--items N] [--seed "
            "S]");
    const char *v = a->pos[1], *dir = a->pos[2];
    static const char *const NAMES[][2] = {
        {"200k", "Pixel200K"}, {"1m", "Pixel1M"}, {"8m", "Pixel8M"}, {"full", "PixelRec"}, {"50k", NULL}};
    int kind = -1;
    for (int k = 0; k < (int)ARRAY_LEN(NAMES); k++)
        if (!strcmp(v, NAMES[k][0]))
            kind = k;
    if (kind < 0)
        die("unknown PixelRec release '%s' (200k, 1m, 8m, full, 50k)", v);
    const char *up = NAMES[kind][1];
    int zh = up != NULL;
    uint64_t seed = a->seed ^ (uint64_t)(kind + 1) * 0x9e3779b97f4a7c15ULL;
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 4000;
    uint32_t nusers = u32_arg(a->users, lines / 10 > 3 ? (uint32_t)(lines / 10) : 3, "--users");
    uint32_t nitems = u32_arg(a->items, lines / 5 > 10 ? (uint32_t)(lines / 5) : 10, "--items");
    if (lines < 3ULL * nusers)
        die("--lines %" PRIu64 " is too few for %u users (each gets at least 3)", lines, nusers);
    if (nitems > 100000)
        die("--items %u: at most 100000 (ids stay below i408374)", nitems);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));

    /* Interactions: every user's rows with increasing times, then all rows shuffled. */
    uint32_t *cnt = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "pr-counts", 0);
    apportion(&cr, nusers, lines, 3, 100000, 1.4, cnt);
    sampler pop;
    rng_t pr = rng_for(seed, "pr-pop", 0);
    sampler_zipf(&pop, nitems, 0.8, 4.0, &pr);
    pr_row *rows = xmalloc(sizeof(pr_row) * (size_t)lines);
    size_t n = 0;
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(seed, "pr-user", u);
        int64_t t = PR_T0 + (int64_t)(rng_u01(&r) * (double)PR_SPAN * 0.8);
        for (uint32_t i = 0; i < cnt[u]; i++) {
            t += 1 + (int64_t)rng_below(&r, 2 * 86400);
            rows[n].user = pr_user_id(u);
            rows[n].item = pr_item_id(sampler_draw(&pop, &r));
            rows[n].t = t;
            n++;
        }
    }
    rng_t sr = rng_for(seed, "pr-shuffle", 0);
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(&sr, i);
        pr_row x = rows[i - 1];
        rows[i - 1] = rows[j];
        rows[j] = x;
    }
    char name[256];
    snprintf(name, sizeof(name), "%s.csv", zh ? up : "interaction");
    FILE *fi = pr_create(dir, zh ? "pixelrec_interaction" : NULL, name);
    sink oi;
    sink_file(&oi, fi, 0);
    puts_(&oi, "item_id,user_id,timestamp\n");
    for (size_t i = 0; i < n; i++)
        put_fmt(&oi, "i%u,u%u,%" PRId64 "\n", rows[i].item, rows[i].user, rows[i].t);
    sink_close(&oi);
    pr_close(fi, name);

    /* Item information, one row per item in id order, as pandas writes it. */
    snprintf(name, sizeof(name), "%s.csv", zh ? up : "item_info");
    FILE *fm = pr_create(dir, zh ? "pixelrec_iteminfo" : NULL, name);
    sink om, tmp;
    sink_file(&om, fm, 0);
    sink_mem(&tmp);
    puts_(&om, "item_id,view_number,comment_number,thumbup_number,share_number,coin_number,favorite_number,"
               "barrage_number,title,tag,description\n");
    for (uint32_t j = 0; j < nitems; j++) {
        rng_t r = rng_for(seed, "pr-item", j);
        int bare = rng_chance(&r, 0.01); /* no counters, tag or description */
        put_fmt(&om, "i%u", pr_item_id(j));
        uint64_t views = 94 + rng_below(&r, 4000000);
        for (int c = 0; c < 7; c++) {
            putc_(&om, ',');
            if (!bare)
                put_fmt(&om, "%" PRIu64 ".0", c == 0 ? views : rng_below(&r, views / 20 + 1));
        }
        putc_(&om, ',');
        if (!rng_chance(&r, 0.01)) {
            tmp.len = 0;
            pr_text(&tmp, &r, zh, 2 + (int)rng_below(&r, 5), 0);
            putc_(&tmp, 0);
            put_csv(&om, tmp.p);
        }
        putc_(&om, ',');
        if (!bare)
            put_csv(&om, zh ? PICK(&r, PR_TAGS_ZH) : PICK(&r, PR_TAGS_EN));
        putc_(&om, ',');
        if (!bare && !rng_chance(&r, 0.24)) {
            tmp.len = 0;
            pr_text(&tmp, &r, zh, 3 + (int)rng_below(&r, 12), 1);
            putc_(&tmp, 0);
            put_csv(&om, tmp.p);
        }
        putc_(&om, '\n');
    }
    sink_close(&om);
    pr_close(fm, name);
    sink_free(&tmp);
    free(pop.cdf);
    free(cnt);
    free(rows);
    return 0;
}
