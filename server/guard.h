/* guard.h — baogao-serve's connection guard: the limits libmicrohttpd 0.9.75
 * cannot enforce by itself.
 *
 * - A deadline for receiving a whole request (request line, headers and any
 *   body), counted from the moment the server starts waiting for it (the
 *   connection's accept, or the end of the previous reply) and never restarted
 *   by a trickle of bytes: MHD_OPTION_CONNECTION_TIMEOUT restarts at every
 *   byte, so one byte a second holds a connection for ever. A watchdog thread
 *   sends 408 to a connection past its deadline and shuts its socket down;
 *   libmicrohttpd then sees the end of the stream and closes it.
 * - Connection limits that answer 503 instead of closing silently: past the
 *   per-client or total limit a connection is marked, and its request gets
 *   503. libmicrohttpd's own limits, set higher (main.c), stay as the hard
 *   bound: past them a connection is closed at accept.
 *
 * Every connection is tracked from libmicrohttpd's NOTIFY_CONNECTION STARTED
 * to CLOSED (which runs before the socket is closed, so a tracked fd is always
 * the connection's own). */
#ifndef BG_SERVE_GUARD_H
#define BG_SERVE_GUARD_H

#include <microhttpd.h>
#include <stddef.h>
#include <time.h>

typedef struct bgi_guard bgi_guard;

/* Limits; 0 for max_per_client or soft_total means no limit. */
typedef struct bgi_guard_limits {
    unsigned header_timeout_ms; /* deadline for a whole request */
    size_t max_per_client;      /* connections from one address before 503 */
    size_t soft_total;          /* connections in all before 503 */
} bgi_guard_limits;

/* What the guard knows about one connection; owned by the guard. */
typedef struct bgi_conn bgi_conn;

/* A guard with its watchdog thread running; NULL when out of memory or
 * threads. */
bgi_guard *bgi_guard_start(const bgi_guard_limits *limits);

/* Stops the watchdog and frees the guard; call after MHD_stop_daemon. */
void bgi_guard_stop(bgi_guard *g);

/* MHD_OPTION_NOTIFY_CONNECTION callback (cls is the guard). */
void bgi_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code);

/* The connection's guard record (NULL when it could not be allocated). */
bgi_conn *bgi_guard_conn(struct MHD_Connection *c);

/* The status a new request on this connection must get instead of being
 * served (503: over a connection limit), or 0; *why is set to the reason. */
unsigned bgi_guard_refusal(bgi_guard *g, bgi_conn *conn, const char **why);

/* A request line arrived on conn (the access log's clock starts). */
void bgi_guard_request_begun(bgi_guard *g, bgi_conn *conn);

/* The whole request is in (or is refused before its body): the deadline stops
 * until the reply has been sent, however long the search takes. */
void bgi_guard_received(bgi_guard *g, bgi_conn *conn);

/* The request on conn ended and was logged. Returns 1 when the watchdog cut it
 * (the log line must then say 408), and restarts the deadline for the next
 * request on a kept-alive connection. */
int bgi_guard_request_ended(bgi_guard *g, bgi_conn *conn);

/* Called from libmicrohttpd's error logger: libmicrohttpd is about to answer
 * a request with status by itself (its own 400, 413, 414 or 431). */
void bgi_guard_note_mhd_refusal(unsigned status);

/* Connections open now (for tests and the start-up line). */
size_t bgi_guard_open_connections(bgi_guard *g);

/* Writes one access-log line on stderr (shared with http.c so that every line
 * has the same shape). ms < 0 is written as "-". */
void bgi_access_log(const char *method, const char *path, unsigned status, size_t bytes, double ms,
                    const char *note);

#endif
