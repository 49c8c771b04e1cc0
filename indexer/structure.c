/* structure.c — cuts report lines into headings, paragraphs and measures and
 * tracks the open headings that give each unit its section path.
 *
 * Everything works on UTF-8 bytes: every marker we look for (、 （ ） 。 ： 是
 * —— and the Chinese numerals) is a fixed byte sequence, and a UTF-8 sequence
 * can never match in the middle of another character. Lines can be megabytes
 * long, so each line is scanned a bounded number of times: heading detection
 * looks only at the first BG_HEADING_MAX_CHARS characters, and the measure
 * search resumes where the previous item was found. */
#include "structure.h"
#include "cn_numeral.h"
#include "baogao.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line whose would-be heading is longer than this (in characters) is prose
 * that happens to start with a number. The longest real heading in the corpus
 * is about 45 characters. */
#define BG_HEADING_MAX_CHARS 60

/* Stored section titles are capped: they are repeated in every unit below
 * them, and a runaway "heading" must not cost memory per unit. */
#define BG_SECTION_MAX_BYTES 300

/* Items 一是 … 九十九是; beyond that nobody enumerates in prose. */
#define BG_MAX_ITEM 99

struct bgi_outline {
    /* The item (二是, 三是…) a measure list on the previous line would
     * continue with, 0 if none. */
    int continue_item;
    bool open[BG_OUTLINE_MAX_DEPTH];
    char heading[BG_OUTLINE_MAX_DEPTH][BG_SECTION_MAX_BYTES + 1];
    /* An attachment's title, first in the section path of everything in the
     * attachment (bgi_outline_set_root); "" for none. */
    char root[BG_SECTION_MAX_BYTES + 1];
};

/* What one call emits: the line number, callback and current section path. */
typedef struct emitter {
    size_t line;
    bgi_unit_cb cb;
    void *ctx;
    const char *section[BG_OUTLINE_MAX_DEPTH + 1];
    size_t n_section;
} emitter;

/* ---- UTF-8 helpers --------------------------------------------------- */

static bool starts_with(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static bool ends_with(const char *start, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - start) >= n && memcmp(end - n, lit, n) == 0;
}

/* Length of the UTF-8 sequence starting with byte b (1 for stray bytes, so
 * malformed input still advances). */
static size_t utf8_len(unsigned char b)
{
    if (b >= 0xF0 && b <= 0xF7)
        return 4;
    if (b >= 0xE0)
        return b <= 0xEF ? 3 : 1;
    if (b >= 0xC0)
        return 2;
    return 1;
}

static const char *next_char(const char *p, const char *end)
{
    size_t n = utf8_len((unsigned char)*p);
    return (size_t)(end - p) < n ? end : p + n;
}

/* memmem() is a GNU extension; the needles here are a few bytes long, so a
 * memchr() for the first byte plus memcmp() is just as good. */
static const char *find_bytes(const char *hay, const char *end, const char *needle, size_t n)
{
    while ((size_t)(end - hay) >= n) {
        const char *p = memchr(hay, (unsigned char)needle[0], (size_t)(end - hay) - n + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, n) == 0)
            return p;
        hay = p + 1;
    }
    return NULL;
}

/* ---- whitespace ------------------------------------------------------ */

static const char *const SPACES[] = {
    "\xE3\x80\x80", /* U+3000 ideographic space, used to indent paragraphs */
    "\xC2\xA0",     /* U+00A0 no-break space */
    "\xEF\xBB\xBF", /* U+FEFF, a BOM left at the start of a line */
};

/* Byte length of the space character at p, 0 if p is not a space. */
static size_t space_at(const char *p, const char *end)
{
    if (p < end && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
        return 1;
    for (size_t i = 0; i < sizeof SPACES / sizeof SPACES[0]; i++)
        if (starts_with(p, end, SPACES[i]))
            return strlen(SPACES[i]);
    return 0;
}

/* Byte length of the space character ending at end, 0 if none. */
static size_t space_before(const char *start, const char *end)
{
    if (end > start && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')))
        return 1;
    for (size_t i = 0; i < sizeof SPACES / sizeof SPACES[0]; i++)
        if (ends_with(start, end, SPACES[i]))
            return strlen(SPACES[i]);
    return 0;
}

static void trim(const char **start, const char **end)
{
    size_t n;
    while ((n = space_at(*start, *end)) > 0)
        *start += n;
    while ((n = space_before(*start, *end)) > 0)
        *end -= n;
}

/* ---- numerals -------------------------------------------------------- */


/* Value of the ASCII or full-width digit at p (bytes in *len), -1 if none. */
static int arabic_digit_at(const char *p, const char *end, size_t *len)
{
    if (p < end && *p >= '0' && *p <= '9') {
        *len = 1;
        return *p - '0';
    }
    /* Full-width ０ … ９ are U+FF10 … U+FF19: EF BC 90 … EF BC 99. */
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC &&
        (unsigned char)p[2] >= 0x90 && (unsigned char)p[2] <= 0x99) {
        *len = 3;
        return (unsigned char)p[2] - 0x90;
    }
    return -1;
}

/* Skips 1 to 3 Arabic digits at p; returns NULL if there are none or more. */
static const char *skip_arabic_number(const char *p, const char *end)
{
    size_t len, count = 0;
    while (arabic_digit_at(p, end, &len) >= 0) {
        p += len;
        if (++count > 3)
            return NULL;
    }
    return count ? p : NULL;
}

/* ---- headings -------------------------------------------------------- */

static const char *skip_any(const char *p, const char *end, const char *a, const char *b)
{
    if (starts_with(p, end, a))
        return p + strlen(a);
    if (starts_with(p, end, b))
        return p + strlen(b);
    return NULL;
}

static const char *skip_open_bracket(const char *p, const char *end)
{
    return skip_any(p, end, "（", "(");
}

static const char *skip_close_bracket(const char *p, const char *end)
{
    return skip_any(p, end, "）", ")");
}

/* 一、 … 九十九、 */
static const char *level1_marker(const char *p, const char *end)
{
    const char *q;
    if (!bgi_cn_numeral_parse(p, end, &q))
        return NULL;
    return starts_with(q, end, "、") ? q + strlen("、") : NULL;
}

/* （一） (一) and mixed brackets. */
static const char *level2_marker(const char *p, const char *end)
{
    const char *q = skip_open_bracket(p, end);
    if (!q || !bgi_cn_numeral_parse(q, end, &q))
        return NULL;
    return skip_close_bracket(q, end);
}

/* 1. 1、 1． （1） (1), with ASCII or full-width digits. */
static const char *level3_marker(const char *p, const char *end)
{
    const char *q = skip_open_bracket(p, end);
    if (q) {
        q = skip_arabic_number(q, end);
        return q ? skip_close_bracket(q, end) : NULL;
    }
    q = skip_arabic_number(p, end);
    if (!q)
        return NULL;
    if (starts_with(q, end, "、"))
        return q + strlen("、");
    const char *after = skip_any(q, end, "．", ".");
    size_t len;
    /* "1.5万亿元" is a number, not item 1. */
    if (!after || arabic_digit_at(after, end, &len) >= 0)
        return NULL;
    return after;
}

/* Heading level 1..3 of the marker the line starts with (marker end in
 * *after), 0 if it starts with none. */
static int heading_marker(const char *p, const char *end, const char **after)
{
    if ((*after = level1_marker(p, end)))
        return 1;
    if ((*after = level2_marker(p, end)))
        return 2;
    if ((*after = level3_marker(p, end)))
        return 3;
    return 0;
}

/* Byte length of a heading terminator (。 ： or an ASCII colon that is not
 * part of a time such as 10:30) at p, 0 if none. */
static size_t heading_terminator_at(const char *start, const char *p, const char *end)
{
    if (starts_with(p, end, "。"))
        return strlen("。");
    if (starts_with(p, end, "："))
        return strlen("：");
    if (p < end && *p == ':') {
        bool digit_before = p > start && p[-1] >= '0' && p[-1] <= '9';
        bool digit_after = p + 1 < end && p[1] >= '0' && p[1] <= '9';
        return digit_before && digit_after ? 0 : 1;
    }
    return 0;
}

/* Finds where the heading title of a line [start, end) ends, scanning from
 * the end of its marker: at the first terminator (the body follows it) or at
 * the end of the line. Returns false when the title would be longer than
 * BG_HEADING_MAX_CHARS characters: the line is then a paragraph. */
static bool split_heading(const char *start, const char *marker_end, const char *end,
                          const char **title_end, const char **body)
{
    size_t chars = 0;
    for (const char *p = start; p < marker_end; p = next_char(p, end))
        chars++;
    for (const char *p = marker_end; p < end; p = next_char(p, end)) {
        size_t term = heading_terminator_at(start, p, end);
        if (term) {
            *title_end = p;
            *body = p + term;
            return true;
        }
        if (++chars > BG_HEADING_MAX_CHARS)
            return false;
    }
    *title_end = *body = end;
    return true;
}

/* ---- measures -------------------------------------------------------- */

/* Characters after which an item marker (二是) starts a new item. */
static const char *const ITEM_PRECEDERS[] = {
    "，", ",", "；", ";", "。", "：", ":", "！", "!", "？", "?",
    "）", ")", "”", "’", "」", "』", "》", "】", "\"",
};

static bool is_item_position(const char *start, const char *p)
{
    size_t n;
    while ((n = space_before(start, p)) > 0)
        p -= n;
    if (p == start)
        return true;
    for (size_t i = 0; i < sizeof ITEM_PRECEDERS / sizeof ITEM_PRECEDERS[0]; i++)
        if (ends_with(start, p, ITEM_PRECEDERS[i]))
            return true;
    return false;
}

/* Whether p starts a sentence or a clause after a colon: at the start of
 * the prose or after 。：；！？ (full-width or ASCII). */
static bool opens_sentence(const char *start, const char *p)
{
    static const char *const ENDS[] = {"。", "：", ":", "；", ";", "！", "!", "？", "?"};
    size_t n;
    while ((n = space_before(start, p)) > 0)
        p -= n;
    if (p == start)
        return true;
    for (size_t i = 0; i < sizeof ENDS / sizeof ENDS[0]; i++)
        if (ends_with(start, p, ENDS[i]))
            return true;
    return false;
}

/* The first "<k>是" in [from, end) that starts an item of the paragraph
 * beginning at start; NULL if none. *marker_len gets the marker's length. */
static const char *find_item(int k, const char *start, const char *from, const char *end,
                             size_t *marker_len)
{
    if (k > BG_MAX_ITEM)
        return NULL;
    char needle[16];
    bgi_cn_numeral_format(k, needle, sizeof needle);
    strcat(needle, "是");
    size_t n = strlen(needle);
    while (from < end) {
        const char *hit = find_bytes(from, end, needle, n);
        if (!hit)
            return NULL;
        if (is_item_position(start, hit)) {
            *marker_len = n;
            return hit;
        }
        from = hit + n;
    }
    return NULL;
}

/* The item number of a paragraph that itself starts with "<k>是" (as in
 * reports that put 一是…, 二是… on lines of their own), else 0. */
static int leading_item(const char *start, const char *end, size_t *marker_len)
{
    const char *q;
    int k = bgi_cn_numeral_parse(start, end, &q);
    if (!k || !starts_with(q, end, "是"))
        return 0;
    *marker_len = (size_t)(q - start) + strlen("是");
    return k;
}

/* A "——" line without any punctuation is the by-line under a speech title
 * ("——2017年3月5日在第十二届全国人民代表大会第五次会议上"), not an item. */
static bool is_byline(const char *start, const char *end)
{
    static const char *const PUNCT[] = {"。", "，", ",", "；", ";", "：", ":", "！", "？"};
    size_t chars = 0;
    for (const char *p = start; p < end; p = next_char(p, end)) {
        if (++chars > BG_HEADING_MAX_CHARS)
            return false;
        for (size_t i = 0; i < sizeof PUNCT / sizeof PUNCT[0]; i++)
            if (starts_with(p, end, PUNCT[i]))
                return false;
    }
    return true;
}

/* ---- emitting -------------------------------------------------------- */

/* Over-long units are cut into pieces, each emitted as a unit of the same
 * kind and line. A passage is what a search shows and what the analyser, the
 * figure finder and Xapian hold in memory at once: a 20 MB line (a table or
 * a whole report pasted without line breaks) would otherwise be one 20 MB
 * document costing gigabytes and minutes. The longest paragraph in the real
 * reports is under 3 KB, so units up to BG_UNIT_MAX_BYTES are never cut; a
 * longer one is cut after the first sentence end (。！？!?) past
 * BG_PIECE_TARGET_BYTES, else after the last one before it, else hard at
 * BG_UNIT_MAX_BYTES on a character boundary. The pieces still cover the unit
 * without overlap (apart from the spaces trimmed at each cut). */
#ifndef BG_UNIT_MAX_BYTES          /* fuzz/run.sh builds with tiny values */
#define BG_PIECE_TARGET_BYTES 4096
#define BG_UNIT_MAX_BYTES 16384
#endif

static const char *const SENTENCE_ENDS[] = {"。", "！", "？", "!", "?"};

/* Byte length of the sentence end at p, 0 if none. */
static size_t sentence_end_at(const char *p, const char *end)
{
    for (size_t i = 0; i < sizeof SENTENCE_ENDS / sizeof SENTENCE_ENDS[0]; i++)
        if (starts_with(p, end, SENTENCE_ENDS[i]))
            return strlen(SENTENCE_ENDS[i]);
    return 0;
}

/* Where the first piece of the over-long unit [start, end) ends. */
static const char *piece_end(const char *start, const char *end)
{
    const char *limit = start + BG_UNIT_MAX_BYTES, *last = NULL;
    for (const char *p = start; p < limit; p = next_char(p, end)) {
        size_t n = sentence_end_at(p, end);
        if (!n)
            continue;
        if (p + n <= limit && p - start >= BG_PIECE_TARGET_BYTES)
            return p + n;
        if (p + n <= limit)
            last = p + n;
    }
    if (last)
        return last;
    /* No sentence end: cut before the character that straddles the limit.
     * Decoded text is valid UTF-8; for anything else a stray continuation
     * byte run must not walk back unboundedly, hence at most 3 steps. */
    const char *cut = limit;
    for (int i = 0; i < 3 && cut > start + 1 && ((unsigned char)*cut & 0xC0) == 0x80; i++)
        cut--;
    return cut;
}

static int emit_one(const emitter *em, int kind, int level, const char *start, const char *end)
{
    bgi_unit u = {
        .kind = kind,
        .level = level,
        .line = em->line,
        .text = start,
        .len = (size_t)(end - start),
        .section = em->section,
        .n_section = em->n_section,
    };
    return em->cb(em->ctx, &u);
}

static int emit(const emitter *em, int kind, int level, const char *start, const char *end)
{
    trim(&start, &end);
    while ((size_t)(end - start) > BG_UNIT_MAX_BYTES) {
        const char *cut = piece_end(start, end), *piece_start = start, *piece_stop = cut;
        trim(&piece_start, &piece_stop);
        int rc = piece_start < piece_stop ? emit_one(em, kind, level, piece_start, piece_stop) : 0;
        if (rc)
            return rc;
        start = cut;
        trim(&start, &end);
    }
    return start < end ? emit_one(em, kind, level, start, end) : 0;
}

/* Finds the items of the prose [start, end): the first one in *item (its
 * number in *k), or NULL when the prose enumerates nothing. continue_from is
 * the item number the previous line's enumeration would continue with (0 if
 * none). *lone_first is set when the prose holds a 一是 with no 二是 after it. */
static const char *find_first_item(const char *start, const char *end, int continue_from,
                                   int *k, size_t *len, bool *lone_first)
{
    *lone_first = false;
    if ((*k = leading_item(start, end, len)))
        return start;
    size_t next_len;
    const char *item = find_item(1, start, start, end, len);
    if (item && find_item(2, start, item + *len, end, &next_len)) {
        *k = 1;
        return item;
    }
    /* A lone 一是 that opens a sentence starts a list the next lines go on
     * with ("…困难和挑战。一是…" then a line "二是…"); after a comma it is too
     * weak a sign. */
    if (item && opens_sentence(start, item)) {
        *k = 1;
        return item;
    }
    *lone_first = item != NULL;
    /* Reports also break an enumeration across lines mid-sentence:
     * "…贷款。三是进一步理顺…" right after a line that ended with 二是. */
    if (continue_from > 1 && (item = find_item(continue_from, start, start, end, len))) {
        *k = continue_from;
        return item;
    }
    return NULL;
}

/* Emits the trimmed prose [start, end): one paragraph, or its lead text and
 * one measure per 一是/二是/… item. *continue_from is the item number the
 * previous line's enumeration would continue with; it is updated for the next
 * line. */
static int emit_prose(const emitter *em, const char *start, const char *end, int *continue_from)
{
    int expected = *continue_from;
    *continue_from = 0;
    if (starts_with(start, end, "——"))
        return emit(em, is_byline(start, end) ? BG_UNIT_PARAGRAPH : BG_UNIT_MEASURE, 0, start,
                    end);

    int k;
    size_t len, next_len = 0;
    bool lone_first;
    const char *item = find_first_item(start, end, expected, &k, &len, &lone_first);
    if (!item) {
        *continue_from = lone_first ? 2 : 0;
        return emit(em, BG_UNIT_PARAGRAPH, 0, start, end);
    }
    int rc = emit(em, BG_UNIT_PARAGRAPH, 0, start, item);
    const char *next = find_item(k + 1, start, item + len, end, &next_len);
    while (rc == 0) {
        rc = emit(em, BG_UNIT_MEASURE, 0, item, next ? next : end);
        if (!next)
            break;
        item = next;
        len = next_len;
        k++;
        next = find_item(k + 1, start, item + len, end, &next_len);
    }
    *continue_from = k + 1;
    return rc;
}

static void collect_section(const bgi_outline *ol, emitter *em)
{
    em->n_section = 0;
    if (ol->root[0])
        em->section[em->n_section++] = ol->root;
    for (int i = 0; i < BG_OUTLINE_MAX_DEPTH; i++)
        if (ol->open[i])
            em->section[em->n_section++] = ol->heading[i];
}

/* Copies a heading title into its slot, cut at a character boundary when it
 * exceeds BG_SECTION_MAX_BYTES. */
static void store_heading(bgi_outline *ol, int level, const char *text, size_t len)
{
    if (len > BG_SECTION_MAX_BYTES) {
        len = BG_SECTION_MAX_BYTES;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    char *slot = ol->heading[level - 1];
    memcpy(slot, text, len);
    slot[len] = '\0';
    ol->open[level - 1] = true;
}

static void close_levels_from(bgi_outline *ol, int level)
{
    for (int i = level - 1; i < BG_OUTLINE_MAX_DEPTH; i++)
        ol->open[i] = false;
}

/* Opens a heading [start, title_end) of the given level and emits it, then
 * the body text that follows it on the same line. */
static int emit_heading_line(bgi_outline *ol, emitter *em, int level, const char *start,
                             const char *title_end, const char *body, const char *end)
{
    close_levels_from(ol, level);
    collect_section(ol, em);
    trim(&start, &title_end);
    int rc = emit(em, BG_UNIT_HEADING, level, start, title_end);
    store_heading(ol, level, start, (size_t)(title_end - start));
    if (rc != 0)
        return rc;
    collect_section(ol, em);
    trim(&body, &end);
    return body < end ? emit_prose(em, body, end, &ol->continue_item) : 0;
}

/* ---- public API ------------------------------------------------------ */

bgi_outline *bgi_outline_new(void)
{
    return calloc(1, sizeof(bgi_outline));
}

void bgi_outline_free(bgi_outline *ol)
{
    free(ol);
}

int bgi_outline_feed(bgi_outline *ol, const char *line, size_t len, size_t lineno,
                    bgi_unit_cb cb, void *ctx, bgi_err *err)
{
    if (!ol || !cb || (!line && len > 0))
        return bgi_err_set(err, BG_EINVAL, "bgi_outline_feed: invalid argument");
    if (len == 0)
        return 0;
    const char *start = line, *end = line + len;
    trim(&start, &end);
    if (start == end)
        return 0;

    emitter em = {.line = lineno, .cb = cb, .ctx = ctx};
    const char *marker_end, *title_end, *body;
    int level = heading_marker(start, end, &marker_end);
    if (level && split_heading(start, marker_end, end, &title_end, &body)) {
        /* An enumeration never continues across a heading. */
        ol->continue_item = 0;
        return emit_heading_line(ol, &em, level, start, title_end, body, end);
    }
    collect_section(ol, &em);
    return emit_prose(&em, start, end, &ol->continue_item);
}

int bgi_outline_feed_marked(bgi_outline *ol, const char *line, size_t len, size_t lineno, int level,
                           bgi_unit_cb cb, void *ctx, bgi_err *err)
{
    if (level < 1 || level > BG_OUTLINE_MAX_DEPTH || !ol || !cb || !line)
        return bgi_outline_feed(ol, line, len, lineno, cb, ctx, err);
    const char *start = line, *end = line + len, *marker_end;
    trim(&start, &end);
    /* A numbered heading keeps the level its number gives; a long line is
     * prose whatever its style says (a bold paragraph is not a heading). */
    if (start == end || heading_marker(start, end, &marker_end) || (size_t)(end - start) > BG_MARKED_HEADING_MAX)
        return bgi_outline_feed(ol, line, len, lineno, cb, ctx, err);
    emitter em = {.line = lineno, .cb = cb, .ctx = ctx};
    ol->continue_item = 0;
    return emit_heading_line(ol, &em, level, start, end, end, end);
}

int bgi_outline_set_root(bgi_outline *ol, const char *title, size_t len, size_t lineno, bgi_unit_cb cb, void *ctx,
                        bgi_err *err)
{
    if (!ol || !cb || (!title && len > 0))
        return bgi_err_set(err, BG_EINVAL, "bgi_outline_set_root: invalid argument");
    const char *start = title, *end = title + len;
    trim(&start, &end);
    close_levels_from(ol, 1);
    ol->continue_item = 0;
    ol->root[0] = '\0';
    if (start == end)
        return 0;
    emitter em = {.line = lineno, .cb = cb, .ctx = ctx};
    int rc = emit(&em, BG_UNIT_HEADING, 1, start, end);
    size_t n = (size_t)(end - start);
    if (n > BG_SECTION_MAX_BYTES) {
        n = BG_SECTION_MAX_BYTES;
        while (n > 0 && ((unsigned char)start[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(ol->root, start, n);
    ol->root[n] = '\0';
    return rc;
}

int bgi_outline_feed_text(bgi_outline *ol, const char *text, size_t len,
                         bgi_unit_cb cb, void *ctx, bgi_err *err)
{
    if (!text && len > 0)
        return bgi_err_set(err, BG_EINVAL, "bgi_outline_feed_text: invalid argument");
    const char *p = text, *end = text + len;
    size_t lineno = 1;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        if (line_end > p && line_end[-1] == '\r')
            line_end--;
        int rc = bgi_outline_feed(ol, p, (size_t)(line_end - p), lineno, cb, ctx, err);
        if (rc != 0)
            return rc;
        if (!nl)
            break;
        p = nl + 1;
        lineno++;
    }
    return 0;
}
