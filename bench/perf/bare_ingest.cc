/* bare_ingest.cc — the performance benchmark's second "limit"
 * (bench/perf/run.sh, docs/performance.md): how fast Xapian alone ingests
 * exactly the documents baogao produced — the same terms, wdfs, positions,
 * values and data — with no analysis at all. baogao-index cannot beat this on
 * one core, so baogao's MB/s divided by this one is the share of the limit it
 * reaches.
 *
 *   usage: bench_bare_ingest [--shards] [--variant NAME] INDEX OUT [COMMIT_EVERY]
 *     INDEX         a baogao index directory (it holds a XAPIANDB stub, so
 *                   Xapian::Database opens every year shard at once)
 *     OUT           the glass database to create (overwritten); with
 *                   --shards a directory that gets one glass database per
 *                   year (value slot 0), as baogao lays out its index
 *     COMMIT_EVERY  documents between commits (default 4000, baogao's own
 *                   cadence, counted over all shards; 0 = one commit at the end)
 *     --variant     what to store instead of baogao's exact documents, to
 *                   measure a format before writing it (docs/performance.md,
 *                   "Fewer positions"); values and data are always kept:
 *       as-is         (default) exactly what baogao wrote
 *       no-positions  the same terms and wdfs, every position dropped: no
 *                     phrase search, so a substring of 3 or more characters
 *                     could only be the AND of its bigrams, verified against
 *                     the stored text (what the positions alone cost)
 *       trigrams      no positions at all, plus a T term per character
 *                     trigram (wdf = its occurrences in the passage), derived
 *                     from the B bigrams: B c1c2 at position p and B c2c3 at
 *                     p+1 give T c1c2c3 (bigrams never cross punctuation, so
 *                     adjacent positions mean a contiguous run). Recall stays
 *                     exact for 2 characters (B terms) and 3 (T terms); a
 *                     substring of 4 or more becomes the AND of its
 *                     overlapping trigrams, which also matches passages where
 *                     they occur apart, so matches need verifying against the
 *                     stored text
 *   output (key<TAB>value lines): variant, docs, terms (distinct), postings
 *   (sum of termfreqs = sum of termlist lengths), positions, text_bytes and
 *   text_chars (of the JSON "text" fields), load_seconds, ingest_seconds,
 *   ingest_cpu_seconds, commit_every, shards, and postings.P / positions.P
 *   per term prefix P ("" = unprefixed words) — all of the variant's
 *   documents; trigrams also prints trigrams_skipped (adjacent bigrams whose
 *   shared character differs: 0 unless the index is not baogao's).
 *
 * Every document is first read into a compact in-memory form (interned term
 * ids and varint-coded positions, so the 100x corpus fits comfortably), the
 * variant's changes made there; only building Xapian::Documents from it and
 * adding them (plus the commits) is timed. Documents are added in the stub's
 * docid order (the shards interleaved), each shard's own order kept.
 *
 * Why both layouts: one database is what a plain Xapian application would
 * write, but Xapian turns out to ingest the same documents measurably faster
 * into several smaller databases (smaller in-memory change maps), so the
 * per-year layout is the tighter limit for baogao. The driver runs both. */
#include <xapian.h>

#include <cjson/cJSON.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

void put_varint(std::vector<uint8_t> &out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<uint8_t>(v));
}

uint64_t get_varint(const uint8_t *&p)
{
    uint64_t v = 0;
    int shift = 0;
    while (*p & 0x80) {
        v |= static_cast<uint64_t>(*p++ & 0x7f) << shift;
        shift += 7;
    }
    v |= static_cast<uint64_t>(*p++) << shift;
    return v;
}

/* baogao's prefixes are upper-case ASCII ("B", "U", "H", "Y", "K", "F", "Q",
 * "XB"); normalised words are case-folded, so they never start with one. */
std::string prefix_of(const std::string &term)
{
    if (term.empty() || term[0] < 'A' || term[0] > 'Z')
        return "";
    if (term[0] == 'X' && term.size() > 1 && term[1] >= 'A' && term[1] <= 'Z')
        return term.substr(0, 2);
    return term.substr(0, 1);
}

struct Stats {
    uint64_t postings = 0, positions = 0;
};

enum class Variant { as_is, no_positions, trigrams };

struct Corpus {
    std::vector<std::string> vocab;
    std::unordered_map<std::string, uint32_t> ids;  // vocab's index
    std::vector<std::string> prefix_of_id;
    std::vector<std::string> data;          // one per document
    std::vector<uint8_t> blob;              // terms and values of every document
    std::vector<size_t> offsets;            // start of each document in blob
    std::map<std::string, Stats> by_prefix;
    Stats total;
    uint64_t text_bytes = 0, text_chars = 0;
    uint64_t trigrams_skipped = 0;

    uint32_t intern(const std::string &term)
    {
        auto it = ids.find(term);
        if (it == ids.end()) {
            it = ids.emplace(term, static_cast<uint32_t>(vocab.size())).first;
            vocab.push_back(term);
            prefix_of_id.push_back(prefix_of(term));
        }
        return it->second;
    }
};

/* One term of a document as it will be added. */
struct Entry {
    uint32_t id;
    Xapian::termcount wdf;
    std::vector<Xapian::termpos> pos;
};

void count_text(Corpus &c, const std::string &data)
{
    cJSON *j = cJSON_ParseWithLength(data.data(), data.size());
    const cJSON *t = j ? cJSON_GetObjectItemCaseSensitive(j, "text") : nullptr;
    if (cJSON_IsString(t)) {
        for (const char *s = t->valuestring; *s; s++) {
            c.text_bytes++;
            if ((static_cast<unsigned char>(*s) & 0xc0) != 0x80)
                c.text_chars++;
        }
    }
    cJSON_Delete(j);
}

/* Byte length of the UTF-8 character starting at s. */
size_t utf8_len(unsigned char s)
{
    return s < 0x80 ? 1 : s < 0xe0 ? 2 : s < 0xf0 ? 3 : 4;
}

/* The T terms of one document, from its B terms' positions (see the top). */
void add_trigrams(Corpus &c, std::vector<Entry> &terms)
{
    std::map<Xapian::termpos, const std::string *> bigram_at;
    for (const Entry &e : terms) {
        const std::string &term = c.vocab[e.id];
        if (c.prefix_of_id[e.id] == "B")
            for (Xapian::termpos p : e.pos)
                bigram_at[p] = &term;
    }
    std::map<std::string, Xapian::termcount> trigrams;
    for (auto it = bigram_at.begin(); it != bigram_at.end(); ++it) {
        auto next = std::next(it);
        if (next == bigram_at.end() || next->first != it->first + 1)
            continue;
        const std::string &b12 = *it->second, &b23 = *next->second;  // "B" c1 c2, "B" c2 c3
        size_t c1 = utf8_len(static_cast<unsigned char>(b12[1]));
        size_t c2 = b12.size() - 1 - c1;
        if (c2 == 0 || b23.size() <= 1 + c2 || b23.compare(1, c2, b12, 1 + c1, c2) != 0) {
            c.trigrams_skipped++;
            continue;
        }
        trigrams["T" + b12.substr(1) + b23.substr(1 + c2)]++;
    }
    for (const auto &kv : trigrams)
        terms.push_back(Entry{c.intern(kv.first), kv.second, {}});
}

void load(Corpus &c, const std::string &path, Variant variant)
{
    Xapian::Database db(path);
    std::vector<Entry> terms;
    for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
        Xapian::Document doc = db.get_document(*d);
        terms.clear();
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            Entry e{c.intern(*t), t.get_wdf(), {}};
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                e.pos.push_back(*p);
            terms.push_back(std::move(e));
        }
        if (variant == Variant::trigrams)
            add_trigrams(c, terms);
        if (variant != Variant::as_is)
            for (Entry &e : terms)
                e.pos.clear();
        c.offsets.push_back(c.blob.size());
        std::vector<uint8_t> &b = c.blob;
        put_varint(b, terms.size());
        for (const Entry &e : terms) {
            put_varint(b, e.id);
            put_varint(b, e.wdf);
            put_varint(b, e.pos.size());
            Xapian::termpos last = 0;
            for (Xapian::termpos p : e.pos) {
                put_varint(b, p - last);  // positions come sorted
                last = p;
            }
            Stats &s = c.by_prefix[c.prefix_of_id[e.id]];
            s.postings++;
            s.positions += e.pos.size();
            c.total.postings++;
            c.total.positions += e.pos.size();
        }
        put_varint(b, doc.values_count());
        for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
            std::string val = *v;
            put_varint(b, v.get_valueno());
            put_varint(b, val.size());
            b.insert(b.end(), val.begin(), val.end());
        }
        c.data.push_back(doc.get_data());
        count_text(c, c.data.back());
    }
    std::unordered_map<std::string, uint32_t>().swap(c.ids);  // not needed while timing
}

/* The open output databases: one, or one per year (value slot 0). */
struct Outputs {
    std::string path;
    bool sharded;
    std::map<std::string, Xapian::WritableDatabase> dbs;

    Xapian::WritableDatabase &for_year(const std::string &year)
    {
        const std::string key = sharded ? year : "";
        auto it = dbs.find(key);
        if (it == dbs.end()) {
            std::string p = sharded ? path + "/" + (year.empty() ? "0000" : year) : path;
            it = dbs.emplace(key, Xapian::WritableDatabase(p, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS))
                     .first;
        }
        return it->second;
    }
    void commit()
    {
        for (auto &kv : dbs)
            kv.second.commit();
    }
};

size_t ingest(const Corpus &c, const std::string &out_path, bool sharded, unsigned long commit_every)
{
    Outputs out{out_path, sharded, {}};
    for (size_t i = 0; i < c.offsets.size(); i++) {
        Xapian::Document doc;
        const uint8_t *p = c.blob.data() + c.offsets[i];
        uint64_t n_terms = get_varint(p);
        for (uint64_t k = 0; k < n_terms; k++) {
            const std::string &term = c.vocab[get_varint(p)];
            Xapian::termcount wdf = static_cast<Xapian::termcount>(get_varint(p));
            uint64_t n_pos = get_varint(p);
            Xapian::termpos pos = 0;
            for (uint64_t q = 0; q < n_pos; q++) {
                pos += static_cast<Xapian::termpos>(get_varint(p));
                doc.add_posting(term, pos, 0);  // wdf is set exactly below
            }
            doc.add_term(term, wdf);  // wdf 0 and no position: a boolean term
        }
        uint64_t n_values = get_varint(p);
        std::string year;
        for (uint64_t k = 0; k < n_values; k++) {
            Xapian::valueno slot = static_cast<Xapian::valueno>(get_varint(p));
            size_t len = get_varint(p);
            std::string val(reinterpret_cast<const char *>(p), len);
            p += len;
            if (slot == 0)
                year = val;
            doc.add_value(slot, std::move(val));
        }
        doc.set_data(c.data[i]);
        out.for_year(year).add_document(doc);
        if (commit_every && (i + 1) % commit_every == 0)
            out.commit();
    }
    out.commit();
    for (auto &kv : out.dbs)
        kv.second.close();
    return out.dbs.size();
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/* CPU time of this process: on a shared, loaded machine it is steadier than
 * wall-clock time (the driver reports both). */
double cpu_seconds()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char **argv)
{
    static const char usage[] = "usage: bench_bare_ingest [--shards] [--variant as-is|no-positions|trigrams] "
                                "INDEX OUT [COMMIT_EVERY]\n";
    bool sharded = false;
    Variant variant = Variant::as_is;
    std::string variant_name = "as-is";
    int a = 1;
    for (; a < argc && std::string(argv[a]).compare(0, 2, "--") == 0; a++) {
        std::string opt = argv[a];
        if (opt == "--shards") {
            sharded = true;
        } else if (opt == "--variant" && a + 1 < argc) {
            variant_name = argv[++a];
            if (variant_name == "as-is")
                variant = Variant::as_is;
            else if (variant_name == "no-positions")
                variant = Variant::no_positions;
            else if (variant_name == "trigrams")
                variant = Variant::trigrams;
            else {
                std::cerr << "bench_bare_ingest: unknown variant " << variant_name << "\n" << usage;
                return 2;
            }
        } else {
            std::cerr << usage;
            return 2;
        }
    }
    if (argc - a < 2 || argc - a > 3) {
        std::cerr << usage;
        return 2;
    }
    unsigned long commit_every = argc - a == 3 ? std::strtoul(argv[a + 2], nullptr, 10) : 4000;
    try {
        Corpus c;
        auto t0 = std::chrono::steady_clock::now();
        load(c, argv[a], variant);
        double load_s = seconds_since(t0);
        auto t1 = std::chrono::steady_clock::now();
        double c1 = cpu_seconds();
        size_t shards = ingest(c, argv[a + 1], sharded, commit_every);
        double ingest_s = seconds_since(t1);
        double ingest_cpu = cpu_seconds() - c1;
        std::printf("variant\t%s\n", variant_name.c_str());
        std::printf("docs\t%zu\nterms\t%zu\npostings\t%llu\npositions\t%llu\n", c.offsets.size(), c.vocab.size(),
                    static_cast<unsigned long long>(c.total.postings),
                    static_cast<unsigned long long>(c.total.positions));
        std::printf("text_bytes\t%llu\ntext_chars\t%llu\nload_seconds\t%.6f\ningest_seconds\t%.6f\n",
                    static_cast<unsigned long long>(c.text_bytes), static_cast<unsigned long long>(c.text_chars),
                    load_s, ingest_s);
        std::printf("ingest_cpu_seconds\t%.6f\ncommit_every\t%lu\nshards\t%zu\n", ingest_cpu, commit_every, shards);
        for (const auto &kv : c.by_prefix)
            std::printf("postings.%s\t%llu\npositions.%s\t%llu\n", kv.first.c_str(),
                        static_cast<unsigned long long>(kv.second.postings), kv.first.c_str(),
                        static_cast<unsigned long long>(kv.second.positions));
        if (variant == Variant::trigrams)
            std::printf("trigrams_skipped\t%llu\n", static_cast<unsigned long long>(c.trigrams_skipped));
    } catch (const Xapian::Error &e) {
        std::cerr << "bench_bare_ingest: " << e.get_description() << "\n";
        return 2;
    }
    return 0;
}
