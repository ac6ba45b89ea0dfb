#!/usr/bin/env bash
# Executes every notebook in notebooks/ headlessly with dotnet-repl (pinned in .config/dotnet-tools.json) and saves
# the executed copies, outputs and charts included, in data/notebooks/executed/; then executes one notebook
# (01-getting-started) again through Jupyter's own nbconvert with the .NET kernel (the route users of Jupyter take),
# into data/notebooks/executed/jupyter/; and the notebooks of tests/notebooks, whose cells marked "// expected error:"
# must each fail with that one line (how a mistake shows in a notebook). Quick mode (WORKBENCH_QUICK=1) by default; --full runs the full-size
# experiments. Each executed copy is checked: no cell failed, every chart cell drew its chart, every chart has both
# axis titles, and no output is <null>. Fails (exit 1) if any check of any notebook fails.
#   scripts/run-notebooks.sh                      every notebook, quick, tests/notebooks, and 01 through nbconvert
#   scripts/run-notebooks.sh 01-getting-started   some notebooks (names with or without .ipynb; no nbconvert or tests/notebooks run)
#   scripts/run-notebooks.sh --full               full size (long: minutes to hours)
#   scripts/run-notebooks.sh --no-setup           skip scripts/setup-figures.sh (the libraries are already published)
#   scripts/run-notebooks.sh --jobs 2             two notebooks at a time (default 1: trials are timed, and the machine has 2 cores)
#   scripts/run-notebooks.sh --jupyter NAME       run NAME through nbconvert (also with names given; --jupyter none: no nbconvert run)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=1
setup=1
jobs=1
names=()
jupyter=""
checks=0
while [ $# -gt 0 ]; do
  case "$1" in
    --full) quick=0 ;;
    --no-setup) setup=0 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift ;;
    --jupyter) jupyter=${2:?--jupyter needs a notebook name or none}; jupyter=${jupyter%.ipynb}; shift ;;
    -*) echo "run-notebooks: unknown option '$1' (use --full, --no-setup, --jobs N, --jupyter NAME, or notebook names)" >&2; exit 2 ;;
    *) names+=("${1%.ipynb}") ;;
  esac
  shift
done
if [ ${#names[@]} -eq 0 ]; then
  for nb in notebooks/*.ipynb; do names+=("$(basename "$nb" .ipynb)"); done
  [ -n "$jupyter" ] || jupyter=01-getting-started
  checks=1
fi
[ "$jupyter" != none ] || jupyter=""

# The notebooks reference the published libraries: publish the current code first, so that a library change that
# breaks a notebook fails here.
if [ "$setup" = 1 ]; then
  bash scripts/setup-figures.sh
fi

out="$root/data/notebooks/executed"
logs="$out/logs"
mkdir -p "$out" "$out/jupyter" "$logs"   # dotnet-repl crashes when the output folder does not exist
export WORKBENCH_QUICK=$quick

# Checks an executed copy; prints one line per problem: a failed cell, a chart cell that drew nothing, a chart without
# both axis titles, a <null> output. Writes the number of charts drawn to the second argument.
check_executed() {
  python3 - "$1" "$2" <<'PY'
import json, re, sys
try:
    nb = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"no executed copy ({e.__class__.__name__})"); sys.exit(0)
charts = 0
def text(o, mime):
    t = o.get("data", {}).get(mime, "")
    return "".join(t) if isinstance(t, list) else t
for i, cell in enumerate(nb.get("cells", [])):
    source = "".join(cell.get("source", []))
    drawn = False
    # A cell that shows how a mistake looks says so: "// expected error: START". Its error must be that one line.
    expected = re.match(r"// expected error: (.+)", source.strip())
    errors = [(o.get("evalue") or o.get("ename") or "error").strip() for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if expected:
        if len(errors) != 1:
            print(f"cell {i + 1}: expected one error, found {len(errors)}")
        elif not errors[0].startswith(expected.group(1).strip()) or "\n" in errors[0] or ".cs:line" in errors[0] or " --" in errors[0]:
            print(f"cell {i + 1}: expected the one line '{expected.group(1).strip()}...', found: {errors[0][:300]!r}")
        errors = []
    for e in errors:
        lines = e.splitlines()
        print(f"cell {i + 1}: {lines[0][:300] if lines else 'error'}")
    for o in cell.get("outputs", []):
        html, plain = text(o, "text/html"), text(o, "text/plain")
        if "&lt;null&gt;" in html or plain.strip() == "<null>":
            print(f"cell {i + 1}: the output is <null> (a chart or value that is not there)")
        if "<svg" in html or "Plotly.newPlot" in html:
            drawn = True
        if "<svg" in html:
            # plotly's SVG: every chart names its axes (xtitle/ytitle, x2title... in small multiples).
            for axis in ("x", "y"):
                if not re.search(rf'class="{axis}\d*title"[^>]*>[^<]+<', html):
                    print(f"cell {i + 1}: a chart without a {axis} axis title")
    charts += drawn
    # A cell whose value is a chart must show it (an SVG, or a plotly.js div in interactive mode).
    last = source.strip().splitlines()[-1] if source.strip() else ""
    if cell.get("cell_type") == "code" and last.startswith("Charts.") and not drawn:
        print(f"cell {i + 1}: no chart rendered")
with open(sys.argv[2], "w") as f:
    f.write(str(charts))
PY
}

# Runs one notebook with dotnet-repl (or, as "jupyter:NAME", with Jupyter's nbconvert); its verdict goes to
# $logs/ID.result (first line ok/FAILED/skipped, then the problems).
run_one() {
  local id=$1 name=${1#jupyter:} t0 t1 rc=0 errors copy how log
  t0=$(date +%s)
  local file="$name.ipynb"
  case "$id" in check:*) name=${id#check:}; file="../tests/notebooks/$name.ipynb" ;; esac
  if [ ! -f "notebooks/$file" ]; then
    printf 'FAILED %s (no notebook %s)\n' "$name" "notebooks/$file" >"$logs/${id/:/-}.result"
    return
  fi
  if [ "$id" != "jupyter:$name" ]; then
    copy="$out/$name.ipynb" how="dotnet-repl" log="$logs/$name.log"
    rm -f "$copy"
    # dotnet-repl resolves relative paths against its current folder: run it from notebooks/.
    (cd notebooks && dotnet repl --run "$file" --exit-after-run --output-path "$copy") >"$log" 2>&1 || rc=$?
    # A notebook of expected errors ends with exit code 2 (a cell failed): the check says whether they were the right ones.
    [ "$id" = "check:$name" ] && [ "$rc" = 2 ] && rc=0
  else
    copy="$out/jupyter/$name.ipynb" how="jupyter nbconvert" log="$logs/jupyter-$name.log"
    rm -f "$copy"
    if ! command -v jupyter-nbconvert >/dev/null 2>&1 || [ ! -f artifacts/jupyter/kernels/.net-csharp/kernel.json ]; then
      printf 'skipped %s through jupyter nbconvert: no jupyter-nbconvert or no .NET kernel (scripts/setup-figures.sh installs them as root: Debian packages jupyter-notebook jupyter-nbconvert python3-nbconvert)\n' "$name" >"$logs/jupyter-$name.result"
      return
    fi
    # The kernel installed into artifacts/jupyter by scripts/setup-figures.sh; it starts in the notebook's folder.
    (cd notebooks && JUPYTER_PATH="$root/artifacts/jupyter" jupyter-nbconvert --to notebook --execute --allow-errors \
      --ExecutePreprocessor.kernel_name=.net-csharp --ExecutePreprocessor.timeout=1200 \
      --output-dir "$out/jupyter" "$name.ipynb") >"$log" 2>&1 || rc=$?
  fi
  # dotnet-repl's exit code 2 means a cell failed; the executed copy's error outputs say which.
  errors=$(check_executed "$copy" "$logs/${id/:/-}.charts")
  t1=$(date +%s)
  if [ "$rc" = 0 ] && [ -z "$errors" ]; then
    printf 'ok     %s (%s, %s s, %s charts)\n' "$name" "$how" "$((t1 - t0))" "$(cat "$logs/${id/:/-}.charts" 2>/dev/null || echo 0)" >"$logs/${id/:/-}.result"
  else
    { printf 'FAILED %s (%s, %s s, exit %s; log: %s)\n' "$name" "$how" "$((t1 - t0))" "$rc" "${log#$root/}"
      [ -n "$errors" ] && printf '%s\n' "$errors" | sed 's/^/       /'; } >"$logs/${id/:/-}.result"
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
ids=("${names[@]}")
# With every notebook: the notebook of expected mistakes (tests/notebooks), each of which must show as one line.
if [ "$checks" = 1 ]; then
  for nb in tests/notebooks/*.ipynb; do
    run_one "check:$(basename "$nb" .ipynb)"
    ids+=("check:$(basename "$nb" .ipynb)")
  done
fi
# The Jupyter route after the others (its kernel would share the 2 cores with their trials).
if [ -n "$jupyter" ]; then
  run_one "jupyter:$jupyter"
  ids+=("jupyter:$jupyter")
fi

passed=0
failed=0
for id in "${ids[@]}"; do
  result="$logs/${id/:/-}.result"
  cat "$result"
  if head -n1 "$result" | grep -q '^ok '; then passed=$((passed + 1));
  elif head -n1 "$result" | grep -q '^skipped '; then :;
  else failed=$((failed + 1)); fi
done
echo "executed copies in ${out#$root/}/ ($(( $(date +%s) - start )) s, quick=$quick)"
echo "notebooks: $passed passed, $failed failed"
[ "$failed" = 0 ]
