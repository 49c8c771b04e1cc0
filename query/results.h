/* results.h — the inside of bg_results / bg_hit, shared by search.c (which
 * fills them) and json.c (which prints them). */
#ifndef BG_RESULTS_H
#define BG_RESULTS_H

#include <stddef.h>

#include "baogao.h"
#include "store.h"

/* Another copy of a hit's text. */
struct bgi_copy {
    char *report;
    size_t line;
    char format[8];
};

struct bg_hit {
    size_t rank;
    double score;
    int kind;
    char *text, *report, *title, *body, *id;
    size_t line;
    int year;
    char format[8];          /* "txt", "html", "pdf", "docx", … */
    char *date, *docno;      /* NULL when the document states none */
    char *doc_kind;          /* "" when none */
    char texthash[17];       /* of its normalised text, "" for none */
    struct bgi_copy *copies;  /* the other copies of the text */
    size_t n_copies;
    int page;                /* PDF: the page the passage starts on; 0 otherwise */
    char **section;
    size_t n_section;
    size_t *mstart, *mend;   /* match ranges in text */
    size_t n_matches;
    const char *match;       /* "exact", "all_words" or "partial" (static) */
};

typedef struct bgi_facet_count {
    char *value;
    size_t count;
} bgi_facet_count;

struct bg_results {
    char *query;
    size_t total;
    size_t total_lower, total_upper;   /* equal to total when total_exact */
    int total_exact, facets_exact;     /* docs/format.md, "Totals" */
    bg_hit *hits;
    size_t n_hits;
    bgi_facet_count *years, *bodies, *kinds;
    size_t n_years, n_bodies, n_kinds;
    bg_names missing;
};

#endif
