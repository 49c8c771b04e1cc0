/* pool.h — bg_index handles shared by the server's worker threads.
 *
 * A bg_index handle must not be used by two threads at once, and opening one
 * per request would re-read the stub and reopen every shard each time. The
 * pool lends each request a handle of its own and keeps returned handles for
 * the next request, so there are never more open handles than requests that
 * ran at the same time. */
#ifndef BG_SERVE_POOL_H
#define BG_SERVE_POOL_H

#include <baogao.h>

typedef struct bgi_ix_pool bgi_ix_pool;

/* A pool over the index at db keeping at most max_idle handles between
 * requests, each treating remote shards as bg_index_set_remote(timeout_ms,
 * allow_partial) says. NULL when out of memory. */
bgi_ix_pool *bgi_ix_pool_new(const char *db, size_t max_idle, unsigned timeout_ms, int allow_partial);

/* Frees the pool and every idle handle; all lent handles must be back. */
void bgi_ix_pool_free(bgi_ix_pool *p);

/* Lends a handle (an idle one, else a newly opened one). 0, or the BG_E* code
 * of bg_index_open() with bg_errmsg() set. */
int bgi_ix_pool_take(bg_index **out, bgi_ix_pool *p);

/* Returns a handle; a handle that saw a server-side failure is closed instead
 * (healthy = 0), so a damaged reader never serves another request. */
void bgi_ix_pool_give(bgi_ix_pool *p, bg_index *ix, int healthy);

#endif
