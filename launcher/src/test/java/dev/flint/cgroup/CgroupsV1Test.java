package dev.flint.cgroup;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgroupsV1Test {

  @TempDir Path tmp;
  Path memory;
  Path cpu;
  Path cpuacct;
  Path pids;
  Map<String, Path> mounts;
  FakeCgroupFs fs;
  Process child;

  /** Like this host: cpu and cpuacct are separate hierarchies, swap accounting is on. */
  @BeforeEach
  void hybridHost() throws IOException {
    memory = Files.createDirectory(tmp.resolve("memory"));
    cpu = Files.createDirectory(tmp.resolve("cpu"));
    cpuacct = Files.createDirectory(tmp.resolve("cpuacct"));
    pids = Files.createDirectory(tmp.resolve("pids"));
    Files.writeString(memory.resolve("memory.memsw.limit_in_bytes"), "9223372036854771712\n");
    mounts = Map.of("memory", memory, "cpu", cpu, "cpuacct", cpuacct, "pids", pids);
    fs = fakeKernel(true);
  }

  @AfterEach
  void killChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  private FakeCgroupFs fakeKernel(boolean memsw) {
    List<String> memoryFiles =
        new ArrayList<>(
            List.of(
                "cgroup.procs", "memory.limit_in_bytes", "memory.swappiness",
                "memory.max_usage_in_bytes", "memory.usage_in_bytes", "memory.oom_control",
                "memory.failcnt"));
    if (memsw) {
      memoryFiles.add("memory.memsw.limit_in_bytes");
    }
    return new FakeCgroupFs()
        .interfaceFiles(memory, memoryFiles.toArray(String[]::new))
        .interfaceFiles(
            cpu, "cgroup.procs", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.shares", "cpu.stat")
        .interfaceFiles(cpuacct, "cgroup.procs", "cpuacct.usage")
        .interfaceFiles(pids, "cgroup.procs", "pids.max", "pids.events");
  }

  @ParameterizedTest(name = "{0} mb on {1} cpus")
  @CsvSource({
    "128,  1, 134217728,  1447,  128",
    "128,  2, 134217728,  1447,  128",
    "1769, 1, 1854930944, 20000, 1769",
    "3008, 1, 3154116608, 20000, 3008",
    "3008, 2, 3154116608, 34008, 3008",
  })
  void createWritesLimitsInEveryHierarchy(int mb, int cpus, String bytes, String quota, String shares)
      throws IOException {
    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1234-7", CgroupLimits.forMemory(mb, cpus));

    Path mem = memory.resolve("flint/1234-7");
    assertEquals(bytes, read(mem, "memory.limit_in_bytes"));
    assertEquals(bytes, read(mem, "memory.memsw.limit_in_bytes"));
    assertEquals("0", read(mem, "memory.swappiness"));
    Path cpuDir = cpu.resolve("flint/1234-7");
    assertEquals("20000", read(cpuDir, "cpu.cfs_period_us"));
    assertEquals(quota, read(cpuDir, "cpu.cfs_quota_us"));
    assertEquals(shares, read(cpuDir, "cpu.shares"));
    assertEquals("1024", read(pids.resolve("flint/1234-7"), "pids.max"));
    assertTrue(Files.isDirectory(cpuacct.resolve("flint/1234-7")));
    assertEquals(
        List.of(
            memory.resolve("flint/1234-7/cgroup.procs"),
            cpu.resolve("flint/1234-7/cgroup.procs"),
            cpuacct.resolve("flint/1234-7/cgroup.procs"),
            pids.resolve("flint/1234-7/cgroup.procs")),
        cgroup.procsFiles());
  }

  @Test
  void withoutSwapAccountingMemswIsSkipped() throws IOException {
    Files.delete(memory.resolve("memory.memsw.limit_in_bytes"));
    fs = fakeKernel(false);
    CgroupsV1 cgroups = new CgroupsV1(mounts, fs);

    cgroups.create("1-1", CgroupLimits.forMemory(128, 1));

    assertEquals("134217728", read(memory.resolve("flint/1-1"), "memory.limit_in_bytes"));
    assertFalse(Files.exists(memory.resolve("flint/1-1/memory.memsw.limit_in_bytes")));
    assertFalse(cgroups.describe().memswAvailable());
  }

  @Test
  void refusedSwappinessIsIgnored() {
    fs.failWrites(memory.resolve("flint/1-1/memory.swappiness"), "Invalid argument");

    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1));

    assertEquals("1-1", cgroup.name());
  }

  @Test
  void coMountedCpuAndCpuacctShareOneDirectory() throws IOException {
    Path cpuBoth = Files.createDirectory(tmp.resolve("cpu,cpuacct"));
    Map<String, Path> coMounted = Map.of("memory", memory, "cpu", cpuBoth, "cpuacct", cpuBoth, "pids", pids);
    fs.interfaceFiles(
        cpuBoth, "cgroup.procs", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cpu.shares", "cpu.stat",
        "cpuacct.usage");

    Cgroup cgroup = new CgroupsV1(coMounted, fs).create("1-1", CgroupLimits.forMemory(128, 1));

    assertEquals(
        List.of(
            memory.resolve("flint/1-1/cgroup.procs"),
            cpuBoth.resolve("flint/1-1/cgroup.procs"),
            pids.resolve("flint/1-1/cgroup.procs")),
        cgroup.procsFiles());
    assertEquals("1447", read(cpuBoth.resolve("flint/1-1"), "cpu.cfs_quota_us"));
  }

  @Test
  void failedLimitWriteRemovesEveryHierarchysDirectory() {
    Path pidsMax = pids.resolve("flint/1-1/pids.max");
    fs.failWrites(pidsMax, "Operation not permitted");

    CgroupException e =
        assertThrows(
            CgroupException.class,
            () -> new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1)));

    assertEquals(
        "cgroup-create: EPERM: write '1024' on '" + pidsMax + "': operation not permitted",
        e.getMessage());
    for (Path mount : List.of(memory, cpu, cpuacct, pids)) {
      assertFalse(Files.exists(mount.resolve("flint/1-1")), mount.toString());
      assertTrue(Files.isDirectory(mount.resolve("flint")), mount.toString());
    }
  }

  @Test
  void statsParseTheV1Files() throws IOException {
    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    Path mem = memory.resolve("flint/1-1");
    Files.writeString(mem.resolve("memory.max_usage_in_bytes"), "134217728\n");
    Files.writeString(mem.resolve("memory.usage_in_bytes"), "65536\n");
    // failcnt stays 0 across a real OOM kill on this kernel: it must not be what we read.
    Files.writeString(mem.resolve("memory.failcnt"), "0\n");
    Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    Files.writeString(cpuacct.resolve("flint/1-1/cpuacct.usage"), "123456789\n");
    Files.writeString(
        cpu.resolve("flint/1-1/cpu.stat"),
        "nr_periods 726\nnr_throttled 724\nthrottled_time 9876543\nnr_bursts 0\nburst_time 0\n");
    Files.writeString(pids.resolve("flint/1-1/pids.events"), "max 1\n");

    assertEquals(
        new CgroupStats(134_217_728, 65_536, 123_456_789, 1, 1, 724, 9_876_543), cgroup.stats());
    assertTrue(cgroup.oomKilled());
  }

  @Test
  void olderKernelsWithoutOomKillLineReadZero() throws IOException {
    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    Path mem = memory.resolve("flint/1-1");
    Files.writeString(mem.resolve("memory.max_usage_in_bytes"), "1\n");
    Files.writeString(mem.resolve("memory.usage_in_bytes"), "1\n");
    Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
    Files.writeString(cpuacct.resolve("flint/1-1/cpuacct.usage"), "0\n");
    Files.writeString(cpu.resolve("flint/1-1/cpu.stat"), "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");

    assertFalse(cgroup.oomKilled());
  }

  @Test
  void killAllKillsProcessesListedInAnyHierarchy() throws IOException {
    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    child = new ProcessBuilder("sleep", "60").start();
    // Listed only in pids: a half-joined child must still be found.
    Files.writeString(pids.resolve("flint/1-1/cgroup.procs"), child.pid() + "\n");

    cgroup.killAll();

    await().atMost(5, SECONDS).until(() -> !child.isAlive());
  }

  @Test
  void attachWritesThePidIntoEveryProcsFile() throws IOException {
    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1));

    cgroup.attach(4242);

    for (Path procs : cgroup.procsFiles()) {
      assertEquals("4242", Files.readString(procs), procs.toString());
    }
  }

  @Test
  void closeRemovesEveryHierarchyAndIsIdempotent() throws IOException {
    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    child = new ProcessBuilder("sleep", "60").start();
    cgroup.attach(child.pid());

    cgroup.close();
    cgroup.close();

    assertFalse(child.isAlive());
    for (Path mount : List.of(memory, cpu, cpuacct, pids)) {
      assertFalse(Files.exists(mount.resolve("flint/1-1")), mount.toString());
    }
  }

  @Test
  void closeToleratesHierarchiesThatAreAlreadyGone() throws IOException {
    Cgroup cgroup = new CgroupsV1(mounts, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    fs.rmdir(cpu.resolve("flint/1-1"));
    fs.rmdir(pids.resolve("flint/1-1"));

    cgroup.close();

    assertFalse(Files.exists(memory.resolve("flint/1-1")));
    assertFalse(Files.exists(cpuacct.resolve("flint/1-1")));
  }

  @Test
  void listUnitesHierarchiesAndRemoveStaleCleansPartialLeftovers() throws IOException {
    CgroupsV1 cgroups = new CgroupsV1(mounts, fs);
    cgroups.create("7-1", CgroupLimits.forMemory(128, 1));
    cgroups.create("8-1", CgroupLimits.forMemory(128, 1));
    // A crash between mkdirs leaves a name in only some hierarchies.
    fs.mkdir(pids.resolve("flint/7-2"));

    assertEquals(List.of("7-1", "7-2", "8-1"), cgroups.list());

    cgroups.removeStale(name -> name.startsWith("7-"));

    assertEquals(List.of("8-1"), cgroups.list());
    assertFalse(Files.exists(pids.resolve("flint/7-2")));
  }

  @Test
  void describeListsControllersMountsAndMemsw() {
    HostCgroupInfo info = new CgroupsV1(mounts, fs).describe();

    assertEquals(CgroupVersion.V1, info.version());
    assertEquals(List.of("cpu", "cpuacct", "memory", "pids"), info.controllers());
    assertEquals(cpuacct, info.mountPoints().get("cpuacct"));
    assertTrue(info.memswAvailable());
  }

  @Test
  void missingControllerMountIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new CgroupsV1(Map.of("memory", memory, "cpu", cpu), fs));
    assertEquals("cgroup v1 needs mounts for cpuacct, pids", e.getMessage());
  }

  private static String read(Path dir, String file) throws IOException {
    return Files.readString(dir.resolve(file));
  }
}
