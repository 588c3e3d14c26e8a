package dev.flint.bench;

import dev.flint.cgroup.CgroupStats;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The samples of one of {@link FunctionBench}'s fresh-env modes, cold or restore, as they are
 * taken. Each sample is an invoke on a fresh {@link InvokeService} with the mode's settings (for
 * restore, a snapshot catalog that points at the snapshot), so it creates (or restores) an env. It
 * is checked to be a cold start, and a restore to have restored. Samples run one at a time, so each
 * one's sandbox, and with it its phases and cgroup, is known. The env is closed after the sample,
 * outside the timing.
 */
final class FreshEnvSamples {
    final String mode;
    final String label;
    private final FunctionBench bench;
    private final FunctionSpec fn;
    private final InvokeService.Settings settings;
    private final boolean restore;
    private final List<Sample> samples = new ArrayList<>();
    private long throttledSamples;

    FreshEnvSamples(FunctionBench bench, String mode, FunctionSpec fn, InvokeService.Settings settings) {
        this.bench = bench;
        this.mode = mode;
        this.label = mode + " @ " + fn.memoryMb() + " MB";
        this.fn = fn;
        this.settings = settings;
        this.restore = mode.equals(Sample.RESTORE);
    }

    /**
     * One sample; a negative seq is warm-up, checked but not kept.
     *
     * @throws BenchException when the invoke failed, was warm, or (restore) ran Init instead
     */
    void take(int seq) {
        try (InvokeService service = bench.newService(settings)) {
            Set<Sandbox> before = SandboxLauncher.live();
            long at = bench.millisSinceStart();
            long t0 = System.nanoTime();
            InvokeResponse r = service.invoke(fn, bench.payload(), line -> {});
            long t1 = System.nanoTime();
            FunctionBench.check(label, r, true);
            FunctionBench.checkRestored(label, r, restore);
            Sandbox sb = FunctionBench.newSandbox(before);
            long create = -1;
            long cpu = -1;
            if (sb != null) {
                create = sb.phasesMicros().values().stream().mapToLong(Long::longValue).sum() * 1000;
                CgroupStats s = FunctionBench.stats(sb);
                if (s != null) {
                    cpu = s.cpuUsageNanos();
                    throttledSamples += s.nrThrottled() > 0 && seq >= 0 ? 1 : 0;
                }
            }
            if (seq >= 0) {
                samples.add(new Sample(mode, fn.memoryMb(), seq, 0, at, t1 - t0, create, restore ? -1 : r.initNanos(),
                        restore ? r.initNanos() : -1, r.durationNanos(), cpu, r.maxMemoryUsedBytes()));
            }
        }
    }

    /** The mode's result, under the conditions measured since c began. */
    FunctionBenchResult.ModeRun end(FunctionBench.Conditions c) {
        return c.end(mode, samples, null, throttledSamples, -1);
    }
}
