/*
 * gen_mind.c — the MIND family of l4r-gen: `mind small|large train|dev|test OUTDIR` writes
 * OUTDIR/MIND<size>_<split>.zip shaped like a Microsoft News Dataset download: a flat zip (no
 * folder) holding behaviors.tsv, news.tsv, entity_embedding.vec and relation_embedding.vec.
 *
 * behaviors.tsv: no header, five TAB-separated columns: impression id, user id (U...), the time as
 * "M/D/YYYY H:MM:SS AM" (month, day and hour not zero-padded; 12 AM is midnight, 12 PM noon), the
 * history (clicked news ids, space-separated, possibly empty) and the impressions ("N123-1 N45-0":
 * news id, '-', 1 for a click and 0 for none, in shuffled order; the test split has no labels, only
 * the ids).  A user's history is the same string on every impression of that user, as the clicks
 * before the logged period.  Rows are not in time order.  news.tsv: no header, eight TAB-separated
 * columns (id, category, subcategory, title, abstract, URL, title entities, abstract entities as
 * JSON arrays, "[]" when none); titles hold '"' (balanced or not) and non-ASCII UTF-8, abstracts
 * may be empty.  The .vec files: an entity (Q...) or relation (P...) id, then 100 TAB-separated
 * numbers per line.
 *
 * How: --lines impressions (the real row of datasets.md first, verbatim; in the test split without
 * its labels, since test has none), users drawn Zipf-like from --users (the real user first, with
 * the real history), news from a Zipf sampler over --items (the real news line first, then a row
 * for each news id the real behaviour row names).  Rows 2 to 8 carry the clock's edge cases: 12:xx
 * AM, 12:xx PM, exactly midnight and noon, 11:59:59 AM and PM, 1 PM.  Every choice comes from
 * rng_for streams keyed by the split, so each zip is reproducible on its own.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* datasets.md §10: the real behaviors.tsv row and news.tsv line. */
static const char MD_BEHAVIOR_ID[] = "91";
static const char MD_USER[] = "U397059";
static const char MD_TIME[] = "11/15/2019 10:22:32 AM";
static const char MD_HISTORY[] = "N106403 N71977 N97080 N102132 N97212 N121652";
static const char MD_IMPRESSIONS[] = "N129416-0 N26703-1 N120089-1 N53018-0 N89764-0 N91737-0 N29160-0";
static const char MD_NEWS[] =
    "N37378\tsports\tgolf\tPGA Tour winners\tA gallery of recent winners on the PGA Tour.\t"
    "https://www.msn.com/en-us/sports/golf/pga-tour-winners/ss-AAjnQjj?ocid=chopendata\t"
    "[{\"Label\": \"PGA Tour\", \"Type\": \"O\", \"WikidataId\": \"Q910409\", \"Confidence\": 1.0, "
    "\"OccurrenceOffsets\": [0], \"SurfaceForms\": [\"PGA Tour\"]}]\t"
    "[{\"Label\": \"PGA Tour\", \"Type\": \"O\", \"WikidataId\": \"Q910409\", \"Confidence\": 1.0, "
    "\"OccurrenceOffsets\": [35], \"SurfaceForms\": [\"PGA Tour\"]}]";
/* News 0 is the real line's N37378; news 1..13 the ids of the real behaviour row. */
static const uint32_t MD_NEWS_NUM[] = {37378,  106403, 71977,  97080, 102132, 97212, 121652,
                                       129416, 26703,  120089, 53018, 89764,  91737, 29160};
#define MD_FIXED_NEWS ARRAY_LEN(MD_NEWS_NUM)
#define MD_USER_NUM 397059U
/* The zips' member times: 2019-11-26, after the logged weeks. */
#define MD_MTIME 1574726400

static const char *const MD_CATS[][4] = {
    {"sports", "golf", "football_nfl", "basketball_nba"},
    {"news", "newsus", "newsworld", "newspolitics"},
    {"lifestyle", "lifestyleroyals", "lifestylebuzz", "shop-holidays"},
    {"finance", "finance-companies", "markets", "personalfinance"},
    {"foodanddrink", "recipes", "restaurantsandnews", "foodnews"},
    {"weather", "weathertopstories", "weathernews", "weatherfullscreenmaps"},
    {"travel", "travelnews", "traveltripideas", "travelarticle"},
    {"health", "wellness", "medical", "nutrition"},
    {"autos", "autosenthusiasts", "autosnews", "autosclassics"},
    {"entertainment", "celebrity", "movienews", "tv-celebrity"},
};
static const char *const MD_ENT_LABEL[] = {"United States", "National Football League",
                                           "Donald Trump",  "New York City",
                                           "Thanksgiving",  "Walmart",
                                           "Chicago Bears", "Beyoncé",
                                           "Los Angeles"};
static const char *const MD_RELATIONS[] = {"P31", "P17", "P131", "P279", "P361", "P106", "P27", "P54"};

/* The number after 'N' of news k: the fixed ids first, then 1 + 13k moved off any fixed id. */
static uint32_t md_news_num(uint32_t k)
{
    if (k < MD_FIXED_NEWS)
        return MD_NEWS_NUM[k];
    uint32_t v = 1 + 13 * k;
    for (;;) {
        int clash = 0;
        for (size_t i = 0; i < MD_FIXED_NEWS; i++)
            clash |= MD_NEWS_NUM[i] == v;
        if (!clash)
            return v;
        v++; /* the next generated id is 13 further: no new clash with it */
    }
}

static uint32_t md_user_num(uint32_t u)
{
    if (u == 0)
        return MD_USER_NUM;
    uint32_t v = 1 + 7 * u;
    return v == MD_USER_NUM ? v + 1 : v;
}

static uint32_t md_entity_num(uint32_t e)
{
    return 30 + 1009 * e;
}

/* "M/D/YYYY H:MM:SS AM": t seconds after the epoch, UTC. */
static void put_mdy(sink *o, int64_t t)
{
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    unsigned s = (unsigned)(t % 86400), h = s / 3600;
    put_fmt(o, "%u/%u/%d %u:%02u:%02u %s", m, d, y, h % 12 == 0 ? 12 : h % 12, s / 60 % 60, s % 60,
            h < 12 ? "AM" : "PM");
}

/* A few words of a headline or abstract; quotes balanced or not, the odd non-ASCII letter. */
static void put_words(sink *o, rng_t *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (i)
            putc_(o, ' ');
        const char *w = (i % 2) ? rng_pick(r, T_NOUN, T_NOUN_LEN) : rng_pick(r, T_ADJ, T_ADJ_LEN);
        double u = rng_u01(r);
        if (u < 0.05)
            put_fmt(o, "\"%s\"", w);
        else if (u < 0.08)
            put_fmt(o, "%s’s", w);
        else if (u < 0.10)
            put_fmt(o, "café %s", w);
        else
            puts_(o, w);
    }
}

static void put_title(sink *o, rng_t *r)
{
    double u = rng_u01(r);
    if (u < 0.15) {
        puts_(o, "\"");
        put_words(o, r, 2 + (unsigned)rng_below(r, 3));
        puts_(o, "\" and ");
        put_words(o, r, 2);
    } else if (u < 0.22) {
        puts_(o, "Why \"");
        put_words(o, r, 3); /* the quote is never closed */
    } else if (u < 0.30) {
        put_words(o, r, 3);
        puts_(o, ": 12 things to know");
    } else {
        put_words(o, r, 3 + (unsigned)rng_below(r, 6));
    }
}

/* A JSON array of 0 to 2 entity objects, the shape of news.tsv's entity columns. */
static void put_entities(sink *o, rng_t *r, uint32_t nent)
{
    unsigned n = rng_chance(r, 0.4) ? 0 : 1 + (unsigned)rng_below(r, 2);
    putc_(o, '[');
    for (unsigned i = 0; i < n; i++) {
        uint32_t e = (uint32_t)rng_below(r, nent);
        const char *label = MD_ENT_LABEL[e % ARRAY_LEN(MD_ENT_LABEL)];
        if (i)
            puts_(o, ", ");
        puts_(o, "{\"Label\": ");
        put_json(o, label, 0);
        put_fmt(o, ", \"Type\": \"%c\", \"WikidataId\": \"Q%u\", \"Confidence\": %.3f, ", "OPGL"[e % 4],
                md_entity_num(e), 0.5 + rng_u01(r) / 2);
        put_fmt(o, "\"OccurrenceOffsets\": [%u], \"SurfaceForms\": [", (unsigned)rng_below(r, 60));
        put_json(o, label, 0);
        puts_(o, "]}");
    }
    putc_(o, ']');
}

static void put_vec(sink *o, rng_t *r)
{
    for (int i = 0; i < 100; i++)
        put_fmt(o, "\t%.6f", rng_u01(r) * 0.6 - 0.3);
    putc_(o, '\n');
}

static int has(const uint32_t *v, unsigned n, uint32_t x)
{
    for (unsigned i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

/* n distinct news indices drawn from pop into out; n is capped at half the news. */
static unsigned draw_distinct(const sampler *pop, rng_t *r, unsigned n, uint32_t *out)
{
    if (n > pop->n / 2)
        n = pop->n / 2;
    for (unsigned i = 0; i < n; i++) {
        uint32_t k;
        do
            k = sampler_draw(pop, r);
        while (has(out, i, k));
        out[i] = k;
    }
    return n;
}

int gen_mind_main(const args *a)
{
    if (a->npos != 4)
        die("usage: l4r-gen mind small|large train|dev|test OUTDIR [--lines N] [--users N] [--items N] "
            "[--seed S]");
    const char *size = a->pos[1], *split = a->pos[2], *dir = a->pos[3];
    int large, sp; /* sp: 0 train, 1 dev, 2 test */
    if (!strcmp(size, "small"))
        large = 0;
    else if (!strcmp(size, "large"))
        large = 1;
    else
        die("unknown MIND size '%s' (small, large)", size);
    if (!strcmp(split, "train"))
        sp = 0;
    else if (!strcmp(split, "dev"))
        sp = 1;
    else if (!strcmp(split, "test"))
        sp = 2;
    else
        die("unknown MIND split '%s' (train, dev, test)", split);
    if (sp == 2 && !large)
        die("MIND-small has no test split (only MINDlarge_test.zip exists)");
    uint64_t seed = a->seed ^ mix64(0x4d494e44ULL + (uint64_t)(large * 3 + sp));
    uint32_t lines = u32_arg(a->lines, 2000, "--lines");
    uint32_t nusers = u32_arg(a->users, 300, "--users");
    uint32_t nitems = u32_arg(a->items, 1200, "--items");
    if (nitems < 40)
        die("--items %u is too few (at least 40)", nitems);
    if (lines < 10)
        die("--lines %u is too few (at least 10: the real row and the clock's edge cases)", lines);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    /* train: the first six days of week 5 (Nov 9-14 2019), dev: its last day, test: week 6 */
    int64_t day0 = days_from_civil(2019, 11, sp == 0 ? 9 : sp == 1 ? 15 : 16) * 86400;
    int64_t ndays = sp == 0 ? 6 : sp == 1 ? 1 : 7;
    const uint32_t nent = 40;

    sampler upop, npop;
    rng_t pr = rng_for(seed, "mind-upop", 0);
    sampler_zipf(&upop, nusers, 0.8, 3.0, &pr);
    pr = rng_for(seed, "mind-npop", 0);
    sampler_zipf(&npop, nitems, 0.9, 4.0, &pr);

    /* Each user's history, one string repeated on every impression of that user. */
    sink *hist = xcalloc(nusers, sizeof(sink));
    uint32_t pick[200];
    for (uint32_t u = 0; u < nusers; u++) {
        sink_mem(&hist[u]);
        if (u == 0) {
            puts_(&hist[u], MD_HISTORY);
            continue;
        }
        rng_t r = rng_for(seed, "mind-history", u);
        unsigned n = rng_chance(&r, 0.15) ? 0 : 1 + (unsigned)rng_below(&r, rng_chance(&r, 0.2) ? 60 : 12);
        n = draw_distinct(&npop, &r, n, pick);
        for (unsigned i = 0; i < n; i++)
            put_fmt(&hist[u], "%sN%u", i ? " " : "", md_news_num(pick[i]));
    }

    zipw z;
    char path[4096];
    snprintf(path, sizeof(path), "%s/MIND%s_%s.zip", dir, size, split);
    zip_open(&z, path, NULL, MD_MTIME);
    sink o;
    sink_mem(&o);

    /* behaviors.tsv */
    put_fmt(&o, "%s\t%s\t%s\t%s\t", MD_BEHAVIOR_ID, MD_USER, MD_TIME, MD_HISTORY);
    if (sp == 2) { /* the real row without its labels: the test split has none */
        for (const char *p = MD_IMPRESSIONS; *p; p++) {
            if (*p == '-')
                p++; /* skip "-0" / "-1" */
            else
                putc_(&o, *p);
        }
    } else {
        puts_(&o, MD_IMPRESSIONS);
    }
    putc_(&o, '\n');
    /* the clock's edge cases, as seconds after midnight, on rows 2.. */
    static const int32_t EDGE[] = {5 * 60 + 9, 12 * 3600 + 41 * 60 + 3, 0, 12 * 3600, 43199, 86399,
                                   13 * 3600};
    for (uint32_t i = 1; i < lines; i++) {
        rng_t r = rng_for(seed, "mind-row", i);
        uint32_t u = (i % 97 == 3) ? 0 : sampler_draw(&upop, &r);
        int64_t t = day0 + (int64_t)rng_below(&r, (uint64_t)ndays) * 86400;
        t += i - 1 < ARRAY_LEN(EDGE) ? EDGE[i - 1] : (int64_t)rng_below(&r, 86400);
        put_u64(&o, i < 91 ? i : i + 1); /* ids count up; 91 is the real row's */
        put_fmt(&o, "\tU%u\t", md_user_num(u));
        put_mdy(&o, t);
        putc_(&o, '\t');
        put(&o, hist[u].p, hist[u].len);
        putc_(&o, '\t');
        unsigned n = 2 + (unsigned)rng_below(&r, rng_chance(&r, 0.1) ? 120 : 14);
        unsigned clicks = 1 + (rng_chance(&r, 0.3) ? (unsigned)rng_below(&r, 3) : 0);
        n = draw_distinct(&npop, &r, n, pick);
        if (clicks >= n)
            clicks = n - 1;
        /* the clicked ones sit at random places: positions 0..clicks-1 of a shuffled order */
        uint32_t lab[200];
        for (unsigned k = 0; k < n; k++)
            lab[k] = k < clicks;
        for (unsigned k = n; k > 1; k--) {
            unsigned j = (unsigned)rng_below(&r, k);
            uint32_t x = lab[k - 1];
            lab[k - 1] = lab[j];
            lab[j] = x;
        }
        for (unsigned k = 0; k < n; k++) {
            put_fmt(&o, "%sN%u", k ? " " : "", md_news_num(pick[k]));
            if (sp != 2)
                put_fmt(&o, "-%u", lab[k]);
        }
        putc_(&o, '\n');
    }
    zip_add(&z, "behaviors.tsv", &o);

    /* entity_embedding.vec: the real line's Q910409, then every generated entity */
    rng_t vr = rng_for(seed, "mind-vec", 0);
    puts_(&o, "Q910409");
    put_vec(&o, &vr);
    for (uint32_t e = 0; e < nent; e++) {
        put_fmt(&o, "Q%u", md_entity_num(e));
        put_vec(&o, &vr);
    }
    zip_add(&z, "entity_embedding.vec", &o);

    /* news.tsv */
    puts_(&o, MD_NEWS);
    putc_(&o, '\n');
    for (uint32_t k = 1; k < nitems; k++) {
        rng_t r = rng_for(seed, "mind-news", k);
        const char *const *c = MD_CATS[rng_below(&r, ARRAY_LEN(MD_CATS))];
        const char *sub = c[1 + rng_below(&r, 3)];
        put_fmt(&o, "N%u\t%s\t%s\t", md_news_num(k), c[0], sub);
        put_title(&o, &r);
        putc_(&o, '\t');
        if (!rng_chance(&r, 0.1)) { /* an empty abstract otherwise */
            put_words(&o, &r, 6 + (unsigned)rng_below(&r, 20));
            putc_(&o, '.');
        }
        put_fmt(&o, "\thttps://assets.msn.com/labs/mind/AA%c%c%u.html\t", 'A' + (int)rng_below(&r, 26),
                'A' + (int)rng_below(&r, 26), 1000 + k);
        put_entities(&o, &r, nent);
        putc_(&o, '\t');
        put_entities(&o, &r, nent);
        putc_(&o, '\n');
    }
    zip_add(&z, "news.tsv", &o);

    for (size_t i = 0; i < ARRAY_LEN(MD_RELATIONS); i++) {
        puts_(&o, MD_RELATIONS[i]);
        put_vec(&o, &vr);
    }
    zip_add(&z, "relation_embedding.vec", &o);
    zip_close(&z);

    sink_free(&o);
    for (uint32_t u = 0; u < nusers; u++)
        sink_free(&hist[u]);
    free(hist);
    free(upop.cdf);
    free(npop.cdf);
    return 0;
}
