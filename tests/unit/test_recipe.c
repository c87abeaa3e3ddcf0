/*
 * test_recipe.c — the recipe loader: valid recipes, every validation error with its JSON path,
 * variant-set expansion, known_files fill-in, look-up errors, directory and built-in loading.
 *
 * Inline recipes are written with ' for " (see Q()) so they stay readable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "recipe.h"
#include "tap.h"
#include "util.h"

/* Copy of s with every ' turned into " (the test recipes contain no apostrophes). */
static char *Q(const char *s)
{
    char *r = l4r_xstrdup(s);
    for (char *p = r; *p; p++)
        if (*p == '\'')
            *p = '"';
    return r;
}

/* A valid recipe around one variant body and optional extra top-level keys. */
static char *recipe_with(const char *extra_top, const char *variant_body)
{
    char *tmp = l4r_xasprintf("{'schema': 1, 'dataset': 't', 'title': 'T', 'license': 'L', "
                              "'default_variant': 'v1', %s 'variants': {'v1': %s}}",
                              extra_top, variant_body);
    char *r = Q(tmp);
    free(tmp);
    return r;
}

#define GOOD_FILE                                                                                            \
    "{'url': 'https://example.org/d/t.zip', 'size': 10, 'md5': '0E33842E24A9C977BE4E0107933C0723', "         \
    "'unpack': true}"
#define GOOD_INTER                                                                                           \
    "{'path': 't/r.dat', 'format': 'delim', 'delimiter': '::', 'columns': ['u', 'i', 'r', 'ts'], "           \
    "'fields': {'timestamp': 'ts', 'item_id': 'i', 'user_id': 'u', 'rating': {'value': '1'}}, 'time': "      \
    "'unix_s'}"

static int expect_error(int line, const char *json_q, const char *want)
{
    char *json = Q(json_q);
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    int ok = st == L4R_ERECIPE && strstr(e.msg, want) != NULL;
    char what[200];
    snprintf(what, sizeof what, "line %d: error contains \"%.120s\"", line, want);
    l4r_t_report(ok, __FILE__, line, what, ok ? NULL : e.msg);
    if (st == L4R_OK)
        l4r_recipe_clear(&r);
    return ok;
}
#define EXPECT_ERR(json, want) expect_error(__LINE__, json, want)

static void expect_variant_error(int line, const char *variant_body, const char *want)
{
    char *tmp = l4r_xasprintf("{'schema': 1, 'dataset': 't', 'title': 'T', 'license': 'L', "
                              "'default_variant': 'v1', 'variants': {'v1': %s}}",
                              variant_body);
    expect_error(line, tmp, want);
    free(tmp);
}
#define EXPECT_VERR(body, want) expect_variant_error(__LINE__, body, want)

static void test_valid(void)
{
    char *json = recipe_with("'homepage': 'https://h', 'citation': ['@a{x,', '}'],",
                             "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER
                             ", 'items': {'path': 't/m.dat', 'format': 'delim', 'delimiter': '|', "
                             "'encoding': 'iso-8859-1', 'columns': ['id', 'name', 'x'], "
                             "'fields': {'genres': 'x', 'title': 'name', 'item_id': 'id'}, "
                             "'flags': {'from': 3, 'names': ['A', 'B'], 'out': 'flagged'}}}");
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    T_EQ_INT(st, L4R_OK);
    if (st != L4R_OK) {
        printf("# %s\n", e.msg);
        return;
    }
    T_EQ_STR(r.dataset, "t");
    T_EQ_STR(r.homepage, "https://h");
    T_EQ_STR(r.citation, "@a{x,\n}");
    T_EQ_STR(r.source_path, "t.json");
    T_EQ_INT(r.n_variants, 1);
    const l4r_variant *v = &r.variants[0];
    T_EQ_STR(v->name, "v1");
    T_EQ_INT(v->n_files, 1);
    T_EQ_STR(v->files[0].name, "t.zip"); /* default: last URL segment */
    T_EQ_INT(v->files[0].size, 10);
    T_EQ_STR(v->files[0].md5, "0e33842e24a9c977be4e0107933c0723"); /* stored lower-case */
    T_CHECK(v->files[0].sha256 == NULL);
    T_CHECK(v->files[0].unpack);
    T_CHECK(v->manual == NULL);
    const l4r_table *t = v->interactions;
    T_CHECK(t != NULL);
    T_EQ_STR(t->delim, "::");
    T_CHECK(!t->header);
    T_EQ_INT(t->format, L4R_FMT_DELIM);
    T_EQ_INT(t->encoding, L4R_ENC_UTF8);
    T_EQ_INT(t->time, L4R_TIME_UNIX_S);
    T_EQ_INT(t->flags_from, -1);
    /* canonical order, indices resolved against columns, constants kept */
    T_EQ_INT(t->n_map, 4);
    T_EQ_STR(t->map[0].out, "user_id");
    T_EQ_INT(t->map[0].index, 0);
    T_EQ_STR(t->map[1].out, "item_id");
    T_EQ_INT(t->map[1].index, 1);
    T_EQ_STR(t->map[2].out, "rating");
    T_CHECK(t->map[2].src == NULL);
    T_EQ_STR(t->map[2].value, "1");
    T_EQ_INT(t->map[2].index, -1);
    T_EQ_STR(t->map[3].out, "timestamp");
    T_EQ_INT(t->map[3].index, 3);
    T_EQ_INT(l4r_table_column(t, "ts"), 3);
    T_EQ_INT(l4r_table_column(t, "nope"), -1);
    const l4r_table *it = v->items;
    T_CHECK(it != NULL);
    T_EQ_INT(it->encoding, L4R_ENC_LATIN1);
    T_EQ_STR(it->map[0].out, "item_id");
    T_EQ_STR(it->map[1].out, "title");
    T_EQ_STR(it->map[2].out, "genres");
    T_EQ_INT(it->map[2].index, 2);
    T_EQ_INT(it->flags_from, 3);
    T_EQ_INT(it->n_flag_names, 2);
    T_EQ_STR(it->flag_names[1], "B");
    T_EQ_STR(it->flags_out, "flagged");
    l4r_recipe_clear(&r);
    l4r_recipe_clear(NULL);
}

static void test_header_and_json_tables(void)
{
    /* header CSV: names are resolved later from the header line; jsonl: keys */
    char *json = recipe_with(
        "",
        "{'description': 'D', 'files': [{'url': 'file:///x/r.csv.gz', 'name': 'r.csv.gz'}], "
        "'interactions': {'path': 'r.csv.gz', 'format': 'csv', 'header': true, "
        "'fields': {'user_id': 'userId', 'item_id': 'movieId'}}, "
        "'items': {'path': 'm.jsonl', 'format': 'jsonl', 'fields': {'item_id': 'asin', 'title': 'title'}}}");
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    T_EQ_INT(st, L4R_OK);
    if (st != L4R_OK) {
        printf("# %s\n", e.msg);
        return;
    }
    const l4r_table *t = r.variants[0].interactions;
    T_EQ_STR(t->delim, ","); /* csv default */
    T_CHECK(t->header);
    T_EQ_INT(t->map[0].index, -1);
    T_EQ_INT(t->time, L4R_TIME_NONE);
    T_EQ_INT(r.variants[0].files[0].size, -1);
    T_EQ_INT(r.variants[0].items->format, L4R_FMT_JSONL);
    l4r_recipe_clear(&r);
}

static void test_errors(void)
{
    const char *F = GOOD_FILE;
    char buf[2048];

    EXPECT_ERR("{'schema': 1,", "t.json:1:");
    EXPECT_ERR("{'schema': 1, 'schema': 1}", "invalid JSON");
    EXPECT_ERR("[]", "t.json: $: expected an object");
    EXPECT_ERR("{'schema': 2}", "$.schema: unsupported schema version");
    EXPECT_ERR("{'dataset': 't'}", "$: missing required key 'schema'");
    EXPECT_ERR("{'schema': 1, 'dataset': 't', 'license': 'L', 'default_variant': 'v1', 'variants': {}}",
               "$: missing required key 'title'");
    EXPECT_ERR(
        "{'schema': 1, 'dataset': 't', 'title': 'T', 'license': 'L', 'default_variant': 'v', 'bogus': 1}",
        "t.json: $: unknown key 'bogus'");
    EXPECT_ERR("{'schema': 1, 'dataset': 'other', 'title': 'T', 'license': 'L', 'default_variant': 'v1'}",
               "$.dataset: 'other' does not match the file name 't.json'");
    EXPECT_ERR("{'schema': 1, 'dataset': 't', 'title': 5, 'license': 'L', 'default_variant': 'v1'}",
               "$.title: expected a string, got an integer");
    EXPECT_ERR("{'schema': 1, 'dataset': 't', 'title': 'T', 'license': 'L', 'default_variant': 'v1'}",
               "missing required key 'variants'");

    snprintf(buf, sizeof buf,
             "{'schema': 1, 'dataset': 't', 'title': 'T', 'license': 'L', 'default_variant': 'nope', "
             "'variants': {'v1': {'description': 'D', 'files': [%s]}}}",
             F);
    EXPECT_ERR(buf, "$.default_variant: 'nope' is not a variant");

    /* variants and files */
    EXPECT_VERR("{'description': 'D', 'files': [], 'x': 1}", "$.variants.v1: unknown key 'x'");
    EXPECT_VERR("{'files': [" GOOD_FILE "]}", "$.variants.v1: missing required key 'description'");
    EXPECT_VERR("{'description': 'D', 'files': []}", "$.variants.v1.files: expected a non-empty array");
    EXPECT_VERR("{'description': 'D'}", "$.variants.v1: missing required key 'files'");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'sha1': 'x'}]}",
                "$.variants.v1.files[0]: unknown key 'sha1'");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'ftp://a/b'}]}",
                "$.variants.v1.files[0].url: expected an https://");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'size': '12'}]}",
                "$.variants.v1.files[0].size: expected a non-negative integer");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'size': -1}]}",
                "$.variants.v1.files[0].size: expected a non-negative integer");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'md5': 'abc'}]}",
                "t.json: $.variants.v1.files[0].md5: expected 32 hexadecimal digits");
    EXPECT_VERR(
        "{'description': 'D', 'files': [{'url': 'https://a/b', 'md5': 'zz33842e24a9c977be4e0107933c0723'}]}",
        "$.variants.v1.files[0].md5: expected 32 hexadecimal digits");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'sha256': "
                "'0e33842e24a9c977be4e0107933c0723'}]}",
                "$.variants.v1.files[0].sha256: expected 64 hexadecimal digits");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'unpack': 'yes'}]}",
                "$.variants.v1.files[0].unpack: expected true or false");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'mirrors': ['https://m', 3]}]}",
                "$.variants.v1.files[0].mirrors[1]: expected a string");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b', 'name': '../b'}]}",
                "$.variants.v1.files[0].name: '../b' is not a plain file name");
    EXPECT_VERR("{'description': 'D', 'files': [{'url': 'https://a/b'}, {'url': 'https://c/b'}]}",
                "$.variants.v1.files[1]: duplicate file name 'b'");

    /* tables */
#define V(tbl) "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " tbl "}"
    EXPECT_VERR(
        V("{'path': 'r', 'format': 'tsv', 'fields': {}}"),
        "$.variants.v1.interactions.format: unknown value 'tsv' (expected one of: delimited, csv, jsonl, "
        "python-literal)");
    EXPECT_VERR(V("{'path': 'r', 'format': 'csv', 'encoding': 'latin1', 'fields': {}}"),
                "$.variants.v1.interactions.encoding: unknown value 'latin1'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'jsonl', 'time': 'epoch', 'fields': {}}"),
                "$.variants.v1.interactions.time: unknown value 'epoch'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'delim', 'delimiter': ':::', 'columns': ['a'], 'fields': {}}"),
                "$.variants.v1.interactions.delimiter: expected 1 or 2 bytes");
    EXPECT_VERR(V("{'path': 'r', 'format': 'delim', 'delimiter': '', 'columns': ['a'], 'fields': {}}"),
                "$.variants.v1.interactions.delimiter: expected 1 or 2 bytes");
    EXPECT_VERR(V("{'path': 'r', 'format': 'csv', 'delimiter': ';;', 'header': true, 'fields': {}}"),
                "$.variants.v1.interactions.delimiter: expected 1 byte for csv");
    EXPECT_VERR(V("{'path': 'r', 'format': 'delim', 'columns': ['a'], 'fields': {}}"),
                "$.variants.v1.interactions: missing required key 'delimiter'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'csv', 'fields': {'user_id': 'a', 'item_id': 'b'}}"),
                "$.variants.v1.interactions: missing required key 'columns'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'csv', 'columns': ['a', 'b'], 'fields': {'user_id': 'a', "
                  "'item_id': 'x'}}"),
                "$.variants.v1.interactions.fields.item_id: column 'x' is not in 'columns'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'csv', 'columns': ['a', 'a'], 'fields': {}}"),
                "$.variants.v1.interactions.columns[1]: duplicate column name 'a'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'jsonl', 'fields': {'user_id': 'a'}}"),
                "$.variants.v1.interactions.fields: missing required field 'item_id'");
    EXPECT_VERR(
        V("{'path': 'r', 'format': 'jsonl', 'fields': {'user_id': 'a', 'item_id': 'b', 'userid': 'c'}}"),
        "$.variants.v1.interactions.fields.userid: unknown interaction field 'userid'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'jsonl', 'fields': {'user_id': 'a', 'item_id': {'value': 'b'}}}"),
                "$.variants.v1.interactions.fields.item_id: 'item_id' cannot be a constant");
    EXPECT_VERR(
        V("{'path': 'r', 'format': 'jsonl', 'fields': {'user_id': 'a', 'item_id': 'b', 'rating': 5}}"),
        "$.variants.v1.interactions.fields.rating: expected a source column name");
    EXPECT_VERR(
        V("{'path': 'r', 'format': 'jsonl', 'fields': {'user_id': 'a', 'item_id': 'b', 'timestamp': 't'}}"),
        "$.variants.v1.interactions: field 'timestamp' is mapped, so 'time' must name its format");
    EXPECT_VERR(
        V("{'path': 'r', 'format': 'jsonl', 'time': 'unix_ms', 'fields': {'user_id': 'a', 'item_id': 'b'}}"),
        "$.variants.v1.interactions.time: is 'unix_ms' but no field 'timestamp' is mapped");
    EXPECT_VERR(V("{'path': 'r', 'format': 'jsonl', 'delimiter': ',', 'fields': {}}"),
                "$.variants.v1.interactions.delimiter: not allowed for format jsonl");
    EXPECT_VERR(V("{'path': 'r', 'format': 'pylit', 'header': true, 'fields': {}}"),
                "$.variants.v1.interactions.header: not allowed for format python-literal");
    EXPECT_VERR(V("{'path': '../r', 'format': 'jsonl', 'fields': {}}"),
                "$.variants.v1.interactions.path: must be a relative path");
    EXPECT_VERR(V("{'path': '/r', 'format': 'jsonl', 'fields': {}}"),
                "$.variants.v1.interactions.path: must be");
    EXPECT_VERR(V("{'format': 'jsonl', 'fields': {}}"),
                "$.variants.v1.interactions: missing required key 'path'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'jsonl'}"),
                "$.variants.v1.interactions: missing required key 'fields'");
    EXPECT_VERR(V("{'path': 'r', 'format': 'jsonl', 'header': 1, 'fields': {}}"),
                "$.variants.v1.interactions.header: expected true or false");
    EXPECT_VERR("{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER ", 'items': "
                "{'path': 'm', 'format': 'delim', 'delimiter': '|', 'columns': ['id', 't'], 'fields': "
                "{'item_id': 'id'}, "
                "'flags': {'from': 1, 'names': [], 'out': 'genres'}}}",
                "$.variants.v1.items.flags.names: must list at least one name");
    EXPECT_VERR("{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER ", 'items': "
                "{'path': 'm', 'format': 'delim', 'delimiter': '|', 'columns': ['id', 't'], 'fields': "
                "{'item_id': 'id', 'title': 't'}, "
                "'flags': {'from': 1, 'names': ['A'], 'out': 'genres'}}}",
                "$.variants.v1.items.fields.title: column 't' overlaps the flag columns starting at 1");
    EXPECT_VERR(
        "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER ", 'items': "
        "{'path': 'm', 'format': 'delim', 'delimiter': '|', 'columns': ['id'], 'fields': {'item_id': 'id'}, "
        "'flags': {'from': -1, 'names': ['A'], 'out': 'genres'}}}",
        "$.variants.v1.items.flags.from: expected a column index");
    EXPECT_VERR("{'description': 'D', 'files': [" GOOD_FILE
                "], 'items': {'path': 'm', 'format': 'jsonl', 'fields': {'item_id': 'a'}}}",
                "$.variants.v1: 'items' without 'interactions'");
#undef V

    /* variant names become directories */
    EXPECT_ERR("{'schema': 1, 'dataset': 't', 'title': 'T', 'license': 'L', 'default_variant': 'a b', "
               "'variants': {'a b': {'description': 'D', 'files': [" GOOD_FILE "]}}}",
               "$.variants[\"a b\"]: variant name 'a b' must be");
}

#define SET_RECIPE_HEAD                                                                                      \
    "{'schema': 1, 'dataset': 't', 'title': 'T', 'license': 'L', 'default_variant': '2014/x_A_5', "

/* The format table: rows in l4r_format order, one name each, and the older spellings ("delim",
 * "pylit", which the shipped recipes no longer use but users' recipes may) read as the same
 * format; errors and `info` print the one name. */
static void test_format_table(void)
{
    T_EQ_INT(l4r_n_formats, 4);
    for (size_t i = 0; i < l4r_n_formats; i++) {
        T_EQ_INT(l4r_formats[i].id, i);
        T_CHECK(l4r_format_find(l4r_formats[i].name) == &l4r_formats[i]);
        T_CHECK(l4r_formats[i].record != NULL);
        T_CHECK(!l4r_formats[i].columns || l4r_formats[i].fields != NULL);
    }
    T_CHECK(l4r_format_find("delim") == l4r_format_get(L4R_FMT_DELIM));
    T_CHECK(l4r_format_find("pylit") == l4r_format_get(L4R_FMT_PYLIT));
    T_CHECK(l4r_format_find("tsv") == NULL);
    T_CHECK(l4r_format_find("Delimited") == NULL);
    T_EQ_STR(l4r_format_get(L4R_FMT_DELIM)->name, "delimited");
    T_EQ_STR(l4r_format_get(L4R_FMT_PYLIT)->name, "python-literal");
    T_EQ_INT(l4r_format_get(L4R_FMT_CSV)->cut, L4R_CUT_CSV);
    T_EQ_INT(l4r_format_get(L4R_FMT_JSONL)->cut, L4R_CUT_LINES);

    static const struct {
        const char *table;
        l4r_format want;
    } spell[] = {
        {"{'path': 'r', 'format': 'delimited', 'delimiter': '::', 'columns': ['u', 'i'], 'fields': "
         "{'user_id': 'u', 'item_id': 'i'}}",
         L4R_FMT_DELIM},
        {"{'path': 'r', 'format': 'delim', 'delimiter': '::', 'columns': ['u', 'i'], 'fields': "
         "{'user_id': 'u', 'item_id': 'i'}}",
         L4R_FMT_DELIM},
        {"{'path': 'r', 'format': 'python-literal', 'fields': {'user_id': 'u', 'item_id': 'i'}}",
         L4R_FMT_PYLIT},
        {"{'path': 'r', 'format': 'pylit', 'fields': {'user_id': 'u', 'item_id': 'i'}}", L4R_FMT_PYLIT},
        {"{'path': 'r', 'format': 'csv', 'header': true, 'fields': {'user_id': 'u', 'item_id': 'i'}}",
         L4R_FMT_CSV},
    };
    for (size_t k = 0; k < sizeof spell / sizeof spell[0]; k++) {
        char *body = l4r_xasprintf("{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': %s}",
                                   spell[k].table);
        char *json = recipe_with("", body);
        l4r_recipe r;
        l4r_error e = {0};
        l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
        T_EQ_INT(st, L4R_OK);
        if (st == L4R_OK) {
            T_EQ_INT(r.variants[0].interactions->format, spell[k].want);
            if (spell[k].want == L4R_FMT_CSV)
                T_EQ_STR(r.variants[0].interactions->delim, ",");
            l4r_recipe_clear(&r);
        }
        free(json);
        free(body);
    }
    /* the keys a row does not accept, with an alias too */
#define V(tbl) "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " tbl "}"
    EXPECT_VERR(V("{'path': 'r', 'format': 'pylit', 'columns': ['a'], 'fields': {}}"),
                "$.variants.v1.interactions.columns: not allowed for format python-literal");
    EXPECT_VERR(V("{'path': 'r', 'format': 'jsonl', 'flags': null, 'fields': {}}"),
                "$.variants.v1.interactions.flags: not allowed for format jsonl");
    EXPECT_VERR(V("{'path': 'r', 'format': 'delim', 'columns': ['a'], 'fields': {}}"),
                "$.variants.v1.interactions: missing required key 'delimiter' (format delimited)");
#undef V
}

static void test_sets(void)
{
    const char *j = SET_RECIPE_HEAD
        "'known_files': {'x_B_5.csv': {'sha256': "
        "'17d5232b90444beecfe758ce1446e5300230491f3a88ac802992ca95fc4c150f', 'size': 7}},"
        "'variants': {'plain': {'description': 'P', 'files': [{'url': 'https://h/plain.csv'}]}},"
        "'variant_sets': [{'comment': 'a set', 'names': {'y': ['2014', '2018'], 'cat': ['A', 'B']},"
        "  'variant': '{y}/x_{cat}_5', 'description': 'Cat {cat} of {y}',"
        "  'known_files': {'x_A_5.csv': {'md5': '0e33842e24a9c977be4e0107933c0723'}},"
        "  'files': [{'url': 'https://h/{y}/x_{cat}_5.csv', 'mirrors': ['https://m/{y}/x_{cat}_5.csv']}],"
        "  'interactions': {'path': 'x_{cat}_5.csv', 'format': 'csv', 'columns': ['i', 'u'],"
        "                   'fields': {'user_id': 'u', 'item_id': 'i'}}}]}";
    char *json = Q(j);
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    T_EQ_INT(st, L4R_OK);
    if (st != L4R_OK) {
        printf("# %s\n", e.msg);
        return;
    }
    T_EQ_INT(r.n_variants, 5);
    /* hand-written variants first, then sets; first placeholder varies slowest */
    T_EQ_STR(r.variants[0].name, "plain");
    T_EQ_STR(r.variants[1].name, "2014/x_A_5");
    T_EQ_STR(r.variants[2].name, "2014/x_B_5");
    T_EQ_STR(r.variants[3].name, "2018/x_A_5");
    T_EQ_STR(r.variants[4].name, "2018/x_B_5");
    const l4r_variant *v = &r.variants[4];
    T_EQ_STR(v->description, "Cat B of 2018");
    T_EQ_STR(v->files[0].url, "https://h/2018/x_B_5.csv");
    T_EQ_STR(v->files[0].mirrors[0], "https://m/2018/x_B_5.csv");
    T_EQ_STR(v->files[0].name, "x_B_5.csv");
    T_EQ_STR(v->interactions->path, "x_B_5.csv");
    T_EQ_INT(v->interactions->map[0].index, 1); /* user_id <- u, second column */
    /* known_files: global fills B, set-local fills A */
    T_EQ_STR(v->files[0].sha256, "17d5232b90444beecfe758ce1446e5300230491f3a88ac802992ca95fc4c150f");
    T_EQ_INT(v->files[0].size, 7);
    T_CHECK(v->files[0].md5 == NULL);
    T_EQ_STR(r.variants[1].files[0].md5, "0e33842e24a9c977be4e0107933c0723");
    T_CHECK(r.variants[1].files[0].sha256 == NULL);
    T_EQ_INT(r.variants[1].files[0].size, -1);

    const l4r_recipe *rp;
    const l4r_variant *vp;
    l4r_registry reg = {&r, 1};
    st = l4r_registry_find(&reg, "t", NULL, &rp, &vp, &e);
    T_EQ_INT(st, L4R_OK);
    T_CHECK(vp == &r.variants[1]);
    st = l4r_registry_find(&reg, "t", "2018/x_A_5", &rp, &vp, &e);
    T_EQ_INT(st, L4R_OK);
    T_CHECK(vp == &r.variants[3]);
    l4r_recipe_clear(&r);

    /* set errors */
    EXPECT_ERR(SET_RECIPE_HEAD "'variant_sets': [{'names': {'cat': ['A']}, 'variant': '2014/x_{cta}_5', "
                               "'description': 'D', 'files': [{'url': 'https://h/x'}]}]}",
               "$.variant_sets[0](cat=A).variant: unknown placeholder '{cta}'");
    EXPECT_ERR(SET_RECIPE_HEAD "'variant_sets': [{'names': {'cat': ['A']}, 'variant': '2014/x_{cat}_5', "
                               "'description': 'D', 'files': [{'url': 'https://h/{ca}'}]}]}",
               "$.variant_sets[0](cat=A).files[0].url: unknown placeholder '{ca}'");
    EXPECT_ERR(SET_RECIPE_HEAD "'variant_sets': [{'names': {'cat': ['A']}, 'variant': '2014/x_{cat}_5', "
                               "'description': 'D', 'files': [{'url': 'https://h/{cat}', 'md5': 'x'}]}]}",
               "$.variant_sets[0](cat=A).files[0].md5: expected 32 hexadecimal digits");
    EXPECT_ERR(SET_RECIPE_HEAD "'variant_sets': [{'names': {'cat': ['A', 'A']}, 'variant': '2014/x_{cat}_5', "
                               "'description': 'D', 'files': [{'url': 'https://h/{cat}'}]}]}",
               "$.variant_sets[0](cat=A): duplicate variant '2014/x_A_5'");
    EXPECT_ERR(SET_RECIPE_HEAD
               "'variants': {'2014/x_A_5': {'description': 'D', 'files': [{'url': 'https://h/a'}]}},"
               "'variant_sets': [{'names': {'cat': ['A']}, 'variant': '2014/x_{cat}_5', "
               "'description': 'D', 'files': [{'url': 'https://h/{cat}'}]}]}",
               "duplicate variant '2014/x_A_5'");
    EXPECT_ERR(SET_RECIPE_HEAD "'variant_sets': [{'names': {'cat': []}, 'variant': 'v', "
                               "'description': 'D', 'files': [{'url': 'https://h/a'}]}]}",
               "$.variant_sets[0].names.cat: expected a non-empty array of strings");
    EXPECT_ERR(SET_RECIPE_HEAD
               "'variant_sets': [{'names': {'cat': ['A']}, 'description': 'D', 'files': []}]}",
               "$.variant_sets[0]: missing required key 'variant'");
    EXPECT_ERR(SET_RECIPE_HEAD
               "'variant_sets': [{'names': {'cat': ['A']}, 'variant': '2014/x_{cat}_5', 'extra': 1}]}",
               "$.variant_sets[0]: unknown key 'extra'");
    EXPECT_ERR(SET_RECIPE_HEAD "'variant_sets': {}}", "$.variant_sets: expected an array");

    /* known_files errors */
    EXPECT_ERR(SET_RECIPE_HEAD
               "'known_files': {'ratings_X.csv': {'sha256': "
               "'17d5232b90444beecfe758ce1446e5300230491f3a88ac802992ca95fc4c150f'}},"
               "'variants': {'2014/x_A_5': {'description': 'D', 'files': [{'url': 'https://h/a.csv'}]}}}",
               "$.known_files[\"ratings_X.csv\"]: no file of the recipe is named 'ratings_X.csv'");
    EXPECT_ERR(SET_RECIPE_HEAD
               "'known_files': {'a.csv': {'sha256': '17d5'}},"
               "'variants': {'2014/x_A_5': {'description': 'D', 'files': [{'url': 'https://h/a.csv'}]}}}",
               "$.known_files[\"a.csv\"].sha256: expected 64 hexadecimal digits");
    EXPECT_ERR(
        SET_RECIPE_HEAD
        "'known_files': {'a.csv': {'size': 5}},"
        "'variants': {'2014/x_A_5': {'description': 'D', 'files': [{'url': 'https://h/a.csv', 'size': 6}]}}}",
        "$.variants.2014/x_A_5.files[0]: size of 'a.csv' conflicts with known_files");
    EXPECT_ERR(SET_RECIPE_HEAD
               "'known_files': {'a.csv': {}},"
               "'variants': {'2014/x_A_5': {'description': 'D', 'files': [{'url': 'https://h/a.csv'}]}}}",
               "$.known_files[\"a.csv\"]: gives neither size, md5 nor sha256");
    EXPECT_ERR(SET_RECIPE_HEAD
               "'known_files': {'a.csv': {'crc': 1}},"
               "'variants': {'2014/x_A_5': {'description': 'D', 'files': [{'url': 'https://h/a.csv'}]}}}",
               "$.known_files[\"a.csv\"]: unknown key 'crc'");
}

static void test_find_errors(void)
{
    /* 14 variants: more than the listing limit, so the message summarises */
    l4r_buf b = {0};
    l4r_buf_adds(&b, SET_RECIPE_HEAD "'variant_sets': [{'names': {'cat': [");
    for (int i = 0; i < 14; i++)
        l4r_buf_addf(&b, "%s'C%d'", i ? ", " : "", i);
    l4r_buf_adds(
        &b, "]}, 'variant': '2014/x_{cat}_5', 'description': 'D', 'files': [{'url': 'https://h/{cat}'}]}],"
            "'variants': {'2014/x_A_5': {'description': 'D', 'files': [{'url': 'https://h/a'}]}}}");
    char *json = Q(l4r_buf_cstr(&b));
    l4r_buf_free(&b);
    l4r_recipe recs[2];
    l4r_error e = {0};
    T_EQ_INT(l4r_recipe_parse(&recs[0], json, strlen(json), "t.json", &e), L4R_OK);
    free(json);
    char *json2 = recipe_with("", "{'description': 'D', 'files': [" GOOD_FILE "]}");
    T_EQ_INT(l4r_recipe_parse(&recs[1], json2, strlen(json2), "t2", &e), L4R_OK);
    free(json2);
    free(recs[1].dataset);
    recs[1].dataset = l4r_xstrdup("small");
    l4r_registry reg = {recs, 2};
    const l4r_recipe *r;
    const l4r_variant *v;

    T_EQ_INT(l4r_registry_find(&reg, "nope", NULL, &r, &v, &e), L4R_ERECIPE);
    T_EQ_STR(e.msg, "unknown dataset 'nope'; available: t, small");
    T_CHECK(r == NULL && v == NULL);

    T_EQ_INT(l4r_registry_find(&reg, "small", "v2", &r, &v, &e), L4R_ERECIPE);
    T_EQ_STR(e.msg, "dataset 'small' has no variant 'v2'; available: v1");

    T_EQ_INT(l4r_registry_find(&reg, "t", "c1", &r, &v, &e), L4R_ERECIPE);
    T_CHECK(strstr(e.msg, "it has 15 variants, see 'llm4rec-data list t'") != NULL);
    T_CHECK(strstr(e.msg, "did you mean 2014/x_C1_5, 2014/x_C10_5") != NULL);
    T_EQ_INT(l4r_registry_find(&reg, "t", "zzz", &r, &v, &e), L4R_ERECIPE);
    T_CHECK(strstr(e.msg, "did you mean") == NULL);
    T_EQ_STR(e.msg, "dataset 't' has no variant 'zzz'; it has 15 variants, see 'llm4rec-data list t'");

    T_EQ_INT(l4r_registry_find(&reg, "small", NULL, &r, &v, &e), L4R_OK);
    T_EQ_STR(v->name, "v1");
    T_CHECK(r == &recs[1]);
    l4r_recipe_clear(&recs[0]);
    l4r_recipe_clear(&recs[1]);
}

static void test_embedded(void)
{
    unsetenv("LLM4REC_RECIPES");
    l4r_registry *reg = NULL;
    l4r_error e = {0};
    l4r_status st = l4r_registry_load(&reg, NULL, &e);
    T_EQ_INT(st, L4R_OK);
    if (st != L4R_OK) {
        printf("# %s\n", e.msg);
        return;
    }
    /* every embedded file became a recipe */
    size_t n = 0;
    for (const l4r_embedded_file *f = l4r_embedded_recipes; f->name; f++)
        n++;
    T_EQ_INT(reg->n_recipes, n);
    T_CHECK(n >= 2);

    const l4r_recipe *r;
    const l4r_variant *v;
    T_EQ_INT(l4r_registry_find(reg, "movielens", NULL, &r, &v, &e), L4R_OK);
    T_EQ_STR(v->name, "ml-1m");
    T_EQ_STR(r->source_path, "<builtin>/movielens.json");
    T_EQ_INT(r->n_variants, 8);
    T_EQ_INT(v->files[0].size, 5917549);
    T_EQ_STR(v->files[0].md5, "c4d9eecfca2ab87c1945afe126590906");
    T_EQ_STR(v->interactions->delim, "::");
    T_EQ_INT(v->items->encoding, L4R_ENC_LATIN1);
    T_CHECK(strstr(r->citation, "10.1145/2827872") != NULL);
    T_EQ_INT(l4r_registry_find(reg, "movielens", "ml-10m", &r, &v, &e), L4R_OK);
    T_EQ_STR(v->interactions->path, "ml-10M100K/ratings.dat");
    T_EQ_INT(v->files[0].size, -1);
    T_EQ_INT(l4r_registry_find(reg, "movielens", "ml-100k", &r, &v, &e), L4R_OK);
    T_EQ_STR(v->interactions->delim, "\t");
    T_EQ_INT(v->items->flags_from, 5);
    T_EQ_INT(v->items->n_flag_names, 19);
    T_EQ_STR(v->items->flag_names[4], "Children's");
    T_EQ_INT(l4r_registry_find(reg, "movielens", "ml-32m", &r, &v, &e), L4R_OK);
    T_CHECK(v->files[0].sha256 == NULL);
    T_CHECK(v->interactions->header);

    T_EQ_INT(l4r_registry_find(reg, "amazon", NULL, &r, &v, &e), L4R_OK);
    T_EQ_STR(v->name, "2014/reviews_Beauty_5");
    T_EQ_INT(r->n_variants, 3 * 24 + 3 * 29 + 3 * 34 + 8 * 34); /* + 2023 published splits */
    T_EQ_INT(v->n_files, 2);
    T_EQ_INT(v->items->format, L4R_FMT_PYLIT);
    T_EQ_INT(l4r_registry_find(reg, "amazon", "2014/ratings_Beauty", &r, &v, &e), L4R_OK);
    T_EQ_STR(v->files[0].sha256, "17d5232b90444beecfe758ce1446e5300230491f3a88ac802992ca95fc4c150f");
    T_EQ_INT(l4r_registry_find(reg, "amazon", "2018/ratings/Video_Games", &r, &v, &e), L4R_OK);
    T_EQ_STR(v->files[0].sha256, "c3fec1cce4ee67f0d51f8b53a7e294d8bbe6f75ca1d8732256e900b3c46606d8");
    T_EQ_STR(v->interactions->columns[0], "item");
    T_EQ_INT(v->interactions->map[1].index, 0); /* item_id comes first in the file */
    T_EQ_INT(l4r_registry_find(reg, "amazon", "2023/0core/All_Beauty", &r, &v, &e), L4R_OK);
    T_EQ_STR(v->files[0].sha256, "54b894e68ad965aa73cdb80d8695c1ed37679c46f38b6f97b21ab0fb585aab24");
    T_EQ_INT(v->interactions->time, L4R_TIME_UNIX_MS);
    T_EQ_INT(l4r_registry_find(reg, "amazon", "2023/5core/All_Beauty", &r, &v, &e), L4R_OK);
    T_CHECK(v->files[0].sha256 == NULL); /* 0core digests must not leak into 5core */
    T_EQ_INT(l4r_registry_find(reg, "amazon", "2023/Sports_and_Outdoors", &r, &v, &e), L4R_OK);
    T_EQ_INT(v->files[0].size, 2634864204LL);
    T_EQ_INT(v->files[1].size, 1037418105LL);
    T_EQ_STR(v->items->map[0].src, "parent_asin");
    T_EQ_INT(l4r_registry_find(reg, "amazon", "2018/Beauty_5", &r, &v, &e), L4R_ERECIPE);
    l4r_registry_free(reg);
    l4r_registry_free(NULL);
}

static void write_file(const char *dir, const char *name, const char *text_q)
{
    char *p = l4r_path_join(dir, name);
    char *t = Q(text_q);
    l4r_error e = {0};
    T_EQ_INT(l4r_write_file_atomic(p, t, strlen(t), &e), L4R_OK);
    free(t);
    free(p);
}

static void test_dir(void)
{
    char tmpl[] = "/tmp/l4r-recipe-XXXXXX";
    char *dir = mkdtemp(tmpl);
    T_CHECK(dir != NULL);
    if (!dir)
        return;
    const char *body = "{'description': 'D', 'files': [{'url': 'https://h/a'}]}";
    char *b =
        l4r_xasprintf("{'schema': 1, 'dataset': 'bbb', 'title': 'T', 'license': 'L', 'default_variant': 'v', "
                      "'variants': {'v': %s}}",
                      body);
    char *a =
        l4r_xasprintf("{'schema': 1, 'dataset': 'aaa', 'title': 'T', 'license': 'L', 'default_variant': 'v', "
                      "'variants': {'v': %s}}",
                      body);
    write_file(dir, "bbb.json", b);
    write_file(dir, "aaa.json", a);
    write_file(dir, "notes.txt", "not a recipe");
    l4r_registry *reg = NULL;
    l4r_error e = {0};
    T_EQ_INT(l4r_registry_load(&reg, dir, &e), L4R_OK);
    if (reg) {
        T_EQ_INT(reg->n_recipes, 2);
        T_EQ_STR(reg->recipes[0].dataset, "aaa"); /* sorted by file name */
        T_EQ_STR(reg->recipes[1].dataset, "bbb");
        char *want = l4r_path_join(dir, "aaa.json");
        T_EQ_STR(reg->recipes[0].source_path, want);
        free(want);
        l4r_registry_free(reg);
    }

    /* a recipe directory is loaded whole, even for one dataset (a broken file is reported) */
    reg = NULL;
    T_EQ_INT(l4r_registry_load_for(&reg, dir, "aaa", &e), L4R_OK);
    T_CHECK(reg && reg->n_recipes == 2);
    l4r_registry_free(reg);

    /* $LLM4REC_RECIPES is used when no dir is given */
    setenv("LLM4REC_RECIPES", dir, 1);
    reg = NULL;
    T_EQ_INT(l4r_registry_load(&reg, NULL, &e), L4R_OK);
    T_CHECK(reg && reg->n_recipes == 2);
    l4r_registry_free(reg);
    reg = NULL;
    T_EQ_INT(l4r_registry_load_for(&reg, NULL, "movielens", &e), L4R_OK); /* the directory's */
    T_CHECK(reg && reg->n_recipes == 2 && !strcmp(reg->recipes[0].dataset, "aaa"));
    l4r_registry_free(reg);
    unsetenv("LLM4REC_RECIPES");

    /* one bad file fails the load, naming the file */
    write_file(
        dir, "ccc.json",
        "{'schema': 1, 'dataset': 'ccc', 'title': 'T', 'license': 'L', 'default_variant': 'v', 'x': 1}");
    reg = NULL;
    T_EQ_INT(l4r_registry_load(&reg, dir, &e), L4R_ERECIPE);
    T_CHECK(reg == NULL);
    T_CHECK(strstr(e.msg, "ccc.json: $: unknown key 'x'") != NULL);
    char *p = l4r_path_join(dir, "ccc.json");
    unlink(p);
    free(p);

    /* the dataset name must match the file name */
    write_file(dir, "ddd.json", a);
    T_EQ_INT(l4r_registry_load(&reg, dir, &e), L4R_ERECIPE);
    T_CHECK(strstr(e.msg, "ddd.json: $.dataset: 'aaa' does not match the file name 'ddd.json'") != NULL);
    p = l4r_path_join(dir, "ddd.json");
    unlink(p);
    free(p);

    T_EQ_INT(l4r_registry_load(&reg, "/nonexistent/recipes", &e), L4R_ERECIPE);
    T_CHECK(strstr(e.msg, "cannot open recipe directory '/nonexistent/recipes'") != NULL);
    free(a);
    free(b);
    l4r_error e2 = {0};
    T_EQ_INT(l4r_rmtree(dir, &e2), L4R_OK);
    T_EQ_INT(mkdir(dir, 0700), 0);
    T_EQ_INT(l4r_registry_load(&reg, dir, &e), L4R_ERECIPE);
    T_CHECK(strstr(e.msg, "no recipes (*.json) in") != NULL);
    rmdir(dir);
}

/* A command about one dataset parses only that built-in recipe; anything else loads them all. */
static void test_embedded_for(void)
{
    unsetenv("LLM4REC_RECIPES");
    size_t all = 0;
    for (const l4r_embedded_file *f = l4r_embedded_recipes; f->name; f++)
        all++;
    l4r_registry *reg = NULL;
    l4r_error e = {0};
    const l4r_recipe *r;
    const l4r_variant *v;
    T_EQ_INT(l4r_registry_load_for(&reg, NULL, "movielens", &e), L4R_OK);
    if (reg) {
        T_EQ_INT(reg->n_recipes, 1);
        T_EQ_STR(reg->recipes[0].dataset, "movielens");
        T_EQ_INT(l4r_registry_find(reg, "movielens", "ml-25m", &r, &v, &e), L4R_OK);
        T_EQ_STR(v->name, "ml-25m");
        T_EQ_INT(l4r_registry_find(reg, "amazon", NULL, &r, &v, &e), L4R_ERECIPE); /* not loaded */
        l4r_registry_free(reg);
    }
    reg = NULL;
    T_EQ_INT(l4r_registry_load_for(&reg, NULL, "amazon", &e), L4R_OK);
    if (reg) {
        T_EQ_INT(reg->n_recipes, 1);
        T_EQ_STR(reg->recipes[0].dataset, "amazon");
        T_EQ_INT(l4r_registry_find(reg, "amazon", "2023/All_Beauty", &r, &v, &e), L4R_OK);
        l4r_registry_free(reg);
    }
    /* unknown (or only a prefix of a file name): all of them, so the error lists the datasets */
    const char *unknown[] = {"nope", "movie", "movielens.json", ""};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        reg = NULL;
        T_EQ_INT(l4r_registry_load_for(&reg, NULL, unknown[i], &e), L4R_OK);
        T_CHECK(reg && reg->n_recipes == all);
        l4r_registry_free(reg);
    }
    reg = NULL;
    T_EQ_INT(l4r_registry_load_for(&reg, NULL, "nope", &e), L4R_OK);
    if (reg) {
        T_EQ_INT(l4r_registry_find(reg, "nope", NULL, &r, &v, &e), L4R_ERECIPE);
        /* sorted by file name ("amazon-m2.json" before "amazon.json"), comma-separated; every family
         * is on the list (new ones included) */
        T_CHECK(strstr(e.msg, "available: amazon-m2, amazon, ") != NULL);
        T_CHECK(strstr(e.msg, ", movielens") != NULL);
        l4r_registry_free(reg);
    }
    /* NULL: all */
    reg = NULL;
    T_EQ_INT(l4r_registry_load_for(&reg, NULL, NULL, &e), L4R_OK);
    T_CHECK(reg && reg->n_recipes == all);
    l4r_registry_free(reg);
}

/* "filter" (issue 14): parsed, and strictly validated with the JSON path in every error. */
#define FILT_VARIANT(filter)                                                                                 \
    "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': {'path': 't/r.dat', 'format': 'delim', " \
    "'delimiter': '::', 'columns': ['u', 'i', 'r', 'ts', 'click'], 'fields': {'user_id': 'u', 'item_id': "   \
    "'i', 'rating': 'r', 'timestamp': 'ts'}, 'time': 'unix_s', 'filter': " filter "}}"
static void test_filters(void)
{
    char *json = recipe_with("", FILT_VARIANT("[{'column': 'click', 'op': '==', 'value': '1'}, "
                                              "{'column': 'r', 'op': '>=', 'value': 3.5}, "
                                              "{'column': 'i', 'op': 'in', 'value': ['1', '']}]"));
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    /* a table with three filters parses */
    T_CHECK(st == L4R_OK);
    if (st == L4R_OK) {
        const l4r_table *t = r.variants[0].interactions;
        /* three filters */
        T_CHECK(t->n_filters == 3);
        /* click == '1', resolved to column 4 though no field maps it */
        T_CHECK(t->filters[0].op == L4R_FOP_EQ && !strcmp(t->filters[0].values[0], "1") &&
                t->filters[0].index == 4);
        /* r >= 3.5 */
        T_CHECK(t->filters[1].op == L4R_FOP_GE && t->filters[1].number == 3.5);
        /* i in ['1', ''] (an empty string may be listed) */
        T_CHECK(t->filters[2].op == L4R_FOP_IN && t->filters[2].n_values == 2 && !t->filters[2].values[1][0]);
        /* a filter's column is not an output field */
        T_CHECK(t->n_map == 4);
        l4r_recipe_clear(&r);
    }
    EXPECT_VERR(FILT_VARIANT("{'column': 'click'}"),
                "$.variants.v1.interactions.filter: expected a list of filters, got an object");
    EXPECT_VERR(FILT_VARIANT("['click']"), "$.variants.v1.interactions.filter[0]: expected an object");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'op': '==', 'value': '1', 'x': 1}]"),
                "$.variants.v1.interactions.filter[0]: unknown key 'x'");
    EXPECT_VERR(FILT_VARIANT("[{'op': '==', 'value': '1'}]"),
                "$.variants.v1.interactions.filter[0]: missing required key 'column'");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'value': '1'}]"),
                "$.variants.v1.interactions.filter[0]: missing required key 'op'");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'op': '=', 'value': '1'}]"),
                "$.variants.v1.interactions.filter[0].op: unknown value '=' (expected one of: ==, !=, in, <, "
                "<=, >, >=, present)");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'op': '=='}]"),
                "$.variants.v1.interactions.filter[0]: missing required key 'value'");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'op': '==', 'value': 1}]"),
                "$.variants.v1.interactions.filter[0].value: expected a string for '==' (the field's text is "
                "compared), got an integer");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'op': '<', 'value': '1'}]"),
                "$.variants.v1.interactions.filter[0].value: expected a number for '<', got a string");
    EXPECT_VERR(
        FILT_VARIANT("[{'column': 'click', 'op': 'in', 'value': '1'}]"),
        "$.variants.v1.interactions.filter[0].value: expected a non-empty list of strings for 'in', got "
        "a string");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'op': 'in', 'value': []}]"),
                "filter[0].value: expected a non-empty list of strings for 'in', got an empty list");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'click', 'op': 'in', 'value': ['1', 2]}]"),
                "$.variants.v1.interactions.filter[0].value[1]: expected a string, got an integer");
    EXPECT_VERR(FILT_VARIANT("[{'column': 'clicks', 'op': '==', 'value': '1'}]"),
                "$.variants.v1.interactions.filter[0].column: column 'clicks' is not in 'columns'");
    EXPECT_VERR(FILT_VARIANT("[{'column': '', 'op': '==', 'value': '1'}]"),
                "$.variants.v1.interactions.filter[0].column: must not be empty");
}

/* "users" (issue 14): a user table needs user_id and interactions; its extras keep their order. */
static void test_users(void)
{
    char *json = recipe_with("", "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER
                                 ", 'users': {'path': 't/u.dat', 'format': 'delim', 'delimiter': '|', "
                                 "'columns': ['id', 'age', 'sex'], 'fields': {'sex': 'sex', 'user_id': 'id', "
                                 "'age': 'age', 'id_copy': 'id'}}}");
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    T_CHECK(st == L4R_OK);
    if (st == L4R_OK) {
        const l4r_table *u = r.variants[0].users;
        T_CHECK(u && u->n_map == 4);
        /* user_id first, then the extras in document order; one column feeds two fields */
        T_CHECK(u && !strcmp(u->map[0].out, "user_id") && !strcmp(u->map[1].out, "sex") &&
                !strcmp(u->map[3].out, "id_copy") && u->map[3].index == 0 && u->map[0].index == 0);
        l4r_recipe_clear(&r);
    }
    EXPECT_VERR("{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER
                ", 'users': {'path': 'u', 'format': 'delim', 'delimiter': '|', 'columns': ['id'], "
                "'fields': {'age': 'id'}}}",
                "$.variants.v1.users.fields: missing required field 'user_id'");
    EXPECT_VERR("{'description': 'D', 'files': [" GOOD_FILE "], 'users': {'path': 'u', 'format': 'delim', "
                "'delimiter': '|', 'columns': ['id'], 'fields': {'user_id': 'id'}}}",
                "$.variants.v1: 'users' without 'interactions'");
    EXPECT_VERR("{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER
                ", 'users': {'path': 'u', 'format': 'delim', 'delimiter': '|', 'columns': ['id'], "
                "'fields': {'user_id': 'id', 'Age': 'id'}}}",
                "$.variants.v1.users.fields.Age: output column names are lower-case");
    EXPECT_VERR("{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': " GOOD_INTER
                ", 'users': {'path': 'u', 'format': 'delim', 'delimiter': '|', 'columns': ['id'], "
                "'fields': {'user_id': 'id'}, 'x': 1}}",
                "$.variants.v1.users: unknown key 'x'");
}

/* "time_year" (issue 15): the year of Steam's "Posted April 21." dates, only with time "posted". */
#define POSTED_VARIANT(extra)                                                                                \
    "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': {'path': 'r.json', 'format': 'jsonl', "  \
    "'fields': {'user_id': 'u', 'item_id': 'i', 'timestamp': 't'}, " extra "}}"
static void test_time_year(void)
{
    char *json = recipe_with("", POSTED_VARIANT("'time': 'posted', 'time_year': 2014"));
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    T_CHECK(st == L4R_OK);
    if (st == L4R_OK) {
        const l4r_table *t = r.variants[0].interactions;
        T_CHECK(t->time == L4R_TIME_POSTED && t->time_year == 2014);
        l4r_recipe_clear(&r);
    }
    /* without it the year is 0 (a date without one is then a parse error); the other new format */
    json = recipe_with("", POSTED_VARIANT("'time': 'ctime_offset'"));
    st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    T_CHECK(st == L4R_OK);
    if (st == L4R_OK) {
        T_CHECK(r.variants[0].interactions->time == L4R_TIME_CTIME_OFFSET &&
                r.variants[0].interactions->time_year == 0);
        l4r_recipe_clear(&r);
    }
    EXPECT_VERR(POSTED_VARIANT("'time': 'unix_s', 'time_year': 2014"),
                "t.json: $.variants.v1.interactions.time_year: applies to time 'posted' or 'mmdd' only, not "
                "'unix_s'");
    EXPECT_VERR(
        POSTED_VARIANT("'time': 'ctime_offset', 'time_year': 2014"),
        "$.variants.v1.interactions.time_year: applies to time 'posted' or 'mmdd' only, not 'ctime_offset'");
    EXPECT_VERR(POSTED_VARIANT("'time': 'posted', 'time_year': '2014'"),
                "$.variants.v1.interactions.time_year: expected an integer (a year), got a string");
    EXPECT_VERR(POSTED_VARIANT("'time': 'posted', 'time_year': 2014.5"),
                "$.variants.v1.interactions.time_year: expected an integer (a year), got a number");
    EXPECT_VERR(POSTED_VARIANT("'time': 'posted', 'time_year': 1899"),
                "$.variants.v1.interactions.time_year: 1899 is not a year from 1900 to 9999");
    EXPECT_VERR(POSTED_VARIANT("'time': 'posted', 'time_year': 10000"),
                "$.variants.v1.interactions.time_year: 10000 is not a year from 1900 to 9999");
    EXPECT_VERR(POSTED_VARIANT("'time': 'posted', 'time_year': 14"), "14 is not a year from 1900 to 9999");
    EXPECT_VERR(POSTED_VARIANT("'time': 'Posted'"),
                "$.variants.v1.interactions.time: unknown value 'Posted' (expected one of:");
}

/* "paths" and "block_header" (Netflix): parsed, and every rule of docs/recipes.md refused with its
 * JSON path. */
#define NF_VARIANT(table) "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': {" table "}}"
#define NF_FIELDS "'fields': {'user_id': 'c', 'item_id': 'movie', 'rating': 'r'}"
#define NF_BH "'block_header': {'suffix': ':', 'as': 'movie'}"
static void test_paths_block_header(void)
{
    char *json =
        recipe_with("", NF_VARIANT("'paths': ['a_1.txt', 'd/mv_*.txt'], 'format': 'delimited', "
                                   "'delimiter': ',', 'columns': ['c', 'r'], " NF_BH ", " NF_FIELDS));
    l4r_recipe r;
    l4r_error e = {0};
    l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
    free(json);
    T_CHECK(st == L4R_OK);
    if (st == L4R_OK) {
        const l4r_table *t = r.variants[0].interactions;
        T_CHECK(t->n_paths == 2 && !strcmp(t->paths[0], "a_1.txt") && !strcmp(t->paths[1], "d/mv_*.txt"));
        T_CHECK(!strcmp(t->path, "a_1.txt")); /* the first, for what names one path */
        T_CHECK(t->block_header && !strcmp(t->block_header->suffix, ":") &&
                !strcmp(t->block_header->as, "movie"));
        int arg;
        T_CHECK(l4r_source_classify(t, "movie", &arg) == L4R_SRC_BLOCK);
        T_CHECK(l4r_source_classify(t, "c", &arg) == L4R_SRC_COLUMN);
        T_CHECK(t->map[1].index == -1 || t->map[1].index < 0); /* not a column */
        l4r_span h;
        const char *ln = "17770:";
        T_CHECK(l4r_block_header_line(t, ln, ln + 6, &h) && h.n == 5 && !memcmp(h.p, "17770", 5));
        ln = "1,2:";
        T_CHECK(!l4r_block_header_line(t, ln, ln + 4, &h)); /* holds the delimiter: a record */
        ln = "1488844,3,2005-09-06";
        T_CHECK(!l4r_block_header_line(t, ln, ln + strlen(ln), &h));
        const char *blk = "1:\n5,3\n2:\r\n6,1\n7:x\n";
        T_CHECK(l4r_block_header_last(t, blk, strlen(blk), &h) && h.n == 1 && h.p[0] == '2');
        blk = "5,3\n6,1\n";
        T_CHECK(!l4r_block_header_last(t, blk, strlen(blk), &h));
        blk = "5,3\n9:";
        T_CHECK(l4r_block_header_last(t, blk, strlen(blk), &h) && h.n == 1 && h.p[0] == '9');
        l4r_recipe_clear(&r);
    }
#define NF_COLS "'format': 'delimited', 'delimiter': ',', 'columns': ['c', 'r'], "
    EXPECT_VERR(NF_VARIANT("'path': 'a', 'paths': ['b'], " NF_COLS NF_BH ", " NF_FIELDS),
                "$.variants.v1.interactions.paths: give 'path' (one file) or 'paths' (several), not both");
    EXPECT_VERR(NF_VARIANT("'paths': [], " NF_COLS NF_BH ", " NF_FIELDS),
                "$.variants.v1.interactions.paths: expected at least one path");
    EXPECT_VERR(NF_VARIANT("'paths': 'a', " NF_COLS NF_BH ", " NF_FIELDS),
                "$.variants.v1.interactions.paths: expected an array of strings, got a string");
    EXPECT_VERR(NF_VARIANT("'paths': ['a', '../b'], " NF_COLS NF_BH ", " NF_FIELDS),
                "$.variants.v1.interactions.paths[1]: '../b': must be a relative path");
    EXPECT_VERR(NF_VARIANT("'paths': ['d*/a.txt'], " NF_COLS NF_BH ", " NF_FIELDS),
                "paths[0]: 'd*/a.txt': a glob ('*', '?') may only be in the last segment");
    EXPECT_VERR(NF_VARIANT("'paths': ['mv_[0-9].txt'], " NF_COLS NF_BH ", " NF_FIELDS), "'[' is not allowed");
    EXPECT_VERR(NF_VARIANT("'paths': ['a', 'a'], " NF_COLS NF_BH ", " NF_FIELDS),
                "paths[1]: 'a': listed twice");
    EXPECT_VERR(NF_VARIANT("'paths': ['a'], 'member': 'x/a', " NF_COLS NF_BH ", " NF_FIELDS),
                "$.variants.v1.interactions.member: not allowed with 'paths'");
    EXPECT_VERR(NF_VARIANT("'path': 'a', 'format': 'csv', 'columns': ['c', 'r'], " NF_BH ", " NF_FIELDS),
                "$.variants.v1.interactions.block_header: not allowed for format csv (delimited only)");
    EXPECT_VERR(NF_VARIANT("'path': 'a', " NF_COLS "'block_header': ':', " NF_FIELDS),
                "$.variants.v1.interactions.block_header: expected an object");
    EXPECT_VERR(NF_VARIANT("'path': 'a', " NF_COLS "'block_header': {'suffix': ':'}, " NF_FIELDS),
                "$.variants.v1.interactions.block_header: missing required key 'as'");
    EXPECT_VERR(NF_VARIANT("'path': 'a', " NF_COLS
                           "'block_header': {'suffix': ':', 'as': 'movie', 'x': 1}, " NF_FIELDS),
                "$.variants.v1.interactions.block_header: unknown key 'x'");
    EXPECT_VERR(
        NF_VARIANT("'path': 'a', " NF_COLS "'block_header': {'suffix': ',', 'as': 'movie'}, " NF_FIELDS),
        "block_header.suffix: must be non-empty and hold neither a line break nor the delimiter");
    EXPECT_VERR(
        NF_VARIANT("'path': 'a', " NF_COLS "'block_header': {'suffix': '', 'as': 'movie'}, " NF_FIELDS),
        "block_header.suffix: must not be empty");
    EXPECT_VERR(NF_VARIANT("'path': 'a', " NF_COLS "'block_header': {'suffix': ':', 'as': 'c'}, " NF_FIELDS),
                "block_header.as: 'c' is a column already ('columns')");
    EXPECT_VERR(NF_VARIANT("'path': 'a', " NF_COLS "'block_header': {'suffix': ':', 'as': '$m'}, " NF_FIELDS),
                "block_header.as: '$m': a name must be non-empty, not start with '$'");
    /* without the block header, 'movie' is an unknown column */
    EXPECT_VERR(NF_VARIANT("'path': 'a', " NF_COLS NF_FIELDS), "column 'movie' is not in 'columns'");
}

/* "copy": true tables: jsonl, no fields, a name that is no sink's file. */
static void test_copy_tables(void)
{
#define CV(tabs)                                                                                             \
    "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': {'path': 'r', 'format': 'jsonl', "       \
    "'fields': {'user_id': 'u', 'item_id': 'i'}}, 'tables': " tabs "}"
    char *json =
        recipe_with("", CV("{'whole': {'path': 'r', 'format': 'jsonl', 'copy': true}, 'side': {'path': "
                           "'r', 'format': 'jsonl', 'copy': false, 'fields': {'user_id': 'u'}}}"));
    l4r_recipe r;
    l4r_error e = {0};
    T_EQ_INT(l4r_recipe_parse(&r, json, strlen(json), "t.json", &e), L4R_OK);
    free(json);
    if (!e.msg[0]) {
        const l4r_variant *v = &r.variants[0];
        T_EQ_INT(v->n_tables, 2);
        T_CHECK(l4r_table_copy(v->tables[0].t));
        T_EQ_INT(v->tables[0].t->n_map, 0);
        T_CHECK(!l4r_table_copy(v->tables[1].t));
        l4r_recipe_clear(&r);
    }
    EXPECT_VERR(CV("{'d': {'path': 'r', 'format': 'jsonl', 'copy': true, 'fields': {'user_id': 'u'}}}"),
                "$.variants.v1.tables.d.fields: a \"copy\" table writes each record whole");
    EXPECT_VERR(CV("{'d': {'path': 'r', 'format': 'csv', 'copy': true}}"),
                "$.variants.v1.tables.d.format: a \"copy\" table reads JSON lines");
    EXPECT_VERR(CV("{'d': {'path': 'r', 'format': 'jsonl', 'copy': 'yes'}}"),
                "$.variants.v1.tables.d.copy: expected true or false");
    EXPECT_VERR(CV("{'examples': {'path': 'r', 'format': 'jsonl', 'copy': true}}"),
                "$.variants.v1.tables.examples: a \"copy\" table is written as NAME.jsonl");
    EXPECT_VERR(CV("{'d': {'path': 'r', 'format': 'jsonl', 'copy': true, 'filter': []}}"),
                "$.variants.v1.tables.d.filter: a \"copy\" table");
#undef CV
}

/* explode "then": a key of the element ('AS.KEY'), not with parts or append. */
static void test_explode_then(void)
{
#define TV(x)                                                                                                \
    "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': {'path': 'r', 'format': 'jsonl', "       \
    "'explode': " x ", 'fields': {'user_id': 'u', 'item_id': 'item'}}}"
    l4r_recipe r;
    l4r_error e = {0};
    char *json =
        recipe_with("", "{'description': 'D', 'files': [" GOOD_FILE "], 'interactions': {'path': 'r', "
                        "'format': 'jsonl', 'explode': {'column': 'd', 'as': 'm', 'then': {'column': "
                        "'m.recs'}}, 'fields': {'user_id': 'm.u', 'item_id': 'recs'}}}");
    T_EQ_INT(l4r_recipe_parse(&r, json, strlen(json), "t.json", &e), L4R_OK);
    free(json);
    if (!e.msg[0]) {
        const char *as = NULL;
        T_EQ_STR(l4r_table_explode_then(r.variants[0].interactions, &as), "recs");
        T_EQ_STR(as, "recs");
        int arg;
        T_EQ_INT(l4r_source_classify(r.variants[0].interactions, "recs", &arg), L4R_SRC_INNER);
        l4r_recipe_clear(&r);
    }
    EXPECT_VERR(
        TV("{'column': 'd', 'as': 'm', 'then': {'column': 'recs'}}"),
        "$.variants.v1.interactions.explode.then.column: 'recs' must name a key of the element, 'm.KEY'");
    EXPECT_VERR(TV("{'column': 'd', 'as': 'm', 'then': {'column': 'm.'}}"), "must name a key of the element");
    EXPECT_VERR(TV("{'column': 'd', 'as': 'm', 'then': {'column': 'm.r', 'as': 'm'}}"),
                "$.variants.v1.interactions.explode.then.as: 'm' is the element's name already");
    EXPECT_VERR(TV("{'column': 'd', 'as': 'm', 'then': {'column': 'm.r', 'x': 1}}"),
                "$.variants.v1.interactions.explode.then: unknown key 'x'");
    EXPECT_VERR(TV("{'column': 'd', 'as': 'm', 'append': 'z', 'then': {'column': 'm.r'}}"),
                "$.variants.v1.interactions.explode.then: a second level needs object elements");
    EXPECT_VERR(TV("{'column': 'd', 'as': 'm', 'then': 'm.r'}"),
                "$.variants.v1.interactions.explode.then: expected an object");
#undef TV
}

int main(void)
{
    test_format_table();
    test_valid();
    test_header_and_json_tables();
    test_errors();
    test_filters();
    test_users();
    test_time_year();
    test_sets();
    test_find_errors();
    test_embedded();
    test_embedded_for();
    test_dir();
    test_paths_block_header();
    test_copy_tables();
    test_explode_then();
    return l4r_t_exit();
}
