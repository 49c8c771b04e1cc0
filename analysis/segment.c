/* segment.c — words of a normalised text: ICU word break, then the lexicon
 * merge that repairs what ICU splits (专项债 → 专|项|债, 乡村振兴 → 乡村|振兴). */
#include "segment.h"
#include "analysis.h"
#include "baogao.h"
#include "charclass.h"
#include "normalize.h"

#include <unicode/ubrk.h>
#include <unicode/utf16.h>

#include <stdint.h>
#include <stdlib.h>

typedef struct word_vec {
    bgi_word *v;
    size_t n, cap;
} word_vec;

/* ICU breaks UTF-16 about a quarter faster than UTF-8 through a UText, more
 * than the conversion costs; u8_at maps each UTF-16 index back to a byte. */
struct bgi_segmenter {
    UBreakIterator *bi;
    UChar *u16;
    size_t *u8_at;      /* [n16 + 1]: byte offset of UTF-16 unit i */
    size_t u16_cap;
    word_vec pieces;    /* ICU words after splitting */
    word_vec words;     /* after the lexicon merge */
};

int bgi_segmenter_new(bgi_segmenter **out, bgi_err *err)
{
    *out = NULL;
    bgi_segmenter *sg = calloc(1, sizeof *sg);
    if (!sg)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    UErrorCode st = U_ZERO_ERROR;
    sg->bi = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
    if (U_FAILURE(st)) {
        bgi_segmenter_free(sg);
        return bgi_err_set(err, st == U_MEMORY_ALLOCATION_ERROR ? BG_ENOMEM : BG_EIO,
                          "cannot open the ICU word break iterator: %s", u_errorName(st));
    }
    *out = sg;
    return 0;
}

void bgi_segmenter_free(bgi_segmenter *sg)
{
    if (!sg)
        return;
    if (sg->bi)
        ubrk_close(sg->bi);
    free(sg->u16);
    free(sg->u8_at);
    free(sg->pieces.v);
    free(sg->words.v);
    free(sg);
}

static int push(word_vec *wv, size_t start, size_t end, int flags, bgi_err *err)
{
    if (wv->n == wv->cap) {
        size_t cap = wv->cap ? wv->cap * 2 : 256;
        bgi_word *v = realloc(wv->v, cap * sizeof *v);
        if (!v)
            return bgi_err_set(err, BG_ENOMEM, "out of memory segmenting text");
        wv->v = v;
        wv->cap = cap;
    }
    wv->v[wv->n++] = (bgi_word){start, end, flags};
    return 0;
}

/* ---- ICU words → pieces -------------------------------------------------- */

typedef struct piece_state {
    size_t start;
    int flags;
    int indexable;
} piece_state;

static int close_piece(bgi_segmenter *sg, piece_state *ps, size_t end, bgi_err *err)
{
    int rc = ps->indexable ? push(&sg->pieces, ps->start, end, ps->flags, err) : 0;
    *ps = (piece_state){end, 0, 0};
    return rc;
}

/* ICU keeps "2018,2019" and "1;2" together as one number (UAX #29 MidNum), but
 * in Chinese text they are enumerations (2018、2019年 normalises to 2018,2019年):
 * each number must be a word of its own. Numbers with a decimal point stay
 * whole. */
static int splits_word(UChar32 c)
{
    return c == ',' || c == ';';
}

static int add_icu_word(bgi_segmenter *sg, const char *text, size_t a, size_t z, bgi_err *err)
{
    piece_state ps = {a, 0, 0};
    int rc = 0;
    for (size_t i = a; rc == 0 && i < z;) {
        UChar32 c;
        size_t k = bgi_utf8_decode((const unsigned char *)text, z, i, &c);
        if (splits_word(c)) {
            rc = close_piece(sg, &ps, i, err);
            ps.start = i + k;
        } else {
            if (i + k - ps.start > BG_WORD_MAX_BYTES)
                rc = close_piece(sg, &ps, i, err);
            int cls = bgi_char_class(c);
            ps.indexable |= cls & BG_CC_INDEX;
            ps.flags |= cls & BG_CC_CJK ? BG_TOKEN_CJK : 0;
        }
        i += k;
    }
    return rc ? rc : close_piece(sg, &ps, z, err);
}

/* Converts the (valid) UTF-8 text to UTF-16 in sg->u16, recording where
 * each unit starts; returns the number of units or < 0. */
static int32_t to_utf16(bgi_segmenter *sg, const char *text, size_t len, bgi_err *err)
{
    if (len + 1 > sg->u16_cap) {
        UChar *u = realloc(sg->u16, (len + 1) * sizeof *u);
        if (u)
            sg->u16 = u;
        size_t *m = realloc(sg->u8_at, (len + 1) * sizeof *m);
        if (m)
            sg->u8_at = m;
        if (!u || !m)
            return bgi_err_set(err, BG_ENOMEM, "out of memory segmenting text");
        sg->u16_cap = len + 1;
    }
    int32_t n = 0;
    for (size_t i = 0; i < len;) {
        UChar32 c;
        size_t k = bgi_utf8_decode((const unsigned char *)text, len, i, &c);
        sg->u8_at[n] = i;
        if (U_IS_BMP(c)) {
            sg->u16[n++] = (UChar)c;
        } else {
            sg->u16[n++] = U16_LEAD(c);
            sg->u8_at[n] = i;
            sg->u16[n++] = U16_TRAIL(c);
        }
        i += k;
    }
    sg->u8_at[n] = len;
    return n;
}

static int icu_pieces(bgi_segmenter *sg, const char *text, size_t len, bgi_err *err)
{
    int32_t n = to_utf16(sg, text, len, err);
    if (n < 0)
        return n;
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(sg->bi, sg->u16, n, &st);
    if (U_FAILURE(st))
        return bgi_err_set(err, st == U_MEMORY_ALLOCATION_ERROR ? BG_ENOMEM : BG_EINVAL,
                          "ICU word break failed: %s", u_errorName(st));
    int rc = 0;
    int32_t prev = ubrk_first(sg->bi);
    for (int32_t b = ubrk_next(sg->bi); rc == 0 && b != UBRK_DONE; prev = b, b = ubrk_next(sg->bi))
        if (ubrk_getRuleStatus(sg->bi) >= UBRK_WORD_NONE_LIMIT)
            rc = add_icu_word(sg, text, sg->u8_at[prev], sg->u8_at[b], err);
    return rc;
}

/* ---- lexicon merge ------------------------------------------------------- */

/* The number of pieces from i to join: the longest run of adjacent pieces
 * that spells a lexicon word, or 1. The span grows only while it is still a
 * prefix of some lexicon word, so no length limit is needed. */
static size_t merge_span(const word_vec *p, size_t i, const char *text, const bgi_lexicon *lx)
{
    if (!lx || !bgi_lexicon_count(lx))
        return 1;
    size_t s = p->v[i].start, best = 1;
    if (!(bgi_lexicon_lookup(lx, text + s, p->v[i].end - s) & BG_LEX_PREFIX))
        return 1;
    for (size_t k = 2; i + k <= p->n; k++) {
        const bgi_word *last = &p->v[i + k - 1];
        if (last->start != p->v[i + k - 2].end)
            break;
        int f = bgi_lexicon_lookup(lx, text + s, last->end - s);
        if (f & BG_LEX_WORD)
            best = k;
        if (!(f & BG_LEX_PREFIX))
            break;
    }
    return best;
}

static int merge(bgi_segmenter *sg, const char *text, const bgi_lexicon *lx, bgi_err *err)
{
    const word_vec *p = &sg->pieces;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < p->n;) {
        size_t k = merge_span(p, i, text, lx);
        int flags = k > 1 ? BG_TOKEN_LEXICON : 0;
        for (size_t j = i; j < i + k; j++)
            flags |= p->v[j].flags;
        rc = push(&sg->words, p->v[i].start, p->v[i + k - 1].end, flags, err);
        i += k;
    }
    return rc;
}

int bgi_segment(bgi_segmenter *sg, const char *text, size_t len, const bgi_lexicon *lx,
               const bgi_word **words, size_t *n_words, bgi_err *err)
{
    sg->pieces.n = 0;
    sg->words.n = 0;
    *words = NULL;
    *n_words = 0;
    if (len >= INT32_MAX)
        return bgi_err_set(err, BG_ETOOBIG, "text piece too long for ICU word break");
    int rc = icu_pieces(sg, text, len, err);
    if (rc == 0)
        rc = merge(sg, text, lx, err);
    if (rc == 0) {
        *words = sg->words.v;
        *n_words = sg->words.n;
    }
    return rc;
}
