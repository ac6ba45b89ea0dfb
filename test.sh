#!/usr/bin/env bash
# Runs every test of the workbench: installs what the tests need, then `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
dotnet test Workbench.sln -c Release --logger "console;verbosity=normal" "$@"
