package dev.flint.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The files of one bench run in its --out directory. */
public final class BenchOutput {
    public static final String SAMPLES_JSON = "samples.json";
    public static final String SAMPLES_CSV = "samples.csv";
    public static final String SUMMARY_JSON = "summary.json";
    public static final String TABLE = "table.md";
    public static final String CHART = "chart.png";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchOutput() {}

    /** {@code bench-out/<UTC timestamp>}, relative to the working directory. */
    public static Path defaultDir() {
        return Path.of("bench-out", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Writes samples JSON and CSV, summary JSON, the table and the chart; returns the files. */
    public static List<Path> write(FunctionBenchResult result, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path samplesJson = dir.resolve(SAMPLES_JSON);
        Path samplesCsv = dir.resolve(SAMPLES_CSV);
        Path summary = dir.resolve(SUMMARY_JSON);
        Path table = dir.resolve(TABLE);
        Path chart = dir.resolve(CHART);
        JSON.writeValue(samplesJson.toFile(), result.samplesJson());
        Files.writeString(samplesCsv, result.csv(), StandardCharsets.UTF_8);
        JSON.writeValue(summary.toFile(), result.summaryJson());
        Files.writeString(table, result.table(), StandardCharsets.UTF_8);
        BenchChart.write(result, chart);
        return List.of(samplesJson, samplesCsv, summary, table, chart);
    }

    static String json(Object tree) throws IOException {
        return JSON.writeValueAsString(tree);
    }
}
