#!/usr/bin/env python3
"""gen_corpus.py — a deterministic larger corpus for benchmarks.

Makes N copies of every report in SRC (default ../shared/corpus). Copy 1 is
the report as it is; copy k > 1 gets its own file name (k003-<name>, so its
year — the file name's last four digits — stays the original's: the copies
are spread over the years the corpus has, in the same proportions), its own
identity (the title line gains "（第k版）", so the indexer sees another
report) and text that differs passage by passage, keeping the corpus's own
vocabulary:

  - the lines between two headings are shuffled;
  - in every paragraph the sentences after the first (split after 。；！？)
    are shuffled (a heading keeps its number first), and so are the clauses of each sentence (split after ，、;
    a clause opening a measure, 一是… or ——…, stays first);
  - every run of Arabic digits that is not a year (four digits from 1949 to
    2049) is replaced by a random number of as many digits;
  - province-level place names are replaced through a random permutation of
    the list below.

Why: baogao marks a passage whose normalised text its year's shard already
holds as a copy (docs/format.md, "Copies") and leaves it out of searches, so
N unvaried copies would be collapsed into one and the benchmark would search
1× of text in an N× index. With --check the script prints how many of the
generated passages-to-be (paragraph lines, without punctuation and spaces)
repeat one already generated for the same year: headings and one-clause
lines such as "各位代表：" stay copies, everything else differs.

The same N always gives byte-identical output (each copy's random generator is
seeded with "k:name").

usage: gen_corpus.py [--check] N OUTDIR [SRC]
"""
import os
import random
import re
import sys

HEADING = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
SENTENCE = re.compile(r"[^。；！？]*[。；！？]+|[^。；！？]+$")
CLAUSE = re.compile(r"[^，、]*[，、]+|[^，、]+$")
MEASURE = re.compile(r"^\s*(——|[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，、]|首先|其次|最后)")
DIGITS = re.compile(r"\d+")
PLACES = ["北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江",
          "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南",
          "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆"]
PLACE = re.compile("|".join(sorted(PLACES, key=len, reverse=True)))
PUNCT = re.compile(r"[\s\W_]+")


def shuffle_blocks(lines, rng):
    """Shuffles the lines between two headings (the headings stay)."""
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


def shuffle_clauses(sentence, rng):
    # The sentence's closing punctuation stays at its end, and a clause that
    # opens a measure (一是…, 第一，, ——…) stays first, so the indexer still
    # sees the measure start there.
    m = re.search(r"[。；！？：:]+$", sentence)
    end = m.group(0) if m else ""
    body = sentence[: len(sentence) - len(end)]
    clauses = CLAUSE.findall(body)
    lead = [clauses.pop(0)] if clauses and MEASURE.match(clauses[0]) else []
    if len(clauses) < 2:
        return sentence
    rng.shuffle(clauses)
    # Keep the joints: the clause that now ends the sentence loses its
    # trailing comma, one that moved away from the end gains one.
    clauses = [c if re.search(r"[，、]$", c) else c + "，" for c in lead + clauses]
    return "".join(clauses).rstrip("，、") + end


def vary_line(line, rng, places):
    if not line.strip():
        return line
    h = HEADING.match(line)
    if h:
        # A heading keeps its number in front; its clauses are shuffled.
        line = line[: h.end()] + shuffle_clauses(line[h.end():], rng)
    else:
        sents = SENTENCE.findall(line)
        if len(sents) > 2:
            rest = sents[1:]
            rng.shuffle(rest)
            sents = sents[:1] + rest
        line = "".join(shuffle_clauses(s, rng) for s in sents)

    def number(m):
        s = m.group(0)
        if len(s) == 4 and 1949 <= int(s) <= 2049:
            return s
        if len(s) == 1:
            return str(rng.randrange(1, 10))
        return str(rng.randrange(1, 10)) + "".join(str(rng.randrange(10)) for _ in range(len(s) - 1))

    line = DIGITS.sub(number, line)
    return PLACE.sub(lambda m: places[m.group(0)], line)


def main():
    args = sys.argv[1:]
    check = bool(args) and args[0] == "--check"
    if check:
        args = args[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    n, outdir = int(args[0]), args[1]
    src = args[2] if len(args) > 2 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus")
    os.makedirs(outdir, exist_ok=True)
    names = sorted(f for f in os.listdir(src) if f.endswith(".txt"))
    sources = {}
    for name in names:
        with open(os.path.join(src, name), encoding="utf-8") as f:
            sources[name] = f.read().split("\n")
    total = 0
    seen, lines_n, repeats, chars_n, repeat_chars = {}, 0, 0, 0, 0
    for k in range(1, n + 1):
        for name in names:
            lines = sources[name]
            rng = random.Random(f"{k}:{name}")
            head, body = lines[:1], lines[1:]
            if k > 1:
                head = [head[0] + f"（第{k}版）"]
                perm = PLACES[:]
                rng.shuffle(perm)
                places = dict(zip(PLACES, perm))
                body = [vary_line(l, rng, places) for l in shuffle_blocks(body, rng)]
            text = "\n".join(head + body)
            with open(os.path.join(outdir, f"k{k:03d}-{name}"), "w", encoding="utf-8") as f:
                f.write(text)
            total += len(text.encode("utf-8"))
            if check:
                year = seen.setdefault(name[-8:-4], set())
                for l in body:
                    key = PUNCT.sub("", l)
                    if not key:
                        continue
                    lines_n += 1
                    chars_n += len(key)
                    h = hash(key)
                    if h in year:
                        repeats += 1
                        repeat_chars += len(key)
                    else:
                        year.add(h)
    print(f"{n * len(names)} files, {total / 1e6:.1f} MB in {outdir}")
    if check:
        print(f"{lines_n} lines, {repeats} ({100 * repeats / max(lines_n, 1):.1f}%) repeat a line of the same "
              f"year; {100 * repeat_chars / max(chars_n, 1):.1f}% of the characters")


if __name__ == "__main__":
    main()
