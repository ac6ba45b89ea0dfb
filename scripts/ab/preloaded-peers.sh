#!/bin/bash
# libcfamalloc.so against the native peers, every one preloaded into the same C loop (preloaded-pair.c: the
# malloc-free pair, then a 64-slot churn of 16-1016 B), pinned to CPU 0, ROUNDS rounds with the allocators in turn,
# sizes 16, 256 and 4096 B for the pair; prints each allocator's medians and cfa's paired ratio to the best peer.
#   scripts/ab/preloaded-peers.sh [ROUNDS]        (default 5; needs artifacts/preload/libcfamalloc.so and the peers)
set -euo pipefail
rounds=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=/usr/lib/x86_64-linux-gnu
declare -A preload=([glibc]="" [jemalloc]=$lib/libjemalloc.so.2 [tcmalloc]=$lib/libtcmalloc_minimal.so.4
    [mimalloc]=$lib/libmimalloc.so.2 [tbb]=$lib/libtbbmalloc_proxy.so.2 [cfa]=$root/artifacts/preload/libcfamalloc.so)
for a in "${!preload[@]}"; do
    [ -z "${preload[$a]}" ] || [ -f "${preload[$a]}" ] || { echo "preloaded-peers: $a: ${preload[$a]} missing (bash scripts/setup.sh)"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/preloaded-pair" "$here/preloaded-pair.c"
echo "round,allocator,size,pair_ns,churn_ns" > "$work/times.csv"
for r in $(seq 1 "$rounds"); do
    for a in glibc jemalloc tcmalloc mimalloc tbb cfa; do
        for s in 16 256 4096; do
            read -r _ pair _ churn < <(taskset -c 0 env LD_PRELOAD="${preload[$a]}" "$work/preloaded-pair" 10000000 "$s")
            echo "$r,$a,$s,$pair,$churn" >> "$work/times.csv"
        done
    done
done
python3 - "$work/times.csv" <<'PY'
import csv, math, statistics, sys
times = {}
for row in csv.DictReader(open(sys.argv[1])):
    for metric in ("pair_ns", "churn_ns"):
        times.setdefault((metric, row["size"], row["allocator"]), {})[row["round"]] = float(row[metric])
peers = ("glibc", "jemalloc", "tcmalloc", "mimalloc", "tbb")
# The churn loop does not depend on the pair's size: the run after the 16 B pair stands for each round.
for metric, sizes in (("pair_ns", ("16", "256", "4096")), ("churn_ns", ("16",))):
    for size in sizes:
        medians = {a: statistics.median(times[(metric, size, a)].values()) for a in peers + ("cfa",)}
        best = min(peers, key=medians.get)
        cfa, peer = times[(metric, size, "cfa")], times[(metric, size, best)]
        logs = [math.log(cfa[r] / peer[r]) for r in cfa]
        mean, half = statistics.mean(logs), 2.78 * statistics.stdev(logs) / math.sqrt(len(logs))
        label = "churn 16-1016 B" if metric == "churn_ns" else f"pair {size} B"
        print(f"{label:16} cfa {medians['cfa']:.2f} ns, best {best} {medians[best]:.2f}: "
              f"{math.exp(mean):.2f} [{math.exp(mean - half):.2f}, {math.exp(mean + half):.2f}]   "
              + " ".join(f"{a} {medians[a]:.2f}" for a in peers))
PY
