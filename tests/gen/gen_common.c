/*
 * gen_common.c — the parts of l4r-gen that every family generator uses (declared and documented in
 * gen.h): errors and memory, splitmix64 streams, the output sink and its writers, calendar helpers,
 * skewed counts and samplers, the shared word pools, review-like prose, the zip writer with its md5
 * sidecar, and the command-line helpers.
 *
 * How: every random choice comes from a splitmix64 stream keyed by (seed, label, index), so a
 * family that draws from its own labels never shifts another family's numbers, and the same
 * arguments give the same bytes.  The sink formats integers by hand and flushes one large buffer,
 * because the benchmark files have tens of millions of lines.  Zip members get fixed mtimes and
 * owners (main pins TZ to UTC, as libarchive stores DOS times in local time).
 */
#include "gen.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------
 * Errors and memory
 */

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("l4r-gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *xrealloc(void *p, size_t n)
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

uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t rng_next(rng_t *r)
{
    r->s += 0x9e3779b97f4a7c15ULL;
    return mix64(r->s);
}

rng_t rng_for(uint64_t seed, const char *label, uint64_t idx)
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
uint64_t rng_below(rng_t *r, uint64_t n)
{
    if (n == 0)
        return 0;
    return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

double rng_u01(rng_t *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

int rng_chance(rng_t *r, double p)
{
    return rng_u01(r) < p;
}

const char *rng_pick(rng_t *r, const char *const *list, size_t n)
{
    return list[rng_below(r, n)];
}

/* Roughly normal(0, 1): sum of four uniforms, enough for rating noise. */
double rng_gauss(rng_t *r)
{
    return (rng_u01(r) + rng_u01(r) + rng_u01(r) + rng_u01(r) - 2.0) * 1.732;
}

/* ---------------------------------------------------------------------------------------------
 * Output sink: one buffer that either grows in memory (zip members) or is flushed to a FILE or a
 * gzFile when full.
 */

void sink_mem(sink *o)
{
    memset(o, 0, sizeof(*o));
    o->cap = 1 << 16;
    o->p = xmalloc(o->cap);
}

void sink_file(sink *o, FILE *f, int gzip)
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

void sink_close(sink *o)
{
    sink_flush(o);
    if (o->gz && gzclose(o->gz) != Z_OK)
        die("write error (gzip close)");
    if (o->f && fflush(o->f) != 0)
        die("write error: %s", strerror(errno));
    free(o->p);
    memset(o, 0, sizeof(*o));
}

void sink_free(sink *o)
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

void put(sink *o, const void *s, size_t n)
{
    reserve(o, n);
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

void puts_(sink *o, const char *s)
{
    put(o, s, strlen(s));
}

void putc_(sink *o, char c)
{
    reserve(o, 1);
    o->p[o->len++] = c;
}

void put_u64(sink *o, uint64_t v)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(o, tmp + i, (size_t)(24 - i));
}

void put_fmt(sink *o, const char *fmt, ...)
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

void put_eol(sink *o, int crlf)
{
    if (crlf)
        putc_(o, '\r');
    putc_(o, '\n');
}

/* ---------------------------------------------------------------------------------------------
 * Text encodings and quoting
 */

/* Decodes one UTF-8 sequence (input is our own, always valid). */
uint32_t utf8_next(const unsigned char **pp)
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

/* Writes UTF-8 text in the target encoding; the Latin-1 pools never hold code points > 0xFF. */
void put_text(sink *o, const char *s, int enc)
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
void put_csv(sink *o, const char *s)
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

static void put_u4(sink *o, unsigned v)
{
    put_fmt(o, "\\u%04x", v & 0xFFFFu);
}

/* JSON string: JS_ASCII escapes every non-ASCII code point the way Python's json.dumps does
 * (\u00e9, surrogate pairs above the BMP); JS_SLASH writes '/' as "\/" as some dumps do. */
void put_json(sink *o, const char *s, int mode)
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
void put_py(sink *o, const char *s)
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

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int *yy, unsigned *mm, unsigned *dd)
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

const char *const MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ---------------------------------------------------------------------------------------------
 * Skewed counts and samplers
 */

/* Splits `total` into n counts, each within [minv, maxv], with Pareto(alpha) weights, exactly. */
void apportion(rng_t *r, uint32_t n, uint64_t total, uint32_t minv, uint32_t maxv, double alpha,
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
void sampler_zipf(sampler *s, uint32_t n, double expo, double offset, rng_t *perm_rng)
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

uint32_t sampler_draw(const sampler *s, rng_t *r)
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

const char *const T_ADJ[] = {"Last",     "Dark",    "Little",  "Silent",   "Broken",  "Golden",    "Lost",
                             "Wild",     "Secret",  "Great",   "Red",      "Blue",    "Hidden",    "Frozen",
                             "Electric", "Final",   "Crimson", "Midnight", "Eternal", "Savage",    "Quiet",
                             "Brave",    "Perfect", "Sweet",   "Burning",  "Strange", "Forgotten", "Infinite",
                             "Deadly",   "Happy",   "Lonely",  "Iron"};
const char *const T_NOUN[] = {"City",    "Night",   "River",    "Heart",    "Road",      "Kingdom", "Summer",
                              "Storm",   "Island",  "Dream",    "Hunter",   "Garden",    "Empire",  "Machine",
                              "Shadow",  "Journey", "Mountain", "Stranger", "Detective", "Wedding", "Ghost",
                              "Sea",     "Game",    "Promise",  "Circus",   "Bridge",    "Winter",  "Letter",
                              "Sky",     "Mirror",  "Station",  "Witness",  "Dragon",    "Angel",   "Rain",
                              "Soldier", "Highway", "Planet",   "Family",   "Train"};
/* gen.h promises these counts to the families, which see the arrays without their sizes. */
_Static_assert(ARRAY_LEN(T_ADJ) == T_ADJ_LEN, "T_ADJ_LEN in gen.h is out of date");
_Static_assert(ARRAY_LEN(T_NOUN) == T_NOUN_LEN, "T_NOUN_LEN in gen.h is out of date");

/* ---------------------------------------------------------------------------------------------
 * Review-like prose
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

/* Review-like prose of about `target` bytes, UTF-8, with the odd character that needs escaping. */
void gen_text(rng_t *r, sink *o, size_t target, int sentence_case)
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
size_t text_len(rng_t *r, double mean)
{
    double x = -log(1.0 - rng_u01(r)) * mean * 0.8 + mean * 0.2;
    return (size_t)x;
}

/* ---------------------------------------------------------------------------------------------
 * Zip writing (libarchive) and the md5 sidecar (libcrypto)
 */

void archive_put(struct archive *a, const char *kind, const char *path, int64_t mtime, const sink *data)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, path);
    archive_entry_set_mtime(e, mtime, 0);
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
    if (archive_write_header(a, e) != ARCHIVE_OK)
        die("%s: %s: %s", kind, path, archive_error_string(a));
    size_t off = 0;
    while (data && off < data->len) {
        size_t chunk = data->len - off > (1u << 24) ? (1u << 24) : data->len - off;
        la_ssize_t w = archive_write_data(a, data->p + off, chunk);
        if (w <= 0)
            die("%s: %s: %s", kind, path, archive_error_string(a));
        off += (size_t)w;
    }
    archive_entry_free(e);
}

static void zip_entry(zipw *z, const char *name, const sink *data)
{
    char path[512];
    if (z->dir)
        snprintf(path, sizeof(path), "%s/%s", z->dir, name);
    else
        snprintf(path, sizeof(path), "%s", name);
    archive_put(z->a, "zip", path, z->mtime, data);
}

void zip_open(zipw *z, const char *path, const char *dir, int64_t mtime)
{
    z->a = archive_write_new();
    z->dir = dir;
    z->mtime = mtime;
    if (archive_write_set_format_zip(z->a) != ARCHIVE_OK ||
        archive_write_zip_set_compression_deflate(z->a) != ARCHIVE_OK)
        die("zip: %s", archive_error_string(z->a));
    if (archive_write_open_filename(z->a, path) != ARCHIVE_OK)
        die("cannot create '%s': %s", path, archive_error_string(z->a));
    if (!dir) /* members at the zip's root (HetRec's Last.fm zip): no folder entry */
        return;
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

void zip_close(zipw *z)
{
    if (archive_write_close(z->a) != ARCHIVE_OK)
        die("zip: %s", archive_error_string(z->a));
    archive_write_free(z->a);
}

/* Adds a member and empties the buffer for the next one. */
void zip_add(zipw *z, const char *name, sink *data)
{
    zip_entry(z, name, data);
    data->len = 0;
}

void md5_file(const char *path, char hex[33])
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
 * Command-line helpers
 */

uint64_t parse_u64(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        die("invalid number for %s: '%s'", opt, s);
    return (uint64_t)v;
}

FILE *open_out(const args *a)
{
    if (!a->out || !strcmp(a->out, "-"))
        return stdout;
    FILE *f = fopen(a->out, "wb");
    if (!f)
        die("cannot create '%s': %s", a->out, strerror(errno));
    return f;
}

void close_out(const args *a, FILE *f)
{
    if (f != stdout && fclose(f) != 0)
        die("cannot write '%s': %s", a->out, strerror(errno));
}

uint32_t u32_arg(int64_t v, uint32_t def, const char *what)
{
    if (v < 0)
        return def;
    if (v == 0 || v > 100000000)
        die("%s must be between 1 and 100000000", what);
    return (uint32_t)v;
}
