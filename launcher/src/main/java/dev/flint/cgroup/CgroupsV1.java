package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * cgroup v1: one hierarchy per controller, so a sandbox cgroup is one directory in each of the
 * memory, cpu, cpuacct (when not co-mounted with cpu) and pids hierarchies, each under a {@code
 * flint} parent.
 */
public final class CgroupsV1 implements Cgroups {

  static final List<String> REQUIRED_CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids");

  private final Map<String, Path> controllerMounts;
  private final CgroupFiles files;
  private final V1Layout layout;

  /**
   * @param controllerMounts controller name → mount point of its hierarchy (cpu and cpuacct may
   *     map to the same one); must contain memory, cpu, cpuacct and pids
   */
  public CgroupsV1(Map<String, Path> controllerMounts) {
    this(controllerMounts, CgroupFs.LIVE);
  }

  CgroupsV1(Map<String, Path> controllerMounts, CgroupFs fs) {
    this.controllerMounts = new TreeMap<>(Objects.requireNonNull(controllerMounts, "mounts"));
    List<String> missing = new ArrayList<>(REQUIRED_CONTROLLERS);
    missing.removeAll(this.controllerMounts.keySet());
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "cgroup v1 needs mounts for " + String.join(", ", missing));
    }
    this.files = new CgroupFiles(fs);
    this.layout = new V1Layout(this.controllerMounts);
  }

  @Override
  public CgroupVersion version() {
    return CgroupVersion.V1;
  }

  @Override
  public HostCgroupInfo describe() {
    return new HostCgroupInfo(
        CgroupVersion.V1,
        new ArrayList<>(controllerMounts.keySet()),
        controllerMounts,
        memswAvailable());
  }

  @Override
  public Cgroup create(String name, CgroupLimits limits) {
    CgroupName.check(name);
    Objects.requireNonNull(limits, "limits");
    for (Path mount : layout.mounts()) {
      files.mkdirShared(CgroupStage.CREATE, mount.resolve(V1Layout.PARENT_NAME));
    }
    CgroupV1 cgroup = new CgroupV1(name, layout, files);
    List<Path> created = new ArrayList<>();
    try {
      for (Path dir : cgroup.directories()) {
        files.mkdirNew(dir);
        created.add(dir);
      }
      writeLimits(cgroup, limits);
    } catch (RuntimeException e) {
      for (int i = created.size() - 1; i >= 0; i--) {
        try {
          Rmdir.removeRetryingBusy(files.fs(), created.get(i));
        } catch (RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
    return cgroup;
  }

  @Override
  public List<String> list() {
    TreeSet<String> names = new TreeSet<>();
    for (Path mount : layout.mounts()) {
      Path parent = mount.resolve(V1Layout.PARENT_NAME);
      try {
        for (Path dir : files.fs().subdirectories(parent)) {
          names.add(dir.getFileName().toString());
        }
      } catch (IOException e) {
        throw CgroupException.fromIo(CgroupStage.LIST, "list", parent, e);
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public void removeStale(Predicate<String> isStale) {
    StaleRemoval.removeAll(list(), isStale, name -> new CgroupV1(name, layout, files));
  }

  private void writeLimits(CgroupV1 cgroup, CgroupLimits limits) {
    CgroupStage s = CgroupStage.CREATE;
    Path memory = cgroup.memoryDir();
    String bytes = Long.toString(limits.memoryBytes());
    // memsw is memory+swap and must stay >= limit_in_bytes, so on a fresh (unlimited) cgroup the
    // plain limit goes first. Equal values mean no swap at all.
    files.write(s, memory.resolve("memory.limit_in_bytes"), bytes);
    if (memswAvailable()) {
      files.write(s, memory.resolve("memory.memsw.limit_in_bytes"), bytes);
    }
    try {
      files.fs().write(memory.resolve("memory.swappiness"), "0");
    } catch (IOException ignored) {
      // Best effort: memsw already forbids swap; some kernels refuse swappiness in children.
    }
    Path cpu = cgroup.cpuDir();
    files.write(s, cpu.resolve("cpu.cfs_period_us"), Long.toString(limits.cpuPeriodUs()));
    files.write(s, cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaUs()));
    files.write(s, cpu.resolve("cpu.shares"), Integer.toString(limits.cpuShares()));
    files.write(s, cgroup.pidsDir().resolve("pids.max"), Integer.toString(limits.pidsMax()));
  }

  /** The memsw files exist in every memory cgroup, the root included, iff swap accounting is on. */
  private boolean memswAvailable() {
    return files.fs().exists(layout.mount("memory").resolve("memory.memsw.limit_in_bytes"));
  }
}
