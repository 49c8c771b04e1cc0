/* api.c — the JSON endpoints of baogao-serve: /api/search, the views of a
 * query or passage (/api/passage/ID, /api/like/ID, /api/byyear,
 * /api/figures), /api/reports and /healthz. Every parameter is checked here, before the library sees it, so a
 * client error is a 400 naming the parameter rather than a library failure. */
#include "serve.h"
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- replies ------------------------------------------------------------ */

static void reply_json(bgi_reply *r, unsigned status, char *json, void (*release)(void *))
{
    *r = (bgi_reply){.status = status, .content_type = "application/json; charset=utf-8",
                    .body = json, .len = strlen(json), .release = release};
}

void bgi_reply_error(bgi_reply *r, unsigned status, const char *message)
{
    static char oom[] = "{\"error\":\"out of memory\"}";
    cJSON *o = cJSON_CreateObject();
    char *json = o && cJSON_AddStringToObject(o, "error", message) ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (json)
        reply_json(r, status, json, cJSON_free);
    else
        reply_json(r, 500, oom, NULL);
}

/* The library codes that mean the request was at fault. */
static int is_client_error(int code)
{
    return code == BG_EQUERY || code == BG_ETOOBIG || code == BG_EINVAL;
}

/* Maps the thread's last library error to HTTP. Client mistakes get the
 * library's message; server-side failures are logged in full but answered
 * generically, since their messages name files on the server. Call before any
 * other bg_ call, which would replace the last error. */
static void reply_library_error(bgi_reply *r, const char *what)
{
    int code = bg_errcode();
    if (is_client_error(code)) {
        bgi_reply_error(r, 400, bg_errmsg());
        return;
    }
    fprintf(stderr, "baogao-serve: %s: %s\n", what, bg_errmsg());
    if (code == BG_EUNAVAILABLE)   /* names the shard: the client can tell which part is down */
        bgi_reply_error(r, 503, bg_errmsg());
    else if (code == BG_ENOTFOUND)
        bgi_reply_error(r, 503, "the index is not available");
    else
        bgi_reply_error(r, 500, "internal error (see the server log)");
}

/* ---- parameters --------------------------------------------------------- */

/* Strict UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
 * Anything else would reach the JSON output as invalid text. */
static int is_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char b = s[i];
        size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > n)
            return 0;
        uint32_t cp = len == 1 ? b : b & (0x7F >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        static const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* The decoded value of query parameter key, or NULL when absent ("" for a
 * bare "?key"). *bad is set when the value holds a NUL byte (%00), which C
 * strings would silently cut. */
static const char *get_param(struct MHD_Connection *c, const char *key, size_t *len, int *bad)
{
    const char *v = NULL;
    *len = 0;
    if (MHD_lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, key, strlen(key), &v, len) != MHD_YES)
        return NULL;
    if (!v)
        return "";
    *bad |= memchr(v, '\0', *len) != NULL;
    return v;
}

/* What is wrong with a request, for the 400 reply. */
typedef struct complaint {
    char msg[160];
} complaint;

__attribute__((format(printf, 2, 3))) static int complain(complaint *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->msg, sizeof why->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* A text parameter: present (if required), at most max bytes, valid UTF-8. */
static int check_text(const char **out, struct MHD_Connection *c, const char *key, size_t max, int required,
                      complaint *why)
{
    size_t len;
    int bad = 0;
    *out = get_param(c, key, &len, &bad);
    if (required && (!*out || len == 0))
        return complain(why, "%s is required: the words to search for", key);
    if (*out && len > max)
        return complain(why, "%s is longer than %zu bytes", key, max);
    if (*out && (bad || !is_utf8((const unsigned char *)*out, len)))
        return complain(why, "%s is not valid UTF-8 text", key);
    return 0;
}

/* A whole number in min..max, or absent (then *out keeps its default). */
static int check_number(size_t *out, struct MHD_Connection *c, const char *key, size_t min, size_t max,
                        complaint *why)
{
    size_t len, v = 0;
    int bad = 0;
    const char *s = get_param(c, key, &len, &bad);
    if (!s)
        return 0;
    if (bad || bgi_cli_parse_size(&v, s, max) != 0 || v < min)
        return complain(why, "%s must be a whole number from %zu to %zu", key, min, max);
    *out = v;
    return 0;
}

/* collapse=0 shows every copy of a text; collapse=1 (the default) one. */
static int check_collapse(bg_search_options *o, struct MHD_Connection *c, complaint *why)
{
    size_t collapse = 1;
    if (check_number(&collapse, c, "collapse", 0, 1, why))
        return -1;
    o->all_copies = collapse == 0;
    size_t strict = 0;
    if (check_number(&strict, c, "strict", 0, 1, why))
        return -1;
    o->strict = strict == 1;   /* exact matches only */
    size_t exact = 0;
    if (check_number(&exact, c, "exact", 0, 1, why))
        return -1;
    o->exact = exact == 1;     /* count every match: exact totals and facets */
    return 0;
}

/* The longest list of years year= may give (2019,2021,…), as on the command line. */
#define BG_SERVE_MAX_YEARS 400

static int check_years(bg_search_options *o, int *years, struct MHD_Connection *c, complaint *why)
{
    size_t len;
    int bad = 0;
    const char *v = get_param(c, "year", &len, &bad);
    if (!v || (len == 0 && !bad))
        return 0;  /* "year=" is how the page says "all years" */
    if (!bad && (strcmp(v, "unknown") == 0 || strcmp(v, "0000") == 0)) {
        o->year_unknown = 1;   /* the year facet's "0000" */
        return 0;
    }
    if (bad || bgi_cli_parse_year_filter(&o->year_from, &o->year_to, years, BG_SERVE_MAX_YEARS, &o->n_years, v))
        return complain(why, "year must be a year (2022), a range (2018..2022, 2018-2022, ..2019, 2016..) or a "
                        "list (2019,2021)");
    o->years = o->n_years ? years : NULL;
    return 0;
}

/* What a view takes besides the filters: a page (limit, offset), or not
 * (they are refused, not ignored), and its query from q= or from the path. */
enum { PAGED = 1, QUERY_IN_PATH = 2 };

/* Fills q and o from the request (a list of years goes to years[], of
 * BG_SERVE_MAX_YEARS); -1 with why filled when it is malformed. */
static int parse_search(const char **q, bg_search_options *o, int *years, struct MHD_Connection *c, unsigned how,
                        complaint *why)
{
    *o = (bg_search_options){.version = BG_SEARCH_OPTIONS_VERSION, .limit = how & PAGED ? 10 : 0};
    size_t len;
    int bad = 0;
    if (!(how & PAGED) && (get_param(c, "limit", &len, &bad) || get_param(c, "offset", &len, &bad)))
        return complain(why, "limit and offset do not go with this view (it lists all of it)");
    if ((!(how & QUERY_IN_PATH) && check_text(q, c, "q", BG_SERVE_MAX_QUERY, 1, why))
        || check_text(&o->body, c, "body", BG_SERVE_MAX_BODY, 0, why)
        || check_text(&o->kind, c, "kind", BG_SERVE_MAX_BODY, 0, why)
        || check_text(&o->docno, c, "docno", BG_SERVE_MAX_BODY, 0, why)
        || check_number(&o->limit, c, "limit", 1, BG_SERVE_MAX_LIMIT, why)
        || check_number(&o->offset, c, "offset", 0, BG_SERVE_MAX_OFFSET, why)
        || check_collapse(o, c, why)
        || check_years(o, years, c, why))
        return -1;
    if (o->body && !o->body[0])
        o->body = NULL;  /* "body=" is how the page says "all bodies" */
    if (o->body && strcmp(o->body, "unknown") == 0) {
        o->body = NULL;  /* the body facet's "": reports without a body */
        o->body_unknown = 1;
    }
    if (o->kind && !o->kind[0])
        o->kind = NULL;
    if (o->docno && !o->docno[0])
        o->docno = NULL;
    return 0;
}

/* ---- endpoints ---------------------------------------------------------- */

void bgi_api_search(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    const char *q = NULL;
    bg_search_options o;
    int years[BG_SERVE_MAX_YEARS];
    complaint why;
    if (parse_search(&q, &o, years, c, PAGED, &why) != 0) {
        bgi_reply_error(r, 400, why.msg);
        return;
    }
    bg_index *ix = NULL;
    bg_results *res = NULL;
    if (bgi_ix_pool_take(&ix, s->pool) != BG_OK) {
        reply_library_error(r, "/api/search");
        return;
    }
    if (bg_search_run(&res, ix, q, &o) != BG_OK) {
        int healthy = is_client_error(bg_errcode());
        reply_library_error(r, "/api/search");
        bgi_ix_pool_give(s->pool, ix, healthy);
        return;
    }
    /* Nothing found: what dropping each filter would find (docs/http.md). */
    bg_suggestion sug[BG_MAX_SUGGESTIONS];
    size_t n_sug = 0;
    int empty = bg_results_total(res) == 0 && bg_results_count(res) == 0;
    if (empty && bg_search_suggest(sug, BG_MAX_SUGGESTIONS, &n_sug, ix, q, &o) != 0)
        n_sug = 0;   /* best effort: the answer stands without them */
    bgi_ix_pool_give(s->pool, ix, 1);
    char *json = bg_results_json(res);
    bg_results_free(res);
    if (json && empty) {
        char *with = bgi_cli_json_suggestions(json, sug, n_sug);
        if (with)
            reply_json(r, 200, with, free);
        else
            bgi_reply_error(r, 500, "out of memory");
    } else if (json)
        reply_json(r, 200, json, bg_free);
    else
        bgi_reply_error(r, 500, "out of memory");
}

/* ---- the views of one query or passage ----------------------------------- */

/* The views of one query or passage: those named by a passage come first. */
typedef enum view {
    VIEW_PASSAGE, VIEW_SECTION, VIEW_REPORT, VIEW_LIKE,   /* of a passage (or report) id */
    VIEW_BYYEAR, VIEW_FIGURES, VIEW_TREND, VIEW_COMPARE,  /* of a query */
    VIEW_NEW,                                             /* of a year */
} view;

/* What a view takes besides the query and the filters. */
typedef struct view_args {
    size_t n;                  /* VIEW_PASSAGE: the context; VIEW_TREND: by_body */
    int years[2];              /* VIEW_COMPARE: the two years; VIEW_NEW: the year */
    bg_novel_options novel;    /* VIEW_NEW */
} view_args;

/* Makes the JSON of view v on a pooled handle: 0 with *json, else the
 * library's error code (its message is bg_errmsg()). */
static int make_view(char **json, bg_index *ix, view v, const char *q, const bg_search_options *o,
                     const view_args *a)
{
    bg_results *res = NULL;
    bg_byyear *by = NULL;
    bg_figures *f = NULL;
    bg_trend *t = NULL;
    bg_compare *cmp = NULL;
    bg_novel *nv = NULL;
    int rc;
    switch (v) {
    case VIEW_PASSAGE: rc = bg_passage_context(&res, ix, q, a->n); break;
    case VIEW_SECTION: rc = bg_section_passages(&res, ix, q); break;
    case VIEW_REPORT: rc = bg_report_passages(&res, ix, q); break;
    case VIEW_LIKE: rc = bg_search_like(&res, ix, q, o); break;
    case VIEW_BYYEAR: rc = bg_search_by_year(&by, ix, q, o); break;
    case VIEW_FIGURES: rc = bg_search_figures(&f, ix, q, o); break;
    case VIEW_COMPARE: rc = bg_search_compare(&cmp, ix, q, a->years[0], a->years[1], o); break;
    case VIEW_NEW: rc = bg_search_new(&nv, ix, a->years[0], &a->novel, o); break;
    default: rc = bg_search_trend(&t, ix, q, o, a->n != 0); break;
    }
    if (rc == 0) {
        *json = res ? bg_results_json(res) : by ? bg_byyear_json(by) : f ? bg_figures_json(f)
              : cmp ? bg_compare_json(cmp) : nv ? bg_novel_json(nv) : bg_trend_json(t);
        rc = *json ? BG_OK : BG_ENOMEM;
    }
    bg_compare_free(cmp);
    bg_novel_free(nv);
    bg_results_free(res);
    bg_byyear_free(by);
    bg_figures_free(f);
    bg_trend_free(t);
    return rc;
}

/* Answers with view's JSON. A passage named by the request that the index
 * does not hold is a 404 naming it (nothing of the server is in the
 * message); other failures as reply_library_error() says. */
static void reply_view(bgi_reply *r, bgi_server *s, const char *what, view v, const char *q,
                       const bg_search_options *o, const view_args *a)
{
    bg_index *ix = NULL;
    char *json = NULL;
    if (bgi_ix_pool_take(&ix, s->pool) != BG_OK) {
        reply_library_error(r, what);
        return;
    }
    if (make_view(&json, ix, v, q, o, a) != BG_OK) {
        int missing = bg_errcode() == BG_ENOTFOUND && (v <= VIEW_LIKE || v == VIEW_NEW);
        if (missing)
            bgi_reply_error(r, 404, bg_errmsg());
        else
            reply_library_error(r, what);
        bgi_ix_pool_give(s->pool, ix, missing || is_client_error(bg_errcode()));
        return;
    }
    bgi_ix_pool_give(s->pool, ix, 1);
    reply_json(r, 200, json, bg_free);
}

/* "3fa9c0d2e1b4a5c6:17": the only reference the API takes (REPORT:LINE
 * would look paths up on the server). */
static int check_passage_id(const char *id, complaint *why)
{
    size_t hex = strspn(id, "0123456789abcdef"), digits = hex == 16 && id[16] == ':' ? strspn(id + 17, "0123456789") : 0;
    if (digits >= 1 && digits <= 9 && id[17 + digits] == '\0')
        return 0;
    return complain(why, "a passage id is 16 hex digits, ':' and a number (3fa9c0d2e1b4a5c6:17)");
}

void bgi_api_passage(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *id)
{
    complaint why;
    size_t context = 2, section = 0;
    if (check_passage_id(id, &why) || check_number(&context, c, "context", 0, BG_MAX_CONTEXT, &why)
        || check_number(&section, c, "section", 0, 1, &why))
        bgi_reply_error(r, 400, why.msg);
    else
        reply_view(r, s, "/api/passage", section ? VIEW_SECTION : VIEW_PASSAGE, id, NULL, &(view_args){.n = context});
}

/* A report's id (16 hex digits) or one of its passages' ids. */
void bgi_api_report(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *id)
{
    (void)c;
    complaint why;
    int report_id = strlen(id) == 16 && strspn(id, "0123456789abcdef") == 16;
    if (!report_id && check_passage_id(id, &why))
        bgi_reply_error(r, 400, "a report id is 16 hex digits (3fa9c0d2e1b4a5c6), or give a passage id");
    else
        reply_view(r, s, "/api/report", VIEW_REPORT, id, NULL, &(view_args){0});
}

void bgi_api_like(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *id)
{
    bg_search_options o;
    int years[BG_SERVE_MAX_YEARS];
    complaint why;
    if (check_passage_id(id, &why) || parse_search(NULL, &o, years, c, PAGED | QUERY_IN_PATH, &why))
        bgi_reply_error(r, 400, why.msg);
    else
        reply_view(r, s, "/api/like", VIEW_LIKE, id, &o, &(view_args){0});
}

/* The views of a query: q and the filters, no page (per_year for by-year). */
static void query_view(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *what, view v)
{
    const char *q = NULL;
    bg_search_options o;
    int years[BG_SERVE_MAX_YEARS];
    complaint why;
    size_t by_body = 0;
    if (parse_search(&q, &o, years, c, 0, &why)
        || (v == VIEW_BYYEAR && check_number(&o.per_year, c, "per_year", 1, 1000, &why))
        || (v == VIEW_TREND && check_number(&by_body, c, "by_body", 0, 1, &why)))
        bgi_reply_error(r, 400, why.msg);
    else
        reply_view(r, s, what, v, q, &o, &(view_args){.n = by_body});
}

void bgi_api_byyear(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    query_view(r, s, c, "/api/byyear", VIEW_BYYEAR);
}

void bgi_api_figures(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    query_view(r, s, c, "/api/figures", VIEW_FIGURES);
}

void bgi_api_trend(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    query_view(r, s, c, "/api/trend", VIEW_TREND);
}

/* The request of /api/compare?q=&a=2023&b=2024: q, the filters and the two
 * years; its years are its own, so year= is refused rather than ignored. */
static int parse_compare(const char **q, bg_search_options *o, int *years, size_t *a, size_t *b,
                         struct MHD_Connection *c, complaint *why)
{
    if (parse_search(q, o, years, c, 0, why))
        return -1;
    if (o->year_from || o->year_to || o->n_years || o->year_unknown)
        return complain(why, "year does not go with /api/compare: a= and b= are its two years");
    if (check_number(a, c, "a", 1, 9999, why) || check_number(b, c, "b", 1, 9999, why))
        return -1;
    if (*a == 0 || *b == 0)
        return complain(why, "a and b are required: the two years to compare (a=2023&b=2024)");
    if (*a == *b)
        return complain(why, "a and b must be two different years");
    return 0;
}

void bgi_api_compare(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    const char *q = NULL;
    bg_search_options o;
    int years[BG_SERVE_MAX_YEARS];
    complaint why;
    size_t a = 0, b = 0;
    if (parse_compare(&q, &o, years, &a, &b, c, &why))
        bgi_reply_error(r, 400, why.msg);
    else
        reply_view(r, s, "/api/compare", VIEW_COMPARE, q, &o, &(view_args){.years = {(int)a, (int)b}});
}

/* /api/new?year=2024 and /api/gone?year=2021: since=, body=, kind=,
 * limit= (expressions, default 30); no query, no year filter, no offset. */
static void novel_view(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, int gone)
{
    bg_search_options o;
    int years[BG_SERVE_MAX_YEARS];
    complaint why = {{0}};
    size_t year = 0, since = 0, len;
    int bad = 0, has_limit = get_param(c, "limit", &len, &bad) != NULL;
    const char *what = gone ? "/api/gone" : "/api/new";
    /* year= is read as the search filters read it; it must name one year */
    if (get_param(c, "q", &len, &bad) || get_param(c, "offset", &len, &bad))
        complain(&why, "q and offset do not go with this view: it lists a year's expressions");
    else if (parse_search(NULL, &o, years, c, PAGED | QUERY_IN_PATH, &why) == 0
             && check_number(&since, c, "since", 1, 9999, &why) == 0) {
        year = o.n_years == 1 ? (size_t)o.years[0] : o.year_from && o.year_from == o.year_to ? (size_t)o.year_from : 0;
        if (!year || o.year_unknown || (o.n_years > 1))
            complain(&why, "year= is required and names one year (year=2024)");
        else if (since && since >= year)
            complain(&why, "since must be a year before year");
        o.years = NULL, o.n_years = 0, o.year_from = o.year_to = 0;
    }
    if (why.msg[0]) {
        bgi_reply_error(r, 400, why.msg);
        return;
    }
    view_args args = {.years = {(int)year}, .novel = BG_NOVEL_OPTIONS_INIT};
    args.novel.gone = gone, args.novel.since = (int)since;
    args.novel.limit = has_limit ? o.limit : 0;   /* 0: the library's default, 30 */
    reply_view(r, s, what, VIEW_NEW, "", &o, &args);
}

void bgi_api_new(bgi_reply *r, bgi_server *s, struct MHD_Connection *c) { novel_view(r, s, c, 0); }
void bgi_api_gone(bgi_reply *r, bgi_server *s, struct MHD_Connection *c) { novel_view(r, s, c, 1); }

void bgi_api_reports(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    (void)c;
    bg_index *ix = NULL;
    if (bgi_ix_pool_take(&ix, s->pool) != BG_OK) {
        reply_library_error(r, "/api/reports");
        return;
    }
    char *json = bg_index_reports_json(ix);
    if (json)
        reply_json(r, 200, json, bg_free);
    else
        reply_library_error(r, "/api/reports");
    bgi_ix_pool_give(s->pool, ix, json != NULL);
}

void bgi_api_health(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    (void)c;
    bg_index *ix = NULL;
    char *json = NULL;
    if (bgi_ix_pool_take(&ix, s->pool) != BG_OK || !(json = bg_index_status_json(ix))) {
        /* A shard that is down is named: it is what the operator must fix. */
        char why[512];
        snprintf(why, sizeof why, "%s", bg_errcode() == BG_EUNAVAILABLE ? bg_errmsg() : "the index is not available");
        fprintf(stderr, "baogao-serve: /healthz: %s\n", bg_errmsg());
        bgi_ix_pool_give(s->pool, ix, 0);
        bgi_reply_error(r, 503, why);
        return;
    }
    bgi_ix_pool_give(s->pool, ix, 1);
    reply_json(r, 200, json, bg_free);
}

