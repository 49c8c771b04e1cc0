/* test_qparse.c — the query syntax (query/qparse.c) and the filters people
 * type: the parse tree of AND, OR, NOT, parentheses, - and +; what those
 * queries find on a small index whose passages are chosen so that each
 * operator's reading gives a different set; year lists, body prefixes and
 * short names (data/bodies.txt); and what a search without results says
 * about its filters (bg_search_suggest). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "bodies.h"
#include "qparse.h"

/* ---- the parse tree ------------------------------------------------------- */

/* The tree as text: items by text, lists as AND[..] / OR[..], signs as - / +. */
static void show(const bgi_qparsed *q, int k, char *out, size_t n)
{
    const bgi_qnode *nd = &q->nodes[k];
    size_t len = strlen(out);
    const char *sign = nd->sign == BGI_QS_EXCLUDED ? "-" : nd->sign == BGI_QS_REQUIRED ? "+" : "";
    if (nd->op == BGI_QN_ITEM) {
        snprintf(out + len, n - len, "%s%s%s", sign, q->items[nd->item].quoted ? "\"" : "",
                 q->items[nd->item].text);
        return;
    }
    snprintf(out + len, n - len, "%s%s[", sign, nd->op == BGI_QN_AND ? "AND" : "OR");
    for (int c = nd->child; c >= 0; c = q->nodes[c].next) {
        show(q, c, out, n);
        if (q->nodes[c].next >= 0)
            strncat(out, " ", n - strlen(out) - 1);
    }
    strncat(out, "]", n - strlen(out) - 1);
}

static void expect_tree(const char *query, const char *want)
{
    bgi_qparsed q;
    bgi_err err = {0};
    assert_int_equal(bgi_query_parse(&q, query, &err), 0);
    char got[512] = "";
    show(&q, q.root, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got %s, want %s", query, got, want);
    bgi_qparsed_clear(&q);
}

static void test_tree(void **state)
{
    (void)state;
    expect_tree("减税 降费 -企业", "AND[减税 降费 -企业]");
    expect_tree("减税 AND 降费", "AND[减税 降费]");
    expect_tree("减税 NOT 企业", "AND[减税 -企业]");
    expect_tree("(减税 OR 降费) 企业", "AND[OR[减税 降费] 企业]");
    /* AND and NOT bind tighter than OR (Xapian's QueryParser). */
    expect_tree("减税 OR 降费 NOT 中小企业", "AND[OR[减税 AND[降费 -中小企业]]]");
    expect_tree("a AND b OR c", "AND[OR[AND[a b] c]]");
    /* OR binds tighter than words side by side, as before. */
    expect_tree("a OR b c", "AND[OR[a b] c]");
    /* Lower case is text. */
    expect_tree("减税 and 降费 or 企业 not x", "AND[减税 and 降费 or 企业 not x]");
    expect_tree("降费 OR +企业", "AND[OR[降费 +企业]]");
    expect_tree("-\"中小 企业\" 减税", "AND[-\"中小 企业 减税]");
    expect_tree("-(a b) c", "AND[-AND[a b] c]");
    expect_tree("NOT 企业 降费", "AND[-企业 降费]");
    /* Stray operators and parentheses are no error. */
    expect_tree("OR OR a OR OR", "AND[a]");
    expect_tree("a AND", "AND[a]");
    expect_tree("((a", "AND[a]");
    expect_tree("a) b", "AND[a) b]");
    expect_tree("国发(2023)1号", "AND[国发(2023)1号]");
    expect_tree("(2023)", "AND[2023]");
}

/* Groups and exclusions as qbuild and the highlighter read them. */
static void test_items(void **state)
{
    (void)state;
    bgi_qparsed q;
    bgi_err err = {0};
    assert_int_equal(bgi_query_parse(&q, "a OR b c -d NOT e", &err), 0);
    assert_int_equal(q.n, 5);
    static const int group[] = {1, 1, 2, 3, 4}, negated[] = {0, 0, 0, 1, 1};
    for (size_t i = 0; i < q.n; i++) {
        assert_int_equal(q.items[i].group, group[i]);
        assert_int_equal(q.items[i].negated, negated[i]);
    }
    assert_int_equal(q.n_groups, 4);
    bgi_qparsed_clear(&q);
    assert_int_equal(bgi_query_parse(&q, "OR AND NOT ( )", &err), BG_EQUERY);
    /* Deep nesting is cut at BG_QUERY_MAX_DEPTH, not refused. */
    char deep[200] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "(");
    strcat(deep, "a");
    assert_int_equal(bgi_query_parse(&q, deep, &err), 0);
    bgi_qparsed_clear(&q);
}

/* ---- what the queries find ------------------------------------------------- */

typedef struct fixture {
    char dir[64];
    bg_index *ix;
} fixture;

/* Each passage holds a marker word, so a result set reads as its markers. */
static const struct {
    const char *name, *title, *body;
    int year;
    const char *text;
} reports[] = {
    {"syn-a-2021.txt", "2021年示范报告甲", "国务院办公厅", 2021,
     "2021年示范报告甲\n"
     "实施减税政策，支持小微企业发展壮大。\n"       /* P1 */
     "继续降费，减轻市场主体负担。\n"               /* P2 */
     "减税降费政策惠及广大中小企业。\n"             /* P3 */
     "全面推进减税工作落地见效。\n"                 /* P4 */
     "深化企业改革，激发市场活力。\n"               /* P5 */
     "减税与降费同步推进，成效明显。\n"},           /* P6 */
    {"syn-b-2022.txt", "2022年示范报告乙", "中国共产党中央委员会", 2022,
     "2022年示范报告乙\n统筹推进减税工作，优化税制结构。\n"},    /* B */
    {"syn-c-2023.txt", "2023年示范报告丙", "国务院", 2023,
     "2023年示范报告丙\n进一步落实减税措施，稳定市场预期。\n"},  /* C */
};

static const char *const markers[] = {"小微", "负担", "广大", "落地", "激发", "同步", "税制", "预期"};
static const char *const marker_names[] = {"P1", "P2", "P3", "P4", "P5", "P6", "B", "C"};

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_test_qparse_XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/index", f->dir);
    if (bg_index_open(&f->ix, path, BG_OPEN_WRITE | BG_OPEN_CREATE) != 0)
        return -1;
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", f->dir, reports[i].name);
        FILE *fp = fopen(path, "w");
        if (!fp || fputs(reports[i].text, fp) < 0 || fclose(fp) != 0)
            return -1;
        bg_report_info info = BG_REPORT_INFO_INIT;
        info.title = reports[i].title;
        info.body = reports[i].body;
        info.year = reports[i].year;
        int status = 0;
        size_t n = 0;
        if (bg_index_add_file(&status, &n, f->ix, path, &info) != 0) {
            fprintf(stderr, "%s\n", bg_errmsg());
            return -1;
        }
    }
    *state = f;
    return bg_index_commit(f->ix);
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

/* The markers of every hit of query under o, in marker order ("P1 P3"). */
static void found(char *out, size_t n, fixture *f, const char *query, bg_search_options *o)
{
    o->limit = 100;
    o->strict = 1;   /* exact matches only: the sets are the operators' */
    bg_results *res = NULL;
    if (bg_search_run(&res, f->ix, query, o) != 0)
        fail_msg("%s: %s", query, bg_errmsg());
    out[0] = '\0';
    for (size_t m = 0; m < sizeof markers / sizeof markers[0]; m++)
        for (size_t i = 0; i < bg_results_count(res); i++)
            if (strstr(bg_hit_text(bg_results_hit(res, i)), markers[m])) {
                snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? " " : "", marker_names[m]);
                break;
            }
    bg_results_free(res);
}

static void expect_found(fixture *f, const char *query, bg_search_options o, const char *want)
{
    char got[128];
    found(got, sizeof got, f, query, &o);
    if (strcmp(got, want) != 0)
        fail_msg("%s: found '%s', want '%s'", query, got, want);
}

static void test_operators(void **state)
{
    fixture *f = *state;
    const bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    expect_found(f, "减税 降费 -企业", o, "P6");
    expect_found(f, "减税 AND 降费", o, "P3 P6");
    expect_found(f, "减税 NOT 企业", o, "P4 P6 B C");
    expect_found(f, "(减税 OR 降费) 企业", o, "P1 P3");
    /* 减税 OR (降费 NOT 中小企业): P3 stays, as a 减税 passage. */
    expect_found(f, "减税 OR 降费 NOT 中小企业", o, "P1 P2 P3 P4 P6 B C");
    expect_found(f, "(减税 OR 降费) NOT 中小企业", o, "P1 P2 P4 P6 B C");
    expect_found(f, "-\"中小企业\" 减税", o, "P1 P4 P6 B C");
    expect_found(f, "NOT 企业 降费", o, "P2 P6");
    expect_found(f, "减税 and 降费", o, "");   /* "and" is a word here */
    /* +企业 is required in the OR (降费 alone, P2, is not enough). */
    expect_found(f, "降费 OR +企业", o, "P1 P3 P5");
}

static void test_year_list(void **state)
{
    fixture *f = *state;
    static const int odd[] = {2021, 2023};
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.years = odd;
    o.n_years = 2;
    expect_found(f, "减税", o, "P1 P3 P4 P6 C");
    o.year_from = 2022;    /* both apply */
    expect_found(f, "减税", o, "C");
    static const int bad[] = {2021, 0};
    o = (bg_search_options)BG_SEARCH_OPTIONS_INIT;
    o.years = bad;
    o.n_years = 2;
    bg_results *res = NULL;
    assert_int_equal(bg_search_run(&res, f->ix, "减税", &o), BG_EINVAL);
}

static void test_body(void **state)
{
    fixture *f = *state;
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.body = "国务院";          /* a body the index has: that body only (its facet count) */
    expect_found(f, "减税", o, "C");
    o.body = "国务";            /* a prefix: 国务院 and 国务院办公厅 */
    expect_found(f, "减税", o, "P1 P3 P4 P6 C");
    o.body = "中共中央";        /* a short name */
    expect_found(f, "减税", o, "B");
    o.body = "国办";
    expect_found(f, "减税", o, "P1 P3 P4 P6");
    o.body = "国务院办公室";    /* no such body */
    expect_found(f, "减税", o, "");
    char *full = bgi_body_full_name(BG_SOURCE_DIR "/data/bodies.txt", "全国人大");
    assert_string_equal(full, "全国人民代表大会");
    free(full);
    assert_null(bgi_body_full_name(BG_SOURCE_DIR "/data/bodies.txt", "国务院"));
}

static void test_suggestions(void **state)
{
    fixture *f = *state;
    static const int future[] = {2030};
    bg_search_options o = BG_SEARCH_OPTIONS_INIT;
    o.years = future;
    o.n_years = 1;
    o.body = "国务";
    bg_suggestion s[BG_MAX_SUGGESTIONS];
    size_t n = 0;
    assert_int_equal(bg_search_suggest(s, BG_MAX_SUGGESTIONS, &n, f->ix, "减税", &o), 0);
    assert_int_equal(n, 3);
    assert_string_equal(s[0].drop, "year");
    assert_int_equal(s[0].total, 5);
    assert_string_equal(s[1].drop, "body");
    assert_int_equal(s[1].total, 0);
    assert_string_equal(s[2].drop, "all");
    assert_int_equal(s[2].total, 6);
    /* No filter: nothing to suggest. */
    assert_int_equal(bg_search_suggest(s, BG_MAX_SUGGESTIONS, &n, f->ix, "量子", NULL), 0);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_year_list),
        cmocka_unit_test(test_body),
        cmocka_unit_test(test_suggestions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
