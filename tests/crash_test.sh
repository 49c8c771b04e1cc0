#!/usr/bin/env bash
# crash_test.sh — crash safety of baogao-index: killed with SIGKILL at random
# (seeded, so repeatable) points of a run, it must leave every shard in a
# state xapian-check accepts, with each report all there or not at all and
# the catalogue matching the passages (the last completed commit); queries
# must keep working; and the next run must finish the work so that the index
# equals a clean build of the same files: no passage lost, none duplicated.
# Also replays, deterministically, the two kills that random timing rarely
# hits: between a new shard's commit and the stub's rewrite, and between the
# two shards' commits of a report whose year changed.
# Usage: crash_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR [SHARED_CORPUS]
# BAOGAO_TEST_LIGHT=1 (automatic for a sanitizer build) uses a smaller corpus;
# KEEP_TMP=1 keeps the work directory (indexes, progress of each round).
set -u
INDEX=$1 QUERY=$2 SRC=$3 SHARED=${4:-}
for tool in xapian-check xapian-delve xapian-metadata python3 stdbuf; do
    command -v $tool >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
TMP=$(mktemp -d)
IDX_PID=
cleanup() {
    [ -n "$IDX_PID" ] && kill -9 "$IDX_PID" 2>/dev/null && wait "$IDX_PID" 2>/dev/null
    [ -n "${KEEP_TMP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT
export HOME=$TMP/home XDG_DATA_HOME= XDG_CONFIG_HOME= BAOGAO_DB= NO_COLOR=1
mkdir -p "$HOME"
# stdbuf preloads a library, which ASan wants to come after its own.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
LIGHT=${BAOGAO_TEST_LIGHT:-}
ldd "$INDEX" 2>/dev/null | grep -q 'libasan\|libtsan' && LIGHT=1
CHECK="python3 $SRC/tests/index_check.py"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { local name=$1; shift; if "$@"; then ok; else not_ok "$name"; fi; }

# ---- the corpus: a few MB of real reports, or the repo's own, duplicated ----
DOCS=$TMP/docs
if ls "$SHARED"/*.txt >/dev/null 2>&1; then
    python3 "$SRC/bench/gen_corpus.py" "$([ -n "$LIGHT" ] && echo 1 || echo 2)" "$DOCS" "$SHARED" >/dev/null
else
    mkdir -p "$TMP/seed"
    cp "$SRC"/corpus/*.txt "$SRC"/tests/fixtures/reports/*.txt "$SRC"/tests/fixtures/years/*.txt "$TMP/seed/"
    python3 "$SRC/bench/gen_corpus.py" "$([ -n "$LIGHT" ] && echo 15 || echo 60)" "$DOCS" "$TMP/seed" >/dev/null
fi
# One report of 4,100 passages: more than one batch, so it is committed in
# parts (indexer/add.c), which a kill may split; its name sorts first, and the
# first round kills while it is being written.
python3 - "$DOCS/000-parts.txt" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("2019年分批提交测试报告\n")
    for i in range(4100):
        f.write(f"第{i}条：持续推进政务服务标准化规范化便利化，提升群众办事满意度。\n")
PY
N_FILES=$(ls "$DOCS" | wc -l)
echo "corpus: $N_FILES files, $(du -sh "$DOCS" | cut -f1)${LIGHT:+ (light)}"

# The plan, fixed by the seed: per round the jobs, how many files get changed
# before it, and the kill point (after K lines of progress, plus a delay).
python3 - "$N_FILES" >"$TMP/plan" <<'PY'
import random, sys
n = int(sys.argv[1])
rng = random.Random(20240611)
print(1, 0, 0, rng.randrange(300, 900))
for i in range(9):
    print(rng.choice([1, 2]), rng.choice([2, 5, n // 4, n // 2]), rng.randrange(0, n), rng.randrange(0, 400))
PY

# change_files ROUND COUNT: appends a sentence to COUNT files chosen by the
# round number, so the next run updates them (delete + add); the first of them
# also moves to another year through MANIFEST.tsv, so its passages change
# shard. A file stays in the manifest once moved: a manifest edit alone does
# not make a file count as changed (only its content hash does).
change_files() {
    python3 - "$DOCS" "$1" "$2" <<'PY'
import os, random, sys
docs, rnd, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
names = sorted(f for f in os.listdir(docs) if f.endswith(".txt"))
mf = os.path.join(docs, "MANIFEST.tsv")
moved = {}
if os.path.exists(mf):
    for line in open(mf, encoding="utf-8").read().splitlines()[1:]:
        moved[line.split("\t")[0]] = line
rng = random.Random(rnd)
for k, name in enumerate(rng.sample(names, min(count, len(names)))):
    with open(os.path.join(docs, name), "a", encoding="utf-8") as f:
        f.write(f"\n第{rnd}轮修订：持续推进政务服务标准化规范化便利化。\n")
    if k == 0:
        moved[name] = f"{name}\t第{rnd}轮移动的报告\t测试机关\t{2030 + rnd % 3}"
with open(mf, "w", encoding="utf-8") as f:
    f.write("file\ttitle\tbody\tyear\n" + "".join(moved[n] + "\n" for n in sorted(moved)))
PY
}

# kill_during ROUND JOBS K DELAY_MS DB: runs the indexer and SIGKILLs it once
# K lines of progress are out (one per file) plus DELAY_MS. Sets KILLED=1
# when it was still running.
kill_during() {
    local k=$3 delay=$4 db=$5
    : >"$TMP/run.out"
    stdbuf -oL "$INDEX" -v -j"$2" --db "$db" "$DOCS" >"$TMP/run.out" 2>"$TMP/run.err" &
    IDX_PID=$!
    while kill -0 "$IDX_PID" 2>/dev/null && [ "$(wc -l <"$TMP/run.out")" -lt "$k" ]; do
        sleep 0.01
    done
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    KILLED=0
    kill -9 "$IDX_PID" 2>/dev/null && KILLED=1
    wait "$IDX_PID" 2>/dev/null
    IDX_PID=
}

# query_works DB: a query exits 0 or 1 (2 only when no index exists yet).
query_works() {
    "$QUERY" --db "$1" --limit 3 政府 >/dev/null 2>"$TMP/q.err"
    local rc=$?
    [ "$rc" -le 1 ] || { [ ! -e "$1/XAPIANDB" ] && grep -q 'no index here' "$TMP/q.err"; } \
        || { echo "  query exit $rc: $(cat "$TMP/q.err")"; return 1; }
}

consistent() { # consistent DB [OPTION]: index_check.py finds nothing wrong
    $CHECK "$@" >"$TMP/check.out" 2>&1 || { sed 's/^/  /' "$TMP/check.out" | head -20; return 1; }
}

# ---- random kills -------------------------------------------------------------
DB=$TMP/db
kills=0 round=0
while read -r jobs changed k delay; do
    round=$((round + 1))
    [ "$changed" -gt 0 ] && change_files "$round" "$changed"
    kill_during "$round" "$jobs" "$k" "$delay" "$DB"
    kills=$((kills + KILLED))
    [ -n "${KEEP_TMP:-}" ] && cp -a "$TMP/run.out" "$TMP/run.out.$round" && cp -a "$DB/XAPIANDB" "$TMP/stub.$round" 2>/dev/null
    check "round $round: shards consistent after kill" consistent "$DB" --after-kill --summary
    echo "[${SECONDS}s] round $round: -j$jobs, $changed files changed, killed after $k files + ${delay} ms:" \
        "$([ $KILLED = 1 ] && echo killed || echo finished first)," \
        "$(grep -c '^new\|^updated' "$TMP/run.out") written; committed: $(tail -1 "$TMP/check.out")"
    check "round $round: query works after kill" query_works "$DB"
done <"$TMP/plan"
# Timing decides how many kills land mid-run; say so rather than fail.
[ "$kills" -ge 6 ] || echo "note: only $kills of $round kills hit a running indexer"

# ---- completion and comparison with a clean build -----------------------------
echo "[${SECONDS}s] completing"
check "rerun completes" bash -c "'$INDEX' --db '$DB' '$DOCS' >'$TMP/final.out' 2>&1 || { tail -5 '$TMP/final.out'; false; }"
check "second rerun has nothing to do" bash -c "'$INDEX' --db '$DB' '$DOCS' | grep -q '^0 new, 0 updated'"
check "index consistent after completion" consistent "$DB" --dump "$TMP/crash.dump"
CLEAN=$TMP/clean
echo "[${SECONDS}s] clean build"
check "clean build" bash -c "'$INDEX' --db '$CLEAN' '$DOCS' >/dev/null"
check "clean build consistent" consistent "$CLEAN" --dump "$TMP/clean.dump"
check "same reports and passage ids as a clean build" \
    bash -c "diff '$TMP/clean.dump' '$TMP/crash.dump' | head -10; cmp -s '$TMP/clean.dump' '$TMP/crash.dump'"

# Same results: totals, and the same texts in the same order (passages of
# equal score may come in either order, since ties break by document id).
same_results() {
    "$QUERY" --db "$DB" --json --limit 10000 "$@" >"$TMP/a.json"; local ra=$?
    "$QUERY" --db "$CLEAN" --json --limit 10000 "$@" >"$TMP/b.json"; local rb=$?
    [ "$ra" = "$rb" ] || { echo "  exit $ra vs $rb for $*"; return 1; }
    [ "$ra" = 1 ] && return 0
    python3 - "$TMP/a.json" "$TMP/b.json" <<'PY'
import json, sys
def groups(path):
    d = json.load(open(path, encoding="utf-8"))
    out, key, cur = [], None, []
    for r in d["results"]:
        k = round(r["score"], 6)
        if k != key and cur:
            out.append(sorted(cur))
            cur = []
        key = k
        cur.append((r["report"], r["line"], r["kind"], r["text"], tuple(r["section"])))
    out.append(sorted(cur))
    return d["total"], out
a, b = groups(sys.argv[1]), groups(sys.argv[2])
if a[0] != b[0]:
    sys.exit(f"  totals differ: {a[0]} vs {b[0]}")
if a[1] != b[1]:
    sys.exit("  results differ")
PY
}
echo "[${SECONDS}s] comparing results"
# A query of several words is several arguments; quotes are part of a query.
# shellcheck disable=SC2089,SC2090,SC2086
for q in 政府 电子证照 '"一是"' 轮修订 '发展 -经济'; do
    check "same results for $q" same_results -- $q
done
echo "[${SECONDS}s] replaying"

# ---- the kills random timing rarely hits, replayed ----------------------------
# A new year's shard committed, but the stub not yet rewritten to list it:
# the next run must adopt the shard, not index the report into it again.
SIM=$TMP/sim
mkdir -p "$TMP/one"
cp "$SRC/tests/fixtures/reports/sample-gov-2021.txt" "$TMP/one/"
"$INDEX" --db "$SIM" "$TMP/one" >/dev/null 2>&1
printf 'file\ttitle\tbody\tyear\nsample-gov-2021.txt\t移动\t测试\t2033\n' >"$TMP/one/MANIFEST.tsv"
echo "改动。" >>"$TMP/one/sample-gov-2021.txt"
"$INDEX" --db "$SIM" "$TMP/one" >/dev/null 2>&1
grep -v 'shards/2033' "$SIM/XAPIANDB" >"$TMP/stub" && cp "$TMP/stub" "$SIM/XAPIANDB"
check "replayed stub kill: rerun" bash -c "'$INDEX' --db '$SIM' '$TMP/one' >/dev/null 2>&1"
check "replayed stub kill: shard adopted, nothing duplicated" consistent "$SIM"
check "replayed stub kill: shard listed" grep -q 'shards/2033' "$SIM/XAPIANDB"

# A report moved from 2033 to 2034: the new shard committed, the old one not
# (its directory is put back as it was before the run).
cp -a "$SIM/shards/2033" "$TMP/old-2033"
sed -i 's/2033$/2034/' "$TMP/one/MANIFEST.tsv"
echo "再改动。" >>"$TMP/one/sample-gov-2021.txt"
"$INDEX" --db "$SIM" "$TMP/one" >/dev/null 2>&1
rm -rf "$SIM/shards/2033" && cp -a "$TMP/old-2033" "$SIM/shards/2033"
check "replayed move kill: rerun" bash -c "'$INDEX' --db '$SIM' '$TMP/one' >/dev/null 2>&1"
check "replayed move kill: report in one shard only" consistent "$SIM"
check "replayed move kill: passages not duplicated" \
    bash -c "[ \"\$('$QUERY' --db '$SIM' --json --limit 100 保障性住房 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"total\"])')\" = 1 ]"

# Killed while Xapian was creating a new year's shard: a directory with a
# lock, the version file's temporary and two empty tables, but no "iamglass"
# (Xapian renames it into place last), which Xapian neither opens nor creates
# over. baogao now creates shards as NNNN.new and renames them, so a kill
# leaves that name; an index written by an older build may hold the shard's
# own name half-created. Both at once: the next run must still write the year.
mkdir -p "$SIM/shards/2035" "$SIM/shards/2035.new"
touch "$SIM"/shards/2035/{flintlock,v.tmp,termlist.glass,postlist.glass} "$SIM"/shards/2035.new/{flintlock,v.tmp}
sed -i 's/2034$/2035/' "$TMP/one/MANIFEST.tsv"
echo "三改动。" >>"$TMP/one/sample-gov-2021.txt"
check "replayed creation kill: rerun" bash -c "'$INDEX' --db '$SIM' '$TMP/one' >/dev/null 2>&1"
check "replayed creation kill: shard created" consistent "$SIM"
check "replayed creation kill: report found in its new year" \
    bash -c "'$QUERY' --db '$SIM' --year 2035 保障性住房 >/dev/null"

# Killed between the two renames that swap a compacted shard in: no shard at
# shards/2035, the old one at 2035.old, the compacted one at 2035.compact.
# The next writer must put the compacted one in place (not create an empty
# shard there), and the passages must still be found.
"$INDEX" --db "$SIM" --compact >/dev/null 2>&1
mv "$SIM/shards/2035" "$SIM/shards/2035.old"
cp -a "$SIM/shards/2035.old" "$SIM/shards/2035.compact"
check "replayed compaction kill: rerun" bash -c "'$INDEX' --db '$SIM' '$TMP/one' 2>&1 | grep -q 'finished an interrupted compaction'"
check "replayed compaction kill: shard back" consistent "$SIM"
check "replayed compaction kill: passages found" \
    bash -c "'$QUERY' --db '$SIM' --year 2035 保障性住房 >/dev/null"
check "replayed compaction kill: nothing left over" \
    bash -c "[ ! -e '$SIM/shards/2035.old' ] && [ ! -e '$SIM/shards/2035.compact' ]"

# ---- kills while shards are being created ------------------------------------
# 40 one-paragraph reports of 40 years: the run mostly creates shards. Killed
# at 30 points 25 ms apart (which span the run here), each kill must leave a
# consistent index (the window above, found by CI, was hit by 35 of 60 such
# kills before shards were created under a temporary name).
MANY=$TMP/many
mkdir -p "$MANY/docs"
for y in $(seq 1980 2019); do
    printf '%s年某市政府工作报告\n一、总体情况\n推进政务服务标准化规范化便利化。%s\n' "$y" "$y" >"$MANY/docs/r$y.txt"
done
bad_kills=0
for i in $(seq 1 30); do
    rm -rf "$MANY/db"
    "$INDEX" -j$((i % 2 + 1)) --db "$MANY/db" "$MANY/docs" >/dev/null 2>&1 &
    IDX_PID=$!
    sleep "$(printf '0.%03d' $((i * 25 % 1000)))"
    kill -9 "$IDX_PID" 2>/dev/null
    wait "$IDX_PID" 2>/dev/null
    IDX_PID=
    consistent "$MANY/db" --after-kill || bad_kills=$((bad_kills + 1))
done
check "30 kills during shard creation: index consistent after each" [ "$bad_kills" -eq 0 ]
check "after those kills: the next run completes" bash -c "'$INDEX' --db '$MANY/db' '$MANY/docs' >/dev/null 2>&1"
check "after those kills: every year written" consistent "$MANY/db"
check "after those kills: 40 shards" [ "$(ls "$MANY/db/shards" | grep -c '^[0-9]*$')" -eq 40 ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
