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
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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
    l4r_status st = l4r_unpack(arc, dir, 1 << 20, &e);
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
    T_EQ_INT(l4r_unpack(arc, dir, 1 << 20, &e), L4R_OK);
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
    T_EQ_INT(l4r_unpack(arc, dir, 1 << 20, &e), L4R_OK);
    /* the size ceiling */
    mkdir_fresh(dir);
    T_EQ_INT(l4r_unpack(arc, dir, 8, &e), L4R_EARCHIVE);
    T_CHECK(strstr(e.msg, "ceiling") != NULL);
    T_EQ_INT(count_prefix(dir, ""), 0);
    /* not an archive */
    char *junk = l4r_path_join(root, "junk.zip");
    put(junk, "this is not a zip file at all, just words\n");
    T_EQ_INT(l4r_unpack(junk, dir, 1 << 20, &e), L4R_EARCHIVE);
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
    test_variant();
    l4r_error e;
    l4r_rmtree(root, &e);
    l4r_buf_free(&logbuf);
    return l4r_t_exit();
}
