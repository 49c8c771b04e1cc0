#!/usr/bin/python3
"""make_html_fixtures.py — writes the HTML fixtures of tests/test_format_html.c
into tests/fixtures/formats/ from the committed report
corpus/shaoguan-qujiang-fazhi-2022.txt (one paragraph per line).

Three pages in the shapes government portals use, each wrapping the report in
the furniture the reader must strip:

  html-govcn.html       UTF-8, www.gov.cn style: header + nav, breadcrumb,
                        metadata table (labels and values in separate cells,
                        labels spaced with &nbsp; and U+3000), title split by
                        <br>, date/source/font-size line, the article in
                        #UCAP-CONTENT.pages_content with indentation, source
                        line breaks inside CJK text and <strong> headings,
                        share and print bars, related links, footer with
                        版权所有/ICP/网站标识码.
  html-province.html    GB18030 with <meta charset=gb2312>, provincial style:
                        layout tables, a left column of links, metadata as
                        <li> items with label and value in one text
                        ("发文字号：韶曲府〔2023〕3号"), the article in
                        TRS_Editor > Custom_UnionStyle, a signature and date.
  html-density.html     UTF-8 bytes under a lying <meta charset=gb2312>, no
                        known id or class anywhere (only density can find
                        the article), paragraphs separated by <br>, a side
                        column of long link titles, the title only in <h1>
                        and in <title> with a "—site" suffix.

Run: /usr/bin/python3 tests/formats/make_html_fixtures.py [REPO]
The output is deterministic; the test expects exactly the report's lines
(plus the title line first)."""

import html
import os
import sys

REPO = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
REPORT = os.path.join(REPO, "corpus", "shaoguan-qujiang-fazhi-2022.txt")
OUT = os.path.join(REPO, "tests", "fixtures", "formats")

TITLE = "韶关市曲江区2022年度法治政府建设情况报告"
TITLE_A, TITLE_B = "韶关市曲江区", "2022年度法治政府建设情况报告"


def is_ideograph(c):
    return "\u3400" <= c <= "\u9fff"


def wrap_source(text, width=60):
    """Breaks long text the way CMS editors leave it in the source: newlines
    and indentation, only between two ideographs (where the reader must join
    them without a space)."""
    out, run = [], 0
    for i, c in enumerate(text):
        out.append(html.escape(c, quote=False))
        run += 1
        if run >= width and i + 1 < len(text) and is_ideograph(c) and is_ideograph(text[i + 1]):
            out.append("\n        ")
            run = 0
    return "".join(out)


def is_heading(p):
    return p[:2] in ("一、", "二、", "三、", "四、")


NAV = ["首页", "走进曲江", "政务公开", "政务服务", "互动交流", "专题专栏", "数据开放"]
RELATED = ["曲江区2021年度法治政府建设情况报告", "韶关市2022年度法治政府建设情况报告",
           "曲江区人民政府2022年政府信息公开工作年度报告"]


def govcn(paras):
    nav = "".join(f'<li><a href="/{i}/">{n}</a></li>' for i, n in enumerate(NAV))
    body = []
    for k, p in enumerate(paras):
        if is_heading(p):
            body.append(f'<p style="text-indent:2em"><strong>{html.escape(p)}</strong></p>')
        elif k % 3 == 0:
            body.append(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{wrap_source(p)}</p>")
        elif k % 3 == 1:
            body.append(f'<p style="text-indent:2em">\u3000\u3000{wrap_source(p)}</p>')
        else:
            half = len(p) // 2
            while not (is_ideograph(p[half - 1]) and is_ideograph(p[half])):
                half += 1
            body.append(f"<p><span>{html.escape(p[:half])}</span><span>{html.escape(p[half:])}</span></p>")
    related = "".join(f'<li><a href="/r{i}.html">{t}</a></li>' for i, t in enumerate(RELATED))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="ArticleTitle" content="{TITLE}">
<meta name="PubDate" content="2023-01-18 10:30">
<meta name="ContentSource" content="韶关市曲江区司法局">
<title>{TITLE}_政府信息公开_韶关市曲江区人民政府门户网站</title>
<style>.pages_content p {{ line-height: 2; }}</style>
<script>var _hmt = _hmt || []; document.write("<div>统计代码</div>");</script>
</head>
<body>
<div class="header"><div class="logo">韶关市曲江区人民政府</div>
<ul class="nav">{nav}</ul>
<form class="search"><input type="text" value="请输入关键词"><button>搜索</button></form></div>
<div class="BreadcrumbNav">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/fzzf/">法治政府建设</a></div>
<div class="policyLibraryOverview_header">
<table class="bd1" cellpadding="0" cellspacing="1" width="100%">
<tbody>
<tr><td width="79"><b>索&nbsp;&nbsp;引&nbsp;&nbsp;号：</b></td><td width="244">007220339/2023-00012</td>
<td width="85"><b>主题分类：</b></td><td>司法、法治政府建设</td></tr>
<tr><td><b>发文机关：</b></td><td>韶关市曲江区人民政府</td>
<td><b>成文日期：</b></td><td>2023年01月16日</td></tr>
<tr><td><b>标\u3000\u3000题：</b></td><td colspan="3">{TITLE}</td></tr>
<tr><td><b>发文字号：</b></td><td>韶曲府〔2023〕3号</td>
<td><b>发布日期：</b></td><td>2023年01月18日</td></tr>
</tbody></table></div>
<div class="article oneColumn pub_border">
<h1>{TITLE_A}<br>
{TITLE_B}</h1>
<div class="pages-date">2023-01-18 10:30 <span class="font">来源：韶关市曲江区司法局</span>
<span class="font index_switchsize">【字体：<span>大</span> <span>中</span> <span>小</span>】</span></div>
<div class="pages_content" id="UCAP-CONTENT">
{chr(10).join(body)}
</div>
<div class="pages_print"><div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<span class="print"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></span></div>
<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>
</div>
<div class="footer"><p>主办单位：韶关市曲江区人民政府办公室 <a href="/lxwm/">联系我们</a> <a href="/map/">网站地图</a></p>
<p>版权所有：韶关市曲江区人民政府 网站标识码：4402210001 <a href="https://beian.miit.gov.cn">粤ICP备05012345号</a></p>
<p>粤公网安备 44020502000123号</p></div>
<script src="/js/share.js"></script>
</body>
</html>
"""


def province(paras):
    side = "".join(f'<tr><td><a href="/l{i}.html">{n}</a></td></tr>' for i, n in enumerate(NAV))
    body = []
    for k, p in enumerate(paras):
        if k % 2:
            body.append(f'<p style="text-indent:2em;">{wrap_source(p, 40)}</p>')
        else:
            body.append(f'<p align="justify">\u3000\u3000<font face="仿宋_GB2312">{wrap_source(p, 40)}</font></p>')
    body.append('<p align="right">韶关市曲江区人民政府</p>')
    body.append('<p align="right">2023年1月16日</p>')
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{TITLE}-韶关市曲江区人民政府</title>
<script language="javascript">function doZoom(size){{document.getElementById('zoom').style.fontSize=size+'px';}}</script>
</head>
<body>
<table width="1000" border="0" align="center"><tr><td class="top">
<img src="/images/banner.jpg" alt="曲江区人民政府"></td></tr></table>
<table width="1000" border="0" align="center"><tr>
<td width="220" valign="top" class="left"><table>{side}</table></td>
<td valign="top">
<div class="xxgk_head"><ul>
<li>索引号：007220339/2023-00012</li><li>分类：司法、法治政府建设</li>
<li>发布机构：韶关市曲江区人民政府</li><li>成文日期：2023-01-16</li>
<li>标\u3000\u3000题：{TITLE}</li>
<li>发文字号：韶曲府〔2023〕3号</li><li>发布日期：2023-01-18</li>
</ul></div>
<div class="xxgk_title">{TITLE}</div>
<div class="TRS_Editor"><div class="Custom_UnionStyle">
{chr(10).join(body)}
</div></div>
<div align="center">【<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】 【<a href="javascript:window.print()">打印</a>】 【<a href="javascript:window.close()">关闭</a>】</div>
</td></tr></table>
<table width="1000" align="center"><tr><td align="center">版权所有：韶关市曲江区人民政府 粤ICP备05012345号<br>
地址：韶关市曲江区马坝镇 电话：0751-6661234</td></tr></table>
</body>
</html>
"""


def density(paras):
    side = "".join(f'<a href="/n{i}.html">{t}</a><br>\n' for i, t in enumerate(RELATED * 2))
    body = "<br>\n".join(wrap_source(p, 50) for p in paras)
    return f"""<html><head>
<meta http-equiv="content-type" content="text/html; charset=gb2312" />
<title>{TITLE} — 曲江政府网</title></head>
<body>
<div class="a1"><a href="/">首页</a> | <a href="/x">新闻中心</a> | <a href="/y">政务公开</a> | <a href="/z">办事服务</a></div>
<div class="w2">
<div class="c3">
<h1>{TITLE}</h1>
<div class="d4">
{body}
</div>
</div>
<div class="r5"><b>最新文章</b><br>
{side}</div>
</div>
<div class="f6">Copyright 2023 曲江区人民政府 版权所有</div>
</body></html>
"""


def main():
    with open(REPORT, encoding="utf-8") as f:
        paras = [line.rstrip("\n") for line in f if line.strip()]
    os.makedirs(OUT, exist_ok=True)
    pages = [("html-govcn.html", govcn(paras), "utf-8"),
             ("html-province.html", province(paras[:10]), "gb18030"),
             ("html-density.html", density(paras[:8]), "utf-8")]
    for name, text, enc in pages:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(text.encode(enc))
        print(name, len(text.encode(enc)), "bytes")


if __name__ == "__main__":
    main()
