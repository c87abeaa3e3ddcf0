/*
 * export_openp5.c — `--format openp5`: the files OpenP5 (agiresearch/OpenP5) writes and trains
 * on, for its LLaMA pipeline (src/src_llama: generate_dataset.py, generate_dataset_eval.py,
 * train.py), as its generate_dataset.sh runs them.  DATASET is the output directory's base name
 * (OpenP5 reads data_path/DATASET/, and the name is also in every prompt).
 *
 *   user_sequence.txt            "USER ITEM ITEM ...\n" with the raw ids: users in order of first
 *                                appearance in the time-ordered data, each user's items in time
 *                                order (its preprocessing notebooks)
 *   user_indexing.txt            "USER N\n", N = 1, 2, ... in that order (indexing.py)
 *   item_random_indexing.txt     "ITEM ID\n", ids from 1001 (--openp5-indexing random), or
 *   item_sequential_indexing_original.txt   (--openp5-indexing sequential)
 *   user_sequence_random_indexing.txt / user_sequence_sequential_indexing_original.txt
 *                                "N ID ID ...\n": the sequences in the new ids
 *   DATASET_sequential,straightforward_INDEXING_train.json
 *   DATASET_sequential,straightforward_INDEXING_validation_seen:0.json
 *   DATASET_sequential,straightforward_INDEXING_test_seen:0.json
 *   DATASET_sequential,straightforward_INDEXING_test_unseen:0.json
 *                                json.dump of {"arguments": the argparse values of
 *                                generate_dataset.sh, "data": [{task, data_id (train only),
 *                                instruction, input, output}, ...]}, the prompts of prompt.txt
 *
 * Item ids (indexing.py):
 *   sequential  1001, 1002, ... in order of first appearance over every user's items but the
 *               last two, then over the last two: the next item's id is often the last one + 1
 *               (the leak of jeykigung/P5 PR#3, which OpenP5 inherits)
 *   random      (default) OpenP5 shuffles a Python set of the items with an unseeded
 *               random.shuffle: neither the set's order (string hashes, PYTHONHASHSEED) nor the
 *               draws can be repeated.  Here: the items in order of first appearance along
 *               user_sequence.txt, shuffled by random.seed(--seed) + random.shuffle (mt19937.h),
 *               the k-th getting id 1001 + k.
 * Examples (generate_dataset*.py, max_his = --history, his_prefix 1, his_sep " , ",
 * skip_empty_his 1): train, per user and per position i >= 1 of the items but the last two, the
 * target item i after the (up to) --history items before it, each under the 10 "seen" prompts
 * of both tasks; validation: the second last item after the ones before it; test: the last,
 * after all before it; under prompt seen:0 (validation, test) and unseen:0 (test).
 *
 * In memory only; one pass, no draws but the shuffle, so any -j writes the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "mt19937.h"
#include "process_internal.h"

/* prompt.txt of OpenP5 (task; seen|unseen; input; output), in file order */
typedef struct prompt {
    int task; /* 0 sequential, 1 straightforward */
    bool unseen;
    const char *in, *out;
} prompt;

static const char *const task_name[2] = {"sequential", "straightforward"};

static const prompt prompts[] = {
    {0, false,
     "Considering {dataset} user_{user_id} has interacted with {dataset} items {history} . What is the next "
     "recommendation for the user ?",
     "{dataset} {target}"},
    {0, false,
     "Here is the purchase history of {dataset} user_{user_id} : {dataset} item {history} . I wonder what is "
     "the next recommended item for the user .",
     "{dataset} {target}"},
    {0, false,
     "{dataset} user_{user_id} has purchased {dataset} items {history}, predict next possible item to be "
     "bought by the user ?",
     "{dataset} {target}"},
    {0, false,
     "I find the purchase list of {dataset} user_{user_id} : {dataset} items {history} , I wonder what other "
     "itmes does the user need . Can you help me decide ?",
     "{dataset} {target}"},
    {0, false,
     "According to what items {dataset} user_{user_id} has purchased : {dataset} items {history} , Can you "
     "recommend another item to the user ?",
     "{dataset} {target}"},
    {0, false,
     "What would {dataset} user_{user_id} be likely to purchase next after buying {dataset} items {history} "
     "?",
     "{dataset} {target}"},
    {0, false,
     "By analyzing the {dataset} user_{user_id} 's purchase of {dataset} items {history} , what is the next "
     "item expected to be bought ?",
     "{dataset} {target}"},
    {0, false,
     "Can you recommend the next item for {dataset} user_{user_id} , given the user 's purchase of {dataset} "
     "items {history} ?",
     "{dataset} {target}"},
    {0, false,
     "After buying {dataset} items {history} , what is the next item that could be recommended for {dataset} "
     "user_{user_id} ?",
     "{dataset} {target}"},
    {0, false,
     "The {dataset} user_{user_id} has bought items : {dataset} items {history} , What else do you think is "
     "necessary for the user ?",
     "{dataset} {target}"},
    {0, true,
     "What is the top recommended item for {dataset} user_{user_id} who interacted with {dataset} item "
     "{history} ?",
     "{dataset} {target}"},
    {1, false, "What should we recommend for {dataset} user_{user_id} ?", "{dataset} {target}"},
    {1, false, "{dataset} user_{user_id} is looking for some items . Do you have any recommendations ?",
     "{dataset} {target}"},
    {1, false, "Do you have any suggested items for {dataset} user_{user_id} ?", "{dataset} {target}"},
    {1, false, "Which recommendation should we provide to {dataset} user_{user_id} ?", "{dataset} {target}"},
    {1, false, "How can we assist {dataset} user_{user_id} with a recommendation ?", "{dataset} {target}"},
    {1, false, "What would be a suitable recommendation for {dataset} user_{user_id} ?",
     "{dataset} {target}"},
    {1, false, "What would be a helpful recommendation for {dataset} user_{user_id} ?", "{dataset} {target}"},
    {1, false, "Can you recommend an item for {dataset} user_{user_id} ?", "{dataset} {target}"},
    {1, false,
     "Based on {dataset} user_{user_id} 's interests and requirements , what item would you suggest to try ?",
     "{dataset} {target}"},
    {1, false,
     "For {dataset} user_{user_id} , what item stands out as a top recommendation that they should consider "
     "?",
     "{dataset} {target}"},
    {1, true, "What is the top recommendation for {dataset} user {user_id} ?", "{dataset} {target}"},
};
#define N_PROMPTS (sizeof prompts / sizeof prompts[0])

/* The first prompt (in file order) of a task and kind: OpenP5's "seen:0" / "unseen:0". */
static const prompt *first_prompt(int task, bool unseen)
{
    for (size_t k = 0; k < N_PROMPTS; k++)
        if (prompts[k].task == task && prompts[k].unseen == unseen)
            return &prompts[k];
    return NULL;
}

/* One example's fields, as str.format fills them. */
typedef struct sample {
    const char *dataset;
    size_t dataset_len;
    uint64_t user;
    l4r_buf history; /* "item_1001 , item_1002" */
    uint32_t target;
} sample;

/* The template with its {fields} filled, into s (plain text, escaped by the caller). */
static void fill(l4r_buf *s, const char *tpl, const sample *x)
{
    s->len = 0;
    for (const char *c = tpl; *c;) {
        if (*c == '{') {
            const char *end = strchr(c, '}');
            size_t n = end ? (size_t)(end - c - 1) : 0;
            if (n == 7 && !memcmp(c + 1, "dataset", 7)) {
                l4r_buf_add(s, x->dataset, x->dataset_len);
            } else if (n == 7 && !memcmp(c + 1, "user_id", 7)) {
                l4r_buf_add_u64(s, x->user);
            } else if (n == 7 && !memcmp(c + 1, "history", 7)) {
                l4r_buf_add(s, x->history.data, x->history.len);
            } else if (n == 6 && !memcmp(c + 1, "target", 6)) {
                l4r_buf_adds(s, "item_");
                l4r_buf_add_u64(s, x->target);
            } else {
                l4r_buf_addc(s, *c++);
                continue;
            }
            c = end + 1;
            continue;
        }
        l4r_buf_addc(s, *c++);
    }
}

/* One datapoint: {"task": ..., ["data_id": N, ]"instruction": ..., "input": ..., "output": ...} */
static void put_point(l4r_buf *b, l4r_buf *s, const prompt *pr, const sample *x, bool first, int64_t data_id)
{
    l4r_buf_adds(b, first ? "{\"task\": " : ", {\"task\": ");
    fill(s, "{dataset} ", x);
    l4r_buf_adds(s, task_name[pr->task]);
    l4r_json_py_str(b, s->data, s->len);
    if (data_id >= 0) {
        l4r_buf_adds(b, ", \"data_id\": ");
        l4r_buf_add_i64(b, data_id);
    }
    l4r_buf_adds(b, ", \"instruction\": ");
    l4r_json_py_str(b, pr->in, strlen(pr->in));
    l4r_buf_adds(b, ", \"input\": ");
    fill(s, pr->in, x);
    l4r_json_py_str(b, s->data, s->len);
    l4r_buf_adds(b, ", \"output\": ");
    fill(s, pr->out, x);
    l4r_json_py_str(b, s->data, s->len);
    l4r_buf_addc(b, '}');
}

/* {"arguments": vars(args) of generate_dataset.py / generate_dataset_eval.py as
 * generate_dataset.sh runs them, "data": [ */
static void put_head(l4r_buf *b, const sample *x, const char *indexing, int max_his, const char *mode,
                     const char *prompt_id)
{
    l4r_buf_adds(b, "{\"arguments\": {\"data_path\": \"./data/\", \"item_indexing\": ");
    l4r_json_py_str(b, indexing, strlen(indexing));
    l4r_buf_adds(b, ", \"tasks\": \"sequential,straightforward\", \"dataset\": ");
    l4r_json_py_str(b, x->dataset, x->dataset_len);
    l4r_buf_addf(b,
                 ", \"prompt_file\": \"./prompt.txt\", \"sequential_order\": \"original\", "
                 "\"collaborative_token_size\": 100, \"collaborative_cluster\": 10, "
                 "\"collaborative_last_token\": \"sequential\", \"collaborative_float32\": 0, "
                 "\"max_his\": %d, \"his_prefix\": 1, \"his_sep\": \" , \", \"skip_empty_his\": 1",
                 max_his);
    if (mode)
        l4r_buf_addf(b, ", \"mode\": \"%s\", \"prompt\": \"%s\"", mode, prompt_id);
    l4r_buf_adds(b, "}, \"data\": [");
}

/* Flush b into o when it is large (or always, with force). */
static l4r_status flush(l4r_out *o, l4r_buf *b, bool force, l4r_error *e)
{
    if (!force && b->len < (1u << 20))
        return L4R_OK;
    l4r_status st = l4r_out_write(o, b->data, b->len, e);
    b->len = 0;
    return st;
}

static l4r_status close_file(proc *p, l4r_out **o, l4r_buf *b, uint64_t rows, l4r_status st, l4r_error *e)
{
    if (!st)
        st = flush(*o, b, true, e);
    if (!st) {
        l4r_out_add_rows(*o, rows);
        st = l4r_out_close(*o, p->m, e);
    } else {
        l4r_out_abort(*o);
    }
    *o = NULL;
    b->len = 0;
    return st;
}

/* The history string of items seq[beg..end) (the last max_his of them), "item_N , item_M". */
static void history(sample *x, const uint32_t *seq, size_t beg, size_t end, int max_his)
{
    x->history.len = 0;
    if (max_his > 0 && end - beg > (size_t)max_his)
        beg = end - (size_t)max_his;
    for (size_t k = beg; k < end; k++) {
        if (k > beg)
            l4r_buf_adds(&x->history, " , ");
        l4r_buf_adds(&x->history, "item_");
        l4r_buf_add_u64(&x->history, seq[k]);
    }
}

typedef struct ukey {
    int64_t ts;
    uint32_t row, user;
} ukey;

static int cmp_ukey(const void *a, const void *b)
{
    const ukey *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* A raw id that OpenP5's line.split(" ") would cut, or that would end its line. */
static bool bad_id(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (s[k] == ' ' || s[k] == '\n' || s[k] == '\r')
            return true;
    return !n;
}

l4r_status l4r_sink_openp5(proc *p, l4r_error *e)
{
    const l4r_itab *t = p->t;
    const l4r_process_opts *o = p->o;
    const bool seqidx = o->openp5_indexing == 1;
    const char *indexing = seqidx ? "sequential" : "random";
    const int H = o->history_len > 0 ? o->history_len : 10;
    l4r_status st = L4R_OK;

    /* users in order of first appearance in the time-ordered rows: (time, source row) of the
     * first row of each group (groups are chronological, ties as --ties orders them) */
    ukey *uk = l4r_xmalloc((p->n_users ? p->n_users : 1) * sizeof *uk);
    size_t nu = 0;
    for (size_t u = 0; u < p->n_users; u++) {
        if (!p->ulen[u])
            continue;
        uint32_t r = p->idx[p->ubeg[u]];
        size_t n;
        const char *s = l4r_dict_str(t->users, (uint32_t)u, &n);
        if (p->ulen[u] < 2 && !st)
            st = l4r_err(e, L4R_EUSAGE,
                         "--format openp5: user '%.*s' has one interaction; OpenP5's validation example is "
                         "the second last (generate_dataset_eval.py stops with an IndexError): add "
                         "--user-core 2, or --kcore 5 as OpenP5 runs",
                         (int)n, s);
        if (bad_id(s, n) && !st)
            st = l4r_err(e, L4R_EUSAGE,
                         "--format openp5: user id '%.*s' is empty or holds a space or line break, which "
                         "OpenP5's line.split(\" \") of user_sequence.txt would cut: add --remap",
                         (int)n, s);
        uk[nu++] = (ukey){t->ts[r], r, (uint32_t)u};
    }
    qsort(uk, nu, sizeof *uk, cmp_ukey);
    for (size_t i = 0; !st && i < p->n_alive_items; i++) {
        size_t n;
        const char *s = l4r_dict_str(t->items, p->alive_items[i], &n);
        if (bad_id(s, n))
            st = l4r_err(e, L4R_EUSAGE,
                         "--format openp5: item id '%.*s' is empty or holds a space or line break, which "
                         "OpenP5's line.split(\" \") of user_sequence.txt would cut: add --remap",
                         (int)n, s);
    }

    /* item ids: ord[k] = the dict id of OpenP5 id 1001 + k; iid[dict id] = OpenP5 id */
    uint32_t *iid = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *iid);
    uint32_t *ord = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *ord);
    size_t ni = 0;
    for (int round = 0; !st && round < 2; round++) {
        for (size_t k = 0; k < nu; k++) {
            uint32_t u = uk[k].user, len = p->ulen[u];
            const uint32_t *g = p->idx + p->ubeg[u];
            /* sequential: the items but the last two, then the last two; random: all, in order */
            uint32_t beg = 0, end = len;
            if (seqidx) {
                uint32_t cut = len > 2 ? len - 2 : 0;
                beg = round ? cut : 0;
                end = round ? len : cut;
            } else if (round) {
                break;
            }
            for (uint32_t j = beg; j < end; j++) {
                uint32_t it = t->item[g[j]];
                if (!iid[it]) {
                    ord[ni] = it;
                    iid[it] = (uint32_t)(1001 + ni++);
                }
            }
        }
    }
    if (!st && !seqidx) {
        l4r_mt py;
        l4r_mt_py_seed(&py, o->seed);
        l4r_mt_py_shuffle(&py, ord, ni);
        for (size_t k = 0; k < ni; k++)
            iid[ord[k]] = (uint32_t)(1001 + k);
    }

    char *seqname = l4r_xasprintf("user_sequence_%s_indexing%s.txt", indexing, seqidx ? "_original" : "");
    char *itemname = l4r_xasprintf("item_%s_indexing%s.txt", indexing, seqidx ? "_original" : "");
    l4r_buf b = {0}, s = {0};
    l4r_out *out = NULL;
    uint32_t *seq = NULL;

    /* user_sequence.txt, user_indexing.txt, the sequences in the new ids */
    static const char *const plain[3] = {"user_sequence.txt", "user_indexing.txt", NULL};
    for (int f = 0; !st && f < 3; f++) {
        st = l4r_out_open(&out, p->dir, f < 2 ? plain[f] : seqname, e);
        for (size_t k = 0; !st && k < nu; k++) {
            uint32_t u = uk[k].user;
            size_t n;
            const char *us = l4r_dict_str(t->users, u, &n);
            if (f < 2)
                l4r_buf_add(&b, us, n);
            else
                l4r_buf_add_u64(&b, k + 1);
            if (f == 1) {
                l4r_buf_addc(&b, ' ');
                l4r_buf_add_u64(&b, k + 1);
            }
            for (uint32_t j = 0; f != 1 && j < p->ulen[u]; j++) {
                uint32_t it = t->item[p->idx[p->ubeg[u] + j]];
                l4r_buf_addc(&b, ' ');
                if (f == 0) {
                    const char *is = l4r_dict_str(t->items, it, &n);
                    l4r_buf_add(&b, is, n);
                } else {
                    l4r_buf_add_u64(&b, iid[it]);
                }
            }
            l4r_buf_addc(&b, '\n');
            st = flush(out, &b, false, e);
        }
        if (out)
            st = close_file(p, &out, &b, nu, st, e);
    }
    if (!st)
        st = l4r_out_open(&out, p->dir, itemname, e);
    for (size_t k = 0; !st && k < ni; k++) {
        size_t n;
        const char *is = l4r_dict_str(t->items, ord[k], &n);
        l4r_buf_add(&b, is, n);
        l4r_buf_addc(&b, ' ');
        l4r_buf_add_u64(&b, 1001 + k);
        l4r_buf_addc(&b, '\n');
        st = flush(out, &b, false, e);
    }
    if (out)
        st = close_file(p, &out, &b, ni, st, e);

    /* the JSON files: 0 train, 1 validation seen:0, 2 test seen:0, 3 test unseen:0 */
    sample x = {.dataset = p->stem ? p->stem : "", .dataset_len = p->stem ? strlen(p->stem) : 0};
    size_t maxlen = 0;
    for (size_t k = 0; k < nu; k++)
        if (p->ulen[uk[k].user] > maxlen)
            maxlen = p->ulen[uk[k].user];
    seq = l4r_xmalloc((maxlen ? maxlen : 1) * sizeof *seq);
    static const char *const kind[4] = {"train", "validation_seen:0", "test_seen:0", "test_unseen:0"};
    uint64_t rows[4] = {0};
    for (int f = 0; !st && f < 4; f++) {
        char *name = l4r_xasprintf("%.*s_sequential,straightforward_%s_%s.json", (int)x.dataset_len,
                                   x.dataset, indexing, kind[f]);
        st = l4r_out_open(&out, p->dir, name, e);
        free(name);
        if (st)
            break;
        if (f == 0)
            put_head(&b, &x, indexing, H, NULL, NULL);
        else
            put_head(&b, &x, indexing, H, f == 1 ? "validation" : "test", f == 3 ? "unseen:0" : "seen:0");
        bool first = true;
        int64_t data_id = 0;
        for (size_t k = 0; !st && k < nu; k++) {
            uint32_t u = uk[k].user, len = p->ulen[u];
            for (uint32_t j = 0; j < len; j++)
                seq[j] = iid[t->item[p->idx[p->ubeg[u] + j]]];
            x.user = k + 1;
            if (f == 0) {
                /* items[:-2], every position but the first (skip_empty_his) */
                uint32_t n = len > 2 ? len - 2 : 0;
                for (uint32_t i = 1; i < n; i++, data_id++) {
                    x.target = seq[i];
                    history(&x, seq, 0, i, H);
                    for (size_t q = 0; q < N_PROMPTS; q++) {
                        if (prompts[q].unseen)
                            continue;
                        put_point(&b, &s, &prompts[q], &x, first, data_id);
                        first = false;
                        rows[f]++;
                    }
                }
            } else {
                uint32_t at = f == 1 ? len - 2 : len - 1;
                x.target = seq[at];
                history(&x, seq, 0, at, H);
                for (int task = 0; task < 2; task++) {
                    put_point(&b, &s, first_prompt(task, f == 3), &x, first, -1);
                    first = false;
                    rows[f]++;
                }
            }
            st = flush(out, &b, false, e);
        }
        l4r_buf_adds(&b, "]}");
        st = close_file(p, &out, &b, rows[f], st, e);
    }

    l4r_manifest_set_str(p->m, "openp5.dataset", x.dataset);
    l4r_manifest_set_str(p->m, "openp5.indexing", indexing);
    l4r_manifest_set_int(p->m, "openp5.history", H);
    l4r_manifest_set_int(p->m, "openp5.seed", (int64_t)o->seed);
    l4r_manifest_set_int(p->m, "openp5.users", (int64_t)nu);
    l4r_manifest_set_int(p->m, "openp5.items", (int64_t)ni);
    l4r_manifest_set_int(p->m, "openp5.train_prompts", (int64_t)rows[0]);
    l4r_buf_free(&b);
    l4r_buf_free(&s);
    l4r_buf_free(&x.history);
    free(seq);
    free(seqname);
    free(itemname);
    free(ord);
    free(iid);
    free(uk);
    return st;
}
