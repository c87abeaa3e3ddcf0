/*
 * cmd_verify.c — `llm4rec-data verify DIR`: check a converted directory against its manifest
 * with l4r_verify_dir() (src/verify.c).  One line per file on stdout: "ok", "changed" (with
 * what differs) or "missing".  Exit 0 when everything matches, the checksum exit code otherwise.
 */
#include <stdio.h>

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

int cmd_verify(l4r_cli *cli, int argc, char **argv)
{
    int rc = l4r_cli_simple_opts(cli, argc, argv, "verify", usage, NULL);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return l4r_cli_usage_error("verify", "expected one directory");
    const char *dir = argv[optind];
    l4r_error e = {0};
    l4r_verify_report *r = NULL;
    l4r_status st = l4r_verify_dir(dir, &r, &e);
    if (st)
        return l4r_cli_fail(st, &e);
    static const char *const word[] = {"ok", "changed", "missing", "invalid"};
    size_t n = l4r_verify_count(r), bad = l4r_verify_bad(r);
    for (size_t i = 0; i < n; i++) {
        const char *detail = l4r_verify_detail(r, i);
        printf("%s\t%s%s%s\n", word[l4r_verify_state_of(r, i)], l4r_verify_file_of(r, i), detail ? "\t" : "",
               detail ? detail : "");
    }
    l4r_verify_report_free(r);
    fflush(stdout);
    if (bad) {
        l4r_msg_error("'%s': %zu of %zu outputs changed or missing", dir, bad, n);
        return l4r_exit_code(L4R_ECHECKSUM);
    }
    l4r_msg_info(cli, "'%s': all %zu outputs match the manifest", dir, n);
    return 0;
}
