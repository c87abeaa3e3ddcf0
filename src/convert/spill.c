/*
 * spill.c — run files of sorted interaction rows and their k-way merge (see spill.h).
 *
 * Writing sorts a chunk with a counting sort by user (ids are dense, so this is one linear pass
 * and a prefix sum) and then, inside each user's bucket, a stable sort by timestamp (skipped when
 * the bucket is already chronological, as most sources are).  Reading goes through plain read()
 * into one large buffer per run; the merge keeps the runs' current rows in a binary heap.  With
 * the run count bounded by rows * 32 / budget the heap stays tiny, so the cost is the disk bytes.
 */
#include "spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define REC_BYTES 24
#define WBUF_BYTES (1u << 20)

l4r_spill *l4r_spill_new(const char *dir)
{
    l4r_spill *s = l4r_xcalloc(1, sizeof *s);
    s->dir = l4r_xstrdup(dir);
    return s;
}

void l4r_spill_free(l4r_spill *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < s->n; k++) {
        unlink(s->run[k].path);
        free(s->run[k].path);
    }
    if (s->made_dir)
        rmdir(s->dir);
    free(s->run);
    free(s->dir);
    free(s);
}

/* Row r's rating id and timestamp, from whichever column of each is set. */
static inline uint32_t col_rating(const l4r_spill_cols *c, size_t r)
{
    return c->rating8 ? c->rating8[r] : c->rating32[r];
}

static inline int64_t col_ts(const l4r_spill_cols *c, size_t r)
{
    return c->ts32 ? (int64_t)c->ts32[r] : c->ts64[r];
}

static int cmp_ts_pos(const void *a, const void *b, void *arg)
{
    const l4r_spill_cols *c = arg;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int64_t tx = col_ts(c, x), ty = col_ts(c, y);
    if (tx != ty)
        return tx < ty ? -1 : 1;
    return (x > y) - (x < y);
}

static void put_rec(unsigned char *d, uint32_t u, uint32_t i, uint32_t r, uint32_t off, int64_t ts)
{
    memcpy(d, &u, 4);
    memcpy(d + 4, &i, 4);
    memcpy(d + 8, &r, 4);
    memcpy(d + 12, &off, 4);
    memcpy(d + 16, &ts, 8);
}

static void get_rec(const unsigned char *d, uint64_t base, l4r_srec *r)
{
    uint32_t off;
    memcpy(&r->user, d, 4);
    memcpy(&r->item, d + 4, 4);
    memcpy(&r->rating, d + 8, 4);
    memcpy(&off, d + 12, 4);
    memcpy(&r->ts, d + 16, 8);
    r->row = base + off;
}

l4r_status l4r_spill_write(l4r_spill *s, const uint32_t *user, const uint32_t *item, const uint32_t *rating,
                           const int64_t *ts, size_t n, uint64_t base, size_t n_users, l4r_error *e)
{
    l4r_spill_cols c = {.user = user, .item = item, .rating32 = rating, .ts64 = ts};
    return l4r_spill_write_cols(s, &c, n, base, n_users, e);
}

l4r_status l4r_spill_write_cols(l4r_spill *s, const l4r_spill_cols *c, size_t n, uint64_t base,
                                size_t n_users, l4r_error *e)
{
    const uint32_t *user = c->user, *item = c->item;
    l4r_status st = L4R_OK;
    uint32_t *cnt = NULL, *perm = NULL;
    unsigned char *wb = NULL;
    char *path = NULL;
    int fd = -1;
    if (n >= UINT32_MAX)
        return l4r_err(e, L4R_EUSAGE, "a spill run of %zu rows is too large", n);
    if (!s->made_dir && !l4r_is_dir(s->dir)) {
        st = l4r_mkdirs(s->dir, e);
        if (st)
            return st;
        s->made_dir = true;
    }
    /* counting sort by user: the stable order keeps source order inside each bucket */
    cnt = l4r_xcalloc(n_users + 1, sizeof *cnt);
    perm = l4r_xmalloc((n ? n : 1) * sizeof *perm);
    for (size_t r = 0; r < n; r++)
        cnt[user[r] + 1]++;
    for (size_t u = 0; u < n_users; u++)
        cnt[u + 1] += cnt[u];
    for (size_t r = 0; r < n; r++)
        perm[cnt[user[r]]++] = (uint32_t)r;
    /* cnt[u] is now the end of bucket u; sort each bucket by (ts, position) when needed */
    l4r_spill_cols sc = *c; /* qsort_r's argument is not const */
    size_t beg = 0;
    for (size_t u = 0; u < n_users; u++) {
        size_t end = cnt[u];
        size_t j = beg + 1;
        while (j < end && col_ts(c, perm[j - 1]) <= col_ts(c, perm[j]))
            j++;
        if (j < end)
            qsort_r(perm + beg, end - beg, sizeof *perm, cmp_ts_pos, &sc);
        beg = end;
    }
    path = l4r_xasprintf("%s/run-%06zu.bin", s->dir, s->n);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot create spill file '%s': %s", path, strerror(errno));
        goto out;
    }
    wb = l4r_xmalloc(WBUF_BYTES);
    size_t wl = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t r = perm[k];
        put_rec(wb + wl, user[r], item[r], col_rating(c, r), r, col_ts(c, r));
        wl += REC_BYTES;
        if (wl + REC_BYTES > WBUF_BYTES || k + 1 == n) {
            st = l4r_write_all(fd, wb, wl, path, e);
            if (st)
                goto out;
            wl = 0;
        }
    }
    if (close(fd) != 0) {
        fd = -1;
        st = l4r_err(e, L4R_EIO, "cannot write spill file '%s': %s", path, strerror(errno));
        goto out;
    }
    fd = -1;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->run = l4r_xrealloc(s->run, s->cap * sizeof *s->run);
    }
    s->run[s->n].path = path;
    s->run[s->n].base = base;
    s->run[s->n].rows = n;
    s->n++;
    path = NULL;
    s->bytes += (uint64_t)n * REC_BYTES;
    s->rows += n;
out:
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    free(path);
    free(wb);
    free(cnt);
    free(perm);
    return st;
}

/* ---- reading ---- */

typedef struct reader {
    int fd;
    const char *path;
    uint64_t base;
    size_t left; /* records not yet taken from the file or the buffer */
    unsigned char *buf;
    size_t cap, pos, len;
    l4r_srec cur;
} reader;

static l4r_status reader_fill(reader *rd, l4r_error *e)
{
    size_t keep = rd->len - rd->pos;
    memmove(rd->buf, rd->buf + rd->pos, keep);
    rd->len = keep;
    rd->pos = 0;
    while (rd->len < REC_BYTES) {
        ssize_t got = read(rd->fd, rd->buf + rd->len, rd->cap - rd->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return l4r_err(e, L4R_EIO, "cannot read spill file '%s': %s", rd->path, strerror(errno));
        if (got == 0)
            return l4r_err(e, L4R_EIO, "spill file '%s' is truncated", rd->path);
        rd->len += (size_t)got;
    }
    return L4R_OK;
}

/* Load the next record into rd->cur (rd->left > 0). */
static l4r_status reader_next(reader *rd, l4r_error *e)
{
    if (rd->len - rd->pos < REC_BYTES) {
        l4r_status st = reader_fill(rd, e);
        if (st)
            return st;
    }
    get_rec(rd->buf + rd->pos, rd->base, &rd->cur);
    rd->pos += REC_BYTES;
    rd->left--;
    return L4R_OK;
}

static l4r_status reader_open(reader *rd, const l4r_spill_run *run, size_t buf_bytes, l4r_error *e)
{
    memset(rd, 0, sizeof *rd);
    rd->path = run->path;
    rd->base = run->base;
    rd->left = run->rows;
    rd->cap = buf_bytes / REC_BYTES * REC_BYTES;
    if (rd->cap < 64 * REC_BYTES)
        rd->cap = 64 * REC_BYTES;
    rd->fd = open(run->path, O_RDONLY | O_CLOEXEC);
    if (rd->fd < 0)
        return l4r_err(e, L4R_EIO, "cannot open spill file '%s': %s", run->path, strerror(errno));
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(rd->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    rd->buf = l4r_xmalloc(rd->cap);
    return L4R_OK;
}

static void reader_close(reader *rd)
{
    if (rd->fd >= 0)
        close(rd->fd);
    rd->fd = -1;
    free(rd->buf);
    rd->buf = NULL;
}

l4r_status l4r_spill_read_run(const l4r_spill *s, size_t k, uint32_t *user, uint32_t *item, uint32_t *rating,
                              int64_t *ts, l4r_error *e)
{
    reader rd;
    l4r_status st = reader_open(&rd, &s->run[k], 4u << 20, e);
    size_t rows = s->run[k].rows;
    while (!st && rd.left) {
        st = reader_next(&rd, e);
        if (st)
            break;
        uint64_t j = rd.cur.row - rd.base;
        if (j >= rows) {
            st = l4r_err(e, L4R_EIO, "spill file '%s' is corrupt", rd.path);
            break;
        }
        user[j] = rd.cur.user;
        item[j] = rd.cur.item;
        rating[j] = rd.cur.rating;
        ts[j] = rd.cur.ts;
    }
    reader_close(&rd);
    return st;
}

struct l4r_merge {
    reader *rd;
    size_t n;
    size_t *heap; /* reader indices, smallest current row on top */
    size_t hn;
};

static inline bool rec_less(const l4r_srec *a, const l4r_srec *b)
{
    if (a->user != b->user)
        return a->user < b->user;
    if (a->ts != b->ts)
        return a->ts < b->ts;
    return a->row < b->row;
}

static void sift_down(l4r_merge *mg, size_t i)
{
    size_t *h = mg->heap;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= mg->hn)
            return;
        if (c + 1 < mg->hn && rec_less(&mg->rd[h[c + 1]].cur, &mg->rd[h[c]].cur))
            c++;
        if (!rec_less(&mg->rd[h[c]].cur, &mg->rd[h[i]].cur))
            return;
        size_t x = h[i];
        h[i] = h[c];
        h[c] = x;
        i = c;
    }
}

l4r_status l4r_merge_open(l4r_merge **out, const l4r_spill *s, size_t buf_bytes, l4r_error *e)
{
    l4r_merge *mg = l4r_xcalloc(1, sizeof *mg);
    l4r_status st = L4R_OK;
    mg->rd = l4r_xcalloc(s->n ? s->n : 1, sizeof *mg->rd);
    mg->heap = l4r_xcalloc(s->n ? s->n : 1, sizeof *mg->heap);
    for (size_t k = 0; k < s->n; k++)
        mg->rd[k].fd = -1;
    for (size_t k = 0; k < s->n && !st; k++) {
        st = reader_open(&mg->rd[k], &s->run[k], buf_bytes, e);
        mg->n = k + 1;
        if (!st && mg->rd[k].left) {
            st = reader_next(&mg->rd[k], e);
            mg->heap[mg->hn++] = k;
        }
    }
    if (st) {
        l4r_merge_free(mg);
        *out = NULL;
        return st;
    }
    for (size_t i = mg->hn / 2; i-- > 0;)
        sift_down(mg, i);
    *out = mg;
    return L4R_OK;
}

l4r_status l4r_merge_next(l4r_merge *mg, l4r_srec *r, bool *done, l4r_error *e)
{
    if (!mg->hn) {
        *done = true;
        return L4R_OK;
    }
    *done = false;
    reader *rd = &mg->rd[mg->heap[0]];
    *r = rd->cur;
    if (rd->left) {
        l4r_status st = reader_next(rd, e);
        if (st)
            return st;
    } else {
        mg->heap[0] = mg->heap[--mg->hn];
    }
    sift_down(mg, 0);
    return L4R_OK;
}

void l4r_merge_free(l4r_merge *mg)
{
    if (!mg)
        return;
    for (size_t k = 0; k < mg->n; k++)
        reader_close(&mg->rd[k]);
    free(mg->rd);
    free(mg->heap);
    free(mg);
}
