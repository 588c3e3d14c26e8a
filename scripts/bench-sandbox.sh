#!/usr/bin/env bash
# Sandbox create→exit of /bin/true in the 'provided' image: flint through its Java API (in one JVM,
# dev.flint.bench.SandboxBench) next to `runc run`, `bwrap --unshare-all` and `unshare`, each timed
# per run by hyperfine. Prints the host, flint's per-phase tables and one comparison table; keeps
# the raw JSON in $BENCH_OUT (default: a temp dir that is printed at the end).
#
#   sudo scripts/bench-sandbox.sh            # N=300 per tool, about a minute
#   N=500 BENCH_OUT=/tmp/b scripts/bench-sandbox.sh
#
# The external tools pay their own process start-up on every run (fork+exec of the CLI, Go
# runtime start for runc); the in-process figure does not — that is the point of the Java API,
# but it means the rows are not the same work. They all use one shared, pre-mounted overlay of
# the image as root, while flint mounts a fresh overlay, /proc, /dev and /tmp per sandbox.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
N=${N:-300}
WARMUP=${WARMUP:-50}
HF_WARMUP=${HF_WARMUP:-20}
IMAGE=${IMAGE:-provided}
IMAGES_DIR=${IMAGES_DIR:-/var/lib/flint/images}
JAVA=${FLINT_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
# The same JVM flags as scripts/flint, so the figure is what `flint bench` would see.
JVM_FLAGS=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID == 0 ]] || die "needs root (namespaces, cgroups, mounts); run it with sudo"
[[ $N =~ ^[0-9]+$ && $N -ge 1 ]] || die "N must be a positive number, got '$N'"

# --- tools ---------------------------------------------------------------------------------
missing=()
for t in runc:runc bwrap:bubblewrap hyperfine:hyperfine jq:jq unshare:util-linux; do
  command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# --- build if needed -------------------------------------------------------------------------
# shellcheck source=lib/bench-build.sh
source "$REPO/scripts/lib/bench-build.sh"
build_flint

IMAGE_JSON=$IMAGES_DIR/$IMAGE/image.json
[[ -f $IMAGE_JSON ]] || die "image '$IMAGE' not found at $IMAGE_JSON (build it: scripts/flint image build $IMAGE)"

# --- scratch: one shared overlay of the image for the external tools -----------------------
TMP=$(mktemp -d /tmp/flint-bench.XXXXXX)
OUT=${BENCH_OUT:-$TMP/out}
mkdir -p "$OUT"
cleanup() {
  umount "$TMP/rootfs" 2>/dev/null || true
  umount "$TMP/scratch" 2>/dev/null || true
  rm -rf "$TMP/bundle" "$TMP/runc-state" "$TMP/rootfs" "$TMP/scratch"
  [[ -n ${BENCH_OUT:-} ]] && rm -rf "$TMP"
  return 0
}
trap cleanup EXIT
mkdir -p "$TMP/scratch" "$TMP/rootfs"
mount -t tmpfs -o size=64m tmpfs "$TMP/scratch"
mkdir -p "$TMP/scratch/upper" "$TMP/scratch/work"
# overlay wants lowerdirs top first; image.json lists them bottom to top.
LOWER=$(jq -r '.layers | reverse | join(":")' "$IMAGE_JSON")
mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$TMP/scratch/upper,workdir=$TMP/scratch/work" "$TMP/rootfs"
ROOTFS=$TMP/rootfs
[[ -x $ROOTFS/bin/true ]] || die "$ROOTFS/bin/true is missing: the image has no /bin/true"

mkdir -p "$TMP/bundle"
(cd "$TMP/bundle" && runc spec)
jq --arg root "$ROOTFS" '.process.args = ["/bin/true"] | .process.terminal = false | .root.path = $root
  | .root.readonly = true | .hostname = "bench" | .linux.namespaces += [{"type": "cgroup"}]' \
  "$TMP/bundle/config.json" >"$TMP/bundle/config.json.new"
mv "$TMP/bundle/config.json.new" "$TMP/bundle/config.json"

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
  echo "cgroups: $(cgroup_mode)"
  echo "tools:   $(runc --version | head -1); $(bwrap --version); $(unshare --version); $(hyperfine --version)"
  echo "java:    $("$JAVA" -version 2>&1 | head -1) ${JVM_FLAGS[*]}"
} | tee "$OUT/host.txt"
echo

# --- flint, in-process -----------------------------------------------------------------------
flint_bench() { # flint_bench MEMORY_MB
  say "flint Java API, in-process, memory $1 MB: $WARMUP warm-up + $N"
  "$JAVA" "${JVM_FLAGS[@]}" -Dflint.native.dir="$REPO/build/native" -cp "$REPO/target/flint.jar" \
    dev.flint.bench.SandboxBench --n "$N" --warmup "$WARMUP" --memory "$1" --image "$IMAGE" \
    --images-dir "$IMAGES_DIR" --json "$OUT/flint-$1mb.json" | tee "$OUT/flint-$1mb.txt"
  echo
}
# 128 MB is the default (and Lambda's minimum): CPU quota 7.2 % of a CPU. 1769 MB is one full
# vCPU: the same sandbox without CFS throttling, to show what the quota costs.
flint_bench 128
flint_bench 1769

# --- external tools --------------------------------------------------------------------------
hf() { # hf NAME RUNS COMMAND
  say "$1: $HF_WARMUP warm-up + $2 runs"
  hyperfine -N --style none --warmup "$HF_WARMUP" --runs "$2" --export-json "$OUT/$1.json" "$3" >/dev/null
}
hf runc "$N" "runc --root $TMP/runc-state run --bundle $TMP/bundle flint-bench"
hf bwrap "$N" "bwrap --unshare-all --ro-bind $ROOTFS / --proc /proc --dev /dev --tmpfs /tmp /bin/true"
hf unshare "$N" "unshare -pmuinC --fork --root=$ROOTFS /bin/true"

# --- one table -------------------------------------------------------------------------------
echo "Sandbox create→exit of /bin/true in image '$IMAGE' (ms; nearest-rank percentiles of per-run times)"
"$JAVA" -cp "$REPO/target/flint.jar" dev.flint.bench.CompareTable \
  --flint "flint Java API, in-process, 128 MB (CPU quota 7.2 %)=$OUT/flint-128mb.json" \
  --flint "flint Java API, in-process, 1769 MB (1 vCPU)=$OUT/flint-1769mb.json" \
  --hyperfine "runc run (CLI)=$OUT/runc.json" \
  --hyperfine "bwrap --unshare-all (CLI)=$OUT/bwrap.json" \
  --hyperfine "unshare -pmuinC --fork --root (CLI)=$OUT/unshare.json" | tee "$OUT/table.md"
cat <<'EOF'

Not the same work in every row:
- flint: launch() → await() → close() in a warm JVM; no process start-up of a tool is paid. Includes
  cgroup create + limits + removal, clone of flint-init, a fresh overlay + /proc + /dev + /tmp +
  pivot_root, lo up, fork+exec of /bin/true, exit, and reading the sandbox's cgroup stats.
- runc/bwrap/unshare: each run pays fork+exec of the CLI (runc: Go runtime start too). They share
  one pre-mounted overlay of the image. runc: pid,net,ipc,uts,mount,cgroup ns + cgroups + /proc,
  /dev, /sys mounts. bwrap: all namespaces, proc, dev, tmpfs /tmp, no cgroup limits. unshare: the
  namespaces and a chroot only — no mounts, no cgroup: a lower bound, not a sandbox.
EOF
say "raw results in $OUT"
