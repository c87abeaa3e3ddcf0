/*
 * test_api.c — the public contract (include/llm4rec_data.h) through the public header alone:
 * registry accessors over every built-in recipe and over a recipe with filters and nested archives,
 * options set by name (every key takes a good
 * value and refuses a bad one with a message that starts with the key), stats and verify
 * results through their accessors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llm4rec_data.h"
#include "tap.h"

static void test_registry(void)
{
    l4r_error e = {0};
    l4r_registry *reg = NULL;
    T_EQ_INT(l4r_registry_load(&reg, NULL, &e), L4R_OK);
    if (!reg)
        return;
    T_CHECK(l4r_registry_count(reg) >= 2);
    T_CHECK(l4r_registry_recipe(reg, l4r_registry_count(reg)) == NULL);
    const l4r_recipe *r;
    const l4r_variant *v;
    T_EQ_INT(l4r_registry_find(reg, "movielens", NULL, &r, &v, &e), L4R_OK);
    T_EQ_STR(l4r_recipe_dataset(r), "movielens");
    T_CHECK(v == l4r_recipe_default_variant(r));
    T_EQ_INT(l4r_registry_find(reg, "movielens", "ml-1m", &r, &v, &e), L4R_OK);
    T_EQ_STR(l4r_variant_name(v), "ml-1m");
    const l4r_table *t = l4r_variant_interactions(v);
    T_CHECK(t != NULL);
    if (t) {
        T_EQ_STR(l4r_table_format(t), "delimited"); /* the format table's one name */
        T_EQ_STR(l4r_table_delimiter(t), "::");
        T_CHECK(!l4r_table_header(t));
        T_EQ_STR(l4r_table_time(t), "unix_s");
        T_EQ_STR(l4r_table_encoding(t), "utf-8");
        const char *out, *src, *value;
        T_CHECK(l4r_table_field(t, 0, &out, &src, &value));
        T_EQ_STR(out, "user_id");
        T_CHECK(src != NULL && value == NULL);
        T_CHECK(!l4r_table_field(t, l4r_table_n_fields(t), &out, &src, &value));
        T_CHECK(l4r_table_column_name(t, l4r_table_n_columns(t)) == NULL);
    }
    T_CHECK(l4r_variant_file(v, l4r_variant_n_files(v)) == NULL);
    T_EQ_INT(l4r_registry_find(reg, "movielens", "ml-7m", &r, &v, &e), L4R_ERECIPE);
    T_CHECK(strstr(e.msg, "ml-7m") != NULL);

    /* Every table of every built-in variant has names the recipes use. */
    size_t bad = 0, tables = 0;
    for (size_t i = 0; i < l4r_registry_count(reg); i++) {
        const l4r_recipe *ri = l4r_registry_recipe(reg, i);
        T_CHECK(l4r_recipe_default_variant(ri) != NULL);
        for (size_t k = 0; k < l4r_recipe_n_variants(ri); k++) {
            const l4r_variant *vk = l4r_recipe_variant(ri, k);
            const l4r_table *tt[2] = {l4r_variant_interactions(vk), l4r_variant_items(vk)};
            for (int j = 0; j < 2; j++) {
                if (!tt[j])
                    continue;
                tables++;
                const char *f = l4r_table_format(tt[j]);
                bool delimited = !strcmp(f, "delimited") || !strcmp(f, "csv");
                bool known = delimited || !strcmp(f, "jsonl") || !strcmp(f, "python-literal");
                bad += !known || delimited != (l4r_table_delimiter(tt[j]) != NULL) ||
                       !strcmp(l4r_table_encoding(tt[j]), "?") || !strcmp(l4r_table_time(tt[j]), "?");
            }
        }
    }
    T_CHECK(tables > 0);
    T_EQ_INT(bad, 0);
    l4r_registry_free(reg);
    l4r_registry_free(NULL);
}

static void test_options(void)
{
    static const struct {
        const char *key, *good, *bad;
    } cases[] = {
        {"jobs", "4", "0"},
        {"split", "ratio:8,1,1", "halves"},
        {"dedup", "last", "sometimes"},
        {"min-rating", "3.5", "high"},
        {"kcore", "5", "-1"},
        {"user-core", "2", "x"},
        {"item-core", "2", "x"},
        {"kcore-mode", "one-pass", "twice"},
        {"ties", "hash", "random"},
        {"max-history", "50", "0"},
        {"remap-order", "shuffle", "reverse"},
        {"seed", "7", "-7"},
        {"format", "tsv,jsonl", "feather"},
        {"candidates", "99", "-1"},
        {"history", "20", "0"},
        {"memory", "2G", "1K"},
        {"block-size", "64K", "big"},
        {"max-errors", "10", "-1"},
        {"max-unpacked", "200G", "lots"},
        {"connect-timeout", "5", "0"},
        {"low-speed-time", "5", "soon"},
        {"max-backoff", "0.5", "-2"},
        {"max-retries", "0", "-1"},
        {"force", "1", "yes"},
        {"implicit", "0", "2"},
        {"remap", NULL, "on"},
        {"update-lock", "1", "x"},
        {"progress", "0", "x"},
    };
    l4r_options *o = l4r_options_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        l4r_error e = {0};
        l4r_status st = l4r_options_set(o, cases[i].key, cases[i].good, &e);
        if (st != L4R_OK)
            printf("# %s=%s: %s\n", cases[i].key, cases[i].good ? cases[i].good : "(flag)", e.msg);
        T_EQ_INT(st, L4R_OK);
        st = l4r_options_set(o, cases[i].key, cases[i].bad, &e);
        T_EQ_INT(st, L4R_EUSAGE);
        T_CHECK(!strncmp(e.msg, cases[i].key, strlen(cases[i].key)));
        T_CHECK(strstr(e.msg, cases[i].bad) != NULL);
    }
    /* strings are copied */
    char path[] = "/some/where";
    l4r_error e = {0};
    T_EQ_INT(l4r_options_set(o, "raw", path, &e), L4R_OK);
    T_EQ_INT(l4r_options_set(o, "from", "a.zip", &e), L4R_OK);
    T_EQ_INT(l4r_options_set(o, "from", "b.zip", &e), L4R_OK);
    path[0] = 'X';
    T_EQ_INT(l4r_options_set(o, "colour", "blue", &e), L4R_EUSAGE);
    T_EQ_STR(e.msg, "colour: no such option");
    T_EQ_INT(l4r_options_set(o, "dedup", NULL, &e), L4R_EUSAGE);
    T_EQ_STR(e.msg, "dedup needs a value");
    T_EQ_INT(l4r_options_set(o, "dedup", "sometimes", &e), L4R_EUSAGE);
    T_EQ_STR(e.msg, "dedup takes first, last or none, not 'sometimes'");
    char a0[] = "convert", a1[] = "x";
    char *argv[] = {a0, a1, NULL};
    l4r_options_set_argv(o, 2, argv);
    l4r_options_set_argv(o, 2, argv); /* replaces; no leak */

    /* convert needs an output directory and says so before touching anything */
    l4r_registry *reg = NULL;
    T_EQ_INT(l4r_registry_load_for(&reg, NULL, "movielens", &e), L4R_OK);
    const l4r_recipe *r;
    const l4r_variant *v;
    if (reg && l4r_registry_find(reg, "movielens", NULL, &r, &v, &e) == L4R_OK) {
        T_EQ_INT(l4r_convert_dataset(r, v, o, NULL, NULL, &e), L4R_EUSAGE);
        T_EQ_STR(e.msg, "output: no output directory given");
    }
    l4r_registry_free(reg);
    l4r_options_free(o);
    l4r_options_free(NULL);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

/* The recipe details `info` shows: filters, extra_fields/time_fraction, unpacked_size and
 * unpack_nested, with their defaults and out-of-range answers. */
static void test_table_details(const char *dir)
{
    char rdir[4096], p[4200];
    snprintf(rdir, sizeof rdir, "%s/recipes", dir);
    T_EQ_INT(mkdir(rdir, 0777), 0);
    snprintf(p, sizeof p, "%s/d.json", rdir);
    write_file(p, "{\"schema\": 1, \"dataset\": \"d\", \"title\": \"T\", \"license\": \"L\", "
                  "\"default_variant\": \"v\", \"variants\": {\"v\": {\"description\": \"D\", "
                  "\"files\": [{\"url\": \"https://h/a.zip\", \"unpack\": true, \"unpacked_size\": 99, "
                  "\"unpack_nested\": [\"x/in.tar\"]}, {\"url\": \"https://h/b.csv\"}], "
                  "\"interactions\": {\"path\": \"x/in.tar/r.csv\", \"format\": \"csv\", \"header\": true, "
                  "\"fields\": {\"user_id\": \"u\", \"item_id\": \"i\", \"timestamp\": \"t\"}, \"time\": "
                  "\"unix_ms\", \"extra_fields\": \"ignore\", \"time_fraction\": \"floor\", \"filter\": ["
                  "{\"column\": \"c\", \"op\": \"in\", \"value\": [\"a\", \"b\"]}, "
                  "{\"column\": \"s\", \"op\": \">\", \"value\": 2.5}]}, "
                  "\"items\": {\"path\": \"b.csv\", \"format\": \"csv\", \"header\": true, "
                  "\"fields\": {\"item_id\": \"i\"}}}}}");
    l4r_error e = {0};
    l4r_registry *reg = NULL;
    T_EQ_INT(l4r_registry_load(&reg, rdir, &e), L4R_OK);
    if (!reg)
        return;
    const l4r_recipe *r;
    const l4r_variant *v;
    T_EQ_INT(l4r_registry_find(reg, "d", NULL, &r, &v, &e), L4R_OK);
    const l4r_rfile *a = l4r_variant_file(v, 0), *b = l4r_variant_file(v, 1);
    T_EQ_INT(l4r_rfile_unpacked_size(a), 99);
    T_EQ_INT(l4r_rfile_n_unpack_nested(a), 1);
    T_EQ_STR(l4r_rfile_unpack_nested(a, 0), "x/in.tar");
    T_CHECK(l4r_rfile_unpack_nested(a, 1) == NULL);
    T_EQ_INT(l4r_rfile_unpacked_size(b), 0);
    T_EQ_INT(l4r_rfile_n_unpack_nested(b), 0);

    const l4r_table *t = l4r_variant_interactions(v);
    T_EQ_STR(l4r_table_extra_fields(t), "ignore");
    T_EQ_STR(l4r_table_time_fraction(t), "floor");
    T_EQ_INT(l4r_table_n_filters(t), 2);
    const char *col, *op;
    size_t n;
    double x;
    T_CHECK(l4r_table_filter(t, 0, &col, &op, &n, &x));
    T_EQ_STR(col, "c");
    T_EQ_STR(op, "in");
    T_EQ_INT(n, 2);
    T_EQ_STR(l4r_table_filter_value(t, 0, 1), "b");
    T_CHECK(l4r_table_filter_value(t, 0, 2) == NULL);
    T_CHECK(l4r_table_filter(t, 1, &col, &op, &n, &x));
    T_EQ_STR(op, ">");
    T_EQ_INT(n, 0);
    T_CHECK(x == 2.5);
    T_CHECK(!l4r_table_filter(t, 2, &col, &op, &n, &x));
    T_CHECK(l4r_table_filter_value(t, 2, 0) == NULL);

    const l4r_table *it = l4r_variant_items(v); /* none of them: the defaults */
    T_EQ_STR(l4r_table_extra_fields(it), "error");
    T_EQ_STR(l4r_table_time_fraction(it), "error");
    T_EQ_INT(l4r_table_n_filters(it), 0);
    T_CHECK(!l4r_table_filter(it, 0, &col, &op, &n, &x));
    l4r_registry_free(reg);
}

static void test_stats_verify(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/interactions.tsv", dir);
    write_file(p, "user_id\titem_id\trating\ttimestamp\n"
                  "u1\ti1\t5\t100\nu1\ti2\t4\t100\nu1\ti1\t3\t300\nu2\ti1\t1\t200\n");
    l4r_error e = {0};
    l4r_stats *s = NULL;
    T_EQ_INT(l4r_stats_load(dir, &s, &e), L4R_OK);
    if (s) {
        T_EQ_INT(l4r_stats_users(s), 2);
        T_EQ_INT(l4r_stats_items(s), 2);
        T_EQ_INT(l4r_stats_interactions(s), 4);
        /* u1 has i1 twice: 3 distinct pairs of 2 x 2 */
        T_CHECK(l4r_stats_density(s) == 0.75);
        T_EQ_INT(l4r_stats_distinct_pairs(s), 3);
        uint64_t mn, mx;
        double med, mean;
        l4r_stats_history(s, &mn, &med, &mean, &mx);
        T_EQ_INT(mn, 1);
        T_EQ_INT(mx, 3);
        T_CHECK(med == 2.0 && mean == 2.0);
        int64_t first, last;
        T_CHECK(l4r_stats_time(s, &first, &last) && first == 100 && last == 300);
        T_CHECK(l4r_stats_tied_share(s) == 0.5);       /* u1's two rows at 100 */
        T_CHECK(l4r_stats_duplicate_share(s) == 0.25); /* u1 i1 twice */
        T_CHECK(!l4r_stats_split(s, NULL));
    }
    l4r_stats_free(s);
    snprintf(p, sizeof p, "%s/nope.tsv", dir);
    s = NULL;
    T_EQ_INT(l4r_stats_load(p, &s, &e), L4R_EIO);
    T_CHECK(s == NULL);

    /* verify: one entry of each state, in manifest order */
    snprintf(p, sizeof p, "%s/a.txt", dir);
    write_file(p, "a\n");
    snprintf(p, sizeof p, "%s/b.txt", dir);
    write_file(p, "b\nb\n");
    snprintf(p, sizeof p, "%s/manifest.json", dir);
    write_file(p, "{\"outputs\": ["
                  "{\"file\": \"a.txt\", \"rows\": 1, \"bytes\": 2, \"sha256\": "
                  "\"87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7\"},"
                  "{\"file\": \"b.txt\", \"rows\": 1, \"bytes\": 2, \"sha256\": "
                  "\"87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7\"},"
                  "{\"file\": \"c.txt\", \"rows\": 1, \"bytes\": 2, \"sha256\": \"00\"},"
                  "{\"file\": \"../x\", \"rows\": 1}]}");
    l4r_verify_report *vr = NULL;
    T_EQ_INT(l4r_verify_dir(dir, &vr, &e), L4R_OK);
    if (vr) {
        T_EQ_INT(l4r_verify_count(vr), 4);
        T_EQ_INT(l4r_verify_bad(vr), 3);
        T_EQ_INT(l4r_verify_state_of(vr, 0), L4R_VERIFY_OK);
        T_EQ_STR(l4r_verify_file_of(vr, 0), "a.txt");
        T_CHECK(l4r_verify_detail(vr, 0) == NULL);
        T_EQ_INT(l4r_verify_state_of(vr, 1), L4R_VERIFY_CHANGED);
        T_CHECK(strstr(l4r_verify_detail(vr, 1), "bytes 4, manifest 2; sha256 ") == l4r_verify_detail(vr, 1));
        T_EQ_INT(l4r_verify_state_of(vr, 2), L4R_VERIFY_MISSING);
        T_EQ_STR(l4r_verify_detail(vr, 2), "No such file or directory");
        T_EQ_INT(l4r_verify_state_of(vr, 3), L4R_VERIFY_INVALID);
        T_EQ_STR(l4r_verify_file_of(vr, 3), "outputs[3]");
    }
    l4r_verify_report_free(vr);
    l4r_verify_report_free(NULL);
    snprintf(p, sizeof p, "%s/manifest.json", dir);
    write_file(p, "{\"outputs\": 3}");
    vr = NULL;
    T_EQ_INT(l4r_verify_dir(dir, &vr, &e), L4R_EPARSE);
    T_CHECK(vr == NULL);
}

int main(void)
{
    char dir[] = "/tmp/l4r-test-api.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_registry();
    test_options();
    test_table_details(dir);
    test_stats_verify(dir);
    char cmd[sizeof dir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return l4r_t_exit();
}
