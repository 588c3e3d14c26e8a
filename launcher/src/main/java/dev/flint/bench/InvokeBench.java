package dev.flint.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.cgroup.CgroupLimits;
import dev.flint.cgroup.CgroupStats;
import dev.flint.cgroup.Cgroups;
import dev.flint.function.CodeArtifact;
import dev.flint.function.CodeStore;
import dev.flint.function.FunctionArns;
import dev.flint.function.FunctionDefinition;
import dev.flint.function.FunctionDirectory;
import dev.flint.function.InvalidParameterValueException;
import dev.flint.function.Runtimes;
import dev.flint.image.Image;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.invoke.LogSink;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Cold start and warm invoke latency through {@link InvokeService}, in one JVM, for each function
 * directory (by default the three examples) at each memory size.
 *
 * <p>Per function the code is stored once in a {@link CodeStore}. Per function and memory size:
 * <ol>
 * <li>warm-up, not measured: a few cold starts and warm invokes, so the JVM's own code paths
 *     (Runtime API server, JSON, launcher) are compiled before anything is timed;</li>
 * <li>cold starts: each on a fresh {@code InvokeService}, so it has no idle env and must create
 *     one (checked: the response says {@code coldStart}). Timed from the {@code invoke()} call to
 *     its return: sandbox creation, Init (the runtime's start until its first {@code next}) and
 *     the first invoke. The env is closed afterwards, outside the timing;</li>
 * <li>warm invokes: one env, {@code invoke()} call to return, each checked not to be cold.</li>
 * </ol>
 * The parts of a cold start come from the response (Init Duration, REPORT Duration) and from the
 * env's sandbox ({@link Sandbox#phasesMicros()}), found among {@link SandboxLauncher#live()}.
 *
 * <p>Needs root. {@link #main} is for {@code scripts/bench-invoke.sh}.
 */
public final class InvokeBench {
    private static final byte[] PAYLOAD = "{}".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private InvokeBench() {}

    public static void main(String[] args) {
        BenchMain.run(() -> InvokeBenchOptions.parse(args, Path.of(System.getProperty("flint.home", "."))), p -> p.json(), p -> run(p.options()));
    }

    /** Measures every function × memory row with a launcher of its own. */
    public static InvokeBenchReport run(InvokeBenchOptions options) {
        Cgroups cgroups = Cgroups.detect();
        SandboxLauncher launcher = new SandboxLauncher(cgroups, options.runDir());
        launcher.removeLeftovers();
        ImageStore images = new ImageStore(options.imagesRoot());
        Path state = options.stateDir();
        boolean tempState = state == null;
        try {
            if (tempState) {
                state = Files.createTempDirectory("flint-invoke-bench");
            }
            CodeStore code = new CodeStore(state.resolve("code"));
            // Load and store every function first, so a bad directory fails before anything is measured.
            List<FunctionSpec> base = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Path dir : options.functions()) {
                FunctionDefinition def = loadDefinition(dir);
                CodeArtifact artifact = code.store(def.code());
                String imageName = Runtimes.imageFor(def.runtime());
                Image image = images.require(imageName);
                base.add(new FunctionSpec(def.name(), "$LATEST", def.runtime(), imageName, def.handler(), def.memoryMb(),
                        options.timeout(), def.environment(), def.ephemeralStorageMb(), artifact.dir(), image.layers()));
                names.add(dirName(dir));
                progress(options, "bench: %s: %s, handler %s, code %s stored at %s", names.get(names.size() - 1),
                        def.runtime(), def.handler(), def.code(), artifact.dir());
            }
            Instant started = Instant.now();
            List<InvokeBenchReport.Row> rows = new ArrayList<>();
            for (int f = 0; f < base.size(); f++) {
                for (int mem : options.memoriesMb()) {
                    rows.add(measure(options, launcher, names.get(f), withMemory(base.get(f), mem)));
                }
            }
            return new InvokeBenchReport(started, SandboxBench.hostLine(cgroups.version().name()), jvmLine(), rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the bench's state dir", e);
        } finally {
            if (tempState && state != null) {
                BenchSnapshot.deleteTree(state);
            }
        }
    }

    /** One row: warm-up, cold starts, then warm invokes on one env. */
    static InvokeBenchReport.Row measure(InvokeBenchOptions o, SandboxLauncher launcher, String example, FunctionSpec fn) {
        String region = FunctionArns.region();
        String account = FunctionArns.account();
        Path runDir = o.runDir();
        int nCold = o.coldFor(fn.runtime());
        int wCold = o.warmupColdFor(fn.runtime());
        String label = example + " @ " + fn.memoryMb() + " MB";
        LogSink drop = line -> {};

        // --- cold starts (the first wCold are warm-up) -------------------------------------------
        progress(o, "bench: %s: %d warm-up + %d cold starts", label, wCold, nCold);
        long[] cold = new long[nCold];
        long[] init = new long[nCold];
        long[] first = new long[nCold];
        long[] rest = new long[nCold];
        long[] setup = new long[nCold];
        long[] runtimeStart = new long[nCold];
        long[] cpu = new long[nCold];
        long[] close = new long[nCold];
        int throttled = 0;
        Map<String, long[]> phases = new LinkedHashMap<>();
        int every = Math.max(1, (wCold + nCold) / 5);
        long budget = o.budget().toNanos();
        long coldStart = 0;
        int coldDone = 0;
        for (int i = 0; i < wCold + nCold; i++) {
            int m = i - wCold;
            if (m == 0) {
                coldStart = System.nanoTime();
            }
            if (m >= InvokeBenchOptions.MIN_COLD && System.nanoTime() - coldStart > budget) {
                progress(o, "bench: %s: cold-start budget of %d s spent after %d", label, o.budget().toSeconds(), m);
                break;
            }
            InvokeService service = InvokeService.create(launcher, runDir, region, account);
            try {
                Set<Sandbox> before = SandboxLauncher.live();
                long t0 = System.nanoTime();
                InvokeResponse r = service.invoke(fn, PAYLOAD, drop);
                long t1 = System.nanoTime();
                check(label, r, true);
                Sandbox sb = newSandbox(before);
                CgroupStats stats = sb == null ? null : sb.cgroup().stats();
                long t2 = System.nanoTime();
                service.close();
                long t3 = System.nanoTime();
                if (m >= 0) {
                    cold[m] = t1 - t0;
                    init[m] = r.initNanos();
                    first[m] = r.durationNanos();
                    rest[m] = cold[m] - init[m] - first[m];
                    close[m] = t3 - t2;
                    long sum = 0;
                    if (sb != null) {
                        for (Map.Entry<String, Long> e : sb.phasesMicros().entrySet()) {
                            long ns = e.getValue() * 1000;
                            phases.computeIfAbsent(e.getKey(), k -> filled(nCold))[m] = ns;
                            sum += ns;
                        }
                        cpu[m] = stats.cpuUsageNanos();
                        if (stats.nrThrottled() > 0) {
                            throttled++;
                        }
                    }
                    setup[m] = sum;
                    runtimeStart[m] = init[m] - sum;
                    coldDone = m + 1;
                }
            } finally {
                service.close();
            }
            if (o.settleMillis() > 0) {
                sleep(o.settleMillis());
            }
            if ((i + 1) % every == 0 || i + 1 == wCold + nCold) {
                progress(o, "bench: %s: cold %d/%d%s", label, i + 1, wCold + nCold, m < 0 ? " (warm-up)" : "");
            }
        }

        // --- warm invokes on one env -------------------------------------------------------------
        int nWarm = o.warm();
        progress(o, "bench: %s: 1 cold + %d warm-up + %d warm invokes on one env", label, o.warmupWarm(), nWarm);
        long[] warm = new long[nWarm];
        long[] report = new long[nWarm];
        long throttledPeriods;
        long throttledNanos;
        int warmDone = 0;
        try (InvokeService service = InvokeService.create(launcher, runDir, region, account)) {
            Set<Sandbox> before = SandboxLauncher.live();
            check(label, service.invoke(fn, PAYLOAD, drop), true);
            Sandbox sb = newSandbox(before);
            for (int i = 0; i < o.warmupWarm(); i++) {
                check(label, service.invoke(fn, PAYLOAD, drop), false);
            }
            CgroupStats s0 = sb == null ? null : sb.cgroup().stats();
            int everyWarm = Math.max(1, nWarm / 5);
            long warmStart = System.nanoTime();
            for (int i = 0; i < nWarm; i++) {
                if (i >= InvokeBenchOptions.MIN_WARM && System.nanoTime() - warmStart > budget) {
                    progress(o, "bench: %s: warm budget of %d s spent after %d", label, o.budget().toSeconds(), i);
                    break;
                }
                long t0 = System.nanoTime();
                InvokeResponse r = service.invoke(fn, PAYLOAD, drop);
                long t1 = System.nanoTime();
                check(label, r, false);
                warm[i] = t1 - t0;
                report[i] = r.durationNanos();
                warmDone = i + 1;
                if ((i + 1) % everyWarm == 0) {
                    progress(o, "bench: %s: warm %d/%d", label, i + 1, nWarm);
                }
            }
            CgroupStats s1 = sb == null ? null : sb.cgroup().stats();
            throttledPeriods = s0 == null ? 0 : s1.nrThrottled() - s0.nrThrottled();
            throttledNanos = s0 == null ? 0 : s1.throttledNanos() - s0.throttledNanos();
        }

        int nc = coldDone;
        cold = java.util.Arrays.copyOf(cold, nc);
        init = java.util.Arrays.copyOf(init, nc);
        first = java.util.Arrays.copyOf(first, nc);
        rest = java.util.Arrays.copyOf(rest, nc);
        setup = java.util.Arrays.copyOf(setup, nc);
        runtimeStart = java.util.Arrays.copyOf(runtimeStart, nc);
        cpu = java.util.Arrays.copyOf(cpu, nc);
        close = java.util.Arrays.copyOf(close, nc);
        phases.replaceAll((k, v) -> java.util.Arrays.copyOf(v, nc));
        warm = java.util.Arrays.copyOf(warm, warmDone);
        report = java.util.Arrays.copyOf(report, warmDone);
        Map<String, Percentiles> breakdown = new LinkedHashMap<>();
        breakdown.put("Init Duration", Percentiles.of(init));
        breakdown.put("sandbox setup", Percentiles.of(setup));
        breakdown.put("runtime start", Percentiles.of(runtimeStart));
        breakdown.put("first invoke", Percentiles.of(first));
        breakdown.put("rest", Percentiles.of(rest));
        Map<String, Percentiles> phaseStats = new LinkedHashMap<>();
        phases.forEach((k, v) -> {
            long[] present = java.util.Arrays.stream(v).filter(x -> x >= 0).toArray();
            if (present.length > 0) {
                phaseStats.put(k, Percentiles.of(present));
            }
        });
        CgroupLimits limits = CgroupLimits.forMemory(fn.memoryMb(), Runtime.getRuntime().availableProcessors());
        return new InvokeBenchReport.Row(example, fn.runtime(), fn.memoryMb(), limits.cpuQuotaUs(), limits.cpuPeriodUs(),
                Percentiles.of(cold), breakdown, phaseStats, Percentiles.of(cpu), throttled, Percentiles.of(close),
                Percentiles.of(warm), Percentiles.of(report), throttledPeriods, throttledNanos, cold, warm);
    }

    /**
     * A function directory as {@code flint run DIR} reads it. A {@code flint.json} with a
     * {@code "code"} key (which {@link FunctionDirectory} does not accept) is read here with that key
     * resolved against the directory, so the hello-java example can be measured as it is.
     */
    static FunctionDefinition loadDefinition(Path dir) {
        try {
            return FunctionDirectory.load(dir);
        } catch (InvalidParameterValueException e) {
            if (e.getMessage() == null || !e.getMessage().contains("unknown key 'code'")) {
                throw e;
            }
        }
        JsonNode cfg;
        try {
            cfg = JSON.readTree(dir.resolve(FunctionDirectory.CONFIG_FILE).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve(FunctionDirectory.CONFIG_FILE), e);
        }
        Path code = dir.resolve(cfg.path("code").asText());
        if (!Files.exists(code)) {
            throw new IllegalArgumentException(dir + ": the code '" + code + "' does not exist"
                    + (code.toString().endsWith(".jar") ? " (build it first, e.g. mvn -q -f " + dir.resolve("pom.xml")
                    + " package)" : ""));
        }
        String name = cfg.hasNonNull("name") ? cfg.get("name").asText() : dirName(dir).replaceAll("[^a-zA-Z0-9-_]", "-");
        return FunctionDefinition.of(name, cfg.path("runtime").asText(null), cfg.path("handler").asText(null), code);
    }

    private static FunctionSpec withMemory(FunctionSpec f, int mb) {
        return new FunctionSpec(f.name(), f.version(), f.runtime(), f.image(), f.handler(), mb, f.timeout(),
                f.environment(), f.ephemeralStorageMb(), f.codeDir(), f.layers(), f.imageLaunch());
    }

    /** Fails the bench on an invoke that failed or was not the kind (cold/warm) being measured. */
    static void check(String label, InvokeResponse r, boolean wantCold) {
        if (r.failed()) {
            throw new IllegalStateException(label + ": the invoke failed (" + r.errorType() + "): "
                    + new String(r.payload(), StandardCharsets.UTF_8) + "\nlog tail:\n"
                    + new String(java.util.Base64.getDecoder().decode(r.logTail()), StandardCharsets.UTF_8));
        }
        if (r.coldStart() != wantCold) {
            throw new IllegalStateException(label + ": expected a " + (wantCold ? "cold start" : "warm invoke")
                    + " but got a " + (r.coldStart() ? "cold start" : "warm invoke"));
        }
        if (r.payload().length == 0) {
            throw new IllegalStateException(label + ": empty response");
        }
    }

    /** The one sandbox started since {@code before} (null if there is not exactly one). */
    private static Sandbox newSandbox(Set<Sandbox> before) {
        Set<Sandbox> now = new HashSet<>(SandboxLauncher.live());
        now.removeAll(before);
        return now.size() == 1 ? now.iterator().next() : null;
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    private static String dirName(Path dir) {
        Path f = dir.toAbsolutePath().normalize().getFileName();
        return f == null ? "function" : f.toString();
    }

    private static void progress(InvokeBenchOptions o, String fmt, Object... args) {
        if (o.progress()) {
            System.err.println(String.format(Locale.ROOT, fmt, args));
        }
    }

    private static String jvmLine() {
        return "Java " + Runtime.version() + " " + String.join(" ",
                ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-X")).toList());
    }
}
