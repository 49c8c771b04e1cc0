/* fuzz_util.h — checks shared by the fuzz targets in this directory (and by
 * tests/test_fuzz_regressions.c, which includes the targets). */
#ifndef BG_FUZZ_UTIL_H
#define BG_FUZZ_UTIL_H

#include <stddef.h>
#include <string.h>

#include "utf8.h"

/* Whether s[0..n) is well-formed UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF); NUL bytes count as ill-formed when !allow_nul. */
static inline int fz_utf8_ok(const unsigned char *s, size_t n, int allow_nul)
{
    if (!allow_nul && memchr(s, 0, n))
        return 0;
    return bgi_utf8_valid((const char *)s, n);
}

#endif
