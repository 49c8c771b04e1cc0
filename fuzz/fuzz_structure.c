/* fuzz_structure.c — libFuzzer target for the report outline
 * (bgi_outline_feed_text, indexer/structure.c): for any bytes, every unit
 * lies inside its line, is non-empty and at most 16 KB (BG_UNIT_MAX_BYTES),
 * starts and ends on
 * no whitespace, units of a line come in order without overlapping, line
 * numbers never go back, and the section path is at most 3 deep with titles
 * of at most 300 bytes. Built by fuzz/run.sh; tests/test_fuzz_regressions.c
 * replays the seeds and past crashes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "structure.h"

/* fuzz/run.sh compiles structure.c and this file with a tiny limit, so that
 * short inputs exercise the cutting of over-long units. */
#ifndef BG_UNIT_MAX_BYTES
#define BG_UNIT_MAX_BYTES 16384
#endif

typedef struct fz_st_state {
    const char *text, *end;
    size_t line;
    const char *last_end;     /* end of the previous unit of the same line */
} fz_st_state;

static int fz_st_on_unit(void *ctx, const bgi_unit *u)
{
    fz_st_state *s = ctx;
    if (u->line < s->line || u->len == 0 || u->len > BG_UNIT_MAX_BYTES || u->text < s->text || u->text + u->len > s->end)
        abort();
    if (u->line > s->line)
        s->last_end = s->text;
    if (u->text < s->last_end)
        abort();
    if (u->text[0] == ' ' || u->text[0] == '\n' || u->text[u->len - 1] == ' ' || u->text[u->len - 1] == '\n')
        abort();
    if (u->kind < BG_UNIT_HEADING || u->kind > BG_UNIT_MEASURE || (u->kind == BG_UNIT_HEADING) != (u->level > 0)
        || u->level > BG_OUTLINE_MAX_DEPTH || u->n_section > BG_OUTLINE_MAX_DEPTH)
        abort();
    for (size_t i = 0; i < u->n_section; i++)
        if (!u->section[i] || strlen(u->section[i]) > 300)
            abort();
    s->line = u->line;
    s->last_end = u->text + u->len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly size bytes, so reading past the input is caught. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    bgi_outline *ol = bgi_outline_new();
    fz_st_state s = {.text = text, .end = text + size, .line = 1, .last_end = text};
    bgi_err err = {0};
    if (ol && bgi_outline_feed_text(ol, text, size, fz_st_on_unit, &s, &err) != 0)
        abort();
    bgi_outline_free(ol);
    free(text);
    return 0;
}
