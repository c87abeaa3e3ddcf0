/*
 * scan.h — record scanners for the shapes the datasets' files come in: delimited text with
 * a 1- or 2-byte separator, RFC 4180 CSV, JSON lines, and Python-literal dict lines; and an
 * iterator over the elements of one list held in a field (JSON, Python, numpy's array repr).
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
l4r_status l4r_csv_record(const char **pp, const char *end, char sep, char esc, l4r_span *f, size_t max,
                          size_t *nf, l4r_buf *scratch, l4r_error *e);

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

/* l4r_json_fields for the record at p of JSON lines ending at or before end: a newline is not
 * whitespace, and the object, with only spaces, TABs and CRs after it, ends at the first newline
 * after it or at end (*next there).  For a line that is valid JSON, the values and *next are what
 * cutting the line first and l4r_json_fields on it give, in one pass instead of two; any other
 * line is an error here (a multi-line object, a damaged line), whose message the caller gets from
 * cutting the line and l4r_json_fields, which say where on the line it is (format.c). */
l4r_status l4r_json_line_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                                l4r_vkind *kind, l4r_buf *scratch, l4r_error *e, const char **next);

/* The same for one Python dict literal: strings in '...' or "..." with optional u/b/r prefixes
 * and Python escapes (\x.., \u...., \U........, \n, \', octal), True/False/None, ints, floats,
 * lists, tuples, nested dicts.  Values come out as for JSON. */
l4r_status l4r_pylit_fields(const char *p, const char *end, const l4r_keyset *ks, l4r_span *out,
                            l4r_vkind *kind, l4r_buf *scratch, l4r_error *e);

/* ---- one list, element by element ---- */

typedef enum l4r_list_syntax {
    L4R_LIST_JSON,   /* strict JSON: "[1, \"a\"]" */
    L4R_LIST_PYTHON, /* a Python list or tuple literal: "['a', 2,]", "(1, 2)" */
    L4R_LIST_NUMPY   /* numpy's str() of a 1-D array: "['a' 'b'\n 'c']", "[1 2 3]" */
} l4r_list_syntax;

/* An iteration over one list (l4r_list_begin).  The fields are private to src/scan/. */
typedef struct l4r_list_iter {
    const char *base; /* the range given to l4r_list_begin, for byte offsets in messages */
    const char *end;
    const char *at; /* where the separator before the next element (or the closer) is looked for */
    char *w;        /* scratch write position */
    l4r_list_syntax syntax;
    char close; /* ']' or ')' */
    bool first; /* no element read yet */
    bool done;  /* the closing bracket, or an error, was reached */
} l4r_list_iter;

/* Start iterating the one list held in [p, end), surrounding whitespace allowed: JSON "[...]",
 * Python "[...]" or "(...)" (a comma may stand before the closing bracket), or a numpy array repr
 * "['a' 'b']" (elements separated by whitespace, newlines included, no commas; the elements are
 * Python strings or numbers, True/False/None too).  Reserves (end - p) bytes in scratch, so that
 * element strings unescaped into it never move while iterating: give a scratch buffer that is
 * used for nothing else until the list is done (it may be reset before l4r_list_begin).  Anything
 * but an opening bracket is L4R_EPARSE "expected '['" (Python: "expected '[' or '('").  Thread:
 * any; the iterator holds no resources (nothing to free). */
l4r_status l4r_list_begin(l4r_list_iter *it, l4r_list_syntax syn, const char *p, const char *end,
                          l4r_buf *scratch, l4r_error *e);

/* The next element.  *more = true and out/kind set, or *more = false at the closing bracket (out
 * and kind untouched).  Elements come out as l4r_json_fields gives values: strings unescaped
 * (L4R_V_STRING), numbers as their literal, true/false/True/False as "true"/"false" (L4R_V_BOOL),
 * null/None as L4R_V_NULL, arrays and objects as their raw source text (L4R_V_ARRAY /
 * L4R_V_OBJECT), which can be passed to l4r_json_fields, l4r_pylit_fields or l4r_list_begin
 * again.  Spans point into [p, end) or into scratch and stay valid until the caller reuses it.
 * Errors are L4R_EPARSE in the object scanners' style, what was expected and at which byte of
 * [p, end) ("expected ',' or ']' at byte 7"), text after the closing bracket included
 * ("unexpected data after the list at byte N"); JSON is strict (RFC 8259: no trailing comma).
 * NUMPY: a "..." element, numpy's summary of a long array, is "numpy summarised this array
 * ('...'): the list is incomplete at byte N" (print the array with np.set_printoptions(threshold=
 * sys.maxsize), or store it as a list).  After the closing bracket or an error the iteration is
 * over: further calls return L4R_OK with *more = false.  scratch: the buffer given to
 * l4r_list_begin. */
l4r_status l4r_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more, l4r_buf *scratch,
                         l4r_error *e);

#endif
