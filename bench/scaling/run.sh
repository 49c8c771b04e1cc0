#!/usr/bin/env bash
# bench/scaling/run.sh — what a query costs when the year shards are served by
# xapian-tcpsrv (Xapian's remote backend) instead of being opened locally:
# in-process latency (bench_query_lat: bg_search_run plus walking the 10 hits)
# over the fixed query list of bench/perf/queries.tsv, for the index opened
# locally and through stubs listing 1, 2 and 4 remote shards on loopback,
# each server holding its share of the years. Writes the table into
# docs/scaling.md (between the BEGIN/END measured markers) and the raw
# numbers into bench/out/scaling/. Never part of the test suite.
#
#   usage: bench/scaling/run.sh [BUILD_DIR] [SCALE]
#     BUILD_DIR  a configured build directory (default: build)
#     SCALE      copies of ../shared/corpus to index (bench/gen_corpus.py;
#                default 10, about 12.6 MB and 30,000 passages)
#   REPS=N       timed runs per query (default 30)
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD
BUILD=${1:-build}
SCALE=${2:-10}
REPS=${REPS:-30}
SHARED=$SRC/../shared/corpus
for tool in xapian-tcpsrv setsid python3; do
    command -v $tool >/dev/null || { echo "bench/scaling: $tool is not installed (apt-get install xapian-tools)"; exit 2; }
done
[ -d "$SHARED" ] || { echo "bench/scaling: $SHARED is missing"; exit 2; }
cmake --build "$BUILD" --target baogao-index bench_query_lat >/dev/null
W=$(mktemp -d /tmp/baogao-scaling.XXXXXX)
OUT=$SRC/bench/out/scaling
mkdir -p "$OUT"
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$W"
}
trap cleanup EXIT

python3 "$SRC/bench/gen_corpus.py" "$SCALE" "$W/docs" "$SHARED" >/dev/null
"$BUILD/baogao-index" --db "$W/idx" --jobs 2 -q --compact "$W/docs" >/dev/null
mapfile -t SHARDS < <(cd "$W/idx/shards" && ls)
N=${#SHARDS[@]}
MB=$(du -sb "$W/docs" | awk '{printf "%.1f", $1 / 1e6}')
PASSAGES=$(python3 - "$W/idx" <<'PY'
import subprocess, sys
out = subprocess.run(["xapian-delve", sys.argv[1]], capture_output=True, text=True).stdout
print(next((l.split()[-1] for l in out.splitlines() if l.startswith("number of documents")), "?"))
PY
)

port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
    python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}
# A stub of K remote shards: the years split into K contiguous groups, each
# served by its own xapian-tcpsrv (its own session: it signals its group).
remote_stub() { # K STUB
    local k=$1 stub=$2 args=()
    for ((g = 0; g < k; g++)); do
        local from=$((g * N / k)) to=$(((g + 1) * N / k)) shards=() p
        for ((i = from; i < to; i++)); do shards+=("$W/idx/shards/${SHARDS[i]}"); done
        p=$(port)
        setsid xapian-tcpsrv --port "$p" --interface 127.0.0.1 "${shards[@]}" >"$W/tcpsrv.$p.log" 2>&1 &
        PIDS+=($!)
        wait_port "$p"
        args+=("127.0.0.1:$p")
    done
    "$BUILD/baogao-index" --stub "$stub" "${args[@]}" >/dev/null
}

measure() { # NAME DB
    "$BUILD/bench/bench_query_lat" "$2" "$SRC/bench/perf/queries.tsv" "$REPS" >"$OUT/$1.tsv"
}
measure local "$W/idx"
for k in 1 2 4; do
    remote_stub "$k" "$W/remote$k.stub"
    measure "remote$k" "$W/remote$k.stub"
done

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$OUT" "$SRC/docs/scaling.md" "$MB" "$PASSAGES" "$N" "$REPS" "$LOAD" <<'PY'
import math, os, statistics, sys, datetime
out, doc, mb, passages, n, reps, load = sys.argv[1:]
names = [("local", "local (17 glass shards)"), ("remote1", "1 remote shard"),
         ("remote2", "2 remote shards"), ("remote4", "4 remote shards")]
def rows(name):
    r = {}
    for line in open(os.path.join(out, name + ".tsv")):
        label, total, wall, cpu = line.rstrip("\n").split("\t")
        w = sorted(float(x) / 1000 for x in wall.split(","))
        c = sorted(float(x) / 1000 for x in cpu.split(","))
        r[label] = (int(total), statistics.median(w), w[math.ceil(0.99 * len(w)) - 1], statistics.median(c))
    return r
data = {k: rows(k) for k, _ in names}
labels = list(data["local"])
same = all(data[k][l][0] == data["local"][l][0] for k, _ in names for l in labels)
lines = [f"Run of {datetime.date.today()}: {mb} MB of text ({passages} passages) in {n} year shards, "
         f"compacted; loopback; {reps} timed runs per query after one untimed; load average {load}. "
         f"Milliseconds per query in-process (bench_query_lat: bg_search_run plus walking the 10 hits): "
         f"median / p99 wall clock, and median CPU time of the calling thread. "
         f"Totals {'agree' if same else 'DIFFER'} across the four set-ups.", "",
         "| query | matches | " + " | ".join(t for _, t in names) + " |",
         "|---|---:|" + "---|" * len(names)]
for l in labels:
    cells = [f"{data[k][l][1]:.1f} / {data[k][l][2]:.1f} (cpu {data[k][l][3]:.1f})" for k, _ in names]
    lines.append(f"| {l} | {data['local'][l][0]} | " + " | ".join(cells) + " |")
med = [statistics.median([data[k][l][1] for l in labels]) for k, _ in names]
lines.append("| **median of the medians** | | " + " | ".join(f"**{m:.1f}**" for m in med) + " |")
text = open(doc).read()
begin, end = "<!-- BEGIN measured -->", "<!-- END measured -->"
a, b = text.index(begin) + len(begin), text.index(end)
open(doc, "w").write(text[:a] + "\n" + "\n".join(lines) + "\n" + text[b:])
print("\n".join(lines))
PY
