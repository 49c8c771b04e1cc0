/* meta.h — what report a file is: title, issuing body and year.
 *
 * Detection from the text (first lines), in this order:
 *   title  the first line if it looks like a title (short, no 。, e.g.
 *          "2023年中华人民共和国国务院政府工作报告" or a congress report title);
 *          otherwise built from the opening sentence ("现将2022年度法治政府建设情况
 *          报告如下" → "2022年度法治政府建设情况报告"); otherwise the file name
 *          without extension.
 *   year   a year (19xx/20xx) in the title; else the "现将YYYY年…报告如下" sentence;
 *          else a dated line near the top such as "（2017年10月18日）"; else the
 *          first plausible year in the first lines; else a year in the file name.
 *   body   the issuing body named in the title or the opening lines
 *          ("国务院" from "…国务院政府工作报告", "中国共产党中央委员会" from a
 *          congress report, "XX市XX区人民政府" …); "" when unknown.
 *
 * Override: a MANIFEST.tsv in the report's directory, tab-separated with the
 * header line "file\ttitle\tbody\tyear" (extra columns ignored), gives the
 * metadata for the files it names (by base name). Empty fields keep the
 * detected value. */
#ifndef BG_META_H
#define BG_META_H

#include <stddef.h>

#include "bg_err.h"

typedef struct bg_meta {
    char *title;   /* owned, never NULL after detection ("" if unknown) */
    char *body;    /* owned, never NULL after detection ("" if unknown) */
    int year;      /* 0 if unknown */
} bg_meta;

/* Detects metadata from the decoded UTF-8 text of a report and its file name
 * (used only as a last resort; may be NULL). Returns 0 or BG_ENOMEM. */
int bg_meta_detect(bg_meta *out, const char *text, size_t len, const char *filename, bg_err *err);

/* Frees the strings of m and zeroes it; NULL allowed. */
void bg_meta_clear(bg_meta *m);

typedef struct bg_manifest bg_manifest;

/* Loads a MANIFEST.tsv. Returns 0, BG_EIO (cannot read) or BG_EPARSE
 * ("MANIFEST.tsv:7: year 'x' is not a number"). */
int bg_manifest_load(bg_manifest **out, const char *path, bg_err *err);

/* Frees a manifest; NULL allowed. */
void bg_manifest_free(bg_manifest *mf);

/* Applies the manifest's entry for basename (if any) over m: non-empty
 * fields replace the detected ones. Returns 1 if an entry was found, 0 if
 * not, BG_ENOMEM on failure. */
int bg_manifest_apply(const bg_manifest *mf, const char *basename, bg_meta *m);

#endif
