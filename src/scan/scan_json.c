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

#if defined(__SSE2__)
/* The bytes of the 16 at p that end a run of plain string text: '"', '\\', control characters
 * and (negative as signed) the bytes >= 0x80, which need UTF-8 validation; bit i for byte i. */
static inline unsigned jspecial16(__m128i v)
{
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* jstring past its first window: the string whose opening quote is at *pp, plain text up to p. */
static __attribute__((noinline)) l4r_status jstring_rest(l4r_scanner *j, const char **pp, const char *p,
                                                         bool want, l4r_span *out)
{
    const char *start = *pp + 1;
    const char *end = j->end;
    char *w = NULL; /* set once an escape forces a copy */
    for (;;) {
#if defined(__SSE2__)
        /* Sixteen bytes at a time: the signed compare catches both control characters and the
         * bytes >= 0x80 (negative as signed), which need UTF-8 validation. */
        {
            while (end - p >= 16) {
                unsigned m = jspecial16(_mm_loadu_si128((const __m128i *)(const void *)p));
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
            if (j->wend && (size_t)(j->wend - j->w) < (size_t)(end - start)) {
                /* the line ends the string (a raw newline in it is an error anyway) */
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                if ((size_t)(j->wend - j->w) < (size_t)((nl ? nl : end) - start))
                    return l4r_scan_fail(j, p, "no scratch room for the string");
            }
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

/* A string whose opening quote is at *pp (l4r_dialect's `string`, scan_object.h).  Inlined into the
 * walker: most strings of a JSON line are short plain ASCII, and one window holds the whole string
 * and its closing quote, so nothing else is to be done; the rest is jstring_rest's. */
L4R_WALKER l4r_status jstring(l4r_scanner *j, const char **pp, bool want, l4r_span *out)
{
    const char *p = *pp + 1;
#if defined(__SSE2__)
    if (j->end - p >= 16) {
        unsigned m = jspecial16(_mm_loadu_si128((const __m128i *)(const void *)p));
        if (L4R_LIKELY(m)) {
            unsigned n = (unsigned)__builtin_ctz(m);
            if (L4R_LIKELY(p[n] == '"')) {
                if (want) {
                    out->p = p;
                    out->n = n;
                }
                *pp = p + n + 1;
                return L4R_OK;
            }
            p += n; /* at the escape, control or non-ASCII byte */
        } else {
            p += 16;
        }
    }
#endif
    return jstring_rest(j, pp, p, want, out);
}

/* A key of the record's object at *pp (l4r_dialect's `key`, scan_object.h).  A key shorter than
 * 16 bytes without escapes, control or non-ASCII bytes (nearly every key of every dump) is
 * compared in the window that found its closing quote with the heads of the asked keys of its
 * length (usually none or one): one 16-byte compare of the bytes before the quote.  Any other key takes
 * jstring, which validates and unescapes it, and l4r_keyset_find. */
L4R_WALKER l4r_status jkey(l4r_scanner *j, const char **pp, const l4r_keyset *ks, int *idx)
{
#if defined(__SSE2__)
    const char *p = *pp + 1;
    if (j->end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = jspecial16(v);
        if (m) {
            unsigned n = (unsigned)__builtin_ctz(m);
            if (p[n] == '"') {
                unsigned want = (1u << n) - 1;
                int i = ks->first[n];
                while (i >= 0) {
                    __m128i h = _mm_loadu_si128((const __m128i *)(const void *)ks->head[i]);
                    if (((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, h)) & want) == want)
                        break;
                    i = ks->next[i];
                }
                *idx = i;
                *pp = p + n + 1;
                return L4R_OK;
            }
        }
    }
#endif
    l4r_span key;
    char *mark = j->w;
    l4r_status st = jstring(j, pp, true, &key);
    if (st)
        return st;
    *idx = l4r_keyset_find(ks, key.p, key.n);
    j->w = mark; /* keys are compared, not kept */
    return L4R_OK;
}

/* Past the run of digits at p: eight at a time (a byte is a digit when its high nibble is 3 and
 * stays 3 when 6 is added; a carry out of a byte >= 0xFA only reaches bytes after a non-digit). */
static inline const char *jdigits(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t hi = L4R_SWAR_ONES * 0xF0, three = L4R_SWAR_ONES * 0x30;
    while (end - p >= 8) {
        uint64_t v = l4r_swar_load(p);
        uint64_t nd = ((v & hi) ^ three) | (((v + L4R_SWAR_ONES * 0x06) & hi) ^ three);
        if (nd)
            return p + (__builtin_ctzll(nd) >> 3);
        p += 8;
    }
#endif
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    return p;
}

static inline l4r_status jnumber(l4r_scanner *j, const char **pp)
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
        p = jdigits(p, end);
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return l4r_scan_fail(j, p, "expected a digit after '.'");
        p = jdigits(p, end);
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
static inline l4r_status jscalar(l4r_scanner *j, const char **pp, bool want, l4r_span *out, l4r_vkind *kind)
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
    .key = jkey,
    .after = "unexpected data after the object",
};

static l4r_status jvalue(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                         l4r_vkind *kind)
{
    return walk_value(&JSON, s, pp, depth, want, out, kind);
}

static l4r_status jvalue_lines(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                               l4r_vkind *kind);

/* JSON where a newline ends the record: l4r_json_line_fields. */
static const l4r_dialect JSON_LINES = {
    .string_start = jstring_start,
    .string = jstring,
    .scalar = jscalar,
    .value = jvalue_lines,
    .key = jkey,
    .after = "unexpected data after the object",
    .lines = true,
};

static l4r_status jvalue_lines(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                               l4r_vkind *kind)
{
    return walk_value(&JSON_LINES, s, pp, depth, want, out, kind);
}

l4r_status l4r_json_line_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                                l4r_vkind *kind, l4r_buf *scratch, l4r_error *e, const char **next)
{
    return walk_fields(&JSON_LINES, p, end, ks, out, kind, scratch, e, next);
}

l4r_status l4r_json_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                           l4r_vkind *kind, l4r_buf *scratch, l4r_error *e)
{
    return walk_fields(&JSON, p, end, ks, out, kind, scratch, e, NULL);
}

l4r_status l4r_json_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more, l4r_buf *scratch,
                              l4r_error *e)
{
    return walk_list_next(&JSON, it, out, kind, more, scratch, e);
}
