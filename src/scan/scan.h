/*
 * scan.h — record scanners for the shapes the datasets use (datasets.md §1): delimited text with
 * a 1- or 2-byte separator, RFC 4180 CSV, JSON lines, and Python-literal dict lines.
 *
 * They pull only the wanted fields, build no tree and allocate nothing per record: unescaped
 * values go into a caller-provided scratch buffer that is reset per record.  All are pure
 * functions of their input, safe to call from many threads with separate scratch buffers.
 * Fields never contain the record terminator; a record is [p, end) without its "\n" or "\r\n".
 */
#ifndef L4R_SCAN_H
#define L4R_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "llm4rec_data.h"
#include "util.h"

/* A view of a field's bytes.  p == NULL means "absent" (missing JSON key, too few columns). */
typedef struct l4r_span {
    const char *p;
    size_t n;
} l4r_span;

/* Split [p, end) on sep (1 or 2 bytes).  Fills f[0..max-1]; returns the number of fields in the
 * record (which may exceed max).  No quoting. */
size_t l4r_split_delim(const char *p, const char *end, const char *sep, size_t seplen, l4r_span *f,
                       size_t max);

/* One RFC 4180 record starting at *pp: fields separated by `sep`, optionally "-quoted with ""
 * for a quote; quoted fields may contain sep, CR and LF.  On return *pp is just past the record's
 * terminator (LF, CRLF or end).  Unquoted fields point into the input; quoted fields are copied,
 * unescaped, into scratch (so spans stay valid until scratch is reset).  *nf gets the field count
 * (fields beyond max are counted, not stored).  A quote that never closes, or text after a closing
 * quote, is L4R_EPARSE ("unterminated quoted field", "unexpected character after quoted field"). */
l4r_status l4r_csv_record(const char **pp, const char *end, char sep, l4r_span *f, size_t max, size_t *nf,
                          l4r_buf *scratch, l4r_error *e);

/* A set of top-level keys to pull from an object (JSON or Python literal). */
typedef struct l4r_keyset l4r_keyset;
l4r_keyset *l4r_keyset_new(const char *const *keys, size_t n);
void l4r_keyset_free(l4r_keyset *ks);

/* Kinds of value a key held (out_kind[k]), so callers can tell "null" from the string "null". */
typedef enum l4r_vkind {
    L4R_V_ABSENT = 0,
    L4R_V_STRING, /* span = the unescaped UTF-8 text (in scratch, or in the input when no escape) */
    L4R_V_NUMBER, /* span = the literal */
    L4R_V_BOOL,   /* span = "true"/"false" (Python True/False normalised to these) */
    L4R_V_NULL,   /* span = "null" (Python None normalised) */
    L4R_V_ARRAY,  /* span = raw source text of the array */
    L4R_V_OBJECT  /* span = raw source text of the object */
} l4r_vkind;

/* Parse one JSON object [p, end) (surrounding whitespace allowed) and fill out[k]/kind[k] for each
 * key of ks (absent: p == NULL, kind ABSENT).  The whole record is validated as strict JSON
 * (RFC 8259): anything else is L4R_EPARSE with a message saying what was expected and at which
 * byte offset.  \uXXXX escapes (with surrogate pairs) become UTF-8; invalid UTF-8 in the input is
 * an error.  Duplicate keys: the last wins (as in jansson and Python). */
l4r_status l4r_json_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                           l4r_vkind *kind, l4r_buf *scratch, l4r_error *e);

/* The same for one Python dict literal: strings in '...' or "..." with optional u/b/r prefixes
 * and Python escapes (\x.., \u...., \U........, \n, \', octal), True/False/None, ints, floats,
 * lists, tuples, nested dicts.  Values come out as for JSON. */
l4r_status l4r_pylit_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                            l4r_vkind *kind, l4r_buf *scratch, l4r_error *e);

#endif
