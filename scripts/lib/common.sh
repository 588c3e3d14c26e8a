# shellcheck shell=bash
# Helpers shared by scripts/setup.sh and scripts/lib/*.sh.

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
apt_update() {
  say "apt-get update"
  apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
  APT_UPDATED=1
}

# pkg_installed NAME: true when dpkg says NAME is installed.
pkg_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]
}

# apt_install PKG...: installs only the packages that are missing; one apt-get update at most.
apt_install() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  [[ $APT_UPDATED == 1 ]] || apt_update
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends "${missing[@]}" >/dev/null
}

# newer_than OUT SRC...: true when OUT exists and no file under SRC... is newer than it.
newer_than() {
  local out=$1; shift
  [[ -e $out ]] || return 1
  local src
  for src in "$@"; do
    [[ -e $src ]] || continue
    [[ -z $(find "$src" -newer "$out" -print -quit) ]] || return 1
  done
}
