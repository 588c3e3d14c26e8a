package dev.flint.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@link LambdaApi} over HTTP/1.1 on TCP (default {@value #DEFAULT_BIND}), with its own Jetty
 * server and thread pool, separate from the Runtime API's. A synchronous Invoke holds a pool
 * thread for its whole duration, so the pool's maximum is the account concurrency limit plus
 * headroom for the control plane: a full pool must never be what throttles invokes.
 */
public final class LambdaApiServer implements AutoCloseable {
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** flint's default port (AWS's is 443; RIE's 8080 and the Runtime API's 9001 are taken). */
    public static final int DEFAULT_PORT = 9009;
    /** Oversized bodies up to this size are read and dropped before the 413 (see readBody). */
    static final long DRAIN_CAP = 256L * 1024 * 1024;
    /** Control-plane threads on top of one per concurrent invoke. */
    static final int CONTROL_THREADS = 32;

    private final Server server;
    private final ServerConnector connector;

    /**
     * @param port 0 picks an ephemeral port ({@link #port()} tells which)
     * @param maxConcurrency concurrent synchronous invokes the pool must hold
     */
    public LambdaApiServer(LambdaApi api, String bind, int port, int maxConcurrency) {
        QueuedThreadPool pool = new QueuedThreadPool(maxConcurrency + CONTROL_THREADS, 4, 60_000);
        pool.setName("flint-api");
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setSendDateHeader(true);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(120_000);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new ApiHandler(api));
        server.setStopTimeout(5_000);
    }

    public LambdaApiServer start() {
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the start failure is the one to report
            }
            throw new IllegalStateException("api: cannot listen on " + connector.getHost() + ":"
                    + connector.getPort() + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The bound port (after {@link #start()}). */
    public int port() {
        return connector.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    /** Stops accepting, lets running requests finish for up to 5 s, then closes. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("api: cannot stop the server: " + e.getMessage(), e);
        }
    }

    /** Jetty → {@link ApiRequest} → {@link LambdaApi} → response; the body is read on demand. */
    static final class ApiHandler extends Handler.Abstract {
        private final LambdaApi api;

        ApiHandler(LambdaApi api) {
            this.api = api;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpField f : request.getHeaders()) {
                headers.putIfAbsent(f.getName(), f.getValue());
            }
            Map<String, String> query = new TreeMap<>();
            Request.extractQueryParameters(request).forEach(f -> query.putIfAbsent(f.getName(), f.getValue()));
            String rawPath = request.getHttpURI().getPath();
            ApiRequest req = new ApiRequest(request.getMethod(), rawPath, ApiRequest.splitPath(rawPath), query,
                    headers, (limit, op) -> readBody(request, limit, op));
            ApiResponse r = api.handle(req);
            response.setStatus(r.status());
            HttpFields.Mutable h = response.getHeaders();
            r.headers().forEach(h::put);
            if (!r.headers().containsKey("x-amzn-RequestId")) {
                h.put("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            }
            if (r.body().length == 0) {
                h.put("Content-Length", "0");
                response.write(true, null, callback);
            } else {
                h.put("Content-Length", Integer.toString(r.body().length));
                response.write(true, ByteBuffer.wrap(r.body()), callback);
            }
            return true;
        }

        /**
         * Reads at most {@code limit} bytes; a larger body is AWS's 413. The rest of an oversized
         * body (up to {@link #DRAIN_CAP}) is read and dropped first: answering while the client is
         * still sending makes the close reset the connection, and the client never sees the 413.
         */
        private static byte[] readBody(Request request, long limit, String operation) {
            long declared = request.getLength();
            try (InputStream in = Content.Source.asInputStream(request)) {
                if (declared > limit) {
                    drain(in, declared);
                    throw ApiException.entityTooLarge(limit, operation);
                }
                byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
                if (b.length > limit) {
                    drain(in, DRAIN_CAP);
                    throw ApiException.entityTooLarge(limit, operation);
                }
                return b;
            } catch (IOException e) {
                throw ApiException.invalidContent("Could not read request body: " + e.getMessage());
            }
        }

        private static void drain(InputStream in, long declared) throws IOException {
            if (declared > DRAIN_CAP) {
                return; // too much to swallow: the connection is closed instead
            }
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while (total < DRAIN_CAP && (n = in.read(buf)) > 0) {
                total += n;
            }
        }
    }
}
