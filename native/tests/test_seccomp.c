/* test_seccomp.c — the filter builder as a pure function: syscall list → BPF program. A small
 * interpreter for the opcodes the builder emits runs the program on sample seccomp_data. */
#include "check.h"
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

static struct sock_filter prog[SECCOMP_MAX_INSNS];

/* Runs prog on (arch, nr, arg0); returns the action, or 0xdead on an invalid program. */
static unsigned int run(int n, unsigned int arch, int nr, unsigned long long arg0) {
    struct seccomp_data d;
    memset(&d, 0, sizeof d);
    d.arch = arch;
    d.nr = nr;
    d.args[0] = arg0;
    unsigned int a = 0;
    for (int pc = 0; pc < n; pc++) {
        struct sock_filter f = prog[pc];
        switch (f.code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (f.k + 4 > sizeof d) return 0xdead;
            memcpy(&a, (char *)&d + f.k, 4);
            break;
        case BPF_JMP | BPF_JEQ | BPF_K: pc += a == f.k ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JGE | BPF_K: pc += a >= f.k ? f.jt : f.jf; break;
        case BPF_JMP | BPF_JSET | BPF_K: pc += (a & f.k) ? f.jt : f.jf; break;
        case BPF_RET | BPF_K: return f.k;
        default: return 0xdead;
        }
    }
    return 0xdead; /* fell off the end */
}

/* Every jump lands inside the program and the last instruction returns. */
static int well_formed(int n) {
    for (int pc = 0; pc < n; pc++) {
        if (BPF_CLASS(prog[pc].code) == BPF_JMP && (pc + 1 + prog[pc].jt >= n || pc + 1 + prog[pc].jf >= n)) return 0;
    }
    return n > 0 && prog[n - 1].code == (BPF_RET | BPF_K);
}

#define EPERM_RET (SECCOMP_RET_ERRNO | EPERM)

int main(void) {
    /* The table comes from the C library's headers: spot checks on x86_64 numbers. */
    CHECK(seccomp_syscall_nr("read") == SYS_read);
    CHECK(seccomp_syscall_nr("mount") == SYS_mount);
    CHECK(seccomp_syscall_nr("no_such_call") == -1);
    for (int i = 0; seccomp_default_deny[i]; i++) {
        if (seccomp_syscall_nr(seccomp_default_deny[i]) < 0) fprintf(stderr, "unknown: %s\n", seccomp_default_deny[i]);
    }

    /* Empty list, no argument rules: the arch/x32 prologue and allow. */
    int n = seccomp_build(NULL, 0, 0, prog, SECCOMP_MAX_INSNS);
    CHECK(n == 7 && well_formed(n));
    CHECK(run(n, AUDIT_ARCH_X86_64, SYS_mount, 0) == SECCOMP_RET_ALLOW);
    CHECK(run(n, AUDIT_ARCH_I386, 1, 0) == SECCOMP_RET_KILL_PROCESS);
    CHECK(run(n, AUDIT_ARCH_X86_64, 0x40000000 + SYS_mount, 0) == EPERM_RET);

    /* Two per denied call, plus the argument rules. */
    int deny[] = {SYS_mount, SYS_ptrace, SYS_unshare};
    n = seccomp_build(deny, 3, 0, prog, SECCOMP_MAX_INSNS);
    CHECK(n == 7 + 2 * 3 && well_formed(n));
    CHECK(run(n, AUDIT_ARCH_X86_64, SYS_mount, 0) == EPERM_RET);
    CHECK(run(n, AUDIT_ARCH_X86_64, SYS_ptrace, 0) == EPERM_RET);
    CHECK(run(n, AUDIT_ARCH_X86_64, SYS_read, 0) == SECCOMP_RET_ALLOW);

    int m = seccomp_build(deny, 2, 1, prog, SECCOMP_MAX_INSNS);
    CHECK(m == 7 + 2 * 2 + 2 + 5 + 5 + 9 && well_formed(m));
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_clone3, 0) == (SECCOMP_RET_ERRNO | ENOSYS));
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_clone, CLONE_NEWUSER) == EPERM_RET);
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_clone, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD) ==
          SECCOMP_RET_ALLOW);
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_unshare, CLONE_NEWNS) == EPERM_RET);
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_unshare, CLONE_FILES) == SECCOMP_RET_ALLOW);
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_personality, 0xffffffff) == SECCOMP_RET_ALLOW);
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_personality, 0) == SECCOMP_RET_ALLOW);
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */) == EPERM_RET);
    CHECK(run(m, AUDIT_ARCH_X86_64, SYS_getpid, 0) == SECCOMP_RET_ALLOW);

    /* The default list: every name resolves, every entry denied, long lists still well formed. */
    int all[512], k = 0;
    for (int i = 0; seccomp_default_deny[i]; i++) {
        all[k] = seccomp_syscall_nr(seccomp_default_deny[i]);
        CHECK(all[k] >= 0);
        k++;
    }
    n = seccomp_build(all, k, 1, prog, SECCOMP_MAX_INSNS);
    CHECK(n > 0 && well_formed(n));
    for (int i = 0; i < k; i++) CHECK(run(n, AUDIT_ARCH_X86_64, all[i], 0) == EPERM_RET);
    CHECK(run(n, AUDIT_ARCH_X86_64, SYS_write, 0) == SECCOMP_RET_ALLOW);
    for (int i = 0; i < 400; i++) all[i] = i;
    n = seccomp_build(all, 400, 0, prog, SECCOMP_MAX_INSNS);
    CHECK(n == 807 && well_formed(n) && run(n, AUDIT_ARCH_X86_64, 399, 0) == EPERM_RET);
    CHECK(seccomp_build(all, 400, 0, prog, 100) == -1); /* does not fit: refused, nothing overrun */
    return CHECK_DONE();
}
