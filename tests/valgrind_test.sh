#!/usr/bin/env bash
# valgrind_test.sh — an index-and-query round trip of the programs under
# valgrind's memcheck: no invalid read or write, no use of uninitialised
# memory, no definite or indirect leak. Memory that ICU and OpenCC keep for
# the life of the process ("still reachable") is not a leak and is allowed.
# This complements the ASan+UBSan build (tests/run.sh), which cannot see
# uninitialised reads, on the normal (release) build; a sanitizer build
# cannot run under valgrind, so there the test skips.
# Usage: valgrind_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR [SHARED_CORPUS]
set -u
INDEX=$1 QUERY=$2 SRC=$3
command -v valgrind >/dev/null || { echo "skipped: valgrind is not installed"; exit 77; }
if ldd "$INDEX" 2>/dev/null | grep -q 'libasan\|libtsan\|libubsan'; then
    echo "skipped: a sanitizer build cannot run under valgrind"
    exit 77
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_DATA_HOME= XDG_CONFIG_HOME= BAOGAO_DB= NO_COLOR=1
mkdir -p "$HOME"
# shellcheck disable=SC2054 # the commas are inside option values
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --track-origins=yes --num-callers=30)

pass=0 fail=0
# vg NAME EXPECTED_EXIT PROGRAM ARGS...: runs under memcheck; any error makes
# the exit status 99 and fails.
vg() {
    local name=$1 want=$2; shift 2
    "${VG[@]}" --log-file="$TMP/vg.log" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    if [ "$rc" = "$want" ] && [ ! -s "$TMP/vg.log" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name (exit $rc, wanted $want)"
        head -60 "$TMP/vg.log"
        tail -3 "$TMP/err"
    fi
}

mkdir -p "$TMP/docs"
cp "$SRC"/corpus/*.txt "$SRC"/tests/fixtures/reports/* "$TMP/docs/"
cp "$SRC/tests/fixtures/years/city-gov-2019.txt" "$TMP/docs/"
printf 'not a report\0\1\2' >"$TMP/docs/binary.txt"
DB=$TMP/db
vg "index with two threads" 1 "$INDEX" --db "$DB" -j2 "$TMP/docs"
vg "index again (unchanged)" 1 "$INDEX" --db "$DB" -j1 "$TMP/docs"
echo "补充：推进电子证照应用。" >>"$TMP/docs/sample-gov-2021.txt"
vg "re-index a changed file" 0 "$INDEX" --db "$DB" -j1 "$TMP/docs/sample-gov-2021.txt"
vg "query" 0 "$QUERY" --db "$DB" 电子证照
vg "query --json" 0 "$QUERY" --db "$DB" --json --limit 50 '"电子证照" OR 法治 -不存在'
vg "query --by-year" 0 "$QUERY" --db "$DB" --by-year 城镇新增就业
vg "query --figures" 0 "$QUERY" --db "$DB" --figures 城镇新增就业
vg "query --like" 0 "$QUERY" --db "$DB" --like "$TMP/docs/city-gov-2019.txt:5"
vg "query, no results" 1 "$QUERY" --db "$DB" 量子引力波
vg "query, invalid" 2 "$QUERY" --db "$DB" '，。'
vg "remove" 0 "$INDEX" --db "$DB" --remove "$TMP/docs/sample-gov-2021.txt"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
