/*
 * pipeline.c — the ordered parallel pipeline: one reader thread, N worker threads, and the
 * calling thread as the in-order writer (with N == 1, the calling thread is the worker and the
 * writer).  The design essay is docs/DESIGN.md; in short:
 *
 *  - A fixed pool of 2N+3 blocks circulates: free list -> reader (fill, cut) -> work queue ->
 *    worker (parse, no lock held) -> done ring -> writer (emit in order) -> free list.  The pool
 *    size is the back-pressure: when the writer falls behind, the reader finds no free block and
 *    waits, so memory stays bounded whatever the input size.
 *  - Blocks end on record boundaries.  The reader scans each new byte once, sixteen at a time
 *    (SSE2), counting newlines for line numbers, checking record lengths against max_record and,
 *    for CSV, tracking quote parity; the bytes after the last boundary are carried to the next
 *    block.  A record with no boundary in sight grows the block instead.
 *  - Every block has a sequence number; the writer waits for exactly the next one, so output
 *    order is input order whatever N is.  A worker error marks its sequence number; blocks after
 *    it are skipped and the reader stops early, and because the writer consumes blocks in order
 *    the first error in input order is the one it meets.
 *  - A plain file's SHA-256 is taken by the tap thread from the blocks themselves, in order: a
 *    block is free again once it is both written and hashed.
 *  - Except with one parser on a plain file (`duo`, for -j 2): then there are two threads in all.
 *    The reader hashes as it reads (the bytes are in its cache) and, when the writer already has
 *    a block waiting, parses the block it has just read before queueing it (`parsed`), so the
 *    two threads share the parsing as the load between them requires.  Four threads on two
 *    CPUs left the balancing to the scheduler at the price of more cache misses, wake-ups and
 *    page faults (docs/DESIGN.md "Two threads for -j 2").
 *  - The mutex protects only the queues and states; block contents belong to whichever stage
 *    holds the block, handed over under the mutex (clean under ThreadSanitizer).
 */
#include "pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define L4R_CUT_AVX2 1
#endif

/* A block's input buffer (64 KiB of it for the record carried over, and the NUL) is one 2 MiB huge
 * page (l4r_buf, docs/DESIGN.md "Block size"). */
#define DEFAULT_BLOCK (((size_t)2 << 20) - ((size_t)64 << 10))
#define DEFAULT_MAX_RECORD ((size_t)256 << 20)

typedef enum blk_state { B_FREE, B_QUEUED, B_DONE } blk_state;

typedef struct blk {
    l4r_chunk chunk;
    l4r_buf in;
    l4r_buf out;
    l4r_buf carried; /* chunk.state's bytes (cfg->carry) */
    l4r_status st;
    l4r_error err;
    blk_state state;
    size_t raw_off, raw_len; /* in.data[raw_off, +raw_len): bytes first read into this block */
    bool emitted, hashed;    /* a block is free again once both are true */
    bool parsed;             /* the reader parsed it already (two threads, below) */
    struct blk *next;
} blk;

typedef struct pipe_s {
    const l4r_pipe_cfg *cfg;
    l4r_source *src;
    size_t block_size;
    size_t max_record;
    pthread_mutex_t mu;
    pthread_cond_t cv_free;
    pthread_cond_t cv_work;
    pthread_cond_t cv_done;
    pthread_cond_t cv_tap;
    l4r_hasher *tap; /* the source's SHA-256, lent to the tap thread (NULL: the source hashes) */
    blk *blocks;
    size_t nblocks;
    blk *free_list;
    blk *work_head;
    blk *work_tail;
    bool duo;   /* two threads: the reader hashes, and parses when the writer is behind */
    blk **ring; /* ring[seq % nblocks]: the dispatched block with that seq */
    bool reader_done;
    uint64_t reader_seqs; /* blocks dispatched; valid once reader_done */
    l4r_status reader_st; /* ordered after every dispatched block */
    l4r_error reader_err;
    bool stop;
    uint64_t err_seq; /* lowest seq whose work failed; UINT64_MAX when none */
} pipe_s;

/* ---- record cutting ---- */

typedef struct cutter {
    bool csv;
    bool inq;           /* inside a quoted CSV field */
    uint64_t lines;     /* newlines before the scan position, whole stream */
    uint64_t rec_line;  /* 1-based line where the current record starts */
    size_t rec_start;   /* offset of the current record in the buffer */
    size_t last_cut;    /* offset just past the last boundary in the buffer; 0 = none */
    uint64_t cut_lines; /* `lines` at last_cut */
    size_t max_record;
} cutter;

/* A record of more than max_record bytes ends (or is still open) at `at`. */
static inline bool too_long(const cutter *c, size_t at)
{
    return at - c->rec_start > c->max_record;
}

static inline void boundary(cutter *c, size_t i)
{
    c->rec_start = i + 1;
    c->rec_line = c->lines + 1;
    c->last_cut = i + 1;
    c->cut_lines = c->lines;
}

#if defined(__SSE2__)
/* Bits set in a 64-bit mask, without the POPCNT instruction (not in baseline x86-64, and
 * __builtin_popcount then becomes a libgcc call). */
static inline unsigned popcount64(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

static inline uint64_t eq_mask64(const char *p, __m128i c)
{
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, c)) << (16 * k);
    }
    return m;
}

/* The n newlines at offsets i + (the set bits of m), none inside quotes unless the whole chunk is:
 * count them and cut after the last.  False when the record ending at the first was too long. */
static inline bool newlines(cutter *c, size_t i, uint64_t m, unsigned n)
{
    c->lines += n;
    if (c->inq)
        return true;
    if (too_long(c, i + (unsigned)__builtin_ctzll(m)))
        return false;
    boundary(c, i + 63 - (unsigned)__builtin_clzll(m));
    return true;
}
#endif

#ifdef L4R_CUT_AVX2
/* The 64-byte loop below with AVX2 and POPCNT, on the CPUs that have them (chosen at run time:
 * the build targets baseline x86-64): in the reader thread, which sets the pace of a gzip input,
 * it takes half the instructions of the SSE2 loop.  Returns where it stopped (a quote in a CSV
 * chunk, or fewer than 64 bytes left); *ok false when a record was too long. */
__attribute__((target("avx2,popcnt"))) static size_t cut64_avx2(cutter *c, const char *buf, size_t i,
                                                                size_t to, bool *ok)
{
    const __m256i nl = _mm256_set1_epi8('\n');
    const __m256i qu = _mm256_set1_epi8('"');
    *ok = true;
    while (to - i >= 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(buf + i + 32));
        if (c->csv && !_mm256_testz_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, qu), _mm256_cmpeq_epi8(b, qu)),
                                          _mm256_set1_epi8(-1)))
            break;
        uint64_t m = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, nl)) |
                     (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, nl)) << 32;
        if (m && !newlines(c, i, m, (unsigned)__builtin_popcountll(m))) {
            *ok = false;
            return i;
        }
        i += 64;
    }
    return i;
}

#endif

/* Scan buf[from, to).  Returns false when a record exceeds max_record (c->rec_line names it). */
static bool cut_scan(cutter *c, const char *buf, size_t from, size_t to)
{
    size_t i = from;
#ifdef L4R_CUT_AVX2
    if (c->max_record >= 64 && l4r_cpu_avx2()) {
        bool ok;
        i = cut64_avx2(c, buf, i, to, &ok);
        if (!ok)
            return false;
    }
#endif
#if defined(__SSE2__)
    if (c->max_record >= 64) {
        /* 64 bytes at a time: long JSON lines mostly skip whole chunks, short CSV lines pay one
         * popcount per chunk. */
        const __m128i nl = _mm_set1_epi8('\n');
        const __m128i qu = _mm_set1_epi8('"');
        while (to - i >= 64) {
            uint64_t m = eq_mask64(buf + i, nl);
            if (c->csv && eq_mask64(buf + i, qu))
                break; /* quotes: the 16-byte loop below takes it from here */
            if (m && !newlines(c, i, m, popcount64(m)))
                return false;
            i += 64;
        }
    }
    if (c->max_record >= 16) {
        const __m128i nl = _mm_set1_epi8('\n');
        const __m128i qu = _mm_set1_epi8('"');
        while (to - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(buf + i));
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
            unsigned q = c->csv ? (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, qu)) : 0;
            if (q == 0) {
                if (m && !newlines(c, i, m, popcount64(m)))
                    return false;
                i += 16;
                continue;
            }
            /* Quotes in this chunk: byte by byte (short, and rare outside quoted text). */
            size_t stop = i + 16;
            for (; i < stop; i++) {
                char ch = buf[i];
                if (ch == '"') {
                    c->inq = !c->inq;
                } else if (ch == '\n') {
                    c->lines++;
                    if (!c->inq) {
                        if (too_long(c, i))
                            return false;
                        boundary(c, i);
                    }
                }
            }
        }
    }
#endif
    for (; i < to; i++) {
        char ch = buf[i];
        if (ch == '"' && c->csv) {
            c->inq = !c->inq;
        } else if (ch == '\n') {
            c->lines++;
            if (!c->inq) {
                if (too_long(c, i))
                    return false;
                boundary(c, i);
            }
        }
    }
    return !too_long(c, to);
}

/* ---- queues (all called with p->mu held) ---- */

static blk *take_free(pipe_s *p)
{
    while (!p->stop && p->err_seq == UINT64_MAX && !p->free_list)
        pthread_cond_wait(&p->cv_free, &p->mu);
    if (p->stop || p->err_seq != UINT64_MAX)
        return NULL;
    blk *b = p->free_list;
    p->free_list = b->next;
    b->next = NULL;
    return b;
}

static void dispatch(pipe_s *p, blk *b)
{
    b->state = B_QUEUED;
    b->emitted = b->hashed = false;
    b->next = NULL;
    p->ring[b->chunk.seq % p->nblocks] = b;
    if (p->work_tail)
        p->work_tail->next = b;
    else
        p->work_head = b;
    p->work_tail = b;
    pthread_cond_signal(&p->cv_work);
    if (p->tap)
        pthread_cond_signal(&p->cv_tap);
}

/* Back to the free list (p->mu held); a block grown for a huge record gives its memory back. */
static void make_free(pipe_s *p, blk *b)
{
    if (b->in.cap > 4 * p->block_size + (1u << 16))
        l4r_buf_free(&b->in);
    if (b->out.cap > 4 * p->block_size + (1u << 16))
        l4r_buf_free(&b->out);
    p->ring[b->chunk.seq % p->nblocks] = NULL;
    b->state = B_FREE;
    b->next = p->free_list;
    p->free_list = b;
    pthread_cond_signal(&p->cv_free);
}

/* The writer is done with b: it is free once the tap has hashed it too. */
static void recycle(pipe_s *p, blk *b)
{
    pthread_mutex_lock(&p->mu);
    b->emitted = true;
    if (!p->tap || b->hashed)
        make_free(p, b);
    pthread_mutex_unlock(&p->mu);
}

/* Run the converter's work on b into b's own output and error. */
static l4r_status parse_block(const l4r_pipe_cfg *cfg, blk *b)
{
    l4r_buf_reset(&b->out);
    b->err.status = L4R_OK;
    b->err.msg[0] = 0;
    return cfg->work(cfg->ctx, &b->chunk, &b->out, &b->err);
}

/* ---- reader thread ---- */

typedef struct rstate {
    pipe_s *p;
    cutter c;
    blk *b;         /* the block being filled (owned by the reader) */
    size_t fill;    /* bytes in b->in */
    size_t scanned; /* bytes of b->in already scanned */
    size_t room;    /* fill b->in up to this many bytes */
    bool eof;
    uint64_t seq;
    uint64_t line0;   /* line of b's first byte */
    size_t raw_start; /* b->in[raw_start, fill) was read into b (before it: carried over) */
    bool tap_here;    /* the reader hashes what it reads (the first block, which it edits) */
    bool started;     /* the first block (BOM, header) is behind */
    l4r_buf carry;
    l4r_buf state;   /* cfg->carry: what the blocks so far left */
    bool have_state; /* ... once one of them left any */
    l4r_buf next_state;
} rstate;

/* Read until b->in is full (its capacity minus the NUL slot) or the source ends. */
static l4r_status fill_block(rstate *r, l4r_error *e)
{
    l4r_buf *in = &r->b->in;
    while (!r->eof && r->fill < r->room) {
        if (l4r_interrupted)
            return l4r_err(e, L4R_EINTR, "interrupted");
        size_t got = 0;
        l4r_status st = l4r_source_read(r->p->src, in->data + r->fill, r->room - r->fill, &got, e);
        if (st)
            return st;
        if (got == 0)
            r->eof = true;
        if (r->tap_here)
            l4r_hasher_update(r->p->tap, in->data + r->fill, got);
        r->fill += got;
    }
    return L4R_OK;
}

static l4r_status record_too_long(rstate *r, l4r_error *e)
{
    return l4r_err(e, L4R_EPARSE, "'%s' %s %llu: record longer than %zu bytes%s", l4r_source_name(r->p->src),
                   r->p->cfg->unit ? r->p->cfg->unit : "line", (unsigned long long)r->c.rec_line,
                   r->p->max_record, r->c.csv ? " (an unbalanced quote?)" : "");
}

/* Grow the block so a long record can keep filling it. */
static void grow_block(rstate *r)
{
    l4r_buf *in = &r->b->in;
    in->len = r->fill;
    l4r_buf_reserve(in, in->cap); /* about doubles */
    r->room = in->cap - 1;
}

/* The first record goes to on_header and is removed from the stream (kept with header_keep). */
static l4r_status take_header(rstate *r, l4r_error *e)
{
    pipe_s *p = r->p;
    char *d = r->b->in.data;
    size_t h = 0;
    bool inq = false;
    l4r_status st;
    for (;;) {
        for (; h < r->fill; h++) {
            if (d[h] == '"' && r->c.csv)
                inq = !inq;
            else if (d[h] == '\n' && !inq)
                break;
        }
        if (h < r->fill || r->eof)
            break;
        if (h > p->max_record) {
            r->c.rec_line = 1;
            return record_too_long(r, e);
        }
        grow_block(r);
        d = r->b->in.data;
        st = fill_block(r, e);
        if (st)
            return st;
    }
    if (r->fill == 0)
        return L4R_OK; /* empty input: no header */
    size_t len = h;
    if (len > 0 && h < r->fill && d[len - 1] == '\r')
        len--;
    if (p->cfg->on_header) {
        st = p->cfg->on_header(p->cfg->ctx, d, len, e);
        if (st)
            return st;
    }
    if (p->cfg->header_keep)
        return L4R_OK; /* a look at the first record, which the blocks still read */
    uint64_t nl = 0;
    for (size_t i = 0; i < h; i++)
        nl += d[i] == '\n';
    size_t drop = h < r->fill ? h + 1 : h;
    nl += h < r->fill;
    memmove(d, d + drop, r->fill - drop);
    r->fill -= drop;
    r->c.lines = nl;
    r->c.rec_line = nl + 1;
    r->line0 = nl + 1;
    return L4R_OK;
}

/* The next block of whole records, cut and numbered: *out, or NULL at the end of the input (or
 * when the run is stopping).  The block is the caller's. */
static l4r_status read_block(rstate *r, blk **out, l4r_error *e)
{
    pipe_s *p = r->p;
    l4r_status st;
    *out = NULL;
    if (r->eof)
        return L4R_OK; /* the previous block was the last */
    pthread_mutex_lock(&p->mu);
    r->b = take_free(p);
    pthread_mutex_unlock(&p->mu);
    if (!r->b)
        return L4R_OK;
    /* New block: carry first, then at least block_size bytes of room. */
    l4r_buf *in = &r->b->in;
    in->len = 0;
    l4r_buf_reserve(in, r->carry.len + p->block_size);
    if (r->carry.len)
        memcpy(in->data, r->carry.data, r->carry.len);
    r->fill = r->carry.len;
    r->room = r->carry.len + p->block_size;
    r->scanned = r->carry.len;
    r->raw_start = r->carry.len;
    r->carry.len = 0;
    if (!r->started && r->room < 3)
        r->room = 3; /* a BOM is three bytes: see them together whatever the block size */
    st = fill_block(r, e);
    if (st)
        return st;
    if (!r->started) {
        r->started = true;
        char *d = in->data;
        if (r->fill >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
            memmove(d, d + 3, r->fill - 3);
            r->fill -= 3;
        }
        if (p->cfg->header_lines > 0) {
            st = take_header(r, e);
            if (st)
                return st;
        }
        r->scanned = 0;
    }
    /* Scan; grow while no boundary is in sight. */
    for (;;) {
        if (!cut_scan(&r->c, r->b->in.data, r->scanned, r->fill))
            return record_too_long(r, e);
        r->scanned = r->fill;
        if (r->c.last_cut > 0 || r->eof)
            break;
        grow_block(r);
        st = fill_block(r, e);
        if (st)
            return st;
    }
    size_t cut = r->eof ? r->fill : r->c.last_cut;
    /* An unterminated quote at EOF is delivered as it is: the CSV scanner reports it. */
    if (cut == 0) {
        /* Nothing left (empty input, or input ended on a boundary). */
        pthread_mutex_lock(&p->mu);
        r->b->next = p->free_list;
        p->free_list = r->b;
        r->b = NULL;
        pthread_mutex_unlock(&p->mu);
        return L4R_OK;
    }
    l4r_buf_add(&r->carry, r->b->in.data + cut, r->fill - cut);
    r->b->chunk.seq = r->seq++;
    r->b->chunk.data = r->b->in.data;
    r->b->chunk.len = cut;
    r->b->chunk.line0 = r->line0;
    r->b->chunk.src_pos = l4r_source_disk_read(r->p->src);
    r->b->chunk.state = NULL;
    r->b->chunk.state_len = 0;
    if (p->cfg->carry) {
        if (r->have_state) {
            l4r_buf_reset(&r->b->carried);
            l4r_buf_reserve(&r->b->carried, r->state.len); /* data not NULL, even for an empty state */
            l4r_buf_add(&r->b->carried, r->state.data, r->state.len);
            r->b->chunk.state = r->b->carried.data;
            r->b->chunk.state_len = r->b->carried.len;
        }
        l4r_buf_reset(&r->next_state);
        if (p->cfg->carry(p->cfg->ctx, r->b->in.data, cut, &r->next_state)) {
            l4r_buf tmp = r->state;
            r->state = r->next_state;
            r->next_state = tmp;
            r->have_state = true;
        }
    }
    r->b->raw_off = r->raw_start;
    r->b->raw_len = r->tap_here ? 0 : r->fill - r->raw_start;
    r->tap_here = false;
    r->line0 = r->c.cut_lines + 1;
    /* Rebase the cutter onto the carry. */
    r->c.rec_start -= r->c.last_cut <= r->c.rec_start ? r->c.last_cut : r->c.rec_start;
    r->c.last_cut = 0;
    *out = r->b;
    r->b = NULL;
    return L4R_OK;
}

static l4r_status reader_run(rstate *r, l4r_error *e)
{
    pipe_s *p = r->p;
    r->line0 = 1;
    r->c.rec_line = 1;
    for (;;) {
        blk *b;
        l4r_status st = read_block(r, &b, e);
        if (st || !b)
            return st;
        if (p->cfg->threads == 0) {
            /* No threads: the block is parsed and written right here, before the next read. */
            l4r_buf_reset(&b->out);
            st = p->cfg->work(p->cfg->ctx, &b->chunk, &b->out, e);
            if (!st)
                st = p->cfg->emit(p->cfg->ctx, &b->chunk, &b->out, e);
            if (!st && l4r_interrupted)
                st = l4r_err(e, L4R_EINTR, "interrupted");
            recycle(p, b);
            if (st)
                return st;
        } else {
            pthread_mutex_lock(&p->mu);
            b->parsed = false;
            if (p->duo && p->work_head) {
                /* The writer has a block waiting already: parse this one here, while it is still
                 * in this CPU's cache, rather than wait for a free block. */
                pthread_mutex_unlock(&p->mu);
                b->st = parse_block(p->cfg, b);
                b->parsed = true;
                pthread_mutex_lock(&p->mu);
            }
            dispatch(p, b);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

static void *reader_main(void *arg)
{
    pipe_s *p = arg;
    rstate r;
    memset(&r, 0, sizeof r);
    r.p = p;
    r.c.csv = p->cfg->cut == L4R_CUT_CSV;
    r.c.max_record = p->max_record;
    r.tap_here = p->tap != NULL; /* the first block: see read_block */
    l4r_error err;
    err.status = L4R_OK;
    err.msg[0] = 0;
    l4r_status st = reader_run(&r, &err);
    pthread_mutex_lock(&p->mu);
    if (r.b) {
        r.b->next = p->free_list;
        p->free_list = r.b;
    }
    p->reader_done = true;
    p->reader_seqs = r.seq;
    p->reader_st = st;
    p->reader_err = err;
    pthread_cond_broadcast(&p->cv_work);
    pthread_cond_broadcast(&p->cv_done);
    pthread_cond_broadcast(&p->cv_tap);
    pthread_mutex_unlock(&p->mu);
    l4r_buf_free(&r.carry);
    l4r_buf_free(&r.state);
    l4r_buf_free(&r.next_state);
    return NULL;
}

/* ---- workers ---- */

static void *worker_main(void *arg)
{
    pipe_s *p = arg;
    const l4r_pipe_cfg *cfg = p->cfg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !p->work_head && !p->reader_done)
            pthread_cond_wait(&p->cv_work, &p->mu);
        if (p->stop || !p->work_head)
            break;
        blk *b = p->work_head;
        p->work_head = b->next;
        if (!p->work_head)
            p->work_tail = NULL;
        bool skip = b->chunk.seq > p->err_seq;
        pthread_mutex_unlock(&p->mu);
        l4r_status st = skip ? L4R_OK : parse_block(cfg, b);
        pthread_mutex_lock(&p->mu);
        b->st = st;
        b->state = B_DONE;
        if (st && b->chunk.seq < p->err_seq) {
            p->err_seq = b->chunk.seq;
            pthread_cond_broadcast(&p->cv_free); /* the reader may stop now */
        }
        pthread_cond_signal(&p->cv_done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- the tap: the input's SHA-256, from the blocks ---- */

/* Hashes each block's newly read bytes in block order, with no lock held and no copy: the workers
 * only read a block, so its bytes stay as read until both the writer and the tap are done. */
static void *tap_main(void *arg)
{
    pipe_s *p = arg;
    pthread_mutex_lock(&p->mu);
    for (uint64_t next = 0;; next++) {
        blk *b;
        for (;;) {
            b = p->ring[next % p->nblocks];
            if (b && b->chunk.seq == next && b->state != B_FREE)
                break;
            b = NULL;
            if (p->stop || (p->reader_done && next >= p->reader_seqs))
                break;
            pthread_cond_wait(&p->cv_tap, &p->mu);
        }
        if (!b)
            break;
        pthread_mutex_unlock(&p->mu);
        if (b->raw_len)
            l4r_hasher_update(p->tap, b->in.data + b->raw_off, b->raw_len);
        pthread_mutex_lock(&p->mu);
        b->hashed = true;
        if (b->emitted)
            make_free(p, b);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- the writer (calling thread) ---- */

static void timed_wait(pthread_cond_t *cv, pthread_mutex_t *mu)
{
    /* Bounded so that a signal (l4r_interrupted) is noticed within 100 ms. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 100 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(cv, mu, &ts);
}

/* The calling thread's loop: the next block in order, and its emit.  With N >= 2 parsers the
 * blocks come parsed from the done ring; with one (`parse`) they come from the work queue, whose
 * only consumer this thread is, so in order too, and are parsed here first. */
static l4r_status write_in_order(pipe_s *p, bool parse, l4r_error *e)
{
    const l4r_pipe_cfg *cfg = p->cfg;
    for (uint64_t next = 0;; next++) {
        pthread_mutex_lock(&p->mu);
        blk *b;
        l4r_status st = L4R_OK;
        for (;;) {
            b = parse ? p->work_head : p->ring[next % p->nblocks];
            if (b && parse) {
                p->work_head = b->next;
                if (!p->work_head)
                    p->work_tail = NULL;
                break;
            }
            if (b && b->chunk.seq == next && b->state == B_DONE)
                break;
            b = NULL;
            if (p->reader_done && (parse || next == p->reader_seqs)) {
                st = p->reader_st;
                if (st && e)
                    *e = p->reader_err;
                break;
            }
            if (l4r_interrupted) {
                st = l4r_err(e, L4R_EINTR, "interrupted");
                break;
            }
            timed_wait(parse ? &p->cv_work : &p->cv_done, &p->mu);
        }
        pthread_mutex_unlock(&p->mu);
        if (!b)
            return st;
        if (parse && !b->parsed)
            b->st = parse_block(cfg, b);
        if (b->st) {
            if (e) {
                *e = b->err;
                e->status = b->st;
            }
            return b->st;
        }
        st = cfg->emit(cfg->ctx, &b->chunk, &b->out, e);
        if (!st && l4r_interrupted)
            st = l4r_err(e, L4R_EINTR, "interrupted");
        if (st)
            return st;
        recycle(p, b);
    }
}

bool l4r_pipeline_duo(const l4r_source *src, int threads)
{
    return threads == 1 && l4r_source_plain(src);
}

static void pipe_free(pipe_s *p)
{
    for (size_t i = 0; i < p->nblocks; i++) {
        l4r_buf_free(&p->blocks[i].in);
        l4r_buf_free(&p->blocks[i].out);
        l4r_buf_free(&p->blocks[i].carried);
    }
    free(p->blocks);
    free(p->ring);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv_free);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_done);
    pthread_cond_destroy(&p->cv_tap);
}

l4r_status l4r_pipeline_run(l4r_source *src, const l4r_pipe_cfg *cfg, l4r_error *e)
{
    if (!cfg->work || !cfg->emit || cfg->threads < 0)
        return l4r_err(e, L4R_EINTERNAL, "pipeline: bad configuration");
    pipe_s p;
    memset(&p, 0, sizeof p);
    p.cfg = cfg;
    p.src = src;
    p.block_size = cfg->block_size ? cfg->block_size : DEFAULT_BLOCK;
    p.max_record = cfg->max_record ? cfg->max_record : DEFAULT_MAX_RECORD;
    p.err_seq = UINT64_MAX;
    p.nblocks = 2 * (size_t)cfg->threads + 3;
    p.blocks = l4r_xcalloc(p.nblocks, sizeof *p.blocks);
    p.ring = l4r_xcalloc(p.nblocks, sizeof *p.ring);
    for (size_t i = 0; i < p.nblocks; i++) {
        p.blocks[i].next = p.free_list;
        p.free_list = &p.blocks[i];
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv_free, NULL);
    pthread_cond_init(&p.cv_work, NULL);
    pthread_cond_init(&p.cv_done, NULL);
    pthread_cond_init(&p.cv_tap, NULL);

    if (cfg->threads == 0) {
        /* The same reader loop, which then parses and writes each block itself. */
        reader_main(&p);
        l4r_status st = p.reader_st;
        if (st && e)
            *e = p.reader_err;
        pipe_free(&p);
        return st;
    }
    /* With more parsers, a plain file's SHA-256 moves off the reader to the tap thread (the
     * source hashes it otherwise). */
    pthread_t tap;
    bool tap_started = false;
    p.duo = l4r_pipeline_duo(src, cfg->threads);
    p.tap = p.duo ? NULL : l4r_source_lend_hash(src);
    l4r_status st = L4R_OK;
    if (p.tap) {
        if (pthread_create(&tap, NULL, tap_main, &p) == 0) {
            tap_started = true;
        } else {
            l4r_source_return_hash(src, p.tap, true);
            p.tap = NULL;
        }
    }
    pthread_t reader;
    /* One parser is the calling thread itself, which then writes each block as soon as it has
     * parsed it, while the output is still in its cache; more parsers get threads of their own. */
    int nthreads = cfg->threads > 1 ? cfg->threads : 0;
    pthread_t *workers = l4r_xcalloc((size_t)cfg->threads, sizeof *workers);
    int nworkers = 0;
    bool reader_started = false;
    if (pthread_create(&reader, NULL, reader_main, &p) != 0) {
        st = l4r_err(e, L4R_EINTERNAL, "cannot start the reader thread: %s", strerror(errno));
        goto out;
    }
    reader_started = true;
    for (; nworkers < nthreads; nworkers++) {
        if (pthread_create(&workers[nworkers], NULL, worker_main, &p) != 0) {
            st = l4r_err(e, L4R_EINTERNAL, "cannot start a worker thread: %s", strerror(errno));
            goto out;
        }
    }
    st = write_in_order(&p, nthreads == 0, e);
out:
    if (st == L4R_OK && tap_started) {
        pthread_join(tap, NULL); /* it ends once it has hashed the last block */
        tap_started = false;
    }
    pthread_mutex_lock(&p.mu);
    p.stop = true;
    pthread_cond_broadcast(&p.cv_free);
    pthread_cond_broadcast(&p.cv_work);
    pthread_cond_broadcast(&p.cv_tap);
    pthread_mutex_unlock(&p.mu);
    if (reader_started)
        pthread_join(reader, NULL);
    for (int i = 0; i < nworkers; i++)
        pthread_join(workers[i], NULL);
    if (tap_started)
        pthread_join(tap, NULL);
    if (p.tap)
        l4r_source_return_hash(src, p.tap, st == L4R_OK);
    free(workers);
    pipe_free(&p);
    return st;
}
