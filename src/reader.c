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
 */
#include "reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#ifdef L4R_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "util.h"

#define IN_CAP (1u << 20) /* compressed input buffer */

typedef enum src_kind { SRC_PLAIN, SRC_GZIP, SRC_ARCHIVE } src_kind;

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
    /* gzip */
    unsigned char *in;
    size_t in_len; /* valid bytes in `in` */
    size_t in_pos; /* consumed */
    bool use_isal;
    bool member_done; /* between members: the next byte must start a member or the file ends */
    bool z_ready;
    z_stream zs;
#ifdef L4R_HAVE_ISAL
    struct inflate_state *isal;
#endif
    /* libarchive */
    struct archive *ar;
    char *member;       /* the wanted member, clean (l4r_archive_path_clean); NULL: not an archive */
    uint64_t entry;     /* 1-based index of the entry being read */
    bool ar_checked;    /* the entries after the member were looked at (no duplicate) */
    uint64_t out_bytes; /* bytes of the member returned so far */
    l4r_error ar_err;   /* an I/O error seen inside the read callback */
    bool ar_failed;
    bool eof;
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

/* Read raw bytes from the file, hashing them. */
static l4r_status raw_read(l4r_source *s, void *buf, size_t cap, size_t *got, l4r_error *e)
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
        if (s->side)
            l4r_trail_advance(s->side, s->raw_size);
        else if (!s->lent)
            l4r_hasher_update(s->hash, buf, (size_t)r);
        *got = (size_t)r;
        return L4R_OK;
    }
}

/* Make sure unconsumed compressed input is available; false at end of file. */
static l4r_status refill(l4r_source *s, bool *have, l4r_error *e)
{
    *have = true;
    if (s->in_pos < s->in_len)
        return L4R_OK;
    size_t got;
    l4r_status st = raw_read(s, s->in, IN_CAP, &got, e);
    if (st)
        return st;
    s->in_len = got;
    s->in_pos = 0;
    *have = got > 0;
    return L4R_OK;
}

static l4r_status gz_start_member(l4r_source *s, l4r_error *e)
{
#ifdef L4R_HAVE_ISAL
    if (s->use_isal) {
        isal_inflate_reset(s->isal);
        s->isal->crc_flag = ISAL_GZIP;
        s->member_done = false;
        return L4R_OK;
    }
#endif
    int zr = s->z_ready ? inflateReset(&s->zs) : inflateInit2(&s->zs, 15 + 16);
    if (zr != Z_OK)
        return l4r_err(e, L4R_EINTERNAL, "cannot initialise zlib for '%s'", s->name);
    s->z_ready = true;
    s->member_done = false;
    return L4R_OK;
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

/* Inflate into buf; returns with *got > 0, or 0 at the clean end of the last member. */
static l4r_status gz_read(l4r_source *s, unsigned char *buf, size_t cap, size_t *got, l4r_error *e)
{
    l4r_status st;
    size_t produced = 0;
    *got = 0;
    while (produced < cap) {
        bool have;
        if (s->member_done) {
            st = refill(s, &have, e);
            if (st)
                return st;
            /* Zero padding after the last member is tolerated, as gzip(1) does. */
            while (have && s->in[s->in_pos] == 0) {
                s->in_pos++;
                st = refill(s, &have, e);
                if (st)
                    return st;
            }
            if (!have) {
                s->eof = true;
                break;
            }
            if (s->in[s->in_pos] != 0x1f)
                return l4r_err(e, L4R_EARCHIVE, "corrupt gzip stream '%s': garbage after member at byte %llu",
                               s->name, (unsigned long long)(s->raw_size - (s->in_len - s->in_pos)));
            st = gz_start_member(s, e);
            if (st)
                return st;
        }
        st = refill(s, &have, e);
        if (st)
            return st;
        size_t avail_before = s->in_len - s->in_pos;
        size_t out_before = produced;
        bool finished;
#ifdef L4R_HAVE_ISAL
        if (s->use_isal) {
            struct inflate_state *z = s->isal;
            z->next_in = s->in + s->in_pos;
            z->avail_in = (uint32_t)avail_before;
            z->next_out = buf + produced;
            size_t room = cap - produced;
            z->avail_out = room > UINT32_MAX ? UINT32_MAX : (uint32_t)room;
            uint32_t out0 = z->avail_out;
            int r = isal_inflate(z);
            if (r < 0)
                return l4r_err(e, L4R_EARCHIVE, "corrupt gzip stream '%s': %s", s->name, isal_msg(r));
            s->in_pos = (size_t)(z->next_in - s->in);
            produced += out0 - z->avail_out;
            finished = z->block_state == ISAL_BLOCK_FINISH;
        } else
#endif
        {
            z_stream *z = &s->zs;
            z->next_in = s->in + s->in_pos;
            z->avail_in = (uInt)avail_before;
            z->next_out = buf + produced;
            size_t room = cap - produced;
            z->avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
            uInt out0 = z->avail_out;
            int r = inflate(z, Z_NO_FLUSH);
            if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_STREAM_ERROR)
                return l4r_err(e, L4R_EARCHIVE, "corrupt gzip stream '%s': %s", s->name,
                               z->msg ? z->msg : "inflate error");
            if (r == Z_MEM_ERROR)
                l4r_oom();
            s->in_pos = (size_t)(z->next_in - s->in);
            produced += out0 - z->avail_out;
            finished = r == Z_STREAM_END;
        }
        if (finished) {
            s->member_done = true;
            continue;
        }
        bool progress = produced > out_before || s->in_len - s->in_pos < avail_before;
        if (!progress && !have)
            return l4r_err(e, L4R_EARCHIVE, "truncated gzip stream '%s' (ends inside a member)", s->name);
        if (!progress && produced > 0)
            break;
    }
    *got = produced;
    return L4R_OK;
}

static la_ssize_t ar_read_cb(struct archive *a, void *ud, const void **buf)
{
    (void)a;
    l4r_source *s = ud;
    size_t got;
    if (raw_read(s, s->in, IN_CAP, &got, &s->ar_err) != L4R_OK) {
        s->ar_failed = true;
        archive_set_error(a, EIO, "%s", s->ar_err.msg);
        return -1;
    }
    *buf = s->in;
    return (la_ssize_t)got;
}

static l4r_status ar_fail(l4r_source *s, const char *what, l4r_error *e)
{
    if (s->ar_failed)
        return l4r_err(e, s->ar_err.status, "%s", s->ar_err.msg);
    const char *m = archive_error_string(s->ar);
    return l4r_err(e, L4R_EARCHIVE, "%s '%s': %s", what, s->name,
                   m ? m : "libarchive gives no reason (a truncated or damaged archive)");
}

/* Is the entry's path, cleaned, exactly the wanted (clean) member?  fetch unpacks an entry under
 * its clean path, so this is the entry a fetched variant's file holds. */
static bool member_matches(struct archive_entry *ent, const char *member, l4r_buf *clean)
{
    const char *path = archive_entry_pathname(ent);
    if (!path)
        path = archive_entry_pathname_utf8(ent);
    return path && l4r_archive_path_clean(path, clean) && !strcmp(clean->data, member);
}

static const char *entry_kind(struct archive_entry *ent)
{
    switch (archive_entry_filetype(ent)) {
    case AE_IFREG: return "file";
    case AE_IFDIR: return "directory";
    case AE_IFLNK: return "symbolic link";
    default: return archive_entry_hardlink(ent) ? "hard link" : "special file";
    }
}

/* The entries fetch refuses to unpack (src/fetch/unpack.c) make --raw refuse the archive too, so
 * that one archive gets one verdict on both paths: a path that is absolute or has a '..'
 * component, a symlink whose target leaves the tree, a device, fifo or socket.  (Nothing is
 * written to disk here; this is about trusting the archive, not about where it would land.) */
static l4r_status entry_unsafe(const l4r_source *s, struct archive_entry *ent, l4r_buf *clean, l4r_error *e)
{
    const char *path = archive_entry_pathname(ent);
    if (!path)
        path = archive_entry_pathname_utf8(ent);
    if (!path)
        return L4R_OK; /* no name: never the member; unpacking says so */
    if (!l4r_archive_path_clean(path, clean))
        return l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' %s", s->path, path,
                       path[0] == '/' ? "has an absolute path" : "has a '..' component");
    mode_t type = archive_entry_filetype(ent);
    if (type == AE_IFLNK && !archive_entry_hardlink(ent)) {
        const char *target = archive_entry_symlink(ent);
        if (!target || !l4r_archive_link_safe(clean->data, target))
            return l4r_err(e, L4R_EARCHIVE,
                           "unsafe archive '%s': entry '%s' is a symlink to '%s', outside the archive's tree",
                           s->path, path, target ? target : "");
    } else if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK) {
        return l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' is a %s, not a file or directory",
                       s->path, path,
                       type == AE_IFIFO    ? "fifo"
                       : type == AE_IFSOCK ? "socket"
                                           : "device");
    }
    return L4R_OK;
}

/* The container formats: every format libarchive reads but raw (any bytes), empty and mtree (a
 * text listing of files elsewhere, whose bidder takes any text file for one). */
static void support_containers(struct archive *a)
{
    archive_read_support_format_7zip(a);
    archive_read_support_format_ar(a);
    archive_read_support_format_cab(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_iso9660(a);
    archive_read_support_format_lha(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_warc(a);
    archive_read_support_format_xar(a);
    archive_read_support_format_zip(a);
}

static l4r_status ar_open(l4r_source *s, const char *member, l4r_error *e)
{
    s->ar = archive_read_new();
    if (!s->ar)
        l4r_oom();
    if (member) {
        support_containers(s->ar);
    } else {
        archive_read_support_format_raw(s->ar);
    }
    archive_read_support_filter_all(s->ar);
    if (archive_read_open(s->ar, s, NULL, ar_read_cb, NULL) != ARCHIVE_OK)
        return ar_fail(s, "cannot open archive", e);
    l4r_buf clean = {0};
    l4r_status st = L4R_OK;
    for (;;) {
        struct archive_entry *ent;
        int r = archive_read_next_header(s->ar, &ent);
        if (r == ARCHIVE_EOF) {
            if (member)
                st = l4r_err(e, L4R_EARCHIVE, "no member '%s' in archive '%s'", member, s->path);
            else
                st = l4r_err(e, L4R_EARCHIVE, "empty compressed file '%s'", s->path);
            break;
        }
        if (r < ARCHIVE_WARN) {
            st = ar_fail(s, "corrupt archive", e);
            break;
        }
        s->entry++;
        if (!member)
            break;
        st = entry_unsafe(s, ent, &clean, e);
        if (st)
            break;
        if (member_matches(ent, s->member, &clean)) {
            if (archive_entry_filetype(ent) != AE_IFREG || archive_entry_hardlink(ent))
                st = l4r_err(e, L4R_EARCHIVE, "archive '%s' holds '%s' as a %s (entry %llu), not as a file",
                             s->path, s->member, entry_kind(ent), (unsigned long long)s->entry);
            break;
        }
        archive_read_data_skip(s->ar);
    }
    l4r_buf_free(&clean);
    return st;
}

static l4r_status ambiguous(const l4r_source *s, uint64_t first, uint64_t second, struct archive_entry *ent,
                            l4r_error *e)
{
    bool file = archive_entry_filetype(ent) == AE_IFREG;
    return l4r_err(e, L4R_EARCHIVE,
                   "ambiguous archive '%s': it holds '%s' twice (entries %llu and %llu%s%s); which one is "
                   "meant cannot be told: repack it with one entry of that name",
                   s->path, s->member, (unsigned long long)first, (unsigned long long)second,
                   file ? "" : ", the second a ", file ? "" : entry_kind(ent));
}

/* A zip's entries, from its central directory (what fetch's unpacking lists): a seek to the end
 * and a few small reads, where walking the local headers after the member would inflate every
 * later entry written with a data descriptor (sizes unknown up front, as in the MovieLens zips).
 * *listed false: no central directory could be read (then the caller walks the local headers). */
static l4r_status zip_check_directory(l4r_source *s, bool *listed, l4r_error *e)
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
            st = entry_unsafe(s, ent, &clean, e);
            if (st) {
                *listed = true;
                break;
            }
            if (!member_matches(ent, s->member, &clean))
                continue;
            if (first) {
                st = ambiguous(s, first, n, ent, e);
                *listed = true;
                break;
            }
            first = n;
            /* The member was read through the local headers; the directory's entry must be the
             * same one (a zip can hide an entry from its directory), as far as its size tells. */
            if (s->eof && archive_entry_size_is_set(ent) &&
                (uint64_t)archive_entry_size(ent) != s->out_bytes) {
                st = l4r_err(e, L4R_EARCHIVE,
                             "ambiguous archive '%s': its central directory gives '%s' %lld bytes, its local "
                             "header %llu; which one is meant cannot be told: repack the archive",
                             s->path, s->member, (long long)archive_entry_size(ent),
                             (unsigned long long)s->out_bytes);
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
            s->path, s->member);
    l4r_buf_free(&clean);
    archive_read_free(a);
    close(fd);
    return st;
}

/* After the member: is there a second entry of the same clean path?  Then fetch, which unpacks
 * every entry, and --raw, which reads the first, could see different data: an error.  An unsafe
 * entry (entry_unsafe) anywhere in the archive is an error too.  A zip is
 * checked on its central directory; other archives by reading the headers that follow the member
 * (their data is skipped: an uncompressed tar's is only read, which the digest does anyway; a
 * compressed tar's must be inflated to find the next header). */
static l4r_status ar_check_rest(l4r_source *s, l4r_error *e)
{
    if (s->ar_checked || !s->ar || !s->member)
        return L4R_OK;
    s->ar_checked = true;
    if ((archive_format(s->ar) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP &&
        archive_filter_count(s->ar) <= 1) {
        bool listed;
        l4r_status st = zip_check_directory(s, &listed, e);
        if (st || listed)
            return st;
    }
    uint64_t first = s->entry;
    l4r_buf clean = {0};
    l4r_status st = L4R_OK;
    for (;;) {
        struct archive_entry *ent;
        int r = archive_read_next_header(s->ar, &ent);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            st = ar_fail(s, "corrupt archive", e);
            break;
        }
        s->entry++;
        st = entry_unsafe(s, ent, &clean, e);
        if (st)
            break;
        if (member_matches(ent, s->member, &clean)) {
            st = ambiguous(s, first, s->entry, ent, e);
            break;
        }
    }
    l4r_buf_free(&clean);
    return st;
}

typedef enum magic { M_NONE, M_GZIP, M_ZIP, M_TAR, M_BZ2, M_XZ, M_ZSTD } magic;

static magic sniff(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return M_GZIP;
    if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
        return M_ZIP;
    if (n >= 4 && memcmp(b, "PK\x05\x06", 4) == 0)
        return M_ZIP; /* empty zip */
    if (n >= 262 && memcmp(b + 257, "ustar", 5) == 0)
        return M_TAR;
    if (n >= 4 && memcmp(b, "BZh", 3) == 0 && b[3] >= '1' && b[3] <= '9')
        return M_BZ2;
    if (n >= 6 && memcmp(b,
                         "\xfd"
                         "7zXZ\x00",
                         6) == 0)
        return M_XZ;
    if (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0)
        return M_ZSTD;
    return M_NONE;
}

l4r_status l4r_source_open(l4r_source **out, const char *path, const char *member, l4r_error *e)
{
    *out = NULL;
    l4r_status st = L4R_OK;
    l4r_source *s = l4r_xcalloc(1, sizeof *s);
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
    magic m = sniff(head, (size_t)n);
    if (member) {
        l4r_buf clean = {0};
        if (!l4r_archive_path_clean(member, &clean) || !clean.len) {
            l4r_buf_free(&clean);
            st = l4r_err(e, L4R_EARCHIVE, "'%s' cannot name an archive member (absolute, '..' or empty)",
                         member);
            goto out;
        }
        s->member = l4r_buf_take(&clean);
        s->kind = SRC_ARCHIVE;
        s->in = l4r_xmalloc(IN_CAP);
        st = ar_open(s, s->member, e);
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
    case M_NONE: s->kind = SRC_PLAIN; break;
    case M_GZIP:
        s->kind = SRC_GZIP;
        s->in = l4r_xmalloc(IN_CAP);
        s->use_isal = strcmp(l4r_gzip_backend(), "isa-l") == 0;
#ifdef L4R_HAVE_ISAL
        if (s->use_isal) {
            s->isal = l4r_xmalloc(sizeof *s->isal);
            isal_inflate_init(s->isal);
        }
#endif
        st = gz_start_member(s, e);
        break;
    default:
        s->kind = SRC_ARCHIVE;
        s->in = l4r_xmalloc(IN_CAP);
        st = ar_open(s, NULL, e);
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

bool l4r_source_plain(const l4r_source *s)
{
    return s->kind == SRC_PLAIN;
}

void l4r_source_hash_aside(l4r_source *s)
{
    /* A plain file's bytes are in the caller's blocks: the pipeline hashes them there with no
     * copy (l4r_source_lend_hash); a pread here would add one. */
    if (s->side || s->have_digest || !s->hash || s->kind == SRC_PLAIN)
        return;
    /* what was read so far is hashed already */
    s->side = l4r_trail_start(s->fd, s->path, s->hash, s->raw_size);
}

l4r_hasher *l4r_source_lend_hash(l4r_source *s)
{
    if (s->kind != SRC_PLAIN || s->lent || s->side || s->have_digest || !s->hash)
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

l4r_status l4r_source_read(l4r_source *s, void *buf, size_t cap, size_t *got, l4r_error *e)
{
    *got = 0;
    if (s->eof || cap == 0)
        return L4R_OK;
    switch (s->kind) {
    case SRC_PLAIN: {
        l4r_status st = raw_read(s, buf, cap, got, e);
        if (st == L4R_OK && *got == 0)
            s->eof = true;
        return st;
    }
    case SRC_GZIP: return gz_read(s, buf, cap, got, e);
    case SRC_ARCHIVE: {
        la_ssize_t r = archive_read_data(s->ar, buf, cap);
        if (r < 0)
            return ar_fail(s, "corrupt archive member", e);
        if (r == 0)
            s->eof = true;
        s->out_bytes += (uint64_t)r;
        *got = (size_t)r;
        return L4R_OK;
    }
    }
    return L4R_OK;
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
        l4r_status st = ar_check_rest(s, e);
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
    if (s->ar)
        archive_read_free(s->ar);
    if (s->z_ready)
        inflateEnd(&s->zs);
#ifdef L4R_HAVE_ISAL
    free(s->isal);
#endif
    if (s->fd >= 0)
        close(s->fd);
    l4r_hasher_free(s->hash);
    free(s->in);
    free(s->member);
    free(s->path);
    free(s->name);
    free(s);
}

static const char *format_short(int fmt)
{
    switch (fmt & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_TAR: return "tar";
    case ARCHIVE_FORMAT_ZIP: return "zip";
    case ARCHIVE_FORMAT_7ZIP: return "7z";
    case ARCHIVE_FORMAT_CPIO: return "cpio";
    case ARCHIVE_FORMAT_AR: return "ar";
    case ARCHIVE_FORMAT_ISO9660: return "ISO 9660";
    case ARCHIVE_FORMAT_RAR: return "rar";
#ifdef ARCHIVE_FORMAT_RAR_V5
    case ARCHIVE_FORMAT_RAR_V5: return "rar";
#endif
    case ARCHIVE_FORMAT_LHA: return "lha";
    case ARCHIVE_FORMAT_CAB: return "cab";
    case ARCHIVE_FORMAT_XAR: return "xar";
    case ARCHIVE_FORMAT_WARC: return "warc";
    default: return "libarchive-readable";
    }
}

l4r_status l4r_archive_sniff(const char *path, l4r_archive_kind *k, l4r_error *e)
{
    memset(k, 0, sizeof *k);
    struct archive *a = archive_read_new();
    if (!a)
        l4r_oom();
    archive_read_support_filter_all(a);
    support_containers(a); /* no raw format: only a real container header reads */
    l4r_status st = L4R_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto out;
    }
    /* Any failure from here on means no filter or container format recognised the bytes: one
     * file, for the plain reader to judge (and to report a read error, if that was one). */
    if (archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
        goto out;
    struct archive_entry *ent;
    int r = archive_read_next_header(a, &ent);
    int fmt = archive_format(a);
    if (r == ARCHIVE_OK || r == ARCHIVE_WARN) {
        k->is_archive = true;
        const char *p = archive_entry_pathname(ent);
        snprintf(k->first, sizeof k->first, "%s", p ? p : "");
    } else if (r == ARCHIVE_EOF) {
        /* a container with no entry (an empty tar) is still a container; an empty file is not */
        k->is_archive = fmt != 0;
    }
    if (k->is_archive) {
        snprintf(k->format, sizeof k->format, "%s", format_short(fmt));
        const char *f = archive_filter_count(a) > 1 ? archive_filter_name(a, 0) : NULL;
        if (f && strcmp(f, "none") != 0)
            snprintf(k->filter, sizeof k->filter, "%s-compressed", f);
    }
out:
    archive_read_free(a);
    if (fd >= 0)
        close(fd);
    return st;
}
