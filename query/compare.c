/* compare.c — bg_search_compare: two years' passages on a query, side by
 * side (baogao-query --compare A B, /api/compare; docs/years.md, "Side by
 * side").
 *
 * Each year is an ordinary exact search with a one-year filter (the best
 * BG_COMPARE_MAX passages). Every passage of year B is then paired with its
 * closest passage of year A, one to one, greedily, best pair first. "Closest"
 * is the Dice coefficient of the two texts' character bigrams (normalised as
 * the index normalises, punctuation left out) — Chinese has no spaces, and
 * bigrams are what the reworded sentence of the next year's report keeps —
 * plus a bonus when both stand under the same section path: as deep, and
 * at each level headings that are the same once numbering and digits are
 * left out (一、2023年工作回顾, 一、2024年工作回顾) or share half their bigrams
 * (（五）扩大高水平对外开放，促进互利共赢 and （五）扩大高水平对外开放，积极稳外贸稳外资).
 * A pair needs SIM_MIN_SECTION under the same section, SIM_MIN elsewhere;
 * what is left is only in its year. */
#include "analysis.h"
#include "cn_numeral.h"
#include "search_priv.h"
#include "utf8.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* What the same section path adds to a pair's score when pairs are chosen:
 * more than the text similarity of two passages that merely share the
 * subject's words, so a passage under the same heading wins over a
 * look-alike from elsewhere. */
#define SECTION_BONUS 0.25
/* The least similarity of a pair, under the same section and elsewhere.
 * Over the State Council's reports (docs/years.md), two passages that only
 * share the query's subject have 0.03-0.12 under the same section and up to
 * 0.2 elsewhere; a reworded passage of the next year 0.15-0.75. */
#define SIM_MIN_SECTION 0.15
#define SIM_MIN 0.25
/* Headings at one level of two paths are the same from this similarity. */
#define HEADING_MIN 0.5
/* Similarity from which a pair is "same": the same wording, give or take a
 * number or a word. */
#define SAME_MIN 0.9

/* Sorted character bigrams (a multiset). */
typedef struct bigram_set {
    uint64_t *v;
    size_t n;
} bigram_set;

/* A heading as compared: numbering and digits left out. */
typedef struct heading_key {
    char *text;
    bigram_set bigrams;
} heading_key;

/* One passage prepared for comparing. */
typedef struct side_item {
    const bg_hit *hit;
    bigram_set bigrams;
    heading_key *path;   /* hit->n_section of them */
} side_item;

typedef struct side {
    int year;
    bg_results *res;
    side_item *items;   /* in report order */
    size_t n;
} side;

typedef struct entry {
    long a, b;          /* indexes into sides' items, -1 for none */
    double similarity;
    int section_match;
} entry;

struct bg_compare {
    char *query;
    side s[2];
    entry *e;
    size_t n;
    int truncated;
    bg_figures *figures;
    bg_names missing;
};

/* ---- preparing a passage --------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The sorted bigrams of the characters of text[0..len) that count. */
static int bigrams(bigram_set *b, const char *text, size_t len)
{
    b->v = malloc((len + 1) * sizeof *b->v);
    if (!b->v)
        return BG_ENOMEM;
    int32_t prev = -1, c;
    for (size_t i = 0; i < len;) {
        i += bgi_utf8_decode((const unsigned char *)text, len, i, &c);
        if (!bgi_char_indexable(c))
            continue;
        if (prev >= 0)
            b->v[b->n++] = (uint64_t)(uint32_t)prev << 32 | (uint32_t)c;
        prev = c;
    }
    if (b->n)
        qsort(b->v, b->n, sizeof *b->v, cmp_u64);
    return 0;
}

/* Dice over the bigram multisets: 2·|A∩B| / (|A| + |B|). */
static double dice(const bigram_set *a, const bigram_set *b)
{
    size_t i = 0, j = 0, common = 0;
    while (i < a->n && j < b->n) {
        if (a->v[i] == b->v[j])
            common++, i++, j++;
        else if (a->v[i] < b->v[j])
            i++;
        else
            j++;
    }
    size_t all = a->n + b->n;
    return all ? 2.0 * (double)common / (double)all : 0;
}

/* The numeral a heading's numbering holds: digits, or 一 … 九十九. */
static size_t numeral_run(const char *s)
{
    size_t n = strspn(s, "0123456789");
    const char *after = s;
    return n ? n : bgi_cn_numeral_parse(s, s + strlen(s), &after) ? (size_t)(after - s) : 0;
}

/* The length of the numbering a normalised heading starts with: 一, / 1. /
 * (二) / 第三章 (NFKC made 、 a comma and （） ASCII), 0 for none. */
static size_t numbering(const char *s)
{
    static const char *const after_di[] = {"章", "节", "条", "部分", "篇", NULL};
    if (s[0] == '(') {
        size_t n = numeral_run(s + 1);
        return n && s[1 + n] == ')' ? n + 2 : 0;
    }
    if (strncmp(s, "第", 3) == 0) {
        size_t n = numeral_run(s + 3);
        for (const char *const *k = after_di; n && *k; k++)
            if (strncmp(s + 3 + n, *k, strlen(*k)) == 0)
                return 3 + n + strlen(*k);
        return 0;
    }
    size_t n = numeral_run(s);
    return n && s[n] && strchr(",.)", s[n]) ? n + 1 : 0;
}

/* Heading h as compared: its numbering left out, then only the characters
 * that count, without digits (the year in 2024年工作任务). */
static int heading(heading_key *k, bg_index *ix, const char *h, bgi_normtext *nt)
{
    bgi_buf key = {0};
    int rc = bgi_normalize(ix->query_an, h, strlen(h), nt, &ix->err);
    size_t i = 0;
    while (rc == 0 && i < nt->len && nt->text[i] == ' ')
        i++;
    for (int k = 0; rc == 0 && k < 3; k++) {   /* 1. (1) stacked */
        size_t n = numbering(nt->text + i);
        i += n;
        while (n && i < nt->len && nt->text[i] == ' ')
            i++;
    }
    int32_t c;
    while (rc == 0 && i < nt->len) {
        size_t start = i;
        i += bgi_utf8_decode((const unsigned char *)nt->text, nt->len, i, &c);
        if (bgi_char_indexable(c) && !(c >= '0' && c <= '9') && bgi_buf_append(&key, nt->text + start, i - start))
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    }
    if (rc == 0 && bgi_buf_append(&key, "", 0))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    k->text = key.data;
    if (rc == 0 && bigrams(&k->bigrams, k->text, key.len))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return rc;
}

static int prepare(side_item *it, bg_index *ix, bgi_normtext *nt)
{
    it->path = calloc(it->hit->n_section + 1, sizeof *it->path);
    int rc = it->path ? 0 : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < it->hit->n_section; i++)
        rc = heading(&it->path[i], ix, it->hit->section[i], nt);
    if (rc == 0)
        rc = bgi_normalize(ix->query_an, it->hit->text, strlen(it->hit->text), nt, &ix->err);
    if (rc == 0 && bigrams(&it->bigrams, nt->text, nt->len))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return rc;
}

static void item_clear(side_item *it)
{
    for (size_t i = 0; it->path && i < it->hit->n_section; i++) {
        free(it->path[i].text);
        free(it->path[i].bigrams.v);
    }
    free(it->path);
    free(it->bigrams.v);
}

/* ---- one year's passages ---------------------------------------------------- */

static int report_order(const void *x, const void *y)
{
    const bg_hit *a = ((const side_item *)x)->hit, *b = ((const side_item *)y)->hit;
    int c = strcmp(a->report, b->report);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* The best BG_COMPARE_MAX exact matches of year s->year, prepared, in report
 * order. */
static int run_side(side *s, bg_index *ix, const char *query, const bg_search_options *opts)
{
    bg_search_options o = *opts;
    o.year_from = o.year_to = o.year_unknown = 0;
    o.years = &s->year;
    o.n_years = 1;
    o.strict = 1;
    o.offset = 0;
    bgi_qplan plan;
    int rc = bgi_search_plan(&plan, ix, query, &o);
    if (rc == 0 && !(s->res = bgi_results_new(query))) {
        bgi_qplan_clear(&plan);
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    }
    if (rc == 0 && plan.query)
        rc = bgi_search_fill_page(s->res, ix, &plan, &o, BG_COMPARE_MAX, 0);
    if (rc == 0 && !(s->items = calloc(s->res->n_hits ? s->res->n_hits : 1, sizeof *s->items)))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgi_normtext nt = {0};
    for (size_t i = 0; rc == 0 && i < s->res->n_hits; i++) {
        s->items[s->n].hit = &s->res->hits[i];
        rc = prepare(&s->items[s->n++], ix, &nt);
    }
    bgi_normtext_clear(&nt);
    if (rc == 0 && s->n)
        qsort(s->items, s->n, sizeof *s->items, report_order);
    return rc;
}

/* ---- pairing ----------------------------------------------------------------- */

typedef struct candidate {
    size_t a, b;
    double score, similarity;
    int section_match;
} candidate;

/* Best first; ties in year B's order, then year A's, so the pairing does
 * not depend on qsort. */
static int best_first(const void *x, const void *y)
{
    const candidate *p = x, *q = y;
    if (p->score != q->score)
        return p->score < q->score ? 1 : -1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return (p->a > q->a) - (p->a < q->a);
}

static int same_section(const side_item *a, const side_item *b)
{
    if (a->hit->n_section != b->hit->n_section)
        return 0;
    for (size_t i = 0; i < a->hit->n_section; i++)
        if (strcmp(a->path[i].text, b->path[i].text) != 0 && dice(&a->path[i].bigrams, &b->path[i].bigrams) < HEADING_MIN)
            return 0;
    return 1;
}

/* Every pair similar enough, best first. */
static int candidates(candidate **out, size_t *n, const side *A, const side *B)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (size_t b = 0; b < B->n; b++)
        for (size_t a = 0; a < A->n; a++) {
            double sim = dice(&A->items[a].bigrams, &B->items[b].bigrams);
            if (sim < SIM_MIN_SECTION)   /* no pair whatever the sections */
                continue;
            int sect = same_section(&A->items[a], &B->items[b]);
            if (sim < (sect ? SIM_MIN_SECTION : SIM_MIN))
                continue;
            if (bgi_grow(out, &cap, *n, sizeof **out, 64))
                return BG_ENOMEM;
            (*out)[(*n)++] = (candidate){a, b, sim + (sect ? SECTION_BONUS : 0), sim, sect};
        }
    if (*n)
        qsort(*out, *n, sizeof **out, best_first);
    return 0;
}

/* Where an entry goes: year B's entries at their place in B's order; one of
 * A alone right after the entry of the nearest A passage before it that has
 * a pair (before everything when none has), in A's order. */
typedef struct placed {
    entry e;
    long at;          /* B order of the entry it follows; -1: the start */
    int a_only;
    size_t a_order;
} placed;

static int by_place(const void *x, const void *y)
{
    const placed *p = x, *q = y;
    if (p->at != q->at)
        return p->at < q->at ? -1 : 1;
    if (p->a_only != q->a_only)
        return p->a_only - q->a_only;
    return (p->a_order > q->a_order) - (p->a_order < q->a_order);
}

/* Lays out the entries once chosen[b] (B item b's pair, a = SIZE_MAX for
 * none) is known. */
static int lay_out(bg_compare *c, const candidate *chosen)
{
    const side *A = &c->s[0], *B = &c->s[1];
    long *b_of_a = malloc((A->n ? A->n : 1) * sizeof *b_of_a);
    placed *p = calloc(A->n + B->n + 1, sizeof *p);
    if (!b_of_a || !p) {
        free(b_of_a);
        free(p);
        return BG_ENOMEM;
    }
    for (size_t a = 0; a < A->n; a++)
        b_of_a[a] = -1;
    size_t n = 0;
    for (size_t b = 0; b < B->n; b++) {
        const candidate *k = &chosen[b];
        long a = k->a == SIZE_MAX ? -1 : (long)k->a;
        if (a >= 0)
            b_of_a[a] = (long)b;
        p[n++] = (placed){{a, (long)b, k->similarity, k->section_match}, (long)b, 0, 0};
    }
    long last = -1;   /* the B entry of the nearest paired A passage so far */
    for (size_t a = 0; a < A->n; a++) {
        if (b_of_a[a] >= 0)
            last = b_of_a[a];
        else
            p[n++] = (placed){{(long)a, -1, 0, 0}, last, 1, a};
    }
    qsort(p, n, sizeof *p, by_place);
    c->e = calloc(n ? n : 1, sizeof *c->e);
    for (size_t i = 0; c->e && i < n; i++)
        c->e[c->n++] = p[i].e;
    free(b_of_a);
    free(p);
    return c->e ? 0 : BG_ENOMEM;
}

static int pair_up(bg_compare *c)
{
    const side *A = &c->s[0], *B = &c->s[1];
    candidate *cand = NULL;
    size_t n_cand = 0;
    candidate *chosen = malloc((B->n ? B->n : 1) * sizeof *chosen);
    char *a_used = calloc(A->n ? A->n : 1, 1);
    int rc = chosen && a_used ? candidates(&cand, &n_cand, A, B) : BG_ENOMEM;
    for (size_t b = 0; rc == 0 && b < B->n; b++)
        chosen[b] = (candidate){.a = SIZE_MAX, .b = b};
    for (size_t i = 0; rc == 0 && i < n_cand; i++) {   /* best first, each passage once */
        const candidate *k = &cand[i];
        if (a_used[k->a] || chosen[k->b].a != SIZE_MAX)
            continue;
        a_used[k->a] = 1;
        chosen[k->b] = *k;
    }
    if (rc == 0)
        rc = lay_out(c, chosen);
    free(cand);
    free(chosen);
    free(a_used);
    return rc;
}

/* ---- the whole ---------------------------------------------------------------- */

static int run(bg_compare *c, bg_index *ix, const bg_search_options *o)
{
    int rc = 0;
    for (int i = 0; rc == 0 && i < 2; i++) {
        rc = run_side(&c->s[i], ix, c->query, o);
        if (rc == 0 && c->s[i].res->total > c->s[i].res->n_hits)
            c->truncated = 1;
    }
    if (rc == 0 && pair_up(c))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0) {
        int years[2] = {c->s[0].year, c->s[1].year};
        bg_search_options fo = *o;
        fo.year_from = fo.year_to = fo.year_unknown = 0;
        fo.years = years;
        fo.n_years = 2;
        fo.offset = 0;
        rc = bg_search_figures(&c->figures, ix, c->query, &fo);
    }
    if (rc == 0 && bgi_missing_copy(&c->missing, ix))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    return rc;
}

int bg_search_compare(bg_compare **out, bg_index *ix, const char *query, int year_a, int year_b,
                      const bg_search_options *opts)
{
    *out = NULL;
    bgi_err_clear(&ix->err);
    const bg_search_options *o;
    bg_search_options buf;
    if (bgi_search_options_resolve(&o, &buf, opts, &ix->err))
        return bgi_err_publish(&ix->err);
    if (year_a < 1 || year_a > 9999 || year_b < 1 || year_b > 9999)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "a year to compare must be 1..9999"});
    if (year_a == year_b) {
        bgi_err_set(&ix->err, BG_EINVAL, "cannot compare %d with itself: give two different years", year_a);
        return bgi_err_publish(&ix->err);
    }
    bg_compare *c = calloc(1, sizeof *c);
    if (!c || !(c->query = bgi_strdup(query ? query : ""))) {
        free(c);
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    }
    c->s[0].year = year_a;
    c->s[1].year = year_b;
    if (run(c, ix, o)) {
        bg_compare_free(c);
        return bgi_err_publish(&ix->err);
    }
    *out = c;
    return 0;
}

void bg_compare_free(bg_compare *c)
{
    if (!c)
        return;
    for (int i = 0; i < 2; i++) {
        for (size_t j = 0; j < c->s[i].n; j++)
            item_clear(&c->s[i].items[j]);
        free(c->s[i].items);
        bg_results_free(c->s[i].res);
    }
    free(c->e);
    bg_figures_free(c->figures);
    bgi_names_clear(&c->missing);
    free(c->query);
    free(c);
}

/* ---- accessors ------------------------------------------------------------------ */

static const entry *at(const bg_compare *c, size_t i) { return i < c->n ? &c->e[i] : NULL; }

int bg_compare_year(const bg_compare *c, int side) { return side == 0 || side == 1 ? c->s[side].year : 0; }
size_t bg_compare_total(const bg_compare *c, int side)
{
    return (side == 0 || side == 1) && c->s[side].res ? c->s[side].res->total : 0;
}
int bg_compare_truncated(const bg_compare *c) { return c->truncated; }
size_t bg_compare_count(const bg_compare *c) { return c->n; }
const bg_figures *bg_compare_figures(const bg_compare *c) { return c->figures; }
const bg_missing *bg_compare_missing_shards(const bg_compare *c) { return &c->missing; }
double bg_compare_similarity(const bg_compare *c, size_t i) { return at(c, i) ? at(c, i)->similarity : 0; }
int bg_compare_section_match(const bg_compare *c, size_t i) { return at(c, i) ? at(c, i)->section_match : 0; }

const bg_hit *bg_compare_hit(const bg_compare *c, size_t i, int side)
{
    const entry *e = at(c, i);
    long k = !e ? -1 : side == 0 ? e->a : side == 1 ? e->b : -1;
    return k >= 0 ? c->s[side].items[k].hit : NULL;
}

const char *bg_compare_status(const bg_compare *c, size_t i)
{
    const entry *e = at(c, i);
    if (!e)
        return "";
    if (e->a < 0)
        return "only_b";
    if (e->b < 0)
        return "only_a";
    return e->similarity >= SAME_MIN ? "same" : "similar";
}

/* ---- JSON --------------------------------------------------------------------------- */

static int add_hit(cJSON *o, const char *key, const bg_hit *h)
{
    cJSON *item = h ? bgi_hit_json(h) : cJSON_CreateNull();
    if (item && cJSON_AddItemToObject(o, key, item))
        return 1;
    cJSON_Delete(item);
    return 0;
}

static cJSON *entry_json(const bg_compare *c, size_t i)
{
    cJSON *o = cJSON_CreateObject();
    /* Three decimals: enough to read, and the CLI and the server print the same. */
    double sim = (double)(long long)(bg_compare_similarity(c, i) * 1000 + 0.5) / 1000;
    int ok = o && add_hit(o, "a", bg_compare_hit(c, i, 0)) && add_hit(o, "b", bg_compare_hit(c, i, 1))
          && cJSON_AddStringToObject(o, "status", bg_compare_status(c, i))
          && cJSON_AddNumberToObject(o, "similarity", sim)
          && cJSON_AddBoolToObject(o, "section_match", bg_compare_section_match(c, i));
    if (!ok)
        cJSON_Delete(o);
    return ok ? o : NULL;
}

static int append(cJSON *arr, cJSON *item)
{
    if (item && cJSON_AddItemToArray(arr, item))
        return 1;
    cJSON_Delete(item);
    return 0;
}

char *bg_compare_json(const bg_compare *c)
{
    cJSON *root = cJSON_CreateObject(), *years = NULL, *totals = NULL, *pairs = NULL, *figs = NULL,
          *missing = NULL;
    int ok = root && cJSON_AddStringToObject(root, "query", c->query)
          && (years = cJSON_AddArrayToObject(root, "years")) && (totals = cJSON_AddArrayToObject(root, "totals"))
          && cJSON_AddBoolToObject(root, "truncated", c->truncated) && (pairs = cJSON_AddArrayToObject(root, "pairs"))
          && (figs = cJSON_AddArrayToObject(root, "figures"))
          && (missing = cJSON_AddArrayToObject(root, "missing_shards"));
    for (int s = 0; ok && s < 2; s++)
        ok = append(years, cJSON_CreateNumber(c->s[s].year))
          && append(totals, cJSON_CreateNumber((double)bg_compare_total(c, s)))
          && append(figs, bgi_figure_year_json(c->figures, c->s[s].year));
    for (size_t i = 0; ok && i < c->n; i++)
        ok = append(pairs, entry_json(c, i));
    for (size_t i = 0; ok && i < c->missing.n; i++)
        ok = append(missing, cJSON_CreateString(c->missing.v[i]));
    char *out = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return out;
}
