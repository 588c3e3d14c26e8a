package dev.flint.cgroup;

/**
 * The closed list of steps that can fail in this package. The label is the first word of every
 * {@link CgroupException} message, so logs and the CLI show where it broke.
 */
public enum CgroupStage {
  DETECT("cgroup-detect"),
  CREATE("cgroup-create"),
  ATTACH("cgroup-attach"),
  STATS("cgroup-stats"),
  KILL("cgroup-kill"),
  REMOVE("cgroup-remove"),
  LIST("cgroup-list");

  private final String label;

  CgroupStage(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
