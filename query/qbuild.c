/* qbuild.c — builds the Xapian query for a parsed query (see qbuild.h). */
#include "qbuild.h"
#include "baogao.h"
#include "scheme.h"
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
                            bgi_err *err)
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
            memcpy(run + len, it->chars[i].text, it->chars[i].len);
            len += it->chars[i].len;
        }
        if (add_needle(plan, run, len, 0))
            return BG_ENOMEM;
        from = to;
    }
    for (size_t i = 0; i < it->n_words; i++)
        if (add_needle(plan, it->words[i], strlen(it->words[i]), 1))
            return BG_ENOMEM;
    return 0;
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

/* Assembles AND over groups (OR within a group), minus the excluded items,
 * plus the heading boost. */
static bgx_query *assemble(bgi_analyzer *an, const bgi_qparsed *parsed, item_tokens *its, bgx_query **items,
                           size_t *cost)
{
    bgx_query **groups = calloc(parsed->n, sizeof *groups);
    bgx_query **negs = calloc(parsed->n, sizeof *negs);
    bgx_query **members = calloc(parsed->n, sizeof *members);
    bgx_query *q = NULL;
    if (!groups || !negs || !members)
        goto out;
    size_t ng = 0, nn = 0;
    for (int g = 1; g <= parsed->n_groups; g++) {
        size_t nm = 0;
        for (size_t i = 0; i < parsed->n; i++)
            if (parsed->items[i].group == g && items[i] && !parsed->items[i].negated)
                members[nm++] = items[i];
        if (nm)
            groups[ng++] = bgx_query_combine(BGX_OP_OR, members, nm, 0);
    }
    if (!ng)
        goto out;
    for (size_t i = 0; i < parsed->n; i++)
        if (parsed->items[i].negated && items[i])
            negs[nn++] = bgx_query_combine(BGX_OP_OR, &items[i], 1, 0);
    q = combine_free(BGX_OP_AND, groups, ng, 0);
    if (nn) {
        bgx_query *pair[2] = {q, combine_free(BGX_OP_OR, negs, nn, 0)};
        q = combine_free(BGX_OP_AND_NOT, pair, 2, 0);
    }
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
out:
    free(groups);
    free(negs);
    free(members);
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

int bgi_qplan_build(bgi_qplan *out, bgi_analyzer *an, bgx_reader *terms, const bgi_qparsed *parsed, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    item_tokens *its = calloc(parsed->n, sizeof *its);
    bgx_query **items = calloc(parsed->n, sizeof *items);
    int rc = its && items ? 0 : bgi_err_set(err, BG_ENOMEM, "out of memory");
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
            items[i] = item_query(an, &its[i], parsed->items[i].quoted);
            spent += its[i].cost;
            if (its[i].failed)
                rc = its[i].failed;
            else if (its[i].over_budget || spent > BGI_QUERY_MAX_TERMS)
                rc = too_broad(parsed, its, i + 1, err);
            else if (!items[i])
                rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
            else if (!parsed->items[i].negated)
                rc = add_item_needles(out, an, text, &its[i], err);
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
    for (size_t i = 0; its && items && i < parsed->n; i++) {
        bgx_query_free(items[i]);
        item_tokens_clear(&its[i]);
    }
    free(its);
    free(items);
    if (rc)
        bgi_qplan_clear(out);
    return rc;
}

void bgi_qplan_clear(bgi_qplan *plan)
{
    bgx_query_free(plan->query);
    for (size_t i = 0; i < plan->n_needles; i++)
        free(plan->needles[i].text);
    free(plan->needles);
    memset(plan, 0, sizeof *plan);
}
