/*
 * fuzz_json.c — libFuzzer harness for l4r_json_fields.  Beyond "no crash, no overread", it checks
 * agreement with jansson: an object jansson accepts must be accepted (unless it nests deeper than
 * the scanner's limit), and a wanted string must come out as jansson decodes it.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "convert/scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static l4r_keyset *ks;
    static const char *const keys[] = { "a", "b", "user_id", "" };
    if (!ks)
        ks = l4r_keyset_new(keys, 4);
    l4r_buf scratch = { 0 };
    l4r_span out[4];
    l4r_vkind kind[4];
    l4r_error e;
    const char *p = (const char *)data;
    l4r_status st = l4r_json_fields(p, p + size, ks, out, kind, &scratch, &e);
    json_t *j = json_loadb(p, size, JSON_ALLOW_NUL, NULL);
    /* Under 900 bytes nothing can nest 512 deep.  Inputs with a raw NUL are left out: jansson
     * lets one through after a number (it lexes numbers from a NUL-terminated copy). */
    if (j && json_is_object(j) && size < 900 && !memchr(data, 0, size)) {
        if (st != L4R_OK)
            abort();
        for (int k = 0; k < 4; k++) {
            json_t *v = json_object_get(j, keys[k]);
            if (v && json_is_string(v) &&
                (kind[k] != L4R_V_STRING || out[k].n != json_string_length(v) ||
                 memcmp(out[k].p, json_string_value(v), out[k].n) != 0))
                abort();
            if (!v && kind[k] != L4R_V_ABSENT)
                abort();
        }
    }
    json_decref(j);
    l4r_buf_free(&scratch);
    return 0;
}
