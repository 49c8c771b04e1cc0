/* test_years.c — searching across years on small reports of 2017, 2019, 2021
 * and 2023 (tests/fixtures/years): exact year facets, the by-year view, the
 * figure extractor (what is a figure and what is not), --figures, and
 * similar passages of other years (--like). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baogao.h"
#include "bgx.h"
#include "figures.h"
#include "store.h"

static const int fixture_years[] = {2017, 2019, 2021, 2023};
#define N_FIXTURES 4

typedef struct fixture {
    char dir[64];
    char reports[96];
    char index[96];
    bg_index *ix;
} fixture;

static void report_path(char *out, size_t n, const fixture *f, int year)
{
    snprintf(out, n, "%s/city-gov-%d.txt", f->reports, year);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_test_years_XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->reports, sizeof f->reports, "%s/reports", f->dir);
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s/years/* %s/", f->reports, BG_TEST_FIXTURES, f->reports);
    if (system(cmd) != 0)
        return -1;
    bg_index *w = NULL;
    int rc = bg_index_open(&w, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE);
    for (size_t i = 0; rc == 0 && i < N_FIXTURES; i++) {
        char p[160];
        report_path(p, sizeof p, f, fixture_years[i]);
        rc = bg_index_add_file(NULL, NULL, w, p, NULL);
    }
    if (rc == 0)
        rc = bg_index_commit(w);
    if (rc)
        fprintf(stderr, "%s\n", bg_errmsg());
    bg_index_free(w);
    if (rc == 0)
        rc = bg_index_open(&f->ix, f->index, BG_OPEN_READ);
    *state = f;
    return rc;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bg_index_free(f->ix);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

/* Does the fixture report of year contain s? The truth the index must agree with. */
static int report_mentions(const fixture *f, int year, const char *s)
{
    char p[160], buf[8192];
    report_path(p, sizeof p, f, year);
    FILE *fp = fopen(p, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return strstr(buf, s) != NULL;
}

static bg_results *search(const fixture *f, const char *q, const bg_search_options *o)
{
    bg_results *res = NULL;
    if (bg_search_run(&res, f->ix, q, o))
        fail_msg("search '%s': %s", q, bg_errmsg());
    return res;
}

static size_t year_facet(const bg_results *res, int year)
{
    char want[8];
    snprintf(want, sizeof want, "%04d", year);
    for (size_t i = 0; i < bg_results_facet_size(res, BG_FACET_YEAR); i++) {
        size_t count = 0;
        if (strcmp(bg_results_facet(res, BG_FACET_YEAR, i, &count), want) == 0)
            return count;
    }
    return 0;
}

/* ---- facets -------------------------------------------------------------- */

static void test_facets_exact(void **state)
{
    const fixture *f = *state;
    const char *queries[] = {"城镇新增就业", "减税"};
    for (size_t q = 0; q < 2; q++) {
        bg_search_options o = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 1000};
        bg_results *res = search(f, queries[q], &o);
        size_t sum = 0;
        for (size_t i = 0; i < N_FIXTURES; i++) {
            int y = fixture_years[i];
            size_t c = year_facet(res, y), hits = 0;
            for (size_t k = 0; k < bg_results_count(res); k++)
                hits += bg_hit_year(bg_results_hit(res, k)) == y;
            assert_int_equal(c != 0, report_mentions(f, y, queries[q]));
            assert_int_equal(c, hits);   /* the facet counts every match, not a sample */
            sum += c;
        }
        assert_int_equal(bg_results_facet_size(res, BG_FACET_YEAR), q == 0 ? 3 : 4);
        assert_int_equal(sum, bg_results_total(res));
        assert_int_equal(bg_results_count(res), bg_results_total(res));
        bg_results_free(res);
    }
}

/* A passage written the way format 2 wrote them — no combined facet value
 * (slot 4) — must still be counted in both facets and by year: a search
 * meeting one counts the facets the old way (query/facets.c). Runs last: it
 * adds a passage to the 2019 shard. */
static void test_facets_with_older_passages(void **state)
{
    const fixture *f = *state;
    bg_results *before = search(f, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .limit = 1000});
    size_t total = bg_results_total(before), in_2019 = year_facet(before, 2019);
    bg_results_free(before);

    char shard[128];
    snprintf(shard, sizeof shard, "%s/shards/2019", f->index);
    bgi_err err = {0};
    bgx_writer *w = NULL;
    assert_int_equal(bgx_writer_open(&w, shard, 0, &err), 0);
    bgx_doc *doc = bgx_doc_new();
    assert_non_null(doc);
    static const char *const bigrams[] = {"B城镇", "B镇新", "B新增", "B增就", "B就业"};
    for (unsigned i = 0; i < 5; i++)
        assert_int_equal(bgx_doc_add_posting(doc, bigrams[i], strlen(bigrams[i]), i + 1, 1, &err), 0);
    assert_int_equal(bgx_doc_add_term(doc, "城镇", strlen("城镇"), 1, &err), 0);
    assert_int_equal(bgx_doc_add_term(doc, "Y2019", 5, 0, &err), 0);
    assert_int_equal(bgx_doc_add_term(doc, "Qolder:0", 8, 0, &err), 0);
    assert_int_equal(bgx_doc_set_value(doc, 0, "2019", 4, &err), 0);
    assert_int_equal(bgx_doc_set_value(doc, 1, "旧格式机关", strlen("旧格式机关"), &err), 0);
    assert_int_equal(bgx_doc_set_value(doc, 3, "older:0", 7, &err), 0);
    const char *data = "{\"text\":\"城镇新增就业\",\"kind\":\"paragraph\",\"line\":1,\"report\":\"older.txt\","
                       "\"title\":\"\",\"body\":\"旧格式机关\",\"year\":2019,\"id\":\"older:0\",\"section\":[]}";
    assert_int_equal(bgx_doc_set_data(doc, data, strlen(data), &err), 0);
    assert_int_equal(bgx_writer_add(w, doc, &err), 0);
    /* And one with the combined value but a body no XB term names (the
     * indexer cuts XB terms at 200 bytes): its hash is unknown. */
    assert_int_equal(bgx_doc_set_value(doc, 1, "无词条机关", strlen("无词条机关"), &err), 0);
    char key[BG_FACET_KEY_LEN + 1];
    bgi_facet_key(key, "2019", "无词条机关", "");
    assert_int_equal(bgx_doc_set_value(doc, 4, key, BG_FACET_KEY_LEN, &err), 0);
    assert_int_equal(bgx_writer_add(w, doc, &err), 0);
    assert_int_equal(bgx_writer_commit(w, &err), 0);
    bgx_doc_free(doc);
    bgx_writer_free(w);

    bg_results *res = search(f, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .limit = 1000});
    assert_int_equal(bg_results_total(res), total + 2);
    assert_int_equal(year_facet(res, 2019), in_2019 + 2);
    size_t sum = 0, older = 0, unnamed = 0;
    for (size_t i = 0; i < bg_results_facet_size(res, BG_FACET_BODY); i++) {
        size_t c = 0;
        const char *body = bg_results_facet(res, BG_FACET_BODY, i, &c);
        sum += c;
        if (strcmp(body, "旧格式机关") == 0)
            older = c;
        if (strcmp(body, "无词条机关") == 0)
            unnamed = c;
    }
    assert_int_equal(sum, total + 2);
    assert_int_equal(older, 1);
    assert_int_equal(unnamed, 1);
    /* The kind facet counts every match too, the old passages as "". */
    size_t kinds = 0;
    for (size_t i = 0; i < bg_results_facet_size(res, BG_FACET_KIND); i++) {
        size_t c = 0;
        bg_results_facet(res, BG_FACET_KIND, i, &c);
        kinds += c;
    }
    assert_int_equal(kinds, total + 2);
    bg_results_free(res);
    bg_byyear *by = NULL;
    assert_int_equal(bg_search_by_year(&by, f->ix, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 2}), 0);
    assert_int_equal(bg_byyear_total(by), total + 2);
    for (size_t i = 0; i < bg_byyear_years(by); i++)
        if (bg_byyear_year(by, i) == 2019)
            assert_int_equal(bg_byyear_year_total(by, i), in_2019 + 2);
    bg_byyear_free(by);
}

/* ---- by year ------------------------------------------------------------ */

static void test_by_year(void **state)
{
    const fixture *f = *state;
    bg_byyear *by = NULL;
    assert_int_equal(bg_search_by_year(&by, f->ix, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 2}), 0);
    bg_results *all = search(f, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .limit = 1000});
    assert_int_equal(bg_byyear_total(by), bg_results_total(all));
    const int newest_first[] = {2023, 2019, 2017};
    assert_int_equal(bg_byyear_years(by), 3);
    for (size_t i = 0; i < 3; i++) {
        int y = bg_byyear_year(by, i);
        assert_int_equal(y, newest_first[i]);
        size_t total = bg_byyear_year_total(by, i), n = bg_byyear_count(by, i);
        assert_int_equal(total, year_facet(all, y));
        assert_int_equal(n, total < 2 ? total : 2);
        /* The same passages, in the same order, as a search of that year alone. */
        bg_search_options just_y = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 2, .year_from = y, .year_to = y};
        bg_results *one = search(f, "城镇新增就业", &just_y);
        assert_int_equal(bg_results_total(one), total);
        assert_int_equal(bg_results_count(one), n);
        for (size_t j = 0; j < n; j++) {
            const bg_hit *h = bg_byyear_hit(by, i, j);
            assert_int_equal(bg_hit_year(h), y);
            assert_int_equal(bg_hit_rank(h), j + 1);
            assert_non_null(strstr(bg_hit_text(h), "城镇新增就业"));
            assert_string_equal(bg_hit_id(h), bg_hit_id(bg_results_hit(one, j)));
        }
        assert_null(bg_byyear_hit(by, i, n));
        bg_results_free(one);
    }
    /* 2019 has three passages: the per-year limit really cut one. */
    assert_int_equal(bg_byyear_year_total(by, 1), 3);
    assert_int_equal(bg_byyear_count(by, 1), 2);
    bg_results_free(all);
    bg_byyear_free(by);

    /* Filters apply; a per-year limit past the maximum is refused. */
    assert_int_equal(bg_search_by_year(&by, f->ix, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .year_to = 2019, .per_year = 0}), 0);
    assert_int_equal(bg_byyear_years(by), 2);
    assert_int_equal(bg_byyear_year(by, 0), 2019);
    assert_int_equal(bg_byyear_count(by, 0), 3);   /* default: the best 3 */
    bg_byyear_free(by);
    assert_int_equal(bg_search_by_year(&by, f->ix, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 100000}), BG_ETOOBIG);
    assert_null(by);
    assert_int_equal(bg_search_by_year(&by, f->ix, "量子引力波", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 3}), 0);
    assert_int_equal(bg_byyear_years(by), 0);
    assert_int_equal(bg_byyear_total(by), 0);
    bg_byyear_free(by);
    bg_byyear_free(NULL);
}

/* The keys of a result object, in order, joined by commas. */
static void key_list(char *out, size_t n, const cJSON *o)
{
    out[0] = '\0';
    const cJSON *k;
    cJSON_ArrayForEach(k, o) {
        strncat(out, k->string, n - strlen(out) - 1);
        strncat(out, ",", n - strlen(out) - 1);
    }
}

static void test_by_year_json(void **state)
{
    const fixture *f = *state;
    bg_byyear *by = NULL;
    assert_int_equal(bg_search_by_year(&by, f->ix, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 1}), 0);
    char *doc = bg_byyear_json(by);
    bg_results *plain = search(f, "城镇新增就业", NULL);
    char *plain_doc = bg_results_json(plain);
    cJSON *o = cJSON_Parse(doc), *p = cJSON_Parse(plain_doc);
    assert_non_null(o);
    assert_string_equal(cJSON_GetObjectItem(o, "query")->valuestring, "城镇新增就业");
    assert_int_equal(cJSON_GetObjectItem(o, "total")->valueint, 7);
    const cJSON *years = cJSON_GetObjectItem(o, "years");
    assert_int_equal(cJSON_GetArraySize(years), 3);
    char want[512], got[512];
    key_list(want, sizeof want, cJSON_GetArrayItem(cJSON_GetObjectItem(p, "results"), 0));
    int prev = 9999;
    const cJSON *y;
    cJSON_ArrayForEach(y, years) {
        int year = cJSON_GetObjectItem(y, "year")->valueint;
        assert_true(year < prev);
        prev = year;
        assert_true(cJSON_GetObjectItem(y, "total")->valueint >= 1);
        const cJSON *results = cJSON_GetObjectItem(y, "results");
        assert_int_equal(cJSON_GetArraySize(results), 1);
        const cJSON *r = cJSON_GetArrayItem(results, 0);
        key_list(got, sizeof got, r);
        assert_string_equal(got, want);   /* result objects exactly as in the normal JSON */
        assert_int_equal(cJSON_GetObjectItem(r, "year")->valueint, year);
    }
    cJSON_Delete(o);
    cJSON_Delete(p);
    bg_free(doc);
    bg_free(plain_doc);
    bg_results_free(plain);
    bg_byyear_free(by);
}

/* ---- figure extraction --------------------------------------------------- */

/* The figures of text as "value|clause;" strings. */
static void figures_of(char *out, size_t n, const char *text)
{
    bgi_figure_span *s = NULL;
    size_t k = 0;
    assert_int_equal(bgi_find_figures(&s, &k, text, strlen(text)), 0);
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        size_t used = strlen(out);
        snprintf(out + used, n - used, "%.*s|%.*s;", (int)(s[i].value_end - s[i].value_start),
                 text + s[i].value_start, (int)(s[i].clause.end - s[i].clause.start), text + s[i].clause.start);
    }
    free(s);
}

static void expect_figures(const char *text, const char *want)
{
    char got[1024];
    figures_of(got, sizeof got, text);
    if (strcmp(got, want) != 0)
        fail_msg("figures of '%s':\n  got  '%s'\n  want '%s'", text, got, want);
}

static void test_figure_forms(void **state)
{
    (void)state;
    expect_figures("城镇新增就业1100万人以上", "1100万人以上|城镇新增就业1100万人以上;");
    expect_figures("居民消费价格涨幅3%左右", "3%左右|居民消费价格涨幅3%左右;");
    expect_figures("制定修订行政法规22件", "22件|制定修订行政法规22件;");
    expect_figures("取消和下放行政许可事项1952项", "1952项|取消和下放行政许可事项1952项;");
    expect_figures("为企业减负2.8万亿元", "2.8万亿元|为企业减负2.8万亿元;");
    expect_figures("网上可办率达到100%", "100%|网上可办率达到100%;");
    expect_figures("国内生产总值增长6.5%", "6.5%|国内生产总值增长6.5%;");
    expect_figures("城镇调查失业率5.5%左右", "5.5%左右|城镇调查失业率5.5%左右;");
    expect_figures("城镇新增就业1361万人", "1361万人|城镇新增就业1361万人;");
    /* Ranges, approximations, full-width digits, thousands, Chinese numerals. */
    expect_figures("国内生产总值增长6%－6.5%", "6%－6.5%|国内生产总值增长6%－6.5%;");
    expect_figures("平均每年新增1000多万人", "1000多万人|平均每年新增1000多万人;");
    expect_figures("13亿多人口", "13亿多人|13亿多人口;");
    expect_figures("涨幅４．５％以内", "４．５％以内|涨幅４．５％以内;");
    expect_figures("投资1,000亿元", "1,000亿元|投资1,000亿元;");
    expect_figures("年均一千三百万人以上", "一千三百万人以上|年均一千三百万人以上;");
    expect_figures("提高1.2个百分点", "1.2个百分点|提高1.2个百分点;");
    expect_figures("出口3.4亿", "3.4亿|出口3.4亿;");
    expect_figures("新增600余家", "600余家|新增600余家;");
    expect_figures("100万元至300万元部分", "100万元至300万元|100万元至300万元部分;");
    expect_figures("九百六十多万平方公里", "九百六十多万平方公里|九百六十多万平方公里;");
    expect_figures("增长3倍", "3倍|增长3倍;");
}

static void test_not_figures(void **state)
{
    (void)state;
    /* Years and dates: 年, 月 and 日 are not units (so neither is a duration). */
    expect_figures("2019年政府工作报告", "");
    expect_figures("2019年3月5日", "");
    expect_figures("今后5年", "");
    /* Ordinals, in either kind of numeral. */
    expect_figures("第十四个五年规划", "");
    expect_figures("完成第14个专项规划", "");
    expect_figures("“十四五”规划", "");
    /* Names and bare numbers. */
    expect_figures("G20峰会", "");
    expect_figures("建设5G基站", "");
    expect_figures("PM2.5浓度", "");
    expect_figures("编号2019", "");
    /* Chinese numerals without a magnitude, or without a unit. */
    expect_figures("两个维护", "");
    expect_figures("三大攻坚战", "");
    expect_figures("一百年", "");
    expect_figures("亿万人民", "");
}

static void test_clauses(void **state)
{
    (void)state;
    const char *t = "——就业增长超出预期。全年城镇新增就业1314万人，城镇登记失业率4.02%。";
    expect_figures(t, "1314万人|全年城镇新增就业1314万人;4.02%|城镇登记失业率4.02%;");
    /* "、" separates items of one clause; leading dashes are not part of it. */
    expect_figures("——城镇新增就业1361万人、调查失业率5%左右", "1361万人|城镇新增就业1361万人、调查失业率5%左右;"
                                                              "5%左右|城镇新增就业1361万人、调查失业率5%左右;");
    bgi_clause c = bgi_clause_at(t, strlen(t), 0);
    assert_int_equal(c.start, strlen("——"));
    assert_int_equal(c.end, strlen("——就业增长超出预期"));
    bgi_clause next = bgi_clause_after(t, strlen(t), c);
    assert_int_equal(next.start, strlen("——就业增长超出预期。"));
    bgi_clause last = bgi_clause_after(t, strlen(t), bgi_clause_after(t, strlen(t), next));
    assert_int_equal(last.start, strlen(t));
    assert_int_equal(last.end, strlen(t));
    /* Invalid UTF-8 does not derail the scanner. */
    expect_figures("\xff\xfe增长7%\xe4", "7%|\xff\xfe增长7%\xe4;");
}

static void test_figures_json(void **state)
{
    (void)state;
    const char *t = "城镇新增就业1100万人以上，城镇调查失业率5.5%左右。";
    cJSON *o = cJSON_CreateObject();
    assert_true(bgi_add_figures_json(o, t, strlen(t)));
    const cJSON *arr = cJSON_GetObjectItem(o, "figures");
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    const cJSON *first = cJSON_GetArrayItem(arr, 0);
    size_t at[4];
    for (int k = 0; k < 4; k++)
        at[k] = (size_t)cJSON_GetArrayItem(first, k)->valueint;
    size_t vs = at[0], ve = at[1], cs = at[2], ce = at[3];
    assert_int_equal(ve - vs, strlen("1100万人以上"));
    assert_memory_equal(t + vs, "1100万人以上", ve - vs);
    assert_int_equal(cs, 0);
    assert_memory_equal(t + cs, "城镇新增就业1100万人以上", ce - cs);
    cJSON_Delete(o);
    o = cJSON_CreateObject();
    assert_true(bgi_add_figures_json(o, "没有数字", strlen("没有数字")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "figures")), 0);   /* present, empty */
    cJSON_Delete(o);
}

/* The indexer stores each passage's figures in its data. */
static void test_figures_stored(void **state)
{
    const fixture *f = *state;
    bgx_reader *r = NULL;
    bgi_err err = {0};
    assert_int_equal(bgx_reader_open(&r, f->index, &err), 0);
    bgx_query *q = bgx_query_term("Y2019", 5, 1, 0);
    bgx_match m = {0};
    assert_int_equal(bgx_search(&m, r, q, 0, 100, NULL, 0, &err), 0);
    size_t with = 0;
    for (size_t i = 0; i < m.n_hits; i++) {
        cJSON *d = cJSON_Parse(m.hits[i].data);
        const char *text = cJSON_GetObjectItem(d, "text")->valuestring;
        const cJSON *figs = cJSON_GetObjectItem(d, "figures"), *span;
        assert_true(cJSON_IsArray(figs));
        cJSON_ArrayForEach(span, figs) {
            size_t vs = (size_t)cJSON_GetArrayItem(span, 0)->valueint;
            size_t ve = (size_t)cJSON_GetArrayItem(span, 1)->valueint;
            assert_true(vs < ve && ve <= strlen(text));
            if (ve - vs == strlen("1952项") && memcmp(text + vs, "1952项", ve - vs) == 0)
                with++;
        }
        cJSON_Delete(d);
    }
    assert_int_equal(with, 1);
    bgx_match_clear(&m);
    bgx_query_free(q);
    bgx_reader_free(r);
}

/* ---- --figures ----------------------------------------------------------- */

static void test_search_figures(void **state)
{
    const fixture *f = *state;
    bg_figures *fig = NULL;
    assert_int_equal(bg_search_figures(&fig, f->ix, "城镇新增就业", NULL), 0);
    assert_int_equal(bg_figures_years(fig), 3);
    const int years[] = {2023, 2019, 2017};
    /* Each year's figures in reading order: last year's result, then the target. */
    const char *const values[3][3] = {{"1206万人", "1270多万人", "1200万人左右"},
                                      {"1361万人", "1100万人以上", NULL},
                                      {"1314万人", "1100万人以上", NULL}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(bg_figures_year(fig, i), years[i]);
        size_t n = bg_figures_count(fig, i);
        assert_int_equal(n, values[i][2] ? 3 : 2);
        for (size_t j = 0; j < n; j++) {
            const bg_figure *g = bg_figures_item(fig, i, j);
            assert_string_equal(bg_figure_value(g), values[i][j]);
            assert_int_equal(bg_figure_year(g), years[i]);
            assert_non_null(strstr(bg_figure_text(g), bg_figure_value(g)));
            assert_non_null(strstr(bg_figure_text(g), "城镇新增就业"));
            assert_non_null(strstr(bg_figure_report(g), "city-gov-"));
            assert_true(bg_figure_line(g) > 0);
        }
    }
    const bg_figure *result = bg_figures_item(fig, 1, 0), *target = bg_figures_item(fig, 1, 1);
    assert_string_equal(bg_figure_role(result), "result");
    assert_string_equal(bg_figure_role(target), "target");
    assert_string_equal(bg_figure_text(target), "城镇新增就业1100万人以上");
    assert_int_equal(bg_figure_line(target), 7);
    assert_null(bg_figures_item(fig, 3, 0));

    char *doc = bg_figures_json(fig);
    cJSON *o = cJSON_Parse(doc);
    const cJSON *g = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "figures"), 1);
    assert_int_equal(cJSON_GetObjectItem(g, "year")->valueint, 2019);
    const cJSON *item = cJSON_GetArrayItem(cJSON_GetObjectItem(g, "items"), 1);
    assert_string_equal(cJSON_GetObjectItem(item, "value")->valuestring, "1100万人以上");
    assert_string_equal(cJSON_GetObjectItem(item, "text")->valuestring, "城镇新增就业1100万人以上");
    assert_int_equal(cJSON_GetObjectItem(item, "line")->valueint, 7);
    assert_non_null(strstr(cJSON_GetObjectItem(item, "report")->valuestring, "city-gov-2019.txt"));
    cJSON_Delete(o);
    bg_free(doc);
    bg_figures_free(fig);

    /* A match whose clause holds no figure takes the next clause's first one. */
    assert_int_equal(bg_search_figures(&fig, f->ix, "进一步减税降费", NULL), 0);
    assert_int_equal(bg_figures_years(fig), 1);
    assert_string_equal(bg_figure_value(bg_figures_item(fig, 0, 0)), "3500亿元左右");
    bg_figures_free(fig);
    assert_int_equal(bg_search_figures(&fig, f->ix, "量子引力波", NULL), 0);
    assert_int_equal(bg_figures_years(fig), 0);
    bg_figures_free(fig);
    bg_figures_free(NULL);
}

/* An index without reports: nothing found, no errors but for --like. */
static void test_empty_index(void **state)
{
    const fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/empty", f->dir);
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, path, BG_OPEN_WRITE | BG_OPEN_CREATE), 0);
    assert_int_equal(bg_index_commit(ix), 0);
    bg_byyear *by = NULL;
    assert_int_equal(bg_search_by_year(&by, ix, "城镇新增就业", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 3}), 0);
    assert_int_equal(bg_byyear_years(by), 0);
    char *doc = bg_byyear_json(by);
    assert_string_equal(doc, "{\"query\":\"城镇新增就业\",\"total\":0,\"total_exact\":true,\"total_lower\":0,"
                             "\"total_upper\":0,\"facets_exact\":true,\"years\":[],\"missing_shards\":[]}");
    bg_free(doc);
    bg_byyear_free(by);
    bg_figures *fig = NULL;
    assert_int_equal(bg_search_figures(&fig, ix, "城镇新增就业", NULL), 0);
    assert_int_equal(bg_figures_years(fig), 0);
    doc = bg_figures_json(fig);
    assert_string_equal(doc, "{\"query\":\"城镇新增就业\",\"figures\":[],\"missing_shards\":[]}");
    bg_free(doc);
    bg_figures_free(fig);
    bg_results *res = NULL;
    assert_int_equal(bg_search_like(&res, ix, "0123456789abcdef:1", NULL), BG_ENOTFOUND);
    bg_index_free(ix);
}

/* ---- --like -------------------------------------------------------------- */

/* The id of the first hit of q in year. */
static char *id_of(const fixture *f, const char *q, int year, char **report, size_t *line)
{
    bg_results *res = search(f, q, &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .limit = 1, .year_from = year, .year_to = year});
    assert_int_equal(bg_results_count(res), 1);
    const bg_hit *h = bg_results_hit(res, 0);
    char *id = strdup(bg_hit_id(h));
    if (report)
        *report = strdup(bg_hit_report(h));
    if (line)
        *line = bg_hit_line(h);
    bg_results_free(res);
    return id;
}

static void test_like(void **state)
{
    const fixture *f = *state;
    char *id = id_of(f, "普惠性减税", 2019, NULL, NULL);
    bg_results *res = NULL;
    assert_int_equal(bg_search_like(&res, f->ix, id, &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .limit = 100}), 0);
    assert_true(bg_results_total(res) >= 3);
    assert_int_equal(year_facet(res, 2019), 0);
    for (size_t i = 0; i < bg_results_count(res); i++)
        assert_int_not_equal(bg_hit_year(bg_results_hit(res, i)), 2019);
    /* The best are the other years' passages on tax cuts. */
    for (size_t i = 0; i < 2; i++)
        assert_non_null(strstr(bg_hit_text(bg_results_hit(res, i)), "减税"));
    assert_true(year_facet(res, 2017) > 0 && year_facet(res, 2021) > 0);
    const bg_hit *top = bg_results_hit(res, 0);
    size_t n_matches;
    const size_t *ms, *me;
    n_matches = bg_hit_matches(top, &ms, &me);
    assert_true(n_matches > 0);   /* the words searched for are highlighted */
    char *doc = bg_results_json(res);
    cJSON *o = cJSON_Parse(doc);
    assert_string_equal(cJSON_GetObjectItem(o, "query")->valuestring, id);
    cJSON_Delete(o);
    bg_free(doc);
    bg_results_free(res);

    /* Filters narrow the other years. */
    assert_int_equal(bg_search_like(&res, f->ix, id, &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .year_from = 2017, .year_to = 2017}), 0);
    assert_true(bg_results_count(res) > 0);
    for (size_t i = 0; i < bg_results_count(res); i++)
        assert_int_equal(bg_hit_year(bg_results_hit(res, i)), 2017);
    bg_results_free(res);
    free(id);
}

static void test_like_report_line(void **state)
{
    fixture *f = *state;
    char *report = NULL;
    size_t line = 0;
    char *id = id_of(f, "城镇新增就业1361万人", 2019, &report, &line);
    char ref[256];
    snprintf(ref, sizeof ref, "%s:%zu", report, line);
    bg_results *by_id = NULL, *by_line = NULL;
    assert_int_equal(bg_search_like(&by_id, f->ix, id, NULL), 0);
    assert_int_equal(bg_search_like(&by_line, f->ix, ref, NULL), 0);
    assert_true(bg_results_count(by_id) > 0);
    assert_int_equal(bg_results_total(by_line), bg_results_total(by_id));
    assert_string_equal(bg_hit_id(bg_results_hit(by_line, 0)), bg_hit_id(bg_results_hit(by_id, 0)));
    bg_results_free(by_line);

    /* A report moved since indexing is still found by the path it was indexed as. */
    char moved[256];
    snprintf(moved, sizeof moved, "%s.moved", report);
    assert_int_equal(rename(report, moved), 0);
    assert_int_equal(bg_search_like(&by_line, f->ix, ref, NULL), 0);
    assert_string_equal(bg_hit_id(bg_results_hit(by_line, 0)), bg_hit_id(bg_results_hit(by_id, 0)));
    assert_int_equal(rename(moved, report), 0);
    bg_results_free(by_line);
    bg_results_free(by_id);

    /* Errors: malformed, unknown passage, unknown report, no passage on the line. */
    bg_results *res = NULL;
    assert_int_equal(bg_search_like(&res, f->ix, "garbage", NULL), BG_EINVAL);
    assert_null(res);
    assert_int_equal(bg_search_like(&res, f->ix, "0123456789abcdef:1", NULL), BG_ENOTFOUND);
    assert_int_equal(bg_search_like(&res, f->ix, "/nonexistent/report.txt:3", NULL), BG_ENOTFOUND);
    snprintf(ref, sizeof ref, "%s:9999", report);
    assert_int_equal(bg_search_like(&res, f->ix, ref, NULL), BG_ENOTFOUND);
    assert_non_null(strstr(bg_errmsg(), "9999"));
    free(report);
    free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figure_forms),
        cmocka_unit_test(test_not_figures),
        cmocka_unit_test(test_clauses),
        cmocka_unit_test(test_figures_json),
        cmocka_unit_test(test_facets_exact),
        cmocka_unit_test(test_by_year),
        cmocka_unit_test(test_by_year_json),
        cmocka_unit_test(test_figures_stored),
        cmocka_unit_test(test_search_figures),
        cmocka_unit_test(test_like),
        cmocka_unit_test(test_like_report_line),
        cmocka_unit_test(test_empty_index),
        cmocka_unit_test(test_facets_with_older_passages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
