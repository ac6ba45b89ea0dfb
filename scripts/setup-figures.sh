#!/usr/bin/env bash
# Installs what the figures and the notebooks need; safe to run again (each step is skipped when done).
#   Chromium (Debian package chromium): renders SVG, PNG and PDF figures. Optional: without it HTML figures
#     are still written and notebooks fall back to interactive charts; one line says so.
#   Jupyter (Debian packages jupyter-notebook, jupyter-nbconvert, python3-nbconvert): the Jupyter route, and the
#     nbconvert run of scripts/run-notebooks.sh. Installed when root; otherwise one line names the packages.
#   dotnet-repl and dotnet-interactive, pinned in .config/dotnet-tools.json: dotnet-repl runs the notebooks headlessly
#     (scripts/run-notebooks.sh); dotnet-interactive is the .NET kernel for Jupyter, installed into
#     artifacts/jupyter/kernels (use it with JUPYTER_PATH=artifacts/jupyter; see docs/notebooks.md).
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

# Debian packages installed when root (the package list refreshed once if the first try fails), else one line.
apt_install() {
  local log=/tmp/setup-figures-apt.log
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$log" 2>&1 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$log" 2>&1
}

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt_install chromium || true
  fi
  if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null 2>&1; then
    echo "setup-figures: Chromium missing (Debian package chromium): SVG/PNG/PDF figures are skipped, HTML figures still written"
  fi
fi

jupyter_packages=(jupyter-notebook jupyter-nbconvert python3-nbconvert)
if ! command -v jupyter-nbconvert >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt_install "${jupyter_packages[@]}" || true
  fi
  if ! command -v jupyter-nbconvert >/dev/null 2>&1; then
    echo "setup-figures: Jupyter missing (Debian packages ${jupyter_packages[*]}; install them as root): the nbconvert run of scripts/run-notebooks.sh is skipped"
  fi
fi

dotnet tool restore >/dev/null

# The .NET kernel for Jupyter, from the pinned dotnet-interactive, into artifacts/jupyter/kernels (not the user's
# Jupyter folders). Its kernel spec runs `dotnet interactive jupyter ...`, which finds the pinned local tool from the
# notebook's folder; --http-local-only (an option of the kernel, not of `install`) keeps its HTTP port off the network.
kernels=artifacts/jupyter/kernels
if ! grep -q -- --http-local-only "$kernels/.net-csharp/kernel.json" 2>/dev/null; then
  rm -rf "$kernels"
  mkdir -p "$kernels"
  dotnet interactive jupyter install --path "$kernels" >/tmp/setup-figures-kernel.log 2>&1 || {
    echo "setup-figures: the .NET kernel for Jupyter was not installed (see /tmp/setup-figures-kernel.log)"; }
  for spec in "$kernels"/.net-*/kernel.json; do
    [ -f "$spec" ] || continue
    python3 - "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
argv = spec["argv"]
if "--http-local-only" not in argv:
    argv.insert(argv.index("{connection_file}") + 1, "--http-local-only")
json.dump(spec, open(sys.argv[1], "w"), indent=2)
PY
  done
fi

if [ "$publish" = 1 ]; then
  dotnet publish lib/Figures/Workbench.Figures.csproj -c Release -o artifacts/notebooks/lib -v quiet -nologo >/dev/null
  dotnet publish cli/Workbench.Cli.csproj -c Release -o artifacts/notebooks/cli -v quiet -nologo >/dev/null
fi
