/* normalize.h — internal to analysis/: the normaliser (punctuation variants,
 * NFKC with case folding, traditional → simplified) and the growable
 * "normalised text + offset map" buffer it fills.
 *
 * Shared by the analyser (documents and queries) and the lexicon loader, so a
 * lexicon word and the text it must match always go through the same steps. */
#ifndef BG_NORMALIZE_H
#define BG_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include <unicode/umachine.h>

#include "bgi_err.h"
#include "utf8.h"     /* bgi_utf8_decode, bgi_utf8_encode */

/* Normalised UTF-8 with, for each byte, the original byte range of the code
 * point(s) that produced it. text has room for cap + 1 bytes (a NUL always
 * fits), the maps for cap entries. */
typedef struct bgi_nbuf {
    char *text;
    size_t *ostart, *oend;
    size_t len, cap;
} bgi_nbuf;

/* Ensures room for `extra` more bytes; 0 or BG_ENOMEM. */
int bgi_nbuf_reserve(bgi_nbuf *b, size_t extra, bgi_err *err);
void bgi_nbuf_free(bgi_nbuf *b);

typedef struct bgi_normalizer bgi_normalizer;

/* Opens ICU's NFKC_Casefold data and OpenCC's t2s.json. Errors: BG_EIO when
 * the OpenCC configuration cannot be loaded, BG_ENOMEM. */
int bgi_normalizer_new(bgi_normalizer **out, bgi_err *err);
void bgi_normalizer_free(bgi_normalizer *nz);

/* Appends the normalised form of text[0..len) to out (NUL-terminated); the
 * offsets written to the map are byte offsets in text plus base. Any bytes are
 * accepted: invalid UTF-8 becomes U+FFFD, one per bad byte. Returns 0 or
 * BG_ENOMEM. */
int bgi_normalizer_run(bgi_normalizer *nz, const char *text, size_t len, size_t base,
                      bgi_nbuf *out, bgi_err *err);

/* Where to end the piece of text[pos..len) that starts at pos, for texts
 * processed piece by piece (bounded buffers, linear time at any length). The
 * piece is about `target` bytes and ends, by preference, after a line break,
 * then after a space, tab or 。, else at a code point boundary. Line breaks
 * are hard boundaries for every stage (no normalisation unit, OpenCC phrase,
 * ICU word or lexicon merge crosses one), so only a single line longer than
 * target/2 can segment differently from the whole text, and only at the cut.
 * Returns len when the rest fits. */
size_t bgi_chunk_end(const char *text, size_t len, size_t pos, size_t target);

/* The canonical form of a punctuation variant that NFKC leaves alone (e.g.
 * 、 → ",", 【 → "(", — → "-"), as NUL-terminated UTF-8, or NULL when c is
 * not such a variant. Applied after NFKC_Casefold. */
const char *bgi_punct_canonical(UChar32 c);

/* Whether c may be changed by OpenCC t2s, alone or inside a phrase (see
 * t2s_chars.c); a run of text without such a code point needs no conversion. */
int bgi_t2s_may_change(UChar32 c);

#endif
