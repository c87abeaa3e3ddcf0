/*
 * fuzz_list.c — libFuzzer harness for the list iterator (l4r_list_begin / l4r_list_next): the
 * input is read as a JSON, a Python and a numpy list in turn.  Checked on every element: its span
 * lies inside the input or inside the scratch buffer (true/false/null come as those words), and
 * a list or object element, which the walk has validated, reads again without error
 * (l4r_list_begin on a list, l4r_json_fields on a JSON object); the iteration ends, and once
 * ended stays ended.  JSON is also checked against jansson: the iterator accepts the input
 * exactly when jansson parses it as an array (apart from the known differences listed in
 * fuzz_json.c: numbers beyond 64 bits or a double, nesting deeper than 512, raw NUL bytes), and
 * then gives as many elements.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "scan/scan.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static size_t depth(const json_t *v)
{
    size_t d = 0;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            size_t c = depth(x);
            d = c > d ? c : d;
        }
        return d + 1;
    }
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            size_t c = depth(json_array_get(v, i));
            d = c > d ? c : d;
        }
        return d + 1;
    }
    return 0;
}

static bool within(l4r_span v, const char *lo, const char *hi)
{
    return v.p >= lo && v.p + v.n <= hi;
}

/* Iterate the whole list; returns its status, *count the elements read. */
static l4r_status run(l4r_list_syntax syn, const char *p, const char *end, size_t *count)
{
    l4r_buf scratch = {0};
    l4r_list_iter it;
    l4r_error e;
    *count = 0;
    l4r_status st = l4r_list_begin(&it, syn, p, end, &scratch, &e);
    bool more = !st;
    while (!st && more) {
        l4r_span v;
        l4r_vkind k;
        st = l4r_list_next(&it, &v, &k, &more, &scratch, &e);
        if (st || !more)
            break;
        (*count)++;
        if (k == L4R_V_BOOL || k == L4R_V_NULL) {
            if (!(v.n == 4 && !memcmp(v.p, "true", 4)) && !(v.n == 5 && !memcmp(v.p, "false", 5)) &&
                !(v.n == 4 && !memcmp(v.p, "null", 4)))
                abort();
        } else if (!within(v, p, end) && !within(v, scratch.data, scratch.data + scratch.len)) {
            abort();
        }
        volatile unsigned sum = 0; /* touch every byte so ASan sees a bad span */
        for (size_t i = 0; i < v.n; i++)
            sum += (unsigned char)v.p[i];
        (void)sum;
        if (k == L4R_V_ARRAY) {
            size_t inner;
            if (run(syn == L4R_LIST_JSON ? L4R_LIST_JSON : L4R_LIST_PYTHON, v.p, v.p + v.n, &inner))
                abort(); /* a validated list that does not read again */
        } else if (k == L4R_V_OBJECT && syn == L4R_LIST_JSON) {
            static const char *const keys[] = {"a"};
            l4r_keyset *ks = l4r_keyset_new(keys, 1);
            l4r_span o[1];
            l4r_vkind ok[1];
            l4r_buf s2 = {0};
            l4r_status fs = l4r_json_fields(v.p, v.p + v.n, ks, o, ok, &s2, &e);
            l4r_buf_free(&s2);
            l4r_keyset_free(ks);
            if (fs)
                abort();
        }
    }
    bool again = true;
    l4r_span v;
    l4r_vkind k;
    if (l4r_list_next(&it, &v, &k, &again, &scratch, &e) != L4R_OK || again)
        abort(); /* an ended iteration must stay ended */
    l4r_buf_free(&scratch);
    return st;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *p = (const char *)data;
    size_t n;
    run(L4R_LIST_PYTHON, p, p + size, &n);
    run(L4R_LIST_NUMPY, p, p + size, &n);
    l4r_status st = run(L4R_LIST_JSON, p, p + size, &n);
    if (memchr(data, 0, size))
        return 0;
    json_error_t je;
    json_t *j = json_loadb(p, size, JSON_ALLOW_NUL, &je);
    if (!j) {
        bool known = strstr(je.text, "too big") || strstr(je.text, "real number overflow") ||
                     strstr(je.text, "maximum parsing depth") || strstr(je.text, "NUL byte in object key");
        if (st == L4R_OK && !known)
            abort(); /* a list jansson calls invalid */
    } else if (!json_is_array(j)) {
        if (st == L4R_OK)
            abort(); /* an object is not a list */
    } else if (depth(j) < 512) {
        if (st != L4R_OK || n != json_array_size(j))
            abort(); /* a valid array refused, or read to another length */
    }
    json_decref(j);
    return 0;
}
