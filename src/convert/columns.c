/*
 * columns.c — what manifest.json says about each output file beyond its bytes: the columns with
 * their types, and for a file whose ids were renumbered, the maps that give the source ids back.
 *
 * Run once, after every file is written and before the manifest is: a file's columns come from
 * its header line (TSV, RecBole) or its fixed layout (SASRec, JSONL), its types from the column
 * names, whether --remap ran (stages.remap) and whether the source has time (table.time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "util.h"

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), k = strlen(suf);
    return n >= k && !strcmp(s + n - k, suf);
}

/* The files whose user and item ids --remap renumbers (docs/PREPROCESSING.md). */
static bool interactions_like(const char *f)
{
    return !strcmp(f, "interactions.tsv") || !strcmp(f, "train.tsv") || !strcmp(f, "valid.tsv") ||
           !strcmp(f, "test.tsv") || !strcmp(f, "sequences.tsv") || ends_with(f, ".inter") ||
           ends_with(f, ".jsonl") || ends_with(f, ".txt");
}

/* The header line of DIR/FILE into buf (without the newline); false if none. */
static bool read_header(const char *dir, const char *file, char *buf, size_t cap)
{
    char *path = l4r_path_join(dir, file);
    FILE *f = fopen(path, "rb");
    free(path);
    if (!f)
        return false;
    bool ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (!ok)
        return false;
    buf[strcspn(buf, "\r\n")] = '\0';
    return true;
}

static const char *tsv_type(const char *col, const char *file, bool remap, bool timeless, bool *nullable)
{
    bool inter = interactions_like(file);
    *nullable = false;
    if (!strcmp(col, "user_id") || !strcmp(col, "item_id"))
        return remap && inter ? "int64" : "string";
    if (!strcmp(col, "item_ids"))
        return remap ? "list<int64>" : "list<string>";
    if (!strcmp(col, "history"))
        return "list<string>";
    if (!strcmp(col, "new_id"))
        return "int64";
    if (!strcmp(col, "rating"))
        return "float64";
    if (!strcmp(col, "timestamp")) {
        /* empty when the source has no time; a side table's record may lack one */
        *nullable = timeless || !inter;
        return "int64";
    }
    return "string";
}

static void describe_tsv(l4r_manifest *m, size_t i, const char *dir, const char *file, bool remap,
                         bool timeless)
{
    char head[65536];
    if (!read_header(dir, file, head, sizeof head))
        return;
    for (char *s = head, *tok; (tok = strsep(&s, "\t"));) {
        bool nullable;
        const char *type = tsv_type(tok, file, remap, timeless, &nullable);
        l4r_manifest_output_add_column(m, i, tok, type, nullable);
    }
}

/* RecBole atomic files: "name:type" headers (token, float, token_seq). */
static void describe_recbole(l4r_manifest *m, size_t i, const char *dir, const char *file, bool remap,
                             bool timeless)
{
    char head[65536];
    if (!read_header(dir, file, head, sizeof head))
        return;
    for (char *s = head, *tok; (tok = strsep(&s, "\t"));) {
        char *colon = strrchr(tok, ':');
        if (!colon)
            continue;
        *colon = '\0';
        const char *rt = colon + 1, *type = "string";
        bool id = !strcmp(tok, "user_id") || !strcmp(tok, "item_id");
        if (!strcmp(rt, "float"))
            type = "float64";
        else if (!strcmp(rt, "token_seq"))
            type = "list<string>";
        else if (id && remap)
            type = "int64";
        l4r_manifest_output_add_column(m, i, tok, type, !strcmp(tok, "timestamp") && timeless);
    }
}

static void describe_jsonl(l4r_manifest *m, size_t i, bool timeless, bool candidates)
{
    l4r_manifest_output_add_column(m, i, "user_id", "string", false);
    l4r_manifest_output_add_column(m, i, "history_item_ids", "list<string>", false);
    l4r_manifest_output_add_column(m, i, "history_titles", "list<string>", false);
    l4r_manifest_output_add_column(m, i, "target_item_id", "string", false);
    l4r_manifest_output_add_column(m, i, "target_title", "string", true);
    l4r_manifest_output_add_column(m, i, "timestamp", "int64", timeless);
    if (candidates) {
        l4r_manifest_output_add_column(m, i, "candidate_item_ids", "list<string>", false);
        l4r_manifest_output_add_column(m, i, "candidate_titles", "list<string>", false);
    }
}

void l4r_describe_outputs(l4r_manifest *m, const char *dir)
{
    int64_t v = 0;
    bool remap = l4r_manifest_get_int(m, "stages.remap.users", &v);
    const char *tt = l4r_manifest_get_str(m, "table.time");
    bool timeless = tt && !strcmp(tt, "none");
    bool candidates = l4r_manifest_get_int(m, "jsonl.candidates", &v) && v > 0;
    const char *sas_u = l4r_manifest_get_str(m, "sasrec.user_map");
    const char *sas_i = l4r_manifest_get_str(m, "sasrec.item_map");
    size_t n = l4r_manifest_n_outputs(m);
    for (size_t i = 0; i < n; i++) {
        const char *f = l4r_manifest_output_file(m, i);
        if (!f)
            continue;
        if (l4r_manifest_output_get_str(m, i, "content"))
            continue;                /* a "copy" table's records: no columns, the source's ids */
        char *file = l4r_xstrdup(f); /* the entry's string may move as keys are added */
        bool sasrec = ends_with(file, ".txt");
        if (sasrec) {
            l4r_manifest_output_add_column(m, i, "user_id", "int64", false);
            l4r_manifest_output_add_column(m, i, "item_id", "int64", false);
        } else if (ends_with(file, ".jsonl")) {
            describe_jsonl(m, i, timeless, candidates);
        } else if (ends_with(file, ".inter") || ends_with(file, ".item") || ends_with(file, ".user")) {
            describe_recbole(m, i, dir, file, remap, timeless);
        } else if (ends_with(file, ".tsv")) {
            describe_tsv(m, i, dir, file, remap, timeless);
        }
        /* the maps of a renumbered file: --remap's for every interactions file and the RecBole
         * side files, SASRec's own when only it was renumbered */
        bool users = interactions_like(file) || ends_with(file, ".user");
        bool items = interactions_like(file) || ends_with(file, ".item");
        if (sasrec && sas_u) {
            l4r_manifest_output_set_str(m, i, "user_map", sas_u);
            l4r_manifest_output_set_str(m, i, "item_map", sas_i);
        } else if (remap && (users || items)) {
            if (users)
                l4r_manifest_output_set_str(m, i, "user_map", "user_map.tsv");
            if (items)
                l4r_manifest_output_set_str(m, i, "item_map", "item_map.tsv");
        }
        free(file);
    }
}
