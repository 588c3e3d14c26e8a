/* mounts.c — root filesystem of a sandbox (see mounts.h).
 *
 * Everything is mounted inside the sandbox's private mount namespace, under mount_base, so
 * nothing propagates to the host and the kernel frees it all when the namespace dies: no
 * unmount is ever needed for cleanup. */
#include "mounts.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#define PATH_CAP 4096

static int mkdir_p(const char *path, mode_t mode) {
    char buf[PATH_CAP];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) { errno = ENAMETOOLONG; return -1; }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, mode) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST) return -1;
    return 0;
}

/* An empty file as the mountpoint of a bind of a non-directory (device node, socket, file). */
static int touch_p(const char *path) {
    char dir[PATH_CAP];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) { *slash = 0; if (mkdir_p(dir, 0755) < 0) return -1; }
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

/* The bind source: spawn.c opened it as fd 5+i before flint-init started (as host uid 0, which a
 * mapped root is not); else the path itself. */
static const char *bind_source(const struct sandbox_spec *s, int i, char *buf, size_t cap) {
    struct stat fd_st, path_st;
    int fd = 5 + i;
    int by_path = stat(s->binds[i].source, &path_st);
    int path_err = errno;
    if (fstat(fd, &fd_st) == 0 && (by_path < 0 ? path_err == EACCES
                                               : fd_st.st_dev == path_st.st_dev && fd_st.st_ino == path_st.st_ino)) {
        snprintf(buf, cap, "/proc/self/fd/%d", fd);
        return buf;
    }
    return s->binds[i].source;
}

void close_bind_fds(const struct sandbox_spec *s) {
    for (int i = 0; i < s->nbinds; i++) close(5 + i);
}

/* The entry `rel` (no leading '/') in the top-most layer that has it: 0 and st filled, or -1. */
static int lower_lstat(const struct sandbox_spec *s, const char *rel, struct stat *st) {
    char p[PATH_CAP];
    for (int i = s->nlayers - 1; i >= 0; i--) {
        snprintf(p, sizeof p, "%s/%s", s->layers[i], rel);
        if (lstat(p, st) == 0) return 0;
    }
    return -1;
}

/* Make the mountpoint `target` (absolute, inside the root) in the overlay's upper dir before the
 * overlay is mounted. In a user namespace the layers' directories belong to an unmapped uid
 * (host root), so root inside cannot mkdir in them once merged; the upper belongs to it. Stops
 * at a component that is not a directory in the layers (a symlink such as /lib → usr/lib must
 * stay one); the mkdir after the mount then does what it can. */
static int precreate(const struct sandbox_spec *s, const char *upper, const char *target, int is_dir) {
    char rel[PATH_CAP], p[PATH_CAP];
    snprintf(rel, sizeof rel, "%s", target + 1);
    size_t len = strlen(rel);
    for (size_t i = 0; i <= len; i++) {
        if (rel[i] != '/' && rel[i] != 0) continue;
        int last = rel[i] == 0;
        rel[i] = 0;
        struct stat st;
        int in_lower = lower_lstat(s, rel, &st) == 0;
        if (in_lower && !S_ISDIR(st.st_mode)) return 0;
        snprintf(p, sizeof p, "%s/%s", upper, rel);
        if (last && !is_dir) {
            if (!in_lower) {
                int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                if (fd < 0) return -1;
                close(fd);
            }
            return 0;
        }
        if (mkdir(p, in_lower ? st.st_mode & 07777 : 0755) < 0 && errno != EEXIST) return -1;
        if (!last) rel[i] = '/';
    }
    return 0;
}

static int mount_scratch_and_overlay(const struct sandbox_spec *s, const char *root, flint_error *err) {
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "make '/' private");
        return -1;
    }
    if (mkdir_p(s->mount_base, 0755) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "mkdir '%s'", s->mount_base);
        return -1;
    }
    char opts[PATH_CAP];
    snprintf(opts, sizeof opts, "size=%lldm,mode=0755", s->scratch_mb);
    if (mount("flint-scratch", s->mount_base, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "mount scratch tmpfs on '%s'", s->mount_base);
        return -1;
    }
    char upper[PATH_CAP], work[PATH_CAP];
    snprintf(upper, sizeof upper, "%s/upper", s->mount_base);
    snprintf(work, sizeof work, "%s/work", s->mount_base);
    if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0 || mkdir(root, 0755) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "mkdir in scratch '%s'", s->mount_base);
        return -1;
    }
    static const char *const fixed[] = {"/proc", "/dev", "/tmp"};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
        if (precreate(s, upper, fixed[i], 1) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "mountpoint '%s' in the upper dir", fixed[i]);
            return -1;
        }
    for (int i = 0; i < s->nbinds; i++) {
        struct stat st;
        char fdpath[64];
        if (stat(bind_source(s, i, fdpath, sizeof fdpath), &st) < 0) continue; /* reported by mount_binds */
        if (precreate(s, upper, s->binds[i].target, S_ISDIR(st.st_mode)) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_BIND, errno, "mountpoint '%s' in the upper dir", s->binds[i].target);
            return -1;
        }
    }
    /* overlayfs wants lowerdir top-most first; the spec lists layers bottom to top. */
    int n = snprintf(opts, sizeof opts, "lowerdir=");
    for (int i = s->nlayers - 1; i >= 0; i--) {
        struct stat st;
        if (stat(s->layers[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
            flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno ? errno : ENOTDIR, "image layer '%s' missing",
                            s->layers[i]);
            return -1;
        }
        n += snprintf(opts + n, sizeof opts - (size_t)n, "%s%s", s->layers[i], i ? ":" : "");
    }
    n += snprintf(opts + n, sizeof opts - (size_t)n, ",upperdir=%s,workdir=%s", upper, work);
    if (n >= (int)sizeof opts) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, ENAMETOOLONG, "overlay options for %d layers", s->nlayers);
        return -1;
    }
    if (mount("overlay", root, "overlay", 0, opts) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_ROOTFS, errno, "mount overlay of %d layers on '%s'", s->nlayers, root);
        return -1;
    }
    return 0;
}

static int mount_proc(const char *root, flint_error *err) {
    char p[PATH_CAP];
    snprintf(p, sizeof p, "%s/proc", root);
    if (mkdir_p(p, 0555) < 0 || mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_PROC, errno, "mount proc on '/proc'");
        return -1;
    }
    return 0;
}

/* What Docker masks, and a little more: kernel memory, keys of every user, timers and scheduler
 * internals of the host, the magic SysRq trigger. Files get /dev/null, directories an empty
 * read-only tmpfs; paths this kernel lacks are skipped. */
static const char *const MASKED[] = {
    "kcore", "keys", "key-users", "timer_list", "timer_stats", "sched_debug", "sysrq-trigger", "latency_stats",
    "kallsyms", "kmsg", "kpagecount", "kpageflags", "kpagecgroup", "config.gz", "vmallocinfo", "acpi", "scsi",
    "asound", "driver",
};
/* Host-wide knobs: readable, never writable. */
static const char *const READONLY[] = {"sys", "bus", "fs", "irq"};

static int mask_proc(const char *root, flint_error *err) {
    char p[PATH_CAP];
    for (size_t i = 0; i < sizeof MASKED / sizeof *MASKED; i++) {
        struct stat st;
        snprintf(p, sizeof p, "%s/proc/%s", root, MASKED[i]);
        if (lstat(p, &st) < 0) continue;
        int rc = S_ISDIR(st.st_mode)
                     ? mount("flint-masked", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,mode=0555")
                     : mount("/dev/null", p, NULL, MS_BIND, NULL);
        if (rc < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_PROC, errno, "mask '/proc/%s'", MASKED[i]);
            return -1;
        }
    }
    for (size_t i = 0; i < sizeof READONLY / sizeof *READONLY; i++) {
        snprintf(p, sizeof p, "%s/proc/%s", root, READONLY[i]);
        if (access(p, F_OK) < 0) continue;
        if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0 ||
            mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_PROC, errno, "remount '/proc/%s' read-only", READONLY[i]);
            return -1;
        }
    }
    return 0;
}

static int mount_dev(const char *root, flint_error *err) {
    static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"}};
    char dev[PATH_CAP], p[PATH_CAP], host[64];
    snprintf(dev, sizeof dev, "%s/dev", root);
    if (mkdir_p(dev, 0755) < 0 || mount("flint-dev", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755") < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_DEV, errno, "mount tmpfs on '/dev'");
        return -1;
    }
    /* Bind the host's nodes rather than mknod: it also works where mknod is refused (userns). */
    for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
        snprintf(p, sizeof p, "%s/%s", dev, nodes[i]);
        snprintf(host, sizeof host, "/dev/%s", nodes[i]);
        if (touch_p(p) < 0 || mount(host, p, NULL, MS_BIND, NULL) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_DEV, errno, "bind '%s'", host);
            return -1;
        }
    }
    for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
        snprintf(p, sizeof p, "%s/%s", dev, links[i][1]);
        if (symlink(links[i][0], p) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_DEV, errno, "symlink '/dev/%s'", links[i][1]);
            return -1;
        }
    }
    /* No further writes: /dev is a fixed set of nodes. */
    if (mount(NULL, dev, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755") < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_DEV, errno, "remount '/dev' read-only");
        return -1;
    }
    return 0;
}

static int mount_tmp(const struct sandbox_spec *s, const char *root, flint_error *err) {
    char p[PATH_CAP], opts[64];
    snprintf(p, sizeof p, "%s/tmp", root);
    snprintf(opts, sizeof opts, "size=%lldm,mode=1777", s->tmp_mb);
    if (mkdir_p(p, 01777) < 0 || mount("flint-tmp", p, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0) {
        flint_error_set(err, FLINT_STAGE_MOUNT_TMP, errno, "mount tmpfs (%lld MB) on '/tmp'", s->tmp_mb);
        return -1;
    }
    return 0;
}

/* The flags of the mount under p that a user namespace may not clear (the kernel locks them on
 * mounts it copied from the host): a read-only remount must repeat them or fail with EPERM. */
static unsigned long locked_flags(const char *p) {
    struct statvfs sv;
    unsigned long f = 0;
    if (statvfs(p, &sv) < 0) return 0;
    if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
    return f;
}

static int mount_binds(const struct sandbox_spec *s, const char *root, flint_error *err) {
    for (int i = 0; i < s->nbinds; i++) {
        const struct bind_spec *b = &s->binds[i];
        char p[PATH_CAP], fdpath[64];
        struct stat st;
        const char *src = bind_source(s, i, fdpath, sizeof fdpath);
        snprintf(p, sizeof p, "%s%s", root, b->target);
        if (stat(src, &st) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_BIND, errno, "bind source '%s'", b->source);
            return -1;
        }
        if ((S_ISDIR(st.st_mode) ? mkdir_p(p, 0755) : touch_p(p)) < 0 ||
            mount(src, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_BIND, errno, "bind '%s' on '%s'", b->source, b->target);
            return -1;
        }
        if (b->readonly && mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | locked_flags(p), NULL) < 0) {
            flint_error_set(err, FLINT_STAGE_MOUNT_BIND, errno, "remount '%s' read-only", b->target);
            return -1;
        }
    }
    return 0;
}

static int enter_root(const struct sandbox_spec *s, const char *root, flint_error *err) {
    /* pivot_root(".", "."): the old root ends up stacked on "/", then detached. */
    if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
        flint_error_set(err, FLINT_STAGE_PIVOT_ROOT, errno, "pivot_root into '%s'", root);
        return -1;
    }
    if (s->readonly_root && mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0) {
        flint_error_set(err, FLINT_STAGE_PIVOT_ROOT, errno, "remount '/' read-only");
        return -1;
    }
    return 0;
}

int build_root(const struct sandbox_spec *s, struct phase_clock *c, flint_error *err) {
    char root[PATH_CAP];
    snprintf(root, sizeof root, "%s/root", s->mount_base);
    if (mount_scratch_and_overlay(s, root, err) < 0) return -1;
    phase_end(c, FLINT_STAGE_MOUNT_ROOTFS);
    if (mount_proc(root, err) < 0 || mask_proc(root, err) < 0) return -1;
    phase_end(c, FLINT_STAGE_MOUNT_PROC);
    if (mount_dev(root, err) < 0) return -1;
    phase_end(c, FLINT_STAGE_MOUNT_DEV);
    if (mount_tmp(s, root, err) < 0) return -1;
    phase_end(c, FLINT_STAGE_MOUNT_TMP);
    if (mount_binds(s, root, err) < 0) return -1;
    phase_end(c, FLINT_STAGE_MOUNT_BIND);
    if (enter_root(s, root, err) < 0) return -1;
    phase_end(c, FLINT_STAGE_PIVOT_ROOT);
    return 0;
}
