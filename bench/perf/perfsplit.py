#!/usr/bin/env python3
"""perfsplit.py — splits a call-graph profile of baogao-index into Xapian's
work and everything else (bench/perf/run.sh, docs/performance.md).

A flat profile by shared object cannot answer "how much is Xapian": malloc,
memcmp, std::map and the kernel's write path run on behalf of Xapian and of
baogao alike. With call chains (perf record --call-graph dwarf) each sample is
Xapian's when any frame of its stack lies in libxapian (or zlib, which only
Xapian uses here); the rest are grouped by the shared object of their leaf.

usage: perf script -i perf.data -F comm,tid,ip,dso --no-inline | perfsplit.py
prints key<TAB>value lines: samples, then share.GROUP (percent of samples).
"""
import re
import sys

FRAME = re.compile(r"^\s+[0-9a-f]+ \((.*)\)\s*$")


def group_of(dso):
    base = dso.rsplit("/", 1)[-1]
    if base.startswith("libicu"):
        return "icu"
    if "opencc" in base or "marisa" in base:
        return "opencc"
    if base.startswith("libc.so") or base.startswith("libm.so") or base.startswith("ld-linux"):
        return "libc"
    if base.startswith("libstdc++"):
        return "libstdc++"
    if base.startswith("[kernel"):
        return "kernel"
    if base.startswith("baogao-index"):
        return "baogao"
    if "cjson" in base:
        return "cjson"
    return "other"


def classify(frames):
    if any("libxapian" in d or "/libz.so" in d for d in frames):
        return "xapian"
    leaf = next((d for d in frames if d not in ("inlined", "unknown")), "unknown")
    return group_of(leaf)


def main():
    counts, frames, n = {}, [], 0

    def flush():
        nonlocal n
        if frames:
            g = classify(frames)
            counts[g] = counts.get(g, 0) + 1
            n += 1
        frames.clear()

    for line in sys.stdin:
        m = FRAME.match(line)
        if m:
            frames.append(m.group(1))
        elif not line.strip():
            flush()
    flush()
    print(f"samples\t{n}")
    for g, c in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"share.{g}\t{100.0 * c / n:.2f}" if n else f"share.{g}\t0")


if __name__ == "__main__":
    main()
