#!/usr/bin/env bash
# Installs what the workbench needs beyond the .NET SDK. Idempotent; a piece that cannot be
# installed is skipped with a message naming its package.
set -uo pipefail
cd "$(dirname "$0")/.."
dotnet restore Workbench.sln >/dev/null || { echo "setup: dotnet restore failed" >&2; exit 1; }

# Peer allocators for the benchmark suite (optional: a missing one is skipped by the suite).
# Debian package -> the shared library the workbench loads.
peers=(
  "libjemalloc2:libjemalloc.so.2:jemalloc"
  "libtcmalloc-minimal4:libtcmalloc_minimal.so.4:tcmalloc"
  "libmimalloc2.0:libmimalloc.so.2:mimalloc"
  "libtbbmalloc2:libtbbmalloc.so.2:tbb"
)
missing=()
for entry in "${peers[@]}"; do
  package="${entry%%:*}"
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    updated=0
    for package in "${missing[@]}"; do
      if [ "$updated" = "0" ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
        updated=1
      fi
      if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null 2>&1; then
        :
      fi
    done
  fi
  for entry in "${peers[@]}"; do
    IFS=: read -r package library name <<<"$entry"
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      echo "setup: skipped: the $name allocator, $library (Debian package $package)"
    fi
  done
fi

# Slurm and munge, for `workbench sweep --slurm` and its tests' one-node cluster (scripts/slurm-cluster.sh).
for package in slurm-wlm munge; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null 2>&1 \
        || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null 2>&1; }
    fi
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || echo "setup: skipped: Slurm for sweeps on a cluster and its tests (Debian package $package)"
  fi
done

# cfa-malloc as a preloadable library (artifacts/preload/libcfamalloc.so), and the real programs that run on it.
bash scripts/build-preload.sh || echo "setup: skipped: the preloaded cfa-malloc (scripts/build-preload.sh); programs run on the other allocators"
bash scripts/setup-programs.sh
# The cfa-aot allocator entry's trial process, the trial code compiled ahead of time (NativeAOT).
bash scripts/build-trialhost.sh || echo "setup: skipped: the cfa-aot trial host (scripts/build-trialhost.sh); cfa-aot is listed as unavailable"

# Traces (heaptrack, zstd), figures and notebooks (Chromium, dotnet-repl, the published libraries).
bash scripts/setup-traces.sh
bash scripts/setup-figures.sh --no-publish || echo "setup: figures and notebooks set-up failed (scripts/setup-figures.sh)"
exit 0
