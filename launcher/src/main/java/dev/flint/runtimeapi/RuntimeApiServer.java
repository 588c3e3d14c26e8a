package dev.flint.runtimeapi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The Lambda Runtime API ({@code 2018-06-01}) of one execution environment, served on the env's
 * Unix socket (bind-mounted into the sandbox; {@code flint-init} proxies {@code 127.0.0.1:9001} to it).
 *
 * <p>Lifecycle as seen by the invoke layer:
 * <pre>
 *   start(socket, listener) ─► initOutcome() completes: Ready (first GET next) | Failed (POST init/error)
 *   invoke(inv) ─► queued ─► handed to the parked GET next ─► future completes: Success | FunctionError
 *   close() ─► socket gone, connections closed, pending futures fail with RuntimeApiException
 * </pre>
 * Timeouts, crashes and OOM are the invoke layer's business: it watches the process and the
 * deadline, then calls {@link #close()}. All envs share one Jetty server and thread pool
 * ({@link RuntimeApiHost}); one env costs a bound socket, no thread.
 *
 * <p>Thread-safe. Futures complete on Jetty threads: chain with {@code *Async} or return quickly.
 */
public final class RuntimeApiServer implements AutoCloseable {

    /** RIE {@code interop.MaxPayloadSize}: 6 MiB + 100 bytes, for the event and a buffered response. */
    public static final int MAX_PAYLOAD_SIZE = 6 * 1024 * 1024 + 100;

    /** sun_path is 108 bytes including the terminating NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;

    private final RuntimeApiListener listener;
    private final Path socketPath;
    private final Object lock = new Object();
    private final CompletableFuture<InitOutcome> initOutcome = new CompletableFuture<>();
    private final CompletableFuture<InitOutcome> restoreOutcome = new CompletableFuture<>();

    // guarded by lock
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private Parked parkedNext;
    private Pending inFlight;
    private Phase phase = Phase.INIT;
    private Parked parkedRestore;
    private boolean closed;

    // set once after construction
    private Closeable unixListener;
    private ServerConnector tcpConnector;

    /**
     * RESTORE_PENDING: a restored env's server before the runtime's parked request (replayed by
     * flint-init after the restore) arrives: {@code restore/next} is answered at once, and a
     * {@code next} (a runtime that parked there instead) ends the Restore phase directly.
     */
    private enum Phase { INIT, INIT_FAILED, RESTORE_PARKED, RESTORE_PENDING, RESTORING, READY }

    record Pending(Invocation invocation, CompletableFuture<InvocationResult> future) {}

    record Parked(Request request, Response response, Callback callback) {}

    private RuntimeApiServer(Path socketPath, RuntimeApiListener listener) {
        this.socketPath = socketPath;
        this.listener = listener == null ? RuntimeApiListener.NONE : listener;
    }

    /**
     * Serves the Runtime API on a new Unix socket at {@code socketPath} (mode 0666, so an
     * unprivileged function user can connect). A stale socket file left by a crashed supervisor is
     * replaced; any other file there is an error.
     *
     * @throws IllegalArgumentException the absolute path is 108 bytes or longer
     * @throws RuntimeApiException the socket cannot be created
     */
    public static RuntimeApiServer start(Path socketPath, RuntimeApiListener listener) {
        Path path = socketPath.toAbsolutePath();
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("runtime api: socket path is " + bytes + " bytes, the limit is "
                    + MAX_SOCKET_PATH_BYTES + " (sun_path): '" + path + "'");
        }
        RuntimeApiServer env = new RuntimeApiServer(path, listener);
        try {
            if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                    throw new RuntimeApiException("runtime api: EEXIST: not a socket, refusing to replace: '" + path + "'");
                }
                Files.delete(path); // a stale socket
            }
            env.unixListener = RuntimeApiHost.shared().listenUnix(path, env);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            env.close();
            throw new RuntimeApiException("runtime api: bind: " + e.getMessage() + ": on '" + path + "'", e);
        }
        return env;
    }

    /**
     * Like {@link #start}, for an env restored from a snapshot: the runtime is past Init and its
     * first request here is the one it made before the checkpoint. {@link #restoreOutcome()}
     * completes Ready at its first {@code invocation/next}, Failed on {@code restore/error} or
     * {@code init/error} (which Lambda's RIE also treats as a restore error during a restore).
     */
    public static RuntimeApiServer startRestored(Path socketPath, RuntimeApiListener listener) {
        RuntimeApiServer env = start(socketPath, listener);
        synchronized (env.lock) {
            env.phase = Phase.RESTORE_PENDING;
        }
        env.initOutcome.complete(InitOutcome.ready());
        return env;
    }

    /**
     * Serves the Runtime API on {@code 127.0.0.1:<ephemeral>} instead of a Unix socket, for tests
     * and for runtimes run as plain host processes. {@link #runtimeApiAddress()} is the value for
     * {@code AWS_LAMBDA_RUNTIME_API}.
     */
    public static RuntimeApiServer startTcpForTests(RuntimeApiListener listener) {
        RuntimeApiServer env = new RuntimeApiServer(null, listener);
        env.tcpConnector = RuntimeApiHost.shared().listenTcp(env);
        return env;
    }

    /** The Unix socket path, or null for a TCP server. */
    public Path socketPath() {
        return socketPath;
    }

    /** {@code 127.0.0.1:<port>} for a TCP server; for a Unix server, what the sandbox sees: {@code 127.0.0.1:9001}. */
    public String runtimeApiAddress() {
        return tcpConnector != null ? "127.0.0.1:" + tcpConnector.getLocalPort() : "127.0.0.1:9001";
    }

    /** Completes when Init ends; never completes exceptionally except through {@link #close()}. */
    public CompletableFuture<InitOutcome> initOutcome() {
        return initOutcome;
    }

    /**
     * SnapStart only: completes Ready when the runtime calls {@code invocation/next} after
     * {@link #releaseRestore()}, Failed on {@code POST /runtime/restore/error}.
     */
    public CompletableFuture<InitOutcome> restoreOutcome() {
        return restoreOutcome;
    }

    /**
     * Queues one event; the runtime's {@code next} gets it (now, if it is waiting). Events are
     * handed out one at a time, in order: the next one only after the runtime answered this one.
     * The future completes with the runtime's response or error; it fails with
     * {@link RuntimeApiException} if the env is closed first.
     */
    public CompletableFuture<InvocationResult> invoke(Invocation inv) {
        Objects.requireNonNull(inv, "inv");
        Pending pending = new Pending(inv, new CompletableFuture<>());
        Parked target = null;
        synchronized (lock) {
            if (closed) {
                pending.future.completeExceptionally(new RuntimeApiException("runtime api: env is closed"));
                return pending.future;
            }
            if (parkedNext != null && inFlight == null && queue.isEmpty()) {
                target = parkedNext;
                parkedNext = null;
                inFlight = pending;
            } else {
                queue.add(pending);
            }
        }
        if (target != null) {
            deliver(target, pending);
        }
        return pending.future;
    }

    /** SnapStart only: answers the parked {@code GET /runtime/restore/next} (200, empty body). */
    public void releaseRestore() {
        Parked parked;
        synchronized (lock) {
            if (phase != Phase.RESTORE_PARKED) {
                throw new IllegalStateException("runtime api: restore/next is not parked (phase " + phase + ")");
            }
            phase = Phase.RESTORING;
            parked = parkedRestore;
            parkedRestore = null;
        }
        if (parked != null) {
            Responses.send(parked.response, parked.callback, 200, null, new byte[0]);
        }
    }

    /** Stops serving: removes the socket, closes connections, fails pending futures. Idempotent. */
    @Override
    public void close() {
        List<Pending> failed = new ArrayList<>();
        List<Parked> parked = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            failed.addAll(queue);
            queue.clear();
            if (inFlight != null) {
                failed.add(inFlight);
                inFlight = null;
            }
            if (parkedNext != null) {
                parked.add(parkedNext);
                parkedNext = null;
            }
            if (parkedRestore != null) {
                parked.add(parkedRestore);
                parkedRestore = null;
            }
        }
        RuntimeApiException why = new RuntimeApiException("runtime api: env is closed");
        for (Parked p : parked) {
            p.callback.failed(why);
        }
        if (unixListener != null) {
            try {
                unixListener.close();
            } catch (IOException e) {
                // closing the channel cannot fail in a way we could act on
            }
        }
        if (tcpConnector != null) {
            RuntimeApiHost.shared().closeTcp(tcpConnector);
        }
        if (socketPath != null && unixListener != null) {
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                // the env's scratch dir is removed by the sandbox cleanup anyway
            }
        }
        for (Pending p : failed) {
            p.future.completeExceptionally(why);
        }
        initOutcome.completeExceptionally(why);
        restoreOutcome.completeExceptionally(why);
    }

    // ---- called by the endpoint handlers ----------------------------------------------------

    RuntimeApiListener listener() {
        return listener;
    }

    void next(Parked parked) {
        Pending toSend = null;
        Parked displaced = null;
        String refusedFrom = null;
        boolean initReady = false;
        boolean restored = false;
        synchronized (lock) {
            if (closed) {
                refusedFrom = "Closed";
            } else if (phase == Phase.INIT_FAILED) {
                refusedFrom = "InitError";
            } else if (phase == Phase.RESTORE_PARKED) {
                refusedFrom = "Restoring";
            } else if (inFlight != null) {
                refusedFrom = "Invoking";
            } else {
                initReady = phase == Phase.INIT;
                restored = phase == Phase.RESTORING || phase == Phase.RESTORE_PENDING;
                phase = Phase.READY;
                toSend = queue.poll();
                if (toSend != null) {
                    inFlight = toSend;
                } else {
                    // A second next while one is parked means the first connection is dead but
                    // unnoticed (a request without a body is not read further): the newer one wins.
                    displaced = parkedNext;
                    parkedNext = parked;
                }
            }
        }
        if (refusedFrom != null) {
            Responses.invalidState(parked.response, parked.callback, refusedFrom, "Ready",
                    "invocation/next is not allowed now");
            return;
        }
        if (initReady) {
            listener.onInitReady();
            initOutcome.complete(InitOutcome.ready());
        }
        if (restored) {
            restoreOutcome.complete(InitOutcome.ready());
        }
        listener.onNext();
        if (displaced != null) {
            Responses.invalidState(displaced.response, displaced.callback, "Ready", "Ready",
                    "a newer invocation/next replaced this one");
        }
        if (toSend != null) {
            deliver(parked, toSend);
        }
    }

    private void deliver(Parked parked, Pending pending) {
        Invocation inv = pending.invocation;
        HttpFields.Mutable headers = parked.response.getHeaders();
        headers.put("Lambda-Runtime-Aws-Request-Id", inv.requestId());
        putIfNotEmpty(headers, "Lambda-Runtime-Trace-Id", inv.traceId());
        putIfNotEmpty(headers, "Lambda-Runtime-Client-Context", inv.clientContext());
        putIfNotEmpty(headers, "Lambda-Runtime-Cognito-Identity", inv.cognitoIdentity());
        putIfNotEmpty(headers, "Lambda-Runtime-Invoked-Function-Arn", inv.invokedFunctionArn());
        headers.put("Lambda-Runtime-Deadline-Ms", Long.toString(inv.deadlineEpochMs()));
        headers.put(HttpHeader.CONTENT_TYPE, "application/json");
        headers.put(HttpHeader.CONTENT_LENGTH, inv.payload().length);
        parked.response.setStatus(200);
        parked.response.write(true, ByteBuffer.wrap(inv.payload()), Callback.from(
                () -> {
                    parked.callback.succeeded();
                    listener.onInvocationDelivered(inv.requestId());
                },
                failure -> {
                    parked.callback.failed(failure);
                    redeliver(pending);
                }));
    }

    /** The write to the runtime's {@code next} failed (connection gone): give the event to the next {@code next}. */
    private void redeliver(Pending pending) {
        synchronized (lock) {
            if (closed || inFlight != pending) {
                return;
            }
            inFlight = null;
            queue.addFirst(pending);
        }
    }

    /** The in-flight invocation if {@code requestId} names it, else null (unknown or already answered). */
    Pending inFlight(String requestId) {
        synchronized (lock) {
            return inFlight != null && inFlight.invocation.requestId().equals(requestId) ? inFlight : null;
        }
    }

    /** Ends {@code pending} with {@code result}; false if it was answered (or the env closed) meanwhile. */
    boolean complete(Pending pending, InvocationResult result) {
        synchronized (lock) {
            if (inFlight != pending) {
                return false;
            }
            inFlight = null;
        }
        pending.future.complete(result);
        return true;
    }

    /** Records an init error; returns null when accepted, else the current state's name for the 403. */
    String initError(String errorType, byte[] body) {
        boolean restoring;
        synchronized (lock) {
            restoring = phase == Phase.RESTORING || phase == Phase.RESTORE_PENDING;
            if ((phase != Phase.INIT && !restoring) || closed) {
                return closed ? "Closed" : phase.name();
            }
            phase = Phase.INIT_FAILED;
        }
        if (restoring) {
            listener.onRestoreError(errorType, body);
            restoreOutcome.complete(InitOutcome.failed(errorType, body));
            return null;
        }
        listener.onInitError(errorType, body);
        initOutcome.complete(InitOutcome.failed(errorType, body));
        return null;
    }

    void restoreNext(Parked parked) {
        String refusedFrom = null;
        boolean restored = false;
        synchronized (lock) {
            if (!closed && phase == Phase.RESTORE_PENDING) {
                phase = Phase.RESTORING;
                restored = true;
            } else if (closed || phase != Phase.INIT) {
                refusedFrom = closed ? "Closed" : phase.name();
            } else {
                phase = Phase.RESTORE_PARKED;
                parkedRestore = parked;
            }
        }
        if (restored) {
            // This env is the restored copy: the checkpoint was taken while this request waited.
            Responses.send(parked.response, parked.callback, 200, null, new byte[0]);
            return;
        }
        if (refusedFrom != null) {
            Responses.invalidState(parked.response, parked.callback, refusedFrom, "RestoreReady",
                    "restore/next is only allowed at the end of init");
            return;
        }
        listener.onInitReady();
        listener.onRestoreNext();
        initOutcome.complete(InitOutcome.ready());
    }

    String restoreError(String errorType, byte[] body) {
        synchronized (lock) {
            if (closed || phase != Phase.RESTORING) {
                return closed ? "Closed" : phase.name();
            }
            phase = Phase.INIT_FAILED;
        }
        listener.onRestoreError(errorType, body);
        restoreOutcome.complete(InitOutcome.failed(errorType, body));
        return null;
    }

    private static void putIfNotEmpty(HttpFields.Mutable headers, String name, String value) {
        if (value != null && !value.isEmpty()) {
            headers.put(name, value);
        }
    }

    @Override
    public String toString() {
        return "RuntimeApiServer[" + (socketPath != null ? socketPath : runtimeApiAddress()) + "]";
    }
}
