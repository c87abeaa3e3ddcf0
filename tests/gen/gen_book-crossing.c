/*
 * gen_book-crossing.c — the Book-Crossing family of l4r-gen: `book-crossing dump OUTDIR` writes
 * OUTDIR/BX-CSV-Dump.zip shaped like the original dump (BX-Book-Ratings.csv, BX-Books.csv and
 * BX-Users.csv at the zip's root): ';'-separated, a header line, every value in '"' except the
 * unquoted NULL of a missing age, cp1252 bytes, CRLF line ends (believed, as the Windows-made dump).
 *
 * How: users get ids 1..N in BX-Users.csv (the real line "1";"nyc, new york, usa";NULL first), plus
 * the three ids of datasets.md's rating lines; the ratings are grouped by user, those three users
 * first with the real lines verbatim, then the rest by ascending id; about 60% of the ratings are
 * the implicit 0, the rest 1-10; some ISBNs are not in BX-Books.csv and a few end in a lowercase 'x'.
 * Titles hold backslash-escaped quotes (\"), ';' inside quotes, "&amp;", a "\\" (escaped backslash)
 * and cp1252-only bytes (0x92 right quote, 0x96 en dash, 0x80 euro) besides Latin-1 letters; years
 * are 0 where unknown; every 97th book's title ends in a backslash before its closing quote, the
 * line datasets.md's quote-aware split reads but the backslash rule cannot (a parse error).  --lines
 * sets the rating rows, --users and --items the pools; the members are built in memory.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BX_MTIME 1096588800 /* 2004-10-01, after the crawl */
#define BX_BAD_EVERY 97     /* every BX_BAD_EVERY-th book (from the 50th) has the trailing backslash */

typedef struct {
    uint64_t seed;
    uint64_t lines;
    uint32_t nusers, nitems;
} bx_opts;

/* datasets.md §17.4: the header and first lines of BX-Book-Ratings.csv. */
static const char *const BX_FIRST[] = {
    "\"276725\";\"034545104X\";\"0\"",
    "\"276726\";\"0155061224\";\"5\"",
    "\"276727\";\"0446520802\";\"0\"",
};
static const char BX_RATINGS_HEAD[] = "\"User-ID\";\"ISBN\";\"Book-Rating\"";
static const char BX_BOOKS_HEAD[] =
    "\"ISBN\";\"Book-Title\";\"Book-Author\";\"Year-Of-Publication\";\"Publisher\";"
    "\"Image-URL-S\";\"Image-URL-M\";\"Image-URL-L\"";
static const char BX_USERS_HEAD[] = "\"User-ID\";\"Location\";\"Age\"";
static const char BX_USER1[] = "\"1\";\"nyc, new york, usa\";NULL";

/* cp1252 byte strings (already encoded). */
static const char *const BX_AUTHOR[] = {"M. J. Rose",
                                        "Mark Salzman",
                                        "Amy Tan",
                                        "Jos\xe9 Saramago",
                                        "G\xfcnter Grass",
                                        "Anne O\x92"
                                        "Brien",
                                        "J. R. R. Tolkien",
                                        "Ren\xe9 Goscinny",
                                        "Dan Brown",
                                        "Fran\xe7oise Sagan"};
static const char *const BX_PUB[] = {"Ballantine Books",   "Harper &amp; Row",     "Oxford University Press",
                                     "Editions Gallimard", "Simon &amp; Schuster", "Penguin Books",
                                     "DK Publishing Inc"};
static const char *const BX_PLACE[] = {"stockton, california, usa",   "moscow, yukon territory, russia",
                                       "porto, v.n.gaia, portugal",   "farnborough, hants, united kingdom",
                                       "m\xfcnchen, bayern, germany", "barcelona, barcelona, spain",
                                       "toronto, ontario, canada",    "n/a, n/a, n/a"};

/* Book k's ISBN: books 0-2 are the ISBNs of datasets.md's rating lines, the rest made up. */
static void bx_isbn(sink *o, uint32_t k)
{
    static const char *const real[] = {"034545104X", "0155061224", "0446520802"};
    if (k < ARRAY_LEN(real)) {
        puts_(o, real[k]);
        return;
    }
    uint64_t v = 100000000ULL + (uint64_t)k * 7919 % 899999999ULL;
    put_fmt(o, "%09" PRIu64, v);
    unsigned check = (unsigned)(mix64(k) % 11);
    putc_(o, check == 10 ? 'X' : (char)('0' + check));
}

/* User index u: 0..2 are datasets.md's three rating users, then ids 2, 3, ... (1 has no ratings). */
static uint64_t bx_user_id(uint32_t u)
{
    return u < 3 ? 276725 + u : u - 1;
}

static void gen_ratings(sink *o, const bx_opts *op, const sampler *items)
{
    puts_(o, BX_RATINGS_HEAD);
    puts_(o, "\r\n");
    for (size_t i = 0; i < ARRAY_LEN(BX_FIRST); i++) {
        puts_(o, BX_FIRST[i]);
        puts_(o, "\r\n");
    }
    uint32_t *counts = xmalloc(sizeof(uint32_t) * op->nusers);
    rng_t cr = rng_for(op->seed, "bx-counts", 0);
    apportion(&cr, op->nusers, op->lines - ARRAY_LEN(BX_FIRST), 0, 1000000, 1.1, counts);
    for (uint32_t u = 0; u < op->nusers; u++) {
        for (uint32_t c = 0; c < counts[u]; c++) {
            rng_t r = rng_for(op->seed, "bx-row", ((uint64_t)u << 24) ^ c);
            put_fmt(o, "\"%" PRIu64 "\";\"", bx_user_id(u));
            double g = rng_u01(&r);
            if (g < 0.05) { /* an ISBN that BX-Books.csv lacks, now and then with a lowercase 'x' */
                put_fmt(o, "%09" PRIu64 "%c", (uint64_t)(900000000ULL + rng_below(&r, 99999999)),
                        g < 0.01 ? 'x' : '7');
            } else {
                bx_isbn(o, sampler_draw(items, &r));
            }
            put_fmt(o, "\";\"%u\"\r\n", rng_chance(&r, 0.6) ? 0 : 1 + (unsigned)rng_below(&r, 10));
        }
    }
    free(counts);
}

static void gen_books(sink *o, const bx_opts *op)
{
    puts_(o, BX_BOOKS_HEAD);
    puts_(o, "\r\n");
    for (uint32_t k = 0; k < op->nitems; k++) {
        rng_t r = rng_for(op->seed, "bx-book", k);
        putc_(o, '"');
        bx_isbn(o, k);
        puts_(o, "\";\"");
        double g = rng_u01(&r);
        const char *adj = rng_pick(&r, T_ADJ, T_ADJ_LEN), *noun = rng_pick(&r, T_NOUN, T_NOUN_LEN);
        if (g < 0.08)
            put_fmt(o, "The \\\"%s\\\" %s", adj, noun); /* escaped quotes */
        else if (g < 0.14)
            put_fmt(o, "%s; or, the %s", adj, noun); /* ';' inside quotes */
        else if (g < 0.2)
            put_fmt(o, "%s &amp; %s", adj, noun);
        else if (g < 0.24)
            put_fmt(o, "%s \x96 the %s\x92s \x80 tale", adj, noun); /* cp1252-only bytes */
        else if (g < 0.27)
            put_fmt(o, "Back\\\\slash %s", noun); /* an escaped backslash */
        else
            put_fmt(o, "%s %s", adj, noun);
        put_fmt(o, " %u", k);
        int bad = k >= 50 && k % BX_BAD_EVERY == 50 % BX_BAD_EVERY;
        if (bad)
            puts_(o, " (Level 4: Proficient Readers)\\"); /* the trailing backslash */
        puts_(o, "\";\"");
        puts_(o, PICK(&r, BX_AUTHOR));
        put_fmt(o, "\";\"%u\";\"", rng_chance(&r, 0.05) ? 0 : 1950 + (unsigned)rng_below(&r, 55));
        puts_(o, PICK(&r, BX_PUB));
        puts_(o, "\"");
        static const char *const sizes[] = {"S", "M", "L"};
        for (int s = 0; s < 3; s++) {
            puts_(o, ";\"http://images.amazon.com/images/P/");
            bx_isbn(o, k);
            put_fmt(o, ".01.%sZZZZZZZ.jpg\"", sizes[s]);
        }
        puts_(o, "\r\n");
    }
}

static void gen_users(sink *o, const bx_opts *op)
{
    puts_(o, BX_USERS_HEAD);
    puts_(o, "\r\n");
    puts_(o, BX_USER1);
    puts_(o, "\r\n");
    /* ascending ids: 2 .. nusers-2, then the three high ids of the real rating lines */
    for (uint32_t i = 0; i < op->nusers; i++) {
        uint32_t u = i + 3 < op->nusers ? i + 3 : i + 3 - op->nusers;
        rng_t r = rng_for(op->seed, "bx-user", u);
        put_fmt(o, "\"%" PRIu64 "\";\"", bx_user_id(u));
        puts_(o, PICK(&r, BX_PLACE));
        if (rng_chance(&r, 0.4))
            puts_(o, "\";NULL\r\n");
        else
            put_fmt(o, "\";\"%u\"\r\n", 10 + (unsigned)rng_below(&r, 70));
    }
}

int gen_book_crossing_main(const args *a)
{
    if (a->npos != 3 || strcmp(a->pos[1], "dump"))
        die("usage: l4r-gen book-crossing dump OUTDIR [--lines N] [--users N] [--items N] [--seed S]");
    bx_opts op;
    op.seed = a->seed;
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    op.nusers = u32_arg(a->users, op.lines / 10 > 4 ? (uint32_t)(op.lines / 10) : 4, "--users");
    op.nitems = u32_arg(a->items, op.lines / 3 > 10 ? (uint32_t)(op.lines / 3) : 10, "--items");
    if (op.lines < ARRAY_LEN(BX_FIRST) || op.nusers < 4)
        die("--lines must be at least 3 (the real lines), --users at least 4");
    const char *dir = a->pos[2];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    char path[4096];
    snprintf(path, sizeof(path), "%s/BX-CSV-Dump.zip", dir);
    sampler items;
    rng_t pr = rng_for(op.seed, "bx-ipop", 0);
    sampler_zipf(&items, op.nitems, 0.8, 2.0, &pr);
    zipw z;
    zip_open(&z, path, NULL, BX_MTIME);
    sink o;
    sink_mem(&o);
    gen_ratings(&o, &op, &items);
    zip_add(&z, "BX-Book-Ratings.csv", &o);
    gen_books(&o, &op);
    zip_add(&z, "BX-Books.csv", &o);
    gen_users(&o, &op);
    zip_add(&z, "BX-Users.csv", &o);
    zip_close(&z);
    sink_free(&o);
    free(items.cdf);
    return 0;
}
