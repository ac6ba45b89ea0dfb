#!/usr/bin/env bash
# Installs what the program benchmark needs: GNU time (Debian package time), which measures each run, and the
# Debian packages of every real program (the "packages:" line of each data/programs/*.yaml). Idempotent; when not
# root or a package cannot be installed, prints one line naming it and goes on: a missing program is skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

wanted=(time)
for file in data/programs/*.yaml; do
  line=$(grep -E '^packages:' "$file" | head -n 1)
  for package in ${line#packages:}; do
    wanted+=("$package")
  done
done
mapfile -t wanted < <(printf '%s\n' "${wanted[@]}" | sort -u)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for package in "${wanted[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    for package in "${missing[@]}"; do
      apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1 || true
    done
  fi
fi
for package in "${missing[@]}"; do
  installed "$package" || echo "setup: skipped: real programs that need the Debian package $package"
done
exit 0
