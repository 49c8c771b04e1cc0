/* context.c — bg_passage_context: a passage with the passages around it in
 * its report, in the report's order (baogao-query --show, /api/passage).
 * A passage's id is its file's id and its ordinal in the file, so the
 * neighbours are the Q terms of the ordinals around it: one search, whatever
 * the size of the index. */
#include "scheme.h"
#include "search_priv.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static unsigned long ordinal_of(const char *id)
{
    const char *colon = strrchr(id, ':');
    return colon ? strtoul(colon + 1, NULL, 10) : 0;
}

static int by_ordinal(const void *a, const void *b)
{
    unsigned long x = ordinal_of(((const bg_hit *)a)->id), y = ordinal_of(((const bg_hit *)b)->id);
    return (x > y) - (x < y);
}

/* The Q terms of the ordinals [first, last] of the file of id term. */
static bgx_query *neighbours(const char *term, unsigned long first, unsigned long last)
{
    char file_id[17] = "";
    const char *id = term + strlen(BG_PREFIX_ID);
    if (strlen(id) > 16 && id[16] == ':')
        memcpy(file_id, id, 16);
    size_t n = (size_t)(last - first + 1);
    bgx_query **subs = file_id[0] ? calloc(n, sizeof *subs) : NULL;
    int ok = subs != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        char pid[BG_PASSAGE_ID_MAX], t[BG_TERM_MAX];
        bgi_passage_id(pid, file_id, first + i);
        size_t len = bgi_term_passage(t, pid);
        ok = (subs[i] = bgx_query_term(t, len, 1, 0)) != NULL;
    }
    bgx_query *q = ok ? bgx_query_combine(BGX_OP_OR, subs, n, 0) : NULL;
    for (size_t i = 0; subs && i < n; i++)
        bgx_query_free(subs[i]);
    free(subs);
    return q;
}

static int run(bg_results *res, bg_index *ix, const char *ref, size_t context)
{
    int rc = bgi_ix_refresh_reader(ix);
    if (rc == 0 && !ix->reader)
        rc = bgi_err_set(&ix->err, BG_ENOTFOUND, "no passage %.200s: the index is empty", ref);
    char term[BG_TERM_MAX];
    if (rc == 0)
        rc = bgi_passage_term(term, ix, ref);
    if (rc)
        return rc;
    unsigned long at = ordinal_of(term);
    bgx_query *q = neighbours(term, at > context ? at - context : 0, at + context);
    bgx_match m = {0};
    bgi_qplan plan = {0};
    rc = q ? bgx_search(&m, ix->reader, q, 0, 2 * context + 1, NULL, 0, &ix->err)
           : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_query_free(q);
    if (rc == 0)
        rc = bgi_results_fill(res, ix, &m, &plan, 0);
    bgx_match_clear(&m);
    if (rc)
        return rc;
    qsort(res->hits, res->n_hits, sizeof *res->hits, by_ordinal);
    int found = 0;
    for (size_t i = 0; i < res->n_hits; i++) {
        res->hits[i].rank = i + 1;
        int target = ordinal_of(res->hits[i].id) == at;
        res->hits[i].match = target ? "target" : "context";
        found |= target;
    }
    res->total = res->n_hits;
    if (!found)
        return bgi_err_set(&ix->err, BG_ENOTFOUND, "no passage %.200s in the index", ref);
    return 0;
}

int bg_passage_context(bg_results **out, bg_index *ix, const char *ref, size_t context)
{
    *out = NULL;
    if (!ref)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "no passage given"});
    if (context > BG_MAX_CONTEXT)
        return bgi_err_publish(&(bgi_err){BG_ETOOBIG, "context is at most 100 passages on each side"});
    bgi_err_clear(&ix->err);
    bg_results *res = bgi_results_new(ref);
    if (!res)
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    if (run(res, ix, ref, context)) {
        bg_results_free(res);
        return bgi_err_publish(&ix->err);
    }
    *out = res;
    return 0;
}
