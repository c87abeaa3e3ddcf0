/*
 * cmd_convert_raw.c — which variant a `convert --raw FILE` without --variant is.
 *
 * A variant fits the file when the file's name is one of the variant's upstream files (the
 * archive: ml-25m.zip), or the base name of its interactions table (ratings.csv, u.data) and the
 * first line has that table's shape: the delimiter of a delimited table, the header's column names
 * when the table has a header, a '{' for JSON lines (or '[', a JSON array).  A compressed or
 * unreadable file is judged by its name alone; a directory is not judged (the recipe's paths are
 * looked up in it).
 *
 * The command uses the default variant when it fits or when nothing does (the parse error is then
 * the best answer); when one other variant fits it takes that one and says so; when several do it
 * names them with the command to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd_common.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The first line of path (without its end), or NULL for a compressed or unreadable file. */
static char *first_line(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    static const unsigned char magic[][4] = {
        {0x1f, 0x8b}, {'B', 'Z', 'h'}, {0xfd, '7', 'z', 'X'}, {0x28, 0xb5, 0x2f, 0xfd}, {'P', 'K', 3, 4}};
    static const size_t magic_len[] = {2, 3, 4, 4, 4};
    for (size_t i = 0; i < sizeof magic_len / sizeof magic_len[0]; i++)
        if (n >= magic_len[i] && !memcmp(buf, magic[i], magic_len[i]))
            return NULL;
    size_t len = strcspn(buf, "\r\n");
    buf[len] = 0;
    if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
        memmove(buf, buf + 3, len - 2);
    return l4r_cli_strdup(buf);
}

/* Whether line has table t's shape (see the top of the file). */
static bool shape_fits(const l4r_table *t, const char *line)
{
    const char *fmt = l4r_table_format(t);
    if (!strcmp(fmt, "jsonl"))
        return line[strspn(line, " \t")] == '{' || line[strspn(line, " \t")] == '['; /* or one array */
    const char *d = l4r_table_delimiter(t);
    if (!d)
        return true; /* a shape this check does not know: the name decides */
    if (!strstr(line, d))
        return false;
    if (!l4r_table_header(t))
        return true;
    /* the header names the recipe's columns, in order (quotes of a CSV header dropped) */
    const char *p = line;
    for (size_t i = 0; i < l4r_table_n_columns(t); i++) {
        const char *end = strstr(p, d);
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *f = p;
        if (n >= 2 && f[0] == '"' && f[n - 1] == '"') {
            f++;
            n -= 2;
        }
        const char *want = l4r_table_column_name(t, i);
        if (strlen(want) != n || strncmp(f, want, n))
            return false;
        if (!end)
            return i + 1 == l4r_table_n_columns(t);
        p = end + strlen(d);
    }
    return true;
}

static bool variant_fits(const l4r_variant *v, const char *raw, const char *line)
{
    const char *name = base_name(raw);
    for (size_t i = 0; i < l4r_variant_n_files(v); i++)
        if (!strcmp(base_name(l4r_rfile_name(l4r_variant_file(v, i))), name))
            return true;
    const l4r_table *t = l4r_variant_interactions(v);
    if (!t || strcmp(base_name(l4r_table_path(t)), name))
        return false;
    return !line || shape_fits(t, line);
}

int l4r_cli_raw_variant(const char *cmd, const l4r_recipe *r, const char *raw, const l4r_variant **var)
{
    struct stat sb;
    if (stat(raw, &sb) != 0 || !S_ISREG(sb.st_mode))
        return -1; /* a directory, or missing: convert itself says what is wrong */
    char *line = first_line(raw);
    const l4r_variant *def = l4r_recipe_default_variant(r);
    size_t n = l4r_recipe_n_variants(r), n_fit = 0;
    const l4r_variant *fit = NULL;
    bool def_fits = false;
    char list[1024] = "";
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const l4r_variant *v = l4r_recipe_variant(r, i);
        if (!variant_fits(v, raw, line))
            continue;
        def_fits = def_fits || v == def;
        if (!fit)
            fit = v;
        n_fit++;
        if (k < sizeof list)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", l4r_variant_name(v));
    }
    free(line);
    if (def_fits || n_fit == 0) {
        *var = def;
        return -1;
    }
    const l4r_table *dt = l4r_variant_interactions(def);
    char what[512];
    if (dt)
        snprintf(what, sizeof what, "'%s' is not the shape of %s/%s's %s", raw, l4r_recipe_dataset(r),
                 l4r_variant_name(def), base_name(l4r_table_path(dt)));
    else
        snprintf(what, sizeof what, "'%s' is not a file of %s/%s", raw, l4r_recipe_dataset(r),
                 l4r_variant_name(def));
    if (n_fit == 1) {
        l4r_msg_warn("%s; it fits %s/%s, converting that (give --variant to choose another)", what,
                     l4r_recipe_dataset(r), l4r_variant_name(fit));
        *var = fit;
        return -1;
    }
    return l4r_cli_usage_error(
        cmd, "%s; it fits %zu variants (%s): say which, e.g. 'llm4rec-data %s %s/%s --raw %s'", what, n_fit,
        list, cmd, l4r_recipe_dataset(r), l4r_variant_name(fit), raw);
}
