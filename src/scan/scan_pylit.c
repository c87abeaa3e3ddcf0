/*
 * scan_pylit.c — pull the wanted top-level keys out of one Python dict literal (the repr() lines
 * of Amazon 2014 meta and Steam: {u'key': u'val', 'k': "it's", 'ok': True, 'x': None, ...}).
 *
 * The grammar is the subset of Python literals that repr() produces, read leniently: strings in
 * '...' or "..." (and triple quotes) with u/b/r prefixes, ints (with Python 2's L suffix), floats,
 * True/False/None, lists, tuples, sets and nested dicts, trailing commas.  Like the JSON scanner
 * it builds no tree: wanted strings are unescaped into the scratch buffer (reserved once per
 * record, as an unescaped string never outgrows its source), containers come back as raw text.
 *
 * \x.. and octal escapes are ambiguous across Python versions: in a Python 2 byte string
 * ('caf\xc3\xa9', Amazon 2014) they are bytes of UTF-8 text, in a Python 3 str or a u'' string
 * ('\xa0', u'caf\xe9') they are code points.  u'' strings always take code points; unprefixed
 * strings take bytes first, and if that does not give valid UTF-8 the string is decoded again
 * with code points.  Lone surrogates from \u escapes become U+FFFD.
 */
#include "scan/scan_internal.h"

#define PY_MAX_DEPTH 512

typedef struct pscan {
    const char *base;
    const char *end;
    char *w;
    l4r_error *e;
} pscan;

static const char py_true[] = "true";
static const char py_false[] = "false";
static const char py_null[] = "null";

static l4r_status pfail(pscan *s, const char *at, const char *what)
{
    if (at >= s->end)
        return l4r_err(s->e, L4R_EPARSE, "%s at byte %zu (end of record)", what, (size_t)(s->end - s->base));
    return l4r_err(s->e, L4R_EPARSE, "%s at byte %zu", what, (size_t)(at - s->base));
}

static inline const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static bool is_str_start(const char *p, const char *end)
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
 * octal escapes of an unprefixed string as code points (the retry described above). */
static l4r_status pstring(pscan *s, const char **pp, bool want, l4r_span *out, bool cp_mode)
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
            return pfail(s, start - 1, "unterminated string starting");
        if (*p == '\n') {
            if (!triple)
                return pfail(s, p, "newline in string");
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
            return pfail(s, p, "unterminated string");
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
                return pfail(s, p, "invalid \\x escape");
            p += 4;
            goto byte_or_cp;
        case 'u':
        case 'U':
            if (is_b)
                goto keep;
            n = x == 'u' ? 4 : 8;
            if (hexn(p + 2, end, n, &cp) < 0)
                return pfail(s, p, x == 'u' ? "invalid \\u escape" : "invalid \\U escape");
            p += 2 + n;
            if (cp > 0x10FFFF)
                return pfail(s, p - 2 - n, "\\U escape beyond U+10FFFF");
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

static l4r_status pnumber(pscan *s, const char **pp, l4r_span *num)
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
        return pfail(s, b, "expected a value");
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return pfail(s, p, "expected a digit in exponent");
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

static l4r_status pvalue(pscan *s, const char **pp, int depth, bool want, l4r_span *out, l4r_vkind *kind)
{
    const char *p = *pp;
    const char *end = s->end;
    l4r_status st;
    if (p >= end)
        return pfail(s, p, "expected a value");
    if (is_str_start(p, end)) {
        if (want)
            *kind = L4R_V_STRING;
        return pstring(s, pp, want, out, false);
    }
    char c = *p;
    if (c == '{' || c == '[' || c == '(') {
        char close = c == '{' ? '}' : c == '[' ? ']' : ')';
        if (depth >= PY_MAX_DEPTH)
            return pfail(s, p, "nesting too deep");
        const char *q = skip_ws(p + 1, end);
        int dict = -1; /* for '{': unknown until the first ':' (dict) or ',' / '}' (set) */
        for (;;) {
            if (q < end && *q == close) {
                q++;
                break;
            }
            st = pvalue(s, &q, depth + 1, false, NULL, NULL);
            if (st)
                return st;
            q = skip_ws(q, end);
            if (c == '{') {
                if (dict < 0)
                    dict = q < end && *q == ':';
                if (dict) {
                    if (q >= end || *q != ':')
                        return pfail(s, q, "expected ':'");
                    q = skip_ws(q + 1, end);
                    st = pvalue(s, &q, depth + 1, false, NULL, NULL);
                    if (st)
                        return st;
                    q = skip_ws(q, end);
                }
            }
            if (q < end && *q == ',') {
                q = skip_ws(q + 1, end);
                continue;
            }
            if (q < end && *q == close) {
                q++;
                break;
            }
            return pfail(s, q,
                         close == '}'   ? "expected ',' or '}'"
                         : close == ']' ? "expected ',' or ']'"
                                        : "expected ',' or ')'");
        }
        if (want) {
            *kind = c == '{' ? L4R_V_OBJECT : L4R_V_ARRAY;
            out->p = p;
            out->n = (size_t)(q - p);
        }
        *pp = q;
        return L4R_OK;
    }
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
    st = pnumber(s, pp, &num);
    if (st)
        return st;
    if (want) {
        *kind = L4R_V_NUMBER;
        *out = num;
    }
    return L4R_OK;
}

l4r_status l4r_pylit_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                            l4r_vkind *kind, l4r_buf *scratch, l4r_error *e)
{
    size_t nk = l4r_keyset_count(ks);
    for (size_t k = 0; k < nk; k++) {
        out[k].p = NULL;
        out[k].n = 0;
        kind[k] = L4R_V_ABSENT;
    }
    l4r_buf_reserve(scratch, (size_t)(end - p));
    pscan s = {p, end, scratch->data + scratch->len, e};
    const char *q = skip_ws(p, end);
    l4r_status st = L4R_OK;
    if (q >= end || *q != '{') {
        st = pfail(&s, q, "expected '{'");
        goto out;
    }
    q = skip_ws(q + 1, end);
    for (;;) {
        if (q < end && *q == '}') {
            q++;
            break;
        }
        int idx = -1;
        if (is_str_start(q, end)) {
            l4r_span key;
            char *mark = s.w;
            st = pstring(&s, &q, true, &key, false);
            if (st)
                goto out;
            idx = l4r_keyset_find(ks, key.p, key.n);
            s.w = mark; /* keys are compared, not kept */
        } else {
            st = pvalue(&s, &q, 1, false, NULL, NULL);
            if (st)
                goto out;
        }
        q = skip_ws(q, end);
        if (q >= end || *q != ':') {
            st = pfail(&s, q, "expected ':'");
            goto out;
        }
        q = skip_ws(q + 1, end);
        if (idx >= 0)
            st = pvalue(&s, &q, 1, true, &out[idx], &kind[idx]);
        else
            st = pvalue(&s, &q, 1, false, NULL, NULL);
        if (st)
            goto out;
        q = skip_ws(q, end);
        if (q < end && *q == ',') {
            q = skip_ws(q + 1, end);
            continue;
        }
        if (q < end && *q == '}') {
            q++;
            break;
        }
        st = pfail(&s, q, "expected ',' or '}'");
        goto out;
    }
    q = skip_ws(q, end);
    if (q < end)
        st = pfail(&s, q, "unexpected data after the dict");
out:
    scratch->len = (size_t)(s.w - scratch->data);
    if (st) {
        for (size_t k = 0; k < nk; k++) {
            out[k].p = NULL;
            out[k].n = 0;
            kind[k] = L4R_V_ABSENT;
        }
    }
    return st;
}
