/*
 * test_parquet.c — the Parquet writer's encoders against byte sequences worked out by hand from
 * the format's definitions: the RLE / bit-packed hybrid (Encodings.md, including its own example
 * of 0..7 at bit width 3) and the Thrift compact protocol (field headers short and long, zigzag
 * varints, lists short and long, nested structs, booleans in the header).  Then a whole file in
 * memory: the magic at both ends, the footer length, and the same bytes for the same rows.
 */
#include "convert/parquet.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EQ_BYTES(b, ...)                                                                                     \
    do {                                                                                                     \
        static const unsigned char want_[] = {__VA_ARGS__};                                                  \
        T_EQ_MEM((b)->data, (b)->len, (const char *)want_, sizeof want_);                                    \
    } while (0)

static void test_rle(void)
{
    l4r_buf b = {0};
    uint32_t ones[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    l4r_pq_rle(&b, ones, 10, 1); /* RLE run: header 10 << 1, value in one byte */
    EQ_BYTES(&b, 0x14, 0x01);

    l4r_buf_reset(&b);
    uint32_t mix[8] = {1, 0, 1, 1, 0, 0, 0, 1}; /* one bit-packed group: header 1 << 1 | 1 */
    l4r_pq_rle(&b, mix, 8, 1);
    EQ_BYTES(&b, 0x03, 0x8d); /* bits 0, 2, 3, 7 */

    l4r_buf_reset(&b);
    uint32_t three[3] = {1, 2, 3}; /* a short tail is padded to a group of 8 with zeros */
    l4r_pq_rle(&b, three, 3, 2);
    EQ_BYTES(&b, 0x03, 0x39, 0x00);

    l4r_buf_reset(&b);
    uint32_t seq[18] = {0, 1, 2, 3, 4, 5, 6, 7, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
    l4r_pq_rle(&b, seq, 18, 3); /* Encodings.md's example group, then a run of ten 2s */
    EQ_BYTES(&b, 0x03, 0x88, 0xc6, 0xfa, 0x14, 0x02);

    l4r_buf_reset(&b);
    uint32_t *zeros = calloc(300, sizeof *zeros);
    l4r_pq_rle(&b, zeros, 300, 1); /* header 600 as a two-byte varint */
    EQ_BYTES(&b, 0xd8, 0x04, 0x00);
    free(zeros);

    l4r_buf_reset(&b);
    uint32_t wide[8] = {511, 511, 511, 511, 511, 511, 511, 511};
    l4r_pq_rle(&b, wide, 8, 9); /* a 9-bit value takes two bytes, little endian */
    EQ_BYTES(&b, 0x10, 0xff, 0x01);
    l4r_buf_free(&b);
}

static void test_thrift(void)
{
    T_EQ_INT(l4r_tc_zigzag(0), 0);
    T_EQ_INT(l4r_tc_zigzag(-1), 1);
    T_EQ_INT(l4r_tc_zigzag(1), 2);
    T_EQ_INT(l4r_tc_zigzag(-2), 3);
    T_EQ_INT(l4r_tc_zigzag(INT32_MIN), 4294967295ll);

    l4r_buf b = {0};
    l4r_tc t;
    l4r_tc_init(&t, &b);
    l4r_tc_i32(&t, 1, 2);  /* delta 1, type 5; zigzag 4 */
    l4r_tc_i64(&t, 3, -1); /* delta 2, type 6; zigzag 1 */
    l4r_tc_i32(&t, 20, 1); /* delta 17: long form, type then zigzag id 40 */
    l4r_tc_end(&t);
    EQ_BYTES(&b, 0x15, 0x04, 0x26, 0x01, 0x05, 0x28, 0x02, 0x00);

    l4r_buf_reset(&b);
    l4r_tc_init(&t, &b);
    l4r_tc_bool(&t, 1, true);  /* the value is the type nibble: 1 true */
    l4r_tc_bool(&t, 2, false); /* 2 false */
    l4r_tc_bin(&t, 4, "ab", 2);
    l4r_tc_i64(&t, 5, 300); /* zigzag 600 = 0xd8 0x04 */
    l4r_tc_end(&t);
    EQ_BYTES(&b, 0x11, 0x12, 0x28, 0x02, 'a', 'b', 0x16, 0xd8, 0x04, 0x00);

    l4r_buf_reset(&b);
    l4r_tc_init(&t, &b);
    l4r_tc_list(&t, 2, L4R_TC_I32, 3); /* short list: size << 4 | element type */
    for (int k = 0; k < 3; k++)
        l4r_tc_varint(&b, l4r_tc_zigzag(k));
    l4r_tc_list(&t, 3, L4R_TC_STRUCT, 20); /* long list: 0xf0 | type, then the size */
    EQ_BYTES(&b, 0x29, 0x35, 0x00, 0x02, 0x04, 0x19, 0xfc, 0x14);

    l4r_buf_reset(&b);
    l4r_tc_init(&t, &b);
    l4r_tc_i32(&t, 1, 0);
    l4r_tc_begin(&t, 3);  /* struct field: delta 2, type 12 */
    l4r_tc_i32(&t, 1, 0); /* ids start again inside */
    l4r_tc_begin(&t, 0);  /* an empty struct (as a list element: no header) */
    l4r_tc_end(&t);
    l4r_tc_end(&t);
    l4r_tc_i32(&t, 4, 1); /* the outer struct goes on from field 3 */
    l4r_tc_end(&t);
    EQ_BYTES(&b, 0x15, 0x00, 0x2c, 0x15, 0x00, 0x00, 0x00, 0x15, 0x02, 0x00);
    l4r_buf_free(&b);
}

static l4r_status to_buf(void *ud, const void *p, size_t n, l4r_error *e)
{
    (void)e;
    l4r_buf_add(ud, p, n);
    return L4R_OK;
}

static void write_file(l4r_buf *out, size_t rows, size_t group)
{
    l4r_pq_column cols[3] = {{"user_id", L4R_PQ_STRING, false},
                             {"rating", L4R_PQ_DOUBLE, true},
                             {"timestamp", L4R_PQ_INT64, true}};
    l4r_pq *w = l4r_pq_new(cols, 3, group, 3, to_buf, out);
    l4r_error e = {0};
    bool ok = true;
    for (size_t r = 0; r < rows; r++) {
        char id[16];
        int n = snprintf(id, sizeof id, "u%zu", r % 7);
        l4r_pq_str(w, 0, id, (size_t)n);
        l4r_pq_double(w, 1, (double)(r % 5) + 0.5);
        if (r % 3)
            l4r_pq_int(w, 2, (int64_t)(1000000000 + r));
        else
            l4r_pq_null(w, 2);
        ok = ok && l4r_pq_end_row(w, &e) == L4R_OK;
    }
    T_CHECK(ok);
    T_EQ_INT(l4r_pq_finish(w, &e), L4R_OK);
    T_EQ_INT(l4r_pq_rows(w), rows);
    l4r_pq_free(w);
}

static void test_file(void)
{
    l4r_buf a = {0}, b = {0}, z = {0};
    write_file(&a, 1000, 300);
    T_CHECK(a.len > 12);
    T_EQ_MEM(a.data, 4, "PAR1", 4);
    T_EQ_MEM(a.data + a.len - 4, 4, "PAR1", 4);
    const unsigned char *t = (const unsigned char *)a.data + a.len - 8;
    uint32_t flen = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
    T_CHECK(flen > 0 && flen < a.len - 12);
    /* the footer opens with version = 2 (field 1, i32) and the schema list (field 2, 4 structs) */
    const unsigned char *f = (const unsigned char *)a.data + a.len - 8 - flen;
    T_CHECK(f[0] == 0x15 && f[1] == 0x04 && f[2] == 0x19 && f[3] == 0x4c);
    write_file(&b, 1000, 300);
    T_EQ_MEM(a.data, a.len, b.data, b.len);
    write_file(&z, 0, 300); /* no rows: the magic, a footer with no row group */
    T_EQ_MEM(z.data, 4, "PAR1", 4);
    T_EQ_MEM(z.data + z.len - 4, 4, "PAR1", 4);
    l4r_buf_free(&a);
    l4r_buf_free(&b);
    l4r_buf_free(&z);
}

int main(void)
{
    test_rle();
    test_thrift();
    test_file();
    return l4r_t_exit();
}
