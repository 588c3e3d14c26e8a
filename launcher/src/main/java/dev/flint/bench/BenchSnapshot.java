package dev.flint.bench;

import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.LogSink;
import dev.flint.invoke.Snapshotter;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The snapshot restore mode restores from: one SnapStart Init and checkpoint of the function at
 * one memory size ({@link Snapshotter}, as PublishVersion makes it), in a scratch dir that close
 * deletes. The scratch dirs are under the run dir, beside the restores' work dirs
 * ({@code <run dir>/restore}), which hard-link the images: the two must be on one file system.
 * Dirs left by a bench that was killed (named after its pid) are removed by the next one.
 */
final class BenchSnapshot implements AutoCloseable {
    static final String DIR = "bench-snapshots";
    private static final int LOG_TAIL_LINES = 20;
    private static final AtomicLong SEQ = new AtomicLong();

    private final Path dir;
    private final SnapshotInfo info;

    private BenchSnapshot(Path dir, SnapshotInfo info) {
        this.dir = dir;
        this.info = info;
    }

    /**
     * Makes the snapshot of fn (at fn's memory size).
     *
     * @throws BenchException when Init or the checkpoint fails, with the runtime's last log lines
     */
    static BenchSnapshot create(SandboxLauncher launcher, Path runDir, String region, FunctionSpec fn, String label) {
        Path base = runDir.resolve(DIR);
        removeStale(base);
        Path dir = base.resolve(ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        Deque<String> tail = new ArrayDeque<>();
        LogSink log = line -> {
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > LOG_TAIL_LINES) {
                    tail.removeFirst();
                }
            }
        };
        long t0 = System.nanoTime();
        try {
            Snapshotter.Result r = new Snapshotter(launcher, runDir, region).create(fn, dir, log);
            long wall = System.nanoTime() - t0;
            return new BenchSnapshot(dir, new SnapshotInfo(r.initNanos(), r.manifest().dumpMicros() * 1000,
                    r.manifest().imageBytes(), wall, r.manifest().criuVersion(), 0));
        } catch (Snapshotter.SnapshotException e) {
            deleteTree(dir);
            synchronized (tail) {
                throw new BenchException(label + ": cannot make the snapshot (" + e.errorType() + "): " + e.getMessage()
                        + "\nlog tail:\n" + String.join("\n", tail));
            }
        }
    }

    Path dir() {
        return dir;
    }

    SnapshotInfo info() {
        return info;
    }

    @Override
    public void close() {
        deleteTree(dir);
    }

    /** Scratch dirs of benches that are gone ("PID-N", the pid no longer running). */
    static void removeStale(Path base) {
        if (!Files.isDirectory(base)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(base)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                int dash = name.indexOf('-');
                if (dash > 0 && name.substring(0, dash).chars().allMatch(Character::isDigit)
                        && ProcessHandle.of(Long.parseLong(name.substring(0, dash))).isEmpty()) {
                    deleteTree(d);
                }
            }
        } catch (IOException ignored) {
            // the next bench tries again
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // removed by the next bench (removeStale)
        }
    }
}
