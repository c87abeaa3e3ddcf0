/*
 * test_scan.c — the record scanners: delimited split, RFC 4180 CSV, JSON (differential against
 * jansson on random objects, and a list of inputs that are not JSON), Python literals, and the
 * list iterator over JSON, Python and numpy lists.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"
#include "tap.h"

#define SPAN_EQ(sp, str) T_EQ_MEM((sp).p ? (sp).p : "(absent)", (sp).p ? (sp).n : 8, str, strlen(str))

static void test_delim(void)
{
    l4r_span f[8];
    const char *r = "1::1193::5::978300760";
    T_EQ_INT(l4r_split_delim(r, r + strlen(r), "::", 2, f, 8), 4);
    SPAN_EQ(f[0], "1");
    SPAN_EQ(f[1], "1193");
    SPAN_EQ(f[3], "978300760");
    r = "1::Star Wars: Episode IV (1977)::Action|Sci-Fi";
    T_EQ_INT(l4r_split_delim(r, r + strlen(r), "::", 2, f, 8), 3);
    SPAN_EQ(f[1], "Star Wars: Episode IV (1977)");
    r = "a:::b";
    T_EQ_INT(l4r_split_delim(r, r + strlen(r), "::", 2, f, 8), 2);
    SPAN_EQ(f[1], ":b");
    r = "196\t242\t\t881250949\t";
    T_EQ_INT(l4r_split_delim(r, r + strlen(r), "\t", 1, f, 8), 5);
    SPAN_EQ(f[2], "");
    SPAN_EQ(f[3], "881250949");
    SPAN_EQ(f[4], "");
    T_EQ_INT(l4r_split_delim(r, r + strlen(r), "\t", 1, f, 2), 5);
    SPAN_EQ(f[1], "242");
    T_EQ_INT(l4r_split_delim(r, r, "\t", 1, f, 8), 1);
    T_EQ_INT(f[0].n, 0);
    /* long fields cross the 8-byte SWAR words */
    r = "abcdefghijklmnopqrstuvwxyz|0123456789012345678|x";
    T_EQ_INT(l4r_split_delim(r, r + strlen(r), "|", 1, f, 8), 3);
    SPAN_EQ(f[1], "0123456789012345678");
}

static void test_csv(void)
{
    l4r_span f[8];
    size_t nf;
    l4r_error e;
    l4r_buf s = {0};
    const char *in = "11,\"American President, The (1995)\",Comedy|Drama|Romance\n"
                     "a,\"b \"\"q\"\" c\",d\r\n"
                     "\"multi\nline\",\"\",x\n"
                     "last,no,newline";
    const char *p = in, *end = in + strlen(in);
    {
        /* Book-Crossing: a backslash escapes the next byte inside quotes; "" still works */
        const char *bx = "\"0155061224\";\"A \\\"Quoted\\\" Title; x\";\"a\\\\b\";\"c\"\"d\"\r\n\"e\\";
        const char *q = bx, *qe = bx + strlen(bx);
        T_EQ_INT(l4r_csv_record(&q, qe, ';', '\\', f, 8, &nf, &s, &e), L4R_OK);
        T_EQ_INT(nf, 4);
        SPAN_EQ(f[1], "A \"Quoted\" Title; x");
        SPAN_EQ(f[2], "a\\b");
        SPAN_EQ(f[3], "c\"d");
        T_EQ_INT(l4r_csv_record(&q, qe, ';', '\\', f, 8, &nf, &s, &e), L4R_EPARSE); /* "e\ never closes */
        /* a title ending in a backslash: closed at '";"', the backslash kept */
        const char *tb = "\"Readers)\\\";\"Author\"\n\"a \\\"b\\\"; c\";\"x\"\n";
        q = tb;
        qe = tb + strlen(tb);
        T_EQ_INT(l4r_csv_record(&q, qe, ';', '\\', f, 8, &nf, &s, &e), L4R_OK);
        T_EQ_INT(nf, 2);
        SPAN_EQ(f[0], "Readers)\\");
        SPAN_EQ(f[1], "Author");
        /* an escaped quote followed by ';' but no quote stays a quote */
        T_EQ_INT(l4r_csv_record(&q, qe, ';', '\\', f, 8, &nf, &s, &e), L4R_OK);
        T_EQ_INT(nf, 2);
        SPAN_EQ(f[0], "a \"b\"; c");
        l4r_buf_reset(&s);
    }
    T_EQ_INT(l4r_csv_record(&p, end, ',', 0, f, 8, &nf, &s, &e), L4R_OK);
    T_EQ_INT(nf, 3);
    SPAN_EQ(f[1], "American President, The (1995)");
    SPAN_EQ(f[2], "Comedy|Drama|Romance");
    T_EQ_INT(l4r_csv_record(&p, end, ',', 0, f, 8, &nf, &s, &e), L4R_OK);
    T_EQ_INT(nf, 3);
    SPAN_EQ(f[1], "b \"q\" c");
    SPAN_EQ(f[2], "d");
    T_EQ_INT(l4r_csv_record(&p, end, ',', 0, f, 8, &nf, &s, &e), L4R_OK);
    T_EQ_INT(nf, 3);
    SPAN_EQ(f[0], "multi\nline");
    SPAN_EQ(f[1], "");
    T_CHECK(f[1].p != NULL);
    T_EQ_INT(l4r_csv_record(&p, end, ',', 0, f, 2, &nf, &s, &e), L4R_OK);
    T_EQ_INT(nf, 3);
    SPAN_EQ(f[1], "no");
    T_CHECK(p == end);
    /* ';'-separated, every field quoted (Book-Crossing shape) */
    in = "\"276725\";\"034545104X\";\"0\"\n";
    p = in;
    T_EQ_INT(l4r_csv_record(&p, in + strlen(in), ';', 0, f, 8, &nf, &s, &e), L4R_OK);
    T_EQ_INT(nf, 3);
    SPAN_EQ(f[1], "034545104X");
    /* spans into scratch stay valid while scratch grows (many quoted fields, tiny scratch) */
    l4r_buf_free(&s);
    l4r_buf big = {0};
    for (int i = 0; i < 8; i++) {
        l4r_buf_addc(&big, '"');
        for (int k = 0; k < 300 * (i + 1); k++)
            l4r_buf_addc(&big, (char)('a' + i));
        l4r_buf_adds(&big, i < 7 ? "\"," : "\"\n");
    }
    p = big.data;
    T_EQ_INT(l4r_csv_record(&p, big.data + big.len, ',', 0, f, 8, &nf, &s, &e), L4R_OK);
    T_EQ_INT(nf, 8);
    bool ok = true;
    for (int i = 0; i < 8; i++) {
        ok = ok && f[i].n == (size_t)(300 * (i + 1));
        for (size_t k = 0; ok && k < f[i].n; k++)
            ok = f[i].p[k] == (char)('a' + i);
    }
    T_CHECK(ok);
    l4r_buf_free(&big);
    /* errors */
    in = "a,\"never closed\nb,c\n";
    p = in;
    T_EQ_INT(l4r_csv_record(&p, in + strlen(in), ',', 0, f, 8, &nf, &s, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "unterminated quoted field starting at byte 2");
    in = "a,\"q\"x,b\n";
    p = in;
    T_EQ_INT(l4r_csv_record(&p, in + strlen(in), ',', 0, f, 8, &nf, &s, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "unexpected character after quoted field at byte 5");
    l4r_buf_free(&s);
}

/* ---- JSON: differential against jansson ---- */

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

static void rand_utf8(l4r_buf *b, size_t maxlen)
{
    size_t n = rnd() % (maxlen + 1);
    for (size_t i = 0; i < n; i++) {
        switch (rnd() % 12) {
        case 0: l4r_buf_addc(b, "\"\\/\b\f\n\r\t"[rnd() % 8]); break;
        case 1: l4r_buf_addc(b, (char)(1 + rnd() % 31)); break;
        case 2: l4r_buf_adds(b, "\xc3\xa9"); break;         /* é */
        case 3: l4r_buf_adds(b, "\xe2\x99\xa5"); break;     /* ♥ */
        case 4: l4r_buf_adds(b, "\xf0\x9f\x98\x80"); break; /* U+1F600: a surrogate pair when escaped */
        case 5: l4r_buf_adds(b, "\xef\xbf\xbf"); break;     /* U+FFFF */
        case 6: l4r_buf_adds(b, "\xf4\x8f\xbf\xbf"); break; /* U+10FFFF */
        default: l4r_buf_addc(b, (char)(' ' + rnd() % 95)); break;
        }
    }
}

static json_t *rand_value(int depth);

static json_t *rand_string(void)
{
    l4r_buf b = {0};
    rand_utf8(&b, rnd() % 4 == 0 ? 200 : 12);
    json_t *s = json_stringn(b.data ? b.data : "", b.len);
    l4r_buf_free(&b);
    return s;
}

static json_t *rand_number(void)
{
    switch (rnd() % 4) {
    case 0: return json_integer((json_int_t)rnd());
    case 1: return json_integer((json_int_t)(rnd() % 2000) - 1000);
    case 2: return json_real(((double)(rnd() % 2000000) - 1000000) / 1000.0);
    default: {
        double m = (double)(rnd() % 1000000) / 1000.0 + 0.5;
        int ex = (int)(rnd() % 600) - 300;
        return json_real((rnd() % 2 ? -m : m) * pow(10.0, ex));
    }
    }
}

static json_t *rand_value(int depth)
{
    int k = (int)(rnd() % (depth > 4 ? 6 : 8));
    switch (k) {
    case 0:
    case 1: return rand_string();
    case 2:
    case 3: return rand_number();
    case 4: return json_boolean(rnd() % 2);
    case 5: return json_null();
    case 6: {
        json_t *a = json_array();
        size_t n = rnd() % 5;
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, rand_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        size_t n = rnd() % 5;
        for (size_t i = 0; i < n; i++) {
            json_t *key = rand_string();
            json_object_setn_new(o, json_string_value(key), json_string_length(key), rand_value(depth + 1));
            json_decref(key);
        }
        return o;
    }
    }
}

static bool same_value(const l4r_span *sp, l4r_vkind kind, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return kind == L4R_V_STRING && sp->n == json_string_length(v) &&
               memcmp(sp->p, json_string_value(v), sp->n) == 0;
    case JSON_TRUE: return kind == L4R_V_BOOL && sp->n == 4 && memcmp(sp->p, "true", 4) == 0;
    case JSON_FALSE: return kind == L4R_V_BOOL && sp->n == 5 && memcmp(sp->p, "false", 5) == 0;
    case JSON_NULL: return kind == L4R_V_NULL && sp->n == 4 && memcmp(sp->p, "null", 4) == 0;
    default: {
        l4r_vkind want = json_is_number(v) ? L4R_V_NUMBER : json_is_array(v) ? L4R_V_ARRAY : L4R_V_OBJECT;
        if (kind != want)
            return false;
        json_t *mine = json_loadb(sp->p, sp->n, JSON_DECODE_ANY, NULL);
        bool eq = mine && json_equal(mine, v);
        json_decref(mine);
        return eq;
    }
    }
}

static void test_json_differential(void)
{
    static const size_t flags[] = {JSON_COMPACT, JSON_INDENT(2), JSON_COMPACT | JSON_ENSURE_ASCII,
                                   JSON_INDENT(1) | JSON_ENSURE_ASCII};
    size_t checked = 0, bad = 0;
    char first_bad[512] = "";
    l4r_buf scratch = {0};
    for (int iter = 0; iter < 3000; iter++) {
        json_t *o = json_object();
        size_t n = 1 + rnd() % 8;
        for (size_t i = 0; i < n; i++) {
            json_t *key = rand_string();
            json_object_setn_new(o, json_string_value(key), json_string_length(key), rand_value(0));
            json_decref(key);
        }
        /* ask for up to three present keys and one absent key */
        const char *keys[4];
        size_t nk = 0;
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v)
        {
            (void)v;
            /* keys with an embedded NUL cannot be asked for through a C string */
            if (nk < 3 && rnd() % 3 != 0 && !memchr(k, 0, 1) && strlen(k) > 0)
                keys[nk++] = k;
        }
        keys[nk++] = "\x01no such key";
        l4r_keyset *ks = l4r_keyset_new(keys, nk);
        char *text = json_dumps(o, flags[iter % 4]);
        l4r_span out[4];
        l4r_vkind kind[4];
        l4r_error e;
        l4r_buf_reset(&scratch);
        l4r_status st = l4r_json_fields(text, text + strlen(text), ks, out, kind, &scratch, &e);
        bool ok = st == L4R_OK;
        for (size_t i = 0; ok && i < nk; i++) {
            json_t *jv = json_object_get(o, keys[i]);
            if (!jv)
                ok = kind[i] == L4R_V_ABSENT && out[i].p == NULL;
            else
                ok = same_value(&out[i], kind[i], jv);
        }
        checked++;
        if (!ok) {
            if (!bad++)
                snprintf(first_bad, sizeof first_bad, "%.150s | %.300s", st ? e.msg : "value differs", text);
        }
        free(text);
        l4r_keyset_free(ks);
        json_decref(o);
    }
    l4r_t_report(bad == 0, __FILE__, __LINE__, "3000 random objects agree with jansson",
                 bad ? first_bad : NULL);
    printf("# %zu objects checked, %zu disagreements\n", checked, bad);
    l4r_buf_free(&scratch);
}

static void test_json_invalid(void)
{
    static const char *const bad[] = {
        "{\"a\":1,}",
        "{'a':1}",
        "{\"a\":tru}",
        "{\"a\":hello}",
        "{\"a\":\"abc}",
        "{\"a\":\"x\x01y\"}",
        "{\"a\":\"x\ty\"}",
        "{\"a\":\"\\q\"}",
        "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\ud800\"}",
        "{\"a\":\"\\udc00\"}",
        "{\"a\":\"\\ud800\\u0041\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":01}",
        "{\"a\":-01}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":-Infinity}",
        "{\"a\":1",
        "{\"a\":",
        "{\"a\"",
        "{",
        "",
        "   ",
        "{\"a\":1} x",
        "{\"a\":1}{}",
        "{\"a\":\"\xff\"}",
        "{\"a\":\"\xc3\"}",
        "{\"a\":\"\xc0\xaf\"}",
        "{\"a\":\"\xed\xa0\x80\"}",
        "{\"a\":\"\xf4\x90\x80\x80\"}",
        "{\"a\":1.}",
        "{\"a\":.5}",
        "{\"a\":1e}",
        "{\"a\":+1}",
        "{\"a\":[1,]}",
        "{\"a\":[1 2]}",
        "{\"a\":{\"b\"}}",
        "{\"a\" 1}",
        "{\"a\":\"b\",,\"c\":1}",
        "{,}",
        "{\"a\":1,\"b\"}",
        "{\"a\":[}",
        "{\"a\":True}",
        "{\"a\":None}",
        "{a:1}",
        "{\"a\":0x10}",
        "{\"a\":[1]]}",
        "{\"a\":\"\xe2\x99\"}",
        "{\"\xff\":1}",
    };
    const char *want_a[] = {"a"};
    const char *want_z[] = {"zz"};
    l4r_keyset *ka = l4r_keyset_new(want_a, 1);
    l4r_keyset *kz = l4r_keyset_new(want_z, 1);
    l4r_buf scratch = {0};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *t = bad[i];
        l4r_span out[1];
        l4r_vkind kind[1];
        l4r_error e;
        l4r_status s1 = l4r_json_fields(t, t + strlen(t), ka, out, kind, &scratch, &e);
        l4r_status s2 = l4r_json_fields(t, t + strlen(t), kz, out, kind, &scratch, &e);
        json_t *j = json_loads(t, 0, NULL);
        char what[160];
        snprintf(what, sizeof what, "rejects %.100s", t);
        bool ok = s1 == L4R_EPARSE && s2 == L4R_EPARSE && strstr(e.msg, " at byte ") && !j;
        l4r_t_report(ok, __FILE__, __LINE__, what, ok ? NULL : "accepted (or jansson accepts it)");
        json_decref(j);
    }
    /* messages say what was expected where */
    const char *t = "{\"user\": \"u1\", \"item\": 5 \"x\": 1}";
    l4r_span out[1];
    l4r_vkind kind[1];
    l4r_error e;
    T_EQ_INT(l4r_json_fields(t, t + strlen(t), ka, out, kind, &scratch, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "expected ',' or '}' at byte 25");
    t = "{\"a\": [1, 2";
    l4r_json_fields(t, t + strlen(t), ka, out, kind, &scratch, &e);
    T_EQ_STR(e.msg, "expected ',' or ']' at byte 11 (end of record)");
    /* valid edge cases */
    t = " {\"a\" : \"\\u0000x\\u00e9\\ud83d\\ude00\\/\" , \"a\":{\"a\":[]} } \r";
    T_EQ_INT(l4r_json_fields(t, t + strlen(t), ka, out, kind, &scratch, &e), L4R_OK);
    T_EQ_INT(kind[0], L4R_V_OBJECT); /* duplicate key: the last wins */
    SPAN_EQ(out[0], "{\"a\":[]}");
    t = "{\"a\":\"\\u0000x\\u00e9\\ud83d\\ude00\\/\"}";
    T_EQ_INT(l4r_json_fields(t, t + strlen(t), ka, out, kind, &scratch, &e), L4R_OK);
    T_EQ_MEM(out[0].p, out[0].n, "\0x\xc3\xa9\xf0\x9f\x98\x80/", 9);
    t = "{\"\\u0061\":-0.5e-3}";
    T_EQ_INT(l4r_json_fields(t, t + strlen(t), ka, out, kind, &scratch, &e), L4R_OK);
    T_EQ_INT(kind[0], L4R_V_NUMBER);
    SPAN_EQ(out[0], "-0.5e-3");
    t = "{}";
    T_EQ_INT(l4r_json_fields(t, t + strlen(t), ka, out, kind, &scratch, &e), L4R_OK);
    T_EQ_INT(kind[0], L4R_V_ABSENT);
    /* deep nesting is an error, not a stack overflow */
    l4r_buf deep = {0};
    l4r_buf_adds(&deep, "{\"a\":");
    for (int i = 0; i < 100000; i++)
        l4r_buf_addc(&deep, '[');
    T_EQ_INT(l4r_json_fields(deep.data, deep.data + deep.len, ka, out, kind, &scratch, &e), L4R_EPARSE);
    T_CHECK(strstr(e.msg, "nesting too deep") != NULL);
    l4r_buf_free(&deep);
    l4r_keyset_free(ka);
    l4r_keyset_free(kz);
    l4r_buf_free(&scratch);
}

/* The fast paths of the JSON scanner, each inside a line long enough for its 16-byte windows
 * (the short lines above mostly take the byte-wise paths): keys matched in the window that finds
 * their closing quote, short strings read in one window, values of keys not asked for, and
 * l4r_json_line_fields, which stops at the newline after the object. */
static l4r_status both_fields(const char *t, const l4r_keyset *ks, size_t nk, l4r_span *out, l4r_vkind *kind,
                              l4r_buf *scratch, l4r_error *e, bool *agree)
{
    size_t n = strlen(t);
    l4r_buf_reset(scratch);
    l4r_status s1 = l4r_json_fields(t, t + n, ks, out, kind, scratch, e);
    /* the same line with a newline and a damaged line after it: l4r_json_line_fields must stop at
     * the newline, with the same values */
    l4r_buf line = {0};
    l4r_buf_add(&line, t, n);
    l4r_buf_adds(&line, "\n{\"a\": \xff garbage\n");
    l4r_span o2[16];
    l4r_vkind k2[16];
    l4r_buf sc2 = {0};
    l4r_error e2;
    const char *next = NULL;
    l4r_status s2 = l4r_json_line_fields(line.data, line.data + line.len, ks, o2, k2, &sc2, &e2, &next);
    *agree = s1 == s2 && (s2 || next == line.data + n);
    for (size_t i = 0; *agree && !s1 && i < nk; i++)
        *agree =
            k2[i] == kind[i] && o2[i].n == out[i].n && (!out[i].n || !memcmp(o2[i].p, out[i].p, out[i].n));
    l4r_buf_free(&line);
    l4r_buf_free(&sc2);
    return s1;
}

/* Long strings: the 16- and 32-byte loops (AVX2 where the CPU has it) must stop at a special byte
 * wherever it falls in or across their windows.  Plain text of every length up to 99 with, at
 * every position, an escape, a UTF-8 character, a control byte or an invalid byte; the string
 * wanted (copied or unescaped) and not wanted (skipped). */
static void test_json_long_strings(void)
{
    static const char *const keys[] = {"a"};
    l4r_keyset *ks = l4r_keyset_new(keys, 1);
    l4r_buf scratch = {0}, line = {0}, want = {0};
    l4r_span out[1];
    l4r_vkind kind[1];
    l4r_error e;
    int bad = 0;
    static const struct {
        const char *raw, *value; /* value NULL: an error */
    } sp[] = {
        {"\\n", "\n"}, {"\\u00e9", "\xc3\xa9"}, {"\xc3\xa9", "\xc3\xa9"}, {"\x01", NULL}, {"\xff", NULL}};
    for (size_t len = 0; len < 100; len++) {
        for (size_t k = 0; k <= len; k++) {
            for (size_t s = 0; s < sizeof sp / sizeof sp[0]; s++) {
                for (int wanted = 0; wanted < 2; wanted++) {
                    l4r_buf_reset(&line);
                    l4r_buf_reset(&want);
                    l4r_buf_adds(&line, wanted ? "{\"a\": \"" : "{\"x\": \"");
                    for (size_t i = 0; i < len; i++) {
                        if (i == k) {
                            l4r_buf_adds(&line, sp[s].raw);
                            if (sp[s].value)
                                l4r_buf_adds(&want, sp[s].value);
                        }
                        char ch = (char)('a' + i % 26);
                        l4r_buf_add(&line, &ch, 1);
                        l4r_buf_add(&want, &ch, 1);
                    }
                    l4r_buf_adds(&line, wanted ? "\"}" : "\", \"a\": \"v\"}");
                    bool has = k < len; /* k == len: no special byte, plain text only */
                    l4r_buf_reset(&scratch);
                    l4r_status st =
                        l4r_json_fields(line.data, line.data + line.len, ks, out, kind, &scratch, &e);
                    bool ok;
                    if (has && !sp[s].value)
                        ok = st == L4R_EPARSE;
                    else if (wanted)
                        ok = st == L4R_OK && out[0].n == want.len &&
                             (want.len == 0 ||
                              !memcmp(out[0].p, want.data, want.len)); /* data NULL if empty */
                    else
                        ok = st == L4R_OK && out[0].n == 1 && out[0].p[0] == 'v';
                    if (!ok && bad++ < 5)
                        printf("# long string: len %zu, special %zu at %zu, wanted %d: status %d\n", len, s,
                               k, wanted, (int)st);
                }
            }
        }
    }
    T_EQ_INT(bad, 0);
    l4r_buf_free(&scratch);
    l4r_buf_free(&line);
    l4r_buf_free(&want);
    l4r_keyset_free(ks);
}

static void test_json_fast(void)
{
    /* asked keys that share a length or a prefix with others, one of 15 bytes, one of 16 (too long
     * for a window: the slow path), one of 17 */
    static const char *const keys[] = {
        "asin", "asim", "a", "ab", "reviewerID", "fifteen_bytes__", "sixteen_bytes___", "seventeen_bytes__",
        "q\"k"};
    enum { NK = 9 };
    l4r_keyset *ks = l4r_keyset_new(keys, NK);
    l4r_buf scratch = {0};
    l4r_span out[16];
    l4r_vkind kind[16];
    l4r_error e;
    bool agree;
    const char *t = "{\"asi\": 1, \"asinn\": 2, \"asio\": 3, \"asin\": \"B00100000D\", \"reviewerId\": 4, "
                    "\"reviewerIDs\": 5, \"reviewerID\": \"A1\", \"b\": 6, \"ab\": 7, \"abc\": 8, "
                    "\"fifteen_bytes_\": 9, \"fifteen_bytes__\": 10, \"sixteen_bytes___\": 11, "
                    "\"seventeen_bytes_x\": 12, \"seventeen_bytes__\": 13, \"q\\\"k\": 14, "
                    "\"\\u0061sim\": \"escaped key\", \"pad\": \"........................\"}";
    T_EQ_INT(both_fields(t, ks, NK, out, kind, &scratch, &e, &agree), L4R_OK);
    T_CHECK(agree);
    SPAN_EQ(out[0], "B00100000D");
    SPAN_EQ(out[1], "escaped key");
    T_EQ_INT(kind[2], L4R_V_ABSENT);
    SPAN_EQ(out[3], "7");
    SPAN_EQ(out[4], "A1");
    SPAN_EQ(out[5], "10");
    SPAN_EQ(out[6], "11");
    SPAN_EQ(out[7], "13");
    SPAN_EQ(out[8], "14");
    /* a wanted string with an escape inside its first window, one with non-ASCII, one that ends
     * exactly at the window's end, one longer than a window */
    t = "{\"a\": \"ab\\\"cd\", \"ab\": \"caf\xc3\xa9\", \"asin\": \"fifteen chars..\", \"asim\": "
        "\"sixteen chars...\", \"reviewerID\": \"a string longer than sixteen bytes\", \"pad\": "
        "\"..........\"}";
    T_EQ_INT(both_fields(t, ks, NK, out, kind, &scratch, &e, &agree), L4R_OK);
    T_CHECK(agree);
    SPAN_EQ(out[2], "ab\"cd");
    SPAN_EQ(out[3], "caf\xc3\xa9");
    SPAN_EQ(out[0], "fifteen chars..");
    SPAN_EQ(out[1], "sixteen chars...");
    SPAN_EQ(out[4], "a string longer than sixteen bytes");
    /* values of keys not asked for: valid escapes, surrogate pairs, UTF-8, nested containers */
    t = "{\"skip\": \"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\", \"skip2\": \"\xf0\x9f\x98\x80 \xe2\x80\x94\", "
        "\"skip3\": {\"x\": [1, -2.5e+3, true, false, null, {\"y\": \"z\"}, []]}, \"skip4\": "
        "12345678901234567890, "
        "\"a\": \"v\", \"pad\": \"................\"}";
    T_EQ_INT(both_fields(t, ks, NK, out, kind, &scratch, &e, &agree), L4R_OK);
    T_CHECK(agree);
    SPAN_EQ(out[2], "v");
    /* and invalid ones: each must fail, asked for or not, at the record level or nested */
    static const char *const bad[] = {
        "\"x\x01y\"",
        "\"x\ty\"",
        "\"\\q\"",
        "\"\\x41\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"\\u12g4\"",
        "\"\xff\"",
        "\"\xc3\"",
        "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"",
        "\"\xf4\x90\x80\x80\"",
        "\"x\ny\"",
        "\"unterminated",
        "01",
        "-",
        "1.",
        "1e",
        "tru",
        "nul",
        "[1,]",
        "[1 2]",
        "{\"k\" 1}",
        "{\"k\": [}",
        "\"\\u00e9\xff\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        for (int where = 0; where < 3; where++) {
            char line[256];
            if (where == 0)
                snprintf(line, sizeof line, "{\"skip\": %s, \"a\": 1, \"pad\": \"................\"}",
                         bad[i]);
            else if (where == 1)
                snprintf(line, sizeof line, "{\"a\": %s, \"ab\": 1, \"pad\": \"................\"}", bad[i]);
            else
                snprintf(line, sizeof line, "{\"skip\": {\"x\": [0, %s]}, \"pad\": \"................\"}",
                         bad[i]);
            char what[300];
            snprintf(what, sizeof what, "rejects %.200s", line);
            l4r_status st = both_fields(line, ks, NK, out, kind, &scratch, &e, &agree);
            l4r_t_report(st == L4R_EPARSE && agree, __FILE__, __LINE__, what, st ? NULL : "accepted");
        }
    }
    /* l4r_json_line_fields: the newline ends the record (not whitespace inside it); spaces, TABs
     * and CRs may follow the object */
    static const char *const lines_ok[] = {"{\"a\": 1}\n", "{\"a\": 1} \t\r\n", "{\"a\": 1}\r\r\n",
                                           "{\"a\": 1}"};
    for (size_t i = 0; i < sizeof lines_ok / sizeof *lines_ok; i++) {
        const char *l = lines_ok[i];
        const char *next = NULL;
        const char *nl = strchr(l, '\n');
        l4r_buf_reset(&scratch);
        T_EQ_INT(l4r_json_line_fields(l, l + strlen(l), ks, out, kind, &scratch, &e, &next), L4R_OK);
        T_CHECK(next == (nl ? nl : l + strlen(l)));
        SPAN_EQ(out[2], "1");
    }
    static const char *const lines_bad[] = {"{\"a\":\n1}\n",      "{\"a\": 1,\n\"b\": 2}\n", "{\"a\": 1} x\n",
                                            "{\"a\": [1,\n2]}\n", "{\"a\": 1}{}\n",          "{\"a\": 1\n}"};
    for (size_t i = 0; i < sizeof lines_bad / sizeof *lines_bad; i++) {
        const char *l = lines_bad[i];
        const char *next = NULL;
        l4r_buf_reset(&scratch);
        T_EQ_INT(l4r_json_line_fields(l, l + strlen(l), ks, out, kind, &scratch, &e, &next), L4R_EPARSE);
    }
    /* the scratch room of l4r_json_line_fields is L4R_LINE_ROOM (64 KiB), not the block: an
     * escaped wanted string on a short line before 100 KiB of other lines fits; one of 70 KiB does
     * not, and fails there (format.c then cuts the line and scans it with room for the line) */
    l4r_buf big = {0};
    l4r_buf_adds(&big, "{\"a\": \"x\\ty\", \"pad\": \"................\"}\n");
    while (big.len < 100000)
        l4r_buf_adds(&big, "{\"b\": \"................................................\"}\n");
    const char *next = NULL;
    l4r_buf_reset(&scratch);
    T_EQ_INT(l4r_json_line_fields(big.data, big.data + big.len, ks, out, kind, &scratch, &e, &next), L4R_OK);
    SPAN_EQ(out[2], "x\ty");
    T_CHECK(next && *next == '\n' && next[1] == '{' && next[3] == 'b');
    l4r_buf_reset(&big);
    l4r_buf_adds(&big, "{\"a\": \"x\\t");
    for (int i = 0; i < 70000; i++)
        l4r_buf_addc(&big, 'y');
    l4r_buf_adds(&big, "\", \"pad\": \"................\"}\n{}\n");
    l4r_buf_reset(&scratch);
    T_EQ_INT(l4r_json_line_fields(big.data, big.data + big.len, ks, out, kind, &scratch, &e, &next),
             L4R_EPARSE);
    l4r_buf_reset(&scratch);
    T_EQ_INT(l4r_json_fields(big.data, big.data + big.len - 4, ks, out, kind, &scratch, &e), L4R_OK);
    T_EQ_INT(out[2].n, 70002);
    l4r_buf_free(&big);
    l4r_keyset_free(ks);
    l4r_buf_free(&scratch);
}

/* ---- Python literals ---- */

static void test_pylit(void)
{
    l4r_buf scratch = {0};
    l4r_error e;
    /* datasets.md 3.3, Amazon 2014 meta_Beauty (one line on disk) */
    const char *amazon =
        "{'asin': '0558925278', 'description': 'Mineral Powder Brush--Apply powder \\xe2\\x80\\xa6 45% "
        "cotton', "
        "'title': 'Eco Friendly Ecotools Quality Natural Bamboo Cosmetic Mineral Brush Set Kit of 4 Soft "
        "Brushes "
        "and 1 Pouch Baby Kabuki Eye Shading Brush Mineral Powder Brush Concealer Brush(travle Size)', "
        "'imUrl': 'http://ecx.images-amazon.com/images/I/51L%2BzYCQWSL._SX300_.jpg', 'salesRank': {'Beauty': "
        "402875}, 'categories': [['Beauty', 'Tools & Accessories', 'Makeup Brushes & Tools', 'Brushes & "
        "Applicators']], 'price': 12.5, 'brand': \"L'Oreal\"}";
    const char *k1[] = {"asin", "salesRank", "categories", "description", "price", "brand", "related"};
    l4r_keyset *ks = l4r_keyset_new(k1, 7);
    l4r_span out[7];
    l4r_vkind kind[7];
    T_EQ_INT(l4r_pylit_fields(amazon, amazon + strlen(amazon), ks, out, kind, &scratch, &e), L4R_OK);
    SPAN_EQ(out[0], "0558925278");
    T_EQ_INT(kind[1], L4R_V_OBJECT);
    SPAN_EQ(out[1], "{'Beauty': 402875}");
    T_EQ_INT(kind[2], L4R_V_ARRAY);
    SPAN_EQ(out[3], "Mineral Powder Brush--Apply powder \xe2\x80\xa6 45% cotton");
    T_EQ_INT(kind[4], L4R_V_NUMBER);
    SPAN_EQ(out[4], "12.5");
    SPAN_EQ(out[5], "L'Oreal");
    T_EQ_INT(kind[6], L4R_V_ABSENT);
    l4r_keyset_free(ks);

    /* datasets.md 7.2, steam_games (Python 2 unicode reprs) */
    const char *steam =
        "{u'publisher': u'Kotoshiro', u'genres': [u'Action', u'Casual', u'Indie', u'Simulation', "
        "u'Strategy'], "
        "u'app_name': u'Lost Summoner Kitty', u'title': u'Lost Summoner Kitty', u'url': "
        "u'http://store.steampowered.com/app/761140/Lost_Summoner_Kitty/', u'release_date': u'2018-01-04', "
        "u'discount_price': 4.49, u'price': 4.99, u'early_access': False, u'id': u'761140', u'developer': "
        "u'Kotoshiro', u'text': u'caf\\xe9 \\u2665 \\U0001f600 \\ud83d\\ude00 it\\'s \"q\" \\\\ \\n', "
        "u'metascore': None, "
        "u'hours': 123L, u'sentiment': (1, 2,), u'set': {1, 2}}";
    const char *k2[] = {"id", "early_access", "text", "metascore", "hours", "sentiment", "price", "set"};
    ks = l4r_keyset_new(k2, 8);
    l4r_span o2[8];
    l4r_vkind kd2[8];
    l4r_buf_reset(&scratch);
    T_EQ_INT(l4r_pylit_fields(steam, steam + strlen(steam), ks, o2, kd2, &scratch, &e), L4R_OK);
    SPAN_EQ(o2[0], "761140");
    T_EQ_INT(kd2[1], L4R_V_BOOL);
    SPAN_EQ(o2[1], "false");
    SPAN_EQ(o2[2], "caf\xc3\xa9 \xe2\x99\xa5 \xf0\x9f\x98\x80 \xf0\x9f\x98\x80 it's \"q\" \\ \n");
    T_EQ_INT(kd2[3], L4R_V_NULL);
    SPAN_EQ(o2[3], "null");
    SPAN_EQ(o2[4], "123");
    T_EQ_INT(kd2[5], L4R_V_ARRAY);
    SPAN_EQ(o2[5], "(1, 2,)");
    SPAN_EQ(o2[6], "4.99");
    T_EQ_INT(kd2[7], L4R_V_OBJECT);
    l4r_keyset_free(ks);

    /* Python 3 reprs (Steam v1): '\xa0' is a code point; octal; raw; bytes */
    const char *k3[] = {"a", "b", "c", "d", "e"};
    ks = l4r_keyset_new(k3, 5);
    const char *py3 =
        "{'a': 'x\\xa0y', 'b': '\\101\\x41\\7', 'c': r'\\d+', 'd': b'\\xff\\u1234', 'e': True,}";
    l4r_span o3[5];
    l4r_vkind kd3[5];
    T_EQ_INT(l4r_pylit_fields(py3, py3 + strlen(py3), ks, o3, kd3, &scratch, &e), L4R_OK);
    SPAN_EQ(o3[0], "x\xc2\xa0y");
    SPAN_EQ(o3[1], "AA\a");
    SPAN_EQ(o3[2], "\\d+");
    SPAN_EQ(o3[3], "\xff\\u1234");
    SPAN_EQ(o3[4], "true");
    /* errors with offsets */
    const char *bad[] = {"{'a' 1}", "{'a': 1",     "{'a': 'open}", "{'a': [1 2]}",  "{'a': 1} x",
                         "['a']",   "{'a': nope}", "{'a': 1e}",    "{'a': '\\x4'}", "{'a': u'\\u12'}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        l4r_status st = l4r_pylit_fields(bad[i], bad[i] + strlen(bad[i]), ks, o3, kd3, &scratch, &e);
        char what[128];
        snprintf(what, sizeof what, "pylit rejects %s", bad[i]);
        l4r_t_report(st == L4R_EPARSE && strstr(e.msg, " at byte "), __FILE__, __LINE__, what, e.msg);
    }
    l4r_pylit_fields(bad[0], bad[0] + strlen(bad[0]), ks, o3, kd3, &scratch, &e);
    T_EQ_STR(e.msg, "expected ':' at byte 5");
    l4r_keyset_free(ks);
    l4r_buf_free(&scratch);
}

/* ---- the list iterator ---- */

/* Every element of the list as "K:text" joined by " | " (K: S string, N number, B bool, 0 null,
 * A array, O object), or after the elements read "!message" when the list is not valid.  Also
 * checks that a finished iterator stays finished and that spans stay inside the input or the
 * scratch buffer. */
static const char *list_dump(l4r_list_syntax syn, const char *text)
{
    static l4r_buf dump;
    l4r_buf scratch = {0};
    l4r_list_iter it;
    l4r_error e;
    const char *end = text + strlen(text);
    l4r_buf_reset(&dump);
    l4r_buf_adds(&dump, "");
    l4r_status st = l4r_list_begin(&it, syn, text, end, &scratch, &e);
    bool more = !st;
    while (!st && more) {
        l4r_span v = {"untouched", 9};
        l4r_vkind k = L4R_V_ABSENT;
        st = l4r_list_next(&it, &v, &k, &more, &scratch, &e);
        if (st || !more) {
            if (v.n != 9 || k != L4R_V_ABSENT)
                l4r_buf_adds(&dump, "(out changed at the end) ");
            break;
        }
        bool inside = (v.p >= text && v.p + v.n <= end) ||
                      (v.p >= scratch.data && v.p + v.n <= scratch.data + scratch.len) ||
                      (k == L4R_V_BOOL || k == L4R_V_NULL);
        if (dump.len)
            l4r_buf_adds(&dump, " | ");
        l4r_buf_addc(&dump, "?SNB0AO"[k]);
        l4r_buf_addc(&dump, ':');
        l4r_buf_add(&dump, v.p, v.n);
        if (!inside)
            l4r_buf_adds(&dump, "(span outside)");
    }
    if (st) {
        if (dump.len)
            l4r_buf_adds(&dump, " | ");
        l4r_buf_addf(&dump, "!%s", e.msg);
    }
    /* spent: more calls say "no more" */
    l4r_span v;
    l4r_vkind k;
    bool again = true;
    if (l4r_list_next(&it, &v, &k, &again, &scratch, &e) != L4R_OK || again)
        l4r_buf_adds(&dump, " (not finished)");
    l4r_buf_free(&scratch);
    return l4r_buf_cstr(&dump);
}

static void test_list(void)
{
    /* JSON */
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[]"), "");
    T_EQ_STR(list_dump(L4R_LIST_JSON, " \t[ \n ] \r\n"), "");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[1, \"a\\u00e9\\n\\\"\", true, false, null, -0.5e3, \"\"]"),
             "N:1 | S:a\xc3\xa9\n\" | B:true | B:false | 0:null | N:-0.5e3 | S:");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[[1, [2]], {\"a\": [3], \"b\": {}}, []]"),
             "A:[1, [2]] | O:{\"a\": [3], \"b\": {}} | A:[]");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[1, 2"), "N:1 | N:2 | !expected ',' or ']' at byte 5 (end of record)");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[\"abc"), "!unterminated string at byte 5 (end of record)");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[1 2]"), "N:1 | !expected ',' or ']' at byte 3");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[1,]"), "N:1 | !expected a value at byte 3");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[,1]"), "!expected a value at byte 1");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[1] x"), "N:1 | !unexpected data after the list at byte 4");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "['a']"), "!expected a value at byte 1");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[True]"), "!expected a value at byte 1");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "[{\"a\" 1}]"), "!expected ':' at byte 6");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "(1, 2)"), "!expected '[' at byte 0");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "  "), "!expected '[' at byte 2 (end of record)");
    T_EQ_STR(list_dump(L4R_LIST_JSON, "{\"a\": 1}"), "!expected '[' at byte 0");

    /* Python: lists and tuples, trailing commas, every literal */
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "()"), "");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "[ ]"), "");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "(1,)"), "N:1");
    T_EQ_STR(
        list_dump(
            L4R_LIST_PYTHON,
            "['a', u'caf\\xe9', \"it's\", 'x\\'y', 12L, True, False, None, 1.5e-3, (1, 2,), {'k': [1]}, "
            "{1, 2}, [],]"),
        "S:a | S:caf\xc3\xa9 | S:it's | S:x'y | N:12 | B:true | B:false | 0:null | N:1.5e-3 | A:(1, 2,) | "
        "O:{'k': [1]} | O:{1, 2} | A:[]");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "['a' 'b']"), "S:a | !expected ',' or ']' at byte 5");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "('a', 'b'"),
             "S:a | S:b | !expected ',' or ')' at byte 9 (end of record)");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "['a', 'b"), "S:a | !unterminated string starting at byte 6");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "[1,,]"), "N:1 | !expected a value at byte 3");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "(1) (2)"), "N:1 | !unexpected data after the list at byte 4");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "'a'"), "!expected '[' or '(' at byte 0");
    T_EQ_STR(list_dump(L4R_LIST_PYTHON, "[1)"), "N:1 | !expected ',' or ']' at byte 2");

    /* numpy's array repr: whitespace (newlines too) between elements, no commas */
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['B09W9FND7K' 'B09JSPLN1M'\n 'B076THCGSG']"),
             "S:B09W9FND7K | S:B09JSPLN1M | S:B076THCGSG");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['a' \"it's\"]"), "S:a | S:it's");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['caf\\xe9' 'x\\ny']"), "S:caf\xc3\xa9 | S:x\ny");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "[]"), "");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "[ 1  2 10]"), "N:1 | N:2 | N:10");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "[1.  2.5 -3.e+00]"), "N:1. | N:2.5 | N:-3.e+00");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "[ True False]"), "B:true | B:false");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['a' 'b' 'c' ... 'x' 'y' 'z']"),
             "S:a | S:b | S:c | !numpy summarised this array ('...'): the list is incomplete at byte 13");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['a', 'b']"), "S:a | !expected whitespace or ']' at byte 4");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['a''b']"), "S:a | !expected whitespace or ']' at byte 4");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['a' 'b'"),
             "S:a | S:b | !expected whitespace or ']' at byte 8 (end of record)");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['a' "), "S:a | !expected a value at byte 5 (end of record)");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "['a'] 'b'"), "S:a | !unexpected data after the list at byte 6");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "[['a' 'b']\n ['c' 'd']]"), "!expected a value at byte 1");
    T_EQ_STR(list_dump(L4R_LIST_NUMPY, "('a' 'b')"), "!expected '[' at byte 0");

    /* nested elements go back into the scanners */
    const char *t = "[[\"x\", [\"y\"]], {\"a\": \"\\u0041\"}]";
    l4r_buf scratch = {0};
    l4r_list_iter it;
    l4r_error e;
    l4r_span v, w;
    l4r_vkind k;
    bool more;
    T_EQ_INT(l4r_list_begin(&it, L4R_LIST_JSON, t, t + strlen(t), &scratch, &e), L4R_OK);
    T_EQ_INT(l4r_list_next(&it, &v, &k, &more, &scratch, &e), L4R_OK);
    T_CHECK(more && k == L4R_V_ARRAY);
    l4r_buf inner_scratch = {0};
    l4r_list_iter inner;
    T_EQ_INT(l4r_list_begin(&inner, L4R_LIST_JSON, v.p, v.p + v.n, &inner_scratch, &e), L4R_OK);
    T_EQ_INT(l4r_list_next(&inner, &w, &k, &more, &inner_scratch, &e), L4R_OK);
    SPAN_EQ(w, "x");
    T_EQ_INT(l4r_list_next(&inner, &w, &k, &more, &inner_scratch, &e), L4R_OK);
    T_CHECK(k == L4R_V_ARRAY);
    SPAN_EQ(w, "[\"y\"]");
    T_EQ_INT(l4r_list_next(&inner, &w, &k, &more, &inner_scratch, &e), L4R_OK);
    T_CHECK(!more);
    T_EQ_INT(l4r_list_next(&it, &v, &k, &more, &scratch, &e), L4R_OK);
    T_CHECK(more && k == L4R_V_OBJECT);
    const char *keys[] = {"a"};
    l4r_keyset *ks = l4r_keyset_new(keys, 1);
    l4r_span fo[1];
    l4r_vkind fk[1];
    l4r_buf_reset(&inner_scratch);
    T_EQ_INT(l4r_json_fields(v.p, v.p + v.n, ks, fo, fk, &inner_scratch, &e), L4R_OK);
    SPAN_EQ(fo[0], "A");
    l4r_keyset_free(ks);
    T_EQ_INT(l4r_list_next(&it, &v, &k, &more, &scratch, &e), L4R_OK);
    T_CHECK(!more);
    l4r_buf_free(&inner_scratch);

    /* unescaped elements stay where they were written while the list is read: 2,000 escaped
     * strings into a scratch buffer that starts empty */
    l4r_buf big = {0};
    l4r_buf_addc(&big, '[');
    for (int i = 0; i < 2000; i++)
        l4r_buf_addf(&big, "%s\"e\\u00e9%d\"", i ? ", " : "", i);
    l4r_buf_addc(&big, ']');
    l4r_span spans[2000];
    int n = 0;
    l4r_buf_free(&scratch);
    T_EQ_INT(l4r_list_begin(&it, L4R_LIST_JSON, big.data, big.data + big.len, &scratch, &e), L4R_OK);
    for (;;) {
        if (l4r_list_next(&it, &v, &k, &more, &scratch, &e) || !more || n == 2000)
            break;
        spans[n++] = v;
    }
    T_EQ_INT(n, 2000);
    int wrong = 0;
    for (int i = 0; i < n; i++) {
        char want[32];
        snprintf(want, sizeof want, "e\xc3\xa9%d", i);
        if (spans[i].n != strlen(want) || memcmp(spans[i].p, want, spans[i].n) != 0)
            wrong++;
    }
    T_EQ_INT(wrong, 0);
    l4r_buf_free(&big);
    l4r_buf_free(&scratch);
}

int main(void)
{
    test_delim();
    test_csv();
    test_json_differential();
    test_json_invalid();
    test_json_fast();
    test_json_long_strings();
    test_pylit();
    test_list();
    return l4r_t_exit();
}
