// baselines.cc — the search-quality benchmark's view of baogao's passages and
// its stock Xapian baseline (bench/quality/run.sh drives it).
//
//   bgq-baselines export INDEX > passages.tsv
//       Walks baogao's index (the stub directory) with plain Xapian and writes
//       one line per passage, so every system is judged on the SAME passages:
//       key, year, report (file name), line, kind, innermost heading,
//       section path, text.
//   bgq-baselines xapian passages.tsv DBDIR queries.tsv > run.tsv
//       Builds a stock Xapian database from the passages' text the way omega
//       does for CJK (TermGenerator with FLAG_CJK_NGRAM, no stemmer), runs
//       every query through a QueryParser with FLAG_DEFAULT | FLAG_CJK_NGRAM
//       and default operator AND, and writes qid, rank, key, weight for every
//       match (the year filter is a boolean term, as omega would add it).
//
// The passage key is "report:line:first 12 characters of the text": stable
// across re-indexing and machines (passage ids hash the real path), and
// unique because passages sharing a line (a paragraph and its measures)
// start differently.

#include <xapian.h>

#include <cjson/cJSON.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Tabs and line breaks would break the TSV; passages never need them.
std::string flat(const std::string &s)
{
    std::string o;
    o.reserve(s.size());
    for (char c : s)
        o += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    return o;
}

std::string utf8_prefix(const std::string &s, size_t chars)
{
    size_t i = 0, n = 0;
    while (i < s.size() && n < chars) {
        i++;
        while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
            i++;
        n++;
    }
    return s.substr(0, i);
}

std::string basename_of(const std::string &p)
{
    size_t k = p.rfind('/');
    return k == std::string::npos ? p : p.substr(k + 1);
}

std::string json_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

double json_num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

struct passage {
    std::string key, report, kind, heading, section, text;
    int year = 0;
    long line = 0;
};

// The report id of a passage id ("<report id>:<ordinal>").
std::string report_of(const std::string &id)
{
    size_t colon = id.rfind(':');
    return colon == std::string::npos ? id : id.substr(0, colon);
}

int do_export(const char *index)
{
    Xapian::Database db(index);
    // Since format 6 a report's path and section headings are stored with
    // its first passage only (docs/format.md, "Document data"): read every
    // record first, then resolve each passage's through its report's.
    std::vector<cJSON *> recs;
    std::map<std::string, const cJSON *> firsts;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        const std::string data = db.get_document(*it).get_data();
        cJSON *o = cJSON_ParseWithLength(data.data(), data.size());
        if (!o) {
            std::cerr << "bgq-baselines: document " << *it << ": damaged data\n";
            for (cJSON *r : recs)
                cJSON_Delete(r);
            return 1;
        }
        recs.push_back(o);
        if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "report")))
            firsts[report_of(json_str(o, "id"))] = o;
    }
    std::vector<passage> out;
    for (const cJSON *o : recs) {
        auto f = firsts.find(report_of(json_str(o, "id")));
        const cJSON *first = f == firsts.end() ? o : f->second;
        const cJSON *headings = cJSON_GetObjectItemCaseSensitive(first, "headings");
        passage p;
        p.report = basename_of(json_str(first, "report"));
        p.kind = json_str(o, "kind");
        p.text = flat(json_str(o, "text"));
        p.year = static_cast<int>(json_num(o, "year"));
        p.line = static_cast<long>(json_num(o, "line"));
        const cJSON *sec = cJSON_GetObjectItemCaseSensitive(o, "section");
        int n = cJSON_IsArray(sec) ? cJSON_GetArraySize(sec) : 0;
        for (int i = 0; i < n; i++) {
            const cJSON *s = cJSON_GetArrayItem(sec, i);
            if (cJSON_IsNumber(s))   // an index into the report's headings
                s = cJSON_GetArrayItem(headings, s->valueint);
            std::string h = cJSON_IsString(s) ? flat(s->valuestring) : "";
            p.section += (i ? " › " : "") + h;
            p.heading = h;
        }
        p.key = p.report + ":" + std::to_string(p.line) + ":" + utf8_prefix(p.text, 12);
        out.push_back(std::move(p));
    }
    for (cJSON *r : recs)
        cJSON_Delete(r);
    // Report then line order reads like the reports; docids interleave shards.
    std::stable_sort(out.begin(), out.end(), [](const passage &a, const passage &b) {
        return a.report != b.report ? a.report < b.report : a.line < b.line;
    });
    std::map<std::string, int> seen;
    for (const passage &p : out)
        if (seen[p.key]++) {
            std::cerr << "bgq-baselines: passage key not unique: " << p.key << "\n";
            return 1;
        }
    std::cout << "key\tyear\treport\tline\tkind\theading\tsection\ttext\n";
    for (const passage &p : out)
        std::cout << p.key << '\t' << p.year << '\t' << p.report << '\t' << p.line << '\t' << p.kind
                  << '\t' << p.heading << '\t' << p.section << '\t' << p.text << '\n';
    return 0;
}

std::vector<std::string> split_tab(const std::string &line)
{
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string x;
    while (std::getline(ss, x, '\t'))
        f.push_back(x);
    if (!line.empty() && line.back() == '\t')
        f.push_back("");
    return f;
}

// "2021" or "2018..2022" (both ends inclusive); false when empty.
bool parse_years(const std::string &s, int *from, int *to)
{
    if (s.empty())
        return false;
    size_t k = s.find("..");
    *from = std::stoi(s.substr(0, k));
    *to = k == std::string::npos ? *from : std::stoi(s.substr(k + 2));
    return true;
}

int do_xapian(const char *passages, const char *dbdir, const char *queries)
{
    std::ifstream pin(passages);
    if (!pin) {
        std::cerr << "bgq-baselines: cannot open " << passages << "\n";
        return 1;
    }
    Xapian::WritableDatabase wdb(dbdir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    std::string line;
    std::getline(pin, line);  // header
    while (std::getline(pin, line)) {
        std::vector<std::string> f = split_tab(line);
        if (f.size() < 8)
            continue;
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(f[7]);
        doc.add_boolean_term("Y" + f[1]);
        doc.set_data(f[0]);
        wdb.add_document(doc);
    }
    wdb.commit();

    Xapian::Database db(dbdir);
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_default_op(Xapian::Query::OP_AND);
    const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM;
    std::ifstream qin(queries);
    if (!qin) {
        std::cerr << "bgq-baselines: cannot open " << queries << "\n";
        return 1;
    }
    while (std::getline(qin, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        std::vector<std::string> f = split_tab(line);
        if (f.size() < 3 || f[0] == "id")
            continue;
        Xapian::Query q = qp.parse_query(f[2], flags);
        int from, to;
        if (f.size() > 3 && parse_years(f[3], &from, &to)) {
            std::vector<Xapian::Query> ys;
            for (int y = from; y <= to; y++)
                ys.emplace_back("Y" + std::to_string(y));
            q = Xapian::Query(Xapian::Query::OP_FILTER, q, Xapian::Query(Xapian::Query::OP_OR, ys.begin(), ys.end()));
        }
        Xapian::Enquire enq(db);
        enq.set_query(q);
        Xapian::MSet ms = enq.get_mset(0, db.get_doccount());
        for (auto it = ms.begin(); it != ms.end(); ++it)
            std::cout << f[0] << '\t' << it.get_rank() + 1 << '\t' << it.get_document().get_data() << '\t'
                      << it.get_weight() << '\n';
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    try {
        if (argc == 3 && std::string(argv[1]) == "export")
            return do_export(argv[2]);
        if (argc == 5 && std::string(argv[1]) == "xapian")
            return do_xapian(argv[2], argv[3], argv[4]);
    } catch (const Xapian::Error &e) {
        std::cerr << "bgq-baselines: " << e.get_description() << "\n";
        return 1;
    }
    std::cerr << "usage: bgq-baselines export INDEX > passages.tsv\n"
                 "       bgq-baselines xapian passages.tsv DBDIR queries.tsv > run.tsv\n";
    return 2;
}
