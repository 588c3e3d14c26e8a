package dev.flint.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.sandbox.HostLeftovers;
import dev.flint.sandbox.RequiresSandboxHost;
import dev.flint.sandbox.SandboxLauncher;
import dev.flint.sandbox.SandboxTestHost;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Acceptance 3 of {@code flint serve} (issue 4): 1000 concurrent synchronous invokes of a
 * custom-runtime function (sh + curl, 128 MB) that sleeps 2 s, with the account limit at 1000,
 * all succeed: no 429, no error. This makes up to 1000 sandboxes at once on this host, so every
 * timeout is generous and the figures are printed. Then reserved concurrency 10: 10 concurrent
 * calls run, the 11th gets 429 ReservedFunctionConcurrentInvocationLimitExceeded. Nothing is
 * left but the idle pool while the daemon runs, and nothing at all once it is closed.
 */
@RequiresSandboxHost
class ServeLoadIT {
    /** Concurrent invokes; -Dflint.load.n overrides (e.g. to find this host's limit). */
    static final int N = Integer.getInteger("flint.load.n", 1000);
    /**
     * Seconds each invoke sleeps; -Dflint.load.sleep=30 makes all N overlap at once (the 2 s ones
     * partly do not: the first finish before the last cold starts are through on 2 CPUs).
     */
    static final int SLEEP = Integer.getInteger("flint.load.sleep", 2);

    @TempDir Path tmp;
    final List<String> log = Collections.synchronizedList(new ArrayList<>());

    record Outcome(int status, String functionError, String payload, String error, long millis) {}

    @Test
    void thousandConcurrentSyncInvokesThenReservedConcurrencyThrottles() throws Exception {
        HostLeftovers before = HostLeftovers.now();
        FlintDaemon daemon = ServeFixture.start(tmp.resolve("state"), 1000, ServeFixture.async(2, Duration.ofSeconds(1)),
                log);
        ExecutorService callers = Executors.newFixedThreadPool(N, r -> {
            Thread t = new Thread(r, "load-caller");
            t.setDaemon(true);
            return t;
        });
        LambdaClient lambda = ServeFixture.sdk(daemon.port(), ServeFixture.http(Duration.ofMinutes(4)));
        try {
            lambda.createFunction(b -> b.functionName("sleeper").runtime(Runtime.PROVIDED).role(ServeFixture.ROLE)
                    .handler("function.handler").memorySize(128).timeout(120)
                    .code(c -> c.zipFile(SdkBytes.fromByteArray(ServeFixture.providedZip("sleep-sh")))));

            // ---- N concurrent invokes, all released at once -------------------------------------
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Outcome>> calls = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> call(lambda, go, "{\"sleep\":" + SLEEP + "}"), callers));
            }
            java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<Void> all = CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
            // Samples the running count every 20 ms while the calls run (a sampler, not a wait).
            java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor();
            long t0 = System.nanoTime();
            go.countDown();
            sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(daemon.invokeService().running("sleeper"), Math::max),
                    0, 20, TimeUnit.MILLISECONDS);
            try {
                all.get(10, TimeUnit.MINUTES);
            } finally {
                sampler.shutdownNow();
            }
            long wallMs = (System.nanoTime() - t0) / 1_000_000;
            List<Outcome> outcomes = calls.stream().map(CompletableFuture::join).toList();
            Map<String, Integer> kinds = new TreeMap<>();
            List<Long> millis = new ArrayList<>();
            for (Outcome o : outcomes) {
                String kind = o.error() != null ? "exception " + o.error()
                        : o.status() != 200 ? "status " + o.status()
                        : o.functionError() != null ? "function error " + o.payload()
                        : ("{\"slept\":" + SLEEP + "}").equals(o.payload()) ? "ok" : "payload " + o.payload();
                kinds.merge(kind, 1, Integer::sum);
                millis.add(o.millis());
            }
            Collections.sort(millis);
            long envs = daemon.invokeService().environmentsCreated();
            System.out.printf("ServeLoadIT: %d concurrent invokes (sleep " + SLEEP + " s, provided, 128 MB): wall %d ms, "
                    + "per call p50 %d ms, p99 %d ms, max %d ms; envs created %d; peak running %d; outcomes %s%n", N, wallMs,
                    millis.get(N / 2), millis.get((int) Math.ceil(N * 0.99) - 1), millis.get(N - 1), envs, peak.get(),
                    kinds);
            assertEquals(Map.of("ok", N), kinds, () -> "every call succeeds" + ServeFixture.tail(log, 60));
            assertTrue(envs <= N, "at most one env per concurrent call: " + envs);

            // ---- only the idle pool is left: one flint-init per live env, none running ----------
            Awaitility.await("the invokes are finished").atMost(Duration.ofSeconds(60))
                    .until(() -> daemon.invokeService().running("sleeper") == 0);
            long live = daemon.invokeService().liveEnvironments();
            assertEquals(envs, live, "every env went back to the idle pool");
            long inits = HostLeftovers.now().minus(before).processes().stream()
                    .filter(p -> p.contains(" flint-init ")).count();
            assertEquals(live, inits, "one flint-init per idle env");
            assertEquals(live, SandboxLauncher.live().size(), "one sandbox per idle env");

            // ---- reserved concurrency 10: 10 run, the 11th is throttled ---------------------------
            assertEquals(10, lambda.putFunctionConcurrency(b -> b.functionName("sleeper")
                    .reservedConcurrentExecutions(10)).reservedConcurrentExecutions());
            CountDownLatch go10 = new CountDownLatch(1);
            List<CompletableFuture<Outcome>> ten = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ten.add(CompletableFuture.supplyAsync(() -> call(lambda, go10, "{\"sleep\":20}"), callers));
            }
            go10.countDown();
            Awaitility.await("10 invokes running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> daemon.invokeService().running("sleeper") == 10);
            long t11 = System.nanoTime();
            TooManyRequestsException throttled = org.junit.jupiter.api.Assertions.assertThrows(
                    TooManyRequestsException.class, () -> lambda.invoke(b -> b.functionName("sleeper")));
            long throttleMs = (System.nanoTime() - t11) / 1_000_000;
            assertEquals(429, throttled.statusCode());
            assertEquals(ThrottleReason.RESERVED_FUNCTION_CONCURRENT_INVOCATION_LIMIT_EXCEEDED, throttled.reason());
            assertEquals("1", throttled.retryAfterSeconds());
            assertEquals(10, daemon.invokeService().running("sleeper"), "the 11th did not start");
            for (CompletableFuture<Outcome> f : ten) {
                Outcome o = f.get(3, TimeUnit.MINUTES);
                assertEquals(200, o.status(), () -> String.valueOf(o));
                assertEquals("{\"slept\":20}", o.payload(), () -> String.valueOf(o));
            }
            System.out.printf("ServeLoadIT: the 11th concurrent call got 429 %s in %d ms%n", throttled.reason(),
                    throttleMs);
        } finally {
            lambda.close();
            callers.shutdownNow();
            long c0 = System.nanoTime();
            daemon.close();
            System.out.printf("ServeLoadIT: daemon.close() with %s in %d ms%n", "the idle pool",
                    (System.nanoTime() - c0) / 1_000_000);
        }
        SandboxTestHost.assertNoLeftovers(before);
    }

    private static Outcome call(LambdaClient lambda, CountDownLatch go, String payload) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, null, null, "interrupted", 0);
        }
        long t0 = System.nanoTime();
        try {
            InvokeResponse r = lambda.invoke(b -> b.functionName("sleeper").payload(SdkBytes.fromUtf8String(payload)));
            return new Outcome(r.statusCode(), r.functionError(), r.payload().asUtf8String(), null,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            return new Outcome(0, null, null, e.getClass().getSimpleName() + ": " + e.getMessage(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
