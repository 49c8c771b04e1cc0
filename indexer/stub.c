/* stub.c — the index directory's XAPIANDB stub, which lists one glass shard
 * per year ("glass shards/2022"), so that Xapian (and quest, xapian-delve)
 * can open the directory as one database. Rewritten atomically by rename. */
#include "index_priv.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *bg_shard_path(const char *index_path, int year)
{
    char name[32];
    snprintf(name, sizeof name, "shards/%04d", year);
    return bg_path_join(index_path, name);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int bg_stub_read(int **years, size_t *n, const char *index_path, bg_err *err)
{
    *years = NULL;
    *n = 0;
    char *path = bg_path_join(index_path, "XAPIANDB");
    if (!path)
        return bg_err_set(err, BG_ENOMEM, "out of memory");
    FILE *f = fopen(path, "r");
    if (!f) {
        int rc = errno == ENOENT
                     ? bg_err_set(err, BG_ENOTFOUND, "%s: no index here (run baogao-index first)", index_path)
                     : bg_err_set(err, BG_EIO, "%s: cannot read: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    free(path);
    char line[512];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        int year;
        if (sscanf(line, "glass shards/%d", &year) != 1)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            int *p = realloc(*years, cap * sizeof **years);
            if (!p) {
                fclose(f);
                free(*years);
                *years = NULL;
                return bg_err_set(err, BG_ENOMEM, "out of memory");
            }
            *years = p;
        }
        (*years)[(*n)++] = year;
    }
    fclose(f);
    return 0;
}

int bg_stub_write(const char *index_path, const int *years, size_t n, bg_err *err)
{
    int *sorted = malloc((n ? n : 1) * sizeof *sorted);
    char *path = bg_path_join(index_path, "XAPIANDB");
    char *tmp = bg_path_join(index_path, "XAPIANDB.tmp");
    int rc = 0;
    if (!sorted || !path || !tmp) {
        rc = bg_err_set(err, BG_ENOMEM, "out of memory");
        goto out;
    }
    if (n)
        memcpy(sorted, years, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_int);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        rc = bg_err_set(err, BG_EIO, "%s: cannot write: %s", tmp, strerror(errno));
        goto out;
    }
    fputs("# baogao index: one glass shard per year (see docs/format.md)\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "glass shards/%04d\n", sorted[i]);
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        rc = bg_err_set(err, BG_EIO, "%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
    }
out:
    free(sorted);
    free(path);
    free(tmp);
    return rc;
}
