/* test_spawn.c — a real sandbox through libflint (needs root; exits 77 = skipped otherwise).
 * The image is a temp layer holding only the usrmerge symlinks, with the host's /usr bound in. */
#include "check.h"
#include "flint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static char layer[256], base[256], top[64];
static const char *top_extra = ""; /* extra members of the top-level spec (e.g. "userns") */

static void make_layer(void) {
    char dir[] = "/tmp/flint-ctest-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    snprintf(top, sizeof top, "%s", dir);
    chmod(dir, 0755); /* the user-namespace runs are not host root: they need o+x on the way */
    snprintf(layer, sizeof layer, "%s/layer", dir);
    snprintf(base, sizeof base, "%s/mnt", dir);
    mkdir(layer, 0755);
    mkdir(base, 0755);
    const char *links[][2] = {{"usr/bin", "bin"}, {"usr/lib", "lib"}, {"usr/lib64", "lib64"}, {"usr/sbin", "sbin"}};
    char p[512];
    for (int i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", layer, links[i][1]);
        if (symlink(links[i][0], p) < 0) { perror("symlink"); exit(1); }
    }
    /* sys.py NAME...: call each and print "name:errno" (0 = it worked), for the seccomp checks. */
    snprintf(p, sizeof p, "%s/sys.py", layer);
    FILE *f = fopen(p, "w");
    if (!f) { perror("sys.py"); exit(1); }
    fputs("import ctypes, os, sys\n"
          "libc = ctypes.CDLL(None, use_errno=True)\n"
          "calls = {'mount': lambda: libc.mount(b'x', b'/tmp', b'tmpfs', 0, None),\n"
          "         'unshare': lambda: libc.unshare(0x10000000),\n"
          "         'setns': lambda: libc.setns(0, 0),\n"
          "         'keyctl': lambda: libc.syscall(250, 0, -3, 0),\n"
          "         'getpid': lambda: libc.getpid(), 'uname': lambda: libc.uname(ctypes.create_string_buffer(512))}\n"
          "out = []\n"
          "for n in sys.argv[1:]:\n"
          "    ctypes.set_errno(0)\n"
          "    r = calls[n]()\n"
          "    out.append('%s:%d' % (n, ctypes.get_errno() if r == -1 else 0))\n"
          "print(' '.join(out))\n", f);
    fclose(f);
}

static char *read_all(int fd) {
    static char buf[8192];
    size_t n = 0;
    flint_error e;
    for (;;) {
        int32_t r = flint_read(fd, buf + n, (int32_t)(sizeof buf - 1 - n), &e);
        if (r <= 0) break;
        n += (size_t)r;
    }
    buf[n] = 0;
    return buf;
}

static int run_with(const char *layers_json, const char *argv_json, const char *extra, char **status, flint_exit *ex,
                    char **out) {
    char spec[4096];
    snprintf(spec, sizeof spec,
             "{%s\"init\":\"%s\",\"stdio\":\"%s\",\"stdin\":\"null\",\"sandbox\":{\"hostname\":\"sbx-test\","
             "\"layers\":%s,\"mount_base\":\"%s\",\"tmp_mb\":8,"
             "%s\"argv\":%s,"
             "\"env\":[\"PATH=/usr/bin:/bin\"]%s}}",
             top_extra, getenv("FLINT_INIT"), out ? "pipe" : "inherit", layers_json, base,
             strstr(extra, "\"binds\"") ? "" : "\"binds\":[{\"source\":\"/usr\",\"target\":\"/usr\"}],", argv_json, extra);
    flint_spawn_result r;
    flint_error e;
    *status = "";
    if (flint_spawn(spec, &r, &e) < 0) { fprintf(stderr, "spawn: %s\n", e.message); return -1; }
    static char status_copy[8192];
    snprintf(status_copy, sizeof status_copy, "%s", read_all(r.status_fd));
    *status = status_copy;
    flint_close(r.status_fd);
    if (out) {
        *out = read_all(r.stdout_fd);
        flint_close(r.stdout_fd);
        flint_close(r.stderr_fd);
    }
    int w = flint_wait(r.pidfd, 20000, ex, &e);
    flint_close(r.pidfd);
    return w;
}

static int run(const char *layers_json, const char *argv_json, char **status, flint_exit *ex) {
    return run_with(layers_json, argv_json, "", status, ex, NULL);
}

int main(int argc, char **argv) {
    if (geteuid() != 0) { fprintf(stderr, "needs root: skipped\n"); return 77; }
    if (argc < 2) return 2;
    setenv("FLINT_INIT", argv[1], 1);
    make_layer();
    char layers[300];
    snprintf(layers, sizeof layers, "[\"%s\"]", layer);
    char *status;
    flint_exit ex;

    /* Inside: PID 2 under flint-init, own hostname, read-only root, writable /tmp, only lo. */
    const char *script = "[\"/bin/sh\",\"-c\",\"test $$ = 2 && test \\\"$(hostname)\\\" = sbx-test && "
                         "! touch /x 2>/dev/null && touch /tmp/y && test \\\"$(ls /sys/class/net 2>/dev/null || "
                         "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' ')\\\" = lo && "
                         "! mount -o remount,rw / 2>/dev/null && grep -q 'CapBnd:.00000000a00405fb' /proc/self/status && "
                         "exit 7\"]";
    CHECK(run(layers, script, &status, &ex) == 0);
    CHECK(strstr(status, "\"ready\":true") != NULL);
    if (ex.code != 7) fprintf(stderr, "exit %d signal %d status %s\n", ex.code, ex.signal, status);
    CHECK(ex.code == 7);

    /* The default filter: mount, unshare(CLONE_NEWUSER), setns, keyctl → EPERM; the rest works;
     * no_new_privs and seccomp mode 2 as the command sees them. As uid 993 nothing is left in
     * any capability set. */
    char *out;
    const char *probe = "[\"python3\",\"/sys.py\",\"mount\",\"unshare\",\"setns\",\"keyctl\",\"getpid\",\"uname\"]";
    CHECK(run_with(layers, probe, "", &status, &ex, &out) == 0);
    if (!strstr(out, "mount:1 unshare:1 setns:1 keyctl:1 getpid:0 uname:0")) fprintf(stderr, "default: %s %s\n", out, status);
    CHECK(strstr(out, "mount:1 unshare:1 setns:1 keyctl:1 getpid:0 uname:0") != NULL);
    CHECK(run_with(layers, "[\"/bin/sh\",\"-c\",\"grep -E '^(NoNewPrivs|Seccomp|CapEff|CapBnd|CapAmb|CapInh):' /proc/self/status\"]",
                   ",\"uid\":993,\"gid\":993", &status, &ex, &out) == 0);
    CHECK(strstr(out, "NoNewPrivs:\t1") && strstr(out, "Seccomp:\t2") && strstr(out, "CapBnd:\t0000000000000000") &&
          strstr(out, "CapEff:\t0000000000000000") && strstr(out, "CapInh:\t0000000000000000"));
    /* Switched off: unshare(CLONE_NEWUSER) works again (keyctl too); mount still fails (no CAP_SYS_ADMIN). */
    CHECK(run_with(layers, probe, ",\"seccomp\":\"off\"", &status, &ex, &out) == 0);
    if (!strstr(out, "unshare:0 setns:22 keyctl:0 getpid:0")) fprintf(stderr, "off: %s\n", out);
    CHECK(strstr(out, "unshare:0") && strstr(out, "getpid:0") && !strstr(out, "keyctl:1"));
    /* A custom list denies exactly its names; an unknown name is a spec error. */
    CHECK(run_with(layers, probe, ",\"seccomp\":[\"uname\"]", &status, &ex, &out) == 0);
    CHECK(strstr(out, "getpid:0 uname:1") && strstr(out, "unshare:0"));
    CHECK(run_with(layers, probe, ",\"seccomp\":[\"mount\",\"no_such_call\"]", &status, &ex, &out) == 0);
    CHECK(strstr(status, "spec: unknown syscall 'no_such_call'") && ex.code == 127);
    /* --caps: root with none keeps nothing; an unknown name is a spec error. */
    CHECK(run_with(layers, "[\"/bin/sh\",\"-c\",\"grep CapBnd /proc/self/status\"]", ",\"caps\":[\"CAP_KILL\",\"chown\"]",
                   &status, &ex, &out) == 0);
    CHECK(strstr(out, "CapBnd:\t0000000000000021") != NULL);
    CHECK(run_with(layers, "[\"/bin/true\"]", ",\"caps\":[\"sys_magic\"]", &status, &ex, &out) == 0);
    CHECK(strstr(status, "spec: unknown capability 'sys_magic'") != NULL);
    /* Masked and read-only /proc. */
    CHECK(run_with(layers, "[\"/bin/sh\",\"-c\",\"test ! -s /proc/kcore && test -z \\\"$(cat /proc/keys /proc/timer_list)\\\" && "
                   "test -z \\\"$(ls /proc/acpi)\\\" && ! echo 1 > /proc/sys/kernel/ns_last_pid && ! echo c > /proc/sysrq-trigger && "
                   "grep -q ' /proc/sys proc ro,' /proc/self/mounts && echo masked\"]", "", &status, &ex, &out) == 0);
    if (!strstr(out, "masked")) fprintf(stderr, "masked: %s %s\n", out, status);
    CHECK(strstr(out, "masked") != NULL);

    /* A user namespace: root inside is host 100000; /tmp and the scratch upper belong to it; the
     * layers (host root's) show as nobody and stay readable; the filter and masks still apply. */
    top_extra = "\"userns\":{\"host_id\":100000,\"size\":65536},";
    CHECK(run_with(layers, "[\"/bin/sh\",\"-c\",\"id -u; cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f; stat -c %u /tmp/f /usr/bin; "
                   "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; test -z \\\"$(cat /proc/keys)\\\" && echo masked\"]",
                   "", &status, &ex, &out) == 0);
    if (!strstr(out, "masked")) fprintf(stderr, "userns: %s %s\n", out, status);
    CHECK(!strncmp(out, "0\n", 2) && strstr(out, "0     100000      65536") && strstr(out, "\n0\n65534\n") &&
          strstr(out, "Seccomp:\t2") && strstr(out, "masked"));
    CHECK(run_with(layers, probe, ",\"uid\":993,\"gid\":993", &status, &ex, &out) == 0);
    CHECK(strstr(out, "mount:1 unshare:1 setns:1 keyctl:1 getpid:0 uname:0") != NULL);
    /* A bind source under a 0700 host-root dir (a private state dir): spawn.c opens it as host
     * root, so the mapped root still binds it; the command (uid 993) reads the code through it. */
    char priv[300], code[320], extra[700];
    snprintf(priv, sizeof priv, "%s/private", top);
    snprintf(code, sizeof code, "%s/code", priv);
    mkdir(priv, 0700);
    mkdir(code, 0755);
    snprintf(extra, sizeof extra, "%s/f", code);
    FILE *cf = fopen(extra, "w");
    if (cf) { fputs("code\n", cf); fclose(cf); }
    snprintf(extra, sizeof extra, ",\"uid\":993,\"gid\":993,\"binds\":[{\"source\":\"/usr\",\"target\":\"/usr\"},"
             "{\"source\":\"%s\",\"target\":\"/var/task\"}]", code);
    CHECK(run_with(layers, "[\"/bin/cat\",\"/var/task/f\"]", extra, &status, &ex, &out) == 0);
    if (strcmp(out, "code\n")) fprintf(stderr, "private bind: %s %s\n", out, status);
    CHECK(!strcmp(out, "code\n"));
    flint_spawn_result ur;
    flint_error ue;
    CHECK(flint_spawn("{\"init\":\"/bin/true\",\"userns\":{\"host_id\":0,\"size\":1},\"sandbox\":{}}", &ur, &ue) == -1 &&
          ue.stage == FLINT_STAGE_SPEC);
    /* A network namespace made ahead (flint_netns_create): the sandbox is cloned into it, with
     * lo already up, and the calling thread is back in its own netns afterwards. */
    char host_net[64] = "", pool_net[64] = "", fdpath[64], top_net[300];
    int32_t nfd = flint_netns_create(&ue);
    CHECK(nfd >= 0);
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", nfd);
    CHECK(readlink("/proc/thread-self/ns/net", host_net, sizeof host_net - 1) > 0);
    CHECK(readlink(fdpath, pool_net, sizeof pool_net - 1) > 0 && strcmp(host_net, pool_net) != 0);
    snprintf(top_net, sizeof top_net, "\"userns\":{\"host_id\":100000,\"size\":65536},"
             "\"namespaces\":[\"pid\",\"mount\",\"uts\",\"ipc\",\"cgroup\"],\"netns_fd\":%d,", nfd);
    top_extra = top_net;
    CHECK(run_with(layers, "[\"/bin/sh\",\"-c\",\"readlink /proc/self/ns/net; python3 -c 'import socket; s=socket.socket(); "
                   "s.bind((\\\"127.0.0.1\\\", 0)); s.listen(); socket.create_connection(s.getsockname()); print(\\\"lo-up\\\")'\"]",
                   ",\"network\":\"prepared\"", &status, &ex, &out) == 0);
    char want[80];
    snprintf(want, sizeof want, "%s\nlo-up\n", pool_net);
    if (strcmp(out, want)) fprintf(stderr, "prepared netns: got '%s' want '%s' status %s\n", out, want, status);
    CHECK(!strcmp(out, want) && ex.code == 0);
    char after[64] = "";
    CHECK(readlink("/proc/thread-self/ns/net", after, sizeof after - 1) > 0 && !strcmp(after, host_net));
    flint_close(nfd);
    CHECK(flint_spawn("{\"init\":\"/bin/true\",\"namespaces\":[\"net\"],\"netns_fd\":3,\"sandbox\":{}}", &ur, &ue) == -1 &&
          ue.stage == FLINT_STAGE_SPEC && strstr(ue.message, "'netns_fd'"));
    top_extra = "";

    /* A missing command is reported by stage and errno, and the sandbox exits 127. */
    CHECK(run(layers, "[\"/nonexistent\"]", &status, &ex) == 0);
    CHECK(strstr(status, "\"stage\":\"exec\"") && strstr(status, "ENOENT"));
    CHECK(ex.code == 127);

    /* A missing layer fails in mount-rootfs with the path in the message. */
    CHECK(run("[\"/nonexistent-layer\"]", "[\"/bin/true\"]", &status, &ex) == 0);
    CHECK(strstr(status, "mount-rootfs: ENOENT: image layer '/nonexistent-layer' missing") != NULL);
    CHECK(ex.code == 127);

    /* Killed by a signal: 128+N from flint-init, which forwards SIGTERM to the command. */
    CHECK(run(layers, "[\"/bin/sh\",\"-c\",\"kill -9 $$\"]", &status, &ex) == 0);
    CHECK(ex.code == 137);

    /* Errors in the spec or the init path come back from flint_spawn itself. */
    flint_spawn_result r;
    flint_error e;
    CHECK(flint_spawn("{\"init\":\"/nonexistent/flint-init\",\"sandbox\":{}}", &r, &e) == -1);
    CHECK(e.stage == FLINT_STAGE_EXEC && e.err == ENOENT);
    CHECK(flint_spawn("not json", &r, &e) == -1 && e.stage == FLINT_STAGE_SPEC);
    CHECK(flint_spawn("{\"init\":\"/bin/true\",\"namespaces\":[\"time\"],\"sandbox\":{}}", &r, &e) == -1);
    CHECK(strstr(e.message, "unknown namespace 'time'") != NULL);
    char cg[600];
    snprintf(cg, sizeof cg, "{\"init\":\"%s\",\"cgroup_procs\":[\"/nonexistent/cgroup.procs\"],\"sandbox\":{}}", argv[1]);
    CHECK(flint_spawn(cg, &r, &e) == -1 && e.stage == FLINT_STAGE_CGROUP_ATTACH && e.err == ENOENT);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return CHECK_DONE();
}
