package dev.flint.bench;

import dev.flint.cgroup.Cgroups;
import dev.flint.function.FunctionArns;
import dev.flint.image.ImageStore;
import dev.flint.invoke.FunctionSpec;
import dev.flint.invoke.InvokeResponse;
import dev.flint.invoke.InvokeService;
import dev.flint.sandbox.Sandbox;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Where a restore's time goes. Makes one SnapStart snapshot of a function and restores it n times
 * as {@code flint bench --restore} does (a fresh {@link InvokeService} per restore, each response
 * checked to be a restore). While each restored env is alive its restore's work dir
 * ({@code <run dir>/restore/<sandbox id>}, removed when the env closes) still holds CRIU's
 * {@code restore.log}; it is read (and kept in --logs) and split into CRIU's stages
 * ({@link CriuRestoreLog}). The report gives the p50 and p90 over the restores of flint's own
 * restore phases (cgroup, images, root, the CRIU process), of CRIU's stages, and of what follows
 * CRIU until the runtime's first {@code next}.
 *
 * <p>{@code scripts/bench-snapstart.sh} runs it: {@code RestoreBreakdown DIR [--n N] [--warmup W]
 * [--memory MB] [--logs DIR] [--json FILE] [--images-dir DIR] [--run-dir DIR]}. Needs root.
 */
public final class RestoreBreakdown {
    private static final byte[] EVENT = "{}".getBytes(StandardCharsets.UTF_8);

    private RestoreBreakdown() {}

    /** What to restore and how often. */
    record Options(Path function, int n, int warmup, int memoryMb, Path logs, Path json, Path imagesDir, Path runDir) {
        static Options parse(String[] args) {
            Path function = null;
            int n = 10;
            int warmup = 2;
            int memory = 1769;
            Path logs = null;
            Path json = null;
            Path images = Path.of("/var/lib/flint/images");
            Path run = Path.of("/run/flint");
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--n" -> n = BenchArgs.intArg(args, ++i, "--n");
                    case "--warmup" -> warmup = BenchArgs.intArg(args, ++i, "--warmup");
                    case "--memory" -> memory = BenchArgs.intArg(args, ++i, "--memory");
                    case "--logs" -> logs = Path.of(BenchArgs.arg(args, ++i, "--logs"));
                    case "--json" -> json = Path.of(BenchArgs.arg(args, ++i, "--json"));
                    case "--images-dir" -> images = Path.of(BenchArgs.arg(args, ++i, "--images-dir"));
                    case "--run-dir" -> run = Path.of(BenchArgs.arg(args, ++i, "--run-dir"));
                    default -> {
                        if (args[i].startsWith("--") || function != null) {
                            throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                        }
                        function = Path.of(args[i]);
                    }
                }
            }
            if (function == null) {
                throw new IllegalArgumentException("usage: RestoreBreakdown FUNCTION_DIR [--n N] [--warmup W]"
                        + " [--memory MB] [--logs DIR] [--json FILE] [--images-dir DIR] [--run-dir DIR]");
            }
            if (n < 1 || warmup < 0) {
                throw new IllegalArgumentException("--n must be at least 1 and --warmup not negative");
            }
            return new Options(function, n, warmup, memory, logs, json, images, run);
        }
    }

    /** One measured restore. */
    record Restore(Map<String, Long> phasesMicros, long restoreNanos, long invokeNanos, long roundTripNanos,
            CriuRestoreLog log) {
        long phasesSumMicros() {
            return phasesMicros.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static void main(String[] args) {
        BenchMain.run(() -> Options.parse(args), Options::json, RestoreBreakdown::run);
    }

    static Report run(Options o) {
        Cgroups cgroups = Cgroups.detect();
        SandboxLauncher launcher = new SandboxLauncher(cgroups, o.runDir());
        Path state = null;
        try {
            state = Files.createTempDirectory("flint-restore-breakdown");
            FunctionSpec fn = FunctionBench.withMemory(BenchTarget.resolve(o.function().toString(), state,
                    new ImageStore(o.imagesDir())), o.memoryMb());
            String label = "restore @ " + o.memoryMb() + " MB";
            Instant started = Instant.now();
            try (BenchSnapshot snap = BenchSnapshot.create(launcher, o.runDir(), FunctionArns.region(), fn, label)) {
                InvokeService.Settings settings = InvokeService.Settings.defaults()
                        .withSnapshots(f -> Optional.of(snap.dir()));
                List<Restore> restores = new ArrayList<>();
                for (int i = -o.warmup(); i < o.n(); i++) {
                    Restore r = restoreOnce(launcher, o, fn, settings, label, i);
                    if (i >= 0) {
                        restores.add(r);
                    }
                }
                return new Report(started, o, fn.name(), SandboxBench.hostLine(cgroups.version().name()),
                        snap.info(), restores);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (state != null) {
                BenchSnapshot.deleteTree(state);
            }
        }
    }

    /** One restore on a fresh service; its CRIU log is read while the env lives. */
    private static Restore restoreOnce(SandboxLauncher launcher, Options o, FunctionSpec fn,
            InvokeService.Settings settings, String label, int seq) throws IOException {
        try (InvokeService service = InvokeService.create(launcher, o.runDir(), FunctionArns.region(),
                FunctionArns.account(), settings)) {
            Set<Sandbox> before = new HashSet<>(SandboxLauncher.live());
            long t0 = System.nanoTime();
            InvokeResponse r = service.invoke(fn, EVENT, line -> {});
            long t1 = System.nanoTime();
            FunctionBench.check(label, r, true);
            FunctionBench.checkRestored(label, r, true);
            Set<Sandbox> now = new HashSet<>(SandboxLauncher.live());
            now.removeAll(before);
            if (now.size() != 1) {
                throw new BenchException(label + ": expected one new sandbox, found " + now.size());
            }
            Sandbox sb = now.iterator().next();
            Path log = o.runDir().resolve("restore").resolve(sb.id()).resolve("restore.log");
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (o.logs() != null && seq >= 0) {
                Files.createDirectories(o.logs());
                Files.write(o.logs().resolve("restore-" + seq + ".log"), lines, StandardCharsets.UTF_8);
            }
            return new Restore(sb.phasesMicros(), r.initNanos(), r.durationNanos(), t1 - t0, CriuRestoreLog.parse(lines));
        }
    }

    /**
     * The breakdown over all measured restores.
     *
     * @param snapshot what the snapshot cost and its size
     */
    record Report(Instant started, Options options, String function, String host, SnapshotInfo snapshot,
            List<Restore> restores) implements BenchMain.Report {

        /** Row label → per-restore values in microseconds, in the order of the table. */
        Map<String, long[]> rows() {
            Map<String, long[]> rows = new LinkedHashMap<>();
            rows.put("client round trip", micros(r -> r.roundTripNanos() / 1000));
            rows.put("Restore Duration (REPORT)", micros(r -> r.restoreNanos() / 1000));
            for (String phase : List.of("cgroup", "images", "root", "criu")) {
                rows.put("flint: " + phaseLabel(phase), micros(r -> r.phasesMicros().getOrDefault(phase, 0L)));
            }
            for (String[] stage : CriuRestoreLog.STAGES) {
                rows.put("  CRIU: " + stage[0], micros(r -> r.log().stagesMicros().getOrDefault(stage[0], 0L)));
            }
            rows.put("  CRIU: exec, log start, exit and wait (process wall − log span)",
                    micros(r -> r.phasesMicros().getOrDefault("criu", 0L) - r.log().spanMicros()));
            rows.put("  across stages: action script runs", micros(r -> r.log().actionMicros()));
            rows.put("  across stages: tmpfs mounts (contents unpacked by tar)", micros(r -> r.log().tmpfsMicros()));
            rows.put("  across stages: page reads (preadv)", micros(r -> r.log().pageMicros()));
            rows.put("after CRIU until the runtime's next (resume, replay, after-restore hooks)",
                    micros(r -> r.restoreNanos() / 1000 - r.phasesSumMicros()));
            rows.put("invoke (REPORT Duration)", micros(r -> r.invokeNanos() / 1000));
            return rows;
        }

        private static String phaseLabel(String phase) {
            return switch (phase) {
                case "cgroup" -> "cgroup (create with limits)";
                case "images" -> "images (overlay of the snapshot, userns image rewrite)";
                case "root" -> "root (tmpfs, overlay of the layers, mountpoints)";
                case "criu" -> "criu restore process (wall)";
                default -> phase;
            };
        }

        private long[] micros(ToLongFunction<Restore> f) {
            return restores.stream().mapToLong(f).toArray();
        }

        @Override
        public String format() {
            StringBuilder b = new StringBuilder();
            Restore any = restores.get(0);
            b.append(String.format(Locale.ROOT, "restore breakdown: %s @ %d MB, %d restores after %d warm-up%n", function,
                    options.memoryMb(), restores.size(), options.warmup()));
            b.append(String.format(Locale.ROOT, "started: %s%nhost: %s%n%s%n", started, host, snapshot.line()));
            b.append(String.format(Locale.ROOT, "CRIU per restore: %d action-script runs, %d tmpfs mounts, %d page"
                    + " reads of %s MB in all%n%n", any.log().actionRuns(), any.log().tmpfsMounts(),
                    any.log().pageReads(), FunctionBenchResult.mb(any.log().pageBytes())));
            b.append("| part (ms) | p50 | p90 |\n|---|---:|---:|\n");
            rows().forEach((name, v) -> {
                Percentiles pc = Percentiles.of(v);
                b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f |%n", name, pc.p50() / 1e3, pc.p90() / 1e3));
            });
            b.append("\nEach row is its own percentile over the restores (nearest rank), so parts need not add up."
                    + " Indented rows are parts of the CRIU process; \"across stages\" rows overlap the stages.\n");
            return b.toString();
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("started", started.toString());
            out.put("function", function);
            out.put("memory_mb", options.memoryMb());
            out.put("host", host);
            out.put("snapshot", snapshot.toJson());
            Map<String, Object> rows = new LinkedHashMap<>();
            rows().forEach((k, v) -> rows.put(k, v));
            out.put("per_restore_micros", rows);
            return out;
        }
    }
}
