package dev.flint.cgroup;

/** Which cgroup hierarchy flint drives on this host. */
public enum CgroupVersion {
  /** One hierarchy per controller (memory, cpu, cpuacct, pids), e.g. hybrid hosts. */
  V1,
  /** The unified hierarchy: one directory per cgroup, controllers enabled by subtree_control. */
  V2
}
