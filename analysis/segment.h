/* segment.h — internal to analysis/: normalised text → words (ICU word break,
 * then the lexicon merge). */
#ifndef BG_SEGMENT_H
#define BG_SEGMENT_H

#include <stddef.h>

#include "bgi_err.h"
#include "lexicon.h"

typedef struct bgi_word {
    size_t start, end;  /* byte range in the normalised text */
    int flags;          /* BG_TOKEN_CJK, BG_TOKEN_LEXICON */
} bgi_word;

typedef struct bgi_segmenter bgi_segmenter;

/* Opens the ICU word break iterator (locale zh), reused for every text. */
int bgi_segmenter_new(bgi_segmenter **out, bgi_err *err);
void bgi_segmenter_free(bgi_segmenter *sg);

/* Splits normalised UTF-8 text[0..len) (at most INT32_MAX bytes) into words,
 * in order: ICU's word segments without spaces and punctuation, cut at ',' and
 * ';' and into pieces of at most BG_WORD_MAX_BYTES, then runs of adjacent
 * pieces joined, longest first, where the lexicon (may be NULL) holds their
 * concatenation. *words stays valid until the next call. Returns 0 or a
 * negative BG_E* code. */
int bgi_segment(bgi_segmenter *sg, const char *text, size_t len, const bgi_lexicon *lx,
               const bgi_word **words, size_t *n_words, bgi_err *err);

#endif
