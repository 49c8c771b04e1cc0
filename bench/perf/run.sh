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
#     library in-process, quest, sqlite3 and rg on the fixed list queries.tsv;
# and writes the results as the section for this SCALE of docs/performance.md
# (report.py; the other sections and the hand-written text are kept).
#
#   usage: bench/perf/run.sh [BUILD_DIR] [SCALE]
#     BUILD_DIR  a configured CMake build directory (default: build/), ideally
#                -DCMAKE_BUILD_TYPE=RelWithDebInfo or Release
#     SCALE      copies of the corpus (bench/gen_corpus.py): 10 (default,
#                ~12.6 MB, 5-10 minutes on 2 cores) or 100 (~126 MB; all of
#                it takes about an hour on a busy 2-core machine — the
#                documented run used BG_PERF_SKIP=scriptindex,bare,bare_shards,
#                perf,compact and took 17 minutes)
#   environment:
#     BG_PERF_CORPUS  source corpus (default: ../shared/corpus beside the tree)
#     BG_PERF_REPS    timed runs per query and system (default 30)
#     BG_PERF_SKIP    comma-separated parts to leave out: bare, bare_shards,
#                     perf, compact, scriptindex, sqlite, latency, rg (each is
#                     then reported as skipped in the document)
#     BG_PERF_DOC     the document to update (default docs/performance.md)
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
SKIP=,${BG_PERF_SKIP:-},
DOC=${BG_PERF_DOC:-$SRC/docs/performance.md}
OUT=$SRC/bench/out/perf/scale$SCALE

[[ $SCALE =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: SCALE must be a positive integer" >&2; exit 2; }
[ -d "$CORPUS_SRC" ] || { echo "run.sh: no corpus at $CORPUS_SRC; skipping" >&2; exit 77; }
[ -f "$BUILD/CMakeCache.txt" ] || { echo "run.sh: $BUILD is not a CMake build directory" >&2; exit 2; }
for tool in python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

W=$(mktemp -d /tmp/baogao-perf.XXXXXX)
trap 'rm -rf "$W"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"
RES=$OUT/results.tsv
: >"$RES"

put() { printf '%s\t%s\n' "$1" "$2" >>"$RES"; }
note() { echo "run.sh: $*" >&2; }
skipped() { [[ $SKIP == *,$1,* ]]; }
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
    t0=$(date +%s%N)
    if ! /usr/bin/time -v -o "$W/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"; then
        note "$name failed:"
        tail -5 "$OUT/$name.err" >&2
        exit 2
    fi
    t1=$(date +%s%N)
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
    cmake --build "$BUILD" --target baogao-index baogao-query bench_icu_seg bench_bare_ingest bench_query_lat >/dev/null
fi
INDEX=$BUILD/baogao-index
QUERY=$BUILD/baogao-query
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
put corpus.bytes "$(cat "$C"/*.txt | wc -c)"
put corpus.chars "$(python3 -c 'import sys,glob; print(sum(len(open(f,encoding="utf-8").read()) for f in glob.glob(sys.argv[1]+"/*.txt")))' "$C")"
# Indexing reads the files from the page cache in every run alike.
cat "$C"/*.txt >/dev/null

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
echo "run.sh: baogao-index ${J1[*]:-(no --jobs option)}" >&2
measure index_j1 "$INDEX" --db "$W/idx1" "${IDXARGS[@]}" "${J1[@]}" "$C"
put index_j1.size "$(size_of "$W/idx1")"
echo "run.sh: baogao-index again over the unchanged corpus" >&2
measure reindex "$INDEX" --db "$W/idx1" "${IDXARGS[@]}" "${J1[@]}" "$C"
put reindex.summary "$(tail -1 "$OUT/reindex.out")"
if [ "$JOBS" = 1 ]; then
    echo "run.sh: baogao-index --jobs 2" >&2
    measure index_j2 "$INDEX" --db "$W/idx2" "${IDXARGS[@]}" --jobs 2 "$C"
    put index_j2.size "$(size_of "$W/idx2")"
    put index_j2.docs "$(xapian-delve "$W/idx2" 2>/dev/null | awk '/number of documents/ { print $NF }')"
    rm -rf "$W/idx2"
fi
put index_j1.docs "$(xapian-delve "$W/idx1" 2>/dev/null | awk '/number of documents/ { print $NF }')"
# Where the bytes are: each glass table summed over the year shards.
for t in postlist position termlist docdata; do
    put "index_j1.table.$t" "$(cat "$W"/idx1/shards/*/$t.glass | wc -c)"
done
# How much of it is B-tree slack: the same shards after xapian-compact.
if want compact xapian-compact; then
    echo "run.sh: xapian-compact of each shard" >&2
    mkdir -p "$W/compact"
    for shard in "$W"/idx1/shards/*/; do
        xapian-compact "$shard" "$W/compact/$(basename "$shard")" >/dev/null
    done
    echo 'xapian-compact $W/idx1/shards/YYYY $W/compact/YYYY   # for each year shard' >>"$OUT/commands.txt"
    put index_j1.compact_size "$(size_of "$W/compact")"
    rm -rf "$W/compact"
fi

# ---- limit 2: bare Xapian ingestion of baogao's documents ---------------------
# Twice: into one database (what a plain Xapian program writes) and into one
# database per year like baogao; the faster of the two is the limit.
if ! skipped bare; then
    echo "run.sh: bare Xapian ingestion, one database" >&2
    measure bare "$BUILD/bench/bench_bare_ingest" "$W/idx1" "$W/bare" 4000
    put_all bare "$OUT/bare.out"
    put bare.size "$(size_of "$W/bare")"
    rm -rf "$W/bare"
else
    put skip.bare "skipped (BG_PERF_SKIP)"
fi
if ! skipped bare_shards; then
    echo "run.sh: bare Xapian ingestion, one database per year" >&2
    mkdir -p "$W/bares"
    measure bare_shards "$BUILD/bench/bench_bare_ingest" --shards "$W/idx1" "$W/bares" 4000
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
python3 "$HERE/export.py" "$C" "$W/records.txt" "$W/build.sql" >"$OUT/export.out"
put_all export "$OUT/export.out"
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
         --baogao-query "$QUERY" --index "$W/idx1" --inproc "$BUILD/bench/bench_query_lat")
    [ "$BYYEAR" = 1 ] && LAT+=(--by-year)
    [ -n "$NGRAM" ] && command -v quest >/dev/null && LAT+=(--quest-db "$NGRAM")
    [ -n "$FTS" ] && LAT+=(--sqlite-db "$FTS")
    want rg rg && LAT+=(--rg-dir "$C")
    logcmd "${LAT[@]}"
    "${LAT[@]}" >"$OUT/latency.tsv"
else
    put skip.latency "skipped (BG_PERF_SKIP)"
fi

put load_end "$(uptime | sed 's/.*load average: //')"
python3 "$HERE/report.py" "$OUT" "$DOC"
echo "run.sh: results in $OUT; section 'scale $SCALE' of $DOC updated" >&2
