/* proxy.c — non-blocking relay between in-sandbox TCP clients and the Runtime API Unix socket.
 * Each direction of a connection has one buffer: read from the source only when it is empty,
 * write to the sink while it holds data; EOF is passed on as shutdown(SHUT_WR).
 *
 * Parking (snapshots): a checkpoint must not hold a connection to the supervisor, so
 * proxy_park() closes every api-side socket and keeps the in-sandbox TCP connections, which
 * CRIU carries. Each connection remembers the request bytes it sent since its last answer (the
 * outstanding request: HTTP/1.1 without pipelining has at most one); proxy_resume() connects
 * afresh (after a restore that is the new env's socket) and sends that request again, so the
 * runtime's parked GET reaches the new supervisor as if it had just been made. */
#include "proxy.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

struct pipe_dir {
    int from, to;
    char *buf;
    size_t len, off;
    int eof; /* the source said EOF; the sink was (or will be) shut down for writing */
};

struct conn {
    int used;
    struct pipe_dir up, down; /* up: client → api, down: api → client */
    char *pending;            /* request bytes sent up since the last byte came down */
    size_t pending_len;
    int answered;             /* a byte came down after the pending bytes went up */
    int overflow;             /* the outstanding request is over PROXY_REPLAY_MAX: not replayable */
};

struct proxy {
    int replay; /* remember requests for a replay after park/resume (snapshot sandboxes only) */
    int parked;
    int listen_fd;
    char socket_path[108];
    struct conn conns[PROXY_MAX_CONNS];
};

struct proxy *proxy_open(int port, const char *socket_path, int replay, flint_error *err) {
    struct proxy *p = calloc(1, sizeof *p);
    if (!p || strlen(socket_path) >= sizeof p->socket_path) {
        flint_error_set(err, FLINT_STAGE_PROXY, p ? ENAMETOOLONG : ENOMEM, "api socket '%s'", socket_path);
        free(p);
        return NULL;
    }
    strcpy(p->socket_path, socket_path);
    p->replay = replay;
    p->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (p->listen_fd < 0 || setsockopt(p->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(p->listen_fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(p->listen_fd, 64) < 0) {
        flint_error_set(err, FLINT_STAGE_PROXY, errno, "listen on 127.0.0.1:%d", port);
        if (p->listen_fd >= 0) close(p->listen_fd);
        free(p);
        return NULL;
    }
    return p;
}

static void dir_init(struct pipe_dir *d, int from, int to) {
    d->from = from;
    d->to = to;
    d->len = d->off = 0;
    d->eof = 0;
}

static void conn_close(struct conn *c) {
    close(c->up.from);
    if (c->up.to >= 0) close(c->up.to);
    free(c->up.buf);
    free(c->down.buf);
    free(c->pending);
    memset(c, 0, sizeof *c);
}

/* Remember what the client sent since its last answer. */
static void note_request(struct conn *c, const char *data, size_t n) {
    if (c->answered) {
        c->pending_len = 0;
        c->overflow = 0;
        c->answered = 0;
    }
    if (c->overflow || c->pending_len + n > PROXY_REPLAY_MAX) {
        c->overflow = 1;
        return;
    }
    memcpy(c->pending + c->pending_len, data, n);
    c->pending_len += n;
}

static int connect_api(const struct proxy *p) {
    int api = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un ua = {.sun_family = AF_UNIX};
    strcpy(ua.sun_path, p->socket_path);
    /* A blocking connect to a local Unix socket completes at once or fails at once. */
    if (api >= 0 && connect(api, (struct sockaddr *)&ua, sizeof ua) < 0) {
        close(api);
        return -1;
    }
    return api;
}

static void accept_one(struct proxy *p) {
    int client = accept4(p->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (client < 0) return;
    struct conn *c = NULL;
    for (int i = 0; i < PROXY_MAX_CONNS && !c; i++)
        if (!p->conns[i].used) c = &p->conns[i];
    int api = c ? connect_api(p) : -1;
    if (api < 0) {
        close(client);
        return;
    }
    fcntl(api, F_SETFL, O_NONBLOCK);
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->used = 1;
    c->up.buf = malloc(PROXY_BUF);
    c->down.buf = malloc(PROXY_BUF);
    c->pending = p->replay ? malloc(PROXY_REPLAY_MAX) : NULL;
    if (!c->up.buf || !c->down.buf || (p->replay && !c->pending)) { dir_init(&c->up, client, api); conn_close(c); return; }
    dir_init(&c->up, client, api);
    dir_init(&c->down, api, client);
}

int proxy_pollfds(struct proxy *p, struct pollfd *pfds, int cap) {
    int n = 0;
    /* Parked: nothing new is accepted or read; a connect waits in the backlog until resume. */
    if (n < cap) pfds[n++] = (struct pollfd){.fd = p->parked ? -1 : p->listen_fd, .events = POLLIN};
    for (int i = 0; i < PROXY_MAX_CONNS && n + 2 <= cap; i++) {
        struct conn *c = &p->conns[i];
        if (!c->used) continue;
        /* fd slot 1: the client; slot 2: the api side. */
        short ce = 0, ae = 0;
        if (!c->up.eof && c->up.len == 0 && !p->parked) ce |= POLLIN;
        if (c->down.len > 0) ce |= POLLOUT;
        if (!c->down.eof && c->down.len == 0) ae |= POLLIN;
        if (c->up.len > 0) ae |= POLLOUT;
        pfds[n++] = (struct pollfd){.fd = c->up.from, .events = ce};
        pfds[n++] = (struct pollfd){.fd = c->down.from, .events = ae};
    }
    return n;
}

/* Move bytes one step in one direction; returns -1 when the connection should close. *got is
 * the count read from the source in this step (they are at the start of d->buf). */
static int pump(struct pipe_dir *d, short from_rev, short to_rev, ssize_t *got) {
    *got = 0;
    if (d->from >= 0 && d->len == 0 && !d->eof && (from_rev & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t r = read(d->from, d->buf, PROXY_BUF);
        if (r > 0) { d->len = (size_t)r; d->off = 0; *got = r; }
        else if (r == 0) { d->eof = 1; shutdown(d->to, SHUT_WR); }
        else if (errno != EAGAIN && errno != EINTR) return -1;
    }
    if (d->len > 0 && (to_rev & (POLLOUT | POLLERR | POLLHUP) || d->off == 0)) {
        ssize_t w = write(d->to, d->buf + d->off, d->len);
        if (w > 0) { d->off += (size_t)w; d->len -= (size_t)w; }
        else if (w < 0 && errno != EAGAIN && errno != EINTR) return -1;
        if (d->len == 0) d->off = 0;
    }
    return 0;
}

void proxy_handle(struct proxy *p, const struct pollfd *pfds, int n) {
    if (n > 0 && (pfds[0].revents & POLLIN)) accept_one(p);
    for (int k = 1; k + 1 < n; k += 2) {
        struct conn *c = NULL;
        for (int i = 0; i < PROXY_MAX_CONNS; i++)
            if (p->conns[i].used && p->conns[i].up.from == pfds[k].fd) { c = &p->conns[i]; break; }
        if (!c) continue;
        short crev = pfds[k].revents, arev = pfds[k + 1].revents;
        ssize_t up_got = 0, down_got = 0;
        int up_rc = pump(&c->up, crev, arev, &up_got);
        if (up_got > 0 && c->pending) note_request(c, c->up.buf, (size_t)up_got);
        int down_rc = up_rc < 0 ? 0 : pump(&c->down, arev, crev, &down_got);
        if (up_rc == 0 && down_got > 0) c->answered = 1;
        if (up_rc < 0 || down_rc < 0 ||
            (c->up.eof && c->down.eof && !c->up.len && !c->down.len) ||
            /* a side that hung up after its EOF can take nothing more: stop polling it */
            ((crev & (POLLHUP | POLLERR)) && c->up.eof) || ((arev & (POLLHUP | POLLERR)) && c->down.eof))
            conn_close(c);
    }
}

int proxy_park(struct proxy *p) {
    int outstanding = 0;
    for (int i = 0; i < PROXY_MAX_CONNS; i++) {
        struct conn *c = &p->conns[i];
        if (!c->used) continue;
        int replay = c->pending_len > 0 && !c->answered;
        if ((replay && c->overflow) || c->up.eof) {
            conn_close(c);
            continue;
        }
        close(c->up.to);
        c->up.to = c->down.from = -1;
        c->up.len = c->up.off = 0; /* unsent request bytes are part of pending */
        c->down.eof = 0;
        outstanding += replay;
    }
    p->parked = 1;
    return outstanding;
}

int proxy_resume(struct proxy *p) {
    int replayed = 0;
    for (int i = 0; i < PROXY_MAX_CONNS; i++) {
        struct conn *c = &p->conns[i];
        if (!c->used || c->up.to >= 0) continue;
        int api = connect_api(p);
        int replay = c->pending_len > 0 && !c->answered;
        size_t off = 0;
        while (api >= 0 && replay && off < c->pending_len) {
            ssize_t w = write(api, c->pending + off, c->pending_len - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) { close(api); api = -1; break; }
            off += (size_t)w;
        }
        if (api < 0) {
            conn_close(c); /* the runtime sees its connection end, as when the supervisor goes away */
            continue;
        }
        fcntl(api, F_SETFL, O_NONBLOCK);
        c->up.to = c->down.from = api;
        replayed += replay;
    }
    p->parked = 0;
    return replayed;
}
