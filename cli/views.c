/* views.c — baogao-query's text output: how each view (a search, --by-year,
 * --figures, --trend, --compare, --show, --reports, --new-in) prints on a
 * terminal, and as tab- or comma-separated rows (--format); the JSON of
 * --json is the library's and printed as it is. */
#include "views.h"

#include "cli.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

static const char *const prog = "baogao-query";

#define SNIPPET_CHARS 100
/* Columns of the --figures table; longer clauses are cut with "…". */
#define CLAUSE_COLUMNS 44
#define VALUE_COLUMNS 20
typedef struct style {
    const char *open, *close, *dim, *bold, *reset;
} style;

/* "2025 (3) · 2024 (5) · …": where the matches are, newest year first. */
static void print_facet(const bg_results *res, bg_facet facet, const char *label, int newest_first)
{
    size_t n = bg_results_facet_size(res, facet);
    if (n < 2)
        return;
    printf("%s:", label);
    for (size_t k = 0; k < n; k++) {
        size_t count = 0;
        const char *v = bg_results_facet(res, facet, newest_first ? n - 1 - k : k, &count);
        printf("%s %s (%zu)", k ? " ·" : "", v, count);
    }
    printf("\n");
}

static void print_hit(const bg_hit *h, const style *s)
{
    printf("%s%zu.%s %d %s", s->bold, bg_hit_rank(h), s->reset, bg_hit_year(h), bg_hit_title(h));
    for (size_t i = 0; i < bg_hit_section_count(h); i++)
        printf(" › %s", bg_hit_section(h, i));
    printf("  %s[%s]%s\n", s->dim, bg_hit_kind_name(h), s->reset);
    char *snippet = bg_hit_snippet(h, SNIPPET_CHARS, s->open, s->close);
    printf("   %s\n", snippet ? snippet : bg_hit_text(h));
    bg_free(snippet);
    printf("   %s%s:%zu  id %s%s\n\n", s->dim, bgi_cli_shown_path(bg_hit_report(h)), bg_hit_line(h), bg_hit_id(h),
           s->reset);
}

static const style *style_for(int color)
{
    static const style plain = {"【", "】", "", "", ""};
    static const style ansi = {"\033[1;31m", "\033[0m", "\033[2m", "\033[1m", "\033[0m"};
    return color ? &ansi : &plain;
}

/* Prints a JSON document (NULL: out of memory) and frees it; found is the
 * exit status when printed. */
int bgi_print_json(char *doc, int found)
{
    if (!doc) {
        bgi_cli_error(prog, "out of memory");
        return 2;
    }
    puts(doc);
    bg_free(doc);
    return found ? 0 : 1;
}

/* verb: how the hits relate to query ("match", or "are like" a passage). */
int bgi_print_results(const bg_results *res, const char *query, const char *verb, int json, int color)
{
    if (json)
        return bgi_print_json(bg_results_json(res), bg_results_count(res) || bg_results_total(res));
    const style *s = style_for(color);
    size_t total = bg_results_total(res), n = bg_results_count(res);
    if (total == 0) {
        printf("No results for %s.\n", query);
        return 1;
    }
    printf("%s%zu passage%s %s %s", bg_results_total_exact(res) ? "" : "about ", total, total == 1 ? "" : "s", verb,
           query);
    if (!bg_results_total_exact(res))
        printf(" (%zu to %zu; --exact counts them all)", bg_results_total_lower(res), bg_results_total_upper(res));
    if (n)
        printf(" (showing %zu–%zu)", bg_hit_rank(bg_results_hit(res, 0)),
               bg_hit_rank(bg_results_hit(res, n - 1)));
    printf("\n");
    int about = !bg_results_facets_exact(res);
    print_facet(res, BG_FACET_YEAR, about ? "by year (estimated)" : "by year", 1);
    print_facet(res, BG_FACET_BODY, about ? "by body (estimated)" : "by body", 0);
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        const bg_hit *h = bg_results_hit(res, i);
        /* Where the exact matches end, the reader is told what follows. */
        if (i > 0 && strcmp(bg_hit_match(h), bg_hit_match(bg_results_hit(res, i - 1))) != 0)
            printf("%s— %s —%s\n\n", s->dim,
                   strcmp(bg_hit_match(h), "all_words") == 0 ? "exact matches end here; below: passages with all the words, in any order"
                                                             : "below: passages with most of the words",
                   s->reset);
        print_hit(h, s);
    }
    return 0;
}

int bgi_print_by_year(const bg_byyear *by, const char *query, int json, int color)
{
    size_t total = bg_byyear_total(by), years = bg_byyear_years(by);
    if (json)
        return bgi_print_json(bg_byyear_json(by), total > 0);
    if (total == 0) {
        printf("No results for %s.\n", query);
        return 1;
    }
    const style *s = style_for(color);
    const char *about = bg_byyear_total_exact(by) ? "" : "about ";
    printf("%s%zu passage%s match %s in %zu year%s, newest first\n\n", about, total, total == 1 ? "" : "s", query,
           years, years == 1 ? "" : "s");
    about = bg_byyear_year_totals_exact(by) ? "" : "about ";
    for (size_t i = 0; i < years; i++) {
        size_t yt = bg_byyear_year_total(by, i), n = bg_byyear_count(by, i);
        printf("%s%d — %s%zu passage%s%s", s->bold, bg_byyear_year(by, i), about, yt, yt == 1 ? "" : "s", s->reset);
        if (n < yt)
            printf(" (best %zu)", n);
        printf("\n\n");
        for (size_t j = 0; j < n; j++)
            print_hit(bg_byyear_hit(by, i, j), s);
    }
    return 0;
}

/* Terminal columns of s[0..len): East Asian wide and full-width characters
 * take two, combining marks none. */
static size_t columns(const char *s, size_t len)
{
    size_t cols = 0;
    int32_t i = 0, n = (int32_t)len;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            cols++;
        else if (u_getCombiningClass(c) > 0 || u_charType(c) == U_NON_SPACING_MARK)
            continue;
        else {
            int w = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
            cols += w == U_EA_WIDE || w == U_EA_FULLWIDTH ? 2 : 1;
        }
    }
    return cols;
}

/* Prints s in a cell of width columns: cut with "…" when wider, padded with
 * spaces when narrower (pad = 0 for the last cell). */
static void print_cell(const char *s, size_t width, int pad)
{
    size_t len = strlen(s);
    if (columns(s, len) > width) {
        int32_t i = 0, n = (int32_t)len, keep = 0;
        while (i < n) {
            UChar32 c;
            U8_NEXT(s, i, n, c);
            if (columns(s, (size_t)i) > width - 1)
                break;
            keep = i;
        }
        len = (size_t)keep;
        printf("%.*s…", (int)len, s);
        len = columns(s, len) + 1;
    } else {
        fputs(s, stdout);
        len = columns(s, len);
    }
    for (; pad && len < width; len++)
        putchar(' ');
}

int bgi_print_figures(const bg_figures *f, const char *query, int json)
{
    size_t years = bg_figures_years(f);
    if (json)
        return bgi_print_json(bg_figures_json(f), years > 0);
    if (years == 0) {
        printf("No figures next to %s.\n", query);
        return 1;
    }
    size_t value_cols = 5;
    for (size_t i = 0; i < years; i++)
        for (size_t j = 0; j < bg_figures_count(f, i); j++) {
            const char *v = bg_figure_value(bg_figures_item(f, i, j));
            size_t c = columns(v, strlen(v));
            value_cols = c > value_cols ? (c < VALUE_COLUMNS ? c : VALUE_COLUMNS) : value_cols;
        }
    printf("Figures next to %s in %zu year%s, newest first\n\n", query, years, years == 1 ? "" : "s");
    printf("year  ");
    print_cell("value", value_cols, 1);
    printf("  role    ");
    print_cell("clause", CLAUSE_COLUMNS, 1);
    printf("  where\n");
    for (size_t i = 0; i < years; i++)
        for (size_t j = 0; j < bg_figures_count(f, i); j++) {
            const bg_figure *g = bg_figures_item(f, i, j);
            if (j == 0)
                printf("%-4d  ", bg_figures_year(f, i));
            else
                printf("      ");
            print_cell(bg_figure_value(g), value_cols, 1);
            printf("  %-6s  ", bg_figure_role(g));
            print_cell(bg_figure_text(g), CLAUSE_COLUMNS, 1);
            printf("  %s:%zu\n", bgi_cli_shown_path(bg_figure_report(g)), bg_figure_line(g));
        }
    return 0;
}

#define BAR_COLUMNS 40
/* --trend: a table per query (and per body with --by-body), a bar a year
 * scaled to the busiest year's rate (or its occurrences when sizes are
 * unknown). */
void bgi_print_trend(const bg_trend *t, size_t s, const char *query)
{
    size_t n = bg_trend_years(t);
    double top = 0;
    int rates = 1;
    for (size_t i = 0; i < n; i++)
        rates &= bg_trend_per_10k(t, s, i) >= 0 || bg_trend_passages(t, s, i) == 0;
    for (size_t i = 0; i < n; i++) {
        double v = rates ? bg_trend_per_10k(t, s, i) : (double)bg_trend_occurrences(t, s, i);
        top = v > top ? v : top;
    }
    const char *body = bg_trend_body(t, s);
    printf("%s%s%s, year by year (occurrences%s)\n\n", query, body ? " from " : "", body ? (body[0] ? body : "(no body)") : "",
           rates ? " per 10,000 characters" : "");
    printf("year  passages  occurrences  per 10k\n");
    for (size_t i = 0; i < n; i++) {
        double v = rates ? bg_trend_per_10k(t, s, i) : (double)bg_trend_occurrences(t, s, i);
        int bar = top > 0 && v > 0 ? (int)(v / top * BAR_COLUMNS + 0.5) : 0;
        char rate[32] = "-";
        if (bg_trend_per_10k(t, s, i) >= 0)
            snprintf(rate, sizeof rate, "%.2f", bg_trend_per_10k(t, s, i));
        printf("%-4d  %8zu  %11zu  %7s  ", bg_trend_year(t, i), bg_trend_passages(t, s, i),
               bg_trend_occurrences(t, s, i), rate);
        for (int k = 0; k < bar; k++)
            fputs("█", stdout);
        putchar('\n');
    }
}

/* ---- --compare ---------------------------------------------------------- */

#define COMPARE_SNIPPET_CHARS 80
/* Columns of one year's figures in the side-by-side table. */
#define FIGURE_COLUMNS 38

/* One year's passage of an entry: year and section path, snippet, where. */
static void print_compare_side(const bg_hit *h, const style *s)
{
    printf("  %s%d%s  ", s->bold, bg_hit_year(h), s->reset);
    for (size_t i = 0; i < bg_hit_section_count(h); i++)
        printf("%s%s", i ? " › " : "", bg_hit_section(h, i));
    printf("%s  %s[%s]%s\n", bg_hit_section_count(h) ? "" : "(no section)", s->dim, bg_hit_kind_name(h), s->reset);
    char *snippet = bg_hit_snippet(h, COMPARE_SNIPPET_CHARS, s->open, s->close);
    printf("        %s\n", snippet ? snippet : bg_hit_text(h));
    bg_free(snippet);
    printf("        %s%s:%zu  id %s%s\n", s->dim, bgi_cli_shown_path(bg_hit_report(h)), bg_hit_line(h), bg_hit_id(h),
           s->reset);
}

static void print_compare_entry(const bg_compare *c, size_t i, const style *s)
{
    const char *status = bg_compare_status(c, i);
    if (strcmp(status, "only_a") == 0 || strcmp(status, "only_b") == 0)
        printf("%s%c only in %d%s\n", s->bold, status[5] == 'a' ? '<' : '>', bg_compare_year(c, status[5] == 'b'),
               s->reset);
    else
        printf("%s%c %.2f%s%s\n", s->bold, status[1] == 'a' ? '=' : '~', bg_compare_similarity(c, i), s->reset,
               bg_compare_section_match(c, i) ? "  same section" : "");
    for (int side = 0; side < 2; side++)
        if (bg_compare_hit(c, i, side))
            print_compare_side(bg_compare_hit(c, i, side), s);
    putchar('\n');
}

/* The figures of year y, or NULL with *n = 0. */
static const bg_figure *figure_of(const bg_figures *f, int year, size_t j, size_t *n)
{
    for (size_t i = 0; f && i < bg_figures_years(f); i++)
        if (bg_figures_year(f, i) == year) {
            *n = bg_figures_count(f, i);
            return j < *n ? bg_figures_item(f, i, j) : NULL;
        }
    *n = 0;
    return NULL;
}

/* One cell of the figures table: value, then its clause, cut to the column. */
static void print_figure_cell(const bg_figure *g, int pad)
{
    char cell[1024] = "";
    if (g)
        snprintf(cell, sizeof cell, "%s  %s", bg_figure_value(g), bg_figure_text(g));
    print_cell(cell, FIGURE_COLUMNS, pad);
}

/* The figures of both years, a column each, in reading order. */
static void print_compare_figures(const bg_compare *c)
{
    const bg_figures *f = bg_compare_figures(c);
    int ya = bg_compare_year(c, 0), yb = bg_compare_year(c, 1);
    size_t na = 0, nb = 0;
    figure_of(f, ya, 0, &na);
    figure_of(f, yb, 0, &nb);
    if (!na && !nb) {
        printf("No figures next to the query in %d or %d.\n", ya, yb);
        return;
    }
    printf("Figures\n\n");
    char head[16];
    snprintf(head, sizeof head, "%d", ya);
    print_cell(head, FIGURE_COLUMNS, 1);
    printf("  %d\n", yb);
    for (size_t j = 0; j < na || j < nb; j++) {
        size_t n;
        print_figure_cell(figure_of(f, ya, j, &n), 1);
        printf("  ");
        print_figure_cell(figure_of(f, yb, j, &n), 0);
        putchar('\n');
    }
}

/* --compare: a block per entry, in year Y2's report order, then the figures;
 * 0 when either year has a match, else 1. */
int bgi_print_compare(const bg_compare *c, const char *query, int json, int color)
{
    int found = bg_compare_count(c) > 0;
    if (json)
        return bgi_print_json(bg_compare_json(c), found);
    int ya = bg_compare_year(c, 0), yb = bg_compare_year(c, 1);
    if (!found) {
        printf("No results for %s in %d or %d.\n", query, ya, yb);
        return 1;
    }
    const style *s = style_for(color);
    printf("%s: %d (%zu passage%s) side by side with %d (%zu passage%s)", query, ya, bg_compare_total(c, 0),
           bg_compare_total(c, 0) == 1 ? "" : "s", yb, bg_compare_total(c, 1), bg_compare_total(c, 1) == 1 ? "" : "s");
    if (bg_compare_truncated(c))
        printf("; only the best %d of a year are compared", BG_COMPARE_MAX);
    putchar('\n');
    printf("%s= same wording  ~ similar  < only in %d  > only in %d%s\n\n", s->dim, ya, yb, s->reset);
    for (size_t i = 0; i < bg_compare_count(c); i++)
        print_compare_entry(c, i, s);
    print_compare_figures(c);
    return 0;
}

int bgi_table_compare(const bg_compare *c, table_format f)
{
    table_compare_header(stdout, f);
    for (size_t i = 0; i < bg_compare_count(c); i++)
        table_compare_row(stdout, f, c, i);
    return bg_compare_count(c) ? 0 : 1;
}

/* --show: the report and the section path of the passage asked for, then the
 * passages around it (its section, its report), each with its line, the
 * passage itself marked. */
int bgi_print_context(const bg_results *res, int json, int color)
{
    if (json)
        return bgi_print_json(bg_results_json(res), 1);
    const bg_hit *target = NULL;
    for (size_t i = 0; i < bg_results_count(res) && !target; i++)
        if (strcmp(bg_hit_match(bg_results_hit(res, i)), "target") == 0)
            target = bg_results_hit(res, i);
    if (!target && bg_results_count(res) == 0)
        return 1;
    const bg_hit *top = target ? target : bg_results_hit(res, 0);
    if (!target) {   /* a report by its id: no passage to mark */
        printf("%d %s\n%s\n\n", bg_hit_year(top), bg_hit_title(top), bgi_cli_shown_path(bg_hit_report(top)));
        for (size_t i = 0; i < bg_results_count(res); i++)
            printf(" %5zu  %s\n", bg_hit_line(bg_results_hit(res, i)), bg_hit_text(bg_results_hit(res, i)));
        return 0;
    }
    printf("%d %s\n", bg_hit_year(target), bg_hit_title(target));
    for (size_t k = 0; k < bg_hit_section_count(target); k++)
        printf("%*s%s\n", (int)(2 * k + 2), "", bg_hit_section(target, k));
    printf("%s:%zu  id %s\n\n", bgi_cli_shown_path(bg_hit_report(target)), bg_hit_line(target), bg_hit_id(target));
    for (size_t i = 0; i < bg_results_count(res); i++) {
        const bg_hit *h = bg_results_hit(res, i);
        int me = h == target;
        printf("%s%s%5zu%s  %s\n", me ? ">" : " ", me && color ? "\033[1m" : "", bg_hit_line(h),
               me && color ? "\033[0m" : "", bg_hit_text(h));
    }
    return 0;
}

/* --format tsv|csv: every hit a row (the report's path absolute, for
 * scripts); exit 1 when there are none. */
int bgi_table_results(const bg_results *res, table_format f)
{
    table_hit_header(stdout, f);
    for (size_t i = 0; i < bg_results_count(res); i++)
        table_hit_row(stdout, f, bg_results_hit(res, i), bg_hit_report(bg_results_hit(res, i)));
    return bg_results_count(res) ? 0 : 1;
}

int bgi_table_by_year(const bg_byyear *by, table_format f)
{
    table_hit_header(stdout, f);
    for (size_t i = 0; i < bg_byyear_years(by); i++)
        for (size_t j = 0; j < bg_byyear_count(by, i); j++)
            table_hit_row(stdout, f, bg_byyear_hit(by, i, j), bg_hit_report(bg_byyear_hit(by, i, j)));
    return bg_byyear_total(by) ? 0 : 1;
}

int bgi_table_figures(const bg_figures *fig, table_format f)
{
    table_figure_header(stdout, f);
    for (size_t i = 0; i < bg_figures_years(fig); i++)
        for (size_t j = 0; j < bg_figures_count(fig, i); j++)
            table_figure_row(stdout, f, bg_figures_item(fig, i, j), bg_figure_report(bg_figures_item(fig, i, j)));
    return bg_figures_years(fig) ? 0 : 1;
}

/* A partial answer says so on stderr, whatever the output format. */
void bgi_warn_missing(const bg_missing *m)
{
    size_t n = bg_missing_count(m);
    if (n == 0)
        return;
    fprintf(stderr, "%s: warning: answered without %zu unavailable shard%s:", prog, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s %s", i ? "," : "", bg_missing_name(m, i));
    fputc('\n', stderr);
}

/* The catalogue: its JSON as it is, or one line per report, newest year
 * first, with copies of other reports marked. 0, or 1 for an empty index. */
int bgi_print_reports(const char *json_text, int json)
{
    if (json) {
        puts(json_text);
        return 0;
    }
    cJSON *root = cJSON_Parse(json_text);
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "reports"), *r;
    size_t n = 0;
    cJSON_ArrayForEach(r, arr) {
        const cJSON *dup = cJSON_GetObjectItemCaseSensitive(r, "duplicate_of");
        const cJSON *docno = cJSON_GetObjectItemCaseSensitive(r, "docno");
        printf("%d  %s  %s  (%d passages)  id %s%s%s%s%s\n",
               cJSON_GetObjectItemCaseSensitive(r, "year")->valueint,
               cJSON_GetObjectItemCaseSensitive(r, "title")->valuestring,
               bgi_cli_shown_path(cJSON_GetObjectItemCaseSensitive(r, "report")->valuestring),
               cJSON_GetObjectItemCaseSensitive(r, "passages")->valueint,
               cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring, cJSON_IsString(docno) ? "  " : "", cJSON_IsString(docno) ? docno->valuestring : "",
               cJSON_IsString(dup) ? "  copy of " : "", cJSON_IsString(dup) ? bgi_cli_shown_path(dup->valuestring) : "");
        n++;
    }
    printf("%zu report%s\n", n, n == 1 ? "" : "s");
    cJSON_Delete(root);
    return n ? 0 : 1;
}

/* ---- --new-in, --gone-in -------------------------------------------------- */

/* "2008–2023": the years of a list, as a range when they run on. */
static void print_years(const cJSON *years)
{
    int n = cJSON_GetArraySize(years);
    if (n == 0) {
        fputs("none", stdout);
        return;
    }
    int first = cJSON_GetArrayItem(years, 0)->valueint, last = cJSON_GetArrayItem(years, n - 1)->valueint;
    if (n == 1)
        printf("%d", first);
    else
        printf("%d%s%d", first, n == last - first + 1 ? "–" : " … ", last);
}

/* A numbered line per expression, with its first passage. */
int bgi_print_novel(const bg_novel *nv, int json, int color)
{
    int found = bg_novel_count(nv) > 0;
    char *doc = bg_novel_json(nv);
    if (json || !doc)
        return bgi_print_json(doc, found);
    cJSON *root = cJSON_Parse(doc);
    bg_free(doc);
    if (!root)
        return bgi_print_json(NULL, found);
    int gone = strcmp(cJSON_GetObjectItem(root, "direction")->valuestring, "gone") == 0;
    const style *s = style_for(color);
    if (gone)
        printf("Used in %d and no longer from %d on (compared with ", bg_novel_base_year(nv), bg_novel_year(nv));
    else
        printf("New in %d (compared with ", bg_novel_year(nv));
    print_years(cJSON_GetObjectItem(root, "compared_years"));
    printf("; %s years: ", gone ? "earlier" : "later");
    print_years(cJSON_GetObjectItem(root, "other_years"));
    printf(")\n");
    cJSON_Delete(root);
    for (size_t i = 0; i < bg_novel_count(nv); i++) {
        size_t occ = bg_novel_occurrences(nv, i), pas = bg_novel_passages(nv, i), oy = bg_novel_other_years(nv, i);
        printf("%3zu. %s%s%s  %zu time%s in %zu passage%s", i + 1, s->bold, bg_novel_text(nv, i), s->reset, occ,
               occ == 1 ? "" : "s", pas, pas == 1 ? "" : "s");
        if (oy)
            printf("; %s %zu %s year%s", gone ? "used in" : "again in", oy, gone ? "earlier" : "later",
                   oy == 1 ? "" : "s");
        putchar('\n');
        const bg_results *hits = bg_novel_hits(nv, i);
        const bg_hit *h = hits && bg_results_count(hits) ? bg_results_hit(hits, 0) : NULL;
        if (!h)
            continue;
        char *snippet = bg_hit_snippet(h, COMPARE_SNIPPET_CHARS, s->open, s->close);
        printf("      %s\n      %s%s:%zu%s\n", snippet ? snippet : bg_hit_text(h), s->dim,
               bgi_cli_shown_path(bg_hit_report(h)), bg_hit_line(h), s->reset);
        bg_free(snippet);
    }
    return found ? 0 : 1;
}

