package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Removes a cgroup directory. rmdir can return EBUSY for a moment after the last process was
 * killed (it is still exiting), so EBUSY is retried briefly; a directory that is already gone
 * counts as removed.
 */
final class Rmdir {

  static final Duration BUSY_TIMEOUT = Duration.ofSeconds(2);
  private static final long PAUSE_NANOS = Duration.ofMillis(2).toNanos();

  private Rmdir() {}

  static void removeRetryingBusy(CgroupFs fs, Path dir) {
    long deadline = System.nanoTime() + BUSY_TIMEOUT.toNanos();
    while (true) {
      try {
        fs.rmdir(dir);
        return;
      } catch (NoSuchFileException alreadyGone) {
        return;
      } catch (IOException e) {
        boolean busy = Errno.nameOf(e).equals("EBUSY");
        if (!busy || System.nanoTime() - deadline > 0) {
          throw CgroupException.fromIo(
              CgroupStage.REMOVE, "rmdir", dir, e,
              busy ? "processes are still in the cgroup; killAll() before close()" : null);
        }
        LockSupport.parkNanos(PAUSE_NANOS);
      }
    }
  }
}
