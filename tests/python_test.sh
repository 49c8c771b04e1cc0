#!/usr/bin/env bash
# python_test.sh — the Python module (bindings/python) used the way a user
# installs it: pip-installed offline into a fresh venv of the system Python
# (/usr/bin/python3, with --system-site-packages so the system's setuptools
# builds it: --no-index --no-build-isolation), then its unittest suite run
# from outside the source tree, so that the installed package is what is
# imported, against BUILD_DIR/libbaogao.so.0 (and BUILD_DIR/baogao-query, to
# compare answers with the CLI).
#   usage: python_test.sh BUILD_DIR SOURCE_DIR [BAOGAO_QUERY]
# BUILD_DIR holds libbaogao.so.0; baogao-query is BAOGAO_QUERY if given, else
# BUILD_DIR/baogao-query (the comparisons with it are skipped when it is missing).
# Skipped (exit 77) without python3, its venv module or pip, or setuptools
# (Debian: python3-venv python3-pip python3-setuptools), and in a sanitizer
# build: an ASan libbaogao cannot be loaded into an uninstrumented python
# unless libasan is preloaded.
set -uo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 BUILD_DIR SOURCE_DIR [BAOGAO_QUERY]" >&2
    exit 2
fi
BUILD=$(cd "$1" && pwd) || exit 2
SRC=$(cd "$2" && pwd) || exit 2
LIB=$BUILD/libbaogao.so.0
QUERY=${3:-$BUILD/baogao-query}
if [ ! -x "$QUERY" ]; then
    echo "note: no $QUERY: the comparisons with baogao-query are skipped"
    QUERY=
fi
PY=/usr/bin/python3

skip() { echo "skipped: $*"; exit 77; }

[ -e "$LIB" ] || { echo "FAIL no $LIB (build the shared library first)"; exit 1; }
[ -d "$SRC/bindings/python/baogao" ] || { echo "FAIL no $SRC/bindings/python/baogao"; exit 1; }
[ -x "$PY" ] || skip "$PY is not installed (Debian: python3)"

# A sanitizer runtime must be the first library a process loads: python is
# not built with it, so ctypes cannot load an ASan (or TSan) libbaogao.
if ldd "$LIB" 2>/dev/null | grep -Eq 'lib(asan|tsan)\.so'; then
    skip "$LIB is a sanitizer build (ldd shows $(ldd "$LIB" | grep -Eo 'lib(asan|tsan)\.so[^ ]*' | head -1));" \
        "python cannot load it through ctypes without LD_PRELOAD of the runtime"
fi
if command -v nm >/dev/null && nm -D "$LIB" 2>/dev/null | grep -q ' __asan_'; then
    skip "$LIB is built with -fsanitize=address; python cannot load it through ctypes"
fi

"$PY" -c 'import venv' 2>/dev/null || skip "$PY has no venv module (Debian: python3-venv)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
VENV=$TMP/venv
VPY=$VENV/bin/python

# With ensurepip (Debian: python3-venv) the venv gets its own pip; without it,
# the system's pip (python3-pip) serves through --system-site-packages.
if ! "$PY" -m venv --system-site-packages "$VENV" >"$TMP/venv.log" 2>&1; then
    rm -rf "$VENV"
    "$PY" -m venv --system-site-packages --without-pip "$VENV" >>"$TMP/venv.log" 2>&1 \
        || { cat "$TMP/venv.log"; skip "$PY -m venv fails (Debian: python3-venv)"; }
fi
"$VPY" -m pip --version >/dev/null 2>&1 || skip "no pip for $PY (Debian: python3-pip or python3-venv)"
"$VPY" -c 'import setuptools' 2>/dev/null || skip "no setuptools for $PY (Debian: python3-setuptools)"

# Install from a copy, so that the in-tree build leaves nothing (build/,
# *.egg-info) in the source tree.
mkdir -p "$TMP/pkg" "$TMP/home" "$TMP/run"
cp -R "$SRC/bindings/python/." "$TMP/pkg/"
rm -rf "$TMP/pkg/build" "$TMP/pkg"/*.egg-info "$TMP/pkg/tests"
if ! env HOME="$TMP/home" PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
    "$VPY" -m pip install --no-index --no-build-isolation "$TMP/pkg" >"$TMP/pip.log" 2>&1; then
    cat "$TMP/pip.log"
    echo "FAIL pip install --no-index --no-build-isolation bindings/python"
    exit 1
fi
echo "ok   pip install --no-index --no-build-isolation bindings/python"

# Everything runs from an empty directory with a clean environment: no
# PYTHONPATH, a HOME of its own (no ~/.config/baogao/lexicon.txt), no BAOGAO_DB.
run() {
    (cd "$TMP/run" && env -u PYTHONPATH -u BAOGAO_DB -u XDG_DATA_HOME -u XDG_CONFIG_HOME \
        -u BAOGAO_QUERY HOME="$TMP/home" PYTHONDONTWRITEBYTECODE=1 \
        BAOGAO_LIBRARY="$LIB" ${QUERY:+BAOGAO_QUERY="$QUERY"} BAOGAO_SOURCE_DIR="$SRC" "$@")
}

where=$(run "$VPY" -c 'import baogao; print(baogao.__file__)' 2>&1)
case "$where" in
"$VENV"/*) echo "ok   the installed package is imported ($where)" ;;
*) echo "FAIL import baogao gives $where, not the package installed in $VENV"; exit 1 ;;
esac

run "$VPY" -m unittest discover -s "$SRC/bindings/python/tests" -p 'test_*.py' -v 2>&1 | tee "$TMP/unittest.log"
rc=${PIPESTATUS[0]}
summary=$(grep -E '^(Ran [0-9]+ tests|OK|FAILED)' "$TMP/unittest.log" | tr '\n' ' ')
if [ "$rc" -eq 0 ]; then
    echo "ok   python unittest: $summary"
else
    echo "FAIL python unittest (exit $rc): $summary"
fi
exit "$rc"
