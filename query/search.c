/* search.c — bg_search_run: keep a reader on the latest commit, analyse the
 * query like the documents, run it, and turn the matches into hits with their
 * section paths and highlighted ranges. The steps are shared with the other
 * ways of searching through search_priv.h. */
#include "bodies.h"
#include "highlight.h"
#include "json_get.h"
#include "qparse.h"
#include "scheme.h"
#include "firsts.h"
#include "search_priv.h"
#include "utf8.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BG_MAX_YEAR_SPAN 400

static bgx_query *year_terms(int from, int to)
{
    size_t n = (size_t)(to - from + 1);
    bgx_query **subs = calloc(n, sizeof *subs);
    if (!subs)
        return NULL;
    for (int y = from; y <= to; y++) {
        char term[BG_TERM_MAX];
        subs[y - from] = bgx_query_term(term, bgi_term_year(term, y), 1, 0);
    }
    bgx_query *q = bgx_query_combine(BGX_OP_OR, subs, n, 0);
    for (size_t i = 0; i < n; i++)
        bgx_query_free(subs[i]);
    free(subs);
    return q;
}

static bgx_query *with_filter(bgx_query *q, bgx_query *filter)
{
    bgx_query *pair[2] = {q, filter};
    bgx_query *r = bgx_query_combine(BGX_OP_FILTER, pair, 2, 0);
    bgx_query_free(q);
    bgx_query_free(filter);
    return r;
}

int bgi_index_has_copies(bg_index *ix)
{
    uint32_t n = 0;
    int rc = bgx_reader_termfreq(ix->reader, BG_TERM_DUPLICATE, &n, &ix->err);
    return rc ? rc : n > 0;
}

/* The filter for a list of years (each 1..9999, at most BG_MAX_YEAR_SPAN). */
static int year_list(bgx_query **out, const int *years, size_t n, bgi_err *err)
{
    if (n > BG_MAX_YEAR_SPAN)
        return bgi_err_set(err, BG_EINVAL, "a list of more than %d years", BG_MAX_YEAR_SPAN);
    bgx_query **subs = calloc(n, sizeof *subs);
    if (!subs)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char term[BG_TERM_MAX];
        if (years[i] < 1 || years[i] > 9999)
            rc = bgi_err_set(err, BG_EINVAL, "year %d is not 1..9999", years[i]);
        else
            subs[i] = bgx_query_term(term, bgi_term_year(term, years[i]), 1, 0);
    }
    *out = rc == 0 ? bgx_query_combine(BGX_OP_OR, subs, n, 0) : NULL;
    for (size_t i = 0; i < n; i++)
        bgx_query_free(subs[i]);
    free(subs);
    return rc ? rc : *out ? 0 : bgi_err_set(err, BG_ENOMEM, "out of memory");
}

int bgi_search_filter(bgx_query **q, bgx_reader *reader, const bg_search_options *o, int has_copies, bgi_err *err)
{
    if (o->years && o->n_years) {
        bgx_query *f = NULL;
        int rc = year_list(&f, o->years, o->n_years, err);
        if (rc) {
            bgx_query_free(*q);
            *q = NULL;
            return rc;
        }
        *q = with_filter(*q, f);
    }
    if (o->year_from || o->year_to) {
        int from = o->year_from ? o->year_from : 1;
        int to = o->year_to ? o->year_to : 9999;
        if (from > to)
            return bgi_err_set(err, BG_EINVAL, "year range %d..%d is empty", from, to);
        if (!o->year_from)
            from = to - BG_MAX_YEAR_SPAN + 1 > 1 ? to - BG_MAX_YEAR_SPAN + 1 : 1;
        if (!o->year_to)
            to = from + BG_MAX_YEAR_SPAN - 1;
        if (to - from >= BG_MAX_YEAR_SPAN)
            return bgi_err_set(err, BG_EINVAL, "year range %d..%d spans more than %d years", from, to,
                              BG_MAX_YEAR_SPAN);
        *q = with_filter(*q, year_terms(from, to));
    }
    char term[BG_TERM_MAX];
    if (*q && o->year_unknown)
        *q = with_filter(*q, bgx_query_term(term, bgi_term_year(term, 0), 1, 0));
    if (*q && o->body_unknown) {
        /* A passage without a body has no XB term at all. */
        bgx_query *pair[2] = {*q, bgx_query_wildcard(BG_PREFIX_BODY, strlen(BG_PREFIX_BODY), 0)};
        *q = pair[1] ? bgx_query_combine(BGX_OP_AND_NOT, pair, 2, 0) : NULL;
        bgx_query_free(pair[0]);
        bgx_query_free(pair[1]);
    }
    if (*q && o->body && o->body[0]) {
        bgx_query *f = NULL;
        int rc = bgi_body_filter(&f, reader, o->body, err);
        if (rc) {
            bgx_query_free(*q);
            *q = NULL;
            return rc;
        }
        *q = with_filter(*q, f);
    }
    if (*q && o->kind && o->kind[0])
        *q = with_filter(*q, bgx_query_term(term, bgi_term_dockind(term, o->kind), 1, 0));
    if (*q && has_copies && !o->all_copies) {
        bgx_query *pair[2] = {*q, bgx_query_term(BG_TERM_DUPLICATE, strlen(BG_TERM_DUPLICATE), 1, 0)};
        bgx_query *r = pair[1] ? bgx_query_combine(BGX_OP_AND_NOT, pair, 2, 0) : NULL;
        bgx_query_free(pair[0]);
        bgx_query_free(pair[1]);
        *q = r;
    }
    if (*q && o->docno && o->docno[0]) {
        size_t n = bgi_term_docno(term, o->docno);
        *q = with_filter(*q, n ? bgx_query_term(term, n, 1, 0) : bgx_query_match_nothing());
    }
    return *q ? 0 : bgi_err_set(err, BG_ENOMEM, "out of memory");
}

static char *dup_field(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return bgi_strdup(cJSON_IsString(v) ? v->valuestring : "");
}

/* The other copies of the page's texts, found with one search for all of
 * them: the passages sharing a hit's text hash, but for the hit itself. */
#define BG_MAX_COPIES 20
static int add_copy(bg_hit *h, const cJSON *o, const cJSON *first, bgi_err *err)
{
    if (h->n_copies == BG_MAX_COPIES || strcmp(bgi_json_str(o, BG_REC_ID), h->id) == 0)
        return 0;
    if (!h->copies && !(h->copies = calloc(BG_MAX_COPIES, sizeof *h->copies)))
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    struct bgi_copy *c = &h->copies[h->n_copies];
    const char *format = first ? bgi_json_str(first, BG_REC_FORMAT) : "";
    c->report = bgi_strdup(first ? bgi_json_str(first, BG_REC_REPORT) : "");
    c->line = (size_t)bgi_json_num(o, BG_REC_LINE, 0);
    snprintf(c->format, sizeof c->format, "%s", format[0] ? format : "txt");
    if (!c->report)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    h->n_copies++;
    return 0;
}

static void free_records(cJSON **recs, size_t n)
{
    for (size_t i = 0; recs && i < n; i++)
        cJSON_Delete(recs[i]);
    free(recs);
}

/* The records of m's hits into *out (free_records), and the first passages
 * of their reports read in one search (bgi_firsts_get). A record that does
 * not parse is an error when strict, else left NULL. */
static int read_records(cJSON ***out, const bgx_match *m, bg_index *ix, int strict)
{
    cJSON **recs = calloc(m->n_hits ? m->n_hits : 1, sizeof *recs);
    bgi_firsts f = {0};
    int rc = recs ? 0 : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < m->n_hits; i++) {
        if (!(recs[i] = bgi_passage_rec_parse(m->hits[i].data, m->hits[i].data_len))) {
            if (strict) {
                uint32_t k = 0;
                const char *shard = bgx_reader_shard_of(ix->reader, m->hits[i].docid, &k);
                rc = bgi_err_set(&ix->err, BG_EXAPIAN, "shard %s: passage %u: damaged document data", shard, k);
            }
        } else if (bgi_firsts_need(&f, recs[i], m->hits[i].docid)) {
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        }
    }
    if (rc == 0)
        rc = bgi_firsts_fetch(&f, ix);
    bgi_firsts_clear(&f);
    *out = recs;
    return rc;
}

static int find_copies(bg_results *res, bg_index *ix)
{
    bgx_query **subs = calloc(res->n_hits ? res->n_hits : 1, sizeof *subs);
    size_t n = 0;
    int rc = subs ? 0 : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < res->n_hits; i++) {
        char term[BG_TERM_MAX];
        size_t len = res->hits[i].texthash[0] ? bgi_term(term, BG_PREFIX_TEXTHASH, res->hits[i].texthash,
                                                         strlen(res->hits[i].texthash), NULL, 0)
                                              : 0;
        uint32_t copies = 0;
        /* Most texts have no copy: a term's frequency says so without
         * reading any passage. */
        if (len)
            rc = bgx_reader_termfreq(ix->reader, term, &copies, &ix->err);
        if (rc == 0 && copies > 1 && !(subs[n++] = bgx_query_term(term, len, 1, 0)))
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    }
    bgx_query *q = rc == 0 && n ? bgx_query_combine(BGX_OP_OR, subs, n, 0) : NULL;
    for (size_t i = 0; i < n; i++)
        bgx_query_free(subs[i]);
    free(subs);
    if (rc || n == 0)
        return rc;
    if (!q)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_match m = {0};
    rc = bgx_search(&m, ix->reader, q, 0, n * (BG_MAX_COPIES + 1) < BG_MAX_LIMIT ? n * (BG_MAX_COPIES + 1)
                                                                                : BG_MAX_LIMIT,
                    NULL, 0, &ix->err);
    bgx_query_free(q);
    cJSON **recs = NULL;
    if (rc == 0)
        rc = read_records(&recs, &m, ix, 0);
    for (size_t k = 0; rc == 0 && k < m.n_hits; k++) {
        const cJSON *o = recs[k];
        const char *hash = o ? bgi_json_str(o, BG_REC_TEXTHASH) : "";
        for (size_t i = 0; rc == 0 && hash[0] && i < res->n_hits; i++)
            if (strcmp(res->hits[i].texthash, hash) == 0)
                rc = add_copy(&res->hits[i], o, bgi_firsts_get(ix, o), &ix->err);
    }
    free_records(recs, m.n_hits);
    bgx_match_clear(&m);
    return rc;
}

/* A pasted text's hit is exact when its passage holds the whole text,
 * normalised (the first needle), else partial. */
static int source_match(bg_hit *h, bg_index *ix, const bgi_qplan *plan)
{
    bgi_normtext nt = {0};
    int rc = bgi_normalize(ix->query_an, h->text, strlen(h->text), &nt, &ix->err);
    if (rc == 0 && !memmem(nt.text, nt.len, plan->needles[0].text, plan->needles[0].len))
        h->match = "partial";
    bgi_normtext_clear(&nt);
    return rc;
}

/* Fills h from its record o and first, the record that holds its report's
 * fields (o itself, its report's first passage, or NULL when unknown: a
 * report still being written). */
static int fill_hit(bg_hit *h, const bgx_hit *m, const cJSON *o, const cJSON *first, bg_index *ix,
                    const bgi_qplan *plan)
{
    const cJSON *rep = first ? first : o;
    h->score = m->weight;
    h->text = dup_field(o, BG_REC_TEXT);
    h->report = dup_field(rep, BG_REC_REPORT);
    h->title = dup_field(rep, BG_REC_TITLE);
    h->body = dup_field(rep, BG_REC_BODY);
    h->id = dup_field(o, BG_REC_ID);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, BG_REC_KIND);
    h->kind = bgi_kind_from_name(cJSON_IsString(v) ? v->valuestring : "");
    v = cJSON_GetObjectItemCaseSensitive(o, BG_REC_LINE);
    h->line = cJSON_IsNumber(v) ? (size_t)v->valuedouble : 0;
    v = cJSON_GetObjectItemCaseSensitive(o, BG_REC_YEAR);
    h->year = cJSON_IsNumber(v) ? v->valueint : 0;
    v = cJSON_GetObjectItemCaseSensitive(rep, BG_REC_FORMAT);
    snprintf(h->format, sizeof h->format, "%s", cJSON_IsString(v) ? v->valuestring : "txt");
    v = cJSON_GetObjectItemCaseSensitive(o, BG_REC_PAGE);
    h->page = cJSON_IsNumber(v) ? v->valueint : 0;
    v = cJSON_GetObjectItemCaseSensitive(rep, BG_REC_DATE);
    h->date = cJSON_IsString(v) ? bgi_strdup(v->valuestring) : NULL;
    v = cJSON_GetObjectItemCaseSensitive(rep, BG_REC_DOCNO);
    h->docno = cJSON_IsString(v) ? bgi_strdup(v->valuestring) : NULL;
    h->doc_kind = dup_field(rep, BG_REC_DOCKIND);
    v = cJSON_GetObjectItemCaseSensitive(o, BG_REC_TEXTHASH);
    if (cJSON_IsString(v))
        snprintf(h->texthash, sizeof h->texthash, "%s", v->valuestring);
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(o, BG_REC_SECTION);
    int n = cJSON_IsArray(sec) ? cJSON_GetArraySize(sec) : 0;
    h->section = calloc(n ? (size_t)n : 1, sizeof *h->section);
    int ok = h->text && h->report && h->title && h->body && h->id && h->section && h->doc_kind
          && (h->date || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rep, BG_REC_DATE)))
          && (h->docno || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(rep, BG_REC_DOCNO)));
    for (int i = 0; ok && i < n; i++) {
        ok = (h->section[i] = bgi_strdup(bgi_passage_rec_section(o, first, i))) != NULL;
        h->n_section += ok;
    }
    if (!ok)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgi_ranges r;
    int rc = bgi_highlight(&r, ix->query_an, h->text, strlen(h->text), plan->needles, plan->n_needles, &ix->err);
    if (rc)
        return rc;
    h->mstart = r.start;
    h->mend = r.end;
    h->n_matches = r.n;
    h->match = "exact";
    if (plan->source && plan->n_needles)
        rc = source_match(h, ix, plan);
    return rc;
}

static int copy_facets(bgi_facet_count **out, size_t *n, const bgx_facet *f, size_t nf)
{
    *out = calloc(nf ? nf : 1, sizeof **out);
    if (!*out)
        return BG_ENOMEM;
    for (size_t i = 0; i < nf; i++) {
        if (!((*out)[i].value = bgi_strdup(f[i].value)))
            return BG_ENOMEM;
        (*out)[i].count = f[i].count;
        (*n)++;
    }
    return 0;
}

/* Whether the whole query is a 发文字号: a few characters, a bracketed year,
 * a number and 号 (国发〔2023〕1号, 国办函[2021]88号, 国发（2023）1号). */
int bgi_query_is_docno(const char *query)
{
    char norm[BG_TERM_MAX];
    if (bgi_docno_normalize(norm, sizeof norm, query) != 0)
        return 0;
    const char *open = strstr(norm, "〔"), *close = open ? strstr(open, "〕") : NULL;
    size_t n = strlen(norm);
    if (!open || open == norm || !close || close - open != (ptrdiff_t)(strlen("〔") + 4)
        || n < strlen("号") || strcmp(norm + n - strlen("号"), "号") != 0)
        return 0;
    const char *num = close + strlen("〕");
    return num < norm + n - strlen("号") && strspn(num, "0123456789") == (size_t)(norm + n - strlen("号") - num);
}

/* q, or the document that bears the number query: its passages rank first
 * (the XN term is weighted), though none holds the number, which stands in
 * the document's frame. */
static bgx_query *or_document(bgx_query *q, const char *query)
{
    char term[BG_TERM_MAX];
    size_t n = bgi_term_docno(term, query);
    bgx_query *t = n ? bgx_query_term(term, n, 1, 0) : NULL;
    bgx_query *scaled = t ? bgx_query_scale(t, 10.0) : NULL;
    bgx_query *pair[2] = {q, scaled};
    bgx_query *r = scaled ? bgx_query_combine(BGX_OP_OR, pair, 2, 0) : NULL;
    bgx_query_free(t);
    bgx_query_free(scaled);
    bgx_query_free(q);
    return r;
}

/* A query of BGI_SOURCE_MIN_CHARS characters or more is a pasted sentence
 * or paragraph — when it holds a stretch of 40 characters without a space,
 * no query syntax (OR, AND, NOT, quotes, brackets, -exclusions), or is too
 * long to parse — and is searched for its source, not parsed (its
 * quotes, brackets and dashes are the text's own). A long list of words and
 * operators (a OR b OR …) is still parsed. */
static int is_pasted(const char *query)
{
    size_t chars = 0, stretch = 0, longest = 0;
    for (const unsigned char *p = (const unsigned char *)query; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        chars++;
        stretch = *p == ' ' || *p == '\t' || *p == '\n' ? 0 : stretch + 1;
        longest = stretch > longest ? stretch : longest;
    }
    static const char *const syntax[] = {" OR ", " AND ", " NOT ", "\"", "(", " -"};
    int operators = 0;
    for (size_t i = 0; i < sizeof syntax / sizeof syntax[0]; i++)
        operators |= strstr(query, syntax[i]) != NULL;
    return chars >= BGI_SOURCE_MIN_CHARS && (longest >= 40 || strlen(query) > BG_QUERY_MAX_BYTES || !operators);
}

static int build_plan(bgi_qplan *plan, bg_index *ix, const char *query, int strict)
{
    if (is_pasted(query)) {
        int rc = bgi_ix_refresh_reader(ix);
        if (rc == 0 && ix->reader)
            rc = bgi_qplan_build_source(plan, ix->query_an, query, &ix->err);
        /* Only lone characters (的.的.…): the parser's limits say why not. */
        if (rc != BG_EQUERY)
            return rc;
    }
    bgi_qparsed parsed;
    int rc = bgi_query_parse(&parsed, query, &ix->err);
    if (rc)
        return rc;
    rc = bgi_ix_refresh_reader(ix);
    if (rc == 0 && ix->reader)   /* else an index with no reports yet */
        rc = bgi_qplan_build(plan, ix->query_an, ix->reader, &parsed, strict, &ix->err);
    bgi_qparsed_clear(&parsed);
    return rc;
}

int bgi_search_plan(bgi_qplan *plan, bg_index *ix, const char *query, const bg_search_options *o)
{
    memset(plan, 0, sizeof *plan);
    int rc = build_plan(plan, ix, query, o->strict);
    if (rc == 0 && plan->query && bgi_query_is_docno(query))
        plan->query = or_document(plan->query, query);
    if (rc == 0 && !plan->query && ix->reader)
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0 && plan->query && (rc = bgi_index_has_copies(ix)) >= 0) {
        plan->has_copies = rc;
        rc = bgi_search_filter(&plan->query, ix->reader, o, plan->has_copies, &ix->err);
        /* The tiers answer the same question less strictly: same filters. */
        for (int t = 0; rc == 0 && t < 2; t++)
            if (plan->tiers[t])
                rc = bgi_search_filter(&plan->tiers[t], ix->reader, o, plan->has_copies, &ix->err);
    }
    if (rc)
        bgi_qplan_clear(plan);
    return rc;
}

bg_results *bgi_results_new(const char *query)
{
    bg_results *res = calloc(1, sizeof *res);
    if (res && !(res->query = bgi_strdup(query ? query : ""))) {
        free(res);
        return NULL;
    }
    if (res)
        res->total_exact = res->facets_exact = 1;
    return res;
}


int bgi_results_fill(bg_results *res, bg_index *ix, const bgx_match *m, const bgi_qplan *plan, size_t first_rank)
{
    res->total = m->total;
    res->total_lower = m->total_lower;
    res->total_upper = m->total_upper;
    res->total_exact = m->total_exact;
    res->facets_exact = m->facets_exact;
    res->hits = calloc(m->n_hits ? m->n_hits : 1, sizeof *res->hits);
    if (!res->hits)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    cJSON **recs = NULL;
    int rc = read_records(&recs, m, ix, 1);
    for (size_t i = 0; rc == 0 && i < m->n_hits; i++) {
        res->hits[i].rank = first_rank + i + 1;
        res->n_hits++;
        rc = fill_hit(&res->hits[i], &m->hits[i], recs[i], bgi_firsts_get(ix, recs[i]), ix, plan);
    }
    free_records(recs, m->n_hits);
    if (rc == 0 && plan->has_copies)
        rc = find_copies(res, ix);
    if (rc == 0 && (copy_facets(&res->years, &res->n_years, m->facets[0], m->n_facets[0])
                    || copy_facets(&res->bodies, &res->n_bodies, m->facets[1], m->n_facets[1])
                    || copy_facets(&res->kinds, &res->n_kinds, m->facets[2], m->n_facets[2])
                    || bgi_missing_copy(&res->missing, ix)))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return rc;
}

int bgi_search_page(size_t *limit, const bg_search_options *o, bgi_err *err)
{
    *limit = o->limit ? o->limit : 10;
    if (*limit > BG_MAX_LIMIT || o->offset > 1000000)
        return bgi_err_set(err, BG_ETOOBIG, "limit is at most %d and offset at most 1000000", BG_MAX_LIMIT);
    return 0;
}

/* Adds the counts of b[0..nb) to *a (sorted by value, as facets come). */
static int merge_facets(bgi_facet_count **a, size_t *na, bgi_facet_count *b, size_t nb)
{
    for (size_t j = 0; j < nb; j++) {
        size_t i = 0;
        while (i < *na && strcmp((*a)[i].value, b[j].value) != 0)
            i++;
        if (i < *na) {
            (*a)[i].count += b[j].count;
            continue;
        }
        if (b[j].count == 0)
            continue;   /* only a passage listed twice had it (uncount) */
        bgi_facet_count *p = realloc(*a, (*na + 1) * sizeof *p);
        if (!p)
            return BG_ENOMEM;
        *a = p;
        p[(*na)++] = (bgi_facet_count){b[j].value, b[j].count};
        b[j].value = NULL;
    }
    for (size_t i = 1; i < *na; i++)   /* insertion sort: a few dozen values */
        for (size_t k = i; k > 0 && strcmp((*a)[k - 1].value, (*a)[k].value) > 0; k--) {
            bgi_facet_count t = (*a)[k];
            (*a)[k] = (*a)[k - 1];
            (*a)[k - 1] = t;
        }
    return 0;
}


static void uncount_value(bgi_facet_count *f, size_t n, const char *value)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].value, value) == 0 && f[i].count > 0) {
            f[i].count--;
            return;
        }
}

/* Takes a passage listed twice out of a tier's facets. */
static void uncount(bg_results *part, const bg_hit *h)
{
    char year[16];
    snprintf(year, sizeof year, "%04d", h->year);
    uncount_value(part->years, part->n_years, year);
    uncount_value(part->bodies, part->n_bodies, h->body);
    uncount_value(part->kinds, part->n_kinds, h->doc_kind ? h->doc_kind : "");
}

/* Moves part's hits after res's, labelled match, and adds its total and
 * facets to res's. */
static int append_tier(bg_results *res, bg_results *part, const char *match)
{
    bg_hit *h = realloc(res->hits, (res->n_hits + part->n_hits + 1) * sizeof *h);
    if (!h)
        return BG_ENOMEM;
    res->hits = h;
    /* A tier excludes the tiers before it by query, and Xapian 1.4 may still
     * give back a passage found before (seen with a phrase on the right of
     * AND_NOT, differently on local and remote shards): a passage is listed
     * once, and counted once where the page shows it twice. */
    size_t again = 0;
    for (size_t i = 0; i < part->n_hits; i++) {
        int seen = 0;
        for (size_t k = 0; k < res->n_hits && !seen; k++)
            seen = strcmp(res->hits[k].id, part->hits[i].id) == 0;
        if (seen) {
            uncount(part, &part->hits[i]);
            bgi_hit_clear(&part->hits[i]);
            again++;
            continue;
        }
        part->hits[i].match = match;
        res->hits[res->n_hits++] = part->hits[i];
    }
    part->n_hits = 0;
    res->total += part->total - (again < part->total ? again : part->total);
    res->total_lower += part->total_lower - (again < part->total_lower ? again : part->total_lower);
    res->total_upper += part->total_upper - (again < part->total_upper ? again : part->total_upper);
    res->total_exact = res->total_exact && part->total_exact;
    res->facets_exact = res->facets_exact && part->facets_exact;
    if (merge_facets(&res->years, &res->n_years, part->years, part->n_years)
        || merge_facets(&res->bodies, &res->n_bodies, part->bodies, part->n_bodies)
        || merge_facets(&res->kinds, &res->n_kinds, part->kinds, part->n_kinds))
        return BG_ENOMEM;
    return 0;
}

/* ---- taking out what the tiers before found ------------------------------ */

/* A tier leaves out the passages of the tiers before it by their ids (Q
 * terms) while those are at most this many, else by the tiers' queries.
 * Xapian 1.4 lets a passage through AND_NOT with a phrase on its right now
 * and then, and not alike in a merged match and shard by shard: by ids the
 * tiers are exact and the same over local and remote shards. */
#define TIER_EXCLUDE_IDS 256

typedef struct found_ids {
    char *id[TIER_EXCLUDE_IDS];
    size_t n;
    int over;     /* more than TIER_EXCLUDE_IDS: queries take them out */
} found_ids;

static void found_ids_clear(found_ids *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->id[i]);
}

/* Adds the ids of the total matches of q: from hits when they are all of
 * them (a first page), else by a search for them. */
static int collect_ids(found_ids *f, bg_index *ix, const bgx_query *q, size_t total, const bg_hit *hits,
                       size_t n_hits)
{
    if (f->over || f->n + total > TIER_EXCLUDE_IDS) {
        f->over = 1;
        return 0;
    }
    if (hits && n_hits == total) {
        for (size_t i = 0; i < n_hits; i++)
            if (!(f->id[f->n++] = bgi_strdup(hits[i].id)))
                return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        return 0;
    }
    bgx_match m = {0};
    int rc = total ? bgx_search(&m, ix->reader, q, 0, total, NULL, 0, &ix->err) : 0;
    for (size_t i = 0; rc == 0 && i < m.n_hits && f->n < TIER_EXCLUDE_IDS; i++) {
        cJSON *o = bgi_passage_rec_parse(m.hits[i].data, m.hits[i].data_len);
        const char *id = o ? bgi_json_str(o, BG_REC_ID) : NULL;
        if (id && !(f->id[f->n++] = bgi_strdup(id)))
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        cJSON_Delete(o);
    }
    bgx_match_clear(&m);
    return rc;
}

/* tier without what the tiers before found (their queries: before[0..n)). */
static bgx_query *without_before(const bgx_query *tier, const found_ids *f, bgx_query *const *before, size_t n)
{
    bgx_query *minus = NULL;
    if (f->over) {
        minus = bgx_query_combine(BGX_OP_OR, (bgx_query **)before, n, 0);
    } else if (f->n) {
        bgx_query *terms[TIER_EXCLUDE_IDS];
        char term[BG_TERM_MAX];
        for (size_t i = 0; i < f->n; i++)
            terms[i] = bgx_query_term(term, bgi_term_passage(term, f->id[i]), 1, 0);
        minus = bgx_query_combine(BGX_OP_OR, terms, f->n, 0);
        for (size_t i = 0; i < f->n; i++)
            bgx_query_free(terms[i]);
    }
    bgx_query *pair[2] = {(bgx_query *)tier, minus};
    bgx_query *q = bgx_query_combine(minus ? BGX_OP_AND_NOT : BGX_OP_AND, pair, minus ? 2 : 1, 0);
    bgx_query_free(minus);
    return q;
}

/* The matching strategy: the exact matches, then — when they end before
 * this page does — each tier of the plan in turn, the page continuing where
 * the tiers before ran out (o->offset counts across tiers). */
static int fill_tiers(bg_results *res, bg_index *ix, bgi_qplan *plan, const bg_search_options *o, size_t limit)
{
    static const char *const names[2] = {"all_words", "partial"};
    size_t before = res->total;   /* matches of the tiers so far */
    found_ids found = {0};
    bgx_query *queries[3] = {plan->query};   /* the exact query and each tier run */
    size_t n_queries = 1;
    int rc = collect_ids(&found, ix, plan->query, res->total, o->offset ? NULL : res->hits, res->n_hits);
    for (int t = 0; rc == 0 && t < 2; t++) {
        if (!plan->tiers[t])
            continue;
        size_t off = o->offset > before ? o->offset - before : 0;
        size_t want = limit > res->n_hits ? limit - res->n_hits : 0;
        bgx_match m = {0};
        bgx_query *q = without_before(plan->tiers[t], &found, queries, n_queries);
        bg_results *part = q ? bgi_results_new(res->query) : NULL;
        rc = part ? bgi_search_match(&m, ix, q, off, want, 0, bgi_count_bound(o))
                  : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        if (rc == 0)
            rc = bgi_results_fill(part, ix, &m, plan, o->offset + res->n_hits);
        if (rc == 0 && t == 0 && plan->tiers[1])
            rc = collect_ids(&found, ix, q, m.total, off ? NULL : part->hits, part->n_hits);
        if (rc == 0 && append_tier(res, part, names[t]))
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        queries[n_queries++] = plan->tiers[t];
        before += m.total;
        bgx_match_clear(&m);
        bg_results_free(part);
        bgx_query_free(q);
    }
    found_ids_clear(&found);
    return rc;
}

static int run(bg_results *res, bg_index *ix, const char *query, const bg_search_options *o)
{
    bgi_qplan plan;
    int rc = bgi_search_plan(&plan, ix, query, o);
    if (rc || !plan.query)
        return rc;
    size_t limit;
    rc = bgi_search_page(&limit, o, &ix->err);
    if (rc || o->strict || (!plan.tiers[0] && !plan.tiers[1]))
        return bgi_search_fill_page(res, ix, &plan, o, rc == 0 ? limit : 0, rc);
    bgx_match m = {0};
    rc = bgi_search_match(&m, ix, plan.query, o->offset, limit, 0, bgi_count_bound(o));
    if (rc == 0)
        rc = bgi_results_fill(res, ix, &m, &plan, o->offset);
    /* The tiers follow the exact matches, on this page or the ones after.
     * When the exact matches are fewer than the page ends at, they were all
     * checked (a bounded count checks offset + limit at least), so their
     * total is exact and the tiers start from it. */
    if (rc == 0 && m.total < o->offset + limit)
        rc = fill_tiers(res, ix, &plan, o, limit);
    bgx_match_clear(&m);
    bgi_qplan_clear(&plan);
    return rc;
}

int bgi_search_fill_page(bg_results *res, bg_index *ix, bgi_qplan *plan, const bg_search_options *o,
                         size_t limit, int rc)
{
    bgx_match m = {0};
    if (rc == 0)
        rc = bgi_search_match(&m, ix, plan->query, o->offset, limit, 0, bgi_count_bound(o));
    if (rc == 0)
        rc = bgi_results_fill(res, ix, &m, plan, o->offset);
    bgx_match_clear(&m);
    bgi_qplan_clear(plan);
    return rc;
}

int bgi_search_options_resolve(const bg_search_options **out, bg_search_options *buf, const bg_search_options *opts,
                               bgi_err *err)
{
    static const bg_search_options defaults = BG_SEARCH_OPTIONS_INIT;
    *out = opts ? opts : &defaults;
    if (opts && opts->version == 1) {
        /* A caller built against version 1: its struct ends before exact. */
        *buf = defaults;
        memcpy(buf, opts, offsetof(bg_search_options, exact));
        buf->version = BG_SEARCH_OPTIONS_VERSION;
        *out = buf;
        return 0;
    }
    if (opts && opts->version != BG_SEARCH_OPTIONS_VERSION)
        return bgi_err_set(err, BG_EINVAL, "bg_search_options version %u is not supported (this library knows 1 and %d; "
                          "initialise with BG_SEARCH_OPTIONS_INIT)", opts->version, BG_SEARCH_OPTIONS_VERSION);
    return 0;
}

size_t bgi_count_bound(const bg_search_options *o)
{
    return o->exact ? 0 : o->count_bound ? o->count_bound : BG_COUNT_BOUND;
}

int bgi_search_with(bg_results **out, bg_index *ix, const char *query, const bg_search_options *opts,
                   bgi_search_fn fn)
{
    *out = NULL;
    bgi_err_clear(&ix->err);
    const bg_search_options *o;
    bg_search_options buf;
    if (bgi_search_options_resolve(&o, &buf, opts, &ix->err))
        return bgi_err_publish(&ix->err);
    bg_results *res = bgi_results_new(query);
    if (!res)
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    int rc = fn(res, ix, query, o);
    if (rc) {
        bg_results_free(res);
        return bgi_err_publish(&ix->err);
    }
    *out = res;
    return 0;
}

int bg_search_run(bg_results **out, bg_index *ix, const char *query, const bg_search_options *opts)
{
    return bgi_search_with(out, ix, query, opts, run);
}

/* ---- no results: what each filter costs ---------------------------------- */

/* o without the filter named drop ("all": without any). */
static void drop_filter(bg_search_options *o, const char *drop)
{
    int all = strcmp(drop, "all") == 0;
    if (all || strcmp(drop, "year") == 0) {
        o->year_from = o->year_to = o->year_unknown = 0;
        o->years = NULL;
        o->n_years = 0;
    }
    if (all || strcmp(drop, "body") == 0) {
        o->body = NULL;
        o->body_unknown = 0;
    }
    if (all || strcmp(drop, "kind") == 0)
        o->kind = NULL;
    if (all || strcmp(drop, "docno") == 0)
        o->docno = NULL;
}

/* Each count is the same search (bg_search_run, the same page size) without
 * a filter, so it is the total the reader sees when dropping it. */
int bg_search_suggest(bg_suggestion *out, size_t max, size_t *n, bg_index *ix, const char *query,
                      const bg_search_options *opts)
{
    *n = 0;
    const bg_search_options *o;
    bg_search_options buf;
    if (bgi_search_options_resolve(&o, &buf, opts, &ix->err))
        return bgi_err_publish(&ix->err);
    const struct { const char *name; int on; } filters[] = {
        {"year", o->year_from || o->year_to || (o->years && o->n_years) || o->year_unknown},
        {"body", (o->body && o->body[0]) || o->body_unknown},
        {"kind", o->kind && o->kind[0]},
        {"docno", o->docno && o->docno[0]},
        {"all", 0},
    };
    size_t on = 0;
    for (size_t i = 0; i < 4; i++)
        on += filters[i].on != 0;
    for (size_t i = 0; i < 5 && *n < max; i++) {
        if (!(filters[i].on || (i == 4 && on >= 2)))
            continue;
        bg_search_options without = *o;   /* the same page: how far matching goes may depend on it */
        without.offset = 0;
        drop_filter(&without, filters[i].name);
        bg_results *res = NULL;
        int rc = bg_search_run(&res, ix, query, &without);
        if (rc)
            return rc;
        out[(*n)++] = (bg_suggestion){filters[i].name, bg_results_total(res)};
        bg_results_free(res);
    }
    return 0;
}

void bgi_hit_clear(bg_hit *h)
{
    free(h->text);
    free(h->report);
    free(h->title);
    free(h->body);
    free(h->id);
    free(h->date);
    free(h->docno);
    free(h->doc_kind);
    for (size_t i = 0; i < h->n_copies; i++)
        free(h->copies[i].report);
    free(h->copies);
    for (size_t i = 0; i < h->n_section; i++)
        free(h->section[i]);
    free(h->section);
    free(h->mstart);
    free(h->mend);
}

void bg_results_free(bg_results *res)
{
    if (!res)
        return;
    for (size_t i = 0; i < res->n_hits; i++)
        bgi_hit_clear(&res->hits[i]);
    free(res->hits);
    for (size_t i = 0; i < res->n_years; i++)
        free(res->years[i].value);
    for (size_t i = 0; i < res->n_bodies; i++)
        free(res->bodies[i].value);
    for (size_t i = 0; i < res->n_kinds; i++)
        free(res->kinds[i].value);
    free(res->years);
    free(res->bodies);
    free(res->kinds);
    bgi_names_clear(&res->missing);
    free(res->query);
    free(res);
}

size_t bg_missing_count(const bg_missing *m) { return m ? m->n : 0; }
const char *bg_missing_name(const bg_missing *m, size_t i) { return m && i < m->n ? m->v[i] : NULL; }
const bg_missing *bg_results_missing_shards(const bg_results *res) { return &res->missing; }
size_t bg_results_missing_count(const bg_results *res) { return bg_missing_count(&res->missing); }
const char *bg_results_missing(const bg_results *res, size_t i) { return bg_missing_name(&res->missing, i); }

size_t bg_results_total(const bg_results *res) { return res->total; }
int bg_results_total_exact(const bg_results *res) { return res->total_exact; }
size_t bg_results_total_lower(const bg_results *res) { return res->total_exact ? res->total : res->total_lower; }
size_t bg_results_total_upper(const bg_results *res) { return res->total_exact ? res->total : res->total_upper; }
int bg_results_facets_exact(const bg_results *res) { return res->facets_exact; }
size_t bg_results_count(const bg_results *res) { return res->n_hits; }
const bg_hit *bg_results_hit(const bg_results *res, size_t i) { return i < res->n_hits ? &res->hits[i] : NULL; }

static const bgi_facet_count *facet_array(const bg_results *res, bg_facet facet, size_t *n)
{
    *n = 0;
    if (facet == BG_FACET_YEAR) {
        *n = res->n_years;
        return res->years;
    }
    if (facet == BG_FACET_KIND) {
        *n = res->n_kinds;
        return res->kinds;
    }
    if (facet == BG_FACET_BODY) {
        *n = res->n_bodies;
        return res->bodies;
    }
    return NULL;
}

size_t bg_results_facet_size(const bg_results *res, bg_facet facet)
{
    size_t n;
    facet_array(res, facet, &n);
    return n;
}

const char *bg_results_facet(const bg_results *res, bg_facet facet, size_t i, size_t *count)
{
    size_t n;
    const bgi_facet_count *f = facet_array(res, facet, &n);
    if (i >= n)
        return NULL;
    if (count)
        *count = f[i].count;
    return f[i].value;
}

size_t bg_hit_rank(const bg_hit *h) { return h->rank; }
const char *bg_hit_format(const bg_hit *h) { return h->format; }
const char *bg_hit_date(const bg_hit *h) { return h->date; }
const char *bg_hit_docno(const bg_hit *h) { return h->docno; }
const char *bg_hit_doc_kind(const bg_hit *h) { return h->doc_kind; }
size_t bg_hit_duplicate_count(const bg_hit *h) { return h->n_copies; }

const char *bg_hit_duplicate(const bg_hit *h, size_t i, size_t *line, const char **format)
{
    if (i >= h->n_copies)
        return NULL;
    if (line)
        *line = h->copies[i].line;
    if (format)
        *format = h->copies[i].format;
    return h->copies[i].report;
}
int bg_hit_page(const bg_hit *h) { return h->page; }
double bg_hit_score(const bg_hit *h) { return h->score; }
int bg_hit_kind(const bg_hit *h) { return h->kind; }
const char *bg_hit_text(const bg_hit *h) { return h->text; }
const char *bg_hit_report(const bg_hit *h) { return h->report; }
size_t bg_hit_line(const bg_hit *h) { return h->line; }
const char *bg_hit_title(const bg_hit *h) { return h->title; }
const char *bg_hit_body(const bg_hit *h) { return h->body; }
const char *bg_hit_id(const bg_hit *h) { return h->id; }
int bg_hit_year(const bg_hit *h) { return h->year; }
size_t bg_hit_section_count(const bg_hit *h) { return h->n_section; }
const char *bg_hit_section(const bg_hit *h, size_t i) { return i < h->n_section ? h->section[i] : NULL; }

const char *bg_hit_kind_name(const bg_hit *h)
{
    static const char *const names[] = {"heading", "paragraph", "measure"};
    return names[h->kind];
}

const char *bg_hit_match(const bg_hit *h)
{
    return h->match ? h->match : "exact";
}

size_t bg_hit_matches(const bg_hit *h, const size_t **starts, const size_t **ends)
{
    *starts = h->mstart;
    *ends = h->mend;
    return h->n_matches;
}

char *bg_hit_snippet(const bg_hit *h, size_t max_chars, const char *open, const char *close)
{
    bgi_ranges r = {.start = h->mstart, .end = h->mend, .n = h->n_matches};
    return bgi_snippet(h->text, strlen(h->text), &r, max_chars, open ? open : "", close ? close : "");
}
