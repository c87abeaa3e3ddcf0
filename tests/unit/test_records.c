/*
 * test_records.c — what happens to a bad record (issue 13 items 10 and --max-errors): a NUL byte,
 * a field too many (delimited and CSV, with and without a header), a Unix time with a fraction
 * are errors naming file, line and field unless the recipe's table says otherwise ("extra_fields":
 * "ignore", "time_fraction": "floor"), and then they are counted in manifest.json; --max-errors N
 * skips up to N bad records, the same ones with the same messages in the same order for every -j
 * and block size, and fails with record N+1's error, publishing nothing.
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
    test_recipe_keys();
    test_max_errors();
    l4r_error e;
    l4r_rmtree(tmpdir, &e);
    return l4r_t_exit();
}
