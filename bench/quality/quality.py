#!/usr/bin/env python3
"""quality.py — the search-quality benchmark's runs, judgement pool and metrics
(driven by bench/quality/run.sh; method in docs/quality.md).

  quality.py run  WORK      runs baogao (baogao-query --json) and the SQLite
                            FTS5 trigram baseline over WORK/passages.tsv and
                            writes WORK/run.<system>.tsv
  quality.py pool WORK      adds the top 20 passages of every system that
                            qrels.tsv does not judge yet, graded by the rules
                            below (source "rule"), after sharing judgements
                            between queries that normalise alike (same words,
                            same year filter); existing judgements are never
                            changed
  quality.py review WORK QID  prints a query's judged passages for reading:
                            grade, source ("*" when it differs from the rules),
                            innermost heading, lead sentence and the context
                            of each match
  quality.py mark QID [KEY_PREFIX=GRADE...]  records that a query's judgements
                            were read, with the corrections given
  quality.py eval WORK      prints (and writes WORK/results.md) nDCG@10, MRR
                            and substring recall per system, overall and per
                            query type

WORK holds passages.tsv (bgq-baselines export), run.xapian.tsv (bgq-baselines
xapian) and the paths in env.tsv written by run.sh.

The grading rules propose; a person corrects by reading (source "read"):
  2  the passage's innermost heading, or its lead sentence (up to the first
     。 or ：, the whole passage when it has neither), contains the query —
     every word of it for multi-word queries;
  1  the passage contains the query (every word; for a long query, its exact
     text or all of its content words apart);
  0  otherwise (also: outside the query's year filter).
"""

import json
import math
import os
import re
import sqlite3
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(HERE, "queries.tsv")
QRELS = os.path.join(HERE, "qrels.tsv")
SYSTEMS = ("baogao", "xapian", "fts5")
SYSTEM_NAMES = {
    "baogao": "baogao",
    "xapian": "Xapian n-gram (stock)",
    "fts5": "SQLite FTS5 trigram",
}
TYPES = ("topic", "multi", "long", "subword", "trad", "fullwidth", "number", "name", "year")
POOL_DEPTH = 20
CUTOFF = 10

# Content words of the long queries, segmented by hand for the grading rule
# "all of its content words apart" (the systems never see these).
LONG_WORDS = {
    "l01": ["政务服务", "标准化"],
    "l02": ["现代化产业体系"],
    "l03": ["国有企业", "改革"],
    "l04": ["社会保障体系"],
    "l05": ["依法治国"],
}


def die(msg):
    print("quality.py: " + msg, file=sys.stderr)
    sys.exit(2)


def read_env(work):
    env = {}
    with open(os.path.join(work, "env.tsv"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            env[k] = v
    return env


def load_queries():
    qs = []
    with open(QUERIES, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t") + [""] * 4
            if cols[0] == "id":
                continue
            qs.append({"id": cols[0], "type": cols[1], "query": cols[2], "year": cols[3].strip()})
    return qs


def year_range(spec):
    if not spec:
        return None
    a, sep, b = spec.partition("..")
    return (int(a), int(b) if sep else int(a))


def load_passages(work):
    ps = []
    with open(os.path.join(work, "passages.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            cols = line.rstrip("\n").split("\t")
            p = dict(zip(header, cols))
            p["year"] = int(p["year"])
            p["line"] = int(p["line"])
            ps.append(p)
    return ps


def lead_sentence(text):
    """The text up to the first 。 or ： (or :), as the indexer defines it; the
    whole text when there is no such stop."""
    cut = len(text)
    for stop in ("。", "：", ":"):
        i = text.find(stop)
        if 0 <= i < cut:
            cut = i
    return text[:cut]


def normalise(env, texts):
    """baogao's own normalisation (bgq-normalize), one line per text."""
    data = "".join(t.replace("\n", " ") + "\n" for t in texts)
    out = subprocess.run([env["normalize"]], input=data.encode("utf-8"), capture_output=True, check=True)
    lines = out.stdout.decode("utf-8").split("\n")
    if len(lines) != len(texts) + 1:
        die("bgq-normalize returned %d lines for %d texts" % (len(lines) - 1, len(texts)))
    return lines[:-1]


def prepare(work):
    """Passages and queries with their normalised forms."""
    env = read_env(work)
    ps = load_passages(work)
    qs = load_queries()
    texts = []
    for p in ps:
        heading = p["text"] if p["kind"] == "heading" else p["heading"]
        texts += [p["text"], lead_sentence(p["text"]), heading]
    qparts = [(q, part) for q in qs for part in q["query"].split()]
    norm = normalise(env, texts + [part for _, part in qparts] + [w for ws in LONG_WORDS.values() for w in ws])
    for i, p in enumerate(ps):
        p["n_text"], p["n_lead"], p["n_heading"] = norm[3 * i: 3 * i + 3]
    k = 3 * len(ps)
    for q in qs:
        q["parts"] = []
    for q, _ in qparts:
        q["parts"].append(norm[k].strip())
        k += 1
    long_words = {}
    for qid, ws in LONG_WORDS.items():
        long_words[qid] = [norm[k + i].strip() for i in range(len(ws))]
        k += len(ws)
    for q in qs:
        q["words"] = long_words.get(q["id"], [])
    return env, ps, qs


def in_years(q, p):
    r = year_range(q["year"])
    return r is None or r[0] <= p["year"] <= r[1]


def holds(text, part):
    """part occurs in text as a substring whose numbers are whole: since
    issue 16 numbers are tokens of their own, so 6.5% is not in 86.5% and M2
    not in PM2.5 (docs/quality.md)."""
    p = re.escape(part)
    if part[:1].isdigit():
        p = r"(?<![0-9])(?<![0-9]\.)" + p
    if part[-1:].isdigit():
        p += r"(?![0-9])(?!\.[0-9])"
    return re.search(p, text) is not None


def contains_query(q, p):
    """The substring-recall criterion: the passage's normalised text contains
    every normalised query word, numbers whole (and the passage is within the
    year filter)."""
    return in_years(q, p) and all(holds(p["n_text"], part) for part in q["parts"])


def rule_grade(q, p):
    if not in_years(q, p):
        return 0
    parts = q["parts"]
    about = p["n_lead"] + "\n" + p["n_heading"]
    if all(holds(p["n_text"], part) for part in parts):
        return 2 if all(holds(about, part) for part in parts) else 1
    if q["words"] and all(w in p["n_text"] for w in q["words"]):
        return 1
    return 0


def passage_key(report, line, text):
    text = text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
    return "%s:%d:%s" % (os.path.basename(report), line, text[:12])


# ---- the systems --------------------------------------------------------

def run_baogao(env, qs):
    runs = {}
    for q in qs:
        cmd = [env["query"], "--db", env["index"], "--json", "--limit", "10000"]
        if q["year"]:
            cmd += ["--year", q["year"]]
        cmd += [q["query"]]
        out = subprocess.run(cmd, capture_output=True)
        if out.returncode not in (0, 1):
            die("baogao-query failed for %s: %s" % (q["id"], out.stderr.decode("utf-8", "replace")))
        doc = json.loads(out.stdout.decode("utf-8"))
        runs[q["id"]] = [(passage_key(h["report"], h["line"], h["text"]), h["score"]) for h in doc["results"]]
    return runs


def fts5_quote(s):
    return '"' + s.replace('"', '""') + '"'


def run_fts5(ps, qs):
    """SQLite FTS5 with the trigram tokenizer over the passage text, ranked by
    bm25(). Trigrams cannot match fewer than three characters, so a shorter
    query word becomes a LIKE '%word%' condition (what FTS5's documentation
    offers for those); with no word of three characters or more there is no
    bm25 to rank by and results come in passage order."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE p USING fts5(text, key UNINDEXED, year UNINDEXED, tokenize='trigram')")
    db.executemany("INSERT INTO p(rowid, text, key, year) VALUES (?, ?, ?, ?)",
                   [(i + 1, p["text"], p["key"], p["year"]) for i, p in enumerate(ps)])
    runs = {}
    for q in qs:
        words = q["query"].split()
        long_words = [w for w in words if len(w) >= 3]
        short = [w for w in words if len(w) < 3]
        where, args = [], []
        if long_words:
            where.append("p MATCH ?")
            args.append(" AND ".join(fts5_quote(w) for w in long_words))
        for w in short:
            where.append("text LIKE ? ESCAPE '\\'")
            args.append("%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        r = year_range(q["year"])
        if r:
            where.append("year BETWEEN ? AND ?")
            args += [r[0], r[1]]
        order = "bm25(p)" if long_words else "rowid"
        score = "-bm25(p)" if long_words else "0"
        sql = "SELECT key, %s FROM p WHERE %s ORDER BY %s" % (score, " AND ".join(where), order)
        runs[q["id"]] = list(db.execute(sql, args))
    return runs


def write_run(path, runs):
    with open(path, "w", encoding="utf-8") as f:
        for qid, hits in runs.items():
            for rank, (key, score) in enumerate(hits, 1):
                f.write("%s\t%d\t%s\t%s\n" % (qid, rank, key, score))


def read_run(path):
    runs = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            qid, _, key, _ = line.rstrip("\n").split("\t")
            runs[qid].append(key)
    return runs


# ---- judgements ---------------------------------------------------------

def read_qrels():
    qrels = defaultdict(dict)
    if not os.path.exists(QRELS):
        return qrels
    with open(QRELS, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("qid\t") or not line.strip():
                continue
            qid, key, grade, source = (line.rstrip("\n").split("\t") + [""])[:4]
            qrels[qid][key] = (int(grade), source)
    return qrels


def write_qrels(qrels, qs):
    order = {q["id"]: i for i, q in enumerate(qs)}
    with open(QRELS, "w", encoding="utf-8") as f:
        f.write("# qrels.tsv — graded judgements for queries.tsv (see docs/quality.md).\n"
                "# grade: 2 about the topic (heading or lead sentence on it), 1 mentions it, 0 not relevant.\n"
                "# source: rule = proposed by quality.py's rules, read = checked (and if need be corrected) by reading.\n")
        f.write("qid\tkey\tgrade\tsource\n")
        for qid in sorted(qrels, key=lambda x: order.get(x, 1 << 30)):
            for key in sorted(qrels[qid]):
                g, src = qrels[qid][key]
                f.write("%s\t%s\t%d\t%s\n" % (qid, key, g, src))


# ---- metrics ------------------------------------------------------------

def ndcg(ranked, judged, k=CUTOFF):
    gains = [judged.get(key, (0, ""))[0] for key in ranked[:k]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((g for g, _ in judged.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else None


def mrr(ranked, judged, k=CUTOFF):
    """1/rank of the first passage with the query's best grade (2 where any
    passage is about the topic, else 1), within the top k."""
    best = max((g for g, _ in judged.values()), default=0)
    if best == 0:
        return None
    for i, key in enumerate(ranked[:k]):
        if judged.get(key, (0, ""))[0] >= best:
            return 1.0 / (i + 1)
    return 0.0


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else float("nan")


# ---- commands -----------------------------------------------------------

def cmd_run(work):
    env, ps, qs = prepare(work)
    write_run(os.path.join(work, "run.baogao.tsv"), run_baogao(env, qs))
    write_run(os.path.join(work, "run.fts5.tsv"), run_fts5(ps, qs))


def load_runs(work):
    return {s: read_run(os.path.join(work, "run.%s.tsv" % s)) for s in SYSTEMS}


def same_need(q):
    """Queries that normalise to the same words with the same year filter (脫貧攻堅
    and 脱贫攻坚, ２０２２年 and 2022年) ask the same thing: they share judgements."""
    return (tuple(q["parts"]), q["year"])


def cmd_pool(work):
    _, ps, qs = prepare(work)
    by_key = {p["key"]: p for p in ps}
    runs = load_runs(work)
    qrels = read_qrels()
    added = 0
    needs = defaultdict(list)
    for q in qs:
        needs[same_need(q)].append(q["id"])
    for ids in needs.values():
        for qid in ids:
            for other in ids:
                for key, judged in list(qrels.get(other, {}).items()):
                    if key not in qrels[qid]:
                        qrels[qid][key] = judged
                        added += 1
    for q in qs:
        for s in SYSTEMS:
            for key in runs[s].get(q["id"], [])[:POOL_DEPTH]:
                if key not in qrels[q["id"]]:
                    qrels[q["id"]][key] = (rule_grade(q, by_key[key]), "rule")
                    added += 1
    write_qrels(qrels, qs)
    print("pool: %d new judgements proposed by rule" % added)


def contexts(q, p, width=14, most=3):
    """Where the query's words occur in the normalised text, with context."""
    t = p["n_text"]
    out = []
    for part in q["parts"] + q["words"]:
        i = t.find(part)
        while i >= 0 and len(out) < most:
            out.append(t[max(0, i - width): i].rjust(width, "\u3000") + "[" + part + "]" + t[i + len(part): i + len(part) + width])
            i = t.find(part, i + 1)
    return out


def cmd_review(work, qid):
    _, ps, qs = prepare(work)
    by_key = {p["key"]: p for p in ps}
    q = next((q for q in qs if q["id"] == qid), None)
    if not q:
        die("no query " + qid)
    print("%s [%s] %s %s" % (q["id"], q["type"], q["query"], q["year"]))
    for key, (g, src) in sorted(read_qrels()[qid].items(), key=lambda kv: (-kv[1][0], kv[0])):
        p = by_key.get(key)
        if not p:
            print("  ? %s (passage gone)" % key)
            continue
        flag = "" if rule_grade(q, p) == g else "*"
        heading = "(heading)" if p["kind"] == "heading" else p["heading"][:30]
        print("%d %s%s %s | H: %s | L: %s" % (g, src, flag, key, heading, lead_sentence(p["text"])[:40]))
        for c in contexts(q, p):
            print("        " + c)


def cmd_mark(qid, changes):
    """Records that every judgement of qid was read, applying the corrections
    given as KEY_PREFIX=GRADE (a prefix must pick exactly one passage)."""
    qs = load_queries()
    qrels = read_qrels()
    if qid not in qrels:
        die("no judgements for " + qid)
    for key, (g, _) in list(qrels[qid].items()):
        qrels[qid][key] = (g, "read")
    for ch in changes:
        prefix, _, grade = ch.rpartition("=")
        keys = [k for k in qrels[qid] if k.startswith(prefix)]
        if len(keys) != 1:
            die("%s: %d passages start with %s" % (qid, len(keys), prefix))
        qrels[qid][keys[0]] = (int(grade), "read")
    write_qrels(qrels, qs)


def fmt(x):
    return "—" if x != x else "%.3f" % x


def cmd_eval(work):
    _, ps, qs = prepare(work)
    runs = load_runs(work)
    qrels = read_qrels()
    matching = {q["id"]: {p["key"] for p in ps if contains_query(q, p)} for q in qs}
    per = {}   # (system, qid) -> (ndcg, mrr, recall)
    unjudged = defaultdict(int)
    for s in SYSTEMS:
        for q in qs:
            ranked = runs[s].get(q["id"], [])
            judged = qrels.get(q["id"], {})
            unjudged[s] += sum(1 for key in ranked[:CUTOFF] if key not in judged)
            m = matching[q["id"]]
            rec = len(m & set(ranked)) / len(m) if m else None
            per[(s, q["id"])] = (ndcg(ranked, judged), mrr(ranked, judged), rec)

    lines = []
    out = lines.append
    out("| query type (n) | metric | " + " | ".join(SYSTEM_NAMES[s] for s in SYSTEMS) + " |")
    out("|---|---|" + "---|" * len(SYSTEMS))
    # The stock baselines do not normalise, so they find nothing for the trad
    # and fullwidth types; the second group shows the comparison without them.
    groups = [("all", qs), ("all but trad, fullwidth", [q for q in qs if q["type"] not in ("trad", "fullwidth")])]
    groups += [(t, [q for q in qs if q["type"] == t]) for t in TYPES]
    summary = {}
    for name, group in groups:
        if not group:
            continue
        for mi, metric in enumerate(("nDCG@10", "MRR@10", "substring recall")):
            vals = [mean(per[(s, q["id"])][mi] for q in group) for s in SYSTEMS]
            summary[(name, metric)] = vals
            label = "**%s** (%d)" % (name, len(group)) if mi == 0 else ""
            out("| %s | %s | %s |" % (label, metric, " | ".join(fmt(v) for v in vals)))
    out("")
    out("Per query (nDCG@10 / substring recall; matching = passages containing the normalised query):")
    out("")
    out("| id | type | query | year | matching | " + " | ".join(SYSTEM_NAMES[s] for s in SYSTEMS) + " |")
    out("|---|---|---|---|---|" + "---|" * len(SYSTEMS))
    for q in qs:
        cells = []
        for s in SYSTEMS:
            n, _, r = per[(s, q["id"])]
            cells.append("%s / %s" % (fmt(n if n is not None else float("nan")), fmt(r if r is not None else float("nan"))))
        out("| %s | %s | %s | %s | %d | %s |" % (q["id"], q["type"], q["query"], q["year"], len(matching[q["id"]]), " | ".join(cells)))
    out("")
    out("Unjudged passages in the top %d (counted as 0): " % CUTOFF
        + ", ".join("%s %d" % (SYSTEM_NAMES[s], unjudged[s]) for s in SYSTEMS))

    # The targets of the search-quality issue.
    misses = [q["id"] for q in qs if per[("baogao", q["id"])][2] not in (None, 1.0)]
    out("")
    out("Targets:")
    out("- baogao substring recall 100%% on every query: %s" % ("met" if not misses else "NOT met: " + ", ".join(misses)))
    best = max(summary[("all", "nDCG@10")][1:])
    diff = summary[("all", "nDCG@10")][0] - best
    out("- baogao nDCG@10 at least 0.10 above the better baseline overall: %s (%+.3f)" % ("met" if diff >= 0.10 else "NOT met", diff))
    below = [t for t in TYPES if (t, "nDCG@10") in summary
             and summary[(t, "nDCG@10")][0] < max(summary[(t, "nDCG@10")][1:]) - 1e-9]
    out("- baogao nDCG@10 not below the better baseline for any query type: %s" % ("met" if not below else "NOT met: " + ", ".join(below)))
    text = "\n".join(lines) + "\n"
    with open(os.path.join(work, "results.md"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0 if not misses and diff >= 0.10 and not below else 1


def main(argv):
    if len(argv) >= 3 and argv[1] == "run":
        cmd_run(argv[2])
    elif len(argv) >= 3 and argv[1] == "pool":
        cmd_pool(argv[2])
    elif len(argv) >= 4 and argv[1] == "review":
        cmd_review(argv[2], argv[3])
    elif len(argv) >= 3 and argv[1] == "mark":
        cmd_mark(argv[2], argv[3:])
    elif len(argv) >= 3 and argv[1] == "eval":
        return cmd_eval(argv[2])
    else:
        die("usage: quality.py run|pool|eval WORK | review WORK QID | mark QID [KEY_PREFIX=GRADE...]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
