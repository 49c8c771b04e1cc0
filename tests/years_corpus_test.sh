#!/usr/bin/env bash
# years_corpus_test.sh — the across-years features over the real reports in
# ../shared/corpus (skipped, exit 77, when that directory is absent): --by-year
# and --figures for 城镇新增就业 against the truth computed with grep, and
# --like on a 2019 passage about 减税降费, --compare 2018 2019 就业 and
# 2021 2022 营商环境 (pairs really alike), --new-in 2024 --body 国务院 (新质生产力
# among the first 30). See docs/years.md.
# Usage: years_corpus_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR SHARED_CORPUS
set -u
INDEX=$1 QUERY=$2 CORPUS=${4:-}
if [ -z "$CORPUS" ] || [ ! -f "$CORPUS/MANIFEST.tsv" ]; then
    echo "shared corpus not found at '$CORPUS': skipped"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home NO_COLOR=1
mkdir -p "$HOME"
DB=$TMP/index
pass=0 fail=0
check() {
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name" >&2; fi
}

check "index corpus" "$INDEX" -q --db "$DB" "$CORPUS"

# The truth: the years (from the manifest) of the reports that mention 城镇新增就业.
truth_years() {
    local word=$1
    grep -l -- "$word" "$CORPUS"/*.txt | while read -r f; do
        awk -F'\t' -v f="${f##*/}" '$1 == f { print $4 }' "$CORPUS/MANIFEST.tsv"
    done | sort -u | tr '\n' ' '
}
EMPLOY_YEARS=$(truth_years 城镇新增就业)
check "truth is not empty" test -n "$EMPLOY_YEARS"

"$QUERY" --db "$DB" --json --by-year 城镇新增就业 > "$TMP/byyear.json"
"$QUERY" --db "$DB" --json 城镇新增就业 > "$TMP/plain.json"
check "by-year: every year that mentions it, newest first, exact totals" \
    python3 - "$TMP/byyear.json" "$TMP/plain.json" "$EMPLOY_YEARS" <<'PY'
import json, sys
by = json.load(open(sys.argv[1], encoding="utf-8"))
plain = json.load(open(sys.argv[2], encoding="utf-8"))
truth = sorted(int(y) for y in sys.argv[3].split())
years = [g["year"] for g in by["years"]]
bad = []
if years != sorted(truth, reverse=True):
    bad.append(("years", years, "want", sorted(truth, reverse=True)))
if by["total"] != plain["total"] or sum(g["total"] for g in by["years"]) != by["total"]:
    bad.append(("total", by["total"], plain["total"]))
for g in by["years"]:
    if g["total"] != plain["facets"]["year"].get(str(g["year"])):
        bad.append(("year total", g["year"], g["total"], plain["facets"]["year"]))
    if not 1 <= len(g["results"]) <= 3 or len(g["results"]) != min(3, g["total"]):
        bad.append(("per-year limit", g["year"], len(g["results"])))
    if any(r["year"] != g["year"] for r in g["results"]):
        bad.append(("wrong year in group", g["year"]))
    if not any("城镇新增就业" in r["text"] for r in g["results"]):
        bad.append(("no passage with the words", g["year"]))
for b in bad:
    print(*b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

"$QUERY" --db "$DB" --by-year --per-year 1 城镇新增就业 > "$TMP/byyear.txt"
check "by-year text: a header per year, newest first" python3 - "$TMP/byyear.txt" "$EMPLOY_YEARS" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
heads = [int(y) for y in re.findall(r"^(\d{4}) — \d+ passages?", text, re.M)]
want = sorted((int(y) for y in sys.argv[2].split()), reverse=True)
ids = re.findall(r":\d+  id [0-9a-f]{16}:\d+$", text, re.M)
sys.exit(0 if heads == want and len(ids) == len(want) else 1)
PY

"$QUERY" --db "$DB" --json --figures 城镇新增就业 > "$TMP/figures.json"
check "figures: numbers for every year that mentions it" python3 - "$TMP/figures.json" "$EMPLOY_YEARS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
want = sorted((int(y) for y in sys.argv[2].split()), reverse=True)
years = [g["year"] for g in d["figures"]]
bad = []
if years != want:
    bad.append(("years", years, "want", want))
for g in d["figures"]:
    if not any("万人" in i["value"] and "城镇新增就业" in i["text"] for i in g["items"]):
        bad.append(("no employment figure", g["year"], [i["value"] for i in g["items"]]))
    for i in g["items"]:
        if i["value"] not in i["text"] or not i["report"] or i["line"] < 1:
            bad.append(("item", i))
y2019 = {i["value"]: i["role"] for g in d["figures"] if g["year"] == 2019 for i in g["items"]}
if y2019.get("1100万人以上") != "target" or y2019.get("1361万人") != "result":
    bad.append(("2019", y2019))
for b in bad:
    print(*b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

"$QUERY" --db "$DB" --figures 城镇新增就业 > "$TMP/figures.txt"
check "figures text table" grep -q '^2019  1361万人 .* result  城镇新增就业1361万人' "$TMP/figures.txt"

# --like: a 2019 passage about 减税降费 finds 减税 in other years, never in 2019.
"$QUERY" --db "$DB" --json --year 2019 --limit 1 减税降费 > "$TMP/source.json"
SOURCE=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["id"], r["report"] + ":" + str(r["line"]))' "$TMP/source.json")
ID=${SOURCE%% *} REF=${SOURCE#* }
"$QUERY" --db "$DB" --json --limit 10 --like "$ID" > "$TMP/like.json"
"$QUERY" --db "$DB" --json --limit 10 --like "$REF" > "$TMP/like-ref.json"
check "like: same subject, other years" python3 - "$TMP/like.json" "$TMP/like-ref.json" "$ID" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
by_ref = json.load(open(sys.argv[2], encoding="utf-8"))
res = d["results"]
bad = []
if d["query"] != sys.argv[3] or d["total"] < 10 or "2019" in d["facets"]["year"]:
    bad.append(("header", d["query"], d["total"], d["facets"]["year"]))
if any(r["year"] == 2019 for r in res):
    bad.append(("source year returned",))
if "减税" not in res[0]["text"] or sum("减税" in r["text"] for r in res) < len(res) // 2:
    bad.append(("off subject", [r["text"][:40] for r in res]))
if len({r["year"] for r in res}) < 3:
    bad.append(("few years", {r["year"] for r in res}))
if [r["id"] for r in by_ref["results"]] != [r["id"] for r in res]:
    bad.append(("REPORT:LINE differs from the id",))
for b in bad:
    print(*b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# --compare: the pairs' texts are alike by an independent measure (bigram
# Dice in Python over NFKC text), known counterparts are a pair (the
# targets paragraphs of 2018 and 2019, 城镇新增就业1100万人以上, at 0.62; 转变政府
# 职能 in 2021 and 2022 at 0.35), and nothing is left out.
compare_alike() {
    "$QUERY" --db "$DB" --json --compare "$1" "$2" "$3" >"$TMP/compare.json" || return 1
    python3 - "$TMP/compare.json" "$4" <<'PY'
import collections, json, sys, unicodedata
d, must = json.load(open(sys.argv[1])), sys.argv[2]
def grams(t):
    c = [ch for ch in unicodedata.normalize("NFKC", t).lower() if ch.isalnum()]
    return collections.Counter(zip(c, c[1:]))
def dice(a, b):
    a, b = grams(a), grams(b)
    return 2 * sum((a & b).values()) / (sum(a.values()) + sum(b.values()))
pairs = [p for p in d["pairs"] if p["a"] and p["b"]]
bad = []
if not pairs:
    bad.append(("no pair",))
for p in pairs:
    sim = dice(p["a"]["text"], p["b"]["text"])
    if abs(sim - p["similarity"]) > 0.01 or sim < 0.15:
        bad.append(("not alike", round(sim, 3), p["similarity"], p["a"]["text"][:30], p["b"]["text"][:30]))
if must and not any(must in p["a"]["text"] and must in p["b"]["text"] and p["similarity"] >= 0.3 for p in pairs):
    bad.append(("no pair holding", must))
if sum(1 for p in d["pairs"] if p["a"]) != d["totals"][0] or sum(1 for p in d["pairs"] if p["b"]) != d["totals"][1]:
    bad.append(("passages left out", d["totals"]))
for b in bad:
    print(*b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "compare 2018 2019 就业: pairs alike, the targets paired" compare_alike 2018 2019 就业 城镇新增就业1100万人以上
check "compare 2021 2022 营商环境: pairs alike, 转变政府职能 paired" compare_alike 2021 2022 营商环境 转变政府职能
check "compare 2023 2024 就业: pairs alike, every passage listed" compare_alike 2023 2024 就业 ""

# New expressions (#18): --new-in 2024 --body 国务院 lists 新质生产力 among its
# first 30, and everything it lists is really absent from the earlier 国务院
# reports and present in 2024's (a substring check over the files).
new_in_holds() {
    "$QUERY" --db "$DB" --json --new-in 2024 --body 国务院 > "$TMP/new.json" &&
    python3 - "$TMP/new.json" "$CORPUS" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1])); corpus = sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(corpus, "MANIFEST.tsv"))][1:]
texts = {}
for r in rows:
    if r[2] == "国务院":
        texts.setdefault(int(r[3]), "")
        texts[int(r[3])] += open(os.path.join(corpus, r[0])).read()
listed = [e["text"] for e in d["expressions"]]
bad = [t for t in listed if t not in texts[2024] or any(t in texts[y] for y in texts if y < 2024)]
bad += [] if "新质生产力" in listed[:30] else ["新质生产力 not in the first 30"]
bad += [] if all(e["passages"] and e["passages"][0]["year"] == 2024 for e in d["expressions"]) else ["passages"]
print(*bad, file=sys.stderr)
sys.exit(1 if bad or len(listed) != 30 else 0)
PY
}
check "new-in 2024 --body 国务院: 新质生产力 in the first 30, each really new" new_in_holds

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
