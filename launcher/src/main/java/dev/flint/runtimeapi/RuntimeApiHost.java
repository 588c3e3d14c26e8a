package dev.flint.runtimeapi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The one Jetty {@link Server}, thread pool and Unix-socket connector that every env's Runtime API
 * shares. Started on first use, never stopped (daemon threads).
 *
 * <p>Threads: 1 selector thread for all Unix sockets; handlers borrow pool threads only while
 * reading a posted body. A parked {@code next} holds no thread.
 *
 * <p>Measured here (2-vCPU VM, socket dir on ext4 /tmp, warm JVM; RuntimeApiServerTest
 * manyEnvsShareOneThreadPool): starting an env's API (length check, stale-file check, bind,
 * chmod 0666, selector registration) costs 0.3–0.5 ms; closing it ≈ 0.05–0.09 ms; 200 envs add
 * no threads.
 */
final class RuntimeApiHost {

    private static RuntimeApiHost shared;

    private final Server server;
    private final UnixSocketConnector unix;
    private final Map<Connector, RuntimeApiServer> tcpConnectors = new ConcurrentHashMap<>();
    private final HttpConnectionFactory http;

    static synchronized RuntimeApiHost shared() {
        if (shared == null) {
            shared = new RuntimeApiHost();
        }
        return shared;
    }

    private RuntimeApiHost() {
        QueuedThreadPool pool = new QueuedThreadPool(256, 4, 60_000);
        pool.setName("flint-rapi");
        pool.setDaemon(true);
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false); // RIE (Go net/http) sends no Server header
        config.setSendXPoweredBy(false);
        http = new HttpConnectionFactory(config);
        unix = new UnixSocketConnector(server, 1, http);
        server.addConnector(unix);
        server.setHandler(new RuntimeApiRouter(this));
        try {
            server.start();
        } catch (Exception e) {
            throw new RuntimeApiException("runtime api: cannot start the shared jetty server", e);
        }
    }

    Closeable listenUnix(Path path, RuntimeApiServer env) throws IOException {
        return unix.listen(path, env);
    }

    /** A TCP connector on 127.0.0.1, ephemeral port, for tests and host processes. Returns the port. */
    ServerConnector listenTcp(RuntimeApiServer env) {
        ServerConnector connector = new ServerConnector(server, 0, 1, http);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(0);
        tcpConnectors.put(connector, env);
        server.addConnector(connector);
        try {
            if (!connector.isStarted()) {
                connector.start();
            }
        } catch (Exception e) {
            tcpConnectors.remove(connector);
            server.removeConnector(connector);
            throw new RuntimeApiException("runtime api: cannot listen on 127.0.0.1", e);
        }
        return connector;
    }

    void closeTcp(ServerConnector connector) {
        try {
            connector.stop();
        } catch (Exception e) {
            // best effort: the connector is going away either way
        } finally {
            server.removeConnector(connector);
            tcpConnectors.remove(connector);
        }
    }

    RuntimeApiServer envOf(Request request) {
        Connection connection = request.getConnectionMetaData().getConnection();
        RuntimeApiServer env = unix.envOf(connection.getEndPoint());
        if (env != null) {
            return env;
        }
        return tcpConnectors.get(request.getConnectionMetaData().getConnector());
    }
}
