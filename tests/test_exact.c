/* test_exact.c — issue 16: queries mean what people type. Numbers and
 * symbols are tokens of their own (3% is not found in 33%, 3.5% not in
 * 13.5%, 互联网+ needs its +, a quoted "3%左右" is exact) and highlighting
 * marks only what matched; the matching strategy (exact matches first, then
 * all words in any order, then most of them, each hit saying which, and
 * strict turning it off); and source finding (a pasted sentence over 128
 * characters finds its passage first, with other punctuation too). One small
 * report written by the test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baogao.h"

static const char *const lines[] = {
    "一、数字",
    "居民消费价格涨幅3%左右。",                        /* 1 */
    "城镇调查失业率33%以内，另有13%的增长。",          /* 2: no 3% */
    "国内生产总值增长3.5%，财政赤字率2.3%。",          /* 3: 3.5%, not 3% */
    "存款利率13.5%，不是那个数。",                     /* 4: no 3.5% */
    "增长3%以内，物价50%左右。",                       /* 5: 3% but not 3%左右 */
    "二、互联网",
    "推进互联网+政务服务，建设数字政府。",             /* 7: 互联网+ */
    "互联网平台经济健康发展。",                        /* 8: 互联网 without + */
    "三、改革",
    "深化国有企业改革，做强做优做大国有资本。",        /* 10: exact */
    "国有企业改革三年行动方案基本完成。",              /* 11: 国有企业 改革, no 深化 */
    "改革要深化，国有企业要做强。",                    /* 12: all words apart */
    "深化改革开放，扩大高水平对外开放。",              /* 13: 深化 改革 (most) */
    "四、长段落",
    "我们要坚持以人民为中心的发展思想，着力保障和改善民生，加强普惠性、基础性、兜底性民生建设，"
    "解决好人民群众急难愁盼问题，稳步提高居民收入水平，促进就业扩容提质，完善收入分配制度，"
    "健全多层次社会保障体系，推动社会事业发展，让现代化建设成果更多更公平惠及全体人民。"
    "加快建设教育强国、科技强国、人才强国，办好人民满意的教育，深化医药卫生体制改革，"
    "推进健康中国建设，实施积极应对人口老龄化国家战略。",   /* 15: over 128 characters */
    "我们要坚持以人民为中心的发展思想，加强民生建设，推动社会事业发展。",                 /* 16: shares a start */
};

typedef struct fixture {
    char dir[64];
    bg_index *ix;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_exact_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    char path[128], db[128];
    snprintf(path, sizeof path, "%s/test-report-2024.txt", f->dir);
    snprintf(db, sizeof db, "%s/index", f->dir);
    FILE *fp = fopen(path, "w");
    for (size_t i = 0; fp && i < sizeof lines / sizeof lines[0]; i++)
        fprintf(fp, "%s\n", lines[i]);
    if (!fp || fclose(fp) || bg_index_open(&f->ix, db, BG_OPEN_WRITE | BG_OPEN_CREATE))
        return -1;
    int status = 0;
    if (bg_index_add_file(&status, NULL, f->ix, path, NULL))
        return -1;
    /* Another year, with all the words of 深化国有企业改革 apart: the tiers
     * must keep to a year filter as the exact search does. */
    snprintf(path, sizeof path, "%s/test-report-2023.txt", f->dir);
    fp = fopen(path, "w");
    if (!fp || fputs("一、改革\n国有企业要改革，改革要深化。\n深化国企改革，推进混合所有制改革。\n", fp) < 0 || fclose(fp)
        || bg_index_add_file(&status, NULL, f->ix, path, NULL) || bg_index_commit(f->ix))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bg_index_free(f->ix);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static bg_results *search(fixture *f, const char *q, int strict, size_t limit)
{
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.strict = strict;
    o.limit = limit;
    bg_results *res = NULL;
    if (bg_search_run(&res, f->ix, q, &o) != 0)
        fail_msg("%s: %s", q, bg_errmsg());
    return res;
}

/* The lines (1-based in lines[] order, 0-based + 1 in the report) of the
 * hits, as a bit set. */
static unsigned long hit_lines(const bg_results *res)
{
    unsigned long set = 0;
    for (size_t i = 0; i < bg_results_count(res); i++)
        set |= 1ul << (bg_hit_line(bg_results_hit(res, i)) - 1);
    return set;
}

static void expect_lines(fixture *f, const char *q, unsigned long want)
{
    bg_results *res = search(f, q, 1, 100);
    if (hit_lines(res) != want)
        fail_msg("%s: lines %#lx, wanted %#lx", q, hit_lines(res), want);
    assert_int_equal(bg_results_total(res), (size_t)__builtin_popcountl(want));
    bg_results_free(res);
}

#define L(n) (1ul << (n))

static void test_numbers_are_tokens(void **state)
{
    fixture *f = *state;
    expect_lines(f, "\"3%\"", L(1) | L(5));             /* not 33%, 13%, 2.3%, 3.5% */
    expect_lines(f, "3%", L(1) | L(5));
    expect_lines(f, "3.5%", L(3));                      /* not 13.5% */
    expect_lines(f, "\"3%左右\"", L(1));                 /* not 3%以内…50%左右 */
    expect_lines(f, "33%", L(2));
    expect_lines(f, "３．５％", L(3));                   /* full width */
}

static void test_symbol_plus(void **state)
{
    fixture *f = *state;
    expect_lines(f, "互联网+", L(7));
    expect_lines(f, "互联网", L(6) | L(7) | L(8));   /* the heading too */
}

/* The marked text of hit 0 of q, concatenated with '|'. */
static void expect_marks(fixture *f, const char *q, const char *want)
{
    bg_results *res = search(f, q, 1, 1);
    assert_true(bg_results_count(res) >= 1);
    const bg_hit *h = bg_results_hit(res, 0);
    const size_t *s, *e;
    size_t n = bg_hit_matches(h, &s, &e);
    char got[256] = "";
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(got, "|");
        strncat(got, bg_hit_text(h) + s[i], e[i] - s[i]);
    }
    if (strcmp(got, want) != 0)
        fail_msg("%s: marked '%s', wanted '%s'", q, got, want);
    bg_results_free(res);
}

static void test_highlight_only_what_matched(void **state)
{
    fixture *f = *state;
    expect_marks(f, "3.5%", "3.5%");        /* line 3: not the 3 of 2.3% */
    expect_marks(f, "\"3%左右\"", "3%左右");
    expect_marks(f, "互联网+", "互联网+");
}

/* 深化国有企业改革: the exact line first, then all words in any order, then
 * most of them; each hit says which; strict keeps the exact one only. */
static void test_matching_strategy(void **state)
{
    fixture *f = *state;
    bg_results *res = search(f, "深化国有企业改革", 0, 10);
    assert_true(bg_results_count(res) >= 4);
    const char *order[] = {"exact", "all_words", "partial"};
    size_t tier = 0;
    int seen[3] = {0};
    for (size_t i = 0; i < bg_results_count(res); i++) {
        const bg_hit *h = bg_results_hit(res, i);
        const char *m = bg_hit_match(h);
        while (tier < 3 && strcmp(m, order[tier]) != 0)
            tier++;
        assert_true(tier < 3);   /* never an exact match after another kind */
        seen[tier] = 1;
        if (bg_hit_line(h) == 11)
            assert_string_equal(m, "exact");
        if (bg_hit_line(h) == 13)
            assert_string_equal(m, "all_words");
        if (bg_hit_line(h) == 12 || bg_hit_line(h) == 14)
            assert_string_equal(m, "partial");
    }
    assert_true(seen[0] && seen[1] && seen[2]);
    assert_true(hit_lines(res) & L(11));   /* line 12: 国有企业改革 without 深化 */
    assert_int_equal(bg_results_total(res), bg_results_count(res));
    char *json = bg_results_json(res);
    assert_non_null(strstr(json, "\"match\":\"exact\""));
    assert_non_null(strstr(json, "\"match\":\"partial\""));
    bg_free(json);
    bg_results_free(res);
    res = search(f, "深化国有企业改革", 1, 10);
    assert_int_equal(bg_results_total(res), 1);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 0)), "exact");
    bg_results_free(res);
    /* Paging runs across the tiers: with pages of 2 (one exact match, fewer
     * than a page), page 2 holds ranks 3 and 4, neither exact. */
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.limit = 2;
    o.offset = 2;
    assert_int_equal(bg_search_run(&res, f->ix, "深化国有企业改革", &o), 0);
    assert_int_equal(bg_results_count(res), 2);
    assert_int_equal(bg_hit_rank(bg_results_hit(res, 0)), 3);
    assert_string_not_equal(bg_hit_match(bg_results_hit(res, 0)), "exact");
    bg_results_free(res);
    /* With a page of exact matches, nothing else follows. */
    o = (bg_search_options)BG_SEARCH_OPTIONS_INIT;
    o.limit = 1;
    assert_int_equal(bg_search_run(&res, f->ix, "深化国有企业改革", &o), 0);
    assert_int_equal(bg_results_total(res), 1);
    bg_results_free(res);
    /* The page after it holds what follows (a full page of exact matches
     * once kept the next pages empty). */
    o.offset = 1;
    assert_int_equal(bg_search_run(&res, f->ix, "深化国有企业改革", &o), 0);
    assert_int_equal(bg_results_count(res), 1);
    assert_int_equal(bg_hit_rank(bg_results_hit(res, 0)), 2);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 0)), "all_words");
    assert_true(bg_results_total(res) > 2);
    bg_results_free(res);
}

/* A filter holds in every tier: the 2023 line (all words) is listed
 * without a filter and never with --year 2024, nor counted in its facets. */
static void test_tiers_keep_filters(void **state)
{
    fixture *f = *state;
    bg_results *res = search(f, "深化国有企业改革", 0, 20);
    size_t found_2023 = 0;
    for (size_t i = 0; i < bg_results_count(res); i++)
        found_2023 += bg_hit_year(bg_results_hit(res, i)) == 2023;
    assert_int_equal(found_2023, 2);
    size_t all = bg_results_total(res);
    bg_results_free(res);
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.limit = 20;
    o.year_from = o.year_to = 2024;
    assert_int_equal(bg_search_run(&res, f->ix, "深化国有企业改革", &o), 0);
    assert_int_equal(bg_results_total(res), all - 2);
    for (size_t i = 0; i < bg_results_count(res); i++)
        assert_int_equal(bg_hit_year(bg_results_hit(res, i)), 2024);
    size_t count = 0;
    assert_int_equal(bg_results_facet_size(res, BG_FACET_YEAR), 1);
    assert_string_equal(bg_results_facet(res, BG_FACET_YEAR, 0, &count), "2024");
    assert_int_equal(count, all - 2);
    bg_results_free(res);
}

/* A name written in full or in short (data/synonyms.txt): the exact
 * matches first, then the other way, marked. */
static void test_synonyms_in_tiers(void **state)
{
    fixture *f = *state;
    bg_results *res = search(f, "国企", 0, 20);
    assert_true(bg_results_count(res) >= 3);
    const bg_hit *h = bg_results_hit(res, 0);
    assert_int_equal(bg_hit_year(h), 2023);
    assert_string_equal(bg_hit_match(h), "exact");
    int full = 0;
    for (size_t i = 1; i < bg_results_count(res); i++) {
        h = bg_results_hit(res, i);
        assert_string_not_equal(bg_hit_match(h), "exact");
        assert_non_null(strstr(bg_hit_text(h), "国有企业"));
        const size_t *s, *e;
        size_t n = bg_hit_matches(h, &s, &e);
        assert_true(n >= 1);
        full |= e[0] - s[0] == strlen("国有企业") && memcmp(bg_hit_text(h) + s[0], "国有企业", e[0] - s[0]) == 0;
    }
    assert_true(full);
    bg_results_free(res);
    /* 深化国企改革 holds every unit of 深化国有企业改革, one of them short. */
    res = search(f, "深化国有企业改革", 0, 20);
    int short_form = 0;
    for (size_t i = 0; i < bg_results_count(res); i++)
        if (strstr(bg_hit_text(bg_results_hit(res, i)), "深化国企改革"))
            short_form = strcmp(bg_hit_match(bg_results_hit(res, i)), "all_words") == 0;
    assert_true(short_form);
    bg_results_free(res);
    /* Strict: the exact ones only. */
    res = search(f, "国企", 1, 20);
    assert_int_equal(bg_results_total(res), 1);
    bg_results_free(res);
}

static void test_source_finding(void **state)
{
    fixture *f = *state;
    const char *para = lines[15];
    assert_true(strlen(para) > 3 * 128);   /* refused as "longer than 128 characters" before */
    /* The whole paragraph, and a part of it with other punctuation. */
    bg_results *res = search(f, para, 0, 3);
    assert_int_equal(bg_hit_line(bg_results_hit(res, 0)), 16);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 0)), "exact");
    bg_results_free(res);
    char q[1024];
    snprintf(q, sizeof q, "%s", para + strlen("我们要"));
    for (char *p = strstr(q, "，"); p; p = strstr(p, "，"))
        memcpy(p, "。", strlen("。"));
    res = search(f, q, 0, 3);
    assert_int_equal(bg_hit_line(bg_results_hit(res, 0)), 16);
    bg_results_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_are_tokens),
        cmocka_unit_test(test_symbol_plus),
        cmocka_unit_test(test_highlight_only_what_matched),
        cmocka_unit_test(test_matching_strategy),
        cmocka_unit_test(test_tiers_keep_filters),
        cmocka_unit_test(test_synonyms_in_tiers),
        cmocka_unit_test(test_source_finding),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
