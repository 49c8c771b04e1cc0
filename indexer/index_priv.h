/* index_priv.h — the inside of a bg_index handle, shared by the indexing
 * (indexer/) and searching (query/) halves of the library.
 *
 * On-disk layout and term scheme: docs/format.md (the one place it is written
 * down; keep it in step with scheme.h). */
#ifndef BG_INDEX_PRIV_H
#define BG_INDEX_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "baogao.h"
#include "bg_err.h"
#include "bgx.h"
#include "meta.h"

/* What the index knows of one report file (metadata key "file:<id>"). */
typedef struct bg_file_rec {
    char id[17];        /* hex FNV-1a of the real path */
    char *path;         /* path as indexed (shown in results) */
    char *real;         /* real path at indexing time */
    uint64_t hash;      /* content hash */
    uint64_t fp;        /* analyser fingerprint used */
    int year;           /* shard holding its passages */
    char *title, *body;
    size_t passages;
} bg_file_rec;

/* One year shard opened for writing (lazily, when first changed). */
typedef struct bg_shard {
    int year;
    bgx_writer *writer;
    int is_new;         /* not yet listed in the stub */
} bg_shard;

/* A directory's MANIFEST.tsv, loaded once per run. */
typedef struct bg_manifest_cache {
    char *dir;
    bg_manifest *mf;    /* NULL when the directory has none */
} bg_manifest_cache;

struct bg_index {
    char *path;
    unsigned flags;
    bg_err err;

    /* writer state */
    int lock_fd;
    bg_analyzer *an;
    bg_file_rec *files;
    size_t n_files, cap_files;
    int catalogue_loaded;    /* readers load it on demand */
    bg_shard *shards;
    size_t n_shards, cap_shards;
    int *listed_years;   /* years in the stub */
    size_t n_listed;
    bg_manifest_cache *manifests;
    size_t n_manifests;
    size_t pending_docs;
    int pending_docs_dirty;  /* a report's writes began and have not finished */

    /* reader state */
    bgx_reader *reader;
    bg_analyzer *query_an;
    uint64_t query_lexicon_hash;  /* of the lexicon query_an was built with */
};

/* Years listed in the index's stub (malloc'ed array). */
int bg_stub_read(int **years, size_t *n, const char *index_path, bg_err *err);
/* Rewrites the stub atomically (write + rename) to list years. */
int bg_stub_write(const char *index_path, const int *years, size_t n, bg_err *err);
/* Path of a year's shard directory (malloc'ed). */
char *bg_shard_path(const char *index_path, int year);

/* Builds the Xapian document for one passage (see docs/format.md). */
struct bg_unit;
typedef struct bg_passage_ctx {
    bg_analyzer *an;
    const bg_meta *meta;
    const char *report;     /* path as indexed */
    const char *file_id;
    size_t ordinal;         /* passage number within the file, from 0 */
} bg_passage_ctx;
int bg_passage_build(bgx_doc **out, const bg_passage_ctx *ctx, const struct bg_unit *u, bg_err *err);

/* The writer lock (LOCK file, fcntl). */
int bg_lock_take(int *fd, const char *index_path, int wait, bg_err *err);
void bg_lock_release(int fd);

#endif
