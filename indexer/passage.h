/* passage.h — one unit of a report (heading, paragraph or measure) as one
 * Xapian document: its words, n-grams, heading words and the stored record
 * (passage.c; what is stored: docs/format.md, built by store/scheme.c). */
#ifndef BG_PASSAGE_H
#define BG_PASSAGE_H

#include <stddef.h>

#include "analysis.h"
#include "bgi_err.h"
#include "bgx.h"
#include "document.h"
#include "meta.h"
#include "structure.h"

/* The section headings of a report, each once: its passages' section paths
 * index them, and its first passage stores them (docs/format.md). */
typedef struct bgi_headings {
    char **v;
    size_t n, cap;
    size_t bytes;                     /* of the headings taken */
    long last[BG_OUTLINE_MAX_DEPTH + 2];   /* the index of each level of the path before */
} bgi_headings;
void bgi_headings_clear(bgi_headings *h);

typedef struct bgi_passage_ctx {
    bgi_analyzer *an;
    const bgi_meta *meta;
    const char *report;     /* path as indexed */
    const char *report_id;  /* its content's (docs/format.md, "Identity") */
    const char *path_key;   /* of its real path: the XP term of its first passage */
    size_t ordinal;         /* passage number within the file, from 0 */
    const char *format;     /* "txt", "html", "pdf", … (bgi_format_name) */
    size_t report_chars;    /* characters of the whole document's text */
    const bgi_para_info *paras;  /* per line of the document; NULL for plain text */
    size_t n_paras;
    bgi_headings *headings;      /* the report's, filled as passages are built */
    char *first_data;            /* the first passage's stored data (malloc'ed; the
                                    caller frees it), to add the headings to at the end */
} bgi_passage_ctx;

/* *out gets the document; texthash_term (BG_TERM_MAX bytes) its XH term,
 * "" for a passage without characters (punctuation only). */
int bgi_passage_build(bgx_doc **out, char *texthash_term, bgi_passage_ctx *ctx, const bgi_unit *u,
                     bgi_err *err);

#endif
