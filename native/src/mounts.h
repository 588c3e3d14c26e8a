/* mounts.h — the sandbox's root filesystem, built by flint-init inside its own mount namespace. */
#ifndef FLINT_MOUNTS_H
#define FLINT_MOUNTS_H

#include "spec.h"
#include "status.h"

/* Overlay of the image layers (scratch tmpfs above), /proc, a minimal /dev, a size-limited
 * /tmp, the bind mounts, pivot_root, and a read-only root. Every step's time is recorded in c.
 * Returns 0, or -1 with err naming the stage and the path. */
int build_root(const struct sandbox_spec *s, struct phase_clock *c, flint_error *err);

/* Close the bind sources' O_PATH fds (5..) that spawn.c passed; before anything else opens fds. */
void close_bind_fds(const struct sandbox_spec *s);

#endif
