/* qparse.h — the query syntax, before any analysis (docs/query.md):
 *
 *   words            all must match (each word may be a run of Chinese text)
 *   "a phrase"       quoted text must occur as written (also “…” and 「…」)
 *   -word  -"…"      passages containing it are excluded (also full-width －)
 *   +word            required (as a plain word; inside an OR it is required
 *                    and the other side only adds weight)
 *   a OR b           either; binds tighter than the implicit AND of words
 *   a AND b          both; a NOT b: a without b. AND and NOT bind tighter
 *                    than OR (as in Xapian's QueryParser): a OR b NOT c is
 *                    a OR (b NOT c). Upper case only: and/or/not are words.
 *   ( … )            grouping (ASCII parentheses at the edges of words)
 *
 * Anything else is literal text: unbalanced quotes run to the end of the
 * query, an unclosed parenthesis closes at the end, stray operators and
 * closing parentheses are ignored. Limits (documented in docs/format.md):
 * BG_QUERY_MAX_BYTES bytes, BG_QUERY_MAX_ITEMS items, BG_QUERY_MAX_DEPTH
 * nested parentheses (deeper ones are ignored). */
#ifndef BG_QPARSE_H
#define BG_QPARSE_H

#include <stddef.h>

#include "bgi_err.h"

#define BG_QUERY_MAX_BYTES 1024
#define BG_QUERY_MAX_ITEMS 32
#define BG_QUERY_MAX_DEPTH 16

typedef struct bgi_qitem {
    char *text;      /* the item's text without quotes or '-', owned, NUL-terminated */
    int quoted;      /* was in quotes: phrase only, no scattered-word matching */
    int negated;     /* excluded (it stands under an exclusion in the tree) */
    int group;       /* the top-level conjunct the item belongs to (1..n_groups):
                        for a query without parentheses, AND or NOT, items with
                        the same group are OR-ed */
} bgi_qitem;

/* The query's structure: a tree of nodes over the items. */
enum { BGI_QN_ITEM, BGI_QN_AND, BGI_QN_OR };
enum { BGI_QS_PLAIN = 0, BGI_QS_REQUIRED = 1, BGI_QS_EXCLUDED = -1 };

typedef struct bgi_qnode {
    int op;          /* BGI_QN_ITEM, or a list: BGI_QN_AND / BGI_QN_OR */
    int item;        /* BGI_QN_ITEM: index into items */
    int sign;        /* how the node stands in its parent: BGI_QS_* */
    int child, last; /* a list's first and last child (node indices), -1 = none */
    int next;        /* the next sibling, -1 = none */
} bgi_qnode;

typedef struct bgi_qparsed {
    bgi_qitem *items;
    size_t n;
    int n_groups;
    bgi_qnode *nodes;
    size_t n_nodes;
    int root;        /* an AND list: the top-level conjuncts */
} bgi_qparsed;

/* Splits query into items and their tree. Errors: BG_EQUERY (empty),
 * BG_ETOOBIG (over the limits). */
int bgi_query_parse(bgi_qparsed *out, const char *query, bgi_err *err);
void bgi_qparsed_clear(bgi_qparsed *q);

#endif
