package dev.flint.bench;

import static dev.flint.bench.IndependentTiming.assertWithin;
import static dev.flint.bench.IndependentTiming.median;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flint.cgroup.Cgroups;
import dev.flint.cli.FlintCli;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.invoke.Snapshotter;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code flint bench --restore} on real sandboxes and CRIU: every measured sample is a restore,
 * and the restore median agrees with this test's own timing of restores from a snapshot it made
 * itself (issue 6's acceptance 2, for restore mode). hello-python at 1769 MB; ~15 s.
 */
@RequiresBenchHost(criu = true)
@Tag("criu")
class BenchRestoreIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of(System.getProperty("flint.home", ".")).toAbsolutePath();
    private static final Path RUN_DIR = Path.of("/run/flint");
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.UTF_8);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(SandboxLauncher::closeAll, "bench-restore-it-reaper"));
    }

    @TempDir
    Path tmp;

    @AfterEach
    void nothingLeftBehind() throws IOException {
        assertEquals(List.of(), SandboxLauncher.live().stream().map(s -> s.id()).toList(), "sandboxes left running");
        Path snapshots = RUN_DIR.resolve(BenchSnapshot.DIR);
        if (Files.isDirectory(snapshots)) {
            String own = ProcessHandle.current().pid() + "-";
            try (Stream<Path> s = Files.list(snapshots)) {
                assertEquals(List.of(), s.filter(p -> p.getFileName().toString().startsWith(own)).toList(),
                        "snapshot scratch dirs left");
            }
        }
    }

    /**
     * Rounds alternate the bench and the test's own loop (bench, own, own, bench, …), so a change
     * in the host's load hits both alike; the medians are over all rounds.
     */
    @Test
    void everySampleRestoredAndTheMedianAgreesWithAnIndependentTiming() throws IOException {
        SandboxLauncher launcher = new SandboxLauncher(Cgroups.detect(), RUN_DIR);
        FunctionSpec fn = FunctionBench.withMemory(BenchTarget.resolve(HOME.resolve("examples/hello-python").toString(),
                tmp.resolve("state"), new ImageStore(BenchHostCondition.IMAGES)), 1769);
        int rounds = 4;
        int n = 8;
        int warmup = 1;
        List<Long> bench = new ArrayList<>();
        List<Long> own = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            if (round % 2 == 1) {
                independentTiming(launcher, fn, n, warmup, own);
            }
            FunctionBenchOptions o = new FunctionBenchOptions(0, 0, n, 1, List.of(1769), null, warmup, 0, false, false);
            FunctionBenchResult r = FunctionBench.run("hello-python", fn, o, launcher, RUN_DIR, BenchFixtures.MACHINE);
            FunctionBenchResult.MemoryRun run = r.runs().get(0);
            assertEquals(null, run.cold());
            assertEquals(null, run.warm());
            FunctionBenchResult.ModeRun restore = run.restore();
            assertEquals(n, restore.samples().size());
            assertEquals(n + warmup, run.snapshot().restores(), "every restore was checked");
            assertTrue(run.snapshot().initNanos() > 0 && run.snapshot().checkpointNanos() > 0
                    && run.snapshot().imageBytes() > 0, run.snapshot().toString());
            for (Sample s : restore.samples()) {
                assertEquals(Sample.RESTORE, s.mode());
                assertEquals(-1, s.initNanos(), "a restore has no Init Duration");
                assertTrue(s.restoreNanos() > 0 && s.restoreNanos() < s.roundTripNanos(), s.toString());
                assertTrue(s.sandboxCreateNanos() > 0, "the restore's phases were read: " + s);
            }
            restore.samples().forEach(s -> bench.add(s.roundTripNanos()));
            if (round % 2 == 0) {
                independentTiming(launcher, fn, n, warmup, own);
            }
        }
        assertWithin(median(own), median(bench), "restore");
    }

    /** --interleave: cold starts and restores alternate, each checked for what it is. */
    @Test
    void interleavedColdStartsAndRestoresAlternate() throws Exception {
        Path out = tmp.resolve("out");
        StringWriter stderr = new StringWriter();
        CommandLine cl = FlintCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(stderr, true));
        int code = cl.execute("bench", HOME.resolve("examples/hello-python").toString(), "--cold", "2", "--restore", "3",
                "--warm", "0", "--interleave", "--warmup-cold", "1", "--memory", "1769", "--out", out.toString(),
                "--quiet");
        assertEquals(0, code, stderr.toString());
        List<String> modes = Files.readAllLines(out.resolve(BenchOutput.SAMPLES_CSV)).stream().skip(1)
                .sorted(java.util.Comparator.comparingLong(l -> Long.parseLong(l.split(",")[4])))
                .map(l -> l.split(",")[0]).toList();
        assertEquals(List.of("cold", "restore", "cold", "restore", "restore"), modes);
    }

    /** The CLI: restore alone, the table, summary.json and no "not available" note. */
    @Test
    void cliRestoreOnlyWritesTheRestoreRowAndSnapshot() throws Exception {
        Path out = tmp.resolve("out");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cl = FlintCli.commandLine();
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));
        int code = cl.execute("bench", HOME.resolve("examples/hello-python").toString(), "--cold", "0", "--warm", "0",
                "--restore", "3", "--warmup-cold", "0", "--memory", "1769", "--out", out.toString(), "--quiet");
        assertEquals(0, code, stderr.toString());
        String table = stdout.toString();
        assertTrue(table.contains("| restore | 3 |"), table);
        assertTrue(table.contains("restore proof: all 3 restores from the snapshot"), table);
        assertFalse(table.contains("not available"), table);
        JsonNode mem = JSON.readTree(out.resolve(BenchOutput.SUMMARY_JSON).toFile()).path("memories").get(0);
        assertEquals(3, mem.path("modes").path("restore").path("restore_ns").path("n").asInt());
        assertTrue(mem.path("snapshot").path("image_bytes").asLong() > 0);
        assertEquals(1 + 3, Files.readAllLines(out.resolve(BenchOutput.SAMPLES_CSV)).size());
    }

    /**
     * The independent timing: a snapshot made here with {@link Snapshotter}, then own restores, each
     * on a fresh service, timed with own clock reads; the same warm-up count as the bench.
     */
    private static void independentTiming(SandboxLauncher launcher, FunctionSpec fn, int n, int warmup,
            List<Long> own) {
        Path dir = RUN_DIR.resolve(BenchSnapshot.DIR).resolve(ProcessHandle.current().pid() + "-it");
        try {
            new Snapshotter(launcher, RUN_DIR, "us-east-1").create(fn, dir, line -> {});
            InvokeService.Settings settings = InvokeService.Settings.defaults().withSnapshots(f -> Optional.of(dir));
            for (int i = -warmup; i < n; i++) {
                try (InvokeService s = InvokeService.create(launcher, RUN_DIR, "us-east-1", "000000000000", settings)) {
                    long t0 = System.nanoTime();
                    InvokeResponse resp = s.invoke(fn, EVENT, line -> {});
                    long t1 = System.nanoTime();
                    assertTrue(resp.coldStart() && resp.restored() && !resp.failed(), resp.toString());
                    if (i >= 0) {
                        own.add(t1 - t0);
                    }
                }
            }
        } finally {
            BenchSnapshot.deleteTree(dir);
        }
    }
}
