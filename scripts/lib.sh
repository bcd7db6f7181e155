# Shared by the scripts: repository root, set-up stamp. Sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PEMN_ROOT="$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# ipykernel's debugger warns about frozen modules on every kernel start; the warning is noise here.
export PYDEVD_DISABLE_FILE_VALIDATION=1
STAMP="$ROOT/.state/setup.stamp"

# The native heap of every process that trains or evaluates: tcmalloc (Debian's libgoogle-perftools4, installed by
# scripts/setup.sh). glibc's malloc keeps freed tensor memory: a quick run peaks at 1.2-1.3 GiB under glibc and at
# 0.7 GiB under tcmalloc, and its steps are slower (results/benchmarks/README.md; TorchSharp issue #1466).
# PEMN_ALLOCATOR=glibc switches it off. Where tcmalloc is missing the scripts say so once and run on glibc.
TCMALLOC_SONAME=libtcmalloc.so.4

# Prints the path of tcmalloc's shared library, or nothing when it is not installed.
tcmalloc_path() {
  local found
  found=$(/sbin/ldconfig -p 2>/dev/null | awk -v name="$TCMALLOC_SONAME" '$1 == name { print $NF; exit }')
  [[ -n "$found" && -e "$found" ]] && echo "$found"
  return 0
}

# Exports LD_PRELOAD with tcmalloc for the processes this script starts (PEMN_ALLOCATOR=tcmalloc, the default), or leaves
# glibc's malloc (PEMN_ALLOCATOR=glibc). Idempotent; a missing tcmalloc is said once per command tree.
use_allocator() {
  case "${PEMN_ALLOCATOR:-tcmalloc}" in
    glibc) return 0 ;;
    tcmalloc) ;;
    *) echo "PEMN_ALLOCATOR=${PEMN_ALLOCATOR} is not allowed; allowed: tcmalloc (default), glibc" >&2; exit 2 ;;
  esac
  [[ "${LD_PRELOAD:-}" == *libtcmalloc* ]] && return 0
  local lib
  lib=$(tcmalloc_path)
  if [[ -n "$lib" ]]; then
    export LD_PRELOAD="$lib${LD_PRELOAD:+ $LD_PRELOAD}"
  elif [[ -z "${PEMN_ALLOCATOR_NOTED:-}" ]]; then
    echo "allocator: tcmalloc ($TCMALLOC_SONAME, Debian package libgoogle-perftools4) is not installed: running on glibc's malloc, which holds about twice the memory; scripts/setup.sh installs it" >&2
    export PEMN_ALLOCATOR_NOTED=1
  fi
}

# Hash of everything set-up installs from: a change to any of them makes set-up run again.
setup_inputs_hash() {
  (cd "$ROOT" && cat scripts/setup.sh scripts/lib.sh .config/dotnet-tools.json Directory.Packages.props \
    Directory.Build.props Directory.Build.targets global.json scripts/fix-native.py notebooks/setup/*.dib \
    $(git ls-files '*.csproj' 2>/dev/null || find lib -name '*.csproj') | sha256sum | cut -d' ' -f1)
}

# Runs scripts/setup.sh unless the stamp matches the current inputs.
ensure_setup() {
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(setup_inputs_hash)" ]]; then
    echo "setup: up to date (.state/setup.stamp)"
  else
    "$ROOT/scripts/setup.sh"
  fi
}

# Builds a project when its DLL is missing or older than any source of the library it compiles from (lib/PEMN and the
# project itself) or the repository's build props. Usage: build_if_stale PROJECT_DIR CONFIGURATION DLL
build_if_stale() {
  local project="$1" configuration="$2" dll="$3" newer=""
  if [[ -f "$dll" ]]; then
    newer=$(find "$ROOT/lib/PEMN" "$project" \( -name bin -o -name obj \) -prune -o \
      -type f \( -name '*.cs' -o -name '*.csproj' \) -newer "$dll" -print -quit)
    for f in "$ROOT"/Directory.*.props "$ROOT"/Directory.Build.targets; do [[ "$f" -nt "$dll" ]] && newer="$f"; done
  fi
  if [[ ! -f "$dll" || -n "$newer" ]]; then
    echo "build: $(basename "$project") ($configuration)${newer:+, ${newer#"$ROOT"/} is newer than its build}" >&2
    # dotnet prints "Build succeeded" and a summary even at -v q: its output is shown only when the build fails.
    local output
    output="$(dotnet build "$project" -c "$configuration" -nologo -v q -clp:ErrorsOnly 2>&1)" || { echo "$output" >&2; return 1; }
  fi
}
