/*
 * l4r-gen.c — deterministic generator of files shaped exactly like the upstream dataset files
 * (see /work/shared/datasets.md), for the test fixtures and the benchmark.
 *
 *   l4r-gen movielens VARIANT OUTDIR [--users N] [--items N] [--ratings N] [--tags N]
 *                     [--seed S] [--encoding latin1|utf8] [--crlf|--lf]
 *       writes OUTDIR/VARIANT.zip laid out like the GroupLens archive and OUTDIR/VARIANT.zip.md5
 *   l4r-gen ml25m-ratings [--rows N] [--seed S] [-o FILE]
 *       an ML-25M-shaped ratings.csv (header + exactly N rows) on stdout or FILE
 *   l4r-gen amazon 2014|2018|2023 reviews|meta|ratings [--lines N] [--users N] [--items N]
 *                  [--gzip] [--seed S] [-o FILE]
 *
 * How: every random choice comes from splitmix64 streams keyed by (seed, label, index), never from
 * time, addresses or iteration order of hash tables, so the same arguments give the same bytes.
 * (Floating point goes through libm's pow/log; the same binary on the same libm is byte-stable.)
 * Zip entries get fixed mtimes and owners, and TZ is forced to UTC because the zip writer stores
 * DOS times in local time.  Output goes through one large buffer (1 MiB, flushed with fwrite or
 * gzwrite) with hand-written integer formatting, which keeps the 25M-row benchmark file to a few
 * seconds.  Where datasets.md quotes real upstream lines, those lines are written first, verbatim.
 *
 * This program is a test tool: it prints its own errors and exits 1 on the first one.  It does not
 * link the project library on purpose, so it can never share a bug with the code it feeds.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------------------------------
 * Errors and memory
 */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("l4r-gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die("out of memory (%zu bytes)", n);
    return q;
}

/* ---------------------------------------------------------------------------------------------
 * PRNG: splitmix64.  A stream is keyed by (seed, label, index) so that each user, item or line
 * draws from its own sequence: adding a flag that changes one part of the output does not shift
 * the random numbers of every other part.
 */

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rng_next(rng_t *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

static rng_t rng_for(uint64_t seed, const char *label, uint64_t idx)
{
    uint64_t h = 1469598103934665603ULL;
    rng_t r;
    for (const char *p = label; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    r.s = mix64(seed ^ mix64(h ^ mix64(idx + 0x632be59bd9b4e019ULL)));
    return r;
}

/* Uniform in [0, n) without modulo bias worth mentioning (Lemire's multiply-shift). */
static uint64_t rng_below(rng_t *r, uint64_t n)
{
    if (n == 0)
        return 0;
    return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

static double rng_u01(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static int rng_chance(rng_t *r, double p)
{
    return rng_u01(r) < p;
}

static const char *rng_pick(rng_t *r, const char *const *list, size_t n)
{
    return list[rng_below(r, n)];
}
#define PICK(r, list) rng_pick((r), (list), ARRAY_LEN(list))

/* Roughly normal(0, 1): sum of four uniforms, enough for rating noise. */
static double rng_gauss(rng_t *r)
{
    return (rng_u01(r) + rng_u01(r) + rng_u01(r) + rng_u01(r) - 2.0) * 1.732;
}

/* ---------------------------------------------------------------------------------------------
 * Output sink: one buffer that either grows in memory (zip members) or is flushed to a FILE or a
 * gzFile when full.
 */

typedef struct {
    char *p;
    size_t len, cap;
    FILE *f;
    gzFile gz;
} sink;

static void sink_mem(sink *o)
{
    memset(o, 0, sizeof(*o));
    o->cap = 1 << 16;
    o->p = xmalloc(o->cap);
}

static void sink_file(sink *o, FILE *f, int gzip)
{
    memset(o, 0, sizeof(*o));
    o->cap = 1 << 20;
    o->p = xmalloc(o->cap);
    o->f = f;
    if (gzip) {
        /* zlib's gzip header carries mtime 0 and a fixed OS byte: deterministic. */
        int fd = dup(fileno(f));
        if (fd < 0)
            die("cannot dup output: %s", strerror(errno));
        o->gz = gzdopen(fd, "wb6");
        if (!o->gz)
            die("cannot start gzip stream");
        gzbuffer(o->gz, 1 << 20);
    }
}

static void sink_flush(sink *o)
{
    if (o->len == 0)
        return;
    if (o->gz) {
        if (gzwrite(o->gz, o->p, (unsigned)o->len) != (int)o->len)
            die("write error (gzip)");
    } else if (o->f) {
        if (fwrite(o->p, 1, o->len, o->f) != o->len)
            die("write error: %s", strerror(errno));
    } else {
        return;
    }
    o->len = 0;
}

static void sink_close(sink *o)
{
    sink_flush(o);
    if (o->gz && gzclose(o->gz) != Z_OK)
        die("write error (gzip close)");
    if (o->f && fflush(o->f) != 0)
        die("write error: %s", strerror(errno));
    free(o->p);
    memset(o, 0, sizeof(*o));
}

static void sink_free(sink *o)
{
    free(o->p);
    memset(o, 0, sizeof(*o));
}

static void reserve(sink *o, size_t n)
{
    if (o->len + n <= o->cap)
        return;
    if (o->f || o->gz) {
        sink_flush(o);
        if (n <= o->cap)
            return;
    }
    while (o->len + n > o->cap)
        o->cap *= 2;
    o->p = xrealloc(o->p, o->cap);
}

static void put(sink *o, const void *s, size_t n)
{
    reserve(o, n);
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void puts_(sink *o, const char *s)
{
    put(o, s, strlen(s));
}

static void putc_(sink *o, char c)
{
    reserve(o, 1);
    o->p[o->len++] = c;
}

static void put_u64(sink *o, uint64_t v)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, tmp + i, (size_t)(24 - i));
}

static void put_fmt(sink *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(sink *o, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp))
        die("internal: formatted text too long");
    put(o, tmp, (size_t)n);
}

static void put_eol(sink *o, int crlf)
{
    if (crlf)
        putc_(o, '\r');
    putc_(o, '\n');
}

/* Rating in half stars (1..10) as "4.0"/"3.5" (CSV, JSON floats) or "4"/"3.5" (.dat files). */
static void put_rating(sink *o, unsigned r2, int trailing_zero)
{
    put_u64(o, r2 / 2);
    if (r2 % 2)
        puts_(o, ".5");
    else if (trailing_zero)
        puts_(o, ".0");
}

/* ---------------------------------------------------------------------------------------------
 * Text encodings and quoting
 */

/* Decodes one UTF-8 sequence (input is our own, always valid). */
static uint32_t utf8_next(const unsigned char **pp)
{
    const unsigned char *p = *pp;
    uint32_t c = *p++;
    if (c >= 0xF0) {
        c = ((c & 7u) << 18) | ((p[0] & 63u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
        p += 3;
    } else if (c >= 0xE0) {
        c = ((c & 15u) << 12) | ((p[0] & 63u) << 6) | (p[1] & 63u);
        p += 2;
    } else if (c >= 0xC0) {
        c = ((c & 31u) << 6) | (p[0] & 63u);
        p += 1;
    }
    *pp = p;
    return c;
}

enum { ENC_UTF8, ENC_LATIN1 };

/* Writes UTF-8 text in the target encoding; the Latin-1 pools never hold code points > 0xFF. */
static void put_text(sink *o, const char *s, int enc)
{
    if (enc == ENC_UTF8) {
        puts_(o, s);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c = utf8_next(&p);
        putc_(o, c <= 0xFF ? (char)c : '?');
    }
}

/* RFC 4180 field: quoted when it holds a comma, quote or line break; quotes doubled. */
static void put_csv(sink *o, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        puts_(o, s);
        return;
    }
    putc_(o, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            putc_(o, '"');
        putc_(o, *p);
    }
    putc_(o, '"');
}

enum { JS_ASCII = 1, JS_SLASH = 2 };

static void put_u4(sink *o, unsigned v)
{
    put_fmt(o, "\\u%04x", v & 0xFFFFu);
}

/* JSON string: JS_ASCII escapes every non-ASCII code point the way Python's json.dumps does
 * (\u00e9, surrogate pairs above the BMP); JS_SLASH writes '/' as "\/" as some dumps do. */
static void put_json(sink *o, const char *s, int mode)
{
    const unsigned char *p = (const unsigned char *)s;
    putc_(o, '"');
    while (*p) {
        unsigned char b = *p;
        if (b == '"' || b == '\\') {
            putc_(o, '\\');
            putc_(o, (char)b);
            p++;
        } else if (b == '\n') {
            puts_(o, "\\n");
            p++;
        } else if (b == '\t') {
            puts_(o, "\\t");
            p++;
        } else if (b == '\r') {
            puts_(o, "\\r");
            p++;
        } else if (b < 0x20) {
            put_u4(o, b);
            p++;
        } else if (b == '/' && (mode & JS_SLASH)) {
            puts_(o, "\\/");
            p++;
        } else if (b >= 0x80 && (mode & JS_ASCII)) {
            uint32_t c = utf8_next(&p);
            if (c >= 0x10000) {
                c -= 0x10000;
                put_u4(o, 0xD800 + (c >> 10));
                put_u4(o, 0xDC00 + (c & 0x3FF));
            } else {
                put_u4(o, c);
            }
        } else {
            putc_(o, (char)b);
            p++;
        }
    }
    putc_(o, '"');
}

/* Python 3 repr() of a str: single quotes unless the text holds ' and no ", then double quotes;
 * backslash, newline, tab and the chosen quote escaped; printable non-ASCII left raw. */
static void put_py(sink *o, const char *s)
{
    char q = (strchr(s, '\'') && !strchr(s, '"')) ? '"' : '\'';
    putc_(o, q);
    for (const char *p = s; *p; p++) {
        if (*p == '\\')
            puts_(o, "\\\\");
        else if (*p == '\n')
            puts_(o, "\\n");
        else if (*p == '\t')
            puts_(o, "\\t");
        else if (*p == '\r')
            puts_(o, "\\r");
        else if (*p == q) {
            putc_(o, '\\');
            putc_(o, q);
        } else
            putc_(o, *p);
    }
    putc_(o, q);
}

/* ---------------------------------------------------------------------------------------------
 * Calendar (Howard Hinnant's civil-from-days), all UTC.
 */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *yy, unsigned *mm, unsigned *dd)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *yy = (int)(y + (m <= 2));
    *mm = m;
    *dd = d;
}

/* Amazon's reviewTime: "MM D, YYYY" — month zero-padded, day not. */
static void put_review_time(sink *o, int64_t unix_s)
{
    int y;
    unsigned m, d;
    civil_from_days(unix_s / 86400, &y, &m, &d);
    put_fmt(o, "%02u %u, %d", m, d, y);
}

/* ---------------------------------------------------------------------------------------------
 * Skewed counts and samplers
 */

/* Splits `total` into n counts, each within [minv, maxv], with Pareto(alpha) weights, exactly. */
static void apportion(rng_t *r, uint32_t n, uint64_t total, uint32_t minv, uint32_t maxv, double alpha,
                      uint32_t *out)
{
    double *w = xmalloc(n * sizeof(*w));
    double sum = 0;
    uint64_t extra = total - (uint64_t)n * minv;
    uint64_t given = 0;
    for (uint32_t i = 0; i < n; i++) {
        w[i] = pow(1.0 - rng_u01(r), -1.0 / alpha);
        sum += w[i];
    }
    for (uint32_t i = 0; i < n; i++) {
        uint64_t c = (uint64_t)((double)extra * (w[i] / sum));
        if (c > maxv - minv)
            c = maxv - minv;
        out[i] = minv + (uint32_t)c;
        given += c;
    }
    /* Hand out what rounding and capping left over, round-robin from a random start. */
    uint32_t i = n ? (uint32_t)rng_below(r, n) : 0;
    while (given < extra) {
        if (out[i] < maxv) {
            out[i]++;
            given++;
        }
        i = (i + 1 == n) ? 0 : i + 1;
    }
    free(w);
}

/* Discrete distribution by cumulative weights; sampled by binary search. */
typedef struct {
    double *cdf;
    uint32_t n;
} sampler;

static void sampler_zipf(sampler *s, uint32_t n, double expo, double offset, rng_t *perm_rng)
{
    /* Ranks are shuffled over indices so popularity does not follow id order. */
    uint32_t *rank = xmalloc(n * sizeof(*rank));
    for (uint32_t i = 0; i < n; i++)
        rank[i] = i;
    if (perm_rng) {
        for (uint32_t i = n; i > 1; i--) {
            uint32_t j = (uint32_t)rng_below(perm_rng, i);
            uint32_t t = rank[i - 1];
            rank[i - 1] = rank[j];
            rank[j] = t;
        }
    }
    s->n = n;
    s->cdf = xmalloc(n * sizeof(*s->cdf));
    double acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        acc += 1.0 / pow((double)rank[i] + offset, expo);
        s->cdf[i] = acc;
    }
    free(rank);
}

static uint32_t sampler_draw(const sampler *s, rng_t *r)
{
    double u = rng_u01(r) * s->cdf[s->n - 1];
    uint32_t lo = 0, hi = s->n - 1;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->cdf[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* ---------------------------------------------------------------------------------------------
 * Word pools
 */

static const char *const T_ADJ[] = {
    "Last",    "Dark",     "Little",    "Silent",   "Broken", "Golden", "Lost",     "Wild",
    "Secret",  "Great",    "Red",       "Blue",     "Hidden", "Frozen", "Electric", "Final",
    "Crimson", "Midnight", "Eternal",   "Savage",   "Quiet",  "Brave",  "Perfect",  "Sweet",
    "Burning", "Strange",  "Forgotten", "Infinite", "Deadly", "Happy",  "Lonely",   "Iron"};
static const char *const T_NOUN[] = {
    "City",     "Night",    "River",     "Heart",   "Road",    "Kingdom", "Summer",  "Storm",
    "Island",   "Dream",    "Hunter",    "Garden",  "Empire",  "Machine", "Shadow",  "Journey",
    "Mountain", "Stranger", "Detective", "Wedding", "Ghost",   "Sea",     "Game",    "Promise",
    "Circus",   "Bridge",   "Winter",    "Letter",  "Sky",     "Mirror",  "Station", "Witness",
    "Dragon",   "Angel",    "Rain",      "Soldier", "Highway", "Planet",  "Family",  "Train"};
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

static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void make_title(rng_t *r, int utf8_ok, int family, char *out, size_t cap, int *year)
{
    char base[160];
    int y = 1990 + (int)rng_below(r, 30) - (int)(rng_below(r, 90) * rng_u01(r));
    int form = (int)rng_below(r, 12);
    const char *a = PICK(r, T_ADJ), *n1 = PICK(r, T_NOUN), *n2 = PICK(r, T_NOUN);
    if (family == FAM_100K && y > 1998)
        y -= 10;
    if (family == FAM_1M && y > 2000)
        y -= 8;
    switch (form) {
    case 0:
    case 1: snprintf(base, sizeof(base), "%s %s", a, n1); break;
    case 2: snprintf(base, sizeof(base), "%s of the %s", n1, n2); break;
    case 3: snprintf(base, sizeof(base), "%s %s, The", a, n1); break;
    case 4: snprintf(base, sizeof(base), "%s %s: %s of %s", a, n1, n2, PICK(r, T_NOUN)); break;
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
 * Zip writing (libarchive) and the md5 sidecar (libcrypto)
 */

typedef struct {
    struct archive *a;
    const char *dir;
    int64_t mtime;
} zipw;

static void zip_entry(zipw *z, const char *name, const sink *data)
{
    char path[512];
    struct archive_entry *e = archive_entry_new();
    snprintf(path, sizeof(path), "%s/%s", z->dir, name);
    archive_entry_set_pathname(e, path);
    archive_entry_set_mtime(e, z->mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    if (data) {
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, (la_int64_t)data->len);
    } else {
        archive_entry_set_filetype(e, AE_IFDIR);
        archive_entry_set_perm(e, 0755);
        archive_entry_set_size(e, 0);
    }
    if (archive_write_header(z->a, e) != ARCHIVE_OK)
        die("zip: %s: %s", path, archive_error_string(z->a));
    size_t off = 0;
    while (data && off < data->len) {
        size_t chunk = data->len - off > (1u << 24) ? (1u << 24) : data->len - off;
        la_ssize_t w = archive_write_data(z->a, data->p + off, chunk);
        if (w <= 0)
            die("zip: %s: %s", path, archive_error_string(z->a));
        off += (size_t)w;
    }
    archive_entry_free(e);
}

static void zip_open(zipw *z, const char *path, const char *dir, int64_t mtime)
{
    z->a = archive_write_new();
    z->dir = dir;
    z->mtime = mtime;
    if (archive_write_set_format_zip(z->a) != ARCHIVE_OK ||
        archive_write_zip_set_compression_deflate(z->a) != ARCHIVE_OK)
        die("zip: %s", archive_error_string(z->a));
    if (archive_write_open_filename(z->a, path) != ARCHIVE_OK)
        die("cannot create '%s': %s", path, archive_error_string(z->a));
    char d[300];
    snprintf(d, sizeof(d), "%s/", dir);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, d);
    archive_entry_set_filetype(e, AE_IFDIR);
    archive_entry_set_perm(e, 0755);
    archive_entry_set_mtime(e, mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    if (archive_write_header(z->a, e) != ARCHIVE_OK)
        die("zip: %s", archive_error_string(z->a));
    archive_entry_free(e);
}

static void zip_close(zipw *z)
{
    if (archive_write_close(z->a) != ARCHIVE_OK)
        die("zip: %s", archive_error_string(z->a));
    archive_write_free(z->a);
}

/* Adds a member and empties the buffer for the next one. */
static void zip_add(zipw *z, const char *name, sink *data)
{
    zip_entry(z, name, data);
    data->len = 0;
}

static void md5_file(const char *path, char hex[33])
{
    FILE *f = fopen(path, "rb");
    unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    size_t n;
    if (!f)
        die("cannot open '%s': %s", path, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1)
        die("md5: cannot initialise");
    for (;;) {
        n = fread(buf, 1, sizeof(buf), f);
        if (n == 0)
            break;
        EVP_DigestUpdate(ctx, buf, n);
    }
    if (ferror(f))
        die("cannot read '%s'", path);
    fclose(f);
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    for (unsigned i = 0; i < mdlen && i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* ---------------------------------------------------------------------------------------------
 * MovieLens members
 */

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
 * Amazon
 */

static const char *const WORDS[] = {
    "the",      "a",         "and",          "it",       "is",           "this",     "game",       "product",
    "I",        "was",       "to",           "for",      "of",           "with",     "my",         "but",
    "great",    "good",      "quality",      "price",    "works",        "well",     "love",       "bought",
    "would",    "recommend", "not",          "very",     "easy",         "use",      "after",      "months",
    "son",      "daughter",  "gift",         "arrived",  "quickly",      "broke",    "cheap",      "perfect",
    "size",     "color",     "fits",         "battery",  "screen",       "sound",    "controller", "graphics",
    "story",    "play",      "hours",        "fun",      "buy",          "again",    "money",      "worth",
    "every",    "penny",     "disappointed", "returned", "seller",       "shipping", "box",        "package",
    "looks",    "feels",     "smells",       "nice",     "soft",         "hair",     "skin",       "bottle",
    "really",   "just",      "so",           "too",      "much",         "little",   "better",     "than",
    "expected", "first",     "time",         "since",    "have",         "had",      "been",       "using",
    "daily",    "works",     "fine",         "however",  "instructions", "were",     "unclear",    "overall",
    "happy",    "purchase",  "stars",        "because",  "only",         "issue",    "that",       "on",
    "in",       "at",        "you",          "they",     "we",           "can",      "could",      "will"};
static const char *const SPECIALS[] = {
    "café",  "naïve",       "résumé",    "—",
    "😀",     "\"awesome\"", "C:\\Games", "and/or",
    "10/10", "½",           "日本語",    "über",
    "it's",  "don't",       "5\" tall",  "http://www.amazon.com/dp/B00005N5PF/",
    "A+++",  "$19.99",      "&",         "<3"};
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

/* Review-like prose of about `target` bytes, UTF-8, with the odd character that needs escaping. */
static void gen_text(rng_t *r, sink *o, size_t target, int sentence_case)
{
    size_t start = o->len;
    int new_sentence = 1;
    while (o->len - start < target) {
        const char *w = (rng_chance(r, 0.025)) ? PICK(r, SPECIALS) : PICK(r, WORDS);
        if (o->len > start)
            putc_(o, ' ');
        if (new_sentence && sentence_case && w[0] >= 'a' && w[0] <= 'z') {
            putc_(o, (char)(w[0] - 32));
            puts_(o, w + 1);
        } else {
            puts_(o, w);
        }
        new_sentence = 0;
        if (rng_chance(r, 0.09)) {
            static const char *const ENDS[] = {".", ".", ".", "!", "...", "!!!", "?"};
            puts_(o, PICK(r, ENDS));
            new_sentence = 1;
            if (rng_chance(r, 0.05))
                puts_(o, rng_chance(r, 0.5) ? "\n" : "\n\n");
        }
    }
    if (!new_sentence)
        putc_(o, '.');
}

/* Lengths with a long tail and a mean near `mean`. */
static size_t text_len(rng_t *r, double mean)
{
    double x = -log(1.0 - rng_u01(r)) * mean * 0.8 + mean * 0.2;
    return (size_t)x;
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
        put_fmt(o, "%s%u", PICK(r, T_NOUN), (unsigned)rng_below(r, 1000));
    else if (u < 0.32)
        put_fmt(o, "%s \"%s\" %s", PICK(r, FIRST), PICK(r, T_ADJ), PICK(r, LAST));
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
    put_fmt(tmp, "%s %s %s", PICK(r, T_ADJ), PICK(r, T_NOUN), PICK(r, KIND));
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
 * Command line
 */

static void usage(FILE *f)
{
    fputs("usage: l4r-gen movielens VARIANT OUTDIR [--users N] [--items N] [--ratings N] [--tags N]\n"
          "                         [--seed S] [--encoding latin1|utf8] [--crlf|--lf]\n"
          "         VARIANT: ml-100k ml-1m ml-10m ml-20m ml-25m ml-32m ml-latest ml-latest-small\n"
          "       l4r-gen ml25m-ratings [--rows N] [--seed S] [-o FILE]\n"
          "       l4r-gen amazon 2014|2018|2023 reviews|meta|ratings [--lines N] [--users N]\n"
          "                      [--items N] [--gzip] [--seed S] [-o FILE]\n"
          "Same arguments, same bytes.\n",
          f);
}

static uint64_t parse_u64(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        die("invalid number for %s: '%s'", opt, s);
    return (uint64_t)v;
}

typedef struct {
    int64_t users, items, ratings, tags, rows, lines; /* -1 = default */
    uint64_t seed;
    int gzip, crlf, enc;
    const char *out;
    const char *pos[4];
    int npos;
} args;

static void parse_args(int argc, char **argv, args *a)
{
    memset(a, 0, sizeof(*a));
    a->users = a->items = a->ratings = a->tags = a->rows = a->lines = -1;
    a->seed = 42;
    a->crlf = -1;
    a->enc = -1;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        int64_t *num = NULL;
        if (!strcmp(s, "--users"))
            num = &a->users;
        else if (!strcmp(s, "--items"))
            num = &a->items;
        else if (!strcmp(s, "--ratings"))
            num = &a->ratings;
        else if (!strcmp(s, "--tags"))
            num = &a->tags;
        else if (!strcmp(s, "--rows"))
            num = &a->rows;
        else if (!strcmp(s, "--lines"))
            num = &a->lines;
        if (num) {
            if (!val)
                die("%s needs a value", s);
            uint64_t v = parse_u64(s, val);
            if (v > (uint64_t)INT64_MAX)
                die("%s: value too large", s);
            *num = (int64_t)v;
            i++;
        } else if (!strcmp(s, "--seed")) {
            if (!val)
                die("--seed needs a value");
            a->seed = parse_u64(s, val);
            i++;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--output")) {
            if (!val)
                die("%s needs a value", s);
            a->out = val;
            i++;
        } else if (!strcmp(s, "--encoding")) {
            if (!val)
                die("--encoding needs a value");
            if (!strcmp(val, "latin1") || !strcmp(val, "iso-8859-1"))
                a->enc = ENC_LATIN1;
            else if (!strcmp(val, "utf8") || !strcmp(val, "utf-8"))
                a->enc = ENC_UTF8;
            else
                die("unknown encoding '%s' (latin1, utf8)", val);
            i++;
        } else if (!strcmp(s, "--gzip")) {
            a->gzip = 1;
        } else if (!strcmp(s, "--crlf")) {
            a->crlf = 1;
        } else if (!strcmp(s, "--lf")) {
            a->crlf = 0;
        } else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            usage(stdout);
            exit(0);
        } else if (s[0] == '-' && s[1]) {
            die("unknown option '%s'", s);
        } else {
            if (a->npos == 4)
                die("too many arguments");
            a->pos[a->npos++] = s;
        }
    }
}

static FILE *open_out(const args *a)
{
    if (!a->out || !strcmp(a->out, "-"))
        return stdout;
    FILE *f = fopen(a->out, "wb");
    if (!f)
        die("cannot create '%s': %s", a->out, strerror(errno));
    return f;
}

static void close_out(const args *a, FILE *f)
{
    if (f != stdout && fclose(f) != 0)
        die("cannot write '%s': %s", a->out, strerror(errno));
}

static uint32_t u32_arg(int64_t v, uint32_t def, const char *what)
{
    if (v < 0)
        return def;
    if (v == 0 || v > 100000000)
        die("%s must be between 1 and 100000000", what);
    return (uint32_t)v;
}

int main(int argc, char **argv)
{
    args a;
    /* libarchive stores DOS times in local time: pin the zone so the zip bytes never vary. */
    setenv("TZ", "UTC", 1);
    tzset();
    parse_args(argc, argv, &a);
    if (a.npos == 0) {
        usage(stderr);
        return 2;
    }
    const char *cmd = a.pos[0];
    if (!strcmp(cmd, "movielens")) {
        if (a.npos != 3)
            die("usage: l4r-gen movielens VARIANT OUTDIR [options]");
        const ml_variant *v = NULL;
        for (size_t i = 0; i < ARRAY_LEN(ML_VARIANTS); i++) {
            if (!strcmp(ML_VARIANTS[i].name, a.pos[1]))
                v = &ML_VARIANTS[i];
        }
        if (!v)
            die("unknown MovieLens variant '%s'", a.pos[1]);
        ml_opts op;
        op.users = u32_arg(a.users, v->users, "--users");
        op.items = u32_arg(a.items, v->items, "--items");
        op.ratings = a.ratings >= 0 ? (uint64_t)a.ratings : v->ratings;
        if (a.ratings < 0 && op.ratings < (uint64_t)op.users * 25)
            op.ratings = (uint64_t)op.users * 25;
        op.tags = a.tags >= 0 ? (uint64_t)a.tags : v->tags;
        if (op.tags > 100000000)
            die("--tags too large");
        op.seed = a.seed;
        op.enc = a.enc >= 0 ? a.enc : (v->family == FAM_CSV ? ENC_UTF8 : ENC_LATIN1);
        if (v->family == FAM_100K && op.enc != ENC_LATIN1)
            die("ml-100k's u.item is ISO-8859-1 only");
        op.crlf = a.crlf >= 0 ? a.crlf : v->crlf;
        if (op.crlf && v->family != FAM_CSV)
            die("--crlf applies to the CSV releases only");
        gen_movielens(v, a.pos[2], &op);
        return 0;
    }
    if (!strcmp(cmd, "ml25m-ratings")) {
        if (a.npos != 1)
            die("usage: l4r-gen ml25m-ratings [--rows N] [--seed S] [-o FILE]");
        uint64_t rows = a.rows >= 0 ? (uint64_t)a.rows : 25000095ULL;
        if (rows == 0 || rows > 4000000000ULL)
            die("--rows must be between 1 and 4000000000");
        FILE *f = open_out(&a);
        gen_ml25m_ratings(f, rows, a.seed);
        close_out(&a, f);
        return 0;
    }
    if (!strcmp(cmd, "amazon")) {
        if (a.npos != 3)
            die("usage: l4r-gen amazon 2014|2018|2023 reviews|meta|ratings [options]");
        amz_opts op;
        op.seed = a.seed;
        op.year = (int)parse_u64("year", a.pos[1]);
        if (op.year != 2014 && op.year != 2018 && op.year != 2023)
            die("unknown Amazon release '%s' (2014, 2018, 2023)", a.pos[1]);
        op.lines = a.lines >= 0 ? (uint64_t)a.lines : 2000;
        if (op.lines > 4000000000ULL)
            die("--lines too large");
        op.nusers = u32_arg(a.users, op.lines / 4 > 10 ? (uint32_t)(op.lines / 4) : 10, "--users");
        op.nitems = u32_arg(a.items, op.lines / 8 > 10 ? (uint32_t)(op.lines / 8) : 10, "--items");
        FILE *f = open_out(&a);
        sink o;
        sink_file(&o, f, a.gzip);
        if (!strcmp(a.pos[2], "reviews"))
            gen_amazon_by_item(&o, &op, 0);
        else if (!strcmp(a.pos[2], "ratings") && op.year != 2023)
            gen_amazon_by_item(&o, &op, 1);
        else if (!strcmp(a.pos[2], "ratings"))
            gen_amazon_2023_ratings(&o, &op);
        else if (!strcmp(a.pos[2], "meta"))
            gen_amazon_meta(&o, &op);
        else
            die("unknown Amazon file kind '%s' (reviews, meta, ratings)", a.pos[2]);
        sink_close(&o);
        close_out(&a, f);
        return 0;
    }
    die("unknown command '%s' (movielens, ml25m-ratings, amazon)", cmd);
}
