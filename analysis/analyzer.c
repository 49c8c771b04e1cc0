/* analyzer.c — the public analyser: ties the normaliser, the segmenter and
 * the lexicon together and turns their output into WORD and CHAR tokens with
 * offsets into the original text. */
#include "analysis.h"
#include "baogao.h"
#include "charclass.h"
#include "lexicon.h"
#include "normalize.h"
#include "segment.h"

#include <unicode/uchar.h>
#include <unicode/uversion.h>

#include <stdlib.h>
#include <string.h>

/* Bump whenever a change here alters the terms produced for some text: the
 * fingerprint then changes and indexes re-analyse their reports. */
#define ANALYSIS_VERSION "baogao-analysis/2"

/* Texts are analysed in pieces of about this size (see bg_chunk_end()): the
 * buffers stay small (the offset map costs 16 bytes per byte) and stay in
 * cache, whatever the length of the text. */
#define PIECE_BYTES (64 * 1024)

struct bg_analyzer {
    bg_normalizer *nz;
    bg_segmenter *sg;
    bg_lexicon *lx;
    uint64_t fingerprint;
    bg_nbuf norm;   /* the piece being analysed, normalised */
};

/* ---- life cycle ---------------------------------------------------------- */

static int load_lexicon(bg_analyzer *an, const bg_analyzer_options *opts, bg_err *err)
{
    int rc = bg_lexicon_new(&an->lx, err);
    if (rc || !opts)
        return rc;
    if (opts->n_lexicon_paths && !opts->lexicon_paths)
        return bg_err_set(err, BG_EINVAL, "lexicon paths missing");
    for (size_t i = 0; i < opts->n_lexicon_paths; i++) {
        if (!opts->lexicon_paths[i])
            return bg_err_set(err, BG_EINVAL, "lexicon path %zu is NULL", i);
        if ((rc = bg_lexicon_add_file(an->lx, an->nz, opts->lexicon_paths[i], err)))
            return rc;
    }
    if (opts->lexicon_text && opts->lexicon_text_len)
        rc = bg_lexicon_add_text(an->lx, an->nz, opts->lexicon_text, opts->lexicon_text_len,
                                 "lexicon text", err);
    return rc;
}

/* ICU's version is part of the fingerprint: its dictionary and rules decide
 * the word boundaries, and they change between releases. */
static uint64_t compute_fingerprint(const bg_lexicon *lx)
{
    uint64_t h = bg_fnv1a64(BG_FNV_INIT, ANALYSIS_VERSION, sizeof ANALYSIS_VERSION);
    UVersionInfo icu, uni;
    u_getVersion(icu);
    u_getUnicodeVersion(uni);
    h = bg_fnv1a64(h, icu, sizeof icu);
    h = bg_fnv1a64(h, uni, sizeof uni);
    size_t len;
    const char *text = bg_lexicon_text(lx, &len);
    return bg_fnv1a64(h, text, len);
}

int bg_analyzer_new(bg_analyzer **out, const bg_analyzer_options *opts, bg_err *err)
{
    if (!out)
        return bg_err_set(err, BG_EINVAL, "bg_analyzer_new: out is NULL");
    *out = NULL;
    bg_analyzer *an = calloc(1, sizeof *an);
    if (!an)
        return bg_err_set(err, BG_ENOMEM, "out of memory");
    int rc = bg_normalizer_new(&an->nz, err);
    if (rc == 0)
        rc = bg_segmenter_new(&an->sg, err);
    if (rc == 0)
        rc = load_lexicon(an, opts, err);
    if (rc == 0)
        rc = bg_lexicon_finish(an->lx, err);
    if (rc) {
        bg_analyzer_free(an);
        return rc;
    }
    an->fingerprint = compute_fingerprint(an->lx);
    *out = an;
    return 0;
}

void bg_analyzer_free(bg_analyzer *an)
{
    if (!an)
        return;
    bg_normalizer_free(an->nz);
    bg_segmenter_free(an->sg);
    bg_lexicon_free(an->lx);
    bg_nbuf_free(&an->norm);
    free(an);
}

uint64_t bg_analyzer_fingerprint(const bg_analyzer *an)
{
    return an->fingerprint;
}

const char *bg_analyzer_lexicon_text(const bg_analyzer *an, size_t *len)
{
    return bg_lexicon_text(an->lx, len);
}

/* ---- analysis ------------------------------------------------------------ */

typedef struct emitter {
    bg_token_cb cb;
    void *ctx;
    uint32_t word_pos, char_pos;
    int in_run;          /* the previous code point was indexable */
} emitter;

static int emit_word(emitter *em, const bg_nbuf *nb, const bg_word *w)
{
    bg_token t = {
        .type = BG_TOKEN_WORD,
        .flags = w->flags,
        .text = nb->text + w->start,
        .len = w->end - w->start,
        .start = nb->ostart[w->start],
        .end = nb->oend[w->end - 1],
        .pos = em->word_pos++,
    };
    return em->cb(em->ctx, &t);
}

static int emit_char(emitter *em, const bg_nbuf *nb, size_t i, size_t k, int cls)
{
    bg_token t = {
        .type = BG_TOKEN_CHAR,
        .flags = (em->in_run ? 0 : BG_TOKEN_RUN_START) | (cls & BG_CC_CJK ? BG_TOKEN_CJK : 0),
        .text = nb->text + i,
        .len = k,
        .start = nb->ostart[i],
        .end = nb->oend[i + k - 1],
        .pos = em->char_pos++,
    };
    return em->cb(em->ctx, &t);
}

/* Emits the tokens of a normalised piece in text order: each WORD just before
 * the CHARs it covers. */
static int emit_tokens(emitter *em, const bg_nbuf *nb, const bg_word *words, size_t n_words)
{
    size_t w = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nb->len;) {
        while (rc == 0 && w < n_words && words[w].start <= i)
            rc = emit_word(em, nb, &words[w++]);
        UChar32 c;
        size_t k = bg_utf8_decode((const unsigned char *)nb->text, nb->len, i, &c);
        int cls = bg_char_class(c);
        if (rc == 0 && (cls & BG_CC_INDEX))
            rc = emit_char(em, nb, i, k, cls);
        em->in_run = (cls & BG_CC_INDEX) != 0;
        i += k;
    }
    while (rc == 0 && w < n_words)
        rc = emit_word(em, nb, &words[w++]);
    return rc;
}

static int analyze_piece(bg_analyzer *an, const char *text, size_t len, size_t base,
                         emitter *em, bg_err *err)
{
    an->norm.len = 0;
    int rc = bg_normalizer_run(an->nz, text, len, base, &an->norm, err);
    const bg_word *words = NULL;
    size_t n_words = 0;
    if (rc == 0 && an->norm.len)
        rc = bg_segment(an->sg, an->norm.text, an->norm.len, an->lx, &words, &n_words, err);
    return rc ? rc : emit_tokens(em, &an->norm, words, n_words);
}

int bg_analyze(bg_analyzer *an, const char *text, size_t len,
               bg_token_cb cb, void *ctx, bg_err *err)
{
    if (!an || !cb || (!text && len))
        return bg_err_set(err, BG_EINVAL, "bg_analyze: invalid argument");
    emitter em = {.cb = cb, .ctx = ctx};
    for (size_t pos = 0; pos < len;) {
        size_t end = bg_chunk_end(text, len, pos, PIECE_BYTES);
        int rc = analyze_piece(an, text + pos, end - pos, pos, &em, err);
        if (rc)
            return rc;
        pos = end;
    }
    return 0;
}

/* ---- normalised text for callers ----------------------------------------- */

int bg_normalize(bg_analyzer *an, const char *text, size_t len, bg_normtext *out, bg_err *err)
{
    if (!an || !out || (!text && len))
        return bg_err_set(err, BG_EINVAL, "bg_normalize: invalid argument");
    /* Reuse out's buffers: a filled bg_normtext holds at least len + 1 bytes
     * of text and len map entries. */
    bg_nbuf b = {out->text, out->orig_start, out->orig_end, 0, out->text ? out->len : 0};
    int rc = bg_nbuf_reserve(&b, len, err);
    for (size_t pos = 0; rc == 0 && pos < len;) {
        size_t end = bg_chunk_end(text, len, pos, PIECE_BYTES);
        rc = bg_normalizer_run(an->nz, text + pos, end - pos, pos, &b, err);
        pos = end;
    }
    if (rc)
        b.len = 0;
    if (b.text)
        b.text[b.len] = '\0';
    out->text = b.text;
    out->orig_start = b.ostart;
    out->orig_end = b.oend;
    out->len = b.len;
    return rc;
}

void bg_normtext_clear(bg_normtext *nt)
{
    if (!nt)
        return;
    free(nt->text);
    free(nt->orig_start);
    free(nt->orig_end);
    memset(nt, 0, sizeof *nt);
}
