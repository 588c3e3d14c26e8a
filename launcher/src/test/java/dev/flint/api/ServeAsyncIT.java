package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.sandbox.HostLeftovers;
import dev.flint.sandbox.RequiresSandboxHost;
import dev.flint.sandbox.SandboxTestHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Acceptance 4 of {@code flint serve} (issue 4): Event invokes with retries and destinations on a
 * real daemon, and no accepted event lost when the daemon is killed with SIGKILL and restarted.
 *
 * <p>"Fails the first attempt of each event" is made deterministic by keeping the memory of an
 * event's first attempt in the env's /tmp (a marker file per event id) and running every attempt
 * in that one warm env: the daemon has a single async worker, and the function reserved
 * concurrency 1. Function errors keep an env (Lambda does too), so the env survives its failures.
 */
@RequiresSandboxHost
class ServeAsyncIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir Path tmp;
    FlintDaemon daemon;
    LambdaClient lambda;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final List<Process> children = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        children.forEach(Process::destroyForcibly);
    }

    private void startInProcess() {
        daemon = ServeFixture.start(tmp.resolve("state"), 1000, ServeFixture.async(1, Duration.ofMillis(100)), log);
        lambda = ServeFixture.sdk(daemon.port(), ServeFixture.http(Duration.ofSeconds(60)));
    }

    /** Submits n events {"id": i}; returns the request ids the API answered 202 for. */
    private static List<String> submit(LambdaClient lambda, String function, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            InvokeResponse r = lambda.invoke(b -> b.functionName(function).invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String("{\"id\":" + id + "}")));
            assertEquals(202, r.statusCode());
            ids.add(r.responseMetadata().requestId());
        }
        return ids;
    }

    /** Every "DEST" record the recorder printed, by request id (a list: duplicates show). */
    private static Map<String, List<JsonNode>> records(List<String> lines) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        for (String line : ServeFixture.lines(lines, "DEST ")) {
            try {
                JsonNode n = JSON.readTree(line);
                out.computeIfAbsent(n.at("/requestContext/requestId").asText(), k -> new ArrayList<>()).add(n);
            } catch (IOException e) {
                throw new UncheckedIOException("not a record: " + line, e);
            }
        }
        return out;
    }

    private static Map<String, Integer> countBy(List<String> values) {
        Map<String, Integer> m = new TreeMap<>();
        values.forEach(v -> m.merge(v, 1, Integer::sum));
        return m;
    }

    @Test
    void eachEventFailsItsFirstAttemptAndSucceedsOnRetry() {
        startInProcess();
        String recorder = createRecorder(lambda);
        ServeFixture.createPython(lambda, "fail-first", "fail-first", ServeFixture.FAST_MB, 10);
        lambda.putFunctionConcurrency(b -> b.functionName("fail-first").reservedConcurrentExecutions(1));
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("fail-first")
                .destinationConfig(d -> d.onSuccess(s -> s.destination(recorder))));
        assertEquals(null, lambda.getFunctionEventInvokeConfig(b -> b.functionName("fail-first"))
                .maximumRetryAttempts(), "not set: Lambda's default of 2 retries applies");

        int n = 200;
        long t0 = System.nanoTime();
        List<String> ids = submit(lambda, "fail-first", n);
        long acceptedMs = (System.nanoTime() - t0) / 1_000_000;
        Awaitility.await(n + " OnSuccess records").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertEquals(n, records(log).size(), () -> ServeFixture.tail(log, 30)));
        long doneMs = (System.nanoTime() - t0) / 1_000_000;
        Map<String, List<JsonNode>> recs = records(log);
        assertEquals(new TreeSet<>(ids), new TreeSet<>(recs.keySet()), "one record per accepted event");
        Set<Integer> payloadIds = new HashSet<>();
        for (List<JsonNode> list : recs.values()) {
            assertEquals(1, list.size(), () -> "delivered once: " + list);
            JsonNode r = list.get(0);
            assertEquals("Success", r.at("/requestContext/condition").asText(), r::toString);
            assertEquals(2, r.at("/requestContext/approximateInvokeCount").asInt(), r::toString);
            assertTrue(r.at("/requestContext/functionArn").asText().endsWith(":function:fail-first:$LATEST"), r::toString);
            assertEquals(r.at("/requestPayload/id").asInt(), r.at("/responsePayload/id").asInt(), r::toString);
            assertEquals("$LATEST", r.at("/responseContext/executedVersion").asText(), r::toString);
            payloadIds.add(r.at("/requestPayload/id").asInt());
        }
        assertEquals(n, payloadIds.size());
        assertEquals(n, ServeFixture.lines(log, "FAIL-FIRST fail ").size(), "one failed first attempt per event");
        assertEquals(n, ServeFixture.lines(log, "FAIL-FIRST ok ").size(), "one successful retry per event");
        assertEquals(2, daemon.invokeService().environmentsCreated(), "one env for fail-first, one for the recorder");
        System.out.printf("ServeAsyncIT: %d events accepted in %d ms, all %d OnSuccess records after %d ms%n",
                n, acceptedMs, n, doneMs);
    }

    @Test
    void alwaysFailingEventsReachOnFailureAfterExactlyThreeAttempts() {
        startInProcess();
        String recorder = createRecorder(lambda);
        ServeFixture.createPython(lambda, "always-fail", "always-fail", ServeFixture.FAST_MB, 10);
        lambda.putFunctionEventInvokeConfig(b -> b.functionName("always-fail")
                .destinationConfig(d -> d.onFailure(f -> f.destination(recorder))));

        int n = 30;
        List<String> ids = submit(lambda, "always-fail", n);
        Awaitility.await(n + " OnFailure records").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertEquals(n, records(log).size(), () -> ServeFixture.tail(log, 30)));
        Map<String, List<JsonNode>> recs = records(log);
        assertEquals(new TreeSet<>(ids), new TreeSet<>(recs.keySet()));
        for (List<JsonNode> list : recs.values()) {
            assertEquals(1, list.size(), () -> "delivered once: " + list);
            JsonNode r = list.get(0);
            assertEquals("RetriesExhausted", r.at("/requestContext/condition").asText(), r::toString);
            assertEquals(3, r.at("/requestContext/approximateInvokeCount").asInt(), r::toString);
            assertEquals("Unhandled", r.at("/responseContext/functionError").asText(), r::toString);
            assertEquals("RuntimeError", r.at("/responsePayload/errorType").asText(), r::toString);
        }
        // the function itself ran exactly 3 times per event, under the event's request id
        Map<String, Integer> attempts = countBy(ServeFixture.lines(log, "ALWAYS-FAIL attempt "));
        assertEquals(n, attempts.size());
        attempts.forEach((id, count) -> assertEquals(3, count, "attempts of event " + id));
        for (String id : ids) {
            long starts = ServeFixture.lines(log, "START RequestId: " + id + " ").size();
            assertEquals(3, starts, "START lines of " + id);
        }
    }

    private static String createRecorder(LambdaClient lambda) {
        ServeFixture.createPython(lambda, "recorder", "recorder", ServeFixture.FAST_MB, 10);
        return lambda.getFunction(b -> b.functionName("recorder")).configuration().functionArn();
    }

    // ---- kill -9 -----------------------------------------------------------------------------

    /** {@code scripts/flint serve --port 0} on this test's state and run dirs; returns its port. */
    private int serve(Path state, Path run, Path stderr) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ServeFixture.HOME.resolve("scripts/flint").toString(), "serve",
                "--port", "0", "--keep-alive", "60");
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Dflint.state.dir=" + state + " -Dflint.run.dir=" + run
                + " -Dflint.images.dir=" + SandboxTestHost.IMAGES);
        pb.redirectErrorStream(true).redirectOutput(stderr.toFile());
        Process p = pb.start();
        children.add(p);
        return Awaitility.await("flint serve listening").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("flint serve exited " + p.exitValue() + ":\n" + Files.readString(stderr));
                    }
                    Matcher m = LISTENING.matcher(Files.readString(stderr));
                    return m.find() ? Integer.parseInt(m.group(1)) : null;
                }, port -> port != null);
    }

    private static List<String> readLines(Path... files) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            try {
                if (Files.exists(f)) {
                    out.addAll(Files.readAllLines(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Test
    void noAcceptedEventIsLostWhenTheDaemonIsKilledAndRestarted() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path run = Files.createDirectories(Path.of("/run", "flint-" + SandboxTestHost.RUN_ID));
        Path log1 = tmp.resolve("serve-1.log");
        Path log2 = tmp.resolve("serve-2.log");
        Set<String> mountsBefore = HostLeftovers.now().mounts();
        try {
            int port1 = serve(state, run, log1);
            Process first = children.get(0);
            lambda = ServeFixture.sdk(port1, ServeFixture.http(Duration.ofSeconds(30)));
            String recorder = createRecorder(lambda);
            // 0.2 s per event on 4 workers: about 20 events/s, slower than the submitter, so a
            // backlog is queued (and a few events are running) when the daemon is killed
            ServeFixture.createPython(lambda, "target", "sleepy", ServeFixture.FAST_MB, 10);
            lambda.putFunctionEventInvokeConfig(b -> b.functionName("target")
                    .destinationConfig(d -> d.onSuccess(s -> s.destination(recorder))));

            // submit until the daemon dies; kill it once some events are delivered and more are queued
            List<String> accepted = new CopyOnWriteArrayList<>();
            AtomicBoolean stopped = new AtomicBoolean();
            LambdaClient submitter = lambda;
            Thread t = new Thread(() -> {
                for (int i = 0; !stopped.get() && i < 300; i++) {
                    int id = i;
                    try {
                        InvokeResponse r = submitter.invoke(b -> b.functionName("target")
                                .invocationType(InvocationType.EVENT)
                                .payload(SdkBytes.fromUtf8String("{\"id\":" + id + ",\"sleep\":0.2}")));
                        if (r.statusCode() == 202) {
                            accepted.add(r.responseMetadata().requestId());
                        }
                    } catch (RuntimeException e) {
                        return; // the daemon is gone: this one was not accepted
                    }
                }
            }, "event-submitter");
            t.start();
            Awaitility.await("some events delivered, more queued").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> records(readLines(log1)).size() >= 10 && accepted.size() >= 150);
            first.destroyForcibly(); // SIGKILL
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, first.exitValue(), "killed by SIGKILL");
            stopped.set(true);
            t.join(60_000);
            lambda.close();
            int deliveredBefore = records(readLines(log1)).keySet().stream()
                    .filter(accepted::contains).toList().size();
            assertTrue(accepted.size() - deliveredBefore >= 50, () -> "a backlog when killed: " + accepted.size()
                    + " accepted, " + deliveredBefore + " delivered");

            // restart on the same state: the queue is recovered and drained
            long r0 = System.nanoTime();
            int port2 = serve(state, run, log2);
            Process second = children.get(1);
            lambda = ServeFixture.sdk(port2, ServeFixture.http(Duration.ofSeconds(30)));
            Awaitility.await("every accepted event delivered").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        Set<String> missing = new TreeSet<>(accepted);
                        missing.removeAll(records(readLines(log1, log2)).keySet());
                        assertTrue(missing.isEmpty(), () -> missing.size() + " of " + accepted.size()
                                + " accepted events not delivered yet, e.g. " + missing.iterator().next());
                    });
            long drainMs = (System.nanoTime() - r0) / 1_000_000;
            Map<String, List<JsonNode>> recs = records(readLines(log1, log2));
            long duplicates = accepted.stream().filter(id -> recs.get(id).size() > 1).count();
            for (String id : accepted) {
                assertEquals("Success", recs.get(id).get(0).at("/requestContext/condition").asText());
            }
            System.out.printf("ServeAsyncIT kill -9: %d events accepted (202), %d delivered before SIGKILL, all %d "
                    + "delivered %d ms after the restart; %d delivered twice%n", accepted.size(), deliveredBefore,
                    accepted.size(), drainMs, duplicates);

            // a clean stop leaves nothing of either daemon behind
            lambda.close();
            lambda = null;
            second.destroy(); // SIGTERM
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "flint serve stops on SIGTERM");
            for (Process p : List.of(first, second)) {
                Awaitility.await("no leftovers of daemon " + p.pid()).atMost(Duration.ofSeconds(30))
                        .untilAsserted(() -> {
                            HostLeftovers left = HostLeftovers.of(p.pid());
                            Set<String> newMounts = new TreeSet<>(left.mounts());
                            newMounts.removeAll(mountsBefore);
                            assertTrue(left.processes().isEmpty() && newMounts.isEmpty()
                                    && left.cgroupDirs().isEmpty(), () -> "left behind: " + left);
                        });
            }
            try (Stream<Path> envs = Files.exists(run.resolve("envs")) ? Files.list(run.resolve("envs")) : Stream.empty()) {
                assertEquals(List.of(), envs.toList(), "env dirs left in " + run);
            }
        } finally {
            children.forEach(Process::destroyForcibly);
            deleteTree(run);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
