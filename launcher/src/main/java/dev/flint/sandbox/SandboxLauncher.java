package dev.flint.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flint.cgroup.Cgroup;
import dev.flint.cgroup.CgroupLimits;
import dev.flint.cgroup.Cgroups;
import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintLibrary;
import dev.flint.nativeffi.FlintSpawnResult;
import dev.flint.nativeffi.NativeLoader;
import dev.flint.nativeffi.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts sandboxes: cgroup with the spec's limits, then one native spawn of flint-init, then the
 * setup report from its status fd. The only caller of {@code nativeffi}. Sandbox ids (and cgroup
 * names) are "PID-SEQ" with the supervisor's pid, so a later run can tell leftovers of a dead
 * supervisor from sandboxes of a live one.
 */
public final class SandboxLauncher {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Where a sandbox to checkpoint sees flint-init: it re-execs itself from there once its root
     * is built, so that CRIU finds its executable on a mount of the sandbox (init.c).
     */
    static final String SNAPSHOT_INIT = "/.flint-init";
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Set<Sandbox> LIVE = ConcurrentHashMap.newKeySet();

    private final FlintLibrary lib;
    private final Cgroups cgroups;
    private final Path mountBase;
    private final int hostCpus;
    private final UidRanges uidRanges;

    /**
     * @param cgroups the host's cgroup hierarchy
     * @param runDir where per-sandbox scratch is mounted (inside each sandbox's own mount namespace)
     */
    public SandboxLauncher(Cgroups cgroups, Path runDir) {
        this.lib = NativeLoader.library();
        this.cgroups = cgroups;
        this.mountBase = runDir.resolve("mnt");
        this.hostCpus = Runtime.getRuntime().availableProcessors();
        this.uidRanges = new UidRanges(runDir);
        try {
            Files.createDirectories(mountBase);
        } catch (IOException e) {
            throw new SandboxException(Stage.MOUNT_ROOTFS, 0, "mount-rootfs: cannot create '" + mountBase + "': " + e);
        }
    }

    /** A helper program built beside flint-init (e.g. "flint-probe"). */
    public static Path helperBinary(String name) {
        return NativeLoader.nativeDir().resolve(name);
    }

    /**
     * Removes cgroups, and the host-side restore roots and work dirs, left by supervisors that are
     * no longer running; returns how many cgroups.
     */
    public int removeLeftovers() {
        List<String> stale = new ArrayList<>();
        cgroups.removeStale(name -> {
            boolean dead = isStale(name);
            if (dead) {
                stale.add(name);
            }
            return dead;
        });
        RestoreRoot.removeStale(lib, mountBase, SandboxLauncher::isStale);
        RestoreRoot.removeStale(lib, mountBase.resolveSibling("restore"), SandboxLauncher::isStale);
        return stale.size();
    }

    static boolean isStale(String name) {
        int dash = name.indexOf('-');
        if (dash <= 0) {
            return false; // not ours to judge
        }
        try {
            long owner = Long.parseLong(name.substring(0, dash));
            return owner != ProcessHandle.current().pid() && ProcessHandle.of(owner).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Every sandbox started by this JVM and not yet closed. */
    public static Set<Sandbox> live() {
        return Set.copyOf(LIVE);
    }

    /** Closes every live sandbox: for shutdown hooks (Ctrl-C). */
    public static void closeAll() {
        for (Sandbox s : live()) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
    }

    /** Starts a sandbox; on any failure nothing is left behind and a SandboxException names the stage. */
    public Sandbox launch(SandboxSpec spec) {
        String id = newId();
        long start = System.nanoTime();
        Map<String, Long> phases = new LinkedHashMap<>();
        CgroupLimits limits = CgroupLimits.forMemory(spec.memoryMb(), hostCpus);
        UidRanges.Range range = spec.isolation().userns() ? uidRanges.acquire() : null;
        Cgroup cgroup;
        try {
            cgroup = cgroups.create(id, limits);
        } catch (RuntimeException e) {
            closeRange(range);
            throw e;
        }
        FlintSpawnResult r = new FlintSpawnResult();
        int netns = spec.isolation().hostNetwork() || spec.snapshot() ? -1 : NetnsPool.shared(lib).take();
        try {
            // Set-up runs unthrottled: at 128 MB the quota (1.4 ms per 20 ms) would otherwise stall
            // most sandboxes mid-setup (measured: 106 of 300). The function's share applies from "ready".
            cgroup.setCpuQuota(0, limits.cpuPeriodUs());
            phases.put("cgroup", (System.nanoTime() - start) / 1000);
            FlintError err = new FlintError();
            if (lib.flint_spawn(nativeSpec(spec, cgroup, range, netns), r, err) < 0) {
                Stage stage = Stage.ofNative(err.stage);
                throw new SandboxException(stage, err.err, err.messageText(), lib.flint_stage_hint(err.stage, err.err));
            }
        } catch (RuntimeException e) {
            cgroup.close();
            closeRange(range);
            throw e;
        } finally {
            if (netns >= 0) {
                lib.flint_close(netns); // the sandbox holds the namespace now
            }
        }
        phases.put("clone", r.cloneNs / 1000);
        PipeInputStream out = r.stdoutFd >= 0 ? NativeFd.input(lib, r.stdoutFd) : null;
        PipeInputStream err = r.stderrFd >= 0 ? NativeFd.input(lib, r.stderrFd) : null;
        OutputStream in = r.stdinFd >= 0 ? NativeFd.output(lib, r.stdinFd) : null;
        SetupReport report;
        PipeInputStream status = NativeFd.input(lib, r.statusFd);
        try {
            // A sandbox to checkpoint keeps its status fd: flint-init reports {"parked":N} there.
            report = spec.snapshot() ? SetupReport.readFirst(status) : SetupReport.read(status);
        } catch (IOException | RuntimeException e) {
            report = new SetupReport(false, Map.of(), new SandboxException(Stage.IO, 0, "io: status of flint-init: " + e));
        }
        if (!spec.snapshot()) {
            status.close();
        }
        phases.putAll(report.phasesMicros());
        Sandbox sandbox = new Sandbox(lib, id, r.pid, r.pidfd, cgroup, limits, out, err, in, phases, start,
                spec.timeout(), s -> {
                    LIVE.remove(s);
                    status.close();
                    closeRange(range);
                });
        if (spec.snapshot()) {
            sandbox.checkpointable(spec, status, range.hostId());
        }
        LIVE.add(sandbox);
        if (!report.ready()) {
            sandbox.close();
            throw report.failure();
        }
        if (!spec.deferCpuLimit()) {
            try {
                sandbox.applyCpuLimit();
            } catch (RuntimeException e) {
                sandbox.close();
                throw e;
            }
        }
        return sandbox;
    }

    // ---- for Restorer: a restored sandbox gets its cgroup, uid range and scratch from here too

    FlintLibrary lib() {
        return lib;
    }

    Cgroups cgroups() {
        return cgroups;
    }

    Path mountBase() {
        return mountBase;
    }

    int hostCpus() {
        return hostCpus;
    }

    UidRanges uidRanges() {
        return uidRanges;
    }

    static String newId() {
        return ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    static void register(Sandbox s) {
        LIVE.add(s);
    }

    static void unregister(Sandbox s) {
        LIVE.remove(s);
    }

    /**
     * Restores a sandbox from a checkpoint (see {@link Restorer}): fresh namespaces, cgroup, uid
     * range and root; the restored flint-init's proxy stays parked until {@link Sandbox#resume()}.
     */
    public Sandbox restore(Path imageDir, CheckpointManifest manifest, RestoreRequest request) {
        return new Restorer(this, Criu.locate()).restore(imageDir, manifest, request);
    }

    static void closeRange(UidRanges.Range range) {
        if (range != null) {
            range.close();
        }
    }

    /** @param netns a prepared network namespace to clone into, or −1 for a new one (or none: host network) */
    private String nativeSpec(SandboxSpec spec, Cgroup cgroup, UidRanges.Range range, int netns) {
        ObjectNode root = JSON.createObjectNode();
        root.put("init", NativeLoader.initBinary().toString());
        if (range != null) {
            root.putObject("userns").put("host_id", range.hostId()).put("size", UidRanges.SIZE);
        }
        ArrayNode ns = root.putArray("namespaces");
        Isolation iso = spec.isolation();
        for (String n : List.of("pid", "mount", "uts", "ipc", "net", "cgroup")) {
            if (!(n.equals("net") && (iso.hostNetwork() || netns >= 0))) {
                ns.add(n);
            }
        }
        if (netns >= 0) {
            root.put("netns_fd", netns);
        }
        ArrayNode procs = root.putArray("cgroup_procs");
        cgroup.procsFiles().forEach(p -> procs.add(p.toString()));
        root.put("stdio", spec.stdio() == SandboxSpec.Stdio.PIPE ? "pipe" : "inherit");
        root.put("stdin", switch (spec.stdin()) {
            case INHERIT -> "inherit";
            case NULL -> "null";
            case PIPE -> "pipe";
        });
        ObjectNode sb = root.putObject("sandbox");
        sb.put("hostname", spec.hostname());
        ArrayNode layers = sb.putArray("layers");
        spec.layers().forEach(l -> layers.add(l.toString()));
        sb.put("mount_base", mountBase.toString());
        sb.put("tmp_mb", spec.tmpMb());
        sb.put("readonly_root", spec.readonlyRoot());
        ArrayNode binds = sb.putArray("binds");
        for (SandboxSpec.BindMount b : spec.binds()) {
            binds.addObject().put("source", b.source().toString()).put("target", b.target()).put("readonly", b.readonly());
        }
        if (spec.snapshot()) {
            binds.addObject().put("source", NativeLoader.initBinary().toString()).put("target", SNAPSHOT_INIT)
                    .put("readonly", true);
        }
        ArrayNode argv = sb.putArray("argv");
        spec.argv().forEach(argv::add);
        ArrayNode env = sb.putArray("env");
        spec.env().forEach(env::add);
        sb.put("cwd", spec.cwd());
        sb.put("uid", spec.uid());
        sb.put("gid", spec.gid());
        switch (iso.seccomp()) {
            case OFF -> sb.put("seccomp", "off");
            case DEFAULT -> sb.put("seccomp", "default");
            case LIST -> iso.seccompDeny().forEach(sb.putArray("seccomp")::add);
        }
        if (iso.caps() != null) {
            iso.caps().forEach(sb.putArray("caps")::add);
        }
        sb.put("network", iso.hostNetwork() ? "host" : netns >= 0 ? "prepared" : "private");
        sb.put("snapshot", spec.snapshot());
        if (spec.proxy() != null) {
            sb.putObject("proxy").put("port", spec.proxy().port()).put("socket", spec.proxy().socketPath());
        }
        return root.toString();
    }
}
