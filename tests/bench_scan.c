/*
 * bench_scan.c — throughput micro-benchmark of the throughput core (not a test): MB/s of each
 * scanner on synthetic records shaped like the real datasets, of jansson on the same JSON (the
 * reference), of the pipeline's reader+cutter, and of gzip inflation with ISA-L and zlib.
 *
 *   make bench-scan && build/bench_scan [MB]      (default: 200 MB of input per measurement)
 *
 * Numbers measured on the development machine are recorded in docs/DESIGN.md.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "scan/scan.h"
#include "pipeline.h"
#include "reader.h"
#include "util.h"

static uint64_t rs = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

static void words(l4r_buf *b, int n)
{
    static const char *const w[] = { "great", "product", "the", "and", "its", "really", "works", "well", "for",
                                     "price", "would", "buy", "again", "quality", "\\u00e9t\\u00e9", "fast" };
    for (int i = 0; i < n; i++) {
        if (i)
            l4r_buf_addc(b, ' ');
        l4r_buf_adds(b, w[rnd() % 16]);
    }
}

/* Lines of roughly `target` bytes in total. */
static void gen(l4r_buf *b, int kind, size_t target)
{
    while (b->len < target) {
        unsigned u = (unsigned)(rnd() % 1000000), it = (unsigned)(rnd() % 100000);
        unsigned ts = 900000000u + (unsigned)(rnd() % 400000000);
        switch (kind) {
        case 0: /* ml-1m ratings.dat */
            l4r_buf_addf(b, "%u::%u::%u::%u\n", u, it, (unsigned)(rnd() % 5 + 1), ts);
            break;
        case 1: /* CSV with some quoted fields */
            l4r_buf_addf(b, "%u,\"Title, The (%u)\",Comedy|Drama,%u\n", it, 1900 + (unsigned)(rnd() % 120), ts);
            break;
        case 2: /* Amazon 2014 review line */
            l4r_buf_addf(b, "{\"reviewerID\": \"A%uXYZ\", \"asin\": \"%010u\", \"reviewerName\": \"Some Name\", "
                            "\"helpful\": [%u, %u], \"reviewText\": \"", u, it, (unsigned)(rnd() % 9), (unsigned)(rnd() % 9));
            words(b, 20 + (int)(rnd() % 60));
            l4r_buf_addf(b, "\", \"overall\": %u.0, \"summary\": \"", (unsigned)(rnd() % 5 + 1));
            words(b, 4);
            l4r_buf_addf(b, "\", \"unixReviewTime\": %u, \"reviewTime\": \"01 30, 2014\"}\n", ts);
            break;
        default: /* Steam v2 review, Python 2 repr */
            l4r_buf_addf(b, "{u'username': u'user%u', u'hours': %u.%u, u'products': %u, u'product_id': u'%u', "
                            "u'page_order': 0, u'date': u'2017-12-17', u'text': u'", u, (unsigned)(rnd() % 900),
                         (unsigned)(rnd() % 10), (unsigned)(rnd() % 300), it);
            words(b, 20 + (int)(rnd() % 60));
            l4r_buf_adds(b, "', u'early_access': False, u'page': 1}\n");
            break;
        }
    }
}

static double mbps(size_t bytes, double secs)
{
    return (double)bytes / 1e6 / secs;
}

typedef size_t (*scan_fn)(const char *p, const char *end, void *arg, l4r_buf *scratch);

/* Run fn over every line of `in`, as often as needed to cover `total` bytes. */
static double run_lines(const l4r_buf *in, size_t total, scan_fn fn, void *arg)
{
    l4r_buf scratch = { 0 };
    size_t done = 0, sink = 0;
    double t0 = l4r_now();
    while (done < total) {
        const char *p = in->data, *end = in->data + in->len;
        while (p < end) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            l4r_buf_reset(&scratch);
            sink += fn(p, nl, arg, &scratch);
            p = nl + 1;
        }
        done += in->len;
    }
    double dt = l4r_now() - t0;
    l4r_buf_free(&scratch);
    if (sink == 42)
        printf(" ");
    return mbps(done, dt);
}

static size_t f_delim(const char *p, const char *end, void *arg, l4r_buf *s)
{
    l4r_span f[8];
    return l4r_split_delim(p, end, "::", 2, f, 8) + f[1].n;
}

static size_t f_csv(const char *p, const char *end, void *arg, l4r_buf *s)
{
    l4r_span f[8];
    size_t nf;
    l4r_error e;
    const char *q = p;
    if (l4r_csv_record(&q, end, ',', f, 8, &nf, s, &e))
        abort();
    return nf + f[1].n;
}

static size_t f_json(const char *p, const char *end, void *arg, l4r_buf *s)
{
    l4r_span out[4];
    l4r_vkind k[4];
    l4r_error e;
    if (l4r_json_fields(p, end, arg, out, k, s, &e))
        abort();
    return out[0].n + out[2].n;
}

static size_t f_jansson(const char *p, const char *end, void *arg, l4r_buf *s)
{
    json_t *j = json_loadb(p, (size_t)(end - p), 0, NULL);
    if (!j)
        abort();
    size_t n = json_string_length(json_object_get(j, "reviewerID"));
    json_decref(j);
    return n;
}

static size_t f_pylit(const char *p, const char *end, void *arg, l4r_buf *s)
{
    l4r_span out[4];
    l4r_vkind k[4];
    l4r_error e;
    if (l4r_pylit_fields(p, end, arg, out, k, s, &e))
        abort();
    return out[0].n + out[2].n;
}

static l4r_status nop_work(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    return L4R_OK;
}

static l4r_status count_emit(void *ctx, const l4r_chunk *in, const l4r_buf *out, l4r_error *e)
{
    *(size_t *)ctx += in->len;
    return L4R_OK;
}

static double read_all(const char *path, bool pipeline, int threads, l4r_cut_mode cut, size_t *bytes)
{
    l4r_source *s;
    l4r_error e;
    if (l4r_source_open(&s, path, NULL, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        exit(1);
    }
    size_t total = 0;
    double t0 = l4r_now();
    if (pipeline) {
        l4r_pipe_cfg cfg = { .threads = threads, .cut = cut, .work = nop_work, .emit = count_emit, .ctx = &total };
        if (l4r_pipeline_run(s, &cfg, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            exit(1);
        }
    } else {
        size_t cap = 4 << 20, got;
        char *buf = l4r_xmalloc(cap);
        while (l4r_source_read(s, buf, cap, &got, &e) == L4R_OK && got)
            total += got;
        free(buf);
    }
    double dt = l4r_now() - t0;
    l4r_source_close(s);
    *bytes = total;
    return mbps(total, dt);
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 200;
    size_t total = mb << 20;
    const char *jkeys[] = { "reviewerID", "asin", "overall", "unixReviewTime" };
    const char *pkeys[] = { "username", "product_id", "date", "hours" };
    l4r_keyset *jks = l4r_keyset_new(jkeys, 4);
    l4r_keyset *pks = l4r_keyset_new(pkeys, 4);
    l4r_buf d[4] = { { 0 }, { 0 }, { 0 }, { 0 } };
    for (int k = 0; k < 4; k++)
        gen(&d[k], k, 16 << 20);
    printf("scanner                       MB/s   (%zu MB per measurement)\n", mb);
    printf("split_delim '::' (ml-1m)   %7.0f\n", run_lines(&d[0], total, f_delim, NULL));
    printf("csv_record (quoted titles) %7.0f\n", run_lines(&d[1], total, f_csv, NULL));
    printf("json_fields (Amazon 2014)  %7.0f\n", run_lines(&d[2], total, f_json, jks));
    printf("jansson json_loadb (ref.)  %7.0f\n", run_lines(&d[2], total / 4, f_jansson, NULL));
    printf("pylit_fields (Steam v2)    %7.0f\n", run_lines(&d[3], total, f_pylit, pks));

    /* files: plain text and its gzip, read raw and through the pipeline */
    char dir[] = "/tmp/l4r-bench.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *plain = l4r_path_join(dir, "reviews.json");
    char *gz = l4r_path_join(dir, "reviews.json.gz");
    l4r_buf big = { 0 };
    while (big.len < total / 2)
        l4r_buf_add(&big, d[2].data, d[2].len);
    l4r_error e;
    l4r_write_file_atomic(plain, big.data, big.len, &e);
    gzFile g = gzopen(gz, "wb6");
    gzwrite(g, big.data, (unsigned)big.len);
    gzclose(g);
    size_t n;
    printf("\nreader (%zu MB of JSON lines)  MB/s of output\n", big.len >> 20);
    printf("plain read + sha256        %7.0f\n", read_all(plain, false, 1, L4R_CUT_LINES, &n));
    unsetenv("L4R_FORCE_ZLIB");
    printf("gzip inflate, %-6s       %7.0f\n", l4r_gzip_backend(), read_all(gz, false, 1, L4R_CUT_LINES, &n));
    setenv("L4R_FORCE_ZLIB", "1", 1);
    printf("gzip inflate, %-6s       %7.0f\n", l4r_gzip_backend(), read_all(gz, false, 1, L4R_CUT_LINES, &n));
    unsetenv("L4R_FORCE_ZLIB");
    printf("pipeline cut lines -j1     %7.0f\n", read_all(plain, true, 1, L4R_CUT_LINES, &n));
    printf("pipeline cut csv   -j1     %7.0f\n", read_all(plain, true, 1, L4R_CUT_CSV, &n));
    printf("pipeline .gz (%s) -j2   %7.0f\n", l4r_gzip_backend(), read_all(gz, true, 2, L4R_CUT_LINES, &n));
    unlink(plain);
    unlink(gz);
    rmdir(dir);
    free(plain);
    free(gz);
    l4r_buf_free(&big);
    for (int k = 0; k < 4; k++)
        l4r_buf_free(&d[k]);
    l4r_keyset_free(jks);
    l4r_keyset_free(pks);
    return 0;
}
