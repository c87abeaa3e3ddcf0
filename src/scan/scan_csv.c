/*
 * scan_csv.c — one RFC 4180 record: "-quoted fields with "" for a quote, quoted fields may hold
 * the separator, CR and LF.
 *
 * Unquoted fields are views into the input.  Quoted fields are copied, unescaped, into the
 * caller's scratch buffer; because appending may move that buffer, fields already stored that
 * point into it are rebased after each growth (rare once the scratch has reached its working
 * size), so the caller sees stable spans until it resets the scratch.
 */
#include "scan/scan_internal.h"

/* Grow scratch by `extra` bytes of room and rebase the spans of f[0..n) that pointed into it. */
static void scratch_reserve(l4r_buf *s, size_t extra, l4r_span *f, size_t n)
{
    uintptr_t old = (uintptr_t)s->data;
    size_t oldlen = s->len;
    l4r_buf_reserve(s, extra);
    if ((uintptr_t)s->data == old || old == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        uintptr_t a = (uintptr_t)f[i].p;
        if (f[i].p && a >= old && a <= old + oldlen)
            f[i].p = s->data + (a - old);
    }
}

static inline const char *find_sep_or_nl(const char *p, const char *end, unsigned char sep)
{
    while (end - p >= 8) {
        uint64_t v = l4r_swar_load(p);
        uint64_t hit = l4r_swar_eq(v, sep) | l4r_swar_eq(v, '\n');
        if (hit)
            return p + (__builtin_ctzll(hit) >> 3);
        p += 8;
    }
    while (p < end && (unsigned char)*p != sep && *p != '\n')
        p++;
    return p;
}

/* The quoted field at p (after its opening quote) with `esc` escaping the next byte (Book-Crossing's
 * \"): *q gets the closing quote, the unescaped bytes go to scratch.  False: no closing quote. */
static bool quoted_escaped(const char *p, const char *end, char esc, const char **q, l4r_buf *scratch,
                           l4r_span *f, size_t stored, l4r_span *out)
{
    const char *c = p;
    while (c < end) {
        if (*c == esc && c + 1 < end)
            c += 2;
        else if (*c == '"' && c + 1 < end && c[1] == '"')
            c += 2;
        else if (*c == '"')
            break;
        else
            c++;
    }
    if (c >= end)
        return false;
    *q = c;
    scratch_reserve(scratch, (size_t)(c - p), f, stored);
    char *w0 = scratch->data + scratch->len, *w = w0;
    while (p < c) {
        if ((*p == esc || *p == '"') && p + 1 < c) {
            *w++ = p[1];
            p += 2;
        } else {
            *w++ = *p++;
        }
    }
    scratch->len += (size_t)(w - w0);
    out->p = w0;
    out->n = (size_t)(w - w0);
    return true;
}

l4r_status l4r_csv_record(const char **pp, const char *end, char sep, char esc, l4r_span *f, size_t max,
                          size_t *nf, l4r_buf *scratch, l4r_error *e)
{
    const char *base = *pp;
    const char *p = base;
    size_t n = 0;
    for (;;) {
        if (p < end && *p == '"') {
            const char *open = p;
            p++;
            size_t stored = n < max ? n : max;
            /* Find the closing quote first so the copy needs one reservation. */
            const char *q = p;
            if (esc) {
                l4r_span v;
                if (!quoted_escaped(p, end, esc, &q, scratch, f, stored, &v)) {
                    *nf = n;
                    return l4r_err(e, L4R_EPARSE, "unterminated quoted field starting at byte %zu",
                                   (size_t)(open - base));
                }
                if (n < max)
                    f[n] = v;
                n++;
                p = q + 1;
                goto after_quote;
            }
            for (;;) {
                q = memchr(q, '"', (size_t)(end - q));
                if (!q) {
                    *nf = n;
                    return l4r_err(e, L4R_EPARSE, "unterminated quoted field starting at byte %zu",
                                   (size_t)(open - base));
                }
                if (q + 1 < end && q[1] == '"') {
                    q += 2;
                    continue;
                }
                break;
            }
            scratch_reserve(scratch, (size_t)(q - p), f, stored);
            char *w0 = scratch->data + scratch->len;
            char *w = w0;
            while (p < q) {
                const char *r = memchr(p, '"', (size_t)(q - p));
                if (!r) {
                    memcpy(w, p, (size_t)(q - p));
                    w += q - p;
                    break;
                }
                memcpy(w, p, (size_t)(r - p) + 1); /* keep one quote of the pair */
                w += r - p + 1;
                p = r + 2;
            }
            scratch->len += (size_t)(w - w0);
            if (n < max) {
                f[n].p = w0;
                f[n].n = (size_t)(w - w0);
            }
            n++;
            p = q + 1;
        after_quote:
            if (p == end)
                break;
            if (*p == sep) {
                p++;
                continue;
            }
            if (*p == '\n') {
                p++;
                break;
            }
            if (*p == '\r' && (p + 1 == end || p[1] == '\n')) {
                p += p + 1 == end ? 1 : 2;
                break;
            }
            *nf = n;
            return l4r_err(e, L4R_EPARSE, "unexpected character after quoted field at byte %zu",
                           (size_t)(p - base));
        }
        const char *q = find_sep_or_nl(p, end, (unsigned char)sep);
        const char *fe = q;
        if ((q == end || *q == '\n') && fe > p && fe[-1] == '\r')
            fe--;
        if (n < max) {
            f[n].p = p;
            f[n].n = (size_t)(fe - p);
        }
        n++;
        if (q == end) {
            p = q;
            break;
        }
        p = q + 1;
        if (*q == '\n')
            break;
    }
    *pp = p;
    *nf = n;
    return L4R_OK;
}
