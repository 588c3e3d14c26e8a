package dev.flint.bench;

import dev.flint.cgroup.CgroupLimits;
import dev.flint.cgroup.CgroupStats;
import dev.flint.cgroup.Cgroups;
import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxException;
import dev.flint.sandbox.SandboxLauncher;
import dev.flint.sandbox.SandboxResult;
import dev.flint.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sandbox create→exit latency through the Java API, in one JVM: after a warm-up, each iteration
 * is {@code launch(spec)} → read the command's stdout/stderr to EOF (dropped) → {@code await()}
 * → {@code close()}, timed with {@link System#nanoTime()}. {@code close()} kills nothing here
 * (the command has exited) but reaps, closes the fds and removes the cgroup, so the cgroup
 * removal is part of every figure. The phases inside {@code launch} come from
 * {@link SandboxResult#phasesMicros()} (cgroup creation timed by the launcher, clone timed in
 * libflint, the setup stages timed by flint-init itself).
 *
 * <p>Needs root. CLI entry point: {@link #run(BenchOptions)}; {@link #main} is for
 * {@code scripts/bench-sandbox.sh}.
 */
public final class SandboxBench {

    private SandboxBench() {}

    public static void main(String[] args) {
        BenchMain.run(() -> BenchOptions.parse(args), p -> p.json(), p -> run(p.options()));
    }

    /** Measures with a launcher of its own on the detected cgroup hierarchy and the given image store. */
    public static BenchReport run(BenchOptions options) {
        Cgroups cgroups = Cgroups.detect();
        Image image = new ImageStore(options.imagesRoot()).require(options.image());
        SandboxLauncher launcher = new SandboxLauncher(cgroups, options.runDir());
        launcher.removeLeftovers();
        return run(options, launcher, image, cgroups.version().name());
    }

    /**
     * Measures with the caller's launcher (e.g. the CLI's) and image.
     *
     * @param cgroupVersion shown in the report's host line
     * @throws SandboxException when a sandbox fails to start
     * @throws IllegalStateException when the command does not exit with 0
     */
    public static BenchReport run(BenchOptions options, SandboxLauncher launcher, Image image, String cgroupVersion) {
        List<String> env = new ArrayList<>(image.config().env());
        String workdir = image.config().workdir();
        SandboxSpec spec = SandboxSpec.builder(image.layers(), options.command())
                .env(env)
                .cwd(workdir == null || workdir.isBlank() ? "/" : workdir)
                .memoryMb(options.memoryMb())
                .stdio(SandboxSpec.Stdio.PIPE)
                .stdin(SandboxSpec.StdinMode.NULL)
                .build();

        int n = options.iterations();
        int total = options.warmup() + n;
        int every = Math.max(1, total / 10);
        long[] createExit = new long[n];
        long[] launch = new long[n];
        long[] runExit = new long[n];
        long[] close = new long[n];
        long[] unaccounted = new long[n];
        long[] cpu = new long[n];
        int throttled = 0;
        long throttledNanos = 0;
        Map<String, long[]> phases = new LinkedHashMap<>();

        progress(options, "bench: %d warm-up + %d measured sandboxes of '%s' in image '%s'",
                options.warmup(), n, String.join(" ", options.command()), image.name());
        Instant started = null;
        long gcCount0 = 0;
        long gcMillis0 = 0;
        long loop0 = 0;
        for (int i = 0; i < total; i++) {
            int m = i - options.warmup(); // measured index, negative while warming up
            if (m == 0) {
                started = Instant.now();
                gcCount0 = gcCount();
                gcMillis0 = gcMillis();
                loop0 = System.nanoTime();
            }
            long t0 = System.nanoTime();
            Sandbox s = launcher.launch(spec);
            long t1;
            long t2;
            long t2b;
            SandboxResult r;
            CgroupStats stats;
            try {
                t1 = System.nanoTime();
                drain(s.stdout());
                drain(s.stderr());
                r = s.await();
                t2 = System.nanoTime();
                // Diagnostics only, taken out of the timing below: was the sandbox CPU-throttled?
                stats = s.cgroup().stats();
                t2b = System.nanoTime();
            } finally {
                s.close();
            }
            long t3 = System.nanoTime();
            if (r.exitCode() != 0) {
                throw new IllegalStateException("sandbox " + s.id() + ": '" + String.join(" ", options.command())
                        + "' exited with " + r.exitCode() + "; a benchmark needs a command that succeeds");
            }
            if (m >= 0) {
                createExit[m] = (t3 - t0) - (t2b - t2);
                launch[m] = t1 - t0;
                runExit[m] = t2 - t1;
                close[m] = t3 - t2b;
                cpu[m] = r.cpuNanos();
                if (stats.nrThrottled() > 0) {
                    throttled++;
                    throttledNanos += stats.throttledNanos();
                }
                long inside = 0;
                for (Map.Entry<String, Long> e : r.phasesMicros().entrySet()) {
                    long ns = e.getValue() * 1000;
                    phases.computeIfAbsent(e.getKey(), k -> newFilled(n))[m] = ns; // first-seen order
                    inside += ns;
                }
                unaccounted[m] = (t1 - t0) - inside;
            }
            if ((i + 1) % every == 0 || i + 1 == total) {
                progress(options, "bench: %d/%d%s", i + 1, total, m < 0 ? " (warm-up)" : "");
            }
        }
        long loopNanos = System.nanoTime() - loop0;
        long gcCount = gcCount() - gcCount0;
        long gcMillis = gcMillis() - gcMillis0;

        Map<String, Percentiles> segments = new LinkedHashMap<>();
        segments.put("launch (create → ready)", Percentiles.of(launch));
        segments.put("run+exit (ready → exit reaped, output drained)", Percentiles.of(runExit));
        segments.put("close (fds, cgroup rmdir)", Percentiles.of(close));
        Map<String, Percentiles> phaseStats = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : phases.entrySet()) {
            phaseStats.put(e.getKey(), Percentiles.of(present(e.getValue())));
        }
        phaseStats.put("unaccounted (launch − phases: spec JSON, JNA, status read)", Percentiles.of(unaccounted));
        CgroupLimits limits = CgroupLimits.forMemory(options.memoryMb(), Runtime.getRuntime().availableProcessors());
        BenchReport.CpuLimit cpuLimit = new BenchReport.CpuLimit(limits.cpuQuotaUs(), limits.cpuPeriodUs(), Percentiles.of(cpu), throttled,
                throttledNanos);
        return new BenchReport(started, hostLine(cgroupVersion), jvmLine(), options, Percentiles.of(createExit),
                segments, phaseStats, cpuLimit, gcCount, gcMillis, loopNanos, createExit);
    }

    /** Reads a stream to EOF and drops the bytes (the command's output is not part of the bench). */
    private static void drain(InputStream in) {
        if (in == null) {
            return;
        }
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf, 0, buf.length) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long[] newFilled(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    /** The samples of a phase that was reported (a phase may be missing in some iterations). */
    private static long[] present(long[] a) {
        return java.util.Arrays.stream(a).filter(v -> v >= 0).toArray();
    }

    private static void progress(BenchOptions o, String fmt, Object... args) {
        if (o.progress()) {
            System.err.println(String.format(Locale.ROOT, fmt, args));
        }
    }

    private static long gcCount() {
        long c = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            c += Math.max(0, b.getCollectionCount());
        }
        return c;
    }

    private static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }

    static String hostLine(String cgroupVersion) {
        MachineInfo m = MachineInfo.probe(cgroupVersion);
        return String.format(Locale.ROOT, "Linux %s, %d CPUs (%s), %s RAM, cgroup %s", m.kernel(), m.cores(),
                m.cpuModel(), m.memTotal(), m.cgroupVersion());
    }

    private static String jvmLine() {
        return MachineInfo.probe("").java();
    }
}
