/* cli.c — argument parsing helpers for the programs (see cli.h). */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bgi_cli_parse_size(size_t *out, const char *s, size_t max)
{
    if (!s || !*s)
        return -1;
    for (const char *p = s; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -1;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno || v > max)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_year(int *out, const char *s, size_t n)
{
    if (n != 4)
        return -1;
    int y = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1000)
        return -1;
    *out = y;
    return 0;
}

int bgi_cli_parse_years(int *from, int *to, const char *s)
{
    if (!s)
        return -1;
    const char *dots = strstr(s, "..");
    *from = *to = 0;
    if (!dots) {
        if (parse_year(from, s, strlen(s)))
            return -1;
        *to = *from;
        return 0;
    }
    size_t left = (size_t)(dots - s), right = strlen(dots + 2);
    if (left == 0 && right == 0)
        return -1;
    if (left && parse_year(from, s, left))
        return -1;
    if (right && parse_year(to, dots + 2, right))
        return -1;
    if (*from && *to && *from > *to)
        return -1;
    return 0;
}

void bgi_cli_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
