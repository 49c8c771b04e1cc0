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

#include <stdlib.h>
#include <string.h>

static const unsigned combined_slot[1] = {BG_SLOT_FACETS};
static const unsigned separate_slots[2] = {BG_SLOT_YEAR, BG_SLOT_BODY};

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

struct bg_body_names {
    size_t n, cap;
    char (*key)[BG_FACET_KEY_LEN - 4 + 1];  /* bg_facet_key() of the body, without the year */
    char **name;
};

static void body_names_free(void *data)
{
    struct bg_body_names *b = data;
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
    struct bg_body_names *b = ctx;
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
    char *name = bg_strndup(term + pl, len - pl);
    if (!name)
        return BG_ENOMEM;
    char key[BG_FACET_KEY_LEN + 1];
    bg_facet_key(key, "0000", name);
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
    struct bg_body_names *names = calloc(1, sizeof *names);
    ix->body_names = (bg_ix_attachment){names, body_names_free};
    if (!names)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    /* A passage with no body has no XB term: the empty name is always known. */
    int rc = add_body(names, BG_PREFIX_BODY, strlen(BG_PREFIX_BODY));
    if (rc == 0)
        rc = bgx_reader_foreach_term(ix->reader, BG_PREFIX_BODY, add_body, names, &ix->err);
    if (rc == BG_ENOMEM)
        rc = bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc) {
        body_names_free(names);
        ix->body_names.data = NULL;
        return rc;
    }
    ix->body_names_serial = ix->reader_serial;
    ix->body_names_generation = gen;
    return 0;
}

static const char *body_name(const struct bg_body_names *b, const char *key)
{
    for (size_t i = 0; i < b->n; i++)
        if (memcmp(b->key[i], key, BG_FACET_KEY_LEN - 4) == 0)
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

/* Replaces m's one facet of pairs by its year facet (facets[0]) and body
 * facet (facets[1]). 1 when some match has no pair, or a pair whose body is
 * unknown (see the top of the file): the spy skips a missing value, so then
 * the pairs count fewer passages than matched. 0 done, BG_ENOMEM. */
static int split_pairs(bgx_match *m, const struct bg_body_names *names)
{
    size_t n = m->n_facets[0], counted = 0;
    bgx_facet *pairs = m->facets[0];
    for (size_t i = 0; i < n; i++) {
        if (strlen(pairs[i].value) != BG_FACET_KEY_LEN || !body_name(names, pairs[i].value + 4))
            return 1;
        counted += pairs[i].count;
    }
    if (counted != m->total)
        return 1;
    bgx_facet *years = calloc(n ? n : 1, sizeof *years), *bodies = calloc(n ? n : 1, sizeof *bodies);
    size_t ny = 0, nb = 0;
    int rc = years && bodies ? 0 : BG_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char *year = bg_strndup(pairs[i].value, 4);
        char *body = bg_strdup(body_name(names, pairs[i].value + 4));
        if (year)
            years[ny++] = (bgx_facet){year, pairs[i].count};
        if (body)
            bodies[nb++] = (bgx_facet){body, pairs[i].count};
        if (!year || !body)
            rc = BG_ENOMEM;
    }
    if (rc) {
        free_facets(years, ny);
        free_facets(bodies, nb);
        return rc;
    }
    merge_equal(years, &ny);
    merge_equal(bodies, &nb);
    free_facets(pairs, n);
    m->facets[0] = years;
    m->n_facets[0] = ny;
    m->facets[1] = bodies;
    m->n_facets[1] = nb;
    return 0;
}

int bg_search_match(bgx_match *m, bg_index *ix, const bgx_query *q, size_t offset, size_t limit, size_t per_year)
{
    int rc = per_year ? bgx_search_collapsed(m, ix->reader, q, limit, BG_SLOT_YEAR, per_year, combined_slot, 1,
                                             &ix->err)
                      : bgx_search(m, ix->reader, q, offset, limit, combined_slot, 1, &ix->err);
    if (rc == 0)
        rc = load_body_names(ix);
    if (rc)
        return rc;
    rc = split_pairs(m, ix->body_names.data);
    if (rc == BG_ENOMEM)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        return 0;
    bgx_match_clear(m);
    return per_year ? bgx_search_collapsed(m, ix->reader, q, limit, BG_SLOT_YEAR, per_year, separate_slots, 2,
                                           &ix->err)
                    : bgx_search(m, ix->reader, q, offset, limit, separate_slots, 2, &ix->err);
}
