#!/usr/bin/env bash
# Executes every notebook in notebooks/ headlessly with dotnet-repl (pinned in .config/dotnet-tools.json) and saves
# the executed copies, outputs and charts included, in data/notebooks/executed/. Quick mode (WORKBENCH_QUICK=1) by
# default; --full runs the full-size experiments. Fails (exit 1) if any cell of any notebook fails.
#   scripts/run-notebooks.sh                      every notebook, quick
#   scripts/run-notebooks.sh 01-getting-started   some notebooks (names with or without .ipynb)
#   scripts/run-notebooks.sh --full               full size (long: minutes to hours)
#   scripts/run-notebooks.sh --no-setup           skip scripts/setup-figures.sh (the libraries are already published)
#   scripts/run-notebooks.sh --jobs 2             two notebooks at a time (default 1: trials are timed, and the machine has 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=1
setup=1
jobs=1
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --full) quick=0 ;;
    --no-setup) setup=0 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift ;;
    -*) echo "run-notebooks: unknown option '$1' (use --full, --no-setup, --jobs N, or notebook names)" >&2; exit 2 ;;
    *) names+=("${1%.ipynb}") ;;
  esac
  shift
done
if [ ${#names[@]} -eq 0 ]; then
  for nb in notebooks/*.ipynb; do names+=("$(basename "$nb" .ipynb)"); done
fi

# The notebooks reference the published libraries: publish the current code first, so that a library change that
# breaks a notebook fails here.
if [ "$setup" = 1 ]; then
  bash scripts/setup-figures.sh
fi

out="$root/data/notebooks/executed"
logs="$out/logs"
mkdir -p "$out" "$logs"   # dotnet-repl crashes when the output folder does not exist
export WORKBENCH_QUICK=$quick

# Runs one notebook; its verdict goes to $logs/NAME.result (first line ok/FAILED, then the failed cells).
run_one() {
  local name=$1 t0 t1 rc=0 errors
  t0=$(date +%s)
  if [ ! -f "notebooks/$name.ipynb" ]; then
    printf 'FAILED %s (no notebook notebooks/%s.ipynb)\n' "$name" "$name" >"$logs/$name.result"
    return
  fi
  rm -f "$out/$name.ipynb" "$logs/$name.charts"
  # dotnet-repl resolves relative paths against its current folder: run it from notebooks/.
  (cd notebooks && dotnet repl --run "$name.ipynb" --exit-after-run --output-path "$out/$name.ipynb") >"$logs/$name.log" 2>&1 || rc=$?
  # Exit code 2 means a cell failed; the executed copy's error outputs say which.
  errors=$(python3 - "$out/$name.ipynb" "$logs/$name.charts" <<'PY'
import json, sys
try:
    nb = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"no executed copy ({e.__class__.__name__})"); sys.exit(0)
charts = 0
for i, cell in enumerate(nb.get("cells", [])):
    source = "".join(cell.get("source", []))
    drawn = False
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            text = (o.get("evalue") or o.get("ename") or "error").strip().splitlines()
            print(f"cell {i + 1}: {text[0][:300] if text else 'error'}")
        html = o.get("data", {}).get("text/html", "")
        html = "".join(html) if isinstance(html, list) else html
        if "<svg" in html or "Plotly.newPlot" in html:
            drawn = True
    charts += drawn
    # A cell whose value is a chart must show it (an SVG, or a plotly.js div in interactive mode).
    last = source.strip().splitlines()[-1] if source.strip() else ""
    if cell.get("cell_type") == "code" and last.startswith("Charts.") and not drawn:
        print(f"cell {i + 1}: no chart rendered")
with open(sys.argv[2], "w") as f:
    f.write(str(charts))
PY
)
  t1=$(date +%s)
  if [ "$rc" = 0 ] && [ -z "$errors" ]; then
    printf 'ok     %s (%s s, %s charts)\n' "$name" "$((t1 - t0))" "$(cat "$logs/$name.charts" 2>/dev/null || echo 0)" >"$logs/$name.result"
  else
    { printf 'FAILED %s (%s s, dotnet-repl exit %s; log: %s)\n' "$name" "$((t1 - t0))" "$rc" "${logs#$root/}/$name.log"
      [ -n "$errors" ] && printf '%s\n' "$errors" | sed 's/^/       /'; } >"$logs/$name.result"
  fi
}

start=$(date +%s)
running=0
for name in "${names[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_one "$name" &
  running=$((running + 1))
done
wait || true

passed=0
failed=0
for name in "${names[@]}"; do
  cat "$logs/$name.result"
  if head -n1 "$logs/$name.result" | grep -q '^ok '; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "executed copies in ${out#$root/}/ ($(( $(date +%s) - start )) s, quick=$quick)"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" = 0 ]
