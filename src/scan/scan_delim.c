/*
 * scan_delim.c — split a record on a 1- or 2-byte separator (MovieLens "::", TSV, '|', ';').
 *
 * The hot loop looks for the separator's first byte eight bytes at a time (SWAR) and only then
 * checks the second byte, so a record is read once, left to right, with no allocation: each
 * field is a view into the record.  A 2-byte separator is matched greedily from the left, as
 * Python's str.split does ("a:::b" on "::" gives "a" and ":b").
 */
#include "scan/scan_internal.h"

/* First occurrence of c in [p, end), or end. */
static inline const char *find_byte(const char *p, const char *end, unsigned char c)
{
    while (end - p >= 8) {
        uint64_t hit = l4r_swar_eq(l4r_swar_load(p), c);
        if (hit) {
            /* The lowest flagged byte is always a true hit (false positives only follow one). */
            return p + (__builtin_ctzll(hit) >> 3);
        }
        p += 8;
    }
    while (p < end && (unsigned char)*p != c)
        p++;
    return p;
}

size_t l4r_split_delim(const char *p, const char *end, const char *sep, size_t seplen, l4r_span *f,
                       size_t max)
{
    size_t nf = 0;
    unsigned char c0 = (unsigned char)sep[0];
    const char *start = p;
    if (seplen < 2) {
        for (;;) {
            const char *q = find_byte(p, end, c0);
            if (nf < max) {
                f[nf].p = start;
                f[nf].n = (size_t)(q - start);
            }
            nf++;
            if (q == end)
                break;
            p = q + 1;
            start = p;
        }
        return nf;
    }
    char c1 = sep[1];
    for (;;) {
        const char *q = find_byte(p, end, c0);
        if (q < end && (q + 1 == end || q[1] != c1)) {
            p = q + 1; /* a lone first byte (':' in a title): keep looking */
            continue;
        }
        if (nf < max) {
            f[nf].p = start;
            f[nf].n = (size_t)(q - start);
        }
        nf++;
        if (q == end)
            break;
        p = q + 2;
        start = p;
    }
    return nf;
}
