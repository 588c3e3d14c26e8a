#!/usr/bin/env bash
# Peers side by side, in one run on this machine: the same trivial sandboxed command (/bin/true in
# the 'provided' image) under flint (in-process SandboxBench), `runc run`, `bwrap --unshare-all`
# and `unshare` — by scripts/bench-sandbox.sh — and the same trivial function (examples/hello-python)
# as a cold and a warm invoke under `flint bench`. Writes a markdown table of medians and ratios
# (with date, hardware and the commands) into the "Peers side by side" section of docs/benchmarks.md,
# replacing that section only.
#
#   sudo scripts/bench-peers.sh                 # N=200 per row, about 2 minutes
#   N=300 COLD=50 WARM=500 BENCH_OUT=/tmp/p scripts/bench-peers.sh
#   DOC=- scripts/bench-peers.sh                # print the section instead of writing the doc
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
N=${N:-200}
COLD=${COLD:-30}
WARM=${WARM:-300}
MEMORY=${MEMORY:-1769}
DOC=${DOC:-$REPO/docs/benchmarks.md}
OUT=${BENCH_OUT:-$(mktemp -d /tmp/flint-peers.XXXXXX)}

say() { printf 'bench-peers: %s\n' "$*" >&2; }
die() { printf 'bench-peers: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID == 0 ]] || die "needs root (namespaces, cgroups, mounts); run it with sudo"
mkdir -p "$OUT/sandbox" "$OUT/invoke"

# --- the sandbox rows: bench-sandbox.sh's own logic (tools, shared overlay, hyperfine) -----------
say "sandbox create→exit: flint, runc, bwrap, unshare ($N each)"
N=$N BENCH_OUT="$OUT/sandbox" "$REPO/scripts/bench-sandbox.sh" >"$OUT/sandbox/stdout.txt"

# --- the function rows: flint bench ------------------------------------------------------------
say "flint bench examples/hello-python --cold $COLD --warm $WARM --memory $MEMORY"
"$REPO/scripts/flint" bench "$REPO/examples/hello-python" --cold "$COLD" --warm "$WARM" --memory "$MEMORY" \
  --out "$OUT/invoke" --quiet >"$OUT/invoke/stdout.txt"

# --- medians -------------------------------------------------------------------------------------
# hyperfine: median of the per-run times (nearest rank, as dev.flint.bench.Percentiles), in ms.
hf_median() { jq '[.results[0].times[]] | sort | .[((length + 1) / 2 | ceil) - 1] * 1000' "$1"; }
flint_sb=$(jq '.create_exit.p50_ns / 1e6' "$OUT/sandbox/flint-1769mb.json")
flint_sb128=$(jq '.create_exit.p50_ns / 1e6' "$OUT/sandbox/flint-128mb.json")
runc=$(hf_median "$OUT/sandbox/runc.json")
bwrap=$(hf_median "$OUT/sandbox/bwrap.json")
unshare=$(hf_median "$OUT/sandbox/unshare.json")
S=$OUT/invoke/summary.json
cold=$(jq '.memories[0].modes.cold.round_trip_ns.p50 / 1e6' "$S")
cold_ci=$(jq -r '.memories[0].modes.cold.round_trip_ns.p50_ci95 | if . == null then "–" else "\(.low / 1e6 * 1000 | round / 1000)–\(.high / 1e6 * 1000 | round / 1000)" end' "$S")
warm=$(jq '.memories[0].modes.warm.round_trip_ns.p50 / 1e6' "$S")
warm_ci=$(jq -r '.memories[0].modes.warm.round_trip_ns.p50_ci95 | if . == null then "–" else "\(.low / 1e6 * 1000 | round / 1000)–\(.high / 1e6 * 1000 | round / 1000)" end' "$S")
init=$(jq '.memories[0].modes.cold.init_ns.p50 / 1e6' "$S")
create=$(jq '.memories[0].modes.cold.sandbox_create_ns.p50 / 1e6' "$S")
proof=$(jq -r '.memories[0].modes.warm.warm_proof | "\(.sandboxes_created_during_measurement) sandboxes created during the warm invokes (environmentsCreated \(.environments_created_before) → \(.environments_created_after))"' "$S")
machine=$(jq -r '.machine | "\(.cores) × \(.cpu_model), Linux \(.kernel), cgroup \(.cgroup_version), \(.mem_total) RAM; flint \(.flint_version)"' "$S")

row() { # row LABEL WHAT N MEDIAN [CI]
  awk -v l="$1" -v w="$2" -v n="$3" -v m="$4" -v ci="${5:-–}" -v base="$flint_sb" \
    'BEGIN { printf "| %s | %s | %s | %.3f | %s | %.2f |\n", l, w, n, m, ci, m / base }'
}

section=$(
  echo "## Peers side by side"
  echo
  echo "\`sudo scripts/bench-peers.sh\` (N=$N per sandbox row; $COLD cold and $WARM warm invokes). One run, one machine:"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "- machine: $machine"
  echo "- tools: $(sed -n 's/^tools: *//p' "$OUT/sandbox/host.txt")"
  echo "- commands: \`scripts/bench-sandbox.sh\` (N=$N: flint \`SandboxBench --n $N --warmup 50 --memory 128|1769 -- /bin/true\`;"
  echo "  \`hyperfine -N --warmup 20\` of \`runc run\`, \`bwrap --unshare-all --ro-bind ROOTFS / --proc /proc --dev /dev --tmpfs /tmp /bin/true\`,"
  echo "  \`unshare -pmuinC --fork --root=ROOTFS /bin/true\`) and"
  echo "  \`scripts/flint bench examples/hello-python --cold $COLD --warm $WARM --memory $MEMORY\`"
  echo
  echo "| what runs | work | n | median ms | median 95% CI | × flint sandbox |"
  echo "|---|---|---:|---:|---|---:|"
  row "flint sandbox, Java API in-process, 1769 MB" "/bin/true, create→exit" "$N" "$flint_sb"
  row "flint sandbox, Java API in-process, 128 MB" "/bin/true, create→exit (7.2 % CPU quota)" "$N" "$flint_sb128"
  row "runc run (CLI)" "/bin/true, create→exit" "$N" "$runc"
  row "bwrap --unshare-all (CLI)" "/bin/true, create→exit" "$N" "$bwrap"
  row "unshare -pmuinC --fork --root (CLI)" "/bin/true, namespaces + chroot only" "$N" "$unshare"
  row "flint bench, cold invoke, $MEMORY MB" "hello-python: sandbox + Init + invoke" "$COLD" "$cold" "$cold_ci"
  row "flint bench, warm invoke, $MEMORY MB" "hello-python: invoke on a warm env" "$WARM" "$warm" "$warm_ci"
  echo
  echo "Medians are nearest-rank for the sandbox rows (hyperfine per-run times; SandboxBench samples) and"
  echo "HdrHistogram p50 for the flint bench rows, whose CI is the order-statistics (binomial) interval."
  echo "In the cold invoke, sandbox create was $(printf '%.3f' "$create") ms and Init Duration $(printf '%.3f' "$init") ms (p50); $proof."
  echo "The rows are not the same work: the CLI tools pay their own process start-up (runc also its Go"
  echo "runtime), flint's in-process rows do not; see \"Sandbox create→exit\" above for what each one sets up."
  echo "Raw files of this run: \`$OUT\`."
)

if [[ $DOC == - ]]; then
  printf '%s\n' "$section"
  exit 0
fi
# Replace the section (its heading up to the next "## " heading), or append it.
tmp=$(mktemp)
printf '%s\n' "$section" >"$tmp.section"
awk -v sec="$tmp.section" '
  /^## Peers side by side[[:space:]]*$/ { while ((getline l < sec) > 0) print l; print ""; skip = 1; done = 1; next }
  skip && /^## / { skip = 0 }
  !skip { print }
  END { if (!done) { print ""; while ((getline l < sec) > 0) print l } }
' "$DOC" >"$tmp"
mv "$tmp" "$DOC"
rm -f "$tmp.section"
say "wrote the \"Peers side by side\" section of $DOC; raw results in $OUT"
