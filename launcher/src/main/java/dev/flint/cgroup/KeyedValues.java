package dev.flint.cgroup;

/**
 * Parses cgroup "flat keyed" files: one {@code key value} pair per line, as in {@code cpu.stat},
 * {@code memory.events}, {@code memory.oom_control} and {@code pids.events}.
 */
final class KeyedValues {

  private KeyedValues() {}

  /** The value of {@code key}, or {@code fallback} when the line is absent (older kernels). */
  static long value(String content, String key, long fallback) {
    for (String line : content.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(key)) {
        return Long.parseLong(parts[1]);
      }
    }
    return fallback;
  }

  /** A file holding one number, such as {@code memory.current}. */
  static long single(String content) {
    return Long.parseLong(content.strip());
  }
}
