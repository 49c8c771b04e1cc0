/* index.c — opening an index and keeping it up to date: the writer lock, the
 * catalogue of indexed report files, adding (incrementally, by content hash),
 * removing, and committing year shards. */
#include "index_priv.h"
#include "scheme.h"
#include "structure.h"
#include "decode.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Commit once this many documents are pending, at a report boundary, so a
 * transaction's memory stays bounded on big runs. Each report is still atomic. */
#define BG_AUTOCOMMIT_DOCS 4000

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
        return bg_strdup(env);
    bg_buf b = {0};
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int rc;
    if (xdg && *xdg)
        rc = bg_buf_printf(&b, "%s/baogao/index", xdg);
    else
        rc = bg_buf_printf(&b, "%s/.local/share/baogao/index", home && *home ? home : ".");
    if (rc) {
        bg_buf_free(&b);
        return NULL;
    }
    return b.data;
}

/* ---- lexicon ------------------------------------------------------------ */

static int file_exists(const char *p)
{
    struct stat st;
    return p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The lexicon a writer uses unless told otherwise: the starter list shipped
 * with baogao plus the user's own list, if present. */
static int make_default_analyzer(bg_analyzer **an, bg_err *err)
{
    const char *paths[2];
    size_t n = 0;
    if (file_exists(BAOGAO_LEXICON_INSTALLED))
        paths[n++] = BAOGAO_LEXICON_INSTALLED;
    else if (file_exists(BAOGAO_LEXICON_SOURCE))
        paths[n++] = BAOGAO_LEXICON_SOURCE;
    char *user = NULL;
    const char *cfg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    bg_buf b = {0};
    if ((cfg && *cfg && bg_buf_printf(&b, "%s/baogao/lexicon.txt", cfg) == 0)
        || (home && *home && bg_buf_printf(&b, "%s/.config/baogao/lexicon.txt", home) == 0))
        user = b.data;
    if (file_exists(user))
        paths[n++] = user;
    bg_analyzer_options opts = {.lexicon_paths = paths, .n_lexicon_paths = n};
    int rc = bg_analyzer_new(an, &opts, err);
    bg_buf_free(&b);
    return rc;
}

int bg_index_set_lexicon(bg_index *ix, const char *const *paths, size_t n)
{
    bg_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bg_err_publish(&(bg_err){BG_EINVAL, "the lexicon is set by the indexer; this index is open for reading"});
    bg_analyzer *an = NULL;
    bg_analyzer_options opts = {.lexicon_paths = paths, .n_lexicon_paths = n};
    if (bg_analyzer_new(&an, &opts, &ix->err) < 0)
        return bg_err_publish(&ix->err);
    bg_analyzer_free(ix->an);
    ix->an = an;
    return 0;
}

/* ---- catalogue of report files ------------------------------------------ */

static void file_rec_clear(bg_file_rec *r)
{
    free(r->path);
    free(r->real);
    free(r->title);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static bg_file_rec *find_file(bg_index *ix, const char *id)
{
    for (size_t i = 0; i < ix->n_files; i++)
        if (strcmp(ix->files[i].id, id) == 0)
            return &ix->files[i];
    return NULL;
}

static const char *json_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double json_num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static bg_file_rec *push_file(bg_index *ix)
{
    if (ix->n_files == ix->cap_files) {
        size_t cap = ix->cap_files ? ix->cap_files * 2 : 64;
        bg_file_rec *p = realloc(ix->files, cap * sizeof *p);
        if (!p)
            return NULL;
        ix->files = p;
        ix->cap_files = cap;
    }
    bg_file_rec *r = &ix->files[ix->n_files++];
    memset(r, 0, sizeof *r);
    return r;
}

static int parse_file_rec(bg_file_rec *r, const char *id, const char *json)
{
    cJSON *o = cJSON_Parse(json);
    if (!o)
        return BG_EPARSE;
    snprintf(r->id, sizeof r->id, "%s", id);
    r->path = bg_strdup(json_str(o, "path"));
    r->real = bg_strdup(json_str(o, "real"));
    r->title = bg_strdup(json_str(o, "title"));
    r->body = bg_strdup(json_str(o, "body"));
    r->hash = strtoull(json_str(o, "hash"), NULL, 16);
    r->fp = strtoull(json_str(o, "fp"), NULL, 16);
    r->year = (int)json_num(o, "year");
    r->passages = (size_t)json_num(o, "passages");
    cJSON_Delete(o);
    return r->path && r->real && r->title && r->body ? 0 : BG_ENOMEM;
}

static int on_file_meta(void *ctx, const char *key, const char *val, size_t len)
{
    (void)len;
    bg_index *ix = ctx;
    bg_file_rec *r = push_file(ix);
    if (!r)
        return BG_ENOMEM;
    int rc = parse_file_rec(r, key + strlen(BG_META_FILE), val);
    if (rc) {
        file_rec_clear(r);
        ix->n_files--;
        return rc == BG_EPARSE ? 0 : rc;  /* a damaged record only costs a re-index */
    }
    return 0;
}

static int load_catalogue(bg_index *ix)
{
    for (size_t i = 0; i < ix->n_listed; i++) {
        char *path = bg_shard_path(ix->path, ix->listed_years[i]);
        bgx_reader *r = NULL;
        int rc = path ? bgx_reader_open(&r, path, &ix->err) : bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
        if (rc == 0)
            rc = bgx_reader_foreach_metadata(r, BG_META_FILE, on_file_meta, ix, &ix->err);
        if (rc > 0 || rc == BG_ENOMEM)
            rc = bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
        bgx_reader_free(r);
        free(path);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- opening and closing ------------------------------------------------ */

static int open_writer_state(bg_index *ix)
{
    int create = (ix->flags & BG_OPEN_CREATE) != 0;
    struct stat st;
    if (stat(ix->path, &st) != 0) {
        if (!create)
            return bg_err_set(&ix->err, BG_ENOTFOUND, "%s: no index here (run baogao-index first)", ix->path);
        if (bg_mkdir_p(ix->path, &ix->err))
            return ix->err.code;
    }
    int rc = bg_lock_take(&ix->lock_fd, ix->path, (ix->flags & BG_OPEN_WAIT) != 0, &ix->err);
    if (rc)
        return rc;
    rc = bg_stub_read(&ix->listed_years, &ix->n_listed, ix->path, &ix->err);
    if (rc == BG_ENOTFOUND && create)
        rc = bg_stub_write(ix->path, NULL, 0, &ix->err);
    if (rc)
        return rc;
    rc = load_catalogue(ix);
    if (rc)
        return rc;
    return make_default_analyzer(&ix->an, &ix->err);
}

int bg_index_open(bg_index **out, const char *path, unsigned flags)
{
    *out = NULL;
    bg_index *ix = calloc(1, sizeof *ix);
    if (!ix || !(ix->path = bg_strdup(path))) {
        free(ix);
        return bg_err_publish(&(bg_err){BG_ENOMEM, "out of memory"});
    }
    ix->flags = flags;
    ix->lock_fd = -1;
    int rc;
    if (flags & BG_OPEN_WRITE) {
        rc = open_writer_state(ix);
    } else {
        int *years = NULL;
        rc = bg_stub_read(&years, &ix->n_listed, path, &ix->err);
        free(years);
    }
    if (rc) {
        bg_err_publish(&ix->err);
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
        file_rec_clear(&ix->files[i]);
    free(ix->files);
    for (size_t i = 0; i < ix->n_manifests; i++) {
        free(ix->manifests[i].dir);
        bg_manifest_free(ix->manifests[i].mf);
    }
    free(ix->manifests);
    free(ix->listed_years);
    bg_analyzer_free(ix->an);
    bg_analyzer_free(ix->query_an);
    bgx_reader_free(ix->reader);
    bg_lock_release(ix->lock_fd);
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

static int shard_writer(bgx_writer **out, bg_index *ix, int year)
{
    for (size_t i = 0; i < ix->n_shards; i++)
        if (ix->shards[i].year == year) {
            *out = ix->shards[i].writer;
            return 0;
        }
    if (ix->n_shards == ix->cap_shards) {
        size_t cap = ix->cap_shards ? ix->cap_shards * 2 : 8;
        bg_shard *p = realloc(ix->shards, cap * sizeof *p);
        if (!p)
            return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
        ix->shards = p;
        ix->cap_shards = cap;
    }
    char *path = bg_shard_path(ix->path, year);
    if (!path)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    /* Xapian creates the shard's own directory but not its parent. */
    char *parent = strndup(path, (size_t)(strrchr(path, '/') - path));
    int rc = parent ? bg_mkdir_p(parent, &ix->err) : bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    free(parent);
    bgx_writer *w = NULL;
    if (rc == 0)
        rc = bgx_writer_open(&w, path, 1, &ix->err);
    free(path);
    if (rc)
        return rc;
    ix->shards[ix->n_shards++] = (bg_shard){.year = year, .writer = w, .is_new = !year_is_listed(ix, year)};
    *out = w;
    return 0;
}

/* ---- adding a report ---------------------------------------------------- */

static const bg_manifest *manifest_for_dir(bg_index *ix, const char *dir)
{
    for (size_t i = 0; i < ix->n_manifests; i++)
        if (strcmp(ix->manifests[i].dir, dir) == 0)
            return ix->manifests[i].mf;
    bg_manifest_cache *p = realloc(ix->manifests, (ix->n_manifests + 1) * sizeof *p);
    if (!p)
        return NULL;
    ix->manifests = p;
    bg_manifest_cache *c = &p[ix->n_manifests];
    c->dir = bg_strdup(dir);
    c->mf = NULL;
    if (!c->dir)
        return NULL;
    ix->n_manifests++;
    char *mpath = bg_path_join(dir, "MANIFEST.tsv");
    if (file_exists(mpath)) {
        bg_err ignored = {0};
        /* A broken manifest must not stop indexing: detection still works. */
        if (bg_manifest_load(&c->mf, mpath, &ignored) != 0)
            fprintf(stderr, "baogao: warning: %s\n", ignored.msg);
    }
    free(mpath);
    return c->mf;
}

static int resolve_meta(bg_index *ix, bg_meta *meta, const char *real, const char *text, size_t len,
                        const bg_report_info *info)
{
    const char *slash = strrchr(real, '/');
    const char *base = slash ? slash + 1 : real;
    if (bg_meta_detect(meta, text, len, base, &ix->err))
        return ix->err.code ? ix->err.code : BG_ENOMEM;
    char *dir = strndup(real, slash ? (size_t)(slash - real) : 0);
    if (!dir)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    const bg_manifest *mf = manifest_for_dir(ix, dir[0] ? dir : "/");
    free(dir);
    if (mf && bg_manifest_apply(mf, base, meta) < 0)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (info && info->title && info->title[0]) {
        free(meta->title);
        meta->title = bg_strdup(info->title);
    }
    if (info && info->body && info->body[0]) {
        free(meta->body);
        meta->body = bg_strdup(info->body);
    }
    if (info && info->year > 0)
        meta->year = info->year;
    if (!meta->title || !meta->body)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return 0;
}

typedef struct unit_sink {
    bg_index *ix;
    bgx_writer *w;
    bg_passage_ctx pctx;
    const char *path;
} unit_sink;

static int on_unit(void *ctx, const bg_unit *u)
{
    unit_sink *s = ctx;
    bgx_doc *doc = NULL;
    int rc = bg_passage_build(&doc, &s->pctx, u, &s->ix->err);
    if (rc == 0)
        rc = bgx_writer_add(s->w, doc, &s->ix->err);
    bgx_doc_free(doc);
    if (rc)
        return bg_err_set(&s->ix->err, rc, "%s:%zu: %s", s->path, u->line, s->ix->err.msg);
    s->pctx.ordinal++;
    return 0;
}

static int delete_file_passages(bg_index *ix, const bg_file_rec *rec)
{
    bgx_writer *w = NULL;
    char term[64], key[64];
    snprintf(term, sizeof term, BG_PREFIX_FILE "%s", rec->id);
    snprintf(key, sizeof key, BG_META_FILE "%s", rec->id);
    int rc = shard_writer(&w, ix, rec->year);
    if (rc == 0)
        rc = bgx_writer_delete_term(w, term, &ix->err);
    if (rc == 0)
        rc = bgx_writer_set_metadata(w, key, "", 0, &ix->err);
    return rc;
}

static char *file_rec_json(const bg_file_rec *r)
{
    char hash[17], fp[17];
    bg_hex64(hash, r->hash);
    bg_hex64(fp, r->fp);
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "path", r->path) && cJSON_AddStringToObject(o, "real", r->real)
          && cJSON_AddStringToObject(o, "hash", hash) && cJSON_AddStringToObject(o, "fp", fp)
          && cJSON_AddNumberToObject(o, "year", r->year) && cJSON_AddStringToObject(o, "title", r->title)
          && cJSON_AddStringToObject(o, "body", r->body)
          && cJSON_AddNumberToObject(o, "passages", (double)r->passages);
    char *s = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

/* Replaces rec's catalogue entry with the new state of the file. */
static int store_file_rec(bg_index *ix, bgx_writer *w, bg_file_rec *slot, const bg_file_rec *fresh)
{
    char key[64];
    snprintf(key, sizeof key, BG_META_FILE "%s", fresh->id);
    char *json = file_rec_json(fresh);
    if (!json)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    int rc = bgx_writer_set_metadata(w, key, json, strlen(json), &ix->err);
    free(json);
    if (rc)
        return rc;
    file_rec_clear(slot);
    *slot = *fresh;
    return 0;
}

static int index_text(bg_index *ix, bg_file_rec *fresh, const char *path, const char *text, size_t len,
                      const bg_report_info *info)
{
    bg_meta meta = {0};
    int rc = resolve_meta(ix, &meta, fresh->real, text, len, info);
    bgx_writer *w = NULL;
    if (rc == 0)
        rc = shard_writer(&w, ix, meta.year);
    bg_outline *ol = rc == 0 ? bg_outline_new() : NULL;
    if (rc == 0 && !ol)
        rc = bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    unit_sink sink = {.ix = ix, .w = w, .path = path,
                      .pctx = {.an = ix->an, .meta = &meta, .report = path, .file_id = fresh->id}};
    if (rc == 0) {
        rc = bg_outline_feed_text(ol, text, len, on_unit, &sink, &ix->err);
        if (rc > 0)
            rc = ix->err.code ? ix->err.code : BG_EXAPIAN;
    }
    bg_outline_free(ol);
    if (rc == 0) {
        fresh->year = meta.year;
        fresh->passages = sink.pctx.ordinal;
        fresh->title = meta.title;
        fresh->body = meta.body;
        meta.title = meta.body = NULL;
        ix->pending_docs += sink.pctx.ordinal;
        bg_file_rec *slot = find_file(ix, fresh->id);
        if (!slot && !(slot = push_file(ix)))
            rc = bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
        if (rc == 0)
            rc = store_file_rec(ix, w, slot, fresh);
    }
    bg_meta_clear(&meta);
    return rc;
}

static void file_id_of(char id[17], const char *real)
{
    bg_hex64(id, bg_fnv1a64(BG_FNV_INIT, real, strlen(real)));
}

/* Cancels the open transactions and reloads the catalogue from the last
 * commit. */
static void discard_uncommitted(bg_index *ix)
{
    for (size_t i = 0; i < ix->n_shards; i++)
        bgx_writer_free(ix->shards[i].writer);
    ix->n_shards = 0;
    for (size_t i = 0; i < ix->n_files; i++)
        file_rec_clear(&ix->files[i]);
    ix->n_files = 0;
    ix->pending_docs = 0;
    ix->pending_docs_dirty = 0;
    bg_err saved = ix->err;
    load_catalogue(ix);
    ix->err = saved;
}

static int add_file(int *status, size_t *n_passages, bg_index *ix, const char *path,
                    const bg_report_info *info)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return bg_err_set(&ix->err, BG_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *bytes = NULL;
    size_t n = 0;
    int rc = bg_read_file(&bytes, &n, path, &ix->err);
    if (rc)
        return rc;
    bg_file_rec fresh = {0};
    file_id_of(fresh.id, real);
    fresh.hash = bg_fnv1a64(bg_fnv1a64(BG_FNV_INIT, bytes, n), &n, sizeof n);
    fresh.fp = bg_analyzer_fingerprint(ix->an);
    const bg_file_rec *old = find_file(ix, fresh.id);
    if (old && old->hash == fresh.hash && old->fp == fresh.fp && strcmp(old->path, path) == 0
        && (!info || (!info->title && !info->body && !info->year))) {
        free(bytes);
        *status = BG_ADD_UNCHANGED;
        *n_passages = old->passages;
        return 0;
    }
    bg_decoded dec = {0};
    rc = bg_decode(&dec, bytes, n, &ix->err);
    free(bytes);
    if (rc)
        return bg_err_set(&ix->err, rc, "%s: %s", path, ix->err.msg);
    if (dec.n_replaced)
        fprintf(stderr, "baogao: warning: %s:%zu: invalid %s replaced (%zu sequence%s)\n", path,
                dec.first_bad_line, dec.encoding, dec.n_replaced, dec.n_replaced == 1 ? "" : "s");
    fresh.path = bg_strdup(path);
    fresh.real = bg_strdup(real);
    rc = fresh.path && fresh.real ? 0 : bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    *status = old ? BG_ADD_UPDATED : BG_ADD_NEW;
    ix->pending_docs_dirty = 1;
    if (rc == 0 && old)
        rc = delete_file_passages(ix, old);
    if (rc == 0)
        rc = index_text(ix, &fresh, path, dec.text, dec.len, info);
    free(dec.text);
    if (rc) {
        file_rec_clear(&fresh);
        return rc;
    }
    *n_passages = fresh.passages;
    ix->pending_docs_dirty = 0;
    if (ix->pending_docs >= BG_AUTOCOMMIT_DOCS)
        return bg_index_commit(ix) ? bg_errcode() : 0;
    return 0;
}

int bg_index_add_file(int *status, size_t *n_passages, bg_index *ix, const char *path,
                      const bg_report_info *info)
{
    int st = 0;
    size_t np = 0;
    bg_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bg_err_publish(&(bg_err){BG_EINVAL, "index is open for reading only"});
    int rc = add_file(&st, &np, ix, path, info);
    if (status)
        *status = st;
    if (n_passages)
        *n_passages = np;
    if (rc && ix->pending_docs_dirty) {
        /* A report that failed after its writes began may have left half its
         * passages in the open transactions: drop every uncommitted change
         * rather than ever commit them. */
        discard_uncommitted(ix);
        bg_err_set(&ix->err, ix->err.code, "%s (uncommitted changes discarded)", ix->err.msg);
    }
    if (rc)
        return bg_err_publish(&ix->err);
    return 0;
}

/* ---- removing ----------------------------------------------------------- */

int bg_index_remove_file(bg_index *ix, const char *path)
{
    bg_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bg_err_publish(&(bg_err){BG_EINVAL, "index is open for reading only"});
    char real[PATH_MAX];
    bg_file_rec *rec = NULL;
    if (realpath(path, real)) {
        char id[17];
        file_id_of(id, real);
        rec = find_file(ix, id);
    }
    for (size_t i = 0; !rec && i < ix->n_files; i++)
        if (strcmp(ix->files[i].path, path) == 0 || strcmp(ix->files[i].real, path) == 0)
            rec = &ix->files[i];
    if (!rec) {
        bg_err_set(&ix->err, BG_ENOTFOUND, "%s: not in the index", path);
        return bg_err_publish(&ix->err);
    }
    if (delete_file_passages(ix, rec))
        return bg_err_publish(&ix->err);
    file_rec_clear(rec);
    *rec = ix->files[--ix->n_files];
    return 0;
}

int bg_index_foreach_report(bg_index *ix, int (*cb)(void *ctx, const char *path), void *ctx)
{
    bg_err_clear(&ix->err);
    /* Readers load the catalogue when first asked; writers always have it. */
    if (!(ix->flags & BG_OPEN_WRITE) && !ix->catalogue_loaded) {
        if (load_catalogue(ix))
            return bg_err_publish(&ix->err);
        ix->catalogue_loaded = 1;
    }
    for (size_t i = 0; i < ix->n_files; i++) {
        int rc = cb(ctx, ix->files[i].path);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- committing --------------------------------------------------------- */

static int stamp_shard(bg_index *ix, bgx_writer *w)
{
    size_t lex_len = 0;
    const char *lex = bg_analyzer_lexicon_text(ix->an, &lex_len);
    char fp[17];
    bg_hex64(fp, bg_analyzer_fingerprint(ix->an));
    int rc = bgx_writer_set_metadata(w, BG_META_LEXICON, lex_len ? lex : "-", lex_len ? lex_len : 1, &ix->err);
    if (rc == 0)
        rc = bgx_writer_set_metadata(w, BG_META_ANALYSIS, fp, 16, &ix->err);
    if (rc == 0)
        rc = bgx_writer_set_metadata(w, BG_META_FORMAT, BG_FORMAT_VERSION, strlen(BG_FORMAT_VERSION), &ix->err);
    return rc;
}

int bg_index_commit(bg_index *ix)
{
    bg_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bg_err_publish(&(bg_err){BG_EINVAL, "index is open for reading only"});
    size_t n_new = 0;
    for (size_t i = 0; i < ix->n_shards; i++) {
        bgx_writer *w = ix->shards[i].writer;
        if (stamp_shard(ix, w) || bgx_writer_commit(w, &ix->err))
            return bg_err_publish(&ix->err);
        n_new += ix->shards[i].is_new;
    }
    if (n_new) {
        int *years = realloc(ix->listed_years, (ix->n_listed + n_new) * sizeof *years);
        if (!years)
            return bg_err_publish(&(bg_err){BG_ENOMEM, "out of memory"});
        ix->listed_years = years;
        for (size_t i = 0; i < ix->n_shards; i++)
            if (ix->shards[i].is_new) {
                years[ix->n_listed++] = ix->shards[i].year;
                ix->shards[i].is_new = 0;
            }
        if (bg_stub_write(ix->path, ix->listed_years, ix->n_listed, &ix->err))
            return bg_err_publish(&ix->err);
    }
    ix->pending_docs = 0;
    return 0;
}
