/*
 * init.c — flint-init, PID 1 of every sandbox.
 *
 *   supervisor (JVM) ──clone+exec──► flint-init (PID 1, root in the sandbox's namespaces)
 *     fd 3: sandbox spec (memfd)       │ build the root: overlay, /proc, /dev, /tmp, binds,
 *     fd 4: status pipe ◄──────────────┤   pivot_root, read-only /; hostname; lo up; proxy
 *                                       │ fork ──► command: caps, uid/gid, cwd, no_new_privs,
 *                                       │            seccomp (last), execvpe
 *                                       │            exec failure → errno on a CLOEXEC pipe
 *     {"ready":true,...} or {"stage":..}◄┤ then: reap every child, forward signals to the
 *     EOF on fd 4                        │ command, relay 127.0.0.1:PORT ⇄ the api socket
 *                                       └ exit with the command's status (128+N if killed by N);
 *                                         the kernel then kills whatever is left in the pidns.
 *
 * Snapshots ("snapshot": true): fd 4 stays open after "ready". SIGUSR1 parks the proxy (no
 * connection to the supervisor is left; see proxy.c), writes {"parked":N} and closes fd 4: from
 * then on the sandbox holds nothing of the host but its stdout/stderr pipes, and CRIU can dump
 * it. SIGUSR2 (sent to the restored copy) resumes the proxy: the runtime's parked request goes to
 * the new env's Runtime API. Both signals are flint-init's own then, never forwarded.
 */
#include "error.h"
#include "mounts.h"
#include "net.h"
#include "proxy.h"
#include "seccomp.h"
#include "security.h"
#include "spec.h"
#include "status.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#define SPEC_FD 3
#define SPEC_MAX (1 << 20)

static char *read_spec(size_t *len, flint_error *err) {
    char *buf = malloc(SPEC_MAX + 1);
    size_t n = 0;
    if (!buf) { flint_error_set(err, FLINT_STAGE_SPEC, ENOMEM, "spec buffer"); return NULL; }
    for (;;) {
        ssize_t r = read(SPEC_FD, buf + n, SPEC_MAX - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { flint_error_set(err, FLINT_STAGE_SPEC, errno, "read spec from fd %d", SPEC_FD); free(buf); return NULL; }
        if (r == 0) break;
        n += (size_t)r;
        if (n == SPEC_MAX) { flint_error_set(err, FLINT_STAGE_SPEC, E2BIG, "spec over %d bytes", SPEC_MAX); free(buf); return NULL; }
    }
    close(SPEC_FD);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* The command's seccomp program, built by PID 1 before the fork. */
struct filter {
    struct sock_filter insns[SECCOMP_MAX_INSNS];
    int n;
};

/* In the forked command: capabilities, user, cwd, no_new_privs + seccomp (always last), exec.
 * Failure → {stage, errno} on fail_w. */
static void exec_command(const struct sandbox_spec *s, const struct filter *f, const sigset_t *oldmask, int fail_w) {
    int stage = FLINT_STAGE_CREDENTIALS;
    sigprocmask(SIG_SETMASK, oldmask, NULL);
    signal(SIGPIPE, SIG_DFL);
    flint_error ignored;
    if (drop_capabilities(s->caps, &ignored) < 0) goto fail;
    gid_t gid = (gid_t)s->gid;
    if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 || setresuid((uid_t)s->uid, (uid_t)s->uid, (uid_t)s->uid) < 0)
        goto fail;
    stage = FLINT_STAGE_EXEC;
    if (chdir(s->cwd) < 0) goto fail;
    stage = FLINT_STAGE_SECCOMP;
    if (seccomp_install(f->insns, f->n, &ignored) < 0) goto fail;
    stage = FLINT_STAGE_EXEC;
    execvpe(s->argv[0], s->argv, s->env);
fail:;
    int rec[2] = {stage, errno};
    (void)!write(fail_w, rec, sizeof rec);
    _exit(127);
}

/* Fork the command; returns its pid after exec was confirmed, or -1 with err filled. */
static pid_t start_command(const struct sandbox_spec *s, const sigset_t *oldmask, flint_error *err) {
    static struct filter f;
    f.n = 0;
    if (s->seccomp_mode != SECCOMP_OFF &&
        (f.n = seccomp_build(s->seccomp_deny, s->nseccomp_deny, s->seccomp_mode == SECCOMP_DEFAULT, f.insns,
                             SECCOMP_MAX_INSNS)) < 0) {
        flint_error_set(err, FLINT_STAGE_SECCOMP, E2BIG, "deny list of %d syscalls", s->nseccomp_deny);
        return -1;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) { flint_error_set(err, FLINT_STAGE_EXEC, errno, "pipe"); return -1; }
    /* vfork: no copy of PID 1's page tables, and PID 1 resumes only once the command has exec'd
     * or failed, so the pipe holds the answer by then. The child only makes syscalls, reads the
     * spec and the filter, and ends in exec or _exit. */
    pid_t pid = vfork();
    if (pid < 0) { flint_error_set(err, FLINT_STAGE_EXEC, errno, "fork the command"); return -1; }
    if (pid == 0) {
        close(p[0]);
        close(STATUS_FD);
        exec_command(s, &f, oldmask, p[1]);
    }
    close(p[1]);
    int rec[2];
    ssize_t n;
    do n = read(p[0], rec, sizeof rec); while (n < 0 && errno == EINTR);
    close(p[0]);
    if (n == (ssize_t)sizeof rec) {
        if (rec[0] == FLINT_STAGE_SECCOMP)
            flint_error_set(err, FLINT_STAGE_SECCOMP, rec[1], "install no_new_privs and the filter");
        else if (rec[0] == FLINT_STAGE_CREDENTIALS)
            flint_error_set(err, FLINT_STAGE_CREDENTIALS, rec[1], "switch to uid %lld gid %lld", s->uid, s->gid);
        else
            flint_error_set(err, FLINT_STAGE_EXEC, rec[1], "exec '%s'", s->argv[0]);
        return pid; /* it exits 127; the main loop reaps it like any other end */
    }
    return pid;
}

static int exit_status_of(int wstatus) {
    if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
    return 255;
}

/* PID 1 duties until the command ends: reap, forward signals, relay the Runtime API. */
static int supervise(pid_t command, struct proxy *proxy, int sfd, int snapshot) {
    struct pollfd pfds[1 + 1 + 2 * PROXY_MAX_CONNS];
    for (;;) {
        pfds[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
        int n = 1 + (proxy ? proxy_pollfds(proxy, pfds + 1, (int)(sizeof pfds / sizeof *pfds) - 1) : 0);
        if (poll(pfds, (nfds_t)n, -1) < 0) {
            if (errno == EINTR) continue;
            return 255;
        }
        if (pfds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                if (snapshot && si.ssi_signo == SIGUSR1) {
                    status_parked(proxy_park(proxy));
                    close(STATUS_FD);
                    continue;
                }
                if (snapshot && si.ssi_signo == SIGUSR2) {
                    proxy_resume(proxy);
                    continue;
                }
                if (si.ssi_signo != SIGCHLD) { kill(command, (int)si.ssi_signo); continue; }
                int ws;
                pid_t r;
                while ((r = waitpid(-1, &ws, WNOHANG)) > 0)
                    if (r == command) return exit_status_of(ws);
            }
        }
        if (proxy) proxy_handle(proxy, pfds + 1, n - 1);
    }
}

/* Phases measured before a re-exec travel as "name=us,name=us" in argv[2]. */
static void phases_encode(const struct phase_clock *c, char *buf, size_t cap) {
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < c->n && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s=%lld", i ? "," : "", c->names[i], (long long)c->us[i]);
}

static void phases_decode(struct phase_clock *c, char *s) {
    for (char *tok = strtok(s, ","); tok && c->n < MAX_PHASES; tok = strtok(NULL, ",")) {
        char *eq = strchr(tok, '=');
        if (!eq) continue;
        *eq = 0;
        for (int st = 0; st < FLINT_STAGE_COUNT; st++)
            if (!strcmp(flint_stage_name(st), tok)) {
                c->names[c->n] = flint_stage_name(st);
                c->us[c->n++] = atoll(eq + 1);
                break;
            }
    }
}

/*
 * Snapshots: the supervisor execs flint-init from a host path, a mount that is not in the
 * sandbox, where CRIU cannot name the executable. Once the root is built, flint-init execs
 * itself again from its bind mount inside (SNAPSHOT_INIT), with the spec on a memfd at fd 3.
 */
#define SNAPSHOT_INIT "/.flint-init"

static void reexec_inside(const char *js, size_t len, const struct phase_clock *clock, flint_error *err) {
    int fd = memfd_create("flint-spec", 0);
    if (fd < 0 || write(fd, js, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) < 0 ||
        (fd != SPEC_FD && (dup2(fd, SPEC_FD) < 0 || close(fd) < 0))) {
        flint_error_set(err, FLINT_STAGE_EXEC, errno, "spec memfd for the re-exec of flint-init");
        return;
    }
    char phases[512];
    phases_encode(clock, phases, sizeof phases);
    char *const argv[] = {"flint-init", "--rooted", phases, NULL};
    char *const envp[] = {NULL};
    execve(SNAPSHOT_INIT, argv, envp);
    flint_error_set(err, FLINT_STAGE_EXEC, errno, "re-exec flint-init from '%s'", SNAPSHOT_INIT);
}

int main(int argc, char **argv) {
    struct phase_clock clock = {0};
    phase_start(&clock);
    prctl(PR_SET_NAME, "flint-init");
    flint_error err = {0};
    struct sandbox_spec spec;
    size_t len = 0;
    int rooted = argc >= 3 && !strcmp(argv[1], "--rooted");
    if (rooted) phases_decode(&clock, argv[2]);
    char *js = read_spec(&len, &err);
    if (!js || spec_parse(js, len, &spec, &err) < 0) goto fail;
    if (!rooted) phase_end(&clock, FLINT_STAGE_SPEC);

    if (!rooted) {
        int built = build_root(&spec, &clock, &err);
        close_bind_fds(&spec);
        if (built < 0) goto fail;
        if (sethostname(spec.hostname, strlen(spec.hostname)) < 0) {
            flint_error_set(&err, FLINT_STAGE_HOSTNAME, errno, "sethostname '%s'", spec.hostname);
            goto fail;
        }
        phase_end(&clock, FLINT_STAGE_HOSTNAME);
        if (!spec.host_network && !spec.net_prepared && net_loopback_up(&err) < 0) goto fail;
        phase_end(&clock, FLINT_STAGE_NETWORK);
        if (spec.snapshot) {
            /* CRIU dumps a session only when its leader is inside the pid namespace. */
            setsid();
            reexec_inside(js, len, &clock, &err);
            goto fail;
        }
    }
    free(js);
    js = NULL;
    struct proxy *proxy = NULL;
    if (spec.proxy_port && !(proxy = proxy_open((int)spec.proxy_port, spec.proxy_socket, spec.snapshot, &err))) goto fail;
    phase_end(&clock, FLINT_STAGE_PROXY);
    if (spec.snapshot) {
        /* The host's /dev/null (opened before the clone) lies outside the sandbox's mounts, where a
         * checkpoint cannot name it; the sandbox's own /dev/null can be. */
        int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd < 0 || dup2(null_fd, 0) < 0) {
            flint_error_set(&err, FLINT_STAGE_IO, errno, "open '/dev/null' in the sandbox");
            goto fail;
        }
        close(null_fd);
    }

    /* Signals arrive through a signalfd; blocked signals are queued even for a pidns init. */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    int sfd = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
    signal(SIGPIPE, SIG_IGN); /* a relay peer that went away is not fatal */
    if (sfd < 0) { flint_error_set(&err, FLINT_STAGE_SIGNAL, errno, "signalfd"); goto fail; }
    pid_t command = start_command(&spec, &old, &err);
    if (command < 0) goto fail;
    phase_end(&clock, FLINT_STAGE_EXEC);
    if (err.stage) status_error(&err);
    else status_ready(&clock);
    if (!spec.snapshot || err.stage) close(STATUS_FD);
    return supervise(command, proxy, sfd, spec.snapshot && !err.stage);

fail:
    status_error(&err);
    return 127;
}
