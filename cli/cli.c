/* cli.c — argument parsing helpers for the programs, and the suggestions a
 * search without results adds to its JSON (see cli.h). */
#include "cli.h"
#include "baogao.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The range separator of s: ".." or, as people also write it, "-". */
static const char *range_sep(const char *s, size_t *len)
{
    const char *sep = strstr(s, "..");
    *len = 2;
    if (!sep && (sep = strchr(s, '-')))
        *len = 1;
    return sep;
}

int bgi_cli_parse_years(int *from, int *to, const char *s)
{
    if (!s)
        return -1;
    size_t seplen;
    const char *dots = range_sep(s, &seplen);
    *from = *to = 0;
    if (!dots) {
        if (parse_year(from, s, strlen(s)))
            return -1;
        *to = *from;
        return 0;
    }
    size_t left = (size_t)(dots - s), right = strlen(dots + seplen);
    if (left == 0 && right == 0)
        return -1;
    if (left && parse_year(from, s, left))
        return -1;
    if (right && parse_year(to, dots + seplen, right))
        return -1;
    if (*from && *to && *from > *to)
        return -1;
    return 0;
}

int bgi_cli_parse_year_filter(int *from, int *to, int *years, size_t max, size_t *n, const char *s)
{
    *n = 0;
    if (!s || !strchr(s, ','))
        return bgi_cli_parse_years(from, to, s);
    *from = *to = 0;
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[32];
        int a, b;
        if (len == 0 || len >= sizeof item)
            return -1;
        memcpy(item, p, len);
        item[len] = '\0';
        /* Each item is a year or a closed range: an open one has no end to list. */
        if (bgi_cli_parse_years(&a, &b, item) || !a || !b || (size_t)(b - a) >= max - *n)
            return -1;
        for (int y = a; y <= b; y++)
            years[(*n)++] = y;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

char *bgi_cli_json_suggestions(char *json, const bg_suggestion *s, size_t n)
{
    cJSON *root = json ? cJSON_Parse(json) : NULL;
    bg_free(json);
    cJSON *arr = cJSON_IsObject(root) ? cJSON_AddArrayToObject(root, "suggestions") : NULL;
    int ok = arr != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            ok = 0;
        } else {   /* o belongs to arr now */
            ok = cJSON_AddStringToObject(o, "drop", s[i].drop) && cJSON_AddNumberToObject(o, "total", (double)s[i].total);
        }
    }
    char *text = ok ? cJSON_PrintUnformatted(root) : NULL;
    char *out = text ? strdup(text) : NULL;
    cJSON_free(text);
    cJSON_Delete(root);
    return out;
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

const char *bgi_cli_shown_path(const char *path)
{
    static char cwd[4096];
    static size_t n;
    if (!n && getcwd(cwd, sizeof cwd))
        n = strlen(cwd);
    if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
        return path + n + 1;
    return path;
}
