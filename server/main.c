/* main.c — baogao-serve: a read-only HTTP server over one baogao index, with
 * a JSON API (the contract of `baogao-query --json`) and a search page.
 * Options, the listening socket and the daemon's life; the requests are
 * handled in http.c and api.c. */
#include "serve.h"
#include "cli.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const prog = "baogao-serve";

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_THREADS 4
#define MAX_THREADS 64
/* Per connection: the request line and headers must fit (a longer URL gets
 * 414, bigger headers 431), which also bounds the query text. */
#define CONNECTION_MEMORY (32 * 1024)
#define MAX_CONNECTIONS 1024
#define IDLE_TIMEOUT_SECONDS 30

static void usage(FILE *out)
{
    fputs("Usage: baogao-serve [OPTION]...\n"
          "Serve a baogao index over HTTP, read-only: a search page at /, and\n"
          "/api/search, /api/reports and /healthz (see docs/http.md).\n"
          "\n"
          "  --db PATH           index directory (default: $BAOGAO_DB, else\n"
          "                      ~/.local/share/baogao/index)\n"
          "  --listen HOST:PORT  address to listen on (default " DEFAULT_LISTEN ");\n"
          "                      [::1]:8080 for IPv6, port 0 picks a free port\n"
          "  --threads N         worker threads (default 4, at most 64)\n"
          "  --cors ORIGIN       allow pages from ORIGIN (or *) to call the API\n"
          "  --timeout MS        give up on a remote shard after MS milliseconds\n"
          "                      (default 5000; --db may be a stub, docs/scaling.md)\n"
          "  --partial           answer from the shards that are up; the JSON names\n"
          "                      the others in \"missing_shards\" (default: 503)\n"
          "  -h, --help          show this help\n"
          "      --version       show the version\n"
          "\n"
          "It prints \"listening on http://HOST:PORT/\" once ready, then one line per\n"
          "request on stderr; SIGINT or SIGTERM stop it.\n",
          out);
}

typedef struct options {
    const char *db;
    const char *listen;
    size_t threads;
    const char *cors;
    size_t timeout_ms;
    int partial;
} options;

/* 0 to run; -1 when done successfully (--help, --version); else the exit status. */
static int parse_options(options *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},   {"listen", required_argument, 0, 'l'},
        {"threads", required_argument, 0, 't'}, {"cors", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},       {"version", no_argument, 0, 'V'},
        {"timeout", required_argument, 0, 'T'}, {"partial", no_argument, 0, 'p'},
        {0, 0, 0, 0},
    };
    *o = (options){.listen = DEFAULT_LISTEN, .threads = DEFAULT_THREADS, .timeout_ms = 5000};
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': o->db = optarg; break;
        case 'l': o->listen = optarg; break;
        case 't':
            if (bgi_cli_parse_size(&o->threads, optarg, MAX_THREADS) || o->threads == 0) {
                bgi_cli_error(prog, "--threads: '%s' is not a number from 1 to %d", optarg, MAX_THREADS);
                return 2;
            }
            break;
        case 'c': o->cors = optarg; break;
        case 'T':
            if (bgi_cli_parse_size(&o->timeout_ms, optarg, 3600000) || o->timeout_ms == 0) {
                bgi_cli_error(prog, "--timeout: '%s' is not a number of milliseconds from 1 to 3600000", optarg);
                return 2;
            }
            break;
        case 'p': o->partial = 1; break;
        case 'h': usage(stdout); return -1;
        case 'V': printf("baogao-serve %s\n", bg_version()); return -1;
        default: fprintf(stderr, "Try 'baogao-serve --help' for more information.\n"); return 2;
        }
    }
    if (optind < argc) {
        bgi_cli_error(prog, "unexpected argument '%s' (try --help)", argv[optind]);
        return 2;
    }
    return 0;
}

/* Parses "127.0.0.1:8080" or "[::1]:8080" into a socket address. Only numeric
 * hosts: resolving names would make the bound address depend on DNS. */
static int parse_listen(struct sockaddr_storage *ss, int *is_v6, const char *spec)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    size_t port;
    if (!colon || bgi_cli_parse_size(&port, colon + 1, 65535))
        return -1;
    size_t n = (size_t)(colon - spec);
    *is_v6 = n >= 2 && spec[0] == '[' && spec[n - 1] == ']';
    if (*is_v6)
        spec++, n -= 2;
    if (n == 0 || n >= sizeof host)
        return -1;
    memcpy(host, spec, n);
    host[n] = '\0';
    memset(ss, 0, sizeof *ss);
    if (*is_v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host, &a->sin6_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

static struct MHD_Daemon *start_daemon(bgi_server *s, const struct sockaddr_storage *addr, int is_v6,
                                       size_t threads)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (is_v6)
        flags |= MHD_USE_IPv6;
    return MHD_start_daemon(flags, 0, NULL, NULL, bgi_serve_handle, s,
                            MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_SECONDS,
                            MHD_OPTION_URI_LOG_CALLBACK, bgi_serve_begin, s,
                            MHD_OPTION_NOTIFY_COMPLETED, bgi_serve_end, s,
                            MHD_OPTION_END);
}

/* Opens the index once before listening, so a wrong --db fails at start with
 * the library's message instead of as 503s later. */
static int check_index(bgi_ix_pool *pool, const char *db)
{
    bg_index *ix = NULL;
    if (bgi_ix_pool_take(&ix, pool) != BG_OK) {
        bgi_cli_error(prog, "%s", bg_errmsg());
        return -1;
    }
    bgi_ix_pool_give(pool, ix, 1);
    fprintf(stderr, "%s: serving index %s\n", prog, db);
    return 0;
}

/* Blocks until SIGINT or SIGTERM. The signals were blocked in every thread
 * (MHD's workers inherit the mask), so only this sigwait() receives them. */
static void wait_for_stop(const sigset_t *stop)
{
    int sig = 0;
    while (sigwait(stop, &sig) != 0)
        ;
    fprintf(stderr, "%s: stopping (%s)\n", prog, strsignal(sig));
}

static int serve(const options *o, const char *db)
{
    struct sockaddr_storage addr;
    int is_v6 = 0;
    if (parse_listen(&addr, &is_v6, o->listen) != 0) {
        bgi_cli_error(prog, "--listen: '%s' is not HOST:PORT with a numeric host (127.0.0.1:8080, [::1]:8080)",
                     o->listen);
        return 2;
    }
    bgi_server s = {.pool = bgi_ix_pool_new(db, o->threads, (unsigned)o->timeout_ms, o->partial),
                   .cors_origin = o->cors};
    if (!s.pool) {
        bgi_cli_error(prog, "out of memory");
        return 2;
    }
    if (check_index(s.pool, db) != 0) {
        bgi_ix_pool_free(s.pool);
        return 2;
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);  /* a client that hangs up must not kill the server */
    struct MHD_Daemon *d = start_daemon(&s, &addr, is_v6, o->threads);
    if (!d) {
        bgi_cli_error(prog, "cannot listen on %s (address in use, or not a local address?)", o->listen);
        bgi_ix_pool_free(s.pool);
        return 2;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(o->listen, ':') - o->listen), o->listen);
    fprintf(stderr, "%s: listening on http://%s:%u/ (%zu threads)\n", prog, host, info ? info->port : 0,
            o->threads);
    wait_for_stop(&stop);
    MHD_stop_daemon(d);
    bgi_ix_pool_free(s.pool);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    int rc = parse_options(&o, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;
    char *db_default = o.db ? NULL : bg_default_index_path();
    if (!o.db && !db_default) {
        bgi_cli_error(prog, "out of memory");
        return 2;
    }
    rc = serve(&o, o.db ? o.db : db_default);
    bg_free(db_default);
    return rc;
}
