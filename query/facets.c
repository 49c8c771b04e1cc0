/* facets.c — a match with exact year and body facets, read cheaply.
 *
 * Exact facets mean a match spy sees every matching passage, and a spy pays
 * per passage for reading the value and counting it — a heap-allocated
 * string for a body name longer than 15 bytes. With two spies (year, body)
 * that was over a quarter of a common query's time at 100× the corpus.
 * Passages of format 3 also hold both in one short value (BG_SLOT_FACETS:
 * the year's 4 digits and a 60-bit hash of the body in 10 characters, which
 * fits a string without allocation), so one spy counts the pairs; the pairs
 * are summed into the two facets here, the body names found again from the
 * index's XB<body> terms. A passage without such a value (indexed before
 * format 3), or a hash no XB term gives back (a body over 200 bytes, whose
 * term is cut), makes the search count the old way, so the facets stay
 * exact. */
#include "scheme.h"
#include "search_priv.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned combined_slot[1] = {BG_SLOT_FACETS};
static const unsigned separate_slots[3] = {BG_SLOT_YEAR, BG_SLOT_BODY, BG_SLOT_DOCKIND};

static int by_value(const void *a, const void *b)
{
    return strcmp(((const bgx_facet *)a)->value, ((const bgx_facet *)b)->value);
}

/* Sorts f[0..*n) by value and sums the counts of equal values. */
static void merge_equal(bgx_facet *f, size_t *n)
{
    if (*n == 0)
        return;
    qsort(f, *n, sizeof *f, by_value);
    size_t k = 0;
    for (size_t i = 1; i < *n; i++) {
        if (strcmp(f[i].value, f[k].value) == 0) {
            f[k].count += f[i].count;
            free(f[i].value);
        } else {
            f[++k] = f[i];
        }
    }
    *n = k + 1;
}

/* ---- body names by hash -------------------------------------------------- */

/* A facet key is the year (4), the body's hash (10) and the kind (1). */
#define BODY_HASH_LEN 10

struct bgi_body_names {
    size_t n, cap;
    char (*key)[BODY_HASH_LEN + 1];  /* bgi_facet_key() of the body: its hash part */
    char **name;
};

static void body_names_free(void *data)
{
    struct bgi_body_names *b = data;
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        free(b->name[i]);
    free(b->key);
    free(b->name);
    free(b);
}

static int add_body(void *ctx, const char *term, size_t len)
{
    struct bgi_body_names *b = ctx;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        void *k = realloc(b->key, cap * sizeof *b->key), *nm = k ? realloc(b->name, cap * sizeof *b->name) : NULL;
        if (k)
            b->key = k;
        if (!nm)
            return BG_ENOMEM;
        b->name = nm;
        b->cap = cap;
    }
    size_t pl = strlen(BG_PREFIX_BODY);
    char *name = bgi_strndup(term + pl, len - pl);
    if (!name)
        return BG_ENOMEM;
    char key[BG_FACET_KEY_LEN + 1];
    bgi_facet_key(key, "0000", name, "");
    memcpy(b->key[b->n], key + 4, sizeof b->key[b->n]);
    b->name[b->n++] = name;
    return 0;
}

/* The table of ix's body names, read again when the reader may have changed. */
static int load_body_names(bg_index *ix)
{
    uint64_t gen = bgx_reader_generation(ix->reader);
    if (ix->body_names.data && ix->body_names_serial == ix->reader_serial && ix->body_names_generation == gen)
        return 0;
    body_names_free(ix->body_names.data);
    struct bgi_body_names *names = calloc(1, sizeof *names);
    ix->body_names = (bgi_ix_attachment){names, body_names_free};
    if (!names)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    /* A passage with no body has no XB term: the empty name is always known. */
    int rc = add_body(names, BG_PREFIX_BODY, strlen(BG_PREFIX_BODY));
    if (rc == 0)
        rc = bgx_reader_foreach_term(ix->reader, BG_PREFIX_BODY, add_body, names, &ix->err);
    if (rc == BG_ENOMEM)
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc) {
        body_names_free(names);
        ix->body_names.data = NULL;
        return rc;
    }
    ix->body_names_serial = ix->reader_serial;
    ix->body_names_generation = gen;
    return 0;
}

static const char *body_name(const struct bgi_body_names *b, const char *key)
{
    for (size_t i = 0; i < b->n; i++)
        if (memcmp(b->key[i], key, BODY_HASH_LEN) == 0)
            return b->name[i];
    return NULL;
}

/* ---- splitting the pairs ------------------------------------------------- */

static void free_facets(bgx_facet *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++)
        free(f[i].value);
    free(f);
}

/* Replaces m's one facet of keys by its year facet (facets[0]), body facet
 * (facets[1]) and kind-of-document facet (facets[2]). 1 when some match has
 * no key, a format 3 key (no kind), a body hash no XB term gives back or a
 * kind the key cannot name (see the top of the file): the spy skips a
 * missing value, so then the keys count fewer passages than matched, and the
 * caller counts the slots instead. 0 done, BG_ENOMEM. */
static int split_keys(bgx_match *m, const struct bgi_body_names *names)
{
    size_t n = m->n_facets[0], counted = 0;
    bgx_facet *keys = m->facets[0];
    for (size_t i = 0; i < n; i++) {
        const char *k = keys[i].value;
        if (strlen(k) != BG_FACET_KEY_LEN || !body_name(names, k + 4) || !bgi_dockind_name(k[4 + BODY_HASH_LEN]))
            return 1;
        counted += keys[i].count;
    }
    /* Estimated facets are scaled: what the spy skipped is counted apart. */
    if (m->facets_exact ? counted != m->total : m->unvalued[0] != 0)
        return 1;
    bgx_facet *out[3];
    size_t nf[3] = {0, 0, 0};
    int rc = 0;
    for (int f = 0; f < 3; f++)
        if (!(out[f] = calloc(n ? n : 1, sizeof *out[f])))
            rc = BG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *k = keys[i].value;
        char *v[3] = {bgi_strndup(k, 4), bgi_strdup(body_name(names, k + 4)),
                      bgi_strdup(bgi_dockind_name(k[4 + BODY_HASH_LEN]))};
        for (int f = 0; f < 3; f++) {
            if (v[f])
                out[f][nf[f]++] = (bgx_facet){v[f], keys[i].count};
            else
                rc = BG_ENOMEM;
        }
    }
    for (int f = 0; f < 3; f++) {
        if (rc) {
            free_facets(out[f], nf[f]);
            continue;
        }
        merge_equal(out[f], &nf[f]);
    }
    if (rc)
        return rc;
    free_facets(keys, n);
    for (int f = 0; f < 3; f++) {
        m->facets[f] = out[f];
        m->n_facets[f] = nf[f];
    }
    return 0;
}

/* Passages indexed before the kind of document existed have no slot 5: the
 * spy skips them, and they count as "" (no kind), which they are. */
static int count_unkinded(bgx_match *m)
{
    size_t counted = 0, blank = SIZE_MAX;
    for (size_t i = 0; i < m->n_facets[2]; i++) {
        counted += m->facets[2][i].count;
        if (m->facets[2][i].value[0] == '\0')
            blank = i;
    }
    size_t missing = m->facets_exact ? (counted < m->total ? m->total - counted : 0) : m->unvalued[2];
    if (missing == 0)
        return 0;
    if (blank != SIZE_MAX) {
        m->facets[2][blank].count += missing;
        return 0;
    }
    bgx_facet *f = realloc(m->facets[2], (m->n_facets[2] + 1) * sizeof *f);
    char *empty = f ? bgi_strdup("") : NULL;
    if (f)
        m->facets[2] = f;
    if (!empty)
        return BG_ENOMEM;
    /* "" sorts first */
    memmove(f + 1, f, m->n_facets[2] * sizeof *f);
    f[0] = (bgx_facet){empty, missing};
    m->n_facets[2]++;
    return 0;
}

/* ---- every year with a match ----------------------------------------------- */

static int add_year_term(void *ctx, const char *term, size_t len)
{
    char year[BG_TERM_MAX];
    size_t pl = strlen(BG_PREFIX_YEAR);
    snprintf(year, sizeof year, "%.*s", (int)(len - pl), term + pl);
    return bgi_names_push(ctx, year);
}

static int has_year(const bgx_match *m, const char *year)
{
    for (size_t i = 0; i < m->n_facets[0]; i++)
        if (strcmp(m->facets[0][i].value, year) == 0)
            return 1;
    return 0;
}

/* The sampled facets may have missed a year that a shard of several years
 * holds (a remote server combining years): each year of the index that is
 * not listed is looked for on its own (the query within that year, the
 * first match found ends it), and listed with Xapian's estimate when found.
 * A year shard never needs this: its sample lists its year when it has a
 * match. */
static int complete_years(bgx_match *m, bg_index *ix, const bgx_query *q)
{
    bg_names years = {0};
    int rc = bgx_reader_foreach_term(ix->reader, BG_PREFIX_YEAR, add_year_term, &years, &ix->err);
    if (rc == BG_ENOMEM)
        rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    const bgx_count first = {1, NULL};
    for (size_t i = 0; rc == 0 && i < years.n; i++) {
        if (has_year(m, years.v[i]))
            continue;
        char term[BG_TERM_MAX];
        bgx_query *pair[2] = {(bgx_query *)q, bgx_query_term(term, bgi_term_year(term, atoi(years.v[i])), 1, 0)};
        bgx_query *fq = pair[1] ? bgx_query_combine(BGX_OP_FILTER, pair, 2, 0) : NULL;
        bgx_query_free(pair[1]);
        bgx_match e = {0};
        rc = fq ? bgx_search_counted(&e, ix->reader, fq, 0, 1, &first, NULL, 0, &ix->err)
                : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        bgx_query_free(fq);
        if (rc == 0 && e.n_hits) {
            bgx_facet *f = realloc(m->facets[0], (m->n_facets[0] + 1) * sizeof *f);
            char *v = f ? bgi_strdup(years.v[i]) : NULL;
            if (f)
                m->facets[0] = f;
            if (v)
                f[m->n_facets[0]++] = (bgx_facet){v, (uint32_t)(e.total ? e.total : 1)};
            else
                rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
        }
        bgx_match_clear(&e);
    }
    bgi_names_clear(&years);
    if (rc == 0)
        merge_equal(m->facets[0], &m->n_facets[0]);
    m->partitions_complete = rc == 0;
    return rc;
}

int bgi_search_match(bgx_match *m, bg_index *ix, const bgx_query *q, size_t offset, size_t limit, size_t per_year,
                     size_t bound)
{
    const bgx_count count = {bound, BG_PREFIX_YEAR};
    int rc = per_year ? bgx_search_collapsed(m, ix->reader, q, limit, BG_SLOT_YEAR, per_year, &count, combined_slot,
                                             1, &ix->err)
                      : bgx_search_counted(m, ix->reader, q, offset, limit, &count, combined_slot, 1, &ix->err);
    if (rc == 0)
        rc = load_body_names(ix);
    if (rc)
        return rc;
    rc = split_keys(m, ix->body_names.data);
    if (rc == BG_ENOMEM)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc) {
        bgx_match_clear(m);
        rc = per_year ? bgx_search_collapsed(m, ix->reader, q, limit, BG_SLOT_YEAR, per_year, &count,
                                             separate_slots, 3, &ix->err)
                      : bgx_search_counted(m, ix->reader, q, offset, limit, &count, separate_slots, 3, &ix->err);
        if (rc == 0 && count_unkinded(m))
            rc = bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    }
    if (rc == 0 && !m->partitions_complete)
        rc = complete_years(m, ix, q);
    return rc;
}
