package dev.flint.bench;

import dev.flint.cgroup.CgroupLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The outcome of one {@link FunctionBench} run: every sample, and per memory size and mode the
 * conditions it ran under. Summaries are computed from the samples ({@link Summary}), so the
 * table, the JSON and the CSV can never disagree.
 *
 * @param started  when the bench started (UTC)
 * @param machine  the machine it ran on
 * @param target   what the user named (function name or directory)
 * @param function the function's name
 * @param runtime  its runtime
 * @param handler  its handler
 * @param options  what was asked for
 * @param runs     one per memory size, in measurement order
 * @param notes    things the run wants said beside the figures (none at present)
 */
public record FunctionBenchResult(Instant started, MachineInfo machine, String target, String function,
        String runtime, String handler, FunctionBenchOptions options, List<MemoryRun> runs, List<String> notes) {

    /** The memory size the sweep's ratios are taken against: one full vCPU. */
    public static final int REFERENCE_MB = CgroupLimits.MB_PER_VCPU;

    public FunctionBenchResult {
        runs = List.copyOf(runs);
        notes = List.copyOf(notes);
    }

    /** What a sample is measured by; {@code -1} values are "not measured" and left out. */
    public enum Metric {
        ROUND_TRIP("round_trip", "client round trip", Sample::roundTripNanos),
        SANDBOX_CREATE("sandbox_create", "sandbox create", Sample::sandboxCreateNanos),
        INIT("init", "Init Duration", Sample::initNanos),
        RESTORE("restore", "Restore Duration", Sample::restoreNanos),
        INVOKE("invoke", "invoke (REPORT Duration)", Sample::invokeNanos),
        CPU("cpu", "CPU time (cgroup)", Sample::cpuNanos),
        PEAK_MEMORY("peak_memory", "peak memory (cgroup)", Sample::peakMemoryBytes);

        final String key;
        final String label;
        final ToLongFunction<Sample> value;

        Metric(String key, String label, ToLongFunction<Sample> value) {
            this.key = key;
            this.label = label;
            this.value = value;
        }
    }

    /**
     * One memory size.
     *
     * @param cpuQuotaUs  the CFS quota Invoke runs under at this size (Init runs without it)
     * @param cpuPeriodUs the CFS period
     * @param cold        null when not measured
     * @param restore     null when not measured
     * @param warm        null when not measured
     * @param snapshot    the snapshot the restores came from; null when restore was not measured
     */
    public record MemoryRun(int memoryMb, long cpuQuotaUs, long cpuPeriodUs, ModeRun cold, ModeRun restore,
            ModeRun warm, SnapshotInfo snapshot) {
        static MemoryRun of(int mb, ModeRun cold, ModeRun warm) {
            return of(mb, cold, null, warm, null);
        }

        static MemoryRun of(int mb, ModeRun cold, ModeRun restore, ModeRun warm, SnapshotInfo snapshot) {
            CgroupLimits l = CgroupLimits.forMemory(mb, Runtime.getRuntime().availableProcessors());
            return new MemoryRun(mb, l.cpuQuotaUs(), l.cpuPeriodUs(), cold, restore, warm, snapshot);
        }

        /** The measured modes, in measurement order: cold, restore, warm. */
        List<ModeRun> modes() {
            List<ModeRun> m = new ArrayList<>();
            for (ModeRun r : new ModeRun[] {cold, restore, warm}) {
                if (r != null) {
                    m.add(r);
                }
            }
            return m;
        }

        /** Restore round trip p50 / cold round trip p50, NaN without both. */
        double restoreToCold() {
            if (cold == null || restore == null) {
                return Double.NaN;
            }
            return (double) restore.summary(Metric.ROUND_TRIP).p50() / cold.summary(Metric.ROUND_TRIP).p50();
        }

        /** The CPU share a single-threaded handler can use: quota/period, at most one CPU. */
        double singleThreadShare() {
            return Math.min(1.0, (double) cpuQuotaUs / cpuPeriodUs);
        }
    }

    /**
     * One mode at one memory size.
     *
     * @param samples          the measured samples (warm-up excluded), in start order
     * @param proof            warm mode: that no env was created while measuring; null for cold and restore
     * @param gcCount          JVM garbage collections while measuring
     * @param gcMillis         their time
     * @param loadBefore       1-minute load average before
     * @param loadAfter        and after
     * @param throttled        cold, restore: samples whose cgroup was CPU-throttled; warm: throttled CFS periods
     * @param wallNanos        wall time of the measured samples
     * @param cpuPerInvokePool warm: CPU charged to the pool's cgroups over the measurement / n; −1 for the others
     */
    public record ModeRun(String mode, List<Sample> samples, WarmProof proof, long gcCount, long gcMillis,
            double loadBefore, double loadAfter, long throttled, long wallNanos, long cpuPerInvokePool) {
        public ModeRun {
            samples = List.copyOf(samples);
        }

        /** The summary of a metric over the samples that have it, or null if none has. */
        public Summary summary(Metric metric) {
            long[] v = samples.stream().mapToLong(metric.value).filter(x -> x >= 0).toArray();
            return v.length == 0 ? null : Summary.of(v);
        }
    }

    /**
     * Warm mode's evidence that it measured warm invokes only.
     *
     * @param pool            envs in the pool
     * @param envsBefore      {@code environmentsCreated()} before the measured invokes
     * @param envsAfter       and after them
     * @param sandboxesBefore live sandboxes of this JVM before
     * @param sandboxesAfter  and after
     * @param sameSandboxes   the live sandboxes after are the very ones before
     * @param coldResponses   measured responses that said {@code coldStart}
     */
    public record WarmProof(int pool, long envsBefore, long envsAfter, int sandboxesBefore, int sandboxesAfter,
            boolean sameSandboxes, int coldResponses) {
        public boolean holds() {
            return envsAfter == envsBefore && sameSandboxes && coldResponses == 0;
        }

        public long sandboxesCreated() {
            return envsAfter - envsBefore;
        }

        String describe() {
            return String.format(Locale.ROOT, "environments created: %d before, %d after (%d new); live sandboxes: %d"
                    + " before, %d after, %s; cold responses: %d", envsBefore, envsAfter, envsAfter - envsBefore,
                    sandboxesBefore, sandboxesAfter, sameSandboxes ? "the same ones" : "NOT the same ones",
                    coldResponses);
        }
    }

    /** All samples, memory size by memory size, in measurement order (cold, restore, warm). */
    public List<Sample> samples() {
        List<Sample> all = new ArrayList<>();
        runs.forEach(r -> r.modes().forEach(m -> all.addAll(m.samples())));
        return all;
    }

    /** How the numbers were taken, stated in every output. */
    public List<String> method() {
        List<String> m = new ArrayList<>();
        m.add("client round trip = wall time of InvokeService.invoke() in this JVM (System.nanoTime)");
        m.add("cold = a fresh InvokeService per sample: sandbox + Init + one invoke; samples run one at a time; "
                + "the env is closed after each sample, outside the timing");
        if (options.restore() > 0) {
            m.add("restore = per memory size, one SnapStart snapshot first (Init with AWS_LAMBDA_INITIALIZATION_TYPE="
                    + "snap-start, then a CRIU checkpoint of the parked env, as PublishVersion makes it); then a fresh "
                    + "InvokeService per sample whose snapshot catalog points at it: CRIU restores a new env and it invokes "
                    + "once; every response is checked to be a cold start with restored=true (an Init fallback fails the "
                    + "bench); samples run one at a time; the env is closed after each sample, outside the timing");
        }
        if (options.interleave()) {
            m.add("interleaved: cold starts and restores alternate (cold, restore, cold, …), so both modes ran under the"
                    + " same conditions (the same load figures are reported for both)");
        }
        m.add("warm = invokes on a pool of " + options.concurrency() + " already-initialised env"
                + (options.concurrency() > 1 ? "s" : "") + " by " + options.concurrency()
                + " client thread" + (options.concurrency() > 1 ? "s" : "")
                + "; environmentsCreated() and the live sandboxes are compared before/after");
        m.add("phases: sandbox create = sum of the sandbox's own phases (cgroup, clone, flint-init's stages); "
                + "for restore the sum of the restore's phases (cgroup, images, root, criu); "
                + "Init Duration, Restore Duration and invoke (REPORT Duration) as in the REPORT line; CPU time and peak memory from the "
                + "env's cgroup; warm CPU per invoke = the pool's cgroup CPU over the measurement / n (no per-sample value: "
                + "reading the cgroup between invokes would slow the invokes being measured)");
        m.add("CPU: Init runs without a CPU quota in flint, Invoke under the quota its memory size buys "
                + "(1769 MB = 1 vCPU, CFS period " + CgroupLimits.CPU_PERIOD_US + " us)");
        m.add("warm-up: " + options.warmupCold() + " cold start(s)" + (options.restore() > 0 ? ", "
                + options.warmupCold() + " restore(s)" : "") + " and " + options.warmupWarm()
                + " warm invoke(s) per memory size before measuring, not counted (the pool's first invokes neither)");
        m.add("outliers: none removed; every measured sample is in samples.csv/samples.json and in the summaries");
        m.add("noise: p50 with a 95 % confidence interval by " + MedianCi.METHOD + "; percentiles from HdrHistogram ("
                + Summary.SIGNIFICANT_DIGITS + " significant digits, a percentile is the upper edge of its 0.1 % bucket); "
                + "load average, JVM GCs and CPU throttling are reported per mode");
        return m;
    }

    // ---------------------------------------------------------------------------------- table

    /** The terminal table (Markdown, so it can be pasted into docs). */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "flint bench %s: function %s (%s, handler %s), payload %d bytes%n", target,
                function, runtime, handler, options.payload().length));
        b.append("machine: ").append(machine.line()).append('\n');
        b.append("started: ").append(started).append('\n');
        for (String m : method()) {
            b.append("- ").append(m).append('\n');
        }
        for (String n : notes) {
            b.append(n).append('\n');
        }
        for (MemoryRun r : runs) {
            b.append(String.format(Locale.ROOT, "%n### %d MB (Invoke CPU quota %d us per %d us = %.3f CPU)%n%n",
                    r.memoryMb(), r.cpuQuotaUs(), r.cpuPeriodUs(), (double) r.cpuQuotaUs() / r.cpuPeriodUs()));
            b.append("client round trip (ms)\n\n");
            b.append("| mode | n | mean | p50 | p50 95% CI | p90 | p99 | max |\n|---|---:|---:|---:|---|---:|---:|---:|\n");
            for (ModeRun m : r.modes()) {
                Summary s = m.summary(Metric.ROUND_TRIP);
                b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s |%n", m.mode(), s.count(),
                        ms(s.mean()), ms(s.p50()), ci(s), ms(s.p90()), ms(s.p99()), ms(s.max())));
            }
            b.append("\nphases, p50 (ms; peak memory in MB)\n\n");
            b.append("| mode | client round trip | sandbox create | Init Duration | Restore Duration"
                    + " | invoke (REPORT Duration) | CPU time | peak memory |\n");
            b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (ModeRun m : r.modes()) {
                b.append("| ").append(m.mode());
                for (Metric k : Metric.values()) {
                    Summary s = m.summary(k);
                    String cell = s == null ? "–" : k == Metric.PEAK_MEMORY ? mb(s.p50()) : ms(s.p50());
                    if (k == Metric.CPU && s == null && m.cpuPerInvokePool() >= 0) {
                        cell = ms(m.cpuPerInvokePool()) + " (pool mean)";
                    }
                    b.append(" | ").append(cell);
                }
                b.append(" |\n");
            }
            b.append('\n');
            for (ModeRun m : r.modes()) {
                b.append(String.format(Locale.ROOT, "%s conditions: %.1f s wall, load %.2f → %.2f, %d JVM GC (%d ms), %s%n",
                        m.mode(), m.wallNanos() / 1e9, m.loadBefore(), m.loadAfter(), m.gcCount(), m.gcMillis(),
                        m.proof() == null ? m.throttled() + " of " + m.samples().size() + " "
                                + (m.mode().equals(Sample.COLD) ? "cold starts" : "restores") + " CPU-throttled"
                                : m.throttled() + " CFS periods throttled"));
                if (m.proof() != null) {
                    WarmProof p = m.proof();
                    b.append(String.format(Locale.ROOT, "warm proof: %d sandboxes created during %d measured warm invokes"
                            + " on a pool of %d env(s) (%s)%n", p.sandboxesCreated(), m.samples().size(), p.pool(),
                            p.describe()));
                }
                if (m == r.restore() && r.snapshot() != null) {
                    b.append(r.snapshot().line()).append('\n');
                    b.append(String.format(Locale.ROOT, "restore proof: all %d restores from the snapshot (%d measured,"
                            + " %d warm-up) answered as cold starts with restored=true%n", r.snapshot().restores(),
                            m.samples().size(), r.snapshot().restores() - m.samples().size()));
                }
            }
            if (!Double.isNaN(r.restoreToCold())) {
                b.append(String.format(Locale.ROOT, "restore vs cold: round trip p50 %s ms against %s ms = %.1f %% of the"
                        + " cold start%n", ms(r.restore().summary(Metric.ROUND_TRIP).p50()),
                        ms(r.cold().summary(Metric.ROUND_TRIP).p50()), 100 * r.restoreToCold()));
            }
        }
        List<SweepRow> sweep = sweep();
        if (sweep.size() > 1) {
            b.append(String.format(Locale.ROOT, "%n### memory sweep: warm invoke duration (REPORT Duration, p50) against"
                    + " memory%n%n"));
            b.append("| memory MB | CPU share (1 thread) | duration p50 ms | p50 95% CI | cold round trip p50 ms |"
                    + " restore round trip p50 ms | duration ratio vs " + sweep.get(0).referenceMb()
                    + " MB | expected if CPU ∝ memory | CPU time per invoke ms | measured CPU share |\n");
            b.append("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
            for (SweepRow s : sweep) {
                b.append(String.format(Locale.ROOT, "| %d | %.3f | %s | %s | %s | %s | %s | %.2f | %s | %s |%n",
                        s.memoryMb(), s.share(), s.warm() == null ? "–" : ms(s.warm().p50()),
                        s.warm() == null ? "–" : ci(s.warm()), s.cold() == null ? "–" : ms(s.cold().p50()),
                        s.restore() == null ? "–" : ms(s.restore().p50()), fixed(s.ratio(), "%.2f"), s.expectedRatio(),
                        s.cpuPerInvoke() < 0 ? "–" : ms(s.cpuPerInvoke()), fixed(s.measuredShare(), "%.3f")));
            }
            b.append(String.format(Locale.ROOT, "%nmeasured CPU share = the pool's CPU time per invoke / the mean"
                    + " duration. When the CPU time per invoke differs between sizes (a throttled handler finds its"
                    + " caches cold, more so on a busy host), the duration ratio differs from the expected one by"
                    + " as much.%n"));
        }
        return b.toString();
    }

    /**
     * One memory size of the sweep.
     *
     * @param warm          warm REPORT Duration (the handler's own time under the quota), null if not measured
     * @param cold          cold client round trip, null if not measured
     * @param restore       restore client round trip, null if not measured
     * @param ratio         warm duration p50 / the reference size's; NaN without both
     * @param expectedRatio reference share / this share, for a single-threaded handler
     * @param cpuPerInvoke  warm: the pool's cgroup CPU time per invoke (ns); −1 when not measured
     * @param cpuCostRatio  cpuPerInvoke / the reference size's: 1 when the work cost the same CPU at
     *                      both sizes; NaN without both
     */
    public record SweepRow(int memoryMb, double share, Summary warm, Summary cold, Summary restore, int referenceMb,
            double ratio, double expectedRatio, long cpuPerInvoke, double cpuCostRatio) {

        /** The CPU share the handler got: CPU time per invoke / mean warm duration; NaN without both. */
        public double measuredShare() {
            return warm == null || cpuPerInvoke < 0 || warm.mean() <= 0 ? Double.NaN : cpuPerInvoke / warm.mean();
        }
    }

    /** The sweep against {@link #REFERENCE_MB} when measured, else against the largest size. */
    public List<SweepRow> sweep() {
        MemoryRun ref = runs.stream().filter(r -> r.memoryMb() == REFERENCE_MB).findFirst()
                .orElseGet(() -> runs.stream().max((a, c) -> Integer.compare(a.memoryMb(), c.memoryMb())).orElse(null));
        List<SweepRow> rows = new ArrayList<>();
        if (ref == null) {
            return rows;
        }
        Summary refWarm = ref.warm() == null ? null : ref.warm().summary(Metric.INVOKE);
        long refCpu = ref.warm() == null ? -1 : ref.warm().cpuPerInvokePool();
        List<MemoryRun> sorted = new ArrayList<>(runs);
        sorted.sort((a, c) -> Integer.compare(a.memoryMb(), c.memoryMb()));
        for (MemoryRun r : sorted) {
            Summary w = r.warm() == null ? null : r.warm().summary(Metric.INVOKE);
            Summary c = r.cold() == null ? null : r.cold().summary(Metric.ROUND_TRIP);
            Summary rs = r.restore() == null ? null : r.restore().summary(Metric.ROUND_TRIP);
            double ratio = w == null || refWarm == null ? Double.NaN : (double) w.p50() / refWarm.p50();
            long cpu = r.warm() == null ? -1 : r.warm().cpuPerInvokePool();
            double cost = cpu < 0 || refCpu <= 0 ? Double.NaN : (double) cpu / refCpu;
            rows.add(new SweepRow(r.memoryMb(), r.singleThreadShare(), w, c, rs, ref.memoryMb(), ratio,
                    ref.singleThreadShare() / r.singleThreadShare(), cpu, cost));
        }
        return rows;
    }

    // ----------------------------------------------------------------------------------- JSON

    /** summary.json: machine, method, options, per memory and mode the summaries of every metric. */
    public Map<String, Object> summaryJson() {
        Map<String, Object> out = header();
        List<Object> mems = new ArrayList<>();
        for (MemoryRun r : runs) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("memory_mb", r.memoryMb());
            m.put("cpu_quota_us", r.cpuQuotaUs());
            m.put("cpu_period_us", r.cpuPeriodUs());
            Map<String, Object> modes = new LinkedHashMap<>();
            for (ModeRun mode : r.modes()) {
                Map<String, Object> md = new LinkedHashMap<>();
                md.put("n", mode.samples().size());
                for (Metric k : Metric.values()) {
                    Summary s = mode.summary(k);
                    md.put(k.key + (k == Metric.PEAK_MEMORY ? "_bytes" : "_ns"), s == null ? null : s.toJson());
                }
                md.put("cpu_per_invoke_pool_mean_ns", mode.cpuPerInvokePool() < 0 ? null : mode.cpuPerInvokePool());
                Map<String, Object> cond = new LinkedHashMap<>();
                cond.put("wall_ns", mode.wallNanos());
                cond.put("load_before", mode.loadBefore());
                cond.put("load_after", mode.loadAfter());
                cond.put("gc_count", mode.gcCount());
                cond.put("gc_ms", mode.gcMillis());
                cond.put(mode.proof() == null ? "throttled_samples" : "throttled_periods", mode.throttled());
                md.put("conditions", cond);
                if (mode.proof() != null) {
                    WarmProof p = mode.proof();
                    Map<String, Object> pr = new LinkedHashMap<>();
                    pr.put("pool", p.pool());
                    pr.put("environments_created_before", p.envsBefore());
                    pr.put("environments_created_after", p.envsAfter());
                    pr.put("sandboxes_created_during_measurement", p.sandboxesCreated());
                    pr.put("live_sandboxes_before", p.sandboxesBefore());
                    pr.put("live_sandboxes_after", p.sandboxesAfter());
                    pr.put("same_sandboxes", p.sameSandboxes());
                    pr.put("cold_responses", p.coldResponses());
                    md.put("warm_proof", pr);
                }
                if (mode == r.restore() && r.snapshot() != null) {
                    Map<String, Object> pr = new LinkedHashMap<>();
                    pr.put("restores", r.snapshot().restores());
                    pr.put("measured", mode.samples().size());
                    pr.put("checked", "every response: coldStart and restored (an Init fallback fails the bench)");
                    md.put("restore_proof", pr);
                }
                modes.put(mode.mode(), md);
            }
            m.put("modes", modes);
            m.put("snapshot", r.snapshot() == null ? null : r.snapshot().toJson());
            m.put("restore_to_cold_round_trip_p50", Double.isNaN(r.restoreToCold()) ? null : r.restoreToCold());
            mems.add(m);
        }
        out.put("memories", mems);
        List<Object> sw = new ArrayList<>();
        for (SweepRow s : sweep()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("memory_mb", s.memoryMb());
            m.put("cpu_share_single_thread", s.share());
            m.put("warm_invoke_p50_ns", s.warm() == null ? null : s.warm().p50());
            m.put("cold_round_trip_p50_ns", s.cold() == null ? null : s.cold().p50());
            m.put("restore_round_trip_p50_ns", s.restore() == null ? null : s.restore().p50());
            m.put("reference_mb", s.referenceMb());
            m.put("duration_ratio", Double.isNaN(s.ratio()) ? null : s.ratio());
            m.put("expected_ratio", s.expectedRatio());
            m.put("cpu_per_invoke_ns", s.cpuPerInvoke() < 0 ? null : s.cpuPerInvoke());
            m.put("measured_cpu_share", Double.isNaN(s.measuredShare()) ? null : s.measuredShare());
            m.put("cpu_cost_ratio", Double.isNaN(s.cpuCostRatio()) ? null : s.cpuCostRatio());
            sw.add(m);
        }
        out.put("memory_sweep", sw);
        return out;
    }

    /** samples.json: the header and every sample. */
    public Map<String, Object> samplesJson() {
        Map<String, Object> out = header();
        List<Object> all = new ArrayList<>();
        for (Sample s : samples()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", s.mode());
            m.put("memory_mb", s.memoryMb());
            m.put("seq", s.seq());
            m.put("thread", s.thread());
            m.put("at_ms", s.atMillis());
            m.put("round_trip_ns", s.roundTripNanos());
            m.put("sandbox_create_ns", opt(s.sandboxCreateNanos()));
            m.put("init_ns", opt(s.initNanos()));
            m.put("restore_ns", opt(s.restoreNanos()));
            m.put("invoke_ns", opt(s.invokeNanos()));
            m.put("cpu_ns", opt(s.cpuNanos()));
            m.put("peak_memory_bytes", opt(s.peakMemoryBytes()));
            all.add(m);
        }
        out.put("samples", all);
        return out;
    }

    private Map<String, Object> header() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", "flint-bench/1");
        out.put("started", started.toString());
        out.put("machine", machine.toJson());
        out.put("target", target);
        out.put("function", function);
        out.put("runtime", runtime);
        out.put("handler", handler);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("cold", options.cold());
        o.put("warm", options.warm());
        o.put("restore", options.restore());
        o.put("interleave", options.interleave());
        o.put("concurrency", options.concurrency());
        o.put("memory_mb", runs.stream().map(MemoryRun::memoryMb).toList());
        o.put("payload_bytes", options.payload().length);
        o.put("warmup_cold", options.warmupCold());
        o.put("warmup_warm", options.warmupWarm());
        out.put("options", o);
        out.put("method", method());
        out.put("notes", notes);
        return out;
    }

    /** samples.csv: a header and one line per sample. */
    public String csv() {
        StringBuilder b = new StringBuilder(Sample.CSV_HEADER).append('\n');
        samples().forEach(s -> b.append(s.csv()).append('\n'));
        return b.toString();
    }

    private static Object opt(long v) {
        return v < 0 ? null : v;
    }

    static String ms(double nanos) {
        return String.format(Locale.ROOT, nanos >= 100e6 ? "%.1f" : "%.3f", nanos / 1e6);
    }

    /** A ratio or share with its format, "–" when not measured (NaN). */
    static String fixed(double v, String format) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }

    static String ci(Summary s) {
        return s.ci() == null ? "n too small" : ms(s.ci().low()) + "–" + ms(s.ci().high());
    }

    /** For tests: the round-trip samples of one mode at one size, in start order. */
    long[] roundTrips(int memoryMb, String mode) {
        return samples().stream().filter(s -> s.memoryMb() == memoryMb && s.mode().equals(mode))
                .mapToLong(Sample::roundTripNanos).toArray();
    }

    @Override
    public String toString() {
        return "FunctionBenchResult" + Arrays.asList(target, function, runs.size() + " memory sizes");
    }
}
