/* security.h — what the command may do as root inside the sandbox. */
#ifndef FLINT_SECURITY_H
#define FLINT_SECURITY_H

#include "flint.h"

/* Drop every capability outside a container-default set (no CAP_SYS_ADMIN: no mount(2), so the
 * read-only root stays read-only) from the bounding set; root then execs with just those.
 * Returns 0, or -1 with err filled (stage "credentials"). */
int drop_capabilities(flint_error *err);

#endif
