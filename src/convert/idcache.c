/*
 * idcache.c — the out-of-line half of the id cache (idcache.h): set-up, growth of the packed-key
 * map, and the first sight of a dense integer id.  The hit path is inline in idcache.h.
 */
#include "idcache.h"

#include <stdlib.h>

#include "util.h"

void l4r_idcache_init(l4r_idcache *c, l4r_dict *d)
{
    memset(c, 0, sizeof *c);
    c->dict = d;
    c->mask = 1023;
    c->key = l4r_xcalloc(c->mask + 1, sizeof *c->key);
    c->val = l4r_xcalloc(c->mask + 1, sizeof *c->val);
    c->last_id = UINT32_MAX;
}

void l4r_idcache_free(l4r_idcache *c)
{
    free(c->key);
    free(c->val);
    free(c->dense);
    c->dense = NULL;
    c->key = NULL;
    c->val = NULL;
}

void l4r_idcache_grow(l4r_idcache *c)
{
    size_t nm = c->mask * 2 + 1;
    uint64_t *nk = l4r_xcalloc(nm + 1, sizeof *nk);
    uint32_t *nv = l4r_xcalloc(nm + 1, sizeof *nv);
    for (size_t i = 0; i <= c->mask; i++) {
        if (!c->key[i])
            continue;
        size_t j = l4r_mix64(c->key[i]) & nm;
        while (nk[j])
            j = (j + 1) & nm;
        nk[j] = c->key[i];
        nv[j] = c->val[i];
    }
    free(c->key);
    free(c->val);
    c->key = nk;
    c->val = nv;
    c->mask = nm;
}

uint32_t l4r_idcache_dense_miss(l4r_idcache *c, const char *p, size_t n, size_t v)
{
    if (v >= c->dense_cap) {
        size_t cap = c->dense_cap ? c->dense_cap : 4096;
        while (cap <= v)
            cap *= 2;
        c->dense = l4r_xrealloc(c->dense, cap * sizeof *c->dense);
        memset(c->dense + c->dense_cap, 0, (cap - c->dense_cap) * sizeof *c->dense);
        c->dense_cap = cap;
    }
    uint32_t id = l4r_dict_intern(c->dict, p, n);
    c->dense[v] = id + 1;
    return id;
}

uint32_t l4r_idcache_dense_miss_value(l4r_idcache *c, size_t v)
{
    char buf[24], *q = buf + sizeof buf;
    size_t r = v;
    do
        *--q = (char)('0' + r % 10);
    while (r /= 10);
    return l4r_idcache_dense_miss(c, q, (size_t)(buf + sizeof buf - q), v);
}

/* First sight of the short string of packed word k: interned, and its slot j (empty) filled. */
uint32_t l4r_idcache_short_miss(l4r_idcache *c, uint64_t k, size_t j)
{
    char buf[8];
    size_t n = (size_t)(k >> 56);
    memcpy(buf, &k, sizeof buf); /* little-endian: the bytes first */
    uint32_t id = l4r_dict_intern(c->dict, buf, n);
    c->key[j] = k;
    c->val[j] = id;
    if (++c->used * 2 > c->mask)
        l4r_idcache_grow(c);
    return id;
}
