/* synonyms.h — names written in full and in short (data/synonyms.txt:
 * 国有企业 ↔ 国企), which the matching tiers of a search accept for each
 * other. The exact matches never use them. */
#ifndef BG_SYNONYMS_H
#define BG_SYNONYMS_H

#include <stddef.h>

#define BGI_MAX_SYNONYMS 4

/* The first name of the list that text holds (at its byte offset *at, *len
 * bytes; the longest where several start there): writes at most max other
 * names of its group to alts (pointers into the list, which is read once and
 * kept for the life of the process) and returns how many; 0 when text holds
 * no name or the list cannot be read (the installed list, else the source
 * tree's). */
size_t bgi_synonym_find(size_t *at, size_t *len, const char **alts, size_t max, const char *text);

#endif
