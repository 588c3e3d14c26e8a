package dev.flint.invoke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.runtimeapi.Invocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on a fake {@link Environment}: warm reuse, reset, init failures and the
 * suppressed init, payload validation, and the platform log lines byte for byte (contract §4, §5,
 * §7). No root, no sandbox.
 */
class InvokeServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INIT_LIMIT = Duration.ofMillis(250);
    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final long MIB = 1024 * 1024;

    private FakeFactory factory;
    private InvokeService service;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        factory = new FakeFactory();
        service = new InvokeService(factory, "us-east-1", "000000000000", INIT_LIMIT);
    }

    @AfterEach
    void tearDown() {
        service.close();
        for (FakeEnv env : factory.created) {
            assertTrue(env.closed, "every env is closed once the service is: " + env.id);
        }
    }

    static FunctionSpec fn(String name, int memoryMb, Duration timeout) {
        return new FunctionSpec(name, "$LATEST", "python3.11", "python3.11", "lambda_function.lambda_handler",
                memoryMb, timeout, Map.of(), 512, Path.of("/nonexistent/code"), List.of());
    }

    private static final FunctionSpec FN = fn("fn", 256, Duration.ofSeconds(3));

    private InvokeResponse invoke(String payload) {
        return service.invoke(FN, payload.getBytes(StandardCharsets.UTF_8), log::add);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private List<String> linesStartingWith(String prefix) {
        synchronized (log) {
            return log.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    // ---- warm reuse and reset ---------------------------------------------------------------

    @Test
    void secondInvokeReusesTheWarmEnvAndItsReportHasNoInitDuration() {
        factory.script(FakeEnv.ready(40_000_000));

        InvokeResponse first = invoke("{\"n\":1}");
        InvokeResponse second = invoke("{\"n\":2}");

        assertEquals(1, factory.created.size(), "one env for two invokes");
        assertEquals(1, service.environmentsCreated());
        FakeEnv env = factory.created.get(0);
        assertEquals(List.of(INIT_LIMIT), env.initLimits, "Init ran once, with the on-demand limit");
        assertEquals(2, env.invocations.size());
        assertEquals("{\"n\":1}", text(env.invocations.get(0).payload()));
        assertEquals("{\"n\":2}", text(env.invocations.get(1).payload()));
        assertTrue(first.coldStart());
        assertFalse(second.coldStart());
        assertEquals(40_000_000, first.initNanos());
        assertEquals(0, second.initNanos());
        assertEquals("{\"echo\":{\"n\":2}}", text(second.payload()));
        assertFalse(second.failed());
        List<String> reports = linesStartingWith("REPORT ");
        assertEquals(2, reports.size(), String.join("\n", log));
        assertTrue(reports.get(0).contains("\tInit Duration: 40.00 ms\t"), reports.get(0));
        assertFalse(reports.get(1).contains("Init Duration"), reports.get(1));
        assertEquals(1, service.idleEnvironments(FN));
        assertFalse(env.closed, "a warm env stays up");
    }

    @Test
    void invocationCarriesRequestIdArnAndDeadline() {
        factory.script(FakeEnv.ready(1));
        long before = System.currentTimeMillis();
        InvokeResponse r = invoke("{}");
        long after = System.currentTimeMillis();

        Invocation inv = factory.created.get(0).invocations.get(0);
        assertEquals(r.requestId(), inv.requestId());
        assertTrue(r.requestId().matches(UUID_RE), r.requestId());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:fn", inv.invokedFunctionArn());
        assertTrue(inv.deadlineEpochMs() >= before + 3000 && inv.deadlineEpochMs() <= after + 3000,
                "deadline = now + timeout: " + inv.deadlineEpochMs());
        assertEquals("$LATEST", r.executedVersion());
        assertEquals(List.of(Duration.ofSeconds(3)), factory.created.get(0).invokeTimeouts);
    }

    @Test
    void functionErrorKeepsTheEnvWarm() {
        byte[] err = "{\"errorMessage\":\"boom\",\"errorType\":\"ValueError\"}".getBytes(StandardCharsets.UTF_8);
        factory.script(FakeEnv.ready(1).answering(inv -> new InvokeOutcome.FunctionError("Unhandled", err)));

        InvokeResponse r = invoke("{}");
        invoke("{}");

        assertEquals("Unhandled", r.functionError());
        assertArrayEquals(err, r.payload(), "the runtime's error JSON reaches the caller verbatim");
        assertEquals(1, service.environmentsCreated(), "a function error is no reset");
        String report = linesStartingWith("REPORT ").get(0);
        assertFalse(report.contains("Status:"), "a handled function error has no Status field: " + report);
    }

    @Test
    void envFailureResetsTheEnvAndTheNextInvokeIsCold() {
        FakeEnv crashing = FakeEnv.ready(1).answering(inv -> new InvokeOutcome.EnvFailure("Runtime.ExitError", "error",
                "RequestId: " + inv.requestId() + " Error: Runtime exited with error: exit status 3"));
        factory.script(crashing, FakeEnv.ready(2));

        InvokeResponse failed = invoke("{}");

        assertTrue(crashing.closed, "a crashed env is discarded");
        assertEquals(0, service.idleEnvironments(FN));
        assertEquals("Unhandled", failed.functionError());
        assertEquals("Runtime.ExitError", failed.errorType());
        JsonNode body = json(failed.payload());
        assertEquals("Runtime.ExitError", body.get("errorType").asText());
        assertEquals("RequestId: " + failed.requestId() + " Error: Runtime exited with error: exit status 3",
                body.get("errorMessage").asText());
        assertTrue(log.contains("RequestId: " + failed.requestId() + " Error: Runtime exited with error: exit status 3"),
                String.join("\n", log));
        assertTrue(log.contains("Runtime.ExitError"), "the crash is followed by a line with its type");
        String report = linesStartingWith("REPORT ").get(0);
        assertTrue(report.endsWith("\tStatus: error\tError Type: Runtime.ExitError\t"), report);

        InvokeResponse next = invoke("{}");
        assertTrue(next.coldStart(), "the next invoke initialises a new env");
        assertEquals(2, service.environmentsCreated());
        assertEquals(1, factory.created.get(1).initLimits.size());
        assertFalse(next.failed());
    }

    @Test
    void timeoutLogsTheTimeoutLineAndReportStatusTimeout() {
        FakeEnv slow = FakeEnv.ready(1).answering(inv -> new InvokeOutcome.EnvFailure("Sandbox.Timedout", "timeout",
                "RequestId: " + inv.requestId() + " Error: Task timed out after 3.00 seconds"));
        factory.script(slow);

        InvokeResponse r = invoke("{}");

        assertTrue(slow.closed);
        assertEquals("Sandbox.Timedout", r.errorType());
        assertEquals("Sandbox.Timedout", json(r.payload()).get("errorType").asText());
        assertTrue(json(r.payload()).get("errorMessage").asText().contains("Task timed out after 3.00 seconds"));
        Pattern timedOut = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z "
                + Pattern.quote(r.requestId()) + " Task timed out after 3\\.00 seconds");
        assertTrue(log.stream().anyMatch(l -> timedOut.matcher(l).matches()),
                "old-format timeout line '<ISO8601> <id> Task timed out after 3.00 seconds':\n" + String.join("\n", log));
    }

    /** Contract §5: the new format appends {@code Status: timeout} alone; Error Type only with Status: error. */
    @Test
    void timeoutReportHasStatusTimeoutWithoutErrorType() {
        factory.script(FakeEnv.ready(1).answering(inv -> new InvokeOutcome.EnvFailure("Sandbox.Timedout", "timeout",
                "RequestId: " + inv.requestId() + " Error: Task timed out after 3.00 seconds")));

        invoke("{}");

        String report = linesStartingWith("REPORT ").get(0);
        assertTrue(report.endsWith("\tStatus: timeout\t"), "REPORT must end with 'Status: timeout<TAB>': " + report);
    }

    @Test
    void anEnvWhoseInvokeThrowsIsClosedNotLeaked() {
        FakeEnv broken = FakeEnv.ready(1).answering(inv -> {
            throw new IllegalStateException("interrupted during invoke");
        });
        factory.script(broken);

        assertThrows(IllegalStateException.class, () -> invoke("{}"));

        assertEquals(0, service.idleEnvironments(FN));
        assertTrue(broken.closed, "an env that is neither idle nor closed is a leaked sandbox: service.close()"
                + " cannot reach it");
        assertEquals(0, service.liveEnvironments(), "the closed env no longer counts against the memory budget");
    }

    @Test
    void anEnvWhoseInitThrowsIsClosedNotLeaked() {
        FakeEnv broken = FakeEnv.ready(1);
        broken.initThrows = new IllegalStateException("cannot create env dir");
        factory.script(broken);

        assertThrows(IllegalStateException.class, () -> invoke("{}"));

        assertTrue(broken.closed, "an env whose init threw is closed (its dir, socket, sandbox)");
        assertEquals(0, service.liveEnvironments(), "the closed env no longer counts against the memory budget");
    }

    // ---- init failures ---------------------------------------------------------------------------

    @Test
    void initFailureAnswersWithTheErrorWritesInitReportAndClosesTheEnv() {
        byte[] err = ("{\"errorMessage\": \"Unable to import module 'lambda_function': No module named 'nope'\","
                + " \"errorType\": \"Runtime.ImportModuleError\", \"requestId\": \"\", \"stackTrace\": []}")
                .getBytes(StandardCharsets.UTF_8);
        FakeEnv failing = FakeEnv.failing(206_720_000, "error", "Runtime.ImportModuleError", err);
        factory.script(failing, FakeEnv.ready(1));

        InvokeResponse r = invoke("{}");

        assertTrue(failing.closed, "an env whose Init failed is discarded");
        assertTrue(failing.invocations.isEmpty(), "no event is handed to an env that failed Init");
        assertEquals("Unhandled", r.functionError());
        assertEquals("Runtime.ImportModuleError", r.errorType());
        assertArrayEquals(err, r.payload());
        assertTrue(r.coldStart());
        assertEquals(List.of(
                "INIT_REPORT Init Duration: 206.72 ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError",
                "START RequestId: " + r.requestId() + " Version: $LATEST",
                "END RequestId: " + r.requestId()), log.subList(0, 3));
        assertEquals(4, log.size(), String.join("\n", log));
        assertTrue(log.get(3).startsWith("REPORT RequestId: " + r.requestId() + "\t"), log.get(3));
        assertTrue(log.get(3).endsWith("\tStatus: error\tError Type: Runtime.ImportModuleError\t"), log.get(3));
        assertEquals(0, service.idleEnvironments(FN));

        InvokeResponse next = invoke("{}");
        assertEquals(2, service.environmentsCreated(), "the next invoke initialises again");
        assertEquals(List.of(INIT_LIMIT), factory.created.get(1).initLimits);
        assertFalse(next.failed());
        assertTrue(next.coldStart());
    }

    @Test
    void initTimeoutWritesInitReportTimeoutThenRunsASuppressedInitUnderTheFunctionTimeout() {
        FakeEnv stuck = FakeEnv.failing(10_000_000_000L, "timeout", "Sandbox.Timedout",
                LambdaErrors.json("Sandbox.Timedout", "Init timed out after 10.00 seconds"));
        FakeEnv retry = FakeEnv.ready(12_000_000_000L);
        factory.script(stuck, retry);

        InvokeResponse r = invoke("{}");

        assertEquals(List.of(INIT_LIMIT), stuck.initLimits, "the first Init runs under the on-demand limit");
        assertTrue(stuck.closed, "the env whose Init timed out is discarded");
        assertEquals(List.of(FN.timeout()), retry.initLimits, "the suppressed Init runs under the function timeout");
        assertEquals(2, service.environmentsCreated());
        assertEquals("INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout", log.get(0));
        assertFalse(r.failed(), new String(r.payload(), StandardCharsets.UTF_8));
        assertEquals(1, retry.invocations.size());
        assertEquals(1, service.idleEnvironments(FN));
    }

    @Test
    void suppressedInitThatTimesOutToo() {
        byte[] err = LambdaErrors.json("Sandbox.Timedout", "Init timed out after 3.00 seconds");
        factory.script(FakeEnv.failing(10_000_000_000L, "timeout", "Sandbox.Timedout", err),
                FakeEnv.failing(3_000_000_000L, "timeout", "Sandbox.Timedout", err));

        InvokeResponse r = invoke("{}");

        assertEquals("Sandbox.Timedout", r.errorType());
        String body = new String(r.payload(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"errorType\":\"Sandbox.Timedout\"") && body.contains("Task timed out after"), body);
        assertEquals(2, service.environmentsCreated(), "one suppressed Init, not a loop");
        // The suppressed init runs inside the invoke: its timeout is the invoke's, not a second INIT_REPORT.
        assertEquals(List.of("INIT_REPORT Init Duration: 10000.00 ms\tPhase: init\tStatus: timeout"),
                linesStartingWith("INIT_REPORT"));
        assertTrue(linesStartingWith("REPORT").get(0).contains("Status: timeout"), log.toString());
        assertTrue(factory.created.stream().allMatch(e -> e.closed));
    }

    // ---- payload validation --------------------------------------------------------------------

    @Test
    void malformedJsonIsInvalidRequestContent400AndTouchesNoEnv() {
        InvokeException e = assertThrows(InvokeException.class, () -> invoke("{not json"));
        assertEquals("InvalidRequestContentException", e.errorType());
        assertEquals(400, e.httpStatus());
        assertTrue(e.getMessage().startsWith("Could not parse request body into json"), e.getMessage());
        assertEquals(0, service.environmentsCreated());
        assertTrue(log.isEmpty(), "no log lines for a rejected request: " + log);
    }

    /** Invoke parses the whole body: a JSON value followed by more text is not JSON. */
    @Test
    void trailingGarbageAfterJsonIsInvalidRequestContent() {
        InvokeException e = assertThrows(InvokeException.class, () -> invoke("{\"a\":1} trailing"));
        assertEquals("InvalidRequestContentException", e.errorType());
        assertEquals(0, service.environmentsCreated());
    }

    @Test
    void payloadOverSixMegabytesIsRequestTooLarge413() {
        byte[] big = jsonString(InvokeService.MAX_PAYLOAD_BYTES + 1);
        InvokeException e = assertThrows(InvokeException.class, () -> service.invoke(FN, big, log::add));
        assertEquals("RequestTooLargeException", e.errorType());
        assertEquals(413, e.httpStatus());
        assertEquals(0, service.environmentsCreated());
    }

    @Test
    void payloadOfExactlySixMegabytesIsAccepted() {
        factory.script(FakeEnv.ready(1).answering(inv -> new InvokeOutcome.Success(
                Integer.toString(inv.payload().length).getBytes(StandardCharsets.UTF_8))));
        byte[] max = jsonString(InvokeService.MAX_PAYLOAD_BYTES);

        InvokeResponse r = service.invoke(FN, max, log::add);

        assertEquals(Integer.toString(6 * 1024 * 1024), text(r.payload()));
    }

    @Test
    void emptyOrNullPayloadBecomesEmptyObject() {
        factory.script(FakeEnv.ready(1));
        service.invoke(FN, new byte[0], log::add);
        service.invoke(FN, null, log::add);
        List<Invocation> seen = factory.created.get(0).invocations;
        assertEquals("{}", text(seen.get(0).payload()));
        assertEquals("{}", text(seen.get(1).payload()));
    }

    /** A JSON string literal of exactly n bytes. */
    private static byte[] jsonString(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 'a');
        b[0] = '"';
        b[n - 1] = '"';
        return b;
    }

    // ---- log lines -------------------------------------------------------------------------------

    @Test
    void startEndReportAreByteExactThroughTheService() {
        FakeEnv env = FakeEnv.ready(117_860_000);
        env.maxMemory = 48 * MIB;
        factory.script(env);

        InvokeResponse r = invoke("{}");

        String id = r.requestId();
        assertEquals("START RequestId: " + id + " Version: $LATEST", log.get(0));
        assertEquals("END RequestId: " + id, log.get(log.size() - 2));
        String report = log.get(log.size() - 1);
        Matcher m = Pattern.compile("REPORT RequestId: " + Pattern.quote(id)
                + "\tDuration: (\\d+\\.\\d\\d) ms\tBilled Duration: (\\d+) ms\tMemory Size: 256 MB"
                + "\tMax Memory Used: 48 MB\tInit Duration: 117\\.86 ms\t").matcher(report);
        assertTrue(m.matches(), "REPORT: " + report.replace("\t", "<TAB>"));
        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", r.durationNanos() / 1e6), m.group(1));
        assertEquals((long) Math.ceil(r.durationNanos() / 1e6), Long.parseLong(m.group(2)), "billed = ceil(ms)");
        assertEquals(48 * MIB, r.maxMemoryUsedBytes());
    }

    @Nested
    class ReportLineFormat {
        @Test
        void reportWithInitDurationMatchesTheContractExample() {
            assertEquals("REPORT RequestId: r1\tDuration: 12.96 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB"
                    + "\tMax Memory Used: 48 MB\tInit Duration: 117.86 ms\t",
                    ReportLines.report("r1", 12_955_000, 128, 48 * MIB, 117_860_000, null, null));
        }

        @Test
        void warmReportEndsWithATabAfterMaxMemoryUsed() {
            assertEquals("REPORT RequestId: r1\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 1769 MB"
                    + "\tMax Memory Used: 10 MB\t",
                    ReportLines.report("r1", 5_000_000, 1769, 10 * MIB, 0, null, null));
        }

        @Test
        void billedDurationIsTheCeilingOfTheDuration() {
            assertTrue(ReportLines.report("r", 12_000_001, 128, MIB, 0, null, null)
                    .contains("\tDuration: 12.00 ms\tBilled Duration: 13 ms\t"));
            assertTrue(ReportLines.report("r", 12_000_000, 128, MIB, 0, null, null)
                    .contains("\tDuration: 12.00 ms\tBilled Duration: 12 ms\t"));
            assertTrue(ReportLines.report("r", 300_000, 128, MIB, 0, null, null)
                    .contains("\tDuration: 0.30 ms\tBilled Duration: 1 ms\t"));
        }

        @Test
        void maxMemoryUsedIsInMegabytes() {
            assertTrue(ReportLines.report("r", 1, 128, 52_428_800, 0, null, null).contains("\tMax Memory Used: 50 MB\t"));
            assertTrue(ReportLines.report("r", 1, 3008, 3008 * MIB, 0, null, null)
                    .contains("\tMemory Size: 3008 MB\tMax Memory Used: 3008 MB\t"));
        }

        @Test
        void errorStatusAppendsStatusAndErrorType() {
            assertEquals("REPORT RequestId: r\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB"
                    + "\tMax Memory Used: 128 MB\tStatus: error\tError Type: Runtime.OutOfMemory\t",
                    ReportLines.report("r", 1_000_000, 128, 128 * MIB, 0, "error", "Runtime.OutOfMemory"));
        }

        @Test
        void initReportLines() {
            assertEquals("INIT_REPORT Init Duration: 206.72 ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError",
                    ReportLines.initReport(206_720_000, "error", "Runtime.ExitError"));
            assertEquals("INIT_REPORT Init Duration: 1236.04 ms\tPhase: init\tStatus: timeout",
                    ReportLines.initReport(1_236_040_000, "timeout", "Sandbox.Timedout"));
        }

        @Test
        void startAndEnd() {
            assertEquals("START RequestId: abc Version: $LATEST", ReportLines.start("abc", "$LATEST"));
            assertEquals("END RequestId: abc", ReportLines.end("abc"));
        }
    }

    // ---- log tail ----------------------------------------------------------------------------------

    @Test
    void logTailIsTheLast4096BytesOfThisInvocationBase64() {
        FakeEnv chatty = FakeEnv.ready(1);
        chatty.linesPerInvoke = 200;
        factory.script(chatty);

        InvokeResponse first = invoke("{}");
        InvokeResponse second = invoke("{}");

        for (InvokeResponse r : List.of(first, second)) {
            byte[] tail = Base64.getDecoder().decode(r.logTail());
            assertTrue(tail.length <= 4096, "tail is at most 4 KB: " + tail.length);
            assertTrue(tail.length > 4000, "tail is filled up to 4 KB: " + tail.length);
            String s = text(tail);
            assertTrue(s.endsWith("\n"), "lines end with a newline");
            String[] lines = s.split("\n");
            assertTrue(lines[lines.length - 1].startsWith("REPORT RequestId: " + r.requestId()), s);
            assertTrue(s.contains("line 199 of " + r.requestId()), "the last function line is in the tail");
            assertFalse(s.contains("line 0 of "), "the first lines were cut");
        }
        String secondTail = text(Base64.getDecoder().decode(second.logTail()));
        assertFalse(secondTail.contains(first.requestId()), "a tail holds only its own invocation's lines");
    }

    @Test
    void shortLogTailHoldsEverythingOfTheInvocation() {
        factory.script(FakeEnv.ready(1));
        InvokeResponse r = invoke("{}");
        String tail = text(Base64.getDecoder().decode(r.logTail()));
        assertEquals(String.join("\n", log) + "\n", tail);
    }

    /** LogResult is "the last 4 KB of the execution log": bytes, not whole lines. */
    @Test
    void aLineLongerThan4096BytesIsCutNotDropped() {
        FakeEnv env = FakeEnv.ready(1);
        env.extraLine = "x".repeat(10_000) + "END-OF-HUGE-LINE";
        factory.script(env);
        InvokeResponse r = invoke("{}");
        byte[] tail = Base64.getDecoder().decode(r.logTail());
        assertEquals(4096, tail.length, "the tail is the last 4096 bytes, not only the lines that fit whole");
        assertTrue(text(tail).contains("END-OF-HUGE-LINE\nEND RequestId: " + r.requestId()), text(tail));
    }

    private static JsonNode json(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(b, StandardCharsets.UTF_8), e);
        }
    }

    // ---- fakes ------------------------------------------------------------------------------------

    /** Hands out scripted envs in order, then ready ones. */
    static final class FakeFactory implements EnvironmentFactory {
        final List<FakeEnv> created = new ArrayList<>();
        private final Deque<FakeEnv> script = new ArrayDeque<>();

        void script(FakeEnv... envs) {
            script.addAll(List.of(envs));
        }

        @Override
        public synchronized Environment create(FunctionSpec function) {
            FakeEnv env = script.isEmpty() ? FakeEnv.ready(1) : script.removeFirst();
            env.id = "fake-" + (created.size() + 1);
            created.add(env);
            return env;
        }
    }

    static final class FakeEnv implements Environment {
        String id;
        InitResult initResult;
        RuntimeException initThrows;
        Function<Invocation, InvokeOutcome> onInvoke = inv -> new InvokeOutcome.Success(
                ("{\"echo\":" + new String(inv.payload(), StandardCharsets.UTF_8) + "}").getBytes(StandardCharsets.UTF_8));
        long maxMemory = 20 * MIB;
        int linesPerInvoke;
        String extraLine;
        String initOutput;
        final List<Duration> initLimits = new ArrayList<>();
        final List<Invocation> invocations = new ArrayList<>();
        final List<Duration> invokeTimeouts = new ArrayList<>();
        volatile LogSink sink = line -> {};
        volatile boolean closed;

        static FakeEnv ready(long initNanos) {
            FakeEnv e = new FakeEnv();
            e.initResult = new InitResult.Ready(initNanos);
            return e;
        }

        static FakeEnv failing(long nanos, String status, String type, byte[] json) {
            FakeEnv e = new FakeEnv();
            e.initResult = new InitResult.Failed(nanos, status, type, json);
            return e;
        }

        FakeEnv answering(Function<Invocation, InvokeOutcome> f) {
            onInvoke = f;
            return this;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public InitResult init(Duration limit) {
            assertFalse(closed, "init on a closed env");
            initLimits.add(limit);
            if (initOutput != null) {
                sink.line(initOutput);
            }
            if (initThrows != null) {
                throw initThrows;
            }
            return initResult;
        }

        @Override
        public InvokeOutcome invoke(Invocation invocation, Duration timeout) {
            assertFalse(closed, "invoke on a closed env");
            assertTrue(initResult instanceof InitResult.Ready, "invoke on an env that failed Init");
            invocations.add(invocation);
            invokeTimeouts.add(timeout);
            for (int i = 0; i < linesPerInvoke; i++) {
                sink.line(String.format("line %d of %s %s", i, invocation.requestId(), "-".repeat(40)));
            }
            if (extraLine != null) {
                sink.line(extraLine);
            }
            return onInvoke.apply(invocation);
        }

        @Override
        public long maxMemoryUsedBytes() {
            return maxMemory;
        }

        @Override
        public void log(LogSink s) {
            this.sink = s;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void closingTheServiceClosesIdleEnvs() {
        factory.script(FakeEnv.ready(1));
        invoke("{}");
        FakeEnv env = factory.created.get(0);
        assertFalse(env.closed);
        service.close();
        assertTrue(env.closed);
        assertEquals(0, service.idleEnvironments(FN));
    }

    @Test
    void initOutputIsLoggedBeforeStart() {
        FakeEnv env = FakeEnv.ready(1);
        env.initOutput = "module level print";
        factory.script(env);
        InvokeResponse r = invoke("{}");
        assertEquals("module level print", log.get(0));
        assertEquals("START RequestId: " + r.requestId() + " Version: $LATEST", log.get(1));
    }
}
