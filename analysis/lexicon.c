/* lexicon.c — loading word lists into a hash set of normalised words, and the
 * sorted list that identifies the lexicon in an index. */
#include "lexicon.h"
#include "util.h"
#include "analysis.h"
#include "baogao.h"
#include "charclass.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines are normalised in groups of about this many bytes: one OpenCC call per
 * group instead of one per word. */
#define GROUP_BYTES (64 * 1024)
/* No real word comes near this; longer lines are rejected before
 * normalisation so a group never has to split one. */
#define LINE_MAX_BYTES 4096

/* An entry of the set: a word, a prefix of words, or both. */
typedef struct lex_entry {
    size_t off, len;   /* in pool */
    int flags;         /* BG_LEX_* */
} lex_entry;

struct bgi_lexicon {
    char *pool;
    size_t pool_len, pool_cap;
    lex_entry *entries;
    size_t n, entries_cap;
    size_t n_words;
    uint32_t *slots;   /* open addressing: 0 = empty, else entry index + 1 */
    size_t n_slots;    /* a power of two, at least twice n */
    char *sorted;
    size_t sorted_len;
    bgi_nbuf scratch;
};

int bgi_lexicon_new(bgi_lexicon **out, bgi_err *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : bgi_err_set(err, BG_ENOMEM, "out of memory");
}

void bgi_lexicon_free(bgi_lexicon *lx)
{
    if (!lx)
        return;
    free(lx->pool);
    free(lx->entries);
    free(lx->slots);
    free(lx->sorted);
    bgi_nbuf_free(&lx->scratch);
    free(lx);
}

/* ---- hash set ------------------------------------------------------------ */

/* The slot holding w, or the empty slot where it would go. */
static size_t find_slot(const bgi_lexicon *lx, const char *w, size_t n)
{
    size_t mask = lx->n_slots - 1;
    size_t i = (size_t)bgi_fnv1a64(BG_FNV_INIT, w, n) & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t s = lx->slots[i];
        if (!s)
            return i;
        const lex_entry *e = &lx->entries[s - 1];
        if (e->len == n && memcmp(lx->pool + e->off, w, n) == 0)
            return i;
    }
}

/* Makes room for at least n_entries entries at a load of at most 1/2. */
static int rehash(bgi_lexicon *lx, size_t n_entries, bgi_err *err)
{
    size_t n_slots = lx->n_slots ? lx->n_slots : 64;
    while (n_slots < n_entries * 2)
        n_slots *= 2;
    if (n_slots == lx->n_slots)
        return 0;
    uint32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return bgi_err_set(err, BG_ENOMEM, "out of memory loading the lexicon");
    free(lx->slots);
    lx->slots = slots;
    lx->n_slots = n_slots;
    for (size_t k = 0; k < lx->n; k++) {
        const lex_entry *e = &lx->entries[k];
        lx->slots[find_slot(lx, lx->pool + e->off, e->len)] = (uint32_t)(k + 1);
    }
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem, bgi_err *err)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 256;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q)
        return bgi_err_set(err, BG_ENOMEM, "out of memory loading the lexicon");
    *p = q;
    *cap = c;
    return 0;
}

/* Adds w[0..n) to the set with flags, or adds flags to its entry. */
static int add_entry(bgi_lexicon *lx, const char *w, size_t n, int flags, bgi_err *err)
{
    size_t slot = lx->n_slots ? find_slot(lx, w, n) : 0;
    if (lx->n_slots && lx->slots[slot]) {
        lex_entry *e = &lx->entries[lx->slots[slot] - 1];
        lx->n_words += (flags & BG_LEX_WORD) && !(e->flags & BG_LEX_WORD);
        e->flags |= flags;
        return 0;
    }
    if (lx->n >= UINT32_MAX - 1)
        return bgi_err_set(err, BG_ETOOBIG, "the lexicon has too many words");
    int rc = grow((void **)&lx->pool, &lx->pool_cap, lx->pool_len + n, 1, err);
    if (rc == 0)
        rc = grow((void **)&lx->entries, &lx->entries_cap, lx->n + 1, sizeof *lx->entries, err);
    if (rc == 0 && (lx->n + 1) * 2 > lx->n_slots) {
        rc = rehash(lx, lx->n + 1, err);
        slot = rc ? 0 : find_slot(lx, w, n);   /* the table moved */
    }
    if (rc)
        return rc;
    memcpy(lx->pool + lx->pool_len, w, n);
    lx->entries[lx->n] = (lex_entry){lx->pool_len, n, flags};
    lx->pool_len += n;
    lx->n++;
    lx->slots[slot] = (uint32_t)lx->n;
    lx->n_words += (flags & BG_LEX_WORD) != 0;
    return 0;
}

/* Adds a word and each of its proper prefixes that ends on a code point. */
static int add_word(bgi_lexicon *lx, const char *w, size_t n, bgi_err *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n;) {
        i += bgi_utf8_decode((const unsigned char *)w, n, i, &(UChar32){0});
        rc = add_entry(lx, w, i, i < n ? BG_LEX_PREFIX : BG_LEX_WORD, err);
    }
    free(lx->sorted);  /* stale until the next bgi_lexicon_finish() */
    lx->sorted = NULL;
    lx->sorted_len = 0;
    return rc;
}

int bgi_lexicon_lookup(const bgi_lexicon *lx, const char *w, size_t n)
{
    if (!lx->n || n > BG_WORD_MAX_BYTES)
        return 0;
    uint32_t s = lx->slots[find_slot(lx, w, n)];
    return s ? lx->entries[s - 1].flags : 0;
}

size_t bgi_lexicon_count(const bgi_lexicon *lx)
{
    return lx->n_words;
}

/* ---- parsing ------------------------------------------------------------- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* A normalised word can only be matched when every code point is indexable:
 * merges join adjacent ICU words, which never include spaces or punctuation. */
static int all_indexable(const char *w, size_t n)
{
    for (size_t i = 0; i < n;) {
        UChar32 c;
        i += bgi_utf8_decode((const unsigned char *)w, n, i, &c);
        if (!(bgi_char_class(c) & BG_CC_INDEX))
            return 0;
    }
    return 1;
}

/* One normalised line b->text[a..z), from line `line` of `name`. */
static int add_line(bgi_lexicon *lx, const char *orig, const bgi_nbuf *b, size_t a, size_t z,
                    const char *name, size_t line, bgi_err *err)
{
    while (a < z && is_space(b->text[a]))
        a++;
    while (z > a && is_space(b->text[z - 1]))
        z--;
    if (a == z || b->text[a] == '#')
        return 0;
    /* Messages quote the line as the user wrote it, not its normalised form. */
    size_t os = b->ostart[a], oe = b->oend[z - 1];
    int shown = oe - os > 120 ? 120 : (int)(oe - os);
    if (z - a > BG_WORD_MAX_BYTES)
        return bgi_err_set(err, BG_EPARSE, "%s:%zu: lexicon word \"%.*s\" is longer than %d bytes",
                          name, line, shown, orig + os, BG_WORD_MAX_BYTES);
    if (!all_indexable(b->text + a, z - a))
        return bgi_err_set(err, BG_EPARSE,
                          "%s:%zu: lexicon word \"%.*s\" contains a space or punctuation "
                          "(one word per line, letters, digits and ideographs only)",
                          name, line, shown, orig + os);
    return add_word(lx, b->text + a, z - a, err);
}

/* Normalises the whole lines text[pos..end) and adds them; *line is the
 * number of the first and is advanced past them. */
static int add_group(bgi_lexicon *lx, bgi_normalizer *nz, const char *text, size_t pos, size_t end,
                     const char *name, size_t *line, bgi_err *err)
{
    bgi_nbuf *b = &lx->scratch;
    b->len = 0;
    int rc = bgi_normalizer_run(nz, text + pos, end - pos, pos, b, err);
    /* NFKC, folding and OpenCC keep every '\n' and never make a new one. */
    for (size_t a = 0; rc == 0 && a < b->len; (*line)++) {
        const char *nl = memchr(b->text + a, '\n', b->len - a);
        size_t z = nl ? (size_t)(nl - b->text) : b->len;
        rc = add_line(lx, text, b, a, z, name, *line, err);
        a = z + 1;
    }
    return rc;
}

/* Each code point of a word adds at most one entry (the word or one of its
 * prefixes), so sizing the table for as many more entries as text has code
 * points spares the rehashes of growing it by doubling. */
static int reserve_for(bgi_lexicon *lx, const char *text, size_t len, bgi_err *err)
{
    size_t cps = 0;
    for (size_t i = 0; i < len; i++)
        cps += ((unsigned char)text[i] & 0xC0) != 0x80;
    return rehash(lx, lx->n + cps, err);
}

int bgi_lexicon_add_text(bgi_lexicon *lx, bgi_normalizer *nz, const char *text, size_t len,
                        const char *name, bgi_err *err)
{
    size_t line = 1, pos = 0;
    int reserved = reserve_for(lx, text, len, err);
    if (reserved)
        return reserved;
    while (pos < len) {
        size_t end = pos;
        size_t line_no = line;
        while (end < len && end - pos < GROUP_BYTES) {
            const char *nl = memchr(text + end, '\n', len - end);
            size_t z = nl ? (size_t)(nl - text) + 1 : len;
            if (z - end > LINE_MAX_BYTES)
                return bgi_err_set(err, BG_EPARSE, "%s:%zu: line longer than %d bytes; "
                                  "a lexicon has one word per line", name, line_no, LINE_MAX_BYTES);
            end = z;
            line_no++;
        }
        int rc = add_group(lx, nz, text, pos, end, name, &line, err);
        if (rc)
            return rc;
        line = line_no;
        pos = end;
    }
    return 0;
}

int bgi_lexicon_add_file(bgi_lexicon *lx, bgi_normalizer *nz, const char *path, bgi_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = bgi_read_file(&text, &len, path, err);
    if (rc)
        return rc;
    rc = bgi_lexicon_add_text(lx, nz, text, len, path, err);
    free(text);
    return rc;
}

/* ---- the sorted list ----------------------------------------------------- */

typedef struct word_ref {
    const char *p;
    size_t len;
} word_ref;

static int cmp_words(const void *x, const void *y)
{
    const word_ref *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

int bgi_lexicon_finish(bgi_lexicon *lx, bgi_err *err)
{
    word_ref *order = malloc((lx->n_words ? lx->n_words : 1) * sizeof *order);
    char *text = malloc(lx->pool_len + lx->n + 1);
    if (!order || !text) {
        free(order);
        free(text);
        return bgi_err_set(err, BG_ENOMEM, "out of memory loading the lexicon");
    }
    size_t n = 0;
    for (size_t k = 0; k < lx->n; k++)
        if (lx->entries[k].flags & BG_LEX_WORD)
            order[n++] = (word_ref){lx->pool + lx->entries[k].off, lx->entries[k].len};
    qsort(order, n, sizeof *order, cmp_words);
    size_t len = 0;
    for (size_t k = 0; k < n; k++) {
        memcpy(text + len, order[k].p, order[k].len);
        len += order[k].len;
        text[len++] = '\n';
    }
    text[len] = '\0';
    free(order);
    free(lx->sorted);
    lx->sorted = text;
    lx->sorted_len = len;
    return 0;
}

const char *bgi_lexicon_text(const bgi_lexicon *lx, size_t *len)
{
    if (len)
        *len = lx->sorted ? lx->sorted_len : 0;
    return lx->sorted ? lx->sorted : "";
}
