/* test_util.h — what the cmocka unit tests share: reading a whole file, and
 * an index of a few reports the test writes in a temporary directory.
 * Include after <cmocka.h>. */
#ifndef BG_TEST_UTIL_H
#define BG_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "baogao.h"

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

/* A report a test writes: its file name and text. */
typedef struct bgt_report {
    const char *name, *text;
} bgt_report;

/* An index in a temporary directory of its own, with the reports in it. */
typedef struct bgt_fixture {
    char dir[64];
    bg_index *ix;
} bgt_fixture;

/* Writes text to dir/name; 0, or -1 when it cannot (path: room for the path). */
static inline int bgt_write_report(char *path, size_t size, const char *dir, const char *name, const char *text)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    return !fp || fputs(text, fp) < 0 || fclose(fp) ? -1 : 0;
}

/* A new directory /tmp/bg_<tag>_XXXXXX with the n reports written and
 * indexed (not yet committed when commit is 0, so a test may add more);
 * NULL when anything fails, for a cmocka setup to return -1. */
static inline bgt_fixture *bgt_fixture_new(const char *tag, const bgt_report *reports, size_t n, int commit)
{
    bgt_fixture *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    snprintf(f->dir, sizeof f->dir, "/tmp/bg_%s_XXXXXX", tag);
    char db[128], path[192];
    int ok = mkdtemp(f->dir) != NULL;
    snprintf(db, sizeof db, "%s/index", f->dir);
    ok = ok && bg_index_open(&f->ix, db, BG_OPEN_WRITE | BG_OPEN_CREATE) == 0;
    for (size_t i = 0; ok && i < n; i++) {
        int status = 0;
        ok = bgt_write_report(path, sizeof path, f->dir, reports[i].name, reports[i].text) == 0
          && bg_index_add_file(&status, NULL, f->ix, path, NULL) == 0;
    }
    if (ok && commit)
        ok = bg_index_commit(f->ix) == 0;
    if (!ok) {
        bg_index_free(f->ix);
        free(f);
        return NULL;
    }
    return f;
}

/* Closes the index and removes the directory; 0, or -1 (for a teardown). */
static inline int bgt_fixture_free(bgt_fixture *f)
{
    if (!f)
        return 0;
    bg_index_free(f->ix);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    free(f);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
