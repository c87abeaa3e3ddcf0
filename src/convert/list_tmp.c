#include "scan/scan.h"
l4r_status l4r_list_begin(l4r_list_iter *it, l4r_list_syntax syn, const char *p, const char *end,
                          l4r_buf *scratch, l4r_error *e)
{
    (void)it;
    (void)syn;
    (void)p;
    (void)end;
    (void)scratch;
    return l4r_err(e, L4R_EPARSE, "TEMP");
}
l4r_status l4r_list_next(l4r_list_iter *it, l4r_span *out, l4r_vkind *kind, bool *more, l4r_buf *scratch,
                         l4r_error *e)
{
    (void)it;
    (void)out;
    (void)kind;
    (void)more;
    (void)scratch;
    return l4r_err(e, L4R_EPARSE, "TEMP");
}
