/*
 * netns.c — network namespaces made ahead of time (flint_netns_create).
 *
 * A network namespace costs ~0.45 ms to create (host-measurements §1), the largest single part
 * of a sandbox's clone. The supervisor keeps a few ready, each with `lo` up, and flint_spawn
 * clones into one instead of CLONE_NEWNET. Each is made on a short-lived thread of its own:
 * unshare(CLONE_NEWNET) moves only that thread, so no JVM thread ever leaves the host's netns.
 */
#include "flint.h"
#include "error.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

struct netns_job {
    int fd;
    flint_error *err;
};

static void *make_netns(void *arg) {
    struct netns_job *j = arg;
    if (unshare(CLONE_NEWNET) < 0) {
        flint_error_set(j->err, FLINT_STAGE_NETWORK, errno, "unshare a network namespace");
        return NULL;
    }
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        flint_error_set(j->err, FLINT_STAGE_NETWORK, errno, "open '/proc/thread-self/ns/net'");
        return NULL;
    }
    if (net_loopback_up(j->err) < 0) {
        close(fd);
        return NULL;
    }
    j->fd = fd;
    return NULL;
}

int32_t flint_netns_create(flint_error *err) {
    memset(err, 0, sizeof *err);
    struct netns_job j = {.fd = -1, .err = err};
    pthread_t t;
    int rc = pthread_create(&t, NULL, make_netns, &j);
    if (rc != 0) {
        flint_error_set(err, FLINT_STAGE_NETWORK, rc, "thread for a new network namespace");
        return -1;
    }
    pthread_join(t, NULL);
    return j.fd;
}
