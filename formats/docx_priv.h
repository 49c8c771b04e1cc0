/* docx_priv.h — what the parts of the DOCX reader (bgi_read_docx, docx.c)
 * share: the document being built, namespaced XML lookups, the package's
 * part names, the styles and the heading rules, the body walk. Internal to
 * formats/. */
#ifndef BG_DOCX_PRIV_H
#define BG_DOCX_PRIV_H

#include <stddef.h>

#include <libxml/tree.h>
#include <zip.h>

#include "bgi_err.h"
#include "document.h"
#include "util.h"

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_MATH "http://schemas.openxmlformats.org/officeDocument/2006/math"
#define NS_MATH_STRICT "http://purl.oclc.org/ooxml/officeDocument/math"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define NS_DC "http://purl.org/dc/elements/1.1/"

/* A line-break placeholder inside a paragraph's raw text, resolved to a space
 * or nothing once both neighbours are known. */
#define BREAK_MARK '\x01'

/* ---- the document being built, text clean-up (docx_text.c) ------------- */

typedef struct doc_out {
    bgi_buf text;
    bgi_para_info *paras;
    size_t n, cap;
    int rc;                       /* first error (BG_ENOMEM), sticky */
} doc_out;

/* Appends s[0..n) to b; on failure o->rc says BG_ENOMEM. */
void bgi_docx_buf_add(doc_out *o, bgi_buf *b, const char *s, size_t n);
/* Adds a paragraph (none when n is 0). */
void bgi_docx_out_para(doc_out *o, const char *s, size_t n, int level);
/* Turns raw paragraph text into its line, in place: resolves line-break
 * marks, turns CR/LF into spaces, drops other control characters, trims.
 * Returns the new length. */
size_t bgi_docx_clean_line(char *s, size_t n);
/* Appends piece to a joined line (a cell, a footnote): sep between pieces,
 * or when sep is NULL as a line break joins: a space only between two
 * ASCII words. */
void bgi_docx_join_piece(doc_out *o, bgi_buf *b, const char *piece, size_t n, const char *sep);

/* ---- XML helpers (docx_xml.c) ------------------------------------------- */

/* Whether n's namespace is a (or b, when not NULL). */
int bgi_docx_ns_is(const xmlNode *n, const char *a, const char *b);
/* Whether n is an element of that local name, in any namespace. */
int bgi_docx_is_el(const xmlNode *n, const char *local);
/* A WordprocessingML element w:local (transitional or strict namespace). */
int bgi_docx_is_w(const xmlNode *n, const char *local);
/* The first child w:local of parent (NULL allowed). */
const xmlNode *bgi_docx_w_child(const xmlNode *parent, const char *local);
/* The value of attribute local (any or no namespace) without allocating;
 * NULL when absent (or n is NULL). */
const char *bgi_docx_attr(const xmlNode *n, const char *local);
/* An on/off property (w:b): present means on unless w:val says otherwise. */
int bgi_docx_on_off(const xmlNode *n);
/* w:val of a numeric child such as w:outlineLvl (at most 9); -1 when absent. */
int bgi_docx_int_val(const xmlNode *n);
/* Parses an XML part; NULL when it is not well-formed. Never touches the
 * network, loads no DTD, substitutes no entities, keeps libxml2's limits,
 * and reports nothing on stderr. */
xmlDoc *bgi_docx_parse_xml(const char *data, size_t n);

/* ---- package relationships (docx_package.c) ----------------------------- */

typedef struct part_names {
    char *document, *styles, *footnotes, *endnotes, *core;
} part_names;

void bgi_docx_part_names_free(part_names *p);
/* The names of the parts to read: from the relationships, else the usual
 * ones. */
int bgi_docx_locate_parts(zip_t *za, part_names *p, bgi_err *err);
/* Reads and parses an optional XML part; *doc stays NULL when it is absent
 * or not well-formed. */
int bgi_docx_read_xml_part(zip_t *za, const char *name, zip_uint64_t cap, xmlDoc **doc,
                          bgi_err *err);

/* ---- styles and heading levels (docx_styles.c) -------------------------- */

enum { FONT_UNSET = 0, FONT_OTHER, FONT_HEI, FONT_KAI };

typedef struct style {
    const char *id;          /* points into the styles document */
    const char *based_on;
    int outline;             /* w:outlineLvl 0..9, -1 none */
    int heading;             /* N of a built-in "heading N" name or id, 0 none */
    int bold;                /* -1 unset */
    int font;                /* FONT_* */
} style;

typedef struct styles {
    xmlDoc *doc;
    style *v;
    size_t n;
    const char *default_para;
} styles;

typedef struct para {
    bgi_buf raw;
    const char *pstyle;
    int n_runs, all_bold, all_hei, all_kai;
} para;

typedef struct run_fmt {
    int bold, font;
} run_fmt;

/* Indexes the styles of doc (NULL allowed), which st then owns. 0 or
 * BG_ENOMEM. */
int bgi_docx_styles_load(styles *st, xmlDoc *doc);
void bgi_docx_styles_free(styles *st);
/* Bold and font of run, from the run, its character style, else the
 * paragraph style chain of pstyle. */
run_fmt bgi_docx_run_format(const styles *st, const xmlNode *run, const char *pstyle);
/* Heading level 1..3 of a body paragraph whose properties are ppr and whose
 * cleaned text is line[0..n), 0 for none (docx.c's comment has the rules). */
int bgi_docx_paragraph_level(const styles *st, const xmlNode *ppr, const para *p,
                            const char *line, size_t n);

/* ---- the body walk (docx_body.c) ---------------------------------------- */

/* Reads the paragraphs and tables of w:body into o. */
void bgi_docx_read_body(doc_out *o, const styles *st, const xmlNode *body);
/* Footnotes or endnotes (element note in root notes; doc NULL allowed), one
 * line each, in the part's order; separator notes skipped. */
void bgi_docx_read_notes(doc_out *o, const styles *st, const xmlDoc *doc, const char *note);

#endif
