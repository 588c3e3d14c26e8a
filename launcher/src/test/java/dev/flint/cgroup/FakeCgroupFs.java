package dev.flint.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A temp-dir stand-in for cgroupfs (firecracker's MockCgroupFs idea) that behaves like the
 * kernel where the code depends on it: mkdir creates the interface files of the hierarchy,
 * writes go only to existing files, rmdir removes a cgroup with its files but refuses (EBUSY)
 * while it has child cgroups or live processes. Writes can be made to fail with a given errno.
 */
final class FakeCgroupFs implements CgroupFs {

  private final Map<Path, List<String>> interfaceFilesByMount = new LinkedHashMap<>();
  private final Map<Path, IOException> writeFailures = new HashMap<>();

  /** Every cgroup created under {@code mount} gets these (empty) files, as the kernel would. */
  FakeCgroupFs interfaceFiles(Path mount, String... names) {
    interfaceFilesByMount.put(mount, List.of(names));
    return this;
  }

  /** The next and later writes to {@code file} fail like the kernel with this strerror text. */
  FakeCgroupFs failWrites(Path file, String strerror) {
    writeFailures.put(file, new IOException(strerror));
    return this;
  }

  @Override
  public void mkdir(Path dir) throws IOException {
    Files.createDirectory(dir);
    for (String name : templateFor(dir)) {
      Files.writeString(dir.resolve(name), "");
    }
  }

  @Override
  public void write(Path file, String value) throws IOException {
    IOException failure = writeFailures.get(file);
    if (failure != null) {
      throw failure;
    }
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString());
    }
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void rmdir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString());
    }
    if (!subdirectories(dir).isEmpty() || hasLiveProcess(dir)) {
      throw new FileSystemException(dir.toString(), null, "Device or resource busy");
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  private List<String> templateFor(Path dir) {
    List<String> names = new ArrayList<>();
    interfaceFilesByMount.forEach(
        (mount, files) -> {
          if (dir.startsWith(mount)) {
            names.addAll(files);
          }
        });
    return names;
  }

  private static boolean hasLiveProcess(Path dir) throws IOException {
    Path procs = dir.resolve("cgroup.procs");
    if (!Files.exists(procs)) {
      return false;
    }
    for (String line : Files.readAllLines(procs)) {
      if (!line.isBlank()) {
        Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(line.strip()));
        if (handle.isPresent() && handle.get().isAlive()) {
          return true;
        }
      }
    }
    return false;
  }
}
