package dev.flint.cgroup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Reads the cgroup mounts out of {@code /proc/self/mountinfo} text (proc(5) format). */
public final class MountInfo {

  /** Controller names a v1 super-option list may carry; everything else there is an option. */
  private static final Set<String> V1_CONTROLLERS =
      Set.of(
          "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio",
          "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

  private MountInfo() {}

  /**
   * Lines look like {@code 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup
   * rw,memory}: field 5 is the mount point, then optional fields up to a lone "-", then fstype,
   * source and super options.
   */
  static List<CgroupMount> cgroupMounts(String mountinfo) {
    List<CgroupMount> mounts = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      String[] fields = line.trim().split(" ");
      int separator = Arrays.asList(fields).indexOf("-");
      if (separator < 5 || fields.length < separator + 4) {
        continue;
      }
      String fsType = fields[separator + 1];
      Path mountPoint = Path.of(unescape(fields[4]));
      if (fsType.equals("cgroup2")) {
        mounts.add(new CgroupMount(mountPoint, CgroupVersion.V2, List.of()));
      } else if (fsType.equals("cgroup")) {
        List<String> controllers = new ArrayList<>();
        for (String option : fields[separator + 3].split(",")) {
          if (V1_CONTROLLERS.contains(option)) {
            controllers.add(option);
          }
        }
        mounts.add(new CgroupMount(mountPoint, CgroupVersion.V1, controllers));
      }
    }
    return mounts;
  }

  /** The kernel writes space, tab, newline and backslash in paths as octal escapes (\040). */
  public static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
