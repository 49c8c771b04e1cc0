#!/usr/bin/env bash
# cli_test.sh — end-to-end tests of baogao-index and baogao-query as a user
# runs them: help, error paths and exit codes, indexing the shipped corpus/,
# incremental re-runs, --remove/--sync, plain and JSON output.
# Usage: cli_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR [SHARED_CORPUS]
set -u
INDEX=$1 QUERY=$2 SRC=$3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_DATA_HOME= XDG_CONFIG_HOME= BAOGAO_DB= NO_COLOR=
mkdir -p "$HOME"
pass=0 fail=0
check() { # check NAME COMMAND... : the command must succeed
    local name=$1; shift
    if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name" >&2; fi
}
status_is() { # status_is EXPECTED COMMAND...
    local want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"; local got=$?
    [ "$got" = "$want" ] || { echo "  exit $got, wanted $want: $*" >&2; cat "$TMP/err" >&2; return 1; }
}
err_has() { grep -q -- "$1" "$TMP/err" || { echo "  stderr lacks '$1':" >&2; cat "$TMP/err" >&2; return 1; }; }
out_has() { grep -q -- "$1" "$TMP/out" || { echo "  stdout lacks '$1':" >&2; head -20 "$TMP/out" >&2; return 1; }; }
one_line_err() { [ "$(wc -l <"$TMP/err")" -eq 1 ] || { echo "  stderr is not one line:" >&2; cat "$TMP/err" >&2; return 1; }; }

# --help explains every option with an example.
check "index --help" status_is 0 "$INDEX" --help
check "index --help lists options" bash -c "grep -q -- '--db' '$TMP/out' && grep -q -- '--remove' '$TMP/out' && grep -q 'Examples' '$TMP/out'"
check "query --help" status_is 0 "$QUERY" --help
check "query --help lists options" bash -c "grep -q -- '--year' '$TMP/out' && grep -q -- '--json' '$TMP/out' && grep -q -- '--offset' '$TMP/out'"

# Usage errors: one clear line, exit 2.
check "index unknown option" status_is 2 "$INDEX" --bogus
check "query unknown option" status_is 2 "$QUERY" --bogus x
check "query no query" status_is 2 "$QUERY"
check "query no query message" err_has "no query"
check "query bad limit" status_is 2 "$QUERY" --limit abc 电子证照
check "query bad limit message" err_has "limit"
check "query bad year" status_is 2 "$QUERY" --year 20x9 电子证照
check "query bad year message" one_line_err
check "query missing db" status_is 2 "$QUERY" --db "$TMP/none" 电子证照
check "query missing db names path" err_has "$TMP/none"
check "query missing db one line" one_line_err

# Index the shipped corpus into the default location, as the README does.
check "index corpus" status_is 0 "$INDEX" "$SRC/corpus"
check "index reports new" out_has "^[1-9][0-9]* new, "
check "default location used" test -f "$HOME/.local/share/baogao/index/XAPIANDB"
check "query default db" status_is 0 "$QUERY" --no-color 电子证照
check "breadcrumb" out_has "2022 韶关市曲江区2022年度法治政府建设情况报告 › 二、2022年主要举措和成效"
check "highlight marks" out_has "【电子证照】"
check "file:line" out_has "corpus/shaoguan-qujiang-fazhi-2022.txt:[0-9]"
check "empty query" status_is 2 "$QUERY" ""
check "empty query message" err_has "empty query"
check "no results exit 1" status_is 1 "$QUERY" 量子引力波
check "year filter excludes" status_is 1 "$QUERY" --year 2019 电子证照
check "year range includes" status_is 0 "$QUERY" --year 2020..2023 电子证照

# JSON output parses and keeps the contract's names.
check "json" status_is 0 "$QUERY" --json --limit 3 电子证照
check "json contract" python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["query"] == "电子证照" and d["total"] >= 1
r = d["results"][0]
for k in ["rank", "score", "report", "title", "body", "year", "line", "kind", "section", "text", "snippet"]:
    assert k in r, k
assert r["rank"] == 1 and r["year"] == 2022 and isinstance(r["section"], list)
assert sum(d["facets"]["year"].values()) == d["total"]
PY

# A second run changes nothing; a bad file fails alone with a clear line.
check "reindex unchanged" status_is 0 "$INDEX" -v "$SRC/corpus"
check "reindex all unchanged" bash -c "! grep -q '^new\|^updated' '$TMP/out' && grep -q '^unchanged' '$TMP/out'"
mkdir -p "$TMP/docs"
cp "$SRC/tests/fixtures/reports/sample-gov-2021.txt" "$TMP/docs/"
head -c 3000 /dev/urandom > "$TMP/docs/binary.txt"
printf '\0\0\0binary' >> "$TMP/docs/binary.txt"
check "bad file fails alone" status_is 1 "$INDEX" -v "$TMP/docs"
check "bad file named" err_has "binary.txt"
check "bad file one line" one_line_err
check "good file indexed" out_has "^new.*sample-gov-2021.txt"
check "indexed file found" status_is 0 "$QUERY" 保障性住房

# A directory run removes reports whose files are gone from it (omindex's
# way; --keep-missing keeps them); --remove removes one. By default a run
# prints its summary only, -v a line per file.
rm "$TMP/docs/binary.txt" "$TMP/docs/sample-gov-2021.txt"
check "keep-missing" status_is 0 "$INDEX" --keep-missing "$TMP/docs"
check "keep-missing: nothing removed" out_has "^0 new, 0 updated, 0 unchanged, 0 removed, 0 failed"
check "kept file still found" status_is 0 "$QUERY" 保障性住房
check "sync by default" status_is 0 "$INDEX" "$TMP/docs"
check "sync: summary only" bash -c "[ \$(wc -l <'$TMP/out') = 1 ] && grep -q '^0 new, 0 updated, 0 unchanged, 1 removed' '$TMP/out'"
check "synced file gone" status_is 1 "$QUERY" 保障性住房
cp "$SRC/tests/fixtures/reports/sample-gov-2021.txt" "$TMP/docs/"
check "-v names each file" status_is 0 "$INDEX" -v "$TMP/docs"
check "-v: new" out_has "^new.*sample-gov-2021.txt"
rm "$TMP/docs/sample-gov-2021.txt"
check "--sync still accepted" status_is 0 "$INDEX" -v --sync "$TMP/docs"
check "sync removed" out_has "^removed.*sample-gov-2021.txt"
check "a failed first run leaves no index" bash -c "! '$INDEX' --db '$TMP/never' '$TMP/no-such-dir' >/dev/null 2>&1 && [ ! -e '$TMP/never' ]"
check "--compact alone: no file summary" bash -c "'$INDEX' --compact >'$TMP/out' && grep -q '^compacted' '$TMP/out' && ! grep -q ' new, ' '$TMP/out'"
check "remove" status_is 0 "$INDEX" --remove "$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt"
check "removed file gone" status_is 1 "$QUERY" 电子证照
check "remove unknown" status_is 1 "$INDEX" --remove "$SRC/corpus/nothing.txt"
check "remove unknown message" err_has "not in the index"

# A directory of published files: every supported type is indexed (by its
# content, whatever its name), hidden directories are left out, and the
# summary names what was skipped and why; a skipped file named on the command
# line is a failure.
W=$TMP/walk
mkdir -p "$W/sub" "$W/.git" "$W/.cache"
cp "$SRC/tests/fixtures/formats/html-govcn.html" "$W/page.HTM"
cp "$SRC/tests/fixtures/formats/qujiang-portal.pdf" "$W/sub/print.pdf"
cp "$SRC/tests/fixtures/formats/qujiang-styles.docx" "$W/word.docx"
cp "$SRC/tests/fixtures/formats/scan.pdf" "$W/scan.pdf"
cp "$SRC/tests/fixtures/formats/html-province.html" "$W/.git/hidden.html"
cp "$SRC/tests/fixtures/formats/html-density.html" "$W/.cache/hidden.html"
printf 'a\tb\n' >"$W/table.xls"
printf 'PK\003\004 not a document' >"$W/bundle.zip"
printf 'file\ttitle\tbody\tyear\n' >"$W/MANIFEST.tsv"
DB=$TMP/walk-db
check "walk" status_is 0 "$INDEX" --db "$DB" -v "$W"
check "walk html" out_has "^new.*page.HTM"
check "walk pdf" out_has "^new.*sub/print.pdf"
check "walk docx" out_has "^new.*word.docx"
check "walk summary" out_has "^3 skipped: 2 unsupported (.xls, .zip), 1 scanned PDF without a text layer"
check "walk -v names the scan" out_has "^skipped.*scan.pdf (scanned PDF"
check "walk -v names the xls" out_has "^skipped.*table.xls (unsupported type .xls)"
check "walk leaves hidden dirs" bash -c "! grep -q hidden '$TMP/out'"
check "walk manifest not a report" bash -c "! grep -q MANIFEST '$TMP/out'"
check "html article found" status_is 0 "$QUERY" --db "$DB" --json 电子证照
check "hits say their format" bash -c "grep -q '\"format\":\"html\"' '$TMP/out' && grep -q '\"format\":\"pdf\"' '$TMP/out' && grep -q '\"format\":\"docx\"' '$TMP/out'"
check "pdf hits say their page" bash -c "'$QUERY' --db '$DB' --json --no-collapse 电子证照 | grep -q '\"page\":[0-9]'"
check "no page furniture" status_is 1 "$QUERY" --db "$DB" 版权所有
check "named scan fails" status_is 1 "$INDEX" --db "$DB" "$W/scan.pdf"
check "named scan message" err_has "scan.pdf: scanned PDF without a text layer"
check "named scan one line" one_line_err

# Official documents (GB/T 9704): the frame is metadata, not passages; a
# document number finds its document; kind and number filter.
O=$TMP/official-db
check "official index" status_is 0 "$INDEX" --db "$O" "$SRC/tests/fixtures/official"
check "addressee is no passage" status_is 1 "$QUERY" --db "$O" 各省、自治区、直辖市党委和人民政府
check "signature date is no passage" status_is 1 "$QUERY" --db "$O" 二〇〇八年一月二日
check "title is one passage" status_is 0 "$QUERY" --db "$O" --json '"关于促进民营经济发展壮大的意见"'
check "title passage" out_has '"total":1,'
check "hit date and docno" out_has '"date":"2008-01-02","docno":"厅字【2008】27号","doc_kind":"意见"'
check "kind facet" out_has '"kind":{"意见":1}'
check "docno query" status_is 0 "$QUERY" --db "$O" --json --limit 1 '国函〔2011〕25号'
check "docno query finds its document first" out_has '"report":"[^"]*off-003.txt"'
check "docno filter as typed" status_is 0 "$QUERY" --db "$O" --json --docno '国函[2011]25号' 国务院
check "docno filter keeps one document" bash -c "python3 -c \"import json; d = json.load(open('$TMP/out')); assert {h['report'][-11:] for h in d['results']} == {'off-003.txt'}, d\""
check "kind filter" status_is 0 "$QUERY" --db "$O" --json --kind 批复 --limit 100 国务院
check "kind filter keeps the kind" bash -c "python3 -c \"import json; d = json.load(open('$TMP/out')); assert d['total'] > 0 and {h['doc_kind'] for h in d['results']} == {'批复'}, d\""

# One text indexed twice (the plain text and its portal page) is one hit
# listing the other copy, with the totals of one copy; --no-collapse shows
# both; the report listing marks the copy; removing the first copy leaves the
# other standing for the text.
D=$TMP/dup
mkdir -p "$D/a" "$D/b"
cp "$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt" "$D/a/"
cp "$SRC/tests/fixtures/formats/html-govcn.html" "$D/b/page.html"
check "copies index" status_is 0 "$INDEX" --db "$D/db" "$D/a" "$D/b"
check "once index" status_is 0 "$INDEX" --db "$D/once" "$D/a"
check "one hit per text" bash -c "'$QUERY' --db '$D/db' --json '\"电子证照\"' >'$TMP/out' && [ \"\$(python3 -c \"import json; d = json.load(open('$TMP/out')); print(d['total'], d['results'][0]['duplicates'][0]['format'] if d['results'][0]['duplicates'] else '')\")\" = '1 html' ]"
check "totals as one copy" bash -c "for q in 电子证照 行政复议 '\"行政执法\"'; do a=\$('$QUERY' --db '$D/db' --json \"\$q\" | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])'); b=\$('$QUERY' --db '$D/once' --json \"\$q\" | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])'); [ \"\$a\" = \"\$b\" ] || exit 1; done"
check "no-collapse shows both" bash -c "'$QUERY' --db '$D/db' --json --no-collapse '\"电子证照\"' | grep -q '\"total\":2,'"
check "reports mark the copy" status_is 0 "$QUERY" --db "$D/db" --reports
check "reports copy line" out_has "page.html.*copy of .*shaoguan-qujiang-fazhi-2022.txt"
check "remove first copy" status_is 0 "$INDEX" --db "$D/db" --remove "$D/a/shaoguan-qujiang-fazhi-2022.txt"
check "the other copy stands" bash -c "'$QUERY' --db '$D/db' --json '\"电子证照\"' | grep -q '\"format\":\"html\"'"

# Bounded work per query (issue 17): four words of `的.` x 63 (1,011 bytes)
# once took 43 s and 1.5 GB; now they are refused at once, naming the word to
# shorten, and a lone character is still searched.
ATTACK=$(python3 -c "print(' '.join(['的.' * 63] * 4))")
check "broad query refused" status_is 2 "$QUERY" --db "$D/db" "$ATTACK"
check "broad query says what to shorten" err_has "too broad: '的.的.的."
check "broad query message one line" one_line_err
check "lone character searched" status_is 0 "$QUERY" --db "$D/db" 的

# A full disk (issue 17): the message gives the system's reason, the summary
# claims nothing that was not committed, and the index opens at its last good
# state. Needs a 256 kB tmpfs (root; the first report takes 92 kB, the
# shipped corpus more than the rest); skipped where mount is not permitted.
F=$TMP/full
mkdir -p "$F"
if mount -t tmpfs -o size=256k tmpfs "$F" 2>/dev/null; then
    check "full disk: first report fits" status_is 0 "$INDEX" --db "$F/ix" "$SRC/tests/fixtures/reports/sample-gov-2021.txt"
    check "full disk: exit 2" status_is 2 "$INDEX" --db "$F/ix" "$SRC/corpus"
    check "full disk: the system's reason" err_has "No space left on device"
    check "full disk: nothing claimed" out_has "nothing of this run was committed"
    check "full disk: no count of new files" bash -c "! grep -q '[1-9][0-9]* new' '$TMP/out'"
    check "full disk: last good state opens" status_is 0 "$QUERY" --db "$F/ix" --reports
    check "full disk: last good state holds the first report" out_has "sample-gov-2021.txt"
    check "full disk: and only it" out_has "^1 report$"
    umount "$F"
else
    echo "full disk: mount -t tmpfs not permitted here; skipped"
fi

# Out of file descriptors (issue 17): the system's reason, not "not found".
# Four year shards need about 28 descriptors; 12 runs out among them.
check "few descriptors: index" status_is 0 "$INDEX" --db "$TMP/years-db" "$SRC/tests/fixtures/years"
check "few descriptors: exit 2" status_is 2 bash -c "ulimit -n 12; exec '$QUERY' --db '$TMP/years-db' 政府"
check "few descriptors: the system's reason" err_has "Too many open files"

# Damaged document data names its shard (issue 17): bytes overwritten at
# offsets through a shard's docdata.glass make some searches fail (zlib's
# "inflate failed", or a record that does not parse); each failure must name
# the shard, and at least one must occur.
damaged_names_shard() {
    local base=$TMP/dmg-base failures=0 off
    "$INDEX" --db "$base" --quiet "$SRC/corpus" "$SRC/tests/fixtures/reports" >/dev/null || return 1
    local size; size=$(stat -c %s "$base/shards/2022/docdata.glass")
    for off in $(seq 8400 700 "$size"); do
        rm -rf "$TMP/dmg"; cp -r "$base" "$TMP/dmg"
        printf '\x5a\xa5\x13\x77\x00\x91\x5a\xa5\x13\x77\x00\x91' |
            dd of="$TMP/dmg/shards/2022/docdata.glass" bs=1 seek="$off" conv=notrunc 2>/dev/null
        "$QUERY" --db "$TMP/dmg" --limit 100 --no-collapse 区 >/dev/null 2>"$TMP/dmg-err" && continue
        failures=$((failures + 1))
        grep -q "shard $TMP/dmg/shards/2022: passage [0-9]" "$TMP/dmg-err" || { echo "  at $off:" >&2; cat "$TMP/dmg-err" >&2; return 1; }
    done
    [ "$failures" -gt 0 ] || { echo "  no damage was noticed" >&2; return 1; }
}
check "damaged document data names its shard" damaged_names_shard

# Queries mean what people type (issue 16). An exclusion of Chinese text
# stands anywhere among the options; AND, NOT and parentheses are operators;
# years come as lists and a-b ranges; a body as a prefix; a search without
# results names its filters and what dropping them finds.
SYN=$TMP/syntax-db
check "syntax: index corpus" status_is 0 "$INDEX" --db "$SYN" --quiet "$SRC/corpus"
total() { "$QUERY" --db "$SYN" --json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
check "exclusion among options" status_is 0 "$QUERY" --db "$SYN" --json 政务服务 -电子证照 --limit 1
check "exclusion among options: no stderr" test ! -s "$TMP/err"
check "exclusion among options: applied" python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["query"] == "政务服务 -电子证照", d["query"]
assert len(d["results"]) == 1 and d["total"] >= 1
assert all("电子证照" not in r["text"] for r in d["results"])
PY
check "exclusion of a phrase" status_is 0 "$QUERY" --db "$SYN" 政务服务 '-"电子证照"' --no-color
check "exclusion of a phrase: same total" test "$(total 政务服务 '-"电子证照"')" = "$(total 政务服务 -电子证照)"
check "latin after -: one line, a hint" status_is 2 "$QUERY" --db "$SYN" 政务服务 -GDP
check "latin after -: one line" one_line_err
check "latin after -: hint" err_has 'quote it (-"word")'
check "option without value" status_is 2 "$QUERY" --db "$SYN" 政务服务 --year
check "option without value: message" err_has "'--year' needs a value"
check "AND is an operator" test "$(total '政务服务 AND 电子证照')" = "$(total 政务服务 电子证照)"
check "AND finds" test "$(total '政务服务 AND 电子证照')" -ge 1
check "NOT is AND NOT" test "$(total 政务服务 NOT 电子证照)" = "$(total 政务服务 -电子证照)"
check "NOT finds" test "$(total 政务服务 NOT 电子证照)" -ge 1
check "parentheses" test "$(total '(电子证照 OR 行政执法) 政务服务')" -ge 1
check "NOT binds tighter than OR" test "$(total 电子证照 OR 行政执法 NOT 政务服务)" -gt "$(total '(电子证照 OR 行政执法) NOT 政务服务')"
check "year list" status_is 0 "$QUERY" --db "$SYN" --year 2019,2022 电子证照
check "year list excludes" status_is 1 "$QUERY" --db "$SYN" --year 2019,2021 电子证照
check "year a-b" status_is 0 "$QUERY" --db "$SYN" --year 2022-2023 电子证照
check "year a-b excludes" status_is 1 "$QUERY" --db "$SYN" --year 2018-2021 电子证照
check "year list bad" status_is 2 "$QUERY" --db "$SYN" --year 2019,20x1 电子证照
check "body prefix" status_is 0 "$QUERY" --db "$SYN" --body 韶关 电子证照
check "body other" status_is 1 "$QUERY" --db "$SYN" --body 国务院 电子证照
check "no results names the filter" status_is 1 "$QUERY" --db "$SYN" --year 2030 电子证照
check "no results: without the year filter" out_has "^No results for 电子证照 in 2030; 1 without the year filter\.$"
check "no results: two filters" status_is 1 "$QUERY" --db "$SYN" --year 2030 --body 韶关 电子证照
check "no results: two filters named" out_has "^No results for 电子证照 in 2030 from 韶关; 1 without the year filter, 1 without any filter\.$"
check "no results: JSON suggestions" status_is 1 "$QUERY" --db "$SYN" --json --year 2030 --body 国务院 电子证照
check "no results: JSON suggestions listed" python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["total"] == 0
assert d["suggestions"] == [{"drop": "year", "total": 0}, {"drop": "body", "total": 0},
                            {"drop": "all", "total": 1}], d["suggestions"]
PY
check "results: no suggestions" bash -c "'$QUERY' --db '$SYN' --json 电子证照 | grep -qv suggestions"

# --show: a passage read in its report, by REPORT:LINE or id (issue 19).
SHOWN=$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt
check "--show prints the section path and the passage marked" bash -c \
    "'$QUERY' --db '$SYN' --no-color --show '$SHOWN:12' --context 1 >'$TMP/show' && grep -q '^>   12  ' '$TMP/show' \
     && [ \$(grep -c '^[ >] *[0-9]\+  ' '$TMP/show') -eq 3 ] && grep -q '^  二、' '$TMP/show'"
check "--show --json: the target among its neighbours" bash -c \
    "'$QUERY' --db '$SYN' --json --show '$SHOWN:12' --context 2 | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = [r[\"match\"] for r in d[\"results\"]]
assert m == [\"context\", \"context\", \"target\", \"context\", \"context\"], m
lines = [r[\"line\"] for r in d[\"results\"]]
assert lines == sorted(lines), lines'"
check "--show --section: the heading and its paragraphs" bash -c \
    "'$QUERY' --db '$SYN' --no-color --show '$SHOWN:12' --section >'$TMP/show' && grep -q '^>   12  ' '$TMP/show' \
     && [ \$(grep -c '^[ >] *[0-9]\+  ' '$TMP/show') -ge 2 ]"
check "--show --report: every passage of the report" bash -c \
    "[ \$('$QUERY' --db '$SYN' --no-color --show '$SHOWN:12' --report | grep -c '^[ >] *[0-9]\+  ') -gt 50 ]"
check "--section without --show is refused" status_is 2 "$QUERY" --db "$SYN" --section 电子证照
check "--context without --show is refused" status_is 2 "$QUERY" --db "$SYN" --context 2 电子证照
check "--show with a query is refused" status_is 2 "$QUERY" --db "$SYN" --show "$SHOWN:12" 电子证照
check "--show of a line with no passage" status_is 2 "$QUERY" --db "$SYN" --show "$SHOWN:99999"

# Indexed from one directory with a relative path, every printed REPORT:LINE
# opens from another, and --show takes a bare file name (issue 19).
mkdir -p "$TMP/here/docs" "$TMP/elsewhere"
cp "$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt" "$TMP/here/docs/"
check "index from one directory" bash -c "cd '$TMP/here' && '$INDEX' -q --db '$TMP/rel-db' docs"
opens_elsewhere() {
    local n=0 where line text
    (cd "$TMP/elsewhere" && "$QUERY" --db "$TMP/rel-db" --no-color --limit 20 法治) >"$TMP/rel.out" || return 1
    while read -r where; do
        line=${where##*:}
        text=$(cd "$TMP/elsewhere" && sed -n "${line}p" "${where%:*}") || return 1
        [ -n "$text" ] || { echo "  cannot open $where from elsewhere" >&2; return 1; }
        n=$((n + 1))
    done < <(grep -o '^   [^ ]*:[0-9]*  id' "$TMP/rel.out" | sed 's/^   //; s/  id$//')
    [ "$n" -ge 5 ]
}
check "every printed REPORT:LINE opens from another directory" opens_elsewhere
check "paths under the current directory print relative" bash -c "cd '$TMP/here' && '$QUERY' --db '$TMP/rel-db' --limit 1 政务服务 | grep -q '^   docs/shaoguan-qujiang-fazhi-2022.txt:[0-9]'"
check "--show takes a bare file name" bash -c "cd '$TMP/elsewhere' && '$QUERY' --db '$TMP/rel-db' --show shaoguan-qujiang-fazhi-2022.txt:10 --context 0 | grep -q '^>   10  '"

# A report's id is its content's (docs/format.md, "Identity"): the same file,
# indexed at another path into another index, has the same report and passage
# ids, and --show, --show --report and --like by them answer alike in both.
"$QUERY" --db "$SYN" --json --limit 50 法治 >"$TMP/ids-a.json"
"$QUERY" --db "$TMP/rel-db" --json --limit 50 法治 >"$TMP/ids-b.json"
check "ids: the same at another path in another index" python3 - "$TMP/ids-a.json" "$TMP/ids-b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
ia, ib = ([r["id"] for r in d["results"]] for d in (a, b))
assert len(ia) >= 20 and sorted(ia) == sorted(ib), (ia, ib)
assert a["results"][0]["report"] != b["results"][0]["report"]
PY
ID=$(python3 -c "import json; print(json.load(open('$TMP/ids-a.json'))['results'][3]['id'])")
same_answer() { # same_answer ARGS...: both indexes answer alike (ids, exit status 0 or 1)
    "$QUERY" --db "$SYN" --json "$@" >"$TMP/sa.json"; local a=$?
    "$QUERY" --db "$TMP/rel-db" --json "$@" >"$TMP/sb.json"; local b=$?
    [ "$a" = "$b" ] && [ "$a" -le 1 ] || { echo "  exit $a and $b: $*" >&2; return 1; }
    python3 - "$TMP/sa.json" "$TMP/sb.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert [r["id"] for r in a["results"]] == [r["id"] for r in b["results"]], (a, b)
assert [r.get("match") for r in a["results"]] == [r.get("match") for r in b["results"]]
PY
}
check "ids: --show ID in both indexes" same_answer --show "$ID" --context 2
check "ids: --show ID marks it" python3 -c "import json; d = json.load(open('$TMP/sa.json')); assert [r['id'] for r in d['results'] if r['match'] == 'target'] == ['$ID']"
check "ids: --show REPORT_ID --report in both indexes" same_answer --show "${ID%%:*}" --report
check "ids: --like ID in both indexes" same_answer --like "$ID"

# Editing a file gives it a new id: its old passages go, and the old id
# answers "not found" saying why.
mkdir -p "$TMP/edit"
cp "$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt" "$TMP/edit/r.txt"
check "ids: index before an edit" status_is 0 "$INDEX" --db "$TMP/edit-db" --quiet "$TMP/edit"
check "ids: same id as elsewhere before the edit" bash -c "'$QUERY' --db '$TMP/edit-db' --show '$ID' --context 0 >/dev/null"
echo "新增一段：推进法治政府建设示范创建。" >>"$TMP/edit/r.txt"
check "ids: index after an edit" status_is 0 "$INDEX" --db "$TMP/edit-db" -v "$TMP/edit"
check "ids: the edit is an update" out_has "^updated "
check "ids: the old id is gone" status_is 2 "$QUERY" --db "$TMP/edit-db" --show "$ID"
check "ids: saying why" err_has "edited since"
check "ids: the old report id is gone" status_is 2 "$QUERY" --db "$TMP/edit-db" --show "${ID%%:*}" --report
check "ids: the new passages, once" bash -c "'$QUERY' --db '$TMP/edit-db' --json --no-collapse --limit 100 法治 | python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = [r[\"id\"] for r in d[\"results\"]]
assert ids and len(set(i[:16] for i in ids)) == 1 and ids[0][:16] != \"${ID%%:*}\", ids
assert d[\"total\"] == $(python3 -c "import json; print(json.load(open('$TMP/ids-a.json'))['total'])"), d[\"total\"]'"

# Two identical files in one index: distinct passage ids, the second a copy.
mkdir -p "$TMP/twins/a" "$TMP/twins/b"
cp "$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt" "$TMP/twins/a/"
cp "$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt" "$TMP/twins/b/"
check "ids: twins index" status_is 0 "$INDEX" --db "$TMP/twins-db" --quiet "$TMP/twins/a" "$TMP/twins/b"
check "ids: twins have distinct passage ids" bash -c "'$QUERY' --db '$TMP/twins-db' --json --no-collapse '\"电子证照\"' | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d[\"results\"]
assert d[\"total\"] == 2 and r[0][\"id\"] != r[1][\"id\"], r
assert r[0][\"id\"].split(\":\")[1] == r[1][\"id\"].split(\":\")[1]
assert \"$ID\"[:16] in (r[0][\"id\"][:16], r[1][\"id\"][:16])'"
check "ids: the second twin is a copy" bash -c "'$QUERY' --db '$TMP/twins-db' --reports | grep -q 'twins/b/.*copy of .*twins/a/'"

# --format tsv|csv: a header, then one row per hit, every row the same
# number of fields, read back by Python's csv module (issue 19).
table_ok() { # FORMAT ARGS...: rows parse, match the JSON's hits, one field count
    local fmt=$1; shift
    "$QUERY" --db "$SYN" --format "$fmt" "$@" >"$TMP/table" || return 1
    "$QUERY" --db "$SYN" --json "$@" >"$TMP/table.json" || return 1
    python3 - "$fmt" "$TMP/table" "$TMP/table.json" <<'PY'
import csv, json, sys
fmt, table, doc = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
rows = list(csv.reader(open(table, newline=""), delimiter="\t" if fmt == "tsv" else ","))
assert rows[0][:3] == ["rank", "year", "title"], rows[0]
assert all(len(r) == len(rows[0]) for r in rows), [len(r) for r in rows]
hits = doc["results"]
assert [r[7] for r in rows[1:]] == [h["id"] for h in hits], (rows[1:3], hits[:2])
assert all(r[9] == h["text"].replace("\t", " ").replace("\n", " ") or fmt == "csv" for r, h in zip(rows[1:], hits))
assert all(r[9] == h["text"] for r, h in zip(rows[1:], hits)) or fmt == "tsv"
PY
}
check "--format tsv: one row per hit" table_ok tsv --limit 5 电子证照
check "--format csv: one row per hit, quoted where needed" table_ok csv --limit 5 法治
check "--format tsv --figures: a row per figure" bash -c "'$QUERY' --db '$SYN' --format tsv --figures 就业 | head -1 | grep -q \$'^year\tvalue\trole'"
check "--format xml is refused" status_is 2 "$QUERY" --db "$SYN" --format xml 电子证照
check "--format with --json is refused" status_is 2 "$QUERY" --db "$SYN" --format csv --json 电子证照

# --trend (issue 18): every year of the index, the occurrences of each year
# equal to a substring count over the reports; several queries compare.
TR=$TMP/trend-db
check "trend: index the year fixtures" status_is 0 "$INDEX" -q --db "$TR" "$SRC/tests/fixtures/years"
trend_counts() { # QUERY: occurrences per year equal a substring count
    "$QUERY" --db "$TR" --json --trend "$1" >"$TMP/trend.json" || return 1
    python3 - "$1" "$TMP/trend.json" "$SRC/tests/fixtures/years" <<'PY'
import collections, glob, json, re, sys
q, doc, folder = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
want = collections.Counter()
for f in glob.glob(folder + "/*.txt"):
    year = int(re.search(r"(\d{4})", f.rsplit("/", 1)[1]).group(1))
    want[year] += open(f, encoding="utf-8").read().count(q)
got = {y["year"]: y["occurrences"] for y in doc["years"]}
assert set(got) == set(want), (got, want)       # every year, zero years too
assert got == dict(want), (got, dict(want))
assert all(y["per_10k"] is not None and (y["per_10k"] > 0) == (y["occurrences"] > 0) for y in doc["years"])
PY
}
check "trend: 就业 per year equals a substring count" trend_counts 就业
check "trend: 改革 per year equals a substring count" trend_counts 改革
check "trend: text table with a bar" bash -c "'$QUERY' --db '$TR' --trend 就业 | grep -q '█'"
check "trend: two queries, one JSON document" bash -c "'$QUERY' --db '$TR' --json --trend 就业 --trend 改革 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [t[\"query\"] for t in d[\"trends\"]] == [\"就业\", \"改革\"]'"
check "trend: no query words besides --trend" status_is 2 "$QUERY" --db "$TR" --trend 就业 改革
check "trend --by-body: a series per body, each with every year" bash -c "'$QUERY' --db '$TR' --json --trend 就业 --by-body | python3 -c '
import json, sys
d = json.load(sys.stdin)
years = [[y[\"year\"] for y in b[\"years\"]] for b in d[\"bodies\"]]
assert len(d[\"bodies\"]) >= 1 and all(ys == years[0] for ys in years), years
'"
check "--by-body without --trend is refused" status_is 2 "$QUERY" --db "$TR" --by-body 就业

# --count, --color=WHEN, paging options only where they page (issue 19).
check "--count prints the total alone" bash -c "[ \"\$('$QUERY' --db '$SYN' --count 电子证照)\" = \"\$(NO_COLOR=1 '$QUERY' --db '$SYN' --json 电子证照 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])')\" ]"
check "--count of nothing: 0, exit 1" bash -c "out=\$('$QUERY' --db '$SYN' --count 量子测绘); [ \$? = 1 ] && [ \"\$out\" = 0 ]"
check "--count with --json is refused" status_is 2 "$QUERY" --db "$SYN" --count --json 电子证照
check "--color=always colours a pipe" bash -c "'$QUERY' --db '$SYN' --color=always --limit 1 电子证照 | grep -q \$'\\033\\['"
check "--color=never: 【】" bash -c "'$QUERY' --db '$SYN' --color=never --limit 1 电子证照 | grep -q '【电子证照】'"
check "--color=sometimes is refused" status_is 2 "$QUERY" --db "$SYN" --color=sometimes 电子证照
check "--limit with --by-year is refused" status_is 2 "$QUERY" --db "$SYN" --by-year --limit 3 电子证照
check "--offset with --figures is refused" status_is 2 "$QUERY" --db "$SYN" --figures --offset 3 就业
check "--limit with --show is refused" status_is 2 "$QUERY" --db "$SYN" --show "$SHOWN:12" --limit 3

# --compare (issue 18): two years side by side, over the year fixtures.
CMP=$TMP/compare-db
check "compare: index the year fixtures" status_is 0 "$INDEX" -q --db "$CMP" "$SRC/tests/fixtures/years"
compare_json_ok() {   # every passage of each year once, in its year's column
    "$QUERY" --db "$CMP" --json --compare 2021 2023 减税 >"$TMP/compare.json" || return 1
    "$QUERY" --db "$CMP" --json --strict --year 2021 --limit 500 减税 >"$TMP/c21.json" || return 1
    "$QUERY" --db "$CMP" --json --strict --year 2023 --limit 500 减税 >"$TMP/c23.json" || return 1
    python3 - "$TMP/compare.json" "$TMP/c21.json" "$TMP/c23.json" <<'PY'
import json, sys
d, a, b = (json.load(open(p)) for p in sys.argv[1:4])
assert d['query'] == '减税' and d['years'] == [2021, 2023] and d['truncated'] is False
assert d['totals'] == [a['total'], b['total']], (d['totals'], a['total'], b['total'])
ids = lambda side: sorted(p[side]['id'] for p in d['pairs'] if p[side])
assert ids('a') == sorted(r['id'] for r in a['results']) and ids('b') == sorted(r['id'] for r in b['results'])
for p in d['pairs']:
    assert p['status'] in ('same', 'similar', 'only_a', 'only_b')
    assert (p['a'] is None) == (p['status'] == 'only_b') and (p['b'] is None) == (p['status'] == 'only_a')
    if p['a'] and p['b']:
        assert p['similarity'] >= 0.15, p
# entries follow 2023's report order
lines = [p['b']['line'] for p in d['pairs'] if p['b']]
assert lines == sorted(lines), lines
assert [f['year'] for f in d['figures']] == [2021, 2023]
PY
}
check "compare --json: every passage of each year once, in 2023's order" compare_json_ok
check "compare: text marks each entry" bash -c "'$QUERY' --db '$CMP' --no-color --compare 2021 2023 减税 | grep -Eq '^(~ [0-9.]+|= [0-9.]+|< only in 2021|> only in 2023)'"
check "compare: the query after the years, or before the option" bash -c "diff <('$QUERY' --db '$CMP' --json --compare 2021 2023 减税) <('$QUERY' --db '$CMP' --json 减税 --compare 2021 2023)"
check "compare --format tsv: a header and a row per entry" bash -c "'$QUERY' --db '$CMP' --format tsv --compare 2021 2023 减税 | head -1 | grep -q \$'^status\tsimilarity\tsame_section'"
check "compare: no match is exit 1" status_is 1 "$QUERY" --db "$CMP" --compare 2021 2023 量子计算
check "compare: --limit is refused" status_is 2 "$QUERY" --db "$CMP" --compare 2021 2023 --limit 3 减税
check "compare: --year is refused" status_is 2 "$QUERY" --db "$CMP" --compare 2021 2023 --year 2021 减税
check "compare: the same year twice is refused" status_is 2 "$QUERY" --db "$CMP" --compare 2021 2021 减税
check "compare: a second year is needed" status_is 2 "$QUERY" --db "$CMP" --compare 2021 减税
check "compare: with --figures is refused" status_is 2 "$QUERY" --db "$CMP" --compare 2021 2023 --figures 减税

# A page of hits from more reports than the handle keeps first passages for
# (2,048 slots): it used to loop for ever looking for a free slot.
mkdir -p "$TMP/many"
python3 -c '
import sys
for i in range(2100):
    open(f"{sys.argv[1]}/rep-{i:05d}-2022.txt", "w").write(f"第{i}号示范报告\n一、工作\n推进电子证照应用，编号{i}。\n")
' "$TMP/many"
"$INDEX" -q --db "$TMP/many-ix" "$TMP/many" >/dev/null
check "a page of 2,100 hits from 2,100 reports, each with its own report's title" bash -c \
    "timeout 60 '$QUERY' --db '$TMP/many-ix' --json --limit 2100 电子证照 | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d[\"results\"]) == 2100 and len({h[\"title\"] for h in d[\"results\"]}) == 2100, len(d[\"results\"])'"

# Every example of --help runs against the shipped corpus: exit 0 or 1, never 2.
help_examples_run() {
    local line rc n=0
    "$QUERY" --help | sed -n '/^Examples:/,/^$/p' | sed -n 's/^  baogao-query /baogao-query /p' >"$TMP/examples"
    [ "$(wc -l <"$TMP/examples")" -ge 10 ] || { echo "  too few examples:" >&2; cat "$TMP/examples" >&2; return 1; }
    while IFS= read -r line; do
        (cd "$SRC" && BAOGAO_DB=$SYN QUERY_BIN=$QUERY bash -c 'baogao-query() { "$QUERY_BIN" --no-color "$@"; }; '"$line" \
            >/dev/null 2>"$TMP/example-err")
        rc=$?
        n=$((n + 1))
        [ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "  exit $rc: $line" >&2; cat "$TMP/example-err" >&2; return 1; }
    done <"$TMP/examples"
}
check "--help examples run" help_examples_run

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
