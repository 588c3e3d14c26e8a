package dev.flint.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the python3.11 image's runtime client tests ({@code launcher/src/test/python}, stdlib
 * {@code unittest}) with the host's python3 (Debian's /usr/bin/python3 when present: the same 3.11
 * as the image; otherwise the first on the PATH): flint_ric.py against a fake Runtime API, the
 * SnapStart sequence included. No root needed. Skipped without a python3, a failure under
 * {@code CI=true}.
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
        Process p = pb.start();
        boolean exited = p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(exited, "python3 -m unittest did not finish in " + TIMEOUT_S + " s:\n" + log);
        assertEquals(0, p.exitValue(), "python3 -m unittest failed:\n" + log);
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
