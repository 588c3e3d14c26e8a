package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        FunctionBenchOptions o = new FunctionBenchOptions(0, 0, 3, 1, List.of(), null, 2, 20, false);
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
    void rejectsANegativeRestoreCountAndNothingToMeasure() {
        assertThrows(IllegalArgumentException.class, () -> FunctionBenchOptions.of(1, 1).withRestore(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FunctionBenchOptions(0, 0, 0, 1, List.of(), null, 2, 20, false));
        assertEquals("nothing to measure: --cold, --warm and --restore are all 0", e.getMessage());
    }
}
