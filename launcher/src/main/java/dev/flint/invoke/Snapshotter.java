package dev.flint.invoke;

import dev.flint.sandbox.CheckpointManifest;
import dev.flint.sandbox.SandboxException;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SnapStart's optimization of one published version: an env runs Init with
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start} (the runtime's before-snapshot hooks run,
 * then it parks in {@code restore/next}), and the whole sandbox is checkpointed. The checkpoint
 * is written to a temporary dir and renamed into place when complete, so a reader never sees half
 * of one.
 */
public final class Snapshotter {
    /** SnapStart's Init may run up to 15 minutes (not the on-demand 10 s). */
    public static final Duration INIT_LIMIT = Duration.ofMinutes(15);
    private static final AtomicLong SEQ = new AtomicLong();

    private final SandboxLauncher launcher;
    private final Path envsDir;
    private final String region;
    private final Duration initLimit;

    public Snapshotter(SandboxLauncher launcher, Path runDir, String region) {
        this(launcher, runDir, region, INIT_LIMIT);
    }

    Snapshotter(SandboxLauncher launcher, Path runDir, String region, Duration initLimit) {
        this.launcher = launcher;
        this.envsDir = runDir.resolve("envs");
        this.region = region;
        this.initLimit = initLimit;
    }

    /** What the optimization did: Init's duration and the checkpoint. */
    public record Result(long initNanos, CheckpointManifest manifest) {}

    /** Init failed (e.g. Runtime.BeforeSnapshotError) or the checkpoint could not be taken. */
    public static final class SnapshotException extends RuntimeException {
        private final String errorType;

        SnapshotException(String errorType, String message) {
            super(message);
            this.errorType = errorType;
        }

        /** Lambda's error type: the runtime's, or Sandbox.Failure when the checkpoint failed. */
        public String errorType() {
            return errorType;
        }
    }

    /**
     * Runs the snapshot Init of fn and checkpoints the env into dir (replacing what is there).
     *
     * @param log the runtime's output during Init
     * @throws SnapshotException when Init fails or the checkpoint cannot be taken
     */
    public Result create(FunctionSpec fn, Path dir, LogSink log) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + SEQ.incrementAndGet());
        String id = ProcessHandle.current().pid() + "-s" + SEQ.incrementAndGet();
        SandboxEnvironment env = SandboxEnvironment.forSnapshot(launcher, fn, envsDir, id, region);
        env.log(log);
        try {
            InitResult init = env.init(initLimit);
            if (init instanceof InitResult.Failed f) {
                throw new SnapshotException(f.errorType(), "Init of the snapshot failed ("
                        + f.status() + "): " + new String(f.errorJson(), StandardCharsets.UTF_8));
            }
            CheckpointManifest m;
            try {
                m = env.checkpoint(tmp);
            } catch (SandboxException e) {
                throw new SnapshotException("Sandbox.Failure", e.getMessage());
            }
            SandboxEnvironment.deleteQuietly(dir);
            Files.createDirectories(dir.getParent());
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return new Result(init.durationNanos(), m);
        } catch (IOException e) {
            throw new SnapshotException("Sandbox.Failure", "cannot store the checkpoint in " + dir + ": " + e);
        } finally {
            env.close();
            SandboxEnvironment.deleteQuietly(tmp);
        }
    }
}
