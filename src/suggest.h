/*
 * suggest.h — "did you mean": the name closest to a mistyped one (l4r_suggest in
 * include/llm4rec_data.h is the contract; this header only lets the library's own modules
 * include it without the public header's other declarations).
 */
#ifndef L4R_SUGGEST_H
#define L4R_SUGGEST_H

#include <stddef.h>

const char *l4r_suggest(const char *typed, const char *const *cands, size_t n);
/* The optimal-string-alignment (restricted Damerau–Levenshtein) distance of a and b, compared
 * without regard to ASCII case; stops counting at cap + 1. */
size_t l4r_edit_distance(const char *a, const char *b, size_t cap);

#endif
