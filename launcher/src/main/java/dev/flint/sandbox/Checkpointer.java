package dev.flint.sandbox;

import dev.flint.nativeffi.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Checkpoints a sandbox started with {@link SandboxSpec#snapshot()}: parks flint-init's proxy
 * (after which nothing in the sandbox is connected to the supervisor but its stdout/stderr), then
 * {@code criu dump}s the whole tree with the flags measured to work here (host-measurements
 * part 2 §1.2): the user namespace goes into the image by itself; the netns is dumped empty
 * ({@code --empty-ns net}: a restored userns cannot join a netns made beforehand); established TCP
 * connections (the runtime's to the proxy) are kept; host files bound into the sandbox are
 * declared external, so a restore can bind them (or, for the Runtime API dir, a new env's) again.
 */
final class Checkpointer {
    /** File systems made inside the sandbox, which CRIU dumps and recreates itself. */
    private static final Set<String> OWN_FILESYSTEMS = Set.of("overlay", "proc", "tmpfs");
    private static final long PARK_LIMIT_MS = 5_000;
    private static final long DUMP_LIMIT_MS = 60_000;
    private static final int SIGUSR1 = 10;

    private final Criu criu;

    Checkpointer(Criu criu) {
        this.criu = criu;
    }

    CheckpointManifest dump(Sandbox sandbox, Path dir, PipeInputStream status) {
        try {
            Files.createDirectories(dir);
            int parked = park(sandbox, status);
            int pid = sandbox.pid();
            List<SandboxMount> mounts = SandboxMount.of(pid);
            SandboxMount root = mounts.stream().filter(m -> m.mountpoint().equals("/")).findFirst()
                    .orElseThrow(() -> fail("the sandbox has no root mount in /proc/" + pid + "/mountinfo"));
            List<CheckpointManifest.External> externals = new ArrayList<>();
            List<CheckpointManifest.Mountpoint> mountpoints = new ArrayList<>();
            List<String> args = new ArrayList<>(List.of("dump", "-t", Integer.toString(pid), "-D", dir.toString(),
                    "--tcp-established", "--network-lock", "skip", "--empty-ns", "net", "--manage-cgroups=soft"));
            for (SandboxMount m : mounts) {
                if (m == root) {
                    continue;
                }
                if (m.parent() == root.id()) {
                    Path inside = Path.of("/proc/" + pid + "/root" + m.mountpoint());
                    mountpoints.add(new CheckpointManifest.Mountpoint(m.mountpoint(),
                            Files.isDirectory(inside, LinkOption.NOFOLLOW_LINKS)));
                }
                if (!OWN_FILESYSTEMS.contains(m.fstype())) {
                    String key = "m" + externals.size();
                    externals.add(new CheckpointManifest.External(key, m.mountpoint(), hostSource(sandbox, m)));
                    args.add("--external");
                    args.add("mnt[" + m.mountpoint() + "]:" + key);
                }
            }
            String stdoutPipe = pipeName(sandbox.stdout());
            String stderrPipe = pipeName(sandbox.stderr());
            Criu.Run run = criu.run(args, dir, "dump.log", new int[0], new int[0], DUMP_LIMIT_MS, Stage.CHECKPOINT);
            if (!run.ok()) {
                throw fail("criu dump failed: " + run.errorSummary());
            }
            // CRIU kills the dumped tree; reap it so the sandbox reads as ended.
            sandbox.awaitFor(Duration.ofSeconds(5));
            CheckpointManifest manifest = new CheckpointManifest(CheckpointManifest.FORMAT, criu.version(),
                    sandbox.spec().layers().stream().map(Path::toString).toList(), sandbox.hostUidBase(),
                    sandbox.spec().memoryMb(), stdoutPipe, stderrPipe, externals, mountpoints, parked,
                    run.nanos() / 1000, sizeOf(dir));
            manifest.write(dir);
            return manifest;
        } catch (IOException e) {
            throw fail(e.getMessage());
        }
    }

    /** SIGUSR1 to flint-init, then its {"parked":N} line and EOF on the status fd. */
    private static int park(Sandbox sandbox, PipeInputStream status) throws IOException {
        if (!sandbox.isAlive()) {
            throw fail("the sandbox ended before it could be parked");
        }
        sandbox.signal(SIGUSR1);
        if (!status.awaitReadable((int) PARK_LIMIT_MS)) {
            throw fail("flint-init did not park its proxy within " + PARK_LIMIT_MS + " ms");
        }
        String line = SetupReport.readLine(status);
        if (line == null || !line.startsWith("{\"parked\":")) {
            throw fail("flint-init did not report parking (got " + line + ")");
        }
        int parked = Integer.parseInt(line.replaceAll("[^0-9]", ""));
        status.close();
        return parked;
    }

    /** Where a mount that is not the sandbox's own came from on the host. */
    private static String hostSource(Sandbox sandbox, SandboxMount m) {
        if (m.fstype().equals("devtmpfs")) {
            return "/dev" + m.root(); // the host's device nodes (and /dev/null over masked /proc files)
        }
        if (m.mountpoint().equals(SandboxLauncher.SNAPSHOT_INIT)) {
            return dev.flint.nativeffi.NativeLoader.initBinary().toString();
        }
        return sandbox.spec().binds().stream().filter(b -> b.target().equals(m.mountpoint()))
                .map(b -> b.source().toString()).findFirst()
                .orElseThrow(() -> fail("mount '" + m.mountpoint() + "' (" + m.fstype()
                        + ") is neither the sandbox's own nor a bind of its spec"));
    }

    /** CRIU's name of a pipe: {@code pipe:[inode]}, as /proc shows it. */
    static String pipeName(PipeInputStream pipe) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + pipe.fd())).toString();
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static SandboxException fail(String what) {
        return new SandboxException(Stage.CHECKPOINT, 0, "checkpoint: " + what);
    }
}
