/* trend.c — bg_search_trend: how often a query's text comes up, year by
 * year (baogao-query --trend, /api/trend; docs/years.md).
 *
 * Passages are the exact matches (the strict search: a trend counts the
 * expression as written, not its words apart), counted per year exactly by
 * the year facet. Occurrences are counted in those passages by the
 * highlighter, which knows where a number starts and ends (3% is not counted
 * inside 33%). The rate divides them by the characters of the year's reports,
 * which the catalogue keeps per report (the "chars" of its record; read once
 * per trend, whatever the number of series), so a trend reads no passage that
 * does not match. Every year of the index is
 * listed, a year without a match with 0.
 *
 * Where the query lets the index answer (fast_occurrences(): a plain AND of
 * items, each one run of characters written without punctuation), the
 * occurrences come from posting lists and positions instead
 * (bgx_count_phrases()), and only the passages whose positions cannot settle
 * what the highlighter would count are read; docs/years.md ("Trends"). */
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
    int how;               /* BGI_TREND_AUTO or BGI_TREND_SCAN */
    size_t from_terms;     /* passages counted from their terms */
    size_t from_text;      /* passages counted in their text */
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

/* The catalogue, read once per trend: each report's year, body, kind of
 * document and characters (the denominators). */
typedef struct report_size {
    int year;
    char *body, *kind;
    size_t chars;
} report_size;

typedef struct catalogue {
    report_size *r;
    size_t n, cap;
} catalogue;

static int on_report_size(void *ctx, int year, const char *body, const char *kind, size_t chars)
{
    catalogue *c = ctx;
    if (bgi_grow(&c->r, &c->cap, c->n, sizeof *c->r, 32))
        return BG_ENOMEM;
    report_size *r = &c->r[c->n++];
    *r = (report_size){.year = year, .body = bgi_strdup(body), .kind = bgi_strdup(kind), .chars = chars};
    return r->body && r->kind ? 0 : BG_ENOMEM;
}

static void catalogue_clear(catalogue *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->r[i].body);
        free(c->r[i].kind);
    }
    free(c->r);
}

/* Which reports a search with o keeps: the body as the body filter takes it
 * (a body of the index alone; else a known short name's full name or the
 * start of names), the kind exactly, the years. */
typedef struct report_filter {
    const bg_search_options *o;
    char *full_body;   /* the full name of a short body name, or NULL; owned */
    int exact;         /* o->body is a body of the index */
} report_filter;

static void filter_init(report_filter *f, const bg_search_options *o, const catalogue *c)
{
    *f = (report_filter){.o = o, .full_body = o->body ? bgi_body_full_name(NULL, o->body) : NULL};
    for (size_t i = 0; o->body && i < c->n && !f->exact; i++)
        f->exact = strcmp(c->r[i].body, o->body) == 0;
}

static int body_kept(const report_filter *f, const char *body)
{
    const char *b = f->o->body;
    if (f->o->body_unknown)
        return body[0] == '\0';
    if (!b)
        return 1;
    if (f->exact)
        return strcmp(body, b) == 0;
    return strncmp(body, b, strlen(b)) == 0 || (f->full_body && strncmp(body, f->full_body, strlen(f->full_body)) == 0);
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

static int report_kept(const report_filter *f, const report_size *r)
{
    const bg_search_options *o = f->o;
    return r->year > 0 && year_kept(o, r->year) && body_kept(f, r->body) && (!o->kind || strcmp(r->kind, o->kind) == 0);
}

/* Counts the occurrences the highlighter finds in one passage's record. */
static int count_record(trend_series *t, bg_index *ix, const bgi_qplan *plan, const char *data, size_t len)
{
    cJSON *o = bgi_passage_rec_parse(data, len);
    const char *text = o ? bgi_json_str(o, BG_REC_TEXT) : "";
    int year = o ? (int)bgi_json_num(o, BG_REC_YEAR, 0) : 0;
    bgi_ranges r = {0};
    int rc = year > 0 ? bgi_highlight(&r, ix->query_an, text, strlen(text), plan->needles, plan->n_needles, &ix->err)
                      : 0;
    trend_year *y = rc == 0 && year > 0 ? year_slot(t, year) : NULL;
    if (y)
        y->occurrences += r.n;
    else if (rc == 0 && year > 0)
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgi_ranges_clear(&r);
    cJSON_Delete(o);
    return rc;
}

/* Counts the occurrences in the matches of plan->query, chunk by chunk. */
static int count_occurrences(trend_series *t, bg_index *ix, const bgi_qplan *plan, size_t total, size_t *read)
{
    /* Without weights the matches come in document order, the same in every
     * chunk: ranked by relevance, passages that tie could change places
     * between two chunks' matches (measured at 100×: 发展 OR 发展改革 read
     * some passages twice and others not at all). */
    bgx_query *q = bgx_query_scale(plan->query, 0);
    int rc = q ? 0 : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t offset = 0; rc == 0 && offset < total; offset += CHUNK) {
        bgx_match m = {0};
        rc = bgx_search(&m, ix->reader, q, offset, CHUNK, NULL, 0, &ix->err);
        for (size_t i = 0; rc == 0 && i < m.n_hits; i++)
            rc = count_record(t, ix, plan, m.hits[i].data, m.hits[i].data_len);
        *read += m.n_hits;
        bgx_match_clear(&m);
    }
    bgx_query_free(q);
    return rc;
}

/* ---- occurrences from the index's terms --------------------------------- */

/* The characters of one query item, as the analyser gives them. */
#define ITEM_CHARS_MAX 256

typedef struct item_chars {
    struct {
        char text[8];
        size_t len;
        int flags;
    } c[ITEM_CHARS_MAX];
    size_t n;
    int overflow;
} item_chars;

static int on_item_char(void *ctx, const bgi_token *t)
{
    item_chars *ic = ctx;
    if (t->type != BG_TOKEN_CHAR)
        return 0;
    if (ic->n == ITEM_CHARS_MAX || t->len >= sizeof ic->c[0].text) {
        ic->overflow = 1;
        return 0;
    }
    memcpy(ic->c[ic->n].text, t->text, t->len);
    ic->c[ic->n].len = t->len;
    ic->c[ic->n].flags = t->flags;
    ic->n++;
    return 0;
}

/* The items of a query as bigram phrases (bgx_phrase), their terms owned,
 * with each one's first and last characters (for the joins). */
typedef struct trend_phrases {
    bgx_phrase p[BG_QUERY_MAX_ITEMS];
    char *terms[BG_QUERY_MAX_ITEMS];   /* each phrase's bigrams, BG_TERM_MAX bytes apart */
    const char **ptrs[BG_QUERY_MAX_ITEMS];
    size_t *lens[BG_QUERY_MAX_ITEMS];
    char first[BG_QUERY_MAX_ITEMS][8], last[BG_QUERY_MAX_ITEMS][8];
    size_t first_len[BG_QUERY_MAX_ITEMS], last_len[BG_QUERY_MAX_ITEMS];
    size_t n;
    /* joins[a * n + b]: the bigram of phrase a's last character and phrase
     * b's first (bgx_count_phrases) */
    char *join_buf;
    const char **joins;
    size_t *join_lens;
} trend_phrases;

static void phrases_clear(trend_phrases *tp)
{
    for (size_t i = 0; i < tp->n; i++) {
        free(tp->terms[i]);
        free(tp->ptrs[i]);
        free(tp->lens[i]);
    }
    free(tp->join_buf);
    free(tp->joins);
    free(tp->join_lens);
    tp->n = 0;
    tp->join_buf = NULL;
    tp->joins = NULL;
    tp->join_lens = NULL;
}

/* Item text as one phrase into tp: 1 when it is one, 0 when the index
 * cannot count it as the highlighter does, or a negative code. The
 * highlighter counts an item's whole normalised text, left to right, where
 * a passage holds it; a passage the exact match found holds it as a phrase
 * of bigrams at consecutive positions, which is that same text when it is
 * one run of two or more characters (no punctuation or space in or around
 * it: those are not in the bigrams) — numbers included, since their edges
 * are characters of the run (3% is ⟨3⟩%, never inside ⟨33⟩%). */
static int item_phrase(trend_phrases *tp, bg_index *ix, const char *text)
{
    item_chars ic;
    ic.n = 0;
    ic.overflow = 0;
    int rc = bgi_analyze(ix->query_an, text, strlen(text), on_item_char, &ic, &ix->err);
    if (rc)
        return rc > 0 ? bgi_err_set(&ix->err, BG_ENOMEM, "out of memory") : rc;
    if (ic.overflow || ic.n < 2 || !(ic.c[0].flags & BG_TOKEN_RUN_START))
        return 0;
    bgi_buf run = {0};
    int ok = 1;
    for (size_t i = 0; ok && rc == 0 && i < ic.n; i++) {
        if (i > 0 && (ic.c[i].flags & BG_TOKEN_RUN_START))
            ok = 0;
        else if (!(ic.c[i].flags & BG_TOKEN_EDGE) && bgi_buf_append(&run, ic.c[i].text, ic.c[i].len))
            rc = BG_ENOMEM;
    }
    bgi_normtext nt = {0};
    if (ok && rc == 0)
        rc = bgi_normalize(ix->query_an, text, strlen(text), &nt, &ix->err);
    ok = ok && rc == 0 && nt.len == run.len && memcmp(nt.text, run.data, run.len) == 0;
    bgi_normtext_clear(&nt);
    bgi_buf_free(&run);
    if (rc || !ok)
        return rc == BG_ENOMEM ? bgi_err_set(&ix->err, BG_ENOMEM, "out of memory") : rc;
    size_t k = tp->n, n = ic.n - 1;
    char *buf = malloc(n * BG_TERM_MAX);
    const char **ptrs = malloc(n * sizeof *ptrs);
    size_t *lens = malloc(n * sizeof *lens);
    if (!buf || !ptrs || !lens) {
        free(buf);
        free(ptrs);
        free(lens);
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    }
    tp->terms[k] = buf;
    tp->ptrs[k] = ptrs;
    tp->lens[k] = lens;
    tp->n++;
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = buf + i * BG_TERM_MAX;
        lens[i] = bgi_term(buf + i * BG_TERM_MAX, BG_PREFIX_BIGRAM, ic.c[i].text, ic.c[i].len, ic.c[i + 1].text,
                           ic.c[i + 1].len);
        if (!lens[i])
            return 0;
    }
    memcpy(tp->first[k], ic.c[0].text, tp->first_len[k] = ic.c[0].len);
    memcpy(tp->last[k], ic.c[n].text, tp->last_len[k] = ic.c[n].len);
    tp->p[k] = (bgx_phrase){.terms = ptrs,
                            .lens = lens,
                            .n = n,
                            .edge_ends = ((ic.c[0].flags | ic.c[n].flags) & BG_TOKEN_EDGE) != 0};
    return 1;
}

/* tp's joins, once its phrases are in: 1, or a negative code. */
static int phrase_joins(trend_phrases *tp, bg_index *ix)
{
    size_t n = tp->n;
    tp->join_buf = malloc(n * n * BG_TERM_MAX);
    tp->joins = malloc(n * n * sizeof *tp->joins);
    tp->join_lens = malloc(n * n * sizeof *tp->join_lens);
    if (!tp->join_buf || !tp->joins || !tp->join_lens)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            char *j = tp->join_buf + (a * n + b) * BG_TERM_MAX;
            tp->joins[a * n + b] = j;
            tp->join_lens[a * n + b] =
                bgi_term(j, BG_PREFIX_BIGRAM, tp->last[a], tp->last_len[a], tp->first[b], tp->first_len[b]);
            if (!tp->join_lens[a * n + b])
                return 0;
        }
    return 1;
}

/* Whether an item node stands as written: not excluded, not negated. */
static int plain_item(const bgi_qparsed *parsed, const bgi_qnode *nd)
{
    return nd->op == BGI_QN_ITEM && nd->sign != BGI_QS_EXCLUDED && !parsed->items[nd->item].negated;
}

/* Marks in optional[] the items of parsed that a match may lack: 1 when
 * the query is an AND of items and of ORs of items (稳就业 稳增长, 发展 OR
 * 改革, 改革 (营商环境 OR 放管服)), every item once; 0 for any other shape
 * (exclusions, nested lists). A trend's match is strict, so every item a
 * passage holds, it holds as written. */
static int and_of_ors(const bgi_qparsed *parsed, int *optional)
{
    const bgi_qnode *root =
        parsed->root >= 0 && (size_t)parsed->root < parsed->n_nodes ? &parsed->nodes[parsed->root] : NULL;
    if (!root || root->op != BGI_QN_AND || parsed->n == 0 || parsed->n > BG_QUERY_MAX_ITEMS)
        return 0;
    size_t seen = 0;
    for (int c = root->child; c >= 0; c = parsed->nodes[c].next) {
        const bgi_qnode *nd = &parsed->nodes[c];
        if (plain_item(parsed, nd)) {
            optional[nd->item] = 0;
            seen++;
            continue;
        }
        if (nd->op != BGI_QN_OR || nd->sign == BGI_QS_EXCLUDED)
            return 0;
        for (int o = nd->child; o >= 0; o = parsed->nodes[o].next) {
            if (!plain_item(parsed, &parsed->nodes[o]))
                return 0;
            optional[parsed->nodes[o].item] = 1;
            seen++;
        }
    }
    return seen == parsed->n;
}

/* The query's items as phrases: 1 when every item is one (item_phrase) and
 * the query finds the passages holding them — an AND of items and ORs of
 * items (and_of_ors), not a pasted text or a document number (whose plans
 * match passages without the text) — else 0, or a negative code. */
static int query_phrases(trend_phrases *tp, bg_index *ix, const char *query, const bgi_qplan *plan)
{
    if (plan->source || bgi_query_is_docno(query))
        return 0;
    bgi_qparsed parsed;
    bgi_err ignored = {0};
    if (bgi_query_parse(&parsed, query, &ignored))
        return 0;   /* the plan was built from it: cannot happen */
    int optional[BG_QUERY_MAX_ITEMS];
    int rc = and_of_ors(&parsed, optional);
    for (size_t i = 0; rc == 1 && i < parsed.n; i++)
        if ((rc = item_phrase(tp, ix, parsed.items[i].text)) == 1)
            tp->p[i].optional = optional[i];
    if (rc == 1)
        rc = phrase_joins(tp, ix);
    bgi_qparsed_clear(&parsed);
    return rc;
}

/* Counts the occurrences from the index's terms when the query allows it
 * (query_phrases) and every shard is local: *done = 1. The passages whose
 * positions cannot settle the count (bgx_count_phrases) are counted in their
 * text. *done = 0 (nothing counted) otherwise, or when the match does not
 * find the total passages the year facet counted. */
static int fast_occurrences(trend_series *t, bg_index *ix, const char *query, const bgi_qplan *plan, size_t total,
                            int *done, size_t *from_terms, size_t *from_text)
{
    *done = 0;
    trend_phrases tp;
    tp.n = 0;
    tp.join_buf = NULL;
    tp.joins = NULL;
    tp.join_lens = NULL;
    int rc = query_phrases(&tp, ix, query, plan);
    bgx_occurrences oc = {0};
    if (rc == 1)
        rc = bgx_count_phrases(&oc, ix->reader, plan->query, tp.p, tp.n, tp.joins, tp.join_lens, BG_SLOT_YEAR,
                               &ix->err);
    phrases_clear(&tp);
    if (rc == 0 && oc.supported && oc.matched == total) {
        for (size_t i = 0; rc == 0 && i < oc.n_years; i++) {
            trend_year *y = year_slot(t, oc.years[i]);
            if (y)
                y->occurrences += oc.counts[i];
            else
                rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        }
        for (size_t i = 0; rc == 0 && i < oc.n_unsure; i++)
            rc = count_record(t, ix, plan, oc.unsure[i].data, oc.unsure[i].data_len);
        *done = rc == 0;
        *from_terms += oc.settled;
        *from_text += oc.n_unsure;
    }
    bgx_occurrences_clear(&oc);
    return rc < 0 ? rc : 0;
}

static int oldest_first(const void *a, const void *b)
{
    const trend_year *x = a, *y = b;
    return (x->year > y->year) - (x->year < y->year);
}

/* One series: the years of the reports o keeps with their sizes, and the
 * matches counted. */
static int run_series(bg_trend *tr, trend_series *t, bg_index *ix, const char *query,
                      const bg_search_options *opts, const catalogue *c)
{
    bg_search_options o = *opts;
    o.strict = 1;   /* the expression as written */
    bgi_qplan plan;
    int rc = bgi_search_plan(&plan, ix, query, &o);
    if (rc)
        return rc;
    report_filter f;
    filter_init(&f, &o, c);
    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        if (!report_kept(&f, &c->r[i]))
            continue;
        trend_year *y = year_slot(t, c->r[i].year);
        if (!y) {
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
            break;
        }
        y->chars += c->r[i].chars;
        y->chars_unknown |= c->r[i].chars == 0;
    }
    free(f.full_body);
    bgx_match m = {0};
    if (rc == 0 && plan.query)
        rc = bgi_search_match(&m, ix, plan.query, 0, 0, 0, 0);   /* a trend counts every match */
    for (size_t i = 0; rc == 0 && i < m.n_facets[0]; i++) {
        int year = atoi(m.facets[0][i].value);
        trend_year *y = year > 0 ? year_slot(t, year) : NULL;
        if (y)
            y->passages = m.facets[0][i].count;
        else if (year > 0)
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    }
    int done = 0;
    if (rc == 0 && plan.query && tr->how != BGI_TREND_SCAN)
        rc = fast_occurrences(t, ix, query, &plan, m.total, &done, &tr->from_terms, &tr->from_text);
    if (rc == 0 && plan.query && !done)
        rc = count_occurrences(t, ix, &plan, m.total, &tr->from_text);
    bgx_match_clear(&m);
    bgi_qplan_clear(&plan);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The bodies of the reports opts keeps, once each, in name order, into
 * t's series. */
static int body_series(bg_trend *t, const catalogue *c, const bg_search_options *opts)
{
    report_filter f;
    filter_init(&f, opts, c);
    char **names = calloc(c->n ? c->n : 1, sizeof *names);
    size_t n = 0;
    int rc = names ? 0 : BG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < c->n; i++) {
        if (!report_kept(&f, &c->r[i]))
            continue;
        size_t k = 0;
        while (k < n && strcmp(names[k], c->r[i].body) != 0)
            k++;
        if (k == n)
            names[n++] = c->r[i].body;   /* borrowed from the catalogue */
    }
    free(f.full_body);
    if (rc == 0 && n)
        qsort(names, n, sizeof *names, by_name);
    if (rc == 0 && !(t->s = calloc(n ? n : 1, sizeof *t->s)))
        rc = BG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++, t->n++)
        if (!(t->s[i].body = bgi_strdup(names[i])))
            rc = BG_ENOMEM;
    free(names);
    return rc;
}

/* The series: one for the filters, or one per body they keep. Every series
 * lists the same years (those of any series), so they line up. */
static int run(bg_trend *t, bg_index *ix, const char *query, const bg_search_options *opts)
{
    catalogue c = {0};
    int rc = bgi_ix_foreach_report_size(ix, on_report_size, &c);
    if (rc == 0 && t->by_body)
        rc = body_series(t, &c, opts);
    else if (rc == 0 && (t->s = calloc(1, sizeof *t->s)))
        t->n = 1;
    else if (rc == 0)
        rc = BG_ENOMEM;
    if (rc == BG_ENOMEM)
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < t->n; i++) {
        bg_search_options o = *opts;
        if (t->by_body) {   /* "": the reports without a body */
            o.body_unknown = !t->s[i].body[0];
            o.body = t->s[i].body[0] ? t->s[i].body : NULL;
        }
        rc = run_series(t, &t->s[i], ix, query, &o, &c);
    }
    catalogue_clear(&c);
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
    return bgi_search_trend_counted(out, ix, query, opts, by_body, BGI_TREND_AUTO);
}

void bgi_trend_work(const bg_trend *t, size_t *from_terms, size_t *from_text)
{
    *from_terms = t->from_terms;
    *from_text = t->from_text;
}

int bgi_search_trend_counted(bg_trend **out, bg_index *ix, const char *query, const bg_search_options *opts,
                             int by_body, int how)
{
    *out = NULL;
    bgi_err_clear(&ix->err);
    const bg_search_options *o;
    bg_search_options buf;
    if (bgi_search_options_resolve(&o, &buf, opts, &ix->err))
        return bgi_err_publish(&ix->err);
    bg_trend *t = calloc(1, sizeof *t);
    if (!t || !(t->query = bgi_strdup(query ? query : ""))) {
        free(t);
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    }
    t->by_body = by_body != 0;
    t->how = how;
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
