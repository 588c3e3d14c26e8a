package dev.flint.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What {@link FunctionBench} measures for one function.
 *
 * @param cold        measured cold starts per memory size (0 skips the mode)
 * @param warm        measured warm invokes per memory size (0 skips the mode)
 * @param restore     measured restores per memory size, from one SnapStart snapshot made per size
 *                    first (0 skips the mode; it needs CRIU)
 * @param concurrency client threads for warm mode, each on one of up to that many envs
 * @param memoriesMb  memory sizes to run the whole benchmark at; empty = the function's own size
 * @param payload     the event of every invoke
 * @param warmupCold  cold starts (and restores) before the measured ones, not counted
 * @param warmupWarm  warm invokes after the pool is built and before the measured ones, not counted
 * @param progress    draw a progress bar on stderr
 * @param interleave  with both cold and restore: alternate their samples (cold, restore, cold, …)
 *                    instead of one block after the other, so a change of the host's load during
 *                    the run hits both alike and their ratio stays fair
 */
public record FunctionBenchOptions(int cold, int warm, int restore, int concurrency, List<Integer> memoriesMb,
        byte[] payload, int warmupCold, int warmupWarm, boolean progress, boolean interleave) {

    public static final int DEFAULT_COLD = 20;
    public static final int DEFAULT_WARM = 200;
    public static final int DEFAULT_WARMUP_COLD = 2;
    public static final int DEFAULT_WARMUP_WARM = 20;
    public static final int MAX_CONCURRENCY = 64;

    public FunctionBenchOptions {
        memoriesMb = List.copyOf(Objects.requireNonNull(memoriesMb, "memoriesMb"));
        payload = payload == null ? "{}".getBytes(StandardCharsets.UTF_8) : payload.clone();
        if (cold < 0 || warm < 0 || restore < 0) {
            throw new IllegalArgumentException("--cold, --warm and --restore must not be negative");
        }
        if (cold == 0 && warm == 0 && restore == 0) {
            throw new IllegalArgumentException("nothing to measure: --cold, --warm and --restore are all 0");
        }
        if (interleave && (cold == 0 || restore == 0)) {
            throw new IllegalArgumentException("--interleave alternates cold starts and restores: it needs --cold and"
                    + " --restore above 0");
        }
        if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("--concurrency must be between 1 and " + MAX_CONCURRENCY + ", got "
                    + concurrency);
        }
        if (warmupCold < 0 || warmupWarm < 0) {
            throw new IllegalArgumentException("--warmup-cold and --warmup-warm must not be negative");
        }
        for (int m : memoriesMb) {
            if (m < 128 || m > 10240) {
                throw new IllegalArgumentException("--memory sizes must be between 128 and 10240 MB, got " + m);
            }
        }
        if (memoriesMb.stream().distinct().count() != memoriesMb.size()) {
            throw new IllegalArgumentException("--memory lists a size twice: " + memoriesMb);
        }
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public static FunctionBenchOptions of(int cold, int warm) {
        return new FunctionBenchOptions(cold, warm, 0, 1, List.of(), null, DEFAULT_WARMUP_COLD, DEFAULT_WARMUP_WARM,
                false, false);
    }

    public FunctionBenchOptions withRestore(int n) {
        return new FunctionBenchOptions(cold, warm, n, concurrency, memoriesMb, payload, warmupCold, warmupWarm, progress,
                interleave);
    }

    public FunctionBenchOptions withInterleave(boolean on) {
        return new FunctionBenchOptions(cold, warm, restore, concurrency, memoriesMb, payload, warmupCold, warmupWarm,
                progress, on);
    }

    public FunctionBenchOptions withMemories(List<Integer> mb) {
        return new FunctionBenchOptions(cold, warm, restore, concurrency, mb, payload, warmupCold, warmupWarm, progress,
                interleave);
    }

    public FunctionBenchOptions withPayload(byte[] p) {
        return new FunctionBenchOptions(cold, warm, restore, concurrency, memoriesMb, p, warmupCold, warmupWarm, progress,
                interleave);
    }

    public FunctionBenchOptions withWarmup(int wCold, int wWarm) {
        return new FunctionBenchOptions(cold, warm, restore, concurrency, memoriesMb, payload, wCold, wWarm, progress,
                interleave);
    }

    public FunctionBenchOptions withConcurrency(int c) {
        return new FunctionBenchOptions(cold, warm, restore, c, memoriesMb, payload, warmupCold, warmupWarm, progress,
                interleave);
    }
}
