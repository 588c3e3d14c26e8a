package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the python3.11 image's runtime client tests ({@code launcher/src/test/python}, stdlib
 * {@code unittest}) with the host's python3 (Debian's /usr/bin/python3 when present: the same 3.11
 * as the image; otherwise the first on the PATH): flint_ric.py against a fake Runtime API, the
 * SnapStart sequence included. No root needed. Skipped without a python3, a failure under
 * {@code CI=true}.
 *
 * <p>When the java17 image is built ({@value ImageStore#DEFAULT_ROOT}) and
 * examples/snapstart-java is packaged, the same run also checks that AWS's Java RIC, started with
 * the JVM options of images/java17/bootstrap, runs that example's {@code org.crac} hooks.
 */
class PythonRuntimeClientTest {
    private static final long TIMEOUT_S = 300;

    @TempDir
    Path tmp;

    @Test
    void runtimeClientUnitTests() throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("flint.home", ".")).toAbsolutePath().normalize();
        Path tests = home.resolve("launcher/src/test/python");
        Path runtime = home.resolve("images/python3.11/runtime");
        assertTrue(Files.isRegularFile(tests.resolve("test_flint_ric.py")), "missing " + tests);
        assertTrue(Files.isRegularFile(runtime.resolve("flint_ric.py")), "missing " + runtime);
        String python = python3();
        if (python == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but there is no python3 on the PATH");
            }
            assumeTrue(false, "needs python3 on the PATH (Debian's python3 package)");
        }

        Path out = tmp.resolve("unittest.log");
        ProcessBuilder pb = new ProcessBuilder(python, "-m", "unittest", "discover", "-s", tests.toString(),
                "-p", "test_*.py", "-v")
                .directory(tmp.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        // No __pycache__ in the image recipe: its files are hashed into the image digest.
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        pb.environment().put("FLINT_PYTHON_RUNTIME_DIR", runtime.toString());
        Path jar = home.resolve("examples/snapstart-java/target/snapstart-java.jar");
        Optional<Path> java17Lib = java17RuntimeLib();
        boolean withJava = Files.isRegularFile(jar) && java17Lib.isPresent();
        if (withJava) {
            pb.environment().put("FLINT_SNAPSTART_JAVA_JAR", jar.toString());
            pb.environment().put("FLINT_JAVA17_LIB", java17Lib.get().toString());
            pb.environment().put("FLINT_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        Process p = pb.start();
        boolean exited = p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(exited, "python3 -m unittest did not finish in " + TIMEOUT_S + " s:\n" + log);
        assertEquals(0, p.exitValue(), "python3 -m unittest failed:\n" + log);
        if (withJava) {
            assertFalse(log.contains("skipped 'needs FLINT_JAVA17_LIB"), "the Java RIC checks were skipped:\n" + log);
        }
        System.out.println("python3 -m unittest: " + log.strip().lines().reduce((a, b) -> b).orElse("")
                + (withJava ? "" : " (Java RIC checks skipped: no java17 image or snapstart-java jar)"));
    }

    /** /var/runtime/lib of the built java17 image (the RIC and its jars), if there is one. */
    private static Optional<Path> java17RuntimeLib() {
        try {
            Optional<Image> image = new ImageStore().find("java17");
            if (image.isEmpty()) {
                return Optional.empty();
            }
            List<Path> layers = image.get().layers();
            for (int i = layers.size() - 1; i >= 0; i--) {
                Path lib = layers.get(i).resolve("var/runtime/lib");
                if (Files.isDirectory(lib)) {
                    return Optional.of(lib);
                }
            }
        } catch (RuntimeException e) {
            // an unreadable store: the Java part is skipped, as without the image
        }
        return Optional.empty();
    }

    private static String python3() {
        if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return "/usr/bin/python3";
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "python3");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
