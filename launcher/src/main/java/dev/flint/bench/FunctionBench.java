package dev.flint.bench;

import dev.flint.cgroup.CgroupStats;
import dev.flint.function.FunctionArns;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.invoke.LogSink;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxLauncher;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code flint bench}: cold, restore and warm invokes of one function
 * through {@link InvokeService} in this JVM, at one or more memory sizes.
 *
 * <ul>
 * <li><b>cold</b>: each sample on a fresh {@code InvokeService}, which has no idle env, so the
 *     invoke creates a sandbox, runs Init and invokes once (checked: {@code coldStart}). The env
 *     is closed after the sample, outside the timing. Cold samples run one at a time, so each
 *     one's sandbox (and with it its phases and cgroup) is known.</li>
 * <li><b>warm</b>: one {@code InvokeService}; a pool of up to C envs is built first (C concurrent
 *     first invokes, not counted), then the warm-up, then C client threads share the measured
 *     invokes. {@link InvokeService#environmentsCreated()} and the set of live sandboxes are
 *     read before and after the measured invokes: any difference (or any {@code coldStart}
 *     response) fails the bench instead of mixing cold starts into warm figures.</li>
 * <li><b>restore</b>: one SnapStart snapshot of the function is made first (its Init, then a CRIU
 *     checkpoint; {@link BenchSnapshot}); then, as in cold mode, each sample on a fresh {@code
 *     InvokeService}, whose snapshot catalog points at that snapshot, so the invoke restores a new
 *     env from it and invokes once (checked: {@code coldStart} and {@code restored}; a cold start
 *     that fell back to Init fails the bench).</li>
 * </ul>
 * With {@code --interleave} cold starts and restores alternate (cold, restore, cold, …) after the
 * snapshot is made, instead of one block after the other.
 */
public final class FunctionBench {
    private static final LogSink DROP = line -> {};
    /** Rounds of concurrent first invokes tried to get a pool of C envs. */
    private static final int POOL_ROUNDS = 5;

    private final SandboxLauncher launcher;
    private final Path runDir;
    private final FunctionBenchOptions options;
    private final ProgressBar bar;
    private final String region = FunctionArns.region();
    private final String account = FunctionArns.account();
    private long benchStart;

    FunctionBench(SandboxLauncher launcher, Path runDir, FunctionBenchOptions options, ProgressBar bar) {
        this.launcher = launcher;
        this.runDir = runDir;
        this.options = options;
        this.bar = bar;
    }

    /**
     * Runs the whole bench: every memory size (the function's own when none is given), each
     * mode that has a count above 0.
     *
     * @param target what the user named (function name or directory), for the report
     * @throws BenchException when an invoke fails or a warm invoke was not warm
     */
    public static FunctionBenchResult run(String target, FunctionSpec base, FunctionBenchOptions options,
            SandboxLauncher launcher, Path runDir, MachineInfo machine) {
        FunctionBench b = new FunctionBench(launcher, runDir, options, ProgressBar.stderr(options.progress()));
        return b.run(target, base, machine);
    }

    FunctionBenchResult run(String target, FunctionSpec base, MachineInfo machine) {
        List<Integer> memories = options.memoriesMb().isEmpty() ? List.of(base.memoryMb()) : options.memoriesMb();
        Instant started = Instant.now();
        benchStart = System.nanoTime();
        List<FunctionBenchResult.MemoryRun> runs = new ArrayList<>();
        for (int mb : memories) {
            FunctionSpec fn = withMemory(base, mb);
            FunctionBenchResult.ModeRun cold = null;
            FunctionBenchResult.ModeRun restore = null;
            SnapshotInfo snapshot = null;
            if (!options.interleave() && options.cold() > 0) {
                cold = cold(fn);
            }
            if (options.restore() > 0) { // --interleave implies it (FunctionBenchOptions)
                try (BenchSnapshot snap = snapshot(fn)) {
                    if (options.interleave()) {
                        FunctionBenchResult.ModeRun[] both = interleaved(fn, snap.dir());
                        cold = both[0];
                        restore = both[1];
                    } else {
                        restore = restore(fn, snap.dir());
                    }
                    snapshot = snap.info().withRestores(options.warmupCold() + restore.samples().size());
                }
            }
            FunctionBenchResult.ModeRun warm = options.warm() > 0 ? warm(fn) : null;
            runs.add(FunctionBenchResult.MemoryRun.of(mb, cold, restore, warm, snapshot));
        }
        return new FunctionBenchResult(started, machine, target, base.name(), base.runtime(), base.handler(), options,
                runs, List.of());
    }

    /** Cold starts one at a time, each on a fresh service; the first warmupCold are not counted. */
    FunctionBenchResult.ModeRun cold(FunctionSpec fn) {
        return oneEnvPerSample(new FreshEnvSamples(this, Sample.COLD, fn, InvokeService.Settings.defaults()), options.cold());
    }

    /** The snapshot restore mode restores from, made now (SnapStart Init + checkpoint); close deletes it. */
    private BenchSnapshot snapshot(FunctionSpec fn) {
        String label = Sample.RESTORE + " @ " + fn.memoryMb() + " MB";
        bar.start(label + ": snapshot (SnapStart Init + checkpoint)", 1);
        BenchSnapshot snap = BenchSnapshot.create(launcher, runDir, region, fn, label);
        bar.step();
        bar.finish();
        return snap;
    }

    /**
     * Restores one at a time from the snapshot in dir, each on a fresh service whose snapshot
     * catalog points at it; the first warmupCold are not counted.
     */
    FunctionBenchResult.ModeRun restore(FunctionSpec fn, Path dir) {
        return oneEnvPerSample(new FreshEnvSamples(this, Sample.RESTORE, fn, restoring(dir)), options.restore());
    }

    private static InvokeService.Settings restoring(Path dir) {
        return InvokeService.Settings.defaults().withSnapshots(f -> Optional.of(dir));
    }

    /** n samples of one fresh-env mode after its warm-up. */
    private FunctionBenchResult.ModeRun oneEnvPerSample(FreshEnvSamples mode, int n) {
        int w = options.warmupCold();
        bar.start(mode.label + (w > 0 ? " (" + w + " warm-up)" : ""), w + n);
        Conditions c = Conditions.begin();
        for (int i = -w; i < n; i++) {
            if (i == 0) {
                c = Conditions.begin();
            }
            mode.take(i);
            bar.step();
        }
        bar.finish();
        return mode.end(c);
    }

    /**
     * Cold starts and restores alternately (cold, restore, cold, …; each after its warm-up), so a
     * change in the host's load during the run hits both alike; both report the same conditions.
     *
     * @return {cold, restore}
     */
    private FunctionBenchResult.ModeRun[] interleaved(FunctionSpec fn, Path dir) {
        FreshEnvSamples cold = new FreshEnvSamples(this, Sample.COLD, fn, InvokeService.Settings.defaults());
        FreshEnvSamples restore = new FreshEnvSamples(this, Sample.RESTORE, fn, restoring(dir));
        int w = options.warmupCold();
        int n = Math.max(options.cold(), options.restore());
        bar.start("cold and restore, interleaved @ " + fn.memoryMb() + " MB" + (w > 0 ? " (" + w + " warm-up each)" : ""),
                2 * w + options.cold() + options.restore());
        Conditions c = Conditions.begin();
        for (int i = -w; i < n; i++) {
            if (i == 0) {
                c = Conditions.begin();
            }
            if (i < options.cold()) {
                cold.take(i);
                bar.step();
            }
            if (i < options.restore()) {
                restore.take(i);
                bar.step();
            }
        }
        bar.finish();
        return new FunctionBenchResult.ModeRun[] {cold.end(c), restore.end(c)};
    }

    /** Warm invokes by C client threads on a pool of up to C envs, built before the measurement. */
    FunctionBenchResult.ModeRun warm(FunctionSpec fn) {
        int cc = options.concurrency();
        int n = options.warm();
        String label = "warm @ " + fn.memoryMb() + " MB" + (cc > 1 ? ", " + cc + " threads" : "");
        try (InvokeService service = InvokeService.create(launcher, runDir, region, account)) {
            Set<Sandbox> before = SandboxLauncher.live();
            bar.start(label + ": building a pool of " + cc + " env" + (cc > 1 ? "s" : ""), cc);
            for (int round = 0; round < POOL_ROUNDS && service.environmentsCreated() < cc; round++) {
                concurrently(cc, cc, (thread, seq) -> {
                    check(label + " (pool)", service.invoke(fn, options.payload(), DROP), null);
                    bar.step();
                });
            }
            bar.finish();
            List<Sandbox> pool = new ArrayList<>(SandboxLauncher.live());
            pool.removeAll(before);
            if (options.warmupWarm() > 0) {
                bar.start(label + ": warm-up", options.warmupWarm());
                concurrently(cc, options.warmupWarm(), (thread, seq) -> {
                    check(label + " (warm-up)", service.invoke(fn, options.payload(), DROP), false);
                    bar.step();
                });
                bar.finish();
            }

            long envsBefore = service.environmentsCreated();
            Set<Sandbox> liveBefore = SandboxLauncher.live();
            long cpuBefore = cpu(pool);
            long throttledBefore = throttled(pool);
            Sample[] samples = new Sample[n];
            AtomicInteger coldResponses = new AtomicInteger();
            bar.start(label, n);
            Conditions c = Conditions.begin();
            concurrently(cc, n, (thread, seq) -> {
                long at = millisSinceStart();
                long t0 = System.nanoTime();
                InvokeResponse r = service.invoke(fn, options.payload(), DROP);
                long t1 = System.nanoTime();
                if (r.coldStart()) {
                    coldResponses.incrementAndGet();
                }
                check(label, r, false);
                // No per-invoke cgroup read here: reading the cgroup's files between invokes made the
                // measured invokes slower (measured: warm p50 +18 % against an undisturbed loop). CPU
                // per warm invoke is the pool's total over the measurement / n, read once before and after.
                samples[seq] = new Sample(Sample.WARM, fn.memoryMb(), seq, thread, at, t1 - t0, -1, -1, -1,
                        r.durationNanos(), -1, r.maxMemoryUsedBytes());
                bar.step();
            });
            bar.finish();
            long envsAfter = service.environmentsCreated();
            Set<Sandbox> liveAfter = SandboxLauncher.live();
            long cpuAll = cpu(pool) - cpuBefore;
            FunctionBenchResult.WarmProof proof = new FunctionBenchResult.WarmProof(pool.size(), envsBefore, envsAfter,
                    liveBefore.size(), liveAfter.size(), liveBefore.equals(liveAfter), coldResponses.get());
            if (!proof.holds()) {
                throw new BenchException(label + ": warm mode created environments during the measurement ("
                        + proof.describe() + "); its figures would mix cold starts into warm ones");
            }
            return c.end(Sample.WARM, List.of(samples), proof, throttled(pool) - throttledBefore,
                    pool.isEmpty() ? -1 : cpuAll / n);
        }
    }

    /** Runs {@code total} tasks on {@code threads} threads started together; rethrows the first failure. */
    static void concurrently(int threads, int total, Task task) {
        if (threads == 1) {
            // One client: on the calling thread, as a plain loop would run it.
            for (int seq = 0; seq < total; seq++) {
                try {
                    task.run(0, seq);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, total); t++) {
            int thread = t;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    for (int seq = next.getAndIncrement(); seq < total && failure.get() == null;
                            seq = next.getAndIncrement()) {
                        task.run(thread, seq);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "flint-bench-" + t);
            th.setDaemon(true);
            th.start();
            started.add(th);
        }
        go.countDown();
        for (Thread th : started) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error er) {
            throw er;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    @FunctionalInterface
    interface Task {
        void run(int thread, int seq) throws Exception;
    }

    /** Load, GC and wall time around one mode's measured samples. */
    record Conditions(double loadBefore, long gcCount, long gcMillis, long t0) {
        static Conditions begin() {
            return new Conditions(MachineInfo.loadAverage(), totalGcCount(), totalGcMillis(), System.nanoTime());
        }

        FunctionBenchResult.ModeRun end(String mode, List<Sample> samples, FunctionBenchResult.WarmProof proof,
                long throttled, long cpuPerInvokePool) {
            return new FunctionBenchResult.ModeRun(mode, samples, proof, totalGcCount() - gcCount, totalGcMillis() - gcMillis,
                    loadBefore, MachineInfo.loadAverage(), throttled, System.nanoTime() - t0, cpuPerInvokePool);
        }
    }

    /** Fails on an invoke that failed, or that was not the kind being measured (null: either). */
    static void check(String label, InvokeResponse r, Boolean wantCold) {
        if (r.failed()) {
            throw new BenchException(label + ": the invoke failed (" + r.errorType() + "): "
                    + new String(r.payload(), StandardCharsets.UTF_8) + "\nlog tail:\n"
                    + new String(Base64.getDecoder().decode(r.logTail()), StandardCharsets.UTF_8));
        }
        if (wantCold != null && r.coldStart() != wantCold) {
            throw new BenchException(label + ": expected a " + (wantCold ? "cold start" : "warm invoke") + " but got a "
                    + (r.coldStart() ? "cold start" : "warm invoke"));
        }
    }

    /**
     * Fails on a cold start that was not what restore mode (or cold mode) measures: a snapshot that
     * could not be restored falls back to Init, whose figures must not pass for a restore's.
     */
    static void checkRestored(String label, InvokeResponse r, boolean wantRestored) {
        if (r.restored() != wantRestored) {
            throw new BenchException(label + ": expected " + (wantRestored ? "a restore from the snapshot" : "an Init")
                    + " but the cold start " + (r.restored() ? "restored a snapshot" : "ran Init (the restore fell back)")
                    + "\nlog tail:\n" + new String(Base64.getDecoder().decode(r.logTail()), StandardCharsets.UTF_8));
        }
    }

    /** A fresh service with these settings, for one cold start or restore. */
    InvokeService newService(InvokeService.Settings settings) {
        return InvokeService.create(launcher, runDir, region, account, settings);
    }

    byte[] payload() {
        return options.payload();
    }

    long millisSinceStart() {
        return (System.nanoTime() - benchStart) / 1_000_000;
    }

    /** The one sandbox started since {@code before} (null if there is not exactly one). */
    static Sandbox newSandbox(Set<Sandbox> before) {
        Set<Sandbox> now = new HashSet<>(SandboxLauncher.live());
        now.removeAll(before);
        return now.size() == 1 ? now.iterator().next() : null;
    }

    static CgroupStats stats(Sandbox sb) {
        try {
            return sb.cgroup().stats();
        } catch (RuntimeException e) {
            return null; // gone or unreadable: the figure is left out, not guessed
        }
    }

    private static long cpu(List<Sandbox> pool) {
        long sum = 0;
        for (Sandbox s : pool) {
            CgroupStats st = stats(s);
            sum += st == null ? 0 : st.cpuUsageNanos();
        }
        return sum;
    }

    private static long throttled(List<Sandbox> pool) {
        long sum = 0;
        for (Sandbox s : pool) {
            CgroupStats st = stats(s);
            sum += st == null ? 0 : st.nrThrottled();
        }
        return sum;
    }

    static FunctionSpec withMemory(FunctionSpec f, int mb) {
        return new FunctionSpec(f.name(), f.version(), f.runtime(), f.image(), f.handler(), mb, f.timeout(),
                f.environment(), f.ephemeralStorageMb(), f.codeDir(), f.layers(), f.imageLaunch());
    }

    private static long totalGcCount() {
        long c = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            c += Math.max(0, b.getCollectionCount());
        }
        return c;
    }

    private static long totalGcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }
}
