/* store.h — the index on disk and the handle that holds it open: the writer
 * lock, the year shards and the stub that lists them, the catalogue of
 * report files, commits, compaction, and a reader kept on the latest commit.
 * Ingestion (indexer/) and searching (query/) both build on it; it knows
 * neither. What is stored in each term, value and record is built and parsed
 * by scheme.c (scheme.h), and written down in docs/format.md. */
#ifndef BG_STORE_H
#define BG_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "baogao.h"
#include "bgi_err.h"
#include "bgx.h"
#include "scheme.h"

/* What the index knows of one report file (metadata key "file:<path key>"). */
typedef struct bgi_file_rec {
    char key[17];       /* path key: hex FNV-1a of the real path (bgi_path_key) */
    char id[17];        /* report id: its content hash, or for a second file of the
                           same content one derived with its path (bgi_report_id);
                           the path key for records written before format 5 */
    char *path;         /* path as indexed (shown in results) */
    char *real;         /* real path at indexing time */
    uint64_t hash;      /* content hash */
    uint64_t fp;        /* bgi_ix_fingerprint() used */
    int year;           /* shard holding its passages */
    char *title, *body;
    char *date, *docno, *kind;   /* NULL when unknown (kind: none) */
    char *duplicate_of;          /* path of the report this one copies as a whole, or NULL */
    size_t passages;
    size_t chars;                /* characters of its text (0: unknown, indexed before
                                    it was counted): the trends' per-10,000 rates */
} bgi_file_rec;

/* One year shard opened for writing (lazily, when first changed). */
typedef struct bgi_shard {
    int year;
    bgx_writer *writer;
    int is_new;         /* not yet listed in the stub */
    int owner;          /* the indexing thread that writes it (0 when serial) */
} bgi_shard;

/* The shards a --db path stands for (shardlist.c, docs/scaling.md): an index
 * directory, a glass shard, or a stub file mixing local and remote shards. */
typedef struct bgi_shard_list {
    bgx_shard *v;       /* every string malloc'ed */
    size_t n, cap;
} bgi_shard_list;
int bgi_shards_resolve(bgi_shard_list *out, const char *db_path, bgi_err *err);
void bgi_shards_clear(bgi_shard_list *l);
int bgi_shards_equal(const bgi_shard_list *a, const bgi_shard_list *b);

/* A shard found damaged (check.c): its year, the one-line message that names
 * it and says what to do, and whether that message was given as an error. */
typedef struct bgi_damaged {
    int year;
    char *why;
    int named;
} bgi_damaged;

/* What a reader's handle last found of a local shard's structure, and the
 * files' identity then (check.c): /healthz checks again only what changed. */
typedef struct bgi_check_memo {
    char *path;
    uint64_t files;     /* FNV-1a of the table files' inode, size and mtime */
    int rc;
    unsigned damaged;
    char *why;
} bgi_check_memo;

/* State that a layer above the store keeps in the handle (ingestion's
 * manifests, the searcher's body-name table): freed with the handle through
 * its own function, so the store need not know what it is. */
typedef struct bgi_ix_attachment {
    void *data;
    void (*free)(void *data);
} bgi_ix_attachment;

struct bg_index {
    char *path;
    unsigned flags;
    bgi_err err;

    /* writer state */
    int lock_fd;
    bgi_analyzer *an;
    bgi_file_rec *files;
    size_t n_files, cap_files;
    bgi_shard *shards;
    size_t n_shards, cap_shards;
    int *listed_years;   /* years in the stub */
    size_t n_listed;
    bgi_ix_attachment ingest;      /* indexer/add.c */
    bgi_damaged *damaged;          /* listed shards found damaged when the catalogue was read */
    size_t n_damaged;
    size_t pending_docs;
    /* Guards files, shards, listed_years and manifests while several indexing
     * threads run (bg_index_add_files with jobs > 1). */
    pthread_mutex_t mu;

    /* reader state */
    bgx_reader *reader;
    bgi_shard_list reader_shards;  /* what reader was opened on */
    bgx_remote_policy remote;     /* bg_index_set_remote() */
    bgi_analyzer *query_an;
    uint64_t query_lexicon_hash;  /* of the lexicon query_an was built with */
    /* What was read from the reader stays valid while the reader is the same
     * (reader_serial moves when it is replaced) at the same generation. */
    uint64_t reader_serial;
    uint64_t query_an_serial, query_an_generation;    /* query_an checked then */
    bgi_ix_attachment body_names;                      /* query/facets.c */
    bgi_ix_attachment report_firsts;                   /* query/firsts.c */
    uint64_t report_firsts_serial, report_firsts_generation;
    bgi_check_memo *checked;       /* bgi_ix_check_shard_memo */
    size_t n_checked;
    uint64_t body_names_serial, body_names_generation;
};

/* Default bound on connecting to, and each exchange with, a remote shard. */
#define BG_REMOTE_TIMEOUT_MS 5000

/* Commit once a writer has this many documents pending, at a report
 * boundary, so a transaction's memory stays bounded. Each report stays atomic. */
#define BG_AUTOCOMMIT_DOCS 4000

/* The catalogue, shards and commits (index.c). Functions taking an owner act
 * for that indexing thread; owner -1 means every shard. Those that lock
 * ix->mu say so. */
int bgi_ix_file_exists(const char *path);
/* What a file's passages depend on besides its bytes: the analyser (its
 * version, ICU's, the lexicon) and the document format. A change re-indexes. */
uint64_t bgi_ix_fingerprint(const bg_index *ix);
void bgi_ix_file_rec_clear(bgi_file_rec *r);
bgi_file_rec *bgi_ix_find_file(bg_index *ix, const char *key);    /* by path key; caller holds mu */
bgi_file_rec *bgi_ix_find_report(bg_index *ix, const char *id);   /* by report id; caller holds mu */
bgi_file_rec *bgi_ix_push_file(bg_index *ix);                     /* caller holds mu */
int bgi_ix_load_catalogue(bg_index *ix);
/* Calls cb for every report in the shards a reader's path stands for, newest
 * year first then by path; cb's non-zero return stops and is returned
 * (reports.c). */
int bgi_ix_foreach_listed_report(bg_index *ix, int (*cb)(void *ctx, const char *path), void *ctx);

/* Calls cb for every report of the catalogue (as bg_index_reports_json lists
 * it) with its year, issuing body, kind of document and characters (0 when
 * unknown: a report on a remote shard, or indexed before they were counted).
 * Stops at cb's first non-zero return, which it returns. */
typedef int (*bgi_report_size_fn)(void *ctx, int year, const char *body, const char *kind, size_t chars);
int bgi_ix_foreach_report_size(bg_index *ix, bgi_report_size_fn cb, void *ctx);
/* Puts back a shard whose compaction swap was interrupted (compact.c); the
 * writer calls it on open, holding the lock. */
int bgi_ix_finish_swaps(bg_index *ix);
/* Copies the record of the file of path key key (with path only, no other
 * string) into *copy: 1 found, 0 not, BG_ENOMEM. Locks. */
int bgi_ix_lookup_file(bgi_file_rec *copy, bg_index *ix, const char *key);
/* The same for the file whose report id is id. Locks. */
int bgi_ix_lookup_report(bgi_file_rec *copy, bg_index *ix, const char *id);
/* The writer of a year's shard, opened on first use for owner. Locks. */
int bgi_ix_shard_writer(bgx_writer **out, bg_index *ix, int year, int owner, bgi_err *err);
/* Deletes a file's passages (by its report id) and record (by its path key)
 * from its year's shard. */
int bgi_ix_delete_file(bg_index *ix, const char *key, const char *id, int year, int owner, bgi_err *err);
/* Writes fresh's record to w and the catalogue, taking its strings. Locks. */
int bgi_ix_store_file(bg_index *ix, bgx_writer *w, bgi_file_rec *fresh, bgi_err *err);
/* Commits owner's shards, then lists new ones in the stub. */
int bgi_ix_commit_shards(bg_index *ix, int owner, bgi_err *err);
/* Cancels every open transaction and reloads the catalogue. */
void bgi_ix_discard_uncommitted(bg_index *ix);

/* A file's record as stored (metadata "file:<path key>", JSON): malloc'ed,
 * NULL when out of memory; parsing returns 0, BG_EPARSE or BG_ENOMEM
 * (scheme.c). */
char *bgi_file_rec_json(const bgi_file_rec *r);
int bgi_file_rec_parse(bgi_file_rec *r, const char *key, const char *json);

/* Years listed in the index's stub (malloc'ed array). */
int bgi_stub_read(int **years, size_t *n, const char *index_path, bgi_err *err);
/* Rewrites the stub atomically (write + rename) to list years. */
int bgi_stub_write(const char *index_path, const int *years, size_t n, bgi_err *err);
/* Path of a year's shard directory (malloc'ed). */
char *bgi_shard_path(const char *index_path, int year);

/* Brings ix's reader (and the query analyser, built with the lexicon the
 * index was built with) to the latest commit, including shards added since,
 * and retries briefly around compaction's swap (reader.c). ix->reader stays
 * NULL when the index holds no reports yet. Errors go to ix->err. */
int bgi_ix_refresh_reader(bg_index *ix);

/* Names of the shards an answer was given without (partial answers). */
typedef struct bg_names {
    char **v;
    size_t n;
} bg_names;
/* Appends a copy of name. 0 or BG_ENOMEM. */
int bgi_names_push(bg_names *n, const char *name);
void bgi_names_clear(bg_names *n);
/* Copies the names of the shards ix's reader left out into *out (emptied
 * first). 0 or BG_ENOMEM. */
int bgi_missing_copy(bg_names *out, const bg_index *ix);

/* Damaged shards (check.c, docs/reliability.md "Damaged shards"). Checks the
 * structure of the shard at path before Xapian reads it: 0 when sound, else
 * BG_EXAPIAN with err "PATH: damaged (WHAT): run baogao-index --repair" and
 * the damaged tables in *damaged (BGX_TABLE_* bits); other codes when the
 * check itself failed (*damaged 0). */
int bgi_ix_check_shard(const char *path, unsigned *damaged, bgi_err *err);
/* bgi_ix_check_shard, for a reader that checks the same shards again and
 * again (/healthz): the result is kept while the shard's files keep their
 * inode, size and modification time. */
int bgi_ix_check_shard_memo(bg_index *ix, const char *path, unsigned *damaged, bgi_err *err);
void bgi_ix_clear_memo(bg_index *ix);
/* Remembers year's shard as damaged with why (ix->damaged, once per year;
 * named: the message went out as an error). 0 or BG_ENOMEM. */
int bgi_ix_note_damaged(bg_index *ix, int year, const char *why, int named);
int bgi_ix_year_is_damaged(const bg_index *ix, int year);
/* Warns on stderr of each damaged shard no error has named (a run that did
 * not write its year), then forgets them all. */
void bgi_ix_clear_damaged(bg_index *ix, int warn);

/* The writer lock (LOCK file, fcntl). */
int bgi_lock_take(int *fd, const char *index_path, int wait, bgi_err *err);
void bgi_lock_release(int fd);

#endif
