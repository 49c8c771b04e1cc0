/* test_structure.c — unit tests of the report outline (indexer/structure.c):
 * heading forms, heading+body lines, section paths, measures and the rule
 * that units never overlap and together cover each line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "structure.h"

/* ---- collecting units ------------------------------------------------ */

typedef struct got_unit {
    int kind, level;
    size_t line;
    char *text;
    char *section; /* the path joined with " > " */
    const char *ptr; /* where the text was in the fed line */
    size_t len;
} got_unit;

typedef struct collected {
    got_unit *v;
    size_t n, cap;
    int stop_after; /* return 7 from the callback after this many units (0: never) */
} collected;

static char *copy(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static char *join_section(const bgi_unit *u)
{
    size_t total = 1;
    for (size_t i = 0; i < u->n_section; i++)
        total += strlen(u->section[i]) + 3;
    char *s = calloc(1, total);
    assert_non_null(s);
    for (size_t i = 0; i < u->n_section; i++) {
        if (i)
            strcat(s, " > ");
        strcat(s, u->section[i]);
    }
    return s;
}

static int collect(void *ctx, const bgi_unit *u)
{
    collected *c = ctx;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        assert_non_null(c->v);
    }
    c->v[c->n++] = (got_unit){u->kind, u->level, u->line, copy(u->text, u->len), join_section(u),
                              u->text, u->len};
    return c->stop_after && c->n >= (size_t)c->stop_after ? 7 : 0;
}

static void release(collected *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].text);
        free(c->v[i].section);
    }
    free(c->v);
    memset(c, 0, sizeof *c);
}

/* Feeds a whole text through a fresh outline. */
static void outline(collected *c, const char *text)
{
    memset(c, 0, sizeof *c);
    bgi_outline *ol = bgi_outline_new();
    assert_non_null(ol);
    bgi_err err = {0};
    assert_int_equal(bgi_outline_feed_text(ol, text, strlen(text), collect, c, &err), 0);
    bgi_outline_free(ol);
}

static void expect_unit(const collected *c, size_t i, int kind, int level, size_t line,
                        const char *text, const char *section)
{
    assert_true(i < c->n);
    assert_string_equal(c->v[i].text, text);
    assert_int_equal(c->v[i].kind, kind);
    assert_int_equal(c->v[i].level, level);
    assert_int_equal(c->v[i].line, line);
    assert_string_equal(c->v[i].section, section);
}

/* One line in, exactly one unit of this kind and level out, with the line's
 * whole (trimmed) text. */
static void expect_single(const char *line, int kind, int level)
{
    collected c;
    outline(&c, line);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.v[0].kind, kind);
    assert_int_equal(c.v[0].level, level);
    release(&c);
}

/* ---- headings -------------------------------------------------------- */

static void test_heading_forms(void **state)
{
    (void)state;
    expect_single("一、总体要求", BG_UNIT_HEADING, 1);
    expect_single("十二、加强党的建设", BG_UNIT_HEADING, 1);
    expect_single("九十九、最后一项", BG_UNIT_HEADING, 1);
    expect_single("一、 带空格的标题", BG_UNIT_HEADING, 1);
    expect_single("（一）加强宏观调控", BG_UNIT_HEADING, 2);
    expect_single("(一)加强宏观调控", BG_UNIT_HEADING, 2);
    expect_single("（十三）混合括号)", BG_UNIT_HEADING, 2);
    expect_single("(二）混合括号", BG_UNIT_HEADING, 2);
    expect_single("1.稳定就业", BG_UNIT_HEADING, 3);
    expect_single("1. 稳定就业", BG_UNIT_HEADING, 3);
    expect_single("2、稳定就业", BG_UNIT_HEADING, 3);
    expect_single("3．稳定就业", BG_UNIT_HEADING, 3);
    expect_single("（4）稳定就业", BG_UNIT_HEADING, 3);
    expect_single("(5)稳定就业", BG_UNIT_HEADING, 3);
    expect_single("１２．全角数字", BG_UNIT_HEADING, 3);
    expect_single("（１）全角数字", BG_UNIT_HEADING, 3);
    expect_single("　　（一）全角空格缩进", BG_UNIT_HEADING, 2);
}

static void test_not_headings(void **state)
{
    (void)state;
    expect_single("2022年,我区扎实推进法治政府建设", BG_UNIT_PARAGRAPH, 0);
    expect_single("1.5万亿元用于基础设施建设", BG_UNIT_PARAGRAPH, 0);
    expect_single("十八大以来的五年，是极不平凡的五年。", BG_UNIT_PARAGRAPH, 0);
    expect_single("（2017年10月18日）", BG_UNIT_PARAGRAPH, 0);
    expect_single("我们要做到：一、加强领导；二、完善制度。", BG_UNIT_PARAGRAPH, 0);
    expect_single("一是加强领导。", BG_UNIT_MEASURE, 0);
    expect_single("1234.这不是编号", BG_UNIT_PARAGRAPH, 0);
}

static void test_heading_with_body(void **state)
{
    (void)state;
    collected c;
    outline(&c, "二、2022年主要举措和成效\n"
                "(二)拓展“无证明”城市建设广度和深度。我区深入推进政务“四免”优化工作。\n");
    assert_int_equal(c.n, 3);
    expect_unit(&c, 1, BG_UNIT_HEADING, 2, 2, "(二)拓展“无证明”城市建设广度和深度",
                "二、2022年主要举措和成效");
    expect_unit(&c, 2, BG_UNIT_PARAGRAPH, 0, 2, "我区深入推进政务“四免”优化工作。",
                "二、2022年主要举措和成效 > (二)拓展“无证明”城市建设广度和深度");
    release(&c);

    /* Nothing after the terminator: just the heading, without its 。 */
    outline(&c, "（三）坚持创新引领发展，培育壮大新动能。\n");
    assert_int_equal(c.n, 1);
    expect_unit(&c, 0, BG_UNIT_HEADING, 2, 1, "（三）坚持创新引领发展，培育壮大新动能", "");
    release(&c);

    /* A colon that comes first ends the title too. */
    outline(&c, "1、主要任务：完成年度目标。继续推进改革。");
    assert_int_equal(c.n, 2);
    expect_unit(&c, 0, BG_UNIT_HEADING, 3, 1, "1、主要任务", "");
    expect_unit(&c, 1, BG_UNIT_PARAGRAPH, 0, 1, "完成年度目标。继续推进改革。", "1、主要任务");
    release(&c);

    /* ... but not the colon of a time of day. */
    outline(&c, "(1)10:30召开全体会议");
    assert_int_equal(c.n, 1);
    expect_unit(&c, 0, BG_UNIT_HEADING, 3, 1, "(1)10:30召开全体会议", "");
    release(&c);
}

/* prefix, then n copies of unit, then suffix (appending at the end, so
 * that building megabytes stays linear). */
static char *repeat_after(const char *prefix, const char *unit, size_t n, const char *suffix)
{
    size_t lp = strlen(prefix), lu = strlen(unit), ls = strlen(suffix);
    char *s = malloc(lp + n * lu + ls + 1);
    assert_non_null(s);
    char *p = s;
    memcpy(p, prefix, lp);
    p += lp;
    for (size_t i = 0; i < n; i++, p += lu)
        memcpy(p, unit, lu);
    memcpy(p, suffix, ls);
    p[ls] = '\0';
    return s;
}

static void test_long_bracket_line_is_paragraph(void **state)
{
    (void)state;
    /* "（一）" is 3 characters: 57 more make a 60-character heading. */
    char *s = repeat_after("（一）", "字", 57, "");
    expect_single(s, BG_UNIT_HEADING, 2);
    free(s);
    s = repeat_after("（一）", "字", 58, "");
    expect_single(s, BG_UNIT_PARAGRAPH, 0);
    free(s);
    /* A first sentence that long is no title either. */
    s = repeat_after("(二)", "字", 80, "。后文。");
    expect_single(s, BG_UNIT_PARAGRAPH, 0);
    free(s);
    s = repeat_after("一、", "字", 70, "");
    expect_single(s, BG_UNIT_PARAGRAPH, 0);
    free(s);
}

static void test_section_paths(void **state)
{
    (void)state;
    collected c;
    outline(&c, "前言段落。\n"
                "一、甲\n"
                "（一）乙\n"
                "1.丙\n"
                "丙的正文。\n"
                "（二）丁\n"
                "丁的正文。\n"
                "二、戊\n"
                "戊的正文。\n"
                "1.己\n"
                "己的正文。\n"
                "三、庚\n");
    size_t i = 0;
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 1, "前言段落。", "");
    expect_unit(&c, i++, BG_UNIT_HEADING, 1, 2, "一、甲", "");
    expect_unit(&c, i++, BG_UNIT_HEADING, 2, 3, "（一）乙", "一、甲");
    expect_unit(&c, i++, BG_UNIT_HEADING, 3, 4, "1.丙", "一、甲 > （一）乙");
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 5, "丙的正文。", "一、甲 > （一）乙 > 1.丙");
    expect_unit(&c, i++, BG_UNIT_HEADING, 2, 6, "（二）丁", "一、甲");
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 7, "丁的正文。", "一、甲 > （二）丁");
    expect_unit(&c, i++, BG_UNIT_HEADING, 1, 8, "二、戊", "");
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 9, "戊的正文。", "二、戊");
    /* Level 3 straight under level 1: the path skips level 2. */
    expect_unit(&c, i++, BG_UNIT_HEADING, 3, 10, "1.己", "二、戊");
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 11, "己的正文。", "二、戊 > 1.己");
    expect_unit(&c, i++, BG_UNIT_HEADING, 1, 12, "三、庚", "");
    assert_int_equal(c.n, i);
    release(&c);
}

static void test_section_title_outlives_line(void **state)
{
    (void)state;
    bgi_outline *ol = bgi_outline_new();
    assert_non_null(ol);
    collected c = {0};
    char *line = strdup("（一）会被覆盖的标题");
    assert_int_equal(bgi_outline_feed(ol, line, strlen(line), 1, collect, &c, NULL), 0);
    memset(line, 'x', strlen(line));
    free(line);
    const char *body = "正文。";
    assert_int_equal(bgi_outline_feed(ol, body, strlen(body), 2, collect, &c, NULL), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.v[1].section, "（一）会被覆盖的标题");
    release(&c);
    bgi_outline_free(ol);
}

/* ---- measures -------------------------------------------------------- */

static void test_measures_with_lead(void **state)
{
    (void)state;
    collected c;
    outline(&c, "（二）加强协调。全年重点做好三件事，"
                "一是调整领导成员，二是印发工作规则；三是召开全体会议。");
    assert_int_equal(c.n, 5);
    expect_unit(&c, 0, BG_UNIT_HEADING, 2, 1, "（二）加强协调", "");
    expect_unit(&c, 1, BG_UNIT_PARAGRAPH, 0, 1, "全年重点做好三件事，", "（二）加强协调");
    expect_unit(&c, 2, BG_UNIT_MEASURE, 0, 1, "一是调整领导成员，", "（二）加强协调");
    expect_unit(&c, 3, BG_UNIT_MEASURE, 0, 1, "二是印发工作规则；", "（二）加强协调");
    expect_unit(&c, 4, BG_UNIT_MEASURE, 0, 1, "三是召开全体会议。", "（二）加强协调");
    release(&c);
}

static void test_measures_ascii_punctuation(void **state)
{
    (void)state;
    collected c;
    outline(&c, "存在一些不足:一是宣传载体有待创新;二是执法监督不够及时;三是规范化水平有待提高。");
    assert_int_equal(c.n, 4);
    expect_unit(&c, 0, BG_UNIT_PARAGRAPH, 0, 1, "存在一些不足:", "");
    expect_unit(&c, 1, BG_UNIT_MEASURE, 0, 1, "一是宣传载体有待创新;", "");
    expect_unit(&c, 2, BG_UNIT_MEASURE, 0, 1, "二是执法监督不够及时;", "");
    expect_unit(&c, 3, BG_UNIT_MEASURE, 0, 1, "三是规范化水平有待提高。", "");
    release(&c);

    outline(&c, "主要做法,一是建章立制,二是强化考核。");
    assert_int_equal(c.n, 3);
    expect_unit(&c, 0, BG_UNIT_PARAGRAPH, 0, 1, "主要做法,", "");
    expect_unit(&c, 1, BG_UNIT_MEASURE, 0, 1, "一是建章立制,", "");
    expect_unit(&c, 2, BG_UNIT_MEASURE, 0, 1, "二是强化考核。", "");
    release(&c);

    /* After a closing quote, or a closing bracket and a space. */
    outline(&c, "落实“两个责任”一是压实主体责任（党委） 二是压实监督责任");
    assert_int_equal(c.n, 3);
    expect_unit(&c, 0, BG_UNIT_PARAGRAPH, 0, 1, "落实“两个责任”", "");
    expect_unit(&c, 1, BG_UNIT_MEASURE, 0, 1, "一是压实主体责任（党委）", "");
    expect_unit(&c, 2, BG_UNIT_MEASURE, 0, 1, "二是压实监督责任", "");
    release(&c);

    /* Not after an ordinary character: 二是 here is no item. */
    expect_single("做法，一是压实责任，这二是不行的。", BG_UNIT_PARAGRAPH, 0);
}

static void test_measures_need_order_and_position(void **state)
{
    (void)state;
    /* 统一是 / 十二是 are words, not items. */
    expect_single("坚持统一是前提，做到十二是基础。", BG_UNIT_PARAGRAPH, 0);
    /* A lone 一是 after a comma, or items out of order, enumerate nothing. */
    expect_single("我们的做法，一是加强领导，三是完善制度。", BG_UNIT_PARAGRAPH, 0);

    collected c;
    /* A lone 一是 opening a sentence does: 二是 follows on the next line. */
    outline(&c, "面临的困难和挑战。一是外需萎缩。\n二是增速下滑。\n");
    assert_int_equal(c.n, 3);
    expect_unit(&c, 0, BG_UNIT_PARAGRAPH, 0, 1, "面临的困难和挑战。", "");
    expect_unit(&c, 1, BG_UNIT_MEASURE, 0, 1, "一是外需萎缩。", "");
    expect_unit(&c, 2, BG_UNIT_MEASURE, 0, 2, "二是增速下滑。", "");
    release(&c);

    /* Ten and more items. */
    outline(&c, "一是甲；二是乙；三是丙；四是丁；五是戊；六是己；"
                "七是庚；八是辛；九是壬；十是癸；十一是子；十二是丑。");
    assert_int_equal(c.n, 12);
    expect_unit(&c, 10, BG_UNIT_MEASURE, 0, 1, "十一是子；", "");
    expect_unit(&c, 11, BG_UNIT_MEASURE, 0, 1, "十二是丑。", "");
    release(&c);
}

static void test_dash_lines(void **state)
{
    (void)state;
    collected c;
    outline(&c, "一、工作回顾\n"
                "——经济运行稳中向好。一是增长较快，二是结构优化。\n"
                "——2017年3月5日在第十二届全国人民代表大会第五次会议上\n");
    assert_int_equal(c.n, 3);
    expect_unit(&c, 1, BG_UNIT_MEASURE, 0, 2, "——经济运行稳中向好。一是增长较快，二是结构优化。",
                "一、工作回顾");
    /* A by-line without punctuation is no item. */
    expect_unit(&c, 2, BG_UNIT_PARAGRAPH, 0, 3,
                "——2017年3月5日在第十二届全国人民代表大会第五次会议上", "一、工作回顾");
    release(&c);
}

static void test_item_lines(void **state)
{
    (void)state;
    collected c;
    outline(&c, "（一）实施积极的财政政策\n"
                "一是大幅度增加政府支出。\n"
                "为弥补缺口，拟安排财政赤字。\n"
                "二是实行结构性减税。三是优化支出结构。\n"
                "严格控制一般性支出。四是加强债务管理。\n"
                "（二）实施稳健的货币政策\n"
                "保持流动性合理充裕。五是这不是续项。\n");
    size_t i = 0;
    const char *sec = "（一）实施积极的财政政策";
    expect_unit(&c, i++, BG_UNIT_HEADING, 2, 1, sec, "");
    expect_unit(&c, i++, BG_UNIT_MEASURE, 0, 2, "一是大幅度增加政府支出。", sec);
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 3, "为弥补缺口，拟安排财政赤字。", sec);
    expect_unit(&c, i++, BG_UNIT_MEASURE, 0, 4, "二是实行结构性减税。", sec);
    expect_unit(&c, i++, BG_UNIT_MEASURE, 0, 4, "三是优化支出结构。", sec);
    /* The list goes on mid-line on the very next line... */
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 5, "严格控制一般性支出。", sec);
    expect_unit(&c, i++, BG_UNIT_MEASURE, 0, 5, "四是加强债务管理。", sec);
    expect_unit(&c, i++, BG_UNIT_HEADING, 2, 6, "（二）实施稳健的货币政策", "");
    /* ... but not across a heading. */
    expect_unit(&c, i++, BG_UNIT_PARAGRAPH, 0, 7, "保持流动性合理充裕。五是这不是续项。",
                "（二）实施稳健的货币政策");
    assert_int_equal(c.n, i);
    release(&c);
}

/* ---- coverage, line handling, API ------------------------------------ */

/* Skips the gap [p, to) between units, which may hold only whitespace and
 * heading terminators; returns how many terminators it held. */
static size_t skip_gap(const char *p, const char *to)
{
    static const char *const SPACES[] = {" ", "\t", "\r", "\xE3\x80\x80"};
    static const char *const TERMINATORS[] = {"。", "：", ":"};
    size_t terminators = 0;
    while (p < to) {
        size_t step = 0;
        for (size_t i = 0; i < sizeof SPACES / sizeof SPACES[0] && !step; i++)
            if (strncmp(p, SPACES[i], strlen(SPACES[i])) == 0)
                step = strlen(SPACES[i]);
        for (size_t i = 0; i < sizeof TERMINATORS / sizeof TERMINATORS[0] && !step; i++)
            if (strncmp(p, TERMINATORS[i], strlen(TERMINATORS[i])) == 0) {
                step = strlen(TERMINATORS[i]);
                terminators++;
            }
        assert_true(step > 0 && p + step <= to);
        p += step;
    }
    return terminators;
}

/* Units of one line are in order, do not overlap, and leave out only
 * whitespace and the one terminator right after a heading title. */
static void check_coverage(const char *line)
{
    collected c = {0};
    bgi_outline *ol = bgi_outline_new();
    assert_non_null(ol);
    assert_int_equal(bgi_outline_feed(ol, line, strlen(line), 1, collect, &c, NULL), 0);
    assert_true(c.n > 0);
    const char *p = line, *end = line + strlen(line);
    for (size_t i = 0; i <= c.n; i++) {
        const char *next = i < c.n ? c.v[i].ptr : end;
        assert_true(next >= p);
        size_t allowed = i > 0 && c.v[i - 1].kind == BG_UNIT_HEADING ? 1 : 0;
        assert_true(skip_gap(p, next) <= allowed);
        if (i < c.n)
            p = next + c.v[i].len;
    }
    release(&c);
    bgi_outline_free(ol);
}

static void test_units_cover_lines_without_overlap(void **state)
{
    (void)state;
    static const char *const LINES[] = {
        "　　（一）标题。正文，一是甲；二是乙。三是丙　",
        "(三)行政权力制约监督科学有效。一是自觉接受监督,办复率100%。二是认真贯彻条例。",
        "一、只有标题",
        "（二）标题：",
        "  普通段落，没有任何编号。  ",
        "引言：一是甲，二是乙，三是丙。",
        "——条目。一是不拆分，二是整体。",
        "二是单独一行；三是接着。",
        "1. 三级标题。 正文 ",
    };
    for (size_t i = 0; i < sizeof LINES / sizeof LINES[0]; i++)
        check_coverage(LINES[i]);
}

static void test_crlf_and_blank_lines(void **state)
{
    (void)state;
    collected c;
    outline(&c, "一、标题\r\n\r\n   \r\n　　\r\n正文。\r\n\n——条目。\r");
    assert_int_equal(c.n, 3);
    expect_unit(&c, 0, BG_UNIT_HEADING, 1, 1, "一、标题", "");
    expect_unit(&c, 1, BG_UNIT_PARAGRAPH, 0, 5, "正文。", "一、标题");
    expect_unit(&c, 2, BG_UNIT_MEASURE, 0, 7, "——条目。", "一、标题");
    release(&c);

    outline(&c, "");
    assert_int_equal(c.n, 0);
    release(&c);
    outline(&c, "\n\n\n");
    assert_int_equal(c.n, 0);
    release(&c);

    /* No trailing newline: the last line still counts. */
    outline(&c, "甲。\n乙。");
    assert_int_equal(c.n, 2);
    expect_unit(&c, 1, BG_UNIT_PARAGRAPH, 0, 2, "乙。", "");
    release(&c);
}

static void test_feed_keeps_line_number_and_ignores_cr(void **state)
{
    (void)state;
    bgi_outline *ol = bgi_outline_new();
    assert_non_null(ol);
    collected c = {0};
    const char *line = "（一）标题。正文\r";
    assert_int_equal(bgi_outline_feed(ol, line, strlen(line), 42, collect, &c, NULL), 0);
    assert_int_equal(c.n, 2);
    expect_unit(&c, 0, BG_UNIT_HEADING, 2, 42, "（一）标题", "");
    expect_unit(&c, 1, BG_UNIT_PARAGRAPH, 0, 42, "正文", "（一）标题");
    /* Units point into the caller's line. */
    assert_ptr_equal(c.v[0].ptr, line);
    release(&c);
    bgi_outline_free(ol);
}

static void test_callback_stops_feed(void **state)
{
    (void)state;
    bgi_outline *ol = bgi_outline_new();
    assert_non_null(ol);
    collected c = {0};
    c.stop_after = 2;
    const char *text = "甲。\n一是乙，二是丙，三是丁。\n戊。\n";
    assert_int_equal(bgi_outline_feed_text(ol, text, strlen(text), collect, &c, NULL), 7);
    assert_int_equal(c.n, 2);
    release(&c);
    bgi_outline_free(ol);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    bgi_err err = {0};
    collected c = {0};
    assert_int_equal(bgi_outline_feed(NULL, "x", 1, 1, collect, &c, &err), BG_EINVAL);
    assert_int_equal(err.code, BG_EINVAL);
    bgi_outline *ol = bgi_outline_new();
    assert_non_null(ol);
    assert_int_equal(bgi_outline_feed(ol, NULL, 3, 1, collect, &c, &err), BG_EINVAL);
    assert_int_equal(bgi_outline_feed(ol, NULL, 0, 1, collect, &c, &err), 0);
    assert_int_equal(bgi_outline_feed_text(ol, NULL, 0, collect, &c, &err), 0);
    assert_int_equal(c.n, 0);
    bgi_outline_free(ol);
    bgi_outline_free(NULL);
}

/* A line of megabytes full of near-misses must still be cut in linear time
 * (a quadratic scan would take minutes here). */
static void test_huge_lines(void **state)
{
    (void)state;
    size_t reps = 400000; /* "统一是，" is 12 bytes: about 4.8 MB */
    char *s = repeat_after("开头。一是甲，", "统一是，", reps, "二是乙。");
    collected c;
    outline(&c, s);
    /* The 4.8 MB measure comes in pieces of at most 16 KB (structure.c cuts
     * over-long units; docs/reliability.md), all measures, hard-cut since
     * the text has no sentence end; then the next item. */
    assert_true(c.n > 3);
    assert_string_equal(c.v[0].text, "开头。");
    for (size_t i = 1; i < c.n; i++) {
        assert_int_equal(c.v[i].kind, BG_UNIT_MEASURE);
        assert_true(strlen(c.v[i].text) <= 16384);
    }
    assert_string_equal(c.v[c.n - 1].text, "二是乙。");
    release(&c);
    free(s);

    s = repeat_after("（一）", "字", reps, "");
    outline(&c, s);
    assert_true(c.n >= 3 * reps / 16384);
    for (size_t i = 0; i < c.n; i++) {
        assert_int_equal(c.v[i].kind, BG_UNIT_PARAGRAPH);
        assert_true(strlen(c.v[i].text) <= 16384);
    }
    release(&c);
    free(s);
}

/* ---- a sample report ------------------------------------------------- */

static char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", BG_TEST_FIXTURES, name);
    char *buf = bgt_read_file(path, len);
    assert_non_null(buf);
    return buf;
}

static void test_sample_report(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = read_fixture("structure/sample-report.txt", &len);
    collected c = {0};
    bgi_outline *ol = bgi_outline_new();
    assert_non_null(ol);
    assert_int_equal(bgi_outline_feed_text(ol, text, len, collect, &c, NULL), 0);
    size_t count[3] = {0};
    for (size_t i = 0; i < c.n; i++)
        count[c.v[i].kind]++;
    assert_int_equal(count[BG_UNIT_HEADING], 9);
    assert_int_equal(count[BG_UNIT_PARAGRAPH], 9);
    assert_int_equal(count[BG_UNIT_MEASURE], 7);
    /* "一要…二要…" is no 一是 list; line 16 is blank. */
    expect_unit(&c, 20, BG_UNIT_PARAGRAPH, 0, 17, "以上工作一要加强领导，二要压实责任。",
                "二、2031年工作安排 > （二)加强队伍建设");
    /* (1) is level 3 like 1、: it replaces it. */
    expect_unit(&c, c.n - 1, BG_UNIT_PARAGRAPH, 0, 20, "建立月度调度机制。",
                "二、2031年工作安排 > （二)加强队伍建设 > (1)明确指标");
    release(&c);
    bgi_outline_free(ol);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heading_forms),
        cmocka_unit_test(test_not_headings),
        cmocka_unit_test(test_heading_with_body),
        cmocka_unit_test(test_long_bracket_line_is_paragraph),
        cmocka_unit_test(test_section_paths),
        cmocka_unit_test(test_section_title_outlives_line),
        cmocka_unit_test(test_measures_with_lead),
        cmocka_unit_test(test_measures_ascii_punctuation),
        cmocka_unit_test(test_measures_need_order_and_position),
        cmocka_unit_test(test_dash_lines),
        cmocka_unit_test(test_item_lines),
        cmocka_unit_test(test_units_cover_lines_without_overlap),
        cmocka_unit_test(test_crlf_and_blank_lines),
        cmocka_unit_test(test_feed_keeps_line_number_and_ignores_cr),
        cmocka_unit_test(test_callback_stops_feed),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_huge_lines),
        cmocka_unit_test(test_sample_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
