#!/usr/bin/env bash
# Container-image functions against ZIP functions, and `flint image pull` against `skopeo copy`
# (docs/benchmarks.md, "Image functions"). Everything lives in a private temp dir: its own image
# store, function state, run dir and a docker-registry on 127.0.0.1; /var/lib/flint is only read
# (the python3.11 image's layers are the images' base). About 3 minutes with the defaults.
#
#   sudo scripts/bench-image.sh
#   COLD=20 ROUNDS=3 PULLS=5 MEMORY=1769 BIG_MB=150 KEEP=1 scripts/bench-image.sh
#
# Cold start: the same handler (images/hello-image's app.py) as
#   zip        runtime python3.11, code in a ZIP (flint's python3.11 image, /var/task bound)
#   image      PackageType Image laid out like an AWS base image: python3.11's layers plus
#              /lambda-entrypoint.sh and /var/task/app.py; ENTRYPOINT /lambda-entrypoint.sh (sh),
#              CMD app.handler
#   image-direct  the same image with ImageConfig EntryPoint /var/runtime/bootstrap (no sh)
# each measured by `flint bench NAME --cold COLD --warm 0` in ROUNDS alternating rounds, pooled.
#
# Pull: an image of ~200 MB compressed (python3.11's layers + BIG_MB of random data) from the local
# registry into an empty store, PULLS times, against `skopeo copy` of the same reference into an OCI
# layout (download only) and into containers-storage with the overlay driver (download + unpack,
# like flint), in alternating order.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
COLD=${COLD:-20}
ROUNDS=${ROUNDS:-3}
PULLS=${PULLS:-5}
MEMORY=${MEMORY:-1769}
BIG_MB=${BIG_MB:-150}
JAVA=${FLINT_JAVA:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
SRC_IMAGES=/var/lib/flint/images

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID == 0 ]] || die "needs root (namespaces, cgroups, mounts, mknod); run it with sudo"
for v in COLD ROUNDS PULLS MEMORY BIG_MB; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -ge 1 ]] || die "$v must be a positive number, got '${!v}'"
done
for t in umoci skopeo docker-registry python3; do
  command -v "$t" >/dev/null || die "needs $t (scripts/setup.sh installs it)"
done
[[ -f $SRC_IMAGES/python3.11/image.json ]] || die "no python3.11 image in $SRC_IMAGES (scripts/flint image build python3.11)"

# --- build if needed -------------------------------------------------------------------------
# shellcheck source=lib/bench-build.sh
source "$REPO/scripts/lib/bench-build.sh"
build_flint

WORK=$(mktemp -d /tmp/flint-image-bench.XXXXXX)
chmod 755 "$WORK" # the sandbox's user namespace walks into the image store below it
REG_PID=
cleanup() {
  if [[ -n $REG_PID ]]; then
    kill "$REG_PID" 2>/dev/null || true
    wait "$REG_PID" 2>/dev/null || true
  fi
  if [[ ${KEEP:-0} == 1 ]]; then say "kept $WORK"; else rm -rf --one-file-system "$WORK"; fi
}
trap cleanup EXIT

# flint with private state; short commands as scripts/flint runs them, pulls with C2 (as scripts/flint)
FAST=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto)
PULL=(-XX:+UseSerialGC -Xshare:auto)
props() { # props STATE
  echo "-Dflint.state.dir=$1 -Dflint.images.dir=$1/images -Dflint.run.dir=$WORK/run -Dflint.home=$REPO"
  echo "-Dflint.native.dir=$REPO/build/native"
}
flint() { # flint STATE ARGS...
  local state=$1; shift
  # shellcheck disable=SC2046
  "$JAVA" "${FAST[@]}" $(props "$state") -jar "$REPO/target/flint.jar" "$@"
}
flint_pull() { # flint_pull STATE ARGS...
  local state=$1; shift
  # shellcheck disable=SC2046
  "$JAVA" "${PULL[@]}" $(props "$state") -jar "$REPO/target/flint.jar" "$@"
}
now() { date +%s.%N; }

# --- host ------------------------------------------------------------------------------------
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "kernel:  $(uname -r)"
  echo "cpus:    $(nproc) × $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "disk:    $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "tools:   $(skopeo --version), $(umoci --version), $(docker-registry --version | awk '{print $NF}')"
  echo "java:    $("$JAVA" -version 2>&1 | head -1)"
  echo "command: COLD=$COLD ROUNDS=$ROUNDS PULLS=$PULLS MEMORY=$MEMORY BIG_MB=$BIG_MB scripts/bench-image.sh"
} | tee "$WORK/host.txt"
echo

# --- images (umoci, offline) -----------------------------------------------------------------
say "building the OCI layout (umoci)"
LAYOUT=$WORK/layout
umoci init --layout "$LAYOUT"
umoci new --image "$LAYOUT:python3.11"
mapfile -t LAYERS < <(python3 -c 'import json,sys; [print(l) for l in json.load(open(sys.argv[1]))["layers"]]' \
  "$SRC_IMAGES/python3.11/image.json")
i=0
for layer in "${LAYERS[@]}"; do
  stage=$WORK/stage-$i; mkdir -p "$stage"; i=$((i + 1))
  tar -C "$layer" --exclude='./dev/*' -cf - . | tar -C "$stage" -xpf -
  [[ -z $(find "$stage" -type c -print -quit) ]] || die "$layer has whiteouts outside /dev; this bench copies layers as trees"
  umoci insert --image "$LAYOUT:python3.11" "$stage" /
done
# python3.11 as flint's recipe configures it (images/python3.11/image.json over provided's)
umoci config --image "$LAYOUT:python3.11" --config.entrypoint /var/runtime/bootstrap --config.workingdir /var/task \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --config.env LANG=C.UTF-8 \
  --config.env LAMBDA_TASK_ROOT=/var/task --config.env LAMBDA_RUNTIME_DIR=/var/runtime \
  --config.env PYTHONUNBUFFERED=1 --os linux --architecture amd64
umoci tag --image "$LAYOUT:python3.11" hello
app=$WORK/stage-app; mkdir -p "$app"
cp -r "$REPO/launcher/src/test/resources/images/hello-image/." "$app/"
chmod -R u=rwX,go=rX "$app"; chmod 0755 "$app/lambda-entrypoint.sh"
umoci insert --image "$LAYOUT:hello" "$app" /
umoci config --image "$LAYOUT:hello" --config.entrypoint /lambda-entrypoint.sh --config.cmd app.handler \
  --config.env IMG_VAR=from-image
umoci tag --image "$LAYOUT:hello" big
big=$WORK/stage-big; mkdir -p "$big"
for n in 1 2 3; do head -c $((BIG_MB * 1000000 / 3)) /dev/urandom >"$big/blob$n.bin"; done
umoci insert --image "$LAYOUT:big" "$big" /opt/big
rm -rf "$WORK"/stage-*

# --- cold start: image function vs ZIP function ---------------------------------------------
S=$WORK/state
flint "$S" image import "$LAYOUT" --ref python3.11 --name python3.11 >/dev/null 2>&1
flint "$S" image import "$LAYOUT" --ref hello --name hello >/dev/null 2>&1
mkdir -p "$WORK/zip-code"; cp "$REPO/launcher/src/test/resources/images/hello-image/var/task/app.py" "$WORK/zip-code/"
flint "$S" function create zip --runtime python3.11 --handler app.handler --code "$WORK/zip-code" --memory "$MEMORY" >/dev/null
flint "$S" function create image --image hello --memory "$MEMORY" >/dev/null
flint "$S" function create image-direct --image hello --entrypoint /var/runtime/bootstrap --cmd app.handler \
  --memory "$MEMORY" >/dev/null
for f in zip image image-direct; do
  flint "$S" invoke "$f" --payload '{"name":"bench"}' >/dev/null 2>&1 || die "function $f does not run"
done
say "cold starts: $ROUNDS rounds × $COLD per function, alternating"
for r in $(seq 1 "$ROUNDS"); do
  for f in zip image image-direct; do
    flint "$S" bench "$f" --cold "$COLD" --warm 0 --quiet --out "$WORK/bench/$f-$r" >/dev/null 2>&1
  done
done
python3 - "$WORK/bench" <<'EOF' | tee "$WORK/cold.md"
import csv, glob, os, sys
def pct(xs, p):
    xs = sorted(xs); return xs[max(0, min(len(xs) - 1, -(-len(xs) * p // 100) - 1))]
rows = {}
for d in sorted(glob.glob(os.path.join(sys.argv[1], "*"))):
    name = os.path.basename(d).rsplit("-", 1)[0]
    with open(os.path.join(d, "samples.csv")) as f:
        for s in csv.DictReader(f):
            if s["mode"] == "cold":
                rows.setdefault(name, {"rt": [], "init": []})
                rows[name]["rt"].append(int(s["round_trip_ns"]) / 1e6)
                if s.get("init_ns"):
                    rows[name]["init"].append(int(s["init_ns"]) / 1e6)
base = pct(rows["zip"]["rt"], 50)
print("| function | n | cold p50 ms | cold p90 ms | Init Duration p50 ms | p50 vs zip |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("zip", "image", "image-direct"):
    rt, init = rows[name]["rt"], rows[name]["init"]
    print("| %s | %d | %.2f | %.2f | %.2f | %+.1f %% |" % (name, len(rt), pct(rt, 50), pct(rt, 90),
          pct(init, 50) if init else float("nan"), (pct(rt, 50) / base - 1) * 100))
EOF
echo

# --- pull: flint image pull vs skopeo copy ---------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/registry"
cat >"$WORK/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/registry/storage
http:
  addr: 127.0.0.1:$PORT
  secret: flint-bench
EOF
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null && break; sleep 0.1; done
REF=127.0.0.1:$PORT/bench/big:latest
skopeo copy --dest-tls-verify=false "oci:$LAYOUT:big" "docker://$REF" >/dev/null
SIZE=$(du -sb "$WORK/registry/storage/docker/registry/v2/blobs" | cut -f1)
say "pulls: $REF ($((SIZE / 1000000)) MB of blobs in the registry), $PULLS rounds"
: >"$WORK/pull.tsv"
for r in $(seq 1 "$PULLS"); do
  order=(flint skopeo-oci skopeo-storage)
  if ((r % 2 == 0)); then order=(skopeo-storage skopeo-oci flint); fi
  for what in "${order[@]}"; do
    dest=$WORK/pull-$what-$r
    sync; t0=$(now)
    case $what in
      flint) flint_pull "$dest" image pull "$REF" --name big >/dev/null 2>"$WORK/pull-flint-$r.log" ;;
      skopeo-oci) skopeo copy --src-tls-verify=false "docker://$REF" "oci:$dest:big" >/dev/null ;;
      skopeo-storage) skopeo copy --src-tls-verify=false "docker://$REF" \
          "containers-storage:[overlay@$dest/root+$dest/run]big:latest" >/dev/null ;;
    esac
    t1=$(now)
    awk -v w="$what" -v a="$t0" -v b="$t1" 'BEGIN {printf "%s\t%.3f\n", w, b - a}' >>"$WORK/pull.tsv"
    # containers-storage's overlay driver keeps its graph root mounted (private bind)
    if [[ $what == skopeo-storage ]]; then umount "$dest/root/overlay" 2>/dev/null || true; fi
    rm -rf --one-file-system "$dest"
  done
done
python3 - "$WORK/pull.tsv" "$SIZE" <<'EOF' | tee "$WORK/pull.md"
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    k, v = line.split("\t"); t.setdefault(k, []).append(float(v))
mb = int(sys.argv[2]) / 1e6
flint = statistics.median(t["flint"])
print("| command | what it does | n | median s | min s | max s | MB/s | flint vs it |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
what = {"flint": "download, verify, unpack into the layer store",
        "skopeo-oci": "download, verify, write blobs to an OCI layout",
        "skopeo-storage": "download, verify, unpack into containers-storage (overlay)"}
for k in ("flint", "skopeo-oci", "skopeo-storage"):
    m = statistics.median(t[k])
    print("| %s | %s | %d | %.2f | %.2f | %.2f | %.0f | %+.0f %% |" % (k, what[k], len(t[k]), m, min(t[k]), max(t[k]),
          mb / m, (flint / m - 1) * 100))
EOF
say "done; figures above (KEEP=1 keeps the raw data in $WORK)"
