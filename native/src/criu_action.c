/* flint-criu-action — CRIU's --action-script for restores into an empty network namespace
 * (--empty-ns net: a sandbox with a user namespace cannot join a netns made beforehand). At
 * "setup-namespaces" it enters the restored tree's netns and brings `lo` up, so the runtime's
 * TCP connection to flint-init's proxy (127.0.0.1) comes back in working order; every other
 * action is none of its business. Host root may enter: the netns belongs to a child userns. */
#include "error.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    const char *action = getenv("CRTOOLS_SCRIPT_ACTION");
    if (!action || strcmp(action, "setup-namespaces") != 0) return 0;
    const char *pid = getenv("CRTOOLS_INIT_PID");
    char path[64];
    if (!pid || snprintf(path, sizeof path, "/proc/%s/ns/net", pid) >= (int)sizeof path) {
        fprintf(stderr, "flint-criu-action: CRTOOLS_INIT_PID missing\n");
        return 1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
        fprintf(stderr, "flint-criu-action: enter '%s': %s\n", path, strerror(errno));
        return 1;
    }
    close(fd);
    flint_error err = {0};
    if (net_loopback_up(&err) < 0) {
        fprintf(stderr, "flint-criu-action: %s\n", err.message);
        return 1;
    }
    return 0;
}
