#!/usr/bin/env bash
# run.sh — the search-quality benchmark (docs/quality.md): indexes the shared
# corpus with baogao, exports baogao's passages, builds the two baselines over
# the SAME passages (stock Xapian n-gram, SQLite FTS5 trigram), runs the query
# set on all three and prints nDCG@10, MRR and substring recall per system,
# overall and per query type, against the judgements in qrels.tsv.
#
#   usage: bench/quality/run.sh [--pool] [BUILD_DIR] [CORPUS_DIR]
#     BUILD_DIR   a configured CMake build directory (default: build/)
#     CORPUS_DIR  default: ../shared/corpus beside the source tree
#     --pool      also add rule-proposed judgements for pooled passages that
#                 qrels.tsv does not judge yet (review them by reading after!)
#   Output: the table on stdout; everything in bench/out/quality/ (or $BGQ_OUT).
#   Exit status: 0 targets met, 1 a target missed, 2 error, 77 no corpus.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
POOL=0
if [ "${1:-}" = "--pool" ]; then POOL=1; shift; fi
BUILD=${1:-$SRC/build}
CORPUS=${2:-$SRC/../shared/corpus}
HERE=$SRC/bench/quality

[ -d "$CORPUS" ] || { echo "run.sh: no corpus at $CORPUS; skipping" >&2; exit 77; }
[ -f "$BUILD/CMakeCache.txt" ] || { echo "run.sh: $BUILD is not a CMake build directory" >&2; exit 2; }
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }
python3 -c "import sqlite3; sqlite3.connect(':memory:').execute(\"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')\")" \
    || { echo "run.sh: python3's sqlite3 lacks FTS5 with the trigram tokenizer (SQLite >= 3.34)" >&2; exit 2; }

cmake --build "$BUILD" --target baogao-index baogao-query bgq-normalize bgq-baselines >/dev/null

OUT=${BGQ_OUT:-$SRC/bench/out/quality}
rm -rf "$OUT"
mkdir -p "$OUT"
# The shipped lexicon only: a user's ~/.config/baogao/lexicon.txt must not
# change the measurement.
"$BUILD/baogao-index" --db "$OUT/index" --quiet --lexicon "$SRC/data/lexicon.txt" "$CORPUS" >/dev/null
printf 'query\t%s\nnormalize\t%s\nindex\t%s\n' "$BUILD/baogao-query" "$BUILD/bench/bgq-normalize" "$OUT/index" >"$OUT/env.tsv"
"$BUILD/bench/bgq-baselines" export "$OUT/index" >"$OUT/passages.tsv"
"$BUILD/bench/bgq-baselines" xapian "$OUT/passages.tsv" "$OUT/xapian-ngram" "$HERE/queries.tsv" >"$OUT/run.xapian.tsv"
python3 "$HERE/quality.py" run "$OUT"
[ "$POOL" = 1 ] && python3 "$HERE/quality.py" pool "$OUT"
echo "search quality, $(date +%F), $(wc -l <"$OUT/passages.tsv") passages (minus the header) of $CORPUS"
python3 "$HERE/quality.py" eval "$OUT"
