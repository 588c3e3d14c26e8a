package dev.flint.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 5's benchmark table from the summary.json files of {@code flint bench --cold N --restore N}
 * runs, one per case, each with its target: cold against restore (n, p50, p90), the snapshot, and
 * whether the target was met. {@code scripts/bench-snapstart.sh} runs it:
 * {@code SnapStartSummary --case NAME SUMMARY_JSON TARGET ...}, where TARGET is {@code ratio:R}
 * (restore round-trip p50 ≤ R × cold round-trip p50) or {@code ms:M} (restore round-trip p50 ≤
 * M ms), or {@code none}.
 */
public final class SnapStartSummary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapStartSummary() {}

    /**
     * One case.
     *
     * @param target "ratio:R", "ms:M" or "none"
     */
    record Case(String name, Path summary, String target) {}

    public static void main(String[] args) {
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals("--case") || i + 3 >= args.length) {
                System.err.println("usage: SnapStartSummary --case NAME SUMMARY_JSON ratio:R|ms:M|none ...");
                System.exit(2);
            }
            cases.add(new Case(args[i + 1], Path.of(args[i + 2]), args[i + 3]));
            i += 3;
        }
        System.out.print(table(cases));
    }

    static String table(List<Case> cases) {
        StringBuilder b = new StringBuilder();
        b.append("| case | memory MB | cold n | cold p50 ms | cold p90 ms | restore n | restore p50 ms | restore p90 ms"
                + " | Restore Duration p50 ms | restore / cold p50 | target | met |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        StringBuilder snapshots = new StringBuilder();
        snapshots.append("\n| case | snapshot Init ms | checkpoint ms | image MB | restores checked | load (1 min) cold → restore |\n");
        snapshots.append("|---|---:|---:|---:|---:|---|\n");
        for (Case c : cases) {
            JsonNode mem = read(c.summary()).path("memories").get(0);
            JsonNode cold = mem.path("modes").path("cold");
            JsonNode restore = mem.path("modes").path("restore");
            JsonNode coldRt = cold.path("round_trip_ns");
            JsonNode restoreRt = restore.path("round_trip_ns");
            double ratio = restoreRt.path("p50").asDouble() / coldRt.path("p50").asDouble();
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %d | %s | %s | %s | %.3f | %s | %s |%n",
                    c.name(), mem.path("memory_mb").asInt(), coldRt.path("n").asInt(), ms(coldRt, "p50"),
                    ms(coldRt, "p90"), restoreRt.path("n").asInt(), ms(restoreRt, "p50"), ms(restoreRt, "p90"),
                    ms(restore.path("restore_ns"), "p50"), ratio, describe(c.target()),
                    met(c.target(), ratio, restoreRt.path("p50").asLong())));
            JsonNode snap = mem.path("snapshot");
            snapshots.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %d | %.2f → %.2f |%n", c.name(),
                    snap.path("init_ns").asLong() / 1e6, snap.path("checkpoint_ns").asLong() / 1e6,
                    snap.path("image_bytes").asLong() / 1048576.0, snap.path("restores_checked").asInt(),
                    cold.path("conditions").path("load_before").asDouble(),
                    restore.path("conditions").path("load_before").asDouble()));
        }
        return b.append(snapshots).toString();
    }

    static String describe(String target) {
        if (target.startsWith("ratio:")) {
            double r = Double.parseDouble(target.substring(6));
            return String.format(Locale.ROOT, "restore p50 ≤ %s of cold", Math.abs(r - 1.0 / 3) < 1e-3 ? "1/3"
                    : String.format(Locale.ROOT, "%.0f %%", r * 100));
        }
        if (target.startsWith("ms:")) {
            return "restore p50 ≤ " + target.substring(3) + " ms";
        }
        return "–";
    }

    /** "met" or "**missed**" for the target; "–" without one. */
    static String met(String target, double ratio, long restoreP50Nanos) {
        boolean ok;
        if (target.startsWith("ratio:")) {
            ok = ratio <= Double.parseDouble(target.substring(6)) + 1e-9;
        } else if (target.startsWith("ms:")) {
            ok = restoreP50Nanos <= Double.parseDouble(target.substring(3)) * 1e6;
        } else {
            return "–";
        }
        return ok ? "met" : "**missed**";
    }

    private static String ms(JsonNode summary, String key) {
        return summary.isObject() ? FunctionBenchResult.ms(summary.path(key).asLong()) : "–";
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
