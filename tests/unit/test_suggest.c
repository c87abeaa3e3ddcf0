/*
 * test_suggest.c — l4r_suggest and l4r_edit_distance: case first, the optimal-string-alignment
 * distance (a swap of neighbours is one edit), the threshold relative to the typed length, ties
 * to the earlier candidate, NULL entries skipped.
 */
#include "suggest.h"
#include "tap.h"

#include <stddef.h>

static void test_distance(void)
{
    T_EQ_INT(l4r_edit_distance("split", "split", 5), 0);
    T_EQ_INT(l4r_edit_distance("splt", "split", 5), 1);     /* deletion */
    T_EQ_INT(l4r_edit_distance("spilt", "split", 5), 1);    /* swap of neighbours */
    T_EQ_INT(l4r_edit_distance("ML-1M", "ml-1m", 5), 0);    /* case-folded */
    T_EQ_INT(l4r_edit_distance("kitten", "sitting", 9), 3); /* the textbook pair */
    T_EQ_INT(l4r_edit_distance("", "abc", 9), 3);
    T_EQ_INT(l4r_edit_distance("a", "abcdefgh", 2), 3); /* past the cap: cap + 1 */
    T_EQ_INT(l4r_edit_distance("ca", "abc", 9), 3);     /* OSA, not full Damerau (2) */
}

static void test_suggest(void)
{
    const char *cmds[] = {"list", "info", "fetch", "convert", "stats", "verify", "help"};
    size_t nc = sizeof cmds / sizeof cmds[0];
    T_EQ_STR(l4r_suggest("conver", cmds, nc), "convert");
    T_EQ_STR(l4r_suggest("fecth", cmds, nc), "fetch");
    T_EQ_STR(l4r_suggest("LIST", cmds, nc), "list");
    T_CHECK(l4r_suggest("frobnicate", cmds, nc) == NULL);
    T_CHECK(l4r_suggest("", cmds, nc) == NULL);
    T_CHECK(l4r_suggest(NULL, cmds, nc) == NULL);
    /* under 3 characters only a case difference counts */
    const char *vs[] = {"v1", "V2"};
    T_CHECK(l4r_suggest("v3", vs, 2) == NULL);
    T_EQ_STR(l4r_suggest("v2", vs, 2), "V2");
    /* case beats a smaller-looking distance elsewhere in the list */
    const char *ml[] = {"ml-100k", "ml-1m", "ml-10m"};
    T_EQ_STR(l4r_suggest("ml-1M", ml, 3), "ml-1m");
    T_EQ_STR(l4r_suggest("ml-10k", ml, 3), "ml-100k"); /* 1 edit; ml-10m is 1 too: the first wins */
    /* ties: the earlier candidate; NULL entries are skipped */
    const char *tie[] = {NULL, "abcd", "abce"};
    T_EQ_STR(l4r_suggest("abcf", tie, 3), "abcd");
    /* the threshold grows with the typed length: 2 edits in 6 characters, not in 5 */
    const char *two[] = {"abcdef"};
    T_EQ_STR(l4r_suggest("abxdey", two, 1), "abcdef");
    const char *two5[] = {"abcde"};
    T_CHECK(l4r_suggest("axcdy", two5, 1) == NULL);
    const char *amz[] = {"2018/Video_Games", "2018/Video_Games_5", "2014/reviews_Video_Games_5"};
    T_EQ_STR(l4r_suggest("2018/Video_Game_5", amz, 3), "2018/Video_Games_5");
}

int main(void)
{
    test_distance();
    test_suggest();
    return l4r_t_exit();
}
