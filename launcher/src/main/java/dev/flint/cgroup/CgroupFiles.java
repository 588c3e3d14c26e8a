package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Cgroup file reads and writes that fail with a {@link CgroupException} naming the file. */
final class CgroupFiles {

  private final CgroupFs fs;

  CgroupFiles(CgroupFs fs) {
    this.fs = fs;
  }

  CgroupFs fs() {
    return fs;
  }

  void write(CgroupStage stage, Path file, String value) {
    try {
      fs.write(file, value);
    } catch (IOException e) {
      throw CgroupException.fromIo(stage, "write '" + value + "'", file, e);
    }
  }

  String read(CgroupStage stage, Path file) {
    try {
      return fs.read(file);
    } catch (IOException e) {
      throw CgroupException.fromIo(stage, "read", file, e);
    }
  }

  long readLong(CgroupStage stage, Path file) {
    String content = read(stage, file);
    try {
      return KeyedValues.single(content);
    } catch (NumberFormatException e) {
      throw unparsable(stage, file, content, e);
    }
  }

  /** A flat keyed file ({@code cpu.stat}, {@code memory.events}, ...) as key → value. */
  Map<String, Long> readKeyed(CgroupStage stage, Path file) {
    String content = read(stage, file);
    try {
      return KeyedValues.parse(content);
    } catch (NumberFormatException e) {
      throw unparsable(stage, file, content, e);
    }
  }

  /** A key of a flat keyed file that older kernels may lack entirely: 0 then. */
  long readKeyOrZero(CgroupStage stage, Path file, String key) {
    if (!fs.exists(file)) {
      return 0;
    }
    return readKeyed(stage, file).getOrDefault(key, 0L);
  }

  private static CgroupException unparsable(
      CgroupStage stage, Path file, String content, NumberFormatException e) {
    String shown = content.strip().replace('\n', ' ');
    return new CgroupException(
        stage, "EINVAL", "parse '" + shown + "'", file, "not a number where one was expected",
        null, e);
  }

  /** mkdir that accepts an existing directory: for the shared {@code flint} parent. */
  void mkdirShared(CgroupStage stage, Path dir) {
    try {
      fs.mkdir(dir);
    } catch (FileAlreadyExistsException exists) {
      // created by an earlier run or another thread: fine
    } catch (IOException e) {
      throw CgroupException.fromIo(stage, "mkdir", dir, e);
    }
  }

  /** mkdir of a sandbox cgroup, whose name must be new. */
  void mkdirNew(Path dir) {
    try {
      fs.mkdir(dir);
    } catch (FileAlreadyExistsException e) {
      throw CgroupException.fromIo(
          CgroupStage.CREATE, "mkdir", dir, e,
          "a cgroup of this name is left from an earlier run; Cgroups.removeStale() clears it");
    } catch (IOException e) {
      throw CgroupException.fromIo(CgroupStage.CREATE, "mkdir", dir, e);
    }
  }

  /** Space-separated controller names, as in {@code cgroup.controllers} ("+" prefixes dropped). */
  static Set<String> controllerTokens(String content) {
    Set<String> tokens = new LinkedHashSet<>();
    for (String token : content.trim().split("\\s+")) {
      String name = token.startsWith("+") ? token.substring(1) : token;
      if (!name.isEmpty()) {
        tokens.add(name);
      }
    }
    return tokens;
  }
}
