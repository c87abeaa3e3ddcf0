/*
 * test_records.c — what happens to a bad record (issue 13 items 10 and --max-errors): a NUL byte,
 * a field too many (delimited and CSV, with and without a header), a Unix time with a fraction
 * are errors naming file, line and field unless the recipe's table says otherwise ("extra_fields":
 * "ignore", "time_fraction": "floor"), and then they are counted in manifest.json; --max-errors N
 * skips up to N bad records, the same ones with the same messages in the same order for every -j
 * and block size, and fails with record N+1's error, publishing nothing.  Also the time formats of
 * issue 15 (exponents in Unix times, Steam's "posted", Goodreads' "ctime_offset").
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/convert.h"
#include "recipe.h"
#include "tap.h"

static char tmpdir[] = "/tmp/l4r-test-records.XXXXXX";

typedef struct run_s {
    l4r_status st;
    l4r_error e;
    l4r_buf log;    /* every warning, one per line */
    l4r_buf tsv;    /* interactions.tsv (or train.tsv with a split) */
    json_t *manif;  /* manifest.json, NULL when no output was published */
    bool published; /* the output directory exists */
} run_s;

static void collect(void *ud, int level, const char *msg)
{
    run_s *r = ud;
    if (level < 1)
        return;
    l4r_buf_adds(&r->log, msg);
    l4r_buf_addc(&r->log, '\n');
}

static void run_free(run_s *r)
{
    l4r_buf_free(&r->log);
    l4r_buf_free(&r->tsv);
    json_decref(r->manif);
    memset(r, 0, sizeof *r);
}

typedef struct conv_opt {
    int threads;
    size_t block;
    uint64_t max_errors;
    bool split; /* the table path (--split seq) instead of streaming */
} conv_opt;

/* Convert `data` (written to a file named `name`) with a recipe whose interactions table is
 * `table` (JSON). */
static void conv(const char *table, const char *name, const char *data, size_t len, const conv_opt *co,
                 run_s *r)
{
    memset(r, 0, sizeof *r);
    char *json = l4r_xasprintf("{\"schema\": 1, \"dataset\": \"t\", \"title\": \"t\", \"license\": \"x\", "
                               "\"default_variant\": \"v\", \"variants\": {\"v\": {\"description\": \"d\", "
                               "\"files\": [{\"url\": \"file:///nowhere/%s\"}], \"interactions\": %s}}}",
                               name, table);
    l4r_recipe rec;
    memset(&rec, 0, sizeof rec);
    r->st = l4r_recipe_parse(&rec, json, strlen(json), "t.json", &r->e);
    free(json);
    if (r->st) {
        printf("# recipe: %s\n", r->e.msg);
        return;
    }
    char *in = l4r_path_join(tmpdir, name);
    char *out = l4r_path_join(tmpdir, "out");
    l4r_error e;
    if (l4r_write_file_atomic(in, data, len, &e) != L4R_OK) {
        printf("FAIL cannot write %s: %s\n", in, e.msg);
        exit(1);
    }
    l4r_rmtree(out, &e);
    l4r_convert_opts o;
    memset(&o, 0, sizeof o);
    l4r_process_opts_defaults(&o.proc);
    if (co->split)
        o.proc.split = L4R_SPLIT_SEQ;
    o.raw = in;
    o.out_dir = out;
    o.threads = co->threads;
    o.block_size = co->block;
    o.max_errors = co->max_errors;
    o.log = collect;
    o.log_ud = r;
    l4r_convert_result res;
    r->st = l4r_convert(&rec, &rec.variants[0], &o, &res, &r->e);
    r->published = l4r_is_dir(out);
    char *tsv = l4r_path_join(out, co->split ? "train.tsv" : "interactions.tsv");
    char *man = l4r_path_join(out, "manifest.json");
    if (r->published) {
        l4r_read_file(tsv, 1 << 24, &r->tsv, &e);
        json_error_t je;
        r->manif = json_load_file(man, 0, &je);
    }
    free(tsv);
    free(man);
    free(in);
    free(out);
    l4r_recipe_clear(&rec);
}

/* manifest.json's inputs.interactions.KEY as an integer, -1 when absent. */
static long long manif_int(const run_s *r, const char *key)
{
    json_t *v = json_object_get(json_object_get(json_object_get(r->manif, "inputs"), "interactions"), key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

static bool has(const char *hay, const char *needle)
{
    bool ok = hay && strstr(hay, needle);
    if (!ok)
        printf("# '%s' not in '%s'\n", needle, hay ? hay : "(null)");
    return ok;
}

#define DELIM4                                                                                               \
    "{\"path\": \"r.dat\", \"format\": \"delim\", \"delimiter\": \"::\", \"columns\": [\"u\", \"i\", "       \
    "\"r\", "                                                                                                \
    "\"t\"], \"fields\": {\"user_id\": \"u\", \"item_id\": \"i\", \"rating\": \"r\", \"timestamp\": "        \
    "\"t\"}, "                                                                                               \
    "\"time\": \"unix_s\"%s}"
#define CSV4                                                                                                 \
    "{\"path\": \"r.csv\", \"format\": \"csv\", \"header\": %s, \"columns\": [\"userId\", \"movieId\", "     \
    "\"rating\", \"timestamp\"], \"fields\": {\"user_id\": \"userId\", \"item_id\": \"movieId\", "           \
    "\"rating\": "                                                                                           \
    "\"rating\", \"timestamp\": \"timestamp\"}, \"time\": \"%s\"%s}"
#define TSV4                                                                                                 \
    "{\"path\": \"r.tsv\", \"format\": \"delim\", \"delimiter\": \"\\t\", \"header\": true, \"fields\": "    \
    "{\"user_id\": \"u\", \"item_id\": \"i\", \"rating\": \"r\", \"timestamp\": \"t\"}, \"time\": "          \
    "\"unix_s\"%s}"
#define JSONL                                                                                                \
    "{\"path\": \"r.jsonl\", \"format\": \"jsonl\", \"fields\": {\"user_id\": \"u\", \"item_id\": \"i\", "   \
    "\"timestamp\": \"t\"}, \"time\": \"%s\"%s}"

static const conv_opt plain = {1, 0, 0, false};

static void test_nul(void)
{
    run_s r;
    static const char d[] = "1::2::3::964982703\n1::2\0x::3::964982703\n";
    char *tab = l4r_xasprintf(DELIM4, "");
    conv(tab, "r.dat", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "line 2: the item id, field 2 (i), holds a NUL byte"));
    T_CHECK(!r.published);
    run_free(&r);
    free(tab);
    /* CSV, quoted and not, table path too */
    static const char c[] = "userId,movieId,rating,timestamp\n1,2,3,964982703\n1,3,\"4\0\",964982703\n";
    for (int split = 0; split < 2; split++) {
        conv_opt o = plain;
        o.split = split;
        tab = l4r_xasprintf(CSV4, "true", "unix_s", "");
        conv(tab, "r.csv", c, sizeof c - 1, &o, &r);
        T_EQ_INT(r.st, L4R_EPARSE);
        T_CHECK(has(r.e.msg, "r.csv' line 3: the rating, field 3 (rating), holds a NUL byte"));
        run_free(&r);
        free(tab);
    }
    /* JSON: the escape \u0000 is valid JSON, but no output field may hold the byte */
    static const char j[] = "{\"u\": \"a\", \"i\": \"b\\u0000c\", \"t\": 5}\n";
    tab = l4r_xasprintf(JSONL, "unix_s", "");
    conv(tab, "r.jsonl", j, sizeof j - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "line 1: the item id, key 'i', holds a NUL byte"));
    run_free(&r);
    free(tab);
}

static void test_extra_fields(void)
{
    run_s r;
    /* delimited without a header: four columns, a fifth field on line 2 */
    static const char d[] = "1::2::3::964982703\n1::3::4::964982704::x\n2::4::5::964982705\n";
    char *tab = l4r_xasprintf(DELIM4, "");
    conv(tab, "r.dat", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "r.dat' line 2: expected 4 fields separated by '::', found 5; field 5 'x'"));
    T_CHECK(has(r.e.msg, "\"extra_fields\": \"ignore\""));
    T_CHECK(!r.published);
    run_free(&r);
    free(tab);
    tab = l4r_xasprintf(DELIM4, ", \"extra_fields\": \"ignore\"");
    conv(tab, "r.dat", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_OK);
    T_EQ_STR(l4r_buf_cstr(&r.tsv),
             "user_id\titem_id\trating\ttimestamp\n1\t2\t3\t964982703\n1\t3\t4\t964982704\n"
             "2\t4\t5\t964982705\n");
    T_EQ_INT(manif_int(&r, "extra_fields_ignored"), 1);
    T_EQ_INT(manif_int(&r, "records"), 3);
    run_free(&r);
    free(tab);
    /* fewer fields than the columns is an error either way */
    static const char few[] = "1::2::3\n";
    tab = l4r_xasprintf(DELIM4, ", \"extra_fields\": \"ignore\"");
    conv(tab, "r.dat", few, sizeof few - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "line 1: expected 4 fields separated by '::', found 3"));
    run_free(&r);
    free(tab);

    /* CSV with and without a header, both paths, the fast path's shape (one-byte separator) */
    static const char *const bodies[] = {"1,2,3.0,964982703\n1,3,4.0,964982704,\n2,4,5.0,964982705\n",
                                         "1,2,3.0,964982703\n1,3,4.0,964982704,\"a,b\"\n"};
    for (int hdr = 0; hdr < 2; hdr++) {
        for (int b = 0; b < 2; b++) {
            for (int split = 0; split < 2; split++) {
                char *data = l4r_xasprintf("%s%s", hdr ? "userId,movieId,rating,timestamp\n" : "", bodies[b]);
                conv_opt o = plain;
                o.split = split;
                tab = l4r_xasprintf(CSV4, hdr ? "true" : "false", "unix_s", "");
                conv(tab, "r.csv", data, strlen(data), &o, &r);
                T_EQ_INT(r.st, L4R_EPARSE);
                char want[96];
                snprintf(want, sizeof want, "r.csv' line %d: expected 4 fields separated by ',', found 5",
                         2 + hdr);
                T_CHECK(has(r.e.msg, want));
                T_CHECK(has(r.e.msg, b ? "field 5 'a,b'" : "field 5 ''"));
                run_free(&r);
                free(tab);
                tab = l4r_xasprintf(CSV4, hdr ? "true" : "false", "unix_s", ", \"extra_fields\": \"ignore\"");
                conv(tab, "r.csv", data, strlen(data), &o, &r);
                T_EQ_INT(r.st, L4R_OK);
                T_EQ_INT(manif_int(&r, "extra_fields_ignored"), 1);
                T_CHECK(has(l4r_buf_cstr(&r.tsv), "1\t3\t4.0\t964982704\n"));
                run_free(&r);
                free(tab);
                free(data);
            }
        }
    }
    /* a header of five columns: a record of five is fine, one of six is not */
    static const char t5[] = "u\ti\tr\tt\tx\n1\t2\t3\t4\t5\n1\t2\t3\t4\t5\t6\n";
    tab = l4r_xasprintf(TSV4, "");
    conv(tab, "r.tsv", t5, sizeof t5 - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "r.tsv' line 3: expected 5 fields separated by tabs, found 6; field 6 '6'"));
    run_free(&r);
    free(tab);
}

static void test_fractions(void)
{
    run_s r;
    static const char d[] = "userId,movieId,rating,timestamp\n1,2,3,964982703.0\n1,3,4,964982703.7\n";
    char *tab = l4r_xasprintf(CSV4, "true", "unix_s", "");
    conv(tab, "r.csv", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "r.csv' line 3: field 4 (timestamp) '964982703.7' has a fraction; Unix seconds "
                         "must be whole (recipe key \"time_fraction\": \"floor\" floors them)"));
    run_free(&r);
    free(tab);
    for (int split = 0; split < 2; split++) {
        conv_opt o = plain;
        o.split = split;
        tab = l4r_xasprintf(CSV4, "true", "unix_s", ", \"time_fraction\": \"floor\"");
        conv(tab, "r.csv", d, sizeof d - 1, &o, &r);
        T_EQ_INT(r.st, L4R_OK);
        T_CHECK(has(l4r_buf_cstr(&r.tsv), "1\t3\t4\t964982703\n"));
        T_EQ_INT(manif_int(&r, "time_fractions_floored"), 1); /* "964982703.0" is whole */
        run_free(&r);
        free(tab);
    }
    /* milliseconds with a fraction; negative times floor down */
    static const char ms[] = "userId,movieId,rating,timestamp\n1,2,3,1588687728923.5\n1,2,3,-1500.5\n";
    tab = l4r_xasprintf(CSV4, "true", "unix_ms", "");
    conv(tab, "r.csv", ms, sizeof ms - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "line 2: field 4 (timestamp) '1588687728923.5' has a fraction; Unix milliseconds"));
    run_free(&r);
    free(tab);
    tab = l4r_xasprintf(CSV4, "true", "unix_ms", ", \"time_fraction\": \"floor\"");
    conv(tab, "r.csv", ms, sizeof ms - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_OK);
    T_CHECK(has(l4r_buf_cstr(&r.tsv), "1\t2\t3\t1588687728\n1\t2\t3\t-2\n"));
    T_EQ_INT(manif_int(&r, "time_fractions_floored"), 2);
    run_free(&r);
    free(tab);
    /* a JSON number */
    static const char j[] = "{\"u\": \"a\", \"i\": \"b\", \"t\": 964982703.25}\n";
    tab = l4r_xasprintf(JSONL, "unix_s", "");
    conv(tab, "r.jsonl", j, sizeof j - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "r.jsonl' line 1: key 't' '964982703.25' has a fraction"));
    run_free(&r);
    free(tab);

    /* the parser itself */
    int64_t v;
    bool frac;
    T_CHECK(l4r_parse_time_frac("964982703.7", 11, L4R_TIME_UNIX_S, &v, &frac) && frac && v == 964982703);
    T_CHECK(l4r_parse_time_frac("964982703.000", 13, L4R_TIME_UNIX_S, &v, &frac) && !frac && v == 964982703);
    T_CHECK(l4r_parse_time_frac("-1.5", 4, L4R_TIME_UNIX_S, &v, &frac) && frac && v == -2);
    T_CHECK(l4r_parse_time_frac("2019-11-15 10:22:32.5", 21, L4R_TIME_DATETIME, &v, &frac) && !frac);
}

/* Found by fuzz_time: a day the month does not have was moved into the next month
 * ("2019-11-31" gave 1 December) instead of being refused. */
static void test_impossible_dates(void)
{
    int64_t v;
    T_CHECK(!l4r_parse_time("2019-11-31", 10, L4R_TIME_DATE, &v));
    T_CHECK(!l4r_parse_time("2019-02-29 00:00:00", 19, L4R_TIME_DATETIME, &v));
    T_CHECK(!l4r_parse_time("1900-02-29T00:00:00Z", 20, L4R_TIME_ISO8601, &v));
    T_CHECK(!l4r_parse_time("4/31/2019 10:22:32 AM", 21, L4R_TIME_MDY_AMPM, &v));
    T_CHECK(l4r_parse_time("2020-02-29", 10, L4R_TIME_DATE, &v) && v == 1582934400);
    T_CHECK(l4r_parse_time("2000-02-29", 10, L4R_TIME_DATE, &v) && v == 951782400);
    T_CHECK(l4r_parse_time("2019-12-31 23:59:60", 19, L4R_TIME_DATETIME, &v) && v == 1577836800);
}

/* One value through the parser: true when it parses to `want` with fraction `frac`. */
static bool tv(const char *s, l4r_timefmt f, int year, int64_t want, bool frac)
{
    int64_t v = -12345;
    bool fr = !frac;
    bool ok = l4r_parse_time_y(s, strlen(s), f, year, &v, &fr);
    if (!ok || v != want || fr != frac)
        printf("# '%s': ok %d value %lld fraction %d\n", s, ok, (long long)v, fr);
    return ok && v == want && fr == frac;
}

/* true when the text is refused */
static bool refused(const char *s, l4r_timefmt f, int year)
{
    int64_t v;
    bool fr;
    bool ok = l4r_parse_time_y(s, strlen(s), f, year, &v, &fr);
    if (ok)
        printf("# '%s' was taken as %lld\n", s, (long long)v);
    return !ok;
}

/* Issue 15: KuaiSAR's float milliseconds print in scientific notation; read exactly, not through
 * a double, then floored like any fraction. */
static void test_exponents(void)
{
    const l4r_timefmt MS = L4R_TIME_UNIX_MS, S = L4R_TIME_UNIX_S;
    T_CHECK(tv("1.684742e+12", MS, 0, 1684742000, false)); /* only as precise as its digits */
    T_CHECK(tv("1.684742E12", MS, 0, 1684742000, false));
    T_CHECK(tv("1684742400123.0", MS, 0, 1684742400, false));
    T_CHECK(tv("1.6847424001235e+12", MS, 0, 1684742400, true)); /* 1684742400123.5 ms */
    T_CHECK(tv("1.6847424001230e+12", MS, 0, 1684742400, false));
    T_CHECK(tv("16847424001235e-1", MS, 0, 1684742400, true));
    T_CHECK(tv("1.e3", S, 0, 1000, false));
    T_CHECK(tv("1.5e9", S, 0, 1500000000, false));
    T_CHECK(tv("1E+012", S, 0, 1000000000000, false));
    T_CHECK(tv("12e-1", S, 0, 1, true));
    T_CHECK(tv("-12e-1", S, 0, -2, true)); /* floored down */
    T_CHECK(tv("-1.5e0", S, 0, -2, true));
    T_CHECK(tv("-1.2e3", MS, 0, -2, false)); /* -1200 ms */
    T_CHECK(tv("5e-30", S, 0, 0, true));
    T_CHECK(tv("0.000e30", S, 0, 0, false));
    T_CHECK(tv("9.2e18", S, 0, 9200000000000000000, false));
    T_CHECK(tv("1e0000000000000000000012", S, 0, 1000000000000, false)); /* the exponent's zeros */
    /* overflow, absurd exponents, not numbers */
    static const char *const bad[] = {"1e19", "1e30", "1e31", "0e31",     "1e-31",  "1e99999999999999999999",
                                      "1e",   "1e+",  "e5",   "1.5e3.0",  "1.5e 3", "nan",
                                      "NaN",  "inf",  "-inf", "Infinity", ".5e3",   "1,5e3",
                                      "0x1p3"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        T_CHECK(refused(bad[k], MS, 0) && refused(bad[k], S, 0));

    /* through the converter: the fraction is the recipe's to allow */
    run_s r;
    static const char d[] =
        "userId,movieId,rating,timestamp\n1,2,3,1.684742e+12\n1,3,4,1.6847424001235e+12\n";
    char *tab = l4r_xasprintf(CSV4, "true", "unix_ms", "");
    conv(tab, "r.csv", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(
        has(r.e.msg, "line 3: field 4 (timestamp) '1.6847424001235e+12' has a fraction; Unix milliseconds"));
    run_free(&r);
    free(tab);
    tab = l4r_xasprintf(CSV4, "true", "unix_ms", ", \"time_fraction\": \"floor\"");
    conv(tab, "r.csv", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_OK);
    T_CHECK(has(l4r_buf_cstr(&r.tsv), "1\t2\t3\t1684742000\n1\t3\t4\t1684742400\n"));
    T_EQ_INT(manif_int(&r, "time_fractions_floored"), 1);
    run_free(&r);
    free(tab);
    /* a JSON number in exponent form is read from its text, the same way */
    static const char j[] = "{\"u\": \"a\", \"i\": \"b\", \"t\": 1.684742E+12}\n";
    tab = l4r_xasprintf(JSONL, "unix_ms", "");
    conv(tab, "r.jsonl", j, sizeof j - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_OK);
    T_CHECK(has(l4r_buf_cstr(&r.tsv), "a\tb\t1\t1684742000\n"));
    run_free(&r);
    free(tab);
}

/* Issue 15: Steam v1's "Posted November 5, 2011." and, in the crawl year, "Posted April 21." */
static void test_posted(void)
{
    const l4r_timefmt P = L4R_TIME_POSTED;
    T_CHECK(tv("Posted November 5, 2011.", P, 0, 1320451200, false));
    T_CHECK(tv("November 5, 2011", P, 0, 1320451200, false)); /* "Posted" and "." are optional */
    T_CHECK(tv("Posted Nov 5, 2011.", P, 0, 1320451200, false));
    T_CHECK(tv("Posted November 05, 2011", P, 0, 1320451200, false));
    T_CHECK(tv("Posted December 31, 2015.", P, 0, 1451520000, false));
    T_CHECK(tv("Posted February 29, 2016.", P, 0, 1456704000, false));
    T_CHECK(tv("Posted May 1, 1970.", P, 0, 10368000, false));
    T_CHECK(refused("Posted February 29, 2015.", P, 0));
    T_CHECK(refused("Posted November 31, 2011.", P, 0));
    /* month names as Steam writes them: capital first letter, in full or three letters */
    static const char *const bad[] = {"Posted november 5, 2011.",
                                      "Posted NOVEMBER 5, 2011.",
                                      "Posted Sept 5, 2011.",
                                      "Posted Novembre 5, 2011.",
                                      "Posted Novem 5, 2011.",
                                      "posted November 5, 2011.",
                                      "Posted  November 5, 2011.",
                                      "Posted November 5,2011.",
                                      "Posted November 5, 11.",
                                      "Posted November 5, 2011..",
                                      "Posted November 123, 2011.",
                                      "Posted November, 2011.",
                                      "Posted November 5, 2011. ",
                                      "Posted 5 November 2011.",
                                      "Posted ",
                                      ""};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        T_CHECK(refused(bad[k], P, 2014));
    /* no year: the recipe's time_year, or a refusal; a written year wins */
    T_CHECK(refused("Posted April 21.", P, 0));
    T_CHECK(tv("Posted April 21.", P, 2014, 1398038400, false));
    T_CHECK(tv("Posted Apr 21", P, 2014, 1398038400, false));
    T_CHECK(tv("Posted November 5, 2011.", P, 2014, 1320451200, false));
    T_CHECK(refused("Posted February 29.", P, 2015));
    T_CHECK(tv("Posted February 29.", P, 2024, 1709164800, false));
    T_CHECK(refused("Posted April 31.", P, 2014));
    /* the year is not read in other formats */
    T_CHECK(tv("2014-04-21", L4R_TIME_DATE, 1999, 1398038400, false));

    /* through the converter */
    static const char d[] = "{\"u\": \"a\", \"i\": \"b\", \"t\": \"Posted November 5, 2011.\"}\n"
                            "{\"u\": \"a\", \"i\": \"c\", \"t\": \"Posted April 21.\"}\n";
    run_s r;
    char *tab = l4r_xasprintf(JSONL, "posted", "");
    conv(tab, "r.jsonl", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "r.jsonl' line 2: timestamp 'Posted April 21.' has no year (Steam leaves it out in "
                         "the year of the crawl); set the table's \"time_year\" to that year"));
    run_free(&r);
    free(tab);
    tab = l4r_xasprintf(JSONL, "posted", ", \"time_year\": 2014");
    conv(tab, "r.jsonl", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_OK);
    T_CHECK(has(l4r_buf_cstr(&r.tsv), "a\tb\t1\t1320451200\na\tc\t1\t1398038400\n"));
    run_free(&r);
    /* not a date at all: the message shows the format, not the year */
    static const char d2[] = "{\"u\": \"a\", \"i\": \"b\", \"t\": \"Posted Aprl 21.\"}\n";
    conv(tab, "r.jsonl", d2, sizeof d2 - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(
        has(r.e.msg, "line 1: timestamp 'Posted Aprl 21.' is not a date like 'Posted November 5, 2011.'"));
    run_free(&r);
    free(tab);
}

/* Issue 16: Tmall's and U-NEED's day dates: 20151111 (yyyymmdd), and 1111 / 829 without a year
 * (mmdd, which takes the table's time_year). */
static void test_day_dates(void)
{
    const l4r_timefmt Y = L4R_TIME_YYYYMMDD, M = L4R_TIME_MMDD;
    T_CHECK(tv("20151111", Y, 0, 1447200000, false));
    T_CHECK(tv("19700101", Y, 0, 0, false));
    T_CHECK(tv("20160229", Y, 0, 1456704000, false));
    static const char *const ybad[] = {"20150229", "2015111",   "201511111", "2015-1111", "20151311",
                                       "20151100", " 20151111", "2015111a",  ""};
    for (size_t k = 0; k < sizeof ybad / sizeof *ybad; k++)
        T_CHECK(refused(ybad[k], Y, 0));
    T_CHECK(tv("1111", M, 2014, 1415664000, false));
    T_CHECK(tv("829", M, 2014, 1409270400, false));
    T_CHECK(tv("0829", M, 2014, 1409270400, false));
    T_CHECK(tv("229", M, 2016, 1456704000, false));
    T_CHECK(refused("229", M, 2015)); /* no 29 February in 2015 */
    T_CHECK(refused("1111", M, 0));   /* no year given */
    static const char *const mbad[] = {"1311", "1100", "11", "11111", "1a11", "", "-111"};
    for (size_t k = 0; k < sizeof mbad / sizeof *mbad; k++)
        T_CHECK(refused(mbad[k], M, 2014));
}

/* Issue 15: Goodreads' "Sun Jul 30 07:44:10 -0700 2017", to UTC by its offset; the weekday must be
 * the date's. */
static void test_ctime_offset(void)
{
    const l4r_timefmt C = L4R_TIME_CTIME_OFFSET;
    T_CHECK(tv("Sun Jul 30 07:44:10 -0700 2017", C, 0, 1501425850, false));
    T_CHECK(tv("Sun Jul 30 14:44:10 +0000 2017", C, 0, 1501425850, false));
    T_CHECK(tv("Mon Jul 31 00:14:10 +0930 2017", C, 0, 1501425850, false));
    T_CHECK(tv("Mon Jul 03 00:00:00 +0000 2017", C, 0, 1499040000, false));
    T_CHECK(tv("Mon Jul  3 00:00:00 +0000 2017", C, 0, 1499040000, false)); /* space-padded day */
    T_CHECK(tv("Mon Jul 3 00:00:00 +0000 2017", C, 0, 1499040000, false));
    /* a negative offset crossing midnight and the year: 1 January 2017 01:00 UTC */
    T_CHECK(tv("Sat Dec 31 20:00:00 -0500 2016", C, 0, 1483232400, false));
    /* a positive one back into the old year: 31 December 2016 18:00 UTC */
    T_CHECK(tv("Sun Jan 01 03:00:00 +0900 2017", C, 0, 1483207200, false));
    T_CHECK(tv("Mon Feb 29 12:00:00 +0530 2016", C, 0, 1456727400, false)); /* leap day */
    T_CHECK(tv("Thu Jan 01 00:00:00 +0000 1970", C, 0, 0, false));
    T_CHECK(tv("Wed Dec 31 23:59:59 +0000 1969", C, 0, -1, false));
    T_CHECK(tv("Fri Jan 20 18:50:49 -0800 2023", C, 0, 1674269449, false));
    /* 20 January 2023 was a Friday: a wrong weekday means the text is not what it seems */
    T_CHECK(refused("Tue Jan 20 18:50:49 -0800 2023", C, 0));
    T_CHECK(refused("Sat Jul 30 07:44:10 -0700 2017", C, 0));
    static const char *const bad[] = {"Sun Jux 30 07:44:10 -0700 2017",    "Sun July 30 07:44:10 -0700 2017",
                                      "Sun jul 30 07:44:10 -0700 2017",    "sun Jul 30 07:44:10 -0700 2017",
                                      "Sunday Jul 30 07:44:10 -0700 2017", "Xyz Jul 30 07:44:10 -0700 2017",
                                      "Mon Feb 29 12:00:00 +0000 2015",    "Sun Jul 30 07:44:10 2017",
                                      "Sun Jul 30 07:44:10 -07:00 2017",   "Sun Jul 30 07:44:10 -2400 2017",
                                      "Sun Jul 30 07:44:10 -0760 2017",    "Sun Jul 30 07:44:10 -0700 17",
                                      "Sun Jul 30 07:44:10 -0700 2017 ",   "Sun Jul 30 7:44:10 -0700 2017",
                                      "Sun Jul 30 24:00:00 -0700 2017",    "Sun Jul   3 07:44:10 -0700 2017",
                                      "Sun Jul 30 07:44:10 Z 2017",        ""};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        T_CHECK(refused(bad[k], C, 0));

    static const char d[] = "{\"u\": \"a\", \"i\": \"b\", \"t\": \"Tue Jan 20 18:50:49 -0800 2023\"}\n";
    run_s r;
    char *tab = l4r_xasprintf(JSONL, "ctime_offset", "");
    conv(tab, "r.jsonl", d, sizeof d - 1, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "line 1: timestamp 'Tue Jan 20 18:50:49 -0800 2023' is not a time like 'Sun Jul 30 "
                         "07:44:10 -0700 2017' (with the weekday of its date)"));
    run_free(&r);
    free(tab);
}

/* The recipe keys are validated like the others. */
static void test_recipe_keys(void)
{
    static const struct {
        const char *table, *msg;
    } bad[] = {
        {"{\"path\": \"a\", \"format\": \"csv\", \"header\": true, \"fields\": {\"user_id\": \"u\", "
         "\"item_id\": "
         "\"i\"}, \"extra_fields\": \"drop\"}",
         "$.variants.v.interactions.extra_fields: unknown value 'drop' (expected one of"},
        {"{\"path\": \"a\", \"format\": \"csv\", \"header\": true, \"fields\": {\"user_id\": \"u\", "
         "\"item_id\": "
         "\"i\"}, \"extra_fields\": true}",
         "$.variants.v.interactions.extra_fields: expected a string"},
        {"{\"path\": \"a\", \"format\": \"jsonl\", \"fields\": {\"user_id\": \"u\", \"item_id\": \"i\"}, "
         "\"extra_fields\": \"ignore\"}",
         "extra_fields: not allowed for format jsonl"},
        {"{\"path\": \"a\", \"format\": \"jsonl\", \"fields\": {\"user_id\": \"u\", \"item_id\": \"i\", "
         "\"timestamp\": \"t\"}, \"time\": \"date\", \"time_fraction\": \"floor\"}",
         "time_fraction: applies to time 'unix_s' or 'unix_ms' only, not 'date'"},
        {"{\"path\": \"a\", \"format\": \"jsonl\", \"fields\": {\"user_id\": \"u\", \"item_id\": \"i\", "
         "\"timestamp\": \"t\"}, \"time\": \"unix_s\", \"time_fraction\": \"round\"}",
         "time_fraction: unknown value 'round' (expected one of"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        run_s r;
        conv(bad[k].table, "a", "", 0, &plain, &r);
        T_EQ_INT(r.st, L4R_ERECIPE);
        T_CHECK(has(r.e.msg, bad[k].msg));
        run_free(&r);
    }
}

/* Bad records spread over many blocks: --max-errors gives the same output, warnings and failure
 * for every -j (threads = N - 1) and block size, on the streaming and the table path. */
static void test_max_errors(void)
{
    l4r_buf d = {0};
    l4r_buf_adds(&d, "userId,movieId,rating,timestamp\n");
    int nbad = 0;
    for (int i = 0; i < 3000; i++) {
        if (i % 251 == 7) {
            static const char *const kinds[] = {",3.0,notatime\n", ",3.0,1,extra\n", "\n", ",\"3.0\"x,1\n",
                                                ",3.0,1.5\n"};
            l4r_buf_addf(&d, "%d,%d%s", i, i, kinds[nbad % 5]);
            nbad++;
        } else {
            l4r_buf_addf(&d, "%d,%d,%d.0,%d\n", i % 97, i, i % 5, 900000000 + i);
        }
    }
    char *tab = l4r_xasprintf(CSV4, "true", "unix_s", "");
    static const int threads[] = {0, 1, 2, 7};
    static const size_t blocks[] = {0, 100, 4096};
    for (int split = 0; split < 2; split++) {
        run_s ref_ok, ref_fail;
        memset(&ref_ok, 0, sizeof ref_ok);
        memset(&ref_fail, 0, sizeof ref_fail);
        bool have_ref = false;
        for (size_t ti = 0; ti < 4; ti++) {
            for (size_t bi = 0; bi < 3; bi++) {
                conv_opt o = {threads[ti], blocks[bi], (uint64_t)nbad, split != 0};
                run_s ok, fail;
                conv(tab, "r.csv", d.data, d.len, &o, &ok);
                o.max_errors = (uint64_t)nbad - 1;
                conv(tab, "r.csv", d.data, d.len, &o, &fail);
                char what[96];
                snprintf(what, sizeof what, "split %d -j %d block %zu", split, threads[ti] + 1, blocks[bi]);
                bool good = ok.st == L4R_OK && ok.published && manif_int(&ok, "records_skipped") == nbad &&
                            manif_int(&ok, "records") == 3000 - nbad && fail.st == L4R_EPARSE &&
                            !fail.published;
                if (!have_ref) {
                    ref_ok = ok;
                    ref_fail = fail;
                    have_ref = true;
                    l4r_t_report(good, __FILE__, __LINE__, what, good ? NULL : ok.st ? ok.e.msg : fail.e.msg);
                    continue;
                }
                good = good && ok.tsv.len == ref_ok.tsv.len &&
                       !memcmp(ok.tsv.data, ref_ok.tsv.data, ok.tsv.len) && ok.log.len == ref_ok.log.len &&
                       !memcmp(ok.log.data, ref_ok.log.data, ok.log.len) &&
                       fail.log.len == ref_fail.log.len &&
                       !memcmp(fail.log.data, ref_fail.log.data, fail.log.len) &&
                       !strcmp(fail.e.msg, ref_fail.e.msg);
                l4r_t_report(good, __FILE__, __LINE__, what, good ? NULL : "differs from -j 1");
                run_free(&ok);
                run_free(&fail);
            }
        }
        /* what the reference says: every bad record, in input order */
        const char *log = l4r_buf_cstr(&ref_ok.log);
        T_CHECK(has(log, "r.csv' line 9: timestamp 'notatime' is not Unix seconds\n"));
        T_CHECK(has(log, "line 260: expected 4 fields separated by ',', found 5"));
        T_CHECK(has(log, "line 511: expected 4 fields separated by ',', found 2"));
        T_CHECK(has(log, "line 762: unexpected character after quoted field"));
        T_CHECK(has(log, "line 1013: field 4 (timestamp) '1.5' has a fraction"));
        size_t lines = 0;
        for (const char *q = log; *q; q++)
            lines += *q == '\n';
        T_EQ_INT(lines, nbad);
        T_CHECK(strstr(log, "line 9:") < strstr(log, "line 260:") &&
                strstr(log, "line 260:") < strstr(log, "line 1013:"));
        json_t *first = json_object_get(
            json_object_get(json_object_get(ref_ok.manif, "inputs"), "interactions"), "skipped_first");
        T_EQ_INT(json_array_size(first), 5);
        T_CHECK(has(json_string_value(json_array_get(first, 0)), "r.csv' line 9: timestamp 'notatime'"));
        /* one more than allowed: the failure is the last record's, after the others' warnings */
        char want[64];
        snprintf(want, sizeof want, "(bad record %d; --max-errors is %d)", nbad, nbad - 1);
        T_CHECK(has(ref_fail.e.msg, want));
        T_CHECK(has(ref_fail.e.msg, "line 2770:"));
        lines = 0;
        for (const char *q = l4r_buf_cstr(&ref_fail.log); *q; q++)
            lines += *q == '\n';
        T_EQ_INT(lines, nbad - 1);
        run_free(&ref_ok);
        run_free(&ref_fail);
    }
    /* without --max-errors the first bad record fails the run, as before */
    run_s r;
    conv(tab, "r.csv", d.data, d.len, &plain, &r);
    T_EQ_INT(r.st, L4R_EPARSE);
    T_CHECK(has(r.e.msg, "r.csv' line 9: timestamp 'notatime' is not Unix seconds"));
    T_CHECK(!strstr(r.e.msg, "max-errors"));
    T_EQ_INT(r.log.len, 0);
    run_free(&r);
    free(tab);
    l4r_buf_free(&d);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    test_nul();
    test_extra_fields();
    test_fractions();
    test_impossible_dates();
    test_exponents();
    test_posted();
    test_ctime_offset();
    test_day_dates();
    test_recipe_keys();
    test_max_errors();
    l4r_error e;
    l4r_rmtree(tmpdir, &e);
    return l4r_t_exit();
}
