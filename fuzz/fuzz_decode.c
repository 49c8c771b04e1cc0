/* fuzz_decode.c — libFuzzer target for bgi_decode (formats/decode.c): any
 * bytes must either decode to well-formed UTF-8 without NUL or a leading
 * BOM, of the stated length, or be refused with a one-line message. Built by
 * fuzz/run.sh; tests/test_fuzz_regressions.c replays the seeds and past
 * crashes through the same function. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bgi_decoded out;
    bgi_err err = {0};
    int rc = bgi_decode(&out, (const char *)data, size, &err);
    if (rc == 0) {
        if (!out.text || out.text[out.len] != '\0' || !fz_utf8_ok((const unsigned char *)out.text, out.len, 0)
            || (out.len >= 3 && memcmp(out.text, "\xEF\xBB\xBF", 3) == 0))
            abort();
        free(out.text);
    } else if (rc >= 0 || !err.msg[0] || strchr(err.msg, '\n')) {
        abort();
    }
    return 0;
}
