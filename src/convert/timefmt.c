/*
 * timefmt.c — the time formats of the recipes' "time" key (recipe.h l4r_timefmt), parsed to Unix
 * seconds.
 *
 * How: hand-written scanners, one pass over the bytes, no locale, no libc time functions (they
 * would read the time zone and accept what the format does not say).  Dates are proleptic
 * Gregorian, converted with Howard Hinnant's days_from_civil; a date that does not exist (31
 * November, 29 February of a common year) is refused rather than rolled over.  Unix times may
 * carry a fraction, which is floored and reported to the caller (the recipe decides whether that
 * is allowed).  Pure functions, safe on any thread.
 */
#include "timefmt.h"

#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly `w` digits at *p (advancing); false if not digits. */
static bool digits(const char **p, const char *end, int w, int *out)
{
    int v = 0;
    for (int i = 0; i < w; i++) {
        if (*p >= end || (unsigned)(**p - '0') > 9)
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

/* 1 or 2 digits (MIND's month/day/hour are not zero-padded). */
static bool digits12(const char **p, const char *end, int *out)
{
    if (!digits(p, end, 1, out))
        return false;
    if (*p < end && (unsigned)(**p - '0') <= 9) {
        *out = *out * 10 + (**p - '0');
        (*p)++;
    }
    return true;
}

static bool expect(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c)
        return false;
    (*p)++;
    return true;
}

/* A real date (no 31 November, 29 February only in a leap year) and time (60: a leap second). */
static bool valid_ymdhms(int y, int mo, int d, int h, int mi, int s)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
        return false;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return false;
    return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

/* Integer with an optional fraction ("964982703", "1.5e9" is not accepted); floor division by
 * `div` for milliseconds.  *frac tells whether the fraction had a non-zero digit (the value is
 * floored then). */
static bool parse_unix(const char *p, size_t n, int64_t div, int64_t *out, bool *fraction)
{
    const char *e = p + n;
    bool neg = false;
    if (p < e && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    if (p == e || (unsigned)(*p - '0') > 9)
        return false;
    int64_t v = 0;
    while (p < e && (unsigned)(*p - '0') <= 9) {
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p++ - '0');
    }
    bool frac = false;
    if (p < e && *p == '.') {
        p++;
        while (p < e && (unsigned)(*p - '0') <= 9) {
            frac = frac || *p != '0';
            p++;
        }
    }
    if (p != e)
        return false;
    *fraction = frac;
    if (neg) {
        v = -v;
        if (frac)
            v -= 1; /* floor of a negative value with a fraction */
    }
    int64_t q = v / div;
    if (v % div < 0)
        q -= 1;
    *out = q;
    return true;
}

bool l4r_parse_time(const char *p, size_t n, l4r_timefmt fmt, int64_t *out)
{
    bool fraction;
    return l4r_parse_time_frac(p, n, fmt, out, &fraction);
}

bool l4r_parse_time_frac(const char *p, size_t n, l4r_timefmt fmt, int64_t *out, bool *fraction)
{
    const char *e = p + n;
    int y, mo, d, h = 0, mi = 0, s = 0;
    *fraction = false;
    switch (fmt) {
    case L4R_TIME_NONE: *out = 0; return true;
    case L4R_TIME_UNIX_S: return parse_unix(p, n, 1, out, fraction);
    case L4R_TIME_UNIX_MS: return parse_unix(p, n, 1000, out, fraction);
    case L4R_TIME_DATE:
    case L4R_TIME_DATETIME:
    case L4R_TIME_ISO8601: {
        if (!digits(&p, e, 4, &y) || !expect(&p, e, '-') || !digits(&p, e, 2, &mo) || !expect(&p, e, '-') ||
            !digits(&p, e, 2, &d))
            return false;
        int64_t off = 0;
        if (p < e && (*p == ' ' || *p == 'T')) {
            p++;
            if (!digits(&p, e, 2, &h) || !expect(&p, e, ':') || !digits(&p, e, 2, &mi) ||
                !expect(&p, e, ':') || !digits(&p, e, 2, &s))
                return false;
            if (p < e && *p == '.') { /* fractional seconds are dropped */
                p++;
                while (p < e && (unsigned)(*p - '0') <= 9)
                    p++;
            }
            if (p < e && *p == 'Z') {
                p++;
            } else if (p < e && (*p == '+' || *p == '-')) {
                int sign = *p == '-' ? -1 : 1, oh, om;
                p++;
                if (!digits(&p, e, 2, &oh))
                    return false;
                if (p < e && *p == ':')
                    p++;
                if (!digits(&p, e, 2, &om))
                    return false;
                off = sign * (oh * 3600 + om * 60);
            }
        } else if (fmt != L4R_TIME_DATE) {
            return false;
        }
        if (p != e || !valid_ymdhms(y, mo, d, h, mi, s))
            return false;
        *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s - off;
        return true;
    }
    case L4R_TIME_MDY_AMPM: {
        /* 11/15/2019 10:22:32 AM */
        if (!digits12(&p, e, &mo) || !expect(&p, e, '/') || !digits12(&p, e, &d) || !expect(&p, e, '/') ||
            !digits(&p, e, 4, &y) || !expect(&p, e, ' ') || !digits12(&p, e, &h) || !expect(&p, e, ':') ||
            !digits(&p, e, 2, &mi) || !expect(&p, e, ':') || !digits(&p, e, 2, &s) || !expect(&p, e, ' '))
            return false;
        if (e - p != 2 || (p[1] != 'M' && p[1] != 'm'))
            return false;
        bool pm = p[0] == 'P' || p[0] == 'p';
        if (!pm && p[0] != 'A' && p[0] != 'a')
            return false;
        if (h < 1 || h > 12)
            return false;
        h = h % 12 + (pm ? 12 : 0);
        if (!valid_ymdhms(y, mo, d, h, mi, s))
            return false;
        *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
        return true;
    }
    }
    return false;
}
