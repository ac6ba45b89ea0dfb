#!/usr/bin/env bash
# Installs what trace recording and import need beyond the .NET SDK: heaptrack (workbench trace record) and zstd
# (reading heaptrack's zstd-compressed recordings: workbench trace import, the importer's test). Idempotent; when not
# root or a package cannot be installed, prints one line naming it and goes on: it never fails the run.
set -uo pipefail

packages=("heaptrack:heaptrack:workbench trace record" "zstd:zstd:reading heaptrack recordings (workbench trace import)" "sqlite3:sqlite3:the example program of docs/traces.md")
missing=()
for entry in "${packages[@]}"; do
  IFS=: read -r package program _ <<<"$entry"
  if ! command -v "$program" >/dev/null 2>&1; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u 2>/dev/null)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || true
fi
for entry in "${packages[@]}"; do
  IFS=: read -r package program purpose <<<"$entry"
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "setup: skipped: $program for $purpose (Debian package $package)"
  fi
done
exit 0
