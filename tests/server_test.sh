#!/usr/bin/env bash
# server_test.sh — end-to-end tests of baogao-serve over loopback HTTP: the
# search API returns exactly `baogao-query --json`, the catalogue and health
# endpoints, every client error, CORS, the page, and a re-index seen without a
# restart.
#   usage: server_test.sh BAOGAO-SERVE BAOGAO-INDEX BAOGAO-QUERY SOURCE_DIR
set -uo pipefail
SERVE=$1 INDEX=$2 QUERY=$3 SRC=$4

for tool in curl python3; do
    command -v $tool >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done

. "$(dirname "$0")/lib.sh"   # TMP, SERVER_PID cleanup, ok/not_ok/check

# A writable copy of the documents, so the re-index test can change one.
DB=$TMP/db
mkdir -p "$TMP/docs"
cp -r "$SRC/corpus" "$TMP/docs/corpus"
cp -r "$SRC/tests/fixtures/reports" "$TMP/docs/reports"
(cd "$TMP/docs" && "$INDEX" --db "$DB" corpus reports) >"$TMP/index.log" 2>&1 \
    || { cat "$TMP/index.log"; echo "0 passed, 1 failed (indexing)"; exit 1; }

# start_server [OPTION...]: runs baogao-serve on a free loopback port (port 0;
# the server prints the one it got) and sets BASE.
start_server() {
    "$SERVE" --db "$DB" --listen 127.0.0.1:0 --threads 2 "$@" 2>"$TMP/serve.log" &
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
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID"; local rc=$?; SERVER_PID=; return $rc; }

# get PATH [CURL_OPTION...]: fetches BASE/PATH into $TMP/body and $TMP/headers;
# prints the status code.
get() {
    local path=$1; shift
    curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' "$@" "$BASE$path"
}
header() { grep -i "^$1:" "$TMP/headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
# json 'PYTHON': runs PYTHON (asserts) with d = the last reply's parsed JSON.
json() { python3 -c "import json; d = json.load(open('$TMP/body'))
$1"; }
json_get() { python3 -c "import json; d = json.load(open('$TMP/body')); print($1)"; }
# head_has_no_body PATH: a HEAD request gets headers only (curl cannot show
# this: it would wait for the Content-Length bytes).
head_has_no_body() {
    python3 - "$BASE" "$1" <<'EOF'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=10)
s.sendall(('HEAD %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' % (sys.argv[2], u.netloc)).encode())
reply = b''
while chunk := s.recv(65536):
    reply += chunk
head, _, body = reply.partition(b'\r\n\r\n')
sys.exit(not (head.startswith(b'HTTP/1.1 200') and b'Content-Length: ' in head and body == b''))
EOF
}
# status_type STATUS WANT_STATUS WANT_TYPE: the reply had that status and type.
status_type() { [ "$1" = "$2" ] && [ "$(header Content-Type)" = "$3" ]; }
same_json() { python3 -c "import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))" "$1" "$2"; }

start_server || { echo "0 passed, 1 failed (server did not start)"; exit 1; }

# ---- /api/search is the CLI's --json ------------------------------------
Q='%E7%94%B5%E5%AD%90%E8%AF%81%E7%85%A7'   # 电子证照
status=$(get "/api/search?q=$Q&limit=5")
"$QUERY" --db "$DB" --json --limit 5 电子证照 >"$TMP/expected.json"
check "search: 200" [ "$status" = 200 ]
check "search: JSON equals baogao-query --json" same_json "$TMP/body" "$TMP/expected.json"
check "search: finds 电子证照 in all three reports" json "assert d['total'] >= 3 and len({r['report'] for r in d['results']}) == 3"
check "search: content type" [ "$(header Content-Type)" = "application/json; charset=utf-8" ]
check "search: no CORS header by default" [ -z "$(header Access-Control-Allow-Origin)" ]

status=$(get "/api/search?q=$Q&year=2021..2022&body=%E7%A4%BA%E8%8C%83%E5%8C%BA%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C&limit=3&offset=0")
"$QUERY" --db "$DB" --json --year 2021..2022 --body 示范区人民政府 --limit 3 --offset 0 电子证照 >"$TMP/expected.json"
check "search with year range and body: equals the CLI" same_json "$TMP/body" "$TMP/expected.json"
check "search with body: only that body" json "assert d['results'] and all(r['body'] == '示范区人民政府' for r in d['results'])"

status=$(get "/api/search?q=$Q&year=2021")
check "search with one year: only 2021" json "assert d['results'] and all(r['year'] == 2021 for r in d['results'])"
status=$(get "/api/search?q=$Q&limit=1&offset=1")
check "search paging: offset 1 is rank 2" json "assert [r['rank'] for r in d['results']] == [2]"
status=$(get "/api/search?q=%E9%87%8F%E5%AD%90%E6%B5%8B%E7%BB%98")   # 量子测绘: not indexed yet
check "search without matches: 200 and total 0" json "assert '$status' == '200' and d['total'] == 0 and d['results'] == []"

status=$(get "/api/search?q=$Q&limit=2" -I)
check "HEAD search: 200 with the JSON type" status_type "$status" 200 "application/json; charset=utf-8"
check "HEAD search: no body" head_has_no_body "/api/search?q=$Q&limit=2"

# ---- /api/passage/ID is the CLI's --show --json ------------------------
PID=$(python3 -c "import json; print(json.load(open('$TMP/expected.json'))['results'][0]['id'])")
status=$(get "/api/passage/$PID?context=1")
"$QUERY" --db "$DB" --json --show "$PID" --context 1 >"$TMP/expected.json"
check "passage: 200" [ "$status" = 200 ]
check "passage: JSON equals baogao-query --show --json" same_json "$TMP/body" "$TMP/expected.json"
check "passage: the passage among its neighbours" json "assert [r['match'] for r in d['results']].count('target') == 1 and 2 <= len(d['results']) <= 3 and d['query'] == '$PID'"

status=$(get "/api/passage/$PID?section=1")
"$QUERY" --db "$DB" --json --show "$PID" --section >"$TMP/expected.json"
check "passage section=1: JSON equals baogao-query --show --section --json" same_json "$TMP/body" "$TMP/expected.json"
status=$(get "/api/report/${PID%%:*}")
"$QUERY" --db "$DB" --json --show "${PID%%:*}" --report >"$TMP/expected.json"
check "report: 200, JSON equals baogao-query --show --report --json" bash -c "[ $status = 200 ] && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' '$TMP/body' '$TMP/expected.json'"
check "report: every passage, in order" json "lines = [r['line'] for r in d['results']]; assert len(lines) > 10 and lines == sorted(lines) and {r['match'] for r in d['results']} == {'context'}"
status=$(get "/api/report/$PID")
check "report by a passage id: that passage marked" json "assert [r['id'] for r in d['results'] if r['match'] == 'target'] == ['$PID']"

# ---- /api/like/ID, /api/byyear, /api/figures: the CLI's --like, --by-year, --figures
status=$(get "/api/like/$PID?limit=3")
"$QUERY" --db "$DB" --json --like "$PID" --limit 3 >"$TMP/expected.json"
check "like: 200, JSON equals baogao-query --like --json" bash -c "[ $status = 200 ] && python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' '$TMP/body' '$TMP/expected.json'"
# ---- ids are the content's (docs/format.md, "Identity"): the documents copied
# elsewhere and indexed into another index answer by the same ids ----------
cp -r "$TMP/docs" "$TMP/moved"
"$INDEX" --db "$TMP/db2" --quiet "$TMP/moved/corpus" "$TMP/moved/reports" >"$TMP/index2.log" 2>&1
same_but_paths() { # same_but_paths A B: the same passages (ids, texts, marks), reports under other paths
    python3 - "$1" "$2" "$TMP/docs" "$TMP/moved" <<'PY'
import json, os, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
docs, moved = (os.path.realpath(p) for p in sys.argv[3:5])
key = lambda d: [(r["id"], r["text"], r.get("match")) for r in d["results"]]
assert a["results"] and key(a) == key(b), (key(a), key(b))
assert all(r["report"].startswith(docs) for r in a["results"]), a["results"][0]["report"]
assert all(r["report"].startswith(moved) for r in b["results"]), b["results"][0]["report"]
PY
}
status=$(get "/api/passage/$PID?context=2")
"$QUERY" --db "$TMP/db2" --json --show "$PID" --context 2 >"$TMP/other.json"
check "ids: /api/passage/ID and --show ID of another index agree" same_but_paths "$TMP/body" "$TMP/other.json"
status=$(get "/api/report/${PID%%:*}")
"$QUERY" --db "$TMP/db2" --json --show "${PID%%:*}" --report >"$TMP/other.json"
check "ids: /api/report/ID and --show ID --report of another index agree" same_but_paths "$TMP/body" "$TMP/other.json"
status=$(get "/api/like/$PID?limit=3")
"$QUERY" --db "$TMP/db2" --json --like "$PID" --limit 3 >"$TMP/other.json"
check "ids: /api/like/ID and --like ID of another index agree" same_but_paths "$TMP/body" "$TMP/other.json"

status=$(get "/api/byyear?q=$Q&per_year=1&year=2021..2022")
"$QUERY" --db "$DB" --json --by-year --per-year 1 --year 2021..2022 电子证照 >"$TMP/expected.json"
check "byyear: 200" [ "$status" = 200 ]
check "byyear: JSON equals baogao-query --by-year --json" same_json "$TMP/body" "$TMP/expected.json"
check "byyear: one passage a year, 2021 and 2022" json "assert [y['year'] for y in d['years']] == [2022, 2021] and all(len(y['results']) == 1 for y in d['years'])"
JOBS_Q='%E5%B0%B1%E4%B8%9A'   # 就业
status=$(get "/api/figures?q=$JOBS_Q")
"$QUERY" --db "$DB" --json --figures 就业 >"$TMP/expected.json"
check "figures: 200" [ "$status" = 200 ]
check "figures: JSON equals baogao-query --figures --json" same_json "$TMP/body" "$TMP/expected.json"

status=$(get "/api/trend?q=$Q&year=2018..")
"$QUERY" --db "$DB" --json --trend 电子证照 --year 2018.. >"$TMP/expected.json"
check "trend: 200" [ "$status" = 200 ]
check "trend: JSON equals baogao-query --trend --json" same_json "$TMP/body" "$TMP/expected.json"
status=$(get "/api/trend?q=$Q&by_body=1")
"$QUERY" --db "$DB" --json --trend 电子证照 --by-body >"$TMP/expected2.json"
check "trend by_body=1: JSON equals baogao-query --trend --by-body --json" same_json "$TMP/body" "$TMP/expected2.json"
status=$(get "/api/trend?q=$Q&year=2018..")
check "trend: years oldest first, from 2018" json "ys = [y['year'] for y in d['years']]; assert ys == sorted(ys) and ys[0] >= 2018 and sum(y['passages'] for y in d['years']) >= 3"

status=$(get "/api/compare?q=$Q&a=2021&b=2022")
"$QUERY" --db "$DB" --json --compare 2021 2022 电子证照 >"$TMP/expected.json"
check "compare: 200" [ "$status" = 200 ]
check "compare: JSON equals baogao-query --compare --json" same_json "$TMP/body" "$TMP/expected.json"
check "compare: both years' passages, each entry of one year at least, figures of both" json "
assert d['years'] == [2021, 2022] and d['truncated'] is False and d['totals'][0] >= 1 and d['totals'][1] >= 1
assert all(p['a'] or p['b'] for p in d['pairs'])
assert sum(1 for p in d['pairs'] if p['a']) == d['totals'][0] and sum(1 for p in d['pairs'] if p['b']) == d['totals'][1]
assert all((p['a'] is None or p['a']['year'] == 2021) and (p['b'] is None or p['b']['year'] == 2022) for p in d['pairs'])
assert [f['year'] for f in d['figures']] == [2021, 2022] and d['missing_shards'] == []"
status=$(get "/api/compare?q=$Q&a=2021&b=2022&body=unknown")
check "compare: filters apply (body=unknown: no passage)" json "assert '$status' == '200' and d['pairs'] == [] and d['totals'] == [0, 0]"

# ---- the catalogue and health ------------------------------------------
status=$(get /api/reports)
check "reports: 200 JSON" status_type "$status" 200 "application/json; charset=utf-8"
check "reports: lists the three indexed files with their metadata" json "
r = {x['report']: x for x in d['reports']}
q = r[__import__('os').path.realpath('$TMP/docs/corpus/shaoguan-qujiang-fazhi-2022.txt')]   # stored as the real path (issue 19)
assert len(r) == 3 and q['title'] == '韶关市曲江区2022年度法治政府建设情况报告'
assert q['body'] == '韶关市曲江区人民政府' and q['year'] == 2022
assert all(x['passages'] >= 1 for x in d['reports'])
assert set(q) >= {'id', 'report', 'title', 'body', 'year', 'passages', 'chars'} and 'real' not in q and 'hash' not in q
assert len(q['id']) == 16 and q['chars'] > 1000
assert q['kind'] == '报告' and q['duplicate_of'] is None and q['docno'] is None"
check "reports: newest year first" json "y = [x['year'] for x in d['reports']]; assert y == sorted(y, reverse=True)"

status=$(get /healthz)
check "healthz: 200 ok with a revision" json "assert '$status' == '200' and d['status'] == 'ok' and isinstance(d['revision'], int) and d['revision'] >= 1"
rev_before=$(json_get "d['revision']")

# ---- client errors -----------------------------------------------------
LONG=$(printf 'a%.0s' $(seq 6145))
expect_error() {  # NAME STATUS PATH [CURL_OPTION...]
    local name=$1 want=$2 path=$3; shift 3
    local got; got=$(get "$path" "$@")
    if status_type "$got" "$want" "application/json; charset=utf-8" \
       && json "assert isinstance(d.get('error'), str) and d['error']" 2>/dev/null; then
        ok "$name → $want"
    else
        not_ok "$name → $want" "got $got: $(head -c 200 "$TMP/body")"
    fi
}
expect_error "missing q" 400 "/api/search"
expect_error "empty q" 400 "/api/search?q="
expect_error "blank q" 400 "/api/search?q=%20%20"
expect_error "q over 6144 bytes" 400 "/api/search?q=$LONG"
expect_error "q not UTF-8" 400 "/api/search?q=%FF%FE"
expect_error "q with a NUL byte" 400 "/api/search?q=a%00b"
expect_error "limit=abc" 400 "/api/search?q=$Q&limit=abc"
expect_error "limit=0" 400 "/api/search?q=$Q&limit=0"
expect_error "limit=101" 400 "/api/search?q=$Q&limit=101"
expect_error "offset=-1" 400 "/api/search?q=$Q&offset=-1"
expect_error "year=20x9" 400 "/api/search?q=$Q&year=20x9"
expect_error "year=2022..2018" 400 "/api/search?q=$Q&year=2022..2018"
expect_error "unknown path" 404 "/api/nothing"
expect_error "POST" 405 "/api/search?q=$Q" -X POST -d 'q=x'
check "405 says which methods are allowed" [ "$(header Allow)" = "GET, HEAD" ]
expect_error "DELETE" 405 "/healthz" -X DELETE
status=$(get "/api/search?q=$(printf 'a%.0s' $(seq 80000))")
check "a URL longer than the connection memory → 414" [ "$status" = 414 ]

# The limit is on bytes of query text, not of the URL: 1024 bytes pass
# (as 8 words, since the library also limits one word to 128 characters).
WORD=$(printf 'a%.0s' $(seq 127))
MAXQ="${WORD}a$(printf '%%20%s' $WORD $WORD $WORD $WORD $WORD $WORD $WORD)"
status=$(get "/api/search?q=$MAXQ")
check "q of exactly 1024 bytes is accepted" [ "$status" = 200 ]
# A pasted paragraph of 600 characters (1,800 bytes, 5 KB encoded) finds its source.
PASTE=$(python3 -c "import urllib.parse; print(urllib.parse.quote(open('$SRC/corpus/shaoguan-qujiang-fazhi-2022.txt', encoding='utf-8').read().split(chr(10))[9][:600]))")
status=$(get "/api/search?q=$PASTE&limit=1")
check "a pasted paragraph is accepted and finds its line" json "assert '$status' == '200' and d['results'][0]['line'] == 10, d['results'][0]['line']"

expect_error "byyear: limit is refused" 400 "/api/byyear?q=$Q&limit=3"
expect_error "byyear: per_year=0" 400 "/api/byyear?q=$Q&per_year=0"
expect_error "figures: missing q" 400 "/api/figures"
expect_error "trend: limit is refused" 400 "/api/trend?q=$Q&limit=3"
expect_error "compare: limit is refused" 400 "/api/compare?q=$Q&a=2021&b=2022&limit=3"
expect_error "compare: year is refused" 400 "/api/compare?q=$Q&a=2021&b=2022&year=2021"
expect_error "compare: the same year twice" 400 "/api/compare?q=$Q&a=2022&b=2022"
expect_error "compare: b missing" 400 "/api/compare?q=$Q&a=2022"
expect_error "compare: a not a year" 400 "/api/compare?q=$Q&a=20x1&b=2022"
expect_error "compare: missing q" 400 "/api/compare?a=2021&b=2022"
expect_error "like: not an id" 400 "/api/like/x.txt:3"
expect_error "report: not an id" 400 "/api/report/corpus"
expect_error "report: unknown" 404 "/api/report/0123456789abcdef"
expect_error "like: unknown id" 404 "/api/like/0123456789abcdef:1"
expect_error "passage: not an id" 400 "/api/passage/corpus%2Fx.txt:3"
expect_error "passage: context=101" 400 "/api/passage/$PID?context=101"
expect_error "passage: unknown id" 404 "/api/passage/0123456789abcdef:1"

# ---- the page ----------------------------------------------------------
status=$(get "/")
check "page: 200 HTML" status_type "$status" 200 "text/html; charset=utf-8"
check "page: self-contained (a form, no external URLs)" \
    bash -c "grep -q '<form' '$TMP/body' && ! grep -Eq '(src|href)=\"(https?:)?//' '$TMP/body'"
check "page: restrictive Content-Security-Policy" bash -c "grep -qi \"^Content-Security-Policy: default-src 'none'\" '$TMP/headers'"

# ---- concurrency: more parallel requests than worker threads ------------
pids=()
for i in $(seq 16); do
    curl -s "$BASE/api/search?q=$Q&limit=5" >"$TMP/par.$i" &
    pids+=($!)
done
wait "${pids[@]}"
"$QUERY" --db "$DB" --json --limit 5 电子证照 >"$TMP/expected.json"
all_same=1
for i in $(seq 16); do same_json "$TMP/par.$i" "$TMP/expected.json" || all_same=0; done
check "16 parallel searches on 2 threads: all answered correctly" [ $all_same = 1 ]

# ---- a re-index is seen without a restart ------------------------------
printf '（三）建设量子测绘示范工程，推进电子证照互认。\n' >>"$TMP/docs/reports/sample-gov-2021.txt"
(cd "$TMP/docs" && "$INDEX" --db "$DB" reports) >>"$TMP/index.log" 2>&1
status=$(get "/api/search?q=%E9%87%8F%E5%AD%90%E6%B5%8B%E7%BB%98")
check "re-indexed text is found while the server runs" \
    json "assert '$status' == '200' and d['total'] == 1 and d['results'][0]['report'] == __import__('os').path.realpath('$TMP/docs/reports/sample-gov-2021.txt')"
status=$(get /healthz)
check "healthz revision changed after the re-index" json "assert d['revision'] != $rev_before"

# ---- access log ----------------------------------------------------------
check "access log: one line per request with method, path, status, bytes, ms" \
    grep -Eq '^[0-9T:Z-]+ GET /api/search 200 [0-9]+ [0-9.]+ms$' "$TMP/serve.log"
check "access log: the query text is not logged" bash -c "! grep -q 'q=' '$TMP/serve.log'"
check "stops cleanly on SIGTERM" stop_server

# ---- CORS only when asked ----------------------------------------------
start_server --cors http://app.example || { echo "$pass passed, $((fail + 1)) failed"; exit 1; }
status=$(get "/api/search?q=$Q")
check "--cors: Access-Control-Allow-Origin on API replies" [ "$(header Access-Control-Allow-Origin)" = "http://app.example" ]
status=$(get "/api/search?q=")
check "--cors: also on errors, so the page can read them" [ "$(header Access-Control-Allow-Origin)" = "http://app.example" ]
stop_server

# ---- start-up errors ---------------------------------------------------
"$SERVE" --db "$TMP/no-such-index" --listen 127.0.0.1:0 2>"$TMP/err.log"
check "a missing index fails at start (exit 2)" [ $? = 2 ]
check "a missing index: the message says so" grep -q "no index" "$TMP/err.log"
"$SERVE" --db "$DB" --listen example.org:80 2>"$TMP/err.log"
check "--listen with a host name is refused (exit 2)" [ $? = 2 ]
# localhost:PORT and :PORT (every interface) are taken (issue 19).
listens_as() { # SPEC URL_HOST: started with --listen SPEC, it answers at http://URL_HOST:PORT/
    local spec=$1 want=$2 pid url ok=1
    "$SERVE" --db "$DB" --listen "$spec" --threads 1 2>"$TMP/listen.log" &
    pid=$!
    for _ in $(seq 100); do grep -q 'listening on' "$TMP/listen.log" && break; sleep 0.05; done
    url=$(grep -o "listening on http://$want:[0-9]*/" "$TMP/listen.log" | sed 's/listening on //')
    [ -n "$url" ] && curl -sf "${url/0.0.0.0/127.0.0.1}healthz" | grep -q '"ok"' && ok=0
    kill "$pid"; wait "$pid" 2>/dev/null
    return $ok
}
check "--listen localhost:0" listens_as localhost:0 localhost
check "--listen :0 (every interface)" listens_as :0 0.0.0.0
"$SERVE" --db "$DB" --threads 0 2>"$TMP/err.log"
check "--threads 0 is refused (exit 2)" [ $? = 2 ]

# ---- year lists and ranges; a search without results suggests (issue 16) --
start_server || { echo "$pass passed, $((fail + 1)) failed"; exit 1; }
status=$(get "/api/search?q=$Q")
all_years=$(python3 -c "import json; print(json.load(open('$TMP/body'))['total'])")
status=$(get "/api/search?q=$Q&year=2021,2022")
check "year=2021,2022: a list of years" json "assert '$status' == '200' and d['total'] == $all_years and 'suggestions' not in d"
status=$(get "/api/search?q=$Q&year=2021-2022")
check "year=2021-2022: a range" json "assert '$status' == '200' and d['total'] == $all_years"
status=$(get "/api/search?q=$Q&year=2019,2030")
check "year=2019,2030: no results, the year filter's cost suggested" \
    json "assert '$status' == '200' and d['total'] == 0 and d['suggestions'] == [{'drop': 'year', 'total': $all_years}]"
expect_error "year=2019,20x1" 400 "/api/search?q=$Q&year=2019,20x1"
stop_server

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
