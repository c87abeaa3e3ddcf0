/*
 * fuzz_time.c — libFuzzer harness for l4r_parse_time_frac, every l4r_timefmt (the first byte
 * chooses it; the rest is the text).  Properties, beyond no crash: a parsed value written back in
 * the format parses to the same value (round trip); a date or date-time in its canonical form
 * ("2019-11-15 10:22:32", "2019-11-15", "2019-11-15T10:22:32Z", "11/15/2019 10:22:32 AM") is
 * written back as exactly that text, so no impossible date (February 31) is quietly moved to
 * another day; Unix seconds are the integer part (floored), and a fraction is reported only when
 * one of its digits is not zero.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convert/convert.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* v as text in fmt; false when gmtime cannot or the year is not four digits. */
static bool format(int64_t v, l4r_timefmt fmt, char *buf, size_t cap)
{
    if (fmt == L4R_TIME_UNIX_S) {
        snprintf(buf, cap, "%" PRId64, v);
        return true;
    }
    if (fmt == L4R_TIME_UNIX_MS) {
        if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000)
            return false;
        snprintf(buf, cap, "%" PRId64, v * 1000);
        return true;
    }
    time_t t = (time_t)v;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
        return false;
    int y = tm.tm_year + 1900, mo = tm.tm_mon + 1;
    switch (fmt) {
    case L4R_TIME_DATE:
        if (tm.tm_hour || tm.tm_min || tm.tm_sec)
            break; /* "date" also takes a date-time, which keeps its time of day */
        snprintf(buf, cap, "%04d-%02d-%02d", y, mo, tm.tm_mday);
        return true;
    case L4R_TIME_DATETIME:
        snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        return true;
    case L4R_TIME_ISO8601:
        snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        return true;
    case L4R_TIME_MDY_AMPM: {
        int h = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
        snprintf(buf, cap, "%d/%d/%04d %d:%02d:%02d %s", mo, tm.tm_mday, y, h, tm.tm_min, tm.tm_sec,
                 tm.tm_hour < 12 ? "AM" : "PM");
        return true;
    }
    default: break;
    }
    snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return fmt == L4R_TIME_DATE;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    static const l4r_timefmt fmts[] = {L4R_TIME_NONE,     L4R_TIME_UNIX_S,  L4R_TIME_UNIX_MS,
                                       L4R_TIME_DATE,     L4R_TIME_DATETIME, L4R_TIME_ISO8601,
                                       L4R_TIME_MDY_AMPM};
    l4r_timefmt fmt = fmts[data[0] % 7];
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    int64_t v = 0;
    bool frac = true;
    if (!l4r_parse_time_frac(p, n, fmt, &v, &frac))
        return 0;
    if (fmt == L4R_TIME_NONE) {
        if (v != 0 || frac)
            abort();
        return 0;
    }
    if (frac && fmt != L4R_TIME_UNIX_S && fmt != L4R_TIME_UNIX_MS)
        abort(); /* only Unix times report a fraction */
    char buf[64], text[64];
    if (fmt == L4R_TIME_UNIX_S || fmt == L4R_TIME_UNIX_MS) {
        /* a fraction is reported exactly when a digit after the point is not zero */
        const char *dot = memchr(p, '.', n);
        bool nonzero = false;
        for (const char *q = dot ? dot + 1 : p + n; q < p + n; q++)
            nonzero = nonzero || *q != '0';
        if (frac != nonzero)
            abort();
        /* the integer part, floored */
        size_t ilen = dot ? (size_t)(dot - p) : n;
        if (ilen >= sizeof text)
            return 0;
        memcpy(text, p, ilen);
        text[ilen] = 0;
        errno = 0;
        char *e;
        long long whole = strtoll(text, &e, 10);
        if (errno || *e)
            return 0;
        int64_t div = fmt == L4R_TIME_UNIX_MS ? 1000 : 1;
        /* x = whole + a fraction of the sign's direction; floor(x / div) */
        int64_t w = whole;
        if (frac && text[0] == '-')
            w -= 1; /* x lies in (whole - 1, whole): no multiple of div in between */
        int64_t want = w / div - (w % div < 0);
        if (v != want)
            abort();
    }
    if (!format(v, fmt, buf, sizeof buf))
        return 0;
    int64_t back;
    bool f2;
    if (!l4r_parse_time_frac(buf, strlen(buf), fmt, &back, &f2) || back != v || f2)
        abort(); /* the round trip */
    /* canonical text comes back as itself */
    if (n < sizeof text) {
        memcpy(text, p, n);
        text[n] = 0;
        bool canonical = false;
        int y, mo, d, h, mi, s;
        char ap[3];
        switch (fmt) {
        case L4R_TIME_DATE: canonical = n == 10; break;
        case L4R_TIME_DATETIME: canonical = n == 19 && text[10] == ' '; break;
        case L4R_TIME_ISO8601: canonical = n == 20 && text[10] == 'T' && text[19] == 'Z'; break;
        case L4R_TIME_MDY_AMPM:
            canonical = sscanf(text, "%d/%d/%d %d:%d:%d %2s", &mo, &d, &y, &h, &mi, &s, ap) == 7 &&
                        text[0] != '0' && !strstr(text, "/0") && !strstr(text, " 0") && (ap[0] == 'A' || ap[0] == 'P') &&
                        ap[1] == 'M';
            break;
        default: break;
        }
        /* a leap second (":60") is the next minute's ":00", which is right */
        if (canonical && !strstr(text, ":60") && strcmp(buf, text) != 0)
            abort();
    }
    return 0;
}
