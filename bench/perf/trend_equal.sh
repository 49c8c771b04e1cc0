#!/usr/bin/env bash
# trend_equal.sh — do two builds give the same trends? Runs
# `baogao-query --trend Q --json` of each build over one index for every
# query of a list, plain and with --by-body, --body 国务院, --year 2015..2020,
# --kind measure and --kind 报告, and compares the outputs byte for byte
# (issue #18: counting occurrences from the index's terms must not change
# a number).
#
#   usage: bench/perf/trend_equal.sh BASE_QUERY NEW_QUERY INDEX [QUERIES]
#     BASE_QUERY, NEW_QUERY  two baogao-query programs (e.g. main's build and
#                            this branch's)
#     INDEX                  the index both read (--db)
#     QUERIES                one query a line, # comments (default:
#                            bench/perf/trend_queries.txt)
# Prints one line per difference and a summary; exits 1 when any output
# differs (or a program fails where the other does not), else 0.
set -u
base=$1 new=$2 db=$3
queries=${4:-$(dirname "$0")/trend_queries.txt}
variants=("" "--by-body" "--body 国务院" "--year 2015..2020" "--kind measure" "--kind 报告")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 same=0 diff=0 base_time=0 new_time=0
while IFS= read -r q; do
    [[ -z $q || $q == \#* ]] && continue
    for v in "${variants[@]}"; do
        # shellcheck disable=SC2086  # a variant is several words
        t0=$(date +%s%N)
        "$base" --db "$db" --trend "$q" $v --json >"$tmp/a" 2>"$tmp/a.err"
        ra=$?
        t1=$(date +%s%N)
        "$new" --db "$db" --trend "$q" $v --json >"$tmp/b" 2>"$tmp/b.err"
        rb=$?
        t2=$(date +%s%N)
        base_time=$((base_time + (t1 - t0) / 1000000))
        new_time=$((new_time + (t2 - t1) / 1000000))
        n=$((n + 1))
        if [[ $ra == "$rb" ]] && cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/a.err" "$tmp/b.err"; then
            same=$((same + 1))
        else
            diff=$((diff + 1))
            echo "DIFFERS: --trend '$q' $v (exit $ra / $rb)"
            diff <(head -c 2000 "$tmp/a"; cat "$tmp/a.err") <(head -c 2000 "$tmp/b"; cat "$tmp/b.err") | head -6
        fi
    done
done <"$queries"
echo "trend_equal: $n runs ($(grep -cv '^#\|^$' "$queries") queries x ${#variants[@]} variants) over $db:" \
    "$same identical, $diff different; base ${base_time} ms, new ${new_time} ms in all"
[[ $diff == 0 ]]
