/* qbuild.h — from parsed query items to a Xapian query, through the same
 * analyser as the documents, and the "needles" the highlighter looks for.
 *
 * Each item matches passages that contain its normalised text as a substring
 * (a phrase of character bigrams, or a unigram for one character), or — when
 * unquoted — all of its words anywhere. Weights make whole-word / exact-phrase
 * matches outrank substring-only matches, and those outrank scattered words;
 * words of the enclosing headings add a boost (passages about the topic). */
#ifndef BG_QBUILD_H
#define BG_QBUILD_H

#include <stddef.h>

#include "analysis.h"
#include "bgx.h"
#include "qparse.h"

/* One normalised string the highlighter looks for in a passage. */
typedef struct bgi_needle {
    char *text;      /* normalised chars concatenated (a run) or a word; owned */
    size_t len;
    /* 0: a run of chars, matched anywhere (not across a run break);
     * 1: a word, matched as a whole WORD token;
     * 2: the item's whole normalised text, the first needle of each item:
     *    where a passage holds it, only it is marked (not its runs and words). */
    int is_word;
} bgi_needle;

/* The work a query may ask for, in index terms (see qbuild.c): the terms one
 * character standing alone stands for, those of all such characters of a
 * query together, and all the query's terms. */
#define BGI_QUERY_WILDCARD_TERMS 100
#define BGI_QUERY_MAX_EXPANDED 500
#define BGI_QUERY_MAX_TERMS 1500

typedef struct bgi_qplan {
    bgx_query *query;     /* owned */
    bgi_needle *needles;   /* owned */
    size_t n_needles;
    int has_copies;        /* the index holds copies of some text (XZ): hits list
                              theirs; without any, that lookup is skipped */
    size_t n_terms;        /* index terms the query holds (its work: each is a
                              posting list per shard), at most BGI_QUERY_MAX_TERMS */
    size_t n_expanded;     /* of which characters standing alone stand for, at
                              most BGI_QUERY_MAX_EXPANDED */
    /* The matching strategy (docs/format.md "Queries"): query finds the exact
     * matches; tiers[0] the passages holding all the query's words in any
     * order, tiers[1] most of them, the tiers before included (the search
     * takes those out); NULL when the query has no such tier (one word,
     * quoted, OR groups). */
    bgx_query *tiers[2];
    int source;            /* a pasted text (bgi_qplan_build_source) */
} bgi_qplan;

/* A query of at least this many characters is a pasted text, searched for
 * its source (bgi_qplan_build_source) rather than parsed; up to
 * BGI_SOURCE_MAX_CHARS. */
#define BGI_SOURCE_MIN_CHARS 100
#define BGI_SOURCE_MAX_CHARS 2000

/* Builds the plan. A one-character item matches the (at most
 * BGI_QUERY_WILDCARD_TERMS) most frequent bigrams it starts, listed from terms
 * (may be NULL: Xapian then lists them shard by shard, which gives other
 * weights where shards are remote). BG_EQUERY when nothing in the query is
 * searchable (only punctuation, or only exclusions); BG_ETOOBIG, naming the
 * word to shorten, when the query would hold more than BGI_QUERY_MAX_TERMS
 * index terms, or its characters standing alone more than
 * BGI_QUERY_MAX_EXPANDED. */
/* With strict (a search that keeps the exact matches only), every item
 * matches as written, also inside an OR (稳就业 OR 稳增长 does not match 稳
 * … 增长), and its words are no needles of their own: the highlighter marks
 * the item, or its runs where it has several; and the plan has no tiers. */
int bgi_qplan_build(bgi_qplan *out, bgi_analyzer *an, bgx_reader *terms, const bgi_qparsed *parsed, int strict,
                    bgi_err *err);
void bgi_qplan_clear(bgi_qplan *plan);

/* The plan for a pasted text (a sentence or paragraph of up to
 * BGI_SOURCE_MAX_CHARS characters; BG_ETOOBIG past that): the passages
 * holding the most of its sampled 5-character phrases and bigrams rank
 * first, so the passage it came from is found despite other punctuation or
 * a few changed characters. No character standing alone is expanded, and
 * the plan holds at most a few hundred terms. */
int bgi_qplan_build_source(bgi_qplan *out, bgi_analyzer *an, const char *text, bgi_err *err);

#endif
