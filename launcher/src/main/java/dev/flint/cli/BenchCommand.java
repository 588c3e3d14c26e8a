package dev.flint.cli;

import dev.flint.bench.BenchCompare;
import dev.flint.bench.BenchException;
import dev.flint.bench.BenchOutput;
import dev.flint.bench.BenchTarget;
import dev.flint.bench.FunctionBench;
import dev.flint.bench.FunctionBenchOptions;
import dev.flint.bench.FunctionBenchResult;
import dev.flint.bench.MachineInfo;
import dev.flint.invoke.FunctionSpec;
import dev.flint.sandbox.Criu;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flint bench TARGET}: cold, restore and warm invoke latency of one function, with a memory sweep. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark cold starts, SnapStart restores and warm invokes of a function.",
            "TARGET is a function directory (as flint run takes it) or a",
            "created function's name) in this process, at one or more memory sizes. Prints a table; writes",
            "samples.json, samples.csv, summary.json, table.md and chart.png into --out.",
            "--restore N makes one SnapStart snapshot per memory size (Init + CRIU checkpoint, needs CRIU >= 4.2)",
            "and restores N new envs from it.",
            "--compare A B prints the ratios B/A of two earlier runs (summary.json files or --out dirs)."})
final class BenchCommand implements Callable<Integer> {
    enum Format { table, json, csv }

    @Parameters(paramLabel = "TARGET", arity = "0..1", description = "function directory or function name")
    String target;

    @Option(names = "--cold", paramLabel = "N", defaultValue = "" + FunctionBenchOptions.DEFAULT_COLD,
            description = "cold starts per memory size, each on a new env (default ${DEFAULT-VALUE}; 0 skips)")
    int cold;

    @Option(names = "--warm", paramLabel = "N", defaultValue = "" + FunctionBenchOptions.DEFAULT_WARM,
            description = "warm invokes per memory size on already-initialised envs (default ${DEFAULT-VALUE}; 0 skips)")
    int warm;

    @Option(names = "--restore", paramLabel = "N", defaultValue = "0",
            description = "restores per memory size, each a new env restored from one snapshot made first"
                    + " (default ${DEFAULT-VALUE}: skipped)")
    int restore;

    @Option(names = "--interleave",
            description = "with --cold and --restore: alternate their samples, so a change in the host's load hits both")
    boolean interleave;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "1",
            description = "warm mode: C client threads on a pool of up to C envs (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--memory", paramLabel = "MB[,MB...]", split = ",",
            description = "run the whole benchmark at each size, e.g. 128,512,1769,3008 (default: the function's own)")
    List<Integer> memory;

    @Mixin
    PayloadMixin payload;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default bench-out/<UTC timestamp>)")
    Path out;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "what goes to stdout: the table, summary JSON or samples CSV (default ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--warmup-cold", paramLabel = "N", defaultValue = "" + FunctionBenchOptions.DEFAULT_WARMUP_COLD,
            description = "cold starts (and restores) per memory size before measuring, not counted"
                    + " (default ${DEFAULT-VALUE})")
    int warmupCold;

    @Option(names = "--warmup-warm", paramLabel = "N", defaultValue = "" + FunctionBenchOptions.DEFAULT_WARMUP_WARM,
            description = "warm invokes per memory size before measuring, not counted (default ${DEFAULT-VALUE})")
    int warmupWarm;

    @Option(names = "--compare", paramLabel = "FILE", arity = "2",
            description = "A.json B.json: print the ratios B/A of two runs and exit")
    List<Path> compare;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (compare != null) {
            if (target != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--compare takes no TARGET");
            }
            stdout.print(BenchCompare.compare(compare.get(0), compare.get(1)));
            stdout.flush();
            return ExitCodes.OK;
        }
        if (target == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing TARGET (a function directory or name)");
        }
        FunctionBenchOptions options = new FunctionBenchOptions(cold, warm, restore, concurrency,
                memory == null ? List.of() : memory, payload.bytes(), warmupCold, warmupWarm, !quiet, interleave);
        Host.requireRoot("flint bench");
        if (restore > 0) {
            Criu.locate(); // before any measuring: no CRIU (or too old) is exit 3 with a hint
        }
        FunctionSpec fn = BenchTarget.resolve(target, Host.stateDir(), Host.images());
        MachineInfo machine = MachineInfo.probe(Host.cgroups().version().name());
        FunctionBenchResult result;
        try {
            result = FunctionBench.run(target, fn, options, Host.launcher(), Host.runDir(), machine);
        } catch (BenchException e) {
            throw new ExitException(ExitCodes.FUNCTION_ERROR, "bench: " + e.getMessage());
        }
        Path dir = out == null ? BenchOutput.defaultDir() : out;
        List<Path> files = BenchOutput.write(result, dir);
        switch (format) {
            case table -> stdout.print(result.table());
            case json -> stdout.print(new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(result.summaryJson()) + "\n");
            case csv -> stdout.print(result.csv());
        }
        stdout.flush();
        stderr.println("bench: wrote " + String.join(", ", files.stream().map(Path::toString).toList()));
        stderr.flush();
        return ExitCodes.OK;
    }
}
