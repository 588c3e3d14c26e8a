package dev.flint.image;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real tools the image ITs use (umoci, skopeo, docker-registry, htpasswd, tar). */
public final class Tools {
    public static final List<String> NEEDED = List.of("/usr/bin/umoci", "/usr/bin/skopeo", "/usr/bin/docker-registry",
            "/usr/bin/htpasswd", "/usr/bin/tar");

    private Tools() {}

    /** Disables the test without the tools (fails under CI=true): scripts/setup.sh installs them. */
    public static void require() {
        List<String> missing = new ArrayList<>();
        for (String t : NEEDED) {
            if (!Files.isExecutable(Path.of(t))) {
                missing.add(t);
            }
        }
        String why = "needs " + missing + " (scripts/setup.sh installs skopeo, umoci, docker-registry, apache2-utils)";
        if ("true".equals(System.getenv("CI")) && !missing.isEmpty()) {
            fail(why);
        }
        assumeTrue(missing.isEmpty(), why);
    }

    /** The result of a finished command. */
    public record Result(int exit, String out, String err) {
        public String all() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /** Runs argv, waits (up to 10 minutes), returns the result whatever the exit code. */
    public static Result run(List<String> argv, Map<String, String> env, byte[] stdin) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv);
            pb.environment().putAll(env);
            Path out = Files.createTempFile("tool-out", ".txt");
            Path err = Files.createTempFile("tool-err", ".txt");
            try {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile());
                Process p = pb.start();
                try (var in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin);
                    }
                }
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    fail("timed out: " + argv);
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs argv and fails the test unless it exits 0. */
    public static Result ok(String... argv) {
        Result r = run(List.of(argv), Map.of(), null);
        if (r.exit() != 0) {
            fail(String.join(" ", argv) + " failed: " + r.all());
        }
        return r;
    }

    /** {@code sh -c script}, must exit 0. */
    public static Result sh(String script) {
        return ok("/bin/sh", "-c", script);
    }
}
