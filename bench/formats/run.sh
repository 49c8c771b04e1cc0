#!/usr/bin/env bash
# run.sh — indexing speed per format (docs/performance.md, "Formats"): the
# same reports as plain text, HTML pages, printed PDFs and DOCX files
# (tests/formats/make_fixtures.py), each indexed from empty with --jobs 1,
# REPS times in turn (interleaved, so machine load hits every format alike).
# The rate is MB of extracted text (the source .txt bytes, the same for every
# format) per CPU second of baogao-index (user + system), and the ratio is
# against the .txt path measured in the same run.
#   usage: bench/formats/run.sh [BUILD_DIR] [REPS]      (default build/, 3)
#   env:   BG_FORMATS_FIXTURES  reuse fixtures made earlier (a make_fixtures.py OUT)
#          BG_PERF_CORPUS       source corpus (default ../shared/corpus)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$SRC/build}
REPS=${2:-3}
CORPUS=${BG_PERF_CORPUS:-$SRC/../shared/corpus}
[ -d "$CORPUS" ] || { echo "run.sh: no corpus at $CORPUS" >&2; exit 77; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
FIX=${BG_FORMATS_FIXTURES:-$OUT/fixtures}
if [ ! -d "$FIX/pdf" ]; then
    /usr/bin/python3 "$SRC/tests/formats/make_fixtures.py" "$FIX" --corpus "$CORPUS" >/dev/null
fi
mkdir -p "$OUT/txt"
for f in "$CORPUS"/*.txt; do cp "$f" "$OUT/txt/"; done
text_mb=$(cat "$OUT"/txt/*.txt | wc -c | awk '{printf "%.3f", $1 / 1e6}')
declare -A cpu
for fmt in txt html pdf docx; do cpu[$fmt]=""; done
for rep in $(seq "$REPS"); do
    for fmt in txt html pdf docx; do
        dir=$FIX/$fmt
        [ "$fmt" = txt ] && dir=$OUT/txt
        rm -rf "$OUT/db"
        t=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime)' "$BUILD/baogao-index" --quiet --jobs 1 --db "$OUT/db" \
                --lexicon "$SRC/data/lexicon.txt" "$dir")
        cpu[$fmt]="${cpu[$fmt]} $t"
    done
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Formats: $text_mb MB of text ($(ls "$OUT"/txt | wc -l) reports), --jobs 1, median of $REPS interleaved runs; load average $load; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| format | CPU s (median) | MB of text per CPU s | vs .txt |"
echo "|---|---|---|---|"
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
base=$(echo "${cpu[txt]}" | median)
for fmt in txt html pdf docx; do
    m=$(echo "${cpu[$fmt]}" | median)
    awk -v f="$fmt" -v m="$m" -v b="$base" -v mb="$text_mb" \
        'BEGIN {printf "| %s | %.2f | %.2f | %.2f× |\n", f, m, mb / m, b / m}'
done
