package dev.flint.sandbox;

import dev.flint.cgroup.MountInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One mount of a sandbox, from /proc/PID/mountinfo (proc(5)); paths as the sandbox sees them. */
record SandboxMount(int id, int parent, String root, String mountpoint, String fstype) {

    static List<SandboxMount> of(int pid) throws IOException {
        return parse(Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo"), StandardCharsets.UTF_8));
    }

    static List<SandboxMount> parse(List<String> lines) {
        List<SandboxMount> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 6 || dash + 1 >= f.length) {
                continue;
            }
            out.add(new SandboxMount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), MountInfo.unescape(f[3]),
                    MountInfo.unescape(f[4]), f[dash + 1]));
        }
        return out;
    }
}
