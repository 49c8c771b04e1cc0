/* table.c — rows of tab- or comma-separated values (see table.h). CSV is
 * RFC 4180: a field holding a comma, a quote or a line break is quoted, its
 * quotes doubled. TSV has no quoting (as IANA's text/tab-separated-values):
 * a tab or line break inside a field becomes a space, so every row is one
 * line and every field one column. */
#include "table.h"

#include <string.h>

int table_format_parse(table_format *out, const char *name)
{
    if (strcmp(name, "tsv") == 0)
        *out = TABLE_TSV;
    else if (strcmp(name, "csv") == 0)
        *out = TABLE_CSV;
    else
        return -1;
    return 0;
}

static void field(FILE *out, table_format f, const char *s, int first)
{
    if (!first)
        fputc(f == TABLE_CSV ? ',' : '\t', out);
    if (!s)
        return;
    if (f == TABLE_TSV) {
        for (const char *p = s; *p; p++)
            fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, out);
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

static void row(FILE *out, table_format f, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++)
        field(out, f, cells[i], i == 0);
    fputs(f == TABLE_CSV ? "\r\n" : "\n", out);
}

void table_hit_header(FILE *out, table_format f)
{
    static const char *const h[] = {"rank", "year", "title", "line", "kind", "match", "section", "id", "report",
                                    "text"};
    row(out, f, h, sizeof h / sizeof h[0]);
}

void table_hit_row(FILE *out, table_format f, const bg_hit *h, const char *report)
{
    char rank[24], year[16], line[24], section[4096] = "";
    snprintf(rank, sizeof rank, "%zu", bg_hit_rank(h));
    snprintf(year, sizeof year, "%d", bg_hit_year(h));
    snprintf(line, sizeof line, "%zu", bg_hit_line(h));
    for (size_t i = 0, used = 0; i < bg_hit_section_count(h) && used < sizeof section; i++) {
        int n = snprintf(section + used, sizeof section - used, "%s%s", i ? " › " : "", bg_hit_section(h, i));
        used += n > 0 ? (size_t)n : 0;
    }
    const char *cells[] = {rank, year, bg_hit_title(h), line, bg_hit_kind_name(h), bg_hit_match(h), section,
                           bg_hit_id(h), report, bg_hit_text(h)};
    row(out, f, cells, sizeof cells / sizeof cells[0]);
}

void table_figure_header(FILE *out, table_format f)
{
    static const char *const h[] = {"year", "value", "role", "clause", "line", "id", "report"};
    row(out, f, h, sizeof h / sizeof h[0]);
}

void table_figure_row(FILE *out, table_format f, const bg_figure *g, const char *report)
{
    char year[16], line[24];
    snprintf(year, sizeof year, "%d", bg_figure_year(g));
    snprintf(line, sizeof line, "%zu", bg_figure_line(g));
    const char *cells[] = {year, bg_figure_value(g), bg_figure_role(g), bg_figure_text(g), line, bg_figure_id(g),
                           report};
    row(out, f, cells, sizeof cells / sizeof cells[0]);
}
