#!/usr/bin/env python3
"""report.py — renders one run of the performance benchmark (bench/perf/run.sh)
as the section "scale N" of docs/performance.md, between the markers
<!-- BEGIN scale N --> and <!-- END scale N -->; the rest of the document (the
hand-written introduction, other scales) is left as it is. A missing section
is appended.

usage: report.py OUT_DIR DOC
  OUT_DIR holds results.tsv, latency.tsv, perf.dso.txt, perf.sym.txt,
  commands.txt (as run.sh leaves them in bench/out/perf/scaleN/).

MB means 10^6 bytes of the generated corpus (the UTF-8 text files), for
every system alike.
"""
import os
import re
import sys

MB = 1e6


def read_results(out):
    r = {}
    with open(os.path.join(out, "results.tsv"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            r[k] = v
    return r


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None


def fmt(x, digits=2):
    if x is None:
        return "–"
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def verdict(ok):
    return "n/a" if ok is None else ("**pass**" if ok else "**FAIL**")


def read_latency(out):
    rows = {}
    path = os.path.join(out, "latency.tsv")
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as f:
        for line in f:
            f = line.rstrip("\n").split("\t")
            system, label, hits, med, p99, note = f[:6]
            cpu = float(f[6]) if len(f) > 6 and f[6] else None
            rows[(system, label)] = {"hits": hits, "med": float(med), "p99": float(p99), "note": note, "cpu": cpu}
    return rows


def read_lines(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f]


def dso_groups(lines):
    """perf report --sort dso lines ("  45.12%  libxapian.so.30") grouped."""
    groups = {}
    for line in lines:
        m = re.match(r"\s*([\d.]+)%\s+(\S+)", line)
        if not m:
            continue
        pct, dso = float(m.group(1)), m.group(2)
        if dso.startswith("libxapian"):
            g = "libxapian (Xapian)"
        elif dso.startswith("libicu"):
            g = "libicu* (ICU)"
        elif dso.startswith("baogao-index"):
            g = "baogao-index (baogao's own code, static)"
        elif dso.startswith("libc.so") or dso.startswith("libm.so") or dso.startswith("ld-linux"):
            g = "libc (malloc, memcpy, I/O; called by all)"
        elif dso.startswith("libstdc++"):
            g = "libstdc++ (mostly Xapian's containers)"
        elif dso.startswith("[kernel"):
            g = "kernel (reads, writes, page faults)"
        elif "opencc" in dso or "marisa" in dso:
            g = "libopencc/libmarisa (t2s)"
        elif "cjson" in dso:
            g = "libcjson"
        else:
            g = "other (" + dso + ")"
        groups[g] = groups.get(g, 0.0) + pct
    return sorted(groups.items(), key=lambda kv: -kv[1])


def section(out):
    r = read_results(out)
    lat = read_latency(out)
    scale = r["scale"]
    text = num(r, "corpus.bytes")
    chars = num(r, "corpus.chars")
    L = []
    w = L.append
    at100 = scale == "100"
    w(f"## Scale {scale}× — {r['date']}\n")
    w(f"- **Corpus:** `bench/gen_corpus.py {scale}` over the shared corpus: {r['corpus.files']} files, "
      f"{text / MB:.1f} MB, {chars / 1e6:.2f} M characters, {fmt(num(r, 'export.paragraphs'))} paragraphs, "
      f"{fmt(num(r, 'index_j1.docs'))} baogao passages.")
    mem = num(r, "mem_kb")
    w(f"- **Machine:** {r['nproc']} CPUs, {r['cpu']}, {mem / 1024 / 1024:.1f} GiB RAM, Linux {r['kernel']}. "
      f"**Shared with other engineers' builds and tests:** load average (1, 5, 15 min) {r['load_start']} at "
      f"the start, {r.get('load_end', '?')} at the end. On 2 CPUs a load above 2 means every process here "
      f"waited for a core: wall-clock numbers are inflated and noisy, CPU seconds are steadier.")
    w(f"- **Versions:** baogao {r.get('baogao_version', '?')} ({r.get('build_type', '?')}), Xapian "
      f"{r['xapian_version']}, ICU {r['icu_version']}, SQLite {r['sqlite_version']}, ripgrep {r['rg_version']}.")
    jobs = r.get("jobs_option") == "1"
    if not jobs:
        w("- `baogao-index` had no `--jobs` option in this build: one sequential run only.")
    skips = [(part, r["skip." + part]) for part in
             ("bare", "bare_shards", "perf", "compact", "scriptindex", "sqlite", "latency", "rg")
             if "skip." + part in r]
    if skips:
        w("- **Left out of this run:** " + "; ".join(f"{p} — {why}" for p, why in skips) + ".")
    w("")

    def proc(name):
        u, s = num(r, name + ".user"), num(r, name + ".sys")
        return (u + s) if u is not None and s is not None else None

    # ---- indexing ---------------------------------------------------------
    icu_s, icu_cpu = num(r, "icu.seconds"), num(r, "icu.cpu_seconds")
    # The Xapian limit is the cheaper (in CPU time, the steadier measure on a
    # shared machine) of the two bare runs: one database, or one per year.
    bares = [(k, num(r, k + ".ingest_seconds"), num(r, k + ".ingest_cpu_seconds"))
             for k in ("bare", "bare_shards") if num(r, k + ".ingest_cpu_seconds")]
    bare_key, bare_s, bare_cpu = min(bares, key=lambda b: b[2]) if bares else (None, None, None)
    stat = bares[0][0] if bares else None   # either run counted the same documents
    icu_rate = text / MB / icu_cpu if icu_cpu else None
    bare_rate = text / MB / bare_cpu if bare_cpu else None

    def run_row(label, wall, cpu, rss_kb, size):
        rate = text / MB / cpu if cpu else None
        return {"label": label, "wall": wall, "mbs": text / MB / wall if wall else None, "cpu": cpu,
                "mbcpu": rate,
                "icu": rate / icu_rate if rate and icu_rate else None,
                "bare": rate / bare_rate if rate and bare_rate else None,
                "rss": rss_kb / 1024 if rss_kb else None, "size": size / MB if size else None,
                "ratio": size / text if size else None}

    rows = [run_row("limit: ICU word break only (`bench_icu_seg`)", icu_s, icu_cpu, None, None)]
    names = {"bare": "one database", "bare_shards": "one database per year, as baogao"}
    for k, ws, cs in bares:
        mark = " ◀ the limit" if k == bare_key and len(bares) > 1 else ""
        rows.append(run_row(f"limit: bare Xapian, baogao's exact documents, {names[k]} "
                            f"(`bench_bare_ingest`){mark}", ws, cs, None, num(r, k + ".size")))
    if icu_s and bare_s:
        rows.append(run_row("limit: ICU + Xapian in series on one core (sum)", icu_s + bare_s,
                            icu_cpu + bare_cpu, None, None))
    j1 = "baogao-index --jobs 1" if jobs else "baogao-index"
    rows.append(run_row(f"`{j1}`", num(r, "index_j1.wall"), proc("index_j1"), num(r, "index_j1.rss_kb"),
                        num(r, "index_j1.size")))
    if jobs:
        rows.append(run_row("`baogao-index --jobs 2`", num(r, "index_j2.wall"), proc("index_j2"),
                            num(r, "index_j2.rss_kb"), num(r, "index_j2.size")))
    rows.append(run_row("`baogao-index` again, corpus unchanged", num(r, "reindex.wall"), proc("reindex"),
                        num(r, "reindex.rss_kb"), None))
    if "skip.scriptindex" not in r:
        rows.append(run_row("stock Xapian: `scriptindex`, `XAPIAN_CJK_NGRAM=1`", num(r, "scriptindex.wall"),
                            proc("scriptindex"), num(r, "scriptindex.rss_kb"), num(r, "scriptindex.size")))
    if "skip.sqlite" not in r:
        rows.append(run_row("SQLite FTS5 trigram, one transaction", num(r, "sqlite.wall"), proc("sqlite"),
                            num(r, "sqlite.rss_kb"), num(r, "sqlite.size")))
    w("### Indexing\n")
    w("| run | wall s | MB/s | CPU s | MB per CPU·s | × ICU limit | × Xapian limit | peak RSS MB | size MB "
      "| size ÷ text |")
    w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for x in rows:
        w(f"| {x['label']} | {fmt(x['wall'])} | {fmt(x['mbs'])} | {fmt(x['cpu'])} | {fmt(x['mbcpu'])} | "
          f"{fmt(x['icu'])} | {fmt(x['bare'])} | {fmt(x['rss'], 0)} | {fmt(x['size'], 1)} | {fmt(x['ratio'])} |")
    w("")
    w("MB is 10⁶ bytes of corpus text for every row. The limits time only the work itself: ICU over the "
      "files already in memory; Xapian re-adding the documents read back from baogao's index (terms, wdf, "
      "positions, values, data; already in memory) to fresh glass databases with a commit every 4,000 "
      "documents, baogao's cadence. CPU s is user + system time (both threads for `--jobs 2`). "
      "**\"× limit\" compares MB per CPU·s** (the limits are one-core programs, and CPU time is what this "
      "loaded machine measures best); a value near 1 means as fast as the limit alone. Peak RSS and size "
      "are blank where they do not apply (the limits hold their whole input in memory).")
    if bares and any(b[2] > (proc("index_j1") or 1e99) for b in bares):
        w("\nNote: re-adding baogao's documents with nothing else to do costs Xapian about as much CPU as "
          "all of `baogao-index` — so the \"Xapian limit\" is a loose one, and baogao is at (or past) it. "
          "The call-graph profile below is the sharper measure of Xapian's share.")
    tables = [(t, num(r, f"index_j1.table.{t}")) for t in ("postlist", "position", "termlist", "docdata")]
    size = num(r, "index_j1.size")
    if all(v for _, v in tables):
        parts = ", ".join(f"{t} {v / MB:.0f} MB ({v / text:.1f}×)" for t, v in tables)
        w(f"\nWhere baogao's {size / MB:.0f} MB go (glass tables summed over the year shards): {parts}.")
        if num(r, "index_j1.compact_size"):
            c = num(r, "index_j1.compact_size")
            w(f" After `xapian-compact` of each shard: {c / MB:.0f} MB ({c / text:.2f}× the text).")
    w("")

    # ---- postings ------------------------------------------------------------
    if stat:
        post, pos, tchars = num(r, stat + ".postings"), num(r, stat + ".positions"), num(r, stat + ".text_chars")
        w("### What baogao stores\n")
        w(f"{fmt(num(r, stat + '.docs'))} passages, {fmt(num(r, stat + '.terms'))} distinct terms, "
          f"{fmt(post)} postings (sum of term frequencies) and {fmt(pos)} positions over "
          f"{fmt(tchars)} characters of passage text: **{post / tchars:.2f} postings and {pos / tchars:.2f} "
          f"positions per character**.\n")
        w("| term prefix | postings | per char | positions | per char |")
        w("|---|--:|--:|--:|--:|")
        prefixes = [k[len(stat + ".postings."):] for k in r if k.startswith(stat + ".postings.")]
        prefixes.sort(key=lambda p: -num(r, stat + ".postings." + p))
        for p in prefixes:
            pp, ps = num(r, stat + ".postings." + p), num(r, stat + ".positions." + p)
            w(f"| {p or '(none: words)'} | {fmt(pp)} | {pp / tchars:.3f} | {fmt(ps, 0)} | {ps / tchars:.3f} |")
        w("")

    # ---- profile ---------------------------------------------------------------
    split = {k[len("perfsplit.share."):]: num(r, k) for k in r if k.startswith("perfsplit.share.")}
    groups = dso_groups(read_lines(out, "perf.dso.txt"))
    non_xapian = 100 - split.get("xapian", 0) if split else None
    if split or groups:
        w(f"### Where `{j1}` spends its time\n")
        w(f"`perf record --call-graph dwarf` of a separate `{j1}` run over the same corpus.\n")
    if split:
        labels = {"xapian": "Xapian (a libxapian or zlib frame on the stack: includes the malloc, memcmp, "
                            "std::map and kernel I/O it causes)",
                  "icu": "ICU (word break, normalisation), not under Xapian",
                  "baogao": "baogao's own code (analysis, structure, JSON, terms)",
                  "libc": "libc (malloc, memcpy…) called by baogao, ICU, OpenCC",
                  "libstdc++": "libstdc++ not under Xapian (OpenCC)",
                  "opencc": "OpenCC (t2s)", "kernel": "kernel, not under Xapian (reading files)",
                  "cjson": "cJSON", "other": "other"}
        w(f"**By call chain** ({fmt(num(r, 'perfsplit.samples'))} samples): a sample is Xapian's when any "
          f"frame of its stack is in libxapian or zlib. **Non-Xapian work: {non_xapian:.0f}% of the total.**\n")
        w("| who | share of samples |")
        w("|---|--:|")
        for g, v in sorted(split.items(), key=lambda kv: -kv[1]):
            w(f"| {labels.get(g, g)} | {v:.1f}% |")
        w("")
    if groups:
        perf_xap = sum(p for g, p in groups if g.startswith("libxapian"))
        w(f"**By shared object** (self time; flat, so libc, libstdc++, zlib and the kernel mix both sides): "
          f"libxapian {perf_xap:.1f}%.\n")
        w("| shared object | self time |")
        w("|---|--:|")
        for g, p in groups:
            if p >= 0.5:
                w(f"| {g} | {p:.1f}% |")
        syms = [l for l in read_lines(out, "perf.sym.txt") if l.strip()][:20]
        if syms:
            w("\nTop symbols (`perf report --no-children --sort dso,sym`; libxapian has no symbols in "
              "Debian's package):\n")
            w("```")
            for l in syms:
                w(re.sub(r"\s+", " ", l.strip())[:150])
            w("```")
        w("")

    # ---- latency -----------------------------------------------------------------
    qlabels = []
    for (system, label) in lat:
        if system == "baogao" and label not in qlabels:
            qlabels.append(label)
    systems = [("baogao", "baogao-query (process)"), ("inproc", "library, in-process"),
               ("quest", "quest (n-gram)"), ("sqlite", "sqlite3 FTS5"), ("rg", "rg")]
    systems = [(s, n) for s, n in systems if any(k[0] == s for k in lat)]
    if qlabels:
        reps = r.get("reps", "?")
        spawn = lat.get(("spawn", "/bin/true"))
        floor = lat.get(("floor", "baogao-query, no match"))
        w("### Query latency\n")
        w(f"Milliseconds, **median / p99** of {reps} runs after one warm-up run (warm cache; p99 is the "
          f"nearest rank, so with {reps} runs it is the slowest). Whole-process columns include starting "
          "the process and opening the index; the in-process column is `bg_search_run` + walking the 10 "
          "hits (fields, match ranges, snippet) with the index already open.")
        if spawn:
            w(f"Floors: the harness starts `/bin/true` in {spawn['med']:.2f} / {spawn['p99']:.2f} ms"
              + (f"; `baogao-query` with a query that matches nothing takes {floor['med']:.2f} / "
                 f"{floor['p99']:.2f} ms (start-up, opening the shards, the lexicon and the analyser)"
                 if floor else "") + ".")
        w("")
        w("| query | " + " | ".join(n for _, n in systems) + " |")
        w("|---|" + "--:|" * len(systems))
        for label in qlabels:
            cells = []
            for s, _ in systems:
                x = lat.get((s, label))
                cells.append(f"{x['med']:.2f} / {x['p99']:.2f}" if x else "–")
            w(f"| {label} | " + " | ".join(cells) + " |")
        if any(lat.get((s, l), {}).get("cpu") is not None for s, _ in systems for l in qlabels):
            w("\nCPU time, median ms per query (user + system of the process, from `wait4`; in-process: the "
              "thread's CPU time). This is what the query costs, without the waiting for a core that the "
              "load on this machine adds to the wall-clock numbers above"
              + (f"; `/bin/true` costs {spawn['cpu']:.2f} ms" if spawn and spawn.get("cpu") is not None else "")
              + (f", the no-match `baogao-query` {floor['cpu']:.2f} ms" if floor and floor.get("cpu") is not None
                 else "") + ":\n")
            w("| query | " + " | ".join(n for _, n in systems) + " |")
            w("|---|" + "--:|" * len(systems))
            for label in qlabels:
                cells = []
                for s, _ in systems:
                    x = lat.get((s, label))
                    cells.append(f"{x['cpu']:.2f}" if x and x.get("cpu") is not None else "–")
                w(f"| {label} | " + " | ".join(cells) + " |")
        w("\nMatches found (baogao: passages; quest: its match count, `~` an estimate; sqlite3: rows; "
          "rg: lines):\n")
        hs = [(s, n) for s, n in systems if s != "inproc"]
        w("| query | " + " | ".join(n for _, n in hs) + " |")
        w("|---|" + "--:|" * len(hs))
        notes = set()
        for label in qlabels:
            cells = []
            for s, _ in hs:
                x = lat.get((s, label))
                cell = x["hits"] if x else "–"
                if x and x["note"]:
                    cell += " †" if s == "sqlite" else " ‡" if s == "baogao" else ""
                    notes.add(s)
                cells.append(cell)
            w(f"| {label} | " + " | ".join(cells) + " |")
        if "sqlite" in notes:
            w("\n† SQLite's trigram tokenizer cannot match a word of fewer than 3 characters: those queries "
              "find nothing (0 rows) in FTS5, however fast. Not hidden: they are still timed and still count "
              "in the comparison.")
        if "baogao" in notes:
            w("\n‡ `baogao-query` had no `--by-year` option in this build: the by-year row is the plain query.")
        w("\nThe by-year row runs `baogao-query --by-year` when the option exists and the plain query "
          "elsewhere. quest runs `-s none -o and` (every word must match, as in baogao) with `-b year:Y` "
          "for the year filter; rg runs fixed strings over the raw files, with a pipe of rg for several "
          "words (same line = same paragraph) and a `-g '*-2019.txt'` file filter for the year. "
          "推进政务服务标准化 occurs nowhere as written: baogao finds passages with its words apart, the "
          "others find nothing.")
        w("")

    # ---- targets -----------------------------------------------------------------
    def rate(name, cpu=False):
        v = proc(name) if cpu else num(r, name + ".wall")
        return text / MB / v if v else None
    si, si_c = rate("scriptindex"), rate("scriptindex", True)
    targets = []
    for name, label, factor in (("index_j2", "`baogao-index --jobs 2`", 3.0), ("index_j1", f"`{j1}`", 1.2)):
        b, b_c = rate(name), rate(name, True)
        if b and si:
            targets.append((f"indexing {label} ≥ {factor:g}× scriptindex MB/s",
                            f"{b / si:.2f}× wall-clock (per CPU·s: {b_c / si_c:.2f}×)", b >= factor * si))
        else:
            targets.append((f"indexing {label} ≥ {factor:g}× scriptindex MB/s",
                            "not measured here (" + ("no --jobs" if not b else "scriptindex skipped") + ")", None))
    if split:
        targets.append(("non-Xapian work ≤ 1/3 of the total on one core",
                        f"{non_xapian:.0f}% (call-graph profile)", non_xapian <= 100 / 3))
    else:
        targets.append(("non-Xapian work ≤ 1/3 of the total on one core", "no profile in this run", None))
    rss = [num(r, k) for k in ("index_j1.rss_kb", "index_j2.rss_kb") if num(r, k)]
    targets.append(("peak RSS < 300 MB (at 126 MB of text)", " / ".join(f"{x / 1024:.0f} MB" for x in rss),
                    max(rss) / 1024 < 300 if rss else None))
    targets.append(("database ≤ 5× text", f"{size / text:.2f}×", size / text <= 5))
    def worst_cpu(xs):
        c = [x["cpu"] for x in xs if x.get("cpu") is not None]
        return f"; CPU time: worst median {max(c):.2f} ms" if c else ""
    bq = [lat[("baogao", l)] for l in qlabels if ("baogao", l) in lat]
    if bq:
        mmed, mp99 = max(x["med"] for x in bq), max(x["p99"] for x in bq)
        targets.append(("`baogao-query` median < 5 ms on every query",
                        f"worst median {mmed:.2f} ms{worst_cpu(bq)}", mmed < 5))
        targets.append(("`baogao-query` p99 < 20 ms on every query", f"worst p99 {mp99:.2f} ms", mp99 < 20))
    iq = [lat[("inproc", l)] for l in qlabels if ("inproc", l) in lat]
    if iq:
        imed = max(x["med"] for x in iq)
        targets.append(("in-process median < 1 ms on every query",
                        f"worst median {imed:.2f} ms{worst_cpu(iq)}", imed < 1))
    for s, name in (("quest", "quest"), ("sqlite", "sqlite3")):
        pairs = [(l, lat[("baogao", l)], lat[(s, l)]) for l in qlabels
                 if ("baogao", l) in lat and (s, l) in lat]
        if pairs:
            slower = [l for l, b, o in pairs if b["med"] >= o["med"]]
            cpu = [l for l, b, o in pairs if b.get("cpu") is not None and o.get("cpu") is not None
                   and b["cpu"] >= o["cpu"]]
            has_cpu = all(b.get("cpu") is not None and o.get("cpu") is not None for _, b, o in pairs)
            targets.append((f"`baogao-query` faster than {name} on every query (medians)",
                            f"slower on {len(slower)} of {len(pairs)} wall-clock"
                            + (f", on {len(cpu)} of {len(pairs)} in CPU time" if has_cpu else ""), not slower))
        else:
            targets.append((f"`baogao-query` faster than {name} on every query (medians)", "not measured here",
                            None))
    re_w, full_w = num(r, "reindex.wall"), num(r, "index_j1.wall")
    targets.append(("re-indexing the unchanged corpus < 5% of the full build",
                    f"{100 * re_w / full_w:.1f}% ({re_w:.2f} s of {full_w:.2f} s)", re_w / full_w < 0.05))
    w("### Targets of the performance issue\n")
    if not at100:
        w(f"The targets are stated for the 100× corpus; at {scale}× they are indicative only.\n")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    for t, m, ok in targets:
        w(f"| {t} | {m} | {verdict(ok)} |")
    w("")

    # ---- commands --------------------------------------------------------------------
    w("### Commands\n")
    w(f"`bench/perf/run.sh BUILD {scale}` ran these (`$SRC` the source tree, `$BUILD` the build directory, "
      "`$W` its temporary work directory); each timed one under `/usr/bin/time -v`. The index script of "
      "scriptindex was `year : boolean=Y` / `text : field index`.\n")
    w("```sh")
    for line in read_lines(out, "commands.txt"):
        w(line)
    w("```")
    return "\n".join(L).rstrip() + "\n"


HEADER = """# Performance

Results of `bench/perf/run.sh` (see the script's header). Each section below is rewritten by the
run of its scale; everything else is kept.
"""


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, doc = sys.argv[1:]
    body = section(out)
    scale = read_results(out)["scale"]
    begin, end = f"<!-- BEGIN scale {scale} -->", f"<!-- END scale {scale} -->"
    block = f"{begin}\n{body}{end}\n"
    old = open(doc, encoding="utf-8").read() if os.path.exists(doc) else HEADER
    if begin in old and end in old:
        a, b = old.index(begin), old.index(end) + len(end)
        new = old[:a] + block.rstrip("\n") + old[b:]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    with open(doc, "w", encoding="utf-8") as f:
        f.write(new)


if __name__ == "__main__":
    main()
