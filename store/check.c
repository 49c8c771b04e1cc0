/* check.c — damaged shards: finding one before Xapian writes to it (Xapian
 * 1.4 trusts its B-tree blocks, and a damaged block crashes its writer),
 * naming it, and rebuilding its year from the reports' files
 * (bg_index_repair, baogao-index --repair). docs/reliability.md, "Damaged
 * shards". */
#include "store.h"
#include "json_get.h"
#include "scheme.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int bgi_ix_check_shard(const char *path, unsigned *damaged, bgi_err *err)
{
    bgi_err why = {0};
    int rc = bgx_shard_check(path, damaged, &why);
    if (*damaged)
        return bgi_err_set(err, BG_EXAPIAN, "%s: damaged (%s): run baogao-index --repair", path, why.msg);
    if (rc)
        *err = why;
    return rc;
}

/* What identifies the files of the shard at path as they are now. */
static uint64_t files_identity(const char *path)
{
    static const char *const names[] = {"iamglass", "postlist.glass", "docdata.glass", "termlist.glass",
                                        "position.glass", "spelling.glass", "synonym.glass"};
    uint64_t h = BG_FNV_INIT;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *file = bgi_path_join(path, names[i]);
        struct stat st;
        memset(&st, 0, sizeof st);
        if (!file || stat(file, &st) != 0)
            st.st_ino = 0;
        uint64_t id[4] = {(uint64_t)st.st_ino, (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                          (uint64_t)st.st_mtim.tv_nsec};
        h = bgi_fnv1a64(h, id, sizeof id);
        free(file);
    }
    return h;
}

static void memo_clear(bgi_check_memo *m)
{
    free(m->path);
    free(m->why);
    memset(m, 0, sizeof *m);
}

void bgi_ix_clear_memo(bg_index *ix)
{
    for (size_t i = 0; i < ix->n_checked; i++)
        memo_clear(&ix->checked[i]);
    free(ix->checked);
    ix->checked = NULL;
    ix->n_checked = 0;
}

/* Keeps a result (best effort: without memory, the next call checks again). */
static void memo_store(bg_index *ix, const char *path, uint64_t files, int rc, unsigned damaged, const bgi_err *err)
{
    bgi_check_memo *m = NULL;
    for (size_t i = 0; !m && i < ix->n_checked; i++)
        if (strcmp(ix->checked[i].path, path) == 0)
            m = &ix->checked[i];
    if (!m) {
        bgi_check_memo *p = realloc(ix->checked, (ix->n_checked + 1) * sizeof *p);
        if (!p)
            return;
        ix->checked = p;
        m = &p[ix->n_checked++];
        memset(m, 0, sizeof *m);
    }
    memo_clear(m);
    *m = (bgi_check_memo){.path = bgi_strdup(path), .files = files, .rc = rc, .damaged = damaged,
                          .why = bgi_strdup(rc ? err->msg : "")};
    if (!m->path || !m->why) {
        memo_clear(m);
        *m = ix->checked[--ix->n_checked];
    }
}

int bgi_ix_check_shard_memo(bg_index *ix, const char *path, unsigned *damaged, bgi_err *err)
{
    uint64_t files = files_identity(path);
    for (size_t i = 0; i < ix->n_checked; i++) {
        const bgi_check_memo *m = &ix->checked[i];
        if (strcmp(m->path, path) == 0 && m->files == files) {
            *damaged = m->damaged;
            return m->rc ? bgi_err_set(err, m->rc, "%s", m->why) : 0;
        }
    }
    int rc = bgi_ix_check_shard(path, damaged, err);
    if (rc != BG_ENOMEM)
        memo_store(ix, path, files, rc, *damaged, err);
    return rc;
}

int bgi_ix_note_damaged(bg_index *ix, int year, const char *why, int named)
{
    for (size_t i = 0; i < ix->n_damaged; i++)
        if (ix->damaged[i].year == year) {
            ix->damaged[i].named |= named;
            return 0;
        }
    bgi_damaged *p = realloc(ix->damaged, (ix->n_damaged + 1) * sizeof *p);
    if (!p)
        return BG_ENOMEM;
    ix->damaged = p;
    if (!(p[ix->n_damaged].why = bgi_strdup(why)))
        return BG_ENOMEM;
    p[ix->n_damaged].named = named;
    p[ix->n_damaged++].year = year;
    return 0;
}

int bgi_ix_year_is_damaged(const bg_index *ix, int year)
{
    for (size_t i = 0; i < ix->n_damaged; i++)
        if (ix->damaged[i].year == year)
            return 1;
    return 0;
}

void bgi_ix_clear_damaged(bg_index *ix, int warn)
{
    for (size_t i = 0; i < ix->n_damaged; i++) {
        if (warn && !ix->damaged[i].named)
            fprintf(stderr, "baogao: warning: %s\n", ix->damaged[i].why);
        free(ix->damaged[i].why);
    }
    free(ix->damaged);
    ix->damaged = NULL;
    ix->n_damaged = 0;
}

/* ---- repair ------------------------------------------------------------- */

typedef struct repair_run {
    bg_index *ix;
    bg_repair_cb cb;
    void *ctx;
    const char *shard;
    bg_names files;    /* what to index again, once each */
} repair_run;

/* The path to index a report again by: as it was indexed (so results show
 * the same path) when that still names the same file from here, else the
 * real path recorded at indexing time. */
static const char *reindex_path(const char *path, const char *real)
{
    char here[PATH_MAX];
    if (!real || !*real || (realpath(path, here) && strcmp(here, real) == 0))
        return path;
    return real;
}

static int add_file_once(repair_run *run, const char *path)
{
    for (size_t i = 0; i < run->files.n; i++)
        if (strcmp(run->files.v[i], path) == 0)
            return 0;
    return bgi_names_push(&run->files, path);
}

/* A passage's record names its report: the way to the files when the
 * catalogue (in the damaged postlist table) cannot be read. */
static int on_passage_data(void *ctx, const char *data, size_t len)
{
    cJSON *rec = bgi_passage_rec_parse(data, len);
    const char *report = rec ? bgi_json_str(rec, BG_REC_REPORT) : "";
    int rc = *report ? add_file_once(ctx, report) : 0;
    cJSON_Delete(rec);
    return rc;
}

/* Lists the reports of the damaged shard of year in run->files. */
static int collect_reports(repair_run *run, int year, unsigned damaged)
{
    bg_index *ix = run->ix;
    if (!(damaged & BGX_TABLE_POSTLIST)) {
        /* The catalogue was read from it when the index was opened. */
        for (size_t i = 0; i < ix->n_files; i++)
            if (ix->files[i].year == year && add_file_once(run, reindex_path(ix->files[i].path, ix->files[i].real)))
                return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        return 0;
    }
    bgi_err why = {0};
    int rc = BG_EXAPIAN;
    if (!(damaged & BGX_TABLE_DOCDATA))
        rc = bgx_shard_foreach_doc_data(run->shard, on_passage_data, run, &why);
    if (rc == BG_ENOMEM)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc) {
        bgi_buf note = {0};
        if (bgi_buf_printf(&note, "its reports cannot be listed: the catalogue and the passages are damaged%s%s",
                           why.msg[0] ? ": " : "", why.msg))
            return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        run->cb(run->ctx, run->shard, NULL, note.data);
        bgi_buf_free(&note);
    }
    return 0;
}

/* Takes year out of the stub and its reports out of the catalogue. */
static int forget_year(bg_index *ix, int year)
{
    size_t k = 0;
    for (size_t i = 0; i < ix->n_listed; i++)
        if (ix->listed_years[i] != year)
            ix->listed_years[k++] = ix->listed_years[i];
    ix->n_listed = k;
    for (size_t i = 0; i < ix->n_files;)
        if (ix->files[i].year == year) {
            bgi_ix_file_rec_clear(&ix->files[i]);
            ix->files[i] = ix->files[--ix->n_files];
        } else {
            i++;
        }
    return bgi_stub_write(ix->path, ix->listed_years, ix->n_listed, &ix->err);
}

/* Moves the damaged shard aside (kept for inspection), out of the stub and
 * the catalogue; the next write of its year creates it afresh. */
static int set_aside(repair_run *run, int year, const char *why)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime_r(&now, &tm));
    bgi_buf aside = {0}, note = {0};
    char *dir = bgi_dirname(run->shard);
    int rc = 0;
    if (!dir || bgi_buf_printf(&aside, "%s.damaged-%s", run->shard, stamp))
        rc = bgi_err_set(&run->ix->err, BG_ENOMEM, "out of memory");
    else if (rename(run->shard, aside.data) != 0 || bgi_fsync_dir(dir) != 0)
        rc = bgi_err_set(&run->ix->err, BG_EIO, "%s: cannot move the damaged shard aside: %s", run->shard,
                         strerror(errno));
    if (rc == 0)
        rc = forget_year(run->ix, year);
    if (rc == 0 && bgi_buf_printf(&note, "%s; moved to %s", why, aside.data))
        rc = bgi_err_set(&run->ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        run->cb(run->ctx, run->shard, NULL, note.data);
    bgi_buf_free(&aside);
    bgi_buf_free(&note);
    free(dir);
    return rc;
}

static int repair_year(repair_run *run, int year)
{
    char *shard = bgi_shard_path(run->ix->path, year);
    if (!shard)
        return bgi_err_set(&run->ix->err, BG_ENOMEM, "out of memory");
    unsigned damaged = 0;
    bgi_err why = {0};
    int rc = bgi_ix_check_shard(shard, &damaged, &why);
    if (!damaged) {   /* sound (or not checkable: then the writer says why) */
        free(shard);
        return 0;
    }
    run->shard = shard;
    /* "PATH: damaged (WHAT): run …" → "damaged (WHAT)" */
    const char *what = strstr(why.msg, ": damaged (");
    char *cut = what ? strstr(what, "): run ") : NULL;
    if (cut)
        cut[1] = '\0';
    rc = collect_reports(run, year, damaged);
    if (rc == 0)
        rc = set_aside(run, year, what ? what + 2 : why.msg);
    for (size_t i = 0; rc == 0 && i < run->files.n; i++)
        run->cb(run->ctx, shard, run->files.v[i], NULL);
    bgi_names_clear(&run->files);
    free(shard);
    return rc < 0 ? rc : 1;
}

int bg_index_repair(bg_index *ix, bg_repair_cb cb, void *ctx)
{
    bgi_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "index is open for reading only"});
    /* Writers of a damaged year are never opened; the others let go of
     * their shards, which are then checked as they are on disk. */
    if (bg_index_commit(ix))
        return bg_errcode();
    for (size_t i = 0; i < ix->n_shards; i++)
        bgx_writer_free(ix->shards[i].writer);
    ix->n_shards = 0;
    int *years = malloc((ix->n_listed ? ix->n_listed : 1) * sizeof *years);
    if (!years)
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    size_t n = ix->n_listed;
    memcpy(years, ix->listed_years, n * sizeof *years);   /* set_aside changes the list */
    repair_run run = {.ix = ix, .cb = cb, .ctx = ctx};
    int rc = 0, found = 0;
    for (size_t i = 0; rc >= 0 && i < n; i++)
        if ((rc = repair_year(&run, years[i])) > 0)
            found++;
    free(years);
    if (rc < 0)
        return bgi_err_publish(&ix->err);
    bgi_ix_clear_damaged(ix, 0);
    return found;
}
