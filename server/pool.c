/* pool.c — a mutex-guarded stack of idle bg_index handles (see pool.h). */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct bgi_ix_pool {
    pthread_mutex_t lock;
    char *db;
    bg_index **idle;
    size_t n_idle, max_idle;
    unsigned timeout_ms;
    int allow_partial;
};

bgi_ix_pool *bgi_ix_pool_new(const char *db, size_t max_idle, unsigned timeout_ms, int allow_partial)
{
    bgi_ix_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->timeout_ms = timeout_ms;
    p->allow_partial = allow_partial;
    p->db = strdup(db);
    p->idle = calloc(max_idle ? max_idle : 1, sizeof *p->idle);
    p->max_idle = max_idle;
    if (!p->db || !p->idle || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p->db);
        free(p->idle);
        free(p);
        return NULL;
    }
    return p;
}

void bgi_ix_pool_free(bgi_ix_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_idle; i++)
        bg_index_free(p->idle[i]);
    pthread_mutex_destroy(&p->lock);
    free(p->idle);
    free(p->db);
    free(p);
}

static bg_index *pop_idle(bgi_ix_pool *p)
{
    bg_index *ix = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->n_idle)
        ix = p->idle[--p->n_idle];
    pthread_mutex_unlock(&p->lock);
    return ix;
}

int bgi_ix_pool_take(bg_index **out, bgi_ix_pool *p)
{
    *out = pop_idle(p);
    if (*out)
        return BG_OK;
    /* Opened outside the lock: opening reads files and must not hold up
     * threads that only want an idle handle. */
    int rc = bg_index_open(out, p->db, BG_OPEN_READ);
    if (rc == BG_OK && (rc = bg_index_set_remote(*out, p->timeout_ms, p->allow_partial)) != BG_OK) {
        bg_index_free(*out);
        *out = NULL;
    }
    return rc;
}

void bgi_ix_pool_give(bgi_ix_pool *p, bg_index *ix, int healthy)
{
    if (!ix)
        return;
    if (healthy) {
        pthread_mutex_lock(&p->lock);
        if (p->n_idle < p->max_idle) {
            p->idle[p->n_idle++] = ix;
            ix = NULL;
        }
        pthread_mutex_unlock(&p->lock);
    }
    bg_index_free(ix);
}
