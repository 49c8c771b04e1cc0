// bgx.cc — the extern "C" shim over Xapian declared in bgx.h.
//
// Every entry point runs its body inside guard(), which turns any exception
// into a BG_E* code plus a one-line message. Nothing C++ escapes this file.

#include "bgx.h"
#include "baogao.h"

#include <xapian.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

struct bgx_doc {
    Xapian::Document doc;
};

struct bgx_writer {
    Xapian::WritableDatabase db;
    std::string path;
    size_t pending = 0;
};

// One shard of a combined reader, with what it takes to (re)connect it.
struct reader_shard {
    std::string name, path, host, program, args;
    unsigned port = 0;
    Xapian::Database db;
    bool up = false;
    std::string why;                                  // why it is down
    std::chrono::steady_clock::time_point tried{};    // last connection attempt
    bool is_remote() const { return path.empty(); }
};

struct bgx_reader {
    Xapian::Database db;       // the shards that are up, combined
    std::string path;          // what messages call the whole
    std::vector<reader_shard> shards;   // empty for a reader of one path
    bgx_remote_policy policy{};
    int tie_slot = -1;
    uint64_t generation = 0;   // moves whenever db may show other data
};

struct bgx_query {
    Xapian::Query q;
};

namespace {

int error_code_for(const Xapian::Error &e)
{
    const std::string type = e.get_type();
    if (type == "DatabaseLockError")
        return BG_ELOCKED;
    if (type == "DatabaseOpeningError" || type == "DatabaseNotFoundError")
        return BG_ENOTFOUND;
    if (type == "InvalidArgumentError")
        return BG_EINVAL;
    if (type == "NetworkError" || type == "NetworkTimeoutError")
        return BG_EUNAVAILABLE;
    return BG_EXAPIAN;
}

// A remote shard is down or too slow; what() names it and says why.
struct shard_down : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Runs body and maps exceptions to error codes. body returns 0 or a BG_E* code.
template <typename F>
int guard(bgi_err *err, const char *what, F body)
{
    try {
        return body();
    } catch (const shard_down &e) {
        return bgi_err_set(err, BG_EUNAVAILABLE, "%s", e.what());
    } catch (const Xapian::Error &e) {
        return bgi_err_set(err, error_code_for(e), "%s: %s: %s", what, e.get_type(),
                          e.get_msg().c_str());
    } catch (const std::bad_alloc &) {
        return bgi_err_set(err, BG_ENOMEM, "%s: out of memory", what);
    } catch (const std::exception &e) {
        return bgi_err_set(err, BG_EXAPIAN, "%s: %s", what, e.what());
    } catch (...) {
        return bgi_err_set(err, BG_EXAPIAN, "%s: unknown exception", what);
    }
}

// Like guard() for functions that return a pointer: NULL on any exception.
template <typename T, typename F>
T *guard_ptr(F body)
{
    try {
        return body();
    } catch (...) {
        return nullptr;
    }
}

int copy_out(const std::string &s, char **val, size_t *len)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        return BG_ENOMEM;
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *val = p;
    if (len)
        *len = s.size();
    return 0;
}

// ---- combined readers: connecting shards, and taking out the ones that fail

void connect_shard(reader_shard &s, const bgx_remote_policy &p)
{
    s.tried = std::chrono::steady_clock::now();
    s.up = false;
    s.db = Xapian::Database();
    if (!s.is_remote())
        s.db = Xapian::Database(s.path);
    else if (!s.program.empty())
        s.db = Xapian::Remote::open(s.program, s.args, p.timeout_ms);
    else
        s.db = Xapian::Remote::open(s.host, s.port, p.timeout_ms, p.timeout_ms);
    s.up = true;
    s.why.clear();
}

// Connects a remote shard; a failure marks it down (with the reason) rather
// than throwing. Returns whether it is up.
bool try_connect(reader_shard &s, const bgx_remote_policy &p)
{
    try {
        connect_shard(s, p);
    } catch (const Xapian::Error &e) {
        s.why = e.get_msg();
        if (e.get_error_string())
            s.why += std::string(" (") + e.get_error_string() + ")";
        s.db = Xapian::Database();
    }
    return s.up;
}

void combine_up_shards(bgx_reader *r)
{
    Xapian::Database db;
    for (auto &s : r->shards)
        if (s.up)
            db.add_database(s.db);
    r->db = db;
}

[[noreturn]] void throw_shard_down(const reader_shard &s)
{
    throw shard_down("shard " + s.name + " is unavailable: " + s.why);
}

// A remote shard failed during a read of r, and Xapian does not say which
// one. Each remote shard is connected afresh (a failed exchange can leave the
// others' connections mid-conversation): the ones that do not answer within
// the timeout are down. Returns once r holds only shards that are up, or
// throws when a shard is down and partial answers are not allowed.
void drop_failed_shards(bgx_reader *r)
{
    if (r->shards.empty())
        throw;  // a plain reader: nothing to take out (called within a catch)
    for (auto &s : r->shards) {
        if (s.up && s.is_remote() && !try_connect(s, r->policy) && !r->policy.allow_partial)
            throw_shard_down(s);
    }
    combine_up_shards(r);
    r->generation++;
    if (r->db.size() == 0)
        throw shard_down("no shard is available");
}

// A writer that commits twice while we read invalidates our snapshot: reopen
// on the new revision and run body again, after undo() dropped what the
// failed attempt produced. Every read of a bgx_reader goes through here, not
// only searches: a reader is held between calls (and the lexicon and the
// catalogue are read from it too), so any of them can meet a stale revision.
// A remote shard that fails is taken out (see drop_failed_shards) and the
// read runs again on the others.
template <typename F, typename U>
int with_retry(bgx_reader *r, bgi_err *err, F body, U undo)
{
    for (int attempt = 0;; attempt++) {
        int rc = guard(err, r->path.c_str(), [&] {
            try {
                body();
                return 0;
            } catch (const Xapian::DatabaseModifiedError &) {
                undo();
                if (attempt >= 10)
                    throw;
                r->db.reopen();
                r->generation++;
                return 1;
            } catch (const Xapian::NetworkError &) {
                undo();
                if (attempt >= 10)
                    throw;
                drop_failed_shards(r);
                return 1;
            }
        });
        if (rc != 1) {
            if (rc < 0)
                undo();
            return rc;
        }
    }
}

} // namespace

extern "C" {

/* ---- documents --------------------------------------------------------- */

bgx_doc *bgx_doc_new(void)
{
    return guard_ptr<bgx_doc>([] { return new bgx_doc(); });
}

void bgx_doc_free(bgx_doc *doc)
{
    delete doc;
}

int bgx_doc_add_posting(bgx_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdfinc,
                        bgi_err *err)
{
    return guard(err, "add posting", [&] {
        doc->doc.add_posting(std::string(term, len), pos, wdfinc);
        return 0;
    });
}

int bgx_doc_add_term(bgx_doc *doc, const char *term, size_t len, uint32_t wdfinc, bgi_err *err)
{
    return guard(err, "add term", [&] {
        doc->doc.add_term(std::string(term, len), wdfinc);
        return 0;
    });
}

int bgx_doc_set_data(bgx_doc *doc, const char *data, size_t len, bgi_err *err)
{
    return guard(err, "set document data", [&] {
        doc->doc.set_data(std::string(data, len));
        return 0;
    });
}

int bgx_doc_set_value(bgx_doc *doc, unsigned slot, const char *val, size_t len, bgi_err *err)
{
    return guard(err, "set value", [&] {
        doc->doc.add_value(slot, std::string(val, len));
        return 0;
    });
}

/* ---- writable shard ----------------------------------------------------- */

int bgx_writer_open(bgx_writer **out, const char *path, int create, bgi_err *err)
{
    *out = nullptr;
    return guard(err, path, [&] {
        int flags = (create ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN) | Xapian::DB_BACKEND_GLASS;
        bgx_writer *w = new bgx_writer{Xapian::WritableDatabase(path, flags), path, 0};
        try {
            w->db.begin_transaction(true);
        } catch (...) {
            delete w;
            throw;
        }
        *out = w;
        return 0;
    });
}

void bgx_writer_free(bgx_writer *w)
{
    if (!w)
        return;
    try {
        // Closing without commit must leave the shard at its last commit.
        w->db.cancel_transaction();
    } catch (...) {
    }
    try {
        w->db.close();
    } catch (...) {
    }
    delete w;
}

int bgx_writer_add(bgx_writer *w, const bgx_doc *doc, bgi_err *err)
{
    return guard(err, w->path.c_str(), [&] {
        w->db.add_document(doc->doc);
        w->pending++;
        return 0;
    });
}

int bgx_writer_delete_term(bgx_writer *w, const char *term, bgi_err *err)
{
    return guard(err, w->path.c_str(), [&] {
        w->db.delete_document(std::string(term));
        w->pending++;
        return 0;
    });
}

int bgx_writer_termfreq(bgx_writer *w, const char *term, size_t len, uint32_t *freq, bgi_err *err)
{
    *freq = 0;
    return guard(err, w->path.c_str(), [&] {
        *freq = w->db.get_termfreq(std::string(term, len));
        return 0;
    });
}

// The first term of doc starting with prefix, or "".
static std::string first_with_prefix(const Xapian::Document &doc, const std::string &prefix)
{
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to(prefix);
    if (t != doc.termlist_end() && (*t).compare(0, prefix.size(), prefix) == 0)
        return *t;
    return std::string();
}

int bgx_writer_first_term_of(bgx_writer *w, const char *select, const char *prefix, char **out, bgi_err *err)
{
    *out = nullptr;
    return guard(err, w->path.c_str(), [&] {
        Xapian::PostingIterator p = w->db.postlist_begin(select);
        if (p == w->db.postlist_end(select))
            return 0;
        std::string t = first_with_prefix(w->db.get_document(*p), prefix);
        size_t n = 0;
        return t.empty() ? 0 : copy_out(t, out, &n);
    });
}

int bgx_writer_foreach_term_of(bgx_writer *w, const char *select, const char *prefix, const char *skip_marked,
                               int (*cb)(void *ctx, const char *term, size_t len), void *ctx, bgi_err *err)
{
    return guard(err, w->path.c_str(), [&] {
        std::vector<std::string> found;
        for (Xapian::PostingIterator p = w->db.postlist_begin(select); p != w->db.postlist_end(select); ++p) {
            Xapian::Document doc = w->db.get_document(*p);
            if (skip_marked && first_with_prefix(doc, skip_marked) == skip_marked)
                continue;
            std::string t = first_with_prefix(doc, prefix);
            if (!t.empty())
                found.push_back(t);
        }
        for (const std::string &t : found) {
            int rc = cb(ctx, t.data(), t.size());
            if (rc)
                return rc;
        }
        return 0;
    });
}

int bgx_writer_promote(bgx_writer *w, const char *select, const char *marker, int *promoted, bgi_err *err)
{
    *promoted = 0;
    return guard(err, w->path.c_str(), [&] {
        Xapian::docid first = 0;
        for (Xapian::PostingIterator p = w->db.postlist_begin(select); p != w->db.postlist_end(select); ++p) {
            Xapian::Document doc = w->db.get_document(*p);
            if (first_with_prefix(doc, marker) != marker)
                return 0;   // a copy without the marker already stands for the text
            if (!first)
                first = *p;
        }
        if (!first)
            return 0;
        Xapian::Document doc = w->db.get_document(first);
        doc.remove_term(marker);
        w->db.replace_document(first, doc);
        w->pending++;
        *promoted = 1;
        return 0;
    });
}

int bgx_writer_set_metadata(bgx_writer *w, const char *key, const char *val, size_t len, bgi_err *err)
{
    return guard(err, w->path.c_str(), [&] {
        w->db.set_metadata(key, std::string(val, len));
        return 0;
    });
}

int bgx_writer_get_metadata(bgx_writer *w, const char *key, char **val, size_t *len, bgi_err *err)
{
    *val = nullptr;
    return guard(err, w->path.c_str(), [&] { return copy_out(w->db.get_metadata(key), val, len); });
}

int bgx_writer_commit(bgx_writer *w, bgi_err *err)
{
    return guard(err, w->path.c_str(), [&] {
        w->db.commit_transaction();
        w->pending = 0;
        w->db.begin_transaction(true);
        return 0;
    });
}

size_t bgx_writer_pending(const bgx_writer *w)
{
    return w->pending;
}

int bgx_compact(const char *src, const char *dst, bgi_err *err)
{
    return guard(err, src, [&] {
        Xapian::Database db(src);
        // Keep docids: nothing relies on them, but keeping them is cheapest.
        db.compact(dst, Xapian::DBCOMPACT_NO_RENUMBER);
        return 0;
    });
}

/* ---- read-only database ------------------------------------------------- */

int bgx_reader_open(bgx_reader **out, const char *path, bgi_err *err)
{
    *out = nullptr;
    return guard(err, path, [&] {
        std::unique_ptr<bgx_reader> r(new bgx_reader);
        r->db = Xapian::Database(path);
        r->path = path;
        *out = r.release();
        return 0;
    });
}

int bgx_reader_open_shards(bgx_reader **out, const bgx_shard *shards, size_t n, const bgx_remote_policy *policy,
                           bgi_err *err)
{
    *out = nullptr;
    std::unique_ptr<bgx_reader> r;
    int rc = guard(err, "shards", [&] {
        r.reset(new bgx_reader);
        r->policy = *policy;
        r->path = n == 1 ? shards[0].name : std::to_string(n) + " shards";
        r->shards.resize(n);
        for (size_t i = 0; i < n; i++) {
            reader_shard &s = r->shards[i];
            s.name = shards[i].name;
            s.path = shards[i].path ? shards[i].path : "";
            s.host = shards[i].host ? shards[i].host : "";
            s.port = shards[i].port;
            s.program = shards[i].program ? shards[i].program : "";
            s.args = shards[i].args ? shards[i].args : "";
        }
        return 0;
    });
    if (rc)
        return rc;
    for (auto &s : r->shards) {
        // A local shard's error names its path already; a remote one's only
        // says what went wrong on the wire, so name the shard.
        rc = guard(err, s.name.c_str(), [&] {
            if (!s.is_remote())
                connect_shard(s, r->policy);
            else if (!try_connect(s, r->policy) && !r->policy.allow_partial)
                throw_shard_down(s);
            return 0;
        });
        if (rc)
            return rc;
    }
    rc = guard(err, r->path.c_str(), [&] {
        combine_up_shards(r.get());
        if (r->db.size() == 0 && n > 0)
            throw shard_down("no shard is available");
        return 0;
    });
    if (rc == 0)
        *out = r.release();
    return rc;
}

void bgx_reader_free(bgx_reader *r)
{
    delete r;
}

// Shards left out are tried again when a reader is brought up to date, but
// not more often than this: a shard that hangs costs a whole timeout.
static const std::chrono::seconds retry_down_shards_after(5);

int bgx_reader_reopen(bgx_reader *r, bgi_err *err)
{
    int rc = guard(err, r->path.c_str(), [&] {
        bool back = false;
        auto now = std::chrono::steady_clock::now();
        for (auto &s : r->shards)
            if (!s.up && now - s.tried >= retry_down_shards_after)
                back |= try_connect(s, r->policy);
        if (back) {
            combine_up_shards(r);
            r->generation++;
        }
        return 0;
    });
    return rc ? rc : with_retry(r, err, [&] { r->generation += r->db.reopen(); }, [] {});
}

uint64_t bgx_reader_generation(const bgx_reader *r)
{
    return r->generation;
}

void bgx_reader_set_tie_slot(bgx_reader *r, unsigned slot)
{
    r->tie_slot = static_cast<int>(slot);
}

size_t bgx_reader_missing_count(const bgx_reader *r)
{
    size_t n = 0;
    for (auto &s : r->shards)
        n += !s.up;
    return n;
}

const char *bgx_reader_missing_name(const bgx_reader *r, size_t i)
{
    for (auto &s : r->shards)
        if (!s.up && i-- == 0)
            return s.name.c_str();
    return "";
}

uint32_t bgx_reader_doccount(const bgx_reader *r)
{
    try {
        return r->db.get_doccount();
    } catch (...) {
        return 0;
    }
}

uint64_t bgx_reader_revision(const bgx_reader *r)
{
    try {
        if (!bgx_reader_is_remote(r))
            return r->db.get_revision();
        // The remote backend gives no revision; every commit that adds,
        // replaces or removes passages moves the last docid or the count.
        return (static_cast<uint64_t>(r->db.get_lastdocid()) << 32) ^ r->db.get_doccount();
    } catch (...) {
        // Combined databases have no single revision in Xapian 1.4.
        return 0;
    }
}

// These reads retry on a stale revision like searches do (with_retry). The
// foreach functions collect first and call back afterwards, so that a retry
// never calls back twice for the same key or term.
int bgx_reader_get_metadata(bgx_reader *r, const char *key, char **val, size_t *len, bgi_err *err)
{
    *val = nullptr;
    std::string v;
    int rc = with_retry(r, err, [&] { v = r->db.get_metadata(key); }, [&] { v.clear(); });
    return rc ? rc : guard(err, r->path.c_str(), [&] { return copy_out(v, val, len); });
}

int bgx_reader_foreach_metadata(bgx_reader *r, const char *prefix,
                                int (*cb)(void *ctx, const char *key, const char *val, size_t len),
                                void *ctx, bgi_err *err)
{
    std::vector<std::pair<std::string, std::string>> kv;
    int rc = with_retry(
        r, err,
        [&] {
            // Xapian 1.4 leaks a cursor when metadata_keys_begin() meets a
            // stale revision; a plain read first finds that out cleanly.
            r->db.get_metadata(prefix);
            for (auto it = r->db.metadata_keys_begin(prefix); it != r->db.metadata_keys_end(prefix); ++it)
                kv.emplace_back(*it, r->db.get_metadata(*it));
        },
        [&] { kv.clear(); });
    for (size_t i = 0; rc == 0 && i < kv.size(); i++)
        rc = cb(ctx, kv[i].first.c_str(), kv[i].second.c_str(), kv[i].second.size());
    return rc;
}

int bgx_reader_term_doc_data(bgx_reader *r, const char *term, char **data, size_t *len, bgi_err *err)
{
    *data = nullptr;
    std::string d;
    bool found = false;
    int rc = with_retry(
        r, err,
        [&] {
            Xapian::PostingIterator p = r->db.postlist_begin(term);
            if ((found = p != r->db.postlist_end(term)))
                d = r->db.get_document(*p).get_data();
        },
        [&] { d.clear(); });
    if (rc == 0 && !found)
        return bgi_err_set(err, BG_ENOTFOUND, "%s: no document has term %s", r->path.c_str(), term);
    return rc ? rc : guard(err, r->path.c_str(), [&] { return copy_out(d, data, len); });
}

int bgx_reader_is_remote(const bgx_reader *r)
{
    return r->shards.size() == 1 && r->shards[0].is_remote();
}

int bgx_reader_termfreq(bgx_reader *r, const char *term, uint32_t *freq, bgi_err *err)
{
    *freq = 0;
    return with_retry(r, err, [&] { *freq = r->db.get_termfreq(term); }, [&] { *freq = 0; });
}

int bgx_reader_foreach_term(bgx_reader *r, const char *prefix,
                            int (*cb)(void *ctx, const char *term, size_t len), void *ctx, bgi_err *err)
{
    std::vector<std::string> terms;
    int rc = with_retry(
        r, err,
        [&] {
            for (auto it = r->db.allterms_begin(prefix); it != r->db.allterms_end(prefix); ++it)
                terms.push_back(*it);
        },
        [&] { terms.clear(); });
    for (size_t i = 0; rc == 0 && i < terms.size(); i++)
        rc = cb(ctx, terms[i].c_str(), terms[i].size());
    return rc;
}

/* ---- queries ------------------------------------------------------------ */

bgx_query *bgx_query_term(const char *term, size_t len, uint32_t wqf, uint32_t pos)
{
    if (!term)
        return nullptr;
    return guard_ptr<bgx_query>(
        [&] { return new bgx_query{Xapian::Query(std::string(term, len), wqf, pos)}; });
}

bgx_query *bgx_query_wildcard(const char *prefix, size_t len)
{
    if (!prefix)
        return nullptr;
    return guard_ptr<bgx_query>([&] {
        return new bgx_query{Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len), 0,
                                           Xapian::Query::WILDCARD_LIMIT_ERROR, Xapian::Query::OP_SYNONYM)};
    });
}

int bgx_reader_wildcard(bgx_query **out, bgx_reader *r, const char *prefix, size_t len, bgi_err *err)
{
    *out = nullptr;
    const std::string p(prefix, len);
    std::vector<Xapian::Query> terms;
    int rc = with_retry(
        r, err,
        [&] {
            for (auto it = r->db.allterms_begin(p); it != r->db.allterms_end(p); ++it)
                terms.emplace_back(*it);
        },
        [&] { terms.clear(); });
    if (rc)
        return rc;
    return guard(err, r->path.c_str(), [&] {
        *out = new bgx_query{Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end())};
        return 0;
    });
}

static Xapian::Query::op xapian_op(int op)
{
    switch (op) {
    case BGX_OP_AND: return Xapian::Query::OP_AND;
    case BGX_OP_OR: return Xapian::Query::OP_OR;
    case BGX_OP_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case BGX_OP_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case BGX_OP_FILTER: return Xapian::Query::OP_FILTER;
    case BGX_OP_PHRASE: return Xapian::Query::OP_PHRASE;
    case BGX_OP_NEAR: return Xapian::Query::OP_NEAR;
    case BGX_OP_SYNONYM: return Xapian::Query::OP_SYNONYM;
    case BGX_OP_ELITE_SET: return Xapian::Query::OP_ELITE_SET;
    default: throw Xapian::InvalidArgumentError("unknown query operator");
    }
}

bgx_query *bgx_query_combine(int op, bgx_query *const *subs, size_t n, uint32_t window)
{
    return guard_ptr<bgx_query>([&] {
        std::vector<Xapian::Query> parts;
        parts.reserve(n);
        for (size_t i = 0; i < n; i++)
            if (subs[i])
                parts.push_back(subs[i]->q);
        return new bgx_query{Xapian::Query(xapian_op(op), parts.begin(), parts.end(), window)};
    });
}

bgx_query *bgx_query_scale(const bgx_query *q, double factor)
{
    if (!q)
        return nullptr;
    return guard_ptr<bgx_query>(
        [&] { return new bgx_query{Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor)}; });
}

bgx_query *bgx_query_match_all(void)
{
    return guard_ptr<bgx_query>([] { return new bgx_query{Xapian::Query::MatchAll}; });
}

bgx_query *bgx_query_match_nothing(void)
{
    return guard_ptr<bgx_query>([] { return new bgx_query{Xapian::Query::MatchNothing}; });
}

int bgx_query_is_empty(const bgx_query *q)
{
    return !q || q->q.empty();
}

void bgx_query_free(bgx_query *q)
{
    delete q;
}

char *bgx_query_describe(const bgx_query *q)
{
    char *out = nullptr;
    try {
        copy_out(q->q.get_description(), &out, nullptr);
    } catch (...) {
        return nullptr;
    }
    return out;
}

/* ---- matching ----------------------------------------------------------- */

void bgx_match_clear(bgx_match *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_hits; i++)
        std::free(m->hits[i].data);
    std::free(m->hits);
    for (size_t s = 0; s < 4; s++) {
        for (size_t i = 0; i < m->n_facets[s]; i++)
            std::free(m->facets[s][i].value);
        std::free(m->facets[s]);
    }
    std::memset(m, 0, sizeof *m);
}

} // extern "C"

namespace {

struct collapse_spec {
    Xapian::valueno slot;
    Xapian::doccount max;
};

// Lets C code decide which terms an expand set may hold.
class CallbackDecider : public Xapian::ExpandDecider {
  public:
    CallbackDecider(int (*keep)(void *, const char *, size_t), void *ctx) : keep_(keep), ctx_(ctx) {}
    bool operator()(const std::string &term) const override
    {
        return !keep_ || keep_(ctx_, term.data(), term.size()) != 0;
    }

  private:
    int (*keep_)(void *, const char *, size_t);
    void *ctx_;
};

// Facet counts per slot: value -> matching documents.
using facet_counts = std::vector<std::map<std::string, Xapian::doccount>>;

// Counts, for every match of q in db, the values in facet_slots; returns the
// number of matches the spies saw (before any collapsing).
Xapian::doccount count_values(facet_counts &counts, Xapian::Database &db, const Xapian::Query &q,
                              const unsigned *facet_slots, size_t n_facet_slots)
{
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (size_t i = 0; i < n_facet_slots; i++) {
        spies.emplace_back(new Xapian::ValueCountMatchSpy(facet_slots[i]));
        enquire.add_matchspy(spies.back().get());
    }
    enquire.get_mset(0, 0, db.get_doccount());
    for (size_t s = 0; s < n_facet_slots; s++)
        for (auto v = spies[s]->values_begin(); v != spies[s]->values_end(); ++v)
            counts[s][*v] += v.get_termfreq();
    return spies.empty() ? 0 : spies[0]->get_total();
}

// Xapian 1.4.22 over-counts when it merges the match spies of two or more
// remote shards (by one or two documents per query on the reports corpus;
// one remote shard among local ones counts right). Such readers count values
// shard by shard: the local shards together, each remote one on its own.
// The remote shards count at the same time, each in its own thread (its own
// Database and connection), so the wait is the slowest shard's, not the sum.
Xapian::doccount count_values_by_shard(facet_counts &counts, bgx_reader *r, const Xapian::Query &q,
                                       const unsigned *facet_slots, size_t n_facet_slots)
{
    std::vector<Xapian::Database> groups;
    Xapian::Database local;
    for (auto &s : r->shards) {
        if (s.up && s.is_remote())
            groups.push_back(s.db);
        else if (s.up)
            local.add_database(s.db);
    }
    if (local.size())
        groups.push_back(local);
    if (groups.empty())
        return 0;
    std::vector<facet_counts> part(groups.size(), facet_counts(n_facet_slots));
    std::vector<Xapian::doccount> seen(groups.size(), 0);
    std::vector<std::exception_ptr> failed(groups.size());
    // Xapian's objects count their references without atomics: each thread
    // gets a query of its own (a copy would share the tree), made here.
    std::vector<Xapian::Query> queries;
    const std::string serialised = q.serialise();
    for (size_t i = 0; i < groups.size(); i++)
        queries.push_back(Xapian::Query::unserialise(serialised));
    std::vector<std::thread> threads;
    for (size_t i = 1; i < groups.size(); i++)
        threads.emplace_back([&, i] {
            try {
                seen[i] = count_values(part[i], groups[i], queries[i], facet_slots, n_facet_slots);
            } catch (...) {
                failed[i] = std::current_exception();
            }
        });
    try {
        seen[0] = count_values(part[0], groups[0], queries[0], facet_slots, n_facet_slots);
    } catch (...) {
        failed[0] = std::current_exception();
    }
    for (auto &t : threads)
        t.join();
    Xapian::doccount total = 0;
    for (size_t i = 0; i < groups.size(); i++) {
        if (failed[i])
            std::rethrow_exception(failed[i]);
        total += seen[i];
        for (size_t s = 0; s < n_facet_slots; s++)
            for (const auto &kv : part[i][s])
                counts[s][kv.first] += kv.second;
    }
    return total;
}

size_t remote_shards_up(const bgx_reader *r)
{
    size_t n = 0;
    for (auto &s : r->shards)
        n += s.up && s.is_remote();
    return n;
}

void copy_facets(bgx_match *out, const facet_counts &counts)
{
    for (size_t s = 0; s < counts.size() && s < 4; s++) {
        const auto &c = counts[s];
        out->facets[s] = static_cast<bgx_facet *>(std::calloc(c.size() ? c.size() : 1, sizeof(bgx_facet)));
        if (!out->facets[s])
            throw std::bad_alloc();
        for (const auto &kv : c) {
            bgx_facet &f = out->facets[s][out->n_facets[s]];
            if (copy_out(kv.first, &f.value, nullptr) != 0)
                throw std::bad_alloc();
            f.count = kv.second;
            out->n_facets[s]++;
        }
    }
}

void run_match(bgx_match *out, bgx_reader *r, const Xapian::Query &q, size_t offset, size_t limit,
               const unsigned *facet_slots, size_t n_facet_slots, const collapse_spec *collapse)
{
    Xapian::Database &db = r->db;
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    if (collapse)
        enquire.set_collapse_key(collapse->slot, collapse->max);
    // Ties (equal weights) break by a value of our own when there is one:
    // docids depend on the number and order of the shards combined.
    if (r->tie_slot >= 0)
        enquire.set_sort_by_relevance_then_value(static_cast<Xapian::valueno>(r->tie_slot), false);
    const bool by_shard = n_facet_slots > 0 && remote_shards_up(r) >= 2;
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (size_t i = 0; i < n_facet_slots && !by_shard; i++) {
        spies.emplace_back(new Xapian::ValueCountMatchSpy(facet_slots[i]));
        enquire.add_matchspy(spies.back().get());
    }
    // Counting every match makes total (and facet counts) exact, not estimates.
    const Xapian::doccount all = db.get_doccount();
    Xapian::MSet mset = enquire.get_mset(offset, limit, all);

    facet_counts counts(n_facet_slots);
    Xapian::doccount seen = 0;
    if (by_shard) {
        seen = count_values_by_shard(counts, r, q, facet_slots, n_facet_slots);
    } else {
        for (size_t s = 0; s < n_facet_slots; s++)
            for (auto v = spies[s]->values_begin(); v != spies[s]->values_end(); ++v)
                counts[s][*v] += v.get_termfreq();
        seen = spies.empty() ? 0 : spies[0]->get_total();
    }
    // Spies see every match before collapsing, so they count the uncollapsed
    // total exactly; the MSet's own counts would be of collapsed matches.
    out->total = collapse && n_facet_slots ? seen : mset.get_matches_estimated();
    out->hits = static_cast<bgx_hit *>(std::calloc(mset.size() ? mset.size() : 1, sizeof(bgx_hit)));
    if (!out->hits)
        throw std::bad_alloc();
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        bgx_hit &h = out->hits[out->n_hits];
        h.docid = *it;
        h.weight = it.get_weight();
        if (copy_out(it.get_document().get_data(), &h.data, &h.data_len) != 0)
            throw std::bad_alloc();
        out->n_hits++;
    }
    copy_facets(out, counts);
}

int search(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t offset, size_t limit,
           const unsigned *facet_slots, size_t n_facet_slots, const collapse_spec *collapse, bgi_err *err)
{
    std::memset(out, 0, sizeof *out);
    if (n_facet_slots > 4)
        return bgi_err_set(err, BG_EINVAL, "at most 4 facet slots");
    return with_retry(
        r, err, [&] { run_match(out, r, q->q, offset, limit, facet_slots, n_facet_slots, collapse); },
        [&] { bgx_match_clear(out); });
}

} // namespace

extern "C" {

int bgx_search(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t offset, size_t limit,
               const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err)
{
    return search(out, r, q, offset, limit, facet_slots, n_facet_slots, nullptr, err);
}

int bgx_search_collapsed(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t limit,
                         unsigned collapse_slot, size_t collapse_max,
                         const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err)
{
    const collapse_spec c = {collapse_slot, static_cast<Xapian::doccount>(collapse_max)};
    return search(out, r, q, 0, limit, facet_slots, n_facet_slots, &c, err);
}

/* ---- relevance feedback ------------------------------------------------- */

void bgx_eterms_free(bgx_eterm *terms, size_t n)
{
    for (size_t i = 0; terms && i < n; i++)
        std::free(terms[i].term);
    std::free(terms);
}

int bgx_expand(bgx_eterm **out, size_t *n, bgx_reader *r, const char *rel_term, size_t max_terms,
               int (*keep)(void *ctx, const char *term, size_t len), void *ctx, bgi_err *err)
{
    *out = nullptr;
    *n = 0;
    auto undo = [&] {
        bgx_eterms_free(*out, *n);
        *out = nullptr;
        *n = 0;
    };
    return with_retry(
        r, err,
        [&] {
            Xapian::PostingIterator doc = r->db.postlist_begin(rel_term);
            if (doc == r->db.postlist_end(rel_term))
                return;
            Xapian::RSet rset;
            rset.add_document(*doc);
            Xapian::Enquire enquire(r->db);
            CallbackDecider decider(keep, ctx);
            // Exact term frequencies: the approximation over several shards
            // would rank terms differently depending on how years are split.
            Xapian::ESet eset = enquire.get_eset(static_cast<Xapian::termcount>(max_terms), rset,
                                                 Xapian::Enquire::USE_EXACT_TERMFREQ, &decider);
            *out = static_cast<bgx_eterm *>(std::calloc(eset.size() ? eset.size() : 1, sizeof(bgx_eterm)));
            if (!*out)
                throw std::bad_alloc();
            for (auto it = eset.begin(); it != eset.end(); ++it) {
                bgx_eterm &t = (*out)[*n];
                if (copy_out(*it, &t.term, &t.len) != 0)
                    throw std::bad_alloc();
                t.weight = it.get_weight();
                (*n)++;
            }
        },
        undo);
}

} // extern "C"
