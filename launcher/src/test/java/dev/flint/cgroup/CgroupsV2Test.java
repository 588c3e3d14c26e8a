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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CgroupsV2Test {

  /** What the kernel creates in a non-root v2 cgroup with memory, cpu and pids enabled above. */
  static final String[] V2_FILES = {
    "cgroup.procs", "cgroup.subtree_control", "cgroup.kill", "memory.max", "memory.swap.max",
    "memory.current", "memory.peak", "memory.events", "cpu.max", "cpu.weight", "cpu.stat",
    "pids.max", "pids.events"
  };

  @TempDir Path root;
  FakeCgroupFs fs;
  Process child;

  @BeforeEach
  void pureV2Host() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma\n");
    Files.writeString(root.resolve("cgroup.subtree_control"), "");
    fs = new FakeCgroupFs().interfaceFiles(root, V2_FILES);
  }

  @AfterEach
  void killChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "{0} mb on {1} cpus")
  @CsvSource({
    "128,  1, 134217728,  1447 20000,  7",
    "128,  2, 134217728,  1447 20000,  7",
    "1769, 1, 1854930944, 20000 20000, 100",
    "1769, 2, 1854930944, 20000 20000, 100",
    "3008, 1, 3154116608, 20000 20000, 170",
    "3008, 2, 3154116608, 34008 20000, 170",
  })
  void createWritesLimits(int mb, int cpus, String memoryMax, String cpuMax, String weight)
      throws IOException {
    Cgroup cgroup = new CgroupsV2(root, fs).create("1234-7", CgroupLimits.forMemory(mb, cpus));

    Path dir = root.resolve("flint/1234-7");
    assertEquals(memoryMax, read(dir, "memory.max"));
    assertEquals("0", read(dir, "memory.swap.max"));
    assertEquals(cpuMax, read(dir, "cpu.max"));
    assertEquals(weight, read(dir, "cpu.weight"));
    assertEquals("1024", read(dir, "pids.max"));
    assertEquals(List.of(dir.resolve("cgroup.procs")), cgroup.procsFiles());
    assertEquals("1234-7", cgroup.name());
  }

  @Test
  void createEnablesControllersInRootAndFlintParent() throws IOException {
    new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));

    assertEquals("+memory +cpu +pids", read(root, "cgroup.subtree_control"));
    assertEquals("+memory +cpu +pids", read(root.resolve("flint"), "cgroup.subtree_control"));
  }

  @Test
  void createWritesOnlyControllersNotYetEnabled() throws IOException {
    Files.writeString(root.resolve("cgroup.subtree_control"), "cpu memory\n");

    new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));

    assertEquals("+pids", read(root, "cgroup.subtree_control"));
  }

  @Test
  void withoutSwapAccountingSwapMaxIsSkipped() throws IOException {
    fs = new FakeCgroupFs().interfaceFiles(root, without("memory.swap.max"));
    CgroupsV2 cgroups = new CgroupsV2(root, fs);

    cgroups.create("1-1", CgroupLimits.forMemory(128, 1));

    assertEquals("134217728", read(root.resolve("flint/1-1"), "memory.max"));
    assertFalse(Files.exists(root.resolve("flint/1-1/memory.swap.max")));
    assertFalse(cgroups.describe().memswAvailable());
  }

  @Test
  void missingControllerFailsWithHintAndCreatesNothing() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "hugetlb\n");

    CgroupException e =
        assertThrows(
            CgroupException.class,
            () -> new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1)));

    assertEquals(
        "cgroup-create: ENOENT: controllers memory, cpu, pids missing from cgroup.controllers on '"
            + root.resolve("cgroup.controllers") + "'",
        e.getMessage().lines().findFirst().orElseThrow());
    assertTrue(e.hint().orElseThrow().contains("bound to cgroup v1"), e.getMessage());
    assertFalse(Files.exists(root.resolve("flint")));
  }

  @Test
  void busySubtreeControlHintsAtMovingOutOfRoot() {
    fs.failWrites(root.resolve("cgroup.subtree_control"), "Device or resource busy");

    CgroupException e =
        assertThrows(
            CgroupException.class,
            () -> new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1)));

    assertEquals("EBUSY", e.errno());
    assertTrue(
        e.getMessage()
            .startsWith(
                "cgroup-create: EBUSY: write '+memory +cpu +pids' on '"
                    + root.resolve("cgroup.subtree_control") + "': device or resource busy\nhint: "),
        e.getMessage());
    assertTrue(e.hint().orElseThrow().contains("move the supervisor out of the root cgroup"));
  }

  @Test
  void controllerBoundToV1HintsAtHybridHost() {
    fs.failWrites(root.resolve("cgroup.subtree_control"), "No such file or directory");

    CgroupException e =
        assertThrows(
            CgroupException.class,
            () -> new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1)));

    assertEquals("ENOENT", e.errno());
    assertTrue(e.hint().orElseThrow().contains("bound to cgroup v1"), e.getMessage());
  }

  @Test
  void failedLimitWriteRemovesTheNewCgroup() {
    Path cpuMax = root.resolve("flint/1-1/cpu.max");
    fs.failWrites(cpuMax, "Invalid argument");

    CgroupException e =
        assertThrows(
            CgroupException.class,
            () -> new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1)));

    assertEquals(
        "cgroup-create: EINVAL: write '1447 20000' on '" + cpuMax + "': invalid argument",
        e.getMessage());
    assertFalse(Files.exists(root.resolve("flint/1-1")));
    assertTrue(Files.isDirectory(root.resolve("flint")), "the shared parent stays");
  }

  @Test
  void existingNameIsEexistWithHint() {
    CgroupsV2 cgroups = new CgroupsV2(root, fs);
    cgroups.create("1-1", CgroupLimits.forMemory(128, 1));

    CgroupException e =
        assertThrows(
            CgroupException.class, () -> cgroups.create("1-1", CgroupLimits.forMemory(128, 1)));

    assertEquals("EEXIST", e.errno());
    assertTrue(e.hint().orElseThrow().contains("removeStale"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "../etc", "a/b", ".hidden", "sp ace"})
  void unsafeNamesAreRejected(String name) {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CgroupsV2(root, fs).create(name, CgroupLimits.forMemory(128, 1)));
    assertFalse(Files.exists(root.resolve("flint").resolve("a")));
  }

  @Test
  void statsParseTheV2Files() throws IOException {
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    Path dir = root.resolve("flint/1-1");
    Files.writeString(dir.resolve("memory.current"), "1048576\n");
    Files.writeString(dir.resolve("memory.peak"), "134217728\n");
    Files.writeString(
        dir.resolve("cpu.stat"),
        "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\n"
            + "throttled_usec 7000\nnr_bursts 0\nburst_usec 0\n");
    Files.writeString(
        dir.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 3\noom_kill 1\noom_group_kill 0\n");
    Files.writeString(dir.resolve("pids.events"), "max 3\n");

    assertEquals(
        new CgroupStats(134_217_728, 1_048_576, 2_500_000, 1, 3, 4, 7_000_000), cgroup.stats());
    assertTrue(cgroup.oomKilled());
  }

  @Test
  void noOomKillMeansNotOomKilledEvenWithMaxEvents() throws IOException {
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    Path dir = root.resolve("flint/1-1");
    writeIdleCounters(dir);
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 40\noom 0\noom_kill 0\n");

    assertFalse(cgroup.oomKilled());
  }

  @Test
  void peakFallsBackToCurrentOnKernelsWithoutMemoryPeak() throws IOException {
    fs = new FakeCgroupFs().interfaceFiles(root, without("memory.peak"));
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    Path dir = root.resolve("flint/1-1");
    writeIdleCounters(dir);
    Files.writeString(dir.resolve("memory.current"), "4096\n");

    assertEquals(4096, cgroup.stats().peakMemoryBytes());
  }

  @Test
  void unparsableCounterIsACgroupException() throws IOException {
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    Path dir = root.resolve("flint/1-1");
    writeIdleCounters(dir);
    Files.writeString(dir.resolve("memory.current"), "lots\n");

    CgroupException e = assertThrows(CgroupException.class, cgroup::stats);

    assertEquals(
        "cgroup-stats: EINVAL: parse 'lots' on '" + dir.resolve("memory.current")
            + "': not a number where one was expected",
        e.getMessage());
  }

  @Test
  void killAllUsesCgroupKill() throws IOException {
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));

    cgroup.killAll();

    assertEquals("1", read(root.resolve("flint/1-1"), "cgroup.kill"));
  }

  @Test
  void killAllWithoutCgroupKillKillsEveryListedProcess() throws IOException {
    fs = new FakeCgroupFs().interfaceFiles(root, without("cgroup.kill"));
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    child = new ProcessBuilder("sleep", "60").start();
    cgroup.attach(child.pid());

    cgroup.killAll();

    await().atMost(5, SECONDS).until(() -> !child.isAlive());
    assertEquals(137, child.exitValue(), "killed by SIGKILL");
  }

  @Test
  void closeKillsThenRemovesAndIsIdempotent() throws IOException {
    fs = new FakeCgroupFs().interfaceFiles(root, without("cgroup.kill"));
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    child = new ProcessBuilder("sleep", "60").start();
    cgroup.attach(child.pid());

    cgroup.close();
    cgroup.close();

    assertFalse(child.isAlive());
    assertFalse(Files.exists(root.resolve("flint/1-1")));
  }

  @Test
  void closeOfAnAlreadyRemovedCgroupDoesNotThrow() throws IOException {
    Cgroup cgroup = new CgroupsV2(root, fs).create("1-1", CgroupLimits.forMemory(128, 1));
    fs.rmdir(root.resolve("flint/1-1"));

    cgroup.close();

    assertFalse(Files.exists(root.resolve("flint/1-1")));
  }

  @Test
  void listAndRemoveStale() {
    CgroupsV2 cgroups = new CgroupsV2(root, fs);
    cgroups.create("99-1", CgroupLimits.forMemory(128, 1));
    cgroups.create("99-2", CgroupLimits.forMemory(256, 1));
    cgroups.create("100-1", CgroupLimits.forMemory(128, 1));
    assertEquals(List.of("100-1", "99-1", "99-2"), cgroups.list());

    cgroups.removeStale(name -> name.startsWith("99-"));

    assertEquals(List.of("100-1"), cgroups.list());
    assertFalse(Files.exists(root.resolve("flint/99-1")));
  }

  @Test
  void listIsEmptyBeforeTheParentExists() {
    assertEquals(List.of(), new CgroupsV2(root, fs).list());
  }

  @Test
  void describeReportsControllersMountAndSwap() {
    CgroupsV2 cgroups = new CgroupsV2(root, fs);
    cgroups.create("1-1", CgroupLimits.forMemory(128, 1));

    HostCgroupInfo info = cgroups.describe();

    assertEquals(CgroupVersion.V2, info.version());
    assertEquals(List.of("cpu", "cpuset", "hugetlb", "io", "memory", "pids", "rdma"), info.controllers());
    assertEquals(root, info.mountPoints().get("memory"));
    assertEquals(7, info.mountPoints().size());
    assertTrue(info.memswAvailable());
    assertEquals(Map.copyOf(info.mountPoints()), info.mountPoints());
  }

  @Test
  void describeProbesSwapOnAnotherChildBeforeFlintExists() throws IOException {
    Path systemSlice = Files.createDirectory(root.resolve("system.slice"));
    Files.writeString(systemSlice.resolve("memory.swap.max"), "max\n");

    HostCgroupInfo info = new CgroupsV2(root, fs).describe();

    assertTrue(info.memswAvailable());
    assertFalse(Files.exists(root.resolve("flint")), "describe() creates nothing");
  }

  private static void writeIdleCounters(Path dir) throws IOException {
    Files.writeString(dir.resolve("memory.current"), "0\n");
    if (Files.exists(dir.resolve("memory.peak"))) {
      Files.writeString(dir.resolve("memory.peak"), "0\n");
    }
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec 0\nnr_throttled 0\nthrottled_usec 0\n");
  }

  private static String read(Path dir, String file) throws IOException {
    return Files.readString(dir.resolve(file));
  }

  private static String[] without(String name) {
    return Arrays.stream(V2_FILES).filter(f -> !f.equals(name)).toArray(String[]::new);
  }
}
