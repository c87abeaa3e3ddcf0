/*
 * jarray.c — a JSON array file read as JSON lines (jarray.h): a byte-at-a-time state machine.
 *
 * States: J_START (before the '[': a BOM at byte 0, blanks), J_VALUE (after '[' or a separating
 * ',': blanks, then an element's '{', or ']' when no element came yet), J_IN (inside an element:
 * strings and escapes followed, brackets pushed and popped with their kinds, raw TAB/CR/LF turned
 * into spaces), J_AFTER (after an element's closing '}': blanks, then ',' or ']'), J_DONE (after
 * the ']': only blanks).  The output is written over the input as it is read: each byte gives at
 * most one, so the write position never passes the read position.
 *
 * A string's bytes take the inner loop most of the time (dialogue text), which stops only at '"',
 * '\\' and the line breaks a JSON string may not hold raw.  Nothing else is checked inside an
 * element: the JSON scanner that reads the line validates it strictly, with the element's number
 * as its line number.
 */
#include "jarray.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

enum { J_START, J_VALUE, J_IN, J_AFTER, J_DONE };

void l4r_jarray_init(l4r_jarray *j)
{
    memset(j, 0, sizeof *j);
    j->state = J_START;
}

static inline bool blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A UTF-8 BOM's byte at stream offset `at` (0..2), or -1. */
static int bom_byte(uint64_t at)
{
    static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};
    return at < 3 ? bom[at] : -1;
}

int l4r_jarray_sniff(const char *p, size_t n, uint64_t at)
{
    bool in_bom = at < 3; /* every byte so far is the BOM's */
    for (size_t i = 0; i < n; i++, at++) {
        unsigned char c = (unsigned char)p[i];
        in_bom = in_bom && c == bom_byte(at);
        if (in_bom)
            continue;
        if (blank(c))
            continue;
        return c == '[';
    }
    return -1;
}

/* A byte for a message: 'x' when printable ASCII, else its hex value. */
static const char *show(unsigned char c, char buf[16])
{
    if (c >= 0x20 && c < 0x7F)
        snprintf(buf, 16, "'%c'", c);
    else
        snprintf(buf, 16, "byte 0x%02X", c);
    return buf;
}

static l4r_status bad(const l4r_jarray *j, const char *name, unsigned char c, uint64_t at, l4r_error *e)
{
    char b[16];
    unsigned long long el = (unsigned long long)j->elem, off = (unsigned long long)at;
    switch (j->state) {
    case J_START:
        return l4r_err(e, L4R_EPARSE, "'%s': expected the JSON array's '[' at byte %llu, found %s", name, off,
                       show(c, b));
    case J_VALUE:
        if (c == ',' || c == ']')
            return l4r_err(e, L4R_EPARSE,
                           "'%s' element %llu: missing: %s at byte %llu where an object should begin%s", name,
                           el + 1, show(c, b), off, c == ']' ? " (a comma after the last element?)" : "");
        return l4r_err(e, L4R_EPARSE,
                       "'%s' element %llu: not a JSON object: it begins with %s at byte %llu (each element "
                       "of the array must be an object, one record)",
                       name, el + 1, show(c, b), off);
    case J_AFTER:
        return l4r_err(e, L4R_EPARSE, "'%s' after element %llu: expected ',' or ']' at byte %llu, found %s%s",
                       name, el, off, show(c, b), c == '}' || c == ']' ? " (an unbalanced bracket?)" : "");
    default:
        return l4r_err(e, L4R_EPARSE,
                       "'%s': %s at byte %llu after the JSON array's closing ']' (byte %llu); the file must "
                       "hold one array and nothing after it",
                       name, show(c, b), off, (unsigned long long)j->close_at);
    }
}

static inline bool is_list(const l4r_jarray *j, uint32_t d)
{
    return (j->kinds[d >> 6] >> (d & 63)) & 1;
}

l4r_status l4r_jarray_feed(l4r_jarray *j, const char *name, char *buf, size_t n, size_t *out, l4r_error *e)
{
    size_t o = 0, i = 0;
    l4r_status st = L4R_OK;
    while (i < n) {
        unsigned char c = (unsigned char)buf[i];
        uint64_t at = j->pos + i;
        if (j->state == J_IN) {
            if (j->instr) {
                if (j->esc) {
                    j->esc = false;
                } else if (c == '"') {
                    j->instr = false;
                } else if (c == '\\') {
                    j->esc = true;
                } else if (c == '\n' || c == '\r') {
                    st = l4r_err(e, L4R_EPARSE,
                                 "'%s' element %llu: a raw line break inside a string at byte %llu (JSON "
                                 "writes it as \\n or \\r)",
                                 name, (unsigned long long)j->elem, (unsigned long long)at);
                    break;
                }
                buf[o++] = (char)c;
                i++;
                continue;
            }
            switch (c) {
            case '"': j->instr = true; break;
            case '{':
            case '[':
                if (j->depth >= L4R_JARRAY_DEPTH) {
                    st = l4r_err(e, L4R_EPARSE, "'%s' element %llu: nested deeper than %d at byte %llu", name,
                                 (unsigned long long)j->elem, L4R_JARRAY_DEPTH, (unsigned long long)at);
                    goto out;
                }
                if (c == '[')
                    j->kinds[j->depth >> 6] |= UINT64_C(1) << (j->depth & 63);
                else
                    j->kinds[j->depth >> 6] &= ~(UINT64_C(1) << (j->depth & 63));
                j->depth++;
                break;
            case '}':
            case ']': {
                bool list = is_list(j, j->depth - 1);
                if (list != (c == ']')) {
                    st = l4r_err(
                        e, L4R_EPARSE,
                        "'%s' element %llu: unbalanced brackets: '%c' at byte %llu where '%c' closes "
                        "the innermost open one",
                        name, (unsigned long long)j->elem, c, (unsigned long long)at, list ? ']' : '}');
                    goto out;
                }
                if (--j->depth == 0)
                    j->state = J_AFTER;
                break;
            }
            case '\t':
            case '\r':
            case '\n': c = ' '; break;
            default: break;
            }
            buf[o++] = (char)c;
            i++;
            continue;
        }
        i++;
        if (j->state == J_START && at == j->bom && c == bom_byte(at)) {
            j->bom++;
            continue;
        }
        if (blank(c))
            continue;
        switch (j->state) {
        case J_START:
            if (c != '[') {
                st = bad(j, name, c, at, e);
                goto out;
            }
            j->state = J_VALUE;
            break;
        case J_VALUE:
            if (c == ']' && !j->any) {
                j->state = J_DONE;
                j->close_at = at;
                break;
            }
            if (c != '{') {
                st = bad(j, name, c, at, e);
                goto out;
            }
            j->any = true;
            j->elem++;
            j->elem_at = at;
            j->kinds[0] &= ~UINT64_C(1);
            j->depth = 1;
            j->state = J_IN;
            buf[o++] = '{';
            break;
        case J_AFTER:
            if (c != ',' && c != ']') {
                st = bad(j, name, c, at, e);
                goto out;
            }
            buf[o++] = '\n';
            j->state = c == ',' ? J_VALUE : J_DONE;
            if (c == ']')
                j->close_at = at;
            break;
        default: st = bad(j, name, c, at, e); goto out;
        }
    }
out:
    j->pos += i;
    *out = o;
    return st;
}

l4r_status l4r_jarray_end(const l4r_jarray *j, const char *name, l4r_error *e)
{
    unsigned long long el = (unsigned long long)j->elem;
    switch (j->state) {
    case J_DONE: return L4R_OK;
    case J_START: return l4r_err(e, L4R_EPARSE, "'%s': no JSON array in the file", name);
    case J_IN:
        return l4r_err(e, L4R_EPARSE,
                       "'%s' element %llu: the file ends inside it%s (it begins at byte %llu; the file has "
                       "%llu bytes), with no closing ']': truncated?",
                       name, el, j->instr ? ", in a string" : "", (unsigned long long)j->elem_at,
                       (unsigned long long)j->pos);
    default:
        if (!j->any)
            return l4r_err(e, L4R_EPARSE,
                           "'%s': the file ends (at byte %llu) before the JSON array's first element or its "
                           "closing ']': truncated?",
                           name, (unsigned long long)j->pos);
        return l4r_err(
            e, L4R_EPARSE,
            "'%s' after element %llu: the file ends (at byte %llu) with no closing ']' of the JSON "
            "array: truncated?",
            name, el, (unsigned long long)j->pos);
    }
}

size_t l4r_json_compact(char *dst, const char *p, size_t n)
{
    size_t o = 0;
    bool instr = false, esc = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (instr) {
            if (esc)
                esc = false;
            else if (c == '\\')
                esc = true;
            else if (c == '"')
                instr = false;
        } else if (c == '"') {
            instr = true;
        } else if (blank((unsigned char)c)) {
            continue;
        }
        dst[o++] = c;
    }
    return o;
}
