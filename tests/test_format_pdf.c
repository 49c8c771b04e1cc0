/* test_format_pdf.c — unit tests for the PDF reader (formats/pdf.c,
 * formats/pdf_lines.c): paragraphs of Chromium-printed reports equal the
 * source paragraphs, headers, footers and page numbers are gone, page numbers
 * of paragraphs are right, sentences run across line and page breaks, the
 * text-layer artefacts are cleaned, and encrypted, scanned and damaged files
 * are refused with the documented codes.
 *
 * Fixtures in tests/fixtures/formats/ come from tests/formats/make_pdf_fixtures.py:
 * qujiang-*.pdf print excerpts of corpus/shaoguan-qujiang-fazhi-2022.txt, and
 * each NAME.expected.txt holds the source paragraphs (whitespace removed) the
 * reader must return. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "bgi_err.h"
#include "document.h"

#ifndef BG_TEST_FIXTURES
#define BG_TEST_FIXTURES "tests/fixtures"
#endif

/* ---- helpers ---------------------------------------------------------- */

static char *read_fixture(size_t *n, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/formats/%s", BG_TEST_FIXTURES, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[len] = '\0';
    *n = len;
    return buf;
}

/* s without ASCII whitespace and U+3000; malloc'ed. */
static char *squeeze(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    assert_non_null(out);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
            continue;
        if (i + 2 < n && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
            i += 2;
            continue;
        }
        out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

/* The contract of every successful read: NUL-terminated text of the stated
 * length without NUL bytes, one para entry per line, pages from 1 and never
 * decreasing. */
static void assert_well_formed(const bgi_document *d)
{
    assert_int_equal(d->format, BG_FORMAT_PDF);
    assert_non_null(d->text);
    assert_int_equal(strlen(d->text), d->len);
    size_t lines = 1;
    for (size_t i = 0; i < d->len; i++)
        lines += d->text[i] == '\n';
    assert_int_equal(d->n_paras, lines);
    assert_non_null(d->paras);
    for (size_t i = 0; i < d->n_paras; i++) {
        assert_true(d->paras[i].page >= 1 && (size_t)d->paras[i].page <= d->n_pages);
        if (i)
            assert_true(d->paras[i].page >= d->paras[i - 1].page);
        assert_int_equal(d->paras[i].level, 0);
    }
}

static bgi_document read_ok(const char *name)
{
    size_t n;
    char *bytes = read_fixture(&n, name);
    bgi_document d;
    bgi_err err = {0};
    int rc = bgi_read_pdf(&d, bytes, n, &err);
    free(bytes);
    if (rc)
        fail_msg("%s: bgi_read_pdf failed: %d %s", name, rc, err.msg);
    assert_well_formed(&d);
    return d;
}

/* Paragraph i of d, whitespace removed; malloc'ed. */
static char *para(const bgi_document *d, size_t i)
{
    const char *s = d->text;
    for (size_t k = 0; k < i; k++)
        s = strchr(s, '\n') + 1;
    const char *e = strchr(s, '\n');
    return squeeze(s, e ? (size_t)(e - s) : strlen(s));
}

/* The paragraphs of d equal the lines of expected (both without whitespace). */
static void assert_paragraphs(const bgi_document *d, const char *expected_name)
{
    size_t n;
    char *want = read_fixture(&n, expected_name);
    size_t i = 0;
    for (char *line = want, *nl; *line; line = nl + 1, i++) {
        nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        if (i >= d->n_paras)
            fail_msg("paragraph %zu missing: %s", i, line);
        char *got = para(d, i);
        if (strcmp(got, line) != 0)
            fail_msg("paragraph %zu differs:\n got  %s\n want %s", i, got, line);
        free(got);
    }
    assert_int_equal(d->n_paras, i);
    free(want);
}

/* The index of the one paragraph holding phrase; fails when none or several. */
static size_t para_with(const bgi_document *d, const char *phrase)
{
    size_t found = (size_t)-1;
    for (size_t i = 0; i < d->n_paras; i++) {
        char *p = para(d, i);
        if (strstr(p, phrase)) {
            assert_int_equal(found, (size_t)-1);
            found = i;
        }
        free(p);
    }
    if (found == (size_t)-1)
        fail_msg("no paragraph holds %s", phrase);
    return found;
}

static void assert_absent(const bgi_document *d, const char *s)
{
    if (strstr(d->text, s))
        fail_msg("text holds %s", s);
}

static void assert_refused(const char *bytes, size_t n, int code, const char *msg_start)
{
    bgi_document d;
    bgi_err err = {0};
    int rc = bgi_read_pdf(&d, bytes, n, &err);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_null(d.text);
    assert_null(d.paras);
    assert_null(strchr(err.msg, '\n'));
    if (strncmp(err.msg, msg_start, strlen(msg_start)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", err.msg, msg_start);
}

/* ---- reports ---------------------------------------------------------- */

/* Official layout: two-line title joined, first-line indents, a paragraph
 * running from page 1 onto page 2, Chromium's header and footer gone. */
static void test_official_layout(void **state)
{
    (void)state;
    bgi_document d = read_ok("qujiang-official.pdf");
    assert_int_equal(d.n_pages, 2);
    assert_paragraphs(&d, "qujiang-official.expected.txt");
    static const int pages[] = {1, 1, 1, 1, 2};
    for (size_t i = 0; i < d.n_paras; i++)
        assert_int_equal(d.paras[i].page, pages[i]);
    /* line break: "…新时代" | "中国特色社会主义思想…" */
    assert_int_equal(para_with(&d, "新时代中国特色社会主义思想"), 1);
    /* page break: "…(党组)理论" | "学习中心组开展…" */
    assert_int_equal(para_with(&d, "理论学习中心组开展习近平法治思想专题学习"), 3);
    assert_absent(&d, "file:");
    assert_absent(&d, "政府_");   /* the header: "<title>_韶关市曲江区人民政府网" */
    assert_absent(&d, "1/2");
    assert_absent(&d, "2/2");
    bgi_document_clear(&d);
}

/* Portal layout: no indents (paragraphs set apart by gaps), a letter-spaced
 * title, a fake-bold subtitle and heading (drawn twice), a paragraph running
 * across the page break. */
static void test_portal_layout(void **state)
{
    (void)state;
    bgi_document d = read_ok("qujiang-portal.pdf");
    assert_int_equal(d.n_pages, 2);
    assert_paragraphs(&d, "qujiang-portal.expected.txt");
    char *title = para(&d, 0);
    assert_string_equal(title, "2022年度法治政府建设报告");
    free(title);
    assert_int_equal(para_with(&d, "二、2022年主要举措和成效"), 2);
    assert_int_equal(d.paras[7].page, 1);
    /* page break: "…行政执法信" | "息公示平台…" */
    assert_int_equal(para_with(&d, "广东省行政执法信息公示平台"), 7);
    assert_absent(&d, "file:");
    assert_absent(&d, "政府_");   /* the header: "<title>_韶关市曲江区人民政府网" */
    bgi_document_clear(&d);
}

/* Page numbers "— 1 —" at the bottom and no browser header. */
static void test_page_numbers_dropped(void **state)
{
    (void)state;
    bgi_document d = read_ok("qujiang-numbered.pdf");
    assert_int_equal(d.n_pages, 2);
    assert_paragraphs(&d, "qujiang-numbered.expected.txt");
    static const int pages[] = {1, 1, 1, 1, 1, 1, 1, 2, 2, 2};
    for (size_t i = 0; i < d.n_paras; i++)
        assert_int_equal(d.paras[i].page, pages[i]);
    assert_absent(&d, "—1—");
    assert_absent(&d, "— 1 —");
    assert_absent(&d, "—2—");
    /* "…让行政执法权力在" | "阳光下运行。" at the page-1 bottom, above the number */
    assert_int_equal(para_with(&d, "让行政执法权力在阳光下运行。"), 6);
    bgi_document_clear(&d);
}

/* A one-page print: the browser's date, page title, URL and "1/1" go
 * although nothing repeats. */
static void test_one_page_print(void **state)
{
    (void)state;
    bgi_document d = read_ok("qujiang-onepage.pdf");
    assert_int_equal(d.n_pages, 1);
    assert_paragraphs(&d, "qujiang-onepage.expected.txt");
    assert_absent(&d, "file:");
    assert_absent(&d, "政府_");
    assert_absent(&d, "1/1");
    bgi_document_clear(&d);
}

/* Kangxi radicals from a font's ToUnicode become ideographs; a letter-spaced
 * date closes up. */
static void test_radicals_and_letter_spacing(void **state)
{
    (void)state;
    bgi_document d = read_ok("odd-glyphs.pdf");
    assert_string_equal(d.text, "中国政府网\n2024年1月");
    assert_int_equal(d.n_paras, 2);
    bgi_document_clear(&d);
}

/* ---- refusals ----------------------------------------------------------- */

static void test_encrypted(void **state)
{
    (void)state;
    size_t n;
    char *bytes = read_fixture(&n, "encrypted.pdf");
    assert_refused(bytes, n, BG_EDECODE, "encrypted PDF (password required)");
    free(bytes);
}

static void test_scan_is_skipped(void **state)
{
    (void)state;
    size_t n;
    char *bytes = read_fixture(&n, "scan.pdf");
    assert_refused(bytes, n, BG_ESKIPPED, "scanned PDF without a text layer");
    free(bytes);
}

static void test_garbage(void **state)
{
    (void)state;
    static const char random_bytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR garbage";
    assert_refused(random_bytes, sizeof random_bytes - 1, BG_EDECODE, "not a PDF");
    assert_refused("", 0, BG_EDECODE, "not a PDF");
    static const char header_only[] = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n";
    assert_refused(header_only, sizeof header_only - 1, BG_EDECODE, "damaged PDF: ");
}

static void test_truncated(void **state)
{
    (void)state;
    size_t n;
    char *bytes = read_fixture(&n, "qujiang-official.pdf");
    /* the first 2 KB: header and a few objects, no pages */
    assert_refused(bytes, 2048, BG_EDECODE, "damaged PDF: ");
    free(bytes);
}

static void test_too_big(void **state)
{
    (void)state;
    static const char bytes[16] = "%PDF-1.4\n";
    /* the size is refused before a byte is read */
    assert_refused(bytes, ((size_t)256 << 20) + 1, BG_ETOOBIG, "PDF larger than 256 MB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_official_layout),
        cmocka_unit_test(test_portal_layout),
        cmocka_unit_test(test_page_numbers_dropped),
        cmocka_unit_test(test_one_page_print),
        cmocka_unit_test(test_radicals_and_letter_spacing),
        cmocka_unit_test(test_encrypted),
        cmocka_unit_test(test_scan_is_skipped),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_too_big),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
