#!/usr/bin/env bash
# remote_test.sh — year shards served by xapian-tcpsrv on loopback, searched
# together with a local shard through a stub written by `baogao-index --stub`:
# every query of a fixed list (words, phrases, OR, NOT, one character, year
# and body filters, paging, by-year, figures, like) must give the same JSON —
# passages, order, scores, totals, facets — as the one local index holding
# every shard, with the stub listing the shards in another order. Then one
# server is stopped and another frozen (SIGSTOP): a search must fail within
# its timeout with an error naming the shard, or, with --partial, answer from
# the others and list the missing ones; the HTTP server likewise, including a
# shard that dies after the server connected to it.
# Usage: remote_test.sh BAOGAO_SERVE BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR [SHARED_CORPUS]
# Skips (77) where xapian-tcpsrv is not installed.
set -u
SERVE=$1 INDEX=$2 QUERY=$3 SRC=$4 SHARED=${5:-}
for tool in xapian-tcpsrv setsid python3 curl timeout; do
    command -v $tool >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do
        kill -CONT -- -"$p" 2>/dev/null; kill -CONT "$p" 2>/dev/null
        kill "$p" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_DATA_HOME= XDG_CONFIG_HOME= BAOGAO_DB= NO_COLOR=1
mkdir -p "$HOME"
LIGHT=${BAOGAO_TEST_LIGHT:-}
ldd "$QUERY" 2>/dev/null | grep -q 'libasan\|libtsan' && LIGHT=1

pass=0 fail=0
ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local name=$1; shift; if "$@"; then ok; else not_ok "$name"; fi; }

# ---- one local index over every report ------------------------------------
if [ -z "$LIGHT" ] && ls "$SHARED"/*.txt >/dev/null 2>&1; then
    DOCS=("$SHARED"/*.txt)
else
    DOCS=("$SRC"/corpus/*.txt "$SRC"/tests/fixtures/years/*.txt "$SRC"/tests/fixtures/reports/*.txt)
fi
"$INDEX" --db "$TMP/idx" -q "${DOCS[@]}" >/dev/null || { echo "FAIL: cannot index"; exit 1; }
mapfile -t SHARDS < <(cd "$TMP/idx/shards" && ls)
N=${#SHARDS[@]}
[ "$N" -ge 4 ] || { echo "FAIL: want at least 4 year shards, got $N"; exit 1; }
echo "index: ${#DOCS[@]} reports in $N year shards${LIGHT:+ (light)}"

# ---- three servers on loopback, and a stub mixing them with a local shard --
# Shards 0..N-2 go to the servers in three groups; the newest stays local.
a=$(((N - 1) / 3)) b=$((2 * (N - 1) / 3))
group() { local from=$1 to=$2; for ((i = from; i < to; i++)); do echo "$TMP/idx/shards/${SHARDS[i]}"; done; }
mapfile -t G1 < <(group 0 "$a")
mapfile -t G2 < <(group "$a" "$b")
mapfile -t G3 < <(group "$b" $((N - 1)))
LOCAL=$TMP/idx/shards/${SHARDS[N - 1]}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Starts xapian-tcpsrv with ARGS (options, shards) on PORT, or on a free port
# when PORT is 0, and sets SRV_PORT and SRV_PID. Ready means its own
# "Listening" line, not merely an open port: another program (tests run in
# parallel) may take a port between our choosing it and the server binding
# it; then another port is tried, or the same one again a little later.
# xapian-tcpsrv signals its whole process group when it stops: each gets its own.
start_server() { # PORT ARGS...
    local want=$1 port pid log
    shift
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        port=$want
        [ "$port" = 0 ] && port=$(free_port)
        log=$TMP/tcpsrv.$port.log
        setsid xapian-tcpsrv --port "$port" --interface 127.0.0.1 "$@" >"$log" 2>&1 &
        pid=$!
        for _ in $(seq 100); do
            if grep -q '^Listening' "$log"; then
                PIDS+=("$pid")
                SRV_PORT=$port SRV_PID=$pid
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        sleep 0.3
    done
    echo "FAIL: xapian-tcpsrv did not start: $(cat "$log")"
    exit 1
}
start_server 0 "${G1[@]}"; P1=$SRV_PORT S1=$SRV_PID
start_server 0 "${G2[@]}"; P2=$SRV_PORT S2=$SRV_PID
start_server 0 "${G3[@]}"; P3=$SRV_PORT S3=$SRV_PID
STUB=$TMP/mixed.stub
"$INDEX" --stub "$STUB" "127.0.0.1:$P3" "$LOCAL" "127.0.0.1:$P1" "127.0.0.1:$P2" >"$TMP/out" 2>&1
check "--stub writes the stub" grep -q "wrote $STUB: 4 entries" "$TMP/out"
check "stub lists the remote shards" grep -qx "remote 127.0.0.1:$P1" "$STUB"
check "stub lists the local shard by its absolute path" grep -qx "auto $LOCAL" "$STUB"

# ---- the fixed query list: the same JSON from the stub as from the index ---
QUERIES=(
    "政府" "法治政府" "电子证照" "推进 改革" "\"深化改革\"" "就业 OR 教育" "发展 -经济"
    "法" "行政复议" "营商环境 优化" "生态环境保护" "乡村振兴"
)
same_json() { # ARGS... : the same stdout and exit status from both databases
    local want got rw rg
    want=$("$QUERY" --db "$TMP/idx" --json "$@" 2>&1); rw=$?
    got=$("$QUERY" --db "$STUB" --json "$@" 2>&1); rg=$?
    if [ "$want" != "$got" ] || [ $rw != $rg ]; then
        echo "  $* : exit $rw vs $rg"
        diff <(echo "$want" | python3 -m json.tool 2>/dev/null || echo "$want") \
             <(echo "$got" | python3 -m json.tool 2>/dev/null || echo "$got") | head -10
        return 1
    fi
}
compared=0
for q in "${QUERIES[@]}"; do
    # shellcheck disable=SC2086 # a query of several words is several arguments
    check "same results for $q" same_json --limit 30 -- $q
    compared=$((compared + 1))
done
YEAR=${SHARDS[1]}
check "same results with a year filter" same_json --year "$YEAR".. --limit 20 政府
check "same results with a body filter" same_json --body 国务院 --limit 20 发展
check "same second page" same_json --offset 10 --limit 10 政府
check "same third page" same_json --offset 20 --limit 7 改革
check "same by-year groups" same_json --by-year --per-year 2 政府
check "same figures" same_json --figures 就业
ID=$("$QUERY" --db "$TMP/idx" --json --limit 1 法治 | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
check "same passages like $ID" same_json --like "$ID" --limit 15
# A report's path, title, body and section headings are stored with its first
# passage (docs/format.md): read through a server that holds several shards,
# they are the local index's. A passage of the oldest year: on a server.
OLD_ID=$("$QUERY" --db "$TMP/idx" --json --limit 1 --year "${SHARDS[0]}" 发展 | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])')
check "same passage in context $OLD_ID" same_json --show "$OLD_ID" --context 3
check "same section of $OLD_ID" same_json --show "$OLD_ID" --section
check "same report of $OLD_ID" same_json --show "${OLD_ID%%:*}" --report
check "... with its section paths" bash -c "'$QUERY' --db '$STUB' --json --show '${OLD_ID%%:*}' --report | python3 -c '
import json, sys
r = json.load(sys.stdin)[\"results\"]
assert r and all(h[\"title\"] and h[\"report\"] for h in r) and any(h[\"section\"] for h in r), r[:2]'"
check "same exact counts" same_json --exact --limit 20 发展
compared=$((compared + 8))
# Counting only some matches: the same page, bounds that hold the exact
# count, and every year with a match listed, from the stub as locally.
bounded() { # DB : the page, the bounds' soundness and the years of a bounded count
    "$QUERY" --db "$1" --json --count-bound 30 --limit 20 政府 | python3 -c '
import json, sys
d, exact = json.load(sys.stdin), int(sys.argv[1])
ok = d["total_lower"] <= d["total"] <= d["total_upper"] and d["total_lower"] <= exact <= d["total_upper"]
print(ok, sorted(d["facets"]["year"]), [r["id"] for r in d["results"]])' "$("$QUERY" --db "$TMP/idx" --count 政府)"
}
check "a bounded count: same page, sound bounds, every year" \
    test "$(bounded "$STUB")" = "$(bounded "$TMP/idx")" -a "$(bounded "$TMP/idx" | cut -d' ' -f1)" = True
check "... every year of the exact count" \
    test "$(bounded "$STUB" | python3 -c 'import sys, ast; l = sys.stdin.read(); print(l[l.index("["):l.index("]") + 1])')" \
    = "$("$QUERY" --db "$TMP/idx" --json --exact 政府 | python3 -c 'import json, sys; print(sorted(json.load(sys.stdin)["facets"]["year"]))')"
echo "compared $compared queries between the local index and the mixed stub"

# ---- the HTTP server over the stub, while every shard is up -----------------
# baogao-serve binds a port of its own choosing (port 0) and says which.
start_http() { # DB OPTIONS... ; sets HTTP_PORT
    local db=$1 log
    shift
    log=$(mktemp "$TMP/serve.XXXXXX")
    "$SERVE" --db "$db" --listen 127.0.0.1:0 --threads 2 "$@" 2>"$log" &
    PIDS+=($!)
    for _ in $(seq 200); do
        HTTP_PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
        [ -n "$HTTP_PORT" ] && return 0
        sleep 0.05
    done
    echo "FAIL: baogao-serve did not start: $(cat "$log")"
    exit 1
}
start_http "$STUB" --partial --timeout 1500; HP=$HTTP_PORT
start_http "$STUB" --timeout 1500; HP2=$HTTP_PORT
start_http "$TMP/idx"; HP3=$HTTP_PORT
api() { curl -s -o "$TMP/body" -w '%{http_code}' "http://127.0.0.1:$1$2"; }
check "HTTP search over the stub is the CLI's JSON" \
    test "$(api "$HP" '/api/search?q=%E6%94%BF%E5%BA%9C&limit=10')" = 200 -a \
    "$(cat "$TMP/body")" = "$("$QUERY" --db "$TMP/idx" --json --limit 10 政府)"
api "$HP3" /api/reports >/dev/null
mv "$TMP/body" "$TMP/reports.local"
api "$HP" /api/reports >/dev/null
check "HTTP report catalogue over the stub is the local index's" cmp -s "$TMP/body" "$TMP/reports.local"
check "... and lists every report" python3 -c 'import json,sys; sys.exit(len(json.load(open(sys.argv[1]))["reports"]) != int(sys.argv[2]))' \
    "$TMP/body" "${#DOCS[@]}"
api "$HP2" '/api/search?q=%E6%94%BF%E5%BA%9C' >/dev/null   # both servers now hold connections

# ---- a server that is down ---------------------------------------------------
kill "$S2"
wait "$S2" 2>/dev/null
DOWN="remote 127.0.0.1:$P2"
timeout 30 "$QUERY" --db "$STUB" --timeout 2000 政府 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "a down shard fails the search (exit 2, not a hang)" test $rc = 2
check "the error names the down shard" grep -q "shard $DOWN is unavailable" "$TMP/err"
check "the error is one line" test "$(wc -l <"$TMP/err")" = 1

# The partial answer: what the other shards hold, exactly.
expect_partial() { # DOWN_PORT... : total and year facets of the local index without those servers' years
    "$QUERY" --db "$TMP/idx" --json --limit 1 政府 | python3 -c '
import json, sys
d = json.load(sys.stdin)
skip = set(sys.argv[1:])
years = {y: n for y, n in d["facets"]["year"].items() if y not in skip}
print(sum(years.values()), json.dumps(years, sort_keys=True))' "$@"
}
down_years() { for s in "$@"; do basename "$s"; done; }
mapfile -t DY < <(down_years "${G2[@]}")
WANT=$(expect_partial "${DY[@]}")
got_partial() { # FILE : total, year facets and missing shards of a JSON answer
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["total"], json.dumps(d["facets"]["year"], sort_keys=True))
print("\n".join(d["missing_shards"]))' "$1"
}
timeout 30 "$QUERY" --db "$STUB" --timeout 2000 --partial --json --limit 50 政府 >"$TMP/out" 2>"$TMP/err"
check "--partial answers without the down shard (exit 0)" test $? = 0
check "--partial warns on stderr, naming the shard" grep -q "warning: answered without 1 unavailable shard: $DOWN" "$TMP/err"
check "--partial: missing_shards names the down shard" test "$(got_partial "$TMP/out" | tail -n +2)" = "$DOWN"
check "--partial: total and year counts are those of the shards that are up" \
    test "$(got_partial "$TMP/out" | sed -n 1p)" = "$WANT"
check "--partial: no passage from the down shard's years" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(any(str(h["year"]) in sys.argv[2:] for h in d["results"]))' "$TMP/out" "${DY[@]}"
timeout 30 "$QUERY" --db "$STUB" --timeout 2000 --partial --by-year --json 政府 >"$TMP/out" 2>/dev/null
check "--partial --by-year lists the missing shard" grep -q "\"missing_shards\":\[\"$DOWN\"\]" "$TMP/out"

# The HTTP servers had connected to it before it went down.
code=$(api "$HP" '/api/search?q=%E6%94%BF%E5%BA%9C&limit=50')
check "HTTP --partial: 200 after the shard died under it" test "$code" = 200
check "HTTP --partial: missing_shards names it" test "$(got_partial "$TMP/body" | tail -n +2)" = "$DOWN"
check "HTTP --partial: counts of the shards that are up" test "$(got_partial "$TMP/body" | sed -n 1p)" = "$WANT"
code=$(api "$HP2" '/api/search?q=%E6%94%BF%E5%BA%9C')
check "HTTP without --partial: 503" test "$code" = 503
check "HTTP 503 names the shard" grep -q "shard $DOWN is unavailable" "$TMP/body"
code=$(api "$HP" /healthz)
check "HTTP --partial health: 200, degraded, the shard named" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (sys.argv[2] == "200" and d["status"] == "degraded" and d["missing_shards"] == [sys.argv[3]] and d["shards"] == 4))' \
    "$TMP/body" "$code" "$DOWN"
code=$(api "$HP2" /healthz)
check "HTTP health without --partial: 503 naming the shard" \
    test "$code" = 503 -a "$(grep -c "shard $DOWN is unavailable" "$TMP/body")" = 1
code=$(api "$HP" /api/reports)
check "HTTP --partial catalogue names the missing shard" \
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["missing_shards"] != [sys.argv[2]])' "$TMP/body" "$DOWN"

# ---- a server that hangs: connections are accepted, nothing answers ---------
kill -STOP -- -"$S1"   # the server and the children serving open connections
HUNG="remote 127.0.0.1:$P1"
timeout 30 "$QUERY" --db "$STUB" --timeout 1000 政府 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "a hung shard fails the search within its timeout (exit 2, not a hang)" test $rc = 2
check "the error names a shard that is unavailable" grep -q "shard remote 127.0.0.1:[0-9]* is unavailable" "$TMP/err"
timeout 30 "$QUERY" --db "$STUB" --timeout 1000 --partial --json 政府 >"$TMP/out" 2>"$TMP/err"
check "--partial answers without the hung and the down shard" test $? = 0
check "--partial names both" test "$(got_partial "$TMP/out" | tail -n +2 | sort)" = "$(printf '%s\n' "$HUNG" "$DOWN" | sort)"
mapfile -t DY1 < <(down_years "${G1[@]}")
check "--partial: counts of the two shards that are up" \
    test "$(got_partial "$TMP/out" | sed -n 1p)" = "$(expect_partial "${DY[@]}" "${DY1[@]}")"
code=$(api "$HP" '/api/search?q=%E6%94%BF%E5%BA%9C')
check "HTTP --partial with a hung shard: 200" test "$code" = 200
check "HTTP --partial names both" test "$(got_partial "$TMP/body" | tail -n +2 | sort)" = "$(printf '%s\n' "$HUNG" "$DOWN" | sort)"

# ---- back up: whole answers again -------------------------------------------
kill -CONT -- -"$S1"
start_server "$P2" "${G2[@]}"   # the port the stub names
check "all shards back: the same results as the local index" same_json --limit 30 政府
sleep 5.2   # a server retries a left-out shard at most every 5 s
code=$(api "$HP" '/api/search?q=%E6%94%BF%E5%BA%9C&limit=10')
check "HTTP --partial: whole again once the shards are back" \
    test "$code" = 200 -a "$(cat "$TMP/body")" = "$("$QUERY" --db "$TMP/idx" --json --limit 10 政府)"

# ---- a server that closes idle connections: reconnected, not an error --------
start_server 0 --idle-timeout 1000 "${G1[@]}"
"$INDEX" --stub "$TMP/idle.stub" "127.0.0.1:$SRV_PORT" >/dev/null
start_http "$TMP/idle.stub"; HPI=$HTTP_PORT
api "$HPI" '/api/search?q=%E6%94%BF%E5%BA%9C' >/dev/null
sleep 1.6   # past the idle timeout: the shard's server has hung up
code=$(api "$HPI" '/api/search?q=%E6%94%BF%E5%BA%9C&limit=5')
check "a connection the shard's server closed is reopened (200, nothing missing)" \
    test "$code" = 200 -a "$(got_partial "$TMP/body" | tail -n +2)" = ""
[ "$code" = 200 ] || echo "  got $code: $(head -c 300 "$TMP/body")"

# ---- what a stub cannot do ----------------------------------------------------
"$INDEX" --db "$STUB" "$SRC"/corpus/*.txt >"$TMP/out" 2>"$TMP/err"
check "indexing into a stub fails (exit 2)" test $? = 2
check "the error says a stub is read-only" grep -q "a stub file can be searched but not written" "$TMP/err"
"$INDEX" --stub "$TMP/bad.stub" "$TMP/nothing-here" >/dev/null 2>"$TMP/err"
check "--stub rejects a local path that is no index" grep -q "nothing-here: no index here" "$TMP/err"
check "--stub wrote nothing then" test ! -e "$TMP/bad.stub"
printf 'glass %s\nchert /x\n' "$LOCAL" >"$TMP/odd.stub"
"$QUERY" --db "$TMP/odd.stub" 政府 >/dev/null 2>"$TMP/err"
check "an unsupported stub line is an error naming file and line" grep -q "odd.stub:2: unsupported shard type 'chert'" "$TMP/err"
printf 'auto %s\n' "$TMP/loop.stub" >"$TMP/loop.stub"
"$QUERY" --db "$TMP/loop.stub" 政府 >/dev/null 2>"$TMP/err"
check "a stub that lists itself is an error" grep -q "nested more than" "$TMP/err"

echo "remote_test: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
