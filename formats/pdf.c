/* pdf.c — the PDF reader (bgi_read_pdf, document.h): opens the bytes with
 * poppler-glib, and turns each page's characters and their boxes into clean,
 * positioned text lines; pdf_lines.c then makes paragraphs of them.
 *
 * Per page, characters are grouped into lines by their vertical centre and
 * ordered left to right (the documents read are single-column; two columns
 * merge line by line, which is wrong but harmless). Within a line:
 *   - a character drawn twice at nearly the same place (fake bold, shadows)
 *     is kept once;
 *   - Kangxi radicals and CJK compatibility ideographs, which some fonts'
 *     ToUnicode tables produce for ordinary characters, become the ideographs
 *     NFKC names (only those ranges: full-width forms are left to the analyser);
 *   - spaces come from the gaps between characters, and only between Latin
 *     letters or digits: CJK text never gets one, and letter-spaced runs of
 *     single characters ("2 0 2 4 年", "政 府 工 作") are closed up;
 *   - a gap wider than three characters splits the line in two, so that the
 *     parts of a browser's print header (date | page title) and footer (URL |
 *     "1/15") are judged separately;
 *   - a line that reads as the same text twice ("一、回顾一、回顾") is halved.
 *
 * Bounds: input over 256 MB is refused; pages are read one at a time and
 * freed; more than BG_PDF_MAX_TEXT bytes of text, BG_PDF_MAX_PAGES pages or
 * BG_PDF_MAX_PAGE_CHARS characters on one page stop the reading with
 * BG_ETOOBIG. poppler's own warnings go to a silent GLib log handler. */
#include "utf8.h"
#include "document.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <poppler.h>
#include <unicode/unorm2.h>

#include "baogao.h"
#include "pdf_lines.h"

#define BG_PDF_MAX_INPUT ((size_t)256 << 20)
#define BG_PDF_MAX_TEXT ((size_t)64 << 20)
#define BG_PDF_MAX_PAGES 20000
#define BG_PDF_MAX_PAGE_CHARS 2000000

typedef struct glyph {
    uint32_t cp;
    float x1, y1, x2, y2;
    uint32_t order;           /* position in poppler's text, to keep sorts stable */
} glyph;

typedef struct glyphs {
    glyph *v;
    size_t n, cap;
} glyphs;

/* ---- poppler ------------------------------------------------------------ */

static void swallow_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
    (void)domain, (void)level, (void)msg, (void)data;
}

/* poppler-glib reports syntax errors in damaged files through g_log; library
 * code must not print, so that domain is silenced once per process. */
static void silence_poppler(void)
{
    static gsize done = 0;
    if (g_once_init_enter(&done)) {
        g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                          swallow_log, NULL);
        g_once_init_leave(&done, 1);
    }
}

static int has_pdf_header(const char *bytes, size_t n)
{
    size_t lim = n < 1024 ? n : 1024;
    for (size_t i = 0; i + 5 <= lim; i++)
        if (memcmp(bytes + i, "%PDF-", 5) == 0)
            return 1;
    return 0;
}

/* Copies a poppler message into err as one line. */
static int damaged(bgi_err *err, const char *why)
{
    char line[200];
    size_t k = 0;
    for (const char *s = why ? why : "unknown error"; *s && k + 1 < sizeof line; s++)
        line[k++] = (*s == '\n' || *s == '\r' || *s == '\t') ? ' ' : *s;
    while (k && line[k - 1] == ' ')
        k--;
    line[k] = '\0';
    return bgi_err_set(err, BG_EDECODE, "damaged PDF: %s", k ? line : "unknown error");
}

static int open_document(PopplerDocument **doc, GBytes *bytes, bgi_err *err)
{
    GError *gerr = NULL;
    *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (*doc)
        return 0;
    int rc;
    if (gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
        rc = bgi_err_set(err, BG_EDECODE, "encrypted PDF (password required)");
    else
        rc = damaged(err, gerr ? gerr->message : NULL);
    if (gerr)
        g_error_free(gerr);
    return rc;
}

/* ---- characters ---------------------------------------------------------- */

int bgi_pdf_is_wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xA960 && c <= 0xA97F)
           || (c >= 0xAC00 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F)
           || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFF)
           || c == 0x2014 || c == 0x2026 || (c >= 0x2018 && c <= 0x201F);
}

int bgi_pdf_is_latin_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x4FF);
}

/* Ideographs full-width punctuation is measured by: its advance is one em. */
static int is_ideograph(uint32_t c)
{
    return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

static int is_invisible(uint32_t c)
{
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xAD || (c >= 0x200B && c <= 0x200F)
           || c == 0xFEFF || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F)
           || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF;
}

static int is_space(uint32_t c)
{
    return c == ' ' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F;
}

uint32_t bgi_pdf_utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[*i];
    size_t need = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    if (need)
        c &= 0x3F >> need;
    (*i)++;
    while (need-- && *i < n)
        c = (c << 6) | (u[(*i)++] & 0x3F);
    return c;
}


/* Kangxi radicals, CJK radicals supplement and compatibility ideographs come
 * from fonts whose ToUnicode names the radical instead of the ideograph. */
static uint32_t unify_ideograph(uint32_t c)
{
    if (!((c >= 0x2E80 && c <= 0x2FDF) || (c >= 0xF900 && c <= 0xFAFF)))
        return c;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st))
        return c;
    UChar in[1] = {(UChar)c}, out[4];
    int32_t n = unorm2_normalize(nfkc, in, 1, out, 4, &st);
    if (U_FAILURE(st) || n < 1)
        return c;
    uint32_t r = out[0];
    if (U16_IS_LEAD(out[0]) && n >= 2)
        r = U16_GET_SUPPLEMENTARY(out[0], out[1]);
    return r;
}

/* ---- page → glyphs --------------------------------------------------------- */

static int push_glyph(glyphs *g, uint32_t cp, const PopplerRectangle *r, uint32_t order)
{
    if (bgi_grow(&g->v, &g->cap, g->n, sizeof *g->v, 1024))
        return BG_ENOMEM;
    /* boxes of hostile files can be anything; keep coordinates where the
     * arithmetic and the float conversions below stay defined */
    if (!(fabs(r->x1) < 1e6 && fabs(r->x2) < 1e6 && fabs(r->y1) < 1e6 && fabs(r->y2) < 1e6))
        return 0;
    double x1 = r->x1 < r->x2 ? r->x1 : r->x2, x2 = r->x1 < r->x2 ? r->x2 : r->x1;
    double y1 = r->y1 < r->y2 ? r->y1 : r->y2, y2 = r->y1 < r->y2 ? r->y2 : r->y1;
    g->v[g->n++] = (glyph){cp, (float)x1, (float)y1, (float)x2, (float)y2, order};
    return 0;
}

/* The visible characters of a page with their boxes; whitespace and the line
 * breaks poppler inserts are dropped (spacing is re-derived from geometry). */
static int page_glyphs(PopplerPage *page, glyphs *g, size_t *text_bytes, int page_no, bgi_err *err)
{
    char *text = poppler_page_get_text(page);
    PopplerRectangle *rects = NULL;
    guint n_rects = 0;
    if (!text)
        return 0;
    size_t len = strlen(text);
    if (!g_utf8_validate(text, (gssize)len, NULL) || len == 0) {
        g_free(text);
        return 0;
    }
    if (g_utf8_strlen(text, (gssize)len) > BG_PDF_MAX_PAGE_CHARS) {
        g_free(text);
        return bgi_err_set(err, BG_ETOOBIG, "PDF page %d holds more than %d characters", page_no,
                          BG_PDF_MAX_PAGE_CHARS);
    }
    *text_bytes += len;
    if (*text_bytes > BG_PDF_MAX_TEXT) {
        g_free(text);
        return bgi_err_set(err, BG_ETOOBIG, "PDF text larger than %zu MB", BG_PDF_MAX_TEXT >> 20);
    }
    int rc = 0;
    if (poppler_page_get_text_layout(page, &rects, &n_rects)) {
        const char *s = text;
        for (guint k = 0; *s && k < n_rects && !rc; k++, s = g_utf8_next_char(s)) {
            uint32_t c = g_utf8_get_char(s);
            if (is_space(c) || is_invisible(c))
                continue;
            rc = push_glyph(g, unify_ideograph(c), &rects[k], k);
        }
    }
    g_free(rects);
    g_free(text);
    return rc ? bgi_err_set(err, rc, "out of memory") : 0;
}

/* ---- glyphs → lines -------------------------------------------------------- */

static double centre_y(const glyph *g)
{
    return ((double)g->y1 + g->y2) / 2;
}

static int by_centre_y(const void *a, const void *b)
{
    const glyph *p = a, *q = b;
    double d = centre_y(p) - centre_y(q);
    return d < 0 ? -1 : d > 0 ? 1 : (p->order > q->order) - (p->order < q->order);
}

static int by_x(const void *a, const void *b)
{
    const glyph *p = a, *q = b;
    return p->x1 < q->x1 ? -1 : p->x1 > q->x1 ? 1 : (p->order > q->order) - (p->order < q->order);
}

static int by_double(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

/* The font size of a run of glyphs: the median advance of its ideographs, or
 * failing that (Latin-only text) the median box height. */
static double run_em(const glyph *g, size_t n)
{
    double stack[64], *w = n <= 64 ? stack : malloc(n * sizeof *w);
    size_t k = 0;
    if (!w)
        return g[0].y2 - g[0].y1;
    for (size_t i = 0; i < n; i++)
        if (is_ideograph(g[i].cp) && g[i].x2 > g[i].x1)
            w[k++] = g[i].x2 - g[i].x1;
    if (k == 0)
        for (size_t i = 0; i < n; i++)
            w[k++] = g[i].y2 - g[i].y1;
    qsort(w, k, sizeof *w, by_double);
    double em = w[k / 2];
    if (w != stack)
        free(w);
    return em > 0.5 ? em : 0.5;
}

/* Drops characters drawn again on top of themselves (fake bold). The run is
 * sorted by x, so the copies of a character sit next to each other. */
static size_t drop_overdrawn(glyph *g, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        int dup = 0;
        for (size_t j = kept > 4 ? kept - 4 : 0; j < kept && !dup; j++) {
            const glyph *a = &g[j], *b = &g[i];
            double w = a->x2 - a->x1, h = a->y2 - a->y1;
            double tol_x = (w > 1 ? w : 1) * 0.3, tol_y = (h > 1 ? h : 1) * 0.3;
            dup = a->cp == b->cp && (a->x1 - b->x1 < tol_x && b->x1 - a->x1 < tol_x)
                  && (centre_y(a) - centre_y(b) < tol_y && centre_y(b) - centre_y(a) < tol_y);
        }
        if (!dup)
            g[kept++] = g[i];
    }
    return kept;
}

/* Whether a space separates glyphs a and b: a visible gap between two Latin
 * letters, digits or ASCII signs; never next to CJK text. Between two digits
 * only a gap over one character counts: narrower ones are a letter-spaced
 * number ("2 0 2 4年"), whose gaps poppler's boxes partly swallow, so the
 * run-of-single-characters rule cannot always see it. */
static int gap_is_space(const glyph *a, const glyph *b, double em)
{
    if (bgi_pdf_is_wide(a->cp) || bgi_pdf_is_wide(b->cp))
        return 0;
    double gap = b->x1 - a->x2;
    if (a->cp >= '0' && a->cp <= '9' && b->cp >= '0' && b->cp <= '9')
        return gap > em;
    return gap > 0.15 * em;
}

/* Closes up letter-spaced runs: three or more one-character words in a row
 * ("A N N U A L", "2 0 2 4年"), joined with the word that follows (which may
 * go on with other text). space[k] says whether a space precedes glyph k.
 * 0 or BG_ENOMEM. */
static int close_letter_spacing(unsigned char *space, size_t n)
{
    size_t *ws = malloc((n + 1) * sizeof *ws), nw = 0;
    if (!ws)
        return BG_ENOMEM;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || space[k])
            ws[nw++] = k;
    ws[nw] = n;
    size_t w = 0;
    while (w < nw) {
        size_t r = w;
        while (r < nw && ws[r + 1] - ws[r] == 1)
            r++;
        if (r - w < 3) {
            w++;
            continue;
        }
        size_t last = r < nw ? r : nw - 1;
        for (size_t q = w + 1; q <= last; q++)
            space[ws[q]] = 0;
        w = last + 1;
    }
    free(ws);
    return 0;
}

static int has_ideograph(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len)
        if (is_ideograph(bgi_pdf_utf8_next(s, len, &i)))
            return 1;
    return 0;
}

/* Halves a line whose text is one string written twice ("一、回顾一、回顾"):
 * a fake-bold copy that poppler placed beside the original, not on it. Only
 * Chinese text of four or more characters: a real line never repeats itself. */
static size_t halve_doubled(const char *s, size_t len)
{
    if (len >= 12 && len % 2 == 0 && memcmp(s, s + len / 2, len / 2) == 0 && has_ideograph(s, len / 2))
        return len / 2;
    return len;
}

/* Emits glyphs g[0..n) (one visual line, sorted by x) as one or more lines,
 * split where a gap is wider than three characters. */
static int emit_line(bgi_pdf_lines *ls, glyph *g, size_t n, int page_no, bgi_buf *tmp)
{
    n = drop_overdrawn(g, n);
    double em = run_em(g, n);
    size_t start = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && g[i].x1 - g[i - 1].x2 <= 3 * em)
            continue;
        size_t m = i - start;
        unsigned char *space = calloc(m ? m : 1, 1);
        if (!space)
            return BG_ENOMEM;
        const glyph *run = g + start;
        double run_em_v = run_em(run, m);
        for (size_t k = 1; k < m; k++)
            space[k] = (unsigned char)gap_is_space(&run[k - 1], &run[k], run_em_v);
        if (close_letter_spacing(space, m)) {
            free(space);
            return BG_ENOMEM;
        }
        tmp->len = 0;
        double y1 = run[0].y1, y2 = run[0].y2, x2 = run[0].x2;
        int rc = 0;
        for (size_t k = 0; k < m && !rc; k++) {
            char u[5];
            if (space[k])
                rc = bgi_buf_append(tmp, " ", 1);
            if (!rc)
                rc = bgi_buf_append(tmp, u, bgi_utf8_encode((int32_t)(run[k].cp), u));
            if (run[k].y1 < y1)
                y1 = run[k].y1;
            if (run[k].y2 > y2)
                y2 = run[k].y2;
            if (run[k].x2 > x2)
                x2 = run[k].x2;
        }
        free(space);
        if (!rc && tmp->len)
            rc = bgi_pdf_lines_push(ls, tmp->data, halve_doubled(tmp->data, tmp->len), run[0].x1, y1, x2,
                                   y2, run_em_v, page_no);
        if (rc)
            return rc;
        start = i;
    }
    return 0;
}

/* Groups a page's glyphs into lines by vertical centre: a glyph joins the
 * current line when its centre lies within 40% of a character height of the
 * line's first glyph's centre. */
static int glyphs_to_lines(bgi_pdf_lines *ls, glyphs *g, int page_no, bgi_err *err)
{
    if (g->n == 0)
        return 0;
    qsort(g->v, g->n, sizeof *g->v, by_centre_y);
    bgi_buf tmp = {0};
    int rc = 0;
    size_t start = 0;
    for (size_t i = 1; i <= g->n && !rc; i++) {
        if (i < g->n) {
            const glyph *first = &g->v[start], *c = &g->v[i];
            double h = first->y2 - first->y1, hc = c->y2 - c->y1;
            double tol = 0.4 * (h > hc ? h : hc);
            if (centre_y(c) - centre_y(first) <= (tol > 0.5 ? tol : 0.5))
                continue;
        }
        qsort(g->v + start, i - start, sizeof *g->v, by_x);
        rc = emit_line(ls, g->v + start, i - start, page_no, &tmp);
        start = i;
    }
    bgi_buf_free(&tmp);
    return rc ? bgi_err_set(err, rc, "out of memory") : 0;
}

/* ---- the reader ------------------------------------------------------------ */

static int read_pages(PopplerDocument *doc, bgi_pdf_lines *ls, bgi_err *err)
{
    int n_pages = poppler_document_get_n_pages(doc);
    if (n_pages > BG_PDF_MAX_PAGES)
        return bgi_err_set(err, BG_ETOOBIG, "PDF has %d pages (more than %d)", n_pages, BG_PDF_MAX_PAGES);
    if (n_pages <= 0)
        return bgi_err_set(err, BG_ESKIPPED, "PDF without pages");
    ls->page_h = calloc((size_t)n_pages, sizeof *ls->page_h);
    ls->page_w = calloc((size_t)n_pages, sizeof *ls->page_w);
    if (!ls->page_h || !ls->page_w)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    ls->n_pages = (size_t)n_pages;
    glyphs g = {0};
    size_t text_bytes = 0;
    int rc = 0;
    for (int i = 0; i < n_pages && !rc; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;   /* a broken page object: read the others */
        poppler_page_get_size(page, &ls->page_w[i], &ls->page_h[i]);
        g.n = 0;
        rc = page_glyphs(page, &g, &text_bytes, i + 1, err);
        g_object_unref(page);
        if (!rc)
            rc = glyphs_to_lines(ls, &g, i + 1, err);
    }
    free(g.v);
    return rc;
}

int bgi_read_pdf(bgi_document *out, const char *bytes, size_t n, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    if (n > BG_PDF_MAX_INPUT)
        return bgi_err_set(err, BG_ETOOBIG, "PDF larger than %zu MB", BG_PDF_MAX_INPUT >> 20);
    if (!bytes || !has_pdf_header(bytes, n))
        return bgi_err_set(err, BG_EDECODE, "not a PDF (no %%PDF- header)");
    silence_poppler();
    GBytes *gb = g_bytes_new_static(bytes, n);
    PopplerDocument *doc = NULL;
    int rc = open_document(&doc, gb, err);
    bgi_pdf_lines ls = {0};
    if (!rc)
        rc = read_pages(doc, &ls, err);
    if (!rc) {
        rc = bgi_pdf_drop_furniture(&ls);
        if (rc)
            bgi_err_set(err, rc, "out of memory");
    }
    if (!rc)
        rc = bgi_pdf_paragraphs(&ls, out, err);
    if (!rc) {
        out->format = BG_FORMAT_PDF;
        out->n_pages = ls.n_pages;
    } else {
        bgi_document_clear(out);
    }
    bgi_pdf_lines_free(&ls);
    if (doc)
        g_object_unref(doc);
    g_bytes_unref(gb);
    return rc;
}
