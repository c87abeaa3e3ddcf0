/*
 * fuzz_time.c — libFuzzer harness for l4r_parse_time_y, every l4r_timefmt.  The first byte modulo
 * 10 chooses the format: 0 none, 1 unix_s, 2 unix_ms, 3 date, 4 datetime, 5 iso8601, 6 mdy_ampm,
 * 7 posted, 8 ctime_offset, 9 posted with the year 2014 for dates without one; the rest is the
 * text.
 *
 * Properties, beyond no crash: a parsed value written back in the format parses to the same value
 * (round trip); a date or date-time in its canonical form ("2019-11-15 10:22:32", "2019-11-15",
 * "2019-11-15T10:22:32Z", "11/15/2019 10:22:32 AM", "Posted November 5, 2011.", "Sun Jul 30
 * 14:44:10 +0000 2017") is written back as exactly that text, so no impossible date (February 31)
 * is quietly moved to another day.  Unix times: the text with its exponent written out
 * positionally ("1.5e3" as "1500") parses to the same value, and of that text the value is the
 * integer part (floored) and a fraction is reported exactly when one of its digits after the
 * point is not zero.  A "posted" date takes the given year only when it writes none, and without
 * a given year it must write one.  A "ctime_offset" time's weekday is that of its local date.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "convert/convert.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char *const months[12] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
static const char *const wdays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

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
    case L4R_TIME_POSTED:
        if (tm.tm_hour || tm.tm_min || tm.tm_sec)
            abort(); /* a date is UTC midnight */
        snprintf(buf, cap, "Posted %s %d, %04d.", months[tm.tm_mon], tm.tm_mday, y);
        return true;
    case L4R_TIME_CTIME_OFFSET:
        snprintf(buf, cap, "%s %.3s %02d %02d:%02d:%02d +0000 %04d", wdays[tm.tm_wday], months[tm.tm_mon],
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, y);
        return true;
    case L4R_TIME_YYYYMMDD: snprintf(buf, cap, "%04d%02d%02d", y, mo, tm.tm_mday); return true;
    case L4R_TIME_MMDD: snprintf(buf, cap, "%d%02d", mo, tm.tm_mday); return true;
    default: break;
    }
    snprintf(buf, cap, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return fmt == L4R_TIME_DATE;
}

/* A Unix time text with its exponent at ex written out: "-1.25e1" as "-12.5", "5e-2" as "0.05".
 * False when it does not fit in cap.  Only called on texts the parser took. */
static bool positional(const char *p, size_t n, const char *ex, char *out, size_t cap)
{
    char digs[256];
    size_t nd = 0, ni = 0, o = 0;
    const char *q = p;
    if (*q == '-' || *q == '+')
        out[o++] = *q++;
    for (; q < ex; q++) {
        if (*q == '.') {
            ni = nd;
            continue;
        }
        if (nd >= sizeof digs)
            return false;
        digs[nd++] = *q;
    }
    if (!memchr(p, '.', (size_t)(ex - p)))
        ni = nd;
    char etext[64];
    size_t el = n - (size_t)(ex + 1 - p);
    if (el >= sizeof etext)
        return false;
    memcpy(etext, ex + 1, el);
    etext[el] = 0;
    long exp = strtol(etext, NULL, 10); /* clamps a long run of digits, which the parser refuses */
    if (exp > 30 || exp < -30)
        abort(); /* an absurd exponent was taken */
    long point = (long)ni + exp;
    if (nd + 40 + o >= cap)
        return false;
    if (point <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (long k = 0; k < -point; k++)
            out[o++] = '0';
        memcpy(out + o, digs, nd);
        o += nd;
    } else if ((size_t)point >= nd) {
        memcpy(out + o, digs, nd);
        o += nd;
        for (size_t k = nd; k < (size_t)point; k++)
            out[o++] = '0';
    } else {
        memcpy(out + o, digs, (size_t)point);
        o += (size_t)point;
        out[o++] = '.';
        memcpy(out + o, digs + point, nd - (size_t)point);
        o += nd - (size_t)point;
    }
    out[o] = 0;
    return true;
}

/* The Unix properties on a positional text x (no exponent) of n bytes that parsed to v. */
static void check_unix(const char *x, size_t n, int64_t v, bool frac, l4r_timefmt fmt)
{
    /* a fraction is reported exactly when a digit after the point is not zero */
    const char *dot = memchr(x, '.', n);
    bool nonzero = false;
    for (const char *q = dot ? dot + 1 : x + n; q < x + n; q++)
        nonzero = nonzero || *q != '0';
    if (frac != nonzero)
        abort();
    /* the integer part, floored */
    char text[64];
    size_t ilen = dot ? (size_t)(dot - x) : n;
    if (ilen >= sizeof text)
        return;
    memcpy(text, x, ilen);
    text[ilen] = 0;
    errno = 0;
    char *e;
    long long whole = strtoll(text, &e, 10);
    if (errno || *e)
        return;
    int64_t div = fmt == L4R_TIME_UNIX_MS ? 1000 : 1;
    /* x = whole + a fraction of the sign's direction; floor(x / div) */
    int64_t w = whole;
    if (frac && text[0] == '-')
        w -= 1; /* x lies in (whole - 1, whole): no multiple of div in between */
    int64_t want = w / div - (w % div < 0);
    if (v != want)
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    static const struct {
        l4r_timefmt fmt;
        int year;
    } sel[12] = {{L4R_TIME_NONE, 0},     {L4R_TIME_UNIX_S, 0},   {L4R_TIME_UNIX_MS, 0},
                 {L4R_TIME_DATE, 0},     {L4R_TIME_DATETIME, 0}, {L4R_TIME_ISO8601, 0},
                 {L4R_TIME_MDY_AMPM, 0}, {L4R_TIME_POSTED, 0},   {L4R_TIME_CTIME_OFFSET, 0},
                 {L4R_TIME_POSTED, 2014}, {L4R_TIME_YYYYMMDD, 0}, {L4R_TIME_MMDD, 2014}};
    unsigned k = data[0] % 12u;
    l4r_timefmt fmt = sel[k].fmt;
    int year = sel[k].year;
    const char *p = (const char *)data + 1;
    size_t n = size - 1;
    int64_t v = 0;
    bool frac = true;
    if (!l4r_parse_time_y(p, n, fmt, year, &v, &frac))
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
        const char *ex = memchr(p, 'e', n);
        if (!ex)
            ex = memchr(p, 'E', n);
        char x[512];
        if (!ex) {
            check_unix(p, n, v, frac, fmt);
        } else if (positional(p, n, ex, x, sizeof x)) {
            int64_t v2;
            bool f2;
            if (!l4r_parse_time_y(x, strlen(x), fmt, 0, &v2, &f2) || v2 != v || f2 != frac)
                abort(); /* the exponent written out is the same number */
            check_unix(x, strlen(x), v, frac, fmt);
        }
    }
    if (fmt == L4R_TIME_POSTED) {
        bool has_year = memchr(p, ',', n) != NULL;
        if (!has_year && !year)
            abort(); /* a date without its year needs one given */
        if (!has_year && (v < 1388534400 || v >= 1420070400))
            abort(); /* then it is in 2014 */
    }
    if (fmt == L4R_TIME_MMDD && (v < 1388534400 || v >= 1420070400 || v % 86400))
        abort(); /* a month and day of the given year, at midnight */
    if (fmt == L4R_TIME_YYYYMMDD && v % 86400)
        abort();
    if (fmt == L4R_TIME_CTIME_OFFSET && n == 30) {
        /* "Sun Jul 30 07:44:10 -0700 2017": the weekday is the local date's */
        int oh = (p[21] - '0') * 10 + (p[22] - '0'), om = (p[23] - '0') * 10 + (p[24] - '0');
        time_t local = (time_t)(v + (p[20] == '-' ? -1 : 1) * (oh * 3600 + om * 60));
        struct tm tm;
        bool leap = p[17] == '6' && p[18] == '0'; /* 23:59:60 is the next day's 00:00:00 */
        if (!leap && gmtime_r(&local, &tm) && memcmp(p, wdays[tm.tm_wday], 3) != 0)
            abort();
    }
    if (!format(v, fmt, buf, sizeof buf))
        return 0;
    int64_t back;
    bool f2;
    if (!l4r_parse_time_y(buf, strlen(buf), fmt, year, &back, &f2) || back != v || f2)
        abort(); /* the round trip */
    /* canonical text comes back as itself */
    if (n < sizeof text) {
        memcpy(text, p, n);
        text[n] = 0;
        bool canonical = false;
        int y, mo, d, h, mi, s;
        char ap[3], mon[16];
        switch (fmt) {
        case L4R_TIME_DATE: canonical = n == 10; break;
        case L4R_TIME_DATETIME: canonical = n == 19 && text[10] == ' '; break;
        case L4R_TIME_ISO8601: canonical = n == 20 && text[10] == 'T' && text[19] == 'Z'; break;
        case L4R_TIME_MDY_AMPM:
            canonical = sscanf(text, "%d/%d/%d %d:%d:%d %2s", &mo, &d, &y, &h, &mi, &s, ap) == 7 &&
                        text[0] != '0' && !strstr(text, "/0") && !strstr(text, " 0") && (ap[0] == 'A' || ap[0] == 'P') &&
                        ap[1] == 'M';
            break;
        case L4R_TIME_POSTED:
            /* "Posted " and the final ".", the month in full, the day unpadded, the year */
            canonical = !strncmp(text, "Posted ", 7) && text[n - 1] == '.' && strchr(text, ',') &&
                        sscanf(text + 7, "%15[A-Za-z]", mon) == 1 && (strlen(mon) > 3 || !strcmp(mon, "May")) &&
                        !strstr(text, " 0");
            break;
        case L4R_TIME_CTIME_OFFSET: canonical = n == 30 && !memcmp(text + 20, "+0000", 5) && text[8] != ' '; break;
        case L4R_TIME_YYYYMMDD: canonical = n == 8; break;
        case L4R_TIME_MMDD: canonical = text[0] != '0'; break;
        default: break;
        }
        /* a leap second (":60") is the next minute's ":00", which is right */
        if (canonical && !strstr(text, ":60") && strcmp(buf, text) != 0)
            abort();
    }
    return 0;
}
