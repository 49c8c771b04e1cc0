#!/usr/bin/env python3
"""gen_corpus.py — a deterministic larger corpus for benchmarks.

Makes N copies of every report in SRC (default ../shared/corpus): copy k gets
its own file name (k003-<name>), its own identity (the title line gains
"（第k版）", so the indexer sees a different report) and a varied line order
(the lines between two headings are shuffled with a seed derived from k and
the file name). The same N always gives byte-identical output.

usage: gen_corpus.py N OUTDIR [SRC]
"""
import os
import random
import re
import sys

HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")


def vary(lines, rng):
    out, block = [], []
    for line in lines:
        if HEADING.match(line):
            rng.shuffle(block)
            out.extend(block)
            block = []
            out.append(line)
        else:
            block.append(line)
    rng.shuffle(block)
    out.extend(block)
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n, outdir = int(sys.argv[1]), sys.argv[2]
    src = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus")
    os.makedirs(outdir, exist_ok=True)
    names = sorted(f for f in os.listdir(src) if f.endswith(".txt"))
    total = 0
    for k in range(1, n + 1):
        for name in names:
            with open(os.path.join(src, name), encoding="utf-8") as f:
                lines = f.read().split("\n")
            rng = random.Random(f"{k}:{name}")
            head, body = lines[:1], lines[1:]
            if k > 1:
                head = [head[0] + f"（第{k}版）"]
                body = vary(body, rng)
            text = "\n".join(head + body)
            with open(os.path.join(outdir, f"k{k:03d}-{name}"), "w", encoding="utf-8") as f:
                f.write(text)
            total += len(text.encode("utf-8"))
    print(f"{n * len(names)} files, {total / 1e6:.1f} MB in {outdir}")


if __name__ == "__main__":
    main()
