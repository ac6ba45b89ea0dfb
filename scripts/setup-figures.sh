#!/usr/bin/env bash
# Installs what the figures and the notebooks need; safe to run again (each step is skipped when done).
#   Chromium (Debian package chromium): renders SVG, PNG and PDF figures. Optional: without it HTML figures
#     are still written and notebooks fall back to interactive charts; one line says so.
#   dotnet-repl, pinned in .config/dotnet-tools.json: runs the notebooks headlessly (scripts/run-notebooks.sh).
#   The notebooks' libraries: lib/Figures (with Benchmarks and Allocator) published to artifacts/notebooks/lib,
#     the workbench program (each trial's process) to artifacts/notebooks/cli.
# Options: --no-publish skips the publish step (e.g. when only the tools are wanted).
set -euo pipefail
cd "$(dirname "$0")/.."

publish=1
for arg in "$@"; do
  case "$arg" in
    --no-publish) publish=0 ;;
    *) echo "setup-figures: unknown option '$arg' (use --no-publish)" >&2; exit 2 ;;
  esac
done

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/tmp/setup-figures-apt.log 2>&1; then
      # The package list may be stale: refresh it once and try again.
      DEBIAN_FRONTEND=noninteractive apt-get update -q >>/tmp/setup-figures-apt.log 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >>/tmp/setup-figures-apt.log 2>&1 || true
    fi
  fi
  if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then
    echo "setup-figures: Chromium missing (Debian package chromium): SVG/PNG/PDF figures are skipped, HTML figures still written"
  fi
fi

dotnet tool restore >/dev/null

if [ "$publish" = 1 ]; then
  dotnet publish lib/Figures/Workbench.Figures.csproj -c Release -o artifacts/notebooks/lib -v quiet -nologo >/dev/null
  dotnet publish cli/Workbench.Cli.csproj -c Release -o artifacts/notebooks/cli -v quiet -nologo >/dev/null
fi
