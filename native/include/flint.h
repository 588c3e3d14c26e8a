/*
 * flint.h — the one native interface the Java supervisor calls (through JNA, mirrored by
 * dev.flint.nativeffi.FlintLibrary: same names, same order, same contracts).
 *
 * Input crosses as one UTF-8 JSON spec parsed here before clone; results come back in small
 * fixed-width structs. No function here calls exit(); the library lives inside the JVM.
 * Every function returns 0 (or a documented non-negative value) on success and a negative
 * value on failure, after filling the caller's flint_error.
 */
#ifndef FLINT_H
#define FLINT_H

#include <stdint.h>

#if defined(__GNUC__)
#define FLINT_API __attribute__((visibility("default")))
#else
#define FLINT_API
#endif

#define FLINT_MESSAGE_MAX 256

/* The closed list of setup stages. Names (flint_stage_name) are identical in C, Java, the
 * status-fd JSON and the logs; dev.flint.nativeffi.Stage mirrors this list in this order. */
typedef enum flint_stage {
    FLINT_STAGE_NONE = 0,
    FLINT_STAGE_SPEC,           /* "spec": the JSON spec is malformed or out of range */
    FLINT_STAGE_CLONE,          /* "clone" */
    FLINT_STAGE_CGROUP_ATTACH,  /* "cgroup-attach" */
    FLINT_STAGE_UID_MAP,        /* "uid-map" */
    FLINT_STAGE_MOUNT_ROOTFS,   /* "mount-rootfs" */
    FLINT_STAGE_MOUNT_PROC,     /* "mount-proc" */
    FLINT_STAGE_MOUNT_DEV,      /* "mount-dev" */
    FLINT_STAGE_MOUNT_TMP,      /* "mount-tmp" */
    FLINT_STAGE_MOUNT_BIND,     /* "mount-bind" */
    FLINT_STAGE_PIVOT_ROOT,     /* "pivot-root" */
    FLINT_STAGE_HOSTNAME,       /* "hostname" */
    FLINT_STAGE_NETWORK,        /* "network" */
    FLINT_STAGE_SECCOMP,        /* "seccomp" */
    FLINT_STAGE_CREDENTIALS,    /* "credentials" */
    FLINT_STAGE_EXEC,           /* "exec" */
    FLINT_STAGE_PROXY,          /* "proxy" */
    FLINT_STAGE_WAIT,           /* "wait" */
    FLINT_STAGE_SIGNAL,         /* "signal" */
    FLINT_STAGE_IO,             /* "io" */
    FLINT_STAGE_CHECKPOINT,     /* "checkpoint": parking the sandbox or CRIU's dump */
    FLINT_STAGE_RESTORE,        /* "restore": CRIU's restore of a checkpoint */
    FLINT_STAGE_COUNT
} flint_stage;

typedef struct flint_error {
    int32_t stage;                   /* a flint_stage */
    int32_t err;                     /* errno, 0 when not an OS error */
    char message[FLINT_MESSAGE_MAX]; /* "stage: ENAME: what on 'path'", NUL-terminated */
} flint_error;

typedef struct flint_spawn_result {
    int32_t pid;        /* host pid of flint-init (PID 1 in the sandbox) */
    int32_t pidfd;      /* pidfd of that process, close-on-exec */
    int32_t status_fd;  /* read end: flint-init's JSON status lines; EOF after "ready" */
    int32_t stdout_fd;  /* read end of the sandbox's stdout, or -1 when inherited */
    int32_t stderr_fd;  /* read end of the sandbox's stderr, or -1 when inherited */
    int32_t stdin_fd;   /* write end of the sandbox's stdin, or -1 when inherited/null */
    int64_t clone_ns;   /* measured: clone until exec of flint-init was confirmed */
} flint_spawn_result;

typedef struct flint_exit {
    int32_t code;       /* exit code when exited, else -1 */
    int32_t signal;     /* terminating signal, else 0 */
    int64_t utime_us;   /* rusage of flint-init and everything it reaped */
    int64_t stime_us;
    int64_t maxrss_kb;
} flint_exit;

/*
 * Clone flint-init into new namespaces (CLONE_VM|CLONE_VFORK: no copy of the JVM's page
 * tables), join the cgroups named in the spec, enter a new cgroup namespace and exec
 * flint-init with the sandbox spec on fd 3 and the status pipe on fd 4.
 * spec_json: {"init": path, "namespaces": ["pid","mount","uts","ipc","net","cgroup"],
 *             "netns_fd": N (optional: clone into this network namespace instead of a new one;
 *                            "net" must then be left out of "namespaces"),
 *             "cgroup_procs": [paths], "stdio": "inherit"|"pipe", "stdin": "inherit"|"null"|"pipe",
 *             "sandbox": {...flint-init's spec...}}
 * Returns 0 and fills out, or -1 and fills err (stage + errno + message).
 */
FLINT_API int flint_spawn(const char *spec_json, flint_spawn_result *out, flint_error *err);

/*
 * Wait for the process behind pidfd (pid for rusage) to exit, up to timeout_ms (-1 = forever).
 * Returns 0 when it exited (out filled, the zombie reaped), 1 on timeout, -1 on error.
 */
FLINT_API int flint_wait(int32_t pidfd, int32_t timeout_ms, flint_exit *out, flint_error *err);

/* Send sig to the process behind pidfd. Returns 0, or -1 (ESRCH when it is already gone). */
FLINT_API int flint_signal(int32_t pidfd, int32_t sig, flint_error *err);

/* read(2) with EINTR retry. Returns bytes read, 0 at EOF, -1 with err filled. */
FLINT_API int32_t flint_read(int32_t fd, void *buf, int32_t len, flint_error *err);

/* write(2) of all len bytes with EINTR retry. Returns 0, or -1 with err filled. */
FLINT_API int flint_write(int32_t fd, const void *buf, int32_t len, flint_error *err);

/* Wait until fd is readable (data, EOF or error) for up to timeout_ms (-1 = forever).
 * Returns 1 when readable, 0 on timeout, or -errno. */
FLINT_API int flint_wait_readable(int32_t fd, int32_t timeout_ms);

/* Bytes waiting to be read on a pipe or socket (ioctl FIONREAD). Returns the count or -errno. */
FLINT_API int32_t flint_pending(int32_t fd);

/* close(2). Returns 0 or -errno. */
FLINT_API int flint_close(int32_t fd);

/*
 * Start an external tool (CRIU) with: stdin /dev/null, stdout and stderr on out_fd (or
 * /dev/null when -1), fds[i] as fd targets[i] (3..1023), nothing else open, default signal
 * dispositions, a session of its own. Returns its pid and a pidfd in *pidfd_out (for
 * flint_wait/flint_signal), or -1 with err filled.
 */
FLINT_API int flint_spawn_tool(const char *const *argv, const int32_t *fds, const int32_t *targets, int32_t nfds,
                               int32_t out_fd, int32_t *pidfd_out, flint_error *err);

/* pidfd_open(2), close-on-exec: for a process the supervisor did not clone itself (a restored
 * flint-init, a child of this process through CRIU's --restore-sibling). Returns the fd or -1. */
FLINT_API int flint_pidfd_open(int32_t pid, flint_error *err);

/* mount(2) and umount2(2) in the supervisor's mount namespace (a restore's root). 0 or -1. */
FLINT_API int flint_mount(const char *source, const char *target, const char *fstype, int64_t flags,
                          const char *data, flint_error *err);
FLINT_API int flint_umount(const char *target, int32_t flags, flint_error *err);

/* pipe2(O_CLOEXEC): fds[0] read end, fds[1] write end. 0 or -1. */
FLINT_API int flint_pipe(int32_t fds[2], flint_error *err);

/*
 * A new network namespace with `lo` up, made on a thread of its own (the caller's stays where it
 * is), for flint_spawn's "netns_fd". Returns an fd of it (close-on-exec) or -1 with err filled.
 */
FLINT_API int32_t flint_netns_create(flint_error *err);

/* Number of stages (FLINT_STAGE_COUNT) and the name of one ("clone", "mount-rootfs", ...). */
FLINT_API int32_t flint_stage_count(void);
FLINT_API const char *flint_stage_name(int32_t stage);

/* A one-line hint for an errno with a known cause at a stage (e.g. EPERM at "clone" → run as
 * root), or NULL. */
FLINT_API const char *flint_stage_hint(int32_t stage, int32_t err);

/* Library version string, e.g. "0.1.0". */
FLINT_API const char *flint_version(void);

#endif
