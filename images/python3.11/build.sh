#!/usr/bin/env bash
# python3.11: Debian's python3 (3.11 in bookworm) as one layer over `provided`, plus the
# runtime from ./runtime/ in /var/runtime. Usage: build.sh OUTDIR (FLINT_BASE_LAYERS set)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../lib/debian.sh"
out=$1
: "${FLINT_BASE_LAYERS:?the image store passes the base layers}"
debian_root "$out" python3
IFS=: read -r -a base_layers <<<"$FLINT_BASE_LAYERS"
layer_diff "$out" "${base_layers[@]}"
install -d -m 0755 "$out/var/runtime"
if [[ -d $here/runtime ]] && [[ -n $(ls -A "$here/runtime") ]]; then
  cp -a "$here/runtime/." "$out/var/runtime/"
  chown -R 0:0 "$out/var/runtime"
fi
if [[ -f $out/var/runtime/bootstrap ]]; then
  chmod 0755 "$out/var/runtime/bootstrap"
  # /var/runtime is read-only at run time: compile the runtime's bytecode now, or every cold
  # start recompiles it. unchecked-hash: valid whatever the file times in the layer are.
  rm -rf "$out/var/runtime/__pycache__"
  if [[ $(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])') == 3.11 ]]; then
    /usr/bin/python3 -m compileall -q --invalidation-mode unchecked-hash -d /var/runtime "$out/var/runtime"
  else
    echo "python3.11: WARNING: host /usr/bin/python3 is not 3.11; the runtime is not precompiled" >&2
  fi
else
  echo "python3.11: WARNING: images/python3.11/runtime/bootstrap is missing: the image has no runtime yet" >&2
fi
