#!/usr/bin/env bash
# formats_test.sh — the format readers' acceptance test: HTML, PDF and DOCX
# copies of three real reports (tests/formats/make_fixtures.py: a portal page
# in UTF-8 and GB18030, a Chromium print with its header and footer, Word
# files with headings by style and by direct formatting) are indexed, and
# tests/formats/eval_formats.py --check requires every source paragraph whole
# in one line of the index and quoted 12-character phrases found (>= 99.5%
# HTML and DOCX, >= 99% PDF), with no passage holding page furniture.
# The harness checks itself on the same run: the source text indexed as .txt
# must score 100%, and the pdftotext baseline is measured beside the readers.
# Usage: formats_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR [SHARED_CORPUS]
# Skipped (exit 77) without the shared corpus, Chromium, python-docx,
# pdftotext or xapian-delve.
set -u
INDEX=$1 QUERY=$2 SRC=$3 CORPUS=${4:-}
PY=/usr/bin/python3
REPORTS=shaoguan-qujiang-fazhi-2022,cn-state-council-gwr-2013,cpc-congress-report-18th-2012

skip() { echo "formats_test: $1: skipped"; exit 77; }
if [ -z "$CORPUS" ] || [ ! -f "$CORPUS/MANIFEST.tsv" ]; then skip "shared corpus not found at '$CORPUS'"; fi
[ -x /usr/bin/chromium ] || skip "no /usr/bin/chromium"
if ! "$PY" -c 'import docx' 2>/dev/null; then skip "no python-docx for $PY"; fi
command -v pdftotext >/dev/null || skip "no pdftotext (poppler-utils)"
command -v xapian-delve >/dev/null || skip "no xapian-delve (xapian-tools)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_DATA_HOME='' XDG_CONFIG_HOME='' BAOGAO_DB='' NO_COLOR=
mkdir -p "$HOME"

"$PY" "$SRC/tests/formats/make_fixtures.py" "$TMP/fixtures" --corpus "$CORPUS" \
    --only "$REPORTS" || { echo "FAIL: make_fixtures.py" >&2; exit 1; }
"$PY" "$SRC/tests/formats/eval_formats.py" --index "$INDEX" --query "$QUERY" \
    --fixtures "$TMP/fixtures" --phrases 200 --seed 1 --baseline-pdftotext \
    --json-out "$TMP/eval.json" --check
status=$?
[ "$status" -eq 0 ] || echo "FAIL: format readers below target (table above)" >&2
exit "$status"
