/* reports.c — what an index holds, for programs that present it (the HTTP
 * server's /api/reports and /healthz, baogao-query --reports): the catalogue of indexed reports with
 * their metadata, and a revision number that changes on every commit.
 *
 * Both read the shards directly rather than through the handle's search
 * reader: per-shard metadata is invisible through a combined (stub) database,
 * and a fresh look at the stub picks up years added since the handle opened. */
#include "json_get.h"
#include "scheme.h"
#include "store.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

typedef int (*shard_fn)(void *ctx, bgx_reader *shard, bgi_err *err);

/* Calls fn once per shard the index's path stands for, each opened read-only
 * on its own. A remote shard that is unavailable is named in *missing when the
 * handle allows partial answers, else it fails the walk. */
static int for_each_shard(bg_index *ix, shard_fn fn, void *ctx, bg_names *missing)
{
    bgi_shard_list l;
    int rc = bgi_shards_resolve(&l, ix->path, &ix->err);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        bgx_reader *r = NULL;
        rc = bgx_reader_open_shards(&r, &l.v[i], 1, &ix->remote, &ix->err);
        if (rc == BG_EUNAVAILABLE && ix->remote.allow_partial)
            rc = bgi_names_push(missing, l.v[i].name) ? bgi_err_set(&ix->err, BG_ENOMEM, "out of memory") : 0;
        else if (rc == 0)
            rc = fn(ctx, r, &ix->err);
        bgx_reader_free(r);
    }
    bgi_shards_clear(&l);
    return rc;
}

/* ---- the catalogue ------------------------------------------------------ */

typedef struct report_list {
    cJSON **items;
    size_t n, cap;
} report_list;

static int push_report(report_list *l, cJSON *item)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        cJSON **p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return BG_ENOMEM;
        l->items = p;
        l->cap = cap;
    }
    l->items[l->n++] = item;
    return 0;
}

/* The public view of a stored file record: its report id (that of its
 * passages), not the path key; it leaves out the real path (where the file
 * lives on the indexing machine) and the hashes, which are internal. */
static cJSON *public_report(const bgi_file_rec *rec)
{
    cJSON *o = cJSON_CreateObject();
    if (o && cJSON_AddStringToObject(o, "id", rec->id) && cJSON_AddStringToObject(o, "report", rec->path)
        && cJSON_AddStringToObject(o, "title", rec->title)
        && cJSON_AddStringToObject(o, "body", rec->body)
        && cJSON_AddNumberToObject(o, "year", rec->year)
        && cJSON_AddNumberToObject(o, "passages", (double)rec->passages)
        && (rec->chars ? cJSON_AddNumberToObject(o, "chars", (double)rec->chars) : cJSON_AddNullToObject(o, "chars"))
        && (rec->date ? cJSON_AddStringToObject(o, "date", rec->date) : cJSON_AddNullToObject(o, "date"))
        && (rec->docno ? cJSON_AddStringToObject(o, "docno", rec->docno) : cJSON_AddNullToObject(o, "docno"))
        && cJSON_AddStringToObject(o, "kind", rec->kind ? rec->kind : "")
        && (rec->duplicate_of ? cJSON_AddStringToObject(o, "duplicate_of", rec->duplicate_of)
                              : cJSON_AddNullToObject(o, "duplicate_of")))
        return o;
    cJSON_Delete(o);
    return NULL;
}

static int on_file_record(void *ctx, const char *key, const char *val, size_t len)
{
    (void)len;
    bgi_file_rec rec = {0};
    const char *pkey = strncmp(key, BG_META_FILE, strlen(BG_META_FILE)) == 0 ? key + strlen(BG_META_FILE) : "";
    int rc = bgi_file_rec_parse(&rec, pkey, val);
    cJSON *item = rc == 0 ? public_report(&rec) : NULL;
    bgi_ix_file_rec_clear(&rec);
    if (rc == BG_EPARSE)
        return 0;  /* a damaged record is the indexer's business (it re-indexes); skip it */
    if (!item || push_report(ctx, item)) {
        cJSON_Delete(item);
        return BG_ENOMEM;
    }
    return 0;
}

/* A remote server may combine several shards, and then shows the metadata of
 * the first one only. So the catalogue of a remote shard is rebuilt from the
 * passages: the F<report id> terms list its reports, the first passage of each
 * (ordinal 0, which holds the report's fields) gives path, title, body and year, and the term's frequency the passages.
 * Reports without passages (empty files) are not seen this way. */
typedef struct remote_walk {
    bgx_reader *shard;
    report_list *list;
    bgi_err *err;
} remote_walk;

/* Copies field of rec into o as key, or null when rec lacks it; cJSON's
 * 1-or-0 convention. */
static int add_str_or_null(cJSON *o, const char *key, const cJSON *rec, const char *field)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, field);
    return cJSON_IsString(v) ? cJSON_AddStringToObject(o, key, v->valuestring) != NULL
                             : cJSON_AddNullToObject(o, key) != NULL;
}

static int on_file_term(void *ctx, const char *term, size_t len)
{
    remote_walk *w = ctx;
    (void)len;
    char *data = NULL;
    size_t n = 0;
    uint32_t passages = 0;
    /* The report's fields are its first passage's (docs/format.md). */
    char first[BG_PASSAGE_ID_MAX], qterm[BG_TERM_MAX];
    bgi_passage_id(first, term + strlen(BG_PREFIX_FILE), 0);
    bgi_term_passage(qterm, first);
    int rc = bgx_reader_term_doc_data(w->shard, qterm, &data, &n, w->err);
    if (rc == 0)
        rc = bgx_reader_termfreq(w->shard, term, &passages, w->err);
    if (rc)
        return rc == BG_ENOTFOUND ? 0 : rc;   /* removed meanwhile */
    cJSON *doc = bgi_passage_rec_parse(data, n);
    free(data);
    if (!doc)
        return 0;  /* damaged passage data: skipped, as a damaged record is (on_file_record) */
    cJSON *item = cJSON_CreateObject();
    const char *fid = term + strlen(BG_PREFIX_FILE);
    int ok = item && cJSON_AddStringToObject(item, "id", fid)
          && cJSON_AddStringToObject(item, "report", bgi_json_str(doc, BG_REC_REPORT))
          && cJSON_AddStringToObject(item, "title", bgi_json_str(doc, BG_REC_TITLE))
          && cJSON_AddStringToObject(item, "body", bgi_json_str(doc, BG_REC_BODY))
          && cJSON_AddNumberToObject(item, "year", bgi_json_num(doc, BG_REC_YEAR, 0))
          && cJSON_AddNumberToObject(item, "passages", passages)
          && (bgi_json_num(doc, BG_REC_REPORT_CHARS, 0) > 0
                  ? cJSON_AddNumberToObject(item, "chars", bgi_json_num(doc, BG_REC_REPORT_CHARS, 0)) != NULL
                  : cJSON_AddNullToObject(item, "chars") != NULL)
          && add_str_or_null(item, "date", doc, BG_REC_DATE) && add_str_or_null(item, "docno", doc, BG_REC_DOCNO)
          && cJSON_AddStringToObject(item, "kind", bgi_json_str(doc, BG_REC_DOCKIND))
          && cJSON_AddNullToObject(item, "duplicate_of");
    cJSON_Delete(doc);
    if (!ok || push_report(w->list, item)) {
        cJSON_Delete(item);
        return bgi_err_set(w->err, BG_ENOMEM, "out of memory");
    }
    return 0;
}

static int collect_shard_reports(void *ctx, bgx_reader *shard, bgi_err *err)
{
    if (bgx_reader_is_remote(shard)) {
        remote_walk w = {shard, ctx, err};
        return bgx_reader_foreach_term(shard, BG_PREFIX_FILE, on_file_term, &w, err);
    }
    int rc = bgx_reader_foreach_metadata(shard, BG_META_FILE, on_file_record, ctx, err);
    return rc == BG_ENOMEM ? bgi_err_set(err, BG_ENOMEM, "out of memory") : rc;
}

/* Newest year first, then by path: the order a reader browses in, and stable
 * whatever order the shards store their (hash-keyed) records in. */
static int cmp_reports(const void *a, const void *b)
{
    const cJSON *x = *(cJSON *const *)a, *y = *(cJSON *const *)b;
    double yx = bgi_json_num(x, "year", 0), yy = bgi_json_num(y, "year", 0);
    if (yx != yy)
        return yx < yy ? 1 : -1;
    return strcmp(bgi_json_str(x, "report"), bgi_json_str(y, "report"));
}

/* Moves the items into a {"reports": [...], "missing_shards": [...]}
 * document and prints it. */
static char *print_catalogue(report_list *l, const bg_names *missing)
{
    if (l->n)   /* qsort(NULL, 0) is undefined */
        qsort(l->items, l->n, sizeof *l->items, cmp_reports);
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "reports") : NULL;
    size_t i = 0;
    while (arr && i < l->n && cJSON_AddItemToArray(arr, l->items[i]))
        i++;
    int complete = arr && i == l->n;
    for (; i < l->n; i++)   /* the ones root did not take are still ours */
        cJSON_Delete(l->items[i]);
    l->n = 0;
    cJSON *names = complete ? cJSON_AddArrayToObject(root, "missing_shards") : NULL;
    for (i = 0; names && i < missing->n; i++)
        if (!cJSON_AddItemToArray(names, cJSON_CreateString(missing->v[i])))
            names = NULL;
    char *out = names ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return out;
}

char *bg_index_reports_json(bg_index *ix)
{
    bgi_err_clear(&ix->err);
    report_list l = {0};
    bg_names missing = {0};
    int rc = for_each_shard(ix, collect_shard_reports, &l, &missing);
    char *out = NULL;
    if (rc == 0 && !(out = print_catalogue(&l, &missing)))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgi_names_clear(&missing);
    for (size_t i = 0; i < l.n; i++)
        cJSON_Delete(l.items[i]);
    free(l.items);
    if (rc)
        bgi_err_publish(&ix->err);
    return out;
}

/* A reader's walk over the catalogue (bg_index_foreach_report): the same
 * shards and records as bg_index_reports_json, in the same order. */
int bgi_ix_foreach_listed_report(bg_index *ix, int (*cb)(void *ctx, const char *path), void *ctx)
{
    report_list l = {0};
    bg_names missing = {0};
    int rc = for_each_shard(ix, collect_shard_reports, &l, &missing);
    if (rc == 0 && l.n)   /* qsort(NULL, 0) is undefined */
        qsort(l.items, l.n, sizeof *l.items, cmp_reports);
    for (size_t i = 0; i < l.n; i++) {
        if (rc == 0)
            rc = cb(ctx, bgi_json_str(l.items[i], "report"));
        cJSON_Delete(l.items[i]);
    }
    free(l.items);
    bgi_names_clear(&missing);
    return rc;
}

int bgi_ix_foreach_report_size(bg_index *ix, bgi_report_size_fn cb, void *ctx)
{
    report_list l = {0};
    bg_names missing = {0};
    int rc = for_each_shard(ix, collect_shard_reports, &l, &missing);
    for (size_t i = 0; i < l.n; i++) {
        if (rc == 0)
            rc = cb(ctx, (int)bgi_json_num(l.items[i], "year", 0), bgi_json_str(l.items[i], "body"),
                    bgi_json_str(l.items[i], "kind"), (size_t)bgi_json_num(l.items[i], "chars", 0));
        cJSON_Delete(l.items[i]);
    }
    free(l.items);
    bgi_names_clear(&missing);
    return rc;
}

/* ---- revision and status -------------------------------------------------- */

typedef struct shard_tally {
    uint64_t revision;   /* sum over the shards that answered */
    size_t answered;
    bg_names damaged;    /* shards that are damaged or do not answer */
    bgi_err first_damage;
} shard_tally;

static int stop_at_first(void *ctx, const char *term, size_t len)
{
    char **first = ctx;
    *first = bgi_strndup(term, len);
    return 1;
}

/* A trivial question every sound shard answers: its document count, and
 * the record of the first passage of its first report (the postlist and
 * docdata tables). 0 when answered. */
static int ask_trivial(bgx_reader *r, bgi_err *err)
{
    char *term = NULL, *data = NULL;
    size_t len = 0;
    (void)bgx_reader_doccount(r);
    int rc = bgx_reader_foreach_term(r, BG_PREFIX_FILE, stop_at_first, &term, err);
    if (rc == 1)
        rc = term ? bgx_reader_term_doc_data(r, term, &data, &len, err) : BG_ENOMEM;
    free(term);
    free(data);
    return rc;
}

/* Adds one shard to the tally: a local shard's structure is checked before
 * Xapian reads it (docs/reliability.md, "Damaged shards"), then every shard
 * is asked a trivial question. A shard that fails either is named in
 * t->damaged; a remote one that is down stays a missing shard (or fails the
 * walk without partial answers). */
static int tally_shard(shard_tally *t, bg_names *missing, bg_index *ix, const bgx_shard *s)
{
    bgi_err why = {0};
    unsigned damaged = 0;
    bgx_reader *r = NULL;
    int rc = s->path ? bgi_ix_check_shard_memo(ix, s->path, &damaged, &why) : 0;
    if (rc == 0)
        rc = bgx_reader_open_shards(&r, s, 1, &ix->remote, &why);
    if (rc == 0)
        rc = ask_trivial(r, &why);
    if (rc == 0) {
        t->revision += bgx_reader_revision(r);
        t->answered++;
    } else if (rc == BG_EUNAVAILABLE && !s->path) {
        rc = ix->remote.allow_partial ? bgi_names_push(missing, s->name) : bgi_err_set(&ix->err, rc, "%s", why.msg);
    } else if (rc != BG_ENOMEM) {
        if (!t->damaged.n)
            t->first_damage = why;
        rc = bgi_names_push(&t->damaged, s->name);
    }
    bgx_reader_free(r);
    return rc == BG_ENOMEM ? bgi_err_set(&ix->err, BG_ENOMEM, "out of memory") : rc;
}

/* Tallies every shard; when none answers, fails naming the first damaged
 * one (BG_EUNAVAILABLE: the index cannot serve anything). */
static int tally_shards(shard_tally *t, bg_names *missing, bg_index *ix)
{
    memset(t, 0, sizeof *t);
    bgi_err_clear(&ix->err);
    bgi_shard_list l;
    int rc = bgi_shards_resolve(&l, ix->path, &ix->err);
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        rc = tally_shard(t, missing, ix, &l.v[i]);
    bgi_shards_clear(&l);
    if (rc == 0 && !t->answered && t->damaged.n)
        rc = bgi_err_set(&ix->err, BG_EUNAVAILABLE, "no shard can be read: %s", t->first_damage.msg);
    if (rc)
        bgi_names_clear(&t->damaged);
    return rc ? bgi_err_publish(&ix->err) : 0;
}

int bg_index_revision(uint64_t *out, bg_index *ix)
{
    shard_tally t;
    bg_names missing = {0};
    int rc = tally_shards(&t, &missing, ix);
    bgi_names_clear(&missing);
    bgi_names_clear(&t.damaged);
    *out = rc ? 0 : t.revision;
    return rc;
}

/* Adds names as an array of strings under key; cJSON's 1-or-0. */
static int add_names(cJSON *root, const char *key, const bg_names *names)
{
    cJSON *arr = cJSON_AddArrayToObject(root, key);
    for (size_t i = 0; arr && i < names->n; i++)
        if (!cJSON_AddItemToArray(arr, cJSON_CreateString(names->v[i])))
            arr = NULL;
    return arr != NULL;
}

char *bg_index_status_json(bg_index *ix)
{
    shard_tally t;
    bg_names missing = {0};
    if (tally_shards(&t, &missing, ix) != 0)
        return NULL;
    cJSON *root = cJSON_CreateObject();
    int ok = root && cJSON_AddStringToObject(root, "status", missing.n || t.damaged.n ? "degraded" : "ok")
          && cJSON_AddNumberToObject(root, "revision", (double)t.revision)
          && cJSON_AddNumberToObject(root, "shards", (double)(t.answered + missing.n + t.damaged.n))
          && add_names(root, "missing_shards", &missing) && add_names(root, "damaged_shards", &t.damaged);
    char *out = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    bgi_names_clear(&missing);
    bgi_names_clear(&t.damaged);
    if (!out)
        bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    return out;
}
