/*
 * dataset.c — convert one recipe variant: its interactions, items and users tables into the
 * output directory, with manifest.json (convert.h, l4r_convert).
 *
 * How it works: every table's input is located first (locate.c) and the output directory begun
 * (output.c), so a missing file fails before anything is parsed.  The items and users tables are
 * read first, into l4r_items, because sinks such as JSONL need the titles; then the interactions:
 * streamed straight to interactions.tsv when no stage or split asks for more, else interned into
 * the l4r_itab that l4r_process (process.c) runs the stages, splits and sinks on.  Each table goes
 * through l4r_run_table (convert.c), and each fetched input's digest is compared with the fetch
 * stamp before its rows count.  The directory is renamed into place only after the manifest is
 * written; any error leaves nothing under the final name.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "columns.h"
#include "convert.h"
#include "convert_internal.h"
#include "format.h"
#include "idcache.h"
#include "locate.h"
#include "output.h"
#include "parquet.h"
#include "presets.h"
#include "process.h"
#include "reader.h"
#include "table.h"
#include "util.h"

/* Item 4 of issue 13: a fetched file edited in place (same size, so fetch's own size check passes)
 * must not be converted as if it were the verified download.  The digest l4r_run_table computed of the
 * input (it is in the manifest already) is compared with the one the fetch stamp records for it.
 * Every stamp fetch writes lists each download and each regular file it unpacked, so a file the
 * stamp does not list (the archive holds it as a symlink, or it was put there by hand), or a stamp
 * that is gone (removed by hand, or by a fetch killed while it unpacked again), is an error too:
 * the bytes read were never verified. */
typedef struct stamp_ent {
    char *name; /* cleaned (l4r_archive_path_clean) */
    const char *sha256;
    int64_t size;
} stamp_ent;

static int cmp_ent(const void *a, const void *b)
{
    return strcmp(((const stamp_ent *)a)->name, ((const stamp_ent *)b)->name);
}

/* check_stamp for a table of several files ("paths"): each one against the stamp, which is read
 * once and searched by name (the original Netflix layout has 17,770 files). */
static l4r_status check_stamp_parts(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                                    const l4r_input *in, l4r_error *e)
{
    char *path = l4r_path_join(o->fetched_dir, ".l4r-fetched.json");
    json_t *stamp = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
    free(path);
    if (!json_is_object(stamp)) {
        json_decref(stamp);
        return l4r_err(e, L4R_ECHECKSUM,
                       "'%s' cannot be checked: the fetch stamp '%s/.l4r-fetched.json' is missing or "
                       "damaged; fetch it again with 'llm4rec-data fetch %s --variant %s --force'",
                       in->parts[0].path, o->fetched_dir, r->dataset, v->name);
    }
    stamp_ent *ents = NULL;
    size_t n = 0, cap = 0;
    l4r_buf clean = {0};
    static const char *const lists[] = {"files", "unpacked"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(stamp, lists[k]), i, f)
        {
            const char *nm = json_string_value(json_object_get(f, "name"));
            const char *sha = json_string_value(json_object_get(f, "sha256"));
            if (!nm || !sha || strlen(sha) != 64 || !l4r_archive_path_clean(nm, &clean))
                continue; /* an entry without a digest checks nothing */
            if (n == cap) {
                cap = cap ? 2 * cap : 256;
                ents = l4r_xrealloc(ents, cap * sizeof *ents);
            }
            json_t *js = json_object_get(f, "size");
            ents[n++] =
                (stamp_ent){l4r_xstrdup(clean.data), sha, json_is_integer(js) ? json_integer_value(js) : -1};
        }
    }
    if (n)
        qsort(ents, n, sizeof *ents, cmp_ent);
    l4r_status st = L4R_OK;
    for (size_t i = 0; i < in->n_parts && st == L4R_OK; i++) {
        const l4r_input *p = &in->parts[i];
        char none[1] = "";
        if (!l4r_archive_path_clean(p->rel, &clean))
            l4r_buf_reset(&clean);
        stamp_ent key = {clean.data ? clean.data : none, NULL, 0};
        const stamp_ent *hit = n ? bsearch(&key, ents, n, sizeof *ents, cmp_ent) : NULL;
        if (!hit)
            st = l4r_err(e, L4R_ECHECKSUM,
                         "'%s' is not a file that fetch verified: the fetch stamp lists no file '%s' (it was "
                         "put there by hand?); fetch it again with 'llm4rec-data fetch %s --variant %s "
                         "--force', or convert it with --raw",
                         p->path, p->rel, r->dataset, v->name);
        else if (strcasecmp(hit->sha256, p->sha256) != 0 ||
                 (hit->size >= 0 && (uint64_t)hit->size != p->bytes))
            st =
                l4r_err(e, L4R_ECHECKSUM,
                        "'%s' changed after it was fetched and verified: its SHA-256 is %s (%llu bytes), the "
                        "fetch stamp records %s (%lld bytes); fetch it again with 'llm4rec-data fetch %s "
                        "--variant %s --force'",
                        p->path, p->sha256, (unsigned long long)p->bytes, hit->sha256, (long long)hit->size,
                        r->dataset, v->name);
    }
    for (size_t i = 0; i < n; i++)
        free(ents[i].name);
    free(ents);
    l4r_buf_free(&clean);
    json_decref(stamp);
    return st;
}

/* --raw: the file given against the recipe's SHA-256 for a file of that name (or, for an archive
 * under another name, for the variant's only file).  A mismatch is no error (a later release, a
 * re-packed copy, a file of one's own): a warning, once per file, and in manifest.json
 * inputs.ROLE.recipe_sha256 with inputs.ROLE.matches_recipe, so the output says what it came from. */
static void check_raw_digest(const l4r_variant *v, const l4r_convert_opts *o, const l4r_input *in,
                             const char *role, l4r_manifest *m)
{
    if (in->n_parts || !in->path)
        return;
    const char *base = l4r_path_base(in->path);
    const l4r_rfile *f = NULL;
    for (size_t i = 0; i < v->n_files && !f; i++)
        if (v->files[i].name && !strcmp(v->files[i].name, base))
            f = &v->files[i];
    if (!f && v->n_files == 1 && in->member)
        f = &v->files[0];
    char key[96];
    snprintf(key, sizeof key, "inputs.%s.sha256", role);
    const char *got = l4r_manifest_get_str(m, key);
    if (!f || !f->sha256 || !got)
        return;
    bool same = !strcmp(got, f->sha256);
    /* the tables of one archive: one warning, by the first of them checked (a label is "PATH" or
     * "PATH:MEMBER") */
    bool warned = false;
    static const char *const roles[] = {"items", "users", "interactions"};
    size_t pn = strlen(in->path);
    for (size_t k = 0; k < 3 && !warned; k++) {
        snprintf(key, sizeof key, "inputs.%s.recipe_sha256", roles[k]);
        bool checked = strcmp(roles[k], role) && l4r_manifest_get_str(m, key);
        snprintf(key, sizeof key, "inputs.%s.file", roles[k]);
        const char *lab = checked ? l4r_manifest_get_str(m, key) : NULL;
        warned = lab && !strncmp(lab, in->path, pn) && (lab[pn] == 0 || lab[pn] == ':');
    }
    snprintf(key, sizeof key, "inputs.%s.recipe_sha256", role);
    l4r_manifest_set_str(m, key, f->sha256);
    snprintf(key, sizeof key, "inputs.%s.matches_recipe", role);
    l4r_manifest_set_bool(m, key, same);
    if (same || !o->log || warned)
        return;
    char *msg = l4r_xasprintf("'%s' is not the file the recipe knows as '%s': its SHA-256 is %s, the "
                              "recipe's %s (another release, or a re-packed copy?); converted as it "
                              "is, and manifest.json records both",
                              in->path, f->name, got, f->sha256);
    o->log(o->log_ud, 1, msg);
    free(msg);
}

static l4r_status check_stamp(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                              const l4r_table *t, const l4r_input *in, const char *role, l4r_manifest *m,
                              l4r_error *e)
{
    if (o->raw) {
        check_raw_digest(v, o, in, role, m);
        return L4R_OK;
    }
    if (!o->fetched_dir)
        return L4R_OK;
    if (in->n_parts)
        return check_stamp_parts(r, v, o, in, e);
    char key[64];
    snprintf(key, sizeof key, "inputs.%s.sha256", role);
    const char *got = l4r_manifest_get_str(m, key);
    int64_t got_size = -1;
    snprintf(key, sizeof key, "inputs.%s.bytes", role);
    l4r_manifest_get_int(m, key, &got_size);
    char want[65];
    int64_t want_size;
    if (!got)
        return l4r_err(e, L4R_EINTERNAL, "no digest of '%s' to check against the fetch stamp", in->path);
    int found = l4r_fetch_stamp_lookup(o->fetched_dir, t->path, want, &want_size);
    if (found < 0)
        return l4r_err(e, L4R_ECHECKSUM,
                       "'%s' cannot be checked: the fetch stamp '%s/.l4r-fetched.json' is missing or "
                       "damaged; fetch it again with 'llm4rec-data fetch %s --variant %s --force'",
                       in->path, o->fetched_dir, r->dataset, v->name);
    if (found == 0)
        return l4r_err(e, L4R_ECHECKSUM,
                       "'%s' is not a file that fetch verified: the fetch stamp lists no file '%s' (the "
                       "archive holds it as a symbolic link, or it was put there by hand); fetch it again "
                       "with 'llm4rec-data fetch %s --variant %s --force', or convert it with --raw",
                       in->path, t->path, r->dataset, v->name);
    if (strcmp(got, want) != 0 || (want_size >= 0 && want_size != got_size))
        return l4r_err(e, L4R_ECHECKSUM,
                       "'%s' changed after it was fetched and verified: its SHA-256 is %s (%lld bytes), the "
                       "fetch stamp records %s (%lld bytes); fetch it again with 'llm4rec-data fetch %s "
                       "--variant %s --force'",
                       in->path, got, (long long)got_size, want, (long long)want_size, r->dataset, v->name);
    return L4R_OK;
}

/* After a table: check_stamp for it, unless its digest comes when the pass over its archive ends
 * (in->deferred), and for the inputs whose digest that pass has given since (l4r_passkeep). */
static l4r_status table_done(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                             const l4r_table *t, const l4r_input *in, const char *role, l4r_passkeep *k,
                             l4r_manifest *m, l4r_error *e)
{
    l4r_status st = in->deferred ? L4R_OK : check_stamp(r, v, o, t, in, role, m, e);
    for (size_t i = 0; st == L4R_OK && k && i < k->n_wait; i++)
        if (k->wait[i].filled && !k->wait[i].checked) {
            k->wait[i].checked = true;
            if (k->wait[i].in != in)
                st = check_stamp(r, v, o, k->wait[i].t, k->wait[i].in, k->wait[i].role, m, e);
        }
    return st;
}

/* Which of the tables, read in this order (NULL: not read), leave their source open for the next:
 * members of one archive, one file each. */
static void share_pass(l4r_input *items, l4r_input *inter, l4r_input *users)
{
    l4r_input *seq[3] = {items, inter, users}, *prev = NULL;
    for (size_t i = 0; i < 3; i++) {
        l4r_input *in = seq[i];
        if (!in || !in->path)
            continue;
        if (prev && prev->member && in->member && !prev->n_parts && !in->n_parts && !prev->glob &&
            !in->glob && !strcmp(prev->path, in->path))
            prev->share_next = true;
        prev = in;
    }
}

/* The end of the reading: the pass left open (a users table that was missing) closed, and the
 * inputs its digest gave checked. */
static l4r_status pass_end(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                           l4r_passkeep *k, l4r_manifest *m, l4r_error *e)
{
    l4r_status st = l4r_passkeep_end(k, e);
    for (size_t i = 0; st == L4R_OK && i < k->n_wait; i++)
        if (k->wait[i].filled && !k->wait[i].checked) {
            k->wait[i].checked = true;
            st = check_stamp(r, v, o, k->wait[i].t, k->wait[i].in, k->wait[i].role, m, e);
        }
    for (size_t i = 0; st == L4R_OK && i < k->n_wait; i++)
        if (!k->wait[i].filled)
            st = l4r_err(e, L4R_EINTERNAL, "no digest of '%s'", k->wait[i].in->path);
    return st;
}

static bool needs_table(const l4r_process_opts *p)
{
    return p->split != L4R_SPLIT_NONE || p->dedup != L4R_DEDUP_NONE || p->has_min_rating ||
           p->has_time_from || p->has_time_until || p->implicit || p->require_title || p->user_core > 0 ||
           p->item_core > 0 || p->remap || p->max_history > 0 ||
           (p->formats & ~(unsigned)(L4R_SINK_TSV | L4R_SINK_PARQUET)) != 0 || p->ties != L4R_TIES_SOURCE;
}

/* What -o - cannot do (it streams one file): a split, a stage or export (they need the table and
 * write several files), --split published, --with.  L4R_OK when nothing stands in the way. */
static l4r_status stdout_refusals(const l4r_convert_opts *o)
{
    return needs_table(&o->proc) || o->split_published || o->n_with ? L4R_EUSAGE : L4R_OK;
}

static const char *stdout_refusal_text(const l4r_convert_opts *o)
{
    if (o->split_published || o->proc.split != L4R_SPLIT_NONE)
        return "a split writes train/valid/test.tsv: use -o DIR";
    if ((o->proc.formats & ~(unsigned)L4R_SINK_TSV) != 0)
        return "--format other than tsv writes more files: use -o DIR";
    if (o->n_with)
        return "--with writes more files: use -o DIR";
    return "stages (--dedup, --kcore, --remap, ...) run on the whole table: use -o DIR";
}

/* items.tsv (item_id, title, extras) or users.tsv (user_id, extras: no title). */
static l4r_status write_items(const l4r_items *it, const char *dir, bool users, l4r_manifest *m, l4r_error *e)
{
    l4r_out *o = NULL;
    l4r_status st = l4r_out_open(&o, dir, users ? "users.tsv" : "items.tsv", e);
    if (st)
        return st;
    l4r_buf line = {0};
    l4r_buf_adds(&line, users ? "user_id" : "item_id\ttitle");
    for (size_t x = 0; x < it->n_extra; x++) {
        l4r_buf_addc(&line, '\t');
        l4r_buf_adds(&line, it->extra_names[x]);
    }
    l4r_buf_addc(&line, '\n');
    for (size_t i = 0; i < it->n && st == L4R_OK; i++) {
        size_t n;
        const char *id = l4r_dict_str(it->ids, (uint32_t)i, &n);
        l4r_buf_add_field(&line, id, n);
        if (!users) {
            l4r_buf_addc(&line, '\t');
            if (it->title[i])
                l4r_buf_add_field(&line, it->title[i], strlen(it->title[i]));
        }
        for (size_t x = 0; x < it->n_extra; x++) {
            l4r_buf_addc(&line, '\t');
            if (it->extra && it->extra[i] && it->extra[i][x])
                l4r_buf_add_field(&line, it->extra[i][x], strlen(it->extra[i][x]));
        }
        l4r_buf_addc(&line, '\n');
        if (line.len > (1u << 20)) {
            st = l4r_out_write(o, line.data, line.len, e);
            l4r_buf_reset(&line);
        }
    }
    if (st == L4R_OK)
        st = l4r_out_write(o, line.data, line.len, e);
    l4r_buf_free(&line);
    if (st) {
        l4r_out_abort(o);
        return st;
    }
    l4r_out_add_rows(o, it->n);
    return l4r_out_close(o, m, e);
}

/* Whether the archive given to --raw lacks the member of a side-information table (users.tsv, a
 * side table): a repackaged archive still converts, with a warning that `file` is not written.  A
 * broken archive fails on the interactions table anyway. */
static bool member_missing(const l4r_convert_opts *o, const l4r_input *in, const char *file)
{
    if (!in->member)
        return false;
    l4r_source *probe = NULL;
    l4r_error pe = {0};
    l4r_status ps = l4r_source_open(&probe, in->path, in->member, &pe);
    l4r_source_close(probe);
    if (ps != L4R_EARCHIVE)
        return false;
    if (o->log) {
        char *msg = l4r_xasprintf("%s; %s is not written", pe.msg, file);
        o->log(o->log_ud, 1, msg);
        free(msg);
    }
    return true;
}

/* The items (MODE_ITEMS) or users (MODE_USERS) table `t` of the variant, found at `in` (no path:
 * not next to the input, a warning), into *store. */
static l4r_status load_meta(const l4r_convert_opts *o, const l4r_recipe *r, const l4r_variant *v,
                            const l4r_table *t, mode_t_ mode, l4r_input *in, tabctx *c, uint64_t *skipped,
                            l4r_passkeep *keep, l4r_manifest *m, l4r_items **store, l4r_error *e)
{
    const char *role = mode == MODE_USERS ? "users" : "items";
    if (!in->path) {
        if (o->log) {
            char msg[512];
            snprintf(msg, sizeof msg, "no '%s' next to the input; %s.tsv is not written",
                     l4r_path_base(t->path), role);
            o->log(o->log_ud, 1, msg);
        }
        return L4R_OK;
    }
    char genres[] = "genres";
    char *names[L4R_MAX_MAP + 1];
    size_t nn = 0;
    l4r_status st = l4r_tabctx_init(c, t, mode, in->label, e);
    if (st)
        return st;
    c->skipped_run = skipped;
    for (size_t x = 0; x < c->n_extra - (c->has_flags ? 1 : 0); x++)
        names[nn++] = t->map[c->extra[x]].out;
    if (c->has_flags)
        names[nn++] = t->flags_out ? t->flags_out : genres;
    *store = l4r_items_new(names, nn);
    for (size_t x = 0; x < nn; x++) { /* the lists (RecBole's token_seq columns) */
        bool flags = c->has_flags && x + 1 == nn;
        l4r_items_set_list(*store, x,
                           flags                      ? "|"
                           : t->map[c->extra[x]].join ? t->map[c->extra[x]].join_sep
                                                      : NULL);
    }
    c->items = *store;
    c->keep = keep;
    c->missing_ok = mode == MODE_USERS; /* the items table has no such leniency */
    st = l4r_run_table(o, c, in, role, m, e);
    if (st == L4R_OK && c->missing) {
        l4r_items_free(*store);
        *store = NULL;
        return L4R_OK;
    }
    if (st == L4R_OK)
        st = table_done(r, v, o, t, in, role, keep, m, e);
    if (st)
        return st;
    if (c->dup_items) {
        char key[64];
        snprintf(key, sizeof key, "%s.duplicate_ids_skipped", role);
        l4r_manifest_set_int(m, key, (int64_t)c->dup_items);
        if (o->log) {
            char msg[256];
            snprintf(msg, sizeof msg, "%llu duplicate %s ids in '%s'; the first record of each was kept",
                     (unsigned long long)c->dup_items, mode == MODE_USERS ? "user" : "item", in->label);
            o->log(o->log_ud, 1, msg);
        }
    }
    return L4R_OK;
}

/* Where each table of v is read from; the items and users tables may be missing (load_meta). */
static l4r_status locate_tables(const l4r_convert_opts *o, const l4r_variant *v, l4r_input *in_i,
                                l4r_input *in_it, l4r_input *in_us, l4r_error *e)
{
    l4r_status st = l4r_locate(o->raw, o->fetched_dir, v, v->interactions, false, in_i, e);
    if (st == L4R_OK && v->items)
        st = l4r_locate(o->raw, o->fetched_dir, v, v->items, true, in_it, e);
    if (st == L4R_OK && v->users)
        st = l4r_locate(o->raw, o->fetched_dir, v, v->users, true, in_us, e);
    return st;
}

/* What the manifest says before any table is read: the tool, the variant, the command line. */
static void manifest_head(l4r_manifest *m, const l4r_recipe *r, const l4r_variant *v,
                          const l4r_convert_opts *o)
{
    l4r_manifest_set_str(m, "tool", "llm4rec-data");
    l4r_manifest_set_str(m, "version", l4r_version());
    l4r_manifest_set_int(m, "format_version", L4R_MANIFEST_FORMAT_VERSION);
    l4r_manifest_set_str(m, "dataset", r->dataset);
    l4r_manifest_set_str(m, "variant", v->name);
    for (int i = 0; i < o->argc; i++)
        l4r_manifest_push_str(m, "command", o->argv[i]);
    for (size_t i = 0; i < o->n_settings; i++) {
        char *key = l4r_xasprintf("convert_options.%s", o->settings[2 * i]);
        l4r_manifest_set_str(m, key, o->settings[2 * i + 1]);
        free(key);
    }
    /* the global options and environment that shaped the run (null: not used) */
    l4r_manifest_set_str(m, "options.recipes", r->source_path);
    l4r_manifest_set_str(m, "options.data_dir", o->raw ? NULL : o->data_dir);
    l4r_manifest_set_str(m, "options.mirror", o->raw ? NULL : o->mirror);
    l4r_manifest_set_str(m, "options.lock", o->raw ? NULL : o->lock);
    l4r_manifest_set_str(m, "table.format", l4r_format_get(v->interactions->format)->name);
    if (v->interactions->time == L4R_TIME_NONE) /* the timestamps are empty (docs/FORMAT.md) */
        l4r_manifest_set_str(m, "table.time", "none");
    if (v->interactions->explode) /* one source record, many interactions */
        l4r_manifest_set_str(m, "table.explode", v->interactions->explode->column);
    if (!o->raw)
        l4r_manifest_add_fetch_stamp(m, o->fetched_dir);
}

/* The users table (after the interactions: see l4r_convert), then the end of the reading. */
static l4r_status load_users(const l4r_convert_opts *o, const l4r_recipe *r, const l4r_variant *v,
                             l4r_input *in, tabctx *c, uint64_t *skipped, l4r_passkeep *keep, l4r_manifest *m,
                             l4r_items **users, l4r_error *e)
{
    l4r_status st = L4R_OK;
    if (v->users)
        st = load_meta(o, r, v, v->users, MODE_USERS, in, c, skipped, keep, m, users, e);
    if (st == L4R_OK)
        st = pass_end(r, v, o, keep, m, e);
    return st;
}

/* No stage and no split: the interactions go straight to DIR/interactions.tsv as they are read
 * (dir NULL: to standard output, for -o -). */
static l4r_status stream_interactions(const l4r_convert_opts *o, const l4r_recipe *r, const l4r_variant *v,
                                      tabctx *ci, l4r_input *in, const char *dir, l4r_manifest *m,
                                      l4r_error *e)
{
    l4r_out *out = NULL;
    l4r_status st = dir ? l4r_out_open(&out, dir, "interactions.tsv", e)
                        : l4r_out_open_fd(&out, STDOUT_FILENO, "standard output", "interactions.tsv", e);
    if (st)
        return st;
    st = l4r_out_puts(out, "user_id\titem_id\trating\ttimestamp\n", e);
    if (st)
        goto out;
    ci->out = out;
    st = l4r_run_table(o, ci, in, "interactions", m, e);
    if (st == L4R_OK)
        st = table_done(r, v, o, v->interactions, in, "interactions", ci->keep, m, e);
    if (st)
        goto out;
    st = l4r_out_close(out, m, e);
    out = NULL;
    if (st)
        goto out;
    l4r_manifest_set_int(m, "counts.interactions", (int64_t)ci->rows);
out:
    l4r_out_abort(out);
    return st;
}

/* Whether side table s is written: the published split with --split published, an optional table
 * when --with names it, any other always. */
static bool side_wanted(const l4r_convert_opts *o, const l4r_side *s)
{
    if (l4r_side_is_split(s->name))
        return o->split_published;
    if (!s->optional)
        return true;
    for (size_t i = 0; i < o->n_with; i++)
        if (!strcmp(o->with[i], s->name))
            return true;
    return false;
}

/* The refusals of --with and --split published, before anything is read. */
static l4r_status check_side_opts(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                                  l4r_error *e)
{
    for (size_t i = 0; i < o->n_with; i++) {
        bool found = false;
        for (size_t k = 0; k < v->n_tables; k++)
            found = found || (!strcmp(v->tables[k].name, o->with[i]) && !l4r_side_is_split(o->with[i]));
        if (found)
            continue;
        l4r_buf names = {0};
        for (size_t k = 0; k < v->n_tables; k++) {
            if (!v->tables[k].optional || l4r_side_is_split(v->tables[k].name))
                continue;
            l4r_buf_adds(&names, names.len ? ", " : "");
            l4r_buf_adds(&names, v->tables[k].name);
        }
        l4r_buf_addc(&names, '\0');
        l4r_status st =
            l4r_err(e, L4R_EUSAGE, "--with %s: %s/%s has no optional table of that name (%s%s)", o->with[i],
                    r->dataset, v->name, names.len > 1 ? "it has: " : "it has none", names.data);
        l4r_buf_free(&names);
        return st;
    }
    if (!o->split_published)
        return L4R_OK;
    bool has = false;
    for (size_t k = 0; k < v->n_tables; k++)
        has = has || l4r_side_is_split(v->tables[k].name);
    if (!has)
        return l4r_err(
            e, L4R_EUSAGE,
            "--split published: %s/%s has no published split; 'llm4rec-data list %s' marks the "
            "variants that have one ('split' in 'info'), or use --split seq, time, ratio or random",
            r->dataset, v->name, r->dataset);
    if (needs_table(&o->proc))
        return l4r_err(e, L4R_EUSAGE,
                       "--split published writes the published train, valid and test files as they are: it "
                       "takes no filter, core, dedup, --remap, --ties or --format option (they would change "
                       "interactions.tsv but not the split)");
    return L4R_OK;
}

/* Side table s of the variant to DIR/NAME.tsv, streamed; a default table whose file is missing is
 * a warning, as for users.tsv, a table the user asked for an error. */
static l4r_status write_side(const l4r_convert_opts *o, const l4r_recipe *r, const l4r_variant *v,
                             const l4r_side *s, const char *dir, uint64_t *skipped, l4r_manifest *m,
                             l4r_error *e)
{
    l4r_input in = {0};
    tabctx c;
    memset(&c, 0, sizeof c);
    l4r_out *out = NULL;
    l4r_buf head = {0};
    char file[96];
    snprintf(file, sizeof file, "%s.%s", s->name, s->t->copy ? "jsonl" : "tsv");
    /* a table of the interactions' own file (U-NEED's messages) is read wherever they were found,
     * whatever --raw names it */
    bool same = v->interactions && l4r_table_same_file(s->t, v->interactions);
    l4r_status st = l4r_locate(o->raw, o->fetched_dir, v, same ? v->interactions : s->t, !same, &in, e);
    if (st)
        goto out;
    if (!in.path) {
        if (s->optional) {
            st = l4r_err(e, L4R_EIO,
                         "no '%s' next to the input, so %s cannot be written; give --raw the "
                         "directory or archive that holds it",
                         l4r_path_base(s->t->path), file);
        } else if (o->log) {
            char msg[512];
            snprintf(msg, sizeof msg, "no '%s' next to the input; %s is not written",
                     l4r_path_base(s->t->path), file);
            o->log(o->log_ud, 1, msg);
        }
        goto out;
    }
    if (!s->optional && member_missing(o, &in, file))
        goto out;
    st = l4r_tabctx_init(&c, s->t, MODE_SIDE, in.label, e);
    if (st)
        goto out;
    c.skipped_run = skipped;
    st = l4r_out_open(&out, dir, file, e);
    if (st)
        goto out;
    for (size_t k = 0; k < s->t->n_map; k++) {
        if (k)
            l4r_buf_addc(&head, '\t');
        l4r_buf_adds(&head, s->t->map[k].out);
    }
    if (!s->t->copy) /* a JSON-lines copy has no header */
        l4r_buf_addc(&head, '\n');
    st = head.len ? l4r_out_write(out, head.data, head.len, e) : L4R_OK;
    if (st)
        goto out;
    c.out = out;
    st = l4r_run_table(o, &c, &in, s->name, m, e);
    if (st == L4R_OK)
        st = check_stamp(r, v, o, s->t, &in, s->name, m, e);
    if (st)
        goto out;
    st = l4r_out_close(out, m, e);
    out = NULL;
    if (st)
        goto out;
    size_t at = l4r_manifest_n_outputs(m);
    if (s->t->copy && at && !strcmp(l4r_manifest_output_file(m, at - 1), file))
        l4r_manifest_output_set_str(m, at - 1, "content", "records"); /* each line a record, whole */
    char key[96];
    snprintf(key, sizeof key, "counts.%s", s->name);
    l4r_manifest_set_int(m, key, (int64_t)c.rows);
    if (o->proc.remap && o->log) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "%s keeps the source ids: --remap renumbers interactions.tsv and items.tsv only", file);
        o->log(o->log_ud, 1, msg);
    }
out:
    l4r_out_abort(out);
    l4r_buf_free(&head);
    l4r_tabctx_free(&c);
    l4r_input_free(&in);
    return st;
}

/* items.tsv and users.tsv of the tables that were read (NULL: none). */
static l4r_status write_meta(const l4r_items *items, const l4r_items *users, const char *dir, l4r_manifest *m,
                             l4r_convert_result *res, l4r_error *e)
{
    if (items) {
        l4r_status st = write_items(items, dir, false, m, e);
        if (st)
            return st;
        res->items = items->n;
        l4r_manifest_set_int(m, "counts.items_with_metadata", (int64_t)items->n);
    }
    if (users) {
        l4r_status st = write_items(users, dir, true, m, e);
        if (st)
            return st;
        l4r_manifest_set_int(m, "counts.users_with_metadata", (int64_t)users->n);
    }
    return L4R_OK;
}

/* --format parquet: every table written so far, as Parquet too. */
static l4r_status write_parquet(const l4r_convert_opts *o, const l4r_variant *v, const char *dir,
                                l4r_manifest *m, l4r_error *e)
{
    const char *side[64];
    size_t ns = 0;
    for (size_t k = 0; k < v->n_tables && ns < 64; k++)
        if (side_wanted(o, &v->tables[k]))
            side[ns++] = v->tables[k].name;
    const char *rg = getenv("L4R_PARQUET_ROW_GROUP"); /* for tests: small row groups */
    l4r_parquet_opts po = {.dir = dir,
                           .partitions = o->proc.partitions,
                           .remap = o->proc.remap,
                           .keep_tsv = (o->proc.formats & L4R_SINK_TSV) != 0,
                           .side = side,
                           .n_side = ns,
                           .row_group_rows = rg ? (size_t)strtoull(rg, NULL, 10) : 0};
    return l4r_parquet_write_tables(&po, m, e);
}

/* --preset: is the input the published source?  With --raw, when the recipe's SHA-256 for it is its
 * own (inputs.interactions.matches_recipe); fetched, when every file of the variant has a recipe
 * digest that the fetch verified.  Then the comparison with the paper (presets.c). */
static l4r_status preset_report(const l4r_convert_opts *o, const l4r_recipe *r, const l4r_variant *v,
                                l4r_manifest *m, l4r_error *e)
{
    bool published = false;
    const char *why = NULL;
    if (o->raw) {
        const char *want = l4r_manifest_get_str(m, "inputs.interactions.recipe_sha256");
        const char *got = l4r_manifest_get_str(m, "inputs.interactions.sha256");
        published = want && got && !strcmp(want, got);
        why = !want ? "the recipe has no SHA-256 for it" : "its SHA-256 is not the recipe's";
    } else {
        published = v->n_files > 0;
        for (size_t i = 0; i < v->n_files; i++)
            published = published && (v->files[i].sha256 || v->files[i].md5);
        why = "the recipe has no digest for every file of the variant, so the fetch could not verify it";
    }
    l4r_preset_run run = {.preset = o->preset,
                          .dataset = r->dataset,
                          .variant = v->name,
                          .published = published,
                          .input_why = why,
                          .allow_deviation = o->allow_deviation,
                          .overrides = o->preset_overrides,
                          .n_overrides = o->n_preset_overrides,
                          .log = o->log,
                          .log_ud = o->log_ud};
    return l4r_preset_report(&run, m, e);
}

l4r_status l4r_convert(const l4r_recipe *r, const l4r_variant *v, const l4r_convert_opts *o,
                       l4r_convert_result *res, l4r_error *e)
{
    memset(res, 0, sizeof *res);
    if (!v->interactions)
        return l4r_err(e, L4R_ERECIPE,
                       "%s/%s has no interaction table in its recipe; it cannot be converted yet", r->dataset,
                       v->name);
    /* before anything is read: the same refusal the split makes (split.c), without the wait */
    if (v->interactions->time == L4R_TIME_NONE &&
        (o->proc.split == L4R_SPLIT_TIME || o->proc.split == L4R_SPLIT_TIME_QUANTILE))
        return l4r_err(
            e, L4R_EUSAGE,
            "--split %s needs timestamps, but %s/%s has no time (its recipe maps no timestamp): "
            "use --split seq, ratio or random, which order each user's rows by their source position",
            o->proc.split == L4R_SPLIT_TIME ? "time" : "time-quantile", r->dataset, v->name);
    if (o->proc.partitions > 0 && !(o->proc.formats & L4R_SINK_PARQUET))
        return l4r_err(e, L4R_EUSAGE,
                       "--partitions splits the Parquet files: add --format parquet (or tsv,parquet)");
    l4r_status cs = check_side_opts(r, v, o, e);
    if (cs)
        return cs;
    l4r_outdir od = {0};
    l4r_manifest *m = l4r_manifest_new();
    l4r_items *items = NULL;
    l4r_itab *itab = NULL;
    l4r_items *users = NULL;
    l4r_input in_i = {0}, in_it = {0}, in_us = {0};
    l4r_passkeep keep = {0};
    tabctx ci, cit, cus;
    memset(&ci, 0, sizeof ci);
    memset(&cit, 0, sizeof cit);
    memset(&cus, 0, sizeof cus);
    l4r_idcache caches[3];
    memset(caches, 0, sizeof caches);
    uint64_t skipped = 0; /* bad records skipped in both tables, against --max-errors */
    l4r_status st;

    /* -o -: interactions.tsv to standard output, nothing else written (no directory, no manifest) */
    bool to_stdout = !strcmp(o->out_dir, "-");
    if (to_stdout) {
        st = stdout_refusals(o);
        if (st) {
            l4r_err(e, st, "-o - writes interactions.tsv to standard output, one file: %s",
                    stdout_refusal_text(o));
            goto out;
        }
    }
    st = locate_tables(o, v, &in_i, &in_it, &in_us, e);
    if (st)
        goto out;
    if (!to_stdout)
        st = l4r_outdir_begin(&od, o->out_dir, o->force, o->log, o->log_ud, e);
    if (st)
        goto out;

    manifest_head(m, r, v, o);

    bool table = needs_table(&o->proc);
    st = l4r_tabctx_init(&ci, v->interactions, table ? MODE_TABLE : MODE_STREAM, in_i.label, e);
    if (st)
        goto out;
    ci.skipped_run = &skipped;

    /* Items first (sinks such as jsonl need the titles), then the interactions, then the users
     * (which only the stages and sinks after the reading use): the order of Yelp's tar, whose
     * three files are then read in one pass over it (l4r_passkeep), where each of its tables
     * would otherwise inflate the archive once. */
    keep.m = m;
    share_pass(to_stdout ? NULL : &in_it, &in_i, to_stdout || !v->users ? NULL : &in_us);
    ci.keep = &keep;
    if (v->items && !to_stdout) {
        st = load_meta(o, r, v, v->items, MODE_ITEMS, &in_it, &cit, &skipped, &keep, m, &items, e);
        if (st)
            goto out;
    }

    if (table) {
        itab = l4r_itab_new();
        itab->has_time = v->interactions->time != L4R_TIME_NONE;
        itab->memory_limit = o->proc.memory_limit; /* beyond it, sorted runs spill to disk */
        itab->spill_dir = l4r_path_join(od.tmp, ".spill");
        ci.itab = itab;
        l4r_idcache_init(&caches[0], itab->users);
        l4r_idcache_init(&caches[1], itab->items);
        l4r_idcache_init(&caches[2], itab->ratings);
        ci.cache = caches;
        double t0 = l4r_now();
        st = l4r_run_table(o, &ci, &in_i, "interactions", m, e);
        if (st == L4R_OK)
            st = table_done(r, v, o, v->interactions, &in_i, "interactions", &keep, m, e);
        if (st == L4R_OK)
            st = load_users(o, r, v, &in_us, &cus, &skipped, &keep, m, &users, e);
        if (st)
            goto out;
        double t1 = l4r_now();
        l4r_process_opts po = o->proc;
        po.threads = o->process_threads ? o->process_threads : 1;
        po.dataset = od.final; /* RecBole loads data_path/NAME/NAME.inter: the stem is its base name */
        po.users = users;
        po.recipe_dataset = r->dataset;
        po.recipe_variant = v->name;
        po.family = r->dataset;
        if (po.ties == L4R_TIES_ITEM && o->log)
            o->log(o->log_ud, 1,
                   "--ties item breaks ties by item id, as LlamaRec does: the id order leaks into each "
                   "user's sequence and inflates leave-one-out metrics (yueqirex/LRURec#1); "
                   "manifest.json records it (stages.ties)");
        if (po.formats & L4R_SINK_PARQUET) /* Parquet is made from the TSVs (parquet_tables.c) */
            po.formats |= L4R_SINK_TSV;
        st = l4r_process(itab, items, &po, od.tmp, m, e);
        if (st)
            goto out;
        if (o->log && getenv("L4R_TIMING")) {
            /* a diagnostic for profiling (docs/PERFORMANCE.md); never in the manifest */
            char msg[160];
            snprintf(msg, sizeof msg, "timing: parse and intern %.2f s, stages/split/sinks %.2f s", t1 - t0,
                     l4r_now() - t1);
            o->log(o->log_ud, 0, msg);
        }
        /* what the stages kept (l4r_process writes it), not what was parsed */
        int64_t kept = (int64_t)itab->n;
        l4r_manifest_get_int(m, "counts.interactions", &kept);
        res->interactions = (uint64_t)kept;
    } else {
        st = stream_interactions(o, r, v, &ci, &in_i, to_stdout ? NULL : od.tmp, m, e);
        if (st == L4R_OK && !to_stdout)
            st = load_users(o, r, v, &in_us, &cus, &skipped, &keep, m, &users, e);
        if (st)
            goto out;
        res->interactions = ci.rows;
    }
    if (to_stdout)
        goto out;
    st = write_meta(items, users, od.tmp, m, res, e);
    if (st)
        goto out;
    for (size_t k = 0; k < v->n_tables && st == L4R_OK; k++)
        if (side_wanted(o, &v->tables[k]))
            st = write_side(o, r, v, &v->tables[k], od.tmp, &skipped, m, e);
    if (st)
        goto out;
    if (o->proc.formats & L4R_SINK_PARQUET) {
        st = write_parquet(o, v, od.tmp, m, e);
        if (st)
            goto out;
    }
    if (o->split_published)
        l4r_manifest_set_str(m, "split.mode", "published");
    if (o->preset) {
        st = preset_report(o, r, v, m, e);
        if (st)
            goto out;
    }
    l4r_describe_outputs(m, od.tmp); /* columns, types and id maps of every file */
    st = l4r_manifest_write(m, od.tmp, e);
    if (st)
        goto out;
    st = l4r_outdir_commit(&od, e);
out:
    l4r_passkeep_end(&keep, NULL); /* after an error: closed, no digest */
    l4r_outdir_abort(&od);
    l4r_tabctx_free(&ci);
    l4r_tabctx_free(&cit);
    l4r_tabctx_free(&cus);
    for (int k = 0; k < 3; k++)
        l4r_idcache_free(&caches[k]);
    l4r_itab_free(itab);
    l4r_items_free(items);
    l4r_items_free(users);
    l4r_input_free(&in_i);
    l4r_input_free(&in_it);
    l4r_input_free(&in_us);
    l4r_manifest_free(m);
    return st;
}
