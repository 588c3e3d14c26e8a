package dev.flint.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The handful of file operations cgroups need. The defaults are the real cgroupfs behaviour;
 * unit tests substitute a fake (firecracker's {@code MockCgroupFs} idea) because a plain temp
 * directory differs from cgroupfs in two ways: mkdir does not create the interface files, and
 * rmdir of a directory holding files fails.
 */
interface CgroupFs {

  /** The real filesystem. */
  CgroupFs LIVE = new CgroupFs() {};

  default void mkdir(Path dir) throws IOException {
    Files.createDirectory(dir);
  }

  /**
   * Writes a value into an existing interface file. No O_CREAT: on cgroupfs the kernel makes the
   * files, so a missing one means the controller is not enabled, and ENOENT says so better than
   * the EACCES an attempted create would give.
   */
  default void write(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
  }

  default String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }

  default boolean exists(Path path) {
    return Files.exists(path);
  }

  /** On cgroupfs rmdir removes a cgroup together with its interface files. */
  default void rmdir(Path dir) throws IOException {
    Files.delete(dir);
  }

  /** Child directories (child cgroups) of {@code dir}; empty if {@code dir} does not exist. */
  default List<Path> subdirectories(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> result = new ArrayList<>();
    try (Stream<Path> entries = Files.list(dir)) {
      entries.filter(Files::isDirectory).forEach(result::add);
    }
    return result;
  }
}
