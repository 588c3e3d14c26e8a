#!/usr/bin/env bash
# Every test tier, as root: set-up (idempotent), C tests (ctest), Java unit tests and the
# privileged integration tests (real sandboxes, cgroups, images). Extra arguments go to Maven,
# e.g. scripts/test.sh -Dit.test='Sandbox*IT'.
set -euo pipefail
REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
. "$REPO/scripts/lib/common.sh"
[[ $(id -u) == 0 ]] || die "run as root: the integration tests create namespaces, cgroups and mounts"

"$REPO/scripts/setup.sh"
export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
export PATH=/usr/local/sbin:/usr/local/bin:$JAVA_HOME/bin:$PATH
cd "$REPO"

t0=$SECONDS
say "tier 0: C tests (ctest)"
cmake --build build/native -j2 >/dev/null
(cd build/native && ctest --output-on-failure)

say "tier 1+2: Java unit tests and privileged integration tests (mvn verify)"
# CI=true turns a missing host capability into a failure instead of a skip.
mvn -B -q verify -Dflint.privileged=true "$@"
say "all tiers passed in $((SECONDS - t0)) s"
