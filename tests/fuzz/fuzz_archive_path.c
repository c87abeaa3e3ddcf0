/*
 * fuzz_archive_path.c — libFuzzer harness for the archive entry path checks shared by fetch
 * (unpacking) and convert --raw (l4r_archive_path_clean, l4r_archive_link_safe in util.h).  The
 * input is an entry path, then after a NUL byte a symlink target.  Properties:
 *  - clean refuses exactly the absolute paths and those with a ".." component;
 *  - a cleaned path is never absolute and has no empty, "." or ".." component; cleaning it again
 *    gives it back (idempotent); it names the same components in the same order;
 *  - a link judged safe, resolved from the link's directory, never climbs above the tree's top
 *    (checked by walking the components independently), and its target is never absolute.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Components of p other than "" and ".", joined with '/', into out; true when one is "..". */
static bool components(const char *p, l4r_buf *out)
{
    bool dotdot = false;
    l4r_buf_reset(out);
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            dotdot = true;
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (out->len)
                l4r_buf_addc(out, '/');
            l4r_buf_add(out, p, n);
        }
        p += n + (p[n] == '/');
    }
    l4r_buf_cstr(out);
    return dotdot;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *s = malloc(size + 2);
    memcpy(s, data, size);
    s[size] = 0;
    s[size + 1] = 0;
    const char *path = s;
    const char *target = s + strlen(s) + 1; /* "" when there is no NUL in the input */
    l4r_buf c1 = {0}, c2 = {0}, want = {0};
    bool dotdot = components(path, &want);
    bool ok = l4r_archive_path_clean(path, &c1);
    if (ok != (path[0] != '/' && !dotdot))
        abort();
    if (ok) {
        const char *c = c1.data ? c1.data : "";
        if (c[0] == '/' || strcmp(c, want.data ? want.data : "") != 0)
            abort();
        if (strstr(c, "//") || (c1.len && c[c1.len - 1] == '/'))
            abort();
        l4r_buf tmp = {0};
        if (components(c, &tmp) || strcmp(tmp.data ? tmp.data : "", c) != 0)
            abort(); /* a ".", ".." or empty component survived */
        l4r_buf_free(&tmp);
        if (!l4r_archive_path_clean(c, &c2) || strcmp(c2.data ? c2.data : "", c) != 0)
            abort(); /* not idempotent */
        if (l4r_archive_link_safe(c, target)) {
            if (!target[0] || target[0] == '/')
                abort();
            /* walk: start in the link's directory (its depth = the '/' in the clean path) */
            long depth = 0;
            for (const char *q = c; *q; q++)
                depth += *q == '/';
            const char *q = target;
            while (*q) {
                size_t n = strcspn(q, "/");
                if (n == 2 && q[0] == '.' && q[1] == '.')
                    depth--;
                else if (n > 0 && !(n == 1 && q[0] == '.'))
                    depth++;
                if (depth < 0)
                    abort(); /* above the top of the tree */
                q += n + (q[n] == '/');
            }
        }
    }
    l4r_buf_free(&c1);
    l4r_buf_free(&c2);
    l4r_buf_free(&want);
    free(s);
    return 0;
}
