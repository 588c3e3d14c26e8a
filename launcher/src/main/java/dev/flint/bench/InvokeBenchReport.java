package dev.flint.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The measured outcome of one {@link InvokeBench} run: one {@link Row} per function and memory
 * size. Every figure is a measurement of this run.
 *
 * @param started when the first measured row started (UTC)
 * @param host    kernel, CPUs, CPU model, memory, cgroup version
 * @param jvm     Java version and VM flags of the measuring JVM
 * @param rows    function × memory, in measurement order
 */
public record InvokeBenchReport(Instant started, String host, String jvm, List<Row> rows) implements BenchMain.Report {

    public InvokeBenchReport {
        rows = List.copyOf(rows);
    }

    /**
     * One function at one memory size.
     *
     * @param example        the function directory's name
     * @param runtime        its runtime
     * @param memoryMb       the memory size (and so the CPU share)
     * @param cpuQuotaUs     CFS quota per period the function runs under after its sandbox is ready
     * @param cpuPeriodUs    CFS period
     * @param cold           per cold start: {@code invoke()} call → response, on a new env
     * @param breakdown      per cold start, its parts: "Init Duration" (env created → the runtime's
     *                       first {@code next}), inside it "sandbox setup" (the sum of the sandbox's
     *                       phases) and "runtime start" (Init − sandbox setup), then "first invoke"
     *                       (REPORT Duration) and "rest" (cold − Init − first invoke)
     * @param sandboxPhases  per cold start, the sandbox's own phases ("cgroup", "clone", flint-init's)
     * @param coldCpu        CPU charged to the env's cgroup at its first response
     * @param coldThrottled  cold starts whose cgroup was CPU-throttled at least once
     * @param coldClose      closing the env after its first response (kill, reap, cgroup removal); not
     *                       part of the cold start
     * @param warm           per warm invoke: {@code invoke()} call → response, on one env
     * @param warmReport     the REPORT Duration of the same invokes (event handed over → response)
     * @param warmThrottledPeriods CFS periods throttled during the measured warm invokes
     * @param warmThrottledNanos   time throttled during them
     * @param coldSamples    the cold samples in nanoseconds, in measurement order
     * @param warmSamples    the warm samples in nanoseconds, in measurement order
     */
    public record Row(String example, String runtime, int memoryMb, long cpuQuotaUs, long cpuPeriodUs,
            Percentiles cold, Map<String, Percentiles> breakdown, Map<String, Percentiles> sandboxPhases,
            Percentiles coldCpu, int coldThrottled, Percentiles coldClose, Percentiles warm, Percentiles warmReport,
            long warmThrottledPeriods, long warmThrottledNanos, long[] coldSamples, long[] warmSamples) {

        public Row {
            breakdown = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(breakdown));
            sandboxPhases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sandboxPhases));
            coldSamples = coldSamples.clone();
            warmSamples = warmSamples.clone();
        }

        @Override
        public long[] coldSamples() {
            return coldSamples.clone();
        }

        @Override
        public long[] warmSamples() {
            return warmSamples.clone();
        }

        /** "7.2 %" or "1 vCPU" style label of the CPU share. */
        String cpuShare() {
            double share = (double) cpuQuotaUs / cpuPeriodUs;
            return share >= 0.995 ? String.format(Locale.ROOT, "%.2g vCPU", share)
                    : String.format(Locale.ROOT, "%.1f %%", share * 100);
        }
    }

    /** Markdown tables, to paste into docs/benchmarks.md. */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "flint cold start and warm invoke, in-process (InvokeService, one JVM)%n"));
        b.append(String.format(Locale.ROOT, "  started: %s%n  host: %s%n  jvm: %s%n%n", started, host, jvm));

        b.append("| example | runtime | memory (CPU) | cold n | cold p50 ms | cold p99 ms | warm n | warm p50 ms | warm p99 ms |\n");
        b.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d MB (%s) | %d | %s | %s | %d | %s | %s |%n", r.example(),
                    r.runtime(), r.memoryMb(), r.cpuShare(), r.cold().count(), Percentiles.ms(r.cold().p50()),
                    Percentiles.ms(r.cold().p99()), r.warm().count(), Percentiles.ms(r.warm().p50()),
                    Percentiles.ms(r.warm().p99())));
        }

        b.append("\nWhere a cold start goes (ms, p50 of each part separately, so the parts need not add up exactly)\n\n");
        Set<String> parts = new LinkedHashSet<>();
        rows.forEach(r -> parts.addAll(r.breakdown().keySet()));
        b.append("| example | memory | cold |");
        parts.forEach(p -> b.append(' ').append(p).append(" |"));
        b.append(" CPU charged | throttled | env close |\n|---|---:|---:|");
        parts.forEach(p -> b.append("---:|"));
        b.append("---:|---:|---:|\n");
        for (Row r : rows) {
            b.append("| ").append(r.example()).append(" | ").append(r.memoryMb()).append(" | ")
                    .append(Percentiles.ms(r.cold().p50())).append(" |");
            for (String p : parts) {
                Percentiles v = r.breakdown().get(p);
                b.append(' ').append(v == null ? "–" : Percentiles.ms(v.p50())).append(" |");
            }
            b.append(' ').append(Percentiles.ms(r.coldCpu().p50())).append(" | ").append(r.coldThrottled()).append(" of ")
                    .append(r.cold().count()).append(" | ").append(Percentiles.ms(r.coldClose().p50())).append(" |\n");
        }

        b.append("\nSandbox phases of a cold start (ms, p50; \"cgroup\" timed by the launcher, \"clone\" by libflint, the rest by flint-init)\n\n");
        Set<String> phases = new LinkedHashSet<>();
        rows.forEach(r -> phases.addAll(r.sandboxPhases().keySet()));
        b.append("| phase |");
        rows.forEach(r -> b.append(' ').append(r.example()).append(' ').append(r.memoryMb()).append(" |"));
        b.append("\n|---|");
        rows.forEach(r -> b.append("---:|"));
        b.append('\n');
        for (String p : phases) {
            b.append("| ").append(p).append(" |");
            for (Row r : rows) {
                Percentiles v = r.sandboxPhases().get(p);
                b.append(' ').append(v == null ? "–" : Percentiles.ms(v.p50())).append(" |");
            }
            b.append('\n');
        }

        b.append("\nWarm invokes (ms): invoke() call → response, and REPORT Duration (event handed over → response)\n\n");
        b.append("| example | memory | n | invoke p50 | p90 | p99 | max | REPORT p50 | REPORT p99 | throttled periods |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Percentiles w = r.warm();
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s | %d (%s ms) |%n", r.example(),
                    r.memoryMb(), w.count(), Percentiles.ms(w.p50()), Percentiles.ms(w.p90()), Percentiles.ms(w.p99()),
                    Percentiles.ms(w.max()), Percentiles.ms(r.warmReport().p50()), Percentiles.ms(r.warmReport().p99()),
                    r.warmThrottledPeriods(), Percentiles.ms(r.warmThrottledNanos())));
        }
        return b.toString();
    }

    /** A JSON-ready tree: summaries in nanoseconds and the raw samples. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("started", started.toString());
        out.put("host", host);
        out.put("jvm", jvm);
        List<Object> rs = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("example", r.example());
            m.put("runtime", r.runtime());
            m.put("memory_mb", r.memoryMb());
            m.put("cpu_quota_us", r.cpuQuotaUs());
            m.put("cpu_period_us", r.cpuPeriodUs());
            m.put("cold", BenchReport.summary(r.cold()));
            Map<String, Object> bd = new LinkedHashMap<>();
            r.breakdown().forEach((k, v) -> bd.put(k, BenchReport.summary(v)));
            m.put("cold_breakdown", bd);
            Map<String, Object> ph = new LinkedHashMap<>();
            r.sandboxPhases().forEach((k, v) -> ph.put(k, BenchReport.summary(v)));
            m.put("sandbox_phases", ph);
            m.put("cold_cpu", BenchReport.summary(r.coldCpu()));
            m.put("cold_throttled", r.coldThrottled());
            m.put("cold_close", BenchReport.summary(r.coldClose()));
            m.put("warm", BenchReport.summary(r.warm()));
            m.put("warm_report_duration", BenchReport.summary(r.warmReport()));
            m.put("warm_throttled_periods", r.warmThrottledPeriods());
            m.put("warm_throttled_ns", r.warmThrottledNanos());
            m.put("cold_samples_ns", r.coldSamples());
            m.put("warm_samples_ns", r.warmSamples());
            rs.add(m);
        }
        out.put("rows", rs);
        return out;
    }
}
