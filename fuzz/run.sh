#!/usr/bin/env bash
# fuzz/run.sh — builds the libFuzzer targets (fuzz_*.c) with clang, ASan and
# UBSan, and runs each for SECONDS (default 60), starting from the seeds in
# fuzz/corpus/<target>/ and the past crashes in fuzz/regressions/<target>/.
# Fails when a target crashes, leaks, hangs (10 s on one input) or trips a
# sanitizer; the input is then in build-fuzz/crashes/ — copy it to
# fuzz/regressions/<target>/ once fixed (tests/test_fuzz_regressions.c
# replays that directory in every ctest run). Inputs found along the way
# collect in build-fuzz/corpus/ (not in the repository), so repeated runs
# go deeper; docs/reliability.md says how to run for hours.
#   usage: fuzz/run.sh [SECONDS] [TARGET...]     (targets: decode structure analyze query pdf docx html)
#   env:   CC / CXX (default clang / clang++), FUZZ_BUILD (default build-fuzz),
#          FUZZ_JOBS (parallel fuzzing processes per target, default 1)
set -u
SECS=${1:-60}
shift $(($# > 0 ? 1 : 0))
TARGETS=${*:-decode structure analyze query pdf docx html}
cd "$(dirname "$0")/.." || exit 2
SRC=$PWD
OUT=${FUZZ_BUILD:-$SRC/build-fuzz}
CC=${CC:-clang} CXX=${CXX:-clang++}
case "$CC" in *clang*) ;; *) CC=clang CXX=clang++ ;; esac
for tool in "$CC" "$CXX" pkg-config; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done
PKGS="xapian-core icu-uc icu-i18n libcjson opencc libxml-2.0 poppler-glib libzip"
pkg-config --exists $PKGS || { echo "skipped: development packages missing ($PKGS)"; exit 77; }

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
COMMON="-g -O1 $SAN -D_GNU_SOURCE -DBAOGAO_SYNONYMS_INSTALLED=\"/nonexistent\" -DBAOGAO_SYNONYMS_SOURCE=\"$SRC/data/synonyms.txt\" -I$SRC/include -I$SRC/common -I$SRC/analysis -I$SRC/formats -I$SRC/store -I$SRC/indexer -I$SRC/query -I$SRC/xapian $(pkg-config --cflags $PKGS)"
CFLAGS="-std=c11 -Wall -Wextra -Werror $COMMON -fsanitize=fuzzer-no-link"
CXXFLAGS="-std=c++17 $COMMON -fsanitize=fuzzer-no-link"
# Short units so that small inputs reach the cutting of over-long ones.
TINY_UNITS="-DBG_UNIT_MAX_BYTES=64 -DBG_PIECE_TARGET_BYTES=16"
mkdir -p "$OUT/obj" "$OUT/crashes"
# Debian's clang only recommends its runtimes (libclang-rt-NN-dev).
echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { (void)d; (void)n; return 0; }' >"$OUT/probe.c"
"$CC" -fsanitize=fuzzer,address,undefined "$OUT/probe.c" -o "$OUT/probe" 2>/dev/null || {
    echo "skipped: $CC cannot link libFuzzer with ASan and UBSan (install libclang-rt-NN-dev)"
    exit 77
}

fail=0
# Objects are rebuilt when their source, any header or this script is newer.
NEWEST_H=$(ls -t include/*.h common/*.h analysis/*.h formats/*.h store/*.h indexer/*.h query/*.h xapian/*.h fuzz/*.h | head -1)
compile() { # compile OUT SRC FLAGS...
    local out=$1 src=$2; shift 2
    if [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ] && [ "$out" -nt "$NEWEST_H" ]; then return 0; fi
    "$@" -c "$src" -o "$out" || { echo "FAIL: cannot compile $src"; exit 1; }
}
LIB_OBJS=()
for f in common/bgi_err.c common/util.c common/cn_numeral.c common/json_get.c analysis/*.c formats/*.c store/scheme.c query/qparse.c query/qbuild.c query/synonyms.c; do
    [ -f "$f" ] || continue
    o=$OUT/obj/$(echo "$f" | tr / _).o
    compile "$o" "$f" "$CC" $CFLAGS
    LIB_OBJS+=("$o")
done
compile "$OUT/obj/structure_tiny.o" indexer/structure.c "$CC" $CFLAGS $TINY_UNITS
compile "$OUT/obj/bgx.o" xapian/bgx.cc "$CXX" $CXXFLAGS
LIB_OBJS+=("$OUT/obj/bgx.o")
for t in $TARGETS; do
    [ -f "fuzz/fuzz_$t.c" ] || continue
    extra=()
    flags=$CFLAGS
    [ "$t" = structure ] && { extra=("$OUT/obj/structure_tiny.o"); flags="$CFLAGS $TINY_UNITS"; }
    compile "$OUT/obj/fuzz_$t.o" "fuzz/fuzz_$t.c" "$CC" $flags
    # shellcheck disable=SC2046 # pkg-config's flags are several words
    "$CXX" $SAN -fsanitize=fuzzer "$OUT/obj/fuzz_$t.o" "${extra[@]}" "${LIB_OBJS[@]}" \
        $(pkg-config --libs $PKGS) -o "$OUT/fuzz_$t" || { echo "FAIL: cannot link fuzz_$t"; exit 1; }
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
for t in $TARGETS; do
    mkdir -p "$OUT/corpus/$t"
    dirs=("$OUT/corpus/$t" "fuzz/corpus/$t")
    [ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
    echo "== fuzz_$t for $SECS s"
    par=()
    [ "${FUZZ_JOBS:-1}" -gt 1 ] && par=(-fork="$FUZZ_JOBS")
    "$OUT/fuzz_$t" -max_total_time="$SECS" -timeout=10 -max_len=16384 -print_final_stats=1 "${par[@]}" \
        -artifact_prefix="$OUT/crashes/$t-" "${dirs[@]}" >"$OUT/fuzz_$t.log" 2>&1
    rc=$?
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE' "$OUT/fuzz_$t.log" | tail -3
    if [ "$rc" -ne 0 ]; then
        fail=$((fail + 1))
        echo "FAIL: fuzz_$t (exit $rc); input in $OUT/crashes/:"
        grep -E 'ERROR|SUMMARY|Test unit written|crash-|leak-|timeout-' "$OUT/fuzz_$t.log" | head -10
    else
        passed=$((passed + 1))
    fi
done
echo "$passed passed, $fail failed"
[ "$fail" -eq 0 ]
