/* status.h — flint-init's progress and failure reports: one JSON object per line on fd 4.
 *   {"stage":"mount-rootfs","errno":2,"errno_name":"ENOENT","message":"mount-rootfs: ENOENT: ..."}
 *   {"ready":true,"phases_us":{"mount-rootfs":412,...}}
 * The supervisor reads them until EOF (see dev.flint.sandbox.StatusReader). */
#ifndef FLINT_STATUS_H
#define FLINT_STATUS_H

#include "flint.h"

#include <stddef.h>

#include <stdint.h>

#define STATUS_FD 4
#define MAX_PHASES 24

struct phase_clock {
    int n;
    const char *names[MAX_PHASES];
    int64_t us[MAX_PHASES];
    int64_t mark; /* ns at the start of the current phase */
};

void phase_start(struct phase_clock *c);
/* Close the current phase under a stage name and start the next one. */
void phase_end(struct phase_clock *c, flint_stage stage);

/* Append s to out as a JSON string (quoted, escaped); returns the new length. */
size_t json_quote(char *out, size_t cap, size_t len, const char *s);

void status_error(const flint_error *e);
void status_ready(const struct phase_clock *c);
/* {"parked":N}: a snapshot sandbox's proxy is parked with N requests outstanding. */
void status_parked(int outstanding);

#endif
