package dev.flint.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One sandbox's cgroup. Closing it kills what is left inside and removes it everywhere. */
public interface Cgroup extends AutoCloseable {

  String name();

  /**
   * Every {@code cgroup.procs} the sandbox child writes "0" into to join, in a stable order (v1:
   * memory, cpu, cpuacct when mounted separately, pids; v2: exactly one).
   */
  List<Path> procsFiles();

  /**
   * This cgroup's path below each hierarchy's root, by controller: v1 {@code {"memory":
   * "/flint/NAME", "cpu": ..., "cpuacct": ..., "pids": ...}}, v2 {@code {"": "/flint/NAME"}} (one
   * hierarchy for all controllers). What CRIU's {@code --cgroup-root} takes.
   */
  Map<String, String> controllerPaths();

  /** Moves an existing process into this cgroup (e.g. one restored by CRIU). */
  void attach(long pid);

  /** Reads the counters now. */
  CgroupStats stats();

  /** True once the kernel OOM-killed a process here because of this cgroup's memory limit. */
  default boolean oomKilled() {
    return stats().oomKills() > 0;
  }

  /** SIGKILLs every process in the cgroup and returns once none is left alive. */
  void killAll();

  /**
   * The peak memory use alone: one file read, for callers that need just this on every invoke
   * (the REPORT line's Max Memory Used) rather than all of {@link #stats()}.
   */
  long peakMemoryBytes();

  /**
   * Sets the CFS quota: {@code quotaUs} per {@code periodUs}, or no quota when {@code quotaUs <= 0}.
   * The launcher lifts the quota while flint-init sets a sandbox up, so set-up work is not
   * throttled by (or billed to) the function's CPU share, then applies it before the runtime runs.
   */
  void setCpuQuota(long quotaUs, long periodUs);

  /**
   * Kills what is left, then removes the directory in every hierarchy, retrying EBUSY briefly.
   * Idempotent; a directory that is already gone is not an error.
   */
  @Override
  void close();
}
