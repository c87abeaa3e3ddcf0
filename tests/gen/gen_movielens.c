/*
 * gen_movielens.c — the MovieLens family of l4r-gen: `movielens VARIANT OUTDIR` writes
 * OUTDIR/VARIANT.zip laid out like the GroupLens archive of that release (ml-100k's u.* files and
 * splits, ml-1m's and ml-10m's '::' .dat files, the CSV releases with links, tags and genome) plus
 * its .md5 sidecar; `ml25m-ratings` streams the benchmark's ML-25M-shaped ratings.csv.
 *
 * How: a variant table gives each release's layout, encoding, line ends, id gaps and time range.
 * Ratings are made user by user (counts Pareto-apportioned, movies from a Zipf popularity sampler,
 * scores from user and movie biases plus noise), then put in upstream's file order.  The rows that
 * datasets.md quotes from the real files keep their real ids and values and come first where
 * upstream has them first.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------------------------------------
 * MovieLens word pools
 */

/* Accented words representable in ISO-8859-1 (single bytes there). */
static const char *const T_LATIN1[] = {
    "Misérables", "Amélie", "Noël", "Señor",  "Mädchen", "Café",  "Déjà Vu",  "Fräulein", "Niño",    "Ça",
    "Sødme",      "Für",    "Été",  "Garçon", "Brûlé",   "Größe", "Ångström", "Però",     "Cidadão", "Jeûne"};
/* Non-Latin-1 words, only for the UTF-8 (CSV) releases. */
static const char *const T_WIDE[] = {"Брат",  "七人の侍", "Ψυχή",     "Cœur",  "Łódź",
                                     "Città", "Hölle",    "東京物語", "Ödland"};

static const char *const G_NAMES[19] = {"unknown",   "Action",   "Adventure",   "Animation", "Children's",
                                        "Comedy",    "Crime",    "Documentary", "Drama",     "Fantasy",
                                        "Film-Noir", "Horror",   "Musical",     "Mystery",   "Romance",
                                        "Sci-Fi",    "Thriller", "War",         "Western"};
#define G_IMAX (1u << 19)

static const char *const OCCUPATIONS[] = {
    "administrator", "artist",    "doctor",   "educator",  "engineer",  "entertainment", "executive",
    "healthcare",    "homemaker", "lawyer",   "librarian", "marketing", "none",          "other",
    "programmer",    "retired",   "salesman", "scientist", "student",   "technician",    "writer"};

static const char *const TAGS[] = {"funny",
                                   "atmospheric",
                                   "sci-fi",
                                   "twist ending",
                                   "dark comedy",
                                   "Oscar (Best Picture)",
                                   "based on a book",
                                   "visually appealing",
                                   "thought-provoking",
                                   "Tom Hanks",
                                   "Pixar",
                                   "quirky",
                                   "BD-R",
                                   "classic",
                                   "Criterion",
                                   "superhero",
                                   "time travel",
                                   "funny, but dumb",
                                   "dialogue \"quotes\"",
                                   "Amélie",
                                   "cinematography",
                                   "bittersweet",
                                   "predictable",
                                   "overrated",
                                   "romance",
                                   "anime",
                                   "Studio Ghibli",
                                   "so bad it's good",
                                   "excellent!",
                                   "social commentary",
                                   "great soundtrack",
                                   "Léon",
                                   "intelligent, witty",
                                   "In Netflix queue",
                                   "Nudity (Topless)",
                                   "surreal",
                                   "boring",
                                   "must see",
                                   "1970s"};
static const char *const GENOME_TAGS[] = {"007",
                                          "007 (series)",
                                          "18th century",
                                          "1920s",
                                          "1930s",
                                          "1950s",
                                          "1960s",
                                          "1970s",
                                          "1980s",
                                          "19th century",
                                          "3d",
                                          "70mm",
                                          "80s",
                                          "9/11",
                                          "aardman",
                                          "absurd",
                                          "action",
                                          "action packed",
                                          "adaptation",
                                          "adapted from:book",
                                          "adolescence",
                                          "adventure",
                                          "africa",
                                          "afterlife",
                                          "aging",
                                          "aids",
                                          "airplane",
                                          "alcatraz",
                                          "alcoholism",
                                          "alien",
                                          "alien invasion",
                                          "aliens",
                                          "alone in the world",
                                          "alter ego",
                                          "alternate history",
                                          "alternate reality",
                                          "amazing cinematography",
                                          "amazing photography",
                                          "american civil war",
                                          "amnesia"};

/* ---------------------------------------------------------------------------------------------
 * MovieLens
 */

enum { FAM_100K, FAM_1M, FAM_10M, FAM_CSV };

typedef struct {
    const char *name; /* zip stem */
    const char *dir;  /* directory inside the zip */
    int family;
    uint32_t users, items, ratings, tags; /* defaults: small, for tests */
    double idspan;                        /* highest movie id / number of movies upstream */
    uint32_t tmin, tmax;                  /* rating timestamps */
    int genome, crlf, md5_bsd;
    int64_t mtime; /* of the zip members: the release date */
} ml_variant;

static const ml_variant ML_VARIANTS[] = {
    {"ml-100k", "ml-100k", FAM_100K, 200, 400, 5000, 0, 1.0, 874724710, 893286638, 0, 0, 0, 893376000},
    {"ml-1m", "ml-1m", FAM_1M, 120, 3883, 5000, 0, 3952.0 / 3883, 956703932, 1046454590, 0, 0, 0, 1046476800},
    {"ml-10m", "ml-10M100K", FAM_10M, 150, 1000, 6000, 300, 65133.0 / 10681, 789652009, 1231131736, 0, 0, 0,
     1231718400},
    {"ml-20m", "ml-20m", FAM_CSV, 150, 1200, 6000, 300, 131262.0 / 27278, 789652009, 1427784002, 1, 0, 1,
     1427932800},
    {"ml-25m", "ml-25m", FAM_CSV, 150, 1200, 6000, 300, 209171.0 / 62423, 789652009, 1574327703, 1, 0, 0,
     1574294400},
    {"ml-32m", "ml-32m", FAM_CSV, 150, 1200, 6000, 300, 292757.0 / 87585, 789652009, 1697164147, 0, 0, 0,
     1697155200},
    {"ml-latest", "ml-latest", FAM_CSV, 150, 1200, 6000, 300, 288983.0 / 86537, 789652009, 1689842142, 1, 0,
     0, 1689811200},
    {"ml-latest-small", "ml-latest-small", FAM_CSV, 100, 800, 5000, 200, 193609.0 / 9742, 828124615,
     1537799250, 0, 1, 0, 1537920000},
};

/* Movies whose real rows datasets.md quotes (or that carry a trap) keep their real ids. */
typedef struct {
    int family_mask; /* bit per FAM_* */
    uint32_t id;
    const char *title; /* UTF-8 */
    unsigned genres;   /* bits over G_NAMES (+ G_IMAX) */
    const char *date;  /* ml-100k release date */
} fixed_movie;

#define B(x) (1u << (x))
#define FM_ALL (B(FAM_100K) | B(FAM_1M) | B(FAM_10M) | B(FAM_CSV))
#define FM_MODERN (B(FAM_1M) | B(FAM_10M) | B(FAM_CSV))
static const fixed_movie FIXED_MOVIES[] = {
    {B(FAM_100K) | B(FAM_1M), 1, "Toy Story (1995)", B(3) | B(4) | B(5), "01-Jan-1995"},
    {B(FAM_10M) | B(FAM_CSV), 1, "Toy Story (1995)", B(2) | B(3) | B(4) | B(5) | B(9), NULL},
    {B(FAM_100K), 2, "GoldenEye (1995)", B(1) | B(2) | B(16), "01-Jan-1995"},
    {FM_MODERN, 2, "Jumanji (1995)", B(2) | B(4) | B(9), NULL},
    {B(FAM_100K), 9, "Misérables, Les (1995)", B(8) | B(12), "01-Jan-1995"},
    {FM_MODERN, 11, "American President, The (1995)", B(5) | B(8) | B(14), NULL},
    {B(FAM_CSV), 13, "Story of \"G.I. Joe\", The (1945)", B(8) | B(17), NULL},
    {B(FAM_CSV), 17, "Amélie (Fabuleux destin d'Amélie Poulain, Le) (2001)", B(5) | B(14), NULL},
    {FM_MODERN, 73, "Misérables, Les (1995)", B(8) | B(17), NULL},
    {B(FAM_CSV), 97, "Hate (Haine, La) (1995)", B(6) | B(8), NULL},
};

typedef struct {
    uint32_t id;
    unsigned genres;
    int year;
    char title[200];
    char date[24]; /* ml-100k; "" = empty */
} movie_t;

/* Strictly increasing movie ids with upstream-like gaps: dense at the start (so the quoted rows'
 * ids exist), sparser towards the end, reaching about span * n. */
static void make_ids(uint32_t *ids, uint32_t n, double span)
{
    double extra = (span - 1.0) * n;
    uint32_t c = n / 3 < 1300 ? n / 3 : 1300;
    for (uint32_t k = 0; k < n; k++) {
        double f = k > c ? (double)(k - c) / (double)(n - c) : 0.0;
        ids[k] = k + 1 + (uint32_t)(extra * f * f * f);
    }
}

static int find_id(const uint32_t *ids, uint32_t n, uint32_t id)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < n && ids[lo] == id) ? (int)lo : -1;
}

static void make_title(rng_t *r, int utf8_ok, int family, char *out, size_t cap, int *year)
{
    char base[160];
    int y = 1990 + (int)rng_below(r, 30) - (int)(rng_below(r, 90) * rng_u01(r));
    int form = (int)rng_below(r, 12);
    const char *a = rng_pick(r, T_ADJ, T_ADJ_LEN), *n1 = rng_pick(r, T_NOUN, T_NOUN_LEN),
               *n2 = rng_pick(r, T_NOUN, T_NOUN_LEN);
    if (family == FAM_100K && y > 1998)
        y -= 10;
    if (family == FAM_1M && y > 2000)
        y -= 8;
    switch (form) {
    case 0:
    case 1: snprintf(base, sizeof(base), "%s %s", a, n1); break;
    case 2: snprintf(base, sizeof(base), "%s of the %s", n1, n2); break;
    case 3: snprintf(base, sizeof(base), "%s %s, The", a, n1); break;
    case 4:
        snprintf(base, sizeof(base), "%s %s: %s of %s", a, n1, n2, rng_pick(r, T_NOUN, T_NOUN_LEN));
        break;
    case 5: snprintf(base, sizeof(base), "%s %s (%s %s)", a, n1, PICK(r, T_LATIN1), n2); break;
    case 6: snprintf(base, sizeof(base), "%s, Le (%s %s)", PICK(r, T_LATIN1), a, n1); break;
    case 7: snprintf(base, sizeof(base), "%s \"%s\" %s", n1, a, n2); break;
    case 8: snprintf(base, sizeof(base), "%s %s %d", a, n1, 2 + (int)rng_below(r, 3)); break;
    case 9:
        if (utf8_ok)
            snprintf(base, sizeof(base), "%s (%s)", PICK(r, T_WIDE), n1);
        else
            snprintf(base, sizeof(base), "%s %s", PICK(r, T_LATIN1), n1);
        break;
    case 10: snprintf(base, sizeof(base), "%s, %s and the %s", n1, n2, a); break;
    default: snprintf(base, sizeof(base), "%s's %s", n1, n2); break;
    }
    /* The CSV releases hold a few titles without a year: a real trap for year parsers. */
    if (family == FAM_CSV && rng_chance(r, 0.004))
        snprintf(out, cap, "%s", base);
    else
        snprintf(out, cap, "%s (%d)", base, y);
    *year = y;
}

static movie_t *make_catalog(const ml_variant *v, uint64_t seed, uint32_t n, const uint32_t *ids, int enc)
{
    movie_t *m = xcalloc(n, sizeof(*m));
    for (uint32_t k = 0; k < n; k++) {
        rng_t r = rng_for(seed, "movie", ids[k]);
        m[k].id = ids[k];
        make_title(&r, enc == ENC_UTF8 && v->family == FAM_CSV, v->family, m[k].title, sizeof(m[k].title),
                   &m[k].year);
        unsigned g = 0;
        int ng = 1 + (int)rng_below(&r, 3);
        for (int i = 0; i < ng; i++)
            g |= 1u << (1 + rng_below(&r, 18));
        if (v->family == FAM_CSV && rng_chance(&r, 0.04))
            g |= G_IMAX;
        if (v->family == FAM_CSV && rng_chance(&r, 0.012))
            g = 0; /* "(no genres listed)" */
        m[k].genres = g;
        if (rng_chance(&r, 0.8))
            snprintf(m[k].date, sizeof(m[k].date), "01-Jan-%d", m[k].year);
        else
            snprintf(m[k].date, sizeof(m[k].date), "%02u-%s-%d", 1 + (unsigned)rng_below(&r, 28),
                     MONTHS[rng_below(&r, 12)], m[k].year);
    }
    for (size_t i = 0; i < ARRAY_LEN(FIXED_MOVIES); i++) {
        const fixed_movie *f = &FIXED_MOVIES[i];
        if (!(f->family_mask & B(v->family)))
            continue;
        int k = find_id(ids, n, f->id);
        if (k < 0)
            continue;
        snprintf(m[k].title, sizeof(m[k].title), "%s", f->title);
        m[k].genres = f->genres;
        snprintf(m[k].date, sizeof(m[k].date), "%s", f->date ? f->date : "01-Jan-1995");
    }
    if (v->family == FAM_100K) {
        int k = find_id(ids, n, 267);
        if (k >= 0) {
            snprintf(m[k].title, sizeof(m[k].title), "unknown");
            m[k].genres = 1;
            m[k].date[0] = 0;
        }
    }
    return m;
}

/* Genres of the .dat/.csv releases, '|'-joined in upstream's alphabetical order. */
static void put_genres(sink *o, unsigned g, int family)
{
    int first = 1;
    if (g == 0) {
        puts_(o, "(no genres listed)");
        return;
    }
    for (int i = 1; i < 19; i++) {
        if (i == 12 && (g & G_IMAX)) {
            puts_(o, first ? "IMAX" : "|IMAX");
            first = 0;
        }
        if (!(g & (1u << i)))
            continue;
        if (!first)
            putc_(o, '|');
        first = 0;
        if (i == 4 && family != FAM_1M)
            puts_(o, "Children");
        else
            puts_(o, G_NAMES[i]);
    }
}

/* One rating row.  ts fits 32 bits until 2106. */
typedef struct {
    uint32_t user, item, ts;
    uint8_t r2; /* half stars, 1..10 */
    uint8_t fixed;
} rrow;

/* Real rating rows quoted by datasets.md; kept when their user and movie exist. */
typedef struct {
    int family;
    const char *variant; /* NULL = every variant of the family */
    rrow row;
} fixed_rating;

static const fixed_rating FIXED_RATINGS[] = {
    {FAM_100K, NULL, {196, 242, 881250949, 6, 1}},
    {FAM_100K, NULL, {186, 302, 891717742, 6, 1}},
    {FAM_100K, NULL, {22, 377, 878887116, 2, 1}},
    {FAM_1M, NULL, {1, 1193, 978300760, 10, 1}},
    {FAM_1M, NULL, {1, 661, 978302109, 6, 1}},
    {FAM_CSV, "ml-latest-small", {1, 1, 964982703, 8, 1}},
    {FAM_CSV, "ml-latest-small", {1, 3, 964981247, 8, 1}},
};

typedef struct {
    uint64_t seed;
    uint32_t nusers, nitems;
    const uint32_t *ids;
    uint32_t *counts;
    sampler pop;
    uint8_t *mark;
    uint32_t *touched;
    size_t ntouched;
    int half, sorted;
    uint32_t tmin, tmax;
    rrow fixed[8];
    int fixed_idx[8];
    size_t nfixed;
    rrow *row; /* scratch for one user */
} mlgen;

static int cmp_row_item(const void *a, const void *b)
{
    const rrow *x = a, *y = b;
    return (x->item > y->item) - (x->item < y->item);
}

static int cmp_row_user_item(const void *a, const void *b)
{
    const rrow *x = a, *y = b;
    if (x->user != y->user)
        return (x->user > y->user) - (x->user < y->user);
    return (x->item > y->item) - (x->item < y->item);
}

static void mlgen_init(mlgen *g, uint64_t seed, uint32_t nusers, uint32_t nitems, const uint32_t *ids,
                       uint64_t nratings, uint32_t minper, int half, int sorted, uint32_t tmin, uint32_t tmax,
                       int family, const char *variant)
{
    memset(g, 0, sizeof(*g));
    g->seed = seed;
    g->nusers = nusers;
    g->nitems = nitems;
    g->ids = ids;
    g->half = half;
    g->sorted = sorted;
    g->tmin = tmin;
    g->tmax = tmax;
    uint32_t cap = nitems < 40 ? nitems : (uint32_t)(nitems * 0.55);
    if (minper > cap)
        minper = cap;
    if (nratings < (uint64_t)nusers * minper)
        die("--ratings %" PRIu64 " is less than %" PRIu32 " users x %" PRIu32 " ratings each", nratings,
            nusers, minper);
    if (nratings > (uint64_t)nusers * cap)
        die("--ratings %" PRIu64 " needs more movies (at most %" PRIu32 " per user)", nratings, cap);
    for (size_t i = 0; i < ARRAY_LEN(FIXED_RATINGS); i++) {
        const fixed_rating *f = &FIXED_RATINGS[i];
        if (f->family != family || (f->variant && strcmp(f->variant, variant) != 0))
            continue;
        int k = find_id(ids, nitems, f->row.item);
        if (f->row.user > nusers || k < 0)
            continue;
        g->fixed[g->nfixed] = f->row;
        g->fixed_idx[g->nfixed] = k;
        g->nfixed++;
    }
    g->counts = xmalloc(nusers * sizeof(*g->counts));
    rng_t r = rng_for(seed, "ml-counts", 0);
    apportion(&r, nusers, nratings, minper, cap, 1.3, g->counts);
    rng_t pr = rng_for(seed, "ml-popularity", 0);
    sampler_zipf(&g->pop, nitems, 0.95, 2.0, &pr);
    g->mark = xcalloc(nitems, 1);
    g->touched = xmalloc(nitems * sizeof(*g->touched));
    g->row = xmalloc((cap + 8) * sizeof(*g->row));
}

static void mlgen_free(mlgen *g)
{
    free(g->counts);
    free(g->pop.cdf);
    free(g->mark);
    free(g->touched);
    free(g->row);
}

static void mlgen_mark(mlgen *g, uint32_t k)
{
    g->mark[k] = 1;
    g->touched[g->ntouched++] = k;
}

/* Fills g->row with the ratings of user index u (user id u + 1); returns the count.  Unsorted
 * mode puts the user's quoted real rows first. */
static uint32_t mlgen_user(mlgen *g, uint32_t u)
{
    rng_t r = rng_for(g->seed, "ml-user", u);
    uint32_t c = g->counts[u], n = 0, uid = u + 1;
    double ubias = (rng_u01(&r) - 0.5) * 1.4;
    uint32_t span = g->tmax - g->tmin;
    uint32_t start = g->tmin + (uint32_t)rng_below(&r, span);
    uint32_t window = (uint32_t)((double)(g->tmax - start) * pow(rng_u01(&r), 3.0)) + 1;
    int max_fixed = -1;

    for (size_t i = 0; i < g->nfixed; i++) {
        if (g->fixed[i].user != uid)
            continue;
        g->row[n++] = g->fixed[i];
        mlgen_mark(g, (uint32_t)g->fixed_idx[i]);
        if (g->fixed_idx[i] > max_fixed)
            max_fixed = g->fixed_idx[i];
    }
    /* Sorted releases: the quoted rows must be this user's first, so nothing smaller. */
    if (g->sorted) {
        for (int k = 0; k < max_fixed; k++) {
            if (!g->mark[k])
                mlgen_mark(g, (uint32_t)k);
        }
    }
    int uniform = c > g->nitems / 4;
    while (n < c) {
        uint32_t k;
        int tries = 0;
        for (;;) {
            if (uniform || tries > 24)
                k = (uint32_t)rng_below(&r, g->nitems);
            else
                k = sampler_draw(&g->pop, &r);
            if (!g->mark[k])
                break;
            tries++;
        }
        mlgen_mark(g, k);
        double ib = ((double)(mix64(g->seed ^ (k * 0x9e3779b97f4a7c15ULL)) >> 11) * 0x1.0p-53 - 0.5) * 1.6;
        double score = 3.55 + ubias + ib + rng_gauss(&r) * 0.85;
        int r2;
        if (g->half) {
            r2 = (int)lround(score * 2.0);
            if (r2 < 1)
                r2 = 1;
        } else {
            int s = (int)lround(score);
            if (s < 1)
                s = 1;
            if (s > 5)
                s = 5;
            r2 = 2 * s;
        }
        if (r2 > 10)
            r2 = 10;
        rrow *row = &g->row[n++];
        row->user = uid;
        row->item = g->ids[k];
        row->ts = start + (uint32_t)rng_below(&r, window);
        row->r2 = (uint8_t)r2;
        row->fixed = 0;
    }
    for (size_t i = 0; i < g->ntouched; i++)
        g->mark[g->touched[i]] = 0;
    g->ntouched = 0;
    if (g->sorted)
        qsort(g->row, n, sizeof(*g->row), cmp_row_item);
    return n;
}

/* All ratings of a release in memory, in file order. */
typedef struct {
    rrow *v;
    size_t n, cap;
} rowvec;

static void rowvec_push(rowvec *rv, const rrow *r)
{
    if (rv->n == rv->cap) {
        rv->cap = rv->cap ? rv->cap * 2 : 4096;
        rv->v = xrealloc(rv->v, rv->cap * sizeof(*rv->v));
    }
    rv->v[rv->n++] = *r;
}

/* ---------------------------------------------------------------------------------------------
 * MovieLens members
 */

/* Rating in half stars (1..10) as "4.0"/"3.5" (CSV, JSON floats) or "4"/"3.5" (.dat files). */
static void put_rating(sink *o, unsigned r2, int trailing_zero)
{
    put_u64(o, r2 / 2);
    if (r2 % 2)
        puts_(o, ".5");
    else if (trailing_zero)
        puts_(o, ".0");
}

static void put_readme(sink *o, const ml_variant *v, uint32_t nusers, uint32_t nitems, size_t nratings,
                       size_t ntags, int crlf)
{
    static const char *const lines[] = {
        "Summary",
        "=======",
        "",
        "This is a synthetic stand-in generated by l4r-gen for the llm4rec-data test suite. It has",
        "the layout, file names, separators and encodings of the GroupLens release named below, but",
        "none of its data. The real data set is available from GroupLens Research; its README holds",
        "the usage license (research use, citation of F. Maxwell Harper and Joseph A. Konstan, 2015,",
        "\"The MovieLens Datasets: History and Context\", ACM TiiS 5(4), no redistribution without",
        "separate permission unless the release says otherwise).",
        ""};
    put_fmt(o, "Release: %s (synthetic)", v->name);
    put_eol(o, crlf);
    for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
        puts_(o, lines[i]);
        put_eol(o, crlf);
    }
    put_fmt(o, "%zu ratings and %zu tag applications across %" PRIu32 " movies by %" PRIu32 " users.",
            nratings, ntags, nitems, nusers);
    put_eol(o, crlf);
}

static void put_ml100k_item(sink *o, const movie_t *m)
{
    put_u64(o, m->id);
    putc_(o, '|');
    put_text(o, m->title, ENC_LATIN1);
    putc_(o, '|');
    puts_(o, m->date);
    puts_(o, "||");
    if (m->date[0]) {
        /* IMDb search URL: spaces as %20, Latin-1 bytes as %XX, the rest raw. */
        puts_(o, "http://us.imdb.com/M/title-exact?");
        const unsigned char *p = (const unsigned char *)m->title;
        while (*p) {
            uint32_t c = utf8_next(&p);
            if (c == ' ' || c >= 0x80 || c == '"' || c == '&' || c == '#')
                put_fmt(o, "%%%02X", c & 0xFFu);
            else
                putc_(o, (char)c);
        }
    }
    for (int i = 0; i < 19; i++)
        puts_(o, (m->genres & (1u << i)) ? "|1" : "|0");
    putc_(o, '\n');
}

static void put_tsv_rows(sink *o, const rrow *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put_u64(o, v[i].user);
        putc_(o, '\t');
        put_u64(o, v[i].item);
        putc_(o, '\t');
        put_u64(o, v[i].r2 / 2);
        putc_(o, '\t');
        put_u64(o, v[i].ts);
        putc_(o, '\n');
    }
}

/* ml-100k's u1..u5 (5 folds) and ua/ub (exactly 10 test ratings per user) splits, sorted by
 * user and item like upstream. */
static void ml100k_splits(zipw *z, sink *o, const rowvec *all, uint64_t seed)
{
    size_t n = all->n;
    rrow *base = xmalloc(n * sizeof(*base)), *test = xmalloc(n * sizeof(*test));
    for (int fold = 1; fold <= 5; fold++) {
        size_t nb = 0, nt = 0;
        for (size_t i = 0; i < n; i++) {
            if ((int)(i % 5) + 1 == fold)
                test[nt++] = all->v[i];
            else
                base[nb++] = all->v[i];
        }
        qsort(base, nb, sizeof(*base), cmp_row_user_item);
        qsort(test, nt, sizeof(*test), cmp_row_user_item);
        char name[32];
        put_tsv_rows(o, base, nb);
        snprintf(name, sizeof(name), "u%d.base", fold);
        zip_add(z, name, o);
        put_tsv_rows(o, test, nt);
        snprintf(name, sizeof(name), "u%d.test", fold);
        zip_add(z, name, o);
    }
    rrow *sorted = xmalloc(n * sizeof(*sorted));
    memcpy(sorted, all->v, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), cmp_row_user_item);
    for (int s = 0; s < 2; s++) {
        size_t nb = 0, nt = 0;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j < n && sorted[j].user == sorted[i].user)
                j++;
            size_t cnt = j - i;
            uint8_t *pick = xcalloc(cnt, 1);
            rng_t r = rng_for(seed, s ? "ub" : "ua", sorted[i].user);
            for (size_t t = 0; t < 10 && t < cnt; t++) {
                size_t k;
                do {
                    k = (size_t)rng_below(&r, cnt);
                } while (pick[k]);
                pick[k] = 1;
            }
            for (size_t k = 0; k < cnt; k++) {
                if (pick[k])
                    test[nt++] = sorted[i + k];
                else
                    base[nb++] = sorted[i + k];
            }
            free(pick);
            i = j;
        }
        put_tsv_rows(o, base, nb);
        zip_add(z, s ? "ub.base" : "ua.base", o);
        put_tsv_rows(o, test, nt);
        zip_add(z, s ? "ub.test" : "ua.test", o);
    }
    free(sorted);
    free(base);
    free(test);
}

typedef struct {
    uint32_t user, item, ts;
    const char *tag;
} tagrow;

static int cmp_tag(const void *a, const void *b)
{
    const tagrow *x = a, *y = b;
    if (x->user != y->user)
        return (x->user > y->user) - (x->user < y->user);
    if (x->item != y->item)
        return (x->item > y->item) - (x->item < y->item);
    if (x->ts != y->ts)
        return (x->ts > y->ts) - (x->ts < y->ts);
    return strcmp(x->tag, y->tag);
}

static tagrow *make_tags(const ml_variant *v, uint64_t seed, uint32_t ntags, uint32_t nusers,
                         const uint32_t *ids, const sampler *pop)
{
    tagrow *t = xmalloc((ntags ? ntags : 1) * sizeof(*t));
    sampler taggers;
    rng_t pr = rng_for(seed, "taggers", 0);
    sampler_zipf(&taggers, nusers, 1.1, 1.0, &pr);
    for (uint32_t i = 0; i < ntags; i++) {
        rng_t r = rng_for(seed, "tag", i);
        t[i].user = sampler_draw(&taggers, &r) + 1;
        t[i].item = ids[sampler_draw(pop, &r)];
        t[i].ts = v->tmin + (uint32_t)rng_below(&r, v->tmax - v->tmin);
        t[i].tag = PICK(&r, TAGS);
    }
    qsort(t, ntags, sizeof(*t), cmp_tag);
    free(taggers.cdf);
    return t;
}

static void ml_write_ratings_csv(sink *o, const rowvec *rv, int crlf)
{
    puts_(o, "userId,movieId,rating,timestamp");
    put_eol(o, crlf);
    for (size_t i = 0; i < rv->n; i++) {
        const rrow *r = &rv->v[i];
        put_u64(o, r->user);
        putc_(o, ',');
        put_u64(o, r->item);
        putc_(o, ',');
        put_rating(o, r->r2, 1);
        putc_(o, ',');
        put_u64(o, r->ts);
        put_eol(o, crlf);
    }
}

typedef struct {
    uint32_t users, items;
    uint64_t ratings, tags;
    uint64_t seed;
    int enc, crlf;
} ml_opts;

static void gen_movielens(const ml_variant *v, const char *outdir, const ml_opts *op)
{
    char zpath[4096], mpath[4200], hex[33] = {0};
    uint32_t *ids = xmalloc(op->items * sizeof(*ids));
    int fam = v->family;
    int enc = op->enc;
    int crlf = op->crlf;
    sink o;
    zipw z;
    rowvec rv = {0};
    mlgen g;

    make_ids(ids, op->items, v->idspan);
    movie_t *movies = make_catalog(v, op->seed, op->items, ids, enc);
    mlgen_init(&g, op->seed, op->users, op->items, ids, op->ratings, 20, fam != FAM_100K && fam != FAM_1M,
               fam == FAM_10M || fam == FAM_CSV, v->tmin, v->tmax, fam, v->name);

    /* File order: 100k is randomly ordered with the quoted rows first; 1m is grouped by user
     * (quoted rows first within user 1); 10m and the CSVs are ordered by user then movie. */
    rowvec fixed = {0};
    for (uint32_t u = 0; u < op->users; u++) {
        uint32_t n = mlgen_user(&g, u);
        for (uint32_t i = 0; i < n; i++) {
            if (fam == FAM_100K && g.row[i].fixed)
                continue;
            rowvec_push(&rv, &g.row[i]);
        }
    }
    if (fam == FAM_100K) {
        rng_t r = rng_for(op->seed, "u.data-order", 0);
        for (size_t i = rv.n; i > 1; i--) {
            size_t j = (size_t)rng_below(&r, i);
            rrow t = rv.v[i - 1];
            rv.v[i - 1] = rv.v[j];
            rv.v[j] = t;
        }
        for (size_t i = 0; i < g.nfixed; i++)
            rowvec_push(&fixed, &g.fixed[i]);
        for (size_t i = 0; i < rv.n; i++)
            rowvec_push(&fixed, &rv.v[i]);
        free(rv.v);
        rv = fixed;
    }
    uint32_t ntags = (uint32_t)op->tags;
    tagrow *tags = make_tags(v, op->seed, ntags, op->users, ids, &g.pop);

    if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", outdir, strerror(errno));
    snprintf(zpath, sizeof(zpath), "%s/%s.zip", outdir, v->name);
    zip_open(&z, zpath, v->dir, v->mtime);
    sink_mem(&o);

    if (fam == FAM_100K) {
        puts_(&o, "#!/usr/local/bin/perl\n\n# Writes N-fold splits of u.data where each test set\n"
                  "# holds exactly 10 ratings per user (l4r-gen stand-in for allbut.pl).\n"
                  "($prefix, $start, $end, $total, $file) = @ARGV;\n"
                  "die \"usage: allbut.pl prefix start end total file\\n\" unless $file;\n");
        zip_add(&z, "allbut.pl", &o);
        puts_(&o, "#!/bin/sh\n\ntrap `rm -f tmp.$$; exit 1` 1 2 15\n\nfor i in 1 2 3 4 5\ndo\n"
                  "\thead -`expr $i \\* 20000` u.data | tail -20000 > tmp.$$\n"
                  "\tsort -t\"\t\" -k 1,1n -k 2,2n tmp.$$ > u$i.test\ndone\n");
        zip_add(&z, "mku.sh", &o);
        put_readme(&o, v, op->users, op->items, rv.n, 0, 0);
        zip_add(&z, "README", &o);
        put_tsv_rows(&o, rv.v, rv.n);
        zip_add(&z, "u.data", &o);
        for (int i = 0; i < 19; i++)
            put_fmt(&o, "%s|%d\n", G_NAMES[i], i);
        putc_(&o, '\n');
        zip_add(&z, "u.genre", &o);
        put_fmt(&o, "%" PRIu32 " users\n%" PRIu32 " items\n%zu ratings\n", op->users, op->items, rv.n);
        zip_add(&z, "u.info", &o);
        for (uint32_t k = 0; k < op->items; k++)
            put_ml100k_item(&o, &movies[k]);
        zip_add(&z, "u.item", &o);
        for (size_t i = 0; i < ARRAY_LEN(OCCUPATIONS); i++)
            put_fmt(&o, "%s\n", OCCUPATIONS[i]);
        zip_add(&z, "u.occupation", &o);
        for (uint32_t u = 1; u <= op->users; u++) {
            rng_t r = rng_for(op->seed, "u.user", u);
            if (u == 1) {
                puts_(&o, "1|24|M|technician|85711\n");
                continue;
            }
            put_fmt(&o, "%" PRIu32 "|%u|%c|%s|", u, 7 + (unsigned)rng_below(&r, 60),
                    rng_chance(&r, 0.71) ? 'M' : 'F', PICK(&r, OCCUPATIONS));
            if (rng_chance(&r, 0.02))
                put_fmt(&o, "%c%u%c%u%c\n", 'A' + (int)rng_below(&r, 26), (unsigned)rng_below(&r, 10),
                        'A' + (int)rng_below(&r, 26), (unsigned)rng_below(&r, 10),
                        'A' + (int)rng_below(&r, 26));
            else
                put_fmt(&o, "%05u\n", (unsigned)rng_below(&r, 99999));
        }
        zip_add(&z, "u.user", &o);
        ml100k_splits(&z, &o, &rv, op->seed);
    } else if (fam == FAM_1M) {
        for (uint32_t k = 0; k < op->items; k++) {
            put_u64(&o, movies[k].id);
            puts_(&o, "::");
            put_text(&o, movies[k].title, enc);
            puts_(&o, "::");
            put_genres(&o, movies[k].genres, fam);
            putc_(&o, '\n');
        }
        zip_add(&z, "movies.dat", &o);
        for (size_t i = 0; i < rv.n; i++) {
            put_fmt(&o, "%" PRIu32 "::%" PRIu32 "::%u::%" PRIu32 "\n", rv.v[i].user, rv.v[i].item,
                    rv.v[i].r2 / 2u, rv.v[i].ts);
        }
        zip_add(&z, "ratings.dat", &o);
        put_readme(&o, v, op->users, op->items, rv.n, 0, 0);
        zip_add(&z, "README", &o);
        static const unsigned AGES[] = {1, 18, 25, 35, 45, 50, 56};
        for (uint32_t u = 1; u <= op->users; u++) {
            rng_t r = rng_for(op->seed, "users.dat", u);
            if (u == 1) {
                puts_(&o, "1::F::1::10::48067\n");
                continue;
            }
            put_fmt(&o, "%" PRIu32 "::%c::%u::%u::%05u", u, rng_chance(&r, 0.72) ? 'M' : 'F',
                    AGES[rng_below(&r, ARRAY_LEN(AGES))], (unsigned)rng_below(&r, 21),
                    (unsigned)rng_below(&r, 99999));
            if (rng_chance(&r, 0.01))
                put_fmt(&o, "-%04u", (unsigned)rng_below(&r, 9999));
            putc_(&o, '\n');
        }
        zip_add(&z, "users.dat", &o);
    } else if (fam == FAM_10M) {
        puts_(&o, "#!/usr/bin/perl\n# l4r-gen stand-in: writes r*.train/r*.test with exactly 10 test "
                  "ratings per user.\n");
        zip_add(&z, "allbut.pl", &o);
        for (uint32_t k = 0; k < op->items; k++) {
            put_u64(&o, movies[k].id);
            puts_(&o, "::");
            put_text(&o, movies[k].title, enc);
            puts_(&o, "::");
            put_genres(&o, movies[k].genres ? movies[k].genres : B(8), fam);
            putc_(&o, '\n');
        }
        zip_add(&z, "movies.dat", &o);
        for (size_t i = 0; i < rv.n; i++) {
            put_u64(&o, rv.v[i].user);
            puts_(&o, "::");
            put_u64(&o, rv.v[i].item);
            puts_(&o, "::");
            put_rating(&o, rv.v[i].r2, 0);
            puts_(&o, "::");
            put_u64(&o, rv.v[i].ts);
            putc_(&o, '\n');
        }
        zip_add(&z, "ratings.dat", &o);
        puts_(&o, "<html><head><title>MovieLens 10M100K (synthetic)</title></head><body><pre>\n");
        put_readme(&o, v, op->users, op->items, rv.n, ntags, 0);
        puts_(&o, "</pre></body></html>\n");
        zip_add(&z, "README.html", &o);
        puts_(&o, "#!/bin/sh\n# l4r-gen stand-in: splits ratings.dat into r1..r5 train/test sets.\n");
        zip_add(&z, "split_ratings.sh", &o);
        for (uint32_t i = 0; i < ntags; i++) {
            put_fmt(&o, "%" PRIu32 "::%" PRIu32 "::", tags[i].user, tags[i].item);
            put_text(&o, tags[i].tag, enc);
            put_fmt(&o, "::%" PRIu32 "\n", tags[i].ts);
        }
        zip_add(&z, "tags.dat", &o);
    } else {
        /* CSV family: UTF-8, RFC 4180 quoting, one header row. */
        if (v->genome) {
            uint32_t nt = (uint32_t)ARRAY_LEN(GENOME_TAGS);
            uint32_t nm = op->items < 60 ? op->items : 60;
            for (uint32_t k = 0; k < nm; k++) {
                for (uint32_t t = 1; t <= nt; t++) {
                    rng_t r = rng_for(op->seed, "genome", (uint64_t)k * 4096 + t);
                    if (k == 0 && t == 1)
                        puts_(&o, "movieId,tagId,relevance");
                    if (k == 0 && t == 1)
                        put_eol(&o, crlf);
                    unsigned rel = (unsigned)(pow(rng_u01(&r), 3.0) * 100000);
                    put_fmt(&o, "%" PRIu32 ",%" PRIu32 ",%u.%05u", ids[k], t, rel / 100000, rel % 100000);
                    if (rng_chance(&r, 0.1))
                        puts_(&o, "000000000005");
                    put_eol(&o, crlf);
                }
            }
            zip_add(&z, "genome-scores.csv", &o);
            puts_(&o, "tagId,tag");
            put_eol(&o, crlf);
            for (uint32_t t = 1; t <= nt; t++) {
                put_fmt(&o, "%" PRIu32 ",", t);
                put_csv(&o, GENOME_TAGS[t - 1]);
                put_eol(&o, crlf);
            }
            zip_add(&z, "genome-tags.csv", &o);
        }
        puts_(&o, "movieId,imdbId,tmdbId");
        put_eol(&o, crlf);
        for (uint32_t k = 0; k < op->items; k++) {
            rng_t r = rng_for(op->seed, "links", ids[k]);
            if (ids[k] == 1) {
                puts_(&o, "1,0114709,862");
            } else {
                /* imdbIds grew slowly until the 2000s: old films keep two leading zeros. */
                int y = movies[k].year;
                unsigned imdb = y < 2000 ? (unsigned)((y > 1890 ? y - 1890 : 1) * 1100 + rng_below(&r, 1100))
                                         : (unsigned)(121000 + (y - 2000) * 250000 + rng_below(&r, 250000));
                put_fmt(&o, "%" PRIu32 ",%07u,", ids[k], imdb % 10000000);
                if (!rng_chance(&r, 0.02))
                    put_u64(&o, 1 + rng_below(&r, 600000));
            }
            put_eol(&o, crlf);
        }
        zip_add(&z, "links.csv", &o);
        puts_(&o, "movieId,title,genres");
        put_eol(&o, crlf);
        for (uint32_t k = 0; k < op->items; k++) {
            put_u64(&o, ids[k]);
            putc_(&o, ',');
            put_csv(&o, movies[k].title);
            putc_(&o, ',');
            put_genres(&o, movies[k].genres, fam);
            put_eol(&o, crlf);
        }
        zip_add(&z, "movies.csv", &o);
        ml_write_ratings_csv(&o, &rv, crlf);
        zip_add(&z, "ratings.csv", &o);
        put_readme(&o, v, op->users, op->items, rv.n, ntags, crlf);
        zip_add(&z, "README.txt", &o);
        puts_(&o, "userId,movieId,tag,timestamp");
        put_eol(&o, crlf);
        for (uint32_t i = 0; i < ntags; i++) {
            put_fmt(&o, "%" PRIu32 ",%" PRIu32 ",", tags[i].user, tags[i].item);
            put_csv(&o, tags[i].tag);
            put_fmt(&o, ",%" PRIu32, tags[i].ts);
            put_eol(&o, crlf);
        }
        zip_add(&z, "tags.csv", &o);
    }
    zip_close(&z);
    sink_free(&o);

    md5_file(zpath, hex);
    snprintf(mpath, sizeof(mpath), "%s.md5", zpath);
    FILE *f = fopen(mpath, "wb");
    if (!f)
        die("cannot create '%s': %s", mpath, strerror(errno));
    if (v->md5_bsd)
        fprintf(f, "MD5 (%s.zip) = %s\n", v->name, hex);
    else
        fprintf(f, "%s  %s.zip\n", hex, v->name);
    if (fclose(f) != 0)
        die("cannot write '%s': %s", mpath, strerror(errno));

    free(tags);
    free(rv.v);
    free(movies);
    free(ids);
    mlgen_free(&g);
}

/* The benchmark input: ML-25M's ratings.csv shape, streamed user by user. */
static void gen_ml25m_ratings(FILE *f, uint64_t rows, uint64_t seed)
{
    const uint32_t nusers = 162541, nmovies = 59047;
    uint32_t *ids = xmalloc(nmovies * sizeof(*ids));
    mlgen g;
    sink o;
    rowvec rv = {0};
    uint32_t users = nusers;

    if (rows < (uint64_t)nusers * 20)
        users = (uint32_t)(rows / 20 ? rows / 20 : 1);
    make_ids(ids, nmovies, 209171.0 / nmovies);
    mlgen_init(&g, seed, users, nmovies, ids, rows, rows >= 20 ? 20 : 1, 1, 1, 789652009, 1574327703, FAM_CSV,
               "ml-25m");
    sink_file(&o, f, 0);
    ml_write_ratings_csv(&o, &rv, 0);
    for (uint32_t u = 0; u < users; u++) {
        uint32_t n = mlgen_user(&g, u);
        for (uint32_t i = 0; i < n; i++) {
            const rrow *r = &g.row[i];
            put_u64(&o, r->user);
            putc_(&o, ',');
            put_u64(&o, r->item);
            putc_(&o, ',');
            put_rating(&o, r->r2, 1);
            putc_(&o, ',');
            put_u64(&o, r->ts);
            putc_(&o, '\n');
        }
    }
    sink_close(&o);
    mlgen_free(&g);
    free(ids);
}

/* ---------------------------------------------------------------------------------------------
 * Entry points (gen.h): check the arguments, apply each variant's defaults, generate
 */

int gen_movielens_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen movielens VARIANT OUTDIR [options]");
    const ml_variant *v = NULL;
    for (size_t i = 0; i < ARRAY_LEN(ML_VARIANTS); i++) {
        if (!strcmp(ML_VARIANTS[i].name, a->pos[1]))
            v = &ML_VARIANTS[i];
    }
    if (!v)
        die("unknown MovieLens variant '%s'", a->pos[1]);
    ml_opts op;
    op.users = u32_arg(a->users, v->users, "--users");
    op.items = u32_arg(a->items, v->items, "--items");
    op.ratings = a->ratings >= 0 ? (uint64_t)a->ratings : v->ratings;
    if (a->ratings < 0 && op.ratings < (uint64_t)op.users * 25)
        op.ratings = (uint64_t)op.users * 25;
    op.tags = a->tags >= 0 ? (uint64_t)a->tags : v->tags;
    if (op.tags > 100000000)
        die("--tags too large");
    op.seed = a->seed;
    op.enc = a->enc >= 0 ? a->enc : (v->family == FAM_CSV ? ENC_UTF8 : ENC_LATIN1);
    if (v->family == FAM_100K && op.enc != ENC_LATIN1)
        die("ml-100k's u.item is ISO-8859-1 only");
    op.crlf = a->crlf >= 0 ? a->crlf : v->crlf;
    if (op.crlf && v->family != FAM_CSV)
        die("--crlf applies to the CSV releases only");
    gen_movielens(v, a->pos[2], &op);
    return 0;
}

int gen_ml25m_ratings_main(const args *a)
{
    if (a->npos != 1)
        die("usage: l4r-gen ml25m-ratings [--rows N] [--seed S] [-o FILE]");
    uint64_t rows = a->rows >= 0 ? (uint64_t)a->rows : 25000095ULL;
    if (rows == 0 || rows > 4000000000ULL)
        die("--rows must be between 1 and 4000000000");
    FILE *f = open_out(a);
    gen_ml25m_ratings(f, rows, a->seed);
    close_out(a, f);
    return 0;
}
