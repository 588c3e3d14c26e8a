package dev.flint.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link InvokeBench} measures.
 *
 * @param functions    function directories, as {@code flint run DIR} takes them (default: the three
 *                     examples under {@code <flint.home>/examples})
 * @param memoriesMb   memory sizes, each a row per function (default 128 and 1769: the CPU share
 *                     of a sandbox follows its memory, 7.2 % of a CPU at 128 MB, one CPU at 1769 MB)
 * @param cold         measured cold starts per row (default 30)
 * @param coldJava     measured cold starts per row for java17 functions (default 10)
 * @param warm         measured warm invokes per row, all on one env (default 300)
 * @param warmupCold   cold starts per row before measuring, not counted (default 3; 1 for java17)
 * @param warmupWarm   warm invokes per row before measuring, not counted (default 30)
 * @param budget       wall-time budget per row for its measured cold starts, and again for its warm
 *                     invokes: once spent, the row stops early, but only after {@link #MIN_COLD}
 *                     cold starts and {@link #MIN_WARM} warm invokes (default 30 s; the actual n is
 *                     reported). It keeps the CPU-throttled 128 MB rows from taking many minutes.
 * @param settleMillis pause after closing an env before the next cold start (default 0). Only
 *                     for diagnosis: it lets the kernel finish tearing the last env's namespaces down.
 * @param timeout      the function timeout used for every row (default 60 s, so that a slow,
 *                     CPU-throttled first invoke does not turn into a failure; Init keeps its 10 s)
 * @param imagesRoot   the image store
 * @param runDir       the launcher's run dir (sandbox scratch, per-env Runtime API sockets)
 * @param stateDir     where the code is stored once ({@code CodeStore}); null = a temp dir, removed
 * @param progress     report progress on stderr
 */
public record InvokeBenchOptions(List<Path> functions, List<Integer> memoriesMb, int cold, int coldJava, int warm,
        int warmupCold, int warmupWarm, Duration budget, int settleMillis, Duration timeout, Path imagesRoot, Path runDir, Path stateDir,
        boolean progress) {

    public static final int DEFAULT_COLD = 30;
    public static final int DEFAULT_COLD_JAVA = 10;
    public static final int DEFAULT_WARM = 300;
    public static final int DEFAULT_WARMUP_COLD = 3;
    public static final int DEFAULT_WARMUP_WARM = 30;
    public static final int MIN_COLD = 5;
    public static final int MIN_WARM = 30;
    public static final List<Integer> DEFAULT_MEMORIES = List.of(128, 1769);
    public static final List<String> EXAMPLES = List.of("custom-runtime", "hello-python", "hello-java");

    public InvokeBenchOptions {
        functions = List.copyOf(Objects.requireNonNull(functions, "functions"));
        memoriesMb = List.copyOf(Objects.requireNonNull(memoriesMb, "memoriesMb"));
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(budget, "budget");
        if (budget.isNegative() || budget.isZero() || settleMillis < 0) {
            throw new IllegalArgumentException("--budget must be positive and --settle-ms not negative");
        }
        Objects.requireNonNull(imagesRoot, "imagesRoot");
        Objects.requireNonNull(runDir, "runDir");
        if (functions.isEmpty()) {
            throw new IllegalArgumentException("no function directory to measure");
        }
        if (memoriesMb.isEmpty()) {
            throw new IllegalArgumentException("no memory size to measure");
        }
        for (int m : memoriesMb) {
            if (m < 128 || m > 10240) {
                throw new IllegalArgumentException("--memory must be between 128 and 10240 MB, got " + m);
            }
        }
        if (cold < 1 || coldJava < 1 || warm < 1) {
            throw new IllegalArgumentException("--cold, --cold-java and --warm must be at least 1");
        }
        if (warmupCold < 0 || warmupWarm < 0) {
            throw new IllegalArgumentException("--warmup-cold and --warmup-warm must not be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
    }

    /** The examples under {@code home/examples}, every default count. */
    public static InvokeBenchOptions defaults(Path home) {
        return new InvokeBenchOptions(EXAMPLES.stream().map(e -> home.resolve("examples").resolve(e)).toList(),
                DEFAULT_MEMORIES, DEFAULT_COLD, DEFAULT_COLD_JAVA, DEFAULT_WARM, DEFAULT_WARMUP_COLD, DEFAULT_WARMUP_WARM,
                Duration.ofSeconds(30), 0, Duration.ofSeconds(60), Path.of("/var/lib/flint/images"), Path.of("/run/flint"), null, true);
    }

    /** Cold starts to measure for a function of this runtime. */
    public int coldFor(String runtime) {
        return runtime.startsWith("java") ? coldJava : cold;
    }

    /** Warm-up cold starts for a function of this runtime (a JVM runtime gets at most one). */
    public int warmupColdFor(String runtime) {
        return runtime.startsWith("java") ? Math.min(1, warmupCold) : warmupCold;
    }

    static final String USAGE = "InvokeBench [--function DIR]... [--memory MB]... [--cold N] [--cold-java N]"
            + " [--warm N] [--warmup-cold N] [--warmup-warm N] [--budget S] [--settle-ms N] [--timeout S] [--images-dir DIR] [--run-dir DIR]"
            + " [--state-dir DIR] [--json FILE] [--quiet]";

    record Parsed(InvokeBenchOptions options, Path json) {}

    /** Parses the command line; {@code home} is where the default examples are. */
    static Parsed parse(String[] args, Path home) {
        InvokeBenchOptions d = defaults(home);
        List<Path> functions = new ArrayList<>();
        List<Integer> memories = new ArrayList<>();
        int cold = d.cold();
        int coldJava = d.coldJava();
        int warm = d.warm();
        int warmupCold = d.warmupCold();
        int warmupWarm = d.warmupWarm();
        Duration timeout = d.timeout();
        Duration budget = d.budget();
        int settle = d.settleMillis();
        Path images = d.imagesRoot();
        Path run = d.runDir();
        Path state = null;
        Path json = null;
        boolean progress = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--function" -> functions.add(Path.of(BenchArgs.arg(args, ++i, a)));
                case "--memory" -> memories.add(BenchArgs.intArg(args, ++i, a));
                case "--cold" -> cold = BenchArgs.intArg(args, ++i, a);
                case "--cold-java" -> coldJava = BenchArgs.intArg(args, ++i, a);
                case "--warm" -> warm = BenchArgs.intArg(args, ++i, a);
                case "--warmup-cold" -> warmupCold = BenchArgs.intArg(args, ++i, a);
                case "--warmup-warm" -> warmupWarm = BenchArgs.intArg(args, ++i, a);
                case "--budget" -> budget = Duration.ofSeconds(BenchArgs.intArg(args, ++i, a));
                case "--settle-ms" -> settle = BenchArgs.intArg(args, ++i, a);
                case "--timeout" -> timeout = Duration.ofSeconds(BenchArgs.intArg(args, ++i, a));
                case "--images-dir" -> images = Path.of(BenchArgs.arg(args, ++i, a));
                case "--run-dir" -> run = Path.of(BenchArgs.arg(args, ++i, a));
                case "--state-dir" -> state = Path.of(BenchArgs.arg(args, ++i, a));
                case "--json" -> json = Path.of(BenchArgs.arg(args, ++i, a));
                case "--quiet" -> progress = false;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; usage: " + USAGE);
            }
        }
        return new Parsed(new InvokeBenchOptions(functions.isEmpty() ? d.functions() : functions,
                memories.isEmpty() ? d.memoriesMb() : memories, cold, coldJava, warm, warmupCold, warmupWarm, budget, settle, timeout,
                images, run, state, progress), json);
    }
}
