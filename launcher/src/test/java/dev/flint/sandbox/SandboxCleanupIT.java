package dev.flint.sandbox;

import static dev.flint.sandbox.SandboxTestHost.run;
import static dev.flint.sandbox.SandboxTestHost.sh;
import static dev.flint.sandbox.SandboxTestHost.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flint.cgroup.Cgroup;
import dev.flint.cgroup.CgroupLimits;
import dev.flint.cgroup.Cgroups;
import dev.flint.nativeffi.Stage;
import dev.flint.sandbox.SandboxTestHost.Outcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Acceptance 5, the kill path, leftover removal and setup failures: nothing is ever left behind. */
@RequiresSandboxHost
class SandboxCleanupIT {
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
    void theLeftoverCheckSeesARunningSandbox() {
        try (Sandbox s = SandboxTestHost.launcher().launch(spec("sleep", "30").build())) {
            HostLeftovers during = HostLeftovers.now().minus(before);
            assertTrue(during.processes().stream().anyMatch(p -> p.contains("flint-init")), during::toString);
            assertTrue(during.processes().stream().anyMatch(p -> p.contains("sleep")), during::toString);
            assertEquals(s.cgroup().procsFiles().size(), during.cgroupDirs().size(), during::toString);
            assertTrue(during.cgroupDirs().stream().allMatch(d -> d.endsWith("/" + s.id())), during::toString);
            assertTrue(SandboxLauncher.live().contains(s));
        }
    }

    @Test
    void threeHundredSandboxesInARowLeaveNothingBehind() {
        String missingBind = "/tmp/flint-" + SandboxTestHost.RUN_ID + "/no-such-dir";
        int ok = 0;
        int failedExit = 0;
        int setupFailures = 0;
        int ooms = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            int n = i;
            if (i % 25 == 12) {
                Outcome o = run(sh("head -c 200m /dev/zero | tail").memoryMb(128));
                assertTrue(o.result().oomKilled() && o.result().exitCode() == 137, () -> "#" + n + " " + o);
                ooms++;
            } else if (i % 5 == 1) {
                Outcome o = run(sh("echo err-" + n + " >&2; exit 3"));
                assertEquals(3, o.result().exitCode(), () -> "#" + n + " " + o);
                assertEquals("err-" + n, o.stderr().strip(), () -> "#" + n + " " + o);
                failedExit++;
            } else if (i % 5 == 2) {
                SandboxException e = assertThrows(SandboxException.class,
                        () -> SandboxTestHost.launcher().launch(spec("no-such-command-" + n).build()), "#" + n);
                assertEquals(Stage.EXEC, e.stage(), () -> "#" + n + " " + e.getMessage());
                setupFailures++;
            } else if (i % 5 == 3) {
                SandboxException e = assertThrows(SandboxException.class,
                        () -> SandboxTestHost.launcher().launch(
                                spec("true").bind(SandboxSpec.BindMount.parseReadOnly(missingBind + ":/mnt")).build()),
                        "#" + n);
                assertEquals(Stage.MOUNT_BIND, e.stage(), () -> "#" + n + " " + e.getMessage());
                setupFailures++;
            } else {
                Outcome o = run(spec("echo", "run-" + n).memoryMb(i % 3 == 0 ? 128 : 512));
                assertEquals(0, o.result().exitCode(), () -> "#" + n + " " + o);
                assertEquals(List.of("run-" + n), o.lines(), () -> "#" + n + " " + o);
                ok++;
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("300 sandboxes in %d ms: %d ok, %d exit 3, %d setup failures, %d OOM%n",
                took.toMillis(), ok, failedExit, setupFailures, ooms);
        assertEquals(300, ok + failedExit + setupFailures + ooms);
        assertEquals(12, ooms);
        // the @AfterEach check compares processes, mounts, cgroup dirs and scratch with the snapshot
    }

    @Test
    void closingFromAnotherThreadKillsAndCleansUp() throws Exception {
        Sandbox s = SandboxTestHost.launcher().launch(sh("echo up; exec sleep 30").build());
        BufferedReader out = new BufferedReader(new InputStreamReader(s.stdout(), StandardCharsets.UTF_8));
        Future<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                return "<" + e + ">";
            }
        });
        assertEquals("up", first.get(10, TimeUnit.SECONDS));
        CompletableFuture<SandboxResult> waiter = CompletableFuture.supplyAsync(s::await);
        long t0 = System.nanoTime();
        CompletableFuture<Void> closer = CompletableFuture.runAsync(SandboxLauncher::closeAll);
        closer.get(10, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "closeAll took " + took);
        assertFalse(s.isAlive());
        assertFalse(SandboxLauncher.live().contains(s));
        try {
            SandboxResult r = waiter.get(10, TimeUnit.SECONDS);
            assertEquals(137, r.exitCode(), r::toString);
            assertEquals(9, r.signal(), r::toString);
        } catch (ExecutionException e) {
            // closed before the waiter got to wait: it must say so, as a SandboxException
            assertTrue(e.getCause() instanceof SandboxException, () -> "await after close threw " + e.getCause());
        }
    }

    @Test
    void awaitAfterCloseReturnsTheResultOrSaysClosed() {
        Sandbox s = SandboxTestHost.launcher().launch(sh("exit 5").build());
        s.close(); // kills first, so the command may or may not have exited on its own
        try {
            SandboxResult r = s.await();
            assertTrue(r.exitCode() == 5 || (r.exitCode() == 137 && r.signal() == 9), r::toString);
            assertEquals(r, s.await(), "a second await() gives the same result");
        } catch (SandboxException e) {
            assertEquals(Stage.WAIT, e.stage(), e::getMessage);
        } catch (RuntimeException e) {
            fail("await() after close() threw " + e, e);
        }
    }

    @Test
    void leftoversOfADeadSupervisorAreRemovedAndItsProcessesKilled() throws Exception {
        long candidate = 999_999;
        while (ProcessHandle.of(candidate).isPresent()) {
            candidate--;
        }
        long dead = candidate;
        long self = ProcessHandle.current().pid();
        String stale = dead + "-" + (System.nanoTime() % 1_000_000);
        String alive = self + "-leftover-" + (System.nanoTime() % 1_000_000);
        Cgroups cgroups = Cgroups.detect();
        Cgroup staleCg = cgroups.create(stale, CgroupLimits.forMemory(128, 1));
        Process sleeper = new ProcessBuilder("sleep", "300").start();
        try (Cgroup liveCg = cgroups.create(alive, CgroupLimits.forMemory(128, 1))) {
            staleCg.attach(sleeper.pid());
            assertTrue(cgroups.list().contains(stale));
            int removed = SandboxTestHost.launcher().removeLeftovers();
            assertTrue(removed >= 1, "removed " + removed);
            assertFalse(cgroups.list().contains(stale), () -> "still there: " + cgroups.list());
            assertTrue(HostLeftovers.cgroupDirs(dead).isEmpty(), () -> HostLeftovers.cgroupDirs(dead).toString());
            assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "the stale cgroup's process survived");
            assertTrue(cgroups.list().contains(alive), "a cgroup of the live supervisor was removed");
        } finally {
            sleeper.destroyForcibly();
            try {
                staleCg.close();
            } catch (RuntimeException alreadyGone) {
                // removed by the code under test, as expected
            }
        }
    }

    @Test
    void aMissingLayerFailsAtMountRootfsNamingIt() {
        Path layer = Path.of("/tmp/flint-" + SandboxTestHost.RUN_ID + "/no-such-layer");
        SandboxException e = assertThrows(SandboxException.class,
                () -> SandboxTestHost.launcher().launch(SandboxSpec.builder(List.of(layer), List.of("true")).build()));
        assertEquals(Stage.MOUNT_ROOTFS, e.stage(), e::getMessage);
        assertEquals(2, e.errno(), e::getMessage);
        assertEquals("mount-rootfs: ENOENT: image layer '" + layer + "' missing", e.getMessage());
        assertNotNull(e.hint(), e::getMessage);
        assertTrue(e.hint().contains("flint image build"), e::hint);
    }

    @Test
    void aMissingCommandFailsAtExecWithEnoent() {
        String cmd = "/no/such/command-" + SandboxTestHost.RUN_ID;
        SandboxException e = assertThrows(SandboxException.class,
                () -> SandboxTestHost.launcher().launch(spec(cmd).build()));
        assertEquals(Stage.EXEC, e.stage(), e::getMessage);
        assertEquals(2, e.errno(), e::getMessage);
        assertTrue(e.getMessage().startsWith("exec: ENOENT: "), e::getMessage);
        assertTrue(e.getMessage().contains(cmd), e::getMessage);
        assertNotNull(e.hint(), e::getMessage);
    }

    @Test
    void aMissingBindSourceFailsAtMountBind() {
        Path src = Path.of("/tmp/flint-" + SandboxTestHost.RUN_ID + "/no-such-source");
        SandboxException e = assertThrows(SandboxException.class, () -> SandboxTestHost.launcher()
                .launch(spec("true").bind(SandboxSpec.BindMount.parseReadOnly(src + ":/mnt/x")).build()));
        assertEquals(Stage.MOUNT_BIND, e.stage(), e::getMessage);
        assertEquals("mount-bind: ENOENT: bind source '" + src + "'", e.getMessage());
    }
}
