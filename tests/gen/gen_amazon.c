/*
 * gen_amazon.c — the Amazon reviews family of l4r-gen: `amazon 2014|2018|2023
 * reviews|meta|ratings` writes one file of that release's shape (JSON lines, 2014's Python-literal
 * metadata, the rating-only CSVs) to stdout or -o FILE, gzip-compressed with --gzip.
 *
 * How: reviews and the 2014/2018 rating CSVs are grouped by item in ascending ASIN order, with
 * Pareto-distributed counts per item and Zipf-distributed users; the 2023 rating CSV is grouped by
 * user and chronological.  IDs (ASINs, reviewer ids) are bijections of the index, so they are
 * unique without a table.  Each line draws from its own random stream, and the real lines that
 * datasets.md quotes are written first, verbatim.
 */
#include "gen.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Amazon
 */

static const char *const FIRST[] = {"John", "Mary",  "Shelly", "Andrea", "Chris", "José",  "Lisa",
                                    "Mike", "Karen", "David",  "Zoë",    "Wei",   "Ahmed", "Olga"};
static const char *const LAST[] = {"Smith",  "Johnson", "F",  "Lee",    "García", "Brown", "O'Neil",
                                   "Müller", "Nguyen",  "K.", "Bigham", "Carrad", "Wilson"};
static const char *const STYLE_KEYS[][4] = {
    {"Format:", " Hardcover", " Paperback", " Kindle Edition"},
    {"Platform:", " PlayStation 4", " Xbox One", " Nintendo Switch"},
    {"Size:", " 7.0 oz", " Large", " 10.5 M US"},
    {"Color:", " Black", " Blue", " Rose Gold"},
    {"Edition:", " Standard", " Deluxe", " Collector's"},
};
static const char *const CATEGORY_PATHS[][4] = {
    {"Beauty", "Tools & Accessories", "Makeup Brushes & Tools", "Brushes & Applicators"},
    {"Video Games", "PlayStation 4", "Games", NULL},
    {"Toys & Games", "Dolls & Accessories", NULL, NULL},
    {"Sports & Outdoors", "Outdoor Recreation", "Camping & Hiking", NULL},
    {"Electronics", "Computers & Accessories", "Cables & Accessories", NULL},
};

/* Amazon's reviewTime: "MM D, YYYY" — month zero-padded, day not. */
static void put_review_time(sink *o, int64_t unix_s)
{
    int y;
    unsigned m, d;
    civil_from_days(unix_s / 86400, &y, &m, &d);
    put_fmt(o, "%02u %u, %d", m, d, y);
}

typedef struct {
    uint64_t seed;
    int year;
    uint64_t lines;
    uint32_t nusers, nitems;
} amz_opts;

static const char B36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* A bijection on [0, 36^12): multiplying by a constant coprime to 36 (near the golden ratio of
 * the range, so neighbouring indices land far apart) plus an offset. */
static uint64_t id_bijection(uint64_t seed, uint32_t u, uint64_t salt)
{
    const uint64_t M = 4738381338321616896ULL; /* 36^12 */
    const uint64_t P = 2928480718504553473ULL;
    return (uint64_t)(((unsigned __int128)u * P + (mix64(seed + salt) % M)) % M);
}

/* reviewerID: "A" + 12 or 13 base-36 characters, unique per user index through a bijection on
 * 36^12 (multiplier coprime to 36). */
static void reviewer_id(uint64_t seed, uint32_t u, char out[16])
{
    uint64_t v = id_bijection(seed, u, 7);
    rng_t r = rng_for(seed, "reviewer-id", u);
    int i = 0;
    out[i++] = 'A';
    if (rng_chance(&r, 0.8))
        out[i++] = B36[1 + rng_below(&r, 35)];
    for (int k = 11; k >= 0; k--) {
        out[i + k] = B36[v % 36];
        v /= 36;
    }
    out[i + 12] = 0;
}

/* 2023 user_id: "AE".."AH" + 26 base-36 characters, the first 12 a bijection of the index. */
static void user_id_2023(uint64_t seed, uint32_t u, char out[32])
{
    uint64_t v = id_bijection(seed, u, 11);
    rng_t r = rng_for(seed, "user-id-2023", u);
    out[0] = 'A';
    out[1] = "EFGH"[rng_below(&r, 4)];
    for (int k = 13; k >= 2; k--) {
        out[k] = B36[v % 36];
        v /= 36;
    }
    for (int k = 14; k < 28; k++)
        out[k] = B36[rng_below(&r, 36)];
    out[28] = 0;
}

static void asin_for(uint64_t seed, uint32_t k, uint32_t nitems, char out[16]);

/* 2023 parent_asin: always "B0" + 8 characters. */
static void parent_asin_for(uint64_t seed, uint32_t k, uint32_t nitems, char out[16])
{
    asin_for(seed ^ 0x2023, k, nitems, out);
    out[0] = 'B';
    out[1] = '0';
}

/* ASINs ascending with the item index: ~15% ISBN-like all-digit ones first, then "B0" + 8. */
static void asin_for(uint64_t seed, uint32_t k, uint32_t nitems, char out[16])
{
    rng_t r = rng_for(seed, "asin", k);
    uint32_t ndig = nitems / 7 + 1;
    if (k < ndig) {
        uint64_t step = 1999999999ULL / ndig;
        uint64_t v = (uint64_t)k * step + rng_below(&r, step > 10 ? step - 10 : 1);
        for (int i = 9; i >= 0; i--) {
            out[i] = (char)('0' + v % 10);
            v /= 10;
        }
        out[10] = 0;
    } else {
        uint64_t n = nitems - ndig, j = k - ndig;
        uint64_t step = 2821109907455ULL / (n ? n : 1); /* 36^8 - 1 */
        uint64_t v = j * step + rng_below(&r, step ? step : 1);
        out[0] = 'B';
        out[1] = '0';
        for (int i = 9; i >= 2; i--) {
            out[i] = B36[v % 36];
            v /= 36;
        }
        out[10] = 0;
    }
}

static unsigned amz_rating(rng_t *r)
{
    double u = rng_u01(r);
    if (u < 0.58)
        return 5;
    if (u < 0.78)
        return 4;
    if (u < 0.87)
        return 3;
    if (u < 0.93)
        return 2;
    return 1;
}

static int64_t amz_day(rng_t *r, int year)
{
    int64_t d0 = days_from_civil(year == 2014 ? 1997 : 2000, 1, 1);
    int64_t d1 = year == 2014   ? days_from_civil(2014, 7, 23)
                 : year == 2018 ? days_from_civil(2018, 10, 2)
                                : days_from_civil(2023, 9, 20);
    /* More reviews in later years. */
    return d0 + (int64_t)((double)(d1 - d0) * sqrt(rng_u01(r)));
}

static void put_name(rng_t *r, sink *o)
{
    double u = rng_u01(r);
    if (u < 0.12)
        puts_(o, "Amazon Customer");
    else if (u < 0.3)
        put_fmt(o, "%s%u", rng_pick(r, T_NOUN, T_NOUN_LEN), (unsigned)rng_below(r, 1000));
    else if (u < 0.32)
        put_fmt(o, "%s \"%s\" %s", PICK(r, FIRST), rng_pick(r, T_ADJ, T_ADJ_LEN), PICK(r, LAST));
    else
        put_fmt(o, "%s %s", PICK(r, FIRST), PICK(r, LAST));
}

static const char *const SUMMARIES[] = {"One Star", "Two Stars", "Three Stars", "Four Stars", "Five Stars"};

/* The real lines datasets.md quotes; written first, verbatim. */
static const char *const FIRST_2018[] = {
    "{\"overall\": 5.0, \"verified\": true, \"reviewTime\": \"10 17, 2015\", \"reviewerID\": "
    "\"A1HP7NVNPFMA4N\", \"asin\": \"0700026657\", \"reviewerName\": \"Ambrosia075\", \"reviewText\": "
    "\"This game is a bit hard to get the hang of, but when you do it's great.\", \"summary\": \"but "
    "when you do it's great.\", \"unixReviewTime\": 1445040000}",
    "{\"overall\": 5.0, \"verified\": true, \"reviewTime\": \"09 1, 2016\", \"reviewerID\": "
    "\"A3CIUOJXQ5VDQ2\", \"asin\": \"B0000530HU\", \"style\": {\"Size:\": \" 7.0 oz\", \"Flavor:\": \" "
    "Classic Ice Blue\"}, \"reviewerName\": \"Shelly F\", \"reviewText\": \"As advertised. Reasonably "
    "priced\", \"summary\": \"Five Stars\", \"unixReviewTime\": 1472688000}",
    "{\"overall\": 1.0, \"verified\": true, \"reviewTime\": \"02 19, 2015\", \"reviewerID\": "
    "\"A1V6B6TNIC10QE\", \"asin\": \"0143026860\", \"reviewerName\": \"theodore j bigham\", "
    "\"reviewText\": \"great\", \"summary\": \"One Star\", \"unixReviewTime\": 1424304000}"};
static const char *const FIRST_2014[] = {
    "{\"reviewerID\": \"A1YJEY40YUW4SE\", \"asin\": \"7806397051\", \"reviewerName\": \"Andrea\", "
    "\"helpful\": [3, 4], \"reviewText\": \"Very oily and creamy. Not at all what I expected... ordered "
    "this to try to highlight and contour and it just looked awful!!! Plus, took FOREVER to arrive.\", "
    "\"overall\": 1.0, \"summary\": \"Don't waste your money\", \"unixReviewTime\": 1391040000, "
    "\"reviewTime\": \"01 30, 2014\"}"};
static const char *const FIRST_2023[] = {
    "{\"rating\": 5.0, \"title\": \"Such a lovely scent but not overpowering.\", \"text\": \"This spray "
    "is really nice. It smells really good, goes on really fine, and does the trick. I will say it "
    "feels like you need a lot of it though to get the texture I want. I have a lot of hair, medium "
    "thickness. I am comparing to other brands with yucky chemicals so I'm gonna stick with this. Try "
    "it!\", \"images\": [], \"asin\": \"B00YQ6X8EO\", \"parent_asin\": \"B00YQ6X8EO\", \"user_id\": "
    "\"AGKHLEW2SOWHNMFQIJGBECAF7INQ\", \"timestamp\": 1588687728923, \"helpful_vote\": 0, "
    "\"verified_purchase\": true}"};
static const char *const FIRST_META_2014[] = {
    "{'asin': '0558925278', 'description': 'Mineral Powder Brush--Apply powder \xe2\x80\xa6 45% "
    "cotton', 'title': 'Eco Friendly Ecotools Quality Natural Bamboo Cosmetic Mineral Brush Set Kit of "
    "4 Soft Brushes and 1 Pouch Baby Kabuki Eye Shading Brush Mineral Powder Brush Concealer "
    "Brush(travle Size)', 'imUrl': 'http://ecx.images-amazon.com/images/I/51L%2BzYCQWSL._SX300_.jpg', "
    "'salesRank': {'Beauty': 402875}, 'categories': [['Beauty', 'Tools & Accessories', 'Makeup Brushes "
    "& Tools', 'Brushes & Applicators']]}"};
static const char *const FIRST_RATINGS_2014[] = {"A39HTATAQ9V7YF,0205616461,5.0,1369699200",
                                                 "A3JM6GV9MNOF9X,0558925278,3.0,1355443200"};
static const char *const FIRST_RATINGS_2023[] = {"AGKASBHYZPGTEPO6LWZPVJWB2BVA,B006GBITXC,3.0,1452647382000",
                                                 "AGKASBHYZPGTEPO6LWZPVJWB2BVA,B00TLEMSVK,4.0,1454675785000"};

static void put_text_json(sink *o, rng_t *r, sink *tmp, size_t len, int mode, int sentence)
{
    tmp->len = 0;
    gen_text(r, tmp, len, sentence);
    putc_(tmp, 0);
    put_json(o, tmp->p, mode);
}

static void amz_review_line(sink *o, sink *tmp, const amz_opts *op, uint64_t line, uint32_t item,
                            uint32_t user)
{
    rng_t r = rng_for(op->seed, "review", line);
    char asin[16], uid[32];
    unsigned rating = amz_rating(&r);
    int64_t day = amz_day(&r, op->year);
    /* Per line: raw UTF-8 (most), Python-style ASCII escapes, or ASCII escapes plus "\/". */
    double mu = rng_u01(&r);
    int mode = mu < 0.8 ? 0 : mu < 0.95 ? JS_ASCII : JS_ASCII | JS_SLASH;

    asin_for(op->seed, item, op->nitems, asin);
    if (op->year == 2018) {
        reviewer_id(op->seed, user, uid);
        put_fmt(o, "{\"overall\": %u.0, ", rating);
        if (rng_chance(&r, 0.14)) {
            unsigned vote = 2 + (unsigned)(pow(rng_u01(&r), 4.0) * 3000);
            if (vote >= 1000)
                put_fmt(o, "\"vote\": \"%u,%03u\", ", vote / 1000, vote % 1000);
            else
                put_fmt(o, "\"vote\": \"%u\", ", vote);
        }
        put_fmt(o, "\"verified\": %s, \"reviewTime\": \"", rng_chance(&r, 0.72) ? "true" : "false");
        put_review_time(o, day * 86400);
        put_fmt(o, "\", \"reviewerID\": \"%s\", \"asin\": \"%s\", ", uid, asin);
        if (rng_chance(&r, 0.3)) {
            int nk = 1 + (int)rng_below(&r, 2);
            size_t k0 = (size_t)rng_below(&r, ARRAY_LEN(STYLE_KEYS));
            puts_(o, "\"style\": {");
            for (int i = 0; i < nk; i++) {
                const char *const *sk = STYLE_KEYS[(k0 + (size_t)i) % ARRAY_LEN(STYLE_KEYS)];
                if (i)
                    puts_(o, ", ");
                put_json(o, sk[0], 0);
                puts_(o, ": ");
                put_json(o, sk[1 + rng_below(&r, 3)], 0);
            }
            puts_(o, "}, ");
        }
        if (!rng_chance(&r, 0.01)) {
            tmp->len = 0;
            put_name(&r, tmp);
            putc_(tmp, 0);
            puts_(o, "\"reviewerName\": ");
            put_json(o, tmp->p, mode);
            puts_(o, ", ");
        }
        if (!rng_chance(&r, 0.005)) {
            puts_(o, "\"reviewText\": ");
            put_text_json(o, &r, tmp, text_len(&r, 400), mode, 1);
            puts_(o, ", ");
        }
        if (!rng_chance(&r, 0.005)) {
            puts_(o, "\"summary\": ");
            if (rng_chance(&r, 0.4))
                put_json(o, SUMMARIES[rating - 1], 0);
            else
                put_text_json(o, &r, tmp, 8 + rng_below(&r, 30), mode, 1);
            puts_(o, ", ");
        }
        put_fmt(o, "\"unixReviewTime\": %" PRId64, day * 86400);
        if (rng_chance(&r, 0.03)) {
            int ni = 1 + (int)rng_below(&r, 3);
            puts_(o, ", \"image\": [");
            for (int i = 0; i < ni; i++)
                put_fmt(o, "%s\"https://images-na.ssl-images-amazon.com/images/I/%c%c%u%s._SY88.jpg\"",
                        i ? ", " : "", B36[10 + rng_below(&r, 26)], B36[rng_below(&r, 36)],
                        (unsigned)rng_below(&r, 100000), "L");
            putc_(o, ']');
        }
        puts_(o, "}\n");
    } else if (op->year == 2014) {
        reviewer_id(op->seed, user, uid);
        put_fmt(o, "{\"reviewerID\": \"%s\", \"asin\": \"%s\", ", uid, asin);
        if (!rng_chance(&r, 0.02)) {
            tmp->len = 0;
            put_name(&r, tmp);
            putc_(tmp, 0);
            puts_(o, "\"reviewerName\": ");
            put_json(o, tmp->p, mode);
            puts_(o, ", ");
        }
        unsigned b = rng_chance(&r, 0.6) ? 0 : (unsigned)(pow(rng_u01(&r), 3.0) * 200);
        unsigned a = b ? (unsigned)rng_below(&r, b + 1) : 0;
        put_fmt(o, "\"helpful\": [%u, %u], \"reviewText\": ", a, b);
        put_text_json(o, &r, tmp, text_len(&r, 400), mode, 1);
        put_fmt(o, ", \"overall\": %u.0, \"summary\": ", rating);
        if (rng_chance(&r, 0.3))
            put_json(o, SUMMARIES[rating - 1], 0);
        else
            put_text_json(o, &r, tmp, 8 + rng_below(&r, 30), mode, 1);
        put_fmt(o, ", \"unixReviewTime\": %" PRId64 ", \"reviewTime\": \"", day * 86400);
        put_review_time(o, day * 86400);
        puts_(o, "\"}\n");
    } else {
        user_id_2023(op->seed, user, uid);
        char parent[16];
        parent_asin_for(op->seed, item, op->nitems, parent);
        put_fmt(o, "{\"rating\": %u.0, \"title\": ", rating);
        if (rng_chance(&r, 0.35))
            put_json(o, SUMMARIES[rating - 1], 0);
        else
            put_text_json(o, &r, tmp, 8 + rng_below(&r, 40), mode, 1);
        puts_(o, ", \"text\": ");
        put_text_json(o, &r, tmp, text_len(&r, 300), mode, 1);
        puts_(o, ", \"images\": [");
        if (rng_chance(&r, 0.04)) {
            int ni = 1 + (int)rng_below(&r, 2);
            for (int i = 0; i < ni; i++) {
                char key[12];
                for (int c = 0; c < 11; c++)
                    key[c] = B36[rng_below(&r, 36)];
                key[11] = 0;
                put_fmt(o,
                        "%s{\"small_image_url\": \"https://m.media-amazon.com/images/I/%s._SL256_.jpg\", "
                        "\"medium_image_url\": \"https://m.media-amazon.com/images/I/%s._SL800_.jpg\", "
                        "\"large_image_url\": \"https://m.media-amazon.com/images/I/%s.jpg\", "
                        "\"attachment_type\": \"IMAGE\"}",
                        i ? ", " : "", key, key, key);
            }
        }
        /* Variants: the reviewed asin differs from parent_asin for some items. */
        char child[16];
        snprintf(child, sizeof(child), "%s", parent);
        if (rng_chance(&r, 0.2)) {
            for (int c = 2; c < 10; c++)
                child[c] = B36[rng_below(&r, 36)];
        }
        uint64_t ms = (uint64_t)day * 86400000ULL + rng_below(&r, 86400000ULL);
        put_fmt(o,
                "], \"asin\": \"%s\", \"parent_asin\": \"%s\", \"user_id\": \"%s\", \"timestamp\": %" PRIu64
                ", \"helpful_vote\": %u, \"verified_purchase\": %s}\n",
                child, parent, uid, ms, rng_chance(&r, 0.7) ? 0 : (unsigned)(pow(rng_u01(&r), 4.0) * 500),
                rng_chance(&r, 0.85) ? "true" : "false");
    }
}

/* Reviews and the 2014/2018 rating CSVs: grouped by item in ascending asin order (as upstream),
 * reviews per item Pareto-distributed, users Zipf-distributed. */
static void gen_amazon_by_item(sink *o, const amz_opts *op, int ratings_only)
{
    uint64_t nfixed = 0;
    const char *const *first = NULL;
    if (ratings_only && op->year == 2014) {
        first = FIRST_RATINGS_2014;
        nfixed = ARRAY_LEN(FIRST_RATINGS_2014);
    } else if (!ratings_only && op->year == 2018) {
        first = FIRST_2018;
        nfixed = ARRAY_LEN(FIRST_2018);
    } else if (!ratings_only && op->year == 2014) {
        first = FIRST_2014;
        nfixed = ARRAY_LEN(FIRST_2014);
    } else if (!ratings_only && op->year == 2023) {
        first = FIRST_2023;
        nfixed = ARRAY_LEN(FIRST_2023);
    }
    if (nfixed > op->lines)
        nfixed = op->lines;
    for (uint64_t i = 0; i < nfixed; i++) {
        puts_(o, first[i]);
        putc_(o, '\n');
    }
    uint64_t rest = op->lines - nfixed;
    uint32_t *count = xmalloc(op->nitems * sizeof(*count));
    rng_t cr = rng_for(op->seed, "amz-item-counts", 0);
    apportion(&cr, op->nitems, rest, 0, UINT32_MAX, 1.2, count);
    sampler users;
    rng_t ur = rng_for(op->seed, "amz-users", 0);
    sampler_zipf(&users, op->nusers, 0.9, 8.0, &ur);
    sink tmp;
    sink_mem(&tmp);
    uint64_t line = nfixed;
    for (uint32_t k = 0; k < op->nitems; k++) {
        char asin[16], uid[32];
        for (uint32_t j = 0; j < count[k]; j++, line++) {
            rng_t r = rng_for(op->seed, "amz-line-user", line);
            uint32_t u = sampler_draw(&users, &r);
            if (!ratings_only) {
                amz_review_line(o, &tmp, op, line, k, u);
                continue;
            }
            asin_for(op->seed, k, op->nitems, asin);
            reviewer_id(op->seed, u, uid);
            unsigned rating = amz_rating(&r);
            int64_t ts = amz_day(&r, op->year) * 86400;
            if (op->year == 2014)
                put_fmt(o, "%s,%s,%u.0,%" PRId64 "\n", uid, asin, rating, ts);
            else
                put_fmt(o, "%s,%s,%u.0,%" PRId64 "\n", asin, uid, rating, ts);
        }
    }
    sink_free(&tmp);
    free(users.cdf);
    free(count);
}

typedef struct {
    uint32_t item;
    uint64_t ts;
} uitem;

static int cmp_uitem(const void *a, const void *b)
{
    const uitem *x = a, *y = b;
    if (x->ts != y->ts)
        return (x->ts > y->ts) - (x->ts < y->ts);
    return (x->item > y->item) - (x->item < y->item);
}

/* 2023 benchmark rating_only CSV: header, grouped by user, chronological, one row per
 * (user, item) (upstream keeps the earliest of duplicates), timestamps in milliseconds. */
static void gen_amazon_2023_ratings(sink *o, const amz_opts *op)
{
    puts_(o, "user_id,parent_asin,rating,timestamp\n");
    uint64_t nfixed = op->lines < 2 ? op->lines : 2;
    for (uint64_t i = 0; i < nfixed; i++) {
        puts_(o, FIRST_RATINGS_2023[i]);
        putc_(o, '\n');
    }
    uint64_t rest = op->lines - nfixed;
    uint32_t nusers = op->nusers;
    if (rest < nusers)
        nusers = (uint32_t)(rest ? rest : 1);
    uint32_t cap = op->nitems / 2 ? op->nitems / 2 : 1;
    if ((uint64_t)nusers * cap < rest)
        die("--lines %" PRIu64 " needs more items", op->lines);
    uint32_t *count = xmalloc(nusers * sizeof(*count));
    rng_t cr = rng_for(op->seed, "amz23-user-counts", 0);
    if (rest)
        apportion(&cr, nusers, rest, 1, cap, 1.1, count);
    else
        memset(count, 0, nusers * sizeof(*count));
    sampler items;
    rng_t ir = rng_for(op->seed, "amz23-items", 0);
    sampler_zipf(&items, op->nitems, 0.9, 5.0, &ir);
    uint8_t *mark = xcalloc(op->nitems, 1);
    uitem *row = xmalloc((cap + 1) * sizeof(*row));
    for (uint32_t u = 0; u < nusers; u++) {
        rng_t r = rng_for(op->seed, "amz23-user", u);
        char uid[32], asin[16];
        user_id_2023(op->seed, u, uid);
        for (uint32_t j = 0; j < count[u]; j++) {
            uint32_t k;
            int tries = 0;
            do {
                k = tries++ > 24 ? (uint32_t)rng_below(&r, op->nitems) : sampler_draw(&items, &r);
            } while (mark[k]);
            mark[k] = 1;
            row[j].item = k;
            row[j].ts = (uint64_t)amz_day(&r, 2023) * 86400000ULL + rng_below(&r, 86400000ULL);
        }
        qsort(row, count[u], sizeof(*row), cmp_uitem);
        for (uint32_t j = 0; j < count[u]; j++) {
            mark[row[j].item] = 0;
            parent_asin_for(op->seed, row[j].item, op->nitems, asin);
            rng_t rr = rng_for(op->seed, "amz23-rating", (uint64_t)u * 1000003 + row[j].item);
            put_fmt(o, "%s,%s,%u.0,%" PRIu64 "\n", uid, asin, amz_rating(&rr), row[j].ts);
        }
    }
    free(row);
    free(mark);
    free(items.cdf);
    free(count);
}

static void put_asin_list_py(sink *o, rng_t *r, const amz_opts *op, int n)
{
    char a[16];
    putc_(o, '[');
    for (int i = 0; i < n; i++) {
        asin_for(op->seed, (uint32_t)rng_below(r, op->nitems), op->nitems, a);
        put_fmt(o, "%s'%s'", i ? ", " : "", a);
    }
    putc_(o, ']');
}

static void put_asin_list_json(sink *o, rng_t *r, uint64_t seed, uint32_t nitems, int n)
{
    char a[16];
    putc_(o, '[');
    for (int i = 0; i < n; i++) {
        asin_for(seed, (uint32_t)rng_below(r, nitems), nitems, a);
        put_fmt(o, "%s\"%s\"", i ? ", " : "", a);
    }
    putc_(o, ']');
}

static void make_product_title(rng_t *r, sink *tmp)
{
    tmp->len = 0;
    static const char *const KIND[] = {"Brush Set",    "Controller", "Hair Dryer", "Tent",
                                       "USB-C Cable",  "Doll House", "Shampoo",    "Headphones",
                                       "Water Bottle", "Game"};
    put_fmt(tmp, "%s %s %s", rng_pick(r, T_ADJ, T_ADJ_LEN), rng_pick(r, T_NOUN, T_NOUN_LEN), PICK(r, KIND));
    if (rng_chance(r, 0.2))
        put_fmt(tmp, ", %u-Pack", 2 + (unsigned)rng_below(r, 10));
    if (rng_chance(r, 0.15))
        puts_(tmp, " - Kid's Edition");
    if (rng_chance(r, 0.05))
        puts_(tmp, " (12\" Tall)");
    if (rng_chance(r, 0.05))
        puts_(tmp, " Café Série");
    putc_(tmp, 0);
}

/* The first 2018 meta titles, as JSON strings: what Magazine_Subscriptions and others hold — a
 * title wrapped in a <span> (with a script after it), HTML entities, and an entity escaped twice
 * (which "clean": "html" decodes once only: "&amp;amp;" is "&amp;"). */
static const char *const TITLE_TRAPS_2018[] = {
    "\"<span class=\\\"a-size-medium a-color-secondary a-text-normal\\\">  Kolya's\\n  Weekly </span>"
    "<script>var t = \\\"<b>x</b>\\\";</script>\"",
    "\"Caf&eacute; &#8211; Tea &#x26; Co &quot;Best&quot;&nbsp;Edition &#39;24 &apos;n&apos; &lt;More&gt;\"",
    "\"Tom &amp;amp; Jerry &lt;3 &bogus; & A<B\"",
};

/* Metadata, one product per line: 2014 Python literals, 2018 and 2023 JSON. */
static void gen_amazon_meta(sink *o, const amz_opts *op)
{
    sink tmp, tmp2;
    uint64_t line = 0;
    sink_mem(&tmp);
    sink_mem(&tmp2);
    if (op->year == 2014 && op->lines > 0) {
        puts_(o, FIRST_META_2014[0]);
        putc_(o, '\n');
        line = 1;
    }
    for (uint32_t k = 0; line < op->lines; k = (k + 1) % op->nitems) {
        rng_t r = rng_for(op->seed, "meta", line);
        char asin[16];
        asin_for(op->seed, k, op->nitems, asin);
        make_product_title(&r, &tmp);
        if (op->year == 2014) {
            put_fmt(o, "{'asin': '%s', ", asin);
            if (rng_chance(&r, 0.8)) {
                tmp2.len = 0;
                gen_text(&r, &tmp2, text_len(&r, 250), 1);
                if (rng_chance(&r, 0.3))
                    puts_(&tmp2, " Don't miss it.");
                putc_(&tmp2, 0);
                puts_(o, "'description': ");
                put_py(o, tmp2.p);
                puts_(o, ", ");
            }
            puts_(o, "'title': ");
            put_py(o, tmp.p);
            if (rng_chance(&r, 0.7))
                put_fmt(o, ", 'price': %u.%02u", 1 + (unsigned)rng_below(&r, 200),
                        (unsigned)rng_below(&r, 100));
            put_fmt(o, ", 'imUrl': 'http://ecx.images-amazon.com/images/I/%u%%2BzYCQWSL._SX300_.jpg'",
                    (unsigned)rng_below(&r, 100000));
            if (rng_chance(&r, 0.7)) {
                static const char *const REL[] = {"also_bought", "also_viewed", "bought_together",
                                                  "buy_after_viewing"};
                int first = 1;
                puts_(o, ", 'related': {");
                for (size_t i = 0; i < ARRAY_LEN(REL); i++) {
                    if (!rng_chance(&r, 0.6))
                        continue;
                    put_fmt(o, "%s'%s': ", first ? "" : ", ", REL[i]);
                    put_asin_list_py(o, &r, op, 1 + (int)rng_below(&r, 6));
                    first = 0;
                }
                putc_(o, '}');
            }
            size_t cat = (size_t)rng_below(&r, ARRAY_LEN(CATEGORY_PATHS));
            if (rng_chance(&r, 0.85))
                put_fmt(o, ", 'salesRank': {'%s': %u}", CATEGORY_PATHS[cat][0],
                        1 + (unsigned)rng_below(&r, 900000));
            if (rng_chance(&r, 0.4)) {
                puts_(o, ", 'brand': ");
                put_py(o, rng_chance(&r, 0.2) ? "L'Oreal Paris" : PICK(&r, LAST));
            }
            puts_(o, ", 'categories': [[");
            for (int i = 0; i < 4 && CATEGORY_PATHS[cat][i]; i++) {
                if (i)
                    puts_(o, ", ");
                put_py(o, CATEGORY_PATHS[cat][i]);
            }
            puts_(o, "]]}\n");
            line++;
        } else if (op->year == 2018) {
            size_t cat = (size_t)rng_below(&r, ARRAY_LEN(CATEGORY_PATHS));
            int dup = rng_chance(&r, 0.01) && line + 1 < op->lines;
            size_t mark = o->len;
            puts_(o, "{\"category\": [");
            for (int i = 0; i < 4 && CATEGORY_PATHS[cat][i]; i++) {
                if (i)
                    puts_(o, ", ");
                /* Upstream keeps HTML entities in the text. */
                const char *c = CATEGORY_PATHS[cat][i];
                const char *amp = strchr(c, '&');
                if (amp)
                    put_fmt(o, "\"%.*s&amp;%s\"", (int)(amp - c), c, amp + 1);
                else
                    put_json(o, c, 0);
            }
            puts_(o, "], \"tech1\": \"\", \"description\": [");
            put_text_json(o, &r, &tmp2, text_len(&r, 200), 0, 1);
            puts_(o, "], \"fit\": \"\", \"title\": ");
            if (line < ARRAY_LEN(TITLE_TRAPS_2018))
                puts_(o, TITLE_TRAPS_2018[line]); /* upstream's HTML titles (datasets.md) */
            else
                put_json(o, tmp.p, 0);
            puts_(o, ", \"also_buy\": ");
            put_asin_list_json(o, &r, op->seed, op->nitems, (int)rng_below(&r, 5));
            put_fmt(o, ", \"tech2\": \"\", \"brand\": \"%s\", \"feature\": [", PICK(&r, LAST));
            put_text_json(o, &r, &tmp2, 40, 0, 1);
            puts_(o, "], \"rank\": ");
            unsigned rank = 1 + (unsigned)rng_below(&r, 3000000);
            if (rng_chance(&r, 0.5))
                put_fmt(o, "\">#%u,%03u in Toys &amp; Games (See Top 100 in Toys &amp; Games)\"", rank / 1000,
                        rank % 1000);
            else
                put_fmt(o,
                        "[\">#%u in Video Games (See Top 100 in Video Games)\", \">#%u in Video Games &gt; "
                        "PC\"]",
                        rank, rank / 7 + 1);
            puts_(o, ", \"also_view\": ");
            put_asin_list_json(o, &r, op->seed, op->nitems, (int)rng_below(&r, 5));
            put_fmt(o, ", \"main_cat\": \"%s\", \"similar_item\": \"\", \"date\": \"%s %u, %u\", \"price\": ",
                    rng_chance(&r, 0.5) ? "Toys &amp; Games" : "Video Games", MONTHS[rng_below(&r, 12)],
                    1 + (unsigned)rng_below(&r, 28), 2000 + (unsigned)rng_below(&r, 19));
            if (rng_chance(&r, 0.6))
                put_fmt(o, "\"$%u.%02u\"", 1 + (unsigned)rng_below(&r, 200), (unsigned)rng_below(&r, 100));
            else
                puts_(o, "\"\"");
            put_fmt(o, ", \"asin\": \"%s\", \"imageURL\": [], \"imageURLHighRes\": []}\n", asin);
            line++;
            if (dup) {
                /* Duplicate record for the same asin, as upstream has. */
                size_t n = o->len - mark;
                char *copy = xmalloc(n);
                memcpy(copy, o->p + mark, n);
                put(o, copy, n);
                free(copy);
                line++;
            }
        } else {
            puts_(o, "{\"main_category\": \"All Beauty\", \"title\": ");
            put_json(o, tmp.p, rng_chance(&r, 0.2) ? JS_ASCII : 0);
            put_fmt(o, ", \"average_rating\": %u.%u, \"rating_number\": %u, \"features\": [",
                    1 + (unsigned)rng_below(&r, 4), (unsigned)rng_below(&r, 10),
                    1 + (unsigned)rng_below(&r, 5000));
            if (rng_chance(&r, 0.6))
                put_text_json(o, &r, &tmp2, 60, 0, 1);
            puts_(o, "], \"description\": [");
            if (rng_chance(&r, 0.5))
                put_text_json(o, &r, &tmp2, text_len(&r, 200), 0, 1);
            puts_(o, "], \"price\": ");
            if (rng_chance(&r, 0.5))
                put_fmt(o, "%u.%02u", 1 + (unsigned)rng_below(&r, 200), (unsigned)rng_below(&r, 100));
            else
                puts_(o, "null");
            put_fmt(
                o,
                ", \"images\": [{\"thumb\": \"https://m.media-amazon.com/images/I/41qfjSfqNyL._SS40_.jpg\", "
                "\"large\": \"https://m.media-amazon.com/images/I/41qfjSfqNyL.jpg\", \"variant\": \"MAIN\", "
                "\"hi_res\": null}], \"videos\": [], \"store\": \"%s\", \"categories\": [], \"details\": "
                "{\"Package Dimensions\": \"7.1 x 5.5 x 3 inches; 2.38 Pounds\"}, \"parent_asin\": \"",
                PICK(&r, LAST));
            char parent[16];
            parent_asin_for(op->seed, k, op->nitems, parent);
            put_fmt(o, "%s\", \"bought_together\": null}\n", parent);
            line++;
        }
    }
    sink_free(&tmp);
    sink_free(&tmp2);
}

/* ---------------------------------------------------------------------------------------------
 * Entry point (gen.h)
 */

int gen_amazon_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen amazon 2014|2018|2023 reviews|meta|ratings [options]");
    amz_opts op;
    op.seed = a->seed;
    op.year = (int)parse_u64("year", a->pos[1]);
    if (op.year != 2014 && op.year != 2018 && op.year != 2023)
        die("unknown Amazon release '%s' (2014, 2018, 2023)", a->pos[1]);
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 2000;
    if (op.lines > 4000000000ULL)
        die("--lines too large");
    op.nusers = u32_arg(a->users, op.lines / 4 > 10 ? (uint32_t)(op.lines / 4) : 10, "--users");
    op.nitems = u32_arg(a->items, op.lines / 8 > 10 ? (uint32_t)(op.lines / 8) : 10, "--items");
    FILE *f = open_out(a);
    sink o;
    sink_file(&o, f, a->gzip);
    if (!strcmp(a->pos[2], "reviews"))
        gen_amazon_by_item(&o, &op, 0);
    else if (!strcmp(a->pos[2], "ratings") && op.year != 2023)
        gen_amazon_by_item(&o, &op, 1);
    else if (!strcmp(a->pos[2], "ratings"))
        gen_amazon_2023_ratings(&o, &op);
    else if (!strcmp(a->pos[2], "meta"))
        gen_amazon_meta(&o, &op);
    else
        die("unknown Amazon file kind '%s' (reviews, meta, ratings)", a->pos[2]);
    sink_close(&o);
    close_out(a, f);
    return 0;
}
