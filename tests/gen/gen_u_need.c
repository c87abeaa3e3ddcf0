/*
 * gen_u_need.c — the U-NEED family of l4r-gen: `u-need OUTDIR` writes OUTDIR/dialogues.jsonl, one
 * pre-sales dialogue object per line in the shape of the authors' examples.md (domain, sid,
 * sellerid, userid, ds, dialogue: a list of messages with seq_no, time, sender_type, send_content,
 * act_tag, attributes, rec_item_id, rec_item_info), and OUTDIR/dialogues.json, the same objects as
 * one JSON array, the way the authors' code reads its files (json.load of the whole file).  How the
 * real files lay the array out (indentation, line breaks) is not known, so the array here simply
 * puts one object per line between "[" and "]".
 *
 * How: --lines dialogues (the first is datasets.md's dialogue: its header fields and first message
 * verbatim, then generated messages), users drawn Zipf-like from --users (so a user has several
 * dialogues, with one or more shops), shops from --items.  Each dialogue has 2 to 14 messages,
 * alternating mostly between user (用户) and seller (客服), 3 to 120 s apart from a start on its ds
 * day; a third of the times carry microseconds as the authors' examples do ("11:35:07.999996");
 * a seller's recommendation (系统推荐) is "仅发送商品链接" with one item id and "id@category"; now and
 * then send_content is a JSON number (the authors' code tests for that) or holds a quote, a line
 * break or a TAB (escaped in the JSON).  Keys are written in examples.md's order, with ", " and
 * ": " separators and the Chinese text unescaped (json.dumps with ensure_ascii=False).
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* datasets.md §11: the example dialogue's header and first message. */
static const char UN_FIRST_HEAD[] =
    "{\"domain\": \"美妆行业\", \"sid\": \"03c621cb07fb9dc745e35fecd79e1d56\", "
    "\"sellerid\": \"2830038155\", \"userid\": \"2201523477005\", \"ds\": "
    "\"20180930\", \"dialogue\": [";
static const char UN_FIRST_MSG[] =
    "{\"seq_no\": 1, \"time\": \"2018-09-30 15:57:00\", \"sender_type\": \"用户\", \"send_content\": "
    "\"你们店有没有套装\", \"act_tag\": \"用户需求\", \"attributes\": [{\"key\": \"品类\", \"value\": "
    "\"套装\", "
    "\"start\": 6, \"exclusive_end\": 8}], \"rec_item_id\": [], \"rec_item_info\": []}";
#define UN_FIRST_T 1538323020 /* 2018-09-30 15:57:00 */

/* The five domains as the authors' code names them. */
static const char *const UN_DOMAIN[] = {"美妆行业", "服装行业", "手机行业", "大家电行业", "鞋类行业"};
static const char *const UN_USER_ACT[] = {"用户需求", "用户回答", "用户反馈"};
static const char *const UN_USER_SAY[] = {
    "你们店有没有套装", "补水",       "嗯，需要水乳",     "买耐用的",
    "冬天了穿哪款好点", "像素要好点", "有没有\"大码\"的", "这款\n有现货吗"};
static const char *const UN_SELLER_SAY[] = {"您想要什么类型的呢",         "亲亲是敏感肌肤吗",
                                            "要什么材质的呢亲爱哒",       "这个是冰丝材质的",
                                            "冬天穿棉质的比较舒适的哦亲", "【CPU】骁龙695\t处理器"};
static const char *const UN_KEY[] = {"品类", "功效", "材质", "人群", "季节", "品牌"};

typedef struct {
    uint64_t seed;
    uint64_t lines;
    uint32_t nusers, nshops;
} un_opts;

static void un_digits(sink *o, uint64_t v, int width)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%0*" PRIu64, width, v);
    puts_(o, buf);
}

static void un_time(sink *o, int64_t t, unsigned micro)
{
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    int64_t s = t % 86400;
    put_fmt(o, "\"%04d-%02u-%02u %02u:%02u:%02u", y, m, d, (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
            (unsigned)(s % 60));
    if (micro)
        put_fmt(o, ".%06u", micro);
    putc_(o, '"');
}

/* One message; seller: 1 for 客服.  Returns nothing; writes the JSON object. */
static void un_message(sink *o, rng_t *r, unsigned seq, int64_t t, int seller, uint32_t cat)
{
    put_fmt(o, "{\"seq_no\": %u, \"time\": ", seq);
    unsigned micro = 0;
    if (rng_chance(r, 0.33))
        micro = rng_chance(r, 0.5) ? 999996 + (unsigned)rng_below(r, 4) : (unsigned)rng_below(r, 4);
    un_time(o, t, micro);
    puts_(o, ", \"sender_type\": ");
    put_json(o, seller ? "客服" : "用户", 0);
    puts_(o, ", \"send_content\": ");
    int rec = seller && rng_chance(r, 0.35);
    const char *act;
    if (rec) {
        put_json(o, "仅发送商品链接", 0);
        act = "系统推荐";
    } else if (rng_chance(r, 0.03)) {
        put_u64(o, rng_below(r, 1000)); /* a number, not a string */
        act = seller ? "系统解释" : "用户反馈";
    } else {
        put_json(o, seller ? PICK(r, UN_SELLER_SAY) : PICK(r, UN_USER_SAY), 0);
        act = seller ? (rng_chance(r, 0.5) ? "系统提问" : "系统解释") : PICK(r, UN_USER_ACT);
    }
    puts_(o, ", \"act_tag\": ");
    put_json(o, act, 0);
    puts_(o, ", \"attributes\": [");
    if (!rec && rng_chance(r, 0.6)) {
        int known = rng_chance(r, 0.7);
        puts_(o, "{\"key\": ");
        put_json(o, PICK(r, UN_KEY), 0);
        puts_(o, known ? ", \"value\": \"补水\", \"start\": 0, \"exclusive_end\": 2}"
                       : ", \"value\": \"\", \"start\": -1, \"exclusive_end\": -1}");
    }
    puts_(o, "], \"rec_item_id\": [");
    if (rec) {
        uint64_t item = 520000000000ULL + rng_below(r, 150000000000ULL);
        putc_(o, '"');
        put_u64(o, item);
        puts_(o, "\"], \"rec_item_info\": [\"");
        put_u64(o, item);
        put_fmt(o, "@%u\"]}", 1500 + cat);
    } else {
        puts_(o, "], \"rec_item_info\": []}");
    }
}

static void un_dialogues(sink *jl, sink *ar, const un_opts *op)
{
    sampler us;
    rng_t pr = rng_for(op->seed, "un-perm", 0);
    sampler_zipf(&us, op->nusers, 0.8, 1.5, &pr);
    sink line;
    sink_mem(&line);
    puts_(ar, "[\n");
    for (uint64_t i = 0; i < op->lines; i++) {
        rng_t r = rng_for(op->seed, "un-dialogue", i);
        line.len = 0;
        int64_t t;
        unsigned nmsg = 2 + (unsigned)rng_below(&r, 13), seq = 1;
        uint32_t cat = (uint32_t)rng_below(&r, 400);
        if (i == 0) {
            puts_(&line, UN_FIRST_HEAD);
            puts_(&line, UN_FIRST_MSG);
            t = UN_FIRST_T;
            seq = 2;
        } else {
            uint32_t u = sampler_draw(&us, &r);
            rng_t ur = rng_for(op->seed, "un-user", u);
            uint64_t uid = 1000000000ULL + rng_below(&ur, 1300000000000ULL);
            uint32_t shop =
                (uint32_t)((rng_below(&ur, op->nshops) + (rng_chance(&r, 0.3) ? rng_below(&r, 5) : 0)) %
                           op->nshops);
            rng_t sr = rng_for(op->seed, "un-shop", shop);
            uint64_t sid_hi = rng_next(&r), sid_lo = rng_next(&r);
            int64_t day = days_from_civil(2018, 9, 1) + (int64_t)rng_below(&r, 61);
            t = day * 86400 + 8 * 3600 + (int64_t)rng_below(&r, 14 * 3600);
            int yy;
            unsigned mm, dd;
            civil_from_days(day, &yy, &mm, &dd);
            puts_(&line, "{\"domain\": ");
            put_json(&line, UN_DOMAIN[shop % ARRAY_LEN(UN_DOMAIN)], 0);
            put_fmt(&line, ", \"sid\": \"%016" PRIx64 "%016" PRIx64 "\", \"sellerid\": \"", sid_hi, sid_lo);
            un_digits(&line, 100000000ULL + rng_below(&sr, 3000000000ULL), 1);
            puts_(&line, "\", \"userid\": \"");
            un_digits(&line, uid, 1);
            put_fmt(&line, "\", \"ds\": \"%04d%02u%02u\", \"dialogue\": [", yy, mm, dd);
        }
        int seller = i == 0 ? 1 : 0;
        for (; seq <= nmsg; seq++) {
            if (seq > 1) {
                puts_(&line, ", ");
                t += 3 + (int64_t)rng_below(&r, 118);
            }
            un_message(&line, &r, seq, t, seller, cat);
            seller = rng_chance(&r, 0.8) ? !seller : seller;
        }
        puts_(&line, "]}");
        put(jl, line.p, line.len);
        putc_(jl, '\n');
        if (i)
            puts_(ar, ",\n");
        put(ar, line.p, line.len);
    }
    puts_(ar, "\n]\n");
    sink_free(&line);
    free(us.cdf);
}

static FILE *un_create(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    return f;
}

int gen_u_need_main(const args *a)
{
    if (a->npos != 2)
        die("usage: l4r-gen u-need OUTDIR [--lines N] [--users N] [--items N] [--seed S]");
    un_opts op;
    op.seed = a->seed;
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 500;
    if (op.lines < 1)
        die("--lines must be at least 1 (the real dialogue comes first)");
    op.nusers = u32_arg(a->users, op.lines / 3 > 3 ? (uint32_t)(op.lines / 3) : 3, "--users");
    op.nshops = u32_arg(a->items, op.lines / 10 > 5 ? (uint32_t)(op.lines / 10) : 5, "--items");
    const char *dir = a->pos[1];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    FILE *fj = un_create(dir, "dialogues.jsonl"), *fa = un_create(dir, "dialogues.json");
    sink jl, ar;
    sink_file(&jl, fj, 0);
    sink_file(&ar, fa, 0);
    un_dialogues(&jl, &ar, &op);
    sink_close(&jl);
    sink_close(&ar);
    if (fclose(fj) != 0 || fclose(fa) != 0)
        die("cannot write into '%s': %s", dir, strerror(errno));
    return 0;
}
