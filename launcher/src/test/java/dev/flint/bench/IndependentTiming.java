package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The honesty check of the bench ITs: a bench median against the test's own timing of the same thing. */
final class IndependentTiming {
    private IndependentTiming() {}

    /** The lower median, as the bench's p50 takes it. */
    static long median(List<Long> v) {
        long[] s = v.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }

    /** The bench's p50 within 20 % of the independent median. */
    static void assertWithin(long independent, long bench, String what) {
        double ratio = (double) bench / independent;
        String msg = String.format(Locale.ROOT, "%s: bench p50 %.3f ms, independent median %.3f ms, ratio %.3f", what,
                bench / 1e6, independent / 1e6, ratio);
        System.out.println(msg);
        assertTrue(ratio >= 0.8 && ratio <= 1.2, msg);
    }
}
