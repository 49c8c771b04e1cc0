/* json.c — the JSON contract of `baogao-query --json` (and of the HTTP API):
 *
 *   {"query": "...", "total": N,
 *    "facets": {"year": {"2022": 3, ...}, "body": {"国务院": 40, ...}},
 *    "results": [{"rank": 1, "score": 12.3, "report": "<path as indexed>",
 *                 "title": "...", "body": "...", "year": 2022, "line": 41,
 *                 "kind": "measure", "section": ["二、…", "(六)…"],
 *                 "text": "<whole passage>", "snippet": "…【match】…",
 *                 "id": "<passage id>", "matches": [[start, end], ...]}]}
 *
 * Field names are a contract other tools read: only ever add fields. */
#include "results.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#define JSON_SNIPPET_CHARS 120

static cJSON *facet_object(const bg_facet_count *f, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o && i < n; i++)
        if (!cJSON_AddNumberToObject(o, f[i].value, (double)f[i].count)) {
            cJSON_Delete(o);
            return NULL;
        }
    return o;
}

static cJSON *hit_object(const bg_hit *h)
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
      && (matches = NULL, 1);
    free(snippet);
    cJSON_Delete(section);
    cJSON_Delete(matches);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

char *bg_results_json(const bg_results *res)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *facets = cJSON_CreateObject();
    cJSON *results = cJSON_CreateArray();
    int ok = root && facets && results && cJSON_AddStringToObject(root, "query", res->query)
          && cJSON_AddNumberToObject(root, "total", (double)res->total);
    if (ok) {
        cJSON *years = facet_object(res->years, res->n_years);
        cJSON *bodies = facet_object(res->bodies, res->n_bodies);
        ok = years && bodies && cJSON_AddItemToObject(facets, "year", years);
        if (ok)
            ok = cJSON_AddItemToObject(facets, "body", bodies);
        else {
            cJSON_Delete(years);
            cJSON_Delete(bodies);
        }
    }
    ok = ok && cJSON_AddItemToObject(root, "facets", facets) && (facets = NULL, 1);
    for (size_t i = 0; ok && i < res->n_hits; i++) {
        cJSON *h = hit_object(&res->hits[i]);
        ok = h && cJSON_AddItemToArray(results, h);
    }
    ok = ok && cJSON_AddItemToObject(root, "results", results) && (results = NULL, 1);
    char *out = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    cJSON_Delete(facets);
    cJSON_Delete(results);
    return out;
}
