/* lexicon.h — internal to analysis/: the domain lexicon, a set of normalised
 * words that adjacent ICU words are merged into (see segment.c).
 *
 * Built once per analyser from word-list files and/or in-memory text, then
 * read-only: lookups happen for every ICU word of every text. */
#ifndef BG_LEXICON_H
#define BG_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "bgi_err.h"
#include "normalize.h"
#include "util.h"   /* bgi_fnv1a64: the one FNV-1a of the library */

typedef struct bgi_lexicon bgi_lexicon;

int bgi_lexicon_new(bgi_lexicon **out, bgi_err *err);
void bgi_lexicon_free(bgi_lexicon *lx);

/* Adds the words of a lexicon text (one per line, '#' comment lines, blank
 * lines ignored), each normalised with nz. name is used in messages
 * ("lexicon.txt:12: ..."). A word containing a space or punctuation after
 * normalisation could never match (ICU never returns those inside a merged
 * span), and one longer than BG_WORD_MAX_BYTES would make an over-long term:
 * both are BG_EPARSE errors naming the line, so the user can fix the list. */
int bgi_lexicon_add_text(bgi_lexicon *lx, bgi_normalizer *nz, const char *text, size_t len,
                        const char *name, bgi_err *err);

/* Reads a lexicon file and adds its words. Errors: BG_EIO naming the path. */
int bgi_lexicon_add_file(bgi_lexicon *lx, bgi_normalizer *nz, const char *path, bgi_err *err);

enum {
    BG_LEX_WORD = 1,    /* a lexicon word */
    BG_LEX_PREFIX = 2,  /* a proper prefix (whole code points) of a lexicon word */
};

/* What the normalised string w[0..n) is: BG_LEX_* flags, 0 when neither. The
 * prefix flag lets the merge stop extending a span as soon as no lexicon word
 * can start with it, so most ICU words cost a single lookup. */
int bgi_lexicon_lookup(const bgi_lexicon *lx, const char *w, size_t n);

/* The number of words. */
size_t bgi_lexicon_count(const bgi_lexicon *lx);

/* Builds the sorted word list once every source is added; 0 or BG_ENOMEM. */
int bgi_lexicon_finish(bgi_lexicon *lx, bgi_err *err);

/* The words as of bgi_lexicon_finish(), sorted bytewise, one per line, each
 * ending in '\n': valid lexicon text itself, so it loads back to the same
 * set. Never NULL ("" when empty). */
const char *bgi_lexicon_text(const bgi_lexicon *lx, size_t *len);

#endif
