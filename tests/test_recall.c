/* test_recall.c — search quality guarantees on small fixture reports
 * (tests/fixtures/recall/), through the public API: complete substring recall
 * (sub-words, one character, traditional ⇄ simplified, full-width, punctuation
 * variants, several words in any order), ranking by the report's shape (exact
 * phrase above scattered words, heading and lead sentence above a passing
 * mention), highlights on exactly the original characters, and re-indexing
 * when the lexicon changes.
 *
 * "Complete recall" is checked against brute force: every passage in the index
 * is read back, normalised with the analyser's own bgi_normalize, and the ones
 * containing the normalised query must all be found. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "baogao.h"
#include "bgx.h"
#include "json_get.h"
#include "scheme.h"

#define MAX_PASSAGES 256

typedef struct passage {
    char *text;        /* original */
    char *norm;        /* normalised with bgi_normalize */
    char *report;
    size_t line;
} passage;

typedef struct fixture {
    char dir[64];
    char index[96];
    bgi_analyzer *an;   /* for brute-force normalisation */
    passage ps[MAX_PASSAGES];
    size_t n;
} fixture;

static char *normalise(bgi_analyzer *an, const char *s)
{
    bgi_normtext nt = {0};
    bgi_err err = {0};
    if (bgi_normalize(an, s, strlen(s), &nt, &err) != 0)
        fail_msg("bgi_normalize: %s", err.msg);
    char *out = strdup(nt.text ? nt.text : "");
    bgi_normtext_clear(&nt);
    return out;
}

static int add_fixture(bg_index *ix, const char *name, int *status)
{
    char path[256];
    snprintf(path, sizeof path, "%s/recall/%s", BG_TEST_FIXTURES, name);
    return bg_index_add_file(status, NULL, ix, path, NULL);
}

/* Every passage of the index, read back through Xapian (match-all). */
static int load_passages(fixture *f)
{
    bgi_err err = {0};
    bgx_reader *r = NULL;
    if (bgx_reader_open(&r, f->index, &err) != 0)
        return -1;
    bgx_query *all = bgx_query_match_all();
    bgx_match m;
    int rc = bgx_search(&m, r, all, 0, MAX_PASSAGES, NULL, 0, &err);
    bgx_query_free(all);
    /* A report's path is stored with its first passage (docs/format.md,
     * "Document data"): every record first, then each one's report. */
    cJSON **recs = calloc(m.n_hits ? m.n_hits : 1, sizeof *recs);
    for (size_t i = 0; rc == 0 && i < m.n_hits; i++)
        recs[i] = cJSON_Parse(m.hits[i].data);
    for (size_t i = 0; rc == 0 && i < m.n_hits; i++) {
        const cJSON *o = recs[i], *first = o;
        char first_id[BG_PASSAGE_ID_MAX];
        bgi_first_passage_id(first_id, o);
        for (size_t k = 0; !bgi_passage_rec_has_report(first) && k < m.n_hits; k++)
            if (strcmp(bgi_json_str(recs[k], BG_REC_ID), first_id) == 0)
                first = recs[k];
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "text");
        const cJSON *rep = cJSON_GetObjectItemCaseSensitive(first, "report");
        const cJSON *line = cJSON_GetObjectItemCaseSensitive(o, "line");
        passage *p = &f->ps[f->n++];
        p->text = strdup(t->valuestring);
        p->report = strdup(rep->valuestring);
        p->line = (size_t)line->valuedouble;
        p->norm = normalise(f->an, p->text);
    }
    for (size_t i = 0; recs && i < m.n_hits; i++)
        cJSON_Delete(recs[i]);
    free(recs);
    if (rc == 0 && m.total >= MAX_PASSAGES)
        rc = -1;
    bgx_match_clear(&m);
    bgx_reader_free(r);
    return rc;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_test_recall_XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->index, sizeof f->index, "%s/index", f->dir);
    char lexicon[256];
    snprintf(lexicon, sizeof lexicon, "%s/recall/lexicon.txt", BG_TEST_FIXTURES);
    const char *paths[] = {lexicon};
    bgi_err err = {0};
    bgi_analyzer_options opts = {.lexicon_paths = paths, .n_lexicon_paths = 1};
    if (bgi_analyzer_new(&f->an, &opts, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    bg_index *ix = NULL;
    int status = 0;
    int rc = bg_index_open(&ix, f->index, BG_OPEN_WRITE | BG_OPEN_CREATE);
    rc = rc ? rc : bg_index_set_lexicon(ix, paths, 1);
    rc = rc ? rc : add_fixture(ix, "city-2021.txt", &status);
    rc = rc ? rc : add_fixture(ix, "county-2022.txt", &status);
    rc = rc ? rc : bg_index_commit(ix);
    if (rc)
        fprintf(stderr, "%s\n", bg_errmsg());
    bg_index_free(ix);
    if (rc == 0 && load_passages(f) != 0)
        rc = -1;
    *state = f;
    return rc;
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < f->n; i++) {
        free(f->ps[i].text);
        free(f->ps[i].norm);
        free(f->ps[i].report);
    }
    bgi_analyzer_free(f->an);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static bg_results *search_in(const char *index, const char *q, const bg_search_options *o)
{
    bg_index *ix = NULL;
    assert_int_equal(bg_index_open(&ix, index, BG_OPEN_READ), 0);
    bg_results *res = NULL;
    if (bg_search_run(&res, ix, q, o) != 0)
        fail_msg("search '%s' failed: %s", q, bg_errmsg());
    bg_index_free(ix);
    return res;
}

static bg_results *search_all(const fixture *f, const char *q)
{
    bg_search_options o = {.version = BG_SEARCH_OPTIONS_VERSION, .limit = 1000};
    return search_in(f->index, q, &o);
}

/* Does passage p contain every space-separated word of q, normalised? */
static int contains_query(const fixture *f, const passage *p, const char *q)
{
    char *copy = strdup(q), *save = NULL;
    int all = 1;
    for (char *w = strtok_r(copy, " ", &save); w && all; w = strtok_r(NULL, " ", &save)) {
        char *nw = normalise(f->an, w);
        all = strstr(p->norm, nw) != NULL;
        free(nw);
    }
    free(copy);
    return all;
}

static const bg_hit *hit_for(const bg_results *res, const passage *p)
{
    for (size_t i = 0; i < bg_results_count(res); i++) {
        const bg_hit *h = bg_results_hit(res, i);
        if (bg_hit_line(h) == p->line && strcmp(bg_hit_report(h), p->report) == 0
            && strcmp(bg_hit_text(h), p->text) == 0)
            return h;
    }
    return NULL;
}

/* Checks that every passage containing the query is found; with exact != 0
 * also that nothing else is (queries whose every item is one run of
 * indexable characters: the substring layer is then the whole story).
 * Returns how many passages contain it. */
static size_t check_recall(const fixture *f, const char *q, int exact)
{
    bg_results *res = search_all(f, q);
    size_t want = 0;
    for (size_t i = 0; i < f->n; i++) {
        const passage *p = &f->ps[i];
        if (!contains_query(f, p, q))
            continue;
        want++;
        if (!hit_for(res, p))
            fail_msg("query '%s' misses %s:%zu '%s'", q, p->report, p->line, p->text);
    }
    if (exact && bg_results_total(res) != want)
        fail_msg("query '%s' finds %zu passages, %zu contain it", q, bg_results_total(res), want);
    bg_results_free(res);
    return want;
}

static size_t rank_of(const bg_results *res, const char *text_prefix);
static uint32_t termfreq(const char *index, const char *term);

static void test_subword_recall(void **state)
{
    const fixture *f = *state;
    /* 书记 inside 总书记 and 党委书记; 军人 inside 退役军人 (one ICU word) and
     * 领军人才 (across two words); 一体 inside 一体化; 地产 inside 房地产. */
    assert_int_equal(check_recall(f, "书记", 1), 2);
    assert_true(check_recall(f, "军人", 1) >= 2);
    assert_true(check_recall(f, "退役", 1) >= 1);
    assert_true(check_recall(f, "一体", 1) >= 1);
    assert_true(check_recall(f, "地产", 1) >= 1);
    /* ICU splits 标准化 into 标准|化, so passages with those two words apart
     * match too (the loose layer), but below the ones that contain it. */
    assert_true(check_recall(f, "标准化", 0) >= 2);
    bg_results *res = search_all(f, "标准化");
    assert_true(rank_of(res, "全面推进政务服务标准化") < rank_of(res, "加强政务服务标准体系建设"));
    bg_results_free(res);
}

static void test_one_character(void **state)
{
    const fixture *f = *state;
    assert_true(check_recall(f, "铁", 1) >= 2);
    assert_true(check_recall(f, "军", 1) >= 2);
    /* A traditional single character finds its simplified form. */
    assert_true(check_recall(f, "記", 1) >= 2);
}

static void test_traditional_simplified(void **state)
{
    const fixture *f = *state;
    /* Both directions find the simplified (city) and traditional (county) text. */
    size_t a = check_recall(f, "脫貧攻堅", 1);
    size_t b = check_recall(f, "脱贫攻坚", 1);
    assert_int_equal(a, b);
    assert_true(a >= 2);
    assert_true(check_recall(f, "營商環境", 1) >= 1);
    assert_true(check_recall(f, "食品安全", 1) >= 4);
}

static void test_fullwidth(void **state)
{
    const fixture *f = *state;
    size_t a = check_recall(f, "co2", 1);
    assert_int_equal(check_recall(f, "ＣＯ２", 1), a);
    assert_int_equal(check_recall(f, "CO2", 1), a);
    assert_true(a >= 2);
    assert_true(check_recall(f, "２０２２年", 1) >= 1);
    assert_true(check_recall(f, "2022年", 1) >= 1);
    /* Items with punctuation inside: every passage with the whole text is found. */
    assert_true(check_recall(f, "ＰＭ２．５", 0) >= 2);
    assert_true(check_recall(f, "6.5%", 0) >= 2);
}

static void test_punctuation_variants(void **state)
{
    const fixture *f = *state;
    /* 、 and ， are one form after normalisation. */
    assert_true(check_recall(f, "碳达峰、碳中和", 0) >= 1);
    assert_true(check_recall(f, "碳达峰，碳中和", 0) >= 1);
    assert_true(check_recall(f, "碳達峰,碳中和", 0) >= 1);
}

static void test_multiword_any_order(void **state)
{
    const fixture *f = *state;
    size_t a = check_recall(f, "高铁 建设", 0);
    assert_int_equal(check_recall(f, "建设 高铁", 0), a);
    assert_true(a >= 2);
    assert_true(check_recall(f, "食品安全 监管", 0) >= 2);
}

static size_t rank_of(const bg_results *res, const char *text_prefix)
{
    for (size_t i = 0; i < bg_results_count(res); i++) {
        const bg_hit *h = bg_results_hit(res, i);
        if (strncmp(bg_hit_text(h), text_prefix, strlen(text_prefix)) == 0)
            return bg_hit_rank(h);
    }
    fail_msg("no hit starting with '%s'", text_prefix);
    return 0;
}

static void test_long_query_phrase_first(void **state)
{
    const fixture *f = *state;
    bg_results *res = search_all(f, "推进政务服务标准化");
    /* The exact phrase (a heading and the paragraph under it) comes first;
     * the passage with the words apart is still found, below them. */
    size_t heading = rank_of(res, "（一）推进政务服务标准化");
    size_t exact = rank_of(res, "全面推进政务服务标准化");
    size_t apart = rank_of(res, "加强政务服务标准体系建设");
    assert_true(heading < apart);
    assert_true(exact < apart);
    bg_results_free(res);
}

static void test_heading_and_lead_above_passing(void **state)
{
    const fixture *f = *state;
    bg_results *res = search_all(f, "食品安全");
    size_t heading = rank_of(res, "（三）加强食品安全监管");
    size_t under = rank_of(res, "严格落实食品安全责任");
    size_t lead = rank_of(res, "食品安全形势持续向好");
    size_t passing = rank_of(res, "今年拟安排重大项目120个");
    assert_true(heading < passing);
    assert_true(under < passing);
    assert_true(lead < passing);
    bg_results_free(res);
}

/* The matched byte ranges of the hit for passage text_prefix, as strings. */
static size_t matched(const bg_results *res, const char *text_prefix, char out[][64], size_t max)
{
    size_t r = rank_of(res, text_prefix);
    const bg_hit *h = bg_results_hit(res, r - 1);
    const size_t *s, *e;
    size_t n = bg_hit_matches(h, &s, &e);
    for (size_t i = 0; i < n && i < max; i++) {
        assert_true(e[i] > s[i] && e[i] - s[i] < 64);
        memcpy(out[i], bg_hit_text(h) + s[i], e[i] - s[i]);
        out[i][e[i] - s[i]] = '\0';
    }
    return n;
}

static void test_highlight_original_characters(void **state)
{
    const fixture *f = *state;
    char m[8][64];
    bg_results *res = search_all(f, "脱贫攻坚");
    assert_int_equal(matched(res, "堅持脫貧攻堅", m, 8), 2);
    assert_string_equal(m[0], "脫貧攻堅");
    assert_string_equal(m[1], "脫貧攻堅");
    bg_results_free(res);

    res = search_all(f, "co2");
    assert_int_equal(matched(res, "全縣ＣＯ２", m, 8), 1);
    assert_string_equal(m[0], "ＣＯ２");
    bg_results_free(res);

    /* The whole item, punctuation included, and not every stray 5 and 6. */
    res = search_all(f, "6.5%");
    assert_int_equal(matched(res, "全縣ＣＯ２", m, 8), 1);
    assert_string_equal(m[0], "６．５％");
    assert_int_equal(matched(res, "主要预期目标是", m, 8), 1);
    assert_string_equal(m[0], "6.5%");
    bg_results_free(res);

    res = search_all(f, "碳达峰，碳中和");
    assert_int_equal(matched(res, "（一）推進碳達峰", m, 8), 1);
    assert_string_equal(m[0], "碳達峰、碳中和");
    bg_results_free(res);

    /* Words found apart are marked where they are whole words of the passage
     * (化 of 便民化, 政务服务 and 标准 side by side), not as every substring. */
    res = search_all(f, "推进政务服务标准化");
    assert_int_equal(matched(res, "加强政务服务标准体系建设", m, 8), 3);
    assert_string_equal(m[0], "政务服务标准");
    assert_string_equal(m[1], "推进");
    assert_string_equal(m[2], "化");
    assert_int_equal(matched(res, "全面推进政务服务标准化", m, 8), 1);
    assert_string_equal(m[0], "推进政务服务标准化");
    bg_results_free(res);

    /* A sub-word: only the characters asked for, inside the longer word. */
    res = search_all(f, "书记");
    assert_int_equal(matched(res, "区委书记", m, 8), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(m[i], "书记");
    bg_results_free(res);
}

static void test_snippet_centred(void **state)
{
    const fixture *f = *state;
    bg_results *res = search_all(f, "标准化");
    size_t r = rank_of(res, "全面推进政务服务标准化");
    char *snip = bg_hit_snippet(bg_results_hit(res, r - 1), 12, "[", "]");
    assert_non_null(strstr(snip, "[标准化]"));
    bg_free(snip);
    bg_results_free(res);
}

/* Copies the lexicon test report to a directory of its own and indexes it with
 * the lexicon text given (written to a temp file). */
static int index_with_lexicon(int *status, const char *dir, const char *index, const char *lexicon_text)
{
    char lex[160], cmd[512];
    snprintf(lex, sizeof lex, "%s/lexicon.txt", dir);
    FILE *fp = fopen(lex, "w");
    if (!fp)
        return -1;
    fputs(lexicon_text, fp);
    fclose(fp);
    snprintf(cmd, sizeof cmd, "cp -n %s/recall/lexicon-test.txt %s/ 2>/dev/null; true", BG_TEST_FIXTURES, dir);
    if (system(cmd) != 0)
        return -1;
    char report[160];
    snprintf(report, sizeof report, "%s/lexicon-test.txt", dir);
    bg_index *ix = NULL;
    const char *paths[] = {lex};
    int rc = bg_index_open(&ix, index, BG_OPEN_WRITE | BG_OPEN_CREATE);
    rc = rc ? rc : bg_index_set_lexicon(ix, paths, 1);
    rc = rc ? rc : bg_index_add_file(status, NULL, ix, report, NULL);
    rc = rc ? rc : bg_index_commit(ix);
    bg_index_free(ix);
    return rc;
}

static void test_lexicon_change_reindexes(void **state)
{
    (void)state;
    char dir[64], index[96];
    snprintf(dir, sizeof dir, "/tmp/bg_test_lexicon_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(index, sizeof index, "%s/index", dir);
    int status = 0;

    /* Without 专项债 in the lexicon ICU splits it into 专|项|债, so the query
     * also matches those three words apart ("专项资金，化解地方债"). */
    assert_int_equal(index_with_lexicon(&status, dir, index, "# no words\n"), 0);
    assert_int_equal(status, BG_ADD_NEW);
    bg_results *res = search_in(index, "专项债", NULL);
    assert_int_equal(bg_results_total(res), 2);
    bg_results_free(res);

    /* The same list again: nothing to do. */
    assert_int_equal(index_with_lexicon(&status, dir, index, "# no words\n"), 0);
    assert_int_equal(status, BG_ADD_UNCHANGED);

    /* A reader held across the change must analyse queries with the new
     * lexicon from its next search on (it caches the analyser per revision). */
    bg_index *held = NULL;
    assert_int_equal(bg_index_open(&held, index, BG_OPEN_READ), 0);
    assert_int_equal(bg_search_run(&res, held, "专项债", NULL), 0);
    assert_int_equal(bg_results_total(res), 2);
    bg_results_free(res);

    /* A changed list re-indexes the unchanged file; 专项债 is now one word in
     * the index and in the query, so only the passage that contains it is found. */
    assert_int_equal(index_with_lexicon(&status, dir, index, "专项债\n"), 0);
    assert_int_equal(status, BG_ADD_UPDATED);
    res = search_in(index, "专项债", NULL);
    assert_int_equal(bg_results_total(res), 1);
    assert_non_null(strstr(bg_hit_text(bg_results_hit(res, 0)), "专项债3亿元"));
    bg_results_free(res);
    assert_int_equal(bg_search_run(&res, held, "专项债", NULL), 0);
    assert_int_equal(bg_results_total(res), 1);
    bg_results_free(res);
    bg_index_free(held);

    assert_int_equal(termfreq(index, "专项债"), 1);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static uint32_t termfreq(const char *index, const char *term)
{
    bgi_err err = {0};
    bgx_reader *r = NULL;
    uint32_t freq = 0;
    assert_int_equal(bgx_reader_open(&r, index, &err), 0);
    assert_int_equal(bgx_reader_termfreq(r, term, &freq, &err), 0);
    bgx_reader_free(r);
    return freq;
}

static int add_with_default_lexicon(int *status, const char *index, const char *report)
{
    bg_index *ix = NULL;
    int rc = bg_index_open(&ix, index, BG_OPEN_WRITE | BG_OPEN_CREATE);
    rc = rc ? rc : bg_index_add_file(status, NULL, ix, report, NULL);
    rc = rc ? rc : bg_index_commit(ix);
    bg_index_free(ix);
    return rc;
}

/* Without --lexicon the indexer reads ~/.config/baogao/lexicon.txt (besides
 * the starter list), and a change there re-indexes the files it touches. */
static void test_default_lexicon_location(void **state)
{
    (void)state;
    char dir[64], index[96], report[128], cmd[512];
    snprintf(dir, sizeof dir, "/tmp/bg_test_userlex_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(index, sizeof index, "%s/index", dir);
    snprintf(report, sizeof report, "%s/lexicon-test.txt", dir);
    snprintf(cmd, sizeof cmd, "cp %s/recall/lexicon-test.txt %s/ && mkdir -p %s/home/.config/baogao", BG_TEST_FIXTURES,
             dir, dir);
    assert_int_equal(system(cmd), 0);
    char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char *old_xdg = getenv("XDG_CONFIG_HOME") ? strdup(getenv("XDG_CONFIG_HOME")) : NULL;
    char home[96];
    snprintf(home, sizeof home, "%s/home", dir);
    setenv("HOME", home, 1);
    unsetenv("XDG_CONFIG_HOME");

    /* 地方债 is in no list yet: ICU's 地方|债 are two words. */
    int status = 0;
    assert_int_equal(add_with_default_lexicon(&status, index, report), 0);
    assert_int_equal(status, BG_ADD_NEW);
    assert_int_equal(termfreq(index, "地方债"), 0);

    char lex[160];
    snprintf(lex, sizeof lex, "%s/.config/baogao/lexicon.txt", home);
    FILE *fp = fopen(lex, "w");
    assert_non_null(fp);
    fputs("# my words\n地方债\n", fp);
    fclose(fp);
    assert_int_equal(add_with_default_lexicon(&status, index, report), 0);
    assert_int_equal(status, BG_ADD_UPDATED);
    assert_int_equal(termfreq(index, "地方债"), 1);
    bg_results *res = search_in(index, "地方债", NULL);
    assert_int_equal(bg_results_total(res), 1);
    bg_results_free(res);

    if (old_home)
        setenv("HOME", old_home, 1);
    if (old_xdg)
        setenv("XDG_CONFIG_HOME", old_xdg, 1);
    free(old_home);
    free(old_xdg);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subword_recall),
        cmocka_unit_test(test_one_character),
        cmocka_unit_test(test_traditional_simplified),
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_punctuation_variants),
        cmocka_unit_test(test_multiword_any_order),
        cmocka_unit_test(test_long_query_phrase_first),
        cmocka_unit_test(test_heading_and_lead_above_passing),
        cmocka_unit_test(test_highlight_original_characters),
        cmocka_unit_test(test_snippet_centred),
        cmocka_unit_test(test_lexicon_change_reindexes),
        cmocka_unit_test(test_default_lexicon_location),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
