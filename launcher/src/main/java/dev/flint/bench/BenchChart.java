package dev.flint.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * One PNG with two panels: left, the distribution (CDF) of the client round trip of every mode
 * at every memory size, on a log time axis; right, the memory sweep: warm invoke duration and
 * cold and restore round trips (p50) against memory, with the line a CPU ∝ memory scaling would
 * give. Drawn without anti-aliasing, so each mode's series is in exactly its colour ({@link
 * #COLD}, {@link #WARM}, {@link #RESTORE}).
 */
public final class BenchChart {
    public static final Color COLD = new Color(0xD6, 0x27, 0x28);
    public static final Color WARM = new Color(0x1F, 0x77, 0xB4);
    public static final Color RESTORE = new Color(0x2C, 0xA0, 0x2C);
    public static final Color EXPECTED = new Color(0x7F, 0x7F, 0x7F);
    static final int WIDTH = 1400;
    static final int HEIGHT = 560;

    private static final Map<String, Color> MODE_COLORS = Map.of(Sample.COLD, COLD, Sample.WARM, WARM,
            Sample.RESTORE, RESTORE, "expected", EXPECTED);

    private BenchChart() {}

    /** Writes the PNG. */
    public static void write(FunctionBenchResult result, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            distribution(result).draw(g, new Rectangle2D.Double(0, 0, WIDTH * 0.55, HEIGHT));
            sweep(result).draw(g, new Rectangle2D.Double(WIDTH * 0.55, 0, WIDTH * 0.45, HEIGHT));
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    /** The CDF series, one per mode and memory size: key "MODE @ MB MB", x in ms, y in (0, 1]. */
    static XYSeriesCollection distributionData(FunctionBenchResult result) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (FunctionBenchResult.MemoryRun r : result.runs()) {
            for (FunctionBenchResult.ModeRun m : r.modes()) {
                long[] v = m.samples().stream().mapToLong(Sample::roundTripNanos).toArray();
                Arrays.sort(v);
                XYSeries s = new XYSeries(m.mode() + " @ " + r.memoryMb() + " MB", false, true);
                for (int i = 0; i < v.length; i++) {
                    s.add(Math.max(v[i], 1) / 1e6, (i + 1.0) / v.length);
                }
                data.addSeries(s);
            }
        }
        return data;
    }

    static JFreeChart distribution(FunctionBenchResult result) {
        XYSeriesCollection data = distributionData(result);
        LogAxis x = logAxis("client round trip (ms, log scale)");
        NumberAxis y = new NumberAxis("fraction of samples ≤ x (CDF)");
        y.setRange(0, 1.0);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        List<Integer> memories = result.runs().stream().map(FunctionBenchResult.MemoryRun::memoryMb).toList();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String key = data.getSeriesKey(i).toString();
            renderer.setSeriesPaint(i, MODE_COLORS.get(key.substring(0, key.indexOf(' '))));
            int mem = Integer.parseInt(key.replaceAll(".* @ (\\d+) MB", "$1"));
            renderer.setSeriesStroke(i, stroke(memories.indexOf(mem)));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        decades(x, data, true);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainMinorGridlinesVisible(true);
        JFreeChart chart = new JFreeChart("flint bench " + result.function() + ": latency distribution per mode",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setAntiAlias(false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * The sweep series: "warm invoke duration p50", "cold round trip p50", "restore round trip p50",
     * "expected if CPU ∝ memory"; each only when it has points.
     */
    static XYSeriesCollection sweepData(FunctionBenchResult result) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries warm = new XYSeries("warm invoke duration (REPORT) p50");
        XYSeries cold = new XYSeries("cold round trip p50");
        XYSeries restore = new XYSeries("restore round trip p50");
        XYSeries expected = new XYSeries("expected if CPU ∝ memory (from " + FunctionBenchResult.REFERENCE_MB + " MB)");
        List<FunctionBenchResult.SweepRow> rows = result.sweep();
        FunctionBenchResult.SweepRow ref = rows.stream().filter(r -> r.memoryMb() == r.referenceMb()).findFirst()
                .orElse(null);
        for (FunctionBenchResult.SweepRow r : rows) {
            if (r.warm() != null) {
                warm.add(r.memoryMb(), Math.max(r.warm().p50(), 1) / 1e6);
                if (ref != null && ref.warm() != null && rows.size() > 1) {
                    expected.add(r.memoryMb(), ref.warm().p50() * r.expectedRatio() / 1e6);
                }
            }
            if (r.cold() != null) {
                cold.add(r.memoryMb(), Math.max(r.cold().p50(), 1) / 1e6);
            }
            if (r.restore() != null) {
                restore.add(r.memoryMb(), Math.max(r.restore().p50(), 1) / 1e6);
            }
        }
        for (XYSeries s : List.of(warm, cold, restore, expected)) {
            if (s.getItemCount() > 0) {
                data.addSeries(s);
            }
        }
        return data;
    }

    static JFreeChart sweep(FunctionBenchResult result) {
        XYSeriesCollection data = sweepData(result);
        NumberAxis x = new NumberAxis("memory (MB)");
        x.setAutoRangeIncludesZero(false);
        x.setNumberFormatOverride(new DecimalFormat("0"));
        int lo = result.runs().stream().mapToInt(FunctionBenchResult.MemoryRun::memoryMb).min().orElse(128);
        int hi = result.runs().stream().mapToInt(FunctionBenchResult.MemoryRun::memoryMb).max().orElse(3008);
        x.setRange(Math.max(0, lo - 150), hi + 150);
        LogAxis y = logAxis("ms (log scale)");
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String key = data.getSeriesKey(i).toString();
            renderer.setSeriesPaint(i, MODE_COLORS.get(key.substring(0, key.indexOf(' '))));
            renderer.setSeriesStroke(i, key.startsWith("expected") ? stroke(1) : new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        decades(y, data, false);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeMinorGridlinesVisible(true);
        String title = result.runs().size() > 1 ? "memory sweep: duration against memory" : "memory sweep (one size measured)";
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setAntiAlias(false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** A base-10 log axis with a tick at every power of ten, labelled in plain numbers. */
    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setBase(10);
        a.setSmallestValue(1e-3);
        a.setTickUnit(new NumberTickUnit(1.0), false, true);
        a.setNumberFormatOverride(new DecimalFormat("0.###"));
        a.setMinorTickCount(9);
        a.setMinorTickMarksVisible(true);
        return a;
    }

    /** Whole decades around the data, so every power of ten in view is a labelled tick. */
    private static void decades(LogAxis axis, XYSeriesCollection data, boolean xValues) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                double v = xValues ? data.getXValue(s, i) : data.getYValue(s, i);
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (hi > 0) {
            axis.setRange(Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi) + 1e-9)));
        }
    }

    /** Solid for the first memory size, then dashed patterns. */
    private static Stroke stroke(int index) {
        return switch (Math.max(0, index) % 4) {
            case 0 -> new BasicStroke(2f);
            case 1 -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 4f}, 0f);
            case 2 -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f);
            default -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {10f, 3f, 2f, 3f}, 0f);
        };
    }
}
