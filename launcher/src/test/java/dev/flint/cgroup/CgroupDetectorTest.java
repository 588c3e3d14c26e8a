package dev.flint.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupDetectorTest {

  @TempDir Path tmp;

  @Test
  void pureV2HostPicksV2() throws IOException {
    Path root = Files.createDirectory(tmp.resolve("cgroup"));
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    Path mountinfo = mountinfo("64 1 0:27 / " + root + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate");

    Cgroups cgroups = CgroupDetector.detect(mountinfo);

    assertInstanceOf(CgroupsV2.class, cgroups);
    assertEquals(CgroupVersion.V2, cgroups.version());
    assertEquals(root, cgroups.describe().mountPoints().get("pids"));
  }

  @Test
  void hybridHostWithControllerlessUnifiedPicksV1() throws IOException {
    Path unified = Files.createDirectory(tmp.resolve("unified"));
    Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
    StringBuilder lines = new StringBuilder();
    int id = 32;
    for (String controller : new String[] {"cpu", "cpuacct", "memory", "pids", "freezer"}) {
      Path mount = Files.createDirectory(tmp.resolve(controller));
      lines.append(id++).append(" 31 0:29 / ").append(mount)
          .append(" rw,relatime - cgroup cgroup rw,").append(controller).append('\n');
    }
    lines.append("41 31 0:38 / ").append(unified).append(" rw,relatime - cgroup2 cgroup2 rw\n");

    Cgroups cgroups = CgroupDetector.detect(mountinfo(lines.toString()));

    assertInstanceOf(CgroupsV1.class, cgroups);
    HostCgroupInfo info = cgroups.describe();
    assertEquals(tmp.resolve("cpu"), info.mountPoints().get("cpu"));
    assertEquals(tmp.resolve("cpuacct"), info.mountPoints().get("cpuacct"));
    assertTrue(info.controllers().contains("freezer"));
  }

  @Test
  void v2WithoutControllersAndNoV1FailsWithHint() throws IOException {
    Path unified = Files.createDirectory(tmp.resolve("unified"));
    Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
    Path mountinfo = mountinfo("41 31 0:38 / " + unified + " rw - cgroup2 cgroup2 rw");

    CgroupException e = assertThrows(CgroupException.class, () -> CgroupDetector.detect(mountinfo));

    assertEquals(CgroupStage.DETECT, e.stage());
    assertEquals(
        "cgroup-detect: ENOENT: no usable hierarchy: v2 needs memory cpu pids, v1 needs memory cpu"
            + " cpuacct pids; cgroup2 at '" + unified + "' offers [hugetlb] on '" + mountinfo + "'",
        e.getMessage().lines().findFirst().orElseThrow());
    assertTrue(e.getMessage().contains("\nhint: "), e.getMessage());
  }

  @Test
  void noCgroupMountAtAllHintsAtMountingCgroup2() throws IOException {
    Path mountinfo = mountinfo("22 1 253:0 / / rw,relatime - ext4 /dev/vda rw");

    CgroupException e = assertThrows(CgroupException.class, () -> CgroupDetector.detect(mountinfo));

    assertEquals("ENOENT", e.errno());
    assertEquals("mount cgroup2: mount -t cgroup2 none /sys/fs/cgroup", e.hint().orElseThrow());
  }

  @Test
  void unreadableMountinfoIsReported() {
    Path missing = tmp.resolve("nope");

    CgroupException e = assertThrows(CgroupException.class, () -> CgroupDetector.detect(missing));

    assertEquals("cgroup-detect: ENOENT: read on '" + missing + "': no such file or directory", e.getMessage());
  }

  private Path mountinfo(String text) throws IOException {
    return Files.writeString(tmp.resolve("mountinfo"), text + "\n");
  }
}
