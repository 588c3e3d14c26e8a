#!/usr/bin/env bash
# Vendors boto3 and its dependencies into vendor/ (as `pip install --no-compile -t` makes a
# deployment package), from Debian 12's packages: apt-get download, dpkg-deb -x, keep the Python
# packages and botocore's models of the services the function uses. No bytecode: /var/task is
# read-only, so every cold start compiles what it imports (scripts/bench-snapstart.sh measures a
# copy with bytecode too). Idempotent: does nothing when vendor/ is complete.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
VENDOR=$HERE/vendor
# Debian's botocore imports requests (its vendored copy is unbundled), so requests comes along.
PACKAGES=(python3-boto3 python3-botocore python3-s3transfer python3-jmespath python3-dateutil python3-urllib3 python3-six
  python3-requests python3-certifi python3-charset-normalizer python3-chardet python3-idna)
SERVICES=(s3 dynamodb sqs sts)

say() { printf 'python-boto3: %s\n' "$*" >&2; }
die() { printf 'python-boto3: error: %s\n' "$*" >&2; exit 1; }

[[ -f $VENDOR/.complete ]] && { say "vendor/ up to date"; exit 0; }
command -v apt-get >/dev/null || die "needs apt-get (Debian) to fetch the packages"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
chmod 0755 "$TMP" # apt's _apt user writes the downloads
say "downloading ${PACKAGES[*]}"
(cd "$TMP" && apt-get download -q "${PACKAGES[@]}" >/dev/null 2>&1) \
  || { apt-get update -q >/dev/null && (cd "$TMP" && apt-get download -q "${PACKAGES[@]}" >/dev/null); } \
  || die "apt-get download failed"
mkdir -p "$TMP/x"
for deb in "$TMP"/*.deb; do dpkg-deb -x "$deb" "$TMP/x"; done
SRC=$TMP/x/usr/lib/python3/dist-packages
rm -rf "$VENDOR"
mkdir -p "$VENDOR"
cp -a "$SRC"/{boto3,botocore,s3transfer,jmespath,dateutil,urllib3,six.py,requests,certifi,charset_normalizer,chardet,idna} \
  "$VENDOR"/
# botocore's data: the shared files and the models of the services used; the rest is ~80 MB the
# function never reads (Lambda layers trim it the same way).
DATA=$VENDOR/botocore/data
for d in "$DATA"/*/; do
  name=$(basename "$d")
  keep=0
  for s in "${SERVICES[@]}"; do [[ $name == "$s" ]] && keep=1; done
  ((keep)) || rm -rf "$d"
done
# boto3's resource models: dynamodb's (the function makes a resource) and nothing else
for d in "$VENDOR"/boto3/data/*/; do
  [[ $(basename "$d") == dynamodb ]] || rm -rf "$d"
done
touch "$VENDOR/.complete"
say "vendor/: $(du -sh "$VENDOR" | cut -f1), $(find "$VENDOR" -name '*.py' | wc -l) modules"
