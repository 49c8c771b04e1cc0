/* cli.h — small helpers shared by the command-line programs: number and
 * year-range parsing, and the one-line error format "baogao-x: message". */
#ifndef BG_CLI_H
#define BG_CLI_H

#include <stddef.h>

/* Parses a non-negative decimal integer no larger than max. 0 or -1. */
int bgi_cli_parse_size(size_t *out, const char *s, size_t max);

/* Parses "2022" or "2018..2022" (either end may be empty: "..2019", "2016..").
 * Years are 1000..9999. 0 or -1. */
int bgi_cli_parse_years(int *from, int *to, const char *s);

/* Prints "prog: message\n" to stderr. */
void bgi_cli_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
