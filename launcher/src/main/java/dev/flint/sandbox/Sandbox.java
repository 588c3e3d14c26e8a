package dev.flint.sandbox;

import dev.flint.cgroup.Cgroup;
import dev.flint.cgroup.CgroupLimits;
import dev.flint.cgroup.CgroupStats;
import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintExit;
import dev.flint.nativeffi.FlintLibrary;
import dev.flint.nativeffi.Stage;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A running sandbox: flint-init (PID 1 in its namespaces) plus everything under it, in its own
 * cgroup. Closing it kills what is left, reaps flint-init, closes every fd and removes the
 * cgroup; the mounts die with the mount namespace. Safe to close from another thread (Ctrl-C).
 */
public final class Sandbox implements AutoCloseable {
    private static final int SIGKILL = 9;

    private final FlintLibrary lib;
    private final String id;
    private final int pid;
    private final int pidfd;
    private final Cgroup cgroup;
    private final CgroupLimits limits;
    private final PipeInputStream stdout;
    private final PipeInputStream stderr;
    private final OutputStream stdin;
    private final Map<String, Long> phasesMicros;
    private final long startNanos;
    private final Duration timeout;
    private final Consumer<Sandbox> onClose;
    private final Object reapLock = new Object();
    private volatile FlintExit exit;
    private volatile SandboxResult result;
    private volatile long exitNanos;
    private volatile boolean timedOut;
    private volatile boolean closed;
    // set for sandboxes started with SandboxSpec.snapshot: what a checkpoint needs
    private SandboxSpec spec;
    private PipeInputStream status;
    private int hostUidBase = -1;

    Sandbox(FlintLibrary lib, String id, int pid, int pidfd, Cgroup cgroup, CgroupLimits limits, PipeInputStream stdout,
            PipeInputStream stderr,
            OutputStream stdin, Map<String, Long> phasesMicros, long startNanos, Duration timeout,
            Consumer<Sandbox> onClose) {
        this.lib = lib;
        this.id = id;
        this.pid = pid;
        this.pidfd = pidfd;
        this.cgroup = cgroup;
        this.limits = limits;
        this.stdout = stdout;
        this.stderr = stderr;
        this.stdin = stdin;
        this.phasesMicros = Collections.unmodifiableMap(new LinkedHashMap<>(phasesMicros));
        this.startNanos = startNanos;
        this.timeout = timeout;
        this.onClose = onClose;
    }

    public String id() { return id; }

    void checkpointable(SandboxSpec spec, PipeInputStream status, int hostUidBase) {
        this.spec = spec;
        this.status = status;
        this.hostUidBase = hostUidBase;
    }

    SandboxSpec spec() { return spec; }

    int hostUidBase() { return hostUidBase; }

    /**
     * Checkpoints this sandbox into {@code dir} with CRIU and ends it (CRIU kills the dumped tree).
     * The runtime must be parked in a Runtime API call; see {@link Checkpointer}.
     *
     * @throws SandboxException stage checkpoint, with CRIU's own error lines
     */
    public CheckpointManifest checkpoint(Path dir) {
        if (spec == null) {
            throw new IllegalStateException("sandbox " + id + " was not started with snapshot(true)");
        }
        return new Checkpointer(Criu.locate()).dump(this, dir, status);
    }

    /** Restored sandboxes: lets flint-init's proxy reconnect and replay the parked request. */
    public void resume() {
        signal(12); // SIGUSR2
    }

    /** Host pid of flint-init. */
    public int pid() { return pid; }

    public Cgroup cgroup() { return cgroup; }

    /** The command's stdout when the spec asked for pipes, else null. */
    public PipeInputStream stdout() { return stdout; }

    public PipeInputStream stderr() { return stderr; }

    /** The command's stdin when the spec asked for a pipe, else null. */
    public OutputStream stdin() { return stdin; }

    /** Setup phases measured so far ("clone", "cgroup", flint-init's stages), microseconds. */
    public Map<String, Long> phasesMicros() { return phasesMicros; }

    public boolean isAlive() { return exit == null && !closed; }

    /** Applies the memory-proportional CPU quota (the launcher leaves it off during set-up). */
    public void applyCpuLimit() {
        cgroup.setCpuQuota(limits.cpuQuotaUs(), limits.cpuPeriodUs());
    }

    /** SIGKILL to flint-init: the kernel then kills every process in the pid namespace. */
    public void kill() {
        if (exit == null && !closed) {
            lib.flint_signal(pidfd, SIGKILL, new FlintError());
        }
    }

    /** Sends a signal to flint-init, which forwards it to the command. */
    public void signal(int sig) {
        if (exit == null && !closed) {
            lib.flint_signal(pidfd, sig, new FlintError());
        }
    }

    /**
     * Waits for the end, up to the spec's timeout (killing the sandbox then), and returns the
     * measured result. Does not close the sandbox.
     */
    public SandboxResult await() {
        if (timeout == null) {
            return awaitFor(null).orElseThrow();
        }
        Optional<SandboxResult> r = awaitFor(timeout);
        if (r.isPresent()) {
            return r.get();
        }
        timedOut = true;
        kill();
        return awaitFor(null).orElseThrow();
    }

    /** Waits up to max (null = forever); empty when still running then. */
    public Optional<SandboxResult> awaitFor(Duration max) {
        synchronized (reapLock) {
            if (exit == null) {
                if (closed) {
                    throw new SandboxException(Stage.WAIT, 0, "wait: sandbox " + id + " is closed");
                }
                long ms = max == null ? -1 : Math.min(Integer.MAX_VALUE, Math.max(0, max.toMillis()));
                FlintExit out = new FlintExit();
                FlintError err = new FlintError();
                int rc = lib.flint_wait(pidfd, (int) ms, out, err);
                if (rc == 1) {
                    return Optional.empty();
                }
                if (rc < 0) {
                    throw new SandboxException(Stage.ofNative(err.stage), err.err, err.messageText());
                }
                exitNanos = System.nanoTime();
                exit = out;
            }
            if (result == null) {
                // Read the counters once, at reap time: close() removes the cgroup, and an await()
                // after close() (e.g. racing the Ctrl-C path) must still get the result.
                result = result();
            }
            return Optional.of(result);
        }
    }

    private SandboxResult result() {
        FlintExit e = exit;
        CgroupStats stats = cgroup.stats();
        int code = e.signal != 0 ? 128 + e.signal : e.code;
        int signal = e.signal != 0 ? e.signal : (code > 128 && code < 160 ? code - 128 : 0);
        Map<String, Long> phases = new LinkedHashMap<>(phasesMicros);
        return new SandboxResult(code, signal, stats.oomKills() > 0, timedOut, stats.peakMemoryBytes(),
                stats.cpuUsageNanos(), exitNanos - startNanos, phases);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        kill();
        synchronized (reapLock) {
            if (closed) {
                return;
            }
            if (exit == null) {
                awaitFor(null);
            }
            closed = true;
            closeQuietly(stdout);
            closeQuietly(stderr);
            closeQuietly(stdin);
            lib.flint_close(pidfd);
            try {
                cgroup.close();
            } finally {
                onClose.accept(this);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // an fd that is already gone needs no closing
        }
    }
}
