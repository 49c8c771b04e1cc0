#!/usr/bin/env bash
# install_test.sh — baogao used the way another project uses it: a fresh
# Release build installed to a temporary prefix, then examples/search.c built
# against the installed library through pkg-config (shared, and static from a
# moved copy of the prefix) and through find_package(baogao), and run over an
# index made by the installed baogao-index. Also checks the installed layout,
# the soname and that the shared library exports only the public bg_ API.
#   usage: install_test.sh SOURCE_DIR
# Skipped (exit 77) in the sanitizer build: it rebuilds everything, and the
# sanitizer adds nothing to what it checks.
set -uo pipefail
SRC=$(cd "${1:-$(dirname "$0")/..}" && pwd)

case "${BAOGAO_SANITIZE:-OFF}" in
ON | on | 1 | TRUE | true | YES | yes) echo "skipped: sanitizer build"; exit 77 ;;
esac
for tool in cmake cc pkg-config nm readelf; do
    command -v $tool >/dev/null || { echo "skipped: $tool is not installed"; exit 77; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
P=$TMP/prefix

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" = 0 ]; exit; }

# ---- build and install ---------------------------------------------------
# The install prefix is also given at configure time: the programs find the
# starter lexicon at the path configured then.
if cmake -S "$SRC" -B "$TMP/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$P" >"$TMP/build.log" 2>&1 \
    && cmake --build "$TMP/build" -j2 >>"$TMP/build.log" 2>&1 \
    && cmake --install "$TMP/build" --prefix "$P" >>"$TMP/build.log" 2>&1; then
    ok "fresh Release build installs"
else
    tail -40 "$TMP/build.log"
    not_ok "fresh Release build installs"
    finish
fi

for f in include/baogao.h lib/libbaogao.so lib/libbaogao.so.0 lib/libbaogao.a lib/pkgconfig/baogao.pc \
    lib/cmake/baogao/baogaoConfig.cmake lib/cmake/baogao/baogaoConfigVersion.cmake \
    bin/baogao-index bin/baogao-query share/baogao/lexicon.txt; do
    check "installed $f" [ -e "$P/$f" ]
done
if [ -f "$SRC/server/CMakeLists.txt" ]; then
    check "installed bin/baogao-serve" [ -x "$P/bin/baogao-serve" ]
fi

# ---- the shared library's ABI ------------------------------------------
check "soname is libbaogao.so.0" bash -c "readelf -d '$P/lib/libbaogao.so' | grep -q 'SONAME.*\[libbaogao\.so\.0\]'"
nm -D --defined-only "$P/lib/libbaogao.so" | awk '{print $3}' | sort >"$TMP/exports"
grep -v '^bg_' "$TMP/exports" | grep -Ev '^(_init|_fini)$' >"$TMP/foreign"
check "exports nothing but bg_ symbols" [ ! -s "$TMP/foreign" ]
[ -s "$TMP/foreign" ] && head -5 "$TMP/foreign"
grep -o '^BG_API [^(]*(' "$SRC/include/baogao.h" | grep -o 'bg_[a-z0-9_]*($' | tr -d '(' | sort -u >"$TMP/declared"
comm -23 "$TMP/declared" "$TMP/exports" >"$TMP/missing"
check "exports every function baogao.h declares ($(wc -l <"$TMP/declared"))" [ ! -s "$TMP/missing" ]
[ -s "$TMP/missing" ] && head -5 "$TMP/missing"

# ---- pkg-config, shared ------------------------------------------------
export PKG_CONFIG_PATH=$P/lib/pkgconfig
want_version=$(sed -n 's/^#define BAOGAO_VERSION_STRING "\(.*\)"/\1/p' "$SRC/include/baogao.h")
check "pkg-config --modversion baogao is $want_version" [ "$(pkg-config --modversion baogao)" = "$want_version" ]
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/search.c" -o "$TMP/search-shared" \
    $(pkg-config --cflags --libs baogao) 2>"$TMP/cc.log"
check "examples/search.c builds with pkg-config --cflags --libs baogao" [ -x "$TMP/search-shared" ]
check "... and links the shared libbaogao.so.0" bash -c "readelf -d '$TMP/search-shared' | grep -q 'NEEDED.*libbaogao\.so\.0'"

"$P/bin/baogao-index" --db "$TMP/db" "$SRC/corpus" >"$TMP/index.log" 2>&1
check "the installed baogao-index indexes corpus/" [ $? = 0 ]

LD_LIBRARY_PATH=$P/lib "$TMP/search-shared" "$TMP/db" 电子证照 >"$TMP/out.shared" 2>&1
check "the example finds 电子证照 (shared)" grep -q '【电子证照】' "$TMP/out.shared"
check "... printing the section path" grep -q ' › ' "$TMP/out.shared"
check "... and file:line" grep -Eq 'corpus/[^ ]+\.txt:[0-9]+$' "$TMP/out.shared"
check "... with the installed library's version" grep -q "libbaogao $want_version" "$TMP/out.shared"

# ---- pkg-config, static, from a moved prefix ----------------------------
# Without the .so the linker must take libbaogao.a, and the private
# requirements must bring in Xapian, ICU, cJSON, OpenCC and libstdc++. The
# move also proves baogao.pc finds its prefix relative to itself.
cp -a "$P" "$TMP/moved"
rm -f "$TMP/moved/lib/libbaogao.so"*
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$SRC/examples/search.c" -o "$TMP/search-static" \
    $(PKG_CONFIG_PATH=$TMP/moved/lib/pkgconfig pkg-config --static --cflags --libs baogao) 2>"$TMP/cc.log"
check "builds with pkg-config --static against libbaogao.a" [ -x "$TMP/search-static" ]
[ -x "$TMP/search-static" ] || tail -5 "$TMP/cc.log"
check "... without a dependency on libbaogao.so" bash -c "! readelf -d '$TMP/search-static' | grep -q libbaogao"
"$TMP/search-static" "$TMP/db" 电子证照 >"$TMP/out.static" 2>&1
check "the static example finds 电子证照" grep -q '【电子证照】' "$TMP/out.static"

# ---- find_package(baogao) ---------------------------------------------------
mkdir -p "$TMP/consumer"
cp "$SRC/examples/search.c" "$TMP/consumer/"
cat >"$TMP/consumer/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(baogao 0.1 REQUIRED)
add_executable(search search.c)
target_link_libraries(search PRIVATE baogao::baogao)
add_executable(search_static search.c)
target_link_libraries(search_static PRIVATE baogao::baogao_static)
EOF
cmake -S "$TMP/consumer" -B "$TMP/consumer/build" -DCMAKE_PREFIX_PATH="$P" >"$TMP/consumer.log" 2>&1 \
    && cmake --build "$TMP/consumer/build" >>"$TMP/consumer.log" 2>&1
check "a CMake project builds with find_package(baogao) and baogao::baogao" [ -x "$TMP/consumer/build/search" ]
[ -x "$TMP/consumer/build/search" ] || tail -20 "$TMP/consumer.log"
LD_LIBRARY_PATH=$P/lib "$TMP/consumer/build/search" "$TMP/db" 电子证照 >"$TMP/out.cmake" 2>&1
check "... and finds 电子证照" grep -q '【电子证照】' "$TMP/out.cmake"
check "... and links baogao::baogao_static from C alone" [ -x "$TMP/consumer/build/search_static" ]
"$TMP/consumer/build/search_static" "$TMP/db" 电子证照 >"$TMP/out.cmake-static" 2>&1
check "... which finds 电子证照 without libbaogao.so" grep -q '【电子证照】' "$TMP/out.cmake-static"

# ---- the short names of issuing bodies (issue 16) ------------------------
# Installed beside the lexicon, and the installed list is the one read: a name
# added there is known to the installed baogao-query.
check "installed share/baogao/bodies.txt" [ -e "$P/share/baogao/bodies.txt" ]
printf '曲江区府\t韶关市曲江区人民政府\n' >>"$P/share/baogao/bodies.txt"
"$P/bin/baogao-query" --db "$TMP/db" --body 曲江区府 电子证照 >"$TMP/out.bodies" 2>&1
check "the installed bodies.txt is read (--body 曲江区府)" grep -q '【电子证照】' "$TMP/out.bodies"

finish
