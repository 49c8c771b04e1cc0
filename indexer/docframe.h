/* docframe.h — the frame of an official document (GB/T 9704-2012 党政机关公文格式)
 * in a text of one paragraph per line: which lines are the frame around the
 * content, and what the frame says (title, 发文字号, signature, 成文日期).
 *
 * The frame, top to bottom:
 *   MARK        版头: 发文机关标志 "国务院文件" (only right before a 发文字号
 *               line), 份号 "000123", 密级 "机密★1年", 紧急程度 "特急"
 *   TITLE       the title, 1-3 lines (no sentence punctuation, at most 60
 *               characters each) ending where the 发文字号, the 主送 line or
 *               the first prose line starts
 *   DOCNO       the 发文字号 line, before or after the title: "国发〔2023〕1号",
 *               brackets 〔〕[]［］（）()【】﹝﹞ accepted, "签发人：…" may follow
 *   ADDRESSEE   主送机关: the short line ending in ：right after the title and
 *               发文字号 ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构："),
 *               never a salutation ("各位代表：", "同志们：")
 *   ATTACHMENT_NOTE  "附件：1．…" and its following "2．…" lines, right above
 *               the signature (or the end of the main text)
 *   SIGNATURE   发文机关署名: 1-3 short lines right above the date line
 *   DATE        成文日期: a line that is only a date, "2023年3月5日" or
 *               "二〇二三年三月五日" ("国务院 2023年3月5日" on one line is
 *               signature and date: DATE); it must be the last line of the
 *               main text but for notes and page numbers
 *   NOTE        附注 after the date: "（此件公开发布）", "（本文有删减）"
 *   ATTACHMENT_START  "附件" / "附件1" / "附件一" alone on a line after the
 *               main text, followed by the attachment's title. What an 印发
 *               notice issues often follows its date without that label: when
 *               the text does not end in a signature, the first date line
 *               under a line of bodies is the signature, and a title line
 *               after it (and its notes) starts an attachment
 *   ATTACHMENT_TITLE  that title (1-2 lines); its text is in attachments[]
 *   CC          版记 at the very end: "抄送：…" (and its wrapped lines) and
 *               "国务院办公厅 2023年3月7日印发"
 *   PAGENO      page numbers "— 3 —", "- 3 -", "－3－" anywhere
 *
 * Conservative by design: nothing but page numbers is marked unless the top
 * carries an official frame: a 发文字号 line, or a title that ends with a kind
 * of document (…的通知, 意见, 批复, …) and either says "关于", or is followed
 * by an addressee that names bodies, or ends a text with a signature date. A
 * 政府工作报告 or a congress report has none of these, so nothing of it is
 * marked (tests/test_docframe.c checks the real corpus).
 *
 * Line numbers are 1-based and count every line, blank ones included (line
 * i is paragraph i - 1 of a bgi_document). */
#ifndef BG_DOCFRAME_H
#define BG_DOCFRAME_H

#include <stddef.h>

#include "bgi_err.h"

typedef enum bgi_frame_role {
    BG_FRAME_MARK = 1,
    BG_FRAME_TITLE,
    BG_FRAME_DOCNO,
    BG_FRAME_ADDRESSEE,
    BG_FRAME_ATTACHMENT_NOTE,
    BG_FRAME_SIGNATURE,
    BG_FRAME_DATE,
    BG_FRAME_NOTE,
    BG_FRAME_ATTACHMENT_START,
    BG_FRAME_ATTACHMENT_TITLE,
    BG_FRAME_CC,
    BG_FRAME_PAGENO,
} bgi_frame_role;

/* Lines first..last (1-based, inclusive) play one role. */
typedef struct bgi_frame_range {
    size_t first, last;
    bgi_frame_role role;
} bgi_frame_range;

/* An attachment (附件) after the main text: its "附件N" line and its title,
 * which the indexer puts first in the section path of the lines after it. */
typedef struct bgi_frame_attachment {
    size_t start;                   /* the "附件N" line; the title's first line
                                       for one printed without a label (an 印发
                                       notice's plan right after the date) */
    size_t title_first, title_last; /* its title lines */
    char *title;                    /* the title lines joined; owned */
} bgi_frame_attachment;

typedef struct bgi_docframe {
    bgi_frame_range *ranges;         /* sorted by first line, disjoint; owned */
    size_t n_ranges;
    bgi_frame_attachment *attachments; /* in text order; owned */
    size_t n_attachments;
    int official;                   /* the top carries an official frame */
    size_t title_first, title_last; /* 0 when no title was found */
    /* What the frame says; NULL when it does not say. All owned. */
    char *title;                    /* title lines joined, without the line breaks
                                       (whitespace runs become one space) */
    char *docno;                    /* 发文字号 as written */
    char *signer;                   /* the signature's bodies joined by one space
                                       ("中共中央 国务院"); only lines that name a
                                       body (…国务院, …办公厅, …人民政府, …委员会) */
    char date[11];                  /* 成文日期 "YYYY-MM-DD", "" when none */
} bgi_docframe;

/* Finds the frame of text[0..len) (UTF-8, one paragraph per line). *out is
 * overwritten; free it with bgi_docframe_clear. Returns 0 or BG_ENOMEM. */
int bgi_docframe_find(bgi_docframe *out, const char *text, size_t len, bgi_err *err);

/* The role of 1-based line, 0 when the line is no frame line. */
bgi_frame_role bgi_docframe_role(const bgi_docframe *fr, size_t line);

/* "title", "docno", … (static), for logs and tests. */
const char *bgi_frame_role_name(bgi_frame_role role);

/* Frees what fr owns and zeroes it; NULL allowed. */
void bgi_docframe_clear(bgi_docframe *fr);

/* The date written in[0..n) as a whole (surrounding whitespace allowed) as
 * "YYYY-MM-DD" into out (cap >= 11): "2023年3月5日", "2023年03月05日",
 * "二〇二三年三月五日" (〇 ○ 零 O accepted for zero), "2023-03-05",
 * "2023/3/5", "2023.3.5", full-width digits, and an ISO date followed by a
 * time ("2023-03-05 10:30"). Returns 0, or BG_EINVAL when it is no valid
 * date (out is then ""). */
int bgi_date_normalize(char *out, size_t cap, const char *in, size_t n);

/* The kind of document a title names by its last word, static: "通知",
 * "意见", "报告", "函", "令", … (a trailing note such as "（试行）" or
 * "（2021—2035年）" is skipped); "" when it names none. */
const char *bgi_doc_kind(const char *title);

/* bgi_docno_normalize, the form filters compare, is in store/scheme.h. */

#endif
