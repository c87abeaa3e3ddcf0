/*
 * gen_yelp.c — the Yelp family of l4r-gen: `yelp json OUTDIR` writes OUTDIR/Yelp-JSON.zip laid out
 * like the Yelp Open Dataset download (folder "Yelp JSON/" with a PDF and yelp_dataset.tar, which is
 * a gzip-compressed tar despite its name, plus macOS "__MACOSX/" junk); the tar holds
 * Dataset_User_Agreement.pdf and yelp_academic_dataset_{business,checkin,review,tip,user}.json in
 * that order.  `yelp kaggle OUTDIR` writes the Kaggle copy of 2019-2022 (OUTDIR/archive.zip, the
 * JSON files at its root) and `yelp kaggle-2018 OUTDIR` the 2018 one (archive.zip holding
 * dataset.tgz, which holds the JSON files).
 *
 * How: JSON lines written compactly (no spaces after ':' or ','), '/' escaped as "\/" and other
 * text as raw UTF-8; ids are 22-character base64url strings, some beginning with '-' or '_'.  The
 * reviews are not grouped by user or ordered by time (as upstream): each line draws its user and
 * business from Zipf samplers and its date uniformly; now and then a line repeats the previous
 * line's user and second (a tie) or user and business (a second review).  Business categories are
 * a comma-separated string or null (a JSON array in kaggle-2018, the older shape, so both are
 * fed to the converter); attributes hold Python-repr strings.  The kaggle-2018 dates are dates
 * without a time, its stars integers.  The real first review line of datasets.md comes first (its
 * text, truncated by the source, completed here).
 *
 * Scale: every JSON member is streamed to a temporary file in OUTDIR and copied into its archive
 * in chunks, and the inner tar is streamed through gzip to a temporary file before it is copied
 * into the zip, so memory stays small at any --lines; the temporaries are removed.
 */
#include "gen.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Entry times: 2022-01-19 for the data files, 2023-07-07 (the terms' date) for the zip. */
#define YP_MTIME_TAR 1642550400
#define YP_MTIME_ZIP 1688688000
/* Reviews fall between 2005-03-01 and 2022-01-19. */
#define YP_T0 1109635200
#define YP_T1 1642550400

enum { YP_JSON, YP_KAGGLE, YP_KAGGLE_2018 };

typedef struct {
    uint64_t seed;
    uint64_t reviews, tips;
    uint32_t nusers, nitems;
    int layout;
    const char *outdir;
} yp_opts;

/* datasets.md §8: the real first line of yelp_academic_dataset_review.json.  The source cut the
 * text after "a very l"; the rest of the text, the closing fields and the date are made up. */
static const char YP_FIRST_REVIEW[] =
    "{\"review_id\":\"KU_O5udG6zpxOg-VcAEodg\",\"user_id\":\"mh_-eMZ6K5RLWhZyISBhwA\",\"business_id\":"
    "\"XQfwVwDr-v0ZS3_CbbE5Xw\",\"stars\":3.0,\"useful\":0,\"funny\":0,\"cool\":0,\"text\":\"If you decide "
    "to eat here, just be aware it is going to take about 2 hours from beginning to end. We have tried it "
    "multiple times, because I want to like it! I have been to it's other locations in NJ and never had a "
    "bad experience. \\n\\nThe food is good, but it takes a very long time to come out. The waitstaff is "
    "very young, but usually pleasant. We have just had too many experiences where we spent way too long "
    "waiting.\",\"date\":\"2018-07-07 22:09:11\"}";
static const char *const YP_FIRST_USER = "mh_-eMZ6K5RLWhZyISBhwA";
static const char *const YP_FIRST_BUSINESS = "XQfwVwDr-v0ZS3_CbbE5Xw";

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* A 22-character base64url id for (label, k): index 1 begins with '-', index 2 with '_', and others
 * by chance (2 in 64), as upstream's do. */
static void put_id(sink *o, uint64_t seed, const char *label, uint64_t k)
{
    rng_t r = rng_for(seed, label, k);
    char id[23];
    for (int i = 0; i < 22; i++)
        id[i] = B64URL[rng_next(&r) & 63];
    if (k == 1)
        id[0] = '-';
    else if (k == 2)
        id[0] = '_';
    id[22] = 0;
    puts_(o, id);
}

static void put_user_id(sink *o, uint64_t seed, uint32_t u)
{
    if (u == 0)
        puts_(o, YP_FIRST_USER);
    else
        put_id(o, seed, "yp-uid", u);
}

static void put_business_id(sink *o, uint64_t seed, uint32_t k)
{
    if (k == 0)
        puts_(o, YP_FIRST_BUSINESS);
    else
        put_id(o, seed, "yp-bid", k);
}

/* "YYYY-MM-DD HH:MM:SS", or the date alone when date_only. */
static void put_datetime(sink *o, int64_t t, int date_only)
{
    int y;
    unsigned m, d;
    civil_from_days(t / 86400, &y, &m, &d);
    int64_t s = t % 86400;
    put_fmt(o, "%04d-%02u-%02u", y, m, d);
    if (!date_only)
        put_fmt(o, " %02u:%02u:%02u", (unsigned)(s / 3600), (unsigned)(s / 60 % 60), (unsigned)(s % 60));
}

/* A JSON string escaped as Yelp writes it: '/' as "\/", non-ASCII as UTF-8. */
static void put_js(sink *o, const char *s)
{
    put_json(o, s, JS_SLASH);
}

/* ---------------------------------------------------------------------------------------------
 * Pools
 */

static const struct {
    const char *city, *state;
    double lat, lon;
} YP_CITIES[] = {
    {"Philadelphia", "PA", 39.9526, -75.1652},   {"Tucson", "AZ", 32.2226, -110.9747},
    {"Tampa", "FL", 27.9506, -82.4572},          {"Indianapolis", "IN", 39.7684, -86.1581},
    {"Nashville", "TN", 36.1627, -86.7816},      {"New Orleans", "LA", 29.9511, -90.0715},
    {"Reno", "NV", 39.5296, -119.8138},          {"Edmonton", "AB", 53.5461, -113.4938},
    {"Santa Barbara", "CA", 34.4208, -119.6982}, {"St. Louis", "MO", 38.6270, -90.1994},
    {"Boise", "ID", 43.6150, -116.2023},         {"Saint Petersburg", "FL", 27.7676, -82.6403},
};

static const char *const YP_CATS[] = {
    "Restaurants",
    "Food",
    "Nightlife",
    "Bars",
    "Shopping",
    "Beauty & Spas",
    "Health & Medical",
    "Naturopathic/Holistic",
    "Home Services",
    "Coffee & Tea",
    "Sandwiches",
    "Pizza",
    "Mexican",
    "Italian",
    "Automotive",
    "Event Planning & Services",
    "Hotels & Travel",
    "Active Life",
    "Arts & Entertainment",
    "Bubble Tea",
    "Nail Salons",
    "Hair Salons",
    "Doctors",
    "Acupuncture",
    "Pets",
    "Fast Food",
    "Breakfast & Brunch",
    "American (Traditional)",
    "Cafes",
    "Bakeries",
    "Ice Cream & Frozen Yogurt",
    "Caf\xc3\xa9s",
};

static const char *const YP_FIRST_NAMES[] = {
    "Walker", "Daniel",      "Steph",      "Gwen",         "Karen",   "Jason", "Kat",
    "Eileen", "Jos\xc3\xa9", "Zo\xc3\xab", "Mike",         "Jessica", "Chris", "Fran\xc3\xa7ois",
    "Amy",    "Ben",         "Li",         "\xe6\x9d\x8e", "D",       "J.",
};

static const char *const YP_STREETS[] = {"Chapala St", "Walnut St",   "Market St", "S 4th St",
                                         "N Broad St", "Magazine St", "Main St",   "E Speedway Blvd"};

static const char *const YP_DAYS[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                      "Friday", "Saturday", "Sunday"};

/* A business name: words, some with '&', an apostrophe, quotes, a '/' or non-ASCII letters. */
static void put_business_name(sink *o, rng_t *r)
{
    const char *adj = rng_pick(r, T_ADJ, T_ADJ_LEN), *noun = rng_pick(r, T_NOUN, T_NOUN_LEN);
    double u = rng_u01(r);
    if (u < 0.1)
        put_fmt(o, "%s's %s & Grill", noun, adj);
    else if (u < 0.15)
        put_fmt(o, "The \"%s\" %s", adj, noun);
    else if (u < 0.2)
        put_fmt(o, "Caf\xc3\xa9 %s", noun);
    else if (u < 0.25)
        put_fmt(o, "%s Nails/Spa", adj);
    else if (u < 0.3)
        put_fmt(o, "%s %s, LLC", adj, noun);
    else
        put_fmt(o, "%s %s", adj, noun);
}

/* ---------------------------------------------------------------------------------------------
 * The JSON files
 */

static void gen_business(sink *o, const yp_opts *op)
{
    sink name, cats;
    sink_mem(&name);
    sink_mem(&cats);
    for (uint32_t k = 0; k < op->nitems; k++) {
        rng_t r = rng_for(op->seed, "yp-business", k);
        size_t ci = (size_t)rng_below(&r, ARRAY_LEN(YP_CITIES));
        name.len = 0;
        put_business_name(&name, &r);
        putc_(&name, 0);
        puts_(o, "{\"business_id\":\"");
        put_business_id(o, op->seed, k);
        puts_(o, "\",\"name\":");
        put_js(o, name.p);
        puts_(o, ",\"address\":");
        name.len = 0;
        if (!rng_chance(&r, 0.03))
            put_fmt(&name, "%u %s", 1 + (unsigned)rng_below(&r, 4000), PICK(&r, YP_STREETS));
        putc_(&name, 0);
        put_js(o, name.p);
        puts_(o, ",\"city\":");
        put_js(o, YP_CITIES[ci].city);
        put_fmt(o, ",\"state\":\"%s\",\"postal_code\":\"", YP_CITIES[ci].state);
        if (!strcmp(YP_CITIES[ci].state, "AB"))
            put_fmt(o, "T%uJ %uN%u", (unsigned)rng_below(&r, 9), (unsigned)rng_below(&r, 9),
                    (unsigned)rng_below(&r, 9));
        else if (!rng_chance(&r, 0.02))
            put_fmt(o, "%05u", 10000 + (unsigned)rng_below(&r, 89999));
        put_fmt(o, "\",\"latitude\":%.7f,\"longitude\":%.7f", YP_CITIES[ci].lat + 0.2 * (rng_u01(&r) - 0.5),
                YP_CITIES[ci].lon + 0.2 * (rng_u01(&r) - 0.5));
        unsigned half = 2 + (unsigned)rng_below(&r, 9); /* 1.0 .. 5.0 in halves */
        put_fmt(o, ",\"stars\":%u.%u,\"review_count\":%u,\"is_open\":%u", half / 2, half % 2 ? 5 : 0,
                5 + (unsigned)rng_below(&r, 800), rng_chance(&r, 0.8) ? 1 : 0);
        puts_(o, ",\"attributes\":");
        if (rng_chance(&r, 0.08)) {
            puts_(o, "null");
        } else {
            puts_(o, "{\"BusinessParking\":\"{'garage': False, 'street': ");
            puts_(o, rng_chance(&r, 0.5) ? "True" : "None");
            puts_(o, ", 'validated': False, 'lot': False, 'valet': False}\",\"RestaurantsPriceRange2\":\"");
            put_u64(o, 1 + rng_below(&r, 4));
            puts_(o, "\",\"WiFi\":\"u'");
            puts_(o, rng_chance(&r, 0.5) ? "free" : "no");
            puts_(o, "'\"}");
        }
        puts_(o, ",\"categories\":");
        if (rng_chance(&r, 0.03)) {
            puts_(o, "null");
        } else {
            unsigned n = 1 + (unsigned)rng_below(&r, 6);
            cats.len = 0;
            if (op->layout == YP_KAGGLE_2018)
                putc_(o, '[');
            for (unsigned i = 0; i < n; i++) {
                const char *c = PICK(&r, YP_CATS);
                if (op->layout == YP_KAGGLE_2018) {
                    if (i)
                        putc_(o, ',');
                    put_js(o, c);
                } else {
                    if (i)
                        puts_(&cats, ", ");
                    puts_(&cats, c);
                }
            }
            if (op->layout == YP_KAGGLE_2018) {
                putc_(o, ']');
            } else {
                putc_(&cats, 0);
                put_js(o, cats.p);
            }
        }
        puts_(o, ",\"hours\":");
        if (rng_chance(&r, 0.15)) {
            puts_(o, "null");
        } else {
            putc_(o, '{');
            for (size_t d = 0; d < ARRAY_LEN(YP_DAYS); d++) {
                unsigned open = 6 + (unsigned)rng_below(&r, 6), close = 15 + (unsigned)rng_below(&r, 9);
                put_fmt(o, "%s\"%s\":\"%u:0-%u:%u\"", d ? "," : "", YP_DAYS[d], open, close,
                        rng_chance(&r, 0.3) ? 30u : 0u);
            }
            putc_(o, '}');
        }
        puts_(o, "}\n");
    }
    sink_free(&name);
    sink_free(&cats);
}

static void gen_checkin(sink *o, const yp_opts *op)
{
    for (uint32_t k = 0; k < op->nitems; k++) {
        rng_t r = rng_for(op->seed, "yp-checkin", k);
        if (rng_chance(&r, 0.4))
            continue;
        puts_(o, "{\"business_id\":\"");
        put_business_id(o, op->seed, k);
        puts_(o, "\",\"date\":\"");
        int64_t t = YP_T0 + (int64_t)rng_below(&r, (YP_T1 - YP_T0) / 2);
        unsigned n = 1 + (unsigned)rng_below(&r, 8);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                puts_(o, ", ");
            put_datetime(o, t, 0);
            t += 1 + (int64_t)rng_below(&r, 90 * 86400);
        }
        puts_(o, "\"}\n");
    }
}

/* A draw of the user and business samplers shared by reviews and tips. */
typedef struct {
    sampler users, items;
} yp_pop;

static void gen_review(sink *o, const yp_opts *op, const yp_pop *pop)
{
    int date_only = op->layout == YP_KAGGLE_2018;
    sink text;
    sink_mem(&text);
    puts_(o, YP_FIRST_REVIEW);
    putc_(o, '\n');
    uint32_t pu = 0, pb = 0;
    int64_t pt = 1531001351; /* the first line's date */
    for (uint64_t i = 1; i < op->reviews; i++) {
        rng_t r = rng_for(op->seed, "yp-review", i);
        uint32_t u, b;
        int64_t t;
        double g = rng_u01(&r);
        if (g < 0.01) { /* the previous user again, the same second: a tie */
            u = pu;
            t = pt;
            b = sampler_draw(&pop->items, &r);
        } else if (g < 0.015) { /* the previous user reviews the same business again, later */
            u = pu;
            b = pb;
            t = pt + 86400 + (int64_t)rng_below(&r, 400 * 86400);
        } else {
            u = sampler_draw(&pop->users, &r);
            b = sampler_draw(&pop->items, &r);
            t = YP_T0 + (int64_t)rng_below(&r, YP_T1 - YP_T0);
        }
        if (date_only)
            t -= t % 86400;
        puts_(o, "{\"review_id\":\"");
        put_id(o, op->seed, "yp-rid", i);
        puts_(o, "\",\"user_id\":\"");
        put_user_id(o, op->seed, u);
        puts_(o, "\",\"business_id\":\"");
        put_business_id(o, op->seed, b);
        unsigned stars = 1 + (unsigned)rng_below(&r, 5);
        put_fmt(o, date_only ? "\",\"stars\":%u" : "\",\"stars\":%u.0", stars);
        double x = rng_u01(&r);
        put_fmt(o, ",\"useful\":%u,\"funny\":%u,\"cool\":%u,\"text\":", (unsigned)(x * x * x * 40.0),
                (unsigned)(x * x * x * x * 10.0), (unsigned)(x * x * x * 20.0));
        text.len = 0;
        gen_text(&r, &text, text_len(&r, 500), 1);
        putc_(&text, 0);
        put_js(o, text.p);
        puts_(o, ",\"date\":\"");
        put_datetime(o, t, date_only);
        puts_(o, "\"}\n");
        pu = u;
        pb = b;
        pt = t;
    }
    sink_free(&text);
}

static void gen_tip(sink *o, const yp_opts *op, const yp_pop *pop)
{
    sink text;
    sink_mem(&text);
    for (uint64_t i = 0; i < op->tips; i++) {
        rng_t r = rng_for(op->seed, "yp-tip", i);
        puts_(o, "{\"user_id\":\"");
        put_user_id(o, op->seed, sampler_draw(&pop->users, &r));
        puts_(o, "\",\"business_id\":\"");
        put_business_id(o, op->seed, sampler_draw(&pop->items, &r));
        puts_(o, "\",\"text\":");
        text.len = 0;
        gen_text(&r, &text, 10 + rng_below(&r, 120), 1);
        putc_(&text, 0);
        put_js(o, text.p);
        puts_(o, ",\"date\":\"");
        put_datetime(o, YP_T0 + (int64_t)rng_below(&r, YP_T1 - YP_T0), op->layout == YP_KAGGLE_2018);
        put_fmt(o, "\",\"compliment_count\":%u}\n", rng_chance(&r, 0.95) ? 0u : 1u);
    }
    sink_free(&text);
}

static void gen_user(sink *o, const yp_opts *op)
{
    static const char *const COMPLIMENTS[] = {"hot",   "more", "profile", "cute",   "list",  "note",
                                              "plain", "cool", "funny",   "writer", "photos"};
    for (uint32_t u = 0; u < op->nusers; u++) {
        rng_t r = rng_for(op->seed, "yp-user", u);
        puts_(o, "{\"user_id\":\"");
        put_user_id(o, op->seed, u);
        puts_(o, "\",\"name\":");
        put_js(o, PICK(&r, YP_FIRST_NAMES));
        double x = rng_u01(&r);
        put_fmt(o, ",\"review_count\":%u,\"yelping_since\":\"", 1 + (unsigned)(x * x * x * 2000.0));
        put_datetime(o, YP_T0 - 86400 * 365 + (int64_t)rng_below(&r, YP_T1 - YP_T0), 0);
        put_fmt(o, "\",\"useful\":%u,\"funny\":%u,\"cool\":%u,\"elite\":\"", (unsigned)(x * x * 7000.0),
                (unsigned)(x * x * 1200.0), (unsigned)(x * x * 5000.0));
        if (rng_chance(&r, 0.1)) {
            unsigned y0 = 2006 + (unsigned)rng_below(&r, 12), n = 1 + (unsigned)rng_below(&r, 5);
            for (unsigned i = 0; i < n; i++)
                put_fmt(o, "%s%u", i ? "," : "", y0 + i);
        }
        puts_(o, "\",\"friends\":\"");
        if (rng_chance(&r, 0.4)) {
            puts_(o, "None");
        } else {
            unsigned n = 1 + (unsigned)rng_below(&r, 20);
            for (unsigned i = 0; i < n; i++) {
                if (i)
                    puts_(o, ", ");
                put_user_id(o, op->seed, (uint32_t)rng_below(&r, op->nusers));
            }
        }
        unsigned avg = 100 + (unsigned)rng_below(&r, 401); /* 1.00 .. 5.00 */
        put_fmt(o, "\",\"fans\":%u,\"average_stars\":%u.%02u", (unsigned)(x * x * x * 300.0), avg / 100,
                avg % 100);
        for (size_t c = 0; c < ARRAY_LEN(COMPLIMENTS); c++)
            put_fmt(o, ",\"compliment_%s\":%u", COMPLIMENTS[c], (unsigned)(x * x * rng_below(&r, 300)));
        puts_(o, "}\n");
    }
}

/* ---------------------------------------------------------------------------------------------
 * Archives, streamed
 */

static void tmp_path(char *buf, size_t n, const yp_opts *op, const char *what)
{
    snprintf(buf, n, "%s/.l4r-gen-yelp-%s.tmp", op->outdir, what);
}

/* Copies the file at path into the archive being written as entry name, in chunks. */
static void put_file_entry(struct archive *a, const char *kind, const char *name, int64_t mtime,
                           const char *path)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0)
        die("cannot read '%s': %s", path, strerror(errno));
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_mtime(e, mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)st.st_size);
    if (archive_write_header(a, e) != ARCHIVE_OK)
        die("%s: %s: %s", kind, name, archive_error_string(a));
    char *buf = xmalloc(1u << 20);
    size_t got;
    while ((got = fread(buf, 1, 1u << 20, f)) > 0)
        if (archive_write_data(a, buf, got) != (la_ssize_t)got)
            die("%s: %s: %s", kind, name, archive_error_string(a));
    if (ferror(f))
        die("cannot read '%s': %s", path, strerror(errno));
    free(buf);
    fclose(f);
    archive_entry_free(e);
}

typedef void (*gen_fn)(sink *o, const yp_opts *op, const yp_pop *pop);

static void w_business(sink *o, const yp_opts *op, const yp_pop *pop)
{
    (void)pop;
    gen_business(o, op);
}
static void w_checkin(sink *o, const yp_opts *op, const yp_pop *pop)
{
    (void)pop;
    gen_checkin(o, op);
}
static void w_user(sink *o, const yp_opts *op, const yp_pop *pop)
{
    (void)pop;
    gen_user(o, op);
}

/* Streams one JSON file to a temporary file, then into archive a as name. */
static void add_member(struct archive *a, const char *kind, const char *name, int64_t mtime, gen_fn fn,
                       const yp_opts *op, const yp_pop *pop)
{
    char path[4096];
    tmp_path(path, sizeof(path), op, "member");
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    sink o;
    sink_file(&o, f, 0);
    fn(&o, op, pop);
    sink_close(&o);
    if (fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
    put_file_entry(a, kind, name, mtime, path);
    unlink(path);
}

static void add_small(struct archive *a, const char *kind, const char *name, int64_t mtime, const char *text)
{
    sink o;
    sink_mem(&o);
    puts_(&o, text);
    archive_put(a, kind, name, mtime, &o);
    sink_free(&o);
}

static const char YP_PDF[] = "%PDF-1.4\n% l4r-gen: stands for the Yelp Dataset Terms of Use; not the real "
                             "document\n%%EOF\n";
/* An AppleDouble header (magic 0x00051607, version 2), what macOS leaves in __MACOSX/. */
static const char YP_APPLEDOUBLE[] = "\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ";

/* The data files, in upstream's order, prefixed with pre ("" at the archive's root). */
static void add_dataset(struct archive *a, const char *kind, const yp_opts *op, const yp_pop *pop)
{
    add_small(a, kind, "Dataset_User_Agreement.pdf", YP_MTIME_TAR, YP_PDF);
    add_member(a, kind, "yelp_academic_dataset_business.json", YP_MTIME_TAR, w_business, op, pop);
    add_member(a, kind, "yelp_academic_dataset_checkin.json", YP_MTIME_TAR, w_checkin, op, pop);
    add_member(a, kind, "yelp_academic_dataset_review.json", YP_MTIME_TAR, gen_review, op, pop);
    add_member(a, kind, "yelp_academic_dataset_tip.json", YP_MTIME_TAR, gen_tip, op, pop);
    add_member(a, kind, "yelp_academic_dataset_user.json", YP_MTIME_TAR, w_user, op, pop);
}

/* libarchive writes the tar into this sink (a gzip file sink). */
static la_ssize_t tar_write_cb(struct archive *a, void *ud, const void *buf, size_t n)
{
    (void)a;
    put((sink *)ud, buf, n);
    return (la_ssize_t)n;
}

/* The data files as a gzip-compressed tar in the temporary file path. */
static void write_tgz(const char *path, const yp_opts *op, const yp_pop *pop)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    sink gz;
    sink_file(&gz, f, 1);
    struct archive *ar = archive_write_new();
    if (archive_write_set_format_pax_restricted(ar) != ARCHIVE_OK ||
        archive_write_open(ar, &gz, NULL, tar_write_cb, NULL) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(ar));
    add_dataset(ar, "tar", op, pop);
    if (archive_write_close(ar) != ARCHIVE_OK)
        die("tar: %s", archive_error_string(ar));
    archive_write_free(ar);
    sink_close(&gz);
    if (fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
}

static void gen_archive(const yp_opts *op, const yp_pop *pop)
{
    char zpath[4096], tpath[4096];
    snprintf(zpath, sizeof(zpath), "%s/%s", op->outdir,
             op->layout == YP_JSON ? "Yelp-JSON.zip" : "archive.zip");
    tmp_path(tpath, sizeof(tpath), op, "tar");
    if (op->layout != YP_KAGGLE)
        write_tgz(tpath, op, pop);
    zipw z;
    zip_open(&z, zpath, op->layout == YP_JSON ? "Yelp JSON" : NULL, YP_MTIME_ZIP);
    if (op->layout == YP_JSON) {
        add_small(z.a, "zip", "Yelp JSON/Yelp Dataset Documentation & ToS copy.pdf", YP_MTIME_ZIP, YP_PDF);
        put_file_entry(z.a, "zip", "Yelp JSON/yelp_dataset.tar", YP_MTIME_ZIP, tpath);
        archive_put(z.a, "zip", "__MACOSX/", YP_MTIME_ZIP, NULL);
        archive_put(z.a, "zip", "__MACOSX/Yelp JSON/", YP_MTIME_ZIP, NULL);
        sink ad;
        sink_mem(&ad);
        put(&ad, YP_APPLEDOUBLE, sizeof(YP_APPLEDOUBLE) - 1);
        archive_put(z.a, "zip", "__MACOSX/Yelp JSON/._Yelp Dataset Documentation & ToS copy.pdf",
                    YP_MTIME_ZIP, &ad);
        archive_put(z.a, "zip", "__MACOSX/Yelp JSON/._yelp_dataset.tar", YP_MTIME_ZIP, &ad);
        sink_free(&ad);
    } else if (op->layout == YP_KAGGLE_2018) {
        put_file_entry(z.a, "zip", "dataset.tgz", YP_MTIME_ZIP, tpath);
    } else {
        add_dataset(z.a, "zip", op, pop);
    }
    zip_close(&z);
    if (op->layout != YP_KAGGLE)
        unlink(tpath);
}

int gen_yelp_main(const args *a)
{
    if (a->npos != 3)
        die("usage: l4r-gen yelp json|kaggle|kaggle-2018 OUTDIR [--lines N] [--users N] [--items N] [--seed "
            "S]");
    yp_opts op;
    op.seed = a->seed;
    op.outdir = a->pos[2];
    if (!strcmp(a->pos[1], "json"))
        op.layout = YP_JSON;
    else if (!strcmp(a->pos[1], "kaggle"))
        op.layout = YP_KAGGLE;
    else if (!strcmp(a->pos[1], "kaggle-2018"))
        op.layout = YP_KAGGLE_2018;
    else
        die("unknown Yelp layout '%s' (json, kaggle, kaggle-2018)", a->pos[1]);
    op.reviews = a->lines >= 0 ? (uint64_t)a->lines : 3000;
    if (op.reviews < 1)
        die("--lines must be at least 1 (the real first review)");
    op.tips = op.reviews / 4;
    op.nusers = u32_arg(a->users, op.reviews / 8 > 3 ? (uint32_t)(op.reviews / 8) : 3, "--users");
    op.nitems = u32_arg(a->items, op.reviews / 20 > 3 ? (uint32_t)(op.reviews / 20) : 3, "--items");
    if (mkdir(op.outdir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", op.outdir, strerror(errno));
    yp_pop pop;
    rng_t ur = rng_for(op.seed, "yp-upop", 0), ir = rng_for(op.seed, "yp-ipop", 0);
    sampler_zipf(&pop.users, op.nusers, 0.8, 3.0, &ur);
    sampler_zipf(&pop.items, op.nitems, 0.9, 2.0, &ir);
    gen_archive(&op, &pop);
    free(pop.users.cdf);
    free(pop.items.cdf);
    return 0;
}
