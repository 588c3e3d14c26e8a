/* security.c — capability bounding set of the sandboxed command (see security.h). */
#include "security.h"
#include "error.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>

/* The set container runtimes give root by default (runc/Docker): enough for ordinary root-run
 * programs (chown, setuid, binding low ports), nothing that reconfigures the kernel or mounts. */
static const unsigned long long KEPT =
    (1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) | (1ULL << CAP_FOWNER) | (1ULL << CAP_FSETID) |
    (1ULL << CAP_KILL) | (1ULL << CAP_SETGID) | (1ULL << CAP_SETUID) | (1ULL << CAP_SETPCAP) |
    (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_NET_RAW) | (1ULL << CAP_SYS_CHROOT) | (1ULL << CAP_MKNOD) |
    (1ULL << CAP_AUDIT_WRITE) | (1ULL << CAP_SETFCAP);

int drop_capabilities(flint_error *err) {
    for (int cap = 0; cap <= 63; cap++) {
        if (KEPT & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL) break; /* past the kernel's last capability */
            flint_error_set(err, FLINT_STAGE_CREDENTIALS, errno, "drop capability %d from the bounding set", cap);
            return -1;
        }
    }
    return 0;
}
