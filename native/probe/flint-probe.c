/*
 * flint-probe — the in-sandbox half of `flint probe` (static; bind-mounted read-only into the
 * sandbox, since images carry no compiler). It waits for one line on stdin (the supervisor has
 * then applied the CPU quota and read the host side), tries what a hostile function would try,
 * and prints one JSON line per check: {"id","check","expected","seen","pass"}; then
 * {"done":true}. Every probe is bounded in size and time.
 *
 *   usage: flint-probe MEMORY_MB CPU_FRACTION PIDS_MAX TMP_MB HOST_MARKER
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

static void report(const char *id, const char *check, const char *expected, int pass, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void report(const char *id, const char *check, const char *expected, int pass, const char *fmt, ...) {
    char seen[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(seen, sizeof seen, fmt, ap);
    va_end(ap);
    for (char *p = seen; *p; p++)
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = ' ';
    printf("{\"id\":\"%s\",\"check\":\"%s\",\"expected\":\"%s\",\"seen\":\"%s\",\"pass\":%s}\n", id, check, expected,
           seen, pass ? "true" : "false");
    fflush(stdout);
}

static const char *ename(int e) {
    const char *n = strerrorname_np(e);
    return n ? n : "E?";
}

/* A syscall that must fail: pass when it returned < 0. */
static void must_fail(const char *id, const char *check, long rc, int err) {
    if (rc < 0) report(id, check, "denied", 1, "%s", ename(err));
    else report(id, check, "denied", 0, "allowed");
}

static void processes(void) {
    DIR *d = opendir("/proc");
    int n = 0, others = 0;
    struct dirent *e;
    pid_t self = getpid();
    while (d && (e = readdir(d))) {
        int pid = atoi(e->d_name);
        if (pid <= 0) continue;
        n++;
        if (pid != 1 && pid != self) others++;
    }
    if (d) closedir(d);
    report("processes", "other processes visible", "only pid 1 and self", others == 0, "%d pids, %d others", n, others);
}

static void host_fs(const char *marker) {
    struct stat st;
    int seen = stat(marker, &st) == 0;
    report("host-fs", "host filesystem reachable (a host-only file)", "not found", !seen, "%s",
           seen ? "visible" : "not found");
}

static void namespaces(void) {
    errno = 0;
    long rc = mount("none", "/tmp", "tmpfs", 0, NULL);
    must_fail("mount", "mount(2) a tmpfs", rc, errno);
    rc = syscall(SYS_pivot_root, "/tmp", "/tmp");
    must_fail("pivot-root", "pivot_root(2)", rc, errno);
    /* In a child, so a namespace that was allowed does not change the checks after it. */
    static const struct { const char *id, *check; int flags; } ns[] = {
        {"unshare-user", "unshare(CLONE_NEWUSER)", CLONE_NEWUSER},
        {"unshare-mount", "unshare(CLONE_NEWNS)", CLONE_NEWNS},
    };
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(unshare(ns[i].flags) < 0 ? errno : 0);
        int ws = 0;
        waitpid(pid, &ws, 0);
        int e = WIFEXITED(ws) ? WEXITSTATUS(ws) : EINTR;
        must_fail(ns[i].id, ns[i].check, e ? -1 : 0, e);
    }
    int fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
    int err = errno;
    rc = fd < 0 ? -1 : setns(fd, 0);
    if (fd >= 0) err = errno;
    must_fail("setns", "setns(2) into pid 1's mount namespace", rc, err);
    if (fd >= 0) close(fd);
    rc = ptrace(PTRACE_ATTACH, 1, 0, 0);
    must_fail("ptrace", "ptrace(2) attach to pid 1", rc, errno);
    if (rc == 0) ptrace(PTRACE_DETACH, 1, 0, 0);
}

static void sockets(void) {
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    must_fail("raw-socket", "raw IP socket", fd, errno);
    if (fd >= 0) close(fd);
    fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x0003));
    must_fail("packet-socket", "packet socket", fd, errno);
    if (fd >= 0) close(fd);

    char ifs[256] = "";
    FILE *f = fopen("/proc/net/dev", "r");
    char line[512];
    int others = 0;
    for (int i = 0; f && fgets(line, sizeof line, f); i++) {
        if (i < 2) continue;
        char *colon = strchr(line, ':');
        if (!colon) continue;
        *colon = 0;
        char *name = line + strspn(line, " ");
        if (strcmp(name, "lo")) others++;
        if (strlen(ifs) + strlen(name) + 2 < sizeof ifs) { strcat(ifs, ifs[0] ? "," : ""); strcat(ifs, name); }
    }
    if (f) fclose(f);
    report("interfaces", "network interfaces", "lo", others == 0, "%s", ifs);

    /* Egress: a TCP connect to 1.1.1.1:53, bounded by 1 s. Unreachable = isolated. */
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
    inet_pton(AF_INET, "1.1.1.1", &a.sin_addr);
    int rc = connect(fd, (struct sockaddr *)&a, sizeof a), err = errno;
    const char *seen;
    if (rc < 0 && err == EINPROGRESS) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        socklen_t len = sizeof err;
        if (poll(&p, 1, 1000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) rc = 0;
        else if (err == EINPROGRESS) err = ETIMEDOUT;
    }
    seen = rc == 0 ? "connected" : ename(err);
    /* A timeout means packets left the sandbox (a route exists); only "no route" is isolation. */
    report("egress", "network egress (TCP 1.1.1.1:53)", "ENETUNREACH", rc < 0 && err == ENETUNREACH, "%s", seen);
    close(fd);
}

static void kernel(void) {
    long rc = syscall(SYS_add_key, "user", "flint-probe", "x", 1, KEY_SPEC_SESSION_KEYRING);
    must_fail("keyring", "kernel keyring (add_key)", rc, errno);
    rc = syscall(SYS_finit_module, -1, "", 0);
    int err = errno;
    /* EBADF means the call reached the module loader's checks past the capability. */
    report("module", "module loading (finit_module)", "denied", rc < 0 && err != EBADF, "%s", rc < 0 ? ename(err) : "allowed");
    rc = syscall(SYS_bpf, 0, NULL, 0);
    must_fail("bpf", "bpf(2)", rc, errno);

    struct { const char *id, *check, *path; } writes[] = {
        {"proc-sys", "write /proc/sys/kernel/domainname", "/proc/sys/kernel/domainname"},
        {"sysrq", "write /proc/sysrq-trigger", "/proc/sysrq-trigger"},
        {"cgroupfs", "write the cgroupfs (cgroup.procs)", "/sys/fs/cgroup/cgroup.procs"},
        {"sysfs", "write /sys (uevent_helper)", "/sys/kernel/uevent_helper"},
    };
    for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
        int fd = open(writes[i].path, O_WRONLY | O_CLOEXEC);
        err = errno;
        long w = -1;
        if (fd >= 0) {
            /* A masked file is /dev/null: the write "works" and reaches nothing. */
            struct stat st;
            if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) { w = -1; err = ENODEV; }
            else { w = write(fd, "", 0) < 0 ? -1 : 0; err = errno; }
            close(fd);
        }
        if (w == 0) report(writes[i].id, writes[i].check, "denied", 0, "writable");
        else report(writes[i].id, writes[i].check, "denied", 1, "%s", err == ENODEV ? "masked (/dev/null)" : ename(err));
    }
    unlink("/tmp/.flint-probe-node");
    rc = mknod("/tmp/.flint-probe-node", S_IFCHR | 0600, makedev(1, 1)); /* /dev/mem */
    err = errno;
    unlink("/tmp/.flint-probe-node");
    must_fail("mknod", "mknod a device (/dev/mem)", rc, err);
}

static long status_hex(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':') v = strtol(line + n + 1, NULL, 16);
    if (f) fclose(f);
    return v;
}

static void credentials(void) {
    long nnp = status_hex("NoNewPrivs");
    report("no-new-privs", "setuid/file caps can gain privilege", "no_new_privs=1", nnp == 1, "no_new_privs=%ld", nnp);
    long sc = status_hex("Seccomp");
    report("seccomp", "seccomp filter", "mode 2 (filter)", sc == 2, "mode %ld", sc);
    long eff = status_hex("CapEff"), bnd = status_hex("CapBnd");
    const long dflt = 0xa00405fbL; /* security.c: CAPS_CONTAINER_DEFAULT */
    int root = getuid() == 0;
    int ok = root ? (eff & ~dflt) == 0 && (bnd & ~dflt) == 0 : eff == 0 && bnd == 0;
    report("caps", "capability sets (CapEff/CapBnd)", root ? "within the container default a00405fb" : "none",
           ok, "CapEff=%lx CapBnd=%lx uid=%d", eff, bnd, (int)getuid());
}

static double now(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void memory_limit(long mb) {
    pid_t pid = fork();
    if (pid == 0) {
        long got = 0;
        for (; got < mb + 256; got += 16) { /* bounded: the limit plus 256 MB */
            char *p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) _exit(12);
            memset(p, 1, 16 << 20);
        }
        _exit(0);
    }
    int ws = 0;
    waitpid(pid, &ws, 0);
    int ok = (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL) || (WIFEXITED(ws) && WEXITSTATUS(ws) == 12);
    char expected[64];
    snprintf(expected, sizeof expected, "killed or ENOMEM below %ld MB", mb + 256);
    report("memory", "memory limit enforced (allocate until stopped)", expected, ok, "%s",
           WIFSIGNALED(ws) ? (WTERMSIG(ws) == SIGKILL ? "SIGKILL (OOM)" : "other signal")
                           : (WEXITSTATUS(ws) == 12 ? "ENOMEM" : "allocated it all"));
}

static void cpu_quota(double fraction) {
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long x = 0;
    while (now(CLOCK_MONOTONIC) - w0 < 0.5) x++;
    double used = (now(CLOCK_PROCESS_CPUTIME_ID) - c0) / (now(CLOCK_MONOTONIC) - w0);
    char expected[64];
    snprintf(expected, sizeof expected, "<= %.2f CPU", fraction * 1.3 + 0.03);
    report("cpu", "CPU quota enforced (0.5 s busy loop)", expected, used <= fraction * 1.3 + 0.03, "%.2f CPU", used);
}

static void pids_limit(long max) {
    pid_t kids[4096];
    int n = 0, err = 0;
    long bound = max + 16 < 4096 ? max + 16 : 4096;
    while (n < bound) {
        pid_t p = fork();
        if (p < 0) { err = errno; break; }
        if (p == 0) { pause(); _exit(0); }
        kids[n++] = p;
    }
    for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
    for (int i = 0; i < n; i++) waitpid(kids[i], NULL, 0);
    char expected[64];
    snprintf(expected, sizeof expected, "EAGAIN before %ld processes", max);
    report("pids", "pids limit enforced (fork until refused)", expected, err == EAGAIN && n < max, "%s after %d forks",
           err ? ename(err) : "no refusal", n);
}

static void tmp_size(long mb) {
    int fd = open("/tmp/.flint-probe-fill", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    static char buf[1 << 20];
    long written = 0;
    int err = fd < 0 ? errno : 0;
    while (fd >= 0 && written < (mb + 16) << 20) {
        ssize_t w = write(fd, buf, sizeof buf);
        if (w < 0) { err = errno; break; }
        written += w;
    }
    if (fd >= 0) close(fd);
    unlink("/tmp/.flint-probe-fill");
    char expected[64];
    snprintf(expected, sizeof expected, "ENOSPC at %ld MB", mb);
    report("tmp", "/tmp size enforced (write until full)", expected, err == ENOSPC && written <= mb << 20, "%s after %ld MB",
           err ? ename(err) : "no limit", written >> 20);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: flint-probe MEMORY_MB CPU_FRACTION PIDS_MAX TMP_MB HOST_MARKER\n");
        return 2;
    }
    char go[16];
    if (!fgets(go, sizeof go, stdin)) return 3; /* the supervisor went away */
    credentials();
    processes();
    host_fs(argv[5]);
    namespaces();
    sockets();
    kernel();
    tmp_size(atol(argv[4]));
    pids_limit(atol(argv[3]));
    memory_limit(atol(argv[1]));
    cpu_quota(atof(argv[2]));
    printf("{\"done\":true}\n");
    return 0;
}
