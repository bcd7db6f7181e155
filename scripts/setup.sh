#!/usr/bin/env bash
# Installs what the workbook needs; idempotent (each step says "done" or "already in place").
# Steps: Debian packages, pinned .NET tools (.config/dotnet-tools.json), .NET Jupyter kernels,
# restore + build of the solution, the notebooks' NuGet packages, the libstdc++ fix on the NuGet cache
# copy of TorchSharp.
# Writes .state/setup.stamp; scripts/test.sh and scripts/reproduce.sh run this only when it is stale.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Debian package -> why. dataset-fashion-mnist: the real data of every CPU run; jupyter-*: the
# headless notebook runner; chromium: checks that exported notebook charts draw.
PACKAGES=(dataset-fashion-mnist jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel chromium)
KERNELS_DIR="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels"

step() { printf 'setup: %-40s %s\n' "$1" "$2"; }
fail() { echo "setup: FAILED: $*" >&2; exit 1; }

# 1. Debian packages.
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  step "Debian packages" "already in place"
else
  command -v apt-get >/dev/null || fail "not a Debian/Ubuntu system; install by hand: ${missing[*]} (Fashion-MNIST IDX files, Jupyter nbconvert/nbclient/ipykernel, Chromium)"
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; else
      fail "missing packages and not root; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fi
  else SUDO=""; fi
  $SUDO apt-get update -qq || fail "apt-get update failed (no network?); install by hand: apt-get install -y ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install failed; install by hand: apt-get install -y --no-install-recommends ${missing[*]}"
  step "Debian packages (${missing[*]})" "done"
fi

# 2. Pinned .NET tools (dotnet-interactive) from the tool manifest.
command -v dotnet >/dev/null || fail "dotnet not found; install the .NET SDK 10 (see environment.md)"
if dotnet tool run dotnet-interactive -- --version >/dev/null 2>&1; then
  step ".NET tools (.config/dotnet-tools.json)" "already in place"
else
  dotnet tool restore >/dev/null || fail "dotnet tool restore failed (no access to NuGet?); see environment.md, offline use"
  step ".NET tools (.config/dotnet-tools.json)" "done"
fi

# 3. .NET Jupyter kernels. The kernelspec runs `dotnet interactive` (the local tool: found from the
# notebook's folder inside the repository). --http-local-only keeps its HTTP side on loopback.
kernels_ok() {
  for k in csharp fsharp; do
    grep -q -- '--http-local-only' "$KERNELS_DIR/.net-$k/kernel.json" 2>/dev/null || return 1
  done
}
if kernels_ok; then
  step ".NET Jupyter kernels" "already in place"
else
  dotnet interactive jupyter install >/dev/null 2>&1 || fail "dotnet interactive jupyter install failed; is jupyter on PATH?"
  for k in csharp fsharp powershell; do
    f="$KERNELS_DIR/.net-$k/kernel.json"
    [[ -f "$f" ]] || continue
    /usr/bin/env python3 - "$f" <<'PY'
import json, sys
path = sys.argv[1]
spec = json.load(open(path))
if "--http-local-only" not in spec["argv"]:
    spec["argv"].append("--http-local-only")
json.dump(spec, open(path, "w"), indent=2)
PY
  done
  kernels_ok || fail "kernelspecs not found under $KERNELS_DIR after install"
  step ".NET Jupyter kernels" "done"
fi

# 4. Restore and build (the build's last step applies the libstdc++ fix to its outputs).
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(setup_inputs_hash)" && -f lib/PEMN/bin/Debug/net10.0/PEMN.dll ]]; then
  step "dotnet restore + build" "already in place"
else
  dotnet restore PEMN.Notebooks.sln -v q >/dev/null || fail "dotnet restore failed (no access to NuGet?)"
  dotnet build PEMN.Notebooks.sln --no-restore -nologo -v q -clp:ErrorsOnly >/dev/null || fail "dotnet build failed; run: dotnet build PEMN.Notebooks.sln"
  step "dotnet restore + build" "done"
fi

# 5. The notebooks' own NuGet packages (Plotly.NET, Deedle), read from the `#r "nuget: ..."` lines of the
# shared set-up files, restored into the NuGet cache now so that notebooks then run offline.
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
mapfile -t nb_packages < <(sed -n 's/^#r "nuget: *\([^,"]*\), *\([^"]*\)".*/\1 \2/p' notebooks/setup/*.dib | sort -u)
nb_missing=()
for entry in "${nb_packages[@]}"; do
  read -r id version <<<"$entry"
  [[ -d "$cache/${id,,}/$version" ]] || nb_missing+=("$id $version")
done
if ((${#nb_missing[@]} == 0)); then
  step "notebook NuGet packages" "already in place"
else
  tmp=$(mktemp -d)
  {
    echo '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup>'
    for entry in "${nb_packages[@]}"; do read -r id version <<<"$entry"; echo "<PackageReference Include=\"$id\" Version=\"$version\" />"; done
    echo '</ItemGroup></Project>'
  } >"$tmp/NotebookPackages.csproj"
  dotnet restore "$tmp/NotebookPackages.csproj" -v q >/dev/null || { rm -rf "$tmp"; fail "restore of notebook packages failed (${nb_missing[*]}); no access to NuGet?"; }
  rm -rf "$tmp"
  step "notebook NuGet packages" "done"
fi

# 6. The libstdc++ fix on the NuGet cache copy (TorchSharp's own fallback loader copies from there).
out=$(python3 scripts/fix-native.py "$cache/torchsharp" lib)
step "libstdc++ fix (scripts/fix-native.py)" "$([[ -n "$out" ]] && echo done || echo "already in place")"

mkdir -p "$(dirname "$STAMP")"
setup_inputs_hash > "$STAMP"
