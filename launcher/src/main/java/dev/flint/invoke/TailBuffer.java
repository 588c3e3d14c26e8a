package dev.flint.invoke;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;

/** Keeps the last 4 KB of log lines of one invocation (Invoke's {@code LogType: Tail}). */
final class TailBuffer implements LogSink {
    static final int LIMIT = 4096;
    private final Deque<byte[]> lines = new ArrayDeque<>();
    private int size;

    @Override
    public synchronized void line(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        lines.addLast(b);
        size += b.length;
        // Drop whole lines only while the rest still fills the limit; base64() cuts the bytes.
        while (size - lines.peekFirst().length >= LIMIT) {
            size -= lines.removeFirst().length;
        }
    }

    /** The tail, cut to the last 4096 bytes, base64-encoded as Lambda returns it. */
    synchronized String base64() {
        byte[] all = new byte[size];
        int off = 0;
        for (byte[] b : lines) {
            System.arraycopy(b, 0, all, off, b.length);
            off += b.length;
        }
        int from = Math.max(0, all.length - LIMIT);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(all, from, all.length));
    }
}
