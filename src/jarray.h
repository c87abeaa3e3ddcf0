/*
 * jarray.h — a JSON array file read as JSON lines: the streaming byte filter the reader stacks on
 * a source whose first non-blank byte is '[' (l4r_source_json_array), and the compaction of one
 * JSON record that the "copy" tables write.
 *
 * The filter turns `[ {..}, {..} ]`, compact or pretty-printed, into `{..}\n{..}\n`: the outer
 * brackets and the whitespace between elements go, each separating comma (and the closing ']')
 * becomes a line break, and a raw TAB, CR or LF between the tokens of an element becomes a space.
 * Every other byte is kept, so byte K of an element's line is byte K from its '{' in the file, and
 * the line scanners see element N as line N.  It tracks strings, escapes and the brackets (their
 * kinds, up to L4R_JARRAY_DEPTH deep), so it never cuts inside a string and reports what breaks
 * the array's shape: an element that is not an object, a missing element (",,", a trailing comma),
 * a missing comma, an unbalanced bracket, a raw line break inside a string, bytes after the
 * closing ']', and (l4r_jarray_end) a file that ends before it.  The elements' own syntax is left
 * to the JSON scanner that reads the lines.
 *
 * Pure functions over caller-owned state: no I/O, no allocation.  One state per stream.
 */
#ifndef L4R_JARRAY_H
#define L4R_JARRAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm4rec_data.h"

#define L4R_JARRAY_DEPTH 1024 /* brackets open at once inside one element */

typedef struct l4r_jarray {
    int state;       /* where the filter is (jarray.c: before '[', between elements, inside one, after ']') */
    bool any;        /* an element was seen */
    bool instr, esc; /* inside an element: in a string, after its backslash */
    uint8_t bom;     /* bytes of a UTF-8 BOM dropped at the start */
    uint32_t depth;  /* brackets open inside the element (its own '{' is depth 1) */
    uint64_t pos;    /* bytes fed so far: the offset of the next byte in the stream */
    uint64_t elem;   /* elements begun, so the number (1-based) of the current or last one */
    uint64_t elem_at;                      /* the byte where that element begins */
    uint64_t close_at;                     /* the byte of the closing ']' */
    uint64_t kinds[L4R_JARRAY_DEPTH / 64]; /* bit d: the bracket open at depth d + 1 is '[' */
} l4r_jarray;

/* A fresh filter for a stream that starts at byte 0 (a UTF-8 BOM there is dropped). */
void l4r_jarray_init(l4r_jarray *j);

/* What the first non-blank byte of a stream says, given its bytes [p, p + n) from byte `at` on
 * (a UTF-8 BOM is skipped at byte 0 only; blanks are space, TAB, CR and LF): 1 for '[' (a JSON
 * array), 0 for anything else, -1 when all n bytes are blank (look further, or the stream is
 * blank). */
int l4r_jarray_sniff(const char *p, size_t n, uint64_t at);

/* Filter buf[0, n), the stream's next n bytes, in place: the output (never longer than the input)
 * is buf[0, *out).  L4R_EPARSE names the stream as `name`, the element (1-based) and the byte
 * (0-based, in the stream). */
l4r_status l4r_jarray_feed(l4r_jarray *j, const char *name, char *buf, size_t n, size_t *out, l4r_error *e);

/* At the end of the stream: L4R_OK when the array was closed, else L4R_EPARSE saying where the
 * stream ended (the element it ended in, or the one after which the ']' is missing). */
l4r_status l4r_jarray_end(const l4r_jarray *j, const char *name, l4r_error *e);

/* One JSON text [p, p + n) without the whitespace outside its strings (space, TAB, CR, LF) into
 * dst, which has room for n bytes; returns the bytes written.  Strings are copied byte for byte,
 * escapes as they are.  For a valid JSON text that removes nothing but insignificant whitespace
 * (two tokens that whitespace alone separates are not valid JSON). */
size_t l4r_json_compact(char *dst, const char *p, size_t n);

#endif
