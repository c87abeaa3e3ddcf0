/*
 * audit.c — checks a train/valid/test split on disk for the ways a split leaks or inflates
 * results (l4r_audit_dir in llm4rec_data.h; the checks, thresholds and reasons are in
 * docs/AUDIT.md).
 *
 * How: the layout (our TSV, RecBole atomic files, SASRec's NAME.txt, P5's sequential_data.txt)
 * is read into one row table (user, item, time, part), ids interned in two dictionaries.  Every
 * check then works on that table: a stable counting sort by user gives each user's rows in
 * train, valid, test order (file order inside a part), and, when there is time, a stable sort of
 * each user's rows by time gives the sequence the split was cut from (ties keep part order, which
 * is the order the split itself chose).  Histories carried next to the split (our JSONL, an
 * Amazon 2023 `history` column, RecBole's `item_id_list`) are checked as they are read.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert/table.h"
#include "util.h"

#define MAX_VALUES 12

typedef struct finding {
    l4r_audit_finding pub;
    l4r_audit_value vals[MAX_VALUES];
    char *numbers;
    char *explanation;
} finding;

struct l4r_audit {
    const char *format;
    char *also; /* other layouts present */
    char *files;
    l4r_dict *users, *items;
    size_t n, cap;
    uint32_t *user, *item;
    double *ts;
    uint8_t *part;
    bool timed;
    size_t rows[3];
    /* histories: rows that carry one, and those whose history holds the target */
    uint64_t hist_rows, hist_hits;
    char *hist_first; /* where the first hit is ("test.jsonl line 3") */
    l4r_buf hist_files;
    finding f[16];
    size_t nf;
};

const char *l4r_audit_severity_name(l4r_audit_severity s)
{
    switch (s) {
    case L4R_AUDIT_SKIPPED: return "skipped";
    case L4R_AUDIT_OK: return "ok";
    case L4R_AUDIT_INFO: return "info";
    case L4R_AUDIT_WARN: return "warn";
    case L4R_AUDIT_ERROR: return "error";
    }
    return "?";
}

/* ---- the row table ---- */

static void push(l4r_audit *a, uint32_t u, uint32_t i, double ts, int part)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 4096;
        a->user = l4r_xrealloc(a->user, a->cap * sizeof *a->user);
        a->item = l4r_xrealloc(a->item, a->cap * sizeof *a->item);
        a->ts = l4r_xrealloc(a->ts, a->cap * sizeof *a->ts);
        a->part = l4r_xrealloc(a->part, a->cap);
    }
    a->user[a->n] = u;
    a->item[a->n] = i;
    a->ts[a->n] = ts;
    a->part[a->n] = (uint8_t)part;
    a->n++;
    a->rows[part]++;
}

static void add_file(l4r_audit *a, const char *name)
{
    char *old = a->files;
    a->files = old ? l4r_xasprintf("%s %s", old, name) : l4r_xstrdup(name);
    free(old);
}

/* ---- reading ---- */

/* Undo RFC 4180 quoting in place (docs/FORMAT.md: a field holding '"' is wrapped and its quotes
 * doubled; no field holds a TAB or a line break).  Returns the new length. */
static size_t unquote(char *s, size_t n)
{
    if (n < 2 || s[0] != '"' || s[n - 1] != '"')
        return n;
    size_t o = 0;
    for (size_t k = 1; k + 1 < n; k++) {
        s[o++] = s[k];
        if (s[k] == '"' && k + 2 < n && s[k + 1] == '"')
            k++;
    }
    return o;
}

/* Split a line at TABs into at most max fields (unquoted); returns the count. */
static size_t split_tabs(char *line, size_t n, char **fld, size_t *len, size_t max)
{
    size_t k = 0;
    char *p = line, *end = line + n;
    while (k < max) {
        char *t = memchr(p, '\t', (size_t)(end - p));
        size_t l = t ? (size_t)(t - p) : (size_t)(end - p);
        fld[k] = p;
        len[k] = unquote(p, l);
        p[len[k]] = '\0';
        k++;
        if (!t)
            break;
        p = t + 1;
    }
    return k;
}

static bool contains_token(const char *list, size_t n, const char *tok, size_t tn)
{
    size_t k = 0;
    while (k < n) {
        while (k < n && list[k] == ' ')
            k++;
        size_t s = k;
        while (k < n && list[k] != ' ')
            k++;
        if (k > s && k - s == tn && !memcmp(list + s, tok, tn))
            return true;
    }
    return false;
}

static void history_seen(l4r_audit *a, bool hit, const char *file, uint64_t line)
{
    a->hist_rows++;
    if (!hit)
        return;
    if (!a->hist_hits)
        a->hist_first = l4r_xasprintf("%s line %" PRIu64, file, line);
    a->hist_hits++;
}

static void note_hist_file(l4r_audit *a, const char *name)
{
    if (a->hist_files.len)
        l4r_buf_addc(&a->hist_files, ' ');
    l4r_buf_adds(&a->hist_files, name);
}

/* A TSV with a header: ours (user_id, item_id, rating, timestamp[, history]) or RecBole's
 * (user_id:token, item_id:token, ..., timestamp:float[, item_id_list:token_seq]). */
static l4r_status read_table(l4r_audit *a, const char *dir, const char *name, int part, l4r_error *e)
{
    char *path = l4r_path_join(dir, name);
    FILE *f = fopen(path, "rb");
    l4r_status st = L4R_OK;
    char *line = NULL;
    size_t cap = 0;
    if (!f) {
        st = l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto out;
    }
    add_file(a, name);
    ssize_t got;
    uint64_t lineno = 0;
    int cu = -1, ci = -1, ct = -1, ch = -1;
    size_t ncol = 0;
    char *fld[64];
    size_t len[64];
    while ((got = getline(&line, &cap, f)) >= 0) {
        size_t n = (size_t)got;
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (lineno == 1) {
            ncol = split_tabs(line, n, fld, len, 64);
            for (size_t k = 0; k < ncol; k++) {
                char *colon = strchr(fld[k], ':');
                if (colon)
                    *colon = '\0';
                if (!strcmp(fld[k], "user_id"))
                    cu = (int)k;
                else if (!strcmp(fld[k], "item_id"))
                    ci = (int)k;
                else if (!strcmp(fld[k], "timestamp"))
                    ct = (int)k;
                else if (!strcmp(fld[k], "history") || !strcmp(fld[k], "item_id_list"))
                    ch = (int)k;
            }
            if (cu < 0 || ci < 0) {
                st = l4r_err(e, L4R_EPARSE, "'%s' line 1: expected a header with user_id and item_id columns",
                             path);
                goto out;
            }
            if (ch >= 0)
                note_hist_file(a, name);
            continue;
        }
        if (n == 0)
            continue;
        size_t k = split_tabs(line, n, fld, len, 64);
        if (k <= (size_t)cu || k <= (size_t)ci || (ct >= 0 && k <= (size_t)ct)) {
            st = l4r_err(e, L4R_EPARSE, "'%s' line %" PRIu64 ": expected %zu tab-separated fields, found %zu",
                         path, lineno, ncol, k);
            goto out;
        }
        double ts = 0;
        if (ct >= 0 && len[ct]) {
            char *end;
            errno = 0;
            ts = strtod(fld[ct], &end);
            if (errno || *end || !isfinite(ts)) {
                st = l4r_err(e, L4R_EPARSE, "'%s' line %" PRIu64 ", field timestamp: not a number: '%s'",
                             path, lineno, fld[ct]);
                goto out;
            }
        } else {
            a->timed = false;
        }
        if (!len[cu] || !len[ci]) {
            st = l4r_err(e, L4R_EPARSE, "'%s' line %" PRIu64 ": empty user or item id", path, lineno);
            goto out;
        }
        uint32_t u = l4r_dict_intern(a->users, fld[cu], len[cu]);
        uint32_t i = l4r_dict_intern(a->items, fld[ci], len[ci]);
        push(a, u, i, ts, part);
        if (ch >= 0 && (size_t)ch < k && len[ch])
            history_seen(a, contains_token(fld[ch], len[ch], fld[ci], len[ci]), name, lineno);
    }
    if (ferror(f))
        st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", path, strerror(errno));
out:
    if (f)
        fclose(f);
    free(line);
    free(path);
    return st;
}

/* SASRec's NAME.txt ("user item" per line, each user's lines in time order) or P5's
 * sequential_data.txt ("user item item ...").  Split as SASRec's data_partition does: the last
 * item is test, the second last valid, the rest train; a user with fewer than 3 items is train
 * only. */
static l4r_status read_sequences(l4r_audit *a, const char *dir, const char *name, bool pairs, l4r_error *e)
{
    char *path = l4r_path_join(dir, name);
    FILE *f = fopen(path, "rb");
    l4r_status st = L4R_OK;
    char *line = NULL;
    size_t cap = 0;
    uint32_t *seq = NULL;
    size_t nseq = 0, seqcap = 0;
    uint32_t cur = UINT32_MAX;
    uint8_t *done = NULL;
    size_t donecap = 0;
    if (!f) {
        st = l4r_err(e, L4R_EIO, "cannot open '%s': %s", path, strerror(errno));
        goto out;
    }
    add_file(a, name);
    a->timed = false;
    ssize_t got;
    uint64_t lineno = 0;
    for (;;) {
        got = getline(&line, &cap, f);
        size_t n = got > 0 ? (size_t)got : 0;
        lineno++;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        char *tok[2] = {NULL, NULL};
        size_t ntok = 0;
        uint32_t u = UINT32_MAX;
        if (got >= 0 && n) {
            char *p = line, *end = line + n;
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            char *s = p;
            while (p < end && *p != ' ' && *p != '\t')
                p++;
            u = l4r_dict_intern(a->users, s, (size_t)(p - s));
            tok[0] = p;
            ntok = 1;
        }
        /* a user's run ends at a new user (SASRec) or at every line (P5) */
        if (got < 0 || (n && (!pairs || u != cur))) {
            if (cur != UINT32_MAX) {
                for (size_t k = 0; k < nseq; k++) {
                    int part = nseq < 3 ? 0 : k + 1 == nseq ? 2 : k + 2 == nseq ? 1 : 0;
                    push(a, cur, seq[k], (double)k, part);
                }
            }
            nseq = 0;
            cur = u;
        }
        if (got < 0)
            break;
        if (!ntok)
            continue;
        char *p = tok[0], *end = line + n;
        size_t items = 0;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            char *s = p;
            while (p < end && *p != ' ' && *p != '\t')
                p++;
            if (p == s)
                break;
            if (nseq == seqcap) {
                seqcap = seqcap ? seqcap * 2 : 64;
                seq = l4r_xrealloc(seq, seqcap * sizeof *seq);
            }
            seq[nseq++] = l4r_dict_intern(a->items, s, (size_t)(p - s));
            items++;
        }
        if (pairs ? items != 1 : items == 0) {
            st = l4r_err(e, L4R_EPARSE, "'%s' line %" PRIu64 ": expected '%s'", path, lineno,
                         pairs ? "user item" : "user item item ...");
            goto out;
        }
        if (nseq == items) {
            /* a new run: SASRec's reader appends to User[u] wherever the line is, so a user seen
             * before in another run would be cut in two here; refuse rather than guess */
            size_t nu = l4r_dict_size(a->users);
            if (nu > donecap) {
                done = l4r_xrealloc(done, nu * 2);
                memset(done + donecap, 0, nu * 2 - donecap);
                donecap = nu * 2;
            }
            if (done[u]) {
                st = l4r_err(e, L4R_EPARSE,
                             "'%s' line %" PRIu64 ": user '%.*s' appears again after other users", path,
                             lineno, (int)(tok[0] - line), line);
                goto out;
            }
            done[u] = 1;
        }
    }
    if (ferror(f))
        st = l4r_err(e, L4R_EIO, "cannot read '%s': %s", path, strerror(errno));
out:
    if (f)
        fclose(f);
    free(line);
    free(path);
    free(seq);
    free(done);
    return st;
}

/* Our JSONL examples: history_item_ids must not hold target_item_id. */
static l4r_status read_jsonl(l4r_audit *a, const char *dir, const char *name, l4r_error *e)
{
    char *path = l4r_path_join(dir, name);
    FILE *f = fopen(path, "rb");
    l4r_status st = L4R_OK;
    char *line = NULL;
    size_t cap = 0;
    if (!f)
        goto out; /* optional */
    note_hist_file(a, name);
    ssize_t got;
    uint64_t lineno = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (got <= 1)
            continue;
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)got, 0, &je);
        if (!o || !json_is_object(o)) {
            json_decref(o);
            st =
                l4r_err(e, L4R_EPARSE, "'%s' line %" PRIu64 ": not a JSON object: %s", path, lineno, je.text);
            goto out;
        }
        json_t *h = json_object_get(o, "history_item_ids");
        json_t *t = json_object_get(o, "target_item_id");
        if (json_is_array(h) && t) {
            bool hit = false;
            size_t k;
            json_t *v;
            json_array_foreach(h, k, v)
            {
                if (json_equal(v, t))
                    hit = true;
            }
            history_seen(a, hit, name, lineno);
        }
        json_decref(o);
    }
out:
    if (f)
        fclose(f);
    free(line);
    free(path);
    return st;
}

/* ---- layout detection ---- */

typedef struct layout {
    const char *format;
    char *name[3]; /* train, valid, test files; or name[0] = the sequence file */
} layout;

static bool find_suffix(const char *dir, const char *suffix, char **out)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    struct dirent *de;
    size_t sl = strlen(suffix);
    char *best = NULL;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > sl && !strcmp(de->d_name + l - sl, suffix) && de->d_name[0] != '.') {
            /* the first in byte order, so the choice does not depend on readdir order */
            if (!best || strcmp(de->d_name, best) < 0) {
                free(best);
                best = l4r_xstrdup(de->d_name);
            }
        }
    }
    closedir(d);
    *out = best;
    return best != NULL;
}

static bool exists(const char *dir, const char *name)
{
    char *p = l4r_path_join(dir, name);
    bool ok = l4r_is_file(p);
    free(p);
    return ok;
}

/* Fill L for format fmt; false when DIR has no such layout. */
static bool detect(const char *dir, const char *fmt, layout *L)
{
    memset(L, 0, sizeof *L);
    L->format = fmt;
    if (!strcmp(fmt, "tsv")) {
        if (!exists(dir, "train.tsv") || !exists(dir, "test.tsv"))
            return false;
        L->name[0] = l4r_xstrdup("train.tsv");
        L->name[1] = exists(dir, "valid.tsv") ? l4r_xstrdup("valid.tsv") : NULL;
        L->name[2] = l4r_xstrdup("test.tsv");
        return true;
    }
    if (!strcmp(fmt, "recbole")) {
        char *tr = NULL;
        if (!find_suffix(dir, ".train.inter", &tr))
            return false;
        size_t base = strlen(tr) - strlen(".train.inter");
        char *te = l4r_xasprintf("%.*s.test.inter", (int)base, tr);
        char *va = l4r_xasprintf("%.*s.valid.inter", (int)base, tr);
        if (!exists(dir, te)) {
            free(tr);
            free(te);
            free(va);
            return false;
        }
        L->name[0] = tr;
        L->name[2] = te;
        if (exists(dir, va))
            L->name[1] = va;
        else
            free(va);
        return true;
    }
    if (!strcmp(fmt, "p5")) {
        if (!exists(dir, "sequential_data.txt"))
            return false;
        L->name[0] = l4r_xstrdup("sequential_data.txt");
        return true;
    }
    if (!strcmp(fmt, "sasrec")) {
        DIR *d = opendir(dir);
        if (!d)
            return false;
        struct dirent *de;
        char *best = NULL;
        while ((de = readdir(d))) {
            const char *nm = de->d_name;
            size_t l = strlen(nm);
            /* P5's and OpenP5's own .txt files are not SASRec's */
            if (l > 4 && nm[0] != '.' && !strcmp(nm + l - 4, ".txt") && strcmp(nm, "sequential_data.txt") &&
                strcmp(nm, "negative_samples.txt") && strcmp(nm, "user_sequence.txt") &&
                (!best || strcmp(nm, best) < 0)) {
                free(best);
                best = l4r_xstrdup(nm);
            }
        }
        closedir(d);
        if (!best)
            return false;
        L->name[0] = best;
        return true;
    }
    return false;
}

static void layout_free(layout *L)
{
    for (int k = 0; k < 3; k++)
        free(L->name[k]);
}

/* ---- findings ---- */

static finding *add(l4r_audit *a, const char *check, l4r_audit_severity sev, const char *explanation)
{
    finding *f = &a->f[a->nf++];
    f->pub.check = check;
    f->pub.severity = sev;
    f->explanation = l4r_xstrdup(explanation);
    f->pub.explanation = f->explanation;
    f->pub.values = f->vals;
    return f;
}

static void val(finding *f, const char *key, double v, bool integer)
{
    if (f->pub.n_values >= MAX_VALUES)
        return;
    f->vals[f->pub.n_values].key = key;
    f->vals[f->pub.n_values].value = v;
    f->vals[f->pub.n_values].integer = integer;
    f->pub.n_values++;
}

static void numbers(finding *f, const char *fmt, ...) L4R_PRINTF(2, 3);
static void numbers(finding *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(f->numbers);
    f->numbers = l4r_xstrdup(buf);
    f->pub.numbers = f->numbers;
}

static double share(uint64_t k, uint64_t n)
{
    return n ? (double)k / (double)n : 0;
}

/* Rows grouped by user (stable: part order, then file order) in idx, users' ranges in start. */
static void group_by_user(const l4r_audit *a, uint32_t **idx_out, size_t **start_out)
{
    size_t nu = l4r_dict_size(a->users);
    size_t *start = l4r_xcalloc(nu + 1, sizeof *start);
    uint32_t *idx = l4r_xmalloc((a->n ? a->n : 1) * sizeof *idx);
    for (size_t r = 0; r < a->n; r++)
        start[a->user[r] + 1]++;
    for (size_t u = 0; u < nu; u++)
        start[u + 1] += start[u];
    size_t *fill = l4r_xmalloc((nu + 1) * sizeof *fill);
    memcpy(fill, start, (nu + 1) * sizeof *fill);
    /* parts were read train, valid, test, but sequence files interleave them: order by part */
    for (int p = 0; p < 3; p++)
        for (size_t r = 0; r < a->n; r++)
            if (a->part[r] == p)
                idx[fill[a->user[r]]++] = (uint32_t)r;
    free(fill);
    *idx_out = idx;
    *start_out = start;
}

static const double *g_ts;
static int by_time(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (g_ts[a] != g_ts[b])
        return g_ts[a] < g_ts[b] ? -1 : 1;
    return a < b ? -1 : a > b; /* stable: idx holds rows in part order, and rows are read in that order */
}

/* The integer value of an item id, when it is one. */
static bool item_int(const l4r_audit *a, uint32_t i, long long *v)
{
    size_t n;
    const char *s = l4r_dict_str(a->items, i, &n);
    if (!n || n > 18)
        return false;
    long long x = 0;
    size_t k = 0;
    bool neg = s[0] == '-';
    if (neg)
        k = 1;
    if (k == n)
        return false;
    for (; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return false;
        x = x * 10 + (s[k] - '0');
    }
    *v = neg ? -x : x;
    return true;
}

static int item_cmp(const l4r_audit *a, uint32_t x, uint32_t y, const long long *num)
{
    if (num)
        return num[x] < num[y] ? -1 : num[x] > num[y];
    size_t nx, ny;
    const char *sx = l4r_dict_str(a->items, x, &nx), *sy = l4r_dict_str(a->items, y, &ny);
    int c = memcmp(sx, sy, nx < ny ? nx : ny);
    return c ? c : (nx < ny ? -1 : nx > ny);
}

typedef struct pairkey {
    uint64_t key;
    uint8_t part;
} pairkey;
static int pair_cmp(const void *x, const void *y)
{
    const pairkey *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static void check_time(l4r_audit *a, const uint32_t *idx, const size_t *start)
{
    const char *why_user =
        "a valid/test interaction older than the same user's latest train interaction: the "
        "model trains on that user's future (the split is not chronological per user)";
    const char *why_global =
        "leave-one-out and per-user splits let train hold interactions newer than other "
        "users' test ones (global leakage; Cornac warns of it, recommenders#1675); use a "
        "global temporal split when the model must not see the future";
    if (!a->timed || !a->rows[0]) {
        const char *why = !a->timed ? "no timestamps in this layout" : "no train rows";
        finding *f = add(a, "temporal_leakage_user", L4R_AUDIT_SKIPPED, why);
        numbers(f, "-");
        f = add(a, "temporal_leakage_global", L4R_AUDIT_SKIPPED, why);
        numbers(f, "-");
        return;
    }
    /* per user */
    size_t nu = l4r_dict_size(a->users);
    uint64_t leak = 0, evald = 0, users = 0;
    double worst = 0;
    for (size_t u = 0; u < nu; u++) {
        double tmax = -INFINITY;
        for (size_t k = start[u]; k < start[u + 1]; k++)
            if (a->part[idx[k]] == 0 && a->ts[idx[k]] > tmax)
                tmax = a->ts[idx[k]];
        bool hit = false;
        for (size_t k = start[u]; k < start[u + 1]; k++) {
            uint32_t r = idx[k];
            if (!a->part[r])
                continue;
            evald++;
            if (a->ts[r] < tmax) {
                leak++;
                hit = true;
                if (tmax - a->ts[r] > worst)
                    worst = tmax - a->ts[r];
            }
        }
        users += hit;
    }
    finding *f = add(a, "temporal_leakage_user", leak ? L4R_AUDIT_ERROR : L4R_AUDIT_OK, why_user);
    numbers(f, "%" PRIu64 " of %" PRIu64 " valid/test rows (%.2f%%, %" PRIu64 " users); worst %.0f s", leak,
            evald, 100 * share(leak, evald), users, worst);
    val(f, "rows", (double)leak, true);
    val(f, "of", (double)evald, true);
    val(f, "share", share(leak, evald), false);
    val(f, "users", (double)users, true);
    val(f, "worst_gap_seconds", worst, false);

    /* global */
    double tmax = -INFINITY;
    for (size_t r = 0; r < a->n; r++)
        if (!a->part[r] && a->ts[r] > tmax)
            tmax = a->ts[r];
    uint64_t older[3] = {0}, rows[3] = {0};
    double gap[3] = {0};
    for (size_t r = 0; r < a->n; r++) {
        int p = a->part[r];
        if (!p)
            continue;
        rows[p]++;
        if (a->ts[r] < tmax) {
            older[p]++;
            if (tmax - a->ts[r] > gap[p])
                gap[p] = tmax - a->ts[r];
        }
    }
    f = add(a, "temporal_leakage_global", older[1] || older[2] ? L4R_AUDIT_WARN : L4R_AUDIT_OK, why_global);
    numbers(f,
            "test %" PRIu64 "/%" PRIu64
            " (%.2f%%) older than the latest train row, worst %.0f s; valid %" PRIu64 "/%" PRIu64
            " (%.2f%%), worst %.0f s",
            older[2], rows[2], 100 * share(older[2], rows[2]), gap[2], older[1], rows[1],
            100 * share(older[1], rows[1]), gap[1]);
    val(f, "test_rows", (double)older[2], true);
    val(f, "test_of", (double)rows[2], true);
    val(f, "test_share", share(older[2], rows[2]), false);
    val(f, "test_worst_gap_seconds", gap[2], false);
    val(f, "valid_rows", (double)older[1], true);
    val(f, "valid_of", (double)rows[1], true);
    val(f, "valid_share", share(older[1], rows[1]), false);
    val(f, "valid_worst_gap_seconds", gap[1], false);
    val(f, "latest_train_timestamp", tmax, false);
}

static void check_cold(l4r_audit *a)
{
    size_t nu = l4r_dict_size(a->users), ni = l4r_dict_size(a->items);
    uint8_t *su = l4r_xcalloc(nu ? nu : 1, 1), *si = l4r_xcalloc(ni ? ni : 1, 1);
    for (size_t r = 0; r < a->n; r++)
        if (!a->part[r]) {
            su[a->user[r]] = 1;
            si[a->item[r]] = 1;
        }
    /* 2 = counted as cold already */
    uint64_t cu = 0, cur = 0, ci = 0, cir = 0, evald = 0;
    for (size_t r = 0; r < a->n; r++) {
        if (!a->part[r])
            continue;
        evald++;
        if (su[a->user[r]] != 1) {
            cur++;
            if (!su[a->user[r]]) {
                su[a->user[r]] = 2;
                cu++;
            }
        }
        if (si[a->item[r]] != 1) {
            cir++;
            if (!si[a->item[r]]) {
                si[a->item[r]] = 2;
                ci++;
            }
        }
    }
    free(su);
    free(si);
    finding *f =
        add(a, "cold_users", cu ? L4R_AUDIT_WARN : L4R_AUDIT_OK,
            "valid/test users with no train interaction: a sequential model has no history for them");
    numbers(f, "%" PRIu64 " users, %" PRIu64 " of %" PRIu64 " valid/test rows (%.2f%%)", cu, cur, evald,
            100 * share(cur, evald));
    val(f, "users", (double)cu, true);
    val(f, "rows", (double)cur, true);
    val(f, "of", (double)evald, true);
    val(f, "share", share(cur, evald), false);
    f = add(
        a, "cold_items", ci ? L4R_AUDIT_WARN : L4R_AUDIT_OK,
        "valid/test items never seen in train: an id-based model cannot rank them, so they cap its scores");
    numbers(f, "%" PRIu64 " items, %" PRIu64 " of %" PRIu64 " valid/test rows (%.2f%%)", ci, cir, evald,
            100 * share(cir, evald));
    val(f, "items", (double)ci, true);
    val(f, "rows", (double)cir, true);
    val(f, "of", (double)evald, true);
    val(f, "share", share(cir, evald), false);
}

static void check_pairs(l4r_audit *a)
{
    pairkey *k = l4r_xmalloc((a->n ? a->n : 1) * sizeof *k);
    for (size_t r = 0; r < a->n; r++) {
        k[r].key = (uint64_t)a->user[r] << 32 | a->item[r];
        k[r].part = a->part[r];
    }
    qsort(k, a->n, sizeof *k, pair_cmp);
    uint64_t tv = 0, tt = 0, vt = 0;
    for (size_t s = 0; s < a->n;) {
        size_t e = s;
        unsigned mask = 0;
        while (e < a->n && k[e].key == k[s].key)
            mask |= 1u << k[e++].part;
        tv += (mask & 3) == 3;
        tt += (mask & 5) == 5;
        vt += (mask & 6) == 6;
        s = e;
    }
    free(k);
    finding *f = add(a, "duplicate_pairs",
                     tt || vt ? L4R_AUDIT_ERROR
                     : tv     ? L4R_AUDIT_WARN
                              : L4R_AUDIT_OK,
                     "the same (user, item) in two parts: the answer is in the model's input (expected only "
                     "for repeat consumption, e.g. Steam play sessions, and then deduplicate or say so)");
    numbers(f, "train&test %" PRIu64 ", valid&test %" PRIu64 ", train&valid %" PRIu64 " pairs", tt, vt, tv);
    val(f, "train_test", (double)tt, true);
    val(f, "valid_test", (double)vt, true);
    val(f, "train_valid", (double)tv, true);
}

static void check_history(l4r_audit *a)
{
    if (!a->hist_rows) {
        finding *f = add(a, "history_contains_target", L4R_AUDIT_SKIPPED,
                         "no file with histories (JSONL history_item_ids, a history or item_id_list column)");
        numbers(f, "-");
        return;
    }
    finding *f = add(a, "history_contains_target", a->hist_hits ? L4R_AUDIT_ERROR : L4R_AUDIT_OK,
                     "an example whose history holds its own target: the model can copy the answer "
                     "(agiresearch/IDGenRec#1 is the same leak through a user's textual id)");
    if (a->hist_hits)
        numbers(f, "%" PRIu64 " of %" PRIu64 " examples (%.2f%%) in %s; first: %s", a->hist_hits,
                a->hist_rows, 100 * share(a->hist_hits, a->hist_rows), l4r_buf_cstr(&a->hist_files),
                a->hist_first);
    else
        numbers(f, "0 of %" PRIu64 " examples in %s", a->hist_rows, l4r_buf_cstr(&a->hist_files));
    val(f, "rows", (double)a->hist_hits, true);
    val(f, "of", (double)a->hist_rows, true);
    val(f, "share", share(a->hist_hits, a->hist_rows), false);
}

/* Consecutive ids along the sequences (P5 PR#3), and the ties. */
static void check_order(l4r_audit *a, uint32_t *idx, const size_t *start)
{
    size_t nu = l4r_dict_size(a->users), ni = l4r_dict_size(a->items);
    long long *num = l4r_xmalloc((ni ? ni : 1) * sizeof *num);
    bool numeric = ni > 1;
    for (size_t i = 0; i < ni && numeric; i++)
        numeric = item_int(a, (uint32_t)i, &num[i]);
    if (a->timed) {
        g_ts = a->ts;
        for (size_t u = 0; u < nu; u++)
            qsort(idx + start[u], start[u + 1] - start[u], sizeof *idx, by_time);
    }
    uint64_t pairs = 0, plus1 = 0, tied = 0, steps = 0, asc = 0, desc = 0;
    for (size_t u = 0; u < nu; u++) {
        for (size_t k = start[u] + 1; k < start[u + 1]; k++) {
            uint32_t x = a->item[idx[k - 1]], y = a->item[idx[k]];
            steps++;
            if (numeric && x != y) {
                pairs++;
                plus1 += num[y] - num[x] == 1;
            }
            if (a->timed && a->ts[idx[k - 1]] == a->ts[idx[k]]) {
                tied++;
                int c = item_cmp(a, x, y, numeric ? num : NULL);
                asc += c < 0;
                desc += c > 0;
            }
        }
    }
    free(num);

    /* ids */
    finding *f;
    if (!numeric) {
        f = add(a, "id_order", L4R_AUDIT_SKIPPED, "item ids are not all integers");
        numbers(f, "-");
    } else {
        /* under a random numbering of ni items, P(id(next) = id(prev) + 1) = 1/ni */
        double p = 1.0 / (double)ni, obs = share(plus1, pairs);
        double sd = sqrt((double)pairs * p * (1 - p));
        double z = sd > 0 ? ((double)plus1 - (double)pairs * p) / sd : 0;
        bool far = pairs && obs >= 0.05 && obs >= 10 * p && z >= 5;
        bool p5 = !strcmp(a->format, "p5");
        f = add(a, "id_order", far ? (p5 ? L4R_AUDIT_ERROR : L4R_AUDIT_WARN) : L4R_AUDIT_OK,
                "item ids numbered along the users' sequences: the next item's id is often the last one + 1, "
                "which a model that reads ids as text learns instead of preferences (jeykigung/P5 PR#3)");
        numbers(f, "%.2f%% of %" PRIu64 " consecutive pairs differ by +1; random numbering: %.2f%% (z %.1f)",
                100 * obs, pairs, 100 * p, z);
        val(f, "pairs", (double)pairs, true);
        val(f, "plus_one", (double)plus1, true);
        val(f, "share", obs, false);
        val(f, "expected_share", p, false);
        val(f, "z", z, false);
    }

    /* ties */
    if (!a->timed) {
        f = add(a, "tie_rate", L4R_AUDIT_SKIPPED, "no timestamps in this layout");
        numbers(f, "-");
        f = add(a, "ties_by_item_id", L4R_AUDIT_SKIPPED, "no timestamps in this layout");
        numbers(f, "-");
        return;
    }
    f = add(a, "tie_rate", tied ? L4R_AUDIT_INFO : L4R_AUDIT_OK,
            "consecutive interactions of a user at the same time: their order, and so which one is the test "
            "target, is the tie policy's choice (yueqirex/LRURec#1: about half of ML-1M)");
    numbers(f, "%" PRIu64 " of %" PRIu64 " consecutive pairs (%.2f%%)", tied, steps,
            100 * share(tied, steps));
    val(f, "tied", (double)tied, true);
    val(f, "of", (double)steps, true);
    val(f, "share", share(tied, steps), false);
    uint64_t nt = asc + desc, most = asc > desc ? asc : desc;
    double z = nt ? ((double)most - (double)nt / 2) / sqrt((double)nt / 4) : 0;
    bool by_id = nt >= 20 && share(most, nt) >= 0.8 && z >= 4;
    f = add(a, "ties_by_item_id", by_id ? L4R_AUDIT_WARN : L4R_AUDIT_OK,
            "within equal timestamps the items run in id order far more often than chance: ties were broken "
            "by item id, an artificial pattern a model learns (yueqirex/LRURec#1: NDCG about +20%)");
    numbers(f,
            "%" PRIu64 " ascending, %" PRIu64 " descending of %" PRIu64
            " tied pairs (%.2f%% one way; chance 50%%, z %.1f)",
            asc, desc, nt, 100 * share(most, nt), z);
    val(f, "ascending", (double)asc, true);
    val(f, "descending", (double)desc, true);
    val(f, "of", (double)nt, true);
    val(f, "share", share(most, nt), false);
    val(f, "z", z, false);
}

l4r_status l4r_audit_dir(const char *dir, const char *format, l4r_audit **out, l4r_error *e)
{
    static const char *const order[] = {"tsv", "recbole", "p5", "sasrec"};
    *out = NULL;
    if (!l4r_is_dir(dir))
        return l4r_err(e, L4R_EIO, "cannot open directory '%s': %s", dir,
                       errno ? strerror(errno) : "Not a directory");
    layout L = {0};
    l4r_buf also;
    l4r_buf_init(&also);
    bool found = false;
    if (format && strcmp(format, "auto")) {
        bool known = false;
        for (size_t k = 0; k < 4; k++)
            known |= !strcmp(order[k], format);
        if (!known)
            return l4r_err(e, L4R_EUSAGE, "unknown --format '%s' (auto, tsv, recbole, sasrec, p5)", format);
        found = detect(dir, format, &L);
        if (!found)
            return l4r_err(e, L4R_EIO, "'%s' holds no %s split (see 'llm4rec-data audit --help')", dir,
                           format);
    } else {
        for (size_t k = 0; k < 4; k++) {
            layout M;
            if (!detect(dir, order[k], &M))
                continue;
            if (!found) {
                L = M;
                found = true;
                continue;
            }
            if (also.len)
                l4r_buf_adds(&also, ",");
            l4r_buf_adds(&also, order[k]);
            layout_free(&M);
        }
        if (!found) {
            l4r_buf_free(&also);
            return l4r_err(e, L4R_EIO,
                           "'%s' holds no split this audit reads: train.tsv + test.tsv, NAME.train.inter + "
                           "NAME.test.inter, sequential_data.txt or NAME.txt",
                           dir);
        }
    }
    l4r_audit *a = l4r_xcalloc(1, sizeof *a);
    a->format = L.format;
    a->also = l4r_buf_take(&also);
    a->users = l4r_dict_new();
    a->items = l4r_dict_new();
    a->timed = true;
    l4r_buf_init(&a->hist_files);
    l4r_status st = L4R_OK;
    if (!strcmp(L.format, "tsv") || !strcmp(L.format, "recbole")) {
        for (int p = 0; p < 3 && !st; p++)
            if (L.name[p])
                st = read_table(a, dir, L.name[p], p, e);
    } else {
        st = read_sequences(a, dir, L.name[0], !strcmp(L.format, "sasrec"), e);
    }
    static const char *const jsonl[] = {"train.jsonl", "valid.jsonl", "test.jsonl", "examples.jsonl"};
    for (size_t k = 0; k < 4 && !st; k++)
        st = read_jsonl(a, dir, jsonl[k], e);
    layout_free(&L);
    if (st) {
        l4r_audit_free(a);
        return st;
    }
    if (!a->n)
        a->timed = false;
    uint32_t *idx;
    size_t *start;
    group_by_user(a, &idx, &start);
    check_time(a, idx, start);
    check_cold(a);
    check_pairs(a);
    check_history(a);
    check_order(a, idx, start);
    free(idx);
    free(start);
    *out = a;
    return L4R_OK;
}

void l4r_audit_free(l4r_audit *a)
{
    if (!a)
        return;
    for (size_t k = 0; k < a->nf; k++) {
        free(a->f[k].numbers);
        free(a->f[k].explanation);
    }
    free(a->also);
    free(a->files);
    free(a->hist_first);
    l4r_buf_free(&a->hist_files);
    l4r_dict_free(a->users);
    l4r_dict_free(a->items);
    free(a->user);
    free(a->item);
    free(a->ts);
    free(a->part);
    free(a);
}

const char *l4r_audit_format(const l4r_audit *a)
{
    return a->format;
}

const char *l4r_audit_also(const l4r_audit *a)
{
    return a->also ? a->also : "";
}

const char *l4r_audit_files(const l4r_audit *a)
{
    return a->files ? a->files : "";
}

void l4r_audit_counts(const l4r_audit *a, size_t rows[3], size_t *users, size_t *items, bool *timed)
{
    if (rows)
        memcpy(rows, a->rows, sizeof a->rows);
    if (users)
        *users = l4r_dict_size(a->users);
    if (items)
        *items = l4r_dict_size(a->items);
    if (timed)
        *timed = a->timed;
}

size_t l4r_audit_count(const l4r_audit *a)
{
    return a->nf;
}

const l4r_audit_finding *l4r_audit_get(const l4r_audit *a, size_t i)
{
    return i < a->nf ? &a->f[i].pub : NULL;
}
