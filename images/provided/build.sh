#!/usr/bin/env bash
# provided: the base for custom runtimes (Lambda's provided.al2023 role). Usage: build.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/debian.sh"
debian_root "$1"
