package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvokeBenchReportTest {
    private static InvokeBenchReport.Row row(String example, int mb, long quotaUs) {
        Map<String, Percentiles> breakdown = new LinkedHashMap<>();
        breakdown.put("Init Duration", Percentiles.of(40_000_000, 44_000_000));
        breakdown.put("first invoke", Percentiles.of(1_000_000, 2_000_000));
        Map<String, Percentiles> phases = new LinkedHashMap<>();
        phases.put("clone", Percentiles.of(800_000));
        long[] cold = {50_000_000, 60_000_000};
        long[] warm = {900_000, 1_100_000, 1_000_000};
        return new InvokeBenchReport.Row(example, "python3.11", mb, quotaUs, 20_000, Percentiles.of(cold), breakdown,
                phases, Percentiles.of(25_000_000), 0, Percentiles.of(5_000_000), Percentiles.of(warm),
                Percentiles.of(600_000), 0, 0, cold, warm);
    }

    @Test
    void formatsOneLinePerRowWithMeasuredPercentiles() {
        InvokeBenchReport r = new InvokeBenchReport(Instant.EPOCH, "host", "jvm",
                List.of(row("hello-python", 128, 1447), row("hello-python", 1769, 20_000)));
        String text = r.format();
        assertTrue(text.contains("| hello-python | python3.11 | 128 MB (7.2 %) | 2 | 50.000 | 60.000 | 3 | 1.000 | 1.100 |"),
                text);
        assertTrue(text.contains("| hello-python | python3.11 | 1769 MB (1.0 vCPU) |"), text);
        assertTrue(text.contains("| clone | 0.800 | 0.800 |"), text);
        assertTrue(text.contains("| hello-python | 128 | 50.000 | 40.000 | 1.000 | 25.000 | 0 of 2 | 5.000 |"), text);
    }

    @Test
    void jsonKeepsTheRawSamples() {
        InvokeBenchReport r = new InvokeBenchReport(Instant.EPOCH, "host", "jvm", List.of(row("x", 128, 1447)));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<Object>) r.toJson().get("rows")).get(0);
        assertEquals(128, first.get("memory_mb"));
        assertEquals(2, ((long[]) first.get("cold_samples_ns")).length);
        assertEquals(3, ((long[]) first.get("warm_samples_ns")).length);
    }
}
