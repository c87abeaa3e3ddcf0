/*
 * scan_object.c — the out-of-line parts of the object walker (scan_object.h): the keyset that
 * l4r_json_fields and l4r_pylit_fields pull keys by, the parse error every walker reports, and
 * the list iterator's entry points (its steps are instantiated per dialect in scan_json.c and
 * scan_pylit.c).
 */
#include <stdlib.h>

#include "scan/scan_object.h"

l4r_keyset *l4r_keyset_new(const char *const *keys, size_t n)
{
    l4r_keyset *ks = l4r_xcalloc(1, sizeof *ks);
    ks->n = n;
    ks->key = l4r_xcalloc(n ? n : 1, sizeof *ks->key);
    ks->len = l4r_xcalloc(n ? n : 1, sizeof *ks->len);
    ks->head = l4r_xcalloc(n ? n : 1, sizeof *ks->head);
    for (size_t i = 0; i < n; i++) {
        ks->key[i] = l4r_xstrdup(keys[i]);
        ks->len[i] = strlen(keys[i]);
        memcpy(ks->head[i], keys[i], ks->len[i] < 16 ? ks->len[i] : 16);
    }
    ks->next = l4r_xcalloc(n ? n : 1, sizeof *ks->next);
    for (size_t l = 0; l < 16; l++)
        ks->first[l] = -1;
    for (size_t i = n; i-- > 0;) { /* backwards: each chain in the keys' order */
        ks->next[i] = -1;
        if (ks->len[i] < 16) {
            ks->next[i] = ks->first[ks->len[i]];
            ks->first[ks->len[i]] = (int)i;
        }
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
    free(ks->head);
    free(ks->next);
    free(ks);
}

l4r_status l4r_scan_fail(l4r_scanner *s, const char *at, const char *what)
{
    if (at >= s->end)
        return l4r_err(s->e, L4R_EPARSE, "%s at byte %zu (end of record)", what, (size_t)(s->end - s->base));
    return l4r_err(s->e, L4R_EPARSE, "%s at byte %zu", what, (size_t)(at - s->base));
}

l4r_status l4r_list_begin(l4r_list_iter *it, l4r_list_syntax syn, const char *p, const char *end,
                          l4r_buf *scratch, l4r_error *e)
{
    /* An unescaped string is never longer than its source: with room for the whole list, the
     * scratch buffer never moves, so the elements handed out stay put. */
    l4r_buf_reserve(scratch, (size_t)(end - p));
    l4r_scanner s = {p, end, scratch->data + scratch->len, e, NULL};
    const char *q = l4r_skip_ws(p, end);
    bool paren = syn == L4R_LIST_PYTHON;
    it->base = p;
    it->end = end;
    it->w = s.w;
    it->syntax = syn;
    it->first = true;
    if (q < end && (*q == '[' || (paren && *q == '('))) {
        it->close = *q == '[' ? ']' : ')';
        it->at = q + 1;
        it->done = false;
        return L4R_OK;
    }
    it->close = ']';
    it->at = q;
    it->done = true;
    return l4r_scan_fail(&s, q, paren ? "expected '[' or '('" : "expected '['");
}

l4r_status l4r_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more, l4r_buf *scratch,
                         l4r_error *e)
{
    if (it->syntax == L4R_LIST_JSON)
        return l4r_json_list_next(it, out, kind, more, scratch, e);
    if (it->syntax == L4R_LIST_PYTHON)
        return l4r_pylit_list_next(it, out, kind, more, scratch, e);
    return l4r_numpy_list_next(it, out, kind, more, scratch, e);
}
