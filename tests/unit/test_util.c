/*
 * test_util.c — l4r_buf across the size where its memory becomes a mapping of its own (1 MiB):
 * contents and length survive every growth, a new big buffer is whole 2 MiB pages on a 2 MiB
 * boundary (what lets the kernel back it with huge pages), and l4r_buf_take hands out malloc
 * memory whatever the size.  Also l4r_big_resize's alignment and zeroed growth.
 */
#include "tap.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>

#define MIB ((size_t)1 << 20)

/* Byte i of the test pattern. */
static char pat(size_t i)
{
    return (char)('a' + (i * 7 + i / 4096) % 26);
}

static bool holds_pattern(const l4r_buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b->data[i] != pat(i))
            return false;
    return true;
}

static void fill(l4r_buf *b, size_t n)
{
    while (b->len < n)
        l4r_buf_addc(b, pat(b->len));
}

static void test_growth(void)
{
    l4r_buf b = {0};
    /* small: malloc memory, grown by realloc */
    fill(&b, 1000);
    T_CHECK(b.cap < MIB);
    T_CHECK(holds_pattern(&b, 1000));
    /* across 1 MiB: a huge-page mapping, the contents copied over */
    fill(&b, MIB + 5);
    T_EQ_INT(b.len, MIB + 5);
    T_CHECK(b.cap >= MIB + 6);
    T_EQ_INT(b.cap % (2 * MIB), 0);
    T_EQ_INT((uintptr_t)b.data % (2 * MIB), 0);
    T_CHECK(holds_pattern(&b, b.len));
    /* the whole capacity is usable */
    memset(b.data + b.len, 'z', b.cap - b.len);
    T_CHECK(holds_pattern(&b, b.len));
    /* big to bigger, through l4r_buf_reserve alone (how the pipeline grows a block); mremap
     * keeps the bytes (where it puts them is the kernel's choice) */
    size_t old_cap = b.cap;
    l4r_buf_reserve(&b, old_cap);
    T_CHECK(b.cap >= b.len + old_cap + 1);
    T_EQ_INT(b.cap % (2 * MIB), 0);
    T_EQ_INT(b.len, MIB + 5);
    T_CHECK(holds_pattern(&b, b.len));
    T_CHECK(b.data[old_cap - 1] == 'z'); /* bytes past len are kept too, as realloc keeps them */
    /* l4r_buf_add of a big span into a fresh buffer */
    l4r_buf c = {0};
    l4r_buf_add(&c, b.data, b.len);
    T_EQ_MEM(c.data, c.len, b.data, b.len);
    T_EQ_STR(l4r_buf_cstr(&c) + MIB + 5, "");
    l4r_buf_free(&c);
    T_CHECK(c.data == NULL && c.len == 0 && c.cap == 0);
    l4r_buf_free(&b);
    T_CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
}

static void test_take(void)
{
    l4r_buf b = {0};
    char *s = l4r_buf_take(&b);
    T_EQ_STR(s, "");
    free(s);

    l4r_buf_adds(&b, "small");
    s = l4r_buf_take(&b);
    T_EQ_STR(s, "small");
    T_CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
    free(s);

    fill(&b, 3 * MIB);
    s = l4r_buf_take(&b); /* a copy into malloc memory: free() must accept it */
    T_CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
    T_EQ_INT(strlen(s), 3 * MIB);
    bool same = true;
    for (size_t i = 0; i < 3 * MIB; i++)
        same &= s[i] == pat(i);
    T_CHECK(same);
    free(s);

    /* the buffer is usable again after a take */
    l4r_buf_adds(&b, "again");
    T_EQ_STR(l4r_buf_cstr(&b), "again");
    l4r_buf_free(&b);
}

static void test_big_resize(void)
{
    /* small mappings: page-rounded, zeroed */
    unsigned char *p = l4r_big_resize(NULL, 0, 100);
    T_CHECK(p[0] == 0 && p[99] == 0);
    p[0] = 7;
    p = l4r_big_resize(p, 100, 3 * MIB);
    T_CHECK(p[0] == 7 && p[3 * MIB - 1] == 0);
    l4r_big_free(p, 3 * MIB);
    /* a new mapping of 2 MiB or more starts on a 2 MiB boundary */
    for (size_t n = 2 * MIB; n <= 8 * MIB; n += 3 * MIB) {
        p = l4r_big_resize(NULL, 0, n);
        T_EQ_INT((uintptr_t)p % (2 * MIB), 0);
        T_CHECK(p[0] == 0 && p[n - 1] == 0);
        memset(p, 1, n);
        l4r_big_free(p, n);
    }
}

/* The TSV contract (docs/FORMAT.md): a field with a '"' is RFC 4180-quoted, any other as it is. */
static void test_field(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"plain", "plain"},
        {"C:\\path", "C:\\path"},
        {"NA", "NA"},
        {"11'09\"01 - September 11 (2002)", "\"11'09\"\"01 - September 11 (2002)\""},
        {"\"Quoted\" start", "\"\"\"Quoted\"\" start\""},
        {"\"", "\"\"\"\""},
        {"a\"\"b", "\"a\"\"\"\"b\""},
        {"caf\xc3\xa9 \"x\"", "\"caf\xc3\xa9 \"\"x\"\"\""},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *in = cases[k].in;
        size_t n = strlen(in);
        l4r_buf b = {0};
        l4r_buf_adds(&b, "x\t");
        l4r_buf_add_field(&b, in, n);
        T_EQ_STR(l4r_buf_cstr(&b) + 2, cases[k].out);
        T_CHECK(l4r_field_len(in, n) == strlen(cases[k].out));
        /* in place, after other text: the same bytes */
        l4r_buf c = {0};
        l4r_buf_adds(&c, "x\t");
        l4r_buf_add(&c, in, n);
        l4r_buf_quote_tail(&c, 2);
        T_EQ_STR(l4r_buf_cstr(&c) + 2, cases[k].out);
        char d[64];
        char *e = l4r_field_put(d, in, n);
        T_CHECK((size_t)(e - d) == strlen(cases[k].out) && memcmp(d, cases[k].out, (size_t)(e - d)) == 0);
        l4r_buf_free(&b);
        l4r_buf_free(&c);
    }
}

int main(void)
{
    test_field();
    test_big_resize();
    test_growth();
    test_take();
    return l4r_t_exit();
}
