/*
 * cmd_common.c — messages, common options and the recipe registry for the command layer.
 */
#include "cmd_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "llm4rec-data: %s%s\n", kind, line);
}

void l4r_msg_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

void l4r_msg_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

void l4r_msg_info(const l4r_cli *cli, const char *fmt, ...)
{
    if (cli && cli->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

void l4r_cli_log(void *ud, int level, const char *msg)
{
    l4r_cli *cli = ud;
    if (level >= 1)
        l4r_msg_warn("%s", msg);
    else
        l4r_msg_info(cli, "%s", msg);
}

int l4r_cli_fail(l4r_status st, const l4r_error *e)
{
    if (e && e->msg[0])
        l4r_msg_error("%s", e->msg);
    else
        l4r_msg_error("%s", l4r_strerror(st));
    return l4r_exit_code(st);
}

int l4r_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "llm4rec-data: try 'llm4rec-data %s --help'\n", cmd);
    else
        fprintf(stderr, "llm4rec-data: try 'llm4rec-data --help'\n");
    return l4r_exit_code(L4R_EUSAGE);
}

bool l4r_cli_common_opt(l4r_cli *cli, int c, const char *arg)
{
    switch (c) {
    case L4R_OPT_DATA_DIR: cli->data_dir_opt = arg; return true;
    case L4R_OPT_RECIPES: cli->recipes_dir = arg; return true;
    case 'q':
        cli->quiet = true;
        cli->progress = false;
        return true;
    default: return false;
    }
}

const l4r_registry *l4r_cli_registry_for(l4r_cli *cli, const char *dataset, l4r_status *st)
{
    /* A registry loaded for one dataset serves that dataset only. */
    if (cli->reg && (!cli->reg_for || (dataset && !strcmp(cli->reg_for, dataset)))) {
        *st = L4R_OK;
        return cli->reg;
    }
    if (cli->reg) {
        /* Asked for more: load everything, which serves every later call, and keep the partial
         * registry until exit, since its recipes may still be in use. */
        cli->reg_partial = cli->reg;
        cli->reg = NULL;
        free(cli->reg_for);
        cli->reg_for = NULL;
        dataset = NULL;
    }
    l4r_error e = {0};
    *st = l4r_registry_load_for(&cli->reg, cli->recipes_dir, dataset, &e);
    if (*st != L4R_OK) {
        l4r_cli_fail(*st, &e);
        return NULL;
    }
    if (dataset)
        cli->reg_for = l4r_cli_strdup(dataset);
    return cli->reg;
}

const l4r_registry *l4r_cli_registry(l4r_cli *cli, l4r_status *st)
{
    return l4r_cli_registry_for(cli, NULL, st);
}

void l4r_cli_oom(void)
{
    fputs("llm4rec-data: out of memory\n", stderr);
    abort();
}

void *l4r_cli_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p)
        l4r_cli_oom();
    return p;
}

char *l4r_cli_strdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        l4r_cli_oom();
    return p;
}

void l4r_cli_common_options(l4r_cli *cli, l4r_options *o)
{
    l4r_error e = {0};
    if (cli->data_dir_opt)
        l4r_options_set(o, "data-dir", cli->data_dir_opt, &e); /* a string: cannot fail */
    l4r_options_set(o, "progress", cli->progress && !cli->quiet ? "1" : "0", &e);
    l4r_options_set_log(o, l4r_cli_log, cli);
    l4r_options_set_argv(o, cli->cmd_argc, cli->cmd_argv); /* as typed: getopt_long permutes argv */
}

int l4r_cli_set(l4r_options *o, const char *cmd, const char *key, const char *shown, const char *value)
{
    l4r_error e = {0};
    l4r_status st = l4r_options_set(o, key, value, &e);
    if (st == L4R_OK)
        return -1;
    size_t k = strlen(key);
    if (!strncmp(e.msg, key, k))
        return shown ? l4r_cli_usage_error(cmd, "%s%s", shown, e.msg + k)
                     : l4r_cli_usage_error(cmd, "--%s", e.msg);
    return l4r_cli_usage_error(cmd, "%s", e.msg);
}

const char *l4r_cli_lock_path(const char *opt)
{
    if (opt && *opt)
        return opt;
    const char *env = getenv("LLM4REC_DATA_LOCK");
    return env && *env ? env : NULL;
}

int l4r_cli_simple_opts(l4r_cli *cli, int argc, char **argv, const char *cmd, void (*usage)(FILE *),
                        bool *json)
{
    enum { OPT_JSON = L4R_OPT_FIRST_CMD };
    static const struct option with_json[] = {
        {"json", no_argument, NULL, OPT_JSON}, L4R_COMMON_LONGOPTS, {0, 0, 0, 0}};
    const struct option *opts = json ? with_json : with_json + 1;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, ":hq", opts, NULL);
        if (c == -1)
            return -1;
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == OPT_JSON && json) {
            *json = true;
            continue;
        }
        if (l4r_cli_common_opt(cli, c, optarg))
            continue;
        return l4r_cli_option_error(cmd, c, argv, opts);
    }
}

/* The option-error line: "llm4rec-data: CMD: MESSAGE (see 'llm4rec-data CMD --help')". */
static int option_usage_v(const char *cmd, const char *fmt, va_list ap)
{
    char line[1024];
    vsnprintf(line, sizeof line, fmt, ap);
    if (cmd)
        fprintf(stderr, "llm4rec-data: %s: %s (see 'llm4rec-data %s --help')\n", cmd, line, cmd);
    else
        fprintf(stderr, "llm4rec-data: %s (see 'llm4rec-data --help')\n", line);
    return l4r_exit_code(L4R_EUSAGE);
}

int l4r_cli_option_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = option_usage_v(cmd, fmt, ap);
    va_end(ap);
    return rc;
}

int l4r_cli_option_error(const char *cmd, int c, char **argv, const struct option *longopts)
{
    const char *text = optind > 0 ? argv[optind - 1] : "";
    if (strncmp(text, "--", 2) || !text[2]) {
        /* a short option (optopt), perhaps inside a cluster such as -qx */
        if (c == ':')
            return l4r_cli_option_usage(cmd, "option '-%c' needs a value", optopt);
        if (optopt)
            return l4r_cli_option_usage(cmd, "unknown option '-%c'", optopt);
        return l4r_cli_option_usage(cmd, "unknown option '%s'", text);
    }
    const char *name = text + 2;
    size_t len = strcspn(name, "=");
    bool has_value = name[len] == '=';
    /* the option getopt_long matched: the exact name, else the only one it abbreviates */
    const struct option *hit = NULL;
    size_t n_prefix = 0, n_opts = 0;
    for (const struct option *o = longopts; o->name; o++, n_opts++) {
        if (strlen(o->name) == len && !strncmp(o->name, name, len)) {
            hit = o;
            n_prefix = 1;
            break;
        }
        if (!strncmp(o->name, name, len)) {
            n_prefix++;
            hit = o;
        }
    }
    if (n_prefix == 1 && c == ':')
        return l4r_cli_option_usage(cmd, "option '--%s' needs a value", hit->name);
    if (n_prefix == 1 && has_value && hit->has_arg == no_argument)
        return l4r_cli_option_usage(cmd, "option '--%s' takes no value", hit->name);
    if (n_prefix > 1) {
        char list[512] = "";
        size_t k = 0;
        for (const struct option *o = longopts; o->name; o++)
            if (!strncmp(o->name, name, len))
                k += (size_t)snprintf(list + k, k < sizeof list ? sizeof list - k : 0, "%s--%s",
                                      k ? ", " : "", o->name);
        return l4r_cli_option_usage(cmd, "option '--%.*s' is ambiguous: %s", (int)len, name, list);
    }
    /* unknown: the closest long option */
    const char **names = l4r_cli_alloc((n_opts + 1) * sizeof *names);
    for (size_t i = 0; i < n_opts; i++)
        names[i] = longopts[i].name;
    char *typed = l4r_cli_alloc(len + 1);
    memcpy(typed, name, len);
    const char *near = l4r_suggest(typed, names, n_opts);
    int rc = near ? l4r_cli_option_usage(cmd, "unknown option '--%s'; did you mean '--%s'?", typed, near)
                  : l4r_cli_option_usage(cmd, "unknown option '--%s'", typed);
    free(typed);
    free(names);
    return rc;
}

int l4r_cli_dataset_arg(const char *cmd, const char *arg, char **dataset, const char **variant)
{
    const char *slash = strchr(arg, '/');
    if (!slash) {
        *dataset = l4r_cli_strdup(arg);
        return -1;
    }
    if (*variant && strcmp(*variant, slash + 1))
        return l4r_cli_usage_error(cmd, "'%s' names variant '%s' but --variant says '%s': give one", arg,
                                   slash + 1, *variant);
    *dataset = l4r_cli_alloc((size_t)(slash - arg) + 1);
    memcpy(*dataset, arg, (size_t)(slash - arg));
    *variant = slash + 1;
    return -1;
}

const char *l4r_cli_suggest_command(const char *typed)
{
    const char *names[32];
    size_t n = 0;
    for (const l4r_command *c = l4r_commands; c->name && n < sizeof names / sizeof names[0]; c++)
        names[n++] = c->name;
    return l4r_suggest(typed, names, n);
}
