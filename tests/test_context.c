/* test_context.c — issue 19: a passage read in its context
 * (bg_passage_context): the passages around it in the report's order, the
 * one asked for marked, by id or REPORT:LINE, at the report's edges, and
 * the errors. One small report written by the test. And the ids those reads
 * go by: a report's id is its content's, the same in every index and at
 * every path, new when the report is edited, and distinct for a second file
 * of the same content in one index (docs/format.md, "Identity"). */
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


/* ---- identity ------------------------------------------------------------ */

/* Writes the fixture's lines (and extra, if any) to path. */
static void write_report(const char *path, const char *extra)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        fprintf(fp, "%s\n", lines[i]);
    if (extra)
        fprintf(fp, "%s\n", extra);
    assert_int_equal(fclose(fp), 0);
}

static bg_index *new_index(const fixture *f, const char *name)
{
    char db[192];
    snprintf(db, sizeof db, "%s/%s", f->dir, name);
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, db, BG_OPEN_WRITE | BG_OPEN_CREATE), 0);
    return ix;
}

static void add_and_commit(bg_index *ix, const char *path, int want_status)
{
    int status = 0;
    assert_int_equal(bg_index_add_file(&status, NULL, ix, path, NULL), 0);
    assert_int_equal(status, want_status);
    assert_int_equal(bg_index_commit(ix), 0);
}

/* The ids of a whole report, in its order (the caller frees them). */
static size_t report_ids(char ids[8][48], bg_index *ix, const char *ref)
{
    bg_results *res = NULL;
    assert_int_equal(bg_report_passages(&res, ix, ref), 0);
    size_t n = bg_results_count(res);
    assert_true(n <= 8);
    for (size_t i = 0; i < n; i++)
        snprintf(ids[i], 48, "%s", bg_hit_id(bg_results_hit(res, i)));
    bg_results_free(res);
    return n;
}

/* The same file indexed into another index from another path (another
 * directory and name) has the same report id and passage ids, and every read
 * by them works in both. */
static void test_same_ids_in_every_index(void **state)
{
    fixture *f = *state;
    char other_dir[160], other[200], cmd[512];
    snprintf(other_dir, sizeof other_dir, "%s/elsewhere", f->dir);
    snprintf(other, sizeof other, "%s/renamed-copy.txt", other_dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s %s", other_dir, f->path, other);
    assert_int_equal(system(cmd), 0);
    bg_index *ix2 = new_index(f, "index-ids-2");
    add_and_commit(ix2, other, BG_ADD_NEW);

    char *id = id_of(f, "乙段落");
    char report_id[17];
    snprintf(report_id, sizeof report_id, "%.16s", id);
    char a[8][48], b[8][48];
    size_t n = report_ids(a, f->ix, report_id);
    assert_int_equal(n, 6);
    assert_int_equal(report_ids(b, ix2, report_id), 6);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(a[i], b[i]);

    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, ix2, "乙段落", NULL), 0);
    assert_string_equal(bg_hit_id(bg_results_hit(res, 0)), id);
    assert_string_equal(bg_hit_report(bg_results_hit(res, 0)), other);
    bg_results_free(res);
    assert_int_equal(bg_passage_context(&res, ix2, id, 1), 0);
    assert_int_equal(bg_results_count(res), 3);
    assert_string_equal(bg_hit_match(bg_results_hit(res, 1)), "target");
    bg_results_free(res);
    assert_int_equal(bg_section_passages(&res, ix2, id), 0);
    assert_int_equal(bg_results_count(res), 4);
    bg_results_free(res);
    assert_int_equal(bg_search_like(&res, ix2, id, NULL), 0);
    bg_results_free(res);
    /* REPORT:LINE by the other path gives the same passage. */
    char ref[240];
    snprintf(ref, sizeof ref, "%s:3", other);
    assert_int_equal(bg_passage_context(&res, ix2, ref, 0), 0);
    assert_string_equal(bg_hit_id(bg_results_hit(res, 0)), id);
    bg_results_free(res);
    /* The catalogue's id is the report id. */
    char *json = bg_index_reports_json(ix2);
    char want[64];
    snprintf(want, sizeof want, "\"id\":\"%s\"", report_id);
    assert_non_null(strstr(json, want));
    bg_free(json);
    free(id);
    bg_index_free(ix2);
}

/* Editing a report gives it a new id: its old passages are gone, and the old
 * ids answer BG_ENOTFOUND with a message that says why they may have gone. */
static void test_edit_changes_id(void **state)
{
    fixture *f = *state;
    char path[200];
    snprintf(path, sizeof path, "%s/edited-2024.txt", f->dir);
    write_report(path, NULL);
    bg_index *ix = new_index(f, "index-ids-edit");
    add_and_commit(ix, path, BG_ADD_NEW);
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, ix, "乙段落", NULL), 0);
    char *old = strdup(bg_hit_id(bg_results_hit(res, 0)));
    bg_results_free(res);

    write_report(path, "戊段落讲养老。");
    add_and_commit(ix, path, BG_ADD_UPDATED);
    assert_int_equal(bg_search_run(&res, ix, "乙段落", NULL), 0);
    assert_int_equal(bg_results_total(res), 1);   /* the old passage is gone */
    assert_string_not_equal(bg_hit_id(bg_results_hit(res, 0)), old);
    assert_memory_not_equal(bg_hit_id(bg_results_hit(res, 0)), old, 16);
    bg_results_free(res);
    assert_int_equal(bg_passage_context(&res, ix, old, 1), BG_ENOTFOUND);
    assert_non_null(strstr(bg_errmsg(), "edited"));
    char old_report[17];
    snprintf(old_report, sizeof old_report, "%.16s", old);
    assert_int_equal(bg_report_passages(&res, ix, old_report), BG_ENOTFOUND);
    assert_int_equal(bg_search_like(&res, ix, old, NULL), BG_ENOTFOUND);
    /* Editing it back gives the first id again: the id is the content's. */
    write_report(path, NULL);
    add_and_commit(ix, path, BG_ADD_UPDATED);
    assert_int_equal(bg_passage_context(&res, ix, old, 0), 0);
    bg_results_free(res);
    free(old);
    bg_index_free(ix);
}

/* The ids of the hit of text in ix with every copy shown, by report path. */
static void copy_ids(bg_index *ix, const char *text, const char *path_a, char *id_a, const char *path_b, char *id_b)
{
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.all_copies = 1;
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, ix, text, &o), 0);
    assert_int_equal(bg_results_count(res), 2);
    for (size_t i = 0; i < 2; i++) {
        const bg_hit *h = bg_results_hit(res, i);
        int is_a = strcmp(bg_hit_report(h), path_a) == 0;
        assert_true(is_a || strcmp(bg_hit_report(h), path_b) == 0);
        snprintf(is_a ? id_a : id_b, 48, "%s", bg_hit_id(h));
    }
    bg_results_free(res);
}

static void note_added(void *ctx, const char *path, int rc, int status, size_t passages, const char *msg)
{
    (void)path, (void)status, (void)passages, (void)msg;
    *(int *)ctx |= rc != 0;
}

/* Two files of the same content in one index (added together, in parallel):
 * the first has the content's id, the second an id of its own, so that each
 * passage id names one passage; the second is marked a copy (one hit listing
 * it; its record says duplicate_of). Removing the first leaves the second's
 * ids as they were; the first added again gets the content's id again. */
static void test_copies_in_one_index(void **state)
{
    fixture *f = *state;
    char dir_a[160], dir_b[160], a[200], b[200], cmd[1200];
    snprintf(dir_a, sizeof dir_a, "%s/portal-a", f->dir);
    snprintf(dir_b, sizeof dir_b, "%s/portal-b", f->dir);
    snprintf(a, sizeof a, "%s/report-2024.txt", dir_a);
    snprintf(b, sizeof b, "%s/report-2024.txt", dir_b);
    snprintf(cmd, sizeof cmd, "mkdir -p %s %s && cp %s %s && cp %s %s", dir_a, dir_b, f->path, a, f->path, b);
    assert_int_equal(system(cmd), 0);
    char *content_id = id_of(f, "乙段落");   /* the same bytes in the fixture's index */

    bg_index *ix = new_index(f, "index-ids-copies");
    const char *paths[2] = {a, b};
    int failed = 0;
    assert_int_equal(bg_index_add_files(ix, paths, 2, 2, note_added, &failed), 0);
    assert_int_equal(failed, 0);
    assert_int_equal(bg_index_commit(ix), 0);
    char id_a[48], id_b[48];
    copy_ids(ix, "乙段落", a, id_a, b, id_b);
    assert_string_equal(id_a, content_id);
    assert_memory_not_equal(id_a, id_b, 16);
    assert_string_equal(strchr(id_a, ':'), strchr(id_b, ':'));
    /* Collapsed: one hit, listing the other copy. */
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, ix, "乙段落", NULL), 0);
    assert_int_equal(bg_results_total(res), 1);
    assert_string_equal(bg_hit_id(bg_results_hit(res, 0)), id_a);
    assert_int_equal(bg_hit_duplicate_count(bg_results_hit(res, 0)), 1);
    assert_string_equal(bg_hit_duplicate(bg_results_hit(res, 0), 0, NULL, NULL), b);
    bg_results_free(res);
    /* Each id reads its own report. */
    assert_int_equal(bg_passage_context(&res, ix, id_b, 0), 0);
    assert_string_equal(bg_hit_report(bg_results_hit(res, 0)), b);
    bg_results_free(res);
    char json_want[400];
    snprintf(json_want, sizeof json_want, "\"duplicate_of\":\"%s\"", a);
    char *json = bg_index_reports_json(ix);
    assert_non_null(strstr(json, json_want));
    bg_free(json);

    /* Unchanged files keep their ids; the first removed, the second keeps
     * its own; the first added again gets the content's id. */
    assert_int_equal(bg_index_add_files(ix, paths, 2, 1, note_added, &failed), 0);
    copy_ids(ix, "乙段落", a, id_a, b, id_b);
    assert_string_equal(id_a, content_id);
    assert_int_equal(bg_index_remove_file(ix, a), 0);
    assert_int_equal(bg_index_commit(ix), 0);
    assert_int_equal(bg_passage_context(&res, ix, id_b, 0), 0);
    bg_results_free(res);
    assert_int_equal(bg_passage_context(&res, ix, content_id, 0), BG_ENOTFOUND);
    add_and_commit(ix, a, BG_ADD_NEW);
    copy_ids(ix, "乙段落", a, id_a, b, id_b);
    assert_string_equal(id_a, content_id);
    free(content_id);
    bg_index_free(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_neighbours_in_order),
        cmocka_unit_test(test_report_edges_and_line_refs),
        cmocka_unit_test(test_section_and_report),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_same_ids_in_every_index),
        cmocka_unit_test(test_edit_changes_id),
        cmocka_unit_test(test_copies_in_one_index),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
