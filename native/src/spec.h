/* spec.h — flint-init's sandbox spec, parsed from the JSON the supervisor puts on fd 3:
 * {"hostname":"h", "layers":["/bottom",...,"/top"], "scratch_mb":64, "tmp_mb":512,
 *  "mount_base":"/run/flint/mnt", "readonly_root":true,
 *  "binds":[{"source":"/host","target":"/in","readonly":true}],
 *  "argv":["cmd",...], "env":["K=V",...], "cwd":"/", "uid":0, "gid":0,
 *  "proxy":{"port":9001,"socket":"/run/flint/api.sock"},
 *  "seccomp":"default"|"off"|["syscall",...], "caps":["chown",...] (absent: the container
 *  default for uid 0, none for any other uid), "network":"private"|"host",
 *  "snapshot":false (true: the env may be checkpointed; see init.c "Snapshots")} */
#ifndef FLINT_SPEC_H
#define FLINT_SPEC_H

#include "flint.h"

#include <stddef.h>

#define MAX_BINDS 32

struct bind_spec {
    char *source, *target;
    int readonly;
};

struct sandbox_spec {
    char *hostname;
    char **layers; /* bottom to top */
    int nlayers;
    long long scratch_mb, tmp_mb;
    char *mount_base;
    int readonly_root;
    struct bind_spec binds[MAX_BINDS];
    int nbinds;
    char **argv, **env;
    char *cwd;
    long long uid, gid;
    long long proxy_port; /* 0 = no proxy */
    char *proxy_socket;
    int seccomp_mode;       /* SECCOMP_OFF, SECCOMP_DEFAULT or SECCOMP_LIST */
    int *seccomp_deny;      /* syscall numbers; the default list or the spec's */
    int nseccomp_deny;
    unsigned long long caps; /* bounding set of the command */
    int host_network;       /* 1: no netns of its own, so no 'lo' to bring up */
    int net_prepared;       /* 1: cloned into a netns made ahead, whose 'lo' is already up */
    int snapshot;           /* 1: SIGUSR1 parks the proxy for a checkpoint, SIGUSR2 resumes it */
};

enum { SECCOMP_OFF = 0, SECCOMP_DEFAULT = 1, SECCOMP_LIST = 2 };

/* Parse; returns 0, or -1 with err filled (stage "spec"). */
int spec_parse(const char *js, size_t len, struct sandbox_spec *s, flint_error *err);
void spec_free(struct sandbox_spec *s);

#endif
