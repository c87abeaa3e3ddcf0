/*
 * api.c — the public contract of include/llm4rec_data.h over the internal modules.
 *
 * Thin by design: the registry handles are the loader's own structures (recipe.h) read through
 * accessors; l4r_options holds an l4r_fetch_opts and an l4r_convert_opts and parses the command
 * line's vocabulary into them, so the command layer and any other caller validate option values
 * in one place; l4r_fetch and l4r_convert_dataset fill in what those structures borrow and call
 * l4r_fetch_variant() and l4r_convert().  Statistics and verification live in stats.c and
 * verify.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/convert.h"
#include "convert/timefmt.h"
#include "convert/uptodate.h"
#include "fetch/fetch.h"
#include "presets.h"
#include "recipe.h"
#include "util.h"

/* ---- registry ---- */

size_t l4r_registry_count(const l4r_registry *reg)
{
    return reg->n_recipes;
}

const l4r_recipe *l4r_registry_recipe(const l4r_registry *reg, size_t i)
{
    return i < reg->n_recipes ? &reg->recipes[i] : NULL;
}

const char *l4r_recipe_dataset(const l4r_recipe *r)
{
    return r->dataset;
}

const char *l4r_recipe_title(const l4r_recipe *r)
{
    return r->title;
}

const char *l4r_recipe_homepage(const l4r_recipe *r)
{
    return r->homepage;
}

const char *l4r_recipe_license(const l4r_recipe *r)
{
    return r->license;
}

const char *l4r_recipe_citation(const l4r_recipe *r)
{
    return r->citation;
}

const char *l4r_recipe_source(const l4r_recipe *r)
{
    return r->source_path;
}

size_t l4r_recipe_n_variants(const l4r_recipe *r)
{
    return r->n_variants;
}

const l4r_variant *l4r_recipe_variant(const l4r_recipe *r, size_t i)
{
    return i < r->n_variants ? &r->variants[i] : NULL;
}

const l4r_variant *l4r_recipe_default_variant(const l4r_recipe *r)
{
    for (size_t i = 0; i < r->n_variants; i++)
        if (!strcmp(r->variants[i].name, r->default_variant))
            return &r->variants[i];
    return r->n_variants ? &r->variants[0] : NULL; /* the loader makes sure it exists */
}

const char *l4r_variant_name(const l4r_variant *v)
{
    return v->name;
}

const char *l4r_variant_description(const l4r_variant *v)
{
    return v->description;
}

const char *l4r_variant_manual(const l4r_variant *v)
{
    return v->manual;
}

const char *l4r_variant_terms(const l4r_variant *v)
{
    return v->terms;
}

const char *l4r_variant_notes(const l4r_variant *v)
{
    return v->notes;
}

size_t l4r_variant_n_files(const l4r_variant *v)
{
    return v->n_files;
}

const l4r_rfile *l4r_variant_file(const l4r_variant *v, size_t i)
{
    return i < v->n_files ? &v->files[i] : NULL;
}

const l4r_table *l4r_variant_interactions(const l4r_variant *v)
{
    return v->interactions;
}

const l4r_table *l4r_variant_items(const l4r_variant *v)
{
    return v->items;
}

const l4r_table *l4r_variant_users(const l4r_variant *v)
{
    return v->users;
}

size_t l4r_variant_n_tables(const l4r_variant *v)
{
    return v->n_tables;
}

const char *l4r_variant_table_name(const l4r_variant *v, size_t i)
{
    return i < v->n_tables ? v->tables[i].name : NULL;
}

const l4r_table *l4r_variant_table(const l4r_variant *v, size_t i)
{
    return i < v->n_tables ? v->tables[i].t : NULL;
}

bool l4r_variant_table_optional(const l4r_variant *v, size_t i)
{
    return i < v->n_tables && v->tables[i].optional;
}

const char *l4r_rfile_name(const l4r_rfile *f)
{
    return f->name;
}

const char *l4r_rfile_url(const l4r_rfile *f)
{
    return f->url;
}

size_t l4r_rfile_n_mirrors(const l4r_rfile *f)
{
    return f->n_mirrors;
}

const char *l4r_rfile_mirror(const l4r_rfile *f, size_t i)
{
    return i < f->n_mirrors ? f->mirrors[i] : NULL;
}

int64_t l4r_rfile_size(const l4r_rfile *f)
{
    return f->size;
}

const char *l4r_rfile_md5(const l4r_rfile *f)
{
    return f->md5;
}

const char *l4r_rfile_sha256(const l4r_rfile *f)
{
    return f->sha256;
}

bool l4r_rfile_unpack(const l4r_rfile *f)
{
    return f->unpack;
}

uint64_t l4r_rfile_unpacked_size(const l4r_rfile *f)
{
    return f->unpacked_size;
}

size_t l4r_rfile_n_unpack_nested(const l4r_rfile *f)
{
    return f->n_unpack_nested;
}

const char *l4r_rfile_unpack_nested(const l4r_rfile *f, size_t i)
{
    return i < f->n_unpack_nested ? f->unpack_nested[i] : NULL;
}

const char *l4r_table_path(const l4r_table *t)
{
    return t->path;
}

const char *l4r_table_member(const l4r_table *t)
{
    return t->member;
}

size_t l4r_table_n_paths(const l4r_table *t)
{
    return t->n_paths;
}

const char *l4r_table_path_at(const l4r_table *t, size_t i)
{
    return i < t->n_paths ? t->paths[i] : NULL;
}

bool l4r_table_block_header(const l4r_table *t, const char **suffix, const char **as)
{
    if (!t->block_header)
        return false;
    *suffix = t->block_header->suffix;
    *as = t->block_header->as;
    return true;
}

bool l4r_table_column_prefix(const l4r_table *t, size_t i, const char **column, const char **prefix)
{
    if (i >= t->n_prefix)
        return false;
    *column = t->prefix_cols[i];
    *prefix = t->prefixes[i];
    return true;
}

/* The recipe vocabulary's names.  When the format table of src/scan/ lands, these read it. */
const char *l4r_table_format(const l4r_table *t)
{
    return l4r_format_get(t->format)->name;
}

const char *l4r_table_encoding(const l4r_table *t)
{
    switch (t->encoding) {
    case L4R_ENC_UTF8: return "utf-8";
    case L4R_ENC_LATIN1: return "iso-8859-1";
    case L4R_ENC_CP1252: return "cp1252";
    }
    return "?";
}

const char *l4r_table_time(const l4r_table *t)
{
    switch (t->time) {
    case L4R_TIME_NONE: return "none";
    case L4R_TIME_UNIX_S: return "unix_s";
    case L4R_TIME_UNIX_MS: return "unix_ms";
    case L4R_TIME_DATE: return "date";
    case L4R_TIME_DATETIME: return "datetime";
    case L4R_TIME_ISO8601: return "iso8601";
    case L4R_TIME_MDY_AMPM: return "mdy_ampm";
    case L4R_TIME_POSTED: return "posted";
    case L4R_TIME_CTIME_OFFSET: return "ctime_offset";
    case L4R_TIME_YYYYMMDD: return "yyyymmdd";
    case L4R_TIME_MMDD: return "mmdd";
    }
    return "?";
}

const char *l4r_table_delimiter(const l4r_table *t)
{
    return l4r_format_get(t->format)->delimiter_max > 0 ? t->delim : NULL;
}

bool l4r_table_copy(const l4r_table *t)
{
    return t->copy;
}

bool l4r_table_header(const l4r_table *t)
{
    return t->header;
}

size_t l4r_table_n_columns(const l4r_table *t)
{
    return t->n_columns;
}

const char *l4r_table_column_name(const l4r_table *t, size_t i)
{
    return i < t->n_columns ? t->columns[i] : NULL;
}

size_t l4r_table_n_fields(const l4r_table *t)
{
    return t->n_map;
}

bool l4r_table_field(const l4r_table *t, size_t i, const char **out, const char **src, const char **value)
{
    if (i >= t->n_map)
        return false;
    *out = t->map[i].out;
    *src = t->map[i].src;
    *value = t->map[i].src ? NULL : t->map[i].value;
    return true;
}

bool l4r_table_field_concat(const l4r_table *t, size_t i, size_t *n, const char *const **parts,
                            const char **sep)
{
    if (i >= t->n_map || !t->map[i].n_concat)
        return false;
    *n = t->map[i].n_concat;
    *parts = (const char *const *)t->map[i].concat;
    *sep = t->map[i].concat_sep;
    return true;
}

bool l4r_table_field_join(const l4r_table *t, size_t i, const char **sep, const char **key, const char **list)
{
    static const char *const lists[] = {"separated", "json", "python", "numpy"};
    if (i >= t->n_map || !t->map[i].join)
        return false;
    *sep = t->map[i].join_sep;
    *key = t->map[i].join_key;
    *list = t->map[i].join_list_given ? lists[t->map[i].join_list] : NULL;
    return true;
}

size_t l4r_table_flags(const l4r_table *t, int *from, const char **out)
{
    if (t->flags_from < 0)
        return 0;
    *from = t->flags_from;
    *out = t->flags_out;
    return t->n_flag_names;
}

const char *l4r_table_flag_name(const l4r_table *t, size_t i)
{
    return i < t->n_flag_names ? t->flag_names[i] : NULL;
}

const char *l4r_table_extra_fields(const l4r_table *t)
{
    return t->extra_fields_ignore ? "ignore" : t->extra_fields_last ? "last" : "error";
}

int l4r_table_time_year(const l4r_table *t)
{
    return t->time_year;
}

const char *l4r_table_time_fraction(const l4r_table *t)
{
    return t->time_fraction_floor ? "floor" : "error";
}

size_t l4r_table_n_filters(const l4r_table *t)
{
    return t->n_user_filters; /* the hidden ones of "concat" fields are no filters to the user */
}

/* The operators as recipe.c's filter_ops spells them. */
static const char *filter_op_name(l4r_filter_op op)
{
    switch (op) {
    case L4R_FOP_ANY: return "any";
    case L4R_FOP_EQ: return "==";
    case L4R_FOP_NE: return "!=";
    case L4R_FOP_IN: return "in";
    case L4R_FOP_LT: return "<";
    case L4R_FOP_LE: return "<=";
    case L4R_FOP_GT: return ">";
    case L4R_FOP_GE: return ">=";
    case L4R_FOP_PRESENT: return "present";
    }
    return "?";
}

bool l4r_table_explode(const l4r_table *t, const char **column, const char **list, const char **separator,
                       const char **as, const char **append, size_t *n_parts, const char **part_separator)
{
    static const char *const lists[] = {"separated", "json", "python", "numpy"};
    const l4r_explode *x = t->explode;
    if (!x)
        return false;
    *column = x->column;
    /* an object format's own arrays unless the recipe says how the list is written */
    l4r_list_form form = x->list;
    if (!x->list_given && t->format == L4R_FMT_JSONL)
        form = L4R_XLIST_JSON;
    else if (!x->list_given && t->format == L4R_FMT_PYLIT)
        form = L4R_XLIST_PYTHON;
    *list = lists[form];
    *separator = form == L4R_XLIST_SEPARATED ? x->separator : NULL;
    *as = x->as;
    *append = x->append;
    *n_parts = x->n_parts;
    *part_separator = x->part_separator;
    return true;
}

const char *l4r_table_explode_then(const l4r_table *t, const char **as)
{
    *as = t->explode ? t->explode->then_as : NULL;
    return t->explode ? t->explode->then_key : NULL;
}

const char *l4r_table_explode_part(const l4r_table *t, size_t i)
{
    return t->explode && i < t->explode->n_parts ? t->explode->parts[i] : NULL;
}

bool l4r_table_filter(const l4r_table *t, size_t i, const char **column, const char **op, size_t *n_values,
                      double *number)
{
    if (i >= t->n_filters)
        return false;
    const l4r_filter *f = &t->filters[i];
    bool strings = f->op == L4R_FOP_EQ || f->op == L4R_FOP_NE || f->op == L4R_FOP_IN;
    *column = f->column;
    *op = filter_op_name(f->op);
    *n_values = strings ? f->n_values : 0;
    *number = strings ? 0 : f->number;
    return true;
}

bool l4r_table_filter_negatives(const l4r_table *t, size_t i)
{
    return i < t->n_filters && t->filters[i].negatives;
}

const char *l4r_table_filter_value(const l4r_table *t, size_t i, size_t k)
{
    return i < t->n_filters && k < t->filters[i].n_values ? t->filters[i].values[k] : NULL;
}

/* ---- options ---- */

struct l4r_options {
    l4r_fetch_opts fetch; /* its strings point into `owned` */
    l4r_convert_opts conv;
    const char *data_dir; /* "data-dir"; NULL: l4r_data_home(NULL) when needed */
    const char **from;    /* "from", in the order given */
    size_t n_from;
    const char **with; /* "with": optional side tables, in the order given */
    size_t n_with;
    char **argv; /* for the manifest */
    int argc;
    char **owned; /* every value copied by l4r_options_set */
    size_t n_owned;
    const char **shaping; /* key, value, ...: options that shape the outputs, as set (uptodate.c) */
    size_t n_shaping;
    bool in_preset;         /* the preset's own options are being set */
    const char **overrides; /* key, preset value, given value, ...: set beside the preset */
    size_t n_overrides;
};

l4r_options *l4r_options_new(void)
{
    l4r_options *o = l4r_xcalloc(1, sizeof *o);
    l4r_process_opts_defaults(&o->conv.proc);
    /* -j N means N CPUs: a reader and a writer beside N-1 parsers (docs/DESIGN.md); the stages
     * use N threads.  The default is every CPU this process may use. */
    o->conv.process_threads = l4r_online_cpus();
    o->conv.threads = o->conv.process_threads - 1;
    /* A quarter of what this process may use (the physical memory or its cgroup's limit): a
     * billion-row run spills on a 24 GiB machine instead of growing past 8 GiB (docs/PERFORMANCE.md,
     * "Scale"), and a job in a cgroup (Slurm, a container) stays inside it. */
    o->conv.proc.memory_limit = l4r_usable_memory() / 4;
    return o;
}

void l4r_options_free(l4r_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n_owned; i++)
        free(o->owned[i]);
    free(o->owned);
    free(o->shaping);
    free(o->overrides);
    free(o->from);
    free(o->with);
    for (int i = 0; i < o->argc; i++)
        free(o->argv[i]);
    free(o->argv);
    free(o);
}

void l4r_options_set_log(l4r_options *o, l4r_log_fn fn, void *ud)
{
    o->fetch.log = fn;
    o->fetch.log_ud = ud;
    o->conv.log = fn;
    o->conv.log_ud = ud;
}

void l4r_options_set_argv(l4r_options *o, int argc, char *const *argv)
{
    for (int i = 0; i < o->argc; i++)
        free(o->argv[i]);
    free(o->argv);
    o->argc = argc > 0 ? argc : 0;
    o->argv = l4r_xcalloc((size_t)o->argc + 1, sizeof *o->argv);
    for (int i = 0; i < o->argc; i++)
        o->argv[i] = l4r_xstrdup(argv[i]);
}

static char *keep(l4r_options *o, const char *s)
{
    o->owned = l4r_xrealloc(o->owned, (o->n_owned + 1) * sizeof *o->owned);
    o->owned[o->n_owned] = l4r_xstrdup(s);
    return o->owned[o->n_owned++];
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return false;
    *out = v;
    return true;
}

/* A number of seconds (or retries) from the environment or a caller: > 0, or >= 0 when zero_ok. */
static bool parse_pos(const char *s, bool zero_ok, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v > 0 || (zero_ok && v == 0)))
        return false;
    *out = v;
    return true;
}

static bool parse_formats(const char *s, unsigned *out)
{
    static const struct {
        const char *name;
        unsigned bit;
    } sinks[] = {{"tsv", L4R_SINK_TSV},
                 {"recbole", L4R_SINK_RECBOLE},
                 {"sasrec", L4R_SINK_SASREC},
                 {"sequences", L4R_SINK_SEQUENCES},
                 {"jsonl", L4R_SINK_JSONL},
                 {"parquet", L4R_SINK_PARQUET},
                 {"tallrec", L4R_SINK_TALLREC},
                 {"bigrec", L4R_SINK_BIGREC},
                 {"p5", L4R_SINK_P5},
                 {"llara", L4R_SINK_LLARA},
                 {"llamarec", L4R_SINK_LLAMAREC},
                 {"hllm", L4R_SINK_HLLM},
                 {"openp5", L4R_SINK_OPENP5}};
    unsigned f = 0;
    char *copy = l4r_xstrdup(s);
    bool ok = true;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t k = 0;
        while (k < sizeof sinks / sizeof sinks[0] && strcmp(tok, sinks[k].name))
            k++;
        if (k == sizeof sinks / sizeof sinks[0])
            ok = false;
        else
            f |= sinks[k].bit;
    }
    free(copy);
    *out = f;
    return ok && f;
}

/* Index of s in the NULL-terminated names, or -1. */
static int pick(const char *s, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

static bool set_flag(const char *key, const char *value, bool *out, l4r_error *e)
{
    if (!value || !strcmp(value, "1")) {
        *out = true;
        return true;
    }
    if (!strcmp(value, "0")) {
        *out = false;
        return true;
    }
    l4r_err(e, L4R_EUSAGE, "%s is a flag: it takes no value, 1 or 0, not '%s'", key, value);
    return false;
}

/* The options that take a string as it is. */
static bool set_string(l4r_options *o, const char *key, const char *value)
{
    char *v = keep(o, value);
    if (!strcmp(key, "data-dir"))
        o->data_dir = v; /* owned through o->owned */
    else if (!strcmp(key, "mirror"))
        o->fetch.mirror = *v ? v : NULL;
    else if (!strcmp(key, "lock"))
        o->fetch.lock_path = *v ? v : NULL;
    else if (!strcmp(key, "raw"))
        o->conv.raw = v;
    else if (!strcmp(key, "output"))
        o->conv.out_dir = v;
    else if (!strcmp(key, "from")) {
        o->from = l4r_xrealloc(o->from, (o->n_from + 1) * sizeof *o->from);
        o->from[o->n_from++] = v;
    } else if (!strcmp(key, "with")) {
        /* "--with tags,reviews" or "--with tags --with reviews": each name once */
        for (char *s = v, *tok; (tok = strsep(&s, ","));) {
            bool dup = !*tok;
            for (size_t i = 0; i < o->n_with && !dup; i++)
                dup = !strcmp(o->with[i], tok);
            if (dup)
                continue;
            o->with = l4r_xrealloc(o->with, (o->n_with + 1) * sizeof *o->with);
            o->with[o->n_with++] = tok;
        }
        o->conv.with = o->with;
        o->conv.n_with = o->n_with;
    } else
        return false;
    return true;
}

/* The convert options of the stages, the split and the sinks (l4r_process_opts). */
static l4r_status set_process(l4r_options *o, const char *key, const char *val, bool *known, l4r_error *e)
{
    static const char *const dedup[] = {"none", "first", "last", NULL};
    static const char *const kmode[] = {"iterative", "one-pass", "one-pass-users", NULL};
    static const char *const ties[] = {"source", "hash", "item", NULL};
    static const char *const order[] = {"first", "sorted", "shuffle", "source", NULL};
    l4r_process_opts *p = &o->conv.proc;
    long v;
    int k;
    uint64_t b;
    *known = true;
    if (!strcmp(key, "split") && !strcmp(val, "published")) {
        /* the variant's own train/valid/test files (recipe "tables"), written as they are */
        p->split = L4R_SPLIT_NONE;
        o->conv.split_published = true;
    } else if (!strcmp(key, "split")) {
        o->conv.split_published = false;
        l4r_process_opts q = *p;
        if (!l4r_parse_split(val, &q, e)) {
            /* "invalid --split 'x': expected ..." -> "split 'x': expected ...": a copy, since
             * the message is formatted into the buffer it is read from */
            char why[sizeof e->msg];
            const char *p0 = "invalid --split ";
            snprintf(why, sizeof why, "%s", e->msg);
            const char *rest = strncmp(why, p0, strlen(p0)) ? why : why + strlen(p0);
            return l4r_err(e, L4R_EUSAGE, "split %s", rest);
        }
        *p = q;
    } else if (!strcmp(key, "dedup")) {
        k = pick(val, dedup);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "dedup takes first, last or none, not '%s'", val);
        p->dedup = k == 1 ? L4R_DEDUP_FIRST : k == 2 ? L4R_DEDUP_LAST : L4R_DEDUP_NONE;
    } else if (!strcmp(key, "min-rating")) {
        char *end;
        double r = strtod(val, &end);
        if (end == val || *end)
            return l4r_err(e, L4R_EUSAGE, "min-rating takes a number, not '%s'", val);
        p->min_rating = r;
        p->has_min_rating = true;
    } else if (!strcmp(key, "time-from") || !strcmp(key, "time-until")) {
        int64_t ts;
        size_t n = strlen(val);
        if (!l4r_parse_time(val, n, L4R_TIME_UNIX_S, &ts) &&
            !l4r_parse_time(val, n, L4R_TIME_DATETIME, &ts) && !l4r_parse_time(val, n, L4R_TIME_DATE, &ts))
            return l4r_err(e, L4R_EUSAGE,
                           "%s takes Unix seconds, a date (2019-01-01) or a date and time "
                           "('2019-12-31 00:00:00', UTC), not '%s'",
                           key, val);
        if (key[5] == 'f') {
            p->time_from = ts;
            p->has_time_from = true;
        } else {
            p->time_until = ts;
            p->has_time_until = true;
        }
    } else if (!strcmp(key, "kcore") || !strcmp(key, "user-core") || !strcmp(key, "item-core")) {
        if (!parse_long(val, 0, 1000000, &v))
            return l4r_err(e, L4R_EUSAGE, "%s takes a number >= 0, not '%s'", key, val);
        if (strcmp(key, "item-core"))
            p->user_core = (int)v;
        if (strcmp(key, "user-core"))
            p->item_core = (int)v;
    } else if (!strcmp(key, "kcore-mode")) {
        k = pick(val, kmode);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "kcore-mode takes iterative, one-pass or one-pass-users, not '%s'",
                           val);
        static const l4r_kcore_mode kmodes[] = {L4R_KCORE_ITERATIVE, L4R_KCORE_ONE_PASS,
                                                L4R_KCORE_ONE_PASS_USERS};
        p->kcore_mode = kmodes[k];
    } else if (!strcmp(key, "ties")) {
        k = pick(val, ties);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "ties takes source, hash or item, not '%s'", val);
        static const l4r_ties modes[] = {L4R_TIES_SOURCE, L4R_TIES_HASH, L4R_TIES_ITEM};
        p->ties = modes[k];
    } else if (!strcmp(key, "max-history")) {
        if (!parse_long(val, 1, 100000000, &v))
            return l4r_err(e, L4R_EUSAGE, "max-history takes a number >= 1, not '%s'", val);
        p->max_history = (int)v;
    } else if (!strcmp(key, "remap-order")) {
        k = pick(val, order);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "remap-order takes first, sorted, shuffle or source, not '%s'",
                           val);
        static const l4r_remap_order orders[] = {L4R_REMAP_FIRST, L4R_REMAP_SORTED, L4R_REMAP_SHUFFLE,
                                                 L4R_REMAP_SOURCE};
        p->remap_order = orders[k];
        p->remap = true;
    } else if (!strcmp(key, "seed")) {
        if (!parse_u64(val, &b))
            return l4r_err(e, L4R_EUSAGE, "seed takes a non-negative integer, not '%s'", val);
        p->seed = b;
    } else if (!strcmp(key, "format")) {
        unsigned f;
        if (!parse_formats(val, &f))
            return l4r_err(e, L4R_EUSAGE,
                           "format takes a comma-separated list of tsv, recbole, sasrec, sequences, jsonl, "
                           "parquet, tallrec, bigrec, p5, llara, hllm, llamarec, openp5, not '%s'",
                           val);
        p->formats = f;
    } else if (!strcmp(key, "partitions")) {
        if (!parse_long(val, 1, 10000, &v))
            return l4r_err(e, L4R_EUSAGE, "partitions takes a number from 1 to 10000, not '%s'", val);
        p->partitions = (int)v;
    } else if (!strcmp(key, "p5-indexing")) {
        static const char *const idx[] = {"random", "sequential", NULL};
        k = pick(val, idx);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "p5-indexing takes random or sequential, not '%s'", val);
        p->p5_sequential = k == 1;
    } else if (!strcmp(key, "p5-negatives")) {
        if (!parse_long(val, 0, 100000, &v))
            return l4r_err(e, L4R_EUSAGE, "p5-negatives takes a number >= 0, not '%s'", val);
        p->p5_negatives = (int)v;
    } else if (!strcmp(key, "llara-candidates")) {
        if (!parse_long(val, 0, 100000, &v))
            return l4r_err(e, L4R_EUSAGE, "llara-candidates takes a number >= 0, not '%s'", val);
        p->llara_candidates = (int)v;
    } else if (!strcmp(key, "openp5-indexing")) {
        static const char *const idx[] = {"random", "sequential", "collaborative", NULL};
        k = pick(val, idx);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE,
                           "openp5-indexing takes random, sequential or collaborative, not '%s'", val);
        p->openp5_indexing = k;
    } else if (!strcmp(key, "openp5-tokens")) {
        if (!parse_long(val, 2, 100000, &v))
            return l4r_err(e, L4R_EUSAGE, "openp5-tokens takes a number from 2 to 100000, not '%s'", val);
        p->openp5_tokens = (int)v;
    } else if (!strcmp(key, "openp5-clusters")) {
        if (!parse_long(val, 2, 1000, &v))
            return l4r_err(e, L4R_EUSAGE, "openp5-clusters takes a number from 2 to 1000, not '%s'", val);
        p->openp5_clusters = (int)v;
    } else if (!strcmp(key, "candidates")) {
        if (!parse_long(val, 0, 100000, &v))
            return l4r_err(e, L4R_EUSAGE, "candidates takes a number >= 0, not '%s'", val);
        p->candidates = (int)v;
    } else if (!strcmp(key, "history")) {
        if (!parse_long(val, 1, 100000, &v))
            return l4r_err(e, L4R_EUSAGE, "history takes a number >= 1, not '%s'", val);
        p->history_len = (int)v;
    } else if (!strcmp(key, "window")) {
        if (!parse_long(val, 1, 100000, &v))
            return l4r_err(e, L4R_EUSAGE, "window takes a number >= 1, not '%s'", val);
        p->window = (int)v;
    } else if (!strcmp(key, "max-windows")) {
        if (!parse_long(val, 0, 2000000000, &v))
            return l4r_err(e, L4R_EUSAGE, "max-windows takes a number >= 0, not '%s'", val);
        p->max_windows = (int)v;
    } else if (!strcmp(key, "tallrec-style")) {
        static const char *const styles[] = {"auto", "movie", "book", NULL};
        k = pick(val, styles);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "tallrec-style takes auto, movie or book, not '%s'", val);
        p->tallrec_style = k;
    } else if (!strcmp(key, "bigrec-style")) {
        static const char *const styles[] = {"auto", "movie", "game", NULL};
        k = pick(val, styles);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "bigrec-style takes auto, movie or game, not '%s'", val);
        p->bigrec_style = k;
    } else if (!strcmp(key, "llara-style")) {
        static const char *const styles[] = {"auto", "pairs", "ids", NULL};
        k = pick(val, styles);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "llara-style takes auto, pairs or ids, not '%s'", val);
        p->llara_style = k;
    } else if (!strcmp(key, "p5-user-order")) {
        static const char *const orders[] = {"shuffle", "source", NULL};
        k = pick(val, orders);
        if (k < 0)
            return l4r_err(e, L4R_EUSAGE, "p5-user-order takes shuffle or source, not '%s'", val);
        p->p5_users_source = k == 1;
    } else if (!strcmp(key, "eval-sample")) {
        if (!parse_long(val, 0, 2000000000, &v))
            return l4r_err(e, L4R_EUSAGE, "eval-sample takes a number >= 0, not '%s'", val);
        p->eval_sample = (int)v;
    } else if (!strcmp(key, "memory")) {
        if (!l4r_parse_size(val, &b) || b < (1u << 20))
            return l4r_err(e, L4R_EUSAGE, "memory takes a size such as 2G or 512M, not '%s'", val);
        p->memory_limit = b;
    } else {
        *known = false;
    }
    return L4R_OK;
}

static l4r_status options_set(l4r_options *o, const char *key, const char *value, l4r_error *e);

/* Options that change only how the work is done, or where it goes, not what the outputs hold:
 * left out of manifest.json's "convert_options" and of the up-to-date comparison (uptodate.c). */
static bool shapes_outputs(const char *key)
{
    static const char *const how[] = {"data-dir",
                                      "mirror",
                                      "lock",
                                      "max-unpacked",
                                      "progress",
                                      "from",
                                      "update-lock",
                                      "accept-license",
                                      "connect-timeout",
                                      "low-speed-time",
                                      "max-backoff",
                                      "max-retries",
                                      "force",
                                      "output",
                                      "jobs",
                                      "memory",
                                      "block-size",
                                      "allow-deviation",
                                      NULL};
    return pick(key, how) < 0;
}

/* "preset": its options, set as the command line would set them.  A second preset is refused (the
 * first one's options would stay where the second does not set them). */
static l4r_status set_preset(l4r_options *o, const char *name, l4r_error *e)
{
    const l4r_preset *p = l4r_preset_find(name);
    if (!p) {
        const char *near = l4r_suggest(name, l4r_preset_names(), l4r_preset_count());
        return l4r_err(e, L4R_EUSAGE, "preset: no preset '%s'%s%s%s ('llm4rec-data presets' lists them)",
                       name, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
    if (o->conv.preset && o->conv.preset != p)
        return l4r_err(e, L4R_EUSAGE, "preset: one preset per run ('%s' was given already)",
                       l4r_preset_name(o->conv.preset));
    o->conv.preset = p;
    o->in_preset = true;
    l4r_status st = L4R_OK;
    size_t n = l4r_preset_n_options(p);
    for (size_t i = 0; i < n && !st; i++) {
        const char *k = l4r_preset_option(p, i);
        const char *next = l4r_preset_option(p, i + 1);
        const char *val = next && strncmp(next, "--", 2) ? next : NULL;
        if (strncmp(k, "--", 2)) {
            st = l4r_err(e, L4R_EINTERNAL, "preset %s: option '%s' does not start with --", name, k);
            break;
        }
        st = l4r_options_set(o, k + 2, val, e);
        if (val)
            i++;
    }
    o->in_preset = false;
    return st;
}

/* An option set after the preset: recorded as an override (manifest.json "preset.overrides"). */
static void note_override(l4r_options *o, const char *key, const char *value)
{
    bool found;
    const char *pv = l4r_preset_value_of(o->conv.preset, key, &found);
    if (found && pv && value && !strcmp(pv, value))
        return; /* the preset's own value again: no override */
    for (size_t i = 0; i < o->n_overrides; i++)
        if (!strcmp(o->overrides[3 * i], key)) {
            o->overrides[3 * i + 2] = value ? keep(o, value) : NULL;
            o->conv.preset_overrides = o->overrides;
            return;
        }
    o->overrides = l4r_xrealloc(o->overrides, (o->n_overrides + 1) * 3 * sizeof *o->overrides);
    o->overrides[3 * o->n_overrides] = keep(o, key);
    o->overrides[3 * o->n_overrides + 1] = found ? keep(o, pv) : NULL;
    o->overrides[3 * o->n_overrides + 2] = value ? keep(o, value) : NULL;
    o->n_overrides++;
    o->conv.preset_overrides = o->overrides;
    o->conv.n_preset_overrides = o->n_overrides;
}

l4r_status l4r_options_set(l4r_options *o, const char *key, const char *value, l4r_error *e)
{
    if (key && !strcmp(key, "preset")) {
        if (!value)
            return l4r_err(e, L4R_EUSAGE, "preset needs a value");
        l4r_status ps = set_preset(o, value, e);
        if (ps)
            return ps;
    } else {
        l4r_status st = options_set(o, key, value, e);
        if (st)
            return st;
    }
    if (!shapes_outputs(key))
        return L4R_OK;
    if (o->conv.preset && !o->in_preset && strcmp(key, "preset") && strcmp(key, "raw") && strcmp(key, "with"))
        note_override(o, key, value);
    /* the last value of a key wins (as in the options themselves); "with" accumulates */
    const char *kept = keep(o, !strcmp(key, "with") ? "" : value ? value : "1");
    for (size_t i = 0; i < o->n_shaping; i++)
        if (!strcmp(o->shaping[2 * i], key)) {
            o->shaping[2 * i + 1] = kept;
            return L4R_OK;
        }
    o->shaping = l4r_xrealloc(o->shaping, (o->n_shaping + 1) * 2 * sizeof *o->shaping);
    o->shaping[2 * o->n_shaping] = keep(o, key);
    o->shaping[2 * o->n_shaping + 1] = kept;
    o->n_shaping++;
    return L4R_OK;
}

static l4r_status options_set(l4r_options *o, const char *key, const char *value, l4r_error *e)
{
    static const char *const flags[] = {
        "force",          "implicit",       "remap",           "update-lock",   "progress",
        "keep-negatives", "accept-license", "allow-deviation", "require-title", NULL};
    if (!key)
        return l4r_err(e, L4R_EUSAGE, "(null): no such option");
    int flag = pick(key, flags);
    if (flag >= 0) {
        bool b;
        if (!set_flag(key, value, &b, e))
            return e->status;
        switch (flag) {
        case 0: o->fetch.force = o->conv.force = b; break;
        case 1: o->conv.proc.implicit = b; break;
        case 2: o->conv.proc.remap = b; break;
        case 3: o->fetch.update_lock = b; break;
        case 4: o->fetch.progress = o->conv.progress = b; break;
        case 5: o->conv.keep_negatives = b; break;
        case 6: o->fetch.accept_license = b; break;
        case 8: o->conv.proc.require_title = b; break;
        default: o->conv.allow_deviation = b; break;
        }
        return L4R_OK;
    }
    if (!value)
        return l4r_err(e, L4R_EUSAGE, "%s needs a value", key);
    if (set_string(o, key, value))
        return L4R_OK;
    bool known;
    l4r_status st = set_process(o, key, value, &known, e);
    if (st || known)
        return st;
    long v;
    uint64_t b;
    double d;
    if (!strcmp(key, "jobs")) {
        if (!parse_long(value, 1, 1024, &v))
            return l4r_err(e, L4R_EUSAGE, "jobs takes a number from 1 to 1024, not '%s'", value);
        o->conv.threads = (int)v - 1;
        o->conv.process_threads = (int)v;
    } else if (!strcmp(key, "block-size")) {
        if (!l4r_parse_size(value, &b) || b < 1)
            return l4r_err(e, L4R_EUSAGE, "block-size takes a size, not '%s'", value);
        o->conv.block_size = (size_t)b;
    } else if (!strcmp(key, "max-errors")) {
        if (!parse_u64(value, &b))
            return l4r_err(e, L4R_EUSAGE, "max-errors takes a number >= 0, not '%s'", value);
        o->conv.max_errors = b;
    } else if (!strcmp(key, "max-unpacked")) {
        if (!l4r_parse_size(value, &b) || b == 0)
            return l4r_err(e, L4R_EUSAGE,
                           "max-unpacked: '%s' is not a size of at least one byte (such as 200G)", value);
        o->fetch.max_unpacked = b;
    } else if (!strcmp(key, "connect-timeout") || !strcmp(key, "low-speed-time") ||
               !strcmp(key, "max-backoff") || !strcmp(key, "max-retries")) {
        bool retries = !strcmp(key, "max-retries");
        if (!parse_pos(value, retries, &d))
            return l4r_err(e, L4R_EUSAGE, "%s takes a number %s, not '%s'", key, retries ? ">= 0" : "> 0",
                           value);
        if (retries)
            o->fetch.max_retries = d == 0 ? -1 : (int)d; /* 0: never retry */
        else if (key[0] == 'c')
            o->fetch.connect_timeout_s = (long)d;
        else if (key[0] == 'l')
            o->fetch.low_speed_time_s = (long)d;
        else
            o->fetch.max_backoff_s = d;
    } else {
        return l4r_err(e, L4R_EUSAGE, "%s: no such option", key);
    }
    return L4R_OK;
}

/* ---- fetch and convert ---- */

/* The fetch options with what they borrow filled in; *home is what to free afterwards. */
static void fetch_opts(const l4r_options *o, l4r_fetch_opts *fo, char **home)
{
    *fo = o->fetch;
    *home = l4r_data_home(o->data_dir);
    fo->data_dir = *home;
    fo->from_files = o->from;
    fo->n_from_files = o->n_from;
    l4r_fetch_opts_defaults(fo);
}

l4r_status l4r_fetch(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o, char **dir,
                     bool *already, l4r_error *e)
{
    l4r_fetch_opts fo;
    char *home;
    fetch_opts(o, &fo, &home);
    l4r_fetch_result res = {0};
    l4r_status st = l4r_fetch_variant(r, v, &fo, &res, e);
    free(home);
    if (st) {
        free(res.dir);
        return st;
    }
    if (already)
        *already = res.already;
    if (dir)
        *dir = res.dir;
    else
        free(res.dir);
    return L4R_OK;
}

static void note(const l4r_options *o, int level, const char *fmt, ...) L4R_PRINTF(3, 4);
static void note(const l4r_options *o, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    l4r_vlogf(o->conv.log, o->conv.log_ud, level, fmt, ap);
    va_end(ap);
}

static int cmp_pair(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* What manifest.json records as "convert_options" and the up-to-date check compares: the options
 * that shape the outputs, sorted by key ("with": its names in the order given, comma-separated), and
 * "recipe": "builtin" or the SHA-256 of the recipe file.  Returns the number of pairs; *pairs
 * (key, value, ...) and *owned are the caller's to free (the strings point into o or *owned). */
static size_t convert_settings(const l4r_options *o, const l4r_recipe *r, const char ***pairs, char **owned)
{
    size_t n = o->n_shaping;
    const char **p = l4r_xcalloc(2 * (n + 1), sizeof *p);
    if (n) /* o->shaping is NULL when no option shaped the outputs */
        memcpy(p, o->shaping, 2 * n * sizeof *p);
    l4r_buf b = {0};
    for (size_t i = 0; i < o->n_with; i++) {
        if (i)
            l4r_buf_addc(&b, ',');
        l4r_buf_adds(&b, o->with[i]);
    }
    const char *src = r->source_path ? r->source_path : "";
    char hex[65] = "builtin";
    if (strncmp(src, "<builtin>", 9)) {
        uint64_t size;
        l4r_error e = {0};
        if (l4r_hash_file(src, L4R_HASH_SHA256, hex, &size, &e) != L4R_OK)
            snprintf(hex, sizeof hex, "unreadable");
    }
    l4r_buf_adds(&b, "");
    size_t wl = b.len;
    l4r_buf_addc(&b, 0);
    l4r_buf_adds(&b, hex);
    l4r_buf_addc(&b, 0);
    *owned = b.data;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(p[2 * i], "with"))
            p[2 * i + 1] = b.data;
    p[2 * n] = "recipe";
    p[2 * n + 1] = b.data + wl + 1;
    n++;
    qsort(p, n, 2 * sizeof *p, cmp_pair);
    *pairs = p;
    return n;
}

char *l4r_data_dir(const l4r_options *o)
{
    return l4r_data_home(o->data_dir);
}

char *l4r_variant_path(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o, bool *fetched)
{
    char *home = l4r_data_home(o->data_dir);
    char *dir = l4r_variant_dir(home, r, v);
    if (fetched)
        *fetched = l4r_variant_state(home, r, v) == L4R_FETCHED;
    free(home);
    return dir;
}

l4r_status l4r_convert_current(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o, bool *current,
                               char *why, size_t why_size, l4r_error *e)
{
    *current = false;
    if (!o->conv.out_dir)
        return l4r_err(e, L4R_EUSAGE, "output: no output directory given");
    char *home = l4r_data_home(o->data_dir);
    char *dir = NULL;
    if (!o->conv.raw) {
        if (l4r_variant_state(home, r, v) != L4R_FETCHED) {
            snprintf(why, why_size, "%s/%s is not fetched, or changed since", r->dataset, v->name);
            goto out;
        }
        dir = l4r_variant_dir(home, r, v);
    }
    const char **pairs;
    char *owned;
    size_t n = convert_settings(o, r, &pairs, &owned);
    *current = l4r_output_current(o->conv.out_dir, r->dataset, v->name, pairs, n, dir, why, why_size);
    free(pairs);
    free(owned);
out:
    free(dir);
    free(home);
    return L4R_OK;
}

l4r_status l4r_convert_dataset(const l4r_recipe *r, const l4r_variant *v, const l4r_options *o,
                               uint64_t *interactions, uint64_t *items, l4r_error *e)
{
    if (!o->conv.out_dir)
        return l4r_err(e, L4R_EUSAGE, "output: no output directory given");
    if (o->conv.preset && !l4r_preset_covers(o->conv.preset, r->dataset, v->name)) {
        const l4r_preset *p = o->conv.preset;
        char covers[512] = "";
        for (size_t i = 0; i < l4r_preset_n_covers(p); i++) {
            size_t at = strlen(covers);
            snprintf(covers + at, sizeof covers - at, "%s%s", i ? ", " : "", l4r_preset_cover(p, i));
        }
        return l4r_err(e, L4R_EUSAGE,
                       "--preset %s does not cover %s/%s: it covers %s ('llm4rec-data presets %s')",
                       l4r_preset_name(p), r->dataset, v->name, covers, l4r_preset_name(p));
    }
    l4r_convert_opts co = o->conv;
    co.argv = o->argv;
    co.argc = o->argc;
    char *settings_owned = NULL;
    const char **settings = NULL;
    co.n_settings = convert_settings(o, r, &settings, &settings_owned);
    co.settings = settings;
    char *data_home = l4r_data_home(o->data_dir);
    co.data_dir = data_home;
    co.mirror = o->fetch.mirror;
    co.lock = o->fetch.lock_path;
    l4r_fetch_result fr = {0};
    l4r_status st = L4R_OK;
    int hold_fd = -1;
    if (!co.raw) {
        /* The fetch a convert does first never re-fetches and never re-pins. */
        l4r_fetch_opts fo;
        char *home;
        fetch_opts(o, &fo, &home);
        fo.force = false;
        fo.quiet_if_done = true; /* "use --force to fetch again" is fetch's advice, not convert's */
        fo.update_lock = false;
        fo.from_files = NULL;
        fo.n_from_files = 0;
        l4r_fetch_state fs = l4r_variant_state(fo.data_dir, r, v);
        if (fs == L4R_NOT_FETCHED)
            note(o, 0, "%s/%s is not fetched yet; fetching it first", r->dataset, v->name);
        if (fs == L4R_FETCHED_CHANGED) {
            /* Files changed on disk since the fetch: convert them as they are, and let the digest
             * check against the stamp decide (exit 4 when the bytes differ).  Fetching here would
             * quietly undo a user's edit, or re-download over it. */
            note(o, 1,
                 "files of %s/%s changed on disk since they were fetched; checking them against the fetch "
                 "stamp as they are converted",
                 r->dataset, v->name);
            /* the lock file is checked as a fetch that finds the variant complete checks it */
            st = l4r_variant_check_pins(r, v, &fo, e);
            fr.dir = l4r_variant_dir(fo.data_dir, r, v);
        } else {
            st = l4r_fetch_variant(r, v, &fo, &fr, e);
        }
        if (st == L4R_OK) {
            /* held until the inputs are read and checked against the stamp: a fetch that would
             * unpack or download into the directory meanwhile (removing the stamp first) waits */
            char *what = l4r_xasprintf("%s/%s", r->dataset, v->name);
            st = l4r_variant_hold(fr.dir, what, &fo, &hold_fd, e);
            free(what);
        }
        free(home);
        co.fetched_dir = fr.dir;
    }
    l4r_convert_result res = {0};
    if (st == L4R_OK)
        st = l4r_convert(r, v, &co, &res, e);
    if (hold_fd >= 0)
        close(hold_fd);
    free(fr.dir);
    free(settings);
    free(settings_owned);
    free(data_home);
    if (st)
        return st;
    if (interactions)
        *interactions = res.interactions;
    if (items)
        *items = res.items;
    return L4R_OK;
}
