package dev.flint.cgroup;

import java.util.regex.Pattern;

/** Cgroup names become directory names, so they must be one safe path component. */
final class CgroupName {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private CgroupName() {}

  static String check(String name) {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cgroup name must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit, got '"
              + name
              + "'");
    }
    return name;
  }
}
