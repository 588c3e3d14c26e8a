/* tool.c — run an external tool (CRIU) from the JVM with chosen fds, and the few host-side
 * calls snapshots need: pidfd_open for a process the supervisor did not clone itself (a restored
 * flint-init), and mount/umount for the root a restore goes into. */
#include "flint.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#define TOOL_MAX_FDS 16
#define TOOL_HIGH_FD 1024

extern char **environ;

int flint_spawn_tool(const char *const *argv, const int32_t *fds, const int32_t *targets, int32_t nfds,
                     int32_t out_fd, int32_t *pidfd_out, flint_error *err) {
    memset(err, 0, sizeof *err);
    if (!argv || !argv[0] || nfds < 0 || nfds > TOOL_MAX_FDS) {
        flint_error_set(err, FLINT_STAGE_SPEC, EINVAL, "tool: argv missing or %d fds (max %d)", nfds, TOOL_MAX_FDS);
        return -1;
    }
    int high[TOOL_MAX_FDS + 1];
    int nhigh = 0, maxtarget = 2, rc = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    /* Every source first goes above the targets, so no dup2 overwrites a later source. */
    for (int i = 0; i <= nfds; i++) {
        int src = i < nfds ? fds[i] : out_fd;
        if (src < 0) { high[nhigh++] = -1; continue; }
        int h = fcntl(src, F_DUPFD_CLOEXEC, TOOL_HIGH_FD);
        if (h < 0) {
            flint_error_set(err, FLINT_STAGE_IO, errno, "tool: dup fd %d", src);
            goto out;
        }
        high[nhigh++] = h;
    }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (high[nfds] >= 0) {
        posix_spawn_file_actions_adddup2(&fa, high[nfds], 1);
        posix_spawn_file_actions_adddup2(&fa, high[nfds], 2);
    } else {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    }
    for (int i = 0; i < nfds; i++) {
        if (targets[i] < 3 || targets[i] >= TOOL_HIGH_FD) {
            flint_error_set(err, FLINT_STAGE_SPEC, EINVAL, "tool: target fd %d outside 3..%d", targets[i], TOOL_HIGH_FD - 1);
            goto out;
        }
        posix_spawn_file_actions_adddup2(&fa, high[i], targets[i]);
        if (targets[i] > maxtarget) maxtarget = targets[i];
    }
    /* JVM fds are not all close-on-exec: the tool gets exactly 0..2 and the targets. */
    posix_spawn_file_actions_addclosefrom_np(&fa, maxtarget + 1);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    pid_t pid;
    int e = posix_spawn(&pid, argv[0], &fa, &at, (char *const *)argv, environ);
    if (e != 0) {
        flint_error_set(err, FLINT_STAGE_EXEC, e, "tool: exec '%s'", argv[0]);
        goto out;
    }
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        /* Cannot happen for our own unreaped child; kill it rather than lose track of it. */
        flint_error_set(err, FLINT_STAGE_EXEC, errno, "tool: pidfd_open %d", pid);
        kill(pid, SIGKILL);
        goto out;
    }
    *pidfd_out = pidfd; /* pidfd_open sets close-on-exec itself */
    rc = pid;
out:
    for (int i = 0; i < nhigh; i++)
        if (high[i] >= 0) close(high[i]);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    return rc;
}

int flint_pidfd_open(int32_t pid, flint_error *err) {
    memset(err, 0, sizeof *err);
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        flint_error_set(err, FLINT_STAGE_WAIT, errno, "pidfd_open %d", pid);
        return -1;
    }
    return fd; /* close-on-exec, as pidfd_open makes every pidfd */
}

int flint_mount(const char *source, const char *target, const char *fstype, int64_t flags, const char *data,
                flint_error *err) {
    memset(err, 0, sizeof *err);
    if (mount(source, target, fstype, (unsigned long)flags, data) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "mount %s on '%s'", fstype ? fstype : "(bind)", target);
        return -1;
    }
    return 0;
}

int flint_umount(const char *target, int32_t flags, flint_error *err) {
    memset(err, 0, sizeof *err);
    if (umount2(target, flags) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "umount '%s'", target);
        return -1;
    }
    return 0;
}

int flint_pipe(int32_t fds[2], flint_error *err) {
    memset(err, 0, sizeof *err);
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        flint_error_set(err, FLINT_STAGE_IO, errno, "pipe");
        return -1;
    }
    fds[0] = p[0];
    fds[1] = p[1];
    return 0;
}
