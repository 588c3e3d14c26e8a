package dev.flint.bench;

import static dev.flint.bench.IndependentTiming.assertWithin;
import static dev.flint.bench.IndependentTiming.median;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.cgroup.Cgroups;
import dev.flint.cli.FlintCli;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.sandbox.SandboxLauncher;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flint bench} on real sandboxes: issue 6's acceptance 1 (CLI output files and chart),
 * 2 (the figures agree with an independent timing; warm mode creates no sandbox) and 3 (a
 * CPU-bound handler's duration scales with 1769/128 between 128 and 1769 MB).
 */
@RequiresBenchHost
class BenchFunctionIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of(System.getProperty("flint.home", ".")).toAbsolutePath();
    private static final Path RUN_DIR = Path.of("/run/flint");
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.UTF_8);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SandboxLauncher::closeAll, "bench-it-reaper"));
    }

    @TempDir
    Path tmp;

    @AfterEach
    void nothingLeftRunning() {
        assertEquals(List.of(), SandboxLauncher.live().stream().map(s -> s.id()).toList(), "sandboxes left running");
    }

    /** Acceptance 1, at a smaller N (the full --cold 50 --warm 500 run is recorded in docs/benchmarks.md). */
    @Test
    void cliPrintsTheTableAndWritesJsonCsvAndAChart() throws Exception {
        Path out = tmp.resolve("out");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cl = FlintCli.commandLine();
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        int code = cl.execute("bench", HOME.resolve("examples/hello-python").toString(), "--cold", "8", "--warm", "80",
                "--memory", "1769", "--out", out.toString(), "--quiet");
        assertEquals(0, code, stderr.toString());
        String table = stdout.toString();
        assertTrue(table.contains("| cold | 8 |"), table);
        assertTrue(table.contains("| warm | 80 |"), table);
        assertFalse(table.contains("| restore |"), "no --restore: no restore row\n" + table);
        assertTrue(table.contains("warm proof: 0 sandboxes created"), table);

        List<String> csv = Files.readAllLines(out.resolve(BenchOutput.SAMPLES_CSV));
        assertEquals(1 + 8 + 80, csv.size());
        JsonNode samples = JSON.readTree(out.resolve(BenchOutput.SAMPLES_JSON).toFile());
        assertEquals(88, samples.path("samples").size());
        JsonNode summary = JSON.readTree(out.resolve(BenchOutput.SUMMARY_JSON).toFile());
        JsonNode modes = summary.path("memories").get(0).path("modes");
        assertEquals(8, modes.path("cold").path("round_trip_ns").path("n").asInt());
        assertEquals(80, modes.path("warm").path("round_trip_ns").path("n").asInt());
        assertTrue(modes.path("cold").path("sandbox_create_ns").path("p50").asLong() > 0, "sandbox phases were read");
        assertTrue(modes.path("cold").path("init_ns").path("p50").asLong() > 0);
        assertTrue(modes.path("cold").path("cpu_ns").path("p50").asLong() > 0);
        assertTrue(summary.path("machine").path("cpu_model").asText().length() > 0);

        BufferedImage img = ImageIO.read(out.resolve(BenchOutput.CHART).toFile());
        assertNotNull(img, "chart.png decodes");
        assertTrue(img.getWidth() > 0 && img.getHeight() > 0);
        assertTrue(FunctionBenchResultTest.pixels(img, BenchChart.COLD.getRGB()) > 300, "cold series drawn");
        assertTrue(FunctionBenchResultTest.pixels(img, BenchChart.WARM.getRGB()) > 300, "warm series drawn");
    }

    /**
     * Acceptance 2: bench's medians against this test's own timing of the same invokes. The two
     * alternate in rounds (bench, own, bench, own, …), so a change in the host's load during the
     * test hits both alike; the medians are over all rounds.
     */
    @Test
    void mediansAgreeWithAnIndependentTimingAndWarmCreatesNoSandbox() {
        SandboxLauncher launcher = new SandboxLauncher(Cgroups.detect(), RUN_DIR);
        FunctionSpec fn = BenchTarget.resolve(HOME.resolve("examples/hello-python").toString(), tmp.resolve("state"),
                new ImageStore(BenchHostCondition.IMAGES));
        FunctionSpec fn1769 = FunctionBench.withMemory(fn, 1769);
        int rounds = 4;
        int nCold = 6;
        int nWarm = 100;
        List<Long> benchCold = new ArrayList<>();
        List<Long> benchWarm = new ArrayList<>();
        List<Long> ownCold = new ArrayList<>();
        List<Long> ownWarm = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            // Alternate which timing goes first: the JIT and the host drift over a round, and a fixed
            // order would bias one side (measured: a 21 % warm gap with the bench always first).
            if (round % 2 == 1) {
                independentTiming(launcher, fn1769, nCold, nWarm, ownCold, ownWarm);
            }
            FunctionBenchOptions o = FunctionBenchOptions.of(nCold, nWarm).withMemories(List.of(1769));
            FunctionBenchResult r = FunctionBench.run("hello-python", fn, o, launcher, RUN_DIR, BenchFixtures.MACHINE);
            FunctionBenchResult.ModeRun warm = r.runs().get(0).warm();
            FunctionBenchResult.WarmProof proof = warm.proof();
            assertTrue(proof.holds(), proof.describe());
            assertEquals(0, proof.sandboxesCreated());
            assertEquals(1, proof.envsBefore());
            assertEquals(1, proof.envsAfter());
            assertEquals(nWarm, warm.samples().size());
            r.runs().get(0).cold().samples().forEach(x -> benchCold.add(x.roundTripNanos()));
            warm.samples().forEach(x -> benchWarm.add(x.roundTripNanos()));

            if (round % 2 == 0) {
                independentTiming(launcher, fn1769, nCold, nWarm, ownCold, ownWarm);
            }
        }
        assertWithin(median(ownCold), median(benchCold), "cold");
        assertWithin(median(ownWarm), median(benchWarm), "warm");
    }

    /**
     * Acceptance 3: duration ratio 128 MB / 1769 MB of a CPU-bound handler within 20 % of 1769/128.
     *
     * <p>The duration at 128 MB is the handler's CPU time / 0.072, so the ratio holds only when the
     * work costs the same CPU at both sizes. On a busy host it does not: a handler that runs 1.4 ms
     * of every 20 ms finds its caches cold (measured in CI at load 11: 159 ms of CPU per invoke at
     * 128 MB against 90 ms at 1769 MB, ratio 24.1, while the share it got was 0.073); and the 1769 MB
     * handler, which wants a whole CPU, waits behind other work (measured with four CPU hogs: ratio
     * 10.9 at the same CPU per invoke). So the test checks two things: in every round, the CPU share
     * the 128 MB handler got (CPU time / duration) is the share its memory buys; and the duration
     * ratio, as the median over up to three rounds the host left alone: the CPU per invoke agreed
     * within 10 % at both sizes and the 1769 MB handler got at least 0.9 CPU (more rounds are run to
     * find them; under four CPU hogs the third came in round 7).
     */
    @Test
    void cpuBoundDurationScalesWithMemory() {
        SandboxLauncher launcher = new SandboxLauncher(Cgroups.detect(), RUN_DIR);
        FunctionSpec fn = BenchTarget.resolve(HOME.resolve("examples/cpu-python").toString(), tmp.resolve("state"),
                new ImageStore(BenchHostCondition.IMAGES));
        double expected = 1769.0 / 128;
        int maxRounds = 12;
        List<Double> comparableRatios = new ArrayList<>();
        List<Double> shares = new ArrayList<>();
        double quotaShare = Double.NaN;
        StringBuilder log = new StringBuilder();
        StringBuilder tables = new StringBuilder();
        for (int round = 0; round < maxRounds && comparableRatios.size() < 3; round++) {
            // ~100 ms of CPU at one vCPU, ~1.4 s at 128 MB: 3 invokes per size and round keep it short;
            // the order of the sizes alternates so that a drift in the host's load weighs on both.
            List<Integer> sizes = round % 2 == 0 ? List.of(128, 1769) : List.of(1769, 128);
            FunctionBenchOptions o = FunctionBenchOptions.of(0, 3).withMemories(sizes).withWarmup(0, 1)
                    .withPayload("{\"rounds\": 2500000}".getBytes(StandardCharsets.UTF_8));
            FunctionBenchResult r = FunctionBench.run("cpu-python", fn, o, launcher, RUN_DIR, BenchFixtures.MACHINE);
            FunctionBenchResult.SweepRow at128 = sweepRow(r, 128);
            FunctionBenchResult.SweepRow at1769 = sweepRow(r, 1769);
            quotaShare = at128.share();
            shares.add(at128.measuredShare());
            boolean leftAlone = Math.abs(at128.cpuCostRatio() - 1) <= 0.10 && at1769.measuredShare() >= 0.9;
            if (leftAlone) {
                comparableRatios.add(at128.ratio());
            }
            log.append(String.format(Locale.ROOT, "round %d: duration ratio %.2f; CPU per invoke %.1f ms at 128 MB,"
                    + " %.1f ms at 1769 MB (%.2f); measured share %.4f at 128 MB, %.3f at 1769 MB: %s%n", round + 1,
                    at128.ratio(), at128.cpuPerInvoke() / 1e6, at1769.cpuPerInvoke() / 1e6, at128.cpuCostRatio(),
                    at128.measuredShare(), at1769.measuredShare(), leftAlone ? "comparable" : "host interfered"));
            tables.append(r.table());
        }
        System.out.print(log);
        for (double share : shares) {
            assertTrue(Math.abs(share - quotaShare) <= 0.2 * quotaShare, String.format(Locale.ROOT,
                    "the 128 MB handler got a CPU share of %.4f, its quota buys %.4f%n%s%s", share, quotaShare, log,
                    tables));
        }
        assertFalse(comparableRatios.isEmpty(), "in none of " + maxRounds + " rounds did the host leave the handler"
                + " alone (CPU per invoke within 10 % at both sizes, 0.9 CPU at 1769 MB)\n" + log + tables);
        List<Double> sorted = comparableRatios.stream().sorted().toList();
        double median = sorted.get(sorted.size() / 2);
        String msg = String.format(Locale.ROOT, "median duration ratio %.2f of %s, expected %.2f ± 20 %%%n%s",
                median, comparableRatios, expected, log);
        assertTrue(Math.abs(median - expected) <= 0.2 * expected, msg + tables);
        System.out.println(msg.lines().findFirst().orElse(msg));
    }

    private static FunctionBenchResult.SweepRow sweepRow(FunctionBenchResult r, int memoryMb) {
        return r.sweep().stream().filter(row -> row.memoryMb() == memoryMb).findFirst().orElseThrow();
    }

    /** The independent timing: own loops, own clock reads, own median; the same warm-up counts. */
    private static void independentTiming(SandboxLauncher launcher, FunctionSpec fn1769, int nCold, int nWarm,
            List<Long> ownCold, List<Long> ownWarm) {
        for (int i = -FunctionBenchOptions.DEFAULT_WARMUP_COLD; i < nCold; i++) {
            try (InvokeService s = InvokeService.create(launcher, RUN_DIR, "us-east-1", "000000000000")) {
                long t0 = System.nanoTime();
                InvokeResponse resp = s.invoke(fn1769, EVENT, line -> {});
                long t1 = System.nanoTime();
                assertTrue(resp.coldStart() && !resp.failed());
                if (i >= 0) {
                    ownCold.add(t1 - t0);
                }
            }
        }
        try (InvokeService s = InvokeService.create(launcher, RUN_DIR, "us-east-1", "000000000000")) {
            for (int i = -1 - FunctionBenchOptions.DEFAULT_WARMUP_WARM; i < nWarm; i++) {
                long t0 = System.nanoTime();
                InvokeResponse resp = s.invoke(fn1769, EVENT, line -> {});
                long t1 = System.nanoTime();
                assertFalse(resp.failed());
                if (i >= 0) {
                    assertFalse(resp.coldStart());
                    ownWarm.add(t1 - t0);
                }
            }
            assertEquals(1, s.environmentsCreated());
        }
    }
}
