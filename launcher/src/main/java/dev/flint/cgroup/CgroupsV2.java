package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * cgroup v2: one directory per sandbox under {@code ROOT/flint}. Controllers reach a cgroup only
 * if every ancestor lists them in {@code cgroup.subtree_control}, so the root and {@code flint/}
 * enable memory, cpu and pids. {@code flint/} itself never holds a process (the
 * no-internal-processes rule would otherwise refuse that enabling with EBUSY).
 */
public final class CgroupsV2 implements Cgroups {

  static final List<String> REQUIRED_CONTROLLERS = List.of("memory", "cpu", "pids");
  static final String PARENT_NAME = "flint";

  private final Path root;
  private final Path parent;
  private final CgroupFiles files;
  private volatile boolean parentReady;

  /** @param root the cgroup2 mount, usually {@code /sys/fs/cgroup} */
  public CgroupsV2(Path root) {
    this(root, CgroupFs.LIVE);
  }

  CgroupsV2(Path root, CgroupFs fs) {
    this.root = Objects.requireNonNull(root, "root");
    this.parent = root.resolve(PARENT_NAME);
    this.files = new CgroupFiles(fs);
  }

  @Override
  public CgroupVersion version() {
    return CgroupVersion.V2;
  }

  @Override
  public HostCgroupInfo describe() {
    List<String> controllers = new ArrayList<>(availableControllers(CgroupStage.DETECT));
    controllers.sort(null);
    Map<String, Path> mounts = new LinkedHashMap<>();
    controllers.forEach(c -> mounts.put(c, root));
    return new HostCgroupInfo(CgroupVersion.V2, controllers, mounts, swapAccounting());
  }

  @Override
  public Cgroup create(String name, CgroupLimits limits) {
    CgroupName.check(name);
    Objects.requireNonNull(limits, "limits");
    ensureParent();
    Path dir = parent.resolve(name);
    files.mkdirNew(dir);
    try {
      writeLimits(dir, limits);
    } catch (RuntimeException e) {
      removeQuietly(dir, e);
      throw e;
    }
    return new CgroupV2(name, dir, files);
  }

  @Override
  public List<String> list() {
    try {
      List<String> names = new ArrayList<>();
      for (Path dir : files.fs().subdirectories(parent)) {
        names.add(dir.getFileName().toString());
      }
      names.sort(null);
      return names;
    } catch (IOException e) {
      throw CgroupException.fromIo(CgroupStage.LIST, "list", parent, e);
    }
  }

  @Override
  public void removeStale(Predicate<String> isStale) {
    StaleRemoval.removeAll(list(), isStale, name -> new CgroupV2(name, parent.resolve(name), files));
  }

  private void writeLimits(Path dir, CgroupLimits limits) {
    files.write(CgroupStage.CREATE, dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
    // Absent when swap accounting is off; then there is no swap to forbid through the cgroup.
    if (swapAccounting()) {
      files.write(CgroupStage.CREATE, dir.resolve("memory.swap.max"), "0");
    }
    files.write(
        CgroupStage.CREATE, dir.resolve("cpu.max"),
        limits.cpuQuotaUs() + " " + limits.cpuPeriodUs());
    files.write(CgroupStage.CREATE, dir.resolve("cpu.weight"), Integer.toString(limits.cpuWeight()));
    files.write(CgroupStage.CREATE, dir.resolve("pids.max"), Integer.toString(limits.pidsMax()));
  }

  /**
   * {@code memory.swap.*} never exists in the root cgroup, so swap accounting is probed on {@code
   * flint/}, or on any other child before {@code flint/} exists.
   */
  private boolean swapAccounting() {
    CgroupFs fs = files.fs();
    if (fs.exists(parent)) {
      return fs.exists(parent.resolve("memory.swap.max"));
    }
    try {
      return fs.subdirectories(root).stream().anyMatch(d -> fs.exists(d.resolve("memory.swap.max")));
    } catch (IOException e) {
      return false;
    }
  }

  private synchronized void ensureParent() {
    if (parentReady) {
      return;
    }
    Set<String> available = availableControllers(CgroupStage.CREATE);
    List<String> missing = new ArrayList<>(REQUIRED_CONTROLLERS);
    missing.removeAll(available);
    if (!missing.isEmpty()) {
      throw new CgroupException(
          CgroupStage.CREATE, "ENOENT",
          "controllers " + String.join(", ", missing) + " missing from cgroup.controllers",
          root.resolve("cgroup.controllers"), null, CgroupHints.CONTROLLERS_ELSEWHERE, null);
    }
    enableControllers(root);
    files.mkdirShared(CgroupStage.CREATE, parent);
    enableControllers(parent);
    parentReady = true;
  }

  /** Enables the required controllers for the children of {@code dir}, writing only what is off. */
  private void enableControllers(Path dir) {
    Path control = dir.resolve("cgroup.subtree_control");
    Set<String> enabled;
    try {
      enabled = CgroupFiles.controllerTokens(files.fs().read(control));
    } catch (NoSuchFileException e) {
      enabled = Set.of();
    } catch (IOException e) {
      throw CgroupException.fromIo(CgroupStage.CREATE, "read", control, e);
    }
    List<String> toEnable = new ArrayList<>();
    for (String controller : REQUIRED_CONTROLLERS) {
      if (!enabled.contains(controller)) {
        toEnable.add("+" + controller);
      }
    }
    if (toEnable.isEmpty()) {
      return;
    }
    String value = String.join(" ", toEnable);
    try {
      files.fs().write(control, value);
    } catch (IOException e) {
      String errno = Errno.nameOf(e);
      String hint =
          errno.equals("EBUSY")
              ? CgroupHints.subtreeBusy(dir)
              : errno.equals("ENOENT") ? CgroupHints.CONTROLLERS_ELSEWHERE : null;
      throw CgroupException.fromIo(CgroupStage.CREATE, "write '" + value + "'", control, e, hint);
    }
  }

  private Set<String> availableControllers(CgroupStage stage) {
    return CgroupFiles.controllerTokens(files.read(stage, root.resolve("cgroup.controllers")));
  }

  private void removeQuietly(Path dir, RuntimeException primary) {
    try {
      Rmdir.removeRetryingBusy(files.fs(), dir);
    } catch (RuntimeException cleanup) {
      primary.addSuppressed(cleanup);
    }
  }
}
