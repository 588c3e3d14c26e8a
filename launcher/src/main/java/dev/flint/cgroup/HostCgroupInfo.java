package dev.flint.cgroup;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code flint doctor} prints about the host's cgroups.
 *
 * @param version the hierarchy flint uses
 * @param controllers every controller available in that hierarchy (v1: every mounted v1
 *     controller; v2: the root's {@code cgroup.controllers}), sorted
 * @param mountPoints controller → the mount that carries it (v2: every controller → the root)
 * @param memswAvailable swap accounting is on, so "no swap" can be enforced
 *     ({@code memory.memsw.*} on v1, {@code memory.swap.max} on v2)
 */
public record HostCgroupInfo(
    CgroupVersion version,
    List<String> controllers,
    Map<String, Path> mountPoints,
    boolean memswAvailable) {

  public HostCgroupInfo {
    controllers = List.copyOf(controllers);
    mountPoints = Map.copyOf(mountPoints);
  }
}
