/*
 * cmd_verify.c — `llm4rec-data verify DIR`: check a converted directory against its manifest.
 *
 * Every entry of manifest.json's "outputs" array ({file, rows, bytes, sha256}) is recomputed: the
 * file is read once, hashed (SHA-256) and its lines counted.  A file's line count may be rows or
 * rows + 1 (the header line is not a row).  One line per file on stdout: "ok", "changed" (with
 * what differs) or "missing".  Exit 0 when everything matches, the checksum exit code otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data verify DIR\n"
               "\n"
               "Recompute the SHA-256, size and row count of every output listed in\n"
               "DIR/manifest.json and report which file changed or is missing.\n"
               "Exit status 0 when all match, 4 otherwise.\n"
               "\n"
               "options:\n"
               "  -h, --help      this help\n");
}

/* Hash and count lines of a file.  Returns false (errno set) when it cannot be read. */
static bool scan_file(const char *path, char *hex, uint64_t *bytes, uint64_t *lines)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    l4r_hasher *h = l4r_hasher_new(L4R_HASH_SHA256);
    size_t cap = 1u << 20;
    char *buf = l4r_xmalloc(cap);
    uint64_t nb = 0, nl = 0;
    bool ok = true;
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        if (n == 0)
            break;
        l4r_hasher_update(h, buf, (size_t)n);
        nb += (uint64_t)n;
        const char *p = buf, *end = buf + n;
        for (;;) {
            const char *q = memchr(p, '\n', (size_t)(end - p));
            if (!q)
                break;
            nl++;
            p = q + 1;
        }
    }
    int saved = errno;
    close(fd);
    free(buf);
    if (!ok) {
        l4r_hasher_free(h);
        errno = saved;
        return false;
    }
    l4r_hasher_final(h, hex);
    *bytes = nb;
    *lines = nl;
    return true;
}

int cmd_verify(l4r_cli *cli, int argc, char **argv)
{
    int rc = l4r_cli_simple_opts(cli, argc, argv, "verify", usage, NULL);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return l4r_cli_usage_error("verify", "expected one directory");
    const char *dir = argv[optind];
    char *mpath = l4r_path_join(dir, "manifest.json");
    json_error_t jerr;
    json_t *root = json_load_file(mpath, 0, &jerr);
    if (!root) {
        l4r_error e;
        l4r_err(&e, l4r_is_file(mpath) ? L4R_EPARSE : L4R_EIO, "cannot read '%s': %s", mpath, jerr.text);
        free(mpath);
        return l4r_cli_fail(e.status, &e);
    }
    json_t *outs = json_object_get(root, "outputs");
    if (!json_is_array(outs)) {
        l4r_error e;
        l4r_err(&e, L4R_EPARSE, "'%s' has no \"outputs\" array", mpath);
        json_decref(root);
        free(mpath);
        return l4r_cli_fail(e.status, &e);
    }
    size_t bad = 0, n = json_array_size(outs);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(outs, i);
        const char *file = json_string_value(json_object_get(o, "file"));
        const char *sha = json_string_value(json_object_get(o, "sha256"));
        json_t *jrows = json_object_get(o, "rows"), *jbytes = json_object_get(o, "bytes");
        if (!file || !sha || !json_is_integer(jrows) || !json_is_integer(jbytes) || strchr(file, '/') ||
            strcmp(file, "..") == 0) {
            printf("invalid\toutputs[%zu]\n", i);
            bad++;
            continue;
        }
        char *path = l4r_path_join(dir, file);
        char hex[65];
        uint64_t bytes, lines;
        if (!scan_file(path, hex, &bytes, &lines)) {
            printf("missing\t%s\t%s\n", file, strerror(errno));
            bad++;
        } else {
            uint64_t want_rows = (uint64_t)json_integer_value(jrows);
            uint64_t want_bytes = (uint64_t)json_integer_value(jbytes);
            bool sha_ok = l4r_hex_equal(hex, sha);
            bool bytes_ok = bytes == want_bytes;
            bool rows_ok = lines == want_rows || lines == want_rows + 1;
            if (sha_ok && bytes_ok && rows_ok) {
                printf("ok\t%s\n", file);
            } else {
                bad++;
                printf("changed\t%s\t", file);
                if (!bytes_ok)
                    printf("bytes %llu, manifest %llu; ", (unsigned long long)bytes,
                           (unsigned long long)want_bytes);
                if (!rows_ok)
                    printf("lines %llu, manifest rows %llu; ", (unsigned long long)lines,
                           (unsigned long long)want_rows);
                printf("sha256 %s, manifest %s\n", hex, sha);
            }
        }
        free(path);
    }
    fflush(stdout);
    if (bad) {
        l4r_error e;
        l4r_err(&e, L4R_ECHECKSUM, "'%s': %zu of %zu outputs changed or missing", dir, bad, n);
        rc = l4r_cli_fail(e.status, &e);
    } else {
        l4r_msg_info(cli, "'%s': all %zu outputs match the manifest", dir, n);
        rc = 0;
    }
    json_decref(root);
    free(mpath);
    return rc;
}
