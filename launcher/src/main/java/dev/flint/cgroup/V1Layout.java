package dev.flint.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Which v1 hierarchies a flint cgroup spans. cpu and cpuacct are often co-mounted
 * ({@code /sys/fs/cgroup/cpu,cpuacct}) and sometimes separate (this host); a co-mounted pair is
 * one directory, not two.
 */
final class V1Layout {

  static final String PARENT_NAME = "flint";
  /** The order of {@link Cgroup#procsFiles()}: memory first, so the charge starts at once. */
  private static final List<String> ORDER = List.of("memory", "cpu", "cpuacct", "pids");

  private final Map<String, Path> controllerMounts;
  private final List<Path> mounts;

  V1Layout(Map<String, Path> controllerMounts) {
    this.controllerMounts = controllerMounts;
    LinkedHashSet<Path> distinct = new LinkedHashSet<>();
    for (String controller : ORDER) {
      distinct.add(controllerMounts.get(controller));
    }
    this.mounts = List.copyOf(new ArrayList<>(distinct));
  }

  /** The controllers a flint cgroup uses, in procs-file order. */
  static List<String> controllers() {
    return ORDER;
  }

  /** Distinct hierarchy mount points, in procs-file order. */
  List<Path> mounts() {
    return mounts;
  }

  Path mount(String controller) {
    return controllerMounts.get(controller);
  }

  /** The directory of cgroup {@code name} in the hierarchy carrying {@code controller}. */
  Path dir(String controller, String name) {
    return mount(controller).resolve(PARENT_NAME).resolve(name);
  }
}
