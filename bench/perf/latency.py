#!/usr/bin/env python3
"""latency.py — query latency of the performance benchmark (bench/perf/run.sh):
runs the fixed query list (queries.tsv) on every system, each query once to
warm up and then REPS times, and prints one TSV row per system and query:

    system  label  hits  median_ms  p99_ms  note  cpu_median_ms

cpu_median_ms is the median CPU time (user + system) of the child process
(from wait4), or of the query in-process: on a loaded machine wall time
includes waiting for a core, CPU time does not.

Systems (each only when its option is given):
  spawn       /bin/true — the cost of starting any process from this harness,
              the floor under every whole-process number
  floor       baogao-query with a query that matches nothing: start-up, index
              and analyser opening
  baogao      baogao-query --json (whole process: start, open index, search,
              JSON out), stdout discarded
  inproc      bench_query_lat: bg_search_run + walking the hits, index open
  quest       quest on the stock Xapian n-gram database (XAPIAN_CJK_NGRAM=1,
              -o and so that all words must match, as in baogao)
  sqlite      sqlite3 FTS5 trigram, ORDER BY bm25(p) LIMIT 10
  rg          ripgrep over the raw files (fixed strings, line = paragraph;
              several words: a pipe of rg filters)

With --interleave the baogao and quest runs of each query alternate (one
baogao-query, one quest, ...), so both meet the same load on a shared
machine; their warm-up runs come first.

hits: baogao/inproc: total matching passages; quest: its match count (an
estimate unless "Exactly"); sqlite: rows matched (COUNT(*), untimed); rg:
matching lines. Timings are wall clock around the whole child process
(time.perf_counter_ns), or bench_query_lat's own in-process timings.
median: statistics.median; p99: nearest rank (with 30 runs, the slowest).
A last column holds every timed run's wall-clock ms, comma-separated, so
that the driver can pool the runs of all queries.
"""
import argparse
import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import time


def load_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            label, kind, year, query = line.split("\t")
            out.append({"label": label, "kind": kind, "year": None if year == "-" else year, "query": query})
    return out


def stats(ms):
    s = sorted(ms)
    return statistics.median(s), s[max(0, math.ceil(0.99 * len(s)) - 1)]


def run_child(argv, env=None):
    """Runs argv to completion; returns (wall ms, CPU ms of the child)."""
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, env=env)
    _, _, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter_ns() - t0) / 1e6
    p.returncode = 0  # reaped above; keeps Popen from waiting again
    return wall, (ru.ru_utime + ru.ru_stime) * 1e3


def time_runs(argv, reps, env=None):
    """Warm-up once, then reps timed runs; returns (wall ms list, CPU ms list)."""
    run_child(argv, env)
    runs = [run_child(argv, env) for _ in range(reps)]
    return [w for w, _ in runs], [c for _, c in runs]


def output(argv, env=None):
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env).stdout.decode("utf-8", "replace")


def row(system, label, hits, times, note=""):
    wall, cpu = times
    med, p99 = stats(wall)
    raw = ",".join(f"{x:.3f}" for x in wall)
    print(f"{system}\t{label}\t{hits}\t{med:.3f}\t{p99:.3f}\t{note}\t{statistics.median(cpu):.3f}\t{raw}",
          flush=True)


def time_interleaved(argvs, reps, envs):
    """Warm-up of each, then reps rounds running each argv once in turn;
    returns one (wall ms list, CPU ms list) per argv."""
    for argv, env in zip(argvs, envs):
        run_child(argv, env)
    out = [([], []) for _ in argvs]
    for _ in range(reps):
        for (walls, cpus), argv, env in zip(out, argvs, envs):
            w, c = run_child(argv, env)
            walls.append(w)
            cpus.append(c)
    return out


def fts5_match(q):
    # Each word as an FTS5 string (implicit AND); trigram turns a string into
    # a phrase of trigrams, so a word of fewer than 3 characters matches nothing.
    return " ".join('"%s"' % w.replace('"', '""') for w in q["query"].split())


def baogao_argv(a, q):
    argv = [a.baogao_query, "--db", a.index, "--json"]
    if q["year"]:
        argv += ["--year", q["year"]]
    note = ""
    if q["kind"] == "by-year":
        if a.by_year:
            argv.append("--by-year")
        else:
            note = "no --by-year option: plain query"
    argv.append(q["query"])
    return argv, note


def quest_argv(a, q):
    env = dict(os.environ, XAPIAN_CJK_NGRAM="1")
    argv = ["quest", "-d", a.quest_db, "-s", "none", "-o", "and", "-b", "year:Y"]
    argv.append((f"year:{q['year']} " if q["year"] else "") + q["query"])
    return argv, env


def quest_hits(argv, env):
    m = re.search(r"^(Exactly|About|Between) (\d+)", output(argv, env), re.M)
    return (m.group(2) if m.group(1) == "Exactly" else "~" + m.group(2)) if m else "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", required=True)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--baogao-query")
    ap.add_argument("--index")
    ap.add_argument("--by-year", action="store_true", help="baogao-query has --by-year")
    ap.add_argument("--inproc")
    ap.add_argument("--quest-db")
    ap.add_argument("--sqlite-db")
    ap.add_argument("--rg-dir")
    ap.add_argument("--interleave", action="store_true", help="alternate the baogao-query and quest runs")
    a = ap.parse_args()
    queries = load_queries(a.queries)

    row("spawn", "/bin/true", "", time_runs(["/bin/true"], a.reps))

    if a.baogao_query:
        # The floor of every baogao-query row: start-up, opening the index and
        # the analyser, and a query that matches nothing.
        row("floor", "baogao-query, no match", "0",
            time_runs([a.baogao_query, "--db", a.index, "--json", "qxzqxzqxz"], a.reps))
        for q in queries:
            argv, note = baogao_argv(a, q)
            try:
                hits = json.loads(output(argv))["total"]
            except (ValueError, KeyError):
                hits = "error"
            if a.interleave and a.quest_db:
                qargv, qenv = quest_argv(a, q)
                bt, qt = time_interleaved([argv, qargv], a.reps, [None, qenv])
                row("baogao", q["label"], hits, bt, note)
                row("quest", q["label"], quest_hits(qargv, qenv), qt)
            else:
                row("baogao", q["label"], hits, time_runs(argv, a.reps), note)

    if a.inproc:
        res = subprocess.run([a.inproc, a.index, a.queries, str(a.reps)], capture_output=True, check=True)
        for line in res.stdout.decode("utf-8").splitlines():
            label, total, us, cpu = line.split("\t")
            row("inproc", label, total, ([float(x) / 1000 for x in us.split(",")],
                                         [float(x) / 1000 for x in cpu.split(",")]))

    if a.quest_db and not (a.interleave and a.baogao_query):
        for q in queries:
            argv, env = quest_argv(a, q)
            row("quest", q["label"], quest_hits(argv, env), time_runs(argv, a.reps, env))

    if a.sqlite_db:
        for q in queries:
            where = f"p MATCH '{fts5_match(q).replace(chr(39), chr(39) * 2)}'"
            if q["year"]:
                where += f" AND year = '{q['year']}'"
            count = output(["sqlite3", a.sqlite_db, f"SELECT count(*) FROM p WHERE {where};"]).strip()
            short = any(len(w) < 3 for w in q["query"].split())
            note = "a word of < 3 chars: trigram cannot match it" if short else ""
            argv = ["sqlite3", a.sqlite_db, f"SELECT rowid, text FROM p WHERE {where} ORDER BY bm25(p) LIMIT 10;"]
            row("sqlite", q["label"], count, time_runs(argv, a.reps), note)

    if a.rg_dir:
        for q in queries:
            words = q["query"].split()
            glob = ["-g", f"*-{q['year']}.txt"] if q["year"] else []
            if len(words) == 1:
                argv = ["rg", "--no-config", "-F", *glob, "-e", words[0], a.rg_dir]
                note = ""
            else:
                # Paragraph-level AND: filter the first word's lines by the others.
                first = ["rg", "--no-config", "-F", "-N", "--no-filename", *glob, "-e", words[0], a.rg_dir]
                pipe = " | ".join([shlex.join(first)] + [shlex.join(["rg", "--no-config", "-F", "-e", w]) for w in words[1:]])
                argv = ["sh", "-c", pipe]
                note = "pipe of %d rg" % len(words)
            hits = len(output(argv).splitlines())
            row("rg", q["label"], hits, time_runs(argv, a.reps), note)


if __name__ == "__main__":
    sys.exit(main())
