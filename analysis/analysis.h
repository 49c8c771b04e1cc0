/* analysis.h — the one text analyser used for documents and for queries.
 *
 * Pipeline, identical on both sides:
 *   original UTF-8 ─► normalise (NFKC with case folding, i.e. ICU's
 *   NFKC_Casefold, which also drops invisible default-ignorables; punctuation
 *   variants that NFKC leaves → one canonical form; traditional → simplified
 *   with OpenCC t2s) ─► ICU word break (UBRK_WORD, locale zh; words are also
 *   cut at ',' and ';' so 2018、2019 gives two numbers, and into pieces of at
 *   most BG_WORD_MAX_BYTES) ─► lexicon merge (adjacent ICU words joined, the
 *   longest match first, when the lexicon holds their concatenation) ─► tokens.
 *
 * Like an SQLite FTS5 tokenizer, the analyser reports tokens through a callback
 * with a pointer, a byte length and byte offsets. Token text is normalised; the
 * offsets always point into the ORIGINAL input, so results can show and
 * highlight the text exactly as written.
 *
 * Two token streams come out of one pass:
 *   BG_TOKEN_WORD  each word (letters/digits/ideographs; spaces and punctuation
 *                  are skipped), position = word ordinal from 0.
 *   BG_TOKEN_CHAR  each indexable code point (letter, digit, ideograph) after
 *                  normalisation, position = char ordinal from 0. A char that
 *                  follows a space, punctuation or the start of the text carries
 *                  BG_TOKEN_RUN_START: n-grams never cross such a break.
 *                  Numbers are tokens of their own at both ends: a run of
 *                  ASCII digits (with '.' between digits: 3.5) is opened and
 *                  closed by an edge CHAR, BG_NUMBER_EDGE, flagged
 *                  BG_TOKEN_EDGE, empty in the original (start == end), so
 *                  the n-grams of 3% never occur in 33% or 13%. A '%' or '‰'
 *                  right after a number and a '+' right after a letter,
 *                  digit or ideograph (互联网+) are indexable CHARs too.
 *
 * Thread safety: a bgi_analyzer is not thread safe (ICU break iterator and
 * OpenCC handle are per instance); create one per thread. */
#ifndef BG_ANALYSIS_H
#define BG_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "bgi_err.h"

typedef struct bgi_analyzer bgi_analyzer;

/* A WORD token is at most this many bytes. ICU returns runs of Latin letters
 * and digits whole, however long (hashes, URLs, tables pasted as text); such a
 * run is split into consecutive pieces of at most this size, far below
 * Xapian's 245-byte term limit even with a prefix. Lexicon words must fit too. */
#define BG_WORD_MAX_BYTES 128

enum {
    BG_TOKEN_WORD = 1,
    BG_TOKEN_CHAR = 2,
};
enum {
    BG_TOKEN_RUN_START = 1,  /* CHAR: first char of a run (no n-gram with the previous char) */
    BG_TOKEN_CJK = 2,        /* WORD/CHAR: contains a Han ideograph */
    BG_TOKEN_LEXICON = 4,    /* WORD: produced by merging ICU words via the lexicon */
    BG_TOKEN_EDGE = 8,       /* CHAR: the edge of a number, BG_NUMBER_EDGE, not in the text */
};

/* The text of an edge CHAR: a character no text yields as a CHAR of its own. */
#define BG_NUMBER_EDGE "#"

typedef struct bgi_token {
    int type;            /* BG_TOKEN_WORD or BG_TOKEN_CHAR */
    int flags;           /* BG_TOKEN_* flags */
    const char *text;    /* normalised UTF-8, NOT NUL-terminated; valid during the callback only */
    size_t len;          /* byte length of text */
    size_t start, end;   /* byte offsets [start, end) of the token in the original input */
    uint32_t pos;        /* word ordinal (WORD) or char ordinal (CHAR), from 0 */
} bgi_token;

/* Return 0 to continue; any other value stops analysis and is returned by
 * bgi_analyze(). */
typedef int (*bgi_token_cb)(void *ctx, const bgi_token *tok);

typedef struct bgi_analyzer_options {
    /* Lexicon word lists, one word per line, UTF-8; '#' starts a comment line;
     * blank lines ignored. Words are normalised on load with the same
     * normaliser. Paths that do not exist are an error. NULL/0 = no lexicon. */
    const char *const *lexicon_paths;
    size_t n_lexicon_paths;
    /* Alternatively (or additionally) lexicon words given in memory, as the
     * text of a lexicon file (same format). May be NULL. */
    const char *lexicon_text;
    size_t lexicon_text_len;
} bgi_analyzer_options;

/* Creates an analyser. opts may be NULL (no lexicon). On failure returns a
 * negative BG_E* code, *out = NULL and err says why (e.g. "lexicon.txt: cannot
 * open: No such file or directory", or OpenCC config missing). */
int bgi_analyzer_new(bgi_analyzer **out, const bgi_analyzer_options *opts, bgi_err *err);

/* Frees an analyser; NULL is allowed. */
void bgi_analyzer_free(bgi_analyzer *an);

/* A 64-bit fingerprint of everything that changes the terms produced: the
 * analysis version constant and the (normalised, sorted) lexicon contents.
 * The indexer re-indexes a file whose stored fingerprint differs. */
uint64_t bgi_analyzer_fingerprint(const bgi_analyzer *an);

/* The lexicon actually in use, normalised, one word per line, sorted; the
 * indexer stores it in the index so queries analyse with the same list.
 * Owned by the analyser; *len receives its length. */
const char *bgi_analyzer_lexicon_text(const bgi_analyzer *an, size_t *len);

/* The character classes the analyser indexes by, for the views that read
 * normalised text themselves (query/compare.c, query/novelty.c): whether c
 * is a letter, digit or ideograph, and whether it is Han (or another
 * ideographic script: 〇 counts). */
int bgi_char_indexable(int32_t c);
int bgi_char_is_han(int32_t c);

/* Whether the normalised text w[0..n) is a word of the analyser's lexicon
 * (so that a long expression ICU would cut in pieces is known as one). */
int bgi_analyzer_is_lexicon_word(const bgi_analyzer *an, const char *w, size_t n);

/* Analyses text[0..len) and calls cb for every token, in order of position
 * within each stream. The streams are interleaved in text order: a WORD comes
 * just before the CHARs it covers. Invalid UTF-8 bytes are treated as U+FFFD
 * (not indexable); NUL bytes are ordinary non-indexable characters. Any length
 * works in linear time and bounded memory (long texts are processed in pieces
 * cut at line breaks where possible). Returns 0, the callback's non-zero
 * value, or a negative BG_E* code. */
int bgi_analyze(bgi_analyzer *an, const char *text, size_t len,
               bgi_token_cb cb, void *ctx, bgi_err *err);

/* Normalised form of a text with a map back to the original bytes. */
typedef struct bgi_normtext {
    char *text;          /* normalised UTF-8, NUL-terminated, owned */
    size_t len;          /* byte length of text */
    /* For each byte i of text (0 <= i < len): the original byte range
     * [orig_start[i], orig_end[i]) of the code point that produced it. Owned. */
    size_t *orig_start;
    size_t *orig_end;
} bgi_normtext;

/* Normalises text (same steps as bgi_analyze) into out (which must be zeroed or
 * previously filled; buffers are reused/grown). Returns 0 or a negative code. */
int bgi_normalize(bgi_analyzer *an, const char *text, size_t len, bgi_normtext *out, bgi_err *err);

/* Releases the buffers of a bgi_normtext and zeroes it. */
void bgi_normtext_clear(bgi_normtext *nt);

#endif
