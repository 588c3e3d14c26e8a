# shellcheck shell=bash
# CRIU >= 4.2 for snapshots (design.md §7). Debian 12 ships 3.17, which fails on this kernel
# (vDSO error), so build the binary from Debian unstable's source package and install it to
# /usr/local/sbin, which comes before /usr/sbin in PATH. Sourced by scripts/setup.sh.

FLINT_CRIU_MIN=4.2
FLINT_CRIU_SRC_CACHE=${FLINT_CRIU_SRC_CACHE:-/var/cache/flint/criu-src}
FLINT_CRIU_SOURCES=/etc/apt/sources.list.d/flint-unstable-src.sources
FLINT_CRIU_BUILD_DEPS=(dpkg-dev pkg-config libprotobuf-dev libprotobuf-c-dev protobuf-c-compiler
  protobuf-compiler python3-protobuf libnl-3-dev libnet1-dev libcap-dev libaio-dev
  libgnutls28-dev libnftables-dev libbsd-dev uuid-dev python3-yaml)

# criu_version: prints "X.Y[.Z]" of the criu in PATH, or nothing.
criu_version() {
  command -v criu >/dev/null 2>&1 || return 0
  criu --version 2>/dev/null | sed -n 's/^Version: *\([0-9][0-9.]*\).*/\1/p' | head -n1
}

criu_is_new_enough() {
  local v
  v=$(criu_version)
  [[ -n $v ]] && dpkg --compare-versions "$v" ge "$FLINT_CRIU_MIN"
}

criu_build_from_unstable() {
  if [[ ! -f $FLINT_CRIU_SOURCES ]]; then
    say "adding Debian unstable deb-src entry ($FLINT_CRIU_SOURCES) for the criu source package"
    cat >"$FLINT_CRIU_SOURCES" <<'SRC'
# flint: source packages from Debian unstable, used only to build CRIU >= 4.2 (scripts/setup.sh)
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: unstable
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    APT_UPDATED=0
  fi
  apt_install "${FLINT_CRIU_BUILD_DEPS[@]}"
  mkdir -p "$FLINT_CRIU_SRC_CACHE"
  local srcdir
  srcdir=$(find "$FLINT_CRIU_SRC_CACHE" -mindepth 1 -maxdepth 1 -type d -name 'criu-[0-9]*' | sort -V | tail -n1)
  if [[ -z $srcdir ]]; then
    [[ $APT_UPDATED == 1 ]] || apt_update
    say "fetching criu source from Debian unstable into $FLINT_CRIU_SRC_CACHE"
    # Only the upstream tarball is needed (Debian's patches are packaging-only); the mirror
    # has been seen to 404 on the .debian.tar.xz, so download and unpack the orig by hand.
    (cd "$FLINT_CRIU_SRC_CACHE" && apt-get source -q --download-only criu >apt-source.log 2>&1) || true
    local orig
    orig=$(find "$FLINT_CRIU_SRC_CACHE" -maxdepth 1 -name 'criu_*.orig.tar.*' | sort -V | tail -n1)
    [[ -n $orig ]] || die "apt-get source criu failed, see $FLINT_CRIU_SRC_CACHE/apt-source.log"
    tar -C "$FLINT_CRIU_SRC_CACHE" -xf "$orig"
    srcdir=$(find "$FLINT_CRIU_SRC_CACHE" -mindepth 1 -maxdepth 1 -type d -name 'criu-[0-9]*' | sort -V | tail -n1)
    [[ -n $srcdir ]] || die "no criu source tree under $FLINT_CRIU_SRC_CACHE after unpacking $orig"
  fi
  say "building criu in $srcdir (make -j2 criu)"
  local t0=$SECONDS
  if ! make -C "$srcdir" -j2 criu >"$FLINT_CRIU_SRC_CACHE/build.log" 2>&1; then
    tail -n 30 "$FLINT_CRIU_SRC_CACHE/build.log" >&2
    die "criu build failed, see $FLINT_CRIU_SRC_CACHE/build.log"
  fi
  install -D -m 0755 "$srcdir/criu/criu" /usr/local/sbin/criu
  hash -r
  say "criu $(criu_version) installed to /usr/local/sbin/criu (built in $((SECONDS - t0)) s)"
}

ensure_criu() {
  if ! criu_is_new_enough; then
    say "criu $(criu_version || true) is missing or older than $FLINT_CRIU_MIN"
    criu_build_from_unstable
  fi
  criu_is_new_enough || die "criu in PATH is $(command -v criu): version '$(criu_version)' < $FLINT_CRIU_MIN"
  # `criu check` exits non-zero on hard failures; warnings alone are fine. Report, don't die:
  # snapshot tests probe the features they need themselves.
  local out
  if out=$(criu check 2>&1); then
    say "criu $(criu_version): check ok${out:+ ($(tail -n1 <<<"$out"))}"
  else
    say "criu $(criu_version): WARNING criu check failed: $(tail -n3 <<<"$out" | tr '\n' ' ')"
  fi
}
