/*
 * timefmt.h — time values of a source (recipe "time": unix_s, unix_ms, date, datetime, iso8601,
 * mdy_ampm, posted, ctime_offset) to Unix seconds.  Pure functions of their input, safe on any
 * thread.
 */
#ifndef L4R_TIMEFMT_H
#define L4R_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recipe.h"

/* Parse a time value to Unix seconds.  Returns false when the text does not match fmt.  A Unix
 * time with a non-zero fraction ("964982703.7", "1.6847424001235e+12" ms) is floored and
 * *fraction set (a zero fraction, "964982703.0", is whole).  `year` (1..9999, 0 for none) is the
 * year of a "posted" date that does not write one (the recipe's "time_year"); without it such a
 * date is refused.  Other formats ignore it. */
bool l4r_parse_time_y(const char *p, size_t n, l4r_timefmt fmt, int year, int64_t *out, bool *fraction);
/* The same with no year: l4r_parse_time_y(p, n, fmt, 0, out, fraction). */
bool l4r_parse_time_frac(const char *p, size_t n, l4r_timefmt fmt, int64_t *out, bool *fraction);
/* The same, the fraction not reported. */
bool l4r_parse_time(const char *p, size_t n, l4r_timefmt fmt, int64_t *out);

#endif
