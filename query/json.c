/* json.c — the JSON contracts of `baogao-query --json` (and of the HTTP API):
 *
 *   {"query": "...", "total": N, "total_exact": true, "total_lower": N,
 *    "total_upper": N, "facets_exact": true,
 *    "facets": {"year": {"2022": 3, ...}, "body": {"国务院": 40, ...},
 *               "kind": {"通知": 2, "": 38, ...}},
 *    "results": [{"rank": 1, "score": 12.3, "report": "<path as indexed>",
 *                 "title": "...", "body": "...", "year": 2022, "line": 41,
 *                 "kind": "measure", "section": ["二、…", "(六)…"],
 *                 "text": "<whole passage>", "snippet": "…【match】…",
 *                 "id": "<passage id>", "matches": [[start, end], ...],
 *                 "format": "pdf", "page": 3}]}      (page: PDF hits only)
 *
 * (--like prints the same, with the passage reference as "query"), and of the
 * across-years views (docs/years.md), which reuse the result objects:
 *
 *   --by-year:  {"query": "...", "total": N, "total_exact", "total_lower",
 *                "total_upper", "facets_exact" (as above),
 *                "years": [{"year": 2025, "total": N, "total_exact": true,
 *                           "results": [<as above>]}]}
 *   --figures:  {"query": "...",
 *                "figures": [{"year": 2019, "items": [{"value": "1100万人以上",
 *                  "text": "<clause>", "role": "target", "report": "...",
 *                  "line": 37, "id": "<passage id>"}]}]}
 *   --compare:  {"query": "...", "years": [2023, 2024], "totals": [N, M],
 *                "truncated": false,
 *                "pairs": [{"a": <result object>|null, "b": <result object>|null,
 *                  "status": "similar", "similarity": 0.63, "section_match": true}],
 *                "figures": [<the --figures year object of A>, <of B>]}
 *                (written by compare.c with bgi_hit_json, bgi_figure_year_json)
 *
 * Field names are a contract other tools read: only ever add fields. */
#include "search_priv.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#define JSON_SNIPPET_CHARS 120

/* o when ok, else NULL after freeing it: the end of every object builder. */
static cJSON *done(cJSON *o, int ok)
{
    if (ok)
        return o;
    cJSON_Delete(o);
    return NULL;
}

/* Adds item to o under key (1), or frees it (0). */
static int add_owned(cJSON *o, const char *key, cJSON *item)
{
    if (item && cJSON_AddItemToObject(o, key, item))
        return 1;
    cJSON_Delete(item);
    return 0;
}

/* Appends item to arr (1), or frees it (0). */
static int append(cJSON *arr, cJSON *item)
{
    if (item && cJSON_AddItemToArray(arr, item))
        return 1;
    cJSON_Delete(item);
    return 0;
}

/* [{"report", "line", "format"}, …]: the other copies of a hit's text. */
static cJSON *copies_array(const bg_hit *h)
{
    cJSON *arr = cJSON_CreateArray();
    int ok = arr != NULL;
    for (size_t i = 0; ok && i < h->n_copies; i++) {
        cJSON *c = cJSON_CreateObject();
        ok = c && cJSON_AddStringToObject(c, "report", h->copies[i].report)
          && cJSON_AddNumberToObject(c, "line", (double)h->copies[i].line)
          && cJSON_AddStringToObject(c, "format", h->copies[i].format);
        ok = append(arr, ok ? c : (cJSON_Delete(c), NULL));
    }
    return done(arr, ok);
}

static cJSON *facet_object(const bgi_facet_count *f, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && i < n; i++)
        if (!cJSON_AddNumberToObject(o, f[i].value, (double)f[i].count)) {
            cJSON_Delete(o);
            return NULL;
        }
    return o;
}

cJSON *bgi_hit_json(const bg_hit *h)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char *snippet = bg_hit_snippet(h, JSON_SNIPPET_CHARS, "【", "】");
    cJSON *section = cJSON_CreateArray();
    cJSON *matches = cJSON_CreateArray();
    int ok = snippet && section && matches;
    for (size_t i = 0; ok && i < h->n_section; i++)
        ok = cJSON_AddItemToArray(section, cJSON_CreateString(h->section[i]));
    for (size_t i = 0; ok && i < h->n_matches; i++) {
        cJSON *pair = cJSON_CreateArray();
        ok = pair && cJSON_AddItemToArray(matches, pair)
          && cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)h->mstart[i]))
          && cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)h->mend[i]));
    }
    ok = ok && cJSON_AddNumberToObject(o, "rank", (double)h->rank)
      && cJSON_AddNumberToObject(o, "score", h->score)
      && cJSON_AddStringToObject(o, "match", bg_hit_match(h))
      && cJSON_AddStringToObject(o, "report", h->report)
      && cJSON_AddStringToObject(o, "title", h->title)
      && cJSON_AddStringToObject(o, "body", h->body)
      && cJSON_AddNumberToObject(o, "year", h->year)
      && cJSON_AddNumberToObject(o, "line", (double)h->line)
      && cJSON_AddStringToObject(o, "kind", bg_hit_kind_name(h))
      && cJSON_AddItemToObject(o, "section", section)
      && (section = NULL, 1)
      && cJSON_AddStringToObject(o, "text", h->text)
      && cJSON_AddStringToObject(o, "snippet", snippet)
      && cJSON_AddStringToObject(o, "id", h->id)
      && cJSON_AddItemToObject(o, "matches", matches)
      && (matches = NULL, 1)
      && cJSON_AddStringToObject(o, "format", h->format)
      && (h->date ? cJSON_AddStringToObject(o, "date", h->date) : cJSON_AddNullToObject(o, "date"))
      && (h->docno ? cJSON_AddStringToObject(o, "docno", h->docno) : cJSON_AddNullToObject(o, "docno"))
      && cJSON_AddStringToObject(o, "doc_kind", h->doc_kind)
      && add_owned(o, "duplicates", copies_array(h))
      && (h->page <= 0 || cJSON_AddNumberToObject(o, "page", h->page));
    free(snippet);
    cJSON_Delete(section);
    cJSON_Delete(matches);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* An array of the result objects of hits[0..n). */
static cJSON *hits_array(const bg_hit *hits, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    int ok = arr != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = append(arr, bgi_hit_json(&hits[i]));
    return done(arr, ok);
}

/* "total_exact", "total_lower", "total_upper" and "facets_exact" after
 * "total": whether the total counts every match or is Xapian's estimate,
 * its bounds, and whether the facets (or the years' totals) count every
 * match or were scaled from the matches counted (docs/format.md, "Totals"). */
static int add_exactness(cJSON *root, const bg_results *res)
{
    return cJSON_AddBoolToObject(root, "total_exact", bg_results_total_exact(res))
        && cJSON_AddNumberToObject(root, "total_lower", (double)bg_results_total_lower(res))
        && cJSON_AddNumberToObject(root, "total_upper", (double)bg_results_total_upper(res))
        && cJSON_AddBoolToObject(root, "facets_exact", bg_results_facets_exact(res));
}

/* "missing_shards": the shards a partial answer was given without; [] for a
 * whole answer, so that clients can always read it. */
static int add_missing(cJSON *root, const bg_names *missing)
{
    cJSON *arr = cJSON_AddArrayToObject(root, "missing_shards");
    int ok = arr != NULL;
    for (size_t i = 0; ok && i < missing->n; i++)
        ok = append(arr, cJSON_CreateString(missing->v[i]));
    return ok;
}

/* Prints root when ok, then frees it. */
static char *print_root(cJSON *root, int ok)
{
    char *out = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return out;
}

char *bg_results_json(const bg_results *res)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *facets = NULL;
    int ok = root && cJSON_AddStringToObject(root, "query", res->query)
          && cJSON_AddNumberToObject(root, "total", (double)res->total)
          && add_exactness(root, res)
          && (facets = cJSON_AddObjectToObject(root, "facets"))
          && add_owned(facets, "year", facet_object(res->years, res->n_years))
          && add_owned(facets, "body", facet_object(res->bodies, res->n_bodies))
          && add_owned(facets, "kind", facet_object(res->kinds, res->n_kinds))
          && add_owned(root, "results", hits_array(res->hits, res->n_hits))
          && add_missing(root, &res->missing);
    return print_root(root, ok);
}

static cJSON *year_group_object(const bg_byyear *by, const bgi_year_group *g)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddNumberToObject(o, "year", g->year)
          && cJSON_AddNumberToObject(o, "total", (double)g->total)
          && cJSON_AddBoolToObject(o, "total_exact", by->res->facets_exact)
          && add_owned(o, "results", hits_array(by->res->hits + g->first, g->n));
    return done(o, ok);
}

char *bg_byyear_json(const bg_byyear *by)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *years = NULL;
    int ok = root && cJSON_AddStringToObject(root, "query", by->res->query)
          && cJSON_AddNumberToObject(root, "total", (double)by->res->total)
          && add_exactness(root, by->res)
          && (years = cJSON_AddArrayToObject(root, "years"));
    for (size_t i = 0; ok && i < by->n_groups; i++)
        ok = append(years, year_group_object(by, &by->groups[i]));
    ok = ok && add_missing(root, &by->res->missing);
    return print_root(root, ok);
}

static cJSON *figure_object(const struct bg_figure *g)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "value", g->value) && cJSON_AddStringToObject(o, "text", g->clause)
          && cJSON_AddStringToObject(o, "role", g->role) && cJSON_AddStringToObject(o, "report", g->report)
          && cJSON_AddNumberToObject(o, "line", (double)g->line) && cJSON_AddStringToObject(o, "id", g->id);
    return done(o, ok);
}

static cJSON *figure_year_object(const bg_figures *f, const bgi_figure_group *y)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *items = NULL;
    int ok = o && cJSON_AddNumberToObject(o, "year", y->year) && (items = cJSON_AddArrayToObject(o, "items"));
    for (size_t i = 0; ok && i < y->n; i++)
        ok = append(items, figure_object(&f->items[y->first + i]));
    return done(o, ok);
}

cJSON *bgi_figure_year_json(const bg_figures *f, int year)
{
    bgi_figure_group none = {.year = year};
    for (size_t i = 0; f && i < f->n_years; i++)
        if (f->years[i].year == year)
            return figure_year_object(f, &f->years[i]);
    return figure_year_object(f, &none);
}

char *bg_figures_json(const bg_figures *f)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *years = NULL;
    int ok = root && cJSON_AddStringToObject(root, "query", f->query)
          && (years = cJSON_AddArrayToObject(root, "figures"));
    for (size_t i = 0; ok && i < f->n_years; i++)
        ok = append(years, figure_year_object(f, &f->years[i]));
    ok = ok && add_missing(root, &f->missing);
    return print_root(root, ok);
}
