/*
 * timefmt.h — time values of a source (recipe "time": unix_s, unix_ms, date, datetime, iso8601,
 * mdy_ampm) to Unix seconds.  Pure functions of their input, safe on any thread.
 */
#ifndef L4R_TIMEFMT_H
#define L4R_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recipe.h"

/* Parse a time value to Unix seconds.  Returns false when the text does not match fmt.  A Unix
 * time with a non-zero fraction ("964982703.7") is floored; l4r_parse_time_frac also sets
 * *fraction then (a zero fraction, "964982703.0", is whole). */
bool l4r_parse_time(const char *p, size_t n, l4r_timefmt fmt, int64_t *out);
bool l4r_parse_time_frac(const char *p, size_t n, l4r_timefmt fmt, int64_t *out, bool *fraction);

#endif
