/* add.c — adding report files to an index, one at a time or several in
 * parallel.
 *
 * Each file goes through two stages:
 *   prepare  read, hash (unchanged files stop here), decode, detect metadata;
 *   write    segment into passages, analyse, add to the year's shard, record.
 * With jobs > 1 the calling thread prepares files and hands each to the
 * worker thread that owns its year's shard; workers never share a shard, so
 * Xapian writes run in parallel without locks. Almost all the cost is in the
 * write stage (analysis and Xapian). */
#include "store.h"
#include "docframe.h"
#include "document.h"
#include "meta.h"
#include "passage.h"
#include "structure.h"
#include "util.h"
#include "utf8.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BG_MAX_JOBS 16
#define QUEUE_SLOTS 4
/* The largest file indexed. Real reports are well under 1 MB; a file is held
 * about three times over while it is decoded (bytes, UTF-8 text, and the
 * decoder's buffer), and up to QUEUE_SLOTS decoded files wait per thread.
 * A PDF is mostly images and fonts: its text is a small part of it, and
 * poppler reads it page by page, so a printed report of 200 MB is taken. */
#define BG_MAX_FILE_BYTES ((uint64_t)64 << 20)
#define BG_MAX_PDF_BYTES ((uint64_t)256 << 20)

/* Whether the file at path starts like a PDF (its first kilobyte holds
 * %PDF-, as readers accept). */
static int starts_like_pdf(const char *path)
{
    char head[1024];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    return memmem(head, n, "%PDF-", 5) != NULL;
}

/* ---- prepare ------------------------------------------------------------ */

/* A file ready to be written. */
typedef struct prepared {
    char *path;                 /* as stored and shown: the real path, absolute, so that a
                                   REPORT:LINE printed opens from any directory */
    char *given;                /* as given, for the caller's callback */
    bgi_file_rec fresh;          /* key, id, real, hash, fp; year/title/body once resolved */
    bgi_meta meta;
    bgi_document doc;            /* the file as paragraphs, one per line */
    bgi_docframe frame;          /* its official-document frame (GB/T 9704), if any */
    int has_old;
    int old_year;
    int status;                 /* BG_ADD_* */
} prepared;

static void prepared_clear(prepared *p)
{
    free(p->path);
    free(p->given);
    bgi_ix_file_rec_clear(&p->fresh);
    bgi_meta_clear(&p->meta);
    bgi_document_clear(&p->doc);
    bgi_docframe_clear(&p->frame);
    memset(p, 0, sizeof *p);
}

/* A directory's MANIFEST.tsv, loaded once per handle; the list hangs on the
 * handle as ingestion's attachment. */
typedef struct manifest_cache {
    char *dir;
    bgi_manifest *mf;    /* NULL when the directory has none */
} manifest_cache;

typedef struct manifest_list {
    manifest_cache *v;
    size_t n;
} manifest_list;

static void manifest_list_free(void *data)
{
    manifest_list *l = data;
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].dir);
        bgi_manifest_free(l->v[i].mf);
    }
    free(l->v);
    free(l);
}

static const bgi_manifest *manifest_for_dir(bg_index *ix, const char *dir)
{
    if (!ix->ingest.data) {
        ix->ingest = (bgi_ix_attachment){calloc(1, sizeof(manifest_list)), manifest_list_free};
        if (!ix->ingest.data)
            return NULL;
    }
    manifest_list *l = ix->ingest.data;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].dir, dir) == 0)
            return l->v[i].mf;
    manifest_cache *p = realloc(l->v, (l->n + 1) * sizeof *p);
    if (!p)
        return NULL;
    l->v = p;
    manifest_cache *c = &p[l->n];
    c->dir = bgi_strdup(dir);
    c->mf = NULL;
    if (!c->dir)
        return NULL;
    l->n++;
    char *mpath = bgi_path_join(dir, "MANIFEST.tsv");
    if (bgi_ix_file_exists(mpath)) {
        bgi_err ignored = {0};
        /* A broken manifest must not stop indexing: detection still works. */
        if (bgi_manifest_load(&c->mf, mpath, &ignored) != 0)
            fprintf(stderr, "baogao: warning: %s\n", ignored.msg);
    }
    free(mpath);
    return c->mf;
}

static int replace_str(char **dst, const char *src)
{
    if (!src || !src[0])
        return 0;
    char *s = bgi_strdup(src);
    if (!s)
        return BG_ENOMEM;
    free(*dst);
    *dst = s;
    return 0;
}

/* Detected metadata, then the directory's MANIFEST.tsv, then the caller's. */
static int resolve_meta(bg_index *ix, prepared *p, const bg_report_info *info, bgi_err *err)
{
    const char *real = p->fresh.real;
    const char *slash = strrchr(real, '/');
    const char *base = slash ? slash + 1 : real;
    /* What the source states outside its text (a portal's 标题, 发文机关,
     * 成文日期, 发文字号) beats what is read from the text. */
    if (bgi_meta_detect_doc(&p->meta, p->doc.text, p->doc.len, base, &p->doc.meta, &p->frame, err))
        return err->code ? err->code : BG_ENOMEM;
    char *dir = strndup(real, slash && slash != real ? (size_t)(slash - real) : 1);
    if (!dir)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    pthread_mutex_lock(&ix->mu);
    const bgi_manifest *mf = manifest_for_dir(ix, dir);
    int rc = mf ? bgi_manifest_apply(mf, base, &p->meta) : 0;
    pthread_mutex_unlock(&ix->mu);
    free(dir);
    if (rc >= 0 && info)
        rc = replace_str(&p->meta.title, info->title) ? BG_ENOMEM : replace_str(&p->meta.body, info->body);
    if (rc >= 0 && info && info->title && info->title[0])
        rc = replace_str(&p->meta.kind, bgi_doc_kind(info->title));
    if (rc >= 0 && info && info->year > 0)
        p->meta.year = info->year;
    if (rc < 0 || !p->meta.title || !p->meta.body || !p->meta.kind)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    return 0;
}

/* The report ids given to files prepared in this run but not yet in the
 * catalogue (bg_index_add_files prepares ahead of its writers), so that a
 * second file of the same content is told apart before the first is
 * written. */
typedef struct id_claims {
    struct { char key[17], id[17]; } *v;
    size_t n, cap;
} id_claims;

/* Whether report id id belongs to a file other than the one of path key
 * key: in the catalogue or claimed in this run. Caller holds ix->mu. */
static int id_taken(bg_index *ix, const char *id, const char *key, const id_claims *claims)
{
    for (size_t i = 0; i < ix->n_files; i++)
        if (strcmp(ix->files[i].id, id) == 0 && strcmp(ix->files[i].key, key) != 0)
            return 1;
    for (size_t i = 0; claims && i < claims->n; i++)
        if (strcmp(claims->v[i].id, id) == 0 && strcmp(claims->v[i].key, key) != 0)
            return 1;
    return 0;
}

/* A report's id is its content hash, so that the same text has the same ids
 * in every index. A second file of the same content (a copy at another path)
 * must still have passage ids of its own: its id hashes on with its real
 * path (docs/format.md, "Identity"). The attempts are bounded; the last is
 * taken whatever (16 collisions of 64-bit hashes do not happen). */
#define BG_ID_ATTEMPTS 16
static int assign_report_id(bg_index *ix, prepared *p, id_claims *claims)
{
    pthread_mutex_lock(&ix->mu);
    unsigned k = 0;
    do
        bgi_report_id(p->fresh.id, p->fresh.hash, p->fresh.real, k);
    while (id_taken(ix, p->fresh.id, p->fresh.key, claims) && ++k < BG_ID_ATTEMPTS);
    int rc = 0;
    if (claims && (rc = bgi_grow(&claims->v, &claims->cap, claims->n, sizeof *claims->v, 64)) == 0) {
        memcpy(claims->v[claims->n].key, p->fresh.key, 17);
        memcpy(claims->v[claims->n++].id, p->fresh.id, 17);
    }
    pthread_mutex_unlock(&ix->mu);
    return rc;
}

static int same_as_indexed(const bgi_file_rec *old, const prepared *p, const bg_report_info *info)
{
    return old->hash == p->fresh.hash && old->fp == p->fresh.fp && strcmp(old->path, p->path) == 0
        && (!info || (!info->title && !info->body && !info->year));
}

/* Fills p for path. Returns 0 (p->status says NEW/UPDATED/UNCHANGED) or a
 * negative code with err naming the file. claims (NULL when files are
 * prepared and written one at a time) gets the report id of a file to
 * write. */
static int prepare(prepared *p, bg_index *ix, const char *path, const bg_report_info *info, id_claims *claims,
                   bgi_err *err)
{
    memset(p, 0, sizeof *p);
    char real[PATH_MAX];
    if (!realpath(path, real))
        return bgi_err_set(err, BG_EIO, "%s: cannot open: %s", path, strerror(errno));
    /* Checked before reading, so that no file costs more memory than a
     * report ever needs, and a FIFO or device cannot block or feed forever. */
    struct stat st;
    if (stat(real, &st) != 0)
        return bgi_err_set(err, BG_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return bgi_err_set(err, BG_EIO, "%s: not a regular file", path);
    uint64_t limit = (uint64_t)st.st_size > BG_MAX_FILE_BYTES && starts_like_pdf(real) ? BG_MAX_PDF_BYTES
                                                                                      : BG_MAX_FILE_BYTES;
    if ((uint64_t)st.st_size > limit)
        return bgi_err_set(err, BG_EIO, "%s: too large to index (%lld bytes; the limit is %d MB%s)", path,
                          (long long)st.st_size, (int)(limit >> 20), limit == BG_MAX_PDF_BYTES ? " for a PDF" : "");
    /* Results show the path in JSON, which must be UTF-8. */
    if (!bgi_utf8_valid(path, strlen(path)) || !bgi_utf8_valid(real, strlen(real)))
        return bgi_err_set(err, BG_EDECODE, "%s: file name is not valid UTF-8 (rename the file)", path);
    char *bytes = NULL;
    size_t n = 0;
    int rc = bgi_read_file(&bytes, &n, path, err);
    if (rc)
        return rc;
    p->path = bgi_strdup(real);
    p->given = bgi_strdup(path);
    p->fresh.real = bgi_strdup(real);
    bgi_path_key(p->fresh.key, real);
    p->fresh.hash = bgi_content_hash(bytes, n);
    p->fresh.fp = bgi_ix_fingerprint(ix);
    bgi_file_rec old;
    int found = p->path && p->given && p->fresh.real ? bgi_ix_lookup_file(&old, ix, p->fresh.key) : BG_ENOMEM;
    if (found < 0) {
        free(bytes);
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    }
    if (found) {
        p->has_old = 1;
        p->old_year = old.year;
        int unchanged = same_as_indexed(&old, p, info);
        p->fresh.passages = old.passages;
        bgi_ix_file_rec_clear(&old);
        if (unchanged) {
            free(bytes);
            p->status = BG_ADD_UNCHANGED;
            return 0;
        }
    }
    p->status = found ? BG_ADD_UPDATED : BG_ADD_NEW;
    if (assign_report_id(ix, p, claims)) {
        free(bytes);
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    }
    rc = bgi_read_document(&p->doc, bgi_format_detect(bytes, n, path), bytes, n, err);
    free(bytes);
    if (rc == 0)
        rc = bgi_docframe_find(&p->frame, p->doc.text, p->doc.len, err);
    if (rc)
        return bgi_err_set(err, rc, "%s: %s", path, err->msg);
    if (p->doc.n_replaced)
        fprintf(stderr, "baogao: warning: %s:%zu: invalid %s replaced (%zu sequence%s)\n", path,
                p->doc.first_bad_line, p->doc.encoding, p->doc.n_replaced, p->doc.n_replaced == 1 ? "" : "s");
    return resolve_meta(ix, p, info, err);
}

/* ---- write -------------------------------------------------------------- */

/* Commit also once this much passage text is pending: Xapian holds a
 * transaction's postings in memory, and a long passage has far more of them
 * than the few hundred bytes of a typical one (4,000 typical passages are
 * about 1 MB of text, so this changes nothing for ordinary reports). */
#define BG_AUTOCOMMIT_BYTES ((size_t)4 << 20)

/* What one writing thread owns. */
typedef struct writer_ctx {
    bg_index *ix;
    bgi_analyzer *an;
    bgi_err *err;
    int owner;
    size_t pending;       /* documents since this owner's last commit */
    size_t pending_bytes; /* their text */
} writer_ctx;

typedef struct unit_sink {
    writer_ctx *w;
    bgx_writer *shard;
    bgi_passage_ctx pctx;
    const char *path;
    prepared *p;
    size_t part_docs, part_bytes;   /* of this report since its start or last part */
    size_t n_dups;                  /* passages that repeat an earlier text */
    struct { char id[17]; size_t n; } copied[8];   /* the files they repeat, most seen */
} unit_sink;

/* A report too big for one batch (a 20 MB file, or one of 10,000
 * paragraphs) is committed in parts, so that memory stays bounded whatever
 * the report's size. Each part goes with a record of the passages so far
 * whose hash is 0, which no file has: a run killed before the last part
 * leaves a report the next run sees as changed, so it deletes the part (by
 * its file term) and indexes the report again — never half of it for good.
 * Until the last part, readers may see part of such a report. */
static int commit_part(unit_sink *s)
{
    writer_ctx *w = s->w;
    const prepared *p = s->p;
    bgi_file_rec part = {.fp = p->fresh.fp, .year = p->meta.year, .passages = s->pctx.ordinal};
    memcpy(part.key, p->fresh.key, sizeof part.key);
    memcpy(part.id, p->fresh.id, sizeof part.id);
    part.path = bgi_strdup(p->path);
    part.real = bgi_strdup(p->fresh.real);
    part.title = bgi_strdup(p->meta.title);
    part.body = bgi_strdup(p->meta.body);
    int rc = part.path && part.real && part.title && part.body
                 ? bgi_ix_store_file(w->ix, s->shard, &part, w->err)
                 : bgi_err_set(w->err, BG_ENOMEM, "out of memory");
    bgi_ix_file_rec_clear(&part);   /* whatever store_file did not take */
    if (rc == 0)
        rc = bgi_ix_commit_shards(w->ix, w->owner, w->err);
    w->pending = w->pending_bytes = 0;
    s->part_docs = s->part_bytes = 0;
    return rc;
}

/* Counts which report (by id) an earlier copy of a text (term hash) belongs
 * to. */
static int note_copied_file(unit_sink *s, const char *hash, bgi_err *err)
{
    char *fterm = NULL;
    int rc = bgx_writer_first_term_of(s->shard, hash, BG_PREFIX_FILE, &fterm, err);
    const char *id = fterm ? fterm + strlen(BG_PREFIX_FILE) : "";
    size_t n = sizeof s->copied / sizeof *s->copied, k = n;
    for (size_t i = 0; rc == 0 && id[0] && i < n && k == n; i++)
        if (strcmp(s->copied[i].id, id) == 0 || !s->copied[i].id[0])
            k = i;
    if (k < n) {
        snprintf(s->copied[k].id, sizeof s->copied[k].id, "%s", id);
        s->copied[k].n++;
    }
    free(fterm);
    return rc;
}

/* A passage whose text (after normalisation, punctuation and spaces left
 * out) the shard already holds is a copy: marked, so that searches show the
 * text once (docs/format.md, "Copies"). */
static int mark_if_copy(unit_sink *s, bgx_doc *doc, const char *hash, bgi_err *err)
{
    uint32_t freq = 0;
    int rc = hash[0] ? bgx_writer_termfreq(s->shard, hash, strlen(hash), &freq, err) : 0;
    if (rc || freq == 0)
        return rc;
    s->n_dups++;
    rc = bgx_doc_add_term(doc, BG_TERM_DUPLICATE, strlen(BG_TERM_DUPLICATE), 0, err);
    return rc ? rc : note_copied_file(s, hash, err);
}

static int on_unit(void *ctx, const bgi_unit *u)
{
    unit_sink *s = ctx;
    bgi_err *err = s->w->err;
    bgx_doc *doc = NULL;
    char hash[BG_TERM_MAX];
    int rc = bgi_passage_build(&doc, hash, &s->pctx, u, err);
    if (rc == 0)
        rc = mark_if_copy(s, doc, hash, err);
    if (rc == 0)
        rc = bgx_writer_add(s->shard, doc, err);
    bgx_doc_free(doc);
    if (rc)
        return bgi_err_set(err, rc, "%s:%zu: %s", s->path, u->line, err->msg);
    s->pctx.ordinal++;
    s->w->pending++;
    s->w->pending_bytes += u->len;
    s->part_docs++;
    s->part_bytes += u->len;
    if (s->part_docs >= BG_AUTOCOMMIT_DOCS || s->part_bytes >= BG_AUTOCOMMIT_BYTES)
        return commit_part(s);
    return 0;
}

/* The official frame's part of one line: its title (over several lines)
 * becomes one paragraph at its first line, an attachment's title heads
 * everything in the attachment, and the rest of the frame (document number,
 * addressees, signature, date, 抄送/印发, page numbers) is no passage. 1 when
 * the line is frame, 0 when it is content, or a negative code. */
static int feed_frame_line(bgi_outline *ol, const bgi_docframe *fr, size_t lineno, unit_sink *sink, bgi_err *err)
{
    bgi_frame_role role = bgi_docframe_role(fr, lineno);
    if (role == 0)
        return 0;
    int rc = 0;
    if (role == BG_FRAME_TITLE && lineno == fr->title_first && fr->title)
        rc = bgi_outline_feed(ol, fr->title, strlen(fr->title), lineno, on_unit, sink, err);
    for (size_t i = 0; rc == 0 && i < fr->n_attachments; i++)
        if (fr->attachments[i].start == lineno) {
            const char *t = fr->attachments[i].title ? fr->attachments[i].title : "";
            rc = bgi_outline_set_root(ol, t, strlen(t), lineno, on_unit, sink, err);
        }
    return rc ? rc : 1;
}

/* Feeds the document's lines to the outline, with the heading level its
 * source marks on each paragraph, leaving out its official frame. */
static int feed_lines(bgi_outline *ol, const prepared *pr, unit_sink *sink, bgi_err *err)
{
    const bgi_document *doc = &pr->doc;
    const char *p = doc->text, *end = doc->text + doc->len;
    for (size_t lineno = 1; p < end; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        if (line_end > p && line_end[-1] == '\r')
            line_end--;
        int level = doc->paras && lineno <= doc->n_paras ? doc->paras[lineno - 1].level : 0;
        int rc = feed_frame_line(ol, &pr->frame, lineno, sink, err);
        if (rc == 0)
            rc = bgi_outline_feed_marked(ol, p, (size_t)(line_end - p), lineno, level, on_unit, sink, err);
        if ((rc != 0 && rc != 1) || !nl)
            return rc == 1 ? 0 : rc;
        p = nl + 1;
    }
    return 0;
}

/* A report most of whose passages (BG_DUPLICATE_REPORT_SHARE) repeat one
 * other report is a copy of it as a whole: its record names that report. */
#define BG_DUPLICATE_REPORT_SHARE 0.9
static int note_duplicate_report(bg_index *ix, prepared *p, const unit_sink *s)
{
    size_t passages = s->pctx.ordinal, best = 0;
    for (size_t i = 1; i < sizeof s->copied / sizeof *s->copied; i++)
        if (s->copied[i].n > s->copied[best].n)
            best = i;
    const char *id = s->copied[best].id;
    if (!passages || !id[0] || strcmp(id, p->fresh.id) == 0
        || (double)s->copied[best].n < BG_DUPLICATE_REPORT_SHARE * (double)passages)
        return 0;
    bgi_file_rec other;
    int found = bgi_ix_lookup_report(&other, ix, id);
    if (found < 0)
        return bgi_err_set(s->w->err, BG_ENOMEM, "out of memory");
    if (found) {
        free(p->fresh.duplicate_of);
        p->fresh.duplicate_of = other.path;
        other.path = NULL;
        bgi_ix_file_rec_clear(&other);
    }
    return 0;
}

/* The report's section headings go with its first passage, once the report
 * is through (its passages' paths index them; docs/format.md). Until then, a
 * reader of a report committed in parts finds paths it cannot resolve yet:
 * they show as "". */
static int store_headings(unit_sink *s, const bgi_headings *h)
{
    const char *first = s->pctx.first_data;
    char *data = first ? bgi_passage_rec_add_headings(first, strlen(first), (const char *const *)h->v, h->n) : NULL;
    char id[BG_PASSAGE_ID_MAX], term[BG_TERM_MAX];
    bgi_passage_id(id, s->p->fresh.id, 0);
    bgi_term_passage(term, id);
    int rc = data ? bgx_writer_replace_data(s->shard, term, data, strlen(data), s->w->err)
                  : bgi_err_set(s->w->err, BG_ENOMEM, "out of memory");
    free(data);
    return rc;
}

/* Replaces the file's passages. Returns 0 or a negative code; on failure the
 * owner's open transactions may hold part of the file. */
static int write_prepared(writer_ctx *w, prepared *p)
{
    bg_index *ix = w->ix;
    /* The passages to replace are those of the file's record now, which
     * names their id (its former content's, not the new one) and year. */
    bgi_file_rec old;
    int rc = bgi_ix_lookup_file(&old, ix, p->fresh.key);
    if (rc > 0)
        rc = bgi_ix_delete_file(ix, old.key, old.id, old.year, w->owner, w->err);
    else if (rc < 0)
        rc = bgi_err_set(w->err, BG_ENOMEM, "out of memory");
    bgi_ix_file_rec_clear(&old);
    bgx_writer *shard = NULL;
    if (rc == 0)
        rc = bgi_ix_shard_writer(&shard, ix, p->meta.year, w->owner, w->err);
    bgi_outline *ol = rc == 0 ? bgi_outline_new() : NULL;
    if (rc == 0 && !ol)
        rc = bgi_err_set(w->err, BG_ENOMEM, "out of memory");
    unit_sink sink = {.w = w, .shard = shard, .path = p->given, .p = p,
                      .pctx = {.an = w->an, .meta = &p->meta, .report = p->path, .report_id = p->fresh.id,
                               .path_key = p->fresh.key,
                               .format = bgi_format_name(p->doc.format), .paras = p->doc.paras,
                               .n_paras = p->doc.n_paras,
                               .report_chars = bgi_utf8_count(p->doc.text, p->doc.len)}};
    bgi_headings headings = {0};
    sink.pctx.headings = &headings;
    if (rc == 0) {
        rc = feed_lines(ol, p, &sink, w->err);
        if (rc > 0)
            rc = w->err->code ? w->err->code : BG_EXAPIAN;
    }
    bgi_outline_free(ol);
    if (rc == 0 && headings.n)
        rc = store_headings(&sink, &headings);
    bgi_headings_clear(&headings);
    free(sink.pctx.first_data);
    if (rc == 0)
        rc = note_duplicate_report(ix, p, &sink);
    if (rc)
        return rc;
    p->fresh.year = p->meta.year;
    p->fresh.passages = sink.pctx.ordinal;
    p->fresh.chars = sink.pctx.report_chars;
    p->fresh.path = p->path;
    p->path = NULL;
    p->fresh.title = p->meta.title;
    p->fresh.body = p->meta.body;
    p->meta.title = p->meta.body = NULL;
    p->fresh.date = bgi_strdup(p->meta.date);
    p->fresh.docno = bgi_strdup(p->meta.docno);
    p->fresh.kind = p->meta.kind && p->meta.kind[0] ? bgi_strdup(p->meta.kind) : NULL;
    size_t passages = p->fresh.passages;
    char *shown = bgi_strdup(p->fresh.path);
    rc = bgi_ix_store_file(ix, shard, &p->fresh, w->err);
    /* store_file took the record; keep what the caller reports. */
    p->fresh.passages = passages;
    p->path = shown;
    if (rc == 0 && (w->pending >= BG_AUTOCOMMIT_DOCS || w->pending_bytes >= BG_AUTOCOMMIT_BYTES)) {
        rc = bgi_ix_commit_shards(ix, w->owner, w->err);
        w->pending = w->pending_bytes = 0;
    }
    return rc;
}

const char *bg_file_format(const char *path)
{
    bgi_format f = path ? bgi_format_from_name(path) : BG_FORMAT_UNKNOWN;
    return f == BG_FORMAT_UNKNOWN ? NULL : bgi_format_name(f);
}

/* ---- one file at a time ------------------------------------------------- */

int bg_index_add_file(int *status, size_t *n_passages, bg_index *ix, const char *path,
                      const bg_report_info *info)
{
    bgi_err_clear(&ix->err);
    if (status)
        *status = 0;
    if (n_passages)
        *n_passages = 0;
    if (!(ix->flags & BG_OPEN_WRITE))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "index is open for reading only"});
    if (info && info->version != BG_REPORT_INFO_VERSION)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "bg_report_info version is not 1 (initialise it with "
                                                   "BG_REPORT_INFO_INIT)"});
    prepared p;
    int rc = prepare(&p, ix, path, info, NULL, &ix->err);
    int wrote = 0;
    if (rc == 0 && p.status != BG_ADD_UNCHANGED) {
        writer_ctx w = {.ix = ix, .an = ix->an, .err = &ix->err, .owner = 0, .pending = ix->pending_docs};
        wrote = 1;
        rc = write_prepared(&w, &p);
        ix->pending_docs = w.pending;
    }
    if (rc == 0) {
        if (status)
            *status = p.status;
        if (n_passages)
            *n_passages = p.fresh.passages;
    }
    prepared_clear(&p);
    if (rc && wrote) {
        /* Half a report may sit in the open transactions: drop every
         * uncommitted change rather than ever commit it. */
        bgi_ix_discard_uncommitted(ix);
        bgi_err_set(&ix->err, ix->err.code, "%s (uncommitted changes discarded)", ix->err.msg);
    }
    return rc ? bgi_err_publish(&ix->err) : 0;
}

/* ---- several files in parallel ------------------------------------------ */

typedef struct worker worker;

typedef struct pool {
    bg_index *ix;
    bg_add_cb cb;
    void *cb_ctx;
    pthread_mutex_t mu;        /* queues, fatal, callback */
    pthread_cond_t changed;
    int fatal;                 /* a write failed: stop everything */
    bgi_err fatal_err;
    worker *workers;
    unsigned n_workers;
} pool;

struct worker {
    pool *pl;
    writer_ctx w;
    bgi_err err;
    pthread_t thread;
    prepared *queue[QUEUE_SLOTS];
    size_t head, count;
    int done;                  /* no more files will come */
    size_t load;               /* bytes routed here, to balance years */
};

static void report(pool *pl, const char *path, int rc, int status, size_t passages, const char *msg)
{
    if (pl->cb)
        pl->cb(pl->cb_ctx, path, rc, status, passages, msg);
}

static void *worker_main(void *arg)
{
    worker *wk = arg;
    pool *pl = wk->pl;
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (wk->count == 0 && !wk->done && !pl->fatal)
            pthread_cond_wait(&pl->changed, &pl->mu);
        if (wk->count == 0 || pl->fatal) {
            pthread_mutex_unlock(&pl->mu);
            return NULL;
        }
        prepared *p = wk->queue[wk->head];
        wk->head = (wk->head + 1) % QUEUE_SLOTS;
        wk->count--;
        pthread_cond_broadcast(&pl->changed);
        pthread_mutex_unlock(&pl->mu);

        bgi_err_clear(&wk->err);
        int rc = write_prepared(&wk->w, p);
        pthread_mutex_lock(&pl->mu);
        if (rc && !pl->fatal) {
            pl->fatal = 1;
            pl->fatal_err = wk->err;
            pthread_cond_broadcast(&pl->changed);
        }
        if (rc == 0)
            report(pl, p->given, 0, p->status, p->fresh.passages, NULL);
        pthread_mutex_unlock(&pl->mu);
        prepared_clear(p);
        free(p);
        if (rc)
            return NULL;
    }
}

/* Each year's shard belongs to one worker: the least loaded when the year is
 * first seen. */
typedef struct year_route {
    int year;
    unsigned worker;
} year_route;

static worker *route(pool *pl, year_route **routes, size_t *n_routes, int year, size_t bytes)
{
    for (size_t i = 0; i < *n_routes; i++)
        if ((*routes)[i].year == year) {
            worker *w = &pl->workers[(*routes)[i].worker];
            w->load += bytes;
            return w;
        }
    unsigned best = 0;
    for (unsigned i = 1; i < pl->n_workers; i++)
        if (pl->workers[i].load < pl->workers[best].load)
            best = i;
    year_route *r = realloc(*routes, (*n_routes + 1) * sizeof *r);
    if (!r)
        return NULL;
    *routes = r;
    r[(*n_routes)++] = (year_route){.year = year, .worker = best};
    pl->workers[best].load += bytes;
    return &pl->workers[best];
}

/* Hands p to w, waiting while its queue is full. 0, or -1 when a worker failed. */
static int enqueue(pool *pl, worker *w, prepared *p)
{
    pthread_mutex_lock(&pl->mu);
    while (w->count == QUEUE_SLOTS && !pl->fatal)
        pthread_cond_wait(&pl->changed, &pl->mu);
    int ok = !pl->fatal;
    if (ok) {
        w->queue[(w->head + w->count) % QUEUE_SLOTS] = p;
        w->count++;
        pthread_cond_broadcast(&pl->changed);
    }
    pthread_mutex_unlock(&pl->mu);
    return ok ? 0 : -1;
}

static int start_workers(pool *pl, unsigned jobs, bgi_err *err)
{
    bg_index *ix = pl->ix;
    pl->workers = calloc(jobs, sizeof *pl->workers);
    if (!pl->workers)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    size_t lex_len = 0;
    const char *lex = bgi_analyzer_lexicon_text(ix->an, &lex_len);
    for (unsigned i = 0; i < jobs; i++) {
        worker *wk = &pl->workers[i];
        wk->pl = pl;
        wk->w = (writer_ctx){.ix = ix, .an = ix->an, .err = &wk->err, .owner = (int)i};
        /* Analysers are not thread safe: each extra worker gets its own, built
         * from the same lexicon (so the same fingerprint). */
        if (i > 0) {
            bgi_analyzer_options o = {.lexicon_text = lex_len ? lex : NULL, .lexicon_text_len = lex_len};
            if (bgi_analyzer_new(&wk->w.an, &o, err))
                return err->code;
        }
        if (pthread_create(&wk->thread, NULL, worker_main, wk) != 0)
            return bgi_err_set(err, BG_ENOMEM, "cannot start an indexing thread");
        pl->n_workers++;
    }
    return 0;
}

static void stop_workers(pool *pl)
{
    pthread_mutex_lock(&pl->mu);
    for (unsigned i = 0; i < pl->n_workers; i++)
        pl->workers[i].done = 1;
    pthread_cond_broadcast(&pl->changed);
    pthread_mutex_unlock(&pl->mu);
    for (unsigned i = 0; i < pl->n_workers; i++)
        pthread_join(pl->workers[i].thread, NULL);
    for (unsigned i = 0; pl->workers && i < (pl->n_workers ? pl->n_workers : 1); i++) {
        worker *wk = &pl->workers[i];
        while (wk->count) {   /* left behind after a failure */
            prepared_clear(wk->queue[wk->head]);
            free(wk->queue[wk->head]);
            wk->head = (wk->head + 1) % QUEUE_SLOTS;
            wk->count--;
        }
        if (i > 0)
            bgi_analyzer_free(wk->w.an);
    }
    free(pl->workers);
}

/* Prepares every file and routes it; files whose year changed are written
 * afterwards by the caller (their old and new shards may have two owners). */
static int feed(pool *pl, const char *const *paths, size_t n, prepared ***later, size_t *n_later)
{
    bg_index *ix = pl->ix;
    year_route *routes = NULL;
    size_t n_routes = 0;
    id_claims claims = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        prepared *p = calloc(1, sizeof *p);
        bgi_err err = {0};
        int prc = p ? prepare(p, ix, paths[i], NULL, &claims, &err) : bgi_err_set(&err, BG_ENOMEM, "out of memory");
        if (prc || p->status == BG_ADD_UNCHANGED) {
            pthread_mutex_lock(&pl->mu);
            report(pl, paths[i], prc, prc ? 0 : p->status, prc ? 0 : p->fresh.passages, prc ? err.msg : NULL);
            pthread_mutex_unlock(&pl->mu);
            if (p)
                prepared_clear(p);
            free(p);
            if (prc == BG_ENOMEM)
                rc = bgi_err_set(&pl->fatal_err, BG_ENOMEM, "out of memory");
            continue;
        }
        if (p->has_old && p->old_year != p->meta.year) {
            prepared **l = realloc(*later, (*n_later + 1) * sizeof *l);
            if (!l) {
                prepared_clear(p);
                free(p);
                rc = bgi_err_set(&pl->fatal_err, BG_ENOMEM, "out of memory");
                break;
            }
            *later = l;
            l[(*n_later)++] = p;
            continue;
        }
        worker *w = route(pl, &routes, &n_routes, p->meta.year, p->doc.len);
        if (!w || enqueue(pl, w, p) != 0) {
            prepared_clear(p);
            free(p);
            rc = w ? -1 : bgi_err_set(&pl->fatal_err, BG_ENOMEM, "out of memory");
        }
    }
    free(routes);
    free(claims.v);
    return rc;
}

int bg_index_add_files(bg_index *ix, const char *const *paths, size_t n, unsigned jobs, bg_add_cb cb,
                       void *ctx)
{
    bgi_err_clear(&ix->err);
    if (!(ix->flags & BG_OPEN_WRITE))
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "index is open for reading only"});
    if (jobs == 0 || jobs > BG_MAX_JOBS)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "jobs must be from 1 to 16"});
    /* The shards opened so far belong to the calling thread; commit them so
     * that workers can own them. */
    if (ix->n_shards && bg_index_commit(ix))
        return bg_errcode();
    for (size_t i = 0; i < ix->n_shards; i++)
        bgx_writer_free(ix->shards[i].writer);
    ix->n_shards = 0;

    pool pl = {.ix = ix, .cb = cb, .cb_ctx = ctx};
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.changed, NULL);
    prepared **later = NULL;
    size_t n_later = 0;
    int rc = start_workers(&pl, jobs, &ix->err);
    if (rc == 0)
        rc = feed(&pl, paths, n, &later, &n_later);
    stop_workers(&pl);
    if (pl.fatal || rc == BG_ENOMEM)
        rc = bgi_err_set(&ix->err, pl.fatal_err.code ? pl.fatal_err.code : BG_EXAPIAN, "%s", pl.fatal_err.msg);
    else if (rc < 0 && !ix->err.code)
        rc = 0;
    /* Workers are gone: the calling thread now owns every shard. */
    for (size_t i = 0; i < ix->n_shards; i++)
        ix->shards[i].owner = 0;
    for (size_t i = 0; i < n_later; i++) {
        if (rc == 0) {
            writer_ctx w = {.ix = ix, .an = ix->an, .err = &ix->err, .owner = 0};
            rc = write_prepared(&w, later[i]);
            if (rc == 0)
                report(&pl, later[i]->given, 0, later[i]->status, later[i]->fresh.passages, NULL);
        }
        prepared_clear(later[i]);
        free(later[i]);
    }
    free(later);
    pthread_cond_destroy(&pl.changed);
    pthread_mutex_destroy(&pl.mu);
    if (rc) {
        bgi_ix_discard_uncommitted(ix);
        bgi_err_set(&ix->err, ix->err.code ? ix->err.code : rc, "%s (uncommitted changes discarded)", ix->err.msg);
        return bgi_err_publish(&ix->err);
    }
    return 0;
}
