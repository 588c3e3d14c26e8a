/*
 * spawn.c — start a sandbox from inside the JVM without forking it.
 *
 *   JVM thread (flint_spawn)                       child (shares the JVM's memory and the
 *   ─────────────────────────                      calling thread's TLS: raw syscalls only)
 *   parse the JSON spec; open flint-init (O_PATH),
 *   memfd with flint-init's spec, status + fail
 *   pipes, stdio pipes, cgroup.procs fds, a stack
 *   with "netns_fd": setns into that prepared netns
 *     (the clone inherits it; no CLONE_NEWNET)
 *   block every signal (raw, so glibc's 32/33 too)
 *   clone(CLONE_VM|CLONE_VFORK|CLONE_PIDFD|NEW*) ─►  every handler back to SIG_DFL
 *     (suspended until the child execs or exits)
 *   with a user namespace: CLONE_NEWUSER, no VFORK;  [userns: wait for one byte on the go pipe,
 *     write /proc/PID/{uid,gid}_map "0 BASE N",        then setresgid/setgroups(0)/setresuid 0]
 *     then "g" on the go pipe ───────────────────►  write "0" to each cgroup.procs (join)
 *                                                   unshare(CLONE_NEWCGROUP): its root = that cgroup
 *                                                   bind sources → O_PATH fds 5.. (as host uid 0)
 *                                                   fds → 0,1,2 (stdio) 3 (spec) 4 (status);
 *                                                   everything else close-on-exec
 *                                                   empty signal mask; execveat(flint-init)
 *                                                   on failure: {stage, errno, detail} → fail pipe,
 *                                                   _exit(127)
 *   restore the mask; setns back to the host netns
 *   read the fail pipe:
 *   EOF = flint-init runs; a record = reap + error
 *
 * flint-init then builds the root filesystem and reports progress on fd 4 (see init.c).
 */
#include "flint.h"
#include "error.h"
#include "json.h"
#include "rawsys.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define MAX_CGROUPS 8
#define MAX_TOKENS 4096
#define CHILD_STACK (64 * 1024)
#define HIGH_FD 512 /* sources are first moved above the fixed targets 0..4 */
#define MAX_BIND_FDS 32 /* = MAX_BINDS in spec.h: bind sources as O_PATH fds 5.. */

/* What the child writes to the fail pipe when a step fails; EOF means exec succeeded. */
struct fail_record {
    int32_t stage;
    int32_t err;
    int32_t detail; /* e.g. the index of the cgroup.procs file that failed */
};

struct child_args {
    int userns;   /* wait on go_r for the id maps, then become root of the new user namespace */
    int go_r;
    int init_fd;
    char *const *argv;
    char *const *envp;
    int cg_fds[MAX_CGROUPS];
    int ncg;
    int new_cgroupns;
    int src[5]; /* sources for fds 0..4, -1 = leave as is */
    char **bind_src; /* opened O_PATH at fds 5.. for flint-init (NULL-terminated) */
    int fail_w;
};

struct spawn_plan {
    char *init_path;
    char **bind_sources;
    long long map_host_id; /* user namespace: inside 0..map_size-1 → host map_host_id.. */
    long long map_size;    /* 0 = no user namespace */
    char **cgroup_paths;
    int ns_flags;
    int netns_fd; /* -1, or a prepared network namespace to clone into (flint_netns_create) */
    int new_cgroupns;
    int pipe_stdio;
    int stdin_mode; /* 0 inherit, 1 null, 2 pipe */
    const char *sandbox_json;
    int sandbox_len;
};

static void child_fail(const struct child_args *a, int stage, long neg_errno, int detail) {
    struct fail_record r = {stage, (int32_t)-neg_errno, detail};
    RAW3(SYS_write, a->fail_w, &r, sizeof r);
    RAW1(SYS_exit, 127);
}

/* Runs on the small stack; see the comment at the top for why it only uses raw syscalls. */
static int child_main(void *arg) {
    const struct child_args *a = arg;
    struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } dfl = {0};
    for (long sig = 1; sig <= 64; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        RAW4(SYS_rt_sigaction, sig, &dfl, 0, 8); /* SIG_DFL is 0; bad numbers just fail */
    }
    long r;
    if (a->userns) {
        /* The parent writes uid_map/gid_map, then one byte; EOF means it gave up. */
        char go;
        do r = RAW3(SYS_read, a->go_r, &go, 1); while (r == -EINTR);
        if (r != 1) child_fail(a, FLINT_STAGE_UID_MAP, r < 0 ? r : -EPIPE, -1);
    }
    for (int i = 0; i < a->ncg; i++) {
        r = RAW3(SYS_write, a->cg_fds[i], "0", 1);
        if (r < 0) child_fail(a, FLINT_STAGE_CGROUP_ATTACH, r, i);
    }
    if (a->new_cgroupns) {
        r = RAW1(SYS_unshare, CLONE_NEWCGROUP);
        if (r < 0) child_fail(a, FLINT_STAGE_CLONE, r, -1);
    }
    /* Bind sources, opened while this process is still host uid 0 (the owner of directories a
     * mapped root could not search, e.g. a 0700 state dir) and already in the new mount
     * namespace (so flint-init may bind them through /proc/self/fd/N). */
    int bind_fds[MAX_BIND_FDS];
    int nbind = 0;
    for (char **b = a->bind_src; b && *b && nbind < MAX_BIND_FDS; b++, nbind++) {
        r = RAW4(SYS_openat, AT_FDCWD, *b, O_PATH | O_CLOEXEC, 0);
        if (r < 0) r = RAW4(SYS_openat, AT_FDCWD, "/dev/null", O_PATH | O_CLOEXEC, 0); /* flint-init reports it */
        if (r < 0) child_fail(a, FLINT_STAGE_IO, r, nbind);
        bind_fds[nbind] = (int)r;
    }
    if (a->userns) {
        /* Still host uid 0 (unmapped inside) until here: become 0 of the new namespace, i.e.
         * the range's first host id, with no supplementary groups (host root's would stay). */
        if ((r = RAW3(SYS_setresgid, 0, 0, 0)) < 0 || (r = RAW2(SYS_setgroups, 0, 0)) < 0 ||
            (r = RAW3(SYS_setresuid, 0, 0, 0)) < 0)
            child_fail(a, FLINT_STAGE_UID_MAP, r, -2);
    }
    /* Move every source (and flint-init's fd) above the targets first: a source may sit at
     * 0..4 and be overwritten by an earlier dup3 otherwise. */
    long init_fd = RAW3(SYS_fcntl, a->init_fd, F_DUPFD_CLOEXEC, HIGH_FD);
    if (init_fd < 0) child_fail(a, FLINT_STAGE_IO, init_fd, -1);
    int moved[5];
    for (int i = 0; i < 5; i++) {
        moved[i] = -1;
        if (a->src[i] < 0) continue;
        r = RAW3(SYS_fcntl, a->src[i], F_DUPFD_CLOEXEC, HIGH_FD);
        if (r < 0) child_fail(a, FLINT_STAGE_IO, r, i);
        moved[i] = (int)r;
    }
    for (int i = 0; i < nbind; i++) {
        r = RAW3(SYS_fcntl, bind_fds[i], F_DUPFD_CLOEXEC, HIGH_FD);
        if (r < 0) child_fail(a, FLINT_STAGE_IO, r, 5 + i);
        bind_fds[i] = (int)r;
    }
    for (int i = 0; i < 5; i++) {
        if (moved[i] < 0) continue;
        r = RAW3(SYS_dup3, moved[i], i, 0); /* the copy at i is inherited by flint-init */
        if (r < 0) child_fail(a, FLINT_STAGE_IO, r, i);
    }
    for (int i = 0; i < nbind; i++) {
        r = RAW3(SYS_dup3, bind_fds[i], 5 + i, 0);
        if (r < 0) child_fail(a, FLINT_STAGE_IO, r, 5 + i);
    }
    /* JVM fds are not all close-on-exec; marking keeps the fail pipe usable until exec. */
    r = RAW3(SYS_close_range, 5 + nbind, ~0U, CLOSE_RANGE_CLOEXEC);
    if (r < 0) child_fail(a, FLINT_STAGE_IO, r, -1);
    unsigned long empty = 0;
    RAW4(SYS_rt_sigprocmask, SIG_SETMASK, &empty, 0, 8);
    r = RAW5(SYS_execveat, init_fd, "", a->argv, a->envp, AT_EMPTY_PATH);
    child_fail(a, FLINT_STAGE_EXEC, r, -1);
    return 127;
}

static int parse_namespaces(const char *js, const fj_tok *t, int arr, struct spawn_plan *p, flint_error *err) {
    if (arr < 0) { /* default: the full sandbox shape */
        p->ns_flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
        p->new_cgroupns = 1;
        return 0;
    }
    for (int k = 0; k < t[arr].size; k++) {
        char *name = fj_strdup(js, &t[fj_elem(t, arr, k)]);
        int ok = 1;
        if (!name) ok = 0;
        else if (!strcmp(name, "pid")) p->ns_flags |= CLONE_NEWPID;
        else if (!strcmp(name, "mount")) p->ns_flags |= CLONE_NEWNS;
        else if (!strcmp(name, "uts")) p->ns_flags |= CLONE_NEWUTS;
        else if (!strcmp(name, "ipc")) p->ns_flags |= CLONE_NEWIPC;
        else if (!strcmp(name, "net")) p->ns_flags |= CLONE_NEWNET;
        else if (!strcmp(name, "cgroup")) p->new_cgroupns = 1;
        else ok = 0;
        if (!ok) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "unknown namespace '%s' (known: pid, mount, uts, ipc, net, cgroup)",
                            name ? name : "?");
            free(name);
            return -1;
        }
        free(name);
    }
    return 0;
}

static int parse_mode(const char *js, const fj_tok *t, int i, const char *const *names, int n, int dflt,
                      const char *key, flint_error *err) {
    if (i < 0) return dflt;
    char *s = fj_strdup(js, &t[i]);
    for (int k = 0; s && k < n; k++)
        if (!strcmp(s, names[k])) { free(s); return k; }
    flint_error_set(err, FLINT_STAGE_SPEC, 0, "bad value for '%s'", key);
    free(s);
    return -1;
}

static int parse_plan(const char *js, fj_tok *t, struct spawn_plan *p, flint_error *err) {
    int n = fj_parse(js, strlen(js), t, MAX_TOKENS);
    if (n < 0 || t[0].type != FJ_OBJECT) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, n == -2 ? "spec is too large" : "spec is not a JSON object");
        return -1;
    }
    int i = fj_get(js, t, 0, "init");
    if (i < 0 || !(p->init_path = fj_strdup(js, &t[i]))) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "'init' (path of flint-init) is required");
        return -1;
    }
    if (parse_namespaces(js, t, fj_get(js, t, 0, "namespaces"), p, err) < 0) return -1;
    p->netns_fd = -1;
    i = fj_get(js, t, 0, "netns_fd");
    if (i >= 0) {
        long long fd;
        if (fj_int(js, &t[i], &fd) < 0 || fd < 0 || fd > 1 << 20 || (p->ns_flags & CLONE_NEWNET)) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "'netns_fd' must be an fd, with \"net\" left out of 'namespaces'");
            return -1;
        }
        p->netns_fd = (int)fd;
    }
    i = fj_get(js, t, 0, "userns");
    if (i >= 0) {
        int h = fj_get(js, t, i, "host_id"), sz = fj_get(js, t, i, "size");
        if (h < 0 || sz < 0 || fj_int(js, &t[h], &p->map_host_id) < 0 || fj_int(js, &t[sz], &p->map_size) < 0 ||
            p->map_host_id < 1 || p->map_size < 1 || p->map_size > 1LL << 30 || p->map_host_id + p->map_size > 1LL << 32) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "'userns' must be {\"host_id\": N >= 1, \"size\": M >= 1} within 32 bits");
            return -1;
        }
    }
    i = fj_get(js, t, 0, "cgroup_procs");
    if (i >= 0) {
        if (t[i].size > MAX_CGROUPS || !(p->cgroup_paths = fj_strv(js, t, i))) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "'cgroup_procs' must be an array of at most %d paths", MAX_CGROUPS);
            return -1;
        }
    }
    static const char *const stdio_modes[] = {"inherit", "pipe"};
    static const char *const stdin_modes[] = {"inherit", "null", "pipe"};
    p->pipe_stdio = parse_mode(js, t, fj_get(js, t, 0, "stdio"), stdio_modes, 2, 0, "stdio", err);
    p->stdin_mode = parse_mode(js, t, fj_get(js, t, 0, "stdin"), stdin_modes, 3, 0, "stdin", err);
    if (p->pipe_stdio < 0 || p->stdin_mode < 0) return -1;
    i = fj_get(js, t, 0, "sandbox");
    if (i < 0 || t[i].type != FJ_OBJECT) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "'sandbox' (flint-init's spec) must be an object");
        return -1;
    }
    p->sandbox_json = js + t[i].start;
    p->sandbox_len = t[i].end - t[i].start;
    int binds = fj_get(js, t, i, "binds");
    if (binds >= 0 && t[binds].type == FJ_ARRAY && t[binds].size <= MAX_BIND_FDS) {
        if (!(p->bind_sources = calloc((size_t)t[binds].size + 1, sizeof *p->bind_sources))) {
            flint_error_set(err, FLINT_STAGE_SPEC, ENOMEM, "bind list");
            return -1;
        }
        for (int k = 0; k < t[binds].size; k++) {
            int src = fj_get(js, t, fj_elem(t, binds, k), "source");
            if (src < 0 || !(p->bind_sources[k] = fj_strdup(js, &t[src]))) break; /* flint-init reports it */
        }
    }
    return 0;
}

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Parent-side descriptors for one spawn; every one is closed on every path. */
struct spawn_fds {
    int init_fd, spec_fd, status[2], fail[2], out[2], errp[2], in[2], go[2];
    int cg[MAX_CGROUPS];
    int ncg;
};

static void fds_init(struct spawn_fds *f) {
    memset(f, 0xff, sizeof *f); /* every fd -1 */
    f->ncg = 0;
}

static void fds_close_all(struct spawn_fds *f) {
    close_fd(&f->init_fd); close_fd(&f->spec_fd);
    for (int k = 0; k < 2; k++) {
        close_fd(&f->status[k]); close_fd(&f->fail[k]); close_fd(&f->out[k]);
        close_fd(&f->errp[k]); close_fd(&f->in[k]); close_fd(&f->go[k]);
    }
    for (int k = 0; k < f->ncg; k++) close_fd(&f->cg[k]);
}

static int open_resources(const struct spawn_plan *p, struct spawn_fds *f, flint_error *err) {
    f->init_fd = open(p->init_path, O_PATH | O_CLOEXEC);
    if (f->init_fd < 0) {
        flint_error_set(err, FLINT_STAGE_EXEC, errno, "open flint-init '%s'", p->init_path);
        return -1;
    }
    f->spec_fd = memfd_create("flint-spec", MFD_CLOEXEC);
    if (f->spec_fd < 0 || write_all(f->spec_fd, p->sandbox_json, (size_t)p->sandbox_len) < 0 ||
        lseek(f->spec_fd, 0, SEEK_SET) < 0) {
        flint_error_set(err, FLINT_STAGE_IO, errno, "memfd for the sandbox spec");
        return -1;
    }
    if (pipe2(f->status, O_CLOEXEC) < 0 || pipe2(f->fail, O_CLOEXEC) < 0 ||
        (p->pipe_stdio && (pipe2(f->out, O_CLOEXEC) < 0 || pipe2(f->errp, O_CLOEXEC) < 0)) ||
        (p->stdin_mode == 2 && pipe2(f->in, O_CLOEXEC) < 0) || (p->map_size && pipe2(f->go, O_CLOEXEC) < 0)) {
        flint_error_set(err, FLINT_STAGE_IO, errno, "pipe");
        return -1;
    }
    if (p->stdin_mode == 1 && (f->in[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        flint_error_set(err, FLINT_STAGE_IO, errno, "open '/dev/null'");
        return -1;
    }
    for (char **c = p->cgroup_paths; c && *c; c++) {
        f->cg[f->ncg] = open(*c, O_WRONLY | O_CLOEXEC);
        if (f->cg[f->ncg] < 0) {
            flint_error_set(err, FLINT_STAGE_CGROUP_ATTACH, errno, "open '%s'", *c);
            return -1;
        }
        f->ncg++;
    }
    return 0;
}

static void describe_child_failure(const struct spawn_plan *p, const struct fail_record *r, flint_error *err) {
    switch (r->stage) {
    case FLINT_STAGE_CGROUP_ATTACH:
        flint_error_set(err, FLINT_STAGE_CGROUP_ATTACH, r->err, "join cgroup via '%s'",
                        r->detail >= 0 && p->cgroup_paths ? p->cgroup_paths[r->detail] : "?");
        break;
    case FLINT_STAGE_EXEC:
        flint_error_set(err, FLINT_STAGE_EXEC, r->err, "exec flint-init '%s'", p->init_path);
        break;
    case FLINT_STAGE_CLONE:
        flint_error_set(err, FLINT_STAGE_CLONE, r->err, "unshare the cgroup namespace");
        break;
    case FLINT_STAGE_UID_MAP:
        flint_error_set(err, FLINT_STAGE_UID_MAP, r->err, r->detail == -2 ? "become root of the user namespace"
                                                                          : "wait for the id maps");
        break;
    default:
        flint_error_set(err, (flint_stage)r->stage, r->err, "prepare file descriptors (fd %d)", r->detail);
        break;
    }
}

/* "0 host_id size" into /proc/pid/{uid,gid}_map. setgroups stays allowed: the writer is host
 * root, and the child needs setgroups(0) to shed root's supplementary groups. */
static int write_id_maps(int pid, const struct spawn_plan *p, flint_error *err) {
    char path[64], map[64];
    int len = snprintf(map, sizeof map, "0 %lld %lld\n", p->map_host_id, p->map_size);
    const char *const files[] = {"uid_map", "gid_map"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/proc/%d/%s", pid, files[i]);
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, map, (size_t)len) != len) {
            flint_error_set(err, FLINT_STAGE_UID_MAP, errno, "write '%s' (0 → host %lld, %lld ids)", path,
                            p->map_host_id, p->map_size);
            if (fd >= 0) close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

static void plan_free(struct spawn_plan *p) {
    free(p->init_path);
    fj_strv_free(p->cgroup_paths);
    fj_strv_free(p->bind_sources);
}

int flint_spawn(const char *spec_json, flint_spawn_result *out, flint_error *err) {
    memset(err, 0, sizeof *err);
    memset(out, 0xff, sizeof *out);
    out->clone_ns = 0;
    if (!spec_json) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "spec is null");
        return -1;
    }
    struct spawn_plan plan = {0};
    struct spawn_fds f;
    fds_init(&f);
    fj_tok *toks = malloc(sizeof(fj_tok) * MAX_TOKENS);
    void *stack = MAP_FAILED;
    int rc = -1;
    if (!toks) { flint_error_set(err, FLINT_STAGE_SPEC, ENOMEM, "token buffer"); goto out; }
    if (parse_plan(spec_json, toks, &plan, err) < 0 || open_resources(&plan, &f, err) < 0) goto out;

    char *const init_argv[] = {"flint-init", NULL};
    char *const init_envp[] = {NULL};
    struct child_args a = {
        .userns = plan.map_size > 0, .go_r = f.go[0],
        .init_fd = f.init_fd, .argv = init_argv, .envp = init_envp, .ncg = f.ncg,
        .new_cgroupns = plan.new_cgroupns,
        .src = {plan.stdin_mode ? f.in[0] : -1, plan.pipe_stdio ? f.out[1] : -1,
                plan.pipe_stdio ? f.errp[1] : -1, f.spec_fd, f.status[1]},
        .bind_src = plan.bind_sources,
        .fail_w = f.fail[1],
    };
    memcpy(a.cg_fds, f.cg, sizeof a.cg_fds);

    stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) { flint_error_set(err, FLINT_STAGE_CLONE, errno, "mmap child stack"); goto out; }

    sigset_t all, old;
    sigfillset(&all);
    int64_t t0 = now_ns();
    /* A prepared netns: this thread steps into it for the clone only (a netns may be set per
     * thread), so the child starts there with `lo` already up. */
    int host_net = -1;
    if (plan.netns_fd >= 0) {
        host_net = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (host_net < 0) { flint_error_set(err, FLINT_STAGE_CLONE, errno, "open '/proc/thread-self/ns/net'"); goto out; }
        if (setns(plan.netns_fd, CLONE_NEWNET) < 0) {
            flint_error_set(err, FLINT_STAGE_CLONE, errno, "join the prepared network namespace (fd %d)", plan.netns_fd);
            close(host_net);
            goto out;
        }
    }
    /* Raw, so glibc's reserved signals 32/33 are blocked too: no JVM handler may run on the
     * child's stack before it has reset the dispositions. */
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8);
    int pidfd = -1;
    /* SAFETY: CLONE_VM — the child runs on its own stack and only uses raw syscalls until
     * execveat. Without a user namespace CLONE_VFORK suspends this thread until then. With one,
     * this thread must write the id maps while the child waits on the go pipe, so there is no
     * VFORK: the stack and `a` stay valid because this thread does not leave flint_spawn before
     * EOF on the fail pipe (exec) or reaping the child (failure). */
    int userns = plan.map_size > 0;
    int flags = CLONE_VM | CLONE_PIDFD | plan.ns_flags | SIGCHLD | (userns ? CLONE_NEWUSER : CLONE_VFORK);
    int pid = clone(child_main, (char *)stack + CHILD_STACK, flags, &a, &pidfd);
    int clone_errno = errno;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
    if (host_net >= 0) {
        int back = setns(host_net, CLONE_NEWNET);
        int back_errno = errno;
        close(host_net);
        if (back < 0) {
            /* Cannot happen for root going home; if it did, this JVM thread would stay in the
             * sandbox's netns, so the sandbox is given up and the caller hears why. */
            if (pid > 0) {
                syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
                siginfo_t si;
                syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL);
                close(pidfd);
            }
            flint_error_set(err, FLINT_STAGE_CLONE, back_errno, "return the calling thread to the host's network namespace");
            goto out;
        }
    }
    if (pid < 0) {
        flint_error_set(err, FLINT_STAGE_CLONE, clone_errno, "clone into new namespaces");
        goto out;
    }
    close_fd(&f.fail[1]);
    if (userns) {
        int mapped = write_id_maps(pid, &plan, err) == 0 && write(f.go[1], "g", 1) == 1;
        close_fd(&f.go[1]); /* EOF for a child still waiting: it gives up */
        if (!mapped) {
            if (!err->stage) flint_error_set(err, FLINT_STAGE_UID_MAP, errno, "release the child");
            siginfo_t si;
            syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL);
            close(pidfd);
            goto out;
        }
    }
    struct fail_record rec;
    ssize_t n;
    do n = read(f.fail[0], &rec, sizeof rec); while (n < 0 && errno == EINTR);
    if (n != 0) {
        if (n == (ssize_t)sizeof rec) describe_child_failure(&plan, &rec, err);
        else flint_error_set(err, FLINT_STAGE_CLONE, n < 0 ? errno : EPROTO, "read the child's fail pipe");
        siginfo_t si;
        syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, NULL);
        close(pidfd);
        goto out;
    }
    out->clone_ns = now_ns() - t0;
    out->pid = pid;
    out->pidfd = pidfd;
    out->status_fd = f.status[0]; f.status[0] = -1;
    out->stdout_fd = f.out[0]; f.out[0] = -1;
    out->stderr_fd = f.errp[0]; f.errp[0] = -1;
    out->stdin_fd = plan.stdin_mode == 2 ? f.in[1] : -1;
    if (plan.stdin_mode == 2) f.in[1] = -1;
    rc = 0;
out:
    if (stack != MAP_FAILED) munmap(stack, CHILD_STACK);
    fds_close_all(&f);
    plan_free(&plan);
    free(toks);
    return rc;
}

int flint_wait(int32_t pidfd, int32_t timeout_ms, flint_exit *out, flint_error *err) {
    memset(err, 0, sizeof *err);
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    int64_t deadline = timeout_ms < 0 ? -1 : now_ns() + (int64_t)timeout_ms * 1000000LL;
    for (;;) {
        int wait_ms = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ns();
            wait_ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
        }
        int r = poll(&pfd, 1, wait_ms);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { flint_error_set(err, FLINT_STAGE_WAIT, errno, "poll pidfd %d", pidfd); return -1; }
        if (r == 0) return 1;
        break;
    }
    siginfo_t si;
    struct rusage ru;
    memset(&si, 0, sizeof si);
    memset(&ru, 0, sizeof ru);
    if (syscall(SYS_waitid, P_PIDFD, pidfd, &si, WEXITED, &ru) < 0) {
        flint_error_set(err, FLINT_STAGE_WAIT, errno, "waitid on pidfd %d", pidfd);
        return -1;
    }
    out->code = si.si_code == CLD_EXITED ? si.si_status : -1;
    out->signal = si.si_code == CLD_EXITED ? 0 : si.si_status;
    out->utime_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    out->stime_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    out->maxrss_kb = ru.ru_maxrss;
    return 0;
}

int flint_signal(int32_t pidfd, int32_t sig, flint_error *err) {
    memset(err, 0, sizeof *err);
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
        flint_error_set(err, FLINT_STAGE_SIGNAL, errno, "signal %d to pidfd %d", sig, pidfd);
        return -1;
    }
    return 0;
}

int32_t flint_read(int32_t fd, void *buf, int32_t len, flint_error *err) {
    memset(err, 0, sizeof *err);
    ssize_t n;
    do n = read(fd, buf, (size_t)len); while (n < 0 && errno == EINTR);
    if (n < 0) { flint_error_set(err, FLINT_STAGE_IO, errno, "read fd %d", fd); return -1; }
    return (int32_t)n;
}

int flint_write(int32_t fd, const void *buf, int32_t len, flint_error *err) {
    memset(err, 0, sizeof *err);
    if (write_all(fd, buf, (size_t)len) < 0) {
        flint_error_set(err, FLINT_STAGE_IO, errno, "write fd %d", fd);
        return -1;
    }
    return 0;
}

int flint_wait_readable(int32_t fd, int32_t timeout_ms) {
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int r;
    do r = poll(&pfd, 1, timeout_ms); while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r;
}

int32_t flint_pending(int32_t fd) {
    int n = 0;
    return ioctl(fd, FIONREAD, &n) < 0 ? -errno : n;
}

int flint_close(int32_t fd) { return close(fd) < 0 ? -errno : 0; }
