/* spec.c — parse and validate flint-init's sandbox spec (see spec.h). */
#include "spec.h"
#include "error.h"
#include "json.h"
#include "seccomp.h"
#include "security.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 8192

static int get_str(const char *js, fj_tok *t, int obj, const char *key, char **out, const char *dflt,
                   flint_error *err) {
    int i = fj_get(js, t, obj, key);
    if (i < 0) {
        *out = dflt ? strdup(dflt) : NULL;
        if (!dflt) flint_error_set(err, FLINT_STAGE_SPEC, 0, "'%s' is required", key);
        return dflt ? 0 : -1;
    }
    *out = fj_strdup(js, &t[i]);
    if (!*out) flint_error_set(err, FLINT_STAGE_SPEC, 0, "'%s' must be a string", key);
    return *out ? 0 : -1;
}

static int get_int(const char *js, fj_tok *t, int obj, const char *key, long long *out, long long dflt,
                   long long lo, long long hi, flint_error *err) {
    int i = fj_get(js, t, obj, key);
    *out = dflt;
    if (i < 0) return 0;
    if (fj_int(js, &t[i], out) < 0 || *out < lo || *out > hi) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "'%s' must be an integer in %lld..%lld", key, lo, hi);
        return -1;
    }
    return 0;
}

static int get_strv(const char *js, fj_tok *t, int obj, const char *key, char ***out, int required,
                    flint_error *err) {
    int i = fj_get(js, t, obj, key);
    if (i < 0 && !required) {
        *out = calloc(1, sizeof **out);
        return *out ? 0 : -1;
    }
    *out = i < 0 ? NULL : fj_strv(js, t, i);
    if (!*out || (required && !(*out)[0])) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "'%s' must be a non-empty array of strings", key);
        return -1;
    }
    return 0;
}

static int absolute(const char *p) { return p && p[0] == '/'; }

static int parse_binds(const char *js, fj_tok *t, struct sandbox_spec *s, flint_error *err) {
    int arr = fj_get(js, t, 0, "binds");
    if (arr < 0) return 0;
    if (t[arr].type != FJ_ARRAY || t[arr].size > MAX_BINDS) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "'binds' must be an array of at most %d objects", MAX_BINDS);
        return -1;
    }
    for (int k = 0; k < t[arr].size; k++) {
        int o = fj_elem(t, arr, k);
        struct bind_spec *b = &s->binds[s->nbinds++];
        if (get_str(js, t, o, "source", &b->source, NULL, err) < 0 ||
            get_str(js, t, o, "target", &b->target, NULL, err) < 0)
            return -1;
        int ro = fj_get(js, t, o, "readonly");
        b->readonly = ro < 0 ? 1 : fj_bool(js, &t[ro]);
        if (!absolute(b->source) || !absolute(b->target) || b->readonly < 0 || strstr(b->target, "/../") ||
            !strcmp(b->target, "/")) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "bind '%s' -> '%s' needs absolute paths, no '..', not '/'",
                            b->source, b->target);
            return -1;
        }
    }
    return 0;
}

static int parse_names(const char *js, fj_tok *t, int arr, int (*lookup)(const char *), const char *what,
                       int **out, int *nout, flint_error *err) {
    *out = calloc((size_t)t[arr].size + 1, sizeof **out);
    if (!*out) { flint_error_set(err, FLINT_STAGE_SPEC, 12, "%s list", what); return -1; }
    for (int k = 0; k < t[arr].size; k++) {
        char *name = fj_strdup(js, &t[fj_elem(t, arr, k)]);
        int nr = name ? lookup(name) : -1;
        if (nr < 0) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "unknown %s '%s'", what, name ? name : "(not a string)");
            free(name);
            return -1;
        }
        free(name);
        (*out)[(*nout)++] = nr;
    }
    return 0;
}

/* "seccomp", "caps" and "network": the isolation layers that can be switched off. */
static int parse_isolation(const char *js, fj_tok *t, struct sandbox_spec *s, flint_error *err) {
    int i = fj_get(js, t, 0, "seccomp");
    s->seccomp_mode = SECCOMP_DEFAULT;
    if (i >= 0 && t[i].type == FJ_ARRAY) {
        s->seccomp_mode = SECCOMP_LIST;
        if (parse_names(js, t, i, seccomp_syscall_nr, "syscall", &s->seccomp_deny, &s->nseccomp_deny, err) < 0)
            return -1;
    } else if (i >= 0) {
        char *m = fj_strdup(js, &t[i]);
        int ok = m && (!strcmp(m, "default") || !strcmp(m, "off"));
        if (ok && !strcmp(m, "off")) s->seccomp_mode = SECCOMP_OFF;
        free(m);
        if (!ok) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "'seccomp' must be \"default\", \"off\" or a list of syscall names");
            return -1;
        }
    }
    if (s->seccomp_mode == SECCOMP_DEFAULT) {
        int n = 0;
        while (seccomp_default_deny[n]) n++;
        if (!(s->seccomp_deny = calloc((size_t)n + 1, sizeof *s->seccomp_deny))) return -1;
        for (int k = 0; k < n; k++) {
            int nr = seccomp_syscall_nr(seccomp_default_deny[k]);
            if (nr >= 0) s->seccomp_deny[s->nseccomp_deny++] = nr; /* absent on this arch: nothing to deny */
        }
    }
    i = fj_get(js, t, 0, "caps");
    s->caps = s->uid == 0 ? CAPS_CONTAINER_DEFAULT : 0;
    if (i >= 0) {
        int *nrs = NULL, n = 0;
        if (t[i].type != FJ_ARRAY) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "'caps' must be a list of capability names");
            return -1;
        }
        int rc = parse_names(js, t, i, capability_nr, "capability", &nrs, &n, err);
        s->caps = 0;
        for (int k = 0; k < n; k++) s->caps |= 1ULL << nrs[k];
        free(nrs);
        if (rc < 0) return -1;
    }
    i = fj_get(js, t, 0, "network");
    if (i >= 0) {
        char *m = fj_strdup(js, &t[i]);
        int ok = m && (!strcmp(m, "private") || !strcmp(m, "prepared") || !strcmp(m, "host"));
        s->host_network = ok && !strcmp(m, "host");
        s->net_prepared = ok && !strcmp(m, "prepared");
        free(m);
        if (!ok) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "'network' must be \"private\", \"prepared\" or \"host\"");
            return -1;
        }
    }
    return 0;
}

int spec_parse(const char *js, size_t len, struct sandbox_spec *s, flint_error *err) {
    memset(s, 0, sizeof *s);
    fj_tok *t = malloc(sizeof(fj_tok) * MAX_TOKENS);
    if (!t) { flint_error_set(err, FLINT_STAGE_SPEC, 12, "token buffer"); return -1; }
    int rc = -1;
    int n = fj_parse(js, len, t, MAX_TOKENS);
    if (n < 0 || t[0].type != FJ_OBJECT) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "sandbox spec is not a JSON object");
        goto out;
    }
    int p = fj_get(js, t, 0, "proxy");
    long long ro = 1;
    int roi = fj_get(js, t, 0, "readonly_root");
    if (roi >= 0) ro = fj_bool(js, &t[roi]);
    long long snap = 0;
    int snapi = fj_get(js, t, 0, "snapshot");
    if (snapi >= 0) snap = fj_bool(js, &t[snapi]);
    if (get_str(js, t, 0, "hostname", &s->hostname, "flint", err) < 0 ||
        get_strv(js, t, 0, "layers", &s->layers, 1, err) < 0 ||
        get_int(js, t, 0, "scratch_mb", &s->scratch_mb, 64, 1, 1 << 20, err) < 0 ||
        get_int(js, t, 0, "tmp_mb", &s->tmp_mb, 512, 1, 1 << 20, err) < 0 ||
        get_str(js, t, 0, "mount_base", &s->mount_base, "/run/flint/mnt", err) < 0 ||
        parse_binds(js, t, s, err) < 0 ||
        get_strv(js, t, 0, "argv", &s->argv, 1, err) < 0 ||
        get_strv(js, t, 0, "env", &s->env, 0, err) < 0 ||
        get_str(js, t, 0, "cwd", &s->cwd, "/", err) < 0 ||
        get_int(js, t, 0, "uid", &s->uid, 0, 0, 0x7fffffff, err) < 0 ||
        get_int(js, t, 0, "gid", &s->gid, 0, 0, 0x7fffffff, err) < 0 ||
        (p >= 0 && (get_int(js, t, p, "port", &s->proxy_port, 9001, 1, 65535, err) < 0 ||
                    get_str(js, t, p, "socket", &s->proxy_socket, NULL, err) < 0)))
        goto out;
    if (parse_isolation(js, t, s, err) < 0) goto out;
    if (ro < 0) { flint_error_set(err, FLINT_STAGE_SPEC, 0, "'readonly_root' must be a boolean"); goto out; }
    s->readonly_root = (int)ro;
    if (snap < 0) { flint_error_set(err, FLINT_STAGE_SPEC, 0, "'snapshot' must be a boolean"); goto out; }
    s->snapshot = (int)snap;
    if (s->snapshot && !s->proxy_port) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "'snapshot' needs a 'proxy': its connections are what gets parked");
        goto out;
    }
    for (char **l = s->layers; *l; l++) {
        if (!absolute(*l) || strchr(*l, ':') || strchr(*l, ',')) {
            flint_error_set(err, FLINT_STAGE_SPEC, 0, "layer '%s' must be an absolute path without ':' or ','", *l);
            goto out;
        }
        s->nlayers++;
    }
    if (!absolute(s->mount_base) || !absolute(s->cwd)) {
        flint_error_set(err, FLINT_STAGE_SPEC, 0, "'mount_base' and 'cwd' must be absolute paths");
        goto out;
    }
    rc = 0;
out:
    free(t);
    return rc;
}

void spec_free(struct sandbox_spec *s) {
    free(s->hostname);
    fj_strv_free(s->layers);
    free(s->mount_base);
    for (int i = 0; i < s->nbinds; i++) { free(s->binds[i].source); free(s->binds[i].target); }
    fj_strv_free(s->argv);
    fj_strv_free(s->env);
    free(s->cwd);
    free(s->proxy_socket);
    free(s->seccomp_deny);
    memset(s, 0, sizeof *s);
}
