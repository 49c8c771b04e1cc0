# lib.sh — what the shell tests share, sourced by them: a temporary directory
# removed on exit together with the server a test started (its pid in
# SERVER_PID), and the assertion helpers that count passes and failures.
TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $1"; [ $# -gt 1 ] && echo "     $2"; }
# check NAME COMMAND...: one assertion.
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
