/* security.c — capability sets of the sandboxed command (see security.h). */
#include "security.h"
#include "error.h"

#include <errno.h>
#include <linux/capability.h>
#include <stddef.h>
#include <strings.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

const unsigned long long CAPS_CONTAINER_DEFAULT =
    (1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) |
    (1ULL << CAP_KILL) | (1ULL << CAP_SETGID) | (1ULL << CAP_SETUID) | (1ULL << CAP_SETPCAP) |
    (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_SYS_CHROOT) | (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_SETFCAP);

static const char *const CAP_NAMES[] = {
    "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid", "setpcap",
    "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock", "ipc_owner",
    "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
    "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write", "audit_control", "setfcap",
    "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",
    "checkpoint_restore",
};

int capability_nr(const char *name) {
    if (!name) return -1;
    if (!strncasecmp(name, "cap_", 4)) name += 4;
    for (size_t i = 0; i < sizeof CAP_NAMES / sizeof *CAP_NAMES; i++)
        if (!strcasecmp(CAP_NAMES[i], name)) return (int)i;
    return -1;
}

int drop_capabilities(unsigned long long keep, flint_error *err) {
    for (int cap = 0; cap <= 63; cap++) {
        if (keep & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL) break; /* past the kernel's last capability */
            flint_error_set(err, FLINT_STAGE_CREDENTIALS, errno, "drop capability %d from the bounding set", cap);
            return -1;
        }
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
        flint_error_set(err, FLINT_STAGE_CREDENTIALS, errno, "clear the ambient capabilities");
        return -1;
    }
    /* Inheritable := 0; effective and permitted stay until setresuid/execve recompute them. */
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0) {
        flint_error_set(err, FLINT_STAGE_CREDENTIALS, errno, "capget");
        return -1;
    }
    d[0].inheritable = d[1].inheritable = 0;
    if (syscall(SYS_capset, &h, d) < 0) {
        flint_error_set(err, FLINT_STAGE_CREDENTIALS, errno, "clear the inheritable capabilities");
        return -1;
    }
    return 0;
}
