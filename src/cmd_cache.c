/*
 * cmd_cache.c — `llm4rec-data cache [--json]` lists what the data directory holds;
 * `llm4rec-data cache clean [DATASET[/VARIANT]]` removes it.
 *
 * The data directory holds DATA/DATASET/VARIANT/ (a variant name may hold '/': amazon's
 * 2018/Video_Games_5 is DATA/amazon/2018/Video_Games_5), each with the downloads, what the archives
 * unpacked, the fetch's lock `.lock`, and `.l4r-fetched.json`, the stamp written once every file
 * was verified (docs/fetch.md).  A directory holding a `.lock` or a stamp is a variant; its state is
 * "verified" when the stamp is there and every file is as it records (the check fetch makes), else
 * "changed" (stamped, but a file's size or mtime moved since; fetch re-verifies it), else
 * "incomplete" (no stamp: a fetch that stopped; `*.part` downloads are resumable).  A dataset the
 * recipes do not know is listed as "unknown".  DATA/llm4rec-data.lock (the pins) is not a variant
 * and is never removed: it is how a rerun gets the same bytes.
 *
 * Cleaning walks with nftw(FTW_PHYS): a symbolic link is removed, never followed, so nothing
 * outside the data directory goes.  Each variant is cleaned under its lock taken without waiting: a
 * variant that a fetch or convert is using is left alone (exit 10).  Nothing prompts.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data cache [--json] [--data-dir DIR]\n"
               "       llm4rec-data cache clean [DATASET[/VARIANT]] [--data-dir DIR]\n"
               "\n"
               "List what the data directory holds: one line per fetched variant, tab-separated:\n"
               "dataset, variant, state, files, bytes, directory.  The state is 'verified' (every\n"
               "file as fetch verified it), 'changed' (a file's size or mtime changed since; the\n"
               "next fetch or convert re-checks it), 'incomplete' (the fetch did not finish; its\n"
               "*.part downloads resume), or 'unknown' (no recipe for that dataset).\n"
               "\n"
               "'cache clean' removes every variant (or those of DATASET, or DATASET/VARIANT) and\n"
               "prints each directory removed with the bytes freed.  It never prompts, never follows\n"
               "a symbolic link out of the data directory, keeps the lock file of pins\n"
               "(DATA/llm4rec-data.lock), and leaves a variant that a fetch or convert is using\n"
               "(exit 10).  A DATASET or VARIANT that is not there is an error (exit 6).\n"
               "\n"
               "options:\n"
               "  --json           cache: one JSON object (data_dir, bytes, variants[])\n"
               "  --data-dir DIR   the data directory (default $LLM4REC_DATA_HOME, else\n"
               "                   ${XDG_CACHE_HOME:-$HOME/.cache}/llm4rec-data)\n"
               "  --recipes DIR    load recipes from DIR instead of the built-in ones\n"
               "  -q, --quiet      no informational messages\n"
               "  -h, --help       this help\n"
               "\n"
               "examples:\n"
               "  llm4rec-data cache\n"
               "  llm4rec-data cache clean movielens/ml-1m\n");
}

typedef struct entry {
    char *dataset, *variant, *dir;
    const char *state;
    unsigned long long files, bytes, partial;
} entry;

typedef struct list {
    entry *v;
    size_t n;
} list;

/* out = a/b; false when it does not fit in PATH_MAX (such a path is skipped). */
static bool pjoin(char out[PATH_MAX], const char *a, const char *b)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", a, b);
    return n >= 0 && n < PATH_MAX;
}

static bool has(const char *dir, const char *name)
{
    char p[PATH_MAX];
    struct stat sb;
    return pjoin(p, dir, name) && lstat(p, &sb) == 0;
}

/* The size of dir's files, not descending into the variants nested in it (none in practice). */
static void measure(const char *dir, bool top, entry *en)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char p[PATH_MAX];
        struct stat sb;
        if (!pjoin(p, dir, de->d_name) || lstat(p, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            if (!has(p, ".lock") && !has(p, ".l4r-fetched.json"))
                measure(p, false, en);
        } else {
            en->bytes += (unsigned long long)sb.st_size; /* all of it: what clean frees */
            if (top && (!strcmp(de->d_name, ".lock") || !strcmp(de->d_name, ".l4r-fetched.json")))
                continue;
            en->files++;
            size_t len = strlen(de->d_name);
            if (len > 5 && !strcmp(de->d_name + len - 5, ".part"))
                en->partial++;
        }
    }
    closedir(d);
}

/* Find the variants under DATA/dataset/rel (rel "" at the top). */
static void scan(l4r_cli *cli, const char *data, const char *dataset, const char *rel, list *out)
{
    char dir[PATH_MAX], top[PATH_MAX];
    if (!pjoin(top, data, dataset) || !(*rel ? pjoin(dir, top, rel) : pjoin(dir, data, dataset)))
        return;
    if (*rel && (has(dir, ".lock") || has(dir, ".l4r-fetched.json"))) {
        entry en = {0};
        en.dataset = l4r_cli_strdup(dataset);
        en.variant = l4r_cli_strdup(rel);
        en.dir = l4r_cli_strdup(dir);
        measure(dir, true, &en);
        l4r_status st;
        const l4r_registry *reg = l4r_cli_registry(cli, &st);
        const l4r_recipe *r;
        const l4r_variant *v;
        l4r_error e = {0};
        if (!reg || l4r_registry_find(reg, dataset, rel, &r, &v, &e) != L4R_OK) {
            en.state = "unknown";
        } else {
            l4r_options *o = l4r_options_new();
            l4r_error ie = {0};
            l4r_options_set(o, "data-dir", data, &ie);
            bool fetched = false;
            free(l4r_variant_path(r, v, o, &fetched));
            l4r_options_free(o);
            en.state = fetched ? "verified" : has(dir, ".l4r-fetched.json") ? "changed" : "incomplete";
        }
        out->v = realloc(out->v, (out->n + 1) * sizeof *out->v);
        if (!out->v)
            l4r_cli_oom();
        out->v[out->n++] = en;
        return;
    }
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[PATH_MAX];
        struct stat sb;
        if (!pjoin(p, dir, de->d_name) || lstat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        if (!names)
            l4r_cli_oom();
        names[n++] = l4r_cli_strdup(de->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) /* sorted: the listing is the same on every file system */
        for (size_t k = i + 1; k < n; k++)
            if (strcmp(names[k], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[k];
                names[k] = t;
            }
    for (size_t i = 0; i < n; i++) {
        char sub[PATH_MAX];
        if (*rel ? pjoin(sub, rel, names[i]) : snprintf(sub, sizeof sub, "%s", names[i]) < PATH_MAX)
            scan(cli, data, dataset, sub, out);
        free(names[i]);
    }
    free(names);
}

static void scan_all(l4r_cli *cli, const char *data, list *out)
{
    DIR *d = opendir(data);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char p[PATH_MAX];
        struct stat sb;
        if (de->d_name[0] == '.' || !pjoin(p, data, de->d_name) || lstat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        if (!names)
            l4r_cli_oom();
        names[n++] = l4r_cli_strdup(de->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (strcmp(names[k], names[i]) < 0) {
                char *t = names[i];
                names[i] = names[k];
                names[k] = t;
            }
    for (size_t i = 0; i < n; i++) {
        scan(cli, data, names[i], "", out);
        free(names[i]);
    }
    free(names);
}

static void list_free(list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].dataset);
        free(l->v[i].variant);
        free(l->v[i].dir);
    }
    free(l->v);
}

static unsigned long long freed;
static int rm_one(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
    if (type != FTW_DP && type != FTW_D)
        freed += S_ISREG(sb->st_mode) ? (unsigned long long)sb->st_size : 0;
    if (remove(p) != 0 && errno != ENOENT) {
        l4r_msg_error("cannot remove '%s': %s", p, strerror(errno));
        return 1;
    }
    return 0;
}

/* Remove one variant directory under its lock (not waited for); its emptied parents up to DATA go. */
static int clean_one(const char *data, const entry *en, unsigned long long *total)
{
    char lp[PATH_MAX];
    int fd = pjoin(lp, en->dir, ".lock") ? open(lp, O_RDWR | O_CLOEXEC | O_NOFOLLOW) : -1;
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        l4r_msg_error("%s/%s is in use by a fetch or convert; not removed", en->dataset, en->variant);
        return l4r_exit_code(L4R_ELOCKED);
    }
    freed = 0;
    int bad = nftw(en->dir, rm_one, 32, FTW_DEPTH | FTW_PHYS);
    if (fd >= 0)
        close(fd);
    if (bad)
        return l4r_exit_code(L4R_EIO);
    char up[PATH_MAX];
    snprintf(up, sizeof up, "%s", en->dir);
    size_t dl = strlen(data);
    for (char *s = strrchr(up, '/'); s && (size_t)(s - up) > dl; s = strrchr(up, '/')) {
        *s = 0;
        if (rmdir(up) != 0)
            break;
    }
    printf("removed %s/%s\t%llu bytes\t%s\n", en->dataset, en->variant, freed, en->dir);
    *total += freed;
    return 0;
}

int cmd_cache(l4r_cli *cli, int argc, char **argv)
{
    bool json = false;
    int rc = l4r_cli_simple_opts(cli, argc, argv, "cache", usage, &json);
    if (rc >= 0)
        return rc;
    bool clean = optind < argc && !strcmp(argv[optind], "clean");
    if (optind < argc && !clean)
        return l4r_cli_usage_error("cache", "unknown subcommand '%s' (the one there is: clean)",
                                   argv[optind]);
    const char *what = clean && optind + 1 < argc ? argv[optind + 1] : NULL;
    if (clean && optind + 2 < argc)
        return l4r_cli_usage_error("cache", "unexpected argument '%s'", argv[optind + 2]);
    if (clean && json)
        return l4r_cli_usage_error("cache", "--json is for the listing, not for 'clean'");

    l4r_options *o = l4r_options_new();
    l4r_cli_common_options(cli, o);
    char *data = l4r_data_dir(o);
    l4r_options_free(o);
    list l = {0};
    scan_all(cli, data, &l);

    if (!clean) {
        unsigned long long total = 0;
        json_t *arr = json ? json_array() : NULL;
        for (size_t i = 0; i < l.n; i++) {
            const entry *en = &l.v[i];
            total += en->bytes;
            if (json)
                json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "dataset",
                                                     en->dataset, "variant", en->variant, "state", en->state,
                                                     "files", (json_int_t)en->files, "bytes",
                                                     (json_int_t)en->bytes, "partial_downloads",
                                                     (json_int_t)en->partial, "dir", en->dir));
            else
                printf("%s\t%s\t%s\t%llu\t%llu\t%s\n", en->dataset, en->variant, en->state, en->files,
                       en->bytes, en->dir);
        }
        if (json) {
            json_t *root =
                json_pack("{s:s, s:I, s:o}", "data_dir", data, "bytes", (json_int_t)total, "variants", arr);
            char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            printf("%s\n", text);
            free(text);
            json_decref(root);
        } else {
            l4r_msg_info(cli, "%zu variant%s, %llu bytes in '%s'", l.n, l.n == 1 ? "" : "s", total, data);
        }
        rc = 0;
        goto out;
    }

    /* clean: which variants */
    char *ds = what ? l4r_cli_strdup(what) : NULL;
    char *slash = ds ? strchr(ds, '/') : NULL;
    if (slash)
        *slash++ = 0;
    size_t matched = 0;
    unsigned long long total = 0;
    rc = 0;
    for (size_t i = 0; i < l.n; i++) {
        const entry *en = &l.v[i];
        if (ds && (strcmp(en->dataset, ds) || (slash && strcmp(en->variant, slash))))
            continue;
        matched++;
        int r1 = clean_one(data, en, &total);
        if (r1 && !rc)
            rc = r1;
    }
    if (ds && !matched) {
        l4r_msg_error("'%s' is not in the data directory '%s' ('llm4rec-data cache' lists what is)", what,
                      data);
        rc = l4r_exit_code(L4R_ERECIPE);
    } else {
        l4r_msg_info(cli, "removed %zu variant%s, %llu bytes freed", matched, matched == 1 ? "" : "s", total);
    }
    free(ds);
out:
    list_free(&l);
    free(data);
    return rc;
}
