/* normalize.c — the normaliser: original UTF-8 → normalised UTF-8 plus a map
 * from every output byte back to the original bytes that produced it.
 *
 * Two stages over one piece of text:
 *   1. per normalisation unit (a code point and the combining marks that may
 *      compose with it): ICU NFKC_Casefold, then the punctuation table;
 *   2. OpenCC t2s over the runs of CJK text that need it, mapped back code
 *      point by code point.
 * NFKC_Casefold is NFKC followed by full case folding (closed under both) and
 * also drops default-ignorable characters (BOM, zero-width space, variation
 * selectors), which otherwise split or disguise words pasted from the web. */
#include "normalize.h"
#include "baogao.h"

#include <opencc/opencc.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

#include <stdlib.h>
#include <string.h>

/* A stream-safe limit (UAX #15): a unit never holds more than this many
 * non-starters, so a pathological run of combining marks costs linear time. */
#define MAX_MARKS 30
#define UNIT_U16_MAX (2 * (MAX_MARKS + 1))

/* Cache of single code points that miss the fast path (CJK punctuation,
 * full-width forms): each costs an ICU call otherwise. Direct-mapped. */
#define CACHE_SIZE 512
#define CACHE_BYTES 11

typedef struct cache_entry {
    UChar32 cp;                 /* -1 when empty */
    unsigned char len;
    char out[CACHE_BYTES];
} cache_entry;

struct bgi_normalizer {
    const UNormalizer2 *nfkc_cf;   /* owned by ICU */
    opencc_t cc;
    bgi_nbuf stage;                 /* output of stage 1, input of stage 2 */
    UChar *n16;                    /* NFKC_Casefold output of one unit */
    int32_t n16_cap;
    cache_entry cache[CACHE_SIZE];
};

/* ---- growable buffer ----------------------------------------------------- */

int bgi_nbuf_reserve(bgi_nbuf *b, size_t extra, bgi_err *err)
{
    if (b->text && b->cap - b->len >= extra)
        return 0;
    size_t cap = b->cap ? b->cap * 2 : 256;
    if (cap < b->len + extra)
        cap = b->len + extra;
    char *t = realloc(b->text, cap + 1);
    if (t)
        b->text = t;
    size_t *s = realloc(b->ostart, cap * sizeof *s);
    if (s)
        b->ostart = s;
    size_t *e = realloc(b->oend, cap * sizeof *e);
    if (e)
        b->oend = e;
    if (!t || !s || !e)
        return bgi_err_set(err, BG_ENOMEM, "out of memory normalising text");
    b->cap = cap;
    return 0;
}

void bgi_nbuf_free(bgi_nbuf *b)
{
    free(b->text);
    free(b->ostart);
    free(b->oend);
    memset(b, 0, sizeof *b);
}

/* Appends p[0..k), every byte produced by original bytes [os, oe). The caller
 * has reserved room. */
static inline void put(bgi_nbuf *b, const char *p, size_t k, size_t os, size_t oe)
{
    for (size_t i = 0; i < k; i++) {
        b->text[b->len] = p[i];
        b->ostart[b->len] = os;
        b->oend[b->len] = oe;
        b->len++;
    }
}

static int put_checked(bgi_nbuf *b, const char *p, size_t k, size_t os, size_t oe, bgi_err *err)
{
    int rc = bgi_nbuf_reserve(b, k, err);
    if (rc == 0)
        put(b, p, k, os, oe);
    return rc;
}

/* Appends src bytes [a, z) with their maps. */
static int copy_span(bgi_nbuf *out, const bgi_nbuf *src, size_t a, size_t z, bgi_err *err)
{
    int rc = bgi_nbuf_reserve(out, z - a, err);
    if (rc)
        return rc;
    memcpy(out->text + out->len, src->text + a, z - a);
    memcpy(out->ostart + out->len, src->ostart + a, (z - a) * sizeof *src->ostart);
    memcpy(out->oend + out->len, src->oend + a, (z - a) * sizeof *src->oend);
    out->len += z - a;
    return 0;
}

/* ---- pieces of a long text --------------------------------------------- */

size_t bgi_chunk_end(const char *text, size_t len, size_t pos, size_t target)
{
    if (len - pos <= target)
        return len;
    const unsigned char *t = (const unsigned char *)text;
    size_t end = pos + target, lo = pos + target / 2;
    for (size_t i = end; i > lo; i--)
        if (t[i - 1] == '\n')
            return i;
    for (size_t i = end; i > lo; i--) {
        int ideo_stop = i - lo >= 3 && t[i - 3] == 0xE3 && t[i - 2] == 0x80 && t[i - 1] == 0x82;
        if (t[i - 1] == ' ' || t[i - 1] == '\t' || ideo_stop)
            return i;
    }
    /* Back up over at most three continuation bytes: a valid sequence is
     * never cut, and longer runs are invalid bytes anyway. */
    size_t i = end;
    for (int k = 0; k < 3 && i > pos + 1 && (t[i] & 0xC0) == 0x80; k++)
        i--;
    return i;
}

/* ---- life cycle ---------------------------------------------------------- */

int bgi_normalizer_new(bgi_normalizer **out, bgi_err *err)
{
    *out = NULL;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st))
        return bgi_err_set(err, BG_EIO, "cannot load ICU normalisation data: %s", u_errorName(st));
    bgi_normalizer *nz = calloc(1, sizeof *nz);
    if (!nz)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    nz->nfkc_cf = nfkc_cf;
    for (size_t i = 0; i < CACHE_SIZE; i++)
        nz->cache[i].cp = -1;
    /* OpenCC's dictionaries take milliseconds to load and most text (and most
     * queries) hold no traditional character: they load on first need. */
    *out = nz;
    return 0;
}

void bgi_normalizer_free(bgi_normalizer *nz)
{
    if (!nz)
        return;
    if (nz->cc)
        opencc_close(nz->cc);
    bgi_nbuf_free(&nz->stage);
    free(nz->n16);
    free(nz);
}

/* ---- stage 1: NFKC_Casefold and punctuation ------------------------------ */

/* The common Han block: NFKC_Casefold leaves it alone and none of it composes
 * with a following mark, so (with ASCII) nearly every byte of a Chinese report
 * takes the fast path without asking ICU. */
static inline int is_han_common(UChar32 c)
{
    return c >= 0x4E00 && c <= 0x9FFF;
}

/* Whether c begins a new normalisation unit (nothing before it can change
 * with it). Below U+00A0 always, and no Han ideograph composes with anything;
 * U+00AD (soft hyphen) is the exception below U+0300 that ICU must judge. */
static inline int starts_unit(const bgi_normalizer *nz, UChar32 c)
{
    if (c < 0xA0 || is_han_common(c))
        return 1;
    return unorm2_hasBoundaryBefore(nz->nfkc_cf, c);
}

/* NFKC_Casefold of src[0..n) into nz->n16; returns its length or < 0. */
static int32_t nfkc_casefold(bgi_normalizer *nz, const UChar *src, int32_t n, bgi_err *err)
{
    for (;;) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t k = unorm2_normalize(nz->nfkc_cf, src, n, nz->n16, nz->n16_cap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            UChar *p = realloc(nz->n16, (size_t)(k + 16) * sizeof *p);
            if (!p)
                return bgi_err_set(err, BG_ENOMEM, "out of memory normalising text");
            nz->n16 = p;
            nz->n16_cap = k + 16;
            continue;
        }
        if (U_FAILURE(st))
            return bgi_err_set(err, BG_EINVAL, "Unicode normalisation failed: %s", u_errorName(st));
        return k;
    }
}

/* Normalises one unit (already in UTF-16) and appends it, every byte mapped
 * to the whole unit [os, oe). */
static int emit_unit16(bgi_normalizer *nz, const UChar *u, int32_t n, size_t os, size_t oe, bgi_err *err)
{
    int32_t k = nfkc_casefold(nz, u, n, err);
    if (k < 0)
        return k;
    for (int32_t i = 0; i < k;) {
        UChar32 c;
        U16_NEXT(nz->n16, i, k, c);
        if (U_IS_SURROGATE(c))
            c = 0xFFFD;
        const char *canon = bgi_punct_canonical(c);
        char enc[4];
        const char *p = canon ? canon : enc;
        size_t len = canon ? strlen(canon) : bgi_utf8_encode(c, enc);
        int rc = put_checked(&nz->stage, p, len, os, oe, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* A unit of one code point outside the fast path, through the cache. */
static int emit_single(bgi_normalizer *nz, UChar32 c, size_t os, size_t oe, bgi_err *err)
{
    cache_entry *ce = &nz->cache[(uint32_t)c % CACHE_SIZE];
    if (ce->cp == c)
        return put_checked(&nz->stage, ce->out, ce->len, os, oe, err);
    UChar u[2];
    int32_t n = 0;
    U16_APPEND_UNSAFE(u, n, c);
    size_t before = nz->stage.len;
    int rc = emit_unit16(nz, u, n, os, oe, err);
    size_t made = nz->stage.len - before;
    if (rc == 0 && made <= CACHE_BYTES) {
        ce->cp = c;
        ce->len = (unsigned char)made;
        memcpy(ce->out, nz->stage.text + before, made);
    }
    return rc;
}

/* A unit of a starter and the marks that follow it: s[0..k) in the input. */
static int emit_multi(bgi_normalizer *nz, const unsigned char *s, size_t k, size_t os, bgi_err *err)
{
    UChar u[UNIT_U16_MAX];
    int32_t n = 0;
    for (size_t i = 0; i < k;) {
        UChar32 c;
        i += bgi_utf8_decode(s, k, i, &c);
        U16_APPEND_UNSAFE(u, n, c);
    }
    return emit_unit16(nz, u, n, os, os + k, err);
}

static int emit_cp(bgi_normalizer *nz, UChar32 c, const unsigned char *s, size_t k, size_t os, bgi_err *err)
{
    bgi_nbuf *b = &nz->stage;
    if (c < 0x80 || is_han_common(c)) {
        int rc = bgi_nbuf_reserve(b, k, err);
        if (rc)
            return rc;
        char lower = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        put(b, c < 0x80 ? &lower : (const char *)s, k, os, os + k);
        return 0;
    }
    return emit_single(nz, c, os, os + k, err);
}

static int stage1(bgi_normalizer *nz, const unsigned char *s, size_t n, size_t base, bgi_err *err)
{
    nz->stage.len = 0;
    int rc = bgi_nbuf_reserve(&nz->stage, n + 16, err);
    UChar32 c = 0;
    size_t i = 0, cl = n ? bgi_utf8_decode(s, n, 0, &c) : 0;
    while (rc == 0 && i < n) {
        /* Look ahead for marks that belong to this unit; the first code point
         * that starts a new unit is carried over to the next iteration. */
        UChar32 d = 0;
        size_t j = i + cl, dl = 0, marks = 0;
        while (j < n) {
            dl = bgi_utf8_decode(s, n, j, &d);
            if (marks == MAX_MARKS || starts_unit(nz, d))
                break;
            j += dl;
            marks++;
        }
        rc = marks ? emit_multi(nz, s + i, j - i, base + i, err)
                   : emit_cp(nz, c, s + i, cl, base + i, err);
        i = j;
        c = d;
        cl = dl;
    }
    return rc;
}

/* ---- stage 2: traditional → simplified ----------------------------------- */

static size_t count_cps(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; count++)
        i += bgi_utf8_decode((const unsigned char *)s, n, i, &(UChar32){0});
    return count;
}

/* Appends conv[0..cl), which has as many code points as stage bytes [a, z):
 * output code point i takes the original range of input code point i. */
static int put_aligned(bgi_nbuf *out, const bgi_nbuf *st, size_t a, const char *conv, size_t cl, bgi_err *err)
{
    int rc = bgi_nbuf_reserve(out, cl, err);
    UChar32 c;
    for (size_t op = 0, ip = a; rc == 0 && op < cl;) {
        size_t ol = bgi_utf8_decode((const unsigned char *)conv, cl, op, &c);
        size_t il = bgi_utf8_decode((const unsigned char *)st->text, st->len, ip, &c);
        put(out, conv + op, ol, st->ostart[ip], st->oend[ip]);
        op += ol;
        ip += il;
    }
    return rc;
}

/* Opens OpenCC's t2s converter the first time a text needs it. */
static int ensure_opencc(bgi_normalizer *nz, bgi_err *err)
{
    if (nz->cc)
        return 0;
    opencc_t cc = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    /* OpenCC reports failure as (opencc_t)-1, not NULL. */
    if (cc == (opencc_t)-1 || !cc) {
        const char *why = opencc_error();
        return bgi_err_set(err, BG_EIO, "cannot load OpenCC configuration %s: %s",
                          OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP, why ? why : "unknown error");
    }
    nz->cc = cc;
    return 0;
}

/* Converts stage bytes [a, z) one code point at a time: exact offsets even
 * where OpenCC changes the length of a phrase. */
static int convert_each(bgi_normalizer *nz, bgi_nbuf *out, size_t a, size_t z, bgi_err *err)
{
    const bgi_nbuf *st = &nz->stage;
    int rc = ensure_opencc(nz, err);
    for (size_t i = a; rc == 0 && i < z;) {
        UChar32 c;
        size_t k = bgi_utf8_decode((const unsigned char *)st->text, z, i, &c);
        char *conv = c >= 0x3000 ? opencc_convert_utf8(nz->cc, st->text + i, k) : NULL;
        if (conv && *conv)
            rc = put_checked(out, conv, strlen(conv), st->ostart[i], st->oend[i], err);
        else
            rc = copy_span(out, st, i, i + k, err);
        if (conv)
            opencc_convert_utf8_free(conv);
        i += k;
    }
    return rc;
}

/* convert_span() appended nothing because OpenCC changed the length. */
#define NOT_ALIGNED 1

/* Converts stage bytes [a, z) as one piece (phrase-level conversion) when
 * OpenCC keeps its length in code points, the usual case; else returns
 * NOT_ALIGNED. */
static int convert_span(bgi_normalizer *nz, bgi_nbuf *out, size_t a, size_t z, bgi_err *err)
{
    const bgi_nbuf *st = &nz->stage;
    int rc = ensure_opencc(nz, err);
    if (rc)
        return rc;
    char *conv = opencc_convert_utf8(nz->cc, st->text + a, z - a);
    size_t cl = conv ? strlen(conv) : 0;
    if (conv && cl == z - a && memcmp(conv, st->text + a, cl) == 0)
        rc = copy_span(out, st, a, z, err);
    else if (conv && count_cps(conv, cl) == count_cps(st->text + a, z - a))
        rc = put_aligned(out, st, a, conv, cl, err);
    else
        rc = NOT_ALIGNED;
    if (conv)
        opencc_convert_utf8_free(conv);
    return rc;
}

/* Converts the stage into out. OpenCC phrases consist of CJK characters only
 * (U+3000 and up), so a code point below U+3000 (ASCII, and after NFKC the
 * common Chinese punctuation) ends every phrase: converting each run between
 * such code points on its own gives exactly what converting the whole text
 * would, and runs without a character t2s could change are copied as they are.
 * This keeps OpenCC, the slowest step, off nearly all simplified text. */
static int stage2(bgi_normalizer *nz, bgi_nbuf *out, bgi_err *err)
{
    const bgi_nbuf *st = &nz->stage;
    const unsigned char *t = (const unsigned char *)st->text;
    size_t done = 0;   /* stage bytes [0, done) are in out */
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < st->len;) {
        if (t[i] < 0xE3) {
            i++;
            continue;
        }
        size_t run = i;
        int convert = 0;
        while (i < st->len && t[i] >= 0xE3) {
            UChar32 c;
            i += bgi_utf8_decode(t, st->len, i, &c);
            convert |= bgi_t2s_may_change(c);
        }
        if (!convert)
            continue;
        rc = copy_span(out, st, done, run, err);
        if (rc == 0 && (rc = convert_span(nz, out, run, i, err)) == NOT_ALIGNED)
            rc = convert_each(nz, out, run, i, err);
        done = i;
    }
    return rc ? rc : copy_span(out, st, done, st->len, err);
}

int bgi_normalizer_run(bgi_normalizer *nz, const char *text, size_t len, size_t base,
                      bgi_nbuf *out, bgi_err *err)
{
    int rc = stage1(nz, (const unsigned char *)text, len, base, err);
    if (rc == 0)
        rc = stage2(nz, out, err);
    if (rc == 0)
        rc = bgi_nbuf_reserve(out, 0, err);
    if (rc == 0)
        out->text[out->len] = '\0';
    return rc;
}
