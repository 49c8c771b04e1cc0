/* compact.c — bg_index_compact: rewrite every year shard with Xapian's
 * compactor (a bulk build leaves B-tree blocks about half full; compaction
 * roughly halves the index) and swap each one in. */
#include "store.h"
#include "util.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static _Thread_local uint64_t walk_bytes;

static int add_size(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (type == FTW_F)
        walk_bytes += (uint64_t)st->st_size;
    return 0;
}

static uint64_t dir_bytes(const char *dir)
{
    walk_bytes = 0;
    nftw(dir, add_size, 16, FTW_PHYS);
    return walk_bytes;
}

/* The names a compaction swap uses beside the shard at path: the compacted
 * copy and the old shard. 0 or BG_ENOMEM (also for a NULL path). */
static int swap_names(bgi_buf *compacted, bgi_buf *old, const char *path)
{
    return path && !bgi_buf_printf(compacted, "%s.compact", path) && !bgi_buf_printf(old, "%s.old", path)
               ? 0 : BG_ENOMEM;
}

/* Compacts one shard into PATH.compact, then swaps it in with two renames.
 * A reader that opens the shard between them retries (search.c). */
static int compact_shard(bg_index *ix, int year, uint64_t *before, uint64_t *after)
{
    char *path = bgi_shard_path(ix->path, year);
    bgi_buf tmp = {0}, old = {0};
    int rc = swap_names(&tmp, &old, path) ? bgi_err_set(&ix->err, BG_ENOMEM, "out of memory") : 0;
    if (rc == 0 && (bgi_remove_tree(tmp.data) != 0 || bgi_remove_tree(old.data) != 0))
        rc = bgi_err_set(&ix->err, BG_EIO, "%s: cannot remove a leftover compaction: %s", path, strerror(errno));
    unsigned damaged = 0;
    /* The compactor is Xapian reading every block: a damaged shard is named
     * instead (and left for --repair), as for its writer. */
    if (rc == 0)
        rc = bgi_ix_check_shard(path, &damaged, &ix->err);
    if (damaged)
        bgi_ix_note_damaged(ix, year, ix->err.msg, 1);   /* named by this error */
    if (rc == 0)
        rc = bgx_compact(path, tmp.data, &ix->err);
    if (rc == 0) {
        *before += dir_bytes(path);
        *after += dir_bytes(tmp.data);
        if (rename(path, old.data) != 0)
            rc = bgi_err_set(&ix->err, BG_EIO, "%s: cannot swap in the compacted shard: %s", path, strerror(errno));
        else if (rename(tmp.data, path) != 0) {
            int e = errno;
            rename(old.data, path);   /* put the shard back; if this fails too, the next open does */
            rc = bgi_err_set(&ix->err, BG_EIO, "%s: cannot swap in the compacted shard: %s", path, strerror(e));
        } else if (bgi_remove_tree(old.data) != 0)
            fprintf(stderr, "baogao: warning: %s: cannot remove: %s\n", old.data, strerror(errno));
    }
    free(path);
    bgi_buf_free(&tmp);
    bgi_buf_free(&old);
    return rc;
}

static int path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* A kill between the two renames of a swap leaves no shard at PATH, the old
 * one at PATH.old and the compacted one, complete (the swap starts only once
 * the compactor has finished), at PATH.compact. Left so, the next writer of
 * that year would create an empty shard there and the next compaction would
 * remove both copies. The writer, which holds the lock, finishes the swap when
 * it opens the index. */
int bgi_ix_finish_swaps(bg_index *ix)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ix->n_listed; i++) {
        char *path = bgi_shard_path(ix->path, ix->listed_years[i]);
        bgi_buf tmp = {0}, old = {0};
        if (swap_names(&tmp, &old, path))
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        else if (!path_exists(path)) {
            const char *from = path_exists(tmp.data) ? tmp.data : path_exists(old.data) ? old.data : NULL;
            if (from && rename(from, path) != 0)
                rc = bgi_err_set(&ix->err, BG_EIO, "%s: cannot finish an interrupted compaction: %s", path,
                                strerror(errno));
            else if (from) {
                fprintf(stderr, "baogao: %s: finished an interrupted compaction (from %s)\n", path, from);
                if (from == tmp.data && bgi_remove_tree(old.data) != 0)
                    fprintf(stderr, "baogao: warning: %s: cannot remove: %s\n", old.data, strerror(errno));
            }
        }
        free(path);
        bgi_buf_free(&tmp);
        bgi_buf_free(&old);
    }
    return rc;
}

int bg_index_compact(bg_index *ix, uint64_t *bytes_before, uint64_t *bytes_after)
{
    bgi_err_clear(&ix->err);
    uint64_t before = 0, after = 0;
    if (!(ix->flags & BG_OPEN_WRITE))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "index is open for reading only"});
    if (bg_index_commit(ix))
        return bg_errcode();
    /* The compactor reads each shard; our writers must let go of them. */
    for (size_t i = 0; i < ix->n_shards; i++)
        bgx_writer_free(ix->shards[i].writer);
    ix->n_shards = 0;
    for (size_t i = 0; i < ix->n_listed; i++)
        if (compact_shard(ix, ix->listed_years[i], &before, &after))
            return bgi_err_publish(&ix->err);
    if (bytes_before)
        *bytes_before = before;
    if (bytes_after)
        *bytes_after = after;
    return 0;
}
