package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A sandbox cgroup on v2: one directory, one {@code cgroup.procs}. */
final class CgroupV2 implements Cgroup {

  private final String name;
  private final Path dir;
  private final CgroupFiles files;
  private final List<Path> procsFiles;
  private volatile boolean closed;

  CgroupV2(String name, Path dir, CgroupFiles files) {
    this.name = name;
    this.dir = dir;
    this.files = files;
    this.procsFiles = List.of(dir.resolve("cgroup.procs"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, String> controllerPaths() {
    return Map.of("", "/" + CgroupsV2.PARENT_NAME + "/" + name);
  }

  @Override
  public List<Path> procsFiles() {
    return procsFiles;
  }

  @Override
  public void attach(long pid) {
    ProcsFiles.attach(files.fs(), procsFiles, pid);
  }

  @Override
  public void setCpuQuota(long quotaUs, long periodUs) {
    files.write(CgroupStage.CREATE, dir.resolve("cpu.max"), (quotaUs <= 0 ? "max" : Long.toString(quotaUs)) + " " + periodUs);
  }

  @Override
  public long peakMemoryBytes() {
    // memory.peak arrived in Linux 5.19; before that the current value is the best we have.
    Path peakFile = dir.resolve("memory.peak");
    return files.readLong(CgroupStage.STATS, files.fs().exists(peakFile) ? peakFile : dir.resolve("memory.current"));
  }

  @Override
  public CgroupStats stats() {
    CgroupStage s = CgroupStage.STATS;
    long current = files.readLong(s, dir.resolve("memory.current"));
    long peak = peakMemoryBytes();
    Map<String, Long> cpuStat = files.readKeyed(s, dir.resolve("cpu.stat"));
    return new CgroupStats(
        peak,
        current,
        cpuStat.getOrDefault("usage_usec", 0L) * 1000,
        files.readKeyOrZero(s, dir.resolve("memory.events"), "oom_kill"),
        files.readKeyOrZero(s, dir.resolve("pids.events"), "max"),
        cpuStat.getOrDefault("nr_throttled", 0L),
        cpuStat.getOrDefault("throttled_usec", 0L) * 1000);
  }

  @Override
  public void killAll() {
    // cgroup.kill (Linux 5.14+) kills atomically, forks included; the loop below then only waits.
    Path kill = dir.resolve("cgroup.kill");
    if (files.fs().exists(kill)) {
      try {
        files.fs().write(kill, "1");
      } catch (NoSuchFileException gone) {
        return;
      } catch (IOException e) {
        throw CgroupException.fromIo(CgroupStage.KILL, "write '1'", kill, e);
      }
    }
    ProcessKiller.killUntilEmpty(
        () -> ProcsFiles.readAll(files.fs(), procsFiles), dir, ProcessKiller.DEFAULT_TIMEOUT);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    killAll();
    Rmdir.removeRetryingBusy(files.fs(), dir);
    closed = true;
  }

  @Override
  public String toString() {
    return "CgroupV2[" + dir + "]";
  }
}
