/*
 * lockfile.c — read, check and merge the lock file (the format and the rules: lockfile.h).
 *
 * Reading is lock-free: the file is only ever replaced by rename(), so a reader sees the old or
 * the new file, never a mix.  Writing takes an flock() on a hidden sibling .NAME.flock (never on
 * the lock file itself, which rename() replaces: a lock on the old inode would not exclude a
 * writer that opened the new one), re-reads the file under it, merges, and renames a temporary
 * file over it.  The sibling is never removed, for the same reason as the variant's .lock.
 *
 * The text is written by hand rather than by json_dumps() of the whole tree: one entry per line
 * keeps a re-pin a one-line diff.  Strings go through json_dumps() so they are escaped properly.
 */
#include "fetch/lockfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util.h"

#define LOCK_CAP ((size_t)64 << 20)
#define LOCK_VERSION 1

struct l4r_lockfile {
    l4r_lock_entry *ents; /* sorted by key after load */
    size_t n, cap;
};

char *l4r_lockfile_path(const char *data_dir, const char *path)
{
    if (path && *path)
        return l4r_xstrdup(path);
    return l4r_path_join(data_dir, L4R_LOCKFILE_NAME);
}

char *l4r_lockfile_key(const l4r_recipe *r, const l4r_variant *v, const l4r_rfile *rf)
{
    return l4r_xasprintf("%s/%s/%s", r->dataset, v->name, rf->name);
}

void l4r_lockfile_free(l4r_lockfile *lk)
{
    if (!lk)
        return;
    for (size_t i = 0; i < lk->n; i++) {
        free(lk->ents[i].key);
        free(lk->ents[i].url);
    }
    free(lk->ents);
    free(lk);
}

static int cmp_ent(const void *a, const void *b)
{
    return strcmp(((const l4r_lock_entry *)a)->key, ((const l4r_lock_entry *)b)->key);
}

static int cmp_key(const void *key, const void *ent)
{
    return strcmp(key, ((const l4r_lock_entry *)ent)->key);
}

const l4r_lock_entry *l4r_lockfile_find(const l4r_lockfile *lk, const char *key)
{
    if (!lk || !lk->n)
        return NULL;
    return bsearch(key, lk->ents, lk->n, sizeof *lk->ents, cmp_key);
}

static l4r_lock_entry *add_ent(l4r_lockfile *lk)
{
    if (lk->n == lk->cap) {
        lk->cap = lk->cap ? lk->cap * 2 : 16;
        lk->ents = l4r_xrealloc(lk->ents, lk->cap * sizeof *lk->ents);
    }
    l4r_lock_entry *en = &lk->ents[lk->n++];
    memset(en, 0, sizeof *en);
    return en;
}

static bool sha_ok(const char *s, char *out)
{
    if (strlen(s) != 64)
        return false;
    for (int i = 0; i < 64; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        out[i] = c;
    }
    out[64] = 0;
    return true;
}

static l4r_status bad(l4r_error *e, const char *path, const char *fmt, ...) L4R_PRINTF(3, 4);
static l4r_status bad(l4r_error *e, const char *path, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return l4r_err(e, L4R_EPARSE,
                   "the lock file '%s' is not a valid lock file: %s; fix it (docs/fetch.md, "
                   "\"The lock file\") or remove it",
                   path, what);
}

static l4r_status parse(const char *path, const char *text, size_t len, l4r_lockfile *lk, l4r_error *e)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    l4r_status st = L4R_OK;
    if (!root) {
        char where[64];
        snprintf(where, sizeof where, "line %d column %d", je.line, je.column);
        return bad(e, path, "%s: %s", where, je.text);
    }
    const char *k;
    json_t *val;
    json_t *files = NULL;
    bool have_version = false;
    if (!json_is_object(root)) {
        st = bad(e, path, "the top level is not an object");
        goto out;
    }
    json_object_foreach(root, k, val)
    {
        if (!strcmp(k, "lock_version")) {
            if (!json_is_integer(val) || json_integer_value(val) != LOCK_VERSION) {
                st = bad(e, path, "'lock_version' is not 1 (written by a newer llm4rec-data?)");
                goto out;
            }
            have_version = true;
        } else if (!strcmp(k, "files")) {
            if (!json_is_object(val)) {
                st = bad(e, path, "'files' is not an object");
                goto out;
            }
            files = val;
        } else {
            st = bad(e, path, "unexpected key '%s' (want 'lock_version' and a 'files' object)", k);
            goto out;
        }
    }
    if (!have_version || !files) {
        st = bad(e, path, "'lock_version' or 'files' is missing");
        goto out;
    }
    json_object_foreach(files, k, val)
    {
        json_t *ju = json_object_get(val, "url");
        json_t *js = json_object_get(val, "size");
        json_t *jh = json_object_get(val, "sha256");
        char sha[65];
        if (!json_is_object(val) || json_object_size(val) != 3 || !json_is_string(ju) ||
            !json_is_integer(js) || json_integer_value(js) < 0 || !json_is_string(jh) ||
            !sha_ok(json_string_value(jh), sha)) {
            st = bad(e, path,
                     "entry '%s' is not {\"url\": URL, \"size\": BYTES, \"sha256\": 64 hex "
                     "digits}",
                     k);
            goto out;
        }
        l4r_lock_entry *en = add_ent(lk);
        en->key = l4r_xstrdup(k);
        en->url = l4r_xstrdup(json_string_value(ju));
        en->size = (uint64_t)json_integer_value(js);
        memcpy(en->sha256, sha, 65);
    }
    qsort(lk->ents, lk->n, sizeof *lk->ents, cmp_ent);
out:
    json_decref(root);
    return st;
}

l4r_status l4r_lockfile_load(const char *path, l4r_lockfile **out, l4r_error *e)
{
    l4r_lockfile *lk = l4r_xcalloc(1, sizeof *lk);
    l4r_status st = L4R_OK;
    l4r_buf b = {0};
    *out = NULL;
    if (access(path, F_OK) != 0 && errno == ENOENT)
        goto out; /* no lock file yet: nothing pinned */
    st = l4r_read_file(path, LOCK_CAP, &b, e);
    if (st != L4R_OK)
        goto out;
    st = parse(path, b.data ? b.data : "", b.len, lk, e);
out:
    l4r_buf_free(&b);
    if (st != L4R_OK) {
        l4r_lockfile_free(lk);
        return st;
    }
    *out = lk;
    return L4R_OK;
}

l4r_status l4r_lockfile_expect(const l4r_lockfile *lk, const char *path, const char *key, const l4r_rfile *rf,
                               l4r_rfile *out, char *pin, l4r_error *e)
{
    *out = *rf;
    pin[0] = 0;
    const l4r_lock_entry *en = l4r_lockfile_find(lk, key);
    if (!en)
        return L4R_OK;
    if (rf->sha256 && !l4r_hex_equal(rf->sha256, en->sha256))
        return l4r_err(e, L4R_ECHECKSUM,
                       "the lock file '%s' pins '%s' to sha256 %s, but the recipe says %s; the recipe "
                       "wins: remove the entry from the lock file or re-pin it with 'fetch "
                       "--update-lock'",
                       path, key, en->sha256, rf->sha256);
    if (rf->size >= 0 && (uint64_t)rf->size != en->size)
        return l4r_err(e, L4R_ECHECKSUM,
                       "the lock file '%s' pins '%s' to %llu bytes, but the recipe says %lld; the recipe "
                       "wins: remove the entry from the lock file or re-pin it with 'fetch "
                       "--update-lock'",
                       path, key, (unsigned long long)en->size, (long long)rf->size);
    out->size = (int64_t)en->size;
    if (!rf->sha256) {
        memcpy(pin, en->sha256, 65);
        out->sha256 = pin;
    }
    return L4R_OK;
}

void l4r_lockfile_explain(l4r_error *e, const char *path, const char *key, const char *what)
{
    char orig[sizeof e->msg];
    memcpy(orig, e->msg, sizeof orig);
    l4r_err(e, e->status,
            "%s; the expected value is the pin of '%s' in the lock file '%s': the file changed "
            "upstream since it was pinned, or was tampered with; if the new bytes are right, run "
            "'llm4rec-data fetch %s --update-lock' to pin them, or remove the entry from the lock file",
            orig, key, path, what);
}

/* ---- writing ---- */

/* s as a JSON string literal, malloc'd.  Recipe names are UTF-8 (the recipe loader checks), but a
 * --from file's file:// URL need not be: its bytes >= 0x80 are then percent-encoded. */
static char *jstr(const char *s)
{
    json_t *j = json_string(s);
    if (!j) {
        l4r_buf esc = {0};
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
            if (*p >= 0x80)
                l4r_buf_addf(&esc, "%%%02X", *p);
            else
                l4r_buf_addc(&esc, (char)*p);
        }
        j = json_string(l4r_buf_cstr(&esc));
        l4r_buf_free(&esc);
        if (!j)
            l4r_oom();
    }
    char *t = json_dumps(j, JSON_ENCODE_ANY);
    json_decref(j);
    if (!t)
        l4r_oom();
    return t;
}

static void render(const l4r_lockfile *lk, l4r_buf *b)
{
    l4r_buf_addf(b, "{\n  \"lock_version\": %d,\n  \"files\": {", LOCK_VERSION);
    for (size_t i = 0; i < lk->n; i++) {
        const l4r_lock_entry *en = &lk->ents[i];
        char *k = jstr(en->key);
        char *u = jstr(en->url);
        l4r_buf_addf(b, "%s\n    %s: {\"url\": %s, \"size\": %llu, \"sha256\": \"%s\"}", i ? "," : "", k, u,
                     (unsigned long long)en->size, en->sha256);
        free(k);
        free(u);
    }
    l4r_buf_adds(b, lk->n ? "\n  }\n}\n" : "}\n}\n");
}

static char *flock_path(const char *path)
{
    const char *base = l4r_path_base(path);
    return l4r_xasprintf("%.*s.%s.flock", (int)(base - path), path, base);
}

static l4r_status take_flock(const char *p, int *fd_out, l4r_error *e)
{
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    *fd_out = -1;
    if (fd < 0)
        return l4r_err(e, L4R_EIO, "cannot open '%s' (the lock of the lock file): %s", p, strerror(errno));
    l4r_status st = l4r_flock_wait(fd, LOCK_EX, p, e);
    if (st) {
        close(fd);
        return st;
    }
    *fd_out = fd;
    return L4R_OK;
}

/* With the flock held: PATH.tmp.PID files (l4r_write_file_atomic's) are left by a writer that was
 * killed, since only a holder of the flock writes one. */
static void remove_stale_temps(const char *path)
{
    const char *base = l4r_path_base(path);
    char *dir = base > path ? l4r_xstrndup(path, (size_t)(base - path)) : l4r_xstrdup(".");
    size_t nb = strlen(base);
    DIR *d = opendir(dir);
    for (struct dirent *de = d ? readdir(d) : NULL; de; de = readdir(d)) {
        const char *p = de->d_name;
        if (strncmp(p, base, nb) != 0 || strncmp(p + nb, ".tmp.", 5) != 0 || !p[nb + 5] ||
            strspn(p + nb + 5, "0123456789") != strlen(p + nb + 5))
            continue;
        char *full = l4r_path_join(dir, p);
        unlink(full);
        free(full);
    }
    if (d)
        closedir(d);
    free(dir);
}

l4r_status l4r_lockfile_pin(const char *path, const l4r_lock_entry *ents, size_t n, bool replace,
                            size_t *added, l4r_error *e)
{
    char *fp = flock_path(path);
    int fd = -1;
    l4r_lockfile *lk = NULL;
    l4r_buf b = {0};
    size_t changed = 0;
    if (added)
        *added = 0;
    l4r_status st = take_flock(fp, &fd, e);
    if (st != L4R_OK)
        goto out;
    remove_stale_temps(path);
    st = l4r_lockfile_load(path, &lk, e);
    if (st != L4R_OK)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const l4r_lock_entry *want = &ents[i];
        l4r_lock_entry *en = NULL;
        for (size_t k = 0; k < lk->n && !en; k++)
            if (!strcmp(lk->ents[k].key, want->key))
                en = &lk->ents[k];
        if (en && en->size == want->size && l4r_hex_equal(en->sha256, want->sha256))
            continue;
        if (en && !replace) {
            st = l4r_err(e, L4R_ECHECKSUM,
                         "the lock file '%s' was meanwhile given a pin of '%s' to sha256 %s (%llu bytes) "
                         "by another process, but this fetch got %s (%llu bytes); run the fetch again "
                         "with 'fetch --update-lock' to pin what it gets",
                         path, want->key, en->sha256, (unsigned long long)en->size, want->sha256,
                         (unsigned long long)want->size);
            goto out;
        }
        if (!en) {
            en = add_ent(lk);
            en->key = l4r_xstrdup(want->key);
        }
        free(en->url);
        en->url = l4r_xstrdup(want->url ? want->url : "");
        en->size = want->size;
        memcpy(en->sha256, want->sha256, 65);
        changed++;
    }
    if (added)
        *added = changed;
    if (!changed)
        goto out;
    qsort(lk->ents, lk->n, sizeof *lk->ents, cmp_ent);
    render(lk, &b);
    st = l4r_write_file_atomic(path, b.data, b.len, e);
out:
    l4r_buf_free(&b);
    l4r_lockfile_free(lk);
    if (fd >= 0)
        close(fd); /* releases the flock */
    free(fp);
    return st;
}

/* ---- a variant fetched earlier ---- */

#define STAMP_NAME ".l4r-fetched.json" /* fetch.c's stamp */
#define STAMP_CAP ((size_t)1 << 30)    /* as fetch.c reads it */

l4r_status l4r_lockfile_check_fetched(const l4r_lockfile *lk, const char *path, const l4r_recipe *r,
                                      const l4r_variant *v, const char *dir, const char *what, l4r_error *e)
{
    char *sp = l4r_path_join(dir, STAMP_NAME);
    l4r_buf b = {0};
    json_t *stamp = NULL;
    l4r_lock_entry *pins = l4r_xcalloc(v->n_files + 1, sizeof *pins);
    size_t n = 0;
    l4r_status st = l4r_read_file(sp, STAMP_CAP, &b, e);
    if (st != L4R_OK)
        goto out;
    stamp = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
    json_t *files = json_object_get(stamp, "files");
    for (size_t i = 0; i < v->n_files; i++) {
        const l4r_rfile *rf = &v->files[i];
        json_t *f = NULL;
        size_t k;
        json_t *fk;
        json_array_foreach(files, k, fk)
        {
            const char *nm = json_string_value(json_object_get(fk, "name"));
            if (nm && !strcmp(nm, rf->name))
                f = fk;
        }
        const char *sha = json_string_value(json_object_get(f, "sha256"));
        json_t *js = json_object_get(f, "size");
        if (!sha || strlen(sha) != 64 || !json_is_integer(js))
            continue; /* fetched_in() has checked the stamp; nothing to compare with */
        char *key = l4r_lockfile_key(r, v, rf);
        const l4r_lock_entry *en = l4r_lockfile_find(lk, key);
        uint64_t size = (uint64_t)json_integer_value(js);
        if (en && (en->size != size || !l4r_hex_equal(en->sha256, sha))) {
            st = l4r_err(e, L4R_ECHECKSUM,
                         "'%s' of %s in '%s' has sha256 %s (%llu bytes), but the lock file '%s' pins "
                         "it to %s (%llu bytes); run 'llm4rec-data fetch %s --force' to download it "
                         "again and check it against the pin, or 'llm4rec-data fetch %s --update-lock' "
                         "to pin what upstream serves now",
                         rf->name, what, dir, sha, (unsigned long long)size, path, en->sha256,
                         (unsigned long long)en->size, what, what);
            free(key);
            goto out;
        }
        if (en) {
            free(key);
            continue;
        }
        const char *url = json_string_value(json_object_get(f, "url"));
        pins[n].key = key;
        pins[n].url = l4r_xstrdup(url ? url : rf->url);
        pins[n].size = size;
        memcpy(pins[n].sha256, sha, 64);
        pins[n].sha256[64] = 0;
        n++;
    }
    if (n)
        st = l4r_lockfile_pin(path, pins, n, false, NULL, e);
out:
    for (size_t i = 0; i < n; i++) {
        free(pins[i].key);
        free(pins[i].url);
    }
    free(pins);
    json_decref(stamp);
    l4r_buf_free(&b);
    free(sp);
    return st;
}
