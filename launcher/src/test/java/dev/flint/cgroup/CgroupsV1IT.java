package dev.flint.cgroup;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The v1 path on the real hierarchy of this hybrid host. Every name carries a session prefix. */
@RequiresRoot(cgroups = CgroupVersion.V1)
class CgroupsV1IT {

  static final String SESSION = "it-" + ProcessHandle.current().pid() + "-";
  static final AtomicInteger COUNTER = new AtomicInteger();
  static final List<String> HIERARCHIES = List.of("memory", "cpu", "cpuacct", "pids");

  static Cgroups cgroups;
  final List<Process> children = new ArrayList<>();
  final List<Cgroup> created = new ArrayList<>();

  @BeforeAll
  static void detect() {
    cgroups = Cgroups.detect();
  }

  @AfterEach
  void cleanUp() {
    children.forEach(Process::destroyForcibly);
    created.forEach(Cgroup::close);
  }

  /** The reaper: whatever a failed test left behind under this session's names. */
  @AfterAll
  static void removeSessionLeftovers() {
    if (cgroups != null) {
      cgroups.removeStale(name -> name.startsWith(SESSION));
      assertTrue(cgroups.list().stream().noneMatch(n -> n.startsWith(SESSION)), cgroups.list().toString());
    }
  }

  @Test
  void detectionPicksV1OnThisHybridHost() {
    assertInstanceOf(CgroupsV1.class, cgroups);
    HostCgroupInfo info = cgroups.describe();
    assertEquals(CgroupVersion.V1, info.version());
    assertTrue(info.controllers().containsAll(HIERARCHIES), info.controllers().toString());
    assertNotEquals(info.mountPoints().get("cpu"), info.mountPoints().get("cpuacct"));
  }

  @Test
  void limitsReadBackFromTheKernel() throws IOException {
    String name = newName();
    Cgroup cgroup = create(name, 128);

    Path memory = dir("memory", name);
    assertEquals("134217728", read(memory, "memory.limit_in_bytes"));
    if (cgroups.describe().memswAvailable()) {
      assertEquals("134217728", read(memory, "memory.memsw.limit_in_bytes"));
    }
    assertEquals("20000", read(dir("cpu", name), "cpu.cfs_period_us"));
    assertEquals("1447", read(dir("cpu", name), "cpu.cfs_quota_us"));
    assertEquals("128", read(dir("cpu", name), "cpu.shares"));
    assertEquals("1024", read(dir("pids", name), "pids.max"));
    assertEquals(4, cgroup.procsFiles().size());
    assertTrue(cgroups.list().contains(name));
  }

  @Test
  void childJoinsByWritingZeroAndKillAllKillsIt() throws IOException {
    String name = newName();
    Cgroup cgroup = create(name, 128);
    Process child = joinAndRun(cgroup, "exec sleep 60");

    await().atMost(5, SECONDS).untilAsserted(() -> assertInAllHierarchies(child.pid(), name));

    cgroup.killAll();

    await().atMost(5, SECONDS).until(() -> !child.isAlive());
    assertEquals(137, child.exitValue(), "killed by SIGKILL");
    for (Path procs : cgroup.procsFiles()) {
      assertEquals("", Files.readString(procs).strip(), procs.toString());
    }
  }

  @Test
  void closeKillsAndLeavesNoDirectoryInAnyHierarchy() throws IOException, InterruptedException {
    String name = newName();
    Cgroup cgroup = cgroups.create(name, CgroupLimits.forMemory(128, hostCpus()));
    Process child = joinAndRun(cgroup, "exec sleep 60");
    await().atMost(5, SECONDS).untilAsserted(() -> assertInAllHierarchies(child.pid(), name));

    cgroup.close();
    cgroup.close();

    // SIGKILL is sent by close(); the JDK's reaper may notice the exit a moment later.
    child.waitFor(5, SECONDS);
    assertFalse(child.isAlive());
    for (String hierarchy : HIERARCHIES) {
      assertFalse(Files.exists(dir(hierarchy, name)), dir(hierarchy, name).toString());
    }
  }

  @Test
  void oomKillIsSeenInOomControlAndPeakIsTheLimit() {
    Cgroup cgroup = create(newName(), 128);
    // dd's 200 MB buffer is filled from /dev/zero, touching every page.
    Process child = joinAndRun(cgroup, "exec dd if=/dev/zero of=/dev/null bs=200M count=1");

    await().atMost(20, SECONDS).until(() -> !child.isAlive());

    assertEquals(137, child.exitValue(), "the kernel OOM-killed dd with SIGKILL");
    CgroupStats stats = cgroup.stats();
    assertTrue(cgroup.oomKilled(), stats.toString());
    assertTrue(stats.oomKills() >= 1, stats.toString());
    assertTrue(stats.peakMemoryBytes() > 120L * 1024 * 1024, stats.toString());
    assertTrue(stats.peakMemoryBytes() <= 134_217_728L, stats.toString());
  }

  @Test
  void cpuQuotaThrottlesAndUsageIsCounted() {
    Cgroup cgroup = create(newName(), 128);
    Process child =
        joinAndRun(cgroup, "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done");

    await().atMost(60, SECONDS).until(() -> !child.isAlive());

    CgroupStats stats = cgroup.stats();
    assertEquals(0, child.exitValue());
    assertTrue(stats.cpuUsageNanos() > 10_000_000L, stats.toString());
    assertTrue(stats.nrThrottled() > 0, stats.toString());
    assertTrue(stats.throttledNanos() > 0, stats.toString());
    assertFalse(cgroup.oomKilled());
  }

  @Test
  void removeStaleRemovesLeftoversOfACrashedRun() {
    String stale = newName();
    cgroups.create(stale, CgroupLimits.forMemory(128, hostCpus()));
    String kept = newName();
    create(kept, 128);

    cgroups.removeStale(stale::equals);

    assertFalse(cgroups.list().contains(stale));
    assertTrue(cgroups.list().contains(kept));
    for (String hierarchy : HIERARCHIES) {
      assertFalse(Files.exists(dir(hierarchy, stale)));
    }
  }

  private Cgroup create(String name, int memoryMb) {
    Cgroup cgroup = cgroups.create(name, CgroupLimits.forMemory(memoryMb, hostCpus()));
    created.add(cgroup);
    return cgroup;
  }

  /** Starts sh, which writes "0" into every procs file (joining itself) and then runs script. */
  private Process joinAndRun(Cgroup cgroup, String script) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "for f; do echo 0 > \"$f\" || exit 3; done; " + script, "sh"));
    cgroup.procsFiles().forEach(p -> command.add(p.toString()));
    try {
      Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
      children.add(child);
      return child;
    } catch (IOException e) {
      throw new AssertionError("cannot start sh", e);
    }
  }

  private static void assertInAllHierarchies(long pid, String name) throws IOException {
    String membership = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
    for (String hierarchy : HIERARCHIES) {
      assertTrue(
          membership.lines().anyMatch(l -> l.matches("\\d+:" + hierarchy + ":/flint/" + name)),
          hierarchy + " in\n" + membership);
    }
  }

  private static Path dir(String hierarchy, String name) {
    return cgroups.describe().mountPoints().get(hierarchy).resolve("flint").resolve(name);
  }

  private static String read(Path dir, String file) throws IOException {
    return Files.readString(dir.resolve(file)).strip();
  }

  private static String newName() {
    return SESSION + COUNTER.incrementAndGet();
  }

  private static int hostCpus() {
    return Runtime.getRuntime().availableProcessors();
  }
}
