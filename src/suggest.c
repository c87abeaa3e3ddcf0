/*
 * suggest.c — the closest match to a mistyped name, for the "did you mean" of unknown commands,
 * options, datasets and variants.
 *
 * A name that differs only in case wins outright (`ml-1M` -> `ml-1m`).  Otherwise the distance
 * is the optimal string alignment distance (Levenshtein plus the swap of two neighbours, each
 * one edit), on ASCII-case-folded text, and a candidate is close enough when at most a third of
 * the typed name's characters must change: one edit from 3 characters on (`splt` -> `split`),
 * two from 6 (`movielen` is one), none below 3, where every short name is "close" to every
 * other.  The smallest distance wins; among equals, the first candidate, so the caller's order
 * (the recipe's variant order, the option table's) breaks ties.
 *
 * The names come from small tables (commands, options, recipe names), so the whole dynamic
 * programme runs for each candidate whose length is close enough; three rows on the heap.
 */
#include "suggest.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

static int fold(char c)
{
    return tolower((unsigned char)c);
}

size_t l4r_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t n = strlen(a), m = strlen(b);
    size_t diff = n > m ? n - m : m - n;
    if (diff > cap)
        return cap + 1;
    /* three rows: i-2 (for the swap), i-1 and i */
    size_t *rows = l4r_xmalloc(3 * (m + 1) * sizeof *rows);
    size_t *pp = rows, *prev = rows + m + 1, *cur = rows + 2 * (m + 1);
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = fold(a[i - 1]) != fold(b[j - 1]);
            size_t d = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]) &&
                pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[m];
    free(rows);
    return d > cap ? cap + 1 : d;
}

const char *l4r_suggest(const char *typed, const char *const *cands, size_t n)
{
    if (!typed || !*typed)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (cands[i] && !strcasecmp(typed, cands[i]))
            return cands[i];
    size_t cap = strlen(typed) / 3;
    if (cap == 0)
        return NULL;
    const char *best = NULL;
    size_t best_d = cap + 1;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = l4r_edit_distance(typed, cands[i], best_d - 1 < cap ? best_d - 1 : cap);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    return best;
}
