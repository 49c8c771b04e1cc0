/* decode.h — turn the bytes of a report file into clean UTF-8.
 *
 * Accepted: UTF-8 (with or without BOM), UTF-16LE/BE with a BOM, UTF-16 without
 * a BOM when the zero-byte pattern makes it unambiguous, and GB18030/GBK. All
 * conversion goes through ICU's converters (ucnv). Rejected with a one-line
 * reason: binary data (NUL bytes or control characters in a text that is not
 * UTF-16), text that is valid in none of the encodings above.
 *
 * A file that is mostly valid UTF-8 with a few invalid sequences is accepted:
 * each bad sequence becomes U+FFFD and a warning names the first bad line. */
#ifndef BG_DECODE_H
#define BG_DECODE_H

#include <stddef.h>

#include "bgi_err.h"

typedef struct bgi_decoded {
    char *text;            /* UTF-8, NUL-terminated, BOM removed, owned (free()) */
    size_t len;            /* byte length of text */
    const char *encoding;  /* static string: "UTF-8", "UTF-16LE", "UTF-16BE", "GB18030" */
    size_t n_replaced;     /* invalid sequences replaced by U+FFFD (UTF-8 input only) */
    size_t first_bad_line; /* 1-based line of the first replaced sequence, 0 if none */
} bgi_decoded;

/* Decodes bytes[0..n). On success returns 0 and fills *out (caller frees
 * out->text). On failure returns BG_EDECODE and err->msg says why without the
 * file name (the caller prefixes it), e.g. "binary data (NUL byte at offset 12)"
 * or "not UTF-8, UTF-16 or GB18030 text". An empty input decodes to "". */
int bgi_decode(bgi_decoded *out, const char *bytes, size_t n, bgi_err *err);

#endif
