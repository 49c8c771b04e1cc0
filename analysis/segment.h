/* segment.h — internal to analysis/: normalised text → words (ICU word break,
 * then the lexicon merge). */
#ifndef BG_SEGMENT_H
#define BG_SEGMENT_H

#include <stddef.h>

#include "bg_err.h"
#include "lexicon.h"

typedef struct bg_word {
    size_t start, end;  /* byte range in the normalised text */
    int flags;          /* BG_TOKEN_CJK, BG_TOKEN_LEXICON */
} bg_word;

typedef struct bg_segmenter bg_segmenter;

/* Opens the ICU word break iterator (locale zh), reused for every text. */
int bg_segmenter_new(bg_segmenter **out, bg_err *err);
void bg_segmenter_free(bg_segmenter *sg);

/* Splits normalised UTF-8 text[0..len) (at most INT32_MAX bytes) into words,
 * in order: ICU's word segments without spaces and punctuation, cut at ',' and
 * ';' and into pieces of at most BG_WORD_MAX_BYTES, then runs of adjacent
 * pieces joined, longest first, where the lexicon (may be NULL) holds their
 * concatenation. *words stays valid until the next call. Returns 0 or a
 * negative BG_E* code. */
int bg_segment(bg_segmenter *sg, const char *text, size_t len, const bg_lexicon *lx,
               const bg_word **words, size_t *n_words, bg_err *err);

#endif
