package dev.flint.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.cgroup.CgroupLimits;
import dev.flint.sandbox.Isolation;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxLauncher;
import dev.flint.sandbox.SandboxSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the battery: one sandbox per setting with flint-probe bound at {@value #PROBE_PATH}; the
 * host reads the uids of flint-init and of the probe from {@code /proc} while the probe waits on
 * its stdin, then releases it.
 */
public final class Prober {
    static final String PROBE_PATH = "/.flint/probe";
    /** The first host uid of the mapped ranges; anything below is a host identity. */
    static final int MAPPED_UID_BASE = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong SEQ = new AtomicLong();

    private final SandboxLauncher launcher;
    private final Path runDir;

    /**
     * @param launcher starts the sandboxes
     * @param runDir where the host-only marker file is made (removed afterwards)
     */
    public Prober(SandboxLauncher launcher, Path runDir) {
        this.launcher = launcher;
        this.runDir = runDir;
    }

    /** The settings of {@code --matrix}: the base, then one layer off per column. */
    public static Map<String, Isolation> matrixSettings(Isolation base) {
        Map<String, Isolation> m = new LinkedHashMap<>();
        m.put("default", base);
        m.put("no-seccomp", base.withSeccomp(Isolation.Seccomp.OFF, List.of()));
        m.put("no-userns", base.withUserns(false));
        m.put("host-network", base.withHostNetwork(true));
        return m;
    }

    /** The battery under each setting, in order. */
    public List<ProbeReport> matrix(SandboxSpec.Builder base, Map<String, Isolation> settings) {
        List<ProbeReport> out = new ArrayList<>();
        settings.forEach((name, iso) -> out.add(run(name, base.isolation(iso).build())));
        return out;
    }

    /** The battery in one sandbox built from spec (its argv is replaced by the probe's). */
    public ProbeReport run(String setting, SandboxSpec spec) {
        Path marker = runDir.resolve("probe-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet() + ".marker");
        CgroupLimits limits = CgroupLimits.forMemory(spec.memoryMb(), Runtime.getRuntime().availableProcessors());
        double cpu = limits.cpuQuotaUs() <= 0 ? Runtime.getRuntime().availableProcessors()
                : (double) limits.cpuQuotaUs() / limits.cpuPeriodUs();
        SandboxSpec probeSpec = SandboxSpec.builder(spec.layers(), List.of(PROBE_PATH, String.valueOf(spec.memoryMb()),
                        String.format("%.4f", cpu), String.valueOf(limits.pidsMax()), String.valueOf(spec.tmpMb()),
                        marker.toString()))
                .env(spec.env()).cwd("/").hostname(spec.hostname()).memoryMb(spec.memoryMb()).tmpMb(spec.tmpMb())
                .user(spec.uid(), spec.gid()).binds(spec.binds())
                .bind(new SandboxSpec.BindMount(SandboxLauncher.helperBinary("flint-probe"), PROBE_PATH, true))
                .stdio(SandboxSpec.Stdio.PIPE).stdin(SandboxSpec.StdinMode.PIPE)
                .timeout(Duration.ofSeconds(120)).isolation(spec.isolation())
                .build();
        List<ProbeCheck> checks = new ArrayList<>();
        try {
            Files.writeString(marker, "host only\n");
            try (Sandbox sandbox = launcher.launch(probeSpec)) {
                checks.add(hostUid(sandbox.pid()));
                Thread drain = drain(sandbox.stderr());
                try (OutputStream in = sandbox.stdin()) {
                    in.write("go\n".getBytes(StandardCharsets.US_ASCII));
                    in.flush();
                    BufferedReader r = new BufferedReader(new InputStreamReader(sandbox.stdout(), StandardCharsets.UTF_8));
                    String line;
                    while ((line = r.readLine()) != null) {
                        JsonNode n = JSON.readTree(line);
                        if (n.has("done")) {
                            break;
                        }
                        checks.add(new ProbeCheck(n.path("id").asText(), n.path("check").asText(),
                                n.path("expected").asText(), n.path("seen").asText(), n.path("pass").asBoolean()));
                    }
                }
                sandbox.await();
                drain.join(1000);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("probe: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("probe interrupted", e);
        } finally {
            try {
                Files.deleteIfExists(marker);
            } catch (IOException ignored) {
                // a leftover marker is harmless
            }
        }
        return new ProbeReport(setting, checks);
    }

    /** The host uids of flint-init and of its child (the probe), read from the host's /proc. */
    static ProbeCheck hostUid(int initPid) throws IOException {
        int init = uidOf(initPid);
        String children = Files.readString(Path.of("/proc", String.valueOf(initPid), "task", String.valueOf(initPid), "children")).trim();
        int command = children.isEmpty() ? -1 : uidOf(Integer.parseInt(children.split("\\s+")[0]));
        boolean pass = init >= MAPPED_UID_BASE && command >= MAPPED_UID_BASE;
        return new ProbeCheck("host-uid", "uid on the host of flint-init / the command (host /proc)",
                ">= " + MAPPED_UID_BASE + " (a mapped range)", init + " / " + command, pass);
    }

    private static int uidOf(int pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static Thread drain(InputStream in) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // closed with the sandbox
            }
        }, "probe-stderr");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
