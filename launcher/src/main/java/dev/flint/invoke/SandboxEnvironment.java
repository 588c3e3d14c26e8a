package dev.flint.invoke;

import dev.flint.runtimeapi.InitOutcome;
import dev.flint.runtimeapi.Invocation;
import dev.flint.runtimeapi.InvocationResult;
import dev.flint.runtimeapi.RuntimeApiListener;
import dev.flint.runtimeapi.RuntimeApiServer;
import dev.flint.sandbox.CheckpointManifest;
import dev.flint.sandbox.RestoreRequest;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxException;
import dev.flint.sandbox.SandboxLauncher;
import dev.flint.sandbox.SandboxResult;
import dev.flint.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * An execution environment built from a sandbox: the runtime bootstrap runs as uid 993 with the
 * code at /var/task (read-only), the Runtime API on a per-env Unix socket bound at /run/flint,
 * relayed to 127.0.0.1:9001 by flint-init. A timeout, crash or OOM kills the whole env.
 *
 * <p>SnapStart: a template env ({@link #forSnapshot}) runs Init with
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start} until the runtime parks in
 * {@code restore/next} (or its first {@code next}), then {@link #checkpoint} dumps it. An env
 * given a checkpoint dir restores from it instead of initialising (the Restore phase); a
 * checkpoint that cannot be restored falls back to a normal Init, which the log says.
 */
final class SandboxEnvironment implements Environment {
    static final int SANDBOX_UID = 993;
    static final String SOCKET_DIR_IN_SANDBOX = "/run/flint";
    private static final long LOG_DRAIN_MILLIS = 200;

    private final SandboxLauncher launcher;
    private final FunctionSpec fn;
    private final Path envDir;
    private final String id;
    private final String region;
    private volatile LogSink log;
    private RuntimeApiServer api;
    private Sandbox sandbox;
    private LogPump outPump;
    private LogPump errPump;
    private final CompletableFuture<SandboxResult> exited = new CompletableFuture<>();
    private volatile boolean closed;
    private final boolean snapshotTemplate;
    private final Path checkpoint;

    /** @param checkpoint a checkpoint dir to restore from instead of running Init, or null */
    SandboxEnvironment(SandboxLauncher launcher, FunctionSpec fn, Path envsDir, String id, String region,
            Path checkpoint) {
        this(launcher, fn, envsDir, id, region, false, checkpoint);
    }

    private SandboxEnvironment(SandboxLauncher launcher, FunctionSpec fn, Path envsDir, String id, String region,
            boolean snapshotTemplate, Path checkpoint) {
        this.launcher = launcher;
        this.fn = fn;
        this.envDir = envsDir.resolve(id);
        this.id = id;
        this.region = region;
        this.log = line -> {};
        this.snapshotTemplate = snapshotTemplate;
        this.checkpoint = checkpoint;
    }

    /** An env whose Init ends parked for a checkpoint (SnapStart's publish). */
    static SandboxEnvironment forSnapshot(SandboxLauncher launcher, FunctionSpec fn, Path envsDir, String id,
            String region) {
        return new SandboxEnvironment(launcher, fn, envsDir, id, region, true, null);
    }

    /** The sandbox behind this env once Init (or Restore) started it, else null. */
    Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void log(LogSink sink) {
        this.log = sink;
    }

    @Override
    public InitResult init(Duration limit) {
        if (checkpoint != null) {
            InitResult r = restore(limit);
            if (r != null) {
                return r;
            }
        }
        long start = System.nanoTime();
        try {
            Files.createDirectories(envDir);
            api = RuntimeApiServer.start(envDir.resolve("api.sock"), new RuntimeApiListener() {});
            sandbox = launcher.launch(sandboxSpec());
        } catch (SandboxException e) {
            return initFailure(start, e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create env dir '" + envDir + "': " + e.getMessage(), e);
        }
        watch();

        Object first;
        try {
            first = firstOf(api.initOutcome(), limit.toNanos(), "init");
        } catch (TimeoutException e) {
            kill();
            return new InitResult.Failed(System.nanoTime() - start, "timeout", "Sandbox.Timedout",
                    LambdaErrors.json("Sandbox.Timedout", String.format("Init timed out after %.2f seconds",
                            (System.nanoTime() - start) / 1e9)));
        }
        long took = System.nanoTime() - start;
        if (first instanceof InitOutcome.Ready) {
            // Init ran without the CPU quota (bounded by the Init limit); Invoke gets the share
            // that memory buys. See README "Limits".
            sandbox.applyCpuLimit();
            return new InitResult.Ready(took);
        }
        return failed(first, took, "Runtime.Unknown", false, "init");
    }

    /** The first of the phase's outcome and the sandbox's exit, within nanos. */
    private Object firstOf(CompletableFuture<?> outcome, long nanos, String phase) throws TimeoutException {
        try {
            return CompletableFuture.anyOf(outcome, exited).get(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + phase, e);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** An Init or Restore that did not end ready: the runtime's own error (else defaultType), or its exit. */
    private InitResult.Failed failed(Object first, long took, String defaultType, boolean restore, String phase) {
        drainLogs();
        if (first instanceof InitOutcome.Failed f) {
            return new InitResult.Failed(took, "error", f.errorType() == null ? defaultType : f.errorType(),
                    f.errorJson(), restore);
        }
        if (first instanceof SandboxResult r) {
            String type = r.oomKilled() ? "Runtime.OutOfMemory" : "Runtime.ExitError";
            return new InitResult.Failed(took, "error", type, LambdaErrors.json(type, exitReason(r)), restore);
        }
        throw new IllegalStateException(phase + " ended unexpectedly: " + first);
    }

    /** Log pumps and the exit watcher of a started (or restored) sandbox. */
    private void watch() {
        LogSink forward = line -> log.line(line);
        outPump = new LogPump("env-" + id + "-stdout", sandbox.stdout(), forward);
        errPump = new LogPump("env-" + id + "-stderr", sandbox.stderr(), forward);
        outPump.start();
        errPump.start();
        Thread watcher = new Thread(() -> {
            try {
                exited.complete(sandbox.awaitFor(null).orElseThrow());
            } catch (RuntimeException e) {
                exited.completeExceptionally(e);
            }
        }, "env-" + id + "-wait");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * The Restore phase: CRIU restores the checkpoint into a new sandbox, flint-init replays the
     * runtime's parked request to this env's Runtime API, the runtime runs its after-restore hooks
     * and calls {@code next}. Returns null when the checkpoint could not be restored (the caller
     * then runs a normal Init); a failure of the restored runtime is the Restore phase's result.
     */
    private InitResult restore(Duration limit) {
        long start = System.nanoTime();
        CheckpointManifest manifest;
        try {
            manifest = CheckpointManifest.read(checkpoint);
            Files.createDirectories(envDir);
            api = RuntimeApiServer.startRestored(envDir.resolve("api.sock"), new RuntimeApiListener() {});
            sandbox = launcher.restore(checkpoint, manifest, new RestoreRequest(
                    Map.of(SOCKET_DIR_IN_SANDBOX, envDir), null, limit));
        } catch (IOException | SandboxException e) {
            log.line("flint: restore from the snapshot " + checkpoint + " failed, running a normal Init instead: "
                    + e.getMessage());
            if (api != null) {
                api.close();
                api = null;
            }
            return null;
        }
        watch();
        long resumed = System.nanoTime();
        sandbox.resume();
        Duration left = limit.minusNanos(System.nanoTime() - start);
        Object first;
        try {
            first = firstOf(api.restoreOutcome(), Math.max(1, left.toNanos()), "restore");
        } catch (TimeoutException e) {
            drainLogs();
            kill();
            long took = System.nanoTime() - start;
            return new InitResult.Failed(took, "timeout", "Runtime.RestoreHookUserTimeout",
                    LambdaErrors.json("Runtime.RestoreHookUserTimeout", String.format(
                            "Restore timed out after %.2f seconds", took / 1e9)), true);
        }
        long took = System.nanoTime() - start;
        if (first instanceof InitOutcome.Ready) {
            sandbox.applyCpuLimit();
            return new InitResult.Restored(took, System.nanoTime() - resumed);
        }
        return failed(first, took, "Runtime.AfterRestoreError", true, "restore");
    }

    /**
     * Checkpoints this env (Init done, the runtime parked) into dir; the env is gone afterwards.
     *
     * @throws SandboxException stage checkpoint
     */
    CheckpointManifest checkpoint(Path dir) {
        if (!snapshotTemplate || sandbox == null) {
            throw new IllegalStateException("env " + id + " is not a snapshot template after Init");
        }
        try {
            return sandbox.checkpoint(dir);
        } finally {
            drainLogs();
        }
    }

    private InitResult initFailure(long start, SandboxException e) {
        long took = System.nanoTime() - start;
        boolean entrypoint = e.stage() == dev.flint.nativeffi.Stage.EXEC;
        String type = entrypoint ? "Runtime.InvalidEntrypoint" : "Sandbox.Failure";
        String message = entrypoint
                ? "RequestId: Error: Couldn't find valid bootstrap(s): [" + String.join(" ", bootstrapArgv()) + "]"
                : e.getMessage();
        ImageLaunch image = fn.imageLaunch();
        if (entrypoint && image != null) {
            boolean workdir = dev.flint.image.Image.isDirectoryIn(fn.layers(), image.workdir());
            type = workdir ? "Runtime.InvalidEntrypoint" : "Runtime.InvalidWorkingDir";
            message = workdir ? "RequestId: Error: fork/exec " + image.argv().get(0) + ": "
                    + (e.errno() == 13 ? "permission denied" : "no such file or directory")
                    : "RequestId: Error: chdir " + image.workdir() + ": no such file or directory";
        }
        log.line(e.getMessage());
        return new InitResult.Failed(took, "error", type, LambdaErrors.json(type, message));
    }

    @Override
    public InvokeOutcome invoke(Invocation invocation, Duration timeout) {
        long start = System.nanoTime();
        Object end;
        try {
            end = CompletableFuture.anyOf(api.invoke(invocation), exited).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            drainLogs();
            kill();
            return new InvokeOutcome.EnvFailure("Sandbox.Timedout", "timeout", String.format(
                    "RequestId: %s Error: Task timed out after %.2f seconds", invocation.requestId(),
                    (System.nanoTime() - start) / 1e9));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during invoke", e);
        } catch (ExecutionException e) {
            end = e.getCause();
        }
        drainLogs();
        if (end instanceof InvocationResult.Success s) {
            return new InvokeOutcome.Success(s.payload());
        }
        if (end instanceof InvocationResult.FunctionError f) {
            return new InvokeOutcome.FunctionError(f.errorType() == null ? "Unhandled" : f.errorType(), f.errorJson());
        }
        SandboxResult r = end instanceof SandboxResult sr ? sr : exited.getNow(null);
        if (r != null) {
            String type = r.oomKilled() ? "Runtime.OutOfMemory" : "Runtime.ExitError";
            return new InvokeOutcome.EnvFailure(type, "error",
                    "RequestId: " + invocation.requestId() + " Error: " + exitReason(r));
        }
        kill();
        return new InvokeOutcome.EnvFailure("Runtime.Unknown", "error",
                "RequestId: " + invocation.requestId() + " Error: " + end);
    }

    static String exitReason(SandboxResult r) {
        if (r.signal() != 0) {
            return "Runtime exited with error: signal: " + signalName(r.signal());
        }
        return r.exitCode() == 0 ? "Runtime exited without providing a reason"
                : "Runtime exited with error: exit status " + r.exitCode();
    }

    private static String signalName(int sig) {
        return switch (sig) {
            case 9 -> "killed";
            case 15 -> "terminated";
            case 6 -> "aborted";
            case 11 -> "segmentation fault";
            default -> "signal " + sig;
        };
    }

    @Override
    public long maxMemoryUsedBytes() {
        Sandbox s = sandbox;
        return s == null || closed ? 0 : s.cgroup().peakMemoryBytes();
    }

    private void drainLogs() {
        if (outPump != null) {
            outPump.drain(LOG_DRAIN_MILLIS);
            errPump.drain(LOG_DRAIN_MILLIS);
        }
    }

    private void kill() {
        if (sandbox != null) {
            sandbox.kill();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // The runtime goes first, so no connection of it sees the Runtime API vanish mid-call.
        if (sandbox != null) {
            sandbox.kill();
            exited.join();
            outPump.join(1000);
            errPump.join(1000);
            sandbox.close();
        }
        if (api != null) {
            api.close();
        }
        deleteQuietly(envDir);
    }

    private List<String> bootstrapArgv() {
        if (fn.imageLaunch() != null) {
            return fn.imageLaunch().argv();
        }
        return fn.isCustomRuntime() ? List.of("/var/task/bootstrap", "/opt/bootstrap") : List.of("/var/runtime/bootstrap");
    }

    private SandboxSpec sandboxSpec() {
        ImageLaunch image = fn.imageLaunch();
        String bootstrap = image != null ? null : fn.isCustomRuntime()
                ? (Files.isExecutable(fn.codeDir().resolve("bootstrap")) ? "/var/task/bootstrap" : "/opt/bootstrap")
                : "/var/runtime/bootstrap";
        SandboxSpec.Builder b = SandboxSpec.builder(fn.layers(), image != null ? image.argv() : List.of(bootstrap));
        if (image == null) {
            b.bind(new SandboxSpec.BindMount(fn.codeDir(), "/var/task", true));
        }
        return b
                .env(LambdaEnvironment.of(fn, region, snapshotTemplate ? "snap-start" : "on-demand"))
                .cwd(image != null ? image.workdir() : "/var/task")
                .hostname("localhost")
                .memoryMb(fn.memoryMb())
                .tmpMb(fn.ephemeralStorageMb())
                .user(SANDBOX_UID, SANDBOX_UID)
                .bind(new SandboxSpec.BindMount(envDir, SOCKET_DIR_IN_SANDBOX, true))
                .proxy(new SandboxSpec.RuntimeApiProxy(9001, SOCKET_DIR_IN_SANDBOX + "/api.sock"))
                .deferCpuLimit(true)
                .snapshot(snapshotTemplate)
                .stdio(SandboxSpec.Stdio.PIPE)
                .stdin(SandboxSpec.StdinMode.NULL)
                .build();
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover is removed by the next supervisor start
        }
    }
}
