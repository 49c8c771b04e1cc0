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

/* One series: the years of one body (or of every body). */
typedef struct trend_series {
    char *body;          /* NULL: every body the filters keep */
    trend_year *y;
    size_t n, cap;
} trend_series;

struct bg_trend {
    char *query;
    int by_body;
    trend_series *s;
    size_t n;
};

static trend_year *year_slot(trend_series *t, int year)
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
    trend_series *t;
    const bg_search_options *o;
    char *full_body;   /* the full name of a short body name, or NULL */
    int exact;         /* o->body is a body of the index: that body only */
} size_walk;

static int body_kept(const size_walk *w, const char *body)
{
    const char *b = w->o->body;
    if (w->o->body_unknown)
        return body[0] == '\0';
    if (!b)
        return 1;
    if (w->exact)
        return strcmp(body, b) == 0;
    return strncmp(body, b, strlen(b)) == 0 || (w->full_body && strncmp(body, w->full_body, strlen(w->full_body)) == 0);
}

/* Whether some report of the index has exactly this body (the body filter
 * then means it alone, as bgi_body_filter does). */
static int on_report_body(void *ctx, int year, const char *body, const char *kind, size_t chars)
{
    (void)year, (void)kind, (void)chars;
    size_walk *w = ctx;
    w->exact |= strcmp(body, w->o->body) == 0;
    return 0;
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
static int count_occurrences(trend_series *t, bg_index *ix, const bgi_qplan *plan, size_t total)
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

/* One series: the years of the reports o keeps, the matches counted. */
static int run_series(trend_series *t, bg_index *ix, const char *query, const bg_search_options *opts)
{
    bg_search_options o = *opts;
    o.strict = 1;   /* the expression as written */
    bgi_qplan plan;
    int rc = bgi_search_plan(&plan, ix, query, &o);
    if (rc)
        return rc;
    size_walk w = {.t = t, .o = &o, .full_body = o.body ? bgi_body_full_name(NULL, o.body) : NULL};
    if (o.body)
        rc = bgi_ix_foreach_report_size(ix, on_report_body, &w);
    if (rc == 0)
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
    return rc;
}

/* The bodies of the reports opts keeps, once each. */
typedef struct body_walk {
    size_walk keep;
    char **names;
    size_t n, cap;
} body_walk;

static int on_body(void *ctx, int year, const char *body, const char *kind, size_t chars)
{
    (void)chars;
    body_walk *b = ctx;
    const bg_search_options *o = b->keep.o;
    if (year <= 0 || !year_kept(o, year) || !body_kept(&b->keep, body) || (o->kind && strcmp(kind, o->kind) != 0))
        return 0;
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->names[i], body) == 0)
            return 0;
    if (bgi_grow(&b->names, &b->cap, b->n, sizeof *b->names, 8) || !(b->names[b->n] = bgi_strdup(body)))
        return BG_ENOMEM;
    b->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The series: one for the filters, or one per body they keep. Every series
 * lists the same years (those of any series), so they line up. */
static int run(bg_trend *t, bg_index *ix, const char *query, const bg_search_options *opts)
{
    body_walk b = {.keep = {.o = opts}};
    int rc = 0;
    if (t->by_body) {
        b.keep.full_body = opts->body ? bgi_body_full_name(NULL, opts->body) : NULL;
        if (opts->body)
            rc = bgi_ix_foreach_report_size(ix, on_report_body, &b.keep);
        if (rc == 0)
            rc = bgi_ix_foreach_report_size(ix, on_body, &b);
        free(b.keep.full_body);
        if (rc == 0 && b.n)
            qsort(b.names, b.n, sizeof *b.names, by_name);
    }
    size_t n = t->by_body ? b.n : 1;
    if (rc == 0 && !(t->s = calloc(n ? n : 1, sizeof *t->s)))
        rc = BG_ENOMEM;
    if (rc == BG_ENOMEM)
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        bg_search_options o = *opts;
        if (t->by_body) {
            t->s[i].body = b.names[i];
            b.names[i] = NULL;
            o.body = t->s[i].body;
            o.body_unknown = !o.body[0];
            o.body = o.body[0] ? o.body : NULL;
        }
        t->n++;
        rc = run_series(&t->s[i], ix, query, &o);
    }
    for (size_t i = 0; i < b.n; i++)
        free(b.names[i]);
    free(b.names);
    /* Every series gets every year, then oldest first. */
    for (size_t i = 0; rc == 0 && i < t->n; i++)
        for (size_t j = 0; rc == 0 && j < t->n; j++)
            for (size_t k = 0; rc == 0 && k < t->s[j].n; k++)
                if (!year_slot(&t->s[i], t->s[j].y[k].year))
                    rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < t->n; i++)
        if (t->s[i].n)
            qsort(t->s[i].y, t->s[i].n, sizeof *t->s[i].y, oldest_first);
    return rc;
}

int bg_search_trend(bg_trend **out, bg_index *ix, const char *query, const bg_search_options *opts, int by_body)
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
    t->by_body = by_body != 0;
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
    for (size_t i = 0; i < t->n; i++) {
        free(t->s[i].body);
        free(t->s[i].y);
    }
    free(t->s);
    free(t->query);
    free(t);
}

static const trend_year *at(const bg_trend *t, size_t s, size_t i)
{
    return s < t->n && i < t->s[s].n ? &t->s[s].y[i] : NULL;
}

size_t bg_trend_series(const bg_trend *t) { return t->n; }
const char *bg_trend_body(const bg_trend *t, size_t s) { return s < t->n ? t->s[s].body : NULL; }
size_t bg_trend_years(const bg_trend *t) { return t->n ? t->s[0].n : 0; }
int bg_trend_year(const bg_trend *t, size_t i) { return at(t, 0, i) ? at(t, 0, i)->year : 0; }
size_t bg_trend_passages(const bg_trend *t, size_t s, size_t i) { return at(t, s, i) ? at(t, s, i)->passages : 0; }
size_t bg_trend_occurrences(const bg_trend *t, size_t s, size_t i)
{
    return at(t, s, i) ? at(t, s, i)->occurrences : 0;
}

double bg_trend_per_10k(const bg_trend *t, size_t s, size_t i)
{
    const trend_year *y = at(t, s, i);
    if (!y || y->chars_unknown || y->chars == 0)
        return -1;
    return (double)y->occurrences * 10000.0 / (double)y->chars;
}

static cJSON *years_json(const bg_trend *t, size_t s)
{
    cJSON *years = cJSON_CreateArray();
    int ok = years != NULL;
    for (size_t i = 0; ok && i < bg_trend_years(t); i++) {
        cJSON *y = cJSON_CreateObject();
        double rate = bg_trend_per_10k(t, s, i);
        ok = y && cJSON_AddItemToArray(years, y) && cJSON_AddNumberToObject(y, "year", bg_trend_year(t, i))
          && cJSON_AddNumberToObject(y, "passages", (double)bg_trend_passages(t, s, i))
          && cJSON_AddNumberToObject(y, "occurrences", (double)bg_trend_occurrences(t, s, i))
          && (rate < 0 ? cJSON_AddNullToObject(y, "per_10k") != NULL
                       : cJSON_AddNumberToObject(y, "per_10k", (double)(long long)(rate * 1000 + 0.5) / 1000) != NULL);
    }
    if (!ok)
        cJSON_Delete(years);
    return ok ? years : NULL;
}

char *bg_trend_json(const bg_trend *t)
{
    cJSON *root = cJSON_CreateObject(), *bodies = NULL;
    int ok = root && cJSON_AddStringToObject(root, "query", t->query);
    if (ok && !t->by_body) {
        cJSON *years = years_json(t, 0);
        ok = years && cJSON_AddItemToObject(root, "years", years);
    } else if (ok) {
        ok = (bodies = cJSON_AddArrayToObject(root, "bodies")) != NULL;
        for (size_t s = 0; ok && s < t->n; s++) {
            cJSON *b = cJSON_CreateObject(), *years = years_json(t, s);
            ok = b && years && cJSON_AddStringToObject(b, "body", t->s[s].body);
            if (ok)
                ok = cJSON_AddItemToObject(b, "years", years) ? (years = NULL, 1) : 0;
            if (ok)
                ok = cJSON_AddItemToArray(bodies, b) ? (b = NULL, 1) : 0;
            cJSON_Delete(years);
            cJSON_Delete(b);
        }
    }
    char *s = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return s;
}
