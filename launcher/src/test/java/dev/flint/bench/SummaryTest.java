package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void percentilesAreWithinTheHistogramsResolution() {
        long[] v = LongStream.rangeClosed(1, 1000).map(i -> i * 1_000_000L).toArray(); // 1..1000 ms
        Summary s = Summary.of(v);
        assertEquals(1000, s.count());
        assertClose(500_000_000L, s.p50());
        assertClose(900_000_000L, s.p90());
        assertClose(990_000_000L, s.p99());
        assertClose(1_000_000_000L, s.max());
        assertClose(500_500_000L, (long) s.mean());
        assertTrue(s.ci().low() <= 500_000_000L && s.ci().high() >= 501_000_000L);
    }

    @Test
    void negativeAndEmptyAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> Summary.of(new long[] {5, -1}));
    }

    /** 3 significant digits: within 0.1 %. */
    private static void assertClose(long expected, long actual) {
        assertTrue(Math.abs(actual - expected) <= expected / 1000 + 1, "expected ≈" + expected + ", got " + actual);
    }
}
