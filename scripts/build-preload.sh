#!/usr/bin/env bash
# Builds artifacts/preload/libcfamalloc.so, cfa-malloc as the malloc of any program (LD_PRELOAD): lib/Allocator and
# lib/Preload compiled ahead of time by NativeAOT (the ILCompiler package comes from NuGet through the SDK), linked
# with gcc (Debian package gcc; clang is used instead when /usr/bin/clang exists). Skips the build when the library
# is newer than every source it is made of. When it cannot build, prints one line naming what is missing and exits 1.
set -uo pipefail
cd "$(dirname "$0")/.."
out=artifacts/preload/libcfamalloc.so

newer=$(find lib/Allocator lib/Preload -type f \( -name '*.cs' -o -name '*.c' -o -name '*.h' -o -name '*.map' -o -name '*.csproj' \) \
  -not -path '*/obj/*' -not -path '*/bin/*' -newer "$out" 2>/dev/null | head -n 1)
if [ -f "$out" ] && [ -z "$newer" ] && [ ! Directory.Build.props -nt "$out" ]; then
  exit 0
fi

if ! command -v gcc >/dev/null 2>&1 && [ ! -x /usr/bin/clang ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null 2>&1 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null 2>&1; }
  fi
  if ! command -v gcc >/dev/null 2>&1; then
    echo "build-preload: skipped: libcfamalloc.so needs a C compiler to link (Debian package gcc)"
    exit 1
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! dotnet publish lib/Preload/Workbench.Allocator.Preload.csproj -c Release -o artifacts/preload -nologo >"$log" 2>&1; then
  echo "build-preload: dotnet publish of lib/Preload failed:"
  grep -E "error" "$log" | sort -u | head -n 20
  exit 1
fi
# The publish folder holds the library and its debug symbols; the managed files beside them are not needed.
rm -f artifacts/preload/*.pdb artifacts/preload/*.xml
touch "$out"
