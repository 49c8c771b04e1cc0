/* test_context.c — issue 19: a passage read in its context
 * (bg_passage_context): the passages around it in the report's order, the
 * one asked for marked, by id or REPORT:LINE, at the report's edges, and
 * the errors. One small report written by the test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"

typedef struct fixture {
    char dir[64], path[128];
    bg_index *ix;
} fixture;

static const char *const lines[] = {
    "一、第一部分", "甲段落讲就业。", "乙段落讲教育。", "丙段落讲医疗。", "二、第二部分", "丁段落讲住房。",
};

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_context_XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    char db[128];
    snprintf(f->path, sizeof f->path, "%s/test-report-2024.txt", f->dir);
    snprintf(db, sizeof db, "%s/index", f->dir);
    FILE *fp = fopen(f->path, "w");
    for (size_t i = 0; fp && i < sizeof lines / sizeof lines[0]; i++)
        fprintf(fp, "%s\n", lines[i]);
    int status = 0;
    if (!fp || fclose(fp) || bg_index_open(&f->ix, db, BG_OPEN_WRITE | BG_OPEN_CREATE)
        || bg_index_add_file(&status, NULL, f->ix, f->path, NULL) || bg_index_commit(f->ix))
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
    free(f);
    return system(cmd) == 0 ? 0 : -1;
}

/* The id of the passage holding text (by a search). */
static char *id_of(fixture *f, const char *text)
{
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, f->ix, text, NULL), 0);
    assert_true(bg_results_count(res) >= 1);
    char *id = strdup(bg_hit_id(bg_results_hit(res, 0)));
    bg_results_free(res);
    return id;
}

static void test_neighbours_in_order(void **state)
{
    fixture *f = *state;
    char *id = id_of(f, "乙段落");
    bg_results *res = NULL;
    assert_int_equal(bg_passage_context(&res, f->ix, id, 1), 0);
    assert_int_equal(bg_results_count(res), 3);
    assert_int_equal(bg_results_total(res), 3);
    const char *want[] = {"甲段落讲就业。", "乙段落讲教育。", "丙段落讲医疗。"};
    for (size_t i = 0; i < 3; i++) {
        const bg_hit *h = bg_results_hit(res, i);
        assert_string_equal(bg_hit_text(h), want[i]);
        assert_int_equal(bg_hit_line(h), i + 2);
        assert_int_equal(bg_hit_rank(h), i + 1);
        assert_string_equal(bg_hit_match(h), i == 1 ? "target" : "context");
    }
    assert_string_equal(bg_hit_section(bg_results_hit(res, 1), 0), "一、第一部分");
    char *json = bg_results_json(res);
    assert_non_null(strstr(json, "\"match\":\"target\""));
    bg_free(json);
    bg_results_free(res);
    /* context 0: the passage alone. */
    assert_int_equal(bg_passage_context(&res, f->ix, id, 0), 0);
    assert_int_equal(bg_results_count(res), 1);
    assert_string_equal(bg_hit_id(bg_results_hit(res, 0)), id);
    bg_results_free(res);
    free(id);
}

static void test_report_edges_and_line_refs(void **state)
{
    fixture *f = *state;
    char ref[160];
    snprintf(ref, sizeof ref, "%s:1", f->path);   /* the first heading */
    bg_results *res = NULL;
    assert_int_equal(bg_passage_context(&res, f->ix, ref, 3), 0);
    assert_int_equal(bg_results_count(res), 4);   /* nothing before the first passage */
    assert_string_equal(bg_hit_match(bg_results_hit(res, 0)), "target");
    assert_string_equal(bg_hit_text(bg_results_hit(res, 0)), "一、第一部分");
    bg_results_free(res);
    snprintf(ref, sizeof ref, "%s:6", f->path);   /* the last passage */
    assert_int_equal(bg_passage_context(&res, f->ix, ref, 2), 0);
    assert_int_equal(bg_results_count(res), 3);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 2)), "target");
    assert_string_equal(bg_hit_text(bg_results_hit(res, 2)), "丁段落讲住房。");
    bg_results_free(res);
}

static void test_section_and_report(void **state)
{
    fixture *f = *state;
    char *id = id_of(f, "乙段落");
    bg_results *res = NULL;
    /* The section of 乙: its heading and the three paragraphs under it. */
    assert_int_equal(bg_section_passages(&res, f->ix, id), 0);
    assert_int_equal(bg_results_count(res), 4);
    assert_string_equal(bg_hit_text(bg_results_hit(res, 0)), "一、第一部分");
    assert_string_equal(bg_hit_match(bg_results_hit(res, 2)), "target");
    assert_string_equal(bg_hit_text(bg_results_hit(res, 3)), "丙段落讲医疗。");
    bg_results_free(res);
    /* A heading's section is its own. */
    char ref[160];
    snprintf(ref, sizeof ref, "%s:5", f->path);
    assert_int_equal(bg_section_passages(&res, f->ix, ref), 0);
    assert_int_equal(bg_results_count(res), 2);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 0)), "target");
    assert_string_equal(bg_hit_text(bg_results_hit(res, 1)), "丁段落讲住房。");
    bg_results_free(res);
    /* The whole report, by its id or by a passage (then marked). */
    char report_id[17];
    snprintf(report_id, sizeof report_id, "%.16s", id);
    assert_int_equal(bg_report_passages(&res, f->ix, report_id), 0);
    assert_int_equal(bg_results_count(res), 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(bg_hit_text(bg_results_hit(res, i)), lines[i]);
        assert_string_equal(bg_hit_match(bg_results_hit(res, i)), "context");
    }
    bg_results_free(res);
    assert_int_equal(bg_report_passages(&res, f->ix, id), 0);
    assert_int_equal(bg_results_count(res), 6);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 2)), "target");
    bg_results_free(res);
    assert_int_equal(bg_report_passages(&res, f->ix, "0123456789abcdef"), BG_ENOTFOUND);
    free(id);
}

static void test_errors(void **state)
{
    fixture *f = *state;
    bg_results *res = (bg_results *)1;
    assert_int_equal(bg_passage_context(&res, f->ix, "not a ref", 1), BG_EINVAL);
    assert_null(res);
    assert_int_equal(bg_passage_context(&res, f->ix, "0123456789abcdef:3", 1), BG_ENOTFOUND);
    char *id = id_of(f, "乙段落");
    assert_int_equal(bg_passage_context(&res, f->ix, id, BG_MAX_CONTEXT + 1), BG_ETOOBIG);
    assert_non_null(strstr(bg_errmsg(), "at most 100"));
    free(id);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_neighbours_in_order),
        cmocka_unit_test(test_report_edges_and_line_refs),
        cmocka_unit_test(test_section_and_report),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
