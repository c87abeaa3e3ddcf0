/*
 * text.c — source text to the output's UTF-8 (recipe "encoding": utf-8, iso-8859-1, cp1252).
 *
 * How: UTF-8 is validated and copied (printable ASCII, the common case, one byte at a time without
 * a branch per class); Latin-1 maps each byte to its code point; cp1252 does the same except for
 * 0x80..0x9F, which a table maps (undefined bytes become U+FFFD).  TAB, CR and LF become a space
 * so that a field can never break a TSV row; a NUL byte is refused in every encoding.  Pure
 * functions, safe on any thread.
 */
#include "text.h"

#include <stdint.h>
#include <string.h>

/* Windows-1252 0x80..0x9F as Unicode code points (0 = undefined, kept as U+FFFD). */
static const uint16_t cp1252_hi[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                       0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                       0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                       0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

static void put_cp(l4r_buf *b, unsigned cp)
{
    char u[3];
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        l4r_buf_add(b, u, 2);
    } else {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        l4r_buf_add(b, u, 3);
    }
}

/* Length of a valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return (e - p >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

bool l4r_append_text(l4r_buf *b, const char *src, size_t n, l4r_encoding enc)
{
    const unsigned char *p = (const unsigned char *)src, *e = p + n;
    l4r_buf_reserve(b, n * (enc == L4R_ENC_UTF8 ? 1 : 3));
    char *o = b->data + b->len;
    if (enc == L4R_ENC_UTF8) {
        while (p < e) {
            unsigned c = *p;
            if (L4R_LIKELY(c >= 0x20 && c < 0x80)) {
                *o++ = (char)c;
                p++;
            } else if (c < 0x80) {
                if (L4R_UNLIKELY(c == 0)) {
                    b->len = (size_t)(o - b->data);
                    return false;
                }
                *o++ = (c == '\t' || c == '\n' || c == '\r') ? ' ' : (char)c;
                p++;
            } else {
                size_t k = utf8_len(p, e);
                if (!k) {
                    b->len = (size_t)(o - b->data);
                    return false;
                }
                memcpy(o, p, k);
                o += k;
                p += k;
            }
        }
        b->len = (size_t)(o - b->data);
        return true;
    }
    b->len = (size_t)(o - b->data);
    for (; p < e; p++) {
        unsigned c = *p;
        if (c == 0)
            return false;
        if (c < 0x80) {
            l4r_buf_addc(b, (c == '\t' || c == '\n' || c == '\r') ? ' ' : (char)c);
        } else if (enc == L4R_ENC_CP1252 && c < 0xA0) {
            unsigned cp = cp1252_hi[c - 0x80];
            put_cp(b, cp ? cp : 0xFFFD);
        } else {
            put_cp(b, c);
        }
    }
    return true;
}
