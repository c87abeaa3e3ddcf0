/*
 * reader.h — byte sources for the converters.
 *
 * A source yields the decompressed bytes of one input: a plain file, a gzip file (ISA-L igzip when
 * built with it, zlib otherwise; multi-member gzip supported), a bzip2/xz/zstd file (libarchive
 * filters), or one member of an archive (zip, tar, tar.gz, ...) streamed through libarchive
 * without unpacking to disk, also through archives inside the archive (a zip holding a tar.gz).
 * The kind is sniffed from magic bytes, never from the extension.
 *
 * A truncated or corrupt compressed stream is an error (L4R_EARCHIVE), never a short EOF.
 * While reading, the source also computes the SHA-256 and size of the file as stored on disk
 * (for manifest.json), at no extra pass.
 *
 * Thread: a source is used by one thread at a time (the pipeline's reader); it may run a hashing
 * thread of its own (l4r_source_hash_aside).
 */
#ifndef L4R_READER_H
#define L4R_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm4rec_data.h"
#include "sniff.h" /* l4r_archive_sniff, which the callers of the reader use too */
#include "util.h"

typedef struct l4r_source l4r_source;

/* Open `path`.  member == NULL: the file itself (decompressed if compressed); a container of
 * members (l4r_archive_sniff: tar, zip, ..., compressed or not) is then L4R_EARCHIVE saying what it
 * is and that a member must be named.  member != NULL: `path` is an archive and `member` the entry
 * to read; an entry matches exactly when its path, cleaned (l4r_archive_path_clean: "./" and "//"
 * dropped), equals the cleaned member: the name fetch unpacks it under.  The member may cross into
 * archives inside the archive: a regular file on the way ("in/inner.tar" of
 * "in/inner.tar/r.json") whose content (after gzip/bzip2/xz/zstd) is an archive is read as one,
 * streamed, for the rest of the path, at most 8 deep; l4r_source_name then names the chain
 * ("PATH:in/inner.tar:r.json").  A member whose content is compressed is decompressed; one that is
 * an archive is L4R_EARCHIVE.  Missing member -> L4R_EARCHIVE naming the archive (an inner one by
 * its chain).  A second entry of that name (or a path that is a file and a directory) is found by
 * l4r_source_file_digest (L4R_EARCHIVE, "ambiguous archive").  *out is NULL on error. */
l4r_status l4r_source_open(l4r_source **out, const char *path, const char *member, l4r_error *e);

/* Like l4r_source_open, with a member path whose last segment is a glob ('*', '?'): the source is
 * the first entry of the innermost archive that matches it (fnmatch, '/' matched only by '/'),
 * then each next one through l4r_source_next_member, in one pass over the archive: the Netflix
 * tarball's 17,770 'training_set/mv_*.txt'.  The matching entries must come in byte order of their
 * names (what a glob over a directory reads); one out of order, or twice, is L4R_EARCHIVE saying to
 * unpack the archive.  A matching entry that is compressed is L4R_EARCHIVE too. */
l4r_status l4r_source_open_glob(l4r_source **out, const char *path, const char *member, l4r_error *e);

/* A glob source (l4r_source_open_glob) at the end of one entry: the rest of it is read, and the
 * source moves to the next matching entry (*more true; l4r_source_name names it) or ends (*more
 * false; then l4r_source_file_digest checks and hashes the rest). */
l4r_status l4r_source_next_member(l4r_source *s, bool *more, l4r_error *e);

/* A source of one archive member (l4r_source_open), read to its end: move it on to `member`, a later
 * entry of the same innermost archive (below the same chain of archives), in the same pass, so
 * that the tables of one compressed tar (Yelp's business, review and user files) inflate it once
 * rather than once each.  *moved true: read on as if just opened (l4r_source_name names the new
 * member; the digest, at the end, is the file's as before).  *moved false: `member` is not below
 * the same chain, is the member just read, lies in a zip (whose entries are found by a seek), or
 * is not after it (the archive was then read to its end looking for it); the caller opens it
 * afresh, and this source still gives its digest.  Every member taken stays checked for a second
 * entry of its name, on the way and in l4r_source_file_digest. */
l4r_status l4r_source_move_to(l4r_source *s, const char *member, bool *moved, l4r_error *e);

/* A plain file: read() straight into the caller's buffer, no inflating (nor a JSON array's
 * filter). */
bool l4r_source_plain(const l4r_source *s);

/* Hash a compressed file or archive on a thread of its own from now on, behind the reader (it
 * hashes only bytes the reader has already read, so the disk is read once), leaving the reading
 * thread to inflate.  l4r_source_file_digest waits for it.  Plain files (see
 * l4r_source_lend_hash), and a thread that cannot be started, keep hashing inline. */
void l4r_source_hash_aside(l4r_source *s);

/* Plain files only: hand the running SHA-256 over to the caller, who then hashes, in order, exactly
 * the bytes l4r_source_read returns from now on (the pipeline does so on a thread of its own,
 * straight from its blocks, with no copy), and gives the hasher back with l4r_source_return_hash
 * before asking for the digest.  NULL (nothing lent) for other kinds, or once the digest is
 * taken. */
l4r_hasher *l4r_source_lend_hash(l4r_source *s);
/* ok == false: the caller could not hash every byte (an error ended the run); the digest is then
 * an error. */
void l4r_source_return_hash(l4r_source *s, l4r_hasher *h, bool ok);

/* The bytes of the file on disk read so far, and its size (0 when unknown: not a regular file):
 * how far a conversion is, for a progress line.  On the reading thread only. */
uint64_t l4r_source_disk_read(const l4r_source *s);
uint64_t l4r_source_disk_size(const l4r_source *s);

/* Read up to cap bytes; *got = 0 means end of input.  Errors name the source. */
l4r_status l4r_source_read(l4r_source *s, void *buf, size_t cap, size_t *got, l4r_error *e);

/* Before the first read (of the source, or of a glob's next entry or the member moved to): whether
 * the first non-blank byte of its decoded bytes (after a UTF-8 BOM) is '[', which no JSON-lines
 * file starts with.  If so (*is_array) the source reads from then on as JSON lines, one element of
 * the array per line (jarray.h: the filter, and the L4R_EPARSE errors l4r_source_read returns for
 * a broken array, naming the element and byte); l4r_source_plain is then false, as the bytes read
 * are no longer the file's.  Otherwise nothing changes: the same bytes follow.  A plain file is
 * looked at with pread; other sources keep the bytes read to tell, and give them out first. */
l4r_status l4r_source_json_array(l4r_source *s, bool *is_array, l4r_error *e);

/* "PATH", "PATH:MEMBER" or, through inner archives, "PATH:INNER:MEMBER": for messages and the
 * manifest's input label. */
const char *l4r_source_name(const l4r_source *s);

/* After EOF: SHA-256 (lower-case hex, 65 bytes) and size of the on-disk file.  For an archive
 * member the digest covers the whole archive only if it was read to the end; otherwise the
 * function hashes the rest of the file itself.  For an archive member it first reads the headers
 * of the entries after the member: one of the same name is L4R_EARCHIVE ("ambiguous archive
 * 'A': it holds 'M' twice (entries I and J ...)"), as is a corrupt entry header. */
l4r_status l4r_source_file_digest(l4r_source *s, char *sha256_hex, uint64_t *size, l4r_error *e);

/* --raw with part of a member chain unpacked by hand: the length of the longest proper prefix of
 * `member` (ending before a '/') that names a regular file under dir (dir/"Yelp JSON/
 * yelp_dataset.tar" of "Yelp JSON/yelp_dataset.tar/review.json"), 0 for none.  That file is then
 * opened with the rest of the path as its member, and what it holds is told by its content. */
size_t l4r_member_file_prefix(const char *dir, const char *member);

/* Which inflater gz sources use: "isa-l" or "zlib".  L4R_FORCE_ZLIB=1 in the environment selects
 * zlib even when ISA-L is built in (tests exercise both). */
const char *l4r_gzip_backend(void);

void l4r_source_close(l4r_source *s);

#endif
