/* net.c — bring `lo` up with one ioctl; no netlink needed for that. */
#include "net.h"
#include "error.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

int net_loopback_up(flint_error *err) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        flint_error_set(err, FLINT_STAGE_NETWORK, errno, "socket for interface ioctl");
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    int rc = 0;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) rc = -1;
    else {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) rc = -1;
    }
    if (rc < 0) flint_error_set(err, FLINT_STAGE_NETWORK, errno, "bring up 'lo'");
    close(fd);
    return rc;
}
