package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRankOnOneToHundred() {
        long[] v = LongStream.rangeClosed(1, 100).toArray();
        Percentiles p = Percentiles.of(v);
        assertEquals(50, p.p50());
        assertEquals(90, p.p90());
        assertEquals(99, p.p99());
        assertEquals(100, p.percentile(100));
        assertEquals(1, p.percentile(0.5));
        assertEquals(1, p.min());
        assertEquals(100, p.max());
        assertEquals(100, p.count());
        assertEquals(50, p.mean()); // 50.5 rounded down
    }

    @Test
    void inputOrderDoesNotMatterAndInputIsNotModified() {
        long[] v = {30, 10, 20};
        Percentiles p = Percentiles.of(v);
        assertEquals(20, p.p50());
        assertEquals(30, p.p99());
        assertEquals(30, v[0]);
    }

    @Test
    void threeHundredSamplesUseRanks150And297() {
        // ceil(0.5 * 300) = 150, ceil(0.99 * 300) = 297: floating-point must not push them up.
        long[] v = LongStream.rangeClosed(1, 300).toArray();
        Percentiles p = Percentiles.of(v);
        assertEquals(150, p.p50());
        assertEquals(270, p.p90());
        assertEquals(297, p.p99());
    }

    @Test
    void smallSetsReturnActualSamples() {
        Percentiles one = Percentiles.of(7);
        assertEquals(7, one.p50());
        assertEquals(7, one.p99());
        Percentiles two = Percentiles.of(List.of(5L, 9L));
        assertEquals(5, two.p50());
        assertEquals(9, two.p90());
        assertEquals(9, two.p99());
    }

    @Test
    void tailIsTheMaxWhenFewSamples() {
        long[] v = new long[50];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1_000_000;
        }
        v[49] = 30_000_000;
        Percentiles p = Percentiles.of(v);
        assertEquals(1_000_000, p.p50());
        assertEquals(30_000_000, p.p99()); // rank ceil(49.5) = 50
    }

    @Test
    void rejectsEmptyAndOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(List.of()));
        Percentiles p = Percentiles.of(1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> p.percentile(0));
        assertThrows(IllegalArgumentException.class, () -> p.percentile(100.1));
        assertThrows(IllegalArgumentException.class, () -> p.percentile(Double.NaN));
    }

    @Test
    void formatsMilliseconds() {
        assertEquals("1.235", Percentiles.ms(1_234_567));
        assertEquals("0.000", Percentiles.ms(0));
        assertEquals("24.000", Percentiles.ms(24_000_000));
    }
}
