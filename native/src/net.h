/* net.h — network set-up inside the sandbox's fresh network namespace. */
#ifndef FLINT_NET_H
#define FLINT_NET_H

#include "flint.h"

/* Bring the loopback interface up (the only interface a new netns has). */
int net_loopback_up(flint_error *err);

#endif
