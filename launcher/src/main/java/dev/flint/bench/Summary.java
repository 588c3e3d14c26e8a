package dev.flint.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Summary of one metric of one mode: count, mean, p50, p90, p99, max from an HdrHistogram that
 * recorded every sample (3 significant digits, so a percentile is the upper edge of its 0.1 %
 * bucket), and a confidence interval of the median from the exact order statistics of the raw
 * samples ({@link MedianCi}: distribution-free, binomial method).
 *
 * @param count the samples
 * @param mean  HdrHistogram's mean
 * @param min   smallest sample (bucket's lower edge)
 * @param ci    the median's confidence interval, null when there are too few samples for one
 */
public record Summary(long count, double mean, long min, long p50, long p90, long p99, long max, MedianCi ci) {

    /** Significant digits the histograms keep: 0.1 % resolution at every magnitude. */
    public static final int SIGNIFICANT_DIGITS = 3;

    /** Records the samples (all of them, none dropped) and summarises them; at least one is needed. */
    public static Summary of(long[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a summary needs at least one sample");
        }
        Histogram h = histogram(values);
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Summary(h.getTotalCount(), h.getMean(), h.getMinValue(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(90), h.getValueAtPercentile(99), h.getMaxValue(), MedianCi.of(sorted, 0.95));
    }

    /** An auto-resizing HdrHistogram holding every value (negative values are rejected). */
    public static Histogram histogram(long[] values) {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        for (long v : values) {
            if (v < 0) {
                throw new IllegalArgumentException("negative sample " + v);
            }
            h.recordValue(v);
        }
        return h;
    }

    /** JSON-ready, in the unit of the samples (nanoseconds or bytes). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", count);
        m.put("mean", Math.round(mean));
        m.put("min", min);
        m.put("p50", p50);
        m.put("p90", p90);
        m.put("p99", p99);
        m.put("max", max);
        if (ci != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("low", ci.low());
            c.put("high", ci.high());
            c.put("rank_low", ci.rankLow());
            c.put("rank_high", ci.rankHigh());
            c.put("coverage", ci.coverage());
            c.put("method", MedianCi.METHOD);
            m.put("p50_ci95", c);
        } else {
            m.put("p50_ci95", null);
        }
        return m;
    }
}
