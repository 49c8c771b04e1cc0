/* test_meta.c — unit tests of report metadata (indexer/meta.c): title, body
 * and year detection on small sample reports, the MANIFEST.tsv override and
 * its errors, detection over the real corpus checked against its manifest,
 * and the official-document fields (date, docno, kind; more of them in
 * test_docframe.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baogao.h"
#include "document.h"
#include "meta.h"

/* ---- helpers --------------------------------------------------------- */

static char *read_whole(const char *path, size_t *len)
{
    return bgt_read_file(path, len);
}

static void detect_text(bgi_meta *m, const char *text, const char *filename)
{
    bgi_err err = {0};
    assert_int_equal(bgi_meta_detect(m, text, strlen(text), filename, &err), 0);
    assert_non_null(m->title);
    assert_non_null(m->body);
}

/* Detects a fixture under tests/fixtures/meta/, passing its path as the
 * file name. */
static void detect_fixture(bgi_meta *m, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/meta/%s", BG_TEST_FIXTURES, name);
    size_t len = 0;
    char *text = read_whole(path, &len);
    assert_non_null(text);
    bgi_err err = {0};
    assert_int_equal(bgi_meta_detect(m, text, len, path, &err), 0);
    free(text);
}

static void expect_meta(const char *fixture, const char *title, const char *body, int year)
{
    bgi_meta m;
    detect_fixture(&m, fixture);
    assert_string_equal(m.title, title);
    assert_string_equal(m.body, body);
    assert_int_equal(m.year, year);
    bgi_meta_clear(&m);
}

/* ---- detection ------------------------------------------------------- */

static void test_state_council_title(void **state)
{
    (void)state;
    /* The year of the title, not the 2029/2028 further down. */
    expect_meta("state-council.txt", "2030年中华人民共和国国务院政府工作报告", "国务院", 2030);
}

static void test_congress_report_with_dated_line(void **state)
{
    (void)state;
    /* The "(二十一大)" note is dropped; the dated line gives the year, not
     * the 2035 in the text. */
    expect_meta("congress-dated.txt", "团结奋进 开创美好未来", "中国共产党中央委员会", 2027);
}

static void test_congress_report_without_date(void **state)
{
    (void)state;
    /* 第十六届中央委员会 reports to the 17th congress (2007), whatever years
     * the text mentions. */
    expect_meta("congress-undated.txt", "坚持改革开放 推动科学发展", "中国共产党中央委员会", 2007);
}

static void test_congress_number_sources(void **state)
{
    (void)state;
    bgi_meta m;
    /* The dated line wins over the congress number. */
    detect_text(&m, "某某报告 (十八大)\n（2013年1月1日）\n同志们：\n", NULL);
    assert_int_equal(m.year, 2013);
    assert_string_equal(m.title, "某某报告");
    assert_string_equal(m.body, "中国共产党中央委员会");
    bgi_meta_clear(&m);

    /* The title note alone. */
    detect_text(&m, "某某报告（十九大）\n同志们：\n到2050年建成强国。\n", NULL);
    assert_int_equal(m.year, 2017);
    assert_string_equal(m.title, "某某报告");
    bgi_meta_clear(&m);

    /* "…第二十次全国代表大会上的报告" alone. */
    detect_text(&m, "某某报告\n——在中国共产党第二十次全国代表大会上的报告\n同志们：\n", NULL);
    assert_int_equal(m.year, 2022);
    assert_string_equal(m.body, "中国共产党中央委员会");
    bgi_meta_clear(&m);

    /* A note that is no congress stays in the title. */
    detect_text(&m, "关于预算执行情况的报告（草案）\n各位代表：\n", NULL);
    assert_string_equal(m.title, "关于预算执行情况的报告（草案）");
    assert_string_equal(m.body, "");
    bgi_meta_clear(&m);
}

static void test_local_report_from_opening_sentence(void **state)
{
    (void)state;
    /* No title line: the title comes from 现将…报告如下 and the place from the
     * most specific 人民政府 in the opening lines (not 各级人民政府). */
    expect_meta("local-sentence.txt", "河源市东源区2031年度法治政府建设情况报告",
                "河源市东源区人民政府", 2031);
}

static void test_byline_gives_year(void **state)
{
    (void)state;
    expect_meta("byline.txt", "政府工作报告", "国务院", 2026);
}

static void test_fallbacks(void **state)
{
    (void)state;
    /* No title: the file name; the year: the first 2024年 near the top. */
    expect_meta("untitled.txt", "untitled", "", 2024);
    /* Nothing at all. */
    expect_meta("nothing.txt", "nothing", "", 0);

    bgi_meta m;
    /* The last year of the file name, as a last resort. */
    detect_text(&m, "各位代表：\n今年我们做了很多工作。\n", "some/dir/report-18th-1999.tar.txt");
    assert_string_equal(m.title, "report-18th-1999.tar");
    assert_int_equal(m.year, 1999);
    bgi_meta_clear(&m);

    /* Neither text nor name. */
    detect_text(&m, "", NULL);
    assert_string_equal(m.title, "");
    assert_string_equal(m.body, "");
    assert_int_equal(m.year, 0);
    bgi_meta_clear(&m);
    bgi_err err = {0};
    assert_int_equal(bgi_meta_detect(&m, NULL, 0, NULL, &err), 0);
    assert_string_equal(m.title, "");
    bgi_meta_clear(&m);
}

static void test_what_is_no_title(void **state)
{
    (void)state;
    bgi_meta m;
    /* A heading, a salutation, a sentence. */
    detect_text(&m, "一、总体情况\n2025年全市经济平稳。\n", "x.txt");
    assert_string_equal(m.title, "x");
    assert_int_equal(m.year, 2025);
    bgi_meta_clear(&m);
    detect_text(&m, "各位代表：\n", "x.txt");
    assert_string_equal(m.title, "x");
    bgi_meta_clear(&m);
    detect_text(&m, "今年是关键之年。我们要努力。\n", "x.txt");
    assert_string_equal(m.title, "x");
    bgi_meta_clear(&m);
    /* Blank lines and indentation before the title do not matter. */
    detect_text(&m, "\n\n　　2019年某市人民政府工作报告　\n", "x.txt");
    assert_string_equal(m.title, "2019年某市人民政府工作报告");
    bgi_meta_clear(&m);
}

static void test_bom_and_crlf(void **state)
{
    (void)state;
    expect_meta("bom-crlf.txt", "2032年清远市某某县人民政府工作报告", "清远市某某县人民政府", 2032);
}

static void test_years_must_be_whole_numbers(void **state)
{
    (void)state;
    bgi_meta m;
    /* 12030年 and 2030亿 are no years; the first real 年 year is. */
    detect_text(&m, "各位代表：\n投资12030年度资金2030亿元，2021年完成。\n", NULL);
    assert_int_equal(m.year, 2021);
    bgi_meta_clear(&m);
    /* A long line with a date is prose, not a dated line. */
    detect_text(&m, "政府工作报告\n"
                    "各位代表：回顾2009年3月5日以来一年多的工作，"
                    "我们在经济、社会、文化等很多方面都取得了新的进展，值得认真总结。\n"
                    "（2010年3月5日）\n", NULL);
    assert_int_equal(m.year, 2010);
    bgi_meta_clear(&m);
}

static void test_clear_allows_null(void **state)
{
    (void)state;
    bgi_meta_clear(NULL);
    bgi_meta m = {0};
    bgi_meta_clear(&m);
    assert_null(m.title);
}

/* ---- the manifest ---------------------------------------------------- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/bg-test-meta-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (!d)
        return 0;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
    rmdir(tmpdir);
    return 0;
}

/* Writes content as tmpdir/name and returns its path (static buffer). */
static const char *write_tmp(const char *name, const char *content)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, strlen(content), f), strlen(content));
    fclose(f);
    return path;
}

static void set_meta(bgi_meta *m, const char *title, const char *body, int year)
{
    m->title = strdup(title);
    m->body = strdup(body);
    m->year = year;
    assert_non_null(m->title);
    assert_non_null(m->body);
}

static void test_manifest_fixture(void **state)
{
    (void)state;
    /* CRLF, an extra column, a blank line, a comment, a directory in a file
     * name and no newline at the end. */
    bgi_manifest *mf;
    bgi_err err = {0};
    assert_int_equal(bgi_manifest_load(&mf, BG_TEST_FIXTURES "/meta/MANIFEST.tsv", &err), 0);

    bgi_meta m;
    detect_fixture(&m, "state-council.txt");
    assert_int_equal(bgi_manifest_apply(mf, "state-council.txt", &m), 1);
    assert_string_equal(m.title, "覆盖的标题");
    assert_string_equal(m.body, "国务院"); /* empty field: detected value kept */
    assert_int_equal(m.year, 2031);
    bgi_meta_clear(&m);

    detect_fixture(&m, "local-sentence.txt");
    /* A path is looked up by its base name. */
    assert_int_equal(bgi_manifest_apply(mf, "/some/where/local-sentence.txt", &m), 1);
    assert_string_equal(m.title, "河源市东源区2031年度法治政府建设情况报告");
    assert_string_equal(m.body, "河源市人民政府");
    assert_int_equal(m.year, 2031);
    bgi_meta_clear(&m);

    set_meta(&m, "t", "b", 1);
    assert_int_equal(bgi_manifest_apply(mf, "untitled.txt", &m), 1);
    assert_string_equal(m.title, "无题");
    assert_string_equal(m.body, "某县人民政府");
    assert_int_equal(m.year, 2024);
    bgi_meta_clear(&m);

    set_meta(&m, "t", "b", 1);
    assert_int_equal(bgi_manifest_apply(mf, "not-listed.txt", &m), 0);
    assert_string_equal(m.title, "t");
    assert_int_equal(m.year, 1);
    /* The comment is no entry. */
    assert_int_equal(bgi_manifest_apply(mf, "# comment line", &m), 0);
    bgi_meta_clear(&m);
    bgi_manifest_free(mf);
    bgi_manifest_free(NULL);
}

static void test_manifest_columns_by_name(void **state)
{
    (void)state;
    const char *path = write_tmp("MANIFEST.tsv", "\xEF\xBB\xBF"
                                                 "year\tsource\tfile\ttitle\n"
                                                 "2020\tx\ta.txt\t甲\n");
    bgi_manifest *mf;
    bgi_err err = {0};
    assert_int_equal(bgi_manifest_load(&mf, path, &err), 0);
    bgi_meta m;
    set_meta(&m, "t", "b", 1);
    assert_int_equal(bgi_manifest_apply(mf, "a.txt", &m), 1);
    assert_string_equal(m.title, "甲");
    assert_string_equal(m.body, "b");
    assert_int_equal(m.year, 2020);
    bgi_meta_clear(&m);
    bgi_manifest_free(mf);
}

static void test_manifest_without_header(void **state)
{
    (void)state;
    const char *path = write_tmp("MANIFEST.tsv", "a.txt\t甲\t乙\t2021\n"
                                                 "b.txt\n"
                                                 "c.txt\t\t\t\t\n");
    bgi_manifest *mf;
    bgi_err err = {0};
    assert_int_equal(bgi_manifest_load(&mf, path, &err), 0);
    bgi_meta m;
    set_meta(&m, "t", "b", 1);
    assert_int_equal(bgi_manifest_apply(mf, "a.txt", &m), 1);
    assert_string_equal(m.title, "甲");
    assert_string_equal(m.body, "乙");
    assert_int_equal(m.year, 2021);
    /* A name alone overrides nothing but is found. */
    assert_int_equal(bgi_manifest_apply(mf, "b.txt", &m), 1);
    assert_int_equal(bgi_manifest_apply(mf, "c.txt", &m), 1);
    assert_string_equal(m.title, "甲");
    assert_int_equal(m.year, 2021);
    bgi_meta_clear(&m);
    bgi_manifest_free(mf);
}

static void test_manifest_empty(void **state)
{
    (void)state;
    const char *const CONTENTS[] = {"", "file\ttitle\tbody\tyear\n", "\n\n", "# nothing\r\n"};
    for (size_t i = 0; i < sizeof CONTENTS / sizeof CONTENTS[0]; i++) {
        const char *path = write_tmp("MANIFEST.tsv", CONTENTS[i]);
        bgi_manifest *mf;
        bgi_err err = {0};
        assert_int_equal(bgi_manifest_load(&mf, path, &err), 0);
        bgi_meta m;
        set_meta(&m, "t", "b", 1);
        assert_int_equal(bgi_manifest_apply(mf, "a.txt", &m), 0);
        bgi_meta_clear(&m);
        bgi_manifest_free(mf);
    }
}

/* Loading content fails with code, and the message contains expected. */
static void expect_manifest_error(const char *content, int code, const char *expected)
{
    const char *path = write_tmp("MANIFEST.tsv", content);
    static char sentinel;
    bgi_manifest *mf = (bgi_manifest *)&sentinel; /* must be reset to NULL */
    bgi_err err = {0};
    assert_int_equal(bgi_manifest_load(&mf, path, &err), code);
    assert_null(mf);
    assert_int_equal(err.code, code);
    if (!strstr(err.msg, expected))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, expected);
}

static void test_manifest_errors(void **state)
{
    (void)state;
    const char *header = "file\ttitle\tbody\tyear\r\n";
    char content[512];
    snprintf(content, sizeof content, "%sa.txt\t甲\t乙\t2020\r\nb.txt\t甲\t乙\tx\r\n", header);
    expect_manifest_error(content, BG_EPARSE, "MANIFEST.tsv:3: year 'x' is not a number");
    snprintf(content, sizeof content, "%s\r\na.txt\t甲\t乙\t20x1", header);
    expect_manifest_error(content, BG_EPARSE, "MANIFEST.tsv:3: year '20x1' is not a number");
    snprintf(content, sizeof content, "%sa.txt\t甲\t乙\t22\n", header);
    expect_manifest_error(content, BG_EPARSE, "MANIFEST.tsv:2: year '22' is not a four-digit year");
    snprintf(content, sizeof content, "%sa.txt\t甲\t乙\t-2020\n", header);
    expect_manifest_error(content, BG_EPARSE, "MANIFEST.tsv:2: year '-2020' is not a number");
    snprintf(content, sizeof content, "%s\t甲\t乙\t2020\n", header);
    expect_manifest_error(content, BG_EPARSE, "MANIFEST.tsv:2: no file name");
    snprintf(content, sizeof content, "%sa.txt\t甲\n\nb.txt\t乙\nx/a.txt\t丙\n", header);
    expect_manifest_error(content, BG_EPARSE,
                          "MANIFEST.tsv:5: 'a.txt' is already listed on line 2");

    bgi_manifest *mf;
    bgi_err err = {0};
    char missing[600];
    snprintf(missing, sizeof missing, "%s/no-such-dir/MANIFEST.tsv", tmpdir);
    assert_int_equal(bgi_manifest_load(&mf, missing, &err), BG_EIO);
    assert_null(mf);
    assert_non_null(strstr(err.msg, "no-such-dir/MANIFEST.tsv"));
}

static void test_manifest_apply_edge_cases(void **state)
{
    (void)state;
    const char *path = write_tmp("MANIFEST.tsv", "file\ttitle\tbody\tyear\na.txt\t甲\t乙\t2020\n");
    bgi_manifest *mf;
    assert_int_equal(bgi_manifest_load(&mf, path, NULL), 0);
    /* A meta that was never detected gets the manifest's strings. */
    bgi_meta m = {0};
    assert_int_equal(bgi_manifest_apply(mf, "a.txt", &m), 1);
    assert_string_equal(m.title, "甲");
    bgi_meta_clear(&m);
    assert_int_equal(bgi_manifest_apply(NULL, "a.txt", &m), 0);
    assert_int_equal(bgi_manifest_apply(mf, "A.TXT", &m), 0);
    bgi_manifest_free(mf);
}

/* ---- the real corpus ------------------------------------------------- */

/* Splits a manifest row in place into up to 4 tab-separated fields. */
static size_t split_row(char *row, char **fields)
{
    size_t n = 0;
    char *save = NULL;
    for (char *f = strtok_r(row, "\t", &save); f && n < 4; f = strtok_r(NULL, "\t", &save))
        fields[n++] = f;
    return n;
}

static void test_real_corpus(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", BG_SHARED_CORPUS);
    size_t len = 0;
    char *manifest_text = read_whole(path, &len);
    if (!manifest_text) {
        skip();
        return;
    }
    bgi_manifest *mf;
    bgi_err err = {0};
    assert_int_equal(bgi_manifest_load(&mf, path, &err), 0);

    size_t checked = 0;
    char *save = NULL;
    for (char *row = strtok_r(manifest_text, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
        row[strcspn(row, "\r")] = '\0';
        char *f[4];
        if (split_row(row, f) < 4 || strcmp(f[0], "file") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", BG_SHARED_CORPUS, f[0]);
        char *text = read_whole(path, &len);
        assert_non_null(text);
        bgi_meta m;
        /* No file name: the year must come from the text alone. */
        assert_int_equal(bgi_meta_detect(&m, text, len, NULL, &err), 0);
        printf("%-36s %d  %s | %s\n", f[0], m.year, m.title, m.body);
        if (m.year != atoi(f[3]))
            fail_msg("%s: detected year %d, manifest says %s", f[0], m.year, f[3]);
        /* The manifest, loaded by the module, gives back its own row. */
        assert_int_equal(bgi_manifest_apply(mf, f[0], &m), 1);
        assert_string_equal(m.title, f[1]);
        assert_string_equal(m.body, f[2]);
        bgi_meta_clear(&m);
        free(text);
        checked++;
    }
    assert_true(checked > 0);
    bgi_manifest_free(mf);
    free(manifest_text);
}


/* ---- official-document fields ---------------------------------------- */

static void test_report_fields_of_official_documents(void **state)
{
    (void)state;
    bgi_meta m;
    /* A report has no date or number; its kind is its title's last word. */
    detect_fixture(&m, "state-council.txt");
    assert_null(m.date);
    assert_null(m.docno);
    assert_string_equal(m.kind, "报告");
    bgi_meta_clear(&m);
    detect_fixture(&m, "congress-dated.txt");
    assert_null(m.date); /* a dated line under the title is no 成文日期 */
    assert_string_equal(m.kind, "");
    bgi_meta_clear(&m);

    /* An official document: the frame gives every field. */
    detect_text(&m, "国务院办公厅关于做好XX工作的通知\n国办发〔2022〕9号\n"
                    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
                    "经国务院同意，现就有关事项通知如下：2021年工作很多。\n"
                    "国务院办公厅\n2022年3月1日\n",
                "x.txt");
    assert_string_equal(m.title, "国务院办公厅关于做好XX工作的通知");
    assert_string_equal(m.body, "国务院办公厅");
    assert_string_equal(m.date, "2022-03-01");
    assert_string_equal(m.docno, "国办发〔2022〕9号");
    assert_string_equal(m.kind, "通知");
    assert_int_equal(m.year, 2022);
    bgi_meta_clear(&m);
    assert_null(m.date);
    assert_null(m.kind);
}

static void test_manifest_date_and_docno(void **state)
{
    (void)state;
    const char *path = write_tmp("MANIFEST.tsv", "file\tdocno\ttitle\tdate\n"
                                                 "a.txt\t国发[2023]1号\t关于XX的意见\t二〇二三年三月五日\n"
                                                 "b.txt\t\t\t\n");
    bgi_manifest *mf;
    bgi_err err = {0};
    assert_int_equal(bgi_manifest_load(&mf, path, &err), 0);
    bgi_meta m;
    detect_text(&m, "某某报告\n", NULL);
    assert_int_equal(bgi_manifest_apply(mf, "a.txt", &m), 1);
    assert_string_equal(m.docno, "国发[2023]1号");
    assert_string_equal(m.date, "2023-03-05");
    assert_string_equal(m.title, "关于XX的意见");
    assert_string_equal(m.kind, "意见"); /* follows the title given */
    assert_int_equal(m.year, 0);         /* a date given leaves the year alone */
    /* Empty fields keep what is there. */
    assert_int_equal(bgi_manifest_apply(mf, "b.txt", &m), 1);
    assert_string_equal(m.docno, "国发[2023]1号");
    assert_string_equal(m.date, "2023-03-05");
    bgi_meta_clear(&m);
    bgi_manifest_free(mf);

    expect_manifest_error("file\tdate\na.txt\t2023年2月30日\n", BG_EPARSE,
                          "MANIFEST.tsv:2: date '2023年2月30日' is not a date");
    /* Without a header, a fifth and sixth column are no date and number. */
    path = write_tmp("MANIFEST.tsv", "a.txt\t甲\t乙\t2021\tnot-a-date\tx\n");
    assert_int_equal(bgi_manifest_load(&mf, path, &err), 0);
    detect_text(&m, "", NULL);
    assert_int_equal(bgi_manifest_apply(mf, "a.txt", &m), 1);
    assert_null(m.date);
    assert_null(m.docno);
    assert_int_equal(m.year, 2021);
    bgi_meta_clear(&m);
    bgi_manifest_free(mf);
}

/* The 21 reports: detection alone gives the manifest's title, body and
 * year, and no date, number or frame title. */
static void test_real_corpus_detection_unchanged(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", BG_SHARED_CORPUS);
    size_t len = 0;
    char *manifest_text = read_whole(path, &len);
    if (!manifest_text) {
        skip();
        return;
    }
    size_t checked = 0;
    char *save = NULL;
    for (char *row = strtok_r(manifest_text, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
        row[strcspn(row, "\r")] = '\0';
        char *f[4];
        if (split_row(row, f) < 4 || strcmp(f[0], "file") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", BG_SHARED_CORPUS, f[0]);
        char *text = read_whole(path, &len);
        assert_non_null(text);
        bgi_meta m;
        bgi_err err = {0};
        assert_int_equal(bgi_meta_detect(&m, text, len, NULL, &err), 0);
        printf("%-36s %d  %s | %s | date %s | docno %s | kind %s\n", f[0], m.year, m.title, m.body,
               m.date ? m.date : "null", m.docno ? m.docno : "null", m.kind);
        assert_string_equal(m.title, f[1]);
        assert_string_equal(m.body, f[2]);
        assert_int_equal(m.year, atoi(f[3]));
        assert_null(m.date);
        assert_null(m.docno);
        bgi_meta_clear(&m);
        free(text);
        checked++;
    }
    assert_int_equal(checked, 21);
    free(manifest_text);
}

/* Joint issuers that a reader ran together keep one space between them; a
 * body whose name merely starts like another's stays whole. */
static void test_joint_bodies_run_together(void **state)
{
    (void)state;
    static const char text[] = "中共中央 国务院关于促进民营经济发展壮大的意见\n"
                               "各省、自治区、直辖市党委和人民政府：\n"
                               "现提出如下意见。\n"
                               "中共中央\n国务院\n2023年7月14日\n";
    const struct {
        const char *stated, *want;
    } cases[] = {
        {"中共中央国务院", "中共中央 国务院"},
        {"中共中央办公厅国务院办公厅", "中共中央办公厅 国务院办公厅"},
        {"中共中央 国务院", "中共中央 国务院"},
        {"中共中央宣传部", "中共中央宣传部"},
        {"国务院办公厅", "国务院办公厅"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        bgi_doc_meta stated = {.body = (char *)cases[i].stated};
        bgi_meta m;
        bgi_err err = {0};
        assert_int_equal(bgi_meta_detect_doc(&m, text, sizeof text - 1, "a.html", &stated, NULL, &err), 0);
        assert_string_equal(m.body, cases[i].want);
        assert_string_equal(m.date, "2023-07-14");
        bgi_meta_clear(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_joint_bodies_run_together),
        cmocka_unit_test(test_state_council_title),
        cmocka_unit_test(test_congress_report_with_dated_line),
        cmocka_unit_test(test_congress_report_without_date),
        cmocka_unit_test(test_congress_number_sources),
        cmocka_unit_test(test_local_report_from_opening_sentence),
        cmocka_unit_test(test_byline_gives_year),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_what_is_no_title),
        cmocka_unit_test(test_bom_and_crlf),
        cmocka_unit_test(test_years_must_be_whole_numbers),
        cmocka_unit_test(test_clear_allows_null),
        cmocka_unit_test(test_manifest_fixture),
        cmocka_unit_test(test_manifest_columns_by_name),
        cmocka_unit_test(test_manifest_without_header),
        cmocka_unit_test(test_manifest_empty),
        cmocka_unit_test(test_manifest_errors),
        cmocka_unit_test(test_manifest_apply_edge_cases),
        cmocka_unit_test(test_real_corpus),
        cmocka_unit_test(test_report_fields_of_official_documents),
        cmocka_unit_test(test_manifest_date_and_docno),
        cmocka_unit_test(test_real_corpus_detection_unchanged),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
