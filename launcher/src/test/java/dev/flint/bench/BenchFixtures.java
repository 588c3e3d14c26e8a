package dev.flint.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Synthetic results for the unit tests: no sandbox involved. */
final class BenchFixtures {
    static final MachineInfo MACHINE = new MachineInfo("Test CPU", 2, "6.0-test", "v1", "0.0-test", "1.0 GiB", "Java 17");

    private BenchFixtures() {}

    /** Cold samples of about coldMs and warm samples of about warmMs (± a spread), at each size. */
    static FunctionBenchResult result(List<Integer> memories, int nCold, int nWarm, double coldMs, double warmMs) {
        return result(memories, nCold, 0, nWarm, coldMs, 0, warmMs);
    }

    /**
     * As above, plus restores of about restoreMs from a snapshot (Init 900 ms, checkpoint 120 ms,
     * 24 MB) with 2 warm-up restores, when nRestore is above 0.
     */
    static FunctionBenchResult result(List<Integer> memories, int nCold, int nRestore, int nWarm, double coldMs,
            double restoreMs, double warmMs) {
        List<FunctionBenchResult.MemoryRun> runs = new ArrayList<>();
        for (int mb : memories) {
            double scale = 1769.0 / Math.min(mb, 1769);
            List<Sample> cold = new ArrayList<>();
            for (int i = 0; i < nCold; i++) {
                long rt = (long) ((coldMs + (i % 7) * 0.1) * 1e6 * scale);
                cold.add(new Sample(Sample.COLD, mb, i, 0, i, rt, 3_000_000, rt / 2, -1, rt / 3, rt / 2, 10L << 20));
            }
            List<Sample> restore = new ArrayList<>();
            for (int i = 0; i < nRestore; i++) {
                long rt = (long) ((restoreMs + (i % 5) * 0.1) * 1e6);
                restore.add(new Sample(Sample.RESTORE, mb, i, 0, i, rt, rt * 6 / 10, -1, rt * 8 / 10, rt / 10, rt / 4,
                        12L << 20));
            }
            List<Sample> warm = new ArrayList<>();
            for (int i = 0; i < nWarm; i++) {
                long rt = (long) ((warmMs + (i % 11) * 0.01) * 1e6 * scale);
                warm.add(new Sample(Sample.WARM, mb, i, 0, i, rt, -1, -1, -1, rt * 9 / 10, rt / 2, 11L << 20));
            }
            FunctionBenchResult.ModeRun c = nCold == 0 ? null
                    : new FunctionBenchResult.ModeRun(Sample.COLD, cold, null, 0, 0, 0.1, 0.2, 0, 1_000_000_000L, -1);
            FunctionBenchResult.ModeRun r = nRestore == 0 ? null
                    : new FunctionBenchResult.ModeRun(Sample.RESTORE, restore, null, 0, 0, 0.2, 0.3, 1, 800_000_000L, -1);
            FunctionBenchResult.ModeRun w = nWarm == 0 ? null
                    : new FunctionBenchResult.ModeRun(Sample.WARM, warm,
                            new FunctionBenchResult.WarmProof(1, 1, 1, 1, 1, true, 0), 0, 0, 0.2, 0.2, 0, 500_000_000L,
                            (long) (warmMs * 0.9e6)); // REPORT Duration is 9/10 of the round trip
            SnapshotInfo snap = nRestore == 0 ? null
                    : new SnapshotInfo(900_000_000L, 120_000_000L, 24L << 20, 1_100_000_000L, "4.2.1", nRestore + 2);
            runs.add(FunctionBenchResult.MemoryRun.of(mb, c, r, w, snap));
        }
        return new FunctionBenchResult(Instant.parse("2026-01-01T00:00:00Z"), MACHINE, "examples/test", "test",
                "python3.11", "lambda_function.lambda_handler",
                FunctionBenchOptions.of(nCold, nWarm).withRestore(nRestore).withMemories(memories), runs, List.of());
    }
}
