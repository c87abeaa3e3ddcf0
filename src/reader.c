/*
 * reader.c — byte sources: plain files, gzip (ISA-L igzip or zlib), and everything else through
 * libarchive (archive members, bzip2/xz/zstd single files).
 *
 * How: the file is opened once and read front to back with large read() calls; every byte read
 * from disk also goes through the SHA-256 hasher, so the manifest digest costs no second pass.
 * The kind is sniffed from the first bytes (pread, so the sequential stream and the hash are not
 * disturbed).  Plain files are read straight into the caller's buffer (the pipeline's block), so
 * the only copy is the kernel's.  Gzip is inflated here, in the pipeline's reader thread: ISA-L's
 * igzip inflates about five times faster than zlib on this machine (docs/DESIGN.md).  Gzip
 * members follow one another until the file ends (multi-member files such as pigz/bgzip output).
 * libarchive is driven through a read callback over the same descriptor, so archive members are
 * streamed without unpacking to disk and still hashed on the way.
 *
 * With l4r_source_hash_aside() the digest moves to a thread of its own that hashes the file
 * behind the reader: it preads only bytes the reader has already read (so they are in the page
 * cache and the disk is read once), and the reader's thread is left to reading and inflating.
 * A plain file can instead lend its hasher to the caller (l4r_source_lend_hash), which hashes the
 * very bytes it was given, where they already are.
 *
 * Truncation is always an error: the inflater must have reached the end of a member (trailer and
 * CRC checked) when the file ends, and libarchive's own checks (CRC, truncated entry) are passed
 * on as L4R_EARCHIVE naming the source.
 *
 * Archives are told by content, never by name (l4r_archive_sniff), and a member by its exact clean
 * path, the name fetch unpacks it under; a second entry of that name is found when the source is
 * finished (l4r_source_file_digest), where the rest of the file is read anyway.
 *
 * Archives inside archives (Yelp: a zip holding a gzip tar named .tar).  A member path is walked
 * through a chain of levels: level 0 is a libarchive reader over the file; in it the reader looks
 * for the entry of the whole path or for a regular file on the way to it ("Yelp JSON/
 * yelp_dataset.tar" of "Yelp JSON/yelp_dataset.tar/review.json").  The entry's bytes are a stream
 * (strm): its first 64 KiB are peeked (and given out again), a gzip layer is wrapped in our own
 * inflater (libarchive's gzip filter does not check the trailer; ours does, as fetch's unpacking
 * does; a gzip tar given as the file itself is inflated by it as well, which ISA-L makes 13% fewer
 * instructions than libarchive's zlib for a tar.gz of ratings), bzip2/xz/zstd in libarchive's raw
 * filter, and the decompressed start is sniffed
 * (sniff_memory).  A file on the way must hold an archive: the next level is a second libarchive
 * reader whose read callback pulls from that stream, so nothing is ever written to disk; the
 * entry of the whole path must hold one file, which is what l4r_source_read returns.  Every level
 * gets level 0's checks: exact lookup, unsafe entries, and once the source is finished, innermost
 * level first, the rest of its entries (a second entry of the path, or a path that is a file and
 * a directory) and then the rest of the stream it was read from, so every gzip trailer is
 * checked.  The file's own bytes are hashed as ever: the digest is the outer file's.
 */
#include "reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#ifdef L4R_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "jarray.h"
#include "sniff.h"
#include "util.h"

#define IN_CAP (1u << 20)    /* compressed input buffer */
#define GZ_RING 4            /* input buffers of a gzip file whose hash is aside (lent to it) */
#define PEEK_CAP (64u << 10) /* bytes of a member looked at to tell what it holds */
#define MAX_LEVELS 8         /* archives inside archives, at most this deep */
#define MAX_WRAPS 2          /* compression layers of one member undone, at most (an .xz of a .gz) */

typedef enum src_kind { SRC_PLAIN, SRC_GZIP, SRC_ARCHIVE } src_kind;

struct strm;

/* A gzip inflater (ISA-L or zlib; CRC-32 and length of every member checked) over the file itself
 * (below == NULL) or over a stream (an archive member). */
typedef struct gzst {
    struct strm *below;
    unsigned char *in;            /* one of ring[] */
    unsigned char *ring[GZ_RING]; /* ring[0] always; the others once the hash is aside */
    unsigned ri;                  /* in == ring[ri] */
    size_t in_len;                /* valid bytes in `in` */
    size_t in_pos;                /* consumed */
    uint64_t pulled;              /* compressed bytes read into `in` so far */
    bool use_isal;
    bool member_done; /* between members: the next byte must start a member or the input ends */
    bool z_ready;
    z_stream zs;
#ifdef L4R_HAVE_ISAL
    struct inflate_state *isal;
#endif
} gzst;

/* A stream of bytes inside the file: the data of an archive entry (SK_MEMBER), a gzip inflater over
 * another stream (SK_GZ) or a libarchive filter (bzip2, xz, zstd, ...) over one (SK_FILTER).  The
 * first bytes are peeked (to tell what the stream holds) and given out again first. */
typedef enum strm_kind { SK_MEMBER, SK_GZ, SK_FILTER } strm_kind;
typedef struct strm {
    strm_kind kind;
    struct l4r_source *src;
    struct archive *ar; /* SK_MEMBER: the container positioned at the entry; SK_FILTER: its own reader */
    struct strm *below; /* SK_FILTER's input */
    gzst *gz;           /* SK_GZ */
    struct level *lvl;  /* SK_MEMBER: the archive it is an entry of */
    char *name;         /* for messages: the chain down to this stream */
    unsigned char *back;
    size_t back_len, back_pos;
    uint64_t out; /* SK_MEMBER: bytes read from the archive */
    bool eof;
    unsigned char *buf; /* SK_FILTER: its callback's buffer */
    l4r_error cb_err;   /* SK_FILTER: an error of its input, seen inside the callback */
    bool cb_failed;
} strm;

/* One archive of the chain: level 0 is the file, level k+1 an entry of level k.  `want` is the path
 * still to be found in it; `member` the entry taken: `want` itself, or (inner) a file on the way to
 * it, whose content is the next level's archive. */
typedef struct level {
    struct l4r_source *src;
    struct archive *ar;
    char *name;   /* "PATH", "PATH:INNER.tar", ... for messages */
    char *want;   /* clean */
    char *member; /* clean */
    bool inner;
    uint64_t entry;    /* 1-based number of the entry taken; then of the last entry read */
    uint64_t taken;    /* the number of the entry taken */
    strm data;         /* the taken entry's bytes */
    strm *feed;        /* what the archive reads: NULL for the file (level 0) */
    unsigned char *in; /* level 0: the callback's buffer */
    l4r_error cb_err;  /* an error of the input, seen inside the read callback */
    bool cb_failed;
    bool at_end; /* every entry's header was read (a glob's level, after its last entry) */
    /* l4r_source_move_to: the members taken before `member` in this pass, and their entry
     * numbers, still checked for a second entry of their name */
    char **prev;
    uint64_t *prev_no;
    size_t n_prev;
} level;

struct l4r_source {
    char *path;
    char *name;
    int fd;
    src_kind kind;
    l4r_hasher *hash;
    l4r_trail *side; /* NULL: the reader hashes inline */
    bool lent;       /* the hasher is with the caller (l4r_source_lend_hash) */
    uint64_t raw_size;
    bool raw_eof;
    char digest[65];
    bool have_digest;
    gzst *gz; /* SRC_GZIP: the file itself is gzip */
    /* libarchive, no member: a lone bzip2/xz/zstd file through the raw format */
    struct archive *ar;
    unsigned char *in;
    l4r_error ar_err; /* an I/O error seen inside the read callback */
    bool ar_failed;
    /* archive members: the chain of archives, and what is read in the end */
    level lv[MAX_LEVELS];
    size_t n_lv;
    strm *tail;   /* the member's bytes, decompressed when compressed */
    strm **owned; /* SK_GZ and SK_FILTER streams, freed with the source */
    size_t n_owned, cap_owned;
    bool ar_checked; /* the entries after the member were looked at (no duplicate) */
    bool eof;
    bool glob; /* l4r_source_open_glob: the innermost `want` is a pattern, its entries read in turn */
    /* l4r_source_json_array: the bytes read are one JSON array, given out as one element per line
     * through this filter (NULL: as they are); `peek` holds the decoded bytes read to tell, which
     * are given out (and filtered) first */
    l4r_jarray *jarr;
    char *peek;
    size_t peek_len, peek_pos;
};

const char *l4r_gzip_backend(void)
{
#ifdef L4R_HAVE_ISAL
    const char *v = getenv("L4R_FORCE_ZLIB");
    if (!(v && *v && strcmp(v, "0") != 0))
        return "isa-l";
#endif
    return "zlib";
}

/* Read raw bytes from the file, hashing them.  With lend, buf is left to the hasher aside (if
 * any) until l4r_trail_reclaim: it hashes the bytes there instead of reading them again. */
static l4r_status raw_read_into(l4r_source *s, void *buf, size_t cap, bool lend, size_t *got, l4r_error *e)
{
    *got = 0;
    if (s->raw_eof)
        return L4R_OK;
    for (;;) {
        ssize_t r = read(s->fd, buf, cap);
        if (r < 0) {
            if (errno == EINTR) {
                if (l4r_interrupted)
                    return l4r_err(e, L4R_EINTR, "interrupted while reading '%s'", s->path);
                continue;
            }
            return l4r_err(e, L4R_EIO, "cannot read '%s': %s", s->path, strerror(errno));
        }
        if (r == 0) {
            s->raw_eof = true;
            return L4R_OK;
        }
        s->raw_size += (uint64_t)r;
        if (s->side && lend)
            l4r_trail_lend(s->side, buf, (size_t)r);
        else if (s->side)
            l4r_trail_advance(s->side, s->raw_size);
        else if (!s->lent)
            l4r_hasher_update(s->hash, buf, (size_t)r);
        *got = (size_t)r;
        return L4R_OK;
    }
}

static l4r_status raw_read(l4r_source *s, void *buf, size_t cap, size_t *got, l4r_error *e)
{
    return raw_read_into(s, buf, cap, false, got, e);
}

static l4r_status strm_read(l4r_source *s, strm *t, void *buf, size_t cap, size_t *got, l4r_error *e);

/* Make sure unconsumed compressed input is available; false at the end of the input. */
static l4r_status refill(l4r_source *s, gzst *g, bool *have, l4r_error *e)
{
    *have = true;
    if (g->in_pos < g->in_len)
        return L4R_OK;
    size_t got;
    l4r_status st;
    if (g->below) {
        st = strm_read(s, g->below, g->in, IN_CAP, &got, e);
    } else if (s->side) {
        /* The hasher aside hashes each buffer where it is, while the inflater goes on in the next
         * (the inflater is done with `in`: all of it is consumed). */
        g->ri = (g->ri + 1) % GZ_RING;
        if (!g->ring[g->ri])
            g->ring[g->ri] = l4r_xmalloc(IN_CAP);
        l4r_trail_reclaim(s->side, g->ring[g->ri]);
        g->in = g->ring[g->ri];
        st = raw_read_into(s, g->in, IN_CAP, true, &got, e);
    } else {
        st = raw_read(s, g->in, IN_CAP, &got, e);
    }
    if (st)
        return st;
    g->in_len = got;
    g->in_pos = 0;
    g->pulled += got;
    *have = got > 0;
    return L4R_OK;
}

static l4r_status gz_start_member(l4r_source *s, gzst *g, l4r_error *e)
{
#ifdef L4R_HAVE_ISAL
    if (g->use_isal) {
        isal_inflate_reset(g->isal);
        g->isal->crc_flag = ISAL_GZIP;
        g->member_done = false;
        return L4R_OK;
    }
#endif
    int zr = g->z_ready ? inflateReset(&g->zs) : inflateInit2(&g->zs, 15 + 16);
    if (zr != Z_OK)
        return l4r_err(e, L4R_EINTERNAL, "cannot initialise zlib for '%s'", s->name);
    g->z_ready = true;
    g->member_done = false;
    return L4R_OK;
}

static gzst *gz_new(l4r_source *s, strm *below, l4r_error *e)
{
    gzst *g = l4r_xcalloc(1, sizeof *g);
    g->below = below;
    g->in = g->ring[0] = l4r_xmalloc(IN_CAP);
    g->use_isal = strcmp(l4r_gzip_backend(), "isa-l") == 0;
#ifdef L4R_HAVE_ISAL
    if (g->use_isal) {
        g->isal = l4r_xmalloc(sizeof *g->isal);
        isal_inflate_init(g->isal);
    }
#endif
    if (gz_start_member(s, g, e) != L4R_OK) {
        free(g->in);
#ifdef L4R_HAVE_ISAL
        free(g->isal);
#endif
        free(g);
        return NULL;
    }
    return g;
}

static void gz_free(gzst *g)
{
    if (!g)
        return;
    if (g->z_ready)
        inflateEnd(&g->zs);
#ifdef L4R_HAVE_ISAL
    free(g->isal);
#endif
    /* the hasher aside, if any, is finished: it holds none of them (l4r_source_close) */
    for (unsigned k = 0; k < GZ_RING; k++)
        free(g->ring[k]);
    free(g);
}

#ifdef L4R_HAVE_ISAL
static const char *isal_msg(int r)
{
    switch (r) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid lookback distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "CRC mismatch";
    default: return "inflate error";
    }
}
#endif

/* Inflate into buf; returns with *got > 0, or 0 at the clean end of the last member.  `name`
 * names the gzip data in messages. */
static l4r_status gz_read(l4r_source *s, gzst *g, const char *name, unsigned char *buf, size_t cap,
                          size_t *got, bool *at_end, l4r_error *e)
{
    l4r_status st;
    size_t produced = 0;
    *got = 0;
    while (produced < cap) {
        bool have;
        if (g->member_done) {
            st = refill(s, g, &have, e);
            if (st)
                return st;
            /* Zero padding after the last member is tolerated, as gzip(1) does. */
            while (have && g->in[g->in_pos] == 0) {
                g->in_pos++;
                st = refill(s, g, &have, e);
                if (st)
                    return st;
            }
            if (!have) {
                *at_end = true;
                break;
            }
            if (g->in[g->in_pos] != 0x1f)
                return l4r_err(e, L4R_EARCHIVE, "corrupt gzip stream '%s': garbage after member at byte %llu",
                               name, (unsigned long long)(g->pulled - (g->in_len - g->in_pos)));
            st = gz_start_member(s, g, e);
            if (st)
                return st;
        }
        st = refill(s, g, &have, e);
        if (st)
            return st;
        size_t avail_before = g->in_len - g->in_pos;
        size_t out_before = produced;
        bool finished;
#ifdef L4R_HAVE_ISAL
        if (g->use_isal) {
            struct inflate_state *z = g->isal;
            z->next_in = g->in + g->in_pos;
            z->avail_in = (uint32_t)avail_before;
            z->next_out = buf + produced;
            size_t room = cap - produced;
            z->avail_out = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
            uint32_t out0 = z->avail_out;
            int r = isal_inflate(z);
            if (r < 0)
                return l4r_err(e, L4R_EARCHIVE, "corrupt gzip stream '%s': %s", name, isal_msg(r));
            g->in_pos = (size_t)(z->next_in - g->in);
            produced += out0 - z->avail_out;
            finished = z->block_state == ISAL_BLOCK_FINISH;
        } else
#endif
        {
            z_stream *z = &g->zs;
            z->next_in = g->in + g->in_pos;
            z->avail_in = (uInt)avail_before;
            z->next_out = buf + produced;
            size_t room = cap - produced;
            z->avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
            uInt out0 = z->avail_out;
            int r = inflate(z, Z_NO_FLUSH);
            if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR)
                return l4r_err(e, L4R_EARCHIVE, "corrupt gzip stream '%s': %s", name,
                               z->msg ? z->msg : "inflate error");
            if (r == Z_MEM_ERROR)
                l4r_oom();
            g->in_pos = (size_t)(z->next_in - g->in);
            produced += out0 - z->avail_out;
            finished = r == Z_STREAM_END;
        }
        if (finished) {
            g->member_done = true;
            continue;
        }
        bool progress = produced > out_before || g->in_len - g->in_pos < avail_before;
        if (!progress && !have)
            return l4r_err(e, L4R_EARCHIVE, "truncated gzip stream '%s' (ends inside a member)", name);
        if (!progress && produced > 0)
            break;
    }
    *got = produced;
    return L4R_OK;
}

/* libarchive's read callback for an archive read from the file (a lone compressed file, or level
 * 0 of a member chain). */
static la_ssize_t file_read_cb(l4r_source *s, struct archive *a, unsigned char *in, l4r_error *err,
                               bool *failed, const void **buf)
{
    size_t got;
    if (raw_read(s, in, IN_CAP, &got, err) != L4R_OK) {
        *failed = true;
        archive_set_error(a, EIO, "%s", err->msg);
        return -1;
    }
    *buf = in;
    return (la_ssize_t)got;
}

static la_ssize_t ar_read_cb(struct archive *a, void *ud, const void **buf)
{
    l4r_source *s = ud;
    return file_read_cb(s, a, s->in, &s->ar_err, &s->ar_failed, buf);
}

/* The callback of an archive of the chain: level 0 reads the file, a deeper level its feed. */
static la_ssize_t lvl_read_cb(struct archive *a, void *ud, const void **buf)
{
    level *L = ud;
    l4r_source *s = L->src;
    if (!L->feed)
        return file_read_cb(s, a, L->in, &L->cb_err, &L->cb_failed, buf);
    size_t got;
    if (strm_read(s, L->feed, L->in, IN_CAP, &got, &L->cb_err) != L4R_OK) {
        L->cb_failed = true;
        archive_set_error(a, EIO, "%s", L->cb_err.msg);
        return -1;
    }
    *buf = L->in;
    return (la_ssize_t)got;
}

/* The callback of a filter (bzip2, xz, ...) over a member. */
static la_ssize_t filter_read_cb(struct archive *a, void *ud, const void **buf)
{
    strm *t = ud;
    size_t got;
    if (strm_read(t->src, t->below, t->buf, IN_CAP, &got, &t->cb_err) != L4R_OK) {
        t->cb_failed = true;
        archive_set_error(a, EIO, "%s", t->cb_err.msg);
        return -1;
    }
    *buf = t->buf;
    return (la_ssize_t)got;
}

/* A libarchive failure: the input's own error when the read callback failed (an I/O error, a
 * damaged gzip layer below), else libarchive's message about `name`. */
static l4r_status lib_fail(struct archive *a, const l4r_error *cb_err, bool cb_failed, const char *what,
                           const char *name, l4r_error *e)
{
    if (cb_failed)
        return l4r_err(e, cb_err->status, "%s", cb_err->msg);
    const char *m = archive_error_string(a);
    return l4r_err(e, L4R_EARCHIVE, "%s '%s': %s", what, name,
                   m ? m : "libarchive gives no reason (a truncated or damaged archive)");
}

static l4r_status ar_fail(l4r_source *s, const char *what, l4r_error *e)
{
    return lib_fail(s->ar, &s->ar_err, s->ar_failed, what, s->name, e);
}

static l4r_status lvl_fail(const l4r_source *s, const level *L, const char *what, l4r_error *e)
{
    return lib_fail(L->ar, &L->cb_err, L->cb_failed, what, s->name, e);
}

/* ---- streams inside the file ---- */

/* Read from the stream itself (past what was peeked). */
static l4r_status strm_fill(l4r_source *s, strm *t, void *buf, size_t cap, size_t *got, l4r_error *e)
{
    *got = 0;
    if (t->eof)
        return L4R_OK;
    switch (t->kind) {
    case SK_MEMBER: {
        la_ssize_t r = archive_read_data(t->ar, buf, cap);
        if (r < 0)
            return lib_fail(t->ar, &t->lvl->cb_err, t->lvl->cb_failed, "corrupt archive member", t->name, e);
        t->out += (uint64_t)r;
        *got = (size_t)r;
        break;
    }
    case SK_GZ: {
        bool end = false;
        l4r_status st = gz_read(s, t->gz, t->name, buf, cap, got, &end, e);
        if (st)
            return st;
        break;
    }
    case SK_FILTER: {
        la_ssize_t r = archive_read_data(t->ar, buf, cap);
        if (r < 0)
            return lib_fail(t->ar, &t->cb_err, t->cb_failed, "corrupt compressed member", t->name, e);
        *got = (size_t)r;
        break;
    }
    }
    if (*got == 0)
        t->eof = true;
    return L4R_OK;
}

static l4r_status strm_read(l4r_source *s, strm *t, void *buf, size_t cap, size_t *got, l4r_error *e)
{
    if (t->back_pos < t->back_len) {
        size_t n = t->back_len - t->back_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, t->back + t->back_pos, n);
        t->back_pos += n;
        *got = n;
        return L4R_OK;
    }
    return strm_fill(s, t, buf, cap, got, e);
}

/* Read the first PEEK_CAP bytes (or all, when fewer) into t->back, to be given out again. */
static l4r_status strm_peek(l4r_source *s, strm *t, l4r_error *e)
{
    t->back = l4r_xmalloc(PEEK_CAP);
    while (t->back_len < PEEK_CAP) {
        size_t got;
        l4r_status st = strm_fill(s, t, t->back + t->back_len, PEEK_CAP - t->back_len, &got, e);
        if (st)
            return st;
        if (!got)
            break;
        t->back_len += got;
    }
    return L4R_OK;
}

/* Read a stream to its end, discarding: every trailer and CRC below it is then checked. */
static l4r_status strm_drain(l4r_source *s, strm *t, l4r_error *e)
{
    unsigned char *tmp = l4r_xmalloc(IN_CAP);
    l4r_status st;
    size_t got;
    do {
        st = strm_read(s, t, tmp, IN_CAP, &got, e);
    } while (st == L4R_OK && got > 0);
    free(tmp);
    return st;
}

static strm *strm_own(l4r_source *s, strm_kind kind, strm *below, const char *name)
{
    strm *t = l4r_xcalloc(1, sizeof *t);
    t->kind = kind;
    t->src = s;
    t->below = below;
    t->name = l4r_xstrdup(name);
    if (s->n_owned == s->cap_owned) {
        s->cap_owned = s->cap_owned ? 2 * s->cap_owned : 2 * MAX_LEVELS + 2;
        s->owned = l4r_xrealloc(s->owned, s->cap_owned * sizeof *s->owned);
    }
    s->owned[s->n_owned++] = t;
    return t;
}

static void strm_free_parts(strm *t)
{
    if (t->kind == SK_FILTER && t->ar)
        archive_read_free(t->ar);
    gz_free(t->gz);
    free(t->buf);
    free(t->back);
    free(t->name);
}

/* Wrap t in a decompressor when its first bytes say it is compressed (gzip: our inflater, which
 * checks every CRC; bzip2, xz, zstd: libarchive's filters); a stream of several layers is unwrapped
 * layer by layer.  *out is what to read; *comp names the outermost compression ("" for none). */
static l4r_status unwrap(l4r_source *s, strm *t, const char *name, strm **out, const char **comp,
                         l4r_error *e)
{
    *comp = "";
    l4r_status st = strm_peek(s, t, e);
    for (int wraps = 0; st == L4R_OK && wraps < MAX_WRAPS; wraps++) {
        l4r_magic m = l4r_sniff_magic(t->back, t->back_len);
        if (m != L4R_M_GZIP && m != L4R_M_BZ2 && m != L4R_M_XZ && m != L4R_M_ZSTD)
            break;
        if (!**comp)
            *comp = m == L4R_M_GZIP ? "gzip" : m == L4R_M_BZ2 ? "bzip2" : m == L4R_M_XZ ? "xz" : "zstd";
        strm *w = strm_own(s, m == L4R_M_GZIP ? SK_GZ : SK_FILTER, t, name);
        if (m == L4R_M_GZIP) {
            w->gz = gz_new(s, t, e);
            if (!w->gz)
                return L4R_EINTERNAL;
        } else {
            w->ar = archive_read_new();
            if (!w->ar)
                l4r_oom();
            archive_read_support_format_raw(w->ar);
            archive_read_support_filter_all(w->ar);
            w->buf = l4r_xmalloc(IN_CAP);
            struct archive_entry *ent;
            if (archive_read_open(w->ar, w, NULL, filter_read_cb, NULL) != ARCHIVE_OK ||
                archive_read_next_header(w->ar, &ent) != ARCHIVE_OK)
                return lib_fail(w->ar, &w->cb_err, w->cb_failed, "corrupt compressed member", name, e);
        }
        t = w;
        st = strm_peek(s, t, e);
    }
    *out = t;
    return st;
}

/* ---- the chain of archives ---- */

/* Does entry q (clean; a directory or not) make level L ambiguous beside the entry it took: is the
 * taken inner archive also a directory (q lies below it), or does the wanted path lie below a
 * file q?  fetch, which unpacks every entry, refuses such an archive (a path that is a file and a
 * directory), so --raw does too. */
static bool filedir_clash(const level *L, const char *q, bool q_dir)
{
    size_t m = strlen(L->member);
    if (L->inner && !strncmp(q, L->member, m) && q[m] == '/')
        return true;
    size_t n = strlen(q);
    return !q_dir && !strncmp(L->want, q, n) && L->want[n] == '/';
}

static l4r_status filedir_error(const level *L, const char *q, uint64_t qno, l4r_error *e)
{
    size_t n = strlen(q);
    bool q_file = !strncmp(L->want, q, n) && L->want[n] == '/';
    return l4r_err(e, L4R_EARCHIVE,
                   "ambiguous archive '%s': '%s' is a file (entry %llu) and a directory (entry %llu); which "
                   "one is meant cannot be told: repack it",
                   L->name, q_file ? q : L->member, (unsigned long long)(q_file ? qno : L->taken),
                   (unsigned long long)(q_file ? L->taken : qno));
}

/* The length of the longest proper prefix of `want` ending before a '/' that q lies below (0: none). */
static size_t below_prefix(const char *want, const char *q)
{
    size_t best = 0;
    for (const char *p = strchr(want, '/'); p; p = strchr(p + 1, '/')) {
        size_t n = (size_t)(p - want);
        if (!strncmp(q, want, n + 1))
            best = n;
    }
    return best;
}

/* Whether the last segment of path p is a glob pattern. */
static bool has_pattern(const char *p)
{
    const char *b = strrchr(p, '/');
    return strpbrk(b ? b + 1 : p, "*?") != NULL;
}

static l4r_status ambiguous_of(const level *L, const char *member, uint64_t first, uint64_t second,
                               struct archive_entry *ent, l4r_error *e)
{
    bool file = archive_entry_filetype(ent) == AE_IFREG;
    return l4r_err(e, L4R_EARCHIVE,
                   "ambiguous archive '%s': it holds '%s' twice (entries %llu and %llu%s%s); which one is "
                   "meant cannot be told: repack it with one entry of that name",
                   L->name, member, (unsigned long long)first, (unsigned long long)second,
                   file ? "" : ", the second a ", file ? "" : l4r_archive_entry_kind(ent));
}

static l4r_status ambiguous(const level *L, uint64_t second, struct archive_entry *ent, l4r_error *e)
{
    return ambiguous_of(L, L->member, L->taken, second, ent, e);
}

/* Entry q (number qno; a directory or not) against the members taken before in this pass
 * (l4r_source_move_to): a second entry of one of their names, or one that makes it a directory
 * too, is ambiguous, as for the member taken now. */
static l4r_status prev_clash(const level *L, const char *q, bool q_dir, uint64_t qno,
                             struct archive_entry *ent, l4r_error *e)
{
    size_t qn = strlen(q);
    for (size_t i = 0; i < L->n_prev; i++) {
        const char *p = L->prev[i];
        size_t pn = strlen(p);
        if (!strcmp(p, q))
            return ambiguous_of(L, p, L->prev_no[i], qno, ent, e);
        bool q_below = !strncmp(q, p, pn) && q[pn] == '/';
        bool p_below = !q_dir && !strncmp(p, q, qn) && p[qn] == '/';
        if (q_below || p_below)
            return l4r_err(e, L4R_EARCHIVE,
                           "ambiguous archive '%s': '%s' is a file (entry %llu) and a directory (entry "
                           "%llu); which one is meant cannot be told: repack it",
                           L->name, q_below ? p : q, (unsigned long long)(q_below ? L->prev_no[i] : qno),
                           (unsigned long long)(q_below ? qno : L->prev_no[i]));
    }
    return L4R_OK;
}

/* From where L's archive stands, find L->want: the entry of that path, or a file on the way to it
 * (an inner archive; L->inner).  *found false at the end of the archive. */
static l4r_status level_find(l4r_source *s, level *L, bool *found, l4r_error *e)
{
    const char *name = L->name, *want = L->want;
    *found = false;
    l4r_buf clean = {0};
    l4r_status st = L4R_OK;
    size_t under = 0; /* an earlier entry lies below want's prefix of this length */
    uint64_t under_no = 0;
    for (;;) {
        struct archive_entry *ent;
        int r = archive_read_next_header(L->ar, &ent);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            st = lvl_fail(s, L, "corrupt archive", e);
            break;
        }
        L->entry++;
        st = l4r_archive_entry_unsafe(name, ent, &clean, e);
        if (st)
            break;
        if (!l4r_archive_entry_clean(ent, &clean)) {
            archive_read_data_skip(L->ar);
            continue;
        }
        st = prev_clash(L, clean.data, archive_entry_filetype(ent) == AE_IFDIR, L->entry, ent, e);
        if (st)
            break;
        bool file = archive_entry_filetype(ent) == AE_IFREG && !archive_entry_hardlink(ent);
        if (s->glob && file && has_pattern(want) && !fnmatch(want, clean.data, FNM_PATHNAME | FNM_PERIOD)) {
            free(L->member);
            L->member = l4r_buf_take(&clean);
            *found = true;
            break;
        }
        if (!strcmp(clean.data, want)) {
            if (!file)
                st = l4r_err(e, L4R_EARCHIVE, "archive '%s' holds '%s' as a %s (entry %llu), not as a file",
                             name, want, l4r_archive_entry_kind(ent), (unsigned long long)L->entry);
            free(L->member);
            L->member = l4r_xstrdup(want);
            *found = true;
            break;
        }
        if (file && !strncmp(want, clean.data, clean.len) && want[clean.len] == '/') {
            free(L->member);
            L->member = l4r_buf_take(&clean);
            L->inner = true;
            *found = true;
            break;
        }
        size_t b = below_prefix(want, clean.data);
        if (b > under) {
            under = b;
            under_no = L->entry;
        }
        archive_read_data_skip(L->ar);
    }
    l4r_buf_free(&clean);
    if (st || !*found)
        return st;
    L->taken = L->entry;
    if (L->inner && under >= strlen(L->member))
        return l4r_err(e, L4R_EARCHIVE,
                       "ambiguous archive '%s': '%s' is a file (entry %llu) and a directory (entry %llu); "
                       "which one is meant cannot be told: repack it",
                       name, L->member, (unsigned long long)L->taken, (unsigned long long)under_no);
    return L4R_OK;
}

/* Open the archive of level k (read from the file when feed is NULL, else from feed) and find in it
 * `want`: the entry of that path, or a file on the way to it (an inner archive). */
static l4r_status level_open(l4r_source *s, size_t k, strm *feed, const char *name, const char *want,
                             l4r_error *e)
{
    level *L = &s->lv[k];
    s->n_lv = k + 1;
    L->src = s;
    L->feed = feed;
    L->name = l4r_xstrdup(name);
    L->want = l4r_xstrdup(want);
    L->in = l4r_xmalloc(IN_CAP);
    free(s->name);
    s->name = l4r_xasprintf("%s:%s", name, want);
    L->ar = archive_read_new();
    if (!L->ar)
        l4r_oom();
    l4r_archive_support_containers(L->ar);
    archive_read_support_filter_all(L->ar);
    if (archive_read_open(L->ar, L, NULL, lvl_read_cb, NULL) != ARCHIVE_OK)
        return lvl_fail(s, L, "cannot open archive", e);
    bool found;
    l4r_status st = level_find(s, L, &found, e);
    if (st == L4R_OK && !found)
        st = l4r_err(e, L4R_EARCHIVE, "no member '%s' in archive '%s'", want, name);
    if (st)
        return st;
    L->data.kind = SK_MEMBER;
    L->data.src = s;
    L->data.ar = L->ar;
    L->data.lvl = L;
    L->data.name = l4r_xasprintf("%s:%s", name, L->member);
    return L4R_OK;
}

/* From level 0 down: tell by content what each taken entry holds.  An inner archive opens the next
 * level; the wanted entry itself must be one file (decompressed when compressed), not an archive. */
static l4r_status descend(l4r_source *s, l4r_error *e)
{
    for (;;) {
        level *L = &s->lv[s->n_lv - 1];
        strm *t = NULL;
        const char *comp;
        l4r_status st = unwrap(s, &L->data, L->data.name, &t, &comp, e);
        if (st)
            return st;
        l4r_archive_kind k;
        l4r_archive_sniff_memory(t->back + t->back_pos, t->back_len - t->back_pos, &k);
        if (*comp && !k.filter[0])
            snprintf(k.filter, sizeof k.filter, "%s-compressed", comp);
        if (!L->inner) {
            if (s->glob && t != &L->data)
                return l4r_err(e, L4R_EARCHIVE,
                               "'%s' is %s-compressed: the members of a glob are read as they are, not "
                               "decompressed; unpack the archive and give --raw the directory",
                               t->name, comp);
            if (k.is_archive)
                return l4r_err(e, L4R_EARCHIVE,
                               "'%s' is a %s archive%s%s, not one file: name a member inside it%s%s%s",
                               t->name, k.format, k.filter[0] ? ", " : "", k.filter[0] ? k.filter : "",
                               k.first[0] ? " (its first is '" : "", k.first, k.first[0] ? "')" : "");
            s->tail = t;
            return L4R_OK;
        }
        const char *rest = L->want + strlen(L->member) + 1;
        if (!k.is_archive)
            return l4r_err(
                e, L4R_EARCHIVE,
                "no member '%s' in archive '%s': its file '%s' is not an archive, so it holds no '%s'",
                L->want, L->name, L->member, rest);
        if (s->n_lv == MAX_LEVELS)
            return l4r_err(e, L4R_EARCHIVE, "'%s': archives nested more than %d deep are not read", s->name,
                           MAX_LEVELS);
        st = level_open(s, s->n_lv, t, t->name, rest, e);
        if (st)
            return st;
    }
}

/* A zip's entries, from its central directory (what fetch's unpacking lists): a seek to the end
 * and a few small reads, where walking the local headers after the member would inflate every
 * later entry written with a data descriptor (sizes unknown up front, as in the MovieLens zips).
 * *listed false: no central directory could be read (then the caller walks the local headers). */
static l4r_status zip_check_directory(l4r_source *s, const level *L, bool *listed, l4r_error *e)
{
    *listed = false;
    int fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return l4r_err(e, L4R_EIO, "cannot open '%s': %s", s->path, strerror(errno));
    struct archive *a = archive_read_new();
    if (!a)
        l4r_oom();
    archive_read_support_format_zip_seekable(a);
    l4r_status st = L4R_OK;
    l4r_buf clean = {0};
    uint64_t n = 0, first = 0;
    if (archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK) {
        for (;;) {
            struct archive_entry *ent;
            int r = archive_read_next_header(a, &ent);
            if (r == ARCHIVE_EOF) {
                *listed = n > 0;
                break;
            }
            if (r < ARCHIVE_WARN)
                break; /* the local headers will be walked instead */
            n++;
            st = l4r_archive_entry_unsafe(L->name, ent, &clean, e);
            if (st) {
                *listed = true;
                break;
            }
            if (!l4r_archive_entry_clean(ent, &clean))
                continue;
            if (strcmp(clean.data, L->member)) {
                if (filedir_clash(L, clean.data, archive_entry_filetype(ent) == AE_IFDIR)) {
                    st = filedir_error(L, clean.data, n, e);
                    *listed = true;
                    break;
                }
                continue;
            }
            if (first) {
                st = l4r_err(e, L4R_EARCHIVE,
                             "ambiguous archive '%s': it holds '%s' twice (entries %llu and %llu%s%s); which "
                             "one is meant cannot be told: repack it with one entry of that name",
                             L->name, L->member, (unsigned long long)first, (unsigned long long)n,
                             archive_entry_filetype(ent) == AE_IFREG ? "" : ", the second a ",
                             archive_entry_filetype(ent) == AE_IFREG ? "" : l4r_archive_entry_kind(ent));
                *listed = true;
                break;
            }
            first = n;
            /* The member was read through the local headers; the directory's entry must be the
             * same one (a zip can hide an entry from its directory), as far as its size tells. */
            if (L->data.eof && archive_entry_size_is_set(ent) &&
                (uint64_t)archive_entry_size(ent) != L->data.out) {
                st = l4r_err(e, L4R_EARCHIVE,
                             "ambiguous archive '%s': its central directory gives '%s' %lld bytes, its local "
                             "header %llu; which one is meant cannot be told: repack the archive",
                             L->name, L->member, (long long)archive_entry_size(ent),
                             (unsigned long long)L->data.out);
                *listed = true;
                break;
            }
        }
    }
    if (st == L4R_OK && *listed && !first)
        st = l4r_err(
            e, L4R_EARCHIVE,
            "ambiguous archive '%s': '%s' has a local header but no entry in the central directory, so "
            "tools that list the directory do not see it: repack the archive",
            L->name, L->member);
    l4r_buf_free(&clean);
    archive_read_free(a);
    close(fd);
    return st;
}

/* The next entry of L's archive whose name is safe and clean (in clean; the others are skipped),
 * or *eof at the end.  An unsafe name or a corrupt header is an error. */
static l4r_status next_clean_entry(l4r_source *s, level *L, struct archive_entry **ent, l4r_buf *clean,
                                   bool *eof, l4r_error *e)
{
    *eof = false;
    for (;;) {
        int r = archive_read_next_header(L->ar, ent);
        if (r == ARCHIVE_EOF) {
            *eof = true;
            return L4R_OK;
        }
        if (r < ARCHIVE_WARN)
            return lvl_fail(s, L, "corrupt archive", e);
        L->entry++;
        l4r_status st = l4r_archive_entry_unsafe(L->name, *ent, clean, e);
        if (st)
            return st;
        if (l4r_archive_entry_clean(*ent, clean))
            return L4R_OK;
    }
}

/* After the member: is there a second entry of the same clean path (or one that makes it a
 * directory as well)?  Then fetch, which unpacks every entry, and --raw, which reads the first,
 * could see different data: an error.  An unsafe entry (entry_unsafe) anywhere in the archive is
 * an error too.  A zip read from the file is checked on its central directory; other archives by
 * reading the headers that follow the member (their data is skipped: an uncompressed tar's is only
 * read, which the digest does anyway; a compressed tar's must be inflated to find the next
 * header). */
static l4r_status level_check_rest(l4r_source *s, level *L, l4r_error *e)
{
    if (L->at_end)
        return L4R_OK;
    if (!L->feed && (archive_format(L->ar) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP &&
        archive_filter_count(L->ar) <= 1) {
        bool listed;
        l4r_status st = zip_check_directory(s, L, &listed, e);
        if (st || listed)
            return st;
    }
    l4r_buf clean = {0};
    l4r_status st = L4R_OK;
    for (;;) {
        struct archive_entry *ent;
        bool eof;
        st = next_clean_entry(s, L, &ent, &clean, &eof, e);
        if (st || eof)
            break;
        if (!strcmp(clean.data, L->member)) {
            st = ambiguous(L, L->entry, ent, e);
            break;
        }
        if (filedir_clash(L, clean.data, archive_entry_filetype(ent) == AE_IFDIR)) {
            st = filedir_error(L, clean.data, L->entry, e);
            break;
        }
        st = prev_clash(L, clean.data, archive_entry_filetype(ent) == AE_IFDIR, L->entry, ent, e);
        if (st)
            break;
    }
    l4r_buf_free(&clean);
    return st;
}

/* Every level, innermost first: the rest of its entries, then the rest of the stream it was read
 * from (so a gzip layer's trailer is checked and the outer member is read to its end). */
static l4r_status check_levels(l4r_source *s, l4r_error *e)
{
    if (s->ar_checked || !s->n_lv)
        return L4R_OK;
    s->ar_checked = true;
    l4r_status st = strm_drain(s, s->tail, e);
    for (size_t k = s->n_lv; st == L4R_OK && k-- > 0;) {
        level *L = &s->lv[k];
        st = level_check_rest(s, L, e);
        if (st == L4R_OK && L->feed)
            st = strm_drain(s, L->feed, e);
    }
    return st;
}

/* A lone bzip2/xz/zstd file: libarchive's raw format behind its filters. */
static l4r_status raw_filter_open(l4r_source *s, l4r_error *e)
{
    s->ar = archive_read_new();
    if (!s->ar)
        l4r_oom();
    archive_read_support_format_raw(s->ar);
    archive_read_support_filter_all(s->ar);
    if (archive_read_open(s->ar, s, NULL, ar_read_cb, NULL) != ARCHIVE_OK)
        return ar_fail(s, "cannot open archive", e);
    struct archive_entry *ent;
    int r = archive_read_next_header(s->ar, &ent);
    if (r == ARCHIVE_EOF)
        return l4r_err(e, L4R_EARCHIVE, "empty compressed file '%s'", s->path);
    if (r < ARCHIVE_WARN)
        return ar_fail(s, "corrupt archive", e);
    return L4R_OK;
}

static l4r_status source_open(l4r_source **out, const char *path, const char *member, bool glob, l4r_error *e)
{
    *out = NULL;
    l4r_status st = L4R_OK;
    l4r_source *s = l4r_xcalloc(1, sizeof *s);
    s->glob = glob;
    s->fd = -1;
    s->path = l4r_xstrdup(path);
    s->name = member ? l4r_xasprintf("%s:%s", path, member) : l4r_xstrdup(path);
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto out;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    s->hash = l4r_hasher_new(L4R_HASH_SHA256);
    unsigned char head[512];
    ssize_t n;
    do {
        n = pread(s->fd, head, sizeof head, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    l4r_magic m = l4r_sniff_magic(head, (size_t)n);
    if (member) {
        l4r_buf clean = {0};
        if (!l4r_archive_path_clean(member, &clean) || !clean.len) {
            l4r_buf_free(&clean);
            st = l4r_err(e, L4R_EARCHIVE, "'%s' cannot name an archive member (absolute, '..' or empty)",
                         member);
            goto out;
        }
        s->kind = SRC_ARCHIVE;
        /* a gzip tar: inflated by our inflater (every trailer checked, to the end of the gzip data
         * once the source is finished), as fetch's unpacking does; other filters are libarchive's */
        strm *feed = NULL;
        if (m == L4R_M_GZIP) {
            feed = strm_own(s, SK_GZ, NULL, path);
            feed->gz = gz_new(s, NULL, e);
            if (!feed->gz) {
                l4r_buf_free(&clean);
                st = L4R_EINTERNAL;
                goto out;
            }
        }
        st = level_open(s, 0, feed, path, l4r_buf_cstr(&clean), e);
        l4r_buf_free(&clean);
        if (st == L4R_OK)
            st = descend(s, e);
        if (st == L4R_OK && glob) {
            free(s->name); /* the entry read, not the pattern */
            s->name = l4r_xstrdup(s->lv[s->n_lv - 1].data.name);
        }
        goto out;
    }
    /* A container (tar, zip, 7z, ...; compressed or not) is not one file, whatever its name: a
     * .tar.gz read as text would turn tar headers into records. */
    l4r_archive_kind ak;
    st = l4r_archive_sniff(path, &ak, e);
    if (st)
        goto out;
    if (ak.is_archive) {
        st = l4r_err(e, L4R_EARCHIVE, "'%s' is a %s archive%s%s, not one file: name the member to read%s%s%s",
                     path, ak.format, ak.filter[0] ? ", " : "", ak.filter[0] ? ak.filter : "",
                     ak.first[0] ? " (its first is '" : "", ak.first, ak.first[0] ? "')" : "");
        goto out;
    }
    switch (m) {
    case L4R_M_NONE: s->kind = SRC_PLAIN; break;
    case L4R_M_GZIP:
        s->kind = SRC_GZIP;
        s->gz = gz_new(s, NULL, e);
        if (!s->gz)
            st = L4R_EINTERNAL;
        break;
    default:
        s->kind = SRC_ARCHIVE;
        s->in = l4r_xmalloc(IN_CAP);
        st = raw_filter_open(s, e);
        break;
    }
out:
    if (st) {
        l4r_source_close(s);
        return st;
    }
    *out = s;
    return L4R_OK;
}

l4r_status l4r_source_open(l4r_source **out, const char *path, const char *member, l4r_error *e)
{
    return source_open(out, path, member, false, e);
}

l4r_status l4r_source_open_glob(l4r_source **out, const char *path, const char *member, l4r_error *e)
{
    if (!member || !has_pattern(member))
        return l4r_err(e, L4R_EINTERNAL, "'%s': no glob in the member path", member ? member : "");
    return source_open(out, path, member, true, e);
}

/* L's data stream starts over on the entry just taken (L->member). */
static void member_data_reset(level *L)
{
    free(L->data.back);
    L->data.back = NULL;
    L->data.back_len = L->data.back_pos = 0;
    L->data.out = 0;
    L->data.eof = false;
    free(L->data.name);
    L->data.name = l4r_xasprintf("%s:%s", L->name, L->member);
}

l4r_status l4r_source_next_member(l4r_source *s, bool *more, l4r_error *e)
{
    *more = false;
    if (!s->glob || !s->n_lv || !s->tail)
        return L4R_OK;
    level *L = &s->lv[s->n_lv - 1];
    l4r_status st = strm_drain(s, s->tail, e); /* the rest of the entry */
    if (st)
        return st;
    l4r_buf clean = {0};
    for (;;) {
        struct archive_entry *ent;
        bool eof;
        st = next_clean_entry(s, L, &ent, &clean, &eof, e);
        if (eof)
            L->at_end = true;
        if (st || eof)
            break;
        bool file = archive_entry_filetype(ent) == AE_IFREG && !archive_entry_hardlink(ent);
        if (!file || fnmatch(L->want, clean.data, FNM_PATHNAME | FNM_PERIOD))
            continue;
        int c = strcmp(clean.data, L->member);
        if (c == 0) {
            st = ambiguous(L, L->entry, ent, e);
            break;
        }
        if (c < 0) {
            st = l4r_err(e, L4R_EARCHIVE,
                         "archive '%s' holds '%s' (entry %llu) after '%s' (entry %llu): the files of '%s' "
                         "are read in name order, and a glob is read in one pass over the archive, so "
                         "its entries must come in that order; unpack it (fetch --from does) and give "
                         "--raw the directory",
                         L->name, clean.data, (unsigned long long)L->entry, L->member,
                         (unsigned long long)L->taken, L->want);
            break;
        }
        free(L->member);
        L->member = l4r_buf_take(&clean);
        L->taken = L->entry;
        member_data_reset(L);
        free(s->name);
        s->name = l4r_xstrdup(L->data.name);
        strm *t = NULL;
        const char *comp;
        st = unwrap(s, &L->data, L->data.name, &t, &comp, e);
        if (st == L4R_OK && t != &L->data)
            st = l4r_err(e, L4R_EARCHIVE,
                         "'%s' is %s-compressed: the members of a glob are read as they are, not "
                         "decompressed; unpack the archive and give --raw the directory",
                         t->name, comp);
        if (st == L4R_OK) {
            s->tail = t;
            s->eof = false;
            *more = true;
            free(s->jarr); /* the next entry is told afresh */
            s->jarr = NULL;
        }
        break;
    }
    l4r_buf_free(&clean);
    return st;
}

l4r_status l4r_source_move_to(l4r_source *s, const char *member, bool *moved, l4r_error *e)
{
    *moved = false;
    if (s->kind != SRC_ARCHIVE || s->glob || !s->n_lv || !s->tail || s->ar_checked || s->have_digest ||
        !member)
        return L4R_OK;
    level *L = &s->lv[s->n_lv - 1];
    /* a zip read from the file is checked on its central directory, for one member (and
     * reopening one costs a seek, not a pass) */
    if (L->at_end || L->inner || (archive_format(L->ar) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP)
        return L4R_OK;
    l4r_buf clean = {0}, above = {0};
    l4r_status st = L4R_OK;
    bool clean_ok = l4r_archive_path_clean(member, &clean) && clean.len;
    for (size_t k = 0; k + 1 < s->n_lv; k++)
        l4r_buf_addf(&above, "%s/", s->lv[k].member);
    const char *rest =
        clean_ok && !strncmp(clean.data, l4r_buf_cstr(&above), above.len) ? clean.data + above.len : NULL;
    /* not below the same chain, or the member already taken: the caller opens it afresh */
    if (!rest || !*rest || !strcmp(rest, L->member))
        goto out;
    st = strm_drain(s, s->tail, e); /* the rest of the member read, its trailers checked */
    if (st)
        goto out;
    L->prev = l4r_xrealloc(L->prev, (L->n_prev + 1) * sizeof *L->prev);
    L->prev_no = l4r_xrealloc(L->prev_no, (L->n_prev + 1) * sizeof *L->prev_no);
    L->prev[L->n_prev] = L->member;
    L->prev_no[L->n_prev++] = L->taken;
    L->member = NULL;
    free(L->want);
    L->want = l4r_xstrdup(rest);
    bool found;
    st = level_find(s, L, &found, e);
    if (st == L4R_OK && !found) {
        L->at_end = true; /* every entry after the members taken was checked on the way */
        L->member = l4r_xstrdup(L->prev[--L->n_prev]);
        free(L->prev[L->n_prev]);
        goto out;
    }
    if (st)
        goto out;
    member_data_reset(L);
    free(s->name);
    s->name = l4r_xasprintf("%s:%s", L->name, L->want);
    s->tail = NULL;
    s->eof = false;
    free(s->jarr); /* the next member is told afresh */
    s->jarr = NULL;
    st = descend(s, e);
    *moved = st == L4R_OK;
out:
    l4r_buf_free(&clean);
    l4r_buf_free(&above);
    return st;
}

bool l4r_source_plain(const l4r_source *s)
{
    return s->kind == SRC_PLAIN && !s->jarr;
}

void l4r_source_hash_aside(l4r_source *s)
{
    /* A plain file's bytes are in the caller's blocks: the pipeline hashes them there with no
     * copy (l4r_source_lend_hash); a pread here would add one. */
    if (s->side || s->have_digest || !s->hash || l4r_source_plain(s))
        return;
    /* what was read so far is hashed already */
    s->side = l4r_trail_start(s->fd, s->path, s->hash, s->raw_size);
}

l4r_hasher *l4r_source_lend_hash(l4r_source *s)
{
    if (!l4r_source_plain(s) || s->lent || s->side || s->have_digest || !s->hash)
        return NULL;
    l4r_hasher *h = s->hash;
    s->hash = NULL;
    s->lent = true;
    return h;
}

void l4r_source_return_hash(l4r_source *s, l4r_hasher *h, bool ok)
{
    s->lent = false;
    if (ok) {
        s->hash = h;
    } else {
        l4r_hasher_free(h);
    }
}

/* Take the hasher back from the trailing thread once it has caught up (or abandon it). */
static l4r_status side_join(l4r_source *s, bool abandon, l4r_error *e)
{
    if (!s->side)
        return L4R_OK;
    s->hash = l4r_trail_finish(s->side, abandon, e);
    s->side = NULL;
    return s->hash || abandon ? L4R_OK : L4R_EIO;
}

uint64_t l4r_source_disk_read(const l4r_source *s)
{
    return s->raw_size;
}

uint64_t l4r_source_disk_size(const l4r_source *s)
{
    struct stat st;
    return fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

/* The source's decoded bytes (decompressed, the member's), after the peeked ones. */
static l4r_status read_decoded(l4r_source *s, void *buf, size_t cap, size_t *got, l4r_error *e)
{
    *got = 0;
    if (s->peek_pos < s->peek_len) {
        size_t n = s->peek_len - s->peek_pos < cap ? s->peek_len - s->peek_pos : cap;
        memcpy(buf, s->peek + s->peek_pos, n);
        s->peek_pos += n;
        *got = n;
        return L4R_OK;
    }
    if (s->eof || cap == 0)
        return L4R_OK;
    l4r_status st = L4R_OK;
    switch (s->kind) {
    case SRC_PLAIN: st = raw_read(s, buf, cap, got, e); break;
    case SRC_GZIP: {
        bool end = false;
        st = gz_read(s, s->gz, s->name, buf, cap, got, &end, e);
        break;
    }
    case SRC_ARCHIVE:
        if (s->tail) {
            st = strm_read(s, s->tail, buf, cap, got, e);
        } else {
            la_ssize_t r = archive_read_data(s->ar, buf, cap);
            if (r < 0)
                return ar_fail(s, "corrupt archive member", e);
            *got = (size_t)r;
        }
        break;
    }
    if (st == L4R_OK && *got == 0)
        s->eof = true;
    return st;
}

l4r_status l4r_source_read(l4r_source *s, void *buf, size_t cap, size_t *got, l4r_error *e)
{
    if (!s->jarr)
        return read_decoded(s, buf, cap, got, e);
    /* the array's bytes, filtered where they were read (the output is never longer), until some
     * come out or the input ends */
    for (;;) {
        size_t n;
        l4r_status st = read_decoded(s, buf, cap, &n, e);
        *got = 0;
        if (st)
            return st;
        if (n == 0)
            return l4r_jarray_end(s->jarr, s->name, e);
        st = l4r_jarray_feed(s->jarr, s->name, buf, n, got, e);
        if (st || *got)
            return st;
    }
}

l4r_status l4r_source_json_array(l4r_source *s, bool *is_array, l4r_error *e)
{
    *is_array = false;
    free(s->jarr);
    s->jarr = NULL;
    if (s->peek_pos < s->peek_len || s->have_digest)
        return L4R_OK; /* not at the start of the bytes */
    enum { CHUNK = 64 << 10 };
    int verdict = -1;
    l4r_status st = L4R_OK;
    if (s->kind == SRC_PLAIN) {
        /* pread, so that the file is still read (and hashed) once, front to back, from here */
        char *tmp = l4r_xmalloc(CHUNK);
        for (uint64_t off = s->raw_size; verdict < 0;) {
            ssize_t r = pread(s->fd, tmp, CHUNK, (off_t)off);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0) {
                st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", s->path, strerror(errno));
                break;
            }
            if (r == 0)
                break;
            verdict = l4r_jarray_sniff(tmp, (size_t)r, off);
            off += (uint64_t)r;
        }
        free(tmp);
    } else {
        /* the decoded bytes cannot be read twice: keep them, and give them out first */
        free(s->peek);
        s->peek = NULL;
        s->peek_len = s->peek_pos = 0;
        size_t cap = 0;
        while (verdict < 0) {
            if (cap - s->peek_len < CHUNK) {
                cap = cap ? 2 * cap : CHUNK;
                s->peek = l4r_xrealloc(s->peek, cap);
            }
            size_t got;
            s->peek_pos = s->peek_len; /* nothing peeked is pending: read on from the source */
            st = read_decoded(s, s->peek + s->peek_len, CHUNK, &got, e);
            if (st || got == 0)
                break;
            verdict = l4r_jarray_sniff(s->peek + s->peek_len, got, s->peek_len);
            s->peek_len += got;
        }
        s->peek_pos = 0;
    }
    if (st == L4R_OK && verdict == 1) {
        s->jarr = l4r_xmalloc(sizeof *s->jarr);
        l4r_jarray_init(s->jarr);
        *is_array = true;
    }
    return st;
}

const char *l4r_source_name(const l4r_source *s)
{
    return s->name;
}

l4r_status l4r_source_file_digest(l4r_source *s, char *sha256_hex, uint64_t *size, l4r_error *e)
{
    if (!s->have_digest) {
        if (s->lent)
            return l4r_err(e, L4R_EINTERNAL, "'%s': digest asked while its hasher is lent", s->path);
        if (!s->hash && !s->side)
            return l4r_err(e, L4R_EIO, "'%s': no digest after an earlier read error", s->path);
        l4r_status st = check_levels(s, e);
        if (st)
            return st;
        /* Hash whatever the decoder left unread (an archive's later members, padding). */
        char *tmp = l4r_xmalloc(IN_CAP);
        size_t got;
        do {
            st = raw_read(s, tmp, IN_CAP, &got, e);
        } while (st == L4R_OK && got > 0);
        free(tmp);
        if (st)
            return st;
        st = side_join(s, false, e);
        if (st)
            return st;
        l4r_hasher_final(s->hash, s->digest);
        s->hash = NULL;
        s->have_digest = true;
    }
    memcpy(sha256_hex, s->digest, 65);
    if (size)
        *size = s->raw_size;
    return L4R_OK;
}

void l4r_source_close(l4r_source *s)
{
    if (!s)
        return;
    side_join(s, true, NULL);
    for (size_t i = 0; i < s->n_owned; i++) {
        strm_free_parts(s->owned[i]);
        free(s->owned[i]);
    }
    free(s->owned);
    for (size_t k = 0; k < s->n_lv; k++) {
        level *L = &s->lv[k];
        if (L->ar)
            archive_read_free(L->ar);
        free(L->in);
        free(L->name);
        free(L->want);
        free(L->member);
        free(L->data.back);
        free(L->data.name);
        for (size_t i = 0; i < L->n_prev; i++)
            free(L->prev[i]);
        free(L->prev);
        free(L->prev_no);
    }
    if (s->ar)
        archive_read_free(s->ar);
    gz_free(s->gz);
    free(s->jarr);
    free(s->peek);
    if (s->fd >= 0)
        close(s->fd);
    l4r_hasher_free(s->hash);
    free(s->in);
    free(s->path);
    free(s->name);
    free(s);
}

size_t l4r_member_file_prefix(const char *dir, const char *member)
{
    size_t best = 0;
    for (const char *p = strchr(member, '/'); p; p = strchr(p + 1, '/')) {
        char *pre = l4r_xstrndup(member, (size_t)(p - member));
        char *full = l4r_path_join(dir, pre);
        if (l4r_is_file(full))
            best = (size_t)(p - member);
        free(full);
        free(pre);
    }
    return best;
}
