/* docx_body.c — the DOCX body walk: paragraphs with their runs, fields,
 * symbols and text boxes, tables as one line per row, then footnotes and
 * endnotes, in document order (the rules are in docx.c's opening comment,
 * under "Text"). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docx_priv.h"

#define FIELD_DEPTH_MAX 32
#define INSTR_MAX 64

enum { FIELD_INSTR, FIELD_RESULT, FIELD_HIDDEN };

typedef struct field {
    int phase;
    char instr[INSTR_MAX];        /* the instruction's start: enough to tell a TOC */
    size_t instr_len;
} field;

typedef struct walker {
    doc_out *out;
    const styles *st;
    field field[FIELD_DEPTH_MAX];
    int n_fields, overflow_fields;
} walker;

static int text_hidden(const walker *w)
{
    for (int i = 0; i < w->n_fields; i++)
        if (w->field[i].phase == FIELD_HIDDEN)
            return 1;
    return w->n_fields && w->field[w->n_fields - 1].phase == FIELD_INSTR;
}

static void field_char(walker *w, const xmlNode *fld)
{
    const char *type = bgi_docx_attr(fld, "fldCharType");
    if (!type)
        return;
    if (strcmp(type, "begin") == 0) {
        if (w->n_fields == FIELD_DEPTH_MAX) {
            w->overflow_fields++;
            return;
        }
        w->field[w->n_fields].phase = FIELD_INSTR;
        w->field[w->n_fields].instr_len = 0;
        w->n_fields++;
    } else if (strcmp(type, "separate") == 0 && w->n_fields && !w->overflow_fields) {
        field *f = &w->field[w->n_fields - 1];
        size_t i = 0;
        while (i < f->instr_len && f->instr[i] == ' ')
            i++;
        int toc = f->instr_len - i >= 3 && strncasecmp(f->instr + i, "TOC", 3) == 0;
        f->phase = toc ? FIELD_HIDDEN : FIELD_RESULT;
    } else if (strcmp(type, "end") == 0) {
        if (w->overflow_fields)
            w->overflow_fields--;
        else if (w->n_fields)
            w->n_fields--;
    }
}

static void field_instr(walker *w, const char *text)
{
    if (!w->n_fields || w->overflow_fields)
        return;
    field *f = &w->field[w->n_fields - 1];
    size_t n = strlen(text);
    if (n > INSTR_MAX - 1 - f->instr_len)
        n = INSTR_MAX - 1 - f->instr_len;
    memcpy(f->instr + f->instr_len, text, n);
    f->instr_len += n;
}

/* A field without a result ends in its paragraph; one whose instruction part
 * never ended must not hide the rest of the document. */
static void fields_end_paragraph(walker *w)
{
    while (w->n_fields && w->field[w->n_fields - 1].phase == FIELD_INSTR)
        w->n_fields--;
    w->overflow_fields = 0;
}

static void add_text(walker *w, para *p, const run_fmt *fmt, const char *s, size_t n)
{
    if (!n || text_hidden(w))
        return;
    bgi_docx_buf_add(w->out, &p->raw, s, n);
    int blank = 1;
    for (size_t i = 0; i < n && blank; i++)
        blank = s[i] == ' ' || s[i] == '\t';
    if (blank || !fmt)
        return;
    p->n_runs++;
    p->all_bold &= fmt->bold > 0;
    p->all_hei &= fmt->font == FONT_HEI;
    p->all_kai &= fmt->font == FONT_KAI;
}

static void add_node_text(walker *w, para *p, const run_fmt *fmt, const xmlNode *t)
{
    for (const xmlNode *c = t->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            add_text(w, p, fmt, (const char *)c->content, strlen((const char *)c->content));
}

/* w:sym's character; symbol-font glyphs in the private use area (F000..F0FF)
 * mean nothing outside that font. */
static void add_symbol(walker *w, para *p, const run_fmt *fmt, const xmlNode *sym)
{
    const char *hex = bgi_docx_attr(sym, "char");
    if (!hex)
        return;
    unsigned long cp = strtoul(hex, NULL, 16);
    char u[4];
    size_t n;
    if (cp < 0x20 || (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0xE000 && cp <= 0xF8FF) || cp > 0xFFFF)
        return;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    }
    add_text(w, p, fmt, u, n);
}

/* The branch of an mc:AlternateContent to read: its first mc:Choice, else
 * its mc:Fallback. */
static const xmlNode *alternate_branch(const xmlNode *alt)
{
    const xmlNode *fallback = NULL;
    for (const xmlNode *c = alt->children; c; c = c->next) {
        if (bgi_docx_is_el(c, "Choice") && bgi_docx_ns_is(c, NS_MC, NULL))
            return c;
        if (bgi_docx_is_el(c, "Fallback") && bgi_docx_ns_is(c, NS_MC, NULL) && !fallback)
            fallback = c;
    }
    return fallback;
}

static int is_alternate(const xmlNode *n)
{
    return bgi_docx_is_el(n, "AlternateContent") && bgi_docx_ns_is(n, NS_MC, NULL);
}

/* A content control showing its placeholder ("单击此处输入文字。"): the
 * text is the template's prompt, not the document's. */
static int is_placeholder(const xmlNode *sdt)
{
    return bgi_docx_w_child(bgi_docx_w_child(sdt, "sdtPr"), "showingPlcHdr") != NULL;
}

/* Elements whose content is never text of the document. */
static int is_skipped(const xmlNode *n)
{
    static const char *const names[] = {"pPr", "rPr", "sectPr", "del", "moveFrom", "delText",
                                        "tblPr", "tblGrid", "trPr", "tcPr", "sdtPr", "sdtEndPr",
                                        "footnoteReference", "endnoteReference", "commentReference"};
    if (n->type != XML_ELEMENT_NODE || !bgi_docx_ns_is(n, NS_W, NS_W_STRICT))
        return 0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp((const char *)n->name, names[i]) == 0)
            return 1;
    return strcmp((const char *)n->name, "sdt") == 0 && is_placeholder(n);
}

static void walk_blocks(walker *w, const xmlNode *parent, bgi_buf *sink);
static void do_paragraph(walker *w, const xmlNode *pnode, bgi_buf *sink);

/* Inline content of a paragraph: runs, hyperlinks, fields, insertions,
 * content controls, drawings holding text boxes. */
static void walk_inline(walker *w, const xmlNode *parent, para *p, const run_fmt *fmt, bgi_buf *sink)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                walk_inline(w, b, p, fmt, sink);
        } else if (bgi_docx_is_el(c, "t") && bgi_docx_ns_is(c, NS_W, NS_W_STRICT)) {
            add_node_text(w, p, fmt, c);
        } else if (bgi_docx_is_el(c, "t") && bgi_docx_ns_is(c, NS_MATH, NS_MATH_STRICT)) {
            add_node_text(w, p, fmt, c);
        } else if (!bgi_docx_ns_is(c, NS_W, NS_W_STRICT)) {
            walk_inline(w, c, p, fmt, sink);
        } else if (bgi_docx_is_el(c, "r")) {
            run_fmt f = bgi_docx_run_format(w->st, c, p->pstyle);
            walk_inline(w, c, p, &f, sink);
        } else if (bgi_docx_is_el(c, "tab") || bgi_docx_is_el(c, "ptab")) {
            add_text(w, p, NULL, "\t", 1);
        } else if (bgi_docx_is_el(c, "br") || bgi_docx_is_el(c, "cr")) {
            char mark = BREAK_MARK;
            add_text(w, p, NULL, &mark, 1);
        } else if (bgi_docx_is_el(c, "noBreakHyphen")) {
            add_text(w, p, fmt, "-", 1);
        } else if (bgi_docx_is_el(c, "sym")) {
            add_symbol(w, p, fmt, c);
        } else if (bgi_docx_is_el(c, "fldChar")) {
            field_char(w, c);
        } else if (bgi_docx_is_el(c, "instrText")) {
            for (const xmlNode *t = c->children; t; t = t->next)
                if (t->type == XML_TEXT_NODE && t->content)
                    field_instr(w, (const char *)t->content);
        } else if (bgi_docx_is_el(c, "txbxContent")) {
            walk_blocks(w, c, sink);
        } else if (bgi_docx_is_el(c, "p")) {
            /* a paragraph where inline content was expected (damaged or
             * unusual nesting): read it as its own paragraph */
            do_paragraph(w, c, sink);
        } else {
            walk_inline(w, c, p, fmt, sink);
        }
    }
}

static void do_paragraph(walker *w, const xmlNode *pnode, bgi_buf *sink)
{
    const xmlNode *ppr = bgi_docx_w_child(pnode, "pPr");
    para p = {.all_bold = 1, .all_hei = 1, .all_kai = 1};
    p.pstyle = bgi_docx_attr(bgi_docx_w_child(ppr, "pStyle"), "val");
    if (!p.pstyle)
        p.pstyle = w->st->default_para;
    walk_inline(w, pnode, &p, NULL, sink);
    fields_end_paragraph(w);
    if (p.raw.len && !w->out->rc) {
        size_t n = bgi_docx_clean_line(p.raw.data, p.raw.len);
        if (sink)
            bgi_docx_join_piece(w->out, sink, p.raw.data, n, NULL);
        else
            bgi_docx_out_para(w->out, p.raw.data, n,
                             bgi_docx_paragraph_level(w->st, ppr, &p, p.raw.data, n));
    }
    bgi_buf_free(&p.raw);
}

/* A w:tcPr/w:vMerge without w:val="restart" continues the cell above. */
static int is_merge_continuation(const xmlNode *tc)
{
    const xmlNode *vm = bgi_docx_w_child(bgi_docx_w_child(tc, "tcPr"), "vMerge");
    const char *v = vm ? bgi_docx_attr(vm, "val") : NULL;
    return vm && !(v && strcmp(v, "restart") == 0);
}

static void do_table(walker *w, const xmlNode *tbl, bgi_buf *sink);

/* The cells of a row (some may sit inside content controls). */
static void collect_cells(walker *w, const xmlNode *parent, bgi_buf *line, int *n_cells,
                          const char *sep)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (bgi_docx_is_w(c, "tc")) {
            bgi_buf cell = {0};
            if (!is_merge_continuation(c))
                walk_blocks(w, c, &cell);
            if ((*n_cells)++)
                bgi_docx_buf_add(w->out, line, sep, strlen(sep));
            if (cell.len) {
                size_t n = bgi_docx_clean_line(cell.data, cell.len);
                for (size_t i = 0; i < n; i++)
                    if (cell.data[i] == '\t')
                        cell.data[i] = ' ';  /* tabs separate cells */
                bgi_docx_buf_add(w->out, line, cell.data, n);
            }
            bgi_buf_free(&cell);
        } else if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                collect_cells(w, b, line, n_cells, sep);
        } else {
            collect_cells(w, c, line, n_cells, sep);
        }
    }
}

static void do_row(walker *w, const xmlNode *tr, bgi_buf *sink)
{
    bgi_buf line = {0};
    int n_cells = 0;
    collect_cells(w, tr, &line, &n_cells, sink ? " " : "\t");
    if (line.len && !w->out->rc) {
        if (sink)
            bgi_docx_join_piece(w->out, sink, line.data, bgi_docx_clean_line(line.data, line.len),
                               NULL);
        else if (strspn(line.data, "\t") < line.len)
            bgi_docx_out_para(w->out, line.data, line.len, 0); /* untrimmed: tabs keep the columns */
    }
    bgi_buf_free(&line);
}

static void walk_rows(walker *w, const xmlNode *parent, bgi_buf *sink)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (bgi_docx_is_w(c, "tr")) {
            do_row(w, c, sink);
        } else if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                walk_rows(w, b, sink);
        } else if (!bgi_docx_is_w(c, "tbl")) {
            walk_rows(w, c, sink);
        }
    }
}

static void do_table(walker *w, const xmlNode *tbl, bgi_buf *sink)
{
    walk_rows(w, tbl, sink);
}

/* Block content: the body, a cell, a text box, a note. Paragraphs go to sink
 * (joined) when there is one, else to the document. */
static void walk_blocks(walker *w, const xmlNode *parent, bgi_buf *sink)
{
    for (const xmlNode *c = parent->children; c && !w->out->rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_skipped(c))
            continue;
        if (bgi_docx_is_w(c, "p")) {
            do_paragraph(w, c, sink);
        } else if (bgi_docx_is_w(c, "tbl")) {
            do_table(w, c, sink);
        } else if (is_alternate(c)) {
            const xmlNode *b = alternate_branch(c);
            if (b)
                walk_blocks(w, b, sink);
        } else {
            walk_blocks(w, c, sink);
        }
    }
}

/* Footnotes or endnotes (element note in root notes), one line each, in the
 * part's order; separator notes skipped. */
static void walk_notes(walker *w, const xmlDoc *doc, const char *note)
{
    const xmlNode *root = doc ? xmlDocGetRootElement((xmlDoc *)doc) : NULL;
    for (const xmlNode *c = root ? root->children : NULL; c && !w->out->rc; c = c->next) {
        if (!bgi_docx_is_w(c, note))
            continue;
        const char *type = bgi_docx_attr(c, "type");
        if (type && strcmp(type, "normal") != 0)
            continue;
        bgi_buf line = {0};
        w->n_fields = w->overflow_fields = 0;
        walk_blocks(w, c, &line);
        if (line.len && !w->out->rc)
            bgi_docx_out_para(w->out, line.data, bgi_docx_clean_line(line.data, line.len), 0);
        bgi_buf_free(&line);
    }
}

void bgi_docx_read_body(doc_out *o, const styles *st, const xmlNode *body)
{
    walker w = {.out = o, .st = st};
    walk_blocks(&w, body, NULL);
}

void bgi_docx_read_notes(doc_out *o, const styles *st, const xmlDoc *doc, const char *note)
{
    walker w = {.out = o, .st = st};
    walk_notes(&w, doc, note);
}
