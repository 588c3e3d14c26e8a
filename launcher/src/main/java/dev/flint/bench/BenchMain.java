package dev.flint.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flint.sandbox.SandboxException;
import dev.flint.sandbox.SandboxLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The shared {@code main} of the stand-alone benches: parse (exit 2 on bad input), require root
 * (exit 3), run with sandbox cleanup on exit, print the report, write its JSON when asked, exit 1
 * on a failed run.
 */
final class BenchMain {
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_USAGE = 2;
    private static final int EXIT_NOT_CAPABLE = 3;

    /** A bench's report: the text it prints and the data its --json file holds. */
    interface Report {
        String format();

        Object toJson();
    }

    private BenchMain() {}

    /**
     * @param parse the parsed arguments (throws IllegalArgumentException for bad input)
     * @param json the --json file of the parsed arguments, or null
     */
    static <P, R extends Report> void run(Supplier<P> parse, Function<P, Path> json, Function<P, R> bench) {
        P parsed;
        try {
            parsed = parse.get();
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
            System.err.println("bench: needs root (namespaces, cgroups and mounts); run it with sudo");
            System.exit(EXIT_NOT_CAPABLE);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(SandboxLauncher::closeAll, "flint-bench-cleanup"));
        try {
            R report = bench.apply(parsed);
            System.out.print(report.format());
            System.out.flush();
            if (json.apply(parsed) != null) {
                writeJson(report, json.apply(parsed));
            }
        } catch (SandboxException e) {
            System.err.println("bench: " + e.getMessage() + (e.hint() == null ? "" : "\nhint: " + e.hint()));
            System.exit(EXIT_FAILED);
        } catch (RuntimeException e) {
            System.err.println("bench: " + e);
            System.exit(EXIT_FAILED);
        }
    }

    private static void writeJson(Report report, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
