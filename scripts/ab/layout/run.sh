#!/bin/bash
# The layout experiment of docs/results.md ("The tight pair's layout question"; Program.cs says what it measures).
# Builds it, then, on CPU 0:
#   1. for each size (default 16 64 256 4096), the pair on blocks at every offset within a page, with tiered
#      compilation off as in the workbench's trial processes: OUT/layout-SIZE.csv, and each size's spread printed;
#   2. the pair at 16, 64 and 4 KiB in PROCESSES separate processes (default 8) under each tiering setting (off, the
#      default, on-stack replacement off), both loop shapes: OUT/processes.txt.
# OUT is data/runs/layout-tight-pair unless the first argument is a folder path.
#   scripts/ab/layout/run.sh [OUT] [SIZE...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=data/runs/layout-tight-pair
if [ $# -gt 0 ] && [[ "$1" == */* ]]; then out=$1; shift; fi
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(16 64 256 4096)
processes=${PROCESSES:-8}
mkdir -p "$out"
dotnet build "$here/Layout.csproj" -c Release -o "$here/bin/out" > /dev/null
program=("dotnet" "$here/bin/out/Layout.dll")
for s in "${sizes[@]}"; do
    DOTNET_TieredCompilation=0 taskset -c 0 "${program[@]}" "$s" > "$out/layout-$s.csv"
    python3 - "$out/layout-$s.csv" <<'PY'
import sys
rows=[l.split(',') for l in open(sys.argv[1]) if l[0].isdigit()]
v=sorted(float(r[1]) for r in rows)
slow=sorted(int(r[0]) for r in rows if float(r[1]) > 1.1 * v[len(v)//2])
print(f"{sys.argv[1]}: {len(v)} blocks, ns per pair min {v[0]:.2f} median {v[len(v)//2]:.2f} max {v[-1]:.2f}; over 1.1 x the median at page offsets {slow}")
PY
done
: > "$out/processes.txt"
for setting in DOTNET_TieredCompilation=0 DOTNET_TieredCompilation=1 DOTNET_TC_OnStackReplacement=0; do
    for p in $(seq 1 "$processes"); do
        echo "$setting $(env "$setting" taskset -c 0 "${program[@]}" sizes 16,64,4096)" | tee -a "$out/processes.txt"
    done
done
echo "commit $(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet HEAD -- . || echo -dirty)" > "$out/commit.txt"
