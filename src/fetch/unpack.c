/*
 * unpack.c — extract an archive into a directory without trusting the archive.
 *
 * libarchive reads every format and filter; archive_write_disk writes the entries with
 * ARCHIVE_EXTRACT_SECURE_NODOTDOT and ARCHIVE_EXTRACT_SECURE_SYMLINKS.  On top of that every entry
 * is checked here before anything touches the disk, because the flags alone do not cover
 * everything we promise (a symlink *target* pointing out of the tree, hard links to symlinks,
 * device nodes, a size ceiling, two entries of one path):
 *
 *   - the path is normalised ("./a//b/" -> "a/b", l4r_archive_path_clean, the same function
 *     convert --raw names members with); an absolute path or a ".." component is an error;
 *   - every format libarchive reads but mtree (a text listing of local paths whose contents
 *     libarchive would copy from the local file system);
 *   - only regular files, directories, symlinks and hard links are allowed (no devices, fifos,
 *     sockets);
 *   - a symlink target must be relative and may use ".." only as a leading run that does not
 *     climb above the top of the tree; with that rule every link resolves inside the tree even
 *     when link targets traverse other links (".." never follows a link);
 *   - no entry may be written at or below an earlier symlink entry (writing through a link);
 *   - no path may come twice, and no path may be both a file and a directory (an explicit "d/"
 *     entry or the parent of another entry): such an archive is ambiguous, because which entry
 *     wins depends on the reader (fetch and convert --raw must read the same bytes).  Directory
 *     entries may repeat: they hold no bytes;
 *   - a hard link must name a regular file extracted earlier from the same archive;
 *   - no top-level entry may take the name of a file llm4rec-data manages (the stamp, the lock, a
 *     .part, the archive itself) or of another download of the variant (uo->siblings);
 *   - every result of libarchive other than ARCHIVE_OK is an error, ARCHIVE_WARN included: that is
 *     how libarchive reports a zip CRC mismatch, a short entry, or a write that failed (ENOSPC);
 *   - an archive without a single entry is an error (NUL bytes pass for an empty tar);
 *   - the bytes of a regular file, counted as they are written (holes included), must equal the
 *     size its header declares when it declares one (zip headers may lie: a file declared 24
 *     bytes long stops at byte 25), and all the archive's files together stay <= uo->max_bytes.
 *
 * gzip: libarchive's gzip filter does not check the CRC-32 and length trailer (its source says
 * "XXX TODO: Verify the length and CRC"), so a file that starts with the gzip magic is inflated
 * here with zlib, which checks both for every member, and libarchive reads the inflated bytes
 * (a .tar.gz as a tar, a lone .gz as raw data).  As in the converter's reader (src/reader.c),
 * members may follow one another, zero padding after the last one is tolerated, anything else
 * after a member and a file that ends inside one are errors.
 *
 * Names: zip (with its UTF-8 flag) and pax tar store names in UTF-8, and libarchive converts them
 * to the locale's character set, with a warning when it cannot (always, for a non-ASCII name in
 * the C locale the program runs in).  Since a warning is an error here, the unpacking thread uses
 * a UTF-8 LC_CTYPE (uselocale, thread-local, restored at the end): UTF-8 names are then written as
 * they are.  A name stored without a character set (GNU tar, a zip without the flag) is written as its
 * bytes; when those are not UTF-8 the stamp leaves the file out (fetch.c, write_stamp).
 *
 * Every regular file is hashed (SHA-256) while it is written, so the stamp can list the unpacked
 * files with their digests without reading them again (l4r_unpacked).
 *
 * ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS is not set because we hand libarchive absolute paths of
 * our own making (TMP/clean-relative-path); the absolute-path check happens on the archive's name
 * before the prefix is added.  TMP is realpath()ed so SECURE_SYMLINKS does not trip over a
 * symlinked data directory.
 *
 * Entries go into DIR/.l4r-unpack.XXXXXX first; only when the whole archive has been extracted
 * (the last entry finished and archive_write_close succeeded) are its top-level entries moved into
 * DIR (merging directories, replacing files), so a failure or an interrupt never leaves a
 * half-written file under a final name.  A failure while moving (a rename that fails on a local
 * i/o error) can leave some complete files of the archive in place and not others; fetch has
 * removed the stamp before unpacking, so the next fetch unpacks again.  A SIGKILL leaves the
 * temporary directory behind: fetch removes every .l4r-unpack.* of the variant when it takes the
 * variant's lock, because only the holder of that lock unpacks there.
 */
#include "fetch/fetch.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sniff.h"
#include "util.h"

/* ---- the unpacked-file list ---- */

void l4r_unpacked_add(l4r_unpacked *u, const char *name, uint64_t size, const char *sha256, int64_t mtime_ns)
{
    if (u->n == u->cap) {
        u->cap = u->cap ? u->cap * 2 : 16;
        u->v = l4r_xrealloc(u->v, u->cap * sizeof *u->v);
    }
    l4r_unpacked_file *f = &u->v[u->n++];
    f->name = l4r_xstrdup(name);
    f->size = size;
    snprintf(f->sha256, sizeof f->sha256, "%s", sha256);
    f->mtime_ns = mtime_ns;
}

void l4r_unpacked_free(l4r_unpacked *u)
{
    for (size_t i = 0; i < u->n; i++)
        free(u->v[i].name);
    free(u->v);
    u->v = NULL;
    u->n = u->cap = 0;
    u->bytes = 0;
}

/* ---- the paths of the archive seen so far (open addressing) ---- */

enum { K_FILE = 'f', K_HARD = 'h', K_LINK = 'l', K_DIR = 'd', K_IMPLIED = 'i' };

typedef struct pent {
    char *path;   /* NULL: a free slot */
    char kind;    /* K_*; K_IMPLIED: a directory only because another entry lies below it */
    size_t entry; /* 1-based number of the entry that made it (K_IMPLIED: the first one below it) */
    size_t rec;   /* K_FILE: index in the archive's l4r_unpacked list */
} pent;

typedef struct pathmap {
    pent *v;
    size_t n, cap; /* cap is a power of two */
} pathmap;

static size_t pm_slot(const pathmap *m, const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    size_t i = (size_t)h & (m->cap - 1);
    while (m->v[i].path && !(strlen(m->v[i].path) == n && !memcmp(m->v[i].path, p, n)))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static pent *pm_get(const pathmap *m, const char *p, size_t n)
{
    if (!m->cap)
        return NULL;
    pent *s = &m->v[pm_slot(m, p, n)];
    return s->path ? s : NULL;
}

static pent *pm_put(pathmap *m, const char *p, size_t n, char kind, size_t entry)
{
    if ((m->n + 1) * 2 > m->cap) {
        pathmap g = {l4r_xcalloc(m->cap ? m->cap * 2 : 64, sizeof *g.v), m->n, m->cap ? m->cap * 2 : 64};
        for (size_t i = 0; i < m->cap; i++)
            if (m->v[i].path)
                g.v[pm_slot(&g, m->v[i].path, strlen(m->v[i].path))] = m->v[i];
        free(m->v);
        *m = g;
    }
    pent *s = &m->v[pm_slot(m, p, n)];
    if (!s->path) {
        s->path = l4r_xstrndup(p, n);
        m->n++;
    }
    s->kind = kind;
    s->entry = entry;
    s->rec = SIZE_MAX;
    return s;
}

static void pm_free(pathmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->v[i].path);
    free(m->v);
}

static const char *kind_name(char k)
{
    return k == K_LINK ? "symlink" : k == K_DIR || k == K_IMPLIED ? "directory" : "file";
}

/* May an entry of kind `kind` take the path `clean` (entry number `no`)?  Checks the path itself and
 * every parent; fills e naming both entries when not. */
static l4r_status check_path(const pathmap *m, const char *archive, const char *name, const char *clean,
                             char kind, size_t no, l4r_error *e)
{
    for (const char *s = strchr(clean, '/'); s; s = strchr(s + 1, '/')) {
        const pent *q = pm_get(m, clean, (size_t)(s - clean));
        if (!q || q->kind == K_DIR || q->kind == K_IMPLIED)
            continue;
        if (q->kind == K_LINK)
            return l4r_err(e, L4R_EARCHIVE,
                           "unsafe archive '%s': entry '%s' would be written through a symlink of the "
                           "archive ('%s', entry %zu)",
                           archive, name, q->path, q->entry);
        return l4r_err(e, L4R_EARCHIVE,
                       "ambiguous archive '%s': '%s' is a file (entry %zu) and a directory (entry %zu)",
                       archive, q->path, q->entry, no);
    }
    const pent *p = pm_get(m, clean, strlen(clean));
    if (!p)
        return L4R_OK;
    bool old_dir = p->kind == K_DIR || p->kind == K_IMPLIED;
    if (old_dir && kind == K_DIR)
        return L4R_OK; /* a directory again: it holds no bytes to disagree about */
    if (old_dir || kind == K_DIR)
        return l4r_err(e, L4R_EARCHIVE,
                       "ambiguous archive '%s': '%s' is a %s (entry %zu) and a %s (entry %zu)", archive,
                       clean, kind_name(p->kind), p->entry, kind_name(kind), no);
    return l4r_err(e, L4R_EARCHIVE, "ambiguous archive '%s': entry '%s' appears twice (entries %zu and %zu)",
                   archive, clean, p->entry, no);
}

/* Record the entry's path and make every parent a directory. */
static pent *note_path(pathmap *m, const char *clean, char kind, size_t no)
{
    for (const char *s = strchr(clean, '/'); s; s = strchr(s + 1, '/'))
        if (!pm_get(m, clean, (size_t)(s - clean)))
            pm_put(m, clean, (size_t)(s - clean), K_IMPLIED, no);
    pent *p = pm_get(m, clean, strlen(clean));
    if (p && kind == K_DIR) {
        if (p->kind == K_IMPLIED)
            p->kind = K_DIR; /* keeps the number of the first entry below it */
        return p;
    }
    return pm_put(m, clean, strlen(clean), kind, no);
}

static bool reserved_top(const char *clean, const char *archive_base)
{
    size_t n = strcspn(clean, "/");
    if (n >= 4 && !strncmp(clean, ".l4r", 4))
        return true;
    if (n == 5 && !strncmp(clean, ".lock", 5))
        return true;
    if (n >= 5 && !strncmp(clean + n - 5, ".part", 5))
        return true;
    return strlen(archive_base) == n && !strncmp(clean, archive_base, n);
}

/* ---- gzip, inflated and checked with zlib ---- */

typedef struct gzsrc {
    int fd;
    z_stream zs;
    bool member_done; /* between two members (or after the last) */
    bool eof;         /* read() returned 0 */
    bool failed;      /* st and msg say why */
    l4r_status st;
    char msg[400];
    unsigned char in[1 << 16];
    unsigned char out[1 << 16];
} gzsrc;

static la_ssize_t gz_fail(struct archive *a, gzsrc *g, l4r_status st, int errnum, const char *what,
                          const char *detail)
{
    g->failed = true;
    g->st = st;
    snprintf(g->msg, sizeof g->msg, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    archive_set_error(a, errnum, "%s", g->msg);
    return -1;
}

static la_ssize_t gz_read_cb(struct archive *a, void *ud, const void **buf)
{
    gzsrc *g = ud;
    for (;;) {
        if (g->zs.avail_in == 0 && !g->eof) {
            ssize_t n = read(g->fd, g->in, sizeof g->in);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return gz_fail(a, g, L4R_EIO, errno, "cannot read the gzip data", strerror(errno));
            g->eof = n == 0;
            g->zs.next_in = g->in;
            g->zs.avail_in = (uInt)n;
        }
        if (g->member_done) {
            while (g->zs.avail_in && *g->zs.next_in == 0) {
                g->zs.next_in++;
                g->zs.avail_in--;
            }
            if (g->zs.avail_in == 0) {
                if (g->eof)
                    return 0;
                continue;
            }
            if (*g->zs.next_in != 0x1f)
                return gz_fail(a, g, L4R_EARCHIVE, EILSEQ, "damaged gzip data", "garbage after a member");
            if (inflateReset(&g->zs) != Z_OK)
                return gz_fail(a, g, L4R_EINTERNAL, EINVAL, "cannot reset zlib", NULL);
            g->member_done = false;
        }
        if (g->zs.avail_in == 0 && g->eof)
            return gz_fail(a, g, L4R_EARCHIVE, EILSEQ, "truncated gzip data",
                           "the file ends inside a member");
        g->zs.next_out = g->out;
        g->zs.avail_out = sizeof g->out;
        int r = inflate(&g->zs, Z_NO_FLUSH);
        size_t have = sizeof g->out - g->zs.avail_out;
        if (r == Z_MEM_ERROR)
            l4r_oom();
        if (r == Z_STREAM_END) {
            g->member_done = true;
        } else if (r != Z_OK && r != Z_BUF_ERROR) {
            const char *m = g->zs.msg ? g->zs.msg : "inflate error";
            if (!strcmp(m, "incorrect data check"))
                m = "the CRC-32 of a member does not match (incorrect data check)";
            else if (!strcmp(m, "incorrect length check"))
                m = "the length of a member does not match (incorrect length check)";
            return gz_fail(a, g, L4R_EARCHIVE, EILSEQ, "damaged gzip data", m);
        }
        if (have) {
            *buf = g->out;
            return (la_ssize_t)have;
        }
    }
}

static bool is_gzip(const char *path)
{
    unsigned char m[2] = {0, 0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool yes = read(fd, m, 2) == 2 && m[0] == 0x1f && m[1] == 0x8b;
    close(fd);
    return yes;
}

/* ---- moving the extracted tree into place ---- */

static l4r_status merge_into(const char *src, const char *dst, l4r_error *e);

/* merge_into() every entry of directory src onto the same name in dst. */
static l4r_status merge_entries(const char *src, const char *dst, l4r_error *e)
{
    DIR *d = opendir(src);
    if (!d)
        return l4r_err(e, L4R_EIO, "cannot open directory '%s': %s", src, strerror(errno));
    l4r_status st = L4R_OK;
    for (;;) {
        struct dirent *de = readdir(d);
        if (!de)
            break;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *s = l4r_path_join(src, de->d_name);
        char *t = l4r_path_join(dst, de->d_name);
        st = merge_into(s, t, e);
        free(s);
        free(t);
        if (st != L4R_OK)
            break;
    }
    closedir(d);
    return st;
}

/* Move src (a tree we just extracted) onto dst: rename when dst is free or both are not
 * directories (an atomic replace), merge when both are real directories, otherwise remove dst
 * first.  Never follows a symlink. */
static l4r_status merge_into(const char *src, const char *dst, l4r_error *e)
{
    struct stat ss, ds;
    if (lstat(src, &ss) != 0)
        return l4r_err(e, L4R_EIO, "cannot stat '%s': %s", src, strerror(errno));
    if (lstat(dst, &ds) != 0) {
        if (errno != ENOENT)
            return l4r_err(e, L4R_EIO, "cannot stat '%s': %s", dst, strerror(errno));
    } else if (S_ISDIR(ss.st_mode) && S_ISDIR(ds.st_mode)) {
        l4r_status st = merge_entries(src, dst, e);
        if (st == L4R_OK && rmdir(src) != 0)
            st = l4r_err(e, L4R_EIO, "cannot remove '%s': %s", src, strerror(errno));
        return st;
    } else if (S_ISDIR(ss.st_mode) || S_ISDIR(ds.st_mode)) {
        l4r_status st = l4r_rmtree(dst, e);
        if (st != L4R_OK)
            return st;
    }
    if (rename(src, dst) != 0)
        return l4r_err(e, L4R_EIO, "cannot rename '%s' to '%s': %s", src, dst, strerror(errno));
    return L4R_OK;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* ---- errors ---- */

/* A read-side failure (the archive's data): the gzip layer's own message when it failed. */
static l4r_status read_error(struct archive *a, const gzsrc *g, const char *archive, const char *name,
                             l4r_error *e)
{
    const char *msg = g && g->failed ? g->msg : archive_error_string(a);
    l4r_status st = g && g->failed ? g->st : L4R_EARCHIVE;
    if (!msg)
        msg = "libarchive gives no reason (a truncated or damaged archive)";
    if (name)
        return l4r_err(e, st, "cannot unpack '%s': entry '%s': %s", archive, name, msg);
    return l4r_err(e, st, "cannot read archive '%s': %s", archive, msg);
}

/* A write-side failure: the local file system (ENOSPC, EFBIG, EACCES, ...). */
static l4r_status write_error(struct archive *w, const char *archive, const char *name, l4r_error *e)
{
    int en = archive_errno(w);
    const char *msg = archive_error_string(w);
    if (!msg)
        msg = "write failed";
    if (en > 0 && !strstr(msg, strerror(en)))
        return l4r_err(e, L4R_EIO, "cannot unpack '%s': cannot write entry '%s': %s: %s", archive, name, msg,
                       strerror(en));
    return l4r_err(e, L4R_EIO, "cannot unpack '%s': cannot write entry '%s': %s", archive, name, msg);
}

static l4r_status ceiling_error(const char *archive, const char *name, const l4r_unpack_opts *uo,
                                l4r_error *e)
{
    return l4r_err(e, L4R_EARCHIVE,
                   "archive '%s': entry '%s' would unpack to more than the ceiling of %llu bytes%s%s%s, so "
                   "the archive is damaged or a decompression bomb; if it is right, allow more with "
                   "--max-unpacked SIZE",
                   archive, name, (unsigned long long)uo->max_bytes, uo->limit_why ? " (" : "",
                   uo->limit_why ? uo->limit_why : "", uo->limit_why ? ")" : "");
}

static const char zeros[1 << 16];

static void hash_zeros(l4r_hasher *h, uint64_t n)
{
    while (n) {
        size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
        l4r_hasher_update(h, zeros, k);
        n -= k;
    }
}

/* Open `archive` for reading into *ap (and *gzp, our own inflater, for a gzip file); both are the
 * caller's to free, also after an error. */
static l4r_status open_archive(const char *archive, const char *base, struct archive **ap, gzsrc **gzp,
                               l4r_error *e)
{
    struct archive *a = archive_read_new();
    *ap = a;
    archive_read_support_filter_all(a);
    /* every format of archive_read_support_format_all() but mtree (sniff.h): an mtree "archive" is
     * a text listing of paths whose contents libarchive reads from the local file system, and
     * ordinary text (a lone .gz of ratings) passes for one with a mere warning; and the empty
     * format, so that an archive with no entries is told apart (and refused) */
    l4r_archive_support_containers(a);
    archive_read_support_format_empty(a);
    /* a lone compressed file (not a tar inside) unpacks to its stem; only for compressor suffixes,
     * so a corrupt archive is never mistaken for raw data */
    bool raw_ok = (has_suffix(base, ".gz") || has_suffix(base, ".bz2") || has_suffix(base, ".xz") ||
                   has_suffix(base, ".zst")) &&
                  !strstr(base, ".tar.");
    if (raw_ok)
        archive_read_support_format_raw(a);
    int r;
    if (is_gzip(archive)) {
        gzsrc *gz = l4r_xcalloc(1, sizeof *gz);
        *gzp = gz;
        gz->fd = open(archive, O_RDONLY | O_CLOEXEC);
        if (gz->fd < 0)
            return l4r_err(e, L4R_EIO, "cannot open '%s': %s", archive, strerror(errno));
        if (inflateInit2(&gz->zs, 15 + 16) != Z_OK) {
            close(gz->fd);
            free(gz);
            *gzp = NULL;
            return l4r_err(e, L4R_EINTERNAL, "cannot initialise zlib for '%s'", archive);
        }
        r = archive_read_open(a, gz, NULL, gz_read_cb, NULL);
    } else {
        r = archive_read_open_filename(a, archive, 1 << 16);
    }
    if (r != ARCHIVE_OK)
        return read_error(a, *gzp, archive, NULL, e);
    return L4R_OK;
}

/* Every check of one entry (the file-top list) before anything of it touches the disk: its path
 * cleaned into `clean` (and a hard link's target into `hclean`), its *kind (K_*; 0: the archive's
 * "./", to skip) and, for a hard link, *target_rec, the index of its file in the list so far. */
static l4r_status check_entry(const pathmap *paths, struct archive_entry *ent, const char *archive,
                              const char *base, const char *name, const l4r_unpack_opts *uo, size_t no,
                              uint64_t total, l4r_buf *clean, l4r_buf *hclean, char *kind, size_t *target_rec,
                              l4r_error *e)
{
    if (!l4r_archive_path_clean(name, clean))
        return l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' %s", archive, name,
                       name[0] == '/' ? "has an absolute path" : "has a '..' component");
    l4r_buf_cstr(clean);
    mode_t type = archive_entry_filetype(ent);
    const char *hard = archive_entry_hardlink(ent);
    if (clean->len == 0) {
        if (type == AE_IFDIR)
            return L4R_OK; /* "./" itself: *kind stays 0 */
        return l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' has an empty path", archive, name);
    }
    if (reserved_top(clean->data, base))
        return l4r_err(e, L4R_EARCHIVE,
                       "unsafe archive '%s': entry '%s' would replace a file that "
                       "llm4rec-data manages",
                       archive, name);
    size_t top = strcspn(clean->data, "/");
    for (size_t i = 0; uo && i < uo->n_siblings; i++) {
        if (strlen(uo->siblings[i]) == top && !strncmp(clean->data, uo->siblings[i], top))
            return l4r_err(e, L4R_EARCHIVE,
                           "unsafe archive '%s': entry '%s' would replace '%s', another file of this "
                           "variant",
                           archive, name, uo->siblings[i]);
    }
    char k;
    if (hard)
        k = K_HARD;
    else if (type == AE_IFLNK)
        k = K_LINK;
    else if (type == AE_IFREG)
        k = K_FILE;
    else if (type == AE_IFDIR)
        k = K_DIR;
    else
        return l4r_err(e, L4R_EARCHIVE,
                       "unsafe archive '%s': entry '%s' is a %s, not a file or "
                       "directory",
                       archive, name,
                       type == AE_IFCHR || type == AE_IFBLK ? "device"
                       : type == AE_IFIFO                   ? "fifo"
                       : type == AE_IFSOCK                  ? "socket"
                                                            : "special file");
    l4r_status st = check_path(paths, archive, name, clean->data, k, no, e);
    if (st != L4R_OK)
        return st;
    const pent *target = NULL;
    if (k == K_HARD) {
        if (l4r_archive_path_clean(hard, hclean))
            target = pm_get(paths, l4r_buf_cstr(hclean), hclean->len);
        if (!target || target->kind != K_FILE)
            return l4r_err(e, L4R_EARCHIVE,
                           "unsafe archive '%s': entry '%s' is a hard link to '%s', "
                           "which is not a file extracted before it",
                           archive, name, hard);
    } else if (k == K_LINK) {
        const char *ltarget = archive_entry_symlink(ent);
        if (!ltarget || !l4r_archive_link_safe(clean->data, ltarget))
            return l4r_err(e, L4R_EARCHIVE,
                           "unsafe archive '%s': entry '%s' is a symlink to '%s', "
                           "outside the target directory",
                           archive, name, ltarget ? ltarget : "");
    } else if (k == K_FILE && archive_entry_size_is_set(ent) && archive_entry_size(ent) > 0 &&
               (uint64_t)archive_entry_size(ent) > uo->max_bytes - total) {
        return ceiling_error(archive, name, uo, e);
    }
    *target_rec = target ? target->rec : SIZE_MAX;
    *kind = k;
    return L4R_OK;
}

/* The data of regular file `ent` through the disk writer, hashed as it goes (holes as zeros):
 * *size bytes, SHA-256 `hex`; *total counts them against the ceiling. */
static l4r_status copy_file(struct archive *a, struct archive *w, const gzsrc *gz, struct archive_entry *ent,
                            const char *archive, const char *name, const l4r_unpack_opts *uo, uint64_t *total,
                            uint64_t *size, char hex[65], l4r_error *e)
{
    bool declared = archive_entry_size_is_set(ent) && archive_entry_size(ent) >= 0;
    uint64_t dsize = declared ? (uint64_t)archive_entry_size(ent) : 0;
    uint64_t pos = 0; /* bytes of the file so far, holes included */
    l4r_status st = L4R_OK;
    l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
    for (;;) {
        int r;
        const void *buf;
        size_t sz;
        la_int64_t off;
        r = archive_read_data_block(a, &buf, &sz, &off);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK) {
            st = read_error(a, gz, archive, name, e);
            goto out;
        }
        if (off < 0 || (uint64_t)off < pos || sz > UINT64_MAX - (uint64_t)off) {
            st = l4r_err(e, L4R_EARCHIVE, "cannot unpack '%s': entry '%s': its data blocks are out of order",
                         archive, name);
            goto out;
        }
        uint64_t end = (uint64_t)off + sz;
        if (end - pos > uo->max_bytes - *total) {
            st = ceiling_error(archive, name, uo, e);
            goto out;
        }
        if (declared && end > dsize) {
            st = l4r_err(e, L4R_EARCHIVE,
                         "damaged archive '%s': entry '%s' holds more than the %llu bytes its header "
                         "declares",
                         archive, name, (unsigned long long)dsize);
            goto out;
        }
        hash_zeros(h, (uint64_t)off - pos); /* a hole of a sparse file reads as zeros */
        l4r_hasher_update(h, buf, sz);
        *total += end - pos;
        pos = end;
        if (archive_write_data_block(w, buf, sz, off) != ARCHIVE_OK) {
            st = write_error(w, archive, name, e);
            goto out;
        }
        if (l4r_interrupted) {
            st = l4r_err(e, L4R_EINTR, "interrupted while unpacking '%s'", archive);
            goto out;
        }
    }
    if (declared && pos < dsize) {
        if (archive_entry_sparse_count(ent) == 0) {
            st = l4r_err(e, L4R_EARCHIVE,
                         "damaged archive '%s': entry '%s' holds %llu bytes but its header declares "
                         "%llu",
                         archive, name, (unsigned long long)pos, (unsigned long long)dsize);
            goto out;
        }
        if (dsize - pos > uo->max_bytes - *total) {
            st = ceiling_error(archive, name, uo, e);
            goto out;
        }
        hash_zeros(h, dsize - pos); /* a trailing hole */
        *total += dsize - pos;
        pos = dsize;
    }
    l4r_hasher_final(h, hex);
    h = NULL;
    *size = pos;
out:
    if (h)
        l4r_hasher_free(h);
    return st;
}

/* The modification time of every file of `got` as it is now under `real` (the fetch stamp keeps
 * it, so a later run can tell a file edited in place). */
static l4r_status note_mtimes(const char *real, l4r_unpacked *got, l4r_error *e)
{
    for (size_t i = 0; i < got->n; i++) {
        char *p = l4r_path_join(real, got->v[i].name);
        struct stat sb;
        if (lstat(p, &sb) != 0) {
            l4r_status st = l4r_err(e, L4R_EIO, "cannot stat '%s': %s", p, strerror(errno));
            free(p);
            return st;
        }
        free(p);
        got->v[i].mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
    }
    return L4R_OK;
}

/* *real: `dir` resolved; *tmp: a new directory in it that the entries are written into before
 * they are moved into place.  Both malloc'd (NULL when not made). */
static l4r_status make_tmpdir(const char *dir, char **real, char **tmp, l4r_error *e)
{
    *real = realpath(dir, NULL);
    if (!*real)
        return l4r_err(e, L4R_EIO, "cannot resolve '%s': %s", dir, strerror(errno));
    *tmp = l4r_xasprintf("%s/.l4r-unpack.XXXXXX", *real);
    if (!mkdtemp(*tmp)) {
        l4r_status st = l4r_err(e, L4R_EIO, "cannot create a directory in '%s': %s", dir, strerror(errno));
        free(*tmp);
        *tmp = NULL;
        return st;
    }
    return L4R_OK;
}

/* Entry `ent`'s name as the archive gives it (malloc'd), NULL if it has none; a lone compressed
 * file (the raw format) is named after the archive without its compressor suffix. */
static char *entry_name(struct archive *a, struct archive_entry *ent, const char *base)
{
    if (archive_format(a) == ARCHIVE_FORMAT_RAW)
        return l4r_xstrndup(base, (size_t)(strrchr(base, '.') - base));
    if (archive_entry_pathname(ent))
        return l4r_xstrdup(archive_entry_pathname(ent));
    return NULL;
}

/* A tar reader stops at its end-of-archive blocks: inflate the gzip data to its end, so its
 * trailer (CRC-32, length) is checked whatever follows the tar inside it (convert --raw does the
 * same, src/reader.c). */
static l4r_status drain_gzip(struct archive *a, gzsrc *gz, const char *archive, l4r_error *e)
{
    const void *rest;
    la_ssize_t n;
    do {
        n = gz_read_cb(a, gz, &rest);
    } while (n > 0);
    if (n < 0)
        return read_error(a, gz, archive, NULL, e);
    return L4R_OK;
}

/* ---- unpack ---- */

l4r_status l4r_unpack(const char *archive, const char *dir, const l4r_unpack_opts *uo, l4r_unpacked *out,
                      l4r_error *e)
{
    l4r_status st = L4R_OK;
    struct archive *a = NULL;
    struct archive *w = NULL;
    gzsrc *gz = NULL;
    char *tmp = NULL;
    char *real = NULL;
    char *name = NULL; /* the entry's name as the archive gives it (our copy: libarchive's is freed
                        * by archive_entry_copy_pathname) */
    l4r_buf clean = {0}, hclean = {0}, full = {0};
    pathmap paths = {0};
    l4r_unpacked got = {0};
    uint64_t total = 0;
    size_t no = 0; /* entry number, from 1 */
    const char *base = l4r_path_base(archive);
    locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    locale_t old_locale = utf8 ? uselocale(utf8) : (locale_t)0;

    st = make_tmpdir(dir, &real, &tmp, e);
    if (st != L4R_OK)
        goto out;
    st = open_archive(archive, base, &a, &gz, e);
    if (st != L4R_OK)
        goto out;
    w = archive_write_disk_new();
    archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                          ARCHIVE_EXTRACT_TIME);

    for (;;) {
        if (l4r_interrupted) {
            st = l4r_err(e, L4R_EINTR, "interrupted while unpacking '%s'", archive);
            goto out;
        }
        struct archive_entry *ent;
        int r = archive_read_next_header(a, &ent);
        if (r == ARCHIVE_EOF)
            break;
        no++;
        if (r != ARCHIVE_OK) {
            st = read_error(a, gz, archive, NULL, e);
            goto out;
        }
        free(name);
        name = entry_name(a, ent, base);
        if (!name) {
            st = l4r_err(e, L4R_EARCHIVE, "cannot unpack '%s': entry %zu has no name", archive, no);
            goto out;
        }
        char kind = 0;
        size_t target_rec = SIZE_MAX;
        st = check_entry(&paths, ent, archive, base, name, uo, no, total, &clean, &hclean, &kind, &target_rec,
                         e);
        if (st != L4R_OK)
            goto out;
        if (kind == 0)
            continue; /* "./" itself */
        const char *hard = archive_entry_hardlink(ent);
        pent *me = note_path(&paths, clean.data, kind, no);

        l4r_buf_reset(&full);
        l4r_buf_addf(&full, "%s/%s", tmp, clean.data);
        archive_entry_copy_pathname(ent, l4r_buf_cstr(&full));
        if (hard) {
            l4r_buf_reset(&full);
            l4r_buf_addf(&full, "%s/%s", tmp, hclean.data);
            archive_entry_copy_hardlink(ent, l4r_buf_cstr(&full));
        }
        /* no setuid/setgid bits from strangers; owner and group stay ours (no EXTRACT_OWNER) */
        archive_entry_set_perm(ent, archive_entry_perm(ent) & 0777);
        r = archive_write_header(w, ent);
        if (r != ARCHIVE_OK) {
            st = write_error(w, archive, name, e);
            goto out;
        }
        if (kind == K_FILE) {
            char hex[65];
            uint64_t pos = 0;
            st = copy_file(a, w, gz, ent, archive, name, uo, &total, &pos, hex, e);
            if (st != L4R_OK)
                goto out;
            me->rec = got.n;
            l4r_unpacked_add(&got, clean.data, pos, hex, 0);
        } else if (kind == K_HARD) {
            char hex[65]; /* a copy: adding may move got.v */
            memcpy(hex, got.v[target_rec].sha256, sizeof hex);
            l4r_unpacked_add(&got, clean.data, got.v[target_rec].size, hex, 0);
        }
        if (archive_write_finish_entry(w) != ARCHIVE_OK) {
            st = write_error(w, archive, name, e);
            goto out;
        }
    }
    if (gz) {
        st = drain_gzip(a, gz, archive, e);
        if (st != L4R_OK)
            goto out;
    }
    if (no == 0) {
        /* nothing at all: libarchive takes NUL bytes for an empty tar and an empty file for an empty
         * archive, and a recipe never unpacks an archive it expects to be empty */
        st = l4r_err(e, L4R_EARCHIVE, "cannot unpack '%s': it holds no entries (an empty or damaged archive)",
                     archive);
        goto out;
    }
    if (archive_write_close(w) != ARCHIVE_OK) {
        st = write_error(w, archive, name ? name : "(last)", e);
        goto out;
    }

    /* everything is on disk: move the top-level entries into place */
    st = merge_entries(tmp, real, e);
    if (st != L4R_OK)
        goto out;
    st = note_mtimes(real, &got, e);
    if (st != L4R_OK)
        goto out;
    if (out) {
        for (size_t i = 0; i < got.n; i++)
            l4r_unpacked_add(out, got.v[i].name, got.v[i].size, got.v[i].sha256, got.v[i].mtime_ns);
        out->bytes += total;
    }
out:
    if (w)
        archive_write_free(w);
    if (a)
        archive_read_free(a);
    if (gz) {
        inflateEnd(&gz->zs);
        close(gz->fd);
        free(gz);
    }
    if (tmp) {
        l4r_error e2;
        l4r_rmtree(tmp, &e2);
        free(tmp);
    }
    if (utf8) {
        uselocale(old_locale);
        freelocale(utf8);
    }
    free(real);
    free(name);
    l4r_buf_free(&clean);
    l4r_buf_free(&hclean);
    l4r_buf_free(&full);
    pm_free(&paths);
    l4r_unpacked_free(&got);
    return st;
}
