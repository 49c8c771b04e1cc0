/* test_format_docx.c — unit tests for formats/docx.c (bgi_read_docx): the
 * paragraphs, heading levels, tables, notes and title of generated DOCX files,
 * and the refusal of zip bombs, garbage, truncated and encrypted files.
 *
 * The fixtures in tests/fixtures/formats/ come from
 * tests/formats/make_docx_fixtures.py (python-docx). Small packages for one
 * rule each, and the zip bombs (a few hundred KB that inflate to 300 MB), are
 * built here in memory with libzip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <zip.h>

#include "baogao.h"
#include "bgi_err.h"
#include "document.h"

#ifndef BG_TEST_FIXTURES
#define BG_TEST_FIXTURES "tests/fixtures"
#endif

#define BOMB_SIZE ((zip_uint64_t)300 << 20)

/* ---- helpers --------------------------------------------------------- */

static char *read_whole(const char *path, size_t *len)
{
    char *buf = bgt_read_file(path, len);
    if (!buf)
        fail_msg("cannot open %s", path);
    return buf;
}

static char *read_fixture(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/formats/%s", BG_TEST_FIXTURES, name);
    return read_whole(path, len);
}

/* The contract of a successful read: text of the stated length, one para
 * info per line, no empty line, no page. */
static void assert_well_formed(const bgi_document *d)
{
    assert_int_equal(d->format, BG_FORMAT_DOCX);
    assert_non_null(d->text);
    assert_int_equal(strlen(d->text), d->len);
    assert_non_null(d->paras);
    size_t lines = 1;
    for (size_t i = 0; i < d->len; i++)
        lines += d->text[i] == '\n';
    assert_int_equal(lines, d->n_paras);
    assert_null(strstr(d->text, "\n\n"));
    assert_int_not_equal(d->text[0], '\n');
    assert_int_not_equal(d->text[d->len - 1], '\n');
    for (size_t i = 0; i < d->n_paras; i++)
        assert_int_equal(d->paras[i].page, 0);
}

static void read_ok(bgi_document *d, const char *bytes, size_t n)
{
    bgi_err err = {0};
    int rc = bgi_read_docx(d, bytes, n, &err);
    if (rc)
        fail_msg("bgi_read_docx failed: %d %s", rc, err.msg);
    assert_well_formed(d);
}

static void read_fixture_ok(bgi_document *d, const char *name)
{
    size_t n;
    char *bytes = read_fixture(name, &n);
    read_ok(d, bytes, n);
    free(bytes);
}

/* Fails unless reading bytes fails with code and exactly message msg, leaving
 * the document empty. */
static void assert_refused(const char *bytes, size_t n, int code, const char *msg)
{
    bgi_document d;
    bgi_err err = {0};
    assert_int_equal(bgi_read_docx(&d, bytes, n, &err), code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.msg, msg);
    assert_null(d.text);
    assert_null(d.paras);
    assert_null(d.meta.title);
}

static void assert_fixture_refused(const char *name, int code, const char *msg)
{
    size_t n;
    char *bytes = read_fixture(name, &n);
    assert_refused(bytes, n, code, msg);
    free(bytes);
}

/* Line i (0-based) of text, malloc'ed. */
static char *line_at(const bgi_document *d, size_t i)
{
    const char *s = d->text;
    for (size_t k = 0; k < i; k++) {
        s = strchr(s, '\n');
        assert_non_null(s);
        s++;
    }
    const char *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    char *line = malloc(n + 1);
    assert_non_null(line);
    memcpy(line, s, n);
    line[n] = '\0';
    return line;
}

static void assert_lines(const bgi_document *d, const char *const *lines, const int *levels,
                         size_t n)
{
    for (size_t i = 0; i < n && i < d->n_paras; i++) {
        char *got = line_at(d, i);
        if (strcmp(got, lines[i]) != 0 || d->paras[i].level != levels[i])
            fail_msg("line %zu: got level %d \"%s\", want level %d \"%s\"", i + 1,
                     d->paras[i].level, got, levels[i], lines[i]);
        free(got);
    }
    assert_int_equal(d->n_paras, n);
}

/* ---- building packages in memory ------------------------------------- */

typedef struct part {
    const char *name;
    const char *xml;
} part;

static char *zip_finish(zip_t *za, zip_source_t *dst, size_t *len)
{
    assert_int_equal(zip_close(za), 0);
    assert_int_equal(zip_source_open(dst), 0);
    assert_int_equal(zip_source_seek(dst, 0, SEEK_END), 0);
    zip_int64_t size = zip_source_tell(dst);
    assert_true(size > 0);
    assert_int_equal(zip_source_seek(dst, 0, SEEK_SET), 0);
    char *bytes = malloc((size_t)size);
    assert_non_null(bytes);
    assert_int_equal(zip_source_read(dst, bytes, (zip_uint64_t)size), size);
    zip_source_close(dst);
    zip_source_free(dst);
    *len = (size_t)size;
    return bytes;
}

static zip_t *zip_start(zip_source_t **dst)
{
    zip_error_t ze;
    zip_error_init(&ze);
    *dst = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(*dst);
    zip_source_keep(*dst);
    zip_t *za = zip_open_from_source(*dst, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    zip_error_fini(&ze);
    return za;
}

/* A ZIP of the given parts (NULL-terminated); malloc'ed. */
static char *make_zip(const part *parts, size_t *len)
{
    zip_source_t *dst;
    zip_t *za = zip_start(&dst);
    for (const part *p = parts; p->name; p++) {
        zip_source_t *s = zip_source_buffer(za, p->xml, strlen(p->xml), 0);
        assert_non_null(s);
        assert_true(zip_file_add(za, p->name, s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    return zip_finish(za, dst, len);
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DOC(body) \
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" \
    "<w:document " W_NS "><w:body>" body "<w:sectPr/></w:body></w:document>"

/* Reads a package whose only part is word/document.xml with the given body. */
static void read_body_ok(bgi_document *d, const char *xml)
{
    part parts[] = {{"word/document.xml", xml}, {NULL, NULL}};
    size_t n;
    char *bytes = make_zip(parts, &n);
    read_ok(d, bytes, n);
    free(bytes);
}

/* A source of n spaces, for a part far larger than anything kept in memory. */
typedef struct spaces {
    zip_uint64_t size, pos;
    zip_error_t error;
} spaces;

static zip_int64_t spaces_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    spaces *s = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        s->pos = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        zip_uint64_t n = s->size - s->pos < len ? s->size - s->pos : len;
        memset(data, ' ', (size_t)n);
        s->pos += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_CLOSE:
        return 0;
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->size = s->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
    }
    case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&s->error, data, len);
    case ZIP_SOURCE_FREE:
        return 0;
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    default:
        zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
}

/* A DOCX whose word/document.xml is 300 MB of spaces, deflated to ~300 KB. */
static char *make_bomb(size_t *len)
{
    static spaces sp;
    sp.size = BOMB_SIZE;
    zip_error_init(&sp.error);
    zip_source_t *dst;
    zip_t *za = zip_start(&dst);
    zip_source_t *s = zip_source_function(za, spaces_cb, &sp);
    assert_non_null(s);
    assert_true(zip_file_add(za, "word/document.xml", s, 0) >= 0);
    char *bytes = zip_finish(za, dst, len);
    zip_error_fini(&sp.error);
    return bytes;
}

/* Rewrites the uncompressed size the local and central headers declare for
 * every entry, as a crafted bomb would. */
static void lie_about_sizes(char *zip, size_t n, uint32_t size)
{
    int patched = 0;
    for (size_t i = 0; i + 46 <= n; i++) {
        size_t at = 0;
        if (memcmp(zip + i, "PK\3\4", 4) == 0)
            at = i + 22;
        else if (memcmp(zip + i, "PK\1\2", 4) == 0)
            at = i + 24;
        if (at) {
            for (int k = 0; k < 4; k++)
                zip[at + (size_t)k] = (char)((size >> (8 * k)) & 0xFF);
            patched++;
        }
    }
    assert_int_equal(patched, 2);
}

static long max_rss_kb(void)
{
    struct rusage ru;
    assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
    return ru.ru_maxrss;
}

/* ---- fixtures from make_docx_fixtures.py ------------------------------ */

/* Heading 1 / Heading 2 styles, U+3000 indents and empty paragraphs: the
 * lines are the source report's, the levels the styles'. */
static void test_styles_fixture(void **state)
{
    (void)state;
    size_t n;
    char *expected = read_fixture("qujiang-styles.expected.txt", &n);
    bgi_document d;
    read_fixture_ok(&d, "qujiang-styles.docx");
    assert_int_equal(d.n_paras, 26);
    assert_int_equal(d.len + 1, n);
    assert_memory_equal(d.text, expected, d.len);
    int n_level1 = 0, n_level2 = 0;
    for (size_t i = 0; i < d.n_paras; i++) {
        char *line = line_at(&d, i);
        int want = strncmp(line + 3, "、", 3) == 0 ? 1 : line[0] == '(' ? 2 : 0;
        if (d.paras[i].level != want)
            fail_msg("line %zu: level %d, want %d: %s", i + 1, d.paras[i].level, want, line);
        n_level1 += want == 1;
        n_level2 += want == 2;
        free(line);
    }
    assert_int_equal(n_level1, 4);
    assert_int_equal(n_level2, 20);
    assert_string_equal(d.meta.title, "韶关市曲江区2022年度法治政府建设情况报告");
    assert_null(d.meta.body);
    assert_null(d.meta.date);
    assert_null(d.encoding);
    assert_int_equal(d.n_pages, 0);
    bgi_document_clear(&d);
    free(expected);
}

/* GB/T 9704 direct formatting, a two-line title, tracked changes, fields, a
 * text box in mc:Choice and mc:Fallback, a table, a footnote. */
static void test_gbt9704_fixture(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "韶关市曲江区2022年度法治政府建设情况报告",   /* bold 小标宋, <w:br/> inside */
        "2022年，我区扎实推进法治政府建设工作。",
        "一、坚持党的领导",                           /* 黑体 */
        "（一）深入学习贯彻习近平法治思想。",         /* 楷体_GB2312 */
        "我区举办了学习贯彻习近平法治思想专题研讨班。",
        "1.健全依法决策机制",                         /* bold 仿宋 */
        "一是完善制度。",                             /* bold lead-in only */
        ("这是一段用黑体排版的很长的正文，它说明了一件事情，然后又说明了另一件事情，"
         "长度超过了四十个字符，所以不是标题。"),
        "共办理人大代表建议56件。",                   /* 65 deleted, 56 inserted */
        "详见 曲江区政府网。",                        /* HYPERLINK field result */
        "文本框中的说明",                             /* once, not twice */
        "姓名\t张三",
        "Rule of law-based√",                         /* br, noBreakHyphen, sym */
        "a\tb",
        "第一段第二段\tfoo bar",
        "合并单元格\t上",
        "\t下",                                       /* vMerge continuation */
        "此页无正文。",
        "数据来源于区统计局。",                       /* the footnote */
    };
    static const int levels[] = {1, 0, 1, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    bgi_document d;
    read_fixture_ok(&d, "gbt9704.docx");
    assert_lines(&d, lines, levels, sizeof lines / sizeof *lines);
    assert_null(strstr(d.text, "目录中的"));    /* TOC field result */
    assert_null(strstr(d.text, "HYPERLINK"));
    assert_null(strstr(d.text, "65"));
    assert_null(d.meta.title);                 /* "Microsoft Word - 报告.docx" */
    bgi_document_clear(&d);
}

/* ---- one rule each, on packages built here ---------------------------- */

static void test_heading_rules(void **state)
{
    (void)state;
    static const char styles[] =
        "<w:styles " W_NS ">"
        "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"a\"><w:name w:val=\"Normal\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"1\"><w:name w:val=\"heading 1\"/>"
        "<w:basedOn w:val=\"a\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"20\"><w:name w:val=\"标题 2\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"MyHead\"><w:name w:val=\"My Head\"/>"
        "<w:basedOn w:val=\"20\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Outline3\"><w:name w:val=\"x\"/>"
        "<w:pPr><w:outlineLvl w:val=\"2\"/></w:pPr></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Heading5\"><w:name w:val=\"heading 5\"/></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Hei\"><w:name w:val=\"hei\"/>"
        "<w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"SimHei\"/></w:rPr></w:style>"
        "<w:style w:type=\"paragraph\" w:styleId=\"Loop\"><w:name w:val=\"loop\"/>"
        "<w:basedOn w:val=\"Loop\"/></w:style>"
        "<w:style w:type=\"character\" w:styleId=\"Strong\"><w:name w:val=\"Strong\"/>"
        "<w:rPr><w:b/></w:rPr></w:style>"
        "</w:styles>";
    static const char document[] = DOC(
        "<w:p><w:pPr><w:pStyle w:val=\"1\"/></w:pPr><w:r><w:t>按样式名的一级标题</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"MyHead\"/></w:pPr><w:r><w:t>继承标题 2</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"Outline3\"/></w:pPr><w:r><w:t>样式大纲级别</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"1\"/><w:outlineLvl w:val=\"9\"/></w:pPr>"
        "<w:r><w:rPr><w:b/></w:rPr><w:t>正文级别覆盖样式</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:outlineLvl w:val=\"1\"/></w:pPr><w:r><w:t>段落大纲级别二</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"Heading5\"/></w:pPr><w:r><w:t>五级标题</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"Hei\"/></w:pPr><w:r><w:t>样式中的黑体</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:pStyle w:val=\"Loop\"/></w:pPr><w:r><w:t>循环样式</w:t></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:rStyle w:val=\"Strong\"/></w:rPr><w:t>字符样式加粗</w:t></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:b w:val=\"0\"/><w:rStyle w:val=\"Strong\"/></w:rPr><w:t>取消加粗</w:t></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:rFonts w:eastAsia=\"楷体\"/></w:rPr><w:t>一是加强领导。二是完善制度。</w:t></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:rFonts w:hAnsi=\"KaiTi\"/></w:rPr><w:t>楷体 hAnsi</w:t></w:r>"
        "<w:r><w:t xml:space=\"preserve\">  </w:t></w:r></w:p>"
        "<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>表格外</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val=\"1\"/></w:pPr><w:r><w:t>表格中的标题样式</w:t></w:r></w:p></w:tc></w:tr></w:tbl>");
    static const char *const lines[] = {
        "按样式名的一级标题", "继承标题 2", "样式大纲级别", "正文级别覆盖样式", "段落大纲级别二",
        "五级标题", "样式中的黑体", "循环样式", "字符样式加粗", "取消加粗",
        "一是加强领导。二是完善制度。", "楷体 hAnsi", "表格外", "表格中的标题样式",
    };
    static const int levels[] = {1, 2, 3, 0, 2, 0, 1, 0, 1, 0, 0, 2, 1, 0};
    part parts[] = {{"word/document.xml", document}, {"word/styles.xml", styles}, {NULL, NULL}};
    size_t n;
    char *bytes = make_zip(parts, &n);
    bgi_document d;
    read_ok(&d, bytes, n);
    assert_lines(&d, lines, levels, sizeof lines / sizeof *lines);
    bgi_document_clear(&d);
    free(bytes);
}

/* Line breaks, trimming and control characters inside a paragraph;
 * placeholder prompts of content controls. */
static void test_text_rules(void **state)
{
    (void)state;
    bgi_document d;
    read_body_ok(&d, DOC(
        "<w:p><w:r><w:t>韶关市</w:t><w:br/><w:t>曲江区</w:t><w:cr/><w:t>ABC</w:t>"
        "<w:br w:type=\"page\"/><w:t>DEF</w:t></w:r></w:p>"
        "<w:p><w:r><w:t xml:space=\"preserve\">\xC2\xA0 \xE3\x80\x80 中间　有　全角空格 \t</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>多行&#10;文字&#13;x&#9;y</w:t></w:r></w:p>"
        "<w:p><w:r><w:t xml:space=\"preserve\">   </w:t></w:r></w:p>"
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs>"
        "<w:rPr><w:b/></w:rPr></w:pPr><w:r><w:t>制表位不是文字</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>a &amp; b &lt;c&gt;</w:t></w:r><w:r><w:t>!</w:t></w:r></w:p>"
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:p><w:r>"
        "<w:t>单击或点击此处输入文字。</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>填写：</w:t></w:r><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>"
        "<w:sdtContent><w:r><w:t>输入日期</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:sdt><w:sdtContent><w:r><w:t>已填</w:t></w:r></w:sdtContent></w:sdt></w:p>"));
    static const char *const lines[] = {
        "韶关市曲江区ABC DEF", "中间　有　全角空格", "多行 文字 x\ty", "制表位不是文字", "a & b <c>!",
        "填写：已填",
    };
    static const int levels[] = {0, 0, 0, 0, 0, 0};
    assert_lines(&d, lines, levels, sizeof lines / sizeof *lines);
    bgi_document_clear(&d);
}

/* Tables: nested tables stay in their cell, rows without text vanish,
 * content controls around rows and cells are read through. */
static void test_tables(void **state)
{
    (void)state;
    bgi_document d;
    read_body_ok(&d, DOC(
        "<w:tbl><w:tblPr/><w:tblGrid/>"
        "<w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>2022</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t xml:space=\"preserve\"> </w:t></w:r></w:p></w:tc></w:tr>"
        "<w:sdt><w:sdtContent><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>内1</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>内2</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>"
        "<w:sdt><w:sdtContent><w:tc><w:p><w:r><w:t>控件</w:t><w:tab/><w:t>格</w:t></w:r></w:p></w:tc>"
        "</w:sdtContent></w:sdt></w:tr></w:sdtContent></w:sdt>"
        "</w:tbl>"
        "<w:p><w:r><w:t>表后</w:t></w:r></w:p>"));
    static const char *const lines[] = {"指标\t2022", "外内1 内2\t控件 格", "表后"};
    static const int levels[] = {0, 0, 0};
    assert_lines(&d, lines, levels, sizeof lines / sizeof *lines);
    bgi_document_clear(&d);
}

/* The main part found through _rels/.rels under another name, its notes
 * through its own relationships; endnotes after footnotes. */
static void test_relationships(void **state)
{
    (void)state;
    static const char rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"r1\" Type=\"http://example.com/x\" Target=\"other.xml\"/>"
        "<Relationship Id=\"r2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/officeDocument\" Target=\"/content/main.xml\"/>"
        "<Relationship Id=\"r3\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/"
        "metadata/core-properties\" Target=\"meta/core.xml\"/>"
        "</Relationships>";
    static const char doc_rels[] =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"a\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/endnotes\" Target=\"../notes/en.xml\"/>"
        "<Relationship Id=\"b\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/footnotes\" Target=\"./fn.xml\"/>"
        "</Relationships>";
    static const char footnotes[] =
        "<w:footnotes " W_NS "><w:footnote w:type=\"separator\" w:id=\"0\"><w:p><w:r><w:t>---</w:t>"
        "</w:r></w:p></w:footnote><w:footnote w:id=\"1\"><w:p><w:r><w:t>脚注一</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>续</w:t></w:r></w:p></w:footnote>"
        "<w:footnote w:id=\"2\"><w:p><w:r><w:t>脚注二</w:t></w:r></w:p></w:footnote></w:footnotes>";
    static const char endnotes[] =
        "<w:endnotes " W_NS "><w:endnote w:type=\"continuationSeparator\" w:id=\"0\"/>"
        "<w:endnote w:id=\"1\"><w:p><w:r><w:t>尾注</w:t></w:r></w:p></w:endnote></w:endnotes>";
    static const char core[] =
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
        "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
        "<dc:title>  关于印发《工作要点》的通知\xE3\x80\x80</dc:title></cp:coreProperties>";
    part parts[] = {
        {"_rels/.rels", rels},
        {"content/main.xml", DOC("<w:p><w:r><w:t>正文</w:t></w:r></w:p>")},
        {"content/_rels/main.xml.rels", doc_rels},
        {"content/fn.xml", footnotes},
        {"notes/en.xml", endnotes},
        {"meta/core.xml", core},
        {"word/document.xml", DOC("<w:p><w:r><w:t>不该读到</w:t></w:r></w:p>")},
        {"docProps/core.xml", "<x/>"},
        {NULL, NULL},
    };
    size_t n;
    char *bytes = make_zip(parts, &n);
    bgi_document d;
    read_ok(&d, bytes, n);
    static const char *const lines[] = {"正文", "脚注一续", "脚注二", "尾注"};
    static const int levels[] = {0, 0, 0, 0};
    assert_lines(&d, lines, levels, sizeof lines / sizeof *lines);
    assert_string_equal(d.meta.title, "关于印发《工作要点》的通知");
    bgi_document_clear(&d);
    free(bytes);
}

/* Strict OOXML's namespace, and part names in another case. */
static void test_strict_namespace_and_case(void **state)
{
    (void)state;
    part parts[] = {
        {"Word/Document.XML",
         "<w:document xmlns:w=\"http://purl.oclc.org/ooxml/wordprocessingml/main\"><w:body>"
         "<w:p><w:r><w:t>严格模式</w:t></w:r></w:p></w:body></w:document>"},
        {NULL, NULL},
    };
    size_t n;
    char *bytes = make_zip(parts, &n);
    bgi_document d;
    read_ok(&d, bytes, n);
    assert_string_equal(d.text, "严格模式");
    bgi_document_clear(&d);
    free(bytes);
}

/* External entities are never loaded; internal ones are not expanded, and
 * libxml2 refuses a document whose entities would amplify it. */
static void test_entities(void **state)
{
    (void)state;
    bgi_document d;
    read_body_ok(&d,
                 "<?xml version=\"1.0\"?>"
                 "<!DOCTYPE w:document [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">"
                 "<!ENTITY a \"AAAA\">]>"
                 "<w:document " W_NS "><w:body>"
                 "<w:p><w:r><w:t>[&xxe;]</w:t></w:r></w:p>"
                 "<w:p><w:r><w:t>[&a;]</w:t></w:r></w:p>"
                 "</w:body></w:document>");
    assert_string_equal(d.text, "[]\n[]");
    bgi_document_clear(&d);

    part laughs[] = {
        {"word/document.xml",
         "<?xml version=\"1.0\"?>"
         "<!DOCTYPE w:document [<!ENTITY a \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\">"
         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
         "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
         "<w:document " W_NS "><w:body><w:p><w:r><w:t>&d;&d;&d;&d;</w:t></w:r></w:p>"
         "</w:body></w:document>"},
        {NULL, NULL},
    };
    size_t n;
    char *bytes = make_zip(laughs, &n);
    assert_refused(bytes, n, BG_EDECODE, "damaged DOCX: word/document.xml is not well-formed XML");
    free(bytes);
}

/* ---- refusals ----------------------------------------------------------- */

/* A part declaring 300 MB is refused before anything is inflated. */
static void test_zip_bomb_declared(void **state)
{
    (void)state;
    size_t n;
    char *bomb = make_bomb(&n);
    assert_true(n < 2 << 20);
    long before = max_rss_kb();
    assert_refused(bomb, n, BG_ETOOBIG,
                   "DOCX part word/document.xml inflates past 256 MB (zip bomb?)");
    assert_true(max_rss_kb() - before < 64 * 1024);
    free(bomb);
}

/* The same bomb declaring 1 KB: the reader must stop on what it inflates,
 * long before 300 MB are in memory. */
static void test_zip_bomb_lying(void **state)
{
    (void)state;
    size_t n;
    char *bomb = make_bomb(&n);
    lie_about_sizes(bomb, n, 1024);
    long before = max_rss_kb();
    assert_refused(bomb, n, BG_ETOOBIG,
                   "DOCX part word/document.xml inflates past its declared size (zip bomb?)");
    assert_true(max_rss_kb() - before < 64 * 1024);
    free(bomb);
}

static void test_garbage(void **state)
{
    (void)state;
    assert_fixture_refused("garbage.docx", BG_EDECODE, "not a DOCX (not a ZIP archive)");
    assert_fixture_refused("truncated.docx", BG_EDECODE, "not a DOCX (not a ZIP archive)");
    assert_refused("", 0, BG_EDECODE, "not a DOCX (not a ZIP archive)");
    assert_refused("PK\3\4", 4, BG_EDECODE, "not a DOCX (not a ZIP archive)");
}

static void test_encrypted_and_legacy(void **state)
{
    (void)state;
    assert_fixture_refused("encrypted.docx", BG_EDECODE, "encrypted DOCX (password required)");
    char ole[1024] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    memcpy(ole + 600, "W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0", 24);
    assert_refused(ole, sizeof ole, BG_EDECODE, "not a DOCX: an OLE2 file (legacy Word .doc?)");
}

static void test_not_a_word_package(void **state)
{
    (void)state;
    part other[] = {{"xl/workbook.xml", "<workbook/>"}, {NULL, NULL}};
    size_t n;
    char *bytes = make_zip(other, &n);
    assert_refused(bytes, n, BG_EDECODE, "DOCX without word/document.xml");
    free(bytes);

    part broken[] = {{"word/document.xml", "<w:document " W_NS "><w:body><w:p>"}, {NULL, NULL}};
    bytes = make_zip(broken, &n);
    assert_refused(bytes, n, BG_EDECODE, "damaged DOCX: word/document.xml is not well-formed XML");
    free(bytes);

    part bodiless[] = {{"word/document.xml", "<w:document " W_NS "/>"}, {NULL, NULL}};
    bytes = make_zip(bodiless, &n);
    assert_refused(bytes, n, BG_EDECODE, "damaged DOCX: word/document.xml has no w:body");
    free(bytes);

    part empty[] = {{"word/document.xml", DOC("<w:p/><w:p><w:r><w:drawing/></w:r></w:p>")},
                    {NULL, NULL}};
    bytes = make_zip(empty, &n);
    assert_refused(bytes, n, BG_ESKIPPED, "DOCX without text (images only?)");
    free(bytes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_styles_fixture),
        cmocka_unit_test(test_gbt9704_fixture),
        cmocka_unit_test(test_heading_rules),
        cmocka_unit_test(test_text_rules),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_relationships),
        cmocka_unit_test(test_strict_namespace_and_case),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_zip_bomb_declared),
        cmocka_unit_test(test_zip_bomb_lying),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_encrypted_and_legacy),
        cmocka_unit_test(test_not_a_word_package),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
