/*
 * parquet.h — a small Parquet file writer (no C Parquet library ships with Debian 12).
 *
 * What it writes, all of it from the format's own definition (parquet.thrift, Encodings.md):
 *   "PAR1", then per row group one column chunk per column: an optional dictionary page (PLAIN)
 *   and data pages v1 of about 1 MiB (PLAIN, or RLE_DICTIONARY indices for a string column whose
 *   dictionary pays), each page ZSTD-compressed; an OPTIONAL column carries its definition levels
 *   (bit width 1, RLE/bit-packed hybrid with a 4-byte length) in front of the values.  Then the
 *   FileMetaData in the Thrift compact protocol (schema, row groups with min/max/null_count
 *   statistics per column chunk, column orders, key/value metadata, created_by), its length as
 *   4 bytes little endian, and "PAR1".
 *
 * Flat schemas only (no nesting, no repetition levels), four value types: UTF8 strings
 * (BYTE_ARRAY), INT32, INT64 and DOUBLE.  The bytes depend on the values alone (no time, no
 * threads), so the same rows give the same file.
 *
 * Not thread-safe: one writer per thread.  The encoders below are exposed for the unit test.
 */
#ifndef L4R_PARQUET_H
#define L4R_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm4rec_data.h"
#include "util.h"

typedef enum l4r_pq_type { L4R_PQ_STRING, L4R_PQ_INT32, L4R_PQ_INT64, L4R_PQ_DOUBLE } l4r_pq_type;

typedef struct l4r_pq_column {
    const char *name; /* copied by l4r_pq_new */
    l4r_pq_type type;
    bool optional; /* nulls allowed (definition levels); a REQUIRED column takes no l4r_pq_null */
} l4r_pq_column;

/* Where the file's bytes go, in order (an l4r_out, a memory buffer in the tests). */
typedef l4r_status (*l4r_pq_write_fn)(void *ud, const void *p, size_t n, l4r_error *e);

typedef struct l4r_pq l4r_pq;

/* A writer of ncols columns.  row_group_rows: rows per row group (0 = 1 Mi); a row group is also
 * cut when its values pass 128 MiB.  zstd_level: the ZSTD level (3 is zstd's default).  Writes
 * nothing until the first row group is full or l4r_pq_finish. */
l4r_pq *l4r_pq_new(const l4r_pq_column *cols, size_t ncols, size_t row_group_rows, int zstd_level,
                   l4r_pq_write_fn write, void *ud);
/* Add a key/value pair to the file's metadata (copied). */
void l4r_pq_kv(l4r_pq *w, const char *key, const char *value);
/* created_by of the file (copied; default "llm4rec-data"). */
void l4r_pq_created_by(l4r_pq *w, const char *s);

/* The value of column col in the current row: each column once per row, in any order. */
void l4r_pq_str(l4r_pq *w, size_t col, const char *s, size_t n);
void l4r_pq_int(l4r_pq *w, size_t col, int64_t v); /* INT32 (in range) or INT64 */
void l4r_pq_double(l4r_pq *w, size_t col, double v);
void l4r_pq_null(l4r_pq *w, size_t col);
/* End the row; writes a row group when it is full. */
l4r_status l4r_pq_end_row(l4r_pq *w, l4r_error *e);
/* Write the last row group and the footer.  A file of no rows has no row group. */
l4r_status l4r_pq_finish(l4r_pq *w, l4r_error *e);
uint64_t l4r_pq_rows(const l4r_pq *w);
void l4r_pq_free(l4r_pq *w);

/* ---- the encoders (for tests) ---- */

/* RLE/bit-packed hybrid of n values of bit_width bits (1..32), without a length prefix: a run of
 * 8 or more equal values is an RLE run, anything else goes into bit-packed groups of 8 (the last
 * group padded with zeros). */
void l4r_pq_rle(l4r_buf *out, const uint32_t *v, size_t n, int bit_width);

/* Thrift compact protocol: fields of nested structs, each struct remembering its last field id. */
enum {
    L4R_TC_TRUE = 1,
    L4R_TC_FALSE = 2,
    L4R_TC_I16 = 4,
    L4R_TC_I32 = 5,
    L4R_TC_I64 = 6,
    L4R_TC_BINARY = 8,
    L4R_TC_LIST = 9,
    L4R_TC_STRUCT = 12
};
typedef struct l4r_tc {
    l4r_buf *b;
    int16_t last[16]; /* last field id per open struct */
    int depth;
} l4r_tc;
void l4r_tc_init(l4r_tc *t, l4r_buf *b);
void l4r_tc_varint(l4r_buf *b, uint64_t v);
void l4r_tc_field(l4r_tc *t, int16_t id, int type);
void l4r_tc_i32(l4r_tc *t, int16_t id, int32_t v);
void l4r_tc_i64(l4r_tc *t, int16_t id, int64_t v);
void l4r_tc_bin(l4r_tc *t, int16_t id, const void *p, size_t n);
void l4r_tc_bool(l4r_tc *t, int16_t id, bool v);
/* A list header (elements follow: l4r_tc_varint for integers after zigzag, l4r_tc_begin for
 * structs). */
void l4r_tc_list(l4r_tc *t, int16_t id, int elem_type, size_t n);
/* Open a struct: as field id (id > 0), or as a list element (id 0). */
void l4r_tc_begin(l4r_tc *t, int16_t id);
void l4r_tc_end(l4r_tc *t);
uint64_t l4r_tc_zigzag(int64_t v);

/* ---- the output tables as Parquet (parquet_tables.c) ---- */

#include "output.h"

typedef struct l4r_parquet_opts {
    const char *dir;         /* the (temporary) output directory that holds the TSVs */
    int partitions;          /* 0: one NAME.parquet per table; N: NAME/part-00000.parquet ... */
    bool remap;              /* the interaction tables' ids are the dense integers of --remap */
    bool keep_tsv;           /* keep interactions.tsv / train, valid, test.tsv (--format tsv) */
    const char *const *side; /* the side tables written (NAME.tsv) */
    size_t n_side;
    size_t row_group_rows; /* 0: 1 Mi rows */
} l4r_parquet_opts;

/* Write every table of po->dir that llm4rec-data wrote as TSV (interactions.tsv or
 * train/valid/test.tsv, items.tsv, users.tsv, the side tables) as Parquet too, typed as
 * docs/FORMAT.md "Parquet" says, each file recorded in m's outputs; without keep_tsv the
 * interaction TSVs are removed (and dropped from m).  Tables with a user_id column are split over
 * po->partitions files by FNV-1a 64 of the user id modulo N.  Reads the TSVs, so the Parquet
 * files hold exactly what they hold. */
l4r_status l4r_parquet_write_tables(const l4r_parquet_opts *po, l4r_manifest *m, l4r_error *e);
/* FNV-1a 64 of n bytes (the partition of a user id is this modulo the partition count). */
uint64_t l4r_fnv1a64(const void *p, size_t n);

#endif
