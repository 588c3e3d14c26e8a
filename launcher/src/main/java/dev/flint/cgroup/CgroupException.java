package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A cgroup operation failed. The message reads "stage: ERRNO: what on 'path': reason", all
 * lowercase except the errno name, plus a "hint:" line when the cause is known, e.g.
 *
 * <pre>
 * cgroup-create: ENOENT: write '+memory +cpu +pids' on '/sys/fs/cgroup/cgroup.subtree_control': no such file or directory
 * hint: the controllers are bound to cgroup v1 hierarchies on this host (hybrid mode)
 * </pre>
 */
public final class CgroupException extends RuntimeException {

  private final CgroupStage stage;
  private final String errno;
  private final Path path;
  private final String hint;

  public CgroupException(
      CgroupStage stage, String errno, String what, Path path, String reason, String hint,
      Throwable cause) {
    super(format(stage, errno, what, path, reason, hint), cause);
    this.stage = stage;
    this.errno = errno;
    this.path = path;
    this.hint = hint;
  }

  /** Wraps a java.nio failure, recovering the errno name from it. */
  static CgroupException fromIo(
      CgroupStage stage, String what, Path path, IOException cause, String hint) {
    return new CgroupException(
        stage, Errno.nameOf(cause), what, path, Errno.reasonOf(cause), hint, cause);
  }

  static CgroupException fromIo(CgroupStage stage, String what, Path path, IOException cause) {
    return fromIo(stage, what, path, cause, null);
  }

  public CgroupStage stage() {
    return stage;
  }

  /** The errno name, e.g. "EBUSY". */
  public String errno() {
    return errno;
  }

  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }

  private static String format(
      CgroupStage stage, String errno, String what, Path path, String reason, String hint) {
    StringBuilder message = new StringBuilder();
    message.append(stage.label()).append(": ").append(errno).append(": ").append(what);
    if (path != null) {
      message.append(" on '").append(path).append('\'');
    }
    if (reason != null && !reason.isEmpty()) {
      message.append(": ").append(reason);
    }
    if (hint != null) {
      message.append("\nhint: ").append(hint);
    }
    return message.toString();
  }
}
