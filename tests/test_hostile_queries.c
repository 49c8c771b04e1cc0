/* test_hostile_queries.c — what a search box receives from the world: 10 kB
 * and 1 MB pastes, only punctuation, unbalanced quotes and brackets, thousands
 * of OR terms, invalid UTF-8, control characters, odd Unicode, and hostile
 * options and passage references. Each must give an error code with a message
 * or a normal result — never a crash, never work that grows without bound
 * (the limits of query/qparse.h and query/qbuild.c stop it first). Wall-clock
 * time is not asserted, to keep the test stable on a busy machine; the time of
 * the slowest call is printed. Runs over the small fixture reports. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baogao.h"

/* Expected outcome classes. */
enum { RESULTS = 1, MAYBE = 2 };   /* MAYBE: results, none, or BG_EQUERY */

typedef struct fixture {
    char dir[64];
    char index[96];
    bg_index *ix;
} fixture;

static double slowest;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_test_hostile_q_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
    bg_index *w = NULL;
    if (bg_index_open(&w, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE) != 0)
        return -1;
    const char *names[] = {"reports/sample-gov-2021.txt", "reports/fazhi-district-2022.txt",
                           "years/city-gov-2019.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", BG_TEST_FIXTURES, names[i]);
        if (bg_index_add_file(NULL, NULL, w, p, NULL) != 0) {
            fprintf(stderr, "%s\n", bg_errmsg());
            return -1;
        }
    }
    int rc = bg_index_commit(w);
    bg_index_free(w);
    if (rc || bg_index_open(&f->ix, f->index, BG_OPEN_READ) != 0)
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
    int rc = system(cmd);
    free(f);
    printf("slowest call: %.3f s\n", slowest);
    return rc == 0 ? 0 : -1;
}

/* Whether s is valid UTF-8 (what a JSON consumer will insist on). */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (!n || (n == 2 && *p < 0xC2))
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

/* Runs query through every kind of search and checks the outcome class;
 * label names the case in failure messages. */
static void expect(bg_index *ix, const char *label, const char *query, int want)
{
    double t0 = now();
    bg_results *res = NULL;
    int rc = bg_search_run(&res, ix, query, NULL);
    const char *msg = bg_errmsg();
    if (rc) {
        assert_null(res);
        /* Errors are one line that says something. */
        if (!msg[0] || strchr(msg, '\n'))
            fail_msg("%s: bad error message '%s'", label, msg);
        if (want == RESULTS || (want == MAYBE && rc != BG_EQUERY) || (want < 0 && rc != want))
            fail_msg("%s: got %d (%s), wanted %d", label, rc, msg, want);
    } else {
        if (want < 0)
            fail_msg("%s: succeeded (%zu results), wanted error %d", label, bg_results_total(res), want);
        if (want == RESULTS && bg_results_total(res) == 0)
            fail_msg("%s: no results", label);
        char *json = bg_results_json(res);
        assert_non_null(json);
        cJSON *o = cJSON_Parse(json);
        if (!o || !valid_utf8(json))
            fail_msg("%s: invalid JSON or UTF-8 in the results", label);
        cJSON_Delete(o);
        bg_free(json);
        for (size_t i = 0; i < bg_results_count(res); i++) {
            char *sn = bg_hit_snippet(bg_results_hit(res, i), 80, "[", "]");
            assert_non_null(sn);
            bg_free(sn);
        }
    }
    bg_results_free(res);
    /* The other ways of searching parse and build the same query. */
    bg_byyear *by = NULL;
    int rc2 = bg_search_by_year(&by, ix, query, &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 3});
    if ((rc2 == 0) != (rc == 0))
        fail_msg("%s: by-year gave %d, search %d", label, rc2, rc);
    bg_byyear_free(by);
    bg_figures *fig = NULL;
    int rc3 = bg_search_figures(&fig, ix, query, NULL);
    if ((rc3 == 0) != (rc == 0))
        fail_msg("%s: figures gave %d, search %d", label, rc3, rc);
    bg_figures_free(fig);
    double dt = now() - t0;
    if (dt > slowest)
        slowest = dt;
}

static char *repeat(const char *unit, size_t times, const char *sep)
{
    size_t ul = strlen(unit), sl = strlen(sep);
    char *s = malloc(times * (ul + sl) + 1), *p = s;
    assert_non_null(s);
    for (size_t i = 0; i < times; i++) {
        memcpy(p, unit, ul);
        p += ul;
        if (i + 1 < times) {
            memcpy(p, sep, sl);
            p += sl;
        }
    }
    *p = '\0';
    return s;
}

static void test_size_limits(void **state)
{
    fixture *f = *state;
    expect(f->ix, "sanity", "电子证照", RESULTS);
    char *s = repeat("电子证照", 10240 / 12, "");             /* 10 kB, one item */
    expect(f->ix, "10 kB", s, BG_ETOOBIG);
    free(s);
    s = repeat("x", 1 << 20, "");                             /* a pasted megabyte */
    expect(f->ix, "1 MB", s, BG_ETOOBIG);
    free(s);
    s = repeat("电子", 5000, " OR ");                          /* thousands of OR terms */
    expect(f->ix, "5000 ORs", s, BG_ETOOBIG);
    free(s);
    s = repeat("证", 33, " OR ");                              /* over the item limit, under the byte limit */
    expect(f->ix, "33 ORs", s, BG_ETOOBIG);
    free(s);
    s = repeat("证", 32, " OR ");                              /* exactly the item limit */
    expect(f->ix, "32 ORs", s, RESULTS);
    free(s);
    s = repeat("证照", 32, " ");                               /* 32 ANDed single-bigram items */
    expect(f->ix, "32 ANDs", s, RESULTS);
    free(s);
    s = repeat("政", 128, "");                                 /* the longest item */
    expect(f->ix, "128 chars", s, MAYBE);
    free(s);
    s = repeat("政", 129, "");   /* since issue 16: a pasted text, searched for its source */
    expect(f->ix, "129 chars", s, MAYBE);
    free(s);
    s = repeat("政", 2001, "");  /* past BGI_SOURCE_MAX_CHARS */
    expect(f->ix, "2001 chars", s, BG_ETOOBIG);
    free(s);
    s = repeat("a", 1024, "");                                 /* 1024 bytes of one Latin run */
    expect(f->ix, "1024 x a", s, MAYBE);   /* a pasted text since issue 16: bounded cost */
    free(s);
    s = repeat("-电子", 32, " ");                              /* only exclusions */
    expect(f->ix, "32 exclusions", s, BG_EQUERY);
    free(s);
}

static void test_syntax_garbage(void **state)
{
    fixture *f = *state;
    static const struct { const char *label, *q; int want; } cases[] = {
        {"empty", "", BG_EQUERY},
        {"spaces", " \t\n\r\f\v\xe3\x80\x80 ", BG_EQUERY},
        {"punctuation", "，。！？、；：（）《》【】——……“”‘’!@#$%^&*()_+=[]{}|\\;:'\",.<>/?`~", BG_EQUERY},
        {"lone quote", "\"", BG_EQUERY},
        {"quotes only", "\"\"\"\"\"\"", BG_EQUERY},
        {"unbalanced quote", "\"电子证照", RESULTS},
        {"unbalanced curly", "“电子证照", RESULTS},
        {"closing curly only", "电子证照”", RESULTS},
        {"mixed quotes", "「电子证照“ 政务”」", MAYBE},
        {"brackets", "(((电子证照", RESULTS},
        {"unbalanced brackets", "（电子证照]]])}", RESULTS},
        {"lone minus", "-", MAYBE},
        {"minus spaces", "- - - -", MAYBE},
        {"minus quote", "-\"", BG_EQUERY},
        {"only OR", "OR", MAYBE},
        {"OR chain", "OR OR OR OR 电子证照 OR OR", RESULTS},
        {"trailing OR", "电子证照 OR", RESULTS},
        {"fullwidth OR", "电子证照 ＯＲ 营商", MAYBE},
        {"exclusion only", "-电子证照", BG_EQUERY},
        {"double minus", "--电子证照", MAYBE},
        {"fullwidth minus", "－电子证照 政务", MAYBE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect(f->ix, cases[i].label, cases[i].q, cases[i].want);
}

static void test_bad_bytes(void **state)
{
    fixture *f = *state;
    static const struct { const char *label, *q; int want; } cases[] = {
        /* Invalid UTF-8 is refused (BG_EQUERY naming the byte): results echo
         * the query in JSON, which must be UTF-8. */
        {"0xFF", "\xff", BG_EQUERY},
        {"invalid UTF-8 around a word", "\xff\xfe电子\x80证照\xc3", BG_EQUERY},
        {"truncated sequence", "电子证\xe7\x85", BG_EQUERY},
        {"overlong slash", "\xc0\xaf电子证照", BG_EQUERY},
        {"encoded surrogate", "\xed\xa0\x80电子证照", BG_EQUERY},
        {"beyond U+10FFFF", "\xf4\x90\x80\x80电子证照", BG_EQUERY},
        {"control characters", "\x01\x02电子证照\x1b[31m\x7f", MAYBE},
        {"only controls", "\x01\x02\x03\x1b\x7f", BG_EQUERY},
        {"zero-width and bidi", "\xe2\x80\x8b电子\xe2\x80\x8d证照\xe2\x80\xae", MAYBE},
        {"combining marks", "e\xcc\x81\xcc\x81\xcc\x81\xcc\x81 电子证照", MAYBE},
        {"emoji", "\xf0\x9f\x98\x80\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb 电子证照", MAYBE},
        {"private use", "\xee\x80\x80\xef\xbf\xbd\xef\xbf\xbf", BG_EQUERY},
        {"traditional", "電子證照", RESULTS},
        {"fullwidth latin", "ＡＢＣ１２３", MAYBE},
        {"CJK extension B", "\xf0\xa0\x80\x80\xf0\xaa\x9a\xa5", MAYBE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect(f->ix, cases[i].label, cases[i].q, cases[i].want);
}

/* Options and passage references are input too. */
static void test_hostile_options(void **state)
{
    fixture *f = *state;
    bg_results *res = NULL;
    bg_search_options o = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 1000000};
    assert_int_equal(bg_search_run(&res, f->ix, "电子证照", &o), BG_ETOOBIG);
    o = (bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .offset = (size_t)-1};
    assert_int_equal(bg_search_run(&res, f->ix, "电子证照", &o), BG_ETOOBIG);
    o = (bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .year_from = 1, .year_to = 9999};
    assert_int_equal(bg_search_run(&res, f->ix, "电子证照", &o), BG_EINVAL);
    o = (bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .year_from = 2030, .year_to = 2020};
    assert_int_equal(bg_search_run(&res, f->ix, "电子证照", &o), BG_EINVAL);
    o = (bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .year_from = -5, .year_to = -1};
    int rc = bg_search_run(&res, f->ix, "电子证照", &o);
    assert_true(rc == 0 || rc == BG_EINVAL);
    bg_results_free(res);
    res = NULL;
    char *body = repeat("国务院", 2000, "");
    o = (bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .body = body};
    assert_int_equal(bg_search_run(&res, f->ix, "电子证照", &o), 0);
    assert_int_equal(bg_results_total(res), 0);
    bg_results_free(res);
    res = NULL;
    free(body);
    bg_byyear *by = NULL;
    assert_int_equal(bg_search_by_year(&by, f->ix, "电子证照", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 1000000}), BG_ETOOBIG);
    static const char *const refs[] = {
        "", ":", "::::", "x:0", "x:-1", "x:99999999999999999999999", "nothing.txt:1",
        "0000000000000000:0", "zzzzzzzzzzzzzzzz:1", "\xff\xfe:1", "3fa9c0d2e1b4a5c6:18446744073709551615",
    };
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        rc = bg_search_like(&res, f->ix, refs[i], NULL);
        if (rc != BG_EINVAL && rc != BG_ENOTFOUND)
            fail_msg("like '%s': got %d (%s)", refs[i], rc, bg_errmsg());
        assert_null(res);
    }
    char *ref = repeat("a", 100000, "");
    rc = bg_search_like(&res, f->ix, ref, NULL);
    assert_true(rc == BG_EINVAL || rc == BG_ENOTFOUND);
    free(ref);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_syntax_garbage),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_hostile_options),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
