/*
 * pipeline.h — the ordered parallel pipeline (pigz's read -> work -> write, STYLE.md item 11).
 *
 * The reader (a dedicated thread) cuts the source into numbered blocks of whole records; N worker
 * threads run cfg->work on blocks with no lock held; the calling thread runs cfg->emit on the
 * results strictly in block order.  At most 2N+3 blocks are in flight, so reading cannot outrun
 * writing and memory stays bounded whatever the input size.  The first error in input order is
 * the one reported; later blocks are discarded.  threads == 0 runs the very same code with no
 * threads at all: the calling thread reads, parses and writes each block in turn; threads == 1
 * makes the calling thread the one parser, writing each block right after parsing it.
 *
 * threads == 1 on a plain file (l4r_pipeline_duo) runs on two threads in all, one per CPU of
 * `-j 2`: the reader also hashes what it reads (the source's own SHA-256) and, whenever the
 * writer already has a block waiting, parses the block it has just read itself before handing it
 * on; the calling thread parses the rest and writes everything.  The caller should then hash its
 * output inline too.  Otherwise, with threads, a plain file's SHA-256 (l4r_source_lend_hash) is
 * taken by a tap thread straight from the blocks, in order, while they are parsed and written.
 * Either way l4r_source_file_digest is the file's once the run is over.
 *
 * Block cutting: L4R_CUT_LINES cuts after a '\n'; L4R_CUT_CSV cuts only at a '\n' outside double
 * quotes (RFC 4180 fields may hold newlines), tracking quote state across the whole stream.
 * A record longer than cfg->max_record is an L4R_EPARSE error naming the line.  A missing final
 * newline is fine (the last record is still delivered).  A UTF-8 BOM at the start is dropped.
 */
#ifndef L4R_PIPELINE_H
#define L4R_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "llm4rec_data.h"
#include "reader.h"
#include "util.h"

typedef enum l4r_cut_mode { L4R_CUT_LINES, L4R_CUT_CSV } l4r_cut_mode;

typedef struct l4r_chunk {
    uint64_t seq;     /* 0, 1, 2, ... in input order */
    const char *data; /* whole records; the last may lack its '\n' only in the final block */
    size_t len;
    uint64_t line0; /* 1-based physical line number of data[0] in the source */
    /* With cfg->carry: what the records before this block left (the reader's state as it was
     * before the block); NULL when they left none.  Valid while the block is worked on. */
    const char *state;
    size_t state_len;
    uint64_t src_pos; /* the source's bytes on disk read when the block was cut (for progress) */
} l4r_chunk;

typedef struct l4r_pipe_cfg {
    int threads;       /* worker threads; 0 = none, everything in the calling thread */
    size_t block_size; /* target bytes per block; default 2 MiB less 64 KiB when 0 */
    size_t max_record; /* default 256 MiB when 0 */
    const char *unit;  /* what numbers a record in messages: NULL "line", or "element" */
    l4r_cut_mode cut;
    int header_lines; /* 0 or 1: the first line goes to on_header, not to any block */
    bool header_keep; /* with header_lines: on_header sees the first record, which stays a record */
    /* Reader thread, before any block is handed out.  May be NULL. */
    l4r_status (*on_header)(void *ctx, const char *line, size_t len, l4r_error *e);
    /* Worker threads (with l4r_pipeline_duo: the reader and the calling thread), concurrently on
     * different blocks: parse `in`, append results to `out` (reset to empty before each call).
     * Must not touch shared state without its own lock, nor write to `in` (the tap may be hashing
     * it meanwhile). */
    l4r_status (*work)(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e);
    /* Calling thread, strictly in block order.  May take out's memory by swapping it for another
     * buffer (l4r_out_write_buf): the block keeps whatever buffer it is left with. */
    l4r_status (*emit)(void *ctx, const l4r_chunk *in, l4r_buf *out, l4r_error *e);
    /* Reader thread, once per block as it is cut, in input order (may be NULL): the state a block
     * leaves for the blocks after it, from its bytes [data, data + len).  Return true with the new
     * state in *state (reset, then filled), false to keep the state of the blocks before.  Each
     * chunk carries the state before it (l4r_chunk.state), so that a worker starts where the
     * records before its block left off: a table's "block_header", the last 'N:' line. */
    bool (*carry)(void *ctx, const char *data, size_t len, l4r_buf *state);
    void *ctx;
} l4r_pipe_cfg;

/* Run to the end of src.  Returns the first error in input order, or L4R_EINTR when
 * l4r_interrupted is set. */
l4r_status l4r_pipeline_run(l4r_source *src, const l4r_pipe_cfg *cfg, l4r_error *e);

/* Whether a run with this many worker threads takes the two-thread shape above (threads == 1 and
 * a plain file): the caller keeps the hash of what it writes on its own thread then. */
bool l4r_pipeline_duo(const l4r_source *src, int threads);

#endif
