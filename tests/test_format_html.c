/* test_format_html.c — unit tests for formats/html.c (bgi_read_html): the
 * article of a portal page and nothing else, its metadata table, charsets
 * (declared, lying, missing), tables, headings, whitespace, and the limits.
 *
 * The three portal pages in tests/fixtures/formats/html-*.html are written by
 * tests/formats/make_html_fixtures.py around the committed report
 * corpus/shaoguan-qujiang-fazhi-2022.txt; the tests expect exactly the
 * report's lines back. Smaller pages are written here inline. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>

#include "baogao.h"
#include "bgi_err.h"
#include "document.h"
#include "util.h"

#ifndef BG_TEST_FIXTURES
#define BG_TEST_FIXTURES "tests/fixtures"
#endif

#define TITLE "韶关市曲江区2022年度法治政府建设情况报告"

/* ---- helpers ---------------------------------------------------------- */

static char *slurp(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", BG_TEST_FIXTURES, rel);
    char *data = NULL;
    bgi_err err = {0};
    if (bgi_read_file(&data, len, path, &err))
        fail_msg("%s", err.msg);
    return data;
}

/* The report's paragraphs, one per line, without the final newline. */
static char *report_lines(size_t first, size_t count)
{
    size_t len;
    char *all = slurp("../../corpus/shaoguan-qujiang-fazhi-2022.txt", &len);
    bgi_buf out = {0};
    char *p = all;
    for (size_t i = 0; *p && i < first + count; i++) {
        char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (i >= first) {
            if (out.len)
                bgi_buf_append(&out, "\n", 1);
            bgi_buf_append(&out, p, n);
        }
        p = nl ? nl + 1 : p + n;
    }
    free(all);
    return out.data;
}

/* The contract of every successful read: text of the stated length, one
 * bgi_para_info per line, nothing empty, no control characters but tabs. */
static void assert_well_formed(const bgi_document *d)
{
    assert_int_equal(d->format, BG_FORMAT_HTML);
    assert_non_null(d->text);
    assert_int_equal(strlen(d->text), d->len);
    size_t lines = 1;
    for (size_t i = 0; i < d->len; i++) {
        unsigned char c = (unsigned char)d->text[i];
        if (c == '\n') {
            lines++;
            assert_true(i > 0 && d->text[i - 1] != '\n');
        } else {
            assert_true(c >= 0x20 || c == '\t');
        }
    }
    assert_int_equal(d->n_paras, lines);
    assert_non_null(d->paras);
}

static bgi_document read_ok(const char *bytes, size_t n)
{
    bgi_document d;
    bgi_err err = {0};
    int rc = bgi_read_html(&d, bytes, n, &err);
    if (rc)
        fail_msg("bgi_read_html failed: %d %s", rc, err.msg);
    assert_well_formed(&d);
    return d;
}

static bgi_document read_str(const char *html)
{
    return read_ok(html, strlen(html));
}

static void assert_fails(const char *bytes, size_t n, int code, const char *msg)
{
    bgi_document d;
    bgi_err err = {0};
    assert_int_equal(bgi_read_html(&d, bytes, n, &err), code);
    assert_string_equal(err.msg, msg);
    assert_null(d.text);
}

static char *joined(const char *first, const char *rest)
{
    return bgi_concat(first, rest);
}

/* ---- portal pages ---------------------------------------------------------- */

static void test_govcn_portal(void **state)
{
    (void)state;
    size_t n;
    char *page = slurp("formats/html-govcn.html", &n);
    bgi_document d = read_ok(page, n);
    char *body = report_lines(0, 26);
    char *want = joined(TITLE "\n", body);
    assert_string_equal(d.text, want);
    assert_int_equal(d.n_paras, 27);
    for (size_t i = 0; i < d.n_paras; i++) {
        assert_int_equal(d.paras[i].level, 0);
        assert_int_equal(d.paras[i].page, 0);
    }
    assert_string_equal(d.encoding, "UTF-8");
    assert_string_equal(d.meta.title, TITLE);
    assert_string_equal(d.meta.body, "韶关市曲江区人民政府");
    assert_string_equal(d.meta.date, "2023年01月16日");
    assert_string_equal(d.meta.docno, "韶曲府〔2023〕3号");
    assert_string_equal(d.meta.published, "2023年01月18日");
    assert_string_equal(d.meta.subject, "司法、法治政府建设");
    assert_string_equal(d.meta.index_no, "007220339/2023-00012");
    free(want);
    free(body);
    bgi_document_clear(&d);
    free(page);
}

static void test_province_gb18030(void **state)
{
    (void)state;
    size_t n;
    char *page = slurp("formats/html-province.html", &n);
    bgi_document d = read_ok(page, n);
    char *body = report_lines(0, 10);
    char *with_title = joined(TITLE "\n", body);
    char *want = joined(with_title, "\n韶关市曲江区人民政府\n2023年1月16日");
    assert_string_equal(d.text, want);
    assert_string_equal(d.encoding, "GB18030");
    assert_string_equal(d.meta.title, TITLE);
    assert_string_equal(d.meta.body, "韶关市曲江区人民政府");
    assert_string_equal(d.meta.date, "2023-01-16");
    assert_string_equal(d.meta.docno, "韶曲府〔2023〕3号");
    assert_string_equal(d.meta.published, "2023-01-18");
    assert_string_equal(d.meta.subject, "司法、法治政府建设");
    assert_string_equal(d.meta.index_no, "007220339/2023-00012");
    free(want);
    free(with_title);
    free(body);
    bgi_document_clear(&d);
    free(page);
}

/* UTF-8 bytes under <meta charset=gb2312>, no known class anywhere. */
static void test_density_and_lying_meta(void **state)
{
    (void)state;
    size_t n;
    char *page = slurp("formats/html-density.html", &n);
    bgi_document d = read_ok(page, n);
    char *body = report_lines(0, 8);
    char *want = joined(TITLE "\n", body);
    assert_string_equal(d.text, want);
    assert_string_equal(d.encoding, "UTF-8");
    assert_string_equal(d.meta.title, TITLE);
    assert_null(d.meta.docno);
    assert_null(d.meta.body);
    free(want);
    free(body);
    bgi_document_clear(&d);
    free(page);
}

/* The same page without any declaration, converted to GB18030: detection. */
static void test_gb18030_without_declaration(void **state)
{
    (void)state;
    const char *utf8 = "<html><head><title>关于做好春节假期安全工作的通知</title></head><body>"
                       "<div class=\"x\"><p>各镇（街道）、区直各单位：</p>"
                       "<p>为确保春节期间安全稳定，现将有关事项通知如下。</p></div></body></html>";
    char gb[1024];
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = ucnv_convert("GB18030", "UTF-8", gb, sizeof gb, utf8, -1, &st);
    assert_true(U_SUCCESS(st));
    bgi_document d = read_ok(gb, (size_t)n);
    assert_string_equal(d.encoding, "GB18030");
    assert_string_equal(d.text, "各镇（街道）、区直各单位：\n为确保春节期间安全稳定，现将有关事项通知如下。");
    assert_string_equal(d.meta.title, "关于做好春节假期安全工作的通知");
    bgi_document_clear(&d);
}

/* ---- structure inside the article ---------------------------------------- */

static void test_table_rows(void **state)
{
    (void)state;
    bgi_document d = read_str(
        "<html><body><div class=\"menu\"><a href=\"/\">首页</a><a href=\"/b\">政务公开</a></div>"
        "<div id=\"zoom\"><p>全区主要经济指标完成情况如下，总体保持平稳。</p>"
        "<table border=\"1\"><tr><th>指标</th><th>完成值</th><th>增长</th></tr>"
        "<tr><td><p>地区生产总值</p></td><td>256.3亿元</td><td>4.1%</td></tr>"
        "<tr><td>固定资产投资</td><td></td><td>-2.0%</td></tr></table>"
        "<p>下一步，我们将继续努力，确保完成全年目标任务。</p></div></body></html>");
    assert_string_equal(d.text, "全区主要经济指标完成情况如下，总体保持平稳。\n"
                                "指标\t完成值\t增长\n"
                                "地区生产总值\t256.3亿元\t4.1%\n"
                                "固定资产投资\t\t-2.0%\n"
                                "下一步，我们将继续努力，确保完成全年目标任务。");
    bgi_document_clear(&d);
}

static void test_heading_levels(void **state)
{
    (void)state;
    bgi_document d = read_str(
        "<html><head><title>2024年工作要点 - XX市人民政府门户网站</title></head><body>"
        "<h1>2024年工作要点</h1><div class=\"article-body\">"
        "<h2>一、总体要求</h2><p>坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念。</p>"
        "<h3>（一）稳定经济增长</h3><p>扩大有效投资，促进消费持续恢复，稳定外贸基本盘。</p>"
        "<h2>二、重点任务</h2><p>深化改革开放，持续优化营商环境，激发市场主体活力。</p>"
        "</div></body></html>");
    assert_string_equal(d.text, "2024年工作要点\n一、总体要求\n"
                                "坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念。\n"
                                "（一）稳定经济增长\n扩大有效投资，促进消费持续恢复，稳定外贸基本盘。\n"
                                "二、重点任务\n深化改革开放，持续优化营商环境，激发市场主体活力。");
    const int levels[] = {0, 1, 0, 2, 0, 1, 0};
    assert_int_equal(d.n_paras, 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(d.paras[i].level, levels[i]);
    assert_string_equal(d.meta.title, "2024年工作要点");
    bgi_document_clear(&d);
}

static void test_whitespace(void **state)
{
    (void)state;
    bgi_document d = read_str(
        "<html><body><div class=\"content\">"
        "<p>&nbsp;&nbsp;&nbsp;&nbsp;我区坚持以习近平新时代中国特色社会主义思想为指导，\n"
        "      扎实推进法治政府建设。</p>"
        "<p>\xE3\x80\x80\xE3\x80\x80全面推行  “互联网+政务服务”，上线 Smart   City  Brain 平台。</p>"
        "<p>  </p><p>&nbsp;</p>"
        "<div>第一行，有标点。<br>第二行，有标点。<br><br>第三行，有标点。</div>"
        "</div></body></html>");
    assert_string_equal(d.text, "我区坚持以习近平新时代中国特色社会主义思想为指导，扎实推进法治政府建设。\n"
                                "全面推行“互联网+政务服务”，上线Smart City Brain平台。\n"
                                "第一行，有标点。\n第二行，有标点。\n第三行，有标点。");
    bgi_document_clear(&d);
}

/* Furniture inside the content container itself. */
static void test_furniture_inside_container(void **state)
{
    (void)state;
    bgi_document d = read_str(
        "<html><head><meta name=\"PubDate\" content=\"2024-03-05 09:00\">"
        "<meta name=\"ContentSource\" content=\"新华社\"></head><body>"
        "<div class=\"content\"><h1 class=\"title\">国务院关于印发<br>2024年立法工作计划的通知</h1>"
        "<div>2024年03月05日 来源：新华社 【字体：大 中 小】</div>"
        "<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>"
        "<p>现将《国务院2024年度立法工作计划》印发给你们，请认真贯彻执行。</p>"
        "<p>附件：<a href=\"/a.pdf\">国务院2024年度立法工作计划.pdf</a></p>"
        "<div>分享到：<a href=\"#\">微信</a> <a href=\"#\">微博</a></div>"
        "<div>【<a href=\"#\">打印本页</a>】【<a href=\"#\">关闭窗口</a>】</div>"
        "<div>相关链接</div><ul><li><a href=\"/1\">国务院2023年度立法工作计划</a></li>"
        "<li><a href=\"/2\">国务院2022年度立法工作计划</a></li></ul>"
        "</div><div>版权所有：中国政府网 京ICP备05070218号 网站标识码bm01000001</div></body></html>");
    assert_string_equal(d.text, "国务院关于印发2024年立法工作计划的通知\n"
                                "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
                                "现将《国务院2024年度立法工作计划》印发给你们，请认真贯彻执行。\n"
                                "附件：国务院2024年度立法工作计划.pdf");
    assert_int_equal(d.paras[0].level, 0);
    assert_string_equal(d.meta.title, "国务院关于印发2024年立法工作计划的通知");
    assert_string_equal(d.meta.published, "2024-03-05 09:00");
    assert_string_equal(d.meta.body, "新华社");
    bgi_document_clear(&d);
}

/* Metadata in one cell per field ("发文字号：国发〔2023〕1号"). */
static void test_meta_one_cell(void **state)
{
    (void)state;
    bgi_document d = read_str(
        "<html><body><table><tr><td>索 引 号：11440200007/2023-0001</td><td>主题分类：综合政务</td></tr>"
        "<tr><td>发文机关：国务院</td><td>成文日期：2023年03月01日</td></tr>"
        "<tr><td colspan=2>标\xE3\x80\x80\xE3\x80\x80题：国务院关于调整工作的通知</td></tr>"
        "<tr><td>发文字号：国发〔2023〕<span>1</span>号</td><td>发布日期: 2023年03月05日</td></tr></table>"
        "<div><p>各省、自治区、直辖市人民政府：</p><p>经研究，决定调整有关工作，现通知如下。</p></div>"
        "</body></html>");
    assert_string_equal(d.text, "各省、自治区、直辖市人民政府：\n经研究，决定调整有关工作，现通知如下。");
    assert_string_equal(d.meta.title, "国务院关于调整工作的通知");
    assert_string_equal(d.meta.body, "国务院");
    assert_string_equal(d.meta.date, "2023年03月01日");
    assert_string_equal(d.meta.docno, "国发〔2023〕1号");
    assert_string_equal(d.meta.published, "2023年03月05日");
    assert_string_equal(d.meta.subject, "综合政务");
    assert_string_equal(d.meta.index_no, "11440200007/2023-0001");
    bgi_document_clear(&d);
}

static void assert_title(const char *title_tag, const char *want)
{
    char page[1024];
    snprintf(page, sizeof page,
             "<html><head><title>%s</title></head><body><p>正文内容，用于测试标题。</p></body></html>",
             title_tag);
    bgi_document d = read_str(page);
    assert_string_equal(d.meta.title, want);
    bgi_document_clear(&d);
}

static void test_title_site_suffix(void **state)
{
    (void)state;
    assert_title("政府工作报告_中国政府网", "政府工作报告");
    assert_title("关于印发方案的通知_通知公告_韶关市人民政府", "关于印发方案的通知");
    assert_title("全省工作会议召开 - 广东省人民政府门户网站", "全省工作会议召开");
    assert_title("通知｜北京市人民政府", "通知");
    assert_title("XX市国民经济和社会发展第十四个五年规划（2021-2025年）",
                 "XX市国民经济和社会发展第十四个五年规划（2021-2025年）");
    assert_title("政府工作报告——2024年1月在市人大会议上", "政府工作报告——2024年1月在市人大会议上");
}

/* ---- nothing to read, limits --------------------------------------------------- */

static void test_no_text(void **state)
{
    (void)state;
    assert_fails("", 0, BG_ESKIPPED, "HTML page without text");
    const char *empty = "<html><head><title>空页面</title></head><body>  \n </body></html>";
    assert_fails(empty, strlen(empty), BG_ESKIPPED, "HTML page without text");
    const char *scripts = "<html><head><script>var a = '正文内容，很多文字。';</script></head><body>"
                          "<script>document.write('<p>动态内容，很多文字。</p>');</script>"
                          "<style>p { color: red }</style><noscript>请启用脚本。</noscript>"
                          "<!-- 注释里的文字。 --><template><p>模板文字。</p></template></body></html>";
    assert_fails(scripts, strlen(scripts), BG_ESKIPPED, "HTML page without text");
}

static void test_too_big(void **state)
{
    (void)state;
    size_t n = ((size_t)64 << 20) + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, ' ', n);
    assert_fails(big, n, BG_ETOOBIG, "HTML page of 65 MB is larger than 64 MB");
    free(big);
}

static char *repeat(const char *head, const char *unit, size_t times, const char *tail)
{
    bgi_buf b = {0};
    bgi_buf_puts(&b, head);
    for (size_t i = 0; i < times; i++)
        bgi_buf_puts(&b, unit);
    bgi_buf_puts(&b, tail);
    return b.data;
}

static void test_depth(void **state)
{
    (void)state;
    /* a depth bomb: refused, quickly, without crashing */
    char *bomb = repeat("<html><body>", "<div>", 100000, "<p>最深处的段落，有标点。</p></body></html>");
    bgi_document d;
    bgi_err err = {0};
    assert_int_equal(bgi_read_html(&d, bomb, strlen(bomb), &err), BG_ETOOBIG);
    assert_string_equal(err.msg, "HTML page nested deeper than 256 elements before any text");
    free(bomb);
    /* 300 unclosed <font> tags (Word export) nest past libxml2's limit, yet
     * every paragraph is read */
    char *fonts = repeat("<html><body>", "<font face=\"仿宋\"><p>一段正文，带有标点。", 300, "</body></html>");
    d = read_str(fonts);
    assert_int_equal(d.n_paras, 300);
    bgi_document_clear(&d);
    free(fonts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_govcn_portal),
        cmocka_unit_test(test_province_gb18030),
        cmocka_unit_test(test_density_and_lying_meta),
        cmocka_unit_test(test_gb18030_without_declaration),
        cmocka_unit_test(test_table_rows),
        cmocka_unit_test(test_heading_levels),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_furniture_inside_container),
        cmocka_unit_test(test_meta_one_cell),
        cmocka_unit_test(test_title_site_suffix),
        cmocka_unit_test(test_no_text),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
