#!/usr/bin/python3
"""make_docx_fixtures.py — writes the small DOCX fixtures of tests/test_format_docx.c
into tests/fixtures/formats/ (run with /usr/bin/python3, which has python-docx):

  qujiang-styles.docx    corpus/shaoguan-qujiang-fazhi-2022.txt, 一、 lines in style
                         Heading 1, (一) lines in Heading 2, an indent of U+3000 on
                         body lines, empty paragraphs between, core title set;
                         qujiang-styles.expected.txt holds the lines it must give
  gbt9704.docx           GB/T 9704 direct formatting (黑体/楷体/bold), a two-line
                         title, a table with merged and multi-paragraph cells, a
                         tracked change, fields (TOC, HYPERLINK), a text box written
                         as mc:Choice + mc:Fallback, a footnote (footnotes.xml
                         added at ZIP level: python-docx cannot write one)
  garbage.docx           deterministic random bytes
  truncated.docx         the first 3000 bytes of qujiang-styles.docx
  encrypted.docx         the start of an OLE2 compound file naming an
                         "EncryptedPackage" stream (what Office writes for a
                         password-protected DOCX); only its signature and the
                         stream name matter to the reader

and the seeds of fuzz/fuzz_docx.c in fuzz/corpus/docx/ (a small package, two
document.xml bodies the target wraps in a package itself, an OLE2 header).

  --large SRC OUT        writes a DOCX of the text file SRC (one paragraph per
                         line) for timing; not a fixture, do not commit it
"""
import io
import os
import random
import sys
import zipfile
from datetime import datetime

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(REPO, "tests", "fixtures", "formats")
CORPUS = os.path.join(REPO, "corpus", "shaoguan-qujiang-fazhi-2022.txt")
TITLE = "韶关市曲江区2022年度法治政府建设情况报告"
W = nsdecls("w")
FIXED_TIME = datetime(2023, 1, 1)


def set_east_asian_font(run, name):
    """Sets a run's font the way Word does for Chinese text: w:ascii/w:hAnsi
    through python-docx, w:eastAsia by hand."""
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def save_deterministic(document, path, extra_parts=None, rels=None, content_types=None):
    """Saves with fixed ZIP timestamps (reproducible bytes) and optionally adds
    parts, relationships and content-type overrides."""
    raw = io.BytesIO()
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if rels and info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            if content_types and info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", content_types.encode() + b"</Types>")
            dst.writestr(zipfile.ZipInfo(info.filename, (2023, 1, 1, 0, 0, 0)), data,
                         zipfile.ZIP_DEFLATED)
        for name, data in (extra_parts or {}).items():
            dst.writestr(zipfile.ZipInfo(name, (2023, 1, 1, 0, 0, 0)), data.encode(),
                         zipfile.ZIP_DEFLATED)


def heading_kind(line):
    if line[:2] in ("一、", "二、", "三、", "四、", "五、"):
        return 1
    if line.startswith("("):
        return 2
    return 0


def make_styles_fixture():
    lines = [l.rstrip("\n") for l in open(CORPUS, encoding="utf-8") if l.strip()]
    d = docx.Document()
    d.core_properties.title = TITLE
    for i, line in enumerate(lines):
        kind = heading_kind(line)
        if kind:
            d.add_paragraph(line, style="Heading %d" % kind)
        else:
            d.add_paragraph("\u3000\u3000" + line + " ")
        if i % 5 == 0:
            d.add_paragraph("\u3000 \u00a0")
    save_deterministic(d, os.path.join(OUT, "qujiang-styles.docx"))
    with open(os.path.join(OUT, "qujiang-styles.expected.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def add_xml(d, xml):
    """Appends a paragraph written as XML where python-docx would: before the
    body's final w:sectPr."""
    d.element.body.sectPr.addprevious(parse_xml(xml))


def make_gbt9704_fixture():
    d = docx.Document()
    # A table of contents as Word writes it: a TOC field whose result repeats
    # the headings; none of it is document text.
    add_xml(d, '<w:p %s><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
               '<w:r><w:t>一、目录中的标题</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:p>' % W)
    add_xml(d, '<w:p %s><w:r><w:t>二、目录中的第二个标题</w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>' % W)

    # Two-line title: one paragraph, a line break inside, bold 小标宋.
    p = d.add_paragraph()
    r = p.add_run("韶关市曲江区")
    r.bold = True
    set_east_asian_font(r, "方正小标宋简体")
    r.add_break()
    r = p.add_run("2022年度法治政府建设情况报告")
    r.bold = True
    set_east_asian_font(r, "方正小标宋简体")

    def para(text, font="仿宋_GB2312", bold=False, indent=True):
        p = d.add_paragraph()
        r = p.add_run(("\u3000\u3000" if indent else "") + text)
        r.bold = bold
        set_east_asian_font(r, font)
        return p

    para("2022年，我区扎实推进法治政府建设工作。")
    para("一、坚持党的领导", font="黑体")
    para("（一）深入学习贯彻习近平法治思想。", font="楷体_GB2312")
    para("我区举办了学习贯彻习近平法治思想专题研讨班。")
    para("1.健全依法决策机制", bold=True)
    # Bold lead-in then plain text: a body paragraph.
    p = d.add_paragraph()
    r = p.add_run("一是")
    r.bold = True
    set_east_asian_font(r, "仿宋_GB2312")
    r = p.add_run("完善制度。")
    set_east_asian_font(r, "仿宋_GB2312")
    # 黑体 heading that is too long to be one: a body paragraph.
    para("这是一段用黑体排版的很长的正文，它说明了一件事情，然后又说明了另一件事情，"
         "长度超过了四十个字符，所以不是标题。", font="黑体")
    # Tracked changes: deleted text skipped, inserted text kept.
    add_xml(d, '<w:p %s><w:r><w:t>共办理人大代表建议</w:t></w:r>'
               '<w:del w:id="1" w:author="a" w:date="2023-01-01T00:00:00Z"><w:r><w:delText>65</w:delText></w:r></w:del>'
               '<w:ins w:id="2" w:author="a" w:date="2023-01-01T00:00:00Z"><w:r><w:t>56</w:t></w:r></w:ins>'
               '<w:r><w:t>件。</w:t></w:r></w:p>' % W)
    # A hyperlink field: instruction skipped, result kept; a footnote mark.
    add_xml(d, '<w:p %s><w:r><w:t xml:space="preserve">详见 </w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://www.qujiang.gov.cn/" </w:instrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
               '<w:r><w:t>曲江区政府网</w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
               '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
               '<w:r><w:t>。</w:t></w:r></w:p>' % W)
    # A text box, written twice as Word does (DrawingML choice, VML fallback).
    box = ('<w:txbxContent><w:p><w:r><w:t>文本框中的说明</w:t></w:r></w:p></w:txbxContent>')
    add_xml(d, '<w:p %s %s %s %s><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
               '<wp:anchor><wps:wsp><wps:txbx>%s</wps:txbx></wps:wsp></wp:anchor></w:drawing></mc:Choice>'
               '<mc:Fallback><w:pict><v:shape><v:textbox>%s</v:textbox></v:shape></w:pict></mc:Fallback>'
               '</mc:AlternateContent></w:r></w:p>'
               % (W, 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
                  'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
                  'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"',
                  'xmlns:v="urn:schemas-microsoft-com:vml"', box, box))
    # Tabs, a line break between ASCII words, symbols.
    add_xml(d, '<w:p %s><w:r><w:t>姓名</w:t><w:tab/><w:t>张三</w:t></w:r></w:p>' % W)
    add_xml(d, '<w:p %s><w:r><w:t>Rule of</w:t><w:br/><w:t>law</w:t>'
               '<w:noBreakHyphen/><w:t>based</w:t><w:sym w:font="Wingdings" w:char="F0FC"/>'
               '<w:sym w:font="SimSun" w:char="221A"/></w:r></w:p>' % W)

    # Table: header row, a row of two paragraphs per cell, vertical merge.
    t = d.add_table(rows=4, cols=2)
    t.cell(0, 0).text = "a"
    t.cell(0, 1).text = "b"
    c = t.cell(1, 0)
    c.text = "第一段"
    c.add_paragraph("第二段")
    c = t.cell(1, 1)
    c.text = "foo"
    c.add_paragraph("bar")
    merged = t.cell(2, 0).merge(t.cell(3, 0))
    merged.text = "合并单元格"
    t.cell(2, 1).text = "上"
    t.cell(3, 1).text = "下"
    d.add_paragraph("\u3000")
    para("此页无正文。", indent=False)

    footnotes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<w:footnotes %s>'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>'
                 '<w:r><w:t xml:space="preserve"> 数据来源于</w:t></w:r><w:r><w:t>区统计局。</w:t></w:r></w:p></w:footnote>'
                 '</w:footnotes>' % W)
    rel = ('<Relationship Id="rIdFootnotes1" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/footnotes" Target="footnotes.xml"/>')
    ct = ('<Override PartName="/word/footnotes.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>')
    d.core_properties.title = "Microsoft Word - 报告.docx"
    save_deterministic(d, os.path.join(OUT, "gbt9704.docx"), {"word/footnotes.xml": footnotes},
                       rel, ct)


def make_broken_fixtures():
    rng = random.Random(9704)
    with open(os.path.join(OUT, "garbage.docx"), "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(1500)))
    with open(os.path.join(OUT, "qujiang-styles.docx"), "rb") as f:
        head = f.read(3000)
    with open(os.path.join(OUT, "truncated.docx"), "wb") as f:
        f.write(head)
    ole = bytearray(1536)
    ole[0:8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
    name = "EncryptedPackage".encode("utf-16-le")
    ole[1024:1024 + len(name)] = name
    with open(os.path.join(OUT, "encrypted.docx"), "wb") as f:
        f.write(bytes(ole))


SEED_BODY = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<w:document %s xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
             '<w:body>'
             '<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>一、总体要求</w:t></w:r></w:p>'
             '<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:rPr><w:rFonts w:eastAsia="楷体"/>'
             '</w:rPr><w:t>（一）</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>目标</w:t></w:r></w:p>'
             '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC</w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>目录</w:t></w:r>'
             '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
             '<w:fldSimple w:instr="PAGE"><w:r><w:t>3</w:t></w:r></w:fldSimple>'
             '<w:del><w:r><w:delText>旧</w:delText></w:r></w:del><w:ins><w:r><w:t>新</w:t></w:r></w:ins>'
             '<w:r><w:t xml:space="preserve"> a </w:t><w:br/><w:t>b</w:t><w:tab/><w:sym w:char="221A"/>'
             '<w:noBreakHyphen/></w:r>'
             '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:txbxContent><w:p><w:r><w:t>框</w:t>'
             '</w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>框</w:t>'
             '</w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>'
             '<w:p><w:pPr><w:pStyle w:val="H"/></w:pPr><w:r><w:rPr><w:rStyle w:val="K"/></w:rPr>'
             '<w:t>二、保障措施</w:t></w:r></w:p>'
             '</w:body></w:document>' % W)
SEED_TABLE = ('<w:document %s><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p>'
              '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc>'
              '<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>'
              '</w:tbl><w:footnote w:id="1"><w:p><w:r><w:t>注</w:t></w:r></w:p></w:footnote>'
              '</w:body></w:document>' % W)


def make_fuzz_seeds():
    seeds = os.path.join(REPO, "fuzz", "corpus", "docx")
    os.makedirs(seeds, exist_ok=True)
    with open(os.path.join(seeds, "body.xml"), "w", encoding="utf-8") as f:
        f.write(SEED_BODY)
    with open(os.path.join(seeds, "table.xml"), "w", encoding="utf-8") as f:
        f.write(SEED_TABLE)
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>标题</dc:title>'
            '</cp:coreProperties>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(os.path.join(seeds, "minimal.docx"), "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("_rels/.rels", rels), ("word/document.xml", SEED_BODY),
                           ("docProps/core.xml", core)):
            z.writestr(zipfile.ZipInfo(name, (2023, 1, 1, 0, 0, 0)), data.encode(),
                       zipfile.ZIP_DEFLATED)
    ole = bytearray(256)
    ole[0:8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"
    name = "EncryptedPackage".encode("utf-16-le")
    ole[128:128 + len(name)] = name
    with open(os.path.join(seeds, "encrypted.bin"), "wb") as f:
        f.write(bytes(ole))


def make_large(src, out):
    d = docx.Document()
    for line in open(src, encoding="utf-8"):
        line = line.rstrip("\n")
        if line:
            d.add_paragraph(line, style="Heading 1" if heading_kind(line) == 1 else None)
    d.save(out)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--large":
        make_large(sys.argv[2], sys.argv[3])
        return
    os.makedirs(OUT, exist_ok=True)
    make_styles_fixture()
    make_gbt9704_fixture()
    make_broken_fixtures()
    make_fuzz_seeds()


if __name__ == "__main__":
    main()
