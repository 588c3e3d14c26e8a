package dev.flint.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr. On a terminal it redraws one line ({@code \r}) at most every 100 ms;
 * otherwise (a pipe, a log file) it prints a line at 0, 25, 50, 75 and 100 %.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean enabled;
    private final boolean terminal;
    private String label = "";
    private int total;
    private int done;
    private int lastQuarter;
    private long lastDraw;
    private long started;

    ProgressBar(PrintStream out, boolean enabled, boolean terminal) {
        this.out = out;
        this.enabled = enabled;
        this.terminal = terminal;
    }

    static ProgressBar stderr(boolean enabled) {
        return new ProgressBar(System.err, enabled, System.console() != null);
    }

    synchronized void start(String label, int total) {
        this.label = label;
        this.total = Math.max(1, total);
        this.done = 0;
        this.lastQuarter = -1;
        this.lastDraw = 0;
        this.started = System.nanoTime();
        draw(true);
    }

    synchronized void step() {
        done++;
        draw(done >= total);
    }

    /** Ends the line of a terminal bar. */
    synchronized void finish() {
        if (enabled && terminal) {
            draw(true);
            out.println();
            out.flush();
        }
    }

    /** A note on its own line (the bar is redrawn after it). */
    synchronized void note(String text) {
        if (!enabled) {
            return;
        }
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(text);
        out.flush();
    }

    private void draw(boolean force) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (terminal) {
            if (!force && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int filled = (int) ((long) WIDTH * done / total);
            out.print(String.format(Locale.ROOT, "\r\033[K%s [%s%s] %d/%d %.1f s", label, "#".repeat(filled),
                    ".".repeat(WIDTH - filled), done, total, (now - started) / 1e9));
            out.flush();
            return;
        }
        int quarter = (int) (4L * done / total);
        if (quarter != lastQuarter) {
            lastQuarter = quarter;
            out.println(String.format(Locale.ROOT, "%s: %d/%d (%.1f s)", label, done, total, (now - started) / 1e9));
            out.flush();
        }
    }
}
