#!/usr/bin/env python3
"""source_find.py — source finding (issue 16): a sentence or paragraph of
100–2,000 characters copied from a random passage of the quality bench's
index must find that passage at rank 1 in at least 99% of the samples.

  usage: bench/quality/source_find.py BGQ_OUT [N=500] [--perturb]
    BGQ_OUT    a directory written by bench/quality/run.sh (env.tsv,
               passages.tsv, index)
    --perturb  also change the copy: ， → space, 。 dropped, three
               characters replaced by 的 (tolerance, reported only)
  Exit status: 0 target met, 1 missed, 77 no bench output.
A hit whose text equals the sampled passage's counts as found (a copy of the
same text elsewhere in the corpus)."""
import json, os, random, subprocess, sys, time

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    perturb = "--perturb" in sys.argv
    if not args or not os.path.exists(os.path.join(args[0], "env.tsv")):
        print("source_find.py: no bench output; run bench/quality/run.sh first", file=sys.stderr)
        return 77
    out, n = args[0], int(args[1]) if len(args) > 1 else 500
    env = dict(l.rstrip("\n").split("\t", 1) for l in open(os.path.join(out, "env.tsv")))
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(out, "passages.tsv"))][1:]
    rows = [r for r in rows if len(r[7]) >= 100]
    rnd = random.Random(16)
    found, times, misses = 0, [], []
    for _ in range(n):
        r = rnd.choice(rows)
        text = r[7]
        k = rnd.randint(100, min(2000, len(text)))
        at = rnd.randint(0, len(text) - k)
        q = text[at:at + k]
        if perturb:
            q = list(q.replace("，", " ").replace("。", ""))
            for _ in range(3):
                q[rnd.randrange(len(q))] = "的"
            q = "".join(q)
        t0 = time.time()
        p = subprocess.run([env["query"], "--db", env["index"], "--json", "--limit", "1", q],
                           capture_output=True, text=True)
        times.append(time.time() - t0)
        try:
            h = json.loads(p.stdout)["results"][0]
            key = "%s:%d:%s" % (os.path.basename(h["report"]), h["line"], h["text"][:12])
            ok = key == r[0] or h["text"] == text
        except (ValueError, KeyError, IndexError):
            ok, key = False, "error: " + p.stderr.strip()[:80]
        found += ok
        if not ok:
            misses.append((r[0], key, k))
    times.sort()
    print("source finding%s: rank 1 in %d of %d (%.1f%%); per query (process included) median %.0f ms, "
          "max %.0f ms" % (" (perturbed)" if perturb else "", found, n, 100.0 * found / n,
                           1000 * times[len(times) // 2], 1000 * times[-1]))
    for m in misses[:10]:
        print("  missed %s → %s (%d chars)" % m)
    return 0 if perturb or found >= 0.99 * n else 1

if __name__ == "__main__":
    sys.exit(main())
