/*
 * scan_json.c — the tokens of strict JSON for the object walker (scan_object.h): strings, numbers,
 * true/false/null.  The walker does the objects and arrays, the key look-up and the record's
 * outline; this file says what a JSON string and a JSON scalar are.
 *
 * How: wanted strings without escapes are spans into the input, escaped ones are unescaped into
 * the scratch buffer at the walker's write pointer (the walker reserves the record's size once,
 * and an unescaped string is never longer than its source, so writing needs no bounds checks).
 *
 * Why it is fast: the string loop — where JSON lines spend most of their bytes — tests sixteen
 * (SSE2) or eight (SWAR) bytes at a time for '"', '\\', control characters and non-ASCII bytes,
 * and only drops to byte-wise work for escapes and UTF-8 validation.  jansson (the reference for
 * the tests) builds every value and runs at about 65 MB/s here; this runs at several hundred
 * (docs/DESIGN.md).
 *
 * Strictness follows RFC 8259 as jansson applies it: no trailing commas (the walker's JSON
 * dialect), no single quotes, no leading zeros, no NaN/Infinity, no control characters in
 * strings, valid escapes only, no lone surrogates, valid UTF-8, nothing but whitespace after the
 * object.  One difference: "\u0000" is accepted (RFC 8259 allows it; jansson refuses it unless
 * asked).
 */
#include "scan/scan_object.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static int hex4(const char *p, const char *end)
{
    if (end - p < 4)
        return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int h = l4r_hexval((unsigned char)p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* A string whose opening quote is at *pp (l4r_dialect's `string`, scan_object.h). */
static l4r_status jstring(l4r_scanner *j, const char **pp, bool want, l4r_span *out)
{
    const char *p = *pp + 1;
    const char *start = p;
    const char *end = j->end;
    char *w = NULL; /* set once an escape forces a copy */
    for (;;) {
#if defined(__SSE2__)
        /* Sixteen bytes at a time: the signed compare catches both control characters and the
         * bytes >= 0x80 (negative as signed), which need UTF-8 validation. */
        {
            const __m128i dq = _mm_set1_epi8('"');
            const __m128i bs = _mm_set1_epi8('\\');
            const __m128i sp = _mm_set1_epi8(0x20);
            while (end - p >= 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
                __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dq), _mm_cmpeq_epi8(v, bs)),
                                           _mm_cmplt_epi8(v, sp));
                unsigned m = (unsigned)_mm_movemask_epi8(hit);
                if (m) {
                    p += __builtin_ctz(m);
                    goto scalar;
                }
                p += 16;
            }
        }
#endif
        while (end - p >= 8) {
            uint64_t v = l4r_swar_load(p);
            if (l4r_swar_eq(v, '"') | l4r_swar_eq(v, '\\') | l4r_swar_lt_or_high(v, 0x20))
                break;
            p += 8;
        }
#if defined(__SSE2__)
    scalar:
#endif
        if (p >= end)
            return l4r_scan_fail(j, p, "unterminated string");
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20)
            return l4r_scan_fail(j, p, "control character in string");
        if (c >= 0x80) {
            size_t k = l4r_utf8_seq((const unsigned char *)p, (const unsigned char *)end);
            if (!k)
                return l4r_scan_fail(j, p, "invalid UTF-8");
            p += k;
            continue;
        }
        if (c != '\\') {
            p++;
            continue;
        }
        /* An escape: from here on the text is rebuilt in scratch (when wanted). */
        if (want && !w) {
            w = j->w;
            memcpy(w, start, (size_t)(p - start));
            w += p - start;
        }
        if (p + 1 >= end)
            return l4r_scan_fail(j, p + 1, "unterminated string");
        char x = p[1];
        char lit = 0;
        switch (x) {
        case '"': lit = '"'; break;
        case '\\': lit = '\\'; break;
        case '/': lit = '/'; break;
        case 'b': lit = '\b'; break;
        case 'f': lit = '\f'; break;
        case 'n': lit = '\n'; break;
        case 'r': lit = '\r'; break;
        case 't': lit = '\t'; break;
        case 'u': {
            int cp = hex4(p + 2, end);
            if (cp < 0)
                return l4r_scan_fail(j, p, "invalid \\u escape");
            const char *q = p + 6;
            uint32_t u = (uint32_t)cp;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return l4r_scan_fail(j, p, "lone low surrogate in \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int lo = (end - q >= 6 && q[0] == '\\' && q[1] == 'u') ? hex4(q + 2, end) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return l4r_scan_fail(j, p, "lone high surrogate in \\u escape");
                u = 0x10000 + (((uint32_t)cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                q += 6;
            }
            if (w)
                w = l4r_put_utf8(w, u);
            p = q;
            goto copied;
        }
        default: return l4r_scan_fail(j, p, "invalid escape in string");
        }
        if (w)
            *w++ = lit;
        p += 2;
    copied:
        /* Copy what follows up to the next quote, escape or control byte, then loop. */
        while (w) {
            const char *r = p;
            while (end - r >= 8) {
                uint64_t v = l4r_swar_load(r);
                if (l4r_swar_eq(v, '"') | l4r_swar_eq(v, '\\') | l4r_swar_lt_or_high(v, 0x20))
                    break;
                r += 8;
            }
            while (r < end && *r != '"' && *r != '\\' && (unsigned char)*r >= 0x20 &&
                   (unsigned char)*r < 0x80)
                r++;
            memcpy(w, p, (size_t)(r - p));
            w += r - p;
            p = r;
            if (p >= end || (unsigned char)*p < 0x80)
                break;
            size_t k = l4r_utf8_seq((const unsigned char *)p, (const unsigned char *)end);
            if (!k)
                return l4r_scan_fail(j, p, "invalid UTF-8");
            memcpy(w, p, k);
            w += k;
            p += k;
        }
    }
    if (want) {
        if (w) {
            out->p = j->w;
            out->n = (size_t)(w - j->w);
            j->w = w;
        } else {
            out->p = start;
            out->n = (size_t)(p - start);
        }
    }
    *pp = p + 1;
    return L4R_OK;
}

static l4r_status jnumber(l4r_scanner *j, const char **pp)
{
    const char *p = *pp;
    const char *end = j->end;
    if (p < end && *p == '-')
        p++;
    if (p >= end || *p < '0' || *p > '9')
        return l4r_scan_fail(j, p, "expected a digit");
    if (*p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9')
            return l4r_scan_fail(j, p, "leading zero in number");
    } else {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return l4r_scan_fail(j, p, "expected a digit after '.'");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return l4r_scan_fail(j, p, "expected a digit in exponent");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    *pp = p;
    return L4R_OK;
}

static bool word(const char *p, const char *end, const char *w, size_t n)
{
    return (size_t)(end - p) >= n && memcmp(p, w, n) == 0;
}

/* true, false, null or a number at *pp (l4r_dialect's `scalar`, scan_object.h). */
static l4r_status jscalar(l4r_scanner *j, const char **pp, bool want, l4r_span *out, l4r_vkind *kind)
{
    const char *p = *pp;
    const char *end = j->end;
    if (*p == 't' || *p == 'f' || *p == 'n') {
        const char *w = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
        size_t n = strlen(w);
        if (!word(p, end, w, n))
            return l4r_scan_fail(j, p, "expected a value");
        if (want) {
            *kind = *p == 'n' ? L4R_V_NULL : L4R_V_BOOL;
            out->p = p;
            out->n = n;
        }
        *pp = p + n;
        return L4R_OK;
    }
    if (*p != '-' && (*p < '0' || *p > '9'))
        return l4r_scan_fail(j, p, "expected a value");
    l4r_status st = jnumber(j, pp);
    if (st)
        return st;
    if (want) {
        *kind = L4R_V_NUMBER;
        out->p = p;
        out->n = (size_t)(*pp - p);
    }
    return L4R_OK;
}

static bool jstring_start(const char *p, const char *end)
{
    return p < end && *p == '"';
}

static l4r_status jvalue(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                         l4r_vkind *kind);

/* RFC 8259: only '[' opens a list, no trailing comma, keys are strings. */
static const l4r_dialect JSON = {
    .string_start = jstring_start,
    .string = jstring,
    .scalar = jscalar,
    .value = jvalue,
    .after = "unexpected data after the object",
};

static l4r_status jvalue(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                         l4r_vkind *kind)
{
    return walk_value(&JSON, s, pp, depth, want, out, kind);
}

l4r_status l4r_json_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                           l4r_vkind *kind, l4r_buf *scratch, l4r_error *e)
{
    return walk_fields(&JSON, p, end, ks, out, kind, scratch, e);
}

l4r_status l4r_json_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more, l4r_buf *scratch,
                              l4r_error *e)
{
    return walk_list_next(&JSON, it, out, kind, more, scratch, e);
}
