# shellcheck shell=bash
# Builds for the bench scripts, which source this after setting REPO and defining say().

# stale OUT SRC...: OUT is missing or older than a file under SRC.
stale() {
  local out=$1; shift
  [[ -e $out ]] || return 0
  [[ -n $(find "$@" -newer "$out" -print -quit 2>/dev/null) ]]
}

# build_flint: cd to the repo; build libflint + flint-init and target/flint.jar where older than
# their sources (a bench must measure the code that is checked out).
build_flint() {
  cd "$REPO"
  export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
  if stale build/native/libflint.so native CMakeLists.txt || stale build/native/flint-init native; then
    say "building native"
    cmake -S . -B build/native >/dev/null
    cmake --build build/native -j"$(nproc)" >/dev/null
  fi
  if stale target/flint.jar launcher/src/main pom.xml; then
    say "building target/flint.jar"
    mvn -q -DskipTests package
  fi
}
