# shellcheck shell=bash
# Shared by images/*/build.sh: a small Debian bookworm root made with mmdebstrap, and the
# Lambda-like layout on top of it. Changing this file changes every image's digest.

FLINT_DEBIAN_SUITE=bookworm
FLINT_DEBIAN_MIRROR=http://deb.debian.org/debian
# Packages of the `provided` image on top of the Essential set.
FLINT_PROVIDED_PACKAGES=ca-certificates,curl,netbase,procps

# debian_root OUT [EXTRA_PACKAGES]: fills the empty dir OUT with a Debian root (variant
# essential + FLINT_PROVIDED_PACKAGES + EXTRA) without docs, man pages, locales, and adds the
# Lambda layout (flint_lambda_layout). /usr/share/man/man1 stays as an empty dir: some
# maintainer scripts (openjdk's update-alternatives) need it although man pages are excluded.
debian_root() {
  local out=$1 extra=${2:-}
  local include=$FLINT_PROVIDED_PACKAGES${extra:+,$extra}
  local log
  log=$(mktemp /tmp/flint-mmdebstrap.XXXXXX)
  # merged-usr hook: /usr-merge by symlinks + usr-is-merged, instead of the usrmerge
  # package, which would pull in perl (~50 MB).
  mmdebstrap --mode=root --format=directory --variant=essential \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --include="$include" \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --dpkgopt='path-exclude=/usr/share/lintian/*' \
    --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*.log "$1"/var/cache/ldconfig/aux-cache' \
    "$FLINT_DEBIAN_SUITE" "$out" "$FLINT_DEBIAN_MIRROR" >"$log" 2>&1 || {
    tail -n 40 "$log"; rm -f "$log"; echo "mmdebstrap failed" >&2; return 1; }
  grep -E '^(I: (downloading|installing)|W: |E: )' "$log" || true
  rm -f "$log"
  flint_lambda_layout "$out"
}

# flint_lambda_layout ROOT: /var/task, /var/runtime, /opt, /tmp and Lambda's unprivileged
# user sbx_user1051 (uid/gid 993).
flint_lambda_layout() {
  local root=$1
  install -d -m 0755 "$root/var/task" "$root/var/runtime" "$root/opt"
  install -d -m 1777 "$root/tmp"
  grep -q '^sbx_user1051:' "$root/etc/group" ||
    echo 'sbx_user1051:x:993:' >>"$root/etc/group"
  grep -q '^sbx_user1051:' "$root/etc/passwd" ||
    echo 'sbx_user1051:x:993:993:Lambda sandbox user:/tmp:/usr/sbin/nologin' >>"$root/etc/passwd"
  if [[ -f $root/etc/shadow ]] && ! grep -q '^sbx_user1051:' "$root/etc/shadow"; then
    echo 'sbx_user1051:!:19000:0:99999:7:::' >>"$root/etc/shadow"
  fi
  # A fresh, empty machine-id: every env is "a new machine".
  : >"$root/etc/machine-id"
}

# layer_diff OUT BASE_LAYER...: turns the full root OUT into an overlay upper layer over the
# BASE layers (bottom to top): drops entries identical (type, mode, owner, content) to what
# the base shows, and writes overlayfs whiteouts for base entries that OUT lacks.
layer_diff() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/layer_diff.py" "$@"
}
