/* pdf_lines.c — the second half of the PDF reader: positioned text lines of
 * the whole document (pdf.c) → paragraphs, without running headers, footers
 * and page numbers.
 *
 * Furniture. A line in the top or bottom 15% of its page is dropped when
 *   - the same text, digits ignored ("1/15" = "2/15", a changing print time),
 *     stands in the same band on at least half of the pages (two at least);
 *   - it is a page number: "3", "1/10", "— 3 —", "- 3 -", "第3页", "第3页 共10页",
 *     "共10页 第3页", "Page 3 of 10";
 *   - it is a browser's print stamp: a date with a time ("2026/3/23 21:07 …")
 *     or a URL ("https://…", "file://…"), which a one-page print has once.
 *
 * Paragraphs. The page's dominant left and right edges and line pitch are
 * measured on body-size lines (the font size holding the most text). A line
 * starts a new paragraph when it
 *   - is indented by more than one character from the left edge,
 *   - follows a line ending more than two characters before the right edge
 *     (unless that line ends mid-sentence and the next opens with a Latin or
 *     numeric run too wide for the gap: "…比上年增长" / "16.6%。…"),
 *   - starts with a heading marker (一、 （一） (一) 1. 1、 第一章 第一条 第一节)
 *     after a line that ends a sentence (。；：！？” …),
 *   - stands further below the previous line than 1.35 times the usual pitch,
 *   - or is set in a font size more than 12% away from the previous line's.
 * A page break alone never ends a paragraph, so a sentence continued on the
 * next page (previous line full, next line not indented) stays whole.
 * Consecutive lines of the same large font size (a title over two or three
 * centred lines) form one paragraph whatever their indent.
 *
 * Joining lines: nothing between them, except one space when the text on
 * both sides is Latin letters or digits — but not digit against digit: CJK
 * typesetting does not break inside numbers, and a number split as "20"/"24"
 * is more likely than two numbers meeting at a line break.
 *
 * Heading levels stay 0: in these documents a larger font marks the title,
 * while headings are body-size text (bold or 黑体) that the structure parser
 * recognises by their markers. */
#include "pdf_lines.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baogao.h"

#define BAND 0.15            /* top and bottom share of a page where furniture lives */

void bgi_pdf_lines_free(bgi_pdf_lines *ls)
{
    free(ls->v);
    bgi_buf_free(&ls->chars);
    free(ls->page_h);
    free(ls->page_w);
    memset(ls, 0, sizeof *ls);
}

int bgi_pdf_lines_push(bgi_pdf_lines *ls, const char *text, size_t n, double x1, double y1, double x2,
                      double y2, double em, int page)
{
    if (bgi_grow(&ls->v, &ls->cap, ls->n, sizeof *ls->v, 256))
        return BG_ENOMEM;
    size_t off = ls->chars.len;
    if (bgi_buf_append(&ls->chars, text, n))
        return BG_ENOMEM;
    ls->v[ls->n++] = (bgi_pdf_line){off, n, x1, y1, x2, y2, em, page, 0};
    return 0;
}

static const char *line_text(const bgi_pdf_lines *ls, const bgi_pdf_line *l)
{
    return ls->chars.data + l->off;
}

/* ---- furniture ----------------------------------------------------------- */

static int is_digit_cp(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* The line's text without spaces, each run of digits written as '#', lower
 * case ASCII: what stays the same from page to page. malloc'ed. */
static char *furniture_key(const char *s, size_t n)
{
    char *k = malloc(n + 1);
    if (!k)
        return NULL;
    size_t o = 0, i = 0;
    int in_digits = 0;
    while (i < n) {
        size_t at = i;
        uint32_t c = bgi_pdf_utf8_next(s, n, &i);
        if (c == ' ')
            continue;
        if (is_digit_cp(c)) {
            if (!in_digits)
                k[o++] = '#';
            in_digits = 1;
            continue;
        }
        in_digits = 0;
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c < 0x80)
            k[o++] = (char)c;
        else
            for (size_t b = at; b < i; b++)
                k[o++] = s[b];
    }
    k[o] = '\0';
    return k;
}

static int strip_prefix(const char **k, const char *p)
{
    size_t n = strlen(p);
    if (strncmp(*k, p, n) != 0)
        return 0;
    *k += n;
    return 1;
}

/* Dashes and brackets around a page number: - — – － ― ─ ‐ · and (). */
static void strip_number_dressing(const char **k, const char **end)
{
    static const char *const dress[] = {"-", "\xE2\x80\x94", "\xE2\x80\x93", "\xEF\xBC\x8D", "\xE2\x80\x95",
                                        "\xE2\x94\x80", "\xE2\x80\x90", "\xC2\xB7", "(", ")",
                                        "\xEF\xBC\x88", "\xEF\xBC\x89"};
    for (int again = 1; again;) {
        again = 0;
        for (size_t d = 0; d < sizeof dress / sizeof *dress; d++) {
            size_t n = strlen(dress[d]);
            if ((size_t)(*end - *k) >= n && memcmp(*k, dress[d], n) == 0) {
                *k += n;
                again = 1;
            }
            if ((size_t)(*end - *k) >= n && memcmp(*end - n, dress[d], n) == 0) {
                *end -= n;
                again = 1;
            }
        }
    }
}

static int is_page_number(const char *key)
{
    const char *k = key, *end = key + strlen(key);
    strip_number_dressing(&k, &end);
    size_t n = (size_t)(end - k);
    char core[64];
    if (n == 0 || n >= sizeof core)
        return 0;
    memcpy(core, k, n);
    core[n] = '\0';
    static const char *const forms[] = {
        "#", "#/#", "page#", "page#of#", "page#/#", "#of#",
        "\xE7\xAC\xAC#\xE9\xA1\xB5",                                        /* 第#页 */
        "\xE7\xAC\xAC#\xE9\xA1\xB5\xE5\x85\xB1#\xE9\xA1\xB5",               /* 第#页共#页 */
        "\xE7\xAC\xAC#\xE9\xA1\xB5,\xE5\x85\xB1#\xE9\xA1\xB5",              /* 第#页,共#页 */
        "\xE7\xAC\xAC#\xE9\xA1\xB5\xEF\xBC\x8C\xE5\x85\xB1#\xE9\xA1\xB5",   /* 第#页，共#页 */
        "\xE7\xAC\xAC#\xE9\xA1\xB5/\xE5\x85\xB1#\xE9\xA1\xB5",              /* 第#页/共#页 */
        "\xE5\x85\xB1#\xE9\xA1\xB5\xE7\xAC\xAC#\xE9\xA1\xB5",               /* 共#页第#页 */
        "#\xE9\xA1\xB5",                                                    /* #页 */
    };
    for (size_t f = 0; f < sizeof forms / sizeof *forms; f++)
        if (strcmp(core, forms[f]) == 0)
            return 1;
    return 0;
}

/* A browser's print stamp: "#/#/# #:#…" (date and time, then the page title)
 * or a URL. */
static int is_print_stamp(const char *key)
{
    const char *k = key;
    if (strip_prefix(&k, "http://") || strip_prefix(&k, "https://") || strip_prefix(&k, "file://")
        || strip_prefix(&k, "www."))
        return 1;
    k = key;
    if (strip_prefix(&k, "#/#/#") || strip_prefix(&k, "#-#-#") || strip_prefix(&k, "#.#.#"))
        return strip_prefix(&k, "#:#") || strip_prefix(&k, ",#:#");
    return 0;
}

typedef struct band_line {
    char *key;
    size_t line;
    int band;                /* 0 top, 1 bottom */
    int stamp;               /* a browser's date-and-time or URL */
} band_line;

static int by_band_key(const void *a, const void *b)
{
    const band_line *p = a, *q = b;
    if (p->band != q->band)
        return p->band - q->band;
    int c = strcmp(p->key, q->key);
    return c ? c : (p->line > q->line) - (p->line < q->line);
}

/* Drops each group of equal keys in the same band found on enough pages. */
static void drop_repeated(bgi_pdf_lines *ls, band_line *b, size_t nb)
{
    size_t need = (ls->n_pages + 1) / 2;
    if (need < 2)
        need = 2;
    qsort(b, nb, sizeof *b, by_band_key);
    for (size_t i = 0; i < nb;) {
        size_t j = i + 1, pages = 1;
        while (j < nb && b[j].band == b[i].band && strcmp(b[j].key, b[i].key) == 0) {
            if (ls->v[b[j].line].page != ls->v[b[j - 1].line].page)
                pages++;
            j++;
        }
        if (pages >= need)
            for (size_t k = i; k < j; k++)
                ls->v[b[k].line].dropped = 1;
        i = j;
    }
}

static int by_line(const void *a, const void *b)
{
    const band_line *p = a, *q = b;
    return (p->line > q->line) - (p->line < q->line);
}

/* Drops what shares a line with a browser's print stamp: the page title
 * beside the date, the page number beside the URL. This is what removes
 * them from a one-page print, where nothing repeats. */
static void drop_beside_stamps(bgi_pdf_lines *ls, band_line *b, size_t nb)
{
    qsort(b, nb, sizeof *b, by_line);   /* line order: a page's band lines side by side */
    for (size_t i = 0, first = 0; i < nb; i++) {
        if (i > 0 && ls->v[b[i].line].page != ls->v[b[i - 1].line].page)
            first = i;
        if (!b[i].stamp)
            continue;
        const bgi_pdf_line *s = &ls->v[b[i].line];
        for (size_t j = first; j < nb && ls->v[b[j].line].page == s->page; j++) {
            bgi_pdf_line *o = &ls->v[b[j].line];
            if (o->y1 < s->y2 && s->y1 < o->y2)
                o->dropped = 1;
        }
    }
}

int bgi_pdf_drop_furniture(bgi_pdf_lines *ls)
{
    band_line *b = malloc((ls->n ? ls->n : 1) * sizeof *b);
    if (!b)
        return BG_ENOMEM;
    size_t nb = 0;
    int rc = 0;
    for (size_t i = 0; i < ls->n; i++) {
        bgi_pdf_line *l = &ls->v[i];
        double h = ls->page_h[l->page - 1], cy = (l->y1 + l->y2) / 2;
        if (h <= 0 || (cy > h * BAND && cy < h * (1 - BAND)))
            continue;
        char *key = furniture_key(line_text(ls, l), l->len);
        if (!key) {
            rc = BG_ENOMEM;
            break;
        }
        int stamp = is_print_stamp(key);
        if (!key[0] || is_page_number(key) || stamp)
            l->dropped = 1;
        /* A running header repeats in one size: a title line in large type
         * on page 1 is not the same line as its body-size signature on a
         * later page. */
        char *sized = NULL;
        if (asprintf(&sized, "%s@%d", key, (int)(l->em + 0.5)) < 0) {
            free(key);
            rc = BG_ENOMEM;
            break;
        }
        free(key);
        b[nb++] = (band_line){sized, i, cy > h / 2, stamp};
    }
    if (!rc) {
        drop_repeated(ls, b, nb);
        drop_beside_stamps(ls, b, nb);
    }
    for (size_t i = 0; i < nb; i++)
        free(b[i].key);
    free(b);
    return rc;
}

/* ---- page measures --------------------------------------------------------- */

typedef struct measures {
    double left, right, pitch;
} measures;

static int by_double(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

/* The most frequent value of v[0..n) after rounding to step (ties: the
 * smallest, or the largest when prefer_high); fallback when n is 0. Sorts v. */
static double mode_of(double *v, size_t n, double step, double fallback, int prefer_high)
{
    if (n == 0)
        return fallback;
    for (size_t i = 0; i < n; i++)
        v[i] = (double)(long long)(v[i] / step + 0.5) * step;
    qsort(v, n, sizeof *v, by_double);
    double best = v[0];
    size_t best_n = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j] == v[i])
            j++;
        if (j - i > best_n || (prefer_high && j - i == best_n)) {
            best_n = j - i;
            best = v[i];
        }
        i = j;
    }
    return best;
}

static int same_size(double a, double b, double tolerance)
{
    double d = a > b ? a - b : b - a;
    return d <= tolerance * (a > b ? a : b);
}

typedef struct sized {
    double em;
    size_t chars;
} sized;

static int by_em(const void *a, const void *b)
{
    double p = ((const sized *)a)->em, q = ((const sized *)b)->em;
    return (p > q) - (p < q);
}

/* The font size (to half a point) holding the most text: the body text's. */
static double body_em(const bgi_pdf_lines *ls)
{
    sized *v = malloc((ls->n ? ls->n : 1) * sizeof *v);
    size_t n = 0;
    if (!v)
        return ls->n ? ls->v[0].em : 10;
    for (size_t i = 0; i < ls->n; i++)
        if (!ls->v[i].dropped)
            v[n++] = (sized){(double)(long long)(ls->v[i].em * 2 + 0.5) / 2, ls->v[i].len};
    qsort(v, n, sizeof *v, by_em);
    double best = 10;
    size_t best_chars = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, chars = 0;
        for (; j < n && v[j].em == v[i].em; j++)
            chars += v[j].chars;
        if (chars > best_chars) {
            best_chars = chars;
            best = v[i].em;
        }
        i = j;
    }
    free(v);
    return best > 0 ? best : 10;
}

/* Left and right edges and line pitch of body-size lines in lines [from, to)
 * (one page, or the whole document when from..to spans it). */
static measures measure(const bgi_pdf_lines *ls, size_t from, size_t to, double em, const measures *fallback)
{
    size_t n = to - from;
    double *l = malloc((n ? n : 1) * sizeof *l), *r = malloc((n ? n : 1) * sizeof *r),
           *p = malloc((n ? n : 1) * sizeof *p);
    measures m = fallback ? *fallback : (measures){0, 0, 0};
    if (!l || !r || !p)
        goto done;
    size_t k = 0, kp = 0;
    const bgi_pdf_line *prev = NULL;
    for (size_t i = from; i < to; i++) {
        const bgi_pdf_line *x = &ls->v[i];
        if (x->dropped || !same_size(x->em, em, 0.12))
            continue;
        l[k] = x->x1;
        r[k++] = x->x2;
        if (prev && prev->page == x->page && x->y1 > prev->y1 && x->y1 - prev->y1 < 3 * em)
            p[kp++] = x->y1 - prev->y1;
        prev = x;
    }
    if (k >= (fallback ? 8 : 1)) {
        m.left = mode_of(l, k, 1, m.left, 0);
        m.right = mode_of(r, k, 1, m.right, 1);
    }
    if (kp >= (fallback ? 4 : 1))
        m.pitch = mode_of(p, kp, 0.5, m.pitch, 0);
done:
    free(l);
    free(r);
    free(p);
    return m;
}

/* ---- paragraphs ------------------------------------------------------------ */

static int starts_with(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

static size_t skip_chinese_numeral(const char *s, size_t n, size_t i)
{
    static const char *const digits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                                         "百", "零", "〇"};
    for (int again = 1; again;) {
        again = 0;
        for (size_t d = 0; d < sizeof digits / sizeof *digits; d++)
            if (starts_with(s + i, n - i, digits[d])) {
                i += strlen(digits[d]);
                again = 1;
            }
    }
    return i;
}

/* 一、 （一） (一) 1. 1、 1． （1） 第一章 第一条 第一节 第一部分 at the start of s. */
static int heading_marker(const char *s, size_t n)
{
    size_t i = skip_chinese_numeral(s, n, 0);
    if (i > 0 && starts_with(s + i, n - i, "、"))
        return 1;
    if (starts_with(s, n, "第")) {
        size_t j = skip_chinese_numeral(s, n, strlen("第"));
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j > strlen("第"))
            for (const char *const *w = (const char *const[]){"章", "条", "节", "部分", "篇", NULL}; *w; w++)
                if (starts_with(s + j, n - j, *w))
                    return 1;
    }
    if (starts_with(s, n, "（") || starts_with(s, n, "(")) {
        size_t open = starts_with(s, n, "(") ? 1 : strlen("（");
        size_t j = skip_chinese_numeral(s, n, open);
        if (j == open)
            while (j < n && s[j] >= '0' && s[j] <= '9')
                j++;
        if (j > open && (starts_with(s + j, n - j, "）") || starts_with(s + j, n - j, ")")))
            return 1;
    }
    size_t j = 0;
    while (j < n && j < 3 && s[j] >= '0' && s[j] <= '9')
        j++;
    if (j > 0 && j < n) {
        if (starts_with(s + j, n - j, "、") || starts_with(s + j, n - j, "．"))
            return 1;
        if (s[j] == '.' && (j + 1 >= n || s[j + 1] < '0' || s[j + 1] > '9'))
            return 1;
    }
    return 0;
}

static uint32_t last_cp(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0)
        i--;
    return bgi_pdf_utf8_next(s, n, &i);
}

static int is_ascii_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

/* Whether joining a line ending in s[0..n) and one starting with c needs a
 * space: Latin letters or digits on both sides, not digit against digit. */
static int join_needs_space(const char *s, size_t n, uint32_t c)
{
    if (n == 0 || !bgi_pdf_is_latin_alnum(c))
        return 0;
    size_t end = n;
    uint32_t a = 0;
    /* look past trailing ASCII punctuation: "words,\nnext" (a few characters:
     * a line of dots must not make every join rescan the paragraph) */
    for (int look = 0; end > 0 && look < 8; look++) {
        a = last_cp(s, end);
        if (a < 0x80 && !bgi_pdf_is_latin_alnum(a) && a != '-') {
            while (end > 0 && ((unsigned char)s[end - 1] & 0xC0) == 0x80)
                end--;
            end--;
            continue;
        }
        break;
    }
    if (end == 0 || !bgi_pdf_is_latin_alnum(a))
        return 0;
    if (end < n && last_cp(s, n) == '-')
        return 0;
    return !(end == n && is_ascii_digit(a) && is_ascii_digit(c));
}

/* Whether a line ends with a sentence's closing punctuation: only then does a
 * heading marker on the next line start a paragraph, since a marker-like
 * "一、" also begins lines wrapped inside a sentence ("…和平统" | "一、推进…"). */
static int ends_sentence(const char *s, size_t n)
{
    static const uint32_t closers[] = {0x3002, 0xFF01, 0xFF1F, 0xFF1B, 0xFF1A, 0x201D, 0x300D, 0x300F,
                                       0xFF09, '.', '!', '?', ';', ':', ')'};
    uint32_t c = last_cp(s, n);
    for (size_t i = 0; i < sizeof closers / sizeof *closers; i++)
        if (c == closers[i])
            return 1;
    return 0;
}

typedef struct para_ctx {
    const bgi_pdf_lines *ls;
    double em;               /* body font size */
    measures doc;            /* measures of the whole document */
    measures *page;          /* per page */
} para_ctx;

static int is_large(const para_ctx *c, const bgi_pdf_line *l)
{
    return l->em > c->em * 1.12;
}

/* Width of the unit that opens line l and that a line breaker moves whole:
 * Latin letters and digits ("16.6%", a word, "〔2012〕44") with the brackets
 * around them and the closing punctuation glued to them (。，、；：！？）” may
 * not start a line, 〔（《 not end one), at about half an em a Latin character
 * and an em a CJK mark. Such a move leaves the line before it short without
 * ending its paragraph. 0 when the line opens with no Latin character. */
static double leading_run_width(const para_ctx *c, const bgi_pdf_line *l, double em)
{
    static const char *const glued[] = {"。", "，", "、", "；", "：", "！", "？", "）", "”", "’", "》",
                                        "〕", "】", "〔", "（", "《", "“", "【"};
    const char *t = line_text(c->ls, l);
    size_t n = 0, latin = 0;
    double w = 0;
    for (int more = 1; more && n < l->len;) {
        more = 0;
        if ((unsigned char)t[n] < 0x80 && t[n] != ' ') {
            n++, latin++, w += em * 0.55, more = 1;
            continue;
        }
        for (size_t k = 0; k < sizeof glued / sizeof *glued && !more; k++) {
            size_t gl = strlen(glued[k]);
            if (n + gl <= l->len && memcmp(t + n, glued[k], gl) == 0)
                n += gl, w += em, more = 1;
        }
    }
    return latin ? w : 0;
}

static int starts_paragraph(const para_ctx *c, const bgi_pdf_line *prev, const bgi_pdf_line *l)
{
    if (!prev)
        return 1;
    const measures *mp = &c->page[prev->page - 1], *ml = &c->page[l->page - 1];
    double em = l->em > 0 ? l->em : c->em;
    if (is_large(c, prev) && is_large(c, l) && same_size(prev->em, l->em, 0.05) && prev->page == l->page
        && l->y1 - prev->y2 < 1.2 * em)
        return 0;   /* a title set over several lines */
    /* Justified text stretches the advances of a line with few characters, so
     * a change of size must show in the glyph boxes' height as well. */
    if (!same_size(prev->em, l->em, 0.12) && !same_size(prev->y2 - prev->y1, l->y2 - l->y1, 0.12))
        return 1;
    if (l->x1 > ml->left + 0.9 * em)
        return 1;
    double gap = mp->right - prev->x2;
    if (gap > 2 * (prev->em > 0 ? prev->em : em)
        && (ends_sentence(line_text(c->ls, prev), prev->len) || leading_run_width(c, l, em) + 0.5 * em < gap))
        return 1;
    if (heading_marker(line_text(c->ls, l), l->len) && ends_sentence(line_text(c->ls, prev), prev->len))
        return 1;
    if (prev->page == l->page && ml->pitch > 0 && l->y1 - prev->y1 > 1.35 * ml->pitch + 0.5)
        return 1;
    return 0;
}

static int push_para(bgi_document *out, size_t *cap, int page)
{
    if (out->n_paras == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        bgi_para_info *v = realloc(out->paras, ncap * sizeof *v);
        if (!v)
            return BG_ENOMEM;
        out->paras = v;
        *cap = ncap;
    }
    out->paras[out->n_paras++] = (bgi_para_info){page, 0};
    return 0;
}

static int build(const para_ctx *c, bgi_document *out)
{
    const bgi_pdf_lines *ls = c->ls;
    bgi_buf text = {0};
    size_t cap = 0, para_start = 0;
    const bgi_pdf_line *prev = NULL;
    int rc = 0;
    for (size_t i = 0; i < ls->n && !rc; i++) {
        const bgi_pdf_line *l = &ls->v[i];
        if (l->dropped || l->len == 0)
            continue;
        const char *s = line_text(ls, l);
        if (starts_paragraph(c, prev, l)) {
            if (prev)
                rc = bgi_buf_append(&text, "\n", 1);
            para_start = text.len;
            if (!rc)
                rc = push_para(out, &cap, l->page);
        } else {
            size_t k = 0;
            uint32_t first = bgi_pdf_utf8_next(s, l->len, &k);
            if (join_needs_space(text.data + para_start, text.len - para_start, first))
                rc = bgi_buf_append(&text, " ", 1);
        }
        if (!rc)
            rc = bgi_buf_append(&text, s, l->len);
        prev = l;
    }
    if (rc) {
        bgi_buf_free(&text);
        return rc;
    }
    out->text = text.data;
    out->len = text.len;
    return 0;
}

int bgi_pdf_paragraphs(const bgi_pdf_lines *ls, bgi_document *out, bgi_err *err)
{
    size_t kept = 0;
    for (size_t i = 0; i < ls->n; i++)
        kept += !ls->v[i].dropped && ls->v[i].len > 0;
    if (kept == 0)
        return bgi_err_set(err, BG_ESKIPPED, "scanned PDF without a text layer (OCR is not supported)");
    para_ctx c = {ls, body_em(ls), {0, 0, 0}, calloc(ls->n_pages ? ls->n_pages : 1, sizeof *c.page)};
    if (!c.page)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    c.doc = measure(ls, 0, ls->n, c.em, NULL);
    for (size_t i = 0; i < ls->n;) {
        size_t j = i;
        while (j < ls->n && ls->v[j].page == ls->v[i].page)
            j++;
        c.page[ls->v[i].page - 1] = measure(ls, i, j, c.em, &c.doc);
        i = j;
    }
    for (size_t p = 0; p < ls->n_pages; p++) {
        measures *m = &c.page[p];
        if (m->right == 0 && m->left == 0)
            *m = c.doc;
        /* A page of few or mostly indented lines (a signature, attachment
         * notes) would take an indent for its margin or a right-aligned date
         * for its edge: pages of one document share their margins, so a page
         * keeps the document's unless its own differ by a layout's worth. */
        if (fabs(m->left - c.doc.left) < 3 * c.em)
            m->left = c.doc.left;
        if (fabs(m->right - c.doc.right) < 5 * c.em)
            m->right = c.doc.right;
    }
    int rc = build(&c, out);
    free(c.page);
    if (rc) {
        free(out->paras);
        out->paras = NULL;
        out->n_paras = 0;
        return bgi_err_set(err, rc, "out of memory");
    }
    return 0;
}
