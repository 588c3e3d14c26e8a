/* proxy.h — flint-init's TCP→Unix-socket relay: the runtime talks HTTP to 127.0.0.1:PORT inside
 * the sandbox; every connection is relayed to the supervisor's Runtime API socket. */
#ifndef FLINT_PROXY_H
#define FLINT_PROXY_H

#include "flint.h"

#include <poll.h>

#define PROXY_MAX_CONNS 64
#define PROXY_BUF (64 * 1024)
#define PROXY_REPLAY_MAX (16 * 1024) /* an outstanding request up to this size survives a park */

struct proxy;

/* Listen on 127.0.0.1:port; connections go to the Unix socket at socket_path. replay: keep each
 * connection's outstanding request for proxy_park/proxy_resume. NULL + err on failure. */
struct proxy *proxy_open(int port, const char *socket_path, int replay, flint_error *err);

/* Fill pfds (capacity cap) with what the proxy waits for; returns the count used. */
int proxy_pollfds(struct proxy *p, struct pollfd *pfds, int cap);

/* Handle the poll results for the entries proxy_pollfds filled. */
void proxy_handle(struct proxy *p, const struct pollfd *pfds, int n);

/* Snapshots: close every api-side socket, keep the clients, stop accepting and reading.
 * Returns how many connections have an outstanding request to replay. */
int proxy_park(struct proxy *p);

/* Connect every kept client to the api socket again and replay its outstanding request.
 * Returns how many requests were replayed. */
int proxy_resume(struct proxy *p);

#endif
