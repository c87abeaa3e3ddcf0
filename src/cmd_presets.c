/*
 * cmd_presets.c — `llm4rec-data presets [NAME] [--json]`: the presets of convert --preset
 * (src/presets.c), each with the codebase it reproduces, the datasets it covers, the convert
 * options it implies, the files it writes and the paper's statistics with their citation.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data presets [NAME] [--json]\n"
               "\n"
               "List the presets of 'convert --preset NAME' (docs/PRESETS.md), or show one: the\n"
               "codebase it reproduces, the datasets and variants it covers (DATASET/VARIANT\n"
               "patterns), the exact convert options it implies, the files it writes, and the\n"
               "statistics its paper published, with the table cited.  Options given beside\n"
               "--preset override its own and are recorded in manifest.json (preset.overrides).\n"
               "\n"
               "options:\n"
               "  --json        one JSON array (one object per preset; with NAME, that object)\n"
               "  -h, --help    this help\n");
}

static json_t *preset_json(const l4r_preset *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(l4r_preset_name(p)));
    json_object_set_new(o, "codebase", json_string(l4r_preset_codebase(p)));
    json_object_set_new(o, "summary", json_string(l4r_preset_summary(p)));
    json_object_set_new(o, "writes", json_string(l4r_preset_writes(p)));
    json_t *cov = json_array(), *opts = json_array(), *papers = json_array();
    for (size_t i = 0; i < l4r_preset_n_covers(p); i++)
        json_array_append_new(cov, json_string(l4r_preset_cover(p, i)));
    for (size_t i = 0; i < l4r_preset_n_options(p); i++)
        json_array_append_new(opts, json_string(l4r_preset_option(p, i)));
    for (size_t i = 0; i < l4r_preset_n_papers(p); i++) {
        const l4r_preset_paper *pp = l4r_preset_paper_at(p, i);
        json_t *x = json_object(), *st = json_object();
        json_object_set_new(x, "covers", json_string(pp->covers));
        json_object_set_new(x, "citation", json_string(pp->citation));
        json_object_set_new(x, "known_cause", pp->known_cause ? json_string(pp->known_cause) : json_null());
        for (size_t k = 0; k < pp->n_stats; k++) {
            json_t *s = json_object();
            json_object_set_new(s, "value", json_real(pp->stats[k].value));
            json_object_set_new(s, "tolerance", json_real(pp->stats[k].tolerance));
            json_object_set_new(st, pp->stats[k].name, s);
        }
        json_object_set_new(x, "statistics", st);
        json_array_append_new(papers, x);
    }
    json_object_set_new(o, "covers", cov);
    json_object_set_new(o, "options", opts);
    json_object_set_new(o, "papers", papers);
    return o;
}

static void print_num(double v)
{
    if (v == (double)(long long)v)
        printf("%lld", (long long)v);
    else
        printf("%g", v);
}

static void preset_text(const l4r_preset *p)
{
    printf("%s\n", l4r_preset_name(p));
    printf("  codebase:  %s\n", l4r_preset_codebase(p));
    printf("  does:      %s\n", l4r_preset_summary(p));
    printf("  covers:   ");
    for (size_t i = 0; i < l4r_preset_n_covers(p); i++)
        printf(" %s", l4r_preset_cover(p, i));
    printf("\n  options:  ");
    for (size_t i = 0; i < l4r_preset_n_options(p); i++)
        printf(" %s", l4r_preset_option(p, i));
    printf("\n  writes:    %s\n", l4r_preset_writes(p));
    if (!l4r_preset_n_papers(p))
        printf("  paper:     no statistics recorded\n");
    for (size_t i = 0; i < l4r_preset_n_papers(p); i++) {
        const l4r_preset_paper *pp = l4r_preset_paper_at(p, i);
        printf("  paper:     %s:", pp->covers);
        for (size_t k = 0; k < pp->n_stats; k++) {
            printf("%s %s ", k ? "," : "", pp->stats[k].name);
            print_num(pp->stats[k].value);
            if (pp->stats[k].tolerance > 0) {
                printf(" (+-");
                print_num(pp->stats[k].tolerance);
                printf(")");
            }
        }
        printf("\n             %s\n", pp->citation);
        if (pp->known_cause)
            printf("             known cause of a difference: %s\n", pp->known_cause);
    }
}

int cmd_presets(l4r_cli *cli, int argc, char **argv)
{
    bool json = false;
    int rc = l4r_cli_simple_opts(cli, argc, argv, "presets", usage, &json);
    if (rc >= 0)
        return rc;
    if (optind + 1 < argc)
        return l4r_cli_usage_error("presets", "unexpected argument '%s'", argv[optind + 1]);
    const l4r_preset *one = NULL;
    if (optind < argc) {
        one = l4r_preset_find(argv[optind]);
        if (!one) {
            const char *near = l4r_suggest(argv[optind], l4r_preset_names(), l4r_preset_count());
            l4r_msg_error("no preset '%s'%s%s%s ('llm4rec-data presets' lists them)", argv[optind],
                          near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            return l4r_exit_code(L4R_EUSAGE);
        }
    }
    if (json) {
        json_t *out = one ? preset_json(one) : json_array();
        for (size_t i = 0; !one && i < l4r_preset_count(); i++)
            json_array_append_new(out, preset_json(l4r_preset_at(i)));
        char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(out);
        return 0;
    }
    for (size_t i = 0; i < l4r_preset_count(); i++) {
        const l4r_preset *p = l4r_preset_at(i);
        if (one && p != one)
            continue;
        if (!one && i)
            printf("\n");
        preset_text(p);
    }
    return 0;
}
