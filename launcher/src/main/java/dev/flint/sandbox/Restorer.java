package dev.flint.sandbox;

import dev.flint.cgroup.Cgroup;
import dev.flint.cgroup.CgroupLimits;
import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintLibrary;
import dev.flint.nativeffi.Stage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code criu restore} of a checkpoint into a new sandbox: its own cgroup (created with the
 * limits first; CRIU only moves the tasks in, {@code --manage-cgroups=soft}), its own host uid
 * range (CRIU reads the snapshot through an overlay holding a rewritten userns image), a fresh root
 * ({@link RestoreRoot}), an empty netns whose {@code lo} the action script brings up (CRIU
 * reconnects the TCP sockets during the restore, so it cannot wait for flint-init's resume), new
 * stdout/stderr pipes in place of the dumped ones ({@code --inherit-fd}), and the external mounts
 * bound again. {@code --restore-sibling} makes the restored flint-init a child of this JVM, so it
 * is waited for like a cloned one.
 */
final class Restorer {
    private static final int STDOUT_TARGET = 10;
    private static final int STDERR_TARGET = 11;

    private final SandboxLauncher launcher;
    private final FlintLibrary lib;
    private final Criu criu;

    Restorer(SandboxLauncher launcher, Criu criu) {
        this.launcher = launcher;
        this.lib = launcher.lib();
        this.criu = criu;
    }

    Sandbox restore(Path imageDir, CheckpointManifest m, RestoreRequest req) {
        String id = SandboxLauncher.newId();
        long start = System.nanoTime();
        Map<String, Long> phases = new LinkedHashMap<>();
        CgroupLimits limits = CgroupLimits.forMemory(m.memoryMb(), launcher.hostCpus());
        UidRanges.Range range = launcher.uidRanges().acquire();
        Cgroup cgroup = null;
        Path work = launcher.mountBase().resolveSibling("restore").resolve(id);
        RestoreRoot root = null;
        int[] out = {-1, -1};
        int[] err = {-1, -1};
        int pidfd = -1;
        try {
            cgroup = launcher.cgroups().create(id, limits);
            cgroup.setCpuQuota(0, limits.cpuPeriodUs()); // restore runs unthrottled, as Init does
            phases.put("cgroup", micros(start));
            long t = System.nanoTime();
            root = RestoreRoot.mount(lib, launcher.mountBase().resolve(id), m, range.hostId());
            phases.put("root", micros(t));
            t = System.nanoTime();
            Path images = root.images(imageDir, range.hostId() == m.hostUidBase() ? null
                    : upper -> UsernsImage.rebase(imageDir, upper, m.hostUidBase(), range.hostId()));
            Files.createDirectories(work);
            phases.put("images", micros(t));
            pipe(out);
            pipe(err);
            List<String> args = new ArrayList<>(List.of("restore", "-D", images.toString(), "--root", root.root().toString(),
                    "--restore-detached", "--restore-sibling", "--pidfile", work.resolve("pid").toString(),
                    "--tcp-established", "--network-lock", "skip", "--empty-ns", "net",
                    "--action-script", SandboxLauncher.helperBinary("flint-criu-action").toString(),
                    "--manage-cgroups=soft", "--cgroup-yard", "/sys/fs/cgroup",
                    "--inherit-fd", "fd[" + STDOUT_TARGET + "]:" + m.stdoutPipe(),
                    "--inherit-fd", "fd[" + STDERR_TARGET + "]:" + m.stderrPipe()));
            cgroup.controllerPaths().forEach((controller, path) -> {
                args.add("--cgroup-root");
                args.add(controller.isEmpty() ? path : controller + ":" + path);
            });
            for (CheckpointManifest.External e : m.externals()) {
                Path source = req.bindSources().getOrDefault(e.mountpoint(), Path.of(e.source()));
                if (!source.startsWith("/dev/")) {
                    source = root.external(e.key(), source);
                }
                args.add("--external");
                args.add("mnt[" + e.key() + "]:" + source);
            }
            t = System.nanoTime();
            Criu.Run run = criu.run(args, work, "restore.log", new int[] {out[1], err[1]},
                    new int[] {STDOUT_TARGET, STDERR_TARGET}, req.limit().toMillis(), Stage.RESTORE);
            phases.put("criu", micros(t));
            closeFd(out, 1);
            closeFd(err, 1);
            if (!run.ok()) {
                throw new SandboxException(Stage.RESTORE, 0, "restore: criu restore failed: " + run.errorSummary());
            }
            int pid = Integer.parseInt(Files.readString(work.resolve("pid"), StandardCharsets.US_ASCII).strip());
            FlintError fe = new FlintError();
            pidfd = lib.flint_pidfd_open(pid, fe);
            if (pidfd < 0) {
                throw new SandboxException(Stage.RESTORE, fe.err, "restore: " + fe.messageText());
            }
            root.close();
            root = null;
            PipeInputStream stdout = NativeFd.input(lib, out[0]);
            PipeInputStream stderr = NativeFd.input(lib, err[0]);
            out[0] = -1;
            err[0] = -1;
            Path workDir = work;
            Sandbox s = new Sandbox(lib, id, pid, pidfd, cgroup, limits, stdout, stderr, null, phases, start,
                    req.timeout(), closed -> {
                        SandboxLauncher.unregister(closed);
                        range.close();
                        deleteTree(workDir);
                    });
            SandboxLauncher.register(s);
            return s;
        } catch (IOException | RuntimeException e) {
            if (pidfd >= 0) {
                lib.flint_close(pidfd);
            }
            if (root != null) {
                root.close();
            }
            if (cgroup != null) {
                cgroup.close(); // kills whatever CRIU left in it
            }
            closeFd(out, 0);
            closeFd(out, 1);
            closeFd(err, 0);
            closeFd(err, 1);
            range.close();
            if (e instanceof SandboxException se) {
                // keep the log of a failed restore next to the images for a look; the rest goes
                copyLog(work, imageDir);
                deleteTree(work);
                throw se;
            }
            deleteTree(work);
            throw new SandboxException(Stage.RESTORE, 0, "restore: " + e.getMessage());
        }
    }

    private static void copyLog(Path work, Path imageDir) {
        try {
            Path log = work.resolve("restore.log");
            if (Files.exists(log)) {
                Files.copy(log, imageDir.resolve("last-failed-restore.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ignored) {
            // the message already names the error lines
        }
    }

    private void pipe(int[] fds) {
        FlintError e = new FlintError();
        if (lib.flint_pipe(fds, e) < 0) {
            throw new SandboxException(Stage.IO, e.err, "io: " + e.messageText());
        }
    }

    private void closeFd(int[] fds, int i) {
        if (fds[i] >= 0) {
            lib.flint_close(fds[i]);
            fds[i] = -1;
        }
    }

    private static long micros(long since) {
        return (System.nanoTime() - since) / 1000;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // removed with the next supervisor start's leftovers
        }
    }
}
