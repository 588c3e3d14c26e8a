package dev.flint.cgroup;

import java.nio.file.Path;
import java.util.List;

/**
 * One cgroup or cgroup2 line of {@code /proc/self/mountinfo}.
 *
 * @param mountPoint where the hierarchy is mounted
 * @param version V1 for fstype {@code cgroup}, V2 for {@code cgroup2}
 * @param controllers v1: the controllers bound to this hierarchy, from the super options (cpu and
 *     cpuacct may share one); v2: empty, the controllers are in {@code cgroup.controllers}
 */
record CgroupMount(Path mountPoint, CgroupVersion version, List<String> controllers) {

  CgroupMount {
    controllers = List.copyOf(controllers);
  }
}
