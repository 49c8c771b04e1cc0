/* bgx.h — baogao's small C binding of Xapian (implemented in bgx.cc).
 *
 * Xapian is C++ and has no C API. Each handle here boxes one Xapian object;
 * every entry point catches every exception (Xapian::Error, std::bad_alloc,
 * anything else) at the boundary, returns a negative BG_E* code and copies the
 * message into the caller's bgi_err. No C++ type appears in this header.
 *
 * Functions returning a pointer return NULL only when out of memory (or, for
 * query constructors, when an argument is NULL); those never throw across. */
#ifndef BG_BGX_H
#define BG_BGX_H

#include <stddef.h>
#include <stdint.h>

#include "bgi_err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- documents --------------------------------------------------------- */

typedef struct bgx_doc bgx_doc;

bgx_doc *bgx_doc_new(void);
void bgx_doc_free(bgx_doc *doc);
/* Adds term (len bytes) at position pos (1-based, as Xapian wants), wdf += wdfinc. */
int bgx_doc_add_posting(bgx_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdfinc, bgi_err *err);
/* Adds term without a position, wdf += wdfinc (0 for a boolean filter term). */
int bgx_doc_add_term(bgx_doc *doc, const char *term, size_t len, uint32_t wdfinc, bgi_err *err);
int bgx_doc_set_data(bgx_doc *doc, const char *data, size_t len, bgi_err *err);
int bgx_doc_set_value(bgx_doc *doc, unsigned slot, const char *val, size_t len, bgi_err *err);

/* ---- writable shard ----------------------------------------------------- */

typedef struct bgx_writer bgx_writer;

/* Opens (creating if create) the glass database at path and begins a
 * transaction, so nothing written becomes visible before bgx_writer_commit().
 * A second writer on the same path fails with BG_ELOCKED. */
int bgx_writer_open(bgx_writer **out, const char *path, int create, bgi_err *err);
/* Closes the shard; an uncommitted transaction is cancelled. NULL allowed. */
void bgx_writer_free(bgx_writer *w);
int bgx_writer_add(bgx_writer *w, const bgx_doc *doc, bgi_err *err);
/* Deletes every document indexed by term. */
int bgx_writer_delete_term(bgx_writer *w, const char *term, bgi_err *err);
/* Metadata; an empty value deletes the key. */
int bgx_writer_set_metadata(bgx_writer *w, const char *key, const char *val, size_t len, bgi_err *err);
/* How many documents hold term, the writer's uncommitted changes included. */
int bgx_writer_termfreq(bgx_writer *w, const char *term, size_t len, uint32_t *freq, bgi_err *err);
/* The first term starting with prefix of the first document holding select
 * (malloc'ed into *out; NULL when there is none). */
int bgx_writer_first_term_of(bgx_writer *w, const char *select, const char *prefix, char **out, bgi_err *err);
/* Calls cb with the first term starting with prefix of every document that
 * holds select, leaving out the documents that hold the term skip_marked
 * (NULL: none left out); cb's non-zero return stops and is returned. */
int bgx_writer_foreach_term_of(bgx_writer *w, const char *select, const char *prefix, const char *skip_marked,
                               int (*cb)(void *ctx, const char *term, size_t len), void *ctx, bgi_err *err);
/* When every document holding select also holds the term marker, removes
 * marker from the first of them (*promoted = 1); otherwise changes nothing. */
int bgx_writer_promote(bgx_writer *w, const char *select, const char *marker, int *promoted, bgi_err *err);
/* Replaces the data of the first document holding select with data[0..len),
 * leaving its terms and values as they are; BG_ENOTFOUND when no document
 * holds select. */
int bgx_writer_replace_data(bgx_writer *w, const char *select, const char *data, size_t len, bgi_err *err);
/* *val is malloc'ed and NUL-terminated (free()); "" when absent. */
int bgx_writer_get_metadata(bgx_writer *w, const char *key, char **val, size_t *len, bgi_err *err);
/* Commits the transaction and begins the next one. */
int bgx_writer_commit(bgx_writer *w, bgi_err *err);
/* Documents changed since the last commit (to bound a transaction's memory). */
size_t bgx_writer_pending(const bgx_writer *w);

/* Writes a compacted copy of the glass database src to dst (which must not
 * exist): same documents, smaller and faster tables. */
int bgx_compact(const char *src, const char *dst, bgi_err *err);

/* ---- read-only database (one shard or a stub listing shards) ------------ */

typedef struct bgx_reader bgx_reader;

/* Opens path for reading: a glass database, or a stub database / a directory
 * holding a XAPIANDB stub. BG_ENOTFOUND when nothing is there. */
int bgx_reader_open(bgx_reader **out, const char *path, bgi_err *err);

/* One shard of a combined reader: a local glass database (path), a remote
 * database served by xapian-tcpsrv (host, port) or by a program speaking the
 * remote protocol on its stdin/stdout (program, args: xapian-progsrv). */
typedef struct bgx_shard {
    const char *name;      /* how messages name it: "remote HOST:PORT" or the path */
    const char *path;      /* local glass database, else NULL */
    const char *host;      /* remote over TCP, else NULL */
    unsigned port;
    const char *program;   /* remote through a program, else NULL */
    const char *args;
} bgx_shard;

/* How a combined reader treats remote shards. */
typedef struct bgx_remote_policy {
    unsigned timeout_ms;   /* connecting and each exchange with a remote shard */
    int allow_partial;     /* answer from the shards that are up */
} bgx_remote_policy;

/* Opens shards[0..n) as one database, in that order. A remote shard that
 * cannot be reached within the timeout fails the open with BG_EUNAVAILABLE
 * naming it, or, with allow_partial, is left out and listed by
 * bgx_reader_missing(). The same holds when a remote shard fails later, in
 * any read: the failed remote shards are reconnected once to tell which are
 * down, and the read is retried on the others. Local shards that fail always
 * fail the call. */
int bgx_reader_open_shards(bgx_reader **out, const bgx_shard *shards, size_t n, const bgx_remote_policy *policy,
                           bgi_err *err);
/* Breaks ties between equal weights by the value in slot (ascending) rather
 * than by docid, whose numbering depends on how the shards are combined. */
void bgx_reader_set_tie_slot(bgx_reader *r, unsigned slot);
/* The shards left out of r (allow_partial only): i < count, the name as given. */
size_t bgx_reader_missing_count(const bgx_reader *r);
const char *bgx_reader_missing_name(const bgx_reader *r, size_t i);
void bgx_reader_free(bgx_reader *r);
/* Moves the reader to the latest committed revision. A combined reader also
 * tries again, at most every few seconds, the remote shards it left out. */
int bgx_reader_reopen(bgx_reader *r, bgi_err *err);
/* A number that changes whenever r may show other data than before (a new
 * revision, a shard taken out or back): what was read from r before is
 * still valid while it stays the same. */
uint64_t bgx_reader_generation(const bgx_reader *r);
uint32_t bgx_reader_doccount(const bgx_reader *r);
/* Revision of a single shard (for change detection); 0 for a combined one.
 * For a remote shard, a number made of its last docid and document count. */
uint64_t bgx_reader_revision(const bgx_reader *r);
/* Metadata of a single-shard reader (first shard of a stub). *val malloc'ed. */
int bgx_reader_get_metadata(bgx_reader *r, const char *key, char **val, size_t *len, bgi_err *err);
/* Calls cb for each metadata key starting with prefix (single shard). */
int bgx_reader_foreach_metadata(bgx_reader *r, const char *prefix,
                                int (*cb)(void *ctx, const char *key, const char *val, size_t len),
                                void *ctx, bgi_err *err);
/* The data of the first document indexed by term (malloc'ed, NUL-terminated;
 * free()); BG_ENOTFOUND when no document has it. */
int bgx_reader_term_doc_data(bgx_reader *r, const char *term, char **data, size_t *len, bgi_err *err);
/* The data of the document back documents before docid in docid's shard,
 * when that shard is local: the documents a writer adds to a shard one after
 * another have consecutive ids there, so a report's first passage is its
 * ordinal-th before any of its passages (the caller checks that it is).
 * BG_ENOTFOUND when the shard is remote (a server may number several shards
 * as one) or holds no such document. */
int bgx_reader_doc_data_before(bgx_reader *r, uint32_t docid, uint32_t back, char **data, size_t *len,
                               bgi_err *err);
/* Whether r is one remote shard (whose metadata, and revision, Xapian cannot
 * give when its server combines several databases). */
int bgx_reader_is_remote(const bgx_reader *r);
/* Number of documents indexed by term (0 if none). */
int bgx_reader_termfreq(bgx_reader *r, const char *term, uint32_t *freq, bgi_err *err);
/* Calls cb for each term starting with prefix, in byte order; a non-zero
 * return from cb stops the walk and is returned. */
int bgx_reader_foreach_term(bgx_reader *r, const char *prefix,
                            int (*cb)(void *ctx, const char *term, size_t len), void *ctx, bgi_err *err);

/* ---- queries ------------------------------------------------------------ */

typedef struct bgx_query bgx_query;

enum {
    BGX_OP_AND, BGX_OP_OR, BGX_OP_AND_NOT, BGX_OP_AND_MAYBE, BGX_OP_FILTER,
    BGX_OP_PHRASE, BGX_OP_NEAR, BGX_OP_SYNONYM, BGX_OP_ELITE_SET,
};

/* A term (len bytes) with query-frequency wqf and query position pos. */
bgx_query *bgx_query_term(const char *term, size_t len, uint32_t wqf, uint32_t pos);
/* Every term starting with prefix (len bytes), as one synonym (weighted like
 * a single term); with max_terms > 0 only the max_terms most frequent of
 * each shard (a one-character prefix can match thousands). */
bgx_query *bgx_query_wildcard(const char *prefix, size_t len, size_t max_terms);
/* Every term of r starting with prefix (len bytes), as one synonym: what
 * bgx_query_wildcard() matches, but expanded here, over the terms of every
 * shard. A remote shard would otherwise expand it over its own terms only,
 * and its weights would differ from one database holding every shard. With
 * max_terms > 0 only the max_terms most frequent terms (over all shards)
 * are kept; *n_terms (may be NULL) gets how many the synonym holds. */
int bgx_reader_wildcard(bgx_query **out, bgx_reader *r, const char *prefix, size_t len, size_t max_terms,
                        size_t *n_terms, bgi_err *err);
/* For messages: the name of the shard of r holding document docid (as a hit
 * gives it), and its id in that shard (*in_shard, may be NULL). Valid while
 * r is neither reopened nor freed. */
const char *bgx_reader_shard_of(const bgx_reader *r, uint32_t docid, uint32_t *in_shard);
/* Combines n subqueries (NULL entries are skipped); window is for PHRASE/NEAR
 * (0 = number of subqueries). */
bgx_query *bgx_query_combine(int op, bgx_query *const *subs, size_t n, uint32_t window);
/* Multiplies the weight of q by factor (factor 0 makes q a pure filter). */
bgx_query *bgx_query_scale(const bgx_query *q, double factor);
bgx_query *bgx_query_match_all(void);
bgx_query *bgx_query_match_nothing(void);
int bgx_query_is_empty(const bgx_query *q);
void bgx_query_free(bgx_query *q);
/* Xapian's description of q (malloc'ed), for debugging and tests. */
char *bgx_query_describe(const bgx_query *q);

/* ---- matching ----------------------------------------------------------- */

typedef struct bgx_hit {
    uint32_t docid;
    double weight;
    char *data;        /* document data, malloc'ed copy, NUL-terminated */
    size_t data_len;
} bgx_hit;

typedef struct bgx_facet {
    char *value;       /* malloc'ed */
    uint32_t count;
} bgx_facet;

typedef struct bgx_match {
    size_t total;            /* matching documents: exact, or Xapian's estimate (total_exact 0) */
    size_t total_lower;      /* bounds of total (both equal to it when exact) */
    size_t total_upper;
    int total_exact;         /* 1: total counts every match */
    int facets_exact;        /* 1: the facets count every match; 0: counted over the
                                matches checked and scaled up to the estimate (see
                                bgx_count) */
    int partitions_complete; /* 0 when a value constant within a partition (bgx_count)
                                may have a match and still be missing from the facets */
    size_t unvalued[4];      /* matches without a value in facet slot i (scaled as the
                                facets are) */
    bgx_hit *hits;           /* n_hits entries */
    size_t n_hits;
    /* Value counts for each slot asked for in facet_slots, in the same order. */
    bgx_facet *facets[4];
    size_t n_facets[4];
} bgx_match;

/* How far a match counts. check_at_least 0 counts every match: total and
 * facets exact. Otherwise the match checks at least check_at_least documents
 * (and at least offset + limit); when more match, total is Xapian's estimate
 * within its bounds, and the facets come from a second, cheap match in each
 * shard on its own (no weights), which checks at least check_at_least / shards
 * of that shard's matches and scales its counts up to that shard's estimate.
 * A shard that matches fewer is counted exactly, so a value that is constant
 * within a shard (the year of a year shard) is listed whenever the shard has
 * a match. partition_prefix (may be NULL) names the terms that say so: a
 * shard whose count was sampled and that holds two or more terms with that
 * prefix (a remote server combining several years) makes partitions_complete
 * 0, and the caller must look for the values the sample may have missed. */
typedef struct bgx_count {
    size_t check_at_least;
    const char *partition_prefix;
} bgx_count;

/* Runs q and fills out with hits [offset, offset+limit), their data copied.
 * facet_slots (n_facet_slots <= 4) asks for value counts over ALL matches (the
 * match is then exhaustive). On DatabaseModifiedError the reader reopens and
 * retries. Free out with bgx_match_clear(). */
int bgx_search(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t offset, size_t limit,
               const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err);
/* bgx_search counting as count says (NULL: every match, as bgx_search). */
int bgx_search_counted(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t offset, size_t limit,
                       const bgx_count *count, const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err);
void bgx_match_clear(bgx_match *m);

/* Like bgx_search from offset 0, but keeps only the best collapse_max hits of
 * each value of slot collapse_slot (e.g. the best 3 passages of each year).
 * Facets still count every match (or a sample, as count says), and total is
 * then of every match too (not only those kept); without facet slots it is
 * Xapian's estimate. */
int bgx_search_collapsed(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t limit,
                         unsigned collapse_slot, size_t collapse_max, const bgx_count *count,
                         const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err);

/* ---- relevance feedback ------------------------------------------------- */

typedef struct bgx_eterm {
    char *term;        /* malloc'ed, NUL-terminated */
    size_t len;
    double weight;     /* Xapian's expand weight: higher = more characteristic */
} bgx_eterm;

/* The best max_terms expansion terms (Enquire::get_eset, exact term
 * frequencies) for a relevance set holding the one document indexed by the
 * unique term rel_term: the terms that best tell that document apart from the
 * rest of the index, best first. Only terms keep(ctx, term, len) accepts are
 * considered (keep may be NULL). *n = 0 when no document has rel_term. Free
 * with bgx_eterms_free(). */
int bgx_expand(bgx_eterm **out, size_t *n, bgx_reader *r, const char *rel_term, size_t max_terms,
               int (*keep)(void *ctx, const char *term, size_t len), void *ctx, bgi_err *err);
void bgx_eterms_free(bgx_eterm *terms, size_t n);

/* ---- counting occurrences (trends) ------------------------------------- */

/* A string a trend counts, as index terms: the bigrams of its characters at
 * consecutive positions (terms[0] at the position of its first character
 * + 1, as docs/format.md lays them down). */
typedef struct bgx_phrase {
    const char *const *terms;
    const size_t *lens;
    size_t n;            /* at least 1 */
    int edge_ends;       /* it starts or ends with a number's edge: two of its
                            occurrences with no position between are counted in
                            the text even across a break (in ⑴⑴, which NFKC
                            makes (1)(1), the 1s touch in the original) */
    int optional;        /* one of several ORed: a document matching q may
                            lack it (else a document without it is unsure) */
} bgx_phrase;

/* What bgx_count_phrases() counted. */
typedef struct bgx_occurrences {
    int supported;       /* 0: nothing was counted (r has remote shards, or
                            is one path; or most documents would have to be
                            read): count them from the passages */
    size_t matched;      /* documents q matched */
    int *years;          /* occurrences per year (the value in year_slot) in
                            the documents settled here; n_years entries */
    size_t *counts;
    size_t n_years;
    size_t settled;      /* documents counted from their terms */
    bgx_hit *unsure;     /* documents with a year that the terms cannot
                            settle, their data copied, for the caller to
                            count in the text (docid: in its shard) */
    size_t n_unsure;
} bgx_occurrences;

/* For every document matching q in r's local shards that has a year (the
 * value in year_slot; "0000" is none) — q must require every phrase that
 * is not optional, and at least one —
 * counts the occurrences of phrases[0..n), each taken left to right without
 * overlap (as a substring search does), from posting lists and positions,
 * reading no document's data: a phrase of one bigram counts its wdf in the
 * documents that lack the bigram of its last and first characters, others
 * read their terms' positions. joins[a * n + b] (join_lens alike) is the
 * bigram of phrase a's last character and phrase b's first: where the
 * document holds it at the junction of an occurrence of a and the next of
 * b, the two may touch in the text (where the highlighter makes them one);
 * such documents, and those where occurrences overlap or a phrase has none,
 * are listed in out->unsure. Free out with bgx_occurrences_clear(). */
int bgx_count_phrases(bgx_occurrences *out, bgx_reader *r, const bgx_query *q, const bgx_phrase *phrases, size_t n,
                      const char *const *joins, const size_t *join_lens, unsigned year_slot, bgi_err *err);
void bgx_occurrences_clear(bgx_occurrences *o);

/* ---- checking a shard (xapian/bgx.cc, at its end) ----------------------- */

/* Bits of bgx_shard_check()'s *damaged: the glass tables, in Xapian's order. */
enum {
    BGX_TABLE_POSTLIST = 1, BGX_TABLE_DOCDATA = 2, BGX_TABLE_TERMLIST = 4,
    BGX_TABLE_POSITION = 8, BGX_TABLE_SPELLING = 16, BGX_TABLE_SYNONYM = 32,
};
/* Checks the structure of the glass shard at path — its version file, then
 * every B-tree block and free-list block of every table — reading the files
 * itself, before Xapian touches them: Xapian 1.4 trusts its blocks, and a
 * damaged one can crash a writer. 0 when sound; BG_EXAPIAN when damaged,
 * with the tables that are in *damaged and the first damage found in err
 * ("position.glass block 3: stored total free space value wrong"). Tags
 * (posting lists, document data) are not decoded: damage there is what
 * Xapian reports as DatabaseCorruptError. What the walk finds while a
 * writer commits is damage only if the shard is still at the revision it
 * read; otherwise it walks again (and after 8 moves reports none). */
int bgx_shard_check(const char *path, unsigned *damaged, bgi_err *err);
/* Calls cb with the data of every document of the shard at path, read from
 * its docdata table alone (for a repair, when the other tables are damaged);
 * cb's non-zero return stops and is returned. */
int bgx_shard_foreach_doc_data(const char *path, int (*cb)(void *ctx, const char *data, size_t len), void *ctx,
                               bgi_err *err);

#ifdef __cplusplus
}
#endif

#endif
