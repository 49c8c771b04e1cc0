/* xapian_anchor.cc — the in-process anchor of the query latency targets
 * (issue #14, docs/performance.md "Search cost at 100×, session 7"): what
 * stock Xapian itself costs per query on this machine at this scale, in a
 * resident process, with no analysis of baogao's around it. It runs the
 * benchmark's queries (queries.tsv) against
 *
 *   ngram      scriptindex's n-gram database (XAPIAN_CJK_NGRAM, as
 *              bench/perf/run.sh builds it): QueryParser with FLAG_CJK_NGRAM,
 *              default operator AND, "year:" a boolean prefix — what quest
 *              does, without the process around it;
 *   bg-and     baogao's own index (its 17 year shards, opened through the
 *              XAPIANDB stub): a plain AND of each word's character bigrams
 *              (B terms), copies left out (AND_NOT XZ) and the year filtered
 *              (Y terms) as baogao does — no positions read;
 *   bg-phrase  the same with each word's bigrams as a PHRASE, the exact
 *              substring match baogao keeps (positions read) — the least
 *              Xapian work that gives baogao's matches, with no facets, no
 *              bounded count and no copies;
 *   bg-phrase-all  the same checking every match (check_at_least = the
 *              document count): what an exact total costs Xapian, as
 *              baogao's totals are exact up to the bound (10,000).
 *
 * Each timing is one query: build it (parse it, for ngram), get_mset(0, 10)
 * with Xapian's default check_at_least (but bg-phrase-all), and read the 10
 * documents' data.
 * Every system and query runs once untimed first; then the systems take
 * turns run by run, so they meet the same load.
 *
 *   usage: bench_xapian_anchor QUERIES.tsv REPS [--ngram DB] [--baogao INDEX]
 *   output: one line per system and query,
 *     "system<TAB>label<TAB>matches<TAB>wall_us,...<TAB>cpu_us,..."
 *   (matches: Xapian's estimate, "=" prefixed when exact), then per system a
 *   line "system<TAB>pooled<TAB>median ms<TAB>p99 ms" of every run's wall time.
 *
 * Queries are taken as they are: the words are split on spaces, a word's
 * bigrams are its adjacent characters (the benchmark's words are Han
 * characters only, which baogao's normalisation leaves as they are). */
#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct query_row {
    std::string label, kind, year, text;
};

std::vector<query_row> load_queries(const char *path)
{
    std::vector<query_row> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::istringstream f(line);
        query_row q;
        std::getline(f, q.label, '\t');
        std::getline(f, q.kind, '\t');
        std::getline(f, q.year, '\t');
        std::getline(f, q.text);
        if (q.year == "-")
            q.year.clear();
        out.push_back(q);
    }
    return out;
}

// Keeps the compiler from dropping the reading of the documents.
volatile size_t sink;

double now_us(clockid_t id)
{
    timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

// The UTF-8 characters of s, each as its bytes.
std::vector<std::string> chars_of(const std::string &s)
{
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        size_t n = 1;
        while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80)
            n++;
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

// One word as baogao's B terms: a single bigram term, or the bigrams as a
// phrase (or a plain AND).
Xapian::Query word_query(const std::string &word, bool phrase)
{
    const auto c = chars_of(word);
    std::vector<Xapian::Query> bigrams;
    for (size_t i = 0; i + 1 < c.size(); i++)
        bigrams.emplace_back("B" + c[i] + c[i + 1], 1, static_cast<Xapian::termpos>(i + 1));
    if (bigrams.size() == 1)
        return bigrams[0];
    return Xapian::Query(phrase ? Xapian::Query::OP_PHRASE : Xapian::Query::OP_AND, bigrams.begin(), bigrams.end(),
                         phrase ? static_cast<Xapian::termcount>(bigrams.size()) : 0);
}

Xapian::Query baogao_query(const query_row &q, bool phrase)
{
    std::vector<Xapian::Query> words;
    std::istringstream in(q.text);
    std::string w;
    while (in >> w)
        words.push_back(word_query(w, phrase));
    Xapian::Query all(Xapian::Query::OP_AND, words.begin(), words.end());
    all = Xapian::Query(Xapian::Query::OP_AND_NOT, all, Xapian::Query("XZ"));
    if (!q.year.empty())
        all = Xapian::Query(Xapian::Query::OP_FILTER, all, Xapian::Query("Y" + q.year));
    return all;
}

struct system_run {
    std::string name;
    Xapian::Database db;
    std::vector<std::vector<double>> wall, cpu;
    std::vector<std::string> matches;
};

Xapian::Query build(const system_run &s, const query_row &q)
{
    if (s.name == "ngram") {
        Xapian::QueryParser qp;
        qp.set_database(s.db);
        qp.set_default_op(Xapian::Query::OP_AND);
        qp.add_boolean_prefix("year", "Y");
        const std::string text = (q.year.empty() ? "" : "year:" + q.year + " ") + q.text;
        return qp.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM);
    }
    return baogao_query(q, s.name != "bg-and");
}

// One timed query: the page of 10 and its documents' data.
std::string run_once(system_run &s, const query_row &q, double *wall, double *cpu)
{
    const double w0 = now_us(CLOCK_MONOTONIC), c0 = now_us(CLOCK_THREAD_CPUTIME_ID);
    Xapian::Enquire enquire(s.db);
    enquire.set_query(build(s, q));
    Xapian::MSet mset = s.name == "bg-phrase-all" ? enquire.get_mset(0, 10, s.db.get_doccount())
                                                  : enquire.get_mset(0, 10);
    for (auto it = mset.begin(); it != mset.end(); ++it)
        sink += it.get_document().get_data().size();
    *wall = now_us(CLOCK_MONOTONIC) - w0;
    *cpu = now_us(CLOCK_THREAD_CPUTIME_ID) - c0;
    const bool exact = mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    return (exact ? "=" : "") + std::to_string(mset.get_matches_estimated());
}

double nearest_rank(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    size_t k = static_cast<size_t>(std::ceil(p * v.size()));
    return v[k ? k - 1 : 0];
}

void print_runs(const std::vector<double> &v)
{
    for (size_t i = 0; i < v.size(); i++)
        std::printf("%s%.0f", i ? "," : "", v[i]);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 5) {
        std::fprintf(stderr, "usage: bench_xapian_anchor QUERIES.tsv REPS [--ngram DB] [--baogao INDEX]\n");
        return 2;
    }
    try {
        const auto queries = load_queries(argv[1]);
        const int reps = std::max(1, std::atoi(argv[2]));
        std::vector<system_run> systems;
        for (int i = 3; i + 1 < argc; i += 2) {
            const std::string opt = argv[i];
            if (opt == "--ngram") {
                systems.push_back({"ngram", Xapian::Database(argv[i + 1]), {}, {}, {}});
            } else if (opt == "--baogao") {
                systems.push_back({"bg-and", Xapian::Database(argv[i + 1]), {}, {}, {}});
                systems.push_back({"bg-phrase", Xapian::Database(argv[i + 1]), {}, {}, {}});
                systems.push_back({"bg-phrase-all", Xapian::Database(argv[i + 1]), {}, {}, {}});
            } else {
                std::fprintf(stderr, "bench_xapian_anchor: unknown option %s\n", argv[i]);
                return 2;
            }
        }
        for (auto &s : systems) {
            s.wall.assign(queries.size(), {});
            s.cpu.assign(queries.size(), {});
            s.matches.assign(queries.size(), "");
        }
        for (size_t qi = 0; qi < queries.size(); qi++) {
            double w, c;
            for (auto &s : systems)
                s.matches[qi] = run_once(s, queries[qi], &w, &c);   // warm-up
            for (int r = 0; r < reps; r++)
                for (auto &s : systems) {
                    run_once(s, queries[qi], &w, &c);
                    s.wall[qi].push_back(w);
                    s.cpu[qi].push_back(c);
                }
        }
        for (auto &s : systems) {
            std::vector<double> pooled;
            for (size_t qi = 0; qi < queries.size(); qi++) {
                std::printf("%s\t%s\t%s\t", s.name.c_str(), queries[qi].label.c_str(), s.matches[qi].c_str());
                print_runs(s.wall[qi]);
                std::printf("\t");
                print_runs(s.cpu[qi]);
                std::printf("\n");
                pooled.insert(pooled.end(), s.wall[qi].begin(), s.wall[qi].end());
            }
            std::printf("%s\tpooled\t%.3f\t%.3f\n", s.name.c_str(), nearest_rank(pooled, 0.5) / 1e3,
                        nearest_rank(pooled, 0.99) / 1e3);
        }
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "bench_xapian_anchor: %s\n", e.get_description().c_str());
        return 1;
    }
    return 0;
}
