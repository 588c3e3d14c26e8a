#!/usr/bin/env bash
# java17: Debian's openjdk-17-jre-headless as one layer over `provided`, plus AWS's Runtime
# Interface Client and its jars in /var/runtime/lib (fetched now, with Maven, never at run time).
# Usage: build.sh OUTDIR (FLINT_BASE_LAYERS set)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/debian.sh"
out=$1
: "${FLINT_BASE_LAYERS:?the image store passes the base layers}"

# Jars first: cheap, and a resolution failure should fail before the long root build.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/pom.xml" "$tmp/pom.xml"
JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 mvn -q -B -Dstyle.color=never -f "$tmp/pom.xml" \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/lib" 2>&1 |
  sed 's/\x1b\[[0-9;]*m//g'
ls "$tmp/lib"

debian_root "$out" openjdk-17-jre-headless
IFS=: read -r -a base_layers <<<"$FLINT_BASE_LAYERS"
layer_diff "$out" "${base_layers[@]}"

install -d -m 0755 "$out/var/runtime/lib"
install -m 0644 "$tmp"/lib/*.jar "$out/var/runtime/lib/"
install -m 0755 "$here/bootstrap" "$out/var/runtime/bootstrap"
