package dev.flint.invoke;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.invoke.InvokeServiceTest.FakeEnv;
import dev.flint.invoke.InvokeServiceTest.FakeFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler's pool rules on fake envs: keep-alive, memory budget, retire, concurrency (429). */
class InvokeSchedulerTest {
    private final FakeFactory factory = new FakeFactory();
    private InvokeService service;

    private InvokeService service(int account, int reservedTotal, Duration keepAlive, long budgetMb) {
        service = new InvokeService(factory, "us-east-1", "000000000000", Duration.ofSeconds(10),
                new InvokeService.Settings(account, () -> reservedTotal, keepAlive, budgetMb));
        return service;
    }

    @AfterEach
    void close() {
        if (service != null) {
            service.close();
        }
    }

    private static FunctionSpec fn(String name, int mb) {
        return InvokeServiceTest.fn(name, mb, Duration.ofSeconds(30));
    }

    /** An env whose invokes count down inside (and running, when given), then wait for release. */
    private static FakeEnv blocking(CountDownLatch inside, CountDownLatch release, AtomicInteger running) {
        return FakeEnv.ready(1).answering(inv -> {
            if (running != null) {
                running.incrementAndGet();
            }
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InvokeOutcome.Success("{}".getBytes(StandardCharsets.UTF_8));
        });
    }

    private InvokeResponse invoke(FunctionSpec fn, InvokeOptions o) {
        return service.invoke(fn, "{}".getBytes(StandardCharsets.UTF_8), line -> {}, o);
    }

    @Test
    void idleEnvsAreShutDownAfterTheKeepAlive() {
        service(1000, 0, Duration.ofMillis(300), 1 << 20);
        invoke(fn("a", 128), InvokeOptions.defaults());
        FakeEnv env = factory.created.get(0);
        assertEquals(1, service.liveEnvironments());
        // The reaper runs every max(1 s, keep-alive / 10): the env goes within a few seconds, not at once.
        assertFalse(env.closed, "still warm right after the invoke");
        await().atMost(Duration.ofSeconds(10)).until(() -> env.closed);
        assertEquals(0, service.liveEnvironments());
        invoke(fn("a", 128), InvokeOptions.defaults());
        assertEquals(2, service.environmentsCreated(), "the next invoke is cold again");
    }

    @Test
    void theMemoryBudgetShutsTheLongestIdleEnvsDown() {
        service(1000, 0, Duration.ofMinutes(10), 1024);
        invoke(fn("a", 512), InvokeOptions.defaults());
        invoke(fn("b", 512), InvokeOptions.defaults());
        FakeEnv a = factory.created.get(0);
        FakeEnv b = factory.created.get(1);
        assertEquals(2, service.liveEnvironments());
        invoke(fn("c", 512), InvokeOptions.defaults()); // 1536 MB > 1024: the oldest idle env goes
        assertTrue(a.closed, "the longest-idle env was shut down to make room");
        assertFalse(b.closed);
        assertEquals(2, service.liveEnvironments());
    }

    @Test
    void aBusyHostStillRunsInvokesOverTheBudget() throws Exception {
        service(1000, 0, Duration.ofMinutes(10), 256);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        factory.script(blocking(inside, release, null));
        CompletableFuture<InvokeResponse> first = CompletableFuture.supplyAsync(() -> invoke(fn("a", 256), InvokeOptions.defaults()));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        InvokeResponse second = invoke(fn("b", 256), InvokeOptions.defaults());
        assertFalse(second.failed(), "no idle env to shut down: the budget bounds idle envs, not running invokes");
        release.countDown();
        assertFalse(first.get(10, TimeUnit.SECONDS).failed());
    }

    @Test
    void retireClosesIdleEnvsOfTheFunctionOnly() {
        service(1000, 0, Duration.ofMinutes(10), 1 << 20);
        invoke(fn("a", 128), InvokeOptions.defaults());
        invoke(fn("b", 128), InvokeOptions.defaults());
        service.retire("a");
        assertTrue(factory.created.get(0).closed);
        assertFalse(factory.created.get(1).closed);
        invoke(fn("a", 128), InvokeOptions.defaults());
        assertEquals(3, service.environmentsCreated(), "a's next invoke is cold");
    }

    @Test
    void anEnvBusyWhenItsFunctionIsRetiredIsClosedWhenItsInvokeEnds() throws Exception {
        service(1000, 0, Duration.ofMinutes(10), 1 << 20);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        factory.script(blocking(inside, release, null));
        CompletableFuture<InvokeResponse> busy = CompletableFuture.supplyAsync(() -> invoke(fn("a", 128), InvokeOptions.defaults()));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        service.retire("a");
        release.countDown();
        busy.get(10, TimeUnit.SECONDS);
        assertTrue(factory.created.get(0).closed, "not pooled again after the update");
        assertEquals(0, service.idleEnvironments(fn("a", 128)));
    }

    @Test
    void reservedConcurrencyGives429WithItsReasonAtOnce() throws Exception {
        service(1000, 1, Duration.ofMinutes(10), 1 << 20);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        factory.script(blocking(inside, release, null));
        InvokeOptions reserved1 = new InvokeOptions(null, null, 1);
        CompletableFuture<InvokeResponse> first = CompletableFuture.supplyAsync(() -> invoke(fn("r", 128), reserved1));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        TooManyRequestsException e = assertThrows(TooManyRequestsException.class, () -> invoke(fn("r", 128), reserved1));
        assertEquals(TooManyRequestsException.RESERVED_LIMIT, e.reason());
        assertEquals(1, factory.created.size(), "a throttled invoke creates no env");
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertFalse(invoke(fn("r", 128), reserved1).failed(), "the slot is free again");
        assertEquals(TooManyRequestsException.RESERVED_LIMIT, assertThrows(TooManyRequestsException.class,
                () -> invoke(fn("z", 128), new InvokeOptions(null, null, 0))).reason(), "reserved 0 throttles all");
    }

    @Test
    void theAccountLimitMinusReservationsBoundsUnreservedFunctions() throws Exception {
        service(3, 1, Duration.ofMinutes(10), 1 << 20); // 3 - 1 reserved = 2 unreserved
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            factory.script(blocking(inside, release, running));
        }
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> invoke(fn("u", 128), InvokeOptions.defaults()));
        CompletableFuture<?> b = CompletableFuture.runAsync(() -> invoke(fn("u", 128), InvokeOptions.defaults()));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        TooManyRequestsException e = assertThrows(TooManyRequestsException.class,
                () -> invoke(fn("v", 128), InvokeOptions.defaults()));
        assertEquals(TooManyRequestsException.ACCOUNT_LIMIT, e.reason());
        release.countDown();
        CompletableFuture.allOf(a, b).get(10, TimeUnit.SECONDS);
        assertEquals(2, running.get());
    }
}
