#!/usr/bin/env bash
# Warm invokes through flint serve's HTTP API with the real AWS SDK for Java v2
# (dev.flint.bench.ApiBench): hello-python at 1769 MB, p50/p99 and throughput at concurrency 1, 4
# and 16, each after a warm-up that pre-warms as many envs as callers. The daemon is a separate
# `scripts/flint serve` (same JVM flags as in use) on a temp state dir; the bench JVM is a plain
# `java` with the SDK on its class path. About 2 minutes with the defaults.
#
#   sudo scripts/bench-api.sh
#   INVOKES=5000 scripts/bench-api.sh --concurrency 1,16      # extra args go to ApiBench
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
INVOKES=${INVOKES:-20000}
WARMUP=${WARMUP:-3000}
IMAGES_DIR=${IMAGES_DIR:-/var/lib/flint/images}
JAVA=${FLINT_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}

say() { printf 'bench-api: %s\n' "$*" >&2; }
die() { printf 'bench-api: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID == 0 ]] || die "needs root (flint serve makes sandboxes); run it with sudo"
cd "$REPO"
[[ -f $IMAGES_DIR/python3.11/image.json ]] || die "image python3.11 not found in $IMAGES_DIR"
if [[ ! -f target/flint.jar || -n $(find launcher/src/main pom.xml -newer target/flint.jar -print -quit) ]]; then
  say "building"
  cmake -S . -B build/native >/dev/null && cmake --build build/native -j"$(nproc)" >/dev/null
  mvn -q -DskipTests package
fi
# the SDK (provided scope: not in flint.jar) for the bench JVM
CP_FILE=target/apibench.classpath
if [[ ! -s $CP_FILE || pom.xml -nt $CP_FILE ]]; then
  mvn -q dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
fi
CP="$REPO/target/classes:$(cat "$CP_FILE")"

TMP=$(mktemp -d /tmp/flint-api-bench.XXXXXX)
RUN=/run/flint-apibench-$$
mkdir -p "$TMP/state" "$RUN"
DAEMON_PID=
cleanup() {
  if [[ -n $DAEMON_PID ]]; then kill -TERM "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
  rm -rf "$RUN"
  say "daemon log and raw output in $TMP"
}
trap cleanup EXIT

JAVA_TOOL_OPTIONS="-Dflint.state.dir=$TMP/state -Dflint.run.dir=$RUN -Dflint.images.dir=$IMAGES_DIR" \
  "$REPO/scripts/flint" serve --port 0 >"$TMP/serve.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 300); do
  PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$TMP/serve.log" | head -1)
  [[ -n $PORT ]] && break
  kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$TMP/serve.log" >&2; die "flint serve exited"; }
  sleep 0.1
done
[[ -n ${PORT:-} ]] || die "flint serve did not start: $(cat "$TMP/serve.log")"

cgroup_mode() {
  if [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]; then echo "v2"
  elif [[ -d /sys/fs/cgroup/unified ]]; then echo "v1 hybrid"; else echo "v1"; fi
}
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "kernel:  $(uname -r)"
  echo "cpus:    $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo); cgroups $(cgroup_mode)"
  echo "java:    $("$JAVA" -version 2>&1 | head -1); daemon: scripts/flint flags; bench JVM: defaults"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, before the run)"
  echo "command: ApiBench --endpoint http://127.0.0.1:$PORT --code examples/hello-python --memory 1769 --invokes $INVOKES --warmup $WARMUP $*"
} | tee "$TMP/host.txt"
echo
start=$(date +%s)
"$JAVA" -cp "$CP" dev.flint.bench.ApiBench --endpoint "http://127.0.0.1:$PORT" --daemon-pid "$DAEMON_PID" --code "$REPO/examples/hello-python" \
  --memory 1769 --invokes "$INVOKES" --warmup "$WARMUP" "$@" | tee "$TMP/table.md"
say "took $(( $(date +%s) - start )) s"
