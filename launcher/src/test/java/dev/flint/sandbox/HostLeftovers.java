package dev.flint.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What sandboxes of this JVM could leave on the host: processes (flint-init children of this JVM,
 * anything in one of its cgroups), mounts mentioning flint in the host's mountinfo, cgroup
 * directories named "PID-*" under every hierarchy's flint/ parent, and scratch paths under /run/flint.
 * Compare a snapshot taken before with one taken after: anything new is a leak.
 */
public record HostLeftovers(Set<String> processes, Set<String> mounts, Set<String> cgroupDirs, Set<String> scratch) {

    public static HostLeftovers now() {
        return of(ProcessHandle.current().pid());
    }

    /** Leftovers of the supervisor with this pid (cgroup names start with "pid-"). */
    public static HostLeftovers of(long supervisorPid) {
        return new HostLeftovers(processes(supervisorPid), flintMounts(), cgroupDirs(supervisorPid), scanScratch(supervisorPid));
    }

    /** What is in this snapshot and not in the earlier one. */
    public HostLeftovers minus(HostLeftovers before) {
        return new HostLeftovers(diff(processes, before.processes), diff(mounts, before.mounts),
                diff(cgroupDirs, before.cgroupDirs), diff(scratch, before.scratch));
    }

    public boolean isEmpty() {
        return processes.isEmpty() && mounts.isEmpty() && cgroupDirs.isEmpty() && scratch.isEmpty();
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    static Set<String> processes(long supervisorPid) {
        String cgroupMark = "/flint/" + supervisorPid + "-";
        Set<String> out = new TreeSet<>();
        for (Path p : procDirs()) {
            try {
                String comm = Files.readString(p.resolve("comm")).strip();
                long ppid = ppid(p);
                String cgroups = Files.readString(p.resolve("cgroup"));
                if ((comm.equals("flint-init") && ppid == supervisorPid) || cgroups.contains(cgroupMark)) {
                    out.add(p.getFileName() + " " + comm + " ppid=" + ppid);
                }
            } catch (IOException gone) {
                // exited while we looked
            }
        }
        return out;
    }

    /** Every flint-init on the host (any supervisor). */
    static List<String> allFlintInits() {
        List<String> out = new ArrayList<>();
        for (Path p : procDirs()) {
            try {
                if (Files.readString(p.resolve("comm")).strip().equals("flint-init")) {
                    out.add(p.getFileName().toString());
                }
            } catch (IOException gone) {
                // exited
            }
        }
        return out;
    }

    static int hostProcessCount() {
        return procDirs().size();
    }

    private static long ppid(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).strip());
            }
        }
        return -1;
    }

    private static List<Path> procDirs() {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> flintMounts() {
        Set<String> out = new TreeSet<>();
        for (String line : mountinfo()) {
            if (line.contains("flint")) {
                String[] f = line.split(" ");
                out.add(f[4] + " " + line.substring(line.indexOf(" - ") + 3)); // mount point + fs, source
            }
        }
        return out;
    }

    /** The mount points of every cgroup (v1) and cgroup2 hierarchy. */
    static List<Path> cgroupMounts() {
        List<Path> out = new ArrayList<>();
        for (String line : mountinfo()) {
            String fs = line.substring(line.indexOf(" - ") + 3).split(" ")[0];
            if (fs.equals("cgroup") || fs.equals("cgroup2")) {
                out.add(Path.of(line.split(" ")[4]));
            }
        }
        return out;
    }

    static Set<String> cgroupDirs(long supervisorPid) {
        Set<String> out = new TreeSet<>();
        for (Path mount : cgroupMounts()) {
            Path parent = mount.resolve("flint");
            try (Stream<Path> s = Files.list(parent)) {
                s.filter(Files::isDirectory)
                        .filter(d -> d.getFileName().toString().startsWith(supervisorPid + "-"))
                        .forEach(d -> out.add(d.toString()));
            } catch (NoSuchFileException none) {
                // this hierarchy has no flint parent
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * Host paths of sandbox scratch: anything inside the launcher's mount base (mounts happen in the
     * sandbox's own namespace, so on the host it stays an empty directory), and anything under the
     * run dir named after this supervisor. Other supervisors' entries (e.g. /run/flint/envs/PID-*)
     * are not ours to count.
     */
    static Set<String> scanScratch(long supervisorPid) {
        Path base = SandboxTestHost.RUN_DIR.resolve("mnt");
        Set<String> out = new TreeSet<>(walk(base, 3, p -> !p.equals(base)));
        out.addAll(walk(SandboxTestHost.RUN_DIR, 3, p -> p.getFileName().toString().startsWith(supervisorPid + "-")));
        return out;
    }

    /** Paths under root that match; retried when another supervisor deletes files meanwhile. */
    private static Set<String> walk(Path root, int depth, java.util.function.Predicate<Path> keep) {
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(root)) {
                return Set.of();
            }
            try (Stream<Path> s = Files.walk(root, depth)) {
                Set<String> out = new TreeSet<>();
                s.filter(keep).forEach(p -> out.add(p.toString()));
                return out;
            } catch (IOException | java.io.UncheckedIOException e) {
                if (attempt == 5) {
                    throw new IllegalStateException("walk " + root, e);
                }
            }
        }
    }

    private static List<String> mountinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
