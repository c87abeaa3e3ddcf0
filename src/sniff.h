/*
 * sniff.h — what a file or stream holds, by content, and the checks on archive entries shared by
 * convert --raw (reader.c) and fetch (unpack.c's rules, same verdicts).  Stateless; any thread.
 */
#ifndef L4R_SNIFF_H
#define L4R_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "llm4rec_data.h"
#include "util.h"

struct archive;
struct archive_entry;

/* What a file is, by content after any decompression (libarchive: every filter, every container
 * format, i.e. all but raw, empty and mtree): is_archive when a container header reads (or a container with
 * no entries), with its format ("tar", "zip", ...), the compression ("gzip-compressed", or "") and the first
 * entry's path.  Never decided by the name.  An unreadable file is L4R_EIO; a file no container format
 * recognises is simply not an archive. */
typedef struct l4r_archive_kind {
    bool is_archive;
    char format[32];
    char filter[32];
    char first[256];
} l4r_archive_kind;
l4r_status l4r_archive_sniff(const char *path, l4r_archive_kind *k, l4r_error *e);

/* l4r_archive_sniff on the first bytes of a stream (an archive member, decompressed). */
void l4r_archive_sniff_memory(const void *p, size_t n, l4r_archive_kind *k);

/* The compressor or container a file starts with, by its magic bytes. */
typedef enum l4r_magic {
    L4R_M_NONE,
    L4R_M_GZIP,
    L4R_M_ZIP,
    L4R_M_TAR,
    L4R_M_BZ2,
    L4R_M_XZ,
    L4R_M_ZSTD
} l4r_magic;
l4r_magic l4r_sniff_magic(const unsigned char *b, size_t n);

/* Register every container format libarchive reads but raw, empty and mtree on a reader. */
void l4r_archive_support_containers(struct archive *a);

/* The entry's path cleaned (l4r_archive_path_clean) into clean; false for an entry without a usable
 * name. */
bool l4r_archive_entry_clean(struct archive_entry *ent, l4r_buf *clean);

/* "file", "directory", "symbolic link", "hard link" or "special file". */
const char *l4r_archive_entry_kind(struct archive_entry *ent);

/* L4R_EARCHIVE naming `arname` and the entry when fetch would refuse to unpack it: an absolute
 * path or a '..' component, a symlink leaving the tree, a device, fifo or socket.  clean is
 * scratch space. */
l4r_status l4r_archive_entry_unsafe(const char *arname, struct archive_entry *ent, l4r_buf *clean,
                                    l4r_error *e);

#endif
