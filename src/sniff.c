/*
 * sniff.c — what a file or a stream holds, told by its content (never by its name), and the checks
 * on archive entries that convert --raw shares with fetch's unpacking: magic bytes of the
 * compressors, libarchive's bidders for the container formats (every format but raw, empty and
 * mtree), the clean path of an entry and whether it is unsafe.  Split out of reader.c, which reads
 * the bytes; nothing here keeps state.
 */
#include "sniff.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* The entry's path, cleaned (l4r_archive_path_clean) into `clean`; false for an entry without a
 * usable name. */
bool l4r_archive_entry_clean(struct archive_entry *ent, l4r_buf *clean)
{
    const char *path = archive_entry_pathname(ent);
    if (!path)
        path = archive_entry_pathname_utf8(ent);
    return path && l4r_archive_path_clean(path, clean) && l4r_buf_cstr(clean);
}

const char *l4r_archive_entry_kind(struct archive_entry *ent)
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
 * written to disk here; this is about trusting the archive, not about where it would land.)
 * `arname` names the archive (an inner one as "OUTER:INNER"). */
l4r_status l4r_archive_entry_unsafe(const char *arname, struct archive_entry *ent, l4r_buf *clean,
                                    l4r_error *e)
{
    const char *path = archive_entry_pathname(ent);
    if (!path)
        path = archive_entry_pathname_utf8(ent);
    if (!path)
        return L4R_OK; /* no name: never the member; unpacking says so */
    if (!l4r_archive_path_clean(path, clean))
        return l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' %s", arname, path,
                       path[0] == '/' ? "has an absolute path" : "has a '..' component");
    mode_t type = archive_entry_filetype(ent);
    if (type == AE_IFLNK && !archive_entry_hardlink(ent)) {
        const char *target = archive_entry_symlink(ent);
        if (!target || !l4r_archive_link_safe(clean->data, target))
            return l4r_err(e, L4R_EARCHIVE,
                           "unsafe archive '%s': entry '%s' is a symlink to '%s', outside the archive's tree",
                           arname, path, target ? target : "");
    } else if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK) {
        return l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' is a %s, not a file or directory",
                       arname, path,
                       type == AE_IFIFO    ? "fifo"
                       : type == AE_IFSOCK ? "socket"
                                           : "device");
    }
    return L4R_OK;
}

/* The container formats: every format libarchive reads but raw (any bytes), empty and mtree (a
 * text listing of files elsewhere, whose bidder takes any text file for one). */
void l4r_archive_support_containers(struct archive *a)
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

/* What an opened reader (filters and containers, no raw format) saw first: l4r_archive_sniff's
 * verdict. */
static void sniff_reader(struct archive *a, l4r_archive_kind *k)
{
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
}

/* l4r_archive_sniff on the first bytes of a stream (a member, decompressed). */
void l4r_archive_sniff_memory(const void *p, size_t n, l4r_archive_kind *k)
{
    memset(k, 0, sizeof *k);
    if (!n)
        return;
    struct archive *a = archive_read_new();
    if (!a)
        l4r_oom();
    archive_read_support_filter_all(a);
    l4r_archive_support_containers(a);
    if (archive_read_open_memory(a, p, n) == ARCHIVE_OK)
        sniff_reader(a, k);
    archive_read_free(a);
}

l4r_magic l4r_sniff_magic(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
        return L4R_M_GZIP;
    if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
        return L4R_M_ZIP;
    if (n >= 4 && memcmp(b, "PK\x05\x06", 4) == 0)
        return L4R_M_ZIP; /* empty zip */
    if (n >= 262 && memcmp(b + 257, "ustar", 5) == 0)
        return L4R_M_TAR;
    if (n >= 4 && memcmp(b, "BZh", 3) == 0 && b[3] >= '1' && b[3] <= '9')
        return L4R_M_BZ2;
    if (n >= 6 && memcmp(b,
                         "\xfd"
                         "7zXZ\x00",
                         6) == 0)
        return L4R_M_XZ;
    if (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0)
        return L4R_M_ZSTD;
    return L4R_M_NONE;
}

l4r_status l4r_archive_sniff(const char *path, l4r_archive_kind *k, l4r_error *e)
{
    memset(k, 0, sizeof *k);
    struct archive *a = archive_read_new();
    if (!a)
        l4r_oom();
    archive_read_support_filter_all(a);
    l4r_archive_support_containers(a); /* no raw format: only a real container header reads */
    l4r_status st = L4R_OK;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto out;
    }
    /* Any failure from here on means no filter or container format recognised the bytes: one
     * file, for the plain reader to judge (and to report a read error, if that was one). */
    if (archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK)
        sniff_reader(a, k);
out:
    archive_read_free(a);
    if (fd >= 0)
        close(fd);
    return st;
}
