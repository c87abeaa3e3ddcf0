/* test_process_spill.c — the out-of-core path of l4r_process gives the in-memory bytes.
 *
 * Each case builds the same random table twice, once with a budget so small that pushing it
 * writes dozens of sorted runs, once without a budget, runs l4r_process on both and compares
 * every output file byte for byte and the manifests (which must differ only by "spill"). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "convert/process.h"
#include "convert/spill.h"
#include "tap.h"
#include "util.h"

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

typedef struct tcase {
    uint64_t seed;
    size_t rows;
    int users, items;
    bool has_time;
    uint64_t budget; /* 0 = in memory */
    const char *spill_dir;
} tcase;

/* Skewed items (so k-core removes something), few timestamps (many ties), repeats (dedup). */
static l4r_itab *table(const tcase *c)
{
    l4r_itab *t = l4r_itab_new();
    t->has_time = c->has_time;
    if (c->budget) {
        t->memory_limit = c->budget;
        t->spill_dir = l4r_xstrdup(c->spill_dir);
    }
    uint64_t s = c->seed;
    char b[32];
    for (size_t r = 0; r < c->rows; r++) {
        int n = snprintf(b, sizeof b, "u%d", (int)(lcg(&s) % (uint64_t)c->users));
        uint32_t u = l4r_dict_intern(t->users, b, (size_t)n);
        uint64_t x = lcg(&s) % (uint64_t)c->items;
        n = snprintf(b, sizeof b, "i%d", (int)(x * x / (uint64_t)c->items));
        uint32_t i = l4r_dict_intern(t->items, b, (size_t)n);
        n = snprintf(b, sizeof b, "%d", (int)(lcg(&s) % 5) + 1);
        uint32_t ra = l4r_dict_intern(t->ratings, b, (size_t)n);
        int64_t ts = c->has_time ? 1000 + (int64_t)(lcg(&s) % 300) : 0;
        l4r_itab_push(t, u, i, ra, ts);
    }
    return t;
}

static l4r_items *items_for(int n)
{
    char g[] = "genres", drama[] = "Drama";
    char *names[1] = {g};
    l4r_items *it = l4r_items_new(names, 1);
    char id[32], title[64];
    for (int k = 0; k < n; k += 2) {
        snprintf(id, sizeof id, "i%d", k);
        snprintf(title, sizeof title, "Title \"%d\"", k);
        char *extra[1] = {drama};
        l4r_items_add(it, id, strlen(id), title, extra);
    }
    return it;
}

static char *slurp(const char *dir, const char *name)
{
    char *p = l4r_path_join(dir, name);
    l4r_buf b = {0};
    l4r_error e;
    if (l4r_read_file(p, 1u << 30, &b, &e) != L4R_OK) {
        l4r_buf_free(&b);
        free(p);
        return NULL;
    }
    free(p);
    return l4r_buf_take(&b);
}

/* Every file of a is in b with the same bytes, and b has no other file. */
static int same_dirs(const char *a, const char *b)
{
    int ok = 1, na = 0, nb = 0;
    DIR *d = opendir(a);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        na++;
        char *x = slurp(a, de->d_name), *y = slurp(b, de->d_name);
        if (!x || !y || strcmp(x, y) != 0) {
            printf("# differs: %s\n", de->d_name);
            ok = 0;
        }
        free(x);
        free(y);
    }
    if (d)
        closedir(d);
    d = opendir(b);
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] != '.')
            nb++;
        else if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            ok = 0; /* the spill directory must be gone */
    }
    if (d)
        closedir(d);
    return ok && na == nb && na > 0;
}

/* Manifests equal except for the trailing "spill" object of the spilled one. */
static int same_manifests(const l4r_manifest *ma, const l4r_manifest *mb, int64_t *runs)
{
    char *a = l4r_manifest_dump(ma), *b = l4r_manifest_dump(mb);
    int ok = 0;
    char *cut = strstr(b, ",\n  \"spill\": {");
    size_t la = strlen(a);
    if (cut && la > 3 && strcmp(a + la - 3, "\n}\n") == 0) {
        ok = (size_t)(cut - b) == la - 3 && memcmp(a, b, la - 3) == 0;
        *runs = strtoll(strstr(cut, "\"runs\": ") + 8, NULL, 10);
    }
    if (!ok)
        printf("# manifests differ:\n%s\n----\n%s\n", a, b);
    free(a);
    free(b);
    return ok;
}

typedef struct result {
    l4r_status st_mem, st_ext;
    int files_same, manifests_same;
    int64_t runs;
    char msg[1024];
} result;

static result compare(tcase c, const l4r_process_opts *o, bool with_items)
{
    result r = {0};
    char da[64], db[64];
    snprintf(da, sizeof da, "/tmp/l4r-tspill-a.XXXXXX");
    snprintf(db, sizeof db, "/tmp/l4r-tspill-b.XXXXXX");
    if (!mkdtemp(da) || !mkdtemp(db))
        abort();
    char *sd = l4r_path_join(db, ".spill");
    l4r_items *it = with_items ? items_for(c.items) : NULL;
    l4r_manifest *ma = l4r_manifest_new(), *mb = l4r_manifest_new();
    l4r_error e = {0};

    uint64_t budget = c.budget;
    c.budget = 0;
    l4r_itab *t = table(&c);
    r.st_mem = l4r_process(t, it, o, da, ma, &e);
    l4r_itab_free(t);

    c.budget = budget;
    c.spill_dir = sd;
    t = table(&c);
    r.st_ext = l4r_process(t, it, o, db, mb, &e);
    snprintf(r.msg, sizeof r.msg, "%s", e.msg);
    l4r_itab_free(t);
    if (!r.st_mem && !r.st_ext) {
        r.files_same = same_dirs(da, db);
        r.manifests_same = same_manifests(ma, mb, &r.runs);
    }
    l4r_rmtree(da, &e);
    l4r_rmtree(db, &e);
    l4r_manifest_free(ma);
    l4r_manifest_free(mb);
    l4r_items_free(it);
    free(sd);
    return r;
}

static void check(const char *what, tcase c, const l4r_process_opts *o, bool with_items)
{
    result r = compare(c, o, with_items);
    printf("# %s: runs %lld\n", what, (long long)r.runs);
    T_EQ_INT(r.st_mem, L4R_OK);
    T_EQ_INT(r.st_ext, L4R_OK);
    T_CHECK(r.files_same);
    T_CHECK(r.manifests_same);
    T_CHECK(r.runs > 1);
}

static tcase base(uint64_t seed)
{
    /* 100 rows a run (budget / the budget of a row with narrow columns, table.h) */
    tcase c = {.seed = seed,
               .rows = 4000,
               .users = 150,
               .items = 300,
               .has_time = true,
               .budget = 100 * L4R_ITAB_NARROW_ROW_BYTES};
    return c;
}

static void test_equal(void)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        l4r_process_opts o;
        l4r_process_opts_defaults(&o);
        o.threads = (int)seed; /* -j must not matter either */
        check("none", base(seed), &o, false);

        o.formats = L4R_SINK_TSV | L4R_SINK_RECBOLE | L4R_SINK_JSONL | L4R_SINK_SEQUENCES;
        o.dedup = L4R_DEDUP_FIRST;
        o.candidates = 4;
        o.seed = seed;
        check("none+dedup+sinks", base(seed), &o, true);

        l4r_process_opts_defaults(&o);
        o.split = L4R_SPLIT_SEQ;
        o.dedup = L4R_DEDUP_LAST;
        o.user_core = 3;
        o.item_core = 3;
        check("seq+dedup+kcore", base(seed), &o, false);

        l4r_process_opts_defaults(&o);
        o.split = L4R_SPLIT_RATIO;
        o.split_a = 8;
        o.split_b = 1;
        o.split_c = 1;
        o.has_min_rating = true;
        o.min_rating = 2;
        o.max_history = 7;
        o.ties = L4R_TIES_HASH;
        o.seed = 99 + seed;
        o.formats = L4R_SINK_TSV | L4R_SINK_SEQUENCES;
        check("ratio+rating+max-history+ties", base(seed), &o, false);

        l4r_process_opts_defaults(&o);
        o.split = L4R_SPLIT_TIME;
        o.split_a = 1100;
        o.split_b = 1200;
        o.remap = true;
        o.remap_order = L4R_REMAP_SORTED;
        o.implicit = true;
        check("time+remap sorted", base(seed), &o, false);

        l4r_process_opts_defaults(&o);
        o.split = L4R_SPLIT_TIME_QUANTILE;
        o.split_a = 0.7;
        o.split_b = 0.85;
        o.remap = true;
        o.remap_order = L4R_REMAP_SHUFFLE;
        o.seed = seed;
        o.user_core = 4;
        o.kcore_mode = L4R_KCORE_ONE_PASS;
        o.formats = L4R_SINK_RECBOLE | L4R_SINK_JSONL;
        check("time-quantile+shuffle+one-pass", base(seed), &o, true);

        l4r_process_opts_defaults(&o);
        o.split = L4R_SPLIT_RANDOM;
        o.split_a = 6;
        o.split_b = 2;
        o.split_c = 2;
        o.seed = seed * 7;
        o.remap = true;
        o.candidates = 3;
        o.history_len = 4;
        o.threads = 2;
        o.formats = L4R_SINK_TSV | L4R_SINK_JSONL | L4R_SINK_SEQUENCES | L4R_SINK_RECBOLE;
        check("random+remap+jsonl", base(seed), &o, true);
    }
}

static void test_edge(void)
{
    l4r_process_opts o;
    l4r_process_opts_defaults(&o);
    o.split = L4R_SPLIT_SEQ;
    tcase c = base(11);
    c.has_time = false;
    check("no timestamps", c, &o, false);

    /* runs at the 64-row floor, and one run of each user (many users, few rows each) */
    c = base(12);
    c.budget = 1;
    c.users = 3000;
    o.max_history = 2;
    o.formats = L4R_SINK_TSV | L4R_SINK_SEQUENCES;
    check("tiny runs", c, &o, false);

    /* k-core that empties everything */
    l4r_process_opts_defaults(&o);
    o.user_core = 1000;
    o.split = L4R_SPLIT_RATIO;
    o.split_a = o.split_b = o.split_c = 1;
    check("k-core to nothing", base(13), &o, false);

    /* sasrec: users in new-id order, not in merge order */
    l4r_process_opts_defaults(&o);
    o.formats = L4R_SINK_SASREC | L4R_SINK_TSV;
    o.split = L4R_SPLIT_SEQ;
    o.dataset = "ds";
    check("sasrec", base(14), &o, false);
    o.remap = true;
    o.remap_order = L4R_REMAP_SHUFFLE;
    o.max_history = 9;
    o.formats = L4R_SINK_SASREC | L4R_SINK_RECBOLE | L4R_SINK_SEQUENCES;
    check("sasrec+shuffle+recbole", base(15), &o, true);
}

/* The table itself: a budget makes runs, the columns stay within it, n counts every row. */
static void test_table_spills(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/l4r-tspill-t.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    char *sub = l4r_path_join(dir, ".spill");
    tcase c = base(5);
    c.spill_dir = sub;
    l4r_itab *t = table(&c);
    T_EQ_INT(t->n, 4000);
    T_CHECK(t->spill != NULL);
    T_CHECK(t->cap <= 100);
    l4r_error e = {0};
    T_EQ_INT(l4r_itab_spill_flush(t, &e), L4R_OK);
    T_EQ_INT(t->spill->n, 40);
    T_EQ_INT(t->spill->rows, 4000);
    l4r_itab_free(t);
    T_CHECK(!l4r_is_dir(sub)); /* the table made the directory and removed it */
    T_CHECK(l4r_is_dir(dir));
    l4r_rmtree(dir, &e);
    free(sub);

    /* no spill directory: the budget is ignored and the table stays in memory */
    c.spill_dir = NULL;
    c.budget = 0;
    t = table(&c);
    T_CHECK(t->spill == NULL);
    T_EQ_INT(t->n, 4000);
    l4r_itab_free(t);
}

/* A spill that cannot be written is reported by l4r_process, not lost. */
static void test_spill_error(void)
{
    tcase c = base(6);
    c.spill_dir = "/proc/l4r-no-such/spill";
    l4r_itab *t = table(&c);
    T_CHECK(t->spill_status != L4R_OK);
    T_EQ_INT(t->n, 4000);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/l4r-tspill-e.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    l4r_process_opts o;
    l4r_process_opts_defaults(&o);
    l4r_manifest *m = l4r_manifest_new();
    l4r_error e = {0};
    T_EQ_INT(l4r_process(t, NULL, &o, dir, m, &e), L4R_EIO);
    T_CHECK(strstr(e.msg, "/proc/l4r-no-such") != NULL);
    l4r_itab_free(t);
    l4r_manifest_free(m);
    l4r_rmtree(dir, &e);
}

int main(void)
{
    test_table_spills();
    test_spill_error();
    test_equal();
    test_edge();
    return l4r_t_exit();
}
