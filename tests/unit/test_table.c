/* test_table.c — string dictionary, interaction table, items. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "convert/table.h"
#include "tap.h"
#include "util.h"

static void test_dict_basic(void)
{
    l4r_dict *d = l4r_dict_new();
    T_EQ_INT(l4r_dict_intern(d, "alpha", 5), 0);
    T_EQ_INT(l4r_dict_intern(d, "beta", 4), 1);
    T_EQ_INT(l4r_dict_intern(d, "alpha", 5), 0);
    T_EQ_INT(l4r_dict_intern(d, "alph", 4), 2); /* prefix is a different key */
    T_EQ_INT(l4r_dict_intern(d, "", 0), 3);     /* the empty string is a key too */
    T_EQ_INT(l4r_dict_intern(d, "", 0), 3);
    T_EQ_INT(l4r_dict_size(d), 4);
    T_EQ_INT(l4r_dict_find(d, "beta", 4), 1);
    T_EQ_INT(l4r_dict_find(d, "gamma", 5), UINT32_MAX);
    size_t n;
    const char *s = l4r_dict_str(d, 1, &n);
    T_EQ_MEM(s, n, "beta", 4);
    /* embedded NUL bytes are part of the key */
    T_EQ_INT(l4r_dict_intern(d, "a\0b", 3), 4);
    T_EQ_INT(l4r_dict_find(d, "a\0c", 3), UINT32_MAX);
    l4r_dict_free(d);
    l4r_dict_free(NULL);
}

/* Many keys: ids in first-appearance order survive table growth; early pointers stay valid. */
static void test_dict_many(void)
{
    l4r_dict *d = l4r_dict_new();
    const size_t N = 300000;
    char buf[64];
    const char *first = l4r_dict_str(d, l4r_dict_intern(d, "key-0", 5), NULL);
    int bad = 0;
    for (size_t i = 1; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "key-%zu", i);
        if (l4r_dict_intern(d, buf, (size_t)n) != i)
            bad++;
    }
    T_EQ_INT(bad, 0);
    T_EQ_INT(l4r_dict_size(d), N);
    for (size_t i = 0; i < N; i += 7) {
        int n = snprintf(buf, sizeof buf, "key-%zu", i);
        if (l4r_dict_find(d, buf, (size_t)n) != i)
            bad++;
        size_t sn;
        const char *s = l4r_dict_str(d, (uint32_t)i, &sn);
        if (sn != (size_t)n || memcmp(s, buf, sn) != 0)
            bad++;
    }
    T_EQ_INT(bad, 0);
    T_EQ_MEM(first, 5, "key-0", 5);
    /* a key longer than an arena chunk */
    size_t big = (1u << 20) + 100;
    char *long_key = malloc(big);
    memset(long_key, 'x', big);
    uint32_t id = l4r_dict_intern(d, long_key, big);
    T_EQ_INT(id, N);
    T_EQ_INT(l4r_dict_find(d, long_key, big), N);
    T_EQ_INT(l4r_dict_intern(d, "after", 5), N + 1);
    free(long_key);
    l4r_dict_free(d);
}

static void test_itab(void)
{
    l4r_itab *t = l4r_itab_new();
    T_CHECK(t->has_time);
    uint32_t r5 = l4r_dict_intern(t->ratings, "5", 1);
    uint32_t r45 = l4r_dict_intern(t->ratings, "4.5", 3);
    uint32_t rx = l4r_dict_intern(t->ratings, "like", 4);
    for (int i = 0; i < 10000; i++)
        l4r_itab_push(t, (uint32_t)(i % 7), (uint32_t)(i % 13), i % 2 ? r5 : r45, 1000 + i);
    T_EQ_INT(t->n, 10000);
    T_EQ_INT(t->user[9999], 9999 % 7);
    T_EQ_INT(t->item[9999], 9999 % 13);
    T_EQ_INT(t->ts[9999], 10999);
    T_CHECK(l4r_itab_rating_value(t, r5) == 5.0);
    T_CHECK(l4r_itab_rating_value(t, r45) == 4.5);
    T_CHECK(isnan(l4r_itab_rating_value(t, rx)));
    l4r_itab_reserve(t, 50000);
    T_CHECK(t->cap >= 50000);
    T_EQ_INT(t->ts[0], 1000);
    l4r_itab_free(t);
    l4r_itab_free(NULL);
}

static void test_items(void)
{
    char g[] = "genres", ac[] = "Animation|Comedy";
    char *names[] = {g};
    l4r_items *it = l4r_items_new(names, 1);
    char *ex1[] = {ac};
    T_CHECK(l4r_items_add(it, "1", 1, "Toy Story (1995)", ex1));
    T_CHECK(l4r_items_add(it, "2", 1, NULL, NULL));
    T_CHECK(!l4r_items_add(it, "1", 1, "Other", ex1)); /* first occurrence wins */
    T_EQ_STR(l4r_items_title(it, "1", 1), "Toy Story (1995)");
    T_EQ_STR(l4r_items_title(it, "2", 1), NULL);
    T_EQ_STR(l4r_items_title(it, "3", 1), NULL);
    T_EQ_INT(it->n, 2);
    T_EQ_STR(it->extra[0][0], "Animation|Comedy");
    T_EQ_STR(it->extra[1][0], NULL);
    T_EQ_STR(it->extra_names[0], "genres");
    l4r_items_free(it);
    l4r_items_free(NULL);
}

int main(void)
{
    test_dict_basic();
    test_dict_many();
    test_itab();
    test_items();
    return l4r_t_exit();
}
