/* test_trend.c — issue 18: a query year by year (bg_search_trend). Three
 * small reports written by the test, with known counts: passages and
 * occurrences per year against a substring count, a year without a match
 * listed with 0, the rate per 10,000 characters, numbers counted whole, and
 * the filters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "test_util.h"

typedef bgt_fixture fixture;

static const bgt_report reports[] = {
    {"city-gov-2021.txt", "2021年示范市人民政府工作报告\n一、工作回顾\n推进改革，增长33%。\n"},
    {"city-gov-2022.txt", "2022年示范市人民政府工作报告\n一、工作回顾\n稳就业，稳就业是头等大事，增长3%。\n"
                          "二、今年任务\n继续稳就业。\n"},
    {"district-gov-2023.txt", "2023年示范区人民政府工作报告\n一、工作回顾\n持续稳就业，物价涨幅3%左右，另有13%。\n"},
};

static int setup(void **state)
{
    *state = bgt_fixture_new("trend", reports, sizeof reports / sizeof reports[0], 1);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    return bgt_fixture_free(*state);
}

/* Characters of a UTF-8 text (what a year's rate divides by). */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bg_trend *trend(fixture *f, const char *q, const bg_search_options *o)
{
    bg_trend *t = NULL;
    if (bg_search_trend(&t, f->ix, q, o, 0) != 0)
        fail_msg("%s: %s", q, bg_errmsg());
    return t;
}

static void test_counts_per_year(void **state)
{
    fixture *f = *state;
    bg_trend *t = trend(f, "稳就业", NULL);
    assert_int_equal(bg_trend_years(t), 3);
    const int years[] = {2021, 2022, 2023};
    const size_t passages[] = {0, 2, 1}, occurrences[] = {0, 3, 1};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(bg_trend_year(t, i), years[i]);
        assert_int_equal(bg_trend_passages(t, 0, i), passages[i]);
        assert_int_equal(bg_trend_occurrences(t, 0, i), occurrences[i]);
        /* The rate divides by the characters of the report's text: here, of
         * the whole file, its line breaks included. */
        double want = occurrences[i] * 10000.0 / (double)chars(reports[i].text);
        if (fabs(bg_trend_per_10k(t, 0, i) - want) > 1e-9)
            fail_msg("%d: per_10k %f, wanted %f", years[i], bg_trend_per_10k(t, 0, i), want);
    }
    char *json = bg_trend_json(t);
    assert_non_null(strstr(json, "{\"year\":2021,\"passages\":0,\"occurrences\":0,\"per_10k\":0}"));
    assert_non_null(strstr(json, "\"query\":\"稳就业\""));
    bg_free(json);
    bg_trend_free(t);
}

static void test_numbers_whole(void **state)
{
    fixture *f = *state;
    bg_trend *t = trend(f, "3%", NULL);   /* not inside 33% or 13% */
    assert_int_equal(bg_trend_occurrences(t, 0, 0), 0);
    assert_int_equal(bg_trend_occurrences(t, 0, 1), 1);
    assert_int_equal(bg_trend_occurrences(t, 0, 2), 1);
    bg_trend_free(t);
}

static void test_filters(void **state)
{
    fixture *f = *state;
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.year_from = 2022;
    bg_trend *t = trend(f, "稳就业", &o);
    assert_int_equal(bg_trend_years(t), 2);
    assert_int_equal(bg_trend_year(t, 0), 2022);
    bg_trend_free(t);
    o = (bg_search_options)BG_SEARCH_OPTIONS_INIT;
    o.body = "没有这个机关";
    t = trend(f, "稳就业", &o);
    assert_int_equal(bg_trend_years(t), 0);
    bg_trend_free(t);
    /* A query that matches nothing still lists every year. */
    t = trend(f, "量子测绘", NULL);
    assert_int_equal(bg_trend_years(t), 3);
    assert_int_equal(bg_trend_passages(t, 0, 0) + bg_trend_passages(t, 0, 1) + bg_trend_passages(t, 0, 2), 0);
    bg_trend_free(t);
}

/* By body: a series per body, each with every year; two bodies here. */
static void test_by_body(void **state)
{
    fixture *f = *state;
    bg_trend *t = NULL;
    assert_int_equal(bg_search_trend(&t, f->ix, "稳就业", NULL, 1), 0);
    assert_int_equal(bg_trend_series(t), 2);
    assert_string_equal(bg_trend_body(t, 0), "示范区人民政府");
    assert_string_equal(bg_trend_body(t, 1), "示范市人民政府");
    assert_int_equal(bg_trend_years(t), 3);
    /* 示范区 (2023): one occurrence; 示范市 (2021, 2022): three, none in 2023. */
    assert_int_equal(bg_trend_occurrences(t, 0, 2), 1);
    assert_int_equal(bg_trend_occurrences(t, 0, 1), 0);
    assert_true(bg_trend_per_10k(t, 0, 1) < 0);   /* the body has no report that year */
    assert_int_equal(bg_trend_occurrences(t, 1, 1), 3);
    assert_int_equal(bg_trend_occurrences(t, 1, 2), 0);
    char *json = bg_trend_json(t);
    assert_non_null(strstr(json, "\"bodies\":[{\"body\":\"示范区人民政府\",\"years\":[{\"year\":2021"));
    bg_free(json);
    bg_trend_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_per_year),
        cmocka_unit_test(test_numbers_whole),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_by_body),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
