/* search_priv.h — what search.c shares with the other ways of searching
 * (by year, figures, similar passages: byyear.c, figures.c, like.c) and the
 * inside of their result types, which json.c prints. docs/years.md describes
 * the features. */
#ifndef BG_SEARCH_PRIV_H
#define BG_SEARCH_PRIV_H

#include <stddef.h>

#include "store.h"
#include "qbuild.h"
#include "results.h"

/* Hits of a page are capped at this; so are the passages --figures reads. */
#define BG_MAX_LIMIT 10000

/* Refreshes ix, then parses query and builds its plan with o's year and body
 * filters applied. For an index with no reports, returns 0 with
 * plan->query == NULL. */
int bgi_search_plan(bgi_qplan *plan, bg_index *ix, const char *query, const bg_search_options *o);

/* The page size o asks for (0 means 10), or BG_ETOOBIG past the limits. */
int bgi_search_page(size_t *limit, const bg_search_options *o, bgi_err *err);

/* Whether query reads as a document number (国发〔2023〕1号, spaces and
 * bracket forms aside): its plan then also finds the document bearing it
 * (XN), whose passages do not hold the text. */
int bgi_query_is_docno(const char *query);

/* Narrows *q (consumed) to o's years and issuing body (resolved against
 * reader's body names: bodies.h), kind, number and copies. */
int bgi_search_filter(bgx_query **q, bgx_reader *reader, const bg_search_options *o, int has_copies, bgi_err *err);

/* Whether ix's reader holds any passage marked as a copy (XZ): 1, 0, or a
 * negative code. */
int bgi_index_has_copies(bg_index *ix);

/* The id term (Q<id>) of the passage ref names: a passage id, or REPORT:LINE
 * (the first passage on that line). BG_EINVAL, BG_ENOTFOUND, BG_ENOMEM,
 * BG_EXAPIAN. (like.c) */
int bgi_passage_term(char term[BG_TERM_MAX], bg_index *ix, const char *ref);

/* The options a search runs with: opts, or the defaults when NULL; the
 * fields of an older version's struct copied into *buf, which then holds the
 * defaults of the fields that version lacks. BG_EINVAL when opts has a
 * version this library does not know. */
int bgi_search_options_resolve(const bg_search_options **out, bg_search_options *buf, const bg_search_options *opts,
                               bgi_err *err);

/* Runs plan's query for o's page (limit hits from o->offset) and fills res;
 * clears plan. A non-zero rc (an earlier step failed) only clears plan and
 * is returned. */
int bgi_search_fill_page(bg_results *res, bg_index *ix, bgi_qplan *plan, const bg_search_options *o,
                         size_t limit, int rc);

/* A new empty result set for query, or NULL when out of memory. */
bg_results *bgi_results_new(const char *query);

/* Frees what a hit holds (not the hit itself). */
void bgi_hit_clear(bg_hit *h);

/* Turns the matches m into res's hits (ranked from first_rank + 1, match
 * ranges from plan's needles) and its facets (when m has year and body
 * facets, in that order). */
int bgi_results_fill(bg_results *res, bg_index *ix, const bgx_match *m, const bgi_qplan *plan, size_t first_rank);

/* The shape of every public search that returns bg_results: clear the error,
 * make res for query, run fn (opts NULL means defaults), then hand res over
 * or free it and publish the error. */
typedef int (*bgi_search_fn)(bg_results *res, bg_index *ix, const char *query, const bg_search_options *o);
int bgi_search_with(bg_results **out, bg_index *ix, const char *query, const bg_search_options *opts,
                   bgi_search_fn fn);


/* Runs q on ix's reader with year, body and kind facets in m->facets[0], [1]
 * and [2] (facets.c): hits [offset, offset + limit), or, when per_year > 0,
 * the best per_year of each year from offset 0 (collapsed on the year, total
 * still counting every match). bound 0 counts every match (exact total and
 * facets); else at least bound are checked, and beyond them the total and
 * facets are estimates (bgx_count) — with every year that has a match still
 * in the year facet. */
int bgi_search_match(bgx_match *m, bg_index *ix, const bgx_query *q, size_t offset, size_t limit, size_t per_year,
                     size_t bound);

/* The bound o counts matches to (bgi_search_match): 0 for exact counts. */
size_t bgi_count_bound(const bg_search_options *o);

/* ---- trends (trend.c) ----------------------------------------------------- */

/* bg_search_trend, counting the occurrences as how says: BGI_TREND_AUTO
 * from the index's terms where the query allows it (docs/years.md), else in
 * the passages' text; BGI_TREND_SCAN always in the text (tests compare). */
enum { BGI_TREND_AUTO = 0, BGI_TREND_SCAN = 1 };
int bgi_search_trend_counted(bg_trend **out, bg_index *ix, const char *query, const bg_search_options *opts,
                             int by_body, int how);
/* How many matching passages t counted from their terms, and how many it
 * read and counted in their text. */
void bgi_trend_work(const bg_trend *t, size_t *from_terms, size_t *from_text);

/* ---- the results of bg_search_by_year ----------------------------------- */

typedef struct bgi_year_group {
    int year;
    size_t total;        /* matching passages of that year (exact) */
    size_t first, n;     /* its hits: res->hits[first .. first + n) */
} bgi_year_group;

struct bg_byyear {
    bg_results *res;     /* every hit, newest year first, best first within a year */
    bgi_year_group *groups;
    size_t n_groups;
};

/* ---- the results of bg_search_figures ----------------------------------- */

struct bg_figure {
    int year;
    char *value, *clause, *report, *id;
    size_t line, offset;     /* offset: of the value in its passage */
    const char *role;        /* "target", "result" or "" (static) */
};

typedef struct bgi_figure_group {
    int year;
    size_t first, n;         /* figures[first .. first + n) */
} bgi_figure_group;

struct bg_figures {
    char *query;
    struct bg_figure *items;
    size_t n_items;
    bgi_figure_group *years;
    size_t n_years;
    bg_names missing;
};

/* ---- JSON pieces shared with compare.c (json.c) ---------------------------- */

struct cJSON;

/* The result object of h, as in bg_results_json(); NULL when out of memory. */
struct cJSON *bgi_hit_json(const bg_hit *h);

/* {"year": year, "items": [...]}: the figures of year as bg_figures_json()
 * lists them ("items" empty when f has none of that year); NULL when out of
 * memory. */
struct cJSON *bgi_figure_year_json(const bg_figures *f, int year);

#endif
