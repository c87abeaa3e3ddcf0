/* fuzz_pylit.c — libFuzzer harness for l4r_pylit_fields: no crash, no overread, spans in bounds;
 * and when the line is valid UTF-8 with no b'' bytes literal, every string value is valid UTF-8
 * (escapes decode to text, lone surrogates to U+FFFD), so what reaches the TSV is text. */
#include <stdlib.h>
#include <string.h>

#include "scan/scan_internal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static bool valid_utf8(const unsigned char *p, size_t n)
{
    const unsigned char *e = p + n;
    while (p < e) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t k = l4r_utf8_seq(p, e);
        if (!k)
            return false;
        p += k;
    }
    return true;
}

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
    bool text = valid_utf8(data, size);
    for (size_t i = 0; text && i + 1 < size; i++)
        if ((data[i] == 'b' || data[i] == 'B') && (data[i + 1] == '\'' || data[i + 1] == '"'))
            text = false;
    if (l4r_pylit_fields(p, p + size, ks, out, kind, &scratch, &e) == L4R_OK) {
        for (int k = 0; k < 4; k++) {
            if (kind[k] == L4R_V_ABSENT)
                continue;
            /* touch every byte so ASan sees a bad span */
            volatile unsigned sum = 0;
            for (size_t i = 0; i < out[k].n; i++)
                sum += (unsigned char)out[k].p[i];
            (void)sum;
            if (kind[k] == L4R_V_STRING && text && !valid_utf8((const unsigned char *)out[k].p, out[k].n))
                abort();
        }
    }
    l4r_buf_free(&scratch);
    return 0;
}
