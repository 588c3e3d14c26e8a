#!/usr/bin/env bash
# Issue 5's benchmark, one run on this machine: cold start against SnapStart restore for
#   a. java      a Java function whose Init is ≥ 1 s of class loading and static work
#   b. python    a Python function with ≥ 300 ms of imports (boto3, no bytecode shipped)
#   b'. python+pyc  the same with bytecode (imports then cost less; not a target, shown for honesty)
#   c. bare      a trivial env (examples/hello-python): the bare cost of a restore
# each with `flint bench DIR --cold N --restore N --interleave --warm 0 --memory 1769` (one snapshot
# per case, every restore checked to be one; cold starts and restores alternate, so a change in
# the shared host's load hits both alike), then RestoreBreakdown: where a restore's time goes, from
# CRIU's restore.log of each of BREAKDOWN restores. Prints the host, every table and the summary
# with the targets (a: restore p50 ≤ 10 % of cold; b: ≤ 1/3; c: restore p50 ≤ 60 ms); keeps the
# raw files in $BENCH_OUT (default: a temp dir, printed at the end). About 3 minutes.
#
#   sudo scripts/bench-snapstart.sh
#   COLD=10 COLD_JAVA=5 RESTORE=10 BREAKDOWN=5 scripts/bench-snapstart.sh   # quicker
#   JAVA_FN=examples/snapstart-java PY_FN=examples/snapstart-python-heavy scripts/bench-snapstart.sh
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
COLD=${COLD:-30}
COLD_JAVA=${COLD_JAVA:-20}
RESTORE=${RESTORE:-30}
BREAKDOWN=${BREAKDOWN:-10}
MEMORY=${MEMORY:-1769}
JAVA_FN=${JAVA_FN:-scripts/bench-functions/java-classload}
PY_FN=${PY_FN:-scripts/bench-functions/python-boto3}
BARE_FN=${BARE_FN:-examples/hello-python}
IMAGES_DIR=${IMAGES_DIR:-/var/lib/flint/images}
JAVA=${FLINT_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
# The same JVM flags as scripts/flint, so the figures are what `flint bench` would see.
JVM_FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)

say() { printf 'bench-snapstart: %s\n' "$*" >&2; }
die() { printf 'bench-snapstart: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID == 0 ]] || die "needs root (namespaces, cgroups, mounts, CRIU); run it with sudo"
for v in COLD COLD_JAVA RESTORE BREAKDOWN MEMORY; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -ge 1 ]] || die "$v must be a positive number, got '${!v}'"
done

# --- build if needed -------------------------------------------------------------------------
# shellcheck source=lib/bench-build.sh
source "$REPO/scripts/lib/bench-build.sh"
build_flint
java_jar=$(ls "$JAVA_FN"/target/*.jar 2>/dev/null | head -1 || true)
if [[ -f $JAVA_FN/pom.xml ]] && { [[ -z $java_jar ]] || stale "$java_jar" "$JAVA_FN/src" "$JAVA_FN/pom.xml"; }; then
  say "building $JAVA_FN"
  mvn -q -f "$JAVA_FN/pom.xml" package
fi
[[ -x $PY_FN/build.sh ]] && "$PY_FN/build.sh"
# examples/snapstart-python-heavy generates its modules
if [[ -f $PY_FN/generate.py ]] && stale "$PY_FN/heavy_modules" "$PY_FN/generate.py"; then
  say "generating $PY_FN/heavy_modules"
  python3 "$PY_FN/generate.py"
fi
for img in python3.11 java17; do
  [[ -f $IMAGES_DIR/$img/image.json ]] || die "image '$img' not found in $IMAGES_DIR (build it: scripts/flint image build $img)"
done
criu=$(command -v criu || true)
[[ -n $criu ]] || die "CRIU not found (scripts/setup.sh installs 4.2)"

TMP=$(mktemp -d /tmp/flint-snapstart-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
OUT=${BENCH_OUT:-$(mktemp -d /tmp/flint-snapstart-out.XXXXXX)}
mkdir -p "$OUT"

# b': the Python function with bytecode, compiled for the image's python3.11 (unchecked-hash
# .pyc files stay valid whatever mtimes the code store gives the copies).
PY_PYC=
if command -v python3.11 >/dev/null; then
  PY_PYC=$TMP/$(basename "$PY_FN")-pyc
  cp -a "$PY_FN" "$PY_PYC"
  python3.11 -m compileall -q -j 0 --invalidation-mode unchecked-hash "$PY_PYC" >/dev/null
else
  say "no python3.11 on the host: skipping the python+pyc case"
fi

# --- host ------------------------------------------------------------------------------------
cgroup_mode() {
  if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then echo "v2 (unified)"
  elif [[ -d /sys/fs/cgroup/unified ]]; then echo "v1 hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)"
  else echo "v1"; fi
}
image_digest() { sed -n 's/.*"digest" : "\(sha256:[0-9a-f]\{12\}\).*/\1/p' "$IMAGES_DIR/$1/image.json"; }
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "kernel:  $(uname -r)"
  echo "cpus:    $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), swap $(awk '/^SwapTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cgroups: $(cgroup_mode)"
  echo "/run:    $(stat -fc %T /run) ($(findmnt -no SOURCE -T /run/flint 2>/dev/null || echo '?'))"
  echo "criu:    $("$criu" --version | head -1) at $criu"
  echo "images:  python3.11 $(image_digest python3.11), java17 $(image_digest java17)"
  echo "java:    $("$JAVA" -version 2>&1 | head -1) ${JVM_FLAGS[*]}"
  echo "flint:   $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- launcher native || echo '+dirty')"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"
  echo "command: COLD=$COLD COLD_JAVA=$COLD_JAVA RESTORE=$RESTORE BREAKDOWN=$BREAKDOWN MEMORY=$MEMORY scripts/bench-snapstart.sh"
} | tee "$OUT/host.txt"
echo

# --- the cases -------------------------------------------------------------------------------
flint() {
  "$JAVA" "${JVM_FLAGS[@]}" -Xlog:disable -Xlog:all=warning:stderr -Dflint.home="$REPO" \
    -Dflint.native.dir="$REPO/build/native" -cp "$REPO/target/flint.jar" "$@"
}
summary_args=()
run_case() { # run_case NAME DIR COLD_N TARGET
  local name=$1 dir=$2 cold=$3 target=$4
  say "$name: $dir, $cold cold starts and $RESTORE restores at $MEMORY MB"
  mkdir -p "$OUT/$name"
  echo "## $name: $dir"
  echo
  flint dev.flint.cli.Main bench "$dir" --cold "$cold" --restore "$RESTORE" --interleave --warm 0 --memory "$MEMORY" \
    --out "$OUT/$name" --quiet | sed -n '/^### /,$p'
  echo
  say "$name: restore breakdown over $BREAKDOWN restores"
  flint dev.flint.bench.RestoreBreakdown "$dir" --n "$BREAKDOWN" --memory "$MEMORY" --images-dir "$IMAGES_DIR" \
    --logs "$OUT/$name/restore-logs" --json "$OUT/$name/breakdown.json" | tee "$OUT/$name/breakdown.md"
  echo
  summary_args+=(--case "$name" "$OUT/$name/summary.json" "$target")
}
start=$(date +%s)
run_case java "$JAVA_FN" "$COLD_JAVA" ratio:0.1
run_case python "$PY_FN" "$COLD" ratio:0.3333333
[[ -n $PY_PYC ]] && run_case python+pyc "$PY_PYC" "$COLD" none
run_case bare "$BARE_FN" "$COLD" ms:60

echo "## summary (load at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
flint dev.flint.bench.SnapStartSummary "${summary_args[@]}" | tee "$OUT/summary.md"
say "took $(( $(date +%s) - start )) s; raw results in $OUT"
