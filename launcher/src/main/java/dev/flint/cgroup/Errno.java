package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.Map;

/**
 * Recovers the errno name from a java.nio exception. The JDK keeps only strerror text (the
 * "reason"), and a write to a kernel file fails with a plain {@link IOException} whose message is
 * that text, so the text is matched as well as the type.
 */
final class Errno {

  private static final Map<String, String> BY_STRERROR =
      Map.ofEntries(
          Map.entry("operation not permitted", "EPERM"),
          Map.entry("no such file or directory", "ENOENT"),
          Map.entry("no such process", "ESRCH"),
          Map.entry("interrupted system call", "EINTR"),
          Map.entry("input/output error", "EIO"),
          Map.entry("resource temporarily unavailable", "EAGAIN"),
          Map.entry("cannot allocate memory", "ENOMEM"),
          Map.entry("permission denied", "EACCES"),
          Map.entry("device or resource busy", "EBUSY"),
          Map.entry("file exists", "EEXIST"),
          Map.entry("no such device", "ENODEV"),
          Map.entry("not a directory", "ENOTDIR"),
          Map.entry("is a directory", "EISDIR"),
          Map.entry("invalid argument", "EINVAL"),
          Map.entry("no space left on device", "ENOSPC"),
          Map.entry("read-only file system", "EROFS"),
          Map.entry("directory not empty", "ENOTEMPTY"),
          Map.entry("operation not supported", "EOPNOTSUPP"),
          Map.entry("too many open files", "EMFILE"));

  private Errno() {}

  /** The errno name, e.g. "EBUSY"; "EIO" when the cause cannot be recognised. */
  static String nameOf(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "EACCES";
    }
    if (e instanceof NoSuchFileException) {
      return "ENOENT";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "EEXIST";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "ENOTEMPTY";
    }
    return BY_STRERROR.getOrDefault(reasonOf(e), "EIO");
  }

  /** The strerror-like text, lowercase, without the file names the JDK prepends. */
  static String reasonOf(IOException e) {
    String text;
    if (e instanceof FileSystemException) {
      text = ((FileSystemException) e).getReason();
      if (text == null) {
        text = defaultReason(e);
      }
    } else {
      text = e.getMessage();
    }
    return text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
  }

  private static String defaultReason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "file exists";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "directory not empty";
    }
    return "";
  }
}
