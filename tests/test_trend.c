/* test_trend.c — issue 18: a query year by year (bg_search_trend). Three
 * small reports written by the test, with known counts: passages and
 * occurrences per year against a substring count, a year without a match
 * listed with 0, the rate per 10,000 characters, numbers counted whole, and
 * the filters. Then the occurrences counted from the index's terms against
 * those counted in the passages' text (BGI_TREND_SCAN), over reports made
 * to trip them: occurrences that touch (the highlighter merges them), a
 * string overlapping itself, numbers inside numbers, a copy, a body filter,
 * and the counts after removing and indexing again. */
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
#include "search_priv.h"
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

/* An OR counts its items as written: 2021 says 推进改革，增长33% — 推进 and
 * 增长 apart, which a search that is not strict finds for 推进增长 — and
 * neither item; a strict search finds only the passages holding one. */
static void test_or_as_written(void **state)
{
    fixture *f = *state;
    bg_trend *t = trend(f, "稳就业 OR 推进增长", NULL);
    const size_t passages[] = {0, 2, 1}, occurrences[] = {0, 3, 1};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(bg_trend_passages(t, 0, i), passages[i]);
        assert_int_equal(bg_trend_occurrences(t, 0, i), occurrences[i]);
    }
    bg_trend_free(t);
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.strict = 1;
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, f->ix, "稳就业 OR 推进增长", &o), 0);
    assert_int_equal(bg_results_total(res), 3);
    bg_results_free(res);
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


/* ---- occurrences from the index's terms against the passages' text ---- */

static const bgt_report tricky[] = {
    {"示范市-2021.txt", "2021年示范市人民政府工作报告\n一、工作回顾\n发展发展，发展。优化营商环境营商环境。"
                       "增长3%，另有33%和3.3%，3%3%。\n二、今年任务\n人人人都要发展。\n⑴⑴加快推进。\n"},
    {"示范市-2022.txt", "2022年示范市人民政府工作报告\n一、工作回顾\n推动高质量发展，发展是第一要务。"
                       "电子证照互认。增长6.5%左右。\n"},
    /* The same bytes again: its passages are copies, counted once. */
    {"示范市-2022-转载.txt", "2022年示范市人民政府工作报告\n一、工作回顾\n推动高质量发展，发展是第一要务。"
                            "电子证照互认。增长6.5%左右。\n"},
    /* Occurrences side by side with punctuation between do not touch;
     * 稳就业稳增长 does (one range for the highlighter). */
    {"示范区-2023.txt", "2023年示范区人民政府工作报告\n一、工作回顾\n发展新质生产力，发展。5G网络和5G基站。"
                       "营商环境持续优化。\n营商环境，营商环境。稳就业、稳增长。\n稳就业稳增长。\n"},
};

static const char *const tricky_queries[] = {
    "发展", "营商环境", "3%", "33%", "3.3%", "人人", "人人人", "电子证照", "6.5%", "5G", "5G网络", "新质生产力",
    "高质量发展", "发展 营商环境", "\"发展\"", "发展发展", "展发", "工作报告", "人民政府", "量子测绘",
    "发展 OR 营商环境", "发展 -营商环境", "的", "1", "(1)", "稳就业 稳增长", "稳增长 稳就业", "稳就业稳增长", "就业 增长",
    "稳就业 OR 稳增长", "人人 OR 人人人", "发展 OR 发展发展", "3% OR 33%", "营商环境 (发展 OR 电子证照)",
    "5G OR 6.5%", "量子测绘 OR 营商环境", "发展 OR 发展",
};

/* The trend of q both ways: AUTO (terms where it can) and SCAN (the
 * text), whose JSON must be the same; returns the AUTO one. The work the
 * AUTO trend did goes to *terms and *text. */
static bg_trend *both_ways(fixture *f, const char *q, const bg_search_options *o, int by_body, size_t *terms,
                           size_t *text)
{
    bg_trend *a = NULL, *b = NULL;
    if (bgi_search_trend_counted(&a, f->ix, q, o, by_body, BGI_TREND_AUTO) != 0
        || bgi_search_trend_counted(&b, f->ix, q, o, by_body, BGI_TREND_SCAN) != 0)
        fail_msg("%s: %s", q, bg_errmsg());
    char *ja = bg_trend_json(a), *jb = bg_trend_json(b);
    if (strcmp(ja, jb) != 0)
        fail_msg("%s (by body %d): from the terms %s, from the text %s", q, by_body, ja, jb);
    size_t t2 = 0, x2 = 0;
    bgi_trend_work(a, terms, text);
    bgi_trend_work(b, &t2, &x2);
    assert_int_equal(t2, 0);   /* the scan reads every passage */
    bg_free(ja);
    bg_free(jb);
    bg_trend_free(b);
    return a;
}

/* Occurrences of year (0: all years) in series 0. */
static size_t occurrences_of(const bg_trend *t, int year)
{
    size_t n = 0;
    for (size_t i = 0; i < bg_trend_years(t); i++)
        if (!year || bg_trend_year(t, i) == year)
            n += bg_trend_occurrences(t, 0, i);
    return n;
}

/* A fixture of its own with the tricky reports (the tests change it). */
static fixture *tricky_fixture(const char *tag)
{
    fixture *f = bgt_fixture_new(tag, tricky, sizeof tricky / sizeof tricky[0], 1);
    if (!f)
        fail_msg("cannot index the reports");
    return f;
}

static void test_terms_agree_with_text(void **state)
{
    (void)state;
    fixture *f = tricky_fixture("trendfast");
    if (!f)
        return;
    bg_search_options body = BG_SEARCH_OPTIONS_INIT, years = BG_SEARCH_OPTIONS_INIT,
                      copies = BG_SEARCH_OPTIONS_INIT;
    body.body = "示范区人民政府";
    years.year_from = 2022;
    copies.all_copies = 1;
    const bg_search_options *opts[] = {NULL, &body, &years, &copies};
    for (size_t i = 0; i < sizeof tricky_queries / sizeof tricky_queries[0]; i++)
        for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
            for (int by_body = 0; by_body < 2; by_body++) {
                size_t terms, text;
                bg_trend_free(both_ways(f, tricky_queries[i], opts[k], by_body, &terms, &text));
            }
    /* Known counts, and which way they were counted. */
    size_t terms, text;
    bg_trend *t = both_ways(f, "发展", NULL, 0, &terms, &text);
    /* 发展发展 touch: the highlighter marks them as one. */
    assert_int_equal(occurrences_of(t, 2021), 3);
    assert_int_equal(occurrences_of(t, 2022), 2);   /* the copy once */
    assert_int_equal(occurrences_of(t, 2023), 2);
    assert_true(terms >= 2);   /* 2022's and 2023's passages: from their terms */
    assert_true(text >= 1);    /* 发展发展: in the text */
    bg_trend_free(t);
    t = both_ways(f, "营商环境", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2021), 1);   /* 营商环境营商环境 */
    assert_int_equal(occurrences_of(t, 2023), 3);   /* 营商环境，营商环境: two */
    assert_int_equal(terms, 2);
    assert_int_equal(text, 1);
    bg_trend_free(t);
    t = both_ways(f, "稳就业 稳增长", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2023), 3);   /* 稳就业、稳增长: two; 稳就业稳增长: one */
    assert_int_equal(terms, 1);
    assert_int_equal(text, 1);
    bg_trend_free(t);
    t = both_ways(f, "3%", NULL, 0, &terms, &text);   /* 3%3% touch; 33% and 3.3% are other numbers */
    assert_int_equal(occurrences_of(t, 2021), 2);
    bg_trend_free(t);
    /* NFKC makes ⑴⑴ (1)(1): the two 1s touch in the original text. */
    t = both_ways(f, "1", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2021), 1);
    assert_int_equal(text, 1);
    bg_trend_free(t);
    t = both_ways(f, "人人", NULL, 0, &terms, &text);   /* 人人人: once, left to right */
    assert_int_equal(occurrences_of(t, 2021), 1);
    assert_int_equal(terms, 1);
    bg_trend_free(t);
    t = both_ways(f, "5G", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2023), 2);
    assert_int_equal(terms, 1);
    assert_int_equal(text, 0);
    bg_trend_free(t);
    t = both_ways(f, "6.5%", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 0), 1);
    assert_int_equal(terms, 1);
    bg_trend_free(t);
    /* The body filter: 示范区 (2023) alone. */
    t = both_ways(f, "营商环境", &body, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 0), 3);
    assert_int_equal(terms, 2);
    bg_trend_free(t);
    /* With every copy: the copy's passages count too. */
    t = both_ways(f, "电子证照", &copies, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2022), 2);
    assert_int_equal(terms, 2);
    bg_trend_free(t);
    /* An OR too is counted from the terms (its items match as written),
     * but for the passages where occurrences touch (发展发展). */
    t = both_ways(f, "发展 OR 营商环境", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2021), 4);   /* 发展发展 once, 发展 twice more, 营商环境营商环境 once */
    assert_true(terms >= 2);
    assert_true(text >= 1);
    bg_trend_free(t);
    assert_int_equal(bgt_fixture_free(f), 0);
}

/* Removing a report and indexing it again: the terms say what the index
 * holds now, so the counts follow (the copy stands for the text once the
 * first is gone). */
static void test_terms_after_removal(void **state)
{
    (void)state;
    fixture *f = tricky_fixture("trendrm");
    if (!f)
        return;
    char path[192];
    size_t terms, text;
    snprintf(path, sizeof path, "%s/%s", f->dir, tricky[1].name);
    assert_int_equal(bg_index_remove_file(f->ix, path), 0);
    assert_int_equal(bg_index_commit(f->ix), 0);
    bg_trend *t = both_ways(f, "发展", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2022), 2);   /* the copy now */
    bg_trend_free(t);
    char copy[192];
    snprintf(copy, sizeof copy, "%s/%s", f->dir, tricky[2].name);
    assert_int_equal(bg_index_remove_file(f->ix, copy), 0);
    assert_int_equal(bg_index_commit(f->ix), 0);
    t = both_ways(f, "发展", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2022), 0);
    assert_int_equal(occurrences_of(t, 2021), 3);
    bg_trend_free(t);
    /* Indexed again, edited: two more. */
    assert_int_equal(bgt_write_report(path, sizeof path, f->dir, tricky[1].name,
                                      "2022年示范市人民政府工作报告\n一、工作回顾\n发展，再发展，还是发展。"
                                      "推动高质量发展。\n"),
                     0);
    int status = 0;
    assert_int_equal(bg_index_add_file(&status, NULL, f->ix, path, NULL), 0);
    assert_int_equal(bg_index_commit(f->ix), 0);
    t = both_ways(f, "发展", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 2022), 4);
    assert_true(terms >= 1);
    bg_trend_free(t);
    t = both_ways(f, "电子证照", NULL, 0, &terms, &text);
    assert_int_equal(occurrences_of(t, 0), 0);
    bg_trend_free(t);
    assert_int_equal(bgt_fixture_free(f), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_per_year),
        cmocka_unit_test(test_numbers_whole),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_by_body),
        cmocka_unit_test(test_or_as_written),
        cmocka_unit_test(test_terms_agree_with_text),
        cmocka_unit_test(test_terms_after_removal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
