#!/usr/bin/env bash
# run.sh — the performance benchmark (docs/performance.md): on one generated
# corpus, side by side, it measures
#   - the limits: raw ICU word break, and bare Xapian ingesting exactly
#     baogao's own documents (bench_icu_seg, bench_bare_ingest);
#   - baogao-index with --jobs 1 and --jobs 2 (when the option exists), a
#     second run over the unchanged corpus, the index's size per glass table
#     and after xapian-compact, and a call-graph perf profile split into
#     Xapian's work and the rest (perfsplit.py);
#   - the stock baselines: scriptindex with XAPIAN_CJK_NGRAM=1 and SQLite FTS5
#     trigram, one record per paragraph;
#   - query latency (latency.py), wall clock and CPU time: baogao-query, the
#     library in-process, quest, sqlite3 and rg on the fixed list queries.tsv
#     (baogao-query and quest interleaved, run by run);
#   - baogao-serve under wrk (16 connections, 30 s, the 12 queries in
#     rotation: wrk_rotate.lua), with the server's RSS sampled every second;
#   - the compacted sizes: baogao-index --compact of the --jobs 2 index, and
#     xapian-compact of scriptindex's database;
# writes the results as the section for this SCALE of docs/performance.md
# (report.py; the other sections and the hand-written text are kept) and
# prints the targets of issue #14, each with its measured value, its anchor
# (quest, stock Xapian) and PASS/FAIL, with the load average of its step.
#
#   usage: bench/perf/run.sh [BUILD_DIR] [SCALE]
#     BUILD_DIR  a configured CMake build directory (default: build/), ideally
#                -DCMAKE_BUILD_TYPE=RelWithDebInfo or Release
#     SCALE      copies of the corpus (bench/gen_corpus.py): 10 (default,
#                ~12.6 MB, 5-10 minutes on 2 cores) or 100 (~126 MB; all of
#                it takes about an hour on a busy 2-core machine; without
#                bare,bare_shards,perf about 25 minutes) or 1000 (~1.26 GB:
#                by default only what its targets need, see BG_PERF_SKIP)
#   environment:
#     BG_PERF_CORPUS  source corpus (default: ../shared/corpus beside the tree)
#     BG_PERF_REPS    timed runs per query and system (default 30)
#     BG_PERF_SKIP    comma-separated parts to leave out: j1 (the --jobs 1
#                     build; the --jobs 2 index is then the one queried),
#                     bare, bare_shards, perf, compact (xapian-compact of the
#                     --jobs 1 index), scriptindex, sqlite, latency, rg, serve,
#                     bgcompact (baogao-index --compact); each is then
#                     reported as skipped in the document. Default: none
#                     below SCALE 1000; from 1000 on
#                     j1,bare,bare_shards,perf,compact,scriptindex,sqlite,rg
#                     (the anchors and limits would take hours; the 1000x
#                     targets are build time, size, RSS and latency)
#     BG_PERF_DOC     the document to update (default docs/performance.md)
#     BG_PERF_SECTION the section's name, between its BEGIN/END markers
#                     (default "scale N"; e.g. "scale 100, session 6" adds a
#                     section instead of rewriting the last run's)
#     BG_PERF_NOBUILD=1  use the programs already built in BUILD_DIR as they
#                     are (e.g. while the tree is being edited)
#   Raw results stay in bench/out/perf/scaleN/ (results.tsv, latency.tsv,
#   perf reports, commands.txt, each program's output); the work directory
#   under /tmp is removed. Rerender the section without rerunning:
#     python3 bench/perf/report.py bench/out/perf/scaleN docs/performance.md
#
# Never part of the test suite: it reports speed, it never fails on it. Exit
# status: 0 done, 2 error (a build or a run failed), 77 no corpus.
set -euo pipefail
export LC_ALL=C.UTF-8

SRC=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$SRC/bench/perf
BUILD=$(cd "${1:-$SRC/build}" 2>/dev/null && pwd) || { echo "run.sh: no build directory ${1:-$SRC/build}" >&2; exit 2; }
SCALE=${2:-10}
CORPUS_SRC=${BG_PERF_CORPUS:-$SRC/../shared/corpus}
REPS=${BG_PERF_REPS:-30}
if [ -n "${BG_PERF_SKIP+x}" ]; then
    SKIP=,$BG_PERF_SKIP,
elif [ "${2:-10}" -ge 1000 ] 2>/dev/null; then
    SKIP=,j1,bare,bare_shards,perf,compact,scriptindex,sqlite,rg,
else
    SKIP=,,
fi
DOC=${BG_PERF_DOC:-$SRC/docs/performance.md}
SECTION=${BG_PERF_SECTION:-scale $SCALE}
OUT=$SRC/bench/out/perf/$(echo "$SECTION" | tr -c 'A-Za-z0-9\n' _ | sed 's/__*/_/g; s/_$//')

[[ $SCALE =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: SCALE must be a positive integer" >&2; exit 2; }
[ -d "$CORPUS_SRC" ] || { echo "run.sh: no corpus at $CORPUS_SRC; skipping" >&2; exit 77; }
[ -f "$BUILD/CMakeCache.txt" ] || { echo "run.sh: $BUILD is not a CMake build directory" >&2; exit 2; }
for tool in python3 /usr/bin/time curl; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

W=$(mktemp -d /tmp/baogao-perf.XXXXXX)
SERVE_PID=
trap '[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; rm -rf "$W"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"
RES=$OUT/results.tsv
: >"$RES"

put() { printf '%s\t%s\n' "$1" "$2" >>"$RES"; }
note() { echo "run.sh: $*" >&2; }
skipped() { [[ $SKIP == *,$1,* ]]; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# A part runs unless skipped by the user or its tool is missing; either way
# the reason is recorded so the document says so.
want() {
    local part=$1 tool=$2
    if skipped "$part"; then put "skip.$part" "skipped (BG_PERF_SKIP)"; return 1; fi
    if ! command -v "$tool" >/dev/null; then put "skip.$part" "$tool not installed"; return 1; fi
    return 0
}
# The exact commands, with the temporary and source paths as variables so the
# document stays readable and the commands can be pasted.
logcmd() {
    local line
    line=$(printf '%q ' "$@")
    line=${line//$W/\$W}
    line=${line//$BUILD/\$BUILD}
    line=${line//$SRC/\$SRC}
    echo "${line% }" >>"$OUT/commands.txt"
}
# measure NAME CMD...: runs CMD once under /usr/bin/time -v and records wall
# seconds (nanosecond clock), user and system CPU seconds and peak RSS.
measure() {
    local name=$1 t0 t1
    shift
    logcmd "$@"
    put "$name.load_start" "$(loadavg)"
    t0=$(date +%s%N)
    if ! /usr/bin/time -v -o "$W/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; then
        note "$name failed:"
        tail -5 "$OUT/$name.err" >&2
        exit 2
    fi
    t1=$(date +%s%N)
    put "$name.load_end" "$(loadavg)"
    put "$name.wall" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')"
    put "$name.user" "$(awk -F': ' '/User time/ { print $2 }' "$W/$name.time")"
    put "$name.sys" "$(awk -F': ' '/System time/ { print $2 }' "$W/$name.time")"
    put "$name.rss_kb" "$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$W/$name.time")"
}
size_of() { du -sb "$1" | cut -f1; }
# key<TAB>value output of a helper, recorded under a prefix.
put_all() { while IFS=$'\t' read -r k v; do put "$1.$k" "$v"; done <"$2"; }

# ---- the machine, the versions ----------------------------------------------
put scale "$SCALE"
put section "$SECTION"
put date "$(date -u '+%F %H:%M UTC')"
put nproc "$(nproc)"
put cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
put mem_kb "$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
put kernel "$(uname -r)"
put load_start "$(uptime | sed 's/.*load average: //')"
put build_type "$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$BUILD/CMakeCache.txt")"
put xapian_version "$(pkg-config --modversion xapian-core 2>/dev/null || echo '?')"
put icu_version "$(pkg-config --modversion icu-uc 2>/dev/null || echo '?')"
put sqlite_version "$(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '-')"
put rg_version "$(rg --version 2>/dev/null | head -1 | cut -d' ' -f2 || echo '-')"
put reps "$REPS"

if [ "${BG_PERF_NOBUILD:-0}" != 1 ]; then
    echo "run.sh: building" >&2
    cmake --build "$BUILD" --target baogao-index baogao-query baogao-serve bench_icu_seg bench_bare_ingest \
        bench_query_lat >/dev/null
fi
INDEX=$BUILD/baogao-index
QUERY=$BUILD/baogao-query
SERVE=$BUILD/server/baogao-serve
put baogao_version "$("$INDEX" --version | awk '{ print $2 }')"

# --jobs is new; without it there is only the one (sequential) run.
JOBS=0
if "$INDEX" --help | grep -q -- --jobs; then JOBS=1; fi
put jobs_option "$JOBS"
BYYEAR=0
if "$QUERY" --help | grep -q -- --by-year; then BYYEAR=1; fi
put by_year_option "$BYYEAR"

# ---- the corpus -------------------------------------------------------------
echo "run.sh: generating the ${SCALE}x corpus" >&2
logcmd python3 "$SRC/bench/gen_corpus.py" "$SCALE" "$W/corpus" "$CORPUS_SRC"
python3 "$SRC/bench/gen_corpus.py" "$SCALE" "$W/corpus" "$CORPUS_SRC" >/dev/null
C=$W/corpus
put corpus.files "$(find "$C" -name '*.txt' | wc -l)"
# (find | xargs, not "$C"/*.txt: at 1000x the 21,000 names come near ARG_MAX)
put corpus.bytes "$(find "$C" -name '*.txt' -print0 | xargs -0 cat | wc -c)"
put corpus.chars "$(python3 -c 'import sys,glob; print(sum(len(open(f,encoding="utf-8").read()) for f in glob.glob(sys.argv[1]+"/*.txt")))' "$C")"
# Indexing reads the files from the page cache in every run alike.
find "$C" -name '*.txt' -print0 | xargs -0 cat >/dev/null

# The shipped lexicon only: a user's ~/.config/baogao/lexicon.txt must not
# change the measurement.
IDXARGS=(--quiet --lexicon "$SRC/data/lexicon.txt")
J1=()
[ "$JOBS" = 1 ] && J1=(--jobs 1)

# ---- limit 1: ICU word break ------------------------------------------------
echo "run.sh: ICU segmentation" >&2
measure icu "$BUILD/bench/bench_icu_seg" "$C"
put_all icu "$OUT/icu.out"

# ---- baogao-index -----------------------------------------------------------
# LIDX is the index every later step reads (the bare limits, the queries, the
# server): the --jobs 1 build, or the --jobs 2 one when j1 is skipped. Its
# results are under the name LNAME.
LIDX= LNAME= LARGS=()
if [ "$JOBS" = 1 ] && skipped j1; then
    put skip.j1 "skipped (BG_PERF_SKIP)"
else
    echo "run.sh: baogao-index ${J1[*]:-(no --jobs option)}" >&2
    measure index_j1 "$INDEX" --db "$W/idx1" "${IDXARGS[@]}" "${J1[@]}" "$C"
    put index_j1.size "$(size_of "$W/idx1")"
    LIDX=$W/idx1 LNAME=index_j1 LARGS=("${J1[@]}")
    echo "run.sh: baogao-index again over the unchanged corpus" >&2
    measure reindex "$INDEX" --db "$LIDX" "${IDXARGS[@]}" "${LARGS[@]}" "$C"
    put reindex.summary "$(tail -1 "$OUT/reindex.out")"
fi
if [ "$JOBS" = 1 ]; then
    echo "run.sh: baogao-index --jobs 2" >&2
    measure index_j2 "$INDEX" --db "$W/idx2" "${IDXARGS[@]}" --jobs 2 "$C"
    put index_j2.size "$(size_of "$W/idx2")"
    put index_j2.docs "$(xapian-delve "$W/idx2" 2>/dev/null | awk '/number of documents/ { print $NF }')"
    if [ -z "$LIDX" ]; then
        LIDX=$W/idx2 LNAME=index_j2 LARGS=(--jobs 2)
        echo "run.sh: baogao-index --jobs 2 again over the unchanged corpus" >&2
        measure reindex "$INDEX" --db "$LIDX" "${IDXARGS[@]}" "${LARGS[@]}" "$C"
        put reindex.summary "$(tail -1 "$OUT/reindex.out")"
    fi
    # The --jobs 2 index is kept for baogao-index --compact at the end.
fi
put lidx "$LNAME"
put "$LNAME.docs" "$(xapian-delve "$LIDX" 2>/dev/null | awk '/number of documents/ { print $NF }')"
# Passages marked as copies (XZ, left out of searches): with a corpus whose
# copies did not vary, most of the index would be this.
put "$LNAME.copies" "$(for shard in "$LIDX"/shards/*/; do xapian-delve -t XZ "$shard" 2>/dev/null \
    | sed -n 's/.*termfreq \([0-9]*\).*/\1/p'; done | awk '{ s += $1 } END { print s + 0 }')"
# Where the bytes are: each glass table summed over the year shards.
for t in postlist position termlist docdata; do
    put "$LNAME.table.$t" "$(cat "$LIDX"/shards/*/$t.glass | wc -c)"
done
# How much of it is B-tree slack: the same shards after xapian-compact.
if want compact xapian-compact; then
    echo "run.sh: xapian-compact of each shard" >&2
    mkdir -p "$W/compact"
    for shard in "$LIDX"/shards/*/; do
        xapian-compact "$shard" "$W/compact/$(basename "$shard")" >/dev/null
    done
    echo "xapian-compact \$W/$(basename "$LIDX")/shards/YYYY \$W/compact/YYYY   # for each year shard" >>"$OUT/commands.txt"
    put "$LNAME.compact_size" "$(size_of "$W/compact")"
    rm -rf "$W/compact"
fi

# ---- limit 2: bare Xapian ingestion of baogao's documents ---------------------
# Twice: into one database (what a plain Xapian program writes) and into one
# database per year like baogao; the faster of the two is the limit.
if ! skipped bare; then
    echo "run.sh: bare Xapian ingestion, one database" >&2
    measure bare "$BUILD/bench/bench_bare_ingest" "$LIDX" "$W/bare" 4000
    put_all bare "$OUT/bare.out"
    put bare.size "$(size_of "$W/bare")"
    rm -rf "$W/bare"
else
    put skip.bare "skipped (BG_PERF_SKIP)"
fi
if ! skipped bare_shards; then
    echo "run.sh: bare Xapian ingestion, one database per year" >&2
    mkdir -p "$W/bares"
    measure bare_shards "$BUILD/bench/bench_bare_ingest" --shards "$LIDX" "$W/bares" 4000
    put_all bare_shards "$OUT/bare_shards.out"
    put bare_shards.size "$(size_of "$W/bares")"
    rm -rf "$W/bares"
else
    put skip.bare_shards "skipped (BG_PERF_SKIP)"
fi

# ---- where baogao-index spends its time --------------------------------------
if want perf perf; then
    # Call chains (DWARF: the libraries have no frame pointers) so that
    # perfsplit.py can charge malloc, memcmp and the kernel to Xapian when
    # Xapian called them; the flat profile by shared object comes from the
    # same data.
    echo "run.sh: perf profile of baogao-index ${J1[*]:-}" >&2
    PREC=(perf record -o "$W/perf.data" -F 250 --call-graph dwarf,8192 --
          "$INDEX" --db "$W/idxp" "${IDXARGS[@]}" "${J1[@]}" "$C")
    logcmd "${PREC[@]}"
    if "${PREC[@]}" >/dev/null 2>"$OUT/perf.err"; then
        logcmd perf report -i "$W/perf.data" --stdio --no-children --sort dso -g none
        perf report -i "$W/perf.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep '%' \
            >"$OUT/perf.dso.txt" || true
        perf report -i "$W/perf.data" --stdio --no-children --sort dso,sym -g none 2>/dev/null | grep '%' \
            | head -40 >"$OUT/perf.sym.txt" || true
        logcmd perf script -i "$W/perf.data" -F comm,tid,ip,dso --no-inline
        perf script -i "$W/perf.data" -F comm,tid,ip,dso --no-inline 2>/dev/null \
            | python3 "$HERE/perfsplit.py" >"$OUT/perfsplit.out"
        put_all perfsplit "$OUT/perfsplit.out"
    else
        put skip.perf "perf record failed: $(tail -1 "$OUT/perf.err")"
    fi
    rm -rf "$W/idxp" "$W/perf.data"
fi

# ---- stock baselines ----------------------------------------------------------
if ! skipped scriptindex || ! skipped sqlite; then
    python3 "$HERE/export.py" "$C" "$W/records.txt" "$W/build.sql" >"$OUT/export.out"
    put_all export "$OUT/export.out"
fi
NGRAM=
if want scriptindex scriptindex; then
    echo "run.sh: scriptindex (XAPIAN_CJK_NGRAM=1)" >&2
    # The text is stored too (field), as baogao stores each passage to show
    # it; the year is a boolean filter term, as baogao's Y terms. -s none:
    # stemming does not touch CJK, and baogao does not stem Latin words.
    printf 'year : boolean=Y\ntext : field index\n' >"$W/ngram.script"
    cp "$W/ngram.script" "$OUT/ngram.script"
    measure scriptindex env XAPIAN_CJK_NGRAM=1 scriptindex -s none --overwrite "$W/ngram" "$W/ngram.script" "$W/records.txt"
    put scriptindex.size "$(size_of "$W/ngram")"
    NGRAM=$W/ngram
    # The size anchor of issue #14: stock Xapian's n-gram index compacted,
    # beside baogao's (baogao-index --compact, below). quest runs on the
    # database as written, as baogao-query runs on baogao's.
    if command -v xapian-compact >/dev/null; then
        logcmd xapian-compact "$W/ngram" "$W/ngramc"
        xapian-compact "$W/ngram" "$W/ngramc" >/dev/null
        put scriptindex.compact_size "$(size_of "$W/ngramc")"
        rm -rf "$W/ngramc"
    fi
fi
FTS=
if want sqlite sqlite3; then
    echo "run.sh: SQLite FTS5 trigram" >&2
    measure sqlite sqlite3 "$W/fts.db" ".read $W/build.sql"
    put sqlite.size "$(size_of "$W/fts.db")"
    FTS=$W/fts.db
fi
rm -f "$W/records.txt" "$W/build.sql"

# ---- query latency --------------------------------------------------------------
if ! skipped latency; then
    echo "run.sh: query latency ($REPS runs per query and system)" >&2
    LAT=(python3 "$HERE/latency.py" --queries "$HERE/queries.tsv" --reps "$REPS"
         --baogao-query "$QUERY" --index "$LIDX" --inproc "$BUILD/bench/bench_query_lat" --interleave)
    [ "$BYYEAR" = 1 ] && LAT+=(--by-year)
    [ -n "$NGRAM" ] && command -v quest >/dev/null && LAT+=(--quest-db "$NGRAM")
    [ -n "$FTS" ] && LAT+=(--sqlite-db "$FTS")
    want rg rg && LAT+=(--rg-dir "$C")
    logcmd "${LAT[@]}"
    put latency.load_start "$(loadavg)"
    "${LAT[@]}" >"$OUT/latency.tsv"
    put latency.load_end "$(loadavg)"
else
    put skip.latency "skipped (BG_PERF_SKIP)"
fi

# ---- baogao-serve under wrk -------------------------------------------------------
# The server on the queried index (default options: 4 threads), wrk on the same
# two cores (-t2 -c16 -d30s), the 12 queries in rotation. The server's RSS and
# CPU time are read from /proc every second; the targets compare the RSS at
# 10 s and at 30 s. Its access log goes to a file, as it would in service.
if want serve wrk; then
    echo "run.sh: baogao-serve under wrk, 30 s" >&2
    PORT=
    for p in $(seq 18300 18399); do
        if ! curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then PORT=$p; break; fi
    done
    [ -n "$PORT" ] || { note "no free port in 18300-18399"; exit 2; }
    logcmd "$SERVE" --db "$LIDX" --listen "127.0.0.1:$PORT"
    "$SERVE" --db "$LIDX" --listen "127.0.0.1:$PORT" >"$W/serve.log" 2>&1 &
    SERVE_PID=$!
    for _ in $(seq 100); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" && break
        sleep 0.1
    done
    kill -0 "$SERVE_PID" 2>/dev/null || { note "baogao-serve did not start:"; tail -5 "$W/serve.log" >&2; exit 2; }
    # The server allows 16 connections per client and wrk opens 16 at once:
    # the health check's connection, closed but not yet released, made the
    # 17th and one 503 (the unexplained non-2xx of the 1,000x run).
    sleep 1
    WRK=(wrk -t2 -c16 -d30s --latency -s "$HERE/wrk_rotate.lua" "http://127.0.0.1:$PORT" -- "$HERE/queries.tsv")
    logcmd "${WRK[@]}"
    proc_sample() {   # seconds-since-start, VmRSS kB, utime+stime ticks
        printf '%s\t%s\t%s\n' "$1" "$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")" \
            "$(awk '{ print $14 + $15 }' "/proc/$SERVE_PID/stat")"
    }
    put serve.rss_idle_kb "$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVE_PID/status")"
    put serve.load_start "$(loadavg)"
    "${WRK[@]}" >"$OUT/wrk.out" 2>&1 &
    WRK_PID=$!
    t0=$(date +%s%N)
    : >"$OUT/serve_rss.tsv"
    for i in $(seq 1 30); do
        # Sleep until i seconds after wrk started.
        sleep "$(awk -v t0="$t0" -v i="$i" -v now="$(date +%s%N)" 'BEGIN { d = i - (now - t0) / 1e9; print (d > 0 ? d : 0) }')"
        proc_sample "$i" >>"$OUT/serve_rss.tsv"
    done
    wait "$WRK_PID" || { note "wrk failed:"; tail -5 "$OUT/wrk.out" >&2; exit 2; }
    put serve.load_end "$(loadavg)"
    put serve.rss10_kb "$(awk -F'\t' '$1 == 10 { print $2 }' "$OUT/serve_rss.tsv")"
    put serve.rss30_kb "$(awk -F'\t' '$1 == 30 { print $2 }' "$OUT/serve_rss.tsv")"
    put serve.cpu_s "$(awk -F'\t' -v hz="$(getconf CLK_TCK)" 'NR == 1 { a = $3 } { b = $3 } END { printf "%.2f", (b - a) / hz }' "$OUT/serve_rss.tsv")"
    put serve.threads "$(awk '/^Threads/ { print $2 }' "/proc/$SERVE_PID/status")"
    kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=
    awk '/^wrk\./ { sub(/^wrk\./, ""); print "serve." $1 "\t" $2 }' "$OUT/wrk.out" >>"$RES"
    put serve.non2xx "$(awk '/Non-2xx or 3xx responses/ { print $NF }' "$OUT/wrk.out")"
    # Status codes the server logged (one line per request).
    awk '$2 == "GET" { n[$4]++ } END { for (c in n) printf "%s:%d ", c, n[c] }' "$W/serve.log" >"$W/codes"
    put serve.codes "$(cat "$W/codes")"
    # Its log stays with the results (a refusal's line says why).
    cp "$W/serve.log" "$OUT/serve.log"
fi

# ---- the compacted size (issue #14) --------------------------------------------
# baogao-index --compact on the --jobs 2 build (kept until now, so that the
# queries above ran on an index as baogao-index leaves it).
CIDX=$W/idx2
[ "$JOBS" = 1 ] || CIDX=$LIDX
if ! skipped bgcompact; then
    echo "run.sh: baogao-index --compact" >&2
    measure bgcompact "$INDEX" --db "$CIDX" --compact
    put bgcompact.size "$(size_of "$CIDX")"
    put bgcompact.summary "$(grep compacted "$OUT/bgcompact.out" | tail -1)"
else
    put skip.bgcompact "skipped (BG_PERF_SKIP)"
fi
[ "$CIDX" != "$LIDX" ] && rm -rf "$CIDX"

put load_end "$(uptime | sed 's/.*load average: //')"
python3 "$HERE/report.py" "$OUT" "$DOC"
echo "run.sh: results in $OUT; section '$SECTION' of $DOC updated" >&2
