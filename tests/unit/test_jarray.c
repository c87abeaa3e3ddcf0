/*
 * test_jarray.c — the JSON array filter (jarray.h): arrays compact, pretty-printed, with CRLF, a
 * BOM, empty, fed whole and in pieces of every size down to one byte; each way it breaks (the
 * element and byte named); the sniff; the compaction of one record; and a source that reads a
 * plain and a gzip array file through l4r_source_json_array.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "jarray.h"
#include "reader.h"
#include "util.h"
#include "tap.h"

/* The filter's output for `in`, fed in pieces of `step` bytes (0: whole); *st its status, with the
 * message in e. */
static char *run(const char *in, size_t step, l4r_status *st, l4r_error *e)
{
    size_t n = strlen(in);
    char *buf = l4r_xmalloc(n + 1);
    memcpy(buf, in, n);
    l4r_jarray j;
    l4r_jarray_init(&j);
    l4r_buf out = {0};
    *st = L4R_OK;
    for (size_t at = 0; at < n && *st == L4R_OK;) {
        size_t len = step && n - at > step ? step : n - at, got;
        *st = l4r_jarray_feed(&j, "F", buf + at, len, &got, e);
        l4r_buf_add(&out, buf + at, got);
        at += len;
    }
    if (*st == L4R_OK)
        *st = l4r_jarray_end(&j, "F", e);
    free(buf);
    l4r_buf_addc(&out, '\0');
    return l4r_buf_take(&out);
}

/* `in` gives `want` (st OK) fed whole and in every piece size from 1 to 9. */
static void check_ok(const char *in, const char *want)
{
    for (size_t step = 0; step < 10; step++) {
        l4r_status st;
        l4r_error e = {0};
        char *got = run(in, step, &st, &e);
        T_EQ_INT(st, L4R_OK);
        T_EQ_STR(got, want);
        free(got);
    }
}

/* `in` fails, fed whole and by single bytes, with the same message, which holds `want`. */
static void check_bad(const char *in, const char *want)
{
    l4r_error e1 = {0}, e2 = {0};
    l4r_status s1, s2;
    free(run(in, 0, &s1, &e1));
    free(run(in, 1, &s2, &e2));
    T_EQ_INT(s1, L4R_EPARSE);
    T_EQ_INT(s2, L4R_EPARSE);
    T_EQ_STR(e1.msg, e2.msg);
    bool has = strstr(e1.msg, want) != NULL;
    T_CHECK(has);
    if (!has)
        printf("  message: %s\n  wanted:  %s\n", e1.msg, want);
}

static void test_shapes(void)
{
    check_ok("[{\"a\":1},{\"b\":[2,{\"c\":\"]},\"}]}]", "{\"a\":1}\n{\"b\":[2,{\"c\":\"]},\"}]}\n");
    check_ok("[\n  {\n    \"a\": 1,\n    \"b\": [\n      2\n    ]\n  },\n  {\n    \"c\": \"x\"\n  }\n]\n",
             "{     \"a\": 1,     \"b\": [       2     ]   }\n{     \"c\": \"x\"   }\n");
    check_ok("[\r\n\t{\"a\":\t\"x\\\"y\\\\\"}\r\n\t,\r\n{\"b\":\"\\n\"}\r\n]\r\n",
             "{\"a\": \"x\\\"y\\\\\"}\n{\"b\":\"\\n\"}\n");
    check_ok("\xEF\xBB\xBF[{\"a\":\"\xE4\xBD\xA0\"}]", "{\"a\":\"\xE4\xBD\xA0\"}\n");
    check_ok("[]", "");
    check_ok("  \n [ \n ] \n\n ", "");
    check_ok("\xEF\xBB\xBF[]\r\n", "");
    check_ok("[{}]", "{}\n");
}

static void test_errors(void)
{
    check_bad("[{\"a\":1},{\"a\":2}", "'F' after element 2: the file ends (at byte 16) with no closing ']'");
    check_bad("[{\"a\":1},{\"a\":", "'F' element 2: the file ends inside it (it begins at byte 9");
    check_bad("[{\"a\":\"x", "'F' element 1: the file ends inside it, in a string");
    check_bad("[", "the file ends (at byte 1) before the JSON array's first element");
    check_bad("[{\"a\":1},", "'F' after element 1: the file ends");
    check_bad("[{\"a\":1}] x", "'F': 'x' at byte 10 after the JSON array's closing ']' (byte 8)");
    check_bad("[{\"a\":1}][]", "'[' at byte 9 after the JSON array's closing ']'");
    check_bad("[{\"a\":1}, 3]", "'F' element 2: not a JSON object: it begins with '3' at byte 10");
    check_bad("[[1]]", "'F' element 1: not a JSON object: it begins with '['");
    check_bad("[\"s\"]", "element 1: not a JSON object: it begins with '\"'");
    check_bad("[{\"a\":1},]", "'F' element 2: missing: ']' at byte 9 where an object should begin");
    check_bad("[,{\"a\":1}]", "'F' element 1: missing: ',' at byte 1");
    check_bad("[{\"a\":1},,{}]", "'F' element 2: missing: ',' at byte 9");
    check_bad("[{\"a\":[1}]", "'F' element 1: unbalanced brackets: '}' at byte 8 where ']' closes");
    check_bad("[{\"a\":{\"b\":1]}]", "'F' element 1: unbalanced brackets: ']' at byte 12 where '}' closes");
    check_bad("[{\"a\":1}}]", "'F' after element 1: expected ',' or ']' at byte 8, found '}' (an unbalanced");
    check_bad("[{\"a\":1}{\"a\":2}]", "'F' after element 1: expected ',' or ']' at byte 8, found '{'");
    check_bad("[{\"a\":\"x\ny\"}]", "'F' element 1: a raw line break inside a string at byte 8");
    check_bad("{\"a\":1}", "expected the JSON array's '[' at byte 0, found '{'");
    check_bad("[{\"a\":1}, \x01]", "it begins with byte 0x01 at byte 10");
    /* deeper than the filter follows */
    l4r_buf deep = {0};
    l4r_buf_adds(&deep, "[{\"a\":");
    for (int i = 0; i < L4R_JARRAY_DEPTH; i++)
        l4r_buf_addc(&deep, '[');
    l4r_buf_addc(&deep, '\0');
    check_bad(deep.data, "'F' element 1: nested deeper than 1024 at byte 1029");
    l4r_buf_free(&deep);
}

static void test_sniff(void)
{
    T_EQ_INT(l4r_jarray_sniff("[", 1, 0), 1);
    T_EQ_INT(l4r_jarray_sniff(" \r\n\t[{", 6, 0), 1);
    T_EQ_INT(l4r_jarray_sniff("\xEF\xBB\xBF[", 4, 0), 1);
    T_EQ_INT(l4r_jarray_sniff("\xEF\xBB\xBF  {", 6, 0), 0);
    T_EQ_INT(l4r_jarray_sniff("{\"a\":[1]}", 9, 0), 0);
    T_EQ_INT(l4r_jarray_sniff("  \n", 3, 0), -1);
    T_EQ_INT(l4r_jarray_sniff("\xEF\xBB", 2, 0), -1);
    T_EQ_INT(l4r_jarray_sniff(" \xEF\xBB\xBF[", 5, 0), 0); /* a BOM only at byte 0 */
    T_EQ_INT(l4r_jarray_sniff("", 0, 0), -1);
}

static void test_compact(void)
{
    const char *in = "{ \"a\" : [1, 2],\t\"b\": \"x y\\\" z\\\\\",\r\n \"c\" : { } }  ";
    char out[128];
    size_t n = l4r_json_compact(out, in, strlen(in));
    T_EQ_MEM(out, n, "{\"a\":[1,2],\"b\":\"x y\\\" z\\\\\",\"c\":{}}",
             strlen("{\"a\":[1,2],\"b\":\"x y\\\" z\\\\\",\"c\":{}}"));
    n = l4r_json_compact(out, "{}", 2);
    T_EQ_MEM(out, n, "{}", 2);
}

/* A source over an array file gives out its elements, one per line, whatever the read size; a
 * JSON-lines file is given out as it is. */
static void test_source(void)
{
    char dir[] = "/tmp/l4r-test-jarray.XXXXXX";
    if (!mkdtemp(dir)) {
        T_CHECK(!"mkdtemp");
        return;
    }
    const char *arr = "\xEF\xBB\xBF [\n {\"a\": \"1\"},\n {\"a\": \"2\"}\n]\n";
    const char *want = "{\"a\": \"1\"}\n{\"a\": \"2\"}\n";
    const char *lines = "\n\n{\"a\": [1]}\n{\"a\": 2}\n";
    uLongf zn = 256;
    unsigned char gz[256];
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)(uintptr_t)arr;
    z.avail_in = (uInt)strlen(arr);
    z.next_out = gz;
    z.avail_out = (uInt)zn;
    deflate(&z, Z_FINISH);
    zn = zn - z.avail_out;
    deflateEnd(&z);
    struct {
        const char *name;
        const void *data;
        size_t n;
        const char *want;
        bool array;
    } cases[] = {
        {"a.json", arr, strlen(arr), want, true},
        {"a.json.gz", gz, zn, want, true},
        {"l.jsonl", lines, strlen(lines), lines, false},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *path = l4r_path_join(dir, cases[k].name);
        l4r_error e = {0};
        T_EQ_INT(l4r_write_file_atomic(path, cases[k].data, cases[k].n, &e), L4R_OK);
        for (size_t chunk = 1; chunk < 40; chunk += 7) {
            l4r_source *s = NULL;
            T_EQ_INT(l4r_source_open(&s, path, NULL, &e), L4R_OK);
            if (!s)
                continue;
            bool is = !cases[k].array;
            T_EQ_INT(l4r_source_json_array(s, &is, &e), L4R_OK);
            T_EQ_INT(is, cases[k].array);
            T_EQ_INT(l4r_source_plain(s), !cases[k].array && k != 1);
            l4r_buf out = {0};
            l4r_status st;
            for (;;) {
                size_t got;
                l4r_buf_reserve(&out, chunk);
                st = l4r_source_read(s, out.data + out.len, chunk, &got, &e);
                if (st || !got)
                    break;
                out.len += got;
            }
            T_EQ_INT(st, L4R_OK);
            T_EQ_MEM(out.data, out.len, cases[k].want, strlen(cases[k].want));
            char hex[65];
            uint64_t size = 0;
            T_EQ_INT(l4r_source_file_digest(s, hex, &size, &e), L4R_OK);
            T_EQ_INT(size, cases[k].n); /* the file's bytes, all of them once */
            char want_hex[65];
            l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
            l4r_hasher_update(h, cases[k].data, cases[k].n);
            l4r_hasher_final(h, want_hex);
            T_EQ_STR(hex, want_hex);
            l4r_buf_free(&out);
            l4r_source_close(s);
        }
        unlink(path);
        free(path);
    }
    rmdir(dir);
}

int main(void)
{
    test_shapes();
    test_errors();
    test_sniff();
    test_compact();
    test_source();
    return l4r_t_exit();
}
