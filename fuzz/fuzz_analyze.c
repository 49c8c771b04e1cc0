/* fuzz_analyze.c — libFuzzer target for the analyser (bgi_analyze and
 * bgi_normalize, analysis/): for any bytes, tokens point into the input
 * ([start, end) inside it, in order), their text is non-empty well-formed
 * UTF-8, words are at most BG_WORD_MAX_BYTES, positions count up from 0 in
 * each stream, and the normalised text's map points back into the input.
 * The analyser is built once, with a small lexicon, as the indexer builds
 * one per thread. Built by fuzz/run.sh; tests/test_fuzz_regressions.c
 * replays the seeds and past crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "fuzz_util.h"

static bgi_analyzer *fz_an_get(void)
{
    static bgi_analyzer *an;
    if (!an) {
        static const char lex[] = "# fuzz lexicon\n电子证照\n法治政府\n法治政府建设\n放管服\n营商环境\nCO2\n";
        bgi_analyzer_options o = {.lexicon_text = lex, .lexicon_text_len = sizeof lex - 1};
        bgi_err err = {0};
        if (bgi_analyzer_new(&an, &o, &err) != 0)
            abort();
    }
    return an;
}

typedef struct fz_an_state {
    size_t len;
    size_t last_start[3];        /* by token type */
    uint32_t next_pos[3];
    int seen[3];
} fz_an_state;

static int fz_an_on_token(void *ctx, const bgi_token *t)
{
    fz_an_state *s = ctx;
    if (t->type != BG_TOKEN_WORD && t->type != BG_TOKEN_CHAR)
        abort();
    if (t->start > t->end || t->end > s->len || !t->text || t->len == 0
        || !fz_utf8_ok((const unsigned char *)t->text, t->len, 0))
        abort();
    if (t->type == BG_TOKEN_WORD && t->len > BG_WORD_MAX_BYTES)
        abort();
    if (s->seen[t->type] && (t->start < s->last_start[t->type] || t->pos != s->next_pos[t->type]))
        abort();
    if (!s->seen[t->type] && t->pos != 0)
        abort();
    s->seen[t->type] = 1;
    s->last_start[t->type] = t->start;
    s->next_pos[t->type] = t->pos + 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bgi_analyzer *an = fz_an_get();
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    fz_an_state s = {.len = size};
    bgi_err err = {0};
    if (bgi_analyze(an, text, size, fz_an_on_token, &s, &err) != 0)
        abort();
    bgi_normtext nt = {0};
    if (bgi_normalize(an, text, size, &nt, &err) != 0)
        abort();
    if (!fz_utf8_ok((const unsigned char *)nt.text, nt.len, 1))
        abort();
    for (size_t i = 0; i < nt.len; i++)
        if (nt.orig_start[i] > nt.orig_end[i] || nt.orig_end[i] > size)
            abort();
    bgi_normtext_clear(&nt);
    free(text);
    return 0;
}
