package dev.flint.nativeffi;

import com.sun.jna.Library;

/**
 * Mirror of {@code native/include/flint.h}: same names, same order, same contracts. Functions
 * return 0 (or a documented non-negative value) on success and a negative value after filling
 * the caller's {@link FlintError}. None declares {@code LastErrorException}: errno is carried in
 * the error record instead (JNA would throw on any errno left behind by a successful call).
 */
public interface FlintLibrary extends Library {

    /**
     * Clone flint-init into new namespaces (CLONE_VM|CLONE_VFORK: no copy of the JVM's page
     * tables), join the cgroups named in the spec, enter a new cgroup namespace and exec flint-init
     * with the sandbox spec on fd 3 and the status pipe on fd 4. Returns 0 and fills out, or -1.
     */
    int flint_spawn(String specJson, FlintSpawnResult out, FlintError err);

    /**
     * Wait for the process behind pidfd to exit, up to timeoutMs (-1 = forever). Returns 0 when
     * it exited (out filled, reaped), 1 on timeout, -1 on error.
     */
    int flint_wait(int pidfd, int timeoutMs, FlintExit out, FlintError err);

    /** Send sig to the process behind pidfd. Returns 0, or -1 (ESRCH when already gone). */
    int flint_signal(int pidfd, int sig, FlintError err);

    /** read(2) with EINTR retry. Returns bytes read, 0 at EOF, -1 with err filled. */
    int flint_read(int fd, byte[] buf, int len, FlintError err);

    /** write(2) of all len bytes with EINTR retry. Returns 0, or -1 with err filled. */
    int flint_write(int fd, byte[] buf, int len, FlintError err);

    /** Wait until fd is readable (data, EOF, error) up to timeoutMs (-1 = forever): 1, 0 on timeout, or -errno. */
    int flint_wait_readable(int fd, int timeoutMs);

    /** Bytes waiting to be read on a pipe or socket (FIONREAD). Returns the count or -errno. */
    int flint_pending(int fd);

    /** close(2). Returns 0 or -errno. */
    int flint_close(int fd);

    /**
     * Start an external tool (CRIU): stdin /dev/null, stdout+stderr on outFd (-1: /dev/null),
     * fds[i] as fd targets[i], nothing else open, its own session. Returns the pid (pidfd in
     * pidfdOut[0]) or -1.
     */
    int flint_spawn_tool(String[] argv, int[] fds, int[] targets, int nfds, int outFd, int[] pidfdOut, FlintError err);

    /** pidfd_open(2) for a process this JVM did not clone itself. Returns the fd or -1. */
    int flint_pidfd_open(int pid, FlintError err);

    /** mount(2) in the supervisor's mount namespace. 0 or -1. */
    int flint_mount(String source, String target, String fstype, long flags, String data, FlintError err);

    /** umount2(2). 0 or -1. */
    int flint_umount(String target, int flags, FlintError err);

    /** pipe2(O_CLOEXEC): fds[0] read end, fds[1] write end. 0 or -1. */
    int flint_pipe(int[] fds, FlintError err);

    /** A new network namespace with lo up, made on a native thread of its own. Returns its fd or -1. */
    int flint_netns_create(FlintError err);

    /** Number of stages (FLINT_STAGE_COUNT). */
    int flint_stage_count();

    /** The name of one stage ("clone", "mount-rootfs", ...). */
    String flint_stage_name(int stage);

    /** A one-line hint for an errno with a known cause at a stage, or null. */
    String flint_stage_hint(int stage, int err);

    /** Library version string. */
    String flint_version();
}
