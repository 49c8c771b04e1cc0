// bgx.cc — the extern "C" shim over Xapian declared in bgx.h.
//
// Every entry point runs its body inside guard(), which turns any exception
// into a BG_E* code plus a one-line message. Nothing C++ escapes this file.

#include "bgx.h"
#include "baogao.h"

#include <xapian.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
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

// A local shard's values in one slot as runs of consecutive documents of
// one value (the passages of a report are consecutive and share their facets
// value), read from its value stream once the facets spies have read enough
// of its values one by one (ShardValueCounter, run_match). Valid for one
// generation of the reader.
struct value_runs {
    std::vector<Xapian::docid> first;   // first document of each run, ascending
    std::vector<std::string> value;     // each run's value ("": none)
    size_t reads = 0;                   // values read one by one in this generation
    bool built = false;
    const std::string &at(Xapian::docid did) const
    {
        static const std::string none;
        const auto it = std::upper_bound(first.begin(), first.end(), did);
        return it == first.begin() ? none : value[static_cast<size_t>(it - first.begin()) - 1];
    }
};

struct bgx_reader {
    Xapian::Database db;       // the shards that are up, combined
    // value_runs of (shard uuid, slot), of generation runs_generation
    std::map<std::pair<std::string, unsigned>, value_runs> runs;
    uint64_t runs_generation = ~0ULL;
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

// The system's reason for e (errno's text), or NULL. Xapian loses errno in
// some opening errors ("Failed to open glass revision"); for those a probe
// tells whether the process has run out of file descriptors.
const char *system_reason(const Xapian::Error &e)
{
    if (e.get_error_string())
        return e.get_error_string();
    if (std::strcmp(e.get_type(), "DatabaseOpeningError") != 0)
        return nullptr;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int probe_errno = errno;
    if (fd >= 0) {
        close(fd);
        return nullptr;
    }
    return probe_errno == EMFILE || probe_errno == ENFILE ? std::strerror(probe_errno) : nullptr;
}

// Whether the system call behind e failed for lack of file descriptors.
bool out_of_descriptors(const Xapian::Error &e)
{
    const char *why = system_reason(e);
    return why && (std::strcmp(why, std::strerror(EMFILE)) == 0 || std::strcmp(why, std::strerror(ENFILE)) == 0);
}

int error_code_for(const Xapian::Error &e)
{
    const std::string type = e.get_type();
    // Checked first: a shard that cannot be opened for want of descriptors
    // is there, and saying "not found" would send the reader the wrong way.
    if (out_of_descriptors(e))
        return BG_EIO;
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

// A Xapian error met in one shard of a combined reader, whose what() names
// the shard (Xapian's own message does not say which one).
struct shard_error : std::runtime_error {
    int code;
    shard_error(int c, const std::string &m) : std::runtime_error(m), code(c) {}
};

// Runs body and maps exceptions to error codes. body returns 0 or a BG_E* code.
template <typename F>
int guard(bgi_err *err, const char *what, F body)
{
    try {
        return body();
    } catch (const shard_down &e) {
        return bgi_err_set(err, BG_EUNAVAILABLE, "%s", e.what());
    } catch (const shard_error &e) {
        return bgi_err_set(err, e.code, "%s", e.what());
    } catch (const Xapian::Error &e) {
        // get_error_string() is the system's reason (errno's text, e.g. "No
        // space left on device"): without it a full disk reads as "Error
        // writing block 62".
        const char *why = system_reason(e);
        return bgi_err_set(err, error_code_for(e), "%s: %s: %s%s%s%s", what, e.get_type(), e.get_msg().c_str(),
                          why ? " (" : "", why ? why : "", why ? ")" : "");
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

// The shard of r holding document id, and its id there: a combined database
// gives document k of shard i (of n) the id (k - 1) * n + i + 1, counting
// only the shards that are up. A reader of one path is its own shard.
const char *shard_of(const bgx_reader *r, Xapian::docid id, Xapian::docid *in_shard)
{
    std::vector<const reader_shard *> up;
    for (auto &s : r->shards)
        if (s.up)
            up.push_back(&s);
    const size_t n = up.empty() ? 1 : up.size();
    *in_shard = id ? static_cast<Xapian::docid>((id - 1) / n + 1) : 0;
    return up.empty() || id == 0 ? r->path.c_str() : up[(id - 1) % n]->name.c_str();
}

// Rethrows e, met reading document id of r, naming the shard that holds it.
[[noreturn]] void throw_naming_shard(const bgx_reader *r, Xapian::docid id, const Xapian::Error &e)
{
    Xapian::docid k = 0;
    const std::string name = shard_of(r, id, &k);
    const char *why = system_reason(e);
    throw shard_error(error_code_for(e), "shard " + name + ": passage " + std::to_string(k) + ": " + e.get_type()
                                             + ": " + e.get_msg()
                                             + (why ? std::string(" (") + why + ")" : std::string()));
}

// The data of the document at it: a damaged record (zlib's "inflate failed")
// is reported naming its shard. Stale revisions and network failures pass
// through unchanged, for with_retry().
std::string document_data(const bgx_reader *r, const Xapian::MSetIterator &it)
{
    try {
        return it.get_document().get_data();
    } catch (const Xapian::DatabaseModifiedError &) {
        throw;
    } catch (const Xapian::NetworkError &) {
        throw;
    } catch (const Xapian::Error &e) {
        throw_naming_shard(r, *it, e);
    }
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

int bgx_writer_replace_data(bgx_writer *w, const char *select, const char *data, size_t len, bgi_err *err)
{
    return guard(err, w->path.c_str(), [&] {
        Xapian::PostingIterator p = w->db.postlist_begin(select);
        if (p == w->db.postlist_end(select))
            return bgi_err_set(err, BG_ENOTFOUND, "%s: no document has term %s", w->path.c_str(), select);
        Xapian::docid did = *p;
        // A document read from this database and given back with only its
        // data changed: glass rewrites the data alone, not its postings.
        Xapian::Document doc = w->db.get_document(did);
        doc.set_data(std::string(data, len));
        w->db.replace_document(did, doc);
        w->pending++;
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

int bgx_reader_doc_data_before(bgx_reader *r, uint32_t docid, uint32_t back, char **data, size_t *len,
                               bgi_err *err)
{
    *data = nullptr;
    // Combined shards interleave their documents: docid = (id in its shard
    // - 1) x shards up + its shard's place + 1 (shard_of).
    std::vector<const reader_shard *> up;
    for (auto &s : r->shards)
        if (s.up)
            up.push_back(&s);
    const Xapian::docid n = up.empty() ? 1 : static_cast<Xapian::docid>(up.size());
    const Xapian::docid in_shard = docid ? (docid - 1) / n + 1 : 0;
    const bool remote = up.empty() ? r->shards.size() == 1 && r->shards[0].is_remote() : up[(docid - 1) % n]->is_remote();
    if (!docid || in_shard <= back || remote)
        return bgi_err_set(err, BG_ENOTFOUND, "%s: no document before %u to read directly", r->path.c_str(), docid);
    const Xapian::docid target = docid - back * static_cast<Xapian::docid>(n);
    std::string d;
    bool found = false;
    int rc = with_retry(
        r, err,
        [&] {
            try {
                d = r->db.get_document(target).get_data();
                found = true;
            } catch (const Xapian::DocNotFoundError &) {
                found = false;
            }
        },
        [&] { d.clear(); });
    if (rc == 0 && !found)
        return bgi_err_set(err, BG_ENOTFOUND, "%s: no document %u", r->path.c_str(), target);
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

bgx_query *bgx_query_wildcard(const char *prefix, size_t len, size_t max_terms)
{
    if (!prefix)
        return nullptr;
    // Xapian keeps the max_terms most frequent terms of each shard (0: all).
    const int limit = max_terms ? Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT : Xapian::Query::WILDCARD_LIMIT_ERROR;
    return guard_ptr<bgx_query>([&] {
        return new bgx_query{Xapian::Query(Xapian::Query::OP_WILDCARD, std::string(prefix, len),
                                           static_cast<Xapian::termcount>(max_terms), limit,
                                           Xapian::Query::OP_SYNONYM)};
    });
}

// Keeps the max_terms terms of the highest frequency (ties: byte order, so
// that the same index always gives the same query), as
// WILDCARD_LIMIT_MOST_FREQUENT does, but over every shard at once.
static void keep_most_frequent(std::vector<std::pair<Xapian::doccount, std::string>> &terms, size_t max_terms)
{
    if (max_terms == 0 || terms.size() <= max_terms)
        return;
    std::partial_sort(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(max_terms), terms.end(),
                      [](const auto &a, const auto &b) {
                          return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    terms.resize(max_terms);
}

int bgx_reader_wildcard(bgx_query **out, bgx_reader *r, const char *prefix, size_t len, size_t max_terms,
                        size_t *n_terms, bgi_err *err)
{
    *out = nullptr;
    if (n_terms)
        *n_terms = 0;
    const std::string p(prefix, len);
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    int rc = with_retry(
        r, err,
        [&] {
            for (auto it = r->db.allterms_begin(p); it != r->db.allterms_end(p); ++it)
                terms.emplace_back(it.get_termfreq(), *it);
        },
        [&] { terms.clear(); });
    if (rc)
        return rc;
    return guard(err, r->path.c_str(), [&] {
        keep_most_frequent(terms, max_terms);
        std::vector<Xapian::Query> subs;
        subs.reserve(terms.size());
        for (const auto &t : terms)
            subs.emplace_back(t.second);
        *out = new bgx_query{Xapian::Query(Xapian::Query::OP_SYNONYM, subs.begin(), subs.end())};
        if (n_terms)
            *n_terms = subs.size();
        return 0;
    });
}

const char *bgx_reader_shard_of(const bgx_reader *r, uint32_t docid, uint32_t *in_shard)
{
    Xapian::docid k = 0;
    const char *name = shard_of(r, docid, &k);
    if (in_shard)
        *in_shard = k;
    return name;
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

// What one database (a shard, or a group of shards) counted for a query.
struct group_count {
    facet_counts counts;               // raw: over the matches checked
    Xapian::doccount seen = 0;         // matches the spies saw
    Xapian::doccount lower = 0, estimated = 0, upper = 0;
    size_t partitions = 0;             // partition terms (up to 2), when sampled
    bool sampled() const { return seen < upper; }
};

// Counts the values in facet_slots of the matches of q in db: of every match
// (check 0), or of the first check of them in docid order, unweighted (no
// statistics, and the match stops there). Xapian's estimate of the matches
// of a phrase is then no more than those checked, so a sample is scaled by
// the part of the docids it covered: seen × last docid ÷ docid of the last
// match checked. Partition terms are counted only when the count is a
// sample.
void count_group(group_count &out, Xapian::Database &db, const Xapian::Query &q, const unsigned *facet_slots,
                 size_t n_facet_slots, Xapian::doccount check, const std::string &partition_prefix)
{
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    if (check) {
        enquire.set_weighting_scheme(Xapian::BoolWeight());
        enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    }
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    for (size_t i = 0; i < n_facet_slots; i++) {
        spies.emplace_back(new Xapian::ValueCountMatchSpy(facet_slots[i]));
        enquire.add_matchspy(spies.back().get());
    }
    Xapian::MSet mset = check ? enquire.get_mset(0, check, check) : enquire.get_mset(0, 0, db.get_doccount());
    out.counts.assign(n_facet_slots, {});
    for (size_t s = 0; s < n_facet_slots; s++)
        for (auto v = spies[s]->values_begin(); v != spies[s]->values_end(); ++v)
            out.counts[s][*v] += v.get_termfreq();
    out.seen = spies.empty() ? 0 : spies[0]->get_total();
    out.upper = std::max(mset.get_matches_upper_bound(), out.seen);
    if (!check || mset.size() < check || out.seen >= out.upper) {
        out.lower = out.estimated = out.upper = out.seen;
        return;
    }
    out.lower = std::max(mset.get_matches_lower_bound(), out.seen);
    Xapian::docid last = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it)
        last = std::max(last, *it);
    const double covered = last ? static_cast<double>(db.get_lastdocid()) / last : 1.0;
    const auto estimated = static_cast<Xapian::doccount>(out.seen * covered + 0.5);
    out.estimated = std::min(std::max(estimated, out.lower), out.upper);
    if (!partition_prefix.empty())
        for (auto t = db.allterms_begin(partition_prefix); t != db.allterms_end(partition_prefix)
                                                           && out.partitions < 2; ++t)
            out.partitions++;
}

// Counts values over groups, each on its own: group i in a thread of its own
// when threaded[i] (a remote shard: its own Database and connection, so the
// wait is the slowest shard's, not the sum), the others one after another
// here.
std::vector<group_count> count_groups(std::vector<Xapian::Database> &groups, const std::vector<bool> &threaded,
                                      const Xapian::Query &q, const unsigned *facet_slots, size_t n_facet_slots,
                                      Xapian::doccount check, const std::string &partition_prefix)
{
    std::vector<group_count> part(groups.size());
    std::vector<std::exception_ptr> failed(groups.size());
    // Xapian's objects count their references without atomics: each thread
    // gets a query of its own (a copy would share the tree), made here.
    std::vector<Xapian::Query> queries;
    const std::string serialised = q.serialise();
    for (size_t i = 0; i < groups.size(); i++)
        queries.push_back(threaded[i] ? Xapian::Query::unserialise(serialised) : q);
    auto one = [&](size_t i) {
        try {
            count_group(part[i], groups[i], queries[i], facet_slots, n_facet_slots, check, partition_prefix);
        } catch (...) {
            failed[i] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    for (size_t i = 0; i < groups.size(); i++)
        if (threaded[i])
            threads.emplace_back(one, i);
    for (size_t i = 0; i < groups.size(); i++)
        if (!threaded[i])
            one(i);
    for (auto &t : threads)
        t.join();
    for (size_t i = 0; i < groups.size(); i++)
        if (failed[i])
            std::rethrow_exception(failed[i]);
    return part;
}

// Xapian 1.4.22 over-counts when it merges the match spies of two or more
// remote shards (by one or two documents per query on the reports corpus;
// one remote shard among local ones counts right). Such readers count values
// shard by shard: the local shards together, each remote one on its own, at
// the same time. Returns the number of matches the spies saw.
Xapian::doccount count_values_by_shard(facet_counts &counts, bgx_reader *r, const Xapian::Query &q,
                                       const unsigned *facet_slots, size_t n_facet_slots)
{
    std::vector<Xapian::Database> groups;
    std::vector<bool> threaded;
    Xapian::Database local;
    for (auto &s : r->shards) {
        if (s.up && s.is_remote()) {
            groups.push_back(s.db);
            threaded.push_back(true);
        } else if (s.up) {
            local.add_database(s.db);
        }
    }
    if (local.size()) {
        groups.push_back(local);
        threaded.push_back(false);
    }
    Xapian::doccount total = 0;
    for (const auto &g : count_groups(groups, threaded, q, facet_slots, n_facet_slots, 0, std::string())) {
        total += g.seen;
        for (size_t s = 0; s < n_facet_slots; s++)
            for (const auto &kv : g.counts[s])
                counts[s][kv.first] += kv.second;
    }
    return total;
}

// Counts values shard by shard, every shard on its own (remote ones each in
// a thread), each checking at least its share of check_total matches.
std::vector<group_count> sample_shards(bgx_reader *r, const Xapian::Query &q, const unsigned *facet_slots,
                                       size_t n_facet_slots, size_t check_total, const std::string &partition_prefix)
{
    std::vector<Xapian::Database> groups;
    std::vector<bool> threaded;
    if (r->shards.empty()) {
        groups.push_back(r->db);
        threaded.push_back(false);
    }
    for (auto &s : r->shards)
        if (s.up) {
            groups.push_back(s.db);
            threaded.push_back(s.is_remote());
        }
    const size_t n = std::max<size_t>(groups.size(), 1);
    const auto check = static_cast<Xapian::doccount>(std::max<size_t>((check_total + n - 1) / n, 1));
    return count_groups(groups, threaded, q, facet_slots, n_facet_slots, check, partition_prefix);
}

// Sums the shards' counts into counts, the sampled ones scaled so that all
// add up to total: each sampled shard's share of what the exactly counted
// shards leave follows its own estimate (its docid coverage); a value seen is
// counted at least once. unvalued gets the matches without a value, scaled
// alike.
void scale_samples(facet_counts &counts, size_t unvalued[4], const std::vector<group_count> &parts,
                   size_t n_facet_slots, size_t total)
{
    double exact_part = 0, sampled_est = 0;
    for (const auto &g : parts)
        (g.sampled() ? sampled_est : exact_part) += g.sampled() ? g.estimated : g.seen;
    const double rest = total > exact_part ? total - exact_part : 0;
    std::vector<std::map<std::string, double>> scaled(n_facet_slots);
    std::vector<double> none(n_facet_slots, 0.0);
    for (const auto &g : parts) {
        double factor = 1.0;
        if (g.sampled() && g.seen && sampled_est > 0)
            factor = std::max(1.0, g.estimated * (rest / sampled_est) / g.seen);
        for (size_t s = 0; s < n_facet_slots; s++) {
            Xapian::doccount valued = 0;
            for (const auto &kv : g.counts[s]) {
                scaled[s][kv.first] += kv.second * factor;
                valued += kv.second;
            }
            none[s] += (g.seen - std::min(valued, g.seen)) * factor;
        }
    }
    for (size_t s = 0; s < n_facet_slots; s++) {
        for (const auto &kv : scaled[s])
            counts[s][kv.first] = std::max<Xapian::doccount>(1, static_cast<Xapian::doccount>(kv.second + 0.5));
        if (s < 4)
            unvalued[s] = static_cast<size_t>(none[s] + 0.5);
    }
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

// Matches the spies saw without a value in each slot.
void count_unvalued(bgx_match *out, const facet_counts &counts, Xapian::doccount seen)
{
    for (size_t s = 0; s < counts.size() && s < 4; s++) {
        Xapian::doccount valued = 0;
        for (const auto &kv : counts[s])
            valued += kv.second;
        out->unvalued[s] = seen - std::min(valued, seen);
    }
}

// ---- facets of a merged match without a value read per match ----------------
//
// A match spy is given each match's document, whose id is the one within its
// shard: nothing it can read for free tells the shard. ShardMarker does:
// adding it to the query as an optional part (AND_MAYBE; it matches every
// document and weighs nothing, so the matches and their weights stay the
// same, to the bit) puts one copy of it in each shard's part of the match,
// told that shard's database and asked about every match there; Xapian 1.4
// runs through the shards one after another, so the copy last asked is that
// of the shard of the match the spies see next. The spies check that on the
// first match after each change of shard (one value read per shard): should
// a match ever be of another shard than the one marked, the match runs again
// with Xapian's own spies. ShardValueCounter then reads no value for a match
// of a shard in which every document holds one and the same value in the slot
// (Xapian's value statistics say so): a year shard of one body's reports is
// such a shard for the facets slot, whose value is the year, the body and
// the kind of document of the passage. Reading that value per match was a
// third of a search's time at 100x the corpus (docs/performance.md, "Search
// cost at 100x, session 7"). Local shards only: a remote server runs only
// the posting sources and match spies it knows.

// Which shard the match is in: set by ShardMarker, read by the spies.
struct shard_cursor {
    std::vector<std::string> uuids;   // of the shards, in the merged database's order
    int current = -1;                 // index of the shard last asked about
};

class ShardMarker : public Xapian::PostingSource {
  public:
    explicit ShardMarker(shard_cursor *cursor) : cursor_(cursor) {}
    Xapian::PostingSource *clone() const override { return new ShardMarker(cursor_); }
    void init(const Xapian::Database &db) override
    {
        const std::string uuid = db.get_uuid();
        index_ = -1;
        for (size_t i = 0; i < cursor_->uuids.size(); i++)
            if (cursor_->uuids[i] == uuid)
                index_ = static_cast<int>(i);
        // A shard it was not given (index_ -1) leaves the spies reading values.
        last_ = db.get_lastdocid();
        docs_ = db.get_doccount();
        did_ = 0;
    }
    Xapian::doccount get_termfreq_min() const override { return docs_; }
    Xapian::doccount get_termfreq_est() const override { return docs_; }
    Xapian::doccount get_termfreq_max() const override { return last_; }
    Xapian::docid get_docid() const override { return did_; }
    bool at_end() const override { return did_ > last_; }
    void next(double) override
    {
        cursor_->current = index_;
        did_++;
    }
    void skip_to(Xapian::docid did, double) override
    {
        cursor_->current = index_;
        did_ = std::max(did_, did);
    }
    bool check(Xapian::docid did, double) override
    {
        cursor_->current = index_;
        did_ = did;
        return true;
    }

  private:
    shard_cursor *cursor_;
    int index_ = -1;
    Xapian::docid did_ = 0, last_ = 0;
    Xapian::doccount docs_ = 0;
};

// The values of one slot over the matches, as ValueCountMatchSpy counts
// them, reading none for a match of a shard of one value (see above), and
// taking them from the shard's value_runs where those are built (runs[i]:
// shard i's, or NULL).
class ShardValueCounter : public Xapian::MatchSpy {
  public:
    ShardValueCounter(const shard_cursor *cursor, const std::vector<Xapian::Database> &shards,
                      const std::vector<value_runs *> &runs, Xapian::valueno slot)
        : cursor_(cursor), slot_(slot), constant_(shards.size()), runs_(runs), matches_(shards.size(), 0)
    {
        for (size_t i = 0; i < shards.size(); i++) {
            const Xapian::doccount docs = shards[i].get_doccount();
            if (docs && shards[i].get_value_freq(slot) == docs) {
                const std::string lower = shards[i].get_value_lower_bound(slot);
                if (lower == shards[i].get_value_upper_bound(slot))
                    constant_[i] = lower;
            }
        }
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        total_++;
        const int shard = cursor_->current;
        const bool known = shard >= 0 && static_cast<size_t>(shard) < constant_.size();
        const bool one_value = known && !constant_[shard].empty();
        value_runs *runs = known && !one_value ? runs_[shard] : nullptr;
        if (shard == checked_ && one_value) {
            matches_[shard]++;
            return;
        }
        if (shard == checked_ && runs && runs->built) {
            count(runs->at(doc.get_docid()));
            return;
        }
        // The first match after a change of shard is checked against what
        // the shard's one value or runs say.
        std::string value = doc.get_value(slot_);
        if (known && shard != checked_) {
            checked_ = shard;
            if (one_value || (runs && runs->built))
                misplaced_ = misplaced_ || value != (one_value ? constant_[shard] : runs->at(doc.get_docid()));
        }
        if (one_value) {
            matches_[shard]++;
            return;
        }
        if (runs)
            runs->reads++;
        count(value);
    }
    Xapian::doccount total() const { return total_; }
    // Whether a match was seen in another shard than the one marked.
    bool misplaced() const { return misplaced_; }
    void add_to(std::map<std::string, Xapian::doccount> &counts) const
    {
        for (const auto &kv : counts_)
            counts[kv.first] += kv.second;
        for (size_t i = 0; i < constant_.size(); i++)
            if (matches_[i])
                counts[constant_[i]] += matches_[i];
    }

  private:
    void count(const std::string &value)
    {
        if (!value.empty())
            counts_[value]++;
    }
    const shard_cursor *cursor_;
    Xapian::valueno slot_;
    std::vector<std::string> constant_;       // per shard: its one value, or ""
    std::vector<value_runs *> runs_;
    std::vector<Xapian::doccount> matches_;   // per shard: its matches (of that value)
    std::map<std::string, Xapian::doccount> counts_;
    Xapian::doccount total_ = 0;
    int checked_ = -1;         // the shard whose first match was checked last
    bool misplaced_ = false;
};

// A slot's spy over a merged match: ShardValueCounter when the shards are
// marked (cursor given), else Xapian's own.
class facet_spy {
  public:
    facet_spy(const shard_cursor *cursor, const std::vector<Xapian::Database> &shards,
              const std::vector<value_runs *> &runs, Xapian::valueno slot)
    {
        if (cursor)
            own_.reset(new ShardValueCounter(cursor, shards, runs, slot));
        else
            stock_.reset(new Xapian::ValueCountMatchSpy(slot));
    }
    Xapian::MatchSpy *get() { return own_ ? static_cast<Xapian::MatchSpy *>(own_.get()) : stock_.get(); }
    Xapian::doccount total() const { return own_ ? own_->total() : stock_->get_total(); }
    bool misplaced() const { return own_ && own_->misplaced(); }
    void add_to(std::map<std::string, Xapian::doccount> &counts) const
    {
        if (own_) {
            own_->add_to(counts);
            return;
        }
        for (auto v = stock_->values_begin(); v != stock_->values_end(); ++v)
            counts[*v] += v.get_termfreq();
    }

  private:
    std::unique_ptr<ShardValueCounter> own_;
    std::unique_ptr<Xapian::ValueCountMatchSpy> stock_;
};

// The value_runs of shards (r's, in order) in slot, emptied when r moved on.
std::vector<value_runs *> runs_of(bgx_reader *r, const shard_cursor &cursor, Xapian::valueno slot)
{
    if (r->runs_generation != r->generation) {
        r->runs.clear();
        r->runs_generation = r->generation;
    }
    std::vector<value_runs *> out;
    for (const auto &uuid : cursor.uuids)
        out.push_back(&r->runs[std::make_pair(uuid, static_cast<unsigned>(slot))]);
    return out;
}

// Builds the value_runs of a shard whose values the spies have read one by
// one about a sixteenth of its documents' worth: one pass over its value
// stream then costs less than reading them so again. A document without a
// value starts a run of "" (deleted ones are never matched).
void build_runs(value_runs &runs, const Xapian::Database &shard, Xapian::valueno slot)
{
    if (runs.built || runs.reads < shard.get_doccount() / 16 + 1)
        return;
    runs.first.clear();
    runs.value.clear();
    Xapian::docid next = 1;   // the document after the last one seen
    for (auto it = shard.valuestream_begin(slot); it != shard.valuestream_end(slot); ++it) {
        const Xapian::docid did = it.get_docid();
        if (did != next && (runs.value.empty() || !runs.value.back().empty())) {
            runs.first.push_back(next);
            runs.value.push_back(std::string());
        }
        const std::string v = *it;
        if (runs.value.empty() || runs.value.back() != v || did != next) {
            runs.first.push_back(did);
            runs.value.push_back(v);
        }
        next = did + 1;
    }
    runs.first.push_back(next);
    runs.value.push_back(std::string());
    runs.built = true;
}

// The shards of r's merged database, in its order, with their uuids in
// cursor, when all are local, each one database with a uuid of its own;
// false otherwise (the shards cannot be marked).
bool mark_shards(shard_cursor &cursor, std::vector<Xapian::Database> &shards, const bgx_reader *r)
{
    for (const auto &s : r->shards) {
        if (!s.up)
            continue;
        if (s.is_remote() || s.db.size() != 1)
            return false;
        const std::string uuid = s.db.get_uuid();
        if (uuid.empty() || std::find(cursor.uuids.begin(), cursor.uuids.end(), uuid) != cursor.uuids.end())
            return false;
        cursor.uuids.push_back(uuid);
        shards.push_back(s.db);
    }
    return !shards.empty() && shards.size() == r->db.size();
}

// An upper bound of the matches of q in db, from the frequencies of the
// terms it requires (no matching): the least of an AND's, the sum of an
// OR's; all (the document count) where it cannot tell.
Xapian::doccount match_upper_bound(const Xapian::Database &db, const Xapian::Query &q, Xapian::doccount all)
{
    switch (q.get_type()) {
    case Xapian::Query::LEAF_TERM:
        return db.get_termfreq(*q.get_terms_begin());
    case Xapian::Query::LEAF_MATCH_NOTHING:
        return 0;
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_PHRASE:
    case Xapian::Query::OP_NEAR: {
        Xapian::doccount least = all;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            least = std::min(least, match_upper_bound(db, q.get_subquery(i), all));
        return least;
    }
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_SCALE_WEIGHT:
        return q.get_num_subqueries() ? match_upper_bound(db, q.get_subquery(0), all) : all;
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_ELITE_SET: {
        Xapian::doccount sum = 0;
        for (size_t i = 0; i < q.get_num_subqueries() && sum < all; i++)
            sum += match_upper_bound(db, q.get_subquery(i), all);
        return std::min(sum, all);
    }
    default:
        return all;
    }
}

// One item of a match sorted by relevance alone, and its tie slot's value
// when it ties with a neighbour.
struct ranked_item {
    Xapian::MSetIterator it;
    double weight;
    std::string key;
};

// Puts the page [offset, offset + limit) of mset — a match sorted by
// relevance alone (ties by docid) that holds its first mset.size() items,
// more than the page — in the order of a match sorted by relevance then the
// value in slot (ties by value, ascending), into page. Only items that tie
// with a neighbour have their value read. False when the items of the page's
// last weight may go on beyond mset (complete: whether mset holds every
// match): only a match sorted by value can then tell which of them belong on
// the page (page_above()).
bool page_by_value(std::vector<Xapian::MSetIterator> &page, const Xapian::MSet &mset, size_t offset, size_t limit,
                   Xapian::valueno slot, bool complete)
{
    const size_t end = offset + limit;
    size_t known = mset.size();   // items [0, known) are all those weighing at least the page's last
    if (known > end) {
        const double last = mset[end - 1].get_weight();
        known = end;
        while (known < mset.size() && mset[known].get_weight() == last)
            known++;
        if (known == mset.size() && !complete)
            return false;
    }
    std::vector<ranked_item> items;
    for (size_t i = 0; i < known; i++)
        items.push_back({mset[i], mset[i].get_weight(), std::string()});
    for (size_t i = 0; i < items.size(); i++)
        if ((i > 0 && items[i - 1].weight == items[i].weight)
            || (i + 1 < items.size() && items[i + 1].weight == items[i].weight))
            items[i].key = items[i].it.get_document().get_value(slot);
    std::stable_sort(items.begin(), items.end(), [](const ranked_item &a, const ranked_item &b) {
        return a.weight != b.weight ? a.weight > b.weight : a.key < b.key;
    });
    for (size_t i = offset; i < items.size() && i < end; i++)
        page.push_back(items[i].it);
    return true;
}

// The page [offset, offset + limit) of q sorted by relevance then the value
// in slot, from a match that leaves out every document weighing less than
// min_weight, the weight of the page's last item: it cannot skip less than
// the match it stands for, and the page is the same. Hits only, no counts.
Xapian::MSet page_above(Xapian::Database &db, const Xapian::Query &q, size_t offset, size_t limit,
                        Xapian::valueno slot, double min_weight, std::vector<Xapian::MSetIterator> &page)
{
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    enquire.set_sort_by_relevance_then_value(slot, false);
    enquire.set_cutoff(0, min_weight);
    Xapian::MSet mset = enquire.get_mset(offset, limit);
    page.clear();
    for (auto it = mset.begin(); it != mset.end(); ++it)
        page.push_back(it);
    return mset;
}

// Runs the match into out. Ties (equal weights) break by a value of our own
// when there is one (r->tie_slot): docids depend on the number and order of
// the shards combined. Sorting by it in the matcher makes the matcher read
// that value for every match that may enter the page, a quarter of a common
// search's time at 100x the corpus (docs/performance.md, "Search cost at
// 100x, session 7"); so, unless by_value or collapsing (which keeps the best
// of each value by that order), the match sorts by relevance alone and keeps
// up to TIE_ITEMS items more than the page (ties of many passages are
// common: near-copies of a text weigh the same), page_by_value() orders the
// ties, and when ties go on beyond those page_above() finds the page again;
// where the query's terms may match more than the match checks, it sorts by
// value from the start as before (match_upper_bound()).
// The same match, with facets, also marks the shards (ShardMarker) so that
// the spies read no value where a shard has one. Returns false, with out
// untouched, when the match did not check every match (its estimates would
// differ) or a spy found a match outside the shard marked: the caller runs
// it again with by_value, as before both.
#define TIE_ITEMS 100

bool run_match(bgx_match *out, bgx_reader *r, const Xapian::Query &q, size_t offset, size_t limit,
               const unsigned *facet_slots, size_t n_facet_slots, const collapse_spec *collapse,
               const bgx_count *count, bool by_value)
{
    Xapian::Database &db = r->db;
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    if (collapse)
        enquire.set_collapse_key(collapse->slot, collapse->max);
    // Local shards only: ordering the ties reads values of documents, which
    // from a remote shard would cost a round trip each.
    bool order_here =
        r->tie_slot >= 0 && !by_value && !collapse && !r->shards.empty() && remote_shards_up(r) == 0;
    const bool by_shard = n_facet_slots > 0 && remote_shards_up(r) >= 2;
    // Checking every match makes total (and facet counts) exact, not
    // estimates; a bound checks at least that many, and the page.
    const Xapian::doccount all = db.get_doccount();
    Xapian::doccount check = all;
    if (count && count->check_at_least && std::max(count->check_at_least, offset + limit) < all)
        check = static_cast<Xapian::doccount>(std::max(count->check_at_least, offset + limit));
    // The items kept beyond the page stay within check: Xapian checks at
    // least as many as it keeps, and more checked would change the counts.
    const size_t extra = std::min<size_t>(TIE_ITEMS, check - std::min<size_t>(check, offset + limit));
    order_here = order_here && (extra > 0 || limit == 0);   // no page (a count): no order
    // A match that stops before checking every match runs again sorted by
    // value (below); where the terms' frequencies allow more matches than it
    // checks, it is sorted by value from the start.
    if (order_here && check < all && match_upper_bound(db, q, all) > check)
        order_here = false;
    if (r->tie_slot >= 0 && !order_here)
        enquire.set_sort_by_relevance_then_value(static_cast<Xapian::valueno>(r->tie_slot), false);
    // The marker leaves Xapian's estimates as they are (an AND_MAYBE's are
    // its first part's, and the weights, hence what the matcher skips, stay
    // the same), so every match with facets is marked but a collapsed one.
    shard_cursor cursor;
    std::vector<Xapian::Database> shards;
    std::unique_ptr<ShardMarker> marker;
    if (n_facet_slots && !by_shard && !collapse && mark_shards(cursor, shards, r)) {
        marker.reset(new ShardMarker(&cursor));
        enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, Xapian::Query(marker.get())));
    }
    std::vector<std::unique_ptr<facet_spy>> spies;
    std::vector<std::vector<value_runs *>> runs(n_facet_slots);
    for (size_t i = 0; i < n_facet_slots && !by_shard; i++) {
        if (marker)
            runs[i] = runs_of(r, cursor, facet_slots[i]);
        spies.emplace_back(new facet_spy(marker ? &cursor : nullptr, shards, runs[i], facet_slots[i]));
        enquire.add_matchspy(spies.back()->get());
    }
    Xapian::MSet mset = order_here && limit ? enquire.get_mset(0, offset + limit + extra, check)
                                            : enquire.get_mset(offset, limit, check);
    std::vector<Xapian::MSetIterator> page;
    bool ties_cross = false;   // the page is found again by page_above()
    if (!order_here)
        for (auto it = mset.begin(); it != mset.end(); ++it)
            page.push_back(it);
    else if (limit)
        ties_cross = !page_by_value(page, mset, offset, limit, static_cast<Xapian::valueno>(r->tie_slot),
                                    mset.size() < offset + limit + extra);

    facet_counts counts(n_facet_slots);
    Xapian::doccount seen = 0;
    for (const auto &spy : spies)
        if (spy->misplaced())
            return false;
    for (size_t i = 0; i < runs.size(); i++)
        for (size_t k = 0; k < runs[i].size(); k++)
            build_runs(*runs[i][k], shards[k], facet_slots[i]);
    if (!by_shard) {
        for (size_t s = 0; s < n_facet_slots; s++)
            spies[s]->add_to(counts[s]);
        seen = spies.empty() ? 0 : spies[0]->total();
    }
    // Spies see every match before collapsing: the bounds to read are those
    // of the uncollapsed matches.
    const Xapian::doccount upper =
        collapse ? mset.get_uncollapsed_matches_upper_bound() : mset.get_matches_upper_bound();
    // The spies saw every match when they saw fewer than the match had to
    // check (it ran out of candidates first), or as many as can match.
    const bool every_match = check == all || (!by_shard && n_facet_slots && (seen < check || seen >= upper));
    // Xapian's estimates after a partial match depend on how the matcher
    // skipped, and so on the order it sorted by: only a match that checked
    // every match gives the same counts in either order.
    if (order_here && !every_match)
        return false;
    out->total_exact = out->facets_exact = out->partitions_complete = 1;
    if (every_match) {
        if (by_shard)
            seen = count_values_by_shard(counts, r, q, facet_slots, n_facet_slots);
        // Spies see every match before collapsing, so they count the
        // uncollapsed total exactly; the MSet's own counts would be of
        // collapsed matches. Counted shard by shard, the total is the facets'
        // own: Xapian 1.4 may let a document through AND_NOT in the merged
        // match and not in a shard's (a phrase on the right), and a total
        // above its facets' sum would show the difference as passages of no
        // kind.
        out->total = (collapse || by_shard) && n_facet_slots ? seen : mset.get_matches_estimated();
        out->total_lower = out->total_upper = out->total;
        count_unvalued(out, counts, seen);
    } else if (n_facet_slots == 0) {
        out->total_lower = collapse ? mset.get_uncollapsed_matches_lower_bound() : mset.get_matches_lower_bound();
        out->total_upper = upper;
        out->total = collapse ? mset.get_uncollapsed_matches_estimated() : mset.get_matches_estimated();
        out->total_exact = out->total_lower == out->total_upper;
    } else {
        // More match than were checked: the spies saw the matches in the
        // order the matcher met them, a shard or two in full and the others
        // barely (once the page is full, it skips what cannot enter it), so
        // their counts cannot be scaled. Each shard samples its own.
        for (auto &c : counts)
            c.clear();
        const auto parts = sample_shards(r, q, facet_slots, n_facet_slots, count->check_at_least,
                                         count->partition_prefix ? count->partition_prefix : "");
        Xapian::doccount sum_lower = 0, sum_upper = 0;
        out->facets_exact = 1;
        for (const auto &g : parts) {
            sum_lower += g.lower;
            sum_upper += g.upper;
            out->facets_exact = out->facets_exact && !g.sampled();
            out->partitions_complete = out->partitions_complete && (!g.sampled() || g.partitions <= 1);
        }
        if (out->facets_exact) {
            // Every shard had fewer matches than its share: all counted.
            out->total = out->total_lower = out->total_upper = sum_lower;
        } else {
            // Xapian's estimate, within both bounds: the merged match's and
            // the sum of the shards'.
            const Xapian::doccount lower =
                collapse ? mset.get_uncollapsed_matches_lower_bound() : mset.get_matches_lower_bound();
            const Xapian::doccount estimated =
                collapse ? mset.get_uncollapsed_matches_estimated() : mset.get_matches_estimated();
            out->total_lower = std::max(lower, sum_lower);
            out->total_upper = std::max<size_t>(std::min(upper, sum_upper), out->total_lower);
            out->total = std::min(std::max<size_t>(estimated, out->total_lower), out->total_upper);
            out->total_exact = out->total_lower == out->total_upper;
        }
        scale_samples(counts, out->unvalued, parts, n_facet_slots, out->total);
    }
    Xapian::MSet above;   // keeps page's iterators valid when it is page_above()'s
    if (ties_cross)
        above = page_above(db, q, offset, limit, static_cast<Xapian::valueno>(r->tie_slot),
                           mset[offset + limit - 1].get_weight(), page);
    out->hits = static_cast<bgx_hit *>(std::calloc(page.size() ? page.size() : 1, sizeof(bgx_hit)));
    if (!out->hits)
        throw std::bad_alloc();
    for (const auto &it : page) {
        bgx_hit &h = out->hits[out->n_hits];
        h.docid = *it;
        h.weight = it.get_weight();
        if (copy_out(document_data(r, it), &h.data, &h.data_len) != 0)
            throw std::bad_alloc();
        out->n_hits++;
    }
    copy_facets(out, counts);
    return true;
}

int search(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t offset, size_t limit,
           const unsigned *facet_slots, size_t n_facet_slots, const collapse_spec *collapse, const bgx_count *count,
           bgi_err *err)
{
    std::memset(out, 0, sizeof *out);
    if (n_facet_slots > 4)
        return bgi_err_set(err, BG_EINVAL, "at most 4 facet slots");
    return with_retry(
        r, err,
        [&] {
            if (!run_match(out, r, q->q, offset, limit, facet_slots, n_facet_slots, collapse, count, false))
                run_match(out, r, q->q, offset, limit, facet_slots, n_facet_slots, collapse, count, true);
        },
        [&] { bgx_match_clear(out); });
}

} // namespace

extern "C" {

int bgx_search(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t offset, size_t limit,
               const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err)
{
    return search(out, r, q, offset, limit, facet_slots, n_facet_slots, nullptr, nullptr, err);
}

int bgx_search_counted(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t offset, size_t limit,
                       const bgx_count *count, const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err)
{
    return search(out, r, q, offset, limit, facet_slots, n_facet_slots, nullptr, count, err);
}

int bgx_search_collapsed(bgx_match *out, bgx_reader *r, const bgx_query *q, size_t limit,
                         unsigned collapse_slot, size_t collapse_max, const bgx_count *count,
                         const unsigned *facet_slots, size_t n_facet_slots, bgi_err *err)
{
    const collapse_spec c = {collapse_slot, static_cast<Xapian::doccount>(collapse_max)};
    return search(out, r, q, 0, limit, facet_slots, n_facet_slots, &c, count, err);
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

/* ---- counting occurrences (trends) -------------------------------------- */

namespace {

// Past this many documents to count from their text, bgx_count_phrases()
// gives up (supported 0) rather than hold all their data at once: the
// caller's scan reads them a chunk at a time. So it does when, past the
// first GIVE_UP_AFTER documents, more than half of them are to be read:
// the scan then costs little more.
const size_t MAX_UNSURE = 16384;
const size_t GIVE_UP_AFTER = 256;

// The phrases of bgx_count_phrases(), as strings.
struct phrase_set {
    std::vector<std::vector<std::string>> terms;   // each phrase's bigrams
    std::vector<std::string> joins;                // n x n: the bigram of a's last and b's first character
    std::vector<bool> edge_ends;                   // bgx_phrase.edge_ends
    std::vector<bool> optional;                    // bgx_phrase.optional
    const std::string &join(size_t a, size_t b) const { return joins[a * terms.size() + b]; }
};

// Collects the documents a match visits, with the year in slot ("0000" or
// anything else than digits: 0).
class year_collector : public Xapian::MatchSpy {
  public:
    year_collector(Xapian::valueno slot, std::vector<std::pair<Xapian::docid, int>> &docs) : slot_(slot), docs_(docs)
    {
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        const std::string v = doc.get_value(slot_);
        int year = v.empty() || v.size() > 6 ? -1 : 0;
        for (size_t i = 0; year >= 0 && i < v.size(); i++)
            year = v[i] >= '0' && v[i] <= '9' ? year * 10 + (v[i] - '0') : -1;
        docs_.emplace_back(doc.get_docid(), year > 0 ? year : 0);
    }

  private:
    Xapian::valueno slot_;
    std::vector<std::pair<Xapian::docid, int>> &docs_;
};

std::vector<Xapian::termpos> positions_of(const Xapian::Database &db, Xapian::docid did, const std::string &term)
{
    std::vector<Xapian::termpos> v;
    for (auto it = db.positionlist_begin(did, term); it != db.positionlist_end(did, term); ++it)
        v.push_back(*it);
    return v;
}

bool has_position(const Xapian::Database &db, Xapian::docid did, const std::string &term, Xapian::termpos at)
{
    const std::vector<Xapian::termpos> v = positions_of(db, did, term);
    return std::binary_search(v.begin(), v.end(), at);
}

// The occurrences of the phrases in document did, from its terms'
// positions: each phrase's matches taken left to right without overlap, as
// the highlighter takes a needle's. -1 when a phrase has none, or two of the
// matches kept overlap, or follow one another within a run (the bigram of
// the one's last and the other's first character is there): the highlighter
// merges ranges that touch in the original text, and only the text tells
// whether they do (a character that normalisation drops, a zero-width
// space, may stand between). Two matches with a character between, or a
// break (punctuation, a space), do not touch.
long count_by_positions(const Xapian::Database &db, Xapian::docid did, const phrase_set &ps)
{
    // A match of n bigrams from position p covers the characters at
    // positions p .. p + n (a bigram's position is its first character's).
    struct span {
        Xapian::termpos first, last;
        size_t phrase;
        bool operator<(const span &o) const { return first < o.first; }
    };
    std::vector<span> spans;
    for (size_t k = 0; k < ps.terms.size(); k++) {
        const auto &terms = ps.terms[k];
        std::vector<std::vector<Xapian::termpos>> pos;
        for (const auto &t : terms)
            pos.push_back(positions_of(db, did, t));
        size_t kept = 0;
        Xapian::termpos last = 0;
        for (Xapian::termpos p : pos[0]) {
            bool ok = true;
            for (size_t j = 1; ok && j < terms.size(); j++)
                ok = std::binary_search(pos[j].begin(), pos[j].end(), p + static_cast<Xapian::termpos>(j));
            if (!ok || (kept && p <= last))
                continue;
            last = p + static_cast<Xapian::termpos>(terms.size());
            spans.push_back(span{p, last, k});
            kept++;
        }
        if (!kept && !ps.optional[k])
            return -1;
    }
    if (spans.empty())
        return -1;   // the match found something the positions do not show
    std::sort(spans.begin(), spans.end());
    for (size_t i = 1; i < spans.size(); i++) {
        const span &a = spans[i - 1], &b = spans[i];
        if (b.first <= a.last)
            return -1;
        if (b.first == a.last + 1
            && (ps.edge_ends[a.phrase] || ps.edge_ends[b.phrase]
                || has_position(db, did, ps.join(a.phrase, b.phrase), a.last)))
            return -1;
    }
    return static_cast<long>(spans.size());
}

// Moves it to did or past it (it may be at its end); whether it is at did.
bool at_doc(Xapian::PostingIterator &it, const Xapian::PostingIterator &end, Xapian::docid did)
{
    if (it != end && *it < did)
        it.skip_to(did);
    return it != end && *it == did;
}

// What bgx_count_phrases() gathers, over the shards.
struct phrase_counts {
    std::map<int, size_t> per_year;
    std::vector<std::pair<Xapian::docid, std::string>> unsure;
    size_t matched = 0, settled = 0;
    bool gave_up = false;
};

// bgx_count_phrases() in one local shard.
void count_in_shard(Xapian::Database &db, const Xapian::Query &q, const phrase_set &ps, unsigned year_slot,
                    phrase_counts &out)
{
    std::vector<std::pair<Xapian::docid, int>> docs;
    year_collector spy(year_slot, docs);
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    enquire.add_matchspy(&spy);
    enquire.get_mset(0, 0, db.get_doccount());
    std::sort(docs.begin(), docs.end());
    out.matched += docs.size();
    // One bigram: its wdf is its occurrences, unless two of them may follow
    // one another within a run (the document holds the join bigram).
    const bool by_wdf = ps.terms.size() == 1 && ps.terms[0].size() == 1 && !ps.optional[0];
    Xapian::PostingIterator t, t_end, j, j_end;
    if (by_wdf) {
        t = db.postlist_begin(ps.terms[0][0]);
        j = db.postlist_begin(ps.join(0, 0));
    }
    for (const auto &d : docs) {
        if (d.second <= 0)
            continue;   // no year: a trend leaves it out
        long c = -1;
        if (!by_wdf)
            c = count_by_positions(db, d.first, ps);
        else if (at_doc(t, t_end, d.first))
            c = at_doc(j, j_end, d.first) ? count_by_positions(db, d.first, ps) : static_cast<long>(t.get_wdf());
        if (c >= 0) {
            out.per_year[d.second] += static_cast<size_t>(c);
            out.settled++;
            continue;
        }
        const size_t seen = out.settled + out.unsure.size() + 1;
        if (out.unsure.size() == MAX_UNSURE || (seen > GIVE_UP_AFTER && 2 * (out.unsure.size() + 1) > seen)) {
            out.gave_up = true;
            return;
        }
        out.unsure.emplace_back(d.first, db.get_document(d.first).get_data());
    }
}

} // namespace

extern "C" {

void bgx_occurrences_clear(bgx_occurrences *o)
{
    if (!o)
        return;
    std::free(o->years);
    std::free(o->counts);
    for (size_t i = 0; i < o->n_unsure; i++)
        std::free(o->unsure[i].data);
    std::free(o->unsure);
    std::memset(o, 0, sizeof *o);
}

int bgx_count_phrases(bgx_occurrences *out, bgx_reader *r, const bgx_query *q, const bgx_phrase *phrases, size_t n,
                      const char *const *joins, const size_t *join_lens, unsigned year_slot, bgi_err *err)
{
    std::memset(out, 0, sizeof *out);
    // Remote shards would need the spy on their server, and a reader of one
    // path may be a stub listing remote shards.
    if (r->shards.empty() || remote_shards_up(r) > 0 || !q || n == 0)
        return 0;
    phrase_set ps;
    int rc = guard(err, r->path.c_str(), [&] {
        ps.terms.resize(n);
        for (size_t i = 0; i < n; i++) {
            if (phrases[i].n == 0)
                return bgi_err_set(err, BG_EINVAL, "bgx_count_phrases: a phrase without terms");
            for (size_t j = 0; j < phrases[i].n; j++)
                ps.terms[i].emplace_back(phrases[i].terms[j], phrases[i].lens[j]);
            ps.edge_ends.push_back(phrases[i].edge_ends != 0);
            ps.optional.push_back(phrases[i].optional != 0);
        }
        for (size_t i = 0; i < n * n; i++)
            ps.joins.emplace_back(joins[i], join_lens[i]);
        return 0;
    });
    if (rc)
        return rc;
    phrase_counts pc;
    rc = with_retry(
        r, err,
        [&] {
            // Shard by shard: a match spy sees a document by its id in its
            // shard.
            for (auto &s : r->shards)
                if (s.up && !pc.gave_up)
                    count_in_shard(s.db, q->q, ps, year_slot, pc);
        },
        [&] { pc = phrase_counts(); });
    if (rc || pc.gave_up)
        return rc;
    return guard(err, r->path.c_str(), [&] {
        out->years = static_cast<int *>(std::calloc(pc.per_year.size() + 1, sizeof *out->years));
        out->counts = static_cast<size_t *>(std::calloc(pc.per_year.size() + 1, sizeof *out->counts));
        out->unsure = static_cast<bgx_hit *>(std::calloc(pc.unsure.size() + 1, sizeof *out->unsure));
        if (!out->years || !out->counts || !out->unsure) {
            bgx_occurrences_clear(out);
            return bgi_err_set(err, BG_ENOMEM, "out of memory");
        }
        for (const auto &y : pc.per_year) {
            out->years[out->n_years] = y.first;
            out->counts[out->n_years++] = y.second;
        }
        for (const auto &u : pc.unsure) {
            bgx_hit &h = out->unsure[out->n_unsure];
            h.docid = u.first;
            if (copy_out(u.second, &h.data, &h.data_len) != 0) {
                bgx_occurrences_clear(out);
                return bgi_err_set(err, BG_ENOMEM, "out of memory");
            }
            out->n_unsure++;
        }
        out->matched = pc.matched;
        out->settled = pc.settled;
        out->supported = 1;
        return 0;
    });
}

} // extern "C"

/* ---- checking a shard before Xapian writes it --------------------------- */

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
//
// Xapian 1.4 trusts the blocks it reads: a damaged B-tree block (a wrong
// directory offset, an item length past the block end) makes the writer copy
// and free memory it does not own, and the run dies in commit_transaction or
// in glibc's free() (docs/reliability.md, "Damaged shards"). Database::check
// would find the damage but is itself Xapian reading it, costs a full pass
// over every posting list, and trips AddressSanitizer inside libxapian even
// on a sound database (a sized delete of the wrong type). So the shard's
// structure is read here, by this code alone, with every offset bounds
// checked: the version file's roots and free lists, then every block each
// table's tree and free list reach — the checks of Xapian's own
// GlassTableCheck::block_check, without reading any tag.

namespace {

const char *const glass_tables[] = {"postlist", "docdata", "termlist", "position", "spelling", "synonym"};
const size_t n_glass_tables = sizeof glass_tables / sizeof *glass_tables;

// What the version file (iamglass) says of one table.
struct glass_root {
    uint64_t root = 0, level = 0, entries = 0, blocksize = 0;
    bool fake = true;
    uint64_t fl_first_unused = 0, fl_n = 0, fl_c = 0, flw_n = 0, flw_c = 0;
};

// Xapian's pack_uint: 7 bits a byte, least significant first.
bool unpack_u(const unsigned char *&p, const unsigned char *end, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; p < end && shift < 64; shift += 7) {
        unsigned char b = *p++;
        v |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

bool unpack_free_list(const unsigned char *p, const unsigned char *end, glass_root *t)
{
    uint64_t rev = 0;
    if (p == end)
        return true;   // a table never written has no free list yet
    return unpack_u(p, end, &rev) && unpack_u(p, end, &t->fl_first_unused) && unpack_u(p, end, &t->fl_n)
           && unpack_u(p, end, &t->fl_c) && unpack_u(p, end, &t->flw_n) && unpack_u(p, end, &t->flw_c)
           && p == end;
}

// Reads the version file: the revision and each table's root. "" or why not.
std::string read_version_file(const std::string &dir, uint64_t *rev, glass_root roots[])
{
    std::string path = dir + "/iamglass";
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::string("iamglass: ") + std::strerror(errno);
    unsigned char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    static const unsigned char magic[] = {0x0f, 0x0d, 'X', 'a', 'p', 'i', 'a', 'n', ' ', 'G', 'l', 'a', 's', 's'};
    if (n < 32 || std::memcmp(buf, magic, sizeof magic) != 0)
        return "iamglass: not a glass version file";
    const unsigned char *p = buf + 32, *end = buf + n;   // magic, format version, uuid
    if (!unpack_u(p, end, rev))
        return "iamglass: truncated";
    for (size_t i = 0; i < n_glass_tables; i++) {
        glass_root &t = roots[i];
        uint64_t flags = 0, compress_min = 0, fl_len = 0;
        if (!unpack_u(p, end, &t.root) || !unpack_u(p, end, &flags) || !unpack_u(p, end, &t.entries)
            || !unpack_u(p, end, &t.blocksize) || !unpack_u(p, end, &compress_min) || !unpack_u(p, end, &fl_len)
            || fl_len > uint64_t(end - p) || !unpack_free_list(p, p + fl_len, &t))
            return std::string("iamglass: the root of ") + glass_tables[i] + " is malformed";
        p += fl_len;
        t.level = flags >> 2;
        t.fake = flags & 1;
        t.blocksize <<= 11;
        if (t.blocksize < 2048 || t.blocksize > 65536 || (t.blocksize & (t.blocksize - 1)))
            return std::string("iamglass: ") + glass_tables[i] + " has an impossible block size";
    }
    return std::string();
}

unsigned get2(const unsigned char *p) { return unsigned(p[0]) << 8 | p[1]; }
uint32_t get4(const unsigned char *p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// One table file being checked.
struct table_walk {
    int fd = -1;
    std::string name;
    uint64_t revision = 0, blocksize = 0;
    uint64_t n_blocks = 0;       // in the file: every block the tree or free list reads
    uint64_t first_unused = 0;   // blocks ever allocated: a free block may lie past the
                                 // file's end (allocated, then freed before being written)
    std::vector<unsigned char> seen;   // per block: reached by the tree or the free list
    std::string why;

    bool fail(uint64_t block, const std::string &what)
    {
        why = name + ".glass block " + std::to_string(block) + ": " + what;
        return false;
    }
    bool read_block(uint64_t n, std::vector<unsigned char> &buf)
    {
        if (n >= n_blocks)
            return fail(n, "beyond the end of the file");
        if (seen[n])
            return fail(n, "reached twice");
        seen[n] = 1;
        buf.resize(blocksize);
        ssize_t got = pread(fd, buf.data(), blocksize, off_t(n * blocksize));
        if (got != ssize_t(blocksize))
            return fail(n, got < 0 ? std::strerror(errno) : "short read");
        return true;
    }
};

// A key as stored: its bytes and its component number.
struct key_ref {
    const unsigned char *p = nullptr;
    unsigned len = 0, component = 0;
};

int compare_keys(const key_ref &a, const key_ref &b)
{
    int c = std::memcmp(a.p, b.p, std::min(a.len, b.len));
    if (c || a.len != b.len)
        return c ? c : a.len < b.len ? -1 : 1;
    return a.component < b.component ? -1 : a.component > b.component;
}

// The key of the item at offset o of a block at level (0: leaf), which
// holds size bytes; false when the key does not fit in them.
bool item_key(const unsigned char *b, unsigned o, unsigned level, unsigned *size, key_ref *k, uint64_t blocksize)
{
    if (level == 0) {
        if (o + 3 > blocksize)
            return false;
        *size = (get2(b + o) & 0x1fff) + 3;
        k->len = b[o + 2];
        k->p = b + o + 3;
        bool first = b[o] & 0x20;
        unsigned need = 3 + k->len + (first ? 0 : 2);
        if (need > *size || o + *size > blocksize)
            return false;
        k->component = first ? 1 : get2(b + o + 3 + k->len);
        return true;
    }
    if (o + 5 > blocksize)
        return false;
    k->len = b[o + 4];
    k->p = b + o + 5;
    *size = 4 + 1 + k->len + 2;
    if (o + *size > blocksize)
        return false;
    k->component = get2(b + o + 5 + k->len);
    return true;
}

// Checks block n at level and, below a branch block, every block it points to.
bool check_block(table_walk &t, uint64_t n, unsigned level)
{
    std::vector<unsigned char> buf;
    if (!t.read_block(n, buf))
        return false;
    const unsigned char *b = buf.data();
    if (get4(b) > t.revision)
        return t.fail(n, "written after the shard's last commit");
    if (b[4] != level)
        return t.fail(n, "wrong level");
    unsigned max_free = get2(b + 5), total_free = get2(b + 7), dir_end = get2(b + 9);
    if (dir_end <= 11 || dir_end > t.blocksize || !(dir_end & 1))
        return t.fail(n, "directory end pointer invalid");
    unsigned free_left = unsigned(t.blocksize) - dir_end;
    key_ref prev;
    std::vector<uint32_t> children;
    for (unsigned c = 11; c < dir_end; c += 2) {
        unsigned o = get2(b + c), size = 0;
        key_ref k;
        if (o < dir_end + max_free || o >= t.blocksize)
            return t.fail(n, "item " + std::to_string((c - 11) / 2) + " outside its space");
        if (!item_key(b, o, level, &size, &k, t.blocksize) || size > free_left)
            return t.fail(n, "item " + std::to_string((c - 11) / 2) + " ends outside the block");
        free_left -= size;
        // The first key of a branch block is a dummy.
        if (c > (level ? 13u : 11u) && compare_keys(prev, k) >= 0)
            return t.fail(n, "keys not in order");
        prev = k;
        if (level)
            children.push_back(get4(b + o));
    }
    if (free_left != total_free)
        return t.fail(n, "stored total free space value wrong");
    for (uint32_t child : children)
        if (!check_block(t, child, level - 1))
            return false;
    return true;
}

// Walks the free list from (fl_n, fl_c) to (flw_n, flw_c): its blocks and
// the free blocks they list must lie in the file and not in the tree.
bool check_free_list(table_walk &t, const glass_root &r)
{
    uint64_t n = r.fl_n, c = r.fl_c * 4;
    std::vector<unsigned char> buf;
    if (n == r.flw_n && c == r.flw_c * 4)
        return true;
    if (!t.read_block(n, buf))
        return false;
    for (uint64_t steps = 0; steps <= t.first_unused * (t.blocksize / 4); steps++) {
        if (buf[4] != 254)
            return t.fail(n, "free list block not marked as one");
        if (n == r.flw_n && c == r.flw_c * 4)
            return true;
        if (c < 8 || c + 4 > t.blocksize)
            return t.fail(n, "free list offset invalid");
        uint32_t v = get4(buf.data() + c);
        if (c + 4 == t.blocksize) {   // the pointer to the next free list block
            n = v;
            c = 8;
            if (!t.read_block(n, buf))
                return false;
            continue;
        }
        if (v >= t.first_unused || t.seen[v])
            return t.fail(n, "free list names block " + std::to_string(v) + ", which is in use or was never allocated");
        t.seen[v] = 1;
        c += 4;
    }
    return t.fail(n, "free list does not end");
}

std::string check_table(const std::string &dir, size_t i, uint64_t revision, const glass_root &r)
{
    if (r.fake)
        return std::string();   // empty: no block written yet
    table_walk t;
    t.name = glass_tables[i];
    t.revision = revision;
    t.blocksize = r.blocksize;
    std::string path = dir + "/" + t.name + ".glass";
    t.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (t.fd < 0 || fstat(t.fd, &st) != 0) {
        std::string why = t.name + ".glass: " + std::strerror(errno);
        if (t.fd >= 0)
            close(t.fd);
        return why;
    }
    t.n_blocks = uint64_t(st.st_size) / t.blocksize;
    t.first_unused = std::max(r.fl_first_unused, t.n_blocks);
    // Far more blocks allocated than written is a damaged version file (and
    // would cost the map of blocks below its memory).
    if (t.first_unused - t.n_blocks > (uint64_t(1) << 24)) {
        close(t.fd);
        return std::string("iamglass: ") + t.name + "'s first unused block is impossible";
    }
    t.seen.assign(t.first_unused, 0);
    if (r.level > 9)
        t.why = t.name + ": impossible tree depth";
    else if (check_block(t, r.root, unsigned(r.level)))
        check_free_list(t, r);
    close(t.fd);
    return t.why;
}

} // namespace

extern "C" {

int bgx_shard_check(const char *path, unsigned *damaged, bgi_err *err)
{
    *damaged = 0;
    return guard(err, path, [&] {
        // No version file at all is no shard (not yet created, or moved by a
        // compaction's swap): for Xapian's open to report, not damage.
        struct stat st;
        if (stat((std::string(path) + "/iamglass").c_str(), &st) != 0 && errno == ENOENT)
            return bgi_err_set(err, BG_ENOTFOUND, "%s: no glass shard here", path);
        // A writer may commit while the tables are walked, and then reuse
        // blocks of the revision read (they are free from the next one on):
        // what the walk found is only damage if the shard is still at that
        // revision afterwards. Otherwise it is walked again at the new one;
        // a shard that keeps moving is left to Xapian's own checks.
        for (int attempt = 0; attempt < 8; attempt++) {
            *damaged = 0;
            uint64_t revision = 0, after = 0;
            glass_root roots[n_glass_tables];
            std::string why = read_version_file(path, &revision, roots), first;
            if (!why.empty()) {
                *damaged = (1u << n_glass_tables) - 1;
                first = why;
            }
            // Every table is checked, so that a repair knows which survive.
            for (size_t i = 0; why.empty() && i < n_glass_tables; i++) {
                std::string bad = check_table(path, i, revision, roots[i]);
                if (!bad.empty()) {
                    *damaged |= 1u << i;
                    if (first.empty())
                        first = bad;
                }
            }
            if (first.empty())
                return 0;
            glass_root again[n_glass_tables];
            if (why.empty() && read_version_file(path, &after, again).empty() && after != revision)
                continue;   // committed meanwhile: look again
            return bgi_err_set(err, BG_EXAPIAN, "%s", first.c_str());
        }
        *damaged = 0;
        return 0;
    });
}

/* A repair's last way to the reports of a shard whose postlist table (and
 * with it the catalogue) is damaged: the documents' data alone, read from the
 * docdata table without asking the other tables whether each document
 * exists. */
int bgx_shard_foreach_doc_data(const char *path, int (*cb)(void *ctx, const char *data, size_t len), void *ctx,
                               bgi_err *err)
{
    return guard(err, path, [&] {
        Xapian::Database db(path);
        Xapian::docid last = db.get_lastdocid();
        for (Xapian::docid did = 1; did <= last; did++) {
            std::string data;
            try {
                data = db.get_document(did, Xapian::DOC_ASSUME_VALID).get_data();
            } catch (const Xapian::DocNotFoundError &) {
                continue;
            }
            if (data.empty())
                continue;
            int rc = cb(ctx, data.data(), data.size());
            if (rc)
                return rc;
        }
        return 0;
    });
}

} // extern "C"
