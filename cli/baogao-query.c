/* baogao-query.c — baogao-query: search an index from the command line and print
 * ranked passages with their section path, or the JSON contract (--json);
 * across years: the best passages of each year (--by-year), the figures next
 * to the query (--figures), similar passages of other years (--like), trends
 * (--trend), two years side by side (--compare), new expressions (--new-in).
 * This file reads the command line and runs the view; cli/views.c prints it. */
#include "baogao.h"
#include "cli.h"
#include "table.h"
#include "views.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const prog = "baogao-query";


static void usage(FILE *out)
{
    fputs("Usage: baogao-query [OPTION]... QUERY...\n"
          "  or:  baogao-query [OPTION]... --like REF\n"
          "  or:  baogao-query [OPTION]... --compare YEAR1 YEAR2 QUERY...\n"
          "  or:  baogao-query [OPTION]... --new-in YEAR | --gone-in YEAR\n"
          "Search indexed reports; print the best passages with their report, section\n"
          "path, a highlighted snippet and file:line.\n"
          "\n"
          "Query syntax (docs/query.md):\n"
          "  words             all must match, in any order; Chinese needs no spaces:\n"
          "                    推进政务服务标准化 finds the phrase first, then its words apart\n"
          "  \"exact phrase\"    as written (also “…” and 「…」)\n"
          "  -word -\"phrase\"   leave out passages holding it; before Chinese text it\n"
          "                    may stand among the options (减税 -企业 --limit 3); for\n"
          "                    Latin letters quote it (-\"GDP\") or put the query after --\n"
          "  +word             required, also inside an OR: 降费 OR +企业\n"
          "  a OR b            either\n"
          "  a AND b           both\n"
          "  a NOT b           a without b (AND, OR, NOT in upper case; and/or/not are\n"
          "                    words). AND and NOT bind tighter than OR, OR tighter\n"
          "                    than words side by side; ( ) group: (减税 OR 降费) 企业\n"
          "\n"
          "  --db PATH         index directory, or a stub file listing local and remote\n"
          "                    shards (default: $BAOGAO_DB, else\n"
          "                    ~/.local/share/baogao/index; docs/scaling.md)\n"
          "  --timeout MS      give up on a remote shard after MS milliseconds (default 5000)\n"
          "  --partial         answer from the shards that are up, with a warning naming\n"
          "                    the others (JSON: \"missing_shards\")\n"
          "  -n, --limit N     show N results (default 10, at most 10000)\n"
          "  --offset N        skip the first N results (paging)\n"
          "  --year Y          only reports of year Y, a range (2018..2022, 2018-2022,\n"
          "                    ..2019, 2016..) or a list (2019,2021,2023..2024)\n"
          "  --body NAME       only reports issued by NAME (e.g. 国务院), a known short\n"
          "                    name (中共中央, 国办: data/bodies.txt) or the start of names\n"
          "  --strict          exact matches only (by default, when they fill less than a\n"
          "                    page, passages with all the words in any order follow,\n"
          "                    then passages with most of them, a name in full or in\n"
          "                    short (国有企业, 国企: data/synonyms.txt); each hit says which)\n"
          "  --no-collapse     show every copy of a text (an HTML page and its PDF, a\n"
          "                    repost); by default a text is one hit listing its copies\n"
          "  --reports         list the indexed reports (newest year first; copies of\n"
          "                    other reports marked) instead of searching\n"
          "  --kind KIND       only documents of this kind (意见, 通知, 决定, 报告, 函…)\n"
          "  --docno NUMBER    only the document with this 发文字号 (国发〔2023〕1号; [] and\n"
          "                    （） brackets as typed work too)\n"
          "  --by-year         group the results by year, newest first (docs/years.md)\n"
          "  --per-year N      with --by-year: the best N passages of each year (default 3)\n"
          "  --figures         list, year by year, the figures next to the query's words\n"
          "                    (城镇新增就业 → 1100万人以上), with their clause and file:line\n"
          "  --like REF        passages on the same subject from other years; REF is the\n"
          "                    id printed with a hit, or REPORT:LINE (no QUERY then)\n"
          "  --show REF        read a passage in its report: its section path and the\n"
          "                    passages around it, in order (REF as for --like)\n"
          "  --context N       passages before and after it with --show (default 2,\n"
          "                    at most 100)\n"
          "  --section         with --show: its whole section, from the heading\n"
          "  --report          with --show: its whole report (REF may also be a\n"
          "                    report's id, the part of a passage id before ':')\n"
          "  --json            print one JSON document (see docs/format.md, docs/years.md)\n"
          "  --color=WHEN      mark matches in colour: auto (on a terminal, unless\n"
          "                    NO_COLOR is set; the default), always, never\n"
          "  --no-color        the same as --color=never: matches marked with 【】\n"
          "  --trend QUERY     the query year by year: passages holding it as written,\n"
          "                    its occurrences and occurrences per 10,000 characters\n"
          "                    of each year's reports, with a bar; repeat to compare\n"
          "                    (--trend 稳就业 --trend 稳增长); filters apply\n"
          "  --by-body         with --trend: a table for each issuing body\n"
          "  --compare Y1 Y2   the query's passages of year Y1 and year Y2 side by side:\n"
          "                    each passage of Y2 next to its closest passage of Y1\n"
          "                    (same section, similar wording), marked = same, ~ similar,\n"
          "                    < only in Y1, > only in Y2; then the figures of both\n"
          "                    years (docs/years.md); --body, --kind, --docno apply\n"
          "  --count           print only the number of matching passages (counted\n"
          "                    exactly, as with --exact)\n"
          "  --exact           count every match: exact totals and facets however many\n"
          "                    match (by default, beyond 10,000 matches the total is an\n"
          "                    estimate with its bounds and the facets are scaled;\n"
          "                    every year with a match is still listed)\n"
          "  --count-bound N   count at least N matches exactly before estimating\n"
          "                    (default 10000)\n"
          "  --new-in YEAR     the expressions YEAR's reports use and no earlier report\n"
          "                    does (新提法), best first, each with its first passage;\n"
          "                    --limit N of them (default 30), --body/--kind apply\n"
          "  --gone-in YEAR    the expressions of the year before YEAR that YEAR and\n"
          "                    the years after it no longer use\n"
          "  --since YEAR      with --new-in/--gone-in: compare with the years from\n"
          "                    YEAR on only\n"
          "  --format tsv|csv  print hits (and --figures, --compare rows) as tab- or comma-\n"
          "                    separated values with a header line\n"
          "  -h, --help        show this help\n"
          "      --version     show the version\n"
          "\n"
          "Examples:\n"
          "  baogao-query 电子证照\n"
          "  baogao-query --year 2018..2022 --limit 5 \"城镇新增就业\"\n"
          "  baogao-query --json 减税 降费 -企业\n"
          "  baogao-query 减税 降费 -企业 --limit 3\n"
          "  baogao-query '减税 AND 降费'\n"
          "  baogao-query 减税 NOT 企业\n"
          "  baogao-query '(减税 OR 降费) 企业'\n"
          "  baogao-query 减税 OR 降费 NOT 中小企业\n"
          "  baogao-query '-\"中小企业\"' 减税\n"
          "  baogao-query --year 2019,2021 就业\n"
          "  baogao-query --year 2022-2023 --body 中共中央 改革\n"
          "  baogao-query --body 国务 减税\n"
          "  baogao-query --by-year --per-year 2 城镇新增就业\n"
          "  baogao-query --figures 城镇新增就业\n"
          "  baogao-query --like corpus/shaoguan-qujiang-fazhi-2022.txt:10\n"
          "  baogao-query --show corpus/shaoguan-qujiang-fazhi-2022.txt:10 --context 1\n"
          "  baogao-query --trend 电子证照 --trend 政务服务\n"
          "  baogao-query --compare 2023 2024 营商环境\n"
          "  baogao-query --new-in 2024 --body 国务院\n"
          "\n"
          "Exit status: 0 results found, 1 no results (with filters, the message says\n"
          "how many each filter left out), 2 error (a remote shard that is\n"
          "unavailable, without --partial).\n",
          out);
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

enum { MODE_SEARCH, MODE_BY_YEAR, MODE_FIGURES, MODE_LIKE, MODE_REPORTS, MODE_SHOW, MODE_TREND, MODE_COMPARE, MODE_NEW };

#define MAX_TRENDS 8

/* Every --trend query: one JSON document ({"trends": [...]} for several), or
 * a table each. 0 when any year has a match, else 1. */
static int run_trends(bg_index *ix, const char *const *queries, size_t n, const bg_search_options *so, int by_body,
                      int json, int *err)
{
    int found = 0;
    if (json && n > 1)
        fputs("{\"trends\":[", stdout);
    for (size_t q = 0; q < n; q++) {
        bg_trend *t = NULL;
        if ((*err = bg_search_trend(&t, ix, queries[q], so, by_body)) != 0)
            return 2;
        for (size_t s = 0; s < bg_trend_series(t); s++)
            for (size_t i = 0; i < bg_trend_years(t); i++)
                found |= bg_trend_passages(t, s, i) > 0;
        if (json) {
            char *doc = bg_trend_json(t);
            if (!doc) {
                bg_trend_free(t);
                *err = BG_ENOMEM;
                return 2;
            }
            fputs(q ? "," : "", stdout);
            fputs(doc, stdout);
            bg_free(doc);
        } else {
            for (size_t s = 0; s < bg_trend_series(t); s++) {
                if (q || s)
                    putchar('\n');
                bgi_print_trend(t, s, queries[q]);
            }
        }
        bg_trend_free(t);
    }
    if (json)
        fputs(n > 1 ? "]}\n" : "\n", stdout);
    return found ? 0 : 1;
}

/* What the command line asks for. */
typedef struct query_cli {
    const char *db, *like, *year;   /* year: --year as given, for messages */
    size_t context;          /* --show: passages on each side */
    int scope;               /* --show: 0 around it, 1 --section, 2 --report */
    int count;               /* --count: the number of matches only */
    table_format format;     /* --format tsv|csv, or TABLE_NONE */
    const char *trends[MAX_TRENDS];   /* --trend QUERY, each */
    size_t n_trends;
    int by_body;             /* --by-body: a trend per issuing body */
    int compare[2];          /* --compare Y1 Y2 */
    bg_novel_options novel;  /* --new-in, --gone-in, --since */
    int novel_year;
    bg_search_options so;
    int years[400];          /* --year 2019,2021: so.years points here */
    size_t timeout_ms;
    int partial, json, color, mode;
    char *query;             /* the words joined, or the --like reference; owned */
} query_cli;

/* " in 2030 from 国务": the filters o applies, as a no-results line names
 * them ("" when none). */
static void describe_filters(char *out, size_t n, const query_cli *o)
{
    const bg_search_options *so = &o->so;
    snprintf(out, n, "%s%s%s%s%s%s%s%s", o->year ? " in " : "", o->year ? o->year : "",
             so->body ? " from " : "", so->body ? so->body : "", so->kind ? " of kind " : "",
             so->kind ? so->kind : "", so->docno ? " numbered " : "", so->docno ? so->docno : "");
}

/* A search without results. With filters, it says what dropping each would
 * find ("No results for 减税 in 2030; 15 without the year filter."); the JSON
 * document gets "suggestions". The exit status: 1, or 2 out of memory. */
static int print_no_results(bg_index *ix, const bg_results *res, const query_cli *o)
{
    char filters[512];
    describe_filters(filters, sizeof filters, o);
    bg_suggestion s[BG_MAX_SUGGESTIONS];
    size_t n = 0;
    /* Best effort: a failure here leaves the answer as it was. */
    if ((filters[0] || o->json) && bg_search_suggest(s, BG_MAX_SUGGESTIONS, &n, ix, o->query, &o->so) != 0)
        n = 0;
    if (o->json) {
        char *doc = bgi_cli_json_suggestions(bg_results_json(res), s, n);
        if (!doc) {
            bgi_cli_error(prog, "out of memory");
            return 2;
        }
        puts(doc);
        free(doc);
        return 1;
    }
    printf("No results for %s%s", o->query, filters);
    const char *sep = "; ";
    for (size_t i = 0; i < n; i++) {
        if (!s[i].total)
            continue;
        if (strcmp(s[i].drop, "all") == 0)
            printf("%s%zu without any filter", sep, s[i].total);
        else
            printf("%s%zu without the %s filter", sep, s[i].total, s[i].drop);
        sep = ", ";
    }
    printf("%s.\n", filters[0] && sep[0] == ';' ? "; none without the filters either" : "");
    return 1;
}

/* Runs the search the options ask for and prints it; the exit status. */
static int run(bg_index *ix, const query_cli *o)
{
    int mode = o->mode, json = o->json, color = o->color;
    const char *query = o->query;
    const bg_search_options *so = &o->so;
    int rc = 2, err = 0;
    if (mode == MODE_REPORTS) {
        char *cat = bg_index_reports_json(ix);
        if (!cat)
            err = 1;
        else
            rc = bgi_print_reports(cat, json);
        bg_free(cat);
    } else if (mode == MODE_BY_YEAR) {
        bg_byyear *by = NULL;
        if ((err = bg_search_by_year(&by, ix, query, so)) == 0) {
            bgi_warn_missing(bg_byyear_missing_shards(by));
            rc = o->format ? bgi_table_by_year(by, o->format) : bgi_print_by_year(by, query, json, color);
        }
        bg_byyear_free(by);
    } else if (mode == MODE_FIGURES) {
        bg_figures *f = NULL;
        if ((err = bg_search_figures(&f, ix, query, so)) == 0) {
            bgi_warn_missing(bg_figures_missing_shards(f));
            rc = o->format ? bgi_table_figures(f, o->format) : bgi_print_figures(f, query, json);
        }
        bg_figures_free(f);
    } else if (mode == MODE_TREND) {
        rc = run_trends(ix, o->trends, o->n_trends, so, o->by_body, json, &err);
    } else if (mode == MODE_COMPARE) {
        bg_compare *c = NULL;
        if ((err = bg_search_compare(&c, ix, query, o->compare[0], o->compare[1], so)) == 0) {
            bgi_warn_missing(bg_compare_missing_shards(c));
            rc = o->format ? bgi_table_compare(c, o->format) : bgi_print_compare(c, query, json, color);
        }
        bg_compare_free(c);
    } else if (mode == MODE_NEW) {
        bg_novel *nv = NULL;
        bg_novel_options no = o->novel;
        no.limit = so->limit;
        no.passages = json ? 3 : 1;
        if ((err = bg_search_new(&nv, ix, o->novel_year, &no, so)) == 0)
            rc = bgi_print_novel(nv, json, color);
        else if (err == BG_ENOTFOUND) {   /* no reports of the year: nothing to list, as a search without results */
            printf("%s.\n", bg_errmsg());
            rc = 1, err = 0;
        }
        bg_novel_free(nv);
    } else if (mode == MODE_SHOW) {
        bg_results *res = NULL;
        err = o->scope == 2   ? bg_report_passages(&res, ix, query)
              : o->scope == 1 ? bg_section_passages(&res, ix, query)
                              : bg_passage_context(&res, ix, query, o->context);
        if (err == 0)
            rc = o->format ? bgi_table_results(res, o->format) : bgi_print_context(res, json, color);
        bg_results_free(res);
    } else {
        bg_results *res = NULL;
        err = mode == MODE_LIKE ? bg_search_like(&res, ix, query, so) : bg_search_run(&res, ix, query, so);
        if (err == 0) {
            bgi_warn_missing(bg_results_missing_shards(res));
            if (o->count) {
                printf("%zu\n", bg_results_total(res));
                rc = bg_results_total(res) ? 0 : 1;
            } else if (o->format) {
                rc = bgi_table_results(res, o->format);
            } else if (mode == MODE_SEARCH && bg_results_total(res) == 0 && bg_results_count(res) == 0)
                rc = print_no_results(ix, res, o);
            else
                rc = bgi_print_results(res, query, mode == MODE_LIKE ? "from other years are like" : "match", json, color);
        }
        bg_results_free(res);
    }
    if (err)
        bgi_cli_error(prog, "%s", bg_errmsg());
    return rc;
}

/* The options (docs in usage()). */
static const struct option query_options[] = {
    {"db", required_argument, 0, 'd'},   {"limit", required_argument, 0, 'n'},
    {"offset", required_argument, 0, 'o'}, {"year", required_argument, 0, 'y'},
    {"body", required_argument, 0, 'b'}, {"json", no_argument, 0, 'j'},
    {"kind", required_argument, 0, 'K'}, {"docno", required_argument, 0, 'D'},
    {"no-collapse", no_argument, 0, 'A'}, {"reports", no_argument, 0, 'R'},
    {"strict", no_argument, 0, 'S'},
    {"by-year", no_argument, 0, 'Y'},    {"per-year", required_argument, 0, 'P'},
    {"figures", no_argument, 0, 'F'},    {"like", required_argument, 0, 'L'},
    {"no-color", no_argument, 0, 'C'},   {"help", no_argument, 0, 'h'},
    {"color", required_argument, 0, 'k'}, {"colour", required_argument, 0, 'k'},
    {"count", no_argument, 0, 'N'},
    {"version", no_argument, 0, 'V'},    {"timeout", required_argument, 0, 'T'},
    {"partial", no_argument, 0, 'p'},    {"show", required_argument, 0, 'W'},
    {"context", required_argument, 0, 'c'}, {"section", no_argument, 0, 'E'},
    {"report", no_argument, 0, 'G'},     {"format", required_argument, 0, 'f'},
    {"trend", required_argument, 0, 't'}, {"by-body", no_argument, 0, 'B'},
    {"compare", required_argument, 0, 'M'},
    {"new-in", required_argument, 0, 'I'}, {"gone-in", required_argument, 0, 'O'},
    {"since", required_argument, 0, 's'},
    {"exact", no_argument, 0, 'X'},      {"count-bound", required_argument, 0, 'Q'},
    {0, 0, 0, 0},
};

/* Whether arg, standing where an option could, is query text getopt would
 * misread as options (and cut inside a UTF-8 character): an exclusion of
 * Chinese or other non-ASCII text (-企业), of a phrase (-"…") or a group
 * (-(…)), or a negative number (-3%). */
static int is_query_arg(const char *arg)
{
    unsigned char c = (unsigned char)arg[1];
    return arg[0] == '-' && (c >= 0x80 || c == '"' || c == '(' || (c >= '0' && c <= '9'));
}

/* The long option arg (not "--") names as getopt_long reads it (also
 * abbreviated, --lim), or NULL. */
static const struct option *long_option(const char *arg, const struct option *opts)
{
    if (arg[1] != '-')
        return NULL;
    const char *name = arg + 2;
    size_t len = strcspn(name, "="), matches = 0;
    const struct option *found = NULL;
    for (const struct option *o = opts; o->name; o++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        found = o;
        matches++;
        if (strlen(o->name) == len) {
            matches = 1;
            break;
        }
    }
    return matches == 1 ? found : NULL;
}

/* How many of the next arguments option arg takes as its values, as
 * getopt_long reads it: --year 2030, --lim 3, -n 3 one; --compare 2023 2024
 * two (getopt_long gives the first, parse_options takes the second); none
 * with --year=2030. */
static int values_next(const char *arg, const struct option *opts)
{
    if (arg[1] != '-') {
        const char *n = strchr(arg + 1, 'n');   /* -n is the one short option with a value */
        return n && n[1] == '\0';
    }
    const struct option *o = long_option(arg, opts);
    if (!o || o->has_arg != required_argument)
        return 0;
    int two = strcmp(o->name, "compare") == 0;
    return strchr(arg, '=') ? two : 1 + two;
}

/* argv for getopt_long: the options with their values first, then "--" and
 * the query's words in their order, so that an exclusion anywhere on the
 * line (减税 -企业 --limit 3) is a word. *argc is updated; free() the array. */
static char **options_first(int *argc, char **argv, const struct option *opts)
{
    static char dashdash[] = "--";
    int n = 0, nw = 0;
    char **out = calloc((size_t)*argc + 2, sizeof *out), **words = calloc((size_t)*argc + 1, sizeof *words);
    if (!out || !words) {
        free(out);
        free(words);
        return NULL;
    }
    out[n++] = argv[0];
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (++i < *argc)
                words[nw++] = argv[i];
        } else if (a[0] == '-' && a[1] && !is_query_arg(a)) {
            out[n++] = argv[i];
            int k = values_next(a, opts);
            if (k && i + 1 == *argc) {
                *argc = n;     /* its value is missing: getopt_long says so */
                free(words);
                return out;
            }
            for (; k > 0 && i + 1 < *argc; k--)   /* a second year missing: parse_options says so */
                out[n++] = argv[++i];
        } else {
            words[nw++] = argv[i];
        }
    }
    out[n++] = dashdash;
    memcpy(out + n, words, (size_t)nw * sizeof *words);
    free(words);
    *argc = n + nw;
    return out;
}

/* The one line for an option getopt_long refused (opterr is off: its own
 * message could end inside a UTF-8 character). */
static void bad_option(int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':')
        bgi_cli_error(prog, "option '%s' needs a value (try --help)", arg);
    else if (optopt > 0 && optopt < 0x7f && optopt != '-')
        bgi_cli_error(prog, "unknown option '-%c'; to leave out a word, quote it (-\"word\") or put the query "
                      "after -- (try --help)", optopt);
    else
        bgi_cli_error(prog, "unknown or ambiguous option '%s' (try --help)", arg);
}

/* --compare A B: two years (1..9999), into o->compare; 0, or -1 reported. */
static int parse_compare(query_cli *o, const char *a, const char *b)
{
    const char *y[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        size_t v = 0;
        if (!y[i] || strcmp(y[i], "--") == 0) {
            bgi_cli_error(prog, "--compare takes two years, then the query (--compare 2023 2024 营商环境)");
            return -1;
        }
        if (bgi_cli_parse_size(&v, y[i], 9999) || v == 0) {
            bgi_cli_error(prog, "--compare: '%s' is not a year (--compare 2023 2024 营商环境)", y[i]);
            return -1;
        }
        o->compare[i] = (int)v;
    }
    if (o->compare[0] == o->compare[1]) {
        bgi_cli_error(prog, "--compare: give two different years, not %d twice", o->compare[0]);
        return -1;
    }
    return 0;
}

/* Parses argv into *o: 0 to run, 1 when done (help, version), 2 on a usage
 * error (already reported). */
static int parse_options(query_cli *o, int argc, char **argv)
{
    *o = (query_cli){.so = BG_SEARCH_OPTIONS_INIT, .novel = BG_NOVEL_OPTIONS_INIT, .timeout_ms = 5000, .mode = MODE_SEARCH,
                     .color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR")};
    bg_search_options *so = &o->so;
    int c, modes = 0, has_context = 0;
    o->context = 2;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:h", query_options, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'n':
            if (bgi_cli_parse_size(&so->limit, optarg, 10000) || so->limit == 0) {
                bgi_cli_error(prog, "--limit: '%s' is not a number from 1 to 10000", optarg);
                return 2;
            }
            break;
        case 'o':
            if (bgi_cli_parse_size(&so->offset, optarg, 1000000)) {
                bgi_cli_error(prog, "--offset: '%s' is not a number from 0 to 1000000", optarg);
                return 2;
            }
            break;
        case 'y':
            if (bgi_cli_parse_year_filter(&so->year_from, &so->year_to, o->years, 400, &so->n_years, optarg)) {
                bgi_cli_error(prog, "--year: '%s' is not a year (2022), a range (2018..2022, 2018-2022) or a "
                              "list of at most 400 years (2019,2021)", optarg);
                return 2;
            }
            so->years = so->n_years ? o->years : NULL;
            o->year = optarg;
            break;
        case 'b': so->body = optarg; break;
        case 'K': so->kind = optarg; break;
        case 'A': so->all_copies = 1; break;
        case 'S': so->strict = 1; break;
        case 'R': modes |= 1 << (o->mode = MODE_REPORTS); break;
        case 'D': so->docno = optarg; break;
        case 'j': o->json = 1; break;
        case 'P':
            if (bgi_cli_parse_size(&so->per_year, optarg, 1000) || so->per_year == 0) {
                bgi_cli_error(prog, "--per-year: '%s' is not a number from 1 to 1000", optarg);
                return 2;
            }
            modes |= 1 << (o->mode = MODE_BY_YEAR);   /* --per-year implies --by-year */
            break;
        case 'Y': modes |= 1 << (o->mode = MODE_BY_YEAR); break;
        case 'F': modes |= 1 << (o->mode = MODE_FIGURES); break;
        case 'L': o->like = optarg; modes |= 1 << (o->mode = MODE_LIKE); break;
        case 'W': o->like = optarg; modes |= 1 << (o->mode = MODE_SHOW); break;
        case 'E': o->scope = 1; has_context = 1; break;
        case 'G': o->scope = 2; has_context = 1; break;
        case 'c':
            if (bgi_cli_parse_size(&o->context, optarg, BG_MAX_CONTEXT)) {
                bgi_cli_error(prog, "--context: '%s' is not a number from 0 to %d", optarg, BG_MAX_CONTEXT);
                return 2;
            }
            has_context = 1;
            break;
        case 'C': o->color = 0; break;
        case 'k':
            if (strcmp(optarg, "always") == 0)
                o->color = 1;
            else if (strcmp(optarg, "never") == 0)
                o->color = 0;
            else if (strcmp(optarg, "auto") != 0) {
                bgi_cli_error(prog, "--color: '%s' is not auto, always or never", optarg);
                return 2;
            }
            break;
        case 'N': o->count = 1; so->exact = 1; break;   /* a bare number cannot say "about" */
        case 'X': so->exact = 1; break;
        case 'Q':
            if (bgi_cli_parse_size(&so->count_bound, optarg, 100000000) || so->count_bound == 0) {
                bgi_cli_error(prog, "--count-bound: '%s' is not a number from 1 to 100000000", optarg);
                return 2;
            }
            break;
        case 'B': o->by_body = 1; break;
        case 't':
            if (o->n_trends == MAX_TRENDS) {
                bgi_cli_error(prog, "--trend: at most %d queries at once", MAX_TRENDS);
                return 2;
            }
            o->trends[o->n_trends++] = optarg;
            modes |= 1 << (o->mode = MODE_TREND);
            break;
        case 'M':
            if (parse_compare(o, optarg, optind < argc ? argv[optind] : NULL))
                return 2;
            optind++;   /* the second year, which options_first put after the first */
            modes |= 1 << (o->mode = MODE_COMPARE);
            break;
        case 'I':
        case 'O':
        case 's': {
            size_t v = 0;
            if (bgi_cli_parse_size(&v, optarg, 9999) || v == 0) {
                bgi_cli_error(prog, "--%s: '%s' is not a year", c == 'I' ? "new-in" : c == 'O' ? "gone-in" : "since",
                              optarg);
                return 2;
            }
            if (c == 's') {
                o->novel.since = (int)v;
                break;
            }
            o->novel_year = (int)v;
            o->novel.gone = c == 'O';
            modes |= 1 << (o->mode = MODE_NEW);
            break;
        }
        case 'f':
            if (table_format_parse(&o->format, optarg)) {
                bgi_cli_error(prog, "--format: '%s' is not tsv or csv", optarg);
                return 2;
            }
            break;
        case 'T':
            if (bgi_cli_parse_size(&o->timeout_ms, optarg, 3600000) || o->timeout_ms == 0) {
                bgi_cli_error(prog, "--timeout: '%s' is not a number of milliseconds from 1 to 3600000", optarg);
                return 2;
            }
            break;
        case 'p': o->partial = 1; break;
        case 'h': usage(stdout); return 1;
        case 'V': printf("baogao-query %s\n", bg_version()); return 1;
        default: bad_option(c, argv); return 2;
        }
    }
    if (modes & (modes - 1)) {
        bgi_cli_error(prog, "--by-year, --figures, --like, --show, --trend, --compare, --new-in, --gone-in and --reports do not go "
                      "together");
        return 2;
    }
    static const char *const mode_names[] = {"",       "--by-year", "--figures", "--like",
                                             "--reports", "--show", "--trend", "--compare",
                                             "--new-in"};
    if (o->mode == MODE_NEW || o->novel.since) {
        if (o->mode != MODE_NEW || optind < argc || so->offset || o->year || so->per_year || o->count
            || o->format) {
            bgi_cli_error(prog, "--new-in and --gone-in take a year and no query, with --since, --body, --kind, "
                          "--limit and --json only (--since goes with them)");
            return 2;
        }
        if (o->novel.since && o->novel.since >= o->novel_year) {
            bgi_cli_error(prog, "--since %d: give a year before %d", o->novel.since, o->novel_year);
            return 2;
        }
        o->query = strdup("");
        return o->query ? 0 : (bgi_cli_error(prog, "out of memory"), 2);
    }
    if ((so->limit || so->offset) && o->mode != MODE_SEARCH && o->mode != MODE_LIKE) {
        bgi_cli_error(prog, "--limit and --offset do not go with %s (it lists %s)", mode_names[o->mode],
                      o->mode == MODE_BY_YEAR ? "every year; --per-year N sets passages per year"
                      : o->mode == MODE_SHOW  ? "a passage and --context N around it"
                      : o->mode == MODE_COMPARE ? "every passage of both years, up to 500 each"
                                              : "all of it");
        return 2;
    }
    if (o->mode == MODE_COMPARE && (o->year || so->per_year || o->count)) {
        bgi_cli_error(prog, "--compare names its two years itself, without --year, --per-year or --count");
        return 2;
    }
    if (o->count && ((o->mode != MODE_SEARCH && o->mode != MODE_LIKE) || o->json)) {
        bgi_cli_error(prog, "--count goes with a search or --like, without --json");
        return 2;
    }
    if (o->by_body && o->mode != MODE_TREND) {
        bgi_cli_error(prog, "--by-body goes with --trend");
        return 2;
    }
    if (o->mode == MODE_TREND) {
        if (optind < argc || o->count || o->format) {
            bgi_cli_error(prog, "--trend takes its queries as its arguments (--trend A --trend B), without "
                          "--count or --format");
            return 2;
        }
        o->query = strdup(o->trends[0]);
        return o->query ? 0 : (bgi_cli_error(prog, "out of memory"), 2);
    }
    if (o->format && (o->json || o->count || o->mode == MODE_REPORTS)) {
        bgi_cli_error(prog, "--format goes with a search, --by-year, --figures, --like, --show or --compare, without "
                      "--json or --count");
        return 2;
    }
    if (has_context && o->mode != MODE_SHOW) {
        bgi_cli_error(prog, "--context, --section and --report go with --show");
        return 2;
    }
    if (o->mode == MODE_REPORTS) {
        if (optind < argc) {
            bgi_cli_error(prog, "--reports takes no query ('%s')", argv[optind]);
            return 2;
        }
        o->query = strdup("");
        return o->query ? 0 : (bgi_cli_error(prog, "out of memory"), 2);
    }
    int by_ref = o->mode == MODE_LIKE || o->mode == MODE_SHOW;
    if (by_ref && optind < argc) {
        bgi_cli_error(prog, "--%s takes a passage, not a query ('%s')", o->mode == MODE_LIKE ? "like" : "show",
                      argv[optind]);
        return 2;
    }
    if (!by_ref && optind >= argc) {
        bgi_cli_error(prog, "no query given (try --help)");
        return 2;
    }
    o->query = by_ref ? strdup(o->like) : join_args(argv + optind, argc - optind);
    if (!o->query) {
        bgi_cli_error(prog, "out of memory");
        return 2;
    }
    return 0;
}

/* Opens the index and runs the search; the exit status. */
static int open_and_run(const query_cli *o)
{
    char *db_default = o->db ? NULL : bg_default_index_path();
    bg_index *ix = NULL;
    int rc = 2;
    if (bg_index_open(&ix, o->db ? o->db : db_default, BG_OPEN_READ) != 0
        || bg_index_set_remote(ix, (unsigned)o->timeout_ms, o->partial) != 0)
        bgi_cli_error(prog, "%s", bg_errmsg());
    else
        rc = run(ix, o);
    bg_index_free(ix);
    free(db_default);
    return rc;
}

int main(int argc, char **argv)
{
    query_cli o = {0};
    char **args = options_first(&argc, argv, query_options);
    if (!args) {
        bgi_cli_error(prog, "out of memory");
        return 2;
    }
    int rc = parse_options(&o, argc, args);
    free(args);
    if (rc == 0)
        rc = open_and_run(&o);
    else if (rc == 1)
        rc = 0;
    free(o.query);
    return rc;
}
