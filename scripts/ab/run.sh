#!/bin/bash
# The A/B method of docs/results.md: builds of the workbench, each a checkout with `dotnet build cli -c Release` done
# (and scripts/build-preload.sh, for the preloaded loop), measured in ROUNDS rounds, the builds in a rotated order
# each round so that a slow phase of the machine falls on all of them; scripts/ab/compare.py pairs them by round.
#   scripts/ab/run.sh ROUNDS OUT CHECKOUT...      e.g. scripts/ab/run.sh 8 /tmp/ab ../before ../after
# Writes OUT/<bench>-<build>-<round>/results.csv (build = the checkout's folder name) and OUT/preloaded.txt.
set -euo pipefail
rounds=$1 out=$2; shift 2
builds=("$@")
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
gcc -O2 -o "$out/preloaded-pair" "$here/preloaded-pair.c"
: > "$out/preloaded.txt"
for r in $(seq 1 "$rounds"); do
    k=$(( r % ${#builds[@]} ))
    for b in "${builds[@]:$k}" "${builds[@]:0:$k}"; do
        name=$(basename "$b")
        workbench="$b/cli/bin/Release/net10.0/workbench"
        "$workbench" run speed -a cfa -t 1 --cpus 0 -s fixed:64,fixed:4096 -r 3 -o "$out/speed-$name-$r" > /dev/null
        "$workbench" run churn -a cfa,cfa-noown -t 1,2 --cpus 0,1 -r 3 -o "$out/churn-$name-$r" > /dev/null
        library="$b/artifacts/preload/libcfamalloc.so"
        if [ -f "$library" ]; then
            echo "$name $r $(LD_PRELOAD=$library taskset -c 0 "$out/preloaded-pair" 10000000)" >> "$out/preloaded.txt"
        fi
    done
done
echo "measured: python3 $here/compare.py $out $(for b in "${builds[@]}"; do printf '%s ' "$(basename "$b")"; done)"
