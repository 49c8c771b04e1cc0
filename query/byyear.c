/* byyear.c — bg_search_by_year: the best passages of each year for a query,
 * newest year first.
 *
 * One match does it all: collapsing on the year value keeps the best N
 * passages of each year, while the year facet (a match spy, which sees every
 * match before collapsing) counts each year's matches exactly. One search per
 * year would give the same hits — a year filter is boolean and leaves the
 * weights alone — at the cost of a match per year. */
#include "scheme.h"
#include "search_priv.h"

#include <stdlib.h>

#define DEFAULT_PER_YEAR 3
#define MAX_PER_YEAR 1000

/* How many hits hold the best per_year of every year: Σ min(count, per_year). */
static size_t hits_needed(const bgx_match *m, size_t per_year)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_facets[0]; i++)
        n += m->facets[0][i].count < per_year ? m->facets[0][i].count : per_year;
    return n;
}

/* Ranks were given in relevance order, so they break ties within a year. */
static int newest_first(const void *a, const void *b)
{
    const bg_hit *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? 1 : -1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static size_t year_total(const bg_results *res, int year)
{
    for (size_t i = 0; i < res->n_years; i++)
        if (atoi(res->years[i].value) == year)
            return res->years[i].count;
    return 0;
}

static int group(bg_byyear *by)
{
    bg_results *res = by->res;
    if (res->n_hits)
        qsort(res->hits, res->n_hits, sizeof *res->hits, newest_first);
    by->groups = calloc(res->n_hits ? res->n_hits : 1, sizeof *by->groups);
    if (!by->groups)
        return BG_ENOMEM;
    for (size_t i = 0; i < res->n_hits; i++) {
        bg_hit *h = &res->hits[i];
        if (by->n_groups == 0 || by->groups[by->n_groups - 1].year != h->year)
            by->groups[by->n_groups++] = (bgi_year_group){.year = h->year, .first = i,
                                                         .total = year_total(res, h->year)};
        h->rank = ++by->groups[by->n_groups - 1].n;
    }
    return 0;
}

static int run(bg_byyear *by, bg_index *ix, const char *query, const bg_search_options *o, size_t per_year)
{
    bgi_qplan plan;
    int rc = bgi_search_plan(&plan, ix, query, o);
    if (rc || !plan.query)
        return rc;
    /* In an index directory a year lives in one shard, so the shards bound
     * the number of groups; where that guess is short (a remote shard serving
     * several years, a year added since), the year facet shows it and a
     * second match fetches them all. */
    size_t n_shards = ix->reader_shards.n;
    size_t limit = per_year * (n_shards ? n_shards : 1), docs = bgx_reader_doccount(ix->reader);
    limit = limit < docs ? limit : (docs ? docs : 1);   /* Xapian reserves room for limit hits */
    bgx_match m = {0};
    rc = bgi_search_match(&m, ix, plan.query, 0, limit, per_year, bgi_count_bound(o));
    size_t need = rc ? 0 : hits_needed(&m, per_year);
    if (rc == 0 && m.n_hits < need) {
        bgx_match_clear(&m);
        rc = bgi_search_match(&m, ix, plan.query, 0, need, per_year, bgi_count_bound(o));
    }
    if (rc == 0)
        rc = bgi_results_fill(by->res, ix, &m, &plan, 0);
    bgx_match_clear(&m);
    bgi_qplan_clear(&plan);
    if (rc == 0 && group(by))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return rc;
}

int bg_search_by_year(bg_byyear **out, bg_index *ix, const char *query, const bg_search_options *opts)
{
    *out = NULL;
    bgi_err_clear(&ix->err);
    const bg_search_options *o;
    bg_search_options buf;
    if (bgi_search_options_resolve(&o, &buf, opts, &ix->err))
        return bgi_err_publish(&ix->err);
    size_t per_year = o->per_year;
    if (per_year > MAX_PER_YEAR)
        return bgi_err_publish(&(bgi_err){BG_ETOOBIG, "passages per year are at most 1000"});
    bg_byyear *by = calloc(1, sizeof *by);
    if (!by || !(by->res = bgi_results_new(query))) {
        free(by);
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    }
    int rc = run(by, ix, query, o, per_year ? per_year : DEFAULT_PER_YEAR);
    if (rc) {
        bg_byyear_free(by);
        return bgi_err_publish(&ix->err);
    }
    *out = by;
    return 0;
}

void bg_byyear_free(bg_byyear *by)
{
    if (!by)
        return;
    bg_results_free(by->res);
    free(by->groups);
    free(by);
}

size_t bg_byyear_total(const bg_byyear *by) { return by->res->total; }
int bg_byyear_total_exact(const bg_byyear *by) { return bg_results_total_exact(by->res); }
size_t bg_byyear_total_lower(const bg_byyear *by) { return bg_results_total_lower(by->res); }
size_t bg_byyear_total_upper(const bg_byyear *by) { return bg_results_total_upper(by->res); }
int bg_byyear_year_totals_exact(const bg_byyear *by) { return by->res->facets_exact; }
const bg_missing *bg_byyear_missing_shards(const bg_byyear *by) { return &by->res->missing; }
size_t bg_byyear_missing_count(const bg_byyear *by) { return bg_missing_count(&by->res->missing); }
const char *bg_byyear_missing(const bg_byyear *by, size_t i) { return bg_missing_name(&by->res->missing, i); }
size_t bg_byyear_years(const bg_byyear *by) { return by->n_groups; }
int bg_byyear_year(const bg_byyear *by, size_t i) { return i < by->n_groups ? by->groups[i].year : 0; }
size_t bg_byyear_year_total(const bg_byyear *by, size_t i) { return i < by->n_groups ? by->groups[i].total : 0; }
size_t bg_byyear_count(const bg_byyear *by, size_t i) { return i < by->n_groups ? by->groups[i].n : 0; }

const bg_hit *bg_byyear_hit(const bg_byyear *by, size_t i, size_t j)
{
    if (i >= by->n_groups || j >= by->groups[i].n)
        return NULL;
    return &by->res->hits[by->groups[i].first + j];
}
