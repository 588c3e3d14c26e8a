package dev.flint.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Order statistics of a set of durations in nanoseconds, by the nearest-rank method: the p-th
 * percentile is the smallest sample such that at least p % of the samples are less than or equal
 * to it. Every value returned is one of the samples (no interpolation), so nothing printed from
 * here is a number that was not measured.
 */
public final class Percentiles {
    private final long[] sorted;

    private Percentiles(long[] sorted) {
        this.sorted = sorted;
    }

    /** Copies and sorts the samples; at least one is required. */
    public static Percentiles of(long... nanos) {
        if (nanos == null || nanos.length == 0) {
            throw new IllegalArgumentException("percentiles need at least one sample");
        }
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new Percentiles(s);
    }

    public static Percentiles of(Collection<Long> nanos) {
        return of(nanos.stream().mapToLong(Long::longValue).toArray());
    }

    public int count() {
        return sorted.length;
    }

    /**
     * The nearest-rank percentile, {@code 0 < p <= 100}: sample number {@code ceil(p/100 * n)}
     * (1-based) in ascending order.
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        // p * n / 100 in exact-enough double arithmetic; the epsilon keeps 50 % of 300 at rank 150
        // instead of 151 when the product comes out as 150.00000000000003.
        int rank = (int) Math.ceil(p * sorted.length / 100.0 - 1e-9);
        return sorted[Math.max(1, Math.min(rank, sorted.length)) - 1];
    }

    public long p50() { return percentile(50); }

    public long p90() { return percentile(90); }

    public long p99() { return percentile(99); }

    public long min() { return sorted[0]; }

    public long max() { return sorted[sorted.length - 1]; }

    /** Arithmetic mean, rounded down to whole nanoseconds. */
    public long mean() {
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return (long) (sum / sorted.length);
    }

    /** Nanoseconds as milliseconds with three decimals ("1.234"). */
    public static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
