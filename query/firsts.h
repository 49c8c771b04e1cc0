/* firsts.h — the records of reports' first passages, which hold what every
 * passage of a report shares: its path, title, body, format, date, number,
 * kind, and the headings its passages' section paths index (docs/format.md,
 * "Document data"). A page's hits note the ones they need; one fetch reads
 * them (directly where the shard is local, else with one search for their Q
 * terms, whatever the shards); the records read stay on the handle while
 * its reader shows the same data, so that the next page, or the same page
 * again, reads none of them again. */
#ifndef BG_FIRSTS_H
#define BG_FIRSTS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "store.h"

/* The first passages one page needs. Zero-initialise; bgi_firsts_clear. */
typedef struct bgi_firsts {
    struct bgi_first_ref *ref;
    size_t n, cap, fetched;       /* ref[0, fetched) looked up */
} bgi_firsts;
void bgi_firsts_clear(bgi_firsts *f);

/* Notes the first passage that rec, the record of document docid of ix's
 * reader, needs: none when rec holds its report's fields itself. 0 or
 * BG_ENOMEM. */
int bgi_firsts_need(bgi_firsts *f, const cJSON *rec, uint32_t docid);
/* Reads the records noted since the last fetch that the handle does not hold
 * yet. 0 or a negative code (ix->err set). */
int bgi_firsts_fetch(bgi_firsts *f, bg_index *ix);
/* The record holding rec's report's fields: rec itself, its report's first
 * passage's (owned by the handle, valid until the next fetch), or NULL when
 * that could not be read (a report still being written). */
const cJSON *bgi_firsts_get(bg_index *ix, const cJSON *rec);

#endif
