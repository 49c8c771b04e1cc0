/* qparse.h — the query syntax, before any analysis:
 *
 *   words            all must match (each word may be a run of Chinese text)
 *   "a phrase"       quoted text must occur as written (also “…” and 「…」)
 *   -word  -"…"      passages containing it are excluded (also full-width －)
 *   a OR b           either (binds tighter than the implicit AND)
 *
 * Anything else is literal text: unbalanced quotes run to the end of the
 * query, stray operators are treated as words or ignored. Limits (documented
 * in docs/format.md): BG_QUERY_MAX_BYTES bytes, BG_QUERY_MAX_ITEMS items. */
#ifndef BG_QPARSE_H
#define BG_QPARSE_H

#include <stddef.h>

#include "bgi_err.h"

#define BG_QUERY_MAX_BYTES 1024
#define BG_QUERY_MAX_ITEMS 32

typedef struct bgi_qitem {
    char *text;      /* the item's text without quotes or '-', owned, NUL-terminated */
    int quoted;      /* was in quotes: phrase only, no scattered-word matching */
    int negated;     /* excluded */
    int group;       /* items with the same group number are OR-ed */
} bgi_qitem;

typedef struct bgi_qparsed {
    bgi_qitem *items;
    size_t n;
    int n_groups;
} bgi_qparsed;

/* Splits query into items. Errors: BG_EQUERY (empty), BG_ETOOBIG (over the
 * limits). */
int bgi_query_parse(bgi_qparsed *out, const char *query, bgi_err *err);
void bgi_qparsed_clear(bgi_qparsed *q);

#endif
