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

#include <errno.h>
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

l4r_status l4r_locate(const char *raw, const char *fetched_dir, const l4r_variant *v, const l4r_table *t,
                      bool is_items, l4r_input *in, l4r_error *e)
{
    memset(in, 0, sizeof *in);
    const char *base = l4r_path_base(t->path);
    const char *member = t->member ? t->member : t->path;
    if (!raw) {
        in->path = l4r_path_join(fetched_dir, t->path);
        const char *nest;
        const l4r_rfile *nf = l4r_variant_nested(v, t->path, &nest);
        if (!l4r_is_file(in->path) && nf && !is_items) {
            l4r_status st =
                l4r_err(e, L4R_EARCHIVE, "no member '%s' in archive '%s:%s' (fetch unpacked it into '%s/%s')",
                        t->path + strlen(nest) + 1, nf->name, nest, fetched_dir, nest);
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
        in->label = l4r_xstrdup(t->path);
        return L4R_OK;
    }
    if (l4r_is_dir(raw)) {
        char *cands[3] = {l4r_path_join(raw, t->path), l4r_path_join(raw, base), NULL};
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
            return l4r_err(e, L4R_EIO, "'%s' holds neither '%s' nor '%s'", raw, t->path, base);
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
    in->path = l4r_xstrdup(raw);
    const char *after = l4r_variant_member_after(v, member, rawbase); /* an inner archive given itself */
    in->member = l4r_xstrdup(after ? after : member);
    in->label = l4r_xasprintf("%s:%s", raw, in->member);
    return L4R_OK;
}
