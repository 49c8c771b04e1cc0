/* main.c — baogao-query: search an index from the command line and print
 * ranked passages with their section path, or the JSON contract (--json). */
#include "baogao.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const prog = "baogao-query";

#define SNIPPET_CHARS 100

static void usage(FILE *out)
{
    fputs("Usage: baogao-query [OPTION]... QUERY...\n"
          "Search indexed reports; print the best passages with their report, section\n"
          "path, a highlighted snippet and file:line.\n"
          "\n"
          "Query syntax: words (all must match, in any order), \"exact phrase\",\n"
          "-excluded, a OR b. Chinese needs no spaces: 推进政务服务标准化 finds the\n"
          "phrase first, then passages with its words apart.\n"
          "\n"
          "  --db PATH         index directory (default: $BAOGAO_DB, else\n"
          "                    ~/.local/share/baogao/index)\n"
          "  -n, --limit N     show N results (default 10, at most 10000)\n"
          "  --offset N        skip the first N results (paging)\n"
          "  --year Y          only reports of year Y, or of a range: 2018..2022, ..2019, 2016..\n"
          "  --body NAME       only reports issued by NAME (e.g. 国务院)\n"
          "  --json            print one JSON document (see docs/format.md)\n"
          "  --no-color        mark matches with 【】 even on a terminal\n"
          "  -h, --help        show this help\n"
          "      --version     show the version\n"
          "\n"
          "Examples:\n"
          "  baogao-query 电子证照\n"
          "  baogao-query --year 2018..2022 --limit 5 \"城镇新增就业\"\n"
          "  baogao-query --json 减税 降费 -企业\n"
          "\n"
          "Exit status: 0 results found, 1 no results, 2 error.\n",
          out);
}

typedef struct style {
    const char *open, *close, *dim, *bold, *reset;
} style;

/* "2025 (3) · 2024 (5) · …": where the matches are, newest year first. */
static void print_facet(const bg_results *res, const char *facet, const char *label, int newest_first)
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
    printf("   %s%s:%zu%s\n\n", s->dim, bg_hit_report(h), bg_hit_line(h), s->reset);
}

static char *join_args(char **argv, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(argv[i]) + 1;
    char *q = malloc(len);
    if (!q)
        return NULL;
    q[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(q, " ");
        strcat(q, argv[i]);
    }
    return q;
}

static int print_results(const bg_results *res, const char *query, int json, int color)
{
    if (json) {
        char *doc = bg_results_json(res);
        if (!doc) {
            bg_cli_error(prog, "out of memory");
            return 2;
        }
        puts(doc);
        bg_free(doc);
        return bg_results_count(res) || bg_results_total(res) ? 0 : 1;
    }
    style plain = {"【", "】", "", "", ""};
    style ansi = {"\033[1;31m", "\033[0m", "\033[2m", "\033[1m", "\033[0m"};
    const style *s = color ? &ansi : &plain;
    size_t total = bg_results_total(res), n = bg_results_count(res);
    if (total == 0) {
        printf("No results for %s.\n", query);
        return 1;
    }
    printf("%zu passage%s match %s", total, total == 1 ? "" : "s", query);
    if (n)
        printf(" (showing %zu–%zu)", bg_hit_rank(bg_results_hit(res, 0)),
               bg_hit_rank(bg_results_hit(res, n - 1)));
    printf("\n");
    print_facet(res, "year", "by year", 1);
    print_facet(res, "body", "by body", 0);
    printf("\n");
    for (size_t i = 0; i < n; i++)
        print_hit(bg_results_hit(res, i), s);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},   {"limit", required_argument, 0, 'n'},
        {"offset", required_argument, 0, 'o'}, {"year", required_argument, 0, 'y'},
        {"body", required_argument, 0, 'b'}, {"json", no_argument, 0, 'j'},
        {"no-color", no_argument, 0, 'C'},   {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},    {0, 0, 0, 0},
    };
    const char *db = NULL;
    bg_search_options so = {0};
    int json = 0, color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    int c;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'n':
            if (bg_cli_parse_size(&so.limit, optarg, 10000) || so.limit == 0) {
                bg_cli_error(prog, "--limit: '%s' is not a number from 1 to 10000", optarg);
                return 2;
            }
            break;
        case 'o':
            if (bg_cli_parse_size(&so.offset, optarg, 1000000)) {
                bg_cli_error(prog, "--offset: '%s' is not a number from 0 to 1000000", optarg);
                return 2;
            }
            break;
        case 'y':
            if (bg_cli_parse_years(&so.year_from, &so.year_to, optarg)) {
                bg_cli_error(prog, "--year: '%s' is not a year (2022) or a range (2018..2022)", optarg);
                return 2;
            }
            break;
        case 'b': so.body = optarg; break;
        case 'j': json = 1; break;
        case 'C': color = 0; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("baogao-query %s\n", bg_version()); return 0;
        default: fprintf(stderr, "Try 'baogao-query --help' for more information.\n"); return 2;
        }
    }
    if (optind >= argc) {
        bg_cli_error(prog, "no query given (try --help)");
        return 2;
    }
    char *query = join_args(argv + optind, argc - optind);
    char *db_default = db ? NULL : bg_default_index_path();
    bg_index *ix = NULL;
    bg_results *res = NULL;
    int rc = 2;
    if (!query)
        bg_cli_error(prog, "out of memory");
    else if (bg_index_open(&ix, db ? db : db_default, BG_OPEN_READ) != 0
             || bg_search_run(&res, ix, query, &so) != 0)
        bg_cli_error(prog, "%s", bg_errmsg());
    else
        rc = print_results(res, query, json, color);
    bg_results_free(res);
    bg_index_free(ix);
    free(db_default);
    free(query);
    return rc;
}
