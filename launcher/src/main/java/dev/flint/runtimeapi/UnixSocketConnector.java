package dev.flint.runtimeapi;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.IO;

/**
 * One Jetty connector that listens on <em>many</em> Unix sockets, one per env.
 *
 * <p>Jetty's own {@code UnixDomainServerConnector} owns one socket and one selector thread, so N
 * envs would cost N connectors and N selector threads. Here every env's listening channel is
 * registered as an acceptor on one shared {@link SelectorManager}: adding an env is a bind, a
 * chmod and a selector registration, no thread. Each accepted connection remembers the env whose
 * socket it came in on ({@link #envOf(EndPoint)}).
 *
 * <p>Idle timeout is off (0): {@code /runtime/invocation/next} is a long poll with no client
 * timeout. A dead runtime closes its end, which closes the endpoint.
 */
final class UnixSocketConnector extends AbstractConnector {

    private final Mux selectors;
    private final Map<ServerSocketChannel, RuntimeApiServer> listeners = new ConcurrentHashMap<>();
    private final Map<SocketChannel, RuntimeApiServer> accepting = new ConcurrentHashMap<>();
    private final Map<EndPoint, RuntimeApiServer> endPoints = new ConcurrentHashMap<>();

    UnixSocketConnector(Server server, int selectorThreads, ConnectionFactory factory) {
        super(server, null, null, null, 0, factory);
        selectors = new Mux(selectorThreads);
        installBean(selectors, true);
        setIdleTimeout(0);
    }

    /** Binds {@code path}; the caller has checked its length and made sure nothing is there. */
    Closeable listen(java.nio.file.Path path, RuntimeApiServer env) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path), 16);
            channel.configureBlocking(false);
            listeners.put(channel, env);
            Closeable acceptor = selectors.acceptor(channel);
            ManagedSelector selector = selectors.lastChosen();
            return () -> {
                IO.close(acceptor);
                listeners.remove(channel);
                closeAfterCancel(selector, channel);
                for (Map.Entry<EndPoint, RuntimeApiServer> e : endPoints.entrySet()) {
                    if (e.getValue() == env) {
                        e.getKey().close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            listeners.remove(channel);
            IO.close(channel);
            throw e;
        }
    }

    /**
     * Closes a listening channel on its selector's thread, after the cancel of its accept: the
     * selector registers and cancels in submission order, and a channel closed from this thread
     * before its registration ran made Jetty log a ClosedChannelException and then an NPE (an env
     * closed right after it started; measured: 102 such warnings in one test suite run).
     */
    private static void closeAfterCancel(ManagedSelector selector, ServerSocketChannel channel) {
        if (selector == null || !selector.isRunning()) {
            IO.close(channel);
            return;
        }
        selector.submit(sel -> IO.close(channel));
        if (!selector.isRunning()) {
            IO.close(channel); // stopped meanwhile: the update may never run; a second close is harmless
        }
    }

    RuntimeApiServer envOf(EndPoint endPoint) {
        return endPoints.get(endPoint);
    }

    /** Never called: the connector runs with no acceptor threads; accepts happen on the selector. */
    @Override
    protected void accept(int acceptorID) {
        throw new UnsupportedOperationException("accepts through the selector");
    }

    @Override
    public Object getTransport() {
        return null;
    }

    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
        endPoints.remove(endPoint);
        super.onEndPointClosed(endPoint);
    }

    private final class Mux extends SelectorManager {

        /** The selector the last acceptor() on this thread went to. */
        private final ThreadLocal<ManagedSelector> chosen = new ThreadLocal<>();

        Mux(int selectorThreads) {
            super(UnixSocketConnector.this.getExecutor(), UnixSocketConnector.this.getScheduler(), selectorThreads);
        }

        @Override
        protected ManagedSelector chooseSelector() {
            ManagedSelector s = super.chooseSelector();
            chosen.set(s);
            return s;
        }

        ManagedSelector lastChosen() {
            ManagedSelector s = chosen.get();
            chosen.remove();
            return s;
        }

        @Override
        protected SelectableChannel doAccept(SelectableChannel server) throws IOException {
            SocketChannel channel = ((ServerSocketChannel) server).accept();
            RuntimeApiServer env = listeners.get(server);
            if (channel != null) {
                if (env == null) {
                    IO.close(channel);
                    return null;
                }
                accepting.put(channel, env);
            }
            return channel;
        }

        @Override
        protected void accepted(SelectableChannel channel) throws IOException {
            RuntimeApiServer env = accepting.remove(channel);
            channel.configureBlocking(false);
            accept(channel, env);
        }

        @Override
        protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) {
            SocketChannelEndPoint endPoint = new SocketChannelEndPoint((SocketChannel) channel, selector, key, getScheduler());
            endPoint.setIdleTimeout(getIdleTimeout());
            return endPoint;
        }

        @Override
        public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment) {
            if (attachment instanceof RuntimeApiServer env) {
                endPoints.put(endPoint, env);
            }
            return getDefaultConnectionFactory().newConnection(UnixSocketConnector.this, endPoint);
        }

        @Override
        protected void endPointOpened(EndPoint endPoint) {
            super.endPointOpened(endPoint);
            onEndPointOpened(endPoint);
        }

        @Override
        protected void endPointClosed(EndPoint endPoint) {
            onEndPointClosed(endPoint);
            super.endPointClosed(endPoint);
        }
    }
}
