#!/usr/bin/python3
"""eval_official.py — measures the metadata and the frame of official
documents (GB/T 9704 公文) in every format baogao reads: issue 13's
acceptance test.

Usage: eval_official.py --index BIN --query BIN [--count N] [--seed S]
                        [--corpus DIR] [--formats txt,html,pdf,docx]
                        [--check] [--json-out F] [--examples K] [--keep DIR]

1. make_official_fixtures.py writes N documents (title over one to three
   lines, 发文字号, 主送, body, 附件, signature, 成文日期, 抄送/印发) and their
   truth (truth.tsv: title, body, date, year, docno, kind, frame lines).
2. Each document is rendered as it is published:
   - txt: the generated text as is;
   - html: a portal article page (navigation, breadcrumb, share bar,
     footer; UTF-8 or GB18030). Even-numbered documents carry the portal's
     metadata table above the article (索引号/主题分类/发文机关/成文日期/标题/
     发文字号/发布日期, with the truth values; 成文日期 and 发布日期 left empty
     when the document states no date); odd-numbered ones have none, so the
     metadata must come from the text. The title's lines are split by <br>
     (in an <h1> above the article for every other page without a table,
     else a centred bold paragraph at the top of the article), every frame
     line is a <p> (signature and date right-aligned). The 份号, the 版头
     (…文件) and page numbers of the text are not on a portal page;
   - pdf: a Chromium print (make_fixtures.print_pdf, served on loopback as
     www.gov.cn) of an official layout: 份号, red 版头, 发文字号 centred, the
     title centred in 22 pt over its lines, addressee, body in 16 pt with a
     2 em indent, signature and date right-aligned, attachments on a new
     page, 抄送/印发 between rules at the end; Chromium's own header (date,
     <title>) and footer (URL, k/N) stay on. The text's page numbers are
     left out (Chromium numbers the pages);
   - docx: python-docx, title lines as centred 22 pt paragraphs (one
     paragraph with line breaks for odd-numbered documents), headings
     一、 in 黑体, body first-line indented, signature and date right-aligned,
     a `— PAGE —` footer; no core-properties title.
3. Each format is indexed into its own index; `baogao-query --reports
   --json` gives title, body, year, date, docno, kind per report, compared
   with the truth: title with whitespace removed; body as the set of names
   split on spaces and 、; date (YYYY-MM-DD or null); year; docno with its
   brackets 〔〕[]（）【】﹝﹞ made 〔〕 and spaces removed. A document is right
   when all five are.
4. Frame check: every frame line of the truth other than the title and
   page numbers (份号, 版头, 发文字号, 主送, 附件 notes, signature, date, 附注,
   附件 labels and titles, 抄送/印发) that the format shows is searched as a
   quoted phrase (`baogao-query --json --no-collapse`; phrases are OR-ed in
   batches, a batch the query syntax refuses is asked line by line, a line
   it refuses by its first 12 letters and digits). The line "is a passage"
   when a hit of its own document holds it: the hit's letters and digits
   (NFKC) are placed in the document's text as the format shows it, and the
   line is a passage when the hit is exactly that line (and no content line
   is), or when no place of the hit lies in content lines only (nor in the
   title only) and a place overlaps the line (4 letters, or all of it). The gate
   counts 发文字号, 主送, signature, date and 抄送/印发 lines (the issue's list);
   the other kinds are reported beside them.
   Content check: 5 content lines per document (the first, the last before
   the signature, the first of an attachment, and random ones), each by a
   quoted window of at most 16 characters (the whole line when it has at
   most 24; a window stays inside one sentence), must be found in a passage
   of their document. A window found in no passage is asked again by its
   first and last 5 characters: when a passage holding its start followed
   by one holding its end hold it, the line is split between two passages
   (counted as found and listed), else it is lost.
   With xapian-delve, every passage is also read back and those that are
   neither the title nor content text are counted ("stray passages").
5. A Markdown table on stdout; then, per format and kind of failure, up to
   K examples with truth, what the index says, and the document's lines
   around the problem. --check exits 1 when a format has fewer than 98% of
   documents all right, a gated frame line is a passage, or content recall
   is below 99%.

Needs /usr/bin/python3; python-docx for docx; /usr/bin/chromium with
fonts-noto-cjk for pdf.
"""
import argparse
import collections
import datetime
import html
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_fixtures as mf  # noqa: E402  (renderers: chromium, fonts, headings)

FORMATS = ["txt", "html", "pdf", "docx"]
EXT = {"txt": ".txt", "html": ".html", "pdf": ".pdf", "docx": ".docx"}
FIELDS = ["title", "body", "date", "year", "docno"]
TARGET_RIGHT, TARGET_CONTENT = 98.0, 99.0
GATED = ["docno", "addressee", "signature", "date", "cc"]
KIND_NAMES = {"copyno": "份号", "banner": "版头", "docno": "发文字号", "addressee": "主送",
              "attach_note": "附件说明", "signature": "署名", "date": "成文日期",
              "annot": "附注", "attach_label": "附件标签", "attach_title": "附件标题",
              "cc": "抄送/印发", "page": "页码", "title": "标题", "other": "其他"}
# Frame lines each rendering leaves out (not published in that form).
NOT_SHOWN = {"txt": {"title"}, "html": {"title", "copyno", "banner", "page"},
             "pdf": {"title", "page"}, "docx": {"title", "page"}}

WS = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff]+")
CN_DATE = re.compile(r"^[0-9〇○零一二三四五六七八九]{4}年[0-9一二三四五六七八九十]{1,3}月"
                     r"[0-9一二三四五六七八九十]{1,3}日$")
PAGE_NO = re.compile(r"^[—\-－]\s*\d+\s*[—\-－]$")
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "（": "〔", "）": "〕", "【": "〔", "】": "〕",
                          "﹝": "〔", "﹞": "〕", "(": "〔", ")": "〕", "［": "〔", "］": "〕"})


def strip_ws(s):
    return WS.sub("", s or "")


def letters(s):
    """Letters, digits and ideographs only (NFKC): what phrases match on."""
    s = unicodedata.normalize("NFKC", s or "")
    return "".join(c for c in s if unicodedata.category(c)[0] in "LN")


def norm_docno(s):
    return strip_ws(s).translate(BRACKETS) if s else ""


def body_set(s):
    return frozenset(p for p in re.split(r"[\s、，,]+", s or "") if p)


# ------------------------------------------------------------ the documents

def parse_frame(spec):
    out = set()
    for part in filter(None, (spec or "").split(",")):
        a, _, b = part.partition("-")
        out.update(range(int(a), int(b or a) + 1))
    return out


def classify(lines, row):
    """Roles of the document's lines (0-based list): title, a frame kind, or
    content / heading."""
    frame = {i - 1 for i in parse_frame(row["frame"])}
    roles = ["content"] * len(lines)
    title = strip_ws(row["title"])
    # The title: the run of frame lines near the top whose join is the title.
    for start in range(min(6, len(lines))):
        acc, end = "", start
        while end < len(lines) and end in frame and len(acc) < len(title):
            acc += strip_ws(lines[end])
            end += 1
        if acc == title:
            for i in range(start, end):
                roles[i] = "title"
            break
    first_content = next((i for i in range(len(lines)) if i not in frame), len(lines))
    sign_parts = body_set(row["body"]) | {strip_ws(row["body"])}
    prev = None
    for i, ln in enumerate(lines):
        if i not in frame:
            roles[i] = "heading" if mf.heading_level(ln) == 1 else "content"
            prev = roles[i]
            continue
        if roles[i] == "title":
            prev = "title"
            continue
        s = ln.strip()
        if re.fullmatch(r"\d{6}", s):
            r = "copyno"
        elif row["docno"] and s == row["docno"]:
            r = "docno"
        elif PAGE_NO.match(s):
            r = "page"
        elif s.endswith("文件") and i < first_content:
            r = "banner"
        elif s.startswith("附件：") or re.match(r"^\u3000+\d+．", ln):
            r = "attach_note"
        elif re.fullmatch(r"附件\d*", s):
            r = "attach_label"
        elif s.startswith("抄送") or prev == "cc" or s.endswith("印发"):
            r = "cc"
        elif s.startswith("（此件"):
            r = "annot"
        elif CN_DATE.match(s):
            r = "date"
        elif s.endswith("：") and i < first_content:
            r = "addressee"
        elif strip_ws(s) in sign_parts:
            r = "signature"
        elif prev in ("attach_label", "date", "annot", "signature"):
            r = "attach_title"
        else:
            r = "other"
        roles[i] = r
        prev = r
    return roles


def load_docs(src):
    docs = []
    with open(os.path.join(src, "truth.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            with open(os.path.join(src, row["file"]), encoding="utf-8") as g:
                lines = [ln.rstrip("\n") for ln in g]
            row["lines"] = lines
            row["roles"] = classify(lines, row)
            row["stem"] = row["file"][:-4]
            row["n"] = len(docs)
            content = [ln for ln, r in zip(lines, row["roles"]) if r in ("content", "heading")]
            row["content_joined"] = letters("".join(content))
            row["content_set"] = {letters(c) for c in content}
            row["attach_titles"] = {letters(ln) for ln, r in zip(lines, row["roles"])
                                    if r == "attach_title"}
            docs.append(row)
    return docs


def title_lines(doc):
    return [ln for ln, r in zip(doc["lines"], doc["roles"]) if r == "title"]


# ------------------------------------------------------------------ HTML

SITE = ("中国政府网", "www.gov.cn", "中华人民共和国中央人民政府", "国务院办公厅",
        "京ICP备05070218号", "bm01000001", "京公网安备11010202000001号")


def published(doc):
    if not doc["date"]:
        return ""
    d = datetime.date.fromisoformat(doc["date"]) + datetime.timedelta(days=3)
    return d.isoformat()


def written_cn(doc):
    if not doc["date"]:
        return ""
    y, m, d = doc["date"].split("-")
    return "%s年%s月%s日" % (y, m, d)


def html_line(ln, role, n, i):
    t = html.escape(ln.strip("\u3000 ") if role not in ("cc",) else ln.strip(), quote=False)
    if role == "docno":
        return '<p style="text-align:center">%s</p>' % t
    if role in ("signature", "date"):
        return '<p style="text-align:right">%s</p>' % t
    if role == "addressee" or role == "cc":
        return "<p>%s</p>" % t
    if role == "attach_label":
        return "<p><strong>%s</strong></p>" % t
    if role == "attach_title":
        return '<p style="text-align:center"><strong>%s</strong></p>' % t
    if role in ("attach_note", "annot", "other"):
        return '<p style="text-indent:2em">%s</p>' % t
    return mf.html_paragraph(ln, i, False)


def title_html(doc, tag):
    inner = "<br>".join(html.escape(t, quote=False) for t in title_lines(doc))
    if tag == "h1":
        return '<h1 class="article-title">%s</h1>' % inner
    return '<p style="text-align:center"><strong>%s</strong></p>' % inner


def make_html(doc, out_path):
    n = doc["n"]
    with_table = n % 2 == 0
    title_in_h1 = not with_table and n % 4 == 1
    gb = (n // 2) % 2 == 1
    name, host, owner, sponsor, icp, siteid, police = SITE
    open_c, close_c = mf.CONTAINERS[n % len(mf.CONTAINERS)]
    charset = "gb2312" if gb else "utf-8"
    nav = "\n".join('<li><a href="/c%d/">%s</a></li>' % (k, t) for k, t in enumerate(mf.NAV))
    year = doc["date"][:4] if doc["date"] else (doc["year"] if doc["year"] != "0" else "2020")
    table = ""
    if with_table:
        index_no = "%09d/%s-%05d" % (14349 + n, year, 12 + n)
        rows = [("索引号：", index_no, "主题分类：", "综合政务\\其他"),
                ("发文机关：", doc["body"], "成文日期：", written_cn(doc)),
                ("标题：", doc["title"], None, None),
                ("发文字号：", doc["docno"], "发布日期：", published(doc))]
        out = []
        for a, av, b, bv in rows:
            if b is None:
                out.append('<tr><td class="t1"><b>%s</b></td><td colspan="3">%s</td></tr>'
                           % (a, html.escape(av)))
            else:
                out.append('<tr><td class="t1"><b>%s</b></td><td class="t2">%s</td>'
                           '<td class="t1"><b>%s</b></td><td class="t2">%s</td></tr>'
                           % (a, html.escape(av), b, html.escape(bv)))
        table = '<table class="xxgk_table" border="1" cellspacing="0">\n%s\n</table>' % "\n".join(out)
    body, title_done = [], False
    for i, (ln, role) in enumerate(zip(doc["lines"], doc["roles"])):
        if role in NOT_SHOWN["html"] - {"title"}:
            continue
        if role == "title":
            if not title_done and not title_in_h1:
                body.append(title_html(doc, "p"))
            title_done = True
            continue
        body.append(html_line(ln, role, n, i))
    pub = published(doc) or "%s-06-30" % year
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta charset="{charset}">
<meta name="SiteName" content="{name}">
<meta name="ColumnName" content="政策文件">
<title>{html.escape(doc['title'])}_{name}</title>
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
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zhengce/">政策</a> &gt; <span>政策文件</span></div>
<div class="main">
{table}
<div class="article">
{title_html(doc, "h1") if title_in_h1 else ""}
<div class="pages-date">来源：{name}&nbsp;&nbsp;发布时间：{pub} 10:00&nbsp;&nbsp;<span class="font">【字体：<a>大</a> <a>中</a> <a>小</a>】</span>&nbsp;<a href="javascript:window.print()">打印本页</a></div>
<!--正文开始-->
{open_c}
{chr(10).join(body)}
{close_c}
<!--正文结束-->
<div class="share">分享到：<a class="wx">微信</a> <a class="wb">微博</a> <a class="qq">QQ空间</a></div>
<div class="prev-next"><p>上一篇：<a href="/p.htm">关于印发有关工作方案的通知</a></p><p>下一篇：<a href="/n.htm">关于做好有关工作的意见</a></p></div>
</div></div>
<div class="footer"><p>版权所有：{owner}&nbsp;&nbsp;主办单位：{sponsor}</p>
<p><a href="https://beian.miit.gov.cn/">{icp}</a>&nbsp;&nbsp;网站标识码{siteid}&nbsp;&nbsp;{police}</p></div>
</body>
</html>
"""
    with open(out_path, "wb") as f:
        f.write(page.encode("gb18030") if gb else page.encode("utf-8"))
    return {"table": with_table, "title_in_h1": title_in_h1, "encoding": charset}


# ------------------------------------------------------------------- PDF

PDF_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { -webkit-print-color-adjust: exact; }
body { margin: 0; font-family: "Noto Serif CJK SC", serif; font-size: 16pt;
       line-height: 28.9pt; width: 448pt; text-align: justify; }
p { margin: 0; text-indent: 2em; }
.copyno { text-indent: 0; font-family: "Noto Sans CJK SC", sans-serif; }
.banner { text-indent: 0; text-align: center; color: #c00; font-size: 40pt;
          line-height: 60pt; font-weight: bold; margin: 8pt 0 10pt 0;
          border-bottom: 2pt solid #c00; padding-bottom: 14pt; }
.docno { text-indent: 0; text-align: center; margin-bottom: 12pt; }
h1 { font-size: 22pt; line-height: 36pt; font-weight: bold; text-align: center;
     margin: 0 0 28.9pt 0; }
.addressee { text-indent: 0; }
.h1 { font-family: "Noto Sans CJK SC", sans-serif; }
.sign { text-indent: 0; text-align: right; padding-right: 4em; }
.sign.first { margin-top: 28.9pt; }
.label { text-indent: 0; font-family: "Noto Sans CJK SC", sans-serif; }
.label.newpage, .atitle.newpage { page-break-before: always; }
.atitle { text-indent: 0; text-align: center; font-size: 22pt; line-height: 36pt;
          font-weight: bold; margin: 14pt 0; }
.cc { text-indent: 0; font-size: 14pt; line-height: 24pt; padding: 0 1em; }
.ccbox { margin-top: 40pt; border-top: 1pt solid #000; border-bottom: 1pt solid #000; }
"""


def pdf_html(doc):
    parts, i = [], 0
    lines, roles = doc["lines"], doc["roles"]
    first_sign = True
    new_page_done = False
    while i < len(lines):
        ln, role = lines[i], roles[i]
        t = html.escape(ln.strip("\u3000 "), quote=False)
        if role == "page":
            pass
        elif role == "title":
            j = i
            while j < len(lines) and roles[j] == "title":
                j += 1
            parts.append("<h1>%s</h1>" % "<br>".join(html.escape(x, quote=False)
                                                     for x in lines[i:j]))
            i = j
            continue
        elif role == "cc":
            j = i
            while j < len(lines) and roles[j] in ("cc", "page"):
                j += 1
            cc = [html.escape(x.strip(), quote=False) for x, r in zip(lines[i:j], roles[i:j])
                  if r == "cc"]
            parts.append('<div class="ccbox">%s</div>' % "".join(
                '<p class="cc">%s</p>' % x for x in cc))
            i = j
            continue
        elif role in ("signature", "date"):
            parts.append('<p class="sign%s">%s</p>' % (" first" if first_sign else "", t))
            first_sign = False
        elif role == "attach_label" or (role == "attach_title" and not new_page_done
                                         and roles[i - 1] != "attach_label"):
            cls = "label" if role == "attach_label" else "atitle"
            parts.append('<p class="%s newpage">%s</p>' % (cls, t))
            new_page_done = True
        elif role == "attach_title":
            parts.append('<p class="atitle">%s</p>' % t)
        elif role in ("copyno", "banner", "docno", "addressee"):
            parts.append('<p class="%s">%s</p>' % (role, t))
        elif role == "heading":
            parts.append('<p class="h1">%s</p>' % t)
        else:
            parts.append("<p>%s</p>" % t)
        i += 1
    doc_title = "%s_%s" % (doc["title"], SITE[0])
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<title>%s</title><style>%s</style></head><body>\n%s\n</body></html>\n"
            % (html.escape(doc_title), PDF_CSS, "\n".join(parts)))


def make_pdfs(docs, out_dir, tmp, jobs):
    srv_root = os.path.join(tmp, "www")
    os.makedirs(srv_root, exist_ok=True)
    srv = mf.start_server(srv_root)
    port = srv.server_address[1]
    try:
        def one(doc):
            rel = "zhengce/content/%s/content_%d.htm" % (
                (doc["date"] or "2020-06")[:7], 5590000 + 137 * doc["n"])
            src = os.path.join(srv_root, rel)
            os.makedirs(os.path.dirname(src), exist_ok=True)
            with open(src, "w", encoding="utf-8") as f:
                f.write(pdf_html(doc))
            mf.print_pdf("http://www.gov.cn/" + rel,
                         os.path.join(out_dir, doc["stem"] + ".pdf"), port, tmp)
        mf.run_parallel(jobs, docs, one)
    finally:
        srv.shutdown()
        srv.server_close()


# ------------------------------------------------------------------ DOCX

def make_docx(doc, out_path):
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt, Mm, RGBColor

    n = doc["n"]
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp.add_run("— ")
    mf.add_page_number_field(fp)
    fp.add_run(" —")
    cp = d.core_properties
    cp.title, cp.author, cp.subject, cp.keywords = "", "", "", ""
    d.styles["Normal"].font.size = Pt(16)
    rng = random.Random(2000 + n)
    lines, roles = doc["lines"], doc["roles"]
    title_one_para = n % 2 == 1
    i, new_page_done = 0, False

    def para(align=None, indent=False, right=False):
        p = d.add_paragraph()
        if align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "right":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if right:
                p.paragraph_format.right_indent = Pt(64)
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)
        return p

    while i < len(lines):
        ln, role = lines[i], roles[i]
        s = ln.strip("\u3000 ")
        if role == "page":
            pass
        elif role == "title":
            j = i
            while j < len(lines) and roles[j] == "title":
                j += 1
            if title_one_para:
                p = para("center")
                for k, t in enumerate(lines[i:j]):
                    r = p.add_run(t)
                    mf.docx_set_font(r, "方正小标宋简体", size=22)
                    if k < j - i - 1:
                        r.add_break(WD_BREAK.LINE)
            else:
                for t in lines[i:j]:
                    mf.docx_set_font(para("center").add_run(t), "方正小标宋简体", size=22)
            i = j
            continue
        elif role == "copyno":
            mf.docx_set_font(para().add_run(s), "黑体", size=16)
        elif role == "banner":
            r = para("center").add_run(s)
            mf.docx_set_font(r, "方正小标宋简体", size=36)
            r.font.color.rgb = RGBColor(0xCC, 0, 0)
        elif role == "docno":
            mf.docx_set_font(para("center").add_run(s), "仿宋_GB2312", size=16)
        elif role in ("signature", "date"):
            mf.docx_set_font(para("right", right=True).add_run(s), "仿宋_GB2312", size=16)
        elif role == "attach_label" or (role == "attach_title" and not new_page_done
                                         and roles[i - 1] != "attach_label"):
            p = para() if role == "attach_label" else para("center")
            p.paragraph_format.page_break_before = True
            mf.docx_set_font(p.add_run(s), "黑体" if role == "attach_label" else "方正小标宋简体",
                             size=16 if role == "attach_label" else 22)
            new_page_done = True
        elif role == "attach_title":
            mf.docx_set_font(para("center").add_run(s), "方正小标宋简体", size=22)
        elif role == "cc":
            mf.docx_set_font(para().add_run(ln.strip()), "仿宋_GB2312", size=14)
        elif role in ("addressee",):
            mf.docx_set_font(para().add_run(s), "仿宋_GB2312", size=16)
        elif role == "heading":
            mf.docx_set_font(para(indent=True).add_run(s), "黑体", size=16)
        else:
            p = para(indent=True)
            for part in mf.split_runs(s, rng):
                mf.docx_set_font(p.add_run(part), "仿宋_GB2312", size=16)
        i += 1
    d.save(out_path)


# -------------------------------------------------------- index and query

def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def catalogue(args, db):
    r = run([args.query, "--db", db, "--reports", "--json"])
    if r.returncode not in (0, 1):
        raise RuntimeError("baogao-query --reports failed: %s" % r.stderr.strip()[-300:])
    return json.loads(r.stdout).get("reports", [])


def search(args, db, q):
    """Hits of a query as (report stem, text), or None when refused."""
    r = run([args.query, "--db", db, "--json", "--no-collapse", "--limit", "10000", q])
    if r.returncode not in (0, 1) or not r.stdout.strip():
        return None
    try:
        res = json.loads(r.stdout).get("results", [])
    except ValueError:
        return None
    return [(os.path.splitext(os.path.basename(h.get("report", "")))[0], h.get("text", ""))
            for h in res]


def quoted(phrase):
    return '"%s"' % phrase.replace('"', "")


def find_phrases(args, db, phrases, stats):
    """{phrase: [(stem, text)...]} for each phrase, asked in OR-ed batches."""
    out = {}
    phrases = sorted(set(phrases))

    def single(p):
        stats["queries"] += 1
        hits = search(args, db, quoted(p))
        if hits is None:
            short = letters(p)[:12]
            stats["fallback"] += 1
            stats["queries"] += 1
            hits = search(args, db, quoted(short)) if short else []
            if hits is None:
                stats["refused"].append(p)
                hits = []
        return hits

    def batch(group):
        stats["queries"] += 1
        hits = search(args, db, " OR ".join(quoted(p) for p in group))
        if hits is None:
            if len(group) == 1:
                out[group[0]] = single(group[0])
                return
            half = len(group) // 2
            batch(group[:half])
            batch(group[half:])
            return
        for p in group:
            out[p] = hits

    for k in range(0, len(phrases), args.batch):
        batch(phrases[k:k + args.batch])
    return out


class Stream:
    """A document's text as a format shows it: the letters of its lines in
    order, each line's span remembered, to tell what a passage is made of."""

    def __init__(self, doc, fmt):
        self.doc = doc
        self.text, self.spans = "", []
        hidden = NOT_SHOWN[fmt] - {"title"}
        for i, (ln, role) in enumerate(zip(doc["lines"], doc["roles"])):
            if role in hidden:
                continue
            t = letters(ln)
            if t:
                self.spans.append((len(self.text), len(self.text) + len(t), i, role))
                self.text += t
        self.frame_exact = collections.defaultdict(set)
        for st, en, i, role in self.spans:
            if role not in ("content", "heading", "title"):
                self.frame_exact[self.text[st:en]].add(i)

    def frame_lines(self, text):
        """(is the passage frame, the frame lines it holds). A passage is
        content when one of its places in the text lies in content lines
        only, or the title when in title lines only; a passage that is
        exactly a frame line (a signature 国务院办公厅 is also in many
        bodies) and no content line is that frame line; otherwise the frame
        lines its places overlap (at least 4 letters, or the whole line)."""
        t = letters(text)
        if not t or t == letters(self.doc["title"]):
            return False, set()
        if t in self.frame_exact and t not in self.doc["content_set"]:
            return True, set(self.frame_exact[t])
        found, pos = set(), self.text.find(t)
        if pos < 0:
            if t in self.doc["content_joined"]:
                return False, set()
            return True, {i for st, en, i, role in self.spans
                          if role not in ("content", "heading", "title")
                          and self.text[st:en] in t}
        while pos >= 0:
            end = pos + len(t)
            over = [(min(en, end) - max(st, pos), en - st, i, role)
                    for st, en, i, role in self.spans if st < end and en > pos]
            kinds = {role for _, _, _, role in over}
            if kinds <= {"content", "heading"} or kinds == {"title"}:
                return False, set()
            found |= {i for ov, ln, i, role in over
                      if role not in ("content", "heading", "title") and ov >= min(4, ln)}
            pos = self.text.find(t, pos + 1)
        return True, found


def content_samples(doc, rng):
    lines, roles = doc["lines"], doc["roles"]
    idx = [i for i, r in enumerate(roles) if r in ("content", "heading") and letters(lines[i])]
    if not idx:
        return []
    picks = [idx[0]]
    sig = next((i for i, r in enumerate(roles) if r in ("signature", "date", "attach_note")), None)
    if sig is not None:
        before = [i for i in idx if i < sig]
        if before:
            picks.append(before[-1])
        after = [i for i in idx if i > sig]
        if after:
            picks.append(after[0])
    rest = [i for i in idx if i not in picks]
    rng.shuffle(rest)
    picks += rest[:max(0, 5 - len(picks))]
    out = []
    for i in picks[:5]:
        s = lines[i].strip("\u3000 ")
        # A window inside one sentence: passages may split a paragraph at
        # its sentences (a heading run into its paragraph, 一是…二是…).
        sentences = [x for x in re.findall(r"[^。；！？]+[。；！？]?", s) if len(letters(x)) >= 6]
        if len(s) <= 24 and len(sentences) <= 1:
            w = s
        else:
            x = rng.choice(sentences) if sentences else s
            if len(x) <= 16:
                w = x
            else:
                st = rng.randrange(0, len(x) - 16)
                w = x[st:st + 16]
        out.append((i, w))
    return out


def delve_stray(db, streams):
    """Passages, read back with xapian-delve, that are neither the title nor
    content text of their document (attachment titles, heading passages by
    design, left out): [(stem, text, roles of the frame lines they hold)]."""
    import eval_formats
    out = []
    for p in eval_formats.delve_passages(db):
        stem = os.path.splitext(os.path.basename(p.get("report", "")))[0]
        st = streams.get(stem)
        if st is None:
            continue
        text = p.get("text", "")
        is_frame, lines = st.frame_lines(text)
        if is_frame and letters(text) not in st.doc["attach_titles"]:
            out.append((stem, text, sorted({st.doc["roles"][i] for i in lines})))
    return out


# -------------------------------------------------------------- measuring

def compare(doc, rep):
    got = {"title": rep.get("title") or "", "body": rep.get("body") or "",
           "date": rep.get("date") or "", "year": str(rep.get("year") or 0),
           "docno": rep.get("docno") or "", "kind": rep.get("kind") or ""}
    ok = {"title": strip_ws(got["title"]) == strip_ws(doc["title"]),
          "body": body_set(got["body"]) == body_set(doc["body"]),
          "date": got["date"] == doc["date"],
          "year": got["year"] == doc["year"],
          "docno": norm_docno(got["docno"]) == norm_docno(doc["docno"]),
          "kind": got["kind"] == doc["kind"]}
    return ok, got


def measure(args, fmt, docs, tmp):
    docs_by_stem = {d["stem"]: d for d in docs}
    out_dir = os.path.join(tmp, fmt)
    os.makedirs(out_dir, exist_ok=True)
    t0 = time.time()
    info = {}
    if fmt == "txt":
        for d in docs:
            shutil.copy(os.path.join(tmp, "src", d["file"]), os.path.join(out_dir, d["file"]))
    elif fmt == "html":
        for d in docs:
            info[d["stem"]] = make_html(d, os.path.join(out_dir, d["stem"] + ".html"))
    elif fmt == "docx":
        for d in docs:
            make_docx(d, os.path.join(out_dir, d["stem"] + ".docx"))
    elif fmt == "pdf":
        make_pdfs(docs, out_dir, tmp, args.jobs)
    t_gen = time.time() - t0

    db = os.path.join(tmp, "db-" + fmt)
    files = [os.path.join(out_dir, d["stem"] + EXT[fmt]) for d in docs]
    t0 = time.time()
    r = run([args.index, "--db", db, "--quiet"] + files)
    t_index = time.time() - t0
    index_errors = [ln for ln in r.stderr.splitlines() if ln.strip()]
    if r.returncode not in (0, 1):
        index_errors.append("baogao-index exit %d" % r.returncode)

    t0 = time.time()
    cat = {os.path.splitext(os.path.basename(rep["report"]))[0]: rep for rep in catalogue(args, db)}
    fields = collections.Counter()
    right = 0
    fails = collections.defaultdict(list)
    for d in docs:
        rep = cat.get(d["stem"])
        if rep is None:
            for f in FIELDS + ["kind"]:
                fails[f].append((d, "(not indexed)"))
            continue
        ok, got = compare(d, rep)
        for f in FIELDS + ["kind"]:
            if ok[f]:
                fields[f] += 1
            else:
                fails[f].append((d, got[f]))
        if all(ok[f] for f in FIELDS):
            right += 1

    # Frame lines and content windows, searched.
    rng = random.Random(args.seed)
    frame_tasks, content_tasks = [], []
    for d in docs:
        for i, (ln, role) in enumerate(zip(d["lines"], d["roles"])):
            if role in ("content", "heading", "page") or role in NOT_SHOWN[fmt]:
                continue
            if not letters(ln):
                continue
            frame_tasks.append((d, i, role, ln.strip("\u3000 ")))
        for i, w in content_samples(d, rng):
            content_tasks.append((d, i, w))
    stats = {"queries": 0, "fallback": 0, "refused": []}
    streams = {d["stem"]: Stream(d, fmt) for d in docs}
    found = find_phrases(args, db, [t[3] for t in frame_tasks] + [t[2] for t in content_tasks],
                         stats)
    frame_found = collections.Counter()
    frame_total = collections.Counter()
    for d, i, role, ln in frame_tasks:
        frame_total[role] += 1
        bad = [text for stem, text in found.get(ln, [])
               if stem == d["stem"] and i in streams[stem].frame_lines(text)[1]]
        if bad:
            frame_found[role] += 1
            if role != "attach_title":  # heading passages by design
                fails["frame:" + role].append((d, i, bad[0]))
    content_ok, content_split = 0, 0
    missed = []
    for d, i, w in content_tasks:
        key = letters(w)
        if any(stem == d["stem"] and key in letters(text) for stem, text in found.get(w, [])):
            content_ok += 1
        else:
            missed.append((d, i, w))
    # A window not in one passage: split between two passages (the text is
    # there, cut where the reader saw a paragraph end), or lost.
    ends = {(d["stem"], i): (w[:5], w[-5:]) for d, i, w in missed}
    more = find_phrases(args, db, [x for pair in ends.values() for x in pair if letters(x)],
                        stats) if ends else {}
    for d, i, w in missed:
        a, b = ends[(d["stem"], i)]
        pa = [letters(t) for stem, t in more.get(a, []) if stem == d["stem"]
              and letters(a) in letters(t)]
        pb = [letters(t) for stem, t in more.get(b, []) if stem == d["stem"]
              and letters(b) in letters(t)]
        if any(letters(w) in x + y for x in pa for y in pb):
            content_ok += 1
            content_split += 1
            fails["content split"].append((d, i, w))
        else:
            fails["content"].append((d, i, w))
    stray = []
    if shutil.which("xapian-delve") and not args.no_delve:
        stray = delve_stray(db, streams)
        for stem, text, roles in stray:
            fails["stray"].append((docs_by_stem[stem], text, roles))
    t_query = time.time() - t0

    n = len(docs)
    gated = sum(frame_found[k] for k in GATED)
    row = {"format": fmt, "docs": n, "indexed": len(cat),
           "all_right": 100.0 * right / n if n else 0.0,
           "fields": {f: 100.0 * fields[f] / n for f in FIELDS + ["kind"]},
           "frame_found": dict(frame_found), "frame_total": dict(frame_total),
           "frame_gated": gated, "frame_gated_total": sum(frame_total[k] for k in GATED),
           "content_ok": content_ok, "content_total": len(content_tasks),
           "content_split": content_split,
           "content_pct": 100.0 * content_ok / len(content_tasks) if content_tasks else 100.0,
           "stray": len(stray) if shutil.which("xapian-delve") and not args.no_delve else None,
           "queries": stats["queries"], "refused": stats["refused"],
           "index_errors": index_errors,
           "seconds": {"render": t_gen, "index": t_index, "check": t_query}}
    return row, fails, info


# ---------------------------------------------------------------- report

def context(doc, field, line=None):
    """The document's lines around the problem, numbered."""
    lines, roles = doc["lines"], doc["roles"]
    if line is not None:
        lo, hi = max(0, line - 2), min(len(lines), line + 3)
    elif field in ("title", "docno", "kind"):
        first = next((i for i, r in enumerate(roles) if r in ("content", "heading")), len(lines))
        lo, hi = 0, min(len(lines), first + 1)
    else:
        sig = [i for i, r in enumerate(roles) if r in ("signature", "date")]
        if sig:
            lo, hi = max(0, sig[0] - 2), min(len(lines), sig[-1] + 3)
        else:
            lo, hi = 0, min(len(lines), 4)
            tail = [i for i, r in enumerate(roles) if r in ("content", "heading")][-1:]
            if tail:
                out = ["%4d %-6s %s" % (i + 1, roles[i], lines[i][:70]) for i in range(lo, hi)]
                out.append("     …")
                out += ["%4d %-6s %s" % (i + 1, roles[i], lines[i][:70])
                        for i in range(max(hi, tail[0] - 1), len(lines))]
                return out
    return ["%4d %-6s %s" % (i + 1, roles[i], lines[i][:70]) for i in range(lo, hi)]


def fmt_pct(v):
    return "%.1f" % v


def markdown(rows):
    out = ["| format | docs | all five right % | title | body | date | year | docno "
           "| frame lines found as passages | content lines found % |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        f = r["fields"]
        split = ", %d split" % r["content_split"] if r["content_split"] else ""
        out.append("| %s | %d | %s | %s | %s | %s | %s | %s | %d of %d | %s (%d/%d%s) |" % (
            r["format"], r["docs"], fmt_pct(r["all_right"]), fmt_pct(f["title"]),
            fmt_pct(f["body"]), fmt_pct(f["date"]), fmt_pct(f["year"]), fmt_pct(f["docno"]),
            r["frame_gated"], r["frame_gated_total"], fmt_pct(r["content_pct"]),
            r["content_ok"], r["content_total"], split))
    out.append("")
    out.append("| format | kind right % | other frame lines found (of shown) | stray passages "
               "| render s | index s | check s (queries) |")
    out.append("|---|---|---|---|---|---|---|")
    for r in rows:
        other = ", ".join("%s %d/%d" % (KIND_NAMES.get(k, k), r["frame_found"].get(k, 0), v)
                          for k, v in sorted(r["frame_total"].items()) if k not in GATED)
        s = r["seconds"]
        out.append("| %s | %s | %s | %s | %.1f | %.1f | %.1f (%d) |" % (
            r["format"], fmt_pct(r["fields"]["kind"]), other or "–",
            "–" if r["stray"] is None else r["stray"], s["render"], s["index"], s["check"],
            r["queries"]))
    return "\n".join(out)


def print_failures(rows, all_fails, k):
    for r in rows:
        fails = all_fails[r["format"]]
        if not any(fails.values()) and not r["index_errors"] and not r["refused"]:
            continue
        print("\n### %s" % r["format"])
        for e in r["index_errors"][:k]:
            print("index: %s" % e)
        for p in r["refused"][:k]:
            print("query refused: %s" % p)
        for kind in ["title", "body", "date", "year", "docno", "kind"]:
            if not fails.get(kind):
                continue
            print("\n%s wrong: %d" % (kind, len(fails[kind])))
            for d, got in fails[kind][:k]:
                print("- %s: truth %r, got %r" % (d["file"], d[kind] or None, got or None))
                for ln in context(d, kind):
                    print("    " + ln)
        for key in sorted(x for x in fails if x.startswith("frame:")):
            role = key.split(":", 1)[1]
            print("\nframe line found as a passage (%s): %d" % (KIND_NAMES.get(role, role),
                                                                 len(fails[key])))
            for d, i, text in fails[key][:k]:
                print("- %s line %d: passage %r" % (d["file"], i + 1, text[:90]))
                for ln in context(d, None, i):
                    print("    " + ln)
        if fails.get("content"):
            print("\ncontent line not found: %d" % len(fails["content"]))
            for d, i, w in fails["content"][:k]:
                print("- %s line %d: phrase %r" % (d["file"], i + 1, w))
                for ln in context(d, None, i):
                    print("    " + ln)
        if fails.get("content split"):
            print("\ncontent line split between two passages (counted as found): %d"
                  % len(fails["content split"]))
            for d, i, w in fails["content split"][:k]:
                print("- %s line %d: phrase %r" % (d["file"], i + 1, w))
                for ln in context(d, None, i):
                    print("    " + ln)
        if fails.get("stray"):
            print("\nstray passages (neither title, content nor attachment title): %d"
                  % len(fails["stray"]))
            for d, text, roles in fails["stray"][:k]:
                print("- %s: %r holds %s" % (d["file"], text[:90],
                                            ", ".join(KIND_NAMES.get(r, r) for r in roles) or "?"))


def meets(r):
    return (r["all_right"] >= TARGET_RIGHT and r["frame_gated"] == 0
            and r["content_pct"] >= TARGET_CONTENT and r["indexed"] == r["docs"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--query", required=True)
    ap.add_argument("--count", type=int, default=60)
    ap.add_argument("--seed", type=int, default=9704)
    ap.add_argument("--corpus", default=None)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--json-out")
    ap.add_argument("--examples", type=int, default=5)
    ap.add_argument("--batch", type=int, default=40, help="phrases OR-ed in one query")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="Chromium processes at once")
    ap.add_argument("--no-delve", action="store_true", help="skip the stray-passage count")
    ap.add_argument("--keep", help="keep fixtures and indexes in this directory")
    args = ap.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    bad = set(formats) - set(FORMATS)
    if bad:
        sys.exit("eval_official.py: unknown format: " + ", ".join(sorted(bad)))
    for b in (args.index, args.query):
        if not os.access(b, os.X_OK):
            sys.exit("eval_official.py: not executable: %s" % b)
    args.index, args.query = os.path.abspath(args.index), os.path.abspath(args.query)

    if args.keep:
        tmp = os.path.abspath(args.keep)
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
        os.makedirs(tmp)
    else:
        tmp = tempfile.mkdtemp(prefix="bg-official-")
    env_home = os.path.join(tmp, "home")
    os.makedirs(env_home, exist_ok=True)
    os.environ.update({"HOME": env_home, "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": "",
                       "BAOGAO_DB": "", "NO_COLOR": "1"})
    try:
        cmd = ["/usr/bin/python3", os.path.join(HERE, "make_official_fixtures.py"),
               os.path.join(tmp, "src"), "--count", str(args.count), "--seed", str(args.seed)]
        if args.corpus:
            cmd += ["--corpus", args.corpus]
        r = run(cmd)
        if r.returncode != 0:
            sys.exit("eval_official.py: make_official_fixtures.py failed: " + r.stderr[-500:])
        docs = load_docs(os.path.join(tmp, "src"))
        unknown = [(d["file"], i + 1) for d in docs for i, x in enumerate(d["roles"]) if x == "other"]
        if unknown:
            print("eval_official.py: frame lines of no known kind: %s" % unknown[:10],
                  file=sys.stderr)
        rows, all_fails = [], {}
        for fmt in formats:
            row, fails, _ = measure(args, fmt, docs, tmp)
            rows.append(row)
            all_fails[fmt] = fails
            print("%-4s done: render %.1f s, index %.1f s, check %.1f s" % (
                fmt, row["seconds"]["render"], row["seconds"]["index"], row["seconds"]["check"]),
                file=sys.stderr)
        print("Official documents: %d (seed %d), targets: all five right >= %.0f%%, no frame "
              "line (发文字号, 主送, 署名, 成文日期, 抄送/印发) a passage, content >= %.0f%%\n"
              % (len(docs), args.seed, TARGET_RIGHT, TARGET_CONTENT))
        print(markdown(rows))
        print_failures(rows, all_fails, args.examples)
        if args.json_out:
            with open(args.json_out, "w", encoding="utf-8") as f:
                json.dump({"count": len(docs), "seed": args.seed, "rows": rows,
                           "failures": {fmt: {k: [
                               {"file": v[0]["file"], "detail": [str(x) for x in v[1:]]}
                               for v in vals] for k, vals in fails.items()}
                               for fmt, fails in all_fails.items()}},
                          f, ensure_ascii=False, indent=1)
        failed = [r["format"] for r in rows if not meets(r)]
        if args.check and failed:
            print("\nbelow target: %s" % ", ".join(failed))
            return 1
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
