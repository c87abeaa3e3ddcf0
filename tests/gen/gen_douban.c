/*
 * gen_douban.c — the Douban family of l4r-gen: two unrelated datasets share the name, and each has a
 * command word.  `douban dmsc OUTDIR` writes OUTDIR/archive.zip shaped like Kaggle's DMSC download
 * (DMSC.csv at the zip's root: an RFC 4180 CSV with the header ID, Movie_Name_EN, Movie_Name_CN,
 * Crawl_Date, Number, Username, Date, Star, Comment, Like); `douban dtcdr OUTDIR` writes
 * OUTDIR/archive.zip shaped like the DTCDR dump on Kaggle (folder "douban_dataset(text
 * information)/" with {movie,book,music}reviews_cleaned.txt, users_cleaned.txt and the three item
 * files: TAB-separated, a header, every field '"'-quoted, inner quotes doubled).
 *
 * How: DMSC lists the comments film by film (Number counts within a film), as the crawl wrote them,
 * so a user's comments are scattered and not in time order; film names may hold a comma (then
 * quoted), comments hold commas, doubled quotes, TABs, LF and CRLF line breaks inside quotes,
 * Chinese text, or nothing at all; usernames repeat across films and a few hold a comma.  DTCDR's
 * reviews are per domain, in user order; movie and book times are dates, music times a date and a
 * time (third-party readers disagree, so the fixture has both); a quoted comment may hold a TAB or a
 * line break.  datasets.md quotes no real line of either file, so every line is made up.  --lines
 * sets the rows of DMSC.csv (of each DTCDR review file), --users and --items the pools; the members
 * are built in memory.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DB_MTIME 1493596800 /* 2017-05-01 */

typedef struct {
    uint64_t seed;
    uint64_t lines;
    uint32_t nusers, nitems;
} db_opts;

static const char *const DB_CN[] = {"复仇者联盟", "大鱼海棠",   "美人鱼",     "西游",       "寻龙诀",
                                    "小时代",     "夏洛特烦恼", "疯狂动物城", "湄公河行动", "后会无期",
                                    "港囧",       "捉妖记",     "功夫熊猫",   "变形金刚",   "左耳",
                                    "十二公民",   "七月与安生"};
static const char *const DB_PHRASE[] = {
    "还不错",   "剧情太拖沓",  "特效很好", "演员演技在线",  "一般般",         "看哭了", "值得二刷",
    "失望",     "配乐很棒",    "节奏紧凑", "great fun",     "not bad",        "meh",    "好看！！",
    "三星半吧", "boring, but", "😂",        "a \"classic\"", "强烈推荐，真的", "呵呵"};
static const char *const DB_NICK[] = {"小米", "阿飞", "momo", "影迷", "Lucy", "大白", "kiki", "老王",
                                      "sun",  "豆友", "ZZ",   "阿狸", "Tom",  "木木", "七七", "jay"};
static const char *const DB_PLACE[] = {"北京", "上海", "广州", "成都", "杭州",
                                       "",     "南京", "武汉", "西安", "深圳"};
static const char *const DB_LABEL[] = {"剧情", "爱情", "喜剧", "动作", "科幻",
                                       "小说", "文学", "流行", "摇滚", "日本"};

/* "YYYY-MM-DD" of day z since 1970, and " HH:MM:SS" when with_time. */
static void put_day(sink *o, int64_t t, int with_time)
{
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    put_fmt(o, "%04d-%02u-%02u", y, m, d);
    if (with_time) {
        int64_t s = t % 86400;
        put_fmt(o, " %02u:%02u:%02u", (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
    }
}

/* A comment: a few phrases joined by the separators real comments use, in scratch (NUL-ended). */
static void make_comment(rng_t *r, sink *s, int allow_breaks)
{
    s->len = 0;
    if (rng_chance(r, 0.03)) { /* an empty comment */
        putc_(s, 0);
        return;
    }
    unsigned n = 1 + (unsigned)rng_below(r, 4);
    for (unsigned i = 0; i < n; i++) {
        if (i) {
            double g = rng_u01(r);
            const char *sep = g < 0.35 ? "，" : g < 0.6 ? ", " : g < 0.75 ? "。" : g < 0.85 ? " " : "";
            if (allow_breaks && g >= 0.85 && g < 0.92)
                sep = "\n";
            else if (allow_breaks && g >= 0.92 && g < 0.95)
                sep = "\r\n";
            else if (g >= 0.95)
                sep = "\t";
            puts_(s, sep);
        }
        puts_(s, PICK(r, DB_PHRASE));
    }
    putc_(s, 0);
}

/* A field quoted whatever it holds, inner quotes doubled (DTCDR's files). */
static void put_q(sink *o, const char *s)
{
    putc_(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            putc_(o, '"');
        putc_(o, *s);
    }
    putc_(o, '"');
}

/* ---- DMSC ---------------------------------------------------------------------------------- */

static void dmsc_film_en(sink *s, uint64_t seed, uint32_t k)
{
    s->len = 0;
    rng_t r = rng_for(seed, "db-film", k);
    if (k % 7 == 3) /* an English name with a comma, as "Crouching Tiger, Hidden Dragon" */
        put_fmt(s, "%s %s, %s %s %u", rng_pick(&r, T_ADJ, T_ADJ_LEN), rng_pick(&r, T_NOUN, T_NOUN_LEN),
                rng_pick(&r, T_ADJ, T_ADJ_LEN), rng_pick(&r, T_NOUN, T_NOUN_LEN), k);
    else
        put_fmt(s, "%s %s %u", rng_pick(&r, T_ADJ, T_ADJ_LEN), rng_pick(&r, T_NOUN, T_NOUN_LEN), k);
    putc_(s, 0);
}

static void dmsc_user(sink *s, const db_opts *op, uint32_t u)
{
    s->len = 0;
    rng_t r = rng_for(op->seed, "db-nick", u);
    puts_(s, PICK(&r, DB_NICK));
    if (u % 53 == 7)
        puts_(s, ",");
    put_u64(s, u);
    putc_(s, 0);
}

static void gen_dmsc(sink *o, const db_opts *op)
{
    puts_(o, "ID,Movie_Name_EN,Movie_Name_CN,Crawl_Date,Number,Username,Date,Star,Comment,Like\n");
    uint32_t *counts = xmalloc(sizeof(uint32_t) * op->nitems);
    rng_t cr = rng_for(op->seed, "db-counts", 0);
    apportion(&cr, op->nitems, op->lines, 1, 1000000, 1.5, counts);
    sampler users;
    rng_t pr = rng_for(op->seed, "db-upop", 0);
    sampler_zipf(&users, op->nusers, 0.8, 2.0, &pr);
    sink en, nick, text;
    sink_mem(&en);
    sink_mem(&nick);
    sink_mem(&text);
    uint64_t id = 0;
    for (uint32_t k = 0; k < op->nitems; k++) {
        dmsc_film_en(&en, op->seed, k);
        rng_t fr = rng_for(op->seed, "db-filmc", k);
        char cn[128];
        snprintf(cn, sizeof(cn), "%s%u", PICK(&fr, DB_CN), k);
        int64_t crawl = days_from_civil(2017, 1, 20 + (unsigned)rng_below(&fr, 10)) * 86400;
        int64_t release = crawl - (int64_t)(30 + rng_below(&fr, 2000)) * 86400;
        for (uint32_t c = 0; c < counts[k]; c++) {
            rng_t r = rng_for(op->seed, "db-row", id);
            dmsc_user(&nick, op, sampler_draw(&users, &r));
            make_comment(&r, &text, 1);
            int64_t day = release + (int64_t)rng_below(&r, (uint64_t)((crawl - release) / 86400 + 1)) * 86400;
            put_u64(o, id);
            putc_(o, ',');
            put_csv(o, en.p);
            putc_(o, ',');
            put_csv(o, cn);
            putc_(o, ',');
            put_day(o, crawl, 0);
            putc_(o, ',');
            put_u64(o, c + 1);
            putc_(o, ',');
            put_csv(o, nick.p);
            putc_(o, ',');
            put_day(o, day, 0);
            put_fmt(o, ",%u,", 1 + (unsigned)rng_below(&r, 5));
            put_csv(o, text.p);
            putc_(o, ',');
            put_u64(o, rng_chance(&r, 0.6) ? 0 : rng_below(&r, 3000));
            putc_(o, '\n');
            id++;
        }
    }
    sink_free(&en);
    sink_free(&nick);
    sink_free(&text);
    free(users.cdf);
    free(counts);
}

/* ---- DTCDR --------------------------------------------------------------------------------- */

static const char *const DT_DOMAINS[] = {"movie", "book", "music"};

/* The UID of user u: a Douban-style account name (letters and digits), the reviews' user_id. */
static void dt_uid(sink *s, uint32_t u)
{
    s->len = 0;
    put_fmt(s, "%c%c%" PRIu64, 'a' + (char)(u % 26), 'a' + (char)(u / 26 % 26), (uint64_t)u * 37 + 1000);
    putc_(s, 0);
}

static void gen_dt_reviews(sink *o, const db_opts *op, unsigned dom)
{
    const char *d = DT_DOMAINS[dom];
    put_fmt(o,
            "\"user_id\"\t\"%s_id\"\t\"rating\"\t\"labels\"\t\"comment\"\t\"useful_num\"\t\"ID\"\t\"time\"\n",
            d);
    uint32_t *counts = xmalloc(sizeof(uint32_t) * op->nusers);
    rng_t cr = rng_for(op->seed, "dt-counts", dom);
    apportion(&cr, op->nusers, op->lines, 1, 1000000, 1.3, counts);
    sampler items;
    rng_t pr = rng_for(op->seed, "dt-ipop", dom);
    sampler_zipf(&items, op->nitems, 0.9, 2.0, &pr);
    sink uid, text, lab;
    sink_mem(&uid);
    sink_mem(&text);
    sink_mem(&lab);
    uint64_t id = 1;
    for (uint32_t u = 0; u < op->nusers; u++) {
        dt_uid(&uid, u);
        for (uint32_t c = 0; c < counts[u]; c++) {
            rng_t r = rng_for(op->seed, "dt-row", ((uint64_t)dom << 40) ^ id);
            make_comment(&r, &text, 1);
            lab.len = 0;
            unsigned nl = (unsigned)rng_below(&r, 3);
            for (unsigned i = 0; i < nl; i++) {
                if (i)
                    putc_(&lab, '|');
                puts_(&lab, PICK(&r, DB_LABEL));
            }
            putc_(&lab, 0);
            int64_t t = days_from_civil(2006, 1, 1) * 86400 + (int64_t)rng_below(&r, 11ULL * 365 * 86400);
            put_q(o, uid.p);
            putc_(o, '\t');
            put_fmt(o, "\"%" PRIu64 "\"\t", 1000000 + (uint64_t)sampler_draw(&items, &r) * 13);
            put_fmt(o, "\"%u\"\t", 1 + (unsigned)rng_below(&r, 5));
            put_q(o, lab.p);
            putc_(o, '\t');
            put_q(o, text.p);
            put_fmt(o, "\t\"%u\"\t\"%" PRIu64 "\"\t\"", (unsigned)rng_below(&r, 40), id);
            put_day(o, t, dom == 2);
            puts_(o, "\"\n");
            id++;
        }
    }
    sink_free(&uid);
    sink_free(&text);
    sink_free(&lab);
    free(items.cdf);
    free(counts);
}

static void gen_dt_users(sink *o, const db_opts *op)
{
    puts_(o, "\"UID\"\t\"user_id\"\t\"living_place\"\t\"join_time\"\t\"self_statement\"\n");
    sink uid, text;
    sink_mem(&uid);
    sink_mem(&text);
    for (uint32_t u = 0; u < op->nusers; u++) {
        rng_t r = rng_for(op->seed, "dt-user", u);
        dt_uid(&uid, u);
        make_comment(&r, &text, 1);
        put_q(o, uid.p);
        put_fmt(o, "\t\"%u\"\t", u + 1);
        put_q(o, PICK(&r, DB_PLACE));
        puts_(o, "\t\"");
        put_day(o, days_from_civil(2005, 3, 1) * 86400 + (int64_t)rng_below(&r, 3000) * 86400, 0);
        puts_(o, "\"\t");
        put_q(o, text.p);
        putc_(o, '\n');
    }
    sink_free(&uid);
    sink_free(&text);
}

/* The item files: a UID and a domain id per item, and a name; the recipe does not read them. */
static void gen_dt_items(sink *o, const db_opts *op, unsigned dom)
{
    put_fmt(o, "\"UID\"\t\"%s_id\"\t\"name\"\n", DT_DOMAINS[dom]);
    for (uint32_t k = 0; k < op->nitems; k++) {
        rng_t r = rng_for(op->seed, "dt-item", ((uint64_t)dom << 32) | k);
        put_fmt(o, "\"%" PRIu64 "\"\t\"%u\"\t\"%s%u\"\n", 1000000 + (uint64_t)k * 13, k + 1, PICK(&r, DB_CN),
                k);
    }
}

int gen_douban_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen douban dmsc|dtcdr OUTDIR [--lines N] [--users N] [--items N] [--seed S]");
    int dmsc = !strcmp(a->pos[1], "dmsc");
    if (!dmsc && strcmp(a->pos[1], "dtcdr"))
        die("unknown Douban dataset '%s' (dmsc, dtcdr)", a->pos[1]);
    db_opts op;
    op.seed = a->seed;
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    op.nusers = u32_arg(a->users, op.lines / 15 > 3 ? (uint32_t)(op.lines / 15) : 3, "--users");
    op.nitems = u32_arg(a->items, dmsc ? 28 : (op.lines / 6 > 10 ? (uint32_t)(op.lines / 6) : 10), "--items");
    uint64_t need = dmsc ? op.nitems : op.nusers;
    if (op.lines < need)
        die("--lines %" PRIu64 " is too few: every %s needs a row", op.lines, dmsc ? "film" : "user");
    const char *dir = a->pos[2];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof(path), "%s/archive.zip", dir);
    zipw z;
    sink o;
    sink_mem(&o);
    if (dmsc) {
        zip_open(&z, path, NULL, DB_MTIME);
        gen_dmsc(&o, &op);
        zip_add(&z, "DMSC.csv", &o);
    } else {
        zip_open(&z, path, "douban_dataset(text information)", DB_MTIME);
        static const char *const item_files[] = {"movies_cleaned.txt", "books_cleaned.txt",
                                                 "music_cleaned.txt"};
        for (unsigned d = 0; d < 3; d++) {
            char name[64];
            snprintf(name, sizeof(name), "%sreviews_cleaned.txt", DT_DOMAINS[d]);
            gen_dt_reviews(&o, &op, d);
            zip_add(&z, name, &o);
            gen_dt_items(&o, &op, d);
            zip_add(&z, item_files[d], &o);
        }
        gen_dt_users(&o, &op);
        zip_add(&z, "users_cleaned.txt", &o);
    }
    zip_close(&z);
    sink_free(&o);
    return 0;
}
