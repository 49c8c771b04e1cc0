/* guard.c — the request deadline and the connection limits of baogao-serve
 * (see guard.h): a list of open connections under one mutex, and a watchdog
 * thread that cuts the ones past their deadline. */
#include "guard.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#ifdef __linux__
#include <linux/tcp.h>
#endif

/* How often the watchdog looks: a connection is cut at most this late. */
#define WATCHDOG_TICK_MS 50

struct bgi_conn {
    bgi_conn *prev, *next;
    int fd;
    int family;
    unsigned char addr[16];     /* the client's address (IPv4 in the first 4 bytes) */
    struct timespec since;      /* the deadline counts from here */
    int waiting;                /* the server waits for a request: the deadline runs */
    uint64_t rx_mark;           /* bytes received when the wait began */
    int timed_out;              /* the watchdog cut it in the middle of a request */
    int cut_logged;             /* ... and the request's log line said so */
    int in_request;             /* a request line arrived and its log line is not written yet */
    unsigned refuse;            /* 503 for every request, or 0 */
    const char *refuse_why;
};

struct bgi_guard {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t watchdog;
    int stopping;
    bgi_guard_limits limits;
    bgi_conn *head;
    size_t n_open;
};

/* Set by libmicrohttpd's error logger on the thread that handles the refused
 * connection, read when that connection closes (see bgi_guard_note_mhd_refusal). */
static _Thread_local unsigned mhd_refusal;

static double ms_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

void bgi_access_log(const char *method, const char *path, unsigned status, size_t bytes, double ms,
                    const char *note)
{
    char when[32], took[32] = "-";
    time_t now = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    if (ms >= 0)
        snprintf(took, sizeof took, "%.1fms", ms);
    /* One fprintf per line: stdio locks the stream, so lines from different
     * threads never interleave. */
    fprintf(stderr, "%s %s %s %u %zu %s%s\n", when, method, path, status, bytes, took, note ? note : "");
}

/* ---- the watchdog -------------------------------------------------------- */

/* Bytes received on the socket so far (UINT64_MAX when unknown). */
static uint64_t bytes_received(int fd)
{
#if defined(__linux__) && defined(TCP_INFO)
    struct tcp_info ti;
    socklen_t len = sizeof ti;
    memset(&ti, 0, sizeof ti);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0
        && len >= offsetof(struct tcp_info, tcpi_bytes_received) + sizeof ti.tcpi_bytes_received)
        return ti.tcpi_bytes_received;
#else
    (void)fd;
#endif
    return UINT64_MAX;
}

/* The 408 sent to a connection cut at its deadline; best effort (a client
 * that does not read gets only the close). */
static void send_timeout_reply(int fd, unsigned timeout_ms)
{
    char body[96], reply[256];
    int blen = snprintf(body, sizeof body, "{\"error\":\"the request did not arrive within %u ms\"}", timeout_ms);
    int n = snprintf(reply, sizeof reply,
                     "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                     "Content-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s",
                     blen, body);
    if (n > 0 && (size_t)n < sizeof reply)
        (void)!send(fd, reply, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Cuts every connection past its deadline. Runs under g->lock, which the
 * CLOSED notification also takes before libmicrohttpd closes the socket: a
 * listed fd is always still the connection's own. */
static void cut_late_connections(bgi_guard *g, const struct timespec *now)
{
    for (bgi_conn *c = g->head; c; c = c->next) {
        if (!c->waiting || ms_between(&c->since, now) < g->limits.header_timeout_ms)
            continue;
        /* A connection that sent nothing since the wait began is idle (a kept-
         * alive connection, or one a browser opened ahead of use): it is just
         * closed. One that sent part of a request gets 408 and a log line. */
        c->waiting = 0;
        if (bytes_received(c->fd) != c->rx_mark) {
            c->timed_out = 1;
            send_timeout_reply(c->fd, g->limits.header_timeout_ms);
        }
        /* Not close(): the socket is libmicrohttpd's. It reads the end of the
         * stream next and closes the connection itself. */
        shutdown(c->fd, SHUT_RDWR);
    }
}

static void *watchdog_main(void *arg)
{
    bgi_guard *g = arg;
    pthread_mutex_lock(&g->lock);
    while (!g->stopping) {
        struct timespec now, until;
        clock_gettime(CLOCK_MONOTONIC, &now);
        cut_late_connections(g, &now);
        until = now;
        until.tv_nsec += WATCHDOG_TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&g->wake, &g->lock, &until);
    }
    pthread_mutex_unlock(&g->lock);
    return NULL;
}

bgi_guard *bgi_guard_start(const bgi_guard_limits *limits)
{
    bgi_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->limits = *limits;
    pthread_condattr_t attr;
    int ok = pthread_condattr_init(&attr) == 0;
    ok = ok && pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&g->wake, &attr) == 0;
    pthread_condattr_destroy(&attr);
    if (!ok || pthread_mutex_init(&g->lock, NULL) != 0) {
        free(g);
        return NULL;
    }
    if (pthread_create(&g->watchdog, NULL, watchdog_main, g) != 0) {
        pthread_mutex_destroy(&g->lock);
        pthread_cond_destroy(&g->wake);
        free(g);
        return NULL;
    }
    return g;
}

void bgi_guard_stop(bgi_guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    g->stopping = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->watchdog, NULL);
    /* MHD_stop_daemon closed every connection, so the list is empty. */
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->wake);
    free(g);
}

/* ---- connections --------------------------------------------------------- */

static void read_address(bgi_conn *c, struct MHD_Connection *mc)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    c->family = sa ? sa->sa_family : AF_UNSPEC;
    if (c->family == AF_INET)
        memcpy(c->addr, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    else if (c->family == AF_INET6)
        memcpy(c->addr, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
}

static int same_client(const bgi_conn *a, const bgi_conn *b)
{
    return a->family == b->family && memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

/* Marks a new connection that is over a limit (under g->lock, c listed). */
static void apply_limits(bgi_guard *g, bgi_conn *c)
{
    if (g->limits.soft_total && g->n_open > g->limits.soft_total) {
        c->refuse = 503;
        c->refuse_why = "the server has too many open connections; try again later";
        return;
    }
    if (!g->limits.max_per_client || c->family == AF_UNSPEC)
        return;
    size_t same = 0;
    for (const bgi_conn *o = g->head; o; o = o->next)
        same += same_client(o, c);
    if (same > g->limits.max_per_client) {
        c->refuse = 503;
        c->refuse_why = "too many connections from this client; close some and try again";
    }
}

static void conn_started(bgi_guard *g, struct MHD_Connection *mc, void **socket_context)
{
    bgi_conn *c = calloc(1, sizeof *c);
    *socket_context = c;
    if (!c)
        return;  /* served without the guard: better than refusing it */
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
    c->fd = fd ? fd->connect_fd : -1;
    read_address(c, mc);
    clock_gettime(CLOCK_MONOTONIC, &c->since);
    c->waiting = c->fd >= 0;
    pthread_mutex_lock(&g->lock);
    c->next = g->head;
    if (g->head)
        g->head->prev = c;
    g->head = c;
    g->n_open++;
    apply_limits(g, c);
    pthread_mutex_unlock(&g->lock);
}

/* A connection that closes without a request in progress gets a log line
 * only when something was refused: the watchdog cut it before its request
 * line was complete, or libmicrohttpd answered its request line itself. */
static void log_closed(const bgi_conn *c, int timed_out, unsigned timeout_ms)
{
    if (timed_out) {
        bgi_access_log("-", "-", 408, 0, timeout_ms, " (no complete request before the deadline)");
    } else if (mhd_refusal) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        bgi_access_log("-", "-", mhd_refusal, 0, ms_between(&c->since, &now), " (refused by libmicrohttpd)");
    }
    mhd_refusal = 0;
}

static void conn_closed(bgi_guard *g, bgi_conn *c)
{
    pthread_mutex_lock(&g->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        g->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    g->n_open--;
    int timed_out = c->timed_out && !c->cut_logged, in_request = c->in_request;
    pthread_mutex_unlock(&g->lock);
    if (!in_request)
        log_closed(c, timed_out, g->limits.header_timeout_ms);
    free(c);
}

void bgi_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
    bgi_guard *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        conn_started(g, c, socket_context);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        conn_closed(g, *socket_context);
        *socket_context = NULL;
    }
}

bgi_conn *bgi_guard_conn(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

unsigned bgi_guard_refusal(bgi_guard *g, bgi_conn *conn, const char **why)
{
    (void)g;  /* refuse is written once, at STARTED, before any request */
    *why = conn ? conn->refuse_why : NULL;
    return conn ? conn->refuse : 0;
}

void bgi_guard_request_begun(bgi_guard *g, bgi_conn *conn)
{
    if (!conn)
        return;
    pthread_mutex_lock(&g->lock);
    conn->in_request = 1;
    pthread_mutex_unlock(&g->lock);
}

void bgi_guard_received(bgi_guard *g, bgi_conn *conn)
{
    if (!conn)
        return;
    pthread_mutex_lock(&g->lock);
    conn->waiting = 0;
    pthread_mutex_unlock(&g->lock);
}

int bgi_guard_request_ended(bgi_guard *g, bgi_conn *conn)
{
    mhd_refusal = 0;
    if (!conn)
        return 0;
    pthread_mutex_lock(&g->lock);
    int timed_out = conn->timed_out;
    conn->in_request = 0;
    conn->cut_logged = timed_out;
    if (!timed_out && conn->fd >= 0) {
        /* Kept alive: the next request has the same deadline, from now. */
        conn->waiting = 1;
        conn->rx_mark = bytes_received(conn->fd);
        clock_gettime(CLOCK_MONOTONIC, &conn->since);
    }
    pthread_mutex_unlock(&g->lock);
    return timed_out;
}

void bgi_guard_note_mhd_refusal(unsigned status)
{
    mhd_refusal = status;
}

size_t bgi_guard_open_connections(bgi_guard *g)
{
    pthread_mutex_lock(&g->lock);
    size_t n = g->n_open;
    pthread_mutex_unlock(&g->lock);
    return n;
}
