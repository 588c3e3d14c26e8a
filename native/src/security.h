/* security.h — what the command may do inside the sandbox: its capability sets. */
#ifndef FLINT_SECURITY_H
#define FLINT_SECURITY_H

#include "flint.h"

/* The set container runtimes give root by default (runc/Docker) — no CAP_SYS_ADMIN, so no
 * mount(2) and the read-only root stays read-only — minus CAP_NET_RAW (raw and packet sockets:
 * spoofing on whatever network the sandbox has) and CAP_MKNOD (device nodes), as Podman does. */
extern const unsigned long long CAPS_CONTAINER_DEFAULT;

/* Number of a capability by name ("chown", "CAP_CHOWN", any case), or -1. */
int capability_nr(const char *name);

/* Keep only `keep` in the bounding set, clear the ambient and inheritable sets; a root command
 * then execs with exactly `keep`, any other uid with nothing. Returns 0, or -1 with err filled
 * (stage "credentials"). */
int drop_capabilities(unsigned long long keep, flint_error *err);

#endif
