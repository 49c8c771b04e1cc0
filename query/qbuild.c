/* qbuild.c — builds the Xapian query for a parsed query (see qbuild.h). */
#include "qbuild.h"
#include "qparse.h"
#include "baogao.h"
#include "scheme.h"
#include "synonyms.h"
#include "utf8.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* Relative weights of the ways an item can match. A passage holding the item
 * as written collects the substring weight (bigram phrase) and, when its word
 * boundaries agree, the word weight too; words found apart only collect the
 * word weight, scaled down. */
#define W_GRAM 0.5
#define W_WORDS 1.0
#define W_LOOSE 0.3
#define W_HEADING 0.6

#define MAX_ITEM_CHARS 128
/* Every word holds at least one char, so with as many word slots as char
 * slots the char limit is the only one a query meets (with 64, a 100-char
 * item that ICU split into single characters failed as "longer than 128
 * characters"). */
#define MAX_ITEM_WORDS MAX_ITEM_CHARS

/* The work a query may ask for is counted in index terms (each opens a
 * posting list in every shard; qbuild.h has the limits): a character standing
 * alone matches every bigram it starts (的: 2,597 of them on the reports
 * corpus), so it keeps only the BGI_QUERY_WILDCARD_TERMS most frequent, those
 * of a whole query are at most BGI_QUERY_MAX_EXPANDED (they are the most
 * frequent bigrams, the longest posting lists), and a whole query holds at
 * most BGI_QUERY_MAX_TERMS (every query of 1,024 bytes of text without lone
 * characters fits). docs/reliability.md has the measurements. */

typedef struct qchar {
    char text[8];
    size_t len;
    int run_start;
    int edge;        /* a number's edge mark (BG_TOKEN_EDGE): not in the text */
} qchar;

typedef struct item_tokens {
    qchar chars[MAX_ITEM_CHARS];
    size_t n_chars;
    char *words[MAX_ITEM_WORDS];
    size_t n_words;
    int overflow;
    /* Where one-character prefixes are expanded (NULL: by Xapian, per
     * shard), and the first failure doing so. */
    bgx_reader *terms;
    bgi_err *err;
    int failed;
    /* Index terms this item's query holds, and those of the items before it
     * (*spent); past the budget, no more wildcards are expanded (over_budget). */
    size_t cost;
    const size_t *spent;
    size_t *expanded;   /* wildcard terms of the whole query so far */
    int over_budget;
} item_tokens;

static int collect(void *ctx, const bgi_token *t)
{
    item_tokens *it = ctx;
    if (t->type == BG_TOKEN_CHAR) {
        if (it->n_chars == MAX_ITEM_CHARS || t->len >= sizeof it->chars[0].text) {
            it->overflow = 1;
            return 0;
        }
        qchar *c = &it->chars[it->n_chars++];
        memcpy(c->text, t->text, t->len);
        c->len = t->len;
        c->run_start = (t->flags & BG_TOKEN_RUN_START) != 0;
        c->edge = (t->flags & BG_TOKEN_EDGE) != 0;
    } else {
        if (it->n_words == MAX_ITEM_WORDS) {
            it->overflow = 1;
            return 0;
        }
        char *w = strndup(t->text, t->len);
        if (!w)
            return BG_ENOMEM;
        it->words[it->n_words++] = w;
    }
    return 0;
}

static void item_tokens_clear(item_tokens *it)
{
    for (size_t i = 0; i < it->n_words; i++)
        free(it->words[i]);
    it->n_words = 0;
    it->n_chars = 0;
}

/* Frees subs[0..n) and returns combined (which may be NULL on OOM). */
static bgx_query *combine_free(int op, bgx_query **subs, size_t n, unsigned window)
{
    bgx_query *q = bgx_query_combine(op, subs, n, window);
    for (size_t i = 0; i < n; i++)
        bgx_query_free(subs[i]);
    return q;
}

static bgx_query *scale_free(bgx_query *q, double f)
{
    bgx_query *s = bgx_query_scale(q, f);
    bgx_query_free(q);
    return s;
}

static bgx_query *term_query(size_t *cost, const char *prefix, const char *a, size_t alen, const char *b,
                             size_t blen, unsigned pos)
{
    char term[BG_TERM_MAX];
    size_t n = bgi_term(term, prefix, a, alen, b, blen);
    *cost += n != 0;
    return n ? bgx_query_term(term, n, 1, pos) : bgx_query_match_nothing();
}

/* The substring layer for chars [from, to) of one run. */
/* One character is found as the first half of a bigram or, at the end of a
 * run, as a unigram. */
static bgx_query *char_query(item_tokens *it, const qchar *c)
{
    char prefix[BG_TERM_MAX];
    size_t pl = bgi_term(prefix, BG_PREFIX_BIGRAM, c->text, c->len, NULL, 0);
    bgx_query *bigrams = NULL;
    size_t n = BGI_QUERY_WILDCARD_TERMS;   /* Xapian's expansion: at most that many per shard */
    /* Past the budget the query fails anyway: expanding more is wasted work. */
    if (*it->spent + it->cost > BGI_QUERY_MAX_TERMS || *it->expanded >= BGI_QUERY_MAX_EXPANDED) {
        it->over_budget = 1;
        return bgx_query_match_nothing();
    }
    if (!it->terms)
        bigrams = bgx_query_wildcard(prefix, pl, BGI_QUERY_WILDCARD_TERMS);
    else if ((it->failed = bgx_reader_wildcard(&bigrams, it->terms, prefix, pl, BGI_QUERY_WILDCARD_TERMS, &n,
                                               it->err)) != 0)
        return NULL;
    it->cost += n;
    *it->expanded += n;
    bgx_query *subs[2] = {term_query(&it->cost, BG_PREFIX_UNIGRAM, c->text, c->len, "", 0, 0), bigrams};
    bgx_query *syn = combine_free(BGX_OP_SYNONYM, subs, 2, 0);
    return syn;
}

static bgx_query *run_query(item_tokens *it, size_t from, size_t to)
{
    if (to - from == 1)
        return char_query(it, &it->chars[from]);
    size_t n = to - from - 1;
    bgx_query **subs = calloc(n, sizeof *subs);
    if (!subs)
        return NULL;
    for (size_t i = 0; i < n; i++)
        subs[i] = term_query(&it->cost, BG_PREFIX_BIGRAM, it->chars[from + i].text, it->chars[from + i].len,
                             it->chars[from + i + 1].text, it->chars[from + i + 1].len, (unsigned)(i + 1));
    bgx_query *q = n == 1 ? bgx_query_combine(BGX_OP_OR, subs, 1, 0)
                          : bgx_query_combine(BGX_OP_PHRASE, subs, n, (unsigned)n);
    for (size_t i = 0; i < n; i++)
        bgx_query_free(subs[i]);
    free(subs);
    return q;
}

static size_t next_run_end(const item_tokens *it, size_t from)
{
    size_t to = from + 1;
    while (to < it->n_chars && !it->chars[to].run_start)
        to++;
    return to;
}

static bgx_query *grams_query(item_tokens *it)
{
    bgx_query *runs[MAX_ITEM_CHARS] = {0};
    size_t n = 0;
    for (size_t from = 0; from < it->n_chars;) {
        size_t to = next_run_end(it, from);
        runs[n++] = run_query(it, from, to);
        from = to;
    }
    return combine_free(BGX_OP_AND, runs, n, 0);
}

/* The lexicon merges adjacent ICU words, so 法治政府建设 is ONE word in the
 * index: a query for 法治政府 finds it through the substring layer but misses
 * the word signals — the word weight, the lead-sentence wdf boost and the
 * heading words — that a passage saying just 法治政府 gets. The lexicon words
 * containing a query word of two or more characters stand in for it in those
 * signals, as one Xapian SYNONYM. For an item held as written this only adds
 * weight (the passage holds the word as a substring, so it matched already);
 * for words found apart, a word may stand inside a longer lexicon word.
 * bench/quality measured it (docs/quality.md). */
#define MAX_SUPERWORDS 16

static size_t utf8_chars(const char *s)
{
    return bgi_utf8_count(s, strlen(s));
}

static bgx_query *word_or_superwords(bgi_analyzer *an, size_t *cost, const char *prefix, const char *word,
                                     unsigned pos)
{
    bgx_query *subs[MAX_SUPERWORDS + 1] = {term_query(cost, prefix, word, strlen(word), "", 0, pos)};
    size_t n = 1, wl = strlen(word), len = 0;
    const char *lex = utf8_chars(word) >= 2 ? bgi_analyzer_lexicon_text(an, &len) : "";
    for (const char *p = lex, *end = lex + len; p < end && n <= MAX_SUPERWORDS;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (ll > wl && memmem(p, ll, word, wl))
            subs[n++] = term_query(cost, prefix, p, ll, "", 0, pos);
        p += ll + 1;
    }
    return n == 1 ? subs[0] : combine_free(BGX_OP_SYNONYM, subs, n, 0);
}

static bgx_query *words_query(bgi_analyzer *an, item_tokens *it)
{
    bgx_query *subs[MAX_ITEM_WORDS] = {0};
    if (it->n_words == 0)
        return NULL;
    for (size_t i = 0; i < it->n_words; i++)
        subs[i] = word_or_superwords(an, &it->cost, "", it->words[i], (unsigned)(i + 1));
    if (it->n_words == 1)
        return subs[0];
    return combine_free(BGX_OP_AND, subs, it->n_words, 0);
}

/* ---- the units of the matching tiers ----------------------------------- */

/* text[0, len) found as written: its substring query, NULL when it has no
 * characters. */
static bgx_query *as_written(bgi_analyzer *an, item_tokens *it, const char *text, size_t len)
{
    item_tokens v = {.terms = it->terms, .err = it->err, .spent = it->spent, .expanded = it->expanded};
    bgx_query *q = NULL;
    if (bgi_analyze(an, text, len, collect, &v, it->err) == 0 && v.n_chars && !v.overflow)
        q = grams_query(&v);
    it->cost += v.cost;
    it->failed = it->failed ? it->failed : v.failed;
    item_tokens_clear(&v);
    return q;
}

/* The words of text[0, len), one unit each. */
static size_t word_units(bgi_analyzer *an, item_tokens *it, const char *text, size_t len, bgx_query **units,
                         size_t max)
{
    item_tokens v = {0};
    size_t n = 0;
    if (len && bgi_analyze(an, text, len, collect, &v, it->err) == 0 && !v.overflow)
        for (size_t i = 0; i < v.n_words && n < max; i++)
            units[n++] = word_or_superwords(an, &it->cost, "", v.words[i], 0);
    item_tokens_clear(&v);
    return n;
}

/* The units of an item found loosely, by the tiers: its words in any order,
 * except that a name of data/synonyms.txt inside it (国有企业 in
 * 深化国有企业改革) is one unit, found as written in any of its group's ways
 * (国有企业 or 国企): ICU cuts 国企 into two characters, so names are found in
 * the text, not among the words. Returns the number of units. */
static size_t loose_units(bgi_analyzer *an, item_tokens *it, const char *text, bgx_query **units, size_t max)
{
    size_t n = 0;
    while (*text && n < max) {
        size_t at, len;
        const char *alts[BGI_MAX_SYNONYMS];
        size_t na = bgi_synonym_find(&at, &len, alts, BGI_MAX_SYNONYMS, text);
        if (!na)
            return n + word_units(an, it, text, strlen(text), units + n, max - n);
        n += word_units(an, it, text, at, units + n, max - n);
        bgx_query *ways[BGI_MAX_SYNONYMS + 1];
        size_t nw = 0;
        if ((ways[nw] = as_written(an, it, text + at, len)))
            nw++;
        for (size_t i = 0; i < na; i++)
            if ((ways[nw] = as_written(an, it, alts[i], strlen(alts[i]))))
                nw++;
        if (nw && n < max)
            units[n++] = combine_free(BGX_OP_OR, ways, nw, 0);
        else
            for (size_t k = 0; k < nw; k++)
                bgx_query_free(ways[k]);
        text += at + len;
    }
    return n;
}

static int holds_name(const char *text)
{
    size_t at, len;
    const char *alt;
    return bgi_synonym_find(&at, &len, &alt, 1, text) > 0;
}

/* An item's words found apart (NULL when it has fewer than two and no name
 * of data/synonyms.txt). */
static bgx_query *loose_query(bgi_analyzer *an, item_tokens *it, const char *text)
{
    if (!holds_name(text))
        return it->n_words >= 2 ? words_query(an, it) : NULL;
    bgx_query *units[MAX_ITEM_WORDS];
    size_t n = loose_units(an, it, text, units, MAX_ITEM_WORDS);
    return n == 1 ? units[0] : n ? combine_free(BGX_OP_AND, units, n, 0) : NULL;
}

static int add_needle(bgi_qplan *plan, const char *text, size_t len, int is_word)
{
    bgi_needle *p = realloc(plan->needles, (plan->n_needles + 1) * sizeof *p);
    if (!p)
        return BG_ENOMEM;
    plan->needles = p;
    char *t = strndup(text, len);
    if (!t)
        return BG_ENOMEM;
    p[plan->n_needles++] = (bgi_needle){.text = t, .len = len, .is_word = is_word};
    return 0;
}

/* An item's needles, in the order highlight.c relies on: the whole item text,
 * normalised (is_word 2), then its runs (0) and its words (1). The highlighter
 * marks the whole text where a passage holds it, and the runs and words only
 * where it does not. */
static int add_item_needles(bgi_qplan *plan, bgi_analyzer *an, const char *item_text, const item_tokens *it,
                            int with_words, bgi_err *err)
{
    bgi_normtext nt = {0};
    int rc = bgi_normalize(an, item_text, strlen(item_text), &nt, err);
    if (rc == 0 && nt.len && add_needle(plan, nt.text, nt.len, 2))
        rc = BG_ENOMEM;
    bgi_normtext_clear(&nt);
    if (rc)
        return rc;
    for (size_t from = 0; from < it->n_chars;) {
        size_t to = next_run_end(it, from);
        char run[MAX_ITEM_CHARS * 8];
        size_t len = 0;
        for (size_t i = from; i < to; i++) {
            if (it->chars[i].edge)
                continue;
            memcpy(run + len, it->chars[i].text, it->chars[i].len);
            len += it->chars[i].len;
        }
        if (add_needle(plan, run, len, 0))
            return BG_ENOMEM;
        from = to;
    }
    for (size_t i = 0; with_words && i < it->n_words; i++)
        if (add_needle(plan, it->words[i], strlen(it->words[i]), 1))
            return BG_ENOMEM;
    return 0;
}

/* The other ways of the names in an item the tiers find loosely (国企 for
 * 国有企业), as needles of its group: marked where a passage found by a tier
 * holds one. */
static int add_variant_needles(bgi_qplan *plan, bgi_analyzer *an, const char *text, bgi_err *err)
{
    int rc = 0;
    size_t at, len;
    const char *alts[BGI_MAX_SYNONYMS];
    for (size_t na; rc == 0 && *text && (na = bgi_synonym_find(&at, &len, alts, BGI_MAX_SYNONYMS, text));
         text += at + len)
        for (size_t i = 0; rc == 0 && i < na; i++) {
            bgi_normtext nt = {0};
            rc = bgi_normalize(an, alts[i], strlen(alts[i]), &nt, err);
            if (rc == 0 && nt.len && add_needle(plan, nt.text, nt.len, 0))
                rc = BG_ENOMEM;
            bgi_normtext_clear(&nt);
        }
    return rc;
}

/* The query for one item: passages holding it as written (the substring
 * layer), boosted when its words are whole words there; unquoted items of
 * several words also match their words found apart, ranked lower. */
static bgx_query *item_query(bgi_analyzer *an, item_tokens *it, int quoted)
{
    bgx_query *exact[2] = {scale_free(grams_query(it), W_GRAM), scale_free(words_query(an, it), W_WORDS)};
    bgx_query *as_written = combine_free(BGX_OP_AND_MAYBE, exact, 2, 0);
    if (quoted || it->n_words < 2)
        return as_written;
    bgx_query *either[2] = {as_written, scale_free(words_query(an, it), W_LOOSE)};
    return combine_free(BGX_OP_OR, either, 2, 0);
}

/* ---- the matching strategy: all words, then most of them ---------------- */

/* A query is tiered when it is a plain AND of items: every wanted item a
 * group of its own (no OR). */
static int is_plain(const bgi_qparsed *parsed)
{
    for (size_t i = 0; i < parsed->n; i++)
        for (size_t j = i + 1; j < parsed->n; j++)
            if (!parsed->items[i].negated && !parsed->items[j].negated
                && parsed->items[i].group == parsed->items[j].group)
                return 0;
    return 1;
}

/* Most of n units: at least two thirds, rounded up (2 of 3, 3 of 4, 4 of 6). */
#define MAX_PARTIAL_UNITS 8

static bgx_query *at_least(bgx_query *const *units, size_t n, size_t k)
{
    bgx_query *ors[1 << MAX_PARTIAL_UNITS];
    size_t no = 0;
    for (unsigned mask = 0; mask < (1u << n); mask++) {
        if ((size_t)__builtin_popcount(mask) != k)
            continue;
        bgx_query *sel[MAX_PARTIAL_UNITS];
        size_t ns = 0;
        for (size_t i = 0; i < n; i++)
            if (mask & (1u << i))
                sel[ns++] = units[i];
        ors[no++] = bgx_query_combine(BGX_OP_AND, sel, ns, 0);
    }
    return combine_free(BGX_OP_OR, ors, no, 0);
}

static bgx_query *and_not(bgx_query *q, bgx_query *minus)
{
    bgx_query *pair[2] = {q, minus};
    return q && minus ? combine_free(BGX_OP_AND_NOT, pair, 2, 0) : (bgx_query_free(minus), q);
}

/* The units "most of" counts: the words of a lone item, else the items. */
static size_t partial_units(bgi_analyzer *an, const bgi_qparsed *parsed, item_tokens *its, bgx_query **items,
                            bgx_query **loose, bgx_query **units, size_t *cost)
{
    size_t n_pos = 0, lone = 0;
    for (size_t i = 0; i < parsed->n; i++)
        if (!parsed->items[i].negated && items[i])
            n_pos++, lone = i;
    if (n_pos == 1 && loose[lone]) {
        size_t before = its[lone].cost;
        bgx_query *all[MAX_PARTIAL_UNITS + 1];
        size_t n = loose_units(an, &its[lone], parsed->items[lone].text, all, MAX_PARTIAL_UNITS + 1);
        *cost += its[lone].cost - before;
        if (n >= 3 && n <= MAX_PARTIAL_UNITS) {
            memcpy(units, all, n * sizeof *all);
            return n;
        }
        for (size_t j = 0; j < n; j++)
            bgx_query_free(all[j]);
        return 0;
    }
    if (n_pos < 3 || n_pos > MAX_PARTIAL_UNITS)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < parsed->n; i++) {
        if (parsed->items[i].negated || !items[i])
            continue;
        bgx_query *either[2] = {items[i], loose[i]};
        units[n++] = bgx_query_combine(BGX_OP_OR, either, loose[i] ? 2 : 1, 0);
    }
    return n;
}

/* Wraps a tier's core: minus the excluded items, plus the heading boost. */
static bgx_query *finish_tier(bgx_query *core, const bgi_qparsed *parsed, bgx_query **items, bgx_query *boost)
{
    for (size_t i = 0; core && i < parsed->n; i++)
        if (parsed->items[i].negated && items[i])
            core = and_not(core, bgx_query_combine(BGX_OP_OR, &items[i], 1, 0));
    if (core && boost) {
        bgx_query *pair[2] = {core, boost};
        core = combine_free(BGX_OP_AND_MAYBE, pair, 2, 0);
        return core;
    }
    bgx_query_free(boost);
    return core;
}

static bgx_query *heading_boost(bgi_analyzer *an, const item_tokens *its, size_t n_items, size_t *cost);

/* The tiers of a plain query (bgi_qplan.tiers): all words in any order,
 * then most of them (the search takes out what the tiers before found). Their terms
 * are not counted in n_terms: each tier is a search of its own, within the
 * same budget. */
static int build_tiers(bgi_qplan *out, bgi_analyzer *an, const bgi_qparsed *parsed, item_tokens *its,
                       bgx_query **items, bgx_query **loose)
{
    bgx_query *all[BG_QUERY_MAX_ITEMS];
    size_t n = 0, n_loose = 0, cost = 0;
    for (size_t i = 0; i < parsed->n && n < BG_QUERY_MAX_ITEMS; i++) {
        if (parsed->items[i].negated || !items[i])
            continue;
        all[n++] = loose[i] ? loose[i] : items[i];
        n_loose += loose[i] != NULL;
    }
    if (!n)
        return 0;
    bgx_query *t2 = n_loose ? bgx_query_combine(BGX_OP_AND, all, n, 0) : NULL;
    item_tokens *pos = calloc(parsed->n, sizeof *pos);
    size_t np = 0;
    for (size_t i = 0; pos && i < parsed->n; i++)
        if (!parsed->items[i].negated)
            pos[np++] = its[i];
    if (t2)
        out->tiers[0] = finish_tier(bgx_query_combine(BGX_OP_AND, &t2, 1, 0), parsed, items,
                                    pos ? heading_boost(an, pos, np, &cost) : NULL);
    bgx_query *units[MAX_PARTIAL_UNITS];
    size_t nu = partial_units(an, parsed, its, items, loose, units, &cost);
    if (nu >= 3 && cost <= BGI_QUERY_MAX_TERMS)
        out->tiers[1] = finish_tier(at_least(units, nu, (2 * nu + 2) / 3), parsed, items,
                                    pos ? heading_boost(an, pos, np, &cost) : NULL);
    for (size_t i = 0; i < nu; i++)
        bgx_query_free(units[i]);
    free(pos);
    bgx_query_free(t2);
    return 0;
}

static bgx_query *heading_boost(bgi_analyzer *an, const item_tokens *its, size_t n_items, size_t *cost)
{
    size_t total = 0;
    for (size_t i = 0; i < n_items; i++)
        total += its[i].n_words;
    if (!total)
        return NULL;
    bgx_query **subs = calloc(total, sizeof *subs);
    if (!subs)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n_items; i++)
        for (size_t j = 0; j < its[i].n_words; j++)
            subs[k++] = word_or_superwords(an, cost, BG_PREFIX_HEADING, its[i].words[j], 0);
    bgx_query *q = scale_free(combine_free(BGX_OP_OR, subs, k, 0), W_HEADING);
    free(subs);
    return q;
}

/* The query of node k of the parsed tree (NULL when nothing in it is
 * searchable): an AND list needs its plain and required members, an OR list
 * one of its plain members — or, when some are required (+), those, the
 * others adding weight (AND_MAYBE, as Xapian's QueryParser) — and either
 * leaves out passages holding an excluded member. The items' queries stay
 * owned by items[]. */
static bgx_query *node_query(const bgi_qparsed *parsed, int k, bgx_query **items)
{
    const bgi_qnode *nd = &parsed->nodes[k];
    if (nd->op == BGI_QN_ITEM)
        return items[nd->item] ? bgx_query_combine(BGX_OP_OR, &items[nd->item], 1, 0) : NULL;
    size_t n = 0;
    for (int c = nd->child; c >= 0; c = parsed->nodes[c].next)
        n++;
    bgx_query **subs = calloc(n ? 3 * n : 1, sizeof *subs);
    if (!subs)
        return NULL;
    bgx_query **plain = subs, **req = subs + n, **neg = subs + 2 * n;
    size_t np = 0, nr = 0, nn = 0;
    for (int c = nd->child; c >= 0; c = parsed->nodes[c].next) {
        bgx_query *q = node_query(parsed, c, items);
        int sign = parsed->nodes[c].sign;
        if (!q)
            continue;
        if (sign == BGI_QS_EXCLUDED)
            neg[nn++] = q;
        else if (sign == BGI_QS_REQUIRED || nd->op == BGI_QN_AND)
            req[nr++] = q;
        else
            plain[np++] = q;
    }
    bgx_query *q = NULL;
    if (nr && np) {
        bgx_query *pair[2] = {combine_free(BGX_OP_AND, req, nr, 0), combine_free(BGX_OP_OR, plain, np, 0)};
        q = combine_free(BGX_OP_AND_MAYBE, pair, 2, 0);
    } else if (nr || np) {
        q = nr ? combine_free(BGX_OP_AND, req, nr, 0) : combine_free(BGX_OP_OR, plain, np, 0);
    }
    if (q && nn) {
        bgx_query *pair[2] = {q, combine_free(BGX_OP_OR, neg, nn, 0)};
        q = combine_free(BGX_OP_AND_NOT, pair, 2, 0);
    } else {
        for (size_t i = 0; i < nn; i++)
            bgx_query_free(neg[i]);
    }
    free(subs);
    return q;
}

/* Assembles the parsed tree (qparse.h) over the items' queries, plus the
 * heading boost. */
static bgx_query *assemble(bgi_analyzer *an, const bgi_qparsed *parsed, item_tokens *its, bgx_query **items,
                           size_t *cost)
{
    bgx_query *q = node_query(parsed, parsed->root, items);
    if (!q)
        return NULL;
    /* Only the wanted items' words count towards "about the topic". */
    item_tokens *pos = calloc(parsed->n, sizeof *pos);
    size_t np = 0;
    for (size_t i = 0; pos && i < parsed->n; i++)
        if (!parsed->items[i].negated)
            pos[np++] = its[i];
    bgx_query *boost = pos ? heading_boost(an, pos, np, cost) : NULL;
    free(pos);
    if (boost) {
        bgx_query *pair[2] = {q, boost};
        q = combine_free(BGX_OP_AND_MAYBE, pair, 2, 0);
    }
    return q;
}

/* The item of its[0..n) whose query holds the most index terms. */
static size_t costliest(const item_tokens *its, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (its[i].cost > its[best].cost)
            best = i;
    return best;
}

/* BG_ETOOBIG for a query over the budget, naming the part to shorten (cut on
 * a character boundary: the message may be a JSON string). */
static int too_broad(const bgi_qparsed *parsed, const item_tokens *its, size_t n, bgi_err *err)
{
    size_t i = costliest(its, n);
    const char *text = parsed->items[i].text;
    size_t len = strlen(text), cut = bgi_utf8_clip(text, len, 60);
    if (its[i].cost > BGI_QUERY_MAX_EXPANDED / 2)
        return bgi_err_set(err, BG_ETOOBIG,
                          "query is too broad: '%.*s%s' needs more than %d index terms, or more than %d for "
                          "characters standing alone (up to %d each); shorten it, or join its characters without "
                          "punctuation",
                          (int)cut, text, cut < len ? "…" : "", BGI_QUERY_MAX_TERMS, BGI_QUERY_MAX_EXPANDED,
                          BGI_QUERY_WILDCARD_TERMS);
    return bgi_err_set(err, BG_ETOOBIG,
                      "query is too broad: it needs more than %d index terms, or more than %d for characters "
                      "standing alone (up to %d each); use fewer words, '%.*s%s' first",
                      BGI_QUERY_MAX_TERMS, BGI_QUERY_MAX_EXPANDED, BGI_QUERY_WILDCARD_TERMS, (int)cut, text,
                      cut < len ? "…" : "");
}

int bgi_qplan_build(bgi_qplan *out, bgi_analyzer *an, bgx_reader *terms, const bgi_qparsed *parsed, int strict,
                    bgi_err *err)
{
    memset(out, 0, sizeof *out);
    item_tokens *its = calloc(parsed->n, sizeof *its);
    bgx_query **items = calloc(parsed->n, sizeof *items);
    bgx_query **loose = calloc(parsed->n, sizeof *loose);
    int plain = is_plain(parsed);
    int rc = its && items && loose ? 0 : bgi_err_set(err, BG_ENOMEM, "out of memory");
    size_t spent = 0, expanded = 0;
    for (size_t i = 0; rc == 0 && i < parsed->n; i++) {
        const char *text = parsed->items[i].text;
        its[i].terms = terms;
        its[i].err = err;
        its[i].spent = &spent;
        its[i].expanded = &expanded;
        rc = bgi_analyze(an, text, strlen(text), collect, &its[i], err);
        if (rc > 0)
            rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
        if (rc == 0 && its[i].overflow) {
            size_t cut = bgi_utf8_clip(text, strlen(text), 60);
            rc = bgi_err_set(err, BG_ETOOBIG, "query word '%.*s%s' is longer than %d characters", (int)cut, text,
                            cut < strlen(text) ? "…" : "", MAX_ITEM_CHARS);
        }
        if (rc == 0 && its[i].n_chars) {
            /* A plain query finds its items as written; the words found
             * apart come in the tiers after (a strict search has none). */
            items[i] = item_query(an, &its[i], parsed->items[i].quoted || plain || strict);
            if (plain && !strict && !parsed->items[i].quoted && !parsed->items[i].negated)
                loose[i] = scale_free(loose_query(an, &its[i], text), W_LOOSE);
            spent += its[i].cost;
            if (its[i].failed)
                rc = its[i].failed;
            else if (its[i].over_budget || spent > BGI_QUERY_MAX_TERMS)
                rc = too_broad(parsed, its, i + 1, err);
            else if (!items[i])
                rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
            else if (!parsed->items[i].negated)
                rc = add_item_needles(out, an, text, &its[i], !strict, err);
            if (rc == 0 && loose[i])
                rc = add_variant_needles(out, an, text, err);
            if (rc == BG_ENOMEM)
                rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
        }
    }
    if (rc == 0) {
        out->query = assemble(an, parsed, its, items, &spent);
        if (!out->query)
            rc = bgi_err_set(err, BG_EQUERY, "nothing to search for in the query (only punctuation or exclusions)");
        else if (spent > BGI_QUERY_MAX_TERMS)
            rc = too_broad(parsed, its, parsed->n, err);
        out->n_terms = spent;
        out->n_expanded = expanded;
    }
    if (rc == 0 && plain && !strict)   /* a strict search runs no tier */
        rc = build_tiers(out, an, parsed, its, items, loose);
    for (size_t i = 0; its && items && loose && i < parsed->n; i++) {
        bgx_query_free(items[i]);
        bgx_query_free(loose[i]);
        item_tokens_clear(&its[i]);
    }
    free(its);
    free(items);
    free(loose);
    if (rc)
        bgi_qplan_clear(out);
    return rc;
}

void bgi_qplan_clear(bgi_qplan *plan)
{
    bgx_query_free(plan->query);
    bgx_query_free(plan->tiers[0]);
    bgx_query_free(plan->tiers[1]);
    for (size_t i = 0; i < plan->n_needles; i++)
        free(plan->needles[i].text);
    free(plan->needles);
    memset(plan, 0, sizeof *plan);
}

/* ---- source finding: a pasted text --------------------------------------- */

/* Sampled from the text: this many 5-character phrases (4 bigrams in a row,
 * the strong evidence) and this many of its distinct bigrams (tolerance: a
 * passage that differs in a few characters still holds most of them). */
#define SOURCE_PHRASES 48
#define SOURCE_PHRASE_BIGRAMS 4
#define SOURCE_BIGRAMS 160
#define W_SOURCE_BIGRAM 0.2

typedef struct source_chars {
    qchar *v;
    size_t n, cap;
    size_t n_text;   /* characters of the text (not edges) */
} source_chars;

static int collect_source(void *ctx, const bgi_token *t)
{
    source_chars *sc = ctx;
    if (t->type != BG_TOKEN_CHAR || t->len >= sizeof sc->v[0].text)
        return 0;
    if (sc->n == sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 256;
        qchar *p = realloc(sc->v, cap * sizeof *p);
        if (!p)
            return BG_ENOMEM;
        sc->v = p;
        sc->cap = cap;
    }
    qchar *c = &sc->v[sc->n++];
    memcpy(c->text, t->text, t->len);
    c->len = t->len;
    c->run_start = (t->flags & BG_TOKEN_RUN_START) != 0;
    c->edge = (t->flags & BG_TOKEN_EDGE) != 0;
    sc->n_text += !c->edge;
    return 0;
}

/* The bigram of chars i and i + 1, at position pos; NULL when i + 1 starts
 * a run (no bigram spans a break). */
static bgx_query *source_bigram(const source_chars *sc, size_t i, unsigned pos, size_t *cost)
{
    if (i + 1 >= sc->n || sc->v[i + 1].run_start)
        return NULL;
    return term_query(cost, BG_PREFIX_BIGRAM, sc->v[i].text, sc->v[i].len, sc->v[i + 1].text, sc->v[i + 1].len,
                      pos);
}

/* The phrase of SOURCE_PHRASE_BIGRAMS bigrams from char i, or NULL when a
 * run break falls inside. */
static bgx_query *source_phrase(const source_chars *sc, size_t i, size_t *cost)
{
    bgx_query *subs[SOURCE_PHRASE_BIGRAMS] = {0};
    size_t n = 0;
    for (; n < SOURCE_PHRASE_BIGRAMS; n++) {
        size_t before = *cost;
        if (!(subs[n] = source_bigram(sc, i + n, (unsigned)(n + 1), cost))) {
            *cost = before - n;
            for (size_t k = 0; k < n; k++)
                bgx_query_free(subs[k]);
            return NULL;
        }
    }
    return combine_free(BGX_OP_PHRASE, subs, n, (unsigned)n);
}

/* Phrases spread evenly over the text, each from a start where one fits. */
static bgx_query *source_phrases(const source_chars *sc, size_t *cost)
{
    bgx_query *subs[SOURCE_PHRASES] = {0};
    size_t n = 0, step = sc->n / SOURCE_PHRASES + 1;
    for (size_t at = 0; at < sc->n && n < SOURCE_PHRASES; at += step)
        for (size_t i = at; i < at + step && i < sc->n; i++)
            if ((subs[n] = source_phrase(sc, i, cost)) != NULL) {
                n++;
                break;
            }
    return n ? combine_free(BGX_OP_OR, subs, n, 0) : NULL;
}

/* Distinct bigrams, spread evenly over the text. */
static bgx_query *source_bigrams(const source_chars *sc, size_t *cost)
{
    bgx_query *subs[SOURCE_BIGRAMS] = {0};
    size_t n = 0, step = sc->n / SOURCE_BIGRAMS + 1;
    for (size_t i = 0; i < sc->n && n < SOURCE_BIGRAMS; i += step) {
        size_t k = i;
        while (k < i + step && k + 1 < sc->n && sc->v[k + 1].run_start)
            k++;
        if ((subs[n] = source_bigram(sc, k, 0, cost)) != NULL)
            n++;
    }
    return n ? scale_free(combine_free(BGX_OP_OR, subs, n, 0), W_SOURCE_BIGRAM) : NULL;
}

/* The needles of a pasted text: the whole text, then its runs of four
 * characters or more (shorter ones would mark common words everywhere). */
static int source_needles(bgi_qplan *out, bgi_analyzer *an, const char *text, const source_chars *sc, bgi_err *err)
{
    bgi_normtext nt = {0};
    int rc = bgi_normalize(an, text, strlen(text), &nt, err);
    if (rc == 0 && nt.len && add_needle(out, nt.text, nt.len, 2))
        rc = BG_ENOMEM;
    bgi_normtext_clear(&nt);
    bgi_buf run = {0};
    size_t chars = 0;
    for (size_t i = 0; rc == 0 && i <= sc->n; i++) {
        if (i == sc->n || sc->v[i].run_start) {
            if (chars >= 4 && add_needle(out, run.data, run.len, 0))
                rc = BG_ENOMEM;
            run.len = 0;
            chars = 0;
        }
        if (i < sc->n && !sc->v[i].edge) {
            rc = bgi_buf_append(&run, sc->v[i].text, sc->v[i].len) ? BG_ENOMEM : rc;
            chars++;
        }
    }
    bgi_buf_free(&run);
    return rc == BG_ENOMEM ? bgi_err_set(err, BG_ENOMEM, "out of memory") : rc;
}

int bgi_qplan_build_source(bgi_qplan *out, bgi_analyzer *an, const char *text, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    size_t chars = bgi_utf8_count(text, strlen(text));
    if (chars > BGI_SOURCE_MAX_CHARS)
        return bgi_err_set(err, BG_ETOOBIG, "a pasted text is at most %d characters (this one has %zu)",
                          BGI_SOURCE_MAX_CHARS, chars);
    source_chars sc = {0};
    int rc = bgi_analyze(an, text, strlen(text), collect_source, &sc, err);
    if (rc > 0)
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    size_t cost = 0;
    bgx_query *parts[2] = {NULL, NULL};
    if (rc == 0) {
        parts[0] = source_phrases(&sc, &cost);
        parts[1] = source_bigrams(&sc, &cost);
        if (!parts[0] && !parts[1])
            rc = bgi_err_set(err, BG_EQUERY, "nothing to search for in the pasted text");
    }
    if (rc == 0 && !(out->query = combine_free(BGX_OP_OR, parts, 2, 0)))
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = source_needles(out, an, text, &sc, err);
    out->n_terms = cost;
    out->source = 1;
    free(sc.v);
    if (rc)
        bgi_qplan_clear(out);
    return rc;
}
