#!/usr/bin/env bash
# trend_time.sh — what a trend costs: `baogao-query --trend Q --json` of one
# or two builds over one index, each query run RUNS times (builds
# interleaved, after one untimed warm-up run each), the median wall-clock
# time printed as a Markdown table with the load average (1 minute) read
# before each row. Queries are those of the table in docs/years.md
# ("Trends", cost) unless given, one per argument after --, each with its
# options ("发展 --body 国务院").
#
#   usage: bench/perf/trend_time.sh INDEX RUNS BASE_QUERY [NEW_QUERY] [-- 'Q [OPTS]'...]
set -u
db=$1 runs=$2 base=$3
shift 3
new=
if [[ $# -gt 0 && $1 != -- ]]; then new=$1; shift; fi
[[ $# -gt 0 && $1 == -- ]] && shift
if [[ $# -eq 0 ]]; then
    set -- "发展" "改革" "营商环境" "电子证照" "新质生产力" "科技 创新 发展" "发展 --body 国务院" \
        "营商环境 --body 国务院" "发展 --by-body"
fi
# The median of the times (ms) given, one per line.
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
ms() {   # ms PROGRAM QUERY OPTS...: wall-clock milliseconds of one run
    local p=$1 q=$2; shift 2
    local t0 t1
    t0=$(date +%s%N)
    "$p" --db "$db" --trend "$q" "$@" --json >/dev/null 2>&1
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}
if [[ -n $new ]]; then
    echo "| query | before (ms) | after (ms) | load (1 min) |"
    echo "|---|---:|---:|---:|"
else
    echo "| query | ms | load (1 min) |"
    echo "|---|---:|---:|"
fi
for spec in "$@"; do
    read -r -a words <<<"$spec"
    # The query is the words before the first option.
    q= opts=()
    for w in "${words[@]}"; do
        if [[ ${#opts[@]} -gt 0 || $w == --* ]]; then opts+=("$w"); else q=${q:+$q }$w; fi
    done
    load=$(cut -d' ' -f1 /proc/loadavg)
    ms "$base" "$q" "${opts[@]}" >/dev/null
    [[ -n $new ]] && ms "$new" "$q" "${opts[@]}" >/dev/null
    a=() b=()
    for ((i = 0; i < runs; i++)); do
        a+=("$(ms "$base" "$q" "${opts[@]}")")
        [[ -n $new ]] && b+=("$(ms "$new" "$q" "${opts[@]}")")
    done
    if [[ -n $new ]]; then
        echo "| \`$spec\` | $(printf '%s\n' "${a[@]}" | median) | $(printf '%s\n' "${b[@]}" | median) | $load |"
    else
        echo "| \`$spec\` | $(printf '%s\n' "${a[@]}" | median) | $load |"
    fi
done
