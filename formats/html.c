/* html.c — bg_read_html: a published web page (a government portal's article
 * page, typically) as the paragraphs of its article plus the metadata the
 * portal states around it.
 *
 * The steps, each in its own section below:
 *   1. Charset: a byte order mark, else the bytes when they are valid UTF-8
 *      (a <meta charset=gb2312> on a UTF-8 page is a common lie), else the
 *      charset a <meta> or <?xml?> declaration names in the first 16 KB, else
 *      GB18030 (GB2312 and GBK are read as GB18030, their superset). The page
 *      is converted to UTF-8 here and libxml2 is told so, with the document's
 *      own declaration ignored.
 *   2. libxml2's HTML parser (recovering, no network, silent) builds a tree.
 *      Every walk over it below is iterative: a page of 100,000 nested divs
 *      must not overflow the stack.
 *   3. Numbering: each element gets a record (elem) in pre-order, so that
 *      "A contains B" is an index range test and subtree sums are one
 *      backward pass. script/style/form controls/hidden elements are not
 *      numbered and never looked into.
 *   4. Statistics per subtree: characters, sentence punctuation, tables and
 *      cells, and the labels of a portal's metadata table (索引号：, 发文机关：,
 *      标　　题：...), whose values are collected by a small state machine over
 *      the text nodes in document order (a value sits after its label in the
 *      same text, or in the next cell).
 *   5. Decisions: which elements are metadata blocks (mostly label/value
 *      text with several labels), which are site chrome (nav/header/footer/
 *      aside tags and ids/classes like nav, menu, crumb, footer, share — but
 *      never an element that holds half the page's sentences), which tables
 *      hold data (one line per row, cells joined by a tab) rather than
 *      layout.
 *   6. Lines: the text is cut at block boundaries and <br>, whitespace
 *      collapsed (dropped next to a CJK character, one space between Latin
 *      words), indentation (&nbsp;, U+3000) trimmed.
 *   7. Main content (boilerpipe/readability style, no site rules): each line
 *      scores its non-link characters when it reads like prose (sentence
 *      punctuation or length) and minus its length when it is mostly links,
 *      chrome or boilerplate (版权所有, ICP备, 分享到...). Every element's
 *      score is the sum over its subtree; the element with the best score is
 *      the article, taken whole. An element whose id/class names a content
 *      container (TRS_Editor, UCAP-CONTENT, pages_content, zoom, content...)
 *      is preferred when it holds nearly the same score, so a known container
 *      helps but is never needed.
 *   8. Output: the article's title (found by matching the <title>/ArticleTitle
 *      /标题 title against the lines before the article, else the last <h1>
 *      before it) as the first line, its <br>-split pieces joined; then the
 *      article's lines without boilerplate (source/date/font-size info lines,
 *      share and print bars, lists of links, a repeat of the title).
 *
 * Heading levels (bg_para_info.level): the title line has level 0 (it is
 * metadata and the first line). Inside the article, <h1>..<h6> lines get
 * levels by rank among the heading tags the article uses (its highest tag
 * 1, the next 2, deeper ones 3), so an article written with h2/h3 and one
 * written with h3/h4 come out alike; when more than half the article's
 * lines are headings the tags are decoration and no levels are set. The
 * indexer's structure parser still finds 一、（一）1. itself.
 *
 * Metadata (bg_doc_meta) comes from the metadata block; missing fields from
 * <meta name="ArticleTitle|PubDate|ContentSource"> (ContentSource only as
 * the body, when nothing better says it), and the title last from <title>
 * with the site name cut off ("政府工作报告_中国政府网" → "政府工作报告"),
 * or from the title line. */
#include "document.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/ucnv.h>

#include "baogao.h"
#include "decode.h"
#include "util.h"

/* ---- limits and tuning ------------------------------------------------ */

#define HTML_MAX_BYTES ((size_t)64 << 20)
/* More tags than this is no web page (a 50 MB page of paragraphs has about
 * half a million); each element costs ~450 bytes here and in libxml2, so
 * this bounds the tree to about 1 GB. */
#define HTML_MAX_TAGS 2000000
/* libxml2's depth limit without XML_PARSE_HUGE (xmlParserMaxDepth). */
#define HTML_PARSER_MAX_DEPTH 256
/* A page nested past libxml2's depth limit is parsed again without it only
 * below this many tags (see bg_read_html). */
#define HTML_HUGE_MAX_TAGS 20000
/* A charset declaration later than this is not looked for (browsers look at
 * the first 1 KB; portals sometimes put long scripts before it). */
#define CHARSET_SNIFF_BYTES 16384
/* Text nodes longer than this are prose, never a metadata label or value. */
#define LABEL_NODE_MAX_BYTES 400
/* A metadata value longer than this is not one (runaway cell). */
#define META_VALUE_MAX_BYTES 600
/* A metadata block larger than this (characters) is not one. */
#define META_BLOCK_MAX_CHARS 4000
/* A table cell with more characters or more blocks than these is layout. */
#define DATA_CELL_MAX_CHARS 400
#define DATA_CELL_MAX_BLOCKS 3
/* A heading or title-class element this short joins its <br> pieces. */
#define TITLE_MAX_CHARS 200
/* Boilerplate phrases mark a line only when it is this short (bytes). */
#define BOILERPLATE_MAX_BYTES 300
/* Lines searched for the title before the article starts. */
#define TITLE_WINDOW_LINES 3

#define NONE UINT32_MAX

/* ---- small text helpers ----------------------------------------------- */

/* Decodes one code point from s[*i..n); ill-formed bytes become U+FFFD. */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
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

static size_t put_cp(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Collapsible whitespace, including the &nbsp; and ideographic space that
 * portals indent paragraphs with. */
static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v'
           || cp == 0xA0 || cp == 0x3000 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
           || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F;
}

/* Characters that are dropped outright: controls, zero-width marks. */
static bool is_invisible_cp(uint32_t cp)
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
static bool is_sentence_punct(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF0C || cp == 0xFF1B || cp == 0x3001 || cp == 0xFF01
           || cp == 0xFF1F || cp == ',' || cp == ';';
}

/* How much a character weighs as text: an ideograph is a word's worth,
 * a Latin letter or digit about half of one. Counted in half units. */
static unsigned text_weight(uint32_t cp)
{
    if (is_ideograph(cp))
        return 2;
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
        return 1;
    return 0;
}

static bool ascii_ieq(const char *a, const char *b)
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
static bool mem_has(const char *s, size_t n, const char *needle)
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

/* Appends text to a buffer the way a paragraph reads: runs of whitespace
 * become one space between Latin words and nothing next to a CJK character,
 * with none at the start or the end. */
typedef struct joiner {
    bg_buf *out;
    size_t start;        /* where this paragraph started in out */
    bool pending_space;
    uint32_t last_cp;    /* last character written, 0 at the start */
} joiner;

static void joiner_start(joiner *j, bg_buf *out)
{
    j->out = out;
    j->start = out->len;
    j->pending_space = false;
    j->last_cp = 0;
}

/* Returns 0, BG_ENOMEM, or 1 when cp was not written (space, invisible). */
static int joiner_put(joiner *j, uint32_t cp)
{
    if (is_space_cp(cp)) {
        j->pending_space = j->last_cp != 0 && j->last_cp != '\t';
        return 1;
    }
    if (is_invisible_cp(cp))
        return 1;
    char enc[5];
    /* Chinese is written without spaces, and a line break in the source
     * next to CJK text is layout ("印发<br>2024年"): only Latin words keep
     * the one space between them. */
    if (j->pending_space && !is_cjk_cp(j->last_cp) && !is_cjk_cp(cp)
        && bg_buf_append(j->out, " ", 1))
        return BG_ENOMEM;
    j->pending_space = false;
    j->last_cp = cp;
    return bg_buf_append(j->out, enc, put_cp(enc, cp)) ? BG_ENOMEM : 0;
}

/* A tab between table cells; spaces before it are dropped. */
static int joiner_tab(joiner *j)
{
    j->pending_space = false;
    j->last_cp = '\t';
    return bg_buf_append(j->out, "\t", 1) ? BG_ENOMEM : 0;
}

/* ---- step 1: charset ---------------------------------------------------- */

/* The charset named by a declaration in the page's head, canonicalised to
 * one of ICU's static names, or NULL. */
static const char *charset_from_name(const char *name)
{
    static const struct {
        const char *alias, *canonical;
    } KNOWN[] = {
        {"gb2312", "GB18030"},  {"gbk", "GB18030"},     {"gb18030", "GB18030"},
        {"x-gbk", "GB18030"},   {"cp936", "GB18030"},   {"euc-cn", "GB18030"},
        {"gb_2312-80", "GB18030"}, {"csgb2312", "GB18030"}, {"windows-936", "GB18030"},
        {"utf-8", "UTF-8"},     {"utf8", "UTF-8"},      {"unicode", "UTF-8"},
        {"utf-16", "UTF-8"},    {"utf-16le", "UTF-8"},  {"utf-16be", "UTF-8"},
        {"big5", "Big5"},       {"big5-hkscs", "Big5-HKSCS"},
    };
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (ascii_ieq(name, KNOWN[i].alias))
            return KNOWN[i].canonical;
    /* Anything else ICU knows; its standard names are static data. */
    const char *std = ucnv_getStandardName(name, "IANA", &(UErrorCode){U_ZERO_ERROR});
    if (!std)
        std = ucnv_getStandardName(name, "MIME", &(UErrorCode){U_ZERO_ERROR});
    return std;
}

static bool is_charset_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
           || c == '_' || c == '.' || c == ':';
}

/* Finds "charset" (or "encoding" in <?xml ?>) followed by = and a name
 * inside the tag that starts at p, which ends at the next '>'. */
static const char *charset_in_tag(const char *p, const char *end, const char *key)
{
    size_t klen = strlen(key);
    const char *gt = memchr(p, '>', (size_t)(end - p));
    if (!gt)
        gt = end;
    for (const char *q = p; q + klen < gt; q++) {
        if (strncasecmp(q, key, klen) != 0)
            continue;
        const char *v = q + klen;
        while (v < gt && (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r'))
            v++;
        if (v >= gt || *v != '=')
            continue;
        v++;
        while (v < gt && (*v == ' ' || *v == '"' || *v == '\'' || *v == '\t'))
            v++;
        char name[48];
        size_t k = 0;
        while (v < gt && is_charset_char(*v) && k + 1 < sizeof name)
            name[k++] = *v++;
        name[k] = '\0';
        if (k)
            return charset_from_name(name);
    }
    return NULL;
}

static const char *sniff_declared_charset(const char *b, size_t n)
{
    const char *end = b + (n < CHARSET_SNIFF_BYTES ? n : CHARSET_SNIFF_BYTES);
    for (const char *p = b; p + 5 < end; p++) {
        if (*p != '<')
            continue;
        const char *cs = NULL;
        if (strncasecmp(p + 1, "meta", 4) == 0)
            cs = charset_in_tag(p, end, "charset");
        else if (strncmp(p + 1, "?xml", 4) == 0)
            cs = charset_in_tag(p, end, "encoding");
        if (cs)
            return cs;
    }
    return NULL;
}

static bool is_valid_utf8(const char *b, size_t n)
{
    const unsigned char *s = (const unsigned char *)b;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t before = i;
        if (next_cp(s, n, &i) == 0xFFFD && i == before + 1)
            return false;
    }
    return true;
}

/* Converts with ICU's default substitution (U+FFFD for what cannot be read):
 * a page with a few damaged bytes is still worth reading. */
static int convert_lenient(char **out, size_t *out_len, const char *charset, const char *b,
                           size_t n, bg_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = ucnv_convert("UTF-8", charset, NULL, 0, b, (int32_t)n, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return bg_err_set(err, BG_EDECODE, "cannot convert the page from %s", charset);
    char *text = malloc((size_t)need + 1);
    if (!text)
        return bg_err_set(err, BG_ENOMEM, "out of memory");
    st = U_ZERO_ERROR;
    ucnv_convert("UTF-8", charset, text, need + 1, b, (int32_t)n, &st);
    if (U_FAILURE(st)) {
        free(text);
        return bg_err_set(err, BG_EDECODE, "cannot convert the page from %s", charset);
    }
    text[need] = '\0';
    *out = text;
    *out_len = (size_t)need;
    return 0;
}

/* Only a declared multibyte charset (Big5, Shift_JIS, EUC-KR...) is
 * believed over the bytes: a Chinese page that says ISO-8859-1 or
 * windows-1252 is in practice GBK with a template's default header. */
static bool is_multibyte_charset(const char *name)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &st);
    if (U_FAILURE(st))
        return false;
    bool multi = ucnv_getMaxCharSize(c) > 1;
    ucnv_close(c);
    return multi;
}

/* The page as UTF-8, and the name of the charset it was in. *owned is the
 * converted copy to free, or NULL when *text points into b: a page that is
 * already valid UTF-8 is not copied once more. */
static int decode_page(const char **text, char **owned, size_t *len, const char **encoding,
                       const char *b, size_t n, bg_err *err)
{
    static const char UTF8_BOM[] = "\xEF\xBB\xBF";
    *owned = NULL;
    size_t skip = 0;
    while (n - skip >= 3 && memcmp(b + skip, UTF8_BOM, 3) == 0)
        skip += 3;
    if (!memchr(b, '\0', n) && is_valid_utf8(b + skip, n - skip)) {
        const char *declared = sniff_declared_charset(b, n);
        bool ascii = true;
        for (size_t i = skip; i < n && ascii; i++)
            ascii = (unsigned char)b[i] < 0x80;
        /* nothing contradicts a declaration on a plain ASCII page */
        *encoding = ascii && declared && !skip ? declared : "UTF-8";
        *text = b + skip;
        *len = n - skip;
        return 0;
    }
    bool bom = (n >= 3 && memcmp(b, UTF8_BOM, 3) == 0)
               || (n >= 2 && ((unsigned char)b[0] == 0xFF || (unsigned char)b[0] == 0xFE)
                   && ((unsigned char)b[1] ^ (unsigned char)b[0]) == 0x01);
    const char *declared = bom ? NULL : sniff_declared_charset(b, n);
    bool declared_other = declared && strcmp(declared, "UTF-8") != 0
                          && strcmp(declared, "GB18030") != 0 && is_multibyte_charset(declared);
    if (declared_other && !memchr(b, '\0', n)) {
        *encoding = declared;
        int rc = convert_lenient(owned, len, declared, b, n, err);
        *text = *owned;
        return rc;
    }
    /* bg_decode weighs UTF-8 (strict, then mostly valid) against GB18030,
     * which settles both a lying declaration and a missing one. */
    bg_decoded d;
    int rc = bg_decode(&d, b, n, err);
    if (rc == 0) {
        *text = *owned = d.text;
        *len = d.len;
        *encoding = d.encoding;
        return 0;
    }
    if (rc == BG_ENOMEM || memchr(b, '\0', n))
        return rc;
    /* Neither clean UTF-8 nor clean GB18030: a GBK page with damaged bytes,
     * or control characters in it. Read it as GB18030 with substitutes. */
    bg_err_clear(err);
    *encoding = "GB18030";
    rc = convert_lenient(owned, len, "GB18030", b, n, err);
    *text = *owned;
    return rc;
}

/* ---- tag and attribute tables ------------------------------------------ */

enum tag_kind {
    TK_SKIP = 1 << 0,     /* never read: scripts, styles, form controls, media */
    TK_CHROME = 1 << 1,   /* nav, header, footer, aside, menu */
    TK_BLOCK = 1 << 2,    /* ends a line before and after */
    TK_BR = 1 << 3,
    TK_TABLE = 1 << 4,
    TK_TR = 1 << 5,
    TK_CELL = 1 << 6,
    TK_LINK = 1 << 7,     /* <a>, counted as link text when it has href */
    TK_PRE = 1 << 8,
};

typedef struct tag_info {
    const char *name;
    unsigned kind;
    unsigned char heading;
} tag_info;

static tag_info TAGS[] = {
    {"a", TK_LINK, 0},         {"address", TK_BLOCK, 0},   {"applet", TK_SKIP, 0},
    {"area", TK_SKIP, 0},      {"article", TK_BLOCK, 0},   {"aside", TK_CHROME | TK_BLOCK, 0},
    {"audio", TK_SKIP, 0},     {"base", TK_SKIP, 0},       {"blockquote", TK_BLOCK, 0},
    {"body", TK_BLOCK, 0},     {"br", TK_BR, 0},           {"button", TK_SKIP, 0},
    {"canvas", TK_SKIP, 0},    {"caption", TK_BLOCK, 0},   {"center", TK_BLOCK, 0},
    {"datalist", TK_SKIP, 0},  {"dd", TK_BLOCK, 0},        {"details", TK_BLOCK, 0},
    {"dialog", TK_SKIP, 0},    {"dir", TK_BLOCK, 0},       {"div", TK_BLOCK, 0},
    {"dl", TK_BLOCK, 0},       {"dt", TK_BLOCK, 0},        {"embed", TK_SKIP, 0},
    {"fieldset", TK_BLOCK, 0}, {"figcaption", TK_BLOCK, 0}, {"figure", TK_BLOCK, 0},
    {"footer", TK_CHROME | TK_BLOCK, 0}, {"form", TK_BLOCK, 0}, {"frame", TK_SKIP, 0},
    {"frameset", TK_SKIP, 0},  {"h1", TK_BLOCK, 1},        {"h2", TK_BLOCK, 2},
    {"h3", TK_BLOCK, 3},       {"h4", TK_BLOCK, 4},        {"h5", TK_BLOCK, 5},
    {"h6", TK_BLOCK, 6},       {"head", TK_SKIP, 0},       {"header", TK_CHROME | TK_BLOCK, 0},
    {"hgroup", TK_BLOCK, 0},   {"hr", TK_BLOCK, 0},        {"html", TK_BLOCK, 0},
    {"iframe", TK_SKIP, 0},    {"input", TK_SKIP, 0},      {"legend", TK_BLOCK, 0},
    {"li", TK_BLOCK, 0},       {"link", TK_SKIP, 0},       {"listing", TK_BLOCK | TK_PRE, 0},
    {"main", TK_BLOCK, 0},     {"map", TK_SKIP, 0},        {"math", TK_SKIP, 0},
    {"menu", TK_CHROME | TK_BLOCK, 0}, {"meta", TK_SKIP, 0}, {"nav", TK_CHROME | TK_BLOCK, 0},
    {"noframes", TK_SKIP, 0},  {"noscript", TK_SKIP, 0},   {"object", TK_SKIP, 0},
    {"ol", TK_BLOCK, 0},       {"optgroup", TK_SKIP, 0},   {"option", TK_SKIP, 0},
    {"p", TK_BLOCK, 0},        {"param", TK_SKIP, 0},      {"plaintext", TK_BLOCK | TK_PRE, 0},
    {"pre", TK_BLOCK | TK_PRE, 0}, {"script", TK_SKIP, 0}, {"section", TK_BLOCK, 0},
    {"select", TK_SKIP, 0},    {"source", TK_SKIP, 0},     {"style", TK_SKIP, 0},
    {"summary", TK_BLOCK, 0},  {"svg", TK_SKIP, 0},        {"table", TK_BLOCK | TK_TABLE, 0},
    {"tbody", TK_BLOCK, 0},    {"td", TK_BLOCK | TK_CELL, 0}, {"template", TK_SKIP, 0},
    {"textarea", TK_SKIP, 0},  {"tfoot", TK_BLOCK, 0},     {"th", TK_BLOCK | TK_CELL, 0},
    {"thead", TK_BLOCK, 0},    {"title", TK_SKIP, 0},      {"tr", TK_BLOCK | TK_TR, 0},
    {"track", TK_SKIP, 0},     {"ul", TK_BLOCK, 0},        {"video", TK_SKIP, 0},
    {"xmp", TK_BLOCK | TK_PRE, 0},
};

static int tag_cmp(const void *a, const void *b)
{
    return strcmp(((const tag_info *)a)->name, ((const tag_info *)b)->name);
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libxml2 wants xmlInitParser once before threads parse; the table is kept
 * sorted by hand but sorting it here makes a slip harmless. */
static void init_tables(void)
{
    xmlInitParser();
    qsort(TAGS, sizeof TAGS / sizeof TAGS[0], sizeof TAGS[0], tag_cmp);
}

static const tag_info *tag_lookup(const char *name)
{
    tag_info key = {.name = name};
    return bsearch(&key, TAGS, sizeof TAGS / sizeof TAGS[0], sizeof TAGS[0], tag_cmp);
}

/* id/class fragments (lower case) of a container that holds the article. */
static const char *const CONTENT_NAMES[] = {
    "trs_editor", "trs_ueditor", "ucap-content", "pages_content", "pages-content", "zoom",
    "custom_unionstyle", "article", "content", "detail", "maintext", "main-text", "text",
    "zhengwen", "vsb_content", "art_con", "news_con", "con_con", "info_con",
};
/* ...and of site chrome. */
static const char *const CHROME_NAMES[] = {
    "nav", "menu", "crumb", "footer", "share", "copyright", "sidebar", "position", "location",
    "dqwz", "weizhi", "banner", "toolbar", "print", "xgxx", "xglj", "related", "friendlink",
    "bottom", "fenxiang", "jiucuo",
};
/* ...chrome only as a whole word: "head" alone, not "article-head". */
static const char *const CHROME_WORDS[] = {"header", "head", "top", "foot", "tools", "links"};

/* ---- document model ------------------------------------------------------ */

enum elem_flag {
    EF_BLOCK = 1 << 0,         /* tag is a block (before table decisions) */
    EF_CHROME_MARK = 1 << 1,   /* tag, id or class says chrome */
    EF_KNOWN = 1 << 2,         /* id or class names a content container */
    EF_TITLE_CLASS = 1 << 3,   /* id or class contains "title" */
    EF_LINK = 1 << 4,          /* <a href> */
    EF_TABLE = 1 << 5,
    EF_TR = 1 << 6,
    EF_CELL = 1 << 7,
    EF_BR = 1 << 8,
    EF_PRE = 1 << 9,
    EF_META = 1 << 10,         /* decided: a metadata block */
    EF_DATA_TABLE = 1 << 11,   /* decided: a table of data */
    EF_CHROME = 1 << 12,       /* decided: chrome (mark not overruled) */
    EF_LOOSE_META = 1 << 13,   /* scratch for the metadata decision */
};

/* Flags that hold for everything inside an element. */
enum inherited_flag {
    IN_CHROME = 1 << 0,
    IN_META = 1 << 1,
    IN_LINK = 1 << 2,
    IN_DATA = 1 << 3,          /* inside a data table */
    IN_SOFT_BR = 1 << 4,       /* <br> is a space here (short heading, title) */
    IN_PRE = 1 << 5,
};

typedef struct elem {
    xmlNodePtr node;
    uint32_t parent, end;      /* end: index of the last element in the subtree */
    uint32_t raw_block;        /* nearest block ancestor-or-self by tag alone */
    uint32_t block;            /* ...after table decisions: a line's owner */
    uint32_t flags, inh;
    unsigned char heading, inh_heading;
    /* subtree sums after accumulate_subtrees() */
    uint32_t chars, meta_chars, punct, blocks, tables;
    uint32_t max_cell_chars, max_cell_blocks, max_cols, cols, cells_seen;
    uint64_t labels;
    double score, pos, neg;
    double bad;                /* -score of chrome, link and boilerplate lines */
    uint32_t n_lines;          /* lines owned in the subtree */
} elem;

/* One label of a metadata block seen on the page, and its value. */
typedef struct meta_hit {
    int label;                 /* index into LABELS */
    uint32_t elem;
    bg_buf value;
    uint32_t last_cp;          /* last character of value, for joining */
} meta_hit;

enum meta_field { MF_TITLE, MF_BODY, MF_DATE, MF_DOCNO, MF_PUBLISHED, MF_SUBJECT, MF_INDEX, MF_OTHER };

static const struct {
    const char *text;
    enum meta_field field;
} LABELS[] = {
    {"索引号", MF_INDEX},       {"主题分类", MF_SUBJECT},   {"发文机关", MF_BODY},
    {"发文单位", MF_BODY},      {"发布机构", MF_BODY},      {"发布机关", MF_BODY},
    {"制发机关", MF_BODY},      {"成文日期", MF_DATE},      {"生成日期", MF_DATE},
    {"印发日期", MF_DATE},      {"标题", MF_TITLE},         {"文件名称", MF_TITLE},
    {"发文字号", MF_DOCNO},     {"文件编号", MF_DOCNO},     {"文号", MF_DOCNO},
    {"发布日期", MF_PUBLISHED}, {"发布时间", MF_PUBLISHED}, {"公开日期", MF_PUBLISHED},
    {"分类", MF_SUBJECT},       {"信息分类", MF_OTHER},     {"体裁分类", MF_OTHER},
    {"组配分类", MF_OTHER},     {"服务对象", MF_OTHER},     {"信息来源", MF_OTHER},
    {"文章来源", MF_OTHER},     {"来源", MF_OTHER},         {"作者", MF_OTHER},
    {"浏览次数", MF_OTHER},     {"点击次数", MF_OTHER},     {"阅读次数", MF_OTHER},
    {"访问次数", MF_OTHER},     {"点击数", MF_OTHER},       {"字号", MF_OTHER},
    {"字体", MF_OTHER},         {"公开方式", MF_OTHER},     {"公开范围", MF_OTHER},
    {"公开形式", MF_OTHER},     {"公开时限", MF_OTHER},     {"有效性", MF_OTHER},
    {"时效性", MF_OTHER},       {"效力状态", MF_OTHER},     {"主题词", MF_OTHER},
    {"关键词", MF_OTHER},       {"责任部门", MF_OTHER},     {"责任编辑", MF_OTHER},
    {"实施日期", MF_OTHER},     {"废止日期", MF_OTHER},     {"有效期", MF_OTHER},
};
#define N_LABELS (sizeof LABELS / sizeof LABELS[0])

/* One paragraph as cut from the page. */
typedef struct line {
    size_t off, len;           /* in the reader's line buffer */
    uint32_t owner;            /* elem whose block the line is in */
    uint32_t inh;              /* inherited flags where the line starts */
    uint32_t weight;           /* text weight, half units (text_weight) */
    uint32_t link_weight;      /* ...of it inside links */
    uint32_t punct, n_links;
    unsigned char heading;
    bool boilerplate;          /* set once by mark_boilerplate() */
    bool drop;
} line;

typedef struct reader {
    elem *elems;
    size_t n_elems, cap_elems;
    meta_hit *hits;
    size_t n_hits, cap_hits;
    /* metadata state machine over text nodes in document order */
    enum { MS_NONE, MS_AWAIT, MS_VALUE } mstate;
    size_t mhit;               /* the hit being filled */
    uint32_t mcell;            /* the block the value is in: it ends there */
    uint32_t mrow;             /* the label's row: a value must come before it ends */
    /* lines */
    bg_buf text;
    line *lines;
    size_t n_lines, cap_lines;
    bool line_open;
    joiner join;
    line cur;
    uint32_t last_link;        /* the <a> the last linked text was in */
    uint32_t page_punct;
    bg_err *err;
} reader;

static int oom(reader *r)
{
    return bg_err_set(r->err, BG_ENOMEM, "out of memory");
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 256;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * size);
    if (!p)
        return BG_ENOMEM;
    *arr = p;
    *cap = ncap;
    return 0;
}

static uint32_t elem_of(xmlNodePtr n)
{
    return n && n->_private ? (uint32_t)((uintptr_t)n->_private - 1) : NONE;
}

static bool contains(const reader *r, uint32_t outer, uint32_t inner)
{
    return outer != NONE && inner != NONE && inner >= outer && inner <= r->elems[outer].end;
}

/* ---- generic iterative walk ----------------------------------------------- */

typedef struct walk_ops {
    /* returns <0 to stop, 0 to skip the element's children, 1 to enter them */
    int (*enter)(reader *r, xmlNodePtr n);
    int (*leave)(reader *r, xmlNodePtr n);
    int (*text)(reader *r, xmlNodePtr n);
} walk_ops;

static int walk(reader *r, xmlNodePtr root, const walk_ops *ops)
{
    xmlNodePtr n = root;
    while (n) {
        int descend = 0, rc = 0;
        if (n->type == XML_ELEMENT_NODE)
            descend = ops->enter(r, n);
        else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && ops->text)
            rc = ops->text(r, n);
        if (descend < 0)
            return descend;
        if (rc < 0)
            return rc;
        if (descend && n->children) {
            n = n->children;
            continue;
        }
        if (descend && ops->leave && (rc = ops->leave(r, n)) < 0)
            return rc;
        while (n != root && !n->next) {
            n = n->parent;
            if (ops->leave && (rc = ops->leave(r, n)) < 0)
                return rc;
        }
        if (n == root)
            break;
        n = n->next;
    }
    return 0;
}

/* ---- step 3: numbering ---------------------------------------------------- */

static char *attr_lower(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    for (xmlChar *p = v; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (xmlChar)(*p - 'A' + 'a');
    return (char *)v;
}

static bool is_hidden(xmlNodePtr n)
{
    if (xmlHasProp(n, (const xmlChar *)"hidden"))
        return true;
    char *style = attr_lower(n, "style");
    if (!style)
        return false;
    char *w = style;
    for (char *p = style; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            *w++ = *p;
    *w = '\0';
    bool hidden = strstr(style, "display:none") || strstr(style, "visibility:hidden");
    xmlFree(style);
    return hidden;
}

static bool has_word(const char *s, const char *word)
{
    size_t k = strlen(word);
    for (const char *p = s; (p = strstr(p, word)) != NULL; p++) {
        bool start = p == s || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= '0' && p[-1] <= '9'));
        char after = p[k];
        bool stop = !((after >= 'a' && after <= 'z') || (after >= '0' && after <= '9'));
        if (start && stop)
            return true;
    }
    return false;
}

/* What an element's id and class say about it. */
static uint32_t name_flags(xmlNodePtr n)
{
    uint32_t f = 0;
    const char *attrs[2] = {"id", "class"};
    for (int a = 0; a < 2; a++) {
        char *v = attr_lower(n, attrs[a]);
        if (!v)
            continue;
        for (size_t i = 0; i < sizeof CONTENT_NAMES / sizeof CONTENT_NAMES[0]; i++)
            if (strstr(v, CONTENT_NAMES[i]))
                f |= EF_KNOWN;
        for (size_t i = 0; i < sizeof CHROME_NAMES / sizeof CHROME_NAMES[0]; i++)
            if (strstr(v, CHROME_NAMES[i]))
                f |= EF_CHROME_MARK;
        for (size_t i = 0; i < sizeof CHROME_WORDS / sizeof CHROME_WORDS[0]; i++)
            if (has_word(v, CHROME_WORDS[i]))
                f |= EF_CHROME_MARK;
        if (strstr(v, "title") || has_word(v, "bt") || has_word(v, "tit"))
            f |= EF_TITLE_CLASS;
        xmlFree(v);
    }
    if (f & EF_KNOWN)
        f &= ~(uint32_t)EF_CHROME_MARK;  /* "content-share"? the content wins */
    return f;
}

static int number_enter(reader *r, xmlNodePtr n)
{
    const tag_info *t = n->name ? tag_lookup((const char *)n->name) : NULL;
    unsigned kind = t ? t->kind : 0;
    if ((kind & TK_SKIP) || is_hidden(n))
        return 0;
    if (grow((void **)&r->elems, &r->cap_elems, r->n_elems + 1, sizeof *r->elems))
        return oom(r);
    uint32_t i = (uint32_t)r->n_elems++;
    elem *e = &r->elems[i];
    memset(e, 0, sizeof *e);
    e->node = n;
    e->parent = elem_of(n->parent);
    e->end = i;
    e->heading = t ? t->heading : 0;
    n->_private = (void *)(uintptr_t)(i + 1);
    uint32_t f = name_flags(n);
    if (kind & TK_BLOCK)
        f |= EF_BLOCK;
    if (kind & TK_CHROME)
        f |= EF_CHROME_MARK;
    if ((kind & TK_LINK) && xmlHasProp(n, (const xmlChar *)"href"))
        f |= EF_LINK;
    if (kind & TK_TABLE)
        f |= EF_TABLE;
    if (kind & TK_TR)
        f |= EF_TR;
    if (kind & TK_CELL) {
        f |= EF_CELL;
        if (e->parent != NONE && (r->elems[e->parent].flags & EF_TR))
            r->elems[e->parent].cols++;
    }
    if (kind & TK_BR)
        f |= EF_BR;
    if (kind & TK_PRE)
        f |= EF_PRE;
    e->flags = f;
    e->raw_block = (f & EF_BLOCK) || e->parent == NONE ? i : r->elems[e->parent].raw_block;
    return 1;
}

static int number_leave(reader *r, xmlNodePtr n)
{
    uint32_t i = elem_of(n);
    if (i == NONE)
        return 0;
    r->elems[i].end = (uint32_t)r->n_elems - 1;
    /* A value ends with its block; a label still waiting for one gives up
     * when the row around it ends. The walk is in document order, so an
     * element that has not been left yet contains what is read now. */
    if ((r->mstate == MS_VALUE && i == r->mcell) || (r->mstate == MS_AWAIT && i == r->mrow))
        r->mstate = MS_NONE;
    return 0;
}

/* ---- step 4: statistics and metadata labels ------------------------------ */

/* If a label starts at s[*i] (whitespace allowed between its characters,
 * as in "标　　题" and "索&nbsp;引&nbsp;号"), returns its index and moves *i
 * past it and its colon; a label without colon counts only when nothing
 * follows it (a <th>索引号</th> cell). */
static int label_at(const unsigned char *s, size_t n, size_t *i, bool at_start)
{
    size_t p0 = *i;
    while (p0 < n) {
        size_t q = p0;
        if (!is_space_cp(next_cp(s, n, &q)))
            break;
        p0 = q;
    }
    if (p0 + 1 >= n || s[p0] < 0xE0)
        return -1;
    for (size_t l = 0; l < N_LABELS; l++) {
        const unsigned char *lab = (const unsigned char *)LABELS[l].text;
        size_t llen = strlen(LABELS[l].text), li = 0, p = p0;
        if (s[p0] != lab[0] || s[p0 + 1] != lab[1])
            continue;
        bool ok = true;
        while (ok && li < llen) {
            uint32_t want = next_cp(lab, llen, &li), got = 0;
            do
                got = p < n ? next_cp(s, n, &p) : 0;
            while (is_space_cp(got) && p < n);
            ok = got == want;
        }
        if (!ok)
            continue;
        uint32_t c = 0;
        while (p < n && is_space_cp(c = next_cp(s, n, &p)))
            ;
        if (p <= n && (c == 0xFF1A || c == ':')) {
            *i = p;
            return (int)l;
        }
        if (at_start && (p >= n && (c == 0 || is_space_cp(c)))) {
            *i = n;
            return (int)l;
        }
    }
    return -1;
}

/* Where the next label with a colon starts after whitespace in s[from..n),
 * or n. */
static size_t next_label_start(const unsigned char *s, size_t n, size_t from)
{
    bool after_space = false;
    for (size_t i = from; i < n;) {
        size_t at = i;
        uint32_t cp = next_cp(s, n, &i);
        if (is_space_cp(cp)) {
            after_space = true;
            continue;
        }
        if (after_space) {
            size_t probe = at;
            if (label_at(s, n, &probe, false) >= 0)
                return at;
        }
        after_space = false;
    }
    return n;
}

static uint32_t count_chars(const unsigned char *s, size_t n, uint32_t *punct)
{
    uint32_t chars = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp = next_cp(s, n, &i);
        if (is_space_cp(cp) || is_invisible_cp(cp))
            continue;
        chars++;
        if (punct && is_sentence_punct(cp))
            (*punct)++;
    }
    return chars;
}

static int add_hit(reader *r, int label, uint32_t e)
{
    if (grow((void **)&r->hits, &r->cap_hits, r->n_hits + 1, sizeof *r->hits))
        return oom(r);
    r->hits[r->n_hits++] = (meta_hit){.label = label, .elem = e};
    r->mhit = r->n_hits - 1;
    r->mstate = MS_AWAIT;
    r->mrow = r->elems[r->elems[e].raw_block].parent;
    return 0;
}

static int add_value(reader *r, const unsigned char *s, size_t n, uint32_t cell)
{
    meta_hit *hit = &r->hits[r->mhit];
    if (hit->value.len + n > META_VALUE_MAX_BYTES) {
        r->mstate = MS_NONE;
        return 0;
    }
    joiner j;
    joiner_start(&j, &hit->value);
    /* a value split over text nodes ("国发〔2023〕<span>1</span>号") joins
     * by the same rule as any paragraph */
    j.last_cp = hit->last_cp;
    j.pending_space = hit->last_cp != 0;
    for (size_t i = 0; i < n;)
        if (joiner_put(&j, next_cp(s, n, &i)) == BG_ENOMEM)
            return oom(r);
    hit->last_cp = j.last_cp;
    r->mstate = MS_VALUE;
    r->mcell = cell;
    return 0;
}

/* Runs the label/value state machine over one short text node; returns the
 * characters that were label or value. */
static int scan_labels(reader *r, const unsigned char *s, size_t n, uint32_t e, uint32_t *meta)
{
    uint32_t cell = r->elems[e].raw_block;
    size_t i = 0;
    bool first = true;
    while (i < n) {
        size_t at = i;
        int l = label_at(s, n, &i, first);
        first = false;
        if (l >= 0) {
            *meta += count_chars(s + at, i - at, NULL);
            r->elems[e].labels |= UINT64_C(1) << l;
            if (add_hit(r, l, e))
                return BG_ENOMEM;
        }
        size_t stop = next_label_start(s, n, i);
        uint32_t seg = count_chars(s + i, stop - i, NULL);
        if (seg && r->mstate != MS_NONE) {
            if (add_value(r, s + i, stop - i, cell))
                return BG_ENOMEM;
            *meta += seg;
        } else if (seg) {
            r->mstate = MS_NONE;
        }
        if (stop == i && l < 0)
            break;
        i = stop;
    }
    return 0;
}

static int stats_text(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n->parent);
    if (e == NONE || !n->content)
        return 0;
    const unsigned char *s = n->content;
    size_t len = strlen((const char *)s);
    uint32_t punct = 0, chars = count_chars(s, len, &punct);
    if (!chars)
        return 0;
    elem *el = &r->elems[e];
    el->chars += chars;
    el->punct += punct;
    if (len > LABEL_NODE_MAX_BYTES) {
        r->mstate = MS_NONE;
        return 0;
    }
    uint32_t meta = 0;
    if (scan_labels(r, s, len, e, &meta))
        return BG_ENOMEM;
    r->elems[e].meta_chars += meta;
    return 0;
}

/* Children come after their parent in pre-order, so one backward pass
 * folds every subtree into its root. */
static void accumulate_subtrees(reader *r)
{
    for (size_t k = r->n_elems; k-- > 0;) {
        elem *e = &r->elems[k];
        if (e->flags & EF_TABLE)
            e->tables++;
        if (e->flags & (EF_BLOCK | EF_BR))
            e->blocks++;
        if (e->flags & EF_CELL) {
            if (e->chars > e->max_cell_chars)
                e->max_cell_chars = e->chars;
            if (e->blocks - 1 > e->max_cell_blocks)
                e->max_cell_blocks = e->blocks - 1;
        }
        if (e->cols > e->max_cols)
            e->max_cols = e->cols;
        if (e->parent == NONE)
            continue;
        elem *p = &r->elems[e->parent];
        p->chars += e->chars;
        p->meta_chars += e->meta_chars;
        p->punct += e->punct;
        p->blocks += e->blocks;
        p->tables += e->tables;
        p->labels |= e->labels;
        if (e->max_cell_chars > p->max_cell_chars)
            p->max_cell_chars = e->max_cell_chars;
        if (e->max_cell_blocks > p->max_cell_blocks)
            p->max_cell_blocks = e->max_cell_blocks;
        if (e->max_cols > p->max_cols)
            p->max_cols = e->max_cols;
    }
}

/* ---- step 5: decisions ---------------------------------------------------- */

static uint64_t main_label_mask(void)
{
    uint64_t m = 0;
    for (size_t l = 0; l < N_LABELS; l++)
        if (LABELS[l].field != MF_OTHER)
            m |= UINT64_C(1) << l;
    return m;
}

/* A metadata block is mostly label and value text with several labels, one
 * of them a real field. Strict blocks (90% metadata) are taken as large as
 * they go, so the title row and the table around the rows go with them;
 * loose ones (70%, three labels) only at their smallest, so that an article
 * title or a short notice beside the table is never swallowed. */
static void decide_meta(reader *r)
{
    uint64_t mains = main_label_mask();
    size_t n = r->n_elems ? r->n_elems : 1;
    bool *strict = calloc(n, sizeof *strict), *loose_below = calloc(n, sizeof *loose_below);
    if (!strict || !loose_below)
        goto done;  /* without the decision the labels stay text: not fatal */
    for (size_t k = r->n_elems; k-- > 0;) {
        elem *e = &r->elems[k];
        int nl = __builtin_popcountll(e->labels);
        bool ok = (e->labels & mains) && e->chars <= META_BLOCK_MAX_CHARS;
        strict[k] = ok && nl >= 2 && e->meta_chars * 10 >= e->chars * 9;
        bool loose = ok && nl >= 3 && e->meta_chars * 10 >= e->chars * 7;
        if (loose && !loose_below[k])
            e->flags |= EF_LOOSE_META;
        if (e->parent != NONE && (loose || loose_below[k]))
            loose_below[e->parent] = true;
    }
    for (size_t k = 0; k < r->n_elems; k++) {
        elem *e = &r->elems[k];
        if (e->parent != NONE && (r->elems[e->parent].inh & IN_META))
            e->inh |= IN_META;
        else if (strict[k] || (e->flags & EF_LOOSE_META)) {
            e->flags |= EF_META;
            e->inh |= IN_META;
        }
    }
done:
    free(strict);
    free(loose_below);
}

static bool is_data_table(const elem *e)
{
    return e->tables == 1 && e->max_cols >= 2 && e->max_cell_chars <= DATA_CELL_MAX_CHARS
           && e->max_cell_blocks <= DATA_CELL_MAX_BLOCKS;
}

/* Forward pass: what holds for everything inside each element. */
static void decide_inherited(reader *r)
{
    uint32_t page_punct = r->n_elems ? r->elems[0].punct : 0;
    r->page_punct = page_punct;
    for (size_t k = 0; k < r->n_elems; k++) {
        elem *e = &r->elems[k];
        const elem *p = e->parent != NONE ? &r->elems[e->parent] : NULL;
        uint32_t inh = (e->inh & IN_META) | (p ? p->inh : 0);
        e->inh_heading = e->heading ? e->heading : p ? p->inh_heading : 0;
        /* An element that holds half the page's sentences is the article,
         * whatever its class says. */
        if ((e->flags & EF_CHROME_MARK) && e->punct * 2 < page_punct + 1) {
            e->flags |= EF_CHROME;
            inh |= IN_CHROME;
        }
        if (e->flags & EF_LINK)
            inh |= IN_LINK;
        if (e->flags & EF_PRE)
            inh |= IN_PRE;
        if ((e->flags & EF_TABLE) && !(inh & IN_DATA) && !(inh & IN_META) && is_data_table(e)) {
            e->flags |= EF_DATA_TABLE;
            inh |= IN_DATA;
        }
        if ((e->heading || (e->flags & EF_TITLE_CLASS)) && e->chars <= TITLE_MAX_CHARS)
            inh |= IN_SOFT_BR;
        e->inh = inh;
        /* In a data table only rows end lines; cells are joined by tabs. */
        bool block = (e->flags & EF_BLOCK)
                     && (!(inh & IN_DATA) || (e->flags & (EF_TR | EF_TABLE)));
        e->block = block || !p ? (uint32_t)k : p->block;
    }
}

/* ---- step 6: lines ---------------------------------------------------------- */

static int line_break(reader *r)
{
    if (!r->line_open)
        return 0;
    r->line_open = false;
    /* trailing tabs of empty cells go, leading ones too */
    size_t start = r->join.start, end = r->text.len;
    while (end > start && r->text.data[end - 1] == '\t')
        end--;
    while (start < end && r->text.data[start] == '\t')
        start++;
    if (start == end) {
        r->text.len = r->join.start;
        return 0;
    }
    if (grow((void **)&r->lines, &r->cap_lines, r->n_lines + 1, sizeof *r->lines))
        return oom(r);
    line *l = &r->cur;
    l->off = start;
    l->len = end - start;
    r->lines[r->n_lines++] = *l;
    r->text.len = end;
    return 0;
}

static void line_open(reader *r, uint32_t e)
{
    if (r->line_open)
        return;
    r->line_open = true;
    joiner_start(&r->join, &r->text);
    const elem *el = &r->elems[e];
    r->cur = (line){.owner = el->block, .inh = el->inh, .heading = el->inh_heading};
    r->last_link = NONE;
}

static int lines_enter(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n);
    if (e == NONE)
        return 0;
    const elem *el = &r->elems[e];
    if (el->block == e && line_break(r))
        return BG_ENOMEM;
    if (el->flags & EF_BR) {
        if (el->inh & (IN_SOFT_BR | IN_DATA))
            r->join.pending_space = r->line_open && r->join.last_cp && r->join.last_cp != '\t';
        else if (line_break(r))
            return BG_ENOMEM;
    }
    if ((el->flags & EF_CELL) && (el->inh & IN_DATA) && el->parent != NONE) {
        elem *row = &r->elems[el->parent];
        if (row->cells_seen++ > 0) {
            line_open(r, e);
            if (joiner_tab(&r->join))
                return oom(r);
        }
    }
    return 1;
}

static int lines_leave(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n);
    if (e != NONE && r->elems[e].block == e)
        return line_break(r);
    if (e != NONE && (r->elems[e].inh & IN_DATA) && (r->elems[e].flags & EF_BLOCK))
        r->join.pending_space = r->line_open && r->join.last_cp && r->join.last_cp != '\t';
    return 0;
}

static uint32_t link_ancestor(const reader *r, uint32_t e)
{
    while (e != NONE && !(r->elems[e].flags & EF_LINK))
        e = r->elems[e].parent;
    return e;
}

static int lines_text(reader *r, xmlNodePtr n)
{
    uint32_t e = elem_of(n->parent);
    if (e == NONE || !n->content)
        return 0;
    const unsigned char *s = n->content;
    size_t len = strlen((const char *)s);
    const elem *el = &r->elems[e];
    bool linked = el->inh & IN_LINK, pre = el->inh & IN_PRE;
    uint32_t link = linked ? link_ancestor(r, e) : NONE;
    for (size_t i = 0; i < len;) {
        uint32_t cp = next_cp(s, len, &i);
        if (pre && cp == '\n') {
            if (line_break(r))
                return BG_ENOMEM;
            continue;
        }
        if (!r->line_open) {
            if (is_space_cp(cp) || is_invisible_cp(cp))
                continue;
            line_open(r, e);
        }
        int rc = joiner_put(&r->join, cp);
        if (rc == BG_ENOMEM)
            return oom(r);
        if (rc)
            continue;
        unsigned w = text_weight(cp);
        r->cur.weight += w;
        if (is_sentence_punct(cp))
            r->cur.punct++;
        if (linked) {
            r->cur.link_weight += w;
            if (link != r->last_link) {
                r->last_link = link;
                r->cur.n_links++;
            }
        }
    }
    return 0;
}

/* ---- step 7: main content ---------------------------------------------------- */

static const char *line_text(const reader *r, const line *l)
{
    return r->text.data + l->off;
}

/* Phrases of site furniture: breadcrumbs, share and print bars, footers. */
static const char *const BOILERPLATE[] = {
    "版权所有", "ICP备", "ICP证", "网站标识码", "公网安备", "分享到", "打印本页", "关闭窗口",
    "当前位置", "您的位置", "现在的位置", "所在位置", "字体：", "字号：", "字体:", "字号:",
    "【打印】", "【关闭】", "[打印]", "[关闭]", "扫一扫", "主办单位", "承办单位", "主办：",
    "承办：", "联系我们", "网站地图", "Copyright", "COPYRIGHT", "copyright", "©", "上一篇",
    "下一篇", "技术支持", "分辨率", "返回顶部", "我要纠错", "责任编辑", "浏览次数", "点击次数",
    "阅读次数", "访问次数", "点击数：", "浏览量", "来源：", "来源:", "作者：", "作者:",
    "【收藏】", "加入收藏", "设为首页", "无障碍", "适老化",
};

/* Whether a line is site furniture by its words; prose that happens to use
 * one of the phrases is longer and has full stops. */
static bool is_boilerplate(const reader *r, const line *l)
{
    if (l->len > BOILERPLATE_MAX_BYTES)
        return false;
    const char *s = line_text(r, l);
    if (l->weight > 80 && mem_has(s, l->len, "。"))
        return false;
    for (size_t i = 0; i < sizeof BOILERPLATE / sizeof BOILERPLATE[0]; i++)
        if (mem_has(s, l->len, BOILERPLATE[i]))
            return true;
    return mem_has(s, l->len, "地址") && (mem_has(s, l->len, "电话") || mem_has(s, l->len, "邮编"));
}

static void mark_boilerplate(reader *r)
{
    for (size_t k = 0; k < r->n_lines; k++)
        r->lines[k].boilerplate = is_boilerplate(r, &r->lines[k]);
}

static bool is_link_dominated(const line *l)
{
    return l->link_weight * 2 > l->weight;
}

static bool is_bad_line(const line *l)
{
    return !(l->inh & IN_META) && ((l->inh & IN_CHROME) || is_link_dominated(l) || l->boilerplate);
}

/* What a line adds to the score of the elements around it. */
static double line_value(const line *l)
{
    double chars = l->weight / 2.0;
    if (l->inh & IN_META)
        return 0;
    if (is_bad_line(l))
        return -chars;
    double own = (l->weight - l->link_weight) / 2.0;
    if (l->punct >= 2 || own >= 40 || (l->punct == 1 && own >= 10))
        return own;
    return -0.2 * chars;  /* a short line without punctuation: menu or label */
}

static bool can_widen_to(const reader *r, uint32_t p)
{
    return p != NONE && !(r->elems[p].inh & (IN_META | IN_CHROME));
}

/* A single paragraph is never the whole article: its parent is (readability
 * scores the parents of paragraphs for the same reason), however much
 * furniture sits beside it. And an article's salutation, signature and date
 * are short lines that score a little below zero, so parents that add only
 * such lines (nothing chrome, linked or boilerplate) are taken too. */
static uint32_t widen(const reader *r, uint32_t c)
{
    if (r->elems[c].n_lines <= 1 && can_widen_to(r, r->elems[c].parent))
        c = r->elems[c].parent;
    while (can_widen_to(r, r->elems[c].parent)
           && r->elems[r->elems[c].parent].bad <= r->elems[c].bad + 1e-9)
        c = r->elems[c].parent;
    return c;
}

static uint32_t pick_container(reader *r)
{
    mark_boilerplate(r);
    for (size_t k = 0; k < r->n_lines; k++) {
        double v = line_value(&r->lines[k]);
        elem *e = &r->elems[r->lines[k].owner];
        e->n_lines++;
        if (is_bad_line(&r->lines[k]))
            e->bad -= v;
        e->score += v;
        if (v > 0)
            e->pos += v;
        else
            e->neg -= v;
    }
    for (size_t k = r->n_elems; k-- > 1;) {
        elem *e = &r->elems[k], *p = &r->elems[e->parent];
        p->score += e->score;
        p->pos += e->pos;
        p->neg += e->neg;
        p->bad += e->bad;
        p->n_lines += e->n_lines;
    }
    uint32_t best = NONE;
    for (size_t k = 0; k < r->n_elems; k++) {
        const elem *e = &r->elems[k];
        if (e->inh & (IN_META | IN_CHROME))
            continue;
        /* ties go to the descendant: the same text with less around it */
        if (best == NONE || e->score > r->elems[best].score
            || (e->score == r->elems[best].score && contains(r, best, (uint32_t)k)))
            best = (uint32_t)k;
    }
    if (best == NONE || r->elems[best].score <= 0)
        return NONE;
    /* A named content container with nearly the same score is the article
     * as its site meant it: narrow to the best such one inside, else widen
     * to the closest one around (when what it adds is mostly not chrome). */
    const elem *b = &r->elems[best];
    uint32_t narrower = NONE, wider = NONE;
    for (size_t k = 0; k < r->n_elems; k++) {
        const elem *e = &r->elems[k];
        if (!(e->flags & EF_KNOWN) || (e->inh & (IN_META | IN_CHROME)))
            continue;
        if (contains(r, best, (uint32_t)k) && e->score >= 0.9 * b->score
            && (narrower == NONE || e->score > r->elems[narrower].score))
            narrower = (uint32_t)k;
        else if (contains(r, (uint32_t)k, best) && e->score >= 0.85 * b->score
                 && e->neg <= 0.25 * e->pos)
            wider = (uint32_t)k;  /* pre-order: the last one is the closest */
    }
    return widen(r, narrower != NONE ? narrower : wider != NONE ? wider : best);
}

static bool looks_like_attachment(const reader *r, const line *l)
{
    static const char *const EXT[] = {".doc", ".pdf", ".xls", ".wps", ".zip", ".rar", ".ofd",
                                      ".et", ".DOC", ".PDF", ".XLS"};
    const char *s = line_text(r, l);
    if (l->len >= 6 && memcmp(s, "附件", 6) == 0)
        return true;
    for (size_t i = 0; i < sizeof EXT / sizeof EXT[0]; i++)
        if (mem_has(s, l->len, EXT[i]))
            return true;
    return false;
}

/* The source/date/font-size line under a title, a share bar, a list of
 * related links: not the article even when inside its container. */
static void drop_furniture(reader *r, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++) {
        line *l = &r->lines[k];
        if ((l->inh & (IN_META | IN_CHROME)) || l->boilerplate)
            l->drop = true;
        else if (is_link_dominated(l) && !looks_like_attachment(r, l)) {
            bool prev = k > from && is_link_dominated(&r->lines[k - 1]);
            bool next = k + 1 < to && is_link_dominated(&r->lines[k + 1]);
            if (l->n_links >= 2 || prev || next)
                l->drop = true;
        }
    }
    /* a short heading over a dropped list of links ("相关链接") goes too */
    for (size_t k = from; k + 1 < to; k++) {
        line *l = &r->lines[k];
        const char *s = line_text(r, l);
        bool list_heading = (l->len >= 6 && memcmp(s, "相关", 6) == 0)
                            || (l->len >= 12 && (memcmp(s, "延伸阅读", 12) == 0
                                                 || memcmp(s, "推荐阅读", 12) == 0));
        if (!l->drop && r->lines[k + 1].drop && l->weight <= 20 && list_heading)
            l->drop = true;
    }
}

/* ---- step 8: title and output ---------------------------------------------- */

/* s without any whitespace, for comparing titles. */
static char *squeeze(const char *s, size_t n)
{
    char *out = malloc(n + 1), *w = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        size_t at = i;
        uint32_t cp = next_cp((const unsigned char *)s, n, &i);
        if (is_space_cp(cp) || is_invisible_cp(cp))
            continue;
        memcpy(w, s + at, i - at);
        w += i - at;
    }
    *w = '\0';
    return out;
}

/* Whether lines [k, k+count) read as the title t (whitespace ignored). */
static bool lines_match_title(const reader *r, size_t k, size_t count, const char *t)
{
    bg_buf b = {0};
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        const line *l = &r->lines[k + i];
        if ((l->inh & IN_META) || is_link_dominated(l))
            ok = false;
        else if (bg_buf_append(&b, line_text(r, l), l->len))
            ok = false;
    }
    if (ok) {
        char *sq = squeeze(b.data ? b.data : "", b.len);
        ok = sq && strcmp(sq, t) == 0;
        free(sq);
    }
    bg_buf_free(&b);
    return ok;
}

typedef struct title_span {
    size_t first, count;  /* lines; count 0 when there is no title line */
} title_span;

/* The article's title: the lines that spell the page's stated title, last
 * before the article or first in it; else the last <h1> before it. */
static title_span find_title(const reader *r, size_t art_first, size_t art_end, const char *title)
{
    title_span found = {0, 0};
    char *t = title ? squeeze(title, strlen(title)) : NULL;
    if (t && *t) {
        size_t limit = art_first + 4 < art_end ? art_first + 4 : art_end;
        for (size_t k = 0; k < limit; k++)
            for (size_t c = 1; c <= TITLE_WINDOW_LINES && k + c <= r->n_lines; c++)
                if (lines_match_title(r, k, c, t)) {
                    if (found.count == 0 || k < art_first)
                        found = (title_span){k, c};
                    break;
                }
    }
    free(t);
    if (found.count)
        return found;
    for (size_t k = art_first; k-- > 0;) {
        const line *l = &r->lines[k];
        if (l->heading == 1 && !(l->inh & IN_META) && !is_link_dominated(l)) {
            size_t c = 1;
            while (k > 0 && c < TITLE_WINDOW_LINES && r->lines[k - 1].owner == l->owner
                   && r->lines[k - 1].heading == 1)
                k--, c++;
            return (title_span){k, c};
        }
    }
    if (art_first < art_end && r->lines[art_first].heading == 1)
        return (title_span){art_first, 1};
    return found;
}

/* Heading levels by rank among the h-tags the article uses (see the file
 * comment). */
static void rank_headings(const reader *r, const size_t *out_lines, size_t n_out, size_t title_idx,
                          bg_para_info *paras)
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

/* ---- metadata from the head ---------------------------------------------- */

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Whether a <title> part names a site: "中国政府网", "XX市人民政府门户网站". */
static bool looks_like_site(const char *s, size_t n)
{
    static const char *const SUFFIX[] = {"网", "政府", "门户", "网站", "官网", "平台", "portal",
                                         "Portal", "PORTAL", "首页", "频道"};
    while (n && (s[n - 1] == ' '))
        n--;
    for (size_t i = 0; i < sizeof SUFFIX / sizeof SUFFIX[0]; i++)
        if (ends_with(s, n, SUFFIX[i]))
            return true;
    return mem_has(s, n, "www.") || mem_has(s, n, ".gov") || mem_has(s, n, "gov.cn");
}

/* "政府工作报告_中国政府网" → "政府工作报告". Underscores and bars are cut
 * when what follows is a site name or shorter than what precedes; dashes
 * (which titles use for year ranges and subtitles) only before a site name. */
static char *strip_site_suffix(const char *t)
{
    static const char *const SEPS[] = {"_", "|", "｜", " - ", " — ", " – ", "——", "—", "-",
                                       "–", "－"};
    size_t n = strlen(t);
    bool cut = true;
    while (cut) {
        cut = false;
        size_t best_at = 0, best_len = 0;
        for (size_t s = 0; s < sizeof SEPS / sizeof SEPS[0]; s++) {
            size_t k = strlen(SEPS[s]);
            for (size_t at = n; at-- > 0;) {
                if (at + k > n || memcmp(t + at, SEPS[s], k) != 0)
                    continue;
                if (at > best_at)
                    best_at = at, best_len = k;
                break;
            }
        }
        if (best_len == 0)
            break;
        const char *rest = t + best_at + best_len;
        size_t rest_n = n - best_at - best_len;
        bool loose_sep = t[best_at] == '_' || t[best_at] == '|' || memcmp(t + best_at, "｜", 3) == 0;
        bool site = looks_like_site(rest, rest_n);
        if (best_at > 0 && (site || (loose_sep && rest_n < best_at))) {
            n = best_at;
            cut = true;
        }
    }
    char *sq = bg_strndup(t, n);
    if (!sq)
        return NULL;
    /* trim */
    size_t a = 0, b = strlen(sq);
    while (a < b && (sq[a] == ' '))
        a++;
    while (b > a && sq[b - 1] == ' ')
        b--;
    memmove(sq, sq + a, b - a);
    sq[b - a] = '\0';
    return sq;
}

/* Text content with whitespace collapsed; NULL when empty. */
static char *collapsed(const char *s)
{
    if (!s)
        return NULL;
    bg_buf b = {0};
    joiner j;
    joiner_start(&j, &b);
    size_t n = strlen(s);
    for (size_t i = 0; i < n;)
        if (joiner_put(&j, next_cp((const unsigned char *)s, n, &i)) == BG_ENOMEM) {
            bg_buf_free(&b);
            return NULL;
        }
    if (!b.len) {
        bg_buf_free(&b);
        return NULL;
    }
    return b.data;
}

typedef struct head_meta {
    char *title_tag, *article_title, *pub_date, *content_source;
} head_meta;

static void head_meta_free(head_meta *h)
{
    free(h->title_tag);
    free(h->article_title);
    free(h->pub_date);
    free(h->content_source);
}

static void set_once(char **slot, xmlChar *v)
{
    if (!*slot)
        *slot = collapsed((const char *)v);
    xmlFree(v);
}

/* <title> and the <meta name=...> of the head; the head is walked on its
 * own (it is never numbered), and without recursion. */
static void read_head(xmlNodePtr root, head_meta *h)
{
    xmlNodePtr n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && n->name) {
            const char *name = (const char *)n->name;
            if (strcmp(name, "title") == 0 && !h->title_tag) {
                set_once(&h->title_tag, xmlNodeGetContent(n));
            } else if (strcmp(name, "meta") == 0) {
                xmlChar *mn = xmlGetProp(n, (const xmlChar *)"name");
                if (mn) {
                    const char *m = (const char *)mn;
                    char **slot = ascii_ieq(m, "ArticleTitle") ? &h->article_title
                                  : ascii_ieq(m, "PubDate")    ? &h->pub_date
                                  : ascii_ieq(m, "ContentSource") ? &h->content_source
                                                                  : NULL;
                    if (slot)
                        set_once(slot, xmlGetProp(n, (const xmlChar *)"content"));
                    xmlFree(mn);
                }
            } else if (strcmp(name, "body") == 0) {
                /* the head ends where the body starts */
                goto next_sibling;
            }
            if (n->children && strcmp(name, "script") != 0 && strcmp(name, "style") != 0) {
                n = n->children;
                continue;
            }
        }
    next_sibling:
        while (n != root && !n->next)
            n = n->parent;
        if (n == root)
            break;
        n = n->next;
    }
}

static char **meta_slot(bg_doc_meta *m, enum meta_field f)
{
    switch (f) {
    case MF_TITLE: return &m->title;
    case MF_BODY: return &m->body;
    case MF_DATE: return &m->date;
    case MF_DOCNO: return &m->docno;
    case MF_PUBLISHED: return &m->published;
    case MF_SUBJECT: return &m->subject;
    case MF_INDEX: return &m->index_no;
    default: return NULL;
    }
}

static int fill_meta(reader *r, bg_doc_meta *m, head_meta *h)
{
    for (size_t i = 0; i < r->n_hits; i++) {
        meta_hit *hit = &r->hits[i];
        char **slot = meta_slot(m, LABELS[hit->label].field);
        if (!slot || *slot || !hit->value.len || !(r->elems[hit->elem].inh & IN_META))
            continue;
        if (!(*slot = bg_strdup(hit->value.data)))
            return oom(r);
    }
    if (!m->title && h->article_title)
        m->title = h->article_title, h->article_title = NULL;
    if (!m->title && h->title_tag && !(m->title = strip_site_suffix(h->title_tag)))
        return oom(r);
    if (m->title && !*m->title) {
        free(m->title);
        m->title = NULL;
    }
    if (!m->published && h->pub_date)
        m->published = h->pub_date, h->pub_date = NULL;
    if (!m->body && h->content_source)
        m->body = h->content_source, h->content_source = NULL;
    return 0;
}

/* ---- assembly ---------------------------------------------------------------- */

static int emit(bg_document *out, reader *r, const size_t *sel, size_t n_sel, size_t title_idx,
                const title_span *ts)
{
    bg_buf text = {0};
    bg_para_info *paras = calloc(n_sel, sizeof *paras);
    if (!paras)
        return oom(r);
    for (size_t i = 0; i < n_sel; i++) {
        if (i && bg_buf_append(&text, "\n", 1))
            goto nomem;
        if (i == title_idx) {
            /* the title's pieces, joined as one paragraph */
            joiner j;
            joiner_start(&j, &text);
            for (size_t c = 0; c < ts->count; c++) {
                const line *l = &r->lines[ts->first + c];
                j.pending_space = c > 0;
                for (size_t k = 0; k < l->len;)
                    if (joiner_put(&j, next_cp((const unsigned char *)line_text(r, l), l->len, &k))
                        == BG_ENOMEM)
                        goto nomem;
            }
        } else {
            const line *l = &r->lines[sel[i]];
            if (bg_buf_append(&text, line_text(r, l), l->len))
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
    bg_buf_free(&text);
    free(paras);
    return oom(r);
}

/* Chooses the lines of the article and hands them to emit(). */
static int assemble(bg_document *out, reader *r, uint32_t container)
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
    drop_furniture(r, first, end);
    title_span ts = find_title(r, first, end, out->meta.title);
    size_t *sel = malloc((r->n_lines + 1) * sizeof *sel);
    if (!sel)
        return oom(r);
    size_t n_sel = 0, title_idx = SIZE_MAX;
    char *tsq = NULL;
    if (ts.count) {
        bg_buf tb = {0};
        for (size_t c = 0; c < ts.count; c++)
            if (bg_buf_append(&tb, line_text(r, &r->lines[ts.first + c]), r->lines[ts.first + c].len)) {
                bg_buf_free(&tb);
                free(sel);
                return oom(r);
            }
        tsq = squeeze(tb.data, tb.len);
        bg_buf_free(&tb);
        if (!tsq) {
            free(sel);
            return oom(r);
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
            char *sq = squeeze(line_text(r, &r->lines[k]), r->lines[k].len);
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
        rc = bg_err_set(r->err, BG_ESKIPPED, "HTML page without text outside navigation and links");
    else
        rc = emit(out, r, sel, n_sel, title_idx, &ts);
    if (rc == 0 && !out->meta.title && title_idx != SIZE_MAX) {
        size_t nl = strcspn(out->text, "\n");
        char *lines0 = out->text;
        for (size_t i = 0; i < title_idx; i++)
            lines0 += strcspn(lines0, "\n") + 1;
        nl = strcspn(lines0, "\n");
        if (!(out->meta.title = bg_strndup(lines0, nl)))
            rc = oom(r);
    }
    free(sel);
    return rc;
}

static void reader_free(reader *r)
{
    free(r->elems);
    for (size_t i = 0; i < r->n_hits; i++)
        bg_buf_free(&r->hits[i].value);
    free(r->hits);
    bg_buf_free(&r->text);
    free(r->lines);
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
static int read_tree(bg_document *out, xmlDocPtr doc, bool depth_cut, bg_err *err)
{
    reader r = {.err = err, .mstate = MS_NONE};
    head_meta h = {0};
    xmlNodePtr html = xmlDocGetRootElement(doc);
    int rc = 0;
    if (html)
        read_head(html, &h);
    xmlNodePtr body = find_child(html, "body");
    xmlNodePtr root = body ? body : html;
    static const walk_ops STATS = {number_enter, number_leave, stats_text};
    static const walk_ops LINES = {lines_enter, lines_leave, lines_text};
    if (root && (rc = walk(&r, root, &STATS)) < 0)
        goto done;
    accumulate_subtrees(&r);
    decide_meta(&r);
    decide_inherited(&r);
    if (root && (rc = walk(&r, root, &LINES)) < 0)
        goto done;
    if ((rc = line_break(&r)) < 0)
        goto done;
    if ((rc = fill_meta(&r, &out->meta, &h)) < 0)
        goto done;
    if (r.n_lines == 0) {
        rc = depth_cut ? bg_err_set(err, BG_ETOOBIG,
                                    "HTML page nested deeper than %d elements before any text",
                                    HTML_PARSER_MAX_DEPTH)
                       : bg_err_set(err, BG_ESKIPPED, "HTML page without text");
        goto done;
    }
    for (size_t k = 0; k < r.n_elems; k++)
        r.elems[k].node = NULL;
    xmlFreeDoc(doc);
    doc = NULL;
    rc = assemble(out, &r, pick_container(&r));
done:
    xmlFreeDoc(doc);
    head_meta_free(&h);
    reader_free(&r);
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

int bg_read_html(bg_document *out, const char *bytes, size_t n, bg_err *err)
{
    if (!out || (!bytes && n))
        return bg_err_set(err, BG_EINVAL, "bg_read_html: no output or no input");
    memset(out, 0, sizeof *out);
    out->format = BG_FORMAT_HTML;
    if (n > HTML_MAX_BYTES)
        return bg_err_set(err, BG_ETOOBIG, "HTML page of %zu MB is larger than %zu MB",
                          (n + (1 << 20) - 1) >> 20, HTML_MAX_BYTES >> 20);
    pthread_once(&init_once, init_tables);
    const char *text = NULL;
    char *owned = NULL;
    size_t len = 0;
    const char *encoding = NULL;
    int rc = decode_page(&text, &owned, &len, &encoding, bytes, n, err);
    if (rc)
        return rc;
    size_t tags = count_tags(text, len);
    if (tags > HTML_MAX_TAGS) {
        free(owned);
        return bg_err_set(err, BG_ETOOBIG, "HTML page with %zu tags (more than %d)", tags,
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
        return len ? bg_err_set(err, BG_ENOMEM, "out of memory")
                   : bg_err_set(err, BG_ESKIPPED, "HTML page without text");
    out->encoding = encoding;
    rc = read_tree(out, doc, depth_cut, err);
    if (rc) {
        bg_document_clear(out);
        return rc;
    }
    return 0;
}
