package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * SIGKILLs every process a cgroup lists until it lists none that is alive. Loops because without
 * a freezer a process can fork between our read of {@code cgroup.procs} and its kill; {@code
 * pids.max} bounds how long that can go on.
 */
final class ProcessKiller {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final long PAUSE_NANOS = Duration.ofMillis(1).toNanos();

  private ProcessKiller() {}

  static void killUntilEmpty(PidSource source, Path where, Duration timeout) {
    long self = ProcessHandle.current().pid();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<Long> pids = readOrEmpty(source, where);
      int alive = 0;
      for (long pid : pids) {
        if (pid == self) {
          // Killing the supervisor would take every env down with it; refuse loudly.
          throw new CgroupException(
              CgroupStage.KILL, "EPERM", "the supervisor itself (pid " + pid + ") is listed",
              where, null, "something attached the flint supervisor to a sandbox cgroup", null);
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isPresent() && handle.get().isAlive()) {
          handle.get().destroyForcibly();
          alive++;
        }
      }
      if (alive == 0) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new CgroupException(
            CgroupStage.KILL, "EBUSY",
            alive + " processes still alive after " + timeout.toMillis() + " ms of sigkill",
            where, null, null, null);
      }
      LockSupport.parkNanos(PAUSE_NANOS);
    }
  }

  /** A cgroup that is already gone has no processes. */
  private static Set<Long> readOrEmpty(PidSource source, Path where) {
    try {
      return source.pids();
    } catch (NoSuchFileException gone) {
      return Set.of();
    } catch (IOException e) {
      throw CgroupException.fromIo(CgroupStage.KILL, "read cgroup.procs", where, e);
    }
  }
}
