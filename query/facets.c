/* facets.c — a match with exact year and body facets, read cheaply.
 *
 * Exact facets mean a match spy sees every matching passage, and each value
 * a spy counts is a value read plus a count kept per value: with two spies
 * (year, body) that was over a quarter of a common query's time at 100× the
 * corpus. Passages indexed with format 3 also hold both in one value
 * (BG_SLOT_FACETS, "2022\x1f国务院"), so one spy counts the pairs and the
 * pairs are summed into the two facets here. A passage indexed before that
 * has no such value; when one matches, the match runs again with the two
 * spies, so the counts stay exact during an upgrade. */
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

/* Replaces m's one facet of pairs by its year facet (facets[0]) and body
 * facet (facets[1]). 1 when some match has no pair (a passage of an older
 * format: the spy skips a missing value, so the pairs count fewer passages
 * than matched), 0 done, BG_ENOMEM. */
static int split_pairs(bgx_match *m)
{
    size_t n = m->n_facets[0], counted = 0;
    bgx_facet *pairs = m->facets[0];
    for (size_t i = 0; i < n; i++) {
        if (!strchr(pairs[i].value, '\x1f'))
            return 1;
        counted += pairs[i].count;
    }
    if (counted != m->total)
        return 1;
    bgx_facet *years = calloc(n ? n : 1, sizeof *years), *bodies = calloc(n ? n : 1, sizeof *bodies);
    int rc = years && bodies ? 0 : BG_ENOMEM;
    size_t ny = 0, nb = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *sep = strchr(pairs[i].value, '\x1f');
        char *year = bg_strndup(pairs[i].value, (size_t)(sep - pairs[i].value));
        char *body = bg_strdup(sep + 1);
        if (!year || !body) {
            free(year);
            free(body);
            rc = BG_ENOMEM;
            break;
        }
        years[ny++] = (bgx_facet){year, pairs[i].count};
        bodies[nb++] = (bgx_facet){body, pairs[i].count};
    }
    if (rc) {
        for (size_t i = 0; i < ny; i++)
            free(years[i].value);
        for (size_t i = 0; i < nb; i++)
            free(bodies[i].value);
        free(years);
        free(bodies);
        return rc;
    }
    merge_equal(years, &ny);
    merge_equal(bodies, &nb);
    for (size_t i = 0; i < n; i++)
        free(pairs[i].value);
    free(pairs);
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
    if (rc)
        return rc;
    rc = split_pairs(m);
    if (rc == BG_ENOMEM)
        return bg_err_set(&ix->err, BG_ENOMEM, "out of memory");
    if (rc == 0)
        return 0;
    bgx_match_clear(m);
    return per_year ? bgx_search_collapsed(m, ix->reader, q, limit, BG_SLOT_YEAR, per_year, separate_slots, 2,
                                           &ix->err)
                    : bgx_search(m, ix->reader, q, offset, limit, separate_slots, 2, &ix->err);
}
