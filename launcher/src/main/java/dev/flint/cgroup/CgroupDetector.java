package dev.flint.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses v2 or v1 from the mount table. v2 wins when its root offers memory, cpu and pids; a
 * hybrid host's controller-less {@code /sys/fs/cgroup/unified} does not, so v1 is used there.
 */
final class CgroupDetector {

  private CgroupDetector() {}

  static Cgroups detect(Path mountinfo) {
    return detect(mountinfo, CgroupFs.LIVE);
  }

  static Cgroups detect(Path mountinfo, CgroupFs fs) {
    String text;
    try {
      text = Files.readString(mountinfo);
    } catch (IOException e) {
      throw CgroupException.fromIo(CgroupStage.DETECT, "read", mountinfo, e);
    }
    List<CgroupMount> mounts = MountInfo.cgroupMounts(text);
    if (mounts.isEmpty()) {
      throw new CgroupException(
          CgroupStage.DETECT, "ENOENT", "no cgroup or cgroup2 mount listed", mountinfo, null,
          "mount cgroup2: mount -t cgroup2 none /sys/fs/cgroup", null);
    }
    List<String> findings = new ArrayList<>();
    for (CgroupMount mount : mounts) {
      if (mount.version() != CgroupVersion.V2) {
        continue;
      }
      Set<String> offered = v2Controllers(fs, mount.mountPoint());
      if (offered.containsAll(CgroupsV2.REQUIRED_CONTROLLERS)) {
        return new CgroupsV2(mount.mountPoint(), fs);
      }
      findings.add(
          "cgroup2 at '" + mount.mountPoint() + "' offers [" + String.join(" ", offered) + "]");
    }
    Map<String, Path> v1 = new LinkedHashMap<>();
    for (CgroupMount mount : mounts) {
      if (mount.version() == CgroupVersion.V1) {
        for (String controller : mount.controllers()) {
          v1.putIfAbsent(controller, mount.mountPoint());
        }
      }
    }
    if (v1.keySet().containsAll(CgroupsV1.REQUIRED_CONTROLLERS)) {
      return new CgroupsV1(v1, fs);
    }
    if (!v1.isEmpty()) {
      findings.add("cgroup v1 mounts carry [" + String.join(" ", v1.keySet()) + "]");
    }
    throw new CgroupException(
        CgroupStage.DETECT, "ENOENT",
        "no usable hierarchy: v2 needs memory cpu pids, v1 needs memory cpu cpuacct pids; "
            + String.join("; ", findings),
        mountinfo, null, CgroupHints.CONTROLLERS_ELSEWHERE, null);
  }

  private static Set<String> v2Controllers(CgroupFs fs, Path root) {
    try {
      return CgroupFiles.controllerTokens(fs.read(root.resolve("cgroup.controllers")));
    } catch (IOException e) {
      return Set.of();
    }
  }
}
