/* test_concurrency.c — readers while a writer commits, in one process.
 *
 * Xapian lets a reader go on at its revision until a writer has committed
 * twice more: the blocks of that revision may then be reused, and reading
 * them throws DatabaseModifiedError. bgx_search() then reopens and runs again;
 * these tests make sure that path is really taken (a reader held across two
 * large commits, whose revision moves forward inside bgx_search), and that
 * the public calls readers make — search, by-year, catalogue, revision — never
 * fail while other threads commit over and over. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "bgx.h"

#define N_FILES 4

typedef struct fixture {
    char dir[64];
    char index[96];
    char files[N_FILES][128];
} fixture;

/* Writes every report anew (lines paragraphs each) for round: all passages
 * change, so a commit rewrites most of the shard's blocks. One year only, so
 * the index is a single shard and a reader's revision is defined
 * (bgx_reader_revision). */
static void write_reports(const fixture *f, int round, int lines)
{
    static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    for (int k = 0; k < N_FILES; k++) {
        FILE *fp = fopen(f->files[k], "w");
        assert_non_null(fp);
        fprintf(fp, "2021年第%d号示范市人民政府工作报告\n", k);
        for (int i = 0; i < lines; i++) {
            if (i % 30 == 0)
                fprintf(fp, "%s、第%d部分\n", numerals[i / 30 % 10], i);
            fprintf(fp, "第%d轮第%d段：全面推行电子证照应用，政务服务事项网上可办率达到%d%%，"
                        "一是优化营商环境，二是加强法治政府建设第%d项。\n",
                    round, i, (i * 7 + round) % 100, k);
        }
        fclose(fp);
    }
}

/* Rewrites the reports for round, indexes them and commits. */
static void commit_round(bg_index *w, const fixture *f, int round, int lines)
{
    write_reports(f, round, lines);
    for (int k = 0; k < N_FILES; k++) {
        int rc = bg_index_add_file(NULL, NULL, w, f->files[k], NULL);
        if (rc)
            fail_msg("add %s: %s", f->files[k], bg_errmsg());
    }
    if (bg_index_commit(w))
        fail_msg("commit: %s", bg_errmsg());
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_test_concurrency_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
    for (int k = 0; k < N_FILES; k++)
        snprintf(f->files[k], sizeof f->files[k], "%s/report-%d.txt", f->dir, k);
    *state = f;
    return 0;
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

/* A reader opened before two commits that rewrite the shard is stale: its
 * search must still succeed, through the reopen-and-retry path — seen as its
 * revision moving forward during bgx_search — and find what a fresh reader
 * finds. */
static void test_stale_reader_retries(void **state)
{
    fixture *f = *state;
    bg_index *w = NULL;
    assert_int_equal(bg_index_open(&w, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE), 0);
    commit_round(w, f, 1, 200);

    bgi_err err = {0};
    bgx_reader *stale = NULL;
    assert_int_equal(bgx_reader_open(&stale, f->index, &err), 0);
    /* A bigram term (docs/format.md): every passage has 政务服务. */
    bgx_query *q = bgx_query_term("B政务", strlen("B政务"), 1, 0);
    assert_non_null(q);
    bgx_match m = {0};
    /* Reading once loads the old revision's root blocks into the reader. */
    assert_int_equal(bgx_search(&m, stale, q, 0, 10, NULL, 0, &err), 0);
    size_t total_before = m.total;
    assert_true(total_before > 0);
    bgx_match_clear(&m);
    uint64_t rev_before = bgx_reader_revision(stale);
    assert_true(rev_before > 0);

    commit_round(w, f, 2, 200);
    commit_round(w, f, 3, 200);

    int rc = bgx_search(&m, stale, q, 0, 10, NULL, 0, &err);
    if (rc)
        fail_msg("search on a stale reader failed: %s", err.msg);
    assert_true(bgx_reader_revision(stale) > rev_before);   /* it reopened */
    bgx_reader *fresh = NULL;
    assert_int_equal(bgx_reader_open(&fresh, f->index, &err), 0);
    bgx_match m2 = {0};
    assert_int_equal(bgx_search(&m2, fresh, q, 0, 10, NULL, 0, &err), 0);
    assert_int_equal(m.total, m2.total);
    assert_int_equal(m.total, total_before);
    bgx_match_clear(&m);
    bgx_match_clear(&m2);
    bgx_reader_free(fresh);
    bgx_reader_free(stale);
    bgx_query_free(q);
    bg_index_free(w);
}

/* The other reads a reader makes (the lexicon and catalogue metadata, term
 * lists and frequencies) must survive a stale revision as well. */
static int count_key(void *ctx, const char *key, const char *val, size_t len)
{
    (void)key, (void)val, (void)len;
    (*(size_t *)ctx)++;
    return 0;
}

static int count_term(void *ctx, const char *term, size_t len)
{
    (void)term, (void)len;
    (*(size_t *)ctx)++;
    return 0;
}

static void test_stale_reader_other_reads(void **state)
{
    fixture *f = *state;
    bg_index *w = NULL;
    assert_int_equal(bg_index_open(&w, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE), 0);
    commit_round(w, f, 1, 200);
    char shard[160];
    snprintf(shard, sizeof shard, "%s/shards/2021", f->index);
    bgi_err err = {0};
    bgx_reader *r[4] = {0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(bgx_reader_open(&r[i], shard, &err), 0);
        size_t n = 0;
        assert_int_equal(bgx_reader_foreach_term(r[i], "F", count_term, &n, &err), 0);
        assert_int_equal(n, N_FILES);
    }
    commit_round(w, f, 2, 200);
    commit_round(w, f, 3, 200);

    char *lex = NULL;
    size_t len = 0;
    if (bgx_reader_get_metadata(r[0], "lexicon", &lex, &len, &err))
        fail_msg("get_metadata: %s", err.msg);
    free(lex);
    size_t keys = 0, terms = 0;
    if (bgx_reader_foreach_metadata(r[1], "file:", count_key, &keys, &err))
        fail_msg("foreach_metadata: %s", err.msg);
    assert_int_equal(keys, N_FILES);   /* each key once, even after a retry */
    if (bgx_reader_foreach_term(r[2], "B", count_term, &terms, &err))
        fail_msg("foreach_term: %s", err.msg);
    assert_true(terms > 0);
    uint32_t freq = 0;
    if (bgx_reader_termfreq(r[3], "B政务", &freq, &err))
        fail_msg("termfreq: %s", err.msg);
    assert_true(freq > 0);
    for (int i = 0; i < 4; i++)
        bgx_reader_free(r[i]);
    bg_index_free(w);
}

/* ---- searches in threads while the main thread commits ------------------ */

typedef struct reader_ctx {
    const char *index;
    atomic_int *stop;
    size_t searches;
    size_t failures;
    char first_error[256];
} reader_ctx;

static void note_failure(reader_ctx *rc, const char *what)
{
    if (rc->failures++ == 0)
        snprintf(rc->first_error, sizeof rc->first_error, "%s: %s", what, bg_errmsg());
}

static void *reader_main(void *arg)
{
    reader_ctx *c = arg;
    bg_index *ix = NULL;
    if (bg_index_open(&ix, c->index, BG_OPEN_READ)) {
        note_failure(c, "open");
        return NULL;
    }
    static const char *const queries[] = {"电子证照", "政务服务", "\"优化营商环境\"", "法治 OR 营商", "网上可办率 -不存在的词"};
    /* One result set is kept across commits: it owns its data. */
    bg_results *kept = NULL;
    if (bg_search_run(&kept, ix, "电子证照", NULL))
        note_failure(c, "search");
    while (!atomic_load(c->stop)) {
        for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
            bg_results *res = NULL;
            bg_search_options o = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 50};
            if (bg_search_run(&res, ix, queries[i], &o) != 0 || bg_results_total(res) == 0)
                note_failure(c, queries[i]);
            bg_results_free(res);
            c->searches++;
        }
        bg_byyear *by = NULL;
        if (bg_search_by_year(&by, ix, "电子证照", &(bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .per_year = 3}) != 0)
            note_failure(c, "by-year");
        bg_byyear_free(by);
        char *cat = bg_index_reports_json(ix);
        if (!cat)
            note_failure(c, "catalogue");
        bg_free(cat);
        uint64_t rev = 0;
        if (bg_index_revision(&rev, ix) != 0)
            note_failure(c, "revision");
    }
    if (kept && (bg_results_count(kept) == 0 || !strstr(bg_hit_text(bg_results_hit(kept, 0)), "电子证照")))
        note_failure(c, "kept results");
    bg_results_free(kept);
    bg_index_free(ix);
    return NULL;
}

static void test_search_while_committing(void **state)
{
    fixture *f = *state;
    bg_index *w = NULL;
    assert_int_equal(bg_index_open(&w, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE), 0);
    commit_round(w, f, 1, 30);

    enum { N_READERS = 2, ROUNDS = 20 };
    atomic_int stop = 0;
    reader_ctx ctx[N_READERS];
    pthread_t th[N_READERS];
    for (int i = 0; i < N_READERS; i++) {
        ctx[i] = (reader_ctx){.index = f->index, .stop = &stop};
        assert_int_equal(pthread_create(&th[i], NULL, reader_main, &ctx[i]), 0);
    }
    for (int round = 2; round <= ROUNDS; round++)
        commit_round(w, f, round, 30);
    atomic_store(&stop, 1);
    size_t searches = 0;
    for (int i = 0; i < N_READERS; i++) {
        pthread_join(th[i], NULL);
        searches += ctx[i].searches;
        if (ctx[i].failures)
            fail_msg("reader %d: %zu failures, first: %s", i, ctx[i].failures, ctx[i].first_error);
    }
    assert_true(searches > 0);
    bg_index_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stale_reader_retries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_reader_other_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_while_committing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
