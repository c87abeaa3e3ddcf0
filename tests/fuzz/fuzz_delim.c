/*
 * fuzz_delim.c — libFuzzer harness for l4r_split_delim (format "delim").  The first byte chooses
 * a 1- or 2-byte separator (from the input itself, so any byte pair is tried), the rest is one
 * record.  Properties: the count is the number of separators (left to right, not overlapping)
 * plus one; every field lies in the record; the fields joined with the separator are the record
 * again (nothing dropped, nothing duplicated); a smaller `max` gives the same count and the same
 * first fields.
 */
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAXF 64

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 3)
        return 0;
    char sep[3] = {(char)data[1], (char)data[2], 0};
    size_t seplen = (data[0] & 1) ? 2 : 1;
    const char *p = (const char *)data + 3, *end = (const char *)data + size;
    size_t n = (size_t)(end - p);
    l4r_span f[MAXF], g[3];
    size_t nf = l4r_split_delim(p, end, sep, seplen, f, MAXF);
    /* the separators, counted independently */
    size_t want = 1;
    for (size_t i = 0; i + seplen <= n;) {
        if (!memcmp(p + i, sep, seplen)) {
            want++;
            i += seplen;
        } else {
            i++;
        }
    }
    if (nf != want)
        abort();
    size_t stored = nf < MAXF ? nf : MAXF;
    for (size_t i = 0; i < stored; i++)
        if (!f[i].p || f[i].p < p || f[i].p + f[i].n > end)
            abort();
    if (nf <= MAXF) {
        char *joined = malloc(n + 1);
        size_t k = 0;
        for (size_t i = 0; i < nf; i++) {
            if (i) {
                memcpy(joined + k, sep, seplen);
                k += seplen;
            }
            if (k + f[i].n > n)
                abort();
            memcpy(joined + k, f[i].p, f[i].n);
            k += f[i].n;
        }
        if (k != n || memcmp(joined, p, n) != 0)
            abort();
        free(joined);
    }
    size_t ng = l4r_split_delim(p, end, sep, seplen, g, 3);
    if (ng != nf)
        abort();
    for (size_t i = 0; i < 3 && i < nf; i++)
        if (g[i].p != f[i].p || g[i].n != f[i].n)
            abort();
    return 0;
}
