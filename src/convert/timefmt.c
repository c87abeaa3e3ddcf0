/*
 * timefmt.c — the time formats of the recipes' "time" key (recipe.h l4r_timefmt), parsed to Unix
 * seconds.
 *
 * How: hand-written scanners, one pass over the bytes, no locale, no libc time functions (they
 * would read the time zone and accept what the format does not say).  Dates are proleptic
 * Gregorian, converted with Howard Hinnant's days_from_civil; a date that does not exist (31
 * November, 29 February of a common year) is refused rather than rolled over, and so is a weekday
 * that is not the date's.  Unix times may carry a fraction and a decimal exponent
 * ("1.684742e+12"): the digits are shifted by the exponent as text and read as integers, never
 * through a double, so no digit is lost; the value is floored and a non-zero fraction reported to
 * the caller (the recipe decides whether that is allowed).  Pure functions, safe on any thread.
 */
#include "timefmt.h"

#include <stdint.h>
#include <string.h>

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

/* Larger decimal exponents are refused: no Unix time in seconds or milliseconds needs one, and
 * shifting by them would only produce overflows or fractions of nothing. */
#define MAX_EXPONENT 30

/* A number whose digits are [ip, iend) before the point and [fp, fend) after it, and whose
 * exponent is the text [p, e) after the 'e': the exponent moves the point along the digits.  The
 * digits left of the moved point (zeros past the end) are *v, checked against overflow; a non-zero
 * digit right of it is a fraction. */
static bool shift_exponent(const char *ip, const char *iend, const char *fp, const char *fend, const char *p,
                           const char *e, int64_t *v, bool *fraction)
{
    int64_t exp = 0;
    bool eneg = false;
    if (p < e && (*p == '-' || *p == '+')) {
        eneg = *p == '-';
        p++;
    }
    if (p == e)
        return false;
    for (; p < e; p++) {
        if ((unsigned)(*p - '0') > 9)
            return false;
        if (exp <= MAX_EXPONENT) /* beyond it the value only grows: stop before it overflows */
            exp = exp * 10 + (*p - '0');
    }
    if (exp > MAX_EXPONENT)
        return false;
    const int64_t ni = iend - ip, nd = ni + (fend - fp);
    const int64_t point = ni + (eneg ? -exp : exp); /* digits left of the point; may be <= 0 or > nd */
    int64_t x = 0;
    bool frac = false;
    for (int64_t k = 0; k < nd || k < point; k++) {
        int dig = k >= nd ? 0 : (k < ni ? ip[k] : fp[k - ni]) - '0';
        if (k < point) {
            if (x > (INT64_MAX - 9) / 10)
                return false;
            x = x * 10 + dig;
        } else if (dig) {
            frac = true;
            break; /* the remaining digits change nothing */
        }
    }
    *v = x;
    *fraction = frac;
    return true;
}

/* Unix seconds (div 1) or milliseconds (div 1000): [+-]DIGITS[.DIGITS][(e|E)[+-]DIGITS], as
 * "964982703", "1588687728923.0" or KuaiSAR's "1.684742e+12".  Without an exponent the integer
 * digits are the value (one pass, the common case); with one, shift_exponent reads the digits
 * again around the moved point.  A non-zero fraction sets *fraction and the value is floored; then
 * floor division by `div`.  NaN and infinities do not start with a digit and are refused. */
static bool parse_unix(const char *p, size_t n, int64_t div, int64_t *out, bool *fraction)
{
    const char *e = p + n;
    bool neg = false;
    if (p < e && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    const char *ip = p;
    int64_t v = 0;
    bool big = false; /* too many integer digits, unless a negative exponent shifts them away */
    while (p < e && (unsigned)(*p - '0') <= 9) {
        if (v > (INT64_MAX - 9) / 10)
            big = true;
        else
            v = v * 10 + (*p - '0');
        p++;
    }
    const char *iend = p, *fp = p, *fend = p;
    if (iend == ip)
        return false;
    bool frac = false;
    if (p < e && *p == '.') {
        fp = ++p;
        while (p < e && (unsigned)(*p - '0') <= 9) {
            frac = frac || *p != '0';
            p++;
        }
        fend = p;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        if (!shift_exponent(ip, iend, fp, fend, p + 1, e, &v, &frac))
            return false;
    } else if (p != e || big) {
        return false;
    }
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

static const char *const month_names[12] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
static const char *const weekday_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* A run of ASCII letters at *p (advancing); its length. */
static size_t word(const char **p, const char *end)
{
    const char *s = *p;
    while (*p < end && ((**p >= 'A' && **p <= 'Z') || (**p >= 'a' && **p <= 'z')))
        (*p)++;
    return (size_t)(*p - s);
}

/* A month name as the sources write it: its first three letters ("Nov") or, when `full`, also the
 * whole name ("November"); first letter capital, the rest lower case, as in month_names.  *mo
 * gets 1..12. */
static bool month(const char **p, const char *end, bool full, int *mo)
{
    const char *s = *p;
    size_t w = word(p, end);
    for (int m = 0; m < 12; m++) {
        size_t len = strlen(month_names[m]);
        if ((w == 3 || (full && w == len)) && !memcmp(s, month_names[m], w)) {
            *mo = m + 1;
            return true;
        }
    }
    return false;
}

/* Steam v1's review date: ["Posted "]Month D[, YYYY][.] ("Posted November 5, 2011.", "Posted
 * April 21."), UTC midnight.  A date without its year takes `year` (the recipe's "time_year"); with
 * year 0 it is refused. */
static bool parse_posted(const char *p, const char *e, int year, int64_t *out)
{
    int y = year, mo, d;
    if (e - p >= 7 && !memcmp(p, "Posted ", 7))
        p += 7;
    if (!month(&p, e, true, &mo) || !expect(&p, e, ' ') || !digits12(&p, e, &d))
        return false;
    if (p < e && *p == ',') {
        p++;
        if (!expect(&p, e, ' ') || !digits(&p, e, 4, &y))
            return false;
    } else if (year <= 0) {
        return false;
    }
    if (p < e && *p == '.')
        p++;
    if (p != e || !valid_ymdhms(y, mo, d, 0, 0, 0))
        return false;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
    return true;
}

/* Goodreads: "Sun Jul 30 07:44:10 -0700 2017" (strftime "%a %b %d %H:%M:%S %z %Y"; the day may
 * also be one digit or space-padded, "Jul  3").  The time is local at the offset, so UTC is the
 * time minus the offset.  The weekday must be the written date's: if it is not, the text is not
 * the format it looks like (or the date is corrupt), and no guess is better than a refusal. */
static bool parse_ctime_offset(const char *p, const char *e, int64_t *out)
{
    int wd = -1, mo, d, h, mi, s, oh, om, y;
    const char *w = p;
    if (word(&p, e) == 3)
        for (int k = 0; k < 7; k++)
            if (!memcmp(w, weekday_names[k], 3))
                wd = k;
    if (wd < 0 || !expect(&p, e, ' ') || !month(&p, e, false, &mo) || !expect(&p, e, ' '))
        return false;
    if (p < e && *p == ' ') { /* "Jul  3" */
        p++;
        if (!digits(&p, e, 1, &d))
            return false;
    } else if (!digits12(&p, e, &d)) {
        return false;
    }
    if (!expect(&p, e, ' ') || !digits(&p, e, 2, &h) || !expect(&p, e, ':') || !digits(&p, e, 2, &mi) ||
        !expect(&p, e, ':') || !digits(&p, e, 2, &s) || !expect(&p, e, ' ') || p == e ||
        (*p != '+' && *p != '-'))
        return false;
    int sign = *p++ == '-' ? -1 : 1;
    if (!digits(&p, e, 2, &oh) || !digits(&p, e, 2, &om) || oh > 23 || om > 59 || !expect(&p, e, ' ') ||
        !digits(&p, e, 4, &y) || p != e || !valid_ymdhms(y, mo, d, h, mi, s))
        return false;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t dow = (days + 4) % 7; /* 1970-01-01 was a Thursday */
    if (dow < 0)
        dow += 7;
    if (dow != wd)
        return false;
    *out = days * 86400 + h * 3600 + mi * 60 + s - sign * (oh * 3600 + om * 60);
    return true;
}

bool l4r_parse_time(const char *p, size_t n, l4r_timefmt fmt, int64_t *out)
{
    bool fraction;
    return l4r_parse_time_y(p, n, fmt, 0, out, &fraction);
}

bool l4r_parse_time_frac(const char *p, size_t n, l4r_timefmt fmt, int64_t *out, bool *fraction)
{
    return l4r_parse_time_y(p, n, fmt, 0, out, fraction);
}

bool l4r_parse_time_y(const char *p, size_t n, l4r_timefmt fmt, int year, int64_t *out, bool *fraction)
{
    const char *e = p + n;
    int y, mo, d, h = 0, mi = 0, s = 0;
    *fraction = false;
    switch (fmt) {
    case L4R_TIME_NONE: *out = 0; return true;
    case L4R_TIME_UNIX_S: return parse_unix(p, n, 1, out, fraction);
    case L4R_TIME_UNIX_MS: return parse_unix(p, n, 1000, out, fraction);
    case L4R_TIME_POSTED: return parse_posted(p, e, year, out);
    case L4R_TIME_CTIME_OFFSET: return parse_ctime_offset(p, e, out);
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
    case L4R_TIME_YYYYMMDD:
        if (n != 8 || !digits(&p, e, 4, &y) || !digits(&p, e, 2, &mo) || !digits(&p, e, 2, &d) ||
            !valid_ymdhms(y, mo, d, 0, 0, 0))
            return false;
        *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400;
        return true;
    case L4R_TIME_MMDD:
        /* the last two digits are the day, the one or two before them the month: 829, 1111 */
        if ((n != 3 && n != 4) || year <= 0 || !digits(&p, e, (int)n - 2, &mo) || !digits(&p, e, 2, &d) ||
            !valid_ymdhms(year, mo, d, 0, 0, 0))
            return false;
        *out = days_from_civil(year, (unsigned)mo, (unsigned)d) * 86400;
        return true;
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
