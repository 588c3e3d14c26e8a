package dev.flint.sandbox;

import dev.flint.nativeffi.FlintError;
import dev.flint.nativeffi.FlintLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams over raw fds handed back by libflint (pipes to and from the sandbox). */
final class NativeFd {
    private NativeFd() {}

    static InputStream input(FlintLibrary lib, int fd) {
        return new InputStream() {
            private boolean closed;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
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
        };
    }

    static OutputStream output(FlintLibrary lib, int fd) {
        return new OutputStream() {
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                if (closed) {
                    throw new IOException("stdin of the sandbox is closed");
                }
                byte[] buf = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                FlintError err = new FlintError();
                if (lib.flint_write(fd, buf, len, err) < 0) {
                    throw new IOException(err.messageText());
                }
            }

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    lib.flint_close(fd);
                }
            }
        };
    }
}
