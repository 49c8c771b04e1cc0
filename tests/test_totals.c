/* test_totals.c — issue 14, decision 1: totals and facets are exact up to a
 * bound, then estimated, and say so. Two indexes, each with a report whose
 * one passage holding 发展 is its last (the last document of its year's
 * shard, so a sample in docid order meets it last): "big", beside a 2020
 * report of 50,000 passages that each hold 发展 (the one match among
 * 50,000: uniform passages, which Xapian checks all of whatever the bound),
 * and "corpus", beside the shared corpus of 21 real reports (1,485 passages
 * with 发展, whose weights let Xapian stop early). With a bound below the
 * matches the total is an estimate within its bounds (the true count between
 * them) and the facets are marked; exact counts every match; every year with
 * a match is listed, by the year facet and by --by-year, also from a remote
 * shard that combines the years (xapian-progsrv); pages are the same however
 * far it counts; the matching tiers add their estimates; version 1 options
 * still work. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baogao.h"

#define BIG 50000

typedef struct fixture {
    char dir[64];
    bg_index *ix;      /* big */
    bg_index *corpus;  /* the shared corpus and the one match of 2031; NULL without it */
    size_t corpus_total;   /* its exact count of 发展 */
} fixture;

static int write_report(const char *path, int year, size_t n, int single)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fprintf(fp, "某地%d年政府工作报告（试行）\n", year);
    for (size_t i = 0; i < n; i++)
        if (single)
            fprintf(fp, "第%zu条：加强基层治理，落实目标%zu。\n", i + 1, i);
        else
            fprintf(fp, "第%zu项工作：推动经济高质量发展，完成目标%zu。\n", i + 1, i * 7 + 3);
    if (single)
        fputs("最后一条：坚持绿色发展。\n", fp);
    return fclose(fp);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_totals_XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    char big[128], small[128], db[128];
    snprintf(big, sizeof big, "%s/big-2020.txt", f->dir);
    snprintf(small, sizeof small, "%s/small-2021.txt", f->dir);
    snprintf(db, sizeof db, "%s/index", f->dir);
    int status = 0;
    if (write_report(big, 2020, BIG, 0) || write_report(small, 2021, 300, 1)
        || bg_index_open(&f->ix, db, BG_OPEN_WRITE | BG_OPEN_CREATE)
        || bg_index_add_file(&status, NULL, f->ix, big, NULL) || bg_index_add_file(&status, NULL, f->ix, small, NULL)
        || bg_index_commit(f->ix))
        return -1;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls %s/*.txt >/dev/null 2>&1", BG_SHARED_CORPUS);
    if (BG_SHARED_CORPUS[0] && system(cmd) == 0) {
        snprintf(db, sizeof db, "%s/corpus", f->dir);
        snprintf(small, sizeof small, "%s/small-2031.txt", f->dir);
        if (write_report(small, 2031, 300, 1) || bg_index_open(&f->corpus, db, BG_OPEN_WRITE | BG_OPEN_CREATE)
            || bg_index_add_file(&status, NULL, f->corpus, small, NULL))
            return -1;
        snprintf(cmd, sizeof cmd, "%s/*.txt", BG_SHARED_CORPUS);
        glob_t g;
        if (glob(cmd, 0, NULL, &g) != 0)
            return -1;
        int rc = bg_index_add_files(f->corpus, (const char *const *)g.gl_pathv, g.gl_pathc, 1, NULL, NULL);
        globfree(&g);
        if (rc || bg_index_commit(f->corpus))
            return -1;
        bg_search_options o = BG_SEARCH_OPTIONS_INIT;
        o.exact = 1;
        bg_results *res = NULL;
        if (bg_search_run(&res, f->corpus, "发展", &o))
            return -1;
        f->corpus_total = bg_results_total(res);
        bg_results_free(res);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    bg_index_free(f->ix);
    bg_index_free(f->corpus);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static bg_results *search(bg_index *ix, const char *q, int exact, size_t bound, size_t offset, size_t limit)
{
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.exact = exact;
    o.count_bound = bound;
    o.offset = offset;
    o.limit = limit;
    bg_results *res = NULL;
    if (bg_search_run(&res, ix, q, &o) != 0)
        fail_msg("%s: %s", q, bg_errmsg());
    return res;
}

static size_t facet_count(const bg_results *res, bg_facet facet, const char *value)
{
    for (size_t i = 0; i < bg_results_facet_size(res, facet); i++) {
        size_t n = 0;
        const char *v = bg_results_facet(res, facet, i, &n);
        if (strcmp(v, value) == 0)
            return n;
    }
    return 0;
}

/* More matches than the bound: an estimate, within bounds that hold the
 * true count, said so in the JSON; every year listed, the year of one match
 * (2031) counted exactly (its shard has fewer matches than its share). */
static void assert_estimated(const bg_results *res, size_t truth, size_t years)
{
    assert_false(bg_results_total_exact(res));
    assert_false(bg_results_facets_exact(res));
    size_t lower = bg_results_total_lower(res), upper = bg_results_total_upper(res), total = bg_results_total(res);
    assert_true(lower <= total && total <= upper);
    assert_true(lower <= truth && truth <= upper);
    assert_true(lower >= 50);     /* at least the bound was checked */
    assert_int_equal(bg_results_facet_size(res, BG_FACET_YEAR), years);
    assert_int_equal(facet_count(res, BG_FACET_YEAR, "2031"), 1);
    char *doc = bg_results_json(res);
    assert_non_null(strstr(doc, "\"total_exact\":false,\"total_lower\":"));
    assert_non_null(strstr(doc, "\"facets_exact\":false"));
    assert_non_null(strstr(doc, "\"2031\":1"));
    bg_free(doc);
}

/* Whatever was counted: what is said holds, and every year is listed. */
static void assert_sound(const bg_results *res, size_t truth, size_t years)
{
    size_t lower = bg_results_total_lower(res), upper = bg_results_total_upper(res), total = bg_results_total(res);
    assert_true(lower <= total && total <= upper && lower <= truth && truth <= upper);
    assert_int_equal(bg_results_total_exact(res), lower == upper);
    if (bg_results_total_exact(res))
        assert_int_equal(total, truth);
    assert_int_equal(bg_results_facet_size(res, BG_FACET_YEAR), years);
    assert_int_equal(facet_count(res, BG_FACET_YEAR, "2031"), 1);
}

static size_t year_count(bg_index *ix, const char *q)
{
    bg_results *res = search(ix, q, 1, 0, 0, 1);
    size_t n = bg_results_facet_size(res, BG_FACET_YEAR);
    bg_results_free(res);
    return n;
}

static void test_bound(void **state)
{
    fixture *f = *state;
    if (!f->corpus)
        skip();
    bg_results *res = search(f->corpus, "发展", 0, 50, 0, 10);
    assert_estimated(res, f->corpus_total, year_count(f->corpus, "发展"));
    assert_sound(res, f->corpus_total, year_count(f->corpus, "发展"));
    assert_int_equal(bg_results_count(res), 10);
    bg_results_free(res);
}

static void test_exact(void **state)
{
    fixture *f = *state;
    bg_results *res = search(f->ix, "发展", 1, 50, 0, 10);
    assert_true(bg_results_total_exact(res));
    assert_true(bg_results_facets_exact(res));
    assert_int_equal(bg_results_total(res), BIG + 1);
    assert_int_equal(bg_results_total_lower(res), BIG + 1);
    assert_int_equal(bg_results_total_upper(res), BIG + 1);
    assert_int_equal(facet_count(res, BG_FACET_YEAR, "2020"), BIG);
    assert_int_equal(facet_count(res, BG_FACET_YEAR, "2021"), 1);
    char *doc = bg_results_json(res);
    assert_non_null(strstr(doc, "\"total\":50001,\"total_exact\":true,\"total_lower\":50001,\"total_upper\":50001,"
                                "\"facets_exact\":true,"));
    bg_free(doc);
    bg_results_free(res);
    /* Fewer matches than the bound: exact without asking. */
    res = search(f->ix, "绿色发展", 0, 50, 0, 10);
    assert_true(bg_results_total_exact(res) && bg_results_facets_exact(res));
    assert_int_equal(bg_results_total(res), 1);
    bg_results_free(res);
}

/* The default bound (10,000) below 50,001 matches: whether Xapian checked
 * them all or not, what is said holds, and 2021 is listed. */
static void test_default_bound(void **state)
{
    fixture *f = *state;
    bg_results *res = search(f->ix, "发展", 0, 0, 0, 10);
    size_t total = bg_results_total(res);
    assert_true(bg_results_total_lower(res) <= total && total <= bg_results_total_upper(res));
    assert_true(bg_results_total_lower(res) <= BIG + 1 && BIG + 1 <= bg_results_total_upper(res));
    assert_int_equal(bg_results_total_exact(res), bg_results_total_lower(res) == bg_results_total_upper(res));
    if (bg_results_total_exact(res))
        assert_int_equal(total, BIG + 1);
    assert_int_equal(facet_count(res, BG_FACET_YEAR, "2021"), 1);
    bg_results_free(res);
}

/* How far a search counts does not change its pages. */
static void test_same_pages(void **state)
{
    fixture *f = *state;
    static const size_t pages[][2] = {{0, 10}, {30, 10}, {200, 25}};
    for (size_t p = 0; p < 6; p++) {
        bg_index *ix = p < 3 ? f->ix : f->corpus;
        if (!ix)
            continue;
        bg_results *a = search(ix, "发展", 1, 0, pages[p % 3][0], pages[p % 3][1]);
        bg_results *b = search(ix, "发展", 0, 50, pages[p % 3][0], pages[p % 3][1]);
        assert_int_equal(bg_results_count(a), pages[p % 3][1]);
        assert_int_equal(bg_results_count(a), bg_results_count(b));
        for (size_t i = 0; i < bg_results_count(a); i++) {
            const bg_hit *x = bg_results_hit(a, i), *y = bg_results_hit(b, i);
            assert_string_equal(bg_hit_id(x), bg_hit_id(y));
            assert_int_equal(bg_hit_rank(x), bg_hit_rank(y));
            assert_true(bg_hit_score(x) == bg_hit_score(y));
        }
        bg_results_free(a);
        bg_results_free(b);
    }
}

/* Equal scores rank by passage id, whichever way the page is found: the
 * 50,000 passages of one shape tie in groups larger than the page, so a
 * page is ordered from a longer list when its ties end within it, and found
 * by a match sorted by id when they go on beyond (xapian/bgx.cc,
 * run_match). Every page is the same slice of one long page, and within a
 * page equal scores have ascending ids. */
static void test_tie_order(void **state)
{
    fixture *f = *state;
    bg_results *all = search(f->ix, "发展", 1, 0, 0, 1200);
    assert_int_equal(bg_results_count(all), 1200);
    static const size_t pages[][2] = {{0, 10}, {5, 10}, {95, 10}, {100, 10}, {111, 7}, {990, 20}, {1150, 50}};
    for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
        bg_results *res = search(f->ix, "发展", 1, 0, pages[p][0], pages[p][1]);
        assert_int_equal(bg_results_count(res), pages[p][1]);
        for (size_t i = 0; i < bg_results_count(res); i++) {
            const bg_hit *h = bg_results_hit(res, i), *want = bg_results_hit(all, pages[p][0] + i);
            assert_string_equal(bg_hit_id(h), bg_hit_id(want));
            assert_true(bg_hit_score(h) == bg_hit_score(want));
            const bg_hit *prev = i ? bg_results_hit(res, i - 1) : NULL;
            if (prev && bg_hit_score(prev) == bg_hit_score(h))
                assert_true(strcmp(bg_hit_id(prev), bg_hit_id(h)) < 0);
        }
        bg_results_free(res);
    }
    bg_results_free(all);
}

/* A handle counts the facets of a shard of several bodies from a table of
 * its values once it has read enough of them one by one (xapian/bgx.cc,
 * value_runs): the same query, asked again, has the same facets. */
static void test_facets_again(void **state)
{
    fixture *f = *state;
    if (!f->corpus)
        skip();
    static const char *const queries[] = {"发展", "改革", "政府工作", "就业"};
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        char *first = NULL;
        for (int round = 0; round < 3; round++) {
            bg_results *res = search(f->corpus, queries[q], 1, 0, 0, 10);
            char *doc = bg_results_json(res);
            if (first)
                assert_string_equal(doc, first);
            else
                first = doc;
            if (doc != first)
                bg_free(doc);
            bg_results_free(res);
        }
        bg_free(first);
    }
}

/* --by-year: the year with one match among 50,001 is listed, with it;
 * over the corpus, every year, the counts beside them marked. */
static void test_by_year(void **state)
{
    fixture *f = *state;
    for (int exact = 0; exact < 2; exact++) {
        bg_search_options o = BG_SEARCH_OPTIONS_INIT;
        o.exact = exact;
        o.count_bound = 50;
        o.per_year = 2;
        bg_byyear *by = NULL;
        assert_int_equal(bg_search_by_year(&by, f->ix, "发展", &o), 0);
        assert_int_equal(bg_byyear_years(by), 2);
        assert_int_equal(bg_byyear_year(by, 0), 2021);
        assert_int_equal(bg_byyear_year_total(by, 0), 1);
        assert_int_equal(bg_byyear_count(by, 0), 1);
        assert_non_null(strstr(bg_hit_text(bg_byyear_hit(by, 0, 0)), "绿色发展"));
        assert_int_equal(bg_byyear_year(by, 1), 2020);
        assert_int_equal(bg_byyear_count(by, 1), 2);
        size_t total = bg_byyear_total(by);
        assert_true(bg_byyear_total_lower(by) <= total && total <= bg_byyear_total_upper(by));
        if (exact)
            assert_int_equal(bg_byyear_year_total(by, 1), BIG);
        bg_byyear_free(by);
        if (!f->corpus)
            continue;
        assert_int_equal(bg_search_by_year(&by, f->corpus, "发展", &o), 0);
        assert_int_equal(bg_byyear_years(by), year_count(f->corpus, "发展"));
        assert_int_equal(bg_byyear_year(by, 0), 2031);
        assert_int_equal(bg_byyear_year_total(by, 0), 1);
        /* Collapsing keeps Xapian from stopping early: it may count all. */
        if (exact)
            assert_true(bg_byyear_total_exact(by) && bg_byyear_year_totals_exact(by));
        total = bg_byyear_total(by);
        assert_true(bg_byyear_total_lower(by) <= total && total <= bg_byyear_total_upper(by));
        assert_true(bg_byyear_total_lower(by) <= f->corpus_total && f->corpus_total <= bg_byyear_total_upper(by));
        for (size_t i = 1; i < bg_byyear_years(by); i++)
            assert_int_equal(bg_byyear_count(by, i), 2);
        char *doc = bg_byyear_json(by);
        assert_non_null(strstr(doc, bg_byyear_year_totals_exact(by) ? "\"year\":2031,\"total\":1,\"total_exact\":true"
                                                                    : "\"year\":2031,\"total\":1,\"total_exact\":false"));
        bg_free(doc);
        bg_byyear_free(by);
    }
}

/* The tiers run only when the exact matches end before the page does, so
 * those are then all counted; a tier's own total may be an estimate, and
 * the sum says so. 推动经济发展 is nowhere as written; its words are in
 * 50,000 passages. */
static void test_tiers(void **state)
{
    fixture *f = *state;
    if (!f->corpus)
        skip();
    bg_results *exact = search(f->corpus, "改革发展经济", 1, 0, 0, 10);
    bg_results *res = search(f->corpus, "改革发展经济", 0, 50, 0, 10);
    assert_int_equal(bg_results_count(res), 10);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 0)), "all_words");
    assert_true(bg_results_total_exact(exact));
    assert_false(bg_results_total_exact(res));
    size_t total = bg_results_total(res), truth = bg_results_total(exact);
    assert_true(bg_results_total_lower(res) <= total && total <= bg_results_total_upper(res));
    assert_true(bg_results_total_lower(res) <= truth && truth <= bg_results_total_upper(res));
    for (size_t i = 0; i < bg_results_count(res); i++)
        assert_string_equal(bg_hit_id(bg_results_hit(res, i)), bg_hit_id(bg_results_hit(exact, i)));
    bg_results_free(res);
    bg_results_free(exact);
}

/* A remote shard serving every year (xapian-progsrv over a pipe): the
 * same page; every year listed whether its count is sampled (Xapian checks
 * every match of a server's combined shards when unweighted, so it is
 * counted in full there) or not. */
static void test_remote_years(void **state)
{
    fixture *f = *state;
    if (!f->corpus || access("/usr/bin/xapian-progsrv", X_OK) != 0)
        skip();
    char stub[128];
    snprintf(stub, sizeof stub, "%s/remote.stub", f->dir);
    FILE *fp = fopen(stub, "w");
    assert_non_null(fp);
    fprintf(fp, "remote :xapian-progsrv %s/corpus\n", f->dir);
    assert_int_equal(fclose(fp), 0);
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, stub, 0), 0);
    bg_results *res = search(ix, "发展", 0, 50, 0, 10);
    bg_results *local = search(f->corpus, "发展", 0, 50, 0, 10);
    assert_sound(res, f->corpus_total, year_count(f->corpus, "发展"));
    assert_int_equal(bg_results_count(res), bg_results_count(local));
    for (size_t i = 0; i < bg_results_count(res); i++)
        assert_string_equal(bg_hit_id(bg_results_hit(res, i)), bg_hit_id(bg_results_hit(local, i)));
    bg_results_free(local);
    bg_results_free(res);
    res = search(ix, "发展", 1, 0, 0, 10);
    assert_int_equal(bg_results_total(res), f->corpus_total);
    assert_int_equal(facet_count(res, BG_FACET_YEAR, "2031"), 1);
    bg_results_free(res);
    bg_index_free(ix);
}

/* A caller built against version 1 of the options (no exact, no
 * count_bound): its struct is read as far as it goes. */
typedef struct options_v1 {
    unsigned int version;
    size_t offset, limit;
    int year_from, year_to;
    const char *body;
    size_t per_year;
    const char *kind, *docno;
    int all_copies, year_unknown, body_unknown;
    const int *years;
    size_t n_years;
    int strict;
} options_v1;

static void test_options_v1(void **state)
{
    fixture *f = *state;
    assert_int_equal(offsetof(options_v1, strict) + sizeof(int), offsetof(bg_search_options, exact));
    options_v1 *v1 = calloc(1, sizeof *v1);   /* exactly its size: ASan sees a read past it */
    assert_int_equal(bg_search_options_init((bg_search_options *)v1, 1), 0);
    assert_int_equal(v1->version, 1);
    v1->limit = 3;
    v1->year_from = 2021;
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, f->ix, "发展", (bg_search_options *)v1), 0);
    assert_int_equal(bg_results_total(res), 1);
    assert_true(bg_results_total_exact(res));
    bg_results_free(res);
    free(v1);
    bg_search_options o;
    assert_int_equal(bg_search_options_init(&o, 2), 0);
    assert_int_equal(o.exact, 0);
    assert_int_equal(o.count_bound, 0);
    assert_int_not_equal(bg_search_options_init(&o, 3), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_default_bound),
        cmocka_unit_test(test_same_pages),
        cmocka_unit_test(test_tie_order),
        cmocka_unit_test(test_facets_again),
        cmocka_unit_test(test_by_year),
        cmocka_unit_test(test_tiers),
        cmocka_unit_test(test_remote_years),
        cmocka_unit_test(test_options_v1),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
