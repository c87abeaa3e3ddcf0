/*
 * tap.h — the tiny unit-test harness.  Each check prints "PASS file:line expr" or
 * "FAIL file:line expr (details)"; tests/run.sh counts these lines.  A test program returns
 * l4r_t_exit() from main (non-zero when any check failed).
 *
 *   T_CHECK(cond)                  boolean
 *   T_EQ_INT(a, b)                 integers, prints both on failure
 *   T_EQ_STR(a, b)                 NUL-terminated strings (NULL allowed)
 *   T_EQ_MEM(a, alen, b, blen)     byte ranges
 */
#ifndef L4R_TAP_H
#define L4R_TAP_H

#include <stdio.h>
#include <string.h>

static int l4r_t_failed;
static int l4r_t_passed;

static inline void l4r_t_report(int ok, const char *file, int line, const char *what, const char *detail)
{
    if (ok) {
        l4r_t_passed++;
        printf("PASS %s:%d %s\n", file, line, what);
    } else {
        l4r_t_failed++;
        printf("FAIL %s:%d %s%s%s\n", file, line, what, detail ? " -- " : "", detail ? detail : "");
    }
    fflush(stdout);
}

#define T_CHECK(c) l4r_t_report(!!(c), __FILE__, __LINE__, #c, NULL)

#define T_EQ_INT(a, b)                                                                                       \
    do {                                                                                                     \
        long long l4r_a_ = (long long)(a), l4r_b_ = (long long)(b);                                          \
        char l4r_d_[128];                                                                                    \
        snprintf(l4r_d_, sizeof l4r_d_, "%lld != %lld", l4r_a_, l4r_b_);                                     \
        l4r_t_report(l4r_a_ == l4r_b_, __FILE__, __LINE__, #a " == " #b, l4r_a_ == l4r_b_ ? NULL : l4r_d_);  \
    } while (0)

#define T_EQ_STR(a, b)                                                                                       \
    do {                                                                                                     \
        const char *l4r_a_ = (a), *l4r_b_ = (b);                                                             \
        int l4r_ok_ = (l4r_a_ && l4r_b_) ? strcmp(l4r_a_, l4r_b_) == 0 : l4r_a_ == l4r_b_;                   \
        char l4r_d_[600];                                                                                    \
        snprintf(l4r_d_, sizeof l4r_d_, "'%.280s' != '%.280s'", l4r_a_ ? l4r_a_ : "(null)",                  \
                 l4r_b_ ? l4r_b_ : "(null)");                                                                \
        l4r_t_report(l4r_ok_, __FILE__, __LINE__, #a " == " #b, l4r_ok_ ? NULL : l4r_d_);                    \
    } while (0)

#define T_EQ_MEM(a, alen, b, blen)                                                                           \
    do {                                                                                                     \
        size_t l4r_al_ = (alen), l4r_bl_ = (blen);                                                           \
        int l4r_ok_ = l4r_al_ == l4r_bl_ && memcmp((a), (b), l4r_al_) == 0;                                  \
        char l4r_d_[600];                                                                                    \
        snprintf(l4r_d_, sizeof l4r_d_, "'%.*s' != '%.*s'", (int)(l4r_al_ > 280 ? 280 : l4r_al_),            \
                 (const char *)(a), (int)(l4r_bl_ > 280 ? 280 : l4r_bl_), (const char *)(b));                \
        l4r_t_report(l4r_ok_, __FILE__, __LINE__, #a " == " #b, l4r_ok_ ? NULL : l4r_d_);                    \
    } while (0)

static inline int l4r_t_exit(void)
{
    return l4r_t_failed ? 1 : 0;
}

#endif
