/*
 * test_reader.c — byte sources: plain, gzip (both inflaters, multi-member, truncated, corrupt),
 * archive members (zip, tar, tar.gz), bzip2/xz/zstd single files, sniffing by magic, digests.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "reader.h"
#include "util.h"
#include "tap.h"

static char tmpdir[] = "/tmp/l4r-test-reader.XXXXXX";

static char *write_tmp(const char *name, const void *data, size_t n)
{
    char *path = l4r_path_join(tmpdir, name);
    l4r_error e;
    if (l4r_write_file_atomic(path, data, n, &e) != L4R_OK) {
        printf("FAIL cannot write %s: %s\n", path, e.msg);
        exit(1);
    }
    return path;
}

/* Read a whole source through small, odd-sized reads. */
static l4r_status slurp(const char *path, const char *member, l4r_buf *out, l4r_error *e, size_t chunk)
{
    l4r_source *s;
    l4r_status st = l4r_source_open(&s, path, member, e);
    if (st)
        return st;
    for (;;) {
        l4r_buf_reserve(out, chunk);
        size_t got;
        st = l4r_source_read(s, out->data + out->len, chunk, &got, e);
        if (st || got == 0)
            break;
        out->len += got;
    }
    l4r_source_close(s);
    return st;
}

static void gzip_mem(const void *data, size_t n, l4r_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    size_t bound = deflateBound(&z, n) + 64;
    l4r_buf_reserve(out, bound);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)bound;
    deflate(&z, Z_FINISH);
    out->len += bound - z.avail_out;
    deflateEnd(&z);
}

static void make_text(l4r_buf *b, size_t lines)
{
    uint32_t x = 12345;
    for (size_t i = 0; i < lines; i++) {
        x = x * 1103515245 + 12345;
        l4r_buf_addf(b, "%zu\t%u\t%u\t%u\n", i, x >> 8, (x >> 3) % 5 + 1, 900000000 + (x >> 12));
    }
}

static void test_plain(void)
{
    l4r_buf text = {0};
    make_text(&text, 20000);
    char *p = write_tmp("ratings.gz", text.data, text.len); /* the extension lies: this is plain */
    l4r_buf got = {0};
    l4r_error e;
    T_EQ_INT(slurp(p, NULL, &got, &e, 4093), L4R_OK);
    T_EQ_MEM(got.data, got.len, text.data, text.len);
    l4r_source *s;
    T_EQ_INT(l4r_source_open(&s, p, NULL, &e), L4R_OK);
    char hex[65], want[65];
    uint64_t size, wsize;
    /* digest before reading anything: the source hashes the rest itself */
    T_EQ_INT(l4r_source_file_digest(s, hex, &size, &e), L4R_OK);
    l4r_hash_file(p, L4R_HASH_SHA256, want, &wsize, &e);
    T_EQ_STR(hex, want);
    T_EQ_INT(size, wsize);
    T_EQ_STR(l4r_source_name(s), p);
    l4r_source_close(s);
    T_EQ_INT(l4r_source_open(&s, "/nonexistent/x", NULL, &e), L4R_EIO);
    T_CHECK(strstr(e.msg, "cannot open '/nonexistent/x'") != NULL);
    free(p);
    l4r_buf_free(&got);
    l4r_buf_free(&text);
}

static void test_gzip_backend(const char *backend)
{
    char what[96];
    l4r_buf text = {0};
    make_text(&text, 60000);
    l4r_buf gz = {0};
    gzip_mem(text.data, text.len / 3, &gz);
    size_t one = gz.len;
    gzip_mem(text.data + text.len / 3, text.len - text.len / 3, &gz); /* second member */
    char *p = write_tmp("data.txt", gz.data, gz.len);                 /* gzip under a .txt name */
    l4r_buf got = {0};
    l4r_error e;
    snprintf(what, sizeof what, "%s: multi-member gzip inflates", backend);
    l4r_status st = slurp(p, NULL, &got, &e, 65536);
    l4r_t_report(st == L4R_OK && got.len == text.len && memcmp(got.data, text.data, text.len) == 0, __FILE__,
                 __LINE__, what, st ? e.msg : NULL);
    /* digest of the compressed file */
    l4r_source *s;
    char hex[65], want[65];
    uint64_t size;
    l4r_source_open(&s, p, NULL, &e);
    l4r_buf_reserve(&got, 1 << 20);
    size_t n;
    while (l4r_source_read(s, got.data, 1 << 20, &n, &e) == L4R_OK && n > 0) {
    }
    T_EQ_INT(l4r_source_file_digest(s, hex, &size, &e), L4R_OK);
    l4r_hash_file(p, L4R_HASH_SHA256, want, NULL, &e);
    T_EQ_STR(hex, want);
    T_EQ_INT(size, gz.len);
    l4r_source_close(s);
    free(p);
    /* trailing zero padding is fine */
    l4r_buf padded = {0};
    l4r_buf_add(&padded, gz.data, gz.len);
    l4r_buf_add(&padded, "\0\0\0\0", 4);
    p = write_tmp("padded.gz", padded.data, padded.len);
    l4r_buf_reset(&got);
    T_EQ_INT(slurp(p, NULL, &got, &e, 65536), L4R_OK);
    T_EQ_INT(got.len, text.len);
    free(p);
    /* truncated at several points, in both members */
    size_t cuts[] = {
        1, 2, 10, 11, one / 2, one - 8, one - 1, one + 5, one + (gz.len - one) / 2, gz.len - 4, gz.len - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        p = write_tmp("trunc.gz", gz.data, cuts[i]);
        l4r_buf_reset(&got);
        st = slurp(p, NULL, &got, &e, 65536);
        snprintf(what, sizeof what, "%s: gzip truncated at %zu of %zu is an error", backend, cuts[i], gz.len);
        bool ok = st == L4R_EARCHIVE && strstr(e.msg, p) != NULL;
        /* A cut of 1 byte is not gzip at all (plain); the rest must fail. */
        if (cuts[i] == 1)
            ok = st == L4R_OK && got.len == 1;
        l4r_t_report(ok, __FILE__, __LINE__, what, st ? e.msg : "no error");
        free(p);
    }
    /* a flipped byte in the CRC trailer, and one in the data */
    l4r_buf bad = {0};
    l4r_buf_add(&bad, gz.data, one);
    bad.data[one - 6] ^= 0x55;
    p = write_tmp("crc.gz", bad.data, bad.len);
    l4r_buf_reset(&got);
    st = slurp(p, NULL, &got, &e, 65536);
    snprintf(what, sizeof what, "%s: CRC mismatch is an error", backend);
    l4r_t_report(st == L4R_EARCHIVE && strstr(e.msg, "crc.gz"), __FILE__, __LINE__, what,
                 st ? e.msg : "no error");
    printf("# %s\n", e.msg);
    free(p);
    bad.data[one - 6] ^= 0x55;
    bad.data[one / 2] ^= 0x10;
    p = write_tmp("flip.gz", bad.data, bad.len);
    l4r_buf_reset(&got);
    st = slurp(p, NULL, &got, &e, 65536);
    snprintf(what, sizeof what, "%s: flipped data byte is an error", backend);
    l4r_t_report(st == L4R_EARCHIVE, __FILE__, __LINE__, what, st ? e.msg : "no error");
    free(p);
    /* garbage after a member */
    l4r_buf_reset(&bad);
    l4r_buf_add(&bad, gz.data, one);
    l4r_buf_adds(&bad, "garbage");
    p = write_tmp("garbage.gz", bad.data, bad.len);
    l4r_buf_reset(&got);
    T_EQ_INT(slurp(p, NULL, &got, &e, 65536), L4R_EARCHIVE);
    free(p);
    l4r_buf_free(&bad);
    l4r_buf_free(&padded);
    l4r_buf_free(&got);
    l4r_buf_free(&gz);
    l4r_buf_free(&text);
}

/* Write an archive with libarchive: format "zip", "tar" or "raw"; filter NULL, "gzip", "bzip2", ...
 * Returns false when this libarchive cannot write that combination. */
static bool make_archive(const char *path, const char *format, const char *filter, const char *const *names,
                         const l4r_buf *data, size_t n)
{
    struct archive *a = archive_write_new();
    bool ok = archive_write_set_format_by_name(a, format) == ARCHIVE_OK;
    if (ok && filter)
        ok = archive_write_add_filter_by_name(a, filter) == ARCHIVE_OK;
    ok = ok && archive_write_open_filename(a, path) == ARCHIVE_OK;
    for (size_t i = 0; ok && i < n; i++) {
        struct archive_entry *ent = archive_entry_new();
        archive_entry_set_pathname(ent, names[i]);
        archive_entry_set_size(ent, (la_int64_t)data[i].len);
        archive_entry_set_filetype(ent, AE_IFREG);
        archive_entry_set_perm(ent, 0644);
        ok = archive_write_header(a, ent) == ARCHIVE_OK &&
             archive_write_data(a, data[i].data, data[i].len) == (la_ssize_t)data[i].len;
        archive_entry_free(ent);
    }
    if (archive_write_close(a) != ARCHIVE_OK)
        ok = false;
    archive_write_free(a);
    return ok;
}

static void test_archives(void)
{
    l4r_buf files[3] = {{0}, {0}, {0}};
    l4r_buf_adds(&files[0], "readme\n");
    make_text(&files[1], 30000);
    make_text(&files[2], 500);
    const char *names[] = {"ml-1m/README", "ml-1m/ratings.dat", "ml-1m/users.dat"};
    static const struct {
        const char *format, *filter, *name;
    } kinds[] = {{"zip", NULL, "a.zip"},      {"ustar", NULL, "a.tar"}, {"ustar", "gzip", "a.tar"},
                 {"ustar", "bzip2", "a.tbz"}, {"ustar", "xz", "a.txz"}, {"ustar", "zstd", "a.tzst"}};
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        char *p = l4r_path_join(tmpdir, kinds[k].name);
        char what[128];
        if (!make_archive(p, kinds[k].format, kinds[k].filter, names, files, 3)) {
            printf("# skip %s+%s: this libarchive cannot write it\n", kinds[k].format,
                   kinds[k].filter ? kinds[k].filter : "");
            free(p);
            continue;
        }
        l4r_buf got = {0};
        l4r_error e;
        l4r_status st = slurp(p, "./ml-1m//ratings.dat", &got, &e, 100000);
        snprintf(what, sizeof what, "%s+%s member by its clean path", kinds[k].format,
                 kinds[k].filter ? kinds[k].filter : "none");
        l4r_t_report(st == L4R_OK && got.len == files[1].len && memcmp(got.data, files[1].data, got.len) == 0,
                     __FILE__, __LINE__, what, st ? e.msg : NULL);
        /* digest after reading only the middle member covers the whole file */
        l4r_source *s;
        if (l4r_source_open(&s, p, "ml-1m/ratings.dat", &e) == L4R_OK) {
            T_CHECK(strstr(l4r_source_name(s), ":ml-1m/ratings.dat") != NULL);
            char hex[65], want[65];
            uint64_t size, wsize;
            l4r_buf_reserve(&got, 65536);
            size_t n;
            l4r_source_read(s, got.data, 65536, &n, &e);
            T_EQ_INT(l4r_source_file_digest(s, hex, &size, &e), L4R_OK);
            l4r_hash_file(p, L4R_HASH_SHA256, want, &wsize, &e);
            T_EQ_STR(hex, want);
            T_EQ_INT(size, wsize);
            l4r_source_close(s);
        }
        st = slurp(p, "movies.dat", &got, &e, 100000);
        T_EQ_INT(st, L4R_EARCHIVE);
        T_CHECK(strstr(e.msg, "no member 'movies.dat'") != NULL);
        /* exact: neither a suffix at a '/' boundary nor any other suffix matches */
        T_EQ_INT(slurp(p, "ratings.dat", &got, &e, 100000), L4R_EARCHIVE);
        T_EQ_INT(slurp(p, "atings.dat", &got, &e, 100000), L4R_EARCHIVE);
        /* an archive without a member name is an error, compressed or not (by content: the name
         * a.tar of the gzip-compressed one says nothing) */
        st = slurp(p, NULL, &got, &e, 100000);
        snprintf(what, sizeof what, "%s+%s without a member: 'name the member'", kinds[k].format,
                 kinds[k].filter ? kinds[k].filter : "none");
        l4r_t_report(st == L4R_EARCHIVE && strstr(e.msg, "name the member to read") &&
                         strstr(e.msg, "its first is 'ml-1m/README'"),
                     __FILE__, __LINE__, what, st ? e.msg : "no error");
        printf("# %s\n", e.msg);
        l4r_archive_kind ak;
        T_EQ_INT(l4r_archive_sniff(p, &ak, &e), L4R_OK);
        T_CHECK(ak.is_archive);
        T_EQ_STR(ak.format, strcmp(kinds[k].format, "zip") ? "tar" : "zip");
        if (kinds[k].filter) {
            char want[64];
            snprintf(want, sizeof want, "%s-compressed", kinds[k].filter);
            T_EQ_STR(ak.filter, want);
        }
        /* truncated: the member must not come out short */
        l4r_buf raw = {0};
        l4r_read_file(p, 1 << 30, &raw, &e);
        char *q = write_tmp("trunc.archive", raw.data, raw.len * 2 / 3);
        l4r_buf_reset(&got);
        st = slurp(q, "ml-1m/ratings.dat", &got, &e, 100000);
        snprintf(what, sizeof what, "%s+%s truncated is an error", kinds[k].format,
                 kinds[k].filter ? kinds[k].filter : "none");
        l4r_t_report(st == L4R_EARCHIVE, __FILE__, __LINE__, what, st ? e.msg : "no error");
        printf("# %s\n", e.msg);
        free(q);
        l4r_buf_free(&raw);
        l4r_buf_free(&got);
        free(p);
    }
    /* zip: a flipped byte inside the member's data is a CRC (or inflate) error */
    char *p = l4r_path_join(tmpdir, "c.zip");
    if (make_archive(p, "zip", NULL, names, files, 3)) {
        l4r_buf raw = {0};
        l4r_error e;
        l4r_read_file(p, 1 << 30, &raw, &e);
        raw.data[raw.len / 2] ^= 0x01;
        char *q = write_tmp("flip.zip", raw.data, raw.len);
        l4r_buf got = {0};
        l4r_status st = slurp(q, "ml-1m/ratings.dat", &got, &e, 100000);
        l4r_t_report(st == L4R_EARCHIVE, __FILE__, __LINE__, "zip flipped byte is an error",
                     st ? e.msg : "no error");
        printf("# %s\n", e.msg);
        free(q);
        l4r_buf_free(&got);
        l4r_buf_free(&raw);
    }
    free(p);
    /* single compressed files through libarchive's raw format */
    static const char *filters[] = {"bzip2", "xz", "zstd"};
    for (size_t k = 0; k < 3; k++) {
        p = l4r_path_join(tmpdir, "single.dat");
        const char *one[] = {"data"};
        if (!make_archive(p, "raw", filters[k], one, &files[1], 1)) {
            printf("# skip raw+%s\n", filters[k]);
            free(p);
            continue;
        }
        l4r_buf got = {0};
        l4r_error e;
        char what[96];
        l4r_status st = slurp(p, NULL, &got, &e, 77777);
        snprintf(what, sizeof what, "%s single file inflates", filters[k]);
        l4r_t_report(st == L4R_OK && got.len == files[1].len && memcmp(got.data, files[1].data, got.len) == 0,
                     __FILE__, __LINE__, what, st ? e.msg : "differs");
        l4r_buf raw = {0};
        l4r_read_file(p, 1 << 30, &raw, &e);
        static const double fr[] = {0.1, 0.5, 0.9, 0.999};
        for (int c = 0; c < 4; c++) {
            char *q = write_tmp("trunc.single", raw.data, (size_t)((double)raw.len * fr[c]));
            l4r_buf_reset(&got);
            st = slurp(q, NULL, &got, &e, 77777);
            snprintf(what, sizeof what, "%s truncated at %.1f%% is an error", filters[k], fr[c] * 100);
            l4r_t_report(st == L4R_EARCHIVE && strstr(e.msg, q), __FILE__, __LINE__, what,
                         st ? e.msg : "no error");
            free(q);
        }
        l4r_buf_free(&raw);
        l4r_buf_free(&got);
        free(p);
    }
    for (int i = 0; i < 3; i++)
        l4r_buf_free(&files[i]);
}

/* The digest computed on the side thread (gzip) equals the file's, whenever it is switched on,
 * whatever was read; closing without asking for it stops the thread.  A plain file stays inline
 * and gives the same digest. */
/* Issue 13 item 3: the member is found by its exact clean path, so an entry 'evil/ml-1m/...' before
 * it is not taken; a second entry of the same clean path is an error once the member is read. */
static void test_member_exact(void)
{
    l4r_buf good = {0}, evil = {0};
    l4r_buf_adds(&good, "1::10::5::100\n");
    l4r_buf_adds(&evil, "666::666::1::1\n");
    static const char *const formats[][2] = {{"zip", NULL}, {"ustar", NULL}, {"ustar", "gzip"}};
    for (size_t k = 0; k < 3; k++) {
        char what[160];
        const char *fmt = formats[k][0], *flt = formats[k][1];
        char *p = l4r_path_join(tmpdir, "evil.archive");
        const char *names[] = {"evil/ml-1m/ratings.dat", "ml-1m/ratings.dat"};
        l4r_buf data[] = {evil, good};
        if (!make_archive(p, fmt, flt, names, data, 2)) {
            free(p);
            continue;
        }
        l4r_buf got = {0};
        l4r_error e;
        l4r_source *s;
        l4r_status st = l4r_source_open(&s, p, "ml-1m/ratings.dat", &e);
        if (st == L4R_OK) {
            size_t n;
            l4r_buf_reserve(&got, 4096);
            st = l4r_source_read(s, got.data, 4096, &n, &e);
            got.len = n;
            char hex[65];
            if (st == L4R_OK)
                st = l4r_source_file_digest(s, hex, NULL, &e);
            l4r_source_close(s);
        }
        snprintf(what, sizeof what, "%s+%s: 'evil/ml-1m/ratings.dat' before it is not the member", fmt,
                 flt ? flt : "none");
        l4r_t_report(st == L4R_OK && got.len == good.len && !memcmp(got.data, good.data, good.len), __FILE__,
                     __LINE__, what, st ? e.msg : got.data);

        /* the same member twice (and spelled './ml-1m/ratings.dat': the same clean path) */
        const char *dup[][2] = {{"ml-1m/ratings.dat", "ml-1m/ratings.dat"},
                                {"ml-1m/ratings.dat", "./ml-1m/ratings.dat"}};
        for (int d = 0; d < 2; d++) {
            const char *three[] = {dup[d][0], "ml-1m/users.dat", dup[d][1]};
            l4r_buf d3[] = {good, good, evil};
            if (!make_archive(p, fmt, flt, three, d3, 3))
                continue;
            st = l4r_source_open(&s, p, "ml-1m/ratings.dat", &e);
            if (st == L4R_OK) {
                size_t n;
                do {
                    l4r_buf_reserve(&got, 4096);
                    st = l4r_source_read(s, got.data, 4096, &n, &e);
                } while (st == L4R_OK && n > 0);
                char hex[65];
                if (st == L4R_OK)
                    st = l4r_source_file_digest(s, hex, NULL, &e);
                l4r_source_close(s);
            }
            snprintf(what, sizeof what, "%s+%s: '%s' then '%s' is an ambiguous archive", fmt,
                     flt ? flt : "none", dup[d][0], dup[d][1]);
            l4r_t_report(st == L4R_EARCHIVE && strstr(e.msg, "ambiguous archive") &&
                             strstr(e.msg, "holds 'ml-1m/ratings.dat' twice (entries 1 and 3"),
                         __FILE__, __LINE__, what, st ? e.msg : "no error");
            printf("# %s\n", e.msg);
        }
        l4r_buf_free(&got);
        free(p);
    }
    /* a plain gzip file of one table is not an archive, and a text file is not one either (the
     * mtree format's bidder would take it for one: it is left out) */
    l4r_buf gz = {0};
    gzip_mem(good.data, good.len, &gz);
    char *p = write_tmp("one.gz", gz.data, gz.len);
    l4r_archive_kind ak;
    l4r_error e;
    T_EQ_INT(l4r_archive_sniff(p, &ak, &e), L4R_OK);
    T_CHECK(!ak.is_archive);
    free(p);
    p = write_tmp("one.txt", "userId,movieId\n1,2\n", 18);
    T_EQ_INT(l4r_archive_sniff(p, &ak, &e), L4R_OK);
    T_CHECK(!ak.is_archive);
    free(p);
    l4r_buf_free(&gz);
    l4r_buf_free(&good);
    l4r_buf_free(&evil);
}

static void test_hash_aside(void)
{
    l4r_buf text = {0}, gz = {0};
    /* ~18 MB, ~8 MB compressed: many reads, and more than the gzip reader's ring of input buffers
     * lent to the hasher aside (GZ_RING x IN_CAP), so buffers are reclaimed and reused */
    make_text(&text, 600000);
    gzip_mem(text.data, text.len, &gz);
    char *plain = write_tmp("aside.txt", text.data, text.len);
    char *gzp = write_tmp("aside.txt.gz", gz.data, gz.len);
    const char *paths[] = {plain, gzp};
    l4r_buf got = {0};
    for (int k = 0; k < 2; k++) {
        for (int when = 0; when < 3; when++) { /* 0: before the first read, 1: after it, 2: close early */
            l4r_error e;
            l4r_source *s;
            T_EQ_INT(l4r_source_open(&s, paths[k], NULL, &e), L4R_OK);
            if (when == 0)
                l4r_source_hash_aside(s);
            got.len = 0;
            l4r_status rst = L4R_OK;
            for (int reads = 0;; reads++) {
                l4r_buf_reserve(&got, 1 << 16);
                size_t n;
                rst = l4r_source_read(s, got.data + got.len, 1 << 16, &n, &e);
                if (rst || n == 0 || (when == 2 && reads == 5))
                    break;
                got.len += n;
                if (when > 0 && reads == 0)
                    l4r_source_hash_aside(s);
            }
            T_EQ_INT(rst, L4R_OK);
            if (when < 2) {
                T_EQ_MEM(got.data, got.len, text.data, text.len);
                char hex[65], want[65];
                uint64_t size, wsize;
                T_EQ_INT(l4r_source_file_digest(s, hex, &size, &e), L4R_OK);
                l4r_hash_file(paths[k], L4R_HASH_SHA256, want, &wsize, &e);
                T_EQ_STR(hex, want);
                T_EQ_INT(size, wsize);
                /* asking twice gives the same answer */
                T_EQ_INT(l4r_source_file_digest(s, hex, &size, &e), L4R_OK);
                T_EQ_STR(hex, want);
            }
            l4r_source_close(s);
        }
    }
    free(plain);
    free(gzp);
    l4r_buf_free(&got);
    l4r_buf_free(&gz);
    l4r_buf_free(&text);
}

/* Lending a plain file's hasher: the borrower hashes what it reads; the digest is the file's. */
static void test_lend_hash(void)
{
    l4r_buf text = {0}, gz = {0};
    make_text(&text, 50000);
    gzip_mem(text.data, text.len, &gz);
    char *plain = write_tmp("lend.txt", text.data, text.len);
    char *gzp = write_tmp("lend.txt.gz", gz.data, gz.len);
    char hex[65], want[65];
    uint64_t size, wsize;
    l4r_error e;
    l4r_hash_file(plain, L4R_HASH_SHA256, want, &wsize, &e);
    for (int ok = 0; ok < 2; ok++) {
        l4r_source *s;
        T_EQ_INT(l4r_source_open(&s, plain, NULL, &e), L4R_OK);
        char buf[4096];
        size_t n;
        T_EQ_INT(l4r_source_read(s, buf, sizeof buf, &n, &e), L4R_OK); /* hashed by the source */
        l4r_hasher *h = l4r_source_lend_hash(s);
        T_CHECK(h != NULL);
        T_CHECK(l4r_source_lend_hash(s) == NULL); /* lent already */
        T_EQ_INT(l4r_source_file_digest(s, hex, &size, &e), L4R_EINTERNAL);
        l4r_status rs;
        do {
            rs = l4r_source_read(s, buf, sizeof buf, &n, &e);
            if (rs == L4R_OK)
                l4r_hasher_update(h, buf, n);
        } while (rs == L4R_OK && n > 0);
        T_EQ_INT(rs, L4R_OK);
        l4r_source_return_hash(s, h, ok);
        l4r_status st = l4r_source_file_digest(s, hex, &size, &e);
        if (ok) {
            T_EQ_INT(st, L4R_OK);
            T_EQ_STR(hex, want);
            T_EQ_INT(size, wsize);
        } else {
            T_CHECK(st != L4R_OK); /* the borrower gave up: no digest rather than a wrong one */
        }
        l4r_source_close(s);
    }
    /* only plain files lend */
    l4r_source *s;
    T_EQ_INT(l4r_source_open(&s, gzp, NULL, &e), L4R_OK);
    T_CHECK(l4r_source_lend_hash(s) == NULL);
    l4r_source_close(s);
    free(plain);
    free(gzp);
    l4r_buf_free(&gz);
    l4r_buf_free(&text);
}

/* Archives inside archives (issue 14): zip -> gzip tar named .tar -> member, streamed. */
static void test_nested(void)
{
    l4r_buf text = {0}, small = {0}, gz = {0}, inner = {0}, dup = {0};
    make_text(&text, 60000); /* ~1.6 MB: crosses the peek and the input buffers */
    l4r_buf_adds(&small, "{}\n");
    gzip_mem(text.data, text.len, &gz);
    l4r_error e;
    char *ip = l4r_path_join(tmpdir, "inner.tgz");
    const char *inames[] = {"Agreement.pdf", "review.json", "tip.json"};
    l4r_buf idata[] = {small, text, small};
    T_CHECK(make_archive(ip, "ustar", "gzip", inames, idata, 3));
    T_EQ_INT(l4r_read_file(ip, 1u << 26, &inner, &e), L4R_OK);
    const char *dnames[] = {"review.json", "review.json"};
    l4r_buf ddata[] = {text, small};
    T_CHECK(make_archive(ip, "ustar", "gzip", dnames, ddata, 2));
    T_EQ_INT(l4r_read_file(ip, 1u << 26, &dup, &e), L4R_OK);
    char *zp = l4r_path_join(tmpdir, "Yelp-JSON.zip");
    const char *znames[] = {"Yelp JSON/terms.pdf", "Yelp JSON/yelp_dataset.tar", "data/review.json.gz",
                            "dup.tar"};
    l4r_buf zdata[] = {small, inner, gz, dup};
    T_CHECK(make_archive(zp, "zip", NULL, znames, zdata, 4));
    l4r_buf zbytes = {0};
    T_EQ_INT(l4r_read_file(zp, 1u << 26, &zbytes, &e), L4R_OK);
    l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
    l4r_hasher_update(h, zbytes.data, zbytes.len);
    char want_sha[65];
    l4r_hasher_final(h, want_sha);

    for (int aside = 0; aside < 2; aside++) {
        l4r_source *s;
        l4r_status st = l4r_source_open(&s, zp, "Yelp JSON/yelp_dataset.tar/review.json", &e);
        T_EQ_INT(st, L4R_OK);
        if (st)
            break;
        char *name = l4r_xasprintf("%s:Yelp JSON/yelp_dataset.tar:review.json", zp);
        T_EQ_STR(l4r_source_name(s), name);
        free(name);
        T_CHECK(!l4r_source_plain(s));
        if (aside)
            l4r_source_hash_aside(s);
        l4r_buf got = {0};
        for (;;) {
            size_t n;
            l4r_buf_reserve(&got, 7777);
            st = l4r_source_read(s, got.data + got.len, 7777, &n, &e);
            if (st || !n)
                break;
            got.len += n;
        }
        T_EQ_INT(st, L4R_OK);
        T_EQ_MEM(got.data, got.len, text.data, text.len);
        char sha[65];
        uint64_t size = 0;
        T_EQ_INT(l4r_source_file_digest(s, sha, &size, &e), L4R_OK);
        T_EQ_STR(sha, want_sha); /* the outer file's: what the user has */
        T_EQ_INT(size, zbytes.len);
        l4r_source_close(s);
        l4r_buf_free(&got);
    }

    /* a gzip member that is no tar: one file, inflated */
    l4r_buf got = {0};
    T_EQ_INT(slurp(zp, "data/review.json.gz", &got, &e, 65536), L4R_OK);
    T_EQ_MEM(got.data, got.len, text.data, text.len);
    l4r_buf_free(&got);

    /* a missing inner member names the chain */
    T_EQ_INT(slurp(zp, "Yelp JSON/yelp_dataset.tar/user.json", &got, &e, 65536), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "no member 'user.json' in archive '") &&
            strstr(e.msg, "Yelp-JSON.zip:Yelp JSON/yelp_dataset.tar'"));
    l4r_buf_free(&got);

    /* the inner archive itself is no table */
    T_EQ_INT(slurp(zp, "Yelp JSON/yelp_dataset.tar", &got, &e, 65536), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "is a tar archive, gzip-compressed, not one file: name a member inside it") !=
            NULL);
    l4r_buf_free(&got);

    /* a file on the way that is no archive */
    T_EQ_INT(slurp(zp, "Yelp JSON/terms.pdf/x.json", &got, &e, 65536), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "its file 'Yelp JSON/terms.pdf' is not an archive") != NULL);
    l4r_buf_free(&got);

    /* a duplicate inside the inner archive: found when the source is finished */
    l4r_source *s;
    T_EQ_INT(l4r_source_open(&s, zp, "dup.tar/review.json", &e), L4R_OK);
    if (s) {
        char buf[65536], sha[65];
        size_t n;
        do {
            T_EQ_INT(l4r_source_read(s, buf, sizeof buf, &n, &e), L4R_OK);
        } while (n);
        T_EQ_INT(l4r_source_file_digest(s, sha, NULL, &e), L4R_EARCHIVE);
        T_CHECK(strstr(e.msg, "Yelp-JSON.zip:dup.tar': it holds 'review.json' twice (entries 1 and 2)") !=
                NULL);
        l4r_source_close(s);
    }
    free(ip);
    free(zp);
    l4r_buf_free(&text);
    l4r_buf_free(&small);
    l4r_buf_free(&gz);
    l4r_buf_free(&inner);
    l4r_buf_free(&dup);
    l4r_buf_free(&zbytes);
}

/* Read the rest of an open source into out. */
static l4r_status read_rest(l4r_source *s, l4r_buf *out, l4r_error *e)
{
    for (;;) {
        l4r_buf_reserve(out, 4096);
        size_t got;
        l4r_status st = l4r_source_read(s, out->data + out->len, 4096, &got, e);
        if (st || got == 0)
            return st;
        out->len += got;
    }
}

/* l4r_source_move_to: the tables of one archive in one pass. */
static void test_move_to(void)
{
    l4r_buf files[5] = {{0}, {0}, {0}, {0}, {0}};
    make_text(&files[0], 2000);
    make_text(&files[1], 10);
    make_text(&files[2], 700);
    l4r_buf plain4 = {0};
    make_text(&plain4, 300);
    gzip_mem(plain4.data, plain4.len, &files[3]);
    l4r_buf_adds(&files[4], "again\n");
    const char *names[] = {"d/one.json", "d/two.json", "d/three.json", "d/four.json.gz", "d/one.json"};
    char *tgz = l4r_path_join(tmpdir, "move.tar.gz");
    T_CHECK(make_archive(tgz, "ustar", "gzip", names, files, 4));
    /* the file's own digest, to compare with the source's after the moves */
    l4r_buf raw = {0};
    l4r_error e;
    T_EQ_INT(l4r_read_file(tgz, 1u << 26, &raw, &e), L4R_OK);
    l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
    l4r_hasher_update(h, raw.data, raw.len);
    char want[65], got[65];
    l4r_hasher_final(h, want);

    l4r_source *s = NULL;
    T_EQ_INT(l4r_source_open(&s, tgz, "d/one.json", &e), L4R_OK);
    l4r_buf b = {0};
    T_EQ_INT(read_rest(s, &b, &e), L4R_OK);
    T_EQ_MEM(b.data, b.len, files[0].data, files[0].len);
    bool moved = true;
    /* a later member: read on */
    T_EQ_INT(l4r_source_move_to(s, "./d//three.json", &moved, &e), L4R_OK);
    T_CHECK(moved);
    T_CHECK(strstr(l4r_source_name(s), "move.tar.gz:d/three.json") != NULL);
    l4r_buf_reset(&b);
    T_EQ_INT(read_rest(s, &b, &e), L4R_OK);
    T_EQ_MEM(b.data, b.len, files[2].data, files[2].len);
    /* a compressed member further on: decompressed, as l4r_source_open does */
    T_EQ_INT(l4r_source_move_to(s, "d/four.json.gz", &moved, &e), L4R_OK);
    T_CHECK(moved);
    l4r_buf_reset(&b);
    T_EQ_INT(read_rest(s, &b, &e), L4R_OK);
    T_EQ_MEM(b.data, b.len, plain4.data, plain4.len);
    /* the member just read, and one behind: not moved (the archive is read to its end looking) */
    T_EQ_INT(l4r_source_move_to(s, "d/four.json.gz", &moved, &e), L4R_OK);
    T_CHECK(!moved);
    T_EQ_INT(l4r_source_move_to(s, "d/two.json", &moved, &e), L4R_OK);
    T_CHECK(!moved);
    /* the digest is still the whole file's */
    uint64_t size = 0;
    T_EQ_INT(l4r_source_file_digest(s, got, &size, &e), L4R_OK);
    T_EQ_STR(got, want);
    T_EQ_INT(size, raw.len);
    l4r_source_close(s);

    /* a second entry of a member taken earlier in the pass: ambiguous, at the digest */
    char *dup = l4r_path_join(tmpdir, "movedup.tar.gz");
    const char *dnames[] = {"d/one.json", "d/two.json", "d/one.json"};
    l4r_buf dfiles[3] = {files[0], files[1], files[4]};
    T_CHECK(make_archive(dup, "ustar", "gzip", dnames, dfiles, 3));
    T_EQ_INT(l4r_source_open(&s, dup, "d/one.json", &e), L4R_OK);
    l4r_buf_reset(&b);
    T_EQ_INT(read_rest(s, &b, &e), L4R_OK);
    T_EQ_INT(l4r_source_move_to(s, "d/two.json", &moved, &e), L4R_OK);
    T_CHECK(moved);
    l4r_buf_reset(&b);
    T_EQ_INT(read_rest(s, &b, &e), L4R_OK);
    T_EQ_INT(l4r_source_file_digest(s, got, NULL, &e), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "it holds 'd/one.json' twice (entries 1 and 3)") != NULL);
    l4r_source_close(s);

    /* a zip: members found by a seek, never moved; the source is left as it was */
    char *zip = l4r_path_join(tmpdir, "move.zip");
    T_CHECK(make_archive(zip, "zip", NULL, names, files, 3));
    T_EQ_INT(l4r_source_open(&s, zip, "d/one.json", &e), L4R_OK);
    l4r_buf_reset(&b);
    T_EQ_INT(read_rest(s, &b, &e), L4R_OK);
    T_EQ_INT(l4r_source_move_to(s, "d/three.json", &moved, &e), L4R_OK);
    T_CHECK(!moved);
    T_EQ_INT(l4r_source_file_digest(s, got, NULL, &e), L4R_OK);
    l4r_source_close(s);

    free(tgz);
    free(dup);
    free(zip);
    l4r_buf_free(&b);
    l4r_buf_free(&raw);
    l4r_buf_free(&plain4);
    for (size_t i = 0; i < 5; i++)
        l4r_buf_free(&files[i]);
}

int main(void)
{
    if (!mkdtemp(tmpdir))
        return 1;
    test_plain();
    unsetenv("L4R_FORCE_ZLIB");
    printf("# default backend: %s\n", l4r_gzip_backend());
#ifdef L4R_HAVE_ISAL
    T_EQ_STR(l4r_gzip_backend(), "isa-l");
#endif
    test_gzip_backend(l4r_gzip_backend());
    setenv("L4R_FORCE_ZLIB", "1", 1);
    T_EQ_STR(l4r_gzip_backend(), "zlib");
    test_gzip_backend("zlib");
    unsetenv("L4R_FORCE_ZLIB");
    test_archives();
    test_member_exact();
    test_nested();
    setenv("L4R_FORCE_ZLIB", "1", 1);
    test_nested();
    unsetenv("L4R_FORCE_ZLIB");
    test_hash_aside();
    test_lend_hash();
    test_move_to();
    l4r_error e;
    l4r_rmtree(tmpdir, &e);
    return l4r_t_exit();
}
