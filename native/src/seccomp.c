/* seccomp.c — the deny-list filter of the sandboxed command (see seccomp.h).
 *
 * Layout of the program (every jump is forward and short, so any list length is valid BPF):
 *   ld arch; jeq AUDIT_ARCH_X86_64 ? +1 : 0; ret KILL_PROCESS        foreign ABI (i386 int 0x80)
 *   ld nr;   jge X32_BIT ? 0 : +1;          ret ERRNO(EPERM)           x32 numbers alias the deny list
 *   per denied nr: jeq nr ? 0 : +1; ret ERRNO(EPERM)
 *   [argument rules: clone3 → ENOSYS; clone/unshare with CLONE_NEW* → EPERM; personality]
 *   ret ALLOW
 * Denied calls return EPERM and never kill: a runtime probing for a feature keeps running. */
#include "seccomp.h"
#include "error.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define FLINT_AUDIT_ARCH AUDIT_ARCH_X86_64
#define FLINT_X32_BIT 0x40000000U
#elif defined(__aarch64__)
#define FLINT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#define FLINT_X32_BIT 0xffffffffU /* no second ABI on the same arch value */
#else
#error "seccomp.c needs the audit arch of this architecture"
#endif

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct { const char *name; int nr; } SYSCALLS[] = {
#include "syscalls.h"
};

const char *const seccomp_default_deny[] = {
    /* mounts and the root */
    "mount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
    "mount_setattr",
    /* namespaces (clone/unshare with CLONE_NEW* are argument rules) */
    "setns",
    /* the kernel itself */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon",
    "swapoff", "syslog", "acct", "quotactl", "quotactl_fd", "lookup_dcookie", "iopl", "ioperm", "vhangup",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "fanotify_init", "nfsservctl", "get_kernel_syms", "query_module", "create_module", "uselib", "sysfs",
    /* keyrings are not namespaced */
    "keyctl", "add_key", "request_key",
    /* other processes */
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    /* clocks are global */
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    /* file handles bypass the mount tree (shocker) */
    "open_by_handle_at", "name_to_handle_at",
    NULL,
};

int seccomp_syscall_nr(const char *name) {
    if (!name) return -1;
    for (size_t i = 0; i < sizeof SYSCALLS / sizeof *SYSCALLS; i++)
        if (!strcmp(SYSCALLS[i].name, name)) return SYSCALLS[i].nr;
    return -1;
}

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
                  CLONE_NEWCGROUP | CLONE_NEWTIME)
#define RET_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define ARG0_LOW offsetof(struct seccomp_data, args[0]) /* little-endian: the low 32 bits */

struct emitter {
    struct sock_filter *out;
    int n, cap;
};

static void emit(struct emitter *e, unsigned short code, unsigned char jt, unsigned char jf, unsigned int k) {
    if (e->n < e->cap) e->out[e->n] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
    e->n++;
}

static void ld(struct emitter *e, unsigned int off) { emit(e, BPF_LD | BPF_W | BPF_ABS, 0, 0, off); }
static void ret(struct emitter *e, unsigned int v) { emit(e, BPF_RET | BPF_K, 0, 0, v); }
static void jeq(struct emitter *e, unsigned int k, unsigned char jt, unsigned char jf) { emit(e, BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k); }

/* nr with CLONE_NEW* in arg 0 → EPERM, other flags → allow. A holds nr on entry. */
static void deny_ns_flags(struct emitter *e, int nr) {
    jeq(e, (unsigned int)nr, 0, 4);
    ld(e, ARG0_LOW);
    emit(e, BPF_JMP | BPF_JSET | BPF_K, 0, 1, NS_FLAGS);
    ret(e, RET_EPERM);
    ret(e, SECCOMP_RET_ALLOW);
}

/* personality: only the values Docker allows (query, PER_LINUX, UNAME26, ADDR_NO_RANDOMIZE). */
static void personality_rule(struct emitter *e, int nr) {
    static const unsigned int ok[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};
    const int n = (int)(sizeof ok / sizeof *ok);
    jeq(e, (unsigned int)nr, 0, (unsigned char)(n + 3));
    ld(e, ARG0_LOW);
    for (int i = 0; i < n; i++) jeq(e, ok[i], (unsigned char)(n - i), 0);
    ret(e, RET_EPERM);
    ret(e, SECCOMP_RET_ALLOW);
}

int seccomp_build(const int *deny, int ndeny, int argument_rules, struct sock_filter *out, int cap) {
    struct emitter e = {out, 0, cap};
    ld(&e, offsetof(struct seccomp_data, arch));
    jeq(&e, FLINT_AUDIT_ARCH, 1, 0);
    ret(&e, SECCOMP_RET_KILL_PROCESS);
    ld(&e, offsetof(struct seccomp_data, nr));
    emit(&e, BPF_JMP | BPF_JGE | BPF_K, 0, 1, FLINT_X32_BIT);
    ret(&e, RET_EPERM);
    for (int i = 0; i < ndeny; i++) {
        jeq(&e, (unsigned int)deny[i], 0, 1);
        ret(&e, RET_EPERM);
    }
    if (argument_rules) {
#ifdef SYS_clone3
        jeq(&e, SYS_clone3, 0, 1);
        ret(&e, SECCOMP_RET_ERRNO | ENOSYS);
#endif
        deny_ns_flags(&e, SYS_clone);
        deny_ns_flags(&e, SYS_unshare);
#ifdef SYS_personality
        personality_rule(&e, SYS_personality);
#endif
    }
    ret(&e, SECCOMP_RET_ALLOW);
    return e.n <= cap ? e.n : -1;
}

int seccomp_install(const struct sock_filter *prog, int n, flint_error *err) {
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        flint_error_set(err, FLINT_STAGE_SECCOMP, errno, "set no_new_privs");
        return -1;
    }
    if (n == 0) return 0;
    struct sock_fprog fprog = {.len = (unsigned short)n, .filter = (struct sock_filter *)prog};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
        flint_error_set(err, FLINT_STAGE_SECCOMP, errno, "install the filter (%d instructions)", n);
        return -1;
    }
    return 0;
}
