package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class MedianCiTest {

    @Test
    void tooFewSamplesHaveNoInterval() {
        // with n = 5 even [min, max] covers the median with probability 1 - 2/32 = 0.9375 < 0.95
        assertNull(MedianCi.of(new long[] {1, 2, 3, 4, 5}, 0.95));
    }

    @Test
    void sixSamplesGiveMinToMax() {
        MedianCi ci = MedianCi.of(new long[] {1, 2, 3, 4, 5, 6}, 0.95);
        assertNotNull(ci);
        assertEquals(1, ci.low());
        assertEquals(6, ci.high());
        assertEquals(1 - 2.0 / 64, ci.coverage(), 1e-12);
    }

    @Test
    void ranksMatchTheBinomialTable() {
        // Standard table values for the 95 % interval of the median (e.g. Conover, Practical
        // Nonparametric Statistics): n = 10 → ranks 2 and 9; n = 100 → 40 and 61.
        assertArrayEquals(new int[] {2, 9}, MedianCi.ranks(10, 0.95));
        assertArrayEquals(new int[] {40, 61}, MedianCi.ranks(100, 0.95));
        MedianCi ci = MedianCi.of(LongStream.rangeClosed(1, 100).toArray(), 0.95);
        assertEquals(40, ci.low());
        assertEquals(61, ci.high());
        assertTrue(ci.coverage() >= 0.95 && ci.coverage() < 0.97, "coverage " + ci.coverage());
    }

    @Test
    void largeNStaysFinite() {
        int[] r = MedianCi.ranks(100_000, 0.95);
        // normal approximation: n/2 ∓ 1.96·√n/2 = 50000 ∓ 310
        assertTrue(Math.abs(r[0] - 49_690) <= 2, "low rank " + r[0]);
        assertEquals(100_000 - r[0] + 1, r[1]);
    }
}
