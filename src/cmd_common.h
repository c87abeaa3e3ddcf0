/*
 * cmd_common.h — what every command shares: the global options, messages in the house style,
 * and the command table.  Only the command layer (src/main.c, src/cmd_*.c) prints.
 *
 * The command layer reaches the library through include/llm4rec_data.h only (as zstd's
 * programs/ include only zstd.h): this header includes nothing else of the project, and no
 * command includes a header of src/ but this one.
 *
 * Messages:   llm4rec-data: cannot open 'x': No such file or directory
 * Warnings:   llm4rec-data: warning: ...
 * stdout carries data only; progress only when stderr is a terminal and -q was not given.
 */
#ifndef L4R_CMD_COMMON_H
#define L4R_CMD_COMMON_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "llm4rec_data.h"

#if defined(__GNUC__)
#define L4R_CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define L4R_CLI_NORETURN __attribute__((noreturn))
#else
#define L4R_CLI_PRINTF(a, b)
#define L4R_CLI_NORETURN
#endif

typedef struct l4r_cli {
    const char *data_dir_opt;  /* --data-dir */
    const char *recipes_dir;   /* --recipes */
    bool quiet;                /* -q */
    bool progress;             /* stderr is a tty and not -q */
    l4r_registry *reg;         /* loaded on demand by l4r_cli_registry() */
    char *reg_for;             /* reg holds only what l4r_cli_registry_for() needed for this */
    l4r_registry *reg_partial; /* a registry for one dataset that a later call outgrew */
    char **cmd_argv;           /* copy of the command's arguments before getopt permutes them */
    int cmd_argc;
} l4r_cli;

/* Long options every command accepts (append to a command's table with L4R_COMMON_LONGOPTS). */
enum { L4R_OPT_DATA_DIR = 1000, L4R_OPT_RECIPES, L4R_OPT_HELP, L4R_OPT_FIRST_CMD = 1100 };
#define L4R_COMMON_LONGOPTS                                                                                  \
    {"data-dir", required_argument, NULL, L4R_OPT_DATA_DIR},                                                 \
        {"recipes", required_argument, NULL, L4R_OPT_RECIPES}, {"help", no_argument, NULL, 'h'},             \
    {                                                                                                        \
        "quiet", no_argument, NULL, 'q'                                                                      \
    }

/* Handle a common option returned by getopt_long; returns true if it was one. */
bool l4r_cli_common_opt(l4r_cli *cli, int c, const char *arg);

/* Option parsing of the commands that take only the common options and, when json != NULL,
 * --json.  Returns -1 to go on (optind indexes the operands), else the exit code to return
 * (0 after printing usage for -h). */
int l4r_cli_simple_opts(l4r_cli *cli, int argc, char **argv, const char *cmd, void (*usage)(FILE *),
                        bool *json);

/* A variant as JSON (list --json; info --json adds to it): dataset, variant, default,
 * description, files [{name, url, mirrors, size, md5, sha256, unpack}], gated.  Caller owns it. */
typedef struct json_t json_t;
json_t *l4r_cli_variant_json(const l4r_recipe *r, const l4r_variant *v);

/* Load the recipe registry once; prints the error and returns NULL on failure (status in *st). */
const l4r_registry *l4r_cli_registry(l4r_cli *cli, l4r_status *st);
/* The registry for a command about one dataset (l4r_registry_load_for): with the built-in
 * recipes, only that dataset's is parsed. */
const l4r_registry *l4r_cli_registry_for(l4r_cli *cli, const char *dataset, l4r_status *st);
/* Set what every fetch or convert takes from the command line: --data-dir, the progress bar (a
 * terminal and not -q), messages through l4r_cli_log and the command line for the manifest.
 * Call it after the command's option parsing (-q and --data-dir may follow the command). */
void l4r_cli_common_options(l4r_cli *cli, l4r_options *o);
/* Set a library option, reporting a bad value as a usage error of `cmd` in which `shown` ("-j",
 * "L4R_MAX_UNPACKED"; NULL: "--KEY") replaces the key the library's message starts with.  Returns -1 when
 * the value was taken, else the exit code to return. */
int l4r_cli_set(l4r_options *o, const char *cmd, const char *key, const char *shown, const char *value);
/* malloc that exits with a message on out-of-memory, as the library's allocations do. */
void *l4r_cli_alloc(size_t n);
char *l4r_cli_strdup(const char *s);
L4R_CLI_NORETURN void l4r_cli_oom(void);
/* The lock file fetch pins to: --lock FILE (opt), else $LLM4REC_DATA_LOCK, else NULL (the
 * library's default, DATA/llm4rec-data.lock).  Borrowed. */
const char *l4r_cli_lock_path(const char *opt);

void l4r_msg_error(const char *fmt, ...) L4R_CLI_PRINTF(1, 2);
void l4r_msg_warn(const char *fmt, ...) L4R_CLI_PRINTF(1, 2);
void l4r_msg_info(const l4r_cli *cli, const char *fmt, ...) L4R_CLI_PRINTF(2, 3); /* silenced by -q */
/* Print e->msg as an error and return the exit code for st. */
int l4r_cli_fail(l4r_status st, const l4r_error *e);
/* "llm4rec-data: unknown option ...; try 'llm4rec-data CMD --help'" and the usage exit code. */
int l4r_cli_usage_error(const char *cmd, const char *fmt, ...) L4R_CLI_PRINTF(2, 3);
/* A getopt_long error as a usage error of `cmd` (NULL: the global options), in one style for every
 * command: `llm4rec-data: convert: option '--split' needs a value (see 'llm4rec-data convert
 * --help')`; an unknown option names the closest one (`did you mean '--split'?`), an abbreviation
 * that fits several names them.  `c` is what getopt_long returned: ':' (a missing value; the
 * short options must start with ':') or '?'.  Reads argv[optind - 1] and optopt.  Returns the
 * usage exit code. */
int l4r_cli_option_error(const char *cmd, int c, char **argv, const struct option *longopts);
/* The same message style for a problem with an option that is not getopt's to find. */
int l4r_cli_option_usage(const char *cmd, const char *fmt, ...) L4R_CLI_PRINTF(2, 3);
/* DATASET or DATASET/VARIANT (a variant name may itself hold '/': the first one splits): sets
 * *dataset (malloc'd, the caller frees it) and, for the slash form, *variant (borrowed from arg).
 * A slash form and a different --variant (*variant already set) is a usage error of cmd: returns
 * its exit code; -1 when taken. */
int l4r_cli_dataset_arg(const char *cmd, const char *arg, char **dataset, const char **variant);
/* convert --raw FILE without a variant: the variant of r that FILE fits (src/cmd_convert_raw.c).
 * Sets *var to the default when it fits or nothing does, else to the one that fits (saying so on
 * stderr) and returns -1; when several fit and the default does not, returns the usage exit code
 * after naming them. */
int l4r_cli_raw_variant(const char *cmd, const l4r_recipe *r, const char *raw, const l4r_variant **var);
/* The closest command name to a mistyped one, or NULL. */
const char *l4r_cli_suggest_command(const char *typed);

/* Log callback for library modules (level 0 info, 1 warning). */
void l4r_cli_log(void *cli, int level, const char *msg);

/* Commands: argv[0] is the command name; getopt state is reset by the dispatcher. */
int cmd_help(l4r_cli *cli, int argc, char **argv);
int cmd_list(l4r_cli *cli, int argc, char **argv);
int cmd_info(l4r_cli *cli, int argc, char **argv);
int cmd_fetch(l4r_cli *cli, int argc, char **argv);
int cmd_convert(l4r_cli *cli, int argc, char **argv);
int cmd_stats(l4r_cli *cli, int argc, char **argv);
int cmd_verify(l4r_cli *cli, int argc, char **argv);
int cmd_cache(l4r_cli *cli, int argc, char **argv);
int cmd_audit(l4r_cli *cli, int argc, char **argv);
int cmd_presets(l4r_cli *cli, int argc, char **argv);

typedef struct l4r_command {
    const char *name;
    int (*fn)(l4r_cli *cli, int argc, char **argv);
    const char *summary;
} l4r_command;
extern const l4r_command l4r_commands[];

#endif
