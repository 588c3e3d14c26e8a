#!/usr/bin/env bash
# Cold start (create → first response) and warm invoke of each example through flint's
# InvokeService, in one JVM (dev.flint.bench.InvokeBench), at 128 MB (7.2 % of a CPU) and 1769 MB
# (one CPU). Prints the host and the tables; keeps the raw JSON in $BENCH_OUT (default: a temp dir
# that is printed at the end). About 3–4 minutes with the defaults.
#
#   sudo scripts/bench-invoke.sh
#   COLD=10 WARM=100 BUDGET=10 scripts/bench-invoke.sh        # quicker
#   scripts/bench-invoke.sh --function examples/hello-python --memory 512   # extra args go to InvokeBench
#
# The 128 MB rows are CPU-throttled from the moment the runtime starts, so each of their phases
# stops after BUDGET seconds (and at least 5 cold starts / 30 warm invokes); the n is in the table.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
COLD=${COLD:-30}
COLD_JAVA=${COLD_JAVA:-10}
WARM=${WARM:-300}
BUDGET=${BUDGET:-30}
IMAGES_DIR=${IMAGES_DIR:-/var/lib/flint/images}
JAVA=${FLINT_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
# The same JVM flags as scripts/flint, so the figures are what `flint invoke` would see.
JVM_FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID == 0 ]] || die "needs root (namespaces, cgroups, mounts); run it with sudo"
for v in COLD COLD_JAVA WARM BUDGET; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -ge 1 ]] || die "$v must be a positive number, got '${!v}'"
done

# --- build if needed -------------------------------------------------------------------------
# shellcheck source=lib/bench-build.sh
source "$REPO/scripts/lib/bench-build.sh"
build_flint
if stale examples/hello-java/target/hello-java.jar examples/hello-java/src examples/hello-java/pom.xml; then
  say "building examples/hello-java"
  mvn -q -f examples/hello-java/pom.xml package
fi
for img in provided python3.11 java17; do
  [[ -f $IMAGES_DIR/$img/image.json ]] || die "image '$img' not found in $IMAGES_DIR (build it: scripts/flint image build $img)"
done

TMP=$(mktemp -d /tmp/flint-invoke-bench.XXXXXX)
OUT=${BENCH_OUT:-$TMP}
mkdir -p "$OUT"

# --- host ------------------------------------------------------------------------------------
cgroup_mode() {
  if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then echo "v2 (unified)"
  elif [[ -d /sys/fs/cgroup/unified ]]; then echo "v1 hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)"
  else echo "v1"; fi
}
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "kernel:  $(uname -r)"
  echo "cpus:    $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), swap $(awk '/^SwapTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "cgroups: $(cgroup_mode)$(grep -q favordynmods /proc/mounts && echo '; favordynmods on a mounted hierarchy')"
  echo "java:    $("$JAVA" -version 2>&1 | head -1) ${JVM_FLAGS[*]}"
  echo "command: InvokeBench --cold $COLD --cold-java $COLD_JAVA --warm $WARM --budget $BUDGET $*"
} | tee "$OUT/host.txt"
echo

# --- the bench -------------------------------------------------------------------------------
start=$(date +%s)
"$JAVA" "${JVM_FLAGS[@]}" -Dflint.home="$REPO" -Dflint.native.dir="$REPO/build/native" -cp "$REPO/target/flint.jar" \
  dev.flint.bench.InvokeBench --images-dir "$IMAGES_DIR" --cold "$COLD" --cold-java "$COLD_JAVA" --warm "$WARM" \
  --budget "$BUDGET" --json "$OUT/invoke.json" "$@" | tee "$OUT/table.md"
say "took $(( $(date +%s) - start )) s; raw results in $OUT"
