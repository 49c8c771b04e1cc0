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
#define ANALYSIS_VERSION "baogao-analysis/3"

/* Texts are analysed in pieces of about this size (see bgi_chunk_end()): the
 * buffers stay small (the offset map costs 16 bytes per byte) and stay in
 * cache, whatever the length of the text. */
#define PIECE_BYTES (64 * 1024)

struct bgi_analyzer {
    bgi_normalizer *nz;
    bgi_segmenter *sg;
    bgi_lexicon *lx;
    uint64_t fingerprint;
    bgi_nbuf norm;   /* the piece being analysed, normalised */
};

int bgi_char_indexable(int32_t c) { return (bgi_char_class(c) & BG_CC_INDEX) != 0; }
int bgi_char_is_han(int32_t c) { return (bgi_char_class(c) & BG_CC_CJK) != 0; }

int bgi_analyzer_is_lexicon_word(const bgi_analyzer *an, const char *w, size_t n)
{
    return an->lx && (bgi_lexicon_lookup(an->lx, w, n) & BG_LEX_WORD) != 0;
}

/* ---- life cycle ---------------------------------------------------------- */

static int load_lexicon(bgi_analyzer *an, const bgi_analyzer_options *opts, bgi_err *err)
{
    int rc = bgi_lexicon_new(&an->lx, err);
    if (rc || !opts)
        return rc;
    if (opts->n_lexicon_paths && !opts->lexicon_paths)
        return bgi_err_set(err, BG_EINVAL, "lexicon paths missing");
    for (size_t i = 0; i < opts->n_lexicon_paths; i++) {
        if (!opts->lexicon_paths[i])
            return bgi_err_set(err, BG_EINVAL, "lexicon path %zu is NULL", i);
        if ((rc = bgi_lexicon_add_file(an->lx, an->nz, opts->lexicon_paths[i], err)))
            return rc;
    }
    if (opts->lexicon_text && opts->lexicon_text_len)
        rc = bgi_lexicon_add_text(an->lx, an->nz, opts->lexicon_text, opts->lexicon_text_len,
                                 "lexicon text", err);
    return rc;
}

/* ICU's version is part of the fingerprint: its dictionary and rules decide
 * the word boundaries, and they change between releases. */
static uint64_t compute_fingerprint(const bgi_lexicon *lx)
{
    uint64_t h = bgi_fnv1a64(BG_FNV_INIT, ANALYSIS_VERSION, sizeof ANALYSIS_VERSION);
    UVersionInfo icu, uni;
    u_getVersion(icu);
    u_getUnicodeVersion(uni);
    h = bgi_fnv1a64(h, icu, sizeof icu);
    h = bgi_fnv1a64(h, uni, sizeof uni);
    size_t len;
    const char *text = bgi_lexicon_text(lx, &len);
    return bgi_fnv1a64(h, text, len);
}

int bgi_analyzer_new(bgi_analyzer **out, const bgi_analyzer_options *opts, bgi_err *err)
{
    if (!out)
        return bgi_err_set(err, BG_EINVAL, "bgi_analyzer_new: out is NULL");
    *out = NULL;
    bgi_analyzer *an = calloc(1, sizeof *an);
    if (!an)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    int rc = bgi_normalizer_new(&an->nz, err);
    if (rc == 0)
        rc = bgi_segmenter_new(&an->sg, err);
    if (rc == 0)
        rc = load_lexicon(an, opts, err);
    if (rc == 0)
        rc = bgi_lexicon_finish(an->lx, err);
    if (rc) {
        bgi_analyzer_free(an);
        return rc;
    }
    an->fingerprint = compute_fingerprint(an->lx);
    *out = an;
    return 0;
}

void bgi_analyzer_free(bgi_analyzer *an)
{
    if (!an)
        return;
    bgi_normalizer_free(an->nz);
    bgi_segmenter_free(an->sg);
    bgi_lexicon_free(an->lx);
    bgi_nbuf_free(&an->norm);
    free(an);
}

uint64_t bgi_analyzer_fingerprint(const bgi_analyzer *an)
{
    return an->fingerprint;
}

const char *bgi_analyzer_lexicon_text(const bgi_analyzer *an, size_t *len)
{
    return bgi_lexicon_text(an->lx, len);
}

/* ---- analysis ------------------------------------------------------------ */

typedef struct emitter {
    bgi_token_cb cb;
    void *ctx;
    uint32_t word_pos, char_pos;
    int in_run;          /* the previous code point was indexable */
    int in_number;       /* inside a number: a BG_NUMBER_EDGE opened it */
} emitter;

static int emit_word(emitter *em, const bgi_nbuf *nb, const bgi_word *w)
{
    bgi_token t = {
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

static int emit_char(emitter *em, const bgi_nbuf *nb, size_t i, size_t k, int cls)
{
    bgi_token t = {
        .type = BG_TOKEN_CHAR,
        .flags = (em->in_run ? 0 : BG_TOKEN_RUN_START) | (cls & BG_CC_CJK ? BG_TOKEN_CJK : 0),
        .text = nb->text + i,
        .len = k,
        .start = nb->ostart[i],
        .end = nb->oend[i + k - 1],
        .pos = em->char_pos++,
    };
    em->in_run = 1;
    return em->cb(em->ctx, &t);
}

/* The edge mark of a number, empty in the original text at byte at. */
static int emit_edge(emitter *em, size_t at)
{
    bgi_token t = {
        .type = BG_TOKEN_CHAR,
        .flags = (em->in_run ? 0 : BG_TOKEN_RUN_START) | BG_TOKEN_EDGE,
        .text = BG_NUMBER_EDGE,
        .len = sizeof BG_NUMBER_EDGE - 1,
        .start = at,
        .end = at,
        .pos = em->char_pos++,
    };
    em->in_run = 1;
    return em->cb(em->ctx, &t);
}

static int is_digit(UChar32 c)
{
    return c >= '0' && c <= '9';
}

static UChar32 next_cp(const bgi_nbuf *nb, size_t i)
{
    UChar32 c = 0;
    if (i < nb->len)
        bgi_utf8_decode((const unsigned char *)nb->text, nb->len, i, &c);
    return c;
}

/* Numbers are tokens of their own at both ends (analysis.h): an edge mark
 * opens and closes each (3.5 → ⟨3.5⟩), so the bigrams of 3% (⟨3, 3⟩, ⟩%)
 * are not those of 33% (⟨3, 33, 3⟩, ⟩%). A '.' between digits belongs to the
 * number; a '%' or '‰' right after one and a '+' right after a letter,
 * digit or ideograph (互联网+) are indexable marks. Returns the class the
 * code point c at byte i is indexed with, after emitting the edges due
 * before it. */
static int number_edges(emitter *em, const bgi_nbuf *nb, size_t i, size_t k, UChar32 c, int cls, int *rc)
{
    int after = 0;
    if (is_digit(c)) {
        if (!em->in_number)
            *rc = emit_edge(em, nb->ostart[i]);
        em->in_number = 1;
        return cls;
    }
    if (em->in_number && c == '.' && is_digit(next_cp(nb, i + k)))
        return BG_CC_INDEX;
    if (em->in_number) {
        *rc = emit_edge(em, nb->ostart[i]);
        em->in_number = 0;
        after = 1;
    }
    if ((c == '%' || c == 0x2030) && after)
        return BG_CC_INDEX;
    if (c == '+' && em->in_run)
        return BG_CC_INDEX;
    return cls;
}

/* Emits the tokens of a normalised piece in text order: each WORD just before
 * the CHARs it covers. */
static int emit_tokens(emitter *em, const bgi_nbuf *nb, const bgi_word *words, size_t n_words)
{
    size_t w = 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nb->len;) {
        while (rc == 0 && w < n_words && words[w].start <= i)
            rc = emit_word(em, nb, &words[w++]);
        UChar32 c;
        size_t k = bgi_utf8_decode((const unsigned char *)nb->text, nb->len, i, &c);
        int cls = number_edges(em, nb, i, k, c, bgi_char_class(c), &rc);
        if (rc == 0 && (cls & BG_CC_INDEX))
            rc = emit_char(em, nb, i, k, cls);
        em->in_run = (cls & BG_CC_INDEX) != 0;
        i += k;
    }
    if (rc == 0 && em->in_number)
        rc = emit_edge(em, nb->len ? nb->oend[nb->len - 1] : 0);
    em->in_number = 0;
    while (rc == 0 && w < n_words)
        rc = emit_word(em, nb, &words[w++]);
    return rc;
}

static int analyze_piece(bgi_analyzer *an, const char *text, size_t len, size_t base,
                         emitter *em, bgi_err *err)
{
    an->norm.len = 0;
    int rc = bgi_normalizer_run(an->nz, text, len, base, &an->norm, err);
    const bgi_word *words = NULL;
    size_t n_words = 0;
    if (rc == 0 && an->norm.len)
        rc = bgi_segment(an->sg, an->norm.text, an->norm.len, an->lx, &words, &n_words, err);
    return rc ? rc : emit_tokens(em, &an->norm, words, n_words);
}

int bgi_analyze(bgi_analyzer *an, const char *text, size_t len,
               bgi_token_cb cb, void *ctx, bgi_err *err)
{
    if (!an || !cb || (!text && len))
        return bgi_err_set(err, BG_EINVAL, "bgi_analyze: invalid argument");
    emitter em = {.cb = cb, .ctx = ctx};
    for (size_t pos = 0; pos < len;) {
        size_t end = bgi_chunk_end(text, len, pos, PIECE_BYTES);
        int rc = analyze_piece(an, text + pos, end - pos, pos, &em, err);
        if (rc)
            return rc;
        pos = end;
    }
    return 0;
}

/* ---- normalised text for callers ----------------------------------------- */

int bgi_normalize(bgi_analyzer *an, const char *text, size_t len, bgi_normtext *out, bgi_err *err)
{
    if (!an || !out || (!text && len))
        return bgi_err_set(err, BG_EINVAL, "bgi_normalize: invalid argument");
    /* Reuse out's buffers: a filled bgi_normtext holds at least len + 1 bytes
     * of text and len map entries. */
    bgi_nbuf b = {out->text, out->orig_start, out->orig_end, 0, out->text ? out->len : 0};
    int rc = bgi_nbuf_reserve(&b, len, err);
    for (size_t pos = 0; rc == 0 && pos < len;) {
        size_t end = bgi_chunk_end(text, len, pos, PIECE_BYTES);
        rc = bgi_normalizer_run(an->nz, text + pos, end - pos, pos, &b, err);
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

void bgi_normtext_clear(bgi_normtext *nt)
{
    if (!nt)
        return;
    free(nt->text);
    free(nt->orig_start);
    free(nt->orig_end);
    memset(nt, 0, sizeof *nt);
}
