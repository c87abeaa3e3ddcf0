/*
 * fuzz_manifest.c — libFuzzer harness for l4r_manifest_read_outputs, the check that decides
 * whether convert may replace an existing output directory.  Beyond "no crash, no overread": an
 * accepted manifest must name only plain relative paths (no "..", no leading "/", no empty or
 * "." component), sorted, since the caller deletes the directory on the strength of that list;
 * a refusal must say why.
 */
#include <stdlib.h>
#include <string.h>

#include "convert/output.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int plain(const char *p)
{
    if (!*p || *p == '/')
        return 0;
    for (const char *c = p; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return 0;
        c += n;
        if (*c == '/' && !*++c)
            return 0;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char **files = NULL;
    size_t n = 0;
    l4r_error e = {0};
    l4r_status st = l4r_manifest_read_outputs((const char *)data, size, &files, &n, &e);
    if (st == L4R_OK) {
        for (size_t i = 0; i < n; i++) {
            if (!plain(files[i]))
                abort();
            if (i > 0 && strcmp(files[i - 1], files[i]) > 0)
                abort();
        }
        l4r_manifest_outputs_free(files, n);
    } else if (files || n || !e.msg[0]) {
        abort();
    }
    return 0;
}
