/* index.c — opening an index and keeping it up to date: the writer lock, the
 * catalogue of indexed report files, adding (incrementally, by content hash),
 * removing, and committing year shards. */
#include "store.h"
#include "json_get.h"
#include "scheme.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


const char *bg_version(void)
{
    return BAOGAO_VERSION_STRING;
}

void bg_free(void *p)
{
    free(p);
}

char *bg_default_index_path(void)
{
    const char *env = getenv("BAOGAO_DB");
    if (env && *env)
        return bgi_strdup(env);
    bgi_buf b = {0};
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int rc;
    if (xdg && *xdg)
        rc = bgi_buf_printf(&b, "%s/baogao/index", xdg);
    else
        rc = bgi_buf_printf(&b, "%s/.local/share/baogao/index", home && *home ? home : ".");
    if (rc) {
        bgi_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- lexicon ------------------------------------------------------------ */

int bgi_ix_file_exists(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The lexicon a writer uses unless told otherwise: the starter list shipped
 * with baogao plus the user's own list, if present. */
static int make_default_analyzer(bgi_analyzer **an, bgi_err *err)
{
    const char *paths[2];
    size_t n = 0;
    if (bgi_ix_file_exists(BAOGAO_LEXICON_INSTALLED))
        paths[n++] = BAOGAO_LEXICON_INSTALLED;
    else if (bgi_ix_file_exists(BAOGAO_LEXICON_SOURCE))
        paths[n++] = BAOGAO_LEXICON_SOURCE;
    char *user = NULL;
    const char *cfg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    bgi_buf b = {0};
    if ((cfg && *cfg && bgi_buf_printf(&b, "%s/baogao/lexicon.txt", cfg) == 0)
        || (home && *home && bgi_buf_printf(&b, "%s/.config/baogao/lexicon.txt", home) == 0))
        user = b.data;
    if (bgi_ix_file_exists(user))
        paths[n++] = user;
    bgi_analyzer_options opts = {.lexicon_paths = paths, .n_lexicon_paths = n};
    int rc = bgi_analyzer_new(an, &opts, err);
    bgi_buf_free(&b);
    return rc;
}

int bg_index_set_lexicon(bg_index *ix, const char *const *paths, size_t n)
{
    bgi_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "the lexicon is set by the indexer; this index is open for reading"});
    bgi_analyzer *an = NULL;
    bgi_analyzer_options opts = {.lexicon_paths = paths, .n_lexicon_paths = n};
    if (bgi_analyzer_new(&an, &opts, &ix->err) < 0)
        return bgi_err_publish(&ix->err);
    bgi_analyzer_free(ix->an);
    ix->an = an;
    return 0;
}

/* ---- catalogue of report files ------------------------------------------ */

void bgi_ix_file_rec_clear(bgi_file_rec *r)
{
    free(r->path);
    free(r->real);
    free(r->title);
    free(r->body);
    free(r->date);
    free(r->docno);
    free(r->kind);
    free(r->duplicate_of);
    memset(r, 0, sizeof *r);
}

bgi_file_rec *bgi_ix_find_file(bg_index *ix, const char *key)
{
    for (size_t i = 0; i < ix->n_files; i++)
        if (strcmp(ix->files[i].key, key) == 0)
            return &ix->files[i];
    return NULL;
}

bgi_file_rec *bgi_ix_find_report(bg_index *ix, const char *id)
{
    for (size_t i = 0; i < ix->n_files; i++)
        if (strcmp(ix->files[i].id, id) == 0)
            return &ix->files[i];
    return NULL;
}

bgi_file_rec *bgi_ix_push_file(bg_index *ix)
{
    if (ix->n_files == ix->cap_files) {
        size_t cap = ix->cap_files ? ix->cap_files * 2 : 64;
        bgi_file_rec *p = realloc(ix->files, cap * sizeof *p);
        if (!p)
            return NULL;
        ix->files = p;
        ix->cap_files = cap;
    }
    bgi_file_rec *r = &ix->files[ix->n_files++];
    memset(r, 0, sizeof *r);
    return r;
}

/* A report whose year changed is deleted from one shard and added to another,
 * and the two commits are separate: a kill between them leaves it recorded
 * (with its passages) in both. Loading keeps the first record; the others are
 * collected here and, for a writer, deleted (committed with the next commit).
 * Whichever copy survives describes its own passages, so the content hash
 * still decides correctly whether the file must be indexed again. */
typedef struct stale_copy {
    char key[17], id[17];
    int year;
} stale_copy;

typedef struct load_ctx {
    bg_index *ix;
    int year;              /* of the shard being read */
    stale_copy *stale;
    size_t n_stale;
} load_ctx;

static int on_file_meta(void *ctx, const char *key, const char *val, size_t len)
{
    (void)len;
    load_ctx *lc = ctx;
    bg_index *ix = lc->ix;
    const char *pkey = key + strlen(BG_META_FILE);
    if (bgi_ix_find_file(ix, pkey)) {
        /* Its passages go by its own report id (a damaged record: by the
         * path key, as before format 5). */
        bgi_file_rec stale = {0};
        int rc = bgi_file_rec_parse(&stale, pkey, val);
        stale_copy *p = rc == 0 || rc == BG_EPARSE ? realloc(lc->stale, (lc->n_stale + 1) * sizeof *p) : NULL;
        if (p) {
            lc->stale = p;
            snprintf(p[lc->n_stale].key, sizeof p[lc->n_stale].key, "%s", pkey);
            snprintf(p[lc->n_stale].id, sizeof p[lc->n_stale].id, "%s", rc == 0 ? stale.id : pkey);
            p[lc->n_stale++].year = lc->year;
        }
        bgi_ix_file_rec_clear(&stale);
        return p ? 0 : BG_ENOMEM;
    }
    bgi_file_rec *r = bgi_ix_push_file(ix);
    if (!r)
        return BG_ENOMEM;
    int rc = bgi_file_rec_parse(r, pkey, val);
    if (rc) {
        bgi_ix_file_rec_clear(r);
        ix->n_files--;
        return rc == BG_EPARSE ? 0 : rc;  /* a damaged record only costs a re-index */
    }
    return 0;
}

/* A listed shard is checked before Xapian reads its catalogue: a damaged one
 * is remembered (the writer of its year then refuses it, and --repair
 * rebuilds it); its catalogue is still read when the table that holds it
 * (postlist) is sound, so that a repair knows its reports. 1 when the
 * catalogue must not be read. */
static int check_listed_shard(bg_index *ix, int year, const char *path, int *rc)
{
    unsigned damaged = 0;
    bgi_err why = {0};
    bgi_ix_check_shard(path, &damaged, &why);
    if (!damaged)
        return 0;   /* sound, or the check could not run: reading it says why */
    if (bgi_ix_note_damaged(ix, year, why.msg, 0))
        *rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return (damaged & BGX_TABLE_POSTLIST) != 0;
}

int bgi_ix_load_catalogue(bg_index *ix)
{
    load_ctx lc = {.ix = ix};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ix->n_listed; i++) {
        char *path = bgi_shard_path(ix->path, ix->listed_years[i]);
        bgx_reader *r = NULL;
        lc.year = ix->listed_years[i];
        if (path && check_listed_shard(ix, lc.year, path, &rc)) {
            free(path);
            continue;
        }
        if (rc == 0)
            rc = path ? bgx_reader_open(&r, path, &ix->err) : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        if (rc == 0)
            rc = bgx_reader_foreach_metadata(r, BG_META_FILE, on_file_meta, &lc, &ix->err);
        if (rc > 0 || rc == BG_ENOMEM)
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        bgx_reader_free(r);
        free(path);
    }
    for (size_t i = 0; rc == 0 && i < lc.n_stale && (ix->flags & BG_OPEN_WRITE); i++)
        if (!bgi_ix_year_is_damaged(ix, lc.stale[i].year))   /* its repair re-indexes the file anyway */
            rc = bgi_ix_delete_file(ix, lc.stale[i].key, lc.stale[i].id, lc.stale[i].year, 0, &ix->err);
    free(lc.stale);
    return rc;
}

/* A kill between a new shard's commit and the stub's rewrite leaves a shard
 * that holds committed reports but is not listed: readers do not see it, and
 * its reports would be missing from the catalogue, so the next run would add
 * them to it a second time. The writer (which holds the lock) lists such
 * shards before it loads the catalogue. Only names of four digits are shards
 * (compaction leaves NNNN.compact and NNNN.old); a shard that does not open is
 * left to the writer that next needs its year. */
static int has_any(void *ctx, const char *key, const char *val, size_t len)
{
    (void)ctx, (void)key, (void)val, (void)len;
    return 1;
}

static int adopt_unlisted_shards(bg_index *ix)
{
    char *dir = bgi_path_join(ix->path, "shards");
    if (!dir)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    DIR *d = opendir(dir);
    free(dir);
    if (!d)
        return 0;
    int rc = 0, changed = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        const char *n = e->d_name;
        if (strlen(n) != 4 || strspn(n, "0123456789") != 4)
            continue;
        int year = atoi(n), listed = 0;
        for (size_t i = 0; i < ix->n_listed; i++)
            listed |= ix->listed_years[i] == year;
        if (listed)
            continue;
        char *path = bgi_shard_path(ix->path, year);
        bgx_reader *r = NULL;
        bgi_err ignored = {0};
        unsigned damaged = 0;
        int holds = path && bgi_ix_check_shard(path, &damaged, &ignored) == 0
                    && bgx_reader_open(&r, path, &ignored) == 0
                    && (bgx_reader_doccount(r) > 0
                        || bgx_reader_foreach_metadata(r, BG_META_FILE, has_any, NULL, &ignored) == 1);
        bgx_reader_free(r);
        free(path);
        if (!holds)
            continue;
        int *years = realloc(ix->listed_years, (ix->n_listed + 1) * sizeof *years);
        if (!years) {
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
            break;
        }
        ix->listed_years = years;
        years[ix->n_listed++] = year;
        changed = 1;
    }
    closedir(d);
    if (rc == 0 && changed)
        rc = bgi_stub_write(ix->path, ix->listed_years, ix->n_listed, &ix->err);
    return rc;
}

/* ---- opening and closing ------------------------------------------------ */

static int open_writer_state(bg_index *ix)
{
    int create = (ix->flags & BG_OPEN_CREATE) != 0;
    struct stat st;
    int exists = stat(ix->path, &st) == 0;
    if (exists && !S_ISDIR(st.st_mode))
        return bgi_err_set(&ix->err, BG_EINVAL,
                          "%s: a stub file can be searched but not written; index into an index directory",
                          ix->path);
    if (!exists) {
        if (!create)
            return bgi_err_set(&ix->err, BG_ENOTFOUND, "%s: no index here (run baogao-index first)", ix->path);
        if (bgi_mkdir_p(ix->path, &ix->err))
            return ix->err.code;
    }
    int rc = bgi_lock_take(&ix->lock_fd, ix->path, (ix->flags & BG_OPEN_WAIT) != 0, &ix->err);
    if (rc)
        return rc;
    rc = bgi_stub_read(&ix->listed_years, &ix->n_listed, ix->path, &ix->err);
    if (rc == BG_ENOTFOUND && create)
        rc = bgi_stub_write(ix->path, NULL, 0, &ix->err);
    if (rc == 0)
        rc = bgi_ix_finish_swaps(ix);
    if (rc == 0)
        rc = adopt_unlisted_shards(ix);
    if (rc)
        return rc;
    rc = bgi_ix_load_catalogue(ix);
    if (rc)
        return rc;
    return make_default_analyzer(&ix->an, &ix->err);
}

int bg_index_set_remote(bg_index *ix, unsigned timeout_ms, int allow_partial)
{
    if (timeout_ms == 0)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "a remote timeout must be at least 1 ms"});
    if (ix->remote.timeout_ms != timeout_ms || ix->remote.allow_partial != (allow_partial != 0)) {
        ix->remote = (bgx_remote_policy){.timeout_ms = timeout_ms, .allow_partial = allow_partial != 0};
        bgx_reader_free(ix->reader);   /* the next search connects with the new policy */
        ix->reader = NULL;
        ix->reader_serial++;
        bgi_shards_clear(&ix->reader_shards);
    }
    return 0;
}

int bg_index_open(bg_index **out, const char *path, unsigned flags)
{
    *out = NULL;
    bg_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = bgi_strdup(path))) {
        free(ix);
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    }
    ix->flags = flags;
    ix->lock_fd = -1;
    ix->remote = (bgx_remote_policy){.timeout_ms = BG_REMOTE_TIMEOUT_MS};
    pthread_mutex_init(&ix->mu, NULL);
    int rc;
    if (flags & BG_OPEN_WRITE) {
        rc = open_writer_state(ix);
    } else {
        /* Finds a malformed stub or a missing index now rather than at the
         * first search; remote shards are connected at the first search. */
        bgi_shard_list shards;
        rc = bgi_shards_resolve(&shards, path, &ix->err);
        bgi_shards_clear(&shards);
    }
    if (rc) {
        bgi_err_publish(&ix->err);
        bg_index_free(ix);
        return rc;
    }
    *out = ix;
    return 0;
}

void bg_index_free(bg_index *ix)
{
    if (!ix)
        return;
    for (size_t i = 0; i < ix->n_shards; i++)
        bgx_writer_free(ix->shards[i].writer);
    free(ix->shards);
    for (size_t i = 0; i < ix->n_files; i++)
        bgi_ix_file_rec_clear(&ix->files[i]);
    free(ix->files);
    if (ix->ingest.free)
        ix->ingest.free(ix->ingest.data);
    if (ix->body_names.free)
        ix->body_names.free(ix->body_names.data);
    if (ix->report_firsts.free)
        ix->report_firsts.free(ix->report_firsts.data);
    free(ix->listed_years);
    /* A run that did not write a damaged year went on; the shard is named
     * all the same, once (the writer of its year names it in its error). */
    bgi_ix_clear_damaged(ix, 1);
    bgi_ix_clear_memo(ix);
    bgi_analyzer_free(ix->an);
    bgi_analyzer_free(ix->query_an);
    bgx_reader_free(ix->reader);
    bgi_shards_clear(&ix->reader_shards);
    bgi_lock_release(ix->lock_fd);
    pthread_mutex_destroy(&ix->mu);
    free(ix->path);
    free(ix);
}

/* ---- shards ------------------------------------------------------------- */

static int year_is_listed(const bg_index *ix, int year)
{
    for (size_t i = 0; i < ix->n_listed; i++)
        if (ix->listed_years[i] == year)
            return 1;
    return 0;
}

/* Xapian creates a glass shard in steps (its directory, a lock, two tables)
 * and renames "iamglass" into place last. A kill in between leaves a
 * directory that Xapian will neither open nor create over ("Failed to open
 * glass revision file"), so the year could never be written again. A new
 * shard is therefore created empty as NNNN.new and renamed into place (the
 * shards directory synced, so that a power cut cannot undo the rename once
 * passages are committed to it): NNNN is either absent or a whole database.
 * A directory without iamglass (left by a build before this one) holds
 * nothing committed — iamglass exists from the creation on — and is removed
 * first. */
static int create_shard(const char *shard, const char *shards_dir, bgi_err *err)
{
    struct stat st;
    if (stat(shard, &st) == 0) {
        char *version = bgi_path_join(shard, "iamglass");
        if (!version)
            return bgi_err_set(err, BG_ENOMEM, "out of memory");
        int whole = !S_ISDIR(st.st_mode) || stat(version, &st) == 0 || errno != ENOENT;
        free(version);
        if (whole)
            return 0;   /* a database (or something Xapian will name in its error) */
        if (bgi_remove_tree(shard) != 0)
            return bgi_err_set(err, BG_EIO, "%s: cannot remove an interrupted shard creation: %s", shard,
                              strerror(errno));
    }
    char *tmp = bgi_concat(shard, ".new");
    bgx_writer *w = NULL;
    int rc = 0;
    if (!tmp)
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    else if (bgi_remove_tree(tmp) != 0)
        rc = bgi_err_set(err, BG_EIO, "%s: cannot remove: %s", tmp, strerror(errno));
    else
        rc = bgx_writer_open(&w, tmp, 1, err);
    bgx_writer_free(w);
    if (rc == 0 && (rename(tmp, shard) != 0 || bgi_fsync_dir(shards_dir) != 0))
        rc = bgi_err_set(err, BG_EIO, "%s: cannot create the shard: %s", shard, strerror(errno));
    free(tmp);
    return rc;
}

/* Opens year's shard for writing, creating it (and shards/) first if need
 * be; after create_shard it exists whole, so Xapian is only asked to open.
 * The shard is checked first, every time: Xapian 1.4's writer crashes on a
 * damaged B-tree block (a bit flipped on disk, a torn copy) instead of
 * reporting it, and the check costs well under a millisecond per MB
 * (docs/reliability.md, "Damaged shards"). */
static int open_shard(bgx_writer **out, bg_index *ix, int year, bgi_err *err)
{
    char *path = bgi_shard_path(ix->path, year);
    char *shards_dir = path ? bgi_dirname(path) : NULL;
    unsigned damaged = 0;
    int rc = shards_dir ? bgi_mkdir_p(shards_dir, err) : bgi_err_set(err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = create_shard(path, shards_dir, err);
    if (rc == 0)
        rc = bgi_ix_check_shard(path, &damaged, err);
    if (damaged && bgi_ix_note_damaged(ix, year, err->msg, 1))
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = bgx_writer_open(out, path, 0, err);
    free(shards_dir);
    free(path);
    return rc;
}

int bgi_ix_shard_writer(bgx_writer **out, bg_index *ix, int year, int owner, bgi_err *err)
{
    *out = NULL;
    pthread_mutex_lock(&ix->mu);
    int rc = 0;
    for (size_t i = 0; i < ix->n_shards; i++)
        if (ix->shards[i].year == year) {
            *out = ix->shards[i].writer;
            goto out;
        }
    if (ix->n_shards == ix->cap_shards) {
        size_t cap = ix->cap_shards ? ix->cap_shards * 2 : 8;
        bgi_shard *p = realloc(ix->shards, cap * sizeof *p);
        if (!p) {
            rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
            goto out;
        }
        ix->shards = p;
        ix->cap_shards = cap;
    }
    bgx_writer *w = NULL;
    rc = open_shard(&w, ix, year, err);
    if (rc == 0) {
        ix->shards[ix->n_shards++] = (bgi_shard){.year = year, .writer = w, .owner = owner,
                                                .is_new = !year_is_listed(ix, year)};
        *out = w;
    }
out:
    pthread_mutex_unlock(&ix->mu);
    return rc;
}

/* The texts a file's passages stand for (those not marked as copies). */
typedef struct hash_list {
    char **v;
    size_t n;
} hash_list;

static int collect_hash(void *ctx, const char *term, size_t len)
{
    hash_list *l = ctx;
    char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v)
        return BG_ENOMEM;
    l->v = v;
    return (v[l->n] = bgi_strndup(term, len)) ? (l->n++, 0) : BG_ENOMEM;
}

int bgi_ix_delete_file(bg_index *ix, const char *path_key, const char *id, int year, int owner, bgi_err *err)
{
    bgx_writer *w = NULL;
    char term[BG_TERM_MAX], key[BG_TERM_MAX];
    bgi_term_file(term, id);
    bgi_meta_file_key(key, path_key);
    hash_list texts = {0};
    int rc = bgi_ix_shard_writer(&w, ix, year, owner, err);
    /* Where this file held the first copy of a text, a later copy in the
     * shard now stands for it: its mark comes off. */
    if (rc == 0)
        rc = bgx_writer_foreach_term_of(w, term, BG_PREFIX_TEXTHASH, BG_TERM_DUPLICATE, collect_hash, &texts, err);
    if (rc == BG_ENOMEM)
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = bgx_writer_delete_term(w, term, err);
    if (rc == 0)
        rc = bgx_writer_set_metadata(w, key, "", 0, err);
    for (size_t i = 0; i < texts.n; i++) {
        int promoted = 0;
        if (rc == 0)
            rc = bgx_writer_promote(w, texts.v[i], BG_TERM_DUPLICATE, &promoted, err);
        free(texts.v[i]);
    }
    free(texts.v);
    return rc;
}

int bgi_ix_store_file(bg_index *ix, bgx_writer *w, bgi_file_rec *fresh, bgi_err *err)
{
    char key[BG_TERM_MAX];
    bgi_meta_file_key(key, fresh->key);
    char *json = bgi_file_rec_json(fresh);
    if (!json)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    int rc = bgx_writer_set_metadata(w, key, json, strlen(json), err);
    free(json);
    if (rc)
        return rc;
    pthread_mutex_lock(&ix->mu);
    bgi_file_rec *slot = bgi_ix_find_file(ix, fresh->key);
    if (!slot && !(slot = bgi_ix_push_file(ix)))
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    if (rc == 0) {
        bgi_ix_file_rec_clear(slot);
        *slot = *fresh;
        memset(fresh, 0, sizeof *fresh);
    }
    pthread_mutex_unlock(&ix->mu);
    return rc;
}

static int lookup(bgi_file_rec *copy, bg_index *ix, const char *key, const char *id)
{
    memset(copy, 0, sizeof *copy);
    pthread_mutex_lock(&ix->mu);
    const bgi_file_rec *r = key ? bgi_ix_find_file(ix, key) : bgi_ix_find_report(ix, id);
    int found = r != NULL;
    if (found) {
        memcpy(copy->key, r->key, sizeof copy->key);
        memcpy(copy->id, r->id, sizeof copy->id);
        copy->hash = r->hash;
        copy->fp = r->fp;
        copy->year = r->year;
        copy->passages = r->passages;
        copy->path = bgi_strdup(r->path);
    }
    pthread_mutex_unlock(&ix->mu);
    if (found && !copy->path)
        return BG_ENOMEM;
    return found;
}

int bgi_ix_lookup_file(bgi_file_rec *copy, bg_index *ix, const char *key)
{
    return lookup(copy, ix, key, NULL);
}

int bgi_ix_lookup_report(bgi_file_rec *copy, bg_index *ix, const char *id)
{
    return lookup(copy, ix, NULL, id);
}

void bgi_ix_discard_uncommitted(bg_index *ix)
{
    for (size_t i = 0; i < ix->n_shards; i++)
        bgx_writer_free(ix->shards[i].writer);
    ix->n_shards = 0;
    for (size_t i = 0; i < ix->n_files; i++)
        bgi_ix_file_rec_clear(&ix->files[i]);
    ix->n_files = 0;
    ix->pending_docs = 0;
    bgi_err saved = ix->err;
    bgi_ix_load_catalogue(ix);
    ix->err = saved;
}

/* ---- removing ----------------------------------------------------------- */

int bg_index_remove_file(bg_index *ix, const char *path)
{
    bgi_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "index is open for reading only"});
    char real[PATH_MAX];
    bgi_file_rec *rec = NULL;
    if (realpath(path, real)) {
        char key[17];
        bgi_path_key(key, real);
        rec = bgi_ix_find_file(ix, key);
    }
    for (size_t i = 0; !rec && i < ix->n_files; i++)
        if (strcmp(ix->files[i].path, path) == 0 || strcmp(ix->files[i].real, path) == 0)
            rec = &ix->files[i];
    if (!rec) {
        bgi_err_set(&ix->err, BG_ENOTFOUND, "%s: not in the index", path);
        return bgi_err_publish(&ix->err);
    }
    if (bgi_ix_delete_file(ix, rec->key, rec->id, rec->year, 0, &ix->err))
        return bgi_err_publish(&ix->err);
    bgi_ix_file_rec_clear(rec);
    *rec = ix->files[--ix->n_files];
    return 0;
}

int bg_index_foreach_report(bg_index *ix, int (*cb)(void *ctx, const char *path), void *ctx)
{
    bgi_err_clear(&ix->err);
    /* A writer holds the catalogue; a reader reads it from the shards its
     * path stands for (a stub, remote shards), as bg_index_reports_json. */
    if (!(ix->flags & BG_OPEN_WRITE)) {
        int rc = bgi_ix_foreach_listed_report(ix, cb, ctx);
        return rc < 0 ? bgi_err_publish(&ix->err) : rc;
    }
    for (size_t i = 0; i < ix->n_files; i++) {
        int rc = cb(ctx, ix->files[i].path);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- committing --------------------------------------------------------- */

uint64_t bgi_ix_fingerprint(const bg_index *ix)
{
    return bgi_fnv1a64(bgi_analyzer_fingerprint(ix->an), BG_FORMAT_VERSION, strlen(BG_FORMAT_VERSION));
}

static int stamp_shard(bg_index *ix, bgx_writer *w, bgi_err *err)
{
    size_t lex_len = 0;
    const char *lex = bgi_analyzer_lexicon_text(ix->an, &lex_len);
    char fp[17];
    bgi_hex64(fp, bgi_ix_fingerprint(ix));
    int rc = bgx_writer_set_metadata(w, BG_META_LEXICON, lex_len ? lex : "-", lex_len ? lex_len : 1, err);
    if (rc == 0)
        rc = bgx_writer_set_metadata(w, BG_META_ANALYSIS, fp, 16, err);
    if (rc == 0)
        rc = bgx_writer_set_metadata(w, BG_META_FORMAT, BG_FORMAT_VERSION, strlen(BG_FORMAT_VERSION), err);
    return rc;
}

/* Lists the committed new shards in the stub (called with ix->mu held). */
static int list_new_shards(bg_index *ix, int owner, bgi_err *err)
{
    size_t n_new = 0;
    for (size_t i = 0; i < ix->n_shards; i++)
        n_new += ix->shards[i].is_new && (owner < 0 || ix->shards[i].owner == owner);
    if (!n_new)
        return 0;
    int *years = realloc(ix->listed_years, (ix->n_listed + n_new) * sizeof *years);
    if (!years)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    ix->listed_years = years;
    for (size_t i = 0; i < ix->n_shards; i++)
        if (ix->shards[i].is_new && (owner < 0 || ix->shards[i].owner == owner)) {
            years[ix->n_listed++] = ix->shards[i].year;
            ix->shards[i].is_new = 0;
        }
    return bgi_stub_write(ix->path, ix->listed_years, ix->n_listed, err);
}

int bgi_ix_commit_shards(bg_index *ix, int owner, bgi_err *err)
{
    /* Writers of other owners may be added meanwhile (realloc), so take the
     * list of ours under the lock and commit outside it. */
    pthread_mutex_lock(&ix->mu);
    size_t n = ix->n_shards;
    bgx_writer **mine = malloc((n ? n : 1) * sizeof *mine);
    size_t k = 0;
    for (size_t i = 0; mine && i < n; i++)
        if (owner < 0 || ix->shards[i].owner == owner)
            mine[k++] = ix->shards[i].writer;
    pthread_mutex_unlock(&ix->mu);
    if (!mine)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < k; i++) {
        rc = stamp_shard(ix, mine[i], err);
        if (rc == 0)
            rc = bgx_writer_commit(mine[i], err);
    }
    free(mine);
    if (rc)
        return rc;
    /* Only now may readers see the new years. */
    pthread_mutex_lock(&ix->mu);
    rc = list_new_shards(ix, owner, err);
    pthread_mutex_unlock(&ix->mu);
    return rc;
}

int bg_index_commit(bg_index *ix)
{
    bgi_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "index is open for reading only"});
    if (bgi_ix_commit_shards(ix, -1, &ix->err))
        return bgi_err_publish(&ix->err);
    ix->pending_docs = 0;
    return 0;
}
