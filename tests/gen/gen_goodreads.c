/*
 * gen_goodreads.c — the Goodreads family of l4r-gen (UCSD Book Graph, Wan & McAuley): one made-up
 * world of users, books and shelvings, written in the shape of the file set asked for into OUTDIR:
 *
 *   csv     goodreads_interactions.csv ("user_id,book_id,is_read,rating,is_reviewed", integers),
 *           user_id_map.csv ("user_id_csv,user_id") and book_id_map.csv ("book_id_csv,book_id");
 *   dedup   goodreads_interactions_dedup.json.gz (one JSON object per line: user_id, book_id,
 *           review_id, is_read, rating, review_text_incomplete, date_added, date_updated, read_at,
 *           started_at), goodreads_books.json.gz and goodreads_book_authors.json.gz;
 *   GENRE   (children, comics_graphic, ..., young_adult) goodreads_interactions_GENRE.json.gz and
 *           goodreads_books_GENRE.json.gz: the shelvings of the genre's books and those books.
 *
 * How: every user and book draws from its own rng stream, so the three kinds describe the same
 * world: the CSV holds the JSON's rows in the same order, with the CSV's integer ids (users numbered
 * 0.., books in order of first appearance, then the books nobody shelved), and a genre file is the
 * complete file restricted to that genre's books.  Per-user counts are Pareto-apportioned so that
 * --lines is exact; a user's books are distinct (the files are deduplicated) and listed newest
 * date_added first, now and then two in the same second.  Dates are written like Goodreads'
 * ("Sun Jul 30 07:44:10 -0700 2017": the local time at a Pacific offset, -0700 in summer, -0800 in
 * winter, the day zero-padded); a few carry other offsets, positive ones included, and a few
 * date_added are empty, to exercise the converter's rules; read_at and started_at are often empty.
 * Ratings are 0 (shelved, not rated) to 5.  JSON is written as Python's json.dumps writes it (", "
 * and ": ", non-ASCII as \uXXXX, surrogate pairs beyond the BMP), book fields as strings, authors
 * as [{"author_id", "role"}] and popular_shelves as [{"count", "name"}].  The first row is user 0's
 * newest, shelved at the date datasets.md quotes (Sun Jul 30 07:44:10 -0700 2017); the CSV and map
 * headers are the ones it quotes.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const GR_GENRES[] = {
    "children", "comics_graphic", "fantasy_paranormal", "history_biography", "mystery_thriller_crime",
    "poetry",   "romance",        "young_adult"};
#define GR_NGENRES 8

/* datasets.md §17.3: the date format, with its example as the first row's date_added. */
#define GR_FIRST_ADDED 1501425850 /* Sun Jul 30 07:44:10 -0700 2017 */
#define GR_T0 1167609600          /* 2007-01-01 */
#define GR_T1 1509494400          /* 2017-11-01, the crawl */

static const char *const GR_WEEKDAYS[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
/* Offsets (minutes) that are not Pacific, the positive ones included. */
static const int GR_ODD_OFFSETS[] = {0, 60, 330, 600, -300, 545, -210};
static const char *const GR_SHELVES[] = {
    "to-read",  "currently-reading", "favorites", "fiction",     "owned",          "poetry",
    "fantasy",  "romance",           "classics",  "books-i-own", "kindle",         "young-adult",
    "mystery",  "history",           "biography", "comics",      "graphic-novels", "children-s",
    "library",  "2017-reads",        "default",   "ya",          "paranormal",     "crime",
    "thriller", "non-fiction"};
static const char *const GR_ROLES[] = {"", "", "", "", "Illustrator", "Translator", "Editor", "Photographs"};
static const char *const GR_FORMATS[] = {"Paperback", "Hardcover", "Kindle Edition",
                                         "ebook",     "",          "Mass Market Paperback"};
static const char *const GR_LANGS[] = {"eng", "", "", "en-US", "en-GB", "spa", "fre", "ger", "ita", "jpn"};
static const char *const GR_NAMES[] = {"Anna", "José",    "Zoë",   "Li",   "Mary",      "Jean-Luc",
                                       "Ōta",  "Maurice", "Nnedi", "Tove", "Chimamanda"};
static const char *const GR_SURNAMES[] = {"Smith",  "Müller", "García", "O'Brien", "Okafor", "Nakamura",
                                          "Larsen", "Dupont", "Brontë", "Jansson", "Sendak"};

typedef struct {
    uint64_t seed;
    uint64_t lines;
    uint32_t nusers, nbooks, nauthors;
} gr_opts;

/* One shelving: what one JSON line (and one CSV row) holds. */
typedef struct {
    uint32_t book;
    int64_t added, updated, read_at, started_at; /* -1: empty */
    int added_off, updated_off, read_off, started_off;
    int is_read, rating, reviewed, empty_added;
    uint64_t review_hash;
} gr_row;

/* Goodreads' ids of book k and author k: unique, ascending in k, spread as the real ones are. */
static uint64_t gr_book_id(uint64_t seed, uint32_t k)
{
    return 1 + (uint64_t)k * 97 + mix64(seed ^ (0xb00cULL << 32) ^ k) % 97;
}

static uint64_t gr_author_id(uint64_t seed, uint32_t k)
{
    return 3 + (uint64_t)k * 31 + mix64(seed ^ (0xa07ULL << 32) ^ k) % 31;
}

/* A book's genres as a bit set over GR_GENRES (one main genre, sometimes a second, now and then none). */
static unsigned gr_genres(uint64_t seed, uint32_t k)
{
    rng_t r = rng_for(seed, "gr-genre", k);
    if (rng_chance(&r, 0.08))
        return 0;
    unsigned g = 1u << rng_below(&r, GR_NGENRES);
    if (rng_chance(&r, 0.3))
        g |= 1u << rng_below(&r, GR_NGENRES);
    return g;
}

static void put_hex32(sink *o, uint64_t h)
{
    put_fmt(o, "%016" PRIx64 "%016" PRIx64, mix64(h), mix64(h ^ 0x5bd1e995ULL));
}

/* The offset a Goodreads date of UTC time t gets: Pacific, -0700 from April to October (a plain
 * approximation of daylight saving time), -0800 otherwise; one date in a hundred gets one of
 * GR_ODD_OFFSETS instead. */
static int gr_offset(int64_t t, rng_t *r)
{
    if (rng_chance(r, 0.01))
        return GR_ODD_OFFSETS[rng_below(r, ARRAY_LEN(GR_ODD_OFFSETS))];
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    return m >= 4 && m <= 10 ? -420 : -480;
}

/* "Sun Jul 30 07:44:10 -0700 2017": the local time at offset off (minutes east of UTC). */
static void put_ctime(sink *o, int64_t t, int off)
{
    int64_t l = t + (int64_t)off * 60;
    int64_t days = l / 86400, s = l % 86400;
    if (s < 0) {
        s += 86400;
        days--;
    }
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t wd = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    if (wd < 0)
        wd += 7;
    int a = off < 0 ? -off : off;
    put_fmt(o, "%s %s %02u %02u:%02u:%02u %c%02d%02d %04d", GR_WEEKDAYS[wd], MONTHS[m - 1], d,
            (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60), off < 0 ? '-' : '+', a / 60,
            a % 60, y);
}

static void put_date_field(sink *o, const char *key, int64_t t, int off, int first)
{
    puts_(o, first ? "\"" : ", \"");
    puts_(o, key);
    puts_(o, "\": \"");
    if (t >= 0)
        put_ctime(o, t, off);
    putc_(o, '"');
}

/* The shelvings of user u, newest date_added first; returns how many (into *rows, grown as needed). */
static uint32_t gr_user_rows(const gr_opts *op, const sampler *pop, uint32_t u, uint32_t n, gr_row **rows,
                             uint32_t *cap)
{
    if (n > *cap) {
        *cap = n;
        *rows = xrealloc(*rows, sizeof(gr_row) * n);
    }
    gr_row *w = *rows;
    rng_t r = rng_for(op->seed, "gr-user", u);
    int64_t t = u == 0 ? GR_FIRST_ADDED : GR_T1 - (int64_t)rng_below(&r, 200 * 86400);
    int64_t span = 30 * 86400 + (int64_t)rng_below(&r, 5 * 365 * 86400);
    int64_t mean_gap = span / (n + 1) + 1;
    for (uint32_t i = 0; i < n; i++) {
        gr_row *x = &w[i];
        /* a distinct book: redraw a few times, then walk to the next one not taken */
        uint32_t b = sampler_draw(pop, &r);
        for (int tries = 0;; tries++) {
            int dup = 0;
            for (uint32_t j = 0; j < i && !dup; j++)
                dup = w[j].book == b;
            if (!dup)
                break;
            b = tries < 8 ? sampler_draw(pop, &r) : (b + 1) % op->nbooks;
        }
        x->book = b;
        if (i > 0) {
            int64_t gap = rng_chance(&r, 0.04) ? 0 : 1 + (int64_t)(rng_u01(&r) * 2.0 * (double)mean_gap);
            if (t - gap > GR_T0)
                t -= gap;
        }
        x->added = t;
        x->added_off = u == 0 && i == 0 ? -420 : gr_offset(t, &r);
        x->empty_added = !(u == 0 && i == 0) && rng_chance(&r, 0.004);
        int64_t room = GR_T1 - t < 400 * 86400 ? GR_T1 - t : 400 * 86400;
        x->updated = t + (rng_chance(&r, 0.3) || room <= 0 ? 0 : (int64_t)rng_below(&r, (uint64_t)room));
        x->updated_off = gr_offset(x->updated, &r);
        x->is_read = rng_chance(&r, 0.55);
        x->read_at = x->started_at = -1;
        if (x->is_read && rng_chance(&r, 0.7)) {
            x->read_at = t - 3 * 365 * 86400 + (int64_t)rng_below(&r, 3 * 365 * 86400 + 90 * 86400);
            x->read_off = gr_offset(x->read_at, &r);
            if (rng_chance(&r, 0.5)) {
                x->started_at = x->read_at - (int64_t)rng_below(&r, 60 * 86400);
                x->started_off = gr_offset(x->started_at, &r);
            }
        }
        if (x->is_read)
            x->rating = rng_chance(&r, 0.25) ? 0 : 1 + (int)rng_below(&r, 5);
        else
            x->rating = rng_chance(&r, 0.96) ? 0 : 1 + (int)rng_below(&r, 5);
        x->reviewed = rng_chance(&r, 0.08);
        x->review_hash = mix64(op->seed ^ ((uint64_t)u << 32) ^ i ^ 0x7e71e3ULL);
    }
    return n;
}

static void put_interaction_json(sink *o, const gr_opts *op, uint32_t u, const gr_row *x, sink *tmp)
{
    puts_(o, "{\"user_id\": \"");
    put_hex32(o, op->seed ^ 0x05e7ULL ^ ((uint64_t)u << 20));
    puts_(o, "\", \"book_id\": \"");
    put_u64(o, gr_book_id(op->seed, x->book));
    puts_(o, "\", \"review_id\": \"");
    put_hex32(o, x->review_hash);
    puts_(o, x->is_read ? "\", \"is_read\": true, \"rating\": " : "\", \"is_read\": false, \"rating\": ");
    put_u64(o, (uint64_t)x->rating);
    puts_(o, ", \"review_text_incomplete\": ");
    tmp->len = 0;
    if (x->reviewed) {
        rng_t r = rng_for(op->seed, "gr-review", x->review_hash);
        gen_text(&r, tmp, text_len(&r, 120), 1);
    }
    putc_(tmp, 0);
    put_json(o, tmp->p, JS_ASCII);
    puts_(o, ", ");
    put_date_field(o, "date_added", x->empty_added ? -1 : x->added, x->added_off, 1);
    put_date_field(o, "date_updated", x->updated, x->updated_off, 0);
    put_date_field(o, "read_at", x->read_at, x->read_off, 0);
    put_date_field(o, "started_at", x->started_at, x->started_off, 0);
    puts_(o, "}\n");
}

static void put_kv(sink *o, const char *key, const char *val, int first)
{
    puts_(o, first ? "\"" : ", \"");
    puts_(o, key);
    puts_(o, "\": ");
    put_json(o, val, JS_ASCII);
}

static void put_kv_u(sink *o, const char *key, uint64_t v)
{
    puts_(o, ", \"");
    puts_(o, key);
    puts_(o, "\": \"");
    put_u64(o, v);
    putc_(o, '"');
}

/* One line of goodreads_books.json.gz (every value a string or a list, as upstream). */
static void put_book(sink *o, const gr_opts *op, uint32_t k, sink *tmp)
{
    rng_t r = rng_for(op->seed, "gr-book", k);
    uint64_t id = gr_book_id(op->seed, k);
    char isbn[16] = "";
    if (rng_chance(&r, 0.7))
        snprintf(isbn, sizeof(isbn), "%09" PRIu64 "%c", (uint64_t)(mix64(id) % 1000000000u),
                 rng_chance(&r, 0.1) ? 'X' : '7');
    put_kv(o, "isbn", isbn, 1);
    put_kv_u(o, "text_reviews_count", rng_below(&r, 700));
    puts_(o, ", \"series\": [");
    if (rng_chance(&r, 0.2)) {
        putc_(o, '"');
        put_u64(o, 100000 + rng_below(&r, 900000));
        putc_(o, '"');
    }
    puts_(o, "]");
    put_kv(o, "country_code", "US", 0);
    put_kv(o, "language_code", PICK(&r, GR_LANGS), 0);
    puts_(o, ", \"popular_shelves\": [");
    uint32_t ns = rng_chance(&r, 0.1) ? 0 : 1 + (uint32_t)rng_below(&r, 12);
    uint64_t cnt = 5 + rng_below(&r, 20000);
    unsigned used = 0;
    for (uint32_t s = 0, w = 0; s < ns; s++) {
        unsigned pick = (unsigned)rng_below(&r, ARRAY_LEN(GR_SHELVES));
        if (used & (1u << pick))
            continue;
        used |= 1u << pick;
        puts_(o, w++ ? ", {\"count\": \"" : "{\"count\": \"");
        put_u64(o, cnt);
        puts_(o, "\", \"name\": ");
        put_json(o, GR_SHELVES[pick], JS_ASCII);
        putc_(o, '}');
        cnt = cnt / 2 + 1; /* most used first */
    }
    puts_(o, "]");
    put_kv(o, "asin", "", 0);
    put_kv(o, "is_ebook", rng_chance(&r, 0.2) ? "true" : "false", 0);
    tmp->len = 0;
    put_fmt(tmp, "%u.%02u", 1 + (unsigned)rng_below(&r, 4), (unsigned)rng_below(&r, 100));
    putc_(tmp, 0);
    put_kv(o, "average_rating", tmp->p, 0);
    put_kv(o, "kindle_asin", "", 0);
    puts_(o, ", \"similar_books\": [");
    for (uint32_t s = 0, n = (uint32_t)rng_below(&r, 4); s < n; s++) {
        puts_(o, s ? ", \"" : "\"");
        put_u64(o, gr_book_id(op->seed, (uint32_t)rng_below(&r, op->nbooks)));
        putc_(o, '"');
    }
    puts_(o, "]");
    /* the description: prose with line breaks, now and then a TAB or an escaped quote; often empty */
    tmp->len = 0;
    if (!rng_chance(&r, 0.2)) {
        gen_text(&r, tmp, text_len(&r, 300), 1);
        if (rng_chance(&r, 0.1))
            puts_(tmp, "\tFrom the back cover: \"a classic\".");
    }
    putc_(tmp, 0);
    put_kv(o, "description", tmp->p, 0);
    put_kv(o, "format", PICK(&r, GR_FORMATS), 0);
    /* the title: words of the shared pools, with a series suffix or non-ASCII now and then */
    char title[256];
    const char *adj = rng_pick(&r, T_ADJ, T_ADJ_LEN), *noun = rng_pick(&r, T_NOUN, T_NOUN_LEN);
    double tu = rng_u01(&r);
    char bare[160];
    if (tu < 0.1)
        snprintf(bare, sizeof(bare), "Poèmes du %s %s", adj, noun);
    else if (tu < 0.15)
        snprintf(bare, sizeof(bare), "%s | %s: 日本語の%s", adj, noun, noun);
    else
        snprintf(bare, sizeof(bare), "The %s %s", adj, noun);
    if (rng_chance(&r, 0.2))
        snprintf(title, sizeof(title), "%s (%s %s, #%u)", bare, noun, "Chronicles",
                 1 + (unsigned)rng_below(&r, 9));
    else
        snprintf(title, sizeof(title), "%s", bare);
    tmp->len = 0;
    put_fmt(tmp, "https://www.goodreads.com/book/show/%" PRIu64 "-%s-%s", id, adj, noun);
    putc_(tmp, 0);
    put_kv(o, "link", tmp->p, 0);
    puts_(o, ", \"authors\": [");
    for (uint32_t s = 0,
                  n = rng_chance(&r, 0.03) ? 0 : 1 + (uint32_t)(rng_chance(&r, 0.25) ? rng_below(&r, 3) : 0);
         s < n; s++) {
        puts_(o, s ? ", {\"author_id\": \"" : "{\"author_id\": \"");
        put_u64(o, gr_author_id(op->seed, (uint32_t)rng_below(&r, op->nauthors)));
        puts_(o, "\", \"role\": ");
        put_json(o, s ? PICK(&r, GR_ROLES) : "", JS_ASCII);
        putc_(o, '}');
    }
    puts_(o, "]");
    put_kv(o, "publisher", rng_chance(&r, 0.3) ? "" : "Penguin Books", 0);
    if (rng_chance(&r, 0.15))
        put_kv(o, "num_pages", "", 0);
    else
        put_kv_u(o, "num_pages", 20 + rng_below(&r, 900));
    put_kv_u(o, "publication_day", 1 + rng_below(&r, 28));
    put_kv(o, "isbn13", isbn[0] ? "9780000000000" : "", 0);
    put_kv_u(o, "publication_month", 1 + rng_below(&r, 12));
    put_kv(o, "edition_information", "", 0);
    if (rng_chance(&r, 0.1))
        put_kv(o, "publication_year", "", 0);
    else
        put_kv_u(o, "publication_year", 1900 + rng_below(&r, 118));
    put_kv(o, "url", tmp->p, 0);
    tmp->len = 0;
    put_fmt(tmp, "https://images.gr-assets.com/books/%" PRIu64 "m/%" PRIu64 ".jpg", 1400000000 + id, id);
    putc_(tmp, 0);
    put_kv(o, "image_url", tmp->p, 0);
    put_kv_u(o, "book_id", id);
    put_kv_u(o, "ratings_count", rng_below(&r, 50000));
    put_kv_u(o, "work_id", 1000000 + id * 3);
    put_kv(o, "title", title, 0);
    put_kv(o, "title_without_series", bare, 0);
    puts_(o, "}\n");
}

static void put_author(sink *o, const gr_opts *op, uint32_t k, sink *tmp)
{
    rng_t r = rng_for(op->seed, "gr-author", k);
    tmp->len = 0;
    put_fmt(tmp, "%u.%02u", 1 + (unsigned)rng_below(&r, 4), (unsigned)rng_below(&r, 100));
    putc_(tmp, 0);
    put_kv(o, "average_rating", tmp->p, 1);
    put_kv_u(o, "author_id", gr_author_id(op->seed, k));
    put_kv_u(o, "text_reviews_count", rng_below(&r, 5000));
    tmp->len = 0;
    puts_(tmp, PICK(&r, GR_NAMES));
    putc_(tmp, ' ');
    puts_(tmp, PICK(&r, GR_SURNAMES));
    putc_(tmp, 0);
    put_kv(o, "name", tmp->p, 0);
    put_kv_u(o, "ratings_count", rng_below(&r, 100000));
    puts_(o, "}\n");
}

static FILE *gr_create(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    return f;
}

static void gr_close(FILE *f, const char *name)
{
    if (fclose(f) != 0)
        die("cannot write '%s': %s", name, strerror(errno));
}

/* kind: -2 csv, -1 dedup, 0..7 a genre of GR_GENRES. */
static void gen_world(const gr_opts *op, const char *dir, int kind)
{
    char name[256];
    FILE *fi, *fu = NULL, *fb = NULL;
    sink oi, ou, ob, tmp;
    sink_mem(&tmp);
    if (kind == -2) {
        fi = gr_create(dir, "goodreads_interactions.csv");
        fu = gr_create(dir, "user_id_map.csv");
        fb = gr_create(dir, "book_id_map.csv");
        sink_file(&ou, fu, 0);
        sink_file(&ob, fb, 0);
        puts_(&ou, "user_id_csv,user_id\n");
        puts_(&ob, "book_id_csv,book_id\n");
    } else {
        if (kind == -1)
            snprintf(name, sizeof(name), "goodreads_interactions_dedup.json.gz");
        else
            snprintf(name, sizeof(name), "goodreads_interactions_%s.json.gz", GR_GENRES[kind]);
        fi = gr_create(dir, name);
    }
    sink_file(&oi, fi, kind != -2);
    if (kind == -2)
        puts_(&oi, "user_id,book_id,is_read,rating,is_reviewed\n");

    uint32_t *counts = xmalloc(sizeof(uint32_t) * op->nusers);
    rng_t cr = rng_for(op->seed, "gr-counts", 0);
    uint32_t maxc = op->nbooks < 3000 ? op->nbooks : 3000;
    apportion(&cr, op->nusers, op->lines, 1, maxc, 1.2, counts);
    sampler pop;
    rng_t pr = rng_for(op->seed, "gr-pop", 0);
    sampler_zipf(&pop, op->nbooks, 0.8, 3.0, &pr);
    unsigned char *genres = xmalloc(op->nbooks);
    for (uint32_t k = 0; k < op->nbooks; k++)
        genres[k] = (unsigned char)gr_genres(op->seed, k);
    int64_t *csv_id = xmalloc(sizeof(int64_t) * op->nbooks);
    uint32_t *csv_book = xmalloc(sizeof(uint32_t) * op->nbooks);
    for (uint32_t k = 0; k < op->nbooks; k++)
        csv_id[k] = -1;
    uint32_t next_csv = 0, cap = 0;
    gr_row *rows = NULL;
    for (uint32_t u = 0; u < op->nusers; u++) {
        uint32_t n = gr_user_rows(op, &pop, u, counts[u], &rows, &cap);
        if (kind == -2) {
            put_u64(&ou, u);
            putc_(&ou, ',');
            put_hex32(&ou, op->seed ^ 0x05e7ULL ^ ((uint64_t)u << 20));
            putc_(&ou, '\n');
        }
        for (uint32_t i = 0; i < n; i++) {
            const gr_row *x = &rows[i];
            if (kind >= 0 && !(genres[x->book] & (1u << kind)))
                continue;
            if (kind != -2) {
                put_interaction_json(&oi, op, u, x, &tmp);
                continue;
            }
            if (csv_id[x->book] < 0) {
                csv_book[next_csv] = x->book;
                csv_id[x->book] = next_csv++;
            }
            put_fmt(&oi, "%u,%" PRId64 ",%d,%d,%d\n", u, csv_id[x->book], x->is_read, x->rating, x->reviewed);
        }
    }
    sink_close(&oi);
    gr_close(fi, "interactions");
    if (kind == -2) {
        /* the books nobody shelved come after the others */
        for (uint32_t k = 0; k < op->nbooks; k++)
            if (csv_id[k] < 0) {
                csv_book[next_csv] = k;
                csv_id[k] = next_csv++;
            }
        for (uint32_t c = 0; c < next_csv; c++) {
            put_u64(&ob, c);
            putc_(&ob, ',');
            put_u64(&ob, gr_book_id(op->seed, csv_book[c]));
            putc_(&ob, '\n');
        }
        sink_close(&ou);
        sink_close(&ob);
        gr_close(fu, "user_id_map.csv");
        gr_close(fb, "book_id_map.csv");
    } else {
        if (kind == -1)
            snprintf(name, sizeof(name), "goodreads_books.json.gz");
        else
            snprintf(name, sizeof(name), "goodreads_books_%s.json.gz", GR_GENRES[kind]);
        fb = gr_create(dir, name);
        sink_file(&ob, fb, 1);
        for (uint32_t k = 0; k < op->nbooks; k++)
            if (kind < 0 || (genres[k] & (1u << kind))) {
                putc_(&ob, '{');
                put_book(&ob, op, k, &tmp);
            }
        sink_close(&ob);
        gr_close(fb, name);
        if (kind == -1) {
            fu = gr_create(dir, "goodreads_book_authors.json.gz");
            sink_file(&ou, fu, 1);
            for (uint32_t k = 0; k < op->nauthors; k++) {
                putc_(&ou, '{');
                put_author(&ou, op, k, &tmp);
            }
            sink_close(&ou);
            gr_close(fu, "goodreads_book_authors.json.gz");
        }
    }
    free(rows);
    free(csv_id);
    free(csv_book);
    free(genres);
    free(pop.cdf);
    free(counts);
    sink_free(&tmp);
}

int gen_goodreads_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen goodreads csv|dedup|GENRE OUTDIR [--lines N] [--users N] [--items N] [--seed S]");
    const char *what = a->pos[1], *dir = a->pos[2];
    int kind;
    if (!strcmp(what, "csv")) {
        kind = -2;
    } else if (!strcmp(what, "dedup")) {
        kind = -1;
    } else {
        kind = -3;
        for (int g = 0; g < GR_NGENRES; g++)
            if (!strcmp(what, GR_GENRES[g]))
                kind = g;
        if (kind == -3)
            die("unknown Goodreads file set '%s' (csv, dedup, children, comics_graphic, fantasy_paranormal, "
                "history_biography, mystery_thriller_crime, poetry, romance, young_adult)",
                what);
    }
    gr_opts op;
    op.seed = a->seed;
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    op.nusers = u32_arg(a->users, op.lines / 20 > 3 ? (uint32_t)(op.lines / 20) : 3, "--users");
    op.nbooks = u32_arg(a->items, op.lines / 4 > 10 ? (uint32_t)(op.lines / 4) : 10, "--items");
    op.nauthors = op.nbooks / 3 + 1;
    if (op.lines < op.nusers)
        die("--lines %" PRIu64 " is too few for %u users (each shelves one book at least)", op.lines,
            op.nusers);
    if (op.lines > (uint64_t)op.nusers * (op.nbooks < 3000 ? op.nbooks : 3000))
        die("--lines %" PRIu64 " is too many for %u users of %u distinct books", op.lines, op.nusers,
            op.nbooks);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    gen_world(&op, dir, kind);
    return 0;
}
