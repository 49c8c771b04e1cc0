/* document.h — a published document as paragraphs: what every format reader
 * (txt, HTML, PDF, DOCX, legacy .doc/.wps) hands the indexer.
 *
 * The indexer's structure parser reads one paragraph per line, so a reader's
 * whole job is to turn its format into that: clean UTF-8 text, one paragraph
 * per line ('\n' between paragraphs, never inside one), plus what the format
 * knows about each paragraph that plain text cannot say (its page, a heading
 * level set by a style) and the metadata the source states outside the body
 * (a portal's metadata table, a DOCX's core properties).
 *
 * Paragraph i (0-based) is line i + 1 of text: that is the "line" a passage
 * of a format without lines reports.
 *
 * This folder depends only on common/ (and the libraries it wraps: ICU,
 * libxml2, poppler-glib, libzip). */
#ifndef BG_DOCUMENT_H
#define BG_DOCUMENT_H

#include <stddef.h>

#include "bgi_err.h"

typedef enum bgi_format {
    BG_FORMAT_UNKNOWN = 0,
    BG_FORMAT_TXT,
    BG_FORMAT_HTML,
    BG_FORMAT_PDF,
    BG_FORMAT_DOCX,
    BG_FORMAT_DOC,     /* legacy Word (OLE2), read through an external converter */
    BG_FORMAT_WPS,     /* legacy WPS (OLE2), likewise */
} bgi_format;

/* What a reader knows of one paragraph beyond its text. */
typedef struct bgi_para_info {
    int page;          /* 1-based page it starts on (PDF); 0 when the format has none */
    int level;         /* heading level 1..3 the source marks by style or outline
                          (DOCX Heading 1..3, outline levels, 黑体/楷体/bold direct
                          formatting; HTML h1..h3 inside the article); 0 = none:
                          the structure parser still finds 一、（一）1. itself */
} bgi_para_info;

/* Metadata the source states outside the body text; each field is NULL when
 * the source does not say. Strings are trimmed UTF-8, owned by the document. */
typedef struct bgi_doc_meta {
    char *title;       /* portal 标题 field, else <title> without site suffix
                          ("…_中国政府网"), DOCX core title */
    char *body;        /* 发文机关 */
    char *date;        /* 成文日期 as written ("2023年03月05日", "2023-03-05") */
    char *docno;       /* 发文字号 ("国发〔2023〕1号") */
    char *published;   /* 发布日期 as written */
    char *subject;     /* 主题分类 */
    char *index_no;    /* 索引号 */
} bgi_doc_meta;

typedef struct bgi_document {
    bgi_format format;
    char *text;              /* UTF-8, NUL-terminated, paragraphs joined by '\n'; owned */
    size_t len;              /* byte length of text */
    bgi_para_info *paras;     /* n_paras entries, one per line of text; owned; may be
                                NULL when every entry would be zero (plain text) */
    size_t n_paras;
    bgi_doc_meta meta;
    const char *encoding;    /* static: the source's character set when it had one
                                ("UTF-8", "GB18030", …), else NULL */
    size_t n_pages;          /* PDF: pages read; 0 otherwise */
    size_t n_replaced;       /* plain text: invalid sequences replaced by U+FFFD */
    size_t first_bad_line;   /* plain text: 1-based line of the first one, 0 if none */
} bgi_document;

/* The format of bytes[0..n), from the content first (%PDF-, a ZIP holding
 * word/document.xml, the OLE2 signature, HTML markup), then from name's
 * extension (may be NULL); plain text otherwise. BG_FORMAT_UNKNOWN for a ZIP
 * or OLE2 file that is no document baogao reads (.xlsx, .xls, .zip). */
bgi_format bgi_format_detect(const char *bytes, size_t n, const char *name);
/* "txt", "html", "pdf", "docx", "doc", "wps", "unknown" (static). */
const char *bgi_format_name(bgi_format f);
/* The format a name's extension says, BG_FORMAT_UNKNOWN for others. */
bgi_format bgi_format_from_name(const char *name);
/* Whether a directory walk takes a file of this name (.txt .htm .html
 * .shtml .xhtml .pdf .docx .doc .wps, any case). */
int bgi_format_supported_name(const char *name);

/* Reads bytes[0..n) of format f (bgi_format_detect) into *out: the dispatch to
 * the readers below (read.c). Plain text goes through decode.h and becomes
 * one paragraph per line as it stands. */
int bgi_read_document(bgi_document *out, bgi_format f, const char *bytes, size_t n, bgi_err *err);

/* Frees everything a document owns and zeroes it; NULL allowed. */
void bgi_document_clear(bgi_document *doc);

/* Each reader parses bytes[0..n) into *out (zeroed by the caller). On
 * failure it returns a negative BG_E* code, frees what it made, and err->msg
 * says why in one line without the file name (the caller prefixes it):
 *   BG_EDECODE  damaged or unreadable ("not a PDF: damaged xref table",
 *               "encrypted PDF", "DOCX without word/document.xml")
 *   BG_ETOOBIG  a resource bound was hit ("DOCX part word/document.xml
 *               inflates past 256 MB (zip bomb?)")
 *   BG_ESKIPPED  nothing to index that this reader can ever find ("scanned PDF
 *               without a text layer (OCR is not supported)")
 *   BG_ENOMEM
 * Readers never print. */
int bgi_read_html(bgi_document *out, const char *bytes, size_t n, bgi_err *err);
int bgi_read_pdf(bgi_document *out, const char *bytes, size_t n, bgi_err *err);
int bgi_read_docx(bgi_document *out, const char *bytes, size_t n, bgi_err *err);
/* Legacy .doc / .wps through an external converter when one is installed
 * (antiword or catdoc for .doc; LibreOffice's soffice for both); otherwise
 * BG_ESKIPPED naming the package that would read it (legacy.c). */
int bgi_read_legacy(bgi_document *out, bgi_format f, const char *bytes, size_t n, bgi_err *err);

#endif
