/* main.c — baogao-serve: a read-only HTTP server over one baogao index, with
 * a JSON API (the contract of `baogao-query --json`) and a search page.
 * Options, the listening socket and the daemon's life; the requests are
 * handled in http.c and api.c. */
#include "serve.h"
#include "cli.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>

static const char *const prog = "baogao-serve";

#define DEFAULT_LISTEN "127.0.0.1:8080"
#define DEFAULT_THREADS 4
#define MAX_THREADS 64
/* Per connection: the request line and headers must fit (a longer URL gets
 * 414, bigger headers 431), which also bounds the query text. */
#define CONNECTION_MEMORY (64 * 1024)
/* The most connections served at once, whatever the file-descriptor limit
 * allows (each costs up to CONNECTION_MEMORY). */
#define MAX_CONNECTIONS 4096
/* A reply the client does not read is dropped after this long without
 * progress; receiving a request has its own deadline (--header-timeout). */
#define IDLE_TIMEOUT_SECONDS 30
#define DEFAULT_HEADER_TIMEOUT_MS 2000
#define DEFAULT_PER_CLIENT 16
/* Fewest connections worth starting with: fewer means the fd limit is too low. */
#define MIN_CONNECTIONS 8

static void usage(FILE *out)
{
    fputs("Usage: baogao-serve [OPTION]...\n"
          "Serve a baogao index over HTTP, read-only: a search page at /, and\n"
          "/api/search, /api/reports and /healthz (see docs/http.md).\n"
          "\n"
          "  --db PATH           index directory (default: $BAOGAO_DB, else\n"
          "                      ~/.local/share/baogao/index)\n"
          "  --listen HOST:PORT  address to listen on (default " DEFAULT_LISTEN ");\n"
          "                      [::1]:8080 for IPv6, localhost:8080, :8080 for every\n"
          "                      IPv4 interface; port 0 picks a free port\n"
          "  --threads N         worker threads (default 4, at most 64)\n"
          "  --cors ORIGIN       allow pages from ORIGIN (or *) to call the API\n"
          "  --timeout MS        give up on a remote shard after MS milliseconds\n"
          "                      (default 5000; --db may be a stub, docs/scaling.md)\n"
          "  --partial           answer from the shards that are up; the JSON names\n"
          "                      the others in \"missing_shards\" (default: 503)\n"
          "  --header-timeout MS a request must arrive whole within MS milliseconds\n"
          "                      (default 2000); slower ones get 408\n"
          "  --max-per-client N  connections one address may hold (default 16, 0 for\n"
          "                      no limit); more get 503\n"
          "  --max-connections N connections in all (default: what the file-descriptor\n"
          "                      limit leaves after the index's files); more get 503\n"
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
    size_t header_timeout_ms;
    size_t per_client;
    size_t max_connections;   /* 0: derived from the fd limit */
} options;

/* 0 to run; -1 when done successfully (--help, --version); else the exit status. */
static int parse_options(options *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},   {"listen", required_argument, 0, 'l'},
        {"threads", required_argument, 0, 't'}, {"cors", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},       {"version", no_argument, 0, 'V'},
        {"timeout", required_argument, 0, 'T'}, {"partial", no_argument, 0, 'p'},
        {"header-timeout", required_argument, 0, 'H'}, {"max-per-client", required_argument, 0, 'P'},
        {"max-connections", required_argument, 0, 'C'},
        {0, 0, 0, 0},
    };
    *o = (options){.listen = DEFAULT_LISTEN, .threads = DEFAULT_THREADS, .timeout_ms = 5000,
                   .header_timeout_ms = DEFAULT_HEADER_TIMEOUT_MS, .per_client = DEFAULT_PER_CLIENT};
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
        case 'H':
            if (bgi_cli_parse_size(&o->header_timeout_ms, optarg, 600000) || o->header_timeout_ms < 100) {
                bgi_cli_error(prog, "--header-timeout: '%s' is not a number of milliseconds from 100 to 600000",
                              optarg);
                return 2;
            }
            break;
        case 'P':
            if (bgi_cli_parse_size(&o->per_client, optarg, MAX_CONNECTIONS)) {
                bgi_cli_error(prog, "--max-per-client: '%s' is not a number from 0 to %d", optarg, MAX_CONNECTIONS);
                return 2;
            }
            break;
        case 'C':
            if (bgi_cli_parse_size(&o->max_connections, optarg, MAX_CONNECTIONS) || o->max_connections == 0) {
                bgi_cli_error(prog, "--max-connections: '%s' is not a number from 1 to %d", optarg, MAX_CONNECTIONS);
                return 2;
            }
            break;
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

/* Parses "127.0.0.1:8080", "[::1]:8080", "localhost:8080" (127.0.0.1) or
 * ":8080" (every IPv4 interface) into a socket address. No other names:
 * resolving them would make the bound address depend on DNS. */
static int parse_listen(struct sockaddr_storage *ss, int *is_v6, const char *spec)
{
    char host[64];
    const char *colon = strrchr(spec, ':');
    size_t port;
    if (!colon || bgi_cli_parse_size(&port, colon + 1, 65535))
        return -1;
    size_t n = (size_t)(colon - spec);
    if (n == 0)
        spec = "0.0.0.0", n = strlen(spec);
    else if (n == strlen("localhost") && strncmp(spec, "localhost", n) == 0)
        spec = "127.0.0.1", n = strlen(spec);
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

/* The connection limits, worked out from the file-descriptor limit. */
typedef struct limits {
    size_t connections;      /* served at once; more get 503 */
    size_t hard;             /* accepted at all (libmicrohttpd closes the rest at accept) */
    size_t per_client, per_client_hard;
    long nofile, reserved, per_handle;
} limits;

/* Open file descriptors of this process, or -1 when /proc is not there. */
static long count_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    long n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1;  /* the directory's own */
}

/* Every connection is a descriptor, and so is every file of every shard of
 * every pooled index handle (about 6 per shard; at most one handle per worker
 * thread). Whatever the handles and the server need is kept back, with room
 * for the index to grow new shards; the rest is for connections. Without this
 * a flood of connections left no descriptor for opening the index, and
 * searches failed with "Too many open files". */
static int work_out_limits(limits *l, const options *o, long fds_now, long per_handle)
{
    struct rlimit rl;
    l->nofile = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : 65536;
    l->per_handle = per_handle;
    long threads = (long)o->threads;
    /* Handles of every thread, half as much again for shards added while
     * serving, the listening socket, an epoll and an event descriptor per
     * worker, and some to spare. */
    l->reserved = fds_now + threads * per_handle + threads * per_handle / 2 + 2 * threads + 16;
    long budget = l->nofile - l->reserved;
    /* Up to connections/8 more are accepted only to be answered 503. */
    long fit = budget * 8 / 9;
    if (fit < MIN_CONNECTIONS) {
        bgi_cli_error(prog,
                      "the file-descriptor limit (%ld) leaves room for %ld connections: the index and %zu threads "
                      "need about %ld (%ld per index handle); raise 'ulimit -n' or lower --threads",
                      l->nofile, fit < 0 ? 0 : fit, o->threads, l->reserved, per_handle);
        return -1;
    }
    l->connections = fit < MAX_CONNECTIONS ? (size_t)fit : MAX_CONNECTIONS;
    if (o->max_connections && o->max_connections <= l->connections)
        l->connections = o->max_connections;
    else if (o->max_connections)
        fprintf(stderr, "%s: --max-connections %zu lowered to %zu: the file-descriptor limit allows no more\n", prog,
                o->max_connections, l->connections);
    l->hard = l->connections + l->connections / 8 + 1;
    l->per_client = o->per_client;
    l->per_client_hard = o->per_client ? o->per_client * 2 : 0;
    return 0;
}

/* libmicrohttpd's own messages, one line each with the program's name. The
 * requests it answers by itself are noted for the access log (guard.c). */
static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    static const char refusal[] = "Error processing request (HTTP response code is ";
    if (strncmp(fmt, refusal, sizeof refusal - 1) == 0) {
        va_list copy;
        va_copy(copy, ap);
        bgi_guard_note_mhd_refusal(va_arg(copy, unsigned));
        va_end(copy);
    }
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    fprintf(stderr, "%s: libmicrohttpd: %s\n", prog, line);
}

static struct MHD_Daemon *start_daemon(bgi_server *s, const struct sockaddr_storage *addr, int is_v6,
                                       size_t threads, const limits *l)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (is_v6)
        flags |= MHD_USE_IPv6;
    return MHD_start_daemon(flags, 0, NULL, NULL, bgi_serve_handle, s,
                            /* First, so that every message goes through it. */
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
                            MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)l->hard,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)l->per_client_hard,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_SECONDS,
                            MHD_OPTION_NOTIFY_CONNECTION, bgi_guard_notify, s->guard,
                            MHD_OPTION_URI_LOG_CALLBACK, bgi_serve_begin, s,
                            MHD_OPTION_NOTIFY_COMPLETED, bgi_serve_end, s,
                            MHD_OPTION_END);
}

/* Descriptors one index handle holds once it has searched: Xapian opens the
 * six tables of a glass shard (postlist, position, termlist, docdata,
 * spelling, synonym) on first use; a remote shard is one socket. Two more for
 * the stub and a version file being read. */
#define FILES_PER_SHARD 6

/* Opens the index once before listening, so a wrong --db fails at start with
 * the library's message instead of as 503s later, and works out how many
 * descriptors one handle may hold (*per_handle) from its number of shards. */
static int check_index(bgi_ix_pool *pool, const char *db, long *per_handle)
{
    bg_index *ix = NULL;
    char *status = NULL;
    if (bgi_ix_pool_take(&ix, pool) != BG_OK || !(status = bg_index_status_json(ix))) {
        bgi_cli_error(prog, "%s", bg_errmsg());
        bgi_ix_pool_give(pool, ix, 0);
        return -1;
    }
    cJSON *doc = cJSON_Parse(status);
    const cJSON *shards = cJSON_GetObjectItemCaseSensitive(doc, "shards");
    *per_handle = (cJSON_IsNumber(shards) ? (long)shards->valuedouble : 40) * FILES_PER_SHARD + 2;
    cJSON_Delete(doc);
    bg_free(status);
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

static void print_limits(const limits *l, const options *o)
{
    char per_client[64] = "no limit per client";
    if (l->per_client)
        snprintf(per_client, sizeof per_client, "%zu per client", l->per_client);
    fprintf(stderr,
            "%s: limits: %zu connections (fd limit %ld, %ld kept for the index and the server: %ld per index "
            "handle), %s, 503 beyond them; a request must arrive within %zu ms\n",
            prog, l->connections, l->nofile, l->reserved, l->per_handle, per_client, o->header_timeout_ms);
}

static int serve(const options *o, const char *db)
{
    struct sockaddr_storage addr;
    int is_v6 = 0;
    if (parse_listen(&addr, &is_v6, o->listen) != 0) {
        bgi_cli_error(prog, "--listen: '%s' is not HOST:PORT with a numeric host, localhost or none (127.0.0.1:8080, [::1]:8080, localhost:8080, :8080)",
                     o->listen);
        return 2;
    }
    bgi_server s = {.pool = bgi_ix_pool_new(db, o->threads, (unsigned)o->timeout_ms, o->partial),
                   .cors_origin = o->cors};
    if (!s.pool) {
        bgi_cli_error(prog, "out of memory");
        return 2;
    }
    long per_handle = 0, fds_now;
    limits l;
    if (check_index(s.pool, db, &per_handle) != 0
        /* Without /proc to count them, assume 64 are open. */
        || work_out_limits(&l, o, (fds_now = count_open_fds()) >= 0 ? fds_now : 64, per_handle) != 0) {
        bgi_ix_pool_free(s.pool);
        return 2;
    }
    /* Blocked before any thread starts (the watchdog's and MHD's inherit the
     * mask), so only wait_for_stop() receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);  /* a client that hangs up must not kill the server */
    bgi_guard_limits gl = {.header_timeout_ms = (unsigned)o->header_timeout_ms,
                           .max_per_client = l.per_client, .soft_total = l.connections};
    if (!(s.guard = bgi_guard_start(&gl))) {
        bgi_cli_error(prog, "cannot start the watchdog thread");
        bgi_ix_pool_free(s.pool);
        return 2;
    }
    bgi_serve_init();
    struct MHD_Daemon *d = start_daemon(&s, &addr, is_v6, o->threads, &l);
    if (!d) {
        bgi_cli_error(prog, "cannot listen on %s (address in use, or not a local address?)", o->listen);
        bgi_guard_stop(s.guard);
        bgi_ix_pool_free(s.pool);
        return 2;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    int host_len = (int)(strrchr(o->listen, ':') - o->listen);
    snprintf(host, sizeof host, "%.*s", host_len ? host_len : 7, host_len ? o->listen : "0.0.0.0");
    print_limits(&l, o);
    fprintf(stderr, "%s: listening on http://%s:%u/ (%zu threads)\n", prog, host, info ? info->port : 0,
            o->threads);
    wait_for_stop(&stop);
    MHD_stop_daemon(d);
    bgi_guard_stop(s.guard);
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
