/*
 * test_pipeline.c — the ordered pipeline: output identical for every thread count, blocks of
 * whole records (quote-aware for CSV), line numbers, long records, errors in input order.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pipeline.h"
#include "tap.h"

static char tmpdir[] = "/tmp/l4r-test-pipeline.XXXXXX";

static char *write_tmp(const char *name, const void *data, size_t n)
{
    char *path = l4r_path_join(tmpdir, name);
    l4r_error e;
    if (l4r_write_file_atomic(path, data, n, &e) != L4R_OK) {
        printf("FAIL cannot write %s: %s\n", path, e.msg);
        exit(1);
    }
    return path;
}

typedef struct tctx {
    l4r_buf out;
    l4r_buf header;
    uint64_t next_seq;
    uint64_t lines_seen; /* newlines emitted so far, to check line0 */
    bool bad_order;
    bool bad_line0;
    bool bad_cut;    /* a non-final chunk not ending in '\n', or with odd quote parity */
    bool bad_digest; /* after a clean run, the source's SHA-256 is not the file's */
    bool csv;
    size_t chunks;
    const char *fail_on; /* worker fails on records containing this */
    pthread_t caller;
    atomic_bool off_caller; /* work ran on a thread other than the caller's */
    atomic_bool on_caller;  /* work ran on the caller's thread */
    atomic_bool failed_off; /* the failing record was parsed off the caller's thread */
    unsigned slow_emits;    /* the first this many emits sleep 2 ms each (a writer behind) */
} tctx;

static l4r_status upper_work(void *vctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    tctx *t = vctx;
    bool off = !pthread_equal(pthread_self(), t->caller);
    atomic_store(off ? &t->off_caller : &t->on_caller, true);
    if (t->fail_on) {
        /* Report the line of the first record holding fail_on. */
        uint64_t line = in->line0;
        size_t fl = strlen(t->fail_on);
        for (size_t i = 0; i + fl <= in->len; i++) {
            if (in->data[i] == '\n')
                line++;
            if (memcmp(in->data + i, t->fail_on, fl) == 0) {
                if (off)
                    atomic_store(&t->failed_off, true);
                return l4r_err(e, L4R_EPARSE, "line %llu: bad record", (unsigned long long)line);
            }
        }
    }
    l4r_buf_reserve(out, in->len);
    for (size_t i = 0; i < in->len; i++)
        out->data[i] = (char)toupper((unsigned char)in->data[i]);
    out->len = in->len;
    return L4R_OK;
}

static l4r_status cat_emit(void *vctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    tctx *t = vctx;
    if (t->chunks < t->slow_emits)
        usleep(2000);
    if (in->seq != t->next_seq)
        t->bad_order = true;
    t->next_seq++;
    if (in->line0 != t->lines_seen + 1 + (t->header.len || t->header.data ? 1 : 0))
        t->bad_line0 = true;
    size_t q = 0;
    for (size_t i = 0; i < in->len; i++) {
        t->lines_seen += in->data[i] == '\n';
        q += in->data[i] == '"';
    }
    if (t->csv && q % 2)
        t->bad_cut = true;
    if (in->len == 0)
        t->bad_cut = true;
    t->chunks++;
    l4r_buf_add(&t->out, out->data, out->len);
    return L4R_OK;
}

static l4r_status hdr(void *vctx, const char *line, size_t len, l4r_error *e)
{
    tctx *t = vctx;
    l4r_buf_add(&t->header, line, len);
    l4r_buf_cstr(&t->header);
    return L4R_OK;
}

/* After a clean run: is the source's SHA-256 not the file's? */
static bool digest_wrong(l4r_source *src, const char *path)
{
    char got[65], want[65];
    uint64_t gn = 0, wn = 0;
    l4r_error e;
    return l4r_source_file_digest(src, got, &gn, &e) != L4R_OK ||
           l4r_hash_file(path, L4R_HASH_SHA256, want, &wn, &e) != L4R_OK || strcmp(got, want) != 0 ||
           gn != wn;
}

/* Run the pipeline over a file; returns the status, fills t. */
static l4r_status run(const char *path, int threads, size_t block, size_t maxrec, l4r_cut_mode cut,
                      int header, tctx *t, l4r_error *e)
{
    memset(t, 0, sizeof *t);
    t->caller = pthread_self();
    t->csv = cut == L4R_CUT_CSV;
    l4r_source *src;
    l4r_status st = l4r_source_open(&src, path, NULL, e);
    if (st)
        return st;
    l4r_pipe_cfg cfg = {0};
    cfg.threads = threads;
    cfg.block_size = block;
    cfg.max_record = maxrec;
    cfg.cut = cut;
    cfg.header_lines = header;
    cfg.on_header = hdr;
    cfg.work = upper_work;
    cfg.emit = cat_emit;
    cfg.ctx = t;
    st = l4r_pipeline_run(src, &cfg, e);
    if (st == L4R_OK) /* whoever hashed it (the reader, the tap thread), it is the file's */
        t->bad_digest = digest_wrong(src, path);
    l4r_source_close(src);
    return st;
}

static void upcase(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (char)toupper((unsigned char)s[i]);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t xr(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Random lines (some long, some empty, CRLF sometimes), optionally without the last newline. */
static void random_lines(l4r_buf *b, size_t nlines, bool last_nl)
{
    for (size_t i = 0; i < nlines; i++) {
        size_t len = xr() % 8 == 0 ? xr() % 3000 : xr() % 40;
        for (size_t k = 0; k < len; k++)
            l4r_buf_addc(b, (char)('a' + xr() % 26));
        if (xr() % 5 == 0)
            l4r_buf_addc(b, '\r');
        if (i + 1 < nlines || last_nl)
            l4r_buf_addc(b, '\n');
    }
}

static void test_equal_across_threads(void)
{
    static const size_t blocks[] = {1, 7, 64, 4096, 0};
    for (int round = 0; round < 4; round++) {
        l4r_buf in = {0};
        random_lines(&in, 200 + xr() % 2000, round % 2 == 0);
        char *path = write_tmp("rand.txt", in.data, in.len);
        char *want = l4r_xstrndup(in.data, in.len);
        upcase(want, in.len);
        for (size_t bi = 0; bi < sizeof blocks / sizeof *blocks; bi++) {
            static const int threads[] = {0, 1, 2, 3, 8}; /* 0: no threads at all */
            for (size_t ti = 0; ti < 5; ti++) {
                tctx t;
                l4r_error e;
                l4r_status st = run(path, threads[ti], blocks[bi], 0, L4R_CUT_LINES, 0, &t, &e);
                char what[128];
                snprintf(what, sizeof what, "round %d block %zu -j%d", round, blocks[bi], threads[ti]);
                /* 0: no thread at all; 1: the calling thread parses, and the reader too when
                 * the writer falls behind (a plain file: l4r_pipeline_duo); more: workers */
                bool ok = st == L4R_OK && t.out.len == in.len && memcmp(t.out.data, want, in.len) == 0 &&
                          !t.bad_order && !t.bad_line0 && !t.bad_cut && !t.bad_digest &&
                          (threads[ti] == 1 || atomic_load(&t.off_caller) == (threads[ti] > 1));
                l4r_t_report(ok, __FILE__, __LINE__, what, ok ? NULL : (st ? e.msg : "output differs"));
                l4r_buf_free(&t.out);
            }
        }
        free(want);
        free(path);
        l4r_buf_free(&in);
    }
}

static void test_small_cases(void)
{
    tctx t;
    l4r_error e;
    /* empty input */
    char *p = write_tmp("empty.txt", "", 0);
    T_EQ_INT(run(p, 2, 0, 0, L4R_CUT_LINES, 1, &t, &e), L4R_OK);
    T_EQ_INT(t.chunks, 0);
    T_CHECK(t.header.data == NULL);
    free(p);
    /* last line without newline, CRLF, BOM, header */
    static const char s1[] = "\xEF\xBB\xBFuser,item\r\na,b\r\nc,d";
    p = write_tmp("s1.txt", s1, sizeof s1 - 1);
    T_EQ_INT(run(p, 3, 4, 0, L4R_CUT_LINES, 1, &t, &e), L4R_OK);
    T_EQ_STR(l4r_buf_cstr(&t.header), "user,item");
    T_EQ_MEM(t.out.data, t.out.len, "A,B\r\nC,D", 8);
    T_CHECK(!t.bad_line0);
    T_CHECK(!t.bad_digest); /* the BOM and the header were removed from a block the reader hashed */
    l4r_buf_free(&t.out);
    l4r_buf_free(&t.header);
    /* without header: the BOM goes, the first line stays */
    T_EQ_INT(run(p, 1, 0, 0, L4R_CUT_LINES, 0, &t, &e), L4R_OK);
    T_EQ_MEM(t.out.data, t.out.len, "USER,ITEM\r\nA,B\r\nC,D", 19);
    T_CHECK(!t.bad_digest);
    l4r_buf_free(&t.out);
    free(p);
    /* only a header without newline */
    p = write_tmp("s2.txt", "h1,h2", 5);
    T_EQ_INT(run(p, 2, 0, 0, L4R_CUT_LINES, 1, &t, &e), L4R_OK);
    T_EQ_STR(l4r_buf_cstr(&t.header), "h1,h2");
    T_EQ_INT(t.chunks, 0);
    l4r_buf_free(&t.header);
    free(p);
    /* interrupted */
    p = write_tmp("s3.txt", "a\nb\n", 4);
    l4r_interrupted = 1;
    T_EQ_INT(run(p, 2, 0, 0, L4R_CUT_LINES, 0, &t, &e), L4R_EINTR);
    l4r_interrupted = 0;
    l4r_buf_free(&t.out);
    free(p);
}

/* A UTF-8 BOM is dropped whatever the block size, also when one block holds less than its three
 * bytes (issue 13 item 11: with blocks of 1-2 bytes it reached the header or the first record). */
static void test_bom_tiny_blocks(void)
{
    static const char s[] = "\xEF\xBB\xBFuser,item\na,b\nc,d\n";
    static const char partial[] = "\xEF\xBBx\n"; /* not a BOM: kept */
    char *p = write_tmp("bom.txt", s, sizeof s - 1);
    char *q = write_tmp("partial.txt", partial, sizeof partial - 1);
    static const int threads[] = {0, 1, 2, 3};
    for (size_t block = 1; block <= 8; block++) {
        for (size_t ti = 0; ti < 4; ti++) {
            for (int cut = 0; cut < 2; cut++) {
                l4r_cut_mode mode = cut ? L4R_CUT_CSV : L4R_CUT_LINES;
                tctx t;
                l4r_error e;
                char what[96];
                snprintf(what, sizeof what, "block %zu -j%d cut %d header", block, threads[ti], cut);
                l4r_status st = run(p, threads[ti], block, 0, mode, 1, &t, &e);
                bool ok = st == L4R_OK && t.header.len == 9 && !memcmp(t.header.data, "user,item", 9) &&
                          t.out.len == 8 && !memcmp(t.out.data, "A,B\nC,D\n", 8) && !t.bad_digest;
                l4r_t_report(ok, __FILE__, __LINE__, what, ok ? NULL : (st ? e.msg : "BOM or header wrong"));
                l4r_buf_free(&t.out);
                l4r_buf_free(&t.header);
                snprintf(what, sizeof what, "block %zu -j%d cut %d no header", block, threads[ti], cut);
                st = run(p, threads[ti], block, 0, mode, 0, &t, &e);
                ok = st == L4R_OK && t.out.len == 18 && !memcmp(t.out.data, "USER,ITEM\nA,B\nC,D\n", 18) &&
                     !t.bad_digest;
                l4r_t_report(ok, __FILE__, __LINE__, what, ok ? NULL : (st ? e.msg : "BOM not dropped"));
                l4r_buf_free(&t.out);
                snprintf(what, sizeof what, "block %zu -j%d cut %d partial BOM", block, threads[ti], cut);
                st = run(q, threads[ti], block, 0, mode, 0, &t, &e);
                ok = st == L4R_OK && t.out.len == 4 && !memcmp(t.out.data, "\xEF\xBBX\n", 4);
                l4r_t_report(ok, __FILE__, __LINE__, what, ok ? NULL : (st ? e.msg : "partial BOM changed"));
                l4r_buf_free(&t.out);
            }
        }
    }
    free(p);
    free(q);
}

static void test_long_records(void)
{
    tctx t;
    l4r_error e;
    l4r_buf in = {0};
    l4r_buf_adds(&in, "short\n");
    for (int i = 0; i < 100000; i++)
        l4r_buf_addc(&in, 'x');
    l4r_buf_adds(&in, "\nshort again\n");
    char *p = write_tmp("long.txt", in.data, in.len);
    /* a record much longer than the block */
    for (int j = 1; j <= 3; j++) {
        T_EQ_INT(run(p, j, 1000, 0, L4R_CUT_LINES, 0, &t, &e), L4R_OK);
        T_EQ_INT(t.out.len, in.len);
        T_CHECK(t.out.len == in.len && t.out.data[6] == 'X' && !t.bad_line0 && !t.bad_digest);
        l4r_buf_free(&t.out);
    }
    /* max_record exceeded: an error naming line 2 */
    l4r_status st = run(p, 2, 1000, 5000, L4R_CUT_LINES, 0, &t, &e);
    T_EQ_INT(st, L4R_EPARSE);
    T_CHECK(strstr(e.msg, "line 2:") != NULL && strstr(e.msg, "longer than 5000") != NULL);
    printf("# %s\n", e.msg);
    l4r_buf_free(&t.out);
    /* the same with a block larger than the record (the check is per record, not per block) */
    st = run(p, 2, 1 << 20, 5000, L4R_CUT_LINES, 0, &t, &e);
    T_EQ_INT(st, L4R_EPARSE);
    T_CHECK(strstr(e.msg, "line 2:") != NULL);
    l4r_buf_free(&t.out);
    free(p);
    l4r_buf_free(&in);
}

static void test_csv_cut(void)
{
    /* Quoted fields with newlines, doubled quotes, at block sizes smaller than a record. */
    l4r_buf in = {0};
    l4r_buf_adds(&in, "id,text\n");
    size_t nrec = 3000;
    for (size_t i = 0; i < nrec; i++) {
        l4r_buf_addf(&in, "%zu,", i);
        if (xr() % 3 == 0) {
            l4r_buf_adds(&in, "\"multi\nline \"\"quoted\"\"\n,text\"");
        } else {
            l4r_buf_adds(&in, "plain");
        }
        l4r_buf_adds(&in, i % 7 == 0 ? "\r\n" : "\n");
    }
    char *p = write_tmp("q.csv", in.data, in.len);
    char *want = l4r_xstrndup(in.data + 8, in.len - 8);
    upcase(want, in.len - 8);
    static const size_t blocks[] = {3, 16, 50, 1000};
    for (size_t bi = 0; bi < 4; bi++) {
        for (int j = 1; j <= 8; j *= 2) {
            tctx t;
            l4r_error e;
            l4r_status st = run(p, j, blocks[bi], 0, L4R_CUT_CSV, 1, &t, &e);
            char what[128];
            snprintf(what, sizeof what, "csv block %zu -j%d", blocks[bi], j);
            bool ok = st == L4R_OK && t.out.len == in.len - 8 && memcmp(t.out.data, want, in.len - 8) == 0 &&
                      !t.bad_cut && !t.bad_order && !t.bad_line0 && !t.bad_digest && t.header.len == 7;
            l4r_t_report(ok, __FILE__, __LINE__, what, ok ? NULL : st ? e.msg : "cut or output wrong");
            l4r_buf_free(&t.out);
            l4r_buf_free(&t.header);
        }
    }
    /* An unbalanced quote runs into max_record, naming the line where the record began. */
    l4r_buf_reset(&in);
    l4r_buf_adds(&in, "a,b\nc,\"open\n");
    for (int i = 0; i < 200; i++)
        l4r_buf_adds(&in, "more,lines\n");
    char *p2 = write_tmp("unbal.csv", in.data, in.len);
    tctx t;
    l4r_error e;
    T_EQ_INT(run(p2, 2, 64, 1000, L4R_CUT_CSV, 0, &t, &e), L4R_EPARSE);
    T_CHECK(strstr(e.msg, "line 2:") != NULL);
    printf("# %s\n", e.msg);
    l4r_buf_free(&t.out);
    free(p2);
    free(want);
    free(p);
    l4r_buf_free(&in);
}

static void test_first_error_wins(void)
{
    l4r_buf in = {0};
    for (int i = 1; i <= 20000; i++)
        l4r_buf_addf(&in, "%s %d\n", i == 150 || i == 9000 || i == 19999 ? "boom" : "fine", i);
    char *p = write_tmp("err.txt", in.data, in.len);
    for (int rep = 0; rep < 5; rep++) {
        for (int j = 0; j <= 8; j = j ? j * 2 : 1) {
            tctx t;
            l4r_error e;
            memset(&t, 0, sizeof t);
            l4r_source *src;
            l4r_source_open(&src, p, NULL, &e);
            t.fail_on = "boom";
            l4r_pipe_cfg cfg = {
                .threads = j, .block_size = 256, .work = upper_work, .emit = cat_emit, .ctx = &t};
            l4r_status st = l4r_pipeline_run(src, &cfg, &e);
            l4r_source_close(src);
            bool ok = st == L4R_EPARSE && strcmp(e.msg, "line 150: bad record") == 0 && t.out.len < in.len;
            char what[64];
            snprintf(what, sizeof what, "first error wins -j%d rep %d", j, rep);
            l4r_t_report(ok, __FILE__, __LINE__, what, ok ? NULL : e.msg);
            l4r_buf_free(&t.out);
        }
    }
    free(p);
    l4r_buf_free(&in);
}

static l4r_status failing_emit(void *vctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    tctx *t = vctx;
    if (++t->chunks == 3)
        return l4r_err(e, L4R_EIO, "disk full");
    return L4R_OK;
}

static void test_emit_error(void)
{
    l4r_buf in = {0};
    random_lines(&in, 5000, true);
    char *p = write_tmp("emit.txt", in.data, in.len);
    for (int j = 0; j <= 4; j = j ? j * 2 : 1) {
        tctx t;
        memset(&t, 0, sizeof t);
        l4r_error e;
        l4r_source *src;
        l4r_source_open(&src, p, NULL, &e);
        l4r_pipe_cfg cfg = {
            .threads = j, .block_size = 100, .work = upper_work, .emit = failing_emit, .ctx = &t};
        T_EQ_INT(l4r_pipeline_run(src, &cfg, &e), L4R_EIO);
        T_EQ_STR(e.msg, "disk full");
        T_EQ_INT(t.chunks, 3);
        l4r_source_close(src);
    }
    free(p);
    l4r_buf_free(&in);
}

/* Run threads == 1 over path with a writer that sleeps on every block, so the reader is ahead. */
static l4r_status run_slow(const char *path, const char *fail_on, tctx *t, l4r_error *e)
{
    memset(t, 0, sizeof *t);
    t->caller = pthread_self();
    t->fail_on = fail_on;
    t->slow_emits = UINT32_MAX;
    l4r_source *src;
    l4r_status st = l4r_source_open(&src, path, NULL, e);
    if (st)
        return st;
    l4r_pipe_cfg cfg = {.threads = 1, .block_size = 256, .work = upper_work, .emit = cat_emit, .ctx = t};
    st = l4r_pipeline_run(src, &cfg, e);
    if (st == L4R_OK)
        t->bad_digest = digest_wrong(src, path);
    l4r_source_close(src);
    return st;
}

/* -j 2 on a plain file: two threads, and the reader parses the blocks the writer has not reached
 * when the writer is behind; the output, its order, the line numbers, the digest and the first
 * error are the same as ever.  A compressed source keeps its reader to reading. */
static void test_two_threads(void)
{
    l4r_buf in = {0};
    for (int i = 1; i <= 1000; i++)
        l4r_buf_addf(&in, "%s %d\n", i == 900 ? "boom" : "fine", i);
    char *p = write_tmp("duo.txt", in.data, in.len);
    l4r_error e;
    l4r_source *src;
    T_EQ_INT(l4r_source_open(&src, p, NULL, &e), L4R_OK);
    T_CHECK(l4r_pipeline_duo(src, 1));
    T_CHECK(!l4r_pipeline_duo(src, 0));
    T_CHECK(!l4r_pipeline_duo(src, 2));
    l4r_source_close(src);

    char *gz = l4r_path_join(tmpdir, "duo.txt.gz");
    gzFile g = gzopen(gz, "wb");
    T_CHECK(g != NULL && gzwrite(g, in.data, (unsigned)in.len) == (int)in.len && gzclose(g) == Z_OK);
    T_EQ_INT(l4r_source_open(&src, gz, NULL, &e), L4R_OK);
    T_CHECK(!l4r_pipeline_duo(src, 1));
    l4r_source_close(src);

    /* Without the failing record: every block is parsed once, by one thread or the other. */
    l4r_buf ok_in = {0};
    for (int i = 1; i <= 1000; i++)
        l4r_buf_addf(&ok_in, "fine %d\n", i);
    char *p2 = write_tmp("duo-ok.txt", ok_in.data, ok_in.len);
    char *want = l4r_xstrndup(ok_in.data, ok_in.len);
    upcase(want, ok_in.len);
    tctx t;
    T_EQ_INT(run_slow(p2, NULL, &t, &e), L4R_OK);
    T_EQ_MEM(t.out.data, t.out.len, want, ok_in.len);
    T_CHECK(!t.bad_order && !t.bad_line0 && !t.bad_cut && !t.bad_digest);
    T_CHECK(atomic_load(&t.off_caller)); /* the reader parsed some */
    T_CHECK(atomic_load(&t.on_caller));  /* and the writer the others */
    l4r_buf_free(&t.out);

    /* The same through gzip: only the calling thread parses. */
    char *gz2 = l4r_path_join(tmpdir, "duo-ok.txt.gz");
    g = gzopen(gz2, "wb");
    T_CHECK(g != NULL && gzwrite(g, ok_in.data, (unsigned)ok_in.len) == (int)ok_in.len && gzclose(g) == Z_OK);
    T_EQ_INT(run_slow(gz2, NULL, &t, &e), L4R_OK);
    T_EQ_MEM(t.out.data, t.out.len, want, ok_in.len);
    T_CHECK(!atomic_load(&t.off_caller) && !t.bad_digest);
    l4r_buf_free(&t.out);

    /* A record the reader parsed fails: the error is still the first in input order. */
    T_EQ_INT(run_slow(p, "boom", &t, &e), L4R_EPARSE);
    T_EQ_STR(e.msg, "line 900: bad record");
    T_CHECK(atomic_load(&t.failed_off));
    T_CHECK(t.out.len < in.len && t.lines_seen < 900);
    l4r_buf_free(&t.out);

    free(want);
    free(gz2);
    free(p2);
    free(gz);
    free(p);
    l4r_buf_free(&ok_in);
    l4r_buf_free(&in);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    test_equal_across_threads();
    test_small_cases();
    test_bom_tiny_blocks();
    test_long_records();
    test_csv_cut();
    test_first_error_wins();
    test_emit_error();
    test_two_threads();
    l4r_error e;
    l4r_rmtree(tmpdir, &e);
    return l4r_t_exit();
}
