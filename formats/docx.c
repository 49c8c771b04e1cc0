/* docx.c — bgi_read_docx(): an Office Open XML word-processing file (.docx,
 * from Word, WPS or LibreOffice) as one paragraph per line (document.h).
 *
 * Reading is bounded: the ZIP is opened in memory with libzip and a part is
 * refused when its declared size, or the bytes actually inflated, pass 256 MB,
 * when it inflates past the size its headers declare (a crafted bomb lies
 * there), or when past 16 MB it inflates more than 500 times its compressed
 * size (no real XML part does; a zip bomb does). The XML is parsed by libxml2
 * without network access, DTD loading or entity substitution, and without
 * XML_PARSE_HUGE, so its own limits (depth, text node size, entity
 * amplification) hold. An OLE2 file
 * is not a ZIP: with an "EncryptedPackage" stream it is a password-protected
 * DOCX, otherwise a legacy .doc; both are refused as BG_EDECODE.
 *
 * Parts are found through the package relationships (_rels/.rels, then the
 * main part's .rels) and fall back to the usual names (word/document.xml,
 * word/styles.xml, word/footnotes.xml, word/endnotes.xml, docProps/core.xml).
 *
 * Text, in document order:
 *   - each w:p is a paragraph: its w:t (and math m:t), w:tab/w:ptab as a tab,
 *     w:noBreakHyphen as '-', w:sym as its character (symbol-font private-use
 *     glyphs dropped). w:br/w:cr join the lines of one paragraph: nothing
 *     between non-ASCII (CJK) text, a space between ASCII words;
 *   - deleted text (w:del, w:moveFrom, w:delText) and content controls
 *     showing their placeholder prompt are skipped, inserted text
 *     (w:ins, w:moveTo) kept; field instructions (w:instrText) are skipped and
 *     field results kept, except a TOC field's result (a table of contents
 *     repeats the headings);
 *   - text boxes (w:txbxContent) give their own paragraphs, once: of an
 *     mc:AlternateContent only the first mc:Choice is read (the mc:Fallback
 *     copy only when there is no Choice);
 *   - a table row (w:tr) is one line, its cells joined by a tab; a cell's
 *     paragraphs are joined as line breaks are; a vertically merged
 *     continuation cell is empty; a nested table's cells are joined by spaces
 *     inside the outer cell; rows with no text are dropped, others keep
 *     their empty cells (a row line may start or end with a tab);
 *   - headers, footers and comments are not read; footnotes and then endnotes
 *     (not the separator notes) follow the body, one line each;
 *   - each paragraph and cell is trimmed of spaces, tabs, U+3000 and NBSP;
 *     CR/LF become spaces, other control characters are dropped; empty
 *     paragraphs are dropped.
 *
 * Heading level (bgi_para_info.level), body paragraphs outside tables only,
 * the first rule that says something wins:
 *   1. the paragraph's own w:outlineLvl (0..2 → level 1..3; 3..8 → none;
 *      9, "body text", → none and stop);
 *   2. its style, following w:basedOn (no w:pStyle: the default paragraph
 *      style): the style's w:outlineLvl as above, else a built-in heading
 *      name or id ("heading 1", "Heading1", "标题 1"…; 4..9 → none);
 *   3. direct formatting as GB/T 9704 documents use it, only for a short line
 *      (at most 40 characters, no tab, no 。 except as the last character) all
 *      of whose text runs agree: all in a 黑体 font (黑体, SimHei, STHeiti) → 1; all in
 *      a 楷体 font (楷体, 楷体_GB2312, KaiTi, STKaiti) → 2; all bold → 3 when the
 *      text starts with an Arabic item number ("1." "1．" "1、"), else 1.
 *      A run's font is its w:rFonts (w:eastAsia, else w:ascii, else w:hAnsi)
 *      and its boldness w:b, each taken from the run, else its character
 *      style, else the paragraph's style chain (document defaults and theme
 *      fonts are not consulted: they describe the body text).
 * The structure parser finds 一、（一）1. by text itself: a level is a hint,
 * so the rules prefer saying nothing to marking a body paragraph.
 *
 * Metadata: only meta.title, from docProps/core.xml dc:title when it is not
 * empty and not an application default ("Microsoft Word …", "Untitled"…).
 * Automatic numbering (numbering.xml: a heading's "一、" drawn by Word) is not
 * rendered.
 *
 * The reader's parts: zip_bounded.c reads the ZIP's parts with the bounds
 * above, docx_package.c finds them, docx_xml.c parses them and looks things
 * up, docx_body.c walks the body and the notes into paragraphs (docx_text.c
 * builds and cleans them), docx_styles.c says their heading levels; this
 * file refuses OLE2 files, reads the title and assembles the document. */
#include "document.h"
#include "baogao.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docx_priv.h"
#include "zip_bounded.h"

/* ---- metadata ---------------------------------------------------------- */

/* Titles applications write by themselves. */
static int is_default_title(const char *t)
{
    static const char *const defaults[] = {"untitled", "document", "word document", "title",
                                           "文档", "标题", "无标题", "新建 microsoft word 文档",
                                           "新建文档", "doc", "docx"};
    if (strncasecmp(t, "Microsoft Word", 14) == 0 || strncasecmp(t, "Microsoft Office", 16) == 0)
        return 1;
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
        if (strcasecmp(t, defaults[i]) == 0)
            return 1;
    return 0;
}

static int read_title(const xmlDoc *core, char **title)
{
    const xmlNode *root = core ? xmlDocGetRootElement((xmlDoc *)core) : NULL;
    for (const xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (!bgi_docx_is_el(c, "title") || !bgi_docx_ns_is(c, NS_DC, NULL))
            continue;
        xmlChar *raw = xmlNodeGetContent(c);
        if (!raw)
            return BG_ENOMEM;
        size_t n = bgi_docx_clean_line((char *)raw, strlen((char *)raw));
        int rc = 0;
        if (n && !is_default_title((char *)raw) && !(*title = bgi_strdup((char *)raw)))
            rc = BG_ENOMEM;
        xmlFree(raw);
        return rc;
    }
    return 0;
}

/* ---- the reader -------------------------------------------------------- */

static int is_ole2(const char *bytes, size_t n)
{
    return n >= 8 && memcmp(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0;
}

static int refuse_ole2(const char *bytes, size_t n, bgi_err *err)
{
    static const char name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
    if (memmem(bytes, n, name, sizeof name - 1))
        return bgi_err_set(err, BG_EDECODE, "encrypted DOCX (password required)");
    return bgi_err_set(err, BG_EDECODE, "not a DOCX: an OLE2 file (legacy Word .doc?)");
}

/* Parses the main part and reads the body, notes and title into o. */
static int read_package(zip_t *za, doc_out *o, bgi_doc_meta *meta, bgi_err *err)
{
    part_names names = {0};
    styles st = {0};
    xmlDoc *body = NULL, *notes = NULL, *core = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc = bgi_docx_locate_parts(za, &names, err);
    if (!rc)
        rc = bgi_zip_read_part(za, names.document, BG_ZIP_PART_CAP, &data, &len, err);
    if (!rc && !data)
        rc = bgi_err_set(err, BG_EDECODE, "DOCX without word/document.xml");
    if (!rc && !(body = bgi_docx_parse_xml(data, len)))
        rc = bgi_err_set(err, BG_EDECODE, "damaged DOCX: %s is not well-formed XML", names.document);
    free(data);
    if (!rc) {
        xmlDoc *style_doc;
        rc = bgi_docx_read_xml_part(za, names.styles, BG_ZIP_PART_CAP, &style_doc, err);
        if (!rc && bgi_docx_styles_load(&st, style_doc))
            rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    }

    if (!rc) {
        const xmlNode *root = xmlDocGetRootElement(body);
        const xmlNode *b = root ? bgi_docx_w_child(root, "body") : NULL;
        if (!b)
            rc = bgi_err_set(err, BG_EDECODE, "damaged DOCX: %s has no w:body", names.document);
        else
            bgi_docx_read_body(o, &st, b);
    }
    static const char *const kinds[2] = {"footnote", "endnote"};
    for (int i = 0; i < 2 && !rc && !o->rc; i++) {
        const char *part = i ? names.endnotes : names.footnotes;
        rc = bgi_docx_read_xml_part(za, part, BG_ZIP_PART_CAP, &notes, err);
        bgi_docx_read_notes(o, &st, notes, kinds[i]);
        xmlFreeDoc(notes);
        notes = NULL;
    }
    if (!rc && !o->rc)
        rc = bgi_docx_read_xml_part(za, names.core, BG_ZIP_SMALL_PART_CAP, &core, err);
    if (!rc && !o->rc && read_title(core, &meta->title))
        o->rc = BG_ENOMEM;
    if (!rc && o->rc)
        rc = bgi_err_set(err, o->rc, "out of memory reading DOCX");
    xmlFreeDoc(core);
    xmlFreeDoc(body);
    bgi_docx_styles_free(&st);
    bgi_docx_part_names_free(&names);
    return rc;
}

int bgi_read_docx(bgi_document *out, const char *bytes, size_t n, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    if (!bytes && n)
        return bgi_err_set(err, BG_EINVAL, "no DOCX bytes");
    if (is_ole2(bytes, n))
        return refuse_ole2(bytes, n, err);
    int rc = 0;
    zip_t *za = bgi_zip_open(bytes, n, err, &rc);
    if (!za)
        return rc;
    doc_out o = {0};
    rc = read_package(za, &o, &out->meta, err);
    zip_discard(za);
    if (!rc && !o.n)
        rc = bgi_err_set(err, BG_ESKIPPED, "DOCX without text (images only?)");
    if (!rc && !o.text.data && bgi_buf_append(&o.text, "", 0))
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    if (rc) {
        bgi_buf_free(&o.text);
        free(o.paras);
        bgi_document_clear(out);
        return rc;
    }
    out->format = BG_FORMAT_DOCX;
    out->text = o.text.data;
    out->len = o.text.len;
    out->paras = o.paras;
    out->n_paras = o.n;
    out->encoding = NULL;
    return 0;
}
