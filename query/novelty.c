/* novelty.c — bg_search_new: the expressions (新提法) a year's reports use
 * for the first time (baogao-query --new-in, /api/new) or the ones the
 * reports stopped using (--gone-in, /api/gone); docs/years.md "New
 * expressions".
 *
 * Why characters and not words: a new expression is made of old pieces. ICU
 * cuts 新质生产力 into 新/质/生产/力 and each piece is decades old, so no word
 * statistic finds it; what is new is the string. Every string of 2 to 8 Han
 * characters (a trailing + kept: 互联网+) of the base year's passages is a
 * candidate; it is new when no passage of the years compared holds it.
 * Salience then separates expressions from fragments and chance phrasing:
 *   - it must start and end on word edges (the analyser's, lexicon included)
 *     in at least half of its occurrences (a lexicon word need not), and not
 *     start or end on a function character (的, 和, 等 …);
 *   - it must not start on a word-ending character standing alone after
 *     another (化 of 市场化: 化改革), continue a number (万元 of 5万元) or hold
 *     的, 等 or 了 as a word (美丽的家园: a phrase);
 *   - it must not be a fragment: when one character stands beside it in at
 *     least 70% of two or more occurrences, the longer string is the
 *     expression (a lexicon word is never a fragment);
 *   - score = √(passages holding it in the base year × (1 + passages
 *     holding it on the other side) × (1 + the years there)) — salient in
 *     its year, and an expression comes back where a turn of phrase does
 *     not — × 3 when written in quotes in any year (“互联网+”) × 3 when a
 *     lexicon word × 2 when a new (or once said) string of 2 characters is
 *     inside (新质), 1.5 of 3, × 0.5 when it reads as a verb and its object
 *     (推进乡村), × 0.3 when it is one word of ICU's dictionary (聚焦:
 *     ordinary words the earlier reports happened not to use); equal
 *     scores go to the shorter string, then to the one said first.
 *   Fragments are judged on the base year as well: 碳中和,
 *   said alone in 2021, is written 碳达峰碳中和 in every later year.
 * For --gone-in the time runs backwards: the base year is the last year
 * before YEAR, "new" means absent from YEAR and every year after it, and the
 * years before the base year are the other side.
 *
 * Cost: every passage of the years compared is read once: the base year's
 * strings into a hash table, then each other year read, scanned and let go
 * in turn, so memory follows the base year and time the whole text; see
 * docs/years.md for measurements and the limit this sets at scale. */
#include "analysis.h"
#include "json_get.h"
#include "results.h"
#include "scheme.h"
#include "search_priv.h"
#include "utf8.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_CHARS 2
#define MAX_CHARS 8
#define RUN_MAX 256       /* characters of a run scanned at once */
#define NEIGHBOURS 3      /* characters beside a candidate, counted exactly */
#define CHUNK 2000        /* passages read per search */
#define FRAGMENT_SHARE 0.7
#define QUOTED_BONUS 3.0
#define LEXICON_BONUS 3.0
#define PHRASE_FACTOR 0.5   /* a verb and its object (推进乡村) */
#define ONE_WORD_FACTOR 0.3 /* one word of the dictionary (聚焦) */
#define NEARLY_NEW 1      /* a string said this often before still counts as new in a core */

/* Characters that begin or end phrases, not expressions. */
static const char *const function_chars[] = {"的", "了", "和", "与", "及", "或", "等", "在", "是", "对", "把",
                                             "被", "为", "将", "从", "向", "以", "于", "并", "而", "且", "也",
                                             "都", "就", "又", "还", "受", "由", "因", "但", "则", "所", "其",
                                             "使", "让", "给", "按", "经", "要", "已", "再", "更", "很", "之"};

/* Characters that end words (规模性, 市场化, 劳动者): standing as a word of
 * their own right after another character, they belong to the word before,
 * so a string starting there starts inside a word (性返贫, 化应用). */
static const char *const suffix_chars[] = {"性", "化", "者", "型", "式", "率", "们"};

enum { C_OLD = 1, C_QUOTED = 2, C_LEXICON = 4 };

typedef struct neighbours {
    int32_t c[NEIGHBOURS];
    uint32_t n[NEIGHBOURS];      /* occurrences with c[i] beside them, every year */
    uint32_t base[NEIGHBOURS];   /* of them, in the base year */
} neighbours;

typedef struct cand {
    uint32_t off;        /* bytes of the base year's text */
    uint8_t len, chars, flags;
    uint32_t count;      /* occurrences in the base year */
    uint32_t old;        /* occurrences in the years compared (up to 255) */
    uint32_t passages, last_passage;
    uint32_t other;      /* occurrences in the years on the other side */
    uint32_t other_passages, last_other_passage;
    uint32_t years;      /* those years holding it */
    int last_year;
    uint32_t edges;      /* occurrences on word edges at both ends */
    uint32_t left_edges, right_edges;   /* on a word edge at that end (a run's edge is one) */
    neighbours left, right;
    double score;
} cand;

/* One year's passages, normalised, '\n' between passages. */
typedef struct year_text {
    int year;
    char *text;
    size_t len, cap;
    unsigned char *edge;   /* per byte: a word starts or ends here (NULL: not analysed) */
    uint32_t *lex_end;     /* base year only: the end of a lexicon word starting here */
} year_text;

typedef struct expression {
    char *text;
    size_t occurrences, passages, other_years;
    double score;
    bg_results *hits;
} expression;

struct bg_novel {
    int year, base_year, since, gone;
    int *compared;       /* the years whose text rules an expression out */
    size_t n_compared;
    int *other;          /* the years on the other side (recurrence) */
    size_t n_other;
    expression *e;
    size_t n;
};

typedef struct novelty {
    bg_index *ix;
    bg_search_options filters;   /* the reports compared; the years are set per read */
    int *years;                  /* the years with passages, oldest first */
    size_t n_years;
    year_text base_text;
    const year_text *base;       /* &base_text once read */
    cand *table;                 /* open addressing, grown as the base year's strings come */
    uint64_t *hashes;            /* table[i]'s hash (0: an empty slot), apart: most lookups
                                    miss, and a miss then reads 8 bytes a slot, not an entry */
    size_t mask, used;
} novelty;

/* ---- characters ---------------------------------------------------------- */

static int is_open_quote(int32_t c) { return c == 0x201C || c == 0x2018 || c == '"' || c == 0x300C || c == 0x300E; }
static int is_close_quote(int32_t c) { return c == 0x201D || c == 0x2019 || c == '"' || c == 0x300D || c == 0x300F; }

/* The character ending just before byte a of y, and the one starting at
 * byte b (0 beyond either end of the text). */
static int32_t char_before(const year_text *y, size_t a)
{
    size_t i = a;
    while (i > 0 && ((unsigned char)y->text[i - 1] & 0xC0) == 0x80)
        i--;
    int32_t c = 0;
    if (i > 0)
        bgi_utf8_decode((const unsigned char *)y->text, y->len, i - 1, &c);
    return c;
}

static int32_t char_at(const year_text *y, size_t b)
{
    int32_t c = 0;
    if (b < y->len)
        bgi_utf8_decode((const unsigned char *)y->text, y->len, b, &c);
    return c;
}

static int in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
            return 1;
    return 0;
}

static int is_function_char(const char *s, size_t len)
{
    return in_list(function_chars, sizeof function_chars / sizeof *function_chars, s, len);
}

static int is_suffix_char(const char *s, size_t len)
{
    return in_list(suffix_chars, sizeof suffix_chars / sizeof *suffix_chars, s, len);
}

/* Whether 的, 等 or 了 stands as a word of its own inside c's first
 * occurrence: a phrase (美丽的家园, 地震等自然灾害), not an expression. */
static int inner_particle(const year_text *y, size_t off, size_t len)
{
    static const char *const particles[] = {"的", "等", "了"};
    for (size_t p = 1; p + 3 < len; p++)
        if (y->edge[off + p] && y->edge[off + p + 3]
            && in_list(particles, sizeof particles / sizeof *particles, y->text + off + p, 3))
            return 1;
    return 0;
}

/* ---- reading the years ---------------------------------------------------- */

static int append_text(year_text *y, const char *s, size_t n)
{
    if (y->len + n + 2 > y->cap) {
        size_t cap = y->cap ? y->cap : 1 << 16;
        while (cap < y->len + n + 2)
            cap *= 2;
        char *t = realloc(y->text, cap);
        if (!t)
            return BG_ENOMEM;
        y->text = t, y->cap = cap;
    }
    memcpy(y->text + y->len, s, n);
    y->len += n;
    y->text[y->len++] = '\n';
    y->text[y->len] = '\0';
    return 0;
}

static void year_text_clear(year_text *y)
{
    free(y->text);
    free(y->edge);
    free(y->lex_end);
    *y = (year_text){0};
}

/* Every passage the filters keep (of one year when year > 0), as a query. */
static int reports_query(bgx_query **q, novelty *nv, int year)
{
    bg_index *ix = nv->ix;
    bg_search_options o = nv->filters;
    if (year > 0)
        o.years = &year, o.n_years = 1, o.year_from = 0;
    int copies = bgi_index_has_copies(ix);
    if (copies < 0)
        return copies;
    if (!(*q = bgx_query_match_all()))
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    int rc = bgi_search_filter(q, ix->reader, &o, copies, &ix->err);
    if (rc) {
        bgx_query_free(*q);   /* NULL when the filter freed it */
        *q = NULL;
    }
    return rc;
}

static int by_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The years holding passages the filters keep, from the year facet of one
 * match (no passage is read). */
static int list_years(novelty *nv)
{
    bg_index *ix = nv->ix;
    int rc = bgi_ix_refresh_reader(ix);
    if (rc || !ix->reader)
        return rc;
    bgx_query *q = NULL;
    if ((rc = reports_query(&q, nv, 0)) != 0)
        return rc;
    bgx_match m = {0};
    rc = bgi_search_match(&m, ix, q, 0, 0, 0, 0);
    if (rc == 0 && !(nv->years = malloc((m.n_facets[0] ? m.n_facets[0] : 1) * sizeof *nv->years)))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < m.n_facets[0]; i++) {
        int year = atoi(m.facets[0][i].value);
        if (year > 0 && m.facets[0][i].count > 0)
            nv->years[nv->n_years++] = year;
    }
    if (rc == 0 && nv->n_years)
        qsort(nv->years, nv->n_years, sizeof *nv->years, by_int);
    bgx_match_clear(&m);
    bgx_query_free(q);
    return rc;
}

/* Every passage of one year that the filters keep, normalised, into y. */
static int read_year(novelty *nv, int year, year_text *y)
{
    bg_index *ix = nv->ix;
    *y = (year_text){.year = year};
    bgx_query *q = NULL, *all = NULL;
    int rc = reports_query(&all, nv, year);
    /* Without weights, so that the chunks come in document order: ranked,
     * passages that tie could change places between two chunks' matches. */
    if (rc == 0 && !(q = bgx_query_scale(all, 0)))
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_query_free(all);
    bgi_normtext nt = {0};
    size_t total = 1;
    for (size_t offset = 0; rc == 0 && offset < total; offset += CHUNK) {
        bgx_match m = {0};
        rc = bgx_search(&m, ix->reader, q, offset, CHUNK, NULL, 0, &ix->err);
        total = m.total;
        for (size_t i = 0; rc == 0 && i < m.n_hits; i++) {
            cJSON *rec = bgi_passage_rec_parse(m.hits[i].data, m.hits[i].data_len);
            const char *text = rec ? bgi_json_str(rec, BG_REC_TEXT) : "";
            if ((rc = bgi_normalize(ix->query_an, text, strlen(text), &nt, &ix->err)) == 0
                && append_text(y, nt.text, nt.len))
                rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
            cJSON_Delete(rec);
        }
        if (rc == 0 && m.n_hits == 0)
            total = 0;
        bgx_match_clear(&m);
    }
    bgi_normtext_clear(&nt);
    bgx_query_free(q);
    return rc;
}

typedef struct edge_ctx {
    year_text *y;
    size_t base;   /* offset of the passage in y->text */
} edge_ctx;

static int on_token(void *ctx, const bgi_token *t)
{
    edge_ctx *e = ctx;
    if (t->type != BG_TOKEN_WORD)
        return 0;
    e->y->edge[e->base + t->start] = e->y->edge[e->base + t->end] = 1;
    if (e->y->lex_end && (t->flags & BG_TOKEN_LEXICON))
        e->y->lex_end[e->base + t->start] = (uint32_t)(e->base + t->end);
    return 0;
}

/* Marks where the analyser's words start and end in y, passage by passage. */
static int find_edges(novelty *nv, year_text *y, int lexicon)
{
    if (!(y->edge = calloc(y->len + 1, 1)) || (lexicon && !(y->lex_end = calloc(y->len + 1, sizeof *y->lex_end))))
        return bgi_err_set(&nv->ix->err, BG_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t start = 0; rc == 0 && start < y->len;) {
        const char *nl = memchr(y->text + start, '\n', y->len - start);
        size_t end = nl ? (size_t)(nl - y->text) : y->len;
        edge_ctx e = {y, start};
        rc = bgi_analyze(nv->ix->query_an, y->text + start, end - start, on_token, &e, &nv->ix->err);
        start = end + 1;
    }
    return rc;
}

/* ---- the candidates ------------------------------------------------------ */

/* The table starts small and doubles at half full: its size follows the
 * distinct strings of the base year, not its length (a year of many similar
 * reports repeats the same strings). */
static int table_resize(novelty *nv, size_t size)
{
    cand *t = calloc(size, sizeof *t);
    uint64_t *hs = calloc(size, sizeof *hs);
    if (!t || !hs) {
        free(t);
        free(hs);
        return BG_ENOMEM;
    }
    for (size_t i = 0; nv->table && i <= nv->mask; i++) {
        if (!nv->hashes[i])
            continue;
        size_t j = nv->hashes[i] & (size - 1);
        while (hs[j])
            j = (j + 1) & (size - 1);
        t[j] = nv->table[i];
        hs[j] = nv->hashes[i];
    }
    free(nv->table);
    free(nv->hashes);
    nv->table = t;
    nv->hashes = hs;
    nv->mask = size - 1;
    return 0;
}

/* The entry of s[0..len) (hash h), or NULL; with insert, a new entry when
 * there is none (NULL when out of memory). Inserting may move every entry. */
static cand *lookup(novelty *nv, uint64_t h, const char *s, size_t len, int insert)
{
    h |= 1;   /* 0 marks an empty slot */
    for (size_t i = h & nv->mask;; i = (i + 1) & nv->mask) {
        if (!nv->hashes[i]) {
            if (!insert)
                return NULL;
            if (nv->used * 2 >= nv->mask + 1) {
                if (table_resize(nv, (nv->mask + 1) * 2))
                    return NULL;
                return lookup(nv, h, s, len, insert);
            }
            cand *c = &nv->table[i];
            nv->used++;
            nv->hashes[i] = h;
            c->len = (uint8_t)len;
            c->off = (uint32_t)(s - nv->base->text);
            return c;
        }
        cand *c = &nv->table[i];
        if (nv->hashes[i] == h && c->len == len && memcmp(nv->base->text + c->off, s, len) == 0)
            return c;
    }
}

static void count_neighbour(neighbours *nb, int32_t c, int in_base)
{
    if (c < 0)
        return;   /* the edge of a run: no character stands there */
    for (int i = 0; i < NEIGHBOURS; i++) {
        if (!nb->n[i])
            nb->c[i] = c;
        if (nb->c[i] == c) {
            nb->n[i]++;
            nb->base[i] += in_base;
            return;
        }
    }
}

typedef struct run_char {
    size_t off, len;
    int32_t c;
} run_char;

enum scan_mode { SCAN_BASE, SCAN_EXCLUDE, SCAN_OTHER };

/* One occurrence of the candidate chars[i..i+k) (k >= MIN_CHARS Han
 * characters, then the '+' that ended the run when plus). */
static void occurrence(const year_text *y, enum scan_mode mode, cand *c, const run_char *rc, size_t n,
                       size_t i, size_t k, uint32_t passage)
{
    if (mode == SCAN_EXCLUDE) {
        c->flags |= C_OLD;
        c->old += c->old < 255;
        return;
    }
    if (c->flags & C_OLD)
        return;
    size_t a = rc[i].off, b = rc[i + k - 1].off + rc[i + k - 1].len;
    int left = i == 0 || (y->edge && y->edge[a]), right = i + k == n || (y->edge && y->edge[b]);
    c->edges += left && right;
    c->left_edges += left;
    c->right_edges += right;
    count_neighbour(&c->left, i ? rc[i - 1].c : -1, mode == SCAN_BASE);
    count_neighbour(&c->right, i + k < n ? rc[i + k].c : -1, mode == SCAN_BASE);
    /* quoted in any year: a later report quoting it (加力支持“两新”) says
     * it is an expression as much as the first one */
    if (i == 0 && i + k == n && is_open_quote(char_before(y, a)) && is_close_quote(char_at(y, b)))
        c->flags |= C_QUOTED;
    if (mode == SCAN_BASE) {
        c->count++;
        if (!c->passages || c->last_passage != passage)
            c->passages++, c->last_passage = passage;
        if (y->lex_end && y->lex_end[a] == b)
            c->flags |= C_LEXICON;
    } else {
        c->other++;
        if (c->last_year != y->year || c->last_other_passage != passage)
            c->other_passages++, c->last_other_passage = passage;
        if (c->last_year != y->year)
            c->years++, c->last_year = y->year;
    }
}

/* Every candidate string of one run of y (chars rc[0..n)). */
static int scan_run(novelty *nv, const year_text *y, enum scan_mode mode, const run_char *rc, size_t n,
                    uint32_t passage)
{
    int plus = n && rc[n - 1].c == '+';
    size_t han = n - (size_t)plus;
    for (size_t i = 0; i < han; i++) {
        uint64_t h = BG_FNV_INIT;
        int known = 1;   /* the base year holds the string so far */
        for (size_t k = 1; known && k <= MAX_CHARS && i + k <= han; k++) {
            h = bgi_fnv1a64(h, y->text + rc[i + k - 1].off, rc[i + k - 1].len);
            if (k < MIN_CHARS)
                continue;
            /* the string itself, then with the run's '+' when it reaches it */
            for (int with_plus = 0; known && with_plus <= (plus && i + k == han); with_plus++) {
                size_t kk = k + (size_t)with_plus;
                uint64_t hh = with_plus ? bgi_fnv1a64(h, "+", 1) : h;
                const char *s = y->text + rc[i].off;
                size_t len = rc[i + kk - 1].off + rc[i + kk - 1].len - rc[i].off;
                cand *c = lookup(nv, hh, s, len, mode == SCAN_BASE);
                if (!c && mode == SCAN_BASE)
                    return bgi_err_set(&nv->ix->err, BG_ENOMEM, "out of memory");
                if (c) {
                    c->chars = (uint8_t)k;
                    occurrence(y, mode, c, rc, n, i, kk, passage);
                }
                /* Every piece of a base-year string is one too: when the
                 * base year lacks this string, it lacks every longer one
                 * starting here (most lookups of the other years end here). */
                known = c || with_plus;
            }
        }
    }
    return 0;
}

/* Every run of Han characters (a trailing '+' kept) of y. A run longer
 * than RUN_MAX characters is scanned in pieces (an expression across the
 * cut is lost; such runs are tables of names, not prose). */
static int scan(novelty *nv, const year_text *y, enum scan_mode mode)
{
    run_char rc[RUN_MAX + 1];
    size_t n = 0;
    uint32_t passage = 0;
    int err = 0;
    const unsigned char *t = (const unsigned char *)y->text;
    for (size_t i = 0; err == 0 && i < y->len;) {
        int32_t c;
        size_t l = bgi_utf8_decode(t, y->len, i, &c);
        if (bgi_char_is_han(c)) {
            if (n == RUN_MAX) {
                err = scan_run(nv, y, mode, rc, n, passage);
                n = 0;
            }
            rc[n++] = (run_char){i, l, c};
        } else {
            if (c == '+' && n)
                rc[n++] = (run_char){i, l, c};
            if (n)
                err = scan_run(nv, y, mode, rc, n, passage);
            n = 0;
            passage += c == '\n';
        }
        i += l;
    }
    return err ? err : n ? scan_run(nv, y, mode, rc, n, passage) : 0;
}

/* ---- salience ------------------------------------------------------------ */

/* Whether a word of the analyser starts p bytes into c, at its first
 * occurrence (0 < p < its length; p inside a character is no edge). */
static int inner_edge(const novelty *nv, const cand *c, size_t p)
{
    return ((unsigned char)nv->base->text[c->off + p] & 0xC0) != 0x80 && nv->base->edge[c->off + p];
}

/* Whether the base year's string s[0..len) is an old word that goes on in
 * more ways than NEIGHBOURS (推进 …, 实施 …, 全国 …): a verb or a
 * modifier, not the start of an expression. */
static int verb_like(novelty *nv, const char *s, size_t len)
{
    const cand *a = lookup(nv, bgi_fnv1a64(BG_FNV_INIT, s, len), s, len, 0);
    if (!a || !(a->flags & C_OLD))
        return 0;   /* one character, or new itself */
    uint32_t seen = 0;
    int distinct = 0;
    for (int i = 0; i < NEIGHBOURS; i++)
        seen += a->right.base[i], distinct += a->right.base[i] > 0;
    return distinct == NEIGHBOURS && a->count > seen;   /* every slot taken, and more */
}

/* Whether c reads as a verb and its object: it splits on a word edge into
 * a verb-like first part and the rest (推进乡村, 实施制造业). When the rest is
 * new it is a candidate of its own. */
static int phrase(novelty *nv, const cand *c)
{
    for (size_t p = 1; p < c->len; p++)
        if (inner_edge(nv, c, p) && verb_like(nv, nv->base->text + c->off, p))
            return 1;
    return 0;
}

/* The word that ends where c starts at its first occurrence, when c starts
 * on a word edge: its length, 0 when there is none. */
static size_t word_before(const novelty *nv, const cand *c)
{
    const year_text *y = nv->base;
    if (!y->edge[c->off])
        return 0;
    size_t a = c->off;
    while (a > 0 && y->text[a - 1] != '\n') {
        a--;
        if (((unsigned char)y->text[a] & 0xC0) != 0x80 && y->edge[a])
            break;
    }
    return c->off - a;
}

/* Whether c is a piece of a longer expression: one character stands
 * beside it in most of its occurrences (新质 in 新质生产力), also in the base
 * year. A lexicon word is never a piece, nor is a string after a verb-like
 * word (全国统一大市场: 统一大市场). (Sparing pieces whose neighbour is a word of its own —
 * 发展 before 新常态 — was tried: it let in more chance phrasing than
 * expressions, 64% against 68% on bench/quality/new_expressions.py.) */
static int fragment(novelty *nv, const cand *c)
{
    uint32_t total = c->count + c->other;
    if (total < 2 || (c->flags & C_LEXICON))
        return 0;
    /* 全国 before 统一大市场 is a modifier: the expression is the rest */
    size_t before = word_before(nv, c);
    int left_modifier = before && verb_like(nv, nv->base->text + c->off - before, before);
    for (int i = 0; i < NEIGHBOURS; i++)
        if ((c->left.n[i] >= FRAGMENT_SHARE * total && c->left.base[i] * 2 >= c->count && !left_modifier)
            || (c->right.n[i] >= FRAGMENT_SHARE * total && c->right.base[i] * 2 >= c->count))
            return 1;
    return 0;
}

/* The fewest characters of a new string inside c (itself at most); a
 * string said at most NEARLY_NEW times in the years compared counts as new
 * here (新质 once in 2022, in 新域新质作战力量, before 新质生产力 in 2024). */
static size_t new_core(novelty *nv, const cand *c)
{
    const char *s = nv->base->text + c->off;
    size_t offs[MAX_CHARS + 2], n = 0;
    for (size_t i = 0; i < c->len && n <= MAX_CHARS;) {
        int32_t ch;
        offs[n++] = i;
        i += bgi_utf8_decode((const unsigned char *)s, c->len, i, &ch);
    }
    offs[n] = c->len;
    for (size_t k = MIN_CHARS; k < n; k++)
        for (size_t i = 0; i + k <= n; i++) {
            uint64_t h = bgi_fnv1a64(BG_FNV_INIT, s + offs[i], offs[i + k] - offs[i]);
            const cand *sub = lookup(nv, h, s + offs[i], offs[i + k] - offs[i], 0);
            if (sub && (!(sub->flags & C_OLD) || sub->old <= NEARLY_NEW))
                return k;
        }
    return n;
}

/* Whether c is one word of the analyser's dictionary (not the lexicon):
 * an ordinary word the earlier reports happened not to use (聚焦, 规则,
 * 韧性) more often than a coinage, which the dictionary does not know and
 * cuts (新/常态, 一带/一路). Judged at its first occurrence. */
static int one_word(const novelty *nv, const cand *c)
{
    for (size_t p = 1; p < c->len; p++)
        if (inner_edge(nv, c, p))
            return 0;
    return 1;
}

static double salience(novelty *nv, cand *c)
{
    const char *s = nv->base->text + c->off;
    int32_t first, last = 0;
    size_t fl = bgi_utf8_decode((const unsigned char *)s, c->len, 0, &first), ll = 0;
    for (size_t i = 0; i < c->len; i += ll)
        ll = bgi_utf8_decode((const unsigned char *)s, c->len, i, &last);
    const unsigned char *edge = nv->base->edge;   /* at its first occurrence */
    if ((is_function_char(s, fl) && edge[c->off + fl])
        || (is_function_char(s + c->len - ll, ll) && edge[c->off + c->len - ll]))
        return 0;   /* 的, 和 … as words of their own, not inside one (碳中和) */
    int32_t before = char_before(nv->base, c->off);
    if (is_suffix_char(s, fl) && edge[c->off + fl] && bgi_char_is_han(before))
        return 0;   /* 性 of 规模性 before 返贫 */
    if ((before >= '0' && before <= '9') || inner_particle(nv->base, c->off, c->len))
        return 0;   /* 万元 of 5万元: a number; 美丽的家园: a phrase */
    if (!(c->flags & C_LEXICON) && bgi_analyzer_is_lexicon_word(nv->ix->query_an, s, c->len))
        c->flags |= C_LEXICON;
    uint32_t total = c->count + c->other;
    /* a lexicon word is an expression wherever it stands: inside a longer
     * lexicon word (扫黑除恶 in 扫黑除恶专项斗争) its edges are not words' */
    if ((c->edges * 2 < total && !(c->flags & C_LEXICON)) || fragment(nv, c))
        return 0;
    size_t core = new_core(nv, c);
    /* salient in its year, and coming back: each as a square root, so that
     * neither outweighs the other (an expression of one passage that ten
     * later years repeat against one of five passages said once) */
    return sqrt((double)c->passages * (1.0 + c->other_passages) * (1.0 + c->years)) * (c->flags & C_QUOTED ? QUOTED_BONUS : 1.0)
         * (c->flags & C_LEXICON ? LEXICON_BONUS : 1.0) * (core <= 2 ? 2.0 : core <= 3 ? 1.5 : 1.0)
         * (!(c->flags & C_LEXICON) && phrase(nv, c) ? PHRASE_FACTOR : 1.0)
         * (!(c->flags & C_LEXICON) && one_word(nv, c) ? ONE_WORD_FACTOR : 1.0);
}

static int by_salience(const void *a, const void *b)
{
    const cand *x = *(const cand *const *)a, *y = *(const cand *const *)b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    /* a tie goes to the shorter string, the more general name (双循环
     * before 国内国际双循环; measured: +2 cases, none lost), then to the one
     * said first, so that the list never depends on the hash table */
    if (x->chars != y->chars)
        return x->chars > y->chars ? 1 : -1;
    if (x->off != y->off)
        return x->off > y->off ? 1 : -1;
    return (x->len < y->len) - (x->len > y->len);   /* 互联网+ before 互联网 */
}

/* ---- the run --------------------------------------------------------------- */

static int add_year(int **v, size_t *n, int year)
{
    int *t = realloc(*v, (*n + 1) * sizeof *t);
    if (!t)
        return BG_ENOMEM;
    t[(*n)++] = year;
    *v = t;
    return 0;
}

/* Which year is the base, which years rule out, which recur. */
static int plan_years(novelty *nv, bg_novel *out)
{
    bg_index *ix = nv->ix;
    int base = 0;
    for (size_t i = 0; i < nv->n_years; i++) {
        int y = nv->years[i];
        if (out->gone ? y < out->year : y == out->year)
            base = y;
    }
    if (!base && out->gone)
        return bgi_err_set(&ix->err, BG_ENOTFOUND, "no reports before %d to compare %d with", out->year, out->year);
    if (!base)
        return bgi_err_set(&ix->err, BG_ENOTFOUND, "no reports of %d (with these filters)", out->year);
    out->base_year = base;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < nv->n_years; i++) {
        int y = nv->years[i];
        int rules_out = out->gone ? y >= out->year : y < out->year;
        if (y == base)
            continue;
        rc = rules_out ? add_year(&out->compared, &out->n_compared, y) : add_year(&out->other, &out->n_other, y);
    }
    if (rc)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (!out->n_compared && !out->gone)
        return bgi_err_set(&ix->err, BG_ENOTFOUND, "no reports before %d to compare it with", out->year);
    return 0;
}

/* The base year's strings, then every other year read, scanned and let go
 * one at a time: memory follows the base year, not the index. */
static int find_candidates(novelty *nv, bg_novel *out)
{
    year_text *base = &nv->base_text;
    int rc = read_year(nv, out->base_year, base);
    nv->base = base;
    if (rc == 0)
        rc = find_edges(nv, base, 1);
    if (rc == 0 && table_resize(nv, 1 << 12))
        rc = bgi_err_set(&nv->ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        rc = scan(nv, base, SCAN_BASE);
    for (size_t i = 0; rc == 0 && i < nv->n_years; i++) {
        int year = nv->years[i];
        if (year == out->base_year)
            continue;
        int rules_out = out->gone ? year >= out->year : year < out->year;
        year_text y;
        rc = read_year(nv, year, &y);
        if (rc == 0 && !rules_out)
            rc = find_edges(nv, &y, 0);
        if (rc == 0)
            rc = scan(nv, &y, rules_out ? SCAN_EXCLUDE : SCAN_OTHER);
        year_text_clear(&y);
    }
    return rc;
}

static int first_passages(bg_index *ix, expression *e, int year, const bg_search_options *filters, size_t n)
{
    bg_search_options o = *filters;
    o.years = &year, o.n_years = 1, o.year_from = o.year_to = 0;
    o.strict = 1, o.offset = 0, o.limit = n ? n : 1;
    size_t qlen = strlen(e->text) + 3;
    char *q = malloc(qlen);
    if (!q)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    snprintf(q, qlen, "\"%s\"", e->text);
    int rc = bg_search_run(&e->hits, ix, q, &o);
    free(q);
    return rc;   /* ix->err says why */
}

/* Whether a and b are one expression: one holds the other and every
 * occurrence of the shorter is inside the longer (衷心感谢 and 表示衷心感谢). */
static int same_expression(const novelty *nv, const cand *a, const cand *b)
{
    if (a->count + a->other != b->count + b->other)
        return 0;
    const cand *lo = a->len >= b->len ? a : b, *sh = lo == a ? b : a;
    return memmem(nv->base->text + lo->off, lo->len, nv->base->text + sh->off, sh->len) != NULL;
}

/* Moves the first limit candidates of best[0..n) that are not the same
 * expression as a better one to the front; their number. */
static size_t keep_distinct(const novelty *nv, cand **best, size_t n, size_t limit)
{
    size_t kept = 0;
    for (size_t i = 0; i < n && kept < limit; i++) {
        size_t j = 0;
        while (j < kept && !same_expression(nv, best[j], best[i]))
            j++;
        if (j == kept)
            best[kept++] = best[i];
    }
    return kept;
}

static int rank(novelty *nv, bg_novel *out, const bg_novel_options *no, const bg_search_options *filters)
{
    cand **best = malloc((nv->used ? nv->used : 1) * sizeof *best);
    if (!best)
        return bgi_err_set(&nv->ix->err, BG_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i <= nv->mask; i++) {
        cand *c = &nv->table[i];
        if (nv->hashes[i] && !(c->flags & C_OLD) && (c->score = salience(nv, c)) > 0)
            best[n++] = c;
    }
    qsort(best, n, sizeof *best, by_salience);
    size_t limit = no->limit ? no->limit : BG_NOVEL_DEFAULT_LIMIT;
    n = keep_distinct(nv, best, n, limit);
    int rc = (out->e = calloc(n ? n : 1, sizeof *out->e)) ? 0 : BG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++, out->n++) {
        expression *e = &out->e[i];
        const cand *c = best[i];
        if (!(e->text = bgi_strndup(nv->base->text + c->off, c->len)))
            rc = BG_ENOMEM;
        e->occurrences = c->count, e->passages = c->passages, e->other_years = c->years, e->score = c->score;
    }
    free(best);
    if (rc)
        return bgi_err_set(&nv->ix->err, BG_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < out->n && no->passages; i++)
        rc = first_passages(nv->ix, &out->e[i], out->base_year, filters, no->passages);
    return rc;
}

static void novelty_clear(novelty *nv)
{
    year_text_clear(&nv->base_text);
    free(nv->years);
    free(nv->table);
    free(nv->hashes);
}

int bg_search_new(bg_novel **out, bg_index *ix, int year, const bg_novel_options *opts,
                  const bg_search_options *filters)
{
    *out = NULL;
    bgi_err_clear(&ix->err);
    static const bg_novel_options defaults = BG_NOVEL_OPTIONS_INIT;
    const bg_novel_options *no = opts ? opts : &defaults;
    const bg_search_options *fo;
    bg_search_options buf;
    if (no->version != BG_NOVEL_OPTIONS_VERSION)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "bg_novel_options version not supported"});
    if (bgi_search_options_resolve(&fo, &buf, filters, &ix->err))
        return bgi_err_publish(&ix->err);
    if (year < 1 || year > 9999 || no->since < 0 || no->since > 9999 || no->limit > BG_NOVEL_MAX_LIMIT
        || no->passages > BG_NOVEL_MAX_PASSAGES)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "year, since, limit or passages out of range"});
    if (no->since && no->since >= year)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "--since must be a year before the one asked for"});
    bg_novel *nvl = calloc(1, sizeof *nvl);
    if (!nvl)
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    *nvl = (bg_novel){.year = year, .since = no->since, .gone = no->gone != 0};
    novelty nv = {.ix = ix, .filters = *fo};
    nv.filters.years = NULL, nv.filters.n_years = 0, nv.filters.year_to = 0, nv.filters.year_unknown = 0;
    nv.filters.year_from = no->since;
    int rc = list_years(&nv);
    if (rc == 0)
        rc = plan_years(&nv, nvl);
    if (rc == 0)
        rc = find_candidates(&nv, nvl);
    if (rc == 0)
        rc = rank(&nv, nvl, no, fo);
    novelty_clear(&nv);
    if (rc) {
        bg_novel_free(nvl);
        return bgi_err_publish(&ix->err);
    }
    *out = nvl;
    return 0;
}

void bg_novel_free(bg_novel *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        free(n->e[i].text);
        bg_results_free(n->e[i].hits);
    }
    free(n->e);
    free(n->compared);
    free(n->other);
    free(n);
}

static const expression *at(const bg_novel *n, size_t i) { return i < n->n ? &n->e[i] : NULL; }

int bg_novel_year(const bg_novel *n) { return n->year; }
int bg_novel_base_year(const bg_novel *n) { return n->base_year; }
size_t bg_novel_count(const bg_novel *n) { return n->n; }
const char *bg_novel_text(const bg_novel *n, size_t i) { return at(n, i) ? at(n, i)->text : NULL; }
size_t bg_novel_occurrences(const bg_novel *n, size_t i) { return at(n, i) ? at(n, i)->occurrences : 0; }
size_t bg_novel_passages(const bg_novel *n, size_t i) { return at(n, i) ? at(n, i)->passages : 0; }
size_t bg_novel_other_years(const bg_novel *n, size_t i) { return at(n, i) ? at(n, i)->other_years : 0; }
double bg_novel_score(const bg_novel *n, size_t i) { return at(n, i) ? at(n, i)->score : 0; }
const bg_results *bg_novel_hits(const bg_novel *n, size_t i) { return at(n, i) ? at(n, i)->hits : NULL; }

static cJSON *year_array(const int *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *y = cJSON_CreateNumber(v[i]);
        if (!y || !cJSON_AddItemToArray(a, y)) {
            cJSON_Delete(y);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

/* "passages": the results array of the expression's search, as printed
 * by bg_results_json() (so a passage is the same object as a search hit). */
static int add_passages(cJSON *o, const bg_results *hits)
{
    char *doc = hits ? bg_results_json(hits) : NULL;
    cJSON *parsed = doc ? cJSON_Parse(doc) : NULL;
    cJSON *results = parsed ? cJSON_DetachItemFromObject(parsed, "results") : cJSON_CreateArray();
    bg_free(doc);
    cJSON_Delete(parsed);
    if (results && cJSON_AddItemToObject(o, "passages", results))
        return 1;
    cJSON_Delete(results);
    return 0;
}

char *bg_novel_json(const bg_novel *n)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *list = NULL, *compared = year_array(n->compared, n->n_compared), *other = year_array(n->other, n->n_other);
    int ok = root && compared && other && cJSON_AddNumberToObject(root, "year", n->year)
          && cJSON_AddStringToObject(root, "direction", n->gone ? "gone" : "new")
          && cJSON_AddNumberToObject(root, "base_year", n->base_year)
          && (n->since ? cJSON_AddNumberToObject(root, "since", n->since) != NULL
                       : cJSON_AddNullToObject(root, "since") != NULL)
          && cJSON_AddItemToObject(root, "compared_years", compared)
          && ((compared = NULL), cJSON_AddItemToObject(root, "other_years", other))
          && ((other = NULL), (list = cJSON_AddArrayToObject(root, "expressions")) != NULL);
    cJSON_Delete(compared);
    cJSON_Delete(other);
    for (size_t i = 0; ok && i < n->n; i++) {
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddItemToArray(list, o);
        if (!ok)
            cJSON_Delete(o);
        const expression *e = &n->e[i];
        ok = ok && cJSON_AddStringToObject(o, "text", e->text)
          && cJSON_AddNumberToObject(o, "occurrences", (double)e->occurrences)
          && cJSON_AddNumberToObject(o, "passage_count", (double)e->passages)
          && cJSON_AddNumberToObject(o, "other_years", (double)e->other_years)
          && cJSON_AddNumberToObject(o, "score", e->score) && add_passages(o, e->hits);
    }
    char *s = ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    return s;
}
