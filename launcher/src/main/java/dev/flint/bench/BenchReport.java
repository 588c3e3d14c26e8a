package dev.flint.bench;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measured outcome of one {@link SandboxBench} run. Every figure is a measurement of this run;
 * {@code unaccounted} is launch time minus the phases that were measured inside it.
 *
 * @param started    when the measured loop started (UTC)
 * @param host       kernel, CPUs, CPU model, memory, cgroup version of the host
 * @param jvm        Java version and VM flags of this process
 * @param options    what was measured
 * @param createExit per sandbox: launch() → await() → close(), the cgroup removal included
 * @param segments   the three calls separately ("launch", "run+exit", "close") plus "unaccounted"
 * @param phases     launch's phases as the sandbox reported them: "cgroup", "clone", then
 *                   flint-init's stages (spec, mount-*, pivot-root, hostname, network, proxy, exec)
 * @param cpuLimit   the sandboxes' CFS limit, their CPU time (setup + command) and how many were throttled
 * @param gcCount    JVM garbage collections during the measured loop
 * @param gcMillis   their total time as the JVM reports it
 * @param loopNanos  wall time of the whole measured loop
 * @param samples    the create→exit samples in nanoseconds, in the order they were measured
 */
public record BenchReport(Instant started, String host, String jvm, BenchOptions options, Percentiles createExit,
        Map<String, Percentiles> segments, Map<String, Percentiles> phases, CpuLimit cpuLimit, long gcCount, long gcMillis,
        long loopNanos, long[] samples) implements BenchMain.Report {

    public BenchReport {
        samples = samples.clone();
        segments = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(segments));
        phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    /**
     * CPU of the sandboxes against their limit, from each sandbox's cgroup before removal.
     *
     * @param quotaUs     CFS quota per period for the benchmark's memory size
     * @param periodUs    CFS period
     * @param cpuTime     CPU time charged to each sandbox's cgroup (flint-init's setup + the command)
     * @param throttled   measured sandboxes with {@code nr_throttled > 0}
     * @param throttledNanos total throttled time over all measured sandboxes
     */
    public record CpuLimit(long quotaUs, long periodUs, Percentiles cpuTime, int throttled, long throttledNanos) {}

    /** The create→exit samples in nanoseconds, in measurement order (a copy). */
    @Override
    public long[] samples() {
        return samples.clone();
    }

    /** Human-readable tables (Markdown, so they can be pasted into docs/benchmarks.md). */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "flint sandbox create→exit, in-process (Java API, one JVM)%n"));
        b.append(String.format(Locale.ROOT, "  command: %s   image: %s   memory: %d MB   n=%d after %d warm-up%n",
                String.join(" ", options.command()), options.image(), options.memoryMb(), options.iterations(),
                options.warmup()));
        b.append(String.format(Locale.ROOT, "  started: %s%n  host: %s%n  jvm: %s%n", started, host, jvm));
        b.append(String.format(Locale.ROOT, "  measured loop: %.2f s; JVM GC during it: %d collections, %d ms%n%n",
                loopNanos / 1e9, gcCount, gcMillis));
        b.append("| per sandbox (ms) | n | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
        row(b, "**create→exit** (launch → await → close)", createExit);
        for (Map.Entry<String, Percentiles> e : segments.entrySet()) {
            row(b, "  " + e.getKey(), e.getValue());
        }
        b.append(String.format(Locale.ROOT,
                "%n  sandbox CPU limit: %d µs per %d µs period; CPU charged per sandbox p50 %s ms, p99 %s ms;"
                        + " CPU-throttled: %d of %d sandboxes, %s ms in total%n",
                cpuLimit.quotaUs(), cpuLimit.periodUs(), Percentiles.ms(cpuLimit.cpuTime().p50()),
                Percentiles.ms(cpuLimit.cpuTime().p99()), cpuLimit.throttled(), createExit.count(),
                Percentiles.ms(cpuLimit.throttledNanos())));
        b.append("\n| phase inside launch (ms) | n | p50 | p90 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Percentiles> e : phases.entrySet()) {
            row(b, e.getKey(), e.getValue());
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, Percentiles p) {
        b.append("| ").append(name).append(" | ").append(p.count());
        for (long v : List.of(p.p50(), p.p90(), p.p99(), p.max())) {
            b.append(" | ").append(Percentiles.ms(v));
        }
        b.append(" |\n");
    }

    /** A JSON-ready tree: summaries in nanoseconds, and the raw create→exit samples. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("started", started.toString());
        out.put("host", host);
        out.put("jvm", jvm);
        out.put("image", options.image());
        out.put("command", options.command());
        out.put("memory_mb", options.memoryMb());
        out.put("warmup", options.warmup());
        out.put("create_exit", summary(createExit));
        Map<String, Object> seg = new LinkedHashMap<>();
        segments.forEach((k, v) -> seg.put(k, summary(v)));
        out.put("segments", seg);
        Map<String, Object> ph = new LinkedHashMap<>();
        phases.forEach((k, v) -> ph.put(k, summary(v)));
        out.put("phases", ph);
        Map<String, Object> lim = new LinkedHashMap<>();
        lim.put("quota_us", cpuLimit.quotaUs());
        lim.put("period_us", cpuLimit.periodUs());
        lim.put("cpu_time", summary(cpuLimit.cpuTime()));
        lim.put("throttled_sandboxes", cpuLimit.throttled());
        lim.put("throttled_ns_total", cpuLimit.throttledNanos());
        out.put("cpu_limit", lim);
        out.put("gc_count", gcCount);
        out.put("gc_ms", gcMillis);
        out.put("loop_ns", loopNanos);
        out.put("create_exit_samples_ns", samples.clone());
        return out;
    }

    static Map<String, Object> summary(Percentiles p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", p.count());
        m.put("p50_ns", p.p50());
        m.put("p90_ns", p.p90());
        m.put("p99_ns", p.p99());
        m.put("max_ns", p.max());
        m.put("min_ns", p.min());
        return m;
    }
}
