package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reading and writing {@code cgroup.procs}: one pid per line. */
final class ProcsFiles {

  private ProcsFiles() {}

  static Set<Long> readAll(CgroupFs fs, List<Path> procsFiles) throws IOException {
    Set<Long> pids = new LinkedHashSet<>();
    for (Path file : procsFiles) {
      String content;
      try {
        content = fs.read(file);
      } catch (NoSuchFileException removed) {
        continue; // this hierarchy's directory is gone already: nothing of ours runs there
      }
      for (String line : content.split("\n")) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty()) {
          pids.add(Long.parseLong(trimmed));
        }
      }
    }
    return pids;
  }

  /** Moves {@code pid} (all its threads) into every hierarchy of the cgroup. */
  static void attach(CgroupFs fs, List<Path> procsFiles, long pid) {
    for (Path file : procsFiles) {
      try {
        fs.write(file, Long.toString(pid));
      } catch (IOException e) {
        throw CgroupException.fromIo(CgroupStage.ATTACH, "write pid " + pid, file, e);
      }
    }
  }
}
