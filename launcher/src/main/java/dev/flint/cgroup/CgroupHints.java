package dev.flint.cgroup;

import java.nio.file.Path;

/** Hint lines for errors whose cause is known. */
final class CgroupHints {

  static final String CONTROLLERS_ELSEWHERE =
      "the controllers are bound to cgroup v1 hierarchies (hybrid host) or not delegated to this"
          + " cgroup namespace; use cgroup v1, boot with systemd.unified_cgroup_hierarchy=1, or"
          + " delegate memory, cpu and pids to the container";

  private CgroupHints() {}

  static String subtreeBusy(Path dir) {
    return "'"
        + dir
        + "' holds processes, and cgroup v2 only lets a cgroup without processes enable"
        + " controllers for its children; move the supervisor out of the root cgroup into a leaf"
        + " (e.g. ROOT/supervisor)";
  }
}
