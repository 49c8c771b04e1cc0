/* bodies.h — the body filter of a search: an issuing body's full name, a
 * known short name (data/bodies.txt: 中共中央 → 中国共产党中央委员会) or the
 * start of a name (国务 → 国务院, 国务院办公厅). */
#ifndef BG_BODIES_H
#define BG_BODIES_H

#include <stddef.h>

#include "bgi_err.h"
#include "bgx.h"

/* The full name data/bodies.txt gives for short (malloc'ed), or NULL when it
 * lists none (or the file is missing). path NULL: the installed list, else the
 * source tree's. */
char *bgi_body_full_name(const char *path, const char *short_name);

/* The filter for body over reader's index: the body itself when the index
 * has it (a facet's value then filters to its count); else, for a known
 * short name, the short name or any body starting with its full name; else
 * any body starting with body. 0, or BG_ENOMEM / BG_EXAPIAN. */
int bgi_body_filter(bgx_query **out, bgx_reader *reader, const char *body, bgi_err *err);

#endif
