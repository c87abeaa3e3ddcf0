/* Unit tests for the converter's pieces: time parsing, text normalisation, output files hashed
 * inline or by the trailing hasher. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/convert.h"
#include "convert/html.h"
#include "convert/output.h"
#include "tap.h"
#include "util.h"

static int64_t t(const char *s, l4r_timefmt f, int *ok)
{
    int64_t v = -12345;
    *ok = l4r_parse_time(s, strlen(s), f, &v);
    return v;
}

static void test_time(void)
{
    int ok;
    T_EQ_INT(t("978300760", L4R_TIME_UNIX_S, &ok), 978300760);
    T_CHECK(ok);
    T_EQ_INT(t("964982703.0", L4R_TIME_UNIX_S, &ok), 964982703);
    T_CHECK(ok);
    T_EQ_INT(t("1588687728923", L4R_TIME_UNIX_MS, &ok), 1588687728);
    T_CHECK(ok);
    T_EQ_INT(t("-1500", L4R_TIME_UNIX_MS, &ok), -2); /* floor, not truncation */
    T_CHECK(ok);
    t("12a", L4R_TIME_UNIX_S, &ok);
    T_CHECK(!ok);
    t("", L4R_TIME_UNIX_S, &ok);
    T_CHECK(!ok);
    t("99999999999999999999999", L4R_TIME_UNIX_S, &ok);
    T_CHECK(!ok);
    T_EQ_INT(t("1970-01-01", L4R_TIME_DATE, &ok), 0);
    T_CHECK(ok);
    T_EQ_INT(t("2014-01-30", L4R_TIME_DATE, &ok), 1391040000); /* Amazon 2014 sample line */
    T_CHECK(ok);
    T_EQ_INT(t("2000-02-29", L4R_TIME_DATE, &ok), 951782400);
    T_CHECK(ok);
    T_EQ_INT(t("2018-01-01 10:01:02", L4R_TIME_DATETIME, &ok), 1514800862);
    T_CHECK(ok);
    T_EQ_INT(t("2010-10-19T23:55:27Z", L4R_TIME_ISO8601, &ok), 1287532527);
    T_CHECK(ok);
    T_EQ_INT(t("2017-07-30T07:44:10-07:00", L4R_TIME_ISO8601, &ok), 1501425850);
    T_CHECK(ok);
    T_EQ_INT(t("11/15/2019 10:22:32 AM", L4R_TIME_MDY_AMPM, &ok), 1573813352);
    T_CHECK(ok);
    T_EQ_INT(t("11/15/2019 12:05:00 AM", L4R_TIME_MDY_AMPM, &ok), 1573776300);
    T_CHECK(ok);
    T_EQ_INT(t("1/5/2019 12:00:00 PM", L4R_TIME_MDY_AMPM, &ok), 1546689600);
    T_CHECK(ok);
    t("2019-13-01", L4R_TIME_DATE, &ok);
    T_CHECK(!ok);
    t("2019-01-01 25:00:00", L4R_TIME_DATETIME, &ok);
    T_CHECK(!ok);
    t("13/15/2019 10:22:32 AM", L4R_TIME_MDY_AMPM, &ok);
    T_CHECK(!ok);
}

static void test_text(void)
{
    l4r_buf b = {0};
    T_CHECK(l4r_append_text(&b, "Mis\xe9rables", 10, L4R_ENC_LATIN1));
    T_EQ_MEM(b.data, b.len, "Mis\xc3\xa9rables", 11);
    l4r_buf_reset(&b);
    T_CHECK(l4r_append_text(&b, "a\tb\nc\rd", 7, L4R_ENC_UTF8));
    T_EQ_MEM(b.data, b.len, "a b c d", 7);
    l4r_buf_reset(&b);
    T_CHECK(l4r_append_text(&b, "\x93quoted\x94 \x80", 10, L4R_ENC_CP1252));
    T_EQ_MEM(b.data, b.len, "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac", 16);
    l4r_buf_reset(&b);
    T_CHECK(l4r_append_text(&b, "caf\xc3\xa9 \xf0\x9f\x98\x80", 10, L4R_ENC_UTF8));
    T_EQ_MEM(b.data, b.len, "caf\xc3\xa9 \xf0\x9f\x98\x80", 10);
    l4r_buf_reset(&b);
    T_CHECK(!l4r_append_text(&b, "caf\xe9", 4, L4R_ENC_UTF8));      /* Latin-1 byte in UTF-8 */
    T_CHECK(!l4r_append_text(&b, "\xed\xa0\x80", 3, L4R_ENC_UTF8)); /* surrogate */
    T_CHECK(!l4r_append_text(&b, "\xc0\xaf", 2, L4R_ENC_UTF8));     /* overlong */
    T_CHECK(!l4r_append_text(&b, "\xe2\x82", 2, L4R_ENC_UTF8));     /* truncated */
    l4r_buf_free(&b);
}

/* An output's digest in the manifest is the file's, whether hashed inline or aside, switched on
 * at the start or midway, with small (buffered), large (direct) and handed-over (write_buf)
 * writes; abort stops the thread. */
static void test_out_hash_aside(void)
{
    char dir[] = "/tmp/l4r-test-out.XXXXXX";
    if (!mkdtemp(dir))
        abort();
    char *big = l4r_xmalloc(3u << 20);
    for (size_t i = 0; i < (3u << 20); i++)
        big[i] = (char)('a' + i % 26);
    for (int mode = 0; mode < 3; mode++) { /* 0 inline, 1 aside from the start, 2 aside midway */
        l4r_error e = {0};
        l4r_out *o;
        T_EQ_INT(l4r_out_open(&o, dir, "x.tsv", &e), L4R_OK);
        if (mode == 1)
            l4r_out_hash_aside(o);
        l4r_status st = L4R_OK;
        l4r_buf blk = {0}, expect = {0};
        bool swapped_ok = true;
        for (int k = 0; k < 40 && !st; k++) {
            st = l4r_out_write(o, big, (size_t)(k * 7919) % 5000, &e);
            l4r_buf_add(&expect, big, (size_t)(k * 7919) % 5000);
            if (!st && k % 9 == 0) {
                st = l4r_out_write(o, big, (3u << 20) - (size_t)k, &e);
                l4r_buf_add(&expect, big, (3u << 20) - (size_t)k);
            }
            if (!st && k % 4 == 1) {
                /* a pipeline block: an 8-byte header, then the data; given away when aside */
                size_t n = k % 8 == 1 ? (2u << 20) + (size_t)k : 1000;
                blk.len = 0;
                l4r_buf_add(&blk, "HEADER!!", 8);
                l4r_buf_add(&blk, big + k, n);
                l4r_buf_add(&expect, big + k, n);
                bool aside = mode == 1 || (mode == 2 && k > 20);
                st = l4r_out_write_buf(o, &blk, 8, &e);
                if (aside && n >= (1u << 20) && blk.len != 0)
                    swapped_ok = false; /* the caller gets an empty spare back */
            }
            if (mode == 2 && k == 20)
                l4r_out_hash_aside(o);
        }
        l4r_buf_free(&blk);
        T_EQ_INT(st, L4R_OK);
        T_CHECK(swapped_ok);
        l4r_manifest *m = l4r_manifest_new();
        T_EQ_INT(l4r_out_close(o, m, &e), L4R_OK);
        char *path = l4r_path_join(dir, "x.tsv");
        char want[65];
        uint64_t size;
        T_EQ_INT(l4r_hash_file(path, L4R_HASH_SHA256, want, &size, &e), L4R_OK);
        char *dump = l4r_manifest_dump(m);
        T_CHECK(strstr(dump, want) != NULL);
        /* and the file holds exactly what was written, without the blocks' headers */
        l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
        l4r_hasher_update(h, expect.data, expect.len);
        char exp_hex[65];
        l4r_hasher_final(h, exp_hex);
        T_EQ_STR(want, exp_hex);
        T_EQ_INT(size, expect.len);
        l4r_buf_free(&expect);
        free(dump);
        free(path);
        l4r_manifest_free(m);
    }
    l4r_error e = {0};
    l4r_out *o;
    T_EQ_INT(l4r_out_open(&o, dir, "y.tsv", &e), L4R_OK);
    l4r_out_hash_aside(o);
    T_EQ_INT(l4r_out_write(o, big, 3u << 20, &e), L4R_OK);
    l4r_out_abort(o);
    free(big);

    /* buffers lent to the trailing hasher (hashed where they are), between bytes it preads, in
     * file order; a reused buffer is reclaimed first; the digest is the file's */
    {
        size_t n = 9u << 20;
        unsigned char *data = l4r_xmalloc(n);
        uint32_t x = 7;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            data[i] = (unsigned char)(x >> 24);
        }
        char *lp = l4r_path_join(dir, "lent");
        T_EQ_INT(l4r_write_file_atomic(lp, data, n, &e), L4R_OK);
        int lfd = open(lp, O_RDONLY);
        l4r_trail *lt = l4r_trail_start(lfd, lp, l4r_hasher_new(L4R_HASH_SHA256), 0);
        T_CHECK(lt != NULL);
        enum { NB = 3, CH = 300000 };
        unsigned char *bufs[NB];
        for (int k = 0; k < NB; k++)
            bufs[k] = l4r_xmalloc(CH);
        size_t at = 0;
        for (int round = 0; at < n; round++) {
            size_t len = n - at < CH ? n - at : CH;
            if (round % 7 == 3) { /* these bytes only in the file: the thread preads them */
                at += len;
                l4r_trail_advance(lt, at);
                continue;
            }
            unsigned char *b = bufs[round % NB];
            l4r_trail_reclaim(lt, b);
            memcpy(b, data + at, len);
            l4r_trail_lend(lt, b, len);
            at += len;
        }
        l4r_hasher *lh = l4r_trail_finish(lt, false, &e);
        T_CHECK(lh != NULL);
        char got_hex[65], want_hex[65];
        uint64_t wsize;
        if (lh)
            l4r_hasher_final(lh, got_hex);
        T_EQ_INT(l4r_hash_file(lp, L4R_HASH_SHA256, want_hex, &wsize, &e), L4R_OK);
        T_EQ_STR(lh ? got_hex : "", want_hex);
        /* after the thread stopped on an error, lending and reclaiming do not wait */
        lt = l4r_trail_start(lfd, lp, l4r_hasher_new(L4R_HASH_SHA256), 0);
        l4r_trail_advance(lt, n + 10);
        for (int k = 0; k < 20; k++) {
            l4r_trail_reclaim(lt, bufs[k % NB]);
            l4r_trail_lend(lt, bufs[k % NB], 10);
        }
        T_CHECK(l4r_trail_finish(lt, false, &e) == NULL);
        T_CHECK(strstr(e.msg, "shrank") != NULL);
        close(lfd);
        for (int k = 0; k < NB; k++)
            free(bufs[k]);
        free(data);
        free(lp);
    }

    /* the trailing hasher reports a file shorter than it was told */
    char *p = l4r_path_join(dir, "short");
    T_EQ_INT(l4r_write_file_atomic(p, "0123456789", 10, &e), L4R_OK);
    int fd = open(p, O_RDONLY);
    l4r_trail *t = l4r_trail_start(fd, p, l4r_hasher_new(L4R_HASH_SHA256), 0);
    T_CHECK(t != NULL);
    l4r_trail_advance(t, 20);
    T_CHECK(l4r_trail_finish(t, false, &e) == NULL);
    T_CHECK(strstr(e.msg, "shrank") != NULL);
    close(fd);
    free(p);
    l4r_rmtree(dir, &e);
}

/* Reading a manifest back (issue 13 item 1): ours only with the tool, a known format version and an
 * outputs list of plain relative names. */
static void test_manifest_read(void)
{
    l4r_manifest *m = l4r_manifest_new();
    l4r_manifest_set_str(m, "tool", "llm4rec-data");
    l4r_manifest_set_int(m, "format_version", L4R_MANIFEST_FORMAT_VERSION);
    l4r_manifest_add_output(m, "train.tsv", 1, 2, "00");
    l4r_manifest_add_output(m, "movielens.inter", 1, 2, "00");
    char *text = l4r_manifest_dump(m);
    char **files;
    size_t n;
    l4r_error e;
    T_EQ_INT(l4r_manifest_read_outputs(text, strlen(text), &files, &n, &e), L4R_OK);
    T_EQ_INT(n, 2);
    if (n == 2) {
        T_EQ_STR(files[0], "movielens.inter"); /* sorted */
        T_EQ_STR(files[1], "train.tsv");
    }
    l4r_manifest_outputs_free(files, n);
    T_EQ_STR(l4r_manifest_get_str(m, "tool"), "llm4rec-data");
    T_CHECK(l4r_manifest_get_str(m, "outputs.x") == NULL);
    free(text);
    l4r_manifest_free(m);
    static const struct {
        const char *json, *why;
    } bad[] = {
        {"{\"name\": \"web\"}", "another tool"},
        {"{\"tool\": \"llm4rec-data\", \"format_version\": 2, \"outputs\": []}", "format_version 2"},
        {"{\"tool\": \"llm4rec-data\", \"format_version\": 1}", "\"outputs\""},
        {"{\"tool\": \"llm4rec-data\", \"format_version\": 1, \"outputs\": [{\"file\": \"../x\"}]}",
         "'../x'"},
        {"{\"tool\": \"llm4rec-data\", \"format_version\": 1, \"outputs\": [{\"file\": \"./x\"}]}", "'./x'"},
        {"{\"tool\": \"llm4rec-data\", \"format_version\": 1, \"outputs\": [{\"file\": \"/etc\"}]}",
         "'/etc'"},
        {"{\"tool\": \"llm4rec-data\", \"tool\": \"llm4rec-data\"}", "not valid JSON"},
        {"[1]", "not a JSON object"},
        {"", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        l4r_status st = l4r_manifest_read_outputs(bad[i].json, strlen(bad[i].json), &files, &n, &e);
        l4r_t_report(st == L4R_EIO && files == NULL && strstr(e.msg, bad[i].why) != NULL, __FILE__, __LINE__,
                     bad[i].json, st ? e.msg : "accepted");
    }
}

/* "clean": "html" on empty text: an empty buffer has no data yet, and the comparison of what
 * was appended with the source must not hand memcmp that NULL (UBSan, test_bigrec_game.sh). */
static void test_html_empty(void)
{
    l4r_buf b = {0};
    T_CHECK(!l4r_html_clean(&b, "", 0));
    T_EQ_INT(b.len, 0);
    T_CHECK(l4r_html_clean(&b, "  ", 2)); /* blanks only: nothing left, so it changed */
    T_EQ_INT(b.len, 0);
    T_CHECK(l4r_html_clean(&b, "<b>x</b>", 8));
    T_CHECK(b.len == 1 && b.data[0] == 'x');
    T_CHECK(!l4r_html_clean(&b, "", 0));
    T_EQ_INT(b.len, 1);
    l4r_buf_free(&b);
}

int main(void)
{
    test_html_empty();
    test_time();
    test_text();
    test_out_hash_aside();
    test_manifest_read();
    return l4r_t_exit();
}
