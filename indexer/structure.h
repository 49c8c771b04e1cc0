/* structure.h — the outline of a report: headings, paragraphs and measures.
 *
 * Reports are one paragraph per line. Recognised heading forms:
 *   level 1  一、 二、 … 十一、                     (Chinese numeral + 、)
 *   level 2  （一） (一) （十二）                     (full-width or ASCII brackets)
 *   level 3  1.  1、 1．  （1） (1)                  (Arabic numeral)
 * A heading line that continues with body text after its title (e.g.
 * "(二)拓展“无证明”城市建设广度和深度。我区…") is split: the heading is the
 * text up to (not including) the first 。 (or ：/:, whichever comes first; an
 * ASCII colon between digits, as in 10:30, does not count), and the rest of the
 * line is a paragraph under that heading, with the same line number. A title
 * longer than 60 characters (with or without a terminator) means the line is a
 * paragraph, not a heading; "1.5万亿元" (a digit after the dot) is no heading.
 * Only the start of a line counts: "一、" inside a paragraph is ordinary text.
 *
 * Measures: a paragraph that enumerates 一是…，二是…，三是… (in order, each at
 * the start of the paragraph or after punctuation such as ，,；;。：: or a
 * closing bracket or quote) is split into units: the lead text before 一是 (a
 * paragraph unit, if not empty) and one measure unit per item, each running to
 * the next item or the end of the line. It takes 一是 and 二是, except that a
 * 一是 opening a sentence (after 。：；！？ or at the start) is enough, since
 * reports often go on with 二是 on the next line. A line that starts with any
 * item (二是… on a line of its own) starts its list there. An enumeration also
 * continues from the previous line: after a line whose last item was 二是, a
 * "…。三是…" in the middle of the next line starts item 三 (a heading ends
 * this). A line that begins with —— is one measure unit, unless it is a short
 * by-line without any punctuation ("——2017年3月5日在…会议上"), which is a
 * paragraph. Units never overlap and cover the line, apart from whitespace
 * and the 。/： that ends a heading title, so one sentence is indexed exactly
 * once.
 *
 * Unit texts are trimmed of ASCII whitespace, U+3000, U+00A0 and U+FEFF.
 *
 * The outline keeps the stack of open headings: a level-n heading closes every
 * heading of level >= n; a level-3 heading under no level-2 heading simply
 * leaves that level out of the path. Stored titles are copies, cut (at a
 * character boundary) to 300 bytes. */
#ifndef BG_STRUCTURE_H
#define BG_STRUCTURE_H

#include <stddef.h>

#include "bgi_err.h"

enum { BG_UNIT_HEADING = 0, BG_UNIT_PARAGRAPH = 1, BG_UNIT_MEASURE = 2 };

#define BG_OUTLINE_MAX_DEPTH 3

typedef struct bgi_unit {
    int kind;                 /* BG_UNIT_* */
    int level;                /* heading level 1..3 for headings, 0 otherwise */
    size_t line;              /* 1-based line number in the source */
    const char *text;         /* the unit's original text, trimmed of surrounding
                                 whitespace; points into the line; NOT NUL-terminated */
    size_t len;               /* byte length of text */
    /* Headings enclosing this unit, outermost first (for a heading: its parents
     * only). NUL-terminated strings owned by the outline, valid during the callback. */
    const char *const *section;
    size_t n_section;
} bgi_unit;

/* Return 0 to continue; non-zero stops and is returned by bgi_outline_feed(). */
typedef int (*bgi_unit_cb)(void *ctx, const bgi_unit *unit);

typedef struct bgi_outline bgi_outline;

/* Creates an empty outline (no open headings). Returns NULL when out of memory. */
bgi_outline *bgi_outline_new(void);

/* Frees an outline; NULL is allowed. */
void bgi_outline_free(bgi_outline *ol);

/* Feeds one line (without its line terminator; a trailing '\r' is ignored)
 * numbered lineno, and emits its units through cb. Blank lines emit nothing.
 * Returns 0, the callback's non-zero value, or a negative BG_E* code. */
int bgi_outline_feed(bgi_outline *ol, const char *line, size_t len, size_t lineno,
                    bgi_unit_cb cb, void *ctx, bgi_err *err);

/* Like bgi_outline_feed() for a line the source marks as a heading of level
 * 1..3 by style (a DOCX heading style or outline level, 黑体/楷体 direct
 * formatting, an HTML h2..h4): a line without a heading number that is at
 * most BG_MARKED_HEADING_MAX bytes is a heading of that level; a numbered
 * line keeps the level its number gives, and a longer line is prose. Level 0
 * is bgi_outline_feed(). */
#define BG_MARKED_HEADING_MAX 180
int bgi_outline_feed_marked(bgi_outline *ol, const char *line, size_t len, size_t lineno, int level,
                           bgi_unit_cb cb, void *ctx, bgi_err *err);

/* Starts an attachment (附件) of an official document: closes every open
 * heading, emits title as a level-1 heading unit on line lineno, and puts it
 * first in the section path of every unit after it (so a path may hold
 * BG_OUTLINE_MAX_DEPTH + 1 titles). An empty title ends the attachment's root. */
int bgi_outline_set_root(bgi_outline *ol, const char *title, size_t len, size_t lineno, bgi_unit_cb cb, void *ctx,
                        bgi_err *err);

/* Splits a whole text into lines and feeds each (convenience for tests and the
 * indexer). */
int bgi_outline_feed_text(bgi_outline *ol, const char *text, size_t len,
                         bgi_unit_cb cb, void *ctx, bgi_err *err);

#endif
