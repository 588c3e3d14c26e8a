package dev.flint.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SandboxBench} measures.
 *
 * @param image      image name in the store (default "provided")
 * @param imagesRoot the image store root (default /var/lib/flint/images)
 * @param runDir     the launcher's run dir (default /run/flint)
 * @param iterations measured sandboxes, at least 1 (default 300)
 * @param warmup     sandboxes run first and not counted (default 50)
 * @param memoryMb   the sandbox memory limit (default 128)
 * @param command    what runs in each sandbox (default /bin/true); its output is read and dropped
 * @param progress   report progress on stderr
 */
public record BenchOptions(String image, Path imagesRoot, Path runDir, int iterations, int warmup, int memoryMb,
        List<String> command, boolean progress) {

    public static final int DEFAULT_ITERATIONS = 300;
    public static final int DEFAULT_WARMUP = 50;

    public BenchOptions {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(imagesRoot, "imagesRoot");
        Objects.requireNonNull(runDir, "runDir");
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (iterations < 1) {
            throw new IllegalArgumentException("--n must be at least 1, got " + iterations);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
        }
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the command is empty");
        }
    }

    public static BenchOptions defaults() {
        return new BenchOptions("provided", Path.of("/var/lib/flint/images"), Path.of("/run/flint"),
                DEFAULT_ITERATIONS, DEFAULT_WARMUP, 128, List.of("/bin/true"), true);
    }

    public BenchOptions withIterations(int n) {
        return new BenchOptions(image, imagesRoot, runDir, n, warmup, memoryMb, command, progress);
    }

    public BenchOptions withWarmup(int w) {
        return new BenchOptions(image, imagesRoot, runDir, iterations, w, memoryMb, command, progress);
    }

    /**
     * Parses {@code [--n N] [--warmup N] [--image NAME] [--images-dir DIR] [--run-dir DIR]
     * [--memory MB] [--quiet] [--json FILE] [-- CMD...]}; returns the options and the JSON path
     * (or null).
     */
    static Parsed parse(String[] args) {
        BenchOptions d = defaults();
        String image = d.image();
        Path images = d.imagesRoot();
        Path run = d.runDir();
        int n = d.iterations();
        int warm = d.warmup();
        int mem = d.memoryMb();
        boolean progress = true;
        Path json = null;
        List<String> cmd = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--n" -> n = BenchArgs.intArg(args, ++i, a);
                case "--warmup" -> warm = BenchArgs.intArg(args, ++i, a);
                case "--memory" -> mem = BenchArgs.intArg(args, ++i, a);
                case "--image" -> image = BenchArgs.arg(args, ++i, a);
                case "--images-dir" -> images = Path.of(BenchArgs.arg(args, ++i, a));
                case "--run-dir" -> run = Path.of(BenchArgs.arg(args, ++i, a));
                case "--json" -> json = Path.of(BenchArgs.arg(args, ++i, a));
                case "--quiet" -> progress = false;
                case "--" -> {
                    cmd.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; usage: " + USAGE);
            }
        }
        if (cmd.isEmpty()) {
            cmd.addAll(d.command());
        }
        return new Parsed(new BenchOptions(image, images, run, n, warm, mem, cmd, progress), json);
    }

    static final String USAGE = "SandboxBench [--n N] [--warmup N] [--image NAME] [--images-dir DIR]"
            + " [--run-dir DIR] [--memory MB] [--json FILE] [--quiet] [-- CMD...]";

    record Parsed(BenchOptions options, Path json) {}
}
