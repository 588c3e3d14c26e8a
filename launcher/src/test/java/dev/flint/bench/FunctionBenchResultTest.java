package dev.flint.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionBenchResultTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void tableStatesMethodModesAndProof() {
        String t = BenchFixtures.result(List.of(1769), 20, 100, 30, 0.4).table();
        assertTrue(t.contains("| cold | 20 |"), t);
        assertTrue(t.contains("| warm | 100 |"), t);
        assertFalse(t.contains("not available"), t);
        assertFalse(t.contains("| restore |"), "restore not asked for: no row\n" + t);
        assertTrue(t.contains("warm-up:"), t);
        assertTrue(t.contains("outliers: none removed"), t);
        assertTrue(t.contains(MedianCi.METHOD), t);
        assertTrue(t.contains("warm proof: 0 sandboxes created during 100 measured warm invokes"), t);
        assertTrue(t.contains("Test CPU, 2 cores, Linux 6.0-test, cgroup v1"), t);
        assertFalse(t.contains("memory sweep: warm"), "one size: no sweep table\n" + t);
    }

    @Test
    void tableHasRestoreNextToColdAndWarmWithItsSnapshotProofAndRatio() {
        String t = BenchFixtures.result(List.of(1769), 20, 10, 100, 30, 3, 0.4).table();
        assertTrue(t.contains("| cold | 20 |"), t);
        assertTrue(t.contains("| restore | 10 |"), t);
        assertTrue(t.contains("| warm | 100 |"), t);
        assertTrue(t.indexOf("| cold | 20 |") < t.indexOf("| restore | 10 |")
                && t.indexOf("| restore | 10 |") < t.indexOf("| warm | 100 |"), "measurement order\n" + t);
        assertTrue(t.contains("restore = per memory size, one SnapStart snapshot first"), t);
        assertTrue(t.contains("warm-up: 2 cold start(s), 2 restore(s) and 20 warm invoke(s)"), t);
        assertTrue(t.contains("| Restore Duration |"), t);
        // the phases row: restore has sandbox create, no Init Duration, a Restore Duration
        assertTrue(t.matches("(?s).*\\| restore \\| [0-9.]+ \\| [0-9.]+ \\| – \\| [0-9.]+ \\|.*"), t);
        assertTrue(t.contains("snapshot: SnapStart Init 900.0 ms, checkpoint (criu dump) 120.0 ms, image 24.0 MB,"
                + " 1100.0 ms in all (CRIU 4.2.1)"), t);
        assertTrue(t.contains("restore proof: all 12 restores from the snapshot (10 measured, 2 warm-up) answered as"
                + " cold starts with restored=true"), t);
        assertTrue(t.contains("1 of 10 restores CPU-throttled"), t);
        assertTrue(t.contains("restore vs cold: round trip p50 3.201 ms against 30.310 ms"), t);
        assertTrue(t.contains("= 10.6 % of the cold start"), t);
    }

    @Test
    void interleavedRunsSayTheyWereInterleaved() throws Exception {
        FunctionBenchResult plain = BenchFixtures.result(List.of(1769), 5, 5, 0, 30, 3, 0.4);
        assertFalse(plain.table().contains("interleaved:"), plain.table());
        FunctionBenchResult r = new FunctionBenchResult(plain.started(), plain.machine(), plain.target(),
                plain.function(), plain.runtime(), plain.handler(), plain.options().withInterleave(true), plain.runs(),
                plain.notes());
        assertTrue(r.table().contains("- interleaved: cold starts and restores alternate (cold, restore, cold, …)"),
                r.table());
        BenchOutput.write(r, tmp.resolve("out"));
        JsonNode summary = JSON.readTree(tmp.resolve("out").resolve(BenchOutput.SUMMARY_JSON).toFile());
        assertTrue(summary.path("options").path("interleave").asBoolean());
    }

    @Test
    void restoreToColdIsTheRatioOfRoundTripMedians() {
        FunctionBenchResult r = BenchFixtures.result(List.of(1769), 20, 10, 0, 30, 3, 0.4);
        FunctionBenchResult.MemoryRun run = r.runs().get(0);
        double expected = (double) run.restore().summary(FunctionBenchResult.Metric.ROUND_TRIP).p50()
                / run.cold().summary(FunctionBenchResult.Metric.ROUND_TRIP).p50();
        assertEquals(expected, run.restoreToCold(), 1e-12);
        assertEquals(0.1, run.restoreToCold(), 0.01);
        assertTrue(Double.isNaN(BenchFixtures.result(List.of(1769), 20, 10, 30, 0.4).runs().get(0).restoreToCold()));
        assertTrue(run.restore().summary(FunctionBenchResult.Metric.INIT) == null, "restores have no Init Duration");
        assertTrue(run.cold().summary(FunctionBenchResult.Metric.RESTORE) == null, "cold starts have no Restore Duration");
    }

    @Test
    void sweepRatiosFollowTheCpuShare() {
        FunctionBenchResult r = BenchFixtures.result(List.of(128, 1769), 0, 10, 30, 100);
        List<FunctionBenchResult.SweepRow> rows = r.sweep();
        assertEquals(2, rows.size());
        assertEquals(128, rows.get(0).memoryMb());
        assertEquals(1769, rows.get(0).referenceMb());
        // quota is rounded to whole µs: 1447/20000 against 1
        assertEquals(20000.0 / 1447, rows.get(0).expectedRatio(), 1e-9);
        assertEquals(1769.0 / 128, rows.get(0).ratio(), 0.05);
        assertEquals(1.0, rows.get(1).ratio(), 1e-9);
        // the same CPU per invoke at both sizes: the duration stretches by the share alone
        assertEquals(1.0, rows.get(0).cpuCostRatio(), 1e-9);
        assertEquals(128.0 / 1769, rows.get(0).measuredShare(), 0.002);
        assertEquals(1.0, rows.get(1).measuredShare(), 0.002);
        assertNull(rows.get(0).cold());
        assertTrue(r.table().contains("memory sweep: warm invoke duration"));
        assertTrue(r.table().lines().anyMatch(l -> l.startsWith("| 128 |") && l.endsWith("| 90.000 | 0.072 |")),
                "CPU time per invoke and measured CPU share in the 128 MB row\n" + r.table());
    }

    @Test
    void csvAndJsonHoldEverySample() throws Exception {
        FunctionBenchResult r = BenchFixtures.result(List.of(128, 1769), 7, 30, 30, 0.4);
        List<Path> files = BenchOutput.write(r, tmp.resolve("out"));
        assertEquals(5, files.size());
        List<String> csv = Files.readAllLines(tmp.resolve("out").resolve(BenchOutput.SAMPLES_CSV));
        assertEquals(Sample.CSV_HEADER, csv.get(0));
        assertEquals(1 + 2 * (7 + 30), csv.size());
        assertTrue(csv.get(1).startsWith("cold,128,0,0,"), csv.get(1));
        assertTrue(csv.get(csv.size() - 1).matches("warm,1769,29,0,\\d+,\\d+,,,,\\d+,\\d+,\\d+"), csv.get(csv.size() - 1));

        JsonNode samples = JSON.readTree(tmp.resolve("out").resolve(BenchOutput.SAMPLES_JSON).toFile());
        assertEquals(74, samples.path("samples").size());
        assertTrue(samples.path("samples").get(0).path("init_ns").isNumber());
        assertTrue(samples.path("samples").get(73).path("init_ns").isNull());

        JsonNode summary = JSON.readTree(tmp.resolve("out").resolve(BenchOutput.SUMMARY_JSON).toFile());
        assertEquals("Test CPU", summary.path("machine").path("cpu_model").asText());
        JsonNode warm = summary.path("memories").get(1).path("modes").path("warm");
        assertEquals(30, warm.path("round_trip_ns").path("n").asInt());
        assertTrue(warm.path("round_trip_ns").path("p50_ci95").path("low").isNumber());
        assertEquals(0, warm.path("warm_proof").path("sandboxes_created_during_measurement").asInt());
        assertTrue(warm.path("sandbox_create_ns").isNull());
        assertEquals(2, summary.path("memory_sweep").size());
        assertEquals(0, summary.path("notes").size());
        assertEquals(0, summary.path("options").path("restore").asInt());
        assertTrue(summary.path("memories").get(0).path("snapshot").isNull());
        assertTrue(summary.path("memories").get(0).path("modes").path("restore").isMissingNode());
    }

    @Test
    void csvAndJsonHoldRestoreSamplesSnapshotAndProof() throws Exception {
        FunctionBenchResult r = BenchFixtures.result(List.of(128, 1769), 4, 6, 8, 30, 3, 0.4);
        BenchOutput.write(r, tmp.resolve("out"));
        List<String> csv = Files.readAllLines(tmp.resolve("out").resolve(BenchOutput.SAMPLES_CSV));
        assertEquals(1 + 2 * (4 + 6 + 8), csv.size());
        assertTrue(csv.get(5).matches("restore,128,0,0,\\d+,\\d+,\\d+,,\\d+,\\d+,\\d+,\\d+"), csv.get(5));
        assertTrue(csv.get(1).matches("cold,128,0,0,\\d+,\\d+,\\d+,\\d+,,\\d+,\\d+,\\d+"), csv.get(1));

        JsonNode samples = JSON.readTree(tmp.resolve("out").resolve(BenchOutput.SAMPLES_JSON).toFile());
        JsonNode firstRestore = samples.path("samples").get(4);
        assertEquals("restore", firstRestore.path("mode").asText());
        assertTrue(firstRestore.path("restore_ns").isNumber());
        assertTrue(firstRestore.path("init_ns").isNull());

        JsonNode summary = JSON.readTree(tmp.resolve("out").resolve(BenchOutput.SUMMARY_JSON).toFile());
        assertEquals(6, summary.path("options").path("restore").asInt());
        JsonNode mem = summary.path("memories").get(1);
        JsonNode restore = mem.path("modes").path("restore");
        assertEquals(6, restore.path("round_trip_ns").path("n").asInt());
        assertEquals(6, restore.path("restore_ns").path("n").asInt());
        assertTrue(restore.path("init_ns").isNull());
        assertEquals(1, restore.path("conditions").path("throttled_samples").asInt());
        assertEquals(8, restore.path("restore_proof").path("restores").asInt());
        assertEquals(6, restore.path("restore_proof").path("measured").asInt());
        assertEquals(900_000_000L, mem.path("snapshot").path("init_ns").asLong());
        assertEquals(120_000_000L, mem.path("snapshot").path("checkpoint_ns").asLong());
        assertEquals(24L << 20, mem.path("snapshot").path("image_bytes").asLong());
        assertEquals("4.2.1", mem.path("snapshot").path("criu_version").asText());
        assertEquals(0.1, mem.path("restore_to_cold_round_trip_p50").asDouble(), 0.01);
        assertTrue(summary.path("memory_sweep").get(1).path("restore_round_trip_p50_ns").isNumber());
        List<String> modes = new java.util.ArrayList<>();
        mem.path("modes").fieldNames().forEachRemaining(modes::add);
        assertEquals(List.of("cold", "restore", "warm"), modes);
    }

    @Test
    void chartHasASeriesPerModeAndDecodes() throws Exception {
        FunctionBenchResult r = BenchFixtures.result(List.of(128, 1769), 10, 50, 30, 0.4);
        XYSeriesCollection cdf = BenchChart.distributionData(r);
        assertEquals(4, cdf.getSeriesCount());
        assertEquals(10, cdf.getSeries("cold @ 128 MB").getItemCount());
        assertEquals(50, cdf.getSeries("warm @ 1769 MB").getItemCount());
        XYSeriesCollection sweep = BenchChart.sweepData(r);
        assertEquals(3, sweep.getSeriesCount(), "warm, cold and the expected line");

        Path png = tmp.resolve("chart.png");
        BenchChart.write(r, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "PNG decodes");
        assertEquals(BenchChart.WIDTH, img.getWidth());
        assertTrue(pixels(img, BenchChart.COLD.getRGB()) > 300, "cold series drawn");
        assertTrue(pixels(img, BenchChart.WARM.getRGB()) > 300, "warm series drawn");
        assertEquals(0, pixels(img, BenchChart.RESTORE.getRGB()), "no restore series without restores");
    }

    @Test
    void chartDrawsRestoreInItsOwnColour() throws Exception {
        FunctionBenchResult r = BenchFixtures.result(List.of(128, 1769), 10, 10, 50, 30, 3, 0.4);
        XYSeriesCollection cdf = BenchChart.distributionData(r);
        assertEquals(6, cdf.getSeriesCount());
        assertEquals(10, cdf.getSeries("restore @ 1769 MB").getItemCount());
        XYSeriesCollection sweep = BenchChart.sweepData(r);
        assertEquals(4, sweep.getSeriesCount(), "warm, cold, restore and the expected line");
        assertEquals(2, sweep.getSeries("restore round trip p50").getItemCount());

        Path png = tmp.resolve("chart.png");
        BenchChart.write(r, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "PNG decodes");
        assertTrue(pixels(img, BenchChart.RESTORE.getRGB()) > 300, "restore series drawn");
        assertTrue(pixels(img, BenchChart.COLD.getRGB()) > 300, "cold series drawn");
    }

    /** Pixels of exactly this colour (the chart is drawn without anti-aliasing). */
    static int pixels(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }
}
