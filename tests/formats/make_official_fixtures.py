#!/usr/bin/python3
"""make_official_fixtures.py — writes official documents (GB/T 9704-2012
党政机关公文格式) as plain text, one paragraph per line, built from sections of
the real reports in ../shared/corpus, with the metadata each one states, so
tests/test_docframe.c can measure metadata detection (indexer/meta.c) and
the frame finder (indexer/docframe.c) on them.

Usage: make_official_fixtures.py OUT_DIR [--corpus DIR] [--count N]
                                 [--seed S] [--small]

Writes OUT_DIR/off-NNN.txt and OUT_DIR/truth.tsv with the columns
  file title body date year docno kind frame
where date is "YYYY-MM-DD" or empty (the document states none), year the
year of the date, else of the 发文字号, else of the title, else 0 (a 报告
whose title names a year: that year); docno is
as written in the text; frame lists the 1-based lines that are frame, not
content (title, 发文字号, 主送, attachment notes, signature, date, notes,
attachment labels and titles, 抄送/印发, page numbers), as "1-3,7,20-22".

Each document wraps two or three sections of one report (a heading and a
few of its paragraphs) in a frame chosen by a seeded generator: its kind
(通知, 意见, 决定, 函, 批复, 报告, joint 意见 of two offices, a provincial
通知), 版头 marks and the 发文字号 before the title or after it, brackets
〔〕[]（）【】﹝﹞, a title on one, two or three lines, an addressee, dates in
Arabic or Chinese numerals, attachments (an 印发 notice's plan sometimes
right after the date, without a "附件" label), 附注, 抄送/印发, page numbers. About
one in eight has no signature date; many mention other dates and document
numbers in their text (none of which may be taken for their own).

--small shortens every paragraph to at most 60 characters, for the few
fixtures committed under tests/fixtures/official/. The output depends only
on the corpus, --count and --seed.
"""
import argparse
import os
import random
import re
import sys

DEFAULT_CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              "..", "..", "..", "shared", "corpus")

TOPICS = [
    "进一步优化营商环境降低市场主体制度性交易成本",
    "加快推进乡村振兴",
    "做好{y}年全国春耕生产",
    "深化医药卫生体制改革",
    "加强基层治理体系和治理能力现代化建设",
    "推动外贸保稳提质",
    "促进平台经济规范健康持续发展",
    "加快发展保障性租赁住房",
    "全面加强新时代语言文字工作",
    "进一步盘活存量资产扩大有效投资",
    "加强数字政府建设",
    "推进普惠金融高质量发展",
    "做好{y}年高校毕业生等青年就业创业工作",
    "健全重特大疾病医疗保险和救助制度",
    "加快建设全国统一大市场",
    "推动城乡建设绿色发展",
    "进一步提高产品、工程和服务质量",
    "深入推进跨部门综合监管",
    "加强生态环境分区管控",
    "促进民营经济发展壮大",
]

PLANS = [
    "《{y}年政务公开工作要点》",
    "“十四五”数字经济发展规划",
    "《新时代推进普惠金融高质量发展的实施意见》",
    "{y}年度立法工作计划",
    "《城市燃气管道等老化更新改造实施方案（2022—2025年）》",
    "《减污降碳协同增效实施方案》",
    "“十四五”国民健康规划",
]

APPROVALS = [
    "设立中国（{p}）自由贸易试验区",
    "{p}建设国家级新区",
    "建立促进中小企业发展工作部际联席会议制度",
    "《{p}国土空间规划（2021—2035年）》",
    "将{p}列为国家历史文化名城",
]

PROVINCES = [
    ("广东省", "粤府", "你省"), ("浙江省", "浙政发", "你省"), ("四川省", "川府", "你省"),
    ("江苏省", "苏政发", "你省"), ("湖北省", "鄂政发", "你省"), ("云南省", "云政发", "你省"),
]

MINISTRIES = ["国家发展改革委", "工业和信息化部", "财政部", "商务部", "生态环境部",
              "国家卫生健康委", "交通运输部"]

ADDRESSEES = {
    "国务院": "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "国务院办公厅": "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "中共中央办公厅 国务院办公厅": "各省、自治区、直辖市党委和人民政府，中央和国家机关各部委，"
                                  "解放军各大单位、中央军委机关各部门，各人民团体：",
    "中共中央 国务院": "各省、自治区、直辖市党委和人民政府，中央和国家机关各部委，各人民团体：",
}

DOCNO_PREFIX = {
    ("国务院", "通知"): "国发", ("国务院", "意见"): "国发", ("国务院", "决定"): "国发",
    ("国务院", "批复"): "国函", ("国务院", "报告"): "国发",
    ("国务院办公厅", "通知"): "国办发", ("国务院办公厅", "意见"): "国办发",
    ("国务院办公厅", "函"): "国办函",
    ("中共中央 国务院", "决定"): "中发", ("中共中央 国务院", "意见"): "中发",
    ("中共中央办公厅 国务院办公厅", "意见"): "厅字",
}

BRACKETS = [("〔", "〕")] * 6 + [("[", "]"), ("（", "）"), ("【", "】"), ("﹝", "﹞")]

CN_DIGITS = "〇一二三四五六七八九"


def cn_number(n):
    """1..31 in Chinese numerals (十五, 二十三, 三十一)."""
    tens, units = divmod(n, 10)
    out = ""
    if tens:
        out += ("" if tens == 1 else CN_DIGITS[tens]) + "十"
    if units:
        out += CN_DIGITS[units]
    return out


def written_date(y, m, d, style):
    if style == "arabic":
        return f"{y}年{m}月{d}日"
    zero = "〇" if style == "cn" else "○"
    year = "".join(CN_DIGITS[int(c)] for c in str(y)).replace("〇", zero)
    return f"{year}年{cn_number(m)}月{cn_number(d)}日"


def read_sections(path):
    """The report's sections: (heading, [paragraphs]) under 一、二、… headings."""
    sections, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if re.match(r"^[一二三四五六七八九十]+、", line) and len(line) <= 40:
                cur = (line, [])
                sections.append(cur)
            elif cur is not None and len(line) >= 20:
                cur[1].append(line)
    return [s for s in sections if len(s[1]) >= 2]


def split_title(title, issuer, rng):
    """The title as printed: one, two or three lines."""
    style = rng.choice(["one", "one", "issuer", "mid", "mid", "three"])
    if style == "issuer" and title.startswith(issuer + "关于"):
        return [issuer, title[len(issuer):]]
    if style in ("mid", "three") and len(title) >= 16:
        parts = 2 if style == "mid" else 3
        cuts, step = [], len(title) // parts
        for i in range(1, parts):
            c = step * i + rng.randint(-2, 2)
            # Never start a line with a closing mark or a digit, nor end one
            # with an opening mark.
            while c < len(title) - 2 and (title[c] in "》”）、0123456789" or title[c - 1] in "《“（"):
                c += 1
            cuts.append(c)
        lines, prev = [], 0
        for c in cuts + [len(title)]:
            if c > prev:
                lines.append(title[prev:c])
            prev = c
        return lines
    return [title]


def shorten(text, small):
    if not small or len(text) <= 60:
        return text
    cut = text[:58]
    return cut.rstrip("，、；：") + "。"


class Doc:
    """Lines of a document with the frame lines remembered."""

    def __init__(self):
        self.lines, self.frame = [], set()

    def add(self, text, frame=False):
        self.lines.append(text)
        if frame:
            self.frame.add(len(self.lines))

    def frame_spec(self):
        out, nums = [], sorted(self.frame)
        i = 0
        while i < len(nums):
            j = i
            while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
                j += 1
            out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
            i = j + 1
        return ",".join(out)


def choose_frame(rng, year):
    """Issuer, kind, title and the lines that go with them."""
    t = rng.randrange(9)
    topic = rng.choice(TOPICS).format(y=year)
    prov, prov_prefix, you = rng.choice(PROVINCES)
    f = {"addressee": None, "intro": None, "docno_prefix": None, "sign_lines": None,
         "attach_plan": False}
    if t == 0:
        issuer, kind = rng.choice(["国务院", "国务院办公厅"]), "通知"
        plan = rng.choice(PLANS).format(y=year)
        f["title"] = f"{issuer}关于印发{plan}的通知"
        f["intro"] = f"{plan if plan.startswith('《') else '《' + plan + '》'}已经国务院同意，现印发给你们，请认真贯彻执行。"
        f["attach_plan"] = plan.strip("《》")
    elif t == 1:
        issuer, kind = rng.choice(["国务院", "国务院办公厅"]), "意见"
        f["title"] = f"{issuer}关于{topic}的意见"
        f["intro"] = f"为{topic}，经国务院同意，现提出以下意见。"
    elif t == 2:
        issuer, kind = "中共中央 国务院", rng.choice(["决定", "意见"])
        f["title"] = f"中共中央 国务院关于{topic}的{kind}"
        f["intro"] = f"为{topic}，作出如下{kind}。" if kind == "决定" else f"为{topic}，现提出如下意见。"
        f["sign_lines"] = rng.choice([["中共中央", "国务院"], ["中共中央 国务院"]])
    elif t == 3:
        issuer, kind = "国务院办公厅", "函"
        ministry = rng.choice(MINISTRIES)
        what = rng.choice(APPROVALS).format(p=prov)
        f["title"] = f"国务院办公厅关于同意{what}的函"
        f["addressee"] = f"{ministry}："
        f["intro"] = f"你委（部）《关于{what}的请示》收悉。经国务院同意，现函复如下："
    elif t == 4:
        issuer, kind = "国务院", "批复"
        what = rng.choice(APPROVALS).format(p=prov)
        f["title"] = f"国务院关于同意{what}的批复"
        f["addressee"] = f"{prov}人民政府："
        n = rng.randint(1, 60)
        f["intro"] = f"{you}《关于{what}的请示》（{prov_prefix}〔{year - 1}〕{n}号）收悉。现批复如下："
    elif t == 5:
        issuer, kind = "国务院", "报告"
        f["title"] = f"国务院关于{topic}工作情况的报告"
        f["addressee"] = "全国人民代表大会常务委员会："
        f["intro"] = f"受国务院委托，现将{topic}工作情况报告如下，请审议。"
    elif t == 6:
        issuer, kind = "中共中央办公厅 国务院办公厅", "意见"
        f["title"] = f"中共中央办公厅 国务院办公厅关于{topic}的意见"
        f["intro"] = f"为{topic}，经党中央、国务院同意，现提出如下意见。"
        f["sign_lines"] = rng.choice([["中共中央办公厅", "国务院办公厅"], ["中共中央办公厅 国务院办公厅"]])
    elif t == 7:
        issuer, kind = f"{prov}人民政府", "通知"
        f["title"] = f"{prov}人民政府关于{topic}的通知"
        f["addressee"] = "各地级以上市人民政府，省政府各部门、各直属机构："
        f["intro"] = f"为{topic}，经省人民政府同意，现就有关事项通知如下："
        f["docno_prefix"] = prov_prefix
    else:
        issuer, kind = "国务院办公厅", "通知"
        f["title"] = f"国务院办公厅关于{topic}的通知"
        f["intro"] = f"为{topic}，经国务院同意，现就有关事项通知如下："
    f["issuer"], f["kind"] = issuer, kind
    if f["addressee"] is None and not (kind == "决定" and rng.random() < 0.5):
        f["addressee"] = ADDRESSEES.get(issuer, "各市、县人民政府：")
    if f["docno_prefix"] is None:
        f["docno_prefix"] = DOCNO_PREFIX.get((issuer, kind))
    if f["sign_lines"] is None:
        f["sign_lines"] = [issuer]
    return f


def page_number(n, style):
    return {"em": f"— {n} —", "hyphen": f"- {n} -", "wide": f"－{n}－"}[style]


def make_document(report, sections, rng, small):
    """One official document and its truth row (without the file name)."""
    m = re.search(r"(\d{4})", os.path.basename(report))
    base_year = int(m.group(1)) if m else 2020
    year = base_year + rng.choice([0, 0, 1])
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    f = choose_frame(rng, year)
    doc = Doc()
    pdf = rng.random() < 0.5
    page_style = rng.choice(["em", "em", "hyphen", "wide"])

    has_docno = f["docno_prefix"] is not None and rng.random() < 0.85
    docno = None
    if has_docno:
        o, c = rng.choice(BRACKETS)
        docno = f"{f['docno_prefix']}{o}{year}{c}{rng.randint(1, 120)}号"
    dated = rng.random() >= 0.125
    date_style = rng.choice(["arabic", "arabic", "cn", "circle"])

    # 版头 and title.
    docno_first = has_docno and pdf and rng.random() < 0.7
    if docno_first:
        if rng.random() < 0.3:
            doc.add(f"{rng.randint(0, 999999):06d}", True)
        mark = f["issuer"].split(" ")[0] if f["issuer"] != "中共中央 国务院" else "中共中央"
        doc.add(f"{mark}文件", True)
        doc.add(docno, True)
    for line in split_title(f["title"], f["sign_lines"][0], rng):
        doc.add(line, True)
    if has_docno and not docno_first:
        doc.add(docno, True)
    if f["addressee"]:
        doc.add(f["addressee"], True)

    # The text: an introduction mentioning other dates and numbers, then
    # sections of the report.
    intro = f["intro"]
    if rng.random() < 0.6:
        other_year = year - rng.randint(1, 5)
        intro += (f"根据《国务院关于加强和规范事中事后监管的指导意见》（国发〔{other_year}〕"
                  f"{rng.randint(1, 40)}号）和{other_year}年{rng.randint(1, 12)}月"
                  f"{rng.randint(1, 28)}日国务院常务会议精神，结合实际制定本文件。")
    doc.add(intro)
    body_lines = 0
    page = 1

    def content(text):
        nonlocal body_lines, page
        doc.add(shorten(text, small))
        body_lines += 1
        if pdf and body_lines % rng.randint(4, 7) == 0:
            doc.add(page_number(page, page_style), True)
            page += 1

    chosen = rng.sample(sections, min(len(sections), rng.randint(2, 3)))
    attach_sections = []
    if f["attach_plan"]:
        attach_sections, chosen = chosen[:2], chosen[:1]
    for heading, paras in chosen:
        content(heading)
        for p in paras[:rng.randint(1, 3)]:
            content(p)
    if not dated and rng.random() < 0.7:
        content(f"本{f['kind']}自{year + 1}年1月1日起施行。")

    attachments = []
    # What an 印发 notice issues often follows its date with no "附件" label.
    unlabelled = bool(attach_sections) and dated and rng.random() < 0.5
    if attach_sections:
        attachments = [(f["attach_plan"], attach_sections)]
    elif rng.random() < 0.3:
        attachments = [("重点任务分工表", chosen[:1]), ("相关政策文件目录", chosen[-1:])]
        attachments = attachments[:rng.randint(1, 2)]
    if attachments and not unlabelled:
        if len(attachments) == 1:
            doc.add(f"附件：{attachments[0][0]}", True)
        else:
            for i, (t, _) in enumerate(attachments):
                doc.add(f"附件：{i + 1}．{t}" if i == 0 else f"　　　{i + 1}．{t}", True)

    # Signature, date, notes.
    signed = dated or rng.random() < 0.3
    if signed:
        for line in f["sign_lines"]:
            doc.add(line, True)
    if dated:
        doc.add(written_date(year, month, day, date_style), True)
    if dated and rng.random() < 0.5:
        doc.add(rng.choice(["（此件公开发布）", "（此件有删减）", "（此件发至县级）"]), True)

    for i, (t, secs) in enumerate(attachments):
        if not unlabelled:
            doc.add("附件" if len(attachments) == 1 else f"附件{i + 1}", True)
        doc.add(t, True)
        for heading, paras in secs:
            content(heading)
            for p in paras[:2]:
                content(p)

    if rng.random() < 0.4 and dated:
        doc.add("抄送：党中央各部门，全国人大常委会办公厅，全国政协办公厅，", True)
        doc.add("最高人民法院，最高人民检察院，各民主党派中央。", True)
        printed_by = "国务院办公厅" if "国务院" in f["issuer"] else f"{f['issuer']}办公厅"
        doc.add(f"{printed_by}　　　　{year}年{month}月{min(day + 2, 28)}日印发", True)
    if pdf:
        doc.add(page_number(page, page_style), True)

    date = f"{year:04d}-{month:02d}-{day:02d}" if dated else ""
    title_year = re.search(r"(19|20)\d\d", f["title"])
    title_year = int(title_year.group(0)) if title_year else 0
    if f["kind"] == "报告" and title_year:
        truth_year = title_year  # a report keeps the year it is about
    else:
        truth_year = year if dated or docno else title_year
    row = {"title": f["title"], "body": f["issuer"], "date": date, "year": str(truth_year),
           "docno": docno or "", "kind": f["kind"], "frame": doc.frame_spec()}
    return doc, row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--count", type=int, default=72)
    ap.add_argument("--seed", type=int, default=9704)
    ap.add_argument("--small", action="store_true")
    args = ap.parse_args()

    reports = sorted(os.path.join(args.corpus, n) for n in os.listdir(args.corpus)
                     if n.endswith(".txt"))
    reports = [(r, read_sections(r)) for r in reports]
    reports = [(r, s) for r, s in reports if len(s) >= 2]
    if not reports:
        sys.exit(f"no reports with sections in {args.corpus}")
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for i in range(args.count):
        rng = random.Random(args.seed * 1000 + i)
        report, sections = reports[i % len(reports)]
        doc, row = make_document(report, sections, rng, args.small)
        name = f"off-{i + 1:03d}.txt"
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write("\n".join(doc.lines) + "\n")
        row["file"] = name
        rows.append(row)
    cols = ["file", "title", "body", "date", "year", "docno", "kind", "frame"]
    with open(os.path.join(args.out, "truth.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for row in rows:
            f.write("\t".join(row[c] for c in cols) + "\n")
    print(f"{len(rows)} documents in {args.out}")


if __name__ == "__main__":
    main()
