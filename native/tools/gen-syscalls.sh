#!/bin/sh
# gen-syscalls.sh CC OUT — the name → number table of this architecture's system calls, from the
# C library's own <sys/syscall.h> as the compiler sees it (no hand-kept list to go stale).
set -eu
echo '#include <sys/syscall.h>' | "$1" -E -dM -x c - |
  sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/    {"\1", \2},/p' | LC_ALL=C sort > "$2.tmp"
test -s "$2.tmp"
mv "$2.tmp" "$2"
