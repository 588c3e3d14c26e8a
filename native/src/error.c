/* error.c — stage names, errno names and message formatting (never used in a vfork child). */
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const stage_names[FLINT_STAGE_COUNT] = {
    [FLINT_STAGE_NONE] = "none",
    [FLINT_STAGE_SPEC] = "spec",
    [FLINT_STAGE_CLONE] = "clone",
    [FLINT_STAGE_CGROUP_ATTACH] = "cgroup-attach",
    [FLINT_STAGE_UID_MAP] = "uid-map",
    [FLINT_STAGE_MOUNT_ROOTFS] = "mount-rootfs",
    [FLINT_STAGE_MOUNT_PROC] = "mount-proc",
    [FLINT_STAGE_MOUNT_DEV] = "mount-dev",
    [FLINT_STAGE_MOUNT_TMP] = "mount-tmp",
    [FLINT_STAGE_MOUNT_BIND] = "mount-bind",
    [FLINT_STAGE_PIVOT_ROOT] = "pivot-root",
    [FLINT_STAGE_HOSTNAME] = "hostname",
    [FLINT_STAGE_NETWORK] = "network",
    [FLINT_STAGE_SECCOMP] = "seccomp",
    [FLINT_STAGE_CREDENTIALS] = "credentials",
    [FLINT_STAGE_EXEC] = "exec",
    [FLINT_STAGE_PROXY] = "proxy",
    [FLINT_STAGE_WAIT] = "wait",
    [FLINT_STAGE_SIGNAL] = "signal",
    [FLINT_STAGE_IO] = "io",
    [FLINT_STAGE_CHECKPOINT] = "checkpoint",
    [FLINT_STAGE_RESTORE] = "restore",
};

int32_t flint_stage_count(void) { return FLINT_STAGE_COUNT; }

const char *flint_stage_name(int32_t stage) {
    if (stage < 0 || stage >= FLINT_STAGE_COUNT) return "unknown";
    return stage_names[stage];
}

const char *flint_stage_hint(int32_t stage, int32_t err) {
    if (stage < 0 || stage >= FLINT_STAGE_COUNT) return NULL;
    return flint_error_hint((flint_stage)stage, err);
}

const char *flint_version(void) { return "0.1.0"; }

const char *flint_errno_name(int err, char *buf, int buflen) {
    const char *name = strerrorname_np(err);
    if (name) return name;
    snprintf(buf, (size_t)buflen, "E%d", err);
    return buf;
}

void flint_error_set(flint_error *e, flint_stage stage, int err, const char *fmt, ...) {
    char what[FLINT_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    e->stage = (int32_t)stage;
    e->err = err;
    if (err) {
        char nbuf[16];
        snprintf(e->message, sizeof e->message, "%s: %s: %s", flint_stage_name(stage),
                 flint_errno_name(err, nbuf, sizeof nbuf), what);
    } else {
        snprintf(e->message, sizeof e->message, "%s: %s", flint_stage_name(stage), what);
    }
}

const char *flint_error_hint(flint_stage stage, int err) {
    switch (stage) {
    case FLINT_STAGE_CLONE:
        if (err == EPERM) return "creating namespaces needs root (CAP_SYS_ADMIN); run flint with sudo";
        if (err == ENOSPC) return "a namespace limit was reached (see /proc/sys/user/max_*_namespaces)";
        return NULL;
    case FLINT_STAGE_CGROUP_ATTACH:
        if (err == EBUSY) return "on cgroup v2, move the supervisor out of the root cgroup";
        if (err == EACCES || err == EPERM) return "the cgroup belongs to another user; run flint as root";
        return NULL;
    case FLINT_STAGE_MOUNT_ROOTFS:
        if (err == ENOENT) return "the image is missing or incomplete; rebuild it with: flint image build NAME";
        if (err == ENODEV) return "overlayfs is not available; load it with: modprobe overlay";
        if (err == EACCES)
            return "the sandbox's root is an unprivileged host uid (user namespace): every directory above the "
                   "image layers must be searchable by others (chmod o+x)";
        return NULL;
    case FLINT_STAGE_EXEC:
        if (err == ENOENT) return "the command is not in the image (check the path and PATH)";
        if (err == EACCES) return "the command is not executable (check its mode and the mount's noexec)";
        return NULL;
    case FLINT_STAGE_NONE: case FLINT_STAGE_SPEC: case FLINT_STAGE_UID_MAP:
    case FLINT_STAGE_MOUNT_PROC: case FLINT_STAGE_MOUNT_DEV: case FLINT_STAGE_MOUNT_TMP:
    case FLINT_STAGE_MOUNT_BIND: case FLINT_STAGE_PIVOT_ROOT: case FLINT_STAGE_HOSTNAME:
    case FLINT_STAGE_NETWORK: case FLINT_STAGE_SECCOMP: case FLINT_STAGE_CREDENTIALS:
    case FLINT_STAGE_PROXY: case FLINT_STAGE_WAIT: case FLINT_STAGE_SIGNAL: case FLINT_STAGE_IO:
    case FLINT_STAGE_CHECKPOINT: case FLINT_STAGE_RESTORE:
    case FLINT_STAGE_COUNT:
        return NULL;
    }
    return NULL;
}
