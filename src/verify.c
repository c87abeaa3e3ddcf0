/*
 * verify.c — check a converted directory against its manifest (l4r_verify_dir in
 * llm4rec_data.h).
 *
 * Every entry of manifest.json's "outputs" array ({file, rows, bytes, sha256}) is recomputed: the
 * file is read once, hashed (SHA-256) and its lines counted.  A file's line count may be rows or
 * rows + 1 (the header line is not a row).  The verdict of each entry is kept in the report, in
 * manifest order, for the caller to print.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

typedef struct entry {
    l4r_verify_state state;
    char *file;
    char *detail;
} entry;

struct l4r_verify_report {
    entry *v;
    size_t n, bad;
};

/* Hash and count lines of a file.  Returns false (errno set) when it cannot be read. */
static bool scan_file(const char *path, char *hex, uint64_t *bytes, uint64_t *lines)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
    size_t cap = 1u << 20;
    char *buf = l4r_xmalloc(cap);
    uint64_t nb = 0, nl = 0;
    bool ok = true;
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        if (n == 0)
            break;
        l4r_hasher_update(h, buf, (size_t)n);
        nb += (uint64_t)n;
        const char *p = buf, *end = buf + n;
        for (;;) {
            const char *q = memchr(p, '\n', (size_t)(end - p));
            if (!q)
                break;
            nl++;
            p = q + 1;
        }
    }
    int saved = errno;
    close(fd);
    free(buf);
    if (!ok) {
        l4r_hasher_free(h);
        errno = saved;
        return false;
    }
    l4r_hasher_final(h, hex);
    *bytes = nb;
    *lines = nl;
    return true;
}

/* A plain relative name: no leading '/', no empty, "." or ".." component (Parquet partitions are
 * NAME/part-00000.parquet). */
static bool plain_relative(const char *f)
{
    if (!*f || *f == '/')
        return false;
    for (const char *p = f;;) {
        const char *s = strchr(p, '/');
        size_t n = s ? (size_t)(s - p) : strlen(p);
        if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (!s)
            return true;
        p = s + 1;
    }
}

/* The verdict on outputs[i]. */
static void check(const char *dir, json_t *o, size_t i, entry *en)
{
    const char *file = json_string_value(json_object_get(o, "file"));
    const char *sha = json_string_value(json_object_get(o, "sha256"));
    json_t *jrows = json_object_get(o, "rows"), *jbytes = json_object_get(o, "bytes");
    if (!file || !sha || !json_is_integer(jrows) || !json_is_integer(jbytes) || !plain_relative(file)) {
        en->state = L4R_VERIFY_INVALID;
        en->file = l4r_xasprintf("outputs[%zu]", i);
        return;
    }
    en->file = l4r_xstrdup(file);
    char *path = l4r_path_join(dir, file);
    char hex[65];
    uint64_t bytes, lines;
    if (!scan_file(path, hex, &bytes, &lines)) {
        en->state = L4R_VERIFY_MISSING;
        en->detail = l4r_xstrdup(strerror(errno));
        free(path);
        return;
    }
    free(path);
    uint64_t want_rows = (uint64_t)json_integer_value(jrows);
    uint64_t want_bytes = (uint64_t)json_integer_value(jbytes);
    bool sha_ok = l4r_hex_equal(hex, sha);
    bool bytes_ok = bytes == want_bytes;
    size_t fl = strlen(file);
    bool binary = fl > 8 && !strcmp(file + fl - 8, ".parquet"); /* rows are in its footer, not lines */
    bool rows_ok = binary || lines == want_rows || lines == want_rows + 1;
    if (sha_ok && bytes_ok && rows_ok) {
        en->state = L4R_VERIFY_OK;
        return;
    }
    en->state = L4R_VERIFY_CHANGED;
    l4r_buf b;
    l4r_buf_init(&b);
    if (!bytes_ok)
        l4r_buf_addf(&b, "bytes %llu, manifest %llu; ", (unsigned long long)bytes,
                     (unsigned long long)want_bytes);
    if (!rows_ok)
        l4r_buf_addf(&b, "lines %llu, manifest rows %llu; ", (unsigned long long)lines,
                     (unsigned long long)want_rows);
    l4r_buf_addf(&b, "sha256 %s, manifest %s", hex, sha);
    en->detail = l4r_buf_take(&b);
}

l4r_status l4r_verify_dir(const char *dir, l4r_verify_report **out, l4r_error *e)
{
    char *mpath = l4r_path_join(dir, "manifest.json");
    json_error_t jerr;
    json_t *root = json_load_file(mpath, 0, &jerr);
    l4r_status st = L4R_OK;
    if (!root) {
        st = l4r_err(e, l4r_is_file(mpath) ? L4R_EPARSE : L4R_EIO, "cannot read '%s': %s", mpath, jerr.text);
        goto out;
    }
    json_t *outs = json_object_get(root, "outputs");
    if (!json_is_array(outs)) {
        st = l4r_err(e, L4R_EPARSE, "'%s' has no \"outputs\" array", mpath);
        goto out;
    }
    l4r_verify_report *r = l4r_xcalloc(1, sizeof *r);
    r->n = json_array_size(outs);
    r->v = l4r_xcalloc(r->n ? r->n : 1, sizeof *r->v);
    for (size_t i = 0; i < r->n; i++) {
        check(dir, json_array_get(outs, i), i, &r->v[i]);
        r->bad += r->v[i].state != L4R_VERIFY_OK;
    }
    *out = r;
out:
    json_decref(root);
    free(mpath);
    return st;
}

void l4r_verify_report_free(l4r_verify_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].file);
        free(r->v[i].detail);
    }
    free(r->v);
    free(r);
}

size_t l4r_verify_count(const l4r_verify_report *r)
{
    return r->n;
}

size_t l4r_verify_bad(const l4r_verify_report *r)
{
    return r->bad;
}

l4r_verify_state l4r_verify_state_of(const l4r_verify_report *r, size_t i)
{
    return r->v[i].state;
}

const char *l4r_verify_file_of(const l4r_verify_report *r, size_t i)
{
    return r->v[i].file;
}

const char *l4r_verify_detail(const l4r_verify_report *r, size_t i)
{
    return r->v[i].detail;
}
