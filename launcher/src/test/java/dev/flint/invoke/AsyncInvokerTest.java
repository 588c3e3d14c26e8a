package dev.flint.invoke;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.runtimeapi.Invocation;
import dev.flint.function.ResourceNotFoundException;
import dev.flint.store.AsyncEvent;
import dev.flint.store.Database;
import dev.flint.store.DeadLetter;
import dev.flint.store.SqliteAsyncEventStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event invocations (contract §8) end to end on fake environments and a real
 * {@link SqliteAsyncEventStore}: retries and their delays, maximum event age, destination
 * records, dead letters and replay, throttling, payload validation, many concurrent events and
 * recovery of a crashed daemon's in-flight events. No root, no sandbox.
 */
class AsyncInvokerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REGION = "us-east-1";
    private static final String ACCOUNT = "000000000000";
    private static final Duration FIRST_RETRY = Duration.ofMillis(50);
    private static final Duration SECOND_RETRY = Duration.ofMillis(100);
    private static final AsyncInvoker.Settings SETTINGS = new AsyncInvoker.Settings(
            4, List.of(FIRST_RETRY, SECOND_RETRY), Duration.ofMillis(20), Duration.ofSeconds(30));
    private static final Duration MAX_AGE = Duration.ofHours(6);
    private static final String OK_DEST = "dest-ok";
    private static final String FAIL_DEST = "dest-fail";
    private static final byte[] ERROR_JSON =
            "{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir Path tmp;

    private Database db;
    private SqliteAsyncEventStore store;
    private InvokeService service;
    private final List<AsyncInvoker> invokers = new ArrayList<>();
    /** Function name → its handler (what the fake runtime answers). */
    private final Map<String, Function<Invocation, InvokeOutcome>> handlers = new ConcurrentHashMap<>();
    /** Function name → what {@link AsyncInvoker.Targets} resolves it to; absent = function gone. */
    private final Map<String, AsyncInvoker.Target> targets = new ConcurrentHashMap<>();
    /** Every invoke any fake env ran, in start order. */
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();

    /** One invoke seen by a fake env; end is set when the handler returns. */
    static final class Call {
        final String function;
        final String payload;
        final long startNanos = System.nanoTime();
        volatile long endNanos;

        Call(String function, String payload) {
            this.function = function;
            this.payload = payload;
        }
    }

    /** An env whose runtime answers with its function's handler from {@link #handlers}. */
    private final class ScriptedEnv implements Environment {
        private final FunctionSpec fn;

        ScriptedEnv(FunctionSpec fn) {
            this.fn = fn;
        }

        @Override
        public String id() {
            return "scripted-" + fn.name();
        }

        @Override
        public InitResult init(Duration limit) {
            return new InitResult.Ready(1_000_000);
        }

        @Override
        public InvokeOutcome invoke(Invocation invocation, Duration timeout) {
            Call call = new Call(fn.name(), text(invocation.payload()));
            calls.add(call);
            try {
                Function<Invocation, InvokeOutcome> h = handlers.get(fn.name());
                assertNotNull(h, "no handler for " + fn.name());
                return h.apply(invocation);
            } finally {
                call.endNanos = System.nanoTime();
            }
        }

        @Override
        public long maxMemoryUsedBytes() {
            return 1 << 20;
        }

        @Override
        public void log(LogSink sink) {
            // the fake runtime prints nothing
        }

        @Override
        public void close() {
            // nothing to release
        }
    }

    @BeforeEach
    void setUp() {
        db = Database.open(tmp);
        store = new SqliteAsyncEventStore(db);
        service = new InvokeService(ScriptedEnv::new, REGION, ACCOUNT, Duration.ofSeconds(1),
                new InvokeService.Settings(1000, () -> 0, Duration.ofMinutes(10), 1L << 30));
        handlers.put(OK_DEST, echo());
        handlers.put(FAIL_DEST, echo());
        target(OK_DEST, 2, MAX_AGE, null, null, InvokeOptions.defaults());
        target(FAIL_DEST, 2, MAX_AGE, null, null, InvokeOptions.defaults());
    }

    @AfterEach
    void tearDown() {
        invokers.forEach(AsyncInvoker::close);
        service.close();
        db.close();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String s) {
        return json(bytes(s));
    }

    private static String arn(String name) {
        return "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:" + name;
    }

    private static FunctionSpec spec(String name) {
        return new FunctionSpec(name, "$LATEST", "python3.11", "python3.11", "lambda_function.lambda_handler",
                128, Duration.ofSeconds(3), Map.of(), 512, Path.of("/nonexistent/code"), List.of());
    }

    private void target(String name, int maxRetries, Duration maxAge, String onSuccess, String onFailure,
            InvokeOptions options) {
        targets.put(name, new AsyncInvoker.Target(spec(name), options, arn(name) + ":$LATEST", maxRetries, maxAge,
                onSuccess == null ? null : arn(onSuccess), onFailure == null ? null : arn(onFailure)));
    }

    /** Answers {"echo": <event>}. */
    private static Function<Invocation, InvokeOutcome> echo() {
        return inv -> new InvokeOutcome.Success(bytes("{\"echo\":" + text(inv.payload()) + "}"));
    }

    private static Function<Invocation, InvokeOutcome> alwaysFail() {
        return inv -> new InvokeOutcome.FunctionError("Error", ERROR_JSON);
    }

    /** Fails the first {@code n} invokes of each distinct payload, then echoes. */
    private static Function<Invocation, InvokeOutcome> failFirst(int n) {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        return inv -> seen.computeIfAbsent(text(inv.payload()), k -> new AtomicInteger()).incrementAndGet() <= n
                ? new InvokeOutcome.FunctionError("Error", ERROR_JSON)
                : new InvokeOutcome.Success(bytes("{\"echo\":" + text(inv.payload()) + "}"));
    }

    private AsyncInvoker newInvoker(AsyncInvoker.Settings settings) {
        AsyncInvoker.Targets resolve = (name, qualifier) -> {
            AsyncInvoker.Target t = targets.get(name);
            if (t == null) {
                throw new ResourceNotFoundException("Function not found: " + arn(name)); // as the registry does
            }
            return t;
        };
        AsyncInvoker.DestinationParser parse = destinationArn -> {
            String[] p = destinationArn.split(":");
            return new String[] {p[6], p.length > 7 ? p[7] : null};
        };
        AsyncInvoker a = new AsyncInvoker(store, service, resolve, parse, settings, log::add);
        invokers.add(a);
        return a;
    }

    private AsyncInvoker started() {
        return newInvoker(SETTINGS).start();
    }

    private List<Call> callsOf(String function) {
        return calls.stream().filter(c -> c.function.equals(function)).toList();
    }

    private List<Call> callsWith(String function, String payload) {
        return calls.stream().filter(c -> c.function.equals(function) && c.payload.equals(payload)).toList();
    }

    /** Queue empty: every event (destination events included) is done or dead-lettered. */
    private void awaitQuiet() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertEquals(0, store.pending(), () -> "pending events; flint log: " + log));
    }

    /** The attempts, last_error and lease of a queued event, read from flint.db. */
    private Map<String, Object> row(String id) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT attempts, last_error, next_attempt_at, lease_until FROM async_events WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    Map<String, Object> m = new HashMap<>();
                    m.put("attempts", rs.getInt(1));
                    m.put("last_error", rs.getString(2));
                    m.put("next_attempt_at", rs.getLong(3));
                    long lease = rs.getLong(4);
                    m.put("lease_until", rs.wasNull() ? null : lease);
                    return m;
                }
            }
        });
    }

    /** The destination records a destination function received, as JSON. */
    private List<JsonNode> recordsAt(String destination) {
        return callsOf(destination).stream().map(c -> json(c.payload)).toList();
    }

    private static long millisBetween(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    // ---- success ---------------------------------------------------------------------------------

    @Test
    void successfulEventCompletesAndOnSuccessGetsOneDestinationRecord() {
        handlers.put("fn", echo());
        target("fn", 2, MAX_AGE, OK_DEST, FAIL_DEST, InvokeOptions.defaults());
        AsyncInvoker invoker = started();

        String event = "{\"order\":42,\"items\":[\"a\",\"b\"]}";
        String id = invoker.submit("fn", null, bytes(event));
        awaitQuiet();

        assertEquals(1, callsOf("fn").size(), "one attempt");
        assertEquals(event, callsOf("fn").get(0).payload, "the function gets the event verbatim");
        assertEquals(0, callsOf(FAIL_DEST).size(), "no failure record for a success");
        List<JsonNode> records = recordsAt(OK_DEST);
        assertEquals(1, records.size(), "exactly one OnSuccess record");
        JsonNode r = records.get(0);
        assertEquals("1.0", r.path("version").asText());
        assertTrue(Instant.parse(r.path("timestamp").asText()).isAfter(Instant.now().minusSeconds(60)), r.toString());
        assertEquals(id, r.path("requestContext").path("requestId").asText());
        assertEquals(arn("fn") + ":$LATEST", r.path("requestContext").path("functionArn").asText());
        assertEquals("Success", r.path("requestContext").path("condition").asText());
        assertEquals(1, r.path("requestContext").path("approximateInvokeCount").asInt(-1));
        assertEquals(json(event), r.path("requestPayload"), "requestPayload is the event as JSON, not a string");
        assertEquals(200, r.path("responseContext").path("statusCode").asInt(-1));
        assertEquals("$LATEST", r.path("responseContext").path("executedVersion").asText());
        assertTrue(r.path("responseContext").path("functionError").isMissingNode(), "no functionError on success");
        assertEquals(json("{\"echo\":" + event + "}"), r.path("responsePayload"));
        assertTrue(store.deadLetters(10).isEmpty());
    }

    @Test
    void emptyPayloadIsTheEmptyObject() {
        handlers.put("fn", echo());
        target("fn", 2, MAX_AGE, OK_DEST, null, InvokeOptions.defaults());
        started().submit("fn", null, new byte[0]);
        awaitQuiet();
        assertEquals("{}", callsOf("fn").get(0).payload);
        assertEquals(json("{}"), recordsAt(OK_DEST).get(0).path("requestPayload"));
    }

    @Test
    void successWithoutDestinationJustCompletes() {
        handlers.put("fn", echo());
        target("fn", 2, MAX_AGE, null, FAIL_DEST, InvokeOptions.defaults());
        started().submit("fn", null, bytes("{}"));
        awaitQuiet();
        assertEquals(1, callsOf("fn").size());
        assertEquals(0, callsOf(OK_DEST).size() + callsOf(FAIL_DEST).size(), "no destination was invoked");
        assertTrue(store.deadLetters(10).isEmpty());
    }

    // ---- retries ---------------------------------------------------------------------------------

    @Test
    void failsOnceThenSucceedsAfterExactlyTwoAttemptsSpacedByTheFirstRetryDelay() {
        handlers.put("fn", failFirst(1));
        target("fn", 2, MAX_AGE, OK_DEST, FAIL_DEST, InvokeOptions.defaults());
        started().submit("fn", null, bytes("{\"n\":1}"));
        awaitQuiet();

        List<Call> attempts = callsOf("fn");
        assertEquals(2, attempts.size(), "one failure, one success");
        // the store keeps milliseconds, so the delay is met to the millisecond
        long gap = millisBetween(attempts.get(0).endNanos, attempts.get(1).startNanos);
        assertTrue(gap >= FIRST_RETRY.toMillis() - 1,
                "the 2nd attempt starts at least the first retry delay after the 1st ended: " + gap + " ms");
        List<JsonNode> records = recordsAt(OK_DEST);
        assertEquals(1, records.size());
        assertEquals(2, records.get(0).path("requestContext").path("approximateInvokeCount").asInt(-1));
        assertEquals(0, callsOf(FAIL_DEST).size());
    }

    /**
     * Lambda waits ~1 min between the end of a failed attempt and the next one. A function that
     * runs longer than the delay must still wait the delay after it failed.
     */
    @Test
    void retryDelayCountsFromTheEndOfTheFailedAttempt() {
        Function<Invocation, InvokeOutcome> slowThenOk = failFirst(1);
        handlers.put("fn", inv -> {
            // the function's own run time (simulated work inside the fake, not a test wait)
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
            return slowThenOk.apply(inv);
        });
        target("fn", 2, MAX_AGE, null, null, InvokeOptions.defaults());
        AsyncInvoker.Settings longDelay = new AsyncInvoker.Settings(2, List.of(Duration.ofMillis(200)),
                Duration.ofMillis(20), Duration.ofSeconds(30));
        newInvoker(longDelay).start().submit("fn", null, bytes("{}"));
        awaitQuiet();

        List<Call> attempts = callsOf("fn");
        assertEquals(2, attempts.size());
        long gap = millisBetween(attempts.get(0).endNanos, attempts.get(1).startNanos);
        assertTrue(gap >= 199, "the retry waits 200 ms after the failed attempt ended, it waited " + gap + " ms");
    }

    @Test
    void alwaysFailingWithTwoRetriesMakesThreeAttemptsThenOnFailureGetsRetriesExhausted() {
        handlers.put("fn", alwaysFail());
        target("fn", 2, MAX_AGE, OK_DEST, FAIL_DEST, InvokeOptions.defaults());
        String event = "{\"k\":\"v\"}";
        String id = started().submit("fn", null, bytes(event));
        awaitQuiet();

        List<Call> attempts = callsOf("fn");
        assertEquals(3, attempts.size(), "1 attempt + MaximumRetryAttempts 2");
        long gap1 = millisBetween(attempts.get(0).endNanos, attempts.get(1).startNanos);
        long gap2 = millisBetween(attempts.get(1).endNanos, attempts.get(2).startNanos);
        assertTrue(gap1 >= FIRST_RETRY.toMillis() - 1, "first retry delay: " + gap1 + " ms");
        assertTrue(gap2 >= SECOND_RETRY.toMillis() - 1, "second retry delay: " + gap2 + " ms");
        assertEquals(0, callsOf(OK_DEST).size());
        List<JsonNode> records = recordsAt(FAIL_DEST);
        assertEquals(1, records.size(), "exactly one OnFailure record");
        JsonNode r = records.get(0);
        assertEquals("1.0", r.path("version").asText());
        assertEquals(id, r.path("requestContext").path("requestId").asText());
        assertEquals("RetriesExhausted", r.path("requestContext").path("condition").asText());
        assertEquals(3, r.path("requestContext").path("approximateInvokeCount").asInt(-1));
        assertEquals(json(event), r.path("requestPayload"));
        assertEquals(200, r.path("responseContext").path("statusCode").asInt(-1));
        assertEquals("Unhandled", r.path("responseContext").path("functionError").asText());
        assertEquals(json(ERROR_JSON), r.path("responsePayload"), "the last attempt's error is the responsePayload");
        assertTrue(store.deadLetters(10).isEmpty(), "a destination took it: no dead letter");
    }

    @Test
    void maximumRetryAttemptsZeroMakesExactlyOneAttempt() {
        handlers.put("fn", alwaysFail());
        target("fn", 0, MAX_AGE, null, FAIL_DEST, InvokeOptions.defaults());
        started().submit("fn", null, bytes("{}"));
        awaitQuiet();

        assertEquals(1, callsOf("fn").size());
        List<JsonNode> records = recordsAt(FAIL_DEST);
        assertEquals(1, records.size());
        assertEquals(1, records.get(0).path("requestContext").path("approximateInvokeCount").asInt(-1));
        assertEquals("RetriesExhausted", records.get(0).path("requestContext").path("condition").asText());
    }

    @Test
    void maximumRetryAttemptsOneMakesExactlyTwoAttempts() {
        handlers.put("fn", alwaysFail());
        target("fn", 1, MAX_AGE, null, FAIL_DEST, InvokeOptions.defaults());
        started().submit("fn", null, bytes("{}"));
        awaitQuiet();

        assertEquals(2, callsOf("fn").size());
        assertEquals(2, recordsAt(FAIL_DEST).get(0).path("requestContext").path("approximateInvokeCount").asInt(-1));
    }

    /** A timeout (env failure) is a function error too: retried, functionError Unhandled. */
    @Test
    void envFailuresAreRetriedLikeFunctionErrors() {
        handlers.put("fn", inv -> new InvokeOutcome.EnvFailure("Sandbox.Timedout", "timeout",
                "RequestId: " + inv.requestId() + " Error: Task timed out after 3.00 seconds"));
        target("fn", 1, MAX_AGE, null, FAIL_DEST, InvokeOptions.defaults());
        started().submit("fn", null, bytes("{}"));
        awaitQuiet();

        assertEquals(2, callsOf("fn").size());
        JsonNode r = recordsAt(FAIL_DEST).get(0);
        assertEquals("Unhandled", r.path("responseContext").path("functionError").asText());
        assertEquals("Sandbox.Timedout", r.path("responsePayload").path("errorType").asText());
    }

    // ---- dead letters ----------------------------------------------------------------------------

    @Test
    void alwaysFailingWithoutDestinationIsDeadLetteredAndReplayRunsItAgain() {
        AtomicInteger healthy = new AtomicInteger();
        handlers.put("fn", inv -> healthy.get() == 0
                ? new InvokeOutcome.FunctionError("Error", ERROR_JSON)
                : new InvokeOutcome.Success(bytes("{\"fixed\":true}")));
        target("fn", 2, MAX_AGE, null, null, InvokeOptions.defaults());
        String event = "{\"dlq\":1}";
        String id = started().submit("fn", null, bytes(event));
        awaitQuiet();

        assertEquals(3, callsOf("fn").size());
        List<DeadLetter> dead = store.deadLetters(10);
        assertEquals(1, dead.size(), "one dead letter");
        DeadLetter d = dead.get(0);
        assertEquals(id, d.id());
        assertEquals("fn", d.functionName());
        assertNull(d.qualifier());
        assertEquals(event, text(d.payload()), "the original event is kept");
        assertEquals("RetriesExhausted", d.reason());
        JsonNode r = json(d.record());
        assertEquals("RetriesExhausted", r.path("requestContext").path("condition").asText());
        assertEquals(3, r.path("requestContext").path("approximateInvokeCount").asInt(-1));
        assertEquals(json(event), r.path("requestPayload"));
        assertEquals("Unhandled", r.path("responseContext").path("functionError").asText());

        healthy.set(1);
        Optional<AsyncEvent> replayed = store.replay(id);
        assertTrue(replayed.isPresent());
        assertEquals(0, replayed.get().attempts());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(4, callsOf("fn").size()));
        awaitQuiet();
        assertEquals(4, callsOf("fn").size(), "the replayed event ran once more and succeeded");
        assertEquals(event, callsOf("fn").get(3).payload);
        assertTrue(store.deadLetters(10).isEmpty(), "replay took it out of the dead letters");
    }

    @Test
    void targetThatNoLongerResolvesIsDeadLettered() {
        AsyncInvoker invoker = started();
        String event = "{\"gone\":true}";
        String id = invoker.submit("deleted-fn", null, bytes(event));
        awaitQuiet();

        assertTrue(calls.isEmpty(), "nothing ran");
        List<DeadLetter> dead = store.deadLetters(10);
        assertEquals(1, dead.size());
        assertEquals(id, dead.get(0).id());
        assertEquals("deleted-fn", dead.get(0).functionName());
        assertEquals(event, text(dead.get(0).payload()));
        assertTrue(dead.get(0).reason().startsWith("function not found"), dead.get(0).reason());
        assertTrue(dead.get(0).reason().contains("Function not found: " + arn("deleted-fn")), dead.get(0).reason());
        assertEquals(json(event), json(dead.get(0).record()).path("requestPayload"));
    }

    // ---- maximum event age -----------------------------------------------------------------------

    @Test
    void eventOlderThanMaximumAgeIsNotInvokedAndOnFailureGetsEventAgeExceeded() {
        handlers.put("fn", echo());
        target("fn", 2, Duration.ofSeconds(60), OK_DEST, FAIL_DEST, InvokeOptions.defaults());
        // accepted two minutes ago and not run since (e.g. the daemon was down)
        Instant now = Instant.now();
        String event = "{\"old\":true}";
        store.enqueue(new AsyncEvent("old-1", "fn", null, bytes(event), 0, now.minusSeconds(120), now));
        started();
        awaitQuiet();

        assertEquals(0, callsOf("fn").size(), "an expired event is not run");
        assertEquals(0, callsOf(OK_DEST).size());
        List<JsonNode> records = recordsAt(FAIL_DEST);
        assertEquals(1, records.size());
        JsonNode r = records.get(0);
        assertEquals("EventAgeExceeded", r.path("requestContext").path("condition").asText());
        assertEquals(0, r.path("requestContext").path("approximateInvokeCount").asInt(-1));
        assertEquals("old-1", r.path("requestContext").path("requestId").asText());
        assertEquals(json(event), r.path("requestPayload"));
        assertTrue(store.deadLetters(10).isEmpty());
    }

    @Test
    void eventOlderThanMaximumAgeWithoutDestinationIsDeadLettered() {
        handlers.put("fn", echo());
        target("fn", 2, Duration.ofSeconds(60), null, null, InvokeOptions.defaults());
        Instant now = Instant.now();
        store.enqueue(new AsyncEvent("old-2", "fn", null, bytes("{}"), 0, now.minusSeconds(61), now));
        started();
        awaitQuiet();

        assertEquals(0, calls.size());
        List<DeadLetter> dead = store.deadLetters(10);
        assertEquals(1, dead.size());
        assertEquals("EventAgeExceeded", dead.get(0).reason());
        assertEquals("EventAgeExceeded", json(dead.get(0).record()).path("requestContext").path("condition").asText());
    }

    @Test
    void eventWithinMaximumAgeRuns() {
        handlers.put("fn", echo());
        target("fn", 2, Duration.ofSeconds(60), null, FAIL_DEST, InvokeOptions.defaults());
        Instant now = Instant.now();
        store.enqueue(new AsyncEvent("young", "fn", null, bytes("{}"), 0, now.minusSeconds(30), now));
        started();
        awaitQuiet();

        assertEquals(1, callsOf("fn").size());
        assertEquals(0, callsOf(FAIL_DEST).size());
    }

    // ---- throttling ------------------------------------------------------------------------------

    /**
     * The function's reserved concurrency (1) is taken by a running event: the next event is
     * throttled, requeued with Lambda's backoff (at least 1 s), its attempt not counted and not
     * dead-lettered; it runs once the slot is free.
     */
    @Test
    void throttledEventIsRescheduledNotCountedAndNotDeadLettered() {
        CountDownLatch release = new CountDownLatch(1);
        handlers.put("limited", inv -> {
            if (text(inv.payload()).contains("\"blocker\"")) {
                try {
                    assertTrue(release.await(20, TimeUnit.SECONDS), "the test never released the blocker");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new InvokeOutcome.Success(bytes("{}"));
        });
        target("limited", 2, MAX_AGE, OK_DEST, FAIL_DEST, new InvokeOptions(null, null, 1));
        AsyncInvoker invoker = started();

        invoker.submit("limited", null, bytes("{\"blocker\":1}"));
        await().atMost(Duration.ofSeconds(5)).until(() -> callsOf("limited").size() == 1);
        long submittedAt = System.currentTimeMillis();
        String id = invoker.submit("limited", null, bytes("{\"throttled\":1}"));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Map<String, Object> row = row(id);
            assertNotNull(row);
            assertNotNull(row.get("last_error"), "not tried yet");
            assertTrue(((String) row.get("last_error")).contains(TooManyRequestsException.RESERVED_LIMIT),
                    row.toString());
        });
        Map<String, Object> row = row(id);
        assertEquals(0, row.get("attempts"), "a throttle is not an attempt");
        assertNull(row.get("lease_until"), "rescheduled, not held");
        assertTrue((long) row.get("next_attempt_at") >= submittedAt + 1000 - 1,
                "backoff of at least 1 s: " + row);
        assertEquals(1, callsOf("limited").size(), "the throttled event did not reach the function");
        assertTrue(store.deadLetters(10).isEmpty(), "a throttle is not a failure");

        release.countDown();
        awaitQuiet();
        assertEquals(1, callsWith("limited", "{\"throttled\":1}").size(), "it ran once after the slot was free");
        assertTrue(store.deadLetters(10).isEmpty());
        assertEquals(0, callsOf(FAIL_DEST).size());
        JsonNode r = recordsAt(OK_DEST).stream()
                .filter(n -> n.path("requestContext").path("requestId").asText().equals(id)).findFirst().orElseThrow();
        assertEquals(1, r.path("requestContext").path("approximateInvokeCount").asInt(-1),
                "throttles are not counted as invokes");
    }

    /** Contract §8: "Reserved concurrency 0 → events go straight to DLQ/destination, no retries." */
    @Test
    void reservedConcurrencyZeroSendsEventsStraightToTheFailureDestination() {
        handlers.put("off", echo());
        target("off", 2, MAX_AGE, OK_DEST, FAIL_DEST, new InvokeOptions(null, null, 0));
        String id = started().submit("off", null, bytes("{\"z\":0}"));

        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertEquals(1, callsOf(FAIL_DEST).size(),
                        () -> "no OnFailure record; the event: " + row(id)));
        awaitQuiet();
        assertEquals(0, callsOf("off").size());
        assertEquals(id, recordsAt(FAIL_DEST).get(0).path("requestContext").path("requestId").asText());
        assertEquals(0, callsOf(OK_DEST).size());
    }

    /**
     * The OnSuccess record holds the event and the response, so it can exceed the 1 MB event
     * limit. Lambda counts a destination delivery failure and drops the record; the event is
     * done and the function is not run again.
     */
    @Test
    void successRecordTooLargeForTheDestinationDoesNotRunTheFunctionAgain() {
        handlers.put("fn", echo());
        target("fn", 2, MAX_AGE, OK_DEST, FAIL_DEST, InvokeOptions.defaults());
        String event = "\"" + "x".repeat(700 * 1024) + "\""; // event + echoed response > 1 MB
        started().submit("fn", null, bytes(event));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> assertEquals(0, store.pending(), () -> "the event is stuck; flint log: " + log));
        assertEquals(1, callsOf("fn").size(), "the function ran once");
        assertEquals(0, callsOf(OK_DEST).size(), "no record that large was delivered");
    }

    // ---- validation ------------------------------------------------------------------------------

    @Test
    void payloadOverOneMegabyteIs413AndNothingIsEnqueued() {
        AsyncInvoker invoker = newInvoker(SETTINGS);
        byte[] big = bytes("\"" + "a".repeat(AsyncInvoker.MAX_EVENT_BYTES - 1) + "\"");
        assertEquals(AsyncInvoker.MAX_EVENT_BYTES + 1, big.length);

        InvokeException e = assertThrows(InvokeException.class, () -> invoker.submit("fn", null, big));

        assertEquals(413, e.httpStatus());
        assertEquals("RequestTooLargeException", e.errorType());
        assertEquals(0, store.pending(), "nothing enqueued");
    }

    @Test
    void payloadOfExactlyOneMegabyteIsAccepted() {
        AsyncInvoker invoker = newInvoker(SETTINGS);
        byte[] max = bytes("\"" + "a".repeat(AsyncInvoker.MAX_EVENT_BYTES - 2) + "\"");
        assertEquals(AsyncInvoker.MAX_EVENT_BYTES, max.length);
        invoker.submit("fn", null, max);
        assertEquals(1, store.pending());
    }

    @Test
    void malformedJsonIsInvalidRequestContentAndNothingIsEnqueued() {
        AsyncInvoker invoker = newInvoker(SETTINGS);
        for (String bad : List.of("{", "{\"a\":}", "{} x", "not json")) {
            InvokeException e = assertThrows(InvokeException.class, () -> invoker.submit("fn", null, bytes(bad)), bad);
            assertEquals("InvalidRequestContentException", e.errorType(), bad);
            assertEquals(400, e.httpStatus(), bad);
        }
        assertEquals(0, store.pending());
    }

    @Test
    void submitCommitsBeforeItReturns() {
        AsyncInvoker invoker = newInvoker(SETTINGS); // not started: nothing takes the event away
        String id = invoker.submit("fn", "live", bytes("{\"a\":1}"));
        assertEquals(1, store.pending());
        Map<String, Object> row = row(id);
        assertNotNull(row);
        assertEquals(0, row.get("attempts"));
        assertNull(row.get("lease_until"));
    }

    // ---- load ------------------------------------------------------------------------------------

    @Test
    void twoHundredEventsHalfFailingOnceAllCompleteWithTheRightAttemptCounts() {
        handlers.put("fn", failFirst(1));
        handlers.put("steady", echo());
        target("fn", 2, MAX_AGE, OK_DEST, FAIL_DEST, InvokeOptions.defaults());
        target("steady", 2, MAX_AGE, OK_DEST, FAIL_DEST, InvokeOptions.defaults());
        AsyncInvoker invoker = newInvoker(new AsyncInvoker.Settings(8, List.of(FIRST_RETRY, SECOND_RETRY),
                Duration.ofMillis(20), Duration.ofSeconds(30))).start();

        Map<String, Integer> expectedAttempts = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            boolean flaky = i % 2 == 0;
            String id = invoker.submit(flaky ? "fn" : "steady", null, bytes("{\"i\":" + i + "}"));
            expectedAttempts.put(id, flaky ? 2 : 1);
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertEquals(0, store.pending()));

        assertEquals(200, callsOf("fn").size(), "100 flaky events × 2 attempts");
        assertEquals(100, callsOf("steady").size());
        for (int i = 0; i < 200; i++) {
            String payload = "{\"i\":" + i + "}";
            int attempts = callsWith("fn", payload).size() + callsWith("steady", payload).size();
            assertEquals(i % 2 == 0 ? 2 : 1, attempts, payload);
        }
        List<JsonNode> records = recordsAt(OK_DEST);
        assertEquals(200, records.size(), "one OnSuccess record per event");
        Map<String, Integer> counted = new HashMap<>();
        for (JsonNode r : records) {
            assertEquals("Success", r.path("requestContext").path("condition").asText());
            assertEquals(null, counted.put(r.path("requestContext").path("requestId").asText(),
                    r.path("requestContext").path("approximateInvokeCount").asInt(-1)), "one record per event");
        }
        assertEquals(expectedAttempts, counted);
        assertEquals(0, callsOf(FAIL_DEST).size());
        assertTrue(store.deadLetters(10).isEmpty());
    }

    // ---- restart ---------------------------------------------------------------------------------

    /** A daemon claimed events and died; the next one's start() makes them due again. */
    @Test
    void eventsInFlightWhenTheDaemonDiedRunAfterRestart() {
        crashWithEventsInFlight(SETTINGS.lease());
    }

    /**
     * The same with a lease longer than the new daemon's (an earlier setting, or a clock that
     * stepped back): start() says every lease at start is a dead daemon's, so all are recovered.
     */
    @Test
    void eventsInFlightUnderALongLeaseRunAfterRestart() {
        crashWithEventsInFlight(Duration.ofHours(1));
    }

    private void crashWithEventsInFlight(Duration lease) {
        handlers.put("fn", echo());
        target("fn", 2, MAX_AGE, null, FAIL_DEST, InvokeOptions.defaults());
        AsyncInvoker crashed = newInvoker(SETTINGS);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(crashed.submit("fn", null, bytes("{\"r\":" + i + "}")));
        }
        // the dead daemon's workers had claimed them all
        List<AsyncEvent> claimed = store.claimDue(Instant.now(), 10, lease);
        assertEquals(5, claimed.size());
        assertTrue(store.claimDue(Instant.now(), 10, lease).isEmpty(), "in flight: nobody else may take them");
        crashed.close();
        assertEquals(5, store.pending());

        started();
        awaitQuiet();

        assertEquals(5, callsOf("fn").size(), "each recovered event ran once: " + log);
        for (int i = 0; i < 5; i++) {
            assertEquals(1, callsWith("fn", "{\"r\":" + i + "}").size());
        }
        assertTrue(store.deadLetters(10).isEmpty());
    }

    // ---- wake-ups --------------------------------------------------------------------------------

    /**
     * A retry due sooner than the idle poll must not wait for the poll: with a 2 s poll and a
     * 50 ms retry delay the retry runs well before 1 s.
     */
    @Test
    void shortRetryDelayIsMetWithoutWaitingForThePoll() {
        handlers.put("fn", failFirst(1));
        target("fn", 2, MAX_AGE, null, null, InvokeOptions.defaults());
        newInvoker(new AsyncInvoker.Settings(2, List.of(FIRST_RETRY), Duration.ofSeconds(2), Duration.ofSeconds(30)))
                .start().submit("fn", null, bytes("{}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> callsOf("fn").size() == 2);

        List<Call> attempts = callsOf("fn");
        long gap = millisBetween(attempts.get(0).endNanos, attempts.get(1).startNanos);
        assertTrue(gap >= FIRST_RETRY.toMillis() - 1, "not before the delay: " + gap + " ms");
        assertTrue(gap < 1000, "the 50 ms retry waited for the 2 s poll instead: " + gap + " ms");
    }
}
