/*
 * gen_steam.c — the Steam family of l4r-gen (UCSD McAuley lab): one file per command word, shaped
 * like the upstream file of that name, on stdout or -o FILE (--gzip: .json.gz as shipped).
 *   reviews       steam_reviews.json: v2, one review per line, Python 2 repr ({u'username': ...})
 *   games         steam_games.json: v2 item metadata, Python 2 repr
 *   user-reviews  australian_user_reviews.json: v1, one user per line, Python 3 repr, nested reviews
 *   users-items   australian_users_items.json: v1, one user per line, nested owned games
 *   bundles       bundle_data.json: the bundle list (its shape is a belief, datasets.md §7)
 *
 * How: game k has the app id st_app_id(k), used by every file, so the reviews' product ids, the
 * libraries' item ids and the games' ids join.  Python 2 repr is written by put_py2 below: the u
 * prefix, repr's choice of quote (u"it's"), and every non-ASCII code point escaped (\xe9, \u2665,
 * \U0001f600: a wide build, as a Linux crawler's was).  v2 reviews are grouped by game (newest first
 * within a game, day dates), so a user's reviews are scattered and out of time order; usernames are
 * free text with quotes, backslashes, non-ASCII, a TAB or a line break, and users 1 and 2 are
 * "Tab<TAB>Name" and "Tab Name" (one user once TABs become spaces).  Some users review a game twice.
 * Games: some lines lack id (one in 47), title (one in 13; app_name stays), or lists; price is a
 * float or a text ('Free To Play'); one id appears twice.  v1 reviews are listed newest first, the
 * crawl year's without a year ('Posted April 21.'); some users have none; libraries ascend by app id,
 * many with playtime 0.  The lines datasets.md quotes come first, verbatim where it gives them
 * whole, completed by generated elements where it abridged them ('...').
 */
#include "gen.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t seed;
    uint64_t lines;
    uint32_t nusers, nitems;
} st_opts;

/* datasets.md §7.1: the shape it gives for a v2 review (its '...' taken as the text). */
static const char ST_REVIEW0[] =
    "{u'username': u'...', u'hours': 0.1, u'products': 41, u'product_id': u'725280', "
    "u'page_order': 0, u'date': u'2017-12-17', u'text': u'...', u'early_access': False, "
    "u'page': 1}";
/* datasets.md §7.2: the game line, the verified part and its believed remainder. */
static const char ST_GAME0[] =
    "{u'publisher': u'Kotoshiro', u'genres': [u'Action', u'Casual', u'Indie', u'Simulation', u'Strategy'], "
    "u'app_name': u'Lost Summoner Kitty', u'title': u'Lost Summoner Kitty', "
    "u'url': u'http://store.steampowered.com/app/761140/Lost_Summoner_Kitty/', u'release_date': "
    "u'2018-01-04', "
    "u'tags': [u'Strategy', u'Action', u'Indie', u'Casual', u'Simulation'], u'discount_price': 4.49, "
    "u'reviews_url': u'http://steamcommunity.com/app/761140/reviews/?browsefilter=mostrecent&p=1', "
    "u'specs': [u'Single-player'], u'price': 4.99, u'early_access': False, u'id': u'761140', "
    "u'developer': u'Kotoshiro'}";
/* datasets.md §7.3: the start of the v1 review line (user and first review; the text abridged) ... */
static const char ST_UREV0[] =
    "{'user_id': '76561197970982479', 'user_url': 'http://steamcommunity.com/profiles/76561197970982479', "
    "'reviews': [{'funny': '', 'posted': 'Posted November 5, 2011.', 'last_edited': '', 'item_id': '1250', "
    "'helpful': 'No ratings yet', 'recommend': True, 'review': 'Simple yet with great replayability.'}";
/* ... and of the library line: 277 games, the first two as quoted. */
static const char ST_UITEMS0[] =
    "{'user_id': '76561197970982479', 'items_count': 277, 'steam_id': '76561197970982479', "
    "'user_url': 'http://steamcommunity.com/profiles/76561197970982479', 'items': [{'item_id': '10', "
    "'item_name': 'Counter-Strike', 'playtime_forever': 6, 'playtime_2weeks': 0}, {'item_id': '20', "
    "'item_name': 'Team Fortress Classic', 'playtime_forever': 0, 'playtime_2weeks': 0}";
#define ST_UITEMS0_COUNT 277

#define ST_T0 1286668800 /* 2010-10-10, the oldest v2 review date */
#define ST_T1 1515024000 /* 2018-01-04, the newest */
#define ST_CRAWL_YEAR 2016
#define ST_STEAMID0 UINT64_C(76561197960265728)

static const char *const GENRES[] = {"Action",
                                     "Adventure",
                                     "Casual",
                                     "Indie",
                                     "RPG",
                                     "Strategy",
                                     "Simulation",
                                     "Sports",
                                     "Racing",
                                     "Free to Play",
                                     "Early Access",
                                     "Massively Multiplayer",
                                     "Animation &amp; Modeling"};
static const char *const TAGS[] = {"Strategy",
                                   "Action",
                                   "Indie",
                                   "Casual",
                                   "Simulation",
                                   "Co-op",
                                   "Great Soundtrack",
                                   "Rogue-like",
                                   "Beat 'em up",
                                   "Sci-fi",
                                   "Open World",
                                   "Female Protagonist",
                                   "Puzzle-Platformer",
                                   "1990's",
                                   "Local Co-Op",
                                   "Psychological Horror"};
static const char *const SPECS[] = {"Single-player",       "Multi-player",        "Steam Achievements",
                                    "Steam Trading Cards", "Steam Cloud",         "Full controller support",
                                    "Shared/Split Screen", "Downloadable Content"};
static const char *const PRICE_TEXT[] = {"Free To Play", "Free to Play", "Free", "Play for Free!",
                                         "Install Now"};
static const char *const SENTIMENT[] = {"Mostly Positive",         "Very Positive",  "Mixed",
                                        "Overwhelmingly Positive", "1 user reviews", "Mostly Negative"};
static const char *const MONTH_NAMES[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
static const char *const HANDLES[] = {"Saint",   "xXSniperXx", "Kitty", "Doge",  "Ranger",
                                      "el_gato", "Mr. Bean",   "Nova",  "Ghost", "Potato",
                                      "Lord",    "Zed",        "Wolf",  "Pixel"};

/* Unique, ascending, multiples of 10 as most Steam app ids are. */
static uint64_t st_app_id(uint64_t seed, uint32_t k)
{
    return 10 * (1 + 3 * (uint64_t)k + mix64(seed ^ (0x51ed27ULL * (k + 1))) % 3);
}

static void put_hex(sink *o, char c, unsigned width, uint32_t v)
{
    put_fmt(o, "\\%c%0*x", c, (int)width, v);
}

/* Python 2 repr() of a unicode string (UTF-8 in s): u'...' or u"..." when it holds ' and no ";
 * backslash, the quote, \t \n \r escaped; other controls and every non-ASCII code point as \xNN,
 * \uNNNN or \UNNNNNNNN. */
static void put_py2(sink *o, const char *s)
{
    char q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
    putc_(o, 'u');
    putc_(o, q);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char b = *p;
        if (b >= 0x80) {
            uint32_t c = utf8_next(&p);
            if (c < 0x100)
                put_hex(o, 'x', 2, c);
            else if (c < 0x10000)
                put_hex(o, 'u', 4, c);
            else
                put_hex(o, 'U', 8, c);
            continue;
        }
        p++;
        if (b == '\\')
            puts_(o, "\\\\");
        else if (b == '\n')
            puts_(o, "\\n");
        else if (b == '\t')
            puts_(o, "\\t");
        else if (b == '\r')
            puts_(o, "\\r");
        else if (b == (unsigned char)q) {
            putc_(o, '\\');
            putc_(o, q);
        } else if (b < 0x20 || b == 0x7f)
            put_hex(o, 'x', 2, b);
        else
            putc_(o, (char)b);
    }
    putc_(o, q);
}

static void put_date(sink *o, int64_t day)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    put_fmt(o, "%04d-%02u-%02u", y, m, d);
}

/* A game's name, with the odd apostrophe, quote or non-ASCII character; NUL-terminated in tmp. */
static void game_name(sink *tmp, uint64_t seed, uint32_t k)
{
    rng_t r = rng_for(seed, "st-name", k);
    tmp->len = 0;
    put_fmt(tmp, "%s %s", rng_pick(&r, T_ADJ, T_ADJ_LEN), rng_pick(&r, T_NOUN, T_NOUN_LEN));
    double g = rng_u01(&r);
    if (g < 0.08)
        puts_(tmp, "'s Quest");
    else if (g < 0.11)
        puts_(tmp, ": Caf\xc3\xa9 \xe2\x99\xa5");
    else if (g < 0.13)
        puts_(tmp, " \"Deluxe\" Edition");
    else if (g < 0.2)
        put_fmt(tmp, " %u", 2 + (unsigned)rng_below(&r, 3));
    putc_(tmp, 0);
}

/* A v2 username (free text): users 1 and 2 collide once TABs are spaces; NUL-terminated in tmp. */
static void username(sink *tmp, uint64_t seed, uint32_t u)
{
    tmp->len = 0;
    if (u == 1 || u == 2) {
        puts_(tmp, u == 1 ? "Tab\tName" : "Tab Name");
        putc_(tmp, 0);
        return;
    }
    rng_t r = rng_for(seed, "st-username", u);
    puts_(tmp, PICK(&r, HANDLES));
    if (rng_chance(&r, 0.5))
        put_u64(tmp, rng_below(&r, 2000));
    double g = rng_u01(&r);
    if (g < 0.05)
        puts_(tmp, "'s");
    else if (g < 0.07)
        puts_(tmp, " \"the\" 'best'");
    else if (g < 0.09)
        puts_(tmp, "\\o/");
    else if (g < 0.12)
        puts_(tmp, " \xe2\x99\xa5");
    else if (g < 0.14)
        puts_(tmp, "\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80");
    else if (g < 0.15)
        puts_(tmp, "\tx");
    else if (g < 0.155)
        puts_(tmp, "\nnewline");
    else if (g < 0.165)
        puts_(tmp, " ");
    putc_(tmp, 0);
}

static void gen_reviews(sink *o, const st_opts *op)
{
    puts_(o, ST_REVIEW0);
    putc_(o, '\n');
    if (op->lines < 2)
        return;
    uint64_t n = op->lines - 1;
    uint32_t *counts = xcalloc(op->nitems, sizeof(uint32_t));
    rng_t cr = rng_for(op->seed, "st-rcounts", 0);
    if (n >= op->nitems)
        apportion(&cr, op->nitems, n, 1, 1000000, 1.1, counts);
    else
        for (uint64_t i = 0; i < n; i++)
            counts[i]++;
    sampler us;
    rng_t pr = rng_for(op->seed, "st-uperm", 0);
    sampler_zipf(&us, op->nusers, 0.8, 3.0, &pr);
    sink name, text;
    sink_mem(&name);
    sink_mem(&text);
    for (uint32_t k = 0; k < op->nitems; k++) {
        rng_t r = rng_for(op->seed, "st-product", k);
        int64_t day = ST_T1 / 86400 - (int64_t)rng_below(&r, 60);
        uint32_t prev = 0;
        for (uint32_t c = 0; c < counts[k]; c++) {
            rng_t lr = rng_for(op->seed, "st-review", ((uint64_t)k << 24) ^ c);
            /* users 1 and 2 (the TAB pair) review the first games; now and then a user again */
            uint32_t u = (k < 3 && c < 2 && op->nusers > 2) ? 1 + c
                         : (c && rng_chance(&lr, 0.03))     ? prev
                                                            : sampler_draw(&us, &lr);
            prev = u;
            if (!rng_chance(&lr, 0.3) && day > ST_T0 / 86400)
                day -= 1 + (int64_t)rng_below(&lr, 20);
            username(&name, op->seed, u);
            puts_(o, "{u'username': ");
            put_py2(o, name.p);
            if (u % 3 == 0)
                put_fmt(o, ", u'user_id': u'%" PRIu64 "'", ST_STEAMID0 + 977 * (uint64_t)u);
            if (rng_chance(&lr, 0.1))
                put_fmt(o, ", u'found_funny': %u", 1 + (unsigned)rng_below(&lr, 30));
            put_fmt(o, ", u'hours': %u.%u, u'products': %u", (unsigned)rng_below(&lr, 3000),
                    (unsigned)rng_below(&lr, 10), 1 + (unsigned)rng_below(&lr, 900));
            if (rng_chance(&lr, 0.05))
                puts_(o, ", u'compensation': u'Product received for free'");
            put_fmt(o, ", u'product_id': u'%" PRIu64 "', u'page_order': %u, u'date': u'",
                    st_app_id(op->seed, k), c % 10);
            put_date(o, day);
            puts_(o, "', u'text': ");
            text.len = 0;
            gen_text(&lr, &text, text_len(&lr, 120), 1);
            putc_(&text, 0);
            put_py2(o, text.p);
            put_fmt(o, ", u'early_access': %s, u'page': %u}\n", rng_chance(&lr, 0.1) ? "True" : "False",
                    1 + c / 10);
        }
    }
    sink_free(&name);
    sink_free(&text);
    free(us.cdf);
    free(counts);
}

static void put_list(sink *o, rng_t *r, const char *const *pool, size_t n, unsigned maxn)
{
    unsigned c = 1 + (unsigned)rng_below(r, maxn);
    size_t start = rng_below(r, n);
    putc_(o, '[');
    for (unsigned i = 0; i < c && i < n; i++) {
        if (i)
            puts_(o, ", ");
        put_py2(o, pool[(start + i * 3) % n]);
    }
    putc_(o, ']');
}

/* Appends s to the NUL-terminated text in tmp. */
static void append_name(sink *tmp, const char *s)
{
    tmp->len--;
    puts_(tmp, s);
    putc_(tmp, 0);
}

/* The next key of a dict being written: "{" before the first, ", " before the others. */
static void key(sink *o, int *first, const char *k)
{
    puts_(o, *first ? "{" : ", ");
    *first = 0;
    puts_(o, k);
}

/* One game line; dup: the repeated id's second line. */
static void game_line(sink *o, sink *name, const st_opts *op, uint32_t k, int dup)
{
    rng_t r = rng_for(op->seed, dup ? "st-game-dup" : "st-game", k);
    uint64_t id = st_app_id(op->seed, k);
    game_name(name, op->seed, k);
    if (dup)
        append_name(name, " (listed twice)");
    int first = 1;
    if (rng_chance(&r, 0.9)) {
        key(o, &first, "u'publisher': ");
        put_py2(o, rng_pick(&r, T_NOUN, T_NOUN_LEN));
    }
    if (rng_chance(&r, 0.9)) {
        key(o, &first, "u'genres': ");
        put_list(o, &r, GENRES, ARRAY_LEN(GENRES), 4);
    }
    key(o, &first, "u'app_name': ");
    put_py2(o, name->p);
    if (k % 13 != 5) {
        key(o, &first, "u'title': ");
        put_py2(o, name->p);
    }
    key(o, &first, "u'url': ");
    put_fmt(o, "u'http://store.steampowered.com/app/%" PRIu64 "/Game_%u/'", id, k);
    double g = rng_u01(&r);
    if (g < 0.85) {
        key(o, &first, "u'release_date': u'");
        put_date(o, ST_T0 / 86400 + (int64_t)rng_below(&r, 2600));
        putc_(o, '\'');
    } else if (g < 0.95) {
        key(o, &first, "u'release_date': ");
        put_py2(o, rng_chance(&r, 0.5) ? "Soon.." : "Nov 2018");
    }
    if (rng_chance(&r, 0.85)) {
        key(o, &first, "u'tags': ");
        put_list(o, &r, TAGS, ARRAY_LEN(TAGS), 6);
    }
    int disc = rng_chance(&r, 0.2);
    unsigned cents = 99 + 100 * (unsigned)rng_below(&r, 60);
    if (disc) {
        key(o, &first, "u'discount_price': ");
        put_fmt(o, "%u.%02u", cents / 200, cents % 100);
    }
    key(o, &first, "u'reviews_url': ");
    put_fmt(o, "u'http://steamcommunity.com/app/%" PRIu64 "/reviews/?browsefilter=mostrecent&p=1'", id);
    if (rng_chance(&r, 0.9)) {
        key(o, &first, "u'specs': ");
        put_list(o, &r, SPECS, ARRAY_LEN(SPECS), 3);
    }
    g = rng_u01(&r);
    if (g < 0.75) {
        key(o, &first, "u'price': ");
        put_fmt(o, "%u.%02u", cents / 100, cents % 100);
    } else if (g < 0.95) {
        key(o, &first, "u'price': ");
        put_py2(o, PICK(&r, PRICE_TEXT));
    }
    key(o, &first, "u'early_access': ");
    puts_(o, rng_chance(&r, 0.1) ? "True" : "False");
    if (k % 47 != 23) {
        key(o, &first, "u'id': ");
        put_fmt(o, "u'%" PRIu64 "'", id);
    }
    if (rng_chance(&r, 0.9)) {
        key(o, &first, "u'developer': ");
        put_py2(o, name->p);
    }
    if (rng_chance(&r, 0.7)) {
        key(o, &first, "u'sentiment': ");
        put_py2(o, PICK(&r, SENTIMENT));
    }
    if (rng_chance(&r, 0.1)) {
        key(o, &first, "u'metascore': ");
        put_fmt(o, "%u", 40 + (unsigned)rng_below(&r, 60));
    }
    puts_(o, "}\n");
}

static void gen_games(sink *o, const st_opts *op)
{
    puts_(o, ST_GAME0);
    putc_(o, '\n');
    sink name;
    sink_mem(&name);
    for (uint32_t k = 0; k < op->nitems; k++) {
        game_line(o, &name, op, k, 0);
        if (k == 8) /* game 7 again: the first line of an id wins */
            game_line(o, &name, op, 7, 1);
    }
    sink_free(&name);
}

/* A v1 user: a 17-digit Steam id, or for one in five a vanity name (steam_id still the number). */
static void v1_user(sink *tmp, uint64_t seed, uint32_t u, uint64_t *steamid)
{
    rng_t r = rng_for(seed, "st-v1user", u);
    *steamid = ST_STEAMID0 + 9739 * (uint64_t)u + rng_below(&r, 9000);
    tmp->len = 0;
    if (u % 5 == 3)
        put_fmt(tmp, "%s%s_%u", rng_pick(&r, T_ADJ, T_ADJ_LEN), rng_pick(&r, T_NOUN, T_NOUN_LEN),
                (unsigned)rng_below(&r, 100));
    else
        put_u64(tmp, *steamid);
    putc_(tmp, 0);
}

static void put_user_url(sink *o, const char *user, int vanity)
{
    puts_(o, vanity ? "'http://steamcommunity.com/id/" : "'http://steamcommunity.com/profiles/");
    puts_(o, user);
    putc_(o, '\'');
}

static void put_posted(sink *o, int64_t day, int with_year)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    if (with_year)
        put_fmt(o, "'Posted %s %u, %d.'", MONTH_NAMES[m - 1], d, y);
    else
        put_fmt(o, "'Posted %s %u.'", MONTH_NAMES[m - 1], d);
}

/* One v1 review dict (after the list's '[' or ', '), posted on day. */
static void v1_review(sink *o, sink *text, rng_t *r, const st_opts *op, int64_t day)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    puts_(o, "{'funny': ");
    puts_(o, rng_chance(r, 0.1) ? "'1 person found this review funny'" : "''");
    puts_(o, ", 'posted': ");
    put_posted(o, day, y != ST_CRAWL_YEAR);
    puts_(o, ", 'last_edited': ");
    if (rng_chance(r, 0.1))
        put_fmt(o, "'Last edited %s %u, %d.'", MONTH_NAMES[m - 1], d, y);
    else
        puts_(o, "''");
    put_fmt(o, ", 'item_id': '%" PRIu64 "', 'helpful': ",
            st_app_id(op->seed, (uint32_t)rng_below(r, op->nitems)));
    if (rng_chance(r, 0.5)) {
        unsigned of = 1 + (unsigned)rng_below(r, 20), yes = (unsigned)rng_below(r, of + 1);
        put_fmt(o, "'%u of %u people (%u%%) found this review helpful'", yes, of, 100 * yes / of);
    } else {
        puts_(o, "'No ratings yet'");
    }
    puts_(o, rng_chance(r, 0.85) ? ", 'recommend': True, 'review': " : ", 'recommend': False, 'review': ");
    text->len = 0;
    gen_text(r, text, text_len(r, 150), 1);
    putc_(text, 0);
    put_py(o, text->p);
    putc_(o, '}');
}

static void gen_user_reviews(sink *o, const st_opts *op)
{
    sink user, text;
    sink_mem(&user);
    sink_mem(&text);
    for (uint32_t u = 0; u < op->nusers; u++) {
        rng_t r = rng_for(op->seed, "st-v1rev", u);
        unsigned n = u == 0       ? 3 + (unsigned)rng_below(&r, 4)
                     : u % 9 == 4 ? 0
                                  : 1 + (unsigned)rng_below(&r, 8);
        /* newest first: the crawl year's (no year written) down to 2010 */
        int64_t day = days_from_civil(ST_CRAWL_YEAR, 7, 1) - (int64_t)rng_below(&r, 300);
        if (u == 0) {
            puts_(o, ST_UREV0);
            day = days_from_civil(2011, 11, 5);
        } else {
            uint64_t sid;
            v1_user(&user, op->seed, u, &sid);
            puts_(o, "{'user_id': ");
            put_py(o, user.p);
            puts_(o, ", 'user_url': ");
            put_user_url(o, user.p, u % 5 == 3);
            puts_(o, ", 'reviews': [");
        }
        for (unsigned i = 0; i < n; i++) {
            if (u == 0 && i == 0)
                continue; /* the quoted review */
            if (u == 0 || i)
                puts_(o, ", ");
            if (rng_chance(&r, 0.85) && day > days_from_civil(2010, 10, 1))
                day -= rng_below(&r, 200);
            v1_review(o, &text, &r, op, day);
        }
        puts_(o, "]}\n");
    }
    sink_free(&user);
    sink_free(&text);
}

static void v1_item(sink *o, sink *name, const st_opts *op, rng_t *r, uint32_t k)
{
    game_name(name, op->seed, k);
    put_fmt(o, "{'item_id': '%" PRIu64 "', 'item_name': ", st_app_id(op->seed, k));
    put_py(o, name->p);
    unsigned forever = rng_chance(r, 0.35) ? 0 : (unsigned)rng_below(r, rng_chance(r, 0.1) ? 600000 : 3000);
    put_fmt(o, ", 'playtime_forever': %u, 'playtime_2weeks': %u}", forever,
            forever && rng_chance(r, 0.1) ? (unsigned)rng_below(r, forever < 1200 ? forever : 1200) : 0);
}

static void gen_users_items(sink *o, const st_opts *op)
{
    sink user, name;
    sink_mem(&user);
    sink_mem(&name);
    uint32_t *lib =
        xmalloc(sizeof(uint32_t) * (op->nitems > ST_UITEMS0_COUNT ? op->nitems : ST_UITEMS0_COUNT));
    for (uint32_t u = 0; u < op->nusers; u++) {
        rng_t r = rng_for(op->seed, "st-v1lib", u);
        /* the library: ascending app ids, each game owned with the user's own probability */
        uint32_t want = u == 0 ? ST_UITEMS0_COUNT - 2 : u % 11 == 6 ? 0 : (uint32_t)rng_below(&r, 40);
        uint32_t n = 0;
        for (uint32_t k = 0; k < op->nitems && n < want; k++)
            if (rng_below(&r, op->nitems - k) < want - n)
                lib[n++] = k;
        if (u == 0) {
            puts_(o, ST_UITEMS0);
            for (uint32_t i = n; i < want; i++) /* fewer games than the line needs: repeat */
                lib[n++] = i % op->nitems;
        } else {
            uint64_t sid;
            v1_user(&user, op->seed, u, &sid);
            puts_(o, "{'user_id': ");
            put_py(o, user.p);
            put_fmt(o, ", 'items_count': %u, 'steam_id': '%" PRIu64 "', 'user_url': ", n, sid);
            put_user_url(o, user.p, u % 5 == 3);
            puts_(o, ", 'items': [");
        }
        for (uint32_t i = 0; i < n; i++) {
            if (u == 0 || i)
                puts_(o, ", ");
            v1_item(o, &name, op, &r, lib[i]);
        }
        puts_(o, "]}\n");
    }
    free(lib);
    sink_free(&user);
    sink_free(&name);
}

/* bundle_data.json: the believed shape (datasets.md §7 marks the file [B]). */
static void gen_bundles(sink *o, const st_opts *op)
{
    sink name;
    sink_mem(&name);
    for (uint64_t b = 0; b < op->lines; b++) {
        rng_t r = rng_for(op->seed, "st-bundle", b);
        unsigned price = 299 + (unsigned)rng_below(&r, 9000), disc = 5 * (1 + (unsigned)rng_below(&r, 12));
        unsigned fin = price * (100 - disc) / 100;
        put_fmt(
            o,
            "{'bundle_final_price': '$%u.%02u', 'bundle_url': 'http://store.steampowered.com/bundle/%u/', "
            "'bundle_price': '$%u.%02u', 'bundle_name': ",
            fin / 100, fin % 100, 400 + (unsigned)b * 3, price / 100, price % 100);
        game_name(&name, op->seed, (uint32_t)(b % op->nitems));
        append_name(&name, " Bundle");
        put_py(o, name.p);
        put_fmt(o, ", 'bundle_discount': '%u%%', 'items': [", disc);
        unsigned n = 2 + (unsigned)rng_below(&r, 5);
        for (unsigned i = 0; i < n; i++) {
            uint32_t k = (uint32_t)rng_below(&r, op->nitems);
            uint64_t id = st_app_id(op->seed, k);
            game_name(&name, op->seed, k);
            put_fmt(o,
                    "%s{'genre': 'Adventure, Indie', 'item_id': '%" PRIu64 "', 'discounted_price': '$%u.99', "
                    "'item_url': 'http://store.steampowered.com/app/%" PRIu64 "', 'item_name': ",
                    i ? ", " : "", id, (unsigned)rng_below(&r, 30), id);
            put_py(o, name.p);
            putc_(o, '}');
        }
        put_fmt(o, "], 'bundle_id': '%u'}\n", 400 + (unsigned)b * 3);
    }
    sink_free(&name);
}

int gen_steam_main(const args *a)
{
    if (a->npos != 2)
        die("usage: l4r-gen steam reviews|games|user-reviews|users-items|bundles [--lines N] [--users N] "
            "[--items N] [--gzip] [--seed S] [-o FILE]");
    st_opts op;
    op.seed = a->seed;
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 2000;
    op.nusers = u32_arg(a->users, op.lines / 4 > 3 ? (uint32_t)(op.lines / 4) : 3, "--users");
    op.nitems = u32_arg(a->items, 300, "--items");
    static const char *const KINDS[] = {"reviews", "games", "user-reviews", "users-items", "bundles"};
    size_t kind = ARRAY_LEN(KINDS);
    for (size_t i = 0; i < ARRAY_LEN(KINDS); i++)
        if (!strcmp(a->pos[1], KINDS[i]))
            kind = i;
    if (kind == ARRAY_LEN(KINDS))
        die("unknown Steam file '%s' (reviews, games, user-reviews, users-items, bundles)", a->pos[1]);
    if (kind == 0 && op.nusers < 3)
        die("--users %u is too few (the TAB pair needs users 1 and 2)", op.nusers);
    FILE *f = open_out(a);
    sink o;
    sink_file(&o, f, a->gzip);
    switch (kind) {
    case 0: gen_reviews(&o, &op); break;
    case 1: gen_games(&o, &op); break;
    case 2: gen_user_reviews(&o, &op); break;
    case 3: gen_users_items(&o, &op); break;
    default: gen_bundles(&o, &op); break;
    }
    sink_close(&o);
    close_out(a, f);
    return 0;
}
