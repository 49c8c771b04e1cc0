/* http.c — baogao-serve's request lifecycle on libmicrohttpd: routing to the
 * endpoints, the headers every reply carries (type, CORS, hardening), and one
 * access-log line per request on stderr. */
#include "serve.h"
#include "guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Per-request state, from the URI log callback (the earliest point MHD offers,
 * so the logged time includes reading the request) to the completion callback. */
typedef struct bgi_request {
    struct timespec start;
    char method[16];
    char path[128];
    bgi_conn *conn;      /* the connection's guard record, or NULL */
    int seen;            /* the handler has been called for it */
    unsigned status;     /* 0 until a reply is queued */
    size_t bytes;        /* body bytes of the reply */
    unsigned refuse;     /* found at the request line: answer this status instead */
    const char *refuse_why;
    const char *refused; /* why it was refused before being served (static), for the log */
} bgi_request;

/* Copies s[0..n) for the log: control bytes become '?' so that a crafted URL
 * cannot forge log lines or send escape sequences to a terminal. */
static void copy_printable(char *dst, size_t cap, const char *s, size_t n)
{
    size_t i = 0;
    for (; i < n && i + 1 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        dst[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    dst[i] = '\0';
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Whether the raw path holds a control character, as is or percent-encoded
 * (%00: MHD decodes the path into a C string, so "/api/search%00" would
 * otherwise be routed as "/api/search"). */
static int path_has_control(const char *path, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)path[i];
        if (ch == '%' && i + 2 < n && hex_value(path[i + 1]) >= 0 && hex_value(path[i + 2]) >= 0)
            ch = hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]);
        if (ch < 0x20 || ch == 0x7f)
            return 1;
    }
    return 0;
}

static size_t count_params(const char *query)
{
    size_t n = *query != '\0';
    for (; *query; query++)
        n += *query == '&';
    return n;
}

/* Checks the request line's size and parameter count. libmicrohttpd 0.9.75
 * parses the parameters into the connection's memory right after this
 * callback, and when they do not fit it neither replies nor logs (it means to
 * send 431, but has no memory left for it): the client waits for the idle
 * timeout. So a query string that is too long or has too many parameters is
 * cut off here, before MHD parses it, by ending the string MHD is about to
 * parse (the URI is MHD's own writable buffer, passed as const), and the
 * request gets 414. */
static void check_request_line(bgi_request *req, const char *uri)
{
    size_t path_len = strcspn(uri, "?");
    const char *query = uri[path_len] ? uri + path_len + 1 : "";
    size_t params = count_params(query);
    if (strlen(uri) > BG_SERVE_MAX_URI || params > BG_SERVE_MAX_PARAMS) {
        if (*query)
            *(char *)(uintptr_t)query = '\0';
        if (req) {
            req->refuse = 414;
            req->refuse_why = params > BG_SERVE_MAX_PARAMS ? "URI too long: more than " BG_SERVE_MAX_PARAMS_TEXT
                                                             " query parameters"
                                                           : "URI too long: more than " BG_SERVE_MAX_URI_TEXT " bytes";
        }
    } else if (req && path_has_control(uri, path_len)) {
        req->refuse = 400;
        req->refuse_why = "the path holds a control character";
    }
}

void *bgi_serve_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
    bgi_server *s = cls;
    bgi_conn *conn = bgi_guard_conn(c);
    bgi_guard_request_begun(s->guard, conn);
    bgi_request *req = calloc(1, sizeof *req);
    check_request_line(req, uri);  /* also without req: MHD must not parse a huge query */
    if (!req)
        return NULL;  /* answered 503 by the handler */
    req->conn = conn;
    clock_gettime(CLOCK_MONOTONIC, &req->start);
    /* The raw path: still percent-encoded, and without the query string,
     * which holds what people search for. */
    copy_printable(req->path, sizeof req->path, uri, strcspn(uri, "?"));
    strcpy(req->method, "-");
    return req;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The status of a request the handler did not answer: 408 when the guard cut
 * it, else what libmicrohttpd answered by itself (a malformed Content-Length,
 * headers over the connection's memory), else 0 (the client went away). */
static unsigned unanswered_status(struct MHD_Connection *c, int cut, const char **note)
{
    if (cut) {
        *note = " (request deadline)";
        return 408;
    }
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
    if (ci && ci->http_status) {
        *note = " (refused by libmicrohttpd)";
        return ci->http_status;
    }
    *note = " (not completed)";
    return 0;
}

void bgi_serve_end(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    bgi_server *s = cls;
    bgi_request *req = *req_cls;
    int cut = bgi_guard_request_ended(s->guard, req ? req->conn : bgi_guard_conn(c));
    if (!req)
        return;
    const char *note = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)";
    unsigned status = req->status;
    if (!status || cut)
        status = unanswered_status(c, cut, &note);
    char why[160];
    if (req->refused && !cut) {   /* a refusal says why (over a connection limit …) */
        snprintf(why, sizeof why, " (%s)", req->refused);
        note = why;
    }
    bgi_access_log(req->method, req->path, status, req->bytes, ms_since(&req->start), note);
    free(req);
    *req_cls = NULL;
}

/* ---- replies ------------------------------------------------------------ */

static void serve_page(bgi_reply *r, bgi_server *s, struct MHD_Connection *c)
{
    (void)s;
    (void)c;
    *r = (bgi_reply){.status = 200, .content_type = "text/html; charset=utf-8",
                    .body = (char *)bgi_page_html, .len = bgi_page_html_len};
}

/* The page loads nothing from anywhere: forbid everything else it could. Its
 * one script and one style sheet are allowed by their hashes (computed from
 * page.html when it is embedded), so no injected inline code could run. */
static char page_policy[512];

void bgi_serve_init(void)
{
    snprintf(page_policy, sizeof page_policy,
             "default-src 'none'; script-src 'sha256-%s'; style-src 'sha256-%s'; connect-src 'self'; "
             "img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
             bgi_page_script_sha256, bgi_page_style_sha256);
}

static int add_headers(struct MHD_Response *resp, const bgi_server *s, const bgi_reply *r, int method_not_allowed,
                       int close)
{
    int ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type) == MHD_YES
          && MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES
          /* Answers change whenever the index is re-indexed. */
          && MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") == MHD_YES;
    if (ok && r->body == bgi_page_html)
        ok = MHD_add_response_header(resp, "Content-Security-Policy", page_policy) == MHD_YES
          && MHD_add_response_header(resp, "Referrer-Policy", "no-referrer") == MHD_YES;
    if (ok && method_not_allowed)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD") == MHD_YES;
    if (ok && close)  /* libmicrohttpd then closes the connection after the reply */
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close") == MHD_YES;
    if (ok && r->status == 503)
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, "1") == MHD_YES;
    if (ok && s->cors_origin) {
        ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, s->cors_origin) == MHD_YES;
        if (ok && strcmp(s->cors_origin, "*") != 0)
            ok = MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Origin") == MHD_YES;
    }
    return ok;
}

static struct MHD_Response *make_response(bgi_reply *r)
{
    if (!r->release)
        return MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_PERSISTENT);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(r->len, r->body, r->release);
    if (!resp)
        r->release(r->body);
    return resp;
}

/* How a reply is sent: with Allow (405), with Connection: close (a refused
 * request, whose connection is not trusted further), without a body (HEAD). */
enum { REPLY_ALLOW = 1, REPLY_CLOSE = 2, REPLY_HEAD = 4 };

static enum MHD_Result send_reply(struct MHD_Connection *c, const bgi_server *s, bgi_request *req, bgi_reply *r,
                                  unsigned how)
{
    bgi_guard_received(s->guard, req ? req->conn : bgi_guard_conn(c));
    struct MHD_Response *resp = make_response(r);
    if (!resp)
        return MHD_NO;  /* out of memory: MHD closes the connection */
    enum MHD_Result rc = add_headers(resp, s, r, how & REPLY_ALLOW, how & REPLY_CLOSE)
                       ? MHD_queue_response(c, r->status, resp) : MHD_NO;
    MHD_destroy_response(resp);
    if (req && rc == MHD_YES) {
        req->status = r->status;
        req->bytes = how & REPLY_HEAD ? 0 : r->len;
    }
    return rc;
}

/* ---- what is refused before routing ------------------------------------ */

/* The request headers that make a request ambiguous, counted. */
typedef struct header_counts {
    unsigned host, content_length, transfer_encoding;
} header_counts;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    header_counts *n = cls;
    n->host += strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0;
    n->content_length += strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0;
    n->transfer_encoding += strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0;
    return MHD_YES;
}

/* 400 for what a proxy in front and this server could read differently
 * (request smuggling), and for a body a GET cannot have. libmicrohttpd takes
 * the first of two Content-Length headers, accepts HTTP/1.1 without Host, and
 * waits for the end of the stream on a Transfer-Encoding it does not know. */
static const char *ambiguous_request(struct MHD_Connection *c, const char *version, int is_get_or_head)
{
    header_counts n = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &n);
    if (n.host == 0 && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
        return "an HTTP/1.1 request needs a Host header";
    if (n.host > 1)
        return "more than one Host header";
    if (n.content_length > 1)
        return "more than one Content-Length header";
    if (n.content_length && n.transfer_encoding)
        return "both Content-Length and Transfer-Encoding";
    if (n.transfer_encoding && is_get_or_head)
        return "a GET or HEAD request has no body (Transfer-Encoding is not allowed)";
    return NULL;
}

/* A reply for a request refused at its first call (its headers): over a
 * connection limit, a request line refused by bgi_serve_begin, an ambiguous
 * request. 0 when the request may go on. */
static int refuse_early(bgi_reply *r, const bgi_server *s, bgi_request *req, struct MHD_Connection *c,
                        const char *version, int is_get_or_head)
{
    const char *why = NULL;
    unsigned status = bgi_guard_refusal(s->guard, req ? req->conn : bgi_guard_conn(c), &why);
    if (!status && !req) {
        status = 503;
        why = "out of memory";
    }
    if (!status && req->refuse) {
        status = req->refuse;
        why = req->refuse_why;
    }
    if (!status && (why = ambiguous_request(c, version, is_get_or_head)) != NULL)
        status = 400;
    if (status && req)
        req->refused = why;
    if (status)
        bgi_reply_error(r, status, why);
    return status != 0;
}

/* ---- routing ------------------------------------------------------------ */

typedef void (*endpoint)(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);

static endpoint route(const char *url)
{
    static const struct {
        const char *path;
        endpoint fn;
    } routes[] = {
        {"/", serve_page},
        {"/api/search", bgi_api_search},
        {"/api/reports", bgi_api_reports},
        {"/api/byyear", bgi_api_byyear},
        {"/api/figures", bgi_api_figures},
        {"/api/trend", bgi_api_trend},
        {"/api/compare", bgi_api_compare},
        {"/api/new", bgi_api_new},
        {"/api/gone", bgi_api_gone},
        {"/healthz", bgi_api_health},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(url, routes[i].path) == 0)
            return routes[i].fn;
    return NULL;
}

/* The endpoints whose path ends in an id: /api/passage/ID and the like. */
typedef void (*id_endpoint)(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *id);

static id_endpoint route_id(const char *url, const char **id)
{
    static const struct {
        const char *prefix;
        id_endpoint fn;
    } routes[] = {
        {"/api/passage/", bgi_api_passage},
        {"/api/like/", bgi_api_like},
        {"/api/report/", bgi_api_report},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strncmp(url, routes[i].prefix, strlen(routes[i].prefix)) == 0) {
            *id = url + strlen(routes[i].prefix);
            return routes[i].fn;
        }
    return NULL;
}

/* MHD calls the handler at least twice per request: once when the headers
 * are in, then for each piece of a request body, then once more at its end.
 * Answering at the first call makes MHD close the connection afterwards, so
 * GET and HEAD are answered at the last call, which keeps connections alive;
 * other methods, and requests refused for their request line, headers or
 * connection, are answered at once, without reading their bodies. */
enum MHD_Result bgi_serve_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    (void)upload;
    bgi_server *s = cls;
    bgi_request *req = *req_cls;
    int is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    int is_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    bgi_reply r;
    if (!req || !req->seen) {
        if (req) {
            req->seen = 1;
            copy_printable(req->method, sizeof req->method, method, strlen(method));
        }
        if (refuse_early(&r, s, req, c, version, is_get || is_head))
            return send_reply(c, s, req, &r, REPLY_CLOSE | (is_head ? REPLY_HEAD : 0));
        if (is_get || is_head)
            return MHD_YES;
    } else if (*upload_size) {
        *upload_size = 0;  /* a body sent with GET means nothing here */
        return MHD_YES;
    }
    /* The whole request is here: the deadline is for receiving it, not for
     * answering (a search may wait on a remote shard's own timeout). */
    bgi_guard_received(s->guard, req ? req->conn : bgi_guard_conn(c));
    endpoint fn = route(url);
    const char *id = NULL;
    id_endpoint by_id = route_id(url, &id);
    if (!fn && !by_id)
        bgi_reply_error(&r, 404, "not found: the API is /api/search, /api/byyear, /api/figures, /api/passage/ID, "
                                 "/api/like/ID, /api/report/ID, /api/trend, /api/compare, /api/new, /api/gone, "
                                 "/api/reports and /healthz");
    else if (!is_get && !is_head)
        bgi_reply_error(&r, 405, "method not allowed: only GET and HEAD");
    else if (by_id)
        by_id(&r, s, c, id);
    else
        fn(&r, s, c);
    unsigned how = ((fn || by_id) && !is_get && !is_head ? REPLY_ALLOW : 0) | (is_head ? REPLY_HEAD : 0);
    return send_reply(c, s, req, &r, how);
}
