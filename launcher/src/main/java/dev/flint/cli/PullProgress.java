package dev.flint.cli;

import dev.flint.image.Digests;
import dev.flint.image.RegistryClient;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Per-layer progress of {@code flint image pull}. On a terminal: one bar per layer, redrawn in
 * place (at most every 100 ms); otherwise one line when a layer starts and one when it is done.
 */
final class PullProgress implements RegistryClient.Listener {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean tty;
    private final Map<String, long[]> layers = new LinkedHashMap<>();
    private final Map<String, String> states = new LinkedHashMap<>();
    private int drawn;
    private long lastDraw;

    PullProgress(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    @Override
    public synchronized void layerStarted(String digest, long size, long resumedFrom) {
        layers.put(digest, new long[] {resumedFrom, size});
        states.put(digest, resumedFrom > 0 ? "resuming" : "downloading");
        if (!tty) {
            out.printf(Locale.ROOT, "  layer %s: %s %s%n", Digests.shortForm(digest),
                    resumedFrom > 0 ? "resuming at " + mb(resumedFrom) + " of" : "downloading", mb(size));
        }
        draw(true);
    }

    @Override
    public synchronized void layerProgress(String digest, long done, long size) {
        layers.computeIfAbsent(digest, d -> new long[2])[0] = done;
        layers.get(digest)[1] = size;
        draw(false);
    }

    @Override
    public synchronized void layerDone(String digest, long size, String how) {
        layers.put(digest, new long[] {size, size});
        states.put(digest, how);
        if (!tty) {
            out.printf(Locale.ROOT, "  layer %s: %s (%s)%n", Digests.shortForm(digest), how, mb(size));
        }
        draw(true);
    }

    @Override
    public synchronized void note(String line) {
        if (tty) {
            clear();
        }
        out.println("  " + line);
        drawn = 0;
        draw(true);
    }

    synchronized void finish() {
        draw(true);
        drawn = 0;
    }

    private void clear() {
        if (drawn > 0) {
            out.print("\033[" + drawn + "A");
            for (int i = 0; i < drawn; i++) {
                out.print("\r\033[2K\n");
            }
            out.print("\033[" + drawn + "A");
        }
    }

    private void draw(boolean force) {
        if (!tty) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        if (drawn > 0) {
            out.print("\033[" + drawn + "A");
        }
        for (Map.Entry<String, long[]> e : layers.entrySet()) {
            long done = e.getValue()[0];
            long size = Math.max(1, e.getValue()[1]);
            int filled = (int) Math.min(WIDTH, done * WIDTH / size);
            out.printf(Locale.ROOT, "\r\033[2K  %s [%s%s] %s / %s  %s%n", Digests.shortForm(e.getKey()),
                    "#".repeat(filled), ".".repeat(WIDTH - filled), mb(done), mb(e.getValue()[1]),
                    states.getOrDefault(e.getKey(), ""));
        }
        drawn = layers.size();
        out.flush();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
