/* test_process.c — stages, splits and sinks on small hand-checked tables. */
#include <stdlib.h>
#include <string.h>

#include "convert/process.h"
#include "tap.h"
#include "util.h"

/* "u i r ts; u i r ts; ..." -> table (strings interned in order of appearance). */
static l4r_itab *mk(const char *spec)
{
    l4r_itab *t = l4r_itab_new();
    char *s = l4r_xstrdup(spec);
    char *save = NULL;
    for (char *rec = strtok_r(s, ";", &save); rec; rec = strtok_r(NULL, ";", &save)) {
        char u[64], i[64], r[64];
        long long ts;
        if (sscanf(rec, "%63s %63s %63s %lld", u, i, r, &ts) != 4)
            continue;
        l4r_itab_push(t, l4r_dict_intern(t->users, u, strlen(u)), l4r_dict_intern(t->items, i, strlen(i)),
                      l4r_dict_intern(t->ratings, r, strlen(r)), ts);
    }
    free(s);
    return t;
}

typedef struct run {
    char dir[64];
    l4r_manifest *m;
    l4r_status st;
    l4r_error e;
} run;

static void run_proc(run *R, const char *spec, const l4r_process_opts *o, const l4r_items *items)
{
    snprintf(R->dir, sizeof R->dir, "/tmp/l4r-tproc.XXXXXX");
    if (!mkdtemp(R->dir))
        abort();
    R->m = l4r_manifest_new();
    l4r_itab *t = mk(spec);
    memset(&R->e, 0, sizeof R->e);
    R->st = l4r_process(t, items, o, R->dir, R->m, &R->e);
    if (R->st)
        printf("# process failed: %s\n", R->e.msg);
    l4r_itab_free(t);
}

static char *slurp(run *R, const char *name)
{
    char *p = l4r_path_join(R->dir, name);
    l4r_buf b = {0};
    l4r_error e;
    if (l4r_read_file(p, 1u << 30, &b, &e) != L4R_OK) {
        free(p);
        l4r_buf_free(&b);
        return l4r_xstrdup("(missing)");
    }
    free(p);
    l4r_buf_cstr(&b);
    return b.data;
}

static void done(run *R)
{
    l4r_error e;
    l4r_rmtree(R->dir, &e);
    l4r_manifest_free(R->m);
}

#define CHECK_FILE(R, name, want)                                                                   \
    do {                                                                                            \
        char *got_ = slurp(R, name);                                                                \
        T_EQ_STR(got_, want);                                                                       \
        free(got_);                                                                                 \
    } while (0)

/* manifest JSON contains a substring */
#define CHECK_MANIFEST(R, needle)                                                                   \
    do {                                                                                            \
        char *j_ = l4r_manifest_dump((R)->m);                                                       \
        char *c_ = j_;                                                                              \
        /* compact: drop spaces and newlines for matching */                                        \
        size_t k_ = 0;                                                                              \
        for (size_t i_ = 0; j_[i_]; i_++)                                                           \
            if (j_[i_] != ' ' && j_[i_] != '\n')                                                    \
                c_[k_++] = j_[i_];                                                                  \
        c_[k_] = 0;                                                                                 \
        int ok_ = strstr(c_, needle) != NULL;                                                       \
        l4r_t_report(ok_, __FILE__, __LINE__, "manifest has " needle, ok_ ? NULL : c_);             \
        free(j_);                                                                                   \
    } while (0)

#define H "user_id\titem_id\trating\ttimestamp\n"

/* Users out of time order in the source, interleaved, one tie. */
static const char *const F1 = "u1 a 5 30; u2 b 3 10; u1 b 4 10; u1 c 2 20; u2 a 1 5; u3 c 4 7;"
                              "u1 d 5 20; u2 c 2 40; u2 d 5 50; u3 a 3 8";

static void test_none(void)
{
    l4r_process_opts o;
    l4r_process_opts_defaults(&o);
    run R;
    run_proc(&R, F1, &o, NULL);
    T_EQ_INT(R.st, L4R_OK);
    CHECK_FILE(&R, "interactions.tsv",
               H "u1\ta\t5\t30\nu2\tb\t3\t10\nu1\tb\t4\t10\nu1\tc\t2\t20\nu2\ta\t1\t5\nu3\tc\t4\t7\n"
                 "u1\td\t5\t20\nu2\tc\t2\t40\nu2\td\t5\t50\nu3\ta\t3\t8\n");
    CHECK_MANIFEST(&R, "\"counts\":{\"users\":3,\"items\":4,\"interactions\":10}");
    CHECK_MANIFEST(&R, "\"tied_interactions\":2");
    CHECK_MANIFEST(&R, "\"file\":\"interactions.tsv\",\"rows\":10");
    done(&R);
}

static void test_seq(void)
{
    l4r_process_opts o;
    l4r_process_opts_defaults(&o);
    o.split = L4R_SPLIT_SEQ;
    run R;
    /* u1: b10 c20 d20 a30 (c before d: tie kept in source order); u2: a5 b10 c40 d50; u3: c7 a8 */
    run_proc(&R, F1, &o, NULL);
    T_EQ_INT(R.st, L4R_OK);
    CHECK_FILE(&R, "train.tsv", H "u1\tb\t4\t10\nu1\tc\t2\t20\nu2\ta\t1\t5\nu2\tb\t3\t10\nu3\tc\t4\t7\nu3\ta\t3\t8\n");
    CHECK_FILE(&R, "valid.tsv", H "u1\td\t5\t20\nu2\tc\t2\t40\n");
    CHECK_FILE(&R, "test.tsv", H "u1\ta\t5\t30\nu2\td\t5\t50\n");
    CHECK_MANIFEST(&R, "\"users_short_to_train\":1");
    CHECK_MANIFEST(&R, "\"train\":{\"users\":3,\"items\":3,\"interactions\":6}");
    CHECK_MANIFEST(&R, "\"valid\":{\"users\":2,\"items\":2,\"interactions\":2}");
    CHECK_MANIFEST(&R, "\"test\":{\"users\":2,\"items\":2,\"interactions\":2}");
    done(&R);
}

int main(void)
{
    test_none();
    test_seq();
    return l4r_t_exit();
}
