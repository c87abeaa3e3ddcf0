/*
 * cmd_audit.c — `llm4rec-data audit DIR [--format F] [--json] [--fail-on S]`: runs the split
 * checks of l4r_audit_dir() (src/audit.c, docs/AUDIT.md) and prints a verdict table or one JSON
 * object; the exit code is the audit-finding code when a finding is at or above --fail-on.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd_common.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: llm4rec-data audit DIR [--format auto|tsv|recbole|sasrec|p5] [--json]\n"
               "                          [--fail-on info|warn|error|never]\n"
               "\n"
               "Check a train/valid/test split on disk, ours or anyone's, for the ways a split\n"
               "leaks or inflates results: test (valid) rows older than train rows, per user\n"
               "(error) and globally (warn); cold users and items in valid/test (warn); the\n"
               "same (user, item) in two parts (error with test, warn train&valid); histories\n"
               "holding their own target (JSONL history_item_ids, a history or item_id_list\n"
               "column: error); item ids numbered along the sequences, P5 PR#3 (warn, error in\n"
               "the p5 layout); the tie rate (info) and ties broken by item id (warn).\n"
               "Thresholds and reasons: docs/AUDIT.md.\n"
               "\n"
               "layouts (auto: the first present, in this order):\n"
               "  tsv       train.tsv [valid.tsv] test.tsv (user_id, item_id, rating, timestamp)\n"
               "  recbole   NAME.train.inter [NAME.valid.inter] NAME.test.inter ('name:type' header)\n"
               "  p5        sequential_data.txt ('user item item ...'; last = test, second last =\n"
               "            valid)\n"
               "  sasrec    NAME.txt ('user item' lines in time order, split as data_partition)\n"
               "train.jsonl, valid.jsonl, test.jsonl and examples.jsonl in DIR are checked too.\n"
               "\n"
               "options:\n"
               "  --format F      the layout to read (default auto)\n"
               "  --json          one JSON object instead of the table (schema: docs/AUDIT.md)\n"
               "  --fail-on S     exit 11 when a finding is at or above S (default error)\n"
               "  -h, --help      this help\n");
}

static json_t *finding_json(const l4r_audit_finding *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "check", json_string(f->check));
    json_object_set_new(o, "severity", json_string(l4r_audit_severity_name(f->severity)));
    json_t *v = json_object();
    for (size_t k = 0; k < f->n_values; k++) {
        const l4r_audit_value *x = &f->values[k];
        json_object_set_new(v, x->key, x->integer ? json_integer((json_int_t)x->value) : json_real(x->value));
    }
    json_object_set_new(o, "values", v);
    json_object_set_new(o, "numbers", json_string(f->numbers));
    json_object_set_new(o, "explanation", json_string(f->explanation));
    return o;
}

int cmd_audit(l4r_cli *cli, int argc, char **argv)
{
    enum { OPT_JSON = L4R_OPT_FIRST_CMD, OPT_FORMAT, OPT_FAIL_ON };
    static const struct option opts[] = {{"json", no_argument, NULL, OPT_JSON},
                                         {"format", required_argument, NULL, OPT_FORMAT},
                                         {"fail-on", required_argument, NULL, OPT_FAIL_ON},
                                         L4R_COMMON_LONGOPTS,
                                         {0, 0, 0, 0}};
    static const char *const levels[] = {"info", "warn", "error", "never"};
    static const l4r_audit_severity level_sev[] = {L4R_AUDIT_INFO, L4R_AUDIT_WARN, L4R_AUDIT_ERROR,
                                                   L4R_AUDIT_ERROR + 1};
    bool json = false;
    const char *format = "auto", *fail_on = "error";
    int threshold = L4R_AUDIT_ERROR;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, "hq", opts, NULL);
        if (c == -1)
            break;
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        if (c == OPT_JSON) {
            json = true;
        } else if (c == OPT_FORMAT) {
            format = optarg;
        } else if (c == OPT_FAIL_ON) {
            size_t k = 0;
            while (k < 4 && strcmp(levels[k], optarg))
                k++;
            if (k == 4)
                return l4r_cli_usage_error(
                    "audit", "--fail-on: expected info, warn, error or never, not '%s'", optarg);
            fail_on = levels[k];
            threshold = (int)level_sev[k];
        } else if (!l4r_cli_common_opt(cli, c, optarg)) {
            return l4r_cli_usage_error("audit", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return l4r_cli_usage_error("audit", "expected one DIR (a directory holding a split)");
    const char *dir = argv[optind];
    l4r_error e = {0};
    l4r_audit *a = NULL;
    l4r_status st = l4r_audit_dir(dir, format, &a, &e);
    if (st == L4R_EUSAGE)
        return l4r_cli_usage_error("audit", "%s", e.msg);
    if (st)
        return l4r_cli_fail(st, &e);

    size_t rows[3], users, items;
    bool timed;
    l4r_audit_counts(a, rows, &users, &items, &timed);
    bool detected = !strcmp(format, "auto");
    size_t n = l4r_audit_count(a), failing = 0;
    l4r_audit_severity worst = L4R_AUDIT_SKIPPED;
    for (size_t k = 0; k < n; k++) {
        const l4r_audit_finding *f = l4r_audit_get(a, k);
        if (f->severity > worst)
            worst = f->severity;
        failing += (int)f->severity >= threshold;
    }
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "dir", json_string(dir));
        json_object_set_new(o, "format", json_string(l4r_audit_format(a)));
        json_object_set_new(o, "detected", json_boolean(detected));
        json_t *also = json_array();
        const char *s = l4r_audit_also(a);
        while (*s) {
            const char *c = strchr(s, ',');
            size_t l = c ? (size_t)(c - s) : strlen(s);
            json_array_append_new(also, json_stringn(s, l));
            s += l + (c != NULL);
        }
        json_object_set_new(o, "also_present", also);
        json_object_set_new(o, "files", json_string(l4r_audit_files(a)));
        json_t *r = json_object();
        json_object_set_new(r, "train", json_integer((json_int_t)rows[0]));
        json_object_set_new(r, "valid", json_integer((json_int_t)rows[1]));
        json_object_set_new(r, "test", json_integer((json_int_t)rows[2]));
        json_object_set_new(o, "rows", r);
        json_object_set_new(o, "users", json_integer((json_int_t)users));
        json_object_set_new(o, "items", json_integer((json_int_t)items));
        json_object_set_new(o, "timestamps", json_boolean(timed));
        json_t *fs = json_array();
        for (size_t k = 0; k < n; k++)
            json_array_append_new(fs, finding_json(l4r_audit_get(a, k)));
        json_object_set_new(o, "findings", fs);
        json_object_set_new(o, "worst", json_string(l4r_audit_severity_name(worst)));
        json_object_set_new(o, "fail_on", json_string(fail_on));
        json_object_set_new(o, "failed", json_boolean(failing > 0));
        char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        json_decref(o);
        if (!text)
            l4r_cli_oom();
        printf("%s\n", text);
        free(text);
    } else {
        printf("audit of '%s': %s layout (%s)", dir, l4r_audit_format(a), detected ? "detected" : "--format");
        if (*l4r_audit_also(a))
            printf("; also present: %s", l4r_audit_also(a));
        printf("\nfiles: %s\nrows: train %zu, valid %zu, test %zu; %zu users, %zu items; timestamps: %s\n\n",
               l4r_audit_files(a), rows[0], rows[1], rows[2], users, items, timed ? "yes" : "no");
        printf("%-24s %-8s %s\n", "check", "severity", "numbers");
        for (size_t k = 0; k < n; k++) {
            const l4r_audit_finding *f = l4r_audit_get(a, k);
            printf("%-24s %-8s %s\n", f->check, l4r_audit_severity_name(f->severity), f->numbers);
            /* the why for what needs attention; the reason a check could not run */
            if (f->severity != L4R_AUDIT_OK)
                printf("%-24s %-8s %s\n", "", "", f->explanation);
        }
        printf("\nverdict: %s (--fail-on %s: %s)\n", l4r_audit_severity_name(worst), fail_on,
               failing ? "fail" : "pass");
    }
    fflush(stdout);
    l4r_audit_free(a);
    if (failing) {
        l4r_msg_error("'%s': %zu finding%s at or above '%s'", dir, failing, failing == 1 ? "" : "s", fail_on);
        return l4r_exit_code(L4R_EFINDING);
    }
    return 0;
}
