/* http.c — baogao-serve's request lifecycle on libmicrohttpd: routing to the
 * endpoints, the headers every reply carries (type, CORS, hardening), and one
 * access-log line per request on stderr. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Per-request state, from the URI log callback (the earliest point MHD offers,
 * so the logged time includes reading the request) to the completion callback. */
typedef struct bgi_request {
    struct timespec start;
    char method[16];
    char path[128];
    int seen;            /* the handler has been called for it */
    unsigned status;     /* 0 until a reply is queued */
    size_t bytes;        /* body bytes of the reply */
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

void *bgi_serve_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    bgi_request *req = calloc(1, sizeof *req);
    if (!req)
        return NULL;  /* the request is still served, just not logged */
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

void bgi_serve_end(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    bgi_request *req = *req_cls;
    if (!req)
        return;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    /* One fprintf per line: stdio locks the stream, so lines from different
     * worker threads never interleave. */
    fprintf(stderr, "%s %s %s %u %zu %.1fms%s\n", when, req->method, req->path, req->status, req->bytes,
            ms_since(&req->start), toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)");
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

/* The page loads nothing from anywhere: forbid everything else it could. */
static const char page_policy[] =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
    "img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static int add_headers(struct MHD_Response *resp, const bgi_server *s, const bgi_reply *r, int method_not_allowed)
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

static enum MHD_Result send_reply(struct MHD_Connection *c, const bgi_server *s, bgi_request *req, bgi_reply *r,
                                  int method_not_allowed, int is_head)
{
    struct MHD_Response *resp = make_response(r);
    if (!resp)
        return MHD_NO;  /* out of memory: MHD closes the connection */
    enum MHD_Result rc = add_headers(resp, s, r, method_not_allowed) ? MHD_queue_response(c, r->status, resp) : MHD_NO;
    MHD_destroy_response(resp);
    if (req && rc == MHD_YES) {
        req->status = r->status;
        req->bytes = is_head ? 0 : r->len;
    }
    return rc;
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
        {"/healthz", bgi_api_health},
    };
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(url, routes[i].path) == 0)
            return routes[i].fn;
    return NULL;
}

/* MHD calls the handler at least twice per request: once when the headers
 * are in, then for each piece of a request body, then once more at its end.
 * Answering at the first call makes MHD close the connection afterwards, so
 * GET and HEAD are answered at the last call, which keeps connections alive;
 * other methods are refused at once, without reading their bodies. */
enum MHD_Result bgi_serve_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
    (void)version;
    (void)upload;
    bgi_server *s = cls;
    bgi_request *req = *req_cls;
    int is_get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    int is_head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    if (req && !req->seen) {
        req->seen = 1;
        copy_printable(req->method, sizeof req->method, method, strlen(method));
        if (is_get || is_head)
            return MHD_YES;
    } else if (*upload_size) {
        *upload_size = 0;  /* a body sent with GET means nothing here */
        return MHD_YES;
    }
    endpoint fn = route(url);
    bgi_reply r;
    if (!fn)
        bgi_reply_error(&r, 404, "not found: the API is /api/search, /api/reports and /healthz");
    else if (!is_get && !is_head)
        bgi_reply_error(&r, 405, "method not allowed: only GET and HEAD");
    else
        fn(&r, s, c);
    return send_reply(c, s, req, &r, fn && !is_get && !is_head, is_head);
}
