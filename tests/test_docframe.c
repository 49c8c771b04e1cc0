/* test_docframe.c — unit tests of the official-document frame
 * (indexer/docframe.c) and of the metadata it gives (indexer/meta.c): dates,
 * document numbers, kinds, frame lines on small documents, stated metadata,
 * the committed fixtures of tests/fixtures/official/ against their truth,
 * the real corpus (nothing of a report may be marked), and, when
 * BG_OFFICIAL_GEN names a directory written by
 * tests/formats/make_official_fixtures.py, the accuracy over it. */
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

#include "baogao.h"
#include "docframe.h"
#include "scheme.h"
#include "document.h"
#include "meta.h"

/* ---- helpers --------------------------------------------------------- */

static char *read_whole(const char *path, size_t *len)
{
    return bgt_read_file(path, len);
}

static void find_frame(bgi_docframe *fr, const char *text)
{
    bgi_err err = {0};
    assert_int_equal(bgi_docframe_find(fr, text, strlen(text), &err), 0);
}

/* The frame as "first-last:role ..." for exact comparisons. */
static const char *frame_string(const bgi_docframe *fr)
{
    static char out[2048];
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < fr->n_ranges && o < sizeof out - 64; i++)
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%zu-%zu:%s", i ? " " : "",
                              fr->ranges[i].first, fr->ranges[i].last,
                              bgi_frame_role_name(fr->ranges[i].role));
    return out;
}

static void detect(bgi_meta *m, const char *text, const bgi_doc_meta *stated)
{
    bgi_err err = {0};
    assert_int_equal(bgi_meta_detect_doc(m, text, strlen(text), NULL, stated, NULL, &err), 0);
    assert_non_null(m->title);
    assert_non_null(m->body);
    assert_non_null(m->kind);
}

/* ---- dates, numbers, kinds ------------------------------------------- */

static void expect_date(const char *in, const char *want)
{
    char out[11];
    int rc = bgi_date_normalize(out, sizeof out, in, strlen(in));
    if (!want) {
        if (rc != BG_EINVAL)
            fail_msg("'%s' taken for the date %s", in, out);
        assert_string_equal(out, "");
    } else {
        if (rc)
            fail_msg("'%s' is no date, expected %s", in, want);
        assert_string_equal(out, want);
    }
}

static void test_dates(void **state)
{
    (void)state;
    expect_date("2023年3月5日", "2023-03-05");
    expect_date(" 2023年03月05日　", "2023-03-05");
    expect_date("2023 年 3 月 5 日", "2023-03-05");
    expect_date("２０２３年３月５日", "2023-03-05");
    expect_date("二〇二三年三月五日", "2023-03-05");
    expect_date("二○一九年十二月三十一日", "2019-12-31");
    expect_date("二零零八年十月二十日", "2008-10-20");
    expect_date("2023-03-05", "2023-03-05");
    expect_date("2023/3/5", "2023-03-05");
    expect_date("2023.3.5", "2023-03-05");
    expect_date("2023-03-05 10:30:00", "2023-03-05");
    expect_date("2024年2月29日", "2024-02-29");
    /* No dates: impossible days, partial dates, prose, brackets. */
    expect_date("2023年2月29日", NULL);
    expect_date("2023年13月1日", NULL);
    expect_date("2023年3月", NULL);
    expect_date("（2017年10月18日）", NULL);
    expect_date("2023年3月5日印发", NULL);
    expect_date("自2024年1月1日起施行。", NULL);
    expect_date("2023-03/05", NULL);
    expect_date("", NULL);
    char small[5];
    assert_int_equal(bgi_date_normalize(small, sizeof small, "2023-03-05", 10), BG_ETOOBIG);
}

static void expect_docno(const char *in, const char *want)
{
    char out[64];
    assert_int_equal(bgi_docno_normalize(out, sizeof out, in), 0);
    assert_string_equal(out, want);
}

static void test_docno_normalize(void **state)
{
    (void)state;
    expect_docno("国发〔2023〕1号", "国发〔2023〕1号");
    expect_docno("国发[2023]1号", "国发〔2023〕1号");
    expect_docno("国发（2023）1号", "国发〔2023〕1号");
    expect_docno("国发(2023)1号", "国发〔2023〕1号");
    expect_docno("国办函【2021】88号", "国办函〔2021〕88号");
    expect_docno("粤府﹝2022﹞12号", "粤府〔2022〕12号");
    expect_docno(" 国发 ［２０２３］ 1 号　", "国发〔2023〕1号");
    expect_docno("", "");
    char small[8];
    assert_int_equal(bgi_docno_normalize(small, sizeof small, "国发〔2023〕1号"), BG_ETOOBIG);
    assert_string_equal(small, "国发"); /* cut on a character boundary */
}

static void test_kinds(void **state)
{
    (void)state;
    assert_string_equal(bgi_doc_kind("国务院关于印发《XX方案》的通知"), "通知");
    assert_string_equal(bgi_doc_kind("国务院办公厅关于同意XX的函"), "函");
    assert_string_equal(bgi_doc_kind("国务院关于XX的批复"), "批复");
    assert_string_equal(bgi_doc_kind("XX管理办法（试行）"), "办法");
    assert_string_equal(bgi_doc_kind("全国国土规划纲要（2016—2030年）"), "纲要");
    assert_string_equal(bgi_doc_kind("中华人民共和国国务院令"), "令");
    assert_string_equal(bgi_doc_kind("国务院关于XX的命令"), "命令");
    assert_string_equal(bgi_doc_kind("2023年中华人民共和国国务院政府工作报告"), "报告");
    assert_string_equal(bgi_doc_kind("团结奋进 开创美好未来"), "");
    assert_string_equal(bgi_doc_kind(""), "");
    assert_string_equal(bgi_doc_kind(NULL), "");
}

/* ---- the frame ------------------------------------------------------- */

static const char FULL[] =
    "000123\n"                                                   /* 1 */
    "国务院文件\n"                                               /* 2 */
    "国发〔2023〕5号\n"                                          /* 3 */
    "国务院关于进一步优化营商环境\n"                             /* 4 */
    "降低市场主体制度性交易成本的意见\n"                         /* 5 */
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n" /* 6 */
    "　　根据《国务院关于XX的通知》（国发〔2019〕8号），现提出如下意见。\n"
    "一、总体要求\n"                                             /* 8 */
    "\n"                                                         /* 9 */
    "— 1 —\n"                                                    /* 10 */
    "2022年3月5日，国务院常务会议审议通过。\n"                   /* 11 */
    "附件：1．重点任务分工表\n"                                  /* 12 */
    "　　　2．政策清单\n"                                        /* 13 */
    "国务院\n"                                                   /* 14 */
    "二〇二三年三月五日\n"                                       /* 15 */
    "（此件公开发布）\n"                                         /* 16 */
    "附件1\n"                                                    /* 17 */
    "重点任务分工表\n"                                           /* 18 */
    "一是加强协调。\n"                                           /* 19 */
    "附件2\n"                                                    /* 20 */
    "政策清单\n"                                                 /* 21 */
    "（2023—2025年）\n"                                         /* 22 */
    "二是细化措施。\n"                                           /* 23 */
    "- 2 -\n"                                                    /* 24 */
    "抄送：党中央各部门，全国人大常委会办公厅，\n"               /* 25 */
    "全国政协办公厅，最高人民法院。\n"                           /* 26 */
    "国务院办公厅　　　　2023年3月7日印发\n";                    /* 27 */

static void test_full_frame(void **state)
{
    (void)state;
    bgi_docframe fr;
    find_frame(&fr, FULL);
    assert_true(fr.official);
    assert_string_equal(frame_string(&fr),
                        "1-2:mark 3-3:docno 4-5:title 6-6:addressee 10-10:pageno "
                        "12-13:attachment-note 14-14:signature 15-15:date 16-16:note "
                        "17-17:attachment-start 18-18:attachment-title 20-20:attachment-start "
                        "21-22:attachment-title 24-24:pageno 25-27:cc");
    assert_string_equal(fr.title, "国务院关于进一步优化营商环境降低市场主体制度性交易成本的意见");
    assert_string_equal(fr.docno, "国发〔2023〕5号");
    assert_string_equal(fr.signer, "国务院");
    assert_string_equal(fr.date, "2023-03-05");
    assert_int_equal(fr.title_first, 4);
    assert_int_equal(fr.title_last, 5);
    assert_int_equal(fr.n_attachments, 2);
    assert_int_equal(fr.attachments[0].start, 17);
    assert_string_equal(fr.attachments[0].title, "重点任务分工表");
    assert_int_equal(fr.attachments[1].title_first, 21);
    assert_int_equal(fr.attachments[1].title_last, 22);
    assert_string_equal(fr.attachments[1].title, "政策清单（2023—2025年）");
    assert_int_equal(bgi_docframe_role(&fr, 6), BG_FRAME_ADDRESSEE);
    assert_int_equal(bgi_docframe_role(&fr, 7), 0);
    assert_int_equal(bgi_docframe_role(&fr, 26), BG_FRAME_CC);
    assert_int_equal(bgi_docframe_role(&fr, 99), 0);
    bgi_docframe_clear(&fr);

    bgi_meta m;
    detect(&m, FULL, NULL);
    assert_string_equal(m.title, "国务院关于进一步优化营商环境降低市场主体制度性交易成本的意见");
    assert_string_equal(m.body, "国务院");
    assert_string_equal(m.date, "2023-03-05");
    assert_string_equal(m.docno, "国发〔2023〕5号");
    assert_string_equal(m.kind, "意见");
    assert_int_equal(m.year, 2023);
    bgi_meta_clear(&m);
}

static void test_joint_document_without_date(void **state)
{
    (void)state;
    /* The bodies of a joint title; no signature date: no date, and the
     * 2024年1月1日 of the text is not taken; the year is the 发文字号's. The
     * bodies ending an official document sign it even without a date. */
    const char *text = "中共中央办公厅\n"
                       "国务院办公厅关于推进XX工作的意见\n"
                       "厅字[2023]12号\n"
                       "各地区各部门：\n"
                       "现提出以下意见。\n"
                       "本意见自2024年1月1日起施行。\n"
                       "中共中央办公厅\n"
                       "国务院办公厅\n";
    bgi_docframe fr;
    find_frame(&fr, text);
    assert_string_equal(frame_string(&fr), "1-2:title 3-3:docno 4-4:addressee 7-8:signature");
    assert_string_equal(fr.title, "中共中央办公厅 国务院办公厅关于推进XX工作的意见");
    assert_string_equal(fr.signer, "中共中央办公厅 国务院办公厅");
    assert_string_equal(fr.date, "");
    bgi_docframe_clear(&fr);

    bgi_meta m;
    detect(&m, text, NULL);
    assert_string_equal(m.body, "中共中央办公厅 国务院办公厅");
    assert_null(m.date);
    assert_string_equal(m.docno, "厅字[2023]12号");
    assert_int_equal(m.year, 2023);
    bgi_meta_clear(&m);

    /* A 发文字号 is no title: the file name is. */
    bgi_err err = {0};
    const char *numbered = "国发〔2023〕1号\n各省、自治区、直辖市人民政府：\n现通知如下。\n";
    assert_int_equal(bgi_meta_detect(&m, numbered, strlen(numbered), "dir/gf-1.txt", &err), 0);
    assert_string_equal(m.title, "gf-1");
    assert_string_equal(m.docno, "国发〔2023〕1号");
    assert_int_equal(m.year, 2023);
    bgi_meta_clear(&m);

    /* Neither date nor number: year from the title or 0, never the text's. */
    detect(&m, "中共中央 国务院关于XX的决定\n为了XX，作出如下决定。\n2019年3月5日以来，工作有进展。\n",
           NULL);
    assert_string_equal(m.body, "中共中央 国务院");
    assert_string_equal(m.kind, "决定");
    assert_int_equal(m.year, 0);
    assert_null(m.date);
    bgi_meta_clear(&m);
}

static void test_signature_on_date_line_and_joint_signature(void **state)
{
    (void)state;
    bgi_meta m;
    detect(&m, "国务院关于同意XX的批复\n国函〔2021〕7号\n广东省人民政府：\n你省请示收悉。\n"
               "中共中央 国务院　2021年2月3日\n",
           NULL);
    assert_string_equal(m.body, "中共中央 国务院");
    assert_string_equal(m.date, "2021-02-03");
    assert_string_equal(m.kind, "批复");
    bgi_meta_clear(&m);

    detect(&m, "关于XX的决定\n为了XX，作出如下决定。\n一、XX。\n中共中央\n国务院\n二〇二〇年五月十一日\n",
           NULL);
    assert_string_equal(m.title, "关于XX的决定");
    assert_string_equal(m.body, "中共中央 国务院");
    assert_string_equal(m.date, "2020-05-11");
    assert_int_equal(m.year, 2020);
    bgi_meta_clear(&m);
}

static void test_what_is_no_frame(void **state)
{
    (void)state;
    bgi_docframe fr;
    /* A speech: salutation, dated line, no number. */
    find_frame(&fr, "2017年中华人民共和国国务院政府工作报告\n政府工作报告\n"
                    "——2017年3月5日在第十二届全国人民代表大会第五次会议上\n国务院总理李克强\n"
                    "各位代表：\n现在，我代表国务院，向大会报告政府工作。\n各位代表！\n");
    assert_false(fr.official);
    assert_int_equal(fr.n_ranges, 0);
    bgi_docframe_clear(&fr);
    /* A title with a kind but nothing official around it. */
    find_frame(&fr, "某某市政府工作报告\n各位代表：\n今年工作很多。\n2023年3月5日\n");
    assert_false(fr.official);
    assert_int_equal(fr.n_ranges, 0);
    bgi_docframe_clear(&fr);
    /* A document number in a sentence is not a 发文字号 line. */
    find_frame(&fr, "根据国发〔2023〕1号文件，我们开展了工作。\n一、主要做法\n");
    assert_int_equal(fr.n_ranges, 0);
    bgi_docframe_clear(&fr);
    /* Empty text. */
    find_frame(&fr, "");
    assert_int_equal(fr.n_ranges, 0);
    bgi_docframe_clear(&fr);
    bgi_docframe_clear(NULL);
}

static void test_report_with_signature(void **state)
{
    (void)state;
    /* A local report signed and dated: the date is taken, the year stays the
     * year the report is about. */
    const char *text = "现将2022年度法治政府建设情况报告如下：\n"
                       "一、主要做法\n"
                       "韶关市曲江区人民政府\n"
                       "2023年1月10日\n";
    bgi_docframe fr;
    find_frame(&fr, text);
    assert_string_equal(frame_string(&fr), "3-3:signature 4-4:date");
    bgi_docframe_clear(&fr);
    bgi_meta m;
    detect(&m, text, NULL);
    assert_string_equal(m.date, "2023-01-10");
    assert_int_equal(m.year, 2022);
    assert_string_equal(m.body, "韶关市曲江区人民政府");
    assert_string_equal(m.kind, "报告");
    bgi_meta_clear(&m);
}

static void test_stated_metadata_wins(void **state)
{
    (void)state;
    bgi_doc_meta st = {0};
    st.title = " 国务院办公厅关于XX的通知 ";
    st.date = "二〇二一年十一月八日";
    st.docno = "国办发〔2021〕44号";
    bgi_meta m;
    /* The text has no frame: the stated title gives the body and kind, the
     * stated date the year. */
    detect(&m, "各地区、各部门要抓好落实。\n", &st);
    assert_string_equal(m.title, "国务院办公厅关于XX的通知");
    assert_string_equal(m.body, "国务院办公厅");
    assert_string_equal(m.date, "2021-11-08");
    assert_string_equal(m.docno, "国办发〔2021〕44号");
    assert_string_equal(m.kind, "通知");
    assert_int_equal(m.year, 2021);
    bgi_meta_clear(&m);

    /* Stated fields beat the frame; an unreadable stated date is ignored. */
    st.title = NULL;
    st.body = "国务院";
    st.date = "不详";
    st.docno = NULL;
    detect(&m, FULL, &st);
    assert_string_equal(m.title, "国务院关于进一步优化营商环境降低市场主体制度性交易成本的意见");
    assert_string_equal(m.body, "国务院");
    assert_string_equal(m.date, "2023-03-05");
    bgi_meta_clear(&m);
    st.date = "2023/3/9";
    st.body = "国务院办公厅";
    detect(&m, FULL, &st);
    assert_string_equal(m.body, "国务院办公厅");
    assert_string_equal(m.date, "2023-03-09");
    bgi_meta_clear(&m);

    /* A report whose title names a year keeps it: the portal of
     * tests/fixtures/formats/html-govcn.html states 2023 for a report about
     * 2022. */
    st = (bgi_doc_meta){0};
    st.title = "韶关市曲江区2022年度法治政府建设情况报告";
    st.date = "2023年01月16日";
    st.docno = "韶曲府〔2023〕3号";
    detect(&m, "2022年,在市委、市政府的领导下,我区坚持依法行政。\n", &st);
    assert_int_equal(m.year, 2022);
    assert_string_equal(m.date, "2023-01-16");
    bgi_meta_clear(&m);

    /* A 政府工作报告 keeps the year it is about, whatever date is stated. */
    st = (bgi_doc_meta){0};
    st.date = "2024-03-12";
    detect(&m, "2023年中华人民共和国国务院政府工作报告\n各位代表：\n", &st);
    assert_int_equal(m.year, 2023);
    assert_string_equal(m.date, "2024-03-12");
    assert_string_equal(m.kind, "报告");
    bgi_meta_clear(&m);
}

/* ---- the real corpus: nothing of a report is frame ------------------- */

static size_t utf8_chars(const char *p, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)p[i] & 0xC0) != 0x80;
    return c;
}

/* Start of 1-based line in text, NULL if there is none. */
static const char *line_at(const char *text, size_t line, size_t *n)
{
    const char *p = text;
    for (size_t i = 1; i < line && p; i++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return NULL;
    const char *nl = strchr(p, '\n');
    *n = nl ? (size_t)(nl - p) : strlen(p);
    return p;
}

static void test_real_corpus_not_framed(void **state)
{
    (void)state;
    DIR *d = opendir(BG_SHARED_CORPUS);
    if (!d) {
        skip();
        return;
    }
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", BG_SHARED_CORPUS, e->d_name);
        size_t len = 0;
        char *text = read_whole(path, &len);
        assert_non_null(text);
        bgi_docframe fr;
        bgi_err err = {0};
        assert_int_equal(bgi_docframe_find(&fr, text, len, &err), 0);
        printf("%-36s official=%d marks: %s\n", e->d_name, fr.official,
               fr.n_ranges ? frame_string(&fr) : "none");
        for (size_t r = 0; r < fr.n_ranges; r++)
            for (size_t l = fr.ranges[r].first; l <= fr.ranges[r].last; l++) {
                size_t n = 0;
                const char *p = line_at(text, l, &n);
                assert_non_null(p);
                if (utf8_chars(p, n) > 60)
                    fail_msg("%s:%zu: a line of %zu characters marked %s", e->d_name, l,
                             utf8_chars(p, n), bgi_frame_role_name(fr.ranges[r].role));
            }
        bgi_docframe_clear(&fr);
        free(text);
        files++;
    }
    closedir(d);
    assert_true(files > 0);
}

/* ---- generated official documents against their truth --------------- */

/* Whether 1-based line is in a frame spec "1-3,7,20-22". */
static int in_spec(const char *spec, size_t line)
{
    const char *p = spec;
    while (*p) {
        char *end;
        unsigned long a = strtoul(p, &end, 10), b = a;
        if (*end == '-')
            b = strtoul(end + 1, &end, 10);
        if (line >= a && line <= b)
            return 1;
        p = *end == ',' ? end + 1 : end;
        if (end == p && *p != ',')
            break;
    }
    return 0;
}

enum { F_FILE, F_TITLE, F_BODY, F_DATE, F_YEAR, F_DOCNO, F_KIND, F_FRAME, N_F };

typedef struct tally {
    size_t docs, all_right, field_right[N_F], frame_right, lines_wrong;
} tally;

/* Checks one document against its truth row; prints what differs. */
static void check_document(tally *t, const char *dir, char **f)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, f[F_FILE]);
    size_t len = 0;
    char *text = read_whole(path, &len);
    assert_non_null(text);
    bgi_meta m;
    bgi_err err = {0};
    assert_int_equal(bgi_meta_detect_doc(&m, text, len, path, NULL, NULL, &err), 0);
    char year[16];
    snprintf(year, sizeof year, "%d", m.year);
    const char *got[N_F] = {f[F_FILE], m.title, m.body, m.date ? m.date : "", year,
                            m.docno ? m.docno : "", m.kind, ""};
    int ok = 1;
    for (int c = F_TITLE; c <= F_KIND; c++) {
        if (strcmp(got[c], f[c]) == 0) {
            t->field_right[c]++;
        } else {
            if (c != F_KIND)
                ok = 0;
            printf("  %s: field %d is '%s', truth '%s'\n", f[F_FILE], c, got[c], f[c]);
        }
    }
    bgi_docframe fr;
    assert_int_equal(bgi_docframe_find(&fr, text, len, &err), 0);
    size_t lines = 1, wrong = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n' && p[1];
    for (size_t l = 1; l <= lines; l++) {
        int marked = bgi_docframe_role(&fr, l) != 0;
        if (marked != in_spec(f[F_FRAME], l)) {
            size_t n = 0;
            const char *p = line_at(text, l, &n);
            printf("  %s:%zu: %s '%.*s'\n", f[F_FILE], l, marked ? "marked, is content" : "not marked",
                   (int)(n > 90 ? 90 : n), p ? p : "");
            wrong++;
        }
    }
    t->frame_right += wrong == 0;
    t->lines_wrong += wrong;
    t->docs++;
    t->all_right += ok;
    bgi_docframe_clear(&fr);
    bgi_meta_clear(&m);
    free(text);
}

/* Runs over dir/truth.tsv; returns 0 when there is none. */
static int check_truth(tally *t, const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/truth.tsv", dir);
    size_t len = 0;
    char *tsv = read_whole(path, &len);
    if (!tsv)
        return 0;
    memset(t, 0, sizeof *t);
    char *save = NULL;
    for (char *row = strtok_r(tsv, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
        char *f[N_F] = {0};
        size_t n = 0;
        for (char *p = row; n < N_F; n++) {
            f[n] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                n++;
                break;
            }
            *tab = '\0';
            p = tab + 1;
        }
        assert_int_equal(n, N_F);
        if (strcmp(f[F_FILE], "file") == 0)
            continue;
        check_document(t, dir, f);
    }
    free(tsv);
    printf("%zu documents: title/body/date/year/docno all right %zu (%.1f%%); "
           "title %zu body %zu date %zu year %zu docno %zu kind %zu; "
           "frame exact %zu, frame lines wrong %zu\n",
           t->docs, t->all_right, t->docs ? 100.0 * (double)t->all_right / (double)t->docs : 0.0,
           t->field_right[F_TITLE], t->field_right[F_BODY], t->field_right[F_DATE],
           t->field_right[F_YEAR], t->field_right[F_DOCNO], t->field_right[F_KIND],
           t->frame_right, t->lines_wrong);
    return 1;
}

static void test_committed_fixtures(void **state)
{
    (void)state;
    tally t;
    assert_true(check_truth(&t, BG_TEST_FIXTURES "/official"));
    assert_true(t.docs >= 5);
    assert_int_equal(t.all_right, t.docs);
    assert_int_equal(t.field_right[F_KIND], t.docs);
    assert_int_equal(t.lines_wrong, 0);
}

static void test_generated_set(void **state)
{
    (void)state;
    const char *dir = getenv("BG_OFFICIAL_GEN");
    tally t;
    if (!dir || !check_truth(&t, dir)) {
        skip();
        return;
    }
    assert_true(t.docs >= 60);
    if (t.all_right * 100 < t.docs * 98)
        fail_msg("only %zu of %zu documents right", t.all_right, t.docs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_docno_normalize),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_full_frame),
        cmocka_unit_test(test_joint_document_without_date),
        cmocka_unit_test(test_signature_on_date_line_and_joint_signature),
        cmocka_unit_test(test_what_is_no_frame),
        cmocka_unit_test(test_report_with_signature),
        cmocka_unit_test(test_stated_metadata_wins),
        cmocka_unit_test(test_real_corpus_not_framed),
        cmocka_unit_test(test_committed_fixtures),
        cmocka_unit_test(test_generated_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
