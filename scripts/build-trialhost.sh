#!/usr/bin/env bash
# Builds artifacts/trialhost/workbench-trialhost, the trial process of the cfa-aot allocator entry: the code of
# `workbench trial` (lib/Benchmarks, lib/Allocator) compiled ahead of time by NativeAOT (lib/TrialHost; the ILCompiler
# package comes from NuGet through the SDK), linked with gcc (Debian package gcc; clang is used instead when
# /usr/bin/clang exists). Skips the build when the program is newer than every source it is made of. When it cannot
# build, prints one line naming what is missing and exits 1 (cfa-aot is then listed as unavailable, with this script).
set -uo pipefail
cd "$(dirname "$0")/.."
out=artifacts/trialhost/workbench-trialhost

newer=$(find lib/Allocator lib/Benchmarks lib/TrialHost -type f \( -name '*.cs' -o -name '*.csproj' \) \
  -not -path '*/obj/*' -not -path '*/bin/*' -newer "$out" 2>/dev/null | head -n 1)
if [ -f "$out" ] && [ -z "$newer" ] && [ ! Directory.Build.props -nt "$out" ]; then
  exit 0
fi

if ! command -v gcc >/dev/null 2>&1 && [ ! -x /usr/bin/clang ]; then
  echo "build-trialhost: skipped: the cfa-aot trial host needs a C compiler to link (Debian package gcc)"
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
if ! dotnet publish lib/TrialHost/Workbench.TrialHost.csproj -c Release -o artifacts/trialhost -nologo >"$log" 2>&1; then
  echo "build-trialhost: dotnet publish of lib/TrialHost failed (the cfa-aot trial host is not built):"
  grep -E "error" "$log" | sort -u | head -n 20
  exit 1
fi
# The publish folder holds the program and its debug symbols; the managed files beside them are not needed.
rm -f artifacts/trialhost/*.pdb artifacts/trialhost/*.xml
touch "$out"
echo "build-trialhost: built $out in $(( $(date +%s) - start )) s"
