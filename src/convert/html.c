/*
 * html.c — HTML fragments to plain text for "clean": "html" fields.
 *
 * One left-to-right pass over the input; what is decoded is written to the output and never read
 * again, so an entity that decodes to '<' or '&' is text, not markup (decoding happens once).
 * Blanks are collapsed as the output is written: a pending blank is emitted only before the next
 * visible character.
 */
#include "html.h"

#include <stdint.h>
#include <string.h>

typedef struct named_ref {
    const char *name;
    uint32_t cp;
} named_ref;

/* The HTML 4 Latin-1 references (U+00A0..U+00FF), the markup-significant ones and the common
 * typography of product and news text. */
static const named_ref refs[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},     {"iexcl", 0xA1},    {"cent", 0xA2},     {"pound", 0xA3},    {"curren", 0xA4},
    {"yen", 0xA5},      {"brvbar", 0xA6},   {"sect", 0xA7},     {"uml", 0xA8},      {"copy", 0xA9},
    {"ordf", 0xAA},     {"laquo", 0xAB},    {"not", 0xAC},      {"shy", 0xAD},      {"reg", 0xAE},
    {"macr", 0xAF},     {"deg", 0xB0},      {"plusmn", 0xB1},   {"sup2", 0xB2},     {"sup3", 0xB3},
    {"acute", 0xB4},    {"micro", 0xB5},    {"para", 0xB6},     {"middot", 0xB7},   {"cedil", 0xB8},
    {"sup1", 0xB9},     {"ordm", 0xBA},     {"raquo", 0xBB},    {"frac14", 0xBC},   {"frac12", 0xBD},
    {"frac34", 0xBE},   {"iquest", 0xBF},   {"Agrave", 0xC0},   {"Aacute", 0xC1},   {"Acirc", 0xC2},
    {"Atilde", 0xC3},   {"Auml", 0xC4},     {"Aring", 0xC5},    {"AElig", 0xC6},    {"Ccedil", 0xC7},
    {"Egrave", 0xC8},   {"Eacute", 0xC9},   {"Ecirc", 0xCA},    {"Euml", 0xCB},     {"Igrave", 0xCC},
    {"Iacute", 0xCD},   {"Icirc", 0xCE},    {"Iuml", 0xCF},     {"ETH", 0xD0},      {"Ntilde", 0xD1},
    {"Ograve", 0xD2},   {"Oacute", 0xD3},   {"Ocirc", 0xD4},    {"Otilde", 0xD5},   {"Ouml", 0xD6},
    {"times", 0xD7},    {"Oslash", 0xD8},   {"Ugrave", 0xD9},   {"Uacute", 0xDA},   {"Ucirc", 0xDB},
    {"Uuml", 0xDC},     {"Yacute", 0xDD},   {"THORN", 0xDE},    {"szlig", 0xDF},    {"agrave", 0xE0},
    {"aacute", 0xE1},   {"acirc", 0xE2},    {"atilde", 0xE3},   {"auml", 0xE4},     {"aring", 0xE5},
    {"aelig", 0xE6},    {"ccedil", 0xE7},   {"egrave", 0xE8},   {"eacute", 0xE9},   {"ecirc", 0xEA},
    {"euml", 0xEB},     {"igrave", 0xEC},   {"iacute", 0xED},   {"icirc", 0xEE},    {"iuml", 0xEF},
    {"eth", 0xF0},      {"ntilde", 0xF1},   {"ograve", 0xF2},   {"oacute", 0xF3},   {"ocirc", 0xF4},
    {"otilde", 0xF5},   {"ouml", 0xF6},     {"divide", 0xF7},   {"oslash", 0xF8},   {"ugrave", 0xF9},
    {"uacute", 0xFA},   {"ucirc", 0xFB},    {"uuml", 0xFC},     {"yacute", 0xFD},   {"thorn", 0xFE},
    {"yuml", 0xFF},     {"OElig", 0x152},   {"oelig", 0x153},   {"Scaron", 0x160},  {"scaron", 0x161},
    {"Yuml", 0x178},    {"fnof", 0x192},    {"circ", 0x2C6},    {"tilde", 0x2DC},   {"ensp", 0x2002},
    {"emsp", 0x2003},   {"thinsp", 0x2009}, {"zwnj", 0x200C},   {"zwj", 0x200D},    {"ndash", 0x2013},
    {"mdash", 0x2014},  {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},
    {"rdquo", 0x201D},  {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},
    {"hellip", 0x2026}, {"permil", 0x2030}, {"prime", 0x2032},  {"Prime", 0x2033},  {"lsaquo", 0x2039},
    {"rsaquo", 0x203A}, {"euro", 0x20AC},   {"trade", 0x2122},  {"larr", 0x2190},   {"rarr", 0x2192},
    {"hearts", 0x2665},
};

typedef struct out {
    l4r_buf *b;
    bool blank; /* a blank is pending */
    bool any;   /* something visible was written */
} out;

static void put_byte(out *o, char ch)
{
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
        o->blank = o->any;
        return;
    }
    if (o->blank)
        l4r_buf_addc(o->b, ' ');
    o->blank = false;
    o->any = true;
    l4r_buf_addc(o->b, ch);
}

static void put_cp(out *o, uint32_t cp)
{
    if (cp == 0xA0) { /* &nbsp; collapses like a space */
        put_byte(o, ' ');
        return;
    }
    char u[4];
    size_t n;
    if (cp < 0x80) {
        put_byte(o, (char)cp);
        return;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    for (size_t i = 0; i < n; i++)
        put_byte(o, u[i]);
}

static bool is_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_alnum(char ch)
{
    return is_alpha(ch) || (ch >= '0' && ch <= '9');
}

/* A character reference at p[0] == '&': its code point and length, or 0. */
static size_t reference(const char *p, const char *end, uint32_t *cp)
{
    const char *q = p + 1;
    if (q < end && *q == '#') {
        q++;
        bool hex = q < end && (*q == 'x' || *q == 'X');
        q += hex;
        uint32_t v = 0;
        const char *d = q;
        while (q < end && q - d < 8) {
            char ch = *q;
            int dig = ch >= '0' && ch <= '9'          ? ch - '0'
                      : hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                      : hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                                      : -1;
            if (dig < 0)
                break;
            v = v * (hex ? 16 : 10) + (uint32_t)dig;
            q++;
        }
        if (q == d || q >= end || *q != ';')
            return 0;
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            v = 0xFFFD; /* what HTML parsers make of them; never a NUL in the output */
        *cp = v;
        return (size_t)(q + 1 - p);
    }
    const char *s = q;
    while (q < end && is_alnum(*q) && q - s < 10)
        q++;
    if (q == s || q >= end || *q != ';')
        return 0;
    size_t n = (size_t)(q - s);
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        if (strlen(refs[i].name) == n && !memcmp(refs[i].name, s, n)) {
            *cp = refs[i].cp;
            return n + 2;
        }
    }
    return 0;
}

static bool starts_ci(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(end - p) < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != word[i])
            return false;
    }
    return true;
}

/* The end of the tag that opens at p[0] == '<' (one past its '>'), or NULL when p opens none. */
static const char *tag_end(const char *p, const char *end)
{
    if (p + 1 >= end)
        return NULL;
    char c1 = p[1];
    if (c1 == '!' && starts_ci(p, end, "<!--")) {
        const char *q = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
        return q ? q + 3 : NULL;
    }
    if (!(is_alpha(c1) || ((c1 == '/' || c1 == '!' || c1 == '?') && p + 2 < end && is_alpha(p[2]))))
        return NULL;
    char quote = 0;
    for (const char *q = p + 1; q < end; q++) {
        if (quote) {
            if (*q == quote)
                quote = 0;
        } else if (*q == '"' || *q == '\'') {
            if (q[-1] == '=' || q[-1] == ' ')
                quote = *q;
        } else if (*q == '>') {
            return q + 1;
        }
    }
    return NULL;
}

bool l4r_html_clean(l4r_buf *b, const char *p, size_t n)
{
    size_t start = b->len;
    out o = {b, false, false};
    const char *end = p + n;
    while (p < end) {
        if (*p == '<') {
            const char *q = tag_end(p, end);
            if (q) {
                bool script = starts_ci(p, q, "<script"), style = starts_ci(p, q, "<style");
                if (script || style) { /* their content is code, not text */
                    const char *close = script ? "</script" : "</style";
                    const char *r = q;
                    while (r < end && !starts_ci(r, end, close))
                        r++;
                    q = r < end ? tag_end(r, end) : end;
                    if (!q)
                        q = end;
                }
                put_byte(&o, ' ');
                p = q;
                continue;
            }
        } else if (*p == '&') {
            uint32_t cp;
            size_t k = reference(p, end, &cp);
            if (k) {
                put_cp(&o, cp);
                p += k;
                continue;
            }
        }
        put_byte(&o, *p++);
    }
    /* n == 0: nothing to compare (and b->data may still be NULL: memcmp must not see it) */
    return b->len - start != n || (n && memcmp(b->data + start, end - n, n) != 0);
}
