/* test_compare.c — issue 18, side by side (bg_search_compare): two years'
 * reports written by the test, with known pairs — the same wording, a
 * rewording under the same section, a passage only in one year, a passage
 * under the same section paired before a look-alike from another section —,
 * the order of the entries, the figures of both years, filters, the cut at
 * BG_COMPARE_MAX, the JSON and the errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "test_util.h"

typedef bgt_fixture fixture;

/* The headings differ in their numbering and years only, except （三）民生保障,
 * which is （二） in 2023. In 2024 the 民生 passage is worded more like 2023's
 * 对外开放 passage (0.49) than like 2023's 民生 passage (0.44): the section
 * decides. */
static const bgt_report reports[] = {
    {"city-gov-2023.txt", "2023年示范市人民政府工作报告\n"
                          "一、2022年工作回顾\n"
                          "营商环境持续优化，新设市场主体增长12%，政务服务事项全部实现网上办理。\n"
                          "二、2023年工作任务\n"
                          "（一）深化改革\n"
                          "持续优化营商环境，全面推行证明事项告知承诺制，城镇新增就业4万人以上。\n"
                          "（二）民生保障\n"
                          "改善营商环境，兜牢民生底线，新建养老服务中心十个，办好民生实事。\n"
                          "（三）对外开放\n"
                          "扩大开放，营商环境国际化水平进一步提高，引进外资项目三十个，办好民生实事十件。\n"},
    {"city-gov-2024.txt", "2024年示范市人民政府工作报告\n"
                          "一、2023年工作回顾\n"
                          "营商环境持续优化，新设市场主体增长15%，政务服务事项全部实现网上办理。\n"
                          "二、2024年工作任务\n"
                          "（一）深化改革\n"
                          "持续优化营商环境，推行惠企政策免申即享，城镇新增就业4万人以上。\n"
                          "（二）科技创新\n"
                          "打造创新生态，以一流营商环境吸引人才，建设科技园区两个。\n"
                          "（三）民生保障\n"
                          "改善营商环境，新建托育机构五个，办好民生实事十件，开放引进外资。\n"},
    {"district-gov-2024.txt", "2024年示范区人民政府工作报告\n"
                              "一、2023年工作回顾\n"
                              "示范区营商环境不断改善，获评省级示范。\n"},
};

/* A 2025 report of BG_COMPARE_MAX + 10 matching passages, each worded apart,
 * in dir (path: its path). */
static int write_long_report(char *path, size_t size, const char *dir)
{
    size_t cap = 64 * (BG_COMPARE_MAX + 20);
    char *text = malloc(cap);
    size_t len = text ? (size_t)snprintf(text, cap, "2025年示范市人民政府工作报告\n") : 0;
    for (int i = 1; text && i <= BG_COMPARE_MAX + 10; i++)
        len += (size_t)snprintf(text + len, cap - len, "第%d项措施：营商环境专项行动推进第%d批。\n", i, i * 7);
    int rc = text ? bgt_write_report(path, size, dir, "city-gov-2025.txt", text) : -1;
    free(text);
    return rc;
}

static int setup(void **state)
{
    fixture *f = bgt_fixture_new("compare", reports, sizeof reports / sizeof reports[0], 0);
    char path[192];
    int status = 0;
    if (!f || write_long_report(path, sizeof path, f->dir) || bg_index_add_file(&status, NULL, f->ix, path, NULL)
        || bg_index_commit(f->ix)) {
        bgt_fixture_free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    return bgt_fixture_free(*state);
}

static bg_compare *compare(fixture *f, const char *q, int a, int b, const bg_search_options *o)
{
    bg_compare *c = NULL;
    if (bg_search_compare(&c, f->ix, q, a, b, o) != 0)
        fail_msg("%s %d %d: %s", q, a, b, bg_errmsg());
    return c;
}

/* Whether side's passage of entry i holds text ("" for none). */
static int holds(const bg_compare *c, size_t i, int side, const char *text)
{
    const bg_hit *h = bg_compare_hit(c, i, side);
    return text[0] ? h && strstr(bg_hit_text(h), text) != NULL : h == NULL;
}

static bg_search_options city(void)
{
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.body = "示范市人民政府";
    return o;
}

/* The pairs, in 2024's report order; 2023's 对外开放 passage, only in 2023,
 * after the entry of the 2023 passage before it (民生保障). */
static void test_pairs_and_order(void **state)
{
    bg_search_options o = city();
    bg_compare *c = compare(*state, "营商环境", 2023, 2024, &o);
    static const struct {
        const char *a, *b, *status;
        int section;
    } want[] = {
        {"增长12%", "增长15%", "same", 1},
        {"告知承诺制", "免申即享", "similar", 1},
        {"", "科技园区", "only_b", 0},
        {"养老服务中心", "托育机构", "similar", 1},   /* the section beats the look-alike */
        {"引进外资项目", "", "only_a", 0},
    };
    assert_int_equal(bg_compare_count(c), 5);
    for (size_t i = 0; i < 5; i++) {
        if (!holds(c, i, 0, want[i].a) || !holds(c, i, 1, want[i].b))
            fail_msg("entry %zu: not %s | %s", i, want[i].a, want[i].b);
        assert_string_equal(bg_compare_status(c, i), want[i].status);
        assert_int_equal(bg_compare_section_match(c, i), want[i].section);
    }
    assert_true(bg_compare_similarity(c, 0) >= 0.9);
    assert_true(bg_compare_similarity(c, 1) > 0.5 && bg_compare_similarity(c, 1) < 0.9);
    assert_true(bg_compare_similarity(c, 3) > 0.4 && bg_compare_similarity(c, 3) < 0.47);
    assert_true(bg_compare_similarity(c, 2) == 0 && bg_compare_similarity(c, 4) == 0);
    assert_int_equal(bg_compare_year(c, 0), 2023);
    assert_int_equal(bg_compare_year(c, 1), 2024);
    assert_int_equal(bg_compare_total(c, 0), 4);
    assert_int_equal(bg_compare_total(c, 1), 4);
    assert_false(bg_compare_truncated(c));
    assert_null(bg_compare_hit(c, 5, 0));
    bg_compare_free(c);
}

/* The years the other way round: 2023's passages in its order, paired the
 * same; 2024's 科技园区, now only in the first year, right after the entry of
 * the 2024 passage before it (免申即享). */
static void test_reversed(void **state)
{
    bg_search_options o = city();
    bg_compare *c = compare(*state, "营商环境", 2024, 2023, &o);
    assert_int_equal(bg_compare_count(c), 5);
    assert_true(holds(c, 0, 1, "增长12%") && holds(c, 0, 0, "增长15%"));
    assert_true(holds(c, 1, 1, "告知承诺制") && holds(c, 1, 0, "免申即享"));
    assert_true(holds(c, 2, 0, "科技园区") && holds(c, 2, 1, ""));
    assert_string_equal(bg_compare_status(c, 2), "only_a");
    assert_true(holds(c, 3, 1, "养老服务中心") && holds(c, 3, 0, "托育机构"));
    assert_true(holds(c, 4, 1, "引进外资项目") && holds(c, 4, 0, ""));
    assert_string_equal(bg_compare_status(c, 4), "only_b");
    bg_compare_free(c);
}

/* Without the body filter the district's 2024 passage joins, alone. */
static void test_filters(void **state)
{
    bg_compare *c = compare(*state, "营商环境", 2023, 2024, NULL);
    assert_int_equal(bg_compare_total(c, 1), 5);
    size_t district = 0;
    for (size_t i = 0; i < bg_compare_count(c); i++)
        if (holds(c, i, 1, "示范区营商环境")) {
            district++;
            assert_string_equal(bg_compare_status(c, i), "only_b");
        }
    assert_int_equal(district, 1);
    bg_compare_free(c);

    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.kind = "通知";
    c = compare(*state, "营商环境", 2023, 2024, &o);
    assert_int_equal(bg_compare_count(c), 0);
    assert_int_equal(bg_compare_total(c, 0) + bg_compare_total(c, 1), 0);
    bg_compare_free(c);

    /* A year filter in the options does not narrow the two years. */
    o = city();
    o.year_from = o.year_to = 2030;
    c = compare(*state, "营商环境", 2023, 2024, &o);
    assert_int_equal(bg_compare_count(c), 5);
    bg_compare_free(c);

    /* A year without reports: everything is only in the other. */
    o = city();
    c = compare(*state, "营商环境", 2023, 2030, &o);
    assert_int_equal(bg_compare_count(c), 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(bg_compare_status(c, i), "only_a");
    bg_compare_free(c);
}

/* More than BG_COMPARE_MAX matches in a year: the best are compared, and the
 * answer says it was cut. */
static void test_truncated(void **state)
{
    bg_search_options o = city();
    bg_compare *c = compare(*state, "营商环境", 2024, 2025, &o);
    assert_true(bg_compare_truncated(c));
    assert_int_equal(bg_compare_total(c, 1), BG_COMPARE_MAX + 10);
    size_t b = 0;
    for (size_t i = 0; i < bg_compare_count(c); i++)
        b += bg_compare_hit(c, i, 1) != NULL;
    assert_int_equal(b, BG_COMPARE_MAX);
    char *json = bg_compare_json(c);
    cJSON *root = cJSON_Parse(json);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "truncated")));
    cJSON_Delete(root);
    bg_free(json);
    bg_compare_free(c);
}

static const cJSON *get(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v)
        fail_msg("no \"%s\"", k);
    return v;
}

/* The JSON: the contract of docs/years.md, hits as in search results, the
 * figures of both years in the order asked. */
static void test_json(void **state)
{
    bg_search_options o = city();
    bg_compare *c = compare(*state, "营商环境", 2023, 2024, &o);
    char *json = bg_compare_json(c);
    assert_non_null(json);
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);
    assert_string_equal(get(root, "query")->valuestring, "营商环境");
    const cJSON *years = get(root, "years"), *totals = get(root, "totals"), *pairs = get(root, "pairs");
    assert_int_equal(cJSON_GetArrayItem(years, 0)->valueint, 2023);
    assert_int_equal(cJSON_GetArrayItem(years, 1)->valueint, 2024);
    assert_int_equal(cJSON_GetArrayItem(totals, 1)->valueint, 4);
    assert_true(cJSON_IsFalse(get(root, "truncated")));
    assert_int_equal(cJSON_GetArraySize(get(root, "missing_shards")), 0);
    assert_int_equal(cJSON_GetArraySize(pairs), 5);
    const cJSON *first = cJSON_GetArrayItem(pairs, 0), *only_b = cJSON_GetArrayItem(pairs, 2);
    assert_string_equal(get(first, "status")->valuestring, "same");
    assert_true(cJSON_IsTrue(get(first, "section_match")));
    assert_true(get(first, "similarity")->valuedouble >= 0.9);
    const cJSON *a = get(first, "a");
    assert_int_equal(get(a, "year")->valueint, 2023);
    assert_non_null(strstr(get(a, "snippet")->valuestring, "【营商环境】"));
    assert_int_equal(cJSON_GetArraySize(get(a, "matches")), 1);
    assert_true(cJSON_IsNull(get(only_b, "a")));
    assert_string_equal(get(only_b, "status")->valuestring, "only_b");
    const cJSON *figures = get(root, "figures");
    assert_int_equal(cJSON_GetArraySize(figures), 2);
    static const char *const values[2] = {"12%", "15%"};
    for (int i = 0; i < 2; i++) {
        const cJSON *y = cJSON_GetArrayItem(figures, i), *item;
        assert_int_equal(get(y, "year")->valueint, 2023 + i);
        int found = 0;
        cJSON_ArrayForEach(item, get(y, "items")) found |= strcmp(get(item, "value")->valuestring, values[i]) == 0;
        if (!found)
            fail_msg("%d: no figure %s", 2023 + i, values[i]);
    }
    cJSON_Delete(root);
    bg_free(json);
    bg_compare_free(c);
}

static void test_errors(void **state)
{
    fixture *f = *state;
    bg_compare *c = (bg_compare *)1;
    assert_int_equal(bg_search_compare(&c, f->ix, "营商环境", 2024, 2024, NULL), BG_EINVAL);
    assert_null(c);
    assert_non_null(strstr(bg_errmsg(), "2024"));
    assert_int_equal(bg_search_compare(&c, f->ix, "营商环境", 0, 2024, NULL), BG_EINVAL);
    assert_int_equal(bg_search_compare(&c, f->ix, "营商环境", 2023, 10000, NULL), BG_EINVAL);
    assert_int_equal(bg_search_compare(&c, f->ix, "营商环境", -1, 2024, NULL), BG_EINVAL);
    assert_int_equal(bg_search_compare(&c, f->ix, "", 2023, 2024, NULL), BG_EQUERY);
    assert_null(c);
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.version = 99;
    assert_int_equal(bg_search_compare(&c, f->ix, "营商环境", 2023, 2024, &o), BG_EINVAL);
    bg_compare_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_and_order), cmocka_unit_test(test_reversed), cmocka_unit_test(test_filters),
        cmocka_unit_test(test_truncated),       cmocka_unit_test(test_json),     cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
