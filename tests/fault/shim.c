/*
 * shim.c — an LD_PRELOAD library for the shell tests in tests/fault/: a disk that fills up, and a
 * process that stops at a chosen point, so a test can SIGKILL it there without guessing the time.
 *
 * It wraps write, pwrite, pwrite64, writev and the rename family.  Only writes to regular files
 * whose path (from /proc/self/fd) contains $L4R_SHIM_MATCH are counted (all regular files when it
 * is unset), so stderr, pipes and other directories are left alone.  Environment:
 *
 *   L4R_SHIM_ENOSPC_AFTER=N  once N bytes have been counted, writes fail with ENOSPC (the write
 *                            that crosses N writes what still fits and returns short, as a real
 *                            file system does)
 *   L4R_SHIM_STOP_AFTER=N    before the write that would cross N counted bytes, create
 *                            $L4R_SHIM_MARK and stop the whole process (SIGSTOP); it goes on
 *                            normally when continued (SIGCONT), or dies when killed
 *   L4R_SHIM_STOP_RENAME=S   the same before renaming a path whose last component contains S
 *
 * The stop happens once per process.
 *
 * The counter is shared by all threads.  The marker is created with open(2) only (no write), so
 * the shim never counts its own bytes.  Nothing here is used by the program itself.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t n);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off);
ssize_t writev(int fd, const struct iovec *iov, int cnt);
int rename(const char *from, const char *to);
int renameat(int dfrom, const char *from, int dto, const char *to);
int renameat2(int dfrom, const char *from, int dto, const char *to, unsigned flags);

static unsigned long long counted; /* bytes written to matching files, all threads */

static long long env_num(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? atoll(v) : -1;
}

static void *next_fn(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        abort();
    return f;
}

static int matches(int fd)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    const char *want = getenv("L4R_SHIM_MATCH");
    if (!want || !*want)
        return 1;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0)
        return 0;
    path[n] = 0;
    return strstr(path, want) != NULL;
}

static int stopped; /* the stop happens once; after SIGCONT the process runs on normally */

static void stop_here(void)
{
    if (__atomic_exchange_n(&stopped, 1, __ATOMIC_SEQ_CST))
        return;
    const char *mark = getenv("L4R_SHIM_MARK");
    if (mark && *mark) {
        int fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd >= 0)
            close(fd);
    }
    kill(getpid(), SIGSTOP);
}

/* How many of the n bytes about to be written to fd may go through: n, fewer, or -1 for ENOSPC. */
static ssize_t allow(int fd, size_t n)
{
    long long full = env_num("L4R_SHIM_ENOSPC_AFTER");
    long long stop = env_num("L4R_SHIM_STOP_AFTER");
    if ((full < 0 && stop < 0) || n == 0 || !matches(fd))
        return (ssize_t)n;
    unsigned long long before = __atomic_fetch_add(&counted, n, __ATOMIC_SEQ_CST);
    if (stop >= 0 && before + n > (unsigned long long)stop)
        stop_here();
    if (full < 0 || before + n <= (unsigned long long)full)
        return (ssize_t)n;
    if (before >= (unsigned long long)full) {
        errno = ENOSPC;
        return -1;
    }
    return (ssize_t)((unsigned long long)full - before);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    static ssize_t (*real)(int, const void *, size_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t))next_fn("write");
    ssize_t k = allow(fd, n);
    return k < 0 ? -1 : real(fd, buf, (size_t)k);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off_t))next_fn("pwrite");
    ssize_t k = allow(fd, n);
    return k < 0 ? -1 : real(fd, buf, (size_t)k, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    static ssize_t (*real)(int, const void *, size_t, off64_t);
    if (!real)
        real = (ssize_t(*)(int, const void *, size_t, off64_t))next_fn("pwrite64");
    ssize_t k = allow(fd, n);
    return k < 0 ? -1 : real(fd, buf, (size_t)k, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    static ssize_t (*real)(int, const struct iovec *, int);
    if (!real)
        real = (ssize_t(*)(int, const struct iovec *, int))next_fn("writev");
    size_t n = 0;
    for (int i = 0; i < cnt; i++)
        n += iov[i].iov_len;
    ssize_t k = allow(fd, n);
    if (k < 0)
        return -1;
    if ((size_t)k < n) { /* no short writev: what does not fit all fails */
        errno = ENOSPC;
        return -1;
    }
    return real(fd, iov, cnt);
}

static void before_rename(const char *from)
{
    const char *want = getenv("L4R_SHIM_STOP_RENAME");
    if (!want || !*want || !from)
        return;
    const char *last = strrchr(from, '/');
    last = last ? last + 1 : from;
    if (strstr(last, want))
        stop_here();
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        real = (int (*)(const char *, const char *))next_fn("rename");
    before_rename(from);
    return real(from, to);
}

int renameat(int dfrom, const char *from, int dto, const char *to)
{
    static int (*real)(int, const char *, int, const char *);
    if (!real)
        real = (int (*)(int, const char *, int, const char *))next_fn("renameat");
    before_rename(from);
    return real(dfrom, from, dto, to);
}

int renameat2(int dfrom, const char *from, int dto, const char *to, unsigned flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned);
    if (!real)
        real = (int (*)(int, const char *, int, const char *, unsigned))next_fn("renameat2");
    before_rename(from);
    return real(dfrom, from, dto, to, flags);
}
