/*
 * util.c — allocation, buffers, errors, paths, files and hashing shared by every module.
 *
 * Allocation failures abort: a converter that cannot get memory for its own bookkeeping cannot
 * produce a trustworthy output, and every caller checking NULL would triple the code.  Sizes
 * that come from input are capped by the callers instead (STYLE.md, conventions 3).
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

volatile int l4r_interrupted = 0;

void l4r_oom(void)
{
    static const char m[] = "llm4rec-data: out of memory\n";
    ssize_t r = write(2, m, sizeof m - 1);
    (void)r;
    abort();
}

void *l4r_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        l4r_oom();
    return p;
}

void *l4r_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        l4r_oom();
    return p;
}

void *l4r_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        l4r_oom();
    return q;
}

#define HUGE_PAGE ((size_t)2 << 20)

static size_t page_round(size_t n)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    return n ? (n + pg - 1) / pg * pg : pg;
}

/* Under a hypervisor a 4 KiB page fault is expensive (about 14 us on this project's VM: 55 ms for
 * 16 MiB of fresh memory, against 2.4-4 ms in 2 MiB pages), so mappings of 2 MiB and more start on
 * a 2 MiB boundary and ask for transparent huge pages.  The advice covers the whole mapping, so it
 * never splits it into areas mremap cannot move as one (advising only the 2 MiB-aligned middle of
 * a malloc block did, and glibc's realloc then fell back to copying every column at every
 * doubling).  Without huge pages the same mapping is 4 KiB pages. */
static void *map_new(size_t nb)
{
    if (nb < HUGE_PAGE)
        return mmap(NULL, nb, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    size_t len = nb + HUGE_PAGE;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return p;
    char *a = p + (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    if (a > p)
        munmap(p, (size_t)(a - p));
    if (p + len > a + nb)
        munmap(a + nb, (size_t)(p + len - (a + nb)));
    return a;
}

static void *big_resize(void *p, size_t old_n, size_t n, bool huge)
{
    size_t nb = page_round(n);
    void *q;
    if (!p) {
        q = map_new(nb);
    } else {
        size_t ob = page_round(old_n);
        if (ob == nb)
            return p;
        q = mremap(p, ob, nb, MREMAP_MAYMOVE);
    }
    if (q == MAP_FAILED)
        l4r_oom();
    if (huge && nb >= HUGE_PAGE)
        madvise(q, nb, MADV_HUGEPAGE); /* advice only: failure is harmless */
    return q;
}

void *l4r_big_resize(void *p, size_t old_n, size_t n)
{
    return big_resize(p, old_n, n, true);
}

void *l4r_big_resize_4k(void *p, size_t old_n, size_t n)
{
    return big_resize(p, old_n, n, false);
}

void l4r_big_free(void *p, size_t n)
{
    if (p)
        munmap(p, page_round(n));
}

char *l4r_xstrdup(const char *s)
{
    return l4r_xstrndup(s, strlen(s));
}

char *l4r_xstrndup(const char *s, size_t n)
{
    char *p = l4r_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void l4r_vlogf(void (*log)(void *ud, int level, const char *msg), void *ud, int level, const char *fmt,
               va_list ap)
{
    if (!log)
        return;
    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    log(ud, level, line);
}

char *l4r_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = NULL;
    int r = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (r < 0)
        l4r_oom();
    return p;
}

/* ---- errors ---- */

static const char *const status_text[L4R_STATUS_MAX] = {
    [L4R_OK] = "success",
    [L4R_EUSAGE] = "usage error",
    [L4R_ENETWORK] = "network error",
    [L4R_ECHECKSUM] = "checksum or size mismatch",
    [L4R_EARCHIVE] = "archive error",
    [L4R_ERECIPE] = "recipe error",
    [L4R_EPARSE] = "parse error",
    [L4R_EIO] = "i/o error",
    [L4R_EMANUAL] = "manual download required",
    [L4R_ELOCKED] = "dataset is locked by another process",
    [L4R_EFINDING] = "audit finding",
    [L4R_EINTR] = "interrupted",
    [L4R_EINTERNAL] = "internal error",
};

const char *l4r_strerror(l4r_status st)
{
    if ((unsigned)st >= L4R_STATUS_MAX)
        return "unknown error";
    return status_text[st];
}

/* The one place where statuses become exit codes (documented in README.md and docs/MANUAL.md). */
int l4r_exit_code(l4r_status st)
{
    switch (st) {
    case L4R_OK: return 0;
    case L4R_EUSAGE: return 2;
    case L4R_ENETWORK: return 3;
    case L4R_ECHECKSUM: return 4;
    case L4R_EARCHIVE: return 5;
    case L4R_ERECIPE: return 6;
    case L4R_EPARSE: return 7;
    case L4R_EIO: return 8;
    case L4R_EMANUAL: return 9;
    case L4R_ELOCKED: return 10;
    case L4R_EFINDING: return 11;
    case L4R_EINTR: return 130;
    default: return 1;
    }
}

const char *l4r_version(void)
{
    return L4R_VERSION;
}

l4r_status l4r_verr(l4r_error *e, l4r_status st, const char *fmt, va_list ap)
{
    if (e) {
        e->status = st;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    }
    return st;
}

l4r_status l4r_err(l4r_error *e, l4r_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l4r_verr(e, st, fmt, ap);
    va_end(ap);
    return st;
}

void l4r_err_prefix(l4r_error *e, const char *fmt, ...)
{
    if (!e)
        return;
    char pre[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pre, sizeof pre, fmt, ap);
    va_end(ap);
    char old[sizeof e->msg];
    memcpy(old, e->msg, sizeof old);
    size_t pl = strlen(pre);
    if (pl > sizeof e->msg - 3)
        pl = sizeof e->msg - 3;
    memcpy(e->msg, pre, pl);
    memcpy(e->msg + pl, ": ", 2);
    size_t room = sizeof e->msg - pl - 3;
    size_t ol = strnlen(old, room);
    memcpy(e->msg + pl + 2, old, ol);
    e->msg[pl + 2 + ol] = 0;
}

/* ---- buffers ---- */

void l4r_buf_init(l4r_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

/* An l4r_buf of BIG_BUF bytes or more is a mapping of its own in whole 2 MiB pages
 * (l4r_big_resize): docs/DESIGN.md, "Block size". */
#define BIG_BUF ((size_t)1 << 20)

void l4r_buf_free(l4r_buf *b)
{
    if (b->cap >= BIG_BUF)
        l4r_big_free(b->data, b->cap);
    else
        free(b->data);
    l4r_buf_init(b);
}

void l4r_buf_reserve(l4r_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap += cap / 2 + 64;
    if (cap < BIG_BUF) {
        b->data = l4r_xrealloc(b->data, cap);
        b->cap = cap;
        return;
    }
    cap = (cap + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (b->cap >= BIG_BUF) {
        b->data = l4r_big_resize(b->data, b->cap, cap);
    } else {
        char *d = l4r_big_resize(NULL, 0, cap);
        if (b->cap)
            memcpy(d, b->data, b->cap);
        free(b->data);
        b->data = d;
    }
    b->cap = cap;
}

void l4r_buf_add(l4r_buf *b, const void *p, size_t n)
{
    l4r_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

size_t l4r_field_len(const char *s, size_t n)
{
    const char *q = n ? memchr(s, '"', n) : NULL;
    if (L4R_LIKELY(!q))
        return n;
    size_t k = 0;
    for (; q; q = memchr(q + 1, '"', (size_t)(s + n - q - 1)))
        k++;
    return n + 2 + k;
}

char *l4r_field_put(char *d, const char *s, size_t n)
{
    if (L4R_LIKELY(!n || !memchr(s, '"', n))) {
        memcpy(d, s, n);
        return d + n;
    }
    *d++ = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            *d++ = '"';
        *d++ = s[i];
    }
    *d++ = '"';
    return d;
}

void l4r_buf_add_field(l4r_buf *b, const char *s, size_t n)
{
    l4r_buf_reserve(b, l4r_field_len(s, n));
    b->len = (size_t)(l4r_field_put(b->data + b->len, s, n) - b->data);
}

void l4r_buf_quote_tail(l4r_buf *b, size_t start)
{
    size_t n = b->len - start;
    size_t q = l4r_field_len(b->data + start, n);
    if (L4R_LIKELY(q == n))
        return;
    l4r_buf_reserve(b, q - n);
    /* back to front: each byte moves right by the quotes before it, plus the opening one */
    char *s = b->data + start, *d = s + q;
    *--d = '"';
    for (size_t i = n; i-- > 0;) {
        *--d = s[i];
        if (s[i] == '"')
            *--d = '"';
    }
    *--d = '"';
    b->len = start + q;
}

void l4r_buf_addc(l4r_buf *b, char c)
{
    l4r_buf_reserve(b, 1);
    b->data[b->len++] = c;
}

void l4r_buf_adds(l4r_buf *b, const char *s)
{
    l4r_buf_add(b, s, strlen(s));
}

void l4r_buf_addf(l4r_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    l4r_buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

void l4r_buf_add_u64(l4r_buf *b, uint64_t v)
{
    char tmp[24];
    int i = 24;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    l4r_buf_add(b, tmp + i, (size_t)(24 - i));
}

void l4r_buf_add_i64(l4r_buf *b, int64_t v)
{
    if (v < 0) {
        l4r_buf_addc(b, '-');
        l4r_buf_add_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        l4r_buf_add_u64(b, (uint64_t)v);
    }
}

const char *l4r_buf_cstr(l4r_buf *b)
{
    l4r_buf_reserve(b, 0);
    b->data[b->len] = 0;
    return b->data;
}

char *l4r_buf_take(l4r_buf *b)
{
    l4r_buf_cstr(b);
    char *s = b->data;
    if (b->cap < BIG_BUF) {
        l4r_buf_init(b); /* malloc memory: the caller's now */
        return s;
    }
    s = l4r_xmalloc(b->len + 1);
    memcpy(s, b->data, b->len + 1);
    l4r_buf_free(b);
    return s;
}

/* ---- paths and files ---- */

char *l4r_path_join(const char *a, const char *b)
{
    if (!a || !*a)
        return l4r_xstrdup(b);
    if (b[0] == '/')
        return l4r_xstrdup(b);
    size_t la = strlen(a);
    bool slash = la && a[la - 1] == '/';
    return l4r_xasprintf("%s%s%s", a, slash ? "" : "/", b);
}

const char *l4r_path_base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* See util.h. */
bool l4r_archive_path_clean(const char *p, l4r_buf *out)
{
    l4r_buf_reset(out);
    if (p[0] == '/')
        return false;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (out->len)
                l4r_buf_addc(out, '/');
            l4r_buf_add(out, p, n);
        }
        p += n;
        if (*p == '/')
            p++;
    }
    l4r_buf_cstr(out);
    return true;
}

/* See util.h. */
bool l4r_archive_link_safe(const char *path, const char *target)
{
    if (!*target || target[0] == '/')
        return false;
    int depth = 0; /* directories between the root and the link */
    for (const char *s = path; *s; s++)
        if (*s == '/')
            depth++;
    bool descending = false;
    const char *p = target;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (descending || --depth < 0)
                return false;
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            descending = true;
        }
        p += n;
        if (*p == '/')
            p++;
    }
    return true;
}

l4r_status l4r_flock_try(int fd, int op, const char *path, bool *busy, l4r_error *e)
{
    *busy = false;
    if (flock(fd, op | LOCK_NB) == 0)
        return L4R_OK;
    if (errno != EWOULDBLOCK)
        return l4r_err(e, L4R_EIO, "cannot lock '%s': %s", path, strerror(errno));
    *busy = true;
    return L4R_OK;
}

l4r_status l4r_flock_wait(int fd, int op, const char *path, l4r_error *e)
{
    for (;;) {
        if (l4r_interrupted)
            return l4r_err(e, L4R_EINTR, "interrupted while waiting for the lock '%s'", path);
        if (flock(fd, op) == 0)
            return L4R_OK;
        if (errno != EINTR)
            return l4r_err(e, L4R_EIO, "cannot lock '%s': %s", path, strerror(errno));
    }
}

l4r_status l4r_mkdirs(const char *dir, l4r_error *e)
{
    char *p = l4r_xstrdup(dir);
    l4r_status st = L4R_OK;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == 0) {
            char c = *s;
            *s = 0;
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                st = l4r_err(e, L4R_EIO, "cannot create directory '%s': %s", p, strerror(errno));
                goto out;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    if (!l4r_is_dir(dir))
        st = l4r_err(e, L4R_EIO, "cannot create directory '%s': not a directory", dir);
out:
    free(p);
    return st;
}

bool l4r_is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

bool l4r_is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

l4r_status l4r_file_size(const char *p, uint64_t *size, l4r_error *e)
{
    struct stat st;
    if (stat(p, &st) != 0)
        return l4r_err(e, L4R_EIO, "cannot stat '%s': %s", p, strerror(errno));
    *size = (uint64_t)st.st_size;
    return L4R_OK;
}

l4r_status l4r_read_file(const char *p, size_t cap, l4r_buf *out, l4r_error *e)
{
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return l4r_err(e, L4R_EIO, "cannot open '%s': %s", p, strerror(errno));
    l4r_status st = L4R_OK;
    for (;;) {
        l4r_buf_reserve(out, 65536);
        ssize_t r = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", p, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        out->len += (size_t)r;
        if (out->len > cap) {
            st = l4r_err(e, L4R_EIO, "'%s' is larger than %zu bytes", p, cap);
            break;
        }
    }
    close(fd);
    l4r_buf_cstr(out);
    return st;
}

l4r_status l4r_write_all(int fd, const void *p, size_t n, const char *name, l4r_error *e)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return l4r_err(e, L4R_EIO, "cannot write '%s': %s", name, strerror(errno));
        }
        c += w;
        n -= (size_t)w;
    }
    return L4R_OK;
}

l4r_status l4r_write_file_atomic(const char *p, const void *data, size_t n, l4r_error *e)
{
    char *tmp = l4r_xasprintf("%s.tmp.%ld", p, (long)getpid());
    l4r_status st = L4R_OK;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot create '%s': %s", tmp, strerror(errno));
        goto out;
    }
    st = l4r_write_all(fd, data, n, tmp, e);
    if (close(fd) != 0 && st == L4R_OK)
        st = l4r_err(e, L4R_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    if (st == L4R_OK && rename(tmp, p) != 0)
        st = l4r_err(e, L4R_EIO, "cannot rename '%s' to '%s': %s", tmp, p, strerror(errno));
    if (st != L4R_OK)
        unlink(tmp);
out:
    free(tmp);
    return st;
}

l4r_status l4r_rmtree(const char *p, l4r_error *e)
{
    struct stat st;
    if (lstat(p, &st) != 0)
        return errno == ENOENT ? L4R_OK : l4r_err(e, L4R_EIO, "cannot stat '%s': %s", p, strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(p);
        if (!d)
            return l4r_err(e, L4R_EIO, "cannot open directory '%s': %s", p, strerror(errno));
        struct dirent *de;
        l4r_status rs = L4R_OK;
        while (rs == L4R_OK && (de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char *c = l4r_path_join(p, de->d_name);
            rs = l4r_rmtree(c, e);
            free(c);
        }
        closedir(d);
        if (rs != L4R_OK)
            return rs;
        if (rmdir(p) != 0)
            return l4r_err(e, L4R_EIO, "cannot remove '%s': %s", p, strerror(errno));
        return L4R_OK;
    }
    if (unlink(p) != 0)
        return l4r_err(e, L4R_EIO, "cannot remove '%s': %s", p, strerror(errno));
    return L4R_OK;
}

/* ---- hashing ---- */

struct l4r_hasher {
    EVP_MD_CTX *ctx;
};

l4r_hasher *l4r_hasher_new(l4r_hash_kind k)
{
    l4r_hasher *h = l4r_xmalloc(sizeof *h);
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx)
        l4r_oom();
    if (EVP_DigestInit_ex(h->ctx, k == L4R_HASH_MD5 ? EVP_md5() : EVP_sha256(), NULL) != 1)
        abort();
    return h;
}

void l4r_hasher_update(l4r_hasher *h, const void *p, size_t n)
{
    EVP_DigestUpdate(h->ctx, p, n);
}

void l4r_hasher_final(l4r_hasher *h, char *hex)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, md, &n);
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * n] = 0;
    l4r_hasher_free(h);
}

void l4r_hasher_free(l4r_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    free(h);
}

/* ---- trailing hasher ---- */

#define TRAIL_BUF (1u << 20)
#define TRAIL_SLOTS 8 /* lent buffers waiting, at most */

struct l4r_trail {
    pthread_t th;
    pthread_mutex_t mu;  /* guards avail, the slots, done, stop, exited, st, err */
    pthread_cond_t cv;   /* to the thread: more to hash, or stop */
    pthread_cond_t back; /* from the thread: a lent buffer is done with, or it has exited */
    int fd;
    char *name;
    l4r_hasher *h;   /* the thread's until joined */
    uint64_t hashed; /* thread only */
    uint64_t avail;
    /* Lent buffers, in file order: slot i holds the bytes [off[i], off[i] + len[i]). */
    const void *ptr[TRAIL_SLOTS];
    uint64_t off[TRAIL_SLOTS];
    size_t len[TRAIL_SLOTS];
    unsigned head, n;
    bool done, stop, exited;
    l4r_status st;
    l4r_error err;
};

static void *trail_main(void *arg)
{
    l4r_trail *t = arg;
    char *buf = NULL;
    pthread_mutex_lock(&t->mu);
    for (;;) {
        while (!t->stop && !t->done && t->hashed == t->avail)
            pthread_cond_wait(&t->cv, &t->mu);
        if (t->stop || (t->done && t->hashed == t->avail))
            break;
        /* The next bytes are either in a lent buffer (hashed where they are) or only in the file
         * (pread, up to the next lent buffer). */
        uint64_t upto = t->avail;
        const void *lent = NULL;
        size_t lent_len = 0;
        if (t->n) {
            if (t->off[t->head] == t->hashed) {
                lent = t->ptr[t->head];
                lent_len = t->len[t->head];
            } else if (t->off[t->head] < upto) {
                upto = t->off[t->head];
            }
        }
        pthread_mutex_unlock(&t->mu);
        l4r_status st = L4R_OK;
        l4r_error err = {0};
        if (lent) {
            l4r_hasher_update(t->h, lent, lent_len);
            t->hashed += lent_len;
            upto = t->hashed;
        }
        while (t->hashed < upto) {
            if (!buf)
                buf = l4r_xmalloc(TRAIL_BUF);
            size_t want = upto - t->hashed < TRAIL_BUF ? (size_t)(upto - t->hashed) : TRAIL_BUF;
            ssize_t r = pread(t->fd, buf, want, (off_t)t->hashed);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                st = r < 0 ? l4r_err(&err, L4R_EIO, "cannot read '%s': %s", t->name, strerror(errno))
                           : l4r_err(&err, L4R_EIO, "'%s' shrank while it was in use", t->name);
                break;
            }
            l4r_hasher_update(t->h, buf, (size_t)r);
            t->hashed += (uint64_t)r;
        }
        pthread_mutex_lock(&t->mu);
        if (lent) {
            t->head = (t->head + 1) % TRAIL_SLOTS;
            t->n--;
            pthread_cond_broadcast(&t->back);
        }
        if (st) {
            t->st = st;
            t->err = err;
            break;
        }
    }
    t->exited = true;
    pthread_cond_broadcast(&t->back);
    pthread_mutex_unlock(&t->mu);
    free(buf);
    return NULL;
}

l4r_trail *l4r_trail_start(int fd, const char *name, l4r_hasher *h, uint64_t start)
{
    l4r_trail *t = l4r_xcalloc(1, sizeof *t);
    t->fd = fd;
    t->name = l4r_xstrdup(name);
    t->h = h;
    t->hashed = t->avail = start;
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->cv, NULL);
    pthread_cond_init(&t->back, NULL);
    if (pthread_create(&t->th, NULL, trail_main, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        pthread_cond_destroy(&t->cv);
        pthread_cond_destroy(&t->back);
        free(t->name);
        free(t);
        return NULL;
    }
    return t;
}

void l4r_trail_advance(l4r_trail *t, uint64_t n)
{
    pthread_mutex_lock(&t->mu);
    t->avail = n;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

void l4r_trail_lend(l4r_trail *t, const void *p, size_t n)
{
    pthread_mutex_lock(&t->mu);
    while (t->n == TRAIL_SLOTS && !t->exited)
        pthread_cond_wait(&t->back, &t->mu);
    if (!t->exited) {
        unsigned i = (t->head + t->n) % TRAIL_SLOTS;
        t->ptr[i] = p;
        t->off[i] = t->avail;
        t->len[i] = n;
        t->n++;
    }
    t->avail += n; /* after an exit nothing more is hashed; finish reports why */
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
}

void l4r_trail_reclaim(l4r_trail *t, const void *p)
{
    pthread_mutex_lock(&t->mu);
    for (;;) {
        bool held = false;
        for (unsigned k = 0; k < t->n && !t->exited; k++)
            held |= t->ptr[(t->head + k) % TRAIL_SLOTS] == p;
        if (!held)
            break;
        pthread_cond_wait(&t->back, &t->mu);
    }
    pthread_mutex_unlock(&t->mu);
}

l4r_hasher *l4r_trail_finish(l4r_trail *t, bool abandon, l4r_error *e)
{
    pthread_mutex_lock(&t->mu);
    t->done = true;
    t->stop = abandon;
    pthread_cond_signal(&t->cv);
    pthread_mutex_unlock(&t->mu);
    pthread_join(t->th, NULL);
    l4r_hasher *h = t->h;
    if (t->st || abandon) {
        if (t->st && e)
            *e = t->err;
        l4r_hasher_free(h);
        h = NULL;
    }
    pthread_mutex_destroy(&t->mu);
    pthread_cond_destroy(&t->cv);
    pthread_cond_destroy(&t->back);
    free(t->name);
    free(t);
    return h;
}

l4r_status l4r_hash_file(const char *path, l4r_hash_kind k, char *hex, uint64_t *size, l4r_error *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
    l4r_hasher *h = l4r_hasher_new(k);
    size_t bufsz = 1 << 20;
    char *buf = l4r_xmalloc(bufsz);
    uint64_t total = 0;
    l4r_status st = L4R_OK;
    for (;;) {
        ssize_t r = read(fd, buf, bufsz);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        l4r_hasher_update(h, buf, (size_t)r);
        total += (uint64_t)r;
    }
    close(fd);
    free(buf);
    if (st != L4R_OK) {
        l4r_hasher_free(h);
        return st;
    }
    l4r_hasher_final(h, hex);
    if (size)
        *size = total;
    return L4R_OK;
}

bool l4r_hex_equal(const char *a, const char *b)
{
    return strlen(a) == strlen(b) && strcasecmp(a, b) == 0;
}

/* ---- misc ---- */

bool l4r_cpu_avx2(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    static _Atomic int have = -1; /* every thread computes the same answer */
    int h = atomic_load_explicit(&have, memory_order_relaxed);
    if (h < 0) {
        h = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && !getenv("L4R_NO_AVX2");
        atomic_store_explicit(&have, h, memory_order_relaxed);
    }
    return h;
#else
    return false;
#endif
}

char *l4r_data_home(const char *opt)
{
    if (opt && *opt)
        return l4r_xstrdup(opt);
    const char *v = getenv("LLM4REC_DATA_HOME");
    if (v && *v)
        return l4r_xstrdup(v);
    const char *x = getenv("XDG_CACHE_HOME");
    if (x && *x)
        return l4r_path_join(x, "llm4rec-data");
    const char *h = getenv("HOME");
    return l4r_xasprintf("%s/.cache/llm4rec-data", h && *h ? h : ".");
}

int l4r_online_cpus(void)
{
    /* The CPUs this process may run on: a batch scheduler's cpuset or taskset narrows them. */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

uint64_t l4r_physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES);
    long psz = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || psz <= 0)
        return (uint64_t)4 << 30;
    return (uint64_t)pages * (uint64_t)psz;
}

/* The first number in FILE, or 0 when it cannot be read or says "max" (no limit). */
static uint64_t number_in(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char buf[64] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    if (buf[0] < '0' || buf[0] > '9')
        return 0;
    return strtoull(buf, NULL, 10);
}

/* The memory limit of this process's cgroup (v2 memory.max, or v1 memory.limit_in_bytes), 0 when
 * there is none or it cannot be read.  A batch scheduler (Slurm, a container) sets it below the
 * machine's memory, and a run that goes past it is killed without a word.  L4R_CGROUP_ROOT (for
 * the tests, tests/cli/test_memory_default.sh) is put before /proc/self/cgroup and /sys/fs/cgroup. */
static uint64_t cgroup_memory_limit(void)
{
    const char *root = getenv("L4R_CGROUP_ROOT");
    if (!root)
        root = "";
    char line[1024], path[1400];
    snprintf(path, sizeof path, "%s/proc/self/cgroup", root);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    uint64_t limit = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        /* "0::/PATH" (v2) or "N:memory:/PATH" / "N:cpu,memory:/PATH" (v1) */
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = 0;
        const char *ctrl = c1 + 1, *cg = c2 + 1;
        uint64_t v = 0;
        if (!*ctrl) {
            snprintf(path, sizeof path, "%s/sys/fs/cgroup%s/memory.max", root, cg);
            v = number_in(path);
        } else if (strstr(ctrl, "memory")) {
            snprintf(path, sizeof path, "%s/sys/fs/cgroup/memory%s/memory.limit_in_bytes", root, cg);
            v = number_in(path);
        }
        if (v && (!limit || v < limit))
            limit = v;
    }
    fclose(f);
    return limit;
}

uint64_t l4r_usable_memory(void)
{
    uint64_t phys = l4r_physical_memory(), cg = cgroup_memory_limit();
    return cg && cg < phys ? cg : phys; /* v1 says "no limit" with a huge number: phys is less */
}

bool l4r_parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0)
        return false;
    double mul = 1;
    switch (*end) {
    case 0: break;
    case 'k':
    case 'K':
        mul = 1024.0;
        end++;
        break;
    case 'm':
    case 'M':
        mul = 1024.0 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mul = 1024.0 * 1024 * 1024;
        end++;
        break;
    case 't':
    case 'T':
        mul = 1024.0 * 1024 * 1024 * 1024;
        end++;
        break;
    default: return false;
    }
    if (*end == 'i' || *end == 'I')
        end++;
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end)
        return false;
    *out = (uint64_t)(v * mul);
    return true;
}

double l4r_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
