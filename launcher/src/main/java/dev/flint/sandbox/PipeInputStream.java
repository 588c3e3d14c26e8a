package dev.flint.sandbox;

import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintLibrary;
import java.io.IOException;
import java.io.InputStream;

/**
 * The read end of a pipe from the sandbox (its stdout or stderr). Besides reading, it can wait
 * for data without consuming it and tell how many bytes are waiting, which lets a log reader
 * prove it has seen everything written before a given moment.
 */
public final class PipeInputStream extends InputStream {
    private final FlintLibrary lib;
    private final int fd;
    private volatile boolean closed;

    PipeInputStream(FlintLibrary lib, int fd) {
        this.lib = lib;
        this.fd = fd;
    }

    /** The pipe's read end (for naming the pipe to CRIU: {@code pipe:[inode]}). */
    int fd() {
        return fd;
    }

    /** Blocks until data, EOF or an error is there (or timeoutMs passes; -1 = forever). */
    public boolean awaitReadable(int timeoutMs) {
        return closed || lib.flint_wait_readable(fd, timeoutMs) != 0;
    }

    /** Bytes waiting in the pipe (0 once closed). */
    public int pending() {
        return closed ? 0 : Math.max(0, lib.flint_pending(fd));
    }

    @Override
    public int available() {
        return pending();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        byte[] buf = off == 0 ? b : new byte[len];
        FlintError err = new FlintError();
        int n = lib.flint_read(fd, buf, len, err);
        if (n < 0) {
            throw new IOException(err.messageText());
        }
        if (n == 0) {
            return -1;
        }
        if (buf != b) {
            System.arraycopy(buf, 0, b, off, n);
        }
        return n;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            lib.flint_close(fd);
        }
    }
}
