/* html.c — bgi_read_html: a published web page (a government portal's article
 * page, typically) as the paragraphs of its article plus the metadata the
 * portal states around it. This file runs the steps and assembles the
 * document; each step has a file of its own (shared records: html_priv.h):
 *   1. Charset (html_charset.c): the page is converted to UTF-8 and libxml2
 *      is told so, with the document's own declaration ignored.
 *   2. libxml2's HTML parser (recovering, no network, silent) builds a tree;
 *      every walk over it is iterative (html_tree.c).
 *   3. Numbering (html_tree.c): each element gets a record in pre-order;
 *      script/style/form controls/hidden elements are not numbered and
 *      never looked into.
 *   4. Statistics per subtree and the labels of a portal's metadata table
 *      (html_classify.c, html_labels.c).
 *   5. Decisions (html_classify.c): metadata blocks, site chrome, data
 *      tables.
 *   6. Lines (html_lines.c): the text cut at block boundaries and <br>,
 *      whitespace collapsed (html_text.c), indentation trimmed.
 *   7. Main content (html_content.c): the element whose lines score best as
 *      prose is the article, taken whole; furniture inside it is dropped.
 *   8. Output (here): the article's title (html_title.c) as the first line,
 *      its <br>-split pieces joined; then the article's lines without
 *      boilerplate (source/date/font-size info lines, share and print bars,
 *      lists of links, a repeat of the title).
 *
 * Heading levels (bgi_para_info.level): the title line has level 0 (it is
 * metadata and the first line). Inside the article, <h1>..<h6> lines get
 * levels by rank among the heading tags the article uses (its highest tag
 * 1, the next 2, deeper ones 3), so an article written with h2/h3 and one
 * written with h3/h4 come out alike; when more than half the article's
 * lines are headings the tags are decoration and no levels are set. The
 * indexer's structure parser still finds 一、（一）1. itself.
 *
 * Metadata (bgi_doc_meta, html_meta.c) comes from the metadata block; missing
 * fields from <meta name="ArticleTitle|PubDate|ContentSource">, and the
 * title last from <title> with the site name cut off, or from the title
 * line.
 *
 * Resources are bounded: at most 64 MB of page and two million tags; a page
 * nested past libxml2's depth limit is parsed again without the limit only
 * when it has few tags. */
#include "document.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "baogao.h"
#include "html_priv.h"
#include "xml_init.h"

#define HTML_MAX_BYTES ((size_t)64 << 20)
/* More tags than this is no web page (a 50 MB page of paragraphs has about
 * half a million); each element costs ~450 bytes here and in libxml2, so
 * this bounds the tree to about 1 GB. */
#define HTML_MAX_TAGS 2000000
/* libxml2's depth limit without XML_PARSE_HUGE (xmlParserMaxDepth). */
#define HTML_PARSER_MAX_DEPTH 256
/* A page nested past libxml2's depth limit is parsed again without it only
 * below this many tags (see bgi_read_html). */
#define HTML_HUGE_MAX_TAGS 20000

/* Heading levels by rank among the h-tags the article uses (see the file
 * comment). */
static void rank_headings(const reader *r, const size_t *out_lines, size_t n_out, size_t title_idx,
                          bgi_para_info *paras)
{
    bool used[7] = {false};
    size_t n_headings = 0;
    for (size_t i = 0; i < n_out; i++) {
        unsigned h = r->lines[out_lines[i]].heading;
        if (i != title_idx && h) {
            used[h] = true;
            n_headings++;
        }
    }
    if (n_headings * 2 > n_out)
        return;
    int rank_of[7] = {0};
    int rank = 0;
    for (int h = 1; h <= 6; h++)
        if (used[h])
            rank_of[h] = ++rank > 3 ? 3 : rank;
    for (size_t i = 0; i < n_out; i++) {
        unsigned h = r->lines[out_lines[i]].heading;
        if (i != title_idx && h)
            paras[i].level = rank_of[h];
    }
}

static int emit(bgi_document *out, reader *r, const size_t *sel, size_t n_sel, size_t title_idx,
                const title_span *ts)
{
    bgi_buf text = {0};
    bgi_para_info *paras = calloc(n_sel, sizeof *paras);
    if (!paras)
        return bgi_html_oom(r);
    for (size_t i = 0; i < n_sel; i++) {
        if (i && bgi_buf_append(&text, "\n", 1))
            goto nomem;
        if (i == title_idx) {
            /* the title's pieces, joined as one paragraph */
            joiner j;
            bgi_html_joiner_start(&j, &text);
            for (size_t c = 0; c < ts->count; c++) {
                const line *l = &r->lines[ts->first + c];
                const unsigned char *s = (const unsigned char *)line_text(r, l);
                j.pending_space = c > 0;
                for (size_t k = 0; k < l->len;)
                    if (bgi_html_joiner_put(&j, bgi_html_next_cp(s, l->len, &k)) == BG_ENOMEM)
                        goto nomem;
            }
        } else {
            const line *l = &r->lines[sel[i]];
            if (bgi_buf_append(&text, line_text(r, l), l->len))
                goto nomem;
        }
    }
    rank_headings(r, sel, n_sel, title_idx, paras);
    out->text = text.data;
    out->len = text.len;
    out->paras = paras;
    out->n_paras = n_sel;
    return 0;
nomem:
    bgi_buf_free(&text);
    free(paras);
    return bgi_html_oom(r);
}

/* Chooses the lines of the article and hands them to emit(). */
static int assemble(bgi_document *out, reader *r, uint32_t container)
{
    size_t first = r->n_lines, end = 0;
    for (size_t k = 0; k < r->n_lines; k++) {
        bool in = container == NONE ? !(r->lines[k].inh & IN_CHROME)
                                    : contains(r, container, r->lines[k].owner);
        if (!in) {
            r->lines[k].drop = true;
            continue;
        }
        if (k < first)
            first = k;
        end = k + 1;
    }
    if (first == r->n_lines)
        first = end = 0;
    bgi_html_drop_furniture(r, first, end);
    title_span ts = bgi_html_find_title(r, first, end, out->meta.title);
    size_t *sel = malloc((r->n_lines + 1) * sizeof *sel);
    if (!sel)
        return bgi_html_oom(r);
    size_t n_sel = 0, title_idx = SIZE_MAX;
    char *tsq = NULL;
    if (ts.count) {
        bgi_buf tb = {0};
        for (size_t c = 0; c < ts.count; c++)
            if (bgi_buf_append(&tb, line_text(r, &r->lines[ts.first + c]), r->lines[ts.first + c].len)) {
                bgi_buf_free(&tb);
                free(sel);
                return bgi_html_oom(r);
            }
        tsq = bgi_html_squeeze(tb.data, tb.len);
        bgi_buf_free(&tb);
        if (!tsq) {
            free(sel);
            return bgi_html_oom(r);
        }
        if (ts.first < first) {
            title_idx = 0;
            sel[n_sel++] = ts.first;
        }
    }
    for (size_t k = first; k < end; k++) {
        if (ts.count && k >= ts.first && k < ts.first + ts.count) {
            if (k == ts.first && title_idx == SIZE_MAX) {
                title_idx = n_sel;
                sel[n_sel++] = k;
            }
            continue;
        }
        if (r->lines[k].drop)
            continue;
        /* the title repeated as the article's first line */
        if (tsq && n_sel == 1 && title_idx == 0) {
            char *sq = bgi_html_squeeze(line_text(r, &r->lines[k]), r->lines[k].len);
            bool same = sq && strcmp(sq, tsq) == 0;
            free(sq);
            if (same)
                continue;
        }
        sel[n_sel++] = k;
    }
    free(tsq);
    int rc = 0;
    if (n_sel == 0)
        rc = bgi_err_set(r->err, BG_ESKIPPED, "HTML page without text outside navigation and links");
    else
        rc = emit(out, r, sel, n_sel, title_idx, &ts);
    if (rc == 0 && !out->meta.title && title_idx != SIZE_MAX) {
        size_t nl = strcspn(out->text, "\n");
        char *lines0 = out->text;
        for (size_t i = 0; i < title_idx; i++)
            lines0 += strcspn(lines0, "\n") + 1;
        nl = strcspn(lines0, "\n");
        if (!(out->meta.title = bgi_strndup(lines0, nl)))
            rc = bgi_html_oom(r);
    }
    free(sel);
    return rc;
}

static xmlNodePtr find_child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && c->name && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* Reads the tree into lines and metadata, then frees it (the lines are all
 * that is needed from there on) and assembles the document. */
static int read_tree(bgi_document *out, xmlDocPtr doc, bool depth_cut, bgi_err *err)
{
    reader r = {.err = err, .mstate = MS_NONE};
    head_meta h = {0};
    xmlNodePtr html = xmlDocGetRootElement(doc);
    int rc = 0;
    if (html)
        bgi_html_read_head(html, &h);
    xmlNodePtr body = find_child(html, "body");
    xmlNodePtr root = body ? body : html;
    if (root && (rc = bgi_html_number(&r, root)) < 0)
        goto done;
    bgi_html_classify(&r);
    if ((rc = bgi_html_cut_lines(&r, root)) < 0)
        goto done;
    if ((rc = bgi_html_fill_meta(&r, &out->meta, &h)) < 0)
        goto done;
    if (r.n_lines == 0) {
        rc = depth_cut ? bgi_err_set(err, BG_ETOOBIG,
                                    "HTML page nested deeper than %d elements before any text",
                                    HTML_PARSER_MAX_DEPTH)
                       : bgi_err_set(err, BG_ESKIPPED, "HTML page without text");
        goto done;
    }
    for (size_t k = 0; k < r.n_elems; k++)
        r.elems[k].node = NULL;
    xmlFreeDoc(doc);
    doc = NULL;
    rc = assemble(out, &r, bgi_html_pick_container(&r));
done:
    xmlFreeDoc(doc);
    bgi_html_head_meta_free(&h);
    bgi_html_reader_free(&r);
    return rc;
}

/* Parses UTF-8 text; libxml2 is told the encoding and ignores the page's
 * own declaration (decode_page has weighed it already). */
static xmlDocPtr parse_utf8(const char *text, size_t len, int opts, bool *depth_cut)
{
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt)
        return NULL;
    xmlDocPtr doc = htmlCtxtReadMemory(ctxt, text, (int)len, NULL, "UTF-8", opts);
    /* libxml2 stops at xmlParserMaxDepth open elements without XML_PARSE_HUGE
     * and says so only as an internal error with SAX disabled */
    *depth_cut = ctxt->disableSAX && ctxt->errNo == XML_ERR_INTERNAL_ERROR;
    htmlFreeParserCtxt(ctxt);
    return doc;
}

static size_t count_tags(const char *text, size_t len)
{
    size_t n = 0;
    for (const char *p = text; (p = memchr(p, '<', (size_t)(text + len - p))) != NULL; p++)
        n++;
    return n;
}

int bgi_read_html(bgi_document *out, const char *bytes, size_t n, bgi_err *err)
{
    if (!out || (!bytes && n))
        return bgi_err_set(err, BG_EINVAL, "bgi_read_html: no output or no input");
    memset(out, 0, sizeof *out);
    out->format = BG_FORMAT_HTML;
    if (n > HTML_MAX_BYTES)
        return bgi_err_set(err, BG_ETOOBIG, "HTML page of %zu MB is larger than %zu MB",
                          (n + (1 << 20) - 1) >> 20, HTML_MAX_BYTES >> 20);
    bgi_xml_init();
    const char *text = NULL;
    char *owned = NULL;
    size_t len = 0;
    const char *encoding = NULL;
    int rc = bgi_html_decode_page(&text, &owned, &len, &encoding, bytes, n, err);
    if (rc)
        return rc;
    size_t tags = count_tags(text, len);
    if (tags > HTML_MAX_TAGS) {
        free(owned);
        return bgi_err_set(err, BG_ETOOBIG, "HTML page with %zu tags (more than %d)", tags,
                          HTML_MAX_TAGS);
    }
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
               | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC;
    bool depth_cut = false;
    xmlDocPtr doc = len ? parse_utf8(text, len, opts, &depth_cut) : NULL;
    /* Unclosed <font>/<span> tags of Word-exported pages nest past the
     * depth limit and would cut the article short. Without the limit
     * libxml2 matches each end tag against every open element, quadratic
     * in a depth bomb, so only a page with few tags is parsed again. */
    if (doc && depth_cut && tags <= HTML_HUGE_MAX_TAGS) {
        xmlFreeDoc(doc);
        doc = parse_utf8(text, len, opts | XML_PARSE_HUGE, &depth_cut);
    }
    free(owned);
    if (!doc)
        return len ? bgi_err_set(err, BG_ENOMEM, "out of memory")
                   : bgi_err_set(err, BG_ESKIPPED, "HTML page without text");
    out->encoding = encoding;
    rc = read_tree(out, doc, depth_cut, err);
    if (rc) {
        bgi_document_clear(out);
        return rc;
    }
    return 0;
}
