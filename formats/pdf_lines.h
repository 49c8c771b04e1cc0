/* pdf_lines.h — the PDF reader's two halves and what passes between them:
 * pdf.c turns each page's characters into positioned text lines, pdf_lines.c
 * turns the lines of the whole document into paragraphs (dropping running
 * headers, footers and page numbers on the way). Internal to formats/. */
#ifndef BG_PDF_LINES_H
#define BG_PDF_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "bgi_err.h"
#include "document.h"
#include "util.h"

/* One line (or one part of a line set apart by a wide gap) of one page.
 * Coordinates are PDF points with y growing downwards from the page top. */
typedef struct bgi_pdf_line {
    size_t off, len;          /* its cleaned UTF-8 text: chars.data[off..off+len) */
    double x1, y1, x2, y2;    /* bounding box of its characters */
    double em;                /* font size estimate: width of its full-width characters */
    int page;                 /* 1-based */
    int dropped;              /* header, footer or page number */
} bgi_pdf_line;

typedef struct bgi_pdf_lines {
    bgi_pdf_line *v;
    size_t n, cap;
    bgi_buf chars;             /* every line's text, back to back */
    double *page_h;           /* page heights, n_pages entries */
    double *page_w;
    size_t n_pages;
} bgi_pdf_lines;

void bgi_pdf_lines_free(bgi_pdf_lines *ls);

/* Appends a line whose text is text[0..n); 0 or BG_ENOMEM. */
int bgi_pdf_lines_push(bgi_pdf_lines *ls, const char *text, size_t n, double x1, double y1,
                      double x2, double y2, double em, int page);

/* Marks running headers and footers and page numbers as dropped. 0 or BG_ENOMEM. */
int bgi_pdf_drop_furniture(bgi_pdf_lines *ls);

/* Builds out->text and out->paras from the lines not dropped. 0, BG_ENOMEM,
 * or BG_ESKIPPED when no text is left (a scan). */
int bgi_pdf_paragraphs(const bgi_pdf_lines *ls, bgi_document *out, bgi_err *err);

/* Character classes the two halves share. */
int bgi_pdf_is_wide(uint32_t c);      /* CJK ideographs, kana, hangul, full-width forms and CJK punctuation */
int bgi_pdf_is_latin_alnum(uint32_t c);

/* Decodes the UTF-8 character at s[*i] (well-formed input) and advances *i. */
uint32_t bgi_pdf_utf8_next(const char *s, size_t n, size_t *i);

#endif
