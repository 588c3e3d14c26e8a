package dev.flint.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoTest {

  /** This development host: hybrid, cpu and cpuacct mounted separately. */
  static final String HYBRID =
      String.join(
          "\n",
          "22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
          "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
          "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
          "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
          "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
          "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
          "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
          "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
          "");

  @Test
  void readsV1ControllersAndV2Mounts() {
    List<CgroupMount> mounts = MountInfo.cgroupMounts(HYBRID);

    assertEquals(
        List.of(
            new CgroupMount(Path.of("/sys/fs/cgroup/cpu"), CgroupVersion.V1, List.of("cpu")),
            new CgroupMount(
                Path.of("/sys/fs/cgroup/cpuacct"), CgroupVersion.V1, List.of("cpuacct")),
            new CgroupMount(Path.of("/sys/fs/cgroup/memory"), CgroupVersion.V1, List.of("memory")),
            new CgroupMount(Path.of("/sys/fs/cgroup/pids"), CgroupVersion.V1, List.of("pids")),
            new CgroupMount(Path.of("/sys/fs/cgroup/systemd"), CgroupVersion.V1, List.of()),
            new CgroupMount(Path.of("/sys/fs/cgroup/unified"), CgroupVersion.V2, List.of())),
        mounts);
  }

  @Test
  void coMountedControllersAndOptionalFields() {
    String line =
        "30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 master:2 - cgroup cgroup"
            + " rw,cpu,cpuacct,clone_children";

    assertEquals(
        List.of(
            new CgroupMount(
                Path.of("/sys/fs/cgroup/cpu,cpuacct"), CgroupVersion.V1,
                List.of("cpu", "cpuacct"))),
        MountInfo.cgroupMounts(line));
  }

  @Test
  void octalEscapesInMountPointsAreDecoded() {
    String line = "30 25 0:26 / /tmp/my\\040cgroup rw - cgroup2 none rw,nsdelegate";

    assertEquals(Path.of("/tmp/my cgroup"), MountInfo.cgroupMounts(line).get(0).mountPoint());
    assertEquals("a\\b", MountInfo.unescape("a\\134b"));
    assertEquals("a\\x", MountInfo.unescape("a\\x"));
  }
}
