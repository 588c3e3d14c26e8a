package dev.flint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.sandbox.HostLeftovers;
import dev.flint.sandbox.RequiresSandboxHost;
import dev.flint.sandbox.SandboxTestHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code flint sandbox run} end to end: the real scripts/flint wrapper, and the in-process factory. */
@RequiresSandboxHost
class SandboxCliIT {
    private HostLeftovers before;

    @BeforeEach
    void snapshot() {
        SandboxTestHost.image(); // builds "provided" once if missing
        before = HostLeftovers.now();
    }

    @AfterEach
    void nothingLeftBehind() {
        SandboxTestHost.assertNoLeftovers(before);
    }

    /** One run of the wrapper: exit code and output. */
    record Cli(long pid, int code, String out, String err) {
        @Override
        public String toString() {
            return "flint (pid " + pid + ") exit " + code + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private static List<String> flint(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("flint.home", "."), "scripts", "flint").toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Cli runFlint(String... args) throws IOException, InterruptedException {
        Path dir = SandboxTestHost.tempDir("cli");
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(flint(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        Cli c = new Cli(p.pid(), p.exitValue(), Files.readString(out), Files.readString(err));
        assertTrue(HostLeftovers.of(c.pid()).isEmpty(), () -> "left behind by " + c + ": " + HostLeftovers.of(c.pid()));
        return c;
    }

    @Test
    void anOomKillPrintsTheLimitAndExits137() throws Exception {
        Cli c = runFlint("sandbox", "run", "--memory", "128", "--", "sh", "-c", "head -c 200m /dev/zero | tail");
        assertEquals(137, c.code(), c::toString);
        assertTrue(c.err().lines().anyMatch("out of memory: limit 128 MB"::equals), c::toString);
    }

    @Test
    void outputAndExitCodePassThrough() throws Exception {
        Cli c = runFlint("sandbox", "run", "--hostname", "cli-it", "--env", "GREETING=hi", "--",
                "sh", "-c", "echo $GREETING from $(cat /proc/sys/kernel/hostname); echo oops >&2; exit 42");
        assertEquals(42, c.code(), c::toString);
        assertEquals("hi from cli-it\n", c.out(), c::toString);
        assertTrue(c.err().contains("oops"), c::toString);
    }

    @Test
    void aTimeoutSaysSoAndExits137() throws Exception {
        Cli c = runFlint("sandbox", "run", "--timeout", "1", "--", "sleep", "30");
        assertEquals(137, c.code(), c::toString);
        assertTrue(c.err().contains("timed out after 1 s"), c::toString);
    }

    @Test
    void theResultFileRecordsTheRun() throws Exception {
        Path file = SandboxTestHost.tempDir("cli").resolve("result-" + System.nanoTime() + ".json");
        Cli c = runFlint("sandbox", "run", "--memory", "256", "--result", file.toString(), "--", "sh", "-c", "exit 3");
        assertEquals(3, c.code(), c::toString);
        JsonNode r = new ObjectMapper().readTree(file.toFile());
        assertEquals(3, r.get("exit_code").asInt(), r::toString);
        assertEquals(256, r.get("memory_limit_mb").asInt(), r::toString);
        assertTrue(!r.get("oom_killed").asBoolean() && !r.get("timed_out").asBoolean(), r::toString);
        assertTrue(r.get("phases_us").has("mount-rootfs") && r.get("phases_us").has("exec"), r::toString);
    }

    @Test
    void ctrlCClosesTheSandboxAndLeavesNothing() throws Exception {
        Path err = Files.createTempFile(SandboxTestHost.tempDir("cli"), "err", ".txt");
        Process p = new ProcessBuilder(flint("sandbox", "run", "--", "sh", "-c", "echo up; exec sleep 30"))
                .redirectError(err.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Future<String> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return "<" + e + ">";
                }
            });
            assertEquals("up", first.get(30, TimeUnit.SECONDS), () -> "no 'up'; stderr: " + read(err));
            assertTrue(!HostLeftovers.of(p.pid()).isEmpty(), "the running sandbox is not visible to the check");
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "flint did not end within 15 s of SIGINT");
            HostLeftovers left = HostLeftovers.of(p.pid());
            assertTrue(left.isEmpty(), () -> "left behind after Ctrl-C: " + left + "\nstderr: " + read(err));
        } finally {
            p.destroyForcibly();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Test
    void inProcessTheCommandsExitCodeIsTheCliExitCode() {
        FlintCliTest.Run r = FlintCliTest.run("sandbox", "run", "--", "sh", "-c", "exit 7");
        assertEquals(7, r.code(), r::toString);
    }

    @Test
    void inProcessAMissingCommandExits127WithStageErrnoAndHint() {
        FlintCliTest.Run r = FlintCliTest.run("sandbox", "run", "--", "/no/such/command");
        assertEquals(ExitCodes.COMMAND_NOT_RUNNABLE, r.code(), r::toString);
        assertTrue(r.err().startsWith("flint: exec: ENOENT: "), r::toString);
        assertTrue(r.err().contains("hint: the command is not in the image"), r::toString);
    }

    @Test
    void inProcessAnUnknownImageExits2() {
        FlintCliTest.Run r = FlintCliTest.run("sandbox", "run", "--image", "no-such-image-" + System.nanoTime(), "--", "true");
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
    }
}
