/* context.c — reading: bg_passage_context, a passage with the passages
 * around it in its report, in the report's order (baogao-query --show,
 * /api/passage); bg_section_passages and bg_report_passages, its section
 * or its whole report (--show --section/--report, /api/report). One search
 * each, read in the report's order.
 * A passage's id is its report's id and its ordinal in the report, so the
 * neighbours are the Q terms of the ordinals around it: one search, whatever
 * the size of the index. */
#include "scheme.h"
#include "search_priv.h"
#include "util.h"

#include <stdio.h>
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

/* The Q terms of the ordinals [first, last] of the report report_id. */
static bgx_query *neighbours(const char *report_id, unsigned long first, unsigned long last)
{
    size_t n = (size_t)(last - first + 1);
    bgx_query **subs = calloc(n, sizeof *subs);
    int ok = subs != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        char pid[BG_PASSAGE_ID_MAX], t[BG_TERM_MAX];
        bgi_passage_id(pid, report_id, first + i);
        size_t len = bgi_term_passage(t, pid);
        ok = (subs[i] = bgx_query_term(t, len, 1, 0)) != NULL;
    }
    bgx_query *q = ok ? bgx_query_combine(BGX_OP_OR, subs, n, 0) : NULL;
    for (size_t i = 0; subs && i < n; i++)
        bgx_query_free(subs[i]);
    free(subs);
    return q;
}

/* Every passage of the report report_id (its F term). */
static bgx_query *whole_file(const char *report_id)
{
    char t[BG_TERM_MAX];
    size_t len = bgi_term_file(t, report_id);
    return bgx_query_term(t, len, 1, 0);
}

/* "3fa9c0d2e1b4a5c6": a report's id, the part of its passage ids before ':'. */
static int is_report_id(const char *ref)
{
    return strlen(ref) == 16 && strspn(ref, "0123456789abcdef") == 16;
}

/* A hit in the section whose path is path[0..n): under it, or its heading. */
static int in_section(const bg_hit *h, char *const *path, size_t n)
{
    size_t k = h->n_section;
    if (k + 1 == n && h->kind == BG_KIND_HEADING && strcmp(h->text, path[n - 1]) == 0)
        n--;   /* the section's own heading */
    else if (k < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(h->section[i], path[i]) != 0)
            return 0;
    return 1;
}

/* Keeps the hits of the target's section (res holds a whole report, in
 * order, the target marked): the section of a heading is its own. A passage
 * outside every section keeps the whole report. */
static void keep_section(bg_results *res, const bg_hit *target)
{
    char *path[64];
    size_t n = 0;
    for (size_t k = 0; k < target->n_section && n < 63; k++)
        path[n++] = target->section[k];
    if (target->kind == BG_KIND_HEADING)
        path[n++] = target->text;
    if (n == 0)
        return;
    bg_hit *kept = res->hits;
    size_t m = 0;
    for (size_t i = 0; i < res->n_hits; i++) {
        if (in_section(&res->hits[i], path, n))
            kept[m++] = res->hits[i];
        else
            bgi_hit_clear(&res->hits[i]);
    }
    res->n_hits = m;
}

/* What is read around the passage (or report) ref names. */
typedef enum scope { AROUND, SECTION, WHOLE_REPORT } scope;

static int run(bg_results *res, bg_index *ix, const char *ref, scope sc, size_t context)
{
    int rc = bgi_ix_refresh_reader(ix);
    if (rc == 0 && !ix->reader)
        rc = bgi_err_set(&ix->err, BG_ENOTFOUND, "no passage %.200s: the index is empty", ref);
    /* A report's id reads a whole report; else ref names a passage. */
    char term[BG_TERM_MAX] = "", report_id[17] = "";
    if (rc == 0 && sc == WHOLE_REPORT && is_report_id(ref))
        memcpy(report_id, ref, sizeof report_id);
    else if (rc == 0 && (rc = bgi_passage_term(term, ix, ref)) == 0)
        snprintf(report_id, sizeof report_id, "%.16s", term + strlen(BG_PREFIX_ID));
    if (rc)
        return rc;
    const char *target_id = term[0] ? term + strlen(BG_PREFIX_ID) : NULL;
    unsigned long at = target_id ? ordinal_of(target_id) : 0;
    bgx_query *q = sc == AROUND ? neighbours(report_id, at > context ? at - context : 0, at + context)
                                : whole_file(report_id);
    bgx_match m = {0};
    bgi_qplan plan = {0};   /* nothing to highlight */
    rc = q ? bgx_search(&m, ix->reader, q, 0, sc == AROUND ? 2 * context + 1 : BG_MAX_LIMIT, NULL, 0, &ix->err)
           : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_query_free(q);
    if (rc == 0)
        rc = bgi_results_fill(res, ix, &m, &plan, 0);
    bgx_match_clear(&m);
    if (rc)
        return rc;
    if (res->n_hits)
        qsort(res->hits, res->n_hits, sizeof *res->hits, by_ordinal);
    const bg_hit *target = NULL;
    for (size_t i = 0; i < res->n_hits; i++) {
        int me = target_id && strcmp(res->hits[i].id, target_id) == 0;
        res->hits[i].match = me ? "target" : "context";
        target = me ? &res->hits[i] : target;
    }
    /* Ids follow content (docs/format.md, "Identity"): an id that no longer
     * resolves is most often that of a report edited since. */
    if (target_id && !target)
        return bgi_err_set(&ix->err, BG_ENOTFOUND,
                          "no passage %.200s in the index (a report edited since it was indexed has new ids)",
                          ref);
    if (!target_id && res->n_hits == 0)
        return bgi_err_set(&ix->err, BG_ENOTFOUND,
                          "no report %.200s in the index (a report edited since it was indexed has a new id)",
                          ref);
    if (sc == SECTION)
        keep_section(res, target);
    for (size_t i = 0; i < res->n_hits; i++)
        res->hits[i].rank = i + 1;
    res->total = res->n_hits;
    return 0;
}

/* The public calls: a new bg_results for ref, or the error published. */
static int read_call(bg_results **out, bg_index *ix, const char *ref, scope sc, size_t context)
{
    *out = NULL;
    if (!ref)
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "no passage or report given"});
    bgi_err_clear(&ix->err);
    bg_results *res = bgi_results_new(ref);
    if (!res)
        return bgi_err_publish(&(bgi_err){BG_ENOMEM, "out of memory"});
    if (run(res, ix, ref, sc, context)) {
        bg_results_free(res);
        return bgi_err_publish(&ix->err);
    }
    *out = res;
    return 0;
}

int bg_passage_context(bg_results **out, bg_index *ix, const char *ref, size_t context)
{
    if (context > BG_MAX_CONTEXT) {
        *out = NULL;
        return bgi_err_publish(&(bgi_err){BG_ETOOBIG, "context is at most 100 passages on each side"});
    }
    return read_call(out, ix, ref, AROUND, context);
}

int bg_report_passages(bg_results **out, bg_index *ix, const char *ref)
{
    return read_call(out, ix, ref, WHOLE_REPORT, 0);
}

int bg_section_passages(bg_results **out, bg_index *ix, const char *ref)
{
    return read_call(out, ix, ref, SECTION, 0);
}
