/*
 * unpack.c — extract an archive into a directory without trusting the archive.
 *
 * libarchive reads every format and filter; archive_write_disk writes the entries with
 * ARCHIVE_EXTRACT_SECURE_NODOTDOT and ARCHIVE_EXTRACT_SECURE_SYMLINKS.  On top of that every entry
 * is checked here before anything touches the disk, because the flags alone do not cover
 * everything we promise (a symlink *target* pointing out of the tree, hard links to symlinks,
 * device nodes, a size ceiling):
 *
 *   - the path is normalised ("./a//b/" -> "a/b"); an absolute path or a ".." component is an error;
 *   - only regular files, directories, symlinks and hard links are allowed (no devices, fifos,
 *     sockets);
 *   - a symlink target must be relative and may use ".." only as a leading run that does not
 *     climb above the top of the tree; with that rule every link resolves inside the tree even
 *     when link targets traverse other links (".." never follows a link);
 *   - no entry may be written at or below an earlier symlink entry (writing through a link);
 *   - a hard link must name a regular file extracted earlier from the same archive;
 *   - the bytes written, counted as they are written (zip headers may lie), stay <= max_bytes.
 *
 * ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS is not set because we hand libarchive absolute paths of
 * our own making (TMP/clean-relative-path); the absolute-path check happens on the archive's name
 * before the prefix is added.  TMP is realpath()ed so SECURE_SYMLINKS does not trip over a
 * symlinked data directory.
 *
 * Entries go into DIR/.l4r-unpack.XXXXXX first; only when the whole archive has been extracted are
 * its top-level entries moved into DIR (merging directories, replacing files), so a failure or an
 * interrupt never leaves a half-unpacked tree under the final names.
 */
#include "fetch/fetch.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static void strlist_add(strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = l4r_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = l4r_xstrdup(s);
}

static bool strlist_has(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return true;
    return false;
}

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* Is `path` an earlier symlink or below one? */
static bool through_link(const strlist *links, const char *path)
{
    for (size_t i = 0; i < links->n; i++) {
        size_t n = strlen(links->v[i]);
        if (!strncmp(path, links->v[i], n) && (path[n] == 0 || path[n] == '/'))
            return true;
    }
    return false;
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

/* Move src (a tree we just extracted) onto dst: rename when dst is free, merge when both are real
 * directories, otherwise replace dst.  Never follows a symlink. */
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
    } else {
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

l4r_status l4r_unpack(const char *archive, const char *dir, uint64_t max_bytes, l4r_error *e)
{
    l4r_status st = L4R_OK;
    struct archive *a = NULL;
    struct archive *w = NULL;
    char *tmp = NULL;
    char *real = NULL;
    l4r_buf clean = {0}, hclean = {0}, full = {0};
    strlist links = {0}, files = {0};
    uint64_t total = 0;
    const char *base = l4r_path_base(archive);

    real = realpath(dir, NULL);
    if (!real) {
        st = l4r_err(e, L4R_EIO, "cannot resolve '%s': %s", dir, strerror(errno));
        goto out;
    }
    tmp = l4r_xasprintf("%s/.l4r-unpack.XXXXXX", real);
    if (!mkdtemp(tmp)) {
        st = l4r_err(e, L4R_EIO, "cannot create a directory in '%s': %s", dir, strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }

    a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    /* a lone compressed file (not a tar inside) unpacks to its stem; only for compressor suffixes,
     * so a corrupt archive is never mistaken for raw data */
    bool raw_ok = (has_suffix(base, ".gz") || has_suffix(base, ".bz2") || has_suffix(base, ".xz") ||
                   has_suffix(base, ".zst")) &&
                  !strstr(base, ".tar.");
    if (raw_ok)
        archive_read_support_format_raw(a);
    if (archive_read_open_filename(a, archive, 1 << 16) != ARCHIVE_OK) {
        st = l4r_err(e, L4R_EARCHIVE, "cannot read archive '%s': %s", archive, archive_error_string(a));
        goto out;
    }
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
        if (r < ARCHIVE_WARN) {
            st = l4r_err(e, L4R_EARCHIVE, "cannot read archive '%s': %s", archive, archive_error_string(a));
            goto out;
        }
        const char *name = archive_entry_pathname(ent);
        char *stem = NULL;
        if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
            stem = l4r_xstrndup(base, (size_t)(strrchr(base, '.') - base));
            name = stem;
        }
        if (!name) {
            st = l4r_err(e, L4R_EARCHIVE, "cannot unpack '%s': an entry has no name", archive);
            goto out;
        }
        bool ok = l4r_archive_path_clean(name, &clean);
        free(stem);
        stem = NULL;
        name = archive_entry_pathname(ent);
        if (!name)
            name = "(raw data)";
        if (!ok) {
            st = l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' %s", archive, name,
                         name[0] == '/' ? "has an absolute path" : "has a '..' component");
            goto out;
        }
        mode_t type = archive_entry_filetype(ent);
        const char *hard = archive_entry_hardlink(ent);
        if (clean.len == 0) {
            if (type == AE_IFDIR)
                continue; /* "./" itself */
            st = l4r_err(e, L4R_EARCHIVE, "unsafe archive '%s': entry '%s' has an empty path", archive, name);
            goto out;
        }
        if (reserved_top(clean.data, base)) {
            st = l4r_err(e, L4R_EARCHIVE,
                         "unsafe archive '%s': entry '%s' would replace a file that "
                         "llm4rec-data manages",
                         archive, name);
            goto out;
        }
        if (through_link(&links, clean.data)) {
            st = l4r_err(e, L4R_EARCHIVE,
                         "unsafe archive '%s': entry '%s' would be written through a "
                         "symlink of the archive",
                         archive, name);
            goto out;
        }
        if (hard) {
            if (!l4r_archive_path_clean(hard, &hclean) || !strlist_has(&files, hclean.data) ||
                through_link(&links, hclean.data)) {
                st = l4r_err(e, L4R_EARCHIVE,
                             "unsafe archive '%s': entry '%s' is a hard link to '%s', "
                             "which is not a file extracted before it",
                             archive, name, hard);
                goto out;
            }
        } else if (type == AE_IFLNK) {
            const char *target = archive_entry_symlink(ent);
            if (!target || !l4r_archive_link_safe(clean.data, target)) {
                st = l4r_err(e, L4R_EARCHIVE,
                             "unsafe archive '%s': entry '%s' is a symlink to '%s', "
                             "outside the target directory",
                             archive, name, target ? target : "");
                goto out;
            }
            strlist_add(&links, clean.data);
        } else if (type == AE_IFREG) {
            if (archive_entry_size_is_set(ent) && archive_entry_size(ent) > 0 &&
                (uint64_t)archive_entry_size(ent) > max_bytes - total) {
                st = l4r_err(e, L4R_EARCHIVE,
                             "archive '%s': entry '%s' would unpack to more than the "
                             "ceiling of %llu bytes",
                             archive, name, (unsigned long long)max_bytes);
                goto out;
            }
        } else if (type != AE_IFDIR) {
            st = l4r_err(e, L4R_EARCHIVE,
                         "unsafe archive '%s': entry '%s' is a %s, not a file or "
                         "directory",
                         archive, name,
                         type == AE_IFCHR || type == AE_IFBLK ? "device"
                         : type == AE_IFIFO                   ? "fifo"
                         : type == AE_IFSOCK                  ? "socket"
                                                              : "special file");
            goto out;
        }
        if (type == AE_IFREG && !hard)
            strlist_add(&files, clean.data);

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
        if (r < ARCHIVE_WARN) {
            st = l4r_err(e, L4R_EARCHIVE, "cannot unpack '%s': entry '%s': %s", archive, name,
                         archive_error_string(w));
            goto out;
        }
        if (type == AE_IFREG && !hard) {
            for (;;) {
                const void *buf;
                size_t sz;
                la_int64_t off;
                r = archive_read_data_block(a, &buf, &sz, &off);
                if (r == ARCHIVE_EOF)
                    break;
                if (r < ARCHIVE_WARN) {
                    st = l4r_err(e, L4R_EARCHIVE, "cannot unpack '%s': entry '%s': %s", archive, name,
                                 archive_error_string(a));
                    goto out;
                }
                if (sz > max_bytes - total) {
                    st = l4r_err(e, L4R_EARCHIVE,
                                 "archive '%s': entry '%s' unpacks to more than the "
                                 "ceiling of %llu bytes",
                                 archive, name, (unsigned long long)max_bytes);
                    goto out;
                }
                total += sz;
                if (archive_write_data_block(w, buf, sz, off) < ARCHIVE_WARN) {
                    st = l4r_err(e, L4R_EIO, "cannot unpack '%s': entry '%s': %s", archive, name,
                                 archive_error_string(w));
                    goto out;
                }
                if (l4r_interrupted) {
                    st = l4r_err(e, L4R_EINTR, "interrupted while unpacking '%s'", archive);
                    goto out;
                }
            }
        }
        if (archive_write_finish_entry(w) < ARCHIVE_WARN) {
            st = l4r_err(e, L4R_EARCHIVE, "cannot unpack '%s': entry '%s': %s", archive, name,
                         archive_error_string(w));
            goto out;
        }
    }
    if (archive_write_close(w) < ARCHIVE_WARN) {
        st = l4r_err(e, L4R_EIO, "cannot unpack '%s': %s", archive, archive_error_string(w));
        goto out;
    }

    /* everything is on disk: move the top-level entries into place */
    st = merge_entries(tmp, real, e);
out:
    if (w)
        archive_write_free(w);
    if (a)
        archive_read_free(a);
    if (tmp) {
        l4r_error e2;
        l4r_rmtree(tmp, &e2);
        free(tmp);
    }
    free(real);
    l4r_buf_free(&clean);
    l4r_buf_free(&hclean);
    l4r_buf_free(&full);
    strlist_free(&links);
    strlist_free(&files);
    return st;
}
