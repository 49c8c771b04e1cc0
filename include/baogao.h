/* baogao.h — full-text search over Chinese government reports.
 *
 * baogao indexes plain-text reports (one paragraph per line) into a Xapian
 * database of passages — headings, paragraphs and the measures inside them
 * (一是…二是…, ——items) — and searches them with ranked, highlighted results
 * that carry their section path, report metadata and file:line.
 *
 * Conventions
 *   - Every handle is opaque and has a _free function that accepts NULL.
 *   - Functions return 0 (BG_OK) on success or a negative BG_E* code; the
 *     calling thread's last error message is then available from bg_errmsg().
 *   - Out-parameters come first. Strings returned by accessors are owned by the
 *     object they came from and stay valid until that object is freed, unless
 *     the function says the caller owns them (then free them with bg_free()).
 *   - All text is UTF-8.
 *
 * Concurrency
 *   - One writer per index at a time: a second bg_index_open(BG_OPEN_WRITE)
 *     on the same index fails with BG_ELOCKED (or waits with BG_OPEN_WAIT).
 *   - Any number of readers, in any processes and threads, each with its own
 *     bg_index handle. A handle must not be used by two threads at once.
 *   - Readers see the last committed state; a search that races with a commit
 *     is retried internally on a fresh snapshot, so it never fails for that.
 */
#ifndef BAOGAO_H
#define BAOGAO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BAOGAO_VERSION_MAJOR 0
#define BAOGAO_VERSION_MINOR 1
#define BAOGAO_VERSION_PATCH 0
#define BAOGAO_VERSION_STRING "0.1.0"

#if defined(BAOGAO_BUILDING) && defined(__GNUC__)
#define BG_API __attribute__((visibility("default")))
#else
#define BG_API
#endif

/* ---- errors ------------------------------------------------------------ */

enum {
    BG_OK = 0,
    BG_EINVAL = -1,     /* invalid argument or option */
    BG_ENOMEM = -2,     /* out of memory */
    BG_EIO = -3,        /* cannot read or write a file */
    BG_EDECODE = -4,    /* a file is binary or in no supported encoding */
    BG_EPARSE = -5,     /* malformed input (manifest, lexicon) */
    BG_ENOTFOUND = -6,  /* no such index, report or passage */
    BG_ELOCKED = -7,    /* the index is locked by another writer */
    BG_EXAPIAN = -8,    /* the Xapian database reported an error */
    BG_EQUERY = -9,     /* the query is empty or invalid */
    BG_ETOOBIG = -10,   /* a size limit was exceeded (query length, term count) */
    BG_EUNAVAILABLE = -11, /* a remote shard is down or did not answer in time */
    BG_ESKIPPED = -12,  /* a file holds nothing baogao can index (unsupported
                           type, scanned PDF without text): skipped, not failed */
};

/* The calling thread's last error message (one line, never NULL). Valid until
 * the next bg_ call on this thread. */
BG_API const char *bg_errmsg(void);

/* The calling thread's last error code (BG_OK if none). */
BG_API int bg_errcode(void);

/* What a BG_E* code means, in a few words ("invalid argument", "index is
 * locked by another writer"); a static string, never NULL. */
BG_API const char *bg_strerror(int code);

/* The library version, e.g. "0.1.0" (may differ from the header's at run time
 * when linked dynamically). */
BG_API const char *bg_version(void);

/* Frees memory the library handed to the caller (JSON strings, snippets). */
BG_API void bg_free(void *p);

/* ---- opening an index ------------------------------------------------- */

typedef struct bg_index bg_index;

enum {
    BG_OPEN_READ = 0,      /* search only */
    BG_OPEN_WRITE = 1,     /* add and remove reports (takes the writer lock) */
    BG_OPEN_CREATE = 2,    /* with WRITE: create the index if missing */
    BG_OPEN_WAIT = 4,      /* with WRITE: wait for another writer instead of failing */
};

/* The default index location: $BAOGAO_DB if set, else
 * $XDG_DATA_HOME/baogao/index, else ~/.local/share/baogao/index.
 * Returns a string the caller owns (bg_free), or NULL when out of memory. */
BG_API char *bg_default_index_path(void);

/* Opens the index at path (a directory made by baogao) with BG_OPEN_* flags.
 * Errors: BG_ENOTFOUND (no index there and no BG_OPEN_CREATE), BG_ELOCKED
 * ("index is locked by another indexer (pid 123)"), BG_EXAPIAN, BG_EIO. */
BG_API int bg_index_open(bg_index **out, const char *path, unsigned flags);

/* Closes an index; for a writer, uncommitted changes are discarded (the index
 * stays at its last commit). NULL is allowed. */
BG_API void bg_index_free(bg_index *ix);

/* ---- shards on other machines (docs/scaling.md) ----------------------- */

/* path may also be a stub file listing shards, one per line as Xapian reads
 * them: `glass PATH`, `auto PATH` (a shard, an index directory or another
 * stub), `remote HOST:PORT` (xapian-tcpsrv) or `remote :PROGRAM ARGS`
 * (xapian-progsrv); relative paths are relative to the stub. Such an index is
 * read-only. Searching it gives the same passages in the same order as one
 * database holding every shard.
 *
 * How a handle treats remote shards: connecting to one, and each exchange
 * with it, gives up after timeout_ms (default 5000). A remote shard that is
 * down or too slow then fails the search with BG_EUNAVAILABLE and a message
 * naming it, or, with allow_partial, the answer comes from the shards that
 * are up and names the others (bg_results_missing(), "missing_shards" in the
 * JSON documents). A left-out shard is tried again at a later search, at most
 * every 5 seconds. Errors: BG_EINVAL (timeout_ms 0). */
BG_API int bg_index_set_remote(bg_index *ix, unsigned timeout_ms, int allow_partial);

/* Writes a stub file at path listing shards[0..n) to be searched together
 * (replacing path atomically). Each is a local index directory, glass shard
 * or stub (checked, and written with its absolute path), "HOST:PORT" for a
 * shard served by xapian-tcpsrv, or ":PROGRAM ARGS" for one served by
 * xapian-progsrv. Remote shards are not contacted. Errors: BG_EINVAL,
 * BG_ENOTFOUND (a local shard is not an index), BG_EIO. */
BG_API int bg_stub_create(const char *path, const char *const *shards, size_t n);

/* ---- indexing (writers only) ------------------------------------------ */

/* Metadata given by the caller; NULL or empty fields are detected from the
 * text (and from a MANIFEST.tsv beside the file, see docs/format.md).
 * Initialise with BG_REPORT_INFO_INIT (or bg_report_info_init()), then set
 * fields: the version tells the library which fields the caller knows, so a
 * program built against an older header keeps working. */
#define BG_REPORT_INFO_VERSION 1
typedef struct bg_report_info {
    unsigned int version;  /* BG_REPORT_INFO_VERSION */
    const char *title;
    const char *body;
    int year;              /* 0 = detect */
} bg_report_info;
#define BG_REPORT_INFO_INIT {BG_REPORT_INFO_VERSION, NULL, NULL, 0}
/* Sets *info to the defaults of that version. BG_EINVAL for an unknown one. */
BG_API int bg_report_info_init(bg_report_info *info, unsigned int version);

enum {
    BG_ADD_NEW = 1,        /* the file was not in the index */
    BG_ADD_UPDATED = 2,    /* the file's content (or the analysis) changed */
    BG_ADD_UNCHANGED = 3,  /* same content hash as indexed: nothing done */
};

/* Uses the word lists at paths[0..n) as the domain lexicon (one word per line)
 * instead of the default (the starter list installed with baogao plus
 * ~/.config/baogao/lexicon.txt when present). The lexicon is stored in the
 * index so that queries are analysed the same way; files indexed with another
 * lexicon are re-indexed when added again. Writers only. */
BG_API int bg_index_set_lexicon(bg_index *ix, const char *const *paths, size_t n);

/* Indexes the report file at path (replacing its earlier passages, if any).
 * The file is identified by its real path, and results show that path as
 * "report" (absolute, so it opens from any directory; an index built before
 * stored paths as given, and a file indexed again under another path is
 * re-indexed). Its passages' ids (bg_hit_id) are its content's: the same
 * bytes have the same ids in every index and at every path, an edited file
 * gets new ones, and a second file of the same bytes in one index ids of its
 * own (docs/format.md, "Identity"). *status (may be NULL) receives BG_ADD_*; *n_passages (may be
 * NULL) the number of passages written. The format (text in any Chinese
 * encoding, HTML, PDF, DOCX; .doc/.wps through an installed converter) is
 * read from the content (docs/formats.md). Errors name the file: BG_EIO,
 * BG_EDECODE (damaged, encrypted, undecodable), BG_ETOOBIG (a resource bound,
 * e.g. a ZIP bomb), BG_ESKIPPED (nothing to index: a scanned PDF without
 * text, an unsupported type), BG_EXAPIAN. Changes become visible at
 * bg_index_commit(). */
BG_API int bg_index_add_file(int *status, size_t *n_passages, bg_index *ix,
                             const char *path, const bg_report_info *info);

/* Called once per file by bg_index_add_files(): rc is 0 or the BG_E* code of
 * a file that failed (msg then says why, naming the file; NULL otherwise);
 * status is BG_ADD_* and passages the number of passages when rc is 0. Calls
 * come from the indexing threads, one at a time, in no particular order. */
typedef void (*bg_add_cb)(void *ctx, const char *path, int rc, int status, size_t passages,
                          const char *msg);

/* Indexes paths[0..n) with jobs threads (1..16): files are read and decoded
 * in the calling thread and written by the thread that owns their year's
 * shard, so jobs > 1 uses several cores. A file that fails (unreadable,
 * undecodable) is reported through cb and skipped. Returns 0, or a negative
 * code when the index itself failed: every uncommitted change is then
 * discarded (the index stays at its last commit). Changes become visible at
 * bg_index_commit(), or earlier in batches of a few thousand passages. */
BG_API int bg_index_add_files(bg_index *ix, const char *const *paths, size_t n, unsigned jobs,
                              bg_add_cb cb, void *ctx);

/* The format baogao reads a file of this name as, from its extension alone:
 * "txt", "html" (.htm .html .shtml .xhtml), "pdf", "docx", "doc", "wps"; NULL
 * for other names, which a directory walk leaves out. (bg_index_add_file()
 * reads any file and decides by its content.) Static string. */
BG_API const char *bg_file_format(const char *path);

/* Removes the report file at path (its real path, or the path as indexed if the
 * file no longer exists). Returns BG_ENOTFOUND if it is not in the index. */
BG_API int bg_index_remove_file(bg_index *ix, const char *path);

/* Calls cb(ctx, path_as_indexed) for every indexed report; a non-zero return
 * from cb stops the walk and is returned. */
BG_API int bg_index_foreach_report(bg_index *ix, int (*cb)(void *ctx, const char *path), void *ctx);

/* Makes every change since the last commit visible at once, atomically per
 * year shard (a report is never half visible). */
BG_API int bg_index_commit(bg_index *ix);

/* Commits, then rewrites every year shard compactly (Xapian's compactor) and
 * swaps each in; after a bulk build the index roughly halves. Readers keep
 * working during the swap. *bytes_before and *bytes_after (either may be NULL)
 * receive the shards' total size. Writers only. */
BG_API int bg_index_compact(bg_index *ix, uint64_t *bytes_before, uint64_t *bytes_after);

/* Rebuilds damaged shards (baogao-index --repair; docs/reliability.md,
 * "Damaged shards"). Commits, then checks every year shard: each damaged one
 * is moved aside to shards/NNNN.damaged-<UTC time> and its reports leave the
 * catalogue. cb is called once per damaged shard with file NULL and a note
 * saying what is damaged and where it went, then once per report file it
 * held (note NULL), to be indexed again with bg_index_add_files(), and with
 * file NULL and a note when the list of its reports could not be read.
 * Returns the number of damaged shards (0: all sound) or a BG_E* code.
 * Writers only. */
typedef void (*bg_repair_cb)(void *ctx, const char *shard, const char *file, const char *note);
BG_API int bg_index_repair(bg_index *ix, bg_repair_cb cb, void *ctx);

/* ---- what an index holds (readers and writers) ------------------------ */

/* The committed catalogue of reports as one JSON document, newest year first
 * then by path:
 *   {"reports": [{"report": "<path as indexed>", "title": "...", "body": "...",
 *                 "year": 2022, "passages": 57, "date": "2023-01-16" or null,
 *                 "docno": "…〔2023〕3号" or null, "kind": "报告",
 *                 "duplicate_of": "<path of the report this one copies>" or null}, ...],
 *    "missing_shards": ["remote 10.0.0.2:7001", ...]}
 * Reads the index as last committed, whatever the handle's mode. The caller
 * owns the string (bg_free). NULL on error (bg_errmsg() says why): BG_ENOTFOUND,
 * BG_EXAPIAN, BG_ENOMEM. */
BG_API char *bg_index_reports_json(bg_index *ix);

/* A number that changes whenever a commit changes the index (the sum of the
 * shards' revisions), e.g. for health checks and cache validation. Only
 * equality is meaningful. */
BG_API int bg_index_revision(uint64_t *out, bg_index *ix);

/* The index's health as one JSON document, for monitoring:
 *   {"status": "ok", "revision": N, "shards": 17, "missing_shards": []}
 * status is "degraded" when remote shards are left out (partial answers
 * allowed, see bg_index_set_remote; they are then named), revision is
 * bg_index_revision() over the shards that answered. The caller owns the
 * string (bg_free). NULL on error: as bg_index_revision(), and
 * BG_EUNAVAILABLE for a remote shard that is down without partial answers. */
BG_API char *bg_index_status_json(bg_index *ix);

/* ---- searching -------------------------------------------------------- */

/* Initialise with BG_SEARCH_OPTIONS_INIT (or bg_search_options_init()),
 * then set fields: the version tells the library which fields the caller
 * knows, so programs built against an older header keep working when fields
 * are added. A search given options of a version it does not know fails with
 * BG_EINVAL. */
#define BG_SEARCH_OPTIONS_VERSION 2
typedef struct bg_search_options {
    unsigned int version; /* BG_SEARCH_OPTIONS_VERSION */
    size_t offset;        /* results to skip (paging) */
    size_t limit;         /* results to return; 0 means 10 */
    int year_from;        /* 0 = no lower bound */
    int year_to;          /* 0 = no upper bound */
    const char *body;     /* only reports of this issuing body; NULL = all */
    size_t per_year;      /* bg_search_by_year: passages kept per year; 0 means 3 */
    const char *kind;     /* only documents of this kind ("意见", "通知", "报告"…); NULL = all */
    const char *docno;    /* only the document with this 发文字号; brackets and spaces as
                             people type them (国发[2023]1号, 国发（2023）1号); NULL = all */
    int all_copies;       /* 0: a text indexed several times (an HTML page and its PDF, a
                             repost) is one hit listing its other copies (bg_hit_duplicate)
                             and totals and facets count texts; 1: every copy is a hit */
    int year_unknown;     /* 1: only reports whose year is unknown (the "0000" of the
                             year facet) */
    int body_unknown;     /* 1: only reports without an issuing body (the "" of the
                             body facet) */
    const int *years;     /* with n_years > 0: only reports of one of these years
                             (2019, 2021; at most 400), together with year_from/year_to */
    size_t n_years;
    int strict;           /* 1: exact matches only. 0 (the default): when a query of
                             several words finds fewer exact matches than a page
                             (limit), the passages holding all its words in any order
                             follow, then those holding most of them (bg_hit_match) */
    /* Version 2. */
    int exact;            /* 1: count every match, so that totals and facets are exact
                             however many there are. 0 (the default): a search checks at
                             least count_bound matches (and the page); when more match,
                             the total is an estimate within bounds and the facets are
                             scaled from the matches counted (bg_results_total_exact,
                             bg_results_facets_exact); every year with a match is still
                             listed (docs/format.md, "Totals") */
    size_t count_bound;   /* with exact 0: matches checked at least; 0 means
                             BG_COUNT_BOUND (10,000) */
} bg_search_options;
#define BG_COUNT_BOUND 10000
#define BG_SEARCH_OPTIONS_INIT {BG_SEARCH_OPTIONS_VERSION, 0, 0, 0, 0, NULL, 0, NULL, NULL, 0, 0, 0, NULL, 0, 0, 0, 0}
/* Sets *opts to the defaults of that version (1 or 2: a version 1 struct
 * ends before exact; its searches count up to the bound). BG_EINVAL for an
 * unknown one. */
BG_API int bg_search_options_init(bg_search_options *opts, unsigned int version);

typedef struct bg_results bg_results;
typedef struct bg_hit bg_hit;

/* Runs query over the index. Syntax (docs/query.md): words (all must match),
 * "quoted phrase", -excluded, +required, a OR b, a AND b, a NOT b, (grouping);
 * AND and NOT bind tighter than OR, OR tighter than words side by side;
 * Chinese text is segmented like the documents. The body filter matches a
 * body's full name exactly when the index has it, else a known short name
 * (data/bodies.txt: 中共中央, 国办 …), else every body starting with it.
 * opts may be NULL. Errors: BG_EQUERY (empty or nothing searchable),
 * BG_ETOOBIG, BG_EXAPIAN. */
BG_API int bg_search_run(bg_results **out, bg_index *ix, const char *query,
                         const bg_search_options *opts);

/* Frees results and every hit and string obtained from them; NULL allowed. */
BG_API void bg_results_free(bg_results *res);

/* The number of matching passages in the whole index: exact when
 * bg_results_total_exact() says so (always with bg_search_options.exact),
 * else Xapian's estimate, between bg_results_total_lower() and
 * bg_results_total_upper() (both equal to the total when it is exact). */
BG_API size_t bg_results_total(const bg_results *res);
BG_API int bg_results_total_exact(const bg_results *res);
BG_API size_t bg_results_total_lower(const bg_results *res);
BG_API size_t bg_results_total_upper(const bg_results *res);
/* 1 when the facets count every match; 0 when they were counted over a
 * sample of the matches and scaled to the estimate: the counts are estimates
 * and a rare body or kind may be missing, but every year with a match is
 * listed. */
BG_API int bg_results_facets_exact(const bg_results *res);

/* The number of hits in this page, and hit i (0 <= i < count). */
BG_API size_t bg_results_count(const bg_results *res);
BG_API const bg_hit *bg_results_hit(const bg_results *res, size_t i);

/* Facets over ALL matching passages (exact counts, unless
 * bg_results_facets_exact() says they are estimates).
 * bg_results_facet_size() gives the number of distinct values;
 * bg_results_facet() value i (sorted by value) and its count. */
typedef enum bg_facet {
    BG_FACET_YEAR = 0,    /* "2022" */
    BG_FACET_BODY = 1,    /* the issuing body, "" when unknown */
    BG_FACET_KIND = 2,    /* the kind of document: "通知", "意见", "报告", …; "" when none */
} bg_facet;
BG_API size_t bg_results_facet_size(const bg_results *res, bg_facet facet);
BG_API const char *bg_results_facet(const bg_results *res, bg_facet facet, size_t i, size_t *count);

/* The shards an answer was given without (see bg_index_set_remote), the same
 * for every kind of answer: bg_results_missing_shards(),
 * bg_byyear_missing_shards(), bg_figures_missing_shards(). Owned by the
 * answer. bg_missing_count() gives their number, bg_missing_name() shard i's
 * name as its stub gives it ("remote 10.0.0.2:7001"). */
typedef struct bg_names bg_missing;
BG_API size_t bg_missing_count(const bg_missing *m);
BG_API const char *bg_missing_name(const bg_missing *m, size_t i);
BG_API const bg_missing *bg_results_missing_shards(const bg_results *res);

/* The same, per answer (kept for callers written before bg_missing). */
BG_API size_t bg_results_missing_count(const bg_results *res);
BG_API const char *bg_results_missing(const bg_results *res, size_t i);

/* The whole result page as the JSON document of `baogao-query --json`.
 * The caller owns the string (bg_free). NULL when out of memory. */
BG_API char *bg_results_json(const bg_results *res);

enum { BG_KIND_HEADING = 0, BG_KIND_PARAGRAPH = 1, BG_KIND_MEASURE = 2 };

BG_API size_t bg_hit_rank(const bg_hit *h);              /* 1-based, counts the offset */
BG_API double bg_hit_score(const bg_hit *h);
BG_API int bg_hit_kind(const bg_hit *h);                 /* BG_KIND_* */
BG_API const char *bg_hit_kind_name(const bg_hit *h);    /* "heading", "paragraph", "measure" */
BG_API const char *bg_hit_text(const bg_hit *h);         /* the whole passage, original text */
BG_API const char *bg_hit_report(const bg_hit *h);       /* the file's real path */
BG_API size_t bg_hit_line(const bg_hit *h);              /* 1-based line in the report */
BG_API const char *bg_hit_title(const bg_hit *h);
BG_API const char *bg_hit_body(const bg_hit *h);
BG_API int bg_hit_year(const bg_hit *h);
BG_API size_t bg_hit_section_count(const bg_hit *h);     /* enclosing headings */
BG_API const char *bg_hit_section(const bg_hit *h, size_t i); /* outermost first */
BG_API const char *bg_hit_id(const bg_hit *h);           /* passage id, e.g. "3fa9c0d2e1b4a5c6:17" */
BG_API const char *bg_hit_format(const bg_hit *h);       /* source format: "txt", "html", "pdf", "docx", "doc", "wps" */
BG_API int bg_hit_page(const bg_hit *h);                 /* PDF: 1-based page the passage starts on; 0 otherwise */
BG_API const char *bg_hit_date(const bg_hit *h);         /* 成文日期 "2023-03-05"; NULL when the document states none */
BG_API const char *bg_hit_docno(const bg_hit *h);        /* 发文字号 as written ("国发〔2023〕1号"); NULL when none */
BG_API const char *bg_hit_doc_kind(const bg_hit *h);     /* kind of document: "通知", "意见", "报告"…; "" when none */
/* The other copies of this passage's text in the index (the same text after
 * normalisation, punctuation and spaces left out: an HTML page and its PDF, a
 * repost): their number, and copy i's report (path as indexed), line and
 * format. At most 20 are listed. */
BG_API size_t bg_hit_duplicate_count(const bg_hit *h);
BG_API const char *bg_hit_duplicate(const bg_hit *h, size_t i, size_t *line, const char **format);

/* The byte ranges [start, end) of bg_hit_text() that match the query, sorted
 * and not overlapping. Returns the number of ranges; the arrays stored in starts
 * and ends point into the hit (valid while res lives). */
BG_API size_t bg_hit_matches(const bg_hit *h, const size_t **starts, const size_t **ends);

/* How the hit matches the query (the matching strategy of bg_search_options
 * .strict): "exact" (every item as written; a pasted text: the passage holds
 * it whole), "all_words" (all the query's words, in any order) or "partial"
 * (most of them). Hits come in that order: every exact match before any
 * other. Static string. */
BG_API const char *bg_hit_match(const bg_hit *h);

/* A snippet of about max_chars characters centred on the densest matches, with
 * matched text wrapped in open/close (e.g. "【", "】" or terminal colours) and
 * "…" where text was cut. The caller owns the string (bg_free). */
BG_API char *bg_hit_snippet(const bg_hit *h, size_t max_chars, const char *open, const char *close);

/* When a search finds nothing: for each filter opts applies, in the order
 * year (year_from/year_to, years, year_unknown), body (body, body_unknown),
 * kind, docno, how many passages the same search finds without it
 * (out[i].drop names it); with two or more filters, last, "all" without any.
 * Fills at most max entries (BG_MAX_SUGGESTIONS is enough) and sets *n.
 * Errors as for bg_search_run(). */
#define BG_MAX_SUGGESTIONS 5
typedef struct bg_suggestion {
    const char *drop;     /* "year", "body", "kind", "docno" or "all" (static) */
    size_t total;         /* bg_results_total() without that filter */
} bg_suggestion;
BG_API int bg_search_suggest(bg_suggestion *out, size_t max, size_t *n, bg_index *ix, const char *query,
                             const bg_search_options *opts);

/* ---- across years (docs/years.md) -------------------------------------- */

/* Matches grouped by year: what each year's reports said about a subject. */
typedef struct bg_byyear bg_byyear;

/* Runs query like bg_search_run() and keeps the best opts->per_year passages
 * of each year that has matches (0 means 3; at most 1000), years newest
 * first, best first within a year. The hits' ranks count within their year.
 * opts may be NULL; its year and body filters apply, its offset and limit do
 * not. Errors as for bg_search_run(), and BG_ETOOBIG for per_year. */
BG_API int bg_search_by_year(bg_byyear **out, bg_index *ix, const char *query,
                             const bg_search_options *opts);

/* Frees the groups and every hit and string obtained from them; NULL allowed. */
BG_API void bg_byyear_free(bg_byyear *by);

BG_API size_t bg_byyear_total(const bg_byyear *by);              /* matching passages: as bg_results_total() */
BG_API int bg_byyear_total_exact(const bg_byyear *by);           /* as bg_results_total_exact() */
BG_API size_t bg_byyear_total_lower(const bg_byyear *by);        /* bounds of the total, */
BG_API size_t bg_byyear_total_upper(const bg_byyear *by);        /* as for bg_results */
BG_API int bg_byyear_year_totals_exact(const bg_byyear *by);     /* 0: the years' totals are estimates
                                                                    (every year with a match is listed) */
BG_API const bg_missing *bg_byyear_missing_shards(const bg_byyear *by); /* shards left out */
BG_API size_t bg_byyear_missing_count(const bg_byyear *by);      /* shards left out, as for */
BG_API const char *bg_byyear_missing(const bg_byyear *by, size_t i); /* bg_results_missing() */
BG_API size_t bg_byyear_years(const bg_byyear *by);              /* years with matches */
BG_API int bg_byyear_year(const bg_byyear *by, size_t i);        /* 0 = year unknown (last) */
BG_API size_t bg_byyear_year_total(const bg_byyear *by, size_t i); /* matching passages of year i */
BG_API size_t bg_byyear_count(const bg_byyear *by, size_t i);    /* hits kept for year i */
BG_API const bg_hit *bg_byyear_hit(const bg_byyear *by, size_t i, size_t j);

/* The groups as the JSON document of `baogao-query --by-year --json`:
 *   {"query": "...", "total": N, "total_exact": true, "total_lower": N,
 *    "total_upper": N, "facets_exact": true,
 *    "years": [{"year": 2025, "total": N, "total_exact": true,
 *               "results": [<result objects as in bg_results_json()>]}, ...]}
 * The caller owns the string (bg_free). NULL when out of memory. */
BG_API char *bg_byyear_json(const bg_byyear *by);

/* Figures: the numbers with units (1100万人以上, 5.5%左右, 2.8万亿元) that stand
 * next to the query's words in matching passages, year by year. */
typedef struct bg_figures bg_figures;
typedef struct bg_figure bg_figure;

/* Runs query and collects, from every matching passage (the best 10,000 at
 * most), the figures in the clause of each match — the nearest one after the
 * match, else the nearest before it — or, when that clause has none, the first
 * figure of the next clause. Years newest first; within a year in the order
 * of the reports (path, then line). opts may be NULL; its year and body
 * filters apply, its offset and limit do not. Errors as for bg_search_run(). */
BG_API int bg_search_figures(bg_figures **out, bg_index *ix, const char *query,
                             const bg_search_options *opts);

/* Frees the figures and every string obtained from them; NULL allowed. */
BG_API void bg_figures_free(bg_figures *f);

BG_API size_t bg_figures_years(const bg_figures *f);             /* years with figures */
BG_API const bg_missing *bg_figures_missing_shards(const bg_figures *f); /* shards left out */
BG_API size_t bg_figures_missing_count(const bg_figures *f);     /* shards left out, as for */
BG_API const char *bg_figures_missing(const bg_figures *f, size_t i); /* bg_results_missing() */
BG_API int bg_figures_year(const bg_figures *f, size_t i);       /* newest first */
BG_API size_t bg_figures_count(const bg_figures *f, size_t i);   /* figures of year i */
BG_API const bg_figure *bg_figures_item(const bg_figures *f, size_t i, size_t j);

BG_API const char *bg_figure_value(const bg_figure *g);  /* "1100万人以上", as written */
BG_API const char *bg_figure_text(const bg_figure *g);   /* the clause holding it */
/* "result" in a section reviewing past work (a heading with 回顾 or 过去),
 * else "target" when the value has a bound (以上, 左右, 以内…) or its sentence
 * says 目标, 预期, 力争 or 争取, else "". A heuristic for reports laid out like
 * the State Council's; see docs/years.md. */
BG_API const char *bg_figure_role(const bg_figure *g);
BG_API const char *bg_figure_report(const bg_figure *g); /* the file's real path */
BG_API size_t bg_figure_line(const bg_figure *g);
BG_API const char *bg_figure_id(const bg_figure *g);     /* passage id */
BG_API int bg_figure_year(const bg_figure *g);

/* The figures as the JSON document of `baogao-query --figures --json`:
 *   {"query": "...", "figures": [{"year": 2019, "items": [{"value": "1100万人以上",
 *     "text": "<the clause>", "role": "target", "report": "...", "line": 37,
 *     "id": "<passage id>"}, ...]}, ...]}
 * The caller owns the string (bg_free). NULL when out of memory. */
BG_API char *bg_figures_json(const bg_figures *f);

/* Passages on the same subject as the passage ref, from OTHER years. ref is a
 * passage id as bg_hit_id() gives, or REPORT:LINE — the report's path as
 * indexed (or any path to the same file, or its file name alone when one
 * indexed report has that name; BG_EINVAL when several do) and a 1-based
 * line, meaning the first passage on that line. Relevance feedback: the words that best tell the
 * passage apart from the rest of the index (Xapian's expand set) are searched
 * for, weighted, outside the passage's year. opts as for bg_search_run();
 * the results' query is ref. Errors: BG_EINVAL (ref malformed), BG_ENOTFOUND
 * (no such report, line or passage), BG_EQUERY (the passage has no words to
 * search for), BG_EXAPIAN. */
BG_API int bg_search_like(bg_results **out, bg_index *ix, const char *ref,
                          const bg_search_options *opts);

/* ---- trends: a query year by year -------------------------------------------- */

typedef struct bg_trend bg_trend;

/* How often query's text comes up in each year of the index (docs/years.md):
 * the passages holding it as written (the exact matches; opts->strict is
 * implied), its occurrences in them, and occurrences per 10,000 characters
 * of that year's reports. Every year of the index that the year, body and
 * kind filters of opts keep is listed, oldest first, a year without a match
 * with 0. With by_body, one series per issuing body the filters keep (in
 * name order; "" for reports without one), each listing the same years;
 * else one series. opts may be NULL; its offset, limit and per_year do not
 * apply. Errors as for bg_search_run(). Free *out with bg_trend_free(). */
BG_API int bg_search_trend(bg_trend **out, bg_index *ix, const char *query, const bg_search_options *opts,
                           int by_body);
BG_API void bg_trend_free(bg_trend *t);                             /* NULL allowed */
BG_API size_t bg_trend_series(const bg_trend *t);                   /* 1, or one per body */
BG_API const char *bg_trend_body(const bg_trend *t, size_t s);      /* NULL without by_body */
BG_API size_t bg_trend_years(const bg_trend *t);                    /* the same in every series */
BG_API int bg_trend_year(const bg_trend *t, size_t i);              /* oldest first */
BG_API size_t bg_trend_passages(const bg_trend *t, size_t s, size_t i);   /* exact; copies once */
BG_API size_t bg_trend_occurrences(const bg_trend *t, size_t s, size_t i);
/* Occurrences per 10,000 characters of the year's reports (of that body);
 * -1 when their size is unknown (a remote shard, or reports indexed before
 * it was kept). */
BG_API double bg_trend_per_10k(const bg_trend *t, size_t s, size_t i);
/* {"query": "...", "years": [{"year": 2019, "passages": 3, "occurrences": 4,
 * "per_10k": 0.213}, ...]} (per_10k null when unknown); with by_body
 * {"query": "...", "bodies": [{"body": "国务院", "years": [...]}, ...]}. The
 * caller owns the string (bg_free). NULL when out of memory. */
BG_API char *bg_trend_json(const bg_trend *t);

/* ---- new expressions: what a year says first, or no longer ---------------- */

typedef struct bg_novel bg_novel;

#define BG_NOVEL_OPTIONS_VERSION 1
#define BG_NOVEL_DEFAULT_LIMIT 30
#define BG_NOVEL_MAX_LIMIT 1000
#define BG_NOVEL_MAX_PASSAGES 20

typedef struct bg_novel_options {
    unsigned version;   /* BG_NOVEL_OPTIONS_VERSION */
    int gone;           /* 0: expressions new in the year; 1: expressions that stopped in it */
    int since;          /* compare with the years from this one on (0: every year of the index) */
    size_t limit;       /* expressions returned, best first (0: BG_NOVEL_DEFAULT_LIMIT) */
    size_t passages;    /* first passages listed with each (0: none) */
} bg_novel_options;

#define BG_NOVEL_OPTIONS_INIT {BG_NOVEL_OPTIONS_VERSION, 0, 0, BG_NOVEL_DEFAULT_LIMIT, 3}

/* The expressions (2 to 8 Han characters, a trailing + kept; no numbers)
 * that year's reports use and no earlier report of the index does (since
 * opts->since when set), best first: how salient they are in that year and
 * whether later years take them up (docs/years.md, "New expressions"). With
 * opts->gone, the reverse: the expressions of the last year before year that
 * neither year nor any later year uses. The body and kind filters of filters
 * (may be NULL) choose the reports compared; its years, offset and limit do
 * not apply. Errors: BG_EINVAL (an option out of range), BG_ENOTFOUND (no
 * reports of year, or none before it, with these filters), BG_EXAPIAN.
 * Free *out with bg_novel_free(). */
BG_API int bg_search_new(bg_novel **out, bg_index *ix, int year, const bg_novel_options *opts,
                         const bg_search_options *filters);
BG_API void bg_novel_free(bg_novel *n);                                /* NULL allowed */
BG_API int bg_novel_year(const bg_novel *n);                           /* the year asked for */
BG_API int bg_novel_base_year(const bg_novel *n);      /* whose text lists them (gone: the year before) */
BG_API size_t bg_novel_count(const bg_novel *n);
BG_API const char *bg_novel_text(const bg_novel *n, size_t i);         /* normalised */
BG_API size_t bg_novel_occurrences(const bg_novel *n, size_t i);       /* in the base year */
BG_API size_t bg_novel_passages(const bg_novel *n, size_t i);          /* passages of the base year holding it */
BG_API size_t bg_novel_other_years(const bg_novel *n, size_t i);       /* later (gone: earlier) years using it */
BG_API double bg_novel_score(const bg_novel *n, size_t i);             /* its salience, the order of the list */
/* Its first passages in the base year, as a search for it would list them;
 * owned by n; NULL when opts->passages was 0. */
BG_API const bg_results *bg_novel_hits(const bg_novel *n, size_t i);
/* {"year", "direction": "new"|"gone", "base_year", "since", "compared_years",
 * "other_years", "expressions": [{"text", "occurrences", "passage_count",
 * "other_years", "score", "passages": [results as in a search]}]}. The
 * caller owns the string (bg_free). NULL when out of memory. */
BG_API char *bg_novel_json(const bg_novel *n);

/* ---- side by side: two years' passages on a query ----------------------- */

typedef struct bg_compare bg_compare;

/* At most this many passages of each year are compared (the best by
 * relevance); bg_compare_truncated() says when a year had more. */
#define BG_COMPARE_MAX 500

/* What year_a's and year_b's reports say about query, side by side
 * (docs/years.md, "Side by side"): the exact matches of each year (opts->strict
 * is implied; at most BG_COMPARE_MAX each), every passage of year_b paired with
 * its closest passage of year_a — one to one, best pairs first, a passage
 * under the same section path (numbering and digits left out) counting
 * before one that is only worded alike, texts compared by character bigrams
 * — and what has no counterpart left alone; plus the figures of both years
 * (bg_search_figures()). Entries are in year_b's report order, a passage only
 * in year_a after the entry of the year_a passage before it. opts may be
 * NULL; its body, kind, docno and copies filters apply, its year filters,
 * offset, limit and per_year do not. Errors: BG_EINVAL (a year outside
 * 1..9999, or year_a == year_b), and as for bg_search_run(). Free *out with
 * bg_compare_free(). */
BG_API int bg_search_compare(bg_compare **out, bg_index *ix, const char *query, int year_a, int year_b,
                             const bg_search_options *opts);
BG_API void bg_compare_free(bg_compare *c);                          /* NULL allowed */
BG_API int bg_compare_year(const bg_compare *c, int side);           /* side 0: year_a, 1: year_b */
BG_API size_t bg_compare_total(const bg_compare *c, int side);       /* that year's exact matches */
BG_API int bg_compare_truncated(const bg_compare *c);  /* 1: a year had more than BG_COMPARE_MAX */
BG_API size_t bg_compare_count(const bg_compare *c);                 /* entries */
/* Entry i's passage of year_a (side 0) or year_b (side 1); NULL when the
 * entry has none (the passage is only in the other year). Owned by c. */
BG_API const bg_hit *bg_compare_hit(const bg_compare *c, size_t i, int side);
/* "same" (similarity 0.9 or more), "similar" (paired), "only_a", "only_b".
 * Static string. */
BG_API const char *bg_compare_status(const bg_compare *c, size_t i);
/* The Dice coefficient of the two passages' character bigrams (0..1) after
 * normalisation, punctuation left out; 0 for an entry of one year. */
BG_API double bg_compare_similarity(const bg_compare *c, size_t i);
/* 1 when the pair's passages are under the same section path. */
BG_API int bg_compare_section_match(const bg_compare *c, size_t i);
/* The figures of both years (bg_figures_* accessors; years newest first, a
 * year without figures is not listed). Owned by c. */
BG_API const bg_figures *bg_compare_figures(const bg_compare *c);
BG_API const bg_missing *bg_compare_missing_shards(const bg_compare *c); /* shards left out */
/* {"query": "...", "years": [2023, 2024], "totals": [12, 15],
 *  "truncated": false,
 *  "pairs": [{"a": <result object as in bg_results_json()> or null,
 *             "b": <result object> or null, "status": "similar",
 *             "similarity": 0.634, "section_match": true}, ...],
 *  "figures": [{"year": 2023, "items": [<as in bg_figures_json()>]},
 *              {"year": 2024, "items": [...]}],
 *  "missing_shards": []}
 * The caller owns the string (bg_free). NULL when out of memory. */
BG_API char *bg_compare_json(const bg_compare *c);

/* ---- reading: a passage in its context ------------------------------------ */

#define BG_MAX_CONTEXT 100

/* The passage ref names (a passage id as bg_hit_id() gives, or REPORT:LINE as
 * for bg_search_like()) with up to context passages before and after it in
 * its report (at most BG_MAX_CONTEXT), in the report's order. *out holds
 * them as results (bg_results_count(), bg_results_hit(), bg_results_json()):
 * bg_hit_match() is "target" for the passage asked for and "context" for the
 * others; bg_results_total() is their number; the results' query is ref.
 * Nothing is highlighted and there are no facets. The caller frees *out with
 * bg_results_free(). Errors: BG_EINVAL (ref malformed), BG_ENOTFOUND (no such
 * report, line or passage), BG_ETOOBIG (context over BG_MAX_CONTEXT),
 * BG_EXAPIAN. */
BG_API int bg_passage_context(bg_results **out, bg_index *ix, const char *ref, size_t context);

/* Every passage of a report, in its order: ref is the report's id (the 16 hex
 * digits of its passage ids before the ':'), or a passage id or REPORT:LINE of
 * one of its passages. Results as
 * for bg_passage_context() (every bg_hit_match() "context"; at most 10,000
 * passages). Errors: BG_EINVAL, BG_ENOTFOUND, BG_EXAPIAN. */
BG_API int bg_report_passages(bg_results **out, bg_index *ix, const char *ref);

/* The section of the passage ref names (a passage id or REPORT:LINE), in the
 * report's order: its enclosing section's heading and every passage under it
 * (a heading's section is its own). The passage is the one whose
 * bg_hit_match() is "target" (also in bg_report_passages() when ref names a
 * passage). Errors as for bg_passage_context(). */
BG_API int bg_section_passages(bg_results **out, bg_index *ix, const char *ref);

#ifdef __cplusplus
}
#endif

#endif
