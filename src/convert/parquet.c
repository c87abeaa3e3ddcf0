/*
 * parquet.c — the Parquet writer of parquet.h.
 *
 * A row group is gathered in memory, column by column (values of the rows that have one, and a
 * definition level per row of an optional column), then written one column chunk after another:
 *
 *   string column: a dictionary of its distinct values is built with an open-addressing hash; it
 *     is used when the dictionary page plus the indices would be under 3/4 of the PLAIN values
 *     (ids, categories, genres), else the chunk is PLAIN (titles, review texts).
 *   pages: about 1 MiB of values each; a page is [4-byte length][definition levels] (optional
 *     columns) then the values, compressed with ZSTD as one block.
 *   statistics: null_count always; min_value / max_value of the chunk (signed order for numbers,
 *     unsigned bytes for strings, -0.0 / +0.0 for a zero bound as the format asks), left out for a
 *     string column whose bound is longer than 256 bytes (a long title is no use as a bound).
 *
 * The footer is built when the file ends, from what each chunk recorded.
 */
#include "parquet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "table.h" /* l4r_hash_bytes */

/* ---- Thrift compact protocol ---- */

void l4r_tc_varint(l4r_buf *b, uint64_t v)
{
    while (v >= 0x80) {
        l4r_buf_addc(b, (char)(0x80 | (v & 0x7f)));
        v >>= 7;
    }
    l4r_buf_addc(b, (char)v);
}

uint64_t l4r_tc_zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

void l4r_tc_init(l4r_tc *t, l4r_buf *b)
{
    memset(t, 0, sizeof *t);
    t->b = b;
}

void l4r_tc_field(l4r_tc *t, int16_t id, int type)
{
    int16_t delta = (int16_t)(id - t->last[t->depth]);
    if (delta > 0 && delta <= 15) {
        l4r_buf_addc(t->b, (char)((delta << 4) | type));
    } else {
        l4r_buf_addc(t->b, (char)type);
        l4r_tc_varint(t->b, l4r_tc_zigzag(id));
    }
    t->last[t->depth] = id;
}

void l4r_tc_i32(l4r_tc *t, int16_t id, int32_t v)
{
    l4r_tc_field(t, id, L4R_TC_I32);
    l4r_tc_varint(t->b, l4r_tc_zigzag(v));
}

void l4r_tc_i64(l4r_tc *t, int16_t id, int64_t v)
{
    l4r_tc_field(t, id, L4R_TC_I64);
    l4r_tc_varint(t->b, l4r_tc_zigzag(v));
}

static void tc_i16(l4r_tc *t, int16_t id, int16_t v)
{
    l4r_tc_field(t, id, L4R_TC_I16);
    l4r_tc_varint(t->b, l4r_tc_zigzag(v));
}

void l4r_tc_bin(l4r_tc *t, int16_t id, const void *p, size_t n)
{
    l4r_tc_field(t, id, L4R_TC_BINARY);
    l4r_tc_varint(t->b, n);
    l4r_buf_add(t->b, p, n);
}

void l4r_tc_bool(l4r_tc *t, int16_t id, bool v)
{
    l4r_tc_field(t, id, v ? L4R_TC_TRUE : L4R_TC_FALSE);
}

void l4r_tc_list(l4r_tc *t, int16_t id, int elem_type, size_t n)
{
    l4r_tc_field(t, id, L4R_TC_LIST);
    if (n < 15) {
        l4r_buf_addc(t->b, (char)((n << 4) | (size_t)elem_type));
    } else {
        l4r_buf_addc(t->b, (char)(0xf0 | elem_type));
        l4r_tc_varint(t->b, n);
    }
}

void l4r_tc_begin(l4r_tc *t, int16_t id)
{
    if (id > 0)
        l4r_tc_field(t, id, L4R_TC_STRUCT);
    t->depth++;
    t->last[t->depth] = 0;
}

void l4r_tc_end(l4r_tc *t)
{
    l4r_buf_addc(t->b, 0);
    if (t->depth > 0)
        t->depth--;
}

/* ---- RLE / bit-packed hybrid ---- */

/* Bytes of an RLE run's value: the bit width rounded up to whole bytes. */
static void put_le(l4r_buf *b, uint64_t v, int nbytes)
{
    l4r_buf_reserve(b, (size_t)nbytes);
    unsigned char *d = (unsigned char *)b->data + b->len;
    for (int i = 0; i < nbytes; i++)
        d[i] = (unsigned char)((v >> (8 * i)) & 0xff);
    b->len += (size_t)nbytes;
}

void l4r_pq_rle(l4r_buf *out, const uint32_t *v, size_t n, int bit_width)
{
    size_t i = 0;
    while (i < n) {
        size_t r = 1;
        while (i + r < n && v[i + r] == v[i])
            r++;
        if (r >= 8) {
            l4r_tc_varint(out, (uint64_t)r << 1);
            put_le(out, v[i], (bit_width + 7) / 8);
            i += r;
            continue;
        }
        /* bit-packed groups of 8 until a long run starts at a group boundary */
        size_t start = i, groups = 0;
        for (;;) {
            groups++;
            i += 8;
            if (i >= n)
                break;
            size_t q = 1;
            while (i + q < n && q < 8 && v[i + q] == v[i])
                q++;
            if (q >= 8)
                break;
        }
        l4r_tc_varint(out, ((uint64_t)groups << 1) | 1);
        size_t nbits = groups * 8 * (size_t)bit_width;
        size_t nb = nbits / 8;
        l4r_buf_reserve(out, nb);
        unsigned char *d = (unsigned char *)out->data + out->len;
        memset(d, 0, nb);
        for (size_t k = 0; k < groups * 8; k++) {
            uint64_t x = start + k < n ? v[start + k] : 0;
            size_t bit = k * (size_t)bit_width;
            for (int j = 0; j < bit_width; j++, bit++)
                if ((x >> j) & 1)
                    d[bit / 8] |= (unsigned char)(1u << (bit % 8));
        }
        out->len += nb;
        if (i > n)
            i = n;
    }
}

/* ---- the writer ---- */

#define PAGE_BYTES (1u << 20)
#define GROUP_BYTES ((size_t)128 << 20)
#define STAT_MAX_LEN 256

enum { ENC_PLAIN = 0, ENC_RLE = 3, ENC_RLE_DICTIONARY = 8 };
enum { PT_INT32 = 1, PT_INT64 = 2, PT_DOUBLE = 5, PT_BYTE_ARRAY = 6 };

/* What the footer needs of one column chunk. */
typedef struct chunk_meta {
    int64_t offset, data_page, dict_page; /* dict_page -1: none */
    int64_t uncomp, comp, num_values, nulls;
    bool dict, has_minmax;
    l4r_buf min, max;
} chunk_meta;

typedef struct group_meta {
    int64_t rows, offset;
    chunk_meta *cols;
} group_meta;

typedef struct pqcol {
    char *name;
    l4r_pq_type type;
    bool optional;
    bool set;      /* has a value (or a null) in the current row */
    uint8_t *def;  /* per row of the group: 1 value, 0 null (optional columns) */
    int64_t *iv;   /* INT32 / INT64 values */
    double *dv;    /* DOUBLE values */
    uint64_t *off; /* strings: value k is sdata[off[k], off[k + 1]) */
    l4r_buf sdata;
    size_t nvals, vcap;
} pqcol;

struct l4r_pq {
    pqcol *c;
    size_t nc;
    size_t group_rows, rows, rcap;
    uint64_t total_rows;
    size_t bytes; /* values gathered in this group */
    int level;
    l4r_pq_write_fn write;
    void *ud;
    uint64_t pos; /* bytes written */
    group_meta *groups;
    size_t ngroups, gcap;
    char **kv; /* key, value, key, value ... */
    size_t nkv;
    char *created_by;
    ZSTD_CCtx *zc;
    l4r_buf page, zbuf, hdr;
    uint32_t *u32; /* scratch: levels, indices */
    size_t u32cap;
};

l4r_pq *l4r_pq_new(const l4r_pq_column *cols, size_t ncols, size_t row_group_rows, int zstd_level,
                   l4r_pq_write_fn write, void *ud)
{
    l4r_pq *w = l4r_xcalloc(1, sizeof *w);
    w->c = l4r_xcalloc(ncols ? ncols : 1, sizeof *w->c);
    w->nc = ncols;
    for (size_t k = 0; k < ncols; k++) {
        w->c[k].name = l4r_xstrdup(cols[k].name);
        w->c[k].type = cols[k].type;
        w->c[k].optional = cols[k].optional;
    }
    w->group_rows = row_group_rows ? row_group_rows : (size_t)1 << 20;
    w->level = zstd_level;
    w->write = write;
    w->ud = ud;
    w->created_by = l4r_xstrdup("llm4rec-data");
    w->zc = ZSTD_createCCtx();
    if (!w->zc)
        l4r_oom();
    return w;
}

void l4r_pq_kv(l4r_pq *w, const char *key, const char *value)
{
    w->kv = l4r_xrealloc(w->kv, (w->nkv + 2) * sizeof *w->kv);
    w->kv[w->nkv++] = l4r_xstrdup(key);
    w->kv[w->nkv++] = l4r_xstrdup(value);
}

void l4r_pq_created_by(l4r_pq *w, const char *s)
{
    free(w->created_by);
    w->created_by = l4r_xstrdup(s);
}

uint64_t l4r_pq_rows(const l4r_pq *w)
{
    return w->total_rows + w->rows;
}

static void grow_rows(l4r_pq *w)
{
    if (w->rows < w->rcap)
        return;
    w->rcap = w->rcap ? w->rcap * 2 : 1024;
    for (size_t k = 0; k < w->nc; k++)
        if (w->c[k].optional)
            w->c[k].def = l4r_xrealloc(w->c[k].def, w->rcap);
}

static void grow_vals(pqcol *c)
{
    if (c->nvals + 1 < c->vcap)
        return;
    c->vcap = c->vcap ? c->vcap * 2 : 1024;
    if (c->type == L4R_PQ_STRING)
        c->off = l4r_xrealloc(c->off, c->vcap * sizeof *c->off);
    else if (c->type == L4R_PQ_DOUBLE)
        c->dv = l4r_xrealloc(c->dv, c->vcap * sizeof *c->dv);
    else
        c->iv = l4r_xrealloc(c->iv, c->vcap * sizeof *c->iv);
}

static void mark(l4r_pq *w, pqcol *c, uint8_t d)
{
    grow_rows(w);
    if (c->optional)
        c->def[w->rows] = d;
    c->set = true;
}

void l4r_pq_str(l4r_pq *w, size_t col, const char *s, size_t n)
{
    pqcol *c = &w->c[col];
    mark(w, c, 1);
    grow_vals(c);
    c->off[c->nvals] = c->sdata.len;
    l4r_buf_add(&c->sdata, s, n);
    c->nvals++;
    w->bytes += n + 12;
}

void l4r_pq_int(l4r_pq *w, size_t col, int64_t v)
{
    pqcol *c = &w->c[col];
    mark(w, c, 1);
    grow_vals(c);
    c->iv[c->nvals++] = v;
    w->bytes += 8;
}

void l4r_pq_double(l4r_pq *w, size_t col, double v)
{
    pqcol *c = &w->c[col];
    mark(w, c, 1);
    grow_vals(c);
    c->dv[c->nvals++] = v;
    w->bytes += 8;
}

void l4r_pq_null(l4r_pq *w, size_t col)
{
    pqcol *c = &w->c[col];
    if (!c->optional) { /* a required column has a value in every row: the type's zero */
        if (c->type == L4R_PQ_STRING)
            l4r_pq_str(w, col, "", 0);
        else if (c->type == L4R_PQ_DOUBLE)
            l4r_pq_double(w, col, 0);
        else
            l4r_pq_int(w, col, 0);
        return;
    }
    mark(w, c, 0);
}

static l4r_status emit(l4r_pq *w, const void *p, size_t n, l4r_error *e)
{
    if (!n)
        return L4R_OK;
    w->pos += n;
    return w->write(w->ud, p, n, e);
}

static const char *str_at(const pqcol *c, size_t k, size_t *n)
{
    *n = (size_t)(c->off[k + 1] - c->off[k]);
    return c->sdata.data + c->off[k];
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int r = memcmp(a, b, an < bn ? an : bn);
    return r ? r : (an > bn) - (an < bn);
}

static void stat_put(l4r_buf *b, const void *p, size_t n)
{
    l4r_buf_reset(b);
    l4r_buf_add(b, p, n);
}

/* min / max of the chunk's values into cm (none when the column has no value); a string column's
 * over its nd distinct values (value first[d] is entry d). */
static void chunk_stats(const pqcol *c, const uint32_t *first, size_t nd, chunk_meta *cm)
{
    if (!c->nvals)
        return;
    unsigned char tmp[8];
    if (c->type == L4R_PQ_STRING) {
        /* over the distinct values: every value is one of them */
        size_t mi = first[0], ma = first[0], n1, n2, nk;
        for (size_t d = 1; d < nd; d++) {
            size_t k = first[d];
            const char *s = str_at(c, k, &nk);
            const char *a = str_at(c, mi, &n1);
            const char *b = str_at(c, ma, &n2);
            if (cmp_bytes(s, nk, a, n1) < 0)
                mi = k;
            if (cmp_bytes(s, nk, b, n2) > 0)
                ma = k;
        }
        const char *a = str_at(c, mi, &n1);
        const char *b = str_at(c, ma, &n2);
        if (n1 > STAT_MAX_LEN || n2 > STAT_MAX_LEN)
            return;
        stat_put(&cm->min, a, n1);
        stat_put(&cm->max, b, n2);
    } else if (c->type == L4R_PQ_DOUBLE) {
        double mi = c->dv[0], ma = c->dv[0];
        for (size_t k = 1; k < c->nvals; k++) {
            mi = c->dv[k] < mi ? c->dv[k] : mi;
            ma = c->dv[k] > ma ? c->dv[k] : ma;
        }
        if (mi == 0)
            mi = -0.0;
        if (ma == 0)
            ma = 0.0;
        uint64_t u;
        memcpy(&u, &mi, 8);
        for (int i = 0; i < 8; i++)
            tmp[i] = (unsigned char)(u >> (8 * i));
        stat_put(&cm->min, tmp, 8);
        memcpy(&u, &ma, 8);
        for (int i = 0; i < 8; i++)
            tmp[i] = (unsigned char)(u >> (8 * i));
        stat_put(&cm->max, tmp, 8);
    } else {
        int64_t mi = c->iv[0], ma = c->iv[0];
        for (size_t k = 1; k < c->nvals; k++) {
            mi = c->iv[k] < mi ? c->iv[k] : mi;
            ma = c->iv[k] > ma ? c->iv[k] : ma;
        }
        int nb = c->type == L4R_PQ_INT32 ? 4 : 8;
        for (int i = 0; i < nb; i++)
            tmp[i] = (unsigned char)((uint64_t)mi >> (8 * i));
        stat_put(&cm->min, tmp, (size_t)nb);
        for (int i = 0; i < nb; i++)
            tmp[i] = (unsigned char)((uint64_t)ma >> (8 * i));
        stat_put(&cm->max, tmp, (size_t)nb);
    }
    cm->has_minmax = true;
}

/* The dictionary of a string column: idx[k] = entry of value k, *first = value index of each
 * entry (caller frees both).  Returns the number of entries. */
static size_t build_dict(const pqcol *c, uint32_t **idx_out, uint32_t **first_out)
{
    size_t cap = 16;
    while (cap < c->nvals * 2)
        cap *= 2;
    uint32_t *slot = l4r_xmalloc(cap * sizeof *slot);
    memset(slot, 0xff, cap * sizeof *slot);
    uint32_t *idx = l4r_xmalloc((c->nvals ? c->nvals : 1) * sizeof *idx);
    uint32_t *first = l4r_xmalloc((c->nvals ? c->nvals : 1) * sizeof *first);
    size_t nd = 0;
    for (size_t k = 0; k < c->nvals; k++) {
        size_t n;
        const char *s = str_at(c, k, &n);
        size_t h = (size_t)l4r_hash_bytes(s, n) & (cap - 1);
        for (;;) {
            uint32_t d = slot[h];
            if (d == UINT32_MAX) {
                slot[h] = (uint32_t)nd;
                first[nd] = (uint32_t)k;
                idx[k] = (uint32_t)nd++;
                break;
            }
            size_t dn;
            const char *ds = str_at(c, first[d], &dn);
            if (dn == n && !memcmp(ds, s, n)) {
                idx[k] = d;
                break;
            }
            h = (h + 1) & (cap - 1);
        }
    }
    free(slot);
    *idx_out = idx;
    *first_out = first;
    return nd;
}

static int bits_for(size_t max)
{
    int b = 1;
    while (b < 32 && (max >> b))
        b++;
    return b;
}

/* PLAIN values [v0, v1) of c into b. */
static void plain_values(const pqcol *c, size_t v0, size_t v1, l4r_buf *b)
{
    for (size_t k = v0; k < v1; k++) {
        if (c->type == L4R_PQ_STRING) {
            size_t n;
            const char *s = str_at(c, k, &n);
            put_le(b, n, 4);
            l4r_buf_add(b, s, n);
        } else if (c->type == L4R_PQ_DOUBLE) {
            uint64_t u;
            memcpy(&u, &c->dv[k], 8);
            put_le(b, u, 8);
        } else {
            put_le(b, (uint64_t)c->iv[k], c->type == L4R_PQ_INT32 ? 4 : 8);
        }
    }
}

/* Compress w->page and write it with its header; adds to the chunk's sizes. */
static l4r_status write_page(l4r_pq *w, chunk_meta *cm, bool dict_page, int32_t num_values, int encoding,
                             l4r_error *e)
{
    size_t bound = ZSTD_compressBound(w->page.len);
    l4r_buf_reset(&w->zbuf);
    l4r_buf_reserve(&w->zbuf, bound);
    size_t z = ZSTD_compressCCtx(w->zc, w->zbuf.data, bound, w->page.data, w->page.len, w->level);
    if (ZSTD_isError(z))
        return l4r_err(e, L4R_EIO, "zstd: %s", ZSTD_getErrorName(z));
    if (w->page.len > INT32_MAX || z > INT32_MAX)
        return l4r_err(e, L4R_EIO, "a Parquet page of %zu bytes: too large", w->page.len);
    l4r_tc t;
    l4r_buf_reset(&w->hdr);
    l4r_tc_init(&t, &w->hdr);
    l4r_tc_i32(&t, 1, dict_page ? 2 : 0);
    l4r_tc_i32(&t, 2, (int32_t)w->page.len);
    l4r_tc_i32(&t, 3, (int32_t)z);
    if (dict_page) {
        l4r_tc_begin(&t, 7);
        l4r_tc_i32(&t, 1, num_values);
        l4r_tc_i32(&t, 2, ENC_PLAIN);
        l4r_tc_end(&t);
    } else {
        l4r_tc_begin(&t, 5);
        l4r_tc_i32(&t, 1, num_values);
        l4r_tc_i32(&t, 2, encoding);
        l4r_tc_i32(&t, 3, ENC_RLE);
        l4r_tc_i32(&t, 4, ENC_RLE);
        l4r_tc_end(&t);
    }
    l4r_tc_end(&t);
    cm->uncomp += (int64_t)(w->hdr.len + w->page.len);
    cm->comp += (int64_t)(w->hdr.len + z);
    l4r_status st = emit(w, w->hdr.data, w->hdr.len, e);
    if (!st)
        st = emit(w, w->zbuf.data, z, e);
    return st;
}

static uint32_t *scratch_u32(l4r_pq *w, size_t n)
{
    if (n > w->u32cap) {
        w->u32cap = n;
        w->u32 = l4r_xrealloc(w->u32, n * sizeof *w->u32);
    }
    return w->u32;
}

static l4r_status write_chunk(l4r_pq *w, pqcol *c, chunk_meta *cm, l4r_error *e)
{
    l4r_status st = L4R_OK;
    size_t R = w->rows;
    cm->offset = (int64_t)w->pos;
    cm->dict_page = -1;
    cm->num_values = (int64_t)R;
    cm->nulls = (int64_t)(R - c->nvals);
    if (c->type == L4R_PQ_STRING && c->off)
        c->off[c->nvals] = c->sdata.len; /* the end of the last value */

    uint32_t *idx = NULL, *first = NULL;
    size_t nd = 0;
    int bw = 0;
    if (c->type == L4R_PQ_STRING && c->nvals) {
        nd = build_dict(c, &idx, &first);
        bw = bits_for(nd - 1);
        uint64_t plain = c->sdata.len + 4 * (uint64_t)c->nvals, dict = 0;
        for (size_t d = 0; d < nd; d++) {
            size_t n;
            str_at(c, first[d], &n);
            dict += 4 + n;
        }
        dict += (uint64_t)c->nvals * (uint64_t)bw / 8;
        cm->dict = dict < plain / 4 * 3;
    }
    chunk_stats(c, first, nd, cm);
    if (cm->dict) {
        cm->dict_page = (int64_t)w->pos;
        l4r_buf_reset(&w->page);
        for (size_t d = 0; d < nd; d++)
            plain_values(c, first[d], first[d] + 1, &w->page);
        st = write_page(w, cm, true, (int32_t)nd, ENC_PLAIN, e);
    }
    cm->data_page = (int64_t)w->pos;
    size_t r = 0, v = 0;
    while (!st && (r < R || r == 0)) {
        /* rows [r, r1), values [v, v1): about PAGE_BYTES of values */
        size_t r1 = r, v1 = v, acc = 0;
        while (r1 < R && acc < PAGE_BYTES) {
            if (!c->optional || c->def[r1]) {
                if (cm->dict)
                    acc += 4;
                else if (c->type == L4R_PQ_STRING)
                    acc += 4 + (size_t)(c->off[v1 + 1] - c->off[v1]);
                else
                    acc += c->type == L4R_PQ_INT32 ? 4 : 8;
                v1++;
            }
            r1++;
        }
        l4r_buf_reset(&w->page);
        if (c->optional) {
            uint32_t *lv = scratch_u32(w, r1 - r + 1);
            for (size_t k = r; k < r1; k++)
                lv[k - r] = c->def[k];
            put_le(&w->page, 0, 4);
            l4r_pq_rle(&w->page, lv, r1 - r, 1);
            uint32_t n = (uint32_t)(w->page.len - 4);
            for (int i = 0; i < 4; i++)
                w->page.data[i] = (char)((n >> (8 * i)) & 0xff);
        }
        if (cm->dict) {
            l4r_buf_addc(&w->page, (char)bw);
            l4r_pq_rle(&w->page, idx + v, v1 - v, bw);
        } else {
            plain_values(c, v, v1, &w->page);
        }
        st = write_page(w, cm, false, (int32_t)(r1 - r), cm->dict ? ENC_RLE_DICTIONARY : ENC_PLAIN, e);
        r = r1;
        v = v1;
        if (R == 0)
            break;
    }
    free(idx);
    free(first);
    return st;
}

static l4r_status flush_group(l4r_pq *w, l4r_error *e)
{
    if (!w->rows)
        return L4R_OK;
    l4r_status st = L4R_OK;
    if (w->pos == 0)
        st = emit(w, "PAR1", 4, e);
    if (w->ngroups == w->gcap) {
        w->gcap = w->gcap ? w->gcap * 2 : 8;
        w->groups = l4r_xrealloc(w->groups, w->gcap * sizeof *w->groups);
    }
    group_meta *g = &w->groups[w->ngroups++];
    g->rows = (int64_t)w->rows;
    g->offset = (int64_t)w->pos;
    g->cols = l4r_xcalloc(w->nc ? w->nc : 1, sizeof *g->cols);
    for (size_t k = 0; k < w->nc && !st; k++)
        st = write_chunk(w, &w->c[k], &g->cols[k], e);
    for (size_t k = 0; k < w->nc; k++) {
        w->c[k].nvals = 0;
        l4r_buf_reset(&w->c[k].sdata);
    }
    w->total_rows += w->rows;
    w->rows = 0;
    w->bytes = 0;
    return st;
}

l4r_status l4r_pq_end_row(l4r_pq *w, l4r_error *e)
{
    for (size_t k = 0; k < w->nc; k++) {
        if (!w->c[k].set)
            l4r_pq_null(w, k);
        w->c[k].set = false;
    }
    w->rows++;
    if (w->rows >= w->group_rows || w->bytes >= GROUP_BYTES)
        return flush_group(w, e);
    return L4R_OK;
}

static void footer(l4r_pq *w, l4r_buf *b)
{
    l4r_tc t;
    l4r_tc_init(&t, b);
    l4r_tc_i32(&t, 1, 2);
    l4r_tc_list(&t, 2, L4R_TC_STRUCT, w->nc + 1);
    l4r_tc_begin(&t, 0);
    l4r_tc_bin(&t, 4, "schema", 6);
    l4r_tc_i32(&t, 5, (int32_t)w->nc);
    l4r_tc_end(&t);
    static const int ptype[] = {PT_BYTE_ARRAY, PT_INT32, PT_INT64, PT_DOUBLE};
    for (size_t k = 0; k < w->nc; k++) {
        const pqcol *c = &w->c[k];
        l4r_tc_begin(&t, 0);
        l4r_tc_i32(&t, 1, ptype[c->type]);
        l4r_tc_i32(&t, 3, c->optional ? 1 : 0);
        l4r_tc_bin(&t, 4, c->name, strlen(c->name));
        if (c->type == L4R_PQ_STRING) {
            l4r_tc_i32(&t, 6, 0); /* UTF8 */
            l4r_tc_begin(&t, 10); /* LogicalType */
            l4r_tc_begin(&t, 1);  /* STRING */
            l4r_tc_end(&t);
            l4r_tc_end(&t);
        }
        l4r_tc_end(&t);
    }
    l4r_tc_i64(&t, 3, (int64_t)w->total_rows);
    l4r_tc_list(&t, 4, L4R_TC_STRUCT, w->ngroups);
    for (size_t g = 0; g < w->ngroups; g++) {
        const group_meta *gm = &w->groups[g];
        int64_t uncomp = 0, comp = 0;
        l4r_tc_begin(&t, 0);
        l4r_tc_list(&t, 1, L4R_TC_STRUCT, w->nc);
        for (size_t k = 0; k < w->nc; k++) {
            const chunk_meta *cm = &gm->cols[k];
            uncomp += cm->uncomp;
            comp += cm->comp;
            l4r_tc_begin(&t, 0);
            l4r_tc_i64(&t, 2, cm->offset);
            l4r_tc_begin(&t, 3);
            l4r_tc_i32(&t, 1, ptype[w->c[k].type]);
            l4r_tc_list(&t, 2, L4R_TC_I32, cm->dict ? 3 : 2);
            l4r_tc_varint(b, l4r_tc_zigzag(ENC_PLAIN));
            l4r_tc_varint(b, l4r_tc_zigzag(ENC_RLE));
            if (cm->dict)
                l4r_tc_varint(b, l4r_tc_zigzag(ENC_RLE_DICTIONARY));
            l4r_tc_list(&t, 3, L4R_TC_BINARY, 1);
            l4r_tc_varint(b, strlen(w->c[k].name));
            l4r_buf_adds(b, w->c[k].name);
            l4r_tc_i32(&t, 4, 6); /* ZSTD */
            l4r_tc_i64(&t, 5, cm->num_values);
            l4r_tc_i64(&t, 6, cm->uncomp);
            l4r_tc_i64(&t, 7, cm->comp);
            l4r_tc_i64(&t, 9, cm->data_page);
            if (cm->dict_page >= 0)
                l4r_tc_i64(&t, 11, cm->dict_page);
            l4r_tc_begin(&t, 12);
            l4r_tc_i64(&t, 3, cm->nulls);
            if (cm->has_minmax) {
                l4r_tc_bin(&t, 5, cm->max.data, cm->max.len);
                l4r_tc_bin(&t, 6, cm->min.data, cm->min.len);
            }
            l4r_tc_end(&t);
            l4r_tc_end(&t);
            l4r_tc_end(&t);
        }
        l4r_tc_i64(&t, 2, uncomp);
        l4r_tc_i64(&t, 3, gm->rows);
        l4r_tc_i64(&t, 5, gm->offset);
        l4r_tc_i64(&t, 6, comp);
        tc_i16(&t, 7, (int16_t)g);
        l4r_tc_end(&t);
    }
    if (w->nkv) {
        l4r_tc_list(&t, 5, L4R_TC_STRUCT, w->nkv / 2);
        for (size_t i = 0; i < w->nkv; i += 2) {
            l4r_tc_begin(&t, 0);
            l4r_tc_bin(&t, 1, w->kv[i], strlen(w->kv[i]));
            l4r_tc_bin(&t, 2, w->kv[i + 1], strlen(w->kv[i + 1]));
            l4r_tc_end(&t);
        }
    }
    l4r_tc_bin(&t, 6, w->created_by, strlen(w->created_by));
    l4r_tc_list(&t, 7, L4R_TC_STRUCT, w->nc);
    for (size_t k = 0; k < w->nc; k++) {
        l4r_tc_begin(&t, 0);
        l4r_tc_begin(&t, 1); /* TYPE_ORDER */
        l4r_tc_end(&t);
        l4r_tc_end(&t);
    }
    l4r_tc_end(&t);
}

l4r_status l4r_pq_finish(l4r_pq *w, l4r_error *e)
{
    l4r_status st = flush_group(w, e);
    if (!st && w->pos == 0)
        st = emit(w, "PAR1", 4, e);
    if (st)
        return st;
    l4r_buf b = {0};
    footer(w, &b);
    unsigned char tail[8];
    for (int i = 0; i < 4; i++)
        tail[i] = (unsigned char)((b.len >> (8 * i)) & 0xff);
    memcpy(tail + 4, "PAR1", 4);
    st = emit(w, b.data, b.len, e);
    if (!st)
        st = emit(w, tail, 8, e);
    l4r_buf_free(&b);
    return st;
}

void l4r_pq_free(l4r_pq *w)
{
    if (!w)
        return;
    for (size_t k = 0; k < w->nc; k++) {
        free(w->c[k].name);
        free(w->c[k].def);
        free(w->c[k].iv);
        free(w->c[k].dv);
        free(w->c[k].off);
        l4r_buf_free(&w->c[k].sdata);
    }
    for (size_t g = 0; g < w->ngroups; g++) {
        for (size_t k = 0; k < w->nc; k++) {
            l4r_buf_free(&w->groups[g].cols[k].min);
            l4r_buf_free(&w->groups[g].cols[k].max);
        }
        free(w->groups[g].cols);
    }
    free(w->groups);
    for (size_t i = 0; i < w->nkv; i++)
        free(w->kv[i]);
    free(w->kv);
    free(w->created_by);
    ZSTD_freeCCtx(w->zc);
    l4r_buf_free(&w->page);
    l4r_buf_free(&w->zbuf);
    l4r_buf_free(&w->hdr);
    free(w->u32);
    free(w->c);
    free(w);
}
