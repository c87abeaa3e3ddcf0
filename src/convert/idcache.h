/*
 * idcache.h — id interning for the table path: the writer thread's look-up of every user, item
 * and rating string in front of the l4r_dict (table.h).
 *
 * The writer thread interns every user, item and rating string, which makes it the serial part of
 * the table path.  Two caches in front of the dictionary take most look-ups off it: the previous
 * row's string (sources are usually grouped by user), and for strings of at most 7 bytes (MovieLens
 * ids, ratings) an open-addressing map keyed by the bytes themselves packed into a 64-bit word, so a
 * hit costs one probe and no string compare.  A short string that is a canonical decimal integer
 * below 2^24 (MovieLens, Tenrec, MicroLens ids) skips hashing altogether: its value indexes a
 * plain array of ids, which for a few hundred thousand ids stays in the L2 cache.  Ids come from
 * the dictionary either way, so the numbering is exactly the dictionary's first-appearance order.
 * The parsers, which run in parallel, classify each id and hand the writer its key (l4r_idkey_pack:
 * the integer's value or the packed word), so the writer's hit costs an array index or one probe
 * (issue 19: 245 -> ~38 instructions a row on the writer thread).
 *
 * l4r_idcache_get is called three times per row and is inline here on purpose (it was static
 * inline in convert.c; callgrind per row must not rise); the misses and the growth are out of
 * line in idcache.c.  One cache per dictionary, used by one thread (the writer).
 */
#ifndef L4R_IDCACHE_H
#define L4R_IDCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "table.h"

typedef struct l4r_idcache {
    l4r_dict *dict;
    uint64_t *key; /* 0 = empty; else packed bytes | length << 56 */
    uint32_t *val;
    size_t mask;
    size_t used;
    uint64_t last_key; /* packed previous string (short strings), 0 = none */
    char last[64];     /* previous string (long strings) */
    size_t last_n;
    uint32_t last_id;
    uint32_t *dense; /* dense[v]: id + 1 of the integer string v; 0 = not seen */
    size_t dense_cap;
} l4r_idcache;

#define L4R_DENSE_MAX ((size_t)1 << 24)

/* A cache in front of d (borrowed: it must outlive the cache).  _free releases the cache's own
 * memory and accepts a zeroed struct. */
void l4r_idcache_init(l4r_idcache *c, l4r_dict *d);
void l4r_idcache_free(l4r_idcache *c);

/* Out of line: the slow halves of l4r_idcache_get. */
void l4r_idcache_grow(l4r_idcache *c);
uint32_t l4r_idcache_dense_miss(l4r_idcache *c, const char *p, size_t n, size_t v);

static inline size_t l4r_mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k;
}

/* The writer's two fast forms of an id, computed by the parsers (l4r_idkey_pack) so that the one
 * writer thread only indexes: a canonical decimal integer of at most 7 digits (no leading zero)
 * travels as its value, any other string of 1 to 7 bytes as its packed word.  Each form is the key
 * l4r_idcache_get would compute from the string itself, so the ids (first-appearance order) are
 * the same whichever form a row's id arrives in. */
#define L4R_IDKEY_DENSE (UINT32_C(1) << 31) /* | value: no bytes follow */
#define L4R_IDKEY_SHORT (UINT32_C(1) << 30) /* | length: the packed uint64_t word follows */
#define L4R_IDKEY_VALUE ((UINT32_C(1) << 24) - 1)

/* Packed word of a short string: its bytes, little-endian, with the length in the top byte. */
static inline uint64_t l4r_idkey_word(uint64_t v, size_t n)
{
    return (v & ((UINT64_C(1) << (8 * n)) - 1)) | (uint64_t)n << 56;
}

/* The value of p[0..n) when it is a canonical decimal integer of 1 to 7 digits, else -1. */
static inline long l4r_idkey_dense(const char *p, size_t n)
{
    if (n < 1 || n > 7 || (p[0] == '0' && n > 1))
        return -1;
    long v = 0;
    for (size_t k = 0; k < n; k++) {
        if ((unsigned)(p[k] - '0') > 9)
            return -1;
        v = v * 10 + (p[k] - '0');
    }
    return v;
}

/* Writes the key of p[0..n) at o (at most 12 bytes: a 32-bit header, then the packed word or the
 * bytes) and returns the end.  Reads only p[0..n). */
static inline char *l4r_idkey_pack(char *o, const char *p, size_t n)
{
    long v = l4r_idkey_dense(p, n);
    uint32_t h;
    if (v >= 0) {
        h = L4R_IDKEY_DENSE | (uint32_t)v;
        memcpy(o, &h, sizeof h);
        return o + sizeof h;
    }
    if (n >= 1 && n <= 7) {
        uint64_t w = 0;
        memcpy(&w, p, n); /* little-endian */
        w = l4r_idkey_word(w, n);
        h = L4R_IDKEY_SHORT | (uint32_t)n;
        memcpy(o, &h, sizeof h);
        memcpy(o + sizeof h, &w, sizeof w);
        return o + sizeof h + sizeof w;
    }
    h = (uint32_t)n;
    memcpy(o, &h, sizeof h);
    memcpy(o + sizeof h, p, n);
    return o + sizeof h + n;
}

uint32_t l4r_idcache_dense_miss_value(l4r_idcache *c, size_t v);
uint32_t l4r_idcache_short_miss(l4r_idcache *c, uint64_t k, size_t j);

/* Id of the canonical integer v (v < 10^7). */
static inline uint32_t l4r_idcache_dense(l4r_idcache *c, size_t v)
{
    if (v < c->dense_cap && c->dense[v])
        return c->dense[v] - 1;
    return l4r_idcache_dense_miss_value(c, v);
}

/* Id of the short string of packed word k (l4r_idkey_word). */
static inline uint32_t l4r_idcache_short(l4r_idcache *c, uint64_t k)
{
    if (k == c->last_key)
        return c->last_id;
    size_t j = l4r_mix64(k) & c->mask;
    while (c->key[j] && c->key[j] != k)
        j = (j + 1) & c->mask;
    uint32_t id = c->key[j] ? c->val[j] : l4r_idcache_short_miss(c, k, j);
    c->last_key = k;
    c->last_id = id;
    return id;
}

/* Id of the string p[0..n).  Callers guarantee 8 readable bytes at p (packed rows always have
 * the 8-byte timestamp after their last field), so a short string is read as one word. */
static inline uint32_t l4r_idcache_get(l4r_idcache *c, const char *p, size_t n)
{
    if (n >= 1 && n <= 7 && (p[0] != '0' || n == 1)) {
        size_t v = 0, k = 0;
        for (; k < n && (unsigned)(p[k] - '0') <= 9; k++)
            v = v * 10 + (size_t)(p[k] - '0');
        if (k == n && v < L4R_DENSE_MAX) {
            if (v < c->dense_cap && c->dense[v])
                return c->dense[v] - 1;
            return l4r_idcache_dense_miss(c, p, n, v);
        }
    }
    if (n >= 1 && n <= 7) {
        uint64_t v;
        memcpy(&v, p, 8);
        return l4r_idcache_short(c, l4r_idkey_word(v, n));
    }
    if (n == c->last_n && c->last_id != UINT32_MAX && !c->last_key && !memcmp(p, c->last, n))
        return c->last_id;
    uint32_t id = l4r_dict_intern(c->dict, p, n);
    c->last_key = 0;
    c->last_id = UINT32_MAX;
    if (n <= sizeof c->last) {
        memcpy(c->last, p, n);
        c->last_n = n;
        c->last_id = id;
    }
    return id;
}

#endif
