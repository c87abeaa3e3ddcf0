/*
 * test_fetch.c — unit tests of src/fetch/: mirror mapping, MD5 sidecars, l4r_download over
 * file:// (verification, resume, failures leave nothing under the final name), --from
 * registration, safe unpacking of hostile archives (built here with libarchive), and
 * l4r_fetch_variant on hand-built recipe structs (stamp, idempotence, --force, gated variants).
 * HTTP behaviour (retries, Range, stalls) is covered by the shell tests in tests/fetch/ against a local
 * server.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "fetch/fetch.h"
#include "tap.h"
#include "util.h"

static char *root; /* temporary directory of this run */

/* a writable copy of a literal, for the char * fields of the recipe structs */
#define MUT(s) ((char[]){s})

static void put(const char *path, const char *text)
{
    l4r_error e;
    l4r_status st = l4r_write_file_atomic(path, text, strlen(text), &e);
    if (st != L4R_OK) {
        fprintf(stderr, "%s\n", e.msg);
        exit(2);
    }
}

static char *slurp(const char *path)
{
    l4r_buf b = {0};
    l4r_error e;
    if (l4r_read_file(path, 1 << 24, &b, &e) != L4R_OK) {
        l4r_buf_free(&b);
        return NULL;
    }
    return l4r_buf_take(&b);
}

static bool exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

static char *sha_of(const char *path)
{
    static char hex[65];
    l4r_error e;
    if (l4r_hash_file(path, L4R_HASH_SHA256, hex, NULL, &e) != L4R_OK)
        return NULL;
    return hex;
}

/* Number of directory entries other than . and .. whose name starts with prefix. */
static int count_prefix(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    struct dirent *de;
    for (de = readdir(d); de; de = readdir(d))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            !strncmp(de->d_name, prefix, strlen(prefix)))
            n++;
    closedir(d);
    return n;
}

/* ---- archive builder ---- */

typedef struct tentry {
    const char *path;
    char type;        /* f file, d dir, l symlink, h hardlink, c char device, p fifo */
    const char *data; /* file contents, or link target */
} tentry;

static void make_tar(const char *path, const tentry *ents, size_t n, bool gzip)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gzip)
        archive_write_add_filter_gzip(a);
    if (archive_write_open_filename(a, path) != ARCHIVE_OK) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, ents[i].path);
        archive_entry_set_perm(e, 0644);
        size_t len = 0;
        switch (ents[i].type) {
        case 'f':
            archive_entry_set_filetype(e, AE_IFREG);
            len = strlen(ents[i].data);
            archive_entry_set_size(e, (la_int64_t)len);
            break;
        case 'd':
            archive_entry_set_filetype(e, AE_IFDIR);
            archive_entry_set_perm(e, 0755);
            break;
        case 'l':
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, ents[i].data);
            break;
        case 'h':
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_hardlink(e, ents[i].data);
            break;
        case 'c':
            archive_entry_set_filetype(e, AE_IFCHR);
            archive_entry_set_rdev(e, makedev(1, 3));
            break;
        case 'p': archive_entry_set_filetype(e, AE_IFIFO); break;
        }
        archive_write_header(a, e);
        if (len)
            archive_write_data(a, ents[i].data, len);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

/* ---- zip and gzip builders, byte by byte, so headers can lie ---- */

typedef struct zent {
    const char *name;
    const char *data;
    size_t len;
    bool deflate;
    long declare;   /* >= 0: the uncompressed size the headers claim instead of len */
    unsigned flags; /* general purpose bits (0x800: the name is UTF-8) */
} zent;

static void le16(l4r_buf *b, unsigned v)
{
    l4r_buf_addc(b, (char)(v & 0xff));
    l4r_buf_addc(b, (char)((v >> 8) & 0xff));
}

static void le32(l4r_buf *b, unsigned long v)
{
    le16(b, (unsigned)(v & 0xffff));
    le16(b, (unsigned)((v >> 16) & 0xffff));
}

/* Raw deflate (zip) or gzip (wbits 15 + 16) of data into out. */
static void deflate_into(l4r_buf *out, const char *data, size_t len, int wbits)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    deflateInit2(&zs, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
    size_t cap = deflateBound(&zs, (uLong)len) + 64;
    l4r_buf_reserve(out, cap);
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out->data + out->len;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    out->len += cap - zs.avail_out;
    deflateEnd(&zs);
}

static void make_zip(const char *path, const zent *z, size_t n)
{
    l4r_buf b = {0}, cd = {0};
    for (size_t i = 0; i < n; i++) {
        l4r_buf body = {0};
        if (z[i].deflate)
            deflate_into(&body, z[i].data, z[i].len, -15);
        else
            l4r_buf_add(&body, z[i].data, z[i].len);
        unsigned long crc = crc32(0, (const Bytef *)z[i].data, (uInt)z[i].len);
        unsigned long usize = z[i].declare >= 0 ? (unsigned long)z[i].declare : z[i].len;
        size_t off = b.len;
        le32(&b, 0x04034b50);
        le16(&b, 20);
        le16(&b, z[i].flags);
        le16(&b, z[i].deflate ? 8 : 0);
        le16(&b, 0);
        le16(&b, 0x21);
        le32(&b, crc);
        le32(&b, body.len);
        le32(&b, usize);
        le16(&b, (unsigned)strlen(z[i].name));
        le16(&b, 0);
        l4r_buf_adds(&b, z[i].name);
        l4r_buf_add(&b, body.data, body.len);
        le32(&cd, 0x02014b50);
        le16(&cd, 20);
        le16(&cd, 20);
        le16(&cd, z[i].flags);
        le16(&cd, z[i].deflate ? 8 : 0);
        le16(&cd, 0);
        le16(&cd, 0x21);
        le32(&cd, crc);
        le32(&cd, body.len);
        le32(&cd, usize);
        le16(&cd, (unsigned)strlen(z[i].name));
        le16(&cd, 0);
        le16(&cd, 0);
        le16(&cd, 0);
        le16(&cd, 0);
        le32(&cd, 0);
        le32(&cd, off);
        l4r_buf_adds(&cd, z[i].name);
        l4r_buf_free(&body);
    }
    size_t cd_off = b.len;
    l4r_buf_add(&b, cd.data, cd.len);
    le32(&b, 0x06054b50);
    le16(&b, 0);
    le16(&b, 0);
    le16(&b, (unsigned)n);
    le16(&b, (unsigned)n);
    le32(&b, cd.len);
    le32(&b, cd_off);
    le16(&b, 0);
    l4r_error e;
    if (l4r_write_file_atomic(path, b.data, b.len, &e) != L4R_OK)
        exit(2);
    l4r_buf_free(&b);
    l4r_buf_free(&cd);
}

static void put_bytes(const char *path, const void *p, size_t n)
{
    l4r_error e;
    if (l4r_write_file_atomic(path, p, n, &e) != L4R_OK)
        exit(2);
}

/* A gzip file of data (one member). */
static void make_gz(const char *path, const char *data, size_t len)
{
    l4r_buf b = {0};
    deflate_into(&b, data, len, 15 + 16);
    put_bytes(path, b.data, b.len);
    l4r_buf_free(&b);
}

/* Flip the byte at `at` (negative: from the end) of a file. */
static void flip(const char *path, long at)
{
    l4r_buf b = {0};
    l4r_error e;
    if (l4r_read_file(path, 1 << 26, &b, &e) != L4R_OK)
        exit(2);
    size_t i = at < 0 ? b.len - (size_t)(-at) : (size_t)at;
    b.data[i] ^= 0x5a;
    put_bytes(path, b.data, b.len);
    l4r_buf_free(&b);
}

static void truncate_to(const char *path, long keep_or_cut)
{
    struct stat sb;
    stat(path, &sb);
    off_t n = keep_or_cut < 0 ? sb.st_size + keep_or_cut : keep_or_cut;
    if (truncate(path, n) != 0)
        exit(2);
}

/* A path under root, malloc'd. */
static char *at_root(const char *rel)
{
    return l4r_path_join(root, rel);
}

/* l4r_unpack with a ceiling and nothing else */
static l4r_status unpack(const char *arc, const char *dir, uint64_t max, l4r_error *e)
{
    l4r_unpack_opts uo = {0};
    uo.max_bytes = max;
    return l4r_unpack(arc, dir, &uo, NULL, e);
}

/* ---- tests ---- */

static void test_mirror(void)
{
    char *u =
        l4r_mirror_url("file:///srv/mirror/", "https://files.grouplens.org/datasets/movielens/ml-1m.zip");
    T_EQ_STR(u, "file:///srv/mirror/files.grouplens.org/datasets/movielens/ml-1m.zip");
    free(u);
    u = l4r_mirror_url("http://127.0.0.1:8080", "http://example.org/a/b.gz#frag");
    T_EQ_STR(u, "http://127.0.0.1:8080/example.org/a/b.gz");
    free(u);
    u = l4r_mirror_url("http://m", "file:///local/x");
    T_EQ_STR(u, "file:///local/x");
    free(u);
    u = l4r_mirror_url(NULL, "https://h/p");
    T_EQ_STR(u, "https://h/p");
    free(u);
}

static void test_sidecar(void)
{
    char h[33];
    T_CHECK(l4r_parse_md5_sidecar("MD5 (ml-20m.zip) = cd245b17a1ae2cc31bb14903e1204af3\n", h));
    T_EQ_STR(h, "cd245b17a1ae2cc31bb14903e1204af3");
    T_CHECK(l4r_parse_md5_sidecar("D472BE332D4DAA821EDC399621853B57  ml-32m.zip\n", h));
    T_EQ_STR(h, "d472be332d4daa821edc399621853b57");
    T_CHECK(l4r_parse_md5_sidecar("d472be332d4daa821edc399621853b57", h));
    T_CHECK(!l4r_parse_md5_sidecar("d472be332d4daa821edc399621853b5  x", h));
    T_CHECK(!l4r_parse_md5_sidecar("d472be332d4daa821edc399621853b577  x", h));
    T_CHECK(!l4r_parse_md5_sidecar("<html>not found</html>", h));
    T_CHECK(!l4r_parse_md5_sidecar("MD5 (x) = zz", h));
}

static void test_download_file_url(void)
{
    l4r_fetch_opts o = {0};
    l4r_fetch_opts_defaults(&o);
    o.max_retries = 1;
    o.max_backoff_s = 0.01;
    char *src = l4r_path_join(root, "src.txt");
    const char *text = "0123456789abcdefghijklmnopqrstuvwxyz\n";
    put(src, text);
    char sha[65];
    strcpy(sha, sha_of(src));
    char *url = l4r_xasprintf("file://%s", src);
    char *dest = l4r_path_join(root, "dl.txt");
    char *part = l4r_xasprintf("%s.part", dest);
    char out[65] = "";
    l4r_error e = {0};

    /* plain download with size and sha256 */
    T_EQ_INT(l4r_download(url, dest, (int64_t)strlen(text), NULL, sha, &o, out, &e), L4R_OK);
    char *got = slurp(dest);
    T_EQ_STR(got, text);
    free(got);
    T_EQ_STR(out, sha);
    T_CHECK(!exists(part));

    /* resume: a .part holding the first 10 bytes is completed, not restarted */
    unlink(dest);
    put(part, "0123456789");
    T_EQ_INT(l4r_download(url, dest, -1, NULL, sha, &o, out, &e), L4R_OK);
    got = slurp(dest);
    T_EQ_STR(got, text);
    free(got);

    /* a .part with wrong bytes: the digest catches it, and the download starts again from zero
     * by itself (issue 13: it used to fail once, and the next run succeeded) */
    unlink(dest);
    put(part, "XXXXXXXXXX");
    T_EQ_INT(l4r_download(url, dest, -1, NULL, sha, &o, out, &e), L4R_OK);
    got = slurp(dest);
    T_EQ_STR(got, text);
    free(got);
    T_CHECK(!exists(part));
    unlink(dest);

    /* wrong digest: message names file, expected and actual */
    const char *bad = "0000000000000000000000000000000000000000000000000000000000000000";
    T_EQ_INT(l4r_download(url, dest, -1, NULL, bad, &o, out, &e), L4R_ECHECKSUM);
    T_CHECK(strstr(e.msg, "dl.txt") && strstr(e.msg, bad) && strstr(e.msg, sha));
    T_CHECK(!exists(dest) && !exists(part));

    /* wrong md5 */
    T_EQ_INT(l4r_download(url, dest, -1, "0e33842e24a9c977be4e0107933c0723", NULL, &o, out, &e),
             L4R_ECHECKSUM);
    T_CHECK(strstr(e.msg, "md5") != NULL);
    T_CHECK(!exists(dest) && !exists(part));

    /* wrong size (smaller than the source: the transfer is cut off) */
    T_EQ_INT(l4r_download(url, dest, 5, NULL, NULL, &o, out, &e), L4R_ECHECKSUM);
    T_CHECK(!exists(dest) && !exists(part));
    /* wrong size (larger) */
    T_EQ_INT(l4r_download(url, dest, 500, NULL, NULL, &o, out, &e), L4R_ECHECKSUM);
    T_CHECK(strstr(e.msg, "expected 500 bytes") != NULL);
    T_CHECK(!exists(dest) && !exists(part));

    /* missing source: network error naming the URL, nothing left */
    char *missing = l4r_xasprintf("file://%s/nope.bin", root);
    T_EQ_INT(l4r_download(missing, dest, -1, NULL, NULL, &o, out, &e), L4R_ENETWORK);
    T_CHECK(strstr(e.msg, missing) != NULL);
    T_CHECK(!exists(dest) && !exists(part));
    free(missing);

    /* interrupted before starting: EINTR */
    l4r_interrupted = 1;
    T_EQ_INT(l4r_download(url, dest, -1, NULL, NULL, &o, out, &e), L4R_EINTR);
    l4r_interrupted = 0;
    T_CHECK(!exists(dest));

    /* --from registration */
    T_EQ_INT(l4r_register_file(src, dest, -1, NULL, sha, out, &e), L4R_OK);
    T_CHECK(exists(dest) && !exists(part));
    unlink(dest);
    T_EQ_INT(l4r_register_file(src, dest, -1, NULL, bad, out, &e), L4R_ECHECKSUM);
    T_CHECK(strstr(e.msg, "src.txt") != NULL);
    T_CHECK(!exists(dest) && !exists(part));

    free(part);
    free(dest);
    free(url);
    free(src);
}

static void mkdir_fresh(const char *p)
{
    l4r_error e;
    l4r_rmtree(p, &e);
    l4r_mkdirs(p, &e);
}

/* Unpack one hostile archive; expect EARCHIVE, nothing outside, nothing half-done inside. */
static void expect_unsafe(const char *label, const tentry *ents, size_t n, const char *needle)
{
    char *box = l4r_path_join(root, "box");
    char *dir = l4r_path_join(box, "v");
    mkdir_fresh(box);
    mkdir_fresh(dir);
    char *arc = l4r_path_join(box, "evil.tar");
    make_tar(arc, ents, n, false);
    l4r_error e = {0};
    l4r_status st = unpack(arc, dir, 1 << 20, &e);
    printf("# %s: %s\n", label, e.msg);
    T_EQ_INT(st, L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "evil.tar") != NULL);
    T_CHECK(needle == NULL || strstr(e.msg, needle) != NULL);
    T_EQ_INT(count_prefix(dir, ""), 0); /* nothing under final names, no temp dir */
    T_EQ_INT(count_prefix(box, ""), 2); /* only v/ and evil.tar: nothing escaped */
    T_CHECK(!exists("/tmp/l4r-unit-escape"));
    free(arc);
    free(dir);
    free(box);
}

static void test_unpack(void)
{
    char *dir = l4r_path_join(root, "good");
    mkdir_fresh(dir);
    char *arc = l4r_path_join(root, "good.tar.gz");
    tentry good[] = {
        {"./top/", 'd', NULL},          {"top/a.txt", 'f', "alpha\n"},   {"top/sub/b.txt", 'f', "beta\n"},
        {"top/link", 'l', "sub/b.txt"}, {"top/sub/up", 'l', "../a.txt"}, {"top/hard", 'h', "top/a.txt"},
    };
    make_tar(arc, good, sizeof good / sizeof *good, true);
    l4r_error e = {0};
    T_EQ_INT(unpack(arc, dir, 1 << 20, &e), L4R_OK);
    char *p = l4r_path_join(dir, "top/sub/b.txt");
    char *got = slurp(p);
    T_EQ_STR(got, "beta\n");
    free(got);
    free(p);
    p = l4r_path_join(dir, "top/sub/up");
    got = slurp(p);
    T_EQ_STR(got, "alpha\n");
    free(got);
    free(p);
    p = l4r_path_join(dir, "top/hard");
    got = slurp(p);
    T_EQ_STR(got, "alpha\n");
    free(got);
    free(p);
    T_EQ_INT(count_prefix(dir, ".l4r-unpack"), 0);
    /* unpacking again merges over the existing tree */
    T_EQ_INT(unpack(arc, dir, 1 << 20, &e), L4R_OK);
    /* the size ceiling */
    mkdir_fresh(dir);
    T_EQ_INT(unpack(arc, dir, 8, &e), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "ceiling") != NULL);
    T_EQ_INT(count_prefix(dir, ""), 0);
    /* not an archive */
    char *junk = l4r_path_join(root, "junk.zip");
    put(junk, "this is not a zip file at all, just words\n");
    T_EQ_INT(unpack(junk, dir, 1 << 20, &e), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "junk.zip") != NULL);
    free(junk);
    free(arc);
    free(dir);

    tentry dotdot[] = {{"ok.txt", 'f', "x"}, {"a/../../escape.txt", 'f', "evil"}};
    expect_unsafe("dotdot", dotdot, 2, "..");
    tentry absolute[] = {{"/tmp/l4r-unit-escape", 'f', "evil"}};
    expect_unsafe("absolute", absolute, 1, "absolute");
    tentry linkout[] = {{"l", 'l', "../../outside"}};
    expect_unsafe("symlink out", linkout, 1, "symlink");
    tentry linkabs[] = {{"l", 'l', "/etc"}};
    expect_unsafe("symlink absolute", linkabs, 1, "symlink");
    tentry through[] = {{"d", 'd', NULL}, {"l", 'l', "d"}, {"l/x.txt", 'f', "evil"}};
    expect_unsafe("write through symlink", through, 3, "through a symlink");
    tentry through_out[] = {{"l", 'l', ".."}, {"l/x.txt", 'f', "evil"}};
    expect_unsafe("write through an escaping symlink", through_out, 2, NULL);
    tentry chained[] = {{"d/", 'd', NULL}, {"d/s1", 'l', ".."}, {"s2", 'l', "d/s1/.."}};
    expect_unsafe("symlink through a symlink", chained, 3, "symlink");
    tentry hardout[] = {{"h", 'h', "../../etc/passwd"}};
    expect_unsafe("hard link out", hardout, 1, "hard link");
    tentry hardlink_to_link[] = {{"d/", 'd', NULL}, {"d/s", 'l', "../x"}, {"h", 'h', "d/s"}};
    expect_unsafe("hard link to a symlink", hardlink_to_link, 3, "hard link");
    tentry dev[] = {{"null", 'c', NULL}};
    expect_unsafe("device", dev, 1, "device");
    tentry fifo[] = {{"f", 'p', NULL}};
    expect_unsafe("fifo", fifo, 1, "fifo");
    tentry reserved[] = {{".l4r-fetched.json", 'f', "{}"}};
    expect_unsafe("stamp overwrite", reserved, 1, "manages");
}

/* ---- whole variants ---- */

static l4r_buf logbuf;
static void capture_log(void *ud, int level, const char *msg)
{
    (void)ud;
    l4r_buf_addf(&logbuf, "%d:%s\n", level, msg);
}

static void test_variant(void)
{
    char *up = l4r_path_join(root, "upstream");
    char *data = l4r_path_join(root, "data");
    mkdir_fresh(up);
    mkdir_fresh(data);
    char *arc = l4r_path_join(up, "toy.tar.gz");
    tentry ents[] = {{"toy/ratings.dat", 'f', "1::2::5::978300760\n"}, {"toy/README", 'f', "toy\n"}};
    make_tar(arc, ents, 2, true);
    char arc_sha[65];
    strcpy(arc_sha, sha_of(arc));
    char *plain = l4r_path_join(up, "extra.txt");
    put(plain, "extra\n");

    l4r_rfile files[2] = {{0}, {0}};
    files[0].name = MUT("toy.tar.gz");
    files[0].url = l4r_xasprintf("file://%s", arc);
    files[0].size = -1;
    files[0].sha256 = arc_sha;
    files[0].unpack = true;
    files[1].name = MUT("extra.txt");
    files[1].url = l4r_xasprintf("file://%s/missing-upstream/extra.txt", root);
    char *mirror = l4r_xasprintf("file://%s", plain);
    files[1].mirrors = &mirror;
    files[1].n_mirrors = 1;
    files[1].size = -1; /* no checksum: warning + recorded sha256 */
    l4r_variant v = {0};
    v.name = MUT("small");
    v.files = files;
    v.n_files = 2;
    l4r_recipe r = {0};
    r.dataset = MUT("toyset");
    r.variants = &v;
    r.n_variants = 1;

    l4r_fetch_opts o = {0};
    o.data_dir = data;
    o.log = capture_log;
    o.max_retries = 1;
    o.max_backoff_s = 0.01;
    l4r_fetch_result res = {0};
    l4r_error e = {0};
    T_CHECK(!l4r_variant_fetched(data, &r, &v));
    l4r_status st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    if (st)
        printf("# %s\n", e.msg);
    T_EQ_INT(st, L4R_OK);
    T_CHECK(!res.already);
    char *vdir = l4r_variant_dir(data, &r, &v);
    T_EQ_STR(res.dir, vdir);
    free(res.dir);
    char *p = l4r_path_join(vdir, "toy/ratings.dat");
    char *got = slurp(p);
    T_EQ_STR(got, "1::2::5::978300760\n");
    free(got);
    free(p);
    T_CHECK(l4r_variant_fetched(data, &r, &v));
    T_CHECK(strstr(l4r_buf_cstr(&logbuf), "1:no checksum is known for 'extra.txt'") != NULL);
    char plain_sha[65];
    strcpy(plain_sha, sha_of(plain));
    T_CHECK(strstr(logbuf.data, plain_sha) != NULL);

    /* the stamp */
    p = l4r_path_join(vdir, ".l4r-fetched.json");
    json_t *j = json_load_file(p, 0, NULL);
    free(p);
    T_CHECK(j != NULL);
    json_t *fs = json_object_get(j, "files");
    T_EQ_INT(json_array_size(fs), 2);
    json_t *f1 = json_array_get(fs, 1);
    T_EQ_STR(json_string_value(json_object_get(f1, "name")), "extra.txt");
    T_EQ_STR(json_string_value(json_object_get(f1, "url")), mirror);
    T_EQ_STR(json_string_value(json_object_get(f1, "sha256")), plain_sha);
    T_EQ_INT(json_integer_value(json_object_get(f1, "size")), 6);
    T_CHECK(json_is_string(json_object_get(f1, "time")));
    T_EQ_STR(json_string_value(json_object_get(json_array_get(fs, 0), "sha256")), arc_sha);
    json_decref(j);

    /* second fetch: nothing to do, and it says so */
    l4r_buf_reset(&logbuf);
    st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    T_EQ_INT(st, L4R_OK);
    T_CHECK(res.already);
    T_CHECK(strstr(l4r_buf_cstr(&logbuf), "toyset/small is already fetched and verified in ") != NULL);
    T_CHECK(strstr(logbuf.data, "use --force to fetch again") != NULL);
    free(res.dir);

    /* --force redoes it; the upstream copy changed, so it fails against the lock file's pin of the
     * first fetch, and --update-lock re-pins (the new content arrives) */
    put(plain, "extra2\n");
    o.force = true;
    st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    T_EQ_INT(st, L4R_ECHECKSUM);
    T_CHECK(strstr(e.msg, "llm4rec-data.lock") != NULL);
    o.update_lock = true;
    st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    o.update_lock = false;
    T_EQ_INT(st, L4R_OK);
    T_CHECK(!res.already);
    free(res.dir);
    p = l4r_path_join(vdir, "extra.txt");
    got = slurp(p);
    T_EQ_STR(got, "extra2\n");
    free(got);
    free(p);
    o.force = false;

    /* a damaged file on disk no longer counts as fetched */
    p = l4r_path_join(vdir, "extra.txt");
    put(p, "changed size\n");
    free(p);
    T_CHECK(!l4r_variant_fetched(data, &r, &v));

    /* every URL fails: the error names the main URL, status network */
    l4r_rfile bad = {0};
    bad.name = MUT("gone.bin");
    bad.url = l4r_xasprintf("file://%s/nope/gone.bin", root);
    bad.size = -1;
    l4r_variant vb = {0};
    vb.name = MUT("gone");
    vb.files = &bad;
    vb.n_files = 1;
    st = l4r_fetch_variant(&r, &vb, &o, &res, &e);
    T_EQ_INT(st, L4R_ENETWORK);
    T_CHECK(strstr(e.msg, bad.url) != NULL);
    T_CHECK(!l4r_variant_fetched(data, &r, &vb));

    /* a gated variant */
    l4r_rfile gf = {0};
    gf.name = MUT("gated.txt");
    gf.url = MUT("https://example.invalid/gated.txt");
    gf.size = 6;
    gf.sha256 = plain_sha; /* of "extra\n" */
    l4r_variant vg = {0};
    vg.name = MUT("gated");
    vg.files = &gf;
    vg.n_files = 1;
    vg.manual = MUT("log in at https://example.invalid and download gated.txt");
    st = l4r_fetch_variant(&r, &vg, &o, &res, &e);
    T_EQ_INT(st, L4R_EMANUAL);
    T_CHECK(strstr(e.msg, "log in at https://example.invalid") != NULL);
    T_CHECK(strstr(e.msg, "--from") != NULL);
    /* --from with the wrong content: checksum error, nothing final */
    char *hand = l4r_path_join(root, "handmade.bin");
    put(hand, "extra2\n");
    o.from = hand;
    st = l4r_fetch_variant(&r, &vg, &o, &res, &e);
    T_EQ_INT(st, L4R_ECHECKSUM);
    char *gdir = l4r_variant_dir(data, &r, &vg);
    p = l4r_path_join(gdir, "gated.txt");
    T_CHECK(!exists(p));
    /* --from with the right content (matched as the only file despite another name) */
    put(hand, "extra\n");
    st = l4r_fetch_variant(&r, &vg, &o, &res, &e);
    T_EQ_INT(st, L4R_OK);
    free(res.dir);
    got = slurp(p);
    T_EQ_STR(got, "extra\n");
    free(got);
    free(p);
    /* --from naming no file of a two-file variant */
    o.force = true;
    st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    T_EQ_INT(st, L4R_EUSAGE);
    T_CHECK(strstr(e.msg, "matches no file") != NULL);
    o.from = NULL;
    o.force = false;
    free(hand);

    free(gdir);
    free(bad.url);
    free(vdir);
    free(mirror);
    free(files[0].url);
    free(files[1].url);
    free(plain);
    free(arc);
    free(data);
    free(up);
}

/* Unpack `arc` into a fresh root/dmg; expect status `want`, a message holding every needle, and,
 * on failure, nothing in the directory (no file under a final name, no temporary directory). */
static void expect_unpack(const char *label, const char *arc, uint64_t max, const char *const *sib,
                          size_t nsib, l4r_status want, const char *n1, const char *n2)
{
    char *dir = at_root("dmg");
    mkdir_fresh(dir);
    l4r_unpack_opts uo = {0};
    uo.max_bytes = max;
    uo.siblings = sib;
    uo.n_siblings = nsib;
    l4r_error e = {0};
    l4r_status st = l4r_unpack(arc, dir, &uo, NULL, &e);
    printf("# %s: %s\n", label, st ? e.msg : "ok");
    T_EQ_INT(st, want);
    T_CHECK(n1 == NULL || strstr(e.msg, n1) != NULL);
    T_CHECK(n2 == NULL || strstr(e.msg, n2) != NULL);
    if (want != L4R_OK)
        T_EQ_INT(count_prefix(dir, ""), 0);
    free(dir);
}

static void test_damaged(void)
{
    const char *text = "1::2::5::978300760\n";
    size_t tl = strlen(text);
    /* zip: a rating changed 5 -> 9 in a stored entry: the CRC no longer matches */
    char *zip = at_root("crc.zip");
    zent z1[] = {{"ok.dat", "fine\n", 5, false, -1, 0}, {"r.dat", text, tl, false, -1, 0}};
    make_zip(zip, z1, 2);
    expect_unpack("good zip", zip, 1 << 20, NULL, 0, L4R_OK, NULL, NULL);
    {
        l4r_buf b = {0};
        l4r_error e;
        l4r_read_file(zip, 1 << 20, &b, &e);
        char *p = memmem(b.data, b.len, text, tl);
        T_CHECK(p != NULL);
        p[5] = '9';
        put_bytes(zip, b.data, b.len);
        l4r_buf_free(&b);
    }
    expect_unpack("zip with a bad CRC", zip, 1 << 20, NULL, 0, L4R_EARCHIVE, "'r.dat'", "CRC");
    /* the same in a deflated entry */
    zent z2[] = {{"r.dat", text, tl, true, -1, 0}};
    make_zip(zip, z2, 1);
    expect_unpack("good deflated zip", zip, 1 << 20, NULL, 0, L4R_OK, NULL, NULL);
    flip(zip, 30 + 5 + 2); /* inside the deflate data */
    expect_unpack("deflated zip with a damaged stream", zip, 1 << 20, NULL, 0, L4R_EARCHIVE, "r.dat", NULL);

    /* zip headers that lie about the size: 1 MiB of zeros declared as 24 bytes, 50 bytes declared as
     * 1000 (stored) */
    size_t zn = (size_t)1 << 20;
    char *zeros = l4r_xcalloc(zn, 1);
    zent z3[] = {{"big.dat", zeros, zn, true, 24, 0}};
    make_zip(zip, z3, 1);
    expect_unpack("zip declaring fewer bytes", zip, (uint64_t)1 << 30, NULL, 0, L4R_EARCHIVE, "'big.dat'",
                  "more than the 24 bytes its header declares");
    zent z4[] = {{"short.dat", "0123456789012345678901234567890123456789012345678\n", 50, false, 1000, 0}};
    make_zip(zip, z4, 1);
    expect_unpack("zip declaring more bytes", zip, 1 << 20, NULL, 0, L4R_EARCHIVE, "'short.dat'", NULL);

    /* a lone .gz: good, then a bad CRC, a bad ISIZE, a damaged stream, a truncated file */
    char *gz = at_root("r.dat.gz");
    make_gz(gz, text, tl);
    expect_unpack("good gz", gz, 1 << 20, NULL, 0, L4R_OK, NULL, NULL);
    {
        l4r_error e;
        char *d2 = at_root("dmg2");
        mkdir_fresh(d2);
        T_EQ_INT(unpack(gz, d2, 1 << 20, &e), L4R_OK);
        char *p = l4r_path_join(d2, "r.dat");
        char *got = slurp(p);
        T_EQ_STR(got, text);
        free(got);
        free(p);
        free(d2);
    }
    flip(gz, -8);
    expect_unpack("gz with a bad CRC", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "r.dat.gz", "CRC-32");
    make_gz(gz, text, tl);
    flip(gz, -3);
    expect_unpack("gz with a bad ISIZE", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "r.dat.gz", "length");
    make_gz(gz, text, tl);
    flip(gz, 12);
    expect_unpack("gz with a damaged stream", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "r.dat.gz", "gzip");
    make_gz(gz, text, tl);
    truncate_to(gz, -4);
    expect_unpack("truncated gz", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "r.dat.gz", "truncated");
    /* two members and zero padding are fine, garbage after a member is not */
    {
        l4r_buf b = {0};
        deflate_into(&b, "a\n", 2, 15 + 16);
        deflate_into(&b, "b\n", 2, 15 + 16);
        l4r_buf_add(&b, "\0\0\0\0", 4);
        put_bytes(gz, b.data, b.len);
        expect_unpack("two gz members, zero padding", gz, 1 << 20, NULL, 0, L4R_OK, NULL, NULL);
        char *p = at_root("dmg/r.dat");
        char *got = slurp(p);
        T_EQ_STR(got, "a\nb\n");
        free(got);
        free(p);
        l4r_buf_add(&b, "junk", 4);
        put_bytes(gz, b.data, b.len);
        expect_unpack("garbage after a gz member", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "garbage", NULL);
        l4r_buf_free(&b);
    }
    /* NUL bytes pass libarchive for an empty tar; an empty file for an empty archive: both errors */
    {
        char *nul = l4r_xcalloc(1 << 16, 1);
        make_gz(gz, nul, 1 << 16);
        free(nul);
        expect_unpack("a lone .gz of NUL bytes", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "holds no entries",
                      NULL);
        put_bytes(gz, "", 0);
        expect_unpack("an empty file", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "holds no entries", NULL);
    }
    /* a .tar.gz whose gzip CRC is wrong: the tar itself has no checksum of the data */
    char *tgz = at_root("crc.tar.gz");
    tentry t1[] = {{"d/r.dat", 'f', "1::2::5::978300760\n"}};
    make_tar(tgz, t1, 1, true);
    expect_unpack("good tar.gz", tgz, 1 << 20, NULL, 0, L4R_OK, NULL, NULL);
    flip(tgz, -7);
    expect_unpack("tar.gz with a bad CRC", tgz, 1 << 20, NULL, 0, L4R_EARCHIVE, "crc.tar.gz", "CRC-32");
    free(tgz);
    free(gz);
    free(zeros);
    free(zip);
}

/* Local write failures, in a child: a file system that is full (a 128 KiB tmpfs in a mount namespace
 * of its own, when we may make one: ENOSPC, where a failed write once left a zero-padded file under
 * its final name) and the file size limit (RLIMIT_FSIZE: EFBIG). */
static void write_failure(bool tmpfs)
{
    char *tar = at_root("big.tar");
    size_t n = (size_t)256 << 10;
    char *data = l4r_xmalloc(n + 1);
    memset(data, 'x', n);
    data[n] = 0;
    tentry t[] = {{"a.txt", 'f', "small\n"}, {"big.dat", 'f', data}};
    make_tar(tar, t, 2, false);
    free(data);
    char *dir = at_root("wf");
    mkdir_fresh(dir);
    int fds[2];
    T_CHECK(pipe(fds) == 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (tmpfs) {
            if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
                mount("tmpfs", dir, "tmpfs", 0, "size=128k") != 0)
                _exit(77);
        } else {
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit rl = {(rlim_t)64 << 10, (rlim_t)64 << 10};
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        l4r_error e = {0};
        l4r_status st = unpack(tar, dir, 1 << 30, &e);
        int code = st == L4R_EIO ? 0 : 1;
        if (count_prefix(dir, "") != 0) /* not even a.txt, written before */
            code = 2;
        if (write(fds[1], e.msg, strlen(e.msg)) < 0)
            code = 3;
        _exit(code);
    }
    close(fds[1]);
    char msg[1024] = "";
    ssize_t got = read(fds[0], msg, sizeof msg - 1);
    msg[got > 0 ? got : 0] = 0;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        printf("# skip: cannot mount a tmpfs here (not root?); the RLIMIT_FSIZE case still runs\n");
    } else {
        printf("# write failure (%s): %s\n", tmpfs ? "full tmpfs" : "RLIMIT_FSIZE", msg);
        T_EQ_INT(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0); /* L4R_EIO and nothing left */
        T_CHECK(strstr(msg, "big.dat") != NULL);
        T_CHECK(strstr(msg, strerror(tmpfs ? ENOSPC : EFBIG)) != NULL);
    }
    T_EQ_INT(count_prefix(dir, ""), 0);
    free(dir);
    free(tar);
}

static void test_write_failure(void)
{
    write_failure(true);
    write_failure(false);
}

/* Errors of the data phase name the real entry (the name once came from freed memory). */
static void test_entry_names(void)
{
    char *tgz = at_root("trunc.tar.gz");
    size_t n = 300000;
    char *data = l4r_xmalloc(n + 1);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (char)('0' + (x >> 16) % 10);
    }
    data[n] = 0;
    tentry t[] = {{"top/first.txt", 'f', "one\n"}, {"top/big.dat", 'f', data}};
    make_tar(tgz, t, 2, true);
    free(data);
    truncate_to(tgz, 60000);
    expect_unpack("truncated tar.gz", tgz, 1 << 30, NULL, 0, L4R_EARCHIVE, "entry 'top/big.dat'",
                  "truncated");
    /* over the ceiling in the data phase (a lone .gz declares no size) */
    char *gz = at_root("bomb.txt.gz");
    size_t zn = (size_t)2 << 20;
    char *zeros = l4r_xmalloc(zn);
    memset(zeros, '0', zn); /* '0' characters: NUL bytes would pass for an empty tar */
    make_gz(gz, zeros, zn);
    free(zeros);
    expect_unpack("over the ceiling", gz, 1 << 20, NULL, 0, L4R_EARCHIVE, "entry 'bomb.txt'", "ceiling");
    free(gz);
    free(tgz);
}

static void test_ambiguous(void)
{
    tentry twice[] = {{"d/r.tsv", 'f', "1\t2\n"}, {"x", 'f', "b"}, {"./d//r.tsv", 'f', "9\t9\n"}};
    expect_unsafe("the same path twice", twice, 3, "entry 'd/r.tsv' appears twice (entries 1 and 3)");
    tentry file_dir[] = {{"d", 'f', "x"}, {"d/y", 'f', "z"}};
    expect_unsafe("a file, then a directory", file_dir, 2,
                  "'d' is a file (entry 1) and a directory (entry 2)");
    tentry dir_file[] = {{"d/", 'd', NULL}, {"d", 'f', "x"}};
    expect_unsafe("a directory, then a file", dir_file, 2,
                  "'d' is a directory (entry 1) and a file (entry 2)");
    tentry implied[] = {{"d/y", 'f', "z"}, {"d", 'f', "x"}};
    expect_unsafe("an implied directory, then a file", implied, 2,
                  "'d' is a directory (entry 1) and a file (entry 2)");
    tentry link_twice[] = {{"a", 'f', "x"}, {"a", 'l', "b"}};
    expect_unsafe("a file and a symlink", link_twice, 2, "appears twice (entries 1 and 2)");
    /* zip */
    char *zip = at_root("dup.zip");
    zent z[] = {{"d/r.tsv", "1\t2\n", 4, false, -1, 0}, {"d/r.tsv", "9\t9\n", 4, true, -1, 0}};
    make_zip(zip, z, 2);
    expect_unpack("zip with a path twice", zip, 1 << 20, NULL, 0, L4R_EARCHIVE, "ambiguous archive",
                  "entry 'd/r.tsv' appears twice (entries 1 and 2)");
    free(zip);
    /* not ambiguous: other exact paths, a directory repeated */
    char *tar = at_root("fine.tar");
    tentry fine[] = {
        {"evil/d/r.tsv", 'f', "6\t6\n"}, {"d/", 'd', NULL}, {"d/r.tsv", 'f', "1\t2\n"}, {"d", 'd', NULL}};
    make_tar(tar, fine, 4, false);
    expect_unpack("evil/d/r.tsv next to d/r.tsv", tar, 1 << 20, NULL, 0, L4R_OK, NULL, NULL);
    char *p = at_root("dmg/d/r.tsv");
    char *got = slurp(p);
    T_EQ_STR(got, "1\t2\n");
    free(got);
    free(p);
    free(tar);
    /* a UTF-8 name (zip flag 0x800) is no warning of character conversion; a name that is not
     * UTF-8 under that flag is */
    char *u8 = at_root("utf8.zip");
    zent names[] = {{"d\xc3\xa9/r\xc3\xa9.tsv", "1\t2\n", 4, false, -1, 0x800}};
    make_zip(u8, names, 1);
    expect_unpack("a UTF-8 name in a zip", u8, 1 << 20, NULL, 0, L4R_OK, NULL, NULL);
    p = at_root("dmg/d\xc3\xa9/r\xc3\xa9.tsv");
    T_CHECK(exists(p));
    free(p);
    zent bad[] = {{"d\xe9/r.tsv", "1\t2\n", 4, false, -1, 0x800}};
    make_zip(u8, bad, 1);
    expect_unpack("a zip name flagged UTF-8 that is not", u8, 1 << 20, NULL, 0, L4R_EARCHIVE, "utf8.zip",
                  NULL);
    free(u8);
}

static void test_siblings_and_list(void)
{
    char *tar = at_root("a.tar");
    tentry t[] = {{"b.csv", 'f', "evil\n"}};
    make_tar(tar, t, 1, false);
    const char *sib[] = {"c.txt", "b.csv"};
    expect_unpack("an entry named like another file", tar, 1 << 20, sib, 2, L4R_EARCHIVE, "entry 'b.csv'",
                  "would replace 'b.csv', another file of this variant");
    tentry t2[] = {{"b.csv/inner", 'f', "evil\n"}};
    make_tar(tar, t2, 1, false);
    expect_unpack("a directory named like another file", tar, 1 << 20, sib, 2, L4R_EARCHIVE, "'b.csv'", NULL);
    free(tar);

    /* the list of unpacked files: regular files and hard links, with size, sha256, mtime */
    char *arc = at_root("list.tar.gz");
    tentry good[] = {
        {"./top/", 'd', NULL},          {"top/a.txt", 'f', "alpha\n"},  {"top/sub/b.txt", 'f', "beta\n"},
        {"top/link", 'l', "sub/b.txt"}, {"top/hard", 'h', "top/a.txt"},
    };
    make_tar(arc, good, 5, true);
    char *dir = at_root("list");
    mkdir_fresh(dir);
    l4r_unpack_opts uo = {0};
    uo.max_bytes = 1 << 20;
    l4r_unpacked un = {0};
    l4r_unpacked_add(&un, "before", 1, "00", 0); /* appended to, not replaced */
    l4r_error e = {0};
    T_EQ_INT(l4r_unpack(arc, dir, &uo, &un, &e), L4R_OK);
    T_EQ_INT(un.n, 4);
    if (un.n == 4) {
        T_EQ_STR(un.v[1].name, "top/a.txt");
        T_EQ_INT(un.v[1].size, 6);
        char *p = l4r_path_join(dir, "top/a.txt");
        T_EQ_STR(un.v[1].sha256, sha_of(p));
        struct stat sb;
        stat(p, &sb);
        T_EQ_INT(un.v[1].mtime_ns, (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec);
        free(p);
        T_EQ_STR(un.v[2].name, "top/sub/b.txt");
        T_EQ_STR(un.v[3].name, "top/hard");
        T_EQ_STR(un.v[3].sha256, un.v[1].sha256);
    }
    l4r_unpacked_free(&un);
    free(dir);
    free(arc);
}

static void test_recipe_key(void)
{
#define RECIPE_FMT                                                                                           \
    "{\"schema\": 1, \"dataset\": \"t\", \"title\": \"t\", \"license\": \"l\", "                             \
    "\"default_variant\": \"v\", \"variants\": {\"v\": {\"description\": \"d\", \"files\": "                 \
    "[{\"url\": \"https://example.org/a.zip\", %s}]}}}"
    const char *cases[] = {"\"unpack\": true, \"unpacked_size\": 123456",
                           "\"unpack\": true, \"unpacked_size\": 0",
                           "\"unpack\": true, \"unpacked_size\": \"1G\"", "\"unpacked_size\": 10"};
    const char *ncases[] = {"\"unpack\": true, \"unpack_nested\": [\"a/b.tar\", \"a/b.tar/c.tgz\"]",
                            "\"unpack_nested\": [\"a/b.tar\"]",
                            "\"unpack\": true, \"unpack_nested\": [\"a/../b.tar\"]",
                            "\"unpack\": true, \"unpack_nested\": [\"b.tar\", \"b.tar\"]",
                            "\"unpack\": true, \"unpack_nested\": \"b.tar\""};
    for (size_t i = 0; i < 5; i++) {
        char *json = l4r_xasprintf(RECIPE_FMT, ncases[i]);
        l4r_recipe r;
        memset(&r, 0, sizeof r);
        l4r_error e = {0};
        l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
        printf("# recipe %s: %s\n", ncases[i], st ? e.msg : "ok");
        T_EQ_INT(st, i == 0 ? L4R_OK : L4R_ERECIPE);
        if (i == 0 && st == L4R_OK) {
            T_EQ_INT(r.variants[0].files[0].n_unpack_nested, 2);
            T_EQ_STR(r.variants[0].files[0].unpack_nested[1], "a/b.tar/c.tgz");
        }
        if (i > 0)
            T_CHECK(strstr(e.msg, "unpack_nested") != NULL);
        l4r_recipe_clear(&r);
        free(json);
    }
    for (size_t i = 0; i < 4; i++) {
        char *json = l4r_xasprintf(RECIPE_FMT, cases[i]);
        l4r_recipe r;
        memset(&r, 0, sizeof r);
        l4r_error e = {0};
        l4r_status st = l4r_recipe_parse(&r, json, strlen(json), "t.json", &e);
        printf("# recipe %s: %s\n", cases[i], st ? e.msg : "ok");
        if (i == 0) {
            T_EQ_INT(st, L4R_OK);
            if (st == L4R_OK)
                T_EQ_INT(r.variants[0].files[0].unpacked_size, 123456);
        } else {
            T_EQ_INT(st, L4R_ERECIPE);
            T_CHECK(strstr(e.msg, "unpacked_size") != NULL);
        }
        l4r_recipe_clear(&r);
        free(json);
    }
}

static void set_mtime(const char *path, time_t sec)
{
    struct timespec ts[2] = {{sec, 0}, {sec, 0}};
    utimensat(AT_FDCWD, path, ts, 0);
}

static int64_t mtime_of(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    return (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec;
}

/* The stamp's unpacked files and mtimes, re-verification of what changed on disk, leftovers of a
 * killed fetch, the unpack ceilings and the free-space check, a sibling-named entry. */
static void test_variant_stamp(void)
{
    char *up = at_root("up2");
    char *data = at_root("data2");
    mkdir_fresh(up);
    mkdir_fresh(data);
    char *arc = l4r_path_join(up, "toy.tar.gz");
    tentry ents[] = {{"toy/ratings.dat", 'f', "1::2::5::978300760\n"}, {"toy/README", 'f', "toy\n"}};
    make_tar(arc, ents, 2, true);
    char *plain = l4r_path_join(up, "extra.txt");
    put(plain, "extra\n");
    l4r_rfile files[2] = {{0}, {0}};
    files[0].name = MUT("toy.tar.gz");
    files[0].url = l4r_xasprintf("file://%s", arc);
    files[0].size = -1;
    files[0].unpack = true;
    files[1].name = MUT("extra.txt");
    files[1].url = l4r_xasprintf("file://%s", plain);
    files[1].size = -1;
    l4r_variant v = {0};
    v.name = MUT("stamped");
    v.files = files;
    v.n_files = 2;
    l4r_recipe r = {0};
    r.dataset = MUT("toyset");
    r.variants = &v;
    r.n_variants = 1;
    l4r_fetch_opts o = {0};
    o.data_dir = data;
    o.log = capture_log;
    o.max_retries = 1;
    o.max_backoff_s = 0.01;
    l4r_fetch_result res = {0};
    l4r_error e = {0};
    T_EQ_INT(l4r_fetch_variant(&r, &v, &o, &res, &e), L4R_OK);
    free(res.dir);
    char *vdir = l4r_variant_dir(data, &r, &v);
    char *rat = l4r_path_join(vdir, "toy/ratings.dat");
    char *readme = l4r_path_join(vdir, "toy/README");
    char *extra = l4r_path_join(vdir, "extra.txt");
    char *sp = l4r_path_join(vdir, ".l4r-fetched.json");

    /* the stamp: mtime_ns of every download, and the unpacked files */
    json_t *j = json_load_file(sp, 0, NULL);
    T_CHECK(j != NULL);
    json_t *f1 = json_array_get(json_object_get(j, "files"), 1);
    T_EQ_INT(json_integer_value(json_object_get(f1, "mtime_ns")), mtime_of(extra));
    json_t *un = json_object_get(j, "unpacked");
    T_EQ_INT(json_array_size(un), 2);
    json_t *u0 = json_array_get(un, 0);
    T_EQ_STR(json_string_value(json_object_get(u0, "name")), "toy/ratings.dat");
    T_EQ_INT(json_integer_value(json_object_get(u0, "size")), 19);
    T_EQ_STR(json_string_value(json_object_get(u0, "sha256")), sha_of(rat));
    T_EQ_INT(json_integer_value(json_object_get(u0, "mtime_ns")), mtime_of(rat));
    json_decref(j);

    /* an unpacked file edited in place, same size, new mtime: unpacked again from the archive on
     * disk (the upstream copy is gone, so it cannot have been downloaded again) */
    char *away = l4r_xasprintf("%s.away", arc);
    rename(arc, away);
    put(rat, "1::2::9::978300760\n");
    set_mtime(rat, 1000000000);
    T_CHECK(!l4r_variant_fetched(data, &r, &v));
    l4r_buf_reset(&logbuf);
    l4r_status st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    if (st)
        printf("# %s\n", e.msg);
    T_EQ_INT(st, L4R_OK);
    T_CHECK(!res.already);
    free(res.dir);
    char *got = slurp(rat);
    T_EQ_STR(got, "1::2::5::978300760\n");
    free(got);
    printf("# log: %s", l4r_buf_cstr(&logbuf));
    T_CHECK(strstr(logbuf.data,
                   "1:'toy/ratings.dat', unpacked from an archive of toyset/stamped, changed on disk") !=
            NULL);
    T_CHECK(strstr(logbuf.data, "unpacking again") != NULL);
    T_CHECK(l4r_variant_fetched(data, &r, &v));

    /* touched only (new mtime, same bytes): verified by hashing, the new mtime recorded */
    set_mtime(readme, 1000000000);
    T_CHECK(!l4r_variant_fetched(data, &r, &v));
    l4r_buf_reset(&logbuf);
    T_EQ_INT(l4r_fetch_variant(&r, &v, &o, &res, &e), L4R_OK);
    T_CHECK(res.already);
    free(res.dir);
    T_CHECK(strstr(l4r_buf_cstr(&logbuf), "still match their recorded sha256") != NULL);
    T_CHECK(l4r_variant_fetched(data, &r, &v));

    /* the archive itself edited (same size): it is fetched again, and unpacked again */
    rename(away, arc);
    char *larc = l4r_path_join(vdir, "toy.tar.gz");
    flip(larc, 20);
    set_mtime(larc, 1000000000);
    l4r_buf_reset(&logbuf);
    T_EQ_INT(l4r_fetch_variant(&r, &v, &o, &res, &e), L4R_OK);
    free(res.dir);
    T_EQ_STR(sha_of(larc), sha_of(arc));
    T_CHECK(strstr(l4r_buf_cstr(&logbuf), "1:'toy.tar.gz' of toyset/stamped changed on disk") != NULL);

    /* a download edited in place (same size, new mtime): fetched again */
    put(extra, "EXTRA\n");
    set_mtime(extra, 1000000000);
    l4r_buf_reset(&logbuf);
    T_EQ_INT(l4r_fetch_variant(&r, &v, &o, &res, &e), L4R_OK);
    T_CHECK(!res.already);
    free(res.dir);
    got = slurp(extra);
    T_EQ_STR(got, "extra\n");
    free(got);
    T_CHECK(strstr(l4r_buf_cstr(&logbuf),
                   "1:'extra.txt' of toyset/stamped changed on disk since it was fetched") != NULL);

    /* leftovers of a killed fetch: the unpack directory goes, a .part stays */
    char *left = l4r_path_join(vdir, ".l4r-unpack.AbC123");
    char *leftf = l4r_path_join(left, "big.dat");
    char *part = l4r_path_join(vdir, "other.bin.part");
    l4r_mkdirs(left, &e);
    put(leftf, "half\n");
    put(part, "resume me\n");
    T_CHECK(l4r_variant_fetched(data, &r, &v)); /* the stamp itself is fine */
    l4r_buf_reset(&logbuf);
    T_EQ_INT(l4r_fetch_variant(&r, &v, &o, &res, &e), L4R_OK);
    T_CHECK(res.already);
    free(res.dir);
    T_CHECK(!exists(left));
    T_CHECK(exists(part));
    T_CHECK(strstr(l4r_buf_cstr(&logbuf), "left behind by a fetch that was killed") != NULL);
    free(left);
    free(leftf);
    free(part);

    /* a stamp without "unpacked" (an older version): unpacked again */
    j = json_load_file(sp, 0, NULL);
    json_object_del(j, "unpacked");
    json_dump_file(j, sp, 0);
    json_decref(j);
    T_CHECK(!l4r_variant_fetched(data, &r, &v));
    T_EQ_INT(l4r_fetch_variant(&r, &v, &o, &res, &e), L4R_OK);
    free(res.dir);
    T_CHECK(l4r_variant_fetched(data, &r, &v));

    free(larc);
    free(away);
    free(rat);
    free(readme);
    free(extra);
    free(sp);
    free(vdir);
    free(files[0].url);
    free(files[1].url);
    free(plain);
    free(arc);
    free(data);
    free(up);
}

/* One archive as a variant: fetch it with the given unpacked_size and ceiling. */
static l4r_status fetch_one(const char *arc, const char *vname, uint64_t unpacked_size, uint64_t max,
                            l4r_error *e, char **vdir)
{
    char *data = at_root("data3");
    l4r_mkdirs(data, e);
    l4r_rfile f = {0};
    f.name = (char *)(uintptr_t)l4r_path_base(arc);
    f.url = l4r_xasprintf("file://%s", arc);
    f.size = -1;
    f.unpack = true;
    f.unpacked_size = unpacked_size;
    l4r_variant v = {0};
    v.name = (char *)(uintptr_t)vname;
    v.files = &f;
    v.n_files = 1;
    l4r_recipe r = {0};
    r.dataset = MUT("toyset");
    l4r_fetch_opts o = {0};
    o.data_dir = data;
    o.max_retries = 1;
    o.max_unpacked = max;
    l4r_fetch_result res = {0};
    l4r_status st = l4r_fetch_variant(&r, &v, &o, &res, e);
    printf("# fetch %s: %s\n", vname, st ? e->msg : "ok");
    free(res.dir);
    *vdir = l4r_variant_dir(data, &r, &v);
    free(f.url);
    free(data);
    return st;
}

static void test_bombs(void)
{
    char *up = at_root("up3");
    mkdir_fresh(up);
    char *gz = l4r_path_join(up, "zeros.bin.gz");
    size_t zn = (size_t)4 << 20;
    char *zeros = l4r_xmalloc(zn);
    memset(zeros, '0', zn); /* '0' characters: NUL bytes would pass for an empty tar */
    make_gz(gz, zeros, zn);
    free(zeros);
    l4r_error e = {0};
    char *vdir;
    /* ~1000:1, no unpacked_size: the ratio ceiling stops it; nothing is left */
    T_EQ_INT(fetch_one(gz, "bomb", 0, 0, &e, &vdir), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "'zeros.bin'") && strstr(e.msg, "ceiling of 1048576 bytes"));
    T_CHECK(strstr(e.msg, "--max-unpacked") != NULL);
    T_EQ_INT(count_prefix(vdir, ""), 2); /* the archive and .lock: no zeros.bin, no temporary, no stamp */
    free(vdir);
    /* --max-unpacked lets it through */
    T_EQ_INT(fetch_one(gz, "allowed", 0, (uint64_t)8 << 20, &e, &vdir), L4R_OK);
    char *p = l4r_path_join(vdir, "zeros.bin");
    struct stat sb;
    T_CHECK(stat(p, &sb) == 0 && (size_t)sb.st_size == zn);
    free(p);
    free(vdir);
    /* a recipe unpacked_size: the ceiling is 1% above it */
    T_EQ_INT(fetch_one(gz, "declared", zn, 0, &e, &vdir), L4R_OK);
    free(vdir);
    T_EQ_INT(fetch_one(gz, "declared-small", zn / 2, 0, &e, &vdir), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "unpacked_size of 2097152 bytes") && strstr(e.msg, "--max-unpacked"));
    free(vdir);
    /* more than the disk holds: refused before anything is written */
    T_EQ_INT(fetch_one(gz, "huge", (uint64_t)1 << 60, 0, &e, &vdir), L4R_EIO);
    T_CHECK(strstr(e.msg, "not enough free space") && strstr(e.msg, "1.0 EiB") && strstr(e.msg, "free"));
    T_EQ_INT(count_prefix(vdir, ".l4r-unpack"), 0);
    free(vdir);
    free(gz);

    /* an entry named like another download of the variant is refused, the download stays intact */
    char *tar = l4r_path_join(up, "a.tar");
    tentry t[] = {{"b.csv", 'f', "evil\n"}};
    make_tar(tar, t, 1, false);
    char *b = l4r_path_join(up, "b.csv");
    put(b, "good\n");
    l4r_rfile fs[2] = {{0}, {0}};
    fs[0].name = MUT("a.tar");
    fs[0].url = l4r_xasprintf("file://%s", tar);
    fs[0].size = -1;
    fs[0].unpack = true;
    fs[1].name = MUT("b.csv");
    fs[1].url = l4r_xasprintf("file://%s", b);
    fs[1].size = -1;
    l4r_variant v = {0};
    v.name = MUT("sibling");
    v.files = fs;
    v.n_files = 2;
    l4r_recipe r = {0};
    r.dataset = MUT("toyset");
    char *data = at_root("data3");
    l4r_fetch_opts o = {0};
    o.data_dir = data;
    o.max_retries = 1;
    l4r_fetch_result res = {0};
    T_EQ_INT(l4r_fetch_variant(&r, &v, &o, &res, &e), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "a.tar") && strstr(e.msg, "would replace 'b.csv', another file of this variant"));
    vdir = l4r_variant_dir(data, &r, &v);
    p = l4r_path_join(vdir, "b.csv");
    char *got = slurp(p);
    T_EQ_STR(got, "good\n");
    free(got);
    free(p);
    free(vdir);
    free(data);
    free(fs[0].url);
    free(fs[1].url);
    free(b);
    free(tar);
    free(up);
}

/* Archives inside archives (issue 14): a tar holding a gzip tar named .tar, unpack_nested. */
static void test_nested(void)
{
    char *up = l4r_path_join(root, "nest-up");
    char *data = l4r_path_join(root, "nest-data");
    mkdir_fresh(up);
    mkdir_fresh(data);
    char *ip = l4r_path_join(up, "inner.tgz");
    tentry ients[] = {{"r.dat", 'f', "1::2::5::978300760\n"}, {"x.txt", 'f', "x\n"}};
    make_tar(ip, ients, 2, true);
    l4r_buf inner = {0};
    l4r_error e = {0};
    T_EQ_INT(l4r_read_file(ip, 1 << 20, &inner, &e), L4R_OK);
    char *arc = l4r_path_join(up, "outer.tar");
    {
        /* a binary entry (make_tar writes strings) and a small one */
        struct archive *a = archive_write_new();
        archive_write_set_format_pax_restricted(a);
        T_EQ_INT(archive_write_open_filename(a, arc), ARCHIVE_OK);
        const char *names[] = {"d/inner.tar", "d/readme"};
        const char *bytes[] = {inner.data, "r\n"};
        size_t lens[] = {inner.len, 2};
        for (int i = 0; i < 2; i++) {
            struct archive_entry *ent = archive_entry_new();
            archive_entry_set_pathname(ent, names[i]);
            archive_entry_set_filetype(ent, AE_IFREG);
            archive_entry_set_perm(ent, 0644);
            archive_entry_set_size(ent, (la_int64_t)lens[i]);
            archive_write_header(a, ent);
            archive_write_data(a, bytes[i], lens[i]);
            archive_entry_free(ent);
        }
        archive_write_close(a);
        archive_write_free(a);
    }

    l4r_rfile f = {0};
    f.name = MUT("outer.tar");
    f.url = l4r_xasprintf("file://%s", arc);
    f.size = -1;
    char sha[65];
    strcpy(sha, sha_of(arc));
    f.sha256 = sha;
    f.unpack = true;
    char *nested[] = {MUT("d/inner.tar")};
    f.unpack_nested = nested;
    f.n_unpack_nested = 1;
    l4r_variant v = {0};
    v.name = MUT("nest");
    v.files = &f;
    v.n_files = 1;
    l4r_recipe r = {0};
    r.dataset = MUT("nestset");
    r.variants = &v;
    r.n_variants = 1;
    const char *in;
    T_CHECK(l4r_variant_nested(&v, "d/inner.tar/r.dat", &in) == &f && in && !strcmp(in, "d/inner.tar"));
    T_CHECK(l4r_variant_nested(&v, "d/inner.tarx/r.dat", &in) == NULL && in == NULL);
    T_CHECK(l4r_variant_nested(&v, "d/inner.tar", &in) == NULL);
    const char *rest = l4r_variant_member_after(&v, "d/inner.tar/r.dat", "inner.tar");
    T_EQ_STR(rest, "r.dat");
    T_CHECK(l4r_variant_member_after(&v, "d/inner.tar/r.dat", "outer.tar") == NULL);
    T_CHECK(l4r_variant_member_after(&v, "e/inner.tar/r.dat", "inner.tar") == NULL);

    /* a ceiling the outer archive fits but not the inner one as well */
    l4r_fetch_opts o = {0};
    o.data_dir = data;
    o.log = capture_log;
    o.max_unpacked = inner.len + 2 + 5;
    l4r_fetch_result res = {0};
    l4r_status st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    T_EQ_INT(st, L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "what is left of the ceiling of") != NULL);
    char *vdir = l4r_variant_dir(data, &r, &v);
    char *p = l4r_path_join(vdir, "d/inner.tar/r.dat");
    T_CHECK(!l4r_is_file(p));
    T_CHECK(!l4r_variant_fetched(data, &r, &v));

    o.max_unpacked = 0;
    st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    if (st)
        printf("# %s\n", e.msg);
    T_EQ_INT(st, L4R_OK);
    free(res.dir);
    char *got = slurp(p);
    T_EQ_STR(got, "1::2::5::978300760\n");
    free(got);
    char *q = l4r_path_join(vdir, "d/inner.tar");
    T_CHECK(l4r_is_dir(q));
    free(q);
    T_CHECK(l4r_variant_fetched(data, &r, &v));
    q = l4r_path_join(vdir, ".l4r-fetched.json");
    json_t *j = json_load_file(q, 0, NULL);
    free(q);
    json_t *un = json_object_get(j, "unpacked");
    bool has_inner = false, has_file = false;
    size_t k;
    json_t *u;
    json_array_foreach(un, k, u)
    {
        const char *n = json_string_value(json_object_get(u, "name"));
        has_inner = has_inner || (n && !strcmp(n, "d/inner.tar"));
        has_file = has_file || (n && !strcmp(n, "d/inner.tar/r.dat"));
    }
    T_CHECK(has_file);
    T_CHECK(!has_inner);
    T_EQ_INT(json_array_size(un), 3); /* d/readme, d/inner.tar/r.dat, d/inner.tar/x.txt */
    json_decref(j);

    /* a nested name the archive does not hold */
    char *bad[] = {MUT("d/nope.tar")};
    f.unpack_nested = bad;
    o.force = true;
    st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    T_EQ_INT(st, L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "holds no file 'd/nope.tar' to unpack in turn") != NULL);
    /* one that is no archive */
    char *plain[] = {MUT("d/readme")};
    f.unpack_nested = plain;
    st = l4r_fetch_variant(&r, &v, &o, &res, &e);
    T_EQ_INT(st, L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "is not an archive, so it cannot be unpacked in turn") != NULL);
    DIR *d = opendir(vdir);
    bool left = false;
    for (struct dirent *de; d && (de = readdir(d));)
        left = left || !strncmp(de->d_name, ".l4r-unpack.", 12);
    if (d)
        closedir(d);
    T_CHECK(!left);
    free(p);
    free(vdir);
    free(f.url);
    free(arc);
    free(ip);
    free(up);
    free(data);
    l4r_buf_free(&inner);
}

int main(void)
{
    char tmpl[] = "/tmp/l4r-unit-fetch.XXXXXX";
    root = mkdtemp(tmpl);
    if (!root)
        return 2;
    test_mirror();
    test_sidecar();
    test_download_file_url();
    test_unpack();
    test_damaged();
    test_write_failure();
    test_entry_names();
    test_ambiguous();
    test_siblings_and_list();
    test_recipe_key();
    test_variant();
    test_variant_stamp();
    test_nested();
    test_bombs();
    l4r_error e;
    l4r_rmtree(root, &e);
    l4r_buf_free(&logbuf);
    return l4r_t_exit();
}
