package dev.flint.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One table from one bench run: the in-process figure of {@link SandboxBench} (its {@code --json}
 * file) next to external tools timed by {@code hyperfine --export-json}. Percentiles of the
 * hyperfine runs are computed here from the per-run {@code times}, with the same nearest-rank
 * definition as the in-process figure.
 *
 * <pre>CompareTable [--flint [LABEL=]FILE]... [--hyperfine LABEL=FILE]...</pre>
 */
public final class CompareTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row: a label and its samples in nanoseconds. */
    public record Row(String label, Percentiles times) {}

    private CompareTable() {}

    public static void main(String[] args) {
        List<Row> rows = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                int eq = v.lastIndexOf('=');
                String label = eq > 0 ? v.substring(0, eq) : null;
                Path file = Path.of(eq > 0 ? v.substring(eq + 1) : v);
                switch (a) {
                    case "--flint" -> rows.add(flintRow(label == null ? "flint Java API, in-process" : label, file));
                    case "--hyperfine" -> {
                        if (label == null) {
                            throw new IllegalArgumentException("--hyperfine needs LABEL=FILE, got '" + v + "'");
                        }
                        rows.add(hyperfineRow(label, file));
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println("compare: " + e.getMessage());
            System.exit(2);
        }
        System.out.print(markdown(rows));
    }

    /** The in-process row from SandboxBench's JSON (its raw create→exit samples). */
    static Row flintRow(String label, Path file) {
        JsonNode root = read(file);
        JsonNode samples = root.path("create_exit_samples_ns");
        if (!samples.isArray() || samples.isEmpty()) {
            throw new IllegalArgumentException(file + ": no create_exit_samples_ns");
        }
        long[] ns = new long[samples.size()];
        for (int i = 0; i < ns.length; i++) {
            ns[i] = samples.get(i).asLong();
        }
        return new Row(label, Percentiles.of(ns));
    }

    /** A row from {@code hyperfine --export-json} (first result; times in seconds; all exits 0). */
    static Row hyperfineRow(String label, Path file) {
        JsonNode result = read(file).path("results").path(0);
        JsonNode times = result.path("times");
        if (!times.isArray() || times.isEmpty()) {
            throw new IllegalArgumentException(file + ": no per-run times (hyperfine too old?)");
        }
        for (JsonNode code : result.path("exit_codes")) {
            if (code.asInt() != 0) {
                throw new IllegalArgumentException(file + ": '" + label + "' had a run that exited with "
                        + code.asInt() + "; the figures would not be of a successful run");
            }
        }
        long[] ns = new long[times.size()];
        for (int i = 0; i < ns.length; i++) {
            ns[i] = Math.round(times.get(i).asDouble() * 1e9);
        }
        return new Row(label, Percentiles.of(ns));
    }

    static String markdown(List<Row> rows) {
        StringBuilder b = new StringBuilder("| tool | n | p50 ms | p99 ms |\n|---|---:|---:|---:|\n");
        for (Row r : rows) {
            b.append("| ").append(r.label()).append(" | ").append(r.times().count()).append(" | ")
                    .append(Percentiles.ms(r.times().p50())).append(" | ").append(Percentiles.ms(r.times().p99()))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
