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
    void tableStatesMethodModesProofAndRestore() {
        String t = BenchFixtures.result(List.of(1769), 20, 100, 30, 0.4).table();
        assertTrue(t.contains("| cold | 20 |"), t);
        assertTrue(t.contains("| warm | 100 |"), t);
        assertTrue(t.contains("restore: not available (no snapshot support in this build)"), t);
        assertTrue(t.contains("warm-up:"), t);
        assertTrue(t.contains("outliers: none removed"), t);
        assertTrue(t.contains(MedianCi.METHOD), t);
        assertTrue(t.contains("warm proof: 0 sandboxes created during 100 measured warm invokes"), t);
        assertTrue(t.contains("Test CPU, 2 cores, Linux 6.0-test, cgroup v1"), t);
        assertFalse(t.contains("memory sweep: warm"), "one size: no sweep table\n" + t);
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
        assertNull(rows.get(0).cold());
        assertTrue(r.table().contains("memory sweep: warm invoke duration"));
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
        assertTrue(csv.get(csv.size() - 1).matches("warm,1769,29,0,\\d+,\\d+,,,\\d+,\\d+,\\d+"), csv.get(csv.size() - 1));

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
        assertTrue(summary.path("notes").get(0).asText().startsWith("restore: not available"));
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
