/*
 * fuzz_pipeline.c — libFuzzer harness for the block cutter and the readers: the input (after a
 * 2-byte header choosing block size, cut mode and threads) goes to a file, through
 * l4r_source_open (so gzip/zip/... inputs exercise the inflaters) and l4r_pipeline_run with an
 * identity worker.  For plain input the emitted bytes must equal the input (minus a BOM), and in
 * CSV mode every block but the last must hold an even number of quotes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef struct fctx {
    l4r_buf out;
    bool csv;
    bool odd_before; /* the previous block had an odd quote count */
    bool odd;        /* ... and was not the last one */
} fctx;

static l4r_status work(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    l4r_buf_add(out, in->data, in->len);
    return L4R_OK;
}

static l4r_status emit(void *vctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e)
{
    fctx *c = vctx;
    size_t q = 0;
    for (size_t i = 0; i < in->len; i++)
        q += in->data[i] == '"';
    /* Only the final block may hold an unbalanced quote (it ends at EOF, not at a boundary). */
    if (c->odd_before)
        c->odd = true;
    c->odd_before = c->csv && (q & 1);
    l4r_buf_add(&c->out, out->data, out->len);
    return L4R_OK;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 2)
        return 0;
    char path[] = "/tmp/l4r-fuzz-pipe.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    if (write(fd, data + 2, size - 2) != (ssize_t)(size - 2))
        abort();
    close(fd);
    l4r_source *src;
    l4r_error e;
    if (l4r_source_open(&src, path, NULL, &e) == L4R_OK) {
        fctx c = { { 0 }, (data[0] & 1) != 0, false, false };
        l4r_pipe_cfg cfg = { 0 };
        cfg.threads = 1 + (data[0] >> 6);
        cfg.block_size = 1 + data[1];
        cfg.max_record = (data[0] & 2) ? 64 : 0;
        cfg.cut = c.csv ? L4R_CUT_CSV : L4R_CUT_LINES;
        cfg.work = work;
        cfg.emit = emit;
        cfg.ctx = &c;
        l4r_status st = l4r_pipeline_run(src, &cfg, &e);
        const unsigned char *in = data + 2;
        size_t n = size - 2;
        bool plain = n < 2 || !(in[0] == 0x1f && in[1] == 0x8b);
        if (n >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) {
            in += 3;
            n -= 3;
        }
        if (st == L4R_OK && plain && n < 262 && (c.out.len != n || (n && memcmp(c.out.data, in, n) != 0)))
            abort();
        if (c.odd)
            abort();
        l4r_buf_free(&c.out);
        l4r_source_close(src);
    }
    unlink(path);
    return 0;
}
