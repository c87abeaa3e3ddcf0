/*
 * scan_object.h — the object walker, written once for every dialect: the objects, lists, tuples
 * and sets of JSON and Python literals, the record's own object that l4r_json_fields and
 * l4r_pylit_fields pull keys from, and the steps of the list iterator (l4r_list_next) over JSON,
 * Python and numpy's array repr.  Internal to src/scan/.
 *
 * How: JSON and Python literals differ in their tokens (strings, numbers, literals) and in a few
 * rules of structure.  The tokens stay in each dialect's file (scan_json.c, scan_pylit.c); the
 * rules are an `l4r_dialect`: which brackets open a list, whether a comma may stand before the
 * closing bracket, whether a key may be any value (a '{' is then a dict or a set), whether items
 * are separated by commas or, in numpy's repr, by whitespace.  The walk
 * below reads the structure the same way for all of them: it never builds a tree; values of
 * unwanted keys are validated and skipped, wanted values become spans (containers as their raw
 * source text).
 *
 * Why a header of always_inline functions: each dialect's file instantiates the walker with its
 * own constant dialect, next to its token readers, so the compiler folds every rule into straight
 * code and calls the readers directly (inlining the small ones), as the two hand-written copies
 * did.  The walk is the hot path of JSON lines: the same walker in a .c of its own, calling the
 * readers across files through the dialect, took 6.5% more instructions per JSON record
 * (docs/PERFORMANCE.md, "Issue 14: one object walker").
 */
#ifndef L4R_SCAN_OBJECT_H
#define L4R_SCAN_OBJECT_H

#include "scan/scan_internal.h"

#define L4R_SCAN_MAX_DEPTH 512

#define L4R_WALKER static inline __attribute__((always_inline))

struct l4r_keyset {
    size_t n;
    char **key;
    size_t *len;
    /* Each key's first 16 bytes, zero-padded: a JSON key shorter than 16 bytes without escapes is
     * matched against these in the SSE2 window that found its closing quote (scan_json.c, jkey),
     * with no memcmp and no second read of its bytes. */
    unsigned char (*head)[16];
    /* The keys shorter than 16 bytes by length: first[n] is the first key n bytes long, next[i]
     * the one after key i of its length; -1 ends the chain (most lengths have no key at all). */
    int first[16];
    int *next;
};

/* Index of the key in ks, or -1.  Keys are compared as raw (already unescaped) bytes. */
static inline int l4r_keyset_find(const l4r_keyset *ks, const char *p, size_t n)
{
    /* Linear: records ask for a handful of keys, and the length test rejects most at once. */
    for (size_t i = 0; i < ks->n; i++) {
        if (ks->len[i] == n && memcmp(ks->key[i], p, n) == 0)
            return (int)i;
    }
    return -1;
}

/* One record being scanned. */
typedef struct l4r_scanner {
    const char *base; /* its start, for the byte offsets in messages */
    const char *end;
    char *w; /* scratch write position; room for the whole record was reserved up front */
    l4r_error *e;
    /* NULL, or (a lines dialect, whose end is the block's) the end of the room reserved at w: an
     * escaped wanted string that may not fit fails, and the caller cuts the line and scans it
     * with the room for the whole line (format.c) */
    char *wend;
} l4r_scanner;

/* The scratch room a lines dialect reserves: not the rest of the block (2 MiB: a mapping of its
 * own per block), enough for the escaped wanted strings of any usual line. */
#define L4R_LINE_ROOM ((size_t)64 << 10)

/* L4R_EPARSE "WHAT at byte N", or "WHAT at byte N (end of record)" when at is past the end. */
l4r_status l4r_scan_fail(l4r_scanner *s, const char *at, const char *what);

/* One test for the usual case, a byte above ' ' (no whitespace at all), then a bit mask of the
 * four whitespace bytes: the walker calls this four times per key: value pair. */
#define L4R_WS_MASK                                                                                          \
    ((UINT64_C(1) << ' ') | (UINT64_C(1) << '\n') | (UINT64_C(1) << '\r') | (UINT64_C(1) << '\t'))
static inline const char *l4r_skip_ws(const char *p, const char *end)
{
    while (p < end && (unsigned char)*p <= ' ' && ((UINT64_C(1) << (unsigned char)*p) & L4R_WS_MASK))
        p++;
    return p;
}

/* A dialect: its token readers and its rules of structure.
 *
 * string_start: does a string literal start at p (a quote, or a Python prefix and a quote)?
 * string: the literal at *pp; want: its text in *out, pointing into the input when it needs no
 *   unescaping, else unescaped at s->w (which moves past it).
 * scalar: a value at *pp < s->end that is neither a string nor a bracket: a number (*out = its
 *   literal), a boolean ("true"/"false"), null ("null"); anything else fails "expected a value".
 * value: the dialect's instantiation of walk_value, through which containers recurse.
 * key (may be NULL): a key of the record's own object at *pp (string_start true there): its
 *   index in ks in *idx, or -1; a faster string + l4r_keyset_find that writes no scratch.
 * All leave *pp just past what they read. */
typedef struct l4r_dialect {
    bool (*string_start)(const char *p, const char *end);
    l4r_status (*string)(l4r_scanner *s, const char **pp, bool want, l4r_span *out);
    l4r_status (*scalar)(l4r_scanner *s, const char **pp, bool want, l4r_span *out, l4r_vkind *kind);
    l4r_status (*value)(l4r_scanner *s, const char **pp, int depth, bool want, l4r_span *out,
                        l4r_vkind *kind);
    l4r_status (*key)(l4r_scanner *s, const char **pp, const l4r_keyset *ks, int *idx);
    bool flat;            /* values are only strings and scalars (numpy's elements) */
    bool tuples;          /* '(' opens a list too */
    bool trailing_comma;  /* "[1, 2,]", "{'a': 1,}" */
    bool loose_braces;    /* a key may be any value, and a '{' whose first item has no ':' is a set */
    bool space_separated; /* list items are separated by whitespace, not commas (numpy's repr) */
    const char *after;    /* the message for text after the record's object */
    bool lines;           /* '\n' ends the record: not whitespace, and it may follow the object */
} l4r_dialect;

/* The dialect's whitespace: without '\n' when a newline ends the record. */
L4R_WALKER const char *walk_ws(const l4r_dialect *d, const char *p, const char *end)
{
    const uint64_t ws = d->lines ? L4R_WS_MASK & ~(UINT64_C(1) << '\n') : L4R_WS_MASK;
    while (p < end && (unsigned char)*p <= ' ' && ((UINT64_C(1) << (unsigned char)*p) & ws))
        p++;
    return p;
}

/* A value of the record's own object: strings and scalars read here, containers through the
 * dialect's value (walk_value), which recursion keeps out of line. */
L4R_WALKER l4r_status walk_member(const l4r_dialect *d, l4r_scanner *s, const char **pp, int depth, bool want,
                                  l4r_span *out, l4r_vkind *kind)
{
    const char *p = *pp;
    if (p < s->end && d->string_start(p, s->end)) {
        if (want)
            *kind = L4R_V_STRING;
        return d->string(s, pp, want, out);
    }
    if (p < s->end && (d->flat || (*p != '{' && *p != '[' && !(d->tuples && *p == '('))))
        return d->scalar(s, pp, want, out, kind);
    return d->value(s, pp, depth, want, out, kind);
}

/* Past the opening bracket at *pq - 1 of a container closed by `close`: whitespace, then either
 * the first item (true, *pq at it) or the closing bracket (false, *pq past it). */
L4R_WALKER bool walk_open(const l4r_dialect *d, const char **pq, const char *end, char close)
{
    const char *q = walk_ws(d, *pq, end);
    if (q < end && *q == close) {
        *pq = q + 1;
        return false;
    }
    *pq = q;
    return true;
}

/* After an item at *pq: the separator and the next item (*item true, *pq at it), or the closing
 * bracket (*item false, *pq past it). */
L4R_WALKER l4r_status walk_next(const l4r_dialect *d, l4r_scanner *s, const char **pq, char close, bool *item)
{
    const char *end = s->end;
    const char *q = walk_ws(d, *pq, end);
    if (d->space_separated) {
        *item = q >= end || *q != close;
        if (*item && q == *pq)
            return l4r_scan_fail(s, q, "expected whitespace or ']'");
        *pq = *item ? q : q + 1;
        return L4R_OK;
    }
    if (q < end && *q == ',') {
        q = walk_ws(d, q + 1, end);
        *item = !d->trailing_comma || q >= end || *q != close;
        *pq = *item ? q : q + 1;
        return L4R_OK;
    }
    if (q < end && *q == close) {
        *pq = q + 1;
        *item = false;
        return L4R_OK;
    }
    return l4r_scan_fail(s, q,
                         close == '}'   ? "expected ',' or '}'"
                         : close == ']' ? "expected ',' or ']'"
                                        : "expected ',' or ')'");
}

/* The list, tuple, set or object whose opening bracket is at *pp, at nesting depth `depth`; on
 * return *pp is past its closing bracket.  record: it is the record's own object (key: value
 * pairs, never a set): keys are read as text and looked up in ks, and the values of ks's keys go
 * to out/kind.  (A constant at each call, so that the record's loop and the nested one each
 * compile to only what they do.) */
L4R_WALKER l4r_status walk_items(const l4r_dialect *d, l4r_scanner *s, const char **pp, int depth,
                                 bool record, const l4r_keyset *ks, l4r_span *out, l4r_vkind *kind)
{
    const char *p = *pp;
    const char *end = s->end;
    const char *q = p + 1;
    char close = record || *p == '{' ? '}' : *p == '[' ? ']' : ')';
    /* 1: key: value pairs; 0: items; -1: a Python '{', a dict or a set as its first item tells */
    int pairs = record ? 1 : *p != '{' ? 0 : d->loose_braces ? -1 : 1;
    l4r_status st;
    if (!record && depth >= L4R_SCAN_MAX_DEPTH)
        return l4r_scan_fail(s, p, "nesting too deep");
    bool item = walk_open(d, &q, end, close);
    while (item) {
        if (!pairs) {
            st = d->value(s, &q, depth + 1, false, NULL, NULL);
            if (st)
                return st;
        } else {
            int idx = -1;
            if (record && d->key && d->string_start(q, end)) {
                st = d->key(s, &q, ks, &idx);
                if (st)
                    return st;
            } else if (d->string_start(q, end)) {
                l4r_span key;
                char *mark = s->w;
                st = d->string(s, &q, record, &key);
                if (st)
                    return st;
                if (record) {
                    idx = l4r_keyset_find(ks, key.p, key.n);
                    s->w = mark; /* keys are compared, not kept */
                }
            } else if (d->loose_braces) {
                st = d->value(s, &q, depth + 1, false, NULL, NULL);
                if (st)
                    return st;
            } else {
                return l4r_scan_fail(s, q, "expected a string key");
            }
            q = walk_ws(d, q, end);
            if (pairs < 0)
                pairs = q < end && *q == ':'; /* else a set, whose first item that was */
            if (pairs) {
                if (q >= end || *q != ':')
                    return l4r_scan_fail(s, q, "expected ':'");
                q = walk_ws(d, q + 1, end);
                /* the record's values inline (its strings and scalars need no call through
                 * the recursion); nested ones through the dialect's value */
                if (record && idx >= 0)
                    st = walk_member(d, s, &q, depth + 1, true, &out[idx], &kind[idx]);
                else if (record)
                    st = walk_member(d, s, &q, depth + 1, false, NULL, NULL);
                else
                    st = d->value(s, &q, depth + 1, false, NULL, NULL);
                if (st)
                    return st;
            }
        }
        st = walk_next(d, s, &q, close, &item);
        if (st)
            return st;
    }
    *pp = q;
    return L4R_OK;
}

/* Any value at *pp (whitespace already skipped), at nesting depth `depth`.  want: fill out and
 * kind (containers as their raw source text). */
L4R_WALKER l4r_status walk_value(const l4r_dialect *d, l4r_scanner *s, const char **pp, int depth, bool want,
                                 l4r_span *out, l4r_vkind *kind)
{
    const char *p = *pp;
    if (p >= s->end)
        return l4r_scan_fail(s, p, "expected a value");
    if (d->string_start(p, s->end)) {
        if (want)
            *kind = L4R_V_STRING;
        return d->string(s, pp, want, out);
    }
    if (!d->flat && (*p == '{' || *p == '[' || (d->tuples && *p == '('))) {
        l4r_status st = walk_items(d, s, pp, depth, false, NULL, NULL, NULL);
        if (st)
            return st;
        if (want) {
            *kind = *p == '{' ? L4R_V_OBJECT : L4R_V_ARRAY;
            out->p = p;
            out->n = (size_t)(*pp - p);
        }
        return L4R_OK;
    }
    return d->scalar(s, pp, want, out, kind);
}

/* l4r_json_fields and l4r_pylit_fields (scan.h): the record's object, then only whitespace.  A
 * lines dialect (l4r_json_line_fields) stops at a '\n' after the object: *next at it. */
L4R_WALKER l4r_status walk_fields(const l4r_dialect *d, const char *p, const char *end, const l4r_keyset *ks,
                                  l4r_span *out, l4r_vkind *kind, l4r_buf *scratch, l4r_error *e,
                                  const char **next)
{
    for (size_t k = 0; k < ks->n; k++) {
        out[k].p = NULL;
        out[k].n = 0;
        kind[k] = L4R_V_ABSENT;
    }
    /* An unescaped string is never longer than its source: one reservation covers the record (a
     * lines dialect's record ends somewhere before end: L4R_LINE_ROOM, and s.wend checks). */
    size_t room = d->lines && (size_t)(end - p) > L4R_LINE_ROOM ? L4R_LINE_ROOM : (size_t)(end - p);
    l4r_buf_reserve(scratch, room);
    l4r_scanner s = {p, end, scratch->data + scratch->len, e, NULL};
    if (d->lines)
        s.wend = s.w + room;
    const char *q = walk_ws(d, p, end);
    l4r_status st;
    if (q >= end || *q != '{') {
        st = l4r_scan_fail(&s, q, "expected '{'");
        goto out;
    }
    st = walk_items(d, &s, &q, 0, true, ks, out, kind);
    if (st)
        goto out;
    q = walk_ws(d, q, end);
    if (q < end && !(d->lines && *q == '\n'))
        st = l4r_scan_fail(&s, q, d->after);
    if (next)
        *next = q;
out:
    scratch->len = (size_t)(s.w - scratch->data);
    if (st) {
        for (size_t k = 0; k < ks->n; k++) {
            out[k].p = NULL;
            out[k].n = 0;
            kind[k] = L4R_V_ABSENT;
        }
    }
    return st;
}

/* l4r_list_next (scan.h) in dialect d. */
L4R_WALKER l4r_status walk_list_next(const l4r_dialect *d, l4r_list_iter *it, l4r_span *out, l4r_vkind *kind,
                                     bool *more, l4r_buf *scratch, l4r_error *e)
{
    *more = false;
    if (it->done)
        return L4R_OK;
    l4r_scanner s = {it->base, it->end, it->w, e, NULL};
    const char *q = it->at;
    bool item;
    l4r_status st = L4R_OK;
    if (it->first)
        item = walk_open(d, &q, it->end, it->close);
    else
        st = walk_next(d, &s, &q, it->close, &item);
    if (st)
        goto out;
    if (!item) {
        q = walk_ws(d, q, it->end);
        if (q < it->end)
            st = l4r_scan_fail(&s, q, "unexpected data after the list");
        goto out;
    }
    /* numpy prints the first and last three elements of an array longer than its threshold
     * (1000 by default) with "..." between them: the rest is not there to read. */
    if (d->space_separated && it->end - q >= 3 && memcmp(q, "...", 3) == 0) {
        st = l4r_scan_fail(&s, q, "numpy summarised this array ('...'): the list is incomplete");
        goto out;
    }
    l4r_span v;
    l4r_vkind k;
    st = d->value(&s, &q, 1, true, &v, &k);
    if (st)
        goto out;
    *out = v;
    *kind = k;
    *more = true;
out:
    it->at = q;
    it->first = false;
    it->done = st || !*more;
    it->w = s.w;
    scratch->len = (size_t)(s.w - scratch->data);
    return st;
}

/* l4r_list_next's instantiations, one per syntax, each next to its dialect's readers. */
l4r_status l4r_json_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more, l4r_buf *scratch,
                              l4r_error *e);
l4r_status l4r_pylit_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more,
                               l4r_buf *scratch, l4r_error *e);
l4r_status l4r_numpy_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more,
                               l4r_buf *scratch, l4r_error *e);

#endif
