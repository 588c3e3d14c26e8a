package dev.flint.sandbox;

import static dev.flint.sandbox.SandboxTestHost.run;
import static dev.flint.sandbox.SandboxTestHost.sh;
import static dev.flint.sandbox.SandboxTestHost.spec;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.cgroup.CgroupLimits;
import dev.flint.sandbox.SandboxTestHost.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Acceptance 2–4 and the timeout path: memory, CPU and pids limits from the cgroup. */
@RequiresSandboxHost
class SandboxLimitsIT {
    private static final String CPU_LOOP = "while :; do :; done";
    private HostLeftovers before;

    @BeforeEach
    void snapshot() {
        SandboxTestHost.launcher();
        before = HostLeftovers.now();
    }

    @AfterEach
    void nothingLeftBehind() {
        SandboxTestHost.assertNoLeftovers(before);
    }

    @Test
    void allocatingPastTheMemoryLimitIsAnOomKill() {
        // tail buffers newline-less input whole: 200 MB of anonymous memory against a 128 MB limit
        Outcome o = run(sh("head -c 200m /dev/zero | tail").memoryMb(128));
        assertTrue(o.result().oomKilled(), o::toString);
        assertEquals(137, o.result().exitCode(), o::toString);
        assertEquals(9, o.result().signal(), o::toString);
        assertFalse(o.result().timedOut(), o::toString);
        long limit = 128L << 20;
        assertTrue(o.result().peakMemoryBytes() > limit * 9 / 10 && o.result().peakMemoryBytes() <= limit,
                o::toString);
    }

    @Test
    void allocatingBelowTheMemoryLimitSucceeds() {
        Outcome o = run(sh("head -c 100m /dev/zero | tail | wc -c").memoryMb(128));
        assertEquals(0, o.result().exitCode(), o::toString);
        assertFalse(o.result().oomKilled(), o::toString);
        assertEquals(List.of(String.valueOf(100L << 20)), o.lines(), o::toString);
        assertTrue(o.result().peakMemoryBytes() >= 100L << 20, o::toString);
    }

    /**
     * Acceptance 3: CPU per wall second at 128 MB and 1769 MB, from the cgroups' accounting, in a
     * ratio within 15 % of 1769/128. The two run side by side; on a busy shared host the 1769 MB
     * loop, which wants a whole CPU, waits behind other work (measured under three CPU hogs: 0.92
     * CPU), so an attempt in which it got less than 0.9 CPU is run again, up to four times.
     */
    @Test
    void cpuTimeIsProportionalToMemory() {
        SandboxSpec small = sh(CPU_LOOP).memoryMb(128).timeout(Duration.ofSeconds(3)).build();
        SandboxSpec vcpu = sh(CPU_LOOP).memoryMb(CgroupLimits.MB_PER_VCPU).timeout(Duration.ofSeconds(3)).build();
        double expected = (double) CgroupLimits.MB_PER_VCPU / 128;
        double quota128 = (double) CgroupLimits.forMemory(128, 64).cpuQuotaUs() / CgroupLimits.CPU_PERIOD_US;
        StringBuilder attempts = new StringBuilder();
        double rate128 = 0;
        double rate1769 = 0;
        String both = "";
        for (int attempt = 1; attempt <= 4 && rate1769 < 0.9; attempt++) {
            CompletableFuture<Outcome> a = CompletableFuture.supplyAsync(() -> run(small));
            CompletableFuture<Outcome> b = CompletableFuture.supplyAsync(() -> run(vcpu));
            Outcome o128 = a.join();
            Outcome o1769 = b.join();
            both = "128 MB: " + o128 + "\n1769 MB: " + o1769;
            for (Outcome o : List.of(o128, o1769)) {
                assertTrue(o.result().timedOut(), both);
                assertEquals(137, o.result().exitCode(), both);
            }
            rate128 = (double) o128.result().cpuNanos() / o128.result().wallNanos();
            rate1769 = (double) o1769.result().cpuNanos() / o1769.result().wallNanos();
            attempts.append(String.format("attempt %d: %.4f CPU/s at 128 MB, %.4f at 1769 MB, ratio %.2f%n", attempt,
                    rate128, rate1769, rate1769 / rate128));
            // The quotas are hard caps whatever else the host runs: 1447 us and 20000 us per 20 ms period.
            assertTrue(rate128 <= quota128 * 1.10, attempts + "quota share at 128 MB: " + quota128 + "\n" + both);
            assertTrue(rate1769 <= 1.05, attempts + both);
        }
        double ratio = rate1769 / rate128;
        System.out.printf("cpu: %.4f CPU/s at 128 MB, %.4f at 1769 MB, ratio %.2f (expected %.2f)%n",
                rate128, rate1769, ratio, expected);
        assertTrue(rate1769 >= 0.9, "the host never left the 1769 MB loop 0.9 CPU in four attempts\n" + attempts + both);
        assertTrue(Math.abs(ratio / expected - 1) <= 0.15,
                String.format("ratio %.2f, expected %.2f ±15%%%n", ratio, expected) + attempts + both);
    }

    @Test
    void aForkBombIsContainedByPidsMaxAndEndsAtItsTimeout() throws IOException {
        int hostBefore = HostLeftovers.hostProcessCount();
        SandboxSpec bomb = sh("f(){ f|f & }; f; sleep 60").memoryMb(1024).timeout(Duration.ofSeconds(3)).build();
        try (Sandbox s = SandboxTestHost.launcher().launch(bomb)) {
            var out = SandboxTestHost.drain(s.stdout());
            var err = SandboxTestHost.drain(s.stderr());
            Path pidsDir = s.cgroup().procsFiles().stream().map(Path::getParent)
                    .filter(d -> Files.exists(d.resolve("pids.max"))).findFirst().orElseThrow();
            assertEquals(String.valueOf(CgroupLimits.PIDS_MAX), Files.readString(pidsDir.resolve("pids.max")).strip());
            await("the bomb hits pids.max").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        assertTrue(s.isAlive(), "the sandbox died before its fork bomb hit pids.max");
                        return s.cgroup().stats().pidsMaxEvents() > 0;
                    });
            long current = Long.parseLong(Files.readString(pidsDir.resolve("pids.current")).strip());
            int host = HostLeftovers.hostProcessCount();
            assertTrue(current <= CgroupLimits.PIDS_MAX, "pids.current " + current);
            assertTrue(host < hostBefore + CgroupLimits.PIDS_MAX + 64,
                    "host processes went from " + hostBefore + " to " + host);
            SandboxResult r = s.await();
            Outcome o = new Outcome(s.id(), r, s.cgroup().stats(), "", "");
            assertTrue(r.timedOut(), o::toString);
            assertEquals(137, r.exitCode(), o::toString);
            assertTrue(o.stats().pidsMaxEvents() > 0, o::toString);
            out.cancel(false);
            err.cancel(false);
        }
    }

    @Test
    void theTimeoutKillsTheSandbox() {
        long t0 = System.nanoTime();
        Outcome o = run(spec("sleep", "30").timeout(Duration.ofSeconds(1)));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(o.result().timedOut(), o::toString);
        assertEquals(137, o.result().exitCode(), o::toString);
        assertEquals(9, o.result().signal(), o::toString);
        assertFalse(o.result().oomKilled(), o::toString);
        assertTrue(took.compareTo(Duration.ofMillis(900)) > 0 && took.compareTo(Duration.ofSeconds(10)) < 0,
                "took " + took + "\n" + o);
    }

    @Test
    void aCommandThatEndsBeforeItsTimeoutIsNotTimedOut() {
        Outcome o = run(sh("exit 3").timeout(Duration.ofSeconds(30)));
        assertEquals(3, o.result().exitCode(), o::toString);
        assertEquals(0, o.result().signal(), o::toString);
        assertFalse(o.result().timedOut(), o::toString);
    }
}
