#!/usr/bin/python3
"""eval_formats.py — measures how well baogao indexes HTML, PDF and DOCX
reports made by make_fixtures.py, against the source paragraphs in each
fixture's .truth.json, and against baselines that index extracted text.

Usage: eval_formats.py --index BIN --query BIN --fixtures DIR
         [--formats html,pdf,docx] [--phrases N] [--seed S]
         [--baseline-pdftotext] [--baselines] [--no-readers]
         [--json-out FILE] [--check] [--keep DIR] [--verbose]

For each format it indexes the fixtures (baogao-index --db TMP/db-FORMAT
FILES...), reads every passage back (xapian-delve -d over each shard), and
reports:
  whole   % of source paragraphs recovered whole: exactly one line of the
          index (the passages with one report and one `line`, concatenated in
          order; the indexer splits a line into heading + paragraph and into
          measures) equals the paragraph. "Equals" is judged against what the
          indexer makes of the same paragraph in plain text (the reference
          index of the .truth.json paragraphs), ignoring whitespace, after
          NFKC; a line equal to the paragraph in letters/digits/ideographs
          counts too (the indexer drops a heading's closing 。 when it splits).
  recall  % of N random 12-character windows of the source paragraphs (same
          windows for a format's reader and its baselines) that a quoted
          search finds: some hit is of the right report and its text holds
          the window (whitespace-insensitive, NFKC). Windows holding
          whitespace or '"', or crossing a point where the indexer itself
          splits the paragraph into two passages, are redrawn (no passage
          can hold those, whatever the reader does). For PDF, also for the
          windows that cross a line break of the PDF's layout (found with
          pdftotext), and over one extra window across each page break that
          falls inside a paragraph (a uniform sample holds too few of those;
          they are not counted in the overall figure).
  junk    passages holding page furniture the fixture put around the text
          (navigation, breadcrumb, metadata-table labels, footer, share bar,
          print header/footer: date, title, URL, "k/N"), from the truth
          file's "junk"/"junk_regex", minus any that occur in the source.
Rows: the format's reader; "source .txt" (the truth paragraphs indexed as
plain text: the ceiling, and the check of this harness); with
--baseline-pdftotext: `pdftotext` and `pdftotext -layout` output indexed as
.txt; with --baselines also HTML text by Python's html.parser (block
elements end a line, script/style dropped, everything else kept: page
furniture included) and DOCX text (each w:p of word/document.xml a line).

--check exits 1 when a reader row misses its target: whole and recall
>= 99.5% for HTML and DOCX, >= 99% for PDF, 0 junk passages, and the
reader indexed every file (baogao-index exit 0); or when a "source .txt"
row is below 100% (the harness itself is off).
Needs xapian-delve (xapian-tools) and, for PDF, pdftotext (poppler-utils).
"""
import argparse
import collections
import glob
import html.parser
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile

TARGETS = {"html": 99.5, "docx": 99.5, "pdf": 99.0}
EXT = {"html": ".html", "pdf": ".pdf", "docx": ".docx"}
WINDOW = 12
WS = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")


def strip_ws(s):
    return WS.sub("", s)


def norm(s):
    return strip_ws(unicodedata.normalize("NFKC", s))


def indexable(s):
    """Letters, digits and ideographs only: what the index holds terms for."""
    s = unicodedata.normalize("NFKC", s)
    return "".join(c for c in s if unicodedata.category(c)[0] in "LN")


def log(args, *msg):
    if args.verbose:
        print(*msg, file=sys.stderr)


# ------------------------------------------------------------------ fixtures

def load_fixtures(root, fmt):
    out = []
    for truth_path in sorted(glob.glob(os.path.join(root, fmt, "*" + EXT[fmt] + ".truth.json"))):
        path = truth_path[:-len(".truth.json")]
        if not os.path.exists(path):
            continue
        with open(truth_path, encoding="utf-8") as f:
            truth = json.load(f)
        truth["path"] = os.path.abspath(path)
        truth["stem"] = os.path.basename(path)[:-len(EXT[fmt])]
        out.append(truth)
    return out


def junk_markers(truth):
    """The fixture's furniture strings and patterns that do not occur in the
    source text itself (政务公开 is a nav item and a policy term)."""
    src = "\n".join(strip_ws(p) for p in truth["paragraphs"])
    strings = sorted({strip_ws(j) for j in truth.get("junk", []) if strip_ws(j)} - {""})
    strings = [j for j in strings if j not in src]
    regexes = [re.compile(r) for r in truth.get("junk_regex", [])]
    regexes = [r for r in regexes if not r.search(src)]
    return strings, regexes


def junk_hits(text, markers):
    s = strip_ws(text)
    strings, regexes = markers
    found = [j for j in strings if j in s]
    found += [r.pattern for r in regexes if r.search(s)]
    return found


# --------------------------------------------------------- index and passages

def run_index(args, db, files):
    """Indexes files into db; returns (seconds, failed-file lines)."""
    t0 = time.time()
    r = subprocess.run([args.index, "--db", db, "--quiet"] + files,
                       capture_output=True, text=True)
    secs = time.time() - t0
    errors = [ln for ln in r.stderr.splitlines() if ln.strip()]
    if r.returncode not in (0, 1):
        errors.append("baogao-index exit %d" % r.returncode)
    return secs, r.returncode, errors


def delve_passages(db):
    """Every passage of every shard of db, as the dicts of their document data."""
    out = []
    for shard in sorted(glob.glob(os.path.join(db, "shards", "*"))):
        if not os.path.isdir(shard) or not re.fullmatch(r"\d{4}", os.path.basename(shard)):
            continue
        info = subprocess.run(["xapian-delve", shard], capture_output=True, text=True)
        m = re.search(r"highest document id ever used = (\d+)", info.stdout)
        top = int(m.group(1)) if m else 0
        for lo in range(1, top + 1, 300):
            cmd = ["xapian-delve", "-d"]
            for did in range(lo, min(top, lo + 299) + 1):
                cmd += ["-r", str(did)]
            r = subprocess.run(cmd + [shard], capture_output=True)
            lines = r.stdout.decode("utf-8", "replace").split("\n")
            for i, ln in enumerate(lines):
                if ln.startswith("Data for record #") and i + 1 < len(lines):
                    try:
                        out.append(json.loads(lines[i + 1]))
                    except ValueError:
                        pass
    return with_report_fields(out)


REPORT_FIELDS = ("report", "title", "body", "format", "date", "docno", "doc_kind", "report_chars")


def with_report_fields(passages):
    """Since format 6 a report's own fields and section headings are stored with
    its first passage only (docs/format.md, "Document data"): each passage gets
    them back here, and its section path as headings."""
    firsts = {}
    for p in passages:
        if "report" in p:
            firsts[str(p.get("id", "")).rsplit(":", 1)[0]] = p
    for p in passages:
        first = firsts.get(str(p.get("id", "")).rsplit(":", 1)[0], p)
        heads = first.get("headings", [])
        for k in REPORT_FIELDS:
            if k in first and k not in p:
                p[k] = first[k]
        p["section"] = [heads[s] if isinstance(s, int) and s < len(heads) else s if isinstance(s, str) else ""
                        for s in p.get("section", [])]
    return passages


def ordinal(p):
    try:
        return int(str(p.get("id", "")).rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return 0


def index_lines(passages):
    """{report path: [(line, text of the line's passages joined, [passages])]}."""
    by = collections.defaultdict(lambda: collections.defaultdict(list))
    for p in passages:
        by[os.path.abspath(p.get("report", ""))][p.get("line", 0)].append(p)
    out = {}
    for rep, lines in by.items():
        out[rep] = []
        for line in sorted(lines):
            ps = sorted(lines[line], key=ordinal)
            out[rep].append((line, "".join(p.get("text", "") for p in ps), ps))
    return out


def cuts_number(para, a, b):
    """Whether [a, b) of para starts or ends inside a number: since issue 16
    numbers are tokens of their own, so "5%" does not match inside "13.5%"."""
    def digit(i):
        return 0 <= i < len(para) and unicodedata.normalize("NFKC", para[i]).isdigit()
    def joined(i, j):   # the chars i and j (= i + 1) are one number
        dot = 0 <= j < len(para) and unicodedata.normalize("NFKC", para[j]) == "."
        return digit(i) and (digit(j) or (dot and digit(j + 1)))
    return (digit(a) and (joined(a - 1, a) or (a >= 2 and digit(a - 2) and para[a - 1] in ".．"))) \
        or (digit(b - 1) and joined(b - 1, b))


def query(args, db, phrase):
    r = subprocess.run([args.query, "--db", db, "--json", "--limit", "10000",
                        '"%s"' % phrase], capture_output=True, text=True)
    if r.returncode not in (0, 1) or not r.stdout.strip():
        return None
    try:
        return json.loads(r.stdout).get("results", [])
    except ValueError:
        return None


# ------------------------------------------------------------- the reference

class Reference:
    """The truth paragraphs indexed as plain text: what the indexer makes of
    each paragraph when nothing is lost (its passages, where it splits)."""

    def __init__(self, args, tmp, fixtures):
        self.dir = os.path.join(tmp, "ref")
        os.makedirs(self.dir, exist_ok=True)
        self.path_of = {}
        files = []
        for fx in fixtures:
            if fx["stem"] in self.path_of:
                continue
            p = os.path.abspath(os.path.join(self.dir, fx["stem"] + ".txt"))
            with open(p, "w", encoding="utf-8") as f:
                f.write("\n".join(fx["paragraphs"]) + "\n")
            self.path_of[fx["stem"]] = p
            files.append(p)
        self.db = os.path.join(tmp, "db-ref")
        _, rc, errors = run_index(args, self.db, files)
        if rc != 0:
            sys.exit("eval_formats.py: indexing the reference text failed: %s"
                     % "; ".join(errors[:3]))
        lines = index_lines(delve_passages(self.db))
        self.units = {}     # stem -> [joined text of line i+1]
        self.spans = {}     # stem -> [[(start, end) of each passage in the stripped line]]
        for stem, p in self.path_of.items():
            got = {line: (text, ps) for line, text, ps in lines.get(p, [])}
            paras = next(fx for fx in fixtures if fx["stem"] == stem)["paragraphs"]
            self.units[stem] = [got.get(i + 1, ("", []))[0] for i in range(len(paras))]
            self.spans[stem] = [passage_spans(strip_ws(para), got.get(i + 1, ("", []))[1])
                                for i, para in enumerate(paras)]

    def holds(self, stem, para, start, length):
        """Whether one passage of the paragraph holds [start, start+length)."""
        return any(a <= start and start + length <= b for a, b in self.spans[stem][para])


def passage_spans(line, passages):
    """Where each passage's text stands in the (whitespace-free) line. The
    indexer drops a 。 or ： where it splits, so the spans may leave gaps."""
    spans, at = [], 0
    for q in passages:
        t = strip_ws(q.get("text", ""))
        i = line.find(t, at) if t else -1
        if i < 0:
            return [(0, len(line))] if len(passages) <= 1 else spans
        spans.append((i, i + len(t)))
        at = i + len(t)
    return spans or [(0, len(line))]


# ---------------------------------------------------------------- coverage

def coverage(fixtures, lines_by_report, path_of, ref):
    """Paragraphs recovered whole, per the module docstring."""
    total = whole = dup = fallback = skipped = 0
    missed = []
    for fx in fixtures:
        units = lines_by_report.get(os.path.abspath(path_of[fx["stem"]]), [])
        by_norm = collections.Counter(norm(t) for _, t, _ in units)
        by_alnum = collections.Counter(indexable(t) for _, t, _ in units)
        # The printed title may repeat a paragraph (the congress reports open
        # with their title's two halves): a reader that keeps the title as a
        # line has not duplicated the paragraph.
        title_copies = collections.Counter(norm(t) for t in fx.get("title_lines", []))
        want = collections.Counter()
        alnum_of = {}
        for i, para in enumerate(fx["paragraphs"]):
            if not indexable(para):
                skipped += 1
                continue
            key = norm(ref.units[fx["stem"]][i]) or norm(para)
            want[key] += 1
            alnum_of[key] = (indexable(para), para)
        for key, k in want.items():
            total += k
            m = by_norm.get(key, 0)
            if m == 0:
                m = by_alnum.get(alnum_of[key][0], 0)
                if m:
                    fallback += min(m, k)
            if k <= m <= k + title_copies.get(key, 0):
                whole += k
            elif m < k:
                whole += m
                missed.append((fx["stem"], alnum_of[key][1]))
            else:
                dup += k
                missed.append((fx["stem"], "[%d times] " % m + alnum_of[key][1]))
    return {"paragraphs": total, "whole": whole, "duplicated": dup,
            "whole_by_letters_only": fallback, "no_letters": skipped,
            "whole_pct": pct(whole, total), "missed_examples": missed[:8]}


def pct(a, b):
    return round(100.0 * a / b, 2) if b else None


# ----------------------------------------------------------------- windows

def pdf_breaks(pdf, paragraphs):
    """Offsets, in the whitespace-free concatenation of the paragraphs, where
    the PDF breaks a line / a page inside a paragraph (pdftotext's reading)."""
    r = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True)
    text = r.stdout.decode("utf-8", "replace")
    flat = "".join(strip_ws(p) for p in paragraphs)
    ends, at = set(), 0
    for p in paragraphs:
        at += len(strip_ws(p))
        ends.add(at)
    line_breaks, page_breaks, ptr = set(), set(), 0
    for page in text.split("\f"):
        last = None
        for ln in page.split("\n"):
            s = strip_ws(ln)
            if not s:
                continue
            if flat.startswith(s, ptr):
                q = ptr
            elif len(s) >= 8:
                q = flat.find(s, ptr, ptr + 4000)
                if q < 0:
                    continue
            else:
                continue
            ptr = q + len(s)
            if ptr not in ends:
                line_breaks.add(ptr)
                last = ptr
            else:
                last = None
        if last is not None:
            page_breaks.add(last)
    return line_breaks, page_breaks


def draw_windows(fixtures, ref, n, seed, want_breaks):
    """n windows, uniform over the characters of all paragraphs (seeded)."""
    rng = random.Random(seed)
    spans = []   # (fixture index, paragraph index, weight)
    for fi, fx in enumerate(fixtures):
        for pi, para in enumerate(fx["paragraphs"]):
            if len(para) >= WINDOW:
                spans.append((fi, pi, len(para) - WINDOW + 1))
    if not spans:
        return [], 0
    weights = [w for _, _, w in spans]
    breaks = {}
    if want_breaks:
        for fi, fx in enumerate(fixtures):
            if fx["path"].endswith(".pdf"):
                starts, at = [], 0
                for p in fx["paragraphs"]:
                    starts.append(at)
                    at += len(strip_ws(p))
                breaks[fi] = (starts,) + pdf_breaks(fx["path"], fx["paragraphs"])
    out, redrawn = [], 0
    while len(out) < n and redrawn < 50 * n:
        fi, pi, w = rng.choices(spans, weights=weights)[0]
        para = fixtures[fi]["paragraphs"][pi]
        o = rng.randrange(w)
        win = para[o:o + WINDOW]
        s_o = len(strip_ws(para[:o]))
        if (WS.search(win) or '"' in win or not indexable(win) or cuts_number(para, o, o + WINDOW)
                or not ref.holds(fixtures[fi]["stem"], pi, s_o, WINDOW)):
            redrawn += 1
            continue
        w_info = {"fixture": fi, "para": pi, "phrase": win, "line_break": False,
                  "page_break": False}
        if fi in breaks:
            starts, lines, pages = breaks[fi]
            a = starts[pi] + s_o
            w_info["line_break"] = any(a < b < a + WINDOW for b in lines)
            w_info["page_break"] = any(a < b < a + WINDOW for b in pages)
        out.append(w_info)
    for fi, (starts, _, pages) in sorted(breaks.items()):
        out += page_break_windows(fixtures, fi, starts, pages, ref, rng)
    return out, redrawn


def page_break_windows(fixtures, fi, starts, pages, ref, rng):
    """One window across each page break that falls inside a paragraph, at a
    random offset: a uniform sample holds too few of them to say anything."""
    fx = fixtures[fi]
    out = []
    for b in sorted(pages):
        pi = max(i for i, a in enumerate(starts) if a <= b)
        para = fx["paragraphs"][pi]
        keep = [i for i, c in enumerate(para) if not WS.match(c)]
        at = b - starts[pi]
        for s_o in rng.sample(range(max(0, at - WINDOW + 1), at), min(WINDOW - 1, at)):
            if s_o + WINDOW > len(keep) or keep[s_o + WINDOW - 1] - keep[s_o] != WINDOW - 1:
                continue
            win = para[keep[s_o]:keep[s_o] + WINDOW]
            if '"' in win or not ref.holds(fx["stem"], pi, s_o, WINDOW):
                continue
            out.append({"fixture": fi, "para": pi, "phrase": win, "line_break": True,
                        "page_break": True, "extra": True})
            break
    return out


def recall(args, db, fixtures, path_of, windows):
    found = collections.Counter()
    seen = collections.Counter()
    misses = []
    for w in windows:
        fx = fixtures[w["fixture"]]
        want = os.path.abspath(path_of[fx["stem"]])
        hits = query(args, db, w["phrase"]) or []
        ok = any(os.path.abspath(h.get("report", "")) == want
                 and norm(w["phrase"]) in norm(h.get("text", "")) for h in hits)
        for key in ("all", "line_break", "page_break"):
            if key == "page_break" and w[key] or not w.get("extra") and (key == "all" or w[key]):
                seen[key] += 1
                found[key] += ok
        if not ok:
            misses.append((fx["stem"], w["phrase"]))
    return {"phrases": seen["all"], "found": found["all"], "recall_pct": pct(found["all"], seen["all"]),
            "line_break_phrases": seen["line_break"],
            "line_break_recall_pct": pct(found["line_break"], seen["line_break"]),
            "page_break_phrases": seen["page_break"],
            "page_break_recall_pct": pct(found["page_break"], seen["page_break"]),
            "missed_examples": misses[:8]}


def junk(fixtures, lines_by_report, path_of):
    count, examples = 0, []
    for fx in fixtures:
        markers = junk_markers(fx)
        for line, _, ps in lines_by_report.get(os.path.abspath(path_of[fx["stem"]]), []):
            for p in ps:
                hit = junk_hits(p.get("text", ""), markers)
                if hit:
                    count += 1
                    if len(examples) < 8:
                        examples.append("%s:%d %s ← %s" % (fx["stem"], line, ",".join(hit[:3]),
                                                          p.get("text", "")[:60]))
    return count, examples


# --------------------------------------------------------------- baselines

class BlockText(html.parser.HTMLParser):
    """HTML to text the simple way: block elements and <br> end a line,
    <script>/<style> are dropped, all other text is kept."""
    BLOCK = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
             "table", "ul", "ol", "section", "article", "header", "footer", "title", "dd", "dt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data.replace("\n", " "))

    def text(self):
        lines = ("".join(self.parts)).split("\n")
        return "\n".join(ln.strip() for ln in lines if ln.strip()) + "\n"


def html_bytes_to_text(data):
    m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', data[:2048])
    cs = m.group(1).decode().lower() if m else "utf-8"
    if cs in ("gb2312", "gbk", "gb18030"):
        cs = "gb18030"
    p = BlockText()
    p.feed(data.decode(cs, "replace"))
    p.close()
    return p.text()


def docx_to_text(path):
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    lines = []
    for para in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S):
        t = "".join(html.unescape(x) for x in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para))
        if t.strip():
            lines.append(t)
    return "\n".join(lines) + "\n"


def baseline_texts(method, fixtures, out_dir):
    """Writes one .txt per fixture for a baseline; returns {stem: path}."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {}
    for fx in fixtures:
        out = os.path.abspath(os.path.join(out_dir, fx["stem"] + ".txt"))
        if method == "pdftotext":
            subprocess.run(["pdftotext", "-enc", "UTF-8", fx["path"], out], check=True)
        elif method == "pdftotext -layout":
            subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", fx["path"], out], check=True)
        else:
            with open(fx["path"], "rb") as f:
                data = f.read()
            text = html_bytes_to_text(data) if method == "html.parser" else docx_to_text(fx["path"])
            with open(out, "w", encoding="utf-8") as f:
                f.write(text)
        paths[fx["stem"]] = out
    return paths


# -------------------------------------------------------------------- rows

def measure(args, tmp, name, fmt, method, fixtures, path_of, ref, windows):
    db = os.path.join(tmp, "db-" + re.sub(r"[^a-z0-9]+", "-", name.lower()))
    secs, rc, errors = run_index(args, db, [path_of[fx["stem"]] for fx in fixtures])
    log(args, "%s: indexed in %.1f s (exit %d)" % (name, secs, rc))
    passages = delve_passages(db) if os.path.isdir(os.path.join(db, "shards")) else []
    lines = index_lines(passages)
    row = {"row": name, "format": fmt, "method": method, "fixtures": len(fixtures),
           "index_exit": rc, "index_errors": errors[:5], "index_seconds": round(secs, 2),
           "passages": len(passages)}
    row.update({"coverage": coverage(fixtures, lines, path_of, ref)})
    row.update({"phrases": recall(args, db, fixtures, path_of, windows) if passages else
                recall_none(windows)})
    row["junk_passages"], row["junk_examples"] = junk(fixtures, lines, path_of)
    row["metadata"] = metadata(fixtures, lines, path_of)
    return row


def metadata(fixtures, lines_by_report, path_of):
    """How many reports got the source's title and year (informational: the
    acceptance test does not ask for it; the title is judged whitespace-free)."""
    title = year = n = 0
    for fx in fixtures:
        units = lines_by_report.get(os.path.abspath(path_of[fx["stem"]]), [])
        if not units:
            continue
        p = units[0][2][0]
        n += 1
        title += norm(p.get("title") or "") == norm(fx["title"])
        year += p.get("year") == fx["year"]
    return {"reports": n, "title_right": title, "year_right": year}


def recall_none(windows):
    lb = sum(w["line_break"] and not w.get("extra", False) for w in windows)
    pb = sum(w["page_break"] for w in windows)
    n = sum(not w.get("extra", False) for w in windows)
    return {"phrases": n, "found": 0, "recall_pct": 0.0 if n else None,
            "line_break_phrases": lb, "line_break_recall_pct": 0.0 if lb else None,
            "page_break_phrases": pb, "page_break_recall_pct": 0.0 if pb else None,
            "missed_examples": []}


def meets(row):
    t = TARGETS[row["format"]]
    w, r = row["coverage"]["whole_pct"], row["phrases"]["recall_pct"]
    return (w is not None and w >= t and r is not None and r >= t
            and row["junk_passages"] == 0 and row["index_exit"] == 0)


def ceiling_ok(row):
    """The truth paragraphs indexed as text must come back whole and be found
    (else the windows or the comparison are wrong, not the reader)."""
    p = row["phrases"]
    return (row["coverage"]["whole_pct"] == 100.0 and p["found"] == p["phrases"]
            and row["junk_passages"] == 0 and row["index_exit"] == 0)


def fmt_pct(v, n=None):
    if v is None:
        return "–"
    return "%.1f" % v if n is None else "%.1f (%d)" % (v, n)


def markdown(rows):
    out = ["| format | method | paragraphs whole % | phrase recall % (n) | "
           "across line break % (n) | across page break % (n) | junk passages | passages | target |",
           "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c, p = r["coverage"], r["phrases"]
        target = ""
        if r["method"] == "reader":
            target = "≥ %.1f%%, junk 0: %s" % (TARGETS[r["format"]], "met" if meets(r) else "MISSED")
        out.append("| %s | %s | %s | %s | %s | %s | %d | %d | %s |" % (
            r["format"], r["method"], fmt_pct(c["whole_pct"]),
            fmt_pct(p["recall_pct"], p["phrases"]),
            fmt_pct(p["line_break_recall_pct"], p["line_break_phrases"]) if r["format"] == "pdf" else "–",
            fmt_pct(p["page_break_recall_pct"], p["page_break_phrases"]) if r["format"] == "pdf" else "–",
            r["junk_passages"], r["passages"], target))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--formats", default="html,pdf,docx")
    ap.add_argument("--phrases", type=int, default=200, help="windows per format (default 200)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--baseline-pdftotext", action="store_true",
                    help="also index pdftotext and pdftotext -layout output of the PDFs")
    ap.add_argument("--baselines", action="store_true",
                    help="every baseline: pdftotext, HTML by html.parser, DOCX paragraphs")
    ap.add_argument("--no-readers", action="store_true",
                    help="measure only the baselines and the reference (readers not built in)")
    ap.add_argument("--json-out")
    ap.add_argument("--check", action="store_true", help="exit 1 when a reader misses its target")
    ap.add_argument("--keep", help="keep indexes and texts in this directory")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    if not shutil.which("xapian-delve"):
        sys.exit("eval_formats.py: needs xapian-delve (xapian-tools)")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        tmp = args.keep
    else:
        tmp = tempfile.mkdtemp(prefix="bg-eval-")
    os.environ["BAOGAO_DB"] = ""
    rows, t0 = [], time.time()
    try:
        for fmt in formats:
            fixtures = load_fixtures(args.fixtures, fmt)
            if not fixtures:
                print("eval_formats.py: no %s fixtures under %s" % (fmt, args.fixtures), file=sys.stderr)
                continue
            ftmp = os.path.join(tmp, fmt)
            os.makedirs(ftmp, exist_ok=True)
            ref = Reference(args, ftmp, fixtures)
            windows, redrawn = draw_windows(fixtures, ref, args.phrases, args.seed, fmt == "pdf")
            log(args, "%s: %d windows (%d redrawn)" % (fmt, len(windows), redrawn))
            methods = [] if args.no_readers else [("reader", {fx["stem"]: fx["path"] for fx in fixtures})]
            methods.append(("source .txt", ref.path_of))
            if fmt == "pdf" and (args.baseline_pdftotext or args.baselines):
                for m in ("pdftotext", "pdftotext -layout"):
                    methods.append((m, baseline_texts(m, fixtures, os.path.join(ftmp, m.replace(" ", "")))))
            if fmt == "html" and args.baselines:
                methods.append(("html.parser", baseline_texts("html.parser", fixtures, os.path.join(ftmp, "htmlparser"))))
            if fmt == "docx" and args.baselines:
                methods.append(("w:p text", baseline_texts("docx", fixtures, os.path.join(ftmp, "docxtext"))))
            for method, paths in methods:
                row = measure(args, ftmp, "%s %s" % (fmt, method), fmt, method, fixtures,
                              paths, ref, windows)
                row["windows_redrawn"] = redrawn
                rows.append(row)
                log(args, json.dumps(row, ensure_ascii=False)[:600])
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(markdown(rows))
    for r in rows:
        notes = []
        if r["index_errors"]:
            notes.append("index: " + " | ".join(r["index_errors"][:2]))
        md = r["metadata"]
        if r["method"] == "reader" and md["reports"]:
            notes.append("title right %d/%d, year right %d/%d" % (
                md["title_right"], md["reports"], md["year_right"], md["reports"]))
        if r["junk_examples"]:
            notes.append("junk e.g. " + " | ".join(r["junk_examples"][:2]))
        if notes:
            print("\n- %s: %s" % (r["row"], "; ".join(notes)))
    print("\n(%d fixtures' worth of rows in %.0f s)" % (sum(r["fixtures"] for r in rows), time.time() - t0))
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump({"targets": TARGETS, "phrases": args.phrases, "seed": args.seed,
                       "rows": rows}, f, ensure_ascii=False, indent=1)
    if args.check:
        broken = [r["row"] for r in rows if r["method"] == "source .txt" and not ceiling_ok(r)]
        if broken:
            print("eval_formats.py: the harness is off: the source text itself scores below "
                  "100%% (%s)" % ", ".join(broken), file=sys.stderr)
            return 1
        readers = [r for r in rows if r["method"] == "reader"]
        if not readers or not all(meets(r) for r in readers):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
