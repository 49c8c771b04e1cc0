#!/usr/bin/python3
"""make_pdf_fixtures.py — regenerates the PDF fixtures of tests/test_format_pdf.c.

Prints small excerpts of corpus/shaoguan-qujiang-fazhi-2022.txt to PDF with
headless Chromium, laid out like the reports the PDF reader meets in practice:

  qujiang-official.pdf  official-document layout (A4, 16pt serif, ~28 characters
                        a line, first-line indent 2em, a two-line bold title in a
                        larger font, 一、 headings in a sans font) with Chromium's
                        own print header (date, <title>) and footer (URL, "1/3").
  qujiang-portal.pdf    portal-page layout: no first-line indent, paragraphs set
                        apart by a vertical gap, a letter-spaced title
                        ("2 0 2 2 年 度 …"), a fake-bold subtitle and heading (the
                        text drawn twice with a small offset), Chromium header and
                        footer.
  qujiang-numbered.pdf  official layout without the browser header, with the
                        page number "— 2 —" centred at the bottom of every page.
  qujiang-onepage.pdf   one page in the official layout with Chromium's header and
                        footer, which repeat nowhere.
  odd-glyphs.pdf        a hand-written page in a Type 3 font whose ToUnicode table
                        names Kangxi radicals (⽹ for 网, ⽉ for 月), with a
                        letter-spaced date "2 0 2 4 年 1 ⽉".
  scan.pdf              one page holding an image only (no text layer).
  encrypted.pdf         a one-line PDF that needs the user password "secret"
                        (made with qpdf; skipped when qpdf is not installed).

For each text fixture NAME.pdf it writes NAME.expected.txt: the paragraphs the
reader must return, one per line, whitespace removed (the test compares after
removing whitespace too, so layout spaces never matter).

Chromium embeds CJK OpenType fonts as Type 3 fonts whose glyph procedures draw
the outlines (about 1 KB a character). The text layer needs none of that, so
every glyph procedure is cut down to its d1 line (width and bounding box): the
pages print blank but their text, positions and fonts stay exactly as Chromium
wrote them, and each fixture stays well under 60 KB.

Run from anywhere: /usr/bin/python3 tests/formats/make_pdf_fixtures.py
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SOURCE = os.path.join(REPO, "corpus", "shaoguan-qujiang-fazhi-2022.txt")
OUT = os.path.join(REPO, "tests", "fixtures", "formats")
CHROMIUM = "/usr/bin/chromium"
# A fixed directory, so the URL Chromium prints in the footer does not change.
WORK = "/tmp/baogao-pdf-fixtures"

TITLE = ["韶关市曲江区人民政府关于", "2022年法治政府建设年度报告"]

OFFICIAL_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 26mm; }
body { margin: 0; font-family: "Noto Serif CJK SC"; font-size: 16pt; line-height: 28pt; }
h1 { font-size: 22pt; line-height: 36pt; text-align: center; font-weight: bold;
     margin: 0 0 28pt 0; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p.h { font-family: "Noto Sans CJK SC"; }
"""

PORTAL_CSS = """
@page { size: A4; margin: 25mm 22mm 25mm 22mm; }
body { margin: 0; font-family: "Noto Sans CJK SC"; font-size: 14pt; line-height: 24pt; }
h1 { font-size: 20pt; line-height: 32pt; text-align: center; margin: 0 0 8pt 0; }
.sub { position: relative; height: 28pt; margin-bottom: 16pt; text-align: center;
       font-size: 16pt; font-weight: bold; }
.sub span { position: absolute; left: 0; right: 0; }
.sub span + span { left: 0.5px; top: 0.3px; }
p { margin: 0 0 14pt 0; text-align: justify; }
.fb { position: relative; }
.fb span.copy { position: absolute; left: 0.4px; top: 0.3px; }
"""

NUMBERED_CSS = OFFICIAL_CSS + """
@page { @bottom-center { content: "— " counter(page) " —"; font-family: "Noto Serif CJK SC";
                         font-size: 14pt; } }
"""


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def source_lines():
    with open(SOURCE, encoding="utf-8") as f:
        return [l.rstrip("\n") for l in f]


def is_heading(line):
    return re.match(r"^[一二三四五六七八九十]+、", line) is not None


def official_html(title, lines, css):
    body = "<h1>%s</h1>\n" % "<br>".join(esc(t) for t in title)
    for l in lines:
        cls = ' class="h"' if is_heading(l) else ""
        body += "<p%s>%s</p>\n" % (cls, esc(l))
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>%s_韶关市曲江区人民政府网"
            "</title><style>%s</style></head><body>%s</body></html>" % (esc("".join(title)), css, body))


def portal_html(spaced_title, subtitle, lines):
    body = "<h1>%s</h1>\n" % esc(spaced_title)
    body += '<div class="sub"><span>%s</span><span>%s</span></div>\n' % (esc(subtitle), esc(subtitle))
    for l in lines:
        if is_heading(l):
            # Fake bold: the same text again on top, shifted by a fraction of a point.
            body += '<p class="fb"><span>%s</span><span class="copy">%s</span></p>\n' % (esc(l), esc(l))
        else:
            body += "<p>%s</p>\n" % esc(l)
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>%s_韶关市曲江区人民政府网"
            "</title><style>%s</style></head><body>%s</body></html>" % (esc(subtitle), PORTAL_CSS, body))


def print_pdf(html, name, header_footer=True):
    path = os.path.join(WORK, name + ".html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    pdf = os.path.join(WORK, name + ".pdf")
    profile = tempfile.mkdtemp(prefix="bg-chromium-")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--lang=zh-CN", "--user-data-dir=" + profile, "--print-to-pdf=" + pdf]
    if not header_footer:
        cmd.append("--no-pdf-header-footer")
    cmd.append("file://" + path)
    try:
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, LANGUAGE="zh_CN", LANG="zh_CN.UTF-8"))
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    with open(pdf, "rb") as f:
        return f.read()


OBJ = re.compile(rb"(\d+) (\d+) obj\b(.*?)endobj\s*", re.S)
STREAM = re.compile(rb"^(\s*<<.*?>>\s*stream\r?\n)(.*)(\r?\nendstream\s*)$", re.S)


def strip_glyph_outlines(pdf):
    """Rewrites pdf with every Type 3 glyph procedure cut to "WIDTH 0 d0", the
    ToUnicode CMaps cut to their mappings, the
    procedures of equal width shared (one object each), and the unused codes
    dropped from the fonts' encodings."""
    header_end = pdf.index(b"\n", pdf.index(b"\n") + 1) + 1
    objs = {}
    canonical = {}   # glyph procedure object -> the shared object of its width
    by_width = {}
    for m in OBJ.finditer(pdf):
        num, gen, body = int(m.group(1)), int(m.group(2)), m.group(3)
        s = STREAM.match(body)
        if s and b"/FlateDecode" in s.group(1):
            data = zlib.decompress(s.group(2))
            first = data.split(b"\n", 1)[0]
            if b"begincmap" in data:
                data = zlib.compress(bare_cmap(data), 9)
                dict_part = re.sub(rb"/Length \d+", b"/Length %d" % len(data), s.group(1))
                body = dict_part + data + b"\nendstream\n"
            elif first.endswith(b" d1") or first.endswith(b" d0"):
                proc = first.split(b" ")[0] + b" 0 d0\n"
                if proc in by_width:
                    canonical[num] = by_width[proc]
                    continue
                by_width[proc] = num
                data = zlib.compress(proc, 9)
                dict_part = re.sub(rb"/Length \d+", b"/Length %d" % len(data), s.group(1))
                body = dict_part + data + b"\nendstream\n"
        objs[num] = (gen, body)

    def redirect(m):
        return b"%d 0 R" % canonical.get(int(m.group(1)), int(m.group(1)))

    trailer = re.search(rb"trailer\s*(<<.*?>>)", pdf, re.S).group(1)
    out = bytearray(pdf[:header_end])
    offsets = {}
    for num in sorted(objs):
        gen, body = objs[num]
        s = STREAM.match(body)
        if not s:
            body = re.sub(rb"(\d+) 0 R", redirect, body)
            body = re.sub(rb"/Differences \[(.*?)\]", sparse_differences, body, flags=re.S)
        offsets[num] = len(out)
        out += b"%d %d obj" % (num, gen) + body + b"endobj\n"
    size = max(offsets) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for i in range(1, size):
        if i in offsets:
            out += b"%010d 00000 n \n" % offsets[i]
        else:
            out += b"0000000000 65535 f \n"
    trailer = re.sub(rb"/Size \d+", b"/Size %d" % size, trailer)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def bare_cmap(data):
    """A ToUnicode CMap without the PostScript boilerplate Skia repeats in each
    of its many one-glyph fonts: only the code space and the mappings."""
    keep = re.findall(rb"\d+ begin(?:codespacerange|bfchar|bfrange).*?end(?:codespacerange|bfchar|bfrange)",
                      data, re.S)
    return b"begincmap\n" + b"\n".join(keep) + b"\nendcmap\n"


def sparse_differences(m):
    """Skia lists every code of a Type 3 font, the unused ones as /g0; only the
    codes with a real glyph name are kept (the others were blank anyway)."""
    out, code = [], 0
    for tok in m.group(1).split():
        if not tok.startswith(b"/"):
            code = int(tok)
            continue
        if tok != b"/g0" or code == 0:
            out += [b"%d" % code, tok]
        code += 1
    return b"/Differences [" + b" ".join(out) + b"]"


def compact(path):
    """Packs the objects into compressed object streams when qpdf is there
    (Chromium writes the Type 3 font dictionaries uncompressed)."""
    if shutil.which("qpdf"):
        tmp = path + ".tmp"
        subprocess.run(["qpdf", "--object-streams=generate", "--compress-streams=y",
                        "--recompress-flate", "--compression-level=9", path, tmp], check=True)
        os.replace(tmp, path)


def squeeze(s):
    return re.sub(r"\s+", "", s)


def write_fixture(name, pdf, expected):
    path = os.path.join(OUT, name + ".pdf")
    with open(path, "wb") as f:
        f.write(strip_glyph_outlines(pdf))
    compact(path)
    with open(os.path.join(OUT, name + ".expected.txt"), "w", encoding="utf-8") as f:
        for p in expected:
            f.write(squeeze(p) + "\n")
    print("%s.pdf: %d bytes, %d paragraphs" % (name, os.path.getsize(path), len(expected)))


def minimal_pdf(objects):
    """A PDF from object bodies (object i+1 is objects[i]); the catalogue is 1."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(dict_entries, data):
    return b"<< %s /Length %d >>\nstream\n" % (dict_entries, len(data)) + data + b"\nendstream"


def scan_pdf():
    """An A4 page painting one 16x16 grey image over the text block: a scan."""
    pixels = bytes((x * 16 + y) & 0xFF for y in range(16) for x in range(16))
    return minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        stream(b"", b"q 500 0 0 700 48 70 cm /Im1 Do Q"),
        stream(b"/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray "
               b"/BitsPerComponent 8", pixels),
    ])


def text_pdf(line):
    return minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        stream(b"", b"BT /F1 12 Tf 72 720 Td (" + line + b") Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def odd_glyphs_pdf():
    """One page in a Type 3 font whose ToUnicode names Kangxi radicals for 网
    and 月 (as some fonts' tables do), with a letter-spaced "2 0 2 4 年":
    line 1 reads 中国政府⽹, line 2 2 0 2 4 年 1 ⽉ (U+2F79, U+2F49)."""
    to_unicode = (b"begincmap\n1 begincodespacerange <00> <FF> endcodespacerange\n"
                  b"9 beginbfchar <01> <4E2D> <02> <56FD> <03> <653F> <04> <5E9C> <05> <2F79>\n"
                  b"<06> <2F49> <07> <0032> <08> <0030> <09> <0034> endbfchar\n"
                  b"1 beginbfchar <0A> <5E74> endbfchar\n"
                  b"1 beginbfchar <0B> <0031> endbfchar\nendcmap\n")
    widths = b"[1000 1000 1000 1000 1000 1000 500 500 500 1000 500]"
    content = (b"BT /T3 16 Tf 72 720 Td <0102030405> Tj ET\n"
               b"BT /T3 16 Tf 72 690 Td [<07> -800 <08> -800 <07> -800 <09> -800 <0A> -800 <0B> -800 <06>] TJ ET")
    return minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /T3 5 0 R >> >> /Contents 4 0 R >>",
        stream(b"", content),
        b"<< /Type /Font /Subtype /Type3 /FontMatrix [0.001 0 0 0.001 0 0] /FontBBox [0 -120 1000 880] "
        b"/CharProcs << /w 6 0 R /n 7 0 R >> /Encoding << /Type /Encoding /Differences [1 /w /w /w /w /w /w "
        b"/n /n /n /w /n] >> /FirstChar 1 /LastChar 11 /Widths " + widths + b" /ToUnicode 8 0 R >>",
        stream(b"", b"1000 0 d0"),
        stream(b"", b"500 0 d0"),
        stream(b"", to_unicode),
    ])


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    lines = source_lines()

    # Lines 1-4: the opening, heading 一、 and (一)(二): two pages, so a paragraph
    # runs across the page break.
    body = lines[0:4]
    write_fixture("qujiang-official", print_pdf(official_html(TITLE, body, OFFICIAL_CSS), "official"),
                  ["".join(TITLE)] + body)

    # Lines 8-13: heading 二、 and (一)-(五), portal style: two pages.
    body = lines[7:13]
    spaced = "2 0 2 2 年 度 法 治 政 府 建 设 报 告"
    sub = "韶关市曲江区人民政府"
    write_fixture("qujiang-portal", print_pdf(portal_html(spaced, sub, body), "portal"),
                  [spaced, sub] + body)

    # Lines 18-26: 三、, its paragraph, 四、 and (一)-(六): two pages numbered "— N —".
    body = lines[17:26]
    write_fixture("qujiang-numbered",
                  print_pdf(official_html(TITLE, body, NUMBERED_CSS), "numbered", header_footer=False),
                  ["".join(TITLE)] + body)

    # Line 1 alone: a one-page print, where the browser header and footer
    # repeat nowhere and must be recognised as such.
    body = lines[0:1]
    write_fixture("qujiang-onepage", print_pdf(official_html(TITLE, body, OFFICIAL_CSS), "onepage"),
                  ["".join(TITLE)] + body)

    with open(os.path.join(OUT, "odd-glyphs.pdf"), "wb") as f:
        f.write(odd_glyphs_pdf())
    with open(os.path.join(OUT, "scan.pdf"), "wb") as f:
        f.write(scan_pdf())
    if shutil.which("qpdf"):
        plain = os.path.join(WORK, "plain.pdf")
        with open(plain, "wb") as f:
            f.write(text_pdf(b"Annual report 2022"))
        subprocess.run(["qpdf", "--encrypt", "secret", "owner", "256", "--", plain,
                        os.path.join(OUT, "encrypted.pdf")], check=True)
    else:
        print("qpdf not installed: encrypted.pdf left as it was", file=sys.stderr)


if __name__ == "__main__":
    main()
