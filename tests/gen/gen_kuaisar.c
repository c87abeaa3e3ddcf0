/*
 * gen_kuaisar.c — the KuaiSAR family of l4r-gen: `kuaisar v2 OUTDIR` writes OUTDIR/KuaiSAR_v2.zip
 * and `kuaisar small OUTDIR` OUTDIR/KuaiSAR.zip, laid out as the Zenodo archives are believed to
 * be (folder KuaiSAR_v2/ or KuaiSAR_final/ holding rec_inter.csv, src_inter.csv,
 * social_network.csv, user_features.csv and item_features.csv, CSV with a header line).
 *
 * How: rec_inter.csv is a log in (almost) time order: batches of 1-6 items delivered to one user
 * at one millisecond (so many rows share a timestamp), click about half the time, now and then a
 * batch that arrives late (an earlier time after later ones).  Its `timestamp` is a float
 * upstream: most batches print it as pandas does ("1684742400123.0"), some in exact scientific
 * notation ("1.684742400123e+12"), and some, whose time is a whole 1,000 seconds, in the short
 * form of the dataset description ("1.684742e+12").  `time` is the same instant in Beijing time.
 * src_inter.csv lists search sessions, one row per item shown, the session's time on each; about
 * 40% of sessions have no click; keyword is a quoted list ("[20, 34, 3]"); results include
 * non-video items (users, live streams) with ids of another range.  item_features.csv has quoted
 * caption lists (some empty), Chinese and English category names (one with a comma, so quoted),
 * "空"/"empty" for unused levels and 1970-01-01 as the unknown upload date.  The first rec and
 * search lines are the description table's example values (datasets.md §13), which agree with
 * each other (1.684742e+12 ms is 2023-05-22 15:53:20 in Beijing).  --lines sets the rec rows,
 * --ratings the search rows; the members are built in memory.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2023-05-22 14:30 Beijing (06:30 UTC), in ms; the log runs for KS_SPAN_MS after it. */
#define KS_T0_MS 1684737000000LL
#define KS_MTIME 1690243200 /* 2023-07-25, the Zenodo upload */

typedef struct {
    uint64_t seed;
    uint64_t rec, src;
    uint32_t nusers, nitems;
    int64_t span_ms;
} ks_opts;

static const char KS_REC_HEAD[] =
    "user_id,item_id,playing_time,duration_ms,time,timestamp,click,forward,like,"
    "follow,search,search_item_related\n";
static const char KS_SRC_HEAD[] = "user_id,search_session_id,search_session_time,search_session_timestamp,"
                                  "keyword,search_source,item_id,click_cnt,item_type\n";
/* datasets.md §13 / the description table's examples, as one line each. */
static const char KS_REC_FIRST[] = "1,1,60792.0,45400.0,2023-05-22 15:53:20,1.684742e+12,1,1,1,1,1,1\n";
#define KS_REC_FIRST_MS 1684742000000LL
static const char KS_SRC_FIRST[] =
    "14358,1,2023-05-22 21:58:52,1684763932919,\"[20, 34, 3]\",USER_INPUT,103656000000,1,VIDEO\n";
#define KS_SRC_FIRST_MS 1684763932919LL

/* User ids: index 0 is 1 and index 1 is 14358 (the example lines' users), then sparse. */
static uint64_t ks_user_id(uint32_t k)
{
    return k == 0 ? 1 : k == 1 ? 14358 : 2 + 7 * (uint64_t)k;
}

/* "YYYY-MM-DD HH:MM:SS" in Beijing time (UTC+8) of the instant ms. */
static void put_beijing(sink *o, int64_t ms)
{
    int64_t t = ms / 1000 + 8 * 3600;
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    int64_t s = t % 86400;
    put_fmt(o, "%04d-%02u-%02u %02u:%02u:%02u", y, m, d, (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
            (unsigned)(s % 60));
}

enum { KS_PLAIN, KS_SCI, KS_SHORT };

/* ms as a float column: "1684742400123.0", "1.684742400123e+12" (trailing zeros dropped) or,
 * for a multiple of 10^6, "1.684742e+12". */
static void put_ms(sink *o, int64_t ms, int style)
{
    if (style == KS_PLAIN) {
        put_fmt(o, "%" PRId64 ".0", ms);
        return;
    }
    char digits[32];
    int n = snprintf(digits, sizeof(digits), "%" PRId64, ms);
    int last = n - 1;
    while (last > 0 && digits[last] == '0')
        last--;
    putc_(o, digits[0]);
    if (last > 0) {
        putc_(o, '.');
        put(o, digits + 1, (size_t)last);
    }
    put_fmt(o, "e+%d", n - 1);
}

/* A Python-repr-like list of word ids: "[20, 34, 3]" (quoted in the CSV, it holds commas). */
static void put_id_list(sink *o, rng_t *r, unsigned n, unsigned range)
{
    puts_(o, "\"[");
    for (unsigned i = 0; i < n; i++)
        put_fmt(o, "%s%u", i ? ", " : "", (unsigned)rng_below(r, range));
    puts_(o, "]\"");
}

static void gen_rec(sink *o, const ks_opts *op, const sampler *users, const sampler *items)
{
    puts_(o, KS_REC_HEAD);
    puts_(o, KS_REC_FIRST);
    uint64_t left = op->rec - 1, b = 0;
    int64_t now = KS_REC_FIRST_MS;
    int64_t step = op->span_ms / (int64_t)(op->rec / 3 + 1) + 1;
    while (left) {
        rng_t r = rng_for(op->seed, "ks-batch", b++);
        uint32_t u = sampler_draw(users, &r);
        now += 1 + (int64_t)rng_below(&r, (uint64_t)(2 * step));
        int64_t ms = now;
        if (rng_chance(&r, 0.05))
            ms -= (int64_t)rng_below(&r, 3600000); /* arrives late */
        int style = KS_PLAIN;
        double g = rng_u01(&r);
        if (g < 0.06) {
            style = KS_SHORT;
            ms -= ms % 1000000;
        } else if (g < 0.12) {
            style = KS_SCI;
        }
        unsigned n = 1 + (unsigned)rng_below(&r, 6);
        if (n > left)
            n = (unsigned)left;
        for (unsigned i = 0; i < n; i++) {
            uint32_t k = sampler_draw(items, &r);
            int click = rng_chance(&r, 0.5);
            double dur = 5000.0 + 1000.0 * (double)rng_below(&r, 120);
            double play = click ? dur * rng_u01(&r) * 2.0 : dur * rng_u01(&r) * 0.2;
            int search = rng_chance(&r, 0.03);
            put_fmt(o, "%" PRIu64 ",%u,%.1f,%.1f,", ks_user_id(u), k + 1, (double)(int64_t)play, dur);
            put_beijing(o, ms);
            putc_(o, ',');
            put_ms(o, ms, style);
            put_fmt(o, ",%d,%d,%d,%d,%d,%d\n", click, click && rng_chance(&r, 0.02),
                    click && rng_chance(&r, 0.1), click && rng_chance(&r, 0.02), search,
                    search && rng_chance(&r, 0.5));
        }
        left -= n;
    }
}

static const char *const KS_ITEM_TYPES[] = {"VIDEO",     "VIDEO", "VIDEO", "VIDEO", "VIDEO",
                                            "VIDEO",     "USER",  "LIVE",  "VIDEO", "IMAGE_ATLAS",
                                            "COMMODITY", "MUSIC", "ADVERT"};
/* Only USER_INPUT is documented; the other source names are made up for the fixture. */
static const char *const KS_SOURCES[] = {"USER_INPUT", "USER_INPUT", "USER_INPUT", "RECOMMEND_QUERY",
                                         "HISTORY"};

static void gen_src(sink *o, const ks_opts *op, const sampler *users, const sampler *items)
{
    puts_(o, KS_SRC_HEAD);
    puts_(o, KS_SRC_FIRST);
    uint64_t left = op->src - 1, sess = 1;
    int64_t now = KS_SRC_FIRST_MS;
    int64_t step = op->span_ms / (int64_t)(op->src / 4 + 1) + 1;
    while (left) {
        rng_t r = rng_for(op->seed, "ks-session", ++sess);
        uint32_t u = sampler_draw(users, &r);
        now += 1 + (int64_t)rng_below(&r, (uint64_t)(2 * step));
        int64_t ms = now - (rng_chance(&r, 0.05) ? (int64_t)rng_below(&r, 7200000) : 0);
        unsigned n = 1 + (unsigned)rng_below(&r, 10), nk = 1 + (unsigned)rng_below(&r, 5);
        if (n > left)
            n = (unsigned)left;
        int clicks = !rng_chance(&r, 0.4);
        sink kw;
        sink_mem(&kw);
        put_id_list(&kw, &r, nk, 5000);
        putc_(&kw, 0);
        const char *src = PICK(&r, KS_SOURCES);
        for (unsigned i = 0; i < n; i++) {
            const char *type = PICK(&r, KS_ITEM_TYPES);
            uint64_t item = !strcmp(type, "VIDEO") || !strcmp(type, "IMAGE_ATLAS")
                                ? (uint64_t)sampler_draw(items, &r) + 1
                                : 103656000000ULL + 1000ULL * rng_below(&r, 100000);
            unsigned c = clicks && (i == 0 || rng_chance(&r, 0.3)) ? (rng_chance(&r, 0.05) ? 2u : 1u) : 0u;
            put_fmt(o, "%" PRIu64 ",%" PRIu64 ",", ks_user_id(u), sess);
            put_beijing(o, ms);
            put_fmt(o, ",%" PRId64 ",%s,%s,%" PRIu64 ",%u,%s\n", ms, kw.p, src, item, c, type);
        }
        sink_free(&kw);
        left -= n;
    }
}

static const struct {
    const char *zh, *en;
} KS_CATS[] = {
    {"搞笑", "Funny"}, {"搞笑段子", "Funny joke"}, {"美食", "Food"},          {"游戏", "Games"},
    {"影视", "Film"},  {"音乐", "Music"},          {"体育", "Sports"},        {"颜值", "Looks"},
    {"生活", "Life"},  {"宠物", "Pets, animals"},  {"汽车", "Cars"},          {"未知", "Unknown"},
    {"舞蹈", "Dance"}, {"知识", "Knowledge"},      {"情感", "Relationships"}, {"旅行", "Travel"},
};
static const char *const KS_UPLOAD[] = {"LongImport", "ShortImport", "PictureSet", "Web"};

static void gen_items(sink *o, const ks_opts *op)
{
    puts_(o, "item_id,caption,author_id,item_type,upload_time,upload_type");
    static const char *const LV[] = {"first", "second", "third", "fourth"};
    for (int l = 0; l < 4; l++)
        put_fmt(o, ",%s_level_category_id,%s_level_category_name,%s_level_category_name_en", LV[l], LV[l],
                LV[l]);
    putc_(o, '\n');
    for (uint32_t k = 0; k < op->nitems; k++) {
        rng_t r = rng_for(op->seed, "ks-item", k);
        put_fmt(o, "%u,", k + 1);
        if (rng_chance(&r, 0.05))
            puts_(o, "[]");
        else
            put_id_list(o, &r, 1 + (unsigned)rng_below(&r, 12), 30000);
        put_fmt(o, ",%u,NORMAL,", rng_chance(&r, 0.02) ? 0u : 1 + (unsigned)rng_below(&r, 500000));
        if (rng_chance(&r, 0.03)) {
            puts_(o, "1970-01-01");
        } else {
            int y;
            unsigned m, d;
            civil_from_days(days_from_civil(2023, 5, 31) - (int64_t)rng_below(&r, 900), &y, &m, &d);
            put_fmt(o, "%04d-%02u-%02u", y, m, d);
        }
        put_fmt(o, ",%s", PICK(&r, KS_UPLOAD));
        unsigned levels = 1 + (unsigned)rng_below(&r, 4);
        for (unsigned l = 0; l < 4; l++) {
            if (l < levels) {
                size_t c = (size_t)rng_below(&r, ARRAY_LEN(KS_CATS));
                putc_(o, ',');
                put_u64(o, 1 + c + 100 * l);
                putc_(o, ',');
                put_csv(o, KS_CATS[c].zh);
                putc_(o, ',');
                put_csv(o, KS_CATS[c].en);
            } else {
                puts_(o, ",0,空,empty");
            }
        }
        putc_(o, '\n');
    }
}

static void gen_users(sink *o, const ks_opts *op)
{
    puts_(o, "user_id,search_active_level,rec_active_level,onehot_feat1,onehot_feat2\n");
    for (uint32_t k = 0; k < op->nusers; k++) {
        rng_t r = rng_for(op->seed, "ks-user", k);
        put_fmt(o, "%" PRIu64 ",%u,%u,%u,%u\n", ks_user_id(k), 1 + (unsigned)rng_below(&r, 6),
                1 + (unsigned)rng_below(&r, 6), (unsigned)rng_below(&r, 3), (unsigned)rng_below(&r, 8));
    }
}

static void gen_social(sink *o, const ks_opts *op)
{
    puts_(o, "user_id,user_follow_id\n");
    for (uint32_t k = 0; k < op->nusers; k++) {
        rng_t r = rng_for(op->seed, "ks-social", k);
        if (!rng_chance(&r, 0.05))
            continue;
        unsigned n = 1 + (unsigned)rng_below(&r, 3);
        for (unsigned i = 0; i < n; i++)
            put_fmt(o, "%" PRIu64 ",%" PRIu64 "\n", ks_user_id(k),
                    ks_user_id((uint32_t)rng_below(&r, op->nusers)));
    }
}

int gen_kuaisar_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen kuaisar v2|small OUTDIR [--lines N] [--ratings N] [--users N] [--items N] "
            "[--seed S]");
    int v2 = !strcmp(a->pos[1], "v2");
    if (!v2 && strcmp(a->pos[1], "small"))
        die("unknown KuaiSAR release '%s' (v2, small)", a->pos[1]);
    ks_opts op;
    op.seed = a->seed;
    op.rec = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    op.src = a->ratings >= 0 ? (uint64_t)a->ratings : op.rec / 2;
    op.nusers = u32_arg(a->users, op.rec / 40 > 3 ? (uint32_t)(op.rec / 40) : 3, "--users");
    op.nitems = u32_arg(a->items, op.rec / 4 > 10 ? (uint32_t)(op.rec / 4) : 10, "--items");
    op.span_ms = (v2 ? 19 : 9) * 86400000LL;
    if (op.rec < 1 || op.src < 1 || op.nusers < 2)
        die("--lines and --ratings must be at least 1 (the example lines), --users at least 2");
    const char *dir = a->pos[2];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    sampler users, items;
    rng_t ur = rng_for(op.seed, "ks-upop", 0), ir = rng_for(op.seed, "ks-ipop", 0);
    sampler_zipf(&users, op.nusers, 0.6, 3.0, &ur);
    sampler_zipf(&items, op.nitems, 0.9, 2.0, &ir);
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, v2 ? "KuaiSAR_v2.zip" : "KuaiSAR.zip");
    zipw z;
    zip_open(&z, path, v2 ? "KuaiSAR_v2" : "KuaiSAR_final", KS_MTIME);
    sink o;
    sink_mem(&o);
    gen_rec(&o, &op, &users, &items);
    zip_add(&z, "rec_inter.csv", &o);
    gen_src(&o, &op, &users, &items);
    zip_add(&z, "src_inter.csv", &o);
    gen_social(&o, &op);
    zip_add(&z, "social_network.csv", &o);
    gen_users(&o, &op);
    zip_add(&z, "user_features.csv", &o);
    gen_items(&o, &op);
    zip_add(&z, "item_features.csv", &o);
    zip_close(&z);
    sink_free(&o);
    free(users.cdf);
    free(items.cdf);
    return 0;
}
