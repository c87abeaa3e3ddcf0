/* fuzz_csv.c — libFuzzer harness for l4r_csv_record and l4r_split_delim: every record advances,
 * spans stay in bounds, the record loop ends. */
#include <stdlib.h>
#include <string.h>

#include "convert/scan.h"

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
        if (l4r_csv_record(&p, end, sep, f, 6, &nf, &scratch, &e) != L4R_OK)
            break;
        if (p <= before || p > end || nf == 0)
            abort();
        volatile unsigned sum = 0;
        for (size_t i = 0; i < nf && i < 6; i++)
            for (size_t k = 0; k < f[i].n; k++)
                sum += (unsigned char)f[i].p[k];
        (void)sum;
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
