#!/usr/bin/env bash
# Make this host ready to run flint (idempotent; seconds when everything is present):
# Debian packages, CRIU >= 4.2, native + Java build, the `flint` command, state dirs, the
# default images. Run as root from anywhere:  scripts/setup.sh
#   FLINT_SETUP_IMAGES="provided python3.11 java17"   images to build ("" = none)
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=lib/common.sh
. "$REPO/scripts/lib/common.sh"
# shellcheck source=lib/criu.sh
. "$REPO/scripts/lib/criu.sh"

# Java 17 is the target even where another JDK is the default.
export JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
export PATH=/usr/local/sbin:/usr/local/bin:$JAVA_HOME/bin:$PATH

[[ $(id -u) == 0 ]] || die "run as root (installs packages, builds images, creates /var/lib/flint)"

HOST_PACKAGES=(build-essential cmake maven openjdk-17-jdk-headless mmdebstrap iproute2
  bubblewrap runc util-linux curl ca-certificates zstd python3 dpkg-dev unzip
  skopeo umoci docker-registry apache2-utils)
# skopeo, umoci, docker-registry, htpasswd (apache2-utils): the image tests build, push and pull
# container images with them (flint itself needs none of them)

t_start=$SECONDS
apt_install "${HOST_PACKAGES[@]}"
[[ -x $JAVA_HOME/bin/java ]] || die "no Java 17 at $JAVA_HOME"
# Debian starts docker-registry as a service on :5000; the tests run their own on 127.0.0.1
if [[ -d /run/systemd/system ]] && systemctl is-enabled -q docker-registry 2>/dev/null; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
say "packages ok"

ensure_criu

# --- build --------------------------------------------------------------------------------
cd "$REPO"
if [[ -f CMakeLists.txt ]]; then
  if newer_than build/native/CMakeCache.txt CMakeLists.txt native &&
     [[ -e build/native/libflint.so && -e build/native/flint-init ]] &&
     newer_than build/native/libflint.so CMakeLists.txt native; then
    say "native build up to date"
  else
    say "building native (cmake)"
    cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null || die "cmake configure failed"
    cmake --build build/native -j2 >/dev/null || die "native build failed"
  fi
else
  say "no CMakeLists.txt yet: skipping native build"
fi

if newer_than target/flint.jar pom.xml launcher/src/main; then
  say "java build up to date (target/flint.jar)"
else
  say "building java (mvn -DskipTests package)"
  mvn -q -B -DskipTests package || die "mvn package failed (see the output above)"
fi

# --- command + state dirs ---------------------------------------------------------------
# The examples' build outputs (function code), built with the same Maven and JDK.
if newer_than examples/hello-java/target/hello-java.jar examples/hello-java/pom.xml examples/hello-java/src; then
  say "examples/hello-java up to date"
else
  say "building examples/hello-java"
  mvn -q -B -f examples/hello-java/pom.xml package || die "building examples/hello-java failed"
fi
# The SnapStart examples: a jar with org.crac bundled, and the generated modules the heavy
# Python example imports (not committed; deterministic).
if newer_than examples/snapstart-java/target/snapstart-java.jar examples/snapstart-java/pom.xml examples/snapstart-java/src; then
  say "examples/snapstart-java up to date"
else
  say "building examples/snapstart-java"
  mvn -q -B -f examples/snapstart-java/pom.xml package || die "building examples/snapstart-java failed"
fi
if newer_than examples/snapstart-python-heavy/heavy_modules/__init__.py examples/snapstart-python-heavy/generate.py; then
  say "examples/snapstart-python-heavy up to date"
else
  say "generating examples/snapstart-python-heavy/heavy_modules"
  /usr/bin/python3 examples/snapstart-python-heavy/generate.py || die "examples/snapstart-python-heavy/generate.py failed"
fi

ln -sfn "$REPO/scripts/flint" /usr/local/bin/flint
mkdir -p /var/lib/flint/images /var/lib/flint/code /var/lib/flint/snapshots /run/flint
say "flint -> $REPO/scripts/flint; state in /var/lib/flint, /run/flint"

# --- images -------------------------------------------------------------------------------
read -r -a images <<<"${FLINT_SETUP_IMAGES-provided python3.11 java17}"
if ((${#images[@]})); then
  "$REPO/scripts/flint" image build "${images[@]}" || die "image build failed (see above)"
fi
# A class-data archive of one real run makes every later `flint` start ~35 % faster.
if [[ " ${images[*]} " == *" python3.11 "* ]] && ! newer_than target/flint.jsa target/flint.jar; then
  say "recording the JVM class-data archive (target/flint.jsa)"
  rm -f target/flint.jsa
  "$JAVA_HOME/bin/java" -XX:ArchiveClassesAtExit=target/flint.jsa -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Xlog:disable -Xlog:all=warning:stderr -Dflint.home="$REPO" -Dflint.native.dir="$REPO/build/native" \
    -jar target/flint.jar run examples/hello-python >/dev/null 2>&1 ||
    { rm -f target/flint.jsa; say "class-data archive skipped (the recording run failed)"; }
fi
say "done in $((SECONDS - t_start)) s"
