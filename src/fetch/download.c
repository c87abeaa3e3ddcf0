/*
 * download.c — one URL to one local file, safely: libcurl writes into DEST.part, an interrupted
 * transfer is resumed with a Range request, transient failures are retried with capped
 * exponential backoff, and the file is renamed onto DEST only after its size and digests match.
 *
 * How a transfer is judged.  The header callback records the status line, Content-Range and
 * Retry-After of the *current* response (it resets on every status line, so redirect hops do not
 * leak into the final answer).  The first call of the write callback decides what to do with the
 * body before any byte reaches the disk:
 *   - HTTP >= 400: the body is an error page; it is discarded and the status decides the outcome;
 *   - resuming and 206 with "Content-Range: bytes OFFSET-": append;
 *   - resuming and 200: the server ignored Range; truncate the .part and take the whole body;
 *   - anything else (206 for the wrong offset, 206 unasked): abort and start again from zero.
 * file:// URLs have no status; libcurl seeks itself when resuming.
 *
 * Retry policy (docs/fetch.md): only failures that a later attempt can cure are retried — time-outs
 * (including the low-speed limit that stops a stalled server: no byte for 20 s by default; after
 * MAX_STALLS time-outs in a row that left the .part no longer, the URL is given up on, about a
 * minute by default rather than the seven of 6 attempts of 60 s), connections reset or closed
 * mid-transfer, empty replies, and HTTP 408, 429 and 5xx.  A 404, a TLS failure, an unknown host or
 * a refused connection fail at once (the caller then tries the next mirror).  Waits double from
 * 1 s, are capped by max_backoff_s, and a Retry-After in seconds replaces the computed wait (capped
 * by the same ceiling).  Each new attempt resumes from what the .part already holds.
 *
 * A download that fails its size or digest check after continuing a .part (an earlier run's, or
 * one an earlier attempt left) is downloaded once more from zero before the failure counts: the
 * old bytes may be what is wrong.  Without a digest nothing would tell, so an earlier run's .part
 * is not continued at all (attempts within one call still continue theirs).
 *
 * The transfer polls l4r_interrupted from the progress callback, so Ctrl-C aborts within a fraction
 * of a second with L4R_EINTR and leaves the .part for the next run to resume.
 */
#include "fetch/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch/curl_api.h"
#include "util.h"

/* ---- options ---- */

void l4r_fetch_opts_defaults(l4r_fetch_opts *o)
{
    if (o->connect_timeout_s <= 0)
        o->connect_timeout_s = 30;
    if (o->low_speed_time_s <= 0)
        o->low_speed_time_s = 20;
    if (o->max_retries == 0)
        o->max_retries = 5; /* negative means "never retry" */
    if (o->max_backoff_s <= 0)
        o->max_backoff_s = 60;
}

static void logf_(const l4r_fetch_opts *o, int level, const char *fmt, ...) L4R_PRINTF(3, 4);
static void logf_(const l4r_fetch_opts *o, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l4r_vlogf(o ? o->log : NULL, o ? o->log_ud : NULL, level, fmt, ap);
    va_end(ap);
}

/* ---- mirrors and sidecars ---- */

char *l4r_mirror_url(const char *mirror, const char *url)
{
    const char *rest = NULL;
    if (!strncasecmp(url, "https://", 8))
        rest = url + 8;
    else if (!strncasecmp(url, "http://", 7))
        rest = url + 7;
    if (!mirror || !*mirror || !rest)
        return l4r_xstrdup(url);
    size_t ml = strlen(mirror);
    while (ml > 0 && mirror[ml - 1] == '/')
        ml--;
    /* `wget -x` stores HOST/PATH; a fragment never reaches the server, so it is not part of it */
    size_t rl = strcspn(rest, "#");
    return l4r_xasprintf("%.*s/%.*s", (int)ml, mirror, (int)rl, rest);
}

static bool is_hex_run(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

static bool take_md5(const char *p, char *hex32)
{
    if (!is_hex_run(p, 32) || is_hex_run(p + 32, 1))
        return false;
    for (int i = 0; i < 32; i++) {
        char c = p[i];
        hex32[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    }
    hex32[32] = 0;
    return true;
}

bool l4r_parse_md5_sidecar(const char *text, char *hex32)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (!strncmp(p, "MD5 (", 5) || !strncmp(p, "MD5(", 4)) {
        /* BSD: "MD5 (ml-20m.zip) = hex"; the file name may hold anything, so search from the end
         * of the first line for " = " */
        const char *eol = p + strcspn(p, "\r\n");
        const char *eq = NULL;
        for (const char *q = p; q + 3 <= eol; q++)
            if (!strncmp(q, ") = ", 4))
                eq = q + 4;
        if (!eq)
            return false;
        return take_md5(eq, hex32) && (eq + 32 == eol || eq[32] == ' ' || eq[32] == '\t');
    }
    /* GNU: "hex  name" or "hex *name" or just "hex" */
    if (!take_md5(p, hex32))
        return false;
    char c = p[32];
    return c == 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- verification ---- */

l4r_status l4r_verify_file(const char *path, const char *label, int64_t size, const char *md5,
                           const char *sha256, char *sha256_out, l4r_error *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
    l4r_hasher *hs = l4r_hasher_new(L4R_HASH_SHA256);
    l4r_hasher *hm = md5 ? l4r_hasher_new(L4R_HASH_MD5) : NULL;
    size_t bufsz = 1 << 20;
    char *buf = l4r_xmalloc(bufsz);
    uint64_t total = 0;
    char got_sha[65] = "", got_md5[65] = "";
    l4r_status st = L4R_OK;
    for (;;) {
        ssize_t r = read(fd, buf, bufsz);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        l4r_hasher_update(hs, buf, (size_t)r);
        if (hm)
            l4r_hasher_update(hm, buf, (size_t)r);
        total += (uint64_t)r;
    }
    l4r_hasher_final(hs, got_sha);
    hs = NULL;
    if (hm) {
        l4r_hasher_final(hm, got_md5);
        hm = NULL;
    }
    if (size >= 0 && total != (uint64_t)size) {
        st = l4r_err(e, L4R_ECHECKSUM, "size mismatch for %s: expected %lld bytes, got %llu", label,
                     (long long)size, (unsigned long long)total);
        goto out;
    }
    if (sha256 && !l4r_hex_equal(sha256, got_sha)) {
        st = l4r_err(e, L4R_ECHECKSUM, "checksum mismatch for %s: expected sha256 %s, got %s", label, sha256,
                     got_sha);
        goto out;
    }
    if (md5 && !l4r_hex_equal(md5, got_md5)) {
        st = l4r_err(e, L4R_ECHECKSUM, "checksum mismatch for %s: expected md5 %s, got %s", label, md5,
                     got_md5);
        goto out;
    }
    if (sha256_out)
        memcpy(sha256_out, got_sha, 65);
out:
    l4r_hasher_free(hs);
    l4r_hasher_free(hm);
    free(buf);
    close(fd);
    return st;
}

/* Verify path (a .part) and rename it onto dest; on a mismatch remove it. */
static l4r_status finish_part(const char *part, const char *dest, const char *label, int64_t size,
                              const char *md5, const char *sha256, char *sha256_out, l4r_error *e)
{
    l4r_status st = l4r_verify_file(part, label, size, md5, sha256, sha256_out, e);
    if (st == L4R_ECHECKSUM) {
        unlink(part);
        return st;
    }
    if (st != L4R_OK)
        return st;
    if (rename(part, dest) != 0)
        return l4r_err(e, L4R_EIO, "cannot rename '%s' to '%s': %s", part, dest, strerror(errno));
    return L4R_OK;
}

l4r_status l4r_register_file(const char *src, const char *dest, int64_t size, const char *md5,
                             const char *sha256, char *sha256_out, l4r_error *e)
{
    char *part = l4r_xasprintf("%s.part", dest);
    char *label = l4r_xasprintf("'%s' (given with --from)", src);
    char *buf = l4r_xmalloc(1 << 20);
    l4r_status st = L4R_OK;
    int out_fd = -1;
    int in_fd = open(src, O_RDONLY | O_CLOEXEC);
    if (in_fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot open '%s': %s", src, strerror(errno));
        goto out;
    }
    struct stat sb;
    if (fstat(in_fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = l4r_err(e, L4R_EIO, "'%s' is not a regular file", src);
        goto out;
    }
    out_fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (out_fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot create '%s': %s", part, strerror(errno));
        goto out;
    }
    for (;;) {
        if (l4r_interrupted) {
            st = l4r_err(e, L4R_EINTR, "interrupted while copying '%s'", src);
            goto out;
        }
        ssize_t r = read(in_fd, buf, 1 << 20);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", src, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        st = l4r_write_all(out_fd, buf, (size_t)r, part, e);
        if (st != L4R_OK)
            goto out;
    }
    if (close(out_fd) != 0) {
        out_fd = -1;
        st = l4r_err(e, L4R_EIO, "cannot write '%s': %s", part, strerror(errno));
        goto out;
    }
    out_fd = -1;
    st = finish_part(part, dest, label, size, md5, sha256, sha256_out, e);
out:
    if (out_fd >= 0)
        close(out_fd);
    if (st != L4R_OK)
        unlink(part); /* a copy is cheap to redo; never leave it behind */
    if (in_fd >= 0)
        close(in_fd);
    free(buf);
    free(label);
    free(part);
    return st;
}

/* ---- the transfer ---- */

typedef struct xfer {
    const l4r_curl_api *cu;
    CURL *curl;
    const l4r_fetch_opts *o;
    const char *name; /* base name for the progress bar */
    int fd;           /* the .part, positioned at its end */
    bool is_http;
    int64_t limit;    /* expected size, -1 unknown: a body past it is an error */
    uint64_t offset;  /* bytes already in the .part when the request was made */
    uint64_t written; /* bytes written by this attempt */
    /* current response, from the header callback */
    long hdr_status;
    bool cr_seen;
    uint64_t cr_start;
    long retry_after; /* -1 when absent */
    /* verdicts of the write callback */
    bool checked;
    bool discard; /* error page */
    bool restart; /* server answered a Range request wrongly: start again from zero */
    bool too_big;
    bool appended; /* this attempt continued the .part where it ended */
    l4r_status io_st;
    l4r_error *e;
    /* progress bar */
    double last_draw;
    bool drew;
} xfer;

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = sz * n;
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
        x->hdr_status = 0;
        x->cr_seen = false;
        x->retry_after = -1;
        const char *sp = memchr(p, ' ', len);
        if (sp)
            x->hdr_status = strtol(sp + 1, NULL, 10);
    } else if (len > 14 && !strncasecmp(p, "Content-Range:", 14)) {
        /* "bytes START-END/TOTAL" (TOTAL may be a star) */
        char tmp[128];
        size_t tl = len - 14 < sizeof tmp - 1 ? len - 14 : sizeof tmp - 1;
        memcpy(tmp, p + 14, tl);
        tmp[tl] = 0;
        unsigned long long a;
        if (sscanf(tmp, " bytes %llu-", &a) == 1) {
            x->cr_seen = true;
            x->cr_start = a;
        }
    } else if (len > 12 && !strncasecmp(p, "Retry-After:", 12)) {
        /* only the delta-seconds form; an HTTP date falls back to the computed backoff */
        char tmp[64];
        size_t tl = len - 12 < sizeof tmp - 1 ? len - 12 : sizeof tmp - 1;
        memcpy(tmp, p + 12, tl);
        tmp[tl] = 0;
        char *s = tmp;
        while (*s == ' ' || *s == '\t')
            s++;
        char *end;
        long v = strtol(s, &end, 10);
        if (end != s && v >= 0 && (*end == 0 || *end == '\r' || *end == '\n' || *end == ' '))
            x->retry_after = v;
    }
    return len;
}

static bool truncate_part(xfer *x)
{
    if (ftruncate(x->fd, 0) != 0 || lseek(x->fd, 0, SEEK_SET) != 0) {
        x->io_st =
            l4r_err(x->e, L4R_EIO, "cannot truncate the download of '%s': %s", x->name, strerror(errno));
        return false;
    }
    x->offset = 0;
    return true;
}

/* Decide what the body of the current response is (see the file comment).  false = abort. */
static bool judge_response(xfer *x)
{
    x->checked = true;
    if (!x->is_http) {
        x->appended = x->offset > 0;
        return true;
    }
    long code = 0;
    x->cu->easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 400) {
        x->discard = true;
        return true;
    }
    if (x->offset > 0) {
        if (code == 206) {
            if (!x->cr_seen || x->cr_start != x->offset) {
                x->restart = true;
                return false;
            }
            x->appended = true;
            return true;
        }
        if (code == 200)
            return truncate_part(x);
        x->restart = true;
        return false;
    }
    if (code != 200) {
        x->restart = true;
        return false;
    }
    return true;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = sz * n;
    if (!x->checked && !judge_response(x))
        return 0;
    if (x->discard)
        return len;
    if (x->limit >= 0 && x->offset + x->written + len > (uint64_t)x->limit) {
        x->too_big = true;
        return 0;
    }
    if (l4r_write_all(x->fd, p, len, x->name, x->e) != L4R_OK) {
        x->io_st = L4R_EIO;
        return 0;
    }
    x->written += len;
    return len;
}

static void human(char *out, size_t n, double v)
{
    const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (v >= 1024 && i < 4) {
        v /= 1024;
        i++;
    }
    snprintf(out, n, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static void draw_progress(xfer *x, curl_off_t dltotal, curl_off_t dlnow, bool final)
{
    double now = l4r_now();
    if (!final && now - x->last_draw < 0.2)
        return;
    x->last_draw = now;
    char have[32], all[32];
    double got = (double)x->offset + (double)dlnow;
    human(have, sizeof have, got);
    if (dltotal > 0 && !x->discard) {
        double tot = (double)x->offset + (double)dltotal;
        human(all, sizeof all, tot);
        int pct = (int)(100.0 * got / tot);
        int bars = pct / 5;
        char bar[21];
        for (int i = 0; i < 20; i++)
            bar[i] = i < bars ? '#' : '.';
        bar[20] = 0;
        fprintf(stderr, "\r%-30.30s [%s] %3d%% %s / %s   ", x->name, bar, pct, have, all);
    } else {
        fprintf(stderr, "\r%-30.30s %s   ", x->name, have);
    }
    x->drew = true;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    xfer *x = ud;
    (void)ultotal;
    (void)ulnow;
    if (l4r_interrupted)
        return 1;
    if (x->o->progress && x->checked)
        draw_progress(x, dltotal, dlnow, false);
    return 0;
}

static bool transient_curl(CURLcode c)
{
    switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
    }
}

static bool transient_http(long code)
{
    return code == 408 || code == 429 || (code >= 500 && code <= 599);
}

/* Sleep up to s seconds in small steps so an interrupt is noticed; false when interrupted. */
static bool nap(double s)
{
    double until = l4r_now() + s;
    for (;;) {
        if (l4r_interrupted)
            return false;
        double left = until - l4r_now();
        if (left <= 0)
            return true;
        double step = left < 0.1 ? left : 0.1;
        struct timespec ts = {(time_t)step, (long)((step - (double)(time_t)step) * 1e9)};
        nanosleep(&ts, NULL);
    }
}

/* A stalled attempt (no byte for low_speed_time_s) is retried while it gets further; this many
 * stalls in a row that leave the .part no longer than before end the download. */
#define MAX_STALLS 3

/* Step of an attempt: where the .part ends, which is where this attempt continues.  A .part from an
 * earlier run that is already as long as the expected size needs no transfer (*complete: the
 * verification decides); one that is longer is emptied. */
static l4r_status part_offset(xfer *x, const char *part, int64_t size, bool *complete, l4r_error *e)
{
    *complete = false;
    off_t end = lseek(x->fd, 0, SEEK_END);
    if (end < 0)
        return l4r_err(e, L4R_EIO, "cannot seek in '%s': %s", part, strerror(errno));
    x->offset = (uint64_t)end;
    if (size >= 0 && x->offset >= (uint64_t)size) {
        /* a complete (or overlong) .part from an earlier run: nothing left to transfer, the
         * verification below decides */
        if (x->offset > (uint64_t)size && !truncate_part(x))
            return x->io_st;
        if (x->offset == (uint64_t)size)
            *complete = true;
    }
    return L4R_OK;
}

/* Step of an attempt: one request for url from x->offset on, with the callbacks' verdicts reset
 * first; returns libcurl's result and sets *code to the final HTTP status (0 for file://).  The
 * options are set afresh each time, as easy_reset clears them. */
/* The options every request here shares: the URL, the protocols, redirects, timeouts, the user
 * agent, the error buffer. */
static void base_opts(const l4r_curl_api *cu, CURL *c, const char *url, const l4r_fetch_opts *o, char *errbuf)
{
    cu->easy_setopt(c, CURLOPT_URL, url);
    cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
    cu->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    cu->easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s);
    cu->easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    cu->easy_setopt(c, CURLOPT_LOW_SPEED_TIME, o->low_speed_time_s);
    cu->easy_setopt(c, CURLOPT_USERAGENT, "llm4rec-data/" L4R_VERSION);
    cu->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
}

static CURLcode run_attempt(xfer *x, const char *url, char *errbuf, long *code)
{
    const l4r_curl_api *cu = x->cu;
    const l4r_fetch_opts *o = x->o;
    x->written = 0;
    x->checked = x->discard = x->restart = x->too_big = x->appended = false;
    x->io_st = L4R_OK;
    x->hdr_status = 0;
    x->cr_seen = false;
    x->retry_after = -1;
    errbuf[0] = 0;

    CURL *c = x->curl;
    cu->easy_reset(c);
    base_opts(cu, c, url, o, errbuf);
    cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    cu->easy_setopt(c, CURLOPT_WRITEDATA, x);
    cu->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    cu->easy_setopt(c, CURLOPT_HEADERDATA, x);
    cu->easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    cu->easy_setopt(c, CURLOPT_XFERINFODATA, x);
    cu->easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    char range[32];
    if (x->offset > 0 && x->is_http) {
        /* CURLOPT_RANGE rather than RESUME_FROM: libcurl would fail a 200 answer itself, and
         * judge_response() wants to restart from zero in that case */
        snprintf(range, sizeof range, "%llu-", (unsigned long long)x->offset);
        cu->easy_setopt(c, CURLOPT_RANGE, range);
    } else if (x->offset > 0) {
        cu->easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->offset);
    }

    CURLcode rc = cu->easy_perform(c);
    if (x->drew) {
        fprintf(stderr, "\r%-78s\r", "");
        x->drew = false;
    }
    *code = 0;
    cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
    if (rc == CURLE_OK && !x->checked)
        judge_response(x); /* an empty body: still decide about the .part */
    return rc;
}

/* Step of a failed attempt: is it worth another (the retry policy in the file comment), and why it
 * failed, in words for the messages (why, cap bytes). */
static bool describe_failure(const xfer *x, CURLcode rc, long code, const char *errbuf, char *why, size_t cap)
{
    const l4r_fetch_opts *o = x->o;
    if (rc == CURLE_OK) {
        snprintf(why, cap, "HTTP status %ld", code);
        return transient_http(code);
    }
    const char *detail = errbuf[0] ? errbuf : x->cu->easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT && (x->hdr_status > 0 || x->checked))
        snprintf(why, cap,
                 "stalled (no data for %ld s, the low-speed limit %ld s; L4R_LOW_SPEED_TIME "
                 "changes it): %s",
                 o->low_speed_time_s, o->low_speed_time_s, detail);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(why, cap, "timed out (connect time-out %ld s, low-speed limit %ld s): %s",
                 o->connect_timeout_s, o->low_speed_time_s, detail);
    else
        snprintf(why, cap, "%s", detail);
    return transient_curl(rc);
}

/* Step of a timed-out attempt: a stall that got further than the .part has ever been is worth
 * another try (and starts the count again); MAX_STALLS in a row that did not are not (true). */
static bool stalled_out(const xfer *x, uint64_t *furthest, int *stalls)
{
    uint64_t now = x->offset + x->written;
    if (now > *furthest) {
        *furthest = now;
        *stalls = 0;
        return false;
    }
    return ++*stalls >= MAX_STALLS;
}

/* Step before a retry: the wait, doubling from 1 s for each attempt made, replaced by the server's
 * Retry-After (-1: none), and capped by max_backoff_s either way. */
static double backoff(const l4r_fetch_opts *o, int attempt, long retry_after)
{
    double wait = 1.0;
    for (int i = 0; i < attempt && wait < o->max_backoff_s; i++)
        wait *= 2;
    if (retry_after >= 0)
        wait = (double)retry_after;
    if (wait > o->max_backoff_s)
        wait = o->max_backoff_s;
    return wait;
}

/* One download of url into dest.part, continuing what the .part holds, then the verification.
 * *resumed: some bytes of the result came from before this call or from an earlier attempt
 * (a .part continued where it ended).  Each turn of the loop is one attempt: part_offset,
 * run_attempt, then the outcome decides, in this order: an i/o error, an interrupt or a body over
 * the expected size ends the download; a refused resume starts again from zero (once); a success
 * ends the loop; any other failure is retried after backoff() if describe_failure() finds it
 * transient and attempts and stalls are left. */
static l4r_status download_pass(const char *url, const char *dest, int64_t size, const char *md5,
                                const char *sha256, const l4r_fetch_opts *o, char *sha256_out, bool *resumed,
                                l4r_error *e)
{
    const l4r_curl_api *cu = l4r_curl_api_get(e);
    if (!cu)
        return L4R_EIO;

    char *part = l4r_xasprintf("%s.part", dest);
    char *label = l4r_xasprintf("'%s' downloaded from '%s'", dest, url);
    char errbuf[CURL_ERROR_SIZE];
    l4r_status st = L4R_OK;
    xfer x = {0};
    x.cu = cu;
    x.o = o;
    x.name = l4r_path_base(dest);
    x.limit = size;
    x.e = e;
    x.is_http = !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
    x.fd = open(part, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (x.fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot create '%s': %s", part, strerror(errno));
        goto out;
    }
    x.curl = cu->easy_init();
    if (!x.curl) {
        st = l4r_err(e, L4R_EINTERNAL, "cannot initialise libcurl");
        goto out;
    }
    bool restarted = false;
    int attempt = 0;
    int stalls = 0;
    uint64_t furthest = 0; /* the longest the .part has been */
    *resumed = false;
    for (;;) {
        if (l4r_interrupted) {
            st = l4r_err(e, L4R_EINTR, "interrupted while downloading '%s'", url);
            goto out;
        }
        bool complete;
        st = part_offset(&x, part, size, &complete, e);
        if (st != L4R_OK)
            goto out;
        if (complete) {
            *resumed = true;
            break;
        }
        if (x.offset > furthest)
            furthest = x.offset;

        long code;
        CURLcode rc = run_attempt(&x, url, errbuf, &code);
        if (x.appended)
            *resumed = true;
        if (x.io_st != L4R_OK) {
            st = x.io_st;
            goto out;
        }
        if (rc == CURLE_ABORTED_BY_CALLBACK || l4r_interrupted) {
            st = l4r_err(e, L4R_EINTR,
                         "interrupted while downloading '%s' (the partial file '%s' is "
                         "kept and resumed next time)",
                         url, part);
            goto out;
        }
        if (x.too_big) {
            truncate_part(&x);
            unlink(part);
            st = l4r_err(e, L4R_ECHECKSUM,
                         "size mismatch for %s: the server sent more than the "
                         "expected %lld bytes",
                         label, (long long)size);
            goto out;
        }
        bool resume_refused = x.restart || (x.is_http && code == 416 && x.offset > 0) ||
                              rc == CURLE_RANGE_ERROR || (!x.is_http && rc == CURLE_BAD_DOWNLOAD_RESUME);
        if (resume_refused) {
            /* the server cannot continue where the .part ends: start from zero, once */
            if (restarted) {
                st = l4r_err(e, L4R_ENETWORK,
                             "cannot download '%s': the server answered a range "
                             "request wrongly (HTTP status %ld)",
                             url, code);
                goto out;
            }
            restarted = true;
            if (!truncate_part(&x)) {
                st = x.io_st;
                goto out;
            }
            logf_(o, 0, "'%s' cannot be resumed; downloading it again from the start", url);
            continue;
        }
        if (rc == CURLE_OK && !(x.is_http && code >= 400))
            break; /* done: verify below */

        char why[CURL_ERROR_SIZE + 256];
        bool transient = describe_failure(&x, rc, code, errbuf, why, sizeof why);
        if (rc == CURLE_OPERATION_TIMEDOUT && stalled_out(&x, &furthest, &stalls)) {
            st = l4r_err(e, L4R_ENETWORK,
                         "cannot download '%s': %s; it timed out %d times in a row without getting "
                         "further (gave up after %d attempts)",
                         url, why, stalls, attempt + 1);
            goto out;
        }
        if (!transient || attempt >= (o->max_retries > 0 ? o->max_retries : 0)) {
            if (transient)
                st = l4r_err(e, L4R_ENETWORK, "cannot download '%s': %s (gave up after %d attempts)", url,
                             why, attempt + 1);
            else
                st = l4r_err(e, L4R_ENETWORK, "cannot download '%s': %s", url, why);
            goto out;
        }
        double wait = backoff(o, attempt, rc == CURLE_OK ? x.retry_after : -1);
        attempt++;
        logf_(o, 0, "%s: %s; retrying in %.1f s (attempt %d of %d)", url, why, wait, attempt + 1,
              o->max_retries + 1);
        if (!nap(wait)) {
            st = l4r_err(e, L4R_EINTR, "interrupted while downloading '%s'", url);
            goto out;
        }
    }
    if (fsync(x.fd) != 0 && errno != EINVAL) {
        st = l4r_err(e, L4R_EIO, "cannot write '%s': %s", part, strerror(errno));
        goto out;
    }
    close(x.fd);
    x.fd = -1;
    st = finish_part(part, dest, label, size, md5, sha256, sha256_out, e);
out:
    if (x.curl)
        cu->easy_cleanup(x.curl);
    if (x.fd >= 0) {
        /* keep a .part only when it holds something worth resuming */
        struct stat sb;
        if (st != L4R_OK && fstat(x.fd, &sb) == 0 && sb.st_size == 0)
            unlink(part);
        close(x.fd);
    }
    free(label);
    free(part);
    return st;
}

/* ---- Google Drive: the confirmation page of a large file ---- */

/* Whether url is on one of Google Drive's download hosts. */
static bool drive_url(const char *url)
{
    static const char *const hosts[] = {"drive.google.com/", "docs.google.com/",
                                        "drive.usercontent.google.com/", NULL};
    const char *rest = !strncasecmp(url, "https://", 8)  ? url + 8
                       : !strncasecmp(url, "http://", 7) ? url + 7
                                                         : NULL;
    for (size_t k = 0; rest && hosts[k]; k++)
        if (!strncasecmp(rest, hosts[k], strlen(hosts[k])))
            return true;
    return false;
}

typedef struct page {
    l4r_buf b;
    size_t cap;
    bool over; /* more than cap bytes: the file itself, not a page */
    bool html;
} page;

static size_t on_page(char *p, size_t sz, size_t n, void *ud)
{
    page *pg = ud;
    size_t len = sz * n;
    if (pg->b.len + len > pg->cap) {
        pg->over = true;
        return 0; /* stop: nothing to learn from a body this large */
    }
    l4r_buf_add(&pg->b, p, len);
    return len;
}

static size_t on_page_header(char *p, size_t sz, size_t n, void *ud)
{
    page *pg = ud;
    size_t len = sz * n;
    if (len > 13 && !strncasecmp(p, "Content-Type:", 13)) {
        char tmp[128];
        size_t tl = len - 13 < sizeof tmp - 1 ? len - 13 : sizeof tmp - 1;
        memcpy(tmp, p + 13, tl);
        tmp[tl] = 0;
        pg->html = strstr(tmp, "text/html") != NULL;
    }
    return len;
}

/* The value of attribute `name` ("action", "value", ...) in the tag [t, te), unescaped (&amp;). */
static char *attr(const char *t, const char *te, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = t; p + nl + 2 < te; p++) {
        if (strncasecmp(p, name, nl) || p[nl] != '=' || (p[nl + 1] != '"' && p[nl + 1] != '\'') ||
            (p > t && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n'))
            continue;
        char q = p[nl + 1];
        const char *v = p + nl + 2, *ve = memchr(v, q, (size_t)(te - v));
        if (!ve)
            return NULL;
        l4r_buf out = {0};
        for (const char *c = v; c < ve; c++) {
            if (ve - c >= 5 && !strncmp(c, "&amp;", 5)) {
                l4r_buf_addc(&out, '&');
                c += 4;
            } else {
                l4r_buf_addc(&out, *c);
            }
        }
        l4r_buf_addc(&out, 0);
        return out.data;
    }
    return NULL;
}

/* The URL a confirmation page points to: the download form (action plus its hidden inputs, the
 * current page) or a link carrying confirm= (the older page), made absolute; NULL: neither. */
static char *drive_confirm_url(const char *html)
{
    const char *form = strstr(html, "id=\"download-form\"");
    if (form) {
        const char *ts = form;
        while (ts > html && *ts != '<')
            ts--;
        const char *te = strchr(form, '>');
        const char *fe = strstr(form, "</form>");
        char *action = te ? attr(ts, te, "action") : NULL;
        if (action && fe) {
            l4r_buf u = {0};
            l4r_buf_adds(&u, action);
            bool first = !strchr(action, '?');
            for (const char *p = te; (p = strstr(p, "<input")) && p < fe; p++) {
                const char *ie = strchr(p, '>');
                if (!ie)
                    break;
                char *nm = attr(p, ie, "name"), *val = attr(p, ie, "value");
                if (nm && val) {
                    l4r_buf_addf(&u, "%c%s=%s", first ? '?' : '&', nm, val);
                    first = false;
                }
                free(nm);
                free(val);
            }
            free(action);
            l4r_buf_addc(&u, 0);
            return u.data;
        }
        free(action);
    }
    for (const char *p = html; (p = strstr(p, "href=")); p++) {
        const char *te = strchr(p, '>');
        if (!te)
            break;
        char *h = attr(p, te, "href");
        if (h && strstr(h, "confirm=") && (strstr(h, "export=download") || strstr(h, "/download"))) {
            if (h[0] == '/') {
                char *abs = l4r_xasprintf("https://drive.google.com%s", h);
                free(h);
                return abs;
            }
            return h;
        }
        free(h);
    }
    return NULL;
}

l4r_status l4r_drive_resolve(const char *orig, const char *url, const l4r_fetch_opts *o, char **out,
                             l4r_error *e)
{
    *out = NULL;
    if (!drive_url(orig) || strncasecmp(url, "http", 4))
        return L4R_OK;
    const l4r_curl_api *cu = l4r_curl_api_get(e);
    if (!cu)
        return L4R_EIO;
    CURL *c = cu->easy_init();
    if (!c)
        return l4r_err(e, L4R_EINTERNAL, "cannot initialise libcurl");
    l4r_fetch_opts od = *o;
    l4r_fetch_opts_defaults(&od);
    page pg = {{0}, 1u << 20, false, false};
    char errbuf[CURL_ERROR_SIZE] = "";
    base_opts(cu, c, url, &od, errbuf); /* url starts with http (above) */
    cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_page);
    cu->easy_setopt(c, CURLOPT_WRITEDATA, &pg);
    cu->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_page_header);
    cu->easy_setopt(c, CURLOPT_HEADERDATA, &pg);
    CURLcode rc = cu->easy_perform(c);
    long code = 0;
    cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    cu->easy_cleanup(c);
    l4r_status st = L4R_OK;
    if (pg.over || !pg.html || (rc != CURLE_OK && rc != CURLE_WRITE_ERROR) || code >= 400) {
        /* the file itself (or an error the download proper will report, with its retries) */
        l4r_buf_free(&pg.b);
        return L4R_OK;
    }
    l4r_buf_addc(&pg.b, 0);
    char *next = drive_confirm_url(pg.b.data);
    if (next) {
        logf_(&od, 0, "Google Drive asks to confirm the download of a large file; confirming");
        *out = l4r_mirror_url(od.mirror, next);
        free(next);
    } else {
        st = l4r_err(e, L4R_ENETWORK,
                     "Google Drive answered '%s' with a web page, not the file (it may need a login, or its "
                     "download quota may be used up for today): download it in a browser and give it to "
                     "'fetch --from FILE'",
                     url);
    }
    l4r_buf_free(&pg.b);
    return st;
}

l4r_status l4r_download(const char *url, const char *dest, int64_t size, const char *md5, const char *sha256,
                        const l4r_fetch_opts *o, char *sha256_out, l4r_error *e)
{
    l4r_fetch_opts od = *o;
    l4r_fetch_opts_defaults(&od);
    if (!md5 && !sha256) {
        /* Nothing can tell whether an earlier run's .part still belongs to what the URL serves now
         * (the file may have changed upstream since): continued, it would be joined to the new
         * bytes unnoticed, and then pinned.  Within this call a .part is still continued. */
        char *part = l4r_xasprintf("%s.part", dest);
        struct stat sb;
        if (lstat(part, &sb) == 0 && sb.st_size > 0) {
            logf_(&od, 1,
                  "'%s' holds %lld bytes of an earlier download, but no checksum is known for it to check "
                  "them by; downloading it from the start",
                  part, (long long)sb.st_size);
            if (unlink(part) != 0) {
                l4r_status st = l4r_err(e, L4R_EIO, "cannot remove '%s': %s", part, strerror(errno));
                free(part);
                return st;
            }
        }
        free(part);
    }
    bool resumed;
    l4r_status st = download_pass(url, dest, size, md5, sha256, &od, sha256_out, &resumed, e);
    if (st != L4R_ECHECKSUM || !resumed)
        return st;
    /* The bytes that failed may be the .part's (an earlier run's, say, from a server whose file
     * has changed since, or damaged on disk): the .part is gone (finish_part), so a second pass
     * starts from zero.  Only a clean download that fails is the verdict. */
    logf_(&od, 1, "%s; it was resumed from a partial download, so downloading it again from the start",
          e->msg);
    return download_pass(url, dest, size, md5, sha256, &od, sha256_out, &resumed, e);
}
