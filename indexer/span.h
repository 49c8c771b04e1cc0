/* span.h — a piece of UTF-8 text that is not NUL-terminated, and the few
 * tests metadata and frame detection (meta.c, docframe.c) make on one. */
#ifndef BGI_SPAN_H
#define BGI_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "utf8.h"

typedef struct span {
    const char *p;
    size_t n;
} span;

static inline span span_from(const char *start, const char *end)
{
    return (span){start, (size_t)(end - start)};
}

static inline const char *find_bytes(const char *hay, size_t hay_len, const char *needle)
{
    return memmem(hay, hay_len, needle, strlen(needle));
}

static inline bool span_has(span s, const char *needle)
{
    return find_bytes(s.p, s.n, needle) != NULL;
}

static inline bool span_starts_with(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static inline bool span_ends_with(span s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

/* Whether s holds, ends with or starts with one of words[0..n). */
static inline bool span_has_any(span s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (span_has(s, words[i]))
            return true;
    return false;
}

static inline bool span_ends_with_any(span s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (span_ends_with(s, words[i]))
            return true;
    return false;
}

static inline bool span_starts_with_any(span s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (span_starts_with(s, words[i]))
            return true;
    return false;
}

static inline size_t utf8_chars(span s)
{
    return bgi_utf8_count(s.p, s.n);
}

#endif
