#!/usr/bin/env bash
# damaged_shard_test.sh — a damaged year shard never crashes a program
# (docs/reliability.md, "Damaged shards"). Five bits flipped in the 2022
# shard's position table (tests/damaged_shard_gen.py) made baogao-index abort
# inside Xapian when a 2022 report was added. Now: the run exits 2 with one
# line naming the shard, the other shard is untouched, /healthz says
# "degraded" and names it, and baogao-index --repair rebuilds the year from
# its reports' files, after which searches find its passages again. Also: a
# damaged postlist table (the catalogue) is rebuilt from the passages, and an
# index whose every shard is damaged gets 503 from /healthz.
#   usage: damaged_shard_test.sh BAOGAO-INDEX BAOGAO-QUERY BAOGAO-SERVE SOURCE_DIR
set -uo pipefail
INDEX=$1 QUERY=$2 SERVE=$3 SRC=$4

for tool in curl python3; do
    command -v $tool >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done

. "$(dirname "$0")/lib.sh"   # TMP, SERVER_PID cleanup, ok/not_ok/check

# The documents, indexed from their folder as a user would (relative paths).
mkdir -p "$TMP/docs"
cp -r "$SRC/corpus" "$TMP/docs/corpus"
cp -r "$SRC/tests/fixtures/reports" "$TMP/docs/reports"
mkdir "$TMP/docs/new"
sed 's/组织专题学习40余场次/组织专题学习41余场次，新增一段/' "$TMP/docs/reports/fazhi-district-2022.txt" \
    >"$TMP/docs/new/extra-2022.txt"
sed 's/过去一年/过去的一年/' "$TMP/docs/reports/sample-gov-2021.txt" >"$TMP/docs/new/extra-2021.txt"
cd "$TMP/docs" || exit 1
"$INDEX" --db "$TMP/clean" corpus reports >"$TMP/index.log" 2>&1 \
    || { cat "$TMP/index.log"; echo "0 passed, 1 failed (indexing)"; exit 1; }

# fresh NAME: a copy of the clean index at $TMP/NAME.
fresh() { rm -rf "$TMP/$1"; cp -r "$TMP/clean" "$TMP/$1"; }
sums() { (cd "$1" && md5sum ./*); }
# passages DB QUERY...: the JSON hits of a search, ids and reports only.
passages() {
    local db=$1; shift
    "$QUERY" --db "$db" --json --limit 100 "$@" 2>/dev/null \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], sorted(h["report"] + ":" + str(h["line"]) for h in d["results"]))'
}
have_xapian_check() { command -v xapian-check >/dev/null; }

# ---- the crash: adding a report of the damaged year -------------------------
fresh db
python3 "$SRC/tests/damaged_shard_gen.py" "$TMP/db/shards/2022" >/dev/null
sums "$TMP/db/shards/2021" >"$TMP/2021.before"
"$INDEX" --db "$TMP/db" new/extra-2022.txt >"$TMP/add.out" 2>"$TMP/add.err"
rc=$?
check "adding to the damaged year does not crash (exit $rc, not by a signal)" test "$rc" -lt 128
check "adding to the damaged year exits 2" test "$rc" -eq 2
check "one line names the shard and says what to do" \
    test "$(grep -c 'shards/2022: damaged (.*): run baogao-index --repair' "$TMP/add.err")" -eq 1
grep -q 'shards/2022: damaged (position.glass block' "$TMP/add.err" \
    && ok "the message says which table is damaged" || not_ok "the message says which table is damaged" "$(cat "$TMP/add.err")"
check "no sanitizer or Xapian crash report" bash -c "! grep -qE 'ERROR: AddressSanitizer|runtime error|terminate called|free\\(\\)' '$TMP/add.err'"
check "the other shard is untouched" cmp -s "$TMP/2021.before" <(sums "$TMP/db/shards/2021")
if have_xapian_check; then
    check "xapian-check passes on the other shard" bash -c "xapian-check '$TMP/db/shards/2021' >/dev/null"
fi

# A run that writes only another year goes on, and names the damaged shard.
"$INDEX" --db "$TMP/db" new/extra-2021.txt >"$TMP/add21.out" 2>"$TMP/add21.err"
rc=$?
check "a run that writes only 2021 succeeds (exit $rc)" test "$rc" -eq 0
check "... and warns of the damaged shard once" \
    test "$(grep -c 'warning: .*shards/2022: damaged' "$TMP/add21.err")" -eq 1

# ---- /healthz on the damaged index -------------------------------------------
start_server() {
    "$SERVE" --db "$1" --listen 127.0.0.1:0 --threads 2 2>"$TMP/serve.log" &
    SERVER_PID=$!
    for _ in $(seq 100); do
        BASE=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$TMP/serve.log" | sed 's/listening on //')
        [ -n "$BASE" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$TMP/serve.log"
    return 1
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=; }
health() { curl -s -o "$TMP/health" -w '%{http_code}' "$BASE/healthz"; }
health_is() { python3 -c "import json,sys; d=json.load(open('$TMP/health')); sys.exit(0 if ($1) else 1)"; }

if start_server "$TMP/db"; then
    code=$(health)
    check "/healthz on a damaged shard: 200 (another shard answers)" test "$code" = 200
    check "/healthz says degraded and names the damaged shard" \
        health_is 'd["status"] == "degraded" and len(d["damaged_shards"]) == 1 and d["damaged_shards"][0].endswith("shards/2022") and d["missing_shards"] == []'
    stop_server
else
    not_ok "baogao-serve starts on the damaged index"
fi

# ---- --repair ----------------------------------------------------------------
"$INDEX" --db "$TMP/db" --repair -v >"$TMP/repair.out" 2>"$TMP/repair.err"
rc=$?
check "--repair exits 0 (exit $rc)" test "$rc" -eq 0
check "--repair names the shard and where it went" grep -q 'shards/2022: damaged (position.glass.*moved to .*shards/2022.damaged-' "$TMP/repair.out"
check "--repair indexes the year's two reports again" \
    bash -c "grep -q '^new .*corpus/shaoguan-qujiang-fazhi-2022.txt' '$TMP/repair.out' && grep -q '^new .*reports/fazhi-district-2022.txt' '$TMP/repair.out'"
check "the damaged shard is kept aside" test -d "$(ls -d "$TMP"/db/shards/2022.damaged-* 2>/dev/null | head -1)"
if have_xapian_check; then
    check "xapian-check passes on the rebuilt shard" bash -c "xapian-check '$TMP/db/shards/2022' >/dev/null"
fi
check "searching the repaired year finds its passages again" \
    test "$(passages "$TMP/db" --year 2022 电子证照)" = "$(passages "$TMP/clean" --year 2022 电子证照)"
check "a phrase (positions) in the repaired year as before" \
    test "$(passages "$TMP/db" --year 2022 '"行政执法"')" = "$(passages "$TMP/clean" --year 2022 '"行政执法"')"
"$INDEX" --db "$TMP/db" new/extra-2022.txt >"$TMP/add2.out" 2>&1
check "the repaired year can be written again" test $? -eq 0
"$INDEX" --db "$TMP/db" --repair >"$TMP/repair2.out" 2>&1
check "a second --repair finds nothing to do" grep -q '^0 damaged shards, 0 reports' "$TMP/repair2.out"

if start_server "$TMP/db"; then
    code=$(health)
    check "/healthz after the repair: 200 ok, no damaged shard" \
        bash -c "test '$code' = 200 && python3 -c \"import json; d=json.load(open('$TMP/health')); assert d['status']=='ok' and d['damaged_shards']==[]\""
    stop_server
fi

# ---- a damaged catalogue: the reports are found from the passages ------------
fresh pl
python3 "$SRC/tests/damaged_shard_gen.py" "$TMP/pl/shards/2022" --recipe postlist >/dev/null
"$INDEX" --db "$TMP/pl" --repair >"$TMP/repair-pl.out" 2>&1
rc=$?
check "--repair of a damaged postlist table exits 0 (exit $rc)" test "$rc" -eq 0
check "... finds the reports from the passages" \
    test "$(passages "$TMP/pl" --year 2022 电子证照)" = "$(passages "$TMP/clean" --year 2022 电子证照)"

# ---- every shard damaged: /healthz 503, and the server will not start ---------
fresh all
if start_server "$TMP/all"; then
    python3 "$SRC/tests/damaged_shard_gen.py" "$TMP/all/shards/2022" >/dev/null
    python3 "$SRC/tests/damaged_shard_gen.py" "$TMP/all/shards/2021" --recipe postlist >/dev/null
    code=$(health)
    check "/healthz once every shard is damaged: 503 naming a damaged shard" \
        bash -c "test '$code' = 503 && grep -q 'no shard can be read: .*shards/20..: damaged' '$TMP/health'"
    stop_server
    "$SERVE" --db "$TMP/all" --listen 127.0.0.1:0 >/dev/null 2>"$TMP/serve-all.err" &
    SERVER_PID=$!
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        not_ok "baogao-serve refuses an index whose every shard is damaged" "it is still running"
        stop_server
    else
        wait "$SERVER_PID"
        rc=$?
        SERVER_PID=
        check "baogao-serve refuses an index whose every shard is damaged, naming one (exit $rc)" \
            bash -c "test $rc -ne 0 && grep -q 'shards/20..: damaged' '$TMP/serve-all.err'"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
