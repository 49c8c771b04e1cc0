/* table.h — baogao-query --format tsv|csv: hits and figures as rows of
 * tab- or comma-separated values with a header line, for spreadsheets and
 * shell pipelines (cut, sort, awk). */
#ifndef BG_CLI_TABLE_H
#define BG_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "baogao.h"

typedef enum { TABLE_NONE, TABLE_TSV, TABLE_CSV } table_format;

/* "tsv" or "csv" into *out; -1 for anything else. */
int table_format_parse(table_format *out, const char *name);

/* The header of hit rows, and one row for h (rank, year, title, line, kind,
 * match, section path joined with " › ", id, report, text). */
void table_hit_header(FILE *out, table_format f);
void table_hit_row(FILE *out, table_format f, const bg_hit *h, const char *report);

/* The same for figure rows (year, value, role, clause, line, id, report). */
void table_figure_header(FILE *out, table_format f);
void table_figure_row(FILE *out, table_format f, const bg_figure *g, const char *report);

/* The same for the entries of --compare (status, similarity, same_section,
 * then year, line, id, section, text and report of the passage of each year,
 * a_… and b_…, empty for the year that has none). */
void table_compare_header(FILE *out, table_format f);
void table_compare_row(FILE *out, table_format f, const bg_compare *c, size_t i);

#endif
