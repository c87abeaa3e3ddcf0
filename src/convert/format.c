/*
 * format.c — the table of input formats (format.h) and their record functions.
 *
 * How: a row per syntax.  The record functions are the converter's per-format half of a
 * worker's loop: cut one physical record (a line; for CSV an RFC 4180 record, whose quoted fields
 * may span lines), split it with the format's scanner (scan_*.c), pick the table's fields into
 * vals[] in map order (constants for the fields a recipe gives a "value"), and hand that logical
 * record to the caller's yield callback.  A columns format checks the field count first (the
 * header's, or the recipe's columns): too few is an error, too many is an error unless the recipe
 * says "extra_fields": "ignore".  An object format refuses a wanted key that holds an array, an
 * object or a boolean.  Blank lines yield nothing.
 */
#include "format.h"

#include <string.h>

#include "recipe.h"

/* The record functions' pieces are inlined into each format's two record functions (plain and
 * general, below), so that the constant `general` removes the other path from each. */
#if defined(__GNUC__)
#define REC_INLINE static inline __attribute__((always_inline))
#else
#define REC_INLINE static inline
#endif

static const char *value_kind_name(l4r_vkind k)
{
    switch (k) {
    case L4R_V_ARRAY: return "an array";
    case L4R_V_OBJECT: return "an object";
    case L4R_V_BOOL: return "a boolean";
    default: return "a value";
    }
}

static void sep_name(const l4r_table *t, char *buf, size_t cap)
{
    if (!strcmp(t->delim, "\t"))
        snprintf(buf, cap, "tabs");
    else
        snprintf(buf, cap, "'%s'", t->delim);
}

/* ---- the general path: element and derived sources ----------------------------------------- */

void l4r_recbuf_init(l4r_recbuf *b)
{
    b->scratch = (l4r_buf){0};
    b->lscratch = (l4r_buf){0};
    b->oscratch = (l4r_buf){0};
    b->iscratch = (l4r_buf){0};
    b->jscratch = (l4r_buf){0};
    b->extra_ignored = 0;
    b->block = (l4r_span){NULL, 0};
}

void l4r_recbuf_free(l4r_recbuf *b)
{
    l4r_buf_free(&b->scratch);
    l4r_buf_free(&b->lscratch);
    l4r_buf_free(&b->oscratch);
    l4r_buf_free(&b->iscratch);
    l4r_buf_free(&b->jscratch);
}

static const char *slot_name(const l4r_recspec *rs, size_t s)
{
    return s < rs->nmap ? rs->t->map[s].src : rs->t->filters[s - rs->nmap].column;
}

void l4r_recspec_sources(l4r_recspec *rs)
{
    const l4r_table *t = rs->t;
    rs->x = t->explode;
    rs->objects = !l4r_format_get(t->format)->columns;
    rs->general = false;
    rs->xcol = rs->acol = rs->xkey = rs->akey = rs->tkey = -1;
    rs->eks = NULL;
    const char *keys[L4R_MAX_MAP + L4R_MAX_FILT + 1];
    size_t nk = 0;
    for (size_t s = 0; s < rs->nmap + rs->n_filt; s++) {
        const char *name = slot_name(rs, s);
        int arg = 0;
        l4r_source_kind k = name ? l4r_source_classify(t, name, &arg) : L4R_SRC_COLUMN;
        if (s < rs->nmap && t->map[s].join) {
            k = L4R_SRC_JOIN;
            if (t->map[s].join_key) {
                const char *jk = t->map[s].join_key;
                rs->jks[s] = l4r_keyset_new(&jk, 1);
            }
        }
        rs->skind[s] = (unsigned char)k;
        rs->sarg[s] = arg;
        if (k == L4R_SRC_KEY) {
            const char *key = name + arg;
            size_t i = 0;
            while (i < nk && strcmp(keys[i], key))
                i++;
            if (i == nk)
                keys[nk++] = key;
            rs->sarg[s] = (int)i;
        }
        if (k != L4R_SRC_COLUMN)
            rs->general = true;
    }
    if (rs->x || t->block_header)
        rs->general = true;
    if (rs->x && rs->x->then_key) { /* the second level's list is read with the element's keys */
        size_t i = 0;
        while (i < nk && strcmp(keys[i], rs->x->then_key))
            i++;
        if (i == nk)
            keys[nk++] = rs->x->then_key;
        rs->tkey = (int)i;
    }
    if (nk)
        rs->eks = l4r_keyset_new(keys, nk);
}

void l4r_recspec_free(l4r_recspec *rs)
{
    l4r_keyset_free(rs->ks);
    rs->ks = NULL;
    l4r_keyset_free(rs->eks);
    rs->eks = NULL;
    for (size_t k = 0; k < L4R_MAX_MAP; k++) {
        l4r_keyset_free(rs->jks[k]);
        rs->jks[k] = NULL;
    }
}

/* The value slot of slot s in vals: map entries first, then the flags, then the filters. */
static inline size_t slot_val(const l4r_recspec *rs, size_t s)
{
    return s < rs->nmap ? s : s + rs->n_flags;
}

/* Put one value of kind `kind` into slot s: a string, a number or a boolean ("true"/"false", also
 * Python's True/False); null or absent is absent.  what: how the message names where it came from. */
static l4r_status put_slot(const l4r_recspec *rs, l4r_recbuf *b, size_t s, l4r_span v, l4r_vkind kind,
                           uint64_t line, const char *what, l4r_error *e)
{
    l4r_span *o = &b->vals[slot_val(rs, s)];
    if (kind == L4R_V_NULL || kind == L4R_V_ABSENT || !v.p) {
        *o = (l4r_span){NULL, 0};
        return L4R_OK;
    }
    bool ok = kind == L4R_V_STRING || kind == L4R_V_NUMBER || kind == L4R_V_BOOL;
    if (!ok)
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: %s holds %s, expected a string, number or boolean%s",
                       rs->name, l4r_rec_unit(rs), (unsigned long long)line, what, value_kind_name(kind),
                       kind == L4R_V_OBJECT ? " (name its keys as 'AS.KEY' in the recipe)" : "");
    *o = v;
    return L4R_OK;
}

/* put_slot for an element (key: NULL) or a key of an object element: the words that name it in a
 * message ("element 3 of 'impressions'") are made only when there is a message to write, not for
 * each of the millions of elements that are fine. */
static l4r_status put_elem_slot(const l4r_recspec *rs, l4r_recbuf *b, size_t s, l4r_span v, l4r_vkind kind,
                                uint64_t line, const char *key, size_t pos, l4r_error *e)
{
    if (L4R_LIKELY(kind == L4R_V_STRING || kind == L4R_V_NUMBER || kind == L4R_V_BOOL || kind == L4R_V_NULL ||
                   kind == L4R_V_ABSENT || !v.p))
        return put_slot(rs, b, s, v, kind, line, "", e);
    char what[240];
    if (key)
        snprintf(what, sizeof what, "key '%s' of element %zu of '%s'", key, pos + 1, rs->x->column);
    else
        snprintf(what, sizeof what, "element %zu of '%s'", pos + 1, rs->x->column);
    return put_slot(rs, b, s, v, kind, line, what, e);
}

/* The keys the recipe names of object element ev (position pos) into kv/kk; `name` (a source name
 * that needs them) for the message when the element is no object. */
static l4r_status element_keys(const l4r_recspec *rs, l4r_recbuf *b, l4r_span ev, l4r_vkind ek, size_t pos,
                               bool objects_json, const l4r_record *r, const char *name, l4r_span *kv,
                               l4r_vkind *kk, l4r_error *e)
{
    const l4r_explode *x = rs->x;
    if (ek != L4R_V_OBJECT)
        return l4r_err(e, L4R_EPARSE,
                       "'%s' %s %llu: element %zu of '%s' holds %s, but the recipe names its keys ('%s')",
                       rs->name, l4r_rec_unit(rs), (unsigned long long)r->line, pos + 1, x->column,
                       ek == L4R_V_STRING ? "a string" : value_kind_name(ek), name);
    l4r_buf_reset(&b->oscratch);
    l4r_status st = objects_json ? l4r_json_fields(ev.p, ev.p + ev.n, rs->eks, kv, kk, &b->oscratch, e)
                                 : l4r_pylit_fields(ev.p, ev.p + ev.n, rs->eks, kv, kk, &b->oscratch, e);
    if (st)
        l4r_err_prefix(e, "'%s' %s %llu: element %zu of '%s'", rs->name, l4r_rec_unit(rs),
                       (unsigned long long)r->line, pos + 1, x->column);
    return st;
}

/* explode "then": the list under the element's key (lv, kind lk), one record per element of it,
 * with the second level's slots filled; a missing or null list yields none. */
static l4r_status inner_list(const l4r_recspec *rs, l4r_recbuf *b, l4r_span lv, l4r_vkind lk, size_t pos,
                             bool objects_json, const l4r_record *r, l4r_yield_fn yield, void *ud,
                             l4r_error *e)
{
    const l4r_explode *x = rs->x;
    if (lk == L4R_V_NULL || lk == L4R_V_ABSENT || !lv.p)
        return L4R_OK;
    if (lk != L4R_V_ARRAY)
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: element %zu of '%s': key '%s' holds %s, expected a list",
                       rs->name, l4r_rec_unit(rs), (unsigned long long)r->line, pos + 1, x->column,
                       x->then_key, lk == L4R_V_STRING ? "a string" : value_kind_name(lk));
    l4r_buf_reset(&b->iscratch);
    l4r_list_iter it;
    l4r_status st = l4r_list_begin(&it, objects_json ? L4R_LIST_JSON : L4R_LIST_PYTHON, lv.p, lv.p + lv.n,
                                   &b->iscratch, e);
    for (size_t i = 0; st == L4R_OK; i++) {
        l4r_span v;
        l4r_vkind k;
        bool more;
        st = l4r_list_next(&it, &v, &k, &more, &b->iscratch, e);
        if (st || !more)
            break;
        for (size_t s = 0; s < rs->nmap + rs->n_filt && st == L4R_OK; s++) {
            if (rs->skind[s] != L4R_SRC_INNER)
                continue;
            if (k == L4R_V_ARRAY || k == L4R_V_OBJECT) {
                char what[240];
                snprintf(what, sizeof what, "element %zu of key '%s' of element %zu of '%s'", i + 1,
                         x->then_key, pos + 1, x->column);
                st = put_slot(rs, b, s, v, k, r->line, what, e);
            } else {
                st = put_slot(rs, b, s, v, k, r->line, "", e);
            }
        }
        if (st == L4R_OK)
            st = yield(ud, r, e);
        if (st)
            return st; /* a yield's or a slot's error, named already */
    }
    if (st)
        l4r_err_prefix(e, "'%s' %s %llu: element %zu of '%s': key '%s'", rs->name, l4r_rec_unit(rs),
                       (unsigned long long)r->line, pos + 1, x->column, x->then_key);
    return st;
}

/* One element of the list (position pos): fill the element slots and yield. */
static l4r_status put_element(const l4r_recspec *rs, l4r_recbuf *b, l4r_span ev, l4r_vkind ek, size_t pos,
                              bool objects_json, const l4r_record *r, l4r_yield_fn yield, void *ud,
                              l4r_error *e)
{
    const l4r_explode *x = rs->x;
    int pn = -1; /* b->num[1] holds the position once a slot wants it */
    l4r_span parts[L4R_MAX_MAP];
    size_t np = 0;
    if (x->n_parts && ek != L4R_V_NULL && ev.p) {
        /* split at the last n_parts - 1 separators: ids may hold the separator, labels do not */
        size_t sl = strlen(x->part_separator);
        const char *hi = ev.p + ev.n;
        size_t want = x->n_parts;
        l4r_span rev[L4R_MAX_MAP];
        while (np + 1 < want) {
            /* the last separator in [ev.p, hi), by offset (no pointer before the element) */
            const char *q = NULL;
            if (sl == 1) /* MIND's "-": one byte, found from the end at memrchr's speed */
                q = hi > ev.p ? memrchr(ev.p, x->part_separator[0], (size_t)(hi - ev.p)) : NULL;
            else
                for (size_t off = (size_t)(hi - ev.p); !q && off >= sl; off--)
                    if (!memcmp(ev.p + off - sl, x->part_separator, sl))
                        q = ev.p + off - sl;
            if (!q)
                break;
            rev[np++] = (l4r_span){q + sl, (size_t)(hi - q - sl)};
            hi = q;
        }
        rev[np++] = (l4r_span){ev.p, (size_t)(hi - ev.p)};
        for (size_t i = 0; i < np; i++)
            parts[i] = rev[np - 1 - i];
    }
    l4r_span kv[L4R_MAX_MAP + L4R_MAX_FILT + 1];
    l4r_vkind kk[L4R_MAX_MAP + L4R_MAX_FILT + 1];
    bool keys_read = false;
    l4r_status st = L4R_OK;
    if (x->then_key) { /* a second level: the element's keys are read first, for its list */
        st = element_keys(rs, b, ev, ek, pos, objects_json, r, x->then_key, kv, kk, e);
        if (st)
            return st;
        keys_read = true;
    }
    for (size_t s = 0; s < rs->nmap + rs->n_filt; s++) {
        st = L4R_OK;
        switch ((l4r_source_kind)rs->skind[s]) {
        case L4R_SRC_ELEMENT: st = put_elem_slot(rs, b, s, ev, ek, r->line, NULL, pos, e); break;
        case L4R_SRC_POSITION:
            if (pn < 0)
                pn = snprintf(b->num[1], sizeof b->num[1], "%zu", pos);
            b->vals[slot_val(rs, s)] = (l4r_span){b->num[1], (size_t)pn};
            break;
        case L4R_SRC_PART: {
            size_t i = (size_t)rs->sarg[s];
            l4r_span v = i < np ? parts[i] : (l4r_span){NULL, 0};
            b->vals[slot_val(rs, s)] = v;
            break;
        }
        case L4R_SRC_KEY:
            if (!keys_read) {
                st = element_keys(rs, b, ev, ek, pos, objects_json, r, slot_name(rs, s), kv, kk, e);
                if (st)
                    return st;
                keys_read = true;
            }
            st = put_elem_slot(rs, b, s, kv[rs->sarg[s]], kk[rs->sarg[s]], r->line,
                               slot_name(rs, s) + strlen(x->as) + 1, pos, e);
            break;
        default: break;
        }
        if (st)
            return st;
    }
    if (x->then_key)
        return inner_list(rs, b, kv[rs->tkey], kk[rs->tkey], pos, objects_json, r, yield, ud, e);
    return yield(ud, r, e);
}

/* The list value [lv] (kind lk: text, or an object format's array) of the record r, element by
 * element; then the append value.  syntax: how an object format writes its arrays. */
static l4r_status explode_list(const l4r_recspec *rs, l4r_recbuf *b, l4r_span lv, l4r_vkind lk, l4r_span av,
                               l4r_vkind ak, bool object_json, const l4r_record *r, l4r_yield_fn yield,
                               void *ud, l4r_error *e)
{
    const l4r_explode *x = rs->x;
    size_t pos = 0;
    l4r_status st = L4R_OK;
    if (lk == L4R_V_NULL || lk == L4R_V_ABSENT || !lv.p) {
        /* no list: no elements (an empty MIND history, a missing key) */
    } else if (lk == L4R_V_ARRAY || x->list != L4R_XLIST_SEPARATED) {
        l4r_list_syntax syn = lk == L4R_V_ARRAY             ? (object_json ? L4R_LIST_JSON : L4R_LIST_PYTHON)
                              : x->list == L4R_XLIST_JSON   ? L4R_LIST_JSON
                              : x->list == L4R_XLIST_PYTHON ? L4R_LIST_PYTHON
                                                            : L4R_LIST_NUMPY;
        if (lk != L4R_V_ARRAY && lk != L4R_V_STRING)
            return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: '%s' holds %s, expected a list", rs->name,
                           l4r_rec_unit(rs), (unsigned long long)r->line, x->column, value_kind_name(lk));
        l4r_buf_reset(&b->lscratch);
        l4r_list_iter it;
        st = l4r_list_begin(&it, syn, lv.p, lv.p + lv.n, &b->lscratch, e);
        for (bool more = true; st == L4R_OK;) {
            l4r_span ev;
            l4r_vkind ek;
            st = l4r_list_next(&it, &ev, &ek, &more, &b->lscratch, e);
            if (st || !more)
                break;
            st = put_element(rs, b, ev, ek, pos++, syn == L4R_LIST_JSON, r, yield, ud, e);
            if (st)
                return st;
        }
        if (st) {
            l4r_err_prefix(e, "'%s' %s %llu: '%s'", rs->name, l4r_rec_unit(rs), (unsigned long long)r->line,
                           x->column);
            return st;
        }
    } else if (lk != L4R_V_STRING && lk != L4R_V_NUMBER) {
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: '%s' holds %s, expected a list or text", rs->name,
                       l4r_rec_unit(rs), (unsigned long long)r->line, x->column, value_kind_name(lk));
    } else {
        const char *sep = x->separator;
        size_t sl = strlen(sep);
        const char *p = lv.p, *end = lv.p + lv.n;
        while (p < end) {
            const char *q =
                sl == 1 ? memchr(p, sep[0], (size_t)(end - p)) : memmem(p, (size_t)(end - p), sep, sl);
            const char *ee = q ? q : end;
            if (ee > p) {
                st = put_element(rs, b, (l4r_span){p, (size_t)(ee - p)}, L4R_V_STRING, pos++, object_json, r,
                                 yield, ud, e);
                if (st)
                    return st;
            }
            p = q ? q + sl : end;
        }
    }
    if (x->append && ak != L4R_V_NULL && ak != L4R_V_ABSENT && av.p)
        st = put_element(rs, b, av, ak, pos, object_json, r, yield, ud, e);
    return st;
}

/* Append the elements of the list [v] to b->jscratch, separated by the slot's separator; depth 0
 * may hold lists (flattened one level) or, with a "key", objects. */
static l4r_status join_list(const l4r_recspec *rs, l4r_recbuf *b, size_t s, l4r_span v, l4r_list_syntax syn,
                            int depth, bool *first, uint64_t line, l4r_error *e)
{
    const l4r_colmap *m = &rs->t->map[s];
    l4r_buf *sc = depth ? &b->oscratch : &b->lscratch;
    l4r_buf_reset(sc);
    l4r_list_iter it;
    l4r_status st = l4r_list_begin(&it, syn, v.p, v.p + v.n, sc, e);
    size_t pos = 0;
    for (bool more = true; st == L4R_OK;) {
        l4r_span ev;
        l4r_vkind ek;
        st = l4r_list_next(&it, &ev, &ek, &more, sc, e);
        if (st || !more)
            break;
        pos++;
        if (ek == L4R_V_ARRAY && depth == 0) {
            st = join_list(rs, b, s, ev, syn, 1, first, line, e);
            continue;
        }
        if (ek == L4R_V_OBJECT && m->join_key && depth == 0) {
            l4r_span kv;
            l4r_vkind kk;
            l4r_buf_reset(&b->oscratch);
            st = syn == L4R_LIST_JSON
                     ? l4r_json_fields(ev.p, ev.p + ev.n, rs->jks[s], &kv, &kk, &b->oscratch, e)
                     : l4r_pylit_fields(ev.p, ev.p + ev.n, rs->jks[s], &kv, &kk, &b->oscratch, e);
            if (st)
                break;
            ev = kv;
            ek = kk;
        }
        if (ek == L4R_V_NULL || ek == L4R_V_ABSENT)
            continue;
        if (ek == L4R_V_ARRAY || ek == L4R_V_OBJECT) {
            st = l4r_err(e, L4R_EPARSE, "element %zu is %s%s", pos, value_kind_name(ek),
                         ek == L4R_V_OBJECT ? " (the recipe's \"key\" names the key to join)"
                                            : " inside a list inside the list (one level is flattened)");
            break;
        }
        if (!*first)
            l4r_buf_add(&b->jscratch, m->join_sep, strlen(m->join_sep));
        l4r_buf_add(&b->jscratch, ev.p, ev.n);
        *first = false;
    }
    if (st && depth == 0)
        l4r_err_prefix(e, "'%s' %s %llu: '%s'", rs->name, l4r_rec_unit(rs), (unsigned long long)line, m->src);
    return st;
}

/* The JOIN slot s: its list's elements joined into b->jscratch at *off (*joined); a text value
 * without "list" is taken as it is; null or absent is absent. */
static l4r_status join_slot(const l4r_recspec *rs, l4r_recbuf *b, size_t s, l4r_vkind kind, bool object_json,
                            uint64_t line, bool *joined, size_t *off, l4r_error *e)
{
    const l4r_colmap *m = &rs->t->map[s];
    l4r_span v = b->vals[s];
    if (!v.p || kind == L4R_V_NULL || kind == L4R_V_ABSENT) {
        b->vals[s] = (l4r_span){NULL, 0};
        return L4R_OK;
    }
    if (kind == L4R_V_OBJECT && m->join_key) {
        /* an object: its "key" (Amazon 2014's related.also_bought), a list joined or a text */
        l4r_span kv;
        l4r_vkind kk;
        l4r_buf_reset(&b->oscratch);
        l4r_status st = object_json ? l4r_json_fields(v.p, v.p + v.n, rs->jks[s], &kv, &kk, &b->oscratch, e)
                                    : l4r_pylit_fields(v.p, v.p + v.n, rs->jks[s], &kv, &kk, &b->oscratch, e);
        if (st) {
            l4r_err_prefix(e, "'%s' %s %llu: '%s'", rs->name, l4r_rec_unit(rs), (unsigned long long)line,
                           m->src);
            return st;
        }
        if (kk == L4R_V_NULL || kk == L4R_V_ABSENT) {
            b->vals[s] = (l4r_span){NULL, 0};
            return L4R_OK;
        }
        if (kk == L4R_V_STRING || kk == L4R_V_NUMBER) {
            *off = b->jscratch.len; /* oscratch is the next slot's: copied */
            l4r_buf_add(&b->jscratch, kv.p, kv.n);
            b->vals[s].n = kv.n;
            b->vals[s].p = "";
            *joined = true;
            return L4R_OK;
        }
        if (kk != L4R_V_ARRAY)
            return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: '%s' key '%s' holds %s, expected a list or text",
                           rs->name, l4r_rec_unit(rs), (unsigned long long)line, m->src, m->join_key,
                           value_kind_name(kk));
        v = kv; /* an array's span is the record's own text */
        kind = L4R_V_ARRAY;
    }
    if ((kind == L4R_V_STRING || kind == L4R_V_NUMBER) && !m->join_list_given)
        return L4R_OK; /* already text */
    if (kind != L4R_V_ARRAY && kind != L4R_V_STRING)
        return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: '%s' holds %s, expected a list", rs->name,
                       l4r_rec_unit(rs), (unsigned long long)line, m->src, value_kind_name(kind));
    l4r_list_syntax syn = kind == L4R_V_ARRAY                ? (object_json ? L4R_LIST_JSON : L4R_LIST_PYTHON)
                          : m->join_list == L4R_XLIST_JSON   ? L4R_LIST_JSON
                          : m->join_list == L4R_XLIST_PYTHON ? L4R_LIST_PYTHON
                                                             : L4R_LIST_NUMPY;
    *off = b->jscratch.len;
    bool first = true;
    l4r_status st = join_list(rs, b, s, v, syn, 0, &first, line, e);
    if (st)
        return st;
    b->vals[s].n = b->jscratch.len - *off;
    b->vals[s].p = ""; /* set once every join is done: jscratch may move until then */
    *joined = true;
    return L4R_OK;
}

/* The general path of every format: the record-level slots are in b->vals already (the element
 * and derived ones absent); "$line" is the record's first line. */
static l4r_status record_general(const l4r_recspec *rs, l4r_recbuf *b, const l4r_record *r, l4r_span lv,
                                 l4r_vkind lk, l4r_span av, l4r_vkind ak, bool object_json,
                                 l4r_yield_fn yield, void *ud, l4r_error *e)
{
    int ln = -1; /* b->num[0] holds the line once a "$line" slot wants it */
    size_t joff[L4R_MAX_MAP];
    bool joined[L4R_MAX_MAP] = {false};
    l4r_buf_reset(&b->jscratch);
    for (size_t s = 0; s < rs->nmap + rs->n_filt; s++) {
        if (rs->skind[s] == L4R_SRC_LINE) {
            if (ln < 0)
                ln = snprintf(b->num[0], sizeof b->num[0], "%llu", (unsigned long long)r->line);
            b->vals[slot_val(rs, s)] = (l4r_span){b->num[0], (size_t)ln};
        } else if (rs->skind[s] == L4R_SRC_JOIN) {
            l4r_vkind kind = rs->objects ? b->jkind[s] : L4R_V_STRING;
            l4r_status st = join_slot(rs, b, s, kind, object_json, r->line, &joined[s], &joff[s], e);
            if (st)
                return st;
        } else if (rs->skind[s] == L4R_SRC_BLOCK) {
            b->vals[slot_val(rs, s)] = b->block;
        } else if (rs->skind[s] != L4R_SRC_COLUMN) {
            b->vals[slot_val(rs, s)] = (l4r_span){NULL, 0};
        }
    }
    /* the joined texts, now that jscratch no longer moves */
    for (size_t s = 0; s < rs->nmap; s++)
        if (joined[s])
            b->vals[s].p = b->jscratch.data + joff[s];
    if (!rs->x)
        return yield(ud, r, e);
    return explode_list(rs, b, lv, lk, av, ak, object_json, r, yield, ud, e);
}

/* The next line at *pp: [rec, *rend) without its "\n" or "\r\n". */
static inline const char *cut_line(const char **pp, const char *end, uint64_t *line, const char **rend)
{
    const char *rec = *pp;
    const char *nl = memchr(rec, '\n', (size_t)(end - rec));
    const char *re = nl ? nl : end;
    *pp = nl ? nl + 1 : end;
    ++*line;
    if (re > rec && re[-1] == '\r')
        re--;
    *rend = re;
    return rec;
}

/* take_columns for a table with element or derived sources: the filters' columns (an element's
 * have none), then the general path.  Out of line, so that the plain path keeps its registers. */
static l4r_status columns_general(const l4r_recspec *rs, l4r_recbuf *b, const char *rec, const char *rend,
                                  uint64_t recline, l4r_yield_fn yield, void *ud, l4r_error *e)
#if defined(__GNUC__)
    __attribute__((noinline))
#endif
    ;
static l4r_status columns_general(const l4r_recspec *rs, l4r_recbuf *b, const char *rec, const char *rend,
                                  uint64_t recline, l4r_yield_fn yield, void *ud, l4r_error *e)
{
    const l4r_span none = {NULL, 0};
    const l4r_span *f = b->f;
    for (size_t g = 0; g < rs->n_filt; g++)
        b->vals[rs->nmap + rs->n_flags + g] = rs->fcol[g] >= 0 ? f[rs->fcol[g]] : none;
    l4r_record r = {b->vals, rec, rend, recline};
    return record_general(rs, b, &r, rs->xcol >= 0 ? f[rs->xcol] : none, L4R_V_STRING,
                          rs->acol >= 0 ? f[rs->acol] : none, L4R_V_STRING, false, yield, ud, e);
}

/* nf fields in b->f: check their number, pick the table's, yield the record. */
REC_INLINE l4r_status take_columns(const l4r_recspec *rs, l4r_recbuf *b, size_t nf, const char *rec,
                                   const char *rend, uint64_t recline, l4r_yield_fn yield, void *ud,
                                   l4r_error *e, const bool general)
{
    const l4r_table *t = rs->t;
    const l4r_span *f = b->f;
    if (L4R_UNLIKELY((int)nf != rs->ncols)) {
        char sepn[16];
        sep_name(t, sepn, sizeof sepn);
        if ((int)nf < rs->ncols)
            return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: expected %d fields separated by %s, found %zu",
                           rs->name, l4r_rec_unit(rs), (unsigned long long)recline, rs->ncols, sepn, nf);
        if (!t->extra_fields_ignore && !t->extra_fields_last) {
            l4r_span x = rs->ncols < L4R_MAX_FIELDS ? f[rs->ncols] : (l4r_span){"", 0};
            return l4r_err(e, L4R_EPARSE,
                           "'%s' %s %llu: expected %d fields separated by %s, found %zu; field %d '%.*s' "
                           "is one too many (recipe key \"extra_fields\": \"ignore\" drops extra fields)",
                           rs->name, l4r_rec_unit(rs), (unsigned long long)recline, rs->ncols, sepn, nf,
                           rs->ncols + 1, (int)(x.n > 40 ? 40 : x.n), x.p);
        }
        if (t->extra_fields_last && rs->ncols > 0 && (int)nf > rs->ncols) /* the rest of the line */
            b->f[rs->ncols - 1].n = (size_t)(rend - b->f[rs->ncols - 1].p);
        b->extra_ignored++;
    }
    l4r_span *vals = b->vals;
    /* nmap and col in locals: the stores to vals could alias rs for all the compiler knows */
    const size_t nmap = rs->nmap;
    const int *col = rs->col;
    for (size_t k = 0; k < nmap; k++) {
        if (col[k] < 0) {
            vals[k].p = t->map[k].value;
            vals[k].n = t->map[k].value ? strlen(t->map[k].value) : 0;
        } else {
            vals[k] = f[col[k]];
        }
    }
    for (size_t g = 0; g < rs->n_flags; g++)
        vals[rs->nmap + g] = f[t->flags_from + (int)g];
    if (general)
        return columns_general(rs, b, rec, rend, recline, yield, ud, e);
    for (size_t g = 0; g < rs->n_filt; g++)
        vals[rs->nmap + rs->n_flags + g] = f[rs->fcol[g]];
    l4r_record r = {vals, rec, rend, recline};
    return yield(ud, &r, e);
}

bool l4r_block_header_line(const l4r_table *t, const char *rec, const char *rend, l4r_span *name)
{
    const char *suf = t->block_header->suffix;
    size_t n = strlen(suf), len = (size_t)(rend - rec);
    if (len < n || memcmp(rend - n, suf, n) != 0)
        return false;
    size_t dl = strlen(t->delim);
    for (const char *q = rec; q + dl <= rend - n; q++)
        if (!memcmp(q, t->delim, dl))
            return false;
    name->p = rec;
    name->n = len - n;
    return true;
}

bool l4r_block_header_last(const l4r_table *t, const char *data, size_t len, l4r_span *name)
{
    const char *suf = t->block_header->suffix;
    size_t n = strlen(suf);
    const unsigned char last = (unsigned char)suf[n - 1];
    const char *end = data + len;
    /* Backwards from the end to each occurrence of the suffix's last byte (memrchr: 'N:' lines are
     * the only ones with a ':' in Netflix's files, so this mostly jumps straight to the header). */
    while (end > data) {
        const char *q = memrchr(data, last, (size_t)(end - data));
        if (!q)
            return false;
        const char *re = q + 1; /* the line must end right after the suffix */
        if (re == data + len || *re == '\n' || (*re == '\r' && (re + 1 == data + len || re[1] == '\n'))) {
            const char *ls = q;
            while (ls > data && ls[-1] != '\n')
                ls--;
            if (l4r_block_header_line(t, ls, re, name))
                return true;
        }
        end = q;
    }
    return false;
}

/* A block_header line sets the block's text; any other record needs one before it. */
static l4r_status block_line(const l4r_recspec *rs, l4r_recbuf *b, const char *rec, const char *rend,
                             uint64_t recline, bool *header, l4r_error *e)
{
    l4r_span h;
    *header = l4r_block_header_line(rs->t, rec, rend, &h);
    if (*header) {
        b->block = h;
        return L4R_OK;
    }
    if (L4R_UNLIKELY(!b->block.p))
        return l4r_err(e, L4R_EPARSE,
                       "'%s' %s %llu: a record before the first block header line (a line ending in '%s', "
                       "recipe key \"block_header\")",
                       rs->name, l4r_rec_unit(rs), (unsigned long long)recline, rs->t->block_header->suffix);
    return L4R_OK;
}

REC_INLINE l4r_status delim_record(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                                   uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e,
                                   const bool general)
{
    uint64_t recline = *line;
    const char *rend;
    const char *rec = cut_line(pp, end, line, &rend);
    if (rend == rec)
        return L4R_OK; /* blank line */
    if (general && rs->t->block_header) {
        bool header;
        l4r_status st = block_line(rs, b, rec, rend, recline, &header, e);
        if (st || header)
            return st;
    }
    size_t nf = l4r_split_delim(rec, rend, rs->t->delim, rs->seplen, b->f, L4R_MAX_FIELDS);
    return take_columns(rs, b, nf, rec, rend, recline, yield, ud, e, general);
}

REC_INLINE l4r_status csv_record(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                                 uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e,
                                 const bool general)
{
    const char *rec = *pp;
    uint64_t recline = *line;
    size_t nf = 0;
    l4r_buf_reset(&b->scratch);
    l4r_status st =
        l4r_csv_record(pp, end, rs->t->delim[0], rs->t->escape, b->f, L4R_MAX_FIELDS, &nf, &b->scratch, e);
    if (st) {
        l4r_err_prefix(e, "'%s' %s %llu", rs->name, l4r_rec_unit(rs), (unsigned long long)recline);
        /* skipped: the record is taken to end with its first line */
        const char *nl = memchr(rec, '\n', (size_t)(end - rec));
        *pp = nl ? nl + 1 : end;
        *line = recline + 1;
        return st;
    }
    const char *p = *pp;
    /* physical lines: usually just the terminator; quoted fields may hold more */
    const char *nl = memchr(rec, '\n', (size_t)(p - rec));
    if (nl && nl == p - 1)
        ++*line;
    else
        for (const char *q = nl; q && q < p; q++)
            *line += *q == '\n';
    /* a blank line is one empty field */
    if (nf == 1 && b->f[0].n == 0)
        return L4R_OK;
    return take_columns(rs, b, nf, rec, p, recline, yield, ud, e, general);
}

/* JSON lines and Python literals: the same but for the scanner. */
REC_INLINE l4r_status record_object(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,
                                    uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e, bool json,
                                    const bool general)
{
    const l4r_table *t = rs->t;
    uint64_t recline = *line;
    const char *rend;
    const char *rec = *pp;
    l4r_span jv[L4R_MAX_MAP + L4R_MAX_FILT];
    l4r_vkind kinds[L4R_MAX_MAP + L4R_MAX_FILT];
    l4r_status st;
    l4r_buf_reset(&b->scratch);
    /* A line that starts its object: the scanner finds the line's end at the object's end, one
     * pass instead of a memchr for the newline and then the scan.  When that fails (a damaged
     * line, an object over several lines), the line is cut and scanned again below, which makes
     * the error and its message exactly what they are without this. */
    if (L4R_UNLIKELY(rec >= end))
        return L4R_OK; /* (the caller's loop never calls past the end) */
    if (json && *rec == '{') {
        const char *nl;
        if (l4r_json_line_fields(rec, end, rs->ks, jv, kinds, &b->scratch, e, &nl) == L4R_OK) {
            *pp = nl < end ? nl + 1 : end;
            ++*line;
            rend = nl > rec && nl[-1] == '\r' ? nl - 1 : nl;
            goto scanned;
        }
        l4r_buf_reset(&b->scratch);
    }
    rec = cut_line(pp, end, line, &rend);
    const char *q = rec;
    while (q < rend && (*q == ' ' || *q == '\t'))
        q++;
    if (q == rend)
        return L4R_OK; /* blank line */
    st = json ? l4r_json_fields(rec, rend, rs->ks, jv, kinds, &b->scratch, e)
              : l4r_pylit_fields(rec, rend, rs->ks, jv, kinds, &b->scratch, e);
    if (st) {
        l4r_err_prefix(e, "'%s' %s %llu", rs->name, l4r_rec_unit(rs), (unsigned long long)recline);
        return st;
    }
scanned:;
    l4r_span *vals = b->vals;
    for (size_t k = 0; k < rs->nmap; k++) {
        int ki = rs->key_of[k];
        if (ki < 0) {
            vals[k].p = t->map[k].value; /* a constant, or NULL: an element or derived source */
            vals[k].n = t->map[k].value ? strlen(t->map[k].value) : 0;
            continue;
        }
        vals[k] = jv[ki];
        if (general && rs->skind[k] == L4R_SRC_JOIN) {
            b->jkind[k] = kinds[ki]; /* joined by record_general */
            continue;
        }
        if (kinds[ki] == L4R_V_NULL || kinds[ki] == L4R_V_ABSENT) {
            vals[k].p = NULL;
            vals[k].n = 0;
        } else if (kinds[ki] != L4R_V_STRING && kinds[ki] != L4R_V_NUMBER && kinds[ki] != L4R_V_BOOL) {
            return l4r_err(e, L4R_EPARSE,
                           "'%s' %s %llu: key '%s' holds %s, expected a string, number or boolean", rs->name,
                           l4r_rec_unit(rs), (unsigned long long)recline, t->map[k].src,
                           value_kind_name(kinds[ki]));
        }
    }
    /* a filter's key may hold a boolean too ("true"/"false"); null or absent is absent */
    for (size_t g = 0; g < rs->n_filt; g++) {
        int ki = rs->fkey[g];
        if (L4R_UNLIKELY(ki < 0)) {
            vals[rs->nmap + rs->n_flags + g] = (l4r_span){NULL, 0}; /* an element or derived source */
            continue;
        }
        l4r_span *v = &vals[rs->nmap + rs->n_flags + g];
        *v = jv[ki];
        if (kinds[ki] == L4R_V_NULL || kinds[ki] == L4R_V_ABSENT) {
            v->p = NULL;
            v->n = 0;
        } else if (kinds[ki] == L4R_V_ARRAY || kinds[ki] == L4R_V_OBJECT) {
            return l4r_err(e, L4R_EPARSE,
                           "'%s' %s %llu: key '%s' holds %s, expected a string, number or boolean", rs->name,
                           l4r_rec_unit(rs), (unsigned long long)recline, t->filters[g].column,
                           value_kind_name(kinds[ki]));
        }
    }
    l4r_record r = {vals, rec, rend, recline};
    if (general) {
        const l4r_span none = {NULL, 0};
        return record_general(rs, b, &r, rs->xkey >= 0 ? jv[rs->xkey] : none,
                              rs->xkey >= 0 ? kinds[rs->xkey] : L4R_V_ABSENT,
                              rs->akey >= 0 ? jv[rs->akey] : none,
                              rs->akey >= 0 ? kinds[rs->akey] : L4R_V_ABSENT, json, yield, ud, e);
    }
    return yield(ud, &r, e);
}

/* Each format's record function twice: the plain one, and the general one for tables with element
 * or derived sources (l4r_recspec.general), so that the plain path compiles as if the general one
 * did not exist (a run-time test cost a plain CSV record 12 instructions, docs/PERFORMANCE.md). */
#define L4R_RECORD_FNS(name, call)                                                                           \
    static l4r_status name(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end,           \
                           uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e)                       \
    {                                                                                                        \
        return call(false);                                                                                  \
    }                                                                                                        \
    static l4r_status name##_general(const l4r_recspec *rs, l4r_recbuf *b, const char **pp, const char *end, \
                                     uint64_t *line, l4r_yield_fn yield, void *ud, l4r_error *e)             \
    {                                                                                                        \
        return call(true);                                                                                   \
    }
#define DELIM_CALL(g) delim_record(rs, b, pp, end, line, yield, ud, e, g)
#define CSV_CALL(g) csv_record(rs, b, pp, end, line, yield, ud, e, g)
#define JSONL_CALL(g) record_object(rs, b, pp, end, line, yield, ud, e, true, g)
#define PYLIT_CALL(g) record_object(rs, b, pp, end, line, yield, ud, e, false, g)
L4R_RECORD_FNS(record_delim, DELIM_CALL)
L4R_RECORD_FNS(record_csv, CSV_CALL)
L4R_RECORD_FNS(record_jsonl, JSONL_CALL)
L4R_RECORD_FNS(record_pylit, PYLIT_CALL)

static l4r_status fields_delim(const l4r_table *t, const char **pp, const char *end, l4r_span *f, size_t max,
                               size_t *nf, l4r_buf *scratch, l4r_error *e)
{
    *nf = l4r_split_delim(*pp, end, t->delim, strlen(t->delim), f, max);
    *pp = end;
    return L4R_OK;
}

static l4r_status fields_csv(const l4r_table *t, const char **pp, const char *end, l4r_span *f, size_t max,
                             size_t *nf, l4r_buf *scratch, l4r_error *e)
{
    return l4r_csv_record(pp, end, t->delim[0], t->escape, f, max, nf, scratch, e);
}

#define COLUMN_KEYS                                                                                          \
    (L4R_FKEY_DELIMITER | L4R_FKEY_HEADER | L4R_FKEY_COLUMNS | L4R_FKEY_FLAGS | L4R_FKEY_EXTRA_FIELDS)

/* The rows, in l4r_format order (test_recipe checks it). */
const l4r_format_def l4r_formats[] = {
    {
        .id = L4R_FMT_DELIM,
        .name = "delimited",
        .aliases = {"delim", NULL},
        .cut = L4R_CUT_LINES,
        .keys = COLUMN_KEYS,
        .columns = true,
        .delimiter_max = 2,
        .record = record_delim,
        .record_general = record_delim_general,
        .fields = fields_delim,
    },
    {
        .id = L4R_FMT_CSV,
        .name = "csv",
        .cut = L4R_CUT_CSV,
        .keys = COLUMN_KEYS,
        .columns = true,
        .quoting = true,
        .delimiter_max = 1,
        .delimiter_none = ",",
        .record = record_csv,
        .record_general = record_csv_general,
        .fields = fields_csv,
    },
    {
        .id = L4R_FMT_JSONL,
        .name = "jsonl",
        .cut = L4R_CUT_LINES,
        .record = record_jsonl,
        .record_general = record_jsonl_general,
    },
    {
        .id = L4R_FMT_PYLIT,
        .name = "python-literal",
        .aliases = {"pylit", NULL},
        .cut = L4R_CUT_LINES,
        .record = record_pylit,
        .record_general = record_pylit_general,
    },
};
const size_t l4r_n_formats = sizeof l4r_formats / sizeof l4r_formats[0];

const l4r_format_def *l4r_format_find(const char *name)
{
    for (size_t i = 0; i < l4r_n_formats; i++) {
        const l4r_format_def *d = &l4r_formats[i];
        if (!strcmp(d->name, name))
            return d;
        for (size_t a = 0; a < sizeof d->aliases / sizeof d->aliases[0] && d->aliases[a]; a++)
            if (!strcmp(d->aliases[a], name))
                return d;
    }
    return NULL;
}
