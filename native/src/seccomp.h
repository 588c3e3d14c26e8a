/* seccomp.h — the command's system call filter: a deny list compiled to classic BPF by hand
 * (no libseccomp: Debian ships no static libseccomp.a for the static flint-init, and a deny
 * list needs only compare-and-return). */
#ifndef FLINT_SECCOMP_H
#define FLINT_SECCOMP_H

#include "flint.h"

#include <linux/filter.h>

#define SECCOMP_MAX_INSNS 4096 /* BPF_MAXINSNS */

/* The syscalls denied by default (NULL-terminated), in the spirit of Docker's default profile. */
extern const char *const seccomp_default_deny[];

/* Number of the system call `name` on this architecture, or -1 when there is none. */
int seccomp_syscall_nr(const char *name);

/* Build the filter (a pure function): a foreign architecture is killed, x32 numbers and every
 * number in deny[] return EPERM; with `argument_rules` also clone/unshare with new-namespace
 * flags (EPERM), clone3 (ENOSYS, so libc falls back to clone, whose flags can be checked) and
 * personality other than the harmless values (EPERM). Everything else is allowed.
 * Returns the number of instructions written to out (capacity cap), or -1 when they do not fit. */
int seccomp_build(const int *deny, int ndeny, int argument_rules, struct sock_filter *out, int cap);

/* no_new_privs, then install the filter on the calling thread. Returns 0 or -1 with err filled
 * (stage "seccomp"). With n == 0 only no_new_privs is set. */
int seccomp_install(const struct sock_filter *prog, int n, flint_error *err);

#endif
