#!/usr/bin/env python3
"""ab.py — query latency of two builds of baogao, measured interleaved.

On a machine shared with other work, two latency runs made one after the other
meet different loads, and the difference between them says more about the
load than about the builds (docs/performance.md saw 15% and more). Here every
timed run of build A is followed by one of build B (then B before A, and so
on), so both builds meet the same load; CPU time is reported next to wall
time as in latency.py.

    ab.py --queries bench/perf/queries.tsv --index INDEX --reps 30 \\
          --a-query OLD/baogao-query --a-inproc OLD/bench/bench_query_lat \\
          --b-query NEW/baogao-query --b-inproc NEW/bench/bench_query_lat

Prints a Markdown table, one row per query: median / p99 of the wall-clock
times (nearest rank, as latency.py) and the median CPU time, whole process
(baogao-query --json, as latency.py runs it) and in-process (bench_query_lat,
bg_search_run + walking the hits), for A and B; and the load average before
and after. The floor row is baogao-query with a query that matches nothing.
In-process, the two bench_query_lat programs take turns in rounds of 10 runs
per query; each round repeats every query's untimed warm-up run. A last row
pools every query's runs (the issue's targets are a median and a p99 over
all 12 queries). --inproc-only leaves out the whole-process runs (the
--X-query options are then not needed): what a library change costs or saves
shows there without the process start-up around it.
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import time


def load_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                label, kind, year, query = line.split("\t")
                out.append((label, kind, None if year == "-" else year, query))
    return out


def run_child(argv):
    """(wall ms, CPU ms) of one run of argv, output discarded."""
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(p.pid, 0)
    p.returncode = 0  # reaped above
    return (time.perf_counter_ns() - t0) / 1e6, (ru.ru_utime + ru.ru_stime) * 1e3


def query_argv(binary, index, q):
    label, kind, year, query = q
    argv = [binary, "--db", index, "--json"]
    if year:
        argv += ["--year", year]
    if kind == "by-year":
        argv.append("--by-year")
    return argv + [query]


def summary(samples):
    """'median / p99' of the wall times and the median CPU time."""
    wall = sorted(w for w, _ in samples)
    p99 = wall[max(0, math.ceil(0.99 * len(wall)) - 1)]
    return f"{statistics.median(wall):.2f} / {p99:.2f}", f"{statistics.median(c for _, c in samples):.2f}"


def process_runs(a, b, index, queries, reps):
    """{label: {'A': [(wall, cpu)], 'B': [...]}} for whole baogao-query runs."""
    res = {}
    for q in queries:
        argv = {"A": query_argv(a, index, q), "B": query_argv(b, index, q)}
        for k in "AB":
            run_child(argv[k])  # warm-up
        res[q[0]] = {"A": [], "B": []}
        for r in range(reps):
            for k in ("AB" if r % 2 == 0 else "BA"):
                res[q[0]][k].append(run_child(argv[k]))
    return res


def inproc_runs(a, b, index, queries_path, reps):
    """The same shape for bench_query_lat, in alternating rounds of 10 runs."""
    res = {}
    rounds = max(1, reps // 10)
    for r in range(rounds):
        for k, binary in ((("A", a), ("B", b)) if r % 2 == 0 else (("B", b), ("A", a))):
            out = subprocess.run([binary, index, queries_path, str(reps // rounds)], capture_output=True,
                                 check=True, text=True).stdout
            for line in out.splitlines():
                label, _total, us, cpu = line.split("\t")
                pairs = zip((float(x) / 1000 for x in us.split(",")), (float(x) / 1000 for x in cpu.split(",")))
                res.setdefault(label, {"A": [], "B": []})[k].extend(pairs)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--reps", type=int, default=30)
    for k in "ab":
        ap.add_argument(f"--{k}-query")
        ap.add_argument(f"--{k}-inproc", required=True)
    ap.add_argument("--inproc-only", action="store_true")
    a = ap.parse_args()
    if not a.inproc_only and not (a.a_query and a.b_query):
        ap.error("--a-query and --b-query are needed unless --inproc-only")
    queries = load_queries(a.queries)
    load0 = os.getloadavg()
    floor = ("floor (no match)", "word", None, "qxzqxzqxz")
    proc = {} if a.inproc_only else process_runs(a.a_query, a.b_query, a.index, [floor] + queries, a.reps)
    inproc = inproc_runs(a.a_inproc, a.b_inproc, a.index, a.queries, a.reps)
    load1 = os.getloadavg()
    print(f"Load average (1, 5, 15 min): {load0[0]:.2f}, {load0[1]:.2f}, {load0[2]:.2f} before, "
          f"{load1[0]:.2f}, {load1[1]:.2f}, {load1[2]:.2f} after; {a.reps} runs of each build per query.\n")
    print("| query | process A: median / p99 | CPU | process B: median / p99 | CPU "
          "| in-process A: median / p99 | CPU | in-process B: median / p99 | CPU |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    pooled = {"A": [], "B": []}
    for runs in inproc.values():
        for k in "AB":
            pooled[k].extend(runs[k])
    inproc["pooled (all queries)"] = pooled
    labels = ([] if a.inproc_only else [floor[0]]) + [q[0] for q in queries] + ["pooled (all queries)"]
    for label in labels:
        cells = [*summary(proc[label]["A"]), *summary(proc[label]["B"])] if label in proc else ["–"] * 4
        if label in inproc:
            cells += [*summary(inproc[label]["A"]), *summary(inproc[label]["B"])]
        else:
            cells += ["–"] * 4
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
