#!/usr/bin/env bash
# The main job: installs what is missing, then runs the quick benchmark suite and prints its summary.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
dotnet run --project cli -c Release -- quick "$@"
