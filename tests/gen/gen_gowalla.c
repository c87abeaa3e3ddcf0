/*
 * gen_gowalla.c — the Gowalla family of l4r-gen: `gowalla checkins` writes a file shaped like
 * SNAP's loc-gowalla_totalCheckins.txt (TAB-separated, no header: user, ISO-8601 UTC time,
 * latitude, longitude, location id), `gowalla edges` one like loc-gowalla_edges.txt (user, friend;
 * every friendship in both directions); --gzip compresses them as SNAP ships them (.txt.gz).
 *
 * How: users ascend with gaps in their ids (SNAP numbers every node of the friendship graph, and
 * not every node checked in); each user's check-ins are written newest first, as upstream does,
 * with now and then two at the same second (so a tie-order rule shows).  Per-user counts are
 * Pareto-apportioned so that --lines is exact, locations come from a Zipf sampler and keep their
 * own coordinates, except on a few rows whose latitude and longitude are 0 or out of range, the
 * garbage some upstream rows carry.  The three real lines datasets.md quotes (user 0) come first.
 */
#include "gen.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t seed;
    uint64_t lines;
    uint32_t nusers, nitems;
} gw_opts;

/* datasets.md §17.2: the first lines of the real file, user 0's newest check-ins. */
static const char *const GW_FIRST[] = {
    "0\t2010-10-19T23:55:27Z\t30.2359091167\t-97.7951395833\t22847",
    "0\t2010-10-18T22:17:43Z\t30.2691029532\t-97.7493953705\t420315",
    "0\t2010-10-17T23:42:03Z\t30.2557309927\t-97.7633857727\t316637",
};
/* 2010-10-17T23:42:03Z, the oldest of the real lines: user 0 continues below it. */
#define GW_FIRST_OLDEST 1287358923
/* The crawl's window: February 2009 to the end of October 2010. */
#define GW_T0 1233446400 /* 2009-02-01 */
#define GW_T1 1288483200 /* 2010-10-31 */

/* Location ids: unique and ascending with k, spread over the millions as upstream's are. */
static uint64_t gw_location_id(uint64_t seed, uint32_t k)
{
    return 8904 + (uint64_t)k * 5 + mix64(seed ^ (0x9e3779b9ULL * (k + 1))) % 5;
}

static void put_iso(sink *o, int64_t t)
{
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    int64_t s = t % 86400;
    put_fmt(o, "%04d-%02u-%02uT%02u:%02u:%02uZ", y, m, d, (unsigned)(s / 3600), (unsigned)(s / 60 % 60),
            (unsigned)(s % 60));
}

/* A coordinate with 6 to 10 decimals, as the real rows vary. */
static void put_coord(sink *o, rng_t *r, double v)
{
    put_fmt(o, "%.*f", 6 + (int)rng_below(r, 5), v);
}

static void gen_checkins(sink *o, const gw_opts *op)
{
    uint32_t *counts = xmalloc(sizeof(uint32_t) * op->nusers);
    rng_t cr = rng_for(op->seed, "gw-counts", 0);
    apportion(&cr, op->nusers, op->lines - 3, 1, 100000, 1.2, counts);
    sampler loc;
    rng_t pr = rng_for(op->seed, "gw-perm", 0);
    sampler_zipf(&loc, op->nitems, 0.9, 2.0, &pr);
    uint64_t uid = 0;
    for (uint32_t u = 0; u < op->nusers; u++) {
        rng_t r = rng_for(op->seed, "gw-user", u);
        if (u)
            uid += 1 + rng_below(&r, 3); /* ids of nodes that never checked in are skipped */
        int64_t t = GW_T1 - (int64_t)rng_below(&r, 40 * 86400);
        if (u == 0) {
            for (size_t i = 0; i < ARRAY_LEN(GW_FIRST); i++) {
                puts_(o, GW_FIRST[i]);
                putc_(o, '\n');
            }
            t = GW_FIRST_OLDEST;
        }
        /* Spread the user's check-ins over up to about a year, newest first. */
        int64_t span = 86400 + (int64_t)rng_below(&r, 360 * 86400);
        int64_t mean_gap = span / counts[u] + 1;
        for (uint32_t c = 0; c < counts[u]; c++) {
            rng_t lr = rng_for(op->seed, "gw-line", ((uint64_t)u << 24) ^ c);
            int64_t gap = rng_chance(&lr, 0.03) ? 0 : 1 + (int64_t)(rng_u01(&lr) * 2.0 * (double)mean_gap);
            if (t - gap > GW_T0)
                t -= gap;
            uint32_t k = sampler_draw(&loc, &lr);
            rng_t kr = rng_for(op->seed, "gw-loc", k);
            double lat = -45.0 + 105.0 * rng_u01(&kr), lon = -180.0 + 360.0 * rng_u01(&kr);
            put_u64(o, uid);
            putc_(o, '\t');
            put_iso(o, t);
            putc_(o, '\t');
            double g = rng_u01(&lr);
            if (g < 0.01) {
                puts_(o, "0.0\t0.0"); /* no position recorded */
            } else if (g < 0.015) {
                put_coord(o, &lr, 90.0 + 300.0 * rng_u01(&lr)); /* out of range */
                putc_(o, '\t');
                put_coord(o, &lr, -200.0 - 100.0 * rng_u01(&lr));
            } else {
                put_coord(o, &kr, lat);
                putc_(o, '\t');
                put_coord(o, &kr, lon);
            }
            putc_(o, '\t');
            put_u64(o, gw_location_id(op->seed, k));
            putc_(o, '\n');
        }
    }
    free(loc.cdf);
    free(counts);
}

/* Friendships among nearby ids, decided by a hash of the unordered pair so both directions agree;
 * each user's friends are listed in ascending order. */
static void gen_edges(sink *o, const gw_opts *op)
{
    for (uint32_t u = 0; u < op->nusers; u++) {
        uint32_t lo = u > 40 ? u - 40 : 0, hi = u + 40 < op->nusers ? u + 40 : op->nusers - 1;
        for (uint32_t v = lo; v <= hi; v++) {
            if (v == u)
                continue;
            uint64_t a = u < v ? u : v, b = u < v ? v : u;
            if (mix64(op->seed ^ (a << 32 | b)) % 100 < 8) {
                put_u64(o, u);
                putc_(o, '\t');
                put_u64(o, v);
                putc_(o, '\n');
            }
        }
    }
}

int gen_gowalla_main(const args *a)
{
    if (a->npos != 2)
        die("usage: l4r-gen gowalla checkins|edges [--lines N] [--users N] [--items N] [--gzip] [--seed S] "
            "[-o FILE]");
    gw_opts op;
    op.seed = a->seed;
    op.lines = a->lines >= 0 ? (uint64_t)a->lines : 2000;
    op.nusers = u32_arg(a->users, op.lines / 25 > 3 ? (uint32_t)(op.lines / 25) : 3, "--users");
    op.nitems = u32_arg(a->items, op.lines / 5 > 10 ? (uint32_t)(op.lines / 5) : 10, "--items");
    int checkins = !strcmp(a->pos[1], "checkins");
    if (!checkins && strcmp(a->pos[1], "edges"))
        die("unknown Gowalla file '%s' (checkins, edges)", a->pos[1]);
    if (checkins && op.lines < (uint64_t)op.nusers + 3)
        die("--lines %" PRIu64 " is too few for %u users (each needs one check-in, user 0 three more)",
            op.lines, op.nusers);
    FILE *f = open_out(a);
    sink o;
    sink_file(&o, f, a->gzip);
    if (checkins)
        gen_checkins(&o, &op);
    else
        gen_edges(&o, &op);
    sink_close(&o);
    close_out(a, f);
    return 0;
}
