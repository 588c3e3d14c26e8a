package dev.flint.sandbox;

import static dev.flint.sandbox.SandboxTestHost.run;
import static dev.flint.sandbox.SandboxTestHost.sh;
import static dev.flint.sandbox.SandboxTestHost.spec;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flint.sandbox.SandboxTestHost.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Acceptance 1: what the command sees inside its sandbox. */
@RequiresSandboxHost
class SandboxIsolationIT {
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

    private static Outcome ok(SandboxSpec.Builder spec) {
        Outcome o = run(spec);
        assertEquals(0, o.result().exitCode(), o::toString);
        return o;
    }

    @Test
    void theCommandIsTheOnlyChildOfPid1InAFreshPidNamespace() {
        Outcome o = ok(spec("ls", "/proc"));
        List<String> pids = o.lines().stream().filter(l -> l.matches("\\d+")).toList();
        assertEquals(List.of("1", "2"), pids, o::toString);

        Outcome status = ok(sh("cat /proc/1/comm; exec cat /proc/self/status"));
        assertEquals("flint-init", status.lines().get(0), status::toString);
        assertTrue(status.lines().contains("Pid:\t2"), status::toString);
        assertTrue(status.lines().contains("PPid:\t1"), status::toString);
    }

    @Test
    void everyNamespaceDiffersFromTheHostAndTheCgroupRootIsItsOwn() throws IOException {
        List<String> kinds = List.of("pid", "mnt", "uts", "ipc", "net", "cgroup");
        Outcome o = ok(spec("readlink", "/proc/self/ns/pid", "/proc/self/ns/mnt", "/proc/self/ns/uts",
                "/proc/self/ns/ipc", "/proc/self/ns/net", "/proc/self/ns/cgroup"));
        assertEquals(kinds.size(), o.lines().size(), o::toString);
        for (int i = 0; i < kinds.size(); i++) {
            String host = Files.readSymbolicLink(Path.of("/proc/self/ns", kinds.get(i))).toString();
            assertTrue(o.lines().get(i).startsWith(kinds.get(i) + ":["), o::toString);
            assertNotEquals(host, o.lines().get(i), () -> kinds + " namespace is the host's\n" + o);
        }
        Outcome cg = ok(spec("cat", "/proc/self/cgroup"));
        for (String line : cg.lines()) {
            assertTrue(line.endsWith(":/"), () -> "cgroup path visible past the namespace root: " + line + "\n" + cg);
        }
    }

    /**
     * A sandbox is cloned into a network namespace made ahead by {@link NetnsPool} (the oldest
     * ready one), with lo already up; each gets its own, and a snapshot sandbox makes its own.
     */
    @Test
    void aSandboxGetsAReadyNetworkNamespaceOfItsOwnWithLoopbackUp() throws IOException {
        NetnsPool pool = NetnsPool.shared(dev.flint.nativeffi.NativeLoader.library());
        await("the pool's namespaces").atMost(Duration.ofSeconds(10)).until(() -> pool.readyNamespaces().size() >= 2);
        List<String> ready = pool.readyNamespaces();
        String host = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
        // A TCP connection to a listener on 127.0.0.1: "Network is unreachable" while lo is down.
        String loUp = "use IO::Socket::INET; $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1:0') or die $!;"
                + " IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $s->sockport) or die $!; print \"lo-up\\n\"";
        Outcome first = ok(spec("sh", "-c", "readlink /proc/self/ns/net && perl -e \"$0\"", loUp));
        Outcome second = ok(spec("readlink", "/proc/self/ns/net"));
        assertEquals(List.of(ready.get(0), "lo-up"), first.lines(), first::toString);
        assertEquals(List.of(ready.get(1)), second.lines(), second::toString);
        assertNotEquals(host, ready.get(0));
        assertNotEquals(ready.get(0), ready.get(1));
        assertEquals(host, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString(),
                "the launching thread is back in the host's network namespace");
    }

    @Test
    void theHostnameIsTheSandboxs() {
        String name = "h-" + SandboxTestHost.RUN_ID;
        Outcome o = ok(spec("cat", "/proc/sys/kernel/hostname").hostname(name));
        assertEquals(List.of(name), o.lines(), o::toString);
        Outcome dflt = ok(spec("cat", "/proc/sys/kernel/hostname"));
        assertEquals(List.of("flint"), dflt.lines(), dflt::toString);
    }

    @Test
    void theRootIsReadOnly() {
        Outcome o = run(sh("touch /x; echo rc=$?; touch /etc/x; echo rc=$?"));
        assertEquals(List.of("rc=1", "rc=1"), o.lines(), o::toString);
        assertTrue(o.stderr().contains("Read-only file system"), o::toString); // EROFS
    }

    @Test
    void aWritableRootWritesToScratchNotToTheImageLayer() {
        String file = "flint-" + SandboxTestHost.RUN_ID;
        Outcome o = ok(sh("echo hi > /" + file + " && cat /" + file).readonlyRoot(false));
        assertEquals(List.of("hi"), o.lines(), o::toString);
        for (Path layer : SandboxTestHost.image().layers()) {
            assertFalse(Files.exists(layer.resolve(file)), () -> "written through to the layer " + layer);
        }
    }

    @Test
    void tmpIsWritableUpToItsSize() {
        Outcome small = run(sh("head -c 4m /dev/zero > /tmp/ok; echo rc=$?; wc -c < /tmp/ok").tmpMb(8));
        assertEquals(List.of("rc=0", "4194304"), small.lines(), small::toString);

        Outcome big = run(sh("head -c 16m /dev/zero > /tmp/big; echo rc=$?").tmpMb(8));
        assertEquals(List.of("rc=1"), big.lines(), big::toString);
        assertTrue(big.stderr().contains("No space left on device"), big::toString); // ENOSPC

        Outcome mounts = ok(sh("grep ' /tmp ' /proc/mounts").tmpMb(8));
        assertTrue(mounts.stdout().contains("tmpfs") && mounts.stdout().contains("size=8192k"), mounts::toString);
    }

    @Test
    void noHostPathIsVisibleUnlessBound() throws IOException {
        Path host = SandboxTestHost.tempDir("bind");
        Files.writeString(host.resolve("marker"), "marker-" + SandboxTestHost.RUN_ID + "\n");
        String probe = "test -e " + host + "/marker; echo marker=$?; test -e /work; echo work=$?; "
                + "test -e /var/lib/flint; echo store=$?; test -e /run/flint; echo run=$?";

        Outcome hidden = ok(sh(probe));
        assertEquals(List.of("marker=1", "work=1", "store=1", "run=1"), hidden.lines(), hidden::toString);

        Outcome bound = ok(sh("cat /mnt/host/marker; touch /mnt/host/new; echo touch=$?; " + probe)
                .bind(SandboxSpec.BindMount.parseReadOnly(host + ":/mnt/host")));
        assertEquals(List.of("marker-" + SandboxTestHost.RUN_ID, "touch=1", "marker=1", "work=1", "store=1", "run=1"),
                bound.lines(), bound::toString);
        assertTrue(bound.stderr().contains("Read-only file system"), bound::toString);
        assertFalse(Files.exists(host.resolve("new")), "the read-only bind was written through");

        Outcome samePath = ok(sh("cat " + host + "/marker").bind(SandboxSpec.BindMount.parseReadOnly(host.toString())));
        assertEquals(List.of("marker-" + SandboxTestHost.RUN_ID), samePath.lines(), samePath::toString);
    }

    @Test
    void onlyLoopbackExistsAndItIsUp() {
        Outcome o = ok(spec("cat", "/proc/net/dev"));
        List<String> ifaces = o.lines().stream().filter(l -> l.contains(":"))
                .map(l -> l.substring(0, l.indexOf(':')).strip()).toList();
        assertEquals(List.of("lo"), ifaces, o::toString);
        // lo is up: with it down the kernel's fib has no local route for 127.0.0.1
        Outcome fib = ok(spec("cat", "/proc/net/fib_trie"));
        assertTrue(fib.stdout().contains("127.0.0.1"), fib::toString);
    }
}
