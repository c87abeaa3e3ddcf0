/*
 * scan_pylit.c — the tokens of Python literals for the object walker (scan_object.h): strings,
 * numbers, True/False/None, as repr() writes them in the Amazon 2014 meta and Steam lines
 * ({u'key': u'val', 'k': "it's", 'ok': True, 'x': None, ...}).  The walker does the dicts,
 * lists, tuples and sets (trailing commas, keys of any type); this file says what a Python string
 * and a Python scalar are.
 *
 * The grammar is the subset of Python literals that repr() produces, read leniently: strings in
 * '...' or "..." (and triple quotes) with u/b/r prefixes, ints (with Python 2's L suffix), floats,
 * True/False/None.  Wanted strings are unescaped into the scratch buffer at the walker's write
 * pointer (reserved once per record, as an unescaped string never outgrows its source).
 *
 * \x.. and octal escapes are ambiguous across Python versions: in a Python 2 byte string
 * ('caf\xc3\xa9', Amazon 2014) they are bytes of UTF-8 text, in a Python 3 str or a u'' string
 * ('\xa0', u'caf\xe9') they are code points.  u'' strings always take code points; unprefixed
 * strings take bytes first, and if that does not give valid UTF-8 the string is decoded again
 * with code points.  Lone surrogates from \u escapes become U+FFFD.
 */
#include "scan/scan_object.h"

static const char py_true[] = "true";
static const char py_false[] = "false";
static const char py_null[] = "null";

/* A quote, after at most two prefix letters (u, b, r). */
static bool pstring_start(const char *p, const char *end)
{
    for (int i = 0; i < 3 && p < end; i++, p++) {
        if (*p == '\'' || *p == '"')
            return true;
        if (!strchr("uUbBrR", *p) || *p == 0)
            return false;
    }
    return false;
}

static int hexn(const char *p, const char *end, int n, uint32_t *v)
{
    if (end - p < n)
        return -1;
    uint32_t x = 0;
    for (int i = 0; i < n; i++) {
        int h = l4r_hexval((unsigned char)p[i]);
        if (h < 0)
            return -1;
        x = x * 16 + (uint32_t)h;
    }
    *v = x;
    return 0;
}

static bool valid_utf8(const char *p, const char *end)
{
    while (p < end) {
        if ((unsigned char)*p < 0x80) {
            p++;
            continue;
        }
        size_t k = l4r_utf8_seq((const unsigned char *)p, (const unsigned char *)end);
        if (!k)
            return false;
        p += k;
    }
    return true;
}

/* A string literal at *pp (prefix included).  want: its text in *out.  cp_mode: decode \x and
 * octal escapes of an unprefixed string as code points (the retry described above).  One function
 * of 160 lines on purpose: it runs per string of every Python-literal record, and its plain-run
 * loop and escape switch share the write pointer and state in registers. */
static l4r_status pstring(l4r_scanner *s, const char **pp, bool want, l4r_span *out, bool cp_mode)
{
    const char *p = *pp;
    const char *end = s->end;
    bool is_u = false, is_b = false, raw = false;
    while (*p != '\'' && *p != '"') {
        if (*p == 'u' || *p == 'U')
            is_u = true;
        else if (*p == 'b' || *p == 'B')
            is_b = true;
        else
            raw = true;
        p++;
    }
    char q = *p;
    bool triple = end - p >= 3 && p[1] == q && p[2] == q;
    p += triple ? 3 : 1;
    const char *start = p;
    char *w = want ? s->w : NULL;
    bool cps = is_u || cp_mode;
    bool high_bytes = false; /* a \x or octal escape produced a byte >= 0x80 */
    for (;;) {
        /* plain run */
        const char *r = p;
        while (end - r >= 8) {
            uint64_t v = l4r_swar_load(r);
            if (l4r_swar_eq(v, (unsigned char)q) | l4r_swar_eq(v, '\\') | l4r_swar_eq(v, '\n'))
                break;
            r += 8;
        }
        while (r < end && *r != q && *r != '\\' && *r != '\n')
            r++;
        if (w) {
            memcpy(w, p, (size_t)(r - p));
            w += r - p;
        }
        p = r;
        if (p >= end)
            return l4r_scan_fail(s, start - 1, "unterminated string starting");
        if (*p == '\n') {
            if (!triple)
                return l4r_scan_fail(s, p, "newline in string");
            if (w)
                *w++ = '\n';
            p++;
            continue;
        }
        if (*p == q) {
            if (!triple)
                break;
            if (end - p >= 3 && p[1] == q && p[2] == q)
                break;
            if (w)
                *w++ = q;
            p++;
            continue;
        }
        /* backslash */
        if (p + 1 >= end)
            return l4r_scan_fail(s, p, "unterminated string");
        char x = p[1];
        if (raw) {
            if (w) {
                *w++ = '\\';
                *w++ = x;
            }
            p += 2;
            continue;
        }
        uint32_t cp;
        int n;
        switch (x) {
        case '\\':
        case '\'':
        case '"':
        case 'a':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
        case 'v': {
            static const char from[] = "\\'\"abfnrtv";
            static const char to[] = "\\'\"\a\b\f\n\r\t\v";
            if (w)
                *w++ = to[strchr(from, x) - from];
            p += 2;
            continue;
        }
        case '\n': p += 2; continue;
        case 'x':
            if (hexn(p + 2, end, 2, &cp) < 0)
                return l4r_scan_fail(s, p, "invalid \\x escape");
            p += 4;
            goto byte_or_cp;
        case 'u':
        case 'U':
            if (is_b)
                goto keep;
            n = x == 'u' ? 4 : 8;
            if (hexn(p + 2, end, n, &cp) < 0)
                return l4r_scan_fail(s, p, x == 'u' ? "invalid \\u escape" : "invalid \\U escape");
            p += 2 + n;
            if (cp > 0x10FFFF)
                return l4r_scan_fail(s, p - 2 - n, "\\U escape beyond U+10FFFF");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hexn(p + 2, end, 4, &lo) == 0 &&
                    lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            if (w)
                w = l4r_put_utf8(w, cp);
            continue;
        default:
            if (x >= '0' && x <= '7') {
                cp = 0;
                const char *o = p + 1;
                for (int i = 0; i < 3 && o < end && *o >= '0' && *o <= '7'; i++, o++)
                    cp = cp * 8 + (uint32_t)(*o - '0');
                p = o;
                goto byte_or_cp;
            }
        keep:
            /* Python keeps unknown escapes as they are. */
            if (w) {
                *w++ = '\\';
                *w++ = x;
            }
            p += 2;
            continue;
        }
    byte_or_cp:
        if (cps || cp > 0xFF) {
            if (w)
                w = l4r_put_utf8(w, cp);
        } else {
            if (cp >= 0x80)
                high_bytes = true;
            if (w)
                *w++ = (char)cp;
        }
    }
    const char *after = p + (triple ? 3 : 1);
    if (want) {
        if (high_bytes && !is_b && !valid_utf8(s->w, w)) {
            /* Not UTF-8 as bytes: a Python 3 str, where \xNN is a code point. */
            return pstring(s, pp, want, out, true);
        }
        out->p = s->w;
        out->n = (size_t)(w - s->w);
        s->w = w;
    }
    *pp = after;
    return L4R_OK;
}

static l4r_status pnumber(l4r_scanner *s, const char **pp, l4r_span *num)
{
    const char *p = *pp;
    const char *end = s->end;
    const char *b = p;
    if (p < end && (*p == '-' || *p == '+'))
        p++;
    const char *d = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    bool digits = p > d;
    if (p < end && *p == '.') {
        p++;
        const char *f = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        digits = digits || p > f;
    }
    if (!digits)
        return l4r_scan_fail(s, b, "expected a value");
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return l4r_scan_fail(s, p, "expected a digit in exponent");
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    num->p = b;
    num->n = (size_t)(p - b);
    if (p < end && (*p == 'L' || *p == 'l'))
        p++; /* Python 2 long: the suffix is not part of the number */
    *pp = p;
    return L4R_OK;
}

static bool pword(const char *p, const char *end, const char *w, size_t n)
{
    if ((size_t)(end - p) < n || memcmp(p, w, n) != 0)
        return false;
    p += n;
    return p == end ||
           !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_');
}

/* l4r_dialect's `string` (scan_object.h): a first decoding, \x as bytes unless u''. */
static l4r_status pstring_walk(l4r_scanner *s, const char **pp, bool want, l4r_span *out)
{
    return pstring(s, pp, want, out, false);
}

/* True, False, None or a number at *pp (l4r_dialect's `scalar`, scan_object.h). */
static l4r_status pscalar(l4r_scanner *s, const char **pp, bool want, l4r_span *out, l4r_vkind *kind)
{
    const char *p = *pp;
    const char *end = s->end;
    const char *lit = NULL;
    size_t litn = 0;
    l4r_vkind k = L4R_V_BOOL;
    if (pword(p, end, "True", 4)) {
        lit = py_true;
        litn = 4;
    } else if (pword(p, end, "False", 5)) {
        lit = py_false;
        litn = 5;
    } else if (pword(p, end, "None", 4)) {
        lit = py_null;
        litn = 4;
        k = L4R_V_NULL;
    }
    if (lit) {
        if (want) {
            *kind = k;
            out->p = lit;
            out->n = litn;
        }
        *pp = p + litn;
        return L4R_OK;
    }
    l4r_span num;
    l4r_status st = pnumber(s, pp, &num);
    if (st)
        return st;
    if (want) {
        *kind = L4R_V_NUMBER;
        *out = num;
    }
    return L4R_OK;
}

static l4r_status pvalue(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                         l4r_vkind *kind);
static l4r_status nvalue(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                         l4r_vkind *kind);

/* What repr() writes: tuples, sets, trailing commas, keys of any type. */
static const l4r_dialect PYLIT = {
    .string_start = pstring_start,
    .string = pstring_walk,
    .scalar = pscalar,
    .value = pvalue,
    .tuples = true,
    .trailing_comma = true,
    .loose_braces = true,
    .after = "unexpected data after the dict",
};

/* numpy's str() of a 1-D array, "['a' 'b'\n 'c']": Python strings and numbers, whitespace between
 * (only a list, never a record: no `after`). */
static const l4r_dialect NUMPY = {
    .string_start = pstring_start,
    .string = pstring_walk,
    .scalar = pscalar,
    .value = nvalue,
    .flat = true,
    .space_separated = true,
};

static l4r_status pvalue(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                         l4r_vkind *kind)
{
    return walk_value(&PYLIT, s, pp, depth, want, out, kind);
}

l4r_status l4r_pylit_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                            l4r_vkind *kind, l4r_buf *scratch, l4r_error *e)
{
    return walk_fields(&PYLIT, p, end, ks, out, kind, scratch, e, NULL);
}

static l4r_status nvalue(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                         l4r_vkind *kind)
{
    return walk_value(&NUMPY, s, pp, depth, want, out, kind);
}

l4r_status l4r_pylit_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more,
                               l4r_buf *scratch, l4r_error *e)
{
    return walk_list_next(&PYLIT, it, out, kind, more, scratch, e);
}

l4r_status l4r_numpy_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more,
                               l4r_buf *scratch, l4r_error *e)
{
    return walk_list_next(&NUMPY, it, out, kind, more, scratch, e);
}
