/*
 * scan_object.c — the out-of-line parts of the object walker (scan_object.h): the keyset that
 * l4r_json_fields and l4r_pylit_fields pull keys by, and the parse error every walker reports.
 */
#include <stdlib.h>

#include "scan/scan_object.h"

l4r_keyset *l4r_keyset_new(const char *const *keys, size_t n)
{
    l4r_keyset *ks = l4r_xcalloc(1, sizeof *ks);
    ks->n = n;
    ks->key = l4r_xcalloc(n ? n : 1, sizeof *ks->key);
    ks->len = l4r_xcalloc(n ? n : 1, sizeof *ks->len);
    for (size_t i = 0; i < n; i++) {
        ks->key[i] = l4r_xstrdup(keys[i]);
        ks->len[i] = strlen(keys[i]);
    }
    return ks;
}

void l4r_keyset_free(l4r_keyset *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; i < ks->n; i++)
        free(ks->key[i]);
    free(ks->key);
    free(ks->len);
    free(ks);
}

l4r_status l4r_scan_fail(l4r_scanner *s, const char *at, const char *what)
{
    if (at >= s->end)
        return l4r_err(s->e, L4R_EPARSE, "%s at byte %zu (end of record)", what, (size_t)(s->end - s->base));
    return l4r_err(s->e, L4R_EPARSE, "%s at byte %zu", what, (size_t)(at - s->base));
}
