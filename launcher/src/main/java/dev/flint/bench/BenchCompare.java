package dev.flint.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code flint bench --compare A B}: the ratio B / A of two runs' summaries (their summary.json,
 * or the --out directories holding one), for every memory size, mode and metric both have. A
 * ratio below 1 means B was faster. Each side's p50 CI is shown, so a ratio inside the noise can
 * be told from a real change: "overlap" means the two 95 % intervals of the median overlap.
 */
public final class BenchCompare {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METRICS = List.of("round_trip_ns", "sandbox_create_ns", "init_ns", "restore_ns",
            "invoke_ns", "cpu_ns");

    private BenchCompare() {}

    public static String compare(Path a, Path b) {
        JsonNode ja = read(a);
        JsonNode jb = read(b);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "A: %s (%s, %s, started %s)%nB: %s (%s, %s, started %s)%n%n",
                a, ja.path("function").asText(), ja.path("machine").path("flint_version").asText(),
                ja.path("started").asText(), b, jb.path("function").asText(),
                jb.path("machine").path("flint_version").asText(), jb.path("started").asText()));
        if (!ja.path("machine").path("cpu_model").asText().equals(jb.path("machine").path("cpu_model").asText())
                || ja.path("machine").path("cores").asInt() != jb.path("machine").path("cores").asInt()) {
            out.append("note: the two runs were on different machines (CPU model or cores differ)\n\n");
        }
        out.append("| memory MB | mode | metric | A p50 ms | B p50 ms | B/A p50 | A mean ms | B mean ms | B/A mean | p50 CIs |\n");
        out.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        int rows = 0;
        for (JsonNode ma : ja.path("memories")) {
            int mb = ma.path("memory_mb").asInt();
            JsonNode mbNode = find(jb, mb);
            if (mbNode == null) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> modes = ma.path("modes").fields(); modes.hasNext();) {
                Map.Entry<String, JsonNode> mode = modes.next();
                JsonNode other = mbNode.path("modes").path(mode.getKey());
                if (other.isMissingNode()) {
                    continue;
                }
                for (String metric : METRICS) {
                    JsonNode sa = mode.getValue().path(metric);
                    JsonNode sb = other.path(metric);
                    if (!sa.isObject() || !sb.isObject()) {
                        continue;
                    }
                    out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", mb,
                            mode.getKey(), metric.replace("_ns", ""), ms(sa, "p50"), ms(sb, "p50"), ratio(sa, sb, "p50"),
                            ms(sa, "mean"), ms(sb, "mean"), ratio(sa, sb, "mean"), overlap(sa, sb)));
                    rows++;
                }
            }
        }
        if (rows == 0) {
            throw new IllegalArgumentException("nothing to compare: " + a + " and " + b
                    + " have no memory size and mode in common");
        }
        return out.toString();
    }

    private static JsonNode find(JsonNode root, int mb) {
        for (JsonNode m : root.path("memories")) {
            if (m.path("memory_mb").asInt() == mb) {
                return m;
            }
        }
        return null;
    }

    private static String ms(JsonNode s, String field) {
        return String.format(Locale.ROOT, "%.3f", s.path(field).asDouble() / 1e6);
    }

    private static String ratio(JsonNode a, JsonNode b, String field) {
        double x = a.path(field).asDouble();
        return x <= 0 ? "–" : String.format(Locale.ROOT, "%.3f", b.path(field).asDouble() / x);
    }

    private static String overlap(JsonNode a, JsonNode b) {
        JsonNode ca = a.path("p50_ci95");
        JsonNode cb = b.path("p50_ci95");
        if (!ca.isObject() || !cb.isObject()) {
            return "n too small";
        }
        boolean overlap = ca.path("low").asLong() <= cb.path("high").asLong()
                && cb.path("low").asLong() <= ca.path("high").asLong();
        return overlap ? "overlap (within noise)" : "disjoint";
    }

    static JsonNode read(Path p) {
        Path file = Files.isDirectory(p) ? p.resolve(BenchOutput.SUMMARY_JSON) : p;
        try {
            JsonNode n = JSON.readTree(file.toFile());
            if (!n.path("memories").isArray()) {
                throw new IllegalArgumentException(file + " is not a flint bench summary (no \"memories\")");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
