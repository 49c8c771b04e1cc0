/* passage.c — one unit of a report (heading, paragraph or measure) becomes one
 * Xapian document: its words, character n-grams, heading words, filter terms,
 * values and stored data, as laid down in docs/format.md. */
#include "passage.h"
#include "store.h"
#include "scheme.h"
#include "structure.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct term_sink {
    bgx_doc *doc;
    bgi_err *err;
    size_t lead_end;          /* words ending before this byte get a wdf boost */
    char prev_char[8];        /* previous CHAR token, for bigrams */
    size_t prev_len;
    uint32_t prev_pos;
    int have_prev;
    uint64_t text_hash;       /* of the normalised characters: copies share it */
    size_t n_chars;
    char term[256];
} term_sink;

static size_t make_term(term_sink *s, const char *prefix, const char *a, size_t alen,
                        const char *b, size_t blen)
{
    return bgi_term(s->term, prefix, a, alen, b, blen);
}

static int add_word(term_sink *s, const bgi_token *t)
{
    size_t n = make_term(s, "", t->text, t->len, NULL, 0);
    if (!n)
        return 0;
    /* Words carry no positions: phrases are matched on the bigram layer. */
    uint32_t wdf = 1 + (t->end <= s->lead_end ? BG_LEAD_WDF_BOOST : 0);
    return bgx_doc_add_term(s->doc, s->term, n, wdf, s->err);
}

/* A char that ends its run starts no bigram, so a one-character query could
 * not find it through "B<char>*": it gets a unigram term instead. */
static int end_run(term_sink *s)
{
    if (!s->have_prev)
        return 0;
    s->have_prev = 0;
    size_t n = make_term(s, BG_PREFIX_UNIGRAM, s->prev_char, s->prev_len, NULL, 0);
    return n ? bgx_doc_add_term(s->doc, s->term, n, 1, s->err) : 0;
}

static int add_char(term_sink *s, const bgi_token *t)
{
    s->text_hash = bgi_fnv1a64(s->text_hash, t->text, t->len);
    s->n_chars++;
    int rc = 0;
    if (t->flags & BG_TOKEN_RUN_START)
        rc = end_run(s);
    if (rc)
        return rc;
    if (s->have_prev) {
        size_t n = make_term(s, BG_PREFIX_BIGRAM, s->prev_char, s->prev_len, t->text, t->len);
        if (n)
            rc = bgx_doc_add_posting(s->doc, s->term, n, s->prev_pos + 1, 1, s->err);
    }
    if (t->len <= sizeof s->prev_char) {
        memcpy(s->prev_char, t->text, t->len);
        s->prev_len = t->len;
        s->prev_pos = t->pos;
        s->have_prev = 1;
    } else {
        s->have_prev = 0;
    }
    return rc;
}

static int on_text_token(void *ctx, const bgi_token *t)
{
    term_sink *s = ctx;
    return t->type == BG_TOKEN_WORD ? add_word(s, t) : add_char(s, t);
}

static int on_heading_token(void *ctx, const bgi_token *t)
{
    term_sink *s = ctx;
    if (t->type != BG_TOKEN_WORD)
        return 0;
    size_t n = make_term(s, BG_PREFIX_HEADING, t->text, t->len, NULL, 0);
    return n ? bgx_doc_add_term(s->doc, s->term, n, 1, s->err) : 0;
}

/* The lead sentence runs to the first 。 or ：; words in it say what the
 * passage is about. Returns the byte offset where it ends, or 0 when the lead
 * is the whole passage (boosting everything would change nothing). */
static size_t lead_sentence_end(const char *text, size_t len)
{
    static const char *const stops[] = {"。", "：", ":"};
    size_t best = len;
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        const char *p = memmem(text, len, stops[i], strlen(stops[i]));
        if (p && (size_t)(p - text) < best)
            best = (size_t)(p - text);
    }
    return best + 4 >= len ? 0 : best;
}

void bgi_headings_clear(bgi_headings *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->v[i]);
    free(h->v);
    memset(h, 0, sizeof *h);
}

/* The report's headings are stored once, with its first passage, so a report
 * whose headings are many and long would make that one record, read with
 * every search page that shows the report, large: past this many bytes of
 * headings, a passage stores the further ones in its own path again. */
#define BG_HEADINGS_MAX_BYTES 65536

/* The index of heading s at level i of a path in the table, taking it in
 * when new; -1 when the table is full. Consecutive passages mostly share
 * their path, so each level's last index is tried first; a heading that
 * comes back later may be taken twice, which costs a few bytes, not
 * correctness. */
static long heading_index(bgi_headings *h, size_t i, const char *s)
{
    long last = h->last[i];
    if (last >= 0 && (size_t)last < h->n && strcmp(h->v[last], s) == 0)
        return last;
    size_t len = strlen(s);
    if (h->bytes + len > BG_HEADINGS_MAX_BYTES)
        return -1;
    if (bgi_grow(&h->v, &h->cap, h->n, sizeof *h->v, 16) || !(h->v[h->n] = bgi_strdup(s)))
        return -2;
    h->bytes += len;
    return h->last[i] = (long)h->n++;
}

static char *passage_data(const bgi_passage_ctx *ctx, const bgi_unit *u, const char *texthash)
{
    char id[BG_PASSAGE_ID_MAX];
    bgi_passage_id(id, ctx->report_id, ctx->ordinal);
    int page = ctx->paras && u->line >= 1 && u->line <= ctx->n_paras ? ctx->paras[u->line - 1].page : 0;
    long ix[BG_OUTLINE_MAX_DEPTH + 2];
    size_t n_section = u->n_section < sizeof ix / sizeof *ix ? u->n_section : sizeof ix / sizeof *ix;
    for (size_t i = 0; i < n_section; i++)
        if ((ix[i] = ctx->headings ? heading_index(ctx->headings, i, u->section[i]) : -1) == -2)
            return NULL;
    bgi_passage_rec r = {.text = u->text, .len = u->len, .kind = u->kind, .line = u->line, .id = id,
                        .year = ctx->meta->year, .section = u->section, .section_ix = ix, .n_section = n_section,
                        .page = page, .texthash = texthash, .first = ctx->ordinal == 0,
                        .report = ctx->report, .title = ctx->meta->title, .body = ctx->meta->body,
                        .format = ctx->format, .date = ctx->meta->date, .docno = ctx->meta->docno,
                        .doc_kind = ctx->meta->kind, .report_chars = ctx->report_chars};
    return bgi_passage_rec_json(&r);
}

static int add_term(bgx_doc *doc, const char *term, size_t len, int rc, bgi_err *err)
{
    return rc ? rc : bgx_doc_add_term(doc, term, len, 0, err);
}

static int add_filters(bgx_doc *doc, const bgi_passage_ctx *ctx, const bgi_unit *u, bgi_err *err)
{
    char term[BG_TERM_MAX], id[BG_PASSAGE_ID_MAX];
    bgi_passage_id(id, ctx->report_id, ctx->ordinal);
    int rc = add_term(doc, term, bgi_term_year(term, ctx->meta->year), 0, err);
    rc = add_term(doc, term, bgi_term_kind(term, u->kind), rc, err);
    rc = add_term(doc, term, bgi_term_file(term, ctx->report_id), rc, err);
    rc = add_term(doc, term, bgi_term_passage(term, id), rc, err);
    /* One per report: its path finds its id (REPORT:LINE) in any shard. */
    if (ctx->ordinal == 0)
        rc = add_term(doc, term, bgi_term_path(term, ctx->path_key), rc, err);
    rc = rc ? rc : bgx_doc_set_value(doc, BG_SLOT_ID, id, strlen(id), err);
    const char *body = ctx->meta->body;
    if (body[0])
        rc = add_term(doc, term, bgi_term_body(term, body), rc, err);
    char year[16];
    bgi_year_value(year, ctx->meta->year);
    rc = rc ? rc : bgx_doc_set_value(doc, BG_SLOT_YEAR, year, strlen(year), err);
    rc = rc ? rc : bgx_doc_set_value(doc, BG_SLOT_BODY, body, strlen(body), err);
    const char *kind = bgi_kind_name(u->kind);
    rc = rc ? rc : bgx_doc_set_value(doc, BG_SLOT_KIND, kind, strlen(kind), err);
    const char *dockind = ctx->meta->kind ? ctx->meta->kind : "";
    if (dockind[0])
        rc = add_term(doc, term, bgi_term_dockind(term, dockind), rc, err);
    rc = rc ? rc : bgx_doc_set_value(doc, BG_SLOT_DOCKIND, dockind, strlen(dockind), err);
    /* Weighted, so that a query for the number ranks its document first. */
    size_t n = ctx->meta->docno ? bgi_term_docno(term, ctx->meta->docno) : 0;
    rc = rc || n == 0 ? rc : bgx_doc_add_term(doc, term, n, 1, err);
    char key[BG_FACET_KEY_LEN + 1];
    bgi_facet_key(key, year, body, dockind);
    rc = rc ? rc : bgx_doc_set_value(doc, BG_SLOT_FACETS, key, BG_FACET_KEY_LEN, err);
    return rc;
}

int bgi_passage_build(bgx_doc **out, char *texthash_term, bgi_passage_ctx *ctx, const bgi_unit *u, bgi_err *err)
{
    *out = NULL;
    texthash_term[0] = '\0';
    bgx_doc *doc = bgx_doc_new();
    if (!doc)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    term_sink sink = {.doc = doc, .err = err, .text_hash = BG_FNV_INIT};
    sink.lead_end = u->kind == BG_UNIT_HEADING ? 0 : lead_sentence_end(u->text, u->len);
    int rc = bgi_analyze(ctx->an, u->text, u->len, on_text_token, &sink, err);
    if (rc == 0)
        rc = end_run(&sink);
    for (size_t i = 0; rc == 0 && i < u->n_section; i++)
        rc = bgi_analyze(ctx->an, u->section[i], strlen(u->section[i]), on_heading_token, &sink, err);
    if (rc == 0 && u->kind == BG_UNIT_HEADING)
        rc = bgi_analyze(ctx->an, u->text, u->len, on_heading_token, &sink, err);
    if (rc == 0)
        rc = add_filters(doc, ctx, u, err);
    size_t hn = sink.n_chars ? bgi_term_texthash(texthash_term, sink.text_hash) : 0;
    if (rc == 0 && hn)
        rc = bgx_doc_add_term(doc, texthash_term, hn, 0, err);
    if (rc == 0) {
        char *data = passage_data(ctx, u, hn ? texthash_term + strlen(BG_PREFIX_TEXTHASH) : NULL);
        rc = data ? bgx_doc_set_data(doc, data, strlen(data), err)
                  : bgi_err_set(err, BG_ENOMEM, "out of memory");
        if (rc == 0 && ctx->ordinal == 0) {
            free(ctx->first_data);
            ctx->first_data = data;
            data = NULL;
        }
        free(data);
    }
    if (rc) {
        bgx_doc_free(doc);
        return rc < 0 ? rc : bgi_err_set(err, BG_EXAPIAN, "indexing stopped");
    }
    *out = doc;
    return 0;
}
