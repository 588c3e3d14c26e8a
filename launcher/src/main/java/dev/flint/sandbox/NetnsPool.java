package dev.flint.sandbox;

import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Network namespaces made ahead of time, each with {@code lo} up: creating one is the largest
 * single cost of a sandbox's clone (~0.45 ms, host-measurements §1), so a background thread keeps
 * a few ready and {@link SandboxLauncher} clones into one of them. When none is ready the sandbox
 * gets a new one in its clone as before: the pool never makes a launch wait.
 *
 * <p>A namespace from here is owned by the host's user namespace, not the sandbox's: root inside
 * cannot reconfigure it (it has nothing to do there; {@code lo} is up). Snapshot sandboxes keep
 * their own (CRIU dumps a user-namespace tree only with namespaces that belong to it).
 *
 * <p>One pool per JVM. Its fds die with the JVM, and with them the namespaces: nothing is left
 * on the host to clean up.
 */
final class NetnsPool {
    /**
     * Ready namespaces kept: enough for a burst of launches while one is being made. The system
     * property {@code flint.netns.pool} sets it; 0 turns the pool off.
     */
    static final int SIZE = Integer.getInteger("flint.netns.pool", 4);

    private static NetnsPool shared;

    private final FlintLibrary lib;
    private final BlockingQueue<Integer> ready = new ArrayBlockingQueue<>(Math.max(1, SIZE));
    private final Semaphore toMake = new Semaphore(Math.max(0, SIZE));

    private NetnsPool(FlintLibrary lib) {
        this.lib = lib;
        if (SIZE <= 0) {
            return; // turned off: take() finds nothing and every sandbox makes its own
        }
        Thread t = new Thread(this::refill, "flint-netns-pool");
        t.setDaemon(true);
        t.start();
    }

    /** The JVM's pool, started on first use. */
    static synchronized NetnsPool shared(FlintLibrary lib) {
        if (shared == null) {
            shared = new NetnsPool(lib);
        }
        return shared;
    }

    /** The fd of a ready namespace, which the caller closes after the clone; −1 when none is ready. */
    int take() {
        Integer fd = ready.poll();
        if (fd == null) {
            return -1;
        }
        toMake.release();
        return fd;
    }

    /** The ready namespaces as /proc names ("net:[4026532…]"), oldest first: for tests and probes. */
    List<String> readyNamespaces() {
        List<String> names = new ArrayList<>();
        for (int fd : ready) {
            try {
                names.add(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString());
            } catch (IOException gone) {
                // taken and closed meanwhile
            }
        }
        return names;
    }

    private void refill() {
        for (;;) {
            toMake.acquireUninterruptibly();
            int fd = lib.flint_netns_create(new FlintError());
            if (fd < 0) {
                // Launches fall back to a namespace of their own; nothing is gained by retrying.
                return;
            }
            ready.add(fd);
        }
    }
}
