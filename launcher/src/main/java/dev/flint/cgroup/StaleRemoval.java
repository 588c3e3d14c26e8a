package dev.flint.cgroup;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** Removes every listed cgroup that matches, carrying on past failures. */
final class StaleRemoval {

  private StaleRemoval() {}

  static void removeAll(
      List<String> names, Predicate<String> isStale, Function<String, Cgroup> open) {
    CgroupException first = null;
    for (String name : names) {
      if (!isStale.test(name)) {
        continue;
      }
      try {
        open.apply(name).close();
      } catch (CgroupException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
