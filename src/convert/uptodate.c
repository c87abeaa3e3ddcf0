/*
 * uptodate.c — is an output directory already what a convert would write?
 *
 * A convert records in manifest.json the options that shape its outputs ("convert_options": every
 * option given except those that only change how the work is done, such as -j, --memory, the
 * mirror or the output path; with the recipe's identity) and, under "inputs", each input file with
 * its SHA-256.  The same convert again finds the output current when the manifest is ours, of this
 * version, for the same dataset and variant, records exactly the same options, every input still
 * has the recorded digest, and every output listed is there with its recorded size.  Anything else
 * (an unreadable manifest, an older one without "convert_options", a missing input) is "not
 * current", and the convert runs as it always did.
 *
 * Digests: an input inside the fetched variant directory, when the fetch stamp lists it with the
 * size and mtime it has now, takes the stamp's digest (fetch trusts the same two facts); any other
 * input is read and hashed.  An input inside an archive ("x.zip:ml-1m/ratings.dat") is recorded
 * with the digest of the outer file, so the longest prefix before a ':' that is a regular file is
 * the file to compare.  A fetched input's name is relative to the variant directory.
 */
#include "convert/uptodate.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "convert/output.h"
#include "util.h"

#define MANIFEST_CAP ((size_t)64 << 20)

static void why(char *buf, size_t n, const char *fmt, ...) L4R_PRINTF(3, 4);
static void why(char *buf, size_t n, const char *fmt, ...)
{
    if (!buf || !n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
}

/* The stamp's record of `name` (relative to the variant directory), when size and mtime agree. */
static const char *stamp_digest(json_t *stamp, const char *name, const struct stat *sb)
{
    static const char *const lists[] = {"files", "unpacked"};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(stamp, lists[l]), i, f)
        {
            const char *n = json_string_value(json_object_get(f, "name"));
            if (!n || strcmp(n, name))
                continue;
            json_int_t size = json_integer_value(json_object_get(f, "size"));
            json_t *mt = json_object_get(f, "mtime_ns");
            int64_t mtime = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
            if (!json_is_integer(mt) || json_integer_value(mt) != mtime || size != (json_int_t)sb->st_size)
                return NULL;
            return json_string_value(json_object_get(f, "sha256"));
        }
    }
    return NULL;
}

/* The file an input record names: the whole name, else its longest prefix before a ':'. */
static char *input_path(const char *file)
{
    char *p = l4r_xstrdup(file);
    for (;;) {
        struct stat sb;
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
            return p;
        char *colon = strrchr(p, ':');
        if (!colon) {
            free(p);
            return NULL;
        }
        *colon = 0;
    }
}

static bool input_current(const char *file, const char *sha, const char *fetched_dir, json_t *stamp)
{
    /* a fetched input is named relative to the variant directory */
    char *full = fetched_dir && file[0] != '/' ? l4r_path_join(fetched_dir, file) : NULL;
    char *p = input_path(full ? full : file);
    free(full);
    if (!p)
        return false;
    bool ok = false;
    struct stat sb;
    size_t dl = fetched_dir ? strlen(fetched_dir) : 0;
    const char *known = NULL;
    if (stamp && dl && !strncmp(p, fetched_dir, dl) && p[dl] == '/' && stat(p, &sb) == 0)
        known = stamp_digest(stamp, p + dl + 1, &sb);
    if (known) {
        ok = !strcmp(known, sha);
    } else {
        char hex[65];
        uint64_t size;
        l4r_error e = {0};
        ok = l4r_hash_file(p, L4R_HASH_SHA256, hex, &size, &e) == L4R_OK && !strcmp(hex, sha);
    }
    free(p);
    return ok;
}

bool l4r_output_current(const char *out_dir, const char *dataset, const char *variant,
                        const char *const *settings, size_t n_settings, const char *fetched_dir, char *reason,
                        size_t reason_size)
{
    bool ok = false;
    json_t *stamp = NULL;
    char *mp = l4r_path_join(out_dir, "manifest.json");
    l4r_buf b = {0};
    l4r_error e = {0};
    json_t *m = NULL;
    if (l4r_read_file(mp, MANIFEST_CAP, &b, &e) == L4R_OK)
        m = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
    l4r_buf_free(&b);
    if (!json_is_object(m)) {
        why(reason, reason_size, "'%s' has no manifest.json", out_dir);
        goto out;
    }
    const char *tool = json_string_value(json_object_get(m, "tool"));
    const char *version = json_string_value(json_object_get(m, "version"));
    const char *ds = json_string_value(json_object_get(m, "dataset"));
    const char *va = json_string_value(json_object_get(m, "variant"));
    if (!tool || strcmp(tool, "llm4rec-data") || !version || strcmp(version, l4r_version()) || !ds ||
        strcmp(ds, dataset) || !va || strcmp(va, variant)) {
        why(reason, reason_size, "the manifest of '%s' is of another dataset, variant or version", out_dir);
        goto out;
    }
    /* a directory holding anything the manifest does not list is not ours: convert refuses it */
    if (l4r_outdir_replaceable(out_dir, &e) != L4R_OK) {
        why(reason, reason_size, "'%s' holds files its manifest.json does not list", out_dir);
        goto out;
    }
    json_t *opts = json_object_get(m, "convert_options");
    if (!json_is_object(opts) || json_object_size(opts) != n_settings) {
        why(reason, reason_size, "the options differ from those '%s' was converted with", out_dir);
        goto out;
    }
    for (size_t i = 0; i < n_settings; i++) {
        const char *had = json_string_value(json_object_get(opts, settings[2 * i]));
        if (!had || strcmp(had, settings[2 * i + 1])) {
            why(reason, reason_size, "the options differ from those '%s' was converted with", out_dir);
            goto out;
        }
    }
    if (fetched_dir) {
        char *sp = l4r_path_join(fetched_dir, ".l4r-fetched.json");
        stamp = json_load_file(sp, 0, NULL);
        free(sp);
    }
    json_t *inputs = json_object_get(m, "inputs");
    const char *key;
    json_t *in;
    if (!json_is_object(inputs) || !json_object_size(inputs)) {
        why(reason, reason_size, "the manifest of '%s' lists no inputs", out_dir);
        goto out;
    }
    json_object_foreach(inputs, key, in)
    {
        const char *file = json_string_value(json_object_get(in, "file"));
        const char *sha = json_string_value(json_object_get(in, "sha256"));
        if (!file || !sha || !input_current(file, sha, fetched_dir, stamp)) {
            why(reason, reason_size, "input '%s' changed since it was converted", file ? file : key);
            goto out;
        }
    }
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(m, "outputs"), i, f)
    {
        const char *name = json_string_value(json_object_get(f, "file"));
        json_t *bytes = json_object_get(f, "bytes");
        struct stat sb;
        char *p = name ? l4r_path_join(out_dir, name) : NULL;
        bool there = p && stat(p, &sb) == 0 && json_is_integer(bytes) &&
                     (json_int_t)sb.st_size == json_integer_value(bytes);
        free(p);
        if (!there) {
            why(reason, reason_size, "output '%s' is missing or has another size", name);
            goto out;
        }
    }
    ok = true;
out:
    json_decref(stamp);
    json_decref(m);
    free(mp);
    return ok;
}
