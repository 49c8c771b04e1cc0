#!/usr/bin/env bash
# official_test.sh — issue 13's acceptance test: official documents (GB/T
# 9704 layout: title over several lines, 发文字号, 主送, signature and date,
# attachments, 抄送/印发) made from the shared corpus by
# tests/formats/make_official_fixtures.py are published as plain text, portal
# pages (with and without the metadata table), Chromium-printed PDFs and
# DOCX, and tests/formats/eval_official.py --check requires title, body,
# date, year and 发文字号 right for >= 98% of documents in every format, no
# 发文字号/主送/署名/成文日期/抄送 line found as a passage, and >= 99% of sampled
# content lines found.
# Usage: official_test.sh BAOGAO_INDEX BAOGAO_QUERY SOURCE_DIR [SHARED_CORPUS]
# Skipped (exit 77) without the shared corpus, Chromium or python-docx.
set -u
INDEX=$1 QUERY=$2 SRC=$3 CORPUS=${4:-}
PY=/usr/bin/python3

skip() { echo "official_test: $1: skipped"; exit 77; }
if [ -z "$CORPUS" ] || [ ! -f "$CORPUS/MANIFEST.tsv" ]; then skip "shared corpus not found at '$CORPUS'"; fi
[ -x "$PY" ] || skip "no $PY"
[ -x /usr/bin/chromium ] || skip "no /usr/bin/chromium"
if ! "$PY" -c 'import docx' 2>/dev/null; then skip "no python-docx for $PY"; fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP/home XDG_DATA_HOME='' XDG_CONFIG_HOME='' BAOGAO_DB='' NO_COLOR=
mkdir -p "$HOME"

"$PY" "$SRC/tests/formats/eval_official.py" --index "$INDEX" --query "$QUERY" \
    --corpus "$CORPUS" --count 20 --seed 9704 --formats txt,html,pdf,docx \
    --json-out "$TMP/eval.json" --check
status=$?
[ "$status" -eq 0 ] || echo "FAIL: official-document metadata or frame below target (table above)" >&2
exit "$status"
