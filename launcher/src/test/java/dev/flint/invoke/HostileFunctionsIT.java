package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionDirectory;
import dev.flint.function.Runtimes;
import dev.flint.sandbox.HostLeftovers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7, "Hostile inputs", acceptance 2: functions that attack the supervisor or their env, all
 * on one shared {@link InvokeService} (one supervisor), each with a clear Lambda-style error and
 * the env kept healthy or replaced. The last test checks the supervisor still serves, and
 * {@link #nothingLeftAfterTheWholeSuite} that the suite left no process, mount, cgroup, socket or
 * scratch dir behind.
 *
 * <p>Hostile inputs tested elsewhere (not repeated here): ZIP entries with {@code ..}, absolute
 * paths, symlinks and hard links pointing out, device nodes, ZIP bombs (by size and ratio):
 * {@code FunctionCodeIT#hostileZipIsRejectedAndLeavesNothing}, {@code CodeStoreHostileZipTest};
 * pids.max against a fork bomb, memory and /tmp limits at the sandbox level:
 * {@code SandboxLimitsIT}; Init beyond 10 s that succeeds when suppressed:
 * {@code InvokeFailuresIT#initBeyondTenSecondsIsRetriedInsideTheInvoke}.
 */
@RequiresSandboxHost(images = {"python3.11", "provided"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileFunctionsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lambda splits log lines longer than 256 KB into several events; so does flint. */
    private static final int MAX_LINE_BYTES = 256 * 1024;

    @TempDir
    static Path tmp;
    private static SandboxStack stack;
    private static HostLeftovers before;
    private static int socketsBefore;

    @BeforeAll
    static void start() {
        before = HostLeftovers.now();
        socketsBefore = ownSocketFds();
        stack = new SandboxStack(tmp.resolve("state"));
    }

    @AfterAll
    static void nothingLeftAfterTheWholeSuite() throws InterruptedException {
        stack.close();
        List<String> left = new ArrayList<>(stack.leftovers());
        HostLeftovers after = HostLeftovers.now().minus(before);
        if (!after.isEmpty()) {
            left.add(after.toString());
        }
        left.addAll(ownRunDirFiles());
        int sockets = ownSocketFds();
        // Jetty's own pools may keep a few; every env's api.sock listener and relayed connection must be gone.
        if (sockets > socketsBefore + 4) {
            left.add("supervisor socket fds: " + socketsBefore + " before, " + sockets + " after");
        }
        assertTrue(left.isEmpty(), "left behind by the hostile suite: " + left);
    }

    private static FunctionSpec python(String resource, int timeoutSeconds) {
        return stack.python(resource, resource, timeoutSeconds, tmp);
    }

    private static JsonNode json(InvokeResponse r) throws IOException {
        return JSON.readTree(r.payload());
    }

    private static String report(InvokeResponse r) {
        return stack.lines("REPORT RequestId: " + r.requestId() + "\t").stream().findFirst()
                .orElseThrow(() -> new AssertionError("no REPORT for " + r.requestId() + stack.transcript()));
    }

    /** 50 MB of lines in one invoke: it completes, the JVM's heap does not keep any of it, the tail is 4 KB. */
    @Test
    @Order(1)
    void stdoutFloodIsStreamedNotBuffered() throws IOException {
        FunctionSpec fn = python("hostile-flood", 60);
        AtomicLong lines = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong longest = new AtomicLong();
        List<String> platform = new ArrayList<>();
        LogSink counting = line -> {
            lines.incrementAndGet();
            bytes.addAndGet(line.length() + 1);
            longest.accumulateAndGet(line.length(), Math::max);
            if (!line.startsWith("xxxx") && !line.startsWith("yyyy")) {
                synchronized (platform) {
                    platform.add(line);
                }
            }
        };
        stack.service.invoke(fn, "{\"mb\": 0}".getBytes(StandardCharsets.UTF_8), counting); // warm: the baseline includes Jetty etc.
        long heapBefore = usedHeapAfterGc();

        InvokeResponse r = stack.service.invoke(fn, "{\"mb\": 50}".getBytes(StandardCharsets.UTF_8), counting);

        assertFalse(r.failed(), SandboxStack.text(r.payload()) + platform);
        assertEquals("{\"flooded_mb\": 50}", SandboxStack.text(r.payload()));
        assertTrue(lines.get() >= 500_000, "every line reached the log sink: " + lines + " lines, " + bytes + " bytes");
        assertTrue(platform.contains("flood done"), platform.toString());
        assertTrue(platform.stream().anyMatch(l -> l.startsWith("REPORT RequestId: " + r.requestId())), platform.toString());
        byte[] tail = Base64.getDecoder().decode(r.logTail());
        assertTrue(tail.length <= 4096, "the log tail is at most 4 KB: " + tail.length);
        assertTrue(new String(tail, StandardCharsets.UTF_8).contains("REPORT RequestId: " + r.requestId()));
        long grown = usedHeapAfterGc() - heapBefore;
        assertTrue(grown < 32L << 20, "the supervisor's heap grew by " + (grown >> 20) + " MB after a 50 MB flood");

        // One 20 MB line without a newline: it is cut into bounded lines, not buffered whole.
        longest.set(0);
        lines.set(0);
        InvokeResponse one = stack.service.invoke(fn, "{\"mb\": 20, \"newline\": false}".getBytes(StandardCharsets.UTF_8),
                counting);
        assertFalse(one.failed(), SandboxStack.text(one.payload()));
        assertTrue(longest.get() <= MAX_LINE_BYTES, "a log line of " + longest + " bytes reached the sink");
        assertTrue(lines.get() >= 20L * 1024 * 1024 / MAX_LINE_BYTES, "the long line was cut, not dropped: " + lines);
        assertTrue(Base64.getDecoder().decode(one.logTail()).length <= 4096);
        assertFalse(one.coldStart(), "the env survives the flood");
        grown = usedHeapAfterGc() - heapBefore;
        assertTrue(grown < 32L << 20, "the supervisor's heap grew by " + (grown >> 20) + " MB after a 20 MB line");
    }

    /** /tmp full: the function sees ENOSPC, the env survives and /tmp works again. */
    @Test
    @Order(2)
    void fillingTmpIsEnospcInsideAndTheEnvSurvives() throws IOException {
        FunctionSpec fn = python("hostile-fill-tmp", 30);

        InvokeResponse r = stack.invoke(fn, "{}");

        assertFalse(r.failed(), SandboxStack.text(r.payload()) + stack.transcript());
        JsonNode body = json(r);
        System.out.println("hostile-fill-tmp: " + body);
        assertEquals(28, body.get("errno").asInt(), body.toString()); // ENOSPC
        assertTrue(body.get("bytes").asLong() <= 512L * 1024 * 1024 && body.get("bytes").asLong() > 256L * 1024 * 1024,
                "the default 512 MB /tmp was filled: " + body);

        InvokeResponse next = stack.invoke(fn, "{\"probe\": true}");
        assertFalse(next.failed(), SandboxStack.text(next.payload()) + stack.transcript());
        assertFalse(next.coldStart(), "the same env serves the next invoke");
        assertEquals("{\"writable\": true}", SandboxStack.text(next.payload()));
    }

    /** A fork bomb: pids.max holds it, the timeout ends the invoke and kills every process of the env. */
    @Test
    @Order(3)
    void forkBombEndsAtTheTimeoutAndLeavesNoProcess() throws IOException {
        FunctionSpec fn = python("hostile-fork", 3);
        HostLeftovers live = HostLeftovers.now();

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Sandbox.Timedout", r.errorType(), SandboxStack.text(r.payload()) + stack.transcript());
        assertEquals("Unhandled", r.functionError());
        assertTrue(json(r).get("errorMessage").asText().contains("Task timed out after 3."), json(r).toString());
        assertTrue(stack.log.stream().anyMatch(l -> l.startsWith("fork failed after ")
                && l.contains("Resource temporarily unavailable")), "pids.max stopped the bomb" + stack.transcript());
        assertTrue(report(r).contains("\tStatus: timeout\t"), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn));
        HostLeftovers now = HostLeftovers.now().minus(live);
        assertTrue(now.isEmpty(), "nothing of the bomb's env survives it: " + now);
    }

    /** Allocating without end: the cgroup's OOM kill is Runtime.OutOfMemory; the next invoke gets a new env. */
    @Test
    @Order(4)
    void allocatingWithoutEndIsRuntimeOutOfMemory() throws IOException {
        FunctionSpec fn = stack.create(FunctionDefinition.of("hostile-oom", Runtimes.PYTHON_311,
                "lambda_function.lambda_handler", SandboxStack.copyFunction("oom", tmp)).withMemoryMb(128)
                .withTimeoutSeconds(20));

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Runtime.OutOfMemory", r.errorType(), SandboxStack.text(r.payload()) + stack.transcript());
        assertEquals("Unhandled", r.functionError());
        assertTrue(report(r).endsWith("\tStatus: error\tError Type: Runtime.OutOfMemory\t"), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn));
    }

    /** A runtime that never asks for an invocation: Init timeout, then the suppressed Init times out the invoke. */
    @Test
    @Order(5)
    void runtimeThatNeverCallsNextTimesOutInitThenTheInvoke() throws IOException {
        FunctionSpec fn = stack.create(FunctionDefinition.of("hostile-never-next", Runtimes.PROVIDED, "function.handler",
                SandboxStack.copyFunction("hostile-never-next", tmp)).withMemoryMb(SandboxStack.FAST_MB)
                .withTimeoutSeconds(2));

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Sandbox.Timedout", r.errorType(), SandboxStack.text(r.payload()) + stack.transcript());
        assertEquals("Unhandled", r.functionError());
        assertTrue(json(r).get("errorMessage").asText().contains("Task timed out after 2."), json(r).toString());
        List<String> initReports = stack.lines("INIT_REPORT ");
        assertTrue(initReports.stream().anyMatch(l -> l.matches(
                "INIT_REPORT Init Duration: 1\\d{4}\\.\\d\\d ms\tPhase: init\tStatus: timeout")), stack.transcript());
        assertTrue(report(r).contains("\tStatus: timeout"), stack.transcript());
        assertEquals(0, stack.service.idleEnvironments(fn));
    }

    /** A 7 MB response: Function.ResponseSizeTooLarge for the caller, and the function keeps serving. */
    @Test
    @Order(6)
    void sevenMegabyteResponseIsResponseSizeTooLarge() throws IOException {
        FunctionSpec fn = python("hostile-big-response", 10);

        InvokeResponse r = stack.invoke(fn, "{}");

        assertEquals("Unhandled", r.functionError(), stack.transcript());
        assertEquals("Function.ResponseSizeTooLarge", r.errorType());
        JsonNode body = json(r);
        assertEquals("Function.ResponseSizeTooLarge", body.get("errorType").asText());
        assertTrue(body.get("errorMessage").asText().contains("exceeded maximum allowed payload size (6291556 bytes)"),
                body.toString());
        assertTrue(r.payload().length < 1024, "the caller gets the error, not the payload");

        InvokeResponse next = stack.invoke(fn, "{\"bytes\": 3}");
        assertFalse(next.failed(), SandboxStack.text(next.payload()) + stack.transcript());
        assertEquals("\"zzz\"", SandboxStack.text(next.payload()));
    }

    /** Thousands of connections to 127.0.0.1:9001: the proxy relays at most 64, the invoke completes. */
    @Test
    @Order(7)
    void thousandsOfRuntimeApiConnectionsAreCappedByTheProxy() throws IOException {
        FunctionSpec fn = python("hostile-connections", 30);
        FunctionSpec other = python("sleepy", 5);

        InvokeResponse r = stack.invoke(fn, "{\"count\": 5000}");

        assertFalse(r.failed(), SandboxStack.text(r.payload()) + stack.transcript());
        JsonNode body = json(r);
        System.out.println("hostile-connections: " + body + " in " + r.durationNanos() / 1_000_000 + " ms");
        assertTrue(body.get("opened").asInt() >= 1000, "thousands of connections were opened: " + body);
        assertTrue(body.get("answered").asInt() > 0 && body.get("answered").asInt() < 64,
                "the proxy relays at most 64 connections, one of them the runtime's own: " + body);
        assertTrue(body.get("refused").asInt() > 0, "the rest were refused: " + body);

        // The same env, with its connections still held, serves its next invoke; so does everyone else.
        InvokeResponse again = stack.invoke(fn, "{\"count\": 10}");
        assertFalse(again.failed(), SandboxStack.text(again.payload()) + stack.transcript());
        assertFalse(again.coldStart());
        InvokeResponse elsewhere = stack.invoke(other, "{\"sleep\": 0}");
        assertFalse(elsewhere.failed(), SandboxStack.text(elsewhere.payload()) + stack.transcript());
    }

    /** Ignoring SIGTERM (the runtime and a daemonised grandchild) does not keep an env alive past close. */
    @Test
    @Order(8)
    void ignoringSigtermDoesNotSurviveShutdown() throws IOException {
        List<String> left;
        long closeMillis;
        List<String> shared = stack.leftovers(); // the shared stack's warm envs
        try (SandboxStack own = new SandboxStack(tmp.resolve("state-sigterm"))) {
            FunctionSpec fn = own.python("hostile-ignore-sigterm", "hostile-ignore-sigterm", 10, tmp);
            HostLeftovers pre = HostLeftovers.now();
            InvokeResponse r = own.invoke(fn, "{}");
            assertFalse(r.failed(), SandboxStack.text(r.payload()) + own.transcript());
            assertEquals(1, own.service.idleEnvironments(fn));
            assertTrue(HostLeftovers.now().minus(pre).processes().size() >= 3,
                    "flint-init, the runtime and the daemonised grandchild run: " + HostLeftovers.now().minus(pre));
            long t0 = System.nanoTime();
            own.close();
            closeMillis = (System.nanoTime() - t0) / 1_000_000;
            left = new ArrayList<>(own.leftovers());
            left.removeAll(shared);
        }
        assertTrue(left.isEmpty(), "left behind: " + left);
        assertTrue(closeMillis < 5000, "close did not wait on SIGTERM: " + closeMillis + " ms");
    }

    /** After everything above, the supervisor still serves a plain function, cold and warm. */
    @Test
    @Order(100)
    void theSupervisorStillServes() throws IOException {
        FunctionDefinition def = FunctionDirectory.load(SandboxStack.projectRoot().resolve("examples/hello-python"));
        FunctionSpec fn = stack.create(def.withMemoryMb(SandboxStack.FAST_MB));

        InvokeResponse cold = stack.invoke(fn, "{}");
        InvokeResponse warm = stack.invoke(fn, "{}");

        assertFalse(cold.failed(), SandboxStack.text(cold.payload()) + stack.transcript());
        assertEquals("{\"statusCode\": 200, \"body\": \"Hello World\"}", SandboxStack.text(cold.payload()));
        assertFalse(warm.failed());
        assertFalse(warm.coldStart());
    }

    // ---- probes ---------------------------------------------------------------------------------

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Socket fds of this JVM. */
    private static int ownSocketFds() {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
                        n++;
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    /** Anything under /run/flint (sockets included) named after this JVM. */
    private static List<String> ownRunDirFiles() {
        List<String> out = new ArrayList<>();
        try (var walk = Files.walk(SandboxStack.RUN_DIR, 4)) {
            walk.filter(p -> p.toString().contains("/" + SandboxStack.OWN_PREFIX))
                    .forEach(p -> out.add("run dir: " + p));
        } catch (IOException | UncheckedIOException e) {
            out.add("cannot scan " + SandboxStack.RUN_DIR + ": " + e);
        }
        return out;
    }
}
