/* test_novelty.c — issue 18: new expressions (bg_search_new). Five small
 * reports written by the test, where the answer is known: 智慧码上办 first
 * appears in body A's 2021 report (in quotes, then twice more, and again in
 * 2022) but body B used it in 2020; 数字政府建设 is used by body A from 2019 to
 * 2021 and not in 2022 (数字政府 is a word of the shipped lexicon). A second
 * body's reports pin how salience is scored: 碳中和 said alone in 2021 and
 * written 碳达峰碳中和 in every later year, a verb and its object (推进乡村全面振兴),
 * an ordinary word of the dictionary (增强), an expression after a modifier
 * (全国统一大市场). A third body's reports pin what is not an expression
 * (a string starting on the 性 of 规模性, one continuing a number, a
 * phrase around 的, one opening on 受) and how quoting in a later year and
 * ties rank. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "test_util.h"

#define BODY_A "示范市人民政府"

typedef bgt_fixture fixture;

static const bgt_report reports[] = {
    {"a-2019.txt", "2019年示范市人民政府工作报告\n示范市人民政府\n一、工作回顾\n推进数字政府建设，改善营商环境。\n"},
    {"a-2020.txt", "2020年示范市人民政府工作报告\n示范市人民政府\n一、工作回顾\n继续改善营商环境，加快数字政府建设。\n"},
    {"a-2021.txt", "2021年示范市人民政府工作报告\n示范市人民政府\n一、工作回顾\n提出“智慧码上办”行动，推行智慧码上办服务。\n"
                   "二、今年任务\n扩大智慧码上办覆盖，改善营商环境，深化数字政府建设。\n"},
    {"a-2022.txt", "2022年示范市人民政府工作报告\n示范市人民政府\n一、工作回顾\n智慧码上办全面推开。营商环境持续改善。\n"},
    {"b-2020.txt", "2020年样本县人民政府工作报告\n样本县人民政府\n一、工作回顾\n试点智慧码上办。\n"},
};

#define BODY_C "试点区人民政府"
#define C_HEAD(y) y "年试点区人民政府工作报告\n" BODY_C "\n一、工作回顾\n"

static const bgt_report scored[] = {
    {"c-2019.txt", C_HEAD("2019") "推进乡村建设。推进产业升级。加强生态保护。经济运行平稳。全国文明城市。\n"},
    {"c-2021.txt", C_HEAD("2021") "做好碳达峰、碳中和工作。推进乡村全面振兴。推进绿色转型。推进数据共享。"
                                  "推进城市更新。增强经济韧性。\n"
                                  "建设全国统一大市场。全国碳市场上线。全国一体化政务服务平台。全国人大代表。\n"},
    {"c-2022.txt", C_HEAD("2022") "推进碳达峰碳中和。全面推进乡村全面振兴。经济韧性持续增强。加快建设全国统一大市场。\n"},
    {"c-2023.txt", C_HEAD("2023") "积极稳妥推进碳达峰碳中和。乡村全面振兴取得新进展。全国统一大市场建设。\n"},
    {"c-2024.txt", C_HEAD("2024") "扎实推进碳达峰碳中和。\n"},
};

#define BODY_D "样例镇人民政府"
#define D_HEAD(y) y "年样例镇人民政府工作报告\n" BODY_D "\n一、工作回顾\n"

static const bgt_report shaped[] = {
    {"d-2019.txt", D_HEAD("2019") "开展规模性监测。受天气影响。建设美丽乡村。\n"},
    {"d-2021.txt", D_HEAD("2021") "防止规模性返贫。投入5万元。受疫情冲击。建设美丽的家园。\n"
                                  "实施乡村书屋工程。实施社区食堂工程。\n"
                                  "建设口袋公园。建设城市客厅驿站。\n"
                                  "推进市场化改革。坚持系统性思维。受灾群众安置。\n"},
    {"d-2022.txt", D_HEAD("2022") "“乡村书屋”扩面。\n社区食堂扩面。\n"},
};

static int setup(void **state)
{
    *state = bgt_fixture_new("novelty", reports, sizeof reports / sizeof reports[0], 1);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    return bgt_fixture_free(*state);
}

static bg_novel *novel_limit(fixture *f, int year, int gone, int since, const char *body, size_t limit)
{
    bg_novel_options no = BG_NOVEL_OPTIONS_INIT;
    no.gone = gone, no.since = since, no.limit = limit;
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.body = body;
    bg_novel *n = NULL;
    if (bg_search_new(&n, f->ix, year, &no, &o) != 0)
        fail_msg("%d: %s", year, bg_errmsg());
    return n;
}

static bg_novel *novel(fixture *f, int year, int gone, int since, const char *body)
{
    return novel_limit(f, year, gone, since, body, 0);
}

/* The rank (from 1) of text among n's expressions, 0 when absent. */
static size_t rank_of(const bg_novel *n, const char *text)
{
    for (size_t i = 0; i < bg_novel_count(n); i++)
        if (strcmp(bg_novel_text(n, i), text) == 0)
            return i + 1;
    return 0;
}

static void test_new_in_a_year(void **state)
{
    fixture *f = *state;
    bg_novel *n = novel(f, 2021, 0, 0, BODY_A);
    assert_int_equal(bg_novel_year(n), 2021);
    assert_int_equal(bg_novel_base_year(n), 2021);
    assert_int_equal(rank_of(n, "智慧码上办"), 1);
    assert_int_equal(bg_novel_occurrences(n, 0), 3);
    assert_int_equal(bg_novel_passages(n, 0), 2);
    assert_int_equal(bg_novel_other_years(n, 0), 1);   /* 2022 */
    /* Its pieces are not listed (码上办 always follows 智慧), nor what earlier
     * years said. */
    assert_int_equal(rank_of(n, "码上办"), 0);
    assert_int_equal(rank_of(n, "智慧码上"), 0);
    assert_int_equal(rank_of(n, "营商环境"), 0);
    assert_int_equal(rank_of(n, "数字政府建设"), 0);
    for (size_t i = 0; i < bg_novel_count(n); i++) {
        const char *t = bg_novel_text(n, i);
        assert_null(strpbrk(t, "0123456789"));
        assert_true(strncmp(t, "的", 3) != 0 && strstr(t, "，") == NULL);
    }
    const bg_results *hits = bg_novel_hits(n, 0);
    assert_non_null(hits);
    assert_true(bg_results_count(hits) >= 1);
    assert_int_equal(bg_hit_year(bg_results_hit(hits, 0)), 2021);
    assert_non_null(strstr(bg_hit_text(bg_results_hit(hits, 0)), "智慧码上办"));
    char *json = bg_novel_json(n);
    assert_non_null(strstr(json, "\"direction\":\"new\""));
    assert_non_null(strstr(json, "\"compared_years\":[2019,2020]"));
    assert_non_null(strstr(json, "\"other_years\":[2022]"));
    assert_non_null(strstr(json, "{\"text\":\"智慧码上办\",\"occurrences\":3,\"passage_count\":2,\"other_years\":1"));
    bg_free(json);
    bg_novel_free(n);
}

/* Without the body filter, body B's 2020 report already said it. */
static void test_filters_choose_the_reports(void **state)
{
    fixture *f = *state;
    bg_novel *n = novel(f, 2021, 0, 0, NULL);
    assert_int_equal(rank_of(n, "智慧码上办"), 0);
    bg_novel_free(n);
    n = novel(f, 2020, 0, 0, NULL);
    assert_true(rank_of(n, "智慧码上办") >= 1);
    bg_novel_free(n);
    /* Compared with 2020 alone, it is still new in 2021 for body A. */
    n = novel(f, 2021, 0, 2020, BODY_A);
    assert_int_equal(rank_of(n, "智慧码上办"), 1);
    char *json = bg_novel_json(n);
    assert_non_null(strstr(json, "\"since\":2020,\"compared_years\":[2020]"));
    bg_free(json);
    bg_novel_free(n);
}

static void test_gone_in_a_year(void **state)
{
    fixture *f = *state;
    bg_novel *n = novel(f, 2022, 1, 0, BODY_A);
    assert_int_equal(bg_novel_base_year(n), 2021);
    /* 数字政府 is a lexicon word; 数字政府建设, said exactly as often, is the
     * same expression and not listed again. */
    size_t r = rank_of(n, "数字政府");
    assert_true(r >= 1);
    assert_int_equal(bg_novel_other_years(n, r - 1), 2);   /* 2019, 2020 */
    assert_int_equal(rank_of(n, "数字政府建设"), 0);
    assert_int_equal(rank_of(n, "营商环境"), 0);            /* 2022 still says it */
    assert_int_equal(rank_of(n, "智慧码上办"), 0);
    char *json = bg_novel_json(n);
    assert_non_null(strstr(json, "\"direction\":\"gone\""));
    bg_free(json);
    bg_novel_free(n);
}

static int setup_scored(void **state)
{
    *state = bgt_fixture_new("novelty_scored", scored, sizeof scored / sizeof scored[0], 1);
    return *state ? 0 : -1;
}

static double score_of(const bg_novel *n, const char *text)
{
    size_t r = rank_of(n, text);
    if (!r)
        fail_msg("%s is not listed", text);
    return bg_novel_score(n, r - 1);
}

/* score = √(passages in the base year × (1 + passages later) × (1 + later
 * years)) × 2 for a new 2-character string inside (村全, 增强 itself) × 0.5
 * for a verb and its object × 0.3 for one word of the dictionary. */
static void test_salience(void **state)
{
    fixture *f = *state;
    bg_novel *n = novel(f, 2021, 0, 0, BODY_C);
    /* Later years write 碳达峰碳中和: 峰 stands before 碳中和 in 3 of its 4
     * occurrences, but not in 2021, where it stands alone. */
    size_t r = rank_of(n, "碳中和");
    assert_true(r >= 1);
    assert_int_equal(bg_novel_other_years(n, r - 1), 3);
    assert_true(rank_of(n, "碳达峰") >= 1);
    assert_float_equal(score_of(n, "乡村全面振兴"), 3.0 * 2, 1e-9);       /* √(1·3·3) */
    /* 推进 goes on four ways in 2021 (乡村, 绿色, 数据, 城市) and is old. */
    assert_float_equal(score_of(n, "推进乡村全面振兴"), 2.0 * 2 * 0.5, 1e-9);   /* √(1·2·2) */
    assert_true(rank_of(n, "乡村全面振兴") < rank_of(n, "推进乡村全面振兴"));
    assert_float_equal(score_of(n, "增强"), 2.0 * 2 * 0.3, 1e-9);
    assert_true(rank_of(n, "经济韧性") < rank_of(n, "增强"));
    /* 全国 goes on four ways in 2021 and is old: 统一大市场 after it is the
     * expression, not a piece of 全国统一大市场 (which, said as often, is
     * the same expression and not listed again). */
    assert_true(rank_of(n, "统一大市场") >= 1);
    assert_int_equal(rank_of(n, "全国统一大市场"), 0);
    bg_novel_free(n);
}

static int setup_shaped(void **state)
{
    *state = bgt_fixture_new("novelty_shaped", shaped, sizeof shaped / sizeof shaped[0], 1);
    return *state ? 0 : -1;
}

static void test_not_expressions(void **state)
{
    fixture *f = *state;
    bg_novel *n = novel_limit(f, 2021, 0, 0, BODY_D, 1000);   /* every candidate */
    assert_true(rank_of(n, "乡村书屋") >= 1);            /* the fixture works */
    assert_int_equal(rank_of(n, "化改革"), 0);     /* 化 ends 市场化 */
    assert_int_equal(rank_of(n, "性思维"), 0);
    assert_true(rank_of(n, "市场化") >= 1);
    assert_int_equal(rank_of(n, "万元"), 0);       /* 5万元 is a number */
    assert_int_equal(rank_of(n, "受疫"), 0);       /* 受 as a word of its own */
    assert_true(rank_of(n, "受灾群众") >= 1);      /* 受灾 is a word */
    assert_int_equal(rank_of(n, "美丽的家园"), 0); /* a phrase around 的 */
    bg_novel_free(n);
}

/* 乡村书屋 and 社区食堂 are said alike, but a later report quotes the first:
 * × 3. Among strings that score alike the shorter comes first (返贫 before
 * 口袋公园), then the one said first (口袋公园 before 客厅驿站). */
static void test_quotes_and_ties(void **state)
{
    fixture *f = *state;
    bg_novel *n = novel_limit(f, 2021, 0, 0, BODY_D, 1000);   /* every candidate */
    assert_float_equal(score_of(n, "乡村书屋"), 3 * score_of(n, "社区食堂"), 1e-9);
    assert_float_equal(score_of(n, "返贫"), score_of(n, "口袋公园"), 1e-9);
    assert_float_equal(score_of(n, "口袋公园"), score_of(n, "客厅驿站"), 1e-9);
    assert_true(rank_of(n, "返贫") < rank_of(n, "口袋公园"));
    assert_true(rank_of(n, "口袋公园") < rank_of(n, "客厅驿站"));
    bg_novel_free(n);
}

static void test_errors(void **state)
{
    fixture *f = *state;
    bg_novel *n = NULL;
    bg_novel_options no = BG_NOVEL_OPTIONS_INIT;
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.body = BODY_A;
    assert_int_equal(bg_search_new(&n, f->ix, 2030, &no, &o), BG_ENOTFOUND);
    assert_non_null(strstr(bg_errmsg(), "2030"));
    assert_int_equal(bg_search_new(&n, f->ix, 2019, &no, &o), BG_ENOTFOUND);   /* nothing before it */
    no.gone = 1;
    assert_int_equal(bg_search_new(&n, f->ix, 2019, &no, &o), BG_ENOTFOUND);
    no.gone = 0, no.since = 2021;
    assert_int_equal(bg_search_new(&n, f->ix, 2021, &no, &o), BG_EINVAL);
    no.since = 0, no.limit = BG_NOVEL_MAX_LIMIT + 1;
    assert_int_equal(bg_search_new(&n, f->ix, 2021, &no, &o), BG_EINVAL);
    no.limit = 0, no.version = 99;
    assert_int_equal(bg_search_new(&n, f->ix, 2021, &no, &o), BG_EINVAL);
    assert_int_equal(bg_search_new(&n, f->ix, 0, NULL, NULL), BG_EINVAL);
    assert_null(n);
    bg_novel_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_in_a_year),
        cmocka_unit_test(test_filters_choose_the_reports),
        cmocka_unit_test(test_gone_in_a_year),
        cmocka_unit_test(test_errors),
    };
    const struct CMUnitTest scored_tests[] = {
        cmocka_unit_test(test_salience),
    };
    const struct CMUnitTest shaped_tests[] = {
        cmocka_unit_test(test_not_expressions),
        cmocka_unit_test(test_quotes_and_ties),
    };
    return cmocka_run_group_tests(tests, setup, teardown) | cmocka_run_group_tests(scored_tests, setup_scored, teardown)
         | cmocka_run_group_tests(shaped_tests, setup_shaped, teardown);
}
