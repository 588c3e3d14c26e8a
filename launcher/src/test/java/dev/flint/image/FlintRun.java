package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code flint} command as a user runs it: {@code java -jar target/flint.jar} (built by the
 * package phase before failsafe runs), with its own state, image store and run dir, so it never
 * touches /var/lib/flint or another engineer's daemon.
 */
public final class FlintRun {
    public final Path state;
    public final Path images;
    public final Path runDir;
    private final Map<String, String> env = new HashMap<>();

    public FlintRun(Path state, Path runDir) {
        this.state = state;
        this.images = state.resolve("images");
        this.runDir = runDir;
    }

    public FlintRun env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public ImageStore store() {
        return new ImageStore(images);
    }

    static Path home() {
        return Path.of(System.getProperty("flint.home", ".")).toAbsolutePath().normalize();
    }

    /** Runs {@code flint ARGS...}; returns whatever it exits with. */
    public Tools.Result run(String... args) {
        return run(null, args);
    }

    public Tools.Result run(byte[] stdin, String... args) {
        Path jar = home().resolve("target/flint.jar");
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": run the ITs with mvn verify (package builds it)");
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dflint.state.dir=" + state, "-Dflint.images.dir=" + images, "-Dflint.run.dir=" + runDir,
                "-Dflint.home=" + home(), "-Dflint.native.dir=" + System.getProperty("flint.native.dir",
                        home().resolve("build/native").toString()),
                "-jar", jar.toString()));
        argv.addAll(List.of(args));
        return Tools.run(argv, env, stdin);
    }

    /** Runs and fails the test unless it exits 0. */
    public Tools.Result ok(String... args) {
        return ok(null, args);
    }

    /** Runs with {@code stdin} and fails the test unless it exits 0. */
    public Tools.Result ok(byte[] stdin, String... args) {
        Tools.Result r = run(stdin, args);
        if (r.exit() != 0) {
            fail("flint " + String.join(" ", args) + ": " + r.all());
        }
        return r;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
