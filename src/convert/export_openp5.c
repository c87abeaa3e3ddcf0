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
 *   item_SCHEME.txt              "ITEM ID\n", SCHEME random_indexing (ids from 1001, the default),
 *                                sequential_indexing_original (from 1001) or
 *                                collaborative_indexing_T_K_sequential ("<CI3><CI0>")
 *   user_sequence_SCHEME.txt     "N ID ID ...\n": the sequences in the new ids
 *   DATASET_sequential,straightforward_KIND_train.json
 *   DATASET_sequential,straightforward_KIND_validation_seen:0.json
 *   DATASET_sequential,straightforward_KIND_test_seen:0.json
 *   DATASET_sequential,straightforward_KIND_test_unseen:0.json
 *                                KIND random, sequential or collaborative_T_K_sequential (the
 *                                names train.py and generate_dataset_eval.py use)
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
 *   collaborative  generate_collaborative_id with last token "sequential": spectral clustering
 *               (spectral.c) of the co-occurrence counts within every user's items[:-2] into K
 *               (--openp5-clusters), again within every group of more than T (--openp5-tokens),
 *               a token <CI{n % T}> per group and level and the last the item's place in its
 *               final group; OpenP5's sets are lists in order of first appearance here.
 * Examples (generate_dataset*.py, max_his = --history, his_prefix 1, his_sep " , ",
 * skip_empty_his 1): train, per user and per position i >= 1 of the items but the last two, the
 * target item i after the (up to) --history items before it, each under the 10 "seen" prompts
 * of both tasks; validation: the second last item after the ones before it; test: the last,
 * after all before it; under prompt seen:0 (validation, test) and unseen:0 (test).
 *
 * In memory only; single-threaded, no draws but the shuffle, so any -j writes the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "mt19937.h"
#include "process_internal.h"
#include "spectral.h"

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

/* The OpenP5 id of every item: "1001", or "<CI3><CI0>" (collaborative), by dict id. */
typedef struct idtab {
    l4r_buf s;
    size_t *off;
    uint32_t *len;
} idtab;

static void id_put(l4r_buf *b, const idtab *ids, uint32_t item)
{
    l4r_buf_add(b, ids->s.data + ids->off[item], ids->len[item]);
}

/* One example's fields, as str.format fills them. */
typedef struct sample {
    const char *dataset;
    size_t dataset_len;
    uint64_t user;
    l4r_buf history; /* "item_1001 , item_1002" */
    uint32_t target; /* dict id */
    const idtab *ids;
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
                id_put(s, x->ids, x->target);
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
static void put_head(l4r_buf *b, const sample *x, const char *indexing, int tokens, int clusters, int max_his,
                     const char *mode, const char *prompt_id)
{
    l4r_buf_adds(b, "{\"arguments\": {\"data_path\": \"./data/\", \"item_indexing\": ");
    l4r_json_py_str(b, indexing, strlen(indexing));
    l4r_buf_adds(b, ", \"tasks\": \"sequential,straightforward\", \"dataset\": ");
    l4r_json_py_str(b, x->dataset, x->dataset_len);
    l4r_buf_addf(b,
                 ", \"prompt_file\": \"./prompt.txt\", \"sequential_order\": \"original\", "
                 "\"collaborative_token_size\": %d, \"collaborative_cluster\": %d, "
                 "\"collaborative_last_token\": \"sequential\", \"collaborative_float32\": 0, "
                 "\"max_his\": %d, \"his_prefix\": 1, \"his_sep\": \" , \", \"skip_empty_his\": 1",
                 tokens, clusters, max_his);
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
        id_put(&x->history, x->ids, seq[k]);
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

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* A group of train items (local ids) waiting in OpenP5's BFS queue. */
typedef struct group {
    uint32_t *m;
    size_t n;
} group;

typedef struct queue {
    group *g;
    size_t head, n, cap;
} queue;

static void push(queue *q, uint32_t *m, size_t n)
{
    if (q->n == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->g = l4r_xrealloc(q->g, q->cap * sizeof *q->g);
    }
    q->g[q->n++] = (group){m, n};
}

/* Split members m[0..n) by label into groups in order of first appearance of each label (a
 * defaultdict filled in member order), give every member of the g-th group the token
 * <CI{index_now % T}> as add_token_to_indexing does, and queue the groups. */
static void split_groups(queue *q, const uint32_t *m, size_t n, const int *label, int K, int T,
                         int *index_now, l4r_buf *tok, const uint32_t *dict_of)
{
    int *gid = l4r_xmalloc((size_t)K * sizeof *gid);
    size_t *size = l4r_xcalloc((size_t)K, sizeof *size);
    int ng = 0;
    for (int c = 0; c < K; c++)
        gid[c] = -1;
    int *order = l4r_xmalloc((size_t)K * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        if (gid[label[i]] < 0) {
            gid[label[i]] = ng;
            order[ng++] = label[i];
        }
        size[gid[label[i]]]++;
    }
    for (int g = 0; g < ng; g++) {
        uint32_t *mm = l4r_xmalloc(size[g] * sizeof *mm);
        size_t at = 0;
        *index_now %= T;
        for (size_t i = 0; i < n; i++)
            if (label[i] == order[g]) {
                mm[at++] = m[i];
                l4r_buf_addf(&tok[dict_of[m[i]]], "<CI%d>", *index_now);
            }
        (*index_now)++;
        push(q, mm, at);
    }
    free(order);
    free(size);
    free(gid);
}

/* OpenP5's generate_collaborative_id (last token "sequential"): the co-occurrence counts of
 * the items in every user's items[:-2] (train items in order of first appearance there),
 * spectral clustering into K, again on every group of more than T items (BFS), the last token
 * the member's place in its final group; items seen only in the last two get <CI{i}> in order
 * of first appearance.  ord gets the items in OpenP5's item_map order. */
static l4r_status collaborative(proc *p, const ukey *uk, size_t nu, int T, int K, l4r_buf *tok, uint32_t *ord,
                                size_t *n_ord, l4r_error *e)
{
    const l4r_itab *t = p->t;
    uint32_t *loc = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *loc);
    uint32_t *dict_of = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *dict_of);
    for (size_t i = 0; i < p->n_items; i++)
        loc[i] = UINT32_MAX;
    size_t n = 0, occ_n = 0;
    for (size_t k = 0; k < nu; k++) {
        uint32_t u = uk[k].user, len = p->ulen[u], cut = len > 2 ? len - 2 : 0;
        for (uint32_t j = 0; j < cut; j++) {
            uint32_t it = t->item[p->idx[p->ubeg[u] + j]];
            if (loc[it] == UINT32_MAX) {
                dict_of[n] = it;
                loc[it] = (uint32_t)n++;
            }
            occ_n++;
        }
    }
    if (n <= (size_t)K) {
        free(loc);
        free(dict_of);
        return l4r_err(e, L4R_EUSAGE,
                       "--openp5-indexing collaborative: %zu items in the training part, not more than the "
                       "%d clusters (--openp5-clusters) spectral clustering needs",
                       n, K);
    }
    /* occurrences of each train item: the users (positions in uk) holding it, once per time */
    size_t *obeg = l4r_xcalloc(n + 1, sizeof *obeg);
    uint32_t *occ = l4r_xmalloc((occ_n ? occ_n : 1) * sizeof *occ);
    for (size_t k = 0; k < nu; k++) {
        uint32_t u = uk[k].user, len = p->ulen[u], cut = len > 2 ? len - 2 : 0;
        for (uint32_t j = 0; j < cut; j++)
            obeg[loc[t->item[p->idx[p->ubeg[u] + j]]] + 1]++;
    }
    for (size_t a = 0; a < n; a++)
        obeg[a + 1] += obeg[a];
    size_t *fillp = l4r_xmalloc((n ? n : 1) * sizeof *fillp);
    memcpy(fillp, obeg, n * sizeof *fillp);
    for (size_t k = 0; k < nu; k++) {
        uint32_t u = uk[k].user, len = p->ulen[u], cut = len > 2 ? len - 2 : 0;
        for (uint32_t j = 0; j < cut; j++)
            occ[fillp[loc[t->item[p->idx[p->ubeg[u] + j]]]]++] = (uint32_t)k;
    }
    free(fillp);
    /* A[a][b] = sum over users of count(a) * count(b), a != b (the pairs of combinations()) */
    l4r_csr A = {n, l4r_xmalloc((n + 1) * sizeof(size_t)), NULL, NULL};
    double *acc = l4r_xcalloc(n, sizeof *acc);
    uint32_t *touched = l4r_xmalloc(n * sizeof *touched);
    size_t cap = 1024, nnz = 0;
    A.col = l4r_xmalloc(cap * sizeof *A.col);
    A.val = l4r_xmalloc(cap * sizeof *A.val);
    for (size_t a = 0; a < n; a++) {
        size_t nt = 0;
        A.ptr[a] = nnz;
        for (size_t q = obeg[a]; q < obeg[a + 1]; q++) {
            uint32_t u = uk[occ[q]].user, len = p->ulen[u], cut = len > 2 ? len - 2 : 0;
            for (uint32_t j = 0; j < cut; j++) {
                uint32_t bb = loc[t->item[p->idx[p->ubeg[u] + j]]];
                if (bb == a)
                    continue;
                if (acc[bb] == 0)
                    touched[nt++] = bb;
                acc[bb] += 1;
            }
        }
        qsort(touched, nt, sizeof *touched, cmp_u32);
        if (nnz + nt > cap) {
            while (nnz + nt > cap)
                cap *= 2;
            A.col = l4r_xrealloc(A.col, cap * sizeof *A.col);
            A.val = l4r_xrealloc(A.val, cap * sizeof *A.val);
        }
        for (size_t q = 0; q < nt; q++) {
            A.col[nnz] = touched[q];
            A.val[nnz++] = acc[touched[q]];
            acc[touched[q]] = 0;
        }
    }
    A.ptr[n] = nnz;
    free(acc);
    free(touched);
    free(occ);
    free(obeg);

    l4r_status st = L4R_OK;
    int index_now = 0;
    queue q = {0};
    int *label = l4r_xmalloc(n * sizeof *label);
    uint32_t *all = l4r_xmalloc(n * sizeof *all);
    for (size_t a = 0; a < n; a++)
        all[a] = (uint32_t)a;
    int unconverged = 0, runs = 1;
    unconverged += l4r_spectral_cluster_qr(&A, K, label) < 0;
    split_groups(&q, all, n, label, K, T, &index_now, tok, dict_of);
    size_t top_groups = q.n;
    /* item_map's order: the first layer's groups, members in order */
    *n_ord = 0;
    for (size_t g = 0; g < top_groups; g++)
        for (size_t i = 0; i < q.g[g].n; i++)
            ord[(*n_ord)++] = dict_of[q.g[g].m[i]];
    free(all);
    while (!st && q.head < q.n) {
        group g = q.g[q.head++];
        if (g.n <= (size_t)T) {
            for (size_t i = 0; i < g.n; i++)
                l4r_buf_addf(&tok[dict_of[g.m[i]]], "<CI%zu>", i);
        } else {
            l4r_csr sub;
            l4r_csr_sub(&A, g.m, g.n, &sub);
            unconverged += l4r_spectral_cluster_qr(&sub, K, label) < 0;
            runs++;
            l4r_csr_free(&sub);
            bool one = true;
            for (size_t i = 1; i < g.n && one; i++)
                one = label[i] == label[0];
            if (one)
                st = l4r_err(
                    e, L4R_EUSAGE,
                    "--openp5-indexing collaborative: a cluster of %zu items did not split into smaller "
                    "ones (OpenP5 loops forever here): raise --openp5-tokens",
                    g.n);
            else
                split_groups(&q, g.m, g.n, label, K, T, &index_now, tok, dict_of);
        }
        free(g.m);
    }
    while (q.head < q.n)
        free(q.g[q.head++].m);
    free(q.g);
    free(label);
    l4r_csr_free(&A);
    /* the items of the last two only, in order of first appearance */
    size_t rest = 0;
    for (size_t k = 0; !st && k < nu; k++) {
        uint32_t u = uk[k].user, len = p->ulen[u];
        for (uint32_t j = len > 2 ? len - 2 : 0; j < len; j++) {
            uint32_t it = t->item[p->idx[p->ubeg[u] + j]];
            if (loc[it] != UINT32_MAX)
                continue;
            loc[it] = (uint32_t)(n + rest);
            l4r_buf_addf(&tok[it], "<CI%zu>", rest++);
            ord[(*n_ord)++] = it;
        }
    }
    l4r_manifest_set_int(p->m, "openp5.collaborative.clusterings", runs);
    l4r_manifest_set_int(p->m, "openp5.collaborative.unconverged", unconverged);
    free(loc);
    free(dict_of);
    return st;
}

l4r_status l4r_sink_openp5(proc *p, l4r_error *e)
{
    const l4r_itab *t = p->t;
    const l4r_process_opts *o = p->o;
    const bool seqidx = o->openp5_indexing == 1, collab = o->openp5_indexing == 2;
    static const char *const scheme_name[3] = {"random", "sequential", "collaborative"};
    const char *indexing = scheme_name[o->openp5_indexing];
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
        uk[nu++] = (ukey){l4r_itab_ts(t, r), r, (uint32_t)u};
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

    /* item ids: ord[k] = the dict id of the k-th line of the item index file */
    const int T = o->openp5_tokens > 0 ? o->openp5_tokens : 100,
              K = o->openp5_clusters > 0 ? o->openp5_clusters : 10;
    uint32_t *ord = l4r_xmalloc((p->n_items ? p->n_items : 1) * sizeof *ord);
    idtab ids = {{0},
                 l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof(size_t)),
                 l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof(uint32_t))};
    size_t ni = 0;
    if (!st && collab && T < K)
        st = l4r_err(e, L4R_EUSAGE,
                     "--openp5-tokens %d is below --openp5-clusters %d: a group of more than %d items could "
                     "then hold fewer items than clusters to split it into",
                     T, K, T);
    if (!st && collab) {
        l4r_buf *tok = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *tok);
        st = collaborative(p, uk, nu, T, K, tok, ord, &ni, e);
        for (size_t k = 0; !st && k < ni; k++) {
            ids.off[ord[k]] = ids.s.len;
            l4r_buf_add(&ids.s, tok[ord[k]].data, tok[ord[k]].len);
            ids.len[ord[k]] = (uint32_t)(ids.s.len - ids.off[ord[k]]);
        }
        for (size_t i = 0; i < p->n_items; i++)
            l4r_buf_free(&tok[i]);
        free(tok);
    } else if (!st) {
        bool *seen = l4r_xcalloc(p->n_items ? p->n_items : 1, sizeof *seen);
        for (int round = 0; round < 2; round++) {
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
                    if (!seen[it]) {
                        seen[it] = true;
                        ord[ni++] = it;
                    }
                }
            }
        }
        free(seen);
        if (!seqidx) {
            l4r_mt py;
            l4r_mt_py_seed(&py, o->seed);
            l4r_mt_py_shuffle(&py, ord, ni);
        }
        for (size_t k = 0; k < ni; k++) {
            ids.off[ord[k]] = ids.s.len;
            l4r_buf_add_u64(&ids.s, 1001 + k);
            ids.len[ord[k]] = (uint32_t)(ids.s.len - ids.off[ord[k]]);
        }
    }

    /* the names: random_indexing, sequential_indexing_original, collaborative_indexing_T_K_sequential */
    char *scheme = collab ? l4r_xasprintf("collaborative_indexing_%d_%d_sequential", T, K)
                          : l4r_xasprintf("%s_indexing%s", indexing, seqidx ? "_original" : "");
    char *jsonkind = collab ? l4r_xasprintf("collaborative_%d_%d_sequential", T, K) : l4r_xstrdup(indexing);
    char *seqname = l4r_xasprintf("user_sequence_%s.txt", scheme);
    char *itemname = l4r_xasprintf("item_%s.txt", scheme);
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
                    id_put(&b, &ids, it);
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
        id_put(&b, &ids, ord[k]);
        l4r_buf_addc(&b, '\n');
        st = flush(out, &b, false, e);
    }
    if (out)
        st = close_file(p, &out, &b, ni, st, e);

    /* the JSON files: 0 train, 1 validation seen:0, 2 test seen:0, 3 test unseen:0 */
    sample x = {.dataset = p->stem ? p->stem : "", .dataset_len = p->stem ? strlen(p->stem) : 0, .ids = &ids};
    size_t maxlen = 0;
    for (size_t k = 0; k < nu; k++)
        if (p->ulen[uk[k].user] > maxlen)
            maxlen = p->ulen[uk[k].user];
    seq = l4r_xmalloc((maxlen ? maxlen : 1) * sizeof *seq);
    static const char *const kind[4] = {"train", "validation_seen:0", "test_seen:0", "test_unseen:0"};
    uint64_t rows[4] = {0};
    for (int f = 0; !st && f < 4; f++) {
        char *name = l4r_xasprintf("%.*s_sequential,straightforward_%s_%s.json", (int)x.dataset_len,
                                   x.dataset, jsonkind, kind[f]);
        st = l4r_out_open(&out, p->dir, name, e);
        free(name);
        if (st)
            break;
        if (f == 0)
            put_head(&b, &x, indexing, T, K, H, NULL, NULL);
        else
            put_head(&b, &x, indexing, T, K, H, f == 1 ? "validation" : "test",
                     f == 3 ? "unseen:0" : "seen:0");
        bool first = true;
        int64_t data_id = 0;
        for (size_t k = 0; !st && k < nu; k++) {
            uint32_t u = uk[k].user, len = p->ulen[u];
            for (uint32_t j = 0; j < len; j++)
                seq[j] = t->item[p->idx[p->ubeg[u] + j]];
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
    if (collab) {
        l4r_manifest_set_int(p->m, "openp5.collaborative.token_size", T);
        l4r_manifest_set_int(p->m, "openp5.collaborative.clusters", K);
    }
    l4r_manifest_set_int(p->m, "openp5.history", H);
    l4r_manifest_set_int(p->m, "openp5.seed", (int64_t)o->seed);
    l4r_manifest_set_int(p->m, "openp5.users", (int64_t)nu);
    l4r_manifest_set_int(p->m, "openp5.items", (int64_t)ni);
    l4r_manifest_set_int(p->m, "openp5.train_prompts", (int64_t)rows[0]);
    l4r_buf_free(&b);
    l4r_buf_free(&s);
    l4r_buf_free(&x.history);
    l4r_buf_free(&ids.s);
    free(ids.off);
    free(ids.len);
    free(seq);
    free(seqname);
    free(itemname);
    free(scheme);
    free(jsonkind);
    free(ord);
    free(uk);
    return st;
}
