/* figures.h — the figures of a passage: numbers with their units (1100万人以上,
 * 3%左右, 2.8万亿元, 22件, 一千三百万人) and the clause each belongs to. The
 * indexer stores them in every passage's data ("figures", docs/format.md) so
 * that `baogao-query --figures` can list what each year's report said about a
 * subject (docs/years.md).
 *
 * What counts as a figure (docs/years.md has the reasons):
 *   - a number in Arabic digits (ASCII or full-width, with a decimal point or
 *     thousands commas) followed by a unit, a percent sign, 个百分点, 倍, or a
 *     magnitude (万, 亿, 万亿 …) — "1000多万人", "13亿多" and "6%－6.5%" too;
 *   - a number in Chinese numerals that holds a magnitude (百千万亿) and is
 *     followed by a unit: "一千三百万人以上", "九百六十万平方公里";
 *   - a trailing bound is part of the value: 以上, 以内, 以下, 左右, 上下, 之内.
 * Not figures: bare numbers ("2019", "G20", "5G", "PM2.5"), years and dates
 * ("2019年", "3月5日": 年, 月 and 日 are not units, so durations like "5年" are
 * not figures either), ordinals ("第14个", "第十四个五年规划", "十四五") and
 * Chinese numerals without a magnitude ("两个", "三大").
 *
 * A clause is the text between two clause marks — ，。；：！？ and their ASCII
 * forms (a comma between digits is a thousands separator) and line breaks —
 * without surrounding spaces and leading dashes (——). "、" does not end a clause:
 * it separates items of one list. */
#ifndef BG_FIGURES_H
#define BG_FIGURES_H

#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct bgi_clause {
    size_t start, end;          /* byte range [start, end) of the text */
} bgi_clause;

typedef struct bgi_figure_span {
    size_t value_start, value_end;   /* the figure */
    bgi_clause clause;                /* the clause holding it */
} bgi_figure_span;

/* Finds the figures of text[0..len) (UTF-8), in text order, as byte offsets.
 * *out is malloc'ed (NULL when there are none; free() it). Returns 0, or
 * BG_ENOMEM with *out = NULL and *n = 0. */
int bgi_find_figures(bgi_figure_span **out, size_t *n, const char *text, size_t len);

/* The clause of text[0..len) holding byte pos. */
bgi_clause bgi_clause_at(const char *text, size_t len, size_t pos);

/* The clause after c, or an empty clause at len when c is the last. */
bgi_clause bgi_clause_after(const char *text, size_t len, bgi_clause c);

/* Adds "figures": [[value_start, value_end, clause_start, clause_end], ...] to
 * o for text[0..len) (an empty array when there are none, so that readers can
 * tell "no figures" from "indexed before figures existed"). Returns 1, or 0
 * when out of memory — cJSON's convention, so it chains with cJSON_Add*(). */
int bgi_add_figures_json(cJSON *o, const char *text, size_t len);

#endif
