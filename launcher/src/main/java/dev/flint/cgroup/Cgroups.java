package dev.flint.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * The host's cgroup hierarchy manager: one per supervisor. Sandbox cgroups live under a {@code
 * flint} parent in each hierarchy ({@code /sys/fs/cgroup/memory/flint/NAME}, ... on v1, {@code
 * /sys/fs/cgroup/flint/NAME} on v2).
 */
public interface Cgroups {

  /** Where the kernel describes this process's mounts. */
  Path MOUNTINFO = Path.of("/proc/self/mountinfo");

  /**
   * Picks the hierarchy to use from {@code /proc/self/mountinfo}: v2 when its root offers memory,
   * cpu and pids, otherwise v1 when memory, cpu, cpuacct and pids are mounted.
   *
   * @throws CgroupException (stage {@code cgroup-detect}) with a hint when neither is usable
   */
  static Cgroups detect() {
    return CgroupDetector.detect(MOUNTINFO);
  }

  CgroupVersion version();

  /** Facts for {@code flint doctor}. */
  HostCgroupInfo describe();

  /**
   * Creates the cgroup {@code name} (e.g. "1234-7") in every hierarchy and writes the limits.
   * On failure nothing is left behind.
   *
   * @throws CgroupException stage {@code cgroup-create}; EEXIST when the name is taken
   * @throws IllegalArgumentException when the name is not one safe path component
   */
  Cgroup create(String name, CgroupLimits limits) throws CgroupException;

  /** Names of the flint cgroups that exist now, sorted. */
  List<String> list();

  /**
   * Kills the processes of, and removes, every flint cgroup whose name matches: leftovers of a
   * crashed run. Tries all of them; throws the first failure with the others suppressed.
   */
  void removeStale(Predicate<String> isStale);
}
