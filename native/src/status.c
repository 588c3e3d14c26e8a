/* status.c — JSON status lines from flint-init to the supervisor (see status.h). */
#include "status.h"
#include "error.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void phase_start(struct phase_clock *c) { c->mark = mono_ns(); }

void phase_end(struct phase_clock *c, flint_stage stage) {
    int64_t now = mono_ns();
    if (c->n < MAX_PHASES) {
        c->names[c->n] = flint_stage_name(stage);
        c->us[c->n] = (now - c->mark) / 1000;
        c->n++;
    }
    c->mark = now;
}

size_t json_quote(char *out, size_t cap, size_t len, const char *s) {
#define PUT(ch) do { if (len + 1 < cap) out[len] = (ch); len++; } while (0)
    PUT('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') { PUT('\\'); PUT((char)*p); }
        else if (*p == '\n') { PUT('\\'); PUT('n'); }
        else if (*p < 0x20) {
            char hex[7];
            snprintf(hex, sizeof hex, "\\u%04x", *p);
            for (char *h = hex; *h; h++) PUT(*h);
        } else PUT((char)*p);
    }
    PUT('"');
    if (len < cap) out[len] = 0; else if (cap) out[cap - 1] = 0;
    return len;
#undef PUT
}

static void write_line(const char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(STATUS_FD, buf, len);
        if (w <= 0) return; /* the supervisor went away; nothing else to tell */
        buf += w;
        len -= (size_t)w;
    }
}

void status_error(const flint_error *e) {
    char buf[1024], nbuf[16];
    size_t n = (size_t)snprintf(buf, sizeof buf, "{\"stage\":\"%s\",\"errno\":%d,\"errno_name\":\"%s\",\"message\":",
                                flint_stage_name(e->stage), e->err, e->err ? flint_errno_name(e->err, nbuf, sizeof nbuf) : "");
    n = json_quote(buf, sizeof buf - 3, n, e->message);
    const char *hint = flint_error_hint((flint_stage)e->stage, e->err);
    if (hint && n + 16 < sizeof buf) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, ",\"hint\":");
        n = json_quote(buf, sizeof buf - 3, n, hint);
    }
    if (n > sizeof buf - 3) n = sizeof buf - 3;
    buf[n++] = '}';
    buf[n++] = '\n';
    write_line(buf, n);
}

void status_ready(const struct phase_clock *c) {
    char buf[1024];
    size_t n = (size_t)snprintf(buf, sizeof buf, "{\"ready\":true,\"phases_us\":{");
    for (int i = 0; i < c->n && n < sizeof buf - 64; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"%s\":%lld", i ? "," : "", c->names[i], (long long)c->us[i]);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "}}\n");
    write_line(buf, n);
}

void status_parked(int outstanding) {
    char line[64];
    int n = snprintf(line, sizeof line, "{\"parked\":%d}\n", outstanding);
    write_line(line, (size_t)n);
}
