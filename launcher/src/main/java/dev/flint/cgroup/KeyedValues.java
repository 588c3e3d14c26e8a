package dev.flint.cgroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Parses cgroup "flat keyed" files: one {@code key value} pair per line, as in {@code cpu.stat},
 * {@code memory.events}, {@code memory.oom_control} and {@code pids.events}.
 */
final class KeyedValues {

  private KeyedValues() {}

  /**
   * All pairs. Keys older kernels lack are simply absent, so callers use {@code getOrDefault}.
   *
   * @throws NumberFormatException when a value is not a number
   */
  static Map<String, Long> parse(String content) {
    Map<String, Long> values = new HashMap<>();
    for (String line : content.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2) {
        values.put(parts[0], Long.parseLong(parts[1]));
      }
    }
    return values;
  }

  /**
   * A file holding one number, such as {@code memory.current}.
   *
   * @throws NumberFormatException when it does not
   */
  static long single(String content) {
    return Long.parseLong(content.strip());
  }
}
