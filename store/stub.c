/* stub.c — stub databases: the index directory's XAPIANDB stub, which lists
 * one glass shard per year ("glass shards/2022") so that Xapian (and quest,
 * xapian-delve) can open the directory as one database; and stub files that
 * list shards anywhere, local and remote, to search them together
 * (bg_stub_create, docs/scaling.md). Both are rewritten atomically by rename. */
#include "store.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *bgi_shard_path(const char *index_path, int year)
{
    char name[32];
    snprintf(name, sizeof name, "shards/%04d", year);
    return bgi_path_join(index_path, name);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int bgi_stub_read(int **years, size_t *n, const char *index_path, bgi_err *err)
{
    *years = NULL;
    *n = 0;
    char *path = bgi_path_join(index_path, "XAPIANDB");
    if (!path)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    FILE *f = fopen(path, "r");
    if (!f) {
        int rc = errno == ENOENT
                     ? bgi_err_set(err, BG_ENOTFOUND, "%s: no index here (run baogao-index first)", index_path)
                     : bgi_err_set(err, BG_EIO, "%s: cannot read: %s", path, strerror(errno));
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
                return bgi_err_set(err, BG_ENOMEM, "out of memory");
            }
            *years = p;
        }
        (*years)[(*n)++] = year;
    }
    fclose(f);
    return 0;
}

/* Writes data to path through path.tmp, fsync and rename: a reader sees the
 * old file or the new one, never a part. */
static int write_atomically(const char *path, const char *data, size_t len, bgi_err *err)
{
    char *tmp = bgi_concat(path, ".tmp");
    if (!tmp)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    FILE *f = fopen(tmp, "w");
    int rc = 0;
    if (!f) {
        rc = bgi_err_set(err, BG_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    } else {
        int bad = fwrite(data, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, path) != 0) {
            rc = bgi_err_set(err, BG_EIO, "%s: cannot write: %s", path, strerror(errno));
            unlink(tmp);
        }
    }
    free(tmp);
    return rc;
}

int bgi_stub_write(const char *index_path, const int *years, size_t n, bgi_err *err)
{
    int *sorted = malloc((n ? n : 1) * sizeof *sorted);
    char *path = bgi_path_join(index_path, "XAPIANDB");
    bgi_buf out = {0};
    int rc = sorted && path ? 0 : BG_ENOMEM;
    if (rc == 0) {
        if (n)
            memcpy(sorted, years, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_int);
        rc = bgi_buf_puts(&out, "# baogao index: one glass shard per year (see docs/format.md)\n");
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = bgi_buf_printf(&out, "glass shards/%04d\n", sorted[i]);
    rc = rc ? bgi_err_set(err, BG_ENOMEM, "out of memory") : write_atomically(path, out.data, out.len, err);
    bgi_buf_free(&out);
    free(sorted);
    free(path);
    return rc;
}

/* ---- stub files listing shards anywhere (bg_stub_create) ---------------- */

/* "HOST:PORT" with a numeric port, and no such file: a remote shard. */
static int looks_remote(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s || !colon[1] || access(s, F_OK) == 0)
        return 0;
    for (const char *p = colon + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    return 1;
}

/* The stub line for one shard argument, checked: a local one must be an
 * index (it is written with its absolute path, so the stub can live
 * anywhere); a remote one must parse. */
static int stub_line(bgi_buf *out, const char *shard, bgi_err *err)
{
    if (shard[0] == ':' || looks_remote(shard)) {
        if (bgi_buf_printf(out, "remote %s\n", shard))
            return bgi_err_set(err, BG_ENOMEM, "out of memory");
        return 0;
    }
    bgi_shard_list l;
    int rc = bgi_shards_resolve(&l, shard, err);
    bgi_shards_clear(&l);
    if (rc)
        return rc;
    char *abs = realpath(shard, NULL);
    if (!abs)
        return bgi_err_set(err, BG_EIO, "%s: %s", shard, strerror(errno));
    rc = bgi_buf_printf(out, "auto %s\n", abs) ? bgi_err_set(err, BG_ENOMEM, "out of memory") : 0;
    free(abs);
    return rc;
}

int bg_stub_create(const char *path, const char *const *shards, size_t n)
{
    bgi_err err = {0};
    bgi_buf out = {0};
    struct stat st;
    int rc = 0;
    if (n == 0)
        rc = bgi_err_set(&err, BG_EINVAL, "%s: a stub needs at least one shard", path);
    else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        rc = bgi_err_set(&err, BG_EINVAL, "%s: is a directory; a stub is a file", path);
    else if (bgi_buf_puts(&out, "# baogao stub: shards searched together (docs/scaling.md)\n"))
        rc = bgi_err_set(&err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = stub_line(&out, shards[i], &err);
    if (rc == 0)
        rc = write_atomically(path, out.data, out.len, &err);
    bgi_buf_free(&out);
    return rc ? bgi_err_publish(&err) : 0;
}
