/* fuzz_csv.c — libFuzzer harness for l4r_csv_record (RFC 4180) and l4r_split_delim: every
 * record advances, spans stay in bounds, the record loop ends; and a record written back with
 * every field quoted (quotes doubled) parses to the same fields (round trip). */
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    char sep = (char)data[0];
    if (sep == '"' || sep == '\n' || sep == '\r')
        sep = ',';
    const char *p = (const char *)data + 1;
    const char *end = (const char *)data + size;
    l4r_buf scratch = { 0 };
    l4r_span f[6];
    while (p < end) {
        const char *before = p;
        size_t nf;
        l4r_error e;
        l4r_buf_reset(&scratch);
        if (l4r_csv_record(&p, end, sep, 0, f, 6, &nf, &scratch, &e) != L4R_OK)
            break;
        if (p <= before || p > end || nf == 0)
            abort();
        volatile unsigned sum = 0;
        for (size_t i = 0; i < nf && i < 6; i++)
            for (size_t k = 0; k < f[i].n; k++)
                sum += (unsigned char)f[i].p[k];
        (void)sum;
        if (nf <= 6) {
            l4r_buf w = {0}, scratch2 = {0};
            for (size_t i = 0; i < nf; i++) {
                if (i)
                    l4r_buf_addc(&w, sep);
                l4r_buf_addc(&w, '"');
                for (size_t k = 0; k < f[i].n; k++) {
                    if (f[i].p[k] == '"')
                        l4r_buf_addc(&w, '"');
                    l4r_buf_addc(&w, f[i].p[k]);
                }
                l4r_buf_addc(&w, '"');
            }
            l4r_buf_addc(&w, '\n');
            const char *q = w.data;
            l4r_span g[6];
            size_t ng;
            if (l4r_csv_record(&q, w.data + w.len, sep, 0, g, 6, &ng, &scratch2, &e) != L4R_OK || ng != nf ||
                q != w.data + w.len)
                abort();
            for (size_t i = 0; i < nf; i++)
                if (g[i].n != f[i].n || memcmp(g[i].p, f[i].p, f[i].n) != 0)
                    abort();
            l4r_buf_free(&w);
            l4r_buf_free(&scratch2);
        }
    }
    const char *s = (const char *)data + 1;
    size_t n1 = l4r_split_delim(s, end, "\t", 1, f, 6);
    size_t n2 = l4r_split_delim(s, end, "::", 2, f, 6);
    if (n1 == 0 || n2 == 0)
        abort();
    for (size_t i = 0; i < n2 && i < 6; i++)
        if (f[i].p < s || f[i].p + f[i].n > end)
            abort();
    l4r_buf_free(&scratch);
    return 0;
}
