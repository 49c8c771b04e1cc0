/* cli.h — small helpers shared by the command-line programs and the server:
 * number and year parsing, the one-line error format "baogao-x: message",
 * and the "suggestions" a search without results adds to its JSON. */
#ifndef BG_CLI_H
#define BG_CLI_H

#include <stddef.h>

/* Parses a non-negative decimal integer no larger than max. 0 or -1. */
int bgi_cli_parse_size(size_t *out, const char *s, size_t max);

/* Parses "2022" or a range "2018..2022" or "2018-2022" (either end may be
 * empty: "..2019", "2016.."). Years are 1000..9999. 0 or -1. */
int bgi_cli_parse_years(int *from, int *to, const char *s);

/* Parses a year filter: what bgi_cli_parse_years() takes (into *from, *to;
 * *n = 0), or a comma-separated list of years and closed ranges
 * ("2019,2021", "2016,2020..2022"), expanded into years[0..*n) (at most max;
 * *from = *to = 0). 0 or -1. */
int bgi_cli_parse_year_filter(int *from, int *to, int *years, size_t max, size_t *n, const char *s);

/* json (a search's JSON document, freed here) with "suggestions":
 * [{"drop": "year", "total": 15}, …] added (docs/format.md); NULL when out of
 * memory or json is no JSON object. */
struct bg_suggestion;
char *bgi_cli_json_suggestions(char *json, const struct bg_suggestion *s, size_t n);

/* Prints "prog: message\n" to stderr. */
void bgi_cli_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A report's path as the index stores it (absolute) shown from the current
 * directory: relative when the file is under it (corpus/x.txt), else as it
 * is, so a printed REPORT:LINE opens from here either way. A pointer into
 * path. */
const char *bgi_cli_shown_path(const char *path);

#endif
