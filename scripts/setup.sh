#!/usr/bin/env bash
# Installs what the workbook needs; idempotent. Each step says what it is doing while it does it (a progress
# line every 15 s during long ones), then "done" or "already in place" with its time; the last line gives the
# total. apt's and dotnet's own output goes to .state/setup.log, which a failure quotes.
# Steps: Debian packages, pinned .NET tools (.config/dotnet-tools.json), .NET Jupyter kernels,
# restore + build of the solution, the notebooks' NuGet packages, the libstdc++ fix on the NuGet cache
# copy of TorchSharp.
# Writes .state/setup.stamp; scripts/test.sh and scripts/reproduce.sh run this only when it is stale.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# Debian package -> why. dataset-fashion-mnist: the real data of every CPU run; jupyter-nbconvert,
# python3-nbclient, jupyter-client, python3-ipykernel: the headless notebook runner; jupyter-notebook:
# `jupyter notebook` for working in a browser (Debian 12 has no JupyterLab package); chromium: renders
# figures, checks that exported notebook charts draw, and is the browser of the real-browser test (lib/PEMN.Browser
# drives it through Playwright from NuGet, restored by the build; Playwright's own browser download is never used);
# libgoogle-perftools4: tcmalloc, the native heap every training process runs on (scripts/lib.sh, use_allocator);
# python3-torch, python3-numpy: the second, independent reader of .pemn files (python/pemn_reader/), whose logits a
# test compares with .NET's.
PACKAGES=(dataset-fashion-mnist jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel jupyter-notebook chromium libgoogle-perftools4 python3-torch python3-numpy)
KERNELS_DIR="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels"
LOG="$ROOT/.state/setup.log"
STEPS=6
TICK=15   # seconds between progress lines of a long step: a silent terminal looks hung

mkdir -p "$ROOT/.state"
echo "setup: $(date -u +%FT%TZ) on $(hostname)" >"$LOG"
echo "setup: 6 steps; the tools' own output (apt, dotnet) goes to ${LOG#"$ROOT"/}"
setup_start=$SECONDS
step_no=0

# say TEXT: one line on the terminal, also kept in the log.
say() { echo "setup: $*"; echo "setup: $*" >>"$LOG"; }
# begin NAME: starts the next step.
begin() { step_no=$((step_no + 1)); step_name="$step_no/$STEPS $1"; step_start=$SECONDS; }
# finish RESULT: the step's last line, with its time.
finish() { say "$(printf '%-34s %s (%d s)' "$step_name" "$1" "$((SECONDS - step_start))")"; }
fail() {
  echo "setup: FAILED at step $step_name: $*" >&2
  echo "setup: last lines of ${LOG#"$ROOT"/}:" >&2
  tail -n 15 "$LOG" | sed 's/^/  | /' >&2
  exit 1
}
# run WHAT COMMAND...: runs COMMAND with its output appended to the log; says WHAT when it starts and again
# with the elapsed time every TICK seconds until it ends. Returns COMMAND's exit code.
run() {
  local what="$1"; shift
  local t0=$SECONDS parent=$$ status=0
  say "$(printf '%-34s %s ...' "$step_name" "$what")"
  echo "\$ $*" >>"$LOG"
  # The ticker stops when the command ends, or by itself when this script is gone (Ctrl-C).
  ( next=$TICK
    while sleep 1; do
      kill -0 "$parent" 2>/dev/null || exit 0
      if ((SECONDS - t0 >= next)); then
        printf 'setup: %-34s %s ... %d s\n' "$step_name" "$what" "$((SECONDS - t0))"; next=$((next + TICK))
      fi
    done ) &
  local ticker=$!
  "$@" >>"$LOG" 2>&1 </dev/null || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return "$status"
}

# 1. Debian packages.
begin "Debian packages"
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  finish "already in place (${#PACKAGES[@]} packages)"
else
  command -v apt-get >/dev/null || fail "not a Debian/Ubuntu system; install by hand: ${missing[*]} (Fashion-MNIST IDX files, Jupyter nbconvert/nbclient/ipykernel/notebook, Chromium)"
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root=(sudo); else
      fail "missing packages and not root; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fi
  fi
  run "apt-get update" "${as_root[@]}" apt-get update \
    || fail "apt-get update failed (no network?); install by hand: apt-get install -y --no-install-recommends ${missing[*]}"
  # env inside sudo: sudo drops DEBIAN_FRONTEND from the caller's environment.
  run "apt-get install ${missing[*]}" "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" \
    || fail "apt-get install failed; install by hand: apt-get install -y --no-install-recommends ${missing[*]}"
  finish "done: installed ${missing[*]}"
fi

# 2. Pinned .NET tools (dotnet-interactive) from the tool manifest.
begin ".NET tools"
command -v dotnet >/dev/null || fail "dotnet not found; install the .NET SDK 10 (see environment.md)"
if dotnet tool run dotnet-interactive -- --version >/dev/null 2>&1; then
  finish "already in place (.config/dotnet-tools.json)"
else
  run "dotnet tool restore (dotnet-interactive, .config/dotnet-tools.json)" dotnet tool restore \
    || fail "dotnet tool restore failed (no access to NuGet?); see environment.md, offline use"
  finish "done (.config/dotnet-tools.json)"
fi

# 3. .NET Jupyter kernels. The kernelspec runs `dotnet interactive` (the local tool: found from the
# notebook's folder inside the repository). --http-local-only keeps its HTTP side on loopback. The kernel starts
# through /bin/sh, which preloads tcmalloc as scripts/lib.sh does (PEMN_ALLOCATOR=glibc in the environment of the
# Jupyter server, or of VS Code, switches it off; without tcmalloc the kernel runs on glibc).
begin ".NET Jupyter kernels"
kernels_ok() {
  for k in csharp fsharp; do
    grep -q -- '--http-local-only' "$KERNELS_DIR/.net-$k/kernel.json" 2>/dev/null || return 1
    grep -q -- 'PEMN_ALLOCATOR' "$KERNELS_DIR/.net-$k/kernel.json" 2>/dev/null || return 1
  done
}
if kernels_ok; then
  finish "already in place (.net-csharp, .net-fsharp)"
else
  run "dotnet interactive jupyter install" dotnet interactive jupyter install \
    || fail "dotnet interactive jupyter install failed; is jupyter on PATH?"
  for k in csharp fsharp powershell; do
    f="$KERNELS_DIR/.net-$k/kernel.json"
    [[ -f "$f" ]] || continue
    /usr/bin/env python3 - "$f" "$TCMALLOC_SONAME" <<'PY'
import json, sys
path, soname = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
argv = spec["argv"]
if "--http-local-only" not in argv:
    argv.append("--http-local-only")
if argv[0] != "/bin/sh":
    preload = ('case "${PEMN_ALLOCATOR:-tcmalloc}" in glibc) ;; *) lib=$(/sbin/ldconfig -p 2>/dev/null | '
               f"awk '$1 == \"{soname}\" {{ print $NF; exit }}'); "
               '[ -n "$lib" ] && export LD_PRELOAD="$lib${LD_PRELOAD:+ $LD_PRELOAD}" ;; esac; '
               # As the pemn CLI (its runtimeconfig): no background GC, about 85 MiB less at the same speed.
               'export DOTNET_gcConcurrent="${DOTNET_gcConcurrent:-0}"; exec "$@"')
    argv[:0] = ["/bin/sh", "-c", preload, "pemn-kernel"]
json.dump(spec, open(path, "w"), indent=2)
PY
  done
  kernels_ok || fail "kernelspecs not found under $KERNELS_DIR after install"
  finish "done (.net-csharp, .net-fsharp in ${KERNELS_DIR/#"$HOME"/\~})"
fi

# 4. Restore and build (the build's last step applies the libstdc++ fix to its outputs and the NuGet cache).
begin "restore + build"
built=0
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(setup_inputs_hash)" && -f lib/PEMN.Notebooks/bin/Debug/net10.0/PEMN.Notebooks.dll ]]; then
  finish "already in place (lib/PEMN.Notebooks/bin/Debug/net10.0/PEMN.Notebooks.dll)"
else
  run "dotnet restore PEMN.Notebooks.sln (TorchSharp, libtorch: large on first use)" \
    dotnet restore PEMN.Notebooks.sln -v q || fail "dotnet restore failed (no access to NuGet?)"
  run "dotnet build PEMN.Notebooks.sln" dotnet build PEMN.Notebooks.sln --no-restore -nologo -v q -clp:ErrorsOnly \
    || fail "dotnet build failed; run: dotnet build PEMN.Notebooks.sln"
  built=1
  finish "done"
fi

# 5. The notebooks' own NuGet packages (Plotly.NET, Deedle), read from the `#r "nuget: ..."` lines of the
# shared set-up files, restored into the NuGet cache now so that notebooks then run offline.
begin "notebook NuGet packages"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
mapfile -t nb_packages < <(sed -n 's/^#r "nuget: *\([^,"]*\), *\([^"]*\)".*/\1 \2/p' notebooks/setup/*.dib | sort -u)
nb_missing=()
for entry in "${nb_packages[@]}"; do
  read -r id version <<<"$entry"
  [[ -d "$cache/${id,,}/$version" ]] || nb_missing+=("$id $version")
done
if ((${#nb_missing[@]} == 0)); then
  finish "already in place (${#nb_packages[@]} packages in the NuGet cache)"
else
  tmp=$(mktemp -d)
  {
    echo '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup><ItemGroup>'
    for entry in "${nb_packages[@]}"; do read -r id version <<<"$entry"; echo "<PackageReference Include=\"$id\" Version=\"$version\" />"; done
    echo '</ItemGroup></Project>'
  } >"$tmp/NotebookPackages.csproj"
  list=$(IFS=,; echo "${nb_missing[*]}")
  run "dotnet restore of ${list//,/, }" dotnet restore "$tmp/NotebookPackages.csproj" -v q \
    || { rm -rf "$tmp"; fail "restore of notebook packages failed (${nb_missing[*]}); no access to NuGet?"; }
  rm -rf "$tmp"
  finish "done (${#nb_missing[@]} restored)"
fi

# 6. The libstdc++ fix on the NuGet cache copy (TorchSharp's own fallback loader copies from there) and on the
# build outputs. The build applies it already (Directory.Build.targets); this catches copies it did not see.
begin "libstdc++ fix"
status=$(python3 scripts/fix-native.py --status "$cache/torchsharp" lib) || fail "scripts/fix-native.py failed"
if [[ "$status" == not-needed ]]; then
  finish "not needed on this system (its libstdc++ has GLIBCXX_3.4.32)"
else
  read -r patched already <<<"$status"
  if ((patched > 0)); then finish "applied now to $patched cop$( ((patched == 1)) && echo y || echo ies) of libLibTorchSharp.so ($already marked before)"
  elif ((already == 0)); then fail "no libLibTorchSharp.so found under $cache/torchsharp or lib/ (did the restore and build run?)"
  elif ((built)); then finish "applied by the build ($already copies of libLibTorchSharp.so marked)"
  else finish "already in place ($already copies of libLibTorchSharp.so marked)"
  fi
fi

setup_inputs_hash >"$STAMP"
say "done in $((SECONDS - setup_start)) s; stamp ${STAMP#"$ROOT"/}, log ${LOG#"$ROOT"/}"
