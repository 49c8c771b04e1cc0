#!/usr/bin/env python3
"""hostile_files_gen.py — writes the bad inputs that tests/hostile_files_test.sh
feeds to baogao-index, so that no odd binary file has to live in the
repository. Deterministic: the same arguments always give the same bytes.

usage: hostile_files_gen.py OUTDIR SOURCE_DIR [--light]

--light makes the two large cases smaller (a 2 MB line instead of 20 MB,
10,000 short lines instead of 100,000), for the sanitizer build where they
would take minutes. Prints one line per file written: "<name>\t<what the
file is>".
"""
import os
import random
import sys

GOOD = ("2021年示范市人民政府工作报告\n"
        "一、2020年工作回顾\n"
        "过去一年，我们坚持稳中求进工作总基调，经济社会发展取得新成效。\n"
        "（一）深化放管服改革。全面推行电子证照应用，政务服务事项网上可办率达到98%。\n"
        "（二）加强法治政府建设。一是严格规范公正文明执法，二是推进政务公开。\n")


def write(outdir, name, data, what):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)
    print(f"{name}\t{what}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    outdir, src = sys.argv[1], sys.argv[2]
    light = "--light" in sys.argv[3:]
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(20240611)
    with open(os.path.join(src, "tests/fixtures/reports/sample-gov-2021.txt"), "rb") as f:
        good = f.read()

    write(outdir, "good.txt", good, "a normal report (must be indexed)")
    write(outdir, "empty.txt", b"", "an empty file")
    write(outdir, "binary.txt", bytes(rng.randrange(256) for _ in range(8192)), "random bytes")
    lines = good.split(b"\n")
    mid = len(lines) // 2
    # Invalid bytes (a lone continuation byte, a truncated sequence, 0xFF) in
    # the middle line of a good report: repaired with U+FFFD and a warning.
    lines[mid] = lines[mid][:9] + b"\x80\xe4\xb8\xff" + lines[mid][9:]
    write(outdir, "bad-utf8.txt", b"\n".join(lines), f"invalid UTF-8 on line {mid + 1}")
    write(outdir, "nul.txt", good[:300] + b"\x00" + good[300:], "a NUL byte at offset 300")
    write(outdir, "utf16le-nobom.txt", GOOD.encode("utf-16-le"), "UTF-16LE without BOM")
    write(outdir, "utf16be-nobom.txt", GOOD.encode("utf-16-be"), "UTF-16BE without BOM")
    write(outdir, "gb18030.txt", GOOD.encode("gb18030") + "𠀀𪚥\n".encode("gb18030"),
          "GB18030 (with 4-byte sequences)")
    # Every heading form, level 1..3, thousands of times: the outline depth is
    # fixed, so this must cost no more than ordinary text.
    deep = [GOOD.split("\n")[0]]
    for i in range(3000):
        n = "一二三四五六七八九"[i % 9]
        deep.append(f"{n}、第{i}部分")
        deep.append(f"（{n}）第{i}节")
        deep.append(f"{i % 999 + 1}.第{i}条")
        deep.append(f"（{i % 999 + 1}）第{i}款")
    write(outdir, "deep-headings.txt", "\n".join(deep).encode(), "12,000 heading lines of every level")
    # One line of 20 MB (2 MB with --light), with sentence ends, which the
    # structure parser cuts into pieces of about 4 KB. The first 2 MB (1 MB)
    # are varied text, random sentences of the characters of a real report,
    # whose many distinct terms are what costs memory; the rest repeats one
    # sentence, which is cheap to index. No digits: this is about memory, not
    # the figure finder.
    chars = sorted({c for c in good.decode() if "\u4e00" <= c <= "\u9fff"})
    size = (2 if light else 20) * 1024 * 1024
    varied, n = [], 0
    while n < size // (2 if light else 10):
        sent = "".join(rng.choice(chars) for _ in range(rng.randrange(8, 40))) + rng.choice("，，，。；")
        varied.append(sent.encode())
        n += len(varied[-1])
    unit = "全面推行电子证照应用，政务服务事项网上可办。".encode()
    line = b"".join(varied)
    line += unit * ((size - len(line)) // len(unit))
    write(outdir, "huge-line.txt", line + b"\n", f"a {size >> 20} MB single line")
    # 2 MB without any punctuation or space: only hard cuts at 16 KB apply.
    write(outdir, "huge-run.txt", "电子证照".encode() * (2 * 1024 * 1024 // 12), "a 2 MB run without punctuation")
    n = 10000 if light else 100000
    write(outdir, "many-lines.txt", b"".join(("字一二ab"[i % 5] + "\n").encode() for i in range(n)),
          f"{n:,} one-character lines")

if __name__ == "__main__":
    main()
