/*
 * table.c — string dictionary, columnar interaction table, item side information.
 *
 * The dictionary is an open-addressing hash table (linear probing, power-of-two size, at most
 * half full) whose slots hold one 64-bit word: the upper 32 bits of the string's hash and the id
 * plus one (0 = empty).  Keeping part of the hash in the slot means a probe compares strings only
 * when the hash parts agree, and growing the table never re-reads the strings.  The strings live
 * in a chunked arena (never moved, so l4r_dict_str() pointers stay valid); per id we keep a
 * pointer and a length.  Ids are handed out 0, 1, 2, ... in order of first appearance.
 *
 * The table itself is one array per column, grown by doubling.  Each column is its own anonymous
 * mapping (l4r_big_resize_4k), grown with mremap, so growth does not copy and untouched capacity
 * costs no resident memory.  The columns are written once, front to back, by the one writer
 * thread: in 4 KiB pages, whose first touch costs a seventh of a fresh huge page's on this
 * project's VM (util.h; 25M rows at -j 2: system time 1.4-1.9 s -> 0.55 s).
 */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "spill.h"
#include "util.h"

#define ARENA_CHUNK (1u << 20)

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    char data[];
} arena_chunk;

struct l4r_dict {
    uint64_t *slot;   /* hash-high << 32 | (id + 1); 0 = empty */
    size_t mask;      /* slots - 1 */
    const char **str; /* str[id] */
    uint32_t *len;    /* len[id] */
    size_t n, cap;    /* ids in use, capacity of str/len */
    arena_chunk *chunks;
};

/* A small, fast 64-bit hash for short keys: 8-byte words mixed by multiplication, then a final
 * avalanche (the murmur3 finaliser).  Quality matters only for probe lengths. */
static inline uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ (w * 0x87c37b91114253d5ull)) * 0x4cf5ad432745937full;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = (h ^ (w * 0x87c37b91114253d5ull)) * 0x4cf5ad432745937full;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

uint64_t l4r_hash_bytes(const void *p, size_t n)
{
    return hash_bytes(p, n);
}

l4r_dict *l4r_dict_new(void)
{
    l4r_dict *d = l4r_xcalloc(1, sizeof *d);
    d->mask = 1023;
    d->slot = l4r_xcalloc(d->mask + 1, sizeof *d->slot);
    return d;
}

void l4r_dict_free(l4r_dict *d)
{
    if (!d)
        return;
    arena_chunk *c = d->chunks;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(d->slot);
    free(d->str);
    free(d->len);
    free(d);
}

static const char *arena_copy(l4r_dict *d, const char *p, size_t n)
{
    arena_chunk *c = d->chunks;
    if (!c || c->cap - c->used < n) {
        /* An oversized string gets a chunk of its own, so one long key cannot waste a chunk. */
        size_t cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
        /* L4R_DICT_PAD readable bytes after the last string: readers may copy fixed widths */
        arena_chunk *nc = l4r_xcalloc(1, sizeof *nc + cap + L4R_DICT_PAD);
        nc->used = 0;
        nc->cap = cap;
        if (cap == ARENA_CHUNK || !c) {
            nc->next = c;
            d->chunks = nc;
        } else {
            /* Keep the partly used chunk at the head for the next small strings. */
            nc->next = c->next;
            c->next = nc;
        }
        c = nc;
    }
    char *dst = c->data + c->used;
    if (n)
        memcpy(dst, p, n);
    c->used += n;
    return dst;
}

static void grow_slots(l4r_dict *d)
{
    size_t nsz = (d->mask + 1) * 2;
    uint64_t *ns = l4r_xcalloc(nsz, sizeof *ns);
    size_t nmask = nsz - 1;
    for (size_t i = 0; i <= d->mask; i++) {
        uint64_t s = d->slot[i];
        if (!s)
            continue;
        size_t j = (size_t)(s >> 32) & nmask;
        while (ns[j])
            j = (j + 1) & nmask;
        ns[j] = s;
    }
    free(d->slot);
    d->slot = ns;
    d->mask = nmask;
}

/* The slot index of a string's id, or of the empty slot where it would go. */
static inline size_t probe(const l4r_dict *d, const char *p, size_t n, uint32_t hi)
{
    size_t j = hi & d->mask;
    for (;;) {
        uint64_t s = d->slot[j];
        if (!s)
            return j;
        if ((uint32_t)(s >> 32) == hi) {
            uint32_t id = (uint32_t)s - 1;
            if (d->len[id] == n && memcmp(d->str[id], p, n) == 0)
                return j;
        }
        j = (j + 1) & d->mask;
    }
}

uint32_t l4r_dict_intern(l4r_dict *d, const char *p, size_t n)
{
    uint32_t hi = (uint32_t)(hash_bytes(p, n) >> 32);
    size_t j = probe(d, p, n, hi);
    if (d->slot[j])
        return (uint32_t)d->slot[j] - 1;
    if (d->n >= UINT32_MAX - 1 || n > UINT32_MAX)
        l4r_oom(); /* more than 4 billion distinct strings: no 32-bit id left */
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 1024;
        d->str = l4r_xrealloc(d->str, d->cap * sizeof *d->str);
        d->len = l4r_xrealloc(d->len, d->cap * sizeof *d->len);
    }
    uint32_t id = (uint32_t)d->n++;
    d->str[id] = arena_copy(d, p, n);
    d->len[id] = (uint32_t)n;
    d->slot[j] = (uint64_t)hi << 32 | (uint64_t)(id + 1);
    if (d->n * 2 > d->mask + 1)
        grow_slots(d);
    return id;
}

uint32_t l4r_dict_find(const l4r_dict *d, const char *p, size_t n)
{
    uint32_t hi = (uint32_t)(hash_bytes(p, n) >> 32);
    size_t j = probe(d, p, n, hi);
    return d->slot[j] ? (uint32_t)d->slot[j] - 1 : UINT32_MAX;
}

void l4r_dict_view(const l4r_dict *d, const char *const **str, const uint32_t **len)
{
    *str = d->str;
    *len = d->len;
}

size_t l4r_dict_size(const l4r_dict *d)
{
    return d->n;
}

const char *l4r_dict_str(const l4r_dict *d, uint32_t id, size_t *n)
{
    if (n)
        *n = d->len[id];
    return d->str[id];
}

/* ---- interaction table ---- */

l4r_itab *l4r_itab_new(void)
{
    l4r_itab *t = l4r_xcalloc(1, sizeof *t);
    t->users = l4r_dict_new();
    t->items = l4r_dict_new();
    t->ratings = l4r_dict_new();
    t->has_time = true;
    /* test hook (docs/DESIGN.md): L4R_ITAB_WIDE=1 starts with both columns wide */
    const char *w = getenv("L4R_ITAB_WIDE");
    t->rating_wide = t->ts_wide = w && strcmp(w, "1") == 0;
    t->rating_max = t->rating_wide ? UINT32_MAX : UINT8_MAX;
    t->ts_max = t->ts_wide ? UINT64_MAX : UINT32_MAX;
    return t;
}

/* Bytes of one row of the rating and ts columns at their current widths. */
static size_t rating_bytes(const l4r_itab *t)
{
    return t->rating_wide ? sizeof *t->rating32 : sizeof *t->rating8;
}

static size_t ts_bytes(const l4r_itab *t)
{
    return t->ts_wide ? sizeof *t->ts64 : sizeof *t->ts32;
}

size_t l4r_itab_row_bytes(const l4r_itab *t)
{
    return L4R_ITAB_SPILL_ROW_BYTES - (sizeof *t->rating32 - rating_bytes(t)) -
           (sizeof *t->ts64 - ts_bytes(t));
}

static void free_columns(l4r_itab *t)
{
    l4r_big_free(t->user, t->cap * sizeof *t->user);
    l4r_big_free(t->item, t->cap * sizeof *t->item);
    l4r_big_free(t->rating8, t->cap * sizeof *t->rating8);
    l4r_big_free(t->rating32, t->cap * sizeof *t->rating32);
    l4r_big_free(t->ts32, t->cap * sizeof *t->ts32);
    l4r_big_free(t->ts64, t->cap * sizeof *t->ts64);
    t->user = t->item = t->rating32 = t->ts32 = NULL;
    t->rating8 = NULL;
    t->ts64 = NULL;
    t->cap = t->fast_cap = 0;
}

void l4r_itab_free(l4r_itab *t)
{
    if (!t)
        return;
    free_columns(t);
    l4r_spill_free(t->spill);
    free(t->spill_dir);
    l4r_dict_free(t->users);
    l4r_dict_free(t->items);
    l4r_dict_free(t->ratings);
    free(t);
}

/* Rows the columns may hold under the budget (SIZE_MAX when spilling is off). */
static size_t row_budget(const l4r_itab *t)
{
    if (!t->memory_limit || !t->spill_dir || t->spill_status)
        return SIZE_MAX;
    uint64_t r = t->memory_limit / l4r_itab_row_bytes(t);
    if (r < 64)
        r = 64; /* tiny budgets (tests) still make runs of a useful size */
    return r > SIZE_MAX ? SIZE_MAX : (size_t)r;
}

static void set_cap(l4r_itab *t, size_t rows)
{
    t->user = l4r_big_resize_4k(t->user, t->cap * sizeof *t->user, rows * sizeof *t->user);
    t->item = l4r_big_resize_4k(t->item, t->cap * sizeof *t->item, rows * sizeof *t->item);
    if (t->rating_wide)
        t->rating32 =
            l4r_big_resize_4k(t->rating32, t->cap * sizeof *t->rating32, rows * sizeof *t->rating32);
    else
        t->rating8 = l4r_big_resize_4k(t->rating8, t->cap * sizeof *t->rating8, rows * sizeof *t->rating8);
    if (t->ts_wide)
        t->ts64 = l4r_big_resize_4k(t->ts64, t->cap * sizeof *t->ts64, rows * sizeof *t->ts64);
    else
        t->ts32 = l4r_big_resize_4k(t->ts32, t->cap * sizeof *t->ts32, rows * sizeof *t->ts32);
    t->cap = rows;
    t->fast_cap = t->rating_wide || t->ts_wide ? 0 : rows;
}

void l4r_itab_reserve(l4r_itab *t, size_t rows)
{
    size_t lim = row_budget(t);
    if (rows > lim)
        rows = lim;
    if (rows <= t->cap)
        return;
    set_cap(t, rows);
}

/* Write the in-memory rows as a run; on failure remember the error and stop spilling. */
static void spill_rows(l4r_itab *t)
{
    size_t k = t->n - t->spill_base;
    if (!t->spill)
        t->spill = l4r_spill_new(t->spill_dir);
    l4r_spill_cols c = {t->user, t->item, t->rating8, t->rating32, t->ts32, t->ts64};
    l4r_status st =
        l4r_spill_write_cols(t->spill, &c, k, t->spill_base, l4r_dict_size(t->users), &t->spill_err);
    if (st) {
        t->spill_status = st;
        return;
    }
    t->spill_base = t->n;
}

/* The columns are full: double them, or, past the budget, spill them to a run. */
static void grow_or_spill(l4r_itab *t)
{
    size_t want = t->cap ? t->cap * 2 : 4096;
    size_t lim = row_budget(t);
    if (want > lim) {
        if (t->cap < lim) {
            want = lim;
        } else {
            spill_rows(t);
            if (!t->spill_status)
                return;
            want = t->cap * 2; /* spilling failed: keep the rows in memory, l4r_process reports */
        }
    }
    set_cap(t, want);
}

/* Widen the rating column to u32 (wide_rating) and/or the ts column to int64 (wide_ts): a new
 * array of the same capacity, the k rows held copied over, the narrow one released.  The budget
 * per row grows, so a table that may spill then holds at most as many rows as the budget allows:
 * a run is written first when it already holds more, and the capacity is cut to the budget. */
static void widen(l4r_itab *t, bool wide_rating, bool wide_ts)
{
    size_t k = t->n - t->spill_base;
    if (wide_rating) {
        uint32_t *r = l4r_big_resize_4k(NULL, 0, t->cap * sizeof *r);
        for (size_t j = 0; j < k; j++)
            r[j] = t->rating8[j];
        l4r_big_free(t->rating8, t->cap * sizeof *t->rating8);
        t->rating8 = NULL;
        t->rating32 = r;
        t->rating_wide = true;
        t->rating_max = UINT32_MAX;
    }
    if (wide_ts) {
        int64_t *v = l4r_big_resize_4k(NULL, 0, t->cap * sizeof *v);
        for (size_t j = 0; j < k; j++)
            v[j] = t->ts32[j];
        l4r_big_free(t->ts32, t->cap * sizeof *t->ts32);
        t->ts32 = NULL;
        t->ts64 = v;
        t->ts_wide = true;
        t->ts_max = UINT64_MAX;
    }
    t->fast_cap = 0;
    size_t lim = row_budget(t);
    if (t->cap > lim) {
        if (k >= lim) {
            spill_rows(t);
            if (t->spill_status)
                return; /* keep the rows in memory, l4r_process reports */
        }
        set_cap(t, lim);
    }
}

void l4r_itab_full(l4r_itab *t, uint32_t rating, int64_t ts)
{
    if (t->n - t->spill_base == t->cap)
        grow_or_spill(t);
    bool wr = rating > t->rating_max, wt = (uint64_t)ts > t->ts_max;
    if (wr || wt)
        widen(t, wr, wt);
    if (t->n - t->spill_base == t->cap)
        grow_or_spill(t); /* widening spilled the rows or cut the capacity to them */
}

l4r_status l4r_itab_spill_flush(l4r_itab *t, l4r_error *e)
{
    if (t->spill_status) {
        if (e)
            *e = t->spill_err;
        return t->spill_status;
    }
    if (!t->spill)
        return L4R_OK;
    if (t->n > t->spill_base) {
        spill_rows(t);
        if (t->spill_status) {
            if (e)
                *e = t->spill_err;
            return t->spill_status;
        }
    }
    free_columns(t);
    return L4R_OK;
}

double l4r_itab_rating_value(const l4r_itab *t, uint32_t rating)
{
    size_t n;
    const char *s = l4r_dict_str(t->ratings, rating, &n);
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return NAN;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (end != buf + n)
        return NAN;
    return v;
}

/* ---- items ---- */

l4r_items *l4r_items_new(char **extra_names, size_t n_extra)
{
    l4r_items *it = l4r_xcalloc(1, sizeof *it);
    it->ids = l4r_dict_new();
    it->n_extra = n_extra;
    if (n_extra) {
        it->extra_names = l4r_xcalloc(n_extra, sizeof *it->extra_names);
        it->extra_sep = l4r_xcalloc(n_extra, sizeof *it->extra_sep);
        for (size_t k = 0; k < n_extra; k++)
            it->extra_names[k] = l4r_xstrdup(extra_names[k]);
    }
    return it;
}

void l4r_items_free(l4r_items *it)
{
    if (!it)
        return;
    for (size_t i = 0; i < it->n; i++) {
        free(it->title[i]);
        if (it->extra) {
            if (it->extra[i]) {
                for (size_t k = 0; k < it->n_extra; k++)
                    free(it->extra[i][k]);
            }
            free(it->extra[i]);
        }
    }
    free(it->title);
    free(it->extra);
    for (size_t k = 0; k < it->n_extra; k++) {
        free(it->extra_names[k]);
        free(it->extra_sep[k]);
    }
    free(it->extra_names);
    free(it->extra_sep);
    l4r_dict_free(it->ids);
    free(it);
}

void l4r_items_set_list(l4r_items *it, size_t k, const char *sep)
{
    if (k >= it->n_extra || !sep || !*sep)
        return;
    free(it->extra_sep[k]);
    it->extra_sep[k] = l4r_xstrdup(sep);
}

bool l4r_items_add(l4r_items *it, const char *id, size_t idn, const char *title, char **extra)
{
    uint32_t before = (uint32_t)l4r_dict_size(it->ids);
    uint32_t k = l4r_dict_intern(it->ids, id, idn);
    if (k < before)
        return false; /* the first occurrence wins */
    if (it->n == it->cap) {
        it->cap = it->cap ? it->cap * 2 : 256;
        it->title = l4r_xrealloc(it->title, it->cap * sizeof *it->title);
        it->extra = l4r_xrealloc(it->extra, it->cap * sizeof *it->extra);
    }
    it->title[k] = title ? l4r_xstrdup(title) : NULL;
    it->extra[k] = NULL;
    if (it->n_extra) {
        it->extra[k] = l4r_xcalloc(it->n_extra, sizeof(char *));
        for (size_t j = 0; j < it->n_extra; j++)
            it->extra[k][j] = extra && extra[j] ? l4r_xstrdup(extra[j]) : NULL;
    }
    it->n++;
    return true;
}

const char *l4r_items_title(const l4r_items *it, const char *id, size_t idn)
{
    uint32_t k = l4r_dict_find(it->ids, id, idn);
    if (k == UINT32_MAX)
        return NULL;
    return it->title[k];
}
