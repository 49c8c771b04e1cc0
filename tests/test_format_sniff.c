/* test_format_sniff.c — the type of a file comes from its bytes before its
 * name (formats/sniff.c), the dispatch to the readers (formats/read.c), and
 * legacy .doc/.wps without a converter: skipped with a line naming the
 * package that would read them (formats/legacy.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "document.h"

static const char ole2[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";

static bgi_format detect(const char *bytes, size_t n, const char *name)
{
    return bgi_format_detect(bytes, n, name);
}

static void test_content_beats_name(void **state)
{
    (void)state;
    const char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    assert_int_equal(detect(pdf, sizeof pdf - 1, "report.txt"), BG_FORMAT_PDF);
    assert_int_equal(detect(pdf, sizeof pdf - 1, NULL), BG_FORMAT_PDF);
    const char page[] = "\xEF\xBB\xBF  <!-- saved -->\n<!DOCTYPE HTML><html><body><p>政府工作报告</p>";
    assert_int_equal(detect(page, sizeof page - 1, "report.txt"), BG_FORMAT_HTML);
    const char bare[] = "<meta charset=\"gb2312\"><title>x</title>";
    assert_int_equal(detect(bare, sizeof bare - 1, "content_123"), BG_FORMAT_HTML);
    const char zip_docx[] = "PK\x03\x04....word/document.xml....";
    assert_int_equal(detect(zip_docx, sizeof zip_docx - 1, "a.zip"), BG_FORMAT_DOCX);
    const char zip_other[] = "PK\x03\x04....xl/workbook.xml....";
    assert_int_equal(detect(zip_other, sizeof zip_other - 1, "a.xlsx"), BG_FORMAT_UNKNOWN);
    assert_int_equal(detect(ole2, sizeof ole2 - 1, "old"), BG_FORMAT_DOC);
    assert_int_equal(detect(ole2, 8, "old.wps"), BG_FORMAT_WPS);
    assert_int_equal(detect(ole2, 8, "locked.docx"), BG_FORMAT_DOCX);   /* encrypted OOXML */
    assert_int_equal(detect(ole2, 8, "sheet.xls"), BG_FORMAT_UNKNOWN);
}

static void test_name_when_content_says_nothing(void **state)
{
    (void)state;
    const char text[] = "一、总体要求\n（一）指导思想。\n";
    assert_int_equal(detect(text, sizeof text - 1, "a.txt"), BG_FORMAT_TXT);
    assert_int_equal(detect(text, sizeof text - 1, "a.SHTML"), BG_FORMAT_HTML);
    assert_int_equal(detect(text, sizeof text - 1, "a.Pdf"), BG_FORMAT_PDF);   /* damaged, says its reader */
    assert_int_equal(detect(text, sizeof text - 1, "a.doc"), BG_FORMAT_TXT);   /* text renamed .doc */
    assert_int_equal(detect(text, sizeof text - 1, "README"), BG_FORMAT_TXT);
}

static void test_names_a_walk_takes(void **state)
{
    (void)state;
    const char *yes[] = {"a.txt", "A.TXT", "b.htm", "c.HTML", "d.shtml", "e.xhtml", "f.pdf", "g.DOCX",
                         "h.doc", "i.wps", "dir.v2/j.pdf"};
    const char *no[] = {"a.xls", "b.zip", "c.tsv", "MANIFEST", "d.txt.bak", "e.", "dir.pdf/f"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(bgi_format_supported_name(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(bgi_format_supported_name(no[i]));
    assert_string_equal(bg_file_format("x/Report.HTM"), "html");
    assert_string_equal(bg_file_format("report.wps"), "wps");
    assert_null(bg_file_format("report.xlsx"));
}

static void test_dispatch_and_plain_text(void **state)
{
    (void)state;
    bgi_document doc;
    bgi_err err = {0};
    const char text[] = "\xEF\xBB\xBF第一段\n第二段\n";
    assert_int_equal(bgi_read_document(&doc, BG_FORMAT_TXT, text, sizeof text - 1, &err), 0);
    assert_int_equal(doc.format, BG_FORMAT_TXT);
    assert_string_equal(doc.text, "第一段\n第二段\n");
    assert_null(doc.paras);
    bgi_document_clear(&doc);
    assert_int_equal(bgi_read_document(&doc, BG_FORMAT_UNKNOWN, text, sizeof text - 1, &err), BG_ESKIPPED);
    assert_string_equal(err.msg, "unsupported file type");
    assert_null(doc.text);
}

static void test_legacy_without_converter(void **state)
{
    (void)state;
    char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent-baogao-test", 1);
    bgi_document doc;
    bgi_err err = {0};
    assert_int_equal(bgi_read_document(&doc, BG_FORMAT_DOC, ole2, sizeof ole2 - 1, &err), BG_ESKIPPED);
    assert_non_null(strstr(err.msg, "Word 97-2003 .doc"));
    assert_non_null(strstr(err.msg, "antiword"));
    assert_int_equal(bgi_read_document(&doc, BG_FORMAT_WPS, ole2, sizeof ole2 - 1, &err), BG_ESKIPPED);
    assert_non_null(strstr(err.msg, "libreoffice"));
    assert_null(strchr(err.msg, '\n'));
    if (saved)
        setenv("PATH", saved, 1);
    free(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_beats_name),
        cmocka_unit_test(test_name_when_content_says_nothing),
        cmocka_unit_test(test_names_a_walk_takes),
        cmocka_unit_test(test_dispatch_and_plain_text),
        cmocka_unit_test(test_legacy_without_converter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
