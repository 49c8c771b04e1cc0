/* highlight.h — which bytes of a passage's original text match the query, and
 * a snippet centred on the densest matches.
 *
 * Matching is done on normalised text (so traditional, full-width and
 * differently-cased text highlights too) and mapped back to original bytes
 * through the analyser's offsets. */
#ifndef BG_HIGHLIGHT_H
#define BG_HIGHLIGHT_H

#include <stddef.h>

#include "analysis.h"
#include "qbuild.h"

typedef struct bgi_ranges {
    size_t *start, *end;   /* sorted, non-overlapping byte ranges; owned */
    size_t n;
} bgi_ranges;

/* Finds the needles in text[0..len). Returns 0 or a negative code. */
int bgi_highlight(bgi_ranges *out, bgi_analyzer *an, const char *text, size_t len,
                 const bgi_needle *needles, size_t n_needles, bgi_err *err);
void bgi_ranges_clear(bgi_ranges *r);

/* A snippet of about max_chars code points around the densest ranges, with
 * open/close around matched text and "…" where cut. malloc'ed; NULL on OOM. */
char *bgi_snippet(const char *text, size_t len, const bgi_ranges *r, size_t max_chars,
                 const char *open, const char *close);

#endif
