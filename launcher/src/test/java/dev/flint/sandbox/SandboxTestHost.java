package dev.flint.sandbox;

import dev.flint.cgroup.CgroupStats;
import dev.flint.cgroup.Cgroups;
import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Shared fixture of the privileged ITs: the "provided" image (built once if missing), one launcher
 * on /run/flint, a per-run temp dir, and {@link #run} which drains a sandbox's pipes on threads
 * until EOF before closing it. A shutdown hook (the reaper) closes every sandbox still open and
 * deletes the temp dir, so an aborted run leaves nothing behind either.
 */
public final class SandboxTestHost {
    /** Per-run id: in every temp path and hostname the tests make. */
    public static final String RUN_ID = "it" + ProcessHandle.current().pid() + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    public static final Path RUN_DIR = Path.of("/run/flint");
    public static final Path IMAGES = Path.of("/var/lib/flint/images");

    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sandbox-pipe-reader");
        t.setDaemon(true);
        return t;
    });
    private static Image image;
    private static SandboxLauncher launcher;
    private static Path tempRoot;

    private SandboxTestHost() {}

    /** The "provided" image; built into {@code <flint.home>/images} recipes' store once when missing. */
    public static synchronized Image image() {
        if (image == null) {
            ImageStore store = new ImageStore(IMAGES);
            Optional<Image> found = store.find("provided");
            image = found.orElseGet(() -> store.build("provided",
                    Path.of(System.getProperty("flint.home", "."), "images"),
                    line -> System.out.println("[image provided] " + line)));
        }
        return image;
    }

    public static synchronized SandboxLauncher launcher() {
        if (launcher == null) {
            launcher = new SandboxLauncher(Cgroups.detect(), RUN_DIR);
            Runtime.getRuntime().addShutdownHook(new Thread(SandboxTestHost::reap, "it-reaper"));
        }
        return launcher;
    }

    /** A fresh directory under /tmp/flint-RUN_ID, removed at JVM exit. */
    public static synchronized Path tempDir(String name) {
        try {
            if (tempRoot == null) {
                tempRoot = Files.createDirectories(Path.of("/tmp", "flint-" + RUN_ID));
                launcher(); // registers the reaper
            }
            return Files.createDirectories(tempRoot.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A spec on the "provided" image with its environment and piped stdio. */
    public static SandboxSpec.Builder spec(String... argv) {
        Image img = image();
        return SandboxSpec.builder(img.layers(), List.of(argv)).env(img.config().env()).stdio(SandboxSpec.Stdio.PIPE);
    }

    /** {@code sh -c script} on the "provided" image. */
    public static SandboxSpec.Builder sh(String script) {
        return spec("sh", "-c", script);
    }

    /** Launches, drains stdout/stderr until EOF, awaits, reads the cgroup's counters, closes. */
    public static Outcome run(SandboxSpec spec) {
        try (Sandbox s = launcher().launch(spec)) {
            return finish(s);
        }
    }

    public static Outcome run(SandboxSpec.Builder spec) {
        return run(spec.build());
    }

    /** Drains, awaits and reads the counters of a running sandbox; the caller closes it. */
    public static Outcome finish(Sandbox s) {
        Future<String> out = drain(s.stdout());
        Future<String> err = drain(s.stderr());
        SandboxResult r = s.await();
        CgroupStats stats = s.cgroup().stats();
        return new Outcome(s.id(), r, stats, get(out), get(err));
    }

    public static Future<String> drain(InputStream in) {
        if (in == null) {
            return CompletableFuture.completedFuture("");
        }
        return READERS.submit(() -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String get(Future<String> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return "<pipe not drained: " + e + ">";
        }
    }

    /** Fails unless, within a short grace period, nothing is on the host that was not there before. */
    public static void assertNoLeftovers(HostLeftovers before) {
        org.awaitility.Awaitility.await("no leftovers of this JVM's sandboxes")
                .atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(100))
                .untilAsserted(() -> {
                    HostLeftovers added = HostLeftovers.now().minus(before);
                    org.junit.jupiter.api.Assertions.assertTrue(added.isEmpty(), () -> "left behind: " + added);
                });
        org.junit.jupiter.api.Assertions.assertTrue(SandboxLauncher.live().isEmpty(),
                () -> "sandboxes still registered as live: " + SandboxLauncher.live());
    }

    private static void reap() {
        SandboxLauncher.closeAll();
        Path root = tempRoot;
        if (root != null && Files.exists(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort at exit
            }
        }
    }

    /** How one sandbox went, with its output for assertion messages. */
    public record Outcome(String id, SandboxResult result, CgroupStats stats, String stdout, String stderr) {
        @Override
        public String toString() {
            return "sandbox " + id + ": " + result + "\n  " + stats
                    + "\n--- stdout ---\n" + tail(stdout) + "\n--- stderr ---\n" + tail(stderr) + "\n---";
        }

        private static String tail(String s) {
            return s.length() <= 4000 ? s : "[... " + (s.length() - 4000) + " chars]" + s.substring(s.length() - 4000);
        }

        public List<String> lines() {
            return stdout.lines().toList();
        }
    }
}
