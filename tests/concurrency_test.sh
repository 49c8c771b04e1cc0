#!/usr/bin/env bash
# concurrency_test.sh — readers and writers at the same time, as processes:
#   - baogao-query (and baogao-serve's /api/search, when it is built) keep
#     searching while baogao-index commits again and again (changed files, a
#     report moving to a new year's shard): no query may fail (exit 2, or an
#     HTTP status other than 200);
#   - a second indexer on a locked index fails at once with "index is locked
#     by another indexer (pid N)" and exit 2, and with --wait it waits for the
#     first one and then succeeds.
# Usage: concurrency_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR [SHARED_CORPUS]
# baogao-serve is taken from $BAOGAO_SERVE, else next to baogao-query (or in
# its server/ subdirectory, as in the build tree); without it (or curl) the
# HTTP part is skipped. BAOGAO_TEST_LIGHT=1 (automatic for a sanitizer build)
# runs fewer rounds.
set -u
INDEX=$1 QUERY=$2 SRC=$3
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        kill -CONT "$p" 2>/dev/null
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_DATA_HOME= XDG_CONFIG_HOME= BAOGAO_DB= NO_COLOR=1
mkdir -p "$HOME"
LIGHT=${BAOGAO_TEST_LIGHT:-}
ldd "$INDEX" 2>/dev/null | grep -q 'libasan\|libtsan' && LIGHT=1
ROUNDS=$([ -n "$LIGHT" ] && echo 6 || echo 15)
SERVE=${BAOGAO_SERVE:-}
for cand in "$(dirname "$QUERY")/baogao-serve" "$(dirname "$QUERY")/server/baogao-serve"; do
    [ -z "$SERVE" ] && [ -x "$cand" ] && SERVE=$cand
done
command -v curl >/dev/null || SERVE=

pass=0 fail=0
check() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi; }

DOCS=$TMP/docs DB=$TMP/db
mkdir -p "$DOCS"
cp "$SRC"/corpus/*.txt "$SRC"/tests/fixtures/reports/*.txt "$SRC"/tests/fixtures/years/*.txt "$DOCS/"
cp "$SRC/tests/fixtures/reports/sample-gov-2021.txt" "$DOCS/churn.txt"
"$INDEX" --db "$DB" "$DOCS" >/dev/null 2>"$TMP/init.err" || { cat "$TMP/init.err"; echo "0 passed, 1 failed"; exit 1; }

# ---- queries while the indexer commits ----------------------------------------
# writer: ROUNDS runs, each changing churn.txt (every third round also moving
# it to a new year, so a shard appears and the stub is rewritten).
writer() {
    local bad=0
    for i in $(seq "$ROUNDS"); do
        echo "第${i}轮：推进电子证照互通互认，政务服务更加便利。" >>"$DOCS/churn.txt"
        if [ $((i % 3)) = 0 ]; then
            printf 'file\ttitle\tbody\tyear\nchurn.txt\t第%s轮\t测试机关\t%s\n' "$i" $((2040 + i)) >"$DOCS/MANIFEST.tsv"
        fi
        "$INDEX" --db "$DB" -q "$DOCS" >/dev/null 2>>"$TMP/writer.err" || bad=$((bad + 1))
    done
    echo "$bad" >"$TMP/writer.bad"
}
# cli_reader: baogao-query in a loop until the writer is done; records every
# exit status above 1 with its message.
cli_reader() {
    local n=0
    while [ ! -e "$TMP/stop" ]; do
        # A query of several words is several arguments; quotes are part of a query.
        # shellcheck disable=SC2089,SC2090,SC2086
        for q in 电子证照 政务服务 '"推进电子证照互通互认"' '政府 OR 法治' '发展 -经济'; do
            "$QUERY" --db "$DB" --limit 20 -- $q >/dev/null 2>"$TMP/cli.err.$1"
            local rc=$?
            n=$((n + 1))
            [ "$rc" -le 1 ] || echo "exit $rc for $q: $(cat "$TMP/cli.err.$1")" >>"$TMP/cli.bad"
        done
        "$QUERY" --db "$DB" --json --by-year 电子证照 >/dev/null 2>"$TMP/cli.err.$1"
        local rc=$?
        [ "$rc" -le 1 ] || echo "exit $rc for --by-year: $(cat "$TMP/cli.err.$1")" >>"$TMP/cli.bad"
    done
    echo "$n" >"$TMP/cli.count.$1"
}
http_reader() {
    local n=0
    while [ ! -e "$TMP/stop" ]; do
        for q in %E7%94%B5%E5%AD%90%E8%AF%81%E7%85%A7 %E6%94%BF%E5%8A%A1%E6%9C%8D%E5%8A%A1; do
            local code
            code=$(curl -s -o "$TMP/http.body" -w '%{http_code}' "$BASE/api/search?q=$q&limit=20")
            n=$((n + 1))
            [ "$code" = 200 ] || echo "HTTP $code: $(head -c 300 "$TMP/http.body")" >>"$TMP/http.bad"
        done
    done
    echo "$n" >"$TMP/http.count"
}

BASE=
if [ -n "$SERVE" ]; then
    "$SERVE" --db "$DB" --listen 127.0.0.1:0 --threads 2 2>"$TMP/serve.log" &
    PIDS+=($!)
    for _ in $(seq 100); do
        BASE=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$TMP/serve.log" | sed 's/listening on //')
        [ -n "$BASE" ] && break
        sleep 0.1
    done
    [ -n "$BASE" ] || { cat "$TMP/serve.log"; echo "FAIL: baogao-serve did not start"; fail=$((fail + 1)); }
else
    echo "note: baogao-serve or curl not found; HTTP readers skipped"
fi

cli_reader 1 & PIDS+=($!); r1=$!
cli_reader 2 & PIDS+=($!); r2=$!
[ -n "$BASE" ] && { http_reader & PIDS+=($!); rh=$!; }
writer
touch "$TMP/stop"
wait "$r1" "$r2"
[ -n "$BASE" ] && wait "$rh"

check "indexer runs all succeeded" bash -c "[ \"\$(cat '$TMP/writer.bad')\" = 0 ] || { cat '$TMP/writer.err'; false; }"
check "CLI queries never failed" bash -c "[ ! -s '$TMP/cli.bad' ] || { head -5 '$TMP/cli.bad'; false; }"
echo "$ROUNDS indexer runs; $(( $(cat "$TMP/cli.count.1") + $(cat "$TMP/cli.count.2") )) CLI queries" \
     "${BASE:+, $(cat "$TMP/http.count") HTTP queries}"
if [ -n "$BASE" ]; then
    check "HTTP queries never failed" bash -c "[ ! -s '$TMP/http.bad' ] || { head -5 '$TMP/http.bad'; false; }"
    check "server sees the last commit" bash -c "curl -s '$BASE/api/search?q=%E7%AC%AC${ROUNDS}%E8%BD%AE' | grep -q '\"total\":[1-9]'"
fi
check "CLI sees the last commit" bash -c "'$QUERY' --db '$DB' 第${ROUNDS}轮 >/dev/null"

# ---- two indexers -------------------------------------------------------------
# The first one is frozen (SIGSTOP) once it holds the lock, so the second one
# meets it however fast the machine is; its work (two files of 300 KB) only
# has to outlast the polling for its pid in LOCK.
python3 - "$SRC" "$TMP/big" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
text = open(os.path.join(src, "tests/fixtures/reports/sample-gov-2021.txt"), encoding="utf-8").read()
for k in range(2):
    with open(os.path.join(out, f"big-{k:02d}.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(f"{line}（第{k}-{i}段）" for i, line in enumerate(text.split("\n") * 300)))
PY
"$INDEX" --db "$DB" -q "$TMP/big" >"$TMP/a.out" 2>&1 &
A=$!
PIDS+=("$A")
for _ in $(seq 500); do
    [ "$(cat "$DB/LOCK" 2>/dev/null)" = "$A" ] && break
    sleep 0.01
done
kill -STOP "$A"
check "first indexer holds the lock" bash -c "[ \"\$(cat '$DB/LOCK')\" = '$A' ]"
"$INDEX" --db "$DB" "$DOCS" >"$TMP/b.out" 2>"$TMP/b.err"
b_rc=$?
check "second indexer: exit 2" test "$b_rc" = 2
check "second indexer: locked message names the pid" grep -q "index is locked by another indexer (pid $A)" "$TMP/b.err"
check "second indexer: one line" test "$(wc -l <"$TMP/b.err")" = 1
"$INDEX" --db "$DB" --wait "$DOCS" >"$TMP/w.out" 2>"$TMP/w.err" &
W=$!
PIDS+=("$W")
sleep 1
check "--wait waits while the first holds the lock" kill -0 "$W"
kill -CONT "$A"
wait "$A"; a_rc=$?
wait "$W"; w_rc=$?
check "first indexer finishes" test "$a_rc" = 0
check "--wait then succeeds" bash -c "[ $w_rc = 0 ] || { cat '$TMP/w.err'; false; }"
check "--wait ran after the first" grep -q '^0 new, 0 updated' "$TMP/w.out"
check "both indexers' work is there" bash -c "'$QUERY' --db '$DB' 第1-5段 >/dev/null"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
