/* like.c — bg_search_like: passages on the same subject as a given passage,
 * from the other years' reports.
 *
 * Relevance feedback rather than "search for the passage's text": Xapian's
 * expand set of a relevance set holding just that passage ranks its words by
 * how well they tell it apart from the rest of the index (a word frequent in
 * the passage and rare elsewhere: 降费, 增值税), which leaves out the
 * boilerplate every report repeats (推进, 加强). The best of them, weighted by
 * that rank, are ORed and searched for outside the passage's year. */
#include "scheme.h"
#include "json_get.h"
#include "search_priv.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enough words to pin a subject down, few enough that passages sharing one
 * incidental word rank low. */
#define LIKE_TERMS 12

/* "3fa9c0d2e1b4a5c6:17": 16 hex digits, a colon, an ordinal. */
static int is_passage_id(const char *ref)
{
    for (int i = 0; i < 16; i++)
        if (!((ref[i] >= '0' && ref[i] <= '9') || (ref[i] >= 'a' && ref[i] <= 'f')))
            return 0;
    if (ref[16] != ':' || !ref[17])
        return 0;
    return strspn(ref + 17, "0123456789") == strlen(ref + 17) && strlen(ref + 17) < 10;
}

/* The data of the first passage matching term (NULL when there is none). */
static int first_data(cJSON **out, bg_index *ix, const char *term)
{
    *out = NULL;
    bgx_query *q = bgx_query_term(term, strlen(term), 1, 0);
    if (!q)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_match m = {0};
    int rc = bgx_search(&m, ix->reader, q, 0, 1, NULL, 0, &ix->err);
    bgx_query_free(q);
    if (rc == 0 && m.n_hits && !(*out = cJSON_ParseWithLength(m.hits[0].data, m.hits[0].data_len)))
        rc = bgi_err_set(&ix->err, BG_EXAPIAN, "%s: damaged document data", term);
    bgx_match_clear(&m);
    return rc;
}

typedef struct file_search {
    bg_index *ix;
    const char *report;
    int bare;                     /* report is a file name alone: any directory */
    size_t found;                 /* reports it names (a bare name may name several) */
    char term[BG_TERM_MAX];       /* F<report id> of the first */
} file_search;

/* Is the file of file term t the one indexed as fs->report (or, for a bare
 * file name, one of that name)? */
static int on_file_term(void *ctx, const char *t, size_t len)
{
    file_search *fs = ctx;
    if (len >= sizeof fs->term)
        return 0;
    /* The path is stored with the report's first passage. */
    char first[BG_PASSAGE_ID_MAX], qterm[BG_TERM_MAX];
    bgi_passage_id(first, t + strlen(BG_PREFIX_FILE), 0);
    bgi_term_passage(qterm, first);
    cJSON *d = NULL;
    int rc = first_data(&d, fs->ix, qterm);
    const char *stored = d ? bgi_json_str(d, BG_REC_REPORT) : "";
    const char *slash = strrchr(stored, '/');
    if (rc == 0 && d && strcmp(fs->bare && slash ? slash + 1 : stored, fs->report) == 0) {
        if (fs->found++ == 0)
            memcpy(fs->term, t, len + 1);
        rc = !fs->bare;   /* a bare name goes on, to tell several apart */
    }
    cJSON_Delete(d);
    return rc;
}

/* The F term of the report whose first passage holds term (an XP term), in
 * term's place; 0 when found, 1 when no passage holds it. */
static int file_term_of_path(char term[BG_TERM_MAX], bg_index *ix)
{
    cJSON *d = NULL;
    int rc = first_data(&d, ix, term);
    const char *id = d ? bgi_json_str(d, BG_REC_ID) : "";
    const char *colon = strrchr(id, ':');
    if (rc == 0 && colon && colon - id == 16) {
        char rid[17];
        memcpy(rid, id, 16);
        rid[16] = '\0';
        bgi_term_file(term, rid);
    } else if (rc == 0) {
        rc = 1;
    }
    cJSON_Delete(d);
    return rc;
}

/* The file term (F<report id>) of report. A report's id is its content's, so
 * its path is looked up: the XP term of its real path (any path to the file
 * works), or for an index before format 5, whose ids were path keys, the F
 * term of that key; a report that has moved since is found by the path it
 * was indexed as, and a file name alone finds the one report of that name. */
static int file_term(char term[BG_TERM_MAX], bg_index *ix, const char *report)
{
    char real[PATH_MAX], key[17];
    uint32_t freq = 0;
    if (realpath(report, real)) {
        bgi_path_key(key, real);
        bgi_term_path(term, key);
        int rc = file_term_of_path(term, ix);
        if (rc <= 0)
            return rc;
        bgi_term_file(term, key);
        rc = bgx_reader_termfreq(ix->reader, term, &freq, &ix->err);
        if (rc || freq)
            return rc;
    }
    file_search fs = {.ix = ix, .report = report, .bare = !strchr(report, '/')};
    int rc = bgx_reader_foreach_term(ix->reader, BG_PREFIX_FILE, on_file_term, &fs, &ix->err);
    if (rc < 0)
        return rc;
    if (!fs.term[0])
        return bgi_err_set(&ix->err, BG_ENOTFOUND, "%s: not in the index", report);
    if (fs.found > 1)
        return bgi_err_set(&ix->err, BG_EINVAL, "%s: %zu indexed reports have that name (give its directory too)",
                          report, fs.found);
    memcpy(term, fs.term, sizeof fs.term);
    return 0;
}

/* The id term (Q<id>) of the first passage on line of report. */
static int line_term(char term[BG_TERM_MAX], bg_index *ix, const char *report, size_t line)
{
    char fterm[BG_TERM_MAX];
    int rc = file_term(fterm, ix, report);
    if (rc)
        return rc;
    bgx_query *q = bgx_query_term(fterm, strlen(fterm), 1, 0);
    bgx_match m = {0};
    rc = q ? bgx_search(&m, ix->reader, q, 0, BG_MAX_LIMIT, NULL, 0, &ix->err)
           : bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    bgx_query_free(q);
    unsigned long best = ULONG_MAX;
    for (size_t i = 0; rc == 0 && i < m.n_hits; i++) {
        cJSON *d = cJSON_ParseWithLength(m.hits[i].data, m.hits[i].data_len);
        const char *id = d ? bgi_json_str(d, BG_REC_ID) : "";
        const char *colon = strrchr(id, ':');
        if (d && bgi_json_num(d, BG_REC_LINE, -1) == (double)line && colon && strtoul(colon + 1, NULL, 10) < best) {
            best = strtoul(colon + 1, NULL, 10);
            bgi_term_passage(term, id);
        }
        cJSON_Delete(d);
    }
    bgx_match_clear(&m);
    if (rc == 0 && best == ULONG_MAX)
        rc = bgi_err_set(&ix->err, BG_ENOTFOUND, "%s:%zu: no passage on that line", report, line);
    return rc;
}

int bgi_passage_term(char term[BG_TERM_MAX], bg_index *ix, const char *ref)
{
    if (is_passage_id(ref)) {
        bgi_term_passage(term, ref);
        return 0;
    }
    const char *colon = strrchr(ref, ':');
    size_t digits = colon ? strspn(colon + 1, "0123456789") : 0;
    if (!colon || colon == ref || digits == 0 || digits > 9 || colon[1 + digits])
        return bgi_err_set(&ix->err, BG_EINVAL,
                          "'%.200s' is neither a passage id (3fa9c0d2e1b4a5c6:17) nor REPORT:LINE", ref);
    char *report = strndup(ref, (size_t)(colon - ref));
    if (!report)
        return bgi_err_set(&ix->err, BG_ENOMEM, "out of memory");
    int rc = line_term(term, ix, report, (size_t)strtoul(colon + 1, NULL, 10));
    free(report);
    return rc;
}

/* Expansion terms worth searching for (ctx: the reader): words (prefixed
 * terms start with an upper-case letter, words are case-folded), not numbers
 * — years and figures say nothing of the subject — of two characters or more
 * (的, 和, 年 are too vague), and found in some other passage: the rarest words
 * rank highest in the expand set, and one only the source holds finds
 * nothing. */
static int keep_word(void *ctx, const char *t, size_t len)
{
    if (len == 0 || len >= 256 || (t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= '0' && t[0] <= '9'))
        return 0;
    size_t chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)t[i] & 0xC0) != 0x80;
    if (chars < 2)
        return 0;
    char term[256];
    memcpy(term, t, len);
    term[len] = '\0';
    uint32_t freq = 0;
    bgi_err err;
    return bgx_reader_termfreq(ctx, term, &freq, &err) == 0 && freq > 1;
}

/* OR of the terms weighted relative to the best, outside year; the terms are
 * also what the hits highlight. */
static int like_plan(bgi_qplan *plan, bgx_reader *reader, const bgx_eterm *t, size_t n, int year,
                     const bg_search_options *o, int has_copies, bgi_err *err)
{
    memset(plan, 0, sizeof *plan);
    bgx_query **subs = calloc(n, sizeof *subs);
    plan->needles = calloc(n, sizeof *plan->needles);
    int ok = subs && plan->needles;
    for (size_t i = 0; ok && i < n; i++) {
        bgx_query *term = bgx_query_term(t[i].term, t[i].len, 1, 0);
        subs[i] = bgx_query_scale(term, t[i].weight / t[0].weight);
        bgx_query_free(term);
        plan->needles[i] = (bgi_needle){.text = strndup(t[i].term, t[i].len), .len = t[i].len, .is_word = 1};
        plan->n_needles++;
        ok = subs[i] && plan->needles[i].text;
    }
    bgx_query *any = ok ? bgx_query_combine(BGX_OP_OR, subs, n, 0) : NULL;
    for (size_t i = 0; subs && i < n; i++)
        bgx_query_free(subs[i]);
    free(subs);
    char yterm[BG_TERM_MAX];
    bgx_query *pair[2] = {any, bgx_query_term(yterm, bgi_term_year(yterm, year), 1, 0)};
    plan->query = any && pair[1] ? bgx_query_combine(BGX_OP_AND_NOT, pair, 2, 0) : NULL;
    bgx_query_free(pair[0]);
    bgx_query_free(pair[1]);
    if (!plan->query)
        return bgi_err_set(err, BG_ENOMEM, "out of memory");
    plan->has_copies = has_copies;
    return bgi_search_filter(&plan->query, reader, o, has_copies, err);
}

static int run(bg_results *res, bg_index *ix, const char *ref, const bg_search_options *o)
{
    size_t limit;
    int rc = bgi_search_page(&limit, o, &ix->err);
    if (rc == 0)
        rc = bgi_ix_refresh_reader(ix);
    if (rc == 0 && !ix->reader)
        rc = bgi_err_set(&ix->err, BG_ENOTFOUND, "no passage %.200s: the index is empty", ref);
    char term[BG_TERM_MAX];
    if (rc == 0)
        rc = bgi_passage_term(term, ix, ref);
    cJSON *source = NULL;
    if (rc == 0 && (rc = first_data(&source, ix, term)) == 0 && !source)
        rc = bgi_err_set(&ix->err, BG_ENOTFOUND,
                         "no passage %.200s in the index (a report edited since it was indexed has new ids)", ref);
    int year = source ? (int)bgi_json_num(source, BG_REC_YEAR, -1) : 0;
    cJSON_Delete(source);
    bgx_eterm *terms = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = bgx_expand(&terms, &n, ix->reader, term, LIKE_TERMS, keep_word, ix->reader, &ix->err);
    if (rc == 0 && n == 0)
        rc = bgi_err_set(&ix->err, BG_EQUERY, "passage %.200s has no words to search for", ref);
    bgi_qplan plan = {0};
    int copies = rc == 0 ? bgi_index_has_copies(ix) : 0;
    if (rc == 0)
        rc = copies < 0 ? copies : like_plan(&plan, ix->reader, terms, n, year, o, copies, &ix->err);
    bgx_eterms_free(terms, n);
    return bgi_search_fill_page(res, ix, &plan, o, limit, rc);
}

int bg_search_like(bg_results **out, bg_index *ix, const char *ref, const bg_search_options *opts)
{
    if (!ref) {
        *out = NULL;
        return bgi_err_publish(&(bgi_err){BG_EINVAL, "no passage given"});
    }
    return bgi_search_with(out, ix, ref, opts, run);
}
