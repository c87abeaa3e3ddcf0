/*
 * locate.c — where a table's input is: the fetched file, or what --raw names (the table itself,
 * a directory holding it, or an archive holding it as a member).
 *
 * How: without --raw the fetched variant directory holds the table under its recipe path.  With
 * --raw, a directory is searched for the recipe path and then its base name (the directory may be
 * the archive's own top folder); a regular file is the table itself when it is not an archive, or
 * the archive the member is read from when its content says so (l4r_archive_sniff, after
 * decompression: a name proves nothing).  Streams (pipes, devices) are refused: the kind is sniffed
 * before reading, which a stream cannot give back.  A missing items table is not an error.
 */
#include "locate.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reader.h"
#include "util.h"

void l4r_input_free(l4r_input *in)
{
    free(in->path);
    free(in->member);
    free(in->label);
    free(in->rel);
    for (size_t i = 0; i < in->n_parts; i++)
        l4r_input_free(&in->parts[i]);
    free(in->parts);
    memset(in, 0, sizeof *in);
}

/* A container of members (zip, tar, a compressed tar, ...), judged by content after
 * decompression, never by name: a .tar.gz is an archive, a .gz of one file is not.  An unreadable
 * file is "not an archive" here; opening it reports the error. */
static bool is_archive(const char *path)
{
    l4r_archive_kind k;
    return l4r_archive_sniff(path, &k, NULL) == L4R_OK && k.is_archive;
}

/* --raw names an inner archive of the variant (an "unpack_nested" entry, by its base name) and
 * `member` is not inside it: the path where member would be beside it ("download/movie_titles.txt"
 * beside ".../download/training_set.tar" is ".../movie_titles.txt"), or NULL when member is not in
 * the inner archive's folder either or raw is no inner archive. */
static char *beside_inner(const l4r_variant *v, const char *member, const char *raw)
{
    const char *rawbase = l4r_path_base(raw);
    for (size_t i = 0; i < v->n_files; i++) {
        for (size_t k = 0; k < v->files[i].n_unpack_nested; k++) {
            const char *n = v->files[i].unpack_nested[k];
            if (strcmp(l4r_path_base(n), rawbase))
                continue;
            size_t pre = (size_t)(l4r_path_base(n) - n); /* "download/" */
            if (strncmp(member, n, pre))
                continue;
            char *dir = l4r_xstrndup(raw, (size_t)(rawbase - raw));
            char *p = l4r_path_join(*dir ? dir : ".", member + pre);
            free(dir);
            return p;
        }
    }
    return NULL;
}

/* One file of table t: tpath is its path in the variant directory, tmember its member path (NULL:
 * tpath). */
static l4r_status locate_one(const char *raw, const char *fetched_dir, const l4r_variant *v,
                             const char *tpath, const char *tmember, bool is_items, l4r_input *in,
                             l4r_error *e)
{
    memset(in, 0, sizeof *in);
    const char *base = l4r_path_base(tpath);
    const char *member = tmember ? tmember : tpath;
    if (!raw) {
        in->path = l4r_path_join(fetched_dir, tpath);
        const char *nest;
        const l4r_rfile *nf = l4r_variant_nested(v, tpath, &nest);
        if (!l4r_is_file(in->path) && nf && !is_items) {
            l4r_status st =
                l4r_err(e, L4R_EARCHIVE, "no member '%s' in archive '%s:%s' (fetch unpacked it into '%s/%s')",
                        tpath + strlen(nest) + 1, nf->name, nest, fetched_dir, nest);
            l4r_input_free(in);
            return st;
        }
        if (!l4r_is_file(in->path)) {
            l4r_status st = l4r_err(e, is_items ? L4R_OK : L4R_EIO,
                                    "'%s' is missing from the fetched data (run 'llm4rec-data fetch "
                                    "--force' to fetch again)",
                                    in->path);
            l4r_input_free(in);
            return is_items ? L4R_OK : st;
        }
        in->label = l4r_xstrdup(tpath);
        return L4R_OK;
    }
    if (l4r_is_dir(raw)) {
        char *cands[3] = {l4r_path_join(raw, tpath), l4r_path_join(raw, base), NULL};
        /* a directory that is the archive's own top folder (e.g. --raw ~/dl/ml-1m) */
        for (int k = 0; k < 2; k++) {
            if (!in->path && l4r_is_file(cands[k])) {
                in->path = cands[k];
                cands[k] = NULL;
            }
        }
        free(cands[0]);
        free(cands[1]);
        size_t pre = in->path ? 0 : l4r_member_file_prefix(raw, member);
        if (pre) { /* the outer archive unpacked by hand, an inner one not: read through it */
            char *outer = l4r_xstrndup(member, pre);
            in->path = l4r_path_join(raw, outer);
            free(outer);
            in->member = l4r_xstrdup(member + pre + 1);
            in->label = l4r_xasprintf("%s:%s", in->path, in->member);
            return L4R_OK;
        }
        if (!in->path) {
            if (is_items)
                return L4R_OK;
            return l4r_err(e, L4R_EIO, "'%s' holds neither '%s' nor '%s'", raw, tpath, base);
        }
        in->label = l4r_xstrdup(in->path);
        return L4R_OK;
    }
    if (!l4r_is_file(raw)) {
        struct stat st;
        if (stat(raw, &st) != 0)
            return l4r_err(e, L4R_EIO, "cannot open '%s': %s", raw, strerror(errno));
        /* a pipe (<(zcat ...)) or a device: the kind is sniffed before reading, which a stream
         * cannot give back */
        return l4r_err(e, L4R_EIO,
                       "'%s' is not a regular file or a directory; --raw needs a file (write the stream "
                       "to one first)",
                       raw);
    }
    const char *rawbase = l4r_path_base(raw);
    /* the table itself (ratings.csv, u.data, reviews_X.json.gz), unless its content is an archive
     * (the name proves nothing) */
    bool archive = is_archive(raw);
    bool same_name = !archive && !strcmp(rawbase, base);
    if (same_name || (!is_items && !archive)) {
        if (is_items && !same_name)
            return L4R_OK;
        in->path = l4r_xstrdup(raw);
        in->label = l4r_xstrdup(raw);
        return L4R_OK;
    }
    if (!archive) {
        /* items next to a single interaction file */
        char *dir = l4r_xstrndup(raw, (size_t)(rawbase - raw));
        char *p = l4r_path_join(*dir ? dir : ".", base);
        free(dir);
        if (l4r_is_file(p)) {
            in->path = p;
            in->label = l4r_xstrdup(p);
        } else {
            free(p);
        }
        return L4R_OK;
    }
    const char *after = l4r_variant_member_after(v, member, rawbase); /* an inner archive given itself */
    if (!after) {
        /* an inner archive given itself (the Netflix tarball's training_set.tar) and a table that is
         * not in it but beside it in the outer archive (download/movie_titles.txt): the file beside
         * the inner archive, as unpacking the outer one by hand leaves it */
        char *beside = beside_inner(v, member, raw);
        if (beside) {
            if (l4r_is_file(beside)) {
                in->path = beside;
                in->label = l4r_xstrdup(beside);
                return L4R_OK;
            }
            free(beside);
            if (is_items)
                return L4R_OK;
        }
    }
    in->path = l4r_xstrdup(raw);
    in->member = l4r_xstrdup(after ? after : member);
    in->label = l4r_xasprintf("%s:%s", raw, in->member);
    return L4R_OK;
}

static bool has_glob(const char *p)
{
    return strpbrk(l4r_path_base(p), "*?") != NULL;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The regular files of directory dir whose names match pattern (fnmatch, no '/'), sorted by name
 * (byte order); *n 0 when none or dir cannot be read. */
static char **glob_dir(const char *dir, const char *pattern, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' && pattern[0] != '.')
            continue;
        if (fnmatch(pattern, de->d_name, FNM_PERIOD) != 0)
            continue;
        char *full = l4r_path_join(dir, de->d_name);
        bool file = l4r_is_file(full);
        free(full);
        if (!file)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            names = l4r_xrealloc(names, cap * sizeof *names);
        }
        names[(*n)++] = l4r_xstrdup(de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void add_part(l4r_input *in, l4r_input *part, const char *rel)
{
    in->parts = l4r_xrealloc(in->parts, (in->n_parts + 1) * sizeof *in->parts);
    part->rel = l4r_xstrdup(rel);
    in->parts[in->n_parts++] = *part;
}

/* A glob entry of "paths": the matching files in the fetched directory, or under a --raw directory
 * (raw/ENTRY's directory, else raw itself, as for one file).  In a --raw archive it is one part
 * whose member is the pattern (glob set): the reader streams the matching entries in one pass
 * (l4r_source_open_glob), where opening each of 17,770 would read the archive 17,770 times. */
static l4r_status locate_glob(const char *raw, const char *fetched_dir, const l4r_variant *v,
                              const char *entry, l4r_input *in, l4r_buf *label, l4r_error *e)
{
    const char *pat = l4r_path_base(entry);
    char *sub = l4r_xstrndup(entry, (size_t)(pat - entry)); /* "dir/" or "" */
    char *dirs[2] = {NULL, NULL};
    if (!raw) {
        dirs[0] = l4r_path_join(fetched_dir, *sub ? sub : ".");
    } else if (l4r_is_dir(raw)) {
        dirs[0] = l4r_path_join(raw, *sub ? sub : ".");
        dirs[1] = l4r_xstrdup(raw);
    } else {
        free(sub);
        if (!is_archive(raw))
            return l4r_err(e, L4R_EIO,
                           "'%s' is a file, and the table's files are '%s' (a glob): give --raw the "
                           "directory holding them, or the archive",
                           raw, entry);
        l4r_input part = {0};
        const char *after = l4r_variant_member_after(v, entry, l4r_path_base(raw));
        part.path = l4r_xstrdup(raw);
        part.member = l4r_xstrdup(after ? after : entry);
        part.label = l4r_xasprintf("%s:%s", raw, part.member);
        part.glob = true;
        if (label->len)
            l4r_buf_adds(label, ", ");
        l4r_buf_adds(label, part.label);
        add_part(in, &part, entry);
        return L4R_OK;
    }
    l4r_status st = L4R_OK;
    size_t n = 0;
    char **names = NULL;
    int k = 0;
    for (; k < 2 && dirs[k]; k++) {
        names = glob_dir(dirs[k], pat, &n);
        if (n)
            break;
    }
    if (!n) {
        st = l4r_err(e, L4R_EIO, "no file matches '%s' in '%s'%s", pat, dirs[0],
                     raw ? "" : " (run 'llm4rec-data fetch --force' to fetch again)");
        goto out;
    }
    char *dirlabel = raw ? l4r_xstrdup(dirs[k]) : l4r_xstrdup(*sub ? sub : "");
    if (label->len)
        l4r_buf_adds(label, ", ");
    l4r_buf_addf(label, "%s%s%s", dirlabel, *dirlabel && dirlabel[strlen(dirlabel) - 1] != '/' ? "/" : "",
                 pat);
    free(dirlabel);
    for (size_t i = 0; i < n; i++) {
        l4r_input part = {0};
        char *rel = l4r_xasprintf("%s%s", sub, names[i]);
        part.path = l4r_path_join(dirs[k], names[i]);
        part.label = raw ? l4r_xstrdup(part.path) : l4r_xstrdup(rel);
        add_part(in, &part, rel);
        free(rel);
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(dirs[0]);
    free(dirs[1]);
    free(sub);
    return st;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

bool l4r_table_same_file(const l4r_table *a, const l4r_table *b)
{
    if (!same_str(a->path, b->path) || !same_str(a->member, b->member) || a->n_paths != b->n_paths)
        return false;
    for (size_t i = 0; i < a->n_paths; i++)
        if (strcmp(a->paths[i], b->paths[i]))
            return false;
    return true;
}

l4r_status l4r_locate(const char *raw, const char *fetched_dir, const l4r_variant *v, const l4r_table *t,
                      bool is_items, l4r_input *in, l4r_error *e)
{
    if (!t->paths)
        return locate_one(raw, fetched_dir, v, t->path, t->member, is_items, in, e);
    memset(in, 0, sizeof *in);
    /* A lone file given to --raw for a table of several: that one file is the table. */
    if (raw && l4r_is_file(raw) && !is_archive(raw)) {
        l4r_status st = locate_one(raw, fetched_dir, v, t->path, NULL, is_items, in, e);
        if (st || !in->path)
            return st;
        l4r_input part = {0};
        part.path = l4r_xstrdup(in->path);
        part.label = l4r_xstrdup(in->label);
        add_part(in, &part, t->path);
        return L4R_OK;
    }
    l4r_buf label = {0};
    l4r_status st = L4R_OK;
    for (size_t i = 0; i < t->n_paths && st == L4R_OK; i++) {
        if (has_glob(t->paths[i])) {
            st = locate_glob(raw, fetched_dir, v, t->paths[i], in, &label, e);
            continue;
        }
        l4r_input part;
        st = locate_one(raw, fetched_dir, v, t->paths[i], NULL, is_items, &part, e);
        if (st == L4R_OK && !part.path) /* an items or side table: every file or none */
            st = in->n_parts ? l4r_err(e, L4R_EIO, "'%s' of the table's files is missing", t->paths[i])
                             : L4R_OK;
        if (st || !part.path) {
            l4r_input_free(&part);
            if (!in->n_parts && st == L4R_OK)
                break;
            continue;
        }
        if (label.len)
            l4r_buf_adds(&label, ", ");
        l4r_buf_adds(&label, part.label);
        add_part(in, &part, t->paths[i]);
    }
    if (st == L4R_OK && in->n_parts) {
        in->path = l4r_xstrdup(in->parts[0].path);
        in->member = in->parts[0].member ? l4r_xstrdup(in->parts[0].member) : NULL;
        in->label = l4r_buf_take(&label);
    } else {
        l4r_buf_free(&label);
    }
    if (st)
        l4r_input_free(in);
    return st;
}
