/*
 * fetch.c — fetch a whole recipe variant: take the variant lock, download (or register with
 * --from) every file, verify it, unpack the archives, and write the stamp last.
 *
 * Idempotence comes from the stamp DATA/DATASET/VARIANT/.l4r-fetched.json.  It is written
 * atomically after every file is verified and unpacked, so its presence means "done"; a fetch that
 * finds a stamp listing every file of the variant (with sizes and digests that still agree with the
 * recipe and the files on disk) does nothing.  --force removes the stamp first and redoes all.
 *
 * Concurrency: two processes fetching the same variant (make -j) serialise on flock() of
 * DATA/DATASET/VARIANT/.lock.  The second one waits, then re-reads the stamp under the lock and
 * finds the work done.  The lock file itself is never removed: unlinking a lock file that another
 * process is about to flock() would let two holders in.
 *
 * URLs tried for a file, in order: the recipe URL, then the recipe's mirrors.  With --mirror (or
 * $LLM4REC_DATA_MIRROR) each of them is first rewritten to MIRROR/HOST/PATH, and the upstream hosts
 * are not contacted at all — a mirror is how one runs offline or behind a firewall.
 */
#include "fetch/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fetch/lockfile.h"
#include "util.h"

#define STAMP_NAME ".l4r-fetched.json"
#define STAMP_CAP ((size_t)16 << 20)

static void logf_(const l4r_fetch_opts *o, int level, const char *fmt, ...) L4R_PRINTF(3, 4);
static void logf_(const l4r_fetch_opts *o, int level, const char *fmt, ...)
{
    if (!o || !o->log)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    o->log(o->log_ud, level, line);
}

char *l4r_variant_dir(const char *data_dir, const l4r_recipe *r, const l4r_variant *v)
{
    return l4r_xasprintf("%s/%s/%s", data_dir, r->dataset, v->name);
}

/* A recipe name used as a path: relative, no "." or ".." components, no empty components. */
static bool safe_rel_name(const char *s, bool allow_slash)
{
    if (!s || !*s || s[0] == '/')
        return false;
    const char *p = s;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p == '/') {
            if (!allow_slash)
                return false;
            p++;
            if (!*p)
                return false;
        }
    }
    return true;
}

/* ---- the stamp ---- */

static json_t *load_stamp(const char *dir)
{
    char *p = l4r_path_join(dir, STAMP_NAME);
    l4r_buf b = {0};
    l4r_error e;
    json_t *j = NULL;
    if (l4r_read_file(p, STAMP_CAP, &b, &e) == L4R_OK)
        j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
    l4r_buf_free(&b);
    free(p);
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

static json_t *stamp_entry(json_t *stamp, const char *name)
{
    json_t *files = json_object_get(stamp, "files");
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        if (json_is_string(json_object_get(f, "name")) &&
            !strcmp(json_string_value(json_object_get(f, "name")), name))
            return f;
    }
    return NULL;
}

/* Does the stamp entry still describe rf and the file on disk? */
static bool entry_ok(json_t *f, const l4r_rfile *rf, const char *dir)
{
    json_t *js = json_object_get(f, "size");
    const char *sha = json_string_value(json_object_get(f, "sha256"));
    const char *md5 = json_string_value(json_object_get(f, "md5"));
    if (!json_is_integer(js) || !sha)
        return false;
    json_int_t size = json_integer_value(js);
    if (rf->size >= 0 && size != rf->size)
        return false;
    if (rf->sha256 && !l4r_hex_equal(rf->sha256, sha))
        return false;
    if (rf->md5 && !(md5 && l4r_hex_equal(rf->md5, md5)))
        return false;
    char *p = l4r_path_join(dir, rf->name);
    struct stat sb;
    bool ok = stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && (json_int_t)sb.st_size == size;
    free(p);
    return ok;
}

static bool fetched_in(const char *dir, const l4r_variant *v)
{
    json_t *stamp = load_stamp(dir);
    if (!stamp)
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < v->n_files; i++) {
        json_t *f = stamp_entry(stamp, v->files[i].name);
        ok = f && entry_ok(f, &v->files[i], dir);
    }
    json_decref(stamp);
    return ok;
}

bool l4r_variant_fetched(const char *data_dir, const l4r_recipe *r, const l4r_variant *v)
{
    char *dir = l4r_variant_dir(data_dir, r, v);
    bool ok = fetched_in(dir, v);
    free(dir);
    return ok;
}

static void utc_now(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct got_file {
    char *url; /* what it came from */
    uint64_t size;
    char sha256[65];
    char when[32];
} got_file;

static l4r_status write_stamp(const char *dir, const l4r_recipe *r, const l4r_variant *v, const got_file *got,
                              l4r_error *e)
{
    json_t *root = json_object();
    char now[32];
    utc_now(now, sizeof now);
    json_object_set_new(root, "dataset", json_string(r->dataset));
    json_object_set_new(root, "variant", json_string(v->name));
    json_object_set_new(root, "tool", json_string("llm4rec-data " L4R_VERSION));
    json_object_set_new(root, "fetched_at", json_string(now));
    json_t *files = json_array();
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *rf = &v->files[i];
        json_t *f = json_object();
        json_object_set_new(f, "name", json_string(rf->name));
        json_object_set_new(f, "url", json_string(got[i].url));
        json_object_set_new(f, "size", json_integer((json_int_t)got[i].size));
        json_object_set_new(f, "sha256", json_string(got[i].sha256));
        if (rf->md5)
            json_object_set_new(f, "md5", json_string(rf->md5));
        json_object_set_new(f, "time", json_string(got[i].when));
        json_array_append_new(files, f);
    }
    json_object_set_new(root, "files", files);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        l4r_oom();
    l4r_buf b = {0};
    l4r_buf_adds(&b, text);
    l4r_buf_addc(&b, '\n');
    free(text);
    char *p = l4r_path_join(dir, STAMP_NAME);
    l4r_status st = l4r_write_file_atomic(p, b.data, b.len, e);
    free(p);
    l4r_buf_free(&b);
    return st;
}

/* ---- the lock ---- */

static l4r_status take_lock(const char *dir, const char *what, const l4r_fetch_opts *o, int *fd_out,
                            l4r_error *e)
{
    char *p = l4r_path_join(dir, ".lock");
    l4r_status st = L4R_OK;
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        st = l4r_err(e, L4R_EIO, "cannot open lock file '%s': %s", p, strerror(errno));
        goto out;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
        goto out;
    if (errno != EWOULDBLOCK) {
        st = l4r_err(e, L4R_EIO, "cannot lock '%s': %s", p, strerror(errno));
        goto out;
    }
    logf_(o, 0, "waiting for another fetch of %s to finish (lock '%s')", what, p);
    for (;;) {
        if (l4r_interrupted) {
            st = l4r_err(e, L4R_EINTR, "interrupted while waiting for the lock '%s'", p);
            goto out;
        }
        if (flock(fd, LOCK_EX) == 0)
            break;
        if (errno != EINTR) {
            st = l4r_err(e, L4R_EIO, "cannot lock '%s': %s", p, strerror(errno));
            goto out;
        }
    }
out:
    if (st != L4R_OK && fd >= 0) {
        close(fd);
        fd = -1;
    }
    *fd_out = fd;
    free(p);
    return st;
}

/* ---- one file ---- */

static bool url_listed(char **v, size_t n, const char *u)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], u))
            return true;
    return false;
}

static l4r_status download_one(const l4r_rfile *rf, const char *dest, const l4r_fetch_opts *o, got_file *got,
                               l4r_error *e)
{
    size_t n = 0;
    char **cand = l4r_xcalloc(rf->n_mirrors + 1, sizeof *cand);
    for (size_t i = 0; i <= rf->n_mirrors; i++) {
        const char *u = i == 0 ? rf->url : rf->mirrors[i - 1];
        char *m = l4r_mirror_url(o->mirror, u);
        if (url_listed(cand, n, m))
            free(m);
        else
            cand[n++] = m;
    }
    l4r_status st = L4R_ENETWORK;
    l4r_status first_st = L4R_OK;
    l4r_error first = {0};
    bool wrong_bytes = false; /* some URL served bytes that failed the check: exit 4, not 3 */
    for (size_t i = 0; i < n; i++) {
        l4r_error ei = {0};
        if (i > 0)
            logf_(o, 0, "trying mirror '%s'", cand[i]);
        st = l4r_download(cand[i], dest, rf->size, rf->md5, rf->sha256, o, got->sha256, &ei);
        if (st == L4R_OK) {
            got->url = l4r_xstrdup(cand[i]);
            break;
        }
        if (st == L4R_EINTR || st == L4R_EIO || st == L4R_EINTERNAL) {
            *e = ei;
            goto out;
        }
        wrong_bytes = wrong_bytes || st == L4R_ECHECKSUM;
        if (i == 0) {
            first = ei;
            first_st = st;
        } else {
            /* keep the main URL's error first; mirrors' errors follow as far as they fit */
            size_t len = strlen(first.msg);
            size_t room = sizeof first.msg - len;
            if (room > 12) {
                memcpy(first.msg + len, "; mirror: ", 10);
                size_t ml = strlen(ei.msg);
                if (ml > room - 11)
                    ml = room - 11;
                memcpy(first.msg + len + 10, ei.msg, ml);
                first.msg[len + 10 + ml] = 0;
            }
        }
        if (i + 1 < n)
            logf_(o, 1, "%s", ei.msg);
    }
    if (st != L4R_OK) {
        *e = first;
        st = wrong_bytes ? L4R_ECHECKSUM : first_st;
        e->status = st;
    }
out:
    for (size_t i = 0; i < n; i++)
        free(cand[i]);
    free(cand);
    return st;
}

static char *file_url(const char *path)
{
    char *abs = realpath(path, NULL);
    char *u = l4r_xasprintf("file://%s", abs ? abs : path);
    free(abs);
    return u;
}

/* Match the --from files to recipe files: by base name, or the only one to the only file. */
static l4r_status match_from(const char *what, const l4r_variant *v, const char **from, size_t n_from,
                             const char **by_file, l4r_error *e)
{
    for (size_t k = 0; k < n_from; k++) {
        const char *base = l4r_path_base(from[k]);
        size_t hit = v->n_files;
        for (size_t i = 0; i < v->n_files; i++)
            if (!strcmp(v->files[i].name, base))
                hit = i;
        if (hit == v->n_files && v->n_files == 1 && n_from == 1)
            hit = 0;
        if (hit == v->n_files) {
            l4r_buf names = {0};
            for (size_t i = 0; i < v->n_files; i++)
                l4r_buf_addf(&names, "%s'%s'", i ? ", " : "", v->files[i].name);
            l4r_status st = l4r_err(e, L4R_EUSAGE, "--from '%s' matches no file of %s (its files: %s)",
                                    from[k], what, l4r_buf_cstr(&names));
            l4r_buf_free(&names);
            return st;
        }
        if (by_file[hit])
            return l4r_err(e, L4R_EUSAGE, "--from '%s' and --from '%s' both stand for '%s'", by_file[hit],
                           from[k], v->files[hit].name);
        by_file[hit] = from[k];
    }
    return L4R_OK;
}

static bool has_digest(const l4r_rfile *rf)
{
    return rf->md5 || rf->sha256;
}

l4r_status l4r_fetch_variant(const l4r_recipe *r, const l4r_variant *v, const l4r_fetch_opts *o_in,
                             l4r_fetch_result *res, l4r_error *e)
{
    l4r_fetch_opts od = *o_in;
    l4r_fetch_opts_defaults(&od);
    od.force = od.force || od.update_lock;
    const l4r_fetch_opts *o = &od;
    l4r_status st = L4R_OK;
    char *lock_path = l4r_lockfile_path(o->data_dir, o->lock_path);
    l4r_lockfile *lk = NULL;
    l4r_lock_entry *pins = l4r_xcalloc(v->n_files + 1, sizeof *pins);
    int lock_fd = -1;
    char *dir = NULL;
    char *what = l4r_xasprintf("%s/%s", r->dataset, v->name);
    size_t n_from = o->n_from_files + (o->from ? 1 : 0);
    const char **from = l4r_xcalloc(n_from + 1, sizeof *from);
    const char **by_file = l4r_xcalloc(v->n_files + 1, sizeof *by_file);
    got_file *got = l4r_xcalloc(v->n_files + 1, sizeof *got);
    res->already = false;
    res->dir = NULL;

    if (!safe_rel_name(r->dataset, false) || !safe_rel_name(v->name, true)) {
        st = l4r_err(e, L4R_ERECIPE, "%s: the dataset or variant name cannot be used as a directory", what);
        goto out;
    }
    for (size_t i = 0; i < v->n_files; i++) {
        const char *nm = v->files[i].name;
        if (!safe_rel_name(nm, false) || nm[0] == '.' || !v->files[i].url) {
            st = l4r_err(e, L4R_ERECIPE, "%s: file '%s' has an unusable name or no url", what, nm ? nm : "");
            goto out;
        }
    }
    if (v->n_files == 0) {
        st = l4r_err(e, L4R_ERECIPE, "%s lists no files to fetch", what);
        goto out;
    }
    n_from = 0;
    if (o->from)
        from[n_from++] = o->from;
    for (size_t k = 0; k < o->n_from_files; k++)
        from[n_from++] = o->from_files[k];
    st = match_from(what, v, from, n_from, by_file, e);
    if (st != L4R_OK)
        goto out;

    st = l4r_lockfile_load(lock_path, &lk, e);
    if (st != L4R_OK)
        goto out;
    dir = l4r_variant_dir(o->data_dir, r, v);
    if (!o->force && fetched_in(dir, v)) {
        res->already = true;
        goto already;
    }
    if (v->manual) {
        l4r_buf missing = {0};
        for (size_t i = 0; i < v->n_files; i++)
            if (!by_file[i])
                l4r_buf_addf(&missing, "%s'%s'", missing.len ? ", " : "", v->files[i].name);
        if (missing.len) {
            st = l4r_err(e, L4R_EMANUAL,
                         "%s must be downloaded by hand (missing %s): %s; then run "
                         "'llm4rec-data fetch %s --variant %s --from FILE'",
                         what, l4r_buf_cstr(&missing), v->manual, r->dataset, v->name);
            l4r_buf_free(&missing);
            goto out;
        }
        l4r_buf_free(&missing);
    }
    st = l4r_mkdirs(dir, e);
    if (st != L4R_OK)
        goto out;
    st = take_lock(dir, what, o, &lock_fd, e);
    if (st != L4R_OK)
        goto out;
    /* someone may have finished while we waited */
    if (!o->force && fetched_in(dir, v)) {
        res->already = true;
        goto already;
    }
    {
        char *sp = l4r_path_join(dir, STAMP_NAME);
        if (unlink(sp) != 0 && errno != ENOENT) {
            st = l4r_err(e, L4R_EIO, "cannot remove '%s': %s", sp, strerror(errno));
            free(sp);
            goto out;
        }
        free(sp);
    }

    for (size_t i = 0; i < v->n_files; i++) {
        /* rf: what the download must match, the recipe's digests or else the lock file's pin */
        l4r_rfile rfl;
        char pin[65];
        pins[i].key = l4r_lockfile_key(r, v, &v->files[i]);
        st = l4r_lockfile_expect(o->update_lock ? NULL : lk, lock_path, pins[i].key, &v->files[i], &rfl, pin,
                                 e);
        if (st != L4R_OK)
            goto out;
        const l4r_rfile *rf = &rfl;
        char *dest = l4r_path_join(dir, rf->name);
        if (by_file[i]) {
            st = l4r_register_file(by_file[i], dest, rf->size, rf->md5, rf->sha256, got[i].sha256, e);
            if (st == L4R_OK)
                got[i].url = file_url(by_file[i]);
        } else if (!o->force && has_digest(rf) && l4r_is_file(dest) &&
                   l4r_verify_file(dest, rf->name, rf->size, rf->md5, rf->sha256, got[i].sha256, NULL) ==
                       L4R_OK) {
            /* verified earlier, but a later step (unpack) failed before the stamp was written */
            got[i].url = l4r_xstrdup(rf->url);
            st = L4R_OK;
        } else {
            st = download_one(rf, dest, o, &got[i], e);
        }
        if (st == L4R_OK) {
            st = l4r_file_size(dest, &got[i].size, e);
            utc_now(got[i].when, sizeof got[i].when);
        }
        free(dest);
        if (st == L4R_ECHECKSUM && pin[0])
            l4r_lockfile_explain(e, lock_path, pins[i].key, what);
        if (st != L4R_OK)
            goto out;
        if (!has_digest(rf))
            logf_(o, 1,
                  "no checksum is known for '%s' of %s; fetched it unverified, its sha256 is %s "
                  "(pinned in the lock file '%s' once the variant is complete)",
                  rf->name, what, got[i].sha256, lock_path);
        pins[i].url = got[i].url;
        pins[i].size = got[i].size;
        memcpy(pins[i].sha256, got[i].sha256, 65);
    }
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *rf = &v->files[i];
        if (!rf->unpack)
            continue;
        char *arc = l4r_path_join(dir, rf->name);
        st = l4r_unpack(arc, dir, o->max_unpacked, e);
        free(arc);
        if (st != L4R_OK)
            goto out;
    }
    st = write_stamp(dir, r, v, got, e);
    if (st != L4R_OK)
        goto out;
    st = l4r_lockfile_pin(lock_path, pins, v->n_files, o->update_lock, NULL, e);
    if (st != L4R_OK)
        goto out;
    res->dir = dir;
    dir = NULL;
    goto out;

already:
    st = l4r_lockfile_check_fetched(lk, lock_path, r, v, dir, what, e);
    if (st == L4R_EIO) {
        /* a read-only data directory still serves what it holds; the pins are checked above */
        logf_(o, 1, "%s; %s stays unpinned", e->msg, what);
        st = L4R_OK;
    }
    if (st != L4R_OK)
        goto out;
    logf_(o, 0, "%s is already fetched and verified in %s; use --force to fetch again", what, dir);
    res->dir = dir;
    dir = NULL;
out:
    if (lock_fd >= 0)
        close(lock_fd); /* releases the flock */
    for (size_t i = 0; i < v->n_files; i++) {
        free(got[i].url);
        free(pins[i].key);
    }
    free(pins);
    l4r_lockfile_free(lk);
    free(lock_path);
    free(got);
    free(by_file);
    free(from);
    free(dir);
    free(what);
    return st;
}
