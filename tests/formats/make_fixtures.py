#!/usr/bin/python3
"""make_fixtures.py — builds HTML, PDF and DOCX copies of the real reports in
../shared/corpus, laid out the way they are published, so eval_formats.py can
measure the format readers against the known source paragraphs.

Usage: make_fixtures.py OUT_DIR [--corpus DIR] [--reports N] [--only STEM,...]
                        [--formats html,pdf,docx] [--jobs N]

Writes OUT_DIR/FORMAT/STEM.EXT and beside each fixture STEM.EXT.truth.json:
  {"format", "source", "title", "body", "year", "title_lines": [the title as
   printed, two lines], "paragraphs": [...source lines in order...], "junk": [strings no passage may hold], "junk_regex": [...],
   "meta": {what the fixture states as metadata}, ...}
Paragraphs are the source lines minus a first line that only repeats the
title (the fixtures show the title as a title, not as body text).

Needs /usr/bin/python3 with python-docx for DOCX and /usr/bin/chromium with
fonts-noto-cjk for PDF. Chromium prints its own header (date, <title>) and
footer (URL, "1/N") on every page, as published PDFs printed from portals
have; pages are served over a loopback HTTP server so the footer URL is a
real portal URL rather than a temp-dir file:// path.
"""
import argparse
import csv
import functools
import html
import http.server
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

DEFAULT_CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "..", "..", "shared", "corpus")
if not os.path.isdir(DEFAULT_CORPUS):
    DEFAULT_CORPUS = "/work/shared/corpus"

# ---------------------------------------------------------------- the reports

CN_NUM = "一二三四五六七八九十"
HEADING_1 = re.compile(r"^[%s]+、" % CN_NUM)
HEADING_2 = re.compile(r"^[（(][%s]+[）)]" % CN_NUM)
HEADING_3 = re.compile(r"^(\d+[.．、]|[（(]\d+[）)])")


def heading_level(line):
    """Level 1-3 of a source line that stands alone as a heading, else 0.
    Only short lines without a full stop: a line like "（一）…。body" is a
    heading run into its paragraph and stays body text in every layout."""
    if len(line) > 40 or "。" in line:
        return 0
    if HEADING_1.match(line):
        return 1
    if HEADING_2.match(line):
        return 2
    if HEADING_3.match(line):
        return 3
    return 0


def read_manifest(corpus):
    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load_report(corpus, row):
    with open(os.path.join(corpus, row["file"]), encoding="utf-8-sig") as f:
        lines = [ln.rstrip("\r\n") for ln in f]
    lines = [ln for ln in lines if ln.strip()]
    title = row["title"].strip()
    if lines and lines[0].strip() == title:
        lines = lines[1:]
    return {
        "stem": os.path.splitext(row["file"])[0],
        "source": row["file"],
        "title": title,
        "body": row["body"].strip(),
        "year": int(row["year"]),
        "paragraphs": lines,
    }


def title_lines(title):
    """The title as it is printed: two lines, split where a typesetter would."""
    if " " in title:
        a, b = title.split(" ", 1)
        return [a, b.strip()]
    for mark in ("中华人民共和国", "区", "市", "省"):
        i = title.find(mark)
        if 0 < i and i + len(mark) < len(title) - 2:
            return [title[:i + len(mark)], title[i + len(mark):]]
    half = len(title) // 2
    return [title[:half], title[half:]]


def issue_dates(rep):
    """成文日期 and 发布日期 of a report, plausible for its kind."""
    y, stem = rep["year"], rep["stem"]
    if stem.startswith("cpc-congress"):
        day = {2012: "11月08日", 2017: "10月18日", 2022: "10月16日"}.get(y, "10月18日")
        return "%d年%s" % (y, day), "%d-%s-%s" % (y, day[0:2], day[3:5])
    if stem.startswith("cn-state-council"):
        return "%d年03月05日" % y, "%d-03-12" % y
    return "%d年01月18日" % (y + 1), "%d-01-20" % (y + 1)


SITES = {
    "cn-state-council": ("中国政府网", "www.gov.cn", "中华人民共和国中央人民政府",
                         "国务院办公厅", "京ICP备05070218号", "bm01000001",
                         "京公网安备11010202000001号"),
    "cpc-congress": ("中国政府网", "www.gov.cn", "中华人民共和国中央人民政府",
                     "国务院办公厅", "京ICP备05070218号", "bm01000001",
                     "京公网安备11010202000001号"),
    "shaoguan": ("曲江区人民政府门户网站", "www.qujiang.gov.cn", "韶关市曲江区人民政府",
                 "韶关市曲江区人民政府办公室", "粤ICP备05008976号", "4402050001",
                 "粤公网安备44020502000112号"),
}


def site_of(rep):
    for prefix, site in SITES.items():
        if rep["stem"].startswith(prefix):
            return site
    return SITES["cn-state-council"]


def article_url(rep, n):
    _, host, *_ = site_of(rep)
    _, published = issue_dates(rep)
    return "http://%s/zhengce/content/%s/%s/content_%d.htm" % (
        host, published[:7], published[8:10], 5590000 + 137 * n + rep["year"])


NAV = ["首页", "政务公开", "新闻中心", "政务服务", "互动交流", "走进本区", "数据发布", "专题专栏"]


def common_junk(rep):
    """Strings of the page furniture: none may end up in a passage."""
    name, host, owner, sponsor, icp, siteid, police = site_of(rep)
    return (NAV + ["当前位置", "索引号", "主题分类", "发文机关：", "成文日期", "发文字号",
                   "发布日期", "标题：", "版权所有", "主办单位", "ICP备", icp, "网站标识码",
                   siteid, police, "分享到", "打印本页", "关闭窗口", "【字体", "相关链接",
                   "上一篇", "下一篇", "来源：" + name, "发布时间：", name, host])


# ---------------------------------------------------------------------- HTML

CONTAINERS = [('<div id="UCAP-CONTENT">', "</div>"),
              ('<div class="pages_content">', "</div>"),
              ('<div class="TRS_Editor"><div class="Custom_UnionStyle">', "</div></div>"),
              ("<div>", "</div>")]


def html_text(s, entities):
    s = html.escape(s, quote=False)
    if entities:
        # TRS editors write curly quotes and dashes as named entities.
        s = (s.replace("“", "&ldquo;").replace("”", "&rdquo;")
             .replace("—", "&mdash;").replace("、", "&#12289;"))
    return s


def html_paragraph(line, i, entities):
    level = heading_level(line)
    text = html_text(line, entities)
    if level == 1:
        return '<p style="text-indent:2em"><strong>%s</strong></p>' % text
    if level == 2:
        return ('<p style="text-indent:2em"><span style="font-family:楷体">%s</span></p>'
                % text)
    if i % 7 == 3 and "。" in line[:-1]:
        # Inline markup mid-paragraph: a bold lead sentence, as editors mark them.
        cut = line.index("。") + 1
        return ('<p style="text-indent:2em"><span style="font-weight:bold">%s</span>%s</p>'
                % (html_text(line[:cut], entities), html_text(line[cut:], entities)))
    if i % 11 == 5:
        # Some CMSs indent with ideographic spaces instead of CSS.
        return "<p>\u3000\u3000%s</p>" % text
    return '<p style="text-indent:2em">%s</p>' % text


def make_html(rep, n, out_path):
    name, host, owner, sponsor, icp, siteid, police = site_of(rep)
    written, published = issue_dates(rep)
    gb = n % 2 == 1
    entities = n % 3 == 2
    open_c, close_c = CONTAINERS[n % len(CONTAINERS)]
    t1, t2 = title_lines(rep["title"])
    index_no = "%09d/%d-%05d" % (14349 + n, rep["year"], 12 + n)
    subject = "国务院组织机构\\国务院" if rep["body"] == "国务院" else "综合政务\\其他"
    docno = ""
    charset = "gb2312" if gb else "utf-8"
    nav = "\n".join('<li><a href="/%s/">%s</a></li>' % ("c%d" % k, t) for k, t in enumerate(NAV))
    meta_rows = [("索引号：", index_no, "主题分类：", subject),
                 ("发文机关：", rep["body"], "成文日期：", written),
                 ("标题：", rep["title"], None, None),
                 ("发文字号：", docno, "发布日期：", published)]
    rows = []
    for a, av, b, bv in meta_rows:
        if b is None:
            rows.append('<tr><td class="t1"><b>%s</b></td><td colspan="3">%s</td></tr>'
                        % (a, html.escape(av)))
        else:
            rows.append('<tr><td class="t1"><b>%s</b></td><td class="t2">%s</td>'
                        '<td class="t1"><b>%s</b></td><td class="t2">%s</td></tr>'
                        % (a, html.escape(av), b, html.escape(bv)))
    body = "\n".join(html_paragraph(line, i, entities) for i, line in enumerate(rep["paragraphs"]))
    related = "\n".join('<li><a href="/zhengce/%d.htm">%d年政府工作报告（全文）</a></li>'
                        % (k, rep["year"] - k) for k in (1, 2, 3))
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta charset="{charset}">
<meta name="SiteName" content="{name}">
<meta name="ColumnName" content="政府工作报告">
<meta name="ArticleTitle" content="{html.escape(rep['title'])}">
<meta name="PubDate" content="{published} 10:00">
<meta name="ContentSource" content="{name}">
<title>{html.escape(rep['title'])}_{name}</title>
<link rel="stylesheet" href="/css/common.css">
<style>body{{font-family:"宋体";}} .t1{{width:90px;}} #UCAP-CONTENT p{{line-height:2;}}</style>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); }})();</script>
</head>
<body>
<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{name}"></a></div>
<div class="search"><input type="text" placeholder="请输入关键词"><button>搜索</button></div>
<ul class="nav">
{nav}
</ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <span>政府工作报告</span></div>
<div class="main">
<table class="xxgk_table" border="1" cellspacing="0">
{chr(10).join(rows)}
</table>
<div class="article">
<h1 class="article-title">{html.escape(t1)}<br>{html.escape(t2)}</h1>
<div class="pages-date">来源：{name}&nbsp;&nbsp;发布时间：{published} 10:00&nbsp;&nbsp;<span class="font">【字体：<a>大</a> <a>中</a> <a>小</a>】</span>&nbsp;<a href="javascript:window.print()">打印本页</a>&nbsp;<a href="javascript:window.close()">关闭窗口</a></div>
<!--正文开始-->
{open_c}
{body}
{close_c}
<!--正文结束-->
<script>document.write("");</script>
<div class="share">分享到：<a class="wx">微信</a> <a class="wb">微博</a> <a class="qq">QQ空间</a></div>
<div class="prev-next"><p>上一篇：<a href="/p.htm">关于印发有关工作方案的通知</a></p><p>下一篇：<a href="/n.htm">关于做好有关工作的意见</a></p></div>
<div class="related"><h3>相关链接</h3><ul>
{related}
</ul></div>
</div></div>
<div class="footer"><p>版权所有：{owner}&nbsp;&nbsp;主办单位：{sponsor}</p>
<p><a href="https://beian.miit.gov.cn/">{icp}</a>&nbsp;&nbsp;网站标识码{siteid}&nbsp;&nbsp;{police}</p></div>
</body>
</html>
"""
    data = page.encode("gb18030") if gb else page.encode("utf-8")
    with open(out_path, "wb") as f:
        f.write(data)
    junk = common_junk(rep) + ["微信", "QQ空间", "请输入关键词", "关于印发有关工作方案的通知",
                               index_no, "年政府工作报告（全文）"]
    return {"encoding": "GB18030" if gb else "UTF-8",
            "container": open_c, "entities": entities, "junk": junk, "junk_regex": [],
            "meta": {"title": rep["title"], "body": rep["body"], "date": written,
                     "docno": None, "published": published, "subject": subject,
                     "index_no": index_no}}


# ----------------------------------------------------------------------- PDF

PDF_CSS = """
@page { size: A4; margin: 37mm 26mm 32mm 28mm; }
html { -webkit-print-color-adjust: exact; }
body { margin: 0; font-family: "Noto Serif CJK SC", serif; font-size: 16pt;
       line-height: 28.9pt; width: 448pt; text-align: justify; }
h1 { font-size: 22pt; line-height: 36pt; font-weight: bold; text-align: center;
     margin: 0 0 28.9pt 0; }
p { margin: 0; text-indent: 2em; }
p.h1 { font-family: "Noto Sans CJK SC", sans-serif; }
p.h2 { font-weight: bold; }
"""


def make_pdf_source(rep, n):
    name = site_of(rep)[0]
    t1, t2 = title_lines(rep["title"])
    paras = []
    for line in rep["paragraphs"]:
        level = heading_level(line)
        cls = ' class="h%d"' % level if level in (1, 2) else ""
        paras.append("<p%s>%s</p>" % (cls, html.escape(line, quote=False)))
    short = "政府工作报告" if rep["stem"].startswith("cn-state") else rep["title"].split(" ")[0]
    doc_title = "%s_%s" % (short, name)
    page = ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<title>%s</title><style>%s</style></head><body>\n<h1>%s<br>%s</h1>\n%s\n"
            "</body></html>\n" % (html.escape(doc_title), PDF_CSS, html.escape(t1),
                                  html.escape(t2), "\n".join(paras)))
    return page, doc_title


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def start_server(root):
    handler = functools.partial(QuietHandler, directory=root)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def pdf_pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 0


def print_pdf(url, out_path, port, tmp):
    profile = tempfile.mkdtemp(prefix="chrome-", dir=tmp)
    cmd = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
           "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync",
           "--user-data-dir=" + profile,
           "--host-resolver-rules=MAP * 127.0.0.1:%d" % port,
           "--print-to-pdf=" + out_path, url]
    for attempt in range(2):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        if r.returncode == 0 and os.path.exists(out_path) and os.path.getsize(out_path) > 0:
            break
    else:
        raise RuntimeError("chromium failed for %s: %s" % (url, r.stderr[-500:]))
    shutil.rmtree(profile, ignore_errors=True)


def make_pdf(rep, n, out_path, srv_root, port, tmp):
    page, doc_title = make_pdf_source(rep, n)
    url = article_url(rep, n)
    rel = url.split("/", 3)[3]
    src = os.path.join(srv_root, rel)
    os.makedirs(os.path.dirname(src), exist_ok=True)
    with open(src, "w", encoding="utf-8") as f:
        f.write(page)
    print_pdf(url, out_path, port, tmp)
    pages = pdf_pages(out_path)
    # Chromium prints the date as "12/6/26, 11:38 AM" (en-US, the only locale
    # Debian's chromium ships); the zh form is what NOTES.md saw on portals.
    junk_regex = [r"\d{1,2}/\d{1,2}/\d{2},\d{1,2}:\d{2}[AP]M",
                  r"\d{4}/\d{1,2}/\d{1,2}\d{1,2}:\d{2}",
                  r"(?<![0-9/])\d{1,3}/%d(?![0-9])" % pages]
    return {"url": url, "pages": pages, "print_title": doc_title,
            "junk": [url, url.split("://", 1)[1], doc_title, "http://"],
            "junk_regex": junk_regex,
            "meta": {"title": doc_title}}


# ---------------------------------------------------------------------- DOCX

def docx_set_font(run, east_asia, ascii_font=None, size=None, bold=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt
    run.font.name = ascii_font or "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def split_runs(line, rng):
    """A body paragraph as Word stores it: several runs (edits, digits in
    another font), cut at arbitrary points; the reader must join them."""
    cuts = sorted(rng.sample(range(1, len(line)), min(3, max(0, len(line) - 1)))) \
        if len(line) > 8 and rng.random() < 0.5 else []
    parts, prev = [], 0
    for c in cuts + [len(line)]:
        if c > prev:
            parts.append(line[prev:c])
        prev = c
    return parts


def add_page_number_field(paragraph):
    from docx.oxml.ns import qn
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None),
                       (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
            run._element.append(fld)
        elif text == " PAGE ":
            instr = run._element.makeelement(qn("w:instrText"), {})
            instr.text = text
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run._element.append(instr)
        else:
            run.text = text


def make_docx(rep, n, out_path):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, Mm

    rng = random.Random(1000 + n)
    by_style = n % 2 == 0
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    office = rep["body"] + "办公室文件"
    hp = sec.header.paragraphs[0]
    hp.text = office
    fp = sec.footer.paragraphs[0]
    fp.add_run("— ")
    add_page_number_field(fp)
    fp.add_run(" —")
    cp = d.core_properties
    cp.title = rep["title"]
    cp.author = rep["body"] + "办公室"
    cp.subject = "政府工作报告"
    cp.keywords = "政府工作报告;%d" % rep["year"]

    normal = d.styles["Normal"]
    normal.font.size = Pt(16)
    for t in title_lines(rep["title"]):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        docx_set_font(p.add_run(t), "方正小标宋简体", size=22)
    levels = {1: ("黑体", False), 2: ("楷体_GB2312", False), 3: ("仿宋_GB2312", True)}
    heading_kinds = []
    for i, line in enumerate(rep["paragraphs"]):
        level = heading_level(line)
        if level and by_style:
            p = d.add_paragraph(style="Heading %d" % level)
            docx_set_font(p.add_run(line), levels[level][0], size=16)
            heading_kinds.append([i, "style", level])
            continue
        p = d.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        if level:
            east, bold = levels[level]
            docx_set_font(p.add_run(line), east, size=16, bold=bold)
            heading_kinds.append([i, "direct", level])
            continue
        for part in split_runs(line, rng):
            docx_set_font(p.add_run(part), "仿宋_GB2312", size=16)
    d.save(out_path)
    return {"headings": "style" if by_style else "direct formatting",
            "heading_paragraphs": heading_kinds,
            "junk": [office, "PAGE"], "junk_regex": [r"—\d+—"],
            "meta": {"title": rep["title"]}}


# ---------------------------------------------------------------------- main

def write_truth(path, rep, fmt, extra):
    truth = {"format": fmt, "source": rep["source"], "title": rep["title"],
             "body": rep["body"], "year": rep["year"], "title_lines": title_lines(rep["title"]),
             "paragraphs": rep["paragraphs"]}
    junk = common_junk(rep) + extra.pop("junk", [])
    truth.update(extra)
    truth["junk"] = sorted(set(junk))
    with open(path + ".truth.json", "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=1)


def select_reports(args):
    rows = read_manifest(args.corpus)
    if args.only:
        wanted = [s.strip() for s in args.only.split(",") if s.strip()]
        by_stem = {os.path.splitext(r["file"])[0]: r for r in rows}
        missing = [s for s in wanted if s not in by_stem]
        if missing:
            sys.exit("make_fixtures.py: not in MANIFEST.tsv: " + ", ".join(missing))
        rows = [by_stem[s] for s in wanted]
    if args.reports:
        rows = rows[:args.reports]
    return [load_report(args.corpus, r) for r in rows]


def run_parallel(jobs, items, fn):
    """Runs fn over items on `jobs` threads (Chromium is a separate process,
    so threads are enough); re-raises the first failure."""
    if jobs <= 1:
        return [fn(x) for x in items]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(fn, items))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--reports", type=int, default=0, help="first N reports of MANIFEST.tsv")
    ap.add_argument("--only", default="", help="comma-separated report stems")
    ap.add_argument("--formats", default="html,pdf,docx")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="Chromium processes at once")
    args = ap.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    bad = set(formats) - {"html", "pdf", "docx"}
    if bad:
        sys.exit("make_fixtures.py: unknown format: " + ", ".join(sorted(bad)))
    reports = select_reports(args)
    timings = {}
    for fmt in formats:
        os.makedirs(os.path.join(args.out_dir, fmt), exist_ok=True)
    if "html" in formats:
        t0 = time.time()
        for n, rep in enumerate(reports):
            out = os.path.join(args.out_dir, "html", rep["stem"] + ".html")
            write_truth(out, rep, "html", make_html(rep, n, out))
        timings["html"] = time.time() - t0
    if "docx" in formats:
        t0 = time.time()
        for n, rep in enumerate(reports):
            out = os.path.join(args.out_dir, "docx", rep["stem"] + ".docx")
            write_truth(out, rep, "docx", make_docx(rep, n, out))
        timings["docx"] = time.time() - t0
    if "pdf" in formats:
        t0 = time.time()
        tmp = tempfile.mkdtemp(prefix="bg-pdf-")
        srv_root = os.path.join(tmp, "www")
        os.makedirs(srv_root)
        srv = start_server(srv_root)
        try:
            def one(item):
                n, rep = item
                out = os.path.join(args.out_dir, "pdf", rep["stem"] + ".pdf")
                write_truth(out, rep, "pdf",
                            make_pdf(rep, n, out, srv_root, srv.server_address[1], tmp))
            run_parallel(args.jobs, list(enumerate(reports)), one)
        finally:
            srv.shutdown()
            srv.server_close()
            shutil.rmtree(tmp, ignore_errors=True)
        timings["pdf"] = time.time() - t0
    for fmt in formats:
        print("%-4s %3d reports  %6.1f s  (%.2f s/report)" % (
            fmt, len(reports), timings[fmt], timings[fmt] / max(1, len(reports))),
            file=sys.stderr)


if __name__ == "__main__":
    main()
