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

typedef struct bg_ranges {
    size_t *start, *end;   /* sorted, non-overlapping byte ranges; owned */
    size_t n;
} bg_ranges;

/* Finds the needles in text[0..len). Returns 0 or a negative code. */
int bg_highlight(bg_ranges *out, bg_analyzer *an, const char *text, size_t len,
                 const bg_needle *needles, size_t n_needles, bg_err *err);
void bg_ranges_clear(bg_ranges *r);

/* A snippet of about max_chars code points around the densest ranges, with
 * open/close around matched text and "…" where cut. malloc'ed; NULL on OOM. */
char *bg_snippet(const char *text, size_t len, const bg_ranges *r, size_t max_chars,
                 const char *open, const char *close);

#endif
