package dev.flint.cgroup;

import java.io.IOException;
import java.util.Set;

/** Reads the pids currently in a cgroup (the union of its {@code cgroup.procs} files). */
@FunctionalInterface
interface PidSource {
  Set<Long> pids() throws IOException;
}
