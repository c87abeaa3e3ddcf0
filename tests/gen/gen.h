/*
 * gen.h — what every l4r-gen family generator shares: errors and memory, the seeded random streams,
 * the output sink and its writers (CSV, JSON, Python literals, text encodings), calendar helpers,
 * skewed counts and samplers, the shared word pools, the zip writer and md5 sidecar, review-like
 * prose, and the parsed command line.  Definitions live in gen_common.c; l4r-gen.c explains the
 * layout and how to add a family.
 *
 * Everything here aborts through die() on failure: the generator is a test tool that stops at the
 * first error, so none of these functions returns a status.
 */
#ifndef L4R_GEN_H
#define L4R_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <zlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Errors and memory ---------------------------------------------------------------------- */

/* Prints "l4r-gen: " and the message to stderr and exits 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* malloc that dies on failure; a 0-byte request returns a valid pointer; caller frees. */
void *xmalloc(size_t n);
/* calloc that dies on failure; caller frees. */
void *xcalloc(size_t n, size_t size);
/* realloc that dies on failure. */
void *xrealloc(void *p, size_t n);

/* ---- Random streams (splitmix64) ------------------------------------------------------------ */

/* One independent stream; copy it freely, it is just the state. */
typedef struct {
    uint64_t s;
} rng_t;

/* The splitmix64 finaliser: a fixed, well-mixed 64-bit hash of z. */
uint64_t mix64(uint64_t z);
/* The next 64 random bits of the stream. */
uint64_t rng_next(rng_t *r);
/* The stream for (seed, label, index): each user, item or line draws from its own sequence. */
rng_t rng_for(uint64_t seed, const char *label, uint64_t idx);
/* Uniform in [0, n); 0 when n is 0. */
uint64_t rng_below(rng_t *r, uint64_t n);
/* Uniform in [0, 1) with 53 random bits. */
double rng_u01(rng_t *r);
/* 1 with probability p, else 0. */
int rng_chance(rng_t *r, double p);
/* A uniformly chosen element of list[0..n). */
const char *rng_pick(rng_t *r, const char *const *list, size_t n);
/* PICK(r, array): rng_pick over a whole array whose size is visible here. */
#define PICK(r, list) rng_pick((r), (list), ARRAY_LEN(list))
/* Roughly normal(0, 1) (sum of four uniforms), enough for rating noise. */
double rng_gauss(rng_t *r);

/* ---- Output sink ---------------------------------------------------------------------------- */

/* One buffer that either grows in memory (zip members, scratch text) or is flushed to a FILE, or
 * through gzip to it, when full.  p[0..len) is the unflushed (or, in memory, the whole) content. */
typedef struct {
    char *p;
    size_t len, cap;
    FILE *f;
    gzFile gz;
} sink;

/* An in-memory sink; reset with o->len = 0, release with sink_free. */
void sink_mem(sink *o);
/* A sink that writes to f (borrowed, not closed), gzip-compressed when gzip is set. */
void sink_file(sink *o, FILE *f, int gzip);
/* Flushes a file sink, ends its gzip stream and releases the buffer; f stays open. */
void sink_close(sink *o);
/* Releases an in-memory sink's buffer. */
void sink_free(sink *o);
/* Appends n bytes. */
void put(sink *o, const void *s, size_t n);
/* Appends a NUL-terminated string (without the NUL). */
void puts_(sink *o, const char *s);
/* Appends one byte (also a NUL, to terminate scratch text in place). */
void putc_(sink *o, char c);
/* Appends v in decimal. */
void put_u64(sink *o, uint64_t v);
/* Appends printf-formatted text of at most 1023 bytes. */
void put_fmt(sink *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends a line end: "\r\n" when crlf is set, else "\n". */
void put_eol(sink *o, int crlf);

/* ---- Text encodings and quoting ------------------------------------------------------------- */

/* Target encodings for put_text (and the --encoding option). */
enum { ENC_UTF8, ENC_LATIN1 };
/* put_json modes: escape every non-ASCII code point as \uXXXX; write '/' as "\/". */
enum { JS_ASCII = 1, JS_SLASH = 2 };

/* Decodes the UTF-8 sequence at *pp (valid input only) and advances *pp past it. */
uint32_t utf8_next(const unsigned char **pp);
/* UTF-8 text in encoding enc; for ENC_LATIN1 code points above 0xFF become '?'. */
void put_text(sink *o, const char *s, int enc);
/* An RFC 4180 CSV field: quoted when it holds a comma, quote or line break. */
void put_csv(sink *o, const char *s);
/* A JSON string literal, escaped as mode (0 or JS_ASCII | JS_SLASH) asks. */
void put_json(sink *o, const char *s, int mode);
/* A Python 3 repr() of a str, with repr's choice of quote. */
void put_py(sink *o, const char *s);

/* ---- Calendar (proleptic Gregorian, UTC) ---------------------------------------------------- */

/* Days since 1970-01-01 of the date y-m-d. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
/* The date of day z since 1970-01-01. */
void civil_from_days(int64_t z, int *yy, unsigned *mm, unsigned *dd);
/* "Jan" .. "Dec". */
extern const char *const MONTHS[12];

/* ---- Skewed counts and samplers ------------------------------------------------------------- */

/* Splits total into n counts out[0..n), each within [minv, maxv], Pareto(alpha) weighted, exactly. */
void apportion(rng_t *r, uint32_t n, uint64_t total, uint32_t minv, uint32_t maxv, double alpha,
               uint32_t *out);

/* A discrete distribution over [0, n) by cumulative weights; the caller frees cdf. */
typedef struct {
    double *cdf;
    uint32_t n;
} sampler;

/* Zipf-like weights 1/(rank + offset)^expo, ranks shuffled over indices by perm_rng (if not NULL). */
void sampler_zipf(sampler *s, uint32_t n, double expo, double offset, rng_t *perm_rng);
/* One index drawn from s. */
uint32_t sampler_draw(const sampler *s, rng_t *r);

/* ---- Word pools ----------------------------------------------------------------------------- */

/* English adjectives and nouns for made-up titles and names; pick with rng_pick(r, T_ADJ, T_ADJ_LEN). */
#define T_ADJ_LEN 32
#define T_NOUN_LEN 40
extern const char *const T_ADJ[];
extern const char *const T_NOUN[];

/* ---- Review-like prose ---------------------------------------------------------------------- */

/* Appends about target bytes of UTF-8 prose with the odd character that needs escaping. */
void gen_text(rng_t *r, sink *o, size_t target, int sentence_case);
/* A text length with a long tail and a mean near mean. */
size_t text_len(rng_t *r, double mean);

/* ---- Zip writer (libarchive) and md5 sidecar (libcrypto) ------------------------------------ */

/* A zip being written: members go under dir/ (at the root when dir is NULL), every entry with
 * mtime and owner 0. */
typedef struct {
    struct archive *a;
    const char *dir;
    int64_t mtime;
} zipw;

/* Creates the zip at path and writes its dir/ entry (none when dir is NULL). */
void zip_open(zipw *z, const char *path, const char *dir, int64_t mtime);
/* One entry of an archive being written (zip or tar): data a regular file, NULL a directory;
 * uid/gid 0, modes 0644/0755, the given mtime.  `kind` names the archive in messages. */
void archive_put(struct archive *a, const char *kind, const char *path, int64_t mtime, const sink *data);
/* Adds dir/name with data's bytes and empties data (o->len = 0) for the next member. */
void zip_add(zipw *z, const char *name, sink *data);
/* Finishes and closes the zip. */
void zip_close(zipw *z);
/* The lower-case hex MD5 of the file at path, NUL-terminated. */
void md5_file(const char *path, char hex[33]);

/* ---- Command line --------------------------------------------------------------------------- */

/* The parsed command line: pos[0] is the command, pos[1..npos) its positional arguments. */
typedef struct {
    int64_t users, items, ratings, tags, rows, lines; /* -1 = default */
    uint64_t seed;
    int gzip, crlf, enc; /* crlf, enc: -1 = default */
    const char *out;
    const char *pos[4];
    int npos;
} args;

/* A decimal number for option opt; dies naming opt when s is not one. */
uint64_t parse_u64(const char *opt, const char *s);
/* The -o FILE stream (created, truncated), or stdout when there is none or it is "-". */
FILE *open_out(const args *a);
/* Closes what open_out returned (stdout stays open); dies on a write error. */
void close_out(const args *a, FILE *f);
/* v as a count in [1, 100000000], def when v is -1 (not given); dies naming what otherwise. */
uint32_t u32_arg(int64_t v, uint32_t def, const char *what);

/* ---- Families: one entry point each, called with the parsed command line -------------------- */

/* movielens VARIANT OUTDIR: OUTDIR/VARIANT.zip laid out like the GroupLens archive, plus .md5. */
int gen_movielens_main(const args *a);
/* ml25m-ratings: the benchmark's ML-25M-shaped ratings.csv on stdout or -o FILE. */
int gen_ml25m_ratings_main(const args *a);
/* amazon YEAR KIND: Amazon review, metadata or rating lines of the 2014, 2018 or 2023 release. */
int gen_amazon_main(const args *a);
/* gowalla checkins|edges: SNAP's check-in or friendship file on stdout or -o FILE (--gzip: .txt.gz). */
int gen_gowalla_main(const args *a);
/* lastfm hetrec-2k|1k OUTDIR: the HetRec Last.fm-2K zip or the Last.fm-1K tar.gz in OUTDIR. */
int gen_lastfm_main(const args *a);
/* microlens 50k|100k|1m OUTDIR: that release's pairs CSV, sequence TSV and titles in OUTDIR. */
int gen_microlens_main(const args *a);
/* goodreads csv|dedup|GENRE OUTDIR: the UCSD Book Graph's CSV and id maps, the dedup JSON with books
 * and authors, or one genre's interactions and books, in OUTDIR. */
int gen_goodreads_main(const args *a);
/* steam reviews|games|user-reviews|users-items|bundles: that Steam file on stdout or -o FILE. */
int gen_steam_main(const args *a);
/* mind small|large train|dev|test OUTDIR: OUTDIR/MIND<size>_<split>.zip, flat, as Microsoft ships it. */
int gen_mind_main(const args *a);
/* yelp json|kaggle|kaggle-2018 OUTDIR: Yelp-JSON.zip (zip > gzip tar > JSON lines) or a Kaggle archive.zip.
 */
int gen_yelp_main(const args *a);
/* kuaisar v2|small OUTDIR: KuaiSAR_v2.zip or KuaiSAR.zip (rec and search logs, features) in OUTDIR. */
int gen_kuaisar_main(const args *a);
/* pixelrec 200k|1m|8m|full|50k OUTDIR: the Drive folders' interaction and item-information CSVs. */
int gen_pixelrec_main(const args *a);
/* ninerec DS OUTDIR [item-first|user-first]: one NineRec dataset's behaviour TSV, pairs CSV and items CSV. */
int gen_ninerec_main(const args *a);
/* tenrec QK-video|QB-video|QK-article|QB-article|all OUTDIR: Tenrec's scenario CSVs (all: its folder). */
int gen_tenrec_main(const args *a);
/* taobao OUTDIR: OUTDIR/UserBehavior.csv.zip, Tianchi's Taobao user behaviour log. */
int gen_taobao_main(const args *a);
/* tmall ijcai15|ijcai16 OUTDIR: Tianchi's data_format1.zip (IJCAI-15) or IJCAI16_data.zip in OUTDIR. */
int gen_tmall_main(const args *a);
/* douban dmsc|dtcdr OUTDIR: OUTDIR/archive.zip, Kaggle's DMSC.csv or the DTCDR movie/book/music dump. */
int gen_douban_main(const args *a);
/* book-crossing dump OUTDIR: OUTDIR/BX-CSV-Dump.zip (ratings, books, users; ';', quoted, cp1252). */
int gen_book_crossing_main(const args *a);
/* netflix kaggle|original OUTDIR: Kaggle's archive.zip or the 2006 nf_prize_dataset.tar.gz (block format). */
int gen_netflix_main(const args *a);
/* amazon-m2 OUTDIR: the KDD Cup 2023 sessions (train, test tasks 1-3) and products CSVs in OUTDIR. */
int gen_amazon_m2_main(const args *a);
/* u-need OUTDIR: the pre-sales dialogues as JSON lines (dialogues.jsonl) and as one JSON array. */
int gen_u_need_main(const args *a);

#endif
