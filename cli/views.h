/* views.h — baogao-query's text output of each view (cli/views.c). Each
 * print function returns the program's exit status for what it printed: 0
 * something found, 1 nothing, 2 out of memory. */
#ifndef BGI_VIEWS_H
#define BGI_VIEWS_H

#include <stddef.h>

#include "baogao.h"
#include "table.h"

/* Prints a JSON document (NULL: out of memory) and frees it; found is the
 * exit status when printed. */
int bgi_print_json(char *doc, int found);

/* verb: how the hits relate to query ("match", or "are like" a passage). */
int bgi_print_results(const bg_results *res, const char *query, const char *verb, int json, int color);

/* --by-year: each year, newest first, with its best passages. */
int bgi_print_by_year(const bg_byyear *by, const char *query, int json, int color);

/* --figures: a table of each year's figures (value, clause, role, where). */
int bgi_print_figures(const bg_figures *f, const char *query, int json);

/* --trend: a table per query (and per body with --by-body), a bar a year
 * scaled to the busiest year's rate (or its occurrences when sizes are
 * unknown). */
void bgi_print_trend(const bg_trend *t, size_t s, const char *query);

/* --compare: a block per entry, in year Y2's report order, then the figures;
 * 0 when either year has a match, else 1. */
int bgi_print_compare(const bg_compare *c, const char *query, int json, int color);

/* --compare --format tsv|csv: a row per entry. */
int bgi_table_compare(const bg_compare *c, table_format f);

/* --show: the report and the section path of the passage asked for, then the
 * passages around it (its section, its report), each with its line, the
 * passage itself marked. */
int bgi_print_context(const bg_results *res, int json, int color);

/* --format tsv|csv: every hit a row (the report's path absolute, for
 * scripts); exit 1 when there are none. */
int bgi_table_results(const bg_results *res, table_format f);

/* --by-year --format tsv|csv: every passage of every year a row. */
int bgi_table_by_year(const bg_byyear *by, table_format f);

/* --figures --format tsv|csv: a row per figure. */
int bgi_table_figures(const bg_figures *fig, table_format f);

/* A partial answer says so on stderr, whatever the output format. */
void bgi_warn_missing(const bg_missing *m);

/* The catalogue: its JSON as it is, or one line per report, newest year
 * first, with copies of other reports marked. 0, or 1 for an empty index. */
int bgi_print_reports(const char *json_text, int json);

/* --new-in, --gone-in: a numbered line per expression, with its first
 * passage. */
int bgi_print_novel(const bg_novel *nv, int json, int color);

#endif
