#!/usr/bin/env bash
# corpus_test.sh — acceptance checks over the 21 real reports in ../shared/corpus
# (skipped, exit 77, when that directory is absent): metadata years, the
# 电子证照 and 持证上岗 passages, --year filters, an unchanged second run.
# Usage: corpus_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR SHARED_CORPUS
set -u
INDEX=$1 QUERY=$2 CORPUS=${4:-}
if [ -z "$CORPUS" ] || [ ! -f "$CORPUS/MANIFEST.tsv" ]; then
    echo "shared corpus not found at '$CORPUS': skipped"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home
mkdir -p "$HOME" "$TMP/corpus"
# Index a copy without the manifest, so the years come from detection alone.
cp "$CORPUS"/*.txt "$TMP/corpus/"
DB=$TMP/index
pass=0 fail=0
check() {
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name" >&2; fi
}

check "index all" "$INDEX" -q --db "$DB" "$TMP/corpus"
q() { "$QUERY" --db "$DB" --json "$@"; }

check "years detected" python3 - "$CORPUS/MANIFEST.tsv" "$QUERY" "$DB" <<'PY'
import csv, json, subprocess, sys
manifest, query, db = sys.argv[1:4]
bad = []
d = json.loads(subprocess.run([query, "--db", db, "--json", "--limit", "10000", "的"],
                              capture_output=True, text=True, check=True).stdout)
years = {}
for r in d["results"]:
    years.setdefault(r["report"].rsplit("/", 1)[-1], set()).add(r["year"])
for row in csv.DictReader(open(manifest, encoding="utf-8"), delimiter="\t"):
    got = years.get(row["file"])
    if got != {int(row["year"])}:
        bad.append((row["file"], row["year"], got))
for b in bad:
    print("wrong year:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

check "电子证照 top 3" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True).stdout)
ok = any(r["year"] == 2022 and r["section"] == ["二、2022年主要举措和成效", "(二)拓展“无证明”城市建设广度和深度"]
         and "电子证照" in r["text"] for r in d["results"][:3])
sys.exit(0 if ok else 1)' "$QUERY" --db "$DB" --json --limit 3 电子证照

check "持证上岗 measure" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True).stdout)
ok = any(r["kind"] == "measure" and r["text"].startswith("二是严格执行行政执法人员持证上岗") for r in d["results"])
sys.exit(0 if ok else 1)' "$QUERY" --db "$DB" --json --limit 5 持证上岗

check "year filter" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True).stdout)
ys = {r["year"] for r in d["results"]}
sys.exit(0 if d["total"] > 0 and ys <= {2016, 2017, 2018, 2019} and set(d["facets"]["year"]) <= {"2016", "2017", "2018", "2019"} else 1)' \
    "$QUERY" --db "$DB" --json --limit 200 --year 2016..2019 城镇新增就业

check "single year" python3 -c '
import json, subprocess, sys
d = json.loads(subprocess.run(sys.argv[1:], capture_output=True, text=True, check=True).stdout)
sys.exit(0 if d["total"] > 0 and all(r["year"] == 2019 for r in d["results"]) else 1)' \
    "$QUERY" --db "$DB" --json --limit 100 --year 2019 减税

check "second run unchanged" bash -c "'$INDEX' --db '$DB' -v '$TMP/corpus' > '$TMP/second' && [ \$(grep -c '^unchanged' '$TMP/second') -eq 21 ] && ! grep -q '^new\|^updated' '$TMP/second'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
