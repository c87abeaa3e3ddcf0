/*
 * fetch.c — fetch a whole recipe variant: take the variant lock, download (or register with
 * --from) every file, verify it, unpack the archives, and write the stamp last.
 *
 * Idempotence comes from the stamp DATA/DATASET/VARIANT/.l4r-fetched.json.  It is removed before
 * anything changes and written atomically after every file is verified and unpacked, so its
 * presence means "done".  It lists every download and every file the archives unpacked, each with
 * size, sha256 and mtime_ns (docs/fetch.md has the format; convert reads it to compare digests).  A
 * fetch that finds a stamp agreeing with the recipe, and every listed file with its recorded size
 * and mtime, does nothing: an unchanged size and mtime are trusted without reading the file.
 * Otherwise, under the lock, each file that differs is hashed: one that still matches is kept (its
 * new mtime recorded), a download that does not is fetched again, an unpacked file that does not
 * makes the archives unpack again from their (re-verified) downloads.  --force removes the stamp
 * first and redoes all.
 *
 * Unpacking: each archive gets a ceiling (the recipe's unpacked_size + 1%, else L4R_UNPACK_RATIO x
 * its size, or --max-unpacked) and a free-space check (statvfs) before it starts; the names of the
 * other downloads are reserved, so no archive entry can replace one.  The archives a file's
 * unpack_nested lists unpack in turn, each into a directory that takes its own place and name
 * (unpack_nested()), under what is left of the same ceiling.
 *
 * Leftovers: only the holder of the variant lock creates DIR/.l4r-unpack.* (and the stamp's
 * temporary file), so whatever of those the next holder finds was left by a killed process and is
 * removed; a *.part never is (it is a download to resume).
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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "fetch/lockfile.h"
#include "reader.h"
#include "util.h"

#define STAMP_NAME ".l4r-fetched.json"
/* A stamp lists every unpacked file, about 160 bytes each (200,000 files: 32.8 MB); the cap only
 * keeps a file that is no stamp at all from being read into memory whole. */
#define STAMP_CAP ((size_t)1 << 30)

static void logf_(const l4r_fetch_opts *o, int level, const char *fmt, ...) L4R_PRINTF(3, 4);
static void logf_(const l4r_fetch_opts *o, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l4r_vlogf(o ? o->log : NULL, o ? o->log_ud : NULL, level, fmt, ap);
    va_end(ap);
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

static int64_t mtime_ns_of(const struct stat *sb)
{
    return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

/* A stamp record ("files" or "unpacked" entry) as far as the disk check needs it. */
typedef struct srec {
    const char *name;
    json_int_t size;
    const char *sha256;
    json_int_t mtime_ns; /* -1 when the stamp has none (written by an older version) */
} srec;

static bool srec_get(json_t *f, srec *s)
{
    json_t *jn = json_object_get(f, "name"), *js = json_object_get(f, "size");
    json_t *jh = json_object_get(f, "sha256"), *jm = json_object_get(f, "mtime_ns");
    if (!json_is_string(jn) || !json_is_integer(js) || json_integer_value(js) < 0 || !json_is_string(jh) ||
        strlen(json_string_value(jh)) != 64)
        return false;
    s->name = json_string_value(jn);
    s->size = json_integer_value(js);
    s->sha256 = json_string_value(jh);
    s->mtime_ns = json_is_integer(jm) ? json_integer_value(jm) : -1;
    return true;
}

/* Does the stamp's "files" entry still describe rf (the recipe may have changed since)? */
static bool entry_ok(json_t *f, const l4r_rfile *rf)
{
    srec s;
    if (!srec_get(f, &s))
        return false;
    const char *md5 = json_string_value(json_object_get(f, "md5"));
    if (rf->size >= 0 && s.size != rf->size)
        return false;
    if (rf->sha256 && !l4r_hex_equal(rf->sha256, s.sha256))
        return false;
    if (rf->md5 && !(md5 && l4r_hex_equal(rf->md5, md5)))
        return false;
    return true;
}

typedef enum disk_state {
    DISK_SAME,    /* size and mtime as recorded: trusted without reading the file */
    DISK_HASHED,  /* size or mtime differ, but the content still has the recorded sha256 */
    DISK_CHANGED, /* the content differs (or, without hashing, size or mtime differ) */
    DISK_MISSING  /* gone, or not a regular file */
} disk_state;

/* Compare DIR/NAME with its stamp record.  hash == false only looks at size and mtime. */
static disk_state on_disk(const char *dir, const srec *s, bool hash, char *sha_now)
{
    char *p = l4r_path_join(dir, s->name);
    struct stat sb;
    disk_state d;
    if (lstat(p, &sb) != 0 || !S_ISREG(sb.st_mode))
        d = DISK_MISSING;
    else if ((json_int_t)sb.st_size == s->size && s->mtime_ns >= 0 && mtime_ns_of(&sb) == s->mtime_ns)
        d = DISK_SAME;
    else if (!hash || (json_int_t)sb.st_size != s->size)
        d = DISK_CHANGED;
    else {
        l4r_error e;
        char hex[65];
        if (l4r_hash_file(p, L4R_HASH_SHA256, hex, NULL, &e) != L4R_OK)
            d = DISK_MISSING;
        else
            d = l4r_hex_equal(hex, s->sha256) ? DISK_HASHED : DISK_CHANGED;
        if (sha_now)
            snprintf(sha_now, 65, "%s", d == DISK_MISSING ? "?" : hex);
    }
    free(p);
    return d;
}

/* A name of the "unpacked" list that can be looked at: relative, clean, no "..". */
static bool unpacked_name_ok(const char *name)
{
    l4r_buf b = {0};
    bool ok = l4r_archive_path_clean(name, &b) && b.len > 0 && !strcmp(l4r_buf_cstr(&b), name);
    l4r_buf_free(&b);
    return ok;
}

static bool any_archive(const l4r_variant *v)
{
    for (size_t i = 0; i < v->n_files; i++)
        if (v->files[i].unpack)
            return true;
    return false;
}

/* The quick check: the stamp lists every file with the recipe's size and digests, and every listed
 * file (downloads and unpacked files) has the recorded size and mtime.  Nothing is hashed. */
/* on_disk() without hashing: DISK_SAME is fine; DISK_CHANGED is fine when the caller collects it in
 * *changed (non-NULL). */
static bool disk_ok(const char *dir, const srec *s, bool *changed)
{
    disk_state d = on_disk(dir, s, false, NULL);
    if (d == DISK_CHANGED && changed) {
        *changed = true;
        return true;
    }
    return d == DISK_SAME;
}

/* Does the stamp in dir list every file of v, each (and every unpacked file) on disk with its
 * recorded size and mtime?  With `changed` non-NULL, a file that is there but whose size or mtime
 * differs still counts, and sets *changed; only a missing file or a stamp that does not describe
 * the recipe makes the answer false. */
static bool fetched_in(const char *dir, const l4r_variant *v, bool *changed)
{
    json_t *stamp = load_stamp(dir);
    if (!stamp)
        return false;
    bool ok = true;
    if (changed)
        *changed = false;
    for (size_t i = 0; ok && i < v->n_files; i++) {
        json_t *f = stamp_entry(stamp, v->files[i].name);
        srec s;
        ok = f && entry_ok(f, &v->files[i]) && srec_get(f, &s);
        if (ok)
            ok = disk_ok(dir, &s, changed);
    }
    json_t *un = json_object_get(stamp, "unpacked");
    if (ok && any_archive(v) && !json_is_array(un))
        ok = false;
    size_t k;
    json_t *u;
    json_array_foreach(un, k, u)
    {
        srec s;
        if (!ok)
            break;
        ok = srec_get(u, &s) && unpacked_name_ok(s.name) && disk_ok(dir, &s, changed);
    }
    json_decref(stamp);
    return ok;
}

bool l4r_variant_fetched(const char *data_dir, const l4r_recipe *r, const l4r_variant *v)
{
    return l4r_variant_state(data_dir, r, v) == L4R_FETCHED;
}

l4r_fetch_state l4r_variant_state(const char *data_dir, const l4r_recipe *r, const l4r_variant *v)
{
    char *dir = l4r_variant_dir(data_dir, r, v);
    bool changed = false;
    bool ok = fetched_in(dir, v, &changed);
    free(dir);
    return !ok ? L4R_NOT_FETCHED : changed ? L4R_FETCHED_CHANGED : L4R_FETCHED;
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

/* Write the stamp: the downloads, then every unpacked regular file, each with the mtime it has now
 * (so a later fetch can trust an unchanged size and mtime).  When two archives unpacked the same
 * name the later one's file is on disk and listed; a record whose path is no longer a regular file
 * of that size (a later archive replaced it by a directory) is left out, and so is a name that is not
 * UTF-8. */
static l4r_status write_stamp(const char *dir, const l4r_recipe *r, const l4r_variant *v, const got_file *got,
                              const l4r_unpacked *un, bool accepted, l4r_error *e)
{
    l4r_status st = L4R_OK;
    json_t *root = json_object();
    char now[32];
    utc_now(now, sizeof now);
    json_object_set_new(root, "dataset", json_string(r->dataset));
    json_object_set_new(root, "variant", json_string(v->name));
    json_object_set_new(root, "tool", json_string("llm4rec-data " L4R_VERSION));
    json_object_set_new(root, "fetched_at", json_string(now));
    if (v->terms && accepted) /* who downloads a variant with terms accepted them (--accept-license) */
        json_object_set_new(root, "terms_accepted", json_pack("{s:s, s:s}", "url", v->terms, "at", now));
    json_t *files = json_array();
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *rf = &v->files[i];
        char *p = l4r_path_join(dir, rf->name);
        struct stat sb;
        if (stat(p, &sb) != 0 || (uint64_t)sb.st_size != got[i].size) {
            st = l4r_err(e, L4R_EIO, "'%s' changed while it was being fetched; fetch again", p);
            free(p);
            json_decref(files);
            goto out;
        }
        free(p);
        json_t *f = json_object();
        json_object_set_new(f, "name", json_string(rf->name));
        json_object_set_new(f, "url", json_string(got[i].url));
        json_object_set_new(f, "size", json_integer((json_int_t)got[i].size));
        json_object_set_new(f, "sha256", json_string(got[i].sha256));
        if (rf->md5)
            json_object_set_new(f, "md5", json_string(rf->md5));
        json_object_set_new(f, "time", json_string(got[i].when));
        json_object_set_new(f, "mtime_ns", json_integer((json_int_t)mtime_ns_of(&sb)));
        json_array_append_new(files, f);
    }
    json_object_set_new(root, "files", files);
    json_t *seen = json_object(); /* names listed by a later record */
    bool *drop = l4r_xcalloc(un->n + 1, sizeof *drop);
    for (size_t i = un->n; i-- > 0;) {
        if (json_object_get(seen, un->v[i].name))
            drop[i] = true;
        else
            json_object_set_new(seen, un->v[i].name, json_true());
    }
    json_decref(seen);
    json_t *ua = json_array();
    for (size_t i = 0; i < un->n; i++) {
        char *p = l4r_path_join(dir, un->v[i].name);
        struct stat sb;
        bool ok =
            !drop[i] && lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == un->v[i].size;
        free(p);
        /* a name that is not UTF-8 (a Latin-1 tar or zip entry) cannot be a JSON string, and no recipe
         * can name it: left out, as a record without a name would make every fetch unpack again */
        json_t *jn = ok ? json_string(un->v[i].name) : NULL;
        if (!jn)
            continue;
        json_t *f = json_object();
        json_object_set_new(f, "name", jn);
        json_object_set_new(f, "size", json_integer((json_int_t)un->v[i].size));
        json_object_set_new(f, "sha256", json_string(un->v[i].sha256));
        json_object_set_new(f, "mtime_ns", json_integer((json_int_t)mtime_ns_of(&sb)));
        json_array_append_new(ua, f);
    }
    free(drop);
    json_object_set_new(root, "unpacked", ua);
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        l4r_oom();
    l4r_buf b = {0};
    l4r_buf_adds(&b, text);
    l4r_buf_addc(&b, '\n');
    free(text);
    char *p = l4r_path_join(dir, STAMP_NAME);
    st = l4r_write_file_atomic(p, b.data, b.len, e);
    free(p);
    l4r_buf_free(&b);
out:
    json_decref(root);
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
    bool busy;
    st = l4r_flock_try(fd, LOCK_EX, p, &busy, e);
    if (st || !busy)
        goto out;
    logf_(o, 0, "waiting for another fetch or convert of %s to finish (lock '%s')", what, p);
    st = l4r_flock_wait(fd, LOCK_EX, p, e);
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
    const char **orig = l4r_xcalloc(rf->n_mirrors + 1, sizeof *orig);
    for (size_t i = 0; i <= rf->n_mirrors; i++) {
        const char *u = i == 0 ? rf->url : rf->mirrors[i - 1];
        char *m = l4r_mirror_url(o->mirror, u);
        if (url_listed(cand, n, m)) {
            free(m);
        } else {
            orig[n] = u;
            cand[n++] = m;
        }
    }
    l4r_status st = L4R_ENETWORK;
    l4r_status first_st = L4R_OK;
    l4r_error first = {0};
    bool wrong_bytes = false; /* some URL served bytes that failed the check: exit 4, not 3 */
    for (size_t i = 0; i < n; i++) {
        l4r_error ei = {0};
        if (i > 0)
            logf_(o, 0, "trying mirror '%s'", cand[i]);
        char *confirmed = NULL; /* Google Drive's confirmation of a large file */
        st = l4r_drive_resolve(orig[i], cand[i], o, &confirmed, &ei);
        if (st == L4R_OK)
            st = l4r_download(confirmed ? confirmed : cand[i], dest, rf->size, rf->md5, rf->sha256, o,
                              got->sha256, &ei);
        free(confirmed);
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
    free(orig);
    return st;
}

static char *file_url(const char *path)
{
    char *abs = realpath(path, NULL);
    char *u = l4r_xasprintf("file://%s", abs ? abs : path);
    free(abs);
    return u;
}

/* One file a --from offers: given itself, or found in a --from directory (then it may be anything
 * else in there, and matching nothing is no error). */
typedef struct offer {
    char *path;
    bool in_dir;
    bool used;
} offer;

/* The recipe file's size, when known, and whether a file of `size` bytes can be it. */
static bool size_fits(const l4r_rfile *rf, uint64_t size)
{
    return rf->size < 0 || (uint64_t)rf->size == size;
}

/* Whether the file at `path` has the content the recipe records for rf (its sha256, else its md5):
 * how a renamed download ("archive (1).zip") is still recognised.  False when rf has no digest. */
static bool content_is(const l4r_rfile *rf, const char *path)
{
    struct stat sb;
    if ((!rf->sha256 && !rf->md5) || stat(path, &sb) != 0 || !size_fits(rf, (uint64_t)sb.st_size))
        return false;
    char hex[65];
    uint64_t size;
    l4r_error ig = {0};
    if (l4r_hash_file(path, rf->sha256 ? L4R_HASH_SHA256 : L4R_HASH_MD5, hex, &size, &ig) != L4R_OK)
        return false;
    return !strcmp(hex, rf->sha256 ? rf->sha256 : rf->md5);
}

/* The table of v read from the recipe file `name` that names its columns in a header line (csv or
 * delimited, one path), or NULL: the tables whose files can be told by their first line. */
static const l4r_table *header_table(const l4r_variant *v, const char *name)
{
    const l4r_table *ts[3] = {v->interactions, v->items, v->users};
    for (size_t i = 0; i < 3 + v->n_tables; i++) {
        const l4r_table *t = i < 3 ? ts[i] : v->tables[i - 3].t;
        if (t && t->header && !t->n_paths && (t->format == L4R_FMT_CSV || t->format == L4R_FMT_DELIM) &&
            !strcmp(t->path, name))
            return t;
    }
    return NULL;
}

/* Whether `name` is a field of the header line [h, h + n) split on t's delimiter (a CSV field may
 * be quoted). */
static bool header_has(const l4r_table *t, const char *h, size_t n, const char *name)
{
    size_t dl = strlen(t->delim), nl = strlen(name);
    const char *p = h, *end = h + n;
    while (p <= end) {
        const char *q = p;
        while (q < end && !(q + dl <= end && !memcmp(q, t->delim, dl)))
            q++;
        const char *a = p, *b = q;
        if (t->format == L4R_FMT_CSV && b - a >= 2 && a[0] == '"' && b[-1] == '"') {
            a++;
            b--;
        }
        if ((size_t)(b - a) == nl && !memcmp(a, name, nl))
            return true;
        p = q + dl;
    }
    return false;
}

/* Whether the file at `path` can be recipe file rf by its content when the recipe has no digest
 * of it: its size fits (when known) and its first line names every column its table reads (the
 * fields', filters' and explode's columns).  PixelRec's interaction and item files share one name
 * on Drive and are told apart this way: item_id,user_id,timestamp against item_id,title,... */
static bool header_fits(const l4r_variant *v, const l4r_rfile *rf, const char *path)
{
    const l4r_table *t = header_table(v, rf->name);
    struct stat sb;
    if (!t || stat(path, &sb) != 0 || !size_fits(rf, (uint64_t)sb.st_size))
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t off = n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
    const char *nlp = memchr(buf + off, '\n', n - off);
    if (!nlp)
        return false; /* no whole first line in 64 KiB: no header of a table */
    size_t len = (size_t)(nlp - buf) - off;
    if (len && buf[off + len - 1] == '\r')
        len--;
    int arg;
    for (size_t k = 0; k < t->n_map; k++) {
        const char *src = t->map[k].src;
        if (src && l4r_source_classify(t, src, &arg) == L4R_SRC_COLUMN && !header_has(t, buf + off, len, src))
            return false;
    }
    for (size_t g = 0; g < t->n_filters; g++)
        if (l4r_source_classify(t, t->filters[g].column, &arg) == L4R_SRC_COLUMN &&
            !header_has(t, buf + off, len, t->filters[g].column))
            return false;
    if (t->explode && !header_has(t, buf + off, len, t->explode->column))
        return false;
    if (t->explode && t->explode->append && !header_has(t, buf + off, len, t->explode->append))
        return false;
    return true;
}

/* The one recipe file of v other than `not` (-1: none excluded) that the file at `path` fits by
 * its header (header_fits); -1 when none or several do. */
static int header_match(const l4r_variant *v, const char *path, int not, const char **by_file)
{
    int found = -1;
    for (size_t j = 0; j < v->n_files; j++) {
        if ((int)j == not || (by_file && by_file[j]) || !header_fits(v, &v->files[j], path))
            continue;
        if (found >= 0)
            return -1;
        found = (int)j;
    }
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of directory d, sorted (dot files and fetch's own .part files left out). */
static void list_dir(const char *d, offer **o, size_t *n, size_t *cap)
{
    DIR *dh = opendir(d);
    if (!dh)
        return;
    char **names = NULL;
    size_t nn = 0;
    for (struct dirent *de; (de = readdir(dh));) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || (len > 5 && !strcmp(de->d_name + len - 5, ".part")))
            continue;
        char *p = l4r_path_join(d, de->d_name);
        if (!l4r_is_file(p)) {
            free(p);
            continue;
        }
        names = l4r_xrealloc(names, (nn + 1) * sizeof *names);
        names[nn++] = p;
    }
    closedir(dh);
    if (nn) /* qsort must not be given the NULL of an empty list */
        qsort(names, nn, sizeof *names, cmp_str);
    for (size_t k = 0; k < nn; k++) {
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 8;
            *o = l4r_xrealloc(*o, *cap * sizeof **o);
        }
        (*o)[(*n)++] = (offer){names[k], true, false};
    }
    free(names);
}

/* Which recipe file each --from stands for (by_file; the paths are owned by *owned, freed by the
 * caller).  A --from is a file or a directory of files.  In this order: the file of the same name;
 * then, for a recipe file not matched yet whose sha256 or md5 the recipe records, the offered file
 * with that content (a download the browser renamed); then, when one recipe file and one given
 * file are left, that one.  A given file that matches nothing, or two that stand for one recipe
 * file, is a usage error naming the variant's files; a directory's other files are ignored, but a
 * directory that offers nothing is an error too. */
static l4r_status match_from(const char *what, const l4r_variant *v, const char **from, size_t n_from,
                             const char **by_file, char ***owned, size_t *n_owned, l4r_error *e)
{
    offer *of = NULL;
    size_t n = 0, cap = 0;
    l4r_status st = L4R_OK;
    for (size_t k = 0; k < n_from; k++) {
        if (l4r_is_dir(from[k])) {
            size_t before = n;
            list_dir(from[k], &of, &n, &cap);
            if (n == before) {
                st = l4r_err(e, L4R_EUSAGE, "--from '%s' is a directory without files", from[k]);
                goto out;
            }
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            of = l4r_xrealloc(of, cap * sizeof *of);
        }
        of[n++] = (offer){l4r_xstrdup(from[k]), false, false};
    }
    /* 1. by name; a file of one of the variant's names whose first line says it is another of
     * its files is that one (PixelRec's same-named interaction and item files) */
    for (size_t k = 0; k < n; k++) {
        const char *base = l4r_path_base(of[k].path);
        for (size_t i0 = 0; i0 < v->n_files; i0++) {
            if (strcmp(v->files[i0].name, base))
                continue;
            size_t i = i0;
            if (header_table(v, v->files[i0].name) && !header_fits(v, &v->files[i0], of[k].path)) {
                int alt = header_match(v, of[k].path, (int)i0, NULL);
                if (alt >= 0)
                    i = (size_t)alt;
            }
            if (by_file[i]) {
                st = l4r_err(e, L4R_EUSAGE, "--from '%s' and --from '%s' both stand for '%s'", by_file[i],
                             of[k].path, v->files[i].name);
                goto out;
            }
            by_file[i] = of[k].path;
            of[k].used = true;
        }
    }
    /* 2. by content, for the files the recipe has a digest of */
    for (size_t i = 0; i < v->n_files; i++) {
        if (by_file[i] || (!v->files[i].sha256 && !v->files[i].md5))
            continue;
        for (size_t k = 0; k < n && !by_file[i]; k++) {
            if (!of[k].used && content_is(&v->files[i], of[k].path)) {
                by_file[i] = of[k].path;
                of[k].used = true;
            }
        }
    }
    /* 2b. by the header line, for a file given by itself (not one of a directory's) that the
     * recipe has no digest of: a renamed CSV whose columns are one table's */
    for (size_t k = 0; k < n; k++) {
        if (of[k].used || of[k].in_dir)
            continue;
        int i = header_match(v, of[k].path, -1, by_file);
        if (i >= 0 && !v->files[i].sha256 && !v->files[i].md5) {
            by_file[i] = of[k].path;
            of[k].used = true;
        }
    }
    /* 3. the one left */
    size_t left_files = 0, left_given = 0, fi = 0, gk = 0;
    for (size_t i = 0; i < v->n_files; i++)
        if (!by_file[i]) {
            left_files++;
            fi = i;
        }
    for (size_t k = 0; k < n; k++)
        if (!of[k].used && !of[k].in_dir) {
            left_given++;
            gk = k;
        }
    if (left_files == 1 && left_given == 1 && n_from == 1 && v->n_files == 1) {
        by_file[fi] = of[gk].path;
        of[gk].used = true;
        left_given = 0;
    }
    for (size_t k = 0; k < n; k++) {
        if (of[k].used || of[k].in_dir)
            continue;
        l4r_buf names = {0};
        for (size_t i = 0; i < v->n_files; i++) {
            l4r_buf_addf(&names, "%s'%s'", i ? ", " : "", v->files[i].name);
            if (v->files[i].size >= 0)
                l4r_buf_addf(&names, " (%lld bytes)", (long long)v->files[i].size);
        }
        st = l4r_err(
            e, L4R_EUSAGE,
            "--from '%s' matches no file of %s by name or content%s (its files: %s); rename it to the "
            "file it is",
            of[k].path, what, "" /* content: a digest, or a table's header line */, l4r_buf_cstr(&names));
        l4r_buf_free(&names);
        goto out;
    }
    bool any = false;
    for (size_t k = 0; k < n; k++)
        any = any || of[k].used;
    if (n && !any) {
        st = l4r_err(e, L4R_EUSAGE, "--from: no file in '%s' is one of %s's files", from[0], what);
        goto out;
    }
out:
    for (size_t k = 0; k < n; k++) {
        if (of[k].used && st == L4R_OK) {
            *owned = l4r_xrealloc(*owned, (*n_owned + 1) * sizeof **owned);
            (*owned)[(*n_owned)++] = of[k].path;
        } else {
            free(of[k].path);
        }
    }
    if (st)
        for (size_t i = 0; i < v->n_files; i++)
            by_file[i] = NULL;
    free(of);
    return st;
}

/* See fetch.h.  The fetch above holds the lock exclusively while it changes the directory; readers
 * share it. */
l4r_status l4r_variant_hold(const char *dir, const char *what, const l4r_fetch_opts *o, int *fd_out,
                            l4r_error *e)
{
    char *p = l4r_path_join(dir, ".lock");
    l4r_status st = L4R_OK;
    *fd_out = -1;
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        goto out; /* a read-only data directory without a lock file: nobody fetches into it */
    bool busy;
    st = l4r_flock_try(fd, LOCK_SH, p, &busy, e);
    if (st == L4R_OK && busy) {
        logf_(o, 0, "waiting for a fetch of %s to finish (lock '%s')", what, p);
        st = l4r_flock_wait(fd, LOCK_SH, p, e);
    }
    if (st)
        goto out;
    *fd_out = fd;
    fd = -1;
out:
    if (fd >= 0)
        close(fd);
    free(p);
    return st;
}

/* ---- leftovers of a killed fetch ---- */

/* Temporaries only a fetch holding the variant lock creates: unpack directories and the stamp's
 * temporary file.  Never a .part: that is a download to resume. */
static bool is_leftover(const char *n)
{
    return !strncmp(n, ".l4r-unpack.", 12) || !strncmp(n, STAMP_NAME ".tmp.", strlen(STAMP_NAME ".tmp."));
}

static bool has_leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    for (struct dirent *de = readdir(d); de && !found; de = readdir(d))
        found = is_leftover(de->d_name);
    closedir(d);
    return found;
}

/* Called with the variant lock held: whatever is_leftover() here was left by a process that held
 * the lock before us and is gone (a SIGKILL, a power cut), so it is removed. */
static l4r_status remove_leftovers(const char *dir, const l4r_fetch_opts *o, l4r_error *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return l4r_err(e, L4R_EIO, "cannot open directory '%s': %s", dir, strerror(errno));
    l4r_status st = L4R_OK;
    for (struct dirent *de = readdir(d); de && st == L4R_OK; de = readdir(d)) {
        if (!is_leftover(de->d_name))
            continue;
        char *p = l4r_path_join(dir, de->d_name);
        st = l4r_rmtree(p, e);
        if (st == L4R_OK)
            logf_(o, 0, "removed '%s', left behind by a fetch that was killed", p);
        free(p);
    }
    closedir(d);
    return st;
}

static bool has_digest(const l4r_rfile *rf)
{
    return rf->md5 || rf->sha256;
}

static const char *human(uint64_t n, char *buf, size_t cap)
{
    static const char *const unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double x = (double)n;
    int u = 0;
    while (x >= 1024 && u < 6) {
        x /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, cap, "%llu bytes", (unsigned long long)n);
    else
        snprintf(buf, cap, "%.1f %s", x, unit[u]);
    return buf;
}

/* The ceiling for one archive (fetch.h, max_unpacked) and where it comes from. */
static uint64_t unpack_ceiling(const l4r_rfile *rf, uint64_t arc_size, const l4r_fetch_opts *o, char *why,
                               size_t cap)
{
    char h1[32];
    if (o->max_unpacked) {
        snprintf(why, cap, "set with --max-unpacked");
        return o->max_unpacked;
    }
    if (rf->unpacked_size) {
        uint64_t slack = rf->unpacked_size / 100;
        if (slack < ((uint64_t)64 << 10))
            slack = (uint64_t)64 << 10;
        snprintf(why, cap, "1%% (at least 64 KiB) above the recipe's unpacked_size of %llu bytes",
                 (unsigned long long)rf->unpacked_size);
        return rf->unpacked_size > UINT64_MAX - slack ? UINT64_MAX : rf->unpacked_size + slack;
    }
    uint64_t c = arc_size > UINT64_MAX / L4R_UNPACK_RATIO ? UINT64_MAX : arc_size * L4R_UNPACK_RATIO;
    if (c < L4R_UNPACK_FLOOR) {
        snprintf(why, cap,
                 "the least ceiling, as %d times the archive's %s is less; the recipe gives no unpacked_size",
                 L4R_UNPACK_RATIO, human(arc_size, h1, sizeof h1));
        return L4R_UNPACK_FLOOR;
    }
    snprintf(why, cap, "%d times the archive's %s; the recipe gives no unpacked_size", L4R_UNPACK_RATIO,
             human(arc_size, h1, sizeof h1));
    return c;
}

/* Refuse to start unpacking what cannot fit: the recipe's unpacked_size, else the archive's own size
 * as a lower bound. */
static l4r_status check_space(const char *dir, const char *arc, const l4r_rfile *rf, uint64_t arc_size,
                              l4r_error *e)
{
    struct statvfs sv;
    if (statvfs(dir, &sv) != 0)
        return l4r_err(e, L4R_EIO, "cannot query the free space of '%s': %s", dir, strerror(errno));
    uint64_t avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
    uint64_t need = rf->unpacked_size ? rf->unpacked_size : arc_size;
    if (need <= avail)
        return L4R_OK;
    char h1[32], h2[32];
    return l4r_err(e, L4R_EIO,
                   "not enough free space to unpack '%s': it needs %s%s (%s) but '%s' has %s free; free some "
                   "space or use another --data-dir",
                   arc, rf->unpacked_size ? "" : "at least ", human(need, h1, sizeof h1),
                   rf->unpacked_size ? "the recipe's unpacked_size" : "the archive's own size", dir,
                   human(avail, h2, sizeof h2));
}

/* The archives inside an archive (the file's unpack_nested), after the archive itself unpacked its
 * entries into dir (they are un->v[first..]), outer before inner: each, an unpacked file whose
 * content must be an archive (told by content, as convert --raw tells it), unpacks into a fresh
 * DIR/.l4r-unpack.* directory that then takes the archive's own place and name, so that
 * "Yelp JSON/yelp_dataset.tar/review.json" names on disk the bytes convert --raw reads as that member
 * path.  In the stamp's list the inner archive gives way to its files.  All the archives of the file
 * share one ceiling: `used` bytes of `ceiling` are spent by the outer one. */
static l4r_status unpack_nested(const char *dir, const char *arc, const l4r_rfile *rf, uint64_t ceiling,
                                const char *why, uint64_t used, l4r_unpacked *un, size_t first, l4r_error *e)
{
    l4r_status st = L4R_OK;
    bool *done = l4r_xcalloc(rf->n_unpack_nested + 1, sizeof *done);
    for (size_t round = 0; st == L4R_OK && round < rf->n_unpack_nested; round++) {
        size_t pick = SIZE_MAX; /* the shortest not done: an archive before the archives inside it */
        for (size_t i = 0; i < rf->n_unpack_nested; i++)
            if (!done[i] &&
                (pick == SIZE_MAX || strlen(rf->unpack_nested[i]) < strlen(rf->unpack_nested[pick])))
                pick = i;
        done[pick] = true;
        const char *name = rf->unpack_nested[pick];
        size_t x = first;
        while (x < un->n && strcmp(un->v[x].name, name))
            x++;
        if (x == un->n) {
            st = l4r_err(
                e, L4R_EARCHIVE,
                "'%s' holds no file '%s' to unpack in turn (the recipe's unpack_nested names it): the "
                "archive is not the one the recipe describes",
                arc, name);
            break;
        }
        char *inner = l4r_path_join(dir, name);
        char *tmp = l4r_xasprintf("%s/.l4r-unpack.XXXXXX", dir);
        l4r_archive_kind k;
        st = l4r_archive_sniff(inner, &k, e);
        if (st == L4R_OK && !k.is_archive)
            st = l4r_err(e, L4R_EARCHIVE,
                         "'%s' (unpacked from '%s') is not an archive, so it cannot be unpacked in turn; a "
                         "compressed file is read as it is: drop it from unpack_nested",
                         inner, arc);
        if (st == L4R_OK && !rf->unpacked_size) {
            l4r_rfile none = {0};
            st = check_space(dir, inner, &none, un->v[x].size, e);
        }
        if (st == L4R_OK && !mkdtemp(tmp))
            st = l4r_err(e, L4R_EIO, "cannot create a directory in '%s': %s", dir, strerror(errno));
        else if (st == L4R_OK) {
            char left[400];
            snprintf(left, sizeof left,
                     "what is left of the ceiling of %llu bytes for '%s' and the archives in it, %s",
                     (unsigned long long)ceiling, l4r_path_base(arc), why);
            l4r_unpack_opts uo = {0};
            uo.max_bytes = used < ceiling ? ceiling - used : 0;
            uo.limit_why = left;
            l4r_unpacked got = {0};
            st = l4r_unpack(inner, tmp, &uo, &got, e);
            if (st == L4R_OK && unlink(inner) != 0)
                st = l4r_err(e, L4R_EIO, "cannot remove '%s': %s", inner, strerror(errno));
            if (st == L4R_OK && rename(tmp, inner) != 0)
                st = l4r_err(e, L4R_EIO, "cannot rename '%s' to '%s': %s", tmp, inner, strerror(errno));
            if (st == L4R_OK) {
                used += got.bytes;
                free(un->v[x].name);
                memmove(&un->v[x], &un->v[x + 1], (un->n - x - 1) * sizeof *un->v);
                un->n--;
                for (size_t i = 0; i < got.n; i++) {
                    char *full = l4r_xasprintf("%s/%s", name, got.v[i].name);
                    l4r_unpacked_add(un, full, got.v[i].size, got.v[i].sha256, got.v[i].mtime_ns);
                    free(full);
                }
            } else {
                l4r_error e2;
                l4r_rmtree(tmp, &e2);
            }
            l4r_unpacked_free(&got);
        }
        free(tmp);
        free(inner);
    }
    free(done);
    return st;
}

/* A gated variant needs a --from for every file it must fetch. */
static l4r_status manual_check(const char *what, const l4r_recipe *r, const l4r_variant *v,
                               const char **by_file, const bool *need, l4r_error *e)
{
    if (!v->manual)
        return L4R_OK;
    l4r_buf missing = {0}, list = {0}, cmd = {0};
    for (size_t i = 0; i < v->n_files; i++) {
        if (by_file[i] || (need && !need[i]))
            continue;
        const l4r_rfile *f = &v->files[i];
        l4r_buf_addf(&missing, "%s'%s'", missing.len ? ", " : "", f->name);
        l4r_buf_addf(&list, "\n  %s", f->name);
        if (f->size >= 0)
            l4r_buf_addf(&list, "  %lld bytes", (long long)f->size);
        if (f->sha256)
            l4r_buf_addf(&list, "  sha256 %s", f->sha256);
        else if (f->md5)
            l4r_buf_addf(&list, "  md5 %s", f->md5);
        l4r_buf_addf(&cmd, " --from %s", f->name);
    }
    l4r_status st = L4R_OK;
    if (missing.len)
        st = l4r_err(e, L4R_EMANUAL,
                     "%s must be downloaded by hand (missing %s): %s\nthe file%s to download:%s\nthen run: "
                     "llm4rec-data fetch %s --variant %s%s\n(--from also takes the directory they are in; a "
                     "renamed file is recognised by its checksum where the recipe has one)",
                     what, l4r_buf_cstr(&missing), v->manual, strchr(l4r_buf_cstr(&missing), ',') ? "s" : "",
                     l4r_buf_cstr(&list), r->dataset, v->name, l4r_buf_cstr(&cmd));
    l4r_buf_free(&missing);
    l4r_buf_free(&list);
    l4r_buf_free(&cmd);
    return st;
}

/* See fetch.h. */
l4r_status l4r_variant_check_pins(const l4r_recipe *r, const l4r_variant *v, const l4r_fetch_opts *o,
                                  l4r_error *e)
{
    char *lock_path = l4r_lockfile_path(o->data_dir, o->lock_path);
    char *dir = l4r_variant_dir(o->data_dir, r, v);
    char *what = l4r_xasprintf("%s/%s", r->dataset, v->name);
    l4r_lockfile *lk = NULL;
    l4r_status st = l4r_lockfile_load(lock_path, &lk, e);
    if (st == L4R_OK)
        st = l4r_lockfile_check_fetched(lk, lock_path, r, v, dir, what, e);
    if (st == L4R_EIO) {
        /* as for a variant found complete: a read-only data directory still serves what it holds */
        logf_(o, 1, "%s; %s stays unpinned", e->msg, what);
        st = L4R_OK;
    }
    l4r_lockfile_free(lk);
    free(what);
    free(dir);
    free(lock_path);
    return st;
}

/* One fetch of one variant: what it works on, and what the steps below find and decide about each
 * file as they go.  l4r_fetch_variant owns every pointer here and frees them at its end. */
typedef struct job {
    const l4r_recipe *r;
    const l4r_variant *v;
    const l4r_fetch_opts *o;
    const char *what;      /* "DATASET/VARIANT", for messages */
    const char *dir;       /* DATA/DATASET/VARIANT */
    const char *lock_path; /* the lock file that pins what was fetched */
    l4r_lockfile *lk;
    const char **by_file; /* per file: the --from file that stands for it, or NULL */
    char **from_paths;    /* the paths by_file points to (owned) */
    size_t n_from_paths;
    l4r_lock_entry *pins; /* per file: what the lock file records once the variant is complete */
    got_file *got;        /* per file: where it came from, its size, sha256 and time */
    bool *fetch;          /* per file: must be fetched (or registered) */
    bool *hashed;         /* per file: kept, and verified by hashing */
    json_t *stamp;        /* the stamp found under the lock (NULL with --force, or none) */
    l4r_unpacked un;      /* the unpacked files the stamp lists, then those unpacked now */
    bool unpack;          /* the archives must be unpacked (again) */
    bool dirty;           /* the stamp must be rewritten even if nothing else is done */
} job;

/* Step: refuse a recipe whose names cannot be used on disk before anything is looked at there. */
static l4r_status check_names(const job *j, l4r_error *e)
{
    const l4r_variant *v = j->v;
    if (!safe_rel_name(j->r->dataset, false) || !safe_rel_name(v->name, true))
        return l4r_err(e, L4R_ERECIPE, "%s: the dataset or variant name cannot be used as a directory",
                       j->what);
    for (size_t i = 0; i < v->n_files; i++) {
        const char *nm = v->files[i].name;
        if (!safe_rel_name(nm, false) || nm[0] == '.' || !v->files[i].url)
            return l4r_err(e, L4R_ERECIPE, "%s: file '%s' has an unusable name or no url", j->what,
                           nm ? nm : "");
    }
    if (v->n_files == 0)
        return l4r_err(e, L4R_ERECIPE, "%s lists no files to fetch", j->what);
    return L4R_OK;
}

/* Step: --from and every --from-file, in that order, matched to the files they stand for
 * (j->by_file), so that a wrong one is a usage error before the lock is taken. */
static l4r_status match_from_opts(job *j, l4r_error *e)
{
    const l4r_fetch_opts *o = j->o;
    size_t n_from = 0;
    const char **from = l4r_xcalloc(o->n_from_files + (o->from ? 1 : 0) + 1, sizeof *from);
    if (o->from)
        from[n_from++] = o->from;
    for (size_t k = 0; k < o->n_from_files; k++)
        from[n_from++] = o->from_files[k];
    l4r_status st = match_from(j->what, j->v, from, n_from, j->by_file, &j->from_paths, &j->n_from_paths, e);
    free(from);
    return st;
}

/* Step: a gated variant without a stamp needs a --from for every file, known before the directory
 * is made; with a stamp, only for the files found missing or changed (checked later). */
static l4r_status manual_check_unstamped(const job *j, l4r_error *e)
{
    if (!j->v->manual)
        return L4R_OK;
    char *sp = l4r_path_join(j->dir, STAMP_NAME);
    bool stamped = !j->o->force && l4r_is_file(sp);
    free(sp);
    if (stamped)
        return L4R_OK;
    return manual_check(j->what, j->r, j->v, j->by_file, NULL, e);
}

/* Step: which downloads are still good, by the stamp found under the lock (someone may have
 * finished while we waited); one whose size or mtime changed since the stamp is hashed here.  A kept
 * file gets its record in j->got; the others are marked in j->fetch. */
static void review_downloads(job *j)
{
    const l4r_variant *v = j->v;
    const l4r_fetch_opts *o = j->o;
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *rf = &v->files[i];
        json_t *f = stamp_entry(j->stamp, rf->name);
        srec s;
        if (!f || !entry_ok(f, rf) || !srec_get(f, &s)) {
            j->fetch[i] = true;
            /* a new archive must replace what the old one unpacked, even when that is intact */
            if (rf->unpack)
                j->unpack = true;
            if (f)
                logf_(o, 0,
                      "the recipe's size or checksum of '%s' differs from the fetched file's; fetching it "
                      "again",
                      rf->name);
            continue;
        }
        char now[65] = "";
        disk_state d = on_disk(j->dir, &s, true, now);
        if (d == DISK_MISSING) {
            logf_(o, 1, "'%s' of %s is missing; fetching it again", rf->name, j->what);
            j->fetch[i] = true;
        } else if (d == DISK_CHANGED) {
            logf_(
                o, 1,
                "'%s' of %s changed on disk since it was fetched (sha256 %s, recorded %s); fetching it again",
                rf->name, j->what, now[0] ? now : "not computed: the size differs", s.sha256);
            j->fetch[i] = true;
        } else {
            j->hashed[i] = d == DISK_HASHED;
            j->dirty = j->dirty || d == DISK_HASHED;
            json_t *ju = json_object_get(f, "url");
            json_t *jt = json_object_get(f, "time");
            j->got[i].url = l4r_xstrdup(json_is_string(ju) ? json_string_value(ju) : rf->url);
            j->got[i].size = (uint64_t)s.size;
            snprintf(j->got[i].sha256, sizeof j->got[i].sha256, "%s", s.sha256);
            snprintf(j->got[i].when, sizeof j->got[i].when, "%s",
                     json_is_string(jt) ? json_string_value(jt) : "");
        }
        if (j->fetch[i] && rf->unpack)
            j->unpack = true;
    }
}

/* Step: when no archive must be unpacked for its own sake, are the files the stamp lists as
 * unpacked still there and the same?  They are collected in j->un; the first that is not sets
 * j->unpack. */
static void review_unpacked(job *j)
{
    json_t *ua = json_object_get(j->stamp, "unpacked");
    if (!json_is_array(ua)) {
        j->unpack = true;
        if (j->stamp)
            logf_(j->o, 0,
                  "the stamp of %s lists no unpacked files (an older version wrote it); unpacking again",
                  j->what);
    }
    size_t k;
    json_t *u;
    json_array_foreach(ua, k, u)
    {
        srec s;
        char now[65] = "";
        disk_state d = DISK_CHANGED;
        if (srec_get(u, &s) && unpacked_name_ok(s.name))
            d = on_disk(j->dir, &s, true, now);
        else
            s.name = "(a bad record of the stamp)";
        if (d == DISK_MISSING || d == DISK_CHANGED) {
            logf_(j->o, 1, "'%s', unpacked from an archive of %s, %s since it was unpacked; unpacking again",
                  s.name, j->what, d == DISK_MISSING ? "is missing" : "changed on disk");
            j->unpack = true;
            break;
        }
        j->dirty = j->dirty || d == DISK_HASHED;
        l4r_unpacked_add(&j->un, s.name, (uint64_t)s.size, s.sha256, 0);
    }
}

/* Step, before the archives unpack again: the files the previous unpack left (the stamp's list) go,
 * so that one the new archive no longer has cannot be read as if it were part of it (a release
 * that dropped or renamed a file).  Only regular files of the recorded size are removed: anything
 * else is not what we wrote, and stays. */
static void remove_unpacked(job *j, json_t *stamp)
{
    json_t *ua = json_object_get(stamp, "unpacked");
    size_t k;
    json_t *u;
    json_array_foreach(ua, k, u)
    {
        srec s;
        if (!srec_get(u, &s) || !unpacked_name_ok(s.name))
            continue;
        char *p = l4r_path_join(j->dir, s.name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) && (int64_t)sb.st_size == s.size && unlink(p) == 0)
            logf_(j->o, 1, "removed '%s', unpacked from the previous archive of %s", s.name, j->what);
        free(p);
    }
}

/* Step, before the archives unpack again: an archive is unpacked only from a verified copy, so one
 * kept on its size and mtime alone is hashed now, and fetched again if it no longer matches. */
static void reverify_archives(job *j)
{
    const l4r_variant *v = j->v;
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *rf = &v->files[i];
        if (j->fetch[i] || !rf->unpack || j->hashed[i])
            continue;
        char *p = l4r_path_join(j->dir, rf->name);
        char sha[65];
        if (l4r_verify_file(p, rf->name, (int64_t)j->got[i].size, rf->md5, j->got[i].sha256, sha, NULL) !=
            L4R_OK) {
            logf_(j->o, 1, "'%s' of %s changed on disk since it was fetched; fetching it again", rf->name,
                  j->what);
            j->fetch[i] = true;
            free(j->got[i].url);
            j->got[i].url = NULL;
        }
        free(p);
    }
}

/* Step: the stamp goes before anything in the directory changes, so that a fetch killed from here
 * on leaves a variant that reads as not fetched. */
static l4r_status remove_stamp(const char *dir, l4r_error *e)
{
    char *sp = l4r_path_join(dir, STAMP_NAME);
    l4r_status st = L4R_OK;
    if (unlink(sp) != 0 && errno != ENOENT)
        st = l4r_err(e, L4R_EIO, "cannot remove '%s': %s", sp, strerror(errno));
    free(sp);
    return st;
}

/* Step: every file marked in j->fetch is registered from its --from, found already verified, or
 * downloaded, against the recipe's digests or else the lock file's pin; every file, kept or
 * fetched, gets its pin in j->pins.  Stops at the first file that fails. */
/* Step, before anything is downloaded: a variant whose download needs terms accepted ("terms")
 * goes on only with --accept-license; a file registered with --from was downloaded by the user,
 * who saw the terms where they got it. */
static l4r_status terms_check(job *j, l4r_error *e)
{
    const l4r_variant *v = j->v;
    if (!v->terms || j->o->accept_license)
        return L4R_OK;
    for (size_t i = 0; i < v->n_files; i++)
        if (j->fetch[i] && !j->by_file[i])
            return l4r_err(
                e, L4R_EMANUAL,
                "%s may be downloaded only by someone who accepts its terms: %s; read them, and if "
                "you accept them, run 'llm4rec-data fetch %s --variant %s --accept-license' (convert "
                "takes --accept-license too)",
                j->what, v->terms, j->r->dataset, v->name);
    return L4R_OK;
}

/* Step, before the stamp goes: a file to fetch whose recipe digest contradicts the lock file's pin
 * fails now, leaving the variant as it was (stamp and unpacked files), not after the stamp is
 * removed, which would leave intact old files that no stamp describes. */
static l4r_status expect_pins(job *j, l4r_error *e)
{
    const l4r_variant *v = j->v;
    for (size_t i = 0; i < v->n_files; i++) {
        if (!j->fetch[i])
            continue;
        l4r_rfile rfl;
        char pin[65];
        char *key = l4r_lockfile_key(j->r, v, &v->files[i]);
        l4r_status st = l4r_lockfile_expect(j->o->update_lock ? NULL : j->lk, j->lock_path, key, &v->files[i],
                                            &rfl, pin, e);
        free(key);
        if (st != L4R_OK)
            return st;
    }
    return L4R_OK;
}

static l4r_status fetch_downloads(job *j, l4r_error *e)
{
    const l4r_variant *v = j->v;
    const l4r_fetch_opts *o = j->o;
    for (size_t i = 0; i < v->n_files; i++) {
        /* rf: what the download must match, the recipe's digests or else the lock file's pin */
        l4r_rfile rfl;
        char pin[65];
        got_file *g = &j->got[i];
        l4r_lock_entry *pe = &j->pins[i];
        pe->key = l4r_lockfile_key(j->r, v, &v->files[i]);
        if (!j->fetch[i]) {
            /* kept: verified against the stamp above; pinned (and so checked) with the rest */
            pe->url = g->url;
            pe->size = g->size;
            memcpy(pe->sha256, g->sha256, 65);
            continue;
        }
        l4r_status st = l4r_lockfile_expect(o->update_lock ? NULL : j->lk, j->lock_path, pe->key,
                                            &v->files[i], &rfl, pin, e);
        if (st != L4R_OK)
            return st;
        const l4r_rfile *rf = &rfl;
        char *dest = l4r_path_join(j->dir, rf->name);
        if (j->by_file[i]) {
            st = l4r_register_file(j->by_file[i], dest, rf->size, rf->md5, rf->sha256, g->sha256, e);
            if (st == L4R_OK)
                g->url = file_url(j->by_file[i]);
        } else if (!o->force && has_digest(rf) && l4r_is_file(dest) &&
                   l4r_verify_file(dest, rf->name, rf->size, rf->md5, rf->sha256, g->sha256, NULL) ==
                       L4R_OK) {
            /* verified earlier, but a later step (unpack) failed before the stamp was written */
            g->url = l4r_xstrdup(rf->url);
            st = L4R_OK;
        } else {
            st = download_one(rf, dest, o, g, e);
        }
        if (st == L4R_OK) {
            st = l4r_file_size(dest, &g->size, e);
            utc_now(g->when, sizeof g->when);
        }
        free(dest);
        if (st == L4R_ECHECKSUM && pin[0])
            l4r_lockfile_explain(e, j->lock_path, pe->key, j->what);
        if (st != L4R_OK)
            return st;
        if (!has_digest(rf))
            logf_(o, 1,
                  "no checksum is known for '%s' of %s; fetched it unverified, its sha256 is %s "
                  "(pinned in the lock file '%s' once the variant is complete)",
                  rf->name, j->what, g->sha256, j->lock_path);
        pe->url = g->url;
        pe->size = g->size;
        memcpy(pe->sha256, g->sha256, 65);
    }
    return L4R_OK;
}

/* Step: every archive unpacks into the variant directory, in recipe order, under its ceiling and
 * after the free-space check, with the names of the other downloads reserved; then the archives its
 * unpack_nested lists.  What they unpack is added to j->un. */
static l4r_status unpack_archives(job *j, l4r_error *e)
{
    const l4r_variant *v = j->v;
    const char *dir = j->dir;
    l4r_status st = L4R_OK;
    const char **siblings = l4r_xcalloc(v->n_files + 1, sizeof *siblings);
    for (size_t i = 0; st == L4R_OK && i < v->n_files; i++) {
        const l4r_rfile *rf = &v->files[i];
        if (!rf->unpack)
            continue;
        size_t ns = 0;
        for (size_t k = 0; k < v->n_files; k++)
            if (k != i)
                siblings[ns++] = v->files[k].name;
        char why[200];
        l4r_unpack_opts uo = {0};
        uo.max_bytes = unpack_ceiling(rf, j->got[i].size, j->o, why, sizeof why);
        uo.limit_why = why;
        uo.siblings = siblings;
        uo.n_siblings = ns;
        char *arc = l4r_path_join(dir, rf->name);
        st = check_space(dir, arc, rf, j->got[i].size, e);
        size_t first = j->un.n;
        uint64_t before = j->un.bytes;
        if (st == L4R_OK)
            st = l4r_unpack(arc, dir, &uo, &j->un, e);
        if (st == L4R_OK && rf->n_unpack_nested)
            st = unpack_nested(dir, arc, rf, uo.max_bytes, why, j->un.bytes - before, &j->un, first, e);
        free(arc);
    }
    free(siblings);
    return st;
}

/* The steps, in order: check the names and the --from files, load the lock file, return early when
 * the quick check finds the variant done, take the variant lock and clear a killed fetch's leftovers,
 * review what is still good, then (stamp removed) fetch, unpack, write the stamp and pin. */
l4r_status l4r_fetch_variant(const l4r_recipe *r, const l4r_variant *v, const l4r_fetch_opts *o_in,
                             l4r_fetch_result *res, l4r_error *e)
{
    l4r_fetch_opts od = *o_in;
    l4r_fetch_opts_defaults(&od);
    od.force = od.force || od.update_lock;
    const l4r_fetch_opts *o = &od;
    l4r_status st = L4R_OK;
    char *lock_path = l4r_lockfile_path(o->data_dir, o->lock_path);
    int lock_fd = -1;
    char *dir = NULL;
    char *what = l4r_xasprintf("%s/%s", r->dataset, v->name);
    json_t *old_stamp = NULL;
    job j = {0};
    j.r = r;
    j.v = v;
    j.o = o;
    j.what = what;
    j.lock_path = lock_path;
    j.pins = l4r_xcalloc(v->n_files + 1, sizeof *j.pins);
    j.by_file = l4r_xcalloc(v->n_files + 1, sizeof *j.by_file);
    j.got = l4r_xcalloc(v->n_files + 1, sizeof *j.got);
    j.fetch = l4r_xcalloc(v->n_files + 1, sizeof *j.fetch);
    j.hashed = l4r_xcalloc(v->n_files + 1, sizeof *j.hashed);
    res->already = false;
    res->dir = NULL;

    st = check_names(&j, e);
    if (st != L4R_OK)
        goto out;
    st = match_from_opts(&j, e);
    if (st != L4R_OK)
        goto out;

    st = l4r_lockfile_load(lock_path, &j.lk, e);
    if (st != L4R_OK)
        goto out;
    dir = l4r_variant_dir(o->data_dir, r, v);
    j.dir = dir;
    if (!o->force && !has_leftovers(dir) && fetched_in(dir, v, NULL)) {
        res->already = true;
        goto already;
    }
    st = manual_check_unstamped(&j, e);
    if (st != L4R_OK)
        goto out;
    st = l4r_mkdirs(dir, e);
    if (st != L4R_OK)
        goto out;
    st = take_lock(dir, what, o, &lock_fd, e);
    if (st != L4R_OK)
        goto out;
    st = remove_leftovers(dir, o, e);
    if (st != L4R_OK)
        goto out;

    /* What is still good?  Under the lock: someone may have finished while we waited. */
    j.stamp = o->force ? NULL : load_stamp(dir);
    review_downloads(&j);
    if (any_archive(v) && !j.unpack)
        review_unpacked(&j);
    bool all_kept = !j.unpack;
    for (size_t i = 0; i < v->n_files; i++)
        all_kept = all_kept && !j.fetch[i];
    if (all_kept) {
        /* nothing to fetch or unpack; files that were touched but still hash right get their new
         * mtime recorded, so they are trusted again next time */
        if (j.dirty) {
            /* the acceptance of an earlier fetch stays recorded */
            bool accepted = o->accept_license || json_object_get(j.stamp, "terms_accepted");
            st = write_stamp(dir, r, v, j.got, &j.un, accepted, e);
            if (st != L4R_OK)
                goto out;
            logf_(o, 0, "files of %s were touched on disk but still match their recorded sha256", what);
        }
        res->already = true;
        goto already;
    }
    if (j.unpack) {
        l4r_unpacked_free(&j.un);
        reverify_archives(&j);
    }
    st = manual_check(what, r, v, j.by_file, j.fetch, e);
    if (st != L4R_OK)
        goto out;
    st = terms_check(&j, e);
    if (st == L4R_OK)
        st = expect_pins(&j, e);
    if (st != L4R_OK)
        goto out;
    /* the stamp on disk, read before it goes even with --force: what the last unpack left */
    old_stamp = j.stamp ? json_incref(j.stamp) : load_stamp(dir);
    st = remove_stamp(dir, e);
    if (st != L4R_OK)
        goto out;

    st = fetch_downloads(&j, e);
    if (st != L4R_OK)
        goto out;
    if (j.unpack) {
        remove_unpacked(&j, old_stamp);
        st = unpack_archives(&j, e);
        if (st != L4R_OK)
            goto out;
    }
    st = write_stamp(dir, r, v, j.got, &j.un, o->accept_license, e);
    if (st != L4R_OK)
        goto out;
    st = l4r_lockfile_pin(lock_path, j.pins, v->n_files, o->update_lock, NULL, e);
    if (st != L4R_OK)
        goto out;
    res->dir = dir;
    dir = NULL;
    goto out;

already:
    st = l4r_lockfile_check_fetched(j.lk, lock_path, r, v, dir, what, e);
    if (st == L4R_EIO) {
        /* a read-only data directory still serves what it holds; the pins are checked above */
        logf_(o, 1, "%s; %s stays unpinned", e->msg, what);
        st = L4R_OK;
    }
    if (st != L4R_OK)
        goto out;
    if (!o->quiet_if_done)
        logf_(o, 0, "%s is already fetched and verified in %s; use --force to fetch again", what, dir);
    res->dir = dir;
    dir = NULL;
out:
    if (lock_fd >= 0)
        close(lock_fd); /* releases the flock */
    for (size_t i = 0; i < v->n_files; i++) {
        free(j.got[i].url);
        free(j.pins[i].key);
    }
    free(j.pins);
    l4r_lockfile_free(j.lk);
    free(lock_path);
    free(j.got);
    free(j.fetch);
    free(j.hashed);
    json_decref(j.stamp);
    json_decref(old_stamp);
    l4r_unpacked_free(&j.un);
    free(j.by_file);
    for (size_t k = 0; k < j.n_from_paths; k++)
        free(j.from_paths[k]);
    free(j.from_paths);
    free(dir);
    free(what);
    return st;
}
