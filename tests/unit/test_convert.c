/* Unit tests for the converter's pieces: time parsing and text normalisation. */
#include "convert/convert.h"
#include "tap.h"

static int64_t t(const char *s, l4r_timefmt f, int *ok)
{
    int64_t v = -12345;
    *ok = l4r_parse_time(s, strlen(s), f, &v);
    return v;
}

static void test_time(void)
{
    int ok;
    T_EQ_INT(t("978300760", L4R_TIME_UNIX_S, &ok), 978300760);
    T_CHECK(ok);
    T_EQ_INT(t("964982703.0", L4R_TIME_UNIX_S, &ok), 964982703);
    T_CHECK(ok);
    T_EQ_INT(t("1588687728923", L4R_TIME_UNIX_MS, &ok), 1588687728);
    T_CHECK(ok);
    T_EQ_INT(t("-1500", L4R_TIME_UNIX_MS, &ok), -2); /* floor, not truncation */
    T_CHECK(ok);
    t("12a", L4R_TIME_UNIX_S, &ok);
    T_CHECK(!ok);
    t("", L4R_TIME_UNIX_S, &ok);
    T_CHECK(!ok);
    t("99999999999999999999999", L4R_TIME_UNIX_S, &ok);
    T_CHECK(!ok);
    T_EQ_INT(t("1970-01-01", L4R_TIME_DATE, &ok), 0);
    T_CHECK(ok);
    T_EQ_INT(t("2014-01-30", L4R_TIME_DATE, &ok), 1391040000); /* Amazon 2014 sample line */
    T_CHECK(ok);
    T_EQ_INT(t("2000-02-29", L4R_TIME_DATE, &ok), 951782400);
    T_CHECK(ok);
    T_EQ_INT(t("2018-01-01 10:01:02", L4R_TIME_DATETIME, &ok), 1514800862);
    T_CHECK(ok);
    T_EQ_INT(t("2010-10-19T23:55:27Z", L4R_TIME_ISO8601, &ok), 1287532527);
    T_CHECK(ok);
    T_EQ_INT(t("2017-07-30T07:44:10-07:00", L4R_TIME_ISO8601, &ok), 1501425850);
    T_CHECK(ok);
    T_EQ_INT(t("11/15/2019 10:22:32 AM", L4R_TIME_MDY_AMPM, &ok), 1573813352);
    T_CHECK(ok);
    T_EQ_INT(t("11/15/2019 12:05:00 AM", L4R_TIME_MDY_AMPM, &ok), 1573776300);
    T_CHECK(ok);
    T_EQ_INT(t("1/5/2019 12:00:00 PM", L4R_TIME_MDY_AMPM, &ok), 1546689600);
    T_CHECK(ok);
    t("2019-13-01", L4R_TIME_DATE, &ok);
    T_CHECK(!ok);
    t("2019-01-01 25:00:00", L4R_TIME_DATETIME, &ok);
    T_CHECK(!ok);
    t("13/15/2019 10:22:32 AM", L4R_TIME_MDY_AMPM, &ok);
    T_CHECK(!ok);
}

static void test_text(void)
{
    l4r_buf b = {0};
    T_CHECK(l4r_append_text(&b, "Mis\xe9rables", 10, L4R_ENC_LATIN1));
    T_EQ_MEM(b.data, b.len, "Mis\xc3\xa9rables", 11);
    l4r_buf_reset(&b);
    T_CHECK(l4r_append_text(&b, "a\tb\nc\rd", 7, L4R_ENC_UTF8));
    T_EQ_MEM(b.data, b.len, "a b c d", 7);
    l4r_buf_reset(&b);
    T_CHECK(l4r_append_text(&b, "\x93quoted\x94 \x80", 10, L4R_ENC_CP1252));
    T_EQ_MEM(b.data, b.len, "\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac", 16);
    l4r_buf_reset(&b);
    T_CHECK(l4r_append_text(&b, "caf\xc3\xa9 \xf0\x9f\x98\x80", 10, L4R_ENC_UTF8));
    T_EQ_MEM(b.data, b.len, "caf\xc3\xa9 \xf0\x9f\x98\x80", 10);
    l4r_buf_reset(&b);
    T_CHECK(!l4r_append_text(&b, "caf\xe9", 4, L4R_ENC_UTF8));      /* Latin-1 byte in UTF-8 */
    T_CHECK(!l4r_append_text(&b, "\xed\xa0\x80", 3, L4R_ENC_UTF8)); /* surrogate */
    T_CHECK(!l4r_append_text(&b, "\xc0\xaf", 2, L4R_ENC_UTF8));     /* overlong */
    T_CHECK(!l4r_append_text(&b, "\xe2\x82", 2, L4R_ENC_UTF8));     /* truncated */
    l4r_buf_free(&b);
}

int main(void)
{
    test_time();
    test_text();
    return l4r_t_exit();
}
