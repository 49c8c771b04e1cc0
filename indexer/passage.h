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
} bgi_passage_ctx;

/* *out gets the document; texthash_term (BG_TERM_MAX bytes) its XH term,
 * "" for a passage without characters (punctuation only). */
int bgi_passage_build(bgx_doc **out, char *texthash_term, const bgi_passage_ctx *ctx, const bgi_unit *u,
                     bgi_err *err);

#endif
