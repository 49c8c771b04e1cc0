/* docx_text.c — the DOCX reader's output as it is built (paragraph text
 * and levels, the first error kept), and the clean-up of each paragraph's
 * raw text: line-break marks resolved (nothing between non-ASCII text, a
 * space between ASCII words), CR/LF as spaces, other control characters
 * dropped, spaces, tabs, U+3000 and NBSP trimmed. */
#include <stdlib.h>
#include <string.h>

#include "baogao.h"
#include "docx_priv.h"

static void out_fail(doc_out *o, int rc)
{
    if (!o->rc)
        o->rc = rc;
}

void bgi_docx_buf_add(doc_out *o, bgi_buf *b, const char *s, size_t n)
{
    if (!o->rc && n && bgi_buf_append(b, s, n))
        out_fail(o, BG_ENOMEM);
}

void bgi_docx_out_para(doc_out *o, const char *s, size_t n, int level)
{
    if (o->rc || !n)
        return;
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        bgi_para_info *p = realloc(o->paras, cap * sizeof *p);
        if (!p)
            return out_fail(o, BG_ENOMEM);
        o->paras = p;
        o->cap = cap;
    }
    if (o->n)
        bgi_docx_buf_add(o, &o->text, "\n", 1);
    bgi_docx_buf_add(o, &o->text, s, n);
    if (o->rc)
        return;
    o->paras[o->n].page = 0;
    o->paras[o->n].level = level;
    o->n++;
}

/* ---- text clean-up ----------------------------------------------------- */

static int is_ascii_word_byte(char c)
{
    unsigned char u = (unsigned char)c;
    return u > 0x20 && u < 0x80;
}

/* Length of a trimmable character (space, tab, U+3000, NBSP) at s[0..n), 0 if
 * none. */
static size_t blank_at(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t'))
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

/* Length of a trimmable character ending at s[n-1], 0 if none. */
static size_t blank_before(const char *s, size_t n)
{
    if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        return 1;
    if (n >= 2 && blank_at(s + n - 2, 2) == 2)
        return 2;
    if (n >= 3 && blank_at(s + n - 3, 3) == 3)
        return 3;
    return 0;
}

/* Turns raw paragraph text into its line, in place: resolves line-break
 * marks, turns CR/LF into spaces, drops other control characters, trims.
 * Returns the new length. */
size_t bgi_docx_clean_line(char *s, size_t n)
{
    size_t w = 0;
    int pending_break = 0;
    for (size_t r = 0; r < n; r++) {
        char c = s[r];
        if (c == BREAK_MARK) {
            pending_break = 1;
            continue;
        }
        if (c == '\r' || c == '\n')
            c = ' ';
        else if ((unsigned char)c < 0x20 && c != '\t')
            continue;
        if (pending_break && w && is_ascii_word_byte(s[w - 1]) && is_ascii_word_byte(c))
            s[w++] = ' ';
        pending_break = 0;
        s[w++] = c;
    }
    size_t start = 0, k;
    while ((k = blank_at(s + start, w - start)) > 0)
        start += k;
    while (w > start && (k = blank_before(s + start, w - start)) > 0)
        w -= k;
    memmove(s, s + start, w - start);
    s[w - start] = '\0';
    return w - start;
}

/* Appends piece to a joined line (a cell, a footnote) as a line break joins:
 * a space only between two ASCII words. */
void bgi_docx_join_piece(doc_out *o, bgi_buf *b, const char *piece, size_t n, const char *sep)
{
    if (!n)
        return;
    if (b->len) {
        if (sep)
            bgi_docx_buf_add(o, b, sep, strlen(sep));
        else if (is_ascii_word_byte(b->data[b->len - 1]) && is_ascii_word_byte(piece[0]))
            bgi_docx_buf_add(o, b, " ", 1);
    }
    bgi_docx_buf_add(o, b, piece, n);
}

