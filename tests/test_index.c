/* test_index.c — index-and-query round trips through the public API on small
 * fixture reports: section paths, measures as their own passages, filters,
 * incremental re-indexing, removal, the writer lock, JSON and highlighting;
 * and what the records store: a report's own fields once, with its first
 * passage (docs/format.md, "Document data"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "baogao.h"
#include "bgx.h"
#include "scheme.h"

typedef struct fixture {
    char dir[64];      /* temp dir holding reports/ and index/ */
    char reports[96];
    char index[96];
} fixture;

static void path_in(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static int index_fixtures(bg_index *ix, const fixture *f)
{
    const char *names[] = {"sample-gov-2021.txt", "fazhi-district-2022.txt"};
    for (size_t i = 0; i < 2; i++) {
        char p[160];
        path_in(p, sizeof p, f->reports, names[i]);
        int status = 0;
        size_t n = 0;
        if (bg_index_add_file(&status, &n, ix, p, NULL) != 0)
            return -1;
        if (status != BG_ADD_NEW || n == 0)
            return -1;
    }
    return bg_index_commit(ix);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_test_index_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    path_in(f->reports, sizeof f->reports, f->dir, "reports");
    path_in(f->index, sizeof f->index, f->dir, "index");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s/reports/* %s/", f->reports, BG_TEST_FIXTURES, f->reports);
    if (system(cmd) != 0)
        return -1;
    bg_index *ix = NULL;
    if (bg_index_open(&ix, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE) != 0) {
        fprintf(stderr, "%s\n", bg_errmsg());
        return -1;
    }
    int rc = index_fixtures(ix, f);
    if (rc)
        fprintf(stderr, "%s\n", bg_errmsg());
    bg_index_free(ix);
    *state = f;
    return rc;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static bg_results *search(const fixture *f, const char *q, const bg_search_options *o)
{
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_READ), 0);
    bg_results *res = NULL;
    int rc = bg_search_run(&res, ix, q, o);
    if (rc)
        fail_msg("search '%s' failed: %s", q, bg_errmsg());
    bg_index_free(ix);
    return res;
}

static const bg_hit *find_hit_in(const bg_results *res, const char *report_suffix)
{
    for (size_t i = 0; i < bg_results_count(res); i++) {
        const char *r = bg_hit_report(bg_results_hit(res, i));
        size_t n = strlen(r), m = strlen(report_suffix);
        if (n >= m && strcmp(r + n - m, report_suffix) == 0)
            return bg_results_hit(res, i);
    }
    return NULL;
}

static void test_section_path(void **state)
{
    bg_results *res = search(*state, "电子证照", NULL);
    assert_true(bg_results_total(res) >= 2);
    const bg_hit *h = find_hit_in(res, "fazhi-district-2022.txt");
    assert_non_null(h);
    assert_int_equal(bg_hit_year(h), 2022);
    assert_string_equal(bg_hit_title(h), "示范区2022年度法治政府建设情况报告");  /* from MANIFEST.tsv */
    assert_string_equal(bg_hit_body(h), "示范区人民政府");
    assert_int_equal(bg_hit_section_count(h), 2);
    assert_string_equal(bg_hit_section(h, 0), "二、2022年主要举措和成效");
    assert_string_equal(bg_hit_section(h, 1), "(二)拓展“无证明”城市建设广度和深度");
    assert_int_equal(bg_hit_line(h), 6);
    assert_int_equal(bg_hit_kind(h), BG_KIND_PARAGRAPH);
    assert_non_null(strstr(bg_hit_text(h), "电子证照"));
    bg_results_free(res);
}

static void test_measure_is_own_passage(void **state)
{
    bg_results *res = search(*state, "持证上岗", NULL);
    assert_int_equal(bg_results_total(res), 1);
    const bg_hit *h = bg_results_hit(res, 0);
    assert_int_equal(bg_hit_kind(h), BG_KIND_MEASURE);
    assert_string_equal(bg_hit_kind_name(h), "measure");
    assert_true(strncmp(bg_hit_text(h), "一是严格执行行政执法人员持证上岗", strlen("一是严格执行行政执法人员持证上岗")) == 0);
    /* The measure stops where the next one begins. */
    assert_null(strstr(bg_hit_text(h), "二是"));
    bg_results_free(res);
}

static void test_no_sentence_twice(void **state)
{
    bg_search_options o = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 100};
    bg_results *res = search(*state, "行政", &o);
    assert_true(bg_results_count(res) >= 4);
    for (size_t i = 0; i < bg_results_count(res); i++)
        for (size_t j = 0; j < bg_results_count(res); j++) {
            if (i == j)
                continue;
            const char *a = bg_hit_text(bg_results_hit(res, i)), *b = bg_hit_text(bg_results_hit(res, j));
            assert_null(strstr(a, b));
        }
    bg_results_free(res);
}

static void test_year_filter(void **state)
{
    bg_search_options o = {.version = BG_SEARCH_OPTIONS_VERSION, .year_from = 2022, .year_to = 2022};
    bg_results *res = search(*state, "城镇新增就业", &o);
    assert_int_equal(bg_results_total(res), 0);
    bg_results_free(res);
    o.year_from = o.year_to = 2021;
    res = search(*state, "城镇新增就业", &o);
    assert_int_equal(bg_results_total(res), 2);
    for (size_t i = 0; i < bg_results_count(res); i++)
        assert_int_equal(bg_hit_year(bg_results_hit(res, i)), 2021);
    bg_results_free(res);
    bg_search_options range = {.version = BG_SEARCH_OPTIONS_VERSION, .year_from = 2000, .year_to = 2030};
    res = search(*state, "行政执法", &range);
    assert_true(bg_results_total(res) >= 2);
    bg_results_free(res);
}

static void test_exclusion_and_or(void **state)
{
    bg_results *all = search(*state, "行政复议", NULL);
    bg_results *minus = search(*state, "行政复议 -办结", NULL);
    assert_true(bg_results_total(all) >= 1);
    assert_int_equal(bg_results_total(minus), bg_results_total(all) - 1);
    bg_results_free(all);
    bg_results_free(minus);
    bg_results *either = search(*state, "告知承诺制 OR 保障性住房", NULL);
    assert_int_equal(bg_results_total(either), 2);
    bg_results_free(either);
    bg_results *both = search(*state, "告知承诺制 保障性住房", NULL);
    assert_int_equal(bg_results_total(both), 0);
    bg_results_free(both);
}

static void test_highlight_ranges(void **state)
{
    bg_results *res = search(*state, "电子证照", NULL);
    for (size_t i = 0; i < bg_results_count(res); i++) {
        const bg_hit *h = bg_results_hit(res, i);
        const size_t *s, *e;
        size_t n = bg_hit_matches(h, &s, &e);
        assert_true(n >= 1);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(e[k] - s[k], strlen("电子证照"));
            assert_memory_equal(bg_hit_text(h) + s[k], "电子证照", e[k] - s[k]);
        }
        char *snip = bg_hit_snippet(h, 40, "[", "]");
        assert_non_null(strstr(snip, "[电子证照]"));
        bg_free(snip);
    }
    bg_results_free(res);
}

static void test_json_shape(void **state)
{
    bg_search_options o = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 3};
    bg_results *res = search(*state, "行政执法", &o);
    char *json = bg_results_json(res);
    cJSON *root = cJSON_Parse(json);
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItem(root, "query")->valuestring, "行政执法");
    assert_int_equal(cJSON_GetObjectItem(root, "total")->valueint, (int)bg_results_total(res));
    cJSON *results = cJSON_GetObjectItem(root, "results");
    assert_int_equal(cJSON_GetArraySize(results), (int)bg_results_count(res));
    const char *keys[] = {"rank", "score", "report", "title", "body", "year", "line", "kind", "section", "text", "snippet"};
    cJSON *first = cJSON_GetArrayItem(results, 0);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(cJSON_GetObjectItem(first, keys[i]));
    assert_int_equal(cJSON_GetObjectItem(first, "rank")->valueint, 1);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(first, "section")));
    cJSON *years = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "facets"), "year");
    int sum = 0;
    for (cJSON *y = years->child; y; y = y->next)
        sum += y->valueint;
    assert_int_equal(sum, (int)bg_results_total(res));
    cJSON_Delete(root);
    bg_free(json);
    bg_results_free(res);
}

static void test_incremental_and_removal(void **state)
{
    fixture *f = *state;
    char p[160], copy[160];
    path_in(p, sizeof p, f->reports, "sample-gov-2021.txt");
    path_in(copy, sizeof copy, f->reports, "copy-2021.txt");
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_WRITE), 0);
    int status = 0;
    size_t n = 0;
    assert_int_equal(bg_index_add_file(&status, &n, ix, p, NULL), 0);
    assert_int_equal(status, BG_ADD_UNCHANGED);

    FILE *out = fopen(copy, "w");
    fputs("2021年试点县政府工作报告\n一、主要工作\n推进独一无二的蓝莓产业示范园建设。\n", out);
    fclose(out);
    assert_int_equal(bg_index_add_file(&status, &n, ix, copy, NULL), 0);
    assert_int_equal(status, BG_ADD_NEW);
    out = fopen(copy, "w");
    fputs("2021年试点县政府工作报告\n一、主要工作\n推进独一无二的猕猴桃产业示范园建设。\n", out);
    fclose(out);
    assert_int_equal(bg_index_add_file(&status, &n, ix, copy, NULL), 0);
    assert_int_equal(status, BG_ADD_UPDATED);
    assert_int_equal(bg_index_commit(ix), 0);
    bg_index_free(ix);

    bg_results *res = search(f, "蓝莓", NULL);
    assert_int_equal(bg_results_total(res), 0);
    bg_results_free(res);
    res = search(f, "猕猴桃", NULL);
    assert_int_equal(bg_results_total(res), 1);
    bg_results_free(res);

    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_WRITE), 0);
    assert_int_equal(bg_index_remove_file(ix, copy), 0);
    assert_int_equal(bg_index_remove_file(ix, copy), BG_ENOTFOUND);
    assert_int_equal(bg_index_commit(ix), 0);
    bg_index_free(ix);
    res = search(f, "猕猴桃", NULL);
    assert_int_equal(bg_results_total(res), 0);
    bg_results_free(res);
    unlink(copy);
}

static void test_uncommitted_changes_invisible(void **state)
{
    fixture *f = *state;
    char p[160];
    path_in(p, sizeof p, f->reports, "late-2021.txt");
    FILE *out = fopen(p, "w");
    fputs("2021年某县政府工作报告\n推进火龙果种植。\n", out);
    fclose(out);
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_WRITE), 0);
    int status;
    size_t n;
    assert_int_equal(bg_index_add_file(&status, &n, ix, p, NULL), 0);
    bg_results *res = search(f, "火龙果", NULL);
    assert_int_equal(bg_results_total(res), 0);
    bg_results_free(res);
    bg_index_free(ix);  /* closed without commit: the change is dropped */
    res = search(f, "火龙果", NULL);
    assert_int_equal(bg_results_total(res), 0);
    bg_results_free(res);
    unlink(p);
}

static void test_writer_lock(void **state)
{
    fixture *f = *state;
    bg_index *a = NULL, *b = NULL;
    assert_int_equal(bg_index_open(&a, f->index, BG_OPEN_WRITE), 0);
    /* The lock belongs to the open file, not the process: a second writer in
     * this process is refused at once (a classic fcntl lock let it in, and
     * closing it then dropped the first one's lock), and a child process is
     * refused too, told the holder's pid. */
    assert_int_equal(bg_index_open(&b, f->index, BG_OPEN_WRITE), BG_ELOCKED);
    assert_null(b);
    char want[64];
    snprintf(want, sizeof want, "locked by another indexer (pid %ld)", (long)getpid());
    assert_non_null(strstr(bg_errmsg(), want));
    pid_t pid = fork();
    if (pid == 0) {
        int rc = bg_index_open(&b, f->index, BG_OPEN_WRITE);
        _exit(rc == BG_ELOCKED && strstr(bg_errmsg(), "locked by another indexer (pid") ? 0 : 1);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    bg_index_free(a);
}

typedef struct added {
    size_t n_ok, n_failed, passages;
} added;

static void count_added(void *ctx, const char *path, int rc, int status, size_t passages, const char *msg)
{
    added *a = ctx;
    (void)path;
    (void)status;
    if (rc) {
        assert_non_null(msg);
        a->n_failed++;
    } else {
        a->n_ok++;
        a->passages += passages;
    }
}

/* Several threads write different year shards; the result must be the same
 * index as one thread builds. */
static void test_parallel_equals_serial(void **state)
{
    fixture *f = *state;
    char par[128], bad[160];
    snprintf(par, sizeof par, "%s/parallel-index", f->dir);
    path_in(bad, sizeof bad, f->reports, "binary.txt");
    FILE *out = fopen(bad, "wb");
    fwrite("\0\0\x01binary", 1, 9, out);
    fclose(out);
    char p1[160], p2[160];
    path_in(p1, sizeof p1, f->reports, "sample-gov-2021.txt");
    path_in(p2, sizeof p2, f->reports, "fazhi-district-2022.txt");
    const char *paths[] = {p1, bad, p2};
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, par, BG_OPEN_WRITE | BG_OPEN_CREATE), 0);
    added a = {0};
    assert_int_equal(bg_index_add_files(ix, paths, 3, 2, count_added, &a), 0);
    assert_int_equal(a.n_ok, 2);
    assert_int_equal(a.n_failed, 1);
    assert_int_equal(bg_index_commit(ix), 0);
    bg_index_free(ix);
    unlink(bad);

    const char *queries[] = {"电子证照", "行政", "城镇新增就业", "持证上岗", "法治"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        bg_results *serial = search(f, queries[i], NULL);
        bg_index *pix = NULL;
        assert_int_equal(bg_index_open(&pix, par, BG_OPEN_READ), 0);
        bg_results *parallel = NULL;
        assert_int_equal(bg_search_run(&parallel, pix, queries[i], NULL), 0);
        assert_int_equal(bg_results_total(parallel), bg_results_total(serial));
        for (size_t k = 0; k < bg_results_count(serial); k++)
            assert_string_equal(bg_hit_text(bg_results_hit(parallel, k)), bg_hit_text(bg_results_hit(serial, k)));
        bg_results_free(parallel);
        bg_results_free(serial);
        bg_index_free(pix);
    }
    /* A second parallel run finds everything unchanged. */
    assert_int_equal(bg_index_open(&ix, par, BG_OPEN_WRITE), 0);
    added again = {0};
    assert_int_equal(bg_index_add_files(ix, paths + 2, 1, 2, count_added, &again), 0);
    assert_int_equal(again.n_ok, 1);
    assert_int_equal(bg_index_add_files(ix, paths, 1, 0, count_added, &again), BG_EINVAL);
    bg_index_free(ix);
}

static void test_compact_keeps_results(void **state)
{
    fixture *f = *state;
    const char *queries[] = {"电子证照", "行政", "城镇新增就业"};
    size_t totals[3];
    for (size_t i = 0; i < 3; i++) {
        bg_results *r = search(f, queries[i], NULL);
        totals[i] = bg_results_total(r);
        bg_results_free(r);
    }
    bg_index *reader = NULL;
    assert_int_equal(bg_index_open(&reader, f->index, BG_OPEN_READ), 0);
    bg_results *before = NULL;
    assert_int_equal(bg_search_run(&before, reader, "电子证照", NULL), 0);

    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_WRITE), 0);
    uint64_t b = 0, a = 0;
    assert_int_equal(bg_index_compact(ix, &b, &a), 0);
    assert_true(b > 0 && a > 0 && a <= b);
    bg_index_free(ix);

    /* A reader opened before the swap keeps answering, on the new shards. */
    bg_results *after = NULL;
    assert_int_equal(bg_search_run(&after, reader, "电子证照", NULL), 0);
    assert_int_equal(bg_results_total(after), bg_results_total(before));
    bg_results_free(before);
    bg_results_free(after);
    bg_index_free(reader);
    for (size_t i = 0; i < 3; i++) {
        bg_results *r = search(f, queries[i], NULL);
        assert_int_equal(bg_results_total(r), totals[i]);
        bg_results_free(r);
    }
}

static int collect_report(void *ctx, const char *path)
{
    char *names = ctx;
    const char *base = strrchr(path, '/');
    strcat(names, base ? base + 1 : path);
    strcat(names, ";");
    return 0;
}

static int stop_walk(void *ctx, const char *path)
{
    (void)path;
    ++*(int *)ctx;
    return 7;
}

/* A reader lists the committed catalogue just as a writer does (a reader used
 * to list nothing: the catalogue was loaded on the writer path only). */
static void test_foreach_report_on_reader(void **state)
{
    fixture *f = *state;
    char seen_by_reader[512] = "", seen_by_writer[512] = "";
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_READ), 0);
    assert_int_equal(bg_index_foreach_report(ix, collect_report, seen_by_reader), 0);
    int calls = 0;
    assert_int_equal(bg_index_foreach_report(ix, stop_walk, &calls), 7);
    assert_int_equal(calls, 1);
    bg_index_free(ix);
    /* newest year first */
    assert_string_equal(seen_by_reader, "fazhi-district-2022.txt;sample-gov-2021.txt;");
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_WRITE), 0);
    assert_int_equal(bg_index_foreach_report(ix, collect_report, seen_by_writer), 0);
    bg_index_free(ix);
    assert_int_equal(strlen(seen_by_writer), strlen(seen_by_reader));
    assert_non_null(strstr(seen_by_writer, "fazhi-district-2022.txt;"));
    assert_non_null(strstr(seen_by_writer, "sample-gov-2021.txt;"));
}

/* The facets' "year unknown" and "body unknown" can be asked for. */
static void test_unknown_year_and_body_filter(void **state)
{
    fixture *f = *state;
    char path[160];
    path_in(path, sizeof path, f->reports, "untitled-notes.txt");
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("加强电子证照的推广应用，方便群众办事。\n", fp);
    fclose(fp);
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_WRITE), 0);
    assert_int_equal(bg_index_add_file(NULL, NULL, ix, path, NULL), 0);
    assert_int_equal(bg_index_commit(ix), 0);
    bg_index_free(ix);

    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.year_unknown = 1;
    bg_results *res = search(f, "电子证照", &o);
    assert_int_equal(bg_results_total(res), 1);
    assert_int_equal(bg_hit_year(bg_results_hit(res, 0)), 0);
    bg_results_free(res);
    o = (bg_search_options)BG_SEARCH_OPTIONS_INIT;
    o.body_unknown = 1;
    res = search(f, "电子证照", &o);
    assert_int_equal(bg_results_total(res), 1);
    assert_string_equal(bg_hit_body(bg_results_hit(res, 0)), "");
    bg_results_free(res);
    res = search(f, "电子证照", NULL);
    assert_true(bg_results_total(res) >= 3);   /* the filters did filter */
    bg_results_free(res);

    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_WRITE), 0);
    assert_int_equal(bg_index_remove_file(ix, path), 0);
    assert_int_equal(bg_index_commit(ix), 0);
    bg_index_free(ix);
}

static void test_errors(void **state)
{
    fixture *f = *state;
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, "/nonexistent/baogao-index", BG_OPEN_READ), BG_ENOTFOUND);
    assert_null(ix);
    assert_non_null(strstr(bg_errmsg(), "/nonexistent/baogao-index"));
    assert_int_equal(bg_index_open(&ix, f->index, BG_OPEN_READ), 0);
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, ix, "", NULL), BG_EQUERY);
    assert_int_equal(bg_search_run(&res, ix, "   ", NULL), BG_EQUERY);
    assert_int_equal(bg_search_run(&res, ix, "，。！", NULL), BG_EQUERY);
    assert_int_equal(bg_search_run(&res, ix, "-行政", NULL), BG_EQUERY);
    assert_null(res);
    bg_search_options bad = {.version = BG_SEARCH_OPTIONS_VERSION, .year_from = 2023, .year_to = 2020};
    assert_int_equal(bg_search_run(&res, ix, "行政", &bad), BG_EINVAL);
    bg_index_free(ix);
    bg_index_free(NULL);
    bg_results_free(NULL);
}


/* The stored record of passage id in the shard at path (cJSON_Delete it). */
static cJSON *stored_record(const char *shard, const char *id)
{
    bgx_reader *r = NULL;
    bgi_err err = {0};
    assert_int_equal(bgx_reader_open(&r, shard, &err), 0);
    char term[BG_TERM_MAX], *data = NULL;
    size_t len = 0;
    bgi_term_passage(term, id);
    assert_int_equal(bgx_reader_term_doc_data(r, term, &data, &len, &err), 0);
    cJSON *rec = bgi_passage_rec_parse(data, len);
    assert_non_null(rec);
    free(data);
    bgx_reader_free(r);
    return rec;
}

/* A report's path, title, body (and its other fields) are stored with its
 * first passage only, with the table of its headings; the other passages'
 * section paths index that table, and read back as the headings. */
static void test_report_fields_stored_once(void **state)
{
    fixture *f = *state;
    bg_results *res = search(f, "电子证照", NULL);
    const bg_hit *h = find_hit_in(res, "fazhi-district-2022.txt");
    assert_non_null(h);
    char shard[160];
    snprintf(shard, sizeof shard, "%s/shards/2022", f->index);
    cJSON *rec = stored_record(shard, bg_hit_id(h));
    assert_false(bgi_passage_rec_has_report(rec));
    assert_null(cJSON_GetObjectItemCaseSensitive(rec, BG_REC_TITLE));
    assert_null(cJSON_GetObjectItemCaseSensitive(rec, BG_REC_BODY));
    assert_null(cJSON_GetObjectItemCaseSensitive(rec, BG_REC_REPORT_CHARS));
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(rec, BG_REC_SECTION);
    assert_int_equal(cJSON_GetArraySize(sec), 2);
    assert_true(cJSON_IsNumber(cJSON_GetArrayItem(sec, 1)));
    char first_id[BG_PASSAGE_ID_MAX];
    bgi_first_passage_id(first_id, rec);
    assert_int_equal(strncmp(first_id, bg_hit_id(h), 17), 0);
    assert_string_equal(first_id + 17, "0");
    cJSON *first = stored_record(shard, first_id);
    assert_true(bgi_passage_rec_has_report(first));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(first, BG_REC_TITLE)->valuestring, bg_hit_title(h));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(first, BG_REC_REPORT)->valuestring, bg_hit_report(h));
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(first, BG_REC_HEADINGS)) >= 2);
    for (int i = 0; i < 2; i++)
        assert_string_equal(bgi_passage_rec_section(rec, first, i), bg_hit_section(h, (size_t)i));
    assert_string_equal(bgi_passage_rec_section(rec, NULL, 1), "");   /* the first not at hand */
    cJSON_Delete(first);
    cJSON_Delete(rec);
    bg_results_free(res);
}

/* Headings past the table's bound (64 KB) are stored in each passage's own
 * path again; every path still reads back whole. */
static void test_many_headings(void **state)
{
    fixture *f = *state;
    char dir[160], path[200], db[200];
    snprintf(dir, sizeof dir, "%s/many", f->dir);
    snprintf(path, sizeof path, "%s/many-headings-2023.txt", dir);
    snprintf(db, sizeof db, "%s/many-index", f->dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    assert_int_equal(system(cmd), 0);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    /* 600 level-3 headings of 50 characters (150 bytes): 90 KB of headings. */
    for (int i = 1; i <= 600; i++) {
        fprintf(fp, "%d. 第%04d项", i, i);
        for (int k = 0; k < 44; k++)
            fputs("标", fp);
        fprintf(fp, "\n第%04d段正文讲述具体事项。\n", i);
    }
    assert_int_equal(fclose(fp), 0);
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, db, BG_OPEN_WRITE | BG_OPEN_CREATE), 0);
    assert_int_equal(bg_index_add_file(NULL, NULL, ix, path, NULL), 0);
    assert_int_equal(bg_index_commit(ix), 0);
    const int probe[] = {1, 300, 599, 600};
    for (size_t k = 0; k < sizeof probe / sizeof *probe; k++) {
        char q[64], want[32];
        snprintf(q, sizeof q, "\"第%04d段正文\"", probe[k]);
        snprintf(want, sizeof want, "%d. 第%04d项", probe[k], probe[k]);
        bg_results *res = NULL;
        assert_int_equal(bg_search_run(&res, ix, q, NULL), 0);
        assert_int_equal(bg_results_count(res), 1);
        const bg_hit *h = bg_results_hit(res, 0);
        assert_int_equal(bg_hit_section_count(h), 1);
        assert_int_equal(strncmp(bg_hit_section(h, 0), want, strlen(want)), 0);
        /* The first headings are in the table, the last in the path. */
        char shard[240];
        snprintf(shard, sizeof shard, "%s/shards/2023", db);
        cJSON *rec = stored_record(shard, bg_hit_id(h));
        const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rec, BG_REC_SECTION), 0);
        assert_true(probe[k] <= 400 ? cJSON_IsNumber(e) : cJSON_IsString(e));   /* ~440 fit */
        cJSON_Delete(rec);
        bg_results_free(res);
    }
    bg_index_free(ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_section_path),
        cmocka_unit_test(test_measure_is_own_passage),
        cmocka_unit_test(test_no_sentence_twice),
        cmocka_unit_test(test_year_filter),
        cmocka_unit_test(test_exclusion_and_or),
        cmocka_unit_test(test_highlight_ranges),
        cmocka_unit_test(test_json_shape),
        cmocka_unit_test(test_incremental_and_removal),
        cmocka_unit_test(test_uncommitted_changes_invisible),
        cmocka_unit_test(test_writer_lock),
        cmocka_unit_test(test_parallel_equals_serial),
        cmocka_unit_test(test_compact_keeps_results),
        cmocka_unit_test(test_foreach_report_on_reader),
        cmocka_unit_test(test_unknown_year_and_body_filter),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_report_fields_stored_once),
        cmocka_unit_test(test_many_headings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
