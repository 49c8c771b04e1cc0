/* highlight.c — match ranges in original text and snippets (see highlight.h). */
#include "highlight.h"
#include "baogao.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The passage's WORD tokens, collected only when a word needle needs them. */
typedef struct tok {
    size_t start, end;         /* original bytes */
    size_t norm_off, norm_len; /* into the collected normalised text */
} tok;

typedef struct collected {
    tok *words;
    size_t n_words, cap_words;
    bgi_buf norm;
} collected;

static int push_tok(tok **arr, size_t *n, size_t *cap, tok t)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        tok *p = realloc(*arr, c * sizeof *p);
        if (!p)
            return BG_ENOMEM;
        *arr = p;
        *cap = c;
    }
    (*arr)[(*n)++] = t;
    return 0;
}

static int on_token(void *ctx, const bgi_token *t)
{
    collected *c = ctx;
    if (t->type != BG_TOKEN_WORD)
        return 0;
    tok k = {.start = t->start, .end = t->end, .norm_off = c->norm.len, .norm_len = t->len};
    if (bgi_buf_append(&c->norm, t->text, t->len))
        return BG_ENOMEM;
    return push_tok(&c->words, &c->n_words, &c->cap_words, k);
}

static int add_range(bgi_ranges *r, size_t *cap, size_t s, size_t e)
{
    if (r->n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        size_t *ps = realloc(r->start, c * sizeof *ps);
        if (!ps)
            return BG_ENOMEM;
        r->start = ps;
        size_t *pe = realloc(r->end, c * sizeof *pe);
        if (!pe)
            return BG_ENOMEM;
        r->end = pe;
        *cap = c;
    }
    r->start[r->n] = s;
    r->end[r->n] = e;
    r->n++;
    return 0;
}

static const char *norm_of(const collected *c, const tok *t)
{
    return c->norm.data + t->norm_off;
}

/* Every WORD token equal to the word needle nd. */
static int find_word(bgi_ranges *r, size_t *cap, const collected *c, const bgi_needle *nd)
{
    for (size_t i = 0; i < c->n_words; i++) {
        const tok *w = &c->words[i];
        if (w->norm_len == nd->len && memcmp(norm_of(c, w), nd->text, nd->len) == 0
            && add_range(r, cap, w->start, w->end))
            return BG_ENOMEM;
    }
    return 0;
}

/* Every occurrence of nd in the normalised passage, mapped back to original
 * bytes — overlapping ones too when overlapping is set; *found (may be NULL)
 * says whether there was one.
 *
 * For a char run this finds what matching the passage's CHAR tokens would:
 * a run holds only indexable characters, and the CHAR tokens of a passage
 * are exactly its indexable characters, a run break being any other
 * character between them; so a run found among the tokens without crossing
 * a break is a substring of the normalised text and the other way round
 * (both are whole UTF-8 sequences, so a byte match is a character match) —
 * without running the word breaker over the passage. */
static int digit_at(const bgi_normtext *nt, size_t i)
{
    return i < nt->len && nt->text[i] >= '0' && nt->text[i] <= '9';
}

/* Numbers are tokens of their own (analysis.h): a needle that starts or
 * ends with a digit matches only where the passage's number starts or ends
 * too, so 3% is not marked inside 33% or 2.3%, nor 3.5 inside 3.55. */
static int number_bounded(const bgi_normtext *nt, size_t at, size_t len)
{
    size_t e = at + len;
    if (digit_at(nt, at) && at > 0
        && (digit_at(nt, at - 1) || (nt->text[at - 1] == '.' && at > 1 && digit_at(nt, at - 2))))
        return 0;
    if (len && digit_at(nt, e - 1) && (digit_at(nt, e) || (e < nt->len && nt->text[e] == '.' && digit_at(nt, e + 1))))
        return 0;
    return 1;
}

static int find_all(bgi_ranges *r, size_t *cap, const bgi_normtext *nt, const bgi_needle *nd, int overlapping,
                    int *found)
{
    for (size_t pos = 0; nd->len && pos + nd->len <= nt->len;) {
        const char *p = memmem(nt->text + pos, nt->len - pos, nd->text, nd->len);
        if (!p)
            break;
        size_t at = (size_t)(p - nt->text);
        int ok = number_bounded(nt, at, nd->len);
        if (ok && add_range(r, cap, nt->orig_start[at], nt->orig_end[at + nd->len - 1]))
            return BG_ENOMEM;
        if (found && ok)
            *found = 1;
        pos = overlapping || !ok ? at + 1 : at + nd->len;
        while (pos < nt->len && ((unsigned char)nt->text[pos] & 0xC0) == 0x80)
            pos++;
    }
    return 0;
}

static int cmp_range(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Sorts and merges overlapping or touching ranges. */
static int normalise_ranges(bgi_ranges *r)
{
    if (r->n < 2)
        return 0;
    size_t *pairs = malloc(r->n * 2 * sizeof *pairs);
    if (!pairs)
        return BG_ENOMEM;
    for (size_t i = 0; i < r->n; i++) {
        pairs[2 * i] = r->start[i];
        pairs[2 * i + 1] = r->end[i];
    }
    qsort(pairs, r->n, 2 * sizeof *pairs, cmp_range);
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++) {
        size_t s = pairs[2 * i], e = pairs[2 * i + 1];
        if (m && s <= r->end[m - 1]) {
            if (e > r->end[m - 1])
                r->end[m - 1] = e;
        } else {
            r->start[m] = s;
            r->end[m] = e;
            m++;
        }
    }
    r->n = m;
    free(pairs);
    return 0;
}

/* Segments the passage into WORD tokens once, the first time a word needle
 * is looked for: most passages hold their items as written, so ICU's
 * dictionary word break (the costly part of analysis) usually never runs. */
static int find_needle(bgi_ranges *r, size_t *cap, collected *c, int *segmented, bgi_analyzer *an,
                       const char *text, size_t len, const bgi_normtext *nt, const bgi_needle *nd, bgi_err *err)
{
    if (!nd->is_word)
        return find_all(r, cap, nt, nd, 1, NULL) ? bgi_err_set(err, BG_ENOMEM, "out of memory") : 0;
    if (!*segmented) {
        int rc = bgi_analyze(an, text, len, on_token, c, err);
        if (rc)
            return rc > 0 ? bgi_err_set(err, BG_ENOMEM, "out of memory") : rc;
        *segmented = 1;
    }
    return find_word(r, cap, c, nd) ? bgi_err_set(err, BG_ENOMEM, "out of memory") : 0;
}

/* qbuild.c gives each query item's needles as a group: the whole item text,
 * normalised (is_word 2), then its runs (0) and words (1). Where the passage
 * holds the whole text, that is what matched and all that is marked; the runs
 * and words are marked only where it does not (words found apart, or the item
 * written with other punctuation), so "6.5%" marks 6.5% and not every 5 or 6,
 * and 推进政务服务标准化 does not also light up each 推进 elsewhere.
 * Everything but whole words is matched in the normalised text. */
int bgi_highlight(bgi_ranges *out, bgi_analyzer *an, const char *text, size_t len,
                 const bgi_needle *needles, size_t n_needles, bgi_err *err)
{
    memset(out, 0, sizeof *out);
    collected c = {0};
    bgi_normtext nt = {0};
    size_t cap = 0;
    int segmented = 0;
    int rc = bgi_normalize(an, text, len, &nt, err);
    for (size_t i = 0; rc == 0 && i < n_needles;) {
        size_t end = i + 1;
        int found = 0;
        if (needles[i].is_word == 2) {
            while (end < n_needles && needles[end].is_word != 2)
                end++;
            if (find_all(out, &cap, &nt, &needles[i], 0, &found))
                rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
            i++;
        }
        for (; rc == 0 && !found && i < end; i++)
            rc = find_needle(out, &cap, &c, &segmented, an, text, len, &nt, &needles[i], err);
        i = end;
    }
    if (rc == 0 && normalise_ranges(out))
        rc = bgi_err_set(err, BG_ENOMEM, "out of memory");
    free(c.words);
    bgi_buf_free(&c.norm);
    bgi_normtext_clear(&nt);
    if (rc)
        bgi_ranges_clear(out);
    return rc;
}

void bgi_ranges_clear(bgi_ranges *r)
{
    free(r->start);
    free(r->end);
    memset(r, 0, sizeof *r);
}

static size_t utf8_next(const char *s, size_t len, size_t i)
{
    i++;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* Picks the window of max_chars code points holding the most matched code
 * points; returns its byte bounds. */
static void densest_window(const char *text, size_t len, const bgi_ranges *r, size_t max_chars,
                           size_t *wstart, size_t *wend)
{
    size_t n_cp = 0;
    for (size_t i = 0; i < len; i = utf8_next(text, len, i))
        n_cp++;
    *wstart = 0;
    *wend = len;
    if (n_cp <= max_chars)
        return;
    size_t *cp = malloc((n_cp + 1) * sizeof *cp);
    unsigned char *hit = calloc(n_cp + 1, 1);
    if (!cp || !hit) {
        free(cp);
        free(hit);
        *wend = bgi_utf8_clip(text, len, max_chars * 3);
        return;
    }
    size_t k = 0, ri = 0;
    for (size_t i = 0; i < len; i = utf8_next(text, len, i)) {
        while (ri < r->n && r->end[ri] <= i)
            ri++;
        hit[k] = ri < r->n && r->start[ri] <= i;
        cp[k++] = i;
    }
    cp[n_cp] = len;
    size_t count = 0, best = 0, best_at = 0;
    for (size_t i = 0; i < max_chars; i++)
        count += hit[i];
    best = count;
    for (size_t s = 1; s + max_chars <= n_cp; s++) {
        count += hit[s + max_chars - 1];
        count -= hit[s - 1];
        if (count > best) {
            best = count;
            best_at = s;
        }
    }
    /* Centre the window on the matches it holds, so they keep context on both
     * sides and none of them falls off an edge; with no match at all, show the
     * start of the passage. */
    size_t s = 0;
    if (best) {
        size_t first = best_at, last = best_at + max_chars - 1;
        while (!hit[first])
            first++;
        while (!hit[last])
            last--;
        size_t mid = first + (last - first) / 2;
        s = mid > max_chars / 2 ? mid - max_chars / 2 : 0;
        if (s + max_chars <= last)
            s = last + 1 - max_chars;
        if (s > first)
            s = first;
        if (s + max_chars > n_cp)
            s = n_cp - max_chars;
    }
    *wstart = cp[s];
    *wend = cp[s + max_chars];
    free(cp);
    free(hit);
}

char *bgi_snippet(const char *text, size_t len, const bgi_ranges *r, size_t max_chars, const char *open,
                 const char *close)
{
    size_t ws, we;
    densest_window(text, len, r, max_chars ? max_chars : 120, &ws, &we);
    bgi_buf b = {0};
    int bad = bgi_buf_append(&b, "", 0);
    if (ws > 0)
        bad |= bgi_buf_puts(&b, "…");
    size_t pos = ws;
    for (size_t i = 0; i < r->n && !bad; i++) {
        size_t s = r->start[i] < ws ? ws : r->start[i];
        size_t e = r->end[i] > we ? we : r->end[i];
        if (s >= e)
            continue;
        bad |= bgi_buf_append(&b, text + pos, s - pos);
        bad |= bgi_buf_puts(&b, open);
        bad |= bgi_buf_append(&b, text + s, e - s);
        bad |= bgi_buf_puts(&b, close);
        pos = e;
    }
    if (!bad && pos < we)
        bad |= bgi_buf_append(&b, text + pos, we - pos);
    if (!bad && we < len)
        bad |= bgi_buf_puts(&b, "…");
    if (bad) {
        bgi_buf_free(&b);
        return NULL;
    }
    return b.data;
}
