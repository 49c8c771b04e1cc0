/* trend.c — bg_search_trend: how often a query's text comes up, year by
 * year (baogao-query --trend, /api/trend; docs/years.md).
 *
 * Passages are the exact matches (the strict search: a trend counts the
 * expression as written, not its words apart), counted per year exactly by
 * the year facet. Occurrences are counted in those passages by the
 * highlighter, which knows where a number starts and ends (3% is not counted
 * inside 33%). The rate divides them by the characters of the year's reports,
 * which the catalogue keeps per report (the "chars" of its record), so a
 * trend reads no passage that does not match. Every year of the index is
 * listed, a year without a match with 0. */
#include "bodies.h"
#include "highlight.h"
#include "json_get.h"
#include "scheme.h"
#include "search_priv.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* Matches read per search while counting occurrences. */
#define CHUNK 2000

typedef struct trend_year {
    int year;
    size_t passages, occurrences, chars;
    int chars_unknown;   /* some report of the year has no character count */
} trend_year;

struct bg_trend {
    char *query;
    trend_year *y;
    size_t n, cap;
};

static trend_year *year_slot(bg_trend *t, int year)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->y[i].year == year)
            return &t->y[i];
    if (bgi_grow(&t->y, &t->cap, t->n, sizeof *t->y, 16))
        return NULL;
    t->y[t->n] = (trend_year){.year = year};
    return &t->y[t->n++];
}

/* The reports the filters keep, for the denominators: the body as the body
 * filter takes it (the name, a known short name's full name, or the start of
 * names) and the kind exactly. */
typedef struct size_walk {
    bg_trend *t;
    const bg_search_options *o;
    char *full_body;   /* the full name of a short body name, or NULL */
} size_walk;

static int body_kept(const size_walk *w, const char *body)
{
    const char *b = w->o->body;
    if (w->o->body_unknown)
        return body[0] == '\0';
    if (!b)
        return 1;
    return strncmp(body, b, strlen(b)) == 0 || (w->full_body && strncmp(body, w->full_body, strlen(w->full_body)) == 0);
}

static int year_kept(const bg_search_options *o, int year)
{
    if (o->year_from && year < o->year_from)
        return 0;
    if (o->year_to && year > o->year_to)
        return 0;
    if (!o->n_years)
        return 1;
    for (size_t i = 0; i < o->n_years; i++)
        if (o->years[i] == year)
            return 1;
    return 0;
}

static int on_report_size(void *ctx, int year, const char *body, const char *kind, size_t chars)
{
    size_walk *w = ctx;
    if (year <= 0 || !year_kept(w->o, year) || !body_kept(w, body) || (w->o->kind && strcmp(kind, w->o->kind) != 0))
        return 0;
    trend_year *y = year_slot(w->t, year);
    if (!y)
        return BG_ENOMEM;
    y->chars += chars;
    y->chars_unknown |= chars == 0;
    return 0;
}

/* Counts the occurrences in the matches of plan->query, chunk by chunk. */
static int count_occurrences(bg_trend *t, bg_index *ix, const bgi_qplan *plan, size_t total)
{
    int rc = 0;
    for (size_t offset = 0; rc == 0 && offset < total; offset += CHUNK) {
        bgx_match m = {0};
        rc = bgx_search(&m, ix->reader, plan->query, offset, CHUNK, NULL, 0, &ix->err);
        for (size_t i = 0; rc == 0 && i < m.n_hits; i++) {
            cJSON *o = bgi_passage_rec_parse(m.hits[i].data, m.hits[i].data_len);
            const char *text = o ? bgi_json_str(o, BG_REC_TEXT) : "";
            int year = o ? (int)bgi_json_num(o, BG_REC_YEAR, 0) : 0;
            bgi_ranges r = {0};
            rc = year > 0 ? bgi_highlight(&r, ix->query_an, text, strlen(text), plan->needles, plan->n_needles,
                                          &ix->err)
                          : 0;
            trend_year *y = rc == 0 && year > 0 ? year_slot(t, year) : NULL;
            if (y)
                y->occurrences += r.n;
            else if (rc == 0 && year > 0)
                rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
            bgi_ranges_clear(&r);
            cJSON_Delete(o);
        }
        bgx_match_clear(&m);
    }
    return rc;
}

static int oldest_first(const void *a, const void *b)
{
    const trend_year *x = a, *y = b;
    return (x->year > y->year) - (x->year < y->year);
}

static int run(bg_trend *t, bg_index *ix, const char *query, const bg_search_options *opts)
{
    bg_search_options o = *opts;
    o.strict = 1;   /* the expression as written */
    bgi_qplan plan;
    int rc = bgi_search_plan(&plan, ix, query, &o);
    if (rc)
        return rc;
    size_walk w = {.t = t, .o = &o, .full_body = o.body ? bgi_body_full_name(NULL, o.body) : NULL};
    rc = bgi_ix_foreach_report_size(ix, on_report_size, &w);
    free(w.full_body);
    if (rc == BG_ENOMEM)
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_match m = {0};
    if (rc == 0 && plan.query)
        rc = bgi_search_match(&m, ix, plan.query, 0, 0, 0);
    for (size_t i = 0; rc == 0 && i < m.n_facets[0]; i++) {
        int year = atoi(m.facets[0][i].value);
        trend_year *y = year > 0 ? year_slot(t, year) : NULL;
        if (y)
            y->passages = m.facets[0][i].count;
        else if (year > 0)
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    }
    if (rc == 0 && plan.query)
        rc = count_occurrences(t, ix, &plan, m.total);
    bgx_match_clear(&m);
    bgi_qplan_clear(&plan);
    if (rc == 0 && t->n)
        qsort(t->y, t->n, sizeof *t->y, oldest_first);
    return rc;
}

int bg_search_trend(bg_trend **out, bg_index *ix, const char *query, const bg_search_options *opts)
{
    *out = NULL;
    bgi_err_clear(&ix->err);
    const bg_search_options *o;
    if (bgi_search_options_resolve(&o, opts, &ix->err))
        return bgi_err_publish(&ix->err);
    bg_trend *t = calloc(1, sizeof *t);
    if (!t || !(t->query = bgi_strdup(query ? query : ""))) {
        free(t);
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    }
    if (run(t, ix, t->query, o)) {
        bg_trend_free(t);
        return bgi_err_publish(&ix->err);
    }
    *out = t;
    return 0;
}

void bg_trend_free(bg_trend *t)
{
    if (!t)
        return;
    free(t->query);
    free(t->y);
    free(t);
}

size_t bg_trend_years(const bg_trend *t) { return t->n; }
int bg_trend_year(const bg_trend *t, size_t i) { return i < t->n ? t->y[i].year : 0; }
size_t bg_trend_passages(const bg_trend *t, size_t i) { return i < t->n ? t->y[i].passages : 0; }
size_t bg_trend_occurrences(const bg_trend *t, size_t i) { return i < t->n ? t->y[i].occurrences : 0; }

double bg_trend_per_10k(const bg_trend *t, size_t i)
{
    if (i >= t->n || t->y[i].chars_unknown || t->y[i].chars == 0)
        return -1;
    return (double)t->y[i].occurrences * 10000.0 / (double)t->y[i].chars;
}

char *bg_trend_json(const bg_trend *t)
{
    cJSON *root = cJSON_CreateObject(), *years = NULL;
    int ok = root && cJSON_AddStringToObject(root, "query", t->query)
          && (years = cJSON_AddArrayToObject(root, "years")) != NULL;
    for (size_t i = 0; ok && i < t->n; i++) {
        cJSON *y = cJSON_CreateObject();
        double rate = bg_trend_per_10k(t, i);
        ok = y && cJSON_AddItemToArray(years, y) && cJSON_AddNumberToObject(y, "year", t->y[i].year)
          && cJSON_AddNumberToObject(y, "passages", (double)t->y[i].passages)
          && cJSON_AddNumberToObject(y, "occurrences", (double)t->y[i].occurrences)
          && (rate < 0 ? cJSON_AddNullToObject(y, "per_10k") != NULL
                       : cJSON_AddNumberToObject(y, "per_10k", (double)(long long)(rate * 1000 + 0.5) / 1000) != NULL);
    }
    char *s = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return s;
}
