#!/usr/bin/env bash
# docs_test.sh — the manual pages (man/*.1) and the bash completions
# (completions/*) cannot drift from the programs: every long option that
# `PROGRAM --help` prints is described in the OPTIONS of its man page (and
# every short one too) and offered by its completion; the examples of --help
# are in the man page; every man page renders without warnings (when groff
# or man is installed; that check alone is skipped otherwise); each
# completion file is valid bash, registers a completion for its program, and
# completes option values and paths (baogao-query --col → --color=,
# --color= → always auto never).
#   usage: docs_test.sh BUILD_DIR SOURCE_DIR
# BUILD_DIR holds baogao-index, baogao-query and server/baogao-serve.
set -uo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2; exit 2; }
BUILD=$(cd "$1" && pwd) || exit 2
SRC=$(cd "$2" && pwd) || exit 2
. "$SRC/tests/lib.sh"

# check NAME COMMAND...: as lib.sh's, with what COMMAND said on stderr shown
# after its FAIL line.
check() {
    local name=$1 err
    shift
    if err=$("$@" 2>&1 >/dev/null); then
        ok "$name"
    else
        not_ok "$name"
        [ -z "$err" ] || printf '%s\n' "$err"
    fi
}

# A directory to complete file names in.
mkdir -p "$TMP/files/reports" "$TMP/files/index"
: >"$TMP/files/reports.txt"

# The long options --help prints (every --word in its text), one per line.
help_long_options() {
    grep -o -- '--[a-z][a-z-]*' "$1" | sed 's/-*$//' | sort -u
}

# The man page source as it reads: \- and \% gone, quotes as typed.
man_text() {
    sed -e 's/\\-/-/g' -e 's/\\%//g' -e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' "$1"
}

# The tag lines (after .TP or .TQ) of the OPTIONS section of a man page.
man_option_tags() {
    man_text "$1" | awk '/^\.SH / { in_opts = ($2 == "OPTIONS") }
        in_opts && (prev == ".TP" || prev == ".TQ") { print }
        { prev = $1 }'
}

# has_option OPTION: whether stdin names OPTION as a whole word.
has_option() {
    grep -Eq -- "(^|[^a-zA-Z-])$1([^a-zA-Z-]|\$)"
}

# complete_words FILE WORD...: what FILE's completion offers for the command
# line WORD... (the last word being completed), one per line, as bash calls
# it: COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set; run in
# $TMP/files without bash-completion loaded.
complete_words() {
    local file=$1
    shift
    (cd "$TMP/files" && bash --norc --noprofile -c '
        source "$1" || exit 2
        shift
        spec=$(complete -p "$1" 2>/dev/null) || exit 2
        fn=${spec#*-F }
        fn=${fn%% *}
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        "$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"' _ "$file" "$@")
}

# offers WORD... -- FILE LINE...: the completion of LINE offers every WORD.
offers() {
    local want=() w
    while [ "$1" != -- ]; do want+=("$1"); shift; done
    shift
    local got
    got=$(complete_words "$@") || { echo "     completion failed" >&2; return 1; }
    for w in "${want[@]}"; do
        grep -Fxq -- "$w" <<<"$got" || { echo "     '$w' not offered for '${*:2}': ${got//$'\n'/ }" >&2; return 1; }
    done
}

# offers_any WORD... -- FILE LINE...: the completion of LINE offers one of WORD.
offers_any() {
    local want=() w
    while [ "$1" != -- ]; do want+=("$1"); shift; done
    shift
    local got
    got=$(complete_words "$@") || return 1
    for w in "${want[@]}"; do
        grep -Fxq -- "$w" <<<"$got" && return 0
    done
    echo "     none of ${want[*]} offered for '${*:2}': ${got//$'\n'/ }" >&2
    return 1
}

# offers_nothing FILE LINE...
offers_nothing() {
    local got
    got=$(complete_words "$@") || return 1
    [ -z "$got" ] || { echo "     offered for '${*:2}': ${got//$'\n'/ }" >&2; return 1; }
}

# Rendering: groff directly (-ww: all warnings) and man-db, when installed.
RENDERERS=
command -v groff >/dev/null && RENDERERS="groff"
command -v man >/dev/null && man --version 2>/dev/null | grep -q '^man ' && RENDERERS="$RENDERERS man"
[ -n "$RENDERERS" ] || echo "skip rendering checks: neither groff nor man is installed"

renders_cleanly() {
    local page=$1 how=$2 err
    case $how in
    groff) err=$(groff -k -man -Tutf8 -ww -z "$page" 2>&1 >/dev/null) ;;
    man) err=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) ;;
    esac
    [ -z "$err" ] || { echo "$err" | sed 's/^/     /' >&2; return 1; }
}

for prog in baogao-index baogao-query baogao-serve; do
    case $prog in
    baogao-serve) bin=$BUILD/server/$prog ;;
    *) bin=$BUILD/$prog ;;
    esac
    page=$SRC/man/$prog.1
    comp=$SRC/completions/$prog

    if "$bin" --help >"$TMP/$prog.help" 2>&1 && [ -s "$TMP/$prog.help" ]; then
        ok "$prog --help"
    else
        not_ok "$prog --help" "$bin --help failed"
        continue
    fi
    help_long_options "$TMP/$prog.help" >"$TMP/$prog.longopts"
    check "$prog --help lists long options" test -s "$TMP/$prog.longopts"

    # -- man page ----------------------------------------------------------
    if [ -f "$page" ]; then
        ok "$prog.1 exists"
        man_option_tags "$page" >"$TMP/$prog.tags"
        missing=
        while read -r opt; do
            has_option "$opt" <"$TMP/$prog.tags" || missing="$missing $opt"
        done <"$TMP/$prog.longopts"
        # Short options: "  -j, --jobs N" lines of --help.
        sed -n 's/^ *\(-[a-zA-Z]\), --.*/\1/p' "$TMP/$prog.help" >"$TMP/$prog.shortopts"
        while read -r opt; do
            has_option "$opt" <"$TMP/$prog.tags" || missing="$missing $opt"
        done <"$TMP/$prog.shortopts"
        if [ -z "$missing" ]; then
            ok "$prog.1 describes every option of --help ($(wc -l <"$TMP/$prog.longopts") long, $(wc -l <"$TMP/$prog.shortopts") short)"
        else
            not_ok "$prog.1 describes every option of --help" "missing in OPTIONS:$missing"
        fi
        # The examples of --help, each as a line of the man page.
        sed -n '/^Examples:/,/^$/s/^  \(baogao-[a-z]* .*\)/\1/p' "$TMP/$prog.help" >"$TMP/$prog.examples"
        if [ -s "$TMP/$prog.examples" ]; then
            man_text "$page" >"$TMP/$prog.mantext"
            missing=
            while IFS= read -r line; do
                grep -Fxq -- "$line" "$TMP/$prog.mantext" || missing="$missing
     $line"
            done <"$TMP/$prog.examples"
            if [ -z "$missing" ]; then
                ok "$prog.1 has the examples of --help ($(wc -l <"$TMP/$prog.examples"))"
            else
                not_ok "$prog.1 has the examples of --help" "missing:$missing"
            fi
        fi
        for how in $RENDERERS; do
            check "$prog.1 renders without warnings ($how)" renders_cleanly "$page" "$how"
        done
    else
        not_ok "$prog.1 exists" "no $page"
    fi

    # -- bash completion ---------------------------------------------------
    if [ -f "$comp" ]; then
        ok "completions/$prog exists"
        check "completions/$prog is valid bash (bash -n)" bash -n "$comp"
        spec=$(bash --norc --noprofile -c 'source "$1" && complete -p "$2"' _ "$comp" "$prog" 2>&1)
        case $spec in
        "complete -F "*" $prog") ok "completions/$prog registers a completion ($spec)" ;;
        *) not_ok "completions/$prog registers a completion" "$spec" ;;
        esac
        offered=$(complete_words "$comp" "$prog" --) || offered=
        missing=
        while read -r opt; do
            grep -Eq -- "^$opt=?\$" <<<"$offered" || missing="$missing $opt"
        done <"$TMP/$prog.longopts"
        if [ -z "$missing" ]; then
            ok "completions/$prog offers every long option of --help"
        else
            not_ok "completions/$prog offers every long option of --help" "not offered for '$prog --':$missing"
        fi
    else
        not_ok "completions/$prog exists" "no $comp"
    fi
done

# -- what the completions offer ------------------------------------------------
Q=$SRC/completions/baogao-query
I=$SRC/completions/baogao-index
S=$SRC/completions/baogao-serve
if [ -f "$Q" ]; then
    check "baogao-query --col offers --color" offers_any --color= --color -- "$Q" baogao-query --col
    # bash splits "--color=" at '=' (COMP_WORDBREAKS): --color, =, and the value.
    check "baogao-query --color= offers always auto never" \
        offers always auto never -- "$Q" baogao-query --color =
    check "baogao-query --color=a offers always auto" offers always auto -- "$Q" baogao-query --color = a
    check "baogao-query --color=n offers never" offers never -- "$Q" baogao-query --color = n
    check "baogao-query --color=x offers nothing" offers_nothing "$Q" baogao-query --color = x
    # Without '=' in COMP_WORDBREAKS the word stays whole.
    check "baogao-query --color= (one word) offers always auto never" \
        offers --color=always --color=auto --color=never -- "$Q" baogao-query --color=
    check "baogao-query --color (next word) offers always auto never" \
        offers always auto never -- "$Q" baogao-query --color ""
    check "baogao-query --format offers tsv csv" offers tsv csv -- "$Q" baogao-query --format ""
    check "baogao-query --db completes paths" offers index reports.txt -- "$Q" baogao-query --db ""
    check "baogao-query --like completes files" offers reports.txt -- "$Q" baogao-query --like rep
    check "baogao-query QUERY offers nothing" offers_nothing "$Q" baogao-query 减税 ""
    check "baogao-query words offer no file names" offers_nothing "$Q" baogao-query rep
    check "baogao-query --limit N offers nothing" offers_nothing "$Q" baogao-query --limit ""
    check "baogao-query after -- offers no options" offers_nothing "$Q" baogao-query -- --c
    check "baogao-query -企业 (an exclusion) offers nothing" offers_nothing "$Q" baogao-query 减税 -企业
fi
if [ -f "$I" ]; then
    check "baogao-index FILE_OR_DIR completes paths" offers reports reports.txt -- "$I" baogao-index rep
    check "baogao-index --db completes directories" offers index reports -- "$I" baogao-index --db ""
    check "baogao-index --db offers no files" offers_nothing "$I" baogao-index --db reports.
    check "baogao-index --lexicon completes files" offers reports.txt -- "$I" baogao-index --lexicon reports.
    check "baogao-index --stub completes files" offers reports.txt -- "$I" baogao-index --stub reports.
    check "baogao-index --ke offers --keep-missing" offers --keep-missing -- "$I" baogao-index --ke
fi
if [ -f "$S" ]; then
    check "baogao-serve offers its options" offers --db --listen --threads -- "$S" baogao-serve ""
    check "baogao-serve --db completes paths" offers index -- "$S" baogao-serve --db ind
    check "baogao-serve --listen offers nothing" offers_nothing "$S" baogao-serve --listen ""
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
