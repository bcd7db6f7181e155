#!/usr/bin/env bash
# Builds the fuzz harness (fuzz/README.md), installing what it needs; idempotent.
#   1. Debian packages: afl++ (afl-fuzz, afl-cmin, afl-tmin) and libjpeg-turbo-progs (cjpeg, for the JPEG seeds).
#   2. The pinned SharpFuzz.CommandLine tool (.config/dotnet-tools.json: `dotnet sharpfuzz`).
#   3. dotnet publish of fuzz/PEMN.Fuzz (Release) into fuzz/out/, then SharpFuzz's AFL instrumentation of PEMN.dll there
#      (only the library: the harness, the runtime and System.Text.Json are not instrumented).
#   4. The seeds of every target (fuzz/make-seeds.py) into fuzz/seeds/.
# Output: fuzz/out/PEMN.Fuzz.dll; run a target with fuzz/run.sh TARGET MINUTES.
set -euo pipefail
FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ")"
OUT="$FUZZ/out"
PACKAGES=(afl++ libjpeg-turbo-progs)
APT_LOCK_WAIT=600   # seconds: another apt-get (a set-up elsewhere on the machine) may hold the lock for a while

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  as_root=(); [[ $(id -u) -eq 0 ]] || as_root=(sudo)
  echo "fuzz/build: installing ${missing[*]}"
  "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=$APT_LOCK_WAIT update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$APT_LOCK_WAIT install -y -qq --no-install-recommends "${missing[@]}"
fi

cd "$ROOT"
dotnet tool restore >/dev/null
rm -rf "$OUT"
dotnet publish fuzz/PEMN.Fuzz -c Release -o "$OUT" -nologo -v q -clp:ErrorsOnly
# Instrumentation rewrites PEMN.dll in place; publishing again gives a fresh copy, so this never instruments twice.
dotnet sharpfuzz "$OUT/PEMN.dll" >/dev/null
echo "fuzz/build: instrumented $OUT/PEMN.dll"
python3 fuzz/make-seeds.py | sed 's/^/fuzz\/build: seeds of /'
