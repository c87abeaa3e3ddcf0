/*
 * gen_lastfm.c — the Last.fm family of l4r-gen: `lastfm hetrec-2k OUTDIR` writes
 * OUTDIR/hetrec2011-lastfm-2k.zip laid out like GroupLens's HetRec 2011 archive (its .dat files at
 * the zip's root, TAB-separated with a header line, tags.dat in Windows-1252), and `lastfm 1k
 * OUTDIR` writes OUTDIR/lastfm-dataset-1K.tar.gz like Celma's Last.fm-1K archive (folder
 * lastfm-dataset-1K/ with the play log, no header, newest play first per user, and
 * userid-profile.tsv).
 *
 * How: HetRec users and artists get upstream-like ids (users from 2, artists from 1 with gaps),
 * each user's artists are listed in ascending id with heavy-tailed play counts, and the tag
 * assignments are sorted by user, artist and tag — so their millisecond times (local midnights in
 * Europe, as upstream's are) are not in time order within a user.  Artist names carry stray '"'
 * and non-ASCII letters; tags carry characters that only Windows-1252 has.  The 1K log draws
 * artists from a Zipf sampler; many have no MusicBrainz id and most tracks have none, as
 * upstream; a few track names hold a TAB.  The real lines datasets.md (and the 1K's readme and
 * samples) quote come first with their real ids.  The 1K tar is built in memory and gzipped with
 * zlib (mtime 0), so its bytes do not depend on the clock.
 */
#include "gen.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* 2011-05-09, the HetRec release; 2010-05-05, the 1K release. */
#define LF_MTIME_2K 1304899200
#define LF_MTIME_1K 1273017600

/* ---------------------------------------------------------------------------------------------
 * Text pools
 */

/* Artist-name words with non-ASCII letters (UTF-8). */
static const char *const LF_WIDE[] = {"Björk",    "Sigur Rós", "Mötley", "Мумий Тролль",
                                      "東京事変", "Café",      "Ñu"};
/* Tags in UTF-8; the curly quotes, dashes, œ and € exist in Windows-1252 but not in Latin-1. */
static const char *const LF_TAGS[] = {
    "metal",
    "alternative metal",
    "goth rock",
    "rock",
    "pop",
    "80\xe2\x80\x99s",
    "new wave",
    "electr\xc3\xb3nica",
    "chanson fran\xc3\xa7"
    "aise",
    "shoegaze",
    "post-rock",
    "ambient",
    "drum \xe2\x80\x93 bass",
    "\xe2\x80\x9c"
    "classic\xe2\x80\x9d",
    "c\xc5\x93ur",
    "hip-hop",
    "jazz",
    "blues",
    "soul",
    "indie",
    "k-pop",
    "\xe2\x82\xac"
    "uro dance",
    "singer-songwriter",
    "seen live",
    "female vocalists",
    "caf\xc3\xa9 del mar",
    "trip \xe2\x80\x94 hop",
};

/* UTF-8 text as Windows-1252: Latin-1 code points as themselves, the 0x80-0x9F extras mapped. */
static void put_cp1252(sink *o, const char *s)
{
    static const struct {
        uint32_t cp;
        unsigned char b;
    } EXTRA[] = {{0x20AC, 0x80}, {0x201A, 0x82}, {0x201E, 0x84}, {0x2026, 0x85}, {0x2018, 0x91},
                 {0x2019, 0x92}, {0x201C, 0x93}, {0x201D, 0x94}, {0x2013, 0x96}, {0x2014, 0x97},
                 {0x0152, 0x8C}, {0x0153, 0x9C}, {0x0160, 0x8A}, {0x0161, 0x9A}, {0x017E, 0x9E}};
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp = utf8_next(&p);
        char b = '?';
        if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
            b = (char)cp;
        for (size_t i = 0; i < ARRAY_LEN(EXTRA); i++)
            if (EXTRA[i].cp == cp)
                b = (char)EXTRA[i].b;
        putc_(o, b);
    }
}

/* An artist name: mostly "Adj Noun" words, some with stray or unbalanced '"', some non-ASCII. */
static void put_artist_name(sink *o, rng_t *r)
{
    double u = rng_u01(r);
    const char *adj = rng_pick(r, T_ADJ, T_ADJ_LEN), *noun = rng_pick(r, T_NOUN, T_NOUN_LEN);
    if (u < 0.05)
        put_fmt(o, "\"%s\" %s", adj, noun); /* quoted nickname */
    else if (u < 0.08)
        put_fmt(o, "%s %s\"", adj, noun); /* unbalanced */
    else if (u < 0.10)
        put_fmt(o, "\"%s", noun); /* unbalanced at the start */
    else if (u < 0.2)
        put_fmt(o, "%s & the %s", PICK(r, LF_WIDE), noun);
    else if (u < 0.4)
        put_fmt(o, "The %s %ss", adj, noun);
    else
        put_fmt(o, "%s %s", adj, noun);
}

/* A MusicBrainz-style id (a random UUID in lower-case hex). */
static void put_mbid(sink *o, rng_t *r)
{
    static const char HEX[] = "0123456789abcdef";
    for (int i = 0; i < 36; i++)
        putc_(o, (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : HEX[rng_below(r, 16)]);
}

/* Appends "%XX"-escaped URL text of s ('+' for a space), as last.fm's artist URLs are. */
static void put_url_name(sink *o, const char *s)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == ' ')
            putc_(o, '+');
        else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '-' || *p == '.' || *p == '_')
            putc_(o, (char)*p);
        else
            put_fmt(o, "%%%c%c", HEX[*p >> 4], HEX[*p & 15]);
    }
}

/* ---------------------------------------------------------------------------------------------
 * HetRec 2011 Last.fm-2K
 */

typedef struct {
    uint64_t seed;
    uint32_t nusers, nartists, ntags;
    uint64_t tas; /* tag assignments */
} hr_opts;

static uint32_t hr_user_id(uint32_t u)
{
    return 2 + 3 * u; /* user index 91 is id 275, user 2's friend in the real first line */
}
static uint32_t hr_artist_id(uint32_t k)
{
    return k + 1 + (k > 1000 ? (k - 1000) / 16 : 0);
}
/* Milliseconds of local midnight in Central Europe (summer time April to October, roughly). */
static int64_t hr_ms(int y, unsigned m, unsigned d)
{
    int64_t off = (m >= 4 && m <= 10) ? 7200 : 3600;
    return (days_from_civil(y, m, d) * 86400 - off) * 1000;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* n distinct artist indices >= lo from s, sorted; returns how many (fewer when the pool runs dry). */
static uint32_t hr_pick_artists(const sampler *s, rng_t *r, uint32_t lo, uint32_t n, uint32_t *out,
                                unsigned char *seen)
{
    uint32_t got = 0;
    for (uint32_t tries = 0; got < n && tries < 50 * n; tries++) {
        uint32_t k = sampler_draw(s, r);
        if (k < lo || seen[k])
            continue;
        seen[k] = 1;
        out[got++] = k;
    }
    for (uint32_t i = 0; i < got; i++)
        seen[out[i]] = 0;
    qsort(out, got, sizeof(uint32_t), cmp_u32);
    return got;
}

static int hr_friends(uint64_t seed, uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    if (a == 0)
        return b == 91; /* user 2: only the real line's friend 275 */
    return b - a <= 40 && mix64(seed ^ ((uint64_t)a << 32 | b)) % 100 < 10;
}

static void gen_hetrec(const args *a, const char *outdir)
{
    hr_opts op;
    op.seed = a->seed;
    op.nusers = u32_arg(a->users, 120, "--users");
    op.nartists = u32_arg(a->items, 800, "--items");
    op.ntags = u32_arg(a->tags, 150, "--tags");
    uint64_t plays = a->ratings >= 0 ? (uint64_t)a->ratings : 2500;
    op.tas = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    if (op.nusers < 92 || op.nartists < 707 || op.ntags < ARRAY_LEN(LF_TAGS))
        die("lastfm hetrec-2k needs --users >= 92, --items >= 707 and --tags >= 13 (the ids of the real "
            "first lines: user 275, artist 707; the fixed tags)");
    if (plays < 2ULL * op.nusers || op.tas < 2ULL * op.nusers)
        die("--ratings and --lines must be at least twice --users");

    char path[4096];
    snprintf(path, sizeof(path), "%s/hetrec2011-lastfm-2k.zip", outdir);
    zipw z;
    zip_open(&z, path, NULL, LF_MTIME_2K);
    sink o;
    sink_mem(&o);

    puts_(&o, "\n====================\nhetrec2011-lastfm-2k\n====================\n\n"
              "Generated by l4r-gen in the shape of the HetRec 2011 Last.fm dataset; not real data.\n");
    zip_add(&z, "readme.txt", &o);

    /* artists.dat */
    puts_(&o, "id\tname\turl\tpictureURL\n");
    sink name;
    sink_mem(&name);
    for (uint32_t k = 0; k < op.nartists; k++) {
        uint32_t id = hr_artist_id(k);
        if (id == 707) {
            puts_(&o, "707\tMetallica\thttp://www.last.fm/music/Metallica\t"
                      "http://userserve-ak.last.fm/serve/252/7560709.jpg\n");
            continue;
        }
        rng_t r = rng_for(op.seed, "hr-artist", k);
        name.len = 0;
        put_artist_name(&name, &r);
        putc_(&name, 0);
        put_fmt(&o, "%u\t%s\thttp://www.last.fm/music/", id, name.p);
        put_url_name(&o, name.p);
        put_fmt(&o, "\thttp://userserve-ak.last.fm/serve/252/%u.jpg\n",
                (unsigned)(100000 + rng_below(&r, 9000000)));
    }
    zip_add(&z, "artists.dat", &o);

    /* tags.dat (Windows-1252) */
    puts_(&o, "tagID\ttagValue\n");
    for (uint32_t t = 0; t < op.ntags; t++) {
        put_fmt(&o, "%u\t", t + 1);
        if (t < ARRAY_LEN(LF_TAGS)) {
            put_cp1252(&o, LF_TAGS[t]);
        } else {
            rng_t r = rng_for(op.seed, "hr-tag", t);
            name.len = 0;
            put_fmt(&name, "%s %s", rng_pick(&r, T_ADJ, T_ADJ_LEN), PICK(&r, LF_TAGS));
            putc_(&name, 0);
            put_cp1252(&o, name.p);
        }
        putc_(&o, '\n');
    }
    zip_add(&z, "tags.dat", &o);

    sampler pop;
    rng_t pr = rng_for(op.seed, "hr-pop", 0);
    sampler_zipf(&pop, op.nartists, 0.8, 3.0, &pr);
    uint32_t *cnt = xmalloc(sizeof(uint32_t) * op.nusers);
    uint32_t *pick = xmalloc(sizeof(uint32_t) * op.nartists);
    unsigned char *seen = xcalloc(op.nartists, 1);

    /* user_artists.dat: artists ascending per user; user 2 starts with the real 51 (13883 plays). */
    rng_t cr = rng_for(op.seed, "hr-plays", 0);
    apportion(&cr, op.nusers, plays, 2, op.nartists / 2, 1.5, cnt);
    puts_(&o, "userID\tartistID\tweight\n");
    for (uint32_t u = 0; u < op.nusers; u++) {
        rng_t r = rng_for(op.seed, "hr-user", u);
        /* user 2: the real row for artist 51 (index 50), then indices from 51 (ids from 52) on */
        uint32_t n = hr_pick_artists(&pop, &r, u == 0 ? 51 : 0, u == 0 ? cnt[u] - 1 : cnt[u], pick, seen);
        if (u == 0)
            puts_(&o, "2\t51\t13883\n");
        for (uint32_t i = 0; i < n; i++) {
            double x = rng_u01(&r);
            unsigned w = 1 + (unsigned)(x * x * x * x * 60000.0);
            put_fmt(&o, "%u\t%u\t%u\n", hr_user_id(u), hr_artist_id(pick[i]), w);
        }
    }
    zip_add(&z, "user_artists.dat", &o);

    /* user_friends.dat */
    puts_(&o, "userID\tfriendID\n");
    for (uint32_t u = 0; u < op.nusers; u++)
        for (uint32_t v = 0; v < op.nusers; v++)
            if (v != u && hr_friends(op.seed, u, v))
                put_fmt(&o, "%u\t%u\n", hr_user_id(u), hr_user_id(v));
    zip_add(&z, "user_friends.dat", &o);

    /* The tag assignments, sorted by user, artist and tag, once as day/month/year and once in ms. */
    sink ts;
    sink_mem(&ts);
    puts_(&o, "userID\tartistID\ttagID\tday\tmonth\tyear\n");
    puts_(&ts, "userID\tartistID\ttagID\ttimestamp\n");
    rng_t tr = rng_for(op.seed, "hr-tas", 0);
    apportion(&tr, op.nusers, op.tas, 2, 2000, 1.4, cnt);
    for (uint32_t u = 0; u < op.nusers; u++) {
        rng_t r = rng_for(op.seed, "hr-tag-user", u);
        uint32_t left = cnt[u];
        if (u == 0) {
            puts_(&o, "2\t52\t13\t1\t4\t2009\n");
            puts_(&ts, "2\t52\t13\t1238536800000\n");
            left--;
        }
        /* Artists in ascending id (user 2's after the real row's 52, index 51), each with one to
         * four consecutive tag ids; the user's count runs out on the way (or the artists do). */
        uint32_t n = hr_pick_artists(&pop, &r, u == 0 ? 52 : 0, left, pick, seen);
        for (uint32_t i = 0; i < n && left; i++) {
            uint32_t ntag = 1 + (uint32_t)rng_below(&r, 4);
            uint32_t t0 = (uint32_t)rng_below(&r, op.ntags - 4);
            for (uint32_t j = 0; j < ntag && left; j++, left--) {
                int64_t day = days_from_civil(2005, 8, 1) + (int64_t)rng_below(&r, 6 * 365);
                int y;
                unsigned m, d;
                civil_from_days(day, &y, &m, &d);
                uint32_t uid = hr_user_id(u), aid = hr_artist_id(pick[i]), tid = t0 + j + 1;
                put_fmt(&o, "%u\t%u\t%u\t%u\t%u\t%d\n", uid, aid, tid, d, m, y);
                put_fmt(&ts, "%u\t%u\t%u\t%" PRId64 "\n", uid, aid, tid, hr_ms(y, m, d));
            }
        }
    }
    zip_add(&z, "user_taggedartists.dat", &o);
    zip_add(&z, "user_taggedartists-timestamps.dat", &ts);
    zip_close(&z);
    sink_free(&ts);
    sink_free(&name);
    sink_free(&o);
    free(pop.cdf);
    free(cnt);
    free(pick);
    free(seen);
}

/* ---------------------------------------------------------------------------------------------
 * Last.fm-1K (Celma 2010)
 */

/* The first real lines (user_000001's newest plays, from a public copy of the file's head) and the
 * profile file's real head. */
static const char *const K_FIRST[] = {
    "user_000001\t2009-05-04T23:08:57Z\tf1b1cf71-bd35-4e99-8624-24a6e15f133a\tDeep Dish\t\tFuck Me Im Famous "
    "(Pacha "
    "Ibiza)-09-28-2007",
    "user_000001\t2009-04-01T14:24:52Z\t6c639b1f-5390-4ec9-b3f8-7afe1562e107\tLady Alma\t\tRunning For "
    "Nothing "
    "[(Instrumental)]/(Instrumental)",
    "user_000001\t2009-02-05T22:58:19Z\t440cb8ef-cee3-4711-8408-b1bd6e93f390\tTowa "
    "Tei\tc605c224-245b-4107-b9cd-"
    "ab1b2c6adb0a\tMind Wall (Feat. Miho Hatori)",
};
#define K_FIRST_OLDEST 1233874699 /* 2009-02-05T22:58:19Z */
#define K_T1 1241481600           /* 2009-05-05 */
#define K_T0 1108339200           /* 2005-02-14 */
static const char *const K_PROFILE[] = {
    "user_000001\tm\t\tJapan\tAug 13, 2006",           "user_000002\tf\t\tPeru\tFeb 24, 2006",
    "user_000003\tm\t22\tUnited States\tOct 30, 2005", "user_000004\tf\t\t\tApr 26, 2006",
    "user_000005\tm\t\tBulgaria\tJun 29, 2006",        "user_000006\t\t24\tRussian Federation\tMay 18, 2006",
    "user_000007\tf\t\tUnited States\tJan 22, 2006",   "user_000008\tm\t23\tSlovakia\tSep 28, 2006",
    "user_000009\tf\t19\tUnited States\tJan 13, 2007", "user_000010\tm\t19\tPoland\tMay 4, 2006",
    "user_000011\tm\t21\tFinland\tSep 8, 2005",
};
static const char *const K_COUNTRIES[] = {"United Kingdom", "Germany", "Brazil",        "Sweden", "Canada",
                                          "Japan",          "Spain",   "Côte d'Ivoire", "Россия"};

/* User number (1-based) of index u: the first 11 are dense (the real profile lines), then a few
 * numbers are skipped, as 992 of 1,000 exist upstream. */
static uint32_t k_user_no(uint64_t seed, uint32_t u)
{
    uint32_t no = u + 1;
    for (uint32_t i = 11; i < u; i++)
        no += mix64(seed ^ (0x1b1bULL + i)) % 100 == 0;
    return no;
}

static void put_iso_t(sink *o, int64_t t)
{
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    int64_t s = t % 86400;
    put_fmt(o, "%04d-%02u-%02uT%02u:%02u:%02uZ", y, m, d, (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
            (unsigned)(s % 60));
}

/* libarchive writes the tar into this sink (a gzip file sink). */
static la_ssize_t k_write_cb(struct archive *a, void *ud, const void *buf, size_t n)
{
    (void)a;
    put((sink *)ud, buf, n);
    return (la_ssize_t)n;
}

static void k_tar_add(struct archive *ar, const char *name, const sink *data)
{
    archive_put(ar, "tar", name, LF_MTIME_1K, data);
}

static void gen_1k(const args *a, const char *outdir)
{
    uint64_t seed = a->seed;
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    uint32_t nusers = u32_arg(a->users, 30, "--users");
    uint32_t nartists = u32_arg(a->items, 300, "--items");
    if (nusers < 11 || lines < (uint64_t)nusers + 3)
        die("lastfm 1k needs --users >= 11 (the real profile lines) and --lines >= users + 3");
    sink log, prof, tmp;
    sink_mem(&log);
    sink_mem(&prof);
    sink_mem(&tmp);
    uint32_t *cnt = xmalloc(sizeof(uint32_t) * nusers);
    rng_t cr = rng_for(seed, "k-counts", 0);
    apportion(&cr, nusers, lines - 3, 1, 1000000, 1.1, cnt);
    sampler pop;
    rng_t pr = rng_for(seed, "k-pop", 0);
    sampler_zipf(&pop, nartists, 0.9, 2.0, &pr);
    puts_(&prof, "#id\tgender\tage\tcountry\tregistered\n");
    for (uint32_t u = 0; u < nusers; u++) {
        uint32_t no = k_user_no(seed, u);
        rng_t r = rng_for(seed, "k-user", u);
        if (u < ARRAY_LEN(K_PROFILE)) {
            puts_(&prof, K_PROFILE[u]);
            putc_(&prof, '\n');
        } else {
            double g = rng_u01(&r);
            int64_t day = days_from_civil(2003, 1, 1) + (int64_t)rng_below(&r, 6 * 365);
            int y;
            unsigned m, d;
            civil_from_days(day, &y, &m, &d);
            put_fmt(&prof, "user_%06u\t%s\t", no, g < 0.45 ? "m" : g < 0.85 ? "f" : "");
            if (rng_chance(&r, 0.3))
                put_fmt(&prof, "%u", 15 + (unsigned)rng_below(&r, 45));
            put_fmt(&prof, "\t%s\t%s %u, %d\n", rng_chance(&r, 0.1) ? "" : PICK(&r, K_COUNTRIES),
                    MONTHS[m - 1], d, y);
        }
        int64_t t = K_T1 - (int64_t)rng_below(&r, 60 * 86400);
        if (u == 0) {
            for (size_t i = 0; i < ARRAY_LEN(K_FIRST); i++) {
                puts_(&log, K_FIRST[i]);
                putc_(&log, '\n');
            }
            t = K_FIRST_OLDEST;
        }
        /* A play every few minutes in sessions, newest first; 2% repeat the previous second. */
        for (uint32_t c = 0; c < cnt[u]; c++) {
            rng_t lr = rng_for(seed, "k-line", ((uint64_t)u << 32) ^ c);
            int64_t gap = rng_chance(&lr, 0.02)  ? 0
                          : rng_chance(&lr, 0.1) ? 3600 + (int64_t)rng_below(&lr, 200000)
                                                 : 120 + (int64_t)rng_below(&lr, 300);
            if (t - gap > K_T0)
                t -= gap;
            uint32_t k = sampler_draw(&pop, &lr);
            rng_t ar = rng_for(seed, "k-artist", k);
            put_fmt(&log, "user_%06u\t", no);
            put_iso_t(&log, t);
            putc_(&log, '\t');
            if (!rng_chance(&ar, 0.4)) /* 69,420 of 176,948 artists upstream have no MBID */
                put_mbid(&log, &ar);
            putc_(&log, '\t');
            tmp.len = 0;
            put_artist_name(&tmp, &ar);
            putc_(&tmp, 0);
            puts_(&log, tmp.p);
            putc_(&log, '\t');
            /* The track: one of the artist's 12, its id from its own stream so it is stable. */
            uint32_t tk = (uint32_t)rng_below(&lr, 12);
            rng_t trr = rng_for(seed ^ k, "k-track", tk);
            if (rng_chance(&trr, 0.5))
                put_mbid(&log, &trr);
            putc_(&log, '\t');
            put_fmt(&log, "%s %s", rng_pick(&trr, T_NOUN, T_NOUN_LEN), rng_pick(&trr, T_ADJ, T_ADJ_LEN));
            if (rng_chance(&trr, 0.05))
                puts_(&log, "\t(Live)"); /* a TAB inside the last column */
            else if (rng_chance(&trr, 0.1))
                puts_(&log, " \"Remix\"");
            putc_(&log, '\n');
        }
    }
    sink readme;
    sink_mem(&readme);
    puts_(&readme, "Generated by l4r-gen in the shape of the Last.fm Dataset - 1K users; not real data.\n");

    char path[4096];
    snprintf(path, sizeof(path), "%s/lastfm-dataset-1K.tar.gz", outdir);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    sink gz;
    sink_file(&gz, f, 1);
    struct archive *ar = archive_write_new();
    if (archive_write_set_format_pax_restricted(ar) != ARCHIVE_OK ||
        archive_write_open(ar, &gz, NULL, k_write_cb, NULL) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(ar));
    k_tar_add(ar, "lastfm-dataset-1K/", NULL);
    k_tar_add(ar, "lastfm-dataset-1K/README.txt", &readme);
    k_tar_add(ar, "lastfm-dataset-1K/userid-profile.tsv", &prof);
    k_tar_add(ar, "lastfm-dataset-1K/userid-timestamp-artid-artname-traid-traname.tsv", &log);
    if (archive_write_close(ar) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(ar));
    archive_write_free(ar);
    sink_close(&gz);
    if (fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
    sink_free(&readme);
    sink_free(&log);
    sink_free(&prof);
    sink_free(&tmp);
    free(pop.cdf);
    free(cnt);
}

int gen_lastfm_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen lastfm hetrec-2k|1k OUTDIR [options]");
    if (mkdir(a->pos[2], 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", a->pos[2], strerror(errno));
    if (!strcmp(a->pos[1], "hetrec-2k"))
        gen_hetrec(a, a->pos[2]);
    else if (!strcmp(a->pos[1], "1k"))
        gen_1k(a, a->pos[2]);
    else
        die("unknown Last.fm release '%s' (hetrec-2k, 1k)", a->pos[1]);
    return 0;
}
