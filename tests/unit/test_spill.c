/* test_spill.c — run files: sorted writing, k-way merge order, reading a run back. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert/spill.h"
#include "tap.h"
#include "util.h"

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

#define ROWS 5000
#define USERS 97

static void test_runs_merge(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/l4r-tspill.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    char *sub = l4r_path_join(dir, "runs");
    uint32_t *user = l4r_xmalloc(ROWS * sizeof *user), *item = l4r_xmalloc(ROWS * sizeof *item);
    uint32_t *rating = l4r_xmalloc(ROWS * sizeof *rating);
    int64_t *ts = l4r_xmalloc(ROWS * sizeof *ts);
    uint64_t s = 42;
    for (size_t r = 0; r < ROWS; r++) {
        user[r] = (uint32_t)(lcg(&s) % USERS);
        item[r] = (uint32_t)r; /* identifies the row */
        rating[r] = (uint32_t)(lcg(&s) % 5);
        /* negative and huge timestamps too, few distinct values so there are ties */
        ts[r] = (int64_t)(lcg(&s) % 40) * 1000000000000ll - 20000000000000ll;
    }
    l4r_spill *sp = l4r_spill_new(sub);
    l4r_error e = {0};
    /* uneven runs, one of them empty */
    size_t cuts[] = {0, 700, 700, 2222, 4000, ROWS};
    for (size_t k = 0; k + 1 < sizeof cuts / sizeof *cuts; k++) {
        size_t b = cuts[k], n = cuts[k + 1] - b;
        T_EQ_INT(l4r_spill_write(sp, user + b, item + b, rating + b, ts + b, n, b, USERS, &e), L4R_OK);
    }
    T_EQ_INT(sp->n, 5);
    T_EQ_INT(sp->rows, ROWS);
    T_EQ_INT(sp->bytes, ROWS * 24);
    T_CHECK(l4r_is_dir(sub));

    /* merged: every row once, in (user, ts, row) order, fields intact */
    l4r_merge *mg = NULL;
    T_EQ_INT(l4r_merge_open(&mg, sp, 1000, &e), L4R_OK); /* small buffers: many refills */
    uint8_t *seen = l4r_xcalloc(ROWS, 1);
    size_t got = 0, bad_order = 0, bad_field = 0;
    l4r_srec prev = {0}, r;
    bool done = false;
    while (mg && l4r_merge_next(mg, &r, &done, &e) == L4R_OK && !done) {
        if (got && (prev.user > r.user ||
                    (prev.user == r.user && (prev.ts > r.ts || (prev.ts == r.ts && prev.row >= r.row)))))
            bad_order++;
        if (r.row >= ROWS || seen[r.row] || r.item != r.row || r.user != user[r.row] || r.ts != ts[r.row] ||
            r.rating != rating[r.row])
            bad_field++;
        else
            seen[r.row] = 1;
        prev = r;
        got++;
    }
    T_CHECK(done);
    T_EQ_INT(got, ROWS);
    T_EQ_INT(bad_order, 0);
    T_EQ_INT(bad_field, 0);
    l4r_merge_free(mg);

    /* a run read back lands in source order */
    uint32_t u2[1800], i2[1800], r2[1800];
    int64_t t2[1800];
    T_EQ_INT(sp->run[3].rows, 1778);
    T_EQ_INT(l4r_spill_read_run(sp, 3, u2, i2, r2, t2, &e), L4R_OK);
    int same = 1;
    for (size_t j = 0; j < 1778; j++)
        same &= u2[j] == user[2222 + j] && i2[j] == item[2222 + j] && t2[j] == ts[2222 + j] &&
                r2[j] == rating[2222 + j];
    T_CHECK(same);

    l4r_spill_free(sp);
    T_CHECK(!l4r_is_dir(sub)); /* runs and the directory it made are gone */
    l4r_rmtree(dir, &e);
    free(sub);
    free(seen);
    free(user);
    free(item);
    free(rating);
    free(ts);
}

static void test_errors(void)
{
    l4r_error e = {0};
    /* a spill directory that cannot be created is a reported I/O error */
    l4r_spill *sp = l4r_spill_new("/proc/l4r-no-such/dir");
    uint32_t u = 0;
    int64_t t = 0;
    l4r_status st = l4r_spill_write(sp, &u, &u, &u, &t, 1, 0, 1, &e);
    T_CHECK(st != L4R_OK);
    T_CHECK(e.msg[0] != '\0');
    l4r_spill_free(sp);

    /* a truncated run file is reported when read */
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/l4r-tspill.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    sp = l4r_spill_new(dir);
    uint32_t us[3] = {0, 1, 0};
    int64_t ts[3] = {5, 6, 7};
    T_EQ_INT(l4r_spill_write(sp, us, us, us, ts, 3, 0, 2, &e), L4R_OK);
    T_CHECK(truncate(sp->run[0].path, 30) == 0);
    l4r_merge *mg = NULL;
    l4r_srec r;
    bool done = false;
    st = l4r_merge_open(&mg, sp, 4096, &e);
    while (!st && !done)
        st = l4r_merge_next(mg, &r, &done, &e);
    T_EQ_INT(st, L4R_EIO);
    T_CHECK(strstr(e.msg, "truncated") != NULL);
    l4r_merge_free(mg);
    l4r_spill_free(sp);
    l4r_rmtree(dir, &e);
}

int main(void)
{
    test_runs_merge();
    test_errors();
    return l4r_t_exit();
}
