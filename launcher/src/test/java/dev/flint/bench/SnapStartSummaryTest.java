package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapStartSummaryTest {
    @TempDir
    Path tmp;

    @Test
    void tableJudgesEachCaseByItsTarget() throws Exception {
        // restore ≈ 3.2 ms against cold ≈ 30.3 ms: 10.6 % of cold
        BenchOutput.write(BenchFixtures.result(List.of(1769), 20, 10, 0, 30, 3, 0.4), tmp.resolve("a"));
        String t = SnapStartSummary.table(List.of(
                new SnapStartSummary.Case("ratio 10 %", tmp.resolve("a/summary.json"), "ratio:0.1"),
                new SnapStartSummary.Case("ratio 1/3", tmp.resolve("a/summary.json"), "ratio:0.3333333"),
                new SnapStartSummary.Case("60 ms", tmp.resolve("a/summary.json"), "ms:60"),
                new SnapStartSummary.Case("3 ms", tmp.resolve("a/summary.json"), "ms:3"),
                new SnapStartSummary.Case("none", tmp.resolve("a/summary.json"), "none")));
        List<String> lines = t.lines().toList();
        assertTrue(lines.get(2).startsWith("| ratio 10 % | 1769 | 20 | 30.310 | "), t);
        assertTrue(lines.get(2).contains("| 10 | 3.201 |"), t);
        assertTrue(lines.get(2).endsWith("| 0.106 | restore p50 ≤ 10 % of cold | **missed** |"), t);
        assertTrue(lines.get(3).endsWith("| restore p50 ≤ 1/3 of cold | met |"), t);
        assertTrue(lines.get(4).endsWith("| restore p50 ≤ 60 ms | met |"), t);
        assertTrue(lines.get(5).endsWith("| restore p50 ≤ 3 ms | **missed** |"), t);
        assertTrue(lines.get(6).endsWith("| – | – |"), t);
        assertTrue(t.contains("| ratio 10 % | 900.0 | 120.0 | 24.0 | 12 | 0.10 → 0.20 |"), t);
    }

    @Test
    void targetsReadAsStated() {
        assertEquals("restore p50 ≤ 10 % of cold", SnapStartSummary.describe("ratio:0.1"));
        assertEquals("restore p50 ≤ 1/3 of cold", SnapStartSummary.describe("ratio:0.3333"));
        assertEquals("restore p50 ≤ 60 ms", SnapStartSummary.describe("ms:60"));
        assertEquals("met", SnapStartSummary.met("ratio:0.1", 0.1, 0));
        assertEquals("met", SnapStartSummary.met("ms:60", 1, 60_000_000));
        assertEquals("**missed**", SnapStartSummary.met("ms:60", 1, 60_000_001));
    }
}
