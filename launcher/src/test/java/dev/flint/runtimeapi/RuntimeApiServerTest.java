package dev.flint.runtimeapi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RuntimeApiServerTest {

    private static final String RT = "/2018-06-01/runtime";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Path socket;
    private RuntimeApiServer server;

    static Path socketDir() {
        return Path.of(System.getProperty("flint.test.socketdir", "/tmp"));
    }

    static Path newSocketPath() {
        Path p = socketDir().resolve("flint-rapi-" + UUID.randomUUID().toString().substring(0, 8) + ".sock");
        assertTrue(p.toString().getBytes(StandardCharsets.UTF_8).length < 108, "socket path too long: " + p);
        return p;
    }

    @BeforeEach
    void start() {
        socket = newSocketPath();
        server = RuntimeApiServer.start(socket, new RuntimeApiListener() {
            @Override public void onInitReady() { events.add("initReady"); }
            @Override public void onNext() { events.add("next"); }
            @Override public void onResponse(String id) { events.add("response " + id); }
            @Override public void onError(String id, String type) { events.add("error " + id + " " + type); }
            @Override public void onInitError(String type, byte[] body) { events.add("initError " + type); }
        });
        toClose.add(server);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private RawHttp client() throws IOException {
        RawHttp c = RawHttp.unix(socket);
        toClose.add(0, c);
        return c;
    }

    private CompletableFuture<RawHttp.Reply> nextAsync(RawHttp c) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.get(RT + "/invocation/next");
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    private static Invocation inv(String id, String payload) {
        return new Invocation(id, payload.getBytes(StandardCharsets.UTF_8), 1_700_000_000_123L,
                "arn:aws:lambda:us-east-1:123456789012:function:f", null, null, null);
    }

    @Test
    void nextBlocksUntilInvokeThenCarriesExactHeaders() throws Exception {
        RawHttp c = client();
        CompletableFuture<RawHttp.Reply> next = nextAsync(c);
        assertEquals(InitOutcome.ready(), server.initOutcome().get(10, TimeUnit.SECONDS));
        await().atMost(WAIT).until(() -> events.contains("next"));
        assertFalse(next.isDone(), "next must block while nothing is queued");

        Invocation inv = new Invocation("8476a536-e9f4-11e8-9739-2dfe598c3fcd", "{\"k\":1}".getBytes(StandardCharsets.UTF_8),
                1_542_409_706_888L, "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime",
                "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
                "{\"client\":{\"app_title\":\"t\"},\"custom\":{},\"env\":{}}",
                "{\"cognitoIdentityId\":\"id\",\"cognitoIdentityPoolId\":\"pool\"}");
        CompletableFuture<InvocationResult> result = server.invoke(inv);
        RawHttp.Reply r = next.get(10, TimeUnit.SECONDS);

        assertEquals(200, r.status());
        assertEquals("{\"k\":1}", r.text());
        assertEquals("8476a536-e9f4-11e8-9739-2dfe598c3fcd", r.header("Lambda-Runtime-Aws-Request-Id"));
        assertEquals("1542409706888", r.header("Lambda-Runtime-Deadline-Ms"));
        assertEquals("arn:aws:lambda:us-east-2:123456789012:function:custom-runtime", r.header("Lambda-Runtime-Invoked-Function-Arn"));
        assertEquals("Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1", r.header("Lambda-Runtime-Trace-Id"));
        assertEquals("{\"client\":{\"app_title\":\"t\"},\"custom\":{},\"env\":{}}", r.header("Lambda-Runtime-Client-Context"));
        assertEquals("{\"cognitoIdentityId\":\"id\",\"cognitoIdentityPoolId\":\"pool\"}", r.header("Lambda-Runtime-Cognito-Identity"));
        assertEquals("application/json", r.header("Content-Type"));
        assertNull(r.header("Server"), "RIE sends no Server header");
        assertFalse(result.isDone());
    }

    @Test
    void emptyOptionalHeadersAreLeftOut() throws Exception {
        RawHttp c = client();
        CompletableFuture<RawHttp.Reply> next = nextAsync(c);
        server.invoke(new Invocation("id-1", new byte[0], 5L, "arn", "", null, ""));
        RawHttp.Reply r = next.get(10, TimeUnit.SECONDS);
        assertNull(r.header("Lambda-Runtime-Trace-Id"));
        assertNull(r.header("Lambda-Runtime-Client-Context"));
        assertNull(r.header("Lambda-Runtime-Cognito-Identity"));
        assertEquals("id-1", r.header("Lambda-Runtime-Aws-Request-Id"));
        assertEquals(0, r.body().length);
    }

    @Test
    void eventQueuedBeforeNextIsHandedOutAtOnce() throws Exception {
        CompletableFuture<InvocationResult> result = server.invoke(inv("early", "\"e\""));
        RawHttp.Reply r = client().get(RT + "/invocation/next");
        assertEquals("early", r.header("Lambda-Runtime-Aws-Request-Id"));
        assertFalse(result.isDone());
    }

    @Test
    void responseCompletesTheFutureWith202() throws Exception {
        RawHttp c = client();
        CompletableFuture<InvocationResult> result = server.invoke(inv("req-1", "{}"));
        c.get(RT + "/invocation/next");
        RawHttp.Reply r = c.post(RT + "/invocation/req-1/response", Map.of("Content-Type", "application/json"),
                "{\"statusCode\":200}".getBytes(StandardCharsets.UTF_8));
        assertEquals(202, r.status());
        assertEquals("{\"status\":\"OK\"}\n", r.text());
        assertEquals("application/json", r.header("Content-Type"));
        InvocationResult.Success ok = assertInstanceOf(InvocationResult.Success.class, result.get(10, TimeUnit.SECONDS));
        assertEquals("{\"statusCode\":200}", new String(ok.payload(), StandardCharsets.UTF_8));
        assertTrue(events.contains("response req-1"));
    }

    @Test
    void errorCompletesTheFutureWithTypeAndBody() throws Exception {
        RawHttp c = client();
        CompletableFuture<InvocationResult> result = server.invoke(inv("req-2", "{}"));
        c.get(RT + "/invocation/next");
        byte[] body = "{\"errorMessage\":\"boom\",\"errorType\":\"ValueError\",\"stackTrace\":[]}".getBytes(StandardCharsets.UTF_8);
        RawHttp.Reply r = c.post(RT + "/invocation/req-2/error", Map.of("Lambda-Runtime-Function-Error-Type", "Unhandled"), body);
        assertEquals(202, r.status());
        assertEquals("{\"status\":\"OK\"}\n", r.text());
        InvocationResult.FunctionError err = assertInstanceOf(InvocationResult.FunctionError.class, result.get(10, TimeUnit.SECONDS));
        assertEquals("Unhandled", err.errorType());
        assertEquals("Runtime.Unknown", err.normalizedErrorType());
        assertArrayEquals(body, err.errorJson());
        assertTrue(events.contains("error req-2 Unhandled"));
    }

    @Test
    void errorTypesAreNormalisedLikeRie() {
        assertEquals("Runtime.ImportModuleError", InvocationResult.FunctionError.normalize("Runtime.ImportModuleError"));
        assertEquals("Function.Unknown", InvocationResult.FunctionError.normalize("Function.bad-name"));
        assertEquals("Runtime.Unknown", InvocationResult.FunctionError.normalize(null));
        assertEquals("Runtime.Unknown", InvocationResult.FunctionError.normalize("Unhandled"));
    }

    @Test
    void initErrorFailsInitOutcome() throws Exception {
        RawHttp c = client();
        byte[] body = "{\"errorMessage\":\"Unable to import module 'x': No module named 'x'\",\"errorType\":\"Runtime.ImportModuleError\",\"requestId\":\"\",\"stackTrace\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Reply r = c.post(RT + "/init/error", Map.of("Lambda-Runtime-Function-Error-Type", "Runtime.ImportModuleError"), body);
        assertEquals(202, r.status());
        InitOutcome.Failed failed = assertInstanceOf(InitOutcome.Failed.class, server.initOutcome().get(10, TimeUnit.SECONDS));
        assertEquals("Runtime.ImportModuleError", failed.errorType());
        assertArrayEquals(body, failed.errorJson());

        RawHttp.Reply again = c.post(RT + "/init/error", Map.of(), new byte[0]);
        assertEquals(403, again.status());
        assertTrue(again.text().contains("\"errorType\":\"InvalidStateTransition\""), again.text());
        assertEquals(403, c.get(RT + "/invocation/next").status(), "no events after a failed init");
    }

    @Test
    void initErrorAfterInitIsForbidden() throws Exception {
        RawHttp c = client();
        server.invoke(inv("r", "{}"));
        c.get(RT + "/invocation/next");
        RawHttp.Reply r = c.post(RT + "/init/error", Map.of(), new byte[0]);
        assertEquals(403, r.status());
        assertTrue(server.initOutcome().get().isReady());
    }

    @Test
    void oversizedResponseGets413AndCallerGetsResponseSizeTooLarge() throws Exception {
        RawHttp c = client();
        CompletableFuture<InvocationResult> result = server.invoke(inv("big", "{}"));
        c.get(RT + "/invocation/next");
        byte[] body = new byte[RuntimeApiServer.MAX_PAYLOAD_SIZE + 1];
        Arrays.fill(body, (byte) 'a');
        RawHttp.Reply r = c.post(RT + "/invocation/big/response", Map.of(), body);
        assertEquals(413, r.status());
        assertEquals("{\"errorMessage\":\"Exceeded maximum allowed payload size (6291556 bytes).\",\"errorType\":\"RequestEntityTooLarge\"}\n", r.text());
        InvocationResult.FunctionError err = assertInstanceOf(InvocationResult.FunctionError.class, result.get(10, TimeUnit.SECONDS));
        assertEquals("Function.ResponseSizeTooLarge", err.errorType());
        assertEquals("{\"errorMessage\":\"Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).\",\"errorType\":\"Function.ResponseSizeTooLarge\"}",
                new String(err.errorJson(), StandardCharsets.UTF_8));
        // the connection is still usable, and the env takes the next event
        CompletableFuture<InvocationResult> second = server.invoke(inv("after", "{}"));
        assertEquals("after", c.get(RT + "/invocation/next").header("Lambda-Runtime-Aws-Request-Id"));
        assertFalse(second.isDone());
    }

    @Test
    void responseOfExactlyTheLimitIsAccepted() throws Exception {
        RawHttp c = client();
        CompletableFuture<InvocationResult> result = server.invoke(inv("edge", "{}"));
        c.get(RT + "/invocation/next");
        RawHttp.Reply r = c.post(RT + "/invocation/edge/response", Map.of(), new byte[RuntimeApiServer.MAX_PAYLOAD_SIZE]);
        assertEquals(202, r.status());
        InvocationResult.Success ok = assertInstanceOf(InvocationResult.Success.class, result.get(10, TimeUnit.SECONDS));
        assertEquals(RuntimeApiServer.MAX_PAYLOAD_SIZE, ok.payload().length);
    }

    @Test
    void unknownOrAnsweredRequestIdIs400InvalidRequestId() throws Exception {
        RawHttp c = client();
        String expected = "{\"errorMessage\":\"Invalid request ID\",\"errorType\":\"InvalidRequestID\"}\n";
        RawHttp.Reply unknown = c.post(RT + "/invocation/nope/response", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, unknown.status());
        assertEquals(expected, unknown.text());

        server.invoke(inv("once", "{}"));
        c.get(RT + "/invocation/next");
        assertEquals(202, c.post(RT + "/invocation/once/response", Map.of(), new byte[0]).status());
        RawHttp.Reply twice = c.post(RT + "/invocation/once/response", Map.of(), new byte[0]);
        assertEquals(400, twice.status());
        assertEquals(expected, twice.text());
        RawHttp.Reply errorAfter = c.post(RT + "/invocation/once/error", Map.of(), new byte[0]);
        assertEquals(400, errorAfter.status());
        assertEquals(expected, errorAfter.text());
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405() throws Exception {
        RawHttp c = client();
        RawHttp.Reply nf = c.get(RT + "/invocation/x/unknown");
        assertEquals(404, nf.status());
        assertEquals("404 page not found\n", nf.text());
        assertEquals(404, c.get("/2020-01-01/extension/event/next").status());
        assertEquals(405, c.post(RT + "/invocation/next", Map.of(), new byte[0]).status());
    }

    @Test
    void socketPathOf108BytesOrMoreIsRejected() {
        String name = "x".repeat(120);
        Path tooLong = socketDir().resolve(name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RuntimeApiServer.start(tooLong, RuntimeApiListener.NONE));
        assertTrue(e.getMessage().contains("socket path is"), e.getMessage());
        assertTrue(e.getMessage().contains("limit is 107"), e.getMessage());
        assertFalse(Files.exists(tooLong));
    }

    /**
     * Envs closed right after they start: their listening channels are closed on the selector
     * after the accept is cancelled, so Jetty logs nothing (closing from the caller's thread
     * raced the registration: ClosedChannelException + NPE warnings), and no channel stays open.
     */
    @Test
    void envsClosedRightAfterStartLogNothingAndLeaveNoChannel() throws Exception {
        long socketsBefore = ownSocketFds();
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 200; i++) {
                RuntimeApiServer.start(newSocketPath(), RuntimeApiListener.NONE).close();
            }
            org.awaitility.Awaitility.await("listening channels closed").atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> ownSocketFds() <= socketsBefore);
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("WARN"), log);
    }

    private static long ownSocketFds() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    @Test
    void socketIsWorldWritable() throws Exception {
        assertEquals(PosixFilePermissions.fromString("rw-rw-rw-"), Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aRegularFileAtTheSocketPathIsNotReplaced() throws Exception {
        Path file = newSocketPath();
        Files.writeString(file, "keep");
        try {
            RuntimeApiException e = assertThrows(RuntimeApiException.class, () -> RuntimeApiServer.start(file, RuntimeApiListener.NONE));
            assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
            assertEquals("keep", Files.readString(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void closeRemovesSocketAndFailsPendingWork() throws Exception {
        RawHttp c = client();
        CompletableFuture<InvocationResult> inFlight = server.invoke(inv("a", "{}"));
        c.get(RT + "/invocation/next");
        CompletableFuture<InvocationResult> queued = server.invoke(inv("b", "{}"));
        RawHttp other = RawHttp.unix(socket);
        toClose.add(0, other);

        server.close();

        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        ExecutionException e1 = assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.SECONDS));
        assertInstanceOf(RuntimeApiException.class, e1.getCause());
        assertThrows(ExecutionException.class, () -> queued.get(10, TimeUnit.SECONDS));
        assertTrue(server.invoke(inv("c", "{}")).isCompletedExceptionally());
        assertThrows(IOException.class, () -> c.get(RT + "/invocation/next"), "connections are closed");
        assertThrows(IOException.class, () -> RawHttp.unix(socket));
    }

    @Test
    void closeBeforeInitFailsInitOutcome() {
        server.close();
        assertTrue(server.initOutcome().isCompletedExceptionally());
    }

    @Test
    void restoreNextEndsInitAndWaitsForRelease() throws Exception {
        RawHttp c = client();
        CompletableFuture<RawHttp.Reply> restore = CompletableFuture.supplyAsync(() -> {
            try {
                return c.get(RT + "/restore/next");
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        assertTrue(server.initOutcome().get(10, TimeUnit.SECONDS).isReady());
        assertFalse(restore.isDone());
        server.releaseRestore();
        RawHttp.Reply r = restore.get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals(0, r.body().length);
        server.invoke(inv("after-restore", "{}"));
        assertEquals("after-restore", c.get(RT + "/invocation/next").header("Lambda-Runtime-Aws-Request-Id"));
        assertTrue(server.restoreOutcome().get(10, TimeUnit.SECONDS).isReady());
    }

    @Test
    void restoreErrorFailsRestoreOutcome() throws Exception {
        RawHttp c = client();
        CompletableFuture.runAsync(() -> {
            try {
                c.get(RT + "/restore/next");
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        server.initOutcome().get(10, TimeUnit.SECONDS);
        server.releaseRestore();
        RawHttp d = client();
        RawHttp.Reply r = d.post(RT + "/restore/error", Map.of("Lambda-Runtime-Function-Error-Type", "Runtime.AfterRestoreError"), "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(202, r.status());
        InitOutcome.Failed f = assertInstanceOf(InitOutcome.Failed.class, server.restoreOutcome().get(10, TimeUnit.SECONDS));
        assertEquals("Runtime.AfterRestoreError", f.errorType());
    }

    @Test
    void aNewerNextReplacesAStaleParkedOne() throws Exception {
        RawHttp first = client();
        CompletableFuture<RawHttp.Reply> stale = nextAsync(first);
        await().atMost(WAIT).until(() -> events.contains("next"));
        RawHttp second = client();
        CompletableFuture<RawHttp.Reply> fresh = nextAsync(second);
        assertEquals(403, stale.get(10, TimeUnit.SECONDS).status());
        server.invoke(inv("x", "{}"));
        assertEquals("x", fresh.get(10, TimeUnit.SECONDS).header("Lambda-Runtime-Aws-Request-Id"));
    }

    @Test
    void tcpConnectorServesTheSameApi() throws Exception {
        RuntimeApiServer tcp = RuntimeApiServer.startTcpForTests(RuntimeApiListener.NONE);
        toClose.add(tcp);
        try (RawHttp c = RawHttp.tcp(tcp.runtimeApiAddress())) {
            CompletableFuture<InvocationResult> result = tcp.invoke(inv("t", "{}"));
            assertEquals("t", c.get(RT + "/invocation/next").header("Lambda-Runtime-Aws-Request-Id"));
            assertEquals(202, c.post(RT + "/invocation/t/response", Map.of(), "1".getBytes(StandardCharsets.UTF_8)).status());
            assertInstanceOf(InvocationResult.Success.class, result.get(10, TimeUnit.SECONDS));
        }
    }

    /**
     * Many envs share one server: no thread per env. Prints the measured per-env start cost
     * (bind + chmod + selector registration).
     */
    @Test
    void manyEnvsShareOneThreadPool() throws Exception {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        int n = 200;
        List<RuntimeApiServer> envs = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // warm-up: JIT, first-use class loading
            RuntimeApiServer.start(newSocketPath(), RuntimeApiListener.NONE).close();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            envs.add(RuntimeApiServer.start(newSocketPath(), RuntimeApiListener.NONE));
        }
        long startNs = System.nanoTime() - t0;
        toClose.addAll(envs);
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf("runtime api: %d envs started in %.1f ms, %.1f us per env; threads %d -> %d%n",
                n, startNs / 1e6, startNs / 1e3 / n, threadsBefore, threadsAfter);
        assertTrue(threadsAfter - threadsBefore < 10, "threads grew from " + threadsBefore + " to " + threadsAfter);
        // every one of them answers
        for (RuntimeApiServer env : List.of(envs.get(0), envs.get(n / 2), envs.get(n - 1))) {
            try (RawHttp c = RawHttp.unix(env.socketPath())) {
                env.invoke(inv("m", "{}"));
                assertEquals("m", c.get(RT + "/invocation/next").header("Lambda-Runtime-Aws-Request-Id"));
            }
        }
        long c0 = System.nanoTime();
        for (RuntimeApiServer env : envs) {
            env.close();
        }
        System.out.printf("runtime api: %d envs closed in %.1f ms%n", n, (System.nanoTime() - c0) / 1e6);
        for (RuntimeApiServer env : envs) {
            assertFalse(Files.exists(env.socketPath(), LinkOption.NOFOLLOW_LINKS));
        }
    }
}
