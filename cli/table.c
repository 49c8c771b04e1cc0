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

/* h's section path joined with " › " into out[n] (cut when longer). */
static void section_path(char *out, size_t size, const bg_hit *h)
{
    out[0] = '\0';
    for (size_t i = 0, used = 0; i < bg_hit_section_count(h) && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? " › " : "", bg_hit_section(h, i));
        used += n > 0 ? (size_t)n : 0;
    }
}

void table_hit_row(FILE *out, table_format f, const bg_hit *h, const char *report)
{
    char rank[24], year[16], line[24], section[4096];
    snprintf(rank, sizeof rank, "%zu", bg_hit_rank(h));
    snprintf(year, sizeof year, "%d", bg_hit_year(h));
    snprintf(line, sizeof line, "%zu", bg_hit_line(h));
    section_path(section, sizeof section, h);
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

void table_compare_header(FILE *out, table_format f)
{
    static const char *const h[] = {"status", "similarity", "same_section", "a_year", "a_line", "a_id",
                                    "a_section", "a_text", "a_report", "b_year", "b_line", "b_id",
                                    "b_section", "b_text", "b_report"};
    row(out, f, h, sizeof h / sizeof h[0]);
}

void table_compare_row(FILE *out, table_format f, const bg_compare *c, size_t i)
{
    char sim[16], year[2][16] = {"", ""}, line[2][24] = {"", ""}, section[2][4096] = {"", ""};
    snprintf(sim, sizeof sim, "%.3f", bg_compare_similarity(c, i));
    const bg_hit *h[2] = {bg_compare_hit(c, i, 0), bg_compare_hit(c, i, 1)};
    for (int s = 0; s < 2; s++)
        if (h[s]) {
            snprintf(year[s], sizeof year[s], "%d", bg_hit_year(h[s]));
            snprintf(line[s], sizeof line[s], "%zu", bg_hit_line(h[s]));
            section_path(section[s], sizeof section[s], h[s]);
        }
    const char *cells[] = {bg_compare_status(c, i), sim, bg_compare_section_match(c, i) ? "1" : "0",
                           year[0], line[0], h[0] ? bg_hit_id(h[0]) : "", section[0], h[0] ? bg_hit_text(h[0]) : "",
                           h[0] ? bg_hit_report(h[0]) : "",
                           year[1], line[1], h[1] ? bg_hit_id(h[1]) : "", section[1], h[1] ? bg_hit_text(h[1]) : "",
                           h[1] ? bg_hit_report(h[1]) : ""};
    row(out, f, cells, sizeof cells / sizeof cells[0]);
}
