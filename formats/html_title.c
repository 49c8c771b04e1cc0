/* html_title.c — the article's title line: the lines that spell the
 * page's stated title (metadata 标题, <meta name=ArticleTitle>, <title>
 * without its site suffix), last before the article or first in it; else
 * the last <h1> before it. A title broken by <br> spans up to three lines. */
#include <stdlib.h>
#include <string.h>

#include "html_priv.h"

/* Lines searched for the title before the article starts. */
#define TITLE_WINDOW_LINES 3

/* Whether lines [k, k+count) read as the title t (whitespace ignored). */
static bool lines_match_title(const reader *r, size_t k, size_t count, const char *t)
{
    bgi_buf b = {0};
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        const line *l = &r->lines[k + i];
        if ((l->inh & IN_META) || is_link_dominated(l))
            ok = false;
        else if (bgi_buf_append(&b, line_text(r, l), l->len))
            ok = false;
    }
    if (ok) {
        char *sq = bgi_html_squeeze(b.data ? b.data : "", b.len);
        ok = sq && strcmp(sq, t) == 0;
        free(sq);
    }
    bgi_buf_free(&b);
    return ok;
}

/* The article's title: the lines that spell the page's stated title, last
 * before the article or first in it; else the last <h1> before it. */
title_span bgi_html_find_title(const reader *r, size_t art_first, size_t art_end, const char *title)
{
    title_span found = {0, 0};
    char *t = title ? bgi_html_squeeze(title, strlen(title)) : NULL;
    if (t && *t) {
        size_t limit = art_first + 4 < art_end ? art_first + 4 : art_end;
        for (size_t k = 0; k < limit; k++)
            for (size_t c = 1; c <= TITLE_WINDOW_LINES && k + c <= r->n_lines; c++)
                if (lines_match_title(r, k, c, t)) {
                    if (found.count == 0 || k < art_first)
                        found = (title_span){k, c};
                    break;
                }
    }
    free(t);
    if (found.count)
        return found;
    for (size_t k = art_first; k-- > 0;) {
        const line *l = &r->lines[k];
        if (l->heading == 1 && !(l->inh & IN_META) && !is_link_dominated(l)) {
            size_t c = 1;
            while (k > 0 && c < TITLE_WINDOW_LINES && r->lines[k - 1].owner == l->owner
                   && r->lines[k - 1].heading == 1)
                k--, c++;
            return (title_span){k, c};
        }
    }
    if (art_first < art_end && r->lines[art_first].heading == 1)
        return (title_span){art_first, 1};
    return found;
}
