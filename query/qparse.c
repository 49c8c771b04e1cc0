/* qparse.c — splits a query string into items (see qparse.h). Works on UTF-8
 * bytes: every syntax character is ASCII or a known full-width form. */
#include "qparse.h"
#include "baogao.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const open_quotes[] = {"\"", "\xe2\x80\x9c" /* “ */, "\xe3\x80\x8c" /* 「 */};
static const char *const close_quotes[] = {"\"", "\xe2\x80\x9d" /* ” */, "\xe3\x80\x8d" /* 」 */};
#define N_QUOTES 3

static size_t space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
        return 1;
    if (strncmp(p, "\xe3\x80\x80", 3) == 0) /* U+3000 ideographic space */
        return 3;
    return 0;
}

static size_t prefix_len(const char *p, const char *s)
{
    size_t n = strlen(s);
    return strncmp(p, s, n) == 0 ? n : 0;
}

static int push_item(bgi_qparsed *q, const char *s, size_t n, int quoted, int negated, int group,
                     bgi_err *err)
{
    if (q->n >= BG_QUERY_MAX_ITEMS)
        return bgi_err_set(err, BG_ETOOBIG, "query has more than %d words", BG_QUERY_MAX_ITEMS);
    bgi_qitem *items = realloc(q->items, (q->n + 1) * sizeof *items);
    if (!items)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    q->items = items;
    char *t = strndup(s, n);
    if (!t)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    q->items[q->n++] = (bgi_qitem){.text = t, .quoted = quoted, .negated = negated, .group = group};
    return 0;
}

/* Reads one item at *pp; sets *is_or when the item is the OR operator. */
static int read_item(bgi_qparsed *q, const char **pp, int *group, int *pending_or, bgi_err *err)
{
    const char *p = *pp;
    int negated = 0;
    size_t m;
    if ((m = prefix_len(p, "-")) || (m = prefix_len(p, "\xef\xbc\x8d" /* － */))) {
        if (p[m] && !space_len(p + m)) {
            negated = 1;
            p += m;
        }
    }
    for (int k = 0; k < N_QUOTES; k++) {
        if ((m = prefix_len(p, open_quotes[k]))) {
            const char *start = p + m;
            const char *end = strstr(start, close_quotes[k]);
            const char *stop = end ? end : start + strlen(start);
            *pp = end ? end + strlen(close_quotes[k]) : stop;
            if (stop == start)
                return 0;
            if (!*pending_or || negated)
                (*group)++;
            *pending_or = 0;
            return push_item(q, start, (size_t)(stop - start), 1, negated, *group, err);
        }
    }
    const char *start = p;
    while (*p && !space_len(p))
        p++;
    *pp = p;
    size_t n = (size_t)(p - start);
    if (!negated && n == 2 && strncmp(start, "OR", 2) == 0 && q->n > 0) {
        *pending_or = 1;
        return 0;
    }
    if (n == 0)
        return 0;
    if (!*pending_or || negated)
        (*group)++;
    *pending_or = 0;
    return push_item(q, start, n, 0, negated, *group, err);
}

/* Offset of the first byte of s that does not start a well-formed UTF-8
 * sequence (no overlongs, surrogates or values above U+10FFFF), or -1. */
static long invalid_utf8_at(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; p[i];) {
        unsigned char c = p[i], lo = 0x80, hi = 0xBF;
        size_t need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                    : c >= 0xF0 && c <= 0xF4 ? 3 : 4;
        if (need == 4)
            return (long)i;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        for (size_t k = 1; k <= need; k++, lo = 0x80, hi = 0xBF)
            if (p[i + k] < lo || p[i + k] > hi)
                return (long)i;
        i += need + 1;
    }
    return -1;
}

int bgi_query_parse(bgi_qparsed *out, const char *query, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    if (!query)
        return bgi_err_set(err, BG_EQUERY, "empty query");
    if (strlen(query) > BG_QUERY_MAX_BYTES)
        return bgi_err_set(err, BG_ETOOBIG, "query is longer than %d bytes", BG_QUERY_MAX_BYTES);
    /* Results echo the query in JSON, which must be UTF-8; a query with
     * broken bytes is refused rather than searched half-understood. */
    long bad = invalid_utf8_at(query);
    if (bad >= 0)
        return bgi_err_set(err, BG_EQUERY, "query is not valid UTF-8 (byte 0x%02X at offset %ld)",
                          (unsigned char)query[bad], bad);
    const char *p = query;
    int group = 0, pending_or = 0;
    while (*p) {
        size_t s = space_len(p);
        if (s) {
            p += s;
            continue;
        }
        int rc = read_item(out, &p, &group, &pending_or, err);
        if (rc) {
            bgi_qparsed_clear(out);
            return rc;
        }
    }
    out->n_groups = group;
    if (out->n == 0)
        return bgi_err_set(err, BG_EQUERY, "empty query");
    return 0;
}

void bgi_qparsed_clear(bgi_qparsed *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->items[i].text);
    free(q->items);
    memset(q, 0, sizeof *q);
}
