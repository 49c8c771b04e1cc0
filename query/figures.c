/* figures.c (query side) — bg_search_figures: the figures that stand next to
 * a query's words, year by year, e.g. for 城镇新增就业: 2019 → 1100万人以上
 * (the target), 1361万人 (last year's result).
 *
 * The figures of each passage were found when it was indexed
 * (analysis/figures.c) and stored in its data; passages indexed before that
 * are scanned now with the same code, so an old index works too. */
#include "figures.h"
#include "search_priv.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* The stored spans of a passage; NULL with *n = 0 when the data has none
 * (or they do not fit the text: damaged data is rescanned, not trusted). */
static int stored_spans(bgi_figure_span **out, size_t *n, const bgx_hit *m, size_t text_len, int *found)
{
    *out = NULL;
    *n = 0;
    *found = 0;
    cJSON *o = cJSON_ParseWithLength(m->data, m->data_len);
    const cJSON *arr = o ? cJSON_GetObjectItemCaseSensitive(o, BG_REC_FIGURES) : NULL;
    int rc = 0;
    if (cJSON_IsArray(arr)) {
        size_t cnt = (size_t)cJSON_GetArraySize(arr);
        *out = calloc(cnt ? cnt : 1, sizeof **out);
        rc = *out ? 0 : BG_ENOMEM;
        *found = 1;
        const cJSON *span;
        cJSON_ArrayForEach(span, arr) {
            if (rc || cJSON_GetArraySize(span) != 4)
                break;
            double v[4];
            for (int k = 0; k < 4; k++) {
                const cJSON *x = cJSON_GetArrayItem(span, k);
                v[k] = cJSON_IsNumber(x) ? x->valuedouble : -1;
            }
            if (v[0] < 0 || v[0] > v[1] || v[1] > (double)text_len || v[2] < 0 || v[2] > v[3]
                || v[3] > (double)text_len) {
                *found = 0;
                break;
            }
            (*out)[(*n)++] = (bgi_figure_span){(size_t)v[0], (size_t)v[1], {(size_t)v[2], (size_t)v[3]}};
        }
        if (!*found || rc) {
            free(*out);
            *out = NULL;
            *n = 0;
        }
    }
    cJSON_Delete(o);
    return rc;
}

static int same_clause(bgi_clause a, bgi_clause b)
{
    return a.start == b.start && a.end == b.end;
}

/* The figure a match starting at ms speaks of: in its clause, one overlapping
 * the match or the nearest after it (城镇新增就业1100万人以上), else the
 * nearest before it; when the clause has none, the first of the next clause.
 * -1 when there is none. */
static long pick(const bgi_figure_span *f, size_t n, const char *text, size_t len, size_t ms)
{
    bgi_clause c = bgi_clause_at(text, len, ms);
    long before = -1;
    for (size_t i = 0; i < n; i++) {
        if (!same_clause(f[i].clause, c))
            continue;
        if (f[i].value_end > ms)   /* overlapping or after: the spans are in text order */
            return (long)i;
        before = (long)i;
    }
    if (before >= 0)
        return before;
    bgi_clause next = bgi_clause_after(text, len, c);
    for (size_t i = 0; i < n; i++)
        if (same_clause(f[i].clause, next))
            return (long)i;
    return -1;
}

static int has_any(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strstr(s, *words))
            return 1;
    return 0;
}

static int ends_with_any(const char *s, const char *const *words)
{
    size_t n = strlen(s);
    for (; *words; words++) {
        size_t k = strlen(*words);
        if (k <= n && memcmp(s + n - k, *words, k) == 0)
            return 1;
    }
    return 0;
}

/* Does the sentence of text holding byte pos (between 。！？) say one of words? */
static int sentence_says(const char *text, size_t pos, const char *const *words)
{
    static const char *const stops[] = {"。", "！", "？", NULL};
    size_t start = 0, end = strlen(text);
    for (const char *const *stop = stops; *stop; stop++) {
        size_t k = strlen(*stop);
        for (const char *p = text; (p = strstr(p, *stop)) != NULL; p += k) {
            size_t at = (size_t)(p - text);
            if (at >= pos) {
                end = at < end ? at : end;
                break;
            }
            start = at + k > start ? at + k : start;
        }
    }
    for (; *words; words++)
        if (memmem(text + start, end - start, *words, strlen(*words)))
            return 1;
    return 0;
}

/* Government reports review last year's work in their first part (一、2018年
 * 工作回顾, 过去五年工作回顾) and set targets after it, which come with bounds
 * (以上, 左右, 以内) or are announced as such (今年发展主要预期目标是：…). */
static const char *role_of(const bg_hit *h, const char *value, size_t offset)
{
    static const char *const review[] = {"回顾", "过去", NULL};
    static const char *const bound[] = {"以上", "以内", "以下", "左右", "上下", "之内", NULL};
    static const char *const aim[] = {"目标", "预期", "力争", "争取", NULL};
    for (size_t i = 0; i < h->n_section; i++)
        if (has_any(h->section[i], review))
            return "result";
    if (h->kind == BG_KIND_HEADING && has_any(h->text, review))
        return "result";
    if (ends_with_any(value, bound) || sentence_says(h->text, offset, aim))
        return "target";
    return "";
}

static struct bg_figure *push_item(bg_figures *f, size_t *cap)
{
    if (f->n_items == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        struct bg_figure *p = realloc(f->items, c * sizeof *p);
        if (!p)
            return NULL;
        f->items = p;
        *cap = c;
    }
    struct bg_figure *g = &f->items[f->n_items++];
    memset(g, 0, sizeof *g);
    return g;
}

static int add_item(bg_figures *f, size_t *cap, const bg_hit *h, const bgi_figure_span *s)
{
    struct bg_figure *g = push_item(f, cap);
    if (!g)
        return BG_ENOMEM;
    g->year = h->year;
    g->line = h->line;
    g->offset = s->value_start;
    g->value = strndup(h->text + s->value_start, s->value_end - s->value_start);
    g->clause = strndup(h->text + s->clause.start, s->clause.end - s->clause.start);
    g->report = bgi_strdup(h->report);
    g->id = bgi_strdup(h->id);
    if (!g->value || !g->clause || !g->report || !g->id)
        return BG_ENOMEM;
    g->role = role_of(h, g->value, g->offset);
    return 0;
}

/* Adds the figures next to h's matches, each once. */
static int collect(bg_figures *f, size_t *cap, const bg_hit *h, const bgx_hit *m)
{
    size_t len = strlen(h->text), n = 0;
    bgi_figure_span *spans = NULL;
    int found;
    int rc = stored_spans(&spans, &n, m, len, &found);
    if (rc == 0 && !found)
        rc = bgi_find_figures(&spans, &n, h->text, len);
    unsigned char *taken = rc == 0 ? calloc(n ? n : 1, 1) : NULL;
    if (rc == 0 && !taken)
        rc = BG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < h->n_matches; i++) {
        long k = pick(spans, n, h->text, len, h->mstart[i]);
        if (k >= 0 && !taken[k]) {
            taken[k] = 1;
            rc = add_item(f, cap, h, &spans[k]);
        }
    }
    free(taken);
    free(spans);
    return rc;
}

/* Newest year first, then in reading order. */
static int by_year_then_place(const void *a, const void *b)
{
    const struct bg_figure *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? 1 : -1;
    int c = strcmp(x->report, y->report);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

static int group(bg_figures *f)
{
    if (f->n_items)
        qsort(f->items, f->n_items, sizeof *f->items, by_year_then_place);
    f->years = calloc(f->n_items ? f->n_items : 1, sizeof *f->years);
    if (!f->years)
        return BG_ENOMEM;
    for (size_t i = 0; i < f->n_items; i++) {
        if (f->n_years == 0 || f->years[f->n_years - 1].year != f->items[i].year)
            f->years[f->n_years++] = (bgi_figure_group){.year = f->items[i].year, .first = i};
        f->years[f->n_years - 1].n++;
    }
    return 0;
}

static int run(bg_figures *f, bg_index *ix, const char *query, const bg_search_options *o)
{
    bgi_qplan plan;
    int rc = bgi_search_plan(&plan, ix, query, o);
    if (rc || !plan.query)
        return rc;
    bgx_match m = {0};
    bg_results *res = bgi_results_new(query);
    rc = res ? bgx_search(&m, ix->reader, plan.query, 0, BG_MAX_LIMIT, NULL, 0, &ix->err)
             : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = bgi_results_fill(res, ix, &m, &plan, 0);
    size_t cap = 0;
    for (size_t i = 0; rc == 0 && i < res->n_hits; i++)
        if (collect(f, &cap, &res->hits[i], &m.hits[i]))
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0 && (group(f) || bgi_missing_copy(&f->missing, ix)))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bg_results_free(res);
    bgx_match_clear(&m);
    bgi_qplan_clear(&plan);
    return rc;
}

int bg_search_figures(bg_figures **out, bg_index *ix, const char *query, const bg_search_options *opts)
{
    *out = NULL;
    bgi_err_clear(&ix->err);
    const bg_search_options *o;
    bg_search_options buf;
    if (bgi_search_options_resolve(&o, &buf, opts, &ix->err))
        return bgi_err_publish(&ix->err);
    bg_figures *f = calloc(1, sizeof *f);
    if (!f || !(f->query = bgi_strdup(query ? query : ""))) {
        free(f);
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    }
    int rc = run(f, ix, query, o);
    if (rc) {
        bg_figures_free(f);
        return bgi_err_publish(&ix->err);
    }
    *out = f;
    return 0;
}

void bg_figures_free(bg_figures *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_items; i++) {
        free(f->items[i].value);
        free(f->items[i].clause);
        free(f->items[i].report);
        free(f->items[i].id);
    }
    free(f->items);
    free(f->years);
    bgi_names_clear(&f->missing);
    free(f->query);
    free(f);
}

const bg_missing *bg_figures_missing_shards(const bg_figures *f) { return &f->missing; }
size_t bg_figures_missing_count(const bg_figures *f) { return bg_missing_count(&f->missing); }
const char *bg_figures_missing(const bg_figures *f, size_t i) { return bg_missing_name(&f->missing, i); }

size_t bg_figures_years(const bg_figures *f) { return f->n_years; }
int bg_figures_year(const bg_figures *f, size_t i) { return i < f->n_years ? f->years[i].year : 0; }
size_t bg_figures_count(const bg_figures *f, size_t i) { return i < f->n_years ? f->years[i].n : 0; }

const bg_figure *bg_figures_item(const bg_figures *f, size_t i, size_t j)
{
    if (i >= f->n_years || j >= f->years[i].n)
        return NULL;
    return &f->items[f->years[i].first + j];
}

const char *bg_figure_value(const bg_figure *g) { return g->value; }
const char *bg_figure_text(const bg_figure *g) { return g->clause; }
const char *bg_figure_role(const bg_figure *g) { return g->role; }
const char *bg_figure_report(const bg_figure *g) { return g->report; }
size_t bg_figure_line(const bg_figure *g) { return g->line; }
const char *bg_figure_id(const bg_figure *g) { return g->id; }
int bg_figure_year(const bg_figure *g) { return g->year; }
