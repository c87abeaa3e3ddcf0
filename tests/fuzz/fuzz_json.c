/*
 * fuzz_json.c — libFuzzer harness for l4r_json_fields, checked against jansson on every input
 * (differential).  Where jansson parses the line as an object, the scanner must accept it and give,
 * for each key it extracts, the same kind of value and the same value: a string byte for byte, a
 * number equal as jansson reads it, true/false/null, an array or object whose raw text jansson
 * parses to an equal value.  Where jansson rejects the line, the scanner must reject it too: it may
 * never hand out a record jansson calls invalid.
 *
 * The known differences, left out here and listed in docs/RELIABILITY.md: jansson refuses integers
 * beyond 64 bits and reals beyond a double ("too big integer", "too big negative integer", "real number overflow"), which
 * RFC 8259 allows and the scanner takes (it keeps a number's text, never its value); the scanner
 * refuses nesting deeper than 512, jansson than 2048; jansson refuses "\u0000" in a key (its keys
 * are C strings), which the scanner takes; and jansson reads past a raw NUL after a
 * number (it lexes numbers from a NUL-terminated copy), so inputs with a raw NUL are skipped.
 *
 * Also l4r_json_line_fields (the JSON-lines path that finds the line's end at the object's end)
 * against cutting the first line and l4r_json_fields on it, as format.c would do: for an input
 * starting with '{', both accept or both refuse, with the same values and the line's end.  The
 * keys asked for share lengths and prefixes, and one is 16 bytes, too long for the key window.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static size_t depth(const json_t *v)
{
    size_t d = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            size_t c = depth(x);
            d = c > d ? c : d;
        }
        return d + 1;
    }
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            size_t c = depth(json_array_get(v, i));
            d = c > d ? c : d;
        }
        return d + 1;
    }
    return 0;
}

/* Does the scanner's value (kind, span) say what jansson's v says? */
static int same(const json_t *v, l4r_vkind kind, l4r_span s)
{
    char buf[512];
    switch (json_typeof(v)) {
    case JSON_STRING:
        return kind == L4R_V_STRING && s.n == json_string_length(v) && !memcmp(s.p, json_string_value(v), s.n);
    case JSON_INTEGER:
    case JSON_REAL: {
        if (kind != L4R_V_NUMBER || s.n >= sizeof buf)
            return kind == L4R_V_NUMBER;
        memcpy(buf, s.p, s.n);
        buf[s.n] = 0;
        if (json_is_integer(v))
            return strtoll(buf, NULL, 10) == json_integer_value(v);
        return strtod(buf, NULL) == json_real_value(v);
    }
    case JSON_TRUE: return kind == L4R_V_BOOL && s.n == 4 && !memcmp(s.p, "true", 4);
    case JSON_FALSE: return kind == L4R_V_BOOL && s.n == 5 && !memcmp(s.p, "false", 5);
    case JSON_NULL: return kind == L4R_V_NULL;
    case JSON_ARRAY:
    case JSON_OBJECT: {
        if (kind != (json_is_array(v) ? L4R_V_ARRAY : L4R_V_OBJECT))
            return 0;
        json_t *raw = json_loadb(s.p, s.n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        int eq = raw && json_equal(raw, (json_t *)v);
        json_decref(raw);
        return eq;
    }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static l4r_keyset *ks;
    static const char *const keys[] = {"a", "b", "user_id", "", "t\xc3\xa9", "ab", "user_ie", "sixteen_bytes___"};
    enum { NK = 8 };
    if (!ks)
        ks = l4r_keyset_new(keys, NK);
    if (memchr(data, 0, size))
        return 0;
    l4r_buf scratch = {0};
    l4r_span out[NK];
    l4r_vkind kind[NK];
    l4r_error e;
    const char *p = (const char *)data;
    l4r_status st = l4r_json_fields(p, p + size, ks, out, kind, &scratch, &e);
    json_error_t je;
    json_t *j = json_loadb(p, size, JSON_ALLOW_NUL, &je);
    if (!j) {
        bool known = strstr(je.text, "too big") || strstr(je.text, "real number overflow") ||
                     strstr(je.text, "maximum parsing depth") || strstr(je.text, "NUL byte in object key");
        if (st == L4R_OK && !known)
            abort(); /* a record jansson calls invalid */
    } else if (!json_is_object(j)) {
        if (st == L4R_OK)
            abort(); /* an array is not a record */
    } else if (depth(j) < 512) {
        if (st != L4R_OK)
            abort(); /* a valid object refused */
        for (int k = 0; k < NK; k++) {
            json_t *v = json_object_get(j, keys[k]);
            if (v ? !same(v, kind[k], out[k]) : kind[k] != L4R_V_ABSENT)
                abort();
        }
    }
    json_decref(j);
    if (size && p[0] == '{') {
        const char *nl = memchr(p, '\n', size);
        const char *rend = nl ? nl : p + size;
        const char *lend = rend > p && rend[-1] == '\r' ? rend - 1 : rend;
        l4r_span o2[NK];
        l4r_vkind k2[NK];
        l4r_buf sc2 = {0};
        const char *next = NULL;
        l4r_status s1 = l4r_json_fields(p, lend, ks, out, kind, &scratch, &e);
        l4r_status s2 = l4r_json_line_fields(p, p + size, ks, o2, k2, &sc2, &e, &next);
        if (s1 != s2 || (!s2 && next != rend))
            abort(); /* the line path disagrees with cutting the line first */
        for (int k = 0; !s1 && k < NK; k++)
            if (k2[k] != kind[k] || o2[k].n != out[k].n || (out[k].n && memcmp(o2[k].p, out[k].p, out[k].n)))
                abort();
        l4r_buf_free(&sc2);
    }
    l4r_buf_free(&scratch);
    return 0;
}
