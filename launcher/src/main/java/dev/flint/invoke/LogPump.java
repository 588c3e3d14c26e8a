package dev.flint.invoke;

import dev.flint.sandbox.PipeInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Copies one output pipe of an env into its log, line by line, on its own thread. Lambda keeps
 * a runtime's lines in order around START/END, so {@link #drain} waits until everything the
 * runtime wrote before the call has been logged. Bytes leave the pipe only while the pump is
 * marked busy (it waits for readability first, then reads), so "pipe empty and pump idle" really
 * means "all logged".
 */
final class LogPump implements Runnable {
    /** A longer line is cut into lines of this size (Lambda splits log events over 256 KB), so one never fills the heap. */
    static final int MAX_LINE_BYTES = 256 * 1024;
    private final PipeInputStream in;
    private final LogSink sink;
    private final Thread thread;
    private final Object lock = new Object();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean busy;
    private boolean done;

    LogPump(String name, PipeInputStream in, LogSink sink) {
        this.in = in;
        this.sink = sink;
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        byte[] buf = new byte[16384];
        try {
            while (in.awaitReadable(-1)) {
                synchronized (lock) {
                    busy = true;
                }
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    break;
                }
                synchronized (lock) {
                    for (int i = 0; i < n; i++) {
                        byte b = buf[i];
                        if (b == '\n') {
                            emit();
                            continue;
                        }
                        // Cut a long line before a byte that starts a character, so no UTF-8
                        // sequence is split (at most 3 bytes over the limit).
                        if (partial.size() >= MAX_LINE_BYTES
                                && ((b & 0xC0) != 0x80 || partial.size() >= MAX_LINE_BYTES + 3)) {
                            emit();
                        }
                        partial.write(b);
                    }
                    busy = false;
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // the env is gone; whatever was read is logged below
        } finally {
            synchronized (lock) {
                if (partial.size() > 0) {
                    emit();
                }
                busy = false;
                done = true;
                lock.notifyAll();
            }
        }
    }

    private void emit() {
        sink.line(partial.toString(StandardCharsets.UTF_8));
        partial.reset();
    }

    /**
     * Waits (at most maxMillis) until the pipe is empty and the pump idle, then logs a partial
     * last line too: a runtime's log call without a newline (the Java RIC's logger) is a line.
     */
    void drain(long maxMillis) {
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        synchronized (lock) {
            while (!done && (busy || in.pending() > 0)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (partial.size() > 0) {
                emit();
            }
        }
    }

    /** Waits for the pump to reach EOF (after the env was killed). */
    void join(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
