package dev.flint.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A sandbox cgroup on v1: the same name in each of the memory, cpu, cpuacct and pids trees. */
final class CgroupV1 implements Cgroup {

  private final String name;
  private final V1Layout layout;
  private final CgroupFiles files;
  private final List<Path> directories;
  private final List<Path> procsFiles;
  private volatile boolean closed;

  CgroupV1(String name, V1Layout layout, CgroupFiles files) {
    this.name = name;
    this.layout = layout;
    this.files = files;
    List<Path> dirs = new ArrayList<>();
    List<Path> procs = new ArrayList<>();
    for (Path mount : layout.mounts()) {
      Path dir = mount.resolve(V1Layout.PARENT_NAME).resolve(name);
      dirs.add(dir);
      procs.add(dir.resolve("cgroup.procs"));
    }
    this.directories = List.copyOf(dirs);
    this.procsFiles = List.copyOf(procs);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, String> controllerPaths() {
    Map<String, String> paths = new LinkedHashMap<>();
    for (String controller : V1Layout.controllers()) {
      paths.put(controller, "/" + V1Layout.PARENT_NAME + "/" + name);
    }
    return paths;
  }

  @Override
  public List<Path> procsFiles() {
    return procsFiles;
  }

  /** One directory per distinct hierarchy, in procs-file order. */
  List<Path> directories() {
    return directories;
  }

  Path memoryDir() {
    return layout.dir("memory", name);
  }

  Path cpuDir() {
    return layout.dir("cpu", name);
  }

  Path cpuacctDir() {
    return layout.dir("cpuacct", name);
  }

  Path pidsDir() {
    return layout.dir("pids", name);
  }

  @Override
  public void attach(long pid) {
    ProcsFiles.attach(files.fs(), procsFiles, pid);
  }

  @Override
  public void setCpuQuota(long quotaUs, long periodUs) {
    files.write(CgroupStage.CREATE, cpuDir().resolve("cpu.cfs_quota_us"), quotaUs <= 0 ? "-1" : Long.toString(quotaUs));
  }

  @Override
  public long peakMemoryBytes() {
    return files.readLong(CgroupStage.STATS, memoryDir().resolve("memory.max_usage_in_bytes"));
  }

  @Override
  public CgroupStats stats() {
    CgroupStage s = CgroupStage.STATS;
    Path memory = memoryDir();
    Map<String, Long> cpuStat = files.readKeyed(s, cpuDir().resolve("cpu.stat"));
    return new CgroupStats(
        peakMemoryBytes(),
        files.readLong(s, memory.resolve("memory.usage_in_bytes")),
        files.readLong(s, cpuacctDir().resolve("cpuacct.usage")),
        // oom_kill in memory.oom_control since Linux 4.13; failcnt does not count OOM kills.
        files.readKeyOrZero(s, memory.resolve("memory.oom_control"), "oom_kill"),
        files.readKeyOrZero(s, pidsDir().resolve("pids.events"), "max"),
        cpuStat.getOrDefault("nr_throttled", 0L),
        cpuStat.getOrDefault("throttled_time", 0L));
  }

  @Override
  public void killAll() {
    ProcessKiller.killUntilEmpty(
        () -> ProcsFiles.readAll(files.fs(), procsFiles), memoryDir(),
        ProcessKiller.DEFAULT_TIMEOUT);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    killAll();
    CgroupException first = null;
    for (Path dir : directories) {
      try {
        Rmdir.removeRetryingBusy(files.fs(), dir);
      } catch (CgroupException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
    closed = true;
  }

  @Override
  public String toString() {
    return "CgroupV1[" + name + " in " + layout.mounts() + "]";
  }
}
