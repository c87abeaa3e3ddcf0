/* fuzz_pylit.c — libFuzzer harness for l4r_pylit_fields: no crash, no overread, spans in bounds. */
#include <stdlib.h>
#include <string.h>

#include "convert/scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static l4r_keyset *ks;
    static const char *const keys[] = { "a", "asin", "username", "" };
    if (!ks)
        ks = l4r_keyset_new(keys, 4);
    l4r_buf scratch = { 0 };
    l4r_span out[4];
    l4r_vkind kind[4];
    l4r_error e;
    const char *p = (const char *)data;
    if (l4r_pylit_fields(p, p + size, ks, out, kind, &scratch, &e) == L4R_OK) {
        for (int k = 0; k < 4; k++) {
            if (kind[k] == L4R_V_ABSENT)
                continue;
            /* touch every byte so ASan sees a bad span */
            volatile unsigned sum = 0;
            for (size_t i = 0; i < out[k].n; i++)
                sum += (unsigned char)out[k].p[i];
            (void)sum;
        }
    }
    l4r_buf_free(&scratch);
    return 0;
}
