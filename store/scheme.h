/* scheme.h — term prefixes, value slots and metadata keys of the index.
 * docs/format.md explains them; change both together. */
#ifndef BG_SCHEME_H
#define BG_SCHEME_H

#define BG_FORMAT_VERSION "3"

/* Terms. Words carry no prefix. */
#define BG_PREFIX_BIGRAM "B"    /* two adjacent normalised chars, positional */
#define BG_PREFIX_UNIGRAM "U"   /* one normalised char, no positions */
#define BG_PREFIX_HEADING "H"   /* a word of an enclosing heading, no positions */
#define BG_PREFIX_YEAR "Y"      /* boolean: Y2022 */
#define BG_PREFIX_KIND "K"      /* boolean: Kheading, Kparagraph, Kmeasure */
#define BG_PREFIX_FILE "F"      /* boolean: F<file id> on every passage of a file */
#define BG_PREFIX_ID "Q"        /* unique: Q<file id>:<ordinal> */
#define BG_PREFIX_BODY "XB"     /* boolean: XB<issuing body> */

/* Value slots. */
#define BG_SLOT_YEAR 0          /* "2022" */
#define BG_SLOT_BODY 1          /* issuing body */
#define BG_SLOT_KIND 2          /* "heading" / "paragraph" / "measure" */
#define BG_SLOT_ID 3            /* the passage id (<file id>:<ordinal>): breaks ties
                                   between equal scores the same way however the
                                   shards are combined */
#define BG_SLOT_FACETS 4        /* year and a hash of the issuing body in 14 bytes:
                                   both facets from one short value per match
                                   (bg_facet_key, query/facets.c) */

/* Metadata keys (per shard). */
#define BG_META_FILE "file:"      /* + file id → JSON record of the report */
#define BG_META_LEXICON "lexicon" /* the normalised lexicon the shard was built with */
#define BG_META_ANALYSIS "analysis" /* analyser fingerprint, hex */
#define BG_META_FORMAT "format"   /* BG_FORMAT_VERSION */

/* Extra within-document frequency for words of the lead sentence. A report's
 * paragraph opens with its topic ("加强食品安全监管。…"), so a word there counts
 * as much as five mentions further on (bench/quality: nDCG@10 a little higher
 * with 4 than with 2; docs/quality.md). */
#define BG_LEAD_WDF_BOOST 4

#endif
