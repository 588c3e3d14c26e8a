package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionBenchOptionsTest {
    @Test
    void restoreIsOffUnlessAskedFor() {
        FunctionBenchOptions o = FunctionBenchOptions.of(5, 10);
        assertEquals(0, o.restore());
        assertEquals(7, o.withRestore(7).restore());
    }

    @Test
    void restoreAloneIsSomethingToMeasure() {
        FunctionBenchOptions o = new FunctionBenchOptions(0, 0, 3, 1, List.of(), null, 2, 20, false, false);
        assertEquals(3, o.restore());
        assertEquals(0, o.cold());
        assertEquals(0, o.warm());
    }

    @Test
    void theRestoreCountSurvivesTheOtherWithers() {
        FunctionBenchOptions o = FunctionBenchOptions.of(1, 1).withRestore(4).withMemories(List.of(128, 1769))
                .withPayload(new byte[] {'1'}).withWarmup(3, 0).withConcurrency(2);
        assertEquals(4, o.restore());
        assertEquals(3, o.warmupCold(), "restores get the cold warm-up count");
        assertEquals(List.of(128, 1769), o.memoriesMb());
    }

    @Test
    void interleaveNeedsColdAndRestore() {
        assertTrue(FunctionBenchOptions.of(3, 0).withRestore(3).withInterleave(true).interleave());
        assertFalse(FunctionBenchOptions.of(3, 0).withRestore(3).interleave(), "off unless asked for");
        assertTrue(FunctionBenchOptions.of(3, 10).withRestore(3).withInterleave(true).withMemories(List.of(128))
                .withWarmup(1, 1).withConcurrency(2).withPayload(new byte[] {'1'}).interleave(), "kept by the withers");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FunctionBenchOptions.of(3, 10).withInterleave(true));
        assertEquals("--interleave alternates cold starts and restores: it needs --cold and --restore above 0",
                e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new FunctionBenchOptions(0, 10, 3, 1, List.of(), null, 2, 20, false, true));
    }

    @Test
    void rejectsANegativeRestoreCountAndNothingToMeasure() {
        assertThrows(IllegalArgumentException.class, () -> FunctionBenchOptions.of(1, 1).withRestore(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FunctionBenchOptions(0, 0, 0, 1, List.of(), null, 2, 20, false, false));
        assertEquals("nothing to measure: --cold, --warm and --restore are all 0", e.getMessage());
    }
}
