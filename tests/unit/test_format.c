/*
 * test_format.c — the record functions of the format table (src/convert/format.c), called the way
 * the converter's worker calls them: one physical record at a time, the logical records coming
 * back through the yield callback.  Checks where *pp and *line end up (after a quoted field that
 * spans lines, a blank line, a record that does not parse), that a yield error stops the record
 * and comes back as it is, and the field-count and key-kind errors.
 */
#include <stdlib.h>
#include <string.h>

#include "convert/format.h"
#include "recipe.h"
#include "tap.h"

typedef struct got {
    int n;
    uint64_t line[8];
    char first[8][16];
    char second[8][16];
    int fail_at; /* yield fails on this call (1-based); 0: never */
} got;

static void copy_span(char *dst, l4r_span s)
{
    size_t n = s.p ? (s.n < 15 ? s.n : 15) : 0;
    memcpy(dst, s.p ? s.p : "", n);
    dst[n] = 0;
}

static l4r_status collect(void *ud, const l4r_record *r, l4r_error *e)
{
    got *g = ud;
    if (g->n + 1 == g->fail_at)
        return l4r_err(e, L4R_EPARSE, "yield refused line %llu", (unsigned long long)r->line);
    if (g->n < 8) {
        g->line[g->n] = r->line;
        copy_span(g->first[g->n], r->vals[0]);
        copy_span(g->second[g->n], r->vals[1]);
    }
    g->n++;
    return L4R_OK;
}

static char out_u[] = "user_id", out_i[] = "item_id", src_u[] = "u", src_i[] = "i";
static l4r_colmap two_cols[2] = {{.out = out_u, .src = src_u, .index = 0},
                                 {.out = out_i, .src = src_i, .index = 1}};

static void columns_spec(l4r_table *t, l4r_recspec *rs, l4r_format f, const char *delim)
{
    memset(t, 0, sizeof *t);
    t->format = f;
    snprintf(t->delim, sizeof t->delim, "%s", delim);
    t->map = two_cols;
    t->n_map = 2;
    t->flags_from = -1;
    memset(rs, 0, sizeof *rs);
    rs->t = t;
    rs->name = "x.src";
    rs->nmap = 2;
    rs->seplen = strlen(delim);
    rs->col[0] = 0;
    rs->col[1] = 1;
    rs->ncols = 2;
}

static void test_csv(void)
{
    l4r_table t;
    l4r_recspec rs;
    columns_spec(&t, &rs, L4R_FMT_CSV, ",");
    const l4r_format_def *fd = l4r_format_get(L4R_FMT_CSV);
    static const char in[] = "a,b\n\n\"x\ny\",z\nbad,\"q\"r\nc,d\n";
    const char *p = in, *end = in + strlen(in);
    uint64_t line = 1;
    l4r_recbuf *b = l4r_xcalloc(1, sizeof *b);
    l4r_error e = {0};
    got g = {0};
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_INT(g.n, 1);
    T_EQ_INT(line, 2);
    T_CHECK(p == in + 4);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK); /* blank: nothing */
    T_EQ_INT(g.n, 1);
    T_EQ_INT(line, 3);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK); /* two physical lines */
    T_EQ_INT(g.n, 2);
    T_EQ_INT(g.line[1], 3);
    T_EQ_STR(g.first[1], "x\ny");
    T_EQ_STR(g.second[1], "z");
    T_EQ_INT(line, 5);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_CHECK(strstr(e.msg, "'x.src' line 5") == e.msg);
    T_EQ_INT(line, 6); /* taken to end with its first line: the caller may skip it */
    T_CHECK(p == strstr(in, "c,d"));
    e = (l4r_error){0};
    g.fail_at = 3; /* the yield's own error comes back as it is, past the record */
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "yield refused line 6");
    T_CHECK(p == end);
    T_EQ_INT(line, 7);
    l4r_buf_free(&b->scratch);
    free(b);
}

static void test_delimited(void)
{
    l4r_table t;
    l4r_recspec rs;
    columns_spec(&t, &rs, L4R_FMT_DELIM, "::");
    const l4r_format_def *fd = l4r_format_get(L4R_FMT_DELIM);
    static const char in[] = "1::2\r\n\r\n3::4::5\n";
    const char *p = in, *end = in + strlen(in);
    uint64_t line = 10;
    l4r_recbuf *b = l4r_xcalloc(1, sizeof *b);
    l4r_error e = {0};
    got g = {0};
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_STR(g.second[0], "2");                                            /* without the CR */
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK); /* "\r\n" is blank */
    T_EQ_INT(g.n, 1);
    const char *at = p;
    uint64_t at_line = line;
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "'x.src' line 12: expected 2 fields separated by '::', found 3; field 3 '5' is one too "
                    "many (recipe key \"extra_fields\": \"ignore\" drops extra fields)");
    T_CHECK(p == end);
    t.extra_fields_ignore = true;
    p = at;
    line = at_line;
    e = (l4r_error){0};
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_INT(g.n, 2);
    T_EQ_STR(g.first[1], "3");
    T_EQ_INT(b->extra_ignored, 1);
    free(b);
}

static void test_jsonl(void)
{
    l4r_table t;
    memset(&t, 0, sizeof t);
    t.format = L4R_FMT_JSONL;
    t.map = two_cols;
    t.n_map = 2;
    t.flags_from = -1;
    const char *keys[] = {"u", "i"};
    l4r_recspec rs;
    memset(&rs, 0, sizeof rs);
    rs.t = &t;
    rs.name = "x.json";
    rs.nmap = 2;
    rs.ks = l4r_keyset_new(keys, 2);
    rs.key_of[0] = 0;
    rs.key_of[1] = 1;
    const l4r_format_def *fd = l4r_format_get(L4R_FMT_JSONL);
    static const char in[] = "{\"u\": \"a\", \"i\": 7}\n  \t\n{\"u\": \"b\", \"i\": [1]}\n";
    const char *p = in, *end = in + strlen(in);
    uint64_t line = 1;
    l4r_recbuf *b = l4r_xcalloc(1, sizeof *b);
    l4r_error e = {0};
    got g = {0};
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_STR(g.first[0], "a");
    T_EQ_STR(g.second[0], "7");
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK); /* white space only */
    T_EQ_INT(g.n, 1);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "'x.json' line 3: key 'i' holds an array, expected a string, number or boolean");
    T_CHECK(p == end);
    T_EQ_INT(line, 4);
    l4r_keyset_free(rs.ks);
    l4r_buf_free(&b->scratch);
    free(b);
}

/* The JSON line path that finds the line's end at the object's end (format.c, record_object):
 * CRLF lines, the errors of damaged lines with their line numbers and byte offsets on the line, an
 * object over two lines (an error, as when the line is cut first), a last line without a newline. */
static void test_jsonl_lines(void)
{
    l4r_table t;
    memset(&t, 0, sizeof t);
    t.format = L4R_FMT_JSONL;
    t.map = two_cols;
    t.n_map = 2;
    t.flags_from = -1;
    const char *keys[] = {"u", "i"};
    l4r_recspec rs;
    memset(&rs, 0, sizeof rs);
    rs.t = &t;
    rs.name = "x.json";
    rs.nmap = 2;
    rs.ks = l4r_keyset_new(keys, 2);
    rs.key_of[0] = 0;
    rs.key_of[1] = 1;
    const l4r_format_def *fd = l4r_format_get(L4R_FMT_JSONL);
    static const char in[] = "{\"u\": \"a\", \"i\": 7} \r\n"       /* 1: CRLF, a space before it */
                             "{\"u\": \"b\", \"i\": 8} x\n"        /* 2: trailing garbage */
                             "{\"u\": \"c\",\n\"i\": 9}\n"         /* 3-4: over two lines */
                             "{\"u\": \"d\", \"i\": \"\xff\"}\r\n" /* 5: invalid UTF-8 */
                             "{\"u\": \"e\", \"i\": 10}\r\r\n"     /* 6: CR CR LF */
                             "{\"u\": \"long enough for a window\", \"i\": \"f\"}"; /* 7: no newline */
    const char *p = in, *end = in + strlen(in);
    uint64_t line = 1;
    l4r_recbuf *b = l4r_xcalloc(1, sizeof *b);
    l4r_error e = {0};
    got g = {0};
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_STR(g.first[0], "a");
    T_EQ_STR(g.second[0], "7");
    T_EQ_INT(line, 2);
    T_CHECK(*p == '{' && p[7] == 'b');
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "'x.json' line 2: unexpected data after the object at byte 19");
    T_EQ_INT(line, 3);
    T_CHECK(*p == '{' && p[7] == 'c');
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "'x.json' line 3: expected a string key at byte 10 (end of record)");
    T_EQ_INT(line, 4);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "'x.json' line 4: expected '{' at byte 0");
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "'x.json' line 5: invalid UTF-8 at byte 17");
    T_EQ_INT(line, 6);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_STR(g.second[1], "10");
    T_EQ_INT(line, 7);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_STR(g.first[2], "long enough for");
    T_EQ_STR(g.second[2], "f");
    T_CHECK(p == end);
    T_EQ_INT(line, 8);
    T_EQ_INT(g.n, 3);
    T_EQ_INT(g.line[0], 1);
    T_EQ_INT(g.line[1], 6);
    T_EQ_INT(g.line[2], 7);
    /* a line whose wanted string is longer than the line path's scratch room (64 KiB), with an
     * escape: scanned again after cutting the line, same values */
    l4r_buf big = {0};
    l4r_buf_adds(&big, "{\"i\": \"big\", \"u\": \"\\u00e9");
    for (int i = 0; i < 70000; i++)
        l4r_buf_addc(&big, 'z');
    l4r_buf_adds(&big, "\"}\r\n{\"u\": \"next\", \"i\": 1}\n");
    p = big.data;
    end = big.data + big.len;
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_STR(g.first[3], "\xc3\xa9zzzzzzzzzzzzz");
    T_EQ_STR(g.second[3], "big");
    T_EQ_INT(g.line[3], 8);
    T_EQ_INT(fd->record(&rs, b, &p, end, &line, collect, &g, &e), L4R_OK);
    T_EQ_STR(g.first[4], "next");
    T_CHECK(p == end);
    l4r_buf_free(&big);
    l4r_keyset_free(rs.ks);
    l4r_buf_free(&b->scratch);
    free(b);
}

int main(void)
{
    test_csv();
    test_delimited();
    test_jsonl();
    test_jsonl_lines();
    return l4r_t_exit();
}
