#!/usr/bin/env bash
# Runs every test of the workbench: installs what the tests need, runs the xunit suites of every
# project (Workbench.Slurm.Tests starts a one-node Slurm cluster of its own, scripts/slurm-cluster.sh,
# and skips with the reason where it cannot), then executes every notebook in quick mode (a notebook broken by a library change fails
# here). Ends with one line that sums the tests: "total: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test Workbench.sln -c Release "$@" 2>&1 | tee "$log"
unit=${PIPESTATUS[0]}

bash scripts/run-notebooks.sh 2>&1 | tee -a "$log"
notebooks=${PIPESTATUS[0]}

# Sum the "Passed!/Failed!  - Failed: F, Passed: P, ..." line of each test assembly and the notebooks' line.
read -r passed failed < <(awk '
  /^(Passed|Failed)! +- Failed: / { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1) } }
  /^notebooks: [0-9]+ passed, [0-9]+ failed/ { p += $2; f += $4 }
  END { print p + 0, f + 0 }' "$log")
[ "$unit" = 0 ] && [ "$notebooks" = 0 ] || failed=$((failed > 0 ? failed : 1))
echo "total: $passed passed, $failed failed"
[ "$unit" = 0 ] && [ "$notebooks" = 0 ]
