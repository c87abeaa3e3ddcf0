/*
 * output.c — output files that hash and count while they are written, the manifest, and the
 * output-directory transaction (build in a temporary sibling directory, rename at the end).
 */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* ---- manifest ---- */

struct l4r_manifest {
    json_t *root;
};

l4r_manifest *l4r_manifest_new(void)
{
    l4r_manifest *m = l4r_xmalloc(sizeof *m);
    m->root = json_object();
    if (!m->root)
        l4r_oom();
    return m;
}

void l4r_manifest_free(l4r_manifest *m)
{
    if (!m)
        return;
    json_decref(m->root);
    free(m);
}

/* Walk/create the objects of a dotted path; returns the parent object and the last key. */
static json_t *walk(l4r_manifest *m, const char *path, char *last, size_t lastcap)
{
    json_t *cur = m->root;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        if (!dot) {
            snprintf(last, lastcap, "%s", p);
            return cur;
        }
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)(dot - p), p);
        json_t *next = json_object_get(cur, key);
        if (!next || !json_is_object(next)) {
            next = json_object();
            json_object_set_new(cur, key, next);
        }
        cur = next;
        p = dot + 1;
    }
}

static void set(l4r_manifest *m, const char *path, json_t *v)
{
    if (!v)
        l4r_oom();
    char last[256];
    json_t *parent = walk(m, path, last, sizeof last);
    json_object_set_new(parent, last, v);
}

static json_t *array_at(l4r_manifest *m, const char *path)
{
    char last[256];
    json_t *parent = walk(m, path, last, sizeof last);
    json_t *a = json_object_get(parent, last);
    if (!a || !json_is_array(a)) {
        a = json_array();
        json_object_set_new(parent, last, a);
    }
    return a;
}

void l4r_manifest_set_str(l4r_manifest *m, const char *path, const char *v)
{
    set(m, path, v ? json_string(v) : json_null());
}

void l4r_manifest_set_int(l4r_manifest *m, const char *path, int64_t v)
{
    set(m, path, json_integer((json_int_t)v));
}

void l4r_manifest_set_real(l4r_manifest *m, const char *path, double v)
{
    set(m, path, json_real(v));
}

void l4r_manifest_set_bool(l4r_manifest *m, const char *path, int v)
{
    set(m, path, json_boolean(v));
}

void l4r_manifest_push_int(l4r_manifest *m, const char *path, int64_t v)
{
    json_array_append_new(array_at(m, path), json_integer((json_int_t)v));
}

void l4r_manifest_push_str(l4r_manifest *m, const char *path, const char *v)
{
    json_array_append_new(array_at(m, path), json_string(v));
}

void l4r_manifest_push_counts(l4r_manifest *m, const char *path, const char *const *keys, const int64_t *vals,
                              size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(o, keys[i], json_integer((json_int_t)vals[i]));
    json_array_append_new(array_at(m, path), o);
}

void l4r_manifest_add_output(l4r_manifest *m, const char *file, uint64_t rows, uint64_t bytes,
                             const char *sha256)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "rows", json_integer((json_int_t)rows));
    json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
    json_object_set_new(o, "sha256", json_string(sha256));
    json_array_append_new(array_at(m, "outputs"), o);
}

size_t l4r_manifest_n_outputs(const l4r_manifest *m)
{
    return json_array_size(json_object_get(m->root, "outputs"));
}

static json_t *output_at(const l4r_manifest *m, size_t i)
{
    return json_array_get(json_object_get(m->root, "outputs"), i);
}

const char *l4r_manifest_output_file(const l4r_manifest *m, size_t i)
{
    return json_string_value(json_object_get(output_at(m, i), "file"));
}

const char *l4r_manifest_output_get_str(const l4r_manifest *m, size_t i, const char *key)
{
    return json_string_value(json_object_get(output_at(m, i), key));
}

void l4r_manifest_output_set_str(l4r_manifest *m, size_t i, const char *key, const char *v)
{
    json_t *o = output_at(m, i);
    if (o)
        json_object_set_new(o, key, json_string(v));
}

void l4r_manifest_output_add_column(l4r_manifest *m, size_t i, const char *name, const char *type,
                                    bool nullable)
{
    json_t *o = output_at(m, i);
    if (!o)
        return;
    json_t *cols = json_object_get(o, "columns");
    if (!cols) {
        cols = json_array();
        json_object_set_new(o, "columns", cols);
    }
    json_t *c = json_object();
    json_object_set_new(c, "name", json_string(name));
    json_object_set_new(c, "type", json_string(type));
    if (nullable)
        json_object_set_new(c, "nullable", json_true());
    json_array_append_new(cols, c);
}

void l4r_manifest_drop_output(l4r_manifest *m, const char *file)
{
    json_t *a = json_object_get(m->root, "outputs");
    for (size_t i = 0; i < json_array_size(a); i++) {
        const char *f = json_string_value(json_object_get(json_array_get(a, i), "file"));
        if (f && !strcmp(f, file)) {
            json_array_remove(a, i);
            return;
        }
    }
}

int l4r_manifest_add_fetch_stamp(l4r_manifest *m, const char *variant_dir)
{
    char *path = l4r_path_join(variant_dir, ".l4r-fetched.json");
    json_t *stamp = json_load_file(path, 0, NULL);
    free(path);
    json_t *files = stamp ? json_object_get(stamp, "files") : NULL;
    if (!json_is_array(files)) {
        json_decref(stamp);
        return 0;
    }
    static const char *const keep[] = {"name", "size", "sha256", "md5"};
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        json_t *o = json_object();
        for (size_t k = 0; k < sizeof keep / sizeof *keep; k++) {
            json_t *v = json_object_get(f, keep[k]);
            if (v)
                json_object_set(o, keep[k], v);
        }
        json_array_append_new(array_at(m, "source.files"), o);
    }
    json_decref(stamp);
    return 1;
}

/* Follow a dotted path without creating anything. */
static json_t *lookup(const l4r_manifest *m, const char *path)
{
    json_t *cur = m->root;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        cur = json_object_get(cur, key);
        if (!dot || !cur)
            return cur;
        p = dot + 1;
    }
}

const char *l4r_manifest_get_str(const l4r_manifest *m, const char *path)
{
    return json_string_value(lookup(m, path));
}

bool l4r_manifest_get_int(const l4r_manifest *m, const char *path, int64_t *v)
{
    json_t *j = lookup(m, path);
    if (!json_is_integer(j))
        return false;
    *v = (int64_t)json_integer_value(j);
    return true;
}

int l4r_fetch_stamp_lookup(const char *variant_dir, const char *name, char sha256[65], int64_t *size)
{
    char *path = l4r_path_join(variant_dir, ".l4r-fetched.json");
    json_t *stamp = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
    free(path);
    int found = json_is_object(stamp) ? 0 : -1;
    l4r_buf want = {0}, have = {0};
    if (found < 0 || !l4r_archive_path_clean(name, &want))
        goto out;
    static const char *const lists[] = {"files", "unpacked"};
    for (size_t k = 0; k < 2 && !found; k++) {
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(stamp, lists[k]), i, f)
        {
            const char *n = json_string_value(json_object_get(f, "name"));
            const char *sha = json_string_value(json_object_get(f, "sha256"));
            if (!n || !l4r_archive_path_clean(n, &have) || strcmp(have.data, want.data) != 0)
                continue;
            if (!sha || strlen(sha) != 64)
                continue; /* an entry without a digest checks nothing */
            for (int c = 0; c < 64; c++)
                sha256[c] = (char)(sha[c] >= 'A' && sha[c] <= 'F' ? sha[c] - 'A' + 'a' : sha[c]);
            sha256[64] = 0;
            json_t *js = json_object_get(f, "size");
            *size = json_is_integer(js) ? (int64_t)json_integer_value(js) : -1;
            found = 1;
            break;
        }
    }
out:
    l4r_buf_free(&want);
    l4r_buf_free(&have);
    json_decref(stamp);
    return found;
}

char *l4r_manifest_dump(const l4r_manifest *m)
{
    char *s = json_dumps(m->root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    if (!s)
        l4r_oom();
    char *r = l4r_xasprintf("%s\n", s);
    free(s);
    return r;
}

l4r_status l4r_manifest_write(const l4r_manifest *m, const char *dir, l4r_error *e)
{
    char *text = l4r_manifest_dump(m);
    char *path = l4r_path_join(dir, "manifest.json");
    l4r_status st = l4r_write_file_atomic(path, text, strlen(text), e);
    free(path);
    free(text);
    return st;
}

/* ---- output files ---- */

#define OUT_BUF (1u << 20)

struct l4r_out {
    int fd;
    char *path;
    char *name;
    char *buf;
    size_t len;
    uint64_t bytes;
    uint64_t rows;
    l4r_hasher *h;
    struct qhash *q; /* hashes what was written, on a thread of its own (l4r_out_hash_aside) */
    bool is_fd;      /* l4r_out_open_fd: a descriptor of the caller's, never unlinked */
};

/* ---- hashing aside: a ring of buffers between the writer and a hashing thread ----
 *
 * The writer writes a buffer, then queues it for hashing: a caller's buffer is swapped with the
 * ring slot's spare (no copy; the caller gets the spare's memory back, warm after the first
 * rounds), small writes are copied into the slot.  The thread hashes the slots in order.  mu
 * guards the states; a FULL slot's buffer belongs to the thread, an EMPTY one to the writer. */
#define QSLOTS 4

typedef struct qhash {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    l4r_hasher *h;
    l4r_buf buf[QSLOTS];
    size_t off[QSLOTS]; /* hash buf[i].data[off, len) */
    bool full[QSLOTS];
    uint64_t put, got; /* slots queued, slots hashed */
    bool stop;
} qhash;

static void *qhash_main(void *arg)
{
    qhash *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        size_t i = (size_t)(q->got % QSLOTS);
        while (!q->stop && !q->full[i])
            pthread_cond_wait(&q->cv, &q->mu);
        if (!q->full[i])
            break; /* stopped with nothing queued */
        pthread_mutex_unlock(&q->mu);
        l4r_hasher_update(q->h, q->buf[i].data + q->off[i], q->buf[i].len - q->off[i]);
        pthread_mutex_lock(&q->mu);
        q->full[i] = false;
        q->got++;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* The next slot, once the thread has hashed what it held. */
static size_t qhash_slot(qhash *q)
{
    size_t i = (size_t)(q->put % QSLOTS);
    pthread_mutex_lock(&q->mu);
    while (q->full[i])
        pthread_cond_wait(&q->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    return i;
}

static void qhash_push(qhash *q, size_t i, size_t off)
{
    pthread_mutex_lock(&q->mu);
    q->off[i] = off;
    q->full[i] = true;
    q->put++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

/* Wait until everything queued is hashed, stop the thread, return the hasher. */
static l4r_hasher *qhash_end(qhash *q)
{
    pthread_mutex_lock(&q->mu);
    while (q->got != q->put)
        pthread_cond_wait(&q->cv, &q->mu);
    q->stop = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->th, NULL);
    l4r_hasher *h = q->h;
    for (size_t i = 0; i < QSLOTS; i++)
        l4r_buf_free(&q->buf[i]);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->cv);
    free(q);
    return h;
}

l4r_status l4r_out_open(l4r_out **out, const char *dir, const char *name, l4r_error *e)
{
    *out = NULL;
    char *path = l4r_path_join(dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        l4r_status st = l4r_err(e, L4R_EIO, "cannot create '%s': %s", path, strerror(errno));
        free(path);
        return st;
    }
    l4r_out *o = l4r_xcalloc(1, sizeof *o);
    o->fd = fd;
    o->path = path;
    o->name = l4r_xstrdup(name);
    o->buf = l4r_xmalloc(OUT_BUF);
    o->h = l4r_hasher_new(L4R_HASH_SHA256);
    *out = o;
    return L4R_OK;
}

l4r_status l4r_out_open_fd(l4r_out **out, int fd, const char *what, const char *name, l4r_error *e)
{
    *out = NULL;
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (d < 0)
        return l4r_err(e, L4R_EIO, "cannot write to %s: %s", what, strerror(errno));
    l4r_out *o = l4r_xcalloc(1, sizeof *o);
    o->fd = d;
    o->path = l4r_xstrdup(what);
    o->name = l4r_xstrdup(name);
    o->buf = l4r_xmalloc(OUT_BUF);
    o->h = l4r_hasher_new(L4R_HASH_SHA256);
    o->is_fd = true;
    *out = o;
    return L4R_OK;
}

void l4r_out_hash_aside(l4r_out *o)
{
    if (o->q)
        return;
    qhash *q = l4r_xcalloc(1, sizeof *q);
    q->h = o->h;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, NULL);
    if (pthread_create(&q->th, NULL, qhash_main, q) != 0) {
        pthread_mutex_destroy(&q->mu);
        pthread_cond_destroy(&q->cv);
        free(q);
        return; /* keep hashing inline */
    }
    o->q = q;
    o->h = NULL;
}

/* Hash n bytes just written: inline, or a copy queued for the thread. */
static void hash_written(l4r_out *o, const void *p, size_t n)
{
    o->bytes += n;
    if (!o->q) {
        l4r_hasher_update(o->h, p, n);
        return;
    }
    size_t i = qhash_slot(o->q);
    l4r_buf *b = &o->q->buf[i];
    b->len = 0;
    l4r_buf_add(b, p, n);
    qhash_push(o->q, i, 0);
}

static l4r_status flush(l4r_out *o, l4r_error *e)
{
    if (!o->len)
        return L4R_OK;
    l4r_status st = l4r_write_all(o->fd, o->buf, o->len, o->path, e);
    if (st == L4R_OK)
        hash_written(o, o->buf, o->len);
    o->len = 0;
    return st;
}

l4r_status l4r_out_write(l4r_out *o, const void *p, size_t n, l4r_error *e)
{
    if (o->len + n > OUT_BUF) {
        l4r_status st = flush(o, e);
        if (st)
            return st;
        if (n >= OUT_BUF) {
            st = l4r_write_all(o->fd, p, n, o->path, e);
            if (st == L4R_OK)
                hash_written(o, p, n);
            return st;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return L4R_OK;
}

l4r_status l4r_out_write_buf(l4r_out *o, l4r_buf *b, size_t off, l4r_error *e)
{
    if (!o->q || b->len - off < OUT_BUF)
        return l4r_out_write(o, b->data + off, b->len - off, e);
    l4r_status st = flush(o, e);
    if (st)
        return st;
    st = l4r_write_all(o->fd, b->data + off, b->len - off, o->path, e);
    if (st)
        return st;
    o->bytes += b->len - off;
    size_t i = qhash_slot(o->q);
    l4r_buf spare = o->q->buf[i];
    o->q->buf[i] = *b;
    spare.len = 0;
    *b = spare;
    qhash_push(o->q, i, off);
    return L4R_OK;
}

l4r_status l4r_out_puts(l4r_out *o, const char *s, l4r_error *e)
{
    return l4r_out_write(o, s, strlen(s), e);
}

void l4r_out_add_rows(l4r_out *o, uint64_t n)
{
    o->rows += n;
}

static void out_free(l4r_out *o)
{
    if (o->q)
        o->h = qhash_end(o->q);
    l4r_hasher_free(o->h);
    free(o->buf);
    free(o->path);
    free(o->name);
    free(o);
}

l4r_status l4r_out_close(l4r_out *o, l4r_manifest *m, l4r_error *e)
{
    l4r_status st = flush(o, e);
    if (close(o->fd) != 0 && st == L4R_OK)
        st = l4r_err(e, L4R_EIO, "cannot write '%s': %s", o->path, strerror(errno));
    if (o->q) {
        o->h = qhash_end(o->q);
        o->q = NULL;
    }
    if (st == L4R_OK) {
        char hex[65];
        l4r_hasher_final(o->h, hex);
        o->h = NULL;
        if (m)
            l4r_manifest_add_output(m, o->name, o->rows, o->bytes, hex);
    } else if (!o->is_fd) {
        unlink(o->path);
    }
    out_free(o);
    return st;
}

void l4r_out_abort(l4r_out *o)
{
    if (!o)
        return;
    close(o->fd);
    if (!o->is_fd)
        unlink(o->path);
    out_free(o);
}

/* ---- reading a manifest back ---- */

/* A reason, completing "output directory 'DIR' holds ...". */
static l4r_status not_ours(l4r_error *e, const char *fmt, ...) L4R_PRINTF(2, 3);
static l4r_status not_ours(l4r_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l4r_status st = l4r_verr(e, L4R_EIO, fmt, ap);
    va_end(ap);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void l4r_manifest_outputs_free(char **files, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
}

l4r_status l4r_manifest_read_outputs(const char *json, size_t n, char ***files, size_t *n_files, l4r_error *e)
{
    *files = NULL;
    *n_files = 0;
    json_error_t je;
    json_t *root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &je);
    l4r_status st = L4R_OK;
    char **v = NULL;
    size_t nv = 0;
    l4r_buf clean = {0};
    if (!root) {
        st = not_ours(e, "a manifest.json that is not valid JSON (line %d: %s)", je.line, je.text);
        goto out;
    }
    if (!json_is_object(root)) {
        st = not_ours(e, "a manifest.json that is not a JSON object");
        goto out;
    }
    json_t *tool = json_object_get(root, "tool");
    if (!json_is_string(tool) || strcmp(json_string_value(tool), "llm4rec-data") != 0) {
        st = not_ours(e, "a manifest.json of another tool (no \"tool\": \"llm4rec-data\")");
        goto out;
    }
    json_t *fv = json_object_get(root, "format_version");
    if (!json_is_integer(fv)) {
        st = not_ours(e, "a manifest.json without a \"format_version\"");
        goto out;
    }
    json_int_t ver = json_integer_value(fv);
    if (ver < 1 || ver > L4R_MANIFEST_FORMAT_VERSION) {
        st = not_ours(e, "a manifest.json of format_version %lld, which this llm4rec-data (%s) does not know",
                      (long long)ver, l4r_version());
        goto out;
    }
    json_t *outs = json_object_get(root, "outputs");
    if (!json_is_array(outs)) {
        st = not_ours(e, "a manifest.json without an \"outputs\" list");
        goto out;
    }
    size_t na = json_array_size(outs);
    v = l4r_xcalloc(na ? na : 1, sizeof *v);
    for (size_t i = 0; i < na; i++) {
        json_t *f = json_object_get(json_array_get(outs, i), "file");
        if (!json_is_string(f)) {
            st = not_ours(e, "a manifest.json whose outputs[%zu] has no \"file\"", i);
            goto out;
        }
        const char *name = json_string_value(f);
        /* llm4rec-data writes plain relative names; anything else is not its manifest */
        if (strlen(name) != json_string_length(f) || !l4r_archive_path_clean(name, &clean) || !clean.len ||
            strcmp(clean.data, name) != 0) {
            st = not_ours(e, "a manifest.json whose outputs[%zu] names '%s', not a plain relative path", i,
                          name);
            goto out;
        }
        v[nv++] = l4r_xstrdup(name);
    }
    qsort(v, nv, sizeof *v, cmp_str);
out:
    l4r_buf_free(&clean);
    json_decref(root);
    if (st) {
        l4r_manifest_outputs_free(v, nv);
        return st;
    }
    *files = v;
    *n_files = nv;
    return L4R_OK;
}

/* ---- output directory transaction ---- */

typedef struct listed {
    char **files; /* sorted */
    size_t n;
} listed;

static bool is_listed(const listed *l, const char *rel)
{
    return bsearch(&rel, l->files, l->n, sizeof *l->files, cmp_str) != NULL;
}

/* Does a listed file lie under directory rel? */
static bool holds_listed(const listed *l, const char *rel)
{
    size_t n = strlen(rel);
    for (size_t i = 0; i < l->n; i++)
        if (!strncmp(l->files[i], rel, n) && l->files[i][n] == '/')
            return true;
    return false;
}

/* Walk dir (rel = its path below the output directory, "" at the top): every entry must be a
 * regular file the manifest lists, or a directory on the way to one. */
static l4r_status walk_ours(const char *dir, const char *rel, const listed *l, l4r_error *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return not_ours(e, "'%s', which cannot be read (%s)", *rel ? rel : ".", strerror(errno));
    l4r_status st = L4R_OK;
    struct dirent *de;
    while (st == L4R_OK && (de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *path = l4r_path_join(dir, de->d_name);
        char *r = *rel ? l4r_path_join(rel, de->d_name) : l4r_xstrdup(de->d_name);
        struct stat sb;
        if (lstat(path, &sb) != 0) {
            st = not_ours(e, "'%s', which cannot be examined (%s)", r, strerror(errno));
        } else if (S_ISREG(sb.st_mode)) {
            if (!(!*rel && !strcmp(r, "manifest.json")) && !is_listed(l, r))
                st = not_ours(e, "'%s', which its manifest.json does not list", r);
        } else if (S_ISDIR(sb.st_mode)) {
            /* an unlisted directory: name the first file in it, or the directory when empty */
            st = walk_ours(path, r, l, e);
            if (st == L4R_OK && !holds_listed(l, r))
                st = not_ours(e, "the directory '%s', which its manifest.json does not list", r);
        } else {
            st = not_ours(e, "'%s', %s, which llm4rec-data never writes", r,
                          S_ISLNK(sb.st_mode) ? "a symbolic link" : "a special file");
        }
        free(r);
        free(path);
    }
    closedir(d);
    return st;
}

static bool dir_is_empty(const char *p)
{
    DIR *d = opendir(p);
    if (!d)
        return false;
    bool empty = true;
    struct dirent *de;
    while (empty && (de = readdir(d)) != NULL)
        empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
    closedir(d);
    return empty;
}

#define MANIFEST_CAP (64u << 20)

/* May final be replaced?  It may when it does not exist, is an empty directory, or is provably an
 * earlier output of ours: a manifest.json of this tool in a format we know, and nothing but that
 * manifest and the files it lists; or, with force, whenever it is a directory.  Otherwise L4R_EIO
 * saying why. */
static l4r_status check_replaceable(const char *final, bool force, l4r_error *e)
{
    struct stat sb;
    if (lstat(final, &sb) != 0) {
        if (errno == ENOENT)
            return L4R_OK;
        return l4r_err(e, L4R_EIO, "cannot examine output '%s': %s", final, strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode))
        return l4r_err(e, L4R_EIO, "output '%s' exists and is not a directory: choose another -o", final);
    if (force || dir_is_empty(final))
        return L4R_OK;
    l4r_error why = {0};
    l4r_status st = L4R_OK;
    listed l = {0};
    l4r_buf text = {0};
    char *man = l4r_path_join(final, "manifest.json");
    if (lstat(man, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = not_ours(&why, "files but no manifest.json");
    } else {
        l4r_error rd = {0};
        st = l4r_read_file(man, MANIFEST_CAP, &text, &rd);
        if (st)
            st = not_ours(&why, "a manifest.json that cannot be read (%s)", rd.msg);
        if (st == L4R_OK)
            st = l4r_manifest_read_outputs(text.data, text.len, &l.files, &l.n, &why);
        if (st == L4R_OK)
            st = walk_ours(final, "", &l, &why);
    }
    if (st)
        st = l4r_err(e, L4R_EIO,
                     "output directory '%s' holds %s; it was not written by llm4rec-data: choose another -o, "
                     "or pass --force to replace it (--force deletes everything in it)",
                     final, why.msg);
    l4r_manifest_outputs_free(l.files, l.n);
    l4r_buf_free(&text);
    free(man);
    return st;
}

l4r_status l4r_outdir_replaceable(const char *final, l4r_error *e)
{
    return check_replaceable(final, false, e);
}

/* Split final into its parent directory and base name (trailing slashes dropped). */
static void split_final(const char *final, char **dir, char **base)
{
    char *p = l4r_xstrdup(final);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = 0;
    char *slash = strrchr(p, '/');
    *base = l4r_xstrdup(slash ? slash + 1 : p);
    *dir = slash ? l4r_xstrndup(p, (size_t)(slash - p) + (slash == p)) : l4r_xstrdup(".");
    free(p);
}

/* Take the output's lock PARENT/.NAME.l4r-lock (created if absent, never removed: removing it
 * would let a third run lock a new file while a second still holds the old one).  Waits for
 * another convert into the same directory, saying so once. */
static l4r_status take_lock(l4r_outdir *d, const char *dir, const char *base, l4r_outdir_log log, void *ud,
                            l4r_error *e)
{
    char *name = l4r_xasprintf(".%s.l4r-lock", base);
    char *p = l4r_path_join(dir, name);
    free(name);
    l4r_status st = L4R_OK;
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot open lock file '%s': %s", p, strerror(errno));
        goto out;
    }
    bool busy;
    st = l4r_flock_try(fd, LOCK_EX, p, &busy, e);
    if (st || !busy)
        goto out;
    if (log) {
        char *msg = l4r_xasprintf("waiting for another convert into '%s' to finish (lock '%s')", d->final, p);
        log(ud, 0, msg);
        free(msg);
    }
    st = l4r_flock_wait(fd, LOCK_EX, p, e);
out:
    if (st != L4R_OK && fd >= 0) {
        close(fd);
        fd = -1;
    }
    d->lock_fd = fd;
    free(p);
    return st;
}

/* Is name ".BASE.l4r-tmp.PID" or ".BASE.l4r-tmp.PID.l4r-old.PID"? */
static bool is_leftover(const char *name, const char *base)
{
    size_t nb = strlen(base);
    if (name[0] != '.' || strncmp(name + 1, base, nb) != 0 || strncmp(name + 1 + nb, ".l4r-tmp.", 9) != 0)
        return false;
    const char *p = name + 1 + nb + 9;
    for (int part = 0; part < 2; part++) {
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
        if (!*p)
            return true;
        if (part == 0 && !strncmp(p, ".l4r-old.", 9))
            p += 9;
        else
            return false;
    }
    return false;
}

/* With the lock held, no live convert into this output owns a temporary sibling: whatever is
 * there was left by a killed run. */
static void remove_leftovers(const char *dir, const char *base, l4r_outdir_log log, void *ud)
{
    DIR *dd = opendir(dir);
    if (!dd)
        return;
    struct dirent *de;
    while ((de = readdir(dd)) != NULL) {
        if (!is_leftover(de->d_name, base))
            continue;
        char *p = l4r_path_join(dir, de->d_name);
        if (l4r_rmtree(p, NULL) == L4R_OK && log) {
            char *msg = l4r_xasprintf("removed '%s', left behind by an interrupted convert", p);
            log(ud, 0, msg);
            free(msg);
        }
        free(p);
    }
    closedir(dd);
}

l4r_status l4r_outdir_begin(l4r_outdir *d, const char *final, int force, l4r_outdir_log log, void *log_ud,
                            l4r_error *e)
{
    d->final = NULL;
    d->tmp = NULL;
    d->lock_fd = -1;
    d->force = force != 0;
    /* the temporary directory is a sibling, so the final rename stays on one file system */
    char *dir, *base;
    split_final(final, &dir, &base);
    if (!strcmp(base, ".") || !strcmp(base, "..")) {
        /* "-o ." names the directory itself: resolved to its path, the lock, the temporary and the
         * replacement are those of that name (as for -o "$PWD"), not of a "." inside it */
        char *real = realpath(final, NULL);
        free(dir);
        free(base);
        if (!real) {
            d->final = l4r_xstrdup(final);
            return l4r_err(e, L4R_EIO, "cannot resolve output '%s': %s", final, strerror(errno));
        }
        if (!strcmp(real, "/")) {
            d->final = real;
            return l4r_err(e, L4R_EIO, "output '%s' is the root directory: choose another -o", final);
        }
        d->final = real;
        split_final(real, &dir, &base);
    } else {
        d->final = l4r_xstrdup(final);
    }
    l4r_status rs = l4r_mkdirs(dir, e);
    if (rs == L4R_OK)
        rs = take_lock(d, dir, base, log, log_ud, e);
    if (rs == L4R_OK)
        rs = check_replaceable(d->final, d->force, e);
    if (rs == L4R_OK) {
        remove_leftovers(dir, base, log, log_ud);
        char *name = l4r_xasprintf(".%s.l4r-tmp.%ld", base, (long)getpid());
        d->tmp = l4r_path_join(dir, name);
        free(name);
        l4r_rmtree(d->tmp, NULL);
        if (mkdir(d->tmp, 0777) != 0)
            rs = l4r_err(e, L4R_EIO, "cannot create directory '%s': %s", d->tmp, strerror(errno));
    }
    free(dir);
    free(base);
    return rs;
}

l4r_status l4r_outdir_commit(l4r_outdir *d, l4r_error *e)
{
    l4r_status st = L4R_OK;
    char *old = NULL;
    struct stat sb;
    /* checked again where the deletion happens: the directory may have changed during the run */
    st = check_replaceable(d->final, d->force, e);
    if (st)
        return st;
    if (lstat(d->final, &sb) == 0) {
        old = l4r_xasprintf("%s.l4r-old.%ld", d->tmp, (long)getpid());
        if (rename(d->final, old) != 0) {
            st = l4r_err(e, L4R_EIO, "cannot move old output '%s' aside: %s", d->final, strerror(errno));
            goto out;
        }
    }
    if (rename(d->tmp, d->final) != 0) {
        st = l4r_err(e, L4R_EIO, "cannot rename '%s' to '%s': %s", d->tmp, d->final, strerror(errno));
        if (old)
            rename(old, d->final);
        goto out;
    }
    if (old)
        l4r_rmtree(old, NULL);
    free(d->tmp);
    d->tmp = NULL;
out:
    free(old);
    return st;
}

void l4r_outdir_abort(l4r_outdir *d)
{
    if (!d->final)
        return; /* never begun, or already ended */
    if (d->tmp) {
        l4r_rmtree(d->tmp, NULL);
        free(d->tmp);
        d->tmp = NULL;
    }
    if (d->lock_fd >= 0)
        close(d->lock_fd); /* releases the lock */
    d->lock_fd = -1;
    free(d->final);
    d->final = NULL;
}
