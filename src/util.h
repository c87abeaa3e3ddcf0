/*
 * util.h — the shared core: allocation that aborts on OOM, growable byte buffers, error
 * helpers, paths and small file-system helpers, hashing through OpenSSL's libcrypto.
 */
#ifndef L4R_UTIL_H
#define L4R_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "llm4rec_data.h"

#if defined(__GNUC__)
#define L4R_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define L4R_NORETURN __attribute__((noreturn))
#define L4R_LIKELY(x) __builtin_expect(!!(x), 1)
#define L4R_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define L4R_PRINTF(a, b)
#define L4R_NORETURN
#define L4R_LIKELY(x) (x)
#define L4R_UNLIKELY(x) (x)
#endif

/* ---- allocation: abort with a message on out-of-memory ---- */
void *l4r_xmalloc(size_t n);
void *l4r_xcalloc(size_t n, size_t size);
void *l4r_xrealloc(void *p, size_t n);
char *l4r_xstrdup(const char *s);
/* Big arrays (table columns, l4r_buf of 1 MiB and more) live in their own anonymous mappings, not
 * in malloc's heap: growing one is an mremap (page tables move, bytes are not copied), and from
 * 2 MiB on the mapping starts on a 2 MiB boundary and asks for transparent huge pages
 * (MADV_HUGEPAGE), which cuts first-touch page faults ~500-fold.  old_n is the size the array was
 * last given (0 for p == NULL); free with l4r_big_free(p, n).  New bytes are zero. */
void *l4r_big_resize(void *p, size_t old_n, size_t n);
/* The same in 4 KiB pages (no MADV_HUGEPAGE): for memory written once, front to back, such as the
 * table's columns.  On this project's VM (Firecracker, free page reporting) a fresh huge page is
 * host memory nobody touched since it was reported free: zeroing it costs ~2.3 s/GB, against
 * ~0.33 s/GB in 4 KiB pages, which the guest recycles (measured for issue 19). */
void *l4r_big_resize_4k(void *p, size_t old_n, size_t n);
void l4r_big_free(void *p, size_t n);
char *l4r_xstrndup(const char *s, size_t n);
char *l4r_xasprintf(const char *fmt, ...) L4R_PRINTF(1, 2);
/* Format a message (at most about 2 KiB; longer is cut) and hand it to a log callback such as
 * l4r_log_fn; a NULL log does nothing. */
void l4r_vlogf(void (*log)(void *ud, int level, const char *msg), void *ud, int level, const char *fmt,
               va_list ap) L4R_PRINTF(4, 0);
L4R_NORETURN void l4r_oom(void);

/* ---- errors ---- */
/* Fill `e` (may be NULL) and return `st`.  Usage: return l4r_err(e, L4R_EIO, "cannot open '%s': %s", p,
 * strerror(errno)); */
l4r_status l4r_err(l4r_error *e, l4r_status st, const char *fmt, ...) L4R_PRINTF(3, 4);
l4r_status l4r_verr(l4r_error *e, l4r_status st, const char *fmt, va_list ap);
/* Prefix an existing message: "CONTEXT: old message". */
void l4r_err_prefix(l4r_error *e, const char *fmt, ...) L4R_PRINTF(2, 3);

/* ---- growable byte buffer (caller owns; zero-initialise or l4r_buf_init) ----
 * data is the buffer's own: free it with l4r_buf_free (1 MiB and more are huge-page mappings, not
 * malloc memory), or take it as a malloc'd string with l4r_buf_take. */
typedef struct l4r_buf {
    char *data;
    size_t len;
    size_t cap;
} l4r_buf;

void l4r_buf_init(l4r_buf *b);
void l4r_buf_free(l4r_buf *b);
void l4r_buf_reserve(l4r_buf *b, size_t extra); /* ensure cap >= len + extra (+1 for a NUL) */
void l4r_buf_add(l4r_buf *b, const void *p, size_t n);
void l4r_buf_addc(l4r_buf *b, char c);
void l4r_buf_adds(l4r_buf *b, const char *s);
void l4r_buf_addf(l4r_buf *b, const char *fmt, ...) L4R_PRINTF(2, 3);
void l4r_buf_add_u64(l4r_buf *b, uint64_t v);
void l4r_buf_add_i64(l4r_buf *b, int64_t v);
/* A TSV field under the output contract (docs/FORMAT.md): as it is, or, when it holds a double
 * quote, RFC 4180-quoted (wrapped in '"', each '"' doubled), so pandas, Polars and DuckDB read
 * the value back exactly.  The text has no TAB, CR or LF (text.c replaced them). */
void l4r_buf_add_field(l4r_buf *b, const char *s, size_t n);
/* Quote, in place, the field appended since `start` when it needs it (as l4r_buf_add_field). */
void l4r_buf_quote_tail(l4r_buf *b, size_t start);
/* The bytes l4r_buf_add_field writes for s: n, or n + 2 + its quotes. */
size_t l4r_field_len(const char *s, size_t n);
/* l4r_buf_add_field into d (room for l4r_field_len bytes); returns the end. */
char *l4r_field_put(char *d, const char *s, size_t n);
static inline void l4r_buf_reset(l4r_buf *b)
{
    b->len = 0;
}
/* NUL-terminate (not counted in len) and return data. */
const char *l4r_buf_cstr(l4r_buf *b);
/* The contents as a NUL-terminated malloc'd string (free() it); b is left empty. */
char *l4r_buf_take(l4r_buf *b);

/* ---- paths and files ---- */
char *l4r_path_join(const char *a, const char *b);    /* "a/b", malloc'd */
const char *l4r_path_base(const char *p);             /* pointer into p after the last '/' */
l4r_status l4r_mkdirs(const char *dir, l4r_error *e); /* mkdir -p */
/* Normalise an archive entry path into `out`: drop empty and "." components ("./a//b/" -> "a/b").
 * Returns false for an absolute path or a ".." component; out may end up empty (the archive root).
 * fetch (unpacking) and convert --raw (reading a member) both name entries this way. */
bool l4r_archive_path_clean(const char *p, l4r_buf *out);
/* Is a symlink at `path` (clean) with `target` confined to the tree?  The target must be relative
 * and may use ".." only as a leading run that does not climb above the top of the tree. */
bool l4r_archive_link_safe(const char *path, const char *target);
bool l4r_is_dir(const char *p);
bool l4r_is_file(const char *p);
l4r_status l4r_file_size(const char *p, uint64_t *size, l4r_error *e);
l4r_status l4r_read_file(const char *p, size_t cap, l4r_buf *out,
                         l4r_error *e); /* whole file, at most cap bytes */
l4r_status l4r_write_file_atomic(const char *p, const void *data, size_t n,
                                 l4r_error *e); /* p.tmp + rename */
l4r_status l4r_rmtree(const char *p, l4r_error *e);
/* flock() for the lock files (fetch's variant lock, convert's output lock, the lock file's own):
 * l4r_flock_try takes op (LOCK_EX or LOCK_SH) if it is free and says *busy when another process
 * holds it; l4r_flock_wait waits for it as long as it takes.  A signal that set l4r_interrupted
 * ends the wait with L4R_EINTR; other failures are L4R_EIO naming path. */
l4r_status l4r_flock_try(int fd, int op, const char *path, bool *busy, l4r_error *e);
l4r_status l4r_flock_wait(int fd, int op, const char *path, l4r_error *e);
/* Open path.tmp.PID for writing; l4r_commit_file() fsyncs? no: flushes, closes, renames onto path. */
l4r_status l4r_write_all(int fd, const void *p, size_t n, const char *name, l4r_error *e);

/* ---- hashing (OpenSSL libcrypto EVP) ---- */
typedef enum l4r_hash_kind { L4R_HASH_MD5, L4R_HASH_SHA256 } l4r_hash_kind;
typedef struct l4r_hasher l4r_hasher;
l4r_hasher *l4r_hasher_new(l4r_hash_kind k);
void l4r_hasher_update(l4r_hasher *h, const void *p, size_t n);
/* Writes lower-case hex and a NUL into hex (>= 65 bytes) and frees h. */
void l4r_hasher_final(l4r_hasher *h, char *hex);
void l4r_hasher_free(l4r_hasher *h);
/* A trailing hasher: a thread that hashes a file's bytes [start, avail) with pread, behind the
 * thread that reads or writes them (so they come from the page cache), while that thread goes on.
 * l4r_trail_start takes over h (NULL when no thread could be started: keep hashing inline);
 * l4r_trail_advance(t, n) says the file now holds n valid bytes; l4r_trail_finish waits until
 * everything advanced is hashed and gives h back (NULL after an error, which it reports), or, with
 * abandon, stops at once and frees h.
 * l4r_trail_lend(t, p, n): the file's next n bytes were read into p; the thread hashes them there
 * (no pread, no copy) and p is the thread's until l4r_trail_reclaim(t, p) returns, which waits
 * until they are hashed (or the thread has stopped).  Lending waits while TRAIL_SLOTS buffers are
 * out. */
typedef struct l4r_trail l4r_trail;
l4r_trail *l4r_trail_start(int fd, const char *name, l4r_hasher *h, uint64_t start);
void l4r_trail_advance(l4r_trail *t, uint64_t n);
void l4r_trail_lend(l4r_trail *t, const void *p, size_t n);
void l4r_trail_reclaim(l4r_trail *t, const void *p);
l4r_hasher *l4r_trail_finish(l4r_trail *t, bool abandon, l4r_error *e);
/* Digest of a whole file as lower-case hex. */
l4r_status l4r_hash_file(const char *path, l4r_hash_kind k, char *hex, uint64_t *size, l4r_error *e);
/* Case-insensitive hex compare. */
bool l4r_hex_equal(const char *a, const char *b);

/* ---- misc ---- */
/* Data directory: --data-dir, else $LLM4REC_DATA_HOME, else ${XDG_CACHE_HOME:-$HOME/.cache}/llm4rec-data.
 * Returns malloc'd string. */
char *l4r_data_home(const char *opt);
/* The CPU has AVX2 and POPCNT, and L4R_NO_AVX2 is not set (the build targets baseline x86-64; the
 * few loops that gain from AVX2 are compiled for it as well and chosen at run time by this). */
bool l4r_cpu_avx2(void);
int l4r_online_cpus(void);
uint64_t l4r_physical_memory(void);
/* What this process may use: the physical memory, or its cgroup's limit when that is lower. */
uint64_t l4r_usable_memory(void);
/* Parse "512M", "2G", "1024" (bytes); returns false on syntax error. */
bool l4r_parse_size(const char *s, uint64_t *out);
double l4r_now(void); /* monotonic seconds */

#endif
