/* meta.h — what report a file is: title, issuing body, year, and for an
 * official document (GB/T 9704-2012 党政机关公文格式) its 成文日期, 发文字号
 * and kind.
 *
 * Detection from the text (its first 20 non-blank lines, at most 64 KiB), in
 * this order:
 *   title  the first line if it looks like a title (at most 80 characters, no
 *          。！？；, not ending in ：or ，, not starting like a heading, e.g.
 *          "2023年中华人民共和国国务院政府工作报告" or a congress report title,
 *          whose trailing note "(十八大)" is dropped); otherwise built from the
 *          opening sentence ("现将2022年度法治政府建设情况报告如下" →
 *          "2022年度法治政府建设情况报告", prefixed with the place of a local
 *          government found as the body: "韶关市曲江区2022年度…"); otherwise
 *          the file name without directory and extension ("" without one).
 *   year   a year (19xx/20xx) in the title; else the "现将YYYY年…报告如下"
 *          sentence; else a dated line near the top (at most 40 characters,
 *          with a full date such as "（2017年10月18日）"); else, for a report to
 *          a national congress of the CPC, the year of that congress (the
 *          congress comes from "第十九次全国代表大会上的报告", "我代表第十七届中央
 *          委员会向大会作报告" (+1) or a title note "(十八大)"); else the first
 *          "YYYY年" in the first 5 lines; else the last year in the file name.
 *   body   "国务院" when the title names it (or an opening line says
 *          "我代表国务院"); "中国共产党中央委员会" for a congress report; else
 *          the most specific "<place>人民政府" (place ending in 省市区县州旗盟镇乡,
 *          at least three characters) in the title or the opening lines, e.g.
 *          "韶关市曲江区人民政府"; "" when unknown.
 *
 * Official documents (docframe.h finds their frame: a 发文字号 line, or a
 * title naming a kind of document with 关于, an addressee or a signature
 * date) follow their frame instead:
 *   title  the title lines at the top joined without the line breaks
 *          ("国务院办公厅关于…" + "…的意见").
 *   body   the bodies of the signature ("中共中央 国务院" for a joint one:
 *          one space between bodies, as titles write them); else the bodies
 *          named at the start of the title, before 关于/印发/转发
 *          ("中共中央办公厅 国务院办公厅关于…" → "中共中央办公厅 国务院办公厅");
 *          else the rules above.
 *   date   the date line right under the signature ("2023年3月5日",
 *          "二〇二三年三月五日") as "YYYY-MM-DD"; NULL when the document ends
 *          without one: a date in the text is never taken for it. Any text
 *          may carry a signature and date at its end (a local report signed
 *          "某某县人民政府" then dated): the date is taken then too.
 *   docno  the 发文字号 line at the top, as written; NULL when none.
 *   year   the year of the date; without a date, that of the 发文字号
 *          (〔2023〕), else the year in the title, else 0 — never one from
 *          the text. But a report keeps the year it is about, also when a
 *          date is known: a 报告 whose title names a year takes that year
 *          ("关于2022年度…情况的报告" dated 2023-01-16 is 2022), and a
 *          政府工作报告, a congress report and a report titled from its
 *          现将…报告如下 sentence keep the rules above. A text that is no
 *          official document takes the year of a date it states (its
 *          signature, or the source's 成文日期), else the rules above.
 *   kind   the title's last word (通知, 意见, 报告, 函, 令, …, see
 *          bgi_doc_kind), "" when it names none.
 * What the source states outside its text (bgi_doc_meta: a portal's 标题,
 * 发文机关, 成文日期, 发文字号) beats all of this, field by field.
 *
 * Override: a MANIFEST.tsv in the report's directory, tab-separated with the
 * header line "file\ttitle\tbody\tyear" (columns are found by these names, in
 * any order; extra columns are ignored; a first row with no column named
 * "file" is data, read as file, title, body, year), gives the metadata for
 * the files it names (by base name; a directory in the file column is
 * ignored). Optional columns "date" (a date in any form bgi_date_normalize
 * reads) and "docno" are found by name only. Empty fields keep the detected
 * value; a title given recomputes the kind; a date given does not change the
 * year (give the year too). Blank lines and lines
 * starting with # are skipped; CRLF line ends and a UTF-8 BOM are accepted. A
 * year must be a four-digit number; a row without a file name or a file named
 * twice is an error. */
#ifndef BG_META_H
#define BG_META_H

#include <stddef.h>

#include "bgi_err.h"

struct bgi_doc_meta; /* document.h */

typedef struct bgi_meta {
    char *title;   /* owned, never NULL after detection ("" if unknown) */
    char *body;    /* owned, never NULL after detection ("" if unknown) */
    int year;      /* 0 if unknown */
    char *date;    /* 成文日期 "YYYY-MM-DD", owned; NULL if the document states none */
    char *docno;   /* 发文字号 as written, owned; NULL if none */
    char *kind;    /* owned, never NULL after detection: "通知", … or "" */
} bgi_meta;

/* Detects metadata from the decoded UTF-8 text of a report and its file name
 * (used only as a last resort; may be NULL). Same as bgi_meta_detect_doc with
 * nothing stated. Returns 0 or BG_ENOMEM. */
int bgi_meta_detect(bgi_meta *out, const char *text, size_t len, const char *filename, bgi_err *err);

/* Detects metadata as bgi_meta_detect, then lets what the source states
 * (stated, may be NULL; each field may be NULL) win: a non-empty title, body
 * and docno as given (trimmed), a date that bgi_date_normalize reads (one it
 * cannot read is ignored). The year follows a stated date as it follows a
 * detected one. frame is the text's official frame (bgi_docframe_find) when
 * the caller has it, NULL to have it found here. Returns 0 or BG_ENOMEM. */
struct bgi_docframe;
int bgi_meta_detect_doc(bgi_meta *out, const char *text, size_t len, const char *filename,
                       const struct bgi_doc_meta *stated, const struct bgi_docframe *frame, bgi_err *err);

/* Frees the strings of m and zeroes it; NULL allowed. */
void bgi_meta_clear(bgi_meta *m);

typedef struct bgi_manifest bgi_manifest;

/* Loads a MANIFEST.tsv. Returns 0, BG_EIO (cannot read), BG_ENOMEM or
 * BG_EPARSE; parse errors start with the path as given and the line number
 * ("corpus/MANIFEST.tsv:7: year 'x' is not a number"). */
int bgi_manifest_load(bgi_manifest **out, const char *path, bgi_err *err);

/* Frees a manifest; NULL allowed. */
void bgi_manifest_free(bgi_manifest *mf);

/* Applies the manifest's entry for basename (if any) over m: non-empty
 * fields replace the detected ones. Returns 1 if an entry was found, 0 if
 * not, BG_ENOMEM on failure. */
int bgi_manifest_apply(const bgi_manifest *mf, const char *basename, bgi_meta *m);

#endif
