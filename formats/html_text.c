/* html_text.c — the HTML reader's character handling: UTF-8 decoding that
 * never fails, the character classes its decisions use (whitespace,
 * invisible marks, CJK, sentence punctuation, text weight), and the joiner
 * that collapses whitespace the way a paragraph reads (nothing next to a
 * CJK character, one space between Latin words). */
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "baogao.h"
#include "html_priv.h"

/* Decodes one code point from s[*i..n); ill-formed bytes become U+FFFD. */
uint32_t bgi_html_next_cp(const unsigned char *s, size_t n, size_t *i)
{
    unsigned char c = s[*i];
    uint32_t cp;
    size_t need;
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (n - *i <= need) {
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= need; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    bool overlong = (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        (*i)++;
        return 0xFFFD;
    }
    *i += need + 1;
    return cp;
}


/* Collapsible whitespace, including the &nbsp; and ideographic space that
 * portals indent paragraphs with. */
bool bgi_html_is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v'
           || cp == 0xA0 || cp == 0x3000 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
           || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F;
}

/* Characters that are dropped outright: controls, zero-width marks. */
bool bgi_html_is_invisible_cp(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xAD
           || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 || cp == 0xFEFF;
}

static bool is_ideograph(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)
           || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* CJK text in the wide sense: no space is ever needed next to it. */
static bool is_cjk_cp(uint32_t cp)
{
    return is_ideograph(cp) || (cp >= 0x2E80 && cp <= 0x33FF) || (cp >= 0xFF00 && cp <= 0xFFEF)
           || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2014
           || cp == 0x2026 || cp == 0x00B7;
}

/* Punctuation that ends or joins clauses: prose has it, menus do not. */
bool bgi_html_is_sentence_punct(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF0C || cp == 0xFF1B || cp == 0x3001 || cp == 0xFF01
           || cp == 0xFF1F || cp == ',' || cp == ';';
}

/* How much a character weighs as text: an ideograph is a word's worth,
 * a Latin letter or digit about half of one. Counted in half units. */
unsigned bgi_html_text_weight(uint32_t cp)
{
    if (is_ideograph(cp))
        return 2;
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
        return 1;
    return 0;
}

bool bgi_html_ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* Whether s[0..n) contains needle (bytes). */
bool bgi_html_mem_has(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || k > n)
        return k == 0;
    for (const char *p = s; (p = memchr(p, needle[0], (size_t)(s + n - p) - k + 1)) != NULL; p++)
        if (memcmp(p, needle, k) == 0)
            return true;
    return false;
}

/* ---- whitespace-collapsing text joiner --------------------------------- */

void bgi_html_joiner_start(joiner *j, bgi_buf *out)
{
    j->out = out;
    j->start = out->len;
    j->pending_space = false;
    j->last_cp = 0;
}

/* Returns 0, BG_ENOMEM, or 1 when cp was not written (space, invisible). */
int bgi_html_joiner_put(joiner *j, uint32_t cp)
{
    if (bgi_html_is_space_cp(cp)) {
        j->pending_space = j->last_cp != 0 && j->last_cp != '\t';
        return 1;
    }
    if (bgi_html_is_invisible_cp(cp))
        return 1;
    char enc[5];
    /* Chinese is written without spaces, and a line break in the source
     * next to CJK text is layout ("印发<br>2024年"): only Latin words keep
     * the one space between them. */
    if (j->pending_space && !is_cjk_cp(j->last_cp) && !is_cjk_cp(cp)
        && bgi_buf_append(j->out, " ", 1))
        return BG_ENOMEM;
    j->pending_space = false;
    j->last_cp = cp;
    return bgi_buf_append(j->out, enc, bgi_utf8_encode((int32_t)(cp), enc)) ? BG_ENOMEM : 0;
}

/* A tab between table cells; spaces before it are dropped. */
int bgi_html_joiner_tab(joiner *j)
{
    j->pending_space = false;
    j->last_cp = '\t';
    return bgi_buf_append(j->out, "\t", 1) ? BG_ENOMEM : 0;
}

uint32_t bgi_html_count_chars(const unsigned char *s, size_t n, uint32_t *punct)
{
    uint32_t chars = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp = bgi_html_next_cp(s, n, &i);
        if (bgi_html_is_space_cp(cp) || bgi_html_is_invisible_cp(cp))
            continue;
        chars++;
        if (punct && bgi_html_is_sentence_punct(cp))
            (*punct)++;
    }
    return chars;
}

/* s without any whitespace, for comparing titles. */
char *bgi_html_squeeze(const char *s, size_t n)
{
    char *out = malloc(n + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = bgi_html_next_cp((const unsigned char *)s, n, &i);
        if (bgi_html_is_space_cp(cp) || bgi_html_is_invisible_cp(cp))
            continue;
        memcpy(w, s + at, i - at);
        w += i - at;
    }
    *w = '\0';
    return out;
}
