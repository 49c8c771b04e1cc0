/* serve.h — baogao-serve's HTTP layer, between libmicrohttpd (http.c: request
 * lifecycle, routing, headers, access log) and the endpoints (api.c), plus the
 * embedded search page (page.html, turned into page.c at build time). */
#ifndef BG_SERVE_H
#define BG_SERVE_H

#include <microhttpd.h>
#include <stddef.h>

#include "guard.h"
#include "pool.h"

/* Read-only configuration shared by every worker thread. */
typedef struct bgi_server {
    bgi_ix_pool *pool;
    bgi_guard *guard;          /* deadlines and connection limits */
    const char *cors_origin;   /* NULL: send no CORS headers */
} bgi_server;

/* What an endpoint answers. body is released with release() once sent
 * (NULL release: body is static). */
typedef struct bgi_reply {
    unsigned status;
    const char *content_type;
    char *body;
    size_t len;
    void (*release)(void *);
} bgi_reply;

/* Limits on what a client may ask for (docs/http.md). */
#define BG_SERVE_MAX_QUERY 6144      /* bytes of q: a pasted text of 2,000 characters (the
                                        library's limit for one; other queries 1,024) */
#define BG_SERVE_MAX_BODY 256        /* bytes of the body filter */
#define BG_SERVE_MAX_LIMIT 100       /* results per page */
#define BG_SERVE_MAX_OFFSET 10000    /* deepest page start */
/* The request line: a longer URI, or more query parameters, gets 414. The API
 * takes a dozen parameters and a query of 6,144 bytes (18 KB encoded). */
#define BG_SERVE_MAX_URI 20480
#define BG_SERVE_MAX_URI_TEXT "20480"
#define BG_SERVE_MAX_PARAMS 64
#define BG_SERVE_MAX_PARAMS_TEXT "64"

/* The endpoints; each fills r completely. */
void bgi_api_search(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
void bgi_api_reports(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
/* GET /api/passage/{id}?context=N: the passage with N passages on each side;
 * /api/like/{id}, /api/byyear, /api/figures: the JSON of baogao-query's
 * --like, --by-year and --figures (docs/http.md). */
void bgi_api_passage(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *id);
void bgi_api_like(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *id);
void bgi_api_report(bgi_reply *r, bgi_server *s, struct MHD_Connection *c, const char *id);
void bgi_api_byyear(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
void bgi_api_figures(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
/* GET /api/trend?q=: baogao-query --trend's JSON (docs/years.md). */
void bgi_api_trend(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
/* GET /api/compare?q=&a=&b=: baogao-query --compare's JSON (docs/years.md). */
void bgi_api_compare(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
void bgi_api_new(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
void bgi_api_gone(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);
void bgi_api_health(bgi_reply *r, bgi_server *s, struct MHD_Connection *c);

/* An error reply {"error": message} with the given HTTP status. */
void bgi_reply_error(bgi_reply *r, unsigned status, const char *message);

/* libmicrohttpd callbacks (cls is the bgi_server): a request begins (the URI
 * log callback, which starts the access-log clock), is handled, and ends (the
 * completion callback, which writes its access-log line). */
void *bgi_serve_begin(void *cls, const char *uri, struct MHD_Connection *c);
enum MHD_Result bgi_serve_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                const char *version, const char *upload, size_t *upload_size, void **req_cls);
void bgi_serve_end(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe);

/* Builds what the replies share (the page's Content-Security-Policy); call
 * once before the daemon starts. */
void bgi_serve_init(void);

/* The search page (page.html), NUL-terminated, and the base64 SHA-256 of its
 * inline script and style sheet, for the Content-Security-Policy. */
extern const char bgi_page_html[];
extern const size_t bgi_page_html_len;
extern const char bgi_page_script_sha256[];
extern const char bgi_page_style_sha256[];

#endif
