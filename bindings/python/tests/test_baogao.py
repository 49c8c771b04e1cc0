"""Tests of the baogao Python module (unittest; run by tests/python_test.sh).

Environment:
  BAOGAO_LIBRARY     path of libbaogao.so.0 (read by the module itself)
  BAOGAO_SOURCE_DIR  the baogao source tree (its corpus/ and tests/fixtures/reports/)
  BAOGAO_QUERY       path of baogao-query, to compare answers with the CLI's
                     (those comparisons are skipped when it is unset)

Every test works on indexes it builds in a temporary directory with the
module's own add() and commit().
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

import baogao

SOURCE_DIR = os.environ.get("BAOGAO_SOURCE_DIR", "")
QUERY = os.environ.get("BAOGAO_QUERY", "")

REPORTS = {
    "shaoguan": ("corpus", "shaoguan-qujiang-fazhi-2022.txt"),
    "sample": ("tests/fixtures/reports", "sample-gov-2021.txt"),
    "district": ("tests/fixtures/reports", "fazhi-district-2022.txt"),
}

_tmp = None
DB = None           # the shared read-only index of the three reports
ADDED = {}          # report path -> Added of its first add()


def report_path(key):
    d, name = REPORTS[key]
    return os.path.join(SOURCE_DIR, d, name)


def setUpModule():
    global _tmp, DB
    if not SOURCE_DIR or not os.path.isdir(os.path.join(SOURCE_DIR, "corpus")):
        raise unittest.SkipTest("BAOGAO_SOURCE_DIR must name the baogao source tree")
    _tmp = tempfile.mkdtemp(prefix="baogao-py-")
    DB = os.path.join(_tmp, "db")
    with baogao.Index(DB, create=True) as ix:
        for key in REPORTS:
            p = report_path(key)
            ADDED[p] = ix.add(p)
        ix.commit()


def tearDownModule():
    if _tmp:
        shutil.rmtree(_tmp, ignore_errors=True)


def cli(*args):
    """The parsed JSON that baogao-query prints for args on DB."""
    r = subprocess.run([QUERY, "--db", DB, "--json", *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    if r.returncode not in (0, 1):
        raise AssertionError(f"baogao-query {args} failed ({r.returncode}): {r.stderr!r}")
    return json.loads(r.stdout.decode("utf-8"))


def subprocess_env(**extra):
    env = dict(os.environ)
    env.update(extra)
    return env


class ReadTest(unittest.TestCase):
    """Searching the shared index."""

    @classmethod
    def setUpClass(cls):
        cls.ix = baogao.Index(DB)

    @classmethod
    def tearDownClass(cls):
        cls.ix.close()

    # -- basics

    def test_version(self):
        with open(os.path.join(SOURCE_DIR, "include", "baogao.h"), encoding="utf-8") as f:
            header = re.search(r'#define BAOGAO_VERSION_STRING "([^"]+)"', f.read()).group(1)
        self.assertEqual(baogao.version(), header)
        self.assertEqual(baogao.__version__, header)

    def test_search_hits(self):
        res = self.ix.search("电子证照")
        self.assertIsInstance(res, baogao.Results)
        self.assertEqual(res.total, 3)
        self.assertEqual(len(res), 3)
        self.assertEqual(res.query, "电子证照")
        self.assertEqual(res.missing_shards, [])
        self.assertIsNone(res.suggestions)
        self.assertEqual([h.rank for h in res], [1, 2, 3])
        scores = [h.score for h in res]
        self.assertEqual(scores, sorted(scores, reverse=True))
        for hit in res:
            self.assertIsInstance(hit, baogao.Hit)
            self.assertIn("电子证照", hit.text)
            self.assertIn("【电子证照】", hit.snippet)
            self.assertEqual(hit.match, "exact")
            self.assertRegex(hit.id, r"^[0-9a-f]{16}:[0-9]+$")
            self.assertIn(hit.report, ADDED)
            self.assertIn(hit.year, (2021, 2022))
            self.assertGreaterEqual(hit.line, 1)
            self.assertIsInstance(hit.section, list)
            self.assertEqual(hit.format, "txt")
            self.assertEqual(hit.kind, "paragraph")
            self.assertEqual(hit.doc_kind, "报告")
            self.assertIsNone(hit.docno)
            self.assertEqual(hit.duplicates, [])
            text = hit.text.encode("utf-8")
            self.assertTrue(hit.matches)
            for start, end in hit.matches:
                self.assertEqual(text[start:end].decode("utf-8"), "电子证照")
            # attributes and items are the JSON object's fields
            self.assertEqual(hit["title"], hit.title)
            self.assertIs(hit.json, res.json["results"][hit.rank - 1])
            self.assertIn("title", dir(hit))
            self.assertIn(repr(hit.report + ":" + str(hit.line)), repr(hit))
            with self.assertRaises(AttributeError):
                hit.no_such_field
        # the line of the passage is where the text is in the file
        hit = res[0]
        with open(hit.report, encoding="utf-8") as f:
            lines = f.read().splitlines()
        self.assertIn(hit.text[:8], lines[hit.line - 1])
        sample = [h for h in res if h.year == 2021][0]
        self.assertEqual(sample.report, report_path("sample"))
        self.assertEqual(sample.line, 8)
        self.assertEqual(sample.title, "2021年示范市人民政府工作报告")
        self.assertEqual(sample.body, "示范市人民政府")
        self.assertEqual(sample.section, ["一、2020年工作回顾", "（一）深化放管服改革"])

    def test_facets(self):
        res = self.ix.search("法治", limit=100)
        self.assertEqual(len(res), res.total)
        self.assertEqual(set(res.facets), {"year", "body", "kind"})
        for name in ("year", "body", "kind"):
            self.assertEqual(sum(res.facets[name].values()), res.total, name)
        self.assertEqual(res.facets["year"]["2021"], len([h for h in res if h.year == 2021]))
        self.assertEqual(res.facets["body"]["示范区人民政府"],
                         len([h for h in res if h.body == "示范区人民政府"]))
        self.assertEqual(self.ix.search("电子证照").facets["year"], {"2021": 1, "2022": 2})

    def test_paging(self):
        full = self.ix.search("法治", limit=100)
        self.assertGreater(full.total, 8)
        ids = [h.id for h in full]
        self.assertEqual(len(set(ids)), len(ids))
        for offset in (0, 3, 6):
            page = self.ix.search("法治", limit=3, offset=offset)
            self.assertEqual(page.total, full.total)
            self.assertEqual(len(page), 3)
            self.assertEqual([h.rank for h in page], [offset + 1, offset + 2, offset + 3])
            self.assertEqual([h.id for h in page], ids[offset:offset + 3])
        last = self.ix.search("法治", limit=5, offset=full.total - 2)
        self.assertEqual(len(last), 2)
        self.assertEqual(len(self.ix.search("法治", offset=full.total)), 0)
        self.assertEqual(len(self.ix.search("法治")), 10)   # the default limit
        with self.assertRaises(ValueError):
            self.ix.search("法治", limit=0)
        with self.assertRaises(ValueError):
            self.ix.search("法治", offset=-1)
        with self.assertRaises(ValueError):
            self.ix.search("法治", limit=2**64)            # would wrap to 0 in a size_t
        with self.assertRaises(baogao.TooBig):
            self.ix.search("法治", limit=10001)

    # -- filters

    def years_of(self, res):
        return sorted({h.year for h in res})

    def test_year_filters(self):
        cases = [
            (2021, 1), (2022, 2), (2030, 0),
            ((2021, 2022), 3), ((2022, None), 2), ((None, 2021), 1), ((2022, 2030), 2),
            (range(2021, 2022), 1), (range(2021, 2023), 3), (range(2020, 2023, 2), 2),
            ([2021], 1), ([2019, 2022], 2), ({2021, 2022}, 3), ([2019, 2020], 0),
            ("2021", 1), ("2021..2022", 3), ("2022-2023", 2), ("..2021", 1), ("2022..", 2),
            ("2019,2021", 1), ("2019,2021..2022", 3), (" 2022 ", 2), ("", 3), (None, 3),
            ("unknown", 0), ("0000", 0),
        ]
        for year, total in cases:
            with self.subTest(year=year):
                res = self.ix.search("电子证照", year=year)
                self.assertEqual(res.total, total)
                self.assertEqual(sum(res.facets["year"].values()), total)
                want = {2021: total in (1, 3), 2022: total >= 2}
                self.assertEqual(self.years_of(res), [y for y in (2021, 2022) if want[y]])

    def test_bad_year_filters(self):
        for year in ("20x9", "2022..2018", "..", "22", "2019,", "2019,2021..", "12345",
                     (2022, 2018), (2022,), [], 999, range(2022, 2022)):
            with self.subTest(year=year):
                with self.assertRaises(ValueError):
                    self.ix.search("电子证照", year=year)
        for year in (True, 2022.0, {"from": 2021}.items, [2022, "2021"]):
            with self.subTest(year=year):
                with self.assertRaises(TypeError):
                    self.ix.search("电子证照", year=year)

    def test_no_results_suggestions(self):
        res = self.ix.search("电子证照", year=2030)
        self.assertEqual(res.total, 0)
        self.assertEqual(res.suggestions, [{"drop": "year", "total": 3}])
        res = self.ix.search("电子证照", year=2030, body="示范市人民政府")
        drops = {s["drop"]: s["total"] for s in res.suggestions}
        self.assertEqual(drops, {"year": 1, "body": 0, "all": 3})
        self.assertEqual(self.ix.search("量子计算机").suggestions, [])

    def test_body_kind_docno(self):
        res = self.ix.search("法治", body="示范市人民政府", limit=100)
        self.assertEqual(res.total, 2)
        self.assertEqual({h.body for h in res}, {"示范市人民政府"})
        self.assertEqual(set(res.facets["body"]), {"示范市人民政府"})
        # the start of names: every body starting with it
        res = self.ix.search("法治", body="示范", limit=100)
        self.assertEqual({h.body for h in res}, {"示范市人民政府", "示范区人民政府"})
        self.assertEqual(res.total, 5)
        self.assertEqual(self.ix.search("法治", body="国务院").total, 0)
        self.assertEqual(self.ix.search("法治", kind="报告").total, self.ix.search("法治").total)
        self.assertEqual(self.ix.search("法治", kind="通知").total, 0)
        self.assertEqual(self.ix.search("法治", docno="国发〔2023〕1号").total, 0)
        both = self.ix.search("法治", body="示范区人民政府", year=2022, kind="报告")
        self.assertEqual(both.total, 3)

    def test_exact_counts(self):
        exact = self.ix.search("法治", exact=True)
        self.assertTrue(exact.total_exact and exact.facets_exact)
        self.assertEqual((exact.total_lower, exact.total_upper), (exact.total, exact.total))
        for bound in (1, 5, 0):
            res = self.ix.search("法治", count_bound=bound)
            self.assertLessEqual(res.total_lower, res.total)
            self.assertLessEqual(res.total, res.total_upper)
            self.assertLessEqual(res.total_lower, exact.total)
            self.assertLessEqual(exact.total, res.total_upper)
            self.assertEqual(res.total_exact, res.json["total_exact"])
            # every year with a match is listed, whatever the counts
            self.assertEqual(set(res.facets["year"]), set(exact.facets["year"]))
            self.assertEqual([h.id for h in res], [h.id for h in exact])
        by = self.ix.by_year("法治", exact=True)
        self.assertTrue(by["total_exact"] and by["facets_exact"])
        self.assertTrue(all(y["total_exact"] for y in by["years"]))
        with self.assertRaises(ValueError):
            self.ix.search("法治", count_bound=-1)

    def test_strict(self):
        loose = self.ix.search("普法 宣传 讲座")
        strict = self.ix.search("普法 宣传 讲座", strict=True)
        self.assertEqual(strict.total, 1)
        self.assertEqual([h.match for h in strict], ["exact"])
        self.assertGreater(loose.total, strict.total)
        self.assertEqual(loose[0].id, strict[0].id)
        self.assertEqual(loose[0].match, "exact")
        self.assertTrue(all(h.match in ("all_words", "partial") for h in loose[1:]))

    # -- other views

    def test_by_year(self):
        by = self.ix.by_year("法治", per_year=2)
        self.assertEqual(by["query"], "法治")
        self.assertEqual(by["total"], self.ix.search("法治").total)
        self.assertEqual([g["year"] for g in by["years"]], [2022, 2021])
        self.assertEqual(sum(g["total"] for g in by["years"]), by["total"])
        for g in by["years"]:
            self.assertEqual(len(g["results"]), min(2, g["total"]))
            self.assertEqual([r["rank"] for r in g["results"]], list(range(1, len(g["results"]) + 1)))
            self.assertTrue(all(r["year"] == g["year"] for r in g["results"]))
        self.assertEqual(len(self.ix.by_year("法治")["years"][0]["results"]), 3)  # the default
        only = self.ix.by_year("法治", year=2021)
        self.assertEqual([g["year"] for g in only["years"]], [2021])
        with self.assertRaises(ValueError):
            self.ix.by_year("法治", per_year=0)
        with self.assertRaises(baogao.TooBig) as cm:
            self.ix.by_year("法治", per_year=1001)
        self.assertEqual(cm.exception.code, baogao.BG_ETOOBIG)

    def test_figures(self):
        f = self.ix.figures("就业")
        self.assertEqual(f["query"], "就业")
        self.assertEqual([g["year"] for g in f["figures"]], [2021])
        items = {i["value"]: i for i in f["figures"][0]["items"]}
        self.assertEqual(items["3.5万人"]["role"], "result")
        self.assertEqual(items["3.5万人"]["line"], 6)
        self.assertEqual(items["4万人以上"]["role"], "target")
        self.assertEqual(items["4万人以上"]["report"], report_path("sample"))
        self.assertIn("4万人以上", items["4万人以上"]["text"])
        self.assertEqual(self.ix.figures("就业", year=2022)["figures"], [])

    def test_like(self):
        hit = [h for h in self.ix.search("电子证照") if h.year == 2022][0]
        res = self.ix.like(hit.id)
        self.assertEqual(res.query, hit.id)
        self.assertGreater(len(res), 0)
        self.assertTrue(all(h.year != 2022 for h in res))   # from OTHER years
        # REPORT:LINE names the first passage on that line
        first_on_line = self.ix.context(f"{hit.report}:{hit.line}", context=0)[0]
        self.assertEqual(first_on_line.line, hit.line)
        self.assertEqual([h.id for h in self.ix.like(f"{hit.report}:{hit.line}")],
                         [h.id for h in self.ix.like(first_on_line.id)])
        self.assertEqual(len(self.ix.like(hit.id, limit=1)), 1)
        self.assertEqual(self.ix.like(hit.id, year=2030).total, 0)

    def test_context(self):
        hit = self.ix.search("电子证照", year=2021)[0]
        res = self.ix.context(hit.id)
        self.assertEqual(res.query, hit.id)
        self.assertEqual(res.total, len(res))
        self.assertEqual(len(res), 5)                       # 2 before, 2 after
        self.assertEqual([h.match for h in res], ["context", "context", "target", "context", "context"])
        self.assertEqual(res[2].id, hit.id)
        self.assertEqual(res[2].text, hit.text)
        self.assertTrue(all(h.report == hit.report for h in res))
        lines = [h.line for h in res]
        self.assertEqual(lines, sorted(lines))
        # line 8 holds the heading （一）深化放管服改革 and the target paragraph
        self.assertEqual(lines, [7, 8, 8, 9, 9])
        self.assertEqual(res[1].text, "（一）深化放管服改革")
        self.assertEqual(res.facets, {"year": {}, "body": {}, "kind": {}})
        one = self.ix.context(hit.id, context=0)
        self.assertEqual([(h.id, h.match) for h in one], [(hit.id, "target")])
        # REPORT:LINE names the first passage on the line: here the heading
        by_line = self.ix.context(f"{hit.report}:{hit.line}", context=0)
        self.assertEqual([(h.id, h.match) for h in by_line], [(res[1].id, "target")])
        # at the start of a report there is nothing before
        first = self.ix.context(f"{hit.report}:1", context=3)
        self.assertEqual(first[0].match, "target")
        self.assertEqual(first[0].line, 1)
        self.assertEqual(len(first), 4)
        with self.assertRaises(baogao.TooBig):
            self.ix.context(hit.id, context=101)
        with self.assertRaises(ValueError):
            self.ix.context(hit.id, context=-1)

    def test_reports(self):
        reports = self.ix.reports()
        self.assertEqual({r["report"] for r in reports}, set(ADDED))
        self.assertEqual([r["year"] for r in reports], [2022, 2022, 2021])  # newest year first
        self.assertEqual([r["report"] for r in reports[:2]], sorted(r["report"] for r in reports[:2]))
        for r in reports:
            self.assertEqual(r["passages"], ADDED[r["report"]].passages)
            self.assertEqual(r["kind"], "报告")
            self.assertIsNone(r["duplicate_of"])
        shaoguan = [r for r in reports if r["report"] == report_path("shaoguan")][0]
        self.assertEqual(shaoguan["title"], "韶关市曲江区2022年度法治政府建设情况报告")  # MANIFEST.tsv
        self.assertEqual(shaoguan["body"], "韶关市曲江区人民政府")

    def test_status(self):
        st = self.ix.status()
        self.assertEqual(st["status"], "ok")
        self.assertEqual(st["revision"], self.ix.revision())
        self.assertEqual(st["missing_shards"], [])

    # -- errors

    def test_query_errors(self):
        for q in ("-企业", "", "  ", "，。"):
            with self.subTest(query=q):
                with self.assertRaises(baogao.QueryError) as cm:
                    self.ix.search(q)
                self.assertEqual(cm.exception.code, baogao.BG_EQUERY)
                self.assertIsInstance(cm.exception, baogao.Error)
                self.assertTrue(str(cm.exception))
        with self.assertRaises(baogao.QueryError):
            self.ix.by_year("-企业")
        with self.assertRaises(baogao.QueryError):
            self.ix.figures("-企业")
        with self.assertRaises(baogao.TooBig) as cm:
            self.ix.search("字" * 3000)
        self.assertEqual(cm.exception.code, baogao.BG_ETOOBIG)
        with self.assertRaises(TypeError):
            self.ix.search(b"bytes")
        with self.assertRaises(ValueError):
            self.ix.search("电子\0证照")
        # the index is still usable after errors
        self.assertEqual(self.ix.search("电子证照").total, 3)

    def test_ref_errors(self):
        for ref in ("bad", "", "0123:x"):
            with self.subTest(ref=ref):
                with self.assertRaises(baogao.Error) as cm:
                    self.ix.context(ref)
                self.assertIs(type(cm.exception), baogao.Error)
                self.assertEqual(cm.exception.code, baogao.BG_EINVAL)
                if ref == "bad":
                    self.assertIn("neither a passage id", str(cm.exception))
        with self.assertRaises(baogao.Error) as cm:
            self.ix.like("bad")
        self.assertEqual(cm.exception.code, baogao.BG_EINVAL)
        with self.assertRaises(baogao.NotFound) as cm:
            self.ix.like("/no/such/report.txt:3")
        self.assertEqual(cm.exception.code, baogao.BG_ENOTFOUND)
        with self.assertRaises(baogao.NotFound):
            self.ix.context("0123456789abcdef:1")
        with self.assertRaises(baogao.NotFound):
            self.ix.context(report_path("sample") + ":9999")

    def test_threads_share_a_handle(self):
        errors = []
        want = {"电子证照": 3, "法治": self.ix.search("法治").total, "就业": self.ix.search("就业").total}

        def work(n):
            try:
                for i in range(15):
                    q = list(want)[(n + i) % len(want)]
                    if self.ix.search(q).total != want[q]:
                        errors.append(f"thread {n}: wrong total for {q}")
                    try:
                        self.ix.search("-企业")
                        errors.append(f"thread {n}: no error")
                    except baogao.QueryError as e:
                        if "nothing to search for" not in str(e):
                            errors.append(f"thread {n}: message {e}")
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(f"thread {n}: {e!r}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])


@unittest.skipUnless(QUERY, "BAOGAO_QUERY is not set: no comparison with baogao-query")
class CliTest(unittest.TestCase):
    """The module gives the documents of baogao-query --json."""

    @classmethod
    def setUpClass(cls):
        cls.ix = baogao.Index(DB)

    @classmethod
    def tearDownClass(cls):
        cls.ix.close()

    def test_search_same_as_cli(self):
        res = self.ix.search("电子证照")
        doc = cli("电子证照")
        self.assertEqual(res.total, doc["total"])
        self.assertEqual(res.json, doc)
        self.assertEqual(self.ix.search("法治", limit=3, offset=2, year="2022").json,
                         cli("--limit", "3", "--offset", "2", "--year", "2022", "法治"))
        self.assertEqual(self.ix.search("法治", year="2019,2021").json,
                         cli("--year", "2019,2021", "法治"))
        self.assertEqual(self.ix.search("普法 宣传 讲座", strict=True).json,
                         cli("--strict", "普法 宣传 讲座"))

    def test_section_and_report_same_as_cli(self):
        hit = self.ix.search("电子证照", year=2021)[0]
        sec = self.ix.section(hit.id)
        self.assertEqual(sec.json, cli("--show", hit.id, "--section"))
        self.assertEqual([h.id for h in sec if h.match == "target"], [hit.id])
        self.assertEqual(sec[0].kind, "heading")
        rid = hit.id.split(":")[0]
        rep = self.ix.report(rid)
        self.assertEqual(rep.json, cli("--show", rid, "--report"))
        self.assertEqual({h.match for h in rep}, {"context"})
        self.assertEqual([h.line for h in rep], sorted(h.line for h in rep))
        self.assertIn(rid, {r["id"] for r in self.ix.reports()})
        self.assertEqual([h.match for h in self.ix.report(hit.id)].count("target"), 1)
        with self.assertRaises(baogao.NotFound):
            self.ix.report("0123456789abcdef")

    def test_trend_same_as_cli(self):
        t = self.ix.trend("电子证照")
        self.assertEqual(t, cli("--trend", "电子证照"))
        years = [y["year"] for y in t["years"]]
        self.assertEqual(years, sorted(years))
        self.assertGreater(sum(y["occurrences"] for y in t["years"]), 0)
        self.assertEqual(self.ix.trend("电子证照", by_body=True, year="2021.."),
                         cli("--trend", "电子证照", "--by-body", "--year", "2021.."))

    def test_new_gone_compare_same_as_cli(self):
        new = self.ix.new_in(2022)
        self.assertEqual(new, cli("--new-in", "2022"))
        self.assertEqual(new["compared_years"], [2021])
        self.assertTrue(new["expressions"])
        self.assertEqual(self.ix.gone_in(2022, limit=5), cli("--gone-in", "2022", "--limit", "5"))
        self.assertEqual(self.ix.compare("法治", 2021, 2022), cli("--compare", "2021", "2022", "法治"))
        with self.assertRaises(baogao.NotFound):
            self.ix.new_in(2021)   # nothing before it to compare with
        with self.assertRaises(baogao.Error):
            self.ix.compare("法治", 2021, 2021)

    def test_no_results_same_as_cli(self):
        self.assertEqual(self.ix.search("电子证照", year=2030, body="示范区").json,
                         cli("--year", "2030", "--body", "示范区", "电子证照"))

    def test_views_same_as_cli(self):
        self.assertEqual(self.ix.by_year("法治", per_year=2), cli("--by-year", "--per-year", "2", "法治"))
        self.assertEqual(self.ix.figures("就业"), cli("--figures", "就业"))
        hit = self.ix.search("电子证照")[0]
        self.assertEqual(self.ix.like(hit.id).json, cli("--like", hit.id))
        self.assertEqual(self.ix.context(hit.id, 1).json, cli("--show", hit.id, "--context", "1"))
        self.assertEqual(self.ix.reports(), cli("--reports")["reports"])


class WriteTest(unittest.TestCase):
    """Indexing with add(), remove() and commit(), on a fresh index each."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="baogao-py-w-")
        self.db = os.path.join(self.dir, "db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def copy(self, key, name):
        p = os.path.join(self.dir, name)
        shutil.copy(report_path(key), p)
        return p

    def test_add_commit_remove(self):
        a = self.copy("sample", "a.txt")
        with baogao.Index(self.db, create=True) as w, baogao.Index(self.db) as r:
            self.assertTrue(w.write)
            added = w.add(a)
            self.assertEqual(added, "new")
            self.assertIsInstance(added, baogao.Added)
            self.assertEqual(added.passages, ADDED[report_path("sample")].passages)
            self.assertEqual(r.reports(), [])                  # not committed yet
            self.assertEqual(r.search("电子证照").total, 0)
            w.commit()
            self.assertEqual(r.search("电子证照").total, 1)
            self.assertEqual(r.search("电子证照")[0].report, a)
            self.assertEqual([x["report"] for x in r.reports()], [a])
            self.assertEqual(w.add(a), "unchanged")           # the second time
            self.assertEqual(w.add(a).passages, added.passages)
            with open(a, "a", encoding="utf-8") as f:
                f.write("3．推进电子证照互认共享。\n")
            self.assertEqual(w.add(a), "updated")
            w.commit()
            self.assertEqual(r.search("电子证照").total, 2)
            rev = r.revision()
            w.remove(a)
            self.assertEqual(r.search("电子证照").total, 2)   # not committed yet
            w.commit()
            self.assertNotEqual(r.revision(), rev)
            self.assertEqual(r.search("电子证照").total, 0)
            self.assertEqual(r.reports(), [])
            with self.assertRaises(baogao.NotFound) as cm:
                w.remove(a)
            self.assertEqual(cm.exception.code, baogao.BG_ENOTFOUND)

    def test_add_metadata_and_copies(self):
        a = self.copy("sample", "a.txt")
        b = self.copy("sample", "b.txt")
        with baogao.Index(self.db, create=True) as w:
            self.assertEqual(w.add(a, title="样例报告", body="样例市人民政府", year=2020), "new")
            self.assertEqual(w.add(b), "new")
            w.commit()
            reports = {x["report"]: x for x in w.reports()}
            self.assertEqual(reports[a]["title"], "样例报告")
            self.assertEqual(reports[a]["body"], "样例市人民政府")
            self.assertEqual(reports[a]["year"], 2020)
            self.assertEqual(reports[b]["year"], 2021)
        with baogao.Index(self.db) as r:
            res = r.search("电子证照")
            self.assertEqual(res.total, 2)                   # different years: not copies
        c = self.copy("sample", "c.txt")
        with baogao.Index(self.db, write=True) as w:
            w.add(c)
            w.commit()
            res = w.search("电子证照", year=2021)
            self.assertEqual(res.total, 1)                   # b and c: one text
            # every other copy of the text is listed, a's too (another year)
            self.assertIn(res[0].report, (b, c))
            self.assertEqual({d["report"] for d in res[0].duplicates}, {a, b, c} - {res[0].report})
            self.assertEqual({d["line"] for d in res[0].duplicates}, {8})
            self.assertEqual(w.search("电子证照", year=2021, all_copies=True).total, 2)

    def test_uncommitted_changes_are_discarded_at_close(self):
        a = self.copy("sample", "a.txt")
        with baogao.Index(self.db, create=True) as w:
            w.add(a)
        with baogao.Index(self.db) as r:
            self.assertEqual(r.reports(), [])

    def test_add_errors(self):
        with baogao.Index(self.db, create=True) as w:
            with self.assertRaises(baogao.Error) as cm:
                w.add(os.path.join(self.dir, "missing.txt"))
            self.assertEqual(cm.exception.code, baogao.BG_EIO)
            self.assertIn("missing.txt", str(cm.exception))
            w.commit()
        with baogao.Index(self.db) as r:
            with self.assertRaises(baogao.Error) as cm:
                r.add(report_path("sample"))
            self.assertEqual(cm.exception.code, baogao.BG_EINVAL)
            with self.assertRaises(baogao.Error):
                r.commit()

    def test_missing_index(self):
        with self.assertRaises(baogao.NotFound) as cm:
            baogao.Index(os.path.join(self.dir, "nothing"))
        self.assertEqual(cm.exception.code, baogao.BG_ENOTFOUND)
        self.assertIn("nothing", str(cm.exception))
        with self.assertRaises(baogao.NotFound):
            baogao.Index(os.path.join(self.dir, "nothing"), write=True)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "nothing")))

    def test_second_writer_is_locked(self):
        with baogao.Index(self.db, create=True) as w:
            # in another process: the library's lock
            code = ("import baogao, sys\n"
                    "try:\n"
                    "    baogao.Index(sys.argv[1], write=True)\n"
                    "except baogao.Locked as e:\n"
                    "    print(e.code, e); sys.exit(3)\n")
            p = subprocess.run([sys.executable, "-c", code, self.db], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=subprocess_env(), check=False)
            self.assertEqual(p.returncode, 3, p.stderr.decode())
            self.assertTrue(p.stdout.decode().startswith(f"{baogao.BG_ELOCKED} "))
            self.assertIn(f"pid {os.getpid()}", p.stdout.decode())
            # in this process
            with self.assertRaises(baogao.Locked) as cm:
                baogao.Index(self.db, write=True)
            self.assertEqual(cm.exception.code, baogao.BG_ELOCKED)
            # readers are welcome
            with baogao.Index(self.db) as r:
                self.assertEqual(r.reports(), [])
            w.add(self.copy("district", "d.txt"))
            w.commit()
        # closed: a writer may open again
        with baogao.Index(self.db, write=True) as w2:
            self.assertEqual(len(w2.reports()), 1)

    def test_wait_for_writer(self):
        w = baogao.Index(self.db, create=True)
        opened = []

        def second():
            with baogao.Index(self.db, write=True, wait=True) as w2:
                opened.append(len(w2.reports()))

        t = threading.Thread(target=second)
        t.start()
        t.join(0.3)
        self.assertTrue(t.is_alive())       # waits for the first writer
        w.add(self.copy("district", "d.txt"))
        w.commit()
        w.close()
        t.join(10)
        self.assertFalse(t.is_alive())
        self.assertEqual(opened, [1])

    def test_closed_index(self):
        ix = baogao.Index(self.db, create=True)
        self.assertFalse(ix.closed)
        ix.close()
        self.assertTrue(ix.closed)
        ix.close()                           # twice is fine
        self.assertIn("closed", repr(ix))
        calls = [lambda: ix.search("法治"), lambda: ix.by_year("法治"), lambda: ix.figures("法治"),
                 lambda: ix.like("0123456789abcdef:1"), lambda: ix.context("0123456789abcdef:1"),
                 ix.reports, ix.status, ix.revision, ix.commit,
                 lambda: ix.add(report_path("sample")), lambda: ix.remove(report_path("sample"))]
        for call in calls:
            with self.assertRaises(baogao.Error) as cm:
                call()
            self.assertEqual(cm.exception.code, baogao.BG_EINVAL)
            self.assertIn("closed", str(cm.exception))
        with self.assertRaises(baogao.Error):
            with ix:
                pass
        with baogao.Index(self.db) as r:
            pass
        self.assertTrue(r.closed)
        with self.assertRaises(baogao.Error):
            r.search("法治")

    def test_default_path(self):
        with baogao.Index(self.db, create=True) as w:
            w.add(self.copy("district", "d.txt"))
            w.commit()
        old = os.environ.get("BAOGAO_DB")
        os.environ["BAOGAO_DB"] = self.db
        try:
            with baogao.Index() as ix:
                self.assertEqual(ix.path, self.db)
                self.assertEqual(len(ix.reports()), 1)
        finally:
            if old is None:
                del os.environ["BAOGAO_DB"]
            else:
                os.environ["BAOGAO_DB"] = old


class LoadingTest(unittest.TestCase):
    """The library is found through BAOGAO_LIBRARY, and failing to load it says so."""

    def run_python(self, code, **env):
        return subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=subprocess_env(**env), check=False)

    def test_missing_library(self):
        code = ("import baogao\n"
                "try:\n"
                "    baogao.version()\n"
                "except ImportError as e:\n"
                "    assert isinstance(e, baogao.Error) and isinstance(e, baogao.LibraryError)\n"
                "    print(e.tried, e)\n")
        p = self.run_python(code, BAOGAO_LIBRARY="/nonexistent/libbaogao.so.0")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        out = p.stdout.decode()
        self.assertTrue(out.startswith("['/nonexistent/libbaogao.so.0']"), out)
        self.assertIn("BAOGAO_LIBRARY", out)
        self.assertIn("/nonexistent/libbaogao.so.0", out)

    def test_library_from_env(self):
        lib = os.environ.get("BAOGAO_LIBRARY")
        if not lib:
            self.skipTest("BAOGAO_LIBRARY is not set")
        p = self.run_python("import baogao, baogao._lib as L; print(baogao.version(), L.lib()._name)")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode().split(), [baogao.version(), lib])


if __name__ == "__main__":
    unittest.main()
