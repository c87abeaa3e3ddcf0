/*
 * export_llamarec.c — `--format llamarec`: the dict LlamaRec (Yueeeeeeee/LlamaRec) caches as
 * data/preprocessed/CODE_min_rating0-min_uc5-min_sc5/dataset.pkl, as one JSON file, dataset.json.
 *
 * LlamaRec's datasets (base.py, beauty.py, ...) pickle {'train', 'val', 'test', 'meta', 'umap',
 * 'smap'}: train, val and test map each user number (1..users) to a list of item numbers (all but
 * the last two, the second last, the last: leave-one-out), meta maps an item number to its title,
 * umap and smap map a source id (an int for MovieLens, a str for Amazon) to its number.  Its
 * dataloaders (lru.py, llm.py) take the data from that dict alone.  JSON has neither int keys nor typed keys,
 * so the file keeps the keys in this order:
 *
 *   train, val, test  {"1": [item, ...], ...}: users in number order, items in split order
 *   meta              {"1": "title", ...}: items in number order, the items with a title only
 *   umap, smap        [[source id, number], ...] in number order; the source ids are JSON numbers
 *                     when every one is an integer without leading zeros (MovieLens), else
 *                     strings (Amazon), so that the pickle gets LlamaRec's key types back
 *
 * written as Python's json.dumps writes it (", " and ": ", ensure_ascii) plus a newline.  The
 * numbers are --remap's (user_map.tsv, item_map.tsv), the lists the --split seq parts.  Titles are
 * LlamaRec's: for MovieLens its ml_100k.py rule (the " (YYYY)" cut, every "(...)" removed, a
 * trailing ", The" / ", A" / ", An" moved to the front, the year put back), applied to characters;
 * for the others the title with surrounding white space stripped (Python's str.strip()).  The
 * pickle is one /usr/bin/python3 call away (docs/PRESETS.md "llamarec").  Runs on the calling
 * thread, so any -j writes the same bytes; in memory only.
 */
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

/* ---- code points ---- */

typedef struct cps {
    uint32_t *v;
    size_t n, cap;
} cps;

static void cps_push(cps *c, uint32_t x)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = l4r_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = x;
}

/* UTF-8 (valid: the converter validated every title) to code points. */
static void cps_decode(cps *c, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    c->n = 0;
    while (*u) {
        unsigned b = *u;
        int len = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : 4;
        uint32_t x = len == 1 ? b : len == 2 ? b & 0x1f : len == 3 ? b & 0x0f : b & 0x07;
        int k = 1;
        for (; k < len && u[k]; k++)
            x = (x << 6) | (u[k] & 0x3f);
        cps_push(c, x);
        u += k;
    }
}

static void utf8_put(l4r_buf *b, uint32_t x)
{
    if (x < 0x80) {
        l4r_buf_addc(b, (char)x);
    } else if (x < 0x800) {
        l4r_buf_addc(b, (char)(0xc0 | (x >> 6)));
        l4r_buf_addc(b, (char)(0x80 | (x & 0x3f)));
    } else if (x < 0x10000) {
        l4r_buf_addc(b, (char)(0xe0 | (x >> 12)));
        l4r_buf_addc(b, (char)(0x80 | ((x >> 6) & 0x3f)));
        l4r_buf_addc(b, (char)(0x80 | (x & 0x3f)));
    } else {
        l4r_buf_addc(b, (char)(0xf0 | (x >> 18)));
        l4r_buf_addc(b, (char)(0x80 | ((x >> 12) & 0x3f)));
        l4r_buf_addc(b, (char)(0x80 | ((x >> 6) & 0x3f)));
        l4r_buf_addc(b, (char)(0x80 | (x & 0x3f)));
    }
}

/* Python's str.isspace() */
static bool py_space(uint32_t x)
{
    return (x >= 0x09 && x <= 0x0d) || (x >= 0x1c && x <= 0x20) || x == 0x85 || x == 0xa0 || x == 0x1680 ||
           (x >= 0x2000 && x <= 0x200a) || x == 0x2028 || x == 0x2029 || x == 0x202f || x == 0x205f ||
           x == 0x3000;
}

/* v[*b .. *e) without the white space at either end (str.strip()). */
static void py_strip(const uint32_t *v, size_t *b, size_t *e)
{
    while (*b < *e && py_space(v[*b]))
        ++*b;
    while (*e > *b && py_space(v[*e - 1]))
        --*e;
}

static uint32_t ascii_lower(uint32_t x)
{
    return x >= 'A' && x <= 'Z' ? x + 32 : x;
}

/* LlamaRec's MovieLens title (datasets/ml_100k.py load_meta_dict) of t into out (UTF-8):
 *   title, year = t[:-7], t[-7:]; title = re.sub(r'\(.*?\)', '', title).strip()
 *   if ', a' / ', an' / ', the' is in title.lower()[-5:]: title = last + ' ' + the rest, split at ', '
 *   title + year */
static void ml_title(l4r_buf *out, const char *t, cps *c, cps *w)
{
    cps_decode(c, t);
    size_t n = c->n, cut = n > 7 ? n - 7 : 0;
    w->n = 0;
    for (size_t i = 0; i < cut; i++) { /* re.sub(r'\(.*?\)', '', title): '(' to the next ')' */
        if (c->v[i] == '(') {
            size_t j = i + 1;
            while (j < cut && c->v[j] != ')')
                j++;
            if (j < cut) {
                i = j;
                continue;
            }
        }
        cps_push(w, c->v[i]);
    }
    size_t b = 0, e = w->n;
    py_strip(w->v, &b, &e);
    /* the last five characters, lower case, holding ", a" (which ", an" holds too) or ", the" */
    size_t l5 = e - b > 5 ? e - 5 : b;
    bool art = false;
    for (size_t i = l5; i + 3 <= e && !art; i++) {
        if (w->v[i] != ',' || w->v[i + 1] != ' ')
            continue;
        uint32_t x = ascii_lower(w->v[i + 2]);
        art = x == 'a' ||
              (x == 't' && i + 5 <= e && ascii_lower(w->v[i + 3]) == 'h' && ascii_lower(w->v[i + 4]) == 'e');
    }
    size_t last = b; /* start of the last ", "-separated part */
    for (size_t i = b; art && i + 1 < e; i++)
        if (w->v[i] == ',' && w->v[i + 1] == ' ')
            last = i + 2;
    if (art) {
        for (size_t i = last; i < e; i++)
            utf8_put(out, w->v[i]);
        l4r_buf_addc(out, ' ');
        for (size_t i = b; i + 2 < last; i++) /* the rest, without its final ", " */
            utf8_put(out, w->v[i]);
    } else {
        for (size_t i = b; i < e; i++)
            utf8_put(out, w->v[i]);
    }
    for (size_t i = cut; i < n; i++)
        utf8_put(out, c->v[i]);
}

/* The other datasets: item['title'].strip() */
static void stripped_title(l4r_buf *out, const char *t, cps *c)
{
    cps_decode(c, t);
    size_t b = 0, e = c->n;
    py_strip(c->v, &b, &e);
    for (size_t i = b; i < e; i++)
        utf8_put(out, c->v[i]);
}

/* ---- ids ---- */

static bool canonical_int(const char *s, size_t n)
{
    if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* inv[k] = the id numbered k (1..count) by map; returns count. */
static size_t invert(const uint32_t *map, size_t n, uint32_t **inv)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count = map[i] > count ? map[i] : count;
    *inv = l4r_xcalloc(count + 1, sizeof **inv);
    for (size_t i = 0; i < n; i++)
        if (map[i])
            (*inv)[map[i]] = (uint32_t)i;
    return count;
}

typedef struct lr_out {
    l4r_out *out;
    l4r_buf b;
    l4r_status st;
    l4r_error *e;
} lr_out;

static void lr_flush(lr_out *w, bool all)
{
    if (!w->st && w->b.len && (all || w->b.len >= (1u << 20))) {
        w->st = l4r_out_write(w->out, w->b.data, w->b.len, w->e);
        w->b.len = 0;
    }
}

/* "umap": [[id, 1], ...] */
static void write_map(lr_out *w, const char *key, const l4r_dict *d, const uint32_t *inv, size_t count)
{
    bool num = true;
    for (size_t k = 1; k <= count && num; k++) {
        size_t sn;
        const char *s = l4r_dict_str(d, inv[k], &sn);
        num = canonical_int(s, sn);
    }
    l4r_buf_addf(&w->b, ", \"%s\": [", key);
    for (size_t k = 1; k <= count && !w->st; k++) {
        size_t sn;
        const char *s = l4r_dict_str(d, inv[k], &sn);
        l4r_buf_adds(&w->b, k > 1 ? ", [" : "[");
        if (num)
            l4r_buf_add(&w->b, s, sn);
        else
            l4r_json_py_str(&w->b, s, sn);
        l4r_buf_addf(&w->b, ", %zu]", k);
        lr_flush(w, false);
    }
    l4r_buf_addc(&w->b, ']');
}

l4r_status l4r_sink_llamarec(proc *p, l4r_error *e)
{
    const l4r_itab *t = p->t;
    const l4r_process_opts *o = p->o;
    if (!p->umap || !p->imap)
        return l4r_err(e, L4R_EUSAGE,
                       "--format llamarec numbers users and items from 1 as LlamaRec does: add --remap "
                       "(--preset llamarec gives --remap-order sorted)");
    if (o->split != L4R_SPLIT_SEQ)
        return l4r_err(
            e, L4R_EUSAGE,
            "--format llamarec writes LlamaRec's leave-one-out train / val / test: add --split seq");
    if (!p->items)
        return l4r_err(e, L4R_EUSAGE,
                       "--format llamarec needs item titles (LlamaRec's meta), and this dataset variant has "
                       "none in items.tsv");
    l4r_sink_titles(p);
    bool ml = o->family && !strcmp(o->family, "movielens");
    uint32_t *uinv, *iinv;
    size_t nu = invert(p->umap, p->n_users, &uinv);
    size_t ni = invert(p->imap, p->n_items, &iinv);
    lr_out w = {.e = e};
    w.st = l4r_out_open(&w.out, p->dir, "dataset.json", e);
    static const char *const keys[3] = {"train", "val", "test"};
    for (int part = 0; part < 3 && !w.st; part++) {
        l4r_buf_addf(&w.b, "%s\"%s\": {", part ? ", " : "{", keys[part]);
        for (size_t k = 1; k <= nu && !w.st; k++) {
            uint32_t u = uinv[k];
            const uint32_t *g = p->idx + p->ubeg[u];
            l4r_buf_addf(&w.b, "%s\"%zu\": [", k > 1 ? ", " : "", k);
            bool first = true;
            for (uint32_t j = 0; j < p->ulen[u]; j++) {
                uint32_t r = g[j];
                if (p->part[r] != part)
                    continue;
                l4r_buf_addf(&w.b, "%s%u", first ? "" : ", ", p->imap[t->item[r]]);
                first = false;
            }
            l4r_buf_addc(&w.b, ']');
            lr_flush(&w, false);
        }
        l4r_buf_addc(&w.b, '}');
    }
    /* meta: the titled items */
    cps c = {0}, cw = {0};
    l4r_buf tb = {0};
    size_t untitled = 0;
    bool first = true;
    l4r_buf_adds(&w.b, ", \"meta\": {");
    for (size_t k = 1; k <= ni && !w.st; k++) {
        const char *title = p->ititle ? p->ititle[iinv[k]] : NULL;
        if (!title || !*title) {
            untitled++;
            continue;
        }
        tb.len = 0;
        if (ml)
            ml_title(&tb, title, &c, &cw);
        else
            stripped_title(&tb, title, &c);
        l4r_buf_addf(&w.b, "%s\"%zu\": ", first ? "" : ", ", k);
        l4r_json_py_str(&w.b, tb.data ? tb.data : "", tb.len);
        first = false;
        lr_flush(&w, false);
    }
    l4r_buf_addc(&w.b, '}');
    free(c.v);
    free(cw.v);
    l4r_buf_free(&tb);
    write_map(&w, "umap", t->users, uinv, nu);
    write_map(&w, "smap", t->items, iinv, ni);
    l4r_buf_adds(&w.b, "}\n");
    lr_flush(&w, true);
    if (!w.st) {
        l4r_out_add_rows(w.out, 1);
        w.st = l4r_out_close(w.out, p->m, e);
    } else {
        l4r_out_abort(w.out);
    }
    l4r_buf_free(&w.b);
    free(uinv);
    free(iinv);
    if (w.st)
        return w.st;
    l4r_manifest_set_str(p->m, "llamarec.file", "dataset.json");
    l4r_manifest_set_str(p->m, "llamarec.titles", ml ? "movielens" : "stripped");
    l4r_manifest_set_int(p->m, "llamarec.users", (int64_t)nu);
    l4r_manifest_set_int(p->m, "llamarec.items", (int64_t)ni);
    l4r_manifest_set_int(p->m, "llamarec.items_without_title", (int64_t)untitled);
    return L4R_OK;
}
