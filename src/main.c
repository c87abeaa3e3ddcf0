/*
 * main.c — the llm4rec-data command line: global options, the command table, dispatch,
 * signal handling.  Each command lives in src/cmd_<name>.c as cmd_<name>().
 *
 * To add a command: write src/cmd_NAME.c with `int cmd_NAME(l4r_cli *, int, char **)` (parse
 * options with getopt_long and L4R_COMMON_LONGOPTS, answer --help, print data to stdout and
 * messages through l4r_msg_*), declare it in cmd_common.h, add a row to l4r_commands below, and
 * document it in docs/MANUAL.md and README.md.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_common.h"

const l4r_command l4r_commands[] = {
    {"list", cmd_list, "list every dataset and variant"},
    {"info", cmd_info, "show URLs, sizes, checksums, license and citation of a dataset"},
    {"fetch", cmd_fetch, "download, verify and unpack a dataset"},
    {"convert", cmd_convert, "convert a dataset to the common format (splits, stages, exports)"},
    {"stats", cmd_stats, "describe an interactions file or a converted directory"},
    {"verify", cmd_verify, "re-check every output of a converted directory against manifest.json"},
    {"cache", cmd_cache, "list what the data directory holds, or remove it (cache clean)"},
    {"audit", cmd_audit, "check a split on disk for leakage, cold starts, id orders and ties"},
    {"presets", cmd_presets, "list the presets of convert --preset (a codebase's preprocessing)"},
    {"help", cmd_help, "show help for a command"},
    {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data [--data-dir DIR] [--recipes DIR] [-q] <command> [options]\n"
               "       llm4rec-data help [COMMAND] | -h | -v\n"
               "\n"
               "Fetch and convert the public datasets of LLM-for-recommendation research into\n"
               "clean, reproducible, model-ready files.\n"
               "\n"
               "commands:\n");
    for (const l4r_command *c = l4r_commands; c->name; c++)
        fprintf(f, "  %-9s %s\n", c->name, c->summary);
    fprintf(f, "\n"
               "global options (also accepted after the command):\n"
               "  --data-dir DIR   where datasets are stored (default $LLM4REC_DATA_HOME, else\n"
               "                   ${XDG_CACHE_HOME:-$HOME/.cache}/llm4rec-data)\n"
               "  --recipes DIR    load recipes from DIR instead of the built-in ones\n"
               "  -q, --quiet      no progress and no informational messages\n"
               "  -h, --help       this help; 'llm4rec-data COMMAND --help' for a command\n"
               "  -v, --version    print the version\n"
               "\n"
               "examples:\n"
               "  llm4rec-data fetch movielens\n"
               "  llm4rec-data convert movielens --split seq\n"
               "\n"
               "exit codes: 0 ok, 1 internal, 2 usage, 3 network, 4 checksum, 5 archive, 6 recipe,\n"
               "7 parse, 8 i/o, 9 manual download required, 10 locked, 11 audit finding, 130 interrupted\n");
}

static const l4r_command *find_command(const char *name)
{
    for (const l4r_command *c = l4r_commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

/* "unknown command 'x'", with the closest command when one is close. */
static int unknown_command(const char *name)
{
    const char *near = l4r_cli_suggest_command(name);
    if (near)
        return l4r_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, near);
    return l4r_cli_usage_error(NULL, "unknown command '%s'", name);
}

static void help_usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data help [COMMAND]\n"
               "\n"
               "Without COMMAND, the list of commands and the global options; with one, the same as\n"
               "'llm4rec-data COMMAND --help'.\n");
}

int cmd_help(l4r_cli *cli, int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return 0;
    }
    if (argc > 2)
        return l4r_cli_usage_error("help", "expected one COMMAND, got %d arguments", argc - 1);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        help_usage(stdout);
        return 0;
    }
    const l4r_command *c = find_command(argv[1]);
    if (!c)
        return unknown_command(argv[1]);
    char helpopt[] = "--help";
    char *args[] = {argv[1], helpopt, NULL};
    optind = 0;
    return c->fn(cli, 2, args);
}

/* A global option this parser did not take: a missing value, or unknown (with the closest). */
static int global_option_error(const char *a)
{
    static const char *const global[] = {"--data-dir", "--recipes", "--quiet", "--help", "--version"};
    if (!strcmp(a, "--data-dir") || !strcmp(a, "--recipes"))
        return l4r_cli_option_usage(NULL, "option '%s' needs a value", a);
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(a, "="), a);
    const char *near = l4r_suggest(name, global, sizeof global / sizeof global[0]);
    if (near)
        return l4r_cli_option_usage(NULL, "unknown option '%s'; did you mean '%s'?", name, near);
    return l4r_cli_option_usage(NULL, "unknown option '%s' (the command's own options follow the command)",
                                name);
}

static void on_signal(int sig)
{
    if (l4r_interrupted) {
        /* second signal: give up at once, default action */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    l4r_interrupted = 1;
}

int main(int argc, char **argv)
{
    l4r_cli cli = {0};
    cli.progress = isatty(2);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* global options before the command */
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        const char *a = argv[i];
        if (!strcmp(a, "--version") || !strcmp(a, "-v")) {
            printf("llm4rec-data %s\n", l4r_version());
            return 0;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            l4r_cli_common_opt(&cli, 'q', NULL);
            i++;
        } else if ((!strcmp(a, "--data-dir") || !strcmp(a, "--recipes")) && i + 1 < argc) {
            l4r_cli_common_opt(&cli, a[2] == 'd' ? L4R_OPT_DATA_DIR : L4R_OPT_RECIPES, argv[i + 1]);
            i += 2;
        } else if (!strncmp(a, "--data-dir=", 11)) {
            l4r_cli_common_opt(&cli, L4R_OPT_DATA_DIR, a + 11);
            i++;
        } else if (!strncmp(a, "--recipes=", 10)) {
            l4r_cli_common_opt(&cli, L4R_OPT_RECIPES, a + 10);
            i++;
        } else {
            return global_option_error(a);
        }
    }
    if (i >= argc) {
        usage(stderr);
        return l4r_exit_code(L4R_EUSAGE);
    }
    const l4r_command *c = find_command(argv[i]);
    if (!c)
        return unknown_command(argv[i]);
    cli.cmd_argc = argc - i;
    cli.cmd_argv = l4r_cli_alloc(((size_t)cli.cmd_argc + 1) * sizeof *cli.cmd_argv);
    memcpy(cli.cmd_argv, argv + i, (size_t)cli.cmd_argc * sizeof *cli.cmd_argv);
    optind = 0; /* glibc: full re-initialisation */
    int rc = c->fn(&cli, argc - i, argv + i);
    free(cli.cmd_argv);
    if (l4r_interrupted && rc == 0)
        rc = l4r_exit_code(L4R_EINTR);
    l4r_registry_free(cli.reg);
    l4r_registry_free(cli.reg_partial);
    free(cli.reg_for);
    /* a closed pipe (`llm4rec-data list | head`) is the reader's choice, not an error */
    if (fflush(stdout) != 0 && rc == 0 && errno != EPIPE) {
        l4r_msg_error("cannot write to standard output");
        rc = l4r_exit_code(L4R_EIO);
    }
    return rc;
}
