/* test_util.h — what the cmocka unit tests share: reading a whole file.
 * Include after <cmocka.h>. */
#ifndef BG_TEST_UTIL_H
#define BG_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

/* The bytes of path, NUL-terminated, in a malloc'ed buffer (*len its
 * length), or NULL when it cannot be opened; a failed read fails the test. */
static inline char *bgt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

#endif
