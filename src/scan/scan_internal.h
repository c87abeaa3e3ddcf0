/*
 * scan_internal.h — helpers shared by the record scanners (scan_*.c), not part of scan.h.
 *
 * SWAR ("SIMD within a register") predicates test eight bytes at once in a uint64_t; they may
 * report false positives in bytes after a true hit, so callers use them only to skip runs of
 * ordinary bytes and then look at the flagged word byte by byte.
 */
#ifndef L4R_SCAN_INTERNAL_H
#define L4R_SCAN_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "scan/scan.h"

#define L4R_SWAR_ONES UINT64_C(0x0101010101010101)
#define L4R_SWAR_HIGH UINT64_C(0x8080808080808080)

static inline uint64_t l4r_swar_load(const void *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Non-zero when some byte of v is zero. */
static inline uint64_t l4r_swar_zero(uint64_t v)
{
    return (v - L4R_SWAR_ONES) & ~v & L4R_SWAR_HIGH;
}

/* Non-zero when some byte of v equals c. */
static inline uint64_t l4r_swar_eq(uint64_t v, unsigned char c)
{
    return l4r_swar_zero(v ^ (L4R_SWAR_ONES * c));
}

/* Non-zero when some byte of v is < n (n <= 128) or has its high bit set. */
static inline uint64_t l4r_swar_lt_or_high(uint64_t v, unsigned char n)
{
    return ((v - L4R_SWAR_ONES * n) | v) & L4R_SWAR_HIGH;
}

/* Append the UTF-8 encoding of code point cp (<= 0x10FFFF) at w; returns the new end. */
static inline char *l4r_put_utf8(char *w, uint32_t cp)
{
    if (cp < 0x80) {
        *w++ = (char)cp;
    } else if (cp < 0x800) {
        *w++ = (char)(0xC0 | (cp >> 6));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *w++ = (char)(0xE0 | (cp >> 12));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *w++ = (char)(0xF0 | (cp >> 18));
        *w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *w++ = (char)(0x80 | (cp & 0x3F));
    }
    return w;
}

/* Length of the valid UTF-8 sequence starting at p (lead byte >= 0x80), or 0 when invalid
 * (overlong forms, surrogates and code points above U+10FFFF are invalid, as in RFC 3629). */
static inline size_t l4r_utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t avail = (size_t)(end - p);
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail >= 2 && (p[1] & 0xC0) == 0x80)
            return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0;
        if (c == 0xED && p[1] > 0x9F)
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0;
        if (c == 0xF4 && p[1] > 0x8F)
            return 0;
        return 4;
    }
    return 0;
}

static inline int l4r_hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
