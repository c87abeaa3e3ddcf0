/*
 * parquet_tables.c — `--format parquet`: the finished TSVs of a run, as Parquet.
 *
 * Why from the TSVs: they are the contract (docs/FORMAT.md), written by both engines, every sink
 * and the streaming path alike, and identical for any -j.  Reading them back gives Parquet files
 * that hold exactly the same values whatever produced them, and the same bytes for any -j, with
 * one piece of code for every table (interactions or the split, items, users, side tables).
 *
 * Two passes per table: the first decides the column types from every value (a rating column is
 * DOUBLE only when every rating is a decimal number; a timestamp column INT64 when every one is an
 * integer; ids INT32 under --remap), the second writes the rows.  The train, valid and test files
 * are typed together so the three agree.  Fields are read as RFC 4180 would (a field that starts
 * with a quote is quoted, "" inside is one quote), the TSV rule of docs/FORMAT.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parquet.h"

#define MAX_COLS 64

uint64_t l4r_fnv1a64(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* A TSV file, mapped. */
typedef struct tsv {
    char *path;
    char *data; /* mapped read-only */
    size_t size;
    const char *cur; /* after the header */
    char *cols[MAX_COLS];
    size_t ncols;
} tsv;

static l4r_status tsv_open(tsv *f, const char *dir, const char *name, l4r_error *e)
{
    memset(f, 0, sizeof *f);
    f->path = l4r_path_join(dir, name);
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return l4r_err(e, L4R_EIO, "cannot open '%s': %s", f->path, strerror(errno));
    struct stat sb;
    l4r_status st = L4R_OK;
    if (fstat(fd, &sb) != 0) {
        st = l4r_err(e, L4R_EIO, "cannot examine '%s': %s", f->path, strerror(errno));
    } else if (sb.st_size > 0) {
        void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
            st = l4r_err(e, L4R_EIO, "cannot map '%s': %s", f->path, strerror(errno));
        else {
            f->data = m;
            f->size = (size_t)sb.st_size;
            madvise(m, f->size, MADV_SEQUENTIAL);
        }
    }
    close(fd);
    if (st)
        return st;
    const char *p = f->data, *end = f->data + f->size;
    const char *nl = p ? memchr(p, '\n', f->size) : NULL;
    if (!nl)
        return l4r_err(e, L4R_EIO, "'%s' has no header line", f->path);
    const char *s = p;
    while (s <= nl && f->ncols < MAX_COLS) {
        const char *t = s;
        while (t < nl && *t != '\t')
            t++;
        f->cols[f->ncols++] = l4r_xstrndup(s, (size_t)(t - s));
        s = t + 1;
    }
    f->cur = nl + 1 <= end ? nl + 1 : end;
    return L4R_OK;
}

static void tsv_close(tsv *f)
{
    if (f->data)
        munmap(f->data, f->size);
    for (size_t k = 0; k < f->ncols; k++)
        free(f->cols[k]);
    free(f->path);
    memset(f, 0, sizeof *f);
}

typedef struct span {
    const char *s;
    size_t n;
} span;

/* One record's fields into v (up to ncols; missing ones empty); scratch holds unquoted copies.
 * Returns false at the end of the file. */
static bool tsv_row(tsv *f, span *v, size_t ncols, l4r_buf *scratch)
{
    const char *p = f->cur, *end = f->data + f->size;
    if (p >= end)
        return false;
    for (size_t k = 0; k < ncols; k++)
        v[k] = (span){"", 0};
    /* first the unquoted copies' offsets, as scratch may move while it grows */
    size_t qoff[MAX_COLS], qlen[MAX_COLS];
    bool quoted[MAX_COLS] = {false};
    l4r_buf_reset(scratch);
    size_t k = 0;
    for (;;) {
        const char *s = p;
        if (p < end && *p == '"') {
            size_t o = scratch->len;
            p++;
            while (p < end) {
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        l4r_buf_addc(scratch, '"');
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                l4r_buf_addc(scratch, *p++);
            }
            while (p < end && *p != '\t' && *p != '\n') /* not RFC 4180: keep what follows */
                l4r_buf_addc(scratch, *p++);
            if (k < ncols) {
                quoted[k] = true;
                qoff[k] = o;
                qlen[k] = scratch->len - o;
            }
        } else {
            while (p < end && *p != '\t' && *p != '\n')
                p++;
            if (k < ncols)
                v[k] = (span){s, (size_t)(p - s)};
        }
        k++;
        if (p >= end || *p == '\n')
            break;
        p++; /* the TAB */
    }
    f->cur = p < end ? p + 1 : end;
    for (size_t j = 0; j < ncols && j < k; j++)
        if (quoted[j])
            v[j] = (span){scratch->data + qoff[j], qlen[j]};
    return true;
}

/* An integer of at most 18 digits (so it fits in int64). */
static bool parse_int(span v, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < v.n && v.s[i] == '-') {
        neg = true;
        i++;
    }
    if (i == v.n || v.n - i > 18)
        return false;
    int64_t x = 0;
    for (; i < v.n; i++) {
        if (v.s[i] < '0' || v.s[i] > '9')
            return false;
        x = x * 10 + (v.s[i] - '0');
    }
    *out = neg ? -x : x;
    return true;
}

/* A decimal number: [-+]digits[.digits][e[-+]digits], at least one digit, finite. */
static bool parse_num(span v, double *out)
{
    size_t i = 0, digits = 0;
    if (v.n == 0 || v.n > 64)
        return false;
    if (v.s[i] == '-' || v.s[i] == '+')
        i++;
    while (i < v.n && v.s[i] >= '0' && v.s[i] <= '9')
        i++, digits++;
    if (i < v.n && v.s[i] == '.') {
        i++;
        while (i < v.n && v.s[i] >= '0' && v.s[i] <= '9')
            i++, digits++;
    }
    if (!digits)
        return false;
    if (i < v.n && (v.s[i] == 'e' || v.s[i] == 'E')) {
        i++;
        if (i < v.n && (v.s[i] == '-' || v.s[i] == '+'))
            i++;
        size_t ed = 0;
        while (i < v.n && v.s[i] >= '0' && v.s[i] <= '9')
            i++, ed++;
        if (!ed)
            return false;
    }
    if (i != v.n)
        return false;
    /* the usual case, digits with at most one point and no exponent: an integer below 2^53 and a
     * power of ten below 10^23 are exact doubles, so one division is correctly rounded (as
     * strtod is) */
    uint64_t mant = 0;
    int frac = -1;
    size_t nd = 0;
    bool simple = true;
    for (size_t j = (v.s[0] == '-' || v.s[0] == '+'); j < v.n && simple; j++) {
        if (v.s[j] == '.')
            frac = 0;
        else if (v.s[j] >= '0' && v.s[j] <= '9') {
            mant = mant * 10 + (uint64_t)(v.s[j] - '0');
            nd++;
            if (frac >= 0)
                frac++;
        } else
            simple = false;
    }
    if (simple && nd <= 15) {
        static const double p10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        double d = (double)mant / p10[frac > 0 ? frac : 0];
        *out = v.s[0] == '-' ? -d : d;
        return true;
    }
    char tmp[72];
    memcpy(tmp, v.s, v.n);
    tmp[v.n] = 0;
    double d = strtod(tmp, NULL);
    if (!isfinite(d))
        return false;
    *out = d;
    return true;
}

/* What the first pass saw of a column. */
typedef struct colscan {
    bool any_empty, all_int, all_int32, all_num;
} colscan;

/* One table: its TSV files (train, valid, test are typed together) and the Parquet names. */
typedef struct table {
    const char *name[3]; /* NAME: NAME.tsv -> NAME.parquet or NAME/part-*.parquet */
    size_t nfiles;
    bool interactions; /* the ids are --remap's integers here */
} table;

static bool is_id(const char *c)
{
    return !strcmp(c, "user_id") || !strcmp(c, "item_id");
}

/* The Parquet column of TSV column c from what the first pass saw. */
static l4r_pq_column col_type(const char *c, const colscan *s, bool remap_ids)
{
    l4r_pq_column pc = {.name = c, .type = L4R_PQ_STRING, .optional = true};
    if (is_id(c)) {
        pc.optional = s->any_empty;
        if (remap_ids && s->all_int32 && !s->any_empty)
            pc.type = L4R_PQ_INT32;
    } else if (!strcmp(c, "timestamp")) {
        if (s->all_int)
            pc.type = L4R_PQ_INT64;
    } else if (!strcmp(c, "rating")) {
        if (s->all_num)
            pc.type = L4R_PQ_DOUBLE;
    }
    return pc;
}

typedef struct sink {
    l4r_out *out;
    l4r_error *e;
} sink;

static l4r_status sink_write(void *ud, const void *p, size_t n, l4r_error *e)
{
    sink *s = ud;
    return l4r_out_write(s->out, p, n, e);
}

/* The partition count of a table: partitions when it has a user_id column, else 0 (one file). */
static size_t user_col(const tsv *f)
{
    for (size_t k = 0; k < f->ncols; k++)
        if (!strcmp(f->cols[k], "user_id"))
            return k;
    return SIZE_MAX;
}

static l4r_status write_file(const l4r_parquet_opts *po, const char *name, tsv *f, const l4r_pq_column *pc,
                             l4r_manifest *m, l4r_error *e)
{
    size_t ucol = user_col(f);
    size_t np = po->partitions > 0 && ucol != SIZE_MAX ? (size_t)po->partitions : 0;
    size_t nw = np ? np : 1;
    l4r_pq **w = l4r_xcalloc(nw, sizeof *w);
    sink *sk = l4r_xcalloc(nw, sizeof *sk);
    l4r_status st = L4R_OK;
    l4r_buf scratch = {0};
    char ver[128];
    snprintf(ver, sizeof ver, "llm4rec-data version %s", l4r_version());
    if (np) {
        char *sub = l4r_path_join(po->dir, name);
        st = l4r_mkdirs(sub, e);
        free(sub);
    }
    for (size_t k = 0; k < nw && !st; k++) {
        char file[160];
        if (np)
            snprintf(file, sizeof file, "%s/part-%05zu.parquet", name, k);
        else
            snprintf(file, sizeof file, "%s.parquet", name);
        st = l4r_out_open(&sk[k].out, po->dir, file, e);
        if (st)
            break;
        w[k] = l4r_pq_new(pc, f->ncols, po->row_group_rows, 3, sink_write, &sk[k]);
        l4r_pq_created_by(w[k], ver);
        l4r_pq_kv(w[k], "llm4rec-data.version", l4r_version());
        l4r_pq_kv(w[k], "llm4rec-data.table", name);
        if (np) {
            char part[64];
            snprintf(part, sizeof part, "%zu/%zu", k, np);
            l4r_pq_kv(w[k], "llm4rec-data.partition", part);
        }
    }
    span v[MAX_COLS];
    uint64_t row = 0;
    while (!st && tsv_row(f, v, f->ncols, &scratch)) {
        size_t part = np ? (size_t)(l4r_fnv1a64(v[ucol].s, v[ucol].n) % np) : 0;
        l4r_pq *q = w[part];
        for (size_t c = 0; c < f->ncols; c++) {
            int64_t iv;
            double dv;
            if (!v[c].n && pc[c].optional)
                l4r_pq_null(q, c);
            else if (pc[c].type == L4R_PQ_STRING)
                l4r_pq_str(q, c, v[c].s, v[c].n);
            else if (pc[c].type == L4R_PQ_DOUBLE && parse_num(v[c], &dv))
                l4r_pq_double(q, c, dv);
            else if (pc[c].type != L4R_PQ_DOUBLE && parse_int(v[c], &iv))
                l4r_pq_int(q, c, iv);
            else
                st = l4r_err(e, L4R_EIO, "'%s' row %llu: column %s changed between two reads", f->path,
                             (unsigned long long)row + 1, pc[c].name);
        }
        if (!st)
            st = l4r_pq_end_row(q, e);
        row++;
    }
    for (size_t k = 0; k < nw && !st; k++)
        st = l4r_pq_finish(w[k], e);
    for (size_t k = 0; k < nw; k++) {
        if (sk[k].out) {
            if (st) {
                l4r_out_abort(sk[k].out);
            } else {
                l4r_out_add_rows(sk[k].out, l4r_pq_rows(w[k]));
                st = l4r_out_close(sk[k].out, m, e);
            }
        }
        l4r_pq_free(w[k]);
    }
    free(w);
    free(sk);
    l4r_buf_free(&scratch);
    return st;
}

static l4r_status write_table(const l4r_parquet_opts *po, const table *t, l4r_manifest *m, l4r_error *e)
{
    tsv f[3];
    memset(f, 0, sizeof f);
    l4r_status st = L4R_OK;
    colscan sc[MAX_COLS];
    l4r_pq_column pc[MAX_COLS];
    l4r_buf scratch = {0};
    size_t ncols = 0;
    for (size_t i = 0; i < t->nfiles && !st; i++) {
        char file[160];
        snprintf(file, sizeof file, "%s.tsv", t->name[i]);
        st = tsv_open(&f[i], po->dir, file, e);
        if (st)
            break;
        if (i == 0) {
            ncols = f[0].ncols;
        } else {
            bool same = f[i].ncols == ncols;
            for (size_t k = 0; same && k < ncols; k++)
                same = !strcmp(f[i].cols[k], f[0].cols[k]);
            if (!same)
                st = l4r_err(e, L4R_EIO, "'%s' and '%s' have different columns", f[0].path, f[i].path);
        }
    }
    for (size_t k = 0; k < ncols; k++)
        sc[k] = (colscan){false, true, true, true};
    span v[MAX_COLS];
    for (size_t i = 0; i < t->nfiles && !st; i++) {
        const char *save = f[i].cur;
        while (tsv_row(&f[i], v, ncols, &scratch)) {
            for (size_t k = 0; k < ncols; k++) {
                int64_t iv;
                double dv;
                if (!v[k].n) {
                    sc[k].any_empty = true;
                    continue;
                }
                bool isint = parse_int(v[k], &iv);
                sc[k].all_int = sc[k].all_int && isint;
                sc[k].all_int32 = sc[k].all_int32 && isint && iv >= INT32_MIN && iv <= INT32_MAX;
                sc[k].all_num = sc[k].all_num && parse_num(v[k], &dv);
            }
        }
        f[i].cur = save;
    }
    for (size_t k = 0; k < ncols; k++)
        pc[k] = col_type(f[0].cols[k], &sc[k], po->remap && t->interactions);
    for (size_t i = 0; i < t->nfiles && !st; i++)
        st = write_file(po, t->name[i], &f[i], pc, m, e);
    for (size_t i = 0; i < 3; i++)
        tsv_close(&f[i]);
    l4r_buf_free(&scratch);
    return st;
}

static bool exists(const char *dir, const char *name)
{
    char file[160];
    snprintf(file, sizeof file, "%s.tsv", name);
    char *p = l4r_path_join(dir, file);
    struct stat sb;
    bool ok = stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
    free(p);
    return ok;
}

static bool is_fixed(const char *n)
{
    static const char *const fixed[] = {"interactions", "train", "valid", "test", "items", "users"};
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        if (!strcmp(n, fixed[k]))
            return true;
    return false;
}

l4r_status l4r_parquet_write_tables(const l4r_parquet_opts *po, l4r_manifest *m, l4r_error *e)
{
    table tabs[8 + 64];
    size_t nt = 0;
    table inter = {.interactions = true};
    if (exists(po->dir, "interactions"))
        inter.name[inter.nfiles++] = "interactions";
    static const char *const parts[] = {"train", "valid", "test"};
    for (size_t k = 0; k < 3; k++)
        if (exists(po->dir, parts[k]))
            inter.name[inter.nfiles++] = parts[k];
    if (inter.nfiles)
        tabs[nt++] = inter;
    if (exists(po->dir, "items"))
        tabs[nt++] = (table){.name = {"items"}, .nfiles = 1};
    if (exists(po->dir, "users"))
        tabs[nt++] = (table){.name = {"users"}, .nfiles = 1};
    for (size_t k = 0; k < po->n_side && nt < sizeof tabs / sizeof *tabs; k++)
        if (!is_fixed(po->side[k]) && exists(po->dir, po->side[k]))
            tabs[nt++] = (table){.name = {po->side[k]}, .nfiles = 1};
    l4r_status st = L4R_OK;
    for (size_t k = 0; k < nt && !st; k++)
        st = write_table(po, &tabs[k], m, e);
    if (st)
        return st;
    l4r_manifest_set_str(m, "parquet.compression", "zstd");
    l4r_manifest_set_int(m, "parquet.row_group_rows",
                         (int64_t)(po->row_group_rows ? po->row_group_rows : (size_t)1 << 20));
    l4r_manifest_set_int(m, "parquet.partitions", po->partitions);
    if (po->partitions > 0)
        l4r_manifest_set_str(m, "parquet.partition_by", "fnv1a64(user_id) % partitions");
    if (!po->keep_tsv && inter.nfiles) {
        for (size_t k = 0; k < inter.nfiles; k++) {
            char file[160];
            snprintf(file, sizeof file, "%s.tsv", inter.name[k]);
            char *p = l4r_path_join(po->dir, file);
            unlink(p);
            free(p);
            l4r_manifest_drop_output(m, file);
        }
    }
    return L4R_OK;
}
