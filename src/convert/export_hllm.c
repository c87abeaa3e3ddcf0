/*
 * export_hllm.c — `--format hllm`: the two CSV files HLLM (bytedance/HLLM) trains on.
 *
 * HLLM's loader (code/REC/data/dataload.py) reads data_path/NAME.csv with pandas, columns
 * item_id,user_id,timestamp, sorts by timestamp and keeps each user's rows in that order (the
 * last two are valid and test, leave-one-out); its item-LLM reads text_path/NAME.csv (run.py
 * joins text_path and NAME.csv) with pandas, keeping item_id and the --text_keys columns.
 * process_books.py writes Amazon Books as amazon_books.csv (the interactions) and
 * amazon_books_item.csv (item_id,description,title, every item of meta_Books.json), which the
 * README puts at dataset/amazon_books.csv and information/amazon_books.csv.  This export writes
 * that layout, so that `--data_path DIR/dataset --text_path DIR/information --dataset NAME` reads
 * it as it is:
 *
 *   dataset/NAME.csv      item_id,user_id,timestamp: every row the stages kept, in source order
 *                         (process_books.py's filter keeps the file's order), whatever --split
 *                         (HLLM splits by itself)
 *   information/NAME.csv  every item of the items table, in its order: item_id,description,title
 *                         (process_books.py's columns) for a source without a tag column,
 *                         item_id,title,tag,description (PixelRec's text columns, in its order)
 *                         for one with it; written only when the variant has items
 *
 * NAME: amazon_books for an Amazon Books variant (process_books.py's), Pixel50K, Pixel200K,
 * Pixel1M, Pixel8M for the PixelRec subsets (HLLM's README; 50k has no name there and takes the
 * pattern), PixelRec for the whole set; otherwise the output directory's base name, as the
 * RecBole files take it.  Fields are quoted as pandas' to_csv quotes them (csv.QUOTE_MINIMAL:
 * a field with a comma, a double quote or a line break, quotes doubled).  In memory only.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "process_internal.h"

/* The dataset name HLLM's --dataset gets (module comment).  Not freed: a table entry or p->stem. */
static const char *hllm_name(const proc *p)
{
    static const struct {
        const char *dataset, *variant, *name;
    } names[] = {
        {"amazon", "*Books*", "amazon_books"}, {"pixelrec", "50k", "Pixel50K"},
        {"pixelrec", "200k", "Pixel200K"},     {"pixelrec", "1m", "Pixel1M"},
        {"pixelrec", "8m", "Pixel8M"},         {"pixelrec", "full", "PixelRec"},
    };
    const char *d = p->o->recipe_dataset, *v = p->o->recipe_variant;
    for (size_t k = 0; d && v && k < sizeof names / sizeof names[0]; k++)
        if (!strcmp(d, names[k].dataset) && !fnmatch(names[k].variant, v, 0))
            return names[k].name;
    return p->stem;
}

/* One CSV field as Python's csv module writes it under QUOTE_MINIMAL (pandas' to_csv). */
static void csv_field(l4r_buf *b, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        l4r_buf_add(b, s, n);
        return;
    }
    l4r_buf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            l4r_buf_addc(b, '"');
        l4r_buf_addc(b, s[i]);
    }
    l4r_buf_addc(b, '"');
}

static void csv_text(l4r_buf *b, const char *s)
{
    if (s)
        csv_field(b, s, strlen(s));
}

static l4r_status flush(l4r_out *out, l4r_buf *b, size_t at, l4r_error *e)
{
    if (b->len < at)
        return L4R_OK;
    l4r_status st = l4r_out_write(out, b->data, b->len, e);
    b->len = 0;
    return st;
}

static l4r_status write_interactions(proc *p, const char *file, uint64_t *rows, l4r_error *e)
{
    const l4r_itab *t = p->t;
    l4r_out *out;
    l4r_status st = l4r_out_open(&out, p->dir, file, e);
    if (st)
        return st;
    l4r_buf b = {0};
    l4r_buf_adds(&b, "item_id,user_id,timestamp\n");
    *rows = 0;
    for (size_t r = 0; !st && r < t->n; r++) {
        if (p->part[r] == PART_DROP)
            continue;
        size_t n;
        const char *s = l4r_dict_str(t->items, t->item[r], &n);
        csv_field(&b, s, n);
        l4r_buf_addc(&b, ',');
        s = l4r_dict_str(t->users, t->user[r], &n);
        csv_field(&b, s, n);
        l4r_buf_addf(&b, ",%lld\n", (long long)l4r_itab_ts(t, r));
        ++*rows;
        st = flush(out, &b, 1u << 20, e);
    }
    if (!st)
        st = flush(out, &b, 0, e);
    l4r_buf_free(&b);
    if (st) {
        l4r_out_abort(out);
        return st;
    }
    l4r_out_add_rows(out, *rows);
    return l4r_out_close(out, p->m, e);
}

static size_t extra_column(const l4r_items *it, const char *name)
{
    for (size_t k = 0; k < it->n_extra; k++)
        if (!strcmp(it->extra_names[k], name))
            return k;
    return SIZE_MAX;
}

static const char *extra_of(const l4r_items *it, size_t i, size_t k)
{
    return k == SIZE_MAX || !it->extra || !it->extra[i] ? NULL : it->extra[i][k];
}

static l4r_status write_items(proc *p, const char *file, bool *tagged, l4r_error *e)
{
    const l4r_items *it = p->items;
    size_t desc = extra_column(it, "description"), tag = extra_column(it, "tag");
    *tagged = tag != SIZE_MAX;
    l4r_out *out;
    l4r_status st = l4r_out_open(&out, p->dir, file, e);
    if (st)
        return st;
    l4r_buf b = {0};
    l4r_buf_adds(&b, *tagged ? "item_id,title,tag,description\n" : "item_id,description,title\n");
    for (size_t i = 0; !st && i < it->n; i++) {
        size_t n;
        const char *id = l4r_dict_str(it->ids, (uint32_t)i, &n);
        csv_field(&b, id, n);
        l4r_buf_addc(&b, ',');
        if (*tagged) {
            csv_text(&b, it->title[i]);
            l4r_buf_addc(&b, ',');
            csv_text(&b, extra_of(it, i, tag));
            l4r_buf_addc(&b, ',');
            csv_text(&b, extra_of(it, i, desc));
        } else {
            csv_text(&b, extra_of(it, i, desc));
            l4r_buf_addc(&b, ',');
            csv_text(&b, it->title[i]);
        }
        l4r_buf_addc(&b, '\n');
        st = flush(out, &b, 1u << 20, e);
    }
    if (!st)
        st = flush(out, &b, 0, e);
    l4r_buf_free(&b);
    if (st) {
        l4r_out_abort(out);
        return st;
    }
    l4r_out_add_rows(out, it->n);
    return l4r_out_close(out, p->m, e);
}

l4r_status l4r_sink_hllm(proc *p, l4r_error *e)
{
    if (!p->t->has_time)
        return l4r_err(e, L4R_EUSAGE,
                       "--format hllm writes timestamps (HLLM orders each user by them), but this source "
                       "has none: choose a variant with a time");
    const char *name = hllm_name(p);
    char *sub = l4r_path_join(p->dir, "dataset");
    l4r_status st = l4r_mkdirs(sub, e);
    free(sub);
    char *file = l4r_xasprintf("dataset/%s.csv", name);
    uint64_t rows = 0;
    if (!st)
        st = write_interactions(p, file, &rows, e);
    free(file);
    bool items = p->items && p->items->n, tagged = false;
    if (!st && items) {
        sub = l4r_path_join(p->dir, "information");
        st = l4r_mkdirs(sub, e);
        free(sub);
        file = l4r_xasprintf("information/%s.csv", name);
        if (!st)
            st = write_items(p, file, &tagged, e);
        free(file);
    }
    if (st)
        return st;
    l4r_manifest_set_str(p->m, "hllm.dataset", name);
    l4r_manifest_set_int(p->m, "hllm.interactions", (int64_t)rows);
    l4r_manifest_set_int(p->m, "hllm.items", items ? (int64_t)p->items->n : 0);
    if (items)
        l4r_manifest_set_str(p->m, "hllm.text_keys", tagged ? "title,tag,description" : "title,description");
    return L4R_OK;
}
