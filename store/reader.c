/* reader.c — the handle's reader, kept on the latest commit: the shards the
 * index's path stands for (re-read at every refresh, so years added since are
 * seen), a retry around compaction's rename window, and the query analyser
 * built with the lexicon stored in the index. */
#include "scheme.h"
#include "store.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Follows the index to its latest commit, including shards added since (an
 * index directory's stub gains a line for each new year). */
static int refresh_reader(bg_index *ix)
{
    bgi_shard_list now;
    int rc = bgi_shards_resolve(&now, ix->path, &ix->err);
    if (rc)
        return rc;
    if (ix->reader && bgi_shards_equal(&now, &ix->reader_shards) && !(ix->flags & BG_OPEN_WRITE)) {
        rc = bgx_reader_reopen(ix->reader, &ix->err);
        /* Opening afresh would meet the same unreachable shard again. */
        if (rc == 0 || rc == BG_EUNAVAILABLE) {
            bgi_shards_clear(&now);
            return rc;
        }
    }
    bgx_reader_free(ix->reader);
    ix->reader = NULL;
    ix->reader_serial++;
    bgi_shards_clear(&ix->reader_shards);
    ix->reader_shards = now;
    if (now.n == 0)
        return 0;
    /* bg_index_compact swaps a shard with two renames; an open that falls
     * between them finds no shard for a moment, so try again briefly. */
    for (int attempt = 0;; attempt++) {
        rc = bgx_reader_open_shards(&ix->reader, now.v, now.n, &ix->remote, &ix->err);
        if (rc == 0)
            bgx_reader_set_tie_slot(ix->reader, BG_SLOT_ID);
        if (rc == 0 || rc == BG_EUNAVAILABLE || rc == BG_ENOMEM || attempt == 50)
            return rc;
        nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
    }
}

/* The query analyser uses the lexicon the index was built with. Reading it
 * again is needed only when the reader may show other data: for a remote
 * shard it is a round trip, and hashing it is a search's worth of work. */
static int refresh_query_analyzer(bg_index *ix)
{
    uint64_t gen = bgx_reader_generation(ix->reader);
    if (ix->query_an && ix->query_an_serial == ix->reader_serial && ix->query_an_generation == gen)
        return 0;
    char *lex = NULL;
    size_t len = 0;
    int rc = bgx_reader_get_metadata(ix->reader, BG_META_LEXICON, &lex, &len, &ix->err);
    if (rc)
        return rc;
    uint64_t want = bgi_fnv1a64(BG_FNV_INIT, lex, len);
    if (ix->query_an && ix->query_lexicon_hash == want) {
        free(lex);
        ix->query_an_serial = ix->reader_serial;
        ix->query_an_generation = gen;
        return 0;
    }
    bgi_analyzer_free(ix->query_an);
    ix->query_an = NULL;
    int has = len > 0 && strcmp(lex, "-") != 0;
    bgi_analyzer_options opts = {.lexicon_text = has ? lex : NULL, .lexicon_text_len = has ? len : 0};
    rc = bgi_analyzer_new(&ix->query_an, &opts, &ix->err);
    free(lex);
    if (rc == 0) {
        ix->query_lexicon_hash = want;
        ix->query_an_serial = ix->reader_serial;
        ix->query_an_generation = gen;
    }
    return rc;
}

int bgi_ix_refresh_reader(bg_index *ix)
{
    int rc = refresh_reader(ix);
    return rc == 0 && ix->reader ? refresh_query_analyzer(ix) : rc;
}


/* ---- shards left out ---------------------------------------------------- */

void bgi_names_clear(bg_names *n)
{
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i]);
    free(n->v);
    n->v = NULL;
    n->n = 0;
}

int bgi_names_push(bg_names *n, const char *name)
{
    char *copy = bgi_strdup(name);
    char **v = copy ? realloc(n->v, (n->n + 1) * sizeof *v) : NULL;
    if (!v) {
        free(copy);
        return BG_ENOMEM;
    }
    n->v = v;
    v[n->n++] = copy;
    return 0;
}

int bgi_missing_copy(bg_names *out, const bg_index *ix)
{
    bgi_names_clear(out);
    size_t n = ix->reader ? bgx_reader_missing_count(ix->reader) : 0;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = bgi_names_push(out, bgx_reader_missing_name(ix->reader, i));
    return rc;
}
